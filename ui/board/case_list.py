"""The case list (列表): the open cases of the console's store as a sortable table, most
urgent first.

``CaseTableModel`` is a table view of the one case store (``ui.data.case_store``), passing its
precise signals on, so a change keeps the user's selection and scroll position. A sort/filter
proxy orders by time left and filters by deadline status (the alert strip's buttons) or grid.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import CaseState, Urgency
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.labels import format_datetime, label, time_left_text
from ui.common.style import Colors
from ui.data.case_store import CaseStore

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3

(
    COL_CODE,
    COL_TITLE,
    COL_CATEGORY,
    COL_GRID,
    COL_STATE,
    COL_HOLDER,
    COL_DEADLINE,
    COL_TIME_LEFT,
) = range(8)

_ROOT = QModelIndex()


class CaseTableModel(QAbstractTableModel):
    """The store's cases as a table: one row per store row, eight columns. It holds nothing of
    its own; the store's signals are passed on row for row, so the table keeps its selection
    and scroll position through every change."""

    def __init__(self, store: CaseStore, parent=None):
        super().__init__(parent)
        self.store = store
        self._bold = QFont()
        self._bold.setBold(True)
        store.modelAboutToBeReset.connect(self.beginResetModel)
        store.modelReset.connect(self.endResetModel)
        store.rowsAboutToBeInserted.connect(
            lambda _parent, first, last: self.beginInsertRows(_ROOT, first, last)
        )
        store.rowsInserted.connect(lambda *_: self.endInsertRows())
        store.rowsAboutToBeRemoved.connect(
            lambda _parent, first, last: self.beginRemoveRows(_ROOT, first, last)
        )
        store.rowsRemoved.connect(lambda *_: self.endRemoveRows())
        store.dataChanged.connect(
            lambda top, bottom, _roles=(): self.dataChanged.emit(
                self.index(top.row(), 0), self.index(bottom.row(), self.columnCount() - 1)
            )
        )

    @property
    def _now(self) -> dt.datetime:
        return self.store.now

    def case_at(self, row: int) -> CaseRow:
        return self.store.case_at(row)

    def row_for_id(self, case_id: int) -> int | None:
        return self.store.row_of(case_id)

    def case_by_id(self, case_id: int) -> CaseRow | None:
        return self.store.case_by_id(case_id)

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else self.store.rowCount()

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else 8

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [
            self.tr("Case no."),
            self.tr("Title"),
            self.tr("Category"),
            self.tr("Grid"),
            self.tr("State"),
            self.tr("Held by"),
            self.tr("Deadline"),
            self.tr("Time left"),
        ][section]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.store.case_at(index.row())
        column = index.column()
        status = row.status_at(self._now)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, status)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == ID_ROLE:
            return row.id
        if role == STATUS_ROLE:
            return status.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.code}  {row.title}\n{label(row.state)} · {label(status)}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_TIME_LEFT and status is DeadlineStatus.OVERDUE:
                return QBrush(QColor("#ffffff"))
            if column == COL_TIME_LEFT and status is DeadlineStatus.NEAR_DUE:
                return QBrush(QColor("#0b1016"))
            if column == COL_CODE:
                if status is DeadlineStatus.OVERDUE:
                    return QBrush(Colors.OVERDUE)
                if status is DeadlineStatus.NEAR_DUE:
                    return QBrush(Colors.NEAR_DUE)
            if column == COL_STATE and row.state is CaseState.REPORTED:
                return QBrush(Colors.NEW)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            strong = column == COL_TIME_LEFT
            if status is DeadlineStatus.OVERDUE:
                return QBrush(Colors.OVERDUE_BG if strong else Colors.OVERDUE_ROW)
            if status is DeadlineStatus.NEAR_DUE:
                return QBrush(Colors.NEAR_DUE_BG if strong else Colors.NEAR_DUE_ROW)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_TIME_LEFT and status in (
                DeadlineStatus.OVERDUE,
                DeadlineStatus.NEAR_DUE,
            ):
                return self._bold
            if column == COL_TITLE and row.urgency is not Urgency.NORMAL:
                return self._bold
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_TIME_LEFT:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: CaseRow, column: int, status: DeadlineStatus) -> str:
        if column == COL_CODE:
            return row.code
        if column == COL_TITLE:
            if row.urgency is not Urgency.NORMAL:
                return f"【{label(row.urgency)}】{row.title}"
            return row.title
        if column == COL_CATEGORY:
            return label(row.category)
        if column == COL_GRID:
            return row.grid_name or "—"
        if column == COL_STATE:
            return label(row.state)
        if column == COL_HOLDER:
            return row.holder or "—"
        if column == COL_DEADLINE:
            return format_datetime(row.deadline)
        if row.state is CaseState.REPORTED and row.deadline is None:
            return self.tr("★ New, to be filed")
        return time_left_text(status, row.deadline, row.clock_at(self._now))

    def _sort_key(self, row: CaseRow, column: int):
        if column in (COL_DEADLINE, COL_TIME_LEFT):
            # New reports first (they wait for the duty officer), then by deadline.
            if row.deadline is None:
                return -1e15 if row.state is CaseState.REPORTED else 1e15
            return row.deadline.timestamp()
        return self._display(row, column, row.deadline_status)


class CaseFilterProxy(QSortFilterProxyModel):
    """Filters by deadline status and/or grid; sorts by the model's SORT_ROLE."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._statuses: frozenset[str] | None = None
        self._reported_only = False
        self._grid_ids: frozenset[int] | None = None

    def set_status_filter(self, statuses: set[DeadlineStatus] | None, *, reported=False) -> None:
        self._begin_filter_change()
        self._statuses = None if statuses is None else frozenset(s.value for s in statuses)
        self._reported_only = reported
        self._end_filter_change()

    def set_grid_filter(self, grid_ids: set[int] | None) -> None:
        self._begin_filter_change()
        self._grid_ids = None if grid_ids is None else frozenset(grid_ids)
        self._end_filter_change()

    # Qt >= 6.9 wants begin/endFilterChange around the change; older versions invalidateFilter.
    def _begin_filter_change(self) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end_filter_change(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        model: CaseTableModel = self.sourceModel()
        row = model.case_at(source_row)
        if not row.state.is_open:  # the list shows open cases; the store has today's ended too
            return False
        if self._reported_only and row.state is not CaseState.REPORTED:
            return False
        if self._statuses is not None:
            status = model.index(source_row, 0).data(STATUS_ROLE)
            if status not in self._statuses:
                return False
        return self._grid_ids is None or row.grid_id in self._grid_ids


class CaseBoard(QWidget):
    """The table with a one-line filter bar above it."""

    caseSelected = Signal(int)

    def __init__(self, store: CaseStore, parent=None):
        super().__init__(parent)
        self.setObjectName("caseBoard")
        self.model = CaseTableModel(store, self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_label = QLabel(self)
        self.filter_label.setObjectName("filterLabel")
        self.clear_button = QPushButton(self.tr("Show all open cases"), self)
        self.clear_button.setObjectName("clearFilter")
        self.clear_button.clicked.connect(self.clear_filter)

        self.table = QTableView(self)
        self.table.setObjectName("caseTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_TIME_LEFT, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # What the duty officer reads first comes first: the countdown, then the case.
        for visual, column in enumerate(
            (COL_TIME_LEFT, COL_CODE, COL_TITLE, COL_STATE, COL_GRID, COL_CATEGORY, COL_HOLDER)
        ):
            header.moveSection(header.visualIndex(column), visual)
        for column, width in {
            COL_TIME_LEFT: 230,
            COL_CODE: 135,
            COL_TITLE: 280,
            COL_STATE: 140,
            COL_GRID: 160,
            COL_CATEGORY: 130,
            COL_HOLDER: 220,
            COL_DEADLINE: 150,
        }.items():
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        bar.addWidget(self.filter_label, 1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self._filter_text = ""
        self._grid_text = ""
        self._update_filter_label()

    # --- data ----------------------------------------------------------------------------------

    def update_label(self) -> None:
        """After the store changed: the counts in the filter line."""
        self._update_filter_label()

    def row_count(self) -> int:
        """Rows shown after filtering."""
        return self.proxy.rowCount()

    def shown_rows(self) -> list:
        """The cases shown, in the order shown (what an export writes)."""
        return [
            self.model.case_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]

    def filter_description(self) -> str:
        return self.filter_label.text()

    # --- filters -------------------------------------------------------------------------------

    def show_status(self, which: str) -> None:
        """Filter for an alert: "reported", "near_due", "overdue" (or "all")."""
        if which == "reported":
            self.proxy.set_status_filter(None, reported=True)
            self._filter_text = self.tr("Showing: new reports awaiting filing")
        elif which == "near_due":
            self.proxy.set_status_filter({DeadlineStatus.NEAR_DUE})
            self._filter_text = self.tr("Showing: near due cases")
        elif which == "overdue":
            self.proxy.set_status_filter({DeadlineStatus.OVERDUE})
            self._filter_text = self.tr("Showing: overdue cases")
        else:
            self.proxy.set_status_filter(None)
            self._filter_text = ""
        self._update_filter_label()

    def show_grids(self, grid_ids: set[int] | None, name: str = "") -> None:
        self.proxy.set_grid_filter(grid_ids)
        self._grid_text = name if grid_ids is not None else ""
        self._update_filter_label()

    def clear_filter(self) -> None:
        self.proxy.set_status_filter(None)
        self.proxy.set_grid_filter(None)
        self._filter_text = ""
        self._grid_text = ""
        self._update_filter_label()

    def _update_filter_label(self) -> None:
        parts = [p for p in (self._filter_text, self._grid_text) if p]
        shown = self.proxy.rowCount()
        total = sum(1 for row in self.model.store.rows() if row.state.is_open)
        if parts:
            text = self.tr("%1 — %2 of %3 open cases").replace("%1", " · ".join(parts))
            text = text.replace("%2", str(shown)).replace("%3", str(total))
        else:
            text = self.tr("All open cases: %1").replace("%1", str(total))
        self.filter_label.setText(text)
        self.clear_button.setVisible(bool(parts))

    # --- selection -----------------------------------------------------------------------------

    def select_case(self, case_id: int) -> None:
        row = self.model.row_for_id(case_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.blockSignals(True)
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
            self.table.selectionModel().blockSignals(False)
            self.table.blockSignals(False)

    def current_case_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def _on_current(self, current: QModelIndex, _previous=None) -> None:
        if current.isValid():
            self.caseSelected.emit(current.data(ID_ROLE))
