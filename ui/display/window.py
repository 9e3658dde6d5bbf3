"""The video-wall display: a read-only, borderless, full-screen window for the room's screens.

``WallDisplay(backend, profile)`` shows the profile's pages (``commandcenter.display``), one at
a time, rotating every page's ``seconds``; a mouse move, click, wheel or key in the window
pauses the rotation for ``pause_after_input_s`` (← and → page by hand). Nothing in it edits:
no menus, no case steps, no new case, no administration.

Its data come from one ``Console`` (the change feed reconnects by itself); a line at the
bottom says how fresh they are: "● Data updated at 14:05:09", or "✖ Connection lost since
14:03:40" while the feed fails (the feed keeps trying and the line turns back by itself).

One timer ticks once a second (clock, ticker, stale line, video pages) and one single-shot
timer waits for the next page: nothing grows while the wall runs for days.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from commandcenter.display import Page, Profile, Rect, choose_screens, union
from ui.common.alert_text import alert_text
from ui.common.style import set_tone
from ui.data.console import Console
from ui.display.panels import (
    BoardPanel,
    ClockPanel,
    DisplayMapPanel,
    DisplayPanel,
    KpiPanel,
    TickerPanel,
    VideoPanel,
)

TICK_MS = 1_000
PREROLL_MS = 3_000  # a video page's streams start this long before it shows
ALERT_SHOWN_S = 600  # an alert stays on the wall this long (the consoles keep theirs)
INPUT_EVENTS = {
    QEvent.Type.MouseMove,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
}


def screen_geometry(wanted: list[str]) -> tuple[QRect, list]:
    """The rectangle over the screens ``wanted`` (names, else indexes), and those screens."""
    screens = QApplication.screens()
    chosen = [screens[i] for i in choose_screens(wanted, [s.name() for s in screens])]
    rect = union([Rect(*s.geometry().getRect()) for s in chosen])
    return QRect(*rect), chosen


def style_sheet(em: int) -> str:
    """The display's sizes, all from the body text's em (``Profile.type_size_px``)."""

    def px(factor: float) -> str:
        return f"{max(8, round(em * factor))}px"

    return f"""
    QWidget#wallDisplay, QWidget#wallDisplay QWidget {{ font-size: {px(1)}; }}
    QFrame#displayPanel {{ background: #101821; border: 2px solid #2c3a4a;
                           border-radius: {px(0.3)}; }}
    QFrame#displayPanel QLabel {{ background: transparent; }}
    QLabel#panelTitle {{ font-size: {px(0.9)}; font-weight: bold; color: #9fb0c2; }}
    QLabel#panelTitle[tone="alarm"] {{ color: #ff4d4f; }}
    QLabel#panelNote {{ font-size: {px(0.7)}; color: #9fb0c2; }}
    QLabel#stageCount {{ font-size: {px(1.15)}; font-weight: bold; }}
    QLabel#overdueLine {{ font-size: {px(0.85)}; color: #ffb3b4; }}
    QFrame#kpiTile {{ background: #1b2633; border-radius: {px(0.25)}; }}
    QLabel#kpiValue {{ font-size: {px(2.0)}; font-weight: bold; }}
    QLabel#kpiValue[tone="alarm"] {{ color: #ff4d4f; }}
    QLabel#kpiValue[tone="warn"] {{ color: #ffb020; }}
    QLabel#kpiCaption {{ font-size: {px(0.8)}; color: #9fb0c2; }}
    QLabel#tickerLine {{ font-size: {px(1.2)}; font-weight: bold; }}
    QLabel#tickerLine[tone="alarm"] {{ color: #ffd0d0; }}
    QLabel#tickerLine[tone="ok"] {{ color: #3ddc84; }}
    QLabel#clockTime {{ font-size: {px(2.6)}; font-weight: bold;
                        font-family: "DejaVu Sans Mono", monospace; }}
    QLabel#clockDate {{ font-size: {px(1.0)}; color: #9fb0c2; }}
    QLabel#wallTitle {{ font-size: {px(1.0)}; font-weight: bold; }}
    QLabel#wallPage {{ font-size: {px(0.9)}; color: #9fb0c2; }}
    QLabel#freshness {{ font-size: {px(0.9)}; color: #3ddc84; font-weight: bold; }}
    QLabel#wallAlert {{ font-size: {px(1.0)}; font-weight: bold; color: #ffffff;
                        background: #b0181e; padding: 0 {px(0.4)}; }}
    QLabel#freshness[state="stale"] {{ color: #ffb020; }}
    QLabel#freshness[state="error"] {{ color: #ffffff; background: #b0181e;
                                       padding: 0 {px(0.4)}; }}
    """


class WallDisplay(QWidget):
    pageChanged = Signal(int)

    def __init__(
        self,
        backend,
        profile: Profile,
        parent: QWidget | None = None,
        *,
        feed_interval_ms: int | None = None,
        page_ms: int | None = None,  # tests: every page this long instead of its seconds
        monotonic=time.monotonic,
        type_px: int | None = None,
        preroll_ms: int = PREROLL_MS,
    ):
        super().__init__(parent)
        self.setObjectName("wallDisplay")
        self.setWindowTitle(profile.title)
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.profile = profile
        self.backend = backend
        self.console = Console(backend, self, feed_interval_ms=feed_interval_ms)
        self.page_index = 0
        self._page_ms = page_ms
        self._monotonic = monotonic
        self.last_input: float | None = None
        self.lost_since = None  # the backend clock's time of the first failure in a row
        self.panels: list[list[DisplayPanel]] = []

        self.stack = QStackedWidget(self)
        for page in profile.pages:
            self.stack.addWidget(self._build_page(page))
        self.title = QLabel(profile.title, self)
        self.title.setObjectName("wallTitle")
        self.page_label = QLabel(self)
        self.page_label.setObjectName("wallPage")
        # The newest alert (a critical case, a 督办 from above, a key-site camera offline) for
        # ALERT_SHOWN_S, read from across the room; the consoles ring, the wall shows.
        self.alert_label = QLabel(self)
        self.alert_label.setObjectName("wallAlert")
        self.alert_label.hide()
        self.alert_at = None  # the backend clock's time of the alert shown
        self.freshness = QLabel(self)
        self.freshness.setObjectName("freshness")
        self.freshness.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 0, 8, 0)
        bar.addWidget(self.title)
        bar.addSpacing(24)
        bar.addWidget(self.page_label, 1)
        bar.addWidget(self.alert_label)
        bar.addSpacing(24)
        bar.addWidget(self.freshness)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(4)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bar)
        screen = self.screen() or QApplication.primaryScreen()
        self.set_type_size(
            type_px
            or profile.type_size_px(
                screen.geometry().height(), screen.physicalSize().height() or None
            )
        )

        self.console.feed.checked.connect(self._on_checked)
        self.console.feed.failed.connect(self._on_failed)
        self.console.alerted.connect(self.show_alerts)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.tick)
        self._rotation = QTimer(self)
        self._rotation.setSingleShot(True)
        self._rotation.timeout.connect(self._on_rotation)
        # The next page's video starts before its page shows: no "connecting…" tiles each time
        # the rotation comes back to it (bench/wall_soak.py measured 1.5-2.5 s of them).
        self.preroll_ms = preroll_ms
        self._preroll = QTimer(self)
        self._preroll.setSingleShot(True)
        self._preroll.timeout.connect(self._prepare_next_page)
        QApplication.instance().installEventFilter(self)
        self._show_page(0)
        self.update_freshness()

    # --- building ------------------------------------------------------------------------------

    def _build_page(self, page: Page) -> QWidget:
        widget = QWidget(self)
        grid = QGridLayout(widget)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for r in range(page.rows):
            grid.setRowStretch(r, 1)
        for c in range(page.columns):
            grid.setColumnStretch(c, 1)
        panels = []
        for spec in page.panels:
            panel = self._panel(spec, widget)
            grid.addWidget(panel, spec.row, spec.col, spec.row_span, spec.col_span)
            panels.append(panel)
        self.panels.append(panels)
        return widget

    def _panel(self, spec, parent) -> DisplayPanel:
        if spec.kind == "video":
            return VideoPanel(self.console, spec, parent)
        kinds = {
            "map": DisplayMapPanel,
            "board": BoardPanel,
            "kpi": KpiPanel,
            "ticker": TickerPanel,
            "clock": ClockPanel,
        }
        return kinds[spec.kind](self.console, spec.title, parent)

    def set_type_size(self, em: int) -> None:
        self.type_px = em
        self.setStyleSheet(style_sheet(em))

    def panels_of(self, kind: str, page: int | None = None) -> list[DisplayPanel]:
        pages = self.panels if page is None else [self.panels[page]]
        return [p for panels in pages for p in panels if p.kind == kind]

    # --- placing on screens ---------------------------------------------------------------------

    def place_on(self, wanted: list[str]) -> None:
        """Cover the screens ``wanted`` (one window over their union), borderless, and size
        the type for the first of them."""
        rect, screens = screen_geometry(wanted)
        screen = screens[0]
        height_mm = screen.physicalSize().height()
        self.set_type_size(self.profile.type_size_px(screen.geometry().height(), height_mm or None))
        self.setGeometry(rect)
        if len(screens) == 1:
            self.setScreen(screen)

    # --- running -------------------------------------------------------------------------------

    def start(self) -> None:
        self.console.start()
        self._tick.start()
        self._arm_rotation()

    def stop(self) -> None:
        self._tick.stop()
        self._rotation.stop()
        self._preroll.stop()
        self.console.stop()
        for panel in self.panels_of("video"):
            panel.shutdown()

    def closeEvent(self, event) -> None:
        QApplication.instance().removeEventFilter(self)
        self.stop()
        super().closeEvent(event)

    def tick(self) -> None:
        now = self.console.now()
        for panel in self.panels[self.page_index]:
            panel.set_now(now)
        self.update_freshness()
        if self.alert_at is not None and (now - self.alert_at).total_seconds() > ALERT_SHOWN_S:
            self.alert_at = None
            self.alert_label.hide()

    def show_alerts(self, alerts) -> None:
        now = self.console.now()
        text = f"{now:%H:%M}  {alert_text(alerts[-1])}"
        if len(alerts) > 1:
            text += "  " + self.tr("(+%1 more)").replace("%1", str(len(alerts) - 1))
        self.alert_label.setText(text)
        self.alert_label.show()
        self.alert_at = now

    # --- pages ---------------------------------------------------------------------------------

    def page_ms(self, index: int) -> int:
        return self._page_ms or self.profile.pages[index].seconds * 1000

    def _arm_rotation(self, ms: int | None = None) -> None:
        if len(self.profile.pages) > 1:
            ms = ms if ms is not None else self.page_ms(self.page_index)
            self._rotation.start(ms)
            self._preroll.start(max(0, ms - self.preroll_ms))

    def _prepare_next_page(self) -> None:
        if self.paused_for() > 0:
            return  # someone is at the keyboard: the page may stay a while yet
        following = (self.page_index + 1) % len(self.profile.pages)
        if following != self.page_index:
            for panel in self.panels_of("video", following):
                panel.wall.prepare()

    def paused_for(self) -> float:
        """Seconds the rotation still waits because someone used the mouse or the keyboard."""
        if self.last_input is None:
            return 0.0
        left = self.profile.pause_after_input_s - (self._monotonic() - self.last_input)
        return max(0.0, left)

    def _on_rotation(self) -> None:
        pause = self.paused_for()
        if pause > 0:
            self._arm_rotation(min(int(pause * 1000) + 1, self.page_ms(self.page_index)))
            return
        self.next_page()

    def next_page(self) -> None:
        self._show_page((self.page_index + 1) % len(self.profile.pages))
        self._arm_rotation()

    def previous_page(self) -> None:
        self._show_page((self.page_index - 1) % len(self.profile.pages))
        self._arm_rotation()

    def _show_page(self, index: int) -> None:
        self.page_index = index
        self.stack.setCurrentIndex(index)
        for other in range(len(self.panels)):  # a page prepared that did not come
            if other != index:
                for panel in self.panels_of("video", other):
                    panel.wall.release_if_hidden()
        page = self.profile.pages[index]
        text = f"{page.name}  {index + 1}/{len(self.profile.pages)}"
        if self.paused_for() > 0:
            text += "  ‖ " + self.tr("paused while in use")
        self.page_label.setText(text)
        self.pageChanged.emit(index)

    # --- interaction ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            event.type() in INPUT_EVENTS
            and isinstance(watched, QWidget)
            and watched.window() is self
        ):
            self.note_input()
        return False

    def note_input(self) -> None:
        self.last_input = self._monotonic()
        if self.page_index < len(self.profile.pages):
            self._show_page(self.page_index)  # the "paused" mark

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Right:
            self.next_page()
        elif event.key() == Qt.Key.Key_Left:
            self.previous_page()
        else:
            super().keyPressEvent(event)

    # --- freshness -----------------------------------------------------------------------------

    def _on_checked(self, _at) -> None:
        self.lost_since = None
        self.update_freshness()

    def _on_failed(self, _message: str) -> None:
        if self.lost_since is None:
            self.lost_since = self.console.feed.disconnected_since or self.console.now()
        self.update_freshness()

    def freshness_state(self) -> str:
        feed = self.console.feed
        if self.lost_since is not None or feed.last_error is not None:
            return "error"
        if feed.checked_at is None or feed.is_stale(self.console.now()):
            return "stale"
        return "ok"

    def update_freshness(self) -> None:
        feed = self.console.feed
        state = self.freshness_state()
        if state == "error":
            since = self.lost_since or self.console.now()
            text = "✖ " + self.tr("Connection lost since %1").replace("%1", f"{since:%H:%M:%S}")
        elif feed.checked_at is None:
            text = "○ " + self.tr("Connecting…")
        else:
            as_of = feed.as_of(self.console.now()) or feed.checked_at
            text = self.tr("Data updated at %1").replace("%1", f"{as_of:%H:%M:%S}")
            text = ("⚠ " if state == "stale" else "● ") + text
        self.freshness.setText(text)
        self.freshness.setProperty("state", state)
        set_tone(self.freshness, state)
