"""Which screens the wall covers: chosen by name (it survives a reboot that renumbers them),
else by index; several screens make one window over the union of their rectangles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from commandcenter.errors import CommandCenterError


class Rect(NamedTuple):
    x: int
    y: int
    width: int
    height: int


class ScreenError(CommandCenterError, ValueError):
    """A --screen that names no connected screen."""


def choose_screens(wanted: Sequence[str], names: Sequence[str]) -> list[int]:
    """Indexes of the screens ``wanted`` (each a name, else an index) among ``names``;
    the first (primary) screen when none is wanted."""
    if not names:
        raise ScreenError("no screen is connected")
    if not wanted:
        return [0]
    chosen: list[int] = []
    for item in wanted:
        if item in names:
            index = list(names).index(item)
        elif item.isdigit() and int(item) < len(names):
            index = int(item)
        else:
            known = ", ".join(f"{i}: {n}" for i, n in enumerate(names))
            raise ScreenError(f"--screen {item!r} is neither the name nor the index of a "
                              f"screen (connected: {known})")  # fmt: skip
        if index not in chosen:
            chosen.append(index)
    return chosen


def union(rects: Sequence[Rect]) -> Rect:
    """The smallest rectangle holding all of ``rects`` (screens side by side or stacked)."""
    if not rects:
        raise ValueError("no rectangle")
    left = min(r.x for r in rects)
    top = min(r.y for r in rects)
    right = max(r.x + r.width for r in rects)
    bottom = max(r.y + r.height for r in rects)
    return Rect(left, top, right - left, bottom - top)
