"""The performance tab's charts (pyqtgraph): intake and closures per day, the open backlog,
and rates by grouping; a click on a bar or a point names what is under it."""

from __future__ import annotations

import datetime as dt

import pyqtgraph as pg
from PySide6.QtCore import (
    QPoint,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from ui.common.style import Colors

INTAKE_COLOUR = Colors.ACCENT
CLOSED_COLOUR = Colors.ON_TIME
BACKLOG_COLOUR = Colors.NEAR_DUE


def _style_plot(plot: pg.PlotItem) -> None:
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTextPen(pg.mkPen(Colors.TEXT))
        axis.setPen(pg.mkPen(Colors.BORDER))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class _ClickablePlot(pg.PlotWidget):
    """A plot whose clicks are turned into view coordinates; ``point_of`` goes the other way
    (for a test to click where a bar is)."""

    def __init__(self, parent=None):
        super().__init__(parent=parent, background=Colors.PANEL)
        self.plot = self.getPlotItem()
        _style_plot(self.plot)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.plot.getAxis("left").setWidth(48)  # the day charts line up one above the other
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def _scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        box = self.plot.vb
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = box.mapSceneToView(event.scenePos())
        self.clicked_at(point.x(), point.y())

    def clicked_at(self, x: float, y: float) -> None:  # pragma: no cover - overridden
        pass

    def view_to_widget(self, x: float, y: float) -> QPoint:
        scene = self.plot.vb.mapViewToScene(QPointF(x, y))
        return self.mapFromScene(scene)


class DailyChart(_ClickablePlot):
    """Cases reported (left bar) and closed (right bar) per day."""

    barClicked = Signal(int, str)  # day index, "intake" or "closed"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiDailyChart")
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.intake: list[int] = []
        self.closed: list[int] = []
        self.days: list[dt.date] = []
        self._items: list = []
        self.setMinimumHeight(200)

    def set_series(self, days: list[dt.date], intake: list[int], closed: list[int], title: str):
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.days, self.intake, self.closed = list(days), list(intake), list(closed)
        xs = list(range(len(days)))
        for values, offset, colour in (
            (intake, -0.2, INTAKE_COLOUR),
            (closed, 0.2, CLOSED_COLOUR),
        ):
            bars = pg.BarGraphItem(
                x=[x + offset for x in xs],
                height=values,
                width=0.38,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(None),
            )
            self.plot.addItem(bars)
            self._items.append(bars)
        self.plot.setTitle(title, color=Colors.TEXT.name(), size="12pt")
        self.plot.getAxis("bottom").setTicks([day_ticks(days)])
        top = max([*intake, *closed, 1])
        self.plot.setXRange(-0.7, len(days) - 0.3, padding=0)
        self.plot.setYRange(0, top * 1.1, padding=0)

    def clicked_at(self, x: float, y: float) -> None:
        index = round(x)
        if 0 <= index < len(self.days) and y >= 0:
            self.barClicked.emit(index, "intake" if x < index else "closed")

    def point_of(self, index: int, figure: str) -> QPoint:
        values = self.intake if figure == "intake" else self.closed
        offset = -0.2 if figure == "intake" else 0.2
        return self.view_to_widget(index + offset, max(values[index] / 2, 0.05))


class BacklogChart(_ClickablePlot):
    """Open cases at the end of each day (a line; days after now are left out)."""

    pointClicked = Signal(int)  # day index

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiBacklogChart")
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.values: list[int | None] = []
        self.days: list[dt.date] = []
        self._items: list = []
        self.setMinimumHeight(150)

    def set_series(self, days: list[dt.date], values: list[int | None], title: str) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.days, self.values = list(days), list(values)
        known = [(i, v) for i, v in enumerate(values) if v is not None]
        if known:
            curve = pg.PlotDataItem(
                [i for i, _ in known],
                [v for _, v in known],
                pen=pg.mkPen(BACKLOG_COLOUR, width=3),
                symbol="o",
                symbolSize=7,
                symbolBrush=pg.mkBrush(BACKLOG_COLOUR),
                symbolPen=pg.mkPen(None),
            )
            self.plot.addItem(curve)
            self._items.append(curve)
            last_index, last_value = known[-1]
            text = pg.TextItem(str(last_value), color=Colors.TEXT, anchor=(0.5, 1.2))
            text.setFont(bold_font(self.font()))
            text.setPos(last_index, last_value)
            self.plot.addItem(text)
            self._items.append(text)
        self.plot.setTitle(title, color=Colors.TEXT.name(), size="12pt")
        self.plot.getAxis("bottom").setTicks([day_ticks(days)])
        top = max([v for _, v in known] + [1])
        self.plot.setXRange(-0.7, len(days) - 0.3, padding=0)
        self.plot.setYRange(0, top * 1.25, padding=0)

    def clicked_at(self, x: float, y: float) -> None:
        index = round(x)
        if 0 <= index < len(self.values) and self.values[index] is not None:
            self.pointClicked.emit(index)

    def point_of(self, index: int) -> QPoint:
        return self.view_to_widget(index, self.values[index] or 0)


class RateChart(_ClickablePlot):
    """One figure per group as horizontal bars, the worst first, the value at each bar."""

    barClicked = Signal(int)  # row index (into ``rows``)

    ROW_HEIGHT = 30

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiRateChart")
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.plot.getAxis("bottom").hide()
        self.rows: list[tuple[str, float | None, str]] = []  # name, value, text
        self._items: list = []
        self._tick_font = QFont(self.font())

    def set_rows(
        self, rows: list[tuple[str, float | None, str]], colour: QColor, *, rate: bool
    ) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items = []
        self.rows = list(rows)
        count = len(rows)
        ys = [count - 1 - i for i in range(count)]
        widths = [value or 0 for _, value, _ in rows]
        if rows:
            bars = pg.BarGraphItem(
                x0=[0] * count,
                y=ys,
                height=0.66,
                width=widths,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(None),
            )
            self.plot.addItem(bars)
            self._items.append(bars)
        top = 1.0 if rate else max([*widths, 1])
        for y, (_, _, text), width in zip(ys, rows, widths, strict=True):
            item = pg.TextItem(text, color=Colors.TEXT, anchor=(0, 0.5))
            item.setFont(self.font())
            item.setPos(width + top * 0.01, y)
            self.plot.addItem(item)
            self._items.append(item)
        left = self.plot.getAxis("left")
        left.setTicks([[(y, name) for y, (name, _, _) in zip(ys, rows, strict=True)]])
        metrics = QFontMetricsF(self._tick_font)
        left.setWidth(int(max((metrics.horizontalAdvance(n) for n, _, _ in rows), default=40) + 20))
        self.plot.setXRange(0, top * 1.32, padding=0)
        self.plot.setYRange(-0.6, max(count, 1) - 0.4, padding=0)
        self.setMinimumHeight(max(160, count * self.ROW_HEIGHT + 30))

    def clicked_at(self, x: float, y: float) -> None:
        count = len(self.rows)
        row = count - 1 - round(y)
        if 0 <= row < count and x >= 0:
            self.barClicked.emit(row)

    def point_of(self, row: int) -> QPoint:
        value = self.rows[row][1] or 0
        return self.view_to_widget(max(value / 2, 0.005), len(self.rows) - 1 - row)


def bold_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def day_ticks(days: list[dt.date]) -> list[tuple[int, str]]:
    """Day numbers under a month's bars; MM-DD at weekly steps for longer periods."""
    if len(days) <= 31:
        step = 1 if len(days) <= 16 else 2
        return [(i, str(d.day)) for i, d in enumerate(days) if i % step == 0]
    step = 7 if len(days) <= 120 else 30
    return [(i, d.strftime("%m-%d")) for i, d in enumerate(days) if i % step == 0]


# --- the list of cases behind a figure ----------------------------------------------------------
