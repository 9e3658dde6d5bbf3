"""The jurisdiction as the console shows it: units and grids with their boundaries and staff
(``static_tree``), and the open and overdue cases on each (``case_counts``), filtered by the
actor's jurisdiction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.cases.rows import CaseRow, open_cases
from commandcenter.domain.enums import (
    AdminLevel,
    GridKind,
)
from commandcenter.domain.privacy import mask_phone
from commandcenter.geo.rings import rings_of
from commandcenter.storage.models import (
    AdminUnit,
    Center,
    Grid,
    User,
    grid_managers,
)


@dataclass(frozen=True)
class GridSummary:
    id: int
    code: str
    name: str
    kind: GridKind
    community_id: int
    households: int
    population: int
    leader: str | None
    managers: tuple[str, ...]
    centroid: tuple[float, float]
    rings: tuple[tuple[tuple[float, float], ...], ...]  # exterior first, lon/lat
    open_cases: int = 0
    overdue_cases: int = 0
    # Work phones of the leader and of each manager (same order as ``managers``), masked
    # here in the core: the console never receives the full numbers.
    leader_phone: str = ""
    manager_phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitNode:
    id: int
    code: str
    name: str
    level: AdminLevel
    center_id: int | None
    rings: tuple[tuple[tuple[float, float], ...], ...]
    children: tuple[UnitNode, ...] = ()
    grids: tuple[GridSummary, ...] = ()
    open_cases: int = 0
    overdue_cases: int = 0

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


GridCounts = dict[int, tuple[int, int]]  # grid id -> (open cases, overdue cases)


def case_counts(rows: Iterable[CaseRow], now: dt.datetime) -> GridCounts:
    """Open and overdue cases per grid, of the board's rows (``DeadlineRule``'s overdue)."""
    open_by_grid: Counter = Counter()
    overdue_by_grid: Counter = Counter()
    for row in rows:
        if row.grid_id is not None and row.state.is_open:
            open_by_grid[row.grid_id] += 1
            if row.overdue_at(now):
                overdue_by_grid[row.grid_id] += 1
    return {g: (n, overdue_by_grid[g]) for g, n in open_by_grid.items()}


def with_case_counts(root: UnitNode, counts: GridCounts) -> UnitNode:
    """The tree with the counts on every grid and, summed, on every unit."""

    def build(node: UnitNode) -> UnitNode:
        kids = tuple(build(child) for child in node.children)
        grids = tuple(
            replace(
                g, open_cases=counts.get(g.id, (0, 0))[0], overdue_cases=counts.get(g.id, (0, 0))[1]
            )
            for g in node.grids
        )
        return replace(
            node,
            children=kids,
            grids=grids,
            open_cases=sum(k.open_cases for k in kids) + sum(g.open_cases for g in grids),
            overdue_cases=sum(k.overdue_cases for k in kids) + sum(g.overdue_cases for g in grids),
        )

    return build(root)


def grid_summaries(session: Session, actor: Actor) -> list[GridSummary]:
    """The grids of the jurisdiction with their boundaries and staff (no case counts)."""
    names, phones = {}, {}
    for user_id, name, phone in session.execute(select(User.id, User.display_name, User.phone)):
        names[user_id], phones[user_id] = name, mask_phone(phone)
    managers: dict[int, list[int]] = {}
    for grid_id, user_id in session.execute(
        select(grid_managers).order_by(grid_managers.c.user_id)
    ).all():
        managers.setdefault(grid_id, []).append(user_id)
    grids = session.scalars(
        select(Grid).where(Grid.community_id.in_(actor.jurisdiction_unit_ids)).order_by(Grid.code)
    ).all()
    return [
        GridSummary(
            id=g.id,
            code=g.code,
            name=g.name,
            kind=g.kind,
            community_id=g.community_id,
            households=g.households,
            population=g.population,
            leader=names.get(g.leader_id),
            managers=tuple(names[u] for u in managers.get(g.id, ())),
            centroid=(g.centroid_lon or 0.0, g.centroid_lat or 0.0),
            rings=rings_of(g.boundary_wkb),
            leader_phone=phones.get(g.leader_id, "") if g.leader_id else "",
            manager_phones=tuple(phones[u] for u in managers.get(g.id, ())),
        )
        for g in grids
    ]


def static_tree(session: Session, actor: Actor) -> UnitNode:
    """The actor's unit with every unit and grid below it: names, boundaries and staff, no
    case counts (the console adds its own from its rows; it loads this once, and again only
    when grids change)."""
    units = session.scalars(
        select(AdminUnit).where(AdminUnit.id.in_(actor.jurisdiction_unit_ids))
    ).all()
    center_of = dict(session.execute(select(Center.unit_id, Center.id)).all())
    grids_by_unit: dict[int, list[GridSummary]] = {}
    for grid in grid_summaries(session, actor):
        grids_by_unit.setdefault(grid.community_id, []).append(grid)
    children: dict[int | None, list[AdminUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def build(unit: AdminUnit) -> UnitNode:
        kids = tuple(build(u) for u in sorted(children.get(unit.id, ()), key=lambda u: u.code))
        grids = tuple(grids_by_unit.get(unit.id, ()))
        return UnitNode(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            level=unit.level,
            center_id=center_of.get(unit.id),
            rings=rings_of(unit.boundary_wkb),
            children=kids,
            grids=grids,
        )

    root = next(u for u in units if u.id == actor.unit_id)
    return build(root)


def jurisdiction_tree(session: Session, actor: Actor, now: dt.datetime) -> UnitNode:
    """The tree with every grid's and unit's open and overdue cases at ``now``."""
    return with_case_counts(
        static_tree(session, actor), case_counts(open_cases(session, actor, now), now)
    )
