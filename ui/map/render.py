"""The map's base picture (basemap, grid fills, outlines, names) painted into an image.

``render_base`` is a plain function of an immutable :class:`BaseScene` and a viewport: it runs
in a worker thread (QPainter on a QImage is allowed there), so the GUI thread never paints
50,000 polygons; the widget shows the last image, moved or scaled, until the next one is ready.

Polygons are painted in batches: the visible ones come from ``MapLayer.visible`` as flat arrays,
are projected to pixels with numpy and go into one QPainterPath per colour class and chunk
(``ui.map.qpath.rings_path`` builds a path from arrays without a Python call per
vertex). Antialiased filling costs grow with a path's size, so fills are chunked and drawn
without antialiasing when polygons are a few pixels wide; outlines are always antialiased.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from commandcenter.geo.mapdata import MapLayer, VisibleGeometry, concatenated_ranges
from commandcenter.geo.viewport import Viewport
from ui.map.qpath import rings_path

CHUNK_POLYGONS = 250  # polygons per path when filling with antialiasing
ANTIALIAS_FILL_BELOW = 3000  # visible polygons; more are filled without antialiasing
GRID_OUTLINE_MIN_PX = 10.0  # a grid narrower than this on screen gets no outline of its own
GRID_NUMBER_MIN_PX = 34.0  # ...no number
GRID_NAME_MIN_PX = 220.0  # ...no name (its number instead)
UNIT_NAME_MIN_PX = 90.0  # a community narrower than this gets no name
LABEL_LIMIT = 600  # labels per picture: beyond that the map is too small to read them anyway

BACKGROUND = QColor("#0b1016")
NO_DATA = QColor("#1c232b")
GRID_OUTLINE = QColor("#46596d")
COMMUNITY_OUTLINE = QColor("#d6e6f5")
STREET_OUTLINE = QColor("#4db2ff")
GRID_LABEL = QColor("#a7b8ca")
UNIT_LABEL = QColor("#ffffff")
HALO = QColor(11, 16, 22, 235)


@dataclass(frozen=True)
class GridLabels:
    numbers: tuple[str, ...]  # per grid, in layer order
    names: tuple[str, ...]


@dataclass(frozen=True)
class BaseScene:
    """Everything the base picture shows; replaced as a whole when something changes."""

    grids: MapLayer | None = None
    grid_classes: np.ndarray | None = None  # class per grid (layer order); -1 no data
    palette: tuple[QColor, ...] = ()  # colour per class
    grid_labels: GridLabels | None = None
    communities: MapLayer | None = None
    community_names: tuple[str, ...] = ()
    streets: MapLayer | None = None  # outlines of streets/townships (and the county)
    show_labels: bool = True
    fill_alpha: int = 255  # below 255 when a basemap shows through
    # Draws the basemap under everything: (painter, viewport) -> None. Thread-safe.
    basemap: Callable[[QPainter, Viewport], None] | None = field(default=None, compare=False)
    font: QFont = field(default_factory=QFont, compare=False)


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def polygon_paths(
    sx: np.ndarray,
    sy: np.ndarray,
    geometry: VisibleGeometry,
    chosen: np.ndarray | None = None,
    chunk: int | None = None,
) -> list[QPainterPath]:
    """Paths for some visible polygons (indices into ``geometry.ids``; all when None), with
    ``chunk`` polygons per path (one path when None). ``sx, sy``: the coordinates in pixels."""
    ring_offsets, polygon_offsets = geometry.ring_offsets, geometry.polygon_offsets
    count = len(polygon_offsets) - 1
    if chosen is None:
        chosen = np.arange(count)
    if len(chosen) == 0:
        return []
    coord_start = ring_offsets[polygon_offsets[chosen]]
    coord_end = ring_offsets[polygon_offsets[chosen + 1]]
    index = concatenated_ranges(coord_start, coord_end)
    # connect[i] = 0 ends a ring: the last point of every ring of the chosen polygons.
    ring_first = polygon_offsets[chosen]
    ring_last = polygon_offsets[chosen + 1]
    ring_ends = ring_offsets[concatenated_ranges(ring_first, ring_last) + 1] - 1
    connect = np.ones(len(sx), dtype=np.int32)
    connect[ring_ends] = 0
    x, y, c = sx[index], sy[index], connect[index]
    sizes = coord_end - coord_start
    step = chunk or len(chosen)
    bounds = np.concatenate([[0], np.cumsum(sizes)[step - 1 :: step]])
    if bounds[-1] != len(index):
        bounds = np.append(bounds, len(index))
    paths = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        path = rings_path(x[a:b], y[a:b], c[a:b], Qt.FillRule.OddEvenFill)  # holes stay holes
        paths.append(path)
    return paths


def _project(view: Viewport, geometry: VisibleGeometry) -> tuple[np.ndarray, np.ndarray]:
    coords = geometry.coords
    return view.to_screen(coords[:, 0], coords[:, 1]) if len(coords) else (np.empty(0),) * 2


def _typical_width_px(layer: MapLayer, indices: np.ndarray, view: Viewport) -> float:
    """Median on-screen width of some polygons of a layer."""
    if len(indices) == 0:
        return 0.0
    bounds = layer.bounds[indices]
    return float(np.median(bounds[:, 2] - bounds[:, 0])) / view.metres_per_pixel


def render_base(scene: BaseScene, view: Viewport) -> QImage:
    """The base picture of ``view``. Thread-safe: touches no widget."""
    # Opaque: the frame copies it instead of blending it (half the cost of a frame's pixels).
    image = QImage(view.width, view.height, QImage.Format.Format_RGB32)
    image.fill(BACKGROUND)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if scene.basemap is not None:
            scene.basemap(painter, view)
        bbox = view.bbox()
        grid_geometry = None
        if scene.grids is not None and len(scene.grids):
            grid_geometry = scene.grids.visible(bbox, view.metres_per_pixel)
            _paint_grids(painter, scene, view, grid_geometry)
        for layer, colour, width in (
            (scene.communities, COMMUNITY_OUTLINE, 2.4),
            (scene.streets, STREET_OUTLINE, 3.4),
        ):
            if layer is not None and len(layer):
                geometry = layer.visible(bbox, view.metres_per_pixel)
                sx, sy = _project(view, geometry)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(_pen(colour, width))
                for path in polygon_paths(sx, sy, geometry):
                    painter.drawPath(path)
        if scene.show_labels:
            if grid_geometry is not None:
                _paint_grid_labels(painter, scene, view, grid_geometry)
            _paint_unit_names(painter, scene, view)
    finally:
        painter.end()
    return image


def _paint_grids(
    painter: QPainter, scene: BaseScene, view: Viewport, geometry: VisibleGeometry
) -> None:
    layer = scene.grids
    assert layer is not None
    indices = np.fromiter((layer.index_of(i) for i in geometry.ids.tolist()), np.int64)
    sx, sy = _project(view, geometry)
    classes = (
        scene.grid_classes[indices]
        if scene.grid_classes is not None
        else np.zeros(len(indices), np.int64)
    )
    antialias = len(indices) < ANTIALIAS_FILL_BELOW
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    painter.setPen(Qt.PenStyle.NoPen)
    for k in np.unique(classes).tolist():
        colour = QColor(scene.palette[k] if 0 <= k < len(scene.palette) else NO_DATA)
        colour.setAlpha(scene.fill_alpha)
        painter.setBrush(colour)
        chosen = np.flatnonzero(classes == k)
        for path in polygon_paths(sx, sy, geometry, chosen, CHUNK_POLYGONS if antialias else 2000):
            painter.drawPath(path)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if _typical_width_px(layer, indices, view) >= GRID_OUTLINE_MIN_PX:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_pen(GRID_OUTLINE, 1.0))
        for path in polygon_paths(sx, sy, geometry, chunk=2000):
            painter.drawPath(path)


def draw_halo_text(
    painter: QPainter, centre: QPointF, text: str, metrics: QFontMetricsF, colour: QColor
) -> None:
    """Text centred on a point, readable on any fill: a dark rim drawn under it."""
    width = metrics.horizontalAdvance(text)
    origin = QPointF(
        centre.x() - width / 2, centre.y() + (metrics.ascent() - metrics.descent()) / 2
    )
    painter.setPen(HALO)
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)):
        painter.drawText(origin + QPointF(dx, dy), text)
    painter.setPen(colour)
    painter.drawText(origin, text)


def _paint_grid_labels(
    painter: QPainter, scene: BaseScene, view: Viewport, geometry: VisibleGeometry
) -> None:
    layer, labels = scene.grids, scene.grid_labels
    if layer is None or labels is None:
        return
    indices = np.fromiter((layer.index_of(i) for i in geometry.ids.tolist()), np.int64)
    widths = (layer.bounds[indices, 2] - layer.bounds[indices, 0]) / view.metres_per_pixel
    readable = indices[widths >= GRID_NUMBER_MIN_PX]
    if len(readable) == 0 or len(readable) > LABEL_LIMIT:
        return
    font = QFont(scene.font)
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    points = layer.label_points[readable]
    sx, sy = view.to_screen(points[:, 0], points[:, 1])
    for i, x, y in zip(readable.tolist(), sx.tolist(), sy.tolist(), strict=True):
        width = (layer.bounds[i, 2] - layer.bounds[i, 0]) / view.metres_per_pixel
        text = labels.names[i] if width >= GRID_NAME_MIN_PX else labels.numbers[i]
        if metrics.horizontalAdvance(text) > width * 0.9:
            text = labels.numbers[i]
        draw_halo_text(painter, QPointF(x, y), text, metrics, GRID_LABEL)


def _paint_unit_names(painter: QPainter, scene: BaseScene, view: Viewport) -> None:
    layer = scene.communities
    if layer is None or not len(layer) or not scene.community_names:
        return
    indices = layer.intersecting(view.bbox())
    widths = (layer.bounds[indices, 2] - layer.bounds[indices, 0]) / view.metres_per_pixel
    readable = indices[widths >= UNIT_NAME_MIN_PX]
    if len(readable) == 0:
        return
    font = QFont(scene.font)
    font.setPointSizeF(font.pointSizeF() * 1.05)
    font.setBold(True)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    points = layer.label_points[readable]
    sx, sy = view.to_screen(points[:, 0], points[:, 1])
    for i, x, y in zip(readable.tolist(), sx.tolist(), sy.tolist(), strict=True):
        draw_halo_text(painter, QPointF(x, y - 14), scene.community_names[i], metrics, UNIT_LABEL)


def placed_image_rect(image_view: Viewport, view: Viewport) -> QRectF:
    """Where an image rendered for ``image_view`` lands in ``view`` (moved and scaled)."""
    scale = image_view.metres_per_pixel / view.metres_per_pixel
    cx, cy = view.to_screen(image_view.centre_x, image_view.centre_y)
    width, height = image_view.width * scale, image_view.height * scale
    return QRectF(cx - width / 2, cy - height / 2, width, height)


def palette_of(colours: Sequence[str]) -> tuple[QColor, ...]:
    return tuple(QColor(c) for c in colours)
