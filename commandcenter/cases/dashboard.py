"""Counters for the alert strip and the figures view: one function of the board's rows.

The console keeps the board's rows (open cases and those that ended today) current from the
change feed; ``dashboard`` counts them, so the counters agree with the board, the list and the
map by construction. Only the month's closures are beyond the board's rows: ``month_closures``
counts them in the database (at the first load and when a case closes).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.cases import visible_condition
from commandcenter.cases.rows import CASES, CaseRow
from commandcenter.domain.enums import CaseCategory, CaseState
from commandcenter.schedule.deadlines import DeadlineStatus


@dataclass(frozen=True)
class MonthClosures:
    month: str  # YYYY-MM
    closed: int = 0
    closed_on_time: int = 0


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


def _day_start(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def month_closures(session: Session, actor: Actor, now: dt.datetime) -> MonthClosures:
    """Cases of the jurisdiction closed this month, and those closed by their deadline."""
    month_start = _day_start(now).replace(day=1)
    # "center_id + 0" keeps SQLite (which has no statistics unless ANALYZE ran) from choosing
    # the center index over the far more selective state/closed_at index.
    conditions = (
        visible_condition(actor, CASES, center_column=CASES.c.center_id + 0),
        CASES.c.state == CaseState.CLOSED.value,
        CASES.c.closed_at >= month_start,
    )
    closed = session.scalar(select(func.count()).where(*conditions)) or 0
    on_time = (
        session.scalar(
            select(func.count()).where(*conditions, CASES.c.closed_at <= CASES.c.deadline)
        )
        or 0
    )
    return MonthClosures(f"{now:%Y-%m}", closed, on_time)


def dashboard(
    rows: Iterable[CaseRow], now: dt.datetime, month: MonthClosures, cameras: int
) -> Dashboard:
    """The counters of the board's rows at ``now``."""
    today = _day_start(now)
    statuses: Counter = Counter()
    by_state: Counter = Counter()
    by_category: Counter = Counter()
    intake = closed_today = 0
    for row in rows:
        if row.reported_at >= today:
            intake += 1
        if row.state.is_open:
            by_state[row.state] += 1
            by_category[row.category] += 1
            statuses[row.status_at(now)] += 1
        elif row.state is CaseState.CLOSED and row.closed_at is not None and row.closed_at >= today:
            closed_today += 1
    same_month = month.month == f"{now:%Y-%m}"
    return Dashboard(
        today_intake=intake,
        today_closed=closed_today,
        awaiting_filing=by_state[CaseState.REPORTED],
        open_cases=sum(by_state.values()),
        near_due=statuses[DeadlineStatus.NEAR_DUE],
        overdue=statuses[DeadlineStatus.OVERDUE],
        cameras=cameras,
        month_closed=month.closed if same_month else 0,
        month_closed_on_time=month.closed_on_time if same_month else 0,
        by_state=dict(by_state),
        by_category=dict(by_category),
    )


def load_dashboard(session: Session, actor: Actor, now: dt.datetime) -> Dashboard:
    """The counters read afresh (the command line, tests; the console counts its own rows)."""
    from commandcenter.cases.board import load_board
    from commandcenter.storage.models import Camera

    cameras = session.scalar(
        select(func.count(Camera.id)).where(Camera.center_id.in_(actor.jurisdiction_center_ids))
    )
    rows = load_board(session, actor, now).rows
    return dashboard(rows, now, month_closures(session, actor, now), cameras or 0)
