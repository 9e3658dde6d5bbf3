"""The always-visible alert strip: new reports awaiting filing, near due, overdue, cameras, and
whether the data on screen is fresh.

Each alert is a button with a symbol, a word and a number, so nothing rests on colour alone;
clicking one (or its function key) shows those cases on the board.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from commandcenter.cases.dashboard import Dashboard
from ui.common.labels import format_datetime


class AlertStrip(QWidget):
    alertClicked = Signal(str)  # "reported", "near_due", "overdue", "cameras"

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
        # A report that arrived from elsewhere (a phone, 12345): click to open it.
        self.news = QPushButton(self)
        self.news.setObjectName("newReport")
        self.news.setCursor(Qt.CursorShape.PointingHandCursor)
        self.news.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.news.hide()
        self.news.clicked.connect(self._open_news)
        self._news_case: int | None = None
        layout.addWidget(self.news)
        layout.addStretch(1)
        self.freshness = QLabel(self)
        self.freshness.setObjectName("freshness")
        layout.addWidget(self.freshness)
        self.set_dashboard(None)
        self.set_freshness(None, None)

    newsClicked = Signal(int)  # the case id of the newest report from elsewhere

    def show_news(self, case_id: int, text: str) -> None:
        self._news_case = case_id
        self.news.setText(text)
        self.news.show()

    def _open_news(self) -> None:
        if self._news_case is not None:
            self.newsClicked.emit(self._news_case)
        self.news.hide()

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
