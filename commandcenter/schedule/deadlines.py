"""Deadline state of a case: on time, near due (amber) or overdue (red), and the time left.

With a working calendar (``commandcenter.workcalendar.WorkingCalendar``) the time left and the
limit are counted in working time: a case due Monday 10:00 is not "nearly due" on Saturday just
because few wall-clock hours remain. Without one, wall-clock time is used (as before).

- Overdue: ``now`` is at or after the deadline (a wall-clock comparison in both modes).
- Near due (amber): the time left is at most ``warn_share`` of the limit, the limit being the time
  from ``started`` (filing) to the deadline, so an extension widens it. ``warn_share`` is the
  setting "warn_share" (0 < x < 1, default 0.25): ``load_warn_share``.
- A paused clock (extension request or suspension pending, ``Case.paused_since``) is judged as
  of the moment it stopped: a suspended case is not overdue because time passed while it waited.
- A case that is no longer open has no deadline status.

``DeadlineRule.of_case`` is the one place that judges a case: the board, the list, the map, the
case tab, the counters, the exports and the figures all ask it (or ``is_overdue``, its cheap
first test, for filters over many rows).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from commandcenter.domain.enums import DeadlineStatus
from commandcenter.errors import CommandCenterError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from commandcenter.domain.enums import CaseState
    from commandcenter.schedule.workcalendar import WorkingCalendar


class CaseClock(Protocol):
    """What judging a case's deadline reads: any object with these attributes (a board row,
    an ORM case, a case detail)."""

    state: CaseState
    filed_at: dt.datetime | None
    deadline: dt.datetime | None
    paused_since: dt.datetime | None


log = logging.getLogger(__name__)

WARN_SHARE = 0.25  # amber when less than this share of the time limit is left
WARN_SHARE_SETTING = "warn_share"


class InvalidWarnShare(CommandCenterError, ValueError):
    """A warning share outside 0 < x < 1."""


def judged_at(now: dt.datetime, paused_since: dt.datetime | None) -> dt.datetime:
    """The moment a deadline is judged at: now, or when the clock stopped if it is paused."""
    return paused_since if paused_since is not None and paused_since < now else now


def is_overdue(
    now: dt.datetime, deadline: dt.datetime | None, paused_since: dt.datetime | None = None
) -> bool:
    """Overdue: the (paused) clock has reached the deadline. The same test as
    ``deadline_status``'s, without the working-time arithmetic."""
    return deadline is not None and judged_at(now, paused_since) >= deadline


def deadline_status(
    now: dt.datetime,
    started: dt.datetime | None,
    deadline: dt.datetime | None,
    warn_share: float = WARN_SHARE,
    calendar: WorkingCalendar | None = None,
    *,
    paused_since: dt.datetime | None = None,
) -> DeadlineStatus:
    if deadline is None:
        return DeadlineStatus.NONE
    now = judged_at(now, paused_since)
    if now >= deadline:
        return DeadlineStatus.OVERDUE
    if started is None or deadline <= started:
        return DeadlineStatus.ON_TIME
    if calendar is None:
        left, limit = deadline - now, deadline - started
        near = limit > dt.timedelta(0) and left <= limit * warn_share
    else:  # working microseconds
        end = calendar.position(deadline)
        left, limit = end - calendar.position(now), end - calendar.position(started)
        near = limit > 0 and left <= limit * warn_share
    return DeadlineStatus.NEAR_DUE if near else DeadlineStatus.ON_TIME


def time_left_minutes(
    now: dt.datetime,
    deadline: dt.datetime,
    calendar: WorkingCalendar | None = None,
    *,
    paused_since: dt.datetime | None = None,
) -> int:
    """Minutes left until ``deadline`` (working minutes with a calendar), negative when overdue.

    Rounded down: 30 seconds left is 0, 30 seconds overdue is -1. In working time an overdue
    case reads 0 until working time passes after its deadline (e.g. due Friday 17:30, looked at
    on Saturday); ``deadline_status`` is what says overdue.
    """
    now = judged_at(now, paused_since)
    left = deadline - now if calendar is None else calendar.working_time(now, deadline)
    return math.floor(left / dt.timedelta(minutes=1))


def check_warn_share(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidWarnShare(f"the warning share must be a number, not {value!r}")
    if not 0 < value < 1:
        raise InvalidWarnShare(
            f"the warning share must be between 0 and 1 (e.g. 0.25 = amber at a quarter of the "
            f"limit left), not {value}"
        )
    return float(value)


def load_warn_share(session: Session) -> float:
    """The setting "warn_share", or ``WARN_SHARE`` when absent or unusable (logged)."""
    from commandcenter.storage.models import Setting

    setting = session.get(Setting, WARN_SHARE_SETTING)
    if setting is None or setting.value is None:
        return WARN_SHARE
    try:
        return check_warn_share(setting.value)
    except InvalidWarnShare as exc:
        log.warning("setting %r ignored, using %s: %s", WARN_SHARE_SETTING, WARN_SHARE, exc)
        return WARN_SHARE


def set_warn_share(session: Session, value: float) -> float:
    """Store the warning share (0 < value < 1); raises InvalidWarnShare."""
    from commandcenter.storage.models import Setting

    value = check_warn_share(value)
    setting = session.get(Setting, WARN_SHARE_SETTING)
    if setting is None:
        session.add(Setting(key=WARN_SHARE_SETTING, value=value))
    else:
        setting.value = value
    session.flush()
    return value


@dataclass(frozen=True)
class DeadlineRule:
    """How a center judges deadlines: its working calendar and amber share, loaded once per
    query and carried by the rows, so a screen re-judging between refreshes agrees with the core."""

    calendar: WorkingCalendar | None = None
    warn_share: float = WARN_SHARE

    @classmethod
    def load(cls, session: Session) -> DeadlineRule:
        from commandcenter.schedule.workcalendar import WorkingCalendar

        return cls(WorkingCalendar.load(session), load_warn_share(session))

    def status(
        self,
        now: dt.datetime,
        started: dt.datetime | None,
        deadline: dt.datetime | None,
        paused_since: dt.datetime | None = None,
    ) -> DeadlineStatus:
        return deadline_status(
            now, started, deadline, self.warn_share, self.calendar, paused_since=paused_since
        )

    def of_case(self, now: dt.datetime, case: CaseClock) -> DeadlineStatus:
        """The deadline status of a case (a row, an ORM case, a detail): none unless it is
        open and has a deadline; judged when its clock stopped if it is paused."""
        if case.deadline is None or not case.state.is_open:
            return DeadlineStatus.NONE
        return self.status(now, case.filed_at, case.deadline, case.paused_since)

    def minutes_left(self, now: dt.datetime, case: CaseClock) -> int | None:
        """Working minutes left (negative: overdue) on the case's paused or running clock."""
        if case.deadline is None or not case.state.is_open:
            return None
        return time_left_minutes(now, case.deadline, self.calendar, paused_since=case.paused_since)
