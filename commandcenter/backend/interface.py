"""The seam between the console and the core: the one object a screen talks to.

A console holds a ``Backend`` for its logged-in actor. Reads return plain data (frozen
dataclasses); writes return an ``Outcome`` with what they changed. Every method may block (a
database, later a network), so the console calls them in worker threads only. Two
implementations: ``LocalBackend`` (the core in-process, the single-machine default) and, with
the center's server, a remote one speaking the same calls over HTTPS with the changes pushed.

Who the actor is, what they may see and do, is decided behind this seam, never by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from commandcenter.access.accounts import Actor
from commandcenter.backend.feed import ConsoleData, FeedMark, FeedUpdate
from commandcenter.cameras.registry import CameraImportResult, CameraInput, StoredCamera, UrlVerdict
from commandcenter.cameras.rows import CameraRow
from commandcenter.cases.detail import CaseDetail, DispatchTarget
from commandcenter.cases.history import HistoryEntry
from commandcenter.cases.operations import BulkResult, FileData
from commandcenter.clock import Clock
from commandcenter.domain.changes import Outcome
from commandcenter.domain.enums import AttachmentKind
from commandcenter.figures.kpi import Period
from commandcenter.figures.monthly_report import MonthlyReport
from commandcenter.figures.series import Overview, Trace
from commandcenter.geo.grid_import import ImportResult
from commandcenter.jurisdiction.search import PlaceHit
from commandcenter.patrols import FieldWorker
from commandcenter.video.wall import Tour
from commandcenter.workflow.engine import CaseChange
from commandcenter.workflow.rules import Action


class Backend(Protocol):
    actor: Actor
    clock: Clock  # the backend's "now": deadlines and countdowns on screen use the same

    @property
    def display_url(self) -> str: ...  # where the data is, without secrets

    @property
    def kind(self) -> str: ...  # "sqlite", "postgresql", later "server"

    # the console's picture, then only what changed
    def load_console(self) -> ConsoleData: ...
    def changes_since(self, mark: FeedMark) -> FeedUpdate: ...

    # cases
    def case_detail(self, case_id: int) -> CaseDetail: ...
    def case_history(self, case_id: int) -> list[HistoryEntry]: ...
    def attachment_contents(self, attachment_ids: Iterable[int]) -> dict[int, bytes]: ...
    def dispatch_targets(self, case_id: int) -> tuple[DispatchTarget, ...]: ...
    def search_places(self, text: str, limit: int = 12) -> list[PlaceHit]: ...
    def report_case(
        self,
        fields: dict[str, Any],
        *,
        allow_duplicate: bool = False,
        photos: Sequence[FileData] = (),
    ) -> Outcome[CaseChange]: ...
    def take_step(
        self,
        case_id: int,
        action: Action,
        *,
        expected_version: int,
        comment: str = "",
        **inputs: Any,
    ) -> Outcome[CaseChange]: ...
    def take_bulk_step(
        self, versions: dict[int, int], action: Action, *, comment: str = "", **inputs: Any
    ) -> Outcome[BulkResult]: ...
    def attach(
        self, case: int | str, file: FileData, kind: AttachmentKind
    ) -> Outcome[CaseChange]: ...

    # figures
    def figures_overview(self, period: Period | str, as_of: dt.datetime) -> Overview: ...
    def figures_trace(self, period, by: str, key, figure: str, as_of: dt.datetime) -> Trace: ...
    def figures_trace_day(self, day: dt.date, figure: str, as_of: dt.datetime) -> Trace: ...
    def monthly_report(self, period: Period | str) -> MonthlyReport: ...

    # the field workers on the map (positions and today's tracks)
    def field_workers(self) -> list[FieldWorker]: ...

    # the video wall
    def tours(self) -> tuple[Tour, ...]: ...
    def save_tour(self, tour: Tour) -> Outcome[tuple[Tour, ...]]: ...
    def delete_tour(self, name: str) -> Outcome[tuple[Tour, ...]]: ...
    def stream_credentials(self) -> Callable[[int], tuple[str | None, str | None]]: ...

    # administration
    def camera_list(self) -> list[CameraRow]: ...
    def stored_camera(self, camera_id: int) -> StoredCamera: ...
    def add_camera(self, data: CameraInput) -> Outcome[int]: ...
    def update_camera(self, camera_id: int, data: CameraInput) -> Outcome[int]: ...
    def import_cameras_csv(
        self, path: Path | str, *, replace: bool = False
    ) -> Outcome[CameraImportResult]: ...
    def export_cameras_csv(self, path: Path | str) -> int: ...
    def test_camera_url(
        self, data: CameraInput, camera_id: int | None = None, *, timeout: float = 3.0
    ) -> UrlVerdict: ...
    def import_grids(
        self,
        path: Path | str,
        *,
        gcj02: bool = False,
        replace: bool = False,
        progress: Callable[[float, str], None] | None = None,
    ) -> Outcome[ImportResult]: ...
