"""The demo district: a living center on first start, generated deterministically from a seed.

One county (海陵区 code 321202) with one street office (城东街道, 321202001) of eight communities
around Taizhou's real centre; ~80 grids tiling the communities, households and people that fit the
sizing rule, staff for every role, ~30 cameras playing generated clips, and six months of cases.

Rows are written with bulk inserts and explicit ids: fast, and the same seed gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from sqlalchemy import insert, text

from commandcenter import clock
from commandcenter.access.accounts import hash_password
from commandcenter.config import data_dir
from commandcenter.demo import cases as demo_cases
from commandcenter.demo import names
from commandcenter.demo.accounts import DEMO_DISPLAYS, DEMO_PASSWORD, DEMO_SETTING, DEMO_STAFF
from commandcenter.demo.geometry import DemoGeography, generate_geography, random_point_in
from commandcenter.demo.names import person_name, phone_number
from commandcenter.domain.codes import make_grid_code, make_id_number
from commandcenter.domain.enums import (
    AdminLevel,
    BuildingUse,
    DepartmentKind,
    GridKind,
    HouseholdStatus,
    HouseUse,
    OrganisationKind,
    Role,
    SpecialGroup,
)
from commandcenter.schedule.timelimits import TimeLimits
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import Database
from commandcenter.storage.bulk import bulk_insert
from commandcenter.storage.models import (
    AdminUnit,
    Building,
    CalendarDay,
    Camera,
    Center,
    Department,
    Grid,
    House,
    Organisation,
    Person,
    Setting,
    TimeLimit,
    User,
    Visit,
    grid_managers,
)
from commandcenter.video.wall import TOURS_KEY, Tour

log = logging.getLogger(__name__)

DEFAULT_SEED = 2026
DEMO_CLOCK = dt.time(16, 0)
COUNTY_CODE = "321202000000"
STREET_CODE = "321202001000"
CAMERA_COUNT = 30
# Origins of floating residents: county codes elsewhere in Jiangsu and in Anhui.
FLOATING_REGIONS = ("320921", "321023", "341221", "341125", "320724", "321181")
Progress = Callable[[float, str], None]


@dataclass
class _Ids:
    """Explicit primary keys, handed out in order so the same seed gives the same rows."""

    counters: dict[str, int] = field(default_factory=dict)
    id_numbers: set[str] = field(default_factory=set)  # residents' ID numbers are unique

    def next(self, table: str) -> int:
        self.counters[table] = self.counters.get(table, 0) + 1
        return self.counters[table]


@dataclass
class DemoWorld:
    """What later steps of the generator need to know about what earlier steps made."""

    seed: int
    rng: random.Random
    ids: _Ids
    now: dt.datetime  # the story of every case stops here
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    limits: TimeLimits = field(default_factory=TimeLimits)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    county_center: int = 0
    street_center: int = 0
    community_centers: list[int] = field(default_factory=list)
    community_units: list[int] = field(default_factory=list)
    grids: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    cameras: list[dict] = field(default_factory=list)

    def users_with(self, role: Role, center: int | None = None) -> list[dict]:
        return [
            u
            for u in self.users
            if u["role"] == role and (center is None or u["center_id"] == center)
        ]


def generate_demo(
    database: Database,
    *,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    clips_dir: Path | None = None,
    progress: Progress | None = None,
) -> None:
    """Fill an empty, migrated database with the demo district.

    ``today`` fixes the day (for reproducible runs: the same seed and day give the same rows);
    by default the district's history runs up to the current Beijing time.
    """
    if not database.is_empty():
        raise ValueError("the database already holds a district; demo data goes into an empty one")
    report = progress or (lambda fraction, message: log.info("%3.0f%% %s", fraction * 100, message))
    # A given day is shown at 16:00, so it already has some intake; otherwise the demo is
    # generated up to this very minute.
    now = dt.datetime.combine(today, DEMO_CLOCK) if today else clock.now().replace(second=0)
    world = DemoWorld(seed, random.Random(seed), _Ids(), now)
    report(0.0, "drawing communities and grids")
    geography = generate_geography(seed)
    clips = Path(clips_dir) if clips_dir else data_dir() / "demo-clips"
    with database.engine.begin() as conn:
        _write_rules(conn, world)
        _write_units(conn, world, geography)
        report(0.1, "staff and departments")
        _write_staff(conn, world)
        report(0.2, "households and people")
        _write_base_data(conn, world)
        report(0.6, "cameras")
        _write_cameras(conn, world, clips)
        report(0.7, "six months of cases")
        demo_cases.write_cases(conn, world, database.keys().archive)
        report(0.85, "grid managers' visits")
        _write_visits(conn, world)
        conn.execute(
            insert(Setting),
            [{"key": DEMO_SETTING, "value": {"seed": seed, "today": world.today.isoformat()}}],
        )
        if conn.dialect.name == "postgresql":
            _advance_sequences(conn)
    report(1.0, "done")


# An illustrative holiday set for the demo's working calendar (import the official one for
# real use: commandcenter calendar import FILE). False: a weekday off; True: a weekend worked.
DEMO_CALENDAR = {
    dt.date(2026, 1, 1): False,
    dt.date(2026, 1, 2): False,
    dt.date(2026, 1, 4): True,
    **{dt.date(2026, 2, d): False for d in (16, 17, 18, 19, 20, 23)},
    dt.date(2026, 2, 14): True,
    dt.date(2026, 2, 28): True,
    dt.date(2026, 4, 6): False,
    dt.date(2026, 5, 1): False,
    dt.date(2026, 5, 4): False,
    dt.date(2026, 5, 5): False,
    dt.date(2026, 5, 9): True,
    dt.date(2026, 6, 19): False,
    dt.date(2026, 9, 25): False,
    **{dt.date(2026, 10, d): False for d in (1, 2, 5, 6, 7)},
    dt.date(2026, 9, 27): True,
    dt.date(2026, 10, 10): True,
}
# Urgent cases get less time than the seeded defaults (community 1, street 2, departments 3).
DEMO_LIMITS = {
    ("street", None, "urgent"): (1, 0),
    ("department", None, "urgent"): (2, 0),
    ("community", None, "critical"): (0, 4),
    ("street", None, "critical"): (0, 4),
    ("department", None, "critical"): (0, 8),
    ("department", "safety_hazard", None): (2, 0),
}


def _write_rules(conn, world: DemoWorld) -> None:
    conn.execute(
        insert(CalendarDay),
        [
            {"day": day, "working": working, "name": "调休上班" if working else "法定节假日"}
            for day, working in DEMO_CALENDAR.items()
        ],
    )
    conn.execute(
        insert(TimeLimit),
        [
            {"place": p, "category": c, "urgency": u, "days": d, "hours": h}
            for (p, c, u), (d, h) in DEMO_LIMITS.items()
        ],
    )
    rules = {
        (row.place, row.category, row.urgency): (row.days, row.hours)
        for row in conn.execute(TimeLimit.__table__.select())
    }
    world.calendar = WorkingCalendar(DEMO_CALENDAR)
    world.limits = TimeLimits(rules)


VISITS_PER_MONTH = (10, 26)  # most grid managers meet the 15-households rule; a few do not


def _write_visits(conn, world: DemoWorld) -> None:
    rng, visits = world.rng, []
    start = world.today - dt.timedelta(days=demo_cases.HISTORY_DAYS)
    for grid in world.grids:
        if not grid["house_ids"]:
            continue
        month = dt.date(start.year, start.month, 1)
        while month <= world.today:
            for _ in range(rng.randint(*VISITS_PER_MONTH)):
                day = month + dt.timedelta(days=rng.randrange(28))
                at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=rng.randrange(480))
                if start <= day and at <= world.now:
                    visits.append(
                        {
                            "id": world.ids.next("visits"),
                            "grid_id": grid["id"],
                            "user_id": grid["manager_id"],
                            "house_id": rng.choice(grid["house_ids"]),
                            "at": at,
                            "note": rng.choice(names.VISIT_NOTES),
                        }
                    )
            month = (month + dt.timedelta(days=32)).replace(day=1)
    conn.execute(insert(Visit), visits)


def _advance_sequences(conn) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows written."""
    for table in ("admin_units", "centers", "grids", "buildings", "houses", "people"):
        _setval(conn, table)
    for table in ("organisations", "departments", "users", "cameras", "cases", "case_events"):
        _setval(conn, table)
    for table in ("visits", "time_limits"):
        _setval(conn, table)


def _setval(conn, table: str) -> None:
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    )


def _geometry_columns(geometry) -> dict:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {
        "boundary_wkb": shapely.to_wkb(geometry),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
    }


def _write_units(conn, world: DemoWorld, geography: DemoGeography) -> None:
    ids = world.ids
    units, centers = [], []

    def add_unit(code, name, level, parent, geometry, center_name):
        unit_id, center_id = ids.next("admin_units"), ids.next("centers")
        units.append(
            {"id": unit_id, "code": code, "name": name, "level": level, "parent_id": parent}
            # Every row names the same columns: an executemany takes its columns from the
            # first row, and the county (no boundary) comes first.
            | (
                _geometry_columns(geometry)
                if geometry is not None
                else dict.fromkeys(("boundary_wkb", "min_lon", "min_lat", "max_lon", "max_lat"))
            )
        )
        parent_center = next((c["id"] for c in centers if c["unit_id"] == parent), None)
        centers.append(
            {
                "id": center_id,
                "unit_id": unit_id,
                "name": center_name,
                "parent_id": parent_center,
                "phone": f"0523-8{world.rng.randrange(10**6):06d}",
            }
        )
        return unit_id, center_id

    county, world.county_center = add_unit(
        COUNTY_CODE, "海陵区", AdminLevel.COUNTY, None, None, "海陵区网格化服务管理中心"
    )
    street, world.street_center = add_unit(
        STREET_CODE,
        "城东街道",
        AdminLevel.TOWNSHIP,
        county,
        geography.street,
        "城东街道网格化服务管理中心",
    )
    for index, polygon in enumerate(geography.communities):
        name = names.COMMUNITY_NAMES[index % len(names.COMMUNITY_NAMES)]
        code = STREET_CODE[:9] + f"{index + 1:03d}"
        unit, center = add_unit(
            code, name, AdminLevel.COMMUNITY, street, polygon, f"{name}网格化服务管理站"
        )
        world.community_units.append(unit)
        world.community_centers.append(center)
    conn.execute(insert(AdminUnit), units)
    conn.execute(insert(Center), centers)

    dedicated_seen: dict[str, int] = {}
    rows = []
    for demo_grid in geography.grids:
        community = demo_grid.community_index
        community_code = units[2 + community]["code"]
        community_name = units[2 + community]["name"]
        kind = GridKind(demo_grid.kind)
        if kind == GridKind.DEDICATED:
            choices = names.DEDICATED_NAMES[demo_grid.label]
            n = dedicated_seen.get(demo_grid.label, 0)
            dedicated_seen[demo_grid.label] = n + 1
            name = f"{choices[n % len(choices)]}专属网格"
            households = world.rng.randint(0, 30) if demo_grid.label != "school" else 0
            population = households * 2 + world.rng.randint(40, 300)
        else:
            name = f"{community_name}第{demo_grid.number:02d}网格"
            households = world.rng.randint(320, 480)
            population = round(households * world.rng.uniform(2.2, 2.7))
        centroid = demo_grid.polygon.representative_point()
        grid = {
            "id": ids.next("grids"),
            "code": make_grid_code(community_code, demo_grid.number, kind),
            "name": name,
            "kind": kind,
            "community_id": world.community_units[community],
            "households": households,
            "population": population,
            "leader_id": None,
            "centroid_lon": round(centroid.x, 7),
            "centroid_lat": round(centroid.y, 7),
        } | _geometry_columns(demo_grid.polygon)
        rows.append(grid)
        world.grids.append(
            grid | {"polygon": demo_grid.polygon, "community_index": community, "label": None}
        )
    # Two grids drawn too large, as real districts have: check-codes should flag them.
    for grid in world.rng.sample([g for g in rows if g["kind"] == GridKind.URBAN], 2):
        grid["households"] = world.rng.randint(560, 640)
        grid["population"] = round(grid["households"] * 2.6)
    for grid, row in zip(world.grids, rows, strict=True):
        grid.update(households=row["households"], population=row["population"])
    conn.execute(insert(Grid), rows)


def _write_staff(conn, world: DemoWorld) -> None:
    rng, ids = world.rng, world.ids
    departments = []
    for name, kind in names.STREET_DEPARTMENTS:
        departments.append((world.street_center, name, kind))
    for name, kind in names.COUNTY_DEPARTMENTS:
        departments.append((world.county_center, name, kind))
    for center, name, kind in departments:
        world.departments.append(
            {
                "id": ids.next("departments"),
                "center_id": center,
                "name": name,
                "kind": DepartmentKind(kind),
                "phone": f"0523-8{rng.randrange(10**6):06d}",
            }
        )
    conn.execute(insert(Department), world.departments)

    def add_user(username, role, center, display=None, department=None, password=False, phone=True):
        user = {
            "id": ids.next("users"),
            "username": username,
            "display_name": display or person_name(rng),
            "role": role,
            "center_id": center,
            "department_id": department,
            "phone": phone_number(rng) if phone else None,
            "password_hash": _demo_password_hash(world.seed, username) if password else None,
            "active": True,
        }
        world.users.append(user)
        return user

    urban_dept = next(d for d in world.departments if d["kind"] == DepartmentKind.URBAN_MANAGEMENT)
    where = {
        "county": (world.county_center, None),
        "street": (world.street_center, None),
        "urban_management": (world.street_center, urban_dept["id"]),
        "community": (world.community_centers[0], None),
        "grid": (world.community_centers[0], None),
    }
    demo_users = {}
    for username, role, place, display in DEMO_STAFF:
        center, department = where[place]
        demo_users[place] = add_user(username, role, center, display, department, password=True)

    for n in range(2):
        add_user(f"duty{n + 2}", Role.DUTY_OFFICER, world.street_center)
        add_user(f"county-duty{n + 1}", Role.DUTY_OFFICER, world.county_center)
    add_user("county-dispatcher", Role.DISPATCHER, world.county_center)
    add_user("street-supervisor", Role.SUPERVISOR, world.street_center)
    for department in world.departments:
        for n in range(2):
            add_user(
                f"dept{department['id']:02d}-{n + 1}",
                Role.DEPARTMENT_HANDLER,
                department["center_id"],
                department=department["id"],
            )
    leaders = [demo_users["community"]]
    for index, center in enumerate(world.community_centers):
        if index > 0:
            leaders.append(add_user(f"leader{index + 1}", Role.GRID_LEADER, center))
        add_user(f"duty-c{index + 1}", Role.DUTY_OFFICER, center)

    links = []
    for n, grid in enumerate(world.grids):
        community = grid["community_index"]
        if n == 0:
            manager = demo_users["grid"]
        else:
            manager = add_user(
                f"gm{grid['code'][11:17]}", Role.GRID_MANAGER, world.community_centers[community]
            )
        grid["manager_id"] = manager["id"]
        grid["leader_id"] = leaders[community]["id"]
        links.append({"grid_id": grid["id"], "user_id": manager["id"]})
    for username, role, place, display in DEMO_DISPLAYS:  # a screen: no phone
        add_user(username, role, where[place][0], display, password=True, phone=False)
    conn.execute(insert(User), world.users)
    conn.execute(insert(grid_managers), links)
    for grid in world.grids:
        conn.execute(
            Grid.__table__.update().where(Grid.id == grid["id"]).values(leader_id=grid["leader_id"])
        )


def _demo_password_hash(seed: int, username: str) -> str:
    # A salt derived from seed and name keeps the demo reproducible row for row.
    salt = hashlib.sha256(f"demo:{seed}:{username}".encode()).digest()[:16]
    return hash_password(DEMO_PASSWORD, salt=salt)


def _write_base_data(conn, world: DemoWorld) -> None:
    rng, ids = world.rng, world.ids
    buildings, houses, people, organisations = [], [], [], []
    born_limit = world.today - dt.timedelta(days=365 * 2)
    for grid in world.grids:
        estate = rng.choice(names.ESTATE_NAMES)
        road = rng.choice(names.ROAD_NAMES)
        grid["estate"], grid["road"] = estate, road
        households_left, population_left = grid["households"], grid["population"]
        grid["house_ids"] = []
        building_no = 0
        while households_left > 0:
            building_no += 1
            point = random_point_in(grid["polygon"], rng)
            floors = rng.choice((6, 6, 7, 11, 18, 26))
            building = {
                "id": ids.next("buildings"),
                "grid_id": grid["id"],
                "name": f"{estate}{building_no}号楼",
                "address": f"{road}{rng.randint(1, 300)}号{estate}{building_no}幢",
                "use": BuildingUse.RESIDENTIAL if rng.random() > 0.1 else BuildingUse.MIXED,
                "floors": floors,
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
            }
            buildings.append(building)
            for _ in range(min(households_left, floors * 2 * rng.randint(1, 2))):
                households_left -= 1
                house_use = rng.choices(
                    (HouseUse.OWNER_OCCUPIED, HouseUse.RENTAL, HouseUse.VACANT), (75, 20, 5)
                )[0]
                house = {
                    "id": ids.next("houses"),
                    "building_id": building["id"],
                    "number": f"{rng.randint(1, 3)}-{rng.randint(1, floors)}0{rng.randint(1, 4)}",
                    "use": house_use,
                    "area_m2": round(rng.uniform(45, 140), 1),
                }
                houses.append(house)
                grid.setdefault("house_ids", []).append(house["id"])
                if house_use == HouseUse.VACANT:
                    continue
                size = max(1, min(population_left, rng.choice((1, 2, 2, 3, 3, 3, 4, 5))))
                population_left -= size
                floating = house_use == HouseUse.RENTAL and rng.random() < 0.7
                for _ in range(size):
                    people.append(_person(rng, ids, grid["id"], house["id"], floating, born_limit))
        # Dedicated grids with no households still have people working there.
        for _ in range(max(0, population_left) if grid["households"] == 0 else 0):
            people.append(_person(rng, ids, grid["id"], None, rng.random() < 0.3, born_limit))
        for _ in range(rng.randint(2, 6)):
            organisations.append(_organisation(rng, ids, grid, road))
    bulk_insert(conn, Building, buildings)
    bulk_insert(conn, House, houses)
    bulk_insert(conn, Person, people)
    bulk_insert(conn, Organisation, organisations)


def _person(rng, ids, grid_id, house_id, floating, born_limit) -> dict:
    born = born_limit - dt.timedelta(days=rng.randint(0, 365 * 85))
    region = rng.choice(FLOATING_REGIONS) if floating else "321202"
    sequence = rng.randrange(1000)
    id_number = make_id_number(region, born, sequence)
    while id_number in ids.id_numbers:  # another sequence of the same sex, no draw of the rng
        sequence = (sequence + 2) % 1000
        id_number = make_id_number(region, born, sequence)
    ids.id_numbers.add(id_number)
    age = (born_limit - born).days / 365 + 2
    tags = []
    if rng.random() < 0.012:
        tags.append(
            rng.choice(
                (
                    SpecialGroup.COMMUNITY_CORRECTION,
                    SpecialGroup.RELEASED_PRISONER,
                    SpecialGroup.MENTAL_DISORDER,
                    SpecialGroup.KEY_PETITIONER,
                    SpecialGroup.AT_RISK_YOUTH,
                    SpecialGroup.DRUG_USER,
                )
            ).value
        )
    if age > 70 and rng.random() < 0.15:
        tags.append(SpecialGroup.ELDERLY_ALONE.value)
    if rng.random() < 0.02:
        tags.append(SpecialGroup.DISABLED.value)
    return {
        "id": ids.next("people"),
        "grid_id": grid_id,
        "house_id": house_id,
        "name": person_name(rng),
        "id_number": id_number,
        "phone": phone_number(rng) if age > 14 else None,
        "gender": "M" if int(id_number[16]) % 2 else "F",
        "birth_date": born,
        "household_status": HouseholdStatus.FLOATING if floating else HouseholdStatus.REGISTERED,
        "tags": tags,
    }


def _organisation(rng, ids, grid, road) -> dict:
    kind = rng.choices(
        (OrganisationKind.NON_PUBLIC, OrganisationKind.ENTERPRISE, OrganisationKind.SOCIAL),
        (60, 25, 15),
    )[0]
    if kind == OrganisationKind.SOCIAL:
        name = grid["name"].split("第")[0] + rng.choice(names.SOCIAL_ORGS)
    elif kind == OrganisationKind.ENTERPRISE:
        name = "泰州" + rng.choice(names.ESTATE_NAMES)[:2] + rng.choice(names.ENTERPRISE_WORDS)
    else:
        name = person_name(rng)[:1] + "记" + rng.choice(names.SHOP_WORDS)
    return {
        "id": ids.next("organisations"),
        "grid_id": grid["id"],
        "name": name,
        "kind": kind,
        "credit_code": "91321202MA" + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(8)),
        "address": f"{road}{rng.randint(1, 300)}号",
        "contact": person_name(rng),
        "phone": phone_number(rng),
    }


def _write_cameras(conn, world: DemoWorld, clips: Path) -> None:
    rng, ids = world.rng, world.ids
    ordinary = [g for g in world.grids if g["kind"] != GridKind.DEDICATED]
    dedicated = [g for g in world.grids if g["kind"] == GridKind.DEDICATED]
    placed = dedicated + rng.sample(ordinary, CAMERA_COUNT - len(dedicated))
    # Key sites (重点部位): the dedicated grids' gates and the next six (schools, markets …).
    key_sites = len(dedicated) + 6
    for serial, grid in enumerate(placed, start=1):
        point = random_point_in(grid["polygon"], rng)
        place = rng.choice(names.CAMERA_PLACES).format(
            road=grid["road"],
            road2=rng.choice(names.ROAD_NAMES),
            estate=grid["estate"],
        )
        if grid["kind"] == GridKind.DEDICATED:
            place = grid["name"].removesuffix("专属网格") + "大门"
        device_id = (
            f"32120200{rng.choice(('00', '01', '02'))}{rng.choice(('131', '132'))}1{serial:06d}"
        )
        clip = _ensure_clip(clips, device_id, rng.randrange(10**6))
        world.cameras.append(
            {
                "id": ids.next("cameras"),
                "device_id": device_id,
                "name": place,
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
                "grid_id": grid["id"],
                "center_id": world.community_centers[grid["community_index"]],
                "main_url": clip.as_uri(),
                "sub_url": clip.as_uri(),
                "transport": "tcp",
                "enabled": True,
                "key_site": serial <= key_sites,
            }
        )
    conn.execute(insert(Camera), world.cameras)
    # Two tours (轮巡) for the wall: the key sites, and all.
    key_places = [c["id"] for c in world.cameras if c["key_site"]]
    tours = [
        Tour("重点部位轮巡", tuple(key_places), 15),
        Tour("全部摄像机轮巡", tuple(c["id"] for c in world.cameras), 10),
    ]
    conn.execute(insert(Setting), [{"key": TOURS_KEY, "value": [t.as_json() for t in tours]}])


def _ensure_clip(clips: Path, device_id: str, seed: int) -> Path:
    """The clip a demo camera plays, written once; its content depends only on the seed."""
    from commandcenter.demo.clips import write_clip

    for existing in sorted(clips.glob(f"{device_id}.*")):
        return existing
    clips.mkdir(parents=True, exist_ok=True)
    return write_clip(clips / f"{device_id}.mp4", seed=seed, title=device_id)
