"""The console's "now": naive Beijing wall-clock time, as the schema stores times.

A machine set to UTC (a server, a container) still shows and computes deadlines in Beijing
time. Falls back to the machine's local time when no time-zone database is available.
"""

from __future__ import annotations

import datetime as dt

try:
    from zoneinfo import ZoneInfo

    BEIJING = ZoneInfo("Asia/Shanghai")
except Exception:  # no tz database (e.g. Windows without the tzdata package)
    BEIJING = None


def now() -> dt.datetime:
    if BEIJING is None:
        return dt.datetime.now().replace(microsecond=0)
    return dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)
