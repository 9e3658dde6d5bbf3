"""Administration and base data over the network: a community's own administrator, created by
the top administrator through the server, works inside the community and is refused outside it.

On a real server process and a copy of the demo district in PostgreSQL, every call goes through
``RemoteBackend`` (or plain HTTP where the status itself is the subject): each administrative
write and read aimed outside the community is refused (403, or an import's report) and writes
nothing, while the same calls inside it succeed. Also over the wire: an import's problems, the
export's workbook, the operation log's clear views, and a disabled account thrown out at once.
"""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from commandcenter.admin.catalogue import CaseTypeInput
from commandcenter.admin.departments import DepartmentInput
from commandcenter.admin.grid_people import ContactInput, GridAssignment
from commandcenter.admin.staff import StaffInput
from commandcenter.backend.remote import RemoteBackend, RemoteCenter
from commandcenter.basedata.people import PersonInput
from commandcenter.cases.operations import FileData
from commandcenter.demo.accounts import DEMO_PASSWORD
from commandcenter.domain.codes import make_id_number
from commandcenter.domain.enums import (
    AdminLevel,
    CaseCategory,
    DepartmentKind,
    HouseholdStatus,
    Role,
)
from commandcenter.errors import (
    AuthenticationFailed,
    ImportRejected,
    PasswordChangeRequired,
    PermissionDenied,
    SessionEnded,
)
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    AdminUnit,
    Center,
    Department,
    DivisionCode,
    Grid,
    OperationLogEntry,
    Person,
    User,
)

try:  # tests/ as a package or as a plain folder on sys.path
    from .server_process import CenterServer
    from .test_server import footprint, raw
except ImportError:
    from server_process import CenterServer
    from test_server import footprint, raw

pytestmark = pytest.mark.postgres
API = "/api/v1"
GIVEN = "Given-by-top-2026"  # the password the top administrator gives
OWN = "Community-own-2026"  # the one the community's administrator chooses
NEW_COMMUNITY = "321202001009"  # a community the street does not have yet (in the division list)


@pytest.fixture(scope="module")
def center_db(postgres_server, demo_pg_template):
    name = postgres_server.create_database(template=demo_pg_template)
    yield postgres_server.url_for(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="module")
def server(center_db):
    with CenterServer(center_db) as running:
        yield running


@pytest.fixture(scope="module")
def database(center_db):
    """The server's database, opened here to set the scene and to look at what was written."""
    db = open_database(center_db, migrate=False)
    yield db
    db.dispose()


def log_in(server, username: str, password: str = DEMO_PASSWORD) -> RemoteBackend:
    return RemoteCenter(server.url).login(username, password)


def id_number(sequence: int) -> str:
    return make_id_number("110101", dt.date(1961, 3, 9), sequence)


@pytest.fixture(scope="module")
def scene(server, database):
    """The leader's community (the community administrator's) and what lies outside it."""
    leader = log_in(server, "leader")
    own_center, own_unit = leader.actor.center_id, leader.actor.unit_id
    with database.writer() as session, session.begin():
        # The official division list holds a community the street has not set up yet.
        session.add(
            DivisionCode(
                code=NEW_COMMUNITY,
                name="新建社区",
                level=AdminLevel.COMMUNITY,
                parent_code="321202001000",
            )
        )
    with database.session() as session:
        street_center = session.get(Center, own_center).parent_id
        other_center = session.scalar(
            select(Center.id)
            .where(Center.parent_id == street_center, Center.id != own_center)
            .order_by(Center.id)
            .limit(1)
        )
        own_grids = session.scalars(
            select(Grid.id).where(Grid.community_id == own_unit).order_by(Grid.id)
        ).all()
        own_codes = set(session.scalars(select(Grid.code).where(Grid.id.in_(own_grids))))
        other_grid = session.scalars(
            select(Grid).where(Grid.community_id != own_unit).order_by(Grid.id).limit(1)
        ).one()
        own_person, own_house = session.execute(
            select(Person.id, Person.house_id)
            .where(Person.grid_id == own_grids[0], Person.house_id.is_not(None))
            .order_by(Person.id)
            .limit(1)
        ).one()
        codes = dict(session.execute(select(Center.id, AdminUnit.code).join(Center.unit)).all())
        outside_person = session.scalars(
            select(Person).where(Person.grid_id == other_grid.id).order_by(Person.id).limit(1)
        ).one()
        users = dict(session.execute(select(User.username, User.id)).all())
        street_department = session.scalar(
            select(Department.id).where(Department.center_id == street_center).limit(1)
        )
        gridman = session.scalar(select(User).where(User.username == "gridman"))
    return {
        "own_center": own_center,
        "own_unit": own_unit,
        "own_grids": list(own_grids),
        "own_codes": own_codes,
        "own_person": own_person,
        "own_house": own_house,
        "own_code": codes[own_center],
        "other_code": codes[other_center],
        "street_center": street_center,
        "other_center": other_center,
        "other_grid": other_grid.id,
        "other_grid_code": other_grid.code,
        "outside_person": outside_person.id,
        "outside_person_name": outside_person.name,
        "outside_user": users["duty"],  # the street's duty officer
        "other_leader": users["leader2"],  # the next community's grid leader
        "leader": users["leader"],
        "gridman": gridman.id,
        "street_department": street_department,
    }


@pytest.fixture(scope="module")
def community_admin(server, scene) -> RemoteBackend:
    """The community's own administrator: created by the top administrator with a password
    it must change first, then logged in with its own."""
    top = log_in(server, "admin")
    created = top.create_user(
        StaffInput("c-admin", "社区管理员", Role.ADMINISTRATOR, scene["own_center"]), GIVEN
    )
    assert created.value and created.changes.admin
    first = log_in(server, "c-admin", GIVEN)
    assert first.must_change_password
    with pytest.raises(PasswordChangeRequired):
        first.units()
    first.change_password(GIVEN, OWN)
    admin = log_in(server, "c-admin", OWN)
    assert admin.must_change_password is False
    assert admin.actor.role is Role.ADMINISTRATOR
    assert admin.actor.jurisdiction_center_ids == {scene["own_center"]}
    return admin


# --- outside the community: refused, nothing written ------------------------------------------------


def staff_file(rows: str) -> FileData:
    return FileData("staff.csv", ("用户名,姓名,角色,中心\n" + rows).encode())


def people_file(grid_code: str, sequence: int = 1) -> FileData:
    return FileData(
        "people.csv", f"姓名,身份证号,网格编码\n新居民,{id_number(sequence)},{grid_code}\n".encode()
    )


# Each try: the call, its arguments and the answer it must get (status, error).
DENIED, REPORT = (403, "PermissionDenied"), (422, "ImportRejected")
OUTSIDE = {
    "save_department/another center's": (
        lambda s: dict(
            department_id=None,
            data=DepartmentInput(s["street_center"], "街道新部门", DepartmentKind.OTHER),
        ),
        DENIED,
    ),
    "save_department/taken over": (
        lambda s: dict(
            department_id=s["street_department"],
            data=DepartmentInput(s["own_center"], "拿来的部门", DepartmentKind.OTHER),
        ),
        DENIED,
    ),
    "save_department/under another center's": (
        lambda s: dict(
            department_id=None,
            data=DepartmentInput(
                s["own_center"], "下属部门", DepartmentKind.OTHER, parent_id=s["street_department"]
            ),
        ),
        DENIED,
    ),
    "create_user/in another center": (
        lambda s: dict(
            data=StaffInput("c-intruder", "外派", Role.DUTY_OFFICER, s["other_center"]),
            password="Intruder-2026",
        ),
        DENIED,
    ),
    "create_user/on another community's grid": (
        lambda s: dict(
            data=StaffInput(
                "c-gm-far",
                "远网格员",
                Role.GRID_MANAGER,
                s["own_center"],
                None,
                "",
                (s["other_grid"],),
            ),
            password="Far-away-2026",
        ),
        (400, "CommandCenterError"),
    ),
    "update_user/another center's": (
        lambda s: dict(
            user_id=s["outside_user"],
            data=StaffInput("duty", "陈值班", Role.DUTY_OFFICER, s["own_center"]),
        ),
        DENIED,
    ),
    "update_user/moved out": (
        lambda s: dict(
            user_id=s["gridman"],
            data=StaffInput(
                "gridman", "张网格员", Role.GRID_MANAGER, s["other_center"], None, "", ()
            ),
        ),
        DENIED,
    ),
    "set_user_active/another center's": (
        lambda s: dict(user_id=s["other_leader"], active=False),
        DENIED,
    ),
    "reset_user_password/another center's": (
        lambda s: dict(user_id=s["other_leader"], password="Taken-over-2026"),
        DENIED,
    ),
    "import_staff/in another center": (
        lambda s: dict(file=staff_file(f"c-imported,外人,duty_officer,{s['other_code']}\n")),
        REPORT,
    ),
    "import_staff/another center's account": (
        lambda s: dict(file=staff_file(f"duty,陈值班,duty_officer,{s['own_code']}\n")),
        REPORT,
    ),
    "assign_grid/another community's": (
        lambda s: dict(grid_id=s["other_grid"], assignment=GridAssignment((), s["leader"])),
        DENIED,
    ),
    "assign_grid/another center's leader": (
        lambda s: dict(grid_id=s["own_grids"][0], assignment=GridAssignment((), s["other_leader"])),
        (400, "CommandCenterError"),
    ),
    "add_units/under the street": (lambda s: dict(codes=(NEW_COMMUNITY,)), REPORT),
    "save_case_type/the top center's list": (
        lambda s: dict(data=CaseTypeInput("0999", CaseCategory.OTHER, "社区自定事项")),
        DENIED,
    ),
    "import_case_types/the top center's list": (
        lambda s: dict(
            file=FileData("matters.csv", "编码,大类,事项\n0999,其他,社区自定事项\n".encode())
        ),
        DENIED,
    ),
    "person_in_clear/another community's resident": (
        lambda s: dict(person_id=s["outside_person"], reason="核实身份"),
        DENIED,
    ),
    "save_person/another community's resident": (
        lambda s: dict(
            person_id=s["outside_person"],
            data=PersonInput(
                s["outside_person_name"], s["own_grids"][0], HouseholdStatus.REGISTERED
            ),
        ),
        DENIED,
    ),
    "save_person/new in another community": (
        lambda s: dict(
            person_id=None,
            data=PersonInput("外来人", s["other_grid"], HouseholdStatus.FLOATING, id_number(500)),
        ),
        DENIED,
    ),
    "save_person/moved out": (
        lambda s: dict(
            person_id=s["own_person"],
            data=PersonInput("搬走的人", s["other_grid"], HouseholdStatus.REGISTERED),
        ),
        DENIED,
    ),
    "import_basedata/residents of another grid": (
        lambda s: dict(kind="people", file=people_file(s["other_grid_code"], 501)),
        REPORT,
    ),
    "import_basedata/houses of another grid": (
        lambda s: dict(
            kind="houses",
            file=FileData(
                "houses.csv",
                "网格编码,楼栋,地址,经度,纬度,房号\n"
                f"{s['other_grid_code']},新楼,新路1号,119.93,32.46,101\n".encode(),
            ),
        ),
        REPORT,
    ),
    "import_basedata/organisations of another grid": (
        lambda s: dict(
            kind="organisations",
            file=FileData(
                "organisations.csv",
                f"名称,类型,网格编码\n新公司,企业,{s['other_grid_code']}\n".encode(),
            ),
        ),
        REPORT,
    ),
}


@pytest.mark.parametrize("attempt", sorted(OUTSIDE))
def test_outside_the_community_each_administrative_call_is_refused(
    server, database, scene, community_admin, attempt
):
    name = attempt.split("/")[0]
    arguments, (status_wanted, error_wanted) = OUTSIDE[attempt]
    before = footprint(database)
    status, answer = raw(server, community_admin, name, **arguments(scene))
    assert (status, answer["error"]) == (status_wanted, error_wanted), (attempt, answer)
    assert answer["message"]
    if error_wanted == "ImportRejected":
        assert answer["problems"], answer  # the report names the rows and what is wrong
    assert footprint(database) == before  # nothing written, not even a line of the log


def test_a_community_administrator_reads_only_the_community(server, scene, community_admin):
    top = log_in(server, "admin")
    own_center = scene["own_center"]
    units = community_admin.units()
    assert [unit.id for unit in units] == [scene["own_unit"]] and len(top.units()) > 1
    staff = community_admin.staff()
    assert {row.center_id for row in staff} == {own_center}
    assert {row.username for row in staff} >= {"leader", "gridman", "c-admin"}
    assert [row.username for row in top.staff("leader2")] == ["leader2"]
    assert "leader2" not in {row.username for row in staff}
    assert all(row.center_id == own_center for row in community_admin.departments())
    assert any(row.center_id != own_center for row in top.departments())
    grids = community_admin.grid_people()
    assert [grid.grid_id for grid in grids] == scene["own_grids"]
    people = community_admin.search_people(limit=500)
    assert people.rows and {row.grid_id for row in people.rows} <= set(scene["own_grids"])
    assert community_admin.search_people(grid_id=scene["other_grid"]).total == 0
    buildings = community_admin.search_buildings()
    assert buildings and {b.grid_id for b in buildings} <= set(scene["own_grids"])
    outside_building = top.search_buildings(grid_id=scene["other_grid"])[0]
    assert community_admin.building_houses(outside_building.id) == []
    assert {o.grid_code for o in community_admin.search_organisations()} <= scene["own_codes"]
    assert {v.grid_id for v in community_admin.visits_due()} <= set(scene["own_grids"])
    # The operation log: the lines of the community's center (and the command line's) only.
    log = community_admin.operation_log(limit=5000)
    everything = top.operation_log(limit=5000)
    assert log and len(log) < len(everything)
    assert {line.center_name for line in log} <= {community_admin.actor.center_name, ""}
    assert any(line.target == "user c-admin" for line in everything)  # the top's own line
    assert not any(line.target == "user c-admin" for line in log)
    status, answer = raw(server, community_admin, "operation_log", action="everything")
    assert status == 422 and answer["error"] == "WireError", answer


# --- inside the community: the same calls succeed -----------------------------------------------


def test_inside_the_community_the_same_calls_succeed(server, database, scene, community_admin):
    admin, own_center = community_admin, scene["own_center"]
    department = admin.save_department(
        None, DepartmentInput(own_center, "社区综治办", DepartmentKind.OTHER, "0523-86000001")
    ).value
    admin.save_department(
        department,
        DepartmentInput(
            own_center, "社区综治中心", DepartmentKind.OTHER, categories=(CaseCategory.DISPUTE,)
        ),
    )
    row = next(d for d in admin.departments() if d.id == department)
    assert row.name == "社区综治中心" and row.categories == (CaseCategory.DISPUTE,)
    grid = scene["own_grids"][0]
    manager = admin.create_user(
        StaffInput("c-gm", "社区网格员", Role.GRID_MANAGER, own_center, None, "", (grid,)),
        "Grid-first-2026",
    ).value
    admin.update_user(
        manager,
        StaffInput("c-gm", "社区网格员乙", Role.GRID_MANAGER, own_center, None, "", (grid,)),
    )
    admin.reset_user_password(manager, "Grid-again-2026")
    assert log_in(server, "c-gm", "Grid-again-2026").must_change_password
    admin.assign_grid(
        grid,
        GridAssignment(
            (manager, scene["gridman"]),
            scene["leader"],
            (ContactInput("police", "王警官", "13800000000"),),
        ),
    )
    people = next(g for g in admin.grid_people() if g.grid_id == grid)
    assert {m.username for m in people.managers} == {"c-gm", "gridman"}
    assert people.leader.username == "leader" and people.contacts[0].name == "王警官"
    assert people.contacts[0].phone != "13800000000"  # masked in the list
    imported = admin.import_staff(
        _written(staff_file(f"c-duty,社区值班,duty_officer,{scene['own_code']}\n"))
    ).value
    assert (imported.created, imported.updated) == (1, 0)
    assert [name for name, _ in imported.passwords] == ["c-duty"]
    # Base data of the community's grids.
    clear = admin.person_in_clear(scene["own_person"], "核实身份")
    assert len(clear.id_number) == 18 and "*" not in clear.id_number
    edited = admin.save_person(
        scene["own_person"],
        PersonInput(
            "改过的名字",
            grid,
            HouseholdStatus.REGISTERED,
            phone="13912345678",
            house_id=scene["own_house"],
        ),
    )
    assert edited.value == scene["own_person"]
    hit = admin.search_people("改过的名字").rows[0]
    assert hit.id == scene["own_person"] and hit.phone != "13912345678"
    added = admin.save_person(
        None, PersonInput("新来的人", grid, HouseholdStatus.FLOATING, id_number(600))
    ).value
    assert admin.search_people(id_number(600)).rows[0].id == added
    grid_code = next(r.grid_code for r in admin.search_people(limit=1).rows)
    result = admin.import_basedata("people", _written(people_file(grid_code, 601))).value
    assert (result.rows, result.created, result.updated) == (1, 1, 0)
    with database.session() as session:
        assert session.scalar(select(Person.grid_id).where(Person.id_number == id_number(601)))


def _written(file: FileData):
    """A file on disk (the RemoteBackend sends a path's contents, as a console does)."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="cc-admin-test-"))
    path = folder / file.filename
    path.write_bytes(file.data)
    return path


def test_the_list_of_matters_is_the_top_centers(server, community_admin):
    top = log_in(server, "admin")
    with pytest.raises(PermissionDenied):
        community_admin.save_case_type(CaseTypeInput("0301", CaseCategory.DISPUTE, "邻里纠纷"))
    assert (
        top.save_case_type(CaseTypeInput("0301", CaseCategory.DISPUTE, "邻里纠纷")).value == "0301"
    )
    assert [m.code for m in community_admin.case_types()] == ["0301"]
    assert community_admin.case_types() == log_in(server, "leader").case_types()


def test_new_units_are_governed_at_once(server, database, scene, community_admin):
    """The top administrator sets up a community: the server knows it at once, for the
    administrator's next calls (its jurisdiction grew)."""
    top = log_in(server, "admin")
    assert top.units()  # the server knows this session now
    before = top.actor.jurisdiction_unit_ids
    assert top.add_units((NEW_COMMUNITY,)).value == [NEW_COMMUNITY]
    unit = next(u for u in top.units() if u.code == NEW_COMMUNITY)
    # the console's own copy of who it is follows the server's
    assert top.actor.jurisdiction_unit_ids == before | {unit.id}
    assert unit.center_id is not None and unit.parent_id is not None
    top.create_user(
        StaffInput("c-new-admin", "新社区管理员", Role.ADMINISTRATOR, unit.center_id), GIVEN
    )
    assert NEW_COMMUNITY not in {u.code for u in community_admin.units()}


# --- over the network ----------------------------------------------------------------------------


def test_an_import_rejected_arrives_with_its_problems(server, database, scene, community_admin):
    good = id_number(701)
    wrong = good[:17] + ("1" if good[17] == "0" else "0")  # the check digit miswritten
    bad = (
        "姓名,身份证号,网格编码\n"
        f"甲,{id_number(700)},{scene['other_grid_code']}\n"
        f"乙,{wrong},{min(scene['own_codes'])}\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        community_admin.import_basedata("people", _written(FileData("people.csv", bad.encode())))
    problems = rejected.value.problems
    assert len(problems) == 2, problems
    assert "row 2" in problems[0] and "not one of your grids" in problems[0]
    assert "row 3" in problems[1] and "ID number" in problems[1]
    with database.session() as session:
        assert session.scalar(select(Person.id).where(Person.id_number == id_number(700))) is None


def test_the_export_round_trips(server, database, scene, community_admin, tmp_path):
    admin = community_admin
    unique_id_numbers(database, scene["own_grids"])
    masked = tmp_path / "people.xlsx"
    rows = admin.export_basedata("people", masked)
    sheet = load_workbook(masked, read_only=True).active
    lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) == rows + 1 and rows == admin.search_people(limit=1).total
    assert {line[3] for line in lines[1:]} <= scene["own_codes"]
    assert all("*" in line[1] for line in lines[1:])
    with pytest.raises(ImportRejected):  # masked numbers are no ID numbers
        admin.import_basedata("people", masked)
    clear = tmp_path / "people-clear.xlsx"
    assert admin.export_basedata("people", clear, clear=True, reason="报上级中心") == rows
    lines = list(load_workbook(clear, read_only=True).active.iter_rows(values_only=True))[1:]
    with database.session() as session:
        stored = session.scalars(
            select(Person.id_number).where(Person.grid_id.in_(scene["own_grids"]))
        ).all()
    assert sorted(line[1] for line in lines) == sorted(stored)  # in clear, as stored
    again = admin.import_basedata("people", clear).value
    assert (again.rows, again.created, again.updated) == (rows, 0, rows)
    houses = tmp_path / "houses.xlsx"
    assert admin.export_basedata("houses", houses) > 0
    assert len(list(load_workbook(houses, read_only=True).active.iter_rows())) > 1
    exports = [line for line in admin.operation_log(action="export") if line.username == "c-admin"]
    assert [line.reason for line in exports[:3]] == ["", "报上级中心", ""]


def unique_id_numbers(database, grids) -> None:
    """The demo generator gives a few residents the same ID number (a region, a birthday and
    three digits drawn at random); a real register holds each once, and an import reads a
    number twice as a mistake. The community's residents get numbers of their own."""
    with database.writer() as session, session.begin():
        twice = (
            select(Person.id_number)
            .group_by(Person.id_number)
            .having(func.count() > 1)
            .scalar_subquery()
        )
        people = session.scalars(
            select(Person).where(Person.grid_id.in_(grids), Person.id_number.in_(twice))
        ).all()
        for sequence, person in enumerate(people, start=800):
            person.id_number = make_id_number("110102", person.birth_date, sequence)


def test_a_clear_view_writes_a_line_of_the_operation_log(server, database, scene, community_admin):
    with database.session() as session:
        before = session.scalar(select(OperationLogEntry.id).order_by(OperationLogEntry.id.desc()))
    community_admin.person_in_clear(scene["own_person"], "走访前核对")
    with database.session() as session:
        line = session.scalars(select(OperationLogEntry).where(OperationLogEntry.id > before)).one()
    assert (line.username, line.action, line.reason) == ("c-admin", "clear_view", "走访前核对")
    assert line.target.startswith(f"resident {scene['own_person']} ")
    seen = community_admin.operation_log("走访前核对")
    assert [(x.action.value, x.username) for x in seen] == [("clear_view", "c-admin")]
    assert seen[0].center_name == community_admin.actor.center_name


def test_a_disabled_account_is_out_at_once(server, scene, community_admin):
    admin = community_admin
    user_id = admin.create_user(
        StaffInput("c-worker", "社区工作者", Role.DUTY_OFFICER, scene["own_center"]),
        "Worker-first-2026",
    ).value
    worker = log_in(server, "c-worker", "Worker-first-2026")
    worker.change_password("Worker-first-2026", "Worker-own-2026")
    assert worker.load_console() is not None  # in, and known to the server
    admin.set_user_active(user_id, False)
    with pytest.raises(SessionEnded):
        worker.load_console()
    status, answer = raw(server, worker, "my_tasks")
    assert status == 401 and answer["error"] == "SessionEnded"
    with pytest.raises(AuthenticationFailed):
        log_in(server, "c-worker", "Worker-own-2026")
    admin.set_user_active(user_id, True)
    back = log_in(server, "c-worker", "Worker-own-2026")
    assert back.load_console() is not None
    # A reset password also ends the account's sessions at once.
    admin.reset_user_password(user_id, "Worker-reset-2026")
    with pytest.raises(SessionEnded):
        back.load_console()
    response = httpx.post(
        f"{server.url}{API}/call/my_tasks",
        json={"args": {}},
        headers={"Authorization": f"Bearer {back.token}", "X-Request-Id": uuid.uuid4().hex},
    )
    assert response.status_code == 401
