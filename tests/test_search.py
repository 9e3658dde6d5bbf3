"""The map's search box: codes, names and addresses, only inside the actor's jurisdiction.

Most tests read the demo district (SQLite) and derive what they expect from its rows; the
``world`` tests build a tiny district by hand on SQLite and PostgreSQL, where every name is
known, for the ranking, the escaping of LIKE wildcards and the jurisdiction on both engines.
"""

import dataclasses
import datetime as dt
import re

import pytest
import shapely
from sqlalchemy import func, select

from commandcenter.access.accounts import demo_actor
from commandcenter.domain.enums import (
    OPEN_STATES,
    BuildingUse,
    CaseCategory,
    CaseSource,
    CaseState,
)
from commandcenter.jurisdiction.search import EXACT, INFIX, PREFIX, PlaceHit, search_places
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    AdminUnit,
    Building,
    Camera,
    Case,
    Center,
    Grid,
)

try:  # tests/ as a package or as a plain folder on sys.path
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

ALL = 100_000  # a limit that cuts nothing


def keys(hits: list[PlaceHit]) -> list[tuple[str, int]]:
    return [(h.kind, h.id) for h in hits]


def unit_of(session, hit: PlaceHit) -> int:
    """The community (or higher unit) a hit belongs to."""
    if hit.kind == "unit":
        return hit.id
    if hit.kind == "grid":
        return session.get(Grid, hit.id).community_id
    if hit.kind == "building":
        return session.get(Grid, session.get(Building, hit.id).grid_id).community_id
    center_id = session.get(Camera if hit.kind == "camera" else Case, hit.id).center_id
    return session.get(Center, center_id).unit_id


@pytest.fixture
def demo(demo_database):
    with demo_database.session() as session:
        yield session


@pytest.fixture
def duty(demo):
    return demo_actor(demo, "duty")  # the street: every community


@pytest.fixture
def leader(demo):
    return demo_actor(demo, "leader")  # one community


# --- the demo district --------------------------------------------------------------------


def test_empty_text_finds_nothing(demo, duty):
    for text in ("", "   ", "\t\n", "\u3000"):
        assert search_places(demo, duty, text) == []
    assert search_places(demo, duty, "社区", limit=0) == []


def test_hits_are_frozen(demo, duty):
    grid = demo.scalars(select(Grid).order_by(Grid.id)).first()
    hit = search_places(demo, duty, grid.code)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.title = "x"


def test_full_grid_code_finds_that_grid_first(demo, duty):
    grid = demo.scalars(select(Grid).order_by(Grid.code.desc())).first()
    community = demo.get(AdminUnit, grid.community_id)
    hit = search_places(demo, duty, grid.code)[0]
    assert (hit.kind, hit.id, hit.title, hit.score) == ("grid", grid.id, grid.name, EXACT)
    assert grid.code in hit.subtitle and community.name in hit.subtitle
    assert (hit.lon, hit.lat) == (grid.centroid_lon, grid.centroid_lat)
    assert hit.bbox == (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat)
    # typed with a Chinese input method's full-width digits, and with blanks around it
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in grid.code)
    assert keys(search_places(demo, duty, f"  {full_width} "))[0] == ("grid", grid.id)


def test_code_prefix_finds_every_grid_under_it(demo, duty):
    grid = demo.scalars(select(Grid).order_by(Grid.id)).first()
    for length in (17, 12, 3):
        prefix = grid.code[:length]
        expected = set(demo.scalars(select(Grid.id).where(Grid.code.startswith(prefix))))
        hits = search_places(demo, duty, prefix, limit=ALL)
        found = {h.id for h in hits if h.kind == "grid"}
        assert found == expected and grid.id in found
        assert all(h.score == PREFIX for h in hits if h.kind == "grid")


def test_digits_inside_a_code_need_four_of_them(demo, duty):
    grid = demo.scalars(select(Grid).order_by(Grid.id)).first()
    tail = grid.code[-6:]  # not at the start of any code
    assert ("grid", grid.id) in keys(search_places(demo, duty, tail, limit=ALL))
    short = grid.code[1:4]
    assert not demo.scalar(select(func.count()).where(Grid.code.startswith(short)))
    for hit in search_places(demo, duty, short, limit=ALL):
        if hit.kind == "grid":  # found by name only, never by the middle of its code
            assert short in hit.title or short in demo.get(AdminUnit, unit_of(demo, hit)).name


def test_unit_division_code_and_camera_device_id(demo, duty):
    unit = demo.get(AdminUnit, duty.unit_id)
    hit = search_places(demo, duty, unit.code)[0]
    assert (hit.kind, hit.id, hit.score) == ("unit", unit.id, EXACT)
    camera = demo.scalars(select(Camera).order_by(Camera.id)).first()
    hit = search_places(demo, duty, camera.device_id)[0]
    assert (hit.kind, hit.id, hit.score) == ("camera", camera.id, EXACT)


def test_grid_name(demo, duty):
    grid = demo.scalars(select(Grid).order_by(Grid.name)).first()
    hit = search_places(demo, duty, grid.name)[0]
    assert (hit.kind, hit.id, hit.score) == ("grid", grid.id, EXACT)


def test_community_name_finds_the_community_then_its_grids(demo, duty):
    community = demo.scalars(
        select(AdminUnit).where(AdminUnit.parent_id == duty.unit_id).order_by(AdminUnit.code)
    ).first()
    hits = search_places(demo, duty, community.name, limit=ALL)
    first = hits[0]
    assert (first.kind, first.id, first.score) == ("unit", community.id, EXACT)
    polygon = community.geometry
    assert polygon.contains(shapely.Point(first.lon, first.lat))  # a point inside, to fly to
    assert first.bbox == pytest.approx(polygon.bounds)
    grids = set(demo.scalars(select(Grid.id).where(Grid.community_id == community.id)))
    assert grids and grids <= {h.id for h in hits if h.kind == "grid"}


def test_unit_without_polygon_fits_everything_below_it(demo):
    admin = demo_actor(demo, "admin")  # the county: drawn only through what lies below it
    county = demo.get(AdminUnit, admin.unit_id)
    assert county.boundary_wkb is None
    hit = search_places(demo, admin, county.name)[0]
    assert (hit.kind, hit.id) == ("unit", county.id)
    min_lon, min_lat, max_lon, max_lat = hit.bbox
    for grid in demo.scalars(select(Grid)):
        assert min_lon <= grid.min_lon and max_lon >= grid.max_lon
        assert min_lat <= grid.min_lat and max_lat >= grid.max_lat
    below = shapely.union_all([u.geometry for u in demo.scalars(select(AdminUnit)) if u.geometry])
    outer = below.bounds
    assert outer[0] <= min_lon and outer[1] <= min_lat
    assert max_lon <= outer[2] and max_lat <= outer[3]
    assert min_lon < hit.lon < max_lon and min_lat < hit.lat < max_lat


def test_address_words_find_a_building(demo, duty):
    building = demo.scalars(select(Building).order_by(Building.id)).first()
    street = re.match(r"\D+", building.address).group()  # e.g. the road's name
    number = re.search(r"\d+", building.address).group()
    hits = search_places(demo, duty, street, limit=ALL)
    assert ("building", building.id) in keys(hits)
    both = search_places(demo, duty, f"{street} {number}", limit=ALL)
    assert ("building", building.id) in keys(both)
    hit = next(h for h in both if h.kind == "building" and h.id == building.id)
    assert (hit.title, hit.subtitle, hit.lon, hit.lat, hit.bbox) == (
        building.name,
        building.address,
        building.lon,
        building.lat,
        None,
    )
    assert hit.score == (PREFIX + INFIX) / 2  # the street starts the address, the number not


def test_every_word_must_match(demo, duty):
    building = demo.scalars(select(Building).order_by(Building.id.desc())).first()
    street = re.match(r"\D+", building.address).group()
    estate = re.match(r"\D+", building.name).group()  # the estate: its name without the number
    alone = [set(keys(search_places(demo, duty, w, limit=ALL))) for w in (street, estate)]
    both = keys(search_places(demo, duty, f"{street}  {estate}", limit=ALL))
    assert ("building", building.id) in both
    assert set(both) == alone[0] & alone[1]
    assert len(both) < min(len(alone[0]), len(alone[1]))


def test_camera_name(demo, duty):
    camera = demo.scalars(select(Camera).order_by(Camera.id)).first()
    same_name = set(demo.scalars(select(Camera.id).where(Camera.name == camera.name)))
    hits = search_places(demo, duty, camera.name, limit=ALL)
    exact = [h for h in hits if h.score == EXACT]
    assert {h.id for h in exact} == same_name and {h.kind for h in exact} == {"camera"}
    hit = next(h for h in exact if h.id == camera.id)
    assert camera.device_id in hit.subtitle and (hit.lon, hit.lat) == (camera.lon, camera.lat)


def test_open_cases_are_found_closed_ones_are_not(demo, duty):
    open_case = demo.scalars(
        select(Case).where(Case.state == CaseState.HANDLING).order_by(Case.id)
    ).first()
    hit = search_places(demo, duty, open_case.code)[0]
    assert (hit.kind, hit.id, hit.score) == ("case", open_case.id, EXACT)
    assert open_case.code in hit.subtitle and open_case.address in hit.subtitle
    assert ("case", open_case.id) in keys(search_places(demo, duty, open_case.title, limit=ALL))
    closed = demo.scalars(
        select(Case).where(Case.state == CaseState.CLOSED).order_by(Case.id)
    ).first()
    assert search_places(demo, duty, closed.code) == []
    assert ("case", closed.id) not in keys(search_places(demo, duty, closed.title, limit=ALL))


def test_like_wildcards_are_plain_characters(demo, duty):
    for column in (Grid.name, Building.name, Building.address, Camera.name, Case.title):
        assert not demo.scalar(select(func.count()).where(column.contains("%", autoescape=True)))
    grid = demo.scalars(select(Grid).order_by(Grid.id)).first()
    word = grid.name[:2]
    assert search_places(demo, duty, word)
    for text in ("%", "_", "%%", "\\", f"{word[0]}%{word[1]}", f"{word[0]}_", f"{word}\\%"):
        assert search_places(demo, duty, text) == [], text
    assert search_places(demo, duty, grid.code[:-1] + "_") == []


def test_ranking_exact_then_prefix_then_substring(demo, duty):
    # The demo's special grids carry their community's name only through the community: a
    # search for the community finds it exactly, its numbered grids by prefix, those by infix.
    communities = demo.scalars(
        select(AdminUnit).where(AdminUnit.parent_id == duty.unit_id).order_by(AdminUnit.code)
    ).all()
    checked = 0
    for community in communities:
        hits = search_places(demo, duty, community.name, limit=ALL)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        assert hits[0].score == EXACT and hits[0].kind == "unit"
        if INFIX in scores:
            assert scores.index(INFIX) > scores.index(PREFIX) > 0
            checked += 1
    assert checked


def test_order_is_score_then_kind_then_name(demo, duty):
    kind_order = ["unit", "grid", "building", "camera", "case"]
    for text in ("1", "社区", "路", "2026"):
        hits = search_places(demo, duty, text, limit=ALL)
        assert hits
        sort_key = [(-h.score, kind_order.index(h.kind), h.title, h.id) for h in hits]
        assert sort_key == sorted(sort_key)


def test_limit_cuts_the_full_ranking(demo, duty):
    for text in ("1", "社区", "路", "3212", "2026"):
        everything = search_places(demo, duty, text, limit=ALL)
        assert len(everything) > 25
        assert search_places(demo, duty, text) == everything[:20]  # the default limit
        for limit in (1, 5, 12):
            assert search_places(demo, duty, text, limit=limit) == everything[:limit]


def test_community_user_finds_nothing_of_another_community(demo, duty, leader):
    assert leader.jurisdiction_unit_ids == {leader.unit_id}
    texts = {"3212", "社区", "路", "2026", "1"}
    texts |= set(demo.scalars(select(AdminUnit.name)))
    texts |= set(demo.scalars(select(Camera.name)))
    texts |= {re.match(r"\D+", a).group() for a in demo.scalars(select(Building.address))}
    for text in sorted(texts):
        for hit in search_places(demo, leader, text, limit=ALL):
            assert unit_of(demo, hit) == leader.unit_id, (text, hit)
    # what the street finds in another community, the community's user does not
    grid = demo.scalars(
        select(Grid).where(Grid.community_id != leader.unit_id).order_by(Grid.id)
    ).first()
    camera = demo.scalars(
        select(Camera).where(Camera.center_id != leader.center_id).order_by(Camera.id)
    ).first()
    case = demo.scalars(
        select(Case)
        .where(Case.center_id != leader.center_id, Case.state.in_(OPEN_STATES))
        .order_by(Case.id)
    ).first()
    for text, key in (
        (grid.code, ("grid", grid.id)),
        (camera.device_id, ("camera", camera.id)),
        (case.code, ("case", case.id)),
        (demo.get(AdminUnit, grid.community_id).name, ("unit", grid.community_id)),
    ):
        assert key in keys(search_places(demo, duty, text))
        assert key not in keys(search_places(demo, leader, text, limit=ALL))
    assert search_places(demo, leader, grid.code) == []
    assert search_places(demo, leader, camera.device_id) == []


# --- a district built by hand, on SQLite and PostgreSQL -----------------------------------


@pytest.fixture
def world(db_url):
    database = open_database(db_url)
    with database.session() as s, s.begin():
        district = build_district(s)
        g1, g2 = (s.get(Grid, district.grids[k]) for k in ("G1", "G2"))
        c1, c2 = district.centers["c1"], district.centers["c2"]

        def building(grid, name, address):
            s.add(
                Building(
                    grid_id=grid.id,
                    name=name,
                    address=address,
                    use=BuildingUse.RESIDENTIAL,
                    lon=grid.centroid_lon,
                    lat=grid.centroid_lat,
                )
            )

        for name, address in (
            ("东安大厦", "东风路1号"),
            ("东安大厦二期", "东风路2号"),
            ("老东安大厦", "东风路3号"),
            ("100%纯净水站", "东风路5号"),
            ("A_B栋", "东风路7号"),
            ("东风路\\小卖部", "东风路9号"),
            ("ab大楼", "东风路11号"),
            ("Ab大楼", "东风路12号"),
            ("AB大楼", "东风路13号"),
        ):
            building(g1, name, address)
        building(g2, "春晖大厦", "春晖路1号")
        for number, (name, grid, center) in enumerate(
            (("东安大厦北门", g1, c1), ("春晖大厦南门", g2, c2)), start=1
        ):
            s.add(
                Camera(
                    device_id=f"3212020001131100{number:04d}",
                    name=name,
                    lon=grid.centroid_lon,
                    lat=grid.centroid_lat,
                    grid_id=grid.id,
                    center_id=center,
                    main_url=f"rtsp://camera-{number}/main",
                )
            )
        for code, title, state, grid, center in (
            ("202611260001", "东安大厦门前积水", CaseState.HANDLING, g1, c1),
            ("202611250001", "东安大厦垃圾清运", CaseState.CLOSED, g1, c1),
            ("202611260002", "春晖大厦门前积水", CaseState.FILED, g2, c2),
        ):
            s.add(
                Case(
                    code=code,
                    source=CaseSource.GRID_PATROL,
                    category=CaseCategory.ENVIRONMENT,
                    title=title,
                    address=None,
                    lon=None,  # no position of its own: the map flies to its grid
                    lat=None,
                    grid_id=grid.id,
                    center_id=center,
                    reported_at=dt.datetime(2026, 11, 25, 9, 0),
                    state=state,
                    version=1,
                )
            )
    yield database, district
    database.dispose()


def titles(hits: list[PlaceHit]) -> list[tuple[str, str, float]]:
    return [(h.kind, h.title, h.score) for h in hits]


def test_world_ranking_and_kinds(world):
    database, district = world
    with database.session() as s:
        duty = district.actor(s, "duty")
        assert titles(search_places(s, duty, "东安大厦")) == [
            ("building", "东安大厦", EXACT),
            ("building", "东安大厦二期", PREFIX),
            ("camera", "东安大厦北门", PREFIX),
            ("case", "东安大厦门前积水", PREFIX),  # its closed twin is left out
            ("building", "老东安大厦", INFIX),
        ]
        hits = search_places(s, duty, "东安")
        assert [h.kind for h in hits[:2]] == ["unit", "grid"]
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        case = next(h for h in hits if h.kind == "case")
        grid = s.get(Grid, district.grids["G1"])
        assert case.subtitle == "202611260001"
        assert (case.lon, case.lat) == (grid.centroid_lon, grid.centroid_lat)


def test_world_escapes_wildcards_and_ignores_case(world):
    database, district = world
    with database.session() as s:
        duty = district.actor(s, "duty")
        assert titles(search_places(s, duty, "%")) == [("building", "100%纯净水站", INFIX)]
        assert titles(search_places(s, duty, "_")) == [("building", "A_B栋", INFIX)]
        assert titles(search_places(s, duty, "a_b栋")) == [("building", "A_B栋", EXACT)]
        assert titles(search_places(s, duty, "\\")) == [("building", "东风路\\小卖部", INFIX)]
        for text in ("100%水", "东%", "ab_楼", "a\\_b"):  # as wildcards, each would find some
            assert search_places(s, duty, text) == [], text
        # ties in code-point order on both engines, also where the limit cuts them
        assert titles(search_places(s, duty, "AB大楼")) == [
            ("building", "AB大楼", EXACT),
            ("building", "Ab大楼", EXACT),
            ("building", "ab大楼", EXACT),
        ]
        assert titles(search_places(s, duty, "ab大楼", limit=1)) == [("building", "AB大楼", EXACT)]


def test_world_jurisdiction(world):
    database, district = world
    with database.session() as s:
        duty, leader1 = (district.actor(s, name) for name in ("duty", "leader1"))
        street_hits = search_places(s, duty, "春晖")
        assert {h.kind for h in street_hits} == {"unit", "grid", "building", "camera", "case"}
        assert search_places(s, leader1, "春晖") == []
        g2 = s.get(Grid, district.grids["G2"])
        assert search_places(s, leader1, g2.code) == []
        assert search_places(s, leader1, "32120200011311000002") == []  # c2's camera
        assert search_places(s, leader1, "202611260002") == []  # c2's case
        own = search_places(s, leader1, "东安", limit=ALL)
        assert own and all(unit_of(s, h) == leader1.unit_id for h in own)
