"""The calls a client may make: each one method of the caller's ``LocalBackend``, with its
arguments' types (what arrives is decoded by them: a wrong type or an unknown argument is
refused before anything runs) and its answer's type.

Nothing here decides who may do what: the backend is made for the actor of the caller's
session, and the core checks role and jurisdiction inside each call, as it does for a console
in-process. Files travel as bytes (``FileData``): the server keeps them in a private temporary
folder for the length of the call.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commandcenter.backend.feed import ConsoleData, FeedMark, FeedUpdate
from commandcenter.backend.local import LocalBackend
from commandcenter.cameras.registry import CameraImportResult, CameraInput, StoredCamera, UrlVerdict
from commandcenter.cameras.rows import CameraRow
from commandcenter.cases.detail import CaseDetail, DispatchTarget
from commandcenter.cases.history import HistoryEntry
from commandcenter.cases.operations import BulkResult, FileData, NewCase
from commandcenter.cases.rows import CaseRow
from commandcenter.cases.visits import Household, NewVisit, VisitDone
from commandcenter.domain.enums import AttachmentKind, CaseCategory
from commandcenter.errors import CommandCenterError
from commandcenter.figures.monthly_report import MonthlyReport
from commandcenter.figures.period import Period
from commandcenter.figures.series import Overview, Trace
from commandcenter.geo.grid_import import ImportResult
from commandcenter.jurisdiction.field_map import GridShape
from commandcenter.jurisdiction.search import PlaceHit
from commandcenter.patrols import FieldWorker, PhonePosition
from commandcenter.video.wall import Tour
from commandcenter.workflow.engine import CaseChange
from commandcenter.workflow.rules import Action

MAX_FILE_BYTES = 50 * 1024 * 1024  # a grid file of a city; photos are far below


@dataclass(frozen=True)
class Call:
    params: dict[str, Any]  # argument name -> type; every argument is named
    result: Any  # the answer's type (for a write: the Outcome's value)
    run: Callable[..., Any]  # run(backend, **arguments)
    write: bool = False
    optional: frozenset[str] = frozenset()  # arguments that may be left out
    heavy: bool = False  # a big answer: a few at a time per worker (a shift logging in at once)
    # A write that does no harm done twice (a position sent again is the same point): it
    # needs no request id, and saves the transaction that keeps one.
    replay_harmless: bool = False


def _saved(file: FileData, folder: str) -> Path:
    """The uploaded file under its own name (its suffix tells the importer the format)."""
    name = Path(file.filename).name or "upload"
    if len(file.data) > MAX_FILE_BYTES:
        raise CommandCenterError(f"The file is over {MAX_FILE_BYTES // 2**20} MB.")
    path = Path(folder) / name
    path.write_bytes(file.data)
    return path


def _import_grids(backend: LocalBackend, file: FileData, gcj02: bool, replace: bool):
    with tempfile.TemporaryDirectory(prefix="cc-grids-") as folder:
        return backend.import_grids(_saved(file, folder), gcj02=gcj02, replace=replace)


def _import_cameras(backend: LocalBackend, file: FileData, replace: bool):
    with tempfile.TemporaryDirectory(prefix="cc-cameras-") as folder:
        return backend.import_cameras_csv(_saved(file, folder), replace=replace)


def _cameras_csv(backend: LocalBackend) -> str:
    with tempfile.TemporaryDirectory(prefix="cc-cameras-") as folder:
        path = Path(folder) / "cameras.csv"
        backend.export_cameras_csv(path)
        return path.read_text(encoding="utf-8-sig")


CALLS: dict[str, Call] = {
    # the console's picture, then only what changed
    "load_console": Call({}, ConsoleData, lambda b: b.load_console(), heavy=True),
    "changes_since": Call({"mark": FeedMark}, FeedUpdate, lambda b, mark: b.changes_since(mark)),
    # cases
    "my_tasks": Call({}, list[CaseRow], lambda b: b.my_tasks()),
    "case_detail": Call({"case_id": int}, CaseDetail, lambda b, case_id: b.case_detail(case_id)),
    "case_history": Call(
        {"case_id": int}, list[HistoryEntry], lambda b, case_id: b.case_history(case_id)
    ),
    "attachment_contents": Call(
        {"attachment_ids": list[int]},
        dict[int, bytes],
        lambda b, attachment_ids: b.attachment_contents(attachment_ids[:200]),
    ),
    "dispatch_targets": Call(
        {"case_id": int},
        tuple[DispatchTarget, ...],
        lambda b, case_id: b.dispatch_targets(case_id),
    ),
    "search_places": Call(
        {"text": str, "limit": int},
        list[PlaceHit],
        lambda b, text, limit=12: b.search_places(text[:200], max(1, min(limit, 50))),
        optional=frozenset({"limit"}),
    ),
    "report_case": Call(
        {"case": NewCase, "allow_duplicate": bool, "photos": tuple[FileData, ...]},
        CaseChange,
        lambda b, case, allow_duplicate=False, photos=(): b.report_case(
            case.fields(), allow_duplicate=allow_duplicate, photos=photos
        ),
        write=True,
        optional=frozenset({"allow_duplicate", "photos"}),
    ),
    "take_step": Call(
        {
            "case_id": int,
            "action": Action,
            "expected_version": int,
            "comment": str,
            "inputs": dict[str, Any],
        },
        CaseChange,
        lambda b, case_id, action, expected_version, comment="", inputs=None: b.take_step(
            case_id, action, expected_version=expected_version, comment=comment, **(inputs or {})
        ),
        write=True,
        optional=frozenset({"comment", "inputs"}),
    ),
    "take_bulk_step": Call(
        {"versions": dict[int, int], "action": Action, "comment": str, "inputs": dict[str, Any]},
        BulkResult,
        lambda b, versions, action, comment="", inputs=None: b.take_bulk_step(
            dict(list(versions.items())[:500]), action, comment=comment, **(inputs or {})
        ),
        write=True,
        optional=frozenset({"comment", "inputs"}),
    ),
    "attach": Call(
        {"case": int | str, "file": FileData, "kind": AttachmentKind},
        CaseChange,
        lambda b, case, file, kind: b.attach(case, file, kind),
        write=True,
    ),
    # household visits (走访)
    "households": Call(
        {"text": str, "limit": int},
        list[Household],
        lambda b, text="", limit=30: b.households(text[:50], max(1, min(limit, 100))),
        optional=frozenset({"text", "limit"}),
    ),
    "my_grids": Call({}, list[GridShape], lambda b: b.my_grids()),
    "record_visit": Call(
        {"visit": NewVisit}, VisitDone, lambda b, visit: b.record_visit(visit), write=True
    ),
    # rounds (巡查) and positions
    "start_patrol": Call({}, int, lambda b: b.start_patrol(), write=True),
    "end_patrol": Call({}, int | None, lambda b: b.end_patrol(), write=True),
    "send_positions": Call(
        {"points": tuple[PhonePosition, ...]},
        int,
        lambda b, points: b.send_positions(points),
        write=True,
        replay_harmless=True,
    ),
    "field_workers": Call({}, list[FieldWorker], lambda b: b.field_workers()),
    # figures
    "figures_overview": Call(
        {"period": Period, "as_of": dt.datetime},
        Overview,
        lambda b, period, as_of: b.figures_overview(period, as_of),
        heavy=True,
    ),
    "figures_trace": Call(
        {
            "period": Period,
            "by": str,
            "key": int | CaseCategory,
            "figure": str,
            "as_of": dt.datetime,
        },
        Trace,
        lambda b, period, by, key, figure, as_of: b.figures_trace(period, by, key, figure, as_of),
    ),
    "figures_trace_day": Call(
        {"day": dt.date, "figure": str, "as_of": dt.datetime},
        Trace,
        lambda b, day, figure, as_of: b.figures_trace_day(day, figure, as_of),
    ),
    "monthly_report": Call(
        {"period": Period}, MonthlyReport, lambda b, period: b.monthly_report(period), heavy=True
    ),
    # the video wall
    "tours": Call({}, tuple[Tour, ...], lambda b: b.tours()),
    "save_tour": Call(
        {"tour": Tour}, tuple[Tour, ...], lambda b, tour: b.save_tour(tour), write=True
    ),
    "delete_tour": Call(
        {"name": str}, tuple[Tour, ...], lambda b, name: b.delete_tour(name), write=True
    ),
    "camera_credentials": Call(
        {"camera_id": int},
        tuple[str | None, str | None],
        lambda b, camera_id: b.camera_credentials(camera_id),
    ),
    # administration (the core checks the role)
    "camera_list": Call({}, list[CameraRow], lambda b: b.camera_list()),
    "stored_camera": Call(
        {"camera_id": int}, StoredCamera, lambda b, camera_id: b.stored_camera(camera_id)
    ),
    "add_camera": Call({"data": CameraInput}, int, lambda b, data: b.add_camera(data), write=True),
    "update_camera": Call(
        {"camera_id": int, "data": CameraInput},
        int,
        lambda b, camera_id, data: b.update_camera(camera_id, data),
        write=True,
    ),
    "import_cameras_csv": Call(
        {"file": FileData, "replace": bool},
        CameraImportResult,
        lambda b, file, replace=False: _import_cameras(b, file, replace),
        write=True,
        optional=frozenset({"replace"}),
    ),
    "cameras_csv": Call({}, str, _cameras_csv),
    "record_export": Call(
        {"what": str, "rows": int},
        int,
        lambda b, what, rows: b.record_export(what, rows),
        write=True,
    ),
    "test_camera_url": Call(
        {"data": CameraInput, "camera_id": int | None, "timeout": float},
        UrlVerdict,
        lambda b, data, camera_id=None, timeout=3.0: b.test_camera_url(
            data, camera_id, timeout=max(0.5, min(timeout, 10.0))
        ),
        optional=frozenset({"camera_id", "timeout"}),
    ),
    "import_grids": Call(
        {"file": FileData, "gcj02": bool, "replace": bool},
        ImportResult,
        lambda b, file, gcj02=False, replace=False: _import_grids(b, file, gcj02, replace),
        write=True,
        optional=frozenset({"gcj02", "replace"}),
    ),
}


def _with_administration() -> None:
    from commandcenter.server.admin_calls import admin_calls

    CALLS.update(admin_calls())


_with_administration()
