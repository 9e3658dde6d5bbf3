"""The operation log (操作日志): who did what, when and why — log-ins, administrative changes,
imports, exports and every deliberate view of personal data in clear. Written in the transaction
of the operation it records (a refused operation leaves no line); searched by administrators,
each seeing the lines of the centers in their jurisdiction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.domain.enums import Role
from commandcenter.errors import PermissionDenied
from commandcenter.storage.models import Center, OperationLogEntry


class OperationKind(StrEnum):
    LOGIN = "login"
    ADMIN = "admin"  # units, departments, staff, grids' people, the list of matters
    IMPORT = "import"
    EXPORT = "export"
    CLEAR_VIEW = "clear_view"  # personal data shown in clear, with the reason given
    BASE_DATA = "base_data"  # a resident, house or organisation edited by hand


@dataclass(frozen=True)
class LogLine:
    at: dt.datetime
    username: str
    center_name: str
    action: OperationKind
    target: str
    detail: str
    reason: str


def record(
    session: Session,
    actor: Actor | None,
    at: dt.datetime,
    action: OperationKind,
    target: str,
    detail: str = "",
    reason: str = "",
    *,
    username: str = "",
) -> None:
    """One line. ``actor`` None: the command line of whoever holds the database URL
    (``username`` says who, e.g. the operating-system user)."""
    session.add(
        OperationLogEntry(
            at=at,
            user_id=actor.user_id if actor else None,
            username=(actor.username if actor else username or "command line")[:50],
            center_id=actor.center_id if actor else None,
            action=action.value,
            target=target[:200],
            detail=detail,
            reason=reason[:200],
        )
    )


def search_log(
    session: Session,
    actor: Actor,
    text: str = "",
    action: OperationKind | None = None,
    since: dt.datetime | None = None,
    limit: int = 500,
) -> list[LogLine]:
    """The newest lines first; an administrator sees their jurisdiction's centers' lines (and
    the command line's, which belong to no center)."""
    if actor.role is not Role.ADMINISTRATOR:
        raise PermissionDenied("Only administrators read the operation log.")
    query = (
        select(OperationLogEntry, Center.name)
        .outerjoin(Center, OperationLogEntry.center_id == Center.id)
        .where(
            or_(
                OperationLogEntry.center_id.in_(actor.jurisdiction_center_ids),
                OperationLogEntry.center_id.is_(None),
            )
        )
    )
    if action is not None:
        query = query.where(OperationLogEntry.action == OperationKind(action).value)
    if since is not None:
        query = query.where(OperationLogEntry.at >= since)
    text = text.strip()[:50]
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(
                OperationLogEntry.username.like(pattern),
                OperationLogEntry.target.like(pattern),
                OperationLogEntry.detail.like(pattern),
                OperationLogEntry.reason.like(pattern),
            )
        )
    query = query.order_by(OperationLogEntry.at.desc(), OperationLogEntry.id.desc())
    rows = session.execute(query.limit(max(1, min(limit, 5000)))).all()
    return [
        LogLine(
            e.at,
            e.username,
            center or "",
            OperationKind(e.action),
            e.target,
            e.detail,
            e.reason,
        )
        for e, center in rows
    ]
