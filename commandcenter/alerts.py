"""What makes a console ring: the one rule of which changes are alerts.

Three things interrupt a duty officer (issue 14):

- a **critical case** (urgency 特急) arrives in the jurisdiction, or a case in it becomes critical;
- a **supervision order from above** (督办): a center outside the officer's jurisdiction — one
  above it — orders a case in it to be handled;
- a **camera at a key site** (重点部位) goes offline.

A console asks ``case_alerts`` with the rows it held before each change and ``camera_alerts``
with the cameras' previous and new online state; both answer the alerts in the order they
arose. What the console changed itself is not news to it (``own_case_ids``). The first picture
a console loads raises no case alerts — only changes do — but a key-site camera found offline
on the first check does: nobody has seen it yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from commandcenter.access.accounts import Actor
from commandcenter.cameras.rows import CameraRow
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import Urgency


class AlertKind(StrEnum):
    CRITICAL_CASE = "critical_case"
    SUPERVISION = "supervision"  # 督办 from a center above
    CAMERA_OFFLINE = "camera_offline"  # at a key site


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    subject_id: int  # the case's id, or the camera's for CAMERA_OFFLINE
    title: str  # the case's title or the camera's name
    where: str  # the grid's name ("" when none)
    code: str = ""  # the case's code

    @property
    def opens_camera(self) -> bool:
        return self.kind is AlertKind.CAMERA_OFFLINE


def case_alerts(
    actor: Actor,
    before: Mapping[int, CaseRow],
    rows: Iterable[CaseRow],
    own_case_ids: frozenset[int] | set[int] = frozenset(),
) -> list[Alert]:
    """The alerts in ``rows`` (cases as they are now) given the same cases as they were
    (``before``, by id; missing: new to the console)."""
    alerts = []
    for row in rows:
        if row.id in own_case_ids or not row.state.is_open:
            continue
        was = before.get(row.id)
        where = row.grid_name or ""
        if row.urgency is Urgency.CRITICAL and (was is None or was.urgency is not Urgency.CRITICAL):
            alerts.append(Alert(AlertKind.CRITICAL_CASE, row.id, row.title, where, row.code))
        from_above = _from_above(actor, row)
        if from_above and (was is None or not from_above <= _from_above(actor, was)):
            alerts.append(Alert(AlertKind.SUPERVISION, row.id, row.title, where, row.code))
    return alerts


def _from_above(actor: Actor, row: CaseRow) -> frozenset[int]:
    """The centers above the actor's with an open supervision order on the case."""
    return frozenset(c for c in row.supervising_center_ids if not actor.governs_center(c))


def camera_alerts(
    cameras: Iterable[CameraRow], before: Mapping[int, bool], online: Mapping[int, bool]
) -> list[Alert]:
    """Key-site cameras that were not already known offline and now are. A camera not
    checked (absent from ``online``) or disabled says nothing."""
    return [
        Alert(AlertKind.CAMERA_OFFLINE, c.id, c.name, c.grid_name or "")
        for c in cameras
        if c.key_site and c.enabled and online.get(c.id) is False and before.get(c.id) is not False
    ]
