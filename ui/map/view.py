"""The live grid map: a canvas that only paints.

Geometry is prepared in ``commandcenter.geo`` (projection, simplification, spatial index), off
the GUI thread. The base picture (grid fills, outlines, names, basemap) is rendered into an
image by a worker (``ui.map.render``), and so are the case and camera markers, into an image of
their own; while the officer drags or zooms, the last images are moved or scaled, so a frame
costs a few image copies for 80 grids or 50,000, for ten cases or 100,000: nothing is clustered,
stamped or rendered in the GUI thread during a gesture. Changes of case figures recolour the
grids (a new base image, same geometry); changes of cases remake only the marker image.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from commandcenter.cameras.rows import CameraRow
from commandcenter.cases.rows import CaseRow
from commandcenter.geo.choropleth import Classes, Measure, classify, measure_values
from commandcenter.geo.mapdata import (
    MapLayer,
    lonlat_to_mercator,
    mercator_to_lonlat,
    metres_per_pixel,
)
from commandcenter.geo.viewport import Viewport
from commandcenter.jurisdiction.tree import GridSummary, UnitNode
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.drag import camera_mime
from ui.common.labels import label
from ui.common.style import Colors, scaled_font
from ui.common.tasks import run_in_background
from ui.map.geometry import PreparedGeometry, grid_number, new_geometry_key, prepare_geometry
from ui.map.markers import PRIORITY, STATUS_OF_PRIORITY, Sprites, cluster_radius, pen
from ui.map.points import Points, snapped_scale
from ui.map.render import BACKGROUND, BaseScene, GridLabels, placed_image_rect, render_base

RENDER_MARGIN_PX = 256  # the base image reaches this far beyond the view: drags show no gap
RENDER_DELAY_MS = 40  # a new base image once the view has been still this long
CASE_CELL_PX = 52  # cases closer than this on screen merge into a cluster
CAMERA_CELL_PX = 26
MARKER_MARGIN_PX = 256  # the marker image reaches this far beyond the view
MARKER_LAYER_DELAY_MS = 40  # a new marker image (in a worker) once the view has been still
PRECLUSTER_ABOVE = 5_000  # cases; fewer cluster in a few milliseconds when needed
FLIGHT_MS = 450
KEY_PAN_PX = 120
WHEEL_STEP = 2**0.5  # one wheel notch: half a zoom level
CLICK_SLOP_PX = 4  # a press that moves less than this is a click, not a drag
MARKER_HIT_PX = 11
FIELD_ON_PATROL = QColor("#3ddc84")  # a field worker on a round now
FIELD_OFF_PATROL = QColor("#9fb0c2")  # seen today, not on a round

# Fill colours per class (class 0: none), one ramp per measure.
RAMPS = {
    Measure.OPEN: ("#16222e", "#1d3b57", "#22517a", "#2b679c", "#3a82c0"),
    Measure.OVERDUE: ("#16222e", "#4a2327", "#6e2a2f", "#963238", "#c23b42"),
    Measure.PER_THOUSAND: ("#16222e", "#1f3f3f", "#23585a", "#2a7475", "#33938f"),
}


def case_points(rows, now: dt.datetime, *, precluster: bool = False) -> Points:
    """The open cases with a place as marker points, their priority by deadline status; with
    ``precluster``, the whole-city clusters made too (in a worker: plain numpy)."""
    rows = tuple(r for r in rows if r.lon is not None and r.lat is not None)
    xs, ys = lonlat_to_mercator([r.lon for r in rows], [r.lat for r in rows])
    points = Points(rows, xs, ys, [PRIORITY[r.status_at(now)] for r in rows])
    if precluster:  # city-wide views regroup every case: those clusters are made ahead
        scales = [snapped_scale(metres_per_pixel(z / 4)) for z in range(40, 69)]
        points.adopt(points.precompute(scales, CASE_CELL_PX))
    return points


class MapView(QWidget):
    gridSelected = Signal(int)
    unitSelected = Signal(int)
    caseSelected = Signal(int)
    cameraSelected = Signal(int)
    newCaseRequested = Signal(float, float, object)  # lon, lat, grid id or None
    rendered = Signal()  # a new base image is on screen
    # The marker image is current: a new one is on screen, or the one there was current again
    # when its timer fired (is_idle may have turned true).
    markersSettled = Signal()
    measureChanged = Signal(object)  # Measure

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mapView")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.viewport = Viewport(0.0, 0.0, 10.0, max(1, self.width()), max(1, self.height()))
        self._has_view = False  # fitted to the jurisdiction once the geometry is known
        self._tree: UnitNode | None = None
        self._geometry: PreparedGeometry | None = None
        self._preparing: tuple | None = None  # key of the geometry being prepared
        self._grid_rows: dict[int, GridSummary] = {}
        self.measure = Measure.OPEN
        self.classes = Classes((0.0,), True)
        self._classes_of_grids: np.ndarray | None = None
        self.scene = BaseScene()
        self.basemap = None  # ui.map.basemap.Basemap, or None: the vector background
        self._base: tuple[QImage, Viewport] | None = None
        self._render_token = 0
        self._rendering = False
        self._base_stale = False  # the scene changed since the image was rendered
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._render)
        self._cases = Points()
        self._case_rows: dict[int, CaseRow] = {}
        self._points_token = 0
        self._placing = False  # case points are being made in a worker
        self._grid_figures: dict[int, tuple] = {}
        self._cameras = Points()
        self._sprite_cache: Sprites | None = None
        self._marker_layer: tuple[QImage, Viewport, tuple] | None = None
        self._marker_version = 0  # counts changes of the markers' data (cases, cameras, states)
        self._marker_token = 0
        self._marker_building = False  # a worker is making the marker image
        self._marker_layer_timer = QTimer(self)
        self._marker_layer_timer.setSingleShot(True)
        self._marker_layer_timer.setInterval(MARKER_LAYER_DELAY_MS)
        self._marker_layer_timer.timeout.connect(self._on_marker_layer_timer)
        self._selected_at: dict[int, tuple] = {}  # id(points) -> (points, id, world position)
        self.camera_online: dict[int, bool] = {}
        self._now = dt.datetime(2000, 1, 1)  # the console sets it (set_now)
        self.selected_grid: int | None = None
        self.selected_unit: int | None = None
        self.selected_case: int | None = None
        self.selected_camera: int | None = None
        self._selection_path: QPainterPath | None = None  # world metres
        self.show_cameras = True
        self.show_field = True  # the field workers' positions and tracks
        self._field_workers: list = []
        self.show_cases = True
        self.show_labels = True
        self._press: QPointF | None = None
        self.picking = False  # the next click places a new case
        self._camera_press: int | None = None
        self._dragging = False
        self._flight: tuple[Viewport, Viewport, float] | None = None
        self._flight_timer = QTimer(self)
        self._flight_timer.setInterval(15)
        self._flight_timer.timeout.connect(self._fly_step)
        self.fit_insets = (0.0, 0.0, 0.0, 0.0)  # pixels covered by the legend
        self.render_seconds: list[float] = []  # duration of each base render, for the bench

    # --- state for tests, the screenshot and the bench ------------------------------------------

    def is_idle(self) -> bool:
        """Geometry prepared and the base image of the current view on screen."""
        return (
            self._preparing is None
            and not self._placing
            and not self._rendering
            and not self._render_timer.isActive()
            and self._flight is None
            and (self._geometry is None or self._base_is_current())
            and not self._marker_building
            and not self._marker_layer_timer.isActive()
            and self._markers_are_current()
        )

    def _base_is_current(self) -> bool:
        if self._base is None:
            return False
        view = self._base[1]
        return (
            math.isclose(view.metres_per_pixel, self.viewport.metres_per_pixel, rel_tol=1e-9)
            and abs(view.centre_x - self.viewport.centre_x)
            <= RENDER_MARGIN_PX * view.metres_per_pixel
            and abs(view.centre_y - self.viewport.centre_y)
            <= RENDER_MARGIN_PX * view.metres_per_pixel
            and view.width >= self.viewport.width
            and view.height >= self.viewport.height
        )

    @property
    def grid_layer(self) -> MapLayer | None:
        return self._geometry.grids if self._geometry else None

    @property
    def prepared_geometry(self) -> PreparedGeometry | None:
        return self._geometry

    @property
    def case_rows(self) -> tuple[CaseRow, ...]:
        """The cases with a position, as markers."""
        return self._cases.rows

    @property
    def camera_rows(self) -> tuple[CameraRow, ...]:
        return self._cameras.rows

    def base_image(self) -> QImage | None:
        return self._base[0] if self._base is not None else None

    def set_prepared(self, geometry: PreparedGeometry, grids) -> None:
        """Use geometry prepared elsewhere, with the grids' figures (the benchmark; the console
        goes through ``set_tree``)."""
        self._grid_rows = {g.id: g for g in grids}
        self._preparing = geometry.key
        self._on_prepared(geometry)

    # --- data -------------------------------------------------------------------------------------

    def set_tree(self, root: UnitNode) -> None:
        """The jurisdiction's boundaries: prepared in a worker, once per tree (the console
        hands a new tree only when grids change). Figures come with ``set_grid_figures``."""
        self._tree = root
        for grid in (g for node in root.walk() for g in node.grids):
            self._grid_rows.setdefault(grid.id, grid)
        key = new_geometry_key()
        self._preparing = key
        run_in_background(
            lambda: prepare_geometry(root, key),
            self._on_prepared,
            self._on_prepare_failed,
            pool_name="map",
            owner=self,
        )

    def set_grid_figures(self, grids) -> None:
        """The grids with their current case counts: the colours are redone when a count
        changed (a new base image costs seconds at a city's 50,000 grids)."""
        rows = {g.id: g for g in grids}
        figures = {i: (g.open_cases, g.overdue_cases, g.population) for i, g in rows.items()}
        unchanged = figures == self._grid_figures
        self._grid_rows, self._grid_figures = rows, figures
        if self._geometry is not None and not unchanged:
            self._recolour()

    def _on_prepared(self, geometry: PreparedGeometry) -> None:
        if self._preparing != geometry.key:
            return  # a newer tree is being prepared
        self._preparing = None
        self._geometry = geometry
        if not self._has_view:
            self._has_view = True
            self.viewport = self.viewport.resized(self.width(), self.height())
            self.viewport = self._fitted_jurisdiction()
        self._set_selection_path()
        self._recolour()

    def _on_prepare_failed(self, error: Exception) -> None:
        self._preparing = None
        raise error  # the background task logs it with its trace

    def _recolour(self) -> None:
        geometry = self._geometry
        if geometry is None or geometry.grids is None:
            self._rebuild_scene()
            return
        rows = [self._grid_rows.get(i) for i in geometry.grids.ids.tolist()]
        present = [r for r in rows if r is not None]
        values = measure_values(present, self.measure)
        if len(present) != len(rows):  # a grid without figures: no data
            full = np.full(len(rows), np.nan)
            full[[i for i, r in enumerate(rows) if r is not None]] = values
            values = full
        self.classes, self._classes_of_grids = classify(values, self.measure)
        self._rebuild_scene()

    def _rebuild_scene(self) -> None:
        geometry = self._geometry
        if geometry is None:
            return
        numbers = names = ()
        if geometry.grids is not None:
            rows = [self._grid_rows.get(i) for i in geometry.grids.ids.tolist()]
            numbers = tuple(grid_number(r) if r else "" for r in rows)
            names = tuple(r.name if r else "" for r in rows)
        self.scene = BaseScene(
            grids=geometry.grids,
            grid_classes=self._classes_of_grids,
            palette=self.palette(),
            grid_labels=GridLabels(numbers, names),
            communities=geometry.communities,
            community_names=geometry.community_names,
            streets=geometry.streets,
            show_labels=self.show_labels,
            fill_alpha=170 if self.basemap is not None else 255,
            basemap=self.basemap.draw if self.basemap is not None else None,
            font=font_for_worker(self),
        )
        self._schedule_render(now=True)

    def palette(self) -> tuple[QColor, ...]:
        """A colour per class of the current measure, spread over the whole ramp: the top class
        always gets the strongest colour, however few classes there are."""
        ramp = RAMPS[self.measure]
        count = len(self.classes)
        if count <= 1:
            return (QColor(ramp[0]),)
        return tuple(QColor(ramp[round(k * (len(ramp) - 1) / (count - 1))]) for k in range(count))

    def set_measure(self, measure: Measure | str) -> None:
        measure = Measure(measure)  # a combo box hands the value back as a plain str
        if measure is self.measure:
            return
        self.measure = measure
        self._recolour()
        self.measureChanged.emit(measure)

    def set_basemap(self, basemap) -> None:
        self.basemap = basemap
        self._rebuild_scene()

    def set_cases(self, rows) -> None:
        """The open cases to mark (the console's store; ended ones are left out here)."""
        self._case_rows = {r.id: r for r in rows if r.state.is_open}
        self._place_cases()

    def apply_cases(self, changed, removed_ids) -> None:
        """Some cases changed: only their markers move (the point arrays are remade)."""
        for case_id in removed_ids:
            self._case_rows.pop(case_id, None)
        for row in changed:
            if row.state.is_open:
                self._case_rows[row.id] = row
            else:
                self._case_rows.pop(row.id, None)
        self._place_cases()

    def _place_cases(self) -> None:
        """Remake the case points. Up to PRECLUSTER_ABOVE cases at once; above, in a worker
        (projecting and judging 100,000 rows takes over 100 ms), the last points showing
        meanwhile; only the newest request is adopted."""
        rows = tuple(self._case_rows.values())
        now = self._now
        self._points_token += 1
        token = self._points_token
        if len(rows) <= PRECLUSTER_ABOVE:
            self._adopt_points(token, case_points(rows, now))
            return
        self._placing = True
        run_in_background(
            lambda: case_points(rows, now, precluster=True),
            lambda points: self._adopt_points(token, points),
            lambda _error: setattr(self, "_placing", False),
            pool_name="map",
            owner=self,
        )

    def _adopt_points(self, token: int, points: Points) -> None:
        if token != self._points_token:
            return  # a newer set is being made
        self._placing = False
        self._cases = points
        self._markers_changed()

    def set_now(self, now: dt.datetime) -> None:
        """Deadline colours move on with the clock between loads."""
        self._now = now
        self._place_cases()

    def set_cameras(self, rows) -> None:
        rows = tuple(rows)
        xs, ys = lonlat_to_mercator([r.lon for r in rows], [r.lat for r in rows])
        self._cameras = Points(rows, xs, ys, [self._camera_priority(r) for r in rows])
        self._markers_changed()

    def _camera_priority(self, row: CameraRow) -> int:
        """Offline first: a cluster with a dead camera shows it."""
        online = self.camera_online.get(row.id)
        return 2 if online is False else (0 if online else 1)

    def set_field_workers(self, workers) -> None:
        """The field workers' last positions and today's tracks (``FieldWorker``s), projected
        once here; painted over the markers (a few hundred, not cached)."""
        placed = []
        for worker in workers:
            xs, ys = lonlat_to_mercator([p[0] for p in worker.track], [p[1] for p in worker.track])
            placed.append((worker, np.asarray(xs), np.asarray(ys)))
        self._field_workers = placed
        self.update()

    def _paint_field_workers(self, painter: QPainter) -> None:
        if not self.show_field or not self._field_workers:
            return
        view = self.viewport
        painter.setFont(scaled_font(self.font(), 0.9, bold=True))
        for worker, xs, ys in self._field_workers:
            sx, sy = view.to_screen(xs, ys)
            colour = FIELD_ON_PATROL if worker.on_patrol else FIELD_OFF_PATROL
            track = QPen(colour, 2.0)
            track.setStyle(Qt.PenStyle.SolidLine if worker.on_patrol else Qt.PenStyle.DashLine)
            painter.setPen(track)
            painter.drawPolyline([QPointF(float(x), float(y)) for x, y in zip(sx, sy, strict=True)])
            x, y = float(sx[-1]), float(sy[-1])
            painter.setPen(QPen(Colors.BACKGROUND, 2.0))
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x, y), 7.0, 7.0)
            painter.setPen(Colors.TEXT)
            painter.drawText(QPointF(x + 10, y + 5), worker.name)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def set_camera_status(self, online: dict[int, bool]) -> None:
        if online == self.camera_online:
            return
        self.camera_online = dict(online)
        self.set_cameras(self._cameras.rows)

    def set_layer(self, layer: str, visible: bool) -> None:
        """Switch a layer: "cases", "cameras" or "labels"."""
        setattr(self, f"show_{layer}", visible)
        if layer == "labels":
            self._rebuild_scene()
        if layer in ("cases", "cameras"):
            self._markers_changed()
        self.update()

    # --- selection --------------------------------------------------------------------------------

    def select(self, *, grid=None, unit=None, case=None, camera=None) -> None:
        self.selected_grid, self.selected_unit = grid, unit
        self.selected_case, self.selected_camera = case, camera
        self._set_selection_path()
        self.update()

    def _update_selection_path(self) -> None:
        self._selection_path = None
        geometry = self._geometry
        if geometry is None:
            return
        layer, key = None, None
        if self.selected_grid is not None and geometry.grids is not None:
            layer, key = geometry.grids, self.selected_grid
        elif self.selected_unit is not None:
            for candidate in (geometry.communities, geometry.streets):
                if candidate is not None and self.selected_unit in set(candidate.ids.tolist()):
                    layer, key = candidate, self.selected_unit
        if layer is None:
            return
        try:
            polygon = layer.geometries[layer.index_of(key)]
        except KeyError:
            return
        self._selection_path = _world_path(polygon)

    def _set_selection_path(self) -> None:
        """The selected grid or unit's outline: drawn into the marker image, under the markers
        (an antialiased outline of a few hundred pixels is milliseconds: not in every frame)."""
        before = self._selection_path
        self._update_selection_path()
        if self._selection_path is not before:
            self._markers_changed()

    def reveal_selection(self) -> None:
        """Bring what is selected into view when it is not (a choice in the tree, the board or
        the search); a selection already in view does not move the map."""
        point = None
        if self.selected_case is not None:
            point = next(
                ((r.lon, r.lat) for r in self._cases.rows if r.id == self.selected_case), None
            )
        if point is None and self.selected_camera is not None:
            point = next(
                ((r.lon, r.lat) for r in self._cameras.rows if r.id == self.selected_camera),
                None,
            )
        if point is not None:
            x, y = lonlat_to_mercator(*point)
            box = (float(x), float(y), float(x), float(y))
        elif self._selection_path is not None:
            rect = self._selection_path.boundingRect()
            box = (rect.left(), rect.top(), rect.right(), rect.bottom())
        else:
            return
        view = self.viewport.bbox(margin_px=-24)
        if view[0] <= box[0] and view[1] <= box[1] and box[2] <= view[2] and box[3] <= view[3]:
            return
        if box[0] == box[2]:
            self.fly_to(self.viewport.centred_on(box[0], box[1], max(self.viewport.zoom, 16)))
        else:
            self.fly_to(self.viewport.fitted(box, 60, max_zoom=17, insets=self.fit_insets))

    # --- moving the view --------------------------------------------------------------------------

    def jurisdiction_extent(self) -> tuple[float, float, float, float]:
        geometry = self._geometry
        extents = [
            layer.extent()
            for layer in (
                (geometry.streets, geometry.communities, geometry.grids) if geometry else ()
            )
            if layer is not None and len(layer)
        ]
        if not extents:
            return self.viewport.bbox()
        return (
            min(e[0] for e in extents),
            min(e[1] for e in extents),
            max(e[2] for e in extents),
            max(e[3] for e in extents),
        )

    def set_viewport(self, viewport: Viewport) -> None:
        self._flight = None
        self._flight_timer.stop()
        self.viewport = viewport
        self._schedule_render()
        self.update()

    def _fitted_jurisdiction(self) -> Viewport:
        return self.viewport.fitted(self.jurisdiction_extent(), 24, insets=self.fit_insets)

    def fit_jurisdiction(self, animate: bool = True) -> None:
        self.fly_to(self._fitted_jurisdiction(), animate)

    def fit_lonlat_box(self, bbox: tuple[float, float, float, float], animate=True) -> None:
        xs, ys = lonlat_to_mercator([bbox[0], bbox[2]], [bbox[1], bbox[3]])
        box = (float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1]))
        self.fly_to(self.viewport.fitted(box, 80, max_zoom=17, insets=self.fit_insets), animate)

    def centre_on_lonlat(self, lon: float, lat: float, zoom: float | None = 17.0, animate=True):
        x, y = lonlat_to_mercator(lon, lat)
        zoom = max(zoom, self.viewport.zoom) if zoom is not None else None
        self.fly_to(self.viewport.centred_on(float(x), float(y), zoom), animate)

    def fly_to(self, target: Viewport, animate: bool = True) -> None:
        target = target.resized(self.viewport.width, self.viewport.height)
        if not animate or not self.isVisible():
            self.set_viewport(target)
            return
        self._flight = (self.viewport, target, time.monotonic())
        self._flight_timer.start()

    def is_flying(self) -> bool:
        return self._flight is not None

    def _fly_step(self) -> None:
        if self._flight is None:
            self._flight_timer.stop()
            return
        start, target, began = self._flight
        t = (time.monotonic() - began) * 1000 / FLIGHT_MS
        self.viewport = start.interpolated(target, t)
        if t >= 1:
            self._flight = None
            self._flight_timer.stop()
            self._schedule_render(now=True)
        self.update()

    def zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        at = at if at is not None else QPointF(self.width() / 2, self.height() / 2)
        self.set_viewport(self.viewport.zoomed_at(factor, at.x(), at.y()))

    def pan_by(self, dx: float, dy: float) -> None:
        self.set_viewport(self.viewport.panned(dx, dy))

    # --- rendering the base image -----------------------------------------------------------------

    def _schedule_render(self, now: bool = False) -> None:
        """Ask for a new base image: at once when the scene changed, else shortly after the
        view left the image. A timer already running is not restarted, so a long drag gets
        its new image while it goes on, not only when the hand stops. The marker image is
        asked for the same way."""
        self._schedule_markers()
        if now:
            self._base_stale = True
            self._render_timer.start(0)
        elif (self._base_stale or not self._base_is_current()) and not (
            self._render_timer.isActive()
        ):
            self._render_timer.start(RENDER_DELAY_MS)

    def _render(self) -> None:
        if self._geometry is None or self._flight is not None:
            return
        if self._rendering:  # one render at a time: ask again when it ends
            self._render_timer.start(RENDER_DELAY_MS)
            return
        self._base_stale = False
        self._rendering = True
        self._render_token += 1
        token, scene = self._render_token, self.scene
        view = self.viewport.resized(
            self.viewport.width + 2 * RENDER_MARGIN_PX,
            self.viewport.height + 2 * RENDER_MARGIN_PX,
        )

        def work():
            started = time.perf_counter()
            image = render_base(scene, view)
            return image, view, time.perf_counter() - started

        run_in_background(
            work,
            lambda result: self._on_rendered(token, *result),
            self._on_render_failed,
            pool_name="map",
            owner=self,
        )

    def _on_rendered(self, token: int, image: QImage, view: Viewport, seconds: float) -> None:
        self._rendering = False
        self.render_seconds.append(seconds)
        del self.render_seconds[:-200]
        if token == self._render_token:
            self._base = (image, view)
            self.update()
            self.rendered.emit()
        if not self._base_is_current() or self._base_stale:
            self._render_timer.start(0)

    def _on_render_failed(self, error: Exception) -> None:
        self._rendering = False
        raise error

    def render_now(self) -> None:
        """Render the base image in this thread (the bench's reference, and tests)."""
        view = self.viewport.resized(
            self.viewport.width + 2 * RENDER_MARGIN_PX,
            self.viewport.height + 2 * RENDER_MARGIN_PX,
        )
        self._base = (render_base(self.scene, view), view)
        self._base_stale = False

    # --- hit-testing -----------------------------------------------------------------------------

    def hit(self, pos: QPointF):
        """What is under a pixel: ("case", row), ("cases", [rows]) for a cluster,
        ("camera", row), ("cameras", [rows]), ("grid", GridSummary) or None."""
        view = self.viewport
        if self.show_cases and len(self._cases.rows):
            found = self._hit_points(self._cases, CASE_CELL_PX, pos, case=True)
            if found is not None:
                return found
        if self.show_cameras and len(self._cameras.rows):
            found = self._hit_points(self._cameras, CAMERA_CELL_PX, pos, case=False)
            if found is not None:
                return found
        layer = self.grid_layer
        if layer is not None:
            x, y = view.to_world(pos.x(), pos.y())
            grid_id = layer.hit(x, y)
            if grid_id is not None and grid_id in self._grid_rows:
                return ("grid", self._grid_rows[grid_id])
        return None

    def _hit_points(self, points: Points, cell: float, pos: QPointF, *, case: bool):
        clusters = points.clusters(self.viewport, cell)
        if not len(clusters):
            return None
        sx, sy = self.viewport.to_screen(clusters.x, clusters.y)
        distance = np.hypot(sx - pos.x(), sy - pos.y())
        radius = np.where(
            clusters.count > 1,
            [cluster_radius(int(c)) for c in clusters.count] if case else 9.0,
            MARKER_HIT_PX,
        )
        near = np.flatnonzero(distance <= radius)
        if not len(near):
            return None
        k = int(near[np.argmin(distance[near])])
        members = [points.rows[i] for i in clusters.members(k).tolist()]
        kind = "case" if case else "camera"
        return (kind, members[0]) if len(members) == 1 else (kind + "s", members)

    # --- events ----------------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.viewport = self.viewport.resized(self.width(), self.height())
        if self._geometry is not None and not self._has_view:
            self._has_view = True
            self.viewport = self._fitted_jurisdiction()
        self._schedule_render()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._last_drag = event.position()
            self._dragging = False
            hit = self.hit(event.position()) if self.show_cameras else None
            # A press on a camera drags the camera (onto a wall tile), not the map.
            self._camera_press = hit[1].id if hit is not None and hit[0] == "camera" else None
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            pos = event.position()
            moved = (pos - self._press).manhattanLength() >= CLICK_SLOP_PX
            if self._camera_press is not None and moved:
                camera_id, self._press = self._camera_press, None
                drag = QDrag(self)
                drag.setMimeData(camera_mime(camera_id))
                drag.exec(Qt.DropAction.CopyAction)
                return
            if not self._dragging and (pos - self._press).manhattanLength() >= CLICK_SLOP_PX:
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._dragging:
                delta = pos - self._last_drag
                self._last_drag = pos
                self.pan_by(delta.x(), delta.y())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return super().mouseReleaseEvent(event)
        was_drag, self._press = self._dragging, None
        self._dragging = False
        if not self.picking:
            self.unsetCursor()
        if not was_drag:
            self.click(event.position())

    def start_picking(self) -> None:
        """The next click names the place of a new case (the console's "New case…")."""
        self.picking = True
        self.setCursor(Qt.CursorShape.CrossCursor)

    def stop_picking(self) -> None:
        self.picking = False
        self.unsetCursor()

    def click(self, pos: QPointF) -> None:
        """A left click: select what is there (a cluster zooms in to its members)."""
        if self.picking:
            self.stop_picking()
            lon, lat = self.lonlat_at(pos)
            grid = self.grid_at(pos)
            self.newCaseRequested.emit(lon, lat, grid.id if grid else None)
            return
        hit = self.hit(pos)
        if hit is None:
            return
        kind, item = hit
        if kind == "case":
            self.select(case=item.id, grid=item.grid_id)
            self.caseSelected.emit(item.id)
        elif kind == "camera":
            self.select(camera=item.id, grid=item.grid_id)
            self.cameraSelected.emit(item.id)
        elif kind in ("cases", "cameras"):
            xs, ys = lonlat_to_mercator([r.lon for r in item], [r.lat for r in item])
            box = (xs.min(), ys.min(), xs.max(), ys.max())
            self.fly_to(self.viewport.fitted(box, 90, max_zoom=19))
        else:
            self.select(grid=item.id)
            self.gridSelected.emit(item.id)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.zoom_by(2.0, event.position())

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(WHEEL_STEP**steps, event.position())
        event.accept()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        moves = {
            Qt.Key.Key_Left: (KEY_PAN_PX, 0),
            Qt.Key.Key_Right: (-KEY_PAN_PX, 0),
            Qt.Key.Key_Up: (0, KEY_PAN_PX),
            Qt.Key.Key_Down: (0, -KEY_PAN_PX),
        }
        if key in moves:
            self.pan_by(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(2.0)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.5)
        elif key == Qt.Key.Key_Home:
            self.fit_jurisdiction()
        elif key == Qt.Key.Key_Escape and self.picking:
            self.stop_picking()
        else:
            super().keyPressEvent(event)

    def lonlat_at(self, pos: QPointF) -> tuple[float, float]:
        x, y = self.viewport.to_world(pos.x(), pos.y())
        lon, lat = mercator_to_lonlat(x, y)
        return float(lon), float(lat)

    def grid_at(self, pos: QPointF) -> GridSummary | None:
        layer = self.grid_layer
        if layer is None:
            return None
        grid_id = layer.hit(*self.viewport.to_world(pos.x(), pos.y()))
        return self._grid_rows.get(grid_id) if grid_id is not None else None

    def context_menu(self, pos: QPointF) -> QMenu:
        """The right-click menu at a pixel (built separately so tests can trigger it)."""
        lon, lat = self.lonlat_at(pos)
        grid = self.grid_at(pos)
        menu = QMenu(self)
        text = (
            self.tr("New case here in %1…").replace("%1", grid.name)
            if grid is not None
            else self.tr("New case here…")
        )
        new_case = menu.addAction(text)
        new_case.setObjectName("newCaseHere")
        new_case.triggered.connect(
            lambda: self.newCaseRequested.emit(lon, lat, grid.id if grid else None)
        )
        centre = menu.addAction(self.tr("Centre the map here"))
        centre.triggered.connect(lambda: self.centre_on_lonlat(lon, lat, zoom=None))
        copy = menu.addAction(self.tr("Copy coordinates %1").replace("%1", f"{lon:.6f}, {lat:.6f}"))
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(f"{lon:.6f}, {lat:.6f}"))
        return menu

    def contextMenuEvent(self, event) -> None:
        self.context_menu(QPointF(event.pos())).exec(event.globalPos())

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            hit = self.hit(QPointF(event.pos()))
            if hit is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._tooltip(*hit), self)
            return True
        return super().event(event)

    def _tooltip(self, kind: str, item) -> str:
        if kind == "case":
            status = label(item.status_at(self._now))
            return f"{item.code}\n{item.title}\n{label(item.state)} · {status}"
        if kind == "cases":
            overdue = sum(r.status_at(self._now) is DeadlineStatus.OVERDUE for r in item)
            return (
                self.tr("%1 cases here, %2 overdue — click to zoom in")
                .replace("%1", str(len(item)))
                .replace("%2", str(overdue))
            )
        if kind == "camera":
            online = self.camera_online.get(item.id)
            state = {True: self.tr("online"), False: self.tr("offline")}.get(
                online, self.tr("not checked yet")
            )
            return f"{item.name}\n{item.device_id}\n{state}"
        if kind == "cameras":
            return self.tr("%1 cameras here — click to zoom in").replace("%1", str(len(item)))
        return (
            self.tr("%1 (grid %2): %3 open, %4 overdue")
            .replace("%1", item.name)
            .replace("%2", grid_number(item))
            .replace("%3", str(item.open_cases))
            .replace("%4", str(item.overdue_cases))
        )

    # --- painting --------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        try:
            self.paint(painter)
        finally:
            painter.end()

    def paint(self, painter: QPainter) -> None:
        """One frame: the base image where it belongs, then what moves (markers, selection)."""
        if self._base is None:
            painter.fillRect(self.rect(), BACKGROUND)
            painter.setPen(Colors.TEXT_DIM)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Loading map…"))
            return
        image, image_view = self._base
        target = placed_image_rect(image_view, self.viewport)
        if not target.contains(QRectF(self.rect())):  # dragged beyond it: the gap is plain
            painter.fillRect(self.rect(), BACKGROUND)
        # A scaled base image is a stop-gap until the sharp one arrives: scale it fast.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        _draw_placed(painter, image, target)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_markers(painter)  # with the selected grid's outline
        self._paint_field_workers(painter)
        self._paint_selected_marker(painter)
        self._paint_scale_bar(painter)

    # --- markers ---------------------------------------------------------------------------------
    #
    # The markers come from an image of the view plus a margin, made by a worker (clusters for
    # the scale, sprites stamped) and moved like the base image while the officer drags, scaled
    # while the wheel turns. Whenever the view leaves that image, its scale changes or the
    # cases or cameras change, a new one is asked for (``_schedule_markers``); the frame in the
    # meantime shows the last one, so no frame clusters or stamps anything in the GUI thread.
    # Only when there is no image yet, or a layer was switched on or off, is it drawn directly.

    def _marker_key(self) -> tuple:
        return (self._marker_version, self.show_cases, self.show_cameras)

    def _markers_shown(self) -> bool:
        if self._selection_path is not None:
            return True
        return (self.show_cases and len(self._cases.rows) > 0) or (
            self.show_cameras and len(self._cameras.rows) > 0
        )

    def _markers_changed(self) -> None:
        self._marker_version += 1
        self._schedule_markers()
        self.update()

    def _markers_are_current(self) -> bool:
        """The marker image is of the current markers at the current scale, and the view is
        well inside it (a drag asks for the next one before it reaches the image's edge)."""
        if not self._markers_shown():
            return True
        layer = self._marker_layer
        if layer is None or layer[2] != self._marker_key():
            return False
        view, current = layer[1], self.viewport
        slack = MARKER_MARGIN_PX / 2 * view.metres_per_pixel
        return (
            math.isclose(view.metres_per_pixel, current.metres_per_pixel, rel_tol=1e-9)
            and abs(view.centre_x - current.centre_x) <= slack
            and abs(view.centre_y - current.centre_y) <= slack
            and view.width >= current.width + 2 * MARKER_MARGIN_PX
            and view.height >= current.height + 2 * MARKER_MARGIN_PX
        )

    def _schedule_markers(self) -> None:
        """Ask a worker for a new marker image shortly, when the one there is not current. A
        timer already running is not restarted: a long drag gets its images as it goes."""
        if self._markers_are_current() or self._marker_layer_timer.isActive():
            return
        # The first image at once (the first painted map waits for it), later ones when the
        # view has been still a moment.
        self._marker_layer_timer.start(0 if self._marker_layer is None else MARKER_LAYER_DELAY_MS)

    def _paint_markers(self, painter: QPainter) -> None:
        if not self._markers_shown():
            return
        layer = self._marker_layer
        switched = layer is None or layer[2][1:] != self._marker_key()[1:]
        if switched:  # no image yet, or a layer switched: draw directly (not in a gesture)
            self._draw_markers(painter, self.viewport)
            self._schedule_markers()
            return
        image, view, _ = layer
        target = placed_image_rect(view, self.viewport)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        _draw_placed(painter, image, target)
        painter.restore()
        if not self._markers_are_current():
            self._schedule_markers()

    def _marker_view(self) -> Viewport:
        return self.viewport.resized(
            self.viewport.width + 2 * MARKER_MARGIN_PX, self.viewport.height + 2 * MARKER_MARGIN_PX
        )

    def _marker_job(self):
        """What a worker needs to make the marker image of the current view (no widget)."""
        view, key = self._marker_view(), self._marker_key()
        cases = self._cases if self.show_cases else Points()
        cameras = self._cameras if self.show_cameras else Points()
        online, sprites = self.camera_online, self._sprites()
        selection = self._selection_path

        def work():
            return marker_image(view, cases, cameras, online, sprites, selection), view, key

        return work

    def _on_marker_layer_timer(self) -> None:
        if self._flight is not None:
            return  # a flight asks again when it lands (``_schedule_render``)
        if self._markers_are_current():  # e.g. resized and back: the image there will do
            self.markersSettled.emit()
            return
        if self._marker_building:  # one at a time: ask again when it ends
            return
        self._marker_building = True
        self._marker_token += 1
        token = self._marker_token
        run_in_background(
            self._marker_job(),
            lambda result: self._on_markers_made(token, *result),
            self._on_markers_failed,
            pool_name="markers",
            owner=self,
        )

    def _on_markers_made(self, token: int, image: QImage, view: Viewport, key: tuple) -> None:
        self._marker_building = False
        if token == self._marker_token:
            self._marker_layer = (image, view, key)
            self.update()
        self._schedule_markers()
        self.markersSettled.emit()

    def _on_markers_failed(self, error: Exception) -> None:
        self._marker_building = False
        raise error

    def settle_markers(self) -> None:
        """Make the marker image for the current view now, in this thread (what the worker
        does once the view rests; the benchmark calls it between gestures, tests to compare)."""
        self._marker_layer_timer.stop()
        self._marker_token += 1  # an image a worker is making now is not taken
        image, view, key = self._marker_job()()
        self._marker_layer = (image, view, key)

    def _draw_markers(self, painter: QPainter, view: Viewport) -> None:
        draw_markers(
            painter,
            view,
            self._cases if self.show_cases else Points(),
            self._cameras if self.show_cameras else Points(),
            self.camera_online,
            self._sprites(),
            self._selection_path,
        )

    def _paint_selected_marker(self, painter: QPainter) -> None:
        """A yellow ring around the selected case or camera, over the markers."""
        for points, selected, radius, shown in (
            (self._cases, self.selected_case, 14, self.show_cases),
            (self._cameras, self.selected_camera, 11, self.show_cameras),
        ):
            if selected is None or not shown:
                continue
            place = self._selected_place(points, selected)
            if place is None:
                continue
            sx, sy = self.viewport.to_screen(*place)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(pen(Colors.SELECTED, 3.0))
            painter.drawEllipse(QPointF(sx, sy), radius, radius)

    def _selected_place(self, points: Points, selected: int) -> tuple[float, float] | None:
        """Where the selected marker is (world metres): looked up once per selection and set
        of points, not on every frame (a scan of 100,000 rows is milliseconds)."""
        cached = self._selected_at.get(id(points))
        if cached is not None and cached[0] is points and cached[1] == selected:
            return cached[2]
        index = next((i for i, r in enumerate(points.rows) if r.id == selected), None)
        place = None if index is None else (float(points.x[index]), float(points.y[index]))
        self._selected_at = {k: v for k, v in self._selected_at.items() if v[0] is not points}
        self._selected_at[id(points)] = (points, selected, place)
        return place

    def _sprites(self) -> Sprites:
        if self._sprite_cache is None:
            self._sprite_cache = Sprites(scaled_font(font_for_worker(self), 0.85, bold=True))
        return self._sprite_cache

    def _paint_scale_bar(self, painter: QPainter) -> None:
        """A bar of a round length (50 m, 1 km…) in the lower right corner. Web Mercator
        stretches distances by 1/cos(latitude); the bar is true at the view's centre."""
        _, lat = mercator_to_lonlat(self.viewport.centre_x, self.viewport.centre_y)
        metres_per_px = self.viewport.metres_per_pixel * math.cos(math.radians(float(lat)))
        target = metres_per_px * 120
        magnitude = 10 ** math.floor(math.log10(target))
        length = max(s * magnitude for s in (1, 2, 5) if s * magnitude <= target)
        width = length / metres_per_px
        text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        x1, y = self.width() - 16.0, self.height() - 18.0
        x0 = x1 - width
        painter.setPen(pen(QColor(11, 16, 22, 220), 5))
        painter.drawLine(QPointF(x0, y), QPointF(x1, y))
        painter.setPen(pen(Colors.TEXT, 2))
        painter.drawLine(QPointF(x0, y), QPointF(x1, y))
        painter.drawLine(QPointF(x0, y - 5), QPointF(x0, y))
        painter.drawLine(QPointF(x1, y - 5), QPointF(x1, y))
        metrics = QFontMetricsF(painter.font())
        painter.drawText(
            QRectF(x0 - 40, y - 8 - metrics.height(), width + 40, metrics.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            text,
        )


def _draw_placed(painter: QPainter, image: QImage, target: QRectF) -> None:
    """An image where ``placed_image_rect`` puts it: at whole pixels when it is not scaled (a
    plain copy), else scaled (fast: the painter's smooth transform is off)."""
    if math.isclose(target.width(), image.width(), rel_tol=1e-9) and math.isclose(
        target.height(), image.height(), rel_tol=1e-9
    ):
        painter.drawImage(QPointF(round(target.left()), round(target.top())), image)
    else:
        painter.drawImage(target, image)


def visible_clusters(points: Points, cell: float, view: Viewport):
    """The clusters of some points at the view's scale, those in view (most urgent last, so it
    is painted on top) and every cluster's place in pixels."""
    clusters = points.clusters(view, cell)
    if not len(clusters):
        return clusters, np.empty(0, np.int64), np.empty(0), np.empty(0)
    sx, sy = view.to_screen(clusters.x, clusters.y)
    pad = 30
    inside = (sx >= -pad) & (sx <= view.width + pad) & (sy >= -pad)
    inside &= sy <= view.height + pad
    shown = np.flatnonzero(inside)
    shown = shown[np.argsort(clusters.priority[shown], kind="stable")]
    return clusters, shown, sx, sy


def draw_markers(
    painter: QPainter,
    view: Viewport,
    cases: Points,
    cameras: Points,
    online: dict[int, bool],
    sprites: Sprites,
    selection: QPainterPath | None = None,
) -> None:
    """The selected grid or unit's outline (``selection``, world metres), cameras, then cases
    over them, as sprites. Touches no widget: runs in a worker."""
    if selection is not None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        sx, sy, dx, dy = view.screen_transform()
        painter.setTransform(QTransform(sx, 0, 0, sy, dx, dy))
        painter.setBrush(QColor(255, 225, 77, 45))
        painter.setPen(pen(Colors.SELECTED, 3.5))
        painter.drawPath(selection)
        painter.restore()
    clusters, shown, sx, sy = visible_clusters(cameras, CAMERA_CELL_PX, view)
    for k in shown.tolist():
        count = int(clusters.count[k])
        row = cameras.rows[int(clusters.top[k])]
        state = online.get(row.id)
        if count > 1 and state is None:
            state = None if clusters.priority[k] == 1 else True
        sprites.stamp(painter, sprites.camera(state, count), sx[k], sy[k])
    clusters, shown, sx, sy = visible_clusters(cases, CASE_CELL_PX, view)
    counts, priorities, tops = clusters.count, clusters.priority, clusters.top
    rows = cases.rows
    for k in shown.tolist():
        count, priority = int(counts[k]), int(priorities[k])
        if count == 1:
            image = sprites.case(STATUS_OF_PRIORITY[priority], rows[int(tops[k])].urgency)
        else:
            image = sprites.cluster(count, priority)
        sprites.stamp(painter, image, sx[k], sy[k])


def marker_image(
    view: Viewport,
    cases: Points,
    cameras: Points,
    online: dict[int, bool],
    sprites: Sprites,
    selection: QPainterPath | None = None,
) -> QImage:
    """The markers of a view (and the selection's outline) as a transparent image (a worker
    makes it)."""
    image = QImage(view.width, view.height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    try:
        draw_markers(painter, view, cases, cameras, online, sprites, selection)
    finally:
        painter.end()
    return image


def font_for_worker(widget: QWidget) -> QFont:
    """A copy of the widget's font with a point size (a style sheet may set pixels), safe to
    hand to a worker."""
    font = QFont(widget.font())
    if font.pointSizeF() <= 0:
        font.setPointSizeF(11.0)
    return font


def _world_path(polygon) -> QPainterPath:
    """A shapely (multi)polygon in world metres as a QPainterPath."""
    import shapely

    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    parts = polygon.geoms if hasattr(polygon, "geoms") else [polygon]
    for part in parts:
        for ring in [part.exterior, *part.interiors]:
            coords = shapely.get_coordinates(ring)
            path.moveTo(coords[0, 0], coords[0, 1])
            for x, y in coords[1:].tolist():
                path.lineTo(x, y)
            path.closeSubpath()
    return path
