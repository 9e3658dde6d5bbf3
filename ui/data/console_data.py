"""What the console shows, loaded off the GUI thread, and a store that tells widgets when a part
of it really changed.

``load_snapshot`` runs in a worker with its own session and returns plain frozen dataclasses.
``ConsoleData`` keeps the latest snapshot and emits one signal per part (tree, cases, cameras,
dashboard) only when that part differs from what the widgets already have.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from commandcenter import clock
from commandcenter.access.accounts import Actor
from commandcenter.cameras.rows import CameraRow, camera_rows
from commandcenter.cases.dashboard import Dashboard, load_dashboard
from commandcenter.cases.rows import CaseRow, open_cases
from commandcenter.jurisdiction.tree import GridSummary, UnitNode, jurisdiction_tree
from commandcenter.storage.database import Database
from ui.common.errors import describe
from ui.common.tasks import run_in_background

log = logging.getLogger(__name__)

REFRESH_INTERVAL_MS = 30_000
STALE_AFTER = dt.timedelta(minutes=2)  # the status bar flags data older than this


@dataclass(frozen=True)
class Snapshot:
    loaded_at: dt.datetime
    tree: UnitNode
    cases: tuple[CaseRow, ...]
    cameras: tuple[CameraRow, ...]
    dashboard: Dashboard

    @property
    def grids(self) -> tuple[GridSummary, ...]:
        return tuple(g for node in self.tree.walk() for g in node.grids)


def load_snapshot(database: Database, actor: Actor, now: dt.datetime | None = None) -> Snapshot:
    """Everything the main window shows, in one read-only session. Runs in a worker thread."""
    now = now or clock.now()
    with database.session() as session:
        return Snapshot(
            loaded_at=now,
            tree=jurisdiction_tree(session, actor, now),
            cases=tuple(open_cases(session, actor, now)),
            cameras=tuple(camera_rows(session, actor)),
            dashboard=load_dashboard(session, actor, now),
        )


class ConsoleData(QObject):
    """The latest snapshot of one actor's jurisdiction, refreshed in the background."""

    treeChanged = Signal(object)  # UnitNode
    casesChanged = Signal(object)  # tuple[CaseRow, ...]
    camerasChanged = Signal(object)  # tuple[CameraRow, ...]
    dashboardChanged = Signal(object)  # Dashboard
    loaded = Signal(object)  # Snapshot, after every successful load
    loadFailed = Signal(str)  # a short message in the user's words
    busyChanged = Signal(bool)

    def __init__(self, database: Database, actor: Actor, parent: QObject | None = None):
        super().__init__(parent)
        self.database, self.actor = database, actor
        self.snapshot: Snapshot | None = None
        self.last_error: str | None = None  # in the user's words, never the exception text
        self.last_error_hint = ""  # what to do about it
        self._busy = False
        self._again = False
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh)

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self) -> None:
        """Load now, then every REFRESH_INTERVAL_MS."""
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        self._closed = True
        self._timer.stop()

    def refresh(self) -> None:
        if self._closed:
            return
        if self._busy:  # one load at a time; ask for one more when it ends
            self._again = True
            return
        self._set_busy(True)
        database, actor = self.database, self.actor
        run_in_background(
            lambda: load_snapshot(database, actor), self._on_loaded, self._on_failed, owner=self
        )

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def _on_loaded(self, snapshot: Snapshot) -> None:
        if self._closed:
            return
        previous, self.snapshot, self.last_error = self.snapshot, snapshot, None
        self.last_error_hint = ""
        if previous is None or previous.tree != snapshot.tree:
            self.treeChanged.emit(snapshot.tree)
        if previous is None or previous.cases != snapshot.cases:
            self.casesChanged.emit(snapshot.cases)
        if previous is None or previous.cameras != snapshot.cameras:
            self.camerasChanged.emit(snapshot.cameras)
        if previous is None or previous.dashboard != snapshot.dashboard:
            self.dashboardChanged.emit(snapshot.dashboard)
        self._finish()
        self.loaded.emit(snapshot)

    def _on_failed(self, error: Exception) -> None:
        if self._closed:
            return
        message = describe(error, doing="loading the console data")  # detail to the log only
        self.last_error, self.last_error_hint = message.text, message.hint
        self._finish()
        self.loadFailed.emit(self.last_error)

    def _finish(self) -> None:
        self._set_busy(False)
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.refresh)
