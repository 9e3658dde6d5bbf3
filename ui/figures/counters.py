"""Figures: the day's counters and open cases by category and by state (pyqtgraph bars).

A counter card is a button: clicking "Overdue" shows the overdue cases on the board.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cases.dashboard import Dashboard
from commandcenter.domain.enums import CaseCategory, CaseState
from ui.common.labels import format_rate, label
from ui.common.style import Colors


class CounterCard(QFrame):
    """A big number with its name and unit; ``tone`` picks the QSS accent."""

    clicked = Signal(str)

    def __init__(self, key: str, title: str, unit: str, tone: str = "normal", parent=None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("counterCard")
        self.setProperty("tone", tone)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title = QLabel(title, self)
        self.title.setObjectName("counterTitle")
        self.value = QLabel("—", self)
        self.value.setObjectName("counterValue")
        self.unit = QLabel(unit, self)
        self.unit.setObjectName("counterUnit")
        self.note = QLabel("", self)
        self.note.setObjectName("counterNote")
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.value)
        row.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def set_value(self, text: str, note: str = "") -> None:
        self.value.setText(text)
        self.note.setText(note)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.key)


class BarChart(pg.PlotWidget):
    """Horizontal bars with the names on the left axis and the count at each bar's end."""

    def __init__(self, title: str, colour, parent=None):
        super().__init__(parent=parent, background=Colors.PANEL)
        self.setObjectName("barChart")
        self._colour = colour
        self._texts: list[pg.TextItem] = []
        self._bars: pg.BarGraphItem | None = None
        plot = self.getPlotItem()
        plot.setTitle(title, color=Colors.TEXT.name(), size="13pt")
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=False, alpha=0.15)
        font = QFont(self.font())
        self._tick_font = font
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTextPen(pg.mkPen(Colors.TEXT))
            axis.setPen(pg.mkPen(Colors.BORDER))
            axis.setTickFont(font)
        self.setMinimumHeight(240)

    def set_counts(self, items: list[tuple[str, int]]) -> None:
        plot = self.getPlotItem()
        if self._bars is not None:
            plot.removeItem(self._bars)
        for text in self._texts:
            plot.removeItem(text)
        self._texts = []
        # Top to bottom in the given order: y counts down.
        ys = [len(items) - 1 - i for i in range(len(items))]
        counts = [count for _, count in items]
        self._bars = pg.BarGraphItem(
            x0=[0] * len(items),
            y=ys,
            height=0.62,
            width=counts,
            brush=pg.mkBrush(self._colour),
            pen=pg.mkPen(None),
        )
        plot.addItem(self._bars)
        top = max(counts, default=0)
        for y, count in zip(ys, counts, strict=True):
            text = pg.TextItem(str(count), color=Colors.TEXT, anchor=(0, 0.5))
            text.setFont(self.font())
            text.setPos(count + max(top, 1) * 0.02, y)
            plot.addItem(text)
            self._texts.append(text)
        left = plot.getAxis("left")
        left.setTicks([[(y, name) for y, (name, _) in zip(ys, items, strict=True)]])
        metrics = QFontMetricsF(
            self._tick_font
        )  # wide enough for every name, or pyqtgraph drops it
        left.setWidth(int(max((metrics.horizontalAdvance(n) for n, _ in items), default=40) + 24))
        plot.setXRange(0, max(top, 1) * 1.15, padding=0)
        plot.setYRange(-0.6, len(items) - 0.4, padding=0)


class FiguresView(QWidget):
    counterClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("figuresView")
        kg = self.tr("cases")
        self.cards = {
            "today_intake": CounterCard("today_intake", self.tr("Reported today"), kg),
            "today_closed": CounterCard("today_closed", self.tr("Closed today"), kg, "good"),
            "reported": CounterCard("reported", self.tr("Awaiting filing"), kg, "new"),
            "open": CounterCard("open", self.tr("Open cases"), kg),
            "near_due": CounterCard("near_due", self.tr("Near due"), kg, "warn"),
            "overdue": CounterCard("overdue", self.tr("Overdue"), kg, "alarm"),
            "on_time": CounterCard("on_time", self.tr("On-time rate this month"), "", "good"),
            "cameras": CounterCard("cameras", self.tr("Cameras"), self.tr("units")),
        }
        cards = QGridLayout()
        cards.setSpacing(10)
        for i, card in enumerate(self.cards.values()):
            card.clicked.connect(self.counterClicked)
            cards.addWidget(card, i // 4, i % 4)
        self.category_chart = BarChart(self.tr("Open cases by category"), Colors.ACCENT, self)
        self.state_chart = BarChart(self.tr("Open cases by stage"), "#7f8cff", self)
        charts = QHBoxLayout()
        charts.setSpacing(10)
        charts.addWidget(self.category_chart, 1)
        charts.addWidget(self.state_chart, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        layout.addLayout(cards)
        layout.addLayout(charts, 1)

    def set_dashboard(self, d: Dashboard) -> None:
        self.cards["today_intake"].set_value(str(d.today_intake))
        self.cards["today_closed"].set_value(str(d.today_closed))
        self.cards["reported"].set_value(str(d.awaiting_filing))
        self.cards["open"].set_value(str(d.open_cases))
        self.cards["near_due"].set_value(str(d.near_due), "● " + self.tr("act before the deadline"))
        self.cards["overdue"].set_value(
            str(d.overdue), ("▲ " + self.tr("needs urging now")) if d.overdue else ""
        )
        self.cards["on_time"].set_value(
            format_rate(d.month_on_time_rate),
            self.tr("%1 of %2 closed on time")
            .replace("%1", str(d.month_closed_on_time))
            .replace("%2", str(d.month_closed)),
        )
        self.cards["cameras"].set_value(str(d.cameras))
        self.category_chart.set_counts([(label(c), d.by_category.get(c, 0)) for c in CaseCategory])
        self.state_chart.set_counts(
            [(label(s), d.by_state.get(s, 0)) for s in CaseState if s.is_open]
        )
