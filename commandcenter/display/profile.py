"""The wall profile: what the center's video-wall display shows, page by page.

A profile is a file the center edits (JSON, or TOML by its ``.toml`` suffix); without one the
built-in ``DEFAULT_PROFILE`` is used. It holds pages that rotate on a timer; each page is a grid
of ``rows`` × ``columns`` cells on which panels sit (``row``, ``col``, ``row_span``,
``col_span``). Panel kinds: ``map`` (the grid map), ``board`` (counts per stage and the overdue
cases), ``kpi`` (today's and this month's figures), ``ticker`` (overdue and 督办 cases, one at a
time), ``clock`` (time and date) and ``video`` (camera tiles with their own ``layout`` and an
optional ``tour``).

Errors name the field: ``pages[1].panels[0].kind: 'mapp' is not one of map, board, kpi,
ticker, clock, video``.

Type size (``type_size_px``): the body text's em is ``viewing_distance_m`` / ``READING_RATIO``
(at 5 m: 25 mm), turned into pixels with the screen's pixel density (its pixel height over its
physical height in mm, from the screen or the profile's ``screen_height_mm``), and kept within
``MIN_TYPE_PX`` … ``MAX_TYPE_PX``.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commandcenter.errors import CommandCenterError
from commandcenter.video.wall import DEFAULT_LAYOUT, LAYOUTS

KINDS = ("map", "board", "kpi", "ticker", "clock", "video")
READING_RATIO = 200.0  # the em is the viewing distance / 200 (5 m → 25 mm)
MIN_TYPE_PX = 14
MAX_TYPE_PX = 160
MIN_PAGE_SECONDS = 5
MAX_GRID = 24  # rows or columns of a page


class ProfileError(CommandCenterError, ValueError):
    """A wall profile that cannot be used; the message names the field."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


@dataclass(frozen=True)
class Panel:
    kind: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    title: str = ""
    layout: str = DEFAULT_LAYOUT  # video: the tile layout
    tour: str = ""  # video: a saved tour's name ("" = every camera, page by page)
    dwell_seconds: int = 15  # video without a tour: seconds per page of cameras


@dataclass(frozen=True)
class Page:
    name: str
    seconds: int
    rows: int
    columns: int
    panels: tuple[Panel, ...]


@dataclass(frozen=True)
class Profile:
    title: str = "网格化服务管理指挥中心"
    viewing_distance_m: float = 5.0
    pause_after_input_s: int = 60  # rotation pauses this long after a mouse move or a key
    screen_height_mm: float | None = None  # overrides the screen's own physical size
    pages: tuple[Page, ...] = field(default_factory=tuple)

    def type_size_px(self, pixel_height: int, physical_height_mm: float | None) -> int:
        return type_size_px(
            self.viewing_distance_m, pixel_height, self.screen_height_mm or physical_height_mm
        )


def type_size_px(distance_m: float, pixel_height: int, physical_height_mm: float | None) -> int:
    """The body text's pixel size for a reader ``distance_m`` away from a screen ``pixel_height``
    pixels and ``physical_height_mm`` high (an unknown size counts as 96 dpi)."""
    em_mm = distance_m * 1000.0 / READING_RATIO
    if physical_height_mm and physical_height_mm > 0 and pixel_height > 0:
        px_per_mm = pixel_height / physical_height_mm
    else:
        px_per_mm = 96 / 25.4
    return int(min(MAX_TYPE_PX, max(MIN_TYPE_PX, round(em_mm * px_per_mm))))


DEFAULT_PROFILE: dict[str, Any] = {
    "title": "网格化服务管理指挥中心",
    "viewing_distance_m": 5,
    "pause_after_input_s": 60,
    "pages": [
        {
            "name": "总览",
            "seconds": 60,
            "rows": 6,
            "columns": 12,
            "panels": [
                {"kind": "map", "row": 0, "col": 0, "row_span": 6, "col_span": 6},
                {"kind": "clock", "row": 0, "col": 6, "col_span": 3},
                {"kind": "kpi", "row": 0, "col": 9, "row_span": 3, "col_span": 3},
                {"kind": "board", "row": 1, "col": 6, "row_span": 4, "col_span": 3},
                {"kind": "video", "row": 3, "col": 9, "row_span": 2, "col_span": 3,
                 "layout": "4"},
                {"kind": "ticker", "row": 5, "col": 6, "col_span": 6},
            ],
        },
        {
            "name": "视频",
            "seconds": 60,
            "rows": 6,
            "columns": 12,
            "panels": [
                {"kind": "video", "row": 0, "col": 0, "row_span": 5, "col_span": 8,
                 "layout": "9", "dwell_seconds": 20},
                {"kind": "clock", "row": 0, "col": 8, "col_span": 4},
                {"kind": "kpi", "row": 1, "col": 8, "row_span": 4, "col_span": 4},
                {"kind": "ticker", "row": 5, "col": 0, "col_span": 12},
            ],
        },
    ],
}  # fmt: skip


# --- reading -------------------------------------------------------------------------------------


def load_profile(path: str | Path | None) -> Profile:
    """The profile in a file (``.toml`` as TOML, else JSON), or the built-in default."""
    if path is None:
        return parse_profile(DEFAULT_PROFILE)
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ProfileError(str(path), f"is not valid {_format(path)} ({exc})") from exc
    return parse_profile(data)


def _format(path: Path) -> str:
    return "TOML" if path.suffix.lower() == ".toml" else "JSON"


def parse_profile(data: Any) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError("profile", "must be a table (an object) with pages")
    _no_unknown(data, "", {f for f in Profile.__dataclass_fields__})
    title = _text(data, "title", "", Profile.title)
    distance = _number(data, "viewing_distance_m", "", 5.0, low=0.5, high=100.0)
    pause = int(_number(data, "pause_after_input_s", "", 60, low=0, high=3600, integer=True))
    height = data.get("screen_height_mm")
    if height is not None:
        height = _number(data, "screen_height_mm", "", None, low=50.0, high=20_000.0)
    pages_data = data.get("pages")
    if not isinstance(pages_data, list) or not pages_data:
        raise ProfileError("pages", "must be a list of at least one page")
    pages = tuple(_page(p, f"pages[{i}]") for i, p in enumerate(pages_data))
    return Profile(title, float(distance), pause, height, pages)


def _page(data: Any, where: str) -> Page:
    if not isinstance(data, dict):
        raise ProfileError(where, "must be a table (an object)")
    _no_unknown(data, where, {f for f in Page.__dataclass_fields__})
    name = _text(data, "name", where, "")
    seconds = _number(data, "seconds", where, 60, low=MIN_PAGE_SECONDS, high=86_400, integer=True)
    rows = _number(data, "rows", where, 6, low=1, high=MAX_GRID, integer=True)
    columns = _number(data, "columns", where, 12, low=1, high=MAX_GRID, integer=True)
    panels_data = data.get("panels")
    if not isinstance(panels_data, list) or not panels_data:
        raise ProfileError(f"{where}.panels", "must be a list of at least one panel")
    panels = tuple(
        _panel(p, f"{where}.panels[{i}]", rows, columns) for i, p in enumerate(panels_data)
    )
    taken: dict[tuple[int, int], int] = {}
    for i, panel in enumerate(panels):
        for r in range(panel.row, panel.row + panel.row_span):
            for c in range(panel.col, panel.col + panel.col_span):
                if (r, c) in taken:
                    raise ProfileError(
                        f"{where}.panels[{i}]",
                        f"overlaps panels[{taken[(r, c)]}] at row {r}, col {c}",
                    )
                taken[(r, c)] = i
    return Page(name or str(len(panels)), int(seconds), int(rows), int(columns), panels)


def _panel(data: Any, where: str, rows: int, columns: int) -> Panel:
    if not isinstance(data, dict):
        raise ProfileError(where, "must be a table (an object)")
    _no_unknown(data, where, {f for f in Panel.__dataclass_fields__})
    kind = data.get("kind")
    if kind not in KINDS:
        raise ProfileError(f"{where}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    row = _number(data, "row", where, None, low=0, high=rows - 1, integer=True)
    col = _number(data, "col", where, None, low=0, high=columns - 1, integer=True)
    row_span = _number(data, "row_span", where, 1, low=1, high=rows - row, integer=True)
    col_span = _number(data, "col_span", where, 1, low=1, high=columns - col, integer=True)
    title = _text(data, "title", where, "")
    layout = _text(data, "layout", where, DEFAULT_LAYOUT)
    if layout not in LAYOUTS:
        raise ProfileError(f"{where}.layout", f"{layout!r} is not one of {', '.join(LAYOUTS)}")
    tour = _text(data, "tour", where, "")
    dwell = _number(data, "dwell_seconds", where, 15, low=MIN_PAGE_SECONDS, high=3600, integer=True)
    if kind != "video" and ({"layout", "tour", "dwell_seconds"} & data.keys()):
        name = sorted({"layout", "tour", "dwell_seconds"} & data.keys())[0]
        raise ProfileError(f"{where}.{name}", "only a video panel takes it")
    return Panel(
        kind, int(row), int(col), int(row_span), int(col_span), title, layout, tour, int(dwell)
    )


def _no_unknown(data: dict, where: str, known: set[str]) -> None:
    for key in data:
        if key not in known:
            path = f"{where}.{key}" if where else str(key)
            raise ProfileError(path, f"unknown field (known: {', '.join(sorted(known))})")


def _text(data: dict, key: str, where: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProfileError(_at(where, key), f"must be text, not {value!r}")
    return value


def _number(data: dict, key: str, where: str, default, *, low, high, integer: bool = False):
    value = data.get(key, default)
    path = _at(where, key)
    if value is None:
        raise ProfileError(path, "is missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(path, f"must be a number, not {value!r}")
    if integer and value != int(value):
        raise ProfileError(path, f"must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ProfileError(path, f"{value!r} is not between {low} and {high}")
    return value


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
