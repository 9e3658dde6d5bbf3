"""What one console knows of its jurisdiction, kept current by the change feed.

``Console`` is the object every screen is given: the backend (for reads in workers), the one
writer (``operations``), the one case store (``store``) and the static picture — the
jurisdiction tree with its boundaries (loaded once, and again only when grids change), the
cameras and the tours — with one signal per kind of change:

- ``loaded``: a whole picture arrived (start, a new day, new deadline settings);
- ``casesChanged(changed rows, removed ids)``: the store has applied them;
- ``treeChanged``, ``camerasChanged``, ``toursChanged``: that part is new;
- ``countsChanged(Dashboard, counted tree)``: the counters and the tree with every grid's and
  unit's open and overdue cases, computed in a worker from the store's rows (after changes,
  and as the clock moves on);
- ``alerted([Alert])``: a critical case, a 督办 from above, a key-site camera offline — as
  ``commandcenter.alerts`` decides from the rows before and after each change.

Nothing here polls the database: the feed does, once for the whole console.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QObject, QTimer, Signal

from commandcenter.alerts import camera_alerts, case_alerts
from commandcenter.backend import Backend, ConsoleData, FeedUpdate
from commandcenter.cameras.rows import CameraRow
from commandcenter.cases.dashboard import Dashboard, MonthClosures, dashboard
from commandcenter.domain.enums import CaseState
from commandcenter.jurisdiction.tree import (
    GridCounts,
    GridSummary,
    UnitNode,
    case_counts,
    with_case_counts,
)
from commandcenter.video.wall import Tour
from ui.common.tasks import run_in_background
from ui.data.case_store import CaseStore
from ui.data.feed import ChangeFeed
from ui.data.operations import Operations

log = logging.getLogger(__name__)

CLOCK_TICK_MS = 30_000  # countdowns, deadline colours and counts move on this often
FIELD_POSITIONS_MS = 15_000  # the field workers on the map: phones send every 10 s


class Console(QObject):
    loaded = Signal(object)  # ConsoleData
    casesChanged = Signal(object, object)  # changed CaseRows, removed case ids
    treeChanged = Signal(object)  # UnitNode (no counts)
    camerasChanged = Signal(object)  # tuple[CameraRow, ...], every camera
    toursChanged = Signal(object)  # tuple[Tour, ...]
    countsChanged = Signal(object, object)  # Dashboard, the tree with counts (or None)
    clockTicked = Signal(object)  # dt.datetime
    fieldWorkersChanged = Signal(object)  # list[FieldWorker]: positions and today's tracks
    newReports = Signal(object)  # [CaseRow]: reports that arrived from elsewhere (field, 12345)
    alerted = Signal(object)  # [Alert]: critical case, 督办 from above, key-site camera offline
    cameraStatusChanged = Signal(object)  # {camera id: online}, after each check

    def __init__(self, backend: Backend, parent: QObject | None = None, *, feed_interval_ms=None):
        super().__init__(parent)
        self.backend = backend
        self.actor = backend.actor
        self.feed = ChangeFeed(backend, self, interval_ms=feed_interval_ms)
        self.operations = Operations(backend, self.feed, self)
        self.store = CaseStore(self.now(), self)
        self.tree: UnitNode | None = None
        self.units: dict[int, UnitNode] = {}
        self.grids: dict[int, GridSummary] = {}
        self.community_of_grid: dict[int, str] = {}
        self.cameras: dict[int, CameraRow] = {}
        self.camera_online: dict[int, bool] = {}  # the last check's answer
        self.tours: tuple[Tour, ...] = ()
        self.month = MonthClosures("")
        self.dashboard: Dashboard | None = None
        self.grid_counts: GridCounts = {}
        self.counted_tree: UnitNode | None = None
        self.loaded_at: dt.datetime | None = None
        self._counting = False
        self._count_again = False
        self._own_cases: set[int] = set()  # what this console changed: not news to it
        self.operations.changed.connect(lambda changes: self._own_cases.update(changes.cases))
        self.feed.loaded.connect(self._on_loaded)
        self.feed.updated.connect(self._on_update)
        self._tick = QTimer(self)
        self._tick.setInterval(CLOCK_TICK_MS)
        self._tick.timeout.connect(self.tick)
        # Positions come every few seconds from hundreds of phones: read on a timer, in a
        # worker, not pushed change by change.
        self.field_workers: list = []
        self._reading_positions = False
        self._positions = QTimer(self)
        self._positions.setInterval(FIELD_POSITIONS_MS)
        self._positions.timeout.connect(self.read_field_workers)

    def now(self) -> dt.datetime:
        return self.backend.clock.now()

    @property
    def is_loaded(self) -> bool:
        return self.loaded_at is not None

    def start(self) -> None:
        self.feed.start()
        self._tick.start()
        self._positions.start()
        self.read_field_workers()

    def stop(self) -> None:
        self.feed.stop()
        self._tick.stop()
        self._positions.stop()

    def read_field_workers(self) -> None:
        """The field workers' last positions and tracks (a worker thread; one at a time)."""
        if self._reading_positions:
            return
        self._reading_positions = True
        run_in_background(
            self.backend.field_workers,
            self._on_field_workers,
            self._on_field_workers_failed,
            owner=self,
        )

    def _on_field_workers(self, workers) -> None:
        self._reading_positions = False
        self.field_workers = list(workers)
        self.fieldWorkersChanged.emit(self.field_workers)

    def _on_field_workers_failed(self, error: Exception) -> None:
        self._reading_positions = False
        log.warning("reading the field workers' positions failed: %s", error)

    def tick(self) -> None:
        """The clock moved on: countdowns, colours and counts follow without any reading."""
        now = self.now()
        self.store.set_now(now)
        self.recount()
        self.clockTicked.emit(now)

    # --- the feed --------------------------------------------------------------------------------

    def _on_loaded(self, data: ConsoleData) -> None:
        self.loaded_at = data.loaded_at
        self.month = data.month
        self._set_tree(data.tree)
        self.cameras = {c.id: c for c in data.cameras}
        self.tours = data.tours
        self.store.set_now(data.loaded_at)
        self.store.set_rows(data.rows)
        self.treeChanged.emit(data.tree)
        self.camerasChanged.emit(data.cameras)
        self.toursChanged.emit(data.tours)
        self.loaded.emit(data)
        self.recount()

    def _on_update(self, update: FeedUpdate) -> None:
        if update.month is not None:
            self.month = update.month
        if update.tree is not None:
            self._set_tree(update.tree)
            self.treeChanged.emit(update.tree)
        if update.cameras or update.removed_camera_ids:
            for camera_id in update.removed_camera_ids:
                self.cameras.pop(camera_id, None)
            self.cameras.update({c.id: c for c in update.cameras})
            self.camerasChanged.emit(tuple(self.cameras.values()))
        if update.tours is not None:
            self.tours = update.tours
            self.toursChanged.emit(update.tours)
        if update.rows or update.removed_case_ids:
            before = {
                row.id: held
                for row in update.rows
                if (held := self.store.case_by_id(row.id)) is not None
            }
            arrived = [
                row
                for row in update.rows
                if row.state is CaseState.REPORTED
                and row.id not in before
                and row.id not in self._own_cases
            ]
            alerts = case_alerts(self.actor, before, update.rows, self._own_cases)
            self.store.apply(update.rows, update.removed_case_ids)
            if arrived:
                self.newReports.emit(arrived)
            if alerts:
                self.alerted.emit(alerts)
            self.casesChanged.emit(update.rows, update.removed_case_ids)
            self.recount()

    def _set_tree(self, root: UnitNode) -> None:
        self.tree = root
        self.units = {node.id: node for node in root.walk()}
        self.grids = {g.id: g for node in root.walk() for g in node.grids}
        self.community_of_grid = {g.id: node.name for node in root.walk() for g in node.grids}

    def set_camera_status(self, online: dict[int, bool]) -> None:
        """A check of the cameras answered (``ui.video.wall_actions``): every screen is told,
        and a key site gone offline is an alert."""
        alerts = camera_alerts(self.cameras.values(), self.camera_online, online)
        self.camera_online = dict(online)
        self.cameraStatusChanged.emit(online)
        if alerts:
            self.alerted.emit(alerts)

    # --- counting (in a worker: 100,000 rows take tens of milliseconds) ---------------------------

    def recount(self) -> None:
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        rows, now = tuple(self.store.rows()), self.now()
        month, cameras, tree = self.month, len(self.cameras), self.tree

        def count():
            counts = case_counts(rows, now)
            counted = with_case_counts(tree, counts) if tree is not None else None
            return dashboard(rows, now, month, cameras), counts, counted

        run_in_background(count, self._on_counted, self._on_count_failed, owner=self)

    def _on_counted(self, result) -> None:
        self._counting = False
        self.dashboard, self.grid_counts, self.counted_tree = result
        if self.counted_tree is not None:
            self.units = {node.id: node for node in self.counted_tree.walk()}
            self.grids = {g.id: g for node in self.counted_tree.walk() for g in node.grids}
        self.countsChanged.emit(self.dashboard, self.counted_tree)
        if self._count_again:
            self._count_again = False
            self.recount()

    def _on_count_failed(self, error: Exception) -> None:
        self._counting = False
        log.error("counting the cases failed: %s", error)

    # --- lookups ---------------------------------------------------------------------------------

    def cameras_of_grid(self, grid_id: int) -> tuple[CameraRow, ...]:
        return tuple(c for c in self.cameras.values() if c.grid_id == grid_id)

    def counts_of_grid(self, grid_id: int) -> tuple[int, int]:
        return self.grid_counts.get(grid_id, (0, 0))
