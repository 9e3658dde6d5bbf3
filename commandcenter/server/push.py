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


class Feed:
    """One connected client's feed, as the hub sees it."""

    def __init__(self, actor, mark) -> None:
        self.actor, self.mark = actor, mark
        self.wake = asyncio.Event()
        self.wake.set()  # its first reading
        self.busy = False


class FeedHub:
    """One worker's reading of what changed, shared by all its feeds.

    On every bump of the signal (and every ``FALLBACK_S``) the hub reads what changed in the
    whole center once (``CenterFollower``) with the changed cases' rows (``shared_rows``), then
    wakes only the feeds it concerns (``concerns``, asking ``may_see``). A woken feed whose mark
    is where the reading started takes its rows from it (``update_from_shared``: no database);
    any other reads for itself, up to the hub's mark, and is in step from then on. A feed the
    change does not concern moves its mark along. Feeds of one actor at one mark share a
    reading (``shared``). Nothing is missed: a feed registers before its first reading, and a
    change committed meanwhile wakes it again; the marks keep anything from coming twice.
    """

    def __init__(self, read):
        self._read = read  # () -> SharedRows, blocking
        self.latest = None  # the newest SharedRows
        self._feeds: set[Feed] = set()
        self._readings: dict[tuple, asyncio.Future] = {}

    def add(self, actor, mark) -> Feed:
        feed = Feed(actor, mark)
        self._feeds.add(feed)
        return feed

    def remove(self, feed: Feed) -> None:
        self._feeds.discard(feed)

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
                shared = await run_blocking(self._read)
            except Exception as error:  # the database is away: the feeds find out themselves
                log.warning("reading what changed failed: %s", error)
                await asyncio.sleep(1.0)
                continue
            self.latest = shared
            for feed in list(self._feeds):
                if concerns(feed.actor, shared.changes):
                    feed.wake.set()
                elif not feed.busy and not feed.wake.is_set() and feed.mark == shared.before:
                    feed.mark = shared.changes.mark  # nothing for it: in step with the hub

    async def shared(self, key: tuple, read):
        """``await read()`` once for every feed asking with the same key at the same time
        (the key names the actor and the marks: the same question, the same answer)."""
        future = self._readings.get(key)
        if future is None:
            future = asyncio.ensure_future(read())
            self._readings[key] = future
            future.add_done_callback(lambda _f: self._readings.pop(key, None))
        return await asyncio.shield(future)
