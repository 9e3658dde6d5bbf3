"""The always-visible alert strip: new reports awaiting filing, near due, overdue, cameras, and
whether the data on screen is fresh.

Each alert is a button with a symbol, a word and a number, so nothing rests on colour alone;
clicking one (or its function key) shows those cases on the board.

Beside them, the notice: what just happened that the officer must not miss — an alert
(a critical case, a 督办 from above, a key-site camera offline; ``commandcenter.alerts``) or a
report from a phone or the 12345 hotline. Clicking it opens that case or camera and shows the
next notice waiting (alerts before reports, the newest first); ✕ clears them all. The sound
switch (🔔/🔕) mutes the console's sounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton, QWidget

from commandcenter.alerts import Alert
from commandcenter.cases.dashboard import Dashboard
from ui.common.alert_text import alert_text
from ui.common.labels import format_datetime

MAX_NOTICES = 50  # older ones are dropped: the board and the map still show every case


@dataclass(frozen=True)
class Notice:
    text: str
    target: int  # a case id, or a camera id when ``camera``
    camera: bool = False
    alarm: bool = False  # an alert (before any report)


def alert_notice(alert: Alert) -> Notice:
    return Notice(alert_text(alert), alert.subject_id, camera=alert.opens_camera, alarm=True)


class AlertStrip(QWidget):
    alertClicked = Signal(str)  # "reported", "near_due", "overdue", "cameras"
    caseRequested = Signal(int)  # a notice's case
    cameraRequested = Signal(int)  # a notice's camera

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("alertStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.chips: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(10)
        for key, shortcut in (
            ("reported", "F6"),
            ("near_due", "F7"),
            ("overdue", "F8"),
            ("cameras", ""),
        ):
            chip = QPushButton(self)
            chip.setObjectName("alertChip")
            chip.setProperty("alert", key)
            chip.setProperty("active", False)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if shortcut:
                chip.setToolTip(
                    self.tr("Show these cases on the board (%1)").replace("%1", shortcut)
                )
            chip.clicked.connect(lambda _=False, k=key: self.alertClicked.emit(k))
            self.chips[key] = chip
            layout.addWidget(chip)
        # The notice: click to open its case or camera; ✕ to clear every notice.
        self.notices: list[Notice] = []
        self.notice = QPushButton(self)
        self.notice.setObjectName("notice")
        self.notice.setProperty("alarm", False)
        self.notice.setCursor(Qt.CursorShape.PointingHandCursor)
        self.notice.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.notice.clicked.connect(self._open_notice)
        layout.addWidget(self.notice)
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("clearNotices")
        self.clear_button.setText("✕")
        self.clear_button.setToolTip(self.tr("Clear these notices"))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear_notices)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.sound_button = QToolButton(self)  # given its action by the window (mute switch)
        self.sound_button.setObjectName("soundSwitch")
        self.sound_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.sound_button)
        self.freshness = QLabel(self)
        self.freshness.setObjectName("freshness")
        layout.addWidget(self.freshness)
        self.set_dashboard(None)
        self.set_freshness(None, None)
        self._show_notice()

    # --- notices ---------------------------------------------------------------------------------

    def add_notice(self, notice: Notice) -> None:
        self.notices.append(notice)
        del self.notices[:-MAX_NOTICES]
        self._show_notice()

    def current_notice(self) -> Notice | None:
        """The notice shown: the newest alert, else the newest report."""
        alarms = [n for n in self.notices if n.alarm]
        return (alarms or self.notices or [None])[-1]

    def clear_notices(self) -> None:
        self.notices.clear()
        self._show_notice()

    def _show_notice(self) -> None:
        notice = self.current_notice()
        self.notice.setVisible(notice is not None)
        self.clear_button.setVisible(notice is not None)
        if notice is None:
            return
        text = notice.text
        if len(self.notices) > 1:
            text += "  " + self.tr("(+%1 more)").replace("%1", str(len(self.notices) - 1))
        self.notice.setText(text)
        self.notice.setToolTip(
            self.tr("Open this camera") if notice.camera else self.tr("Open this case")
        )
        if self.notice.property("alarm") != notice.alarm:
            self.notice.setProperty("alarm", notice.alarm)
            self.notice.style().unpolish(self.notice)
            self.notice.style().polish(self.notice)

    def _open_notice(self) -> None:
        notice = self.current_notice()
        if notice is None:
            return
        self.notices.remove(notice)
        self._show_notice()
        (self.cameraRequested if notice.camera else self.caseRequested).emit(notice.target)

    def set_dashboard(self, d: Dashboard | None) -> None:
        values = {
            "reported": ("★", self.tr("Awaiting filing"), d.awaiting_filing if d else None),
            "near_due": ("●", self.tr("Near due"), d.near_due if d else None),
            "overdue": ("▲", self.tr("Overdue"), d.overdue if d else None),
            "cameras": ("■", self.tr("Cameras"), d.cameras if d else None),
        }
        for key, (symbol, word, count) in values.items():
            chip = self.chips[key]
            chip.setText(f"{symbol} {word}  {'…' if count is None else count}")
            active = bool(count) and key != "cameras"
            if chip.property("active") != active:
                chip.setProperty("active", active)
                chip.style().unpolish(chip)
                chip.style().polish(chip)

    def set_freshness(
        self, loaded_at: dt.datetime | None, error: str | None, *, stale=False, hint: str = ""
    ) -> None:
        """``error`` is a short message in the user's words (``ui.common.errors``), ``hint`` what to
        do about it (shown as the tooltip)."""
        if error:
            text = self.tr("⚠ Data NOT updated: %1").replace("%1", error)
            state = "error"
        elif loaded_at is None:
            text, state = self.tr("Loading data…"), "loading"
        else:
            text = self.tr("Data as of %1").replace("%1", format_datetime(loaded_at, seconds=True))
            state = "stale" if stale else "ok"
            if stale:
                text = "⚠ " + text
        self.freshness.setText(text)
        self.freshness.setToolTip(f"{error}\n{hint}" if error and hint else error or "")
        if self.freshness.property("state") != state:
            self.freshness.setProperty("state", state)
            self.freshness.style().unpolish(self.freshness)
            self.freshness.style().polish(self.freshness)
