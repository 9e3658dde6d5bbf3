"""Read side for the console: plain data objects for one actor's jurisdiction.

Every function takes the :class:`~commandcenter.security.Actor` and filters by its jurisdiction
here, so a screen cannot show what the core would not. Results are frozen dataclasses, safe to
hand from a worker thread to the GUI.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import shapely
from sqlalchemy import String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from commandcenter.deadlines import DeadlineRule, DeadlineStatus
from commandcenter.domain.enums import (
    AdminLevel,
    CaseCategory,
    CaseSource,
    CaseState,
    GridKind,
    Urgency,
)
from commandcenter.domain.privacy import mask_phone
from commandcenter.security import Actor
from commandcenter.storage.models import (
    TERMINAL_STATES_IN_ORDER,
    AdminUnit,
    Camera,
    Case,
    Center,
    Department,
    Grid,
    SupervisionOrder,
    User,
    grid_managers,
)


@dataclass(frozen=True)
class GridSummary:
    id: int
    code: str
    name: str
    kind: GridKind
    community_id: int
    households: int
    population: int
    leader: str | None
    managers: tuple[str, ...]
    centroid: tuple[float, float]
    rings: tuple[tuple[tuple[float, float], ...], ...]  # exterior first, lon/lat
    open_cases: int = 0
    overdue_cases: int = 0
    # Work phones of the leader and of each manager (same order as ``managers``), masked
    # here in the core: the console never receives the full numbers.
    leader_phone: str = ""
    manager_phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitNode:
    id: int
    code: str
    name: str
    level: AdminLevel
    center_id: int | None
    rings: tuple[tuple[tuple[float, float], ...], ...]
    children: tuple[UnitNode, ...] = ()
    grids: tuple[GridSummary, ...] = ()
    open_cases: int = 0
    overdue_cases: int = 0

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


_NO_DEADLINE = dt.datetime.max


@dataclass(frozen=True)
class CaseRow:
    id: int
    code: str
    title: str
    category: CaseCategory
    source: CaseSource
    urgency: Urgency
    state: CaseState
    grid_id: int | None
    grid_name: str | None
    holder: str
    reported_at: dt.datetime
    filed_at: dt.datetime | None
    deadline: dt.datetime | None
    deadline_status: DeadlineStatus  # as of the query's "now", in working time
    lon: float | None
    lat: float | None
    rule: DeadlineRule = field(default=DeadlineRule(), compare=False, repr=False)
    # For the case board (commandcenter.board): where the case belongs and who holds it, as
    # the engine's scope checks read them, and what waits on it.
    center_id: int | None = None
    holder_center_id: int | None = None
    holder_department_id: int | None = None
    holder_user_id: int | None = None
    resume_state: CaseState | None = None  # a suspended case returns to this state
    extension_pending: bool = False  # an extension request waits for a decision
    supervision_open: bool = False  # a supervision order (督办) waits for a reply
    grid_manager_ids: frozenset[int] = frozenset()
    closed_at: dt.datetime | None = None  # only on rows of closed cases (board_rows)

    @cached_property
    def search_text(self) -> str:
        """Code, title, grid and holder in lower case: what the board's free text searches
        (made once per row)."""
        return f"{self.code}\n{self.title}\n{self.grid_name or ''}\n{self.holder}".lower()

    @cached_property
    def deadline_order(self) -> tuple:
        """Sort key: least time left first, cases without a deadline last, then the earlier
        report, then the id (made once per row)."""
        return (self.deadline or _NO_DEADLINE, self.reported_at, self.id)

    @property
    def paused(self) -> bool:
        """Suspended (挂账): the case waits, its clock stopped, to resume at ``resume_state``."""
        return self.state is CaseState.SUSPENDED

    def status_at(self, now: dt.datetime) -> DeadlineStatus:
        """The deadline status at another moment, e.g. the clock ticking between refreshes."""
        if self.closed_at is not None:
            return DeadlineStatus.NONE
        return self.rule.status(now, self.filed_at, self.deadline)


@dataclass(frozen=True)
class CameraRow:
    id: int
    device_id: str
    name: str
    lon: float
    lat: float
    grid_id: int | None
    grid_name: str | None
    main_url: str
    sub_url: str | None
    enabled: bool


@dataclass(frozen=True)
class Dashboard:
    """Counters for the alert strip and the figures view."""

    today_intake: int
    today_closed: int
    awaiting_filing: int
    open_cases: int
    near_due: int
    overdue: int
    cameras: int
    month_closed: int
    month_closed_on_time: int
    by_state: dict[CaseState, int] = field(default_factory=dict)
    by_category: dict[CaseCategory, int] = field(default_factory=dict)

    @property
    def month_on_time_rate(self) -> float | None:
        return self.month_closed_on_time / self.month_closed if self.month_closed else None


def rings_of(wkb: bytes | None) -> tuple[tuple[tuple[float, float], ...], ...]:
    if wkb is None:
        return ()
    geometry = shapely.from_wkb(wkb)
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        rings.append(tuple(polygon.exterior.coords))
        rings.extend(tuple(interior.coords) for interior in polygon.interiors)
    return tuple(rings)


def _open_case_counts(session: Session, actor: Actor, now: dt.datetime):
    """Open and overdue case counts per grid inside the jurisdiction."""
    rows = session.execute(  # the board's predicate: read from its covering index
        select(_CASES.c.grid_id, _CASES.c.deadline).where(
            _IS_OPEN, _CASES.c.center_id.in_(actor.jurisdiction_center_ids)
        )
    ).all()
    open_by_grid, overdue_by_grid = Counter(), Counter()
    for grid_id, deadline in rows:
        open_by_grid[grid_id] += 1
        if deadline is not None and deadline <= now:  # overdue is the wall clock passing it
            overdue_by_grid[grid_id] += 1
    return open_by_grid, overdue_by_grid


def grid_summaries(session: Session, actor: Actor, now: dt.datetime) -> list[GridSummary]:
    open_by_grid, overdue_by_grid = _open_case_counts(session, actor, now)
    names, phones = {}, {}
    for user_id, name, phone in session.execute(select(User.id, User.display_name, User.phone)):
        names[user_id], phones[user_id] = name, mask_phone(phone)
    managers: dict[int, list[int]] = {}
    for grid_id, user_id in session.execute(
        select(grid_managers).order_by(grid_managers.c.user_id)
    ).all():
        managers.setdefault(grid_id, []).append(user_id)
    grids = session.scalars(
        select(Grid).where(Grid.community_id.in_(actor.jurisdiction_unit_ids)).order_by(Grid.code)
    ).all()
    return [
        GridSummary(
            id=g.id,
            code=g.code,
            name=g.name,
            kind=g.kind,
            community_id=g.community_id,
            households=g.households,
            population=g.population,
            leader=names.get(g.leader_id),
            managers=tuple(names[u] for u in managers.get(g.id, ())),
            centroid=(g.centroid_lon or 0.0, g.centroid_lat or 0.0),
            rings=rings_of(g.boundary_wkb),
            open_cases=open_by_grid[g.id],
            overdue_cases=overdue_by_grid[g.id],
            leader_phone=phones.get(g.leader_id, "") if g.leader_id else "",
            manager_phones=tuple(phones[u] for u in managers.get(g.id, ())),
        )
        for g in grids
    ]


def jurisdiction_tree(session: Session, actor: Actor, now: dt.datetime) -> UnitNode:
    """The actor's unit with every unit and grid below it, each with its case counts."""
    units = session.scalars(
        select(AdminUnit).where(AdminUnit.id.in_(actor.jurisdiction_unit_ids))
    ).all()
    center_of = dict(session.execute(select(Center.unit_id, Center.id)).all())
    grids_by_unit: dict[int, list[GridSummary]] = {}
    for grid in grid_summaries(session, actor, now):
        grids_by_unit.setdefault(grid.community_id, []).append(grid)
    children: dict[int | None, list[AdminUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def build(unit: AdminUnit) -> UnitNode:
        kids = tuple(build(u) for u in sorted(children.get(unit.id, ()), key=lambda u: u.code))
        grids = tuple(grids_by_unit.get(unit.id, ()))
        return UnitNode(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            level=unit.level,
            center_id=center_of.get(unit.id),
            rings=rings_of(unit.boundary_wkb),
            children=kids,
            grids=grids,
            open_cases=sum(k.open_cases for k in kids) + sum(g.open_cases for g in grids),
            overdue_cases=sum(k.overdue_cases for k in kids) + sum(g.overdue_cases for g in grids),
        )

    root = next(u for u in units if u.id == actor.unit_id)
    return build(root)


# --- the case board -----------------------------------------------------------------------------
#
# A county's board holds every open case: tens of thousands of rows at a million cases. So the
# query reads only the partial covering index ix_cases_open_board (its filter repeats the index
# predicate, models.OPEN_CASE_PREDICATE, with the states written out: a partial index serves
# only such a query), runs as a Core select (no ORM objects), takes the enumerations as their
# stored text and maps them with a dict, makes each holder's text once, and judges a deadline
# already passed or absent without arithmetic. Results are the same as an ORM query's.

_CASES = Case.__table__
_IS_OPEN = _CASES.c.state.not_in(
    bindparam("terminal_states", TERMINAL_STATES_IN_ORDER, expanding=True, literal_execute=True)
)
_BOARD_COLUMNS = (
    _CASES.c.id,
    _CASES.c.code,
    _CASES.c.title,
    *(type_coerce(_CASES.c[name], String) for name in ("category", "source", "urgency", "state")),
    _CASES.c.grid_id,
    _CASES.c.reported_at,
    _CASES.c.filed_at,
    _CASES.c.deadline,
    _CASES.c.lon,
    _CASES.c.lat,
    _CASES.c.holder_center_id,
    _CASES.c.holder_department_id,
    _CASES.c.holder_user_id,
    _CASES.c.center_id,
    type_coerce(_CASES.c.resume_state, String),
    _CASES.c.pending_extension_minutes,
)
_CATEGORY, _SOURCE, _URGENCY, _STATE = (
    {member.value: member for member in enum}
    for enum in (CaseCategory, CaseSource, Urgency, CaseState)
)


def _names(session: Session, id_column, name_column, ids: set) -> dict:
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(select(id_column, name_column).where(id_column.in_(ids))).all())


def open_cases(
    session: Session, actor: Actor, now: dt.datetime, limit: int | None = None
) -> list[CaseRow]:
    """Open cases in the jurisdiction, most urgent deadline first, with their holder's name."""
    if session.autoflush:
        session.flush()  # as an ORM query would: this session's pending changes count
    query = (
        select(*_BOARD_COLUMNS)
        .where(_IS_OPEN, _CASES.c.center_id.in_(actor.jurisdiction_center_ids))
        .order_by(_CASES.c.deadline.is_(None), _CASES.c.deadline, _CASES.c.reported_at)
    )
    if limit:
        query = query.limit(limit)
    return _case_rows(session, now, session.execute(query).all())


def board_rows(session: Session, actor: Actor, now: dt.datetime, *conditions) -> list[CaseRow]:
    """Rows like ``open_cases``'s, with ``closed_at``, of the jurisdiction's cases that meet
    ``conditions`` (Core expressions on the cases table), in any state, in no order: the
    board's closed-today column and its incremental refresh (``commandcenter.board``). Closed
    cases have no deadline status."""
    if session.autoflush:
        session.flush()
    # "center_id + 0": the conditions pick the cases (ids, closed today), not the center index
    query = select(*_BOARD_COLUMNS, _CASES.c.closed_at).where(
        (_CASES.c.center_id + 0).in_(actor.jurisdiction_center_ids), *conditions
    )
    return _case_rows(session, now, session.execute(query).all())


def _case_rows(session: Session, now: dt.datetime, rows) -> list[CaseRow]:
    holders = {(row[13], row[14], row[15]) for row in rows}
    grid_ids = {row[7] for row in rows}
    grid_names = _names(session, Grid.id, Grid.name, set(grid_ids))
    center_names = _names(session, Center.id, Center.name, {c for c, _, _ in holders})
    department_names = _names(session, Department.id, Department.name, {d for _, d, _ in holders})
    user_names = _names(session, User.id, User.display_name, {u for _, _, u in holders})
    holder_text = {}
    for center_id, department_id, user_id in holders:
        names = (
            department_names.get(department_id) or center_names.get(center_id),
            user_names.get(user_id),
        )
        holder_text[center_id, department_id, user_id] = " / ".join(n for n in names if n)
    managers: dict[int, set[int]] = {}
    grid_ids.discard(None)
    if grid_ids:
        for grid_id, user_id in session.execute(
            select(grid_managers.c.grid_id, grid_managers.c.user_id).where(
                grid_managers.c.grid_id.in_(grid_ids)
            )
        ):
            managers.setdefault(grid_id, set()).add(user_id)
    managers_of = {grid_id: frozenset(users) for grid_id, users in managers.items()}
    no_managers = frozenset()
    # Few orders wait for a reply at any time: read them all rather than per case.
    supervised = set(
        session.scalars(
            select(SupervisionOrder.case_id).where(SupervisionOrder.replied_at.is_(None))
        )
    )
    no_deadline, overdue = DeadlineStatus.NONE, DeadlineStatus.OVERDUE
    rule = DeadlineRule.load(session)
    terminal = frozenset(TERMINAL_STATES_IN_ORDER)
    result = []
    append = result.append
    for (
        case_id, code, title, category, source, urgency, state, grid_id, reported_at, filed_at,
        deadline, lon, lat, holder_center_id, holder_department_id, holder_user_id, center_id,
        resume_state, pending_extension, *closed_at,
    ) in rows:  # fmt: skip
        state = _STATE[state]
        if deadline is None or state in terminal:
            status = no_deadline
        elif deadline <= now:
            status = overdue
        else:
            status = rule.status(now, filed_at, deadline)
        append(
            CaseRow(
                case_id,
                code,
                title,
                _CATEGORY[category],
                _SOURCE[source],
                _URGENCY[urgency],
                state,
                grid_id,
                grid_names.get(grid_id),
                holder_text[holder_center_id, holder_department_id, holder_user_id],
                reported_at,
                filed_at,
                deadline,
                status,
                lon,
                lat,
                rule,
                center_id,
                holder_center_id,
                holder_department_id,
                holder_user_id,
                _STATE[resume_state] if resume_state else None,
                pending_extension is not None,
                case_id in supervised,
                managers_of.get(grid_id, no_managers),
                closed_at[0] if closed_at else None,
            )
        )
    return result


def cameras(session: Session, actor: Actor) -> list[CameraRow]:
    rows = session.execute(
        select(Camera, Grid.name)
        .outerjoin(Grid, Camera.grid_id == Grid.id)
        .where(Camera.center_id.in_(actor.jurisdiction_center_ids))
        .order_by(Camera.device_id)
    ).all()
    return [
        CameraRow(
            id=c.id,
            device_id=c.device_id,
            name=c.name,
            lon=c.lon,
            lat=c.lat,
            grid_id=c.grid_id,
            grid_name=grid_name,
            main_url=c.main_url,
            sub_url=c.sub_url,
            enabled=c.enabled,
        )
        for c, grid_name in rows
    ]


def dashboard(session: Session, actor: Actor, now: dt.datetime) -> Dashboard:
    # "center_id + 0" keeps SQLite (which has no statistics unless ANALYZE ran) from choosing
    # the center index over the far more selective time and state indexes these counts use.
    in_scope = (Case.center_id + 0).in_(actor.jurisdiction_center_ids)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)

    def count(*conditions) -> int:
        return session.scalar(select(func.count(Case.id)).where(in_scope, *conditions)) or 0

    open_rows = session.execute(  # the board's predicate: read from its covering index
        select(_CASES.c.state, _CASES.c.category, _CASES.c.filed_at, _CASES.c.deadline).where(
            _IS_OPEN, _CASES.c.center_id.in_(actor.jurisdiction_center_ids)
        )
    ).all()
    rule = DeadlineRule.load(session)
    statuses = Counter(rule.status(now, filed, deadline) for _, _, filed, deadline in open_rows)
    return Dashboard(
        today_intake=count(Case.reported_at >= day_start),
        today_closed=count(Case.state == CaseState.CLOSED, Case.closed_at >= day_start),
        awaiting_filing=count(Case.state == CaseState.REPORTED),
        open_cases=len(open_rows),
        near_due=statuses[DeadlineStatus.NEAR_DUE],
        overdue=statuses[DeadlineStatus.OVERDUE],
        cameras=session.scalar(
            select(func.count(Camera.id)).where(Camera.center_id.in_(actor.jurisdiction_center_ids))
        )
        or 0,
        month_closed=count(Case.state == CaseState.CLOSED, Case.closed_at >= month_start),
        month_closed_on_time=count(
            Case.state == CaseState.CLOSED,
            Case.closed_at >= month_start,
            Case.closed_at <= Case.deadline,
        ),
        by_state=dict(Counter(state for state, _, _, _ in open_rows)),
        by_category=dict(Counter(category for _, category, _, _ in open_rows)),
    )
