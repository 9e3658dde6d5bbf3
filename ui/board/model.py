"""The case board's columns: one proxy per stage over the console's case store.

Filtering and sorting 100,000 rows through ``QSortFilterProxyModel`` would call Python for every
row (``filterAcceptsRow``) and every comparison (``lessThan``), in each of seven proxies.
Instead ``BoardColumns`` filters and sorts once with ``commandcenter.cases.board.apply`` and
hands each ``StageProxy`` the ordered case ids of its column. A proxy maps its rows to the
store's by case id and asks Qt for nothing per row; when the filter changes it lays out again
with ``layoutChanged`` (persistent indexes, hence selections, follow their cases). When the
store changes, ``BoardColumns`` places only the cases concerned: removed from one column,
inserted into another at their sorted place (bisect), moved, or just repainted.
"""

from __future__ import annotations

import bisect
import datetime as dt

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    Signal,
)

from commandcenter.access.accounts import Actor
from commandcenter.cases import board
from commandcenter.cases.board import BoardFilter, Stage
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import CaseState
from ui.data.case_store import TIME_ROLES, CaseRole, CaseStore, _Positions

_ROOT = QModelIndex()


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
    """The board's columns over one ``CaseStore``: a ``StageProxy`` per stage, filled from
    ``board.apply`` and kept current as the model changes."""

    countsChanged = Signal()

    def __init__(self, model: CaseStore, actor: Actor, parent=None):
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
        if roles and all(int(role) == CaseRole.NEEDS_ACTION for role in roles):
            for proxy in self.proxies.values():
                proxy._repaint(roles)
            return
        for i in range(top_left.row(), bottom_right.row() + 1):
            self._place(self.model.case_at(i))
        self.countsChanged.emit()
