"""The administration and base-data calls a client may make (merged into ``calls.CALLS``).
As for every call, nothing here decides who may do what: the core checks the session's actor."""

from __future__ import annotations

import tempfile
from pathlib import Path

from commandcenter.access.accounts import Actor
from commandcenter.access.oplog import LogLine, OperationKind
from commandcenter.admin.catalogue import CaseTypeInput, CaseTypeRow
from commandcenter.admin.departments import DepartmentInput, DepartmentRow
from commandcenter.admin.grid_people import GridAssignment, GridPeople
from commandcenter.admin.staff import StaffImportResult, StaffInput, StaffRow
from commandcenter.admin.units import UnitRow
from commandcenter.backend.local import LocalBackend
from commandcenter.basedata.export import ExportedFile
from commandcenter.basedata.imports import BaseImportResult
from commandcenter.basedata.people import ClearPerson, PeopleHits, PersonInput, VisitDue
from commandcenter.basedata.places import BuildingRow, HouseRow, OrganisationRow
from commandcenter.cases.operations import FileData
from commandcenter.domain.changes import Outcome
from commandcenter.domain.enums import SpecialGroup
from commandcenter.domain.local_rules import LocalRules


def _with_file(file: FileData, run):
    from commandcenter.server.calls import _saved

    with tempfile.TemporaryDirectory(prefix="cc-import-") as folder:
        return run(_saved(file, folder))


def _export(backend: LocalBackend, kind: str, clear: bool, reason: str) -> Outcome[ExportedFile]:
    with tempfile.TemporaryDirectory(prefix="cc-export-") as folder:
        path = Path(folder) / f"{kind}.xlsx"
        rows = backend.export_basedata(kind, path, clear, reason)
        return Outcome(ExportedFile(path.read_bytes(), rows))


def admin_calls():
    from commandcenter.server.calls import Call

    text = frozenset({"text"})
    return {
        "units": Call({}, list[UnitRow], lambda b: b.units()),
        "add_units": Call(
            {"codes": tuple[str, ...], "with_children": bool},
            list[str],
            lambda b, codes, with_children=False: b.add_units(codes, with_children),
            write=True,
            optional=frozenset({"with_children"}),
        ),
        "departments": Call({}, list[DepartmentRow], lambda b: b.departments()),
        "save_department": Call(
            {"department_id": int | None, "data": DepartmentInput},
            int,
            lambda b, department_id, data: b.save_department(department_id, data),
            write=True,
        ),
        "staff": Call(
            {"text": str}, list[StaffRow], lambda b, text="": b.staff(text), optional=text
        ),
        "create_user": Call(
            {"data": StaffInput, "password": str},
            int,
            lambda b, data, password: b.create_user(data, password),
            write=True,
        ),
        "update_user": Call(
            {"user_id": int, "data": StaffInput},
            int,
            lambda b, user_id, data: b.update_user(user_id, data),
            write=True,
        ),
        "set_user_active": Call(
            {"user_id": int, "active": bool},
            int,
            lambda b, user_id, active: b.set_user_active(user_id, active),
            write=True,
        ),
        "reset_user_password": Call(
            {"user_id": int, "password": str},
            int,
            lambda b, user_id, password: b.reset_user_password(user_id, password),
            write=True,
        ),
        "import_staff": Call(
            {"file": FileData},
            StaffImportResult,
            lambda b, file: _with_file(file, b.import_staff),
            write=True,
        ),
        "grid_people": Call({}, list[GridPeople], lambda b: b.grid_people()),
        "assign_grid": Call(
            {"grid_id": int, "assignment": GridAssignment},
            int,
            lambda b, grid_id, assignment: b.assign_grid(grid_id, assignment),
            write=True,
        ),
        "case_types": Call({}, list[CaseTypeRow], lambda b: b.case_types()),
        "save_case_type": Call(
            {"data": CaseTypeInput}, str, lambda b, data: b.save_case_type(data), write=True
        ),
        "import_case_types": Call(
            {"file": FileData},
            int,
            lambda b, file: _with_file(file, b.import_case_types),
            write=True,
        ),
        "local_rules": Call({}, LocalRules, lambda b: b.local_rules()),
        "set_local_rules": Call(
            {"rules": LocalRules}, LocalRules, lambda b, rules: b.set_local_rules(rules), write=True
        ),
        "operation_log": Call(
            {"text": str, "action": OperationKind | None, "limit": int},
            list[LogLine],
            lambda b, text="", action=None, limit=500: b.operation_log(text, action, limit),
            optional=frozenset({"text", "action", "limit"}),
        ),
        "search_people": Call(
            {
                "text": str,
                "grid_id": int | None,
                "building_id": int | None,
                "tag": SpecialGroup | None,
                "limit": int,
            },
            PeopleHits,
            lambda b, text="", grid_id=None, building_id=None, tag=None, limit=200: b.search_people(
                text, grid_id, building_id, tag, limit
            ),
            optional=frozenset({"text", "grid_id", "building_id", "tag", "limit"}),
        ),
        "person_in_clear": Call(
            {"person_id": int, "reason": str},
            ClearPerson,
            lambda b, person_id, reason: Outcome(b.person_in_clear(person_id, reason)),
            write=True,
        ),
        "save_person": Call(
            {"person_id": int | None, "data": PersonInput},
            int,
            lambda b, person_id, data: b.save_person(person_id, data),
            write=True,
        ),
        "search_buildings": Call(
            {"text": str, "grid_id": int | None},
            list[BuildingRow],
            lambda b, text="", grid_id=None: b.search_buildings(text, grid_id),
            optional=frozenset({"text", "grid_id"}),
        ),
        "building_houses": Call(
            {"building_id": int},
            list[HouseRow],
            lambda b, building_id: b.building_houses(building_id),
        ),
        "search_organisations": Call(
            {"text": str, "grid_id": int | None},
            list[OrganisationRow],
            lambda b, text="", grid_id=None: b.search_organisations(text, grid_id),
            optional=frozenset({"text", "grid_id"}),
        ),
        "import_basedata": Call(
            {"kind": str, "file": FileData},
            BaseImportResult,
            lambda b, kind, file: _with_file(file, lambda path: b.import_basedata(kind, path)),
            write=True,
            heavy=True,
        ),
        "basedata_xlsx": Call(
            {"kind": str, "clear": bool, "reason": str},
            ExportedFile,
            lambda b, kind, clear=False, reason="": _export(b, kind, clear, reason),
            write=True,
            heavy=True,
            optional=frozenset({"clear", "reason"}),
        ),
        "visits_due": Call({}, list[VisitDue], lambda b: b.visits_due()),
        # who the caller is now, as the server's session sees it (after an administrative
        # change widened or narrowed their jurisdiction)
        "me": Call({}, Actor, lambda b: b.actor),
    }
