"""Where the console's start goes (``bench/startup.py``): marks on the wall clock, written as
JSON when the first map is painted, only when ``$COMMANDCENTER_STARTUP_TRACE`` names a file.

With the trace on, a demo database logs its ``--user`` in without the dialog (a person's typing
is not the console's start) and the console quits after the first paint.
"""

from __future__ import annotations

import json
import os
import time

TRACE_ENV = "COMMANDCENTER_STARTUP_TRACE"
_marks: list[tuple[str, float]] = []


def enabled() -> bool:
    return bool(os.environ.get(TRACE_ENV))


def mark(name: str) -> None:
    if enabled():
        _marks.append((name, time.time()))


def finish() -> None:
    """The first map is on screen: write the marks."""
    if enabled():
        mark("first_paint")
        with open(os.environ[TRACE_ENV], "w", encoding="utf-8") as out:
            json.dump(_marks, out)
