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


class FeedHub:
    """One worker's reading of what changed, shared by all its feeds.

    On every bump of the signal (and every ``FALLBACK_S``) the hub reads what changed in the
    whole center once (``CenterFollower``: case ids with their place and holders, and whether
    the change log moved), then wakes only the feeds it concerns (``concerns``, asking
    ``may_see``). A woken feed reads its actor's rows after its own mark; feeds of the same
    actor at the same mark share one reading (``shared``). A feed registers before its first
    reading, so a change committed meanwhile wakes it again: nothing is missed, and the marks
    make sure nothing comes twice.
    """

    def __init__(self, read_changes):
        self._read_changes = read_changes  # () -> CenterChanges, blocking
        self.round = 0  # readings of the hub so far: a feed's reading is keyed by it
        self._feeds: dict[int, tuple[object, asyncio.Event]] = {}
        self._readings: dict[tuple, asyncio.Future] = {}

    def add(self, actor) -> tuple[int, asyncio.Event]:
        wake = asyncio.Event()
        wake.set()  # its first reading
        key = id(wake)
        self._feeds[key] = (actor, wake)
        return key, wake

    def remove(self, key: int) -> None:
        self._feeds.pop(key, None)

    @property
    def feeds(self) -> int:
        return len(self._feeds)

    async def run(self, signal: ChangeSignal, run_blocking) -> None:
        from commandcenter.backend.feed import concerns

        seen = -1
        while True:
            if signal.version == seen:
                await signal.wait_past(seen, FALLBACK_S)
            seen = signal.version
            try:
                changes = await run_blocking(self._read_changes)
            except Exception as error:  # the database is away: the feeds find out themselves
                log.warning("reading what changed failed: %s", error)
                await asyncio.sleep(1.0)
                continue
            self.round += 1
            for actor, wake in list(self._feeds.values()):
                if concerns(actor, changes):
                    wake.set()

    async def shared(self, key: tuple, read):
        """``await read()`` once for every feed asking with the same key at the same time. The
        key holds the hub's ``round`` when the feed looked: a reading started in that round
        began after the change that woke any feed of the round had committed."""
        future = self._readings.get(key)
        if future is None:
            future = asyncio.ensure_future(read())
            self._readings[key] = future
            future.add_done_callback(lambda _f: self._readings.pop(key, None))
        return await asyncio.shield(future)
