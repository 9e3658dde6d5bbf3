"""Offline raster basemap tiles: tile math, MBTiles and XYZ-folder sources, GCJ-02 placement.

Command centers often have no Internet, so the basemap comes from files prepared beforehand:
an MBTiles database or a folder of ``{z}/{x}/{y}.png`` tiles, both in the usual "slippy"
scheme (256-pixel tiles, Web Mercator, tile ``(0, 0)`` at the north-west corner). This module
only finds and reads tiles as encoded bytes; decoding and painting are the widget's job, so
the core stays free of Qt and a worker thread can fetch while the GUI thread paints.

Chinese basemaps are nearly always drawn in GCJ-02 while our geometry is WGS-84:
:func:`gcj02_shift` and :func:`tile_placement` move such tiles onto the WGS-84 frame.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from .gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from .mapdata import ORIGIN_SHIFT, lonlat_to_mercator, mercator_to_lonlat, metres_per_pixel

__all__ = [
    "MAX_VIEW_TILES",
    "TILE_SIZE",
    "MBTilesSource",
    "TileCache",
    "TileSource",
    "TileSourceError",
    "XYZFolderSource",
    "gcj02_shift",
    "open_tile_source",
    "tile_bounds",
    "tile_containing",
    "tile_placement",
    "tiles_for_view",
    "zoom_for_resolution",
]

TILE_SIZE = 256  # pixels
# Most tiles one view may ask for: a 3840x2160 view needs at most about 300 (measured 299 with
# tiles up to 1.41 times finer than the screen), so only a view far coarser than the source's
# minimum zoom reaches it.
MAX_VIEW_TILES = 400
MAX_ZOOM = 30  # 2^30 tiles a side: beyond any real source, keeps indices sane
# Tile file extensions of an XYZ folder, in the order tried.
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")
SQLITE_HEADER = b"SQLite format 3\x00"

Bounds = tuple[float, float, float, float]


class TileSourceError(ValueError):
    """A tile file or folder that cannot be used; the message names it and says why."""


# --------------------------------------------------------------------------- tile math


def _tile_span(z: int) -> float:
    return 2 * ORIGIN_SHIFT / 2**z


def tile_bounds(z: int, x: int, y: int) -> Bounds:
    """``(min_x, min_y, max_x, max_y)`` of XYZ tile ``(z, x, y)`` in Web Mercator metres."""
    n = 2**z
    if not (0 <= z <= MAX_ZOOM and 0 <= x < n and 0 <= y < n):
        raise ValueError(f"no tile ({z}, {x}, {y}): x and y must be in 0..{n - 1}")
    span = _tile_span(z)
    min_x = -ORIGIN_SHIFT + x * span
    max_y = ORIGIN_SHIFT - y * span
    return min_x, max_y - span, min_x + span, max_y


def tile_containing(z: int, mx: float, my: float) -> tuple[int, int]:
    """The ``(x, y)`` of the zoom-``z`` tile holding mercator point ``(mx, my)``.

    Points on or beyond the world's edge go to the edge tile, so the answer is always valid.
    """
    n = 2**z
    span = _tile_span(z)
    x = math.floor((mx + ORIGIN_SHIFT) / span)
    y = math.floor((ORIGIN_SHIFT - my) / span)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def zoom_for_resolution(resolution: float, min_zoom: int, max_zoom: int) -> int:
    """Integer zoom whose tiles are closest in scale to ``resolution`` (metres per pixel).

    Rounded on a log scale, so tiles are at most sqrt(2) ~ 1.41 times coarser than the view
    (never blurry by more than that) or 1.41 times finer; then clamped to the source's range.
    """
    if not (math.isfinite(resolution) and resolution > 0):
        raise ValueError(f"metres per pixel must be a positive number, not {resolution!r}")
    if min_zoom > max_zoom:
        raise ValueError(f"min_zoom {min_zoom} is above max_zoom {max_zoom}")
    exact = math.log2(metres_per_pixel(0) / resolution)
    zoom = math.floor(exact + 0.5)
    return min(max(zoom, min_zoom), max_zoom)


def _tile_ranges(bbox: Bounds, z: int) -> tuple[range, range]:
    """Columns and rows of the zoom-``z`` tiles overlapping ``bbox`` (empty off the world)."""
    min_x, min_y, max_x, max_y = bbox
    n = 2**z
    span = _tile_span(z)
    if max_x < -ORIGIN_SHIFT or min_x > ORIGIN_SHIFT or max_y < -ORIGIN_SHIFT:
        return range(0), range(0)
    if min_y > ORIGIN_SHIFT:
        return range(0), range(0)
    x0 = math.floor((min_x + ORIGIN_SHIFT) / span)
    # A bbox edge exactly on a tile edge does not take in the next tile; a degenerate bbox
    # (a line or a point) still takes the tile it lies in.
    x1 = max(math.ceil((max_x + ORIGIN_SHIFT) / span) - 1, x0)
    y0 = math.floor((ORIGIN_SHIFT - max_y) / span)
    y1 = max(math.ceil((ORIGIN_SHIFT - min_y) / span) - 1, y0)
    x0, x1 = max(x0, 0), min(x1, n - 1)
    y0, y1 = max(y0, 0), min(y1, n - 1)
    return range(x0, x1 + 1), range(y0, y1 + 1)


def tiles_for_view(
    bbox_mercator: Bounds,
    metres_per_pixel: float,
    min_zoom: int,
    max_zoom: int,
    max_tiles: int = MAX_VIEW_TILES,
) -> tuple[int, list[tuple[int, int]]]:
    """The zoom and the ``(x, y)`` tiles a painter needs to cover a view, centre first.

    The zoom is :func:`zoom_for_resolution`. If covering the view would take more than
    ``max_tiles`` tiles, coarser zooms are tried down to ``min_zoom``; if even that is too many
    (a whole-country view of a city-only source), only the ``max_tiles`` tiles nearest the
    view's centre are returned, so a huge view never asks for thousands of tiles.
    """
    if max_tiles < 1:
        raise ValueError(f"max_tiles must be at least 1, not {max_tiles}")
    zoom = zoom_for_resolution(metres_per_pixel, min_zoom, max_zoom)
    xs, ys = _tile_ranges(bbox_mercator, zoom)
    while len(xs) * len(ys) > max_tiles and zoom > min_zoom:
        zoom -= 1
        xs, ys = _tile_ranges(bbox_mercator, zoom)
    cx = (bbox_mercator[0] + bbox_mercator[2]) / 2
    cy = (bbox_mercator[1] + bbox_mercator[3]) / 2
    span = _tile_span(zoom)
    # Centre of tile (x, y) is at index x + 0.5 from the west edge, y + 0.5 from the north one.
    fx = (cx + ORIGIN_SHIFT) / span - 0.5
    fy = (ORIGIN_SHIFT - cy) / span - 0.5
    tiles = [(x, y) for y in ys for x in xs]
    tiles.sort(key=lambda t: ((t[0] - fx) ** 2 + (t[1] - fy) ** 2, t[1], t[0]))
    return zoom, tiles[:max_tiles]


# --------------------------------------------------------------------------- GCJ-02 placement


def gcj02_shift(lon: float, lat: float) -> tuple[float, float]:
    """Where GCJ-02 puts WGS-84 point ``(lon, lat)``, minus where it is: (dx, dy) mercator m.

    A GCJ-02 tile shows that point ``(dx, dy)`` away from its true position, so a painter
    moves the tile by ``(-dx, -dy)``. In Taizhou, Jiangsu it is about (528, -293) m. Outside
    China (the gcj02 module's box) the shift is zero.
    """
    gx, gy = lonlat_to_mercator(*wgs84_to_gcj02(lon, lat))
    wx, wy = lonlat_to_mercator(lon, lat)
    return float(gx - wx), float(gy - wy)


def tile_placement(
    z: int,
    x: int,
    y: int,
    source_gcj02: bool,
    view_centre_lonlat: tuple[float, float] | None,
) -> Bounds:
    """Where to draw tile ``(z, x, y)`` in the WGS-84 mercator frame the geometry uses.

    A WGS-84 source is drawn at :func:`tile_bounds`. A GCJ-02 one is moved by minus
    :func:`gcj02_shift` taken at ``view_centre_lonlat``: every tile of a view moves alike, so
    they stay seamless and the centre is exact. The GCJ-02 offset is deliberately irregular,
    though, so elsewhere in the view it is only roughly right. Measured: across a 20 km x 20 km
    view centred on Taizhou (119.92, 32.49) the shift differs from its centre value by up to
    44 mercator metres (37 m on the ground); for views centred anywhere within half a degree
    of there, 37 m typical, 63 m at worst. In pixels this hardly depends on zoom: up to 4.5 px
    at the corners of a 1920x1080 view from zoom 14 on (1.5 px at zoom 11, 3 px at 13).

    ``view_centre_lonlat=None`` shifts each tile by the offset at its own centre instead:
    measured within 0.6 px everywhere, at the cost of seams of up to 1.2 px between
    neighbouring tiles (draw tiles a pixel larger to hide them).
    """
    bounds = tile_bounds(z, x, y)
    if not source_gcj02:
        return bounds
    min_x, min_y, max_x, max_y = bounds
    if view_centre_lonlat is None:
        # The tile's centre is a GCJ-02 position: the shift is wanted at its WGS-84 origin.
        lon, lat = mercator_to_lonlat((min_x + max_x) / 2, (min_y + max_y) / 2)
        view_centre_lonlat = gcj02_to_wgs84(float(lon), float(lat))
    dx, dy = gcj02_shift(*view_centre_lonlat)
    return min_x - dx, min_y - dy, max_x - dx, max_y - dy


# --------------------------------------------------------------------------- sources


class TileSource(ABC):
    """Encoded raster tiles by XYZ index; thread-safe, so a worker thread can fetch them.

    ``gcj02`` says the tiles are drawn in GCJ-02 (most Chinese basemaps); the file cannot tell,
    so the user says so when adding the source.
    """

    name: str
    min_zoom: int
    max_zoom: int
    gcj02: bool

    @abstractmethod
    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """PNG/JPEG/WebP bytes of tile ``(z, x, y)``, or None when the source lacks it."""

    def close(self) -> None:  # noqa: B027 - a no-op for sources holding nothing open
        """Release the file; later :meth:`tile` calls return None."""

    def _in_range(self, z: int, x: int, y: int) -> bool:
        n = 2**z if 0 <= z <= MAX_ZOOM else 0
        return self.min_zoom <= z <= self.max_zoom and 0 <= x < n and 0 <= y < n

    def __enter__(self) -> TileSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        datum = "GCJ-02" if self.gcj02 else "WGS-84"
        return (
            f"{type(self).__name__}({self.name!r}, zoom {self.min_zoom}-{self.max_zoom}, {datum})"
        )


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class MBTilesSource(TileSource):
    """An MBTiles file: SQLite with ``tiles(zoom_level, tile_column, tile_row, tile_data)``.

    Rows are numbered TMS-style, from the south: ``tile_row = 2^z - 1 - y``. The connection
    is read-only (the basemap is never ours to change) and shared between threads behind a lock.
    """

    def __init__(self, path: str | Path, gcj02: bool = False) -> None:
        self.path = Path(path)
        self.gcj02 = bool(gcj02)
        self._lock = threading.Lock()
        self._check_file()
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            self._conn: sqlite3.Connection | None = sqlite3.connect(
                uri, uri=True, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise TileSourceError(f"cannot open MBTiles file {self.path}: {exc}") from exc
        try:
            self._read_header()
        except BaseException:
            self._conn.close()
            raise

    def _check_file(self) -> None:
        if not self.path.exists():
            raise TileSourceError(f"MBTiles file {self.path} does not exist")
        if not self.path.is_file():
            raise TileSourceError(f"{self.path} is not a file, so not an MBTiles file")
        try:
            with self.path.open("rb") as f:
                header = f.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise TileSourceError(f"cannot read MBTiles file {self.path}: {exc}") from exc
        if header != SQLITE_HEADER:
            raise TileSourceError(
                f"{self.path} is not an MBTiles file: not an SQLite database"
                + (" (the file is empty)" if not header else "")
            )

    def _read_header(self) -> None:
        assert self._conn is not None
        try:
            tables = dict(
                self._conn.execute(
                    "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"
                ).fetchall()
            )
            if "tiles" not in tables:
                raise TileSourceError(f"{self.path} is not an MBTiles file: it has no tiles table")
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(tiles)")}
            missing = {"zoom_level", "tile_column", "tile_row", "tile_data"} - columns
            if missing:
                raise TileSourceError(
                    f"the tiles table of {self.path} lacks column(s) {', '.join(sorted(missing))}"
                )
            metadata: dict[str, str] = {}
            if "metadata" in tables:
                metadata = {
                    str(k): v
                    for k, v in self._conn.execute("SELECT name, value FROM metadata")
                    if k is not None
                }
            min_zoom, max_zoom = _as_int(metadata.get("minzoom")), _as_int(metadata.get("maxzoom"))
            if min_zoom is None or max_zoom is None or min_zoom > max_zoom:
                min_zoom, max_zoom = self._conn.execute(
                    "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles"
                ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise TileSourceError(f"cannot read MBTiles file {self.path}: {exc}") from exc
        if min_zoom is None:
            raise TileSourceError(f"MBTiles file {self.path} has no tiles")
        fmt = str(metadata.get("format") or "").strip().lower() or None
        if fmt in ("pbf", "mvt"):
            raise TileSourceError(
                f"{self.path} holds vector tiles ({fmt}); only raster tiles can be drawn"
            )
        self.format = fmt
        self.name = str(metadata.get("name") or "").strip() or self.path.stem
        self.min_zoom = max(int(min_zoom), 0)
        self.max_zoom = min(int(max_zoom), MAX_ZOOM)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not self._in_range(z, x, y):
            return None
        with self._lock:
            if self._conn is None:
                return None
            try:
                row = self._conn.execute(
                    "SELECT tile_data FROM tiles"
                    " WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (z, x, 2**z - 1 - y),
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                raise TileSourceError(
                    f"cannot read tile {z}/{x}/{y} of {self.path}: {exc}"
                ) from exc
        if row is None or row[0] is None:
            return None
        return bytes(row[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class XYZFolderSource(TileSource):
    """A folder of ``{z}/{x}/{y}.png`` (or .jpg, .jpeg, .webp) tiles.

    ``tms=True`` reads folders numbered from the south, as gdal2tiles writes without ``--xyz``.
    """

    def __init__(self, path: str | Path, gcj02: bool = False, tms: bool = False) -> None:
        self.path = Path(path)
        self.gcj02 = bool(gcj02)
        self.tms = bool(tms)
        self._closed = False
        if not self.path.exists():
            raise TileSourceError(f"tile folder {self.path} does not exist")
        if not self.path.is_dir():
            raise TileSourceError(f"{self.path} is not a folder of {{z}}/{{x}}/{{y}} tiles")
        try:
            zooms = [
                int(child.name)
                for child in self.path.iterdir()
                if child.is_dir() and child.name.isdigit() and int(child.name) <= MAX_ZOOM
            ]
        except OSError as exc:
            raise TileSourceError(f"cannot list tile folder {self.path}: {exc}") from exc
        if not zooms:
            raise TileSourceError(
                f"tile folder {self.path} has no zoom folders: expected {{z}}/{{x}}/{{y}}.png"
            )
        self.name = self.path.name or str(self.path)
        self.min_zoom = min(zooms)
        self.max_zoom = max(zooms)
        self._extensions = IMAGE_EXTENSIONS

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if self._closed or not self._in_range(z, x, y):
            return None
        row = 2**z - 1 - y if self.tms else y
        stem = self.path / str(z) / str(x) / str(row)
        extensions = self._extensions
        for ext in extensions:
            try:
                data = stem.with_name(stem.name + ext).read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise TileSourceError(
                    f"cannot read tile {z}/{x}/{y} of {self.path}: {exc}"
                ) from exc
            if ext != extensions[0]:
                # Try the extension the folder actually uses first from now on.
                self._extensions = (ext, *(e for e in IMAGE_EXTENSIONS if e != ext))
            return data
        return None

    def close(self) -> None:
        self._closed = True


def open_tile_source(path: str | Path, gcj02: bool = False) -> TileSource:
    """An :class:`XYZFolderSource` for a folder, an :class:`MBTilesSource` for a file."""
    path = Path(path)
    if path.is_dir():
        return XYZFolderSource(path, gcj02=gcj02)
    if not path.exists():
        raise TileSourceError(f"basemap {path} does not exist (expected .mbtiles or a folder)")
    return MBTilesSource(path, gcj02=gcj02)


# --------------------------------------------------------------------------- cache


class TileCache:
    """Least-recently-used store of decoded tiles keyed by ``(z, x, y)``, at most ``max_tiles``.

    Bounded so that panning all day does not grow memory; generic so the core needs no Qt
    (the widget stores its images, or a marker for tiles known to be missing).
    """

    def __init__(self, max_tiles: int) -> None:
        if max_tiles < 1:
            raise ValueError(f"max_tiles must be at least 1, not {max_tiles}")
        self.max_tiles = max_tiles
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            try:
                self._items.move_to_end(key)
            except KeyError:
                return default
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Store ``value``, dropping the least recently used entries beyond the bound."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_tiles:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)
