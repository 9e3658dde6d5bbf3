"""The figures of the monthly report (月报).

No Qt here. The monthly report's PDF is drawn by the console from the :class:`MonthlyReport`
computed here, so every number the PDF shows comes from the core: the totals and the grid rows
are :func:`commandcenter.figures.kpi.compute_kpis` rows, the category rows and the days those
of :mod:`commandcenter.figures.series` (as in the console's figures), and the overdue cases are
selected with the KPIs' own SQL conditions: each count traces to its cases with
:func:`commandcenter.figures.kpi.drill` (``tests/test_exports.py`` checks it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session

from commandcenter import clock
from commandcenter.access.accounts import Actor
from commandcenter.domain.enums import CaseCategory, CaseState
from commandcenter.domain.labels_zh import label_zh
from commandcenter.errors import CommandCenterError
from commandcenter.figures import kpi
from commandcenter.figures import series as kpi_series
from commandcenter.figures.kpi import KpiRow, Period
from commandcenter.figures.series import DayFigures
from commandcenter.schedule.deadlines import DeadlineRule
from commandcenter.storage.models import AdminUnit, Case, Center, Department, Grid
from commandcenter.workflow import audit
from commandcenter.workflow.audit import Checkpoint

# --- the monthly report (月报) ---------------------------------------------------------------------

TOP_OVERDUE_GRIDS = 10


@dataclass(frozen=True)
class CommunityFigures:
    """One community (社区/村) with its grids' rows; ``total`` is the row of the community's
    own center (its station), which also counts its cases without a grid."""

    unit_id: int
    code: str
    name: str
    total: KpiRow | None
    grids: tuple[KpiRow, ...]


@dataclass(frozen=True)
class OverdueGrid:
    """A grid ranked by its overdue cases: due in the month and not closed on time."""

    grid: KpiRow
    community: str

    @property
    def overdue(self) -> int:
        return self.grid.due - self.grid.closed_on_time

    @property
    def still_open(self) -> int:
        """Of those, the ones not closed yet."""
        return self.grid.due - self.grid.closed


@dataclass(frozen=True)
class OverdueCase:
    """A case due in the month and not closed on time (closed late, or not closed yet)."""

    id: int
    code: str
    title: str
    category: CaseCategory
    state: CaseState
    grid_code: str
    grid_name: str
    handler: str  # the handling department, else the center holding the case
    deadline: dt.datetime
    finished_at: dt.datetime | None  # the handler's result (or closing) of a closed case
    overdue_hours: float  # working hours from the deadline to finished_at, else to as_of

    @property
    def closed(self) -> bool:
        return self.state is CaseState.CLOSED


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the monthly report shows, for one center's jurisdiction and one month.

    超期 (overdue) here is a due-cohort figure: due in the month and not closed on time, that
    is ``due − closed_on_time`` (closed late, or still open).
    """

    period: Period
    previous_period: Period
    as_of: dt.datetime
    center_id: int
    center_name: str
    total: KpiRow  # the center's row (its whole jurisdiction) for the month
    previous_total: KpiRow  # the same for the month before
    grids: tuple[KpiRow, ...]
    communities: tuple[CommunityFigures, ...]
    categories: tuple[KpiRow, ...]  # kpi_series.by_category: one row per category, all listed
    overdue_grids: tuple[OverdueGrid, ...]  # the worst few, most overdue first
    overdue_cases: tuple[OverdueCase, ...]  # all of them, still open first, then most overdue
    daily: tuple[DayFigures, ...]  # kpi_series.daily_series: every day of the month
    # The archive's newest signed checkpoint (电子档案 校验点), printed so that a later rewrite
    # of the archive shows against the paper (``workflow.audit``); None: none made yet.
    checkpoint: Checkpoint | None = None

    @property
    def title(self) -> str:
        return f"{self.center_name}{self.period.first.year}年{self.period.first.month}月工作月报"

    @property
    def overdue(self) -> int:
        return self.total.due - self.total.closed_on_time

    @property
    def previous_overdue(self) -> int:
        return self.previous_total.due - self.previous_total.closed_on_time

    @property
    def complete(self) -> bool:
        """False while the month is still running at ``as_of`` (its figures are partial)."""
        return self.as_of >= self.period.end

    def change(self, field: str) -> float | None:
        """This month's figure minus last month's (a rate's change is in fractions: 0.012 is
        1.2 percentage points); ``None`` when either is missing."""
        now, before = getattr(self.total, field), getattr(self.previous_total, field)
        if now is None or before is None:
            return None
        return now - before


def _month(period: Period | str) -> Period:
    period = Period.parse(period) if isinstance(period, str) else period
    whole = Period.month(period.first.year, period.first.month)
    if period != whole:
        raise CommandCenterError(
            f"A monthly report covers one calendar month (like 2026-10), not {period.label}."
        )
    return whole


def _previous(period: Period) -> Period:
    year, month = period.first.year, period.first.month
    return Period.month(year - 1, 12) if month == 1 else Period.month(year, month - 1)


def category_label(row: KpiRow) -> str:
    """The Chinese name of a ``kpi_series.by_category`` row's category."""
    return label_zh(CaseCategory(row.code))


def _center_row(rows: list[KpiRow], center_id: int) -> KpiRow:
    return next(r for r in rows if r.key == center_id)


def _communities(
    session: Session, grids: list[KpiRow], centers: list[KpiRow]
) -> tuple[CommunityFigures, ...]:
    community_of = dict(
        session.execute(
            select(Grid.id, Grid.community_id).where(Grid.id.in_([g.key for g in grids]))
        ).all()
    )
    units = session.execute(
        select(AdminUnit.id, AdminUnit.code, AdminUnit.name)
        .where(AdminUnit.id.in_(set(community_of.values())))
        .order_by(AdminUnit.code)
    ).all()
    center_of_unit = dict(session.execute(select(Center.unit_id, Center.id)).all())
    center_rows = {r.key: r for r in centers}
    return tuple(
        CommunityFigures(
            unit_id=unit_id,
            code=code,
            name=name,
            total=center_rows.get(center_of_unit.get(unit_id)),
            grids=tuple(g for g in grids if community_of[g.key] == unit_id),
        )
        for unit_id, code, name in units
    )


def _overdue_cases(
    session, actor: Actor, scope, conditions, as_of: dt.datetime
) -> tuple[OverdueCase, ...]:
    overdue = and_(conditions.full("due"), not_(conditions.extras["closed_on_time"]))
    rows = session.execute(
        select(
            Case.id,
            Case.code,
            Case.title,
            Case.category,
            Case.state,
            Case.grid_id,
            Case.handling_department_id,
            Case.holder_center_id,
            Case.center_id,
            Case.deadline,
            func.coalesce(Case.handled_at, Case.closed_at),
        ).where(overdue, scope)
    ).all()
    grids = {
        gid: (code, name)
        for gid, code, name in session.execute(
            select(Grid.id, Grid.code, Grid.name).where(Grid.id.in_({r[5] for r in rows}))
        )
    }
    departments = dict(
        session.execute(
            select(Department.id, Department.name).where(Department.id.in_({r[6] for r in rows}))
        ).all()
    )
    centers = dict(session.execute(select(Center.id, Center.name)).all())
    calendar = DeadlineRule.load(session).calendar
    found = []
    for (
        case_id, code, title, category, state, grid_id, department_id, holder_center_id,
        center_id, deadline, finished,
    ) in rows:  # fmt: skip
        closed = state is CaseState.CLOSED
        end = finished if closed and finished is not None else as_of
        late = end - deadline if calendar is None else calendar.working_time(deadline, end)
        grid_code, grid_name = grids.get(grid_id, ("", ""))
        found.append(
            OverdueCase(
                id=case_id,
                code=code,
                title=actor.shown_text(title),
                category=category,
                state=state,
                grid_code=grid_code,
                grid_name=grid_name,
                handler=departments.get(department_id)
                or centers.get(holder_center_id)
                or centers.get(center_id, ""),
                deadline=deadline,
                finished_at=finished if closed else None,
                overdue_hours=max(0.0, round(late / dt.timedelta(hours=1), 1)),
            )
        )
    found.sort(key=lambda c: (c.closed, -c.overdue_hours, c.code))
    return tuple(found)


def monthly_report_data(
    session: Session,
    actor: Actor,
    period: Period | str,
    *,
    as_of: dt.datetime | None = None,
    weights: dict[str, float] | None = None,
) -> MonthlyReport:
    """The figures of the monthly report of ``actor``'s center for one calendar month.

    ``as_of`` (default: now) and ``weights`` mean what they mean for
    :func:`~commandcenter.kpi.compute_kpis`; the previous month is taken as of the same moment.
    """
    period = _month(period)
    previous = _previous(period)
    as_of = as_of or clock.now()
    centers = kpi.compute_kpis(session, actor, period, "center", as_of=as_of, weights=weights)
    previous_centers = kpi.compute_kpis(
        session, actor, previous, "center", as_of=as_of, weights=weights
    )
    grids = kpi.compute_kpis(session, actor, period, "grid", as_of=as_of, weights=weights)
    communities = _communities(session, grids, centers)
    community_name = {g.key: c.name for c in communities for g in c.grids}
    ranked = sorted(
        (OverdueGrid(g, community_name[g.key]) for g in grids),
        key=lambda o: (-o.overdue, o.grid.on_time_rate or 0.0, o.grid.code),
    )
    # The same cohort conditions and jurisdiction filter as the KPI figures (kpi.drill).
    conditions = kpi._conditions(period, as_of)
    scope = kpi._in_scope(session, actor)
    return MonthlyReport(
        period=period,
        previous_period=previous,
        as_of=as_of,
        center_id=actor.center_id,
        center_name=actor.center_name,
        total=_center_row(centers, actor.center_id),
        previous_total=_center_row(previous_centers, actor.center_id),
        grids=tuple(grids),
        communities=communities,
        categories=tuple(
            kpi_series.by_category(session, actor, period, as_of=as_of, weights=weights)
        ),
        overdue_grids=tuple(o for o in ranked if o.overdue > 0)[:TOP_OVERDUE_GRIDS],
        overdue_cases=_overdue_cases(session, actor, scope, conditions, as_of),
        daily=kpi_series.daily_series(session, actor, period, as_of=as_of).days,
        checkpoint=audit.latest_checkpoint(session),
    )
