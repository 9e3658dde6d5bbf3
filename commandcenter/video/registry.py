"""The streams being decoded: one worker per camera on screen, started and stopped by key.

The display says which cameras it shows (``acquire`` / ``release`` / ``keep_only``); the
registry starts a worker for a new one, reuses the running one when the URL is the same, and
stops the others. Stopping on a page change does not wait (a worker may sit in a blocking
open for a few seconds); ``stop_all`` at shut-down waits, within a deadline.

``StreamRegistry(credentials, **worker_options)`` gives the options to every worker it starts
(timeouts, ``stall_after``, backoff, ``fps_window``, a test's ``clock`` and ``sleep`` …).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable

from commandcenter.cameras.urls import display_url
from commandcenter.video.stream import StreamWorker

Credentials = Callable[[Hashable], tuple[str | None, str | None]]


def database_credentials(database) -> Credentials:
    """A look-up of a camera's user name and password by camera id, for the workers: it runs
    in the worker thread when the stream is opened, so the display never holds a password."""

    def load(camera_id) -> tuple[str | None, str | None]:
        from commandcenter.cameras.sealing import credentials_of

        with database.session() as session:
            return credentials_of(session, camera_id)

    return load


class StreamRegistry:
    def __init__(self, credentials: Credentials | None = None, **worker_options):
        self._credentials = credentials
        self._options = worker_options
        self._workers: dict[Hashable, StreamWorker] = {}
        self._retiring: list[StreamWorker] = []

    def __len__(self) -> int:
        return len(self._workers)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._workers

    def keys(self) -> list[Hashable]:
        return list(self._workers)

    def get(self, key: Hashable) -> StreamWorker | None:
        return self._workers.get(key)

    def acquire(self, key: Hashable, url: str, *, name: str = "") -> StreamWorker:
        """The running worker for ``key`` and ``url``, started if needed."""
        worker = self._workers.get(key)
        if worker is not None and worker.url == display_url(url) and not worker.stopping:
            return worker
        if worker is not None:
            self._retire(self._workers.pop(key))
        lookup = self._credentials
        credentials = (lambda: lookup(key)) if lookup is not None else None
        worker = StreamWorker(url, credentials=credentials, name=name, **self._options)
        self._workers[key] = worker.start()
        return worker

    def release(self, key: Hashable) -> None:
        """Stop the worker of ``key`` without waiting for its thread."""
        worker = self._workers.pop(key, None)
        if worker is not None:
            self._retire(worker)

    def keep_only(self, keys: Iterable[Hashable]) -> None:
        wanted = set(keys)
        for key in [k for k in self._workers if k not in wanted]:
            self.release(key)

    def stop_all(self, timeout: float = 3.0) -> bool:
        """Stop every worker and wait for the threads, ``timeout`` seconds in all. True when
        every thread has ended (a thread still inside a blocking open ends on its own)."""
        for key in list(self._workers):
            self.release(key)
        deadline = time.monotonic() + timeout
        for worker in self._retiring:
            worker.stop(max(0.0, deadline - time.monotonic()))
        self._prune()
        return not self._retiring

    def alive_threads(self) -> int:
        self._prune()
        return sum(w.is_alive() for w in self._workers.values()) + len(self._retiring)

    def _retire(self, worker: StreamWorker) -> None:
        worker.request_stop()
        self._retiring.append(worker)
        self._prune()

    def _prune(self) -> None:
        self._retiring = [w for w in self._retiring if w.is_alive()]
