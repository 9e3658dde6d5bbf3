"""The centers' "now": naive Beijing wall-clock time, as the schema stores times.

A machine set to UTC (a server, a container) still computes deadlines in Beijing time. China
keeps one zone with no daylight saving, so a fixed UTC+8 stands in when the machine has no
time-zone database.
"""

from __future__ import annotations

import datetime as dt

try:
    from zoneinfo import ZoneInfo

    BEIJING: dt.tzinfo = ZoneInfo("Asia/Shanghai")
except Exception:  # no tz database (e.g. Windows without the tzdata package)
    BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def now() -> dt.datetime:
    return dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()
