"""The case closed loop as operations: every step checks role, jurisdiction, state and version,
changes the case and appends one keyed archive entry (``workflow.audit``), in the caller's
transaction.

Usage::

    with database.session() as session, session.begin():
        flow = CaseWorkflow(session)
        change = flow.perform(actor, case_id, Action.FILE, expected_version=3)

Each mutation raises the case's version by one and appends one entry, so version == the number
of archive entries and "what changed since version v" is the entries after #v.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from commandcenter import clock
from commandcenter.access.accounts import Actor, require_can_write
from commandcenter.access.cases import holds, may_see
from commandcenter.access.grids import manages_grid
from commandcenter.domain import limits as input_limits
from commandcenter.domain.enums import (
    AdminLevel,
    AttachmentKind,
    CaseCategory,
    CaseSource,
    CaseState,
    Role,
    Urgency,
)
from commandcenter.errors import ConflictError, DuplicateSuspected, LostRace, TransitionRefused
from commandcenter.geo.locate import grid_at, in_china
from commandcenter.schedule.timelimits import TimeLimitPlace, TimeLimits
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage.models import (
    AdminUnit,
    Case,
    CaseEvent,
    CaseType,
    Center,
    Department,
    Grid,
    SupervisionOrder,
)
from commandcenter.workflow import attachments, audit
from commandcenter.workflow.codes import next_case_code
from commandcenter.workflow.duplicates import DuplicateRule, find_duplicates
from commandcenter.workflow.duties import DutiesPolicy, duty_refusal
from commandcenter.workflow.rules import REPORT_SOURCES, RULES, Action, Scope

S = CaseState
FOLLOW_UP_SOURCES = (CaseSource.RESIDENT, CaseSource.HOTLINE_12345)


@dataclass(frozen=True)
class CaseChange:
    """What one operation changed: enough for screens to update the one case they show."""

    case_id: int
    code: str
    action: Action
    from_state: CaseState | None
    to_state: CaseState
    version: int


@dataclass
class _Step:
    case: Case
    actor: Actor
    now: dt.datetime
    comment: str
    params: dict[str, Any]
    details: dict[str, Any]


class CaseWorkflow:
    def __init__(
        self,
        session: Session,
        *,
        calendar: WorkingCalendar | None = None,
        limits: TimeLimits | None = None,
        now: Callable[[], dt.datetime] = clock.now,
        duplicate_rule: DuplicateRule | None = None,
    ):
        self.session = session
        self.calendar = calendar or WorkingCalendar.load(session)
        self.limits = limits or TimeLimits.load(session)
        self.now = now
        self.duplicate_rule = duplicate_rule or DuplicateRule.load(session)
        self._duties: DutiesPolicy | None = None

    @property
    def duties(self) -> DutiesPolicy:
        """Where separation of duties applies (read once per workflow)."""
        if self._duties is None:
            self._duties = DutiesPolicy.load(self.session)
        return self._duties

    # --- asking ---------------------------------------------------------------------------

    def allowed_actions(self, actor: Actor, case: Case) -> list[Action]:
        """The steps this actor may take on the case now (for the console's buttons)."""
        allowed = []
        for action in RULES:
            try:
                self._check(actor, case, action)
            except TransitionRefused:
                continue
            allowed.append(action)
        return allowed

    # --- reporting ------------------------------------------------------------------------

    def report(
        self,
        actor: Actor,
        *,
        source: CaseSource,
        category,
        title: str,
        description: str = "",
        grid_id: int | None = None,
        address: str | None = None,
        lon: float | None = None,
        lat: float | None = None,
        urgency: Urgency = Urgency.NORMAL,
        reporter_name: str | None = None,
        reporter_phone: str | None = None,
        camera_id: int | None = None,
        case_type_id: int | None = None,
        allow_duplicate: bool = False,
    ) -> CaseChange:
        """A new case (上报). Offers near open cases of the same category for merging first.
        A matter of the list (事项清单, ``case_type_id``) gives the category and at least its
        default urgency; its time limit then counts once the case is filed."""
        require_can_write(actor)
        audit.lock_head(self.session)  # the chain's lock first: every writer in one order
        if not title.strip():
            raise TransitionRefused("A case needs a title saying what happened.", "input")
        self._check_source(actor, source)
        lon, lat = self._check_point(lon, lat)
        if case_type_id is not None:
            case_type = self.session.get(CaseType, case_type_id)
            if case_type is None or not case_type.active:
                raise TransitionRefused("That matter is not on the list of matters.", "input")
            if category is not None and CaseCategory(category) is not case_type.category:
                raise TransitionRefused(
                    f"Matter {case_type.name} belongs to another category.", "input"
                )
            category = case_type.category
            order = list(Urgency)
            urgency = max(Urgency(urgency), case_type.urgency, key=order.index)
        now = self.now()
        if grid_id is None and lon is not None:  # a point alone: the grid that holds it
            grid_id = grid_at(self.session, lon, lat)
        grid = self.session.get(Grid, grid_id) if grid_id is not None else None
        if grid_id is not None and grid is None:
            raise TransitionRefused(f"No grid with id {grid_id}.", "input")
        center_id = self._center_of_unit(grid.community_id) if grid else actor.center_id
        if not actor.governs_center(center_id) and actor.role != Role.DEPARTMENT_HANDLER:
            raise TransitionRefused(
                "The place is outside your jurisdiction; report it to its center.", "jurisdiction"
            )
        if actor.role == Role.GRID_MANAGER and (
            grid is None or not manages_grid(self.session, actor, grid.id)
        ):
            raise TransitionRefused(
                "A grid manager reports in his own grids; report it to the community.",
                "jurisdiction",
            )
        if grid is not None and lon is not None:
            self._check_point_in_grid(grid, lon, lat)
        if lon is None and grid is not None:
            lon, lat = grid.centroid_lon, grid.centroid_lat
        if not allow_duplicate and lon is not None:
            near = find_duplicates(self.session, self.duplicate_rule, category, lon, lat, now)
            near = [c for c in near if actor.governs_center(c.center_id)]
            if near:
                codes = ", ".join(c.code for c in near[:5])
                raise DuplicateSuspected(
                    f"Open cases of the same kind are close by ({codes}); merge into one of "
                    "them or report anyway.",
                    [c.id for c in near],
                )
        case = Case(
            code=next_case_code(self.session, now.date()),
            source=source,
            category=category,
            title=title.strip(),
            description=description,
            address=address,
            lon=lon,
            lat=lat,
            grid_id=grid_id,
            center_id=center_id,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_user_id=actor.user_id,
            camera_id=camera_id,
            case_type_id=case_type_id,
            urgency=urgency,
            state=S.REPORTED,
            reported_at=now,
            holder_center_id=center_id,
            version=1,
        )
        self.session.add(case)
        self.session.flush()
        self._append(case, actor, now, Action.REPORT, None, S.REPORTED, description, {})
        self.session.flush()
        return CaseChange(case.id, case.code, Action.REPORT, None, S.REPORTED, case.version)

    def _check_source(self, actor: Actor, source) -> None:
        try:
            source = CaseSource(source)
        except ValueError:
            raise TransitionRefused(f"{source!r} is not a source of cases.", "input") from None
        allowed = REPORT_SOURCES.get(actor.role, frozenset())
        if source not in allowed:
            named = ", ".join(s.value for s in CaseSource if s in allowed) or "none"
            raise TransitionRefused(
                f"The {actor.role.value} role does not report cases as {source.value} "
                f"(its sources: {named}).",
                "role",
            )

    @staticmethod
    def _check_point(lon, lat) -> tuple[float | None, float | None]:
        if lon is None and lat is None:
            return None, None
        if lon is None or lat is None:
            raise TransitionRefused("A place needs both longitude and latitude.", "input")
        lon = input_limits.bounded(lon, "The longitude", input_limits.LONGITUDE)
        lat = input_limits.bounded(lat, "The latitude", input_limits.LATITUDE)
        if not in_china(lon, lat):
            raise TransitionRefused(
                f"The place ({lon}, {lat}) is outside China: check the coordinates "
                "(WGS-84 degrees, not swapped?).",
                "input",
            )
        return lon, lat

    # A point this close to its grid's boundary (in degrees, about 30 m) counts as in it: a
    # phone's position near the line.
    POINT_TOLERANCE = 0.0003

    def _check_point_in_grid(self, grid: Grid, lon: float, lat: float) -> None:
        import shapely

        boundary = grid.geometry
        if boundary is None:
            return
        if boundary.distance(shapely.Point(lon, lat)) > self.POINT_TOLERANCE:
            raise TransitionRefused(
                f"The place ({lon:.6f}, {lat:.6f}) is not in grid {grid.name}; pick the grid "
                "that holds it.",
                "input",
            )

    # --- every other step -------------------------------------------------------------------

    def perform(
        self,
        actor: Actor,
        case_id: int,
        action: Action,
        *,
        expected_version: int,
        comment: str = "",
        **params: Any,
    ) -> CaseChange:
        audit.lock_head(self.session)  # the chain's lock first: every writer in one order
        case = self.session.get(Case, case_id, populate_existing=True)
        if case is None:
            raise TransitionRefused(f"No case with id {case_id}.", "input")
        if case.version != expected_version:
            if not may_see(actor, case):  # what others did to a case is for those who see it
                raise TransitionRefused(
                    f"Case {case.code} is not in your jurisdiction or in your hands.",
                    "jurisdiction",
                )
            raise self._conflict(case, expected_version)
        action = Action(action)
        if action is Action.ATTACH:
            raise TransitionRefused("Material is added with attach(), not as a step.", "input")
        rule = self._check(actor, case, action)
        if rule.needs_reason and not comment.strip():
            raise TransitionRefused("This step needs a reason; nothing was changed.", "input")
        before = case.state
        step = _Step(case, actor, self.now(), comment.strip(), params, {})
        handler = getattr(self, f"_do_{action.value}")
        try:
            after = handler(step)
            case.state = after
            self._append(case, actor, step.now, action, before, after, step.comment, step.details)
            self.session.flush()
        except StaleDataError:  # another console's write landed between our check and ours
            # The transaction is the caller's: it must roll back, then ask conflict() what
            # the other console did (commandcenter.backend does both).
            raise LostRace(case_id, expected_version) from None
        return CaseChange(case.id, case.code, action, before, after, case.version)

    def attach(
        self,
        actor: Actor,
        case_id: int,
        data: bytes,
        *,
        filename: str,
        media_type: str,
        kind: AttachmentKind,
    ) -> CaseChange:
        """Add a photo, snapshot or document to an open case: stored once per content, and
        recorded in the archive (who, what, its SHA-256) like every other change."""
        audit.lock_head(self.session)  # the chain's lock first: every writer in one order
        case = self.session.get(Case, case_id, populate_existing=True)
        if case is None:
            raise TransitionRefused(f"No case with id {case_id}.", "input")
        if not case.state.is_open:
            raise TransitionRefused(
                f"Case {case.code} is closed; reopen it to add material.", "state"
            )
        self._check(actor, case, Action.ATTACH)
        now = self.now()
        attachment = attachments.store(
            self.session, case, data, filename=filename, media_type=media_type, kind=kind, at=now
        )
        details = {
            "attachment_id": attachment.id,
            "filename": attachment.filename,
            "kind": attachment.kind.value,
            "sha256": attachment.sha256,
            "size_bytes": attachment.size_bytes,
        }
        try:
            event = self._append(
                case, actor, now, Action.ATTACH, case.state, case.state, "", details
            )
            self.session.flush()
        except StaleDataError:
            raise LostRace(case_id, None) from None
        attachment.event_id = event.id
        self.session.flush()
        return CaseChange(case.id, case.code, Action.ATTACH, case.state, case.state, case.version)

    # --- checks -----------------------------------------------------------------------------

    def _check(self, actor: Actor, case: Case, action: Action):
        rule = RULES.get(action)
        if rule is None:
            raise TransitionRefused(f"{action} is not a step on an existing case.", "input")
        if actor.role not in rule.roles:
            raise TransitionRefused(
                f"The {actor.role.value} role may not take the step '{action.value}'.", "role"
            )
        if not self._in_scope(actor, case, rule.scope):
            raise TransitionRefused(
                f"Case {case.code} is not in your jurisdiction or in your hands.", "jurisdiction"
            )
        refusal = duty_refusal(
            actor.user_id,
            action,
            case.handler_user_id,
            self.duties.applies(case.center_id),
            case.self_resolved,
        )
        if refusal:
            raise TransitionRefused(*refusal)
        if case.state not in rule.from_states:
            raise TransitionRefused(
                f"Case {case.code} is {case.state.value}; the step '{action.value}' needs it "
                f"to be {' or '.join(s.value for s in rule.from_states)}.",
                "state",
            )
        if action == Action.REQUEST_EXTENSION and case.pending_extension_minutes is not None:
            raise TransitionRefused("An extension request is already waiting.", "state")
        if action == Action.DECIDE_EXTENSION and case.pending_extension_minutes is None:
            raise TransitionRefused("No extension request is waiting.", "state")
        if action == Action.REPLY_SUPERVISION and not self._open_orders(case):
            raise TransitionRefused("No supervision order on this case waits for a reply.", "state")
        return rule

    def _open_orders(self, case: Case) -> list[SupervisionOrder]:
        return self.session.scalars(
            select(SupervisionOrder).where(
                SupervisionOrder.case_id == case.id, SupervisionOrder.replied_at.is_(None)
            )
        ).all()

    def _in_scope(self, actor: Actor, case: Case, scope: Scope) -> bool:
        if scope == Scope.JURISDICTION:
            if actor.role == Role.GRID_MANAGER:  # his own grids, read afresh
                return self._manages_grid(actor, case)
            return may_see(actor, case)
        if scope == Scope.HOLDER:
            return holds(actor, case)
        return self._manages_grid(actor, case)

    def _manages_grid(self, actor: Actor, case: Case) -> bool:
        return manages_grid(self.session, actor, case.grid_id)

    # --- the steps: each returns the new state ------------------------------------------------

    def _do_file(self, step: _Step) -> CaseState:
        step.case.filed_at = step.now
        step.case.holder_center_id = step.actor.center_id
        return S.FILED

    def _do_decline(self, step: _Step) -> CaseState:
        self._clear_holder(step.case)
        step.case.closed_at = step.now
        return S.DECLINED

    def _do_self_resolve(self, step: _Step) -> CaseState:
        case = step.case
        case.self_resolved = True
        case.filed_at = case.handled_at = step.now
        case.handling_minutes = 0
        case.handler_user_id = step.actor.user_id
        self._start_clock(case, step, TimeLimitPlace.COMMUNITY, start=case.reported_at)
        self._clear_holder(case)
        case.holder_center_id = case.center_id  # the community verifies
        return S.AWAITING_VERIFICATION

    def _do_dispatch(self, step: _Step) -> CaseState:
        case, actor, params = step.case, step.actor, step.params
        department_id, center_id = params.get("department_id"), params.get("center_id")
        if (department_id is None) == (center_id is None):
            raise TransitionRefused("Dispatch to one department or one center.", "input")
        self._clear_holder(case)
        if department_id is not None:
            department = self.session.get(Department, department_id)
            if department is None or not actor.governs_center(department.center_id):
                raise TransitionRefused("That department is not one you can dispatch to.", "input")
            case.holder_department_id = case.handling_department_id = department.id
            case.holder_center_id = department.center_id
            place = TimeLimitPlace.DEPARTMENT
            step.details.update(department_id=department.id, department=department.name)
        else:
            center = self.session.get(Center, center_id)
            if center is None or not actor.governs_center(center.id):
                raise TransitionRefused("That center is not below yours.", "input")
            if not self.center_governs(center.id, case.center_id):
                raise TransitionRefused(
                    f"{center.name} does not cover where case {case.code} is.", "input"
                )
            case.holder_center_id = center.id
            level = self.session.get(AdminUnit, center.unit_id).level
            place = (
                TimeLimitPlace.COMMUNITY if level == AdminLevel.COMMUNITY else TimeLimitPlace.STREET
            )
            step.details.update(center_id=center.id, center=center.name)
        step.details["dispatched_by_center"] = actor.center_id
        self._start_clock(case, step, place)
        return S.DISPATCHED

    def _do_escalate(self, step: _Step) -> CaseState:
        case = step.case
        center = self.session.get(Center, step.actor.center_id)
        if center.parent_id is None:
            raise TransitionRefused("Your center has no upper center.", "input")
        self._clear_holder(case)
        case.holder_center_id = center.parent_id
        case.filed_at = case.filed_at or step.now
        self._stop_clock(case)
        step.details.update(center_id=center.parent_id)
        return S.FILED

    def _do_accept(self, step: _Step) -> CaseState:
        step.case.holder_user_id = step.case.handler_user_id = step.actor.user_id
        return S.HANDLING

    def _do_return(self, step: _Step) -> CaseState:
        case = step.case
        back_to = self._last_dispatching_center(case) or case.center_id
        self._clear_holder(case)
        case.holder_center_id = back_to
        case.handling_department_id = case.handler_user_id = None
        self._stop_clock(case)
        step.details.update(center_id=back_to)
        return S.FILED

    def _do_report_result(self, step: _Step) -> CaseState:
        case = step.case
        case.handled_at = step.now
        case.handling_minutes = self.calendar.working_minutes(case.filed_at, step.now)
        case.handler_user_id = step.actor.user_id  # the handler of record: who reports it
        self._clear_holder(case)
        case.holder_center_id = case.center_id
        return S.AWAITING_VERIFICATION

    def _do_verify(self, step: _Step) -> CaseState:
        case = step.case
        passed = step.params.get("passed")
        if passed is None:
            raise TransitionRefused("Say whether the verification passed.", "input")
        step.details["passed"] = bool(passed)
        if passed:
            self._clear_holder(case)
            if case.source in FOLLOW_UP_SOURCES:
                case.holder_center_id = case.center_id
                return S.FOLLOW_UP
            case.closed_at = step.now
            return S.CLOSED
        if not step.comment:
            raise TransitionRefused("Say what is still wrong; nothing was changed.", "input")
        case.rework_count += 1
        self._clear_holder(case)
        if case.self_resolved:  # the on-the-spot fix failed: the case goes the normal way
            case.self_resolved = False
            case.filed_at = case.deadline = case.handled_at = None
            case.holder_center_id = case.center_id
            return S.REPORTED
        case.holder_department_id = case.handling_department_id
        case.holder_user_id = case.handler_user_id
        if case.handling_department_id is not None:
            case.holder_center_id = self.session.get(
                Department, case.handling_department_id
            ).center_id
        else:
            case.holder_center_id = self._last_dispatch_target(case) or case.center_id
        return S.HANDLING

    def _do_follow_up(self, step: _Step) -> CaseState:
        rating = input_limits.bounded(
            step.params.get("rating"), "The resident's rating", input_limits.RATING, integer=True
        )
        step.case.satisfaction = rating
        step.details["rating"] = rating
        step.case.closed_at = step.now
        self._clear_holder(step.case)
        return S.CLOSED

    def _do_request_extension(self, step: _Step) -> CaseState:
        days = input_limits.bounded(
            step.params.get("days", 0),
            "The extension's days",
            input_limits.EXTENSION_DAYS,
            integer=True,
        )
        hours = input_limits.bounded(
            step.params.get("hours", 0), "The extension's hours", input_limits.EXTENSION_HOURS
        )
        if days == hours == 0:
            raise TransitionRefused("Ask for a positive number of working days or hours.", "input")
        case = step.case
        case.pending_extension_minutes = round(days * self.calendar.minutes_per_day + hours * 60)
        self._pause(case, step.now)
        step.details.update(days=days, hours=hours)
        return case.state

    def _do_decide_extension(self, step: _Step) -> CaseState:
        case = step.case
        approved = step.params.get("approved")
        if approved is None:
            raise TransitionRefused("Say whether the extension is approved.", "input")
        if not approved and not step.comment:
            raise TransitionRefused("Say why the extension is refused.", "input")
        self._unpause(case, step.now)
        if approved and case.deadline is not None:
            case.deadline = self.calendar.add(
                case.deadline, hours=case.pending_extension_minutes / 60
            )
            case.extension_count += 1
        step.details.update(
            approved=bool(approved),
            deadline=case.deadline.isoformat() if case.deadline else None,
        )
        case.pending_extension_minutes = None
        return case.state

    def _do_suspend(self, step: _Step) -> CaseState:
        step.case.resume_state = step.case.state
        self._pause(step.case, step.now)
        return S.SUSPENDED

    def _do_resume(self, step: _Step) -> CaseState:
        case = step.case
        self._unpause(case, step.now)
        state, case.resume_state = case.resume_state, None
        step.details["deadline"] = case.deadline.isoformat() if case.deadline else None
        return state

    def _do_void(self, step: _Step) -> CaseState:
        self._clear_holder(step.case)
        step.case.closed_at = step.now
        step.case.paused_since = None
        return S.VOIDED

    def _do_supervise(self, step: _Step) -> CaseState:
        hours = input_limits.bounded(
            step.params.get("hours", 24),
            "A supervision order's hours",
            input_limits.SUPERVISION_HOURS,
        )
        order = SupervisionOrder(
            case_id=step.case.id,
            issued_by_user_id=step.actor.user_id,
            issuing_center_id=step.actor.center_id,
            issued_at=step.now,
            deadline=self.calendar.add(step.now, hours=hours),
            instruction=step.comment,
        )
        self.session.add(order)
        self.session.flush()
        step.details.update(order_id=order.id, deadline=order.deadline.isoformat())
        return step.case.state

    def _do_reply_supervision(self, step: _Step) -> CaseState:
        open_orders = {o.id: o for o in self._open_orders(step.case)}
        order_id = step.params.get("order_id") or min(open_orders)  # the oldest by default
        order = open_orders.get(order_id)
        if order is None:
            raise TransitionRefused("That supervision order is not open on this case.", "input")
        order.reply, order.replied_at = step.comment, step.now
        order.replied_by_user_id = step.actor.user_id
        step.details.update(order_id=order.id, late=step.now > order.deadline)
        return step.case.state

    def _do_urge(self, step: _Step) -> CaseState:
        step.case.urge_count += 1
        return step.case.state

    def _do_reopen(self, step: _Step) -> CaseState:
        case = step.case
        case.reopen_count += 1
        case.closed_at = case.satisfaction = case.deadline = case.handled_at = None
        self._clear_holder(case)
        case.holder_center_id = step.actor.center_id
        case.filed_at = step.now
        return S.FILED

    def _do_merge(self, step: _Step) -> CaseState:
        case = step.case
        target = self.session.get(Case, step.params.get("into_case_id"))
        if target is None or target.id == case.id or not target.state.is_open:
            raise TransitionRefused("Merge into another open case.", "input")
        if not step.actor.governs_center(target.center_id):
            raise TransitionRefused("That case is not in your jurisdiction.", "jurisdiction")
        case.merged_into_id = target.id
        case.closed_at = step.now
        self._clear_holder(case)
        step.details.update(into=target.code)
        self._append(
            target,
            step.actor,
            step.now,
            "merged_in",
            target.state,
            target.state,
            step.comment,
            {"from": case.code},
        )
        return S.MERGED

    # --- helpers ----------------------------------------------------------------------------

    def _start_clock(self, case: Case, step: _Step, place: TimeLimitPlace, start=None) -> None:
        start = start or step.now
        days, hours = self.limits.limit_for(place, case.category, case.urgency)
        case_type = self.session.get(CaseType, case.case_type_id) if case.case_type_id else None
        if case_type is not None and case_type.limit_days is not None:
            days, hours = case_type.limit_days, case_type.limit_hours or 0  # the matter's own
        case.limit_place = place.value
        case.deadline = self.calendar.add(start, days=days, hours=hours)
        case.time_limit_minutes = self.calendar.working_minutes(start, case.deadline)
        case.paused_since = None
        step.details["deadline"] = case.deadline.isoformat()

    def _stop_clock(self, case: Case) -> None:
        case.deadline = case.time_limit_minutes = case.paused_since = None

    def _pause(self, case: Case, now: dt.datetime) -> None:
        if case.deadline is not None and case.paused_since is None:
            case.paused_since = now

    def _unpause(self, case: Case, now: dt.datetime) -> None:
        if case.paused_since is not None and case.deadline is not None:
            case.deadline = self.calendar.shift(case.deadline, case.paused_since, now)
        case.paused_since = None

    @staticmethod
    def _clear_holder(case: Case) -> None:
        case.holder_center_id = case.holder_department_id = case.holder_user_id = None

    def _center_of_unit(self, unit_id: int) -> int:
        return self.session.scalar(select(Center.id).where(Center.unit_id == unit_id))

    def center_governs(self, center_id: int, other_center_id: int) -> bool:
        """Whether ``center_id`` is ``other_center_id`` or above it."""
        current = other_center_id
        while current is not None:
            if current == center_id:
                return True
            current = self.session.scalar(select(Center.parent_id).where(Center.id == current))
        return False

    def _last_dispatch(self, case: Case) -> CaseEvent | None:
        return self.session.scalar(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.action == Action.DISPATCH.value)
            .order_by(CaseEvent.seq.desc())
            .limit(1)
        )

    def _last_dispatching_center(self, case: Case) -> int | None:
        last = self._last_dispatch(case)
        return last.actor_center_id if last else None

    def _last_dispatch_target(self, case: Case) -> int | None:
        last = self._last_dispatch(case)
        return last.details.get("center_id") if last else None

    def _append(self, case, actor, now, action, before, after, comment, details) -> CaseEvent:
        seq = self.session.scalar(
            select(CaseEvent.seq)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.seq.desc())
            .limit(1)
        )
        case.version = (seq or 0) + 1  # one entry, one version (also the optimistic lock)
        entry = {
            "seq": case.version,
            "at": now,
            "action": str(action),
            "actor_user_id": actor.user_id,
            "actor_role": actor.role,
            "actor_center_id": actor.center_id,
            "from_state": before,
            "to_state": after,
            "comment": comment,
            "details": details,
        }
        return audit.append_entry(self.session, case, entry)  # keyed, chained, the case's state

    def conflict(self, case_id: int, expected_version: int | None) -> ConflictError:
        """What another console did to the case after ``expected_version`` (or, without one,
        its newest step), read in a fresh transaction after a LostRace."""
        case = self.session.get(Case, case_id, populate_existing=True)
        if expected_version is None:
            expected_version = max(case.version - 1, 0)
        return self._conflict(case, expected_version)

    def _conflict(self, case: Case, expected_version: int) -> ConflictError:
        newer = self.session.execute(
            select(CaseEvent.seq, CaseEvent.action, CaseEvent.at, CaseEvent.actor_user_id)
            .where(CaseEvent.case_id == case.id, CaseEvent.seq > expected_version)
            .order_by(CaseEvent.seq)
        ).all()
        from commandcenter.storage.models import User

        names = dict(self.session.execute(select(User.id, User.display_name)).all())
        changes = [
            f"#{seq} {action} by {names.get(user, 'system')} at {at:%Y-%m-%d %H:%M}"
            for seq, action, at, user in newer
        ]
        return ConflictError(
            f"Case {case.code} was changed by someone else since you opened it "
            f"(now version {case.version}, you had {expected_version}): "
            + "; ".join(changes)
            + ". Nothing of yours was applied; look at the case again.",
            changes,
        )
