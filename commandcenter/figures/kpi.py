"""Assessment figures (考核): intake, closure, on-time, rework, extension, handling time,
self-resolution and satisfaction per center, grid, grid manager or department, with a weighted
score and grade. Every formula is written out for users in ``docs/kpi.md``.

Counting happens in SQL (GROUP BY with conditional sums, never a Python loop over cases): one
query over the cases *reported* in the period (index ``ix_cases_reported_at``) and one over the
cases *due* in the period (index ``ix_cases_state_deadline``); grid managers take one more of
each for what they reported outside their own grids. Each figure is one SQL condition, and
:func:`drill` selects the case ids under that same condition, so every count can be traced to
exactly its cases.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from commandcenter import clock
from commandcenter.access.accounts import Actor, actor_for
from commandcenter.access.cases import visible_condition
from commandcenter.domain.enums import CaseSource, CaseState, Role
from commandcenter.errors import CommandCenterError
from commandcenter.figures.period import MonthSlice, Period, PeriodError  # noqa: F401 (API)
from commandcenter.storage.models import (
    AdminUnit,
    Case,
    CaseEvent,
    Center,
    Department,
    Grid,
    Setting,
    User,
    Visit,
    grid_managers,
)

By = Literal["center", "grid", "grid_manager", "department"]
GROUPINGS: tuple[str, ...] = ("center", "grid", "grid_manager", "department")

# Cases in these states never fall due: they were declined at intake, voided, or merged into
# another case (which carries the figures).
NOT_DUE_STATES = (CaseState.DECLINED, CaseState.VOIDED, CaseState.MERGED)
DUE_STATES = tuple(s for s in CaseState if s not in NOT_DUE_STATES)

VISIT_RULE_HOUSEHOLDS = 15  # 每月走访不少于 15 户
SATISFIED_FROM = 4  # ratings 4 and 5 count as satisfied

GRADES = ((90.0, "A"), (75.0, "B"), (60.0, "C"), (40.0, "D"))
WEIGHTS_SETTING = "kpi_weights"
WEIGHT_KEYS = (
    "on_time",
    "closure",
    "satisfaction",
    "rework",
    "extension",
    "self_resolution",
    "visits",
)
DEFAULT_WEIGHTS: dict[str, float] = {
    "on_time": 40,
    "closure": 25,
    "satisfaction": 20,
    "rework": 10,
    "extension": 5,
}

# Count figures, each with the cohort it belongs to: "reported" (reported in the period) or
# "due" (deadline in the period). ``drill`` accepts these names.
COUNT_MEASURES: dict[str, str] = {
    "intake": "reported",
    "filed": "reported",
    "patrol_reports": "reported",
    "self_resolved": "reported",
    "due": "due",
    "closed": "due",
    "closed_on_time": "due",
    "reworked": "due",
    "extended": "due",
    "handled": "due",
    "rated": "due",
    "satisfied": "due",
    # Closed cases whose handler of record also verified them or entered the rating: a loop one
    # person closed (possible only where separation of duties is off, workflow.duties).
    "closed_alone": "due",
}
# A rate or average drills down to the cases it is computed over (its denominator).
DERIVED_MEASURES: dict[str, str] = {
    "closure_rate": "due",
    "on_time_rate": "due",
    "rework_rate": "due",
    "extension_rate": "due",
    "avg_handling_hours": "handled",
    "self_resolution_rate": "patrol_reports",
    "satisfaction_rate": "rated",
}
VISIT_MEASURES = ("visits",)  # drills to Visit ids, not case ids


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    """The figures of one center, grid, grid manager or department for one period.

    Counts are exact (``drill`` lists their cases); rates are fractions 0..1 and ``None`` when
    their denominator is 0; ``score`` is 0..100 or ``None`` when no weighted rate exists.
    Visit fields are filled for grid managers only.
    """

    by: str
    key: int
    code: str
    name: str
    intake: int = 0
    filed: int = 0
    patrol_reports: int = 0
    self_resolved: int = 0
    due: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reworked: int = 0
    extended: int = 0
    handled: int = 0
    handling_minutes: int = 0
    rated: int = 0
    satisfied: int = 0
    closed_alone: int = 0
    closure_rate: float | None = None
    on_time_rate: float | None = None
    rework_rate: float | None = None
    extension_rate: float | None = None
    avg_handling_hours: float | None = None
    self_resolution_rate: float | None = None
    satisfaction_rate: float | None = None
    visits: int | None = None
    visited_households: int | None = None
    visits_per_month: float | None = None
    households_per_month: float | None = None
    visit_rule_met: bool | None = None
    score: float | None = None
    grade: str | None = None

    def components(self) -> dict[str, float | None]:
        """The 0..1 values the weights apply to (see ``docs/kpi.md``)."""
        return _components({k: getattr(self, k) for k in _RATE_FIELDS}, self.households_per_month)


_RATE_FIELDS = (
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "extension_rate",
    "self_resolution_rate",
    "satisfaction_rate",
)


def _components(rates: dict[str, float | None], households_per_month: float | None):
    rework, extension = rates["rework_rate"], rates["extension_rate"]
    return {
        "on_time": rates["on_time_rate"],
        "closure": rates["closure_rate"],
        "satisfaction": rates["satisfaction_rate"],
        "rework": None if rework is None else 1 - rework,
        "extension": None if extension is None else 1 - extension,
        "self_resolution": rates["self_resolution_rate"],
        "visits": (
            None
            if households_per_month is None
            else min(1.0, households_per_month / VISIT_RULE_HOUSEHOLDS)
        ),
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def grade_for(score: float | None) -> str | None:
    if score is None:
        return None
    return next((grade for floor, grade in GRADES if score >= floor), "E")


def weighted_score(components: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """100 × Σ wᵢ·vᵢ ÷ Σ wᵢ over the components that exist (rounded to 0.1); a missing rate
    drops out and the others are reweighted. ``None`` when nothing weighted exists."""
    used = [(w, components[k]) for k, w in weights.items() if w > 0 and components[k] is not None]
    total = sum(w for w, _ in used)
    if not total:
        return None
    return round(100 * sum(w * v for w, v in used) / total, 1)


def _make_row(
    by: str, group: _Group, counts: dict[str, int], visits: dict, weights: dict[str, float]
) -> KpiRow:
    c = dict.fromkeys(_COUNT_FIELDS, 0) | counts
    rates = {
        "closure_rate": _ratio(c["closed"], c["due"]),
        "on_time_rate": _ratio(c["closed_on_time"], c["due"]),
        "rework_rate": _ratio(c["reworked"], c["due"]),
        "extension_rate": _ratio(c["extended"], c["due"]),
        # A self-resolved case never reaches a department: the rate means nothing there.
        "self_resolution_rate": (
            None if by == "department" else _ratio(c["self_resolved"], c["patrol_reports"])
        ),
        "satisfaction_rate": _ratio(c["satisfied"], c["rated"]),
    }
    score = weighted_score(_components(rates, visits.get("households_per_month")), weights)
    return KpiRow(
        by=by,
        key=group.key,
        code=group.code,
        name=group.name,
        **c,
        **visits,
        **rates,
        avg_handling_hours=c["handling_minutes"] / 60 / c["handled"] if c["handled"] else None,
        score=score,
        grade=grade_for(score),
    )


_COUNT_FIELDS = (*COUNT_MEASURES, "handling_minutes")


# --- weights ---------------------------------------------------------------------------------------


def validate_weights(value) -> dict[str, float]:
    """Weights as stored: an object of non-negative numbers with known keys, not all zero.
    Keys left out weigh 0."""
    if not isinstance(value, dict):
        raise CommandCenterError(f"KPI weights must be a JSON object, not {value!r}.")
    unknown = sorted(set(value) - set(WEIGHT_KEYS))
    if unknown:
        raise CommandCenterError(
            f"Unknown KPI weight(s) {', '.join(unknown)}; known: {', '.join(WEIGHT_KEYS)}."
        )
    weights = {}
    for key, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise CommandCenterError(f"KPI weight {key} must be a number ≥ 0, not {weight!r}.")
        if not math.isfinite(weight):
            raise CommandCenterError(f"KPI weight {key} must be finite.")
        weights[key] = float(weight)
    if not any(weights.values()):
        raise CommandCenterError("At least one KPI weight must be above 0.")
    return weights


def load_weights(session: Session) -> dict[str, float]:
    """The ``kpi_weights`` setting, else :data:`DEFAULT_WEIGHTS`."""
    setting = session.get(Setting, WEIGHTS_SETTING)
    if setting is None or setting.value is None:
        return {k: float(v) for k, v in DEFAULT_WEIGHTS.items()}
    return validate_weights(setting.value)


def save_weights(session: Session, weights: dict[str, float]) -> None:
    """Store the weights (validated) as the ``kpi_weights`` setting; the caller commits."""
    value = validate_weights(weights)
    setting = session.get(Setting, WEIGHTS_SETTING)
    if setting is None:
        session.add(Setting(key=WEIGHTS_SETTING, value=value))
    else:
        setting.value = value


# --- the conditions behind every figure ------------------------------------------------------------


@dataclass(frozen=True)
class _Conditions:
    """The two cohorts and, per count, the condition a case of its cohort must also meet
    (``None``: every case of the cohort). A figure's full condition is cohort AND extra."""

    cohorts: dict[str, ColumnElement[bool]]
    extras: dict[str, ColumnElement[bool] | None]

    def full(self, measure: str) -> ColumnElement[bool]:
        cohort = self.cohorts[COUNT_MEASURES[measure]]
        extra = self.extras[measure]
        return cohort if extra is None else and_(cohort, extra)


def _conditions(period: Period, as_of: dt.datetime) -> _Conditions:
    start, end = period.start, period.end
    reported = and_(Case.reported_at >= start, Case.reported_at < end)
    due = and_(
        Case.state.in_(DUE_STATES),
        Case.deadline >= start,
        Case.deadline < end,
        Case.filed_at.is_not(None),
    )
    if as_of < end:
        # In a running period a deadline still ahead is not due yet, unless already closed.
        due = and_(due, or_(Case.deadline <= as_of, Case.state == CaseState.CLOSED))
    is_closed = Case.state == CaseState.CLOSED
    patrol = and_(Case.source == CaseSource.GRID_PATROL, Case.state.not_in(NOT_DUE_STATES))
    return _Conditions(
        cohorts={"reported": reported, "due": due},
        extras={
            "intake": None,
            "filed": Case.filed_at.is_not(None),
            "patrol_reports": patrol,
            "self_resolved": and_(patrol, Case.self_resolved.is_(True)),
            "due": None,
            "closed": is_closed,
            "closed_on_time": and_(
                is_closed, func.coalesce(Case.handled_at, Case.closed_at) <= Case.deadline
            ),
            "reworked": Case.rework_count > 0,
            "extended": Case.extension_count > 0,
            "handled": and_(is_closed, Case.handling_minutes.is_not(None)),
            "rated": Case.satisfaction.is_not(None),
            "satisfied": Case.satisfaction >= SATISFIED_FROM,
            "closed_alone": and_(is_closed, Case.handler_user_id.is_not(None), _closed_alone()),
        },
    )


def _closed_alone() -> ColumnElement[bool]:
    """The case's handler of record took its verification or its follow-up himself (the
    archive says who took each step: the figures count who did what)."""
    return (
        select(CaseEvent.id)
        .where(
            CaseEvent.case_id == Case.id,
            CaseEvent.action.in_(("verify", "follow_up")),
            CaseEvent.actor_user_id == Case.handler_user_id,
        )
        .exists()
    )


def _in_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    """Cases the actor may see (``access.cases.visible_condition``: a department handler his
    department's, a grid manager his grids'; the others their jurisdiction). An actor over
    every center needs no filter (saves checking a long list of centers on each of tens of
    thousands of rows)."""
    if actor.role in (Role.DEPARTMENT_HANDLER, Role.GRID_MANAGER):
        return visible_condition(actor, Case.__table__)
    every_center = session.scalar(select(func.count(Center.id)))
    if len(actor.jurisdiction_center_ids) >= every_center:
        return true()
    return Case.center_id.in_(sorted(actor.jurisdiction_center_ids))


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for name, value in counts.items():
        into[name] = into.get(name, 0) + value


def _aggregate(
    session: Session, actor: Actor, by: str, conditions: _Conditions
) -> dict[int, dict[str, int]]:
    """Per group key, every count (and the handling-minute sum): per cohort one grouped query,
    the cohort in WHERE (so an index picks the rows) and each figure a conditional sum.

    Grid managers: their grids' sums plus, in one more query per cohort, what they reported
    outside their own grids, so a case counts once however it belongs to them.
    """
    scope = _in_scope(session, actor)
    totals: dict[int, dict[str, int]] = {}
    managed = session.execute(select(grid_managers)).all() if by == "grid_manager" else []
    for cohort, cohort_condition in conditions.cohorts.items():
        names = [n for n, c in COUNT_MEASURES.items() if c == cohort]
        sums = [
            func.count().label(n)
            if conditions.extras[n] is None
            else func.sum(case((conditions.extras[n], 1), else_=0)).label(n)
            for n in names
        ]
        if cohort == "due":
            minutes = case((conditions.extras["handled"], Case.handling_minutes), else_=0)
            sums.append(func.sum(minutes).label("handling_minutes"))
            names.append("handling_minutes")

        def grouped(column, *where, sums=sums, names=names, cohort=cohort_condition):
            query = select(column, *sums).where(cohort, scope, *where).group_by(column)
            return {
                key: {n: int(v or 0) for n, v in zip(names, values, strict=True)}
                for key, *values in session.execute(query)
            }

        if by == "grid_manager":
            per_grid = grouped(Case.grid_id, Case.grid_id.is_not(None))
            for grid_id, user_id in managed:
                _add(totals.setdefault(user_id, {}), per_grid.get(grid_id, {}))
            own_grid = (
                select(grid_managers.c.grid_id)
                .where(
                    grid_managers.c.grid_id == Case.grid_id,
                    grid_managers.c.user_id == Case.reporter_user_id,
                )
                .exists()
            )
            elsewhere = grouped(
                Case.reporter_user_id, Case.reporter_user_id.is_not(None), ~own_grid
            )
            for user_id, counts in elsewhere.items():
                _add(totals.setdefault(user_id, {}), counts)
            continue
        column = {
            "grid": Case.grid_id,
            "center": Case.center_id,
            "department": Case.handling_department_id,
        }[by]
        for key, counts in grouped(column, column.is_not(None)).items():
            totals.setdefault(key, {}).update(counts)
    return totals


# --- the groups a jurisdiction has -----------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    key: int
    code: str
    name: str


def _jurisdiction_grids(actor: Actor):
    return select(Grid.id).where(Grid.community_id.in_(sorted(actor.jurisdiction_unit_ids)))


def _center_tree(session: Session, actor: Actor) -> tuple[list[_Group], dict[int, set[int]]]:
    """The actor's centers in tree order, and for each the centers at and below it."""
    rows = session.execute(
        select(Center.id, Center.name, Center.parent_id, AdminUnit.code)
        .join(AdminUnit, Center.unit_id == AdminUnit.id)
        .where(Center.id.in_(sorted(actor.jurisdiction_center_ids)))
        .order_by(AdminUnit.code)
    ).all()
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[_Group] = []
    below: dict[int, set[int]] = {}

    def walk(row) -> set[int]:
        ordered.append(_Group(row.id, row.code, row.name))
        found = {row.id}
        for child in children.get(row.id, ()):
            found |= walk(child)
        below[row.id] = found
        return found

    known = {row.id for row in rows}
    for row in rows:
        if row.parent_id not in known:  # a top of the jurisdiction
            walk(row)
    return ordered, below


def _groups(session: Session, actor: Actor, by: str, found: Iterable[int]) -> list[_Group]:
    if by == "grid":
        rows = session.execute(
            select(Grid.id, Grid.code, Grid.name)
            .where(Grid.id.in_(_jurisdiction_grids(actor)))
            .order_by(Grid.code)
        )
        return [_Group(*row) for row in rows]
    if by == "department":
        rows = session.execute(
            select(Department.id, Department.kind, Department.name)
            .where(
                or_(
                    Department.center_id.in_(sorted(actor.jurisdiction_center_ids)),
                    Department.id.in_(sorted(found)),
                )
            )
            .order_by(Department.center_id, Department.id)
        )
        return [_Group(key, str(kind), name) for key, kind, name in rows]
    if by == "grid_manager":
        managing = select(grid_managers.c.user_id).where(
            grid_managers.c.grid_id.in_(_jurisdiction_grids(actor))
        )
        rows = session.execute(
            select(User.id, User.username, User.display_name)
            .where(
                or_(
                    User.id.in_(managing),
                    and_(
                        User.role == Role.GRID_MANAGER,
                        User.center_id.in_(sorted(actor.jurisdiction_center_ids)),
                    ),
                )
            )
            .order_by(User.username)
        )
        return [_Group(*row) for row in rows]
    raise ValueError(f"unknown grouping {by!r}; one of {', '.join(GROUPINGS)}")


def _check_by(by: str) -> None:
    if by not in GROUPINGS:
        raise CommandCenterError(f"Unknown grouping {by!r}; one of {', '.join(GROUPINGS)}.")


# --- visits ----------------------------------------------------------------------------------------


def _visit_figures(
    session: Session, actor: Actor, period: Period, as_of: dt.datetime, user_ids: list[int]
) -> dict[int, dict]:
    """Per grid manager: visits, households visited per month and the 15-household rule, each
    calendar month counted on its own (pro rata for a month the period or ``as_of`` cuts)."""
    slices = period.month_slices(as_of)
    months = sum(s.fraction for s in slices)
    figures = {
        uid: {"visits": 0, "visited_households": 0, "visit_rule_met": bool(slices)}
        for uid in user_ids
    }
    for piece in slices:
        required = math.ceil(VISIT_RULE_HOUSEHOLDS * piece.fraction - 1e-9)
        seen = dict.fromkeys(user_ids, (0, 0))
        rows = session.execute(
            select(Visit.user_id, func.count(Visit.id), func.count(func.distinct(Visit.house_id)))
            .where(
                Visit.at >= piece.start,
                Visit.at < piece.end,
                Visit.grid_id.in_(_jurisdiction_grids(actor)),
            )
            .group_by(Visit.user_id)
        )
        for uid, visits, households in rows:
            if uid in seen:
                seen[uid] = (visits, households)
        for uid, (visits, households) in seen.items():
            figure = figures[uid]
            figure["visits"] += visits
            figure["visited_households"] += households
            figure["visit_rule_met"] = figure["visit_rule_met"] and households >= required
    for figure in figures.values():
        figure["visits_per_month"] = round(figure["visits"] / months, 1) if months else None
        figure["households_per_month"] = (
            round(figure["visited_households"] / months, 1) if months else None
        )
        if not slices:
            figure["visit_rule_met"] = None
    return figures


# --- the public API ------------------------------------------------------------------------------


def compute_kpis(
    session: Session,
    actor: Actor,
    period: Period | str,
    by: By,
    *,
    as_of: dt.datetime | None = None,
    weights: dict[str, float] | None = None,
) -> list[KpiRow]:
    """The figures of every center, grid, grid manager or department in the actor's
    jurisdiction for ``period``, counting only cases of that jurisdiction.

    ``as_of`` (default: now) decides which deadlines of a running period have come; it does
    not rewind case states. ``weights`` default to the ``kpi_weights`` setting.
    """
    _check_by(by)
    period = Period.parse(period) if isinstance(period, str) else period
    as_of = as_of or clock.now()
    weights = validate_weights(weights) if weights is not None else load_weights(session)
    totals = _aggregate(session, actor, by, _conditions(period, as_of))
    if by == "center":
        groups, below = _center_tree(session, actor)
        rolled: dict[int, dict[str, int]] = {}
        for group in groups:
            sums: dict[str, int] = {}
            for center_id in below[group.key]:
                for name, value in totals.get(center_id, {}).items():
                    sums[name] = sums.get(name, 0) + value
            rolled[group.key] = sums
        totals = rolled
    else:
        groups = _groups(session, actor, by, totals)
    visits = {}
    if by == "grid_manager":
        visits = _visit_figures(session, actor, period, as_of, [g.key for g in groups])
    return [_make_row(by, g, totals.get(g.key, {}), visits.get(g.key, {}), weights) for g in groups]


def _group_condition(session: Session, actor: Actor, by: str, key: int) -> ColumnElement[bool]:
    if by == "grid":
        return Case.grid_id == key
    if by == "department":
        return Case.handling_department_id == key
    if by == "grid_manager":
        grids = select(grid_managers.c.grid_id).where(grid_managers.c.user_id == key)
        return or_(Case.grid_id.in_(grids), Case.reporter_user_id == key)
    _, below = _center_tree(session, actor)
    return Case.center_id.in_(sorted(below[key]))


def drill(
    session: Session,
    actor: Actor,
    period: Period | str,
    by: By,
    key: int,
    measure: str,
    *,
    as_of: dt.datetime | None = None,
) -> list[int]:
    """The ids of exactly the cases behind one figure of one row, ascending.

    ``measure`` is a count (``intake``, ``due``, ``closed_on_time`` …), or a rate or average,
    which gives the cases it is computed over (``closure_rate`` → the due cases). ``visits``
    gives the grid manager's Visit ids instead of case ids.
    """
    _check_by(by)
    period = Period.parse(period) if isinstance(period, str) else period
    as_of = as_of or clock.now()
    if measure in VISIT_MEASURES:
        if by != "grid_manager":
            raise CommandCenterError("Visits are counted for grid managers only.")
        slices = period.month_slices(as_of)
        if not slices:
            return []
        query = (
            select(Visit.id)
            .where(
                Visit.user_id == key,
                Visit.at >= slices[0].start,
                Visit.at < slices[-1].end,
                Visit.grid_id.in_(_jurisdiction_grids(actor)),
            )
            .order_by(Visit.id)
        )
        return list(session.scalars(query))
    name = DERIVED_MEASURES.get(measure, measure)
    if name not in COUNT_MEASURES:
        known = ", ".join([*COUNT_MEASURES, *DERIVED_MEASURES, *VISIT_MEASURES])
        raise CommandCenterError(f"Unknown measure {measure!r}; one of {known}.")
    if by == "center" and not actor.governs_center(key):
        return []
    query = (
        select(Case.id)
        .where(
            _conditions(period, as_of).full(name),
            _in_scope(session, actor),
            _group_condition(session, actor, by, key),
        )
        .order_by(Case.id)
    )
    return list(session.scalars(query))


def report_actor(session: Session, username: str | None = None) -> Actor:
    """The actor whose jurisdiction a report covers: the named user, or by default the first
    active administrator (lowest id) of a top center (one without a parent)."""
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise CommandCenterError(f"No user named {username!r}.")
        return actor_for(session, user)
    user = session.scalar(
        select(User)
        .join(Center, User.center_id == Center.id)
        .where(
            Center.parent_id.is_(None),
            User.role == Role.ADMINISTRATOR,
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )
    if user is None:
        raise CommandCenterError(
            "The top center has no active administrator; name the user with --user."
        )
    return actor_for(session, user)
