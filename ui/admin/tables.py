"""Pieces the administration screens and the base-data browser share: a table model over the
core's frozen rows, a sortable read-only table, and a search that waits for the typing to
pause and runs in a worker, newest answer wins.

Column headers and cell texts are given by the screen (``self.tr`` in its own class, so the
translations sit in that screen's context).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.common.tasks import run_in_background

_ROOT = QModelIndex()
SEARCH_PAUSE_MS = 250  # a search starts once the typing has paused this long


def lay_out_tab(
    widget: QWidget,
    table: QWidget,
    *,
    top: Sequence[QWidget] = (),
    left: Sequence[QWidget] = (),
    right: Sequence[QWidget] = (),
    status: QWidget | None = None,
) -> None:
    """A tab's shape, the same on every tab: a row on top (its first widget, the search field,
    takes the width), the table, a row of buttons (``left``, space, ``right``), a status line."""
    layout = QVBoxLayout(widget)
    if top:
        row = QHBoxLayout()
        for index, item in enumerate(top):
            row.addWidget(item, 1 if index == 0 else 0)
        layout.addLayout(row)
    layout.addWidget(table, 1)
    if left or right:
        row = QHBoxLayout()
        for button in left:
            row.addWidget(button)
        row.addStretch(1)
        for button in right:
            row.addWidget(button)
        layout.addLayout(row)
    if status is not None:
        layout.addWidget(status)


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[Any], Any]  # the row -> what the cell shows
    width: int | None = None  # fixed pixels; None: fit the contents
    sort: Callable[[Any], Any] | None = None  # the row -> the sort key (default: the text)


class RowTableModel(QAbstractTableModel):
    """Rows (any objects) shown through ``Column``s; ``UserRole`` gives the row itself."""

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = column.text(row)
            return "" if value is None else str(value)
        if role == self.SORT_ROLE:
            value = column.sort(row) if column.sort else column.text(row)
            return "" if value is None else value
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


class RowTable(QTableView):
    """A sortable, read-only, single-selection table over a ``RowTableModel``."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None, *, name=""):
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.model_ = RowTableModel(columns, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.setSortRole(RowTableModel.SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the core's order until a click
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for i, column in enumerate(self.model_.columns):
            if column.width is not None:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(i, column.width)

    def set_rows(self, rows) -> None:
        self.model_.set_rows(rows)
        header = self.horizontalHeader()
        for i, column in enumerate(self.model_.columns):
            if column.width is None and i < len(self.model_.columns) - 1:
                self.resizeColumnToContents(i)
                header.resizeSection(i, min(header.sectionSize(i), 320))

    def rows(self) -> list[Any]:
        """The rows as shown (sorted and filtered)."""
        return [
            self.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole)
            for i in range(self.proxy.rowCount())
        ]

    def selected(self) -> Any | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    def select_where(self, matches: Callable[[Any], bool]) -> bool:
        """Select the first shown row that ``matches`` (False: none)."""
        for i in range(self.proxy.rowCount()):
            if matches(self.proxy.index(i, 0).data(Qt.ItemDataRole.UserRole)):
                self.selectRow(i)
                return True
        return False

    def cell_texts(self, row: int) -> list[str]:
        return [self.proxy.index(row, c).data() for c in range(self.proxy.columnCount())]


class Search(QObject):
    """Runs ``read()`` in a worker, ``SEARCH_PAUSE_MS`` after the last ``request()`` (or at once
    with ``now()``); only the newest answer is delivered (``done``), an older one that arrives
    late is dropped. ``busy`` while a search is waited for."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, read: Callable[[], Callable[[], Any]], parent: QObject):
        """``read()`` is called in the GUI thread and returns the function the worker runs
        (so it can take the query from the widgets first)."""
        super().__init__(parent)
        self._read = read
        self._generation = 0
        self._answered = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_PAUSE_MS)
        self._timer.timeout.connect(self.now)

    @property
    def busy(self) -> bool:
        return self._timer.isActive() or self._answered < self._generation

    def request(self, *_args) -> None:
        self._timer.start()

    def now(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, work = self._generation, self._read()

        def deliver(result) -> None:
            if generation == self._generation:
                self._answered = generation
                self.done.emit(result)

        def fail(error: Exception) -> None:
            if generation == self._generation:
                self._answered = generation
                self.failed.emit(error)

        run_in_background(work, deliver, fail, owner=self)
