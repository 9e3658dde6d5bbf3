"""A tiny district built by hand for workflow tests: fast, and every id is known.

海陵区 county center ── 区城管局 (department)
  └─ 城东街道 street center ── 城东城管中队 (department)
       ├─ 东安社区 (grid G1, manager gm1, leader leader1, duty officer cduty1)
       └─ 春晖社区 (grid G2, manager gm2, leader leader2)
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from commandcenter.access.accounts import Actor, actor_for
from commandcenter.domain.enums import AdminLevel, DepartmentKind, GridKind, Role
from commandcenter.storage.models import (
    AdminUnit,
    Center,
    Department,
    Grid,
    User,
    grid_managers,
)

# (username, role, center key, department key)
STAFF = (
    ("duty", Role.DUTY_OFFICER, "street", None),
    ("dispatcher", Role.DISPATCHER, "street", None),
    ("supervisor", Role.SUPERVISOR, "county", None),
    ("county_dispatcher", Role.DISPATCHER, "county", None),
    ("handler", Role.DEPARTMENT_HANDLER, "street", "street_dept"),
    ("county_handler", Role.DEPARTMENT_HANDLER, "county", "county_dept"),
    ("leader1", Role.GRID_LEADER, "c1", None),
    ("cduty1", Role.DUTY_OFFICER, "c1", None),
    ("gm1", Role.GRID_MANAGER, "c1", None),
    ("leader2", Role.GRID_LEADER, "c2", None),
    ("cduty2", Role.DUTY_OFFICER, "c2", None),
    ("gm2", Role.GRID_MANAGER, "c2", None),
    ("admin", Role.ADMINISTRATOR, "county", None),
)


@dataclass
class District:
    centers: dict[str, int]
    departments: dict[str, int]
    grids: dict[str, int]
    users: dict[str, int]

    def actor(self, session, username: str) -> Actor:
        return actor_for(session, session.get(User, self.users[username]))


def build_district(session) -> District:
    def unit(code, name, level, parent, box=None):
        u = AdminUnit(code=code, name=name, level=level, parent_id=parent)
        if box is not None:
            u.set_geometry(shapely.box(*box))
        session.add(u)
        session.flush()
        return u

    county = unit("321202000000", "海陵区", AdminLevel.COUNTY, None)
    street = unit("321202001000", "城东街道", AdminLevel.TOWNSHIP, county.id)
    c1 = unit(
        "321202001001", "东安社区", AdminLevel.COMMUNITY, street.id, (119.90, 32.48, 119.91, 32.49)
    )
    c2 = unit(
        "321202001002", "春晖社区", AdminLevel.COMMUNITY, street.id, (119.91, 32.48, 119.92, 32.49)
    )
    centers = {}
    for key, u, parent in (
        ("county", county, None),
        ("street", street, "county"),
        ("c1", c1, "street"),
        ("c2", c2, "street"),
    ):
        center = Center(unit_id=u.id, name=f"{u.name}中心", parent_id=centers.get(parent))
        session.add(center)
        session.flush()
        centers[key] = center.id
    departments = {}
    for key, center, name in (
        ("street_dept", "street", "城东城管中队"),
        ("county_dept", "county", "区城管局"),
    ):
        d = Department(center_id=centers[center], name=name, kind=DepartmentKind.URBAN_MANAGEMENT)
        session.add(d)
        session.flush()
        departments[key] = d.id
    users = {}
    for username, role, center, department in STAFF:
        user = User(
            username=username,
            display_name=username,
            role=role,
            center_id=centers[center],
            department_id=departments.get(department),
        )
        session.add(user)
        session.flush()
        users[username] = user.id
    grids = {}
    for key, community, box, manager in (
        ("G1", c1, (119.90, 32.48, 119.905, 32.49), "gm1"),
        ("G2", c2, (119.91, 32.48, 119.915, 32.49), "gm2"),
    ):
        polygon = shapely.box(*box)
        grid = Grid(
            code=f"{community.code[:9]}00{community.code[9:]}00101",
            name=f"{community.name}第01网格",
            kind=GridKind.URBAN,
            community_id=community.id,
            households=400,
            population=1000,
            centroid_lon=polygon.centroid.x,
            centroid_lat=polygon.centroid.y,
        )
        grid.set_geometry(polygon)
        session.add(grid)
        session.flush()
        session.execute(grid_managers.insert().values(grid_id=grid.id, user_id=users[manager]))
        grids[key] = grid.id
    session.flush()
    return District(centers, departments, grids, users)
