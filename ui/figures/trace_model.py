"""The cases behind a figure as a table: exactly those it counted, marked, in order."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from commandcenter.figures.series import Trace
from ui.common.labels import format_datetime, label
from ui.common.style import Colors

HIGHER_IS_BETTER = {"on_time_rate", "satisfaction_rate", "closure_rate", "self_resolution_rate"}
LOWER_IS_BETTER = {"rework_rate", "extension_rate"}


class TraceModel(QAbstractTableModel):
    """The cases of a :class:`Trace`; column 0 marks those a rate's numerator counted.

    For a rate the cases that pull it the wrong way come first, on an amber ground: those not
    counted by a rate where more is better (on time, satisfied …), those counted by one where
    less is better (reworked, extended)."""

    COLUMNS = (
        "counted", "code", "title", "state", "deadline", "handled", "closed", "grid", "category",
        "reported",
    )  # fmt: skip

    def __init__(self, parent=None):
        super().__init__(parent)
        self.trace: Trace | None = None
        self.cases: list = []
        self.hurting: frozenset[int] = frozenset()
        self._headers = {
            "counted": self.tr("Counted"),
            "code": self.tr("Case no."),
            "title": self.tr("Title"),
            "category": self.tr("Category"),
            "state": self.tr("Stage"),
            "grid": self.tr("Grid"),
            "reported": self.tr("Reported"),
            "deadline": self.tr("Deadline"),
            "handled": self.tr("Handled"),
            "closed": self.tr("Ended"),
        }

    def set_trace(self, trace: Trace | None) -> None:
        self.beginResetModel()
        self.trace = trace
        self.cases = list(trace.cases) if trace else []
        self.hurting = frozenset()
        if trace is not None and trace.numerator is not None:
            ids = {c.id for c in self.cases}
            if trace.measure in LOWER_IS_BETTER:
                self.hurting = frozenset(ids & trace.counted)
            else:
                self.hurting = frozenset(ids - trace.counted)
            self.cases.sort(key=lambda c: (c.id not in self.hurting, c.id))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[self.COLUMNS[section]]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        case = self.cases[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return case.id
        counted = self.trace is not None and case.id in self.trace.counted
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "counted": "✓" if counted else "",
                "code": case.code,
                "title": case.title,
                "category": label(case.category),
                "state": label(case.state),
                "grid": case.grid_name or "—",
                "reported": format_datetime(case.reported_at),
                "deadline": format_datetime(case.deadline),
                "handled": format_datetime(case.handled_at),
                "closed": format_datetime(case.closed_at),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == "title":
            return case.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "counted":
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ForegroundRole and column == "counted":
            return QBrush(Colors.ON_TIME)
        if role == Qt.ItemDataRole.BackgroundRole and case.id in self.hurting:
            return QBrush(Colors.NEAR_DUE_ROW)
        return None

    def case_id(self, row: int) -> int:
        return self.cases[row].id


# --- the view ---------------------------------------------------------------------------------------
