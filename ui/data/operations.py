"""The console's one writer: every write runs here, one at a time, off the GUI thread.

``Operations.run(fn)`` calls ``fn(backend)`` — an operation of the core returning an
``Outcome`` — in a single-thread pool, so this console's writes never overtake each other and
the GUI never waits. On success it broadcasts the changes (``changed``) and asks the feed for
them at once, so every screen updates from the same fresh rows as for another console's step;
the caller's ``on_done`` gets the outcome's value. A failure reaches ``on_error`` (or the
console's message line through ``failed``) and changed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import Shiboken

from commandcenter.backend import Backend
from commandcenter.domain.changes import Outcome
from ui.common.tasks import pool, run_in_background
from ui.data.feed import ChangeFeed

WRITE_POOL = "write"


class Operations(QObject):
    changed = Signal(object)  # Changes made by this console
    failed = Signal(object)  # an exception no caller handled

    def __init__(self, backend: Backend, feed: ChangeFeed | None, parent: QObject | None = None):
        super().__init__(parent)
        self.backend, self.feed = backend, feed
        pool(WRITE_POOL).setMaxThreadCount(1)
        self._running = 0

    @property
    def running(self) -> int:
        return self._running

    def run(
        self,
        operation: Callable[[Backend], Outcome],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        backend = self.backend
        self._running += 1

        def done(outcome: Outcome) -> None:
            self._running -= 1
            if outcome.changes:
                self.changed.emit(outcome.changes)
                if self.feed is not None:
                    self.feed.poll_now()
            if on_done is not None and alive():
                on_done(outcome.value)

        def failed(error: Exception) -> None:
            self._running -= 1
            if on_error is not None and alive():
                on_error(error)
            else:
                self.failed.emit(error)

        def alive() -> bool:  # the asking dialog may have closed meanwhile
            return owner is None or Shiboken.isValid(owner)

        # The changes are broadcast even when the asker is gone: others still show them.
        run_in_background(lambda: operation(backend), done, failed, pool_name=WRITE_POOL)
