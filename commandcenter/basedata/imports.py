"""Base data from XLSX/CSV: houses (with their buildings), residents, organisations.

Every import reads the whole file, checks every row, and writes nothing unless every row is
right: the report names each row and problem. A resident whose ID number is already stored is
updated (moved, new phone, groups), so a grid's monthly list can be imported again. Rows name
their grid by its code and a house by its building's name and number, as officers write them.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.admin import BASEDATA_EDITORS, basedata_grid_ids
from commandcenter.access.oplog import OperationKind, record
from commandcenter.basedata.people import PHONE, birth_and_gender
from commandcenter.domain.codes import validate_credit_code, validate_id_number
from commandcenter.domain.enums import (
    BuildingUse,
    HouseholdStatus,
    HouseUse,
    OrganisationKind,
    SpecialGroup,
)
from commandcenter.domain.file_words import parse_word
from commandcenter.domain.privacy import mask_id_number
from commandcenter.errors import ImportRejected, PermissionDenied
from commandcenter.storage.bulk import bulk_insert
from commandcenter.storage.models import Building, Grid, House, Organisation, Person
from commandcenter.tabular import Column, Table, TableError, read_table

Progress = Callable[[float, str], None]

HOUSE_COLUMNS = (
    Column("grid", ("网格编码", "grid", "网格"), required=True),
    Column("building", ("楼栋", "building", "楼栋名称"), required=True),
    Column("address", ("地址", "address"), required=True),
    Column("building_use", ("楼栋用途", "building_use")),
    Column("floors", ("层数", "floors")),
    Column("lon", ("经度", "lon", "longitude"), required=True),
    Column("lat", ("纬度", "lat", "latitude"), required=True),
    Column("number", ("房号", "house", "number"), required=True),
    Column("house_use", ("房屋用途", "house_use")),
    Column("area", ("面积", "area", "面积（平方米）")),
)
PEOPLE_COLUMNS = (
    Column("name", ("姓名", "name"), required=True),
    Column("id_number", ("身份证号", "id_number", "公民身份号码"), required=True),
    Column("phone", ("电话", "phone", "联系电话")),
    Column("grid", ("网格编码", "grid", "网格"), required=True),
    Column("building", ("楼栋", "building")),
    Column("house", ("房号", "house")),
    Column("household_status", ("户籍类型", "household_status", "人口类型")),
    Column("groups", ("特殊人群", "groups", "tags", "人群类别")),
)
ORGANISATION_COLUMNS = (
    Column("name", ("名称", "name", "单位名称"), required=True),
    Column("kind", ("类型", "kind", "组织类型"), required=True),
    Column("credit_code", ("统一社会信用代码", "credit_code", "信用代码")),
    Column("grid", ("网格编码", "grid", "网格"), required=True),
    Column("address", ("地址", "address")),
    Column("contact", ("联系人", "contact")),
    Column("phone", ("电话", "phone", "联系电话")),
)
MAX_PROBLEMS = 2000  # the report names the first ones; the count says how many more


@dataclass(frozen=True)
class BaseImportResult:
    rows: int
    created: int
    updated: int


class _Report:
    def __init__(self, table: Table):
        self.table, self.problems, self.count = table, [], 0

    def add(self, line: int, problem: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{self.table.name} row {line}: {problem}")

    def raise_if_any(self) -> None:
        if self.count:
            more = self.count - len(self.problems)
            problems = self.problems + ([f"… and {more} more"] if more > 0 else [])
            raise ImportRejected(
                f"{self.table.name}: {self.count} problem(s); nothing imported.", problems
            )


def _table(path: Path | str, columns) -> Table:
    try:
        table = read_table(path, columns)
    except TableError as exc:
        raise ImportRejected(f"{Path(path).name} {exc}; nothing imported.", [str(exc)]) from None
    if not table.rows:
        raise ImportRejected(f"{table.name}: no rows below the header; nothing imported.", [])
    return table


def _editable_grids(session: Session, actor: Actor) -> dict[str, int]:
    """Grid code -> id of the grids whose base data the actor keeps."""
    if actor.role not in BASEDATA_EDITORS:
        raise PermissionDenied("Your role does not import base data.")
    ids = basedata_grid_ids(session, actor)
    return dict(session.execute(select(Grid.code, Grid.id).where(Grid.id.in_(ids))).all())


def _grid(row, grids: dict[str, int], report: _Report) -> int | None:
    code = row.get("grid")
    grid_id = grids.get(code)
    if grid_id is None:
        report.add(row.line, f"grid {code or '(empty)'} is not one of your grids")
    return grid_id


def _number(text: str, what: str, line: int, report: _Report, low: float, high: float):
    try:
        value = float(text)
    except ValueError:
        report.add(line, f"{what} {text!r} is not a number")
        return None
    if not low <= value <= high:
        report.add(line, f"{what} {value} is outside {low}–{high}")
        return None
    return value


def _progress(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(fraction, text)


def import_houses(
    session: Session,
    actor: Actor,
    path: Path | str,
    at: dt.datetime,
    progress: Progress | None = None,
) -> BaseImportResult:
    """Houses (``HOUSE_COLUMNS``), one per row; a building is made once per grid and name. A
    stored house (same grid, building and number) is updated — its use (出租, 空置 …) and area,
    and its building's address, use, floors and position — so a grid's list can come again."""
    grids = _editable_grids(session, actor)
    table = _table(path, HOUSE_COLUMNS)
    report = _Report(table)
    _progress(progress, 0.1, "checking")
    buildings = {
        (b.grid_id, b.name): b.id
        for b in session.scalars(select(Building).where(Building.grid_id.in_(grids.values())))
    }
    houses = {
        (b, n): h
        for h, b, n in session.execute(
            select(House.id, House.building_id, House.number).where(
                House.building_id.in_(buildings.values())
            )
        )
    }
    new_buildings: dict[tuple[int, str], dict] = {}
    changed_buildings: dict[int, dict] = {}
    changed_houses: list[dict] = []
    new_houses: list[tuple[tuple[int, str], dict]] = []
    seen: dict[tuple, int] = {}
    for row in table.rows:
        grid_id = _grid(row, grids, report)
        building_use, house_use = BuildingUse.RESIDENTIAL, HouseUse.OWNER_OCCUPIED
        try:
            if row.get("building_use"):
                building_use = parse_word(BuildingUse, row.get("building_use"))
            if row.get("house_use"):
                house_use = parse_word(HouseUse, row.get("house_use"))
        except ValueError as exc:
            report.add(row.line, str(exc))
        lon = _number(row.get("lon"), "longitude", row.line, report, 73.0, 136.0)
        lat = _number(row.get("lat"), "latitude", row.line, report, 3.0, 54.0)
        floors = 1
        if row.get("floors"):
            floors = int(_number(row.get("floors"), "floors", row.line, report, 1, 200) or 1)
        area = None
        if row.get("area"):
            area = _number(row.get("area"), "area", row.line, report, 1, 100_000)
        name, number = row.get("building"), row.get("number")
        if len(name) > 100 or len(row.get("address")) > 200 or len(number) > 20:
            report.add(row.line, "a name, address or number is too long")
        key = (grid_id, name, number)
        if key in seen:
            report.add(row.line, f"house {name} {number} is also on row {seen[key]}")
            continue
        seen[key] = row.line
        if grid_id is None or lon is None or lat is None:
            continue
        building_key = (grid_id, name)
        building_values = {
            "address": row.get("address"),
            "use": building_use,
            "floors": floors,
            "lon": lon,
            "lat": lat,
        }
        house_values = {"use": house_use, "area_m2": area}
        stored_building = buildings.get(building_key)
        if stored_building is not None:
            changed_buildings.setdefault(
                stored_building, {"b_id": stored_building, **building_values}
            )
            stored_house = houses.get((stored_building, number))
            if stored_house is not None:
                changed_houses.append({"h_id": stored_house, **house_values})
                continue
        elif building_key not in new_buildings:
            new_buildings[building_key] = {"grid_id": grid_id, "name": name, **building_values}
        new_houses.append((building_key, {"number": number, **house_values}))
    report.raise_if_any()
    _progress(progress, 0.6, "writing")
    for key, values in new_buildings.items():
        building = Building(**values)
        session.add(building)
        session.flush()
        buildings[key] = building.id
    rows = [{"building_id": buildings[key], **values} for key, values in new_houses]
    connection = session.connection()
    bulk_insert(connection, House, rows)
    if changed_buildings:
        table_b = Building.__table__
        connection.execute(
            update(table_b).where(table_b.c.id == bindparam("b_id")),
            list(changed_buildings.values()),
        )
    if changed_houses:
        table_h = House.__table__
        connection.execute(update(table_h).where(table_h.c.id == bindparam("h_id")), changed_houses)
    record(
        session,
        actor,
        at,
        OperationKind.IMPORT,
        f"houses {table.name}",
        f"{len(new_buildings)} new buildings, {len(rows)} new houses, "
        f"{len(changed_houses)} updated",
    )
    _progress(progress, 1.0, "done")
    return BaseImportResult(len(table.rows), len(rows), len(changed_houses))


_GROUP_SEPARATORS = re.compile(r"[\s,;，；、/]+")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _plainly_valid(number: str, today: dt.date) -> bool:
    """True for an ID number ``validate_id_number`` finds no problem with; False: ask it for
    the problems. The same checks without ``strptime`` and generators: a file's 100,000 rows
    in a fraction of the time."""
    if len(number) != 18 or not _ID_SHAPE.fullmatch(number) or not "11" <= number[:2] <= "91":
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > today:
        return False
    total = sum(map(operator.mul, map(int, number[:17]), _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


class _Words:
    """``parse_word`` for one enumeration, each distinct word of a file parsed once."""

    def __init__(self, cls):
        self.cls, self.known = cls, {}

    def __call__(self, text: str) -> tuple:
        """(the member, None), or (None, the ValueError's message) when the word names none."""
        try:
            return self.known[text]
        except KeyError:
            pass
        try:
            found = (parse_word(self.cls, text), None)
        except ValueError as exc:
            found = (None, str(exc))
        self.known[text] = found
        return found


def _groups(text: str, line: int, report: _Report, words: _Words | None = None) -> list[str]:
    if not text:
        return []
    words = words or _Words(SpecialGroup)
    groups = []
    for word in _GROUP_SEPARATORS.split(text):
        if not word:
            continue
        found, problem = words(word)
        if problem is None:
            groups.append(found.value)
        else:
            report.add(line, f"special group: {problem}")
    return groups


def import_people(
    session: Session,
    actor: Actor,
    path: Path | str,
    at: dt.datetime,
    progress: Progress | None = None,
) -> BaseImportResult:
    """Residents (``PEOPLE_COLUMNS``): a new ID number is a new resident, a stored one (in the
    actor's grids) is updated; an ID number stored in someone else's grid is refused."""
    grids = _editable_grids(session, actor)
    _progress(progress, 0.02, "reading")
    table = _table(path, PEOPLE_COLUMNS)
    report = _Report(table)
    _progress(progress, 0.2, "checking")
    houses: dict[tuple[int, str, str], int] = {
        (g, b, n): h
        for h, g, b, n in session.execute(
            select(House.id, Building.grid_id, Building.name, House.number)
            .join(Building, House.building_id == Building.id)
            .where(Building.grid_id.in_(grids.values()))
        )
    }
    own_grids = set(grids.values())
    stored = {
        number: (person_id, grid_id)
        for number, person_id, grid_id in session.execute(
            select(Person.id_number, Person.id, Person.grid_id)
        )
    }
    today = at.date()
    seen: dict[str, int] = {}
    new_rows: list[dict] = []
    updates: list[dict] = []
    statuses, group_words = _Words(HouseholdStatus), _Words(SpecialGroup)
    total = len(table.rows)
    for index, row in enumerate(table.rows):
        if index % 20000 == 0 and index:
            _progress(progress, 0.2 + 0.5 * index / total, f"checking row {index:,}")
        line, cells = row.line, row.values
        if "__extra__" in cells:
            report.add(line, "more cells than headers")
        name = cells.get("name", "")
        if not name or len(name) > 50:
            report.add(line, "a name (at most 50 characters) is needed")
        number = cells.get("id_number", "").upper()
        id_problems = (
            [] if _plainly_valid(number, today) else validate_id_number(number, today=today)
        )
        if id_problems:
            shown = mask_id_number(number) if len(number) == 18 else repr(number)
            report.add(line, f"ID number {shown}: " + "; ".join(map(str, id_problems)))
        elif number in seen:
            report.add(line, f"ID number {mask_id_number(number)} is also on row {seen[number]}")
        seen.setdefault(number, line)
        phone = cells.get("phone", "")
        if phone:
            phone = phone.replace(" ", "")
            if not PHONE.match(phone):
                report.add(line, "phone is not a mobile or landline number")
        grid_id = _grid(row, grids, report)
        status = HouseholdStatus.REGISTERED
        if cells.get("household_status"):
            found, problem = statuses(cells["household_status"])
            if problem is None:
                status = found
            else:
                report.add(line, f"household: {problem}")
        groups = _groups(cells.get("groups", ""), line, report, group_words)
        house_id = None
        building, house = cells.get("building", ""), cells.get("house", "")
        if (building or house) and grid_id is not None:
            house_id = houses.get((grid_id, building, house))
            if house_id is None:
                report.add(
                    line,
                    f"no house {building} {house} in grid {row.get('grid')}; import the houses first",
                )
        previous = stored.get(number)
        if previous is not None and previous[1] not in own_grids:
            report.add(line, f"ID number {mask_id_number(number)} is a resident of another grid")
        if report.count or id_problems or grid_id is None:
            continue
        values = {
            "grid_id": grid_id,
            "house_id": house_id,
            "name": name,
            "phone": phone or None,
            "household_status": status,
            "tags": groups,
        }
        if previous is None:
            born, gender = birth_and_gender(number)
            new_rows.append({**values, "id_number": number, "gender": gender, "birth_date": born})
        else:
            updates.append({**values, "person_id": previous[0]})
    report.raise_if_any()
    _progress(progress, 0.7, f"writing {len(new_rows):,} new, {len(updates):,} updated")
    connection = session.connection()
    bulk_insert(connection, Person, new_rows)
    if updates:
        connection.execute(
            update(Person.__table__).where(Person.__table__.c.id == bindparam("person_id")),
            updates,
        )
    record(
        session,
        actor,
        at,
        OperationKind.IMPORT,
        f"residents {table.name}",
        f"{len(new_rows)} new, {len(updates)} updated",
    )
    _progress(progress, 1.0, "done")
    return BaseImportResult(total, len(new_rows), len(updates))


def import_organisations(
    session: Session,
    actor: Actor,
    path: Path | str,
    at: dt.datetime,
    progress: Progress | None = None,
) -> BaseImportResult:
    """Organisations (``ORGANISATION_COLUMNS``); one with a stored credit code is updated."""
    grids = _editable_grids(session, actor)
    table = _table(path, ORGANISATION_COLUMNS)
    report = _Report(table)
    stored = {
        code: (org_id, grid_id)
        for code, org_id, grid_id in session.execute(
            select(Organisation.credit_code, Organisation.id, Organisation.grid_id).where(
                Organisation.credit_code.is_not(None)
            )
        )
    }
    own = set(grids.values())
    seen: dict[str, int] = {}
    new_rows, updates = [], []
    for row in table.rows:
        name = row.get("name")
        if not name or len(name) > 120:
            report.add(row.line, "a name (at most 120 characters) is needed")
        try:
            kind = parse_word(OrganisationKind, row.get("kind"))
        except ValueError as exc:
            report.add(row.line, f"kind: {exc}")
            kind = None
        code = row.get("credit_code").upper()
        if code:
            for problem in validate_credit_code(code):
                report.add(row.line, f"credit code {code}: {problem}")
            if code in seen:
                report.add(row.line, f"credit code {code} is also on row {seen[code]}")
            seen.setdefault(code, row.line)
            if code in stored and stored[code][1] not in own:
                report.add(row.line, f"credit code {code} is an organisation of another grid")
        phone = row.get("phone").replace(" ", "")
        if phone and not PHONE.match(phone):
            report.add(row.line, "phone is not a mobile or landline number")
        grid_id = _grid(row, grids, report)
        if report.count or grid_id is None or kind is None:
            continue
        values = {
            "grid_id": grid_id,
            "name": name,
            "kind": kind,
            "credit_code": code or None,
            "address": row.get("address") or None,
            "contact": row.get("contact") or None,
            "phone": phone or None,
        }
        if code and code in stored:
            updates.append({**values, "org_id": stored[code][0]})
        else:
            new_rows.append(values)
    report.raise_if_any()
    connection = session.connection()
    bulk_insert(connection, Organisation, new_rows)
    if updates:
        connection.execute(
            update(Organisation.__table__).where(
                Organisation.__table__.c.id == bindparam("org_id")
            ),
            updates,
        )
    record(
        session,
        actor,
        at,
        OperationKind.IMPORT,
        f"organisations {table.name}",
        f"{len(new_rows)} new, {len(updates)} updated",
    )
    return BaseImportResult(len(table.rows), len(new_rows), len(updates))
