"""Units (行政区划) and their centers, created from the official division codes
(``geo.divisions`` imports them): a unit's name, level and parent come from its code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.admin import require_administrator
from commandcenter.access.oplog import OperationKind, record
from commandcenter.domain.codes import normalise_division_code, validate_division_code
from commandcenter.domain.enums import AdminLevel
from commandcenter.errors import ImportRejected
from commandcenter.storage.models import AdminUnit, Center, DivisionCode, Grid, User

CENTER_SUFFIX = "网格化服务管理中心"


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    level: AdminLevel
    parent_id: int | None
    center_id: int | None
    center_name: str
    grids: int
    users: int


def unit_rows(session: Session, actor: Actor) -> list[UnitRow]:
    """The units of the actor's jurisdiction, parents before children."""
    require_administrator(actor)
    ids = actor.jurisdiction_unit_ids
    grid_counts = dict(
        session.execute(
            select(Grid.community_id, func.count())
            .where(Grid.community_id.in_(ids))
            .group_by(Grid.community_id)
        ).all()
    )
    user_counts = dict(
        session.execute(
            select(Center.unit_id, func.count(User.id))
            .join(User, User.center_id == Center.id)
            .where(Center.unit_id.in_(ids))
            .group_by(Center.unit_id)
        ).all()
    )
    rows = session.execute(
        select(AdminUnit, Center.id, Center.name)
        .outerjoin(Center, Center.unit_id == AdminUnit.id)
        .where(AdminUnit.id.in_(ids))
        .order_by(AdminUnit.code)
    ).all()
    return [
        UnitRow(
            u.id,
            u.code,
            u.name,
            u.level,
            u.parent_id,
            center_id,
            center_name or "",
            grid_counts.get(u.id, 0),
            user_counts.get(u.id, 0),
        )
        for u, center_id, center_name in rows
    ]


def _descendant_codes(session: Session, codes: list[str]) -> list[str]:
    children: dict[str | None, list[str]] = {}
    for code, parent in session.execute(select(DivisionCode.code, DivisionCode.parent_code)):
        children.setdefault(parent, []).append(code)
    found, stack = [], list(codes)
    while stack:
        code = stack.pop()
        for child in children.get(code, ()):
            found.append(child)
            stack.append(child)
    return found


def add_units(
    session: Session,
    actor: Actor | None,
    codes: list[str],
    at: dt.datetime,
    *,
    with_children: bool = False,
) -> list[str]:
    """Set up the units of ``codes`` (with ``with_children``, every unit below them in the
    division list too), each with its center. All or nothing: ``ImportRejected`` lists every
    code that cannot be set up. ``actor`` None is the command line's first unit of an empty
    database (whoever holds the database URL); after that an administrator adds units under
    their jurisdiction. Returns the new units' codes."""
    if actor is not None:
        require_administrator(actor)
    problems: list[str] = []
    wanted: list[str] = []
    for raw in codes:
        code = normalise_division_code(raw.strip())
        shape = validate_division_code(code)
        if shape:
            problems.append(f"{raw}: " + "; ".join(map(str, shape)))
        else:
            wanted.append(code)
    if with_children:
        wanted += _descendant_codes(session, wanted)
    wanted = list(dict.fromkeys(wanted))
    divisions = {
        d.code: d
        for d in session.scalars(select(DivisionCode).where(DivisionCode.code.in_(wanted)))
    }
    existing = {
        u.code: u for u in session.scalars(select(AdminUnit).where(AdminUnit.code.in_(wanted)))
    }
    empty = session.scalar(select(func.count()).select_from(AdminUnit)) == 0
    if actor is None and not empty:
        problems.append(
            "the database holds units already: log in as an administrator to add more "
            "(the command line's --as ADMIN)"
        )
    ordered = sorted(
        (c for c in wanted if c in divisions), key=lambda c: (divisions[c].level.depth, c)
    )
    for code in wanted:
        if code not in divisions:
            problems.append(
                f"{code}: not in the division list; import the official codes first "
                "(commandcenter import-divisions FILE)"
            )
        elif code in existing:
            problems.append(f"{code} {divisions[code].name}: is set up already")
    # planned: code -> its parent's code (None: the root); nothing is written while planning
    planned: dict[str, str | None] = {}
    for code in ordered:
        if code in existing:
            continue
        division = divisions[code]
        parent_code = division.parent_code
        parent_id = None
        if parent_code and parent_code not in planned:
            parent_id = session.scalar(select(AdminUnit.id).where(AdminUnit.code == parent_code))
        known_parent = bool(parent_code) and (parent_code in planned or parent_id is not None)
        root = not planned and empty and code == ordered[0]
        if not known_parent and not root:
            problems.append(
                f"{code} {division.name}: its parent {parent_code or '(none)'} is not set up; "
                "a unit's code must be under a unit of the center's tree"
            )
            continue
        if parent_id is not None and actor is not None and not actor.governs_unit(parent_id):
            problems.append(f"{code} {division.name}: its parent is outside your jurisdiction")
            continue
        planned[code] = parent_code if known_parent else None
    if problems:
        raise ImportRejected(f"No unit set up: {len(problems)} problem(s).", problems)
    made: dict[str, AdminUnit] = {}
    for code, parent_code in planned.items():  # parents first: ``ordered`` is by level
        division = divisions[code]
        parent_id = None
        if parent_code is not None:
            parent = made.get(parent_code) or session.scalar(
                select(AdminUnit).where(AdminUnit.code == parent_code)
            )
            parent_id = parent.id
        unit = AdminUnit(code=code, name=division.name, level=division.level, parent_id=parent_id)
        session.add(unit)
        session.flush()
        made[code] = unit
        parent_center = (
            session.scalar(select(Center).where(Center.unit_id == parent_id)) if parent_id else None
        )
        session.add(
            Center(
                unit_id=unit.id,
                name=unit.name + CENTER_SUFFIX,
                parent_id=parent_center.id if parent_center else None,
            )
        )
    session.flush()
    added = [c for c in ordered if c in planned]
    record(
        session,
        actor,
        at,
        OperationKind.ADMIN,
        f"units {added[0]}" + (f" … ({len(added)})" if len(added) > 1 else ""),
        "set up " + ", ".join(f"{c} {made[c].name}" for c in added[:20]),
    )
    return added
