"""Whole-database code checks behind ``commandcenter check-codes``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.domain.codes import (
    SizingRule,
    sizing_problem,
    validate_division_code,
    validate_gb28181_id,
    validate_grid_code,
    validate_id_number,
)
from commandcenter.geo.divisions import known_division_codes
from commandcenter.storage.models import AdminUnit, Camera, Grid, Person, Setting


@dataclass
class CheckSection:
    title: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    sections: list[CheckSection]
    divisions_known: bool

    @property
    def problem_count(self) -> int:
        return sum(len(s.problems) for s in self.sections)

    def render(self, limit: int = 30) -> str:
        lines = []
        if not self.divisions_known:
            lines.append(
                "Note: no division list imported, so codes were not checked against real units "
                "(commandcenter import-divisions PATH)."
            )
        for section in self.sections:
            lines.append(
                f"{section.title}: {section.checked} checked, {len(section.problems)} problem(s)"
            )
            lines += [f"  - {p}" for p in section.problems[:limit]]
            if len(section.problems) > limit:
                lines.append(f"  … and {len(section.problems) - limit} more")
        return "\n".join(lines)


def check_single_code(code: str) -> list[str]:
    """Check one code, its kind told by its length."""
    code = code.strip()
    validators = {
        12: ("a division code", validate_division_code),
        18: ("an ID number", validate_id_number),
        19: ("a grid code", validate_grid_code),
        20: ("a GB/T 28181 device ID", validate_gb28181_id),
    }
    if len(code) not in validators:
        return [
            f"a code of {len(code)} characters is none of: division code (12), ID number (18), "
            "grid code (19), GB/T 28181 device ID (20)"
        ]
    what, validator = validators[len(code)]
    problems = [str(p) for p in validator(code)]
    return [f"read as {what}: " + "; ".join(problems)] if problems else []


SIZING_SETTING = "grid_sizing"


def sizing_rule(session: Session) -> SizingRule:
    """The local grid-sizing rule (the standard says about 300–500 households; a local rule
    may say 500–1000), set by the top center's administrators (``admin.catalogue``)."""
    stored = session.get(Setting, SIZING_SETTING)
    if stored is None or not isinstance(stored.value, dict):
        return SizingRule()
    try:
        return SizingRule(**stored.value)
    except (TypeError, ValueError):
        return SizingRule()


def check_database(session: Session) -> CheckReport:
    known = known_division_codes(session)
    lookup = known or None
    grids = CheckSection("Grids (codes and sizing rule)")
    rule = sizing_rule(session)
    units = dict(session.execute(select(AdminUnit.id, AdminUnit.code)).all())
    for grid in session.scalars(select(Grid).order_by(Grid.code)):
        grids.checked += 1
        for problem in validate_grid_code(
            grid.code,
            community_code=units.get(grid.community_id),
            kind=grid.kind,
            known_divisions=lookup,
        ):
            grids.problems.append(f"{grid.code} {grid.name}: {problem}")
        size = sizing_problem(grid.kind, grid.households, grid.population, rule)
        if size:
            grids.problems.append(f"{grid.code} {grid.name}: {size}")

    division_section = CheckSection("Administrative units")
    for code in units.values():
        division_section.checked += 1
        for problem in validate_division_code(code, lookup):
            division_section.problems.append(f"{code}: {problem}")

    cameras = CheckSection("Cameras (GB/T 28181 IDs)")
    for device_id, name in session.execute(select(Camera.device_id, Camera.name)):
        cameras.checked += 1
        for problem in validate_gb28181_id(device_id):
            cameras.problems.append(f"{device_id} {name}: {problem}")

    people = CheckSection("People (ID numbers)")
    for person_id, id_number in session.execute(select(Person.id, Person.id_number)):
        people.checked += 1
        problems = validate_id_number(id_number)
        if problems:
            # The number and the birth date in it are personal data: name the record and
            # which parts are wrong, never the values.
            parts = ", ".join(p.part for p in problems)
            people.problems.append(f"person #{person_id}: ID number invalid ({parts})")
    return CheckReport([grids, division_section, cameras, people], divisions_known=bool(known))
