"""Who is calling the server: log-in, sessions, throttling, lock-out, password changes.

A log-in checks the password (argon2id) and opens a session whose token goes to the client;
the server keeps only the token's SHA-256, so a copy of the table opens nothing. A session ends
when idle longer than ``SessionPolicy.idle``, older than ``absolute``, or at log-out. Every
request finds its actor here, from the token: never from anything else the client sends.

Failures are counted per account and per address in ``auth_events`` (shared by every worker
behind the port): after ``account_failures`` failures within ``window`` the account is locked
for ``lockout``; after ``address_failures`` the address is. A lock refuses even the right
password, and says for how long. Every log-in, failure, lock-out, log-out and password change is
recorded. An account whose password an administrator gave must choose its own first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandcenter import clock as clocks
from commandcenter.access import oplog
from commandcenter.access.accounts import (
    Actor,
    actor_for,
    dummy_hash,
    hash_password,
    password_problem,
    verify_password,
)
from commandcenter.backend.transactions import database_errors
from commandcenter.errors import (
    AccountLocked,
    AuthenticationFailed,
    PasswordRejected,
    SessionEnded,
)
from commandcenter.storage.database import Database
from commandcenter.storage.models import AuthEvent, ServerSession, User

SESSION_ROW_CACHE_S = 5.0
ACTOR_CACHE_S = 60  # an actor's jurisdiction is read again after this (new units, role change)
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most this often


class AuthEventKind(StrEnum):
    LOGIN = "login"
    FAILED = "failed"
    LOCKED = "locked"  # the account or address was locked just now
    REFUSED_LOCKED = "refused_locked"  # a log-in while locked (even with the right password)
    LOGOUT = "logout"
    EXPIRED = "expired"
    PASSWORD = "password"


NotLoggedIn = SessionEnded  # the names the server's code reads best with


@dataclass(frozen=True)
class SessionPolicy:
    idle: dt.timedelta = dt.timedelta(minutes=60)
    absolute: dt.timedelta = dt.timedelta(hours=13)  # a 12-hour shift and its hand-over
    account_failures: int = 5
    address_failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Login:
    token: str
    actor: Actor
    must_change_password: bool
    idle_seconds: int
    absolute_seconds: int


@dataclass(frozen=True)
class Caller:
    """The actor behind a request's token, and what the session allows."""

    actor: Actor
    must_change_password: bool
    token_hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(
        self,
        database: Database,
        policy: SessionPolicy = SessionPolicy(),
        clock: clocks.Clock = clocks.SYSTEM,
    ):
        self.database, self.policy, self.clock = database, policy, clock
        self._actors: dict[str, tuple[float, Caller]] = {}
        # The session's row for a few seconds: a request need not read it each time. A log-out
        # at another worker of the port takes effect there within SESSION_ROW_CACHE_S.
        self._rows: dict[str, tuple[float, tuple]] = {}
        self._lock = threading.Lock()

    # --- log-in ---------------------------------------------------------------------------------

    def login(self, username: str, password: str, address: str) -> Login:
        username = username.strip()[:50]
        address = address[:64]
        now = self.clock.now()
        with database_errors("logging in"):
            with self.database.writer() as session, session.begin():
                locked_for = self._locked_for(session, username, address, now)
                if locked_for is not None:
                    self._record(session, AuthEventKind.REFUSED_LOCKED, username, address, now)
            if locked_for is not None:
                minutes = max(1, round(locked_for.total_seconds() / 60))
                raise AccountLocked(
                    f"Too many failed log-ins: try again in {minutes} minute(s) or ask an "
                    "administrator."
                )
            with self.database.session() as session:
                user = session.scalar(select(User).where(User.username == username))
                stored = user.password_hash if user is not None and user.active else None
            # Checked outside any transaction (argon2 takes a moment on purpose); an unknown
            # name takes as long as a wrong password (the dummy hash).
            ok = verify_password(stored or dummy_hash(), password) and stored is not None
            with self.database.writer() as session, session.begin():
                if not ok:  # committed: the failure counts, even as we refuse
                    self._record(session, AuthEventKind.FAILED, username, address, now)
                    locked = self._locks_now(session, username, address, now)
                    if locked is not None:  # "account" or "address": what is locked
                        self._record(session, AuthEventKind.LOCKED, username, address, now, locked)
                else:
                    user = session.get(User, user.id)
                    token = secrets.token_urlsafe(32)
                    session.add(
                        ServerSession(
                            token_hash=token_hash(token),
                            user_id=user.id,
                            created_at=now,
                            last_seen_at=now,
                            address=address,
                        )
                    )
                    self._record(session, AuthEventKind.LOGIN, username, address, now)
                    actor = actor_for(session, user)
                    must_change = bool(user.must_change_password)
                    oplog.record(
                        session, actor, now, oplog.OperationKind.LOGIN, "server", f"from {address}"
                    )
        if not ok:
            raise AuthenticationFailed("Wrong user name or password.")
        return Login(
            token,
            actor,
            must_change,
            int(self.policy.idle.total_seconds()),
            int(self.policy.absolute.total_seconds()),
        )

    def _failures(self, session: Session, column, value: str, since: dt.datetime) -> int:
        return (
            session.scalar(
                select(func.count()).where(
                    AuthEvent.kind == AuthEventKind.FAILED.value,
                    column == value,
                    AuthEvent.at > since,
                )
            )
            or 0
        )

    def _last_lock(self, session: Session, what: str, column, value: str):
        """When the account (``what="account"``) or the address was last locked."""
        return session.scalar(
            select(func.max(AuthEvent.at)).where(
                AuthEvent.kind == AuthEventKind.LOCKED.value,
                AuthEvent.detail == what,
                column == value,
            )
        )

    def _locked_for(self, session, username: str, address: str, now) -> dt.timedelta | None:
        """How long the account or the address stays locked, or None."""
        longest = None
        for what, column, value in (
            ("account", AuthEvent.username, username),
            ("address", AuthEvent.address, address),
        ):
            locked_at = self._last_lock(session, what, column, value)
            if locked_at is not None and now < locked_at + self.policy.lockout:
                left = locked_at + self.policy.lockout - now
                longest = left if longest is None or left > longest else longest
        return longest

    def _locks_now(self, session, username: str, address: str, now) -> str | None:
        """What this failure locks ("account" or "address": its count reached the limit)."""
        since = now - self.policy.window
        for what, column, value, limit in (
            ("account", AuthEvent.username, username, self.policy.account_failures),
            ("address", AuthEvent.address, address, self.policy.address_failures),
        ):
            last_lock = self._last_lock(session, what, column, value)
            counted_from = max(since, last_lock) if last_lock else since
            if self._failures(session, column, value, counted_from) >= limit:
                return what
        return None

    @staticmethod
    def _record(session, kind: AuthEventKind, username: str, address: str, now, detail=""):
        session.add(
            AuthEvent(
                at=now, kind=kind.value, username=username, address=address, detail=detail[:200]
            )
        )

    # --- each request -------------------------------------------------------------------------------

    def caller(self, token: str | None) -> Caller:
        """The caller of a request, from its token (``NotLoggedIn`` when there is none)."""
        if not token:
            raise NotLoggedIn("Log in first.")
        digest = token_hash(token)
        now = self.clock.now()
        with database_errors("checking the session"):
            known = self._rows.get(digest)
            if known is not None and time.monotonic() - known[0] < SESSION_ROW_CACHE_S:
                user_id, last_seen, created = known[1]
            else:
                with self.database.session() as session:
                    row = session.get(ServerSession, digest)
                    if row is None or row.ended_at is not None:
                        self._forget(digest)
                        raise NotLoggedIn("Not logged in (the session ended); log in again.")
                    user_id, last_seen, created = row.user_id, row.last_seen_at, row.created_at
                self._rows[digest] = (time.monotonic(), (user_id, last_seen, created))
                if len(self._rows) > 50_000:
                    self._rows.clear()
            expired = (
                "idle"
                if now - last_seen > self.policy.idle
                else "too old"
                if now - created > self.policy.absolute
                else None
            )
            # A write only now and then, yet often enough for a short idle limit.
            if expired or now - last_seen >= min(TOUCH_EVERY, self.policy.idle / 4):
                with self.database.writer() as session, session.begin():
                    row = session.get(ServerSession, digest)
                    if expired:
                        row.ended_at = now
                        user = session.get(User, user_id)
                        name = user.username if user else ""
                        self._record(
                            session, AuthEventKind.EXPIRED, name, row.address, now, expired
                        )
                    else:
                        row.last_seen_at = now
                        self._rows[digest] = (time.monotonic(), (user_id, now, created))
            if expired:
                self._forget(digest)
                raise NotLoggedIn(f"The session expired ({expired}); log in again.")
            cached = self._cached(digest)
            if cached is not None:
                return cached
            with self.database.session() as session:
                user = session.get(User, user_id)
                if user is None or not user.active:
                    raise NotLoggedIn("The account is no longer active.")
                caller = Caller(actor_for(session, user), bool(user.must_change_password), digest)
        with self._lock:
            self._actors[digest] = (time.monotonic(), caller)
        return caller

    def _cached(self, digest: str) -> Caller | None:
        with self._lock:
            found = self._actors.get(digest)
        if found is None or time.monotonic() - found[0] > ACTOR_CACHE_S:
            return None
        return found[1]

    def forget_all(self) -> None:
        """Read every session and actor again at its next request: after an administrative
        change (an account disabled, a password reset, a role, a center or new units), which
        this worker then applies at once; other workers within SESSION_ROW_CACHE_S (an ended
        session) and ACTOR_CACHE_S (a changed jurisdiction)."""
        with self._lock:
            self._actors.clear()
        self._rows.clear()

    def _forget(self, digest: str) -> None:
        with self._lock:
            self._actors.pop(digest, None)
        self._rows.pop(digest, None)

    def logout(self, token: str) -> None:
        digest = token_hash(token)
        now = self.clock.now()
        with database_errors("logging out"), self.database.writer() as session, session.begin():
            row = session.get(ServerSession, digest)
            if row is not None and row.ended_at is None:
                row.ended_at = now
                user = session.get(User, row.user_id)
                self._record(
                    session, AuthEventKind.LOGOUT, user.username if user else "", row.address, now
                )
        self._forget(digest)

    def change_password(self, caller: Caller, current: str, new: str, address: str) -> None:
        """The caller's own password; the account's other sessions end."""
        now = self.clock.now()
        username = caller.actor.username
        with database_errors("changing a password"):
            with self.database.session() as session:
                user = session.get(User, caller.actor.user_id)
                stored = user.password_hash if user is not None else None
            if not verify_password(stored, current):
                with self.database.writer() as session, session.begin():
                    self._record(session, AuthEventKind.FAILED, username, address, now, "password")
                raise AuthenticationFailed("The current password is wrong; nothing changed.")
            problem = password_problem(username, new)
            if problem is None and verify_password(stored, new):
                problem = "The new password must differ from the current one."
            if problem:
                raise PasswordRejected(f"{problem} Nothing changed.")
            new_hash = hash_password(new)
            with self.database.writer() as session, session.begin():
                user = session.get(User, caller.actor.user_id)
                user.password_hash = new_hash
                user.must_change_password = False
                for other in session.scalars(
                    select(ServerSession).where(
                        ServerSession.user_id == user.id,
                        ServerSession.ended_at.is_(None),
                        ServerSession.token_hash != caller.token_hash,
                    )
                ):
                    other.ended_at = now
                self._record(session, AuthEventKind.PASSWORD, username, address, now)
        self._forget(caller.token_hash)
