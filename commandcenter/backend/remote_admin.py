"""The administration and base-data calls of ``RemoteBackend`` (a mixin): the same methods as
``backend.local_admin.AdministrationCalls``, each one request to the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from commandcenter.access.accounts import Actor
from commandcenter.access.oplog import LogLine
from commandcenter.admin.catalogue import CaseTypeInput, CaseTypeRow
from commandcenter.admin.departments import DepartmentInput, DepartmentRow
from commandcenter.admin.grid_people import GridAssignment, GridPeople
from commandcenter.admin.staff import StaffImportResult, StaffInput, StaffRow
from commandcenter.admin.units import UnitRow
from commandcenter.basedata.export import ExportedFile
from commandcenter.basedata.imports import BaseImportResult
from commandcenter.basedata.people import ClearPerson, PeopleHits, PersonInput, VisitDue
from commandcenter.basedata.places import BuildingRow, HouseRow, OrganisationRow
from commandcenter.cases.operations import FileData
from commandcenter.domain.changes import Outcome
from commandcenter.domain.enums import SpecialGroup
from commandcenter.domain.local_rules import LocalRules
from commandcenter.errors import CommandCenterError


def _file(path: Path | str) -> FileData:
    path = Path(path)
    try:
        return FileData(path.name, path.read_bytes())
    except OSError as error:
        raise CommandCenterError(f"Cannot read {path}: {error.strerror or error}") from None


class RemoteAdministrationCalls:
    """Needs ``_read(name, type, **args)`` and ``_write(name, type, **args)``."""

    def _admin_write(self, name: str, value_type, **args) -> Outcome:
        """An administrative write; then who the caller is, read again (new units, a changed
        account change the caller's own jurisdiction), as the in-process backend does."""
        outcome = self._write(name, value_type, **args)
        self.actor = self._read("me", Actor)
        return outcome

    def units(self) -> list[UnitRow]:
        return self._read("units", list[UnitRow])

    def add_units(self, codes: tuple[str, ...], with_children: bool = False) -> Outcome[list[str]]:
        outcome = self._admin_write(
            "add_units", list[str], codes=tuple(codes), with_children=with_children
        )
        return outcome

    def departments(self) -> list[DepartmentRow]:
        return self._read("departments", list[DepartmentRow])

    def save_department(self, department_id: int | None, data: DepartmentInput) -> Outcome[int]:
        return self._admin_write("save_department", int, department_id=department_id, data=data)

    def staff(self, text: str = "") -> list[StaffRow]:
        return self._read("staff", list[StaffRow], text=text)

    def create_user(self, data: StaffInput, password: str) -> Outcome[int]:
        return self._admin_write("create_user", int, data=data, password=password)

    def update_user(self, user_id: int, data: StaffInput) -> Outcome[int]:
        return self._admin_write("update_user", int, user_id=user_id, data=data)

    def set_user_active(self, user_id: int, active: bool) -> Outcome[int]:
        return self._admin_write("set_user_active", int, user_id=user_id, active=active)

    def reset_user_password(self, user_id: int, password: str) -> Outcome[int]:
        return self._admin_write("reset_user_password", int, user_id=user_id, password=password)

    def import_staff(self, path: Path | str) -> Outcome[StaffImportResult]:
        return self._admin_write("import_staff", StaffImportResult, file=_file(path))

    def grid_people(self) -> list[GridPeople]:
        return self._read("grid_people", list[GridPeople])

    def assign_grid(self, grid_id: int, assignment: GridAssignment) -> Outcome[int]:
        return self._write("assign_grid", int, grid_id=grid_id, assignment=assignment)

    def case_types(self) -> list[CaseTypeRow]:
        return self._read("case_types", list[CaseTypeRow])

    def save_case_type(self, data: CaseTypeInput) -> Outcome[str]:
        return self._admin_write("save_case_type", str, data=data)

    def import_case_types(self, path: Path | str) -> Outcome[int]:
        return self._admin_write("import_case_types", int, file=_file(path))

    def local_rules(self) -> LocalRules:
        return self._read("local_rules", LocalRules)

    def set_local_rules(self, rules: LocalRules) -> Outcome[LocalRules]:
        return self._admin_write("set_local_rules", LocalRules, rules=rules)

    def operation_log(
        self, text: str = "", action: str | None = None, limit: int = 500
    ) -> list[LogLine]:
        return self._read("operation_log", list[LogLine], text=text, action=action, limit=limit)

    def search_people(
        self,
        text: str = "",
        grid_id: int | None = None,
        building_id: int | None = None,
        tag: SpecialGroup | None = None,
        limit: int = 200,
    ) -> PeopleHits:
        return self._read(
            "search_people",
            PeopleHits,
            text=text,
            grid_id=grid_id,
            building_id=building_id,
            tag=tag,
            limit=limit,
        )

    def person_in_clear(self, person_id: int, reason: str) -> ClearPerson:
        return self._write("person_in_clear", ClearPerson, person_id=person_id, reason=reason).value

    def save_person(self, person_id: int | None, data: PersonInput) -> Outcome[int]:
        return self._write("save_person", int, person_id=person_id, data=data)

    def search_buildings(self, text: str = "", grid_id: int | None = None) -> list[BuildingRow]:
        return self._read("search_buildings", list[BuildingRow], text=text, grid_id=grid_id)

    def building_houses(self, building_id: int) -> list[HouseRow]:
        return self._read("building_houses", list[HouseRow], building_id=building_id)

    def search_organisations(
        self, text: str = "", grid_id: int | None = None
    ) -> list[OrganisationRow]:
        return self._read("search_organisations", list[OrganisationRow], text=text, grid_id=grid_id)

    def import_basedata(
        self,
        kind: str,
        path: Path | str,
        progress: Callable[[float, str], None] | None = None,
    ) -> Outcome[BaseImportResult]:
        if progress is not None:
            progress(0.0, f"Sending {Path(path).name} to the server")
        outcome = self._write("import_basedata", BaseImportResult, kind=kind, file=_file(path))
        if progress is not None:
            progress(1.0, "Checked and written by the server")
        return outcome

    def export_basedata(
        self, kind: str, path: Path | str, clear: bool = False, reason: str = ""
    ) -> int:
        outcome = self._write("basedata_xlsx", ExportedFile, kind=kind, clear=clear, reason=reason)
        try:
            Path(path).write_bytes(outcome.value.data)
        except OSError as error:
            raise CommandCenterError(f"Cannot write {path}: {error.strerror or error}") from None
        return outcome.value.rows

    def record_export(self, what: str, rows: int) -> Outcome[int]:
        return self._write("record_export", int, what=what, rows=rows)

    def visits_due(self) -> list[VisitDue]:
        return self._read("visits_due", list[VisitDue])
