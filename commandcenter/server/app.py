"""The center's server: the backend's calls over HTTP, the change feed over a WebSocket.

FastAPI on uvicorn: a well-kept ASGI framework whose request models check bodies field by field
(unknown fields refused), with WebSockets, a thread pool for the core's blocking calls, and
uvicorn's workers behind one port. The server is the only process that holds the database URL;
every request's actor comes from its session token (``sessions.Sessions``), never from what the
client says. Routes:

- ``POST /api/v1/login`` ``{"username", "password"}`` → a session token; ``POST /api/v1/logout``;
  ``POST /api/v1/password`` ``{"current", "new"}``;
- ``POST /api/v1/call/{name}`` ``{"args": {…}}`` with ``Authorization: Bearer TOKEN`` and, for a
  write, ``X-Request-Id`` (a replay is refused) → the answer (``wire.encode``);
- ``WS /api/v1/feed`` (the same header): the client sends its mark, the server sends every
  ``FeedUpdate`` from there on, as changes commit (``push``);
- ``GET /api/v1/health``: 200 when the database answers, 503 when not.

Errors answer ``{"error": kind, "message": …}`` with a 4xx/5xx status, and change nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, text

from commandcenter import clock as clocks
from commandcenter.backend.feed import (
    CenterFollower,
    FeedMark,
    changes_since,
    shared_rows,
    update_from_shared,
)
from commandcenter.backend.local import LocalBackend
from commandcenter.backend.transactions import database_errors
from commandcenter.backend.wire import WireError, decode, decode_value, encode
from commandcenter.domain.changes import Outcome
from commandcenter.errors import (
    AccountLocked,
    AuthenticationFailed,
    CommandCenterError,
    ConflictError,
    DatabaseBusy,
    DatabaseMismatch,
    DatabaseUnavailable,
    DuplicateSuspected,
    ImportRejected,
    PasswordChangeRequired,
    PasswordRejected,
    PermissionDenied,
    Replayed,
    StorageProblem,
    TooManyRequests,
    TransitionRefused,
)
from commandcenter.geo.locate import area_centre
from commandcenter.geo.tiles import open_tile_source
from commandcenter.server import field as field_app
from commandcenter.server import open311
from commandcenter.server.calls import CALLS
from commandcenter.server.push import ChangeSignal, FeedHub, NotifyListener
from commandcenter.server.sessions import Caller, NotLoggedIn, SessionPolicy, Sessions
from commandcenter.storage.database import Database, open_database
from commandcenter.storage.models import UsedRequestId
from commandcenter.workflow import audit

log = logging.getLogger(__name__)

API = "/api/v1"
SESSION_CHECK_S = 60  # a feed re-checks its session (expiry, log-out) this often
REQUEST_IDS_KEPT = dt.timedelta(hours=24)
REQUEST_IDS_CLEANUP_S = 60.0
_last_cleanup = [0.0]  # when this worker last deleted old request ids
OPEN311_MAX_BODY_BYTES = 12 * 1024 * 1024
CHECKPOINT_EVERY_S = 24 * 3600  # a signed checkpoint of the archive a day (and at start)
HEAVY_AT_ONCE = 4  # big answers (a console's picture, the figures) computed at once per worker


@dataclass
class ServerSettings:
    database_url: str
    policy: SessionPolicy = SessionPolicy()
    max_body_bytes: int = 72 * 1024 * 1024  # a 50 MB file, base64
    max_login_body_bytes: int = 4096
    rate_per_second: float = 40.0  # calls per session (a console's burst of reads fits)
    rate_burst: float = 120.0
    # Log-ins per address (before the password is even checked: argon2 costs CPU on purpose);
    # a room of consoles behind one NAT address logs in at the shift change within this.
    login_rate_per_second: float = 2.0
    login_burst: float = 60.0
    statement_timeout_ms: int = 30_000
    basemap: str | None = None  # an MBTiles file or XYZ folder for the field app's map
    basemap_gcj02: bool = False
    clock: clocks.Clock = field(default=clocks.SYSTEM)


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=1, max_length=200)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current: str = Field(max_length=200)
    new: str = Field(max_length=200)


class CallBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    args: dict[str, Any] = Field(default_factory=dict)


TooMany = TooManyRequests


# --- errors as answers -----------------------------------------------------------------------------

_STATUS: tuple[tuple[type, int], ...] = (
    (AccountLocked, 429),
    (TooMany, 429),
    (NotLoggedIn, 401),
    (AuthenticationFailed, 401),
    (PasswordChangeRequired, 403),
    (TransitionRefused, 409),  # reason says why: role, jurisdiction, duties, state, input
    (PermissionDenied, 403),
    (ConflictError, 409),
    (DuplicateSuspected, 409),
    (Replayed, 409),
    (ImportRejected, 422),
    (WireError, 422),
    (PasswordRejected, 422),
    (DatabaseBusy, 503),
    (DatabaseUnavailable, 503),
    (StorageProblem, 507),  # the server's disk is full or read-only: not "not answering"
    (DatabaseMismatch, 500),
    (CommandCenterError, 400),
)


def error_response(error: Exception) -> JSONResponse:
    for cls, status in _STATUS:
        if isinstance(error, cls):
            if isinstance(error, TransitionRefused) and error.reason in (
                "role",
                "jurisdiction",
                "duties",
            ):
                status = 403
            body: dict[str, Any] = {"error": type(error).__name__, "message": str(error)}
            if hasattr(error, "reason"):
                body["reason"] = error.reason
            for attribute in ("changes", "candidates", "problems"):
                if hasattr(error, attribute):
                    body[attribute] = list(getattr(error, attribute))
            return JSONResponse(body, status_code=status)
    log.exception("unexpected error", exc_info=error)
    return JSONResponse(
        {"error": "ServerError", "message": "The server failed; the details are in its log."},
        status_code=500,
    )


# --- rate limits --------------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket per key (a session, an address), in this worker."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, at = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 10_000:  # forget the idle ones
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return True


def _token(request_or_ws) -> str | None:
    header = request_or_ws.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _address(request_or_ws) -> str:
    client = request_or_ws.client
    return client.host if client else ""


# --- the application ------------------------------------------------------------------------------


def create_app(settings: ServerSettings) -> FastAPI:
    state: dict[str, Any] = {}
    signal = ChangeSignal()
    calls_limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    login_limiter = RateLimiter(settings.login_rate_per_second, settings.login_burst)
    heavy_calls = asyncio.Semaphore(HEAVY_AT_ONCE)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        database = open_database(
            settings.database_url, statement_timeout_ms=settings.statement_timeout_ms
        )
        state["database"] = database

        def sign_the_archive(note: str) -> None:  # the archive's head, signed (workflow.audit)
            with (
                database_errors("signing the archive's checkpoint"),
                database.writer() as session,
                session.begin(),
            ):
                audit.ensure_checkpoint(session, settings.clock.now(), note)

        sign_the_archive("server start")

        async def daily_checkpoints() -> None:
            while True:
                await asyncio.sleep(CHECKPOINT_EVERY_S)
                try:
                    await run_in_threadpool(sign_the_archive, "daily")
                except CommandCenterError as error:  # the database away: the next day's
                    log.warning("archive checkpoint not signed: %s", error)

        state["sessions"] = Sessions(database, settings.policy, settings.clock)
        signal.bind(asyncio.get_running_loop())
        listener = None
        if database.dialect == "postgresql":
            listener = NotifyListener(settings.database_url, signal)
            listener.start()
        follower = CenterFollower()
        hub = FeedHub(lambda: _shared_reading(database, settings.clock, follower))
        state["hub"] = hub
        reader = asyncio.create_task(hub.run(signal, run_in_threadpool))
        signer = asyncio.create_task(daily_checkpoints())
        try:
            yield
        finally:
            reader.cancel()
            signer.cancel()
            if listener is not None:
                listener.stop()
            database.dispose()

    app = FastAPI(title="Grid Command Center", lifespan=lifespan, docs_url=None, redoc_url=None)

    app.include_router(open311.router(state, settings, signal.bump))
    basemap = (
        open_tile_source(settings.basemap, gcj02=settings.basemap_gcj02)
        if settings.basemap
        else None
    )
    field_app.mount(app, basemap, lambda: _area(state["database"]))

    @app.middleware("http")
    async def limit_bodies(request: Request, call_next):
        path = request.url.path
        if path in (f"{API}/login", f"{API}/password"):
            limit = settings.max_login_body_bytes
        elif path.startswith(open311.PREFIX):
            limit = OPEN311_MAX_BODY_BYTES  # a form with one photo
        else:
            limit = settings.max_body_bytes
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return JSONResponse(
                {"error": "TooLarge", "message": f"The request is over {limit} bytes."},
                status_code=413,
            )
        if length is None and request.method in ("POST", "PUT", "PATCH"):
            return JSONResponse(
                {"error": "LengthRequired", "message": "Say the body's length."}, status_code=411
            )
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def bad_requests(_request: Request, error: RequestValidationError):
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return JSONResponse(
            {"error": "BadRequest", "message": f"{where}: {first.get('msg', 'not understood')}"},
            status_code=422,
        )

    @app.exception_handler(CommandCenterError)
    async def core_errors(_request: Request, error: CommandCenterError):
        return error_response(error)

    @app.exception_handler(Exception)
    async def other_errors(_request: Request, error: Exception):
        return error_response(error)

    def sessions() -> Sessions:
        return state["sessions"]

    def database() -> Database:
        return state["database"]

    async def caller_of(request) -> Caller:
        return await run_in_threadpool(sessions().caller, _token(request))

    @app.get(f"{API}/health")
    async def health():
        def check() -> None:
            with database_errors("checking the database"), database().session() as session:
                session.execute(text("SELECT 1"))

        try:
            await run_in_threadpool(check)
        except CommandCenterError as error:
            return JSONResponse({"status": "unavailable", "message": str(error)}, status_code=503)
        return {"status": "ok", "database": database().display_url.split("://", 1)[0]}

    @app.post(f"{API}/login")
    async def login(body: LoginBody, request: Request):
        address = _address(request)
        if not login_limiter.allow(address):
            raise TooMany("Too many log-in attempts from this address; wait a moment.")
        done = await run_in_threadpool(sessions().login, body.username, body.password, address)
        return {
            "token": done.token,
            "actor": encode(done.actor),
            "must_change_password": done.must_change_password,
            "idle_seconds": done.idle_seconds,
            "absolute_seconds": done.absolute_seconds,
            "now": settings.clock.now().isoformat(),  # the client's countdowns follow this
        }

    @app.post(f"{API}/logout")
    async def logout(request: Request):
        token = _token(request)
        if token:
            await run_in_threadpool(sessions().logout, token)
        return Response(status_code=204)

    @app.post(f"{API}/password")
    async def change_password(body: PasswordBody, request: Request):
        caller = await caller_of(request)
        await run_in_threadpool(
            sessions().change_password, caller, body.current, body.new, _address(request)
        )
        return Response(status_code=204)

    @app.post(API + "/call/{name}")
    async def call(name: str, body: CallBody, request: Request):
        definition = CALLS.get(name)
        if definition is None:
            return JSONResponse(
                {"error": "UnknownCall", "message": f"There is no call {name!r}."}, status_code=404
            )
        caller = await caller_of(request)
        if caller.must_change_password:
            raise PasswordChangeRequired("Choose your own password first (POST /api/v1/password).")
        if not calls_limiter.allow(caller.token_hash):
            raise TooMany("Too many requests from this session; slow down.")
        arguments = _arguments(name, definition, body.args)
        if definition.write and not definition.replay_harmless:
            await run_in_threadpool(
                _use_request_id, database(), caller, request.headers.get("x-request-id"), settings
            )
        backend = LocalBackend(database(), caller.actor, settings.clock)

        def run() -> str:  # the answer made into JSON in the thread too, not in the loop
            answer = definition.run(backend, **arguments)
            if isinstance(answer, Outcome) and answer.changes.admin:
                sessions().forget_all()  # accounts or jurisdictions changed: read them again
            return json.dumps(encode(answer), ensure_ascii=False)

        if definition.heavy:
            async with heavy_calls:  # their memory and CPU stay bounded whoever asks at once
                body = await run_in_threadpool(run)
        else:
            body = await run_in_threadpool(run)
        if definition.write:
            signal.bump()  # the other clients of this worker look at once
        return Response(body, media_type="application/json")

    @app.websocket(API + "/feed")
    async def feed(ws: WebSocket):
        try:
            caller = await run_in_threadpool(sessions().caller, _token(ws))
        except CommandCenterError as error:
            await ws.close(code=4401, reason=str(error)[:120])
            return
        await ws.accept()
        try:
            first = await asyncio.wait_for(ws.receive_json(), timeout=30)
            mark = decode(FeedMark, first["mark"])
        except (WireError, KeyError, TypeError, ValueError, TimeoutError):
            await ws.close(code=4422, reason="send your mark first")
            return
        except WebSocketDisconnect:
            return
        await _serve_feed(
            ws, database(), caller.actor, mark, state["hub"], sessions(), _token(ws), settings.clock
        )

    return app


def _arguments(name: str, definition, given: dict[str, Any]) -> dict[str, Any]:
    unknown = set(given) - set(definition.params)
    if unknown:
        raise WireError(f"{name}: unknown argument(s) {sorted(unknown)}")
    missing = set(definition.params) - set(given) - definition.optional
    if missing:
        raise WireError(f"{name}: missing argument(s) {sorted(missing)}")
    arguments = {}
    for key, value in given.items():
        tp = definition.params[key]
        if isinstance(value, dict) and "body" in value:  # a whole message (with its rules)
            arguments[key] = decode(tp, value)
        else:
            arguments[key] = decode_value(tp, value, f"{name}.{key}")
    return arguments


def _use_request_id(database: Database, caller: Caller, request_id: str | None, settings) -> None:
    """Each write names an id of its own; the same id twice is a replay, refused."""
    if not request_id or len(request_id) > 64:
        raise WireError("A write needs an X-Request-Id header of its own (at most 64 characters).")
    now = settings.clock.now()
    used = UsedRequestId(token_hash=caller.token_hash, request_id=request_id, at=now)
    try:
        with (
            database_errors("checking the request id"),
            database.writer() as session,
            session.begin(),
        ):
            session.add(used)
            session.flush()  # the same id twice: refused here, by the primary key
            if time.monotonic() - _last_cleanup[0] > REQUEST_IDS_CLEANUP_S:  # now and then
                _last_cleanup[0] = time.monotonic()
                session.execute(
                    delete(UsedRequestId).where(UsedRequestId.at < now - REQUEST_IDS_KEPT)
                )
    except DatabaseMismatch:
        raise Replayed(
            "This request was sent before (the same X-Request-Id): not done again."
        ) from None


def _area(database: Database) -> tuple[float, float]:
    with database_errors("reading the area"), database.session() as session:
        return area_centre(session)


def _shared_reading(database: Database, clock, follower: CenterFollower):
    with database_errors("reading what changed"), database.session() as session:
        now = clock.now()
        before = follower.mark
        changes = follower.read(session, now)
        return shared_rows(session, now, before, changes)


async def _serve_feed(ws: WebSocket, database: Database, actor, mark, hub, sessions, token, clock):
    """Send what changed after the client's mark, now and whenever the hub says a change
    concerns this client, until it goes."""

    async def listen() -> None:  # the client's messages ("poll" after its own write: the
        while True:  # hub's reading of that write wakes this feed anyway)
            await ws.receive_text()

    listener = asyncio.create_task(listen())
    feed = hub.add(actor, mark)
    checked_session = time.monotonic()
    try:
        while not listener.done():
            if not feed.wake.is_set():
                waiter = asyncio.create_task(feed.wake.wait())
                await asyncio.wait(
                    {waiter, listener}, timeout=SESSION_CHECK_S, return_when=asyncio.FIRST_COMPLETED
                )
                waiter.cancel()
            if time.monotonic() - checked_session > SESSION_CHECK_S:
                checked_session = time.monotonic()
                await run_in_threadpool(sessions.caller, token)  # NotLoggedIn ends the feed
            if not feed.wake.is_set():
                continue
            feed.wake.clear()
            feed.busy = True
            try:
                now = clock.now()
                shared = hub.latest
                update = None
                if shared is not None and feed.mark == shared.before:
                    update = update_from_shared(actor, shared, now)
                if update is None:
                    since, upto = feed.mark, shared.changes.mark if shared is not None else None
                    update = await hub.shared(
                        (actor, since, upto),
                        functools.partial(
                            run_in_threadpool, _changes_since, database, actor, clock, since, upto
                        ),
                    )
                feed.mark = update.mark
            finally:
                feed.busy = False
            if update:
                await ws.send_text(json.dumps(encode(update), ensure_ascii=False))
    except (WebSocketDisconnect, RuntimeError):
        pass
    except CommandCenterError as error:
        with contextlib.suppress(Exception):
            code = 4401 if isinstance(error, AuthenticationFailed) else 4503
            await ws.close(code=code, reason=str(error)[:120])
    finally:
        hub.remove(feed)
        listener.cancel()


def _changes_since(database: Database, actor, clock, mark, upto):
    with database_errors("following the changes"), database.session() as session:
        return changes_since(session, actor, clock.now(), mark, upto)


def app_from_environment() -> FastAPI:
    """For ``uvicorn --factory`` and its workers: the settings from the environment that
    ``commandcenter serve`` set."""
    policy = SessionPolicy(
        idle=dt.timedelta(seconds=float(os.environ.get("COMMANDCENTER_SESSION_IDLE_S", 3600))),
        absolute=dt.timedelta(
            seconds=float(os.environ.get("COMMANDCENTER_SESSION_MAX_S", 13 * 3600))
        ),
    )
    login_rate = float(os.environ.get("COMMANDCENTER_LOGIN_RATE", 2.0))
    basemap = os.environ.get("COMMANDCENTER_BASEMAP") or None
    gcj02 = os.environ.get("COMMANDCENTER_BASEMAP_GCJ02") == "1"
    return create_app(
        ServerSettings(
            database_url=os.environ["COMMANDCENTER_DB"],
            policy=policy,
            login_rate_per_second=login_rate,
            login_burst=max(60.0, 30 * login_rate),
            basemap=basemap,
            basemap_gcj02=gcj02,
        )
    )
