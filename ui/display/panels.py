"""The wall display's panels: map, board summary, KPI tiles, ticker, clock, video.

Each panel is read-only: it shows what the ``Console`` holds and offers no action. Status is
never colour alone: every count or case carries a symbol and a word (▲ overdue, ● near due).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cases.board import Stage, stage_counts
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import DeadlineStatus
from commandcenter.video.wall import LAYOUTS
from ui.common.labels import format_rate, label
from ui.common.style import set_tone
from ui.map.view import MapView
from ui.video.wall import CameraTile, VideoWall

OVERDUE_LIST = 6  # overdue cases the board panel lists
TICKER_STEP_S = 6  # the ticker shows each case this long


def _label(text: str, parent: QWidget, name: str = "") -> QLabel:
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class LineLabel(QLabel):
    """One line that never runs past its panel's edge: its middle (a case's title) gives way,
    its ends (the code; how late, where) stay. The whole line is the tooltip."""

    def __init__(self, parent: QWidget, name: str):
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setToolTip(text)
        self._fit()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, width)
        super().setText(shown if width > 0 else self._full)


class DisplayPanel(QFrame):
    """A framed panel with a title line."""

    kind = ""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("displayPanel")
        self.setProperty("kind", self.kind)
        self.title = _label(title, self, "panelTitle")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(10, 6, 10, 8)
        self.body.setSpacing(4)
        self.body.addWidget(self.title)

    def set_now(self, now: dt.datetime) -> None:  # the display's one-second tick
        pass


# --- map -----------------------------------------------------------------------------------------


class DisplayMap(MapView):
    """The grid map, shown whole and never edited: no context menu, no picking, no panning."""

    def context_menu(self, pos):  # no "new case here"
        return None

    def contextMenuEvent(self, event) -> None:
        event.ignore()

    def mousePressEvent(self, event) -> None:
        event.ignore()

    def mouseReleaseEvent(self, event) -> None:
        event.ignore()

    def mouseMoveEvent(self, event) -> None:
        event.ignore()

    def mouseDoubleClickEvent(self, event) -> None:
        event.ignore()

    def wheelEvent(self, event) -> None:
        event.ignore()

    def keyPressEvent(self, event) -> None:
        event.ignore()

    def start_picking(self) -> None:  # never
        pass

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.prepared_geometry is not None:
            self.fit_jurisdiction(animate=False)


class DisplayMapPanel(DisplayPanel):
    kind = "map"

    def __init__(self, console, title: str = "", parent=None):
        super().__init__(title or self.tr("Grid map: open cases per grid"), parent)
        self.console = console
        self.map = DisplayMap(self)
        self.map.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.map.setMinimumSize(80, 60)
        self.body.addWidget(self.map, 1)
        self.key = _label(
            self.tr("Darker grids: more open cases · ▲ overdue · ● near due · ■ camera"),
            self,
            "panelNote",
        )
        self.body.addWidget(self.key)
        console.treeChanged.connect(self.map.set_tree)
        console.loaded.connect(self._on_loaded)
        console.casesChanged.connect(self.map.apply_cases)
        console.camerasChanged.connect(self.map.set_cameras)
        console.countsChanged.connect(self._on_counts)
        console.clockTicked.connect(self.map.set_now)
        if console.tree is not None:
            self.map.set_tree(console.tree)
            self._on_loaded(None)

    def _on_loaded(self, _data) -> None:
        self.map.set_now(self.console.now())
        self.map.set_cases(self.console.store.open_rows())
        self.map.set_cameras(tuple(self.console.cameras.values()))

    def _on_counts(self, _dashboard, counted) -> None:
        if counted is not None:
            self.map.set_grid_figures(g for node in counted.walk() for g in node.grids)


# --- board summary ---------------------------------------------------------------------------------


class BoardPanel(DisplayPanel):
    kind = "board"

    def __init__(self, console, title: str = "", parent=None):
        super().__init__(title or self.tr("Cases by stage"), parent)
        self.console = console
        names = {stage: label(stage) for stage in Stage}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.counts: dict[Stage, QLabel] = {}
        for i, stage in enumerate(Stage):
            grid.addWidget(_label(names[stage], self), i, 0)
            count = _label("—", self, "stageCount")
            count.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(count, i, 1)
            self.counts[stage] = count
        grid.setColumnStretch(0, 1)
        self.body.addLayout(grid)
        self.overdue_title = _label("", self, "panelTitle")
        self.body.addWidget(self.overdue_title)
        self.overdue_lines = [LineLabel(self, "overdueLine") for _ in range(OVERDUE_LIST)]
        for line in self.overdue_lines:
            self.body.addWidget(line)
        self.body.addStretch(1)
        console.countsChanged.connect(self.refresh)

    def refresh(self, *_args) -> None:
        rows = self.console.store.rows()
        counts = stage_counts(rows)
        for stage, count_label in self.counts.items():
            count_label.setText(str(counts[stage]))
        overdue = overdue_rows(rows)
        self.overdue_title.setText(self.tr("▲ Overdue: %1").replace("%1", str(len(overdue))))
        set_tone(self.overdue_title, "alarm" if overdue else "ok")
        now = self.console.now()
        for line, row in zip(self.overdue_lines, [*overdue, *[None] * OVERDUE_LIST], strict=False):
            line.setText(case_line(row, now, self.tr("overdue %1")) if row else "")


def overdue_rows(rows) -> list[CaseRow]:
    """Open overdue cases, the longest overdue first."""
    found = [r for r in rows if r.deadline_status is DeadlineStatus.OVERDUE and r.closed_at is None]
    return sorted(found, key=lambda r: (r.deadline or dt.datetime.max, r.id))


def _hours(delta: dt.timedelta) -> str:
    hours = max(0, int(delta.total_seconds() // 3600))
    return f"{hours // 24}d {hours % 24}h" if hours >= 24 else f"{hours}h"


def case_line(row: CaseRow, now: dt.datetime, overdue_text: str) -> str:
    late = overdue_text.replace("%1", _hours(now - row.deadline)) if row.deadline else ""
    where = row.grid_name or ""
    return f"▲ {row.code[-6:]}  {row.title}  · {where}  · {late}"


# --- KPI tiles -----------------------------------------------------------------------------------


class KpiPanel(DisplayPanel):
    kind = "kpi"

    def __init__(self, console, title: str = "", parent=None):
        super().__init__(title or self.tr("Today and this month"), parent)
        self.console = console
        grid = QGridLayout()
        grid.setSpacing(8)
        self.tiles: dict[str, tuple[QLabel, QLabel]] = {}
        names = {
            "today_intake": self.tr("Reported today"),
            "today_closed": self.tr("Closed today"),
            "open": self.tr("Open"),
            "near_due": self.tr("● Near due"),
            "overdue": self.tr("▲ Overdue"),
            "month_closed": self.tr("Closed this month"),
            "month_rate": self.tr("On time this month"),
            "cameras": self.tr("Cameras"),
        }
        for i, (key, name) in enumerate(names.items()):
            tile = QFrame(self)
            tile.setObjectName("kpiTile")
            box = QVBoxLayout(tile)
            box.setContentsMargins(8, 4, 8, 4)
            box.setSpacing(0)
            value = _label("—", tile, "kpiValue")
            caption = _label(name, tile, "kpiCaption")
            box.addWidget(value)
            box.addWidget(caption)
            grid.addWidget(tile, i // 2, i % 2)
            self.tiles[key] = (value, caption)
        self.body.addLayout(grid, 1)
        console.countsChanged.connect(self.set_dashboard)
        if console.dashboard is not None:
            self.set_dashboard(console.dashboard)

    def set_dashboard(self, dashboard, *_args) -> None:
        values = {
            "today_intake": str(dashboard.today_intake),
            "today_closed": str(dashboard.today_closed),
            "open": str(dashboard.open_cases),
            "near_due": str(dashboard.near_due),
            "overdue": str(dashboard.overdue),
            "month_closed": str(dashboard.month_closed),
            "month_rate": format_rate(dashboard.month_on_time_rate),
            "cameras": str(dashboard.cameras),
        }
        for key, text in values.items():
            self.tiles[key][0].setText(text)
        set_tone(self.tiles["overdue"][0], "alarm" if dashboard.overdue else "ok")
        set_tone(self.tiles["near_due"][0], "warn" if dashboard.near_due else "ok")

    def value(self, key: str) -> str:
        return self.tiles[key][0].text()


# --- ticker --------------------------------------------------------------------------------------


class TickerPanel(DisplayPanel):
    """Overdue and 督办 cases, one at a time: readable from afar, unlike a scrolling line."""

    kind = "ticker"

    def __init__(self, console, title: str = "", parent=None):
        super().__init__(title or self.tr("Overdue and supervised (督办) cases"), parent)
        self.console = console
        self.line = LineLabel(self, "tickerLine")
        self.body.addWidget(self.line, 1)
        self.items: list[str] = []
        self.index = 0
        self._seconds = 0
        console.countsChanged.connect(self.refresh)

    def refresh(self, *_args) -> None:
        now = self.console.now()
        rows = self.console.store.open_rows()
        supervised = sorted(
            (r for r in rows if r.supervision_open), key=lambda r: (r.deadline or now, r.id)
        )
        items = [
            "◆ " + self.tr("督办") + f"  {r.code[-6:]}  {r.title}  · {r.grid_name or ''}"
            for r in supervised
        ]
        items += [case_line(r, now, self.tr("overdue %1")) for r in overdue_rows(rows)]
        self.items = items
        self.index %= max(1, len(items))
        self._show()

    def set_now(self, now: dt.datetime) -> None:
        self._seconds += 1
        if self._seconds >= TICKER_STEP_S and self.items:
            self._seconds = 0
            self.index = (self.index + 1) % len(self.items)
            self._show()

    def _show(self) -> None:
        if not self.items:
            self.line.setText(self.tr("✓ No overdue or supervised case"))
            set_tone(self.line, "ok")
            return
        position = f"{self.index + 1}/{len(self.items)}  "
        self.line.setText(position + self.items[self.index])
        set_tone(self.line, "alarm")


# --- clock ---------------------------------------------------------------------------------------


class ClockPanel(DisplayPanel):
    kind = "clock"

    def __init__(self, console, title: str = "", parent=None):
        super().__init__(title, parent)
        self.title.setVisible(bool(title))
        self.console = console
        row = QHBoxLayout()
        self.time = _label("", self, "clockTime")
        self.date = _label("", self, "clockDate")
        row.addWidget(self.time, 3)
        row.addWidget(self.date, 2)
        self.body.addLayout(row, 1)
        self.set_now(console.now())

    def set_now(self, now: dt.datetime) -> None:
        weekdays = [
            self.tr("Monday"), self.tr("Tuesday"), self.tr("Wednesday"), self.tr("Thursday"),
            self.tr("Friday"), self.tr("Saturday"), self.tr("Sunday"),
        ]  # fmt: skip
        self.time.setText(now.strftime("%H:%M:%S"))
        self.date.setText(f"{now:%Y-%m-%d}\n{weekdays[now.weekday()]}")


# --- video ---------------------------------------------------------------------------------------


class VideoPanel(DisplayPanel):
    """Camera tiles in the panel's own layout, paged by its tour (or through every camera).
    The console's video wall without its controls: no camera list, no tour editing, no tile
    menu (snapshots and new cases), no dropping cameras."""

    kind = "video"

    def __init__(self, console, panel, parent=None, registry=None):
        super().__init__(panel.title or self.tr("Video"), parent)
        self.console = console
        self.panel = panel
        self.wall = VideoWall(self, registry=registry)
        self._strip(self.wall)
        self.wall.set_layout(panel.layout if panel.layout in LAYOUTS else "4")
        self.body.addWidget(self.wall, 1)
        console.camerasChanged.connect(self._on_cameras)
        console.toursChanged.connect(self._on_tours)
        self.pages_seconds = 0
        if console.cameras:
            self._on_cameras(tuple(console.cameras.values()))

    @staticmethod
    def _strip(wall: VideoWall) -> None:
        for child in wall.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not isinstance(child, CameraTile):
                child.hide()
        for button in wall.findChildren(QToolButton):
            if button.menu() is not None:
                button.menu().clear()
                button.setMenu(None)
        for tile in wall.tiles:
            tile.setAcceptDrops(False)
            try:
                tile.menuRequested.disconnect()
                tile.doubleClicked.disconnect()
            except (RuntimeError, TypeError):
                pass

    def _on_cameras(self, rows) -> None:
        self.wall.set_cameras(rows)
        self._on_tours(self.console.tours)

    def _on_tours(self, tours) -> None:
        self.wall.set_tours(tours)
        name = self.panel.tour
        if name and any(t.name == name for t in tours) and not self.wall.touring:
            self.wall.start_tour(name)

    def set_now(self, now: dt.datetime) -> None:
        """Without a tour, page through every camera every ``dwell_seconds``."""
        if self.wall.touring or not self.isVisible():
            return
        self.pages_seconds += 1
        if self.pages_seconds >= self.panel.dwell_seconds and self.wall.page_count > 1:
            self.pages_seconds = 0
            self.wall.show_page((self.wall.page + 1) % self.wall.page_count)

    def shutdown(self) -> None:
        self.wall.shutdown()
