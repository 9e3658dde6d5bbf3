"""Benchmark: a district with 1,000,000 cases on SQLite.

Builds the demo district (``generate_demo``: 84 grids, staff, departments, working calendar,
time limits), adds synthetic cases spread over four years with believable states (about 3 %
still open: the last days' intake plus a backlog of stuck and suspended cases) and a hash-chained
archive for every case (about six entries each), then measures on a county-level actor:

- the county supervisor's console board, as the console follows the change feed
  (``measure_console_board``): the first load (``LocalBackend.load_console()`` in a worker, then
  ``CaseStore.set_rows``; no goal), then the refresh after one change made by another console
  (a step through another ``LocalBackend``, not timed; then ``backend.changes_since(mark)`` +
  ``CaseStore.apply`` with the board's columns following), many rounds: median, p95 and the
  worst against the goal (<= 50 ms);
- the board query alone: ``open_cases(session, actor, now)``, every open case of the county with
  its holder and deadline status, as a whole call returning the ``CaseRow`` list (the headline
  until the console followed the feed); for scale also one community's, and for context the
  queries the console made before the feed (``jurisdiction_tree``, ``load_dashboard``);
- the month's figures by grid: ``kpi.compute_kpis(session, actor, "2026-10", by="grid")``
  (goal <= 200 ms);
- one transition with its archive entry: ``CaseWorkflow(session).perform(...)`` (FILE, then
  DISPATCH) in its own session and transaction, commit included (goal <= 5 ms).

Each figure is the median and p95 of repeated warm runs, each call in a new session; "cold" is
the first call on a freshly opened engine (empty SQLite page cache and statement caches; the
operating system's file cache is warm from the build). Garbage collection is handled as in the
console (``ui.common.tasks.GuiThreadGarbageCollector``: no automatic collection inside a worker's
call; collected before each call here); the board is also timed with automatic collection on.
The last line of the output is one line of JSON with every figure.

    .venv/bin/python bench/cases.py                 # 1,000,000 cases in a temporary folder
    .venv/bin/python bench/cases.py --quick         # 50,000 cases, finishes within 30 s
    .venv/bin/python bench/cases.py --db /tmp/b.sqlite3   # keep the database; a later run
                                                          # with the same options reuses it

Rows are bulk-inserted in chunks inside one transaction with SQLAlchemy Core ``insert()``
statements (of column-only ``sqlalchemy.table`` tables, compiled once) whose rows go to the
driver as tuples of the values SQLite stores through the ORM types (datetimes ``YYYY-MM-DD
HH:MM:SS.ffffff``, enums as their values, JSON as text): SQLAlchemy's per-row parameter
processing would double the build. Cases and their archive entries are made in worker processes
(the archive entries' canonical content too), keyed into the one chain and inserted in order
by the main process; ``audit.verify_archive`` then checks a sample and every transitioned case
(``bench/audit.py`` times the whole ``commandcenter audit verify``). The archive key is in
``<database>.keys.json`` beside the database (``$COMMANDCENTER_KEY_FILE``).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import json
import math
import multiprocessing
import operator
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import column, event, func, insert, select, table, update

from commandcenter.access.accounts import actor_for
from commandcenter.backend import LocalBackend, feed
from commandcenter.cameras.rows import camera_rows
from commandcenter.cases import board
from commandcenter.cases.dashboard import dashboard, load_dashboard, month_closures
from commandcenter.cases.rows import open_cases
from commandcenter.clock import ManualClock
from commandcenter.demo import cases as demo_cases
from commandcenter.demo import names
from commandcenter.demo.generator import generate_demo
from commandcenter.demo.geometry import random_point_in
from commandcenter.domain.enums import (
    OPEN_STATES,
    CaseCategory,
    CaseSource,
    CaseState,
    DepartmentKind,
    GridKind,
    Role,
    Urgency,
)
from commandcenter.figures import kpi
from commandcenter.jurisdiction.tree import case_counts, jurisdiction_tree, static_tree
from commandcenter.keys import KEY_FILE_ENV, write_new_keys
from commandcenter.schedule.timelimits import TimeLimits
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.database import canonical_json
from commandcenter.storage.models import (
    AdminUnit,
    ArchiveHead,
    Camera,
    Case,
    CaseEvent,
    Center,
    Department,
    Grid,
    Setting,
    User,
    grid_managers,
)
from commandcenter.workflow import audit
from commandcenter.workflow.engine import CaseWorkflow
from commandcenter.workflow.rules import Action

SEED = 2026
TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime.combine(TODAY, dt.time(16, 0))  # the demo's clock on a given day
HISTORY_DAYS = 4 * 365 + 1  # 2022-11-27 … 2026-11-26
KPI_PERIOD = "2026-10"
FULL_CASES = 1_000_000
QUICK_CASES = 50_000
OPEN_SHARE = 0.03
CHUNK = 10_000  # cases per generated chunk (and per insert of cases)
EVENT_BATCH = 20_000  # archive entries per insert
BENCH_SETTING = "bench_cases"
GOALS_MS = {"refresh": 50.0, "kpi": 200.0, "transition": 5.0}

S = CaseState
V = SimpleNamespace(**{state.name: state.value for state in CaseState})  # plain strings
# The demo's mix of sources and categories, and where each category is dispatched.
SOURCE_WEIGHTS, CATEGORY_WEIGHTS = demo_cases.SOURCE_WEIGHTS, demo_cases.CATEGORY_WEIGHTS
CATEGORY_DEPARTMENT = demo_cases.CATEGORY_DEPARTMENT
FOLLOW_UP_SOURCES = (CaseSource.RESIDENT, CaseSource.HOTLINE_12345)
# The backlog: where stuck cases stand, for cases of the last month and for older ones.
RECENT_BACKLOG = {
    S.REPORTED: 15,
    S.FILED: 15,
    S.DISPATCHED: 15,
    S.HANDLING: 30,
    S.AWAITING_VERIFICATION: 10,
    S.FOLLOW_UP: 5,
    S.SUSPENDED: 10,
}
OLD_BACKLOG = {
    S.REPORTED: 2,
    S.FILED: 3,
    S.DISPATCHED: 8,
    S.HANDLING: 37,
    S.AWAITING_VERIFICATION: 10,
    S.FOLLOW_UP: 5,
    S.SUSPENDED: 35,
}
BACKLOG_RECENT_SHARE = 0.5  # half the backlog is from the last weeks (decay of 30 days)
BACKLOG_DECAY_DAYS = 30.0
HANDLING_COMMENTS = getattr(names, "HANDLING_COMMENTS", ("已处置完毕",))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stamp(moment: dt.datetime | None) -> str | None:
    """A datetime as SQLAlchemy's SQLite DateTime stores it (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if moment is None:
        return None
    return str(moment) if moment.microsecond else f"{moment}.000000"


# --- the district the cases happen in ------------------------------------------------------


def load_world(session, rng: random.Random) -> dict:
    """Everything the case generator needs, as plain (picklable) data."""
    center_of_unit = dict(session.execute(select(Center.unit_id, Center.id)).all())
    county_center = session.scalar(select(Center.id).where(Center.parent_id.is_(None)))
    street_center = session.scalar(select(Center.id).where(Center.parent_id == county_center))
    managers = dict(session.execute(select(grid_managers.c.grid_id, grid_managers.c.user_id)).all())
    cameras: dict[int | None, list[int]] = {}
    for camera_id, grid_id in session.execute(select(Camera.id, Camera.grid_id)):
        cameras.setdefault(grid_id, []).append(camera_id)
    all_cameras = sorted(c for ids in cameras.values() for c in ids)
    grids = []
    for grid in session.scalars(select(Grid).order_by(Grid.id)):
        polygon = grid.geometry
        points = [random_point_in(polygon, rng) for _ in range(64)]
        grids.append(
            {
                "id": grid.id,
                "center": center_of_unit[grid.community_id],
                "weight": 1 if grid.kind == GridKind.DEDICATED else 3,
                "manager": managers.get(grid.id),
                "points": [(round(p.x, 7), round(p.y, 7)) for p in points],
                "road": rng.choice(names.ROAD_NAMES),
                "estate": rng.choice(names.ESTATE_NAMES),
                "cameras": cameras.get(grid.id) or all_cameras,
            }
        )
    users = session.execute(select(User.id, User.role, User.center_id, User.department_id)).all()

    def people(role: Role, center: int | None = None) -> list[tuple]:
        return [
            (uid, r.value, c)
            for uid, r, c, _ in users
            if r == role and (center is None or c == center)
        ]

    managers_by_id = {uid: (uid, r.value, c) for uid, r, c, _ in users}
    departments = session.execute(
        select(Department.id, Department.center_id, Department.kind).where(
            Department.center_id == street_center
        )
    ).all()
    by_kind = {kind.value: (dep_id, center) for dep_id, center, kind in departments}
    fallback = by_kind.get(DepartmentKind.URBAN_MANAGEMENT.value) or next(iter(by_kind.values()))
    handlers: dict[int, list[tuple]] = {}
    for uid, role, center, department in users:
        if role == Role.DEPARTMENT_HANDLER and department is not None:
            handlers.setdefault(department, []).append((uid, role.value, center))
    community_centers = sorted({g["center"] for g in grids})
    calendar = WorkingCalendar.load(session)
    limits = TimeLimits.load(session)
    return {
        "grids": grids,
        "grid_weights": [g["weight"] for g in grids],
        "street_center": street_center,
        "county_center": county_center,
        "street_duty": people(Role.DUTY_OFFICER, street_center),
        "dispatchers": people(Role.DISPATCHER, street_center),
        "county_dispatchers": people(Role.DISPATCHER, county_center) or people(Role.DISPATCHER),
        "supervisors": people(Role.SUPERVISOR),
        "community_duty": {c: people(Role.DUTY_OFFICER, c) for c in community_centers},
        "managers": managers_by_id,
        "department_for": {
            cat.value: by_kind.get(kind.value, fallback)
            for cat, kind in CATEGORY_DEPARTMENT.items()
        },
        "handlers": handlers,
        "calendar": (dict(calendar.exceptions), calendar.hours),
        "limits": {(p, c, u): (d, h) for p, c, u, d, h in limits.rules()},
    }


def day_plan(n_cases: int, open_share: float, seed: int) -> dict:
    """How many cases each day gets (weekdays more, a slow growth over the years), and the
    probabilities of the backlog (cases stuck open) so that about ``open_share`` are open."""
    first = TODAY - dt.timedelta(days=HISTORY_DAYS - 1)
    rng = random.Random(seed)
    weights = []
    for i in range(HISTORY_DAYS):
        day = first + dt.timedelta(days=i)
        w = (1.0 if day.weekday() < 5 else 0.45) * (0.8 + 0.4 * i / (HISTORY_DAYS - 1))
        w *= rng.uniform(0.85, 1.15)
        if day == TODAY:
            w *= _triangular_cdf(NOW.hour + NOW.minute / 60)
        weights.append(w)
    total = sum(weights)
    exact = [n_cases * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(HISTORY_DAYS), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: n_cases - sum(counts)]:
        counts[i] += 1
    starts = [0]
    for c in counts:
        starts.append(starts[-1] + c)
    # The last days' intake is open by itself (about 2.5 days of cases); the rest of the open
    # share is backlog, half of it recent (decaying over a month), half spread over the years.
    natural = sum(counts[-3:]) * 0.8
    backlog = max(0.0, open_share * n_cases - natural)
    decay_mass = sum(
        c * math.exp(-(HISTORY_DAYS - 1 - i) / BACKLOG_DECAY_DAYS) for i, c in enumerate(counts)
    )
    return {
        "first": first,
        "starts": starts,
        "recent_a": min(0.9, BACKLOG_RECENT_SHARE * backlog / decay_mass) if decay_mass else 0.0,
        "flat_b": (1 - BACKLOG_RECENT_SHARE) * backlog / n_cases,
    }


_LOW, _HIGH, _MODE = 6.0, 22.0, 10.0  # reports through the day, in hours (as the demo)


def _triangular_cdf(x: float) -> float:
    if x <= _LOW:
        return 0.0
    if x >= _HIGH:
        return 1.0
    if x <= _MODE:
        return (x - _LOW) ** 2 / ((_HIGH - _LOW) * (_MODE - _LOW))
    return 1 - (_HIGH - x) ** 2 / ((_HIGH - _LOW) * (_HIGH - _MODE))


def _triangular_quantile(q: float) -> float:
    if q < (_MODE - _LOW) / (_HIGH - _LOW):
        return _LOW + math.sqrt(q * (_HIGH - _LOW) * (_MODE - _LOW))
    return _HIGH - math.sqrt((1 - q) * (_HIGH - _LOW) * (_HIGH - _MODE))


# --- the case generator (runs in worker processes) -------------------------------------------

_G: dict = {}  # the worker's world, set by _init_worker


def _init_worker(world: dict, plan: dict, first_id: int, seed: int, columns: tuple) -> None:
    exceptions, hours = world["calendar"]
    case_columns, event_columns = columns
    _G.update(
        world=world,
        plan=plan,
        first_id=first_id,
        seed=seed,
        calendar=WorkingCalendar(exceptions, hours),
        limits=TimeLimits(world["limits"]),
        limit_cache={},
        case_columns=frozenset(case_columns),
        case_row=operator.itemgetter(*case_columns),
        event_row=operator.itemgetter(*event_columns),
        # Plain strings, not enum members: cheaper to pickle, and what SQLite stores.
        sources=[s.value for s in SOURCE_WEIGHTS],
        source_cum=_cumulative(SOURCE_WEIGHTS.values()),
        categories=[c.value for c in CATEGORY_WEIGHTS],
        category_cum=_cumulative(CATEGORY_WEIGHTS.values()),
        grid_cum=_cumulative(world["grid_weights"]),
        urgencies=[u.value for u in Urgency],
        urgency_cum=_cumulative((82, 15, 3)),
        recent_states=[s.value for s in RECENT_BACKLOG],
        recent_cum=_cumulative(RECENT_BACKLOG.values()),
        old_states=[s.value for s in OLD_BACKLOG],
        old_cum=_cumulative(OLD_BACKLOG.values()),
    )


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class _Story:
    """One case walked through the loop, mirroring what ``CaseWorkflow`` records; it stops at
    ``now`` (the case stays open where it is) or once it reaches ``target`` (the backlog)."""

    __slots__ = ("case", "events", "now", "target", "stopped")

    def __init__(self, case: dict, now: dt.datetime, target: CaseState | None):
        self.case, self.events, self.now, self.target = case, [], now, target
        self.stopped = False

    def step(self, at, action, actor, to_state, comment="", details=None) -> bool:
        if self.stopped or at > self.now:
            self.stopped = True
            return False
        case = self.case
        self.events.append(
            {
                "seq": len(self.events) + 1,
                "at": at,
                "action": action,
                "actor_user_id": actor[0] if actor else None,
                "actor_role": actor[1] if actor else None,
                "actor_center_id": actor[2] if actor else case["center_id"],
                "from_state": case["state"] if self.events else None,
                "to_state": to_state,
                "comment": comment,
                "details": details or {},
            }
        )
        case["state"] = to_state
        if to_state == self.target:
            self.stopped = True
        return True


def _minutes(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=round(rng.uniform(low, high)))


def _clear_holder(case: dict) -> None:
    case["holder_center_id"] = case["holder_department_id"] = case["holder_user_id"] = None


def _start_clock(case: dict, place: str, start: dt.datetime) -> dt.datetime:
    calendar, cache = _G["calendar"], _G["limit_cache"]
    key = (place, case["category"], case["urgency"])
    if key not in cache:
        cache[key] = _G["limits"].limit_for(*key)
    days, hours = cache[key]
    deadline = calendar.add(start, days=days, hours=hours).replace(microsecond=0)
    case["limit_place"] = place
    case["deadline"] = deadline
    case["time_limit_minutes"] = calendar.working_minutes(start, deadline)
    return deadline


def _live(rng: random.Random, story: _Story, grid: dict, prev_case: dict | None) -> None:
    """The case's life from its report (cf. ``commandcenter.demo.cases``), as engine steps."""
    w, case = _G["world"], story.case
    calendar = _G["calendar"]
    community = case["center_id"]
    street = w["street_center"]
    manager = w["managers"].get(grid["manager"])
    source = case["source"]
    stuck = story.target is not None
    t = case["reported_at"]
    reporter = manager if source == CaseSource.GRID_PATROL else None
    if source == CaseSource.UPPER_CENTER:
        reporter = rng.choice(w["county_dispatchers"])
    if not story.step(t, "report", reporter, V.REPORTED, case["description"]):
        return
    roll = rng.random()
    if not stuck and manager and source == CaseSource.GRID_PATROL and roll < 0.35:
        reported, t = t, t + _minutes(rng, 5, 90)
        if not story.step(
            t, "self_resolve", manager, V.AWAITING_VERIFICATION, rng.choice(HANDLING_COMMENTS)
        ):
            return
        case.update(self_resolved=True, filed_at=t, handled_at=t, handling_minutes=0)
        case["handler_user_id"] = manager[0]
        _start_clock(case, "community", reported)
        _clear_holder(case)
        case["holder_center_id"] = community
        t += _minutes(rng, 30, 300)
        verifier = rng.choice(w["community_duty"][community])
        if story.step(t, "verify", verifier, V.CLOSED, "核查通过", {"passed": True}):
            _clear_holder(case)
            case["closed_at"] = t
        return

    t += dt.timedelta(minutes=round(rng.triangular(8, 300, 30)))
    duty = rng.choice(w["street_duty"])
    if not stuck and roll > 0.97:
        if story.step(t, "decline", duty, V.DECLINED, "不属于受理范围,已告知反映人"):
            _clear_holder(case)
            case["closed_at"] = t
        return
    if not stuck and prev_case is not None and 0.965 < roll <= 0.97:
        details = {"into": prev_case["code"]}
        if story.step(t, "merge", duty, V.MERGED, "同一问题重复上报,并案", details):
            case["merged_into_id"] = prev_case["id"]
            case["closed_at"] = t
            _clear_holder(case)
        return
    if not story.step(t, "file", duty, V.FILED):
        return
    case["filed_at"] = t
    case["holder_center_id"] = street

    t += dt.timedelta(minutes=round(rng.triangular(5, 240, 20)))
    dispatcher = rng.choice(w["dispatchers"])
    where = rng.random()
    if where < 0.6:
        department, department_center = w["department_for"][case["category"]]
        handler = rng.choice(w["handlers"][department])
        place, details = "department", {"department_id": department}
        target_center = department_center
    elif where < 0.9:
        department, handler = None, rng.choice(w["community_duty"][community])
        place, details, target_center = "community", {"center_id": community}, community
    else:
        department, handler = None, rng.choice(w["street_duty"])
        place, details, target_center = "street", {"center_id": street}, street
    saved = dict(case)
    deadline = _start_clock(case, place, t)
    details.update(dispatched_by_center=street, deadline=deadline.isoformat())
    if not story.step(t, "dispatch", dispatcher, V.DISPATCHED, "", details):
        case.update(saved)  # not dispatched yet: no clock
        return
    _clear_holder(case)
    case["holder_center_id"] = target_center
    case["holder_department_id"] = case["handling_department_id"] = department

    if not stuck and rng.random() < 0.01:
        t += _minutes(rng, 60, 600)
        if story.step(t, "void", rng.choice(w["supervisors"]), V.VOIDED, "重复上报,作废"):
            _clear_holder(case)
            case["closed_at"] = t
        return

    t += dt.timedelta(minutes=round(rng.triangular(10, 360, 40)))
    if not story.step(t, "accept", handler, V.HANDLING):
        return
    case["holder_user_id"] = case["handler_user_id"] = handler[0]

    if story.target == V.SUSPENDED:
        t += _minutes(rng, 120, 7200)
        if story.step(
            t, "suspend", rng.choice(w["supervisors"]), V.SUSPENDED, "涉及历史遗留问题,挂账"
        ):
            case["resume_state"] = V.HANDLING
            case["paused_since"] = t
        return

    for attempt in range(2):
        limit = case["deadline"] - t
        share = rng.uniform(0.1, 0.6) if rng.random() < 0.9 else rng.uniform(0.9, 2.0)
        if attempt == 0 and rng.random() < 0.05:
            ask = t + limit * 0.4
            ask = ask.replace(microsecond=0)
            if not story.step(
                ask, "request_extension", handler, V.HANDLING, "需协调产权单位,申请延期",
                {"days": 2, "hours": 0},
            ):  # fmt: skip
                return
            case["paused_since"] = ask
            case["pending_extension_minutes"] = 2 * calendar.minutes_per_day
            decided = ask + _minutes(rng, 30, 600)
            moved = calendar.shift(case["deadline"], ask, decided)
            extended = calendar.add(moved, days=2).replace(microsecond=0)
            if not story.step(
                decided, "decide_extension", rng.choice(w["supervisors"]), V.HANDLING, "同意延期",
                {"approved": True, "deadline": extended.isoformat()},
            ):  # fmt: skip
                return
            case.update(paused_since=None, pending_extension_minutes=None, deadline=extended)
            case["extension_count"] += 1
            t, limit = decided, extended - decided
        t += max(limit * share, dt.timedelta(minutes=20))
        t = t.replace(microsecond=0)
        if not story.step(
            t, "report_result", handler, V.AWAITING_VERIFICATION, rng.choice(HANDLING_COMMENTS)
        ):
            return
        case["handled_at"] = t
        case["handling_minutes"] = calendar.working_minutes(case["filed_at"], t)
        _clear_holder(case)
        case["holder_center_id"] = community
        t += _minutes(rng, 20, 240)
        verifier = rng.choice(w["community_duty"][community])
        if attempt == 0 and rng.random() < 0.08:
            if not story.step(
                t, "verify", verifier, V.HANDLING, "现场核查未整改到位,退回返工", {"passed": False}
            ):
                return
            case["rework_count"] += 1
            _clear_holder(case)
            case["holder_department_id"] = department
            case["holder_user_id"] = handler[0]
            case["holder_center_id"] = target_center
            continue
        passed = V.FOLLOW_UP if source in FOLLOW_UP_SOURCES else V.CLOSED
        if not story.step(t, "verify", verifier, passed, "核查通过", {"passed": True}):
            return
        _clear_holder(case)
        if passed == V.CLOSED:
            case["closed_at"] = t
            return
        case["holder_center_id"] = community
        break
    else:
        return

    t += _minutes(rng, 30, 480)
    rating = rng.choices((5, 4, 3, 2, 1), (68, 21, 6, 3, 2))[0]
    if story.step(
        t, "follow_up", rng.choice(w["street_duty"]), V.CLOSED, f"电话回访,评价{rating}分",
        {"rating": rating},
    ):  # fmt: skip
        case["satisfaction"] = rating
        case["closed_at"] = t
        _clear_holder(case)


def _pick(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


BODY_FIELDS = (
    "case_id",
    "seq",
    "at",
    "action",
    "actor_user_id",
    "actor_role",
    "actor_center_id",
    "from_state",
    "to_state",
    "details",
    "case_after",
    "comment",
)
CHAIN_COLUMNS = ("gseq", "prev_hash", "entry_hash")  # filled in by the main process, in order


def make_chunk(index: int) -> tuple[list[tuple], list[tuple], int]:
    """Cases ``index * CHUNK`` … of the plan and their archive entries, as rows of column values
    in table order, and the number left open. An entry comes as (its columns but the chain's,
    its canonical content for the MAC, whether it is its case's newest): the chain through all
    cases is keyed in order by the main process (``key_chunk``)."""
    g, w, plan = _G, _G["world"], _G["plan"]
    rng = random.Random(g["seed"] * 1_000_003 + index)
    starts = plan["starts"]
    n_cases = starts[-1]
    lo, hi = index * CHUNK, min((index + 1) * CHUNK, n_cases)
    cases, events, n_open = [], [], 0
    case_row, event_row = g["case_row"], g["event_row"]
    prev = None
    for k in range(lo, hi):
        day_index = bisect.bisect_right(starts, k) - 1
        day = plan["first"] + dt.timedelta(days=day_index)
        n_day, j = starts[day_index + 1] - starts[day_index], k - starts[day_index]
        q = (j + rng.random()) / n_day
        if day == TODAY:
            q *= _triangular_cdf(NOW.hour + NOW.minute / 60)
        hours = _triangular_quantile(q)
        reported_at = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=int(hours * 3600))
        age_days = (NOW - reported_at).total_seconds() / 86400
        grid = _pick(rng, w["grids"], g["grid_cum"])
        category = _pick(rng, g["categories"], g["category_cum"])
        source = _pick(rng, g["sources"], g["source_cum"])
        title = rng.choice(names.CASE_TITLES[category]).format(
            road=grid["road"], estate=grid["estate"], n=rng.randint(1, 24)
        )
        lon, lat = rng.choice(grid["points"])
        reporter_name = reporter_phone = None
        if source in FOLLOW_UP_SOURCES:
            reporter_name, reporter_phone = names.person_name(rng), names.phone_number(rng)
        manager = w["managers"].get(grid["manager"])
        case_id = g["first_id"] + k
        case = {
            "id": case_id,
            "code": f"{day:%Y%m%d}{j + 1:05d}",  # 13 characters: never a demo or engine code
            "source": source,
            "category": category,
            "title": title,
            "description": f"{title}。{rng.choice(('请尽快处理。', '居民多次反映。', ''))}",
            "address": f"{grid['road']}{rng.randint(1, 300)}号附近",
            "lon": lon,
            "lat": lat,
            "grid_id": grid["id"],
            "center_id": grid["center"],
            "reporter_name": reporter_name,
            "reporter_phone": reporter_phone,
            "reporter_user_id": manager[0]
            if manager and source == CaseSource.GRID_PATROL
            else None,
            "camera_id": rng.choice(grid["cameras"]) if source == CaseSource.VIDEO_PATROL else None,
            "case_type_id": None,
            "urgency": _pick(rng, g["urgencies"], g["urgency_cum"]),
            "state": V.REPORTED,
            "reported_at": reported_at,
            "filed_at": None,
            "deadline": None,
            "closed_at": None,
            "holder_center_id": grid["center"],
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
        p_backlog = plan["recent_a"] * math.exp(-age_days / BACKLOG_DECAY_DAYS) + plan["flat_b"]
        target = None
        if rng.random() < p_backlog:
            if age_days < BACKLOG_DECAY_DAYS:
                target = _pick(rng, g["recent_states"], g["recent_cum"])
            else:
                target = _pick(rng, g["old_states"], g["old_cum"])
        story = _Story(case, NOW, target)
        _live(rng, story, grid, prev)
        entries = story.events
        case["archive_hash"] = None  # the newest entry's MAC: the main process keys the chain
        case["version"] = len(entries)
        if case["state"] in OPEN_STATES:
            n_open += 1
        for entry in entries:
            entry["case_id"] = case_id
            entry["at"] = stamp(entry["at"])
            entry["details"] = canonical_json(entry["details"] or {})
            entry["case_after"] = None
        entries[-1]["case_after"] = audit.case_state_of(case)  # the state as the chain keeps it
        for entry in entries:
            body = audit.entry_body(*map(entry.get, BODY_FIELDS))
            events.append((event_row(entry), body, entry is entries[-1]))
        for key in (
            "reported_at",
            "filed_at",
            "deadline",
            "closed_at",
            "handled_at",
            "paused_since",
        ):
            case[key] = stamp(case[key])
        case["self_resolved"] = int(case["self_resolved"])
        if k == lo and set(case) != g["case_columns"]:  # the schema grew or shrank
            missing, unknown = g["case_columns"] - set(case), set(case) - g["case_columns"]
            raise ValueError(f"case generator out of date: missing {missing}, unknown {unknown}")
        cases.append(case_row(case))
        prev = case
    return cases, events, n_open


# --- building ----------------------------------------------------------------------------------


def _insert_sql(model, dialect, skip: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """``insert()`` of the model's table compiled once, and its column order: the rows go to
    the driver as tuples of stored values, without SQLAlchemy's per-row type processing."""
    names_ = [c.name for c in model.__table__.columns if c.name not in skip]
    return _insert_sql_ordered(model, dialect, names_)


def _insert_sql_ordered(model, dialect, names_: list[str]) -> tuple[str, list[str]]:
    plain = table(model.__tablename__, *[column(n) for n in names_])
    return str(insert(plain).compile(dialect=dialect)), names_


def key_chunk(key: bytes, chain: dict, cases: list, events: list, hash_index: int):
    """Key a chunk's entries into the installation's one chain, in order (``audit.entry_mac``),
    and give each case its newest entry's MAC."""
    gseq, head = chain["gseq"], chain["head"]
    rows, newest = [], []
    mac_of = audit.entry_mac
    for row, body, last in events:
        gseq += 1
        mac = mac_of(key, gseq, head, body)
        rows.append((*row, gseq, head, mac))
        head = mac
        if last:
            newest.append(mac)
    chain["gseq"], chain["head"] = gseq, head
    keyed = []
    for case, mac in zip(cases, newest, strict=True):
        case = list(case)
        case[hash_index] = mac
        keyed.append(tuple(case))
    return keyed, rows


def build(url: str, n_cases: int, open_share: float, seed: int, workers: int) -> dict:
    started = time.perf_counter()
    database = open_database(url)
    if not database.is_empty():
        raise SystemExit(f"{database.display_url} already holds a district; give a new --db path")
    log("demo district (generate_demo) …")
    generate_demo(database, seed=seed, today=TODAY, progress=lambda *_: None)
    demo_s = time.perf_counter() - started
    with database.session() as session:
        world = load_world(session, random.Random(seed))
        first_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
    plan = day_plan(n_cases, open_share, seed)
    dialect = database.engine.dialect
    case_sql, case_columns = _insert_sql(Case, dialect)
    # SQLite numbers the entries; the chain's columns come last, added by key_chunk
    event_columns = _insert_sql(CaseEvent, dialect, skip=("id", *CHAIN_COLUMNS))[1]
    event_sql, _ = _insert_sql_ordered(CaseEvent, dialect, [*event_columns, *CHAIN_COLUMNS])
    archive_key = database.keys().archive
    with database.session() as session:  # the demo district's cases come first in the chain
        head = session.get(ArchiveHead, 1)
        chain = {"gseq": head.gseq, "head": head.entry_hash}
    hash_index = case_columns.index("archive_hash")
    n_chunks = math.ceil(n_cases / CHUNK)
    log(f"{n_cases:,} cases in {n_chunks} chunks of {CHUNK:,}, made by {workers} worker(s) …")
    t0 = time.perf_counter()
    n_events = n_open = 0
    waited = inserting = keying = 0.0
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    initargs = (world, plan, first_id, seed, (case_columns, event_columns))
    with (
        context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool,
        database.engine.connect() as conn,
    ):
        conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB, for this connection only
        conn.commit()
        pending: deque = deque()  # a few chunks ahead, not all of them in memory

        def ask(index: int) -> None:
            if index < n_chunks:
                pending.append(pool.apply_async(make_chunk, (index,)))

        for index in range(2 * workers):
            ask(index)
        with conn.begin():
            for i in range(n_chunks):
                t_wait = time.perf_counter()
                cases, events, opened = pending.popleft().get()
                ask(i + 2 * workers)
                t_key = time.perf_counter()
                waited += t_key - t_wait
                cases, events = key_chunk(archive_key, chain, cases, events, hash_index)
                t_insert = time.perf_counter()
                keying += t_insert - t_key
                conn.exec_driver_sql(case_sql, cases)
                for k in range(0, len(events), EVENT_BATCH):
                    conn.exec_driver_sql(event_sql, events[k : k + EVENT_BATCH])
                inserting += time.perf_counter() - t_insert
                n_events += len(events)
                n_open += opened
                if (i + 1) % 10 == 0 or i + 1 == n_chunks:
                    done = min((i + 1) * CHUNK, n_cases)
                    rate = done / (time.perf_counter() - t0)
                    log(
                        f"  {done:>9,} cases, {n_events:>10,} archive entries ({rate:,.0f} "
                        f"cases/s; waited for workers {waited:.1f} s, keyed {keying:.1f} s, "
                        f"inserted {inserting:.1f} s)"
                    )
            marker = {
                "cases": n_cases,
                "open_share": open_share,
                "seed": seed,
                "today": TODAY.isoformat(),
                "first_id": first_id,
                "events": n_events,
                "open": n_open,
            }
            conn.execute(insert(Setting), [{"key": BENCH_SETTING, "value": marker}])
            conn.execute(
                update(ArchiveHead)
                .where(ArchiveHead.id == 1)
                .values(gseq=chain["gseq"], entry_hash=chain["head"])
            )
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    cases_s = time.perf_counter() - t0
    database.dispose()
    return marker | {
        "build_demo_s": round(demo_s, 1),
        "build_cases_s": round(cases_s, 1),
        "build_s": round(time.perf_counter() - started, 1),
    }


# --- measuring ---------------------------------------------------------------------------------


def summary(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return {
        "median": round(statistics.median(ms), 2),
        "p95": round(p95, 2),
        "min": round(ms[0], 2),
        "n": len(ms),
    }


def county_actor(session):
    """The county supervisor: the county's whole jurisdiction."""
    user = session.scalar(
        select(User)
        .join(Center, User.center_id == Center.id)
        .where(Center.parent_id.is_(None), User.role == Role.SUPERVISOR)
        .order_by(User.id)
        .limit(1)
    )
    return actor_for(session, user)


def named_actor(session, username: str):
    return actor_for(session, session.scalar(select(User).where(User.username == username)))


class console_gc:
    """Garbage collection as in the console: ``ui.common.tasks.GuiThreadGarbageCollector`` turns the
    automatic collector off and collects from a timer in the GUI thread, so a query running in
    a worker is not interrupted by collections. Here: the youngest generation is collected
    before the call and nothing during it. ``automatic=True`` leaves Python's automatic
    collection on (a plain script)."""

    def __init__(self, automatic: bool = False):
        self.automatic = automatic

    def __enter__(self):
        if not self.automatic:
            gc.collect(0)
            gc.disable()

    def __exit__(self, *exc):
        if not self.automatic:
            gc.enable()


def timed(database, call, runs: int, automatic_gc: bool = False) -> tuple[dict, object]:
    """``call(session)`` in a new session each time: the first (cold) run, then ``runs`` more."""
    times, result = [], None
    for _ in range(runs + 1):
        result = None  # the previous result is garbage before the next call, as in the console
        with console_gc(automatic_gc):
            t = time.perf_counter()
            with database.session() as session:
                result = call(session)
            times.append(time.perf_counter() - t)
    return {"cold": round(times[0] * 1000, 2), **summary(times[1:])}, result


def measure_board(url: str, runs: int) -> dict:
    """The board of the county, then of one community (the demo's grid leader) for scale."""
    database = open_database(url)  # a new engine: the first call is cold
    try:
        with database.session() as session:
            county, community = county_actor(session), named_actor(session, "leader")
        figures, rows = timed(database, lambda s: open_cases(s, county, NOW), runs)
        with database.session() as session:
            expected = session.scalar(
                select(func.count(Case.id)).where(
                    Case.state.in_(OPEN_STATES), Case.center_id.in_(county.jurisdiction_center_ids)
                )
            )
        assert len(rows) == expected, (len(rows), expected)
        assert all(row.holder for row in rows), "every open case has a holder"
        statuses: dict[str, int] = {}
        for row in rows:
            statuses[row.deadline_status.value] = statuses.get(row.deadline_status.value, 0) + 1
        n_rows, rows = len(rows), None
        local, local_rows = timed(database, lambda s: open_cases(s, community, NOW), runs)
        local.update(rows=len(local_rows), actor=community.center_name)
        local_rows = None
        with_gc, _ = timed(database, lambda s: open_cases(s, county, NOW), runs, automatic_gc=True)
        return figures | {
            "rows": n_rows,
            "statuses": statuses,
            "actor": f"{county.username}, {county.role.value}, {county.center_name}",
            "plan": board_plan(database, county),
            "community": local,
            "automatic_gc": with_gc,
        }
    finally:
        database.dispose()


def measure_console(url: str, runs: int) -> dict:
    """For context: the other queries a console refresh makes besides the board."""
    database = open_database(url)
    try:
        with database.session() as session:
            county = county_actor(session)
        tree, _ = timed(database, lambda s: jurisdiction_tree(s, county, NOW), runs)
        dashboard, _ = timed(database, lambda s: load_dashboard(s, county, NOW), runs)
        return {"tree": tree, "dashboard": dashboard}
    finally:
        database.dispose()


# --- the console's board: first load, then refreshes after another console's steps ------------

REFRESH_KINDS = ("urge", "file", "dispatch", "report")  # in place, moves, moves, arrives


def measure_console_board(url: str, rounds: int, load_runs: int, seed: int) -> dict:
    """What the county supervisor's console does for its board (``ui.data.feed`` and
    ``ui.data.console``), on Qt's offscreen platform:

    - first load: ``LocalBackend.load_console()`` in a worker thread (``run_and_wait``, as the
      feed's ``run_in_background``), the first call on a new engine, then ``CaseStore.set_rows``
      with the board's columns (``BoardColumns``) following; a few warm loads beside it;
    - refresh after one change: a step taken through another console's ``LocalBackend`` (the
      street's duty officer or dispatcher; not timed), then ``backend.changes_since(mark)`` +
      ``CaseStore.apply(rows, removed ids)`` with the columns following, by turns urge (the
      card changes in place), file and dispatch (it moves to another column), a new report
      (it arrives);
    - for context, the recount the console then runs in a worker over every row of the store
      (``case_counts`` + ``dashboard``: counters, tree and map colours).

    At the end the store, kept current only by the refreshes, is compared with a fresh load."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from ui.board.model import BoardColumns
    from ui.common.tasks import run_and_wait
    from ui.data.case_store import CaseStore

    app = QGuiApplication.instance() or QGuiApplication(["bench"])  # noqa: F841 (kept alive)
    database = open_database(url)  # a new engine: the first load is cold
    # The console's clock, after the transitions' steps (NOW + a second each); one second a step.
    clock = ManualClock(NOW + dt.timedelta(minutes=10))
    try:
        with database.session() as session:
            county = county_actor(session)
            duty, dispatcher = named_actor(session, "duty"), named_actor(session, "dispatcher")
            grids = session.scalars(
                select(Grid.id)
                .where(Grid.community_id.in_(duty.jurisdiction_unit_ids))
                .order_by(Grid.id)
            ).all()
            departments = {
                kind.value: dep_id
                for dep_id, kind in session.execute(
                    select(Department.id, Department.kind).where(
                        Department.center_id == dispatcher.center_id
                    )
                )
            }
        console = LocalBackend(database, county, clock)
        others = {
            "duty": LocalBackend(database, duty, clock),
            "dispatcher": LocalBackend(database, dispatcher, clock),
        }

        # first load (cold), then the store and its columns
        data = None
        with console_gc():
            t0 = time.perf_counter()
            data = run_and_wait(console.load_console, pool_name="feed")
            t1 = time.perf_counter()
            store = CaseStore(data.loaded_at)
            columns = BoardColumns(store, county)
            store.set_rows(data.rows)
            t2 = time.perf_counter()
        first = {"load_console": round((t1 - t0) * 1000, 2), "set_rows": round((t2 - t1) * 1000, 2)}
        warm = []
        for _ in range(load_runs):
            with console_gc():
                t = time.perf_counter()
                run_and_wait(console.load_console, pool_name="feed")
                warm.append(time.perf_counter() - t)
        parts = {}
        for name, call in (
            ("read_mark", lambda s: feed.read_mark(s, clock.now())),
            ("load_board", lambda s: board.load_board(s, county, clock.now())),
            ("static_tree", lambda s: static_tree(s, county)),
            ("camera_rows", lambda s: camera_rows(s, county)),
            ("month_closures", lambda s: month_closures(s, county, clock.now())),
        ):
            figure, _ = timed(database, call, max(1, load_runs - 1))
            parts[name] = figure["median"]
        n_rows = len(data.rows)
        n_open = sum(1 for row in data.rows if row.state.is_open)
        mark, month, n_cameras = data.mark, data.month, len(data.cameras)
        data = None

        # refreshes after one change made by another console
        rng = random.Random(seed)
        totals, by_kind = [], {kind: [] for kind in REFRESH_KINDS}
        split = {"changes_since": [], "apply": []}
        steps: dict[str, int] = {}
        for i in range(rounds + len(REFRESH_KINDS)):  # the first round of each kind: warm-up
            kind = REFRESH_KINDS[i % len(REFRESH_KINDS)]
            clock.advance(seconds=1)
            kind, case_id = other_console_step(
                kind, store, others, departments, grids, rng, dispatcher
            )
            update = None
            with console_gc():
                t0 = time.perf_counter()
                update = console.changes_since(mark)
                t1 = time.perf_counter()
                if update.rows or update.removed_case_ids:
                    store.apply(update.rows, update.removed_case_ids)
                t2 = time.perf_counter()
            mark = update.mark
            assert not update.reload, "the feed asked for a new load"
            assert set(update.changes.cases) == {case_id}, (kind, update.changes, case_id)
            steps[kind] = steps.get(kind, 0) + 1
            if i < len(REFRESH_KINDS):
                continue
            totals.append(t2 - t0)
            by_kind[kind].append(t2 - t0)
            split["changes_since"].append(t1 - t0)
            split["apply"].append(t2 - t1)

        # the recount the console runs in a worker after each change (context)
        recount = []
        for _ in range(max(3, load_runs)):
            with console_gc():
                t = time.perf_counter()
                rows, now = tuple(store.rows()), clock.now()
                case_counts(rows, now)
                dashboard(rows, now, month, n_cameras)
                recount.append(time.perf_counter() - t)
            rows = None

        # the store kept by refreshes equals a fresh load
        fresh = console.load_console()
        kept = {row.id: (row.state, row.version) for row in store.rows()}
        consistent = len(kept) == len(store.rows()) and kept == {
            row.id: (row.state, row.version) for row in fresh.rows
        }
        everything = board.apply(fresh.rows, board.BoardFilter(), county, clock.now())
        consistent = consistent and columns.counts() == board.split_by_stage(everything).counts
        refresh = summary(totals)
        refresh["max"] = round(max(totals) * 1000, 2)
        return {
            "actor": f"{county.username}, {county.role.value}, {county.center_name}",
            "rows": n_rows,
            "open_rows": n_open,
            "first_load": first,
            "warm_load": summary(warm) if warm else {},
            "load_parts": parts,
            "refresh": refresh,
            "split": {name: summary(times) for name, times in split.items()},
            "by_kind": {kind: summary(times) for kind, times in by_kind.items() if times},
            "steps": steps,
            "recount": summary(recount),
            "consistent": consistent,
        }
    finally:
        database.dispose()


def other_console_step(kind, store, others, departments, grids, rng, dispatcher):
    """One step of the given kind through another console (the street's duty officer or
    dispatcher), on a case of the county's board at the version it shows, or a new report.
    Returns the kind taken (a report when no case waits for the step) and the case's id."""
    duty_centers = others["duty"].actor.jurisdiction_center_ids
    wanted = {
        "urge": lambda r: r.state in (S.HANDLING, S.DISPATCHED) and r.center_id in duty_centers,
        "file": lambda r: r.state is S.REPORTED and r.center_id in duty_centers,
        "dispatch": lambda r: (
            r.state is S.FILED
            and r.holder_center_id == dispatcher.center_id
            and r.holder_department_id is None
            and r.holder_user_id is None
        ),
    }
    candidates = [] if kind == "report" else [r for r in store.rows() if wanted[kind](r)]
    if not candidates:
        outcome = others["duty"].report_case(
            {
                "source": CaseSource.HOTLINE_12345,
                "category": rng.choice(list(CaseCategory)),
                "title": "居民反映路灯不亮",
                "grid_id": rng.choice(grids),
            },
            allow_duplicate=True,
        )
        return "report", outcome.value.case_id
    row = rng.choice(candidates)
    if kind == "urge":
        outcome = others["duty"].take_step(row.id, Action.URGE, expected_version=row.version)
    elif kind == "file":
        outcome = others["duty"].take_step(row.id, Action.FILE, expected_version=row.version)
    else:
        department = departments.get(CATEGORY_DEPARTMENT[row.category].value) or next(
            iter(departments.values())
        )
        outcome = others["dispatcher"].take_step(
            row.id, Action.DISPATCH, expected_version=row.version, department_id=department
        )
    assert outcome.value.case_id == row.id and row.id in outcome.changes.cases
    return kind, row.id


def board_plan(database, actor) -> list[str]:
    """SQLite's plan for the board query (to see the index it uses)."""
    captured: list[tuple[str, tuple]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "FROM cases" in statement and "ORDER BY" in statement:
            captured.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", grab)
    try:
        with database.session() as session:
            open_cases(session, actor, NOW, limit=1)
    finally:
        event.remove(database.engine, "before_cursor_execute", grab)
    if not captured:
        return []
    statement, parameters = captured[-1]
    with database.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [row[-1] for row in rows]


def measure_kpi(url: str, runs: int) -> dict:
    database = open_database(url)
    try:
        with database.session() as session:
            actor = county_actor(session)
        period = kpi.Period.parse(KPI_PERIOD)
        figures, rows = timed(
            database, lambda s: kpi.compute_kpis(s, actor, period, by="grid", as_of=NOW), runs
        )
        return figures | {
            "rows": len(rows),
            "intake": sum(r.intake for r in rows),
            "due": sum(r.due for r in rows),
        }
    finally:
        database.dispose()


def measure_transitions(url: str, count: int, first_id: int) -> dict:
    """FILE on the newest reported cases, then DISPATCH on each of them (and on filed cases
    waiting at the street center when reported ones run short), each in its own session and
    transaction with commit, through ``CaseWorkflow(session).perform``."""
    database = open_database(url)
    try:
        with database.session() as session:
            duty = actor_for(session, session.scalar(select(User).where(User.username == "duty")))
            dispatcher = actor_for(
                session, session.scalar(select(User).where(User.username == "dispatcher"))
            )
            street_departments = {
                kind.value: dep_id
                for dep_id, kind in session.execute(
                    select(Department.id, Department.kind).where(
                        Department.center_id == dispatcher.center_id
                    )
                )
            }
            reported = session.execute(
                select(Case.id, Case.version, Case.category)
                .where(Case.state == S.REPORTED, Case.id >= first_id)
                .where(Case.center_id.in_(duty.jurisdiction_center_ids))
                .order_by(Case.reported_at.desc())
                .limit(count // 2)
            ).all()
            filed = session.execute(
                select(Case.id, Case.version, Case.category)
                .where(
                    Case.state == S.FILED,
                    Case.id >= first_id,
                    Case.holder_center_id == dispatcher.center_id,
                    Case.holder_department_id.is_(None),
                    Case.holder_user_id.is_(None),
                )
                .order_by(Case.reported_at.desc())
                .limit(max(0, count - 2 * len(reported)))
            ).all()
        clock_start = NOW
        ticks = [0]

        def now() -> dt.datetime:  # the console's clock, a second per step after "now"
            ticks[0] += 1
            return clock_start + dt.timedelta(seconds=ticks[0])

        plan = [(duty, cid, version, Action.FILE, cat) for cid, version, cat in reported]
        plan += [
            (dispatcher, cid, version + 1, Action.DISPATCH, cat) for cid, version, cat in reported
        ]
        plan += [(dispatcher, cid, version, Action.DISPATCH, cat) for cid, version, cat in filed]
        times, parts = [], {"workflow": [], "perform": [], "commit": []}
        for actor, case_id, version, action, category in plan:
            params = {}
            if action == Action.DISPATCH:
                kind = CATEGORY_DEPARTMENT[CaseCategory(category)].value
                params["department_id"] = street_departments.get(kind) or next(
                    iter(street_departments.values())
                )
            with console_gc():
                t0 = time.perf_counter()
                with database.session() as session:
                    session.begin()
                    flow = CaseWorkflow(session, now=now)
                    t1 = time.perf_counter()
                    flow.perform(actor, case_id, action, expected_version=version, **params)
                    t2 = time.perf_counter()
                    session.commit()
                    t3 = time.perf_counter()
                times.append(time.perf_counter() - t0)
            parts["workflow"].append(t1 - t0)
            parts["perform"].append(t2 - t1)
            parts["commit"].append(t3 - t2)
        touched = sorted({case_id for _, case_id, *_ in plan})
        checked = audit.verify_archive(database, workers=1, case_ids=touched)
        return {
            "cold": round(times[0] * 1000, 2) if times else None,
            **(summary(times[1:]) if len(times) > 1 else {}),
            "parts_median_ms": {k: round(statistics.median(v) * 1000, 2) for k, v in parts.items()},
            "by_action": {
                a.value: sum(1 for p in plan if p[3] == a) for a in (Action.FILE, Action.DISPATCH)
            },
            "archive_ok": checked.ok,
            "archive_problem": checked.first_break,
        }
    finally:
        database.dispose()


def check_archive_sample(url: str, first_id: int, n_cases: int, sample: int, seed: int) -> dict:
    database = open_database(url)
    try:
        rng = random.Random(seed)
        ids = rng.sample(range(first_id, first_id + n_cases), min(sample, n_cases))
        t = time.perf_counter()
        result = audit.verify_archive(database, workers=1, case_ids=ids)
        return {
            "cases": result.cases,
            "entries": result.entries,
            "ok": result.ok,
            "problem": result.first_break,
            "s": round(time.perf_counter() - t, 2),
        }
    finally:
        database.dispose()


def counts(url: str) -> dict:
    database = open_database(url)
    try:
        with database.session() as session:
            by_state = dict(
                session.execute(select(Case.state, func.count()).group_by(Case.state)).all()
            )
            return {
                "cases": sum(by_state.values()),
                "events": session.scalar(select(func.count(CaseEvent.id))),
                "open": sum(n for s, n in by_state.items() if s in OPEN_STATES),
                "by_state": {s.value: n for s, n in sorted(by_state.items())},
                "grids": session.scalar(select(func.count(Grid.id))),
                "units": session.scalar(select(func.count(AdminUnit.id))),
            }
    finally:
        database.dispose()


def use_key_file_beside(path: Path) -> None:
    """The benchmark database's keys live beside it (made with it, used when it is reused)."""
    keys = Path(str(path) + ".keys.json")
    if not keys.exists():  # a key file that is named is never made up on the fly: make it here
        write_new_keys(keys)
    os.environ[KEY_FILE_ENV] = str(keys)


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES:,} cases (< 30 s)")
    parser.add_argument("--cases", type=int, help=f"number of cases (default {FULL_CASES:,})")
    parser.add_argument("--open-share", type=float, default=OPEN_SHARE, help="share left open")
    parser.add_argument("--db", type=Path, help="SQLite file to build (kept) or reuse")
    parser.add_argument("--rebuild", action="store_true", help="replace an existing --db file")
    parser.add_argument("--runs", type=int, help="warm runs per query (default 30, quick 15)")
    parser.add_argument(
        "--transitions", type=int, help="transitions to time (default 200, quick 100)"
    )
    parser.add_argument(
        "--refreshes", type=int, help="board refreshes to time (default 200, quick 80)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    n_cases = args.cases or (QUICK_CASES if args.quick else FULL_CASES)
    runs = args.runs or (15 if args.quick else 30)
    transitions = args.transitions or (100 if args.quick else 200)
    refreshes = args.refreshes or (80 if args.quick else 200)
    load_runs = 3
    started = time.perf_counter()

    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-cases-"))
        path = tmp / "cases.sqlite3"
    else:
        path = args.db.resolve()
    url = f"sqlite:///{path}"
    use_key_file_beside(path)
    try:
        wanted = {"cases": n_cases, "open_share": args.open_share, "seed": args.seed}
        built = _existing_build(url, path, wanted, args.rebuild)
        if built is None:
            built = build(url, n_cases, args.open_share, args.seed, max(1, args.workers))
            reused = False
        else:
            reused = True
            log(f"reusing {path} (built with {wanted})")
        size = database_bytes(path)
        stats = counts(url)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        log("board query …")
        query = measure_board(url, runs)
        log("month figures by grid …")
        figures = measure_kpi(url, runs)
        log("transitions …")
        moves = measure_transitions(url, transitions, built["first_id"])
        log("the console's board: first load, refreshes after another console's steps …")
        live = measure_console_board(url, refreshes, load_runs, args.seed)
        log("the console's other queries …")
        console = measure_console(url, 3)
        log("archive sample …")
        archive = check_archive_sample(url, built["first_id"], n_cases, 2000, args.seed)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    total_s = time.perf_counter() - started
    print(f"database: {path if tmp is None else 'temporary'}, {size / 2**20:,.0f} MiB")
    print(
        f"  {stats['cases']:,} cases ({n_cases:,} synthetic, {stats['open']:,} open), "
        f"{stats['events']:,} archive entries, {stats['grids']} grids"
    )
    print(f"  states: {stats['by_state']}")
    if reused:
        print("  build: reused an earlier build")
    else:
        print(
            f"  build: {built['build_s']} s (demo district {built['build_demo_s']} s, "
            f"cases and archive {built['build_cases_s']} s) on {os.cpu_count()} cores"
        )
    print(f"  load average before measuring: {load if load is None else round(load, 2)}")
    refresh, first = live["refresh"], live["first_load"]
    print(
        f"county board in the console ({live['actor']}): {live['rows']:,} rows "
        f"({live['open_rows']:,} open, the rest ended today)"
    )
    print(
        f"  first load: load_console in a worker {first['load_console']} ms (cold), "
        f"CaseStore.set_rows + columns {first['set_rows']} ms; warm load_console "
        f"{_figure(live['warm_load'], cold=False)}"
    )
    print(f"  load_console parts (warm medians, ms): {live['load_parts']}")
    verdict = "meets" if refresh["median"] <= GOALS_MS["refresh"] else "MISSES"
    print(
        f"board refresh after another console's step (changes_since + CaseStore.apply): "
        f"median {refresh['median']} ms, p95 {refresh['p95']} ms, worst {refresh['max']} ms "
        f"(n={refresh['n']}) — goal {GOALS_MS['refresh']:g} ms: {verdict} "
        f"(median {refresh['median'] / GOALS_MS['refresh']:.2f} × the goal, "
        f"p95 {refresh['p95'] / GOALS_MS['refresh']:.2f} ×)"
    )
    for name, fig in live["split"].items():
        print(f"  {name}: {_figure(fig, cold=False)}")
    for kind, fig in live["by_kind"].items():
        print(f"  step '{kind}': {_figure(fig, cold=False)}")
    print(f"  steps taken by the other consoles: {live['steps']}")
    print(f"  store kept by refreshes equals a fresh load: {live['consistent']}")
    print(
        f"  then, in a worker (context): recount over the store's rows (case_counts + "
        f"dashboard) {_figure(live['recount'], cold=False)}"
    )
    print(
        f"board query alone, county ({query['actor']}; open_cases, the old headline): "
        f"{_figure(query)}"
    )
    for title, fig, goal in (
        (f"month KPI by grid ({KPI_PERIOD})", figures, GOALS_MS["kpi"]),
        ("transition (workflow + perform + archive entry + commit)", moves, GOALS_MS["transition"]),
    ):
        verdict = "meets" if fig.get("median", math.inf) <= goal else "MISSES"
        print(f"{title}: {_figure(fig)} — goal {goal:g} ms: {verdict}")
    print(f"  board query rows: {query['rows']:,} {query['statuses']}")
    print("  board query plan: " + " | ".join(query["plan"]))
    print(
        f"  board query with Python's automatic garbage collection on: "
        f"{_figure(query['automatic_gc'])}"
    )
    local = query["community"]
    print(f"  board of one community ({local['actor']}, {local['rows']:,} rows): {_figure(local)}")
    print(
        f"  KPI rows: {figures['rows']} grids, intake {figures['intake']:,}, due {figures['due']:,}"
    )
    print(f"  transitions: {moves['by_action']}, median parts (ms) {moves['parts_median_ms']}")
    print(
        f"  archive: transitioned cases verify {moves['archive_ok']}; sample of "
        f"{archive['cases']:,} cases / {archive['entries']:,} entries verifies {archive['ok']}"
    )
    print(
        f"former refresh queries (county, for context; the console now counts its own rows): "
        f"jurisdiction_tree {_figure(console['tree'])}; load_dashboard "
        f"{_figure(console['dashboard'])}"
    )
    print(f"total {total_s:.1f} s")
    result = {
        "cases": stats["cases"],
        "synthetic_cases": n_cases,
        "open_cases": stats["open"],
        "archive_entries": stats["events"],
        "db_mib": round(size / 2**20, 1),
        "build_s": None if reused else built["build_s"],
        "load_avg": None if load is None else round(load, 2),
        "county_board_rows": live["rows"],
        "county_first_load_ms": first["load_console"],
        "county_first_load_set_rows_ms": first["set_rows"],
        "county_first_load_ms_warm_median": live["warm_load"].get("median"),
        "county_first_load_parts_ms": live["load_parts"],
        "county_board_refresh_ms_median": refresh["median"],
        "county_board_refresh_ms_p95": refresh["p95"],
        "county_board_refresh_ms_max": refresh["max"],
        "county_board_refresh_n": refresh["n"],
        "county_board_refresh_goal_ms": GOALS_MS["refresh"],
        "county_board_refresh_median_to_goal": round(refresh["median"] / GOALS_MS["refresh"], 3),
        "county_board_refresh_p95_to_goal": round(refresh["p95"] / GOALS_MS["refresh"], 3),
        "county_board_refresh_changes_since_ms_median": live["split"]["changes_since"]["median"],
        "county_board_refresh_apply_ms_median": live["split"]["apply"]["median"],
        "county_board_refresh_ms_median_by_step": {
            kind: fig["median"] for kind, fig in live["by_kind"].items()
        },
        "county_board_consistent": live["consistent"],
        "console_recount_ms_median": live["recount"]["median"],
        "board_rows": query["rows"],
        "board_ms_median": query["median"],
        "board_ms_p95": query["p95"],
        "board_ms_cold": query["cold"],
        "board_ms_median_automatic_gc": query["automatic_gc"]["median"],
        "board_community_rows": local["rows"],
        "board_community_ms_median": local["median"],
        "kpi_month_by_grid_ms_median": figures["median"],
        "kpi_month_by_grid_ms_p95": figures["p95"],
        "kpi_month_by_grid_ms_cold": figures["cold"],
        "transition_ms_median": moves.get("median"),
        "transition_ms_p95": moves.get("p95"),
        "transition_ms_cold": moves["cold"],
        "transitions": sum(moves["by_action"].values()),
        "tree_ms_median": console["tree"]["median"],
        "dashboard_ms_median": console["dashboard"]["median"],
        "archive_ok": bool(moves["archive_ok"] and archive["ok"]),
        "total_s": round(total_s, 1),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _figure(fig: dict, cold: bool = True) -> str:
    text = f"median {fig.get('median')} ms, p95 {fig.get('p95')} ms"
    if cold:
        text += f", cold {fig['cold']} ms"
    return text + f" (n={fig.get('n')})"


def _existing_build(url: str, path: Path, wanted: dict, rebuild: bool) -> dict | None:
    """The marker of an earlier build at ``path`` with the same options, or None (and the file
    removed) when it must be built."""
    if not path.exists():
        return None
    marker = None
    if not rebuild:
        database = open_database(url)
        try:
            with database.session() as session:
                setting = session.get(Setting, BENCH_SETTING)
                marker = setting.value if setting else None
        finally:
            database.dispose()
        if marker is not None and all(marker.get(k) == v for k, v in wanted.items()):
            return marker
        if marker is None:
            raise SystemExit(f"{path} exists and is not a benchmark database; choose another --db")
        raise SystemExit(f"{path} was built with other options ({marker}); add --rebuild")
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    return None


if __name__ == "__main__":
    sys.exit(main())
