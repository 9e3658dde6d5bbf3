"""Separation of duties (职责分离): whoever handled a case — took it, reported its result or
resolved it on the spot — neither verifies it nor enters the resident's rating. One person
cannot close the loop alone and feed the figures.

The rule is on by default and configurable per center (the setting ``separation_of_duties``:
``{center id: true|false}``): for a case, the nearest setting from the case's center upwards
decides (a street turning it off turns it off for its communities unless one of them turns it
on again); without any, it applies. A one-person station may turn it off; the figures still
count the loops one person closed (``figures.kpi``: ``closed_alone``).

``duty_refusal`` is the one answer: the engine asks it for every step (``CaseWorkflow._check``,
hence ``allowed_actions`` and the case tab's buttons) and the board's "needs my action" asks it
for every row (``cases.board.action_test``), with ``CaseRow.duties_separated`` read by the same
``DutiesPolicy``. The self-resolution rule (nobody verifies their own on-the-spot fix) holds
whatever the setting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter import clock
from commandcenter.access.accounts import Actor
from commandcenter.errors import CommandCenterError, PermissionDenied
from commandcenter.workflow.rules import Action

SETTING = "separation_of_duties"
RULE_NAME = "separation of duties (职责分离)"

# The steps someone who handled the case may not take on it, and why.
SEPARATED_STEPS: dict[Action, str] = {
    Action.VERIFY: "who handled the case or reported its result does not verify it",
    Action.FOLLOW_UP: "the resident's rating is entered by someone other than the handler",
}


def duty_refusal(
    actor_user_id: int,
    action: Action,
    handler_user_id: int | None,
    separated: bool,
    self_resolved: bool = False,
) -> tuple[str, str] | None:
    """Why this step is refused to this person, as (message, reason), or None.
    ``handler_user_id``: the case's handler of record (who accepted it, reported its result
    or resolved it on the spot). Nobody verifies their own on-the-spot resolution, whatever
    the setting (reason "role"); the rest holds where the rule applies (reason "duties")."""
    if handler_user_id is None or handler_user_id != actor_user_id:
        return None
    if action is Action.VERIFY and self_resolved:
        return "Nobody verifies their own resolution.", "role"
    if not separated or action not in SEPARATED_STEPS:
        return None
    return (
        f"Refused by the rule of {RULE_NAME}: {SEPARATED_STEPS[action]}. "
        "Another officer takes this step.",
        "duties",
    )


@dataclass
class DutiesPolicy:
    """Where separation of duties applies: the explicit settings and the center tree."""

    settings: dict[int, bool] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> DutiesPolicy:
        from commandcenter.storage.models import Center, Setting

        stored = session.get(Setting, SETTING)
        settings = {int(k): bool(v) for k, v in ((stored.value if stored else None) or {}).items()}
        parents = (
            dict(session.execute(select(Center.id, Center.parent_id)).all()) if settings else {}
        )
        return cls(settings, parents)

    def applies(self, center_id: int | None) -> bool:
        """Whether the rule holds for a case of this center (default: yes)."""
        seen = set()
        current = center_id
        while current is not None and current not in seen:
            if current in self.settings:
                return self.settings[current]
            seen.add(current)
            current = self.parents.get(current)
        return True


def set_separation(
    session: Session,
    actor: Actor | None,
    center_id: int,
    on: bool | None,
    *,
    at: dt.datetime | None = None,
) -> None:
    """Turn the rule on or off for a center and the centers below it (``None``: forget the
    center's own setting and follow the center above). An administrator does it for a center
    of his jurisdiction; the command line (``actor`` None) for any. The change is a line of
    the operation log (who, which center, on/off)."""
    from commandcenter.access.accounts import require_can_write
    from commandcenter.access.oplog import OperationKind, record
    from commandcenter.domain.enums import Role
    from commandcenter.storage.models import Center, Setting

    if actor is not None:
        require_can_write(actor)
        if actor.role != Role.ADMINISTRATOR or not actor.governs_center(center_id):
            raise PermissionDenied(
                "Only an administrator of the center's jurisdiction sets separation of duties."
            )
    center = session.get(Center, center_id)
    if center is None:
        raise CommandCenterError(f"No center with id {center_id}.")
    stored = session.get(Setting, SETTING)
    value = dict((stored.value if stored else None) or {})
    if on is None:
        value.pop(str(center_id), None)
    else:
        value[str(center_id)] = bool(on)
    if stored is None:
        session.add(Setting(key=SETTING, value=value))
    else:
        stored.value = value
    state = {True: "on", False: "off", None: "as the center above"}[on]
    record(
        session,
        actor,
        at or clock.now(),
        OperationKind.ADMIN,
        f"separation of duties: {center.name}",
        f"separation of duties {state}",
    )
    session.flush()
