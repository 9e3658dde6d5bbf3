"""The center's server as a real process on loopback, on a real PostgreSQL (a copy of the demo
district), reached by HTTP clients as a console and a phone reach it: log-in, sessions, every
call refused outside the caller's jurisdiction, bad input, pushed changes and reconnecting.

The consoles' own screens on a server are tested in ``test_ui_server_consoles.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from commandcenter.access.accounts import set_password
from commandcenter.admin.catalogue import CaseTypeInput
from commandcenter.admin.departments import DepartmentInput
from commandcenter.admin.grid_people import GridAssignment
from commandcenter.admin.staff import StaffInput
from commandcenter.backend.remote import RemoteBackend, RemoteCenter
from commandcenter.backend.wire import encode
from commandcenter.basedata.people import PersonInput
from commandcenter.cameras.registry import CameraInput
from commandcenter.cases.operations import FileData, NewCase
from commandcenter.cases.visits import NewVisit
from commandcenter.demo.accounts import DEMO_PASSWORD
from commandcenter.domain.codes import SizingRule, make_id_number
from commandcenter.domain.enums import (
    AttachmentKind,
    CaseCategory,
    CaseSource,
    DepartmentKind,
    HouseholdStatus,
    Role,
    SpecialGroup,
)
from commandcenter.domain.local_rules import LocalRules, VisitInterval
from commandcenter.errors import (
    AccountLocked,
    AuthenticationFailed,
    PasswordChangeRequired,
    PasswordRejected,
    SessionEnded,
)
from commandcenter.figures.period import Period
from commandcenter.patrols import PhonePosition
from commandcenter.server.calls import CALLS
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    AdminUnit,
    Attachment,
    AuthEvent,
    Building,
    Case,
    CaseEvent,
    CaseType,
    ChangeLogEntry,
    Department,
    Grid,
    GridContact,
    House,
    OperationLogEntry,
    Organisation,
    Patrol,
    Person,
    Position,
    User,
    Visit,
    grid_managers,
)
from commandcenter.video.wall import Tour
from commandcenter.workflow.rules import Action

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
    from .server_process import CenterServer
except ImportError:
    from conftest import demo_backend
    from server_process import CenterServer

pytestmark = pytest.mark.postgres
API = "/api/v1"


@pytest.fixture(scope="module")
def center_db(postgres_server, demo_pg_template):
    """A copy of the demo district for this module's server."""
    name = postgres_server.create_database(template=demo_pg_template)
    yield postgres_server.url_for(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="module")
def server(center_db):
    with CenterServer(center_db) as running:
        yield running


@pytest.fixture(scope="module")
def database(center_db):
    """The server's database, opened here only to look at what the server did."""
    db = open_database(center_db, migrate=False)
    yield db
    db.dispose()


def log_in(server, username: str, password: str = DEMO_PASSWORD) -> RemoteBackend:
    return RemoteCenter(server.url).login(username, password)


def raw(server, backend: RemoteBackend | None, call: str, *, write=None, **args):
    """One call as plain HTTP: its status and its JSON answer."""
    headers = {}
    if backend is not None:
        headers["Authorization"] = f"Bearer {backend.token}"
    if write if write is not None else CALLS[call].write:
        headers["X-Request-Id"] = uuid.uuid4().hex
    body = {"args": {key: wire(value) for key, value in args.items()}}
    response = httpx.post(f"{server.url}{API}/call/{call}", json=body, headers=headers)
    return response.status_code, response.json()


def wire(value):
    message = encode(value)
    return message if "$rules" in message else message["body"]


def versions(database, case_id: int) -> int:
    with database.session() as session:
        return session.get(Case, case_id).version


# --- log-in and sessions ---------------------------------------------------------------------------


def test_health_and_log_in(server):
    health = httpx.get(server.url + API + "/health")
    assert health.status_code == 200 and health.json()["database"].startswith("postgresql")
    backend = log_in(server, "duty")
    assert backend.actor.username == "duty" and backend.must_change_password is False
    assert backend.load_console().rows  # the duty officer's board
    with pytest.raises(AuthenticationFailed):
        log_in(server, "duty", "not-the-password")
    with pytest.raises(AuthenticationFailed):  # an unknown name: the same answer
        log_in(server, "nobody-by-this-name", "whatever")
    backend.logout()
    with pytest.raises(SessionEnded):
        backend.load_console()


def test_the_client_cannot_choose_its_actor(server):
    """The actor comes from the session: an actor in the body is an unknown field, refused."""
    leader = log_in(server, "leader")
    response = httpx.post(
        f"{server.url}{API}/call/load_console",
        json={"args": {}, "actor": {"username": "admin", "role": "administrator"}},
        headers={"Authorization": f"Bearer {leader.token}"},
    )
    assert response.status_code == 422 and response.json()["error"] == "BadRequest"
    response = httpx.post(
        f"{server.url}{API}/call/load_console",
        json={"args": {"actor": "admin"}},
        headers={"Authorization": f"Bearer {leader.token}"},
    )
    assert response.status_code == 422 and "unknown argument" in response.json()["message"]


def test_lock_out_after_repeated_failures(server, database):
    user = "dispatcher"
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            log_in(server, user, "wrong-password-1")
    with pytest.raises(AccountLocked) as locked:  # even the right password, while locked
        log_in(server, user)
    assert "minute" in str(locked.value)
    with database.session() as session:
        kinds = session.scalars(
            select(AuthEvent.kind).where(AuthEvent.username == user).order_by(AuthEvent.id)
        ).all()
    assert kinds == ["failed"] * 5 + ["locked", "refused_locked"]
    log_in(server, "duty")  # another account from the same address still logs in


def test_an_administrator_given_password_is_changed_first(server, database):
    with database.writer() as session, session.begin():
        set_password(session, "handler", "Given-by-admin-1")
    handler = log_in(server, "handler", "Given-by-admin-1")
    assert handler.must_change_password
    with pytest.raises(PasswordChangeRequired):
        handler.load_console()
    for weak, why in (
        ("short1", "8 characters"),
        ("onlyletterslong", "two kinds"),
        ("handler", "8 characters"),
        ("my-HANDLER-2026", "user name"),
    ):
        with pytest.raises(PasswordRejected) as rejected:
            handler.change_password("Given-by-admin-1", weak)
        assert why in str(rejected.value), (weak, rejected.value)
    with pytest.raises(AuthenticationFailed):
        handler.change_password("not-the-current", "Brand-new-2026")
    handler.change_password("Given-by-admin-1", "Brand-new-2026")
    assert handler.load_console().rows is not None
    assert log_in(server, "handler", "Brand-new-2026").must_change_password is False


def test_sessions_expire_when_idle_and_when_old(center_db):
    """A server whose sessions end after 3 s idle and 6 s in all (real time is the subject)."""
    with CenterServer(
        center_db, "--session-idle-minutes", "0.05", "--session-hours", str(6 / 3600)
    ) as short:
        idle = log_in(short, "duty")
        busy = log_in(short, "supervisor")
        started = time.monotonic()
        while time.monotonic() - started < 4.0:  # busy: a call every half second
            busy.tours()
            time.sleep(0.5)
        with pytest.raises(SessionEnded) as ended:
            idle.tours()
        assert "idle" in str(ended.value)
        busy.tours()  # 4 s old and never idle: still in
        while time.monotonic() - started < 8.5:  # the clock counts whole seconds
            time.sleep(0.5)
            try:
                busy.tours()
            except SessionEnded as error:
                assert "too old" in str(error)
                break
        else:
            pytest.fail("the session outlived its absolute limit")
        forged = RemoteBackend(idle.center, "forged-" + idle.token[7:], idle.actor, idle.clock)
        with pytest.raises(SessionEnded):
            forged.tours()


# --- jurisdiction: each call tried by a grid leader ------------------------------------------------


@pytest.fixture(scope="module")
def outside(server, database):
    """What lies outside the leader's community (东安社区): a case on the duty officer's board,
    its photo, a camera and a grid."""
    duty, leader = log_in(server, "duty"), log_in(server, "leader")
    own = {row.id for row in leader.load_console().rows}
    own_cameras = {camera.id for camera in leader.camera_list()}
    everything = duty.load_console()
    case = next(
        row
        for row in everything.rows
        if row.id not in own and row.state.is_open and row.grid_id is not None
    )
    photo = duty.attach(case.id, FileData("scene.jpg", b"\xff\xd8\xff photo"), AttachmentKind.PHOTO)
    attachment_id = duty.case_detail(case.id).attachments[-1].id
    camera = next(camera for camera in everything.cameras if camera.id not in own_cameras)
    own_grids = {grid["id"] for grid in raw(server, leader, "my_grids")[1]["body"]}
    assert case.grid_id not in own_grids
    with database.session() as session:
        house_id, building_id = session.execute(  # a household of another community's grid
            select(House.id, Building.id)
            .join(Building, House.building_id == Building.id)
            .where(Building.grid_id == case.grid_id)
            .order_by(House.id)
            .limit(1)
        ).one()
        person = session.scalars(
            select(Person).where(Person.grid_id == case.grid_id).order_by(Person.id).limit(1)
        ).one()
        grid_code = session.get(Grid, case.grid_id).code
        own_codes = set(session.scalars(select(Grid.code).where(Grid.id.in_(own_grids))))
        other_user = session.scalars(  # an account of another center (the street's duty officer)
            select(User).where(User.center_id != leader.actor.center_id).order_by(User.id)
        ).first()
        department_id = session.scalar(
            select(Department.id)
            .where(Department.center_id != leader.actor.center_id)
            .order_by(Department.id)
            .limit(1)
        )
    return {
        "case": case,
        "version": photo.value.version,
        "attachment_id": attachment_id,
        "camera": camera,
        "grid_id": case.grid_id,
        "grid_code": grid_code,
        "house_id": house_id,
        "building_id": building_id,
        "person_id": person.id,
        "person_name": person.name,
        "user_id": other_user.id,
        "user_center": other_user.center_id,
        "department_id": department_id,
        "leader_center": leader.actor.center_id,
        "own_grids": own_grids,
        "own_grid_codes": own_codes,
    }


def camera_input(camera) -> CameraInput:
    return CameraInput(
        device_id=camera.device_id,
        name=camera.name + "改",
        main_url=camera.main_url,
        lon=camera.lon,
        lat=camera.lat,
    )


GRIDS_GEOJSON = json.dumps({"type": "FeatureCollection", "features": []}).encode()
CAMERAS_CSV = (
    "device_id,name,main_url,lon,lat\n32120200011321999999,x,rtsp://10.0.0.1/x,119.9,32.4\n"
)

# Each call the server takes, as a grid leader tries it on what is not theirs: the status and
# the error the server must answer (every call refused changes nothing: checked after).
REFUSED = {
    "case_detail": lambda o: dict(case_id=o["case"].id),
    "case_history": lambda o: dict(case_id=o["case"].id),
    "attachment_contents": lambda o: dict(attachment_ids=[o["attachment_id"]]),
    "dispatch_targets": lambda o: dict(case_id=o["case"].id),
    "report_case": lambda o: dict(
        case=NewCase(
            CaseSource.RESIDENT,
            CaseCategory.PUBLIC_ORDER,
            "别人辖区的事件",
            grid_id=o["grid_id"],
        )
    ),
    "take_step": lambda o: dict(case_id=o["case"].id, action=Action.URGE, expected_version=1),
    "record_visit": lambda o: dict(visit=NewVisit(o["house_id"], "走访：一切正常")),
    "attach": lambda o: dict(
        case=o["case"].id, file=FileData("x.jpg", b"\xff\xd8\xff"), kind=AttachmentKind.PHOTO
    ),
    "save_tour": lambda o: dict(tour=Tour("外面", (o["camera"].id,), 15)),
    "delete_tour": lambda o: dict(name="外面"),
    "camera_credentials": lambda o: dict(camera_id=o["camera"].id),
    "stored_camera": lambda o: dict(camera_id=o["camera"].id),
    "add_camera": lambda o: dict(data=camera_input(o["camera"])),
    "update_camera": lambda o: dict(camera_id=o["camera"].id, data=camera_input(o["camera"])),
    "import_cameras_csv": lambda o: dict(file=FileData("cameras.csv", CAMERAS_CSV.encode())),
    "test_camera_url": lambda o: dict(data=camera_input(o["camera"]), camera_id=o["camera"].id),
    "import_grids": lambda o: dict(file=FileData("grids.geojson", GRIDS_GEOJSON), replace=True),
    # administration: an administrator's, inside their jurisdiction (a grid leader is refused
    # by role; a community's administrator outside it: test_admin_server.py)
    "units": lambda o: dict(),
    "add_units": lambda o: dict(codes=("321202001009",)),
    "departments": lambda o: dict(),
    "save_department": lambda o: dict(
        department_id=o["department_id"],
        data=DepartmentInput(o["user_center"], "外面的部门", DepartmentKind.URBAN_MANAGEMENT),
    ),
    "staff": lambda o: dict(text=""),
    "create_user": lambda o: dict(
        data=StaffInput("outsider-new", "外人", Role.ADMINISTRATOR, o["user_center"]),
        password="Outside-2026",
    ),
    "update_user": lambda o: dict(
        user_id=o["user_id"],
        data=StaffInput("outsider-renamed", "改名", Role.ADMINISTRATOR, o["user_center"]),
    ),
    "set_user_active": lambda o: dict(user_id=o["user_id"], active=False),
    "reset_user_password": lambda o: dict(user_id=o["user_id"], password="Taken-over-2026"),
    "import_staff": lambda o: dict(
        file=FileData(
            "staff.csv",
            f"用户名,姓名,角色,中心\noutsider2,外人,管理员,{o['user_center']}\n".encode(),
        )
    ),
    "grid_people": lambda o: dict(),
    "assign_grid": lambda o: dict(grid_id=o["grid_id"], assignment=GridAssignment(())),
    "save_case_type": lambda o: dict(
        data=CaseTypeInput("0999", CaseCategory.OTHER, "网格长自定事项")
    ),
    "import_case_types": lambda o: dict(
        file=FileData("matters.csv", "编码,大类,事项\n0999,其他,网格长自定事项\n".encode())
    ),
    "operation_log": lambda o: dict(),
    "set_local_rules": lambda o: dict(
        rules=LocalRules(SizingRule(1, 2, 3), (VisitInterval(SpecialGroup.DISABLED, 1),))
    ),
    # base data: a grid leader's own grids only
    "person_in_clear": lambda o: dict(person_id=o["person_id"], reason="想看看"),
    "save_person": lambda o: dict(
        person_id=o["person_id"],
        data=PersonInput(o["person_name"], o["grid_id"], HouseholdStatus.REGISTERED),
    ),
    "import_basedata": lambda o: dict(kind="people", file=FileData("people.csv", PEOPLE_CSV(o))),
}

# A refusal that is an import's report rather than a 403: the rows naming what is not the
# caller's are listed, nothing is written.
REFUSED_AS_REPORT = {"import_basedata"}


def PEOPLE_CSV(o) -> bytes:  # noqa: N802 (a file's contents, named like the constants above)
    number = make_id_number("321202", dt.date(1980, 5, 17), 123)
    return f"姓名,身份证号,网格编码\n外来人,{number},{o['grid_code']}\n".encode()


# The reads that answer a leader, with only what is theirs in it (checked below).
FILTERED = {
    "load_console",
    "changes_since",
    "my_tasks",
    "households",
    "field_workers",
    "my_grids",
    "take_bulk_step",  # refused case by case, in its answer
    "search_places",
    "figures_overview",
    "figures_trace",
    "figures_trace_day",
    "monthly_report",
    "tours",
    "camera_list",
    "cameras_csv",
    "search_people",
    "search_buildings",
    "building_houses",  # another grid's building: no houses
    "search_organisations",
    "basedata_xlsx",
    "visits_due",
}

# What every account reads, the same for all (the list of matters: the report form offers it).
SHARED = {"case_types", "local_rules"}


# What a caller does only for itself (its own rounds and positions, the log line of an export
# it wrote from what it had read): no one else's to reach.
OWN = {"start_patrol", "end_patrol", "send_positions", "record_export", "me"}

# The display account (大屏展示账号) of the county center, the wall's: the whole district is its
# jurisdiction, yet every write is refused (403, nothing changed), and so are the reads it has
# no business with — administration, residents, the camera registry's form and the cameras'
# CSV (an export). What it sends, where REFUSED does not say it already:
DISPLAY_REFUSED = {
    **{name: args for name, args in REFUSED.items() if CALLS[name].write},
    "take_bulk_step": lambda o: dict(
        versions={o["case"].id: o["version"]}, action=Action.URGE, comment="催办"
    ),
    "start_patrol": lambda o: dict(),
    "end_patrol": lambda o: dict(),
    "send_positions": lambda o: dict(points=(PhonePosition(o["camera"].lon, o["camera"].lat),)),
    "record_export": lambda o: dict(what="案件列表", rows=3),
    "basedata_xlsx": lambda o: dict(kind="people"),
    "cameras_csv": lambda o: dict(),
    "stored_camera": REFUSED["stored_camera"],
    "test_camera_url": REFUSED["test_camera_url"],
    **{name: lambda o: dict() for name in ("units", "departments", "staff", "grid_people")},
    "operation_log": lambda o: dict(),
    **{name: lambda o: dict() for name in ("search_people", "search_buildings")},
    "building_houses": lambda o: dict(building_id=o["building_id"]),
    "search_organisations": lambda o: dict(),
    "visits_due": lambda o: dict(),
}
MONTH, AS_OF = Period.parse("2026-11"), dt.datetime(2026, 11, 26, 16)
# What a display account reads: what its jurisdiction covers, as a duty officer reads it.
DISPLAY_READS = {
    "load_console": lambda o: dict(),
    "changes_since": lambda o: dict(mark=o["wall_mark"]),
    "my_tasks": lambda o: dict(),  # nothing waits for it
    **{
        name: REFUSED[name]  # the case outside the leader's community: inside the county's
        for name in ("case_detail", "case_history", "attachment_contents", "dispatch_targets")
    },
    "search_places": lambda o: dict(text="网格"),
    "households": lambda o: dict(),  # none in its hands
    "my_grids": lambda o: dict(),
    "field_workers": lambda o: dict(),
    "figures_overview": lambda o: dict(period=MONTH, as_of=AS_OF),
    "figures_trace": lambda o: dict(
        period=MONTH, by="center", key=o["leader_center"], figure="intake", as_of=AS_OF
    ),
    "figures_trace_day": lambda o: dict(day=dt.date(2026, 11, 20), figure="intake", as_of=AS_OF),
    "monthly_report": lambda o: dict(period=MONTH),
    "tours": lambda o: dict(),
    "camera_credentials": REFUSED["camera_credentials"],  # the wall plays the cameras
    "camera_list": lambda o: dict(),
    "case_types": lambda o: dict(),
    "local_rules": lambda o: dict(),
    "me": lambda o: dict(),
}


def test_every_call_is_listed_here():
    kinds = (set(REFUSED), FILTERED, OWN, SHARED)
    assert set().union(*kinds) == set(CALLS), "a new call needs its jurisdiction test"
    assert sum(map(len, kinds)) == len(CALLS), "a call is listed twice"
    assert set(REFUSED) >= REFUSED_AS_REPORT
    display = (set(DISPLAY_REFUSED), set(DISPLAY_READS))
    assert display[0] | display[1] == set(CALLS), "a new call needs its display-account test"
    assert not display[0] & display[1]
    assert {name for name, call in CALLS.items() if call.write} <= display[0]


@pytest.fixture(scope="module")
def leader(server):
    """The grid leader's session, for the table of refusals (one log-in, not one a call)."""
    return log_in(server, "leader")


def footprint(database) -> dict:
    """What a refused call must leave as it was: the newest case event and operation-log line
    (every administrative change writes one) and the size of the administrative tables."""

    def newest(column):
        return session.scalar(select(column).order_by(column.desc()).limit(1))

    def count(table):
        return session.scalar(select(func.count()).select_from(table))

    with database.session() as session:
        return {
            "case_event": newest(CaseEvent.id),
            "oplog": newest(OperationLogEntry.id),
            "people": newest(Person.id),
            **{
                table.__tablename__: count(table)
                for table in (AdminUnit, Department, User, CaseType, GridContact, Organisation)
            },
            "grid_managers": count(grid_managers),
            **{  # a case's material, the wall's tours (the change log), rounds, positions
                table.__tablename__: count(table)
                for table in (Attachment, ChangeLogEntry, Patrol, Position, Visit)
            },
            "leaders": tuple(session.execute(select(Grid.id, Grid.leader_id)).all()),
            "accounts": tuple(
                session.execute(
                    select(User.id, User.username, User.active, User.password_hash, User.center_id)
                ).all()
            ),
            "people_rows": hash(
                tuple(
                    session.execute(
                        select(
                            Person.id, Person.grid_id, Person.house_id, Person.name, Person.phone
                        )
                    ).all()
                )
            ),
        }


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_leader_is_refused_outside_the_community(server, database, outside, leader, name):
    case = outside["case"]
    before = versions(database, case.id)
    written_before = footprint(database)
    status, answer = raw(server, leader, name, **REFUSED[name](outside))
    if name in REFUSED_AS_REPORT:
        assert status == 422 and answer["error"] == "ImportRejected", (name, status, answer)
        assert answer["problems"] and all("not one of your grids" in p for p in answer["problems"])
    else:
        assert status == 403, (name, status, answer)
        assert answer["error"] in ("PermissionDenied", "TransitionRefused", "OutsideJurisdiction")
    assert answer["message"]
    assert versions(database, case.id) == before
    assert footprint(database) == written_before  # nothing written anywhere
    # Credentials never leave in an answer that refuses.
    assert "password" not in json.dumps(answer).lower() or name == "test_camera_url"


def test_a_leaders_reads_hold_only_the_community(server, outside):
    leader, duty = log_in(server, "leader"), log_in(server, "duty")
    case, camera = outside["case"], outside["camera"]
    own_center = outside["leader_center"]
    data = leader.load_console()
    assert data.rows and case.id not in {row.id for row in data.rows}
    assert all(row.center_id == own_center for row in data.rows)
    assert camera.id not in {c.id for c in data.cameras}
    assert leader.changes_since(data.mark).rows == ()
    assert all(row.center_id == own_center for row in leader.my_tasks())
    # A bulk step names the case: refused in the answer, nothing done.
    bulk = leader.take_bulk_step({case.id: outside["version"]}, Action.URGE, comment="催办")
    assert bulk.value.done == 0 and "jurisdiction" in bulk.value.refused[0]
    assert all(hit.id != outside["grid_id"] for hit in leader.search_places("网格", 50))
    period, now = Period.parse("2026-11"), dt.datetime(2026, 11, 26, 16)
    overview = leader.figures_overview(period, now)
    assert overview.total.key == own_center
    everyone = duty.figures_overview(period, now)
    other_center = next(row.key for row in everyone.rows["center"] if row.key != own_center)
    assert leader.figures_trace(period, "center", other_center, "intake", now).ids == ()
    day = leader.figures_trace_day(dt.date(2026, 11, 20), "intake", now)
    duty_day = duty.figures_trace_day(dt.date(2026, 11, 20), "intake", now)
    assert set(day.ids) < set(duty_day.ids)
    assert leader.monthly_report(period).center_id == own_center
    status, answer = raw(server, leader, "my_grids")
    assert status == 200 and answer["body"]
    assert all(g["id"] != outside["grid_id"] for g in answer["body"])
    status, answer = raw(server, leader, "households", text="")
    assert status == 200 and answer["body"]
    assert all(h["grid_id"] != outside["grid_id"] for h in answer["body"])
    assert all(camera.id not in tour.camera_ids for tour in leader.tours())
    assert camera.id not in {c.id for c in leader.camera_list()}
    status, answer = raw(server, leader, "cameras_csv")
    csv_text = answer["body"]
    assert status == 200 and csv_text.count("\n") == len(leader.camera_list()) + 1
    assert camera.device_id not in csv_text


def test_a_leaders_base_data_holds_only_their_grids(server, outside, leader, tmp_path):
    admin = log_in(server, "admin")
    own, other = outside["own_grids"], outside["grid_id"]
    people = leader.search_people(limit=500)
    assert people.rows and all(row.grid_id in own for row in people.rows)
    assert people.total < admin.search_people(limit=1).total
    assert all("*" in row.id_number for row in people.rows)  # masked in a list
    assert admin.search_people(grid_id=other).total > 0
    assert leader.search_people(grid_id=other).total == 0
    assert leader.search_people(outside["person_name"]).rows == tuple(
        row
        for row in admin.search_people(outside["person_name"], limit=500).rows
        if row.grid_id in own
    )
    buildings = leader.search_buildings()
    assert buildings and all(building.grid_id in own for building in buildings)
    assert admin.search_buildings(grid_id=other) and leader.search_buildings(grid_id=other) == []
    assert admin.building_houses(outside["building_id"])
    assert leader.building_houses(outside["building_id"]) == []  # another grid's building
    assert leader.building_houses(buildings[0].id)
    organisations = leader.search_organisations()
    assert all(row.grid_code in outside["own_grid_codes"] for row in organisations)
    assert leader.search_organisations(grid_id=other) == []
    assert len(organisations) < len(admin.search_organisations())
    due = leader.visits_due()
    assert all(visit.grid_id in own for visit in due)
    assert any(visit.grid_id not in own for visit in admin.visits_due())
    # The export: a workbook of their grids only, masked.
    from openpyxl import load_workbook

    path = tmp_path / "people.xlsx"
    rows = leader.export_basedata("people", path)
    assert rows == people.total
    sheet = load_workbook(path, read_only=True).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:4] == ("姓名", "身份证号", "电话", "网格编码") and len(lines) == rows + 1
    assert {line[3] for line in lines[1:]} <= outside["own_grid_codes"]
    assert all("*" in line[1] for line in lines[1:])


def test_the_list_of_matters_is_the_same_for_everyone(server, leader):
    admin = log_in(server, "admin")  # the top center's: it keeps the list
    admin.save_case_type(CaseTypeInput("0601", CaseCategory.LIVELIHOOD, "民生救助"))
    matters = leader.case_types()
    assert [m.code for m in matters] == ["0601"] and matters == admin.case_types()


def test_the_local_rules_are_the_same_for_everyone_and_kept_at_the_top(server, leader):
    admin = log_in(server, "admin")
    rules = admin.local_rules()
    assert rules == leader.local_rules() and rules.sizing == SizingRule()
    visits = tuple(
        VisitInterval(v.group, 5) if v.group is SpecialGroup.ELDERLY_ALONE else v
        for v in rules.visits
    )
    changed = admin.set_local_rules(LocalRules(SizingRule(500, 1000, 2000), visits)).value
    assert changed.sizing == SizingRule(500, 1000, 2000) and changed.visits == visits
    assert leader.local_rules() == changed
    admin.set_local_rules(rules)  # as it was, for the other tests of the module


# --- the display account (大屏展示账号) --------------------------------------------------------------


@pytest.fixture(scope="module")
def wall(server):
    """The county center's display account, the wall's session."""
    return log_in(server, "wall")


@pytest.mark.parametrize("name", sorted(DISPLAY_REFUSED))
def test_a_display_account_is_refused_every_write(server, database, outside, wall, name):
    case = outside["case"]
    before = versions(database, case.id)
    written_before = footprint(database)
    status, answer = raw(server, wall, name, **DISPLAY_REFUSED[name](outside))
    assert status == 403, (name, status, answer)
    assert answer["error"] == "PermissionDenied" and answer["message"]
    if CALLS[name].write:  # the one rule: a display account changes nothing
        assert "display account" in answer["message"], (name, answer)
    assert versions(database, case.id) == before
    assert footprint(database) == written_before


@pytest.fixture(scope="module")
def for_wall(outside, wall):
    """``outside`` and a mark of the wall's picture (to ask what changed since)."""
    return {**outside, "wall_mark": wall.load_console().mark}


@pytest.mark.parametrize("name", sorted(DISPLAY_READS))
def test_a_display_account_reads_what_its_center_covers(server, for_wall, wall, name):
    status, answer = raw(server, wall, name, **DISPLAY_READS[name](for_wall))
    assert status == 200, (name, status, answer)


def test_the_wall_sees_the_whole_district_and_may_take_no_step(server, outside, wall):
    supervisor = log_in(server, "supervisor")  # of the same county center
    assert wall.actor.role is Role.DISPLAY and not wall.actor.may_write
    mine, theirs = wall.load_console(), supervisor.load_console()
    assert {r.id for r in mine.rows} == {r.id for r in theirs.rows}
    assert outside["case"].id in {r.id for r in mine.rows}
    assert mine.cameras == theirs.cameras and mine.tours == theirs.tours
    camera = outside["camera"].id
    assert wall.camera_credentials(camera) == supervisor.camera_credentials(camera)
    assert wall.case_detail(outside["case"].id).actions == ()
    assert wall.my_tasks() == []
    assert wall.figures_overview(MONTH, AS_OF) == supervisor.figures_overview(MONTH, AS_OF)
    bulk = raw(server, wall, "take_bulk_step", **DISPLAY_REFUSED["take_bulk_step"](outside))
    assert bulk[0] == 403


def test_a_display_account_changes_its_own_password_and_logs_out(server, outside):
    """A new display account (an administrator gave its first password): it changes the
    password — the one thing it writes itself — and logs out, like any account."""
    admin = log_in(server, "admin")
    admin.create_user(
        StaffInput("hall-wall", "大厅大屏", Role.DISPLAY, admin.actor.center_id),
        "Given-by-admin-2",
    )
    screen = log_in(server, "hall-wall", "Given-by-admin-2")
    assert screen.must_change_password and screen.actor.role is Role.DISPLAY
    with pytest.raises(PasswordChangeRequired):
        screen.load_console()
    screen.change_password("Given-by-admin-2", "Wall-screen-2026")
    assert outside["case"].id in {row.id for row in screen.load_console().rows}
    screen.logout()
    with pytest.raises(SessionEnded):
        screen.load_console()
    assert log_in(server, "hall-wall", "Wall-screen-2026").must_change_password is False


# --- bad input ----------------------------------------------------------------------------------


def test_bad_requests_get_a_clear_4xx_and_change_nothing(server, database, outside):
    duty = log_in(server, "duty")
    auth = {"Authorization": f"Bearer {duty.token}"}
    url = f"{server.url}{API}/call/take_step"
    case = outside["case"]
    before = versions(database, case.id)

    def post(body, headers=None, content=None):
        headers = {**auth, "X-Request-Id": uuid.uuid4().hex, **(headers or {})}
        if content is not None:
            return httpx.post(url, content=content, headers=headers)
        return httpx.post(url, json=body, headers=headers)

    cases = {
        "malformed JSON": post(None, {"Content-Type": "application/json"}, b'{"args": {'),
        "not an object": post(None, {"Content-Type": "application/json"}, b"[1, 2]"),
        "wrong type": post({"args": {"case_id": "x", "action": "urge", "expected_version": 1}}),
        "wrong enum": post(
            {"args": {"case_id": case.id, "action": "explode", "expected_version": before}}
        ),
        "unknown argument": post(
            {"args": {"case_id": case.id, "action": "urge", "expected_version": before, "as": 1}}
        ),
        "missing argument": post({"args": {"case_id": case.id}}),
        "unknown field": post({"args": {}, "user": "admin"}),
    }
    for what, response in cases.items():
        assert response.status_code == 422, (what, response.status_code, response.text)
        body = response.json()
        assert body["error"] in ("BadRequest", "WireError") and body["message"], what
    oversized = httpx.post(
        f"{server.url}{API}/login",
        content=b'{"username": "' + b"x" * 10_000 + b'", "password": "y"}',
        headers={"Content-Type": "application/json"},
    )
    assert oversized.status_code == 413
    unknown = httpx.post(f"{server.url}{API}/call/drop_everything", json={"args": {}}, headers=auth)
    assert unknown.status_code == 404
    no_token = httpx.post(f"{server.url}{API}/call/load_console", json={"args": {}})
    assert no_token.status_code == 401
    forged = httpx.post(
        f"{server.url}{API}/call/load_console",
        json={"args": {}},
        headers={"Authorization": "Bearer " + "A" * 43},
    )
    assert forged.status_code == 401 and forged.json()["error"] == "SessionEnded"
    no_id = httpx.post(
        url,
        json={"args": {"case_id": case.id, "action": "urge", "expected_version": before}},
        headers=auth,
    )
    assert no_id.status_code == 422 and "X-Request-Id" in no_id.json()["message"]
    assert versions(database, case.id) == before


def test_a_replayed_write_is_refused(server, database, outside):
    duty = log_in(server, "duty")
    case = outside["case"]
    before = versions(database, case.id)
    headers = {
        "Authorization": f"Bearer {duty.token}",
        "X-Request-Id": "replay-" + uuid.uuid4().hex,
    }
    body = {
        "args": {"case_id": case.id, "action": "urge", "expected_version": before, "comment": "催"}
    }
    first = httpx.post(f"{server.url}{API}/call/take_step", json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert versions(database, case.id) == before + 1
    again = httpx.post(f"{server.url}{API}/call/take_step", json=body, headers=headers)
    assert again.status_code == 409 and again.json()["error"] == "Replayed"
    assert versions(database, case.id) == before + 1
    outside["version"] = before + 1


def test_rate_limits_hold_under_a_burst(server):
    duty = log_in(server, "duty")
    statuses: list[int] = []
    lock = threading.Lock()

    def burst():
        with httpx.Client(headers={"Authorization": f"Bearer {duty.token}"}) as client:
            for _ in range(60):
                status = client.post(f"{server.url}{API}/call/tours", json={"args": {}}).status_code
                with lock:
                    statuses.append(status)

    threads = [threading.Thread(target=burst) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {200, 429}
    assert statuses.count(429) > 0 and statuses.count(200) >= 120  # the burst, then refused
    other = log_in(server, "supervisor")  # another session is not slowed down
    assert other.tours() is not None


# --- pushed changes --------------------------------------------------------------------------------


class Collector:
    """What a subscription receives, for a test to wait on."""

    def __init__(self):
        self.updates, self.states = [], []
        self.changed = threading.Condition()

    def on_update(self, update):
        with self.changed:
            self.updates.append(update)
            self.changed.notify_all()

    def on_state(self, connected, why):
        with self.changed:
            self.states.append(connected)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout=10.0):
        with self.changed:
            assert self.changed.wait_for(predicate, timeout), "not within the time"

    def case_events(self, case_id):
        return [
            update.changes
            for update in self.updates
            if case_id in update.changes.cases or case_id in {r.id for r in update.rows}
        ]


def test_pushes_reach_only_the_jurisdiction_they_cover(server, outside):
    duty, leader = log_in(server, "duty"), log_in(server, "leader")
    seen_by = {}
    subscriptions = []
    for name, backend in (("duty", duty), ("leader", leader)):
        collector = Collector()
        subscriptions.append(
            backend.subscribe(backend.load_console().mark, collector.on_update, collector.on_state)
        )
        collector.wait_for(lambda c=collector: c.states[-1:] == [True])
        seen_by[name] = collector
    try:
        case = outside["case"]
        started = time.monotonic()
        change = duty.take_step(
            case.id, Action.URGE, expected_version=outside["version"], comment="请尽快"
        )
        outside["version"] = change.value.version
        seen_by["duty"].wait_for(lambda: seen_by["duty"].case_events(case.id), timeout=5)
        assert time.monotonic() - started < 5
        # The leader's own case: pushed to the leader too.
        own = leader.load_console().rows[0]
        duty.take_step(own.id, Action.URGE, expected_version=own.version, comment="催")
        seen_by["leader"].wait_for(lambda: seen_by["leader"].case_events(own.id), timeout=5)
        assert seen_by["leader"].case_events(case.id) == []  # never the other community's
    finally:
        for subscription in subscriptions:
            subscription.close()


def test_reconnect_after_a_restart_misses_nothing(center_db, database):
    with CenterServer(center_db) as restartable:
        duty = log_in(restartable, "duty")
        collector = Collector()
        subscription = duty.subscribe(
            duty.load_console().mark, collector.on_update, collector.on_state
        )
        try:
            collector.wait_for(lambda: collector.states[-1:] == [True])
            rows = [r for r in duty.load_console().rows if r.state.is_open][:3]
            restartable.stop()
            collector.wait_for(lambda: collector.states[-1:] == [False])
            # While the server is down another server of the center (here: the core itself)
            # takes a step.
            local = demo_backend(database, "duty", now=duty.clock.now())
            down = local.take_step(
                rows[0].id,
                Action.URGE,
                expected_version=versions(database, rows[0].id),
                comment="服务器停机时",
            )
            restartable.start()
            collector.wait_for(lambda: collector.states[-1:] == [True], timeout=20)
            collector.wait_for(lambda: collector.case_events(rows[0].id))
            # A step after the restart (the old token still holds: sessions live in the database).
            up = duty.take_step(
                rows[1].id,
                Action.URGE,
                expected_version=versions(database, rows[1].id),
                comment="恢复后",
            )
            collector.wait_for(lambda: collector.case_events(rows[1].id))
            time.sleep(0.5)  # anything twice would have come by now
            assert len(collector.case_events(rows[0].id)) == 1
            assert len(collector.case_events(rows[1].id)) == 1
            pushed = {r.id: r.version for u in collector.updates for r in u.rows}
            assert pushed[rows[0].id] == down.value.version
            assert pushed[rows[1].id] == up.value.version
        finally:
            subscription.close()


def test_several_workers_behind_one_port_stay_correct(center_db):
    """Two uvicorn workers: a session opened at one works at the other (sessions live in the
    database), and a write at either reaches every feed at both (PostgreSQL NOTIFY)."""
    with CenterServer(center_db, "--workers", "2") as pair:
        backends = [log_in(pair, "duty") for _ in range(4)]
        collectors = [Collector() for _ in backends]
        subscriptions = [
            backend.subscribe(backend.load_console().mark, c.on_update, c.on_state)
            for backend, c in zip(backends, collectors, strict=True)
        ]
        try:
            for collector in collectors:
                collector.wait_for(lambda c=collector: c.states[-1:] == [True])
            rows = [r for r in backends[0].load_console().rows if r.state.is_open][:4]
            for backend, row in zip(backends, rows, strict=True):
                for _ in range(3):  # each request may land at either worker
                    assert backend.case_detail(row.id).code == row.code
                backend.take_step(row.id, Action.URGE, expected_version=row.version, comment="催")
            for collector in collectors:
                for row in rows:
                    collector.wait_for(lambda c=collector, r=row: c.case_events(r.id), timeout=5)
        finally:
            for subscription in subscriptions:
                subscription.close()


def test_a_lost_database_is_said_within_seconds_and_comes_back():
    """The database goes away under a running server: health and every request say so at
    once (503, in plain words), nothing hangs; when it is back, so is the server."""
    try:
        from .pg_server import PostgresServer
    except ImportError:
        from pg_server import PostgresServer

    with PostgresServer() as own:
        url = own.url_for(own.create_database())
        open_database(url).dispose()  # migrated, no accounts: a log-in is simply refused
        with CenterServer(url) as center:
            assert httpx.get(center.url + API + "/health").status_code == 200
            own.pause()
            started = time.monotonic()
            health = httpx.get(center.url + API + "/health", timeout=30)
            login = httpx.post(
                center.url + API + "/login",
                json={"username": "duty", "password": "whatever-2026"},
                timeout=30,
            )
            took = time.monotonic() - started
            assert health.status_code == 503 and health.json()["message"]
            assert login.status_code == 503, login.text
            assert login.json()["error"] == "DatabaseUnavailable" and login.json()["message"]
            assert took < 10, f"took {took:.1f} s to say the database is gone"
            own.resume()
            deadline = time.monotonic() + 20
            while httpx.get(center.url + API + "/health", timeout=30).status_code != 200:
                assert time.monotonic() < deadline, "the server did not come back"
                time.sleep(0.2)
            refused = httpx.post(
                center.url + API + "/login", json={"username": "duty", "password": "whatever-2026"}
            )
            assert refused.status_code == 401
