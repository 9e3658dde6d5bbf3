"""The people of each grid (GB/T 34300 §5): its grid managers (one or more), its leader (网格长),
the area's police officer (片警) and the building heads (楼栋长). Managers and the leader are
accounts of the grid's center or a center above it — never of another branch of the tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor, descendant_unit_ids
from commandcenter.access.admin import require_administrator, require_unit
from commandcenter.access.oplog import OperationKind, record
from commandcenter.domain.codes import PHONE_NUMBER
from commandcenter.domain.enums import Role
from commandcenter.domain.privacy import mask_phone
from commandcenter.errors import CommandCenterError
from commandcenter.storage.models import (
    AdminUnit,
    Building,
    Center,
    Grid,
    GridContact,
    User,
    grid_managers,
)

DUTIES = ("police", "building_head")  # 片警, 楼栋长


@dataclass(frozen=True)
class StaffRef:
    user_id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class ContactRow:
    duty: str  # one of DUTIES
    name: str
    phone: str  # masked
    building: str


@dataclass(frozen=True)
class ContactInput:
    duty: str
    name: str
    phone: str | None = ""  # None: keep the stored phone of this grid's contact (duty, name)
    building_id: int | None = None


@dataclass(frozen=True)
class GridPeople:
    grid_id: int
    grid_code: str
    grid_name: str
    community_name: str
    managers: tuple[StaffRef, ...]
    leader: StaffRef | None
    contacts: tuple[ContactRow, ...]


@dataclass(frozen=True)
class GridAssignment:
    manager_ids: tuple[int, ...]
    leader_id: int | None = None
    contacts: tuple[ContactInput, ...] = ()


def grid_people(session: Session, actor: Actor) -> list[GridPeople]:
    """Every grid of the jurisdiction with its people, by grid code."""
    require_administrator(actor)
    grids = session.execute(
        select(Grid.id, Grid.code, Grid.name, AdminUnit.name, Grid.leader_id)
        .join(AdminUnit, Grid.community_id == AdminUnit.id)
        .where(Grid.community_id.in_(actor.jurisdiction_unit_ids))
        .order_by(Grid.code)
    ).all()
    ids = [g[0] for g in grids]
    users = {
        u.id: StaffRef(u.id, u.username, u.display_name)
        for u in session.scalars(
            select(User).where(User.center_id.in_(actor.jurisdiction_center_ids))
        )
    }
    managers: dict[int, list[StaffRef]] = {}
    for grid_id, user_id in session.execute(
        select(grid_managers.c.grid_id, grid_managers.c.user_id).where(
            grid_managers.c.grid_id.in_(ids)
        )
    ):
        if user_id in users:
            managers.setdefault(grid_id, []).append(users[user_id])
    contacts: dict[int, list[ContactRow]] = {}
    for contact, building in session.execute(
        select(GridContact, Building.name)
        .outerjoin(Building, GridContact.building_id == Building.id)
        .where(GridContact.grid_id.in_(ids))
        .order_by(GridContact.duty, GridContact.id)
    ):
        contacts.setdefault(contact.grid_id, []).append(
            ContactRow(contact.duty, contact.name, mask_phone(contact.phone), building or "")
        )
    return [
        GridPeople(
            grid_id,
            code,
            name,
            community,
            tuple(sorted(managers.get(grid_id, ()), key=lambda s: s.username)),
            users.get(leader_id) if leader_id else None,
            tuple(contacts.get(grid_id, ())),
        )
        for grid_id, code, name, community, leader_id in grids
    ]


def assign_grid(
    session: Session, actor: Actor, grid_id: int, assignment: GridAssignment, at: dt.datetime
) -> None:
    """Set a grid's people (replacing who was there)."""
    require_administrator(actor)
    grid = session.get(Grid, grid_id)
    if grid is None:
        raise CommandCenterError(f"No grid {grid_id}.")
    require_unit(actor, grid.community_id)
    problems = []
    # the centers whose staff may work on this grid: the grid's community's and those above it
    allowed_units, unit = set(), session.get(AdminUnit, grid.community_id)
    while unit is not None:
        allowed_units.add(unit.id)
        unit = session.get(AdminUnit, unit.parent_id) if unit.parent_id else None

    def check(user_id: int, roles: tuple[Role, ...], what: str) -> None:
        user = session.get(User, user_id)
        if user is None:
            problems.append(f"no user {user_id}")
            return
        center_unit = session.scalar(select(Center.unit_id).where(Center.id == user.center_id))
        if user.role not in roles:
            problems.append(f"{user.display_name} ({user.username}) is not a {what}")
        elif center_unit not in allowed_units or grid.community_id not in descendant_unit_ids(
            session, center_unit
        ):
            problems.append(
                f"{user.display_name} ({user.username}) belongs to another center than grid "
                f"{grid.code}'s"
            )
        elif not user.active:
            problems.append(f"{user.display_name} ({user.username})'s account is disabled")

    manager_ids = tuple(dict.fromkeys(assignment.manager_ids))
    for user_id in manager_ids:
        check(user_id, (Role.GRID_MANAGER,), "grid manager")
    if assignment.leader_id is not None:
        check(assignment.leader_id, (Role.GRID_LEADER,), "grid leader")
    for contact in assignment.contacts:
        if contact.duty not in DUTIES:
            problems.append(f"{contact.duty!r} is not one of {', '.join(DUTIES)}")
        if not contact.name.strip() or len(contact.name.strip()) > 50:
            problems.append("a contact needs a name (at most 50 characters)")
        if contact.phone and not PHONE_NUMBER.match(contact.phone.strip()):
            problems.append(f"{contact.name}'s phone is not a mobile or landline number")
        if contact.building_id is not None:
            building_grid = session.scalar(
                select(Building.grid_id).where(Building.id == contact.building_id)
            )
            if building_grid != grid.id:
                problems.append(f"building {contact.building_id} is not in grid {grid.code}")
    if problems:
        raise CommandCenterError("; ".join(problems) + ". Nothing changed.")
    session.execute(delete(grid_managers).where(grid_managers.c.grid_id == grid.id))
    if manager_ids:
        session.execute(
            insert(grid_managers), [{"grid_id": grid.id, "user_id": u} for u in manager_ids]
        )
    grid.leader_id = assignment.leader_id
    stored_phones = {
        (c.duty, c.name): c.phone
        for c in session.scalars(select(GridContact).where(GridContact.grid_id == grid.id))
    }
    session.execute(delete(GridContact).where(GridContact.grid_id == grid.id))
    for contact in assignment.contacts:
        phone = (
            stored_phones.get((contact.duty, contact.name.strip()))
            if contact.phone is None
            else contact.phone.strip() or None
        )
        session.add(
            GridContact(
                grid_id=grid.id,
                duty=contact.duty,
                name=contact.name.strip(),
                phone=phone,
                building_id=contact.building_id,
            )
        )
    session.flush()
    record(
        session,
        actor,
        at,
        OperationKind.ADMIN,
        f"grid {grid.code}",
        f"managers {list(manager_ids)}, leader {assignment.leader_id}, "
        f"{len(assignment.contacts)} contact(s)",
    )
