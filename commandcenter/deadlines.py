"""Deadline state of a case: on time, near due (amber) or overdue (red).

Wall-clock arithmetic for now; the working-time calendar replaces it behind the same functions.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

WARN_SHARE = 0.25  # amber when less than this share of the time limit is left


class DeadlineStatus(StrEnum):
    NONE = "none"  # no deadline (not filed yet, or closed)
    ON_TIME = "on_time"
    NEAR_DUE = "near_due"
    OVERDUE = "overdue"


def deadline_status(
    now: dt.datetime,
    started: dt.datetime | None,
    deadline: dt.datetime | None,
    warn_share: float = WARN_SHARE,
) -> DeadlineStatus:
    if deadline is None:
        return DeadlineStatus.NONE
    if now >= deadline:
        return DeadlineStatus.OVERDUE
    if (
        started is not None
        and deadline > started
        and (deadline - now) <= (deadline - started) * warn_share
    ):
        return DeadlineStatus.NEAR_DUE
    return DeadlineStatus.ON_TIME


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same time of day ``days`` working days later, skipping Saturdays and Sundays."""
    current = start
    while days > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
