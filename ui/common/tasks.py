"""Background work for the console: run a function in a thread pool, get the answer in the GUI
thread.

Contract: the function runs in a worker thread and must not touch widgets; it opens its own
database session if it needs one and returns plain data. ``on_done`` / ``on_error`` are always
called in the GUI thread (delivery goes through a QObject living there, so even a lambda callback
is safe).
"""

from __future__ import annotations

import gc
import itertools
import logging
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from shiboken6 import Shiboken

log = logging.getLogger(__name__)

_pools: dict[str, QThreadPool] = {}
# Callbacks waiting for their task, by token. Only the GUI thread touches this dict.
_pending: dict[int, tuple[Callable | None, Callable | None, QObject | None]] = {}
_tokens = itertools.count(1)
_dispatcher: _Dispatcher | None = None


def pool(name: str = "data") -> QThreadPool:
    """A named pool: ``data`` for database reads (2 threads), others with 2 threads."""
    if name not in _pools:
        created = QThreadPool()
        created.setMaxThreadCount({"data": 2}.get(name, 2))
        _pools[name] = created
    return _pools[name]


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Wait for every pool to finish (at shut-down, and in screenshot mode)."""
    return all(p.waitForDone(timeout_ms) for p in _pools.values())


def pending_count() -> int:
    return len(_pending)


class _Dispatcher(QObject):
    """One object for the whole console, made in the GUI thread and never deleted: workers
    emit its signal, Qt queues the call into the GUI thread.

    (A QObject per task, as before, could lose its last reference in the worker thread and be
    destroyed there while the GUI thread was still delivering its signal.)"""

    finished = Signal(int, bool, object, str)

    def __init__(self):
        super().__init__()
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(int, bool, object, str)
    def _deliver(self, token: int, ok: bool, payload, trace: str) -> None:
        entry = _pending.pop(token, None)
        if entry is None:
            return
        on_done, on_error, owner = entry
        if owner is not None and not Shiboken.isValid(owner):  # the asker was closed meanwhile
            return
        if ok:
            if on_done is not None:
                on_done(payload)
        elif on_error is not None:
            on_error(payload)
        else:
            log.error("background task failed: %s\n%s", payload, trace)


def _get_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is not app.thread():
            raise RuntimeError("run_in_background is called from the GUI thread only")
        _dispatcher = _Dispatcher()
    return _dispatcher


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], token: int, dispatcher: _Dispatcher):
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._token, self._dispatcher = fn, token, dispatcher

    def run(self) -> None:
        fn, self._fn = self._fn, None
        try:
            result = fn()
        except Exception as exc:  # relayed to the GUI thread, never lost
            self._dispatcher.finished.emit(self._token, False, exc, traceback.format_exc())
        else:
            self._dispatcher.finished.emit(self._token, True, result, "")


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
    dispatcher = _get_dispatcher()
    token = next(_tokens)
    _pending[token] = (on_done, on_error, owner)
    pool(pool_name).start(_Task(fn, token, dispatcher))


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


# How long a thread running Python keeps the GIL while another waits for it. Python's 5 ms let
# a worker running Python (the map's marker image, a base render) hold a frame of the GUI
# thread back by that much at every hand-over: bench/map.py --busy-worker measured frames of
# up to 64 ms with 5 ms, 16 ms with 1 ms. Decoders and database drivers release the GIL anyway.
GUI_SWITCH_INTERVAL_S = 0.001


def favour_gui_thread() -> None:
    """Set the console's GIL switch interval (``GUI_SWITCH_INTERVAL_S``); called at start."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


class GuiThreadGarbageCollector(QObject):
    """Python's cyclic garbage collector runs in whichever thread happens to allocate, e.g. a
    video or database worker; a Qt object freed there is destroyed in the wrong thread. This
    turns automatic collection off and collects from a timer in the GUI thread instead, with
    the same thresholds (the usual remedy for PySide applications with worker threads).

    A full collection scans every object: with a city's 100,000 cases and 50,000 grids in
    memory that is 0.3 to 1 s of the GUI thread (``bench/map.py``), and a drag's frame that
    falls on it stalls as long. So what survives a full collection is frozen (``gc.freeze``):
    later full collections scan only newer objects, in milliseconds. Every ``deep_interval_s``
    a deep collection unfreezes and scans everything once (cycles among old objects are still
    reclaimed), not while a mouse button is held (a drag)."""

    def __init__(self, parent: QObject, interval_ms: int = 500, deep_interval_s: float = 600.0):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._deep_interval_s = deep_interval_s
        self._last_deep = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        if time.monotonic() - self._last_deep >= self._deep_interval_s and not _mouse_held():
            self.collect_deep()
            return
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                self.collect(generation)
                return

    def collect(self, generation: int) -> None:
        gc.collect(generation)
        if generation == 2:
            gc.freeze()  # the survivors are old: the next full collections skip them

    def collect_deep(self) -> None:
        """Scan every object, frozen ones too, then freeze the survivors again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last_deep = time.monotonic()


def _mouse_held() -> bool:
    app = QCoreApplication.instance()
    buttons = getattr(app, "mouseButtons", None)  # a QGuiApplication: a drag may be going on
    return buttons is not None and buttons() != Qt.MouseButton.NoButton
