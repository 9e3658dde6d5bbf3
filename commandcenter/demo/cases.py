"""Six months of demo cases, each walked through the closed loop step by step until "now".

A case's story is simulated forward from its report; whatever would happen after ``now`` has not
happened yet, so recent cases stay open in believable states and a few slow ones are overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import update

from commandcenter.demo import names
from commandcenter.demo.geometry import random_point_in
from commandcenter.demo.names import person_name, phone_number
from commandcenter.domain.enums import (
    CaseCategory,
    CaseSource,
    CaseState,
    DepartmentKind,
    GridKind,
    Role,
    Urgency,
)
from commandcenter.schedule.timelimits import TimeLimitPlace
from commandcenter.storage.bulk import bulk_insert
from commandcenter.storage.models import ArchiveHead, Case, CaseEvent
from commandcenter.workflow import audit

HISTORY_DAYS = 182

SOURCE_WEIGHTS = {
    CaseSource.GRID_PATROL: 45,
    CaseSource.HOTLINE_12345: 20,
    CaseSource.RESIDENT: 14,
    CaseSource.VIDEO_PATROL: 13,
    CaseSource.UPPER_CENTER: 4,
    CaseSource.DEPARTMENT: 4,
}
CATEGORY_WEIGHTS = {
    CaseCategory.ENVIRONMENT: 26,
    CaseCategory.MUNICIPAL: 20,
    CaseCategory.SAFETY_HAZARD: 14,
    CaseCategory.PUBLIC_ORDER: 12,
    CaseCategory.DISPUTE: 10,
    CaseCategory.LIVELIHOOD: 10,
    CaseCategory.SPECIAL_GROUP: 4,
    CaseCategory.OTHER: 4,
}
# Which department kind a category is usually dispatched to.
CATEGORY_DEPARTMENT = {
    CaseCategory.ENVIRONMENT: DepartmentKind.ENVIRONMENT,
    CaseCategory.MUNICIPAL: DepartmentKind.HOUSING,
    CaseCategory.SAFETY_HAZARD: DepartmentKind.EMERGENCY,
    CaseCategory.PUBLIC_ORDER: DepartmentKind.PUBLIC_SECURITY,
    CaseCategory.DISPUTE: DepartmentKind.CIVIL_AFFAIRS,
    CaseCategory.LIVELIHOOD: DepartmentKind.CIVIL_AFFAIRS,
    CaseCategory.SPECIAL_GROUP: DepartmentKind.PUBLIC_SECURITY,
    CaseCategory.OTHER: DepartmentKind.URBAN_MANAGEMENT,
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass
class _Story:
    """One case being walked through the loop; ``step`` stops once time passes ``now``."""

    case: dict
    now: dt.datetime
    events: list[dict] = field(default_factory=list)
    finished: bool = False

    def step(self, at, action, actor, to_state, comment="", **details) -> bool:
        """Record a step at ``at`` unless that is still in the future. False stops the story."""
        if self.finished or at > self.now:
            self.finished = True
            return False
        self.events.append(
            {
                "seq": len(self.events) + 1,
                "at": at,
                "action": action,
                "actor_user_id": actor["id"] if actor else None,
                "actor_role": actor["role"] if actor else None,
                "actor_center_id": actor["center_id"] if actor else self.case["center_id"],
                "from_state": self.case["state"] if self.events else None,
                "to_state": to_state,
                "comment": comment,
                "details": details,
            }
        )
        self.case["state"] = to_state
        return True


class _Cast:
    """Who acts in the demo stories, looked up once."""

    def __init__(self, world):
        self.world = world
        self.street_duty = world.users_with(Role.DUTY_OFFICER, world.street_center)
        self.dispatchers = world.users_with(Role.DISPATCHER, world.street_center)
        self.county_dispatchers = world.users_with(Role.DISPATCHER, world.county_center)
        self.supervisors = world.users_with(Role.SUPERVISOR)
        self.handlers: dict[int, list[dict]] = {}
        for user in world.users_with(Role.DEPARTMENT_HANDLER):
            self.handlers.setdefault(user["department_id"], []).append(user)
        self.street_departments = {
            d["kind"]: d for d in world.departments if d["center_id"] == world.street_center
        }
        self.community_duty = {
            c: world.users_with(Role.DUTY_OFFICER, c) for c in world.community_centers
        }
        self.users = {u["id"]: u for u in world.users}


def write_cases(conn, world, archive_key: bytes) -> None:
    """The demo's cases and their archive: one keyed chain (``audit.chain_entries``) in the
    order the cases are made, each case's state recorded on its newest entry."""
    rng = world.rng
    now = world.now
    cast = _Cast(world)
    grids = [g for g in world.grids]
    weights = [1 if g["kind"] == GridKind.DEDICATED else 3 for g in grids]
    cases, events = [], []
    gseq, head = 0, None  # the chain of a new database starts here
    start = world.today - dt.timedelta(days=HISTORY_DAYS)
    for day_offset in range(HISTORY_DAYS + 1):
        day = start + dt.timedelta(days=day_offset)
        per_day = rng.randint(20, 32) if day.weekday() < 5 else rng.randint(9, 16)
        times = sorted(
            dt.datetime.combine(day, dt.time(0))
            + dt.timedelta(minutes=rng.triangular(6 * 60, 22 * 60, 10 * 60))
            for _ in range(per_day)
        )
        for daily_no, reported_at in enumerate(times, start=1):
            if reported_at > now:
                break
            grid = rng.choices(grids, weights)[0]
            case = _new_case(rng, world, grid, reported_at, daily_no)
            story = _Story(case, now)
            _live(rng, story, grid, cast)
            case["id"] = world.ids.next("cases")
            case["version"] = len(story.events)  # one entry, one version, as the engine keeps
            cases.append(case)
            for event in story.events:
                event["case_id"] = case["id"]
                event["id"] = world.ids.next("case_events")
                event["case_after"] = None
                events.append(event)
            story.events[-1]["case_after"] = audit.case_state_of(case)
            gseq, head = audit.chain_entries(archive_key, story.events, gseq, head)
            case["archive_hash"] = head
    bulk_insert(conn, Case, cases)
    for chunk in range(0, len(events), 5000):
        bulk_insert(conn, CaseEvent, events[chunk : chunk + 5000])
    conn.execute(update(ArchiveHead).where(ArchiveHead.id == 1).values(gseq=gseq, entry_hash=head))


def _new_case(rng, world, grid, reported_at, daily_no) -> dict:
    category = _pick(rng, CATEGORY_WEIGHTS)
    source = _pick(rng, SOURCE_WEIGHTS)
    template = rng.choice(names.CASE_TITLES[category.value])
    title = template.format(road=grid["road"], estate=grid["estate"], n=rng.randint(1, 24))
    point = random_point_in(grid["polygon"], rng)
    reporter_name = reporter_phone = None
    if source in (CaseSource.RESIDENT, CaseSource.HOTLINE_12345):
        reporter_name, reporter_phone = person_name(rng), phone_number(rng)
    camera = None
    if source == CaseSource.VIDEO_PATROL:
        nearby = [c for c in world.cameras if c["grid_id"] == grid["id"]] or world.cameras
        camera = rng.choice(nearby)["id"]
    return {
        "code": f"{reported_at:%Y%m%d}{daily_no:04d}",
        "source": source,
        "category": category,
        "title": title,
        "description": f"{title}。{rng.choice(('请尽快处理。', '居民多次反映。', '现场已拍照取证。', ''))}",
        "address": f"{grid['road']}{rng.randint(1, 300)}号附近",
        "lon": round(point.x, 7),
        "lat": round(point.y, 7),
        "grid_id": grid["id"],
        "center_id": world.community_centers[grid["community_index"]],
        "reporter_name": reporter_name,
        "reporter_phone": reporter_phone,
        "reporter_user_id": grid["manager_id"] if source == CaseSource.GRID_PATROL else None,
        "camera_id": camera,
        "urgency": rng.choices(list(Urgency), (82, 15, 3))[0],
        "state": CaseState.REPORTED,
        "reported_at": reported_at,
        "filed_at": None,
        "deadline": None,
        "closed_at": None,
        "holder_center_id": world.community_centers[grid["community_index"]],
        "holder_department_id": None,
        "holder_user_id": None,
        "satisfaction": None,
        "rework_count": 0,
        "merged_into_id": None,
        "limit_place": None,
        "time_limit_minutes": None,
        "handling_department_id": None,
        "handler_user_id": None,
        "handled_at": None,
        "handling_minutes": None,
        "self_resolved": False,
        "extension_count": 0,
        "urge_count": 0,
        "reopen_count": 0,
        "paused_since": None,
        "pending_extension_minutes": None,
        "resume_state": None,
        "archive_hash": None,
        "version": 1,
    }


def _minutes(rng, low, high) -> dt.timedelta:
    return dt.timedelta(minutes=rng.uniform(low, high))


def _start_clock(case: dict, world, start: dt.datetime, place: TimeLimitPlace) -> dt.datetime:
    """Deadline and limit bookkeeping as the workflow engine sets them when a clock starts."""
    days, hours = world.limits.limit_for(place, case["category"], case["urgency"])
    deadline = world.calendar.add(start, days=days, hours=hours)
    case["limit_place"] = place.value
    case["deadline"] = deadline
    case["time_limit_minutes"] = world.calendar.working_minutes(start, deadline)
    return deadline


def _live(rng: random.Random, story: _Story, grid: dict, cast: _Cast) -> None:
    """Walk one case through the loop until it closes or time runs out, setting the same fields
    and archive entries as ``commandcenter.workflow.engine`` would."""
    case, world = story.case, cast.world
    calendar = world.calendar
    manager = cast.users[grid["manager_id"]]
    community_center = case["center_id"]
    t = case["reported_at"]
    reporter = manager if case["source"] == CaseSource.GRID_PATROL else None
    if case["source"] == CaseSource.UPPER_CENTER:
        reporter = rng.choice(cast.county_dispatchers)
    story.step(t, "report", reporter, CaseState.REPORTED, case["description"])

    if case["source"] == CaseSource.GRID_PATROL and rng.random() < 0.35:
        # 自行处置: the grid manager fixes it on the spot; the community verifies.
        reported = t
        t += _minutes(rng, 5, 90)
        comment = rng.choice(names.HANDLING_COMMENTS)
        if not story.step(t, "self_resolve", manager, CaseState.AWAITING_VERIFICATION, comment):
            return
        deadline = _start_clock(case, world, reported, TimeLimitPlace.COMMUNITY)
        story.events[-1]["details"] = {"deadline": deadline.isoformat()}
        case.update(self_resolved=True, filed_at=t, handled_at=t, handling_minutes=0)
        case["handler_user_id"] = manager["id"]
        t += _minutes(rng, 30, 300)
        verifier = rng.choice(cast.community_duty[community_center])
        if story.step(t, "verify", verifier, CaseState.CLOSED, "核查通过", passed=True):
            _close(case, t)
        return

    t += dt.timedelta(minutes=rng.triangular(8, 300, 30))  # the evening backlog waits longer
    duty = rng.choice(cast.street_duty)
    if rng.random() < 0.03:
        if story.step(t, "decline", duty, CaseState.DECLINED, "不属于受理范围,已告知反映人"):
            _close(case, t)
        return
    if not story.step(t, "file", duty, CaseState.FILED):
        return
    case["filed_at"] = t
    case["holder_center_id"] = world.street_center

    t += dt.timedelta(minutes=rng.triangular(5, 240, 20))
    dispatcher = rng.choice(cast.dispatchers)
    roll = rng.random()
    if roll < 0.6:
        place = TimeLimitPlace.DEPARTMENT
        department = cast.street_departments[CATEGORY_DEPARTMENT[case["category"]]]
        handler = rng.choice(cast.handlers[department["id"]])
        target = {"department_id": department["id"], "department": department["name"]}
        comment = f"派遣至{department['name']}"
    elif roll < 0.9:
        place, department = TimeLimitPlace.COMMUNITY, None
        handler = rng.choice(cast.community_duty[community_center])
        target = {"center_id": community_center}
        comment = "交办社区处置"
    else:
        place, department = TimeLimitPlace.STREET, None
        handler = rng.choice(cast.street_duty)
        target = {"center_id": world.street_center}
        comment = "街道直接处置"
    if not story.step(t, "dispatch", dispatcher, CaseState.DISPATCHED, comment):
        return
    deadline = _start_clock(case, world, t, place)
    story.events[-1]["details"] = target | {
        "dispatched_by_center": world.street_center,
        "deadline": deadline.isoformat(),
    }
    case["holder_center_id"] = handler["center_id"]
    case["holder_department_id"] = case["handling_department_id"] = (
        department["id"] if department else None
    )

    if rng.random() < 0.01:
        t += _minutes(rng, 60, 600)
        supervisor = rng.choice(cast.supervisors)
        if story.step(t, "void", supervisor, CaseState.VOIDED, "重复上报,作废"):
            _close(case, t)
        return

    t += dt.timedelta(minutes=rng.triangular(10, 360, 40))
    if not story.step(t, "accept", handler, CaseState.HANDLING):
        return
    case["holder_user_id"] = case["handler_user_id"] = handler["id"]

    for attempt in range(2):
        limit = calendar.working_minutes(t, case["deadline"])
        share = rng.uniform(0.1, 0.6) if rng.random() < 0.9 else rng.uniform(0.9, 2.0)
        if rng.random() < 0.006:
            share = rng.uniform(4, 12)  # stuck: the overdue cases a supervisor chases
        if attempt == 0 and rng.random() < 0.05:
            # 延期: asked halfway, decided a few hours later; the clock stood still meanwhile
            ask = calendar.add(t, minutes=limit * 0.5)
            if not story.step(
                ask, "request_extension", handler, CaseState.HANDLING,
                "需协调产权单位,申请延期2个工作日", days=2, hours=0,
            ):  # fmt: skip
                return
            case["paused_since"] = ask
            case["pending_extension_minutes"] = 2 * calendar.minutes_per_day
            decided = ask + _minutes(rng, 30, 240)
            approver = rng.choice(cast.dispatchers)
            extended = calendar.add(calendar.shift(case["deadline"], ask, decided), days=2)
            if not story.step(
                decided, "decide_extension", approver, CaseState.HANDLING, "",
                approved=True, deadline=extended.isoformat(),
            ):  # fmt: skip
                return
            case["paused_since"] = case["pending_extension_minutes"] = None
            case["deadline"], t = extended, decided
            case["extension_count"] += 1
            limit = calendar.working_minutes(t, extended)
        t = calendar.add(t, minutes=max(limit * share, 20))
        result = rng.choice(names.HANDLING_COMMENTS)
        if not story.step(t, "report_result", handler, CaseState.AWAITING_VERIFICATION, result):
            return
        case["handled_at"] = t
        case["handling_minutes"] = calendar.working_minutes(case["filed_at"], t)
        case["holder_center_id"] = community_center
        case["holder_department_id"] = case["holder_user_id"] = None
        t += _minutes(rng, 20, 240)
        if attempt == 0 and rng.random() < 0.08:
            if not story.step(
                t, "verify", manager, CaseState.HANDLING, "现场核查未整改到位,退回返工",
                passed=False,
            ):  # fmt: skip
                return
            case["rework_count"] += 1
            case["holder_user_id"] = handler["id"]
            case["holder_center_id"] = handler["center_id"]
            case["holder_department_id"] = case["handling_department_id"]
            continue
        resident = case["source"] in (CaseSource.RESIDENT, CaseSource.HOTLINE_12345)
        after = CaseState.FOLLOW_UP if resident else CaseState.CLOSED
        if not story.step(t, "verify", manager, after, "核查通过", passed=True):
            return
        if not resident:
            _close(case, t)
            return
        break

    case["holder_center_id"], case["holder_user_id"] = community_center, None
    t += _minutes(rng, 30, 480)
    rating = rng.choices((5, 4, 3, 2, 1), (68, 21, 6, 3, 2))[0]
    caller = duty
    if caller["id"] == case["handler_user_id"]:
        # separation of duties (workflow.duties): who handled it does not enter the rating;
        # the next duty officer calls (no draw, so the rest of the district stays the same)
        others = [u for u in cast.street_duty if u["id"] != caller["id"]]
        caller = others[0]
    if story.step(
        t, "follow_up", caller, CaseState.CLOSED, f"电话回访,评价{rating}分", rating=rating
    ):
        case["satisfaction"] = rating
        _close(case, t)


def _close(case: dict, at: dt.datetime) -> None:
    case["closed_at"] = at
    case["holder_center_id"] = case["holder_department_id"] = case["holder_user_id"] = None
