"""The map tab: the canvas, a bar with search, layer switches and view buttons above it, and
the legend floating over its corner.

Search runs in a worker (``commandcenter.search``) a moment after the officer stops typing;
the results list sits under the search field; Enter flies to the highlighted result.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.common.tasks import run_in_background
from ui.map.legend import MapLegend
from ui.map.view import MapView

SEARCH_DELAY_MS = 220
SEARCH_LIMIT = 12


class MapPanel(QWidget):
    """Map, tool bar and legend. ``search`` looks places up (runs in a worker thread)."""

    placeChosen = Signal(object)  # commandcenter.search.PlaceHit

    def __init__(self, parent=None, search: Callable[[str], list] | None = None):
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self.map = MapView(self)
        self._search = search
        self._search_token = 0
        self._shown_token = 0
        self.results: list = []

        bar = QHBoxLayout()
        bar.setContentsMargins(10, 4, 10, 4)
        bar.setSpacing(12)
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("mapSearch")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            self.tr("Search grid code or name, community, address, camera… (Ctrl+F)")
        )
        self.search_box.setMinimumWidth(260)
        bar.addWidget(self.search_box, 2)
        self.switches: dict[str, QCheckBox] = {}
        for layer, text in (
            ("cases", self.tr("Cases")),
            ("cameras", self.tr("Cameras")),
            ("labels", self.tr("Names")),
        ):
            box = QCheckBox(text, self)
            box.setObjectName("layerSwitch")
            box.setChecked(True)
            box.toggled.connect(lambda on, name=layer: self.map.set_layer(name, on))
            self.switches[layer] = box
            bar.addWidget(box)
        bar.addStretch(1)
        for text, tip, action in (
            ("+", self.tr("Zoom in (+)"), lambda: self.map.zoom_by(2.0)),
            ("−", self.tr("Zoom out (−)"), lambda: self.map.zoom_by(0.5)),
            (
                self.tr("⌂ My jurisdiction"),
                self.tr("Show the whole jurisdiction (Home)"),
                self.map.fit_jurisdiction,
            ),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setObjectName("mapButton")
            button.clicked.connect(action)
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.map, 1)

        self.legend = MapLegend(self.map)
        self.legend.measureChosen.connect(self.map.set_measure)
        self.map.rendered.connect(self._update_legend)
        self.map.measureChanged.connect(self.legend.set_measure)
        self.legend.resized.connect(self._place_legend)

        self.result_list = QListWidget(self)
        self.result_list.setObjectName("searchResults")
        self.result_list.hide()
        self.result_list.itemActivated.connect(self._choose_item)
        self.result_list.itemClicked.connect(self._choose_item)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_box.textEdited.connect(lambda _: self._search_timer.start())
        self.search_box.returnPressed.connect(self._on_return)
        self.search_box.installEventFilter(self)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

    # --- legend -----------------------------------------------------------------------------

    def _update_legend(self) -> None:
        classes = self.map.classes
        grid_classes = self.map.scene.grid_classes
        has_no_data = grid_classes is not None and bool(np.any(grid_classes < 0))
        self.legend.set_classes(classes, self.map.palette(), has_no_data)
        self._place_legend()

    def _place_legend(self) -> None:
        self.legend.adjustSize()
        self.legend.move(12, max(12, self.map.height() - self.legend.height() - 12))
        self.legend.raise_()
        # "Fit" keeps the jurisdiction clear of the folded legend.
        self.map.fit_insets = (0.0, 0.0, 0.0, float(self.legend.height() + 12))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_legend()
        self._place_results()

    # --- search -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def search(self, text: str) -> None:
        """Type ``text`` into the search box and look it up now (tests, the menu)."""
        self.search_box.setText(text)
        self._run_search()

    def _run_search(self) -> None:
        self._search_timer.stop()
        text = self.search_box.text().strip()
        self._search_token += 1
        token = self._search_token
        if not text or self._search is None:
            self._show_results([], token)
            return
        search = self._search
        run_in_background(
            lambda: search(text),
            lambda hits: self._show_results(hits, token),
            lambda _error: self._show_results([], token),
            owner=self,
        )

    def is_searching(self) -> bool:
        return self._search_timer.isActive() or self._search_token != self._shown_token

    def _show_results(self, hits: list, token: int) -> None:
        if token != self._search_token:
            return  # the officer typed on: an older answer
        self._shown_token = token
        self.results = list(hits)[:SEARCH_LIMIT]
        self.result_list.clear()
        for hit in self.results:
            item = QListWidgetItem(f"{hit.title}\n{hit.subtitle}")
            item.setToolTip(hit.subtitle)
            self.result_list.addItem(item)
        if not self.results:
            if self.search_box.text().strip():
                self.result_list.addItem(QListWidgetItem(self.tr("Nothing found")))
                self.result_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                self.result_list.hide()
                return
        self.result_list.setCurrentRow(0)
        self._place_results()
        self.result_list.show()
        self.result_list.raise_()

    def _place_results(self) -> None:
        box = self.search_box.geometry()
        rows = max(1, self.result_list.count())
        height = min(rows, 8) * (self.result_list.sizeHintForRow(0) or 40) + 6
        self.result_list.setGeometry(box.x(), box.bottom() + 2, max(box.width(), 380), height)

    def _on_return(self) -> None:
        if self._search_timer.isActive() or not self.results:
            self._run_search()
            return
        row = max(0, self.result_list.currentRow())
        self.choose(self.results[row])

    def _choose_item(self, item: QListWidgetItem) -> None:
        row = self.result_list.row(item)
        if 0 <= row < len(self.results):
            self.choose(self.results[row])

    def choose(self, hit) -> None:
        """Fly to a search result and tell the window (which selects it)."""
        self.result_list.hide()
        if hit.bbox is not None:
            self.map.fit_lonlat_box(hit.bbox)
        else:
            self.map.centre_on_lonlat(hit.lon, hit.lat, zoom=17.0)
        self.placeChosen.emit(hit)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.result_list.isVisible():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = self.result_list.currentRow() + step
                self.result_list.setCurrentRow(max(0, min(row, self.result_list.count() - 1)))
                return True
            if key == Qt.Key.Key_Escape and self.result_list.isVisible():
                self.result_list.hide()
                return True
        return super().eventFilter(watched, event)
