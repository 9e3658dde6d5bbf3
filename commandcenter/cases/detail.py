"""Everything the case detail shows, for one actor: fields, the archive's timeline,
attachments, nearby cameras, related cases, and the steps this actor may take now with what
each step asks for.

The screen builds its buttons from ``CaseDetail.actions`` (the engine's ``allowed_actions``),
so a button exists only for a step the core would accept; the core checks again when the step
is taken. Personal data of the reporter is masked unless the actor's role sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.cases import may_see
from commandcenter.domain.enums import (
    AttachmentKind,
    CaseCategory,
    CaseSource,
    CaseState,
    Role,
    Urgency,
)
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.geo.rings import rings_of
from commandcenter.schedule.deadlines import DeadlineRule, DeadlineStatus
from commandcenter.storage.models import (
    Attachment,
    Camera,
    Case,
    CaseEvent,
    CaseType,
    Center,
    Department,
    Grid,
    User,
)
from commandcenter.workflow.duplicates import DuplicateRule, distance_m, find_duplicates
from commandcenter.workflow.engine import CaseWorkflow
from commandcenter.workflow.rules import RULES, Action

NEARBY_CAMERAS_M = 500.0

# What a step asks the officer for beyond a reason (the engine's parameters).
ACTION_INPUTS: dict[Action, tuple[str, ...]] = {
    Action.DISPATCH: ("target",),  # a department or a lower center
    Action.VERIFY: ("passed",),
    Action.FOLLOW_UP: ("rating",),
    Action.REQUEST_EXTENSION: ("days",),
    Action.DECIDE_EXTENSION: ("approved",),
    Action.SUPERVISE: ("hours",),
    Action.MERGE: ("into_case_id",),
}
# Steps that do not move the case along; the board's "needs my action" ignores them.
INFORMATIONAL = frozenset({Action.URGE, Action.SUPERVISE})


@dataclass(frozen=True)
class ActionForm:
    action: Action
    needs_reason: bool
    inputs: tuple[str, ...]
    informational: bool


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: dt.datetime
    action: str
    actor: str
    role: Role | None
    from_state: CaseState | None
    to_state: CaseState | None
    comment: str
    details: dict


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    kind: AttachmentKind
    filename: str
    media_type: str
    size_bytes: int
    created_at: dt.datetime


@dataclass(frozen=True)
class NearbyCamera:
    id: int
    name: str
    device_id: str
    distance_m: float


@dataclass(frozen=True)
class RelatedCase:
    id: int
    code: str
    title: str
    state: CaseState
    relation: str  # "merged_into", "merged_here", "possible_duplicate"


@dataclass(frozen=True)
class DispatchTarget:
    kind: str  # "department" or "center"
    id: int
    name: str
    # the department takes this matter (事项清单's department kind) or this category: listed first
    suggested: bool = False


@dataclass(frozen=True)
class CaseDetail:
    id: int
    code: str
    title: str
    description: str
    category: CaseCategory
    source: CaseSource
    urgency: Urgency
    state: CaseState
    address: str | None
    lon: float | None
    lat: float | None
    grid_id: int | None
    grid_name: str | None
    grid_rings: tuple
    center: str
    holder: str
    reporter: str
    reported_at: dt.datetime
    filed_at: dt.datetime | None
    deadline: dt.datetime | None
    closed_at: dt.datetime | None
    deadline_status: DeadlineStatus
    paused_since: dt.datetime | None
    satisfaction: int | None
    rework_count: int
    extension_count: int
    urge_count: int
    version: int
    timeline: tuple[TimelineEntry, ...]
    attachments: tuple[AttachmentInfo, ...]
    cameras: tuple[NearbyCamera, ...]
    related: tuple[RelatedCase, ...]
    actions: tuple[ActionForm, ...]
    dispatch_targets: tuple[DispatchTarget, ...]

    def action(self, action: Action) -> ActionForm | None:
        return next((a for a in self.actions if a.action is action), None)


def _holder(session: Session, case: Case) -> str:
    parts = []
    if case.holder_department_id:
        parts.append(session.get(Department, case.holder_department_id).name)
    elif case.holder_center_id:
        parts.append(session.get(Center, case.holder_center_id).name)
    if case.holder_user_id:
        parts.append(session.get(User, case.holder_user_id).display_name)
    return " / ".join(parts)


def load_case_detail(
    session: Session,
    actor: Actor,
    case_id: int,
    now: dt.datetime,
    workflow: CaseWorkflow | None = None,
) -> CaseDetail:
    case = session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise TransitionRefused(f"No case with id {case_id}.", "input")
    if not may_see(actor, case):
        raise PermissionDenied(f"Case {case.code} is outside your jurisdiction.")
    workflow = workflow or CaseWorkflow(session, now=lambda: now)
    names = {}

    def name_of(user_id):
        if user_id is None:
            return ""
        if user_id not in names:
            user = session.get(User, user_id)
            names[user_id] = user.display_name if user else ""
        return names[user_id]

    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    shown = actor.shown_text
    timeline = tuple(
        TimelineEntry(
            e.seq, e.at, e.action, name_of(e.actor_user_id), e.actor_role,
            e.from_state, e.to_state, shown(e.comment),
            {k: shown(v) if isinstance(v, str) else v for k, v in (e.details or {}).items()},
        )
        for e in events
    )  # fmt: skip
    attachments = tuple(
        AttachmentInfo(a.id, a.kind, a.filename, a.media_type, a.size_bytes, a.created_at)
        for a in session.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        )
    )
    grid = session.get(Grid, case.grid_id) if case.grid_id else None
    cameras: list[NearbyCamera] = []
    if case.lon is not None and case.lat is not None:
        for camera in session.scalars(
            select(Camera).where(Camera.center_id.in_(actor.jurisdiction_center_ids))
        ):
            distance = distance_m(case.lon, case.lat, camera.lon, camera.lat)
            if distance <= NEARBY_CAMERAS_M:
                cameras.append(NearbyCamera(camera.id, camera.name, camera.device_id, distance))
    cameras.sort(key=lambda c: c.distance_m)
    related: list[RelatedCase] = []
    if case.merged_into_id:
        target = session.get(Case, case.merged_into_id)
        related.append(
            RelatedCase(target.id, target.code, shown(target.title), target.state, "merged_into")
        )
    for other in session.scalars(select(Case).where(Case.merged_into_id == case.id)):
        related.append(
            RelatedCase(other.id, other.code, shown(other.title), other.state, "merged_here")
        )
    if case.state.is_open and case.lon is not None:
        for other in find_duplicates(
            session, DuplicateRule.load(session), case.category, case.lon, case.lat, now
        ):
            if other.id != case.id and may_see(actor, other):
                related.append(
                    RelatedCase(
                        other.id, other.code, shown(other.title), other.state, "possible_duplicate"
                    )
                )
    actions = tuple(
        ActionForm(a, RULES[a].needs_reason, ACTION_INPUTS.get(a, ()), a in INFORMATIONAL)
        for a in workflow.allowed_actions(actor, case)
    )
    targets: list[DispatchTarget] = []
    if any(a.action is Action.DISPATCH for a in actions):
        case_type = session.get(CaseType, case.case_type_id) if case.case_type_id else None
        departments = []
        for department in session.scalars(
            select(Department)
            .where(Department.center_id.in_(actor.jurisdiction_center_ids))
            .order_by(Department.name)
        ):
            takes = case.category.value in (department.categories or ()) or (
                case_type is not None and case_type.department_kind is department.kind
            )
            departments.append(DispatchTarget("department", department.id, department.name, takes))
        targets += sorted(departments, key=lambda t: not t.suggested)
        for center in session.scalars(
            select(Center).where(
                Center.parent_id == actor.center_id,
                Center.id.in_(actor.jurisdiction_center_ids),
            )
        ):
            if workflow.center_governs(center.id, case.center_id):
                targets.append(DispatchTarget("center", center.id, center.name))
    return CaseDetail(
        id=case.id,
        code=case.code,
        title=shown(case.title),
        description=shown(case.description),
        category=case.category,
        source=case.source,
        urgency=case.urgency,
        state=case.state,
        address=case.address,
        lon=case.lon,
        lat=case.lat,
        grid_id=case.grid_id,
        grid_name=grid.name if grid else None,
        grid_rings=rings_of(grid.boundary_wkb) if grid else (),
        center=session.get(Center, case.center_id).name,
        holder=_holder(session, case),
        reporter=actor.shown_person(case.reporter_name, case.reporter_phone),
        reported_at=case.reported_at,
        filed_at=case.filed_at,
        deadline=case.deadline,
        closed_at=case.closed_at,
        deadline_status=DeadlineRule.load(session).of_case(now, case),
        paused_since=case.paused_since,
        satisfaction=case.satisfaction,
        rework_count=case.rework_count,
        extension_count=case.extension_count,
        urge_count=case.urge_count,
        version=case.version,
        timeline=timeline,
        attachments=attachments,
        cameras=tuple(cameras),
        related=tuple(related),
        actions=actions,
        dispatch_targets=tuple(targets),
    )


def perform(
    session: Session,
    actor: Actor,
    case_id: int,
    action: Action,
    *,
    expected_version: int,
    comment: str = "",
    **inputs,
):
    """Take one step from the console: the inputs of ``ACTION_INPUTS`` turned into the engine's
    parameters (a dispatch target "department:12" / "center:3", days of extension)."""
    params = dict(inputs)
    target = params.pop("target", None)
    if target:
        kind, _, key = str(target).partition(":")
        params[f"{kind}_id"] = int(key)
    return CaseWorkflow(session).perform(
        actor, case_id, action, expected_version=expected_version, comment=comment, **params
    )
