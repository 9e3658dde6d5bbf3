"""The console's one case store: every case on the board, as a Qt list model fed by the feed.

``CaseStore`` holds the board's ``CaseRow``s — open cases and those that ended today — one Qt row
per case, and exposes what a card shows as roles (``CaseRole``). The first load of the feed
fills it (``set_rows``, a reset); every update of the feed applies its rows (``apply``) with
precise signals — ``dataChanged`` for changed cases, ``beginRemoveRows`` / ``beginInsertRows``
for cases that left or arrived, never a reset — so every view over it keeps its selection,
current item and scroll position. The board's columns, the list, the map's markers, the
counters and the alert strip are all views over this one store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, Qt
from PySide6.QtGui import QBrush

from commandcenter.access.accounts import Actor
from commandcenter.cases import board
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import CaseState
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.labels import format_datetime, label, time_left_text
from ui.common.style import Colors

_ROOT = QModelIndex()


class CaseRole(IntEnum):
    CASE = Qt.ItemDataRole.UserRole + 1  # the CaseRow
    CASE_ID = Qt.ItemDataRole.UserRole + 2
    CODE = Qt.ItemDataRole.UserRole + 3
    TITLE = Qt.ItemDataRole.UserRole + 4
    CATEGORY = Qt.ItemDataRole.UserRole + 5  # translated label
    GRID = Qt.ItemDataRole.UserRole + 6
    HOLDER = Qt.ItemDataRole.UserRole + 7
    SOURCE = Qt.ItemDataRole.UserRole + 8  # translated label
    TIME_LEFT = Qt.ItemDataRole.UserRole + 9  # text: "2 h 10 min left", "▲ OVERDUE by …"
    STATUS = Qt.ItemDataRole.UserRole + 10  # DeadlineStatus value, as of the store's now
    STAGE = Qt.ItemDataRole.UserRole + 11  # Stage value
    PAUSED = Qt.ItemDataRole.UserRole + 12  # suspended (挂账)
    URGENCY = Qt.ItemDataRole.UserRole + 13  # Urgency value
    NEEDS_ACTION = Qt.ItemDataRole.UserRole + 14  # in the actor's queue (set_actor)


# What the clock changes: set_now repaints these and nothing moves between columns.
TIME_ROLES = (
    int(CaseRole.TIME_LEFT),
    int(CaseRole.STATUS),
    int(Qt.ItemDataRole.ForegroundRole),
    int(Qt.ItemDataRole.ToolTipRole),
)


class _Positions:
    """Where each key sits in a list that items are inserted into and removed from: a dict,
    made valid again lazily from the first place that shifted (an edit near the end of a long
    list costs little; one near the start, one pass on the next lookup)."""

    __slots__ = ("_at", "_valid")

    def __init__(self):
        self._at: dict[int, int] = {}
        self._valid = 0

    def reset(self) -> None:
        """The list was replaced: positions are made on the first lookup."""
        self._at = {}
        self._valid = 0

    def get(self, keys: list[int], key: int) -> int | None:
        i = self._at.get(key)
        if i is not None and i < self._valid:
            return i
        if i is None and self._valid == len(keys):
            return None
        at = self._at
        for j in range(self._valid, len(keys)):
            at[keys[j]] = j
        self._valid = len(keys)
        return at.get(key)

    def inserted(self, key: int, i: int) -> None:
        self._at[key] = i
        self._valid = min(self._valid, i)

    def removed(self, key: int, i: int) -> None:
        self._at.pop(key, None)
        self._valid = min(self._valid, i)


class CaseStore(QAbstractListModel):
    """Every case on the board, one row each, in no particular order (views sort)."""

    def __init__(self, now: dt.datetime, parent=None):
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._ids: list[int] = []
        self._pos = _Positions()
        self._now = now
        self._needs_action = None

    # --- reading -------------------------------------------------------------------------------

    @property
    def now(self) -> dt.datetime:
        return self._now

    def rows(self) -> list[CaseRow]:
        """The rows in model order (do not modify)."""
        return self._rows

    def open_rows(self) -> list[CaseRow]:
        """The open cases (the list, the map, the work list): the others ended today."""
        return [row for row in self._rows if row.state.is_open]

    def case_at(self, row: int) -> CaseRow:
        return self._rows[row]

    def row_of(self, case_id: int) -> int | None:
        return self._pos.get(self._ids, case_id)

    def case_by_id(self, case_id: int) -> CaseRow | None:
        row = self.row_of(case_id)
        return None if row is None else self._rows[row]

    def index_of(self, case_id: int) -> QModelIndex:
        row = self.row_of(case_id)
        return _ROOT if row is None else self.index(row, 0)

    # --- updates -------------------------------------------------------------------------------

    def set_rows(self, rows: list[CaseRow]) -> None:
        """A full load (the board's first, or after the connection was lost): a model reset."""
        self.beginResetModel()
        self._rows = list(rows)
        self._ids = [row.id for row in self._rows]
        self._pos.reset()
        self.endResetModel()

    def apply(self, changed: Iterable[CaseRow], removed_ids: Iterable[int] = ()) -> None:
        """An update: removed rows go, changed rows are replaced in place, new rows are added
        at the end. No reset: persistent indexes of the other rows stay valid."""
        self._remove(removed_ids)
        added = []
        changed_rows = []
        for row in changed:
            i = self.row_of(row.id)
            if i is None:
                added.append(row)
            else:
                self._rows[i] = row
                changed_rows.append(i)
        for first, last in _runs(sorted(changed_rows)):
            self.dataChanged.emit(self.index(first, 0), self.index(last, 0), [])
        if added:
            start = len(self._rows)
            self.beginInsertRows(_ROOT, start, start + len(added) - 1)
            for row in added:
                self._pos.inserted(row.id, len(self._rows))
                self._rows.append(row)
                self._ids.append(row.id)
            self.endInsertRows()

    def _remove(self, case_ids) -> None:
        rows = sorted(i for i in map(self.row_of, case_ids) if i is not None)
        for first, last in reversed(_runs(rows)):  # bottom up: earlier indexes stay right
            self.beginRemoveRows(_ROOT, first, last)
            for i in range(first, last + 1):
                self._pos.removed(self._ids[i], first)
            del self._rows[first : last + 1]
            del self._ids[first : last + 1]
            self.endRemoveRows()

    def set_now(self, now: dt.datetime) -> None:
        """Advance the countdowns (and the colours) without reloading or moving anything."""
        self._now = now
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0), TIME_ROLES)

    def set_actor(self, actor: Actor | None) -> None:
        """Whose "needs my action" the NEEDS_ACTION role answers."""
        self._needs_action = None if actor is None else board.action_test(actor)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, 0), [CaseRole.NEEDS_ACTION]
            )

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role in CaseRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.code}  {row.title}"
        if role == CaseRole.CASE:
            return row
        if role == CaseRole.CASE_ID:
            return row.id
        if role == CaseRole.CODE:
            return row.code
        if role == CaseRole.TITLE:
            return row.title
        if role == CaseRole.CATEGORY:
            return label(row.category)
        if role == CaseRole.GRID:
            return row.grid_name or "—"
        if role == CaseRole.HOLDER:
            return row.holder or "—"
        if role == CaseRole.SOURCE:
            return label(row.source)
        if role == CaseRole.TIME_LEFT:
            return self._time_left(row)
        if role == CaseRole.STATUS:
            return row.status_at(self._now).value
        if role == CaseRole.STAGE:
            stage = board.stage_of(row)
            return None if stage is None else stage.value
        if role == CaseRole.PAUSED:
            return row.paused
        if role == CaseRole.URGENCY:
            return row.urgency.value
        if role == CaseRole.NEEDS_ACTION:
            return self._needs_action is not None and self._needs_action(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            status = row.status_at(self._now)
            if status is DeadlineStatus.OVERDUE:
                return QBrush(Colors.OVERDUE)
            if status is DeadlineStatus.NEAR_DUE:
                return QBrush(Colors.NEAR_DUE)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.code}  {row.title}\n{label(row.state)} · {self._time_left(row)}"
        return None

    def _time_left(self, row: CaseRow) -> str:
        if row.closed_at is not None:
            return self.tr("Closed %1").replace("%1", format_datetime(row.closed_at))
        if row.state is CaseState.REPORTED and row.deadline is None:
            return self.tr("★ New, to be filed")
        text = time_left_text(row.status_at(self._now), row.deadline, row.clock_at(self._now))
        return self.tr("⏸ Suspended · %1").replace("%1", text) if row.paused else text


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Ascending indexes as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
