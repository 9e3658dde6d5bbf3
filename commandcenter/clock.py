"""The centers' "now": naive Beijing wall-clock time, as the schema stores times.

A machine set to UTC (a server, a container) still computes deadlines in Beijing time. China
keeps one zone with no daylight saving, so a fixed UTC+8 stands in when the machine has no
time-zone database.

Code that judges time takes a :class:`Clock` (a backend holds one and hands it on): tests give
a :class:`ManualClock` instead of patching ``now`` in every module. ``now()`` and ``today()``
are the system clock, for the command line and defaults.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

try:
    from zoneinfo import ZoneInfo

    BEIJING: dt.tzinfo = ZoneInfo("Asia/Shanghai")
except Exception:  # no tz database (e.g. Windows without the tzdata package)
    BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    """The wall clock in Beijing, to the second."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)


class ManualClock:
    """A clock that stands still until told to move (tests, benchmarks, replays).

    Thread-safe: workers read it while a test moves it on."""

    def __init__(self, moment: dt.datetime):
        self._moment = moment
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._moment

    def set(self, moment: dt.datetime) -> None:
        with self._lock:
            self._moment = moment

    def advance(self, **delta: float) -> dt.datetime:
        """Move on by ``dt.timedelta(**delta)``; returns the new now."""
        with self._lock:
            self._moment += dt.timedelta(**delta)
            return self._moment


SYSTEM = SystemClock()


def now() -> dt.datetime:
    return SYSTEM.now()


def today() -> dt.date:
    return now().date()
