"""An offline raster basemap under the grids: tiles from an MBTiles file or an XYZ folder named
in the settings (``map/basemap``; ``map/basemap_gcj02`` when the tiles are drawn in GCJ-02, as
most Chinese tiles are).

``Basemap.draw`` is called by the render worker: it reads and decodes tiles there (never in the
GUI thread) and keeps decoded tiles in a bounded cache. GCJ-02 tiles are moved onto our WGS-84
geometry tile by tile (``tile_placement`` with each tile's own offset: within a pixel), drawn a
pixel larger so the seams this leaves do not show.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QRectF, QSettings
from PySide6.QtGui import QImage, QPainter

from commandcenter.geo.tiles import (
    TileCache,
    TileSource,
    open_tile_source,
    tile_placement,
    tiles_for_view,
)
from commandcenter.geo.viewport import Viewport

log = logging.getLogger(__name__)

PATH_KEY = "map/basemap"
GCJ02_KEY = "map/basemap_gcj02"
CACHE_TILES = 768  # decoded 256-px tiles kept: about 200 MB at most, a few screens' worth


class Basemap:
    def __init__(self, source: TileSource):
        self.source = source
        self._cache = TileCache(CACHE_TILES)
        self._lock = threading.Lock()  # one reader of the source at a time

    @property
    def name(self) -> str:
        return self.source.name

    def _image(self, z: int, x: int, y: int) -> QImage | None:
        key = (z, x, y)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with self._lock:
            data = self.source.tile(z, x, y)
        if data is None:
            return None
        image = QImage.fromData(data)
        if image.isNull():
            log.warning("basemap tile %s of %s cannot be decoded", key, self.source.name)
            return None
        self._cache.put(key, image)
        return image

    def draw(self, painter: QPainter, view: Viewport) -> None:
        """Paint the tiles covering the view (worker thread)."""
        source = self.source
        zoom, tiles = tiles_for_view(
            view.bbox(), view.metres_per_pixel, source.min_zoom, source.max_zoom
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for x, y in tiles:
            image = self._image(zoom, x, y)
            if image is None:
                continue
            min_x, min_y, max_x, max_y = tile_placement(zoom, x, y, source.gcj02, None)
            left, top = view.to_screen(min_x, max_y)
            right, bottom = view.to_screen(max_x, min_y)
            painter.drawImage(QRectF(left, top, right - left + 1, bottom - top + 1), image)
        painter.restore()

    def close(self) -> None:
        with self._lock:
            self.source.close()


def saved_basemap() -> tuple[str, bool]:
    settings = QSettings()
    return str(settings.value(PATH_KEY, "") or ""), settings.value(GCJ02_KEY, False, type=bool)


def save_basemap(path: str, gcj02: bool) -> None:
    settings = QSettings()
    settings.setValue(PATH_KEY, path)
    settings.setValue(GCJ02_KEY, gcj02)


def open_basemap(path: str | Path, gcj02: bool) -> Basemap:
    """Open a tile source (runs in a worker: it reads the file). Raises TileSourceError with
    a readable message when the file or folder is not a tile set."""
    return Basemap(open_tile_source(path, gcj02=gcj02))
