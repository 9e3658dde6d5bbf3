"""Qt models of the case board: one list model of every case on the board, and one proxy per
column.

``BoardModel`` holds the ``CaseRow``s, one Qt row per case, and exposes what a card shows as
roles (``BoardRole``). ``set_rows`` loads the board; ``apply_changes`` applies a refresh
(``commandcenter.board.changes_since``) with precise signals — ``dataChanged`` for changed
cases, ``beginRemoveRows`` / ``beginInsertRows`` for cases that left or arrived, never a reset —
so views keep their selection, current item and scroll position.

The columns. Filtering and sorting 100,000 rows through ``QSortFilterProxyModel`` would call
Python for every row (``filterAcceptsRow``) and every comparison (``lessThan``), in each of seven
proxies. Instead ``BoardColumns`` filters and sorts once with ``commandcenter.board.apply`` and
hands each ``StageProxy`` the ordered case ids of its column. A proxy maps its rows to the
model's by case id and asks Qt for nothing per row; when the filter changes it lays out again
with ``layoutChanged`` (persistent indexes, hence selections, follow their cases). When the
model changes, ``BoardColumns`` places only the cases concerned: removed from one column,
inserted into another at their sorted place (bisect), moved, or just repainted.
"""

from __future__ import annotations

import bisect
import datetime as dt
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractProxyModel,
    QByteArray,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush

from commandcenter import clock
from commandcenter.access.accounts import Actor
from commandcenter.cases import board
from commandcenter.cases.board import BoardChanges, BoardFilter, Stage
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import CaseState
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.labels import format_datetime, label, time_left_text
from ui.common.style import Colors

_ROOT = QModelIndex()


class BoardRole(IntEnum):
    CASE = Qt.ItemDataRole.UserRole + 1  # the CaseRow
    CASE_ID = Qt.ItemDataRole.UserRole + 2
    CODE = Qt.ItemDataRole.UserRole + 3
    TITLE = Qt.ItemDataRole.UserRole + 4
    CATEGORY = Qt.ItemDataRole.UserRole + 5  # translated label
    GRID = Qt.ItemDataRole.UserRole + 6
    HOLDER = Qt.ItemDataRole.UserRole + 7
    SOURCE = Qt.ItemDataRole.UserRole + 8  # translated label
    TIME_LEFT = Qt.ItemDataRole.UserRole + 9  # text: "2 h 10 min left", "▲ OVERDUE by …"
    STATUS = Qt.ItemDataRole.UserRole + 10  # DeadlineStatus value, as of the model's now
    STAGE = Qt.ItemDataRole.UserRole + 11  # Stage value
    PAUSED = Qt.ItemDataRole.UserRole + 12  # suspended (挂账)
    URGENCY = Qt.ItemDataRole.UserRole + 13  # Urgency value
    NEEDS_ACTION = Qt.ItemDataRole.UserRole + 14  # in the actor's queue (set_actor)


# What the clock changes: set_now repaints these and nothing moves between columns.
TIME_ROLES = (
    int(BoardRole.TIME_LEFT),
    int(BoardRole.STATUS),
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


class BoardModel(QAbstractListModel):
    """Every case on the board, one row each, in no particular order (columns sort)."""

    def __init__(self, parent=None, *, now: dt.datetime | None = None):
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._ids: list[int] = []
        self._pos = _Positions()
        self._now = now or clock.now()
        self._needs_action = None

    # --- reading -------------------------------------------------------------------------------

    @property
    def now(self) -> dt.datetime:
        return self._now

    def rows(self) -> list[CaseRow]:
        """The rows in model order (do not modify)."""
        return self._rows

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

    def apply_changes(self, changes: BoardChanges) -> None:
        """A refresh: removed rows go, changed rows are replaced in place, new rows are added
        at the end. No reset: persistent indexes of the other rows stay valid."""
        self._remove(changes.removed_ids)
        added = []
        changed_rows = []
        for row in changes.changed:
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
                self.index(0, 0), self.index(len(self._rows) - 1, 0), [BoardRole.NEEDS_ACTION]
            )

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role in BoardRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.code}  {row.title}"
        if role == BoardRole.CASE:
            return row
        if role == BoardRole.CASE_ID:
            return row.id
        if role == BoardRole.CODE:
            return row.code
        if role == BoardRole.TITLE:
            return row.title
        if role == BoardRole.CATEGORY:
            return label(row.category)
        if role == BoardRole.GRID:
            return row.grid_name or "—"
        if role == BoardRole.HOLDER:
            return row.holder or "—"
        if role == BoardRole.SOURCE:
            return label(row.source)
        if role == BoardRole.TIME_LEFT:
            return self._time_left(row)
        if role == BoardRole.STATUS:
            return row.status_at(self._now).value
        if role == BoardRole.STAGE:
            stage = board.stage_of(row)
            return None if stage is None else stage.value
        if role == BoardRole.PAUSED:
            return row.paused
        if role == BoardRole.URGENCY:
            return row.urgency.value
        if role == BoardRole.NEEDS_ACTION:
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
        text = time_left_text(row.status_at(self._now), row.deadline, self._now)
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


class StageProxy(QAbstractProxyModel):
    """One column of the board: the cases of one stage that pass the filter, in the filter's
    order. Its content is set by ``BoardColumns``; it only maps rows to the model's by id."""

    def __init__(self, stage: Stage, parent=None):
        super().__init__(parent)
        self.stage = stage
        self._ids: list[int] = []
        self._keys: list[tuple] = []
        self._pos = _Positions()

    # --- reading -------------------------------------------------------------------------------

    def case_ids(self) -> list[int]:
        return list(self._ids)

    def case_at(self, row: int) -> CaseRow:
        return self.sourceModel().case_by_id(self._ids[row])

    def row_of(self, case_id: int) -> int | None:
        return self._pos.get(self._ids, case_id)

    def __contains__(self, case_id: int) -> bool:
        return self.row_of(case_id) is not None

    # --- Qt proxy ------------------------------------------------------------------------------

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else 1

    def hasChildren(self, parent=_ROOT) -> bool:
        return not parent.isValid() and bool(self._ids)

    def index(self, row, column=0, parent=_ROOT) -> QModelIndex:
        if parent.isValid() or column != 0 or not 0 <= row < len(self._ids):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index=None):
        if index is None:  # QObject.parent()
            return super().parent()
        return QModelIndex()

    def sibling(self, row, column, index) -> QModelIndex:
        return self.index(row, column)

    def mapToSource(self, proxy_index) -> QModelIndex:
        if not proxy_index.isValid() or proxy_index.row() >= len(self._ids):
            return QModelIndex()
        model = self.sourceModel()
        row = model.row_of(self._ids[proxy_index.row()])
        return QModelIndex() if row is None else model.index(row, 0)

    def mapFromSource(self, source_index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        case_id = self.sourceModel().case_at(source_index.row()).id
        row = self.row_of(case_id)
        return QModelIndex() if row is None else self.createIndex(row, 0)

    # --- driven by BoardColumns ------------------------------------------------------------------

    def _reset(self, ids: list[int], keys: list[tuple]) -> None:
        self.beginResetModel()
        self._ids, self._keys = ids, keys
        self._pos.reset()
        self.endResetModel()

    def _relayout(self, ids: list[int], keys: list[tuple]) -> None:
        """New content, with persistent indexes following their cases (or dropped)."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        followed = [self._ids[p.row()] if p.row() < len(self._ids) else None for p in persistent]
        self._ids, self._keys = ids, keys
        self._pos.reset()
        moved = []
        for case_id in followed:
            row = None if case_id is None else self._pos.get(ids, case_id)
            moved.append(QModelIndex() if row is None else self.createIndex(row, 0))
        if persistent:
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _insert(self, case_id: int, key: tuple) -> None:
        at = bisect.bisect_left(self._keys, key)
        self.beginInsertRows(_ROOT, at, at)
        self._ids.insert(at, case_id)
        self._keys.insert(at, key)
        self._pos.inserted(case_id, at)
        self.endInsertRows()

    def _remove(self, case_id: int) -> None:
        at = self.row_of(case_id)
        if at is None:
            return
        self.beginRemoveRows(_ROOT, at, at)
        del self._ids[at]
        del self._keys[at]
        self._pos.removed(case_id, at)
        self.endRemoveRows()

    def _update(self, case_id: int, key: tuple) -> None:
        """The case stays in this column: move it if its place changed, repaint it."""
        at = self.row_of(case_id)
        keys = self._keys
        if keys[at] != key:
            to = bisect.bisect_left(keys, key)  # counted with the case still at ``at``
            if to > at:
                to -= 1
            if to != at:
                self.beginMoveRows(_ROOT, at, at, _ROOT, to + 1 if to > at else to)
                del self._ids[at]
                del keys[at]
                self._ids.insert(to, case_id)
                keys.insert(to, key)
                self._pos.removed(case_id, min(at, to))
                self._pos.inserted(case_id, to)
                self.endMoveRows()
                at = to
            else:
                keys[at] = key
        index = self.createIndex(at, 0)
        self.dataChanged.emit(index, index, [])

    def _repaint(self, roles) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1), roles)


class BoardColumns(QObject):
    """The board's columns over one ``BoardModel``: a ``StageProxy`` per stage, filled from
    ``board.apply`` and kept current as the model changes."""

    countsChanged = Signal()

    def __init__(self, model: BoardModel, actor: Actor, parent=None):
        super().__init__(parent)
        self.model = model
        self.actor = actor
        self.filter = BoardFilter()
        self._now = model.now
        self._key = board.sort_key(self.filter.sort)
        self._stage_of: dict[int, Stage] = {}  # where each shown case is
        self.proxies = {stage: StageProxy(stage, self) for stage in Stage}
        for proxy in self.proxies.values():
            proxy.setSourceModel(model)
        model.modelReset.connect(self._on_reset)
        model.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed)
        model.rowsInserted.connect(self._on_rows_inserted)
        model.dataChanged.connect(self._on_data_changed)
        self._fill(reset=True)

    def proxy(self, stage: Stage) -> StageProxy:
        return self.proxies[stage]

    def counts(self) -> dict[Stage, int]:
        return {stage: proxy.rowCount() for stage, proxy in self.proxies.items()}

    def set_filter(self, board_filter: BoardFilter, now: dt.datetime | None = None) -> None:
        """Filter and sort again (once, for all columns); selections follow their cases."""
        self.filter = board_filter
        self._key = board.sort_key(board_filter.sort)
        if now is not None:
            self._now = now
        self._fill(reset=False)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self._fill(reset=False)

    # --- filling -----------------------------------------------------------------------------

    def _fill(self, reset: bool) -> None:
        key = self._key
        rows = board.select_rows(self.model.rows(), self.filter, self.actor, self._now)
        rows.sort(key=key)
        ids: dict[Stage, list[int]] = {stage: [] for stage in Stage}
        keys: dict[Stage, list[tuple]] = {stage: [] for stage in Stage}
        add = {  # per state: where its ids and keys go (inlined board.stage_of, for speed)
            state: (ids[stage].append, keys[stage].append)
            for state, stage in board.STAGE_OF_STATE.items()
        }
        suspended, handling = CaseState.SUSPENDED, CaseState.HANDLING
        for row in rows:
            state = row.state
            if state is suspended:
                state = row.resume_state or handling
            to = add.get(state)
            if to is not None:
                to[0](row.id)
                to[1](key(row))
        stage_of: dict[int, Stage] = {}
        for stage, stage_ids in ids.items():
            stage_of.update(dict.fromkeys(stage_ids, stage))
        self._stage_of = stage_of
        for stage, proxy in self.proxies.items():
            if reset:
                proxy._reset(ids[stage], keys[stage])
            else:
                proxy._relayout(ids[stage], keys[stage])
        self.countsChanged.emit()

    def _place(self, row: CaseRow) -> None:
        """Put one case where it belongs now (or nowhere)."""
        shown = board.apply([row], self.filter, self.actor, self._now)
        stage = board.stage_of(row) if shown else None
        old = self._stage_of.get(row.id)
        if old is not None and old != stage:
            self.proxies[old]._remove(row.id)
            del self._stage_of[row.id]
        if stage is None:
            return
        if old == stage:
            self.proxies[stage]._update(row.id, self._key(row))
        else:
            self.proxies[stage]._insert(row.id, self._key(row))
            self._stage_of[row.id] = stage

    # --- following the model -----------------------------------------------------------------------

    def _on_reset(self) -> None:
        self._now = self.model.now
        self._fill(reset=True)

    def _on_rows_about_to_be_removed(self, parent, first: int, last: int) -> None:
        for i in range(first, last + 1):
            case_id = self.model.case_at(i).id
            stage = self._stage_of.pop(case_id, None)
            if stage is not None:
                self.proxies[stage]._remove(case_id)
        self.countsChanged.emit()

    def _on_rows_inserted(self, parent, first: int, last: int) -> None:
        for i in range(first, last + 1):
            self._place(self.model.case_at(i))
        self.countsChanged.emit()

    def _on_data_changed(self, top_left, bottom_right, roles=()) -> None:
        if roles and all(int(role) in TIME_ROLES for role in roles):  # the clock ticked
            self._now = self.model.now
            for proxy in self.proxies.values():
                proxy._repaint(roles)
            return
        if roles and all(int(role) == BoardRole.NEEDS_ACTION for role in roles):
            for proxy in self.proxies.values():
                proxy._repaint(roles)
            return
        for i in range(top_left.row(), bottom_right.row() + 1):
            self._place(self.model.case_at(i))
        self.countsChanged.emit()
