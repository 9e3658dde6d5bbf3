"""The backend over the network: the same calls as ``LocalBackend``, answered by the center's
server (``commandcenter serve``), and the change feed pushed over a WebSocket.

``RemoteCenter(url).login(username, password)`` gives the ``RemoteBackend`` of that session.
Every call is one HTTPS request with the session's token; the answer is decoded into the same
dataclasses the in-process backend returns, and an error into the same exception (a refused
step is a ``TransitionRefused`` with its reason, a suspected duplicate a ``DuplicateSuspected``
with its candidates …). ``subscribe`` keeps a WebSocket open in a thread of its own: the server
sends each ``FeedUpdate`` as changes commit; after a lost connection the thread comes back by
itself and resumes from the last mark it received, so nothing is missed and nothing is sent
twice. Camera passwords come only one camera at a time, when a stream opens.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx

from commandcenter import clock as clocks
from commandcenter.access.accounts import Actor
from commandcenter.backend.feed import ConsoleData, FeedMark, FeedUpdate
from commandcenter.backend.remote_admin import RemoteAdministrationCalls
from commandcenter.backend.wire import WireError, decode, encode
from commandcenter.cameras.registry import (
    CameraImportResult,
    CameraInput,
    CameraRejected,
    StoredCamera,
    UrlVerdict,
)
from commandcenter.cameras.rows import CameraRow
from commandcenter.cases.detail import CaseDetail, DispatchTarget
from commandcenter.cases.history import HistoryEntry
from commandcenter.cases.operations import BulkResult, FileData, NewCase
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import AttachmentKind
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
    ServerUnreachable,
    SessionEnded,
    StorageFull,
    StorageProblem,
    StorageReadOnly,
    TooManyRequests,
    TransitionRefused,
)
from commandcenter.figures.monthly_report import MonthlyReport
from commandcenter.figures.period import Period
from commandcenter.figures.series import Overview, Trace
from commandcenter.geo.grid_import import ImportResult
from commandcenter.jurisdiction.search import PlaceHit
from commandcenter.patrols import FieldWorker
from commandcenter.video.wall import Tour
from commandcenter.workflow.engine import CaseChange
from commandcenter.workflow.rules import Action

log = logging.getLogger(__name__)

API = "/api/v1"
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RECONNECT_S = (0.5, 5.0)  # the feed's back-off after losing the server


class ServerClock:
    """The server's "now" as measured at log-in: countdowns agree with the server's deadlines
    whatever this machine's clock says."""

    def __init__(self, server_now: dt.datetime):
        self._offset = server_now - clocks.SYSTEM.now()

    def now(self) -> dt.datetime:
        return (clocks.SYSTEM.now() + self._offset).replace(microsecond=0)


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    kind = body.get("error", "") if isinstance(body, dict) else ""
    message = body.get("message") or f"The server answered {response.status_code}."
    simple = {
        "AccountLocked": AccountLocked,
        "SessionEnded": SessionEnded,
        "NotLoggedIn": SessionEnded,
        "AuthenticationFailed": AuthenticationFailed,
        "PasswordChangeRequired": PasswordChangeRequired,
        "PasswordRejected": PasswordRejected,
        "PermissionDenied": PermissionDenied,
        "TooManyRequests": TooManyRequests,
        "Replayed": Replayed,
        "DatabaseBusy": DatabaseBusy,
        "DatabaseUnavailable": DatabaseUnavailable,
        "DatabaseMismatch": DatabaseMismatch,
        "StorageProblem": StorageProblem,
        "StorageReadOnly": StorageReadOnly,
        "StorageFull": StorageFull,
    }
    if kind == "TransitionRefused":
        raise TransitionRefused(message, body.get("reason", "input"))
    if kind in ("ConflictError", "LostRace"):
        raise ConflictError(message, list(body.get("changes", [])))
    if kind == "DuplicateSuspected":
        raise DuplicateSuspected(message, [int(i) for i in body.get("candidates", [])])
    if kind in ("CameraRejected", "OutsideJurisdiction"):
        raise CameraRejected(message, list(body.get("problems", [])))
    if kind == "ImportRejected":
        raise ImportRejected(message, list(body.get("problems", [])))
    if kind in simple:
        raise simple[kind](message)
    if response.status_code == 401:
        raise SessionEnded(message)
    if response.status_code == 403:
        raise PermissionDenied(message)
    raise CommandCenterError(message)


class RemoteCenter:
    """A center's server, before log-in."""

    def __init__(self, url: str, *, verify: bool | str = True):
        self.url = url.rstrip("/")
        self.verify = verify
        self._http = httpx.Client(base_url=self.url + API, timeout=TIMEOUT, verify=verify)

    @property
    def display_url(self) -> str:
        return self.url

    @property
    def kind(self) -> str:
        return "server"

    def health(self) -> dict:
        try:
            response = self._http.get("/health")
        except httpx.HTTPError as error:
            raise ServerUnreachable(f"The server {self.url} does not answer: {error}") from None
        return response.json()

    def is_empty(self) -> bool:
        return False

    def login(self, username: str, password: str) -> RemoteBackend:
        try:
            response = self._http.post("/login", json={"username": username, "password": password})
        except httpx.HTTPError as error:
            raise ServerUnreachable(f"The server {self.url} does not answer: {error}") from None
        _raise_for(response)
        body = response.json()
        actor = decode(Actor, body["actor"])
        clock = ServerClock(dt.datetime.fromisoformat(body["now"]))
        return RemoteBackend(
            self, body["token"], actor, clock, must_change_password=body["must_change_password"]
        )

    def close(self) -> None:
        self._http.close()


class RemoteBackend(RemoteAdministrationCalls):
    """What one actor's console can read and do, through the center's server. Thread-safe
    (httpx's client is); blocking: call it from workers."""

    def __init__(
        self,
        center: RemoteCenter,
        token: str,
        actor: Actor,
        clock: clocks.Clock,
        *,
        must_change_password: bool = False,
    ):
        self.center, self.token, self.actor, self.clock = center, token, actor, clock
        self.must_change_password = must_change_password
        self._http = httpx.Client(
            base_url=center.url + API,
            timeout=TIMEOUT,
            verify=center.verify,
            headers={"Authorization": f"Bearer {token}"},
        )

    @property
    def display_url(self) -> str:
        return self.center.url

    @property
    def kind(self) -> str:
        return "server"

    # --- plumbing -----------------------------------------------------------------------------

    def _post(self, path: str, body: dict, headers: dict | None = None) -> httpx.Response:
        try:
            response = self._http.post(path, json=body, headers=headers)
        except httpx.HTTPError as error:
            raise ServerUnreachable(
                f"The server {self.center.url} does not answer: {error}"
            ) from None
        _raise_for(response)
        return response

    def _read(self, name: str, result: Any, **args) -> Any:
        response = self._post(f"/call/{name}", {"args": _args(args)})
        try:
            return decode(result, response.json())
        except (WireError, ValueError) as error:
            raise CommandCenterError(
                f"The server's answer to {name} was not understood: {error}"
            ) from None

    def _write(self, name: str, value_type: Any, **args) -> Outcome:
        headers = {"X-Request-Id": uuid.uuid4().hex}  # a new id: a replay would be refused
        response = self._post(f"/call/{name}", {"args": _args(args)}, headers)
        message = response.json()
        try:
            body = message["body"]
            value = decode(value_type, {"body": body["value"], **_rules(message)})
            changes = decode(Changes, {"body": body["changes"]})
        except (WireError, KeyError, TypeError) as error:
            raise CommandCenterError(
                f"The server's answer to {name} was not understood: {error}"
            ) from None
        return Outcome(value, changes)

    def change_password(self, current: str, new: str) -> None:
        self._post("/password", {"current": current, "new": new})
        self.must_change_password = False

    def logout(self) -> None:
        with contextlib.suppress(httpx.HTTPError):
            self._http.post("/logout")

    # --- the console's picture, then only what changed -----------------------------------------------

    def load_console(self) -> ConsoleData:
        return self._read("load_console", ConsoleData)

    def changes_since(self, mark: FeedMark) -> FeedUpdate:
        return self._read("changes_since", FeedUpdate, mark=mark)

    def subscribe(
        self,
        mark: FeedMark,
        on_update: Callable[[FeedUpdate], None],
        on_state: Callable[[bool, str], None],
    ) -> Subscription:
        """Pushed changes from ``mark`` on, in a thread: ``on_update(update)`` for each,
        ``on_state(connected, why)`` when the connection comes or goes."""
        subscription = Subscription(self, mark, on_update, on_state)
        subscription.start()
        return subscription

    # --- cases ---------------------------------------------------------------------------------------

    def field_workers(self) -> list[FieldWorker]:
        return self._read("field_workers", list[FieldWorker])

    def my_tasks(self) -> list[CaseRow]:
        return self._read("my_tasks", list[CaseRow])

    def case_detail(self, case_id: int) -> CaseDetail:
        return self._read("case_detail", CaseDetail, case_id=case_id)

    def case_history(self, case_id: int) -> list[HistoryEntry]:
        return self._read("case_history", list[HistoryEntry], case_id=case_id)

    def attachment_contents(self, attachment_ids: Iterable[int]) -> dict[int, bytes]:
        return self._read(
            "attachment_contents", dict[int, bytes], attachment_ids=list(attachment_ids)
        )

    def dispatch_targets(self, case_id: int) -> tuple[DispatchTarget, ...]:
        return self._read("dispatch_targets", tuple[DispatchTarget, ...], case_id=case_id)

    def search_places(self, text: str, limit: int = 12) -> list[PlaceHit]:
        return self._read("search_places", list[PlaceHit], text=text, limit=limit)

    def report_case(
        self,
        fields: dict[str, Any],
        *,
        allow_duplicate: bool = False,
        photos: Sequence[FileData] = (),
    ) -> Outcome[CaseChange]:
        return self._write(
            "report_case",
            CaseChange,
            case=NewCase(**fields),
            allow_duplicate=allow_duplicate,
            photos=tuple(photos),
        )

    def take_step(
        self,
        case_id: int,
        action: Action,
        *,
        expected_version: int,
        comment: str = "",
        **inputs: Any,
    ) -> Outcome[CaseChange]:
        return self._write(
            "take_step",
            CaseChange,
            case_id=case_id,
            action=Action(action),
            expected_version=expected_version,
            comment=comment,
            inputs=inputs,
        )

    def take_bulk_step(
        self, versions: dict[int, int], action: Action, *, comment: str = "", **inputs: Any
    ) -> Outcome[BulkResult]:
        return self._write(
            "take_bulk_step",
            BulkResult,
            versions=versions,
            action=Action(action),
            comment=comment,
            inputs=inputs,
        )

    def attach(self, case: int | str, file: FileData, kind: AttachmentKind) -> Outcome[CaseChange]:
        return self._write("attach", CaseChange, case=case, file=file, kind=kind)

    # --- figures -------------------------------------------------------------------------------------

    def figures_overview(self, period: Period | str, as_of: dt.datetime) -> Overview:
        return self._read("figures_overview", Overview, period=_period(period), as_of=as_of)

    def figures_trace(self, period, by: str, key, figure: str, as_of: dt.datetime) -> Trace:
        return self._read(
            "figures_trace",
            Trace,
            period=_period(period),
            by=by,
            key=key,
            figure=figure,
            as_of=as_of,
        )

    def figures_trace_day(self, day: dt.date, figure: str, as_of: dt.datetime) -> Trace:
        return self._read("figures_trace_day", Trace, day=day, figure=figure, as_of=as_of)

    def monthly_report(self, period: Period | str) -> MonthlyReport:
        return self._read("monthly_report", MonthlyReport, period=_period(period))

    # --- the video wall --------------------------------------------------------------------------------

    def tours(self) -> tuple[Tour, ...]:
        return self._read("tours", tuple[Tour, ...])

    def save_tour(self, tour: Tour) -> Outcome[tuple[Tour, ...]]:
        return self._write("save_tour", tuple[Tour, ...], tour=tour)

    def delete_tour(self, name: str) -> Outcome[tuple[Tour, ...]]:
        return self._write("delete_tour", tuple[Tour, ...], name=name)

    def camera_credentials(self, camera_id: int) -> tuple[str | None, str | None]:
        return self._read("camera_credentials", tuple[str | None, str | None], camera_id=camera_id)

    def stream_credentials(self) -> Callable[[int], tuple[str | None, str | None]]:
        """Asked in the stream worker's thread when a camera opens: one camera, never a list."""

        def load(camera_id: int) -> tuple[str | None, str | None]:
            try:
                return self.camera_credentials(camera_id)
            except CommandCenterError as error:
                log.warning("no credentials for camera %s: %s", camera_id, error)
                return None, None

        return load

    # --- administration --------------------------------------------------------------------------------

    def camera_list(self) -> list[CameraRow]:
        return self._read("camera_list", list[CameraRow])

    def stored_camera(self, camera_id: int) -> StoredCamera:
        return self._read("stored_camera", StoredCamera, camera_id=camera_id)

    def add_camera(self, data: CameraInput) -> Outcome[int]:
        return self._write("add_camera", int, data=data)

    def update_camera(self, camera_id: int, data: CameraInput) -> Outcome[int]:
        return self._write("update_camera", int, camera_id=camera_id, data=data)

    def import_cameras_csv(
        self, path: Path | str, *, replace: bool = False
    ) -> Outcome[CameraImportResult]:
        path = Path(path)
        file = FileData(path.name, _read_file(path), "text/csv")
        return self._write("import_cameras_csv", CameraImportResult, file=file, replace=replace)

    def export_cameras_csv(self, path: Path | str) -> int:
        text = self._read("cameras_csv", str)
        try:
            Path(path).write_text(text, encoding="utf-8-sig")
        except OSError as error:
            raise CommandCenterError(f"Cannot write {path}: {error.strerror or error}") from None
        return max(0, len(text.strip().splitlines()) - 1)

    def test_camera_url(
        self, data: CameraInput, camera_id: int | None = None, *, timeout: float = 3.0
    ) -> UrlVerdict:
        return self._read(
            "test_camera_url", UrlVerdict, data=data, camera_id=camera_id, timeout=timeout
        )

    def import_grids(
        self,
        path: Path | str,
        *,
        gcj02: bool = False,
        replace: bool = False,
        progress: Callable[[float, str], None] | None = None,
    ) -> Outcome[ImportResult]:
        path = Path(path)
        if progress is not None:
            progress(0.0, f"Sending {path.name} to the server")
        file = _grid_file(path)
        outcome = self._write("import_grids", ImportResult, file=file, gcj02=gcj02, replace=replace)
        if progress is not None:
            progress(1.0, "Checked and written by the server")
        return outcome


def _args(args: dict[str, Any]) -> dict[str, Any]:
    """Each argument as JSON (a value with deadline rules goes as a whole message)."""
    out = {}
    for key, value in args.items():
        message = encode(value)
        out[key] = message if "$rules" in message else message["body"]
    return out


def _rules(message: dict) -> dict:
    return {"$rules": message["$rules"]} if "$rules" in message else {}


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandCenterError(f"Cannot read {path}: {error.strerror or error}") from None


def _grid_file(path: Path) -> FileData:
    """A GeoJSON or zipped shapefile as it is; a .shp with its sidecar files zipped together
    (the server reads a shapefile from a .zip)."""
    if path.suffix.lower() != ".shp":
        return FileData(path.name, _read_file(path))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sibling in sorted(path.parent.glob(path.stem + ".*")):
            archive.writestr(sibling.name, _read_file(sibling))
    return FileData(path.stem + ".zip", buffer.getvalue(), "application/zip")


class Subscription(threading.Thread):
    """The pushed feed of one console, in a thread of its own, reconnecting by itself."""

    def __init__(self, backend: RemoteBackend, mark: FeedMark, on_update, on_state):
        super().__init__(name="feed-subscription", daemon=True)
        self.backend, self.mark = backend, mark
        self.on_update, self.on_state = on_update, on_state
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._socket = None
        self.connected = False

    def run(self) -> None:
        from websockets.exceptions import ConnectionClosed, InvalidStatus
        from websockets.sync.client import connect

        url = self.backend.center.url.replace("http", "ws", 1) + API + "/feed"
        headers = {"Authorization": f"Bearer {self.backend.token}"}
        ssl = None
        if url.startswith("wss:"):
            import ssl as ssl_module

            verify = self.backend.center.verify
            ssl = ssl_module.create_default_context(
                cafile=verify if isinstance(verify, str) else None
            )
            if verify is False:
                ssl.check_hostname, ssl.verify_mode = False, ssl_module.CERT_NONE
        delay = RECONNECT_S[0]
        while not self._stop.is_set():
            try:
                with connect(
                    url, additional_headers=headers, open_timeout=5, ssl=ssl, max_size=2**26
                ) as socket:
                    with self._lock:
                        self._socket = socket
                        mark = self.mark
                    socket.send(json.dumps({"mark": encode(mark)}))
                    self._set_state(True, "")
                    delay = RECONNECT_S[0]
                    for message in socket:
                        update = decode(FeedUpdate, json.loads(message))
                        with self._lock:
                            self.mark = update.mark
                        self.on_update(update)
                        if self._stop.is_set():
                            break
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                if code == 4401:  # the session ended at the server: log in again
                    self._set_state(False, "session ended")
                    return
                self._set_state(False, "connection lost")
            except InvalidStatus as refused:
                self._set_state(False, f"refused ({refused.response.status_code})")
            except (OSError, TimeoutError, WireError, ValueError) as error:
                self._set_state(False, str(error) or type(error).__name__)
            finally:
                with self._lock:
                    self._socket = None
            self._stop.wait(delay)
            delay = min(delay * 2, RECONNECT_S[1])

    def _set_state(self, connected: bool, why: str) -> None:
        if connected != self.connected or not connected:
            self.connected = connected
            try:
                self.on_state(connected, why)
            except Exception:  # a receiver's fault must not end the feed
                log.exception("feed state callback failed")

    def poll(self) -> None:
        """Ask the server to look now (after this console's own write)."""
        with self._lock:
            socket = self._socket
        if socket is not None:
            with contextlib.suppress(Exception):  # a dead socket: the reading loop reconnects
                socket.send("poll")

    def reset(self, mark: FeedMark) -> None:
        """Follow from a new mark (after a whole new picture was loaded)."""
        with self._lock:
            self.mark = mark
            socket = self._socket
        if socket is not None:
            socket.close()  # the loop reconnects and sends the new mark

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            socket = self._socket
        if socket is not None:
            socket.close()
