"""The console's one subscription to the change feed.

``ChangeFeed`` loads the console's picture once (``Backend.load_console``), then follows what
changed since. In-process (``LocalBackend``) it asks every ``FEED_INTERVAL_MS`` — and at once
after each of this console's own writes — (``Backend.changes_since``). Connected to a server
(a backend with ``subscribe``), the server pushes every change as it commits; a lost
connection shows as "disconnected since …" and comes back by itself, resuming from the last
mark. Every screen learns of every change, its own or another console's, from ``updated``; none
polls on a timer of its own. Backend calls run in worker threads; one request is in flight at a
time and a request made meanwhile is made once after it.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from commandcenter.backend import Backend, ConsoleData, FeedUpdate
from commandcenter.errors import ServerUnreachable
from ui.common.errors import describe
from ui.common.labels import format_datetime
from ui.common.tasks import run_in_background

log = logging.getLogger(__name__)

FEED_INTERVAL_MS = 2_000  # changes of other consoles appear within this
STALE_AFTER = dt.timedelta(minutes=2)  # the status line flags data older than this


class ChangeFeed(QObject):
    loaded = Signal(object)  # ConsoleData: the whole picture (first load, and after a reload)
    updated = Signal(object)  # FeedUpdate with changes in it
    failed = Signal(str)  # a short message in the user's words
    checked = Signal(object)  # dt.datetime: the data is known current as of then
    _pushed = Signal(object)  # from the subscription's thread (queued into this one)
    _connection = Signal(bool, str)

    def __init__(self, backend: Backend, parent: QObject | None = None, *, interval_ms=None):
        super().__init__(parent)
        self.backend = backend
        self.mark = None
        self.checked_at: dt.datetime | None = None
        self.last_error: str | None = None  # in the user's words, never the exception text
        self.last_error_hint = ""
        self._busy = False
        self._wanted: str | None = None  # "poll" or "load", asked while busy
        self._closed = False
        self._started = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms or FEED_INTERVAL_MS)
        self._timer.timeout.connect(self.poll_now)
        # Pushed by a server: a subscription instead of the timer.
        self.push = hasattr(backend, "subscribe")
        self._subscription = None
        self.connected = not self.push
        self.disconnected_since: dt.datetime | None = None
        self._pushed.connect(self._on_pushed)
        self._connection.connect(self._on_connection)

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self) -> None:
        self._started = True
        self.reload()
        if not self.push:
            self._timer.start()

    def stop(self) -> None:
        self._closed = True
        self._timer.stop()
        if self._subscription is not None:
            self._subscription.close()

    def as_of(self, now: dt.datetime) -> dt.datetime | None:
        """When the data on screen was last known current: now, while a server pushes."""
        return now if self.push and self.connected else self.checked_at

    def is_stale(self, now: dt.datetime) -> bool:
        as_of = self.as_of(now)
        return as_of is None or now - as_of > STALE_AFTER

    # --- requests ------------------------------------------------------------------------------

    def reload(self) -> None:
        """The whole picture again (start, a new day, new deadline settings, lost track)."""
        self._request("load")

    def poll_now(self) -> None:
        """What changed since the last answer (the timer; after every own write)."""
        if self._subscription is not None:
            self._subscription.poll()  # the server looks now and pushes
            return
        self._request("poll" if self.mark is not None else "load")

    def _request(self, kind: str) -> None:
        if self._closed or not self._started:  # a dialog's console that follows nothing
            return
        if self._busy:
            if self._wanted != "load":
                self._wanted = kind
            return
        self._busy = True
        backend = self.backend
        if kind == "load":
            work = backend.load_console
            done = self._on_loaded
        else:
            mark = self.mark
            work = lambda: backend.changes_since(mark)  # noqa: E731
            done = self._on_update
        run_in_background(work, done, self._on_failed, pool_name="feed", owner=self)

    # --- answers -------------------------------------------------------------------------------

    def _on_loaded(self, data: ConsoleData) -> None:
        if self._closed:
            return
        self.mark = data.mark
        self._ok(data.loaded_at)
        self.loaded.emit(data)
        if self.push:
            if self._subscription is None:
                self._subscription = self.backend.subscribe(
                    data.mark, self._pushed.emit, self._connection.emit
                )
            else:
                self._subscription.reset(data.mark)
        self._finish()

    def _on_pushed(self, update: FeedUpdate) -> None:
        if self._closed:
            return
        self.mark = update.mark
        self._ok(update.checked_at)
        if update.reload:
            self.reload()
        elif update:
            self.updated.emit(update)

    def _on_connection(self, connected: bool, why: str) -> None:
        if self._closed:
            return
        self.connected = connected
        if connected:
            self.disconnected_since = None
            self._ok(None)
            return
        now = self.backend.clock.now()
        if self.disconnected_since is None:
            self.disconnected_since = now
        log.warning("disconnected from the server: %s", why)
        message = describe(ServerUnreachable(why), doing="following the server")
        since = format_datetime(self.disconnected_since, seconds=True)
        self.last_error = (
            QCoreApplication.translate("Feed", "%1 since %2")
            .replace("%1", message.text)
            .replace("%2", since)
        )
        self.last_error_hint = message.hint
        self.failed.emit(self.last_error)

    def _on_update(self, update: FeedUpdate) -> None:
        if self._closed:
            return
        self.mark = update.mark
        self._ok(update.checked_at)
        if update.reload:
            self._wanted = "load"
        elif update:
            self.updated.emit(update)
        self._finish()

    def _on_failed(self, error: Exception) -> None:
        if self._closed:
            return
        message = describe(error, doing="following the changes")  # detail to the log only
        self.last_error, self.last_error_hint = message.text, message.hint
        self.failed.emit(message.text)
        self._finish()

    def _ok(self, at: dt.datetime | None) -> None:
        self.checked_at = at or self.backend.clock.now()
        self.last_error, self.last_error_hint = None, ""
        self.checked.emit(self.checked_at)

    def _finish(self) -> None:
        self._busy = False
        wanted, self._wanted = self._wanted, None
        if wanted and not self._closed:
            QTimer.singleShot(0, lambda: self._request(wanted))
