"""Residents: search, one person's record, edits, the deliberate view in clear, and the visits
special groups are due (特殊人群 are visited at set intervals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import CLEAR_PERSONAL_DATA_ROLES, Actor
from commandcenter.access.admin import (
    basedata_grid_ids,
    require_basedata_grid,
    require_top_administrator,
)
from commandcenter.access.oplog import OperationKind, record
from commandcenter.domain.codes import PHONE_NUMBER, validate_id_number
from commandcenter.domain.enums import HouseholdStatus, SpecialGroup
from commandcenter.domain.privacy import mask_id_number, mask_phone
from commandcenter.errors import CommandCenterError, PermissionDenied
from commandcenter.storage.models import Building, Grid, House, Person, Setting, Visit

MAX_HITS = 500
SEARCH_PASS = 2000  # a search with fewer matches is answered from its first pass (search_people)
PHONE = PHONE_NUMBER  # one rule for every phone typed or imported
VISIT_SETTING = "visit_intervals"
# How often a special group is visited, in days, unless the center sets its own.
DEFAULT_VISIT_DAYS: dict[SpecialGroup, int] = {
    SpecialGroup.COMMUNITY_CORRECTION: 7,
    SpecialGroup.KEY_PETITIONER: 7,
    SpecialGroup.ELDERLY_ALONE: 7,
    SpecialGroup.DRUG_USER: 15,
    SpecialGroup.MENTAL_DISORDER: 15,
    SpecialGroup.RELEASED_PRISONER: 30,
    SpecialGroup.AT_RISK_YOUTH: 30,
    SpecialGroup.LEFT_BEHIND: 30,
    SpecialGroup.DISABLED: 30,
}


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    id_number: str  # masked
    phone: str  # masked
    gender: str
    birth_date: dt.date
    household_status: HouseholdStatus
    grid_id: int
    grid_code: str
    grid_name: str
    building: str
    house: str
    house_id: int | None
    tags: tuple[SpecialGroup, ...]


@dataclass(frozen=True)
class PeopleHits:
    rows: tuple[PersonRow, ...]
    total: int  # all matches (the rows are the first MAX_HITS or the limit)


@dataclass(frozen=True)
class PersonInput:
    name: str
    grid_id: int
    household_status: HouseholdStatus
    id_number: str = ""  # "" on an edit: keep the stored one
    phone: str | None = None  # None on an edit: keep the stored one
    house_id: int | None = None
    tags: tuple[SpecialGroup, ...] = ()


@dataclass(frozen=True)
class ClearPerson:
    id_number: str
    phone: str


@dataclass(frozen=True)
class VisitDue:
    person_id: int
    name: str
    grid_id: int
    house_id: int | None
    address: str
    groups: tuple[SpecialGroup, ...]
    every_days: int
    last_visit: dt.datetime | None
    days_overdue: int  # 0: due today; never visited counts from the interval


def _tag_filter(tag: SpecialGroup):
    return cast(Person.tags, String).like(f'%"{SpecialGroup(tag).value}"%')


def search_people(
    session: Session,
    actor: Actor,
    text: str = "",
    *,
    grid_id: int | None = None,
    building_id: int | None = None,
    tag: SpecialGroup | None = None,
    limit: int = 200,
) -> PeopleHits:
    """The residents the actor sees whose name, address or full ID number matches ``text``,
    in a grid / building / special group when given. Masked. Ordered by grid code, name, id.

    So that a search of 100,000 residents stays well within 100 ms on either engine: a name or
    address (``LIKE '%…%'``, which no index can seek) is first looked for in one pass that stops
    at ``SEARCH_PASS`` matches, reading ``ix_people_grid_name_house`` alone on SQLite and the
    table once on PostgreSQL; when it found fewer, those are all the hits (their rows are
    fetched by id, in order). Only a broader search counts its matches, grid by grid, and sorts
    the matches of the first grids (by code) that hold the first ``limit``."""
    grids = basedata_grid_ids(session, actor)
    if isinstance(grids, Select):  # a jurisdiction's: their ids, so the plan sees how many
        grids = list(session.scalars(grids))
    where = [Person.grid_id.in_(grids)]
    if grid_id is not None:
        where.append(Person.grid_id == grid_id)
    if tag is not None:
        where.append(_tag_filter(tag))
    if building_id is not None:
        where.append(Person.house_id.in_(select(House.id).where(House.building_id == building_id)))
    text = text.strip()[:50]
    if text:
        if len(text) == 18 and not validate_id_number(text):
            where.append(Person.id_number == text.upper())
        else:
            pattern = f"%{text}%"
            buildings = select(Building.id).where(
                or_(Building.name.like(pattern), Building.address.like(pattern))
            )
            address = select(House.id).where(House.building_id.in_(buildings))
            where.append(or_(Person.name.like(pattern), Person.house_id.in_(address)))
    limit = max(1, min(limit, MAX_HITS))
    found = session.scalars(select(Person.id).where(*where).limit(SEARCH_PASS + 1)).all()
    if len(found) <= SEARCH_PASS:
        total = len(found)
    else:  # counted grid by grid; then only the first grids (by code) holding the first hits
        by_grid = dict(
            session.execute(
                select(Person.grid_id, func.count()).where(*where).group_by(Person.grid_id)
            ).all()
        )
        total, first, running = sum(by_grid.values()), [], 0
        for gid in session.scalars(
            select(Grid.id).where(Grid.id.in_(list(by_grid))).order_by(Grid.code)
        ):
            first.append(gid)
            running += by_grid[gid]
            if running >= limit:
                break
        found = session.scalars(
            select(Person.id)
            .join(Grid, Person.grid_id == Grid.id)
            .where(*where, Person.grid_id.in_(first))
            .order_by(Grid.code, Person.name, Person.id)
            .limit(limit)
        ).all()
    if not found:
        return PeopleHits((), total)
    rows = session.execute(
        select(Person, Grid.code, Grid.name, Building.name, House.number)
        .join(Grid, Person.grid_id == Grid.id)
        .outerjoin(House, Person.house_id == House.id)
        .outerjoin(Building, House.building_id == Building.id)
        .where(Person.id.in_(found))
        .order_by(Grid.code, Person.name, Person.id)
        .limit(limit)
    ).all()
    return PeopleHits(tuple(_row(*r) for r in rows), total)


def _row(p: Person, grid_code, grid_name, building, house) -> PersonRow:
    return PersonRow(
        p.id,
        p.name,
        mask_id_number(p.id_number),
        mask_phone(p.phone),
        p.gender,
        p.birth_date,
        p.household_status,
        p.grid_id,
        grid_code,
        grid_name,
        building or "",
        house or "",
        p.house_id,
        tuple(SpecialGroup(t) for t in p.tags or () if t in SpecialGroup._value2member_map_),
    )


def _person(session: Session, actor: Actor, person_id: int, *, edit: bool) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise CommandCenterError(f"No resident {person_id}.")
    require_basedata_grid(session, actor, person.grid_id, edit=edit)
    return person


def person_in_clear(
    session: Session, actor: Actor, person_id: int, reason: str, at: dt.datetime
) -> ClearPerson:
    """A resident's ID number and phone in clear: for the roles that may see personal data,
    with a reason, recorded in the operation log (who, whom, when, why)."""
    if actor.role not in CLEAR_PERSONAL_DATA_ROLES:
        raise PermissionDenied("Your role does not see personal data in clear.")
    reason = reason.strip()
    if len(reason) < 2:
        raise CommandCenterError("Say why you need to see it in clear.")
    person = _person(session, actor, person_id, edit=False)
    record(
        session,
        actor,
        at,
        OperationKind.CLEAR_VIEW,
        f"resident {person.id} {person.name}",
        "ID number and phone",
        reason,
    )
    return ClearPerson(person.id_number, person.phone or "")


def person_problems(data: PersonInput, today: dt.date) -> list[str]:
    problems = []
    if not data.name.strip() or len(data.name.strip()) > 50:
        problems.append("a name (at most 50 characters) is needed")
    if data.id_number:
        problems += [f"ID number: {p}" for p in validate_id_number(data.id_number, today=today)]
    if data.phone and not PHONE.match(data.phone):
        problems.append(f"phone {mask_phone(data.phone)} is not a mobile or landline number")
    return problems


def birth_and_gender(id_number: str) -> tuple[dt.date, str]:
    """From a valid ID number: the birth date and sex (odd 17th digit: male)."""
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return born, "M" if int(id_number[16]) % 2 else "F"


def save_person(
    session: Session, actor: Actor, person_id: int | None, data: PersonInput, at: dt.datetime
) -> int:
    """Add (``person_id`` None) or edit a resident of a grid the actor keeps."""
    require_basedata_grid(session, actor, data.grid_id, edit=True)
    person = None if person_id is None else _person(session, actor, person_id, edit=True)
    if person is None and not data.id_number:
        raise CommandCenterError("A new resident needs an ID number.")
    problems = person_problems(data, at.date())
    id_number = data.id_number.strip().upper()
    if id_number:
        other = session.scalar(select(Person.id).where(Person.id_number == id_number))
        if other is not None and other != person_id:
            problems.append("another resident has this ID number")
    if data.house_id is not None:
        grid_of_house = session.scalar(
            select(Building.grid_id)
            .join(House, House.building_id == Building.id)
            .where(House.id == data.house_id)
        )
        if grid_of_house != data.grid_id:
            problems.append("the house is not in that grid")
    if problems:
        raise CommandCenterError("; ".join(problems) + ". Nothing changed.")
    if person is None:
        person = Person()
        session.add(person)
    person.name = data.name.strip()
    person.grid_id = data.grid_id
    person.house_id = data.house_id
    person.household_status = HouseholdStatus(data.household_status)
    person.tags = [SpecialGroup(t).value for t in data.tags]
    if id_number:
        person.id_number = id_number
        person.birth_date, person.gender = birth_and_gender(id_number)
    if data.phone is not None:
        person.phone = data.phone.strip() or None
    session.flush()
    record(
        session,
        actor,
        at,
        OperationKind.BASE_DATA,
        f"resident {person.id} {person.name}",
        "added" if person_id is None else "edited",
    )
    return person.id


def visit_intervals(session: Session) -> dict[SpecialGroup, int]:
    """Days between visits for each special group: the center's setting over the defaults."""
    intervals = dict(DEFAULT_VISIT_DAYS)
    stored = session.get(Setting, VISIT_SETTING)
    if stored is not None and isinstance(stored.value, dict):
        for key, days in stored.value.items():
            if key in SpecialGroup._value2member_map_ and isinstance(days, int) and days > 0:
                intervals[SpecialGroup(key)] = days
    return intervals


def set_visit_intervals(
    session: Session, actor: Actor | None, days: dict[SpecialGroup, int], at: dt.datetime
) -> dict[SpecialGroup, int]:
    """The center's own intervals (days) for the groups given; the others keep theirs."""
    require_top_administrator(session, actor, "How often special groups are visited")
    if any(not 1 <= d <= 366 for d in days.values()):
        raise CommandCenterError("An interval is 1–366 days; nothing changed.")
    stored = session.get(Setting, VISIT_SETTING)
    value = dict(stored.value) if stored is not None and isinstance(stored.value, dict) else {}
    value.update({SpecialGroup(g).value: int(d) for g, d in days.items()})
    if stored is None:
        session.add(Setting(key=VISIT_SETTING, value=value))
    else:
        stored.value = value
    session.flush()
    record(session, actor, at, OperationKind.ADMIN, "visit intervals", str(value))
    return visit_intervals(session)


def visits_due(session: Session, actor: Actor, today: dt.date, limit: int = 200) -> list[VisitDue]:
    """The special-group residents of the actor's grids whose visit is due (the most overdue
    first): the last visit to them — or to their house — is older than their group's interval
    (the shortest of their groups')."""
    grids = basedata_grid_ids(session, actor)
    intervals = visit_intervals(session)
    people = session.execute(
        select(
            Person.id,
            Person.name,
            Person.grid_id,
            Person.house_id,
            Person.tags,
            Building.address,
            House.number,
        )
        .outerjoin(House, Person.house_id == House.id)
        .outerjoin(Building, House.building_id == Building.id)
        .where(Person.grid_id.in_(grids), cast(Person.tags, String) != "[]")
    ).all()
    if not people:
        return []
    ids = [p[0] for p in people]
    by_person = dict(
        session.execute(
            select(Visit.person_id, func.max(Visit.at))
            .where(Visit.person_id.in_(ids))
            .group_by(Visit.person_id)
        ).all()
    )
    house_ids = {p[3] for p in people if p[3] is not None}
    by_house = (
        dict(
            session.execute(
                select(Visit.house_id, func.max(Visit.at))
                .where(Visit.house_id.in_(house_ids))
                .group_by(Visit.house_id)
            ).all()
        )
        if house_ids
        else {}
    )
    due = []
    for person_id, name, grid_id, house_id, tags, address, number in people:
        groups = tuple(SpecialGroup(t) for t in tags or () if t in SpecialGroup._value2member_map_)
        groups = tuple(g for g in groups if g in intervals)
        if not groups:
            continue
        every = min(intervals[g] for g in groups)
        last = max(
            (v for v in (by_person.get(person_id), by_house.get(house_id)) if v is not None),
            default=None,
        )
        overdue = (today - last.date()).days - every if last else 0
        if last is None or overdue >= 0:
            place = f"{address} {number}" if address else ""
            due.append(
                VisitDue(person_id, name, grid_id, house_id, place, groups, every, last, overdue)
            )
    due.sort(key=lambda d: (d.last_visit is not None, -d.days_overdue, d.name))
    return due[:limit]
