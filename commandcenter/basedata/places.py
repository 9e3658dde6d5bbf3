"""Buildings with their houses, and organisations: browsed and searched by grid and name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.admin import basedata_grid_ids
from commandcenter.domain.enums import BuildingUse, HouseUse, OrganisationKind
from commandcenter.domain.privacy import mask_phone
from commandcenter.storage.models import Building, Grid, House, Organisation, Person

MAX_HITS = 500


@dataclass(frozen=True)
class BuildingRow:
    id: int
    name: str
    address: str
    use: BuildingUse
    grid_id: int
    grid_code: str
    houses: int
    rented: int  # 出租房
    vacant: int
    residents: int


@dataclass(frozen=True)
class HouseRow:
    id: int
    number: str
    use: HouseUse
    area_m2: float | None
    residents: int


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    kind: OrganisationKind
    credit_code: str
    grid_code: str
    address: str
    contact: str
    phone: str  # masked


def search_buildings(
    session: Session, actor: Actor, text: str = "", grid_id: int | None = None, limit: int = 200
) -> list[BuildingRow]:
    grids = basedata_grid_ids(session, actor)
    where = [Building.grid_id.in_(grids)]
    if grid_id is not None:
        where.append(Building.grid_id == grid_id)
    text = text.strip()[:50]
    if text:
        pattern = f"%{text}%"
        where.append(or_(Building.name.like(pattern), Building.address.like(pattern)))
    buildings = session.execute(
        select(Building, Grid.code)
        .join(Grid, Building.grid_id == Grid.id)
        .where(*where)
        .order_by(Grid.code, Building.name)
        .limit(max(1, min(limit, MAX_HITS)))
    ).all()
    ids = [b.id for b, _ in buildings]
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        for building_id, use, n in session.execute(
            select(House.building_id, House.use, func.count())
            .where(House.building_id.in_(ids))
            .group_by(House.building_id, House.use)
        ):
            counts[building_id][use.value] = n
        residents = dict(
            session.execute(
                select(House.building_id, func.count(Person.id))
                .join(Person, Person.house_id == House.id)
                .where(House.building_id.in_(ids))
                .group_by(House.building_id)
            ).all()
        )
    else:
        residents = {}
    return [
        BuildingRow(
            b.id,
            b.name,
            b.address,
            b.use,
            b.grid_id,
            code,
            sum(counts[b.id].values()),
            counts[b.id].get(HouseUse.RENTAL.value, 0),
            counts[b.id].get(HouseUse.VACANT.value, 0),
            residents.get(b.id, 0),
        )
        for b, code in buildings
    ]


def building_houses(session: Session, actor: Actor, building_id: int) -> list[HouseRow]:
    grids = basedata_grid_ids(session, actor)
    rows = session.execute(
        select(House, func.count(Person.id))
        .join(Building, House.building_id == Building.id)
        .outerjoin(Person, Person.house_id == House.id)
        .where(House.building_id == building_id, Building.grid_id.in_(grids))
        .group_by(House.id)
        .order_by(House.number)
    ).all()
    return [HouseRow(h.id, h.number, h.use, h.area_m2, n) for h, n in rows]


def search_organisations(
    session: Session, actor: Actor, text: str = "", grid_id: int | None = None, limit: int = 200
) -> list[OrganisationRow]:
    grids = basedata_grid_ids(session, actor)
    where = [Organisation.grid_id.in_(grids)]
    if grid_id is not None:
        where.append(Organisation.grid_id == grid_id)
    text = text.strip()[:50]
    if text:
        pattern = f"%{text}%"
        where.append(
            or_(
                Organisation.name.like(pattern),
                Organisation.address.like(pattern),
                Organisation.credit_code == text.upper(),
            )
        )
    rows = session.execute(
        select(Organisation, Grid.code)
        .join(Grid, Organisation.grid_id == Grid.id)
        .where(*where)
        .order_by(Grid.code, Organisation.name)
        .limit(max(1, min(limit, MAX_HITS)))
    ).all()
    return [
        OrganisationRow(
            o.id,
            o.name,
            o.kind,
            o.credit_code or "",
            code,
            o.address or "",
            o.contact or "",
            mask_phone(o.phone),
        )
        for o, code in rows
    ]
