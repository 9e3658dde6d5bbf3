"""The administration and base-data calls of ``LocalBackend`` (a mixin: the same session,
actor and clock handling as the rest of the backend)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from commandcenter.access import oplog
from commandcenter.access.accounts import actor_for
from commandcenter.admin import catalogue, departments, grid_people, staff, units
from commandcenter.basedata import export, imports, people, places
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import SpecialGroup
from commandcenter.domain.local_rules import LocalRules, VisitInterval
from commandcenter.errors import CommandCenterError
from commandcenter.jurisdiction.checks import sizing_rule
from commandcenter.storage.models import User

ADMIN = Changes(admin=True)
BASEDATA_IMPORTS = {
    "people": imports.import_people,
    "houses": imports.import_houses,
    "organisations": imports.import_organisations,
}


def _local_rules(session) -> LocalRules:
    intervals = people.visit_intervals(session)
    return LocalRules(
        sizing_rule(session),
        tuple(VisitInterval(group, intervals[group]) for group in SpecialGroup),
    )


class AdministrationCalls:
    """Units, departments, staff, grids' people, the list of matters, the operation log;
    residents, houses and organisations. Needs ``_read``, ``_write``, ``actor``, ``clock``."""

    def _admin_write(self, operation, doing: str, value=lambda v: v) -> Outcome:
        now = self.clock.now()

        def run(session):
            result = operation(session, now)
            return Outcome(value(result), ADMIN)

        outcome = self._write(run, doing)
        self._refresh_actor()
        return outcome

    def _refresh_actor(self) -> None:
        """New units or a changed account change the actor's own jurisdiction: read it again."""
        self.actor = self._read(
            lambda s: actor_for(s, s.get(User, self.actor.user_id)), "reading your account"
        )

    # --- units, departments --------------------------------------------------------------------

    def units(self) -> list[units.UnitRow]:
        return self._read(lambda s: units.unit_rows(s, self.actor), "loading the units")

    def add_units(self, codes: tuple[str, ...], with_children: bool = False) -> Outcome[list[str]]:
        return self._admin_write(
            lambda s, now: units.add_units(
                s, self.actor, list(codes), now, with_children=with_children
            ),
            "setting up units",
        )

    def departments(self) -> list[departments.DepartmentRow]:
        return self._read(
            lambda s: departments.department_rows(s, self.actor), "loading the departments"
        )

    def save_department(
        self, department_id: int | None, data: departments.DepartmentInput
    ) -> Outcome[int]:
        return self._admin_write(
            lambda s, now: departments.save_department(s, self.actor, department_id, data, now),
            "saving a department",
        )

    # --- staff ---------------------------------------------------------------------------------

    def staff(self, text: str = "") -> list[staff.StaffRow]:
        return self._read(lambda s: staff.staff_rows(s, self.actor, text), "loading the staff")

    def create_user(self, data: staff.StaffInput, password: str) -> Outcome[int]:
        return self._admin_write(
            lambda s, now: staff.create_user(s, self.actor, data, password, now),
            "creating an account",
        )

    def update_user(self, user_id: int, data: staff.StaffInput) -> Outcome[int]:
        def operation(s, now):
            staff.update_user(s, self.actor, user_id, data, now)
            return user_id

        return self._admin_write(operation, "changing an account")

    def set_user_active(self, user_id: int, active: bool) -> Outcome[int]:
        def operation(s, now):
            staff.set_active(s, self.actor, user_id, active, now)
            return user_id

        return self._admin_write(operation, "enabling or disabling an account")

    def reset_user_password(self, user_id: int, password: str) -> Outcome[int]:
        def operation(s, now):
            staff.reset_password(s, self.actor, user_id, password, now)
            return user_id

        return self._admin_write(operation, "resetting a password")

    def import_staff(self, path: Path | str) -> Outcome[staff.StaffImportResult]:
        return self._admin_write(
            lambda s, now: staff.import_staff(s, self.actor, path, now), "importing staff"
        )

    # --- grids' people, the list of matters, the log -------------------------------------------

    def grid_people(self) -> list[grid_people.GridPeople]:
        return self._read(
            lambda s: grid_people.grid_people(s, self.actor), "loading the grids' people"
        )

    def assign_grid(self, grid_id: int, assignment: grid_people.GridAssignment) -> Outcome[int]:
        now = self.clock.now()

        def operation(session):
            grid_people.assign_grid(session, self.actor, grid_id, assignment, now)
            return Outcome(grid_id, Changes(grids=frozenset({grid_id})))

        return self._write(operation, "assigning a grid's people")

    def case_types(self) -> list[catalogue.CaseTypeRow]:
        return self._read(lambda s: catalogue.case_types(s), "loading the list of matters")

    def save_case_type(self, data: catalogue.CaseTypeInput) -> Outcome[str]:
        def operation(s, now):
            catalogue.save_case_type(s, self.actor, data, now)
            return data.code

        return self._admin_write(operation, "saving a matter")

    def import_case_types(self, path: Path | str) -> Outcome[int]:
        return self._admin_write(
            lambda s, now: catalogue.import_case_types(s, self.actor, path, now),
            "importing the list of matters",
        )

    def local_rules(self) -> LocalRules:
        return self._read(_local_rules, "loading the local rules")

    def set_local_rules(self, rules: LocalRules) -> Outcome[LocalRules]:
        def operation(s, now):
            catalogue.set_sizing_rule(s, self.actor, rules.sizing, now)
            days = {v.group: v.days for v in rules.visits}
            people.set_visit_intervals(s, self.actor, days, now)
            return _local_rules(s)

        return self._admin_write(operation, "setting the local rules")

    def operation_log(
        self, text: str = "", action: str | None = None, limit: int = 500
    ) -> list[oplog.LogLine]:
        kind = oplog.OperationKind(action) if action else None
        return self._read(
            lambda s: oplog.search_log(s, self.actor, text, kind, limit=limit),
            "searching the operation log",
        )

    # --- base data -----------------------------------------------------------------------------

    def search_people(
        self,
        text: str = "",
        grid_id: int | None = None,
        building_id: int | None = None,
        tag: SpecialGroup | None = None,
        limit: int = 200,
    ) -> people.PeopleHits:
        return self._read(
            lambda s: people.search_people(
                s, self.actor, text, grid_id=grid_id, building_id=building_id, tag=tag, limit=limit
            ),
            "searching residents",
        )

    def person_in_clear(self, person_id: int, reason: str) -> people.ClearPerson:
        now = self.clock.now()
        return self._write(
            lambda s: Outcome(people.person_in_clear(s, self.actor, person_id, reason, now)),
            "showing personal data",
        ).value

    def save_person(self, person_id: int | None, data: people.PersonInput) -> Outcome[int]:
        now = self.clock.now()
        return self._write(
            lambda s: Outcome(people.save_person(s, self.actor, person_id, data, now)),
            "saving a resident",
        )

    def search_buildings(
        self, text: str = "", grid_id: int | None = None
    ) -> list[places.BuildingRow]:
        return self._read(
            lambda s: places.search_buildings(s, self.actor, text, grid_id), "searching buildings"
        )

    def building_houses(self, building_id: int) -> list[places.HouseRow]:
        return self._read(
            lambda s: places.building_houses(s, self.actor, building_id), "loading the houses"
        )

    def search_organisations(
        self, text: str = "", grid_id: int | None = None
    ) -> list[places.OrganisationRow]:
        return self._read(
            lambda s: places.search_organisations(s, self.actor, text, grid_id),
            "searching organisations",
        )

    def import_basedata(
        self,
        kind: str,
        path: Path | str,
        progress: Callable[[float, str], None] | None = None,
    ) -> Outcome[imports.BaseImportResult]:
        run = BASEDATA_IMPORTS.get(kind)
        if run is None:
            raise CommandCenterError(f"{kind!r} is not one of {', '.join(BASEDATA_IMPORTS)}.")
        now = self.clock.now()
        return self._write(
            lambda s: Outcome(run(s, self.actor, path, now, progress)), f"importing {kind}"
        )

    def export_basedata(
        self, kind: str, path: Path | str, clear: bool = False, reason: str = ""
    ) -> int:
        now = self.clock.now()
        return self._write(
            lambda s: Outcome(
                export.export_basedata_xlsx(
                    s, self.actor, path, kind, now, clear=clear, reason=reason
                )
            ),
            f"exporting {kind}",
        ).value

    def visits_due(self) -> list[people.VisitDue]:
        today = self.clock.now().date()
        return self._read(lambda s: people.visits_due(s, self.actor, today), "loading visits due")
