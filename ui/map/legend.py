"""The map's legend, floating over its lower left corner: which measure colours the grids (the
officer picks it here), what each colour means now, and what the markers mean."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.enums import Urgency
from commandcenter.geo.choropleth import Classes, Measure
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.style import Colors, scaled_font
from ui.map.markers import draw_camera, draw_case_marker, draw_cluster, pen
from ui.map.render import NO_DATA

SWATCH_W, ROW_H = 30, 30


class _Swatches(QWidget):
    """The colour classes of the current measure, one row each, and the marker key."""

    def __init__(self, parent=None, columns: int = 1):
        super().__init__(parent)
        self.entries: list[tuple[str, object, str]] = []
        self.columns = columns

    def set_entries(self, entries) -> None:
        self.entries = list(entries)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = -(-len(self.entries) // self.columns)
        return QSize(int(self._column_width()) * self.columns, ROW_H * rows + 2)

    def _column_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        width = max((metrics.horizontalAdvance(t) for _, _, t in self.entries), default=80)
        return width + SWATCH_W + 18

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetricsF(self.font())
        small = scaled_font(self.font(), 0.75, bold=True)
        rows = -(-len(self.entries) // self.columns)
        column_width = self._column_width()
        for i, (kind, value, text) in enumerate(self.entries):
            left = (i // rows) * column_width
            centre = QPointF(left + SWATCH_W / 2 + 1, (i % rows) * ROW_H + ROW_H / 2)
            if kind == "fill":
                painter.setPen(pen(QColor("#46596d"), 1))
                painter.setBrush(value)
                painter.drawRect(QRectF(1, centre.y() - 7, SWATCH_W - 2, 14))
            elif kind == "case":
                draw_case_marker(painter, centre, value)
            elif kind == "urgent":
                draw_case_marker(painter, centre, DeadlineStatus.ON_TIME, value)
            elif kind == "cluster":
                draw_cluster(painter, centre, value, 3, small)
            elif kind == "camera":
                draw_camera(painter, centre, value)
            painter.setPen(Colors.TEXT)
            painter.drawText(
                QPointF(
                    left + SWATCH_W + 10, centre.y() + (metrics.ascent() - metrics.descent()) / 2
                ),
                text,
            )
        painter.end()


class _ClassBar(QWidget):
    """The colour classes side by side, each with its range under it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[tuple[QColor, str]] = []

    def set_entries(self, entries) -> None:
        self.entries = list(entries)
        self.updateGeometry()
        self.update()

    def _cell_width(self) -> float:
        metrics = QFontMetricsF(self.font())
        return max([36.0] + [metrics.horizontalAdvance(t) + 10 for _, t in self.entries])

    def sizeHint(self) -> QSize:
        metrics = QFontMetricsF(self.font())
        return QSize(
            int(self._cell_width() * len(self.entries)) + 2, int(16 + metrics.height()) + 4
        )

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        metrics = QFontMetricsF(self.font())
        width = self._cell_width()
        for i, (colour, text) in enumerate(self.entries):
            rect = QRectF(1 + i * width, 1, width - 2, 14)
            painter.setPen(pen(QColor("#46596d"), 1))
            painter.setBrush(colour)
            painter.drawRect(rect)
            painter.setPen(Colors.TEXT)
            painter.drawText(
                QRectF(rect.left(), 18, rect.width(), metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                text,
            )
        painter.end()


class MapLegend(QFrame):
    measureChosen = Signal(object)  # Measure
    resized = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mapLegend")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#mapLegend { background: rgba(15, 22, 30, 235); border: 1px solid #2c3a4a;"
            " border-radius: 6px; }"
            " #legendTitle, #legendHint { color: #9fb0c2; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        row = QHBoxLayout()
        title = QLabel(self.tr("Colour grids by"), self)
        title.setObjectName("legendTitle")
        row.addWidget(title)
        self.measure_box = QComboBox(self)
        self.measure_box.setObjectName("measureChoice")
        for measure, text in (
            (Measure.OPEN, self.tr("Open cases")),
            (Measure.OVERDUE, self.tr("Overdue cases")),
            (Measure.PER_THOUSAND, self.tr("Open cases per 1,000 residents")),
        ):
            self.measure_box.addItem(text, measure)
        self.measure_box.currentIndexChanged.connect(
            lambda i: self.measureChosen.emit(Measure(self.measure_box.itemData(i)))
        )
        row.addWidget(self.measure_box, 1)
        layout.addLayout(row)
        self.classes_view = _ClassBar(self)
        layout.addWidget(self.classes_view)
        self.markers_view = _Swatches(self, columns=2)
        self.markers_view.set_entries(
            [
                ("case", DeadlineStatus.OVERDUE, self.tr("Overdue case")),
                ("case", DeadlineStatus.NEAR_DUE, self.tr("Near due case")),
                ("case", DeadlineStatus.ON_TIME, self.tr("Case on time")),
                ("case", DeadlineStatus.NONE, self.tr("New report, not filed")),
                ("urgent", Urgency.URGENT, self.tr("Urgent case")),
                ("urgent", Urgency.CRITICAL, self.tr("Critical case")),
                ("cluster", 12, self.tr("Several cases")),
                ("camera", True, self.tr("Camera online")),
                ("camera", False, self.tr("Camera offline")),
            ]
        )
        layout.addWidget(self.markers_view)
        self.hint = QLabel(self.tr("Drag: move · wheel: zoom · right-click: new case"), self)
        self.hint.setObjectName("legendHint")
        layout.addWidget(self.hint)
        self.symbols_button = QToolButton(self)
        self.symbols_button.setObjectName("legendSymbols")
        self.symbols_button.setCheckable(True)
        self.symbols_button.toggled.connect(self.show_symbols)
        row.addWidget(self.symbols_button)
        self.show_symbols(False)

    def show_symbols(self, shown: bool) -> None:
        """The marker key folds away: the colour classes alone take little of the map."""
        self.markers_view.setVisible(shown)
        self.hint.setVisible(shown)
        self.symbols_button.setText(self.tr("Symbols ▾") if shown else self.tr("Symbols ▸"))
        self.symbols_button.setChecked(shown)
        self.adjustSize()
        self.resized.emit()

    def set_measure(self, measure: Measure) -> None:
        self.measure_box.setCurrentIndex(self.measure_box.findData(measure))

    def set_classes(self, classes: Classes, palette, has_no_data: bool) -> None:
        entries = [(QColor(palette[k]), classes.label(k)) for k in range(len(classes))]
        if has_no_data:
            entries.append((NO_DATA, self.tr("no residents")))
        self.classes_view.set_entries(entries)
        self.adjustSize()
        self.resized.emit()
