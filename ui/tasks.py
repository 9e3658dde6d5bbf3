"""Background work for the console: run a function in a thread pool, get the answer in the GUI
thread.

Contract: the function runs in a worker thread and must not touch widgets; it opens its own
database session if it needs one and returns plain data. ``on_done`` / ``on_error`` are always
called in the GUI thread (delivery goes through a QObject living there, so even a lambda callback
is safe).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from shiboken6 import Shiboken

log = logging.getLogger(__name__)

_pools: dict[str, QThreadPool] = {}
_pending: set[_Relay] = set()  # keeps relays alive until their answer is delivered


def pool(name: str = "data") -> QThreadPool:
    """A named pool: ``data`` for database reads (2 threads), ``video`` for camera frames."""
    if name not in _pools:
        created = QThreadPool()
        created.setMaxThreadCount({"data": 2, "video": 3}.get(name, 2))
        _pools[name] = created
    return _pools[name]


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Wait for every pool to finish (at shut-down, and in screenshot mode)."""
    return all(p.waitForDone(timeout_ms) for p in _pools.values())


def pending_count() -> int:
    return len(_pending)


class _Relay(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call into the GUI thread."""

    done = Signal(object)
    failed = Signal(object, str)

    def __init__(self, on_done, on_error, owner: QObject | None):
        super().__init__()
        self._on_done, self._on_error, self._owner = on_done, on_error, owner
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    def _owner_gone(self) -> bool:
        return self._owner is not None and not Shiboken.isValid(self._owner)

    @Slot(object)
    def _deliver_done(self, result) -> None:
        _pending.discard(self)
        if self._owner_gone():  # the widget that asked was closed meanwhile
            return
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object, str)
    def _deliver_error(self, error, trace) -> None:
        _pending.discard(self)
        if self._owner_gone():
            return
        if self._on_error is not None:
            self._on_error(error)
        else:
            log.error("background task failed: %s\n%s", error, trace)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._relay = fn, relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # relayed to the GUI thread, never lost
            self._relay.failed.emit(exc, traceback.format_exc())
        else:
            self._relay.done.emit(result)


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    *,
    pool_name: str = "data",
    owner: QObject | None = None,
) -> None:
    """Run ``fn()`` in a worker thread; deliver its result or error in the GUI thread.

    With an ``owner``, nothing is delivered once that QObject has been deleted."""
    relay = _Relay(on_done, on_error, owner)
    _pending.add(relay)
    pool(pool_name).start(_Task(fn, relay))


def run_and_wait(fn: Callable[[], Any], *, pool_name: str = "data") -> Any:
    """Run ``fn()`` in a worker while the GUI keeps painting (a local event loop), then return
    its result or raise its error. For start-up steps behind a please-wait dialog."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        QTimer.singleShot(0, loop.quit)

    run_in_background(
        fn,
        lambda result: finish("result", result),
        lambda error: finish("error", error),
        pool_name=pool_name,
    )
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
