"""The backend in-process: the core on a database of this machine, for one logged-in actor.

``LocalCenter`` is the opened database before anyone logs in; ``login`` gives the
``LocalBackend`` of one actor. Every method opens its own session (they run in worker threads,
several at once), reads or writes in one transaction, and answers with plain data: frozen
dataclasses, and for a write an ``Outcome`` with what it changed. The database's errors come
out as the core's (``transactions.database_errors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from commandcenter import clock as clocks
from commandcenter import patrols
from commandcenter.access import accounts, oplog
from commandcenter.access.accounts import Actor
from commandcenter.backend import feed
from commandcenter.backend.local_admin import AdministrationCalls
from commandcenter.backend.transactions import database_errors, read, write
from commandcenter.cameras import csv_io, registry, sealing, url_test
from commandcenter.cameras.registry import CameraImportResult, CameraInput, StoredCamera
from commandcenter.cameras.rows import CameraRow, camera_rows
from commandcenter.cases import operations, visits
from commandcenter.cases.board import needs_action
from commandcenter.cases.detail import CaseDetail, DispatchTarget, load_case_detail
from commandcenter.cases.history import HistoryEntry, case_history
from commandcenter.cases.operations import BulkResult, FileData
from commandcenter.cases.rows import CaseRow, open_cases
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import AttachmentKind
from commandcenter.errors import CommandCenterError, DatabaseIsEmpty, PermissionDenied
from commandcenter.figures import series
from commandcenter.figures.kpi import Period, report_actor
from commandcenter.figures.monthly_report import MonthlyReport, monthly_report_data
from commandcenter.geo.grid_import import ImportResult, import_grids
from commandcenter.jurisdiction import field_map
from commandcenter.jurisdiction.search import PlaceHit, search_places
from commandcenter.storage.database import Database, open_database
from commandcenter.storage.models import Camera, Case
from commandcenter.video.wall import Tour, load_tours, save_tours
from commandcenter.workflow import attachments, audit
from commandcenter.workflow.engine import CaseChange
from commandcenter.workflow.rules import Action

Credentials = Callable[[int], tuple[str | None, str | None]]


class LocalCenter:
    """An opened (and migrated) database, before log-in."""

    def __init__(self, database: Database, clock: clocks.Clock = clocks.SYSTEM):
        self.database, self.clock = database, clock

    @classmethod
    def open(cls, url: str, clock: clocks.Clock = clocks.SYSTEM) -> LocalCenter:
        database = open_database(url)
        sealing.seal_on_open(database)  # camera passwords stored before they were sealed
        return cls(database, clock)

    @classmethod
    def open_existing(cls, url: str, clock: clocks.Clock = clocks.SYSTEM) -> LocalCenter:
        """Open a database that holds a center (an empty one raises DatabaseIsEmpty)."""
        center = cls.open(url, clock)
        if center.is_empty():
            center.close()
            raise DatabaseIsEmpty(center.display_url)
        return center

    @property
    def display_url(self) -> str:
        """Where the data is, as it may be shown (never with a password)."""
        return self.database.display_url

    @property
    def kind(self) -> str:
        return self.database.dialect

    def is_empty(self) -> bool:
        with database_errors("opening"):
            return self.database.is_empty()

    def login(self, username: str, password: str) -> LocalBackend:
        now = self.clock.now()

        def operation(session):
            actor = accounts.authenticate(session, username, password)
            oplog.record(session, actor, now, oplog.OperationKind.LOGIN, "console", self.kind)
            return Outcome(actor)

        actor = write(self.database, operation, now, "logging in").value
        return LocalBackend(self.database, actor, self.clock)

    def demo_login(self, username: str) -> LocalBackend:
        """A published demo account without its password, on a demo database only."""
        actor = read(self.database, lambda s: accounts.demo_actor(s, username))
        return LocalBackend(self.database, actor, self.clock)

    def report_login(self, username: str | None = None) -> LocalBackend:
        """For the command line's reports: the named user, or the top center's administrator
        (whoever runs the command holds the database URL already)."""
        actor = read(self.database, lambda s: report_actor(s, username))
        return LocalBackend(self.database, actor, self.clock)

    def close(self) -> None:
        self.database.dispose()


class LocalBackend(AdministrationCalls):
    """What one actor's console can read and do, in-process. Thread-safe."""

    def __init__(self, database: Database, actor: Actor, clock: clocks.Clock = clocks.SYSTEM):
        self.database, self.actor, self.clock = database, actor, clock

    @property
    def display_url(self) -> str:
        return self.database.display_url

    @property
    def kind(self) -> str:
        return self.database.dialect

    def _read(self, fn, doing: str):
        return read(self.database, fn, doing)

    def _write(self, operation, doing: str, *, retry_lost_race: bool = False) -> Outcome:
        """Every write of the actor: refused before the transaction for a role that only reads
        (``accounts.require_can_write``), else one transaction."""
        accounts.require_can_write(self.actor)
        return write(
            self.database, operation, self.clock.now(), doing, retry_lost_race=retry_lost_race
        )

    # --- the console's picture and its changes -------------------------------------------------

    def load_console(self) -> feed.ConsoleData:
        now = self.clock.now()
        return self._read(lambda s: feed.load_console(s, self.actor, now), "loading the console")

    def changes_since(self, mark: feed.FeedMark) -> feed.FeedUpdate:
        now = self.clock.now()
        return self._read(
            lambda s: feed.changes_since(s, self.actor, now, mark), "following the changes"
        )

    def my_tasks(self) -> list[CaseRow]:
        """The open cases waiting for this actor (``needs_action``: a queue step of the rule
        table is theirs to take now), most urgent first: a field worker's task list."""
        now = self.clock.now()
        return self._read(
            lambda s: [
                r for r in open_cases(s, self.actor, now) if needs_action(self.actor, r, now)
            ],
            "loading the tasks",
        )

    # --- household visits (走访) ----------------------------------------------------------------

    def households(self, text: str = "", limit: int = 30) -> list[visits.Household]:
        return self._read(
            lambda s: visits.households(s, self.actor, text, limit), "finding households"
        )

    def record_visit(self, visit: visits.NewVisit) -> Outcome[visits.VisitDone]:
        now = self.clock.now()
        return self._write(
            lambda s: visits.record_visit(s, self.actor, now, visit), "recording a visit"
        )

    def my_grids(self) -> list[field_map.GridShape]:
        return self._read(lambda s: field_map.my_grids(s, self.actor), "loading your grids")

    # --- rounds (巡查) and positions ------------------------------------------------------------

    def start_patrol(self) -> Outcome[int]:
        now = self.clock.now()
        return self._write(lambda s: patrols.start_patrol(s, self.actor, now), "starting a round")

    def end_patrol(self) -> Outcome[int | None]:
        now = self.clock.now()
        return self._write(lambda s: patrols.end_patrol(s, self.actor, now), "ending a round")

    def send_positions(self, points: tuple[patrols.PhonePosition, ...]) -> Outcome[int]:
        now = self.clock.now()
        return self._write(
            lambda s: patrols.record_positions(s, self.actor, now, points), "keeping positions"
        )

    def field_workers(self) -> list[patrols.FieldWorker]:
        now = self.clock.now()
        return self._read(
            lambda s: patrols.field_workers(s, self.actor, now), "loading the field workers"
        )

    # --- cases -----------------------------------------------------------------------------------

    def case_detail(self, case_id: int) -> CaseDetail:
        now = self.clock.now()
        return self._read(
            lambda s: load_case_detail(s, self.actor, case_id, now), "loading the case"
        )

    def case_history(self, case_id: int) -> list[HistoryEntry]:
        return self._read(lambda s: case_history(s, self.actor, case_id), "loading the history")

    def attachment_contents(self, attachment_ids: Iterable[int]) -> dict[int, bytes]:
        ids = list(attachment_ids)
        return self._read(
            lambda s: {i: attachments.content(s, self.actor, i) for i in ids},
            "loading attachments",
        )

    def dispatch_targets(self, case_id: int) -> tuple[DispatchTarget, ...]:
        return self.case_detail(case_id).dispatch_targets

    def search_places(self, text: str, limit: int = 12) -> list[PlaceHit]:
        return self._read(lambda s: search_places(s, self.actor, text, limit=limit), "searching")

    def report_case(
        self,
        fields: dict[str, Any],
        *,
        allow_duplicate: bool = False,
        photos: Sequence[FileData] = (),
    ) -> Outcome[CaseChange]:
        return self._write(
            lambda s: operations.report_case(
                s,
                self.actor,
                self.clock.now,
                fields,
                allow_duplicate=allow_duplicate,
                photos=photos,
            ),
            "reporting a case",
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
            lambda s: operations.take_step(
                s,
                self.actor,
                self.clock.now,
                case_id,
                action,
                expected_version=expected_version,
                comment=comment,
                **inputs,
            ),
            f"taking the step {action}",
        )

    def take_bulk_step(
        self, versions: dict[int, int], action: Action, *, comment: str = "", **inputs: Any
    ) -> Outcome[BulkResult]:
        """The same step on several cases, each at the version the officer saw and in its own
        transaction: one refusal does not stop the others. A role that only reads is refused
        the whole step at once."""
        accounts.require_can_write(self.actor)
        done, refused, changes = 0, [], Changes()
        for case_id, version in versions.items():
            try:
                outcome = self.take_step(
                    case_id, action, expected_version=version, comment=comment, **inputs
                )
            except CommandCenterError as error:  # each refusal is reported, none is lost
                refused.append(f"{self._code_of(case_id)}: {error}")
                continue
            done += 1
            changes |= outcome.changes
        return Outcome(BulkResult(done, tuple(refused)), changes)

    def _code_of(self, case_id: int) -> str:
        try:
            code = self._read(lambda s: s.scalar(select(Case.code).where(Case.id == case_id)), "")
        except CommandCenterError:
            code = None
        return code or f"#{case_id}"

    def attach(self, case: int | str, file: FileData, kind: AttachmentKind) -> Outcome[CaseChange]:
        """Add a photo, snapshot or document to an open case, by id or by its code."""
        return self._write(
            lambda s: operations.attach(s, self.actor, self.clock.now, case, file, kind),
            "attaching",
            retry_lost_race=True,
        )

    # --- figures ---------------------------------------------------------------------------------

    def figures_overview(self, period: Period | str, as_of: dt.datetime) -> series.Overview:
        return self._read(
            lambda s: series.overview(s, self.actor, period, as_of=as_of), "loading the figures"
        )

    def figures_trace(self, period, by: str, key, figure: str, as_of: dt.datetime) -> series.Trace:
        return self._read(
            lambda s: series.trace(s, self.actor, period, by, key, figure, as_of=as_of),
            "listing the cases of a figure",
        )

    def figures_trace_day(self, day: dt.date, figure: str, as_of: dt.datetime) -> series.Trace:
        return self._read(
            lambda s: series.trace_day(s, self.actor, day, figure, as_of=as_of),
            "listing the cases of a day",
        )

    def monthly_report(self, period: Period | str) -> MonthlyReport:
        """The month's report, with a checkpoint of the archive signed now (the installation's
        act, not the reader's: every report made prints where the archive stood)."""
        as_of = self.clock.now()
        with (
            database_errors("signing the archive's checkpoint"),
            self.database.writer() as session,
            session.begin(),
        ):
            audit.ensure_checkpoint(session, as_of, f"monthly report {period}")
        return self._read(
            lambda s: monthly_report_data(s, self.actor, period, as_of=as_of),
            "computing the monthly report",
        )

    # --- the video wall ---------------------------------------------------------------------------

    def tours(self) -> tuple[Tour, ...]:
        return tuple(self._read(lambda s: load_tours(s, self.actor), "loading the tours"))

    def save_tour(self, tour: Tour) -> Outcome[tuple[Tour, ...]]:
        """Add or replace the tour of this name."""
        return self._change_tours(lambda tours: [t for t in tours if t.name != tour.name] + [tour])

    def delete_tour(self, name: str) -> Outcome[tuple[Tour, ...]]:
        return self._change_tours(lambda tours: [t for t in tours if t.name != name])

    def _change_tours(self, change) -> Outcome[tuple[Tour, ...]]:
        def operation(session):
            save_tours(session, self.actor, change(load_tours(session)))
            return Outcome(tuple(load_tours(session, self.actor)), Changes(tours=True))

        return self._write(operation, "saving the tours")

    def camera_credentials(self, camera_id: int) -> tuple[str | None, str | None]:
        """A camera's user name and password, for opening its stream: only a camera of the
        actor's jurisdiction, one at a time, never in a list."""

        def load(session) -> tuple[str | None, str | None]:
            camera = session.get(Camera, camera_id)
            if camera is None or not self.actor.governs_center(camera.center_id):
                raise PermissionDenied("That camera is not in your jurisdiction.")
            return sealing.credentials_of(session, camera_id)

        return self._read(load, "opening a camera")

    def stream_credentials(self) -> Credentials:
        """A look-up of a camera's user name and password by camera id, for the stream
        workers: it runs in the worker's thread when the stream opens, so no screen ever
        holds a password."""

        def load(camera_id: int) -> tuple[str | None, str | None]:
            try:
                return self.camera_credentials(camera_id)
            except PermissionDenied:
                return None, None

        return load

    # --- the camera registry (administrators) -----------------------------------------------------

    def camera_list(self) -> list[CameraRow]:
        return self._read(lambda s: camera_rows(s, self.actor), "loading the cameras")

    def stored_camera(self, camera_id: int) -> StoredCamera:
        return self._read(lambda s: registry.load_camera(s, self.actor, camera_id), "loading")

    def add_camera(self, data: CameraInput) -> Outcome[int]:
        def operation(session):
            camera_id = registry.add_camera(session, self.actor, data)
            return Outcome(camera_id, Changes(cameras=frozenset({camera_id})))

        return self._write(operation, "adding a camera")

    def update_camera(self, camera_id: int, data: CameraInput) -> Outcome[int]:
        def operation(session):
            registry.update_camera(session, self.actor, camera_id, data)
            return Outcome(camera_id, Changes(cameras=frozenset({camera_id})))

        return self._write(operation, "saving a camera")

    def import_cameras_csv(
        self, path: Path | str, *, replace: bool = False
    ) -> Outcome[CameraImportResult]:
        now = self.clock.now()

        def operation(session):
            result = csv_io.import_cameras_csv(session, self.actor, path, replace=replace)
            self._log(session, now, oplog.OperationKind.IMPORT, "cameras", result.summary())
            return Outcome(result, Changes(cameras=result.camera_ids))

        return self._write(operation, "importing cameras")

    def export_cameras_csv(self, path: Path | str) -> int:
        now = self.clock.now()

        def operation(session):
            count = csv_io.export_cameras_csv(session, self.actor, path)
            self._log(session, now, oplog.OperationKind.EXPORT, "cameras", f"{count} rows")
            return Outcome(count)

        return self._write(operation, "exporting cameras").value

    def record_export(self, what: str, rows: int) -> Outcome[int]:
        """An export the console wrote itself from what it had read (the case list to Excel,
        the monthly report's PDF): its line in the operation log."""
        now = self.clock.now()

        def operation(session):
            self._log(session, now, oplog.OperationKind.EXPORT, what[:100], f"{rows} rows")
            return Outcome(rows)

        return self._write(operation, "recording an export")

    def _log(self, session, now, kind, target: str, detail: str) -> None:
        oplog.record(session, self.actor, now, kind, target, detail)

    def test_camera_url(
        self, data: CameraInput, camera_id: int | None = None, *, timeout: float = 3.0
    ) -> registry.UrlVerdict:
        """Does the main URL answer with the typed password, else the stored one (the stored
        user name too, unless one is typed)? The password never leaves this call. Only for
        administrators: on a server it makes the server connect where the caller says."""
        registry.require_administrator(self.actor, "test camera addresses")
        username, password = data.username, data.password
        if camera_id is not None and not password:
            stored_user, password = self.stream_credentials()(camera_id)
            username = username or stored_user
        return url_test.test_camera_url(
            data.main_url, username or None, password or None, timeout=timeout
        )

    # --- grids (administrators) --------------------------------------------------------------------

    def import_grids(
        self,
        path: Path | str,
        *,
        gcj02: bool = False,
        replace: bool = False,
        progress: Callable[[float, str], None] | None = None,
    ) -> Outcome[ImportResult]:
        now = self.clock.now()

        def operation(session):
            result = import_grids(
                session, path, gcj02=gcj02, replace=replace, progress=progress, actor=self.actor
            )
            self._log(session, now, oplog.OperationKind.IMPORT, "grids", result.summary())
            return Outcome(result, Changes(grids=result.grid_ids))

        return self._write(operation, "importing grids")
