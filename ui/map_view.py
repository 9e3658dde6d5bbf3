"""A small QPainter map of the jurisdiction: grids coloured by open cases, community outlines,
cameras and open-case markers. No basemap, no zoom yet (a later issue builds the full map).

Geometry is projected once per data change (x = lon·cos(lat₀), y = −lat) into QPainterPaths;
painting only applies a fit-to-widget transform, so resizing is cheap.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from commandcenter import clock
from commandcenter.deadlines import DeadlineStatus
from commandcenter.domain.enums import AdminLevel
from commandcenter.queries import CameraRow, CaseRow, GridSummary, UnitNode
from ui.labels import label
from ui.style import Colors, scaled_font

MARGIN = 24
CASE_HIT_PX = 10
CAMERA_HIT_PX = 8
# Fill by number of open cases: none, 1, 2-3, 4-6, 7+
FILL_STEPS = (
    (0, QColor("#16222e")),
    (1, QColor("#1d3b57")),
    (2, QColor("#22517a")),
    (4, QColor("#2b679c")),
    (7, QColor("#3a82c0")),
)


def fill_for(open_cases: int) -> QColor:
    colour = FILL_STEPS[0][1]
    for threshold, step in FILL_STEPS:
        if open_cases >= threshold:
            colour = step
    return colour


def grid_number(grid: GridSummary) -> str:
    """The grid's serial within its community (digits 15-17 of the 19-digit code), unpadded."""
    digits = grid.code[-5:-2]
    return str(int(digits)) if digits.isdigit() else grid.code[-5:-2]


def _ring_path(rings, project) -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for ring in rings:
        path.addPolygon(QPolygonF([project(lon, lat) for lon, lat in ring]))
        path.closeSubpath()
    return path


def _label_point(rings) -> tuple[float, float] | None:
    """A point well inside the exterior ring (shapely's polylabel), for names on the map."""
    if not rings:
        return None
    from shapely.geometry import Polygon

    polygon = Polygon(rings[0], rings[1:])
    point = polygon.representative_point()
    return point.x, point.y


class _Area:
    __slots__ = ("kind", "id", "name", "path", "label_at", "number", "open", "overdue")

    def __init__(self, kind, item_id, name, path, label_at, number="", open_=0, overdue=0):
        self.kind, self.id, self.name, self.path = kind, item_id, name, path
        self.label_at, self.number, self.open, self.overdue = label_at, number, open_, overdue


class MapView(QWidget):
    gridSelected = Signal(int)
    caseSelected = Signal(int)
    cameraSelected = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mapView")
        self.setMouseTracking(True)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._cos = 1.0
        self._grids: list[_Area] = []
        self._communities: list[_Area] = []
        self._outline: QPainterPath | None = None
        self._bounds = QRectF()
        self._cases: list[tuple[CaseRow, QPointF]] = []
        self._cameras: list[tuple[CameraRow, QPointF]] = []
        self._tree: UnitNode | None = None
        self._label_points: dict[int, tuple[tuple, tuple[float, float] | None]] = {}
        self._case_rows: tuple[CaseRow, ...] = ()
        self._camera_rows: tuple[CameraRow, ...] = ()
        self.selected_grid: int | None = None
        self.selected_unit: int | None = None
        self.selected_case: int | None = None
        self.selected_camera: int | None = None
        self.show_cameras = True
        self.show_cases = True
        self.show_numbers = True

    def set_layer(self, layer: str, visible: bool) -> None:
        """Switch a layer: "cases", "cameras" or "numbers" (grid numbers)."""
        setattr(self, f"show_{layer}", visible)
        self.update()

    # --- data ----------------------------------------------------------------------------------

    def _project(self, lon: float, lat: float) -> QPointF:
        return QPointF(lon * self._cos, -lat)

    def set_tree(self, root: UnitNode) -> None:
        self._tree = root
        all_points = [pt for node in root.walk() for ring in node.rings for pt in ring]
        all_points += [
            pt for node in root.walk() for g in node.grids for ring in g.rings for pt in ring
        ]
        lats = [lat for _, lat in all_points]
        self._cos = math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0
        project = self._project
        self._grids = []
        self._communities = []
        outline = None
        for node in root.walk():
            for grid in node.grids:
                self._grids.append(self._grid_area(grid, project))
            if node.rings and (node.level is AdminLevel.COMMUNITY or node.grids):
                self._communities.append(
                    _Area(
                        "unit",
                        node.id,
                        node.name,
                        _ring_path(node.rings, project),
                        self._community_label_point(node),
                        open_=node.open_cases,
                        overdue=node.overdue_cases,
                    )
                )
            elif node.rings and outline is None:
                outline = _ring_path(node.rings, project)
        self._outline = outline
        bounds = QRectF()
        for area in self._grids + self._communities:
            bounds = bounds.united(area.path.boundingRect())
        if outline is not None:
            bounds = bounds.united(outline.boundingRect())
        self._bounds = bounds
        self._place_points()
        self.update()

    def _community_label_point(self, node: UnitNode) -> tuple[float, float] | None:
        """Communities carry no stored label point: compute it once per boundary, not on
        every tree change (the tree changes with every case count)."""
        cached = self._label_points.get(node.id)
        if cached is not None and cached[0] == node.rings:
            return cached[1]
        point = _label_point(node.rings)
        self._label_points[node.id] = (node.rings, point)
        return point

    def _grid_area(self, grid: GridSummary, project) -> _Area:
        return _Area(
            "grid",
            grid.id,
            grid.name,
            _ring_path(grid.rings, project),
            grid.centroid,  # the stored label point (a representative point) of the grid
            number=grid_number(grid),
            open_=grid.open_cases,
            overdue=grid.overdue_cases,
        )

    def set_cases(self, rows) -> None:
        self._case_rows = tuple(rows)
        self._place_points()
        self.update()

    def set_cameras(self, rows) -> None:
        self._camera_rows = tuple(rows)
        self._place_points()
        self.update()

    def _place_points(self) -> None:
        self._cases = [
            (row, self._project(row.lon, row.lat))
            for row in self._case_rows
            if row.lon is not None and row.lat is not None
        ]
        # Overdue painted last, so it is on top.
        order = {
            DeadlineStatus.OVERDUE: 3,
            DeadlineStatus.NEAR_DUE: 2,
            DeadlineStatus.NONE: 1,
            DeadlineStatus.ON_TIME: 0,
        }
        self._cases.sort(key=lambda item: order[item[0].deadline_status])
        self._cameras = [(row, self._project(row.lon, row.lat)) for row in self._camera_rows]

    # --- selection -----------------------------------------------------------------------------

    def select(self, *, grid=None, unit=None, case=None, camera=None) -> None:
        self.selected_grid, self.selected_unit = grid, unit
        self.selected_case, self.selected_camera = case, camera
        self.update()

    # --- geometry ------------------------------------------------------------------------------

    def _transform(self) -> QTransform | None:
        """Fit the jurisdiction into the widget above the legend band."""
        if self._bounds.isEmpty():
            return None
        legend_height = self._legend_layout()[1]
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN - legend_height)
        if area.width() <= 0 or area.height() <= 0:
            area = QRectF(self.rect())
        scale = min(area.width() / self._bounds.width(), area.height() / self._bounds.height())
        dx = area.center().x() - self._bounds.center().x() * scale
        dy = area.center().y() - self._bounds.center().y() * scale
        return QTransform(scale, 0, 0, scale, dx, dy)

    def _hit(self, pos: QPointF):
        transform = self._transform()
        if transform is None:
            return None
        if self.show_cases:
            for row, point in reversed(self._cases):
                if _distance(transform.map(point), pos) <= CASE_HIT_PX:
                    return ("case", row)
        if self.show_cameras:
            for row, point in self._cameras:
                if _distance(transform.map(point), pos) <= CAMERA_HIT_PX:
                    return ("camera", row)
        inverse, ok = transform.inverted()
        if ok:
            projected = inverse.map(pos)
            for area in self._grids:
                if area.path.contains(projected):
                    return ("grid", area)
        return None

    # --- events --------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        hit = self._hit(event.position())
        if hit is None:
            return
        kind, item = hit
        if kind == "case":
            self.select(case=item.id, grid=item.grid_id)
            self.caseSelected.emit(item.id)
        elif kind == "camera":
            self.select(camera=item.id, grid=item.grid_id)
            self.cameraSelected.emit(item.id)
        else:
            self.select(grid=item.id)
            self.gridSelected.emit(item.id)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            hit = self._hit(QPointF(event.pos()))
            if hit is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._tooltip(*hit), self)
            return True
        return super().event(event)

    def _tooltip(self, kind: str, item) -> str:
        if kind == "case":
            status = label(item.status_at(clock.now()))
            return f"{item.code}\n{item.title}\n{label(item.state)} · {status}"
        if kind == "camera":
            return f"{item.name}\n{item.device_id}"
        return (
            self.tr("%1 (grid %2): %3 open, %4 overdue")
            .replace("%1", item.name)
            .replace("%2", item.number)
            .replace("%3", str(item.open))
            .replace("%4", str(item.overdue))
        )

    # --- painting ------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Colors.BACKGROUND)
        transform = self._transform()
        if transform is None:
            painter.setPen(Colors.TEXT_DIM)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Loading map…"))
            return
        painter.save()
        painter.setTransform(transform)
        self._paint_areas(painter)
        painter.restore()
        self._paint_labels(painter, transform)
        if self.show_cameras:
            self._paint_cameras(painter, transform)
        if self.show_cases:
            self._paint_cases(painter, transform)
        self._paint_selection_marks(painter, transform)
        self._paint_legend(painter)
        painter.end()

    def _paint_areas(self, painter: QPainter) -> None:
        grid_pen = _pen(QColor("#46596d"), 1.0)
        hatch = QBrush(QColor(255, 77, 79, 150), Qt.BrushStyle.BDiagPattern)
        hatch.setTransform(painter.transform().inverted()[0])  # hatching in screen pixels
        for area in self._grids:
            painter.setPen(grid_pen)
            painter.setBrush(fill_for(area.open))
            painter.drawPath(area.path)
            if area.overdue:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(hatch)
                painter.drawPath(area.path)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_pen(QColor("#d6e6f5"), 2.6))
        for area in self._communities:
            painter.drawPath(area.path)
        if self._outline is not None:
            painter.setPen(_pen(Colors.ACCENT, 3.5))
            painter.drawPath(self._outline)
        highlight = None
        if self.selected_grid is not None:
            highlight = next((a for a in self._grids if a.id == self.selected_grid), None)
        elif self.selected_unit is not None:
            highlight = next((a for a in self._communities if a.id == self.selected_unit), None)
        if highlight is not None:
            painter.setBrush(QColor(255, 225, 77, 45))
            painter.setPen(_pen(Colors.SELECTED, 3.5))
            painter.drawPath(highlight.path)

    def _paint_labels(self, painter: QPainter, transform: QTransform) -> None:
        scale = transform.m11()
        small = scaled_font(self.font(), 0.8)
        painter.setFont(small)
        metrics = QFontMetricsF(small)
        for area in self._grids:
            if not self.show_numbers:
                break
            if area.label_at is None or area.path.boundingRect().width() * scale < 34:
                continue
            at = transform.map(self._project(*area.label_at))
            text = area.number
            width = metrics.horizontalAdvance(text)
            painter.setPen(QColor("#8da2b8"))
            painter.drawText(QPointF(at.x() - width / 2, at.y() + metrics.ascent() / 2), text)
        big = scaled_font(self.font(), 1.05, bold=True)
        painter.setFont(big)
        metrics = QFontMetricsF(big)
        for area in self._communities:
            if area.label_at is None:
                continue
            at = transform.map(self._project(*area.label_at))
            width = metrics.horizontalAdvance(area.name)
            origin = QPointF(at.x() - width / 2, at.y() - 10)
            _halo_text(painter, origin, area.name, big, QColor("#ffffff"))

    def _paint_cameras(self, painter: QPainter, transform: QTransform) -> None:
        painter.setPen(_pen(QColor("#0b1016"), 1.0))
        painter.setBrush(Colors.CAMERA)
        for _row, point in self._cameras:
            at = transform.map(point)
            painter.drawRect(QRectF(at.x() - 4, at.y() - 4, 8, 8))

    def _paint_cases(self, painter: QPainter, transform: QTransform) -> None:
        now = clock.now()
        for row, point in self._cases:
            draw_marker(painter, transform.map(point), row.status_at(now))

    def _paint_selection_marks(self, painter: QPainter, transform: QTransform) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_pen(Colors.SELECTED, 3.0))
        for row, point in self._cases:
            if row.id == self.selected_case:
                painter.drawEllipse(transform.map(point), 14, 14)
        for row, point in self._cameras:
            if row.id == self.selected_camera:
                painter.drawEllipse(transform.map(point), 11, 11)

    def _legend_entries(self):
        return [
            ("marker", DeadlineStatus.OVERDUE, self.tr("Overdue case")),
            ("marker", DeadlineStatus.NEAR_DUE, self.tr("Near due case")),
            ("marker", DeadlineStatus.ON_TIME, self.tr("Case on time")),
            ("marker", DeadlineStatus.NONE, self.tr("New report, not filed")),
            ("camera", None, self.tr("Camera")),
            ("hatch", None, self.tr("Grid with overdue cases")),
            ("fill", 0, self.tr("Grid without open cases")),
            ("fill", 3, self.tr("Grid with 2–3 open cases")),
            ("fill", 7, self.tr("Grid with 7+ open cases")),
        ]

    def _legend_font(self) -> QFont:
        return scaled_font(self.font(), 0.9)

    def _legend_layout(self) -> tuple[list[tuple[QPointF, tuple]], float]:
        """Entries flowed left to right over as many rows as the width needs, and the band's
        height."""
        metrics = QFontMetricsF(self._legend_font())
        line = max(24.0, metrics.height() + 8)
        x, y, placed = 12.0, 6.0, []
        for entry in self._legend_entries():
            width = 34 + metrics.horizontalAdvance(entry[2]) + 20
            if x + width > self.width() - 12 and placed:
                x, y = 12.0, y + line
            placed.append((QPointF(x, y), entry))
            x += width
        return placed, y + line + 6

    def _paint_legend(self, painter: QPainter) -> None:
        font = self._legend_font()
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        placed, height = self._legend_layout()
        top = self.height() - height
        painter.fillRect(QRectF(0, top, self.width(), height), QColor("#0f161e"))
        painter.setPen(_pen(Colors.BORDER, 1))
        painter.drawLine(QPointF(0, top), QPointF(self.width(), top))
        line = max(24.0, metrics.height() + 8)
        for origin, (kind, value, text) in placed:
            centre = QPointF(origin.x() + 12, top + origin.y() + line / 2)
            if kind == "marker":
                draw_marker(painter, centre, value)
            elif kind == "camera":
                painter.setPen(_pen(QColor("#0b1016"), 1.0))
                painter.setBrush(Colors.CAMERA)
                painter.drawRect(QRectF(centre.x() - 4, centre.y() - 4, 8, 8))
            else:
                swatch = QRectF(centre.x() - 11, centre.y() - 7, 22, 14)
                painter.setPen(_pen(QColor("#46596d"), 1))
                painter.setBrush(fill_for(value or 0))
                painter.drawRect(swatch)
                if kind == "hatch":
                    painter.setBrush(QBrush(QColor(255, 77, 79, 200), Qt.BrushStyle.BDiagPattern))
                    painter.drawRect(swatch)
            painter.setPen(Colors.TEXT)
            painter.drawText(QPointF(origin.x() + 30, centre.y() + metrics.ascent() / 2 - 2), text)


def draw_marker(painter: QPainter, at: QPointF, status: DeadlineStatus) -> None:
    """A case marker whose shape, not only its colour, says the deadline status."""
    painter.save()
    painter.setPen(_pen(QColor("#0b1016"), 1.5))
    x, y = at.x(), at.y()
    if status is DeadlineStatus.OVERDUE:  # red triangle with "!"
        painter.setBrush(Colors.OVERDUE)
        painter.drawPolygon(
            QPolygonF([QPointF(x, y - 9), QPointF(x + 9, y + 7), QPointF(x - 9, y + 7)])
        )
        painter.setPen(_pen(QColor("#ffffff"), 2.0))
        painter.drawLine(QPointF(x, y - 3), QPointF(x, y + 2))
        painter.drawPoint(QPointF(x, y + 5))
    elif status is DeadlineStatus.NEAR_DUE:  # amber diamond
        painter.setBrush(Colors.NEAR_DUE)
        painter.drawPolygon(
            QPolygonF([QPointF(x, y - 8), QPointF(x + 8, y), QPointF(x, y + 8), QPointF(x - 8, y)])
        )
    elif status is DeadlineStatus.ON_TIME:  # green dot
        painter.setBrush(Colors.ON_TIME)
        painter.drawEllipse(at, 5, 5)
    else:  # new report: cyan ring
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_pen(Colors.NEW, 3.0))
        painter.drawEllipse(at, 6, 6)
    painter.restore()


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)  # width in screen pixels whatever the transform
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _halo_text(painter: QPainter, origin: QPointF, text: str, font: QFont, colour: QColor) -> None:
    path = QPainterPath()
    path.addText(origin, font, text)
    painter.save()
    painter.setPen(
        QPen(
            QColor(11, 16, 22, 230),
            4,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
    )
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPath(path)
    painter.restore()


def _distance(a: QPointF, b: QPointF) -> float:
    return math.hypot(a.x() - b.x(), a.y() - b.y())


class MapPanel(QWidget):
    """The map with its layer switches above it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self.map = MapView(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 4, 10, 4)
        bar.setSpacing(18)
        caption = QLabel(self.tr("Layers:"), self)
        caption.setObjectName("layerCaption")
        bar.addWidget(caption)
        self.switches: dict[str, QCheckBox] = {}
        for layer, text in (
            ("cases", self.tr("Open cases")),
            ("cameras", self.tr("Cameras")),
            ("numbers", self.tr("Grid numbers")),
        ):
            box = QCheckBox(text, self)
            box.setObjectName("layerSwitch")
            box.setChecked(True)
            box.toggled.connect(lambda on, name=layer: self.map.set_layer(name, on))
            self.switches[layer] = box
            bar.addWidget(box)
        bar.addStretch(1)
        hint = QLabel(self.tr("Click a grid, a case or a camera for its details"), self)
        hint.setObjectName("layerHint")
        bar.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.map, 1)
