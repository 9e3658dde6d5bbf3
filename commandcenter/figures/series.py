"""Figures for the supervisor's panel, each one traceable to its cases.

Built on :mod:`commandcenter.kpi` (same cohorts, same conditions, same jurisdiction filter):

- :func:`daily_series` — per day of a period: cases reported (intake), cases closed that day,
  cases declined / voided / merged that day, the open backlog at the end of the day, and the
  due cohort of :mod:`kpi` split by deadline day (due, of them closed, closed on time);
- :func:`by_category` — the :class:`~commandcenter.kpi.KpiRow` figures per case category;
- :func:`jurisdiction_figures` — the unit tree (county → street → community → grid) with the
  figures of each node (``compute_kpis`` by center and by grid);
- :func:`drill`, :func:`drill_day` — the ids of exactly the cases behind one figure;
  :func:`trace` / :func:`trace_day` add the cases' rows and, for a rate, which of them the
  numerator counted;
- a case's whole history, for the drill-down's last step, is :mod:`commandcenter.cases.history`.

Day figures, in the words of ``docs/kpi.md``:

=================  ===========================================================================
``intake``         reported that day (the reported cohort of a one-day period)
``closed``         state CLOSED now, ``closed_at`` that day (the day's closures)
``dropped``        declined, voided or merged, ``closed_at`` that day
``backlog``        open at the end of the day: reported before the day ended and not yet
                   ended then (ended: in a terminal state now, since ``closed_at``, or since
                   its report without one; a reopened case counts as open from its report
                   until it ends again); ``None`` for days that start after ``as_of``
``due``            the due cohort of a one-day period (deadline that day, see ``kpi``)
``due_closed``     of those, closed (``kpi`` measure ``closed``)
``closed_on_time`` of those, closed on time
=================  ===========================================================================

So over the days of a period ``intake``, ``due``, ``due_closed`` and ``closed_on_time`` add up
to the figures ``compute_kpis`` gives the actor's own center, and ``backlog`` moves by
``intake − closed − dropped`` from one day to the next (wherever ended cases carry their
``closed_at``, as the workflow writes it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Date, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from commandcenter import clock
from commandcenter.access.accounts import Actor
from commandcenter.domain.enums import (
    TERMINAL_STATES,
    AdminLevel,
    CaseCategory,
    CaseSource,
    CaseState,
)
from commandcenter.errors import CommandCenterError
from commandcenter.figures import kpi
from commandcenter.figures.kpi import KpiRow, Period
from commandcenter.storage.models import (
    AdminUnit,
    Case,
    Center,
    Department,
    Grid,
)

DAY_FIGURES: tuple[str, ...] = (
    "intake",
    "closed",
    "dropped",
    "backlog",
    "due",
    "due_closed",
    "closed_on_time",
)
# Day figures that are a kpi measure of a one-day period.
_DAY_KPI_MEASURES = {
    "intake": "intake",
    "due": "due",
    "due_closed": "closed",
    "closed_on_time": "closed_on_time",
}
DROPPED_STATES = (CaseState.DECLINED, CaseState.VOIDED, CaseState.MERGED)
_TERMINAL = tuple(s for s in CaseState if s in TERMINAL_STATES)

# A rate's numerator: the cases of its denominator it counts.
RATE_NUMERATORS: dict[str, str] = {
    "closure_rate": "closed",
    "on_time_rate": "closed_on_time",
    "rework_rate": "reworked",
    "extension_rate": "extended",
    "self_resolution_rate": "self_resolved",
    "satisfaction_rate": "satisfied",
}
CATEGORIES: tuple[CaseCategory, ...] = tuple(CaseCategory)
GROUPINGS: tuple[str, ...] = (*kpi.GROUPINGS, "category")

_CHUNK = 500  # ids per IN (…) list


# --- shared pieces ---------------------------------------------------------------------------


def _period(period: Period | str) -> Period:
    return Period.parse(period) if isinstance(period, str) else period


def _day_of(session: Session, column) -> ColumnElement:
    """The calendar day of a timestamp column, in SQL (SQLite has no DATE type)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return cast(column, Date)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _days(period: Period) -> list[dt.date]:
    count = (period.last - period.first).days + 1
    return [period.first + dt.timedelta(days=i) for i in range(count)]


def _ended_at() -> ColumnElement:
    """When a case ended: for a case in a terminal state now, the later of its report and its
    ``closed_at`` (its report when ``closed_at`` is missing); NULL for an open case."""
    late = or_(Case.closed_at.is_(None), Case.closed_at < Case.reported_at)
    return case(
        (Case.state.in_(_TERMINAL), case((late, Case.reported_at), else_=Case.closed_at)),
        else_=None,
    )


def _open_at(moment: dt.datetime) -> ColumnElement[bool]:
    ended = _ended_at()
    return and_(Case.reported_at < moment, or_(ended.is_(None), ended >= moment))


# --- the daily series ------------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    day: dt.date
    intake: int = 0
    closed: int = 0
    dropped: int = 0
    backlog: int | None = None
    due: int = 0
    due_closed: int = 0
    closed_on_time: int = 0


@dataclass(frozen=True)
class DailySeries:
    period: Period
    as_of: dt.datetime
    days: tuple[DayFigures, ...]
    backlog_before: int  # open when the period began

    def values(self, figure: str) -> list[int | None]:
        if figure not in DAY_FIGURES:
            raise CommandCenterError(f"Unknown day figure {figure!r}; one of {DAY_FIGURES}.")
        return [getattr(d, figure) for d in self.days]

    def total(self, figure: str) -> int:
        """The sum over the days (``backlog`` is a level, not a flow: not summed)."""
        if figure == "backlog":
            raise CommandCenterError("The backlog is a level; it has no total over days.")
        return sum(v or 0 for v in self.values(figure))

    def index_of(self, day: dt.date) -> int:
        return (day - self.period.first).days


def daily_series(
    session: Session, actor: Actor, period: Period | str, *, as_of: dt.datetime | None = None
) -> DailySeries:
    """The day figures of every day of ``period`` over the actor's jurisdiction (grouped in
    SQL: four grouped queries and two counts, whatever the number of cases)."""
    period = _period(period)
    as_of = as_of or clock.now()
    scope = kpi._in_scope(session, actor)
    start, end = period.start, period.end
    days = {d: dict.fromkeys(DAY_FIGURES, 0) for d in _days(period)}

    def grouped(day_column, sums, *where):
        bucket = _day_of(session, day_column)
        query = select(bucket, *sums).where(scope, *where).group_by(bucket)
        return [(_as_date(day), values) for day, *values in session.execute(query)]

    reported_in = and_(Case.reported_at >= start, Case.reported_at < end)
    for day, (count,) in grouped(Case.reported_at, [func.count()], reported_in):
        days[day]["intake"] = count
    closed_in = and_(
        Case.state.in_((CaseState.CLOSED, *DROPPED_STATES)),
        Case.closed_at >= start,
        Case.closed_at < end,
    )
    is_closed = case((Case.state == CaseState.CLOSED, 1), else_=0)
    for day, (closed, count) in grouped(
        Case.closed_at, [func.sum(is_closed), func.count()], closed_in
    ):
        days[day]["closed"] = int(closed or 0)
        days[day]["dropped"] = count - int(closed or 0)

    conditions = kpi._conditions(period, as_of)
    due_sums = [
        func.count(),
        func.sum(case((conditions.extras["closed"], 1), else_=0)),
        func.sum(case((conditions.extras["closed_on_time"], 1), else_=0)),
    ]
    for day, (due, due_closed, on_time) in grouped(Case.deadline, due_sums, conditions.full("due")):
        days[day].update(due=due, due_closed=int(due_closed or 0), closed_on_time=int(on_time or 0))

    # Backlog at the end of day d: reported before d ended, minus ended before d ended.
    ended = _ended_at()
    reported_before = session.scalar(
        select(func.count()).select_from(Case).where(scope, Case.reported_at < start)
    )
    ended_before = session.scalar(
        select(func.count()).select_from(Case).where(scope, ended.is_not(None), ended < start)
    )
    ended_per_day = dict(
        (day, count)
        for day, (count,) in grouped(
            ended, [func.count()], ended.is_not(None), ended >= start, ended < end
        )
    )
    backlog = backlog_before = int(reported_before or 0) - int(ended_before or 0)
    figures = []
    for day, values in days.items():
        backlog += values["intake"] - ended_per_day.get(day, 0)
        day_start = dt.datetime.combine(day, dt.time())
        values["backlog"] = backlog if day_start <= as_of else None
        figures.append(DayFigures(day, **values))
    return DailySeries(period, as_of, tuple(figures), backlog_before)


def drill_day(
    session: Session,
    actor: Actor,
    day: dt.date,
    figure: str,
    *,
    as_of: dt.datetime | None = None,
) -> list[int]:
    """The ids of exactly the cases behind one day figure of :func:`daily_series`, ascending."""
    as_of = as_of or clock.now()
    if figure in _DAY_KPI_MEASURES:
        one_day = Period(day, day, day.isoformat())
        return kpi.drill(
            session, actor, one_day, "center", actor.center_id, _DAY_KPI_MEASURES[figure],
            as_of=as_of,
        )  # fmt: skip
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    if figure == "closed":
        condition = and_(
            Case.state == CaseState.CLOSED, Case.closed_at >= start, Case.closed_at < end
        )
    elif figure == "dropped":
        condition = and_(
            Case.state.in_(DROPPED_STATES), Case.closed_at >= start, Case.closed_at < end
        )
    elif figure == "backlog":
        if start > as_of:
            return []
        condition = _open_at(end)
    else:
        raise CommandCenterError(f"Unknown day figure {figure!r}; one of {DAY_FIGURES}.")
    query = select(Case.id).where(condition, kpi._in_scope(session, actor)).order_by(Case.id)
    return list(session.scalars(query))


# --- figures by category ---------------------------------------------------------------------


def category_key(category: CaseCategory) -> int:
    return CATEGORIES.index(category)


def by_category(
    session: Session,
    actor: Actor,
    period: Period | str,
    *,
    as_of: dt.datetime | None = None,
    weights: dict[str, float] | None = None,
) -> list[KpiRow]:
    """``compute_kpis`` rows per case category (``by="category"``; ``key`` is the category's
    position in :data:`CATEGORIES`, ``code`` and ``name`` its value), every category listed."""
    period = _period(period)
    as_of = as_of or clock.now()
    weights = kpi.validate_weights(weights) if weights is not None else kpi.load_weights(session)
    conditions = kpi._conditions(period, as_of)
    scope = kpi._in_scope(session, actor)
    totals: dict[CaseCategory, dict[str, int]] = {}
    for cohort, cohort_condition in conditions.cohorts.items():
        names = [n for n, c in kpi.COUNT_MEASURES.items() if c == cohort]
        sums = [
            func.count()
            if conditions.extras[n] is None
            else func.sum(case((conditions.extras[n], 1), else_=0))
            for n in names
        ]
        if cohort == "due":
            minutes = case((conditions.extras["handled"], Case.handling_minutes), else_=0)
            sums.append(func.sum(minutes))
            names.append("handling_minutes")
        query = select(Case.category, *sums).where(cohort_condition, scope).group_by(Case.category)
        for category, *values in session.execute(query):
            counts = {n: int(v or 0) for n, v in zip(names, values, strict=True)}
            totals.setdefault(CaseCategory(category), {}).update(counts)
    return [
        kpi._make_row(
            "category",
            kpi._Group(category_key(c), c.value, c.value),
            totals.get(c, {}),
            {},
            weights,
        )
        for c in CATEGORIES
    ]


def drill(
    session: Session,
    actor: Actor,
    period: Period | str,
    by: str,
    key: int | CaseCategory,
    measure: str,
    *,
    as_of: dt.datetime | None = None,
) -> list[int]:
    """``kpi.drill`` for every grouping of ``compute_kpis``, and for ``by="category"`` (key: a
    :class:`CaseCategory` or its position in :data:`CATEGORIES`)."""
    if by != "category":
        return kpi.drill(session, actor, period, by, int(key), measure, as_of=as_of)
    period = _period(period)
    as_of = as_of or clock.now()
    category = key if isinstance(key, CaseCategory) else CATEGORIES[int(key)]
    name = kpi.DERIVED_MEASURES.get(measure, measure)
    if name not in kpi.COUNT_MEASURES:
        known = ", ".join([*kpi.COUNT_MEASURES, *kpi.DERIVED_MEASURES])
        raise CommandCenterError(f"Unknown measure {measure!r} for categories; one of {known}.")
    query = (
        select(Case.id)
        .where(
            kpi._conditions(period, as_of).full(name),
            kpi._in_scope(session, actor),
            Case.category == category,
        )
        .order_by(Case.id)
    )
    return list(session.scalars(query))


# --- the jurisdiction tree with figures --------------------------------------------------------


@dataclass(frozen=True)
class FigureNode:
    """A unit (``by="center"``, ``key`` its center's id, ``None`` without a center) or a grid
    (``by="grid"``) with its figures; ``drill(…, node.by, node.key, measure)`` lists the cases
    behind any of them."""

    by: str
    key: int | None
    name: str
    level: AdminLevel | None  # None for a grid
    row: KpiRow | None
    children: tuple[FigureNode, ...] = ()
    unit_id: int | None = None
    code: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def jurisdiction_figures(
    session: Session,
    actor: Actor,
    period: Period | str,
    *,
    as_of: dt.datetime | None = None,
    center_rows: list[KpiRow] | None = None,
    grid_rows: list[KpiRow] | None = None,
) -> FigureNode:
    """The actor's unit and every unit and grid below it, each with its figures (center rows
    are rolled up, so a unit's figures include everything below it)."""
    period = _period(period)
    as_of = as_of or clock.now()
    if center_rows is None:
        center_rows = kpi.compute_kpis(session, actor, period, "center", as_of=as_of)
    if grid_rows is None:
        grid_rows = kpi.compute_kpis(session, actor, period, "grid", as_of=as_of)
    by_center = {r.key: r for r in center_rows}
    by_grid = {r.key: r for r in grid_rows}
    units = session.execute(
        select(AdminUnit.id, AdminUnit.code, AdminUnit.name, AdminUnit.level, AdminUnit.parent_id)
        .where(AdminUnit.id.in_(sorted(actor.jurisdiction_unit_ids)))
        .order_by(AdminUnit.code)
    ).all()
    center_of = dict(session.execute(select(Center.unit_id, Center.id)).all())
    grids: dict[int, list[FigureNode]] = {}
    for grid_id, code, name, community_id in session.execute(
        select(Grid.id, Grid.code, Grid.name, Grid.community_id)
        .where(Grid.community_id.in_(sorted(actor.jurisdiction_unit_ids)))
        .order_by(Grid.code)
    ):
        grids.setdefault(community_id, []).append(
            FigureNode("grid", grid_id, name, None, by_grid.get(grid_id), code=code)
        )
    children: dict[int | None, list] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def build(unit) -> FigureNode:
        center_id = center_of.get(unit.id)
        kids = tuple(build(u) for u in children.get(unit.id, ()))
        return FigureNode(
            "center",
            center_id,
            unit.name,
            AdminLevel(unit.level),
            by_center.get(center_id) if center_id is not None else None,
            kids + tuple(grids.get(unit.id, ())),
            unit.id,
            unit.code,
        )

    root = next(u for u in units if u.id == actor.unit_id)
    return build(root)


# --- the cases behind a figure -------------------------------------------------------------------


@dataclass(frozen=True)
class TracedCase:
    id: int
    code: str
    title: str
    category: CaseCategory
    source: CaseSource
    state: CaseState
    grid_name: str | None
    center_name: str
    department: str | None  # the department that handled it
    reported_at: dt.datetime
    deadline: dt.datetime | None
    handled_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: int | None
    rework_count: int
    extension_count: int


@dataclass(frozen=True)
class Trace:
    """The cases behind one figure: ``ids`` (for a rate: its denominator) and, for a rate,
    ``counted`` — the ids its numerator counts."""

    measure: str
    ids: tuple[int, ...]
    cases: tuple[TracedCase, ...]
    numerator: str | None = None
    counted: frozenset[int] = field(default_factory=frozenset)

    @property
    def rate(self) -> float | None:
        if self.numerator is None or not self.ids:
            return None
        return len(self.counted) / len(self.ids)


def traced_cases(session: Session, actor: Actor, ids: list[int]) -> list[TracedCase]:
    """The rows of the given cases inside the actor's jurisdiction, in the order of ``ids``."""
    grid_names = dict(session.execute(select(Grid.id, Grid.name)).all())
    center_names = dict(session.execute(select(Center.id, Center.name)).all())
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    found: dict[int, TracedCase] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        for c in session.execute(
            select(
                Case.id, Case.code, Case.title, Case.category, Case.source, Case.state,
                Case.grid_id, Case.center_id, Case.handling_department_id, Case.reported_at,
                Case.deadline, Case.handled_at, Case.closed_at, Case.satisfaction,
                Case.rework_count, Case.extension_count,
            ).where(Case.id.in_(chunk), kpi._in_scope(session, actor))
        ):  # fmt: skip
            found[c.id] = TracedCase(
                c.id, c.code, actor.shown_text(c.title), c.category, c.source, c.state,
                grid_names.get(c.grid_id), center_names.get(c.center_id, ""),
                departments.get(c.handling_department_id), c.reported_at, c.deadline,
                c.handled_at, c.closed_at, c.satisfaction, c.rework_count or 0,
                c.extension_count or 0,
            )  # fmt: skip
    return [found[i] for i in ids if i in found]


def trace(
    session: Session,
    actor: Actor,
    period: Period | str,
    by: str,
    key: int | CaseCategory,
    measure: str,
    *,
    as_of: dt.datetime | None = None,
) -> Trace:
    """:func:`drill` with the cases' rows; for a rate also its numerator's cases."""
    as_of = as_of or clock.now()
    ids = drill(session, actor, period, by, key, measure, as_of=as_of)
    numerator = RATE_NUMERATORS.get(measure)
    counted = (
        frozenset(drill(session, actor, period, by, key, numerator, as_of=as_of))
        if numerator
        else frozenset(ids)
    )
    return Trace(measure, tuple(ids), tuple(traced_cases(session, actor, ids)), numerator, counted)


def trace_day(
    session: Session,
    actor: Actor,
    day: dt.date,
    figure: str,
    *,
    as_of: dt.datetime | None = None,
) -> Trace:
    ids = drill_day(session, actor, day, figure, as_of=as_of)
    return Trace(figure, tuple(ids), tuple(traced_cases(session, actor, ids)), None, frozenset(ids))


# --- everything the panel shows for one period ----------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """One load of the figures panel: the series, the tree, and the rows of every grouping
    (``center``, ``grid``, ``department``, ``category``), all taken at ``as_of``."""

    period: Period
    as_of: dt.datetime
    series: DailySeries
    tree: FigureNode
    rows: dict[str, tuple[KpiRow, ...]]

    @property
    def total(self) -> KpiRow | None:
        """The actor's own center: the whole jurisdiction."""
        return self.tree.row


def overview(
    session: Session, actor: Actor, period: Period | str, *, as_of: dt.datetime | None = None
) -> Overview:
    period = _period(period)
    as_of = as_of or clock.now()
    rows = {
        by: tuple(kpi.compute_kpis(session, actor, period, by, as_of=as_of))
        for by in ("center", "grid", "department")
    }
    rows["category"] = tuple(by_category(session, actor, period, as_of=as_of))
    tree = jurisdiction_figures(
        session,
        actor,
        period,
        as_of=as_of,
        center_rows=list(rows["center"]),
        grid_rows=list(rows["grid"]),
    )
    return Overview(period, as_of, daily_series(session, actor, period, as_of=as_of), tree, rows)
