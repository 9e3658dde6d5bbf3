"""Waking the clients' feeds when something changed.

Every committed operation on PostgreSQL sends ``NOTIFY commandcenter_changes`` (from any worker
of the server, or the command line); each worker listens on a connection of its own and bumps
its ``ChangeSignal``; every WebSocket feed of that worker wakes and reads what changed after its
client's mark. On SQLite (one machine, one worker) the server's own writes bump the signal
directly. A slow fallback bump every ``FALLBACK_S`` covers a lost notification: the marks make
sure nothing is missed either way, and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from sqlalchemy.engine import make_url

from commandcenter.backend.transactions import CHANNEL

log = logging.getLogger(__name__)

FALLBACK_S = 5.0
RECONNECT_S = (0.5, 10.0)  # the listener's back-off after losing its connection


class ChangeSignal:
    """A counter that only grows, and a way to wait for it to pass a value (asyncio)."""

    def __init__(self) -> None:
        self.version = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Condition | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._changed = asyncio.Condition()

    def bump(self) -> None:
        """From any thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self._bump()))

    async def _bump(self) -> None:
        async with self._changed:
            self.version += 1
            self._changed.notify_all()

    async def wait_past(self, seen: int, timeout: float) -> int:
        """The version once it passes ``seen``, or after ``timeout`` seconds."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: self.version > seen), timeout)
            return self.version


class NotifyListener(threading.Thread):
    """LISTEN on PostgreSQL and bump the signal for each notification (its own connection,
    reconnecting with back-off)."""

    def __init__(self, url: str, signal: ChangeSignal):
        super().__init__(name="notify-listener", daemon=True)
        self.url, self.signal = url, signal
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        import psycopg

        parsed = make_url(self.url)
        params = {
            "host": parsed.host,
            "port": parsed.port,
            "user": parsed.username,
            "password": parsed.password,
            "dbname": parsed.database,
            "autocommit": True,
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
        params = {k: v for k, v in params.items() if v is not None}
        delay = RECONNECT_S[0]
        while not self._stop.is_set():
            try:
                with psycopg.connect(**params) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    delay = RECONNECT_S[0]
                    self.signal.bump()  # what changed while we were not listening
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self.signal.bump()
            except Exception as error:  # the database went away: try again, slower each time
                log.warning("listening for changes failed: %s", error)
                self._stop.wait(delay)
                delay = min(delay * 2, RECONNECT_S[1])
