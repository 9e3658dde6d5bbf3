"""What a video wall shows, without Qt: layouts, which stream a tile plays, tours.

- ``LAYOUTS``: the tile arrangements the wall offers (1, 4, 9, 16, 25 equal tiles, and one big
  tile with 5 or 7 small ones), as cells of a square grid.
- ``choose_stream``: the sub stream in small tiles, the main stream in a large or maximised
  tile, unless the officer chose one for that tile.
- Tours (轮巡): named groups of cameras cycled page by page with a dwell time, stored in the
  installation's settings so every console of the center shares them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.domain.enums import Role
from commandcenter.errors import PermissionDenied
from commandcenter.storage.models import Camera, Setting

__all__ = [
    "DEFAULT_LAYOUT",
    "LAYOUTS",
    "MAIN_STREAM_MIN_HEIGHT",
    "Cell",
    "StreamChoice",
    "Tour",
    "TourProblem",
    "choose_stream",
    "load_tours",
    "save_tours",
    "tour_pages",
]


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    rows: int = 1
    columns: int = 1


def _equal(n: int) -> tuple[int, tuple[Cell, ...]]:
    return n, tuple(Cell(r, c) for r in range(n) for c in range(n))


def _big_and_small(n: int) -> tuple[int, tuple[Cell, ...]]:
    """One tile of (n-1)x(n-1) in the top left corner, small tiles down the right side and
    along the bottom."""
    big = Cell(0, 0, n - 1, n - 1)
    right = [Cell(r, n - 1) for r in range(n - 1)]
    bottom = [Cell(n - 1, c) for c in range(n)]
    return n, (big, *right, *bottom)


# name -> (grid side, cells in reading order: the first cell is the main one)
LAYOUTS: dict[str, tuple[int, tuple[Cell, ...]]] = {
    "1": _equal(1),
    "4": _equal(2),
    "9": _equal(3),
    "16": _equal(4),
    "25": _equal(5),
    "1+5": _big_and_small(3),
    "1+7": _big_and_small(4),
}
DEFAULT_LAYOUT = "9"

# A tile at least this many pixels high shows the main stream (a 1080p or 720p picture); a
# sub stream (typically 640x360 or 704x576) would be scaled up there and look soft.
MAIN_STREAM_MIN_HEIGHT = 540


class StreamChoice(enum.StrEnum):
    AUTO = "auto"
    MAIN = "main"
    SUB = "sub"


def choose_stream(
    tile_height_px: int, has_sub: bool, choice: StreamChoice = StreamChoice.AUTO
) -> str:
    """ "main" or "sub" for a tile of this height (device pixels)."""
    if not has_sub:
        return "main"
    if choice is StreamChoice.MAIN:
        return "main"
    if choice is StreamChoice.SUB:
        return "sub"
    return "main" if tile_height_px >= MAIN_STREAM_MIN_HEIGHT else "sub"


# --- tours ------------------------------------------------------------------------------------

TOURS_KEY = "video_tours"
MIN_DWELL_S, MAX_DWELL_S = 5, 600
TOUR_EDITORS = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR, Role.DUTY_OFFICER})


@dataclass(frozen=True)
class Tour:
    name: str
    camera_ids: tuple[int, ...]
    dwell_s: int = 15

    def as_json(self) -> dict:
        return {"name": self.name, "cameras": list(self.camera_ids), "dwell_s": self.dwell_s}

    @classmethod
    def from_json(cls, value: dict) -> Tour:
        return cls(
            str(value["name"]),
            tuple(int(i) for i in value.get("cameras", ())),
            int(value.get("dwell_s", 15)),
        )


class TourProblem(ValueError):
    """A tour that cannot be saved; the message says why, in the user's terms."""


def tour_pages(camera_ids: Sequence[int], per_page: int) -> list[tuple[int, ...]]:
    """The pages a tour shows on a wall of ``per_page`` tiles (at least one, maybe empty)."""
    per_page = max(1, per_page)
    count = max(1, math.ceil(len(camera_ids) / per_page))
    return [tuple(camera_ids[i * per_page : (i + 1) * per_page]) for i in range(count)]


def load_tours(session: Session, actor: Actor | None = None) -> list[Tour]:
    """The center's tours; with an actor, each keeps only the cameras the actor may see."""
    value = session.get(Setting, TOURS_KEY)
    tours = [Tour.from_json(v) for v in (value.value if value is not None else [])]
    if actor is None:
        return tours
    visible = set(
        session.scalars(
            select(Camera.id).where(Camera.center_id.in_(actor.jurisdiction_center_ids))
        )
    )
    return [Tour(t.name, tuple(i for i in t.camera_ids if i in visible), t.dwell_s) for t in tours]


def save_tours(session: Session, actor: Actor, tours: Sequence[Tour]) -> None:
    """Replace the tours. Checked here: the role, names, dwell times and that every camera
    exists and lies in the actor's jurisdiction."""
    if actor.role not in TOUR_EDITORS:
        raise PermissionDenied("Only duty officers, supervisors and administrators edit tours.")
    names = [t.name.strip() for t in tours]
    if any(not n for n in names):
        raise TourProblem("Every tour needs a name.")
    if len(set(names)) != len(names):
        raise TourProblem("Two tours have the same name.")
    wanted = {i for t in tours for i in t.camera_ids}
    allowed = set(
        session.scalars(
            select(Camera.id).where(
                Camera.id.in_(wanted), Camera.center_id.in_(actor.jurisdiction_center_ids)
            )
        )
    )
    for tour in tours:
        if not MIN_DWELL_S <= tour.dwell_s <= MAX_DWELL_S:
            raise TourProblem(
                f"Tour {tour.name}: the dwell time must be {MIN_DWELL_S} to {MAX_DWELL_S} s."
            )
        if not tour.camera_ids:
            raise TourProblem(f"Tour {tour.name} has no cameras.")
        unknown = [i for i in tour.camera_ids if i not in allowed]
        if unknown:
            raise TourProblem(
                f"Tour {tour.name}: {len(unknown)} camera(s) unknown or outside your jurisdiction."
            )
    stored = [Tour(n, t.camera_ids, t.dwell_s).as_json() for n, t in zip(names, tours, strict=True)]
    setting = session.get(Setting, TOURS_KEY)
    if setting is None:
        session.add(Setting(key=TOURS_KEY, value=stored))
    else:
        setting.value = stored
    session.flush()
