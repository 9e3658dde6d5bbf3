"""The sane limits of what a person types into a step, a report or a search, in one place.

Every number a step takes (an extension's days and hours, a supervision order's hours, the
resident's rating) passes ``bounded``: a value that is not a number, not finite (NaN, ±inf) or
outside its limits is refused with a ``TransitionRefused`` naming the limit (reason "input"),
never a raw error and never stored. Search texts are cut to ``MAX_SEARCH_CHARS``.
"""

from __future__ import annotations

import math
import numbers

from commandcenter.errors import TransitionRefused

# An extension (延期) asks for at most a month of working days, or ten working days in hours.
EXTENSION_DAYS = (0, 30)
EXTENSION_HOURS = (0, 240)
# A supervision order's (督办) time limit: half an hour to a month.
SUPERVISION_HOURS = (0.5, 720)
# The resident's follow-up rating (回访满意度).
RATING = (1, 5)
# Coordinates: WGS-84 degrees (a point must also be in China and in its grid: the engine).
LONGITUDE = (-180, 180)
LATITUDE = (-90, 90)

# A search box's text: longer texts are cut (no name, address or code is longer).
MAX_SEARCH_CHARS = 100


def bounded(value, what: str, limits: tuple[float, float], *, integer: bool = False):
    """``value`` as a number within ``limits`` (inclusive), or ``TransitionRefused`` naming
    them. ``integer``: a whole number (1.0 is 1; 1.5 is refused)."""
    low, high = limits
    kind = "a whole number" if integer else "a number"
    message = f"{what} must be {kind} between {low} and {high}; nothing was changed."
    if isinstance(value, bool):
        raise TransitionRefused(message, "input")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise TransitionRefused(message, "input") from None
    if not isinstance(value, numbers.Real):
        raise TransitionRefused(message, "input")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        raise TransitionRefused(message, "input")
    if integer:
        if value != int(value):
            raise TransitionRefused(message, "input")
        return int(value)
    return value


def search_text(text: str | None) -> str:
    """A search text cut to ``MAX_SEARCH_CHARS`` characters."""
    return (text or "")[:MAX_SEARCH_CHARS]
