"""Deadline state of a case: on time, near due (amber) or overdue (red), and the time left.

With a working calendar (``commandcenter.workcalendar.WorkingCalendar``) the time left and the
limit are counted in working time: a case due Monday 10:00 is not "nearly due" on Saturday just
because few wall-clock hours remain. Without one, wall-clock time is used (as before).

- Overdue: ``now`` is at or after the deadline (a wall-clock comparison in both modes).
- Near due (amber): the time left is at most ``warn_share`` of the limit, the limit being the time
  from ``started`` (filing) to the deadline, so an extension widens it. ``warn_share`` is the
  setting "warn_share" (0 < x < 1, default 0.25): ``load_warn_share``.
- A paused clock (extension request or suspension pending, ``Case.paused_since``) is judged as
  of the moment it stopped.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from commandcenter.errors import CommandCenterError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from commandcenter.workcalendar import WorkingCalendar

log = logging.getLogger(__name__)

WARN_SHARE = 0.25  # amber when less than this share of the time limit is left
WARN_SHARE_SETTING = "warn_share"


class DeadlineStatus(StrEnum):
    NONE = "none"  # no deadline (not filed yet, or closed)
    ON_TIME = "on_time"
    NEAR_DUE = "near_due"
    OVERDUE = "overdue"


class InvalidWarnShare(CommandCenterError, ValueError):
    """A warning share outside 0 < x < 1."""


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
    if paused_since is not None and paused_since < now:
        now = paused_since
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
    if paused_since is not None and paused_since < now:
        now = paused_since
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
        from commandcenter.workcalendar import WorkingCalendar

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
