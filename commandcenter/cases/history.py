"""A case's archive (电子档案) as one actor may read it: every step in order, with ID and phone
numbers masked in comments and details unless the actor's role sees personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.cases import may_see
from commandcenter.domain.enums import CaseState, Role
from commandcenter.errors import CommandCenterError, PermissionDenied
from commandcenter.storage.models import Case, CaseEvent, Center, User


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a case's archive (电子档案) as the actor may see it."""

    seq: int
    at: dt.datetime
    action: str  # a workflow Action value
    actor_name: str
    actor_role: Role | None
    actor_center: str
    from_state: CaseState | None
    to_state: CaseState | None
    comment: str
    details: tuple[tuple[str, str], ...] = ()


def _detail_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    return str(value)


def case_history(session: Session, actor: Actor, case_id: int) -> list[HistoryEntry]:
    """The archive of one case in order (seq 1, 2, …). Refused for a case the actor may not
    see; comments and details have ID and phone numbers masked, and the first entry names the
    reporter masked, unless the actor's role sees personal data."""
    found = session.get(Case, case_id)
    if found is None:
        raise CommandCenterError(f"No case with id {case_id}.")
    if not may_see(actor, found):
        raise PermissionDenied(f"Case {found.code} is outside your jurisdiction.")
    keep = actor.shown_text
    names = dict(session.execute(select(User.id, User.display_name)).all())
    centers = dict(session.execute(select(Center.id, Center.name)).all())
    reporter = actor.shown_person(found.reporter_name, found.reporter_phone)
    entries = []
    for e in session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ):
        details = [(k, keep(_detail_text(v))) for k, v in sorted((e.details or {}).items())]
        if e.seq == 1 and reporter:
            details.insert(0, ("reporter", reporter))
        entries.append(
            HistoryEntry(
                seq=e.seq,
                at=e.at,
                action=e.action,
                actor_name=names.get(e.actor_user_id, "") if e.actor_user_id else "",
                actor_role=e.actor_role,
                actor_center=centers.get(e.actor_center_id, "") if e.actor_center_id else "",
                from_state=e.from_state,
                to_state=e.to_state,
                comment=keep(e.comment or ""),
                details=tuple(details),
            )
        )
    return entries
