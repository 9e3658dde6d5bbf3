"""The display account (大屏展示账号, ``Role.DISPLAY``): the video wall's account of a center.

It reads what its center's jurisdiction covers, as a duty officer reads it — the board's rows,
the tree, the cameras and their stream credentials, the tours, the figures — and the core
refuses it every write: each write of the backend (listed here from the backend itself, so a
new one cannot be left out) is refused before any transaction opens, and nothing changes. The
server's side of the same (over HTTP) is in ``test_server.py``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from commandcenter.access.accounts import READ_ONLY_ROLES, authenticate
from commandcenter.admin.catalogue import CaseTypeInput
from commandcenter.admin.departments import DepartmentInput
from commandcenter.admin.grid_people import GridAssignment
from commandcenter.admin.staff import StaffInput
from commandcenter.backend import LocalBackend
from commandcenter.backend.interface import Backend
from commandcenter.basedata.people import PersonInput
from commandcenter.cameras.registry import CameraInput
from commandcenter.cases.operations import FileData, NewCase
from commandcenter.cases.visits import NewVisit
from commandcenter.channels.open311 import add_integration
from commandcenter.clock import ManualClock
from commandcenter.domain.codes import SizingRule
from commandcenter.domain.enums import (
    AdminLevel,
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
    CommandCenterError,
    ImportRejected,
    PermissionDenied,
    TransitionRefused,
)
from commandcenter.patrols import PhonePosition
from commandcenter.server.calls import CALLS
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    AdminUnit,
    Base,
    Building,
    Case,
    Center,
    Department,
    Grid,
    House,
    Person,
    User,
)
from commandcenter.video.wall import Tour
from commandcenter.workflow.engine import CaseWorkflow
from commandcenter.workflow.rules import RULES, Action

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW, demo_backend
except ImportError:
    from conftest import DEMO_NOW, demo_backend

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DISPLAY_REFUSAL = "display account"  # the words of ``accounts.require_can_write``


@pytest.fixture(scope="module")
def db(tmp_path_factory, demo_database):
    """A copy of the demo district for this module: if a write slipped through, it would land
    here, not in the session's shared demo."""
    source = demo_database.url.split("sqlite:///", 1)[1]
    target = tmp_path_factory.mktemp("display-role") / "demo.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def wall(db) -> LocalBackend:
    return demo_backend(db, "wall")


@pytest.fixture(scope="module")
def things(db, wall):
    """What the writes aim at, all inside the wall's jurisdiction (the whole district)."""
    data = wall.load_console()
    case = next(r for r in data.rows if r.state.is_open and r.grid_id is not None)
    with db.session() as s:
        house_id = s.scalar(
            select(House.id)
            .join(Building, House.building_id == Building.id)
            .where(Building.grid_id == case.grid_id)
            .order_by(House.id)
            .limit(1)
        )
        person = s.scalars(select(Person).where(Person.grid_id == case.grid_id).limit(1)).one()
        users = dict(s.execute(select(User.username, User.id)).all())
    camera = data.cameras[0]
    return SimpleNamespace(
        case=case,
        grid_id=case.grid_id,
        house_id=house_id,
        person_id=person.id,
        person_name=person.name,
        camera=camera,
        tour=data.tours[0].name,
        center_id=wall.actor.center_id,
        wall_id=users["wall"],
        duty_id=users["duty"],
    )


def camera_input(camera) -> CameraInput:
    return CameraInput(
        camera.device_id, camera.name + "改", camera.main_url, camera.lon, camera.lat
    )


def a_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Every write of the backend, as the wall would try it (``backend_writes`` finds them).
WRITES = {
    # cases
    "report_case": lambda b, t, p: b.report_case(
        NewCase(
            CaseSource.VIDEO_PATROL, CaseCategory.PUBLIC_ORDER, "大屏上看到的事", grid_id=t.grid_id
        ).fields(),
        allow_duplicate=True,
    ),
    "take_step": lambda b, t, p: b.take_step(
        t.case.id, Action.URGE, expected_version=t.case.version, comment="催办"
    ),
    "take_bulk_step": lambda b, t, p: b.take_bulk_step(
        {t.case.id: t.case.version}, Action.URGE, comment="催办"
    ),
    "attach": lambda b, t, p: b.attach(
        t.case.id, FileData("snapshot.png", PNG, "image/png"), AttachmentKind.SNAPSHOT
    ),
    "record_visit": lambda b, t, p: b.record_visit(NewVisit(t.house_id, "走访：一切正常")),
    # rounds and positions
    "start_patrol": lambda b, t, p: b.start_patrol(),
    "end_patrol": lambda b, t, p: b.end_patrol(),
    "send_positions": lambda b, t, p: b.send_positions(
        (PhonePosition(t.camera.lon, t.camera.lat, 5.0),)
    ),
    # the video wall: tours; the camera registry; exports
    "save_tour": lambda b, t, p: b.save_tour(Tour("大屏自己的轮巡", (t.camera.id,), 15)),
    "delete_tour": lambda b, t, p: b.delete_tour(t.tour),
    "add_camera": lambda b, t, p: b.add_camera(camera_input(t.camera)),
    "update_camera": lambda b, t, p: b.update_camera(t.camera.id, camera_input(t.camera)),
    "import_cameras_csv": lambda b, t, p: b.import_cameras_csv(
        a_file(
            p,
            "new-cameras.csv",
            "device_id,name,main_url,lon,lat\n"
            "32120200011321999999,x,rtsp://10.0.0.1/x,119.9,32.4\n",
        )
    ),
    "export_cameras_csv": lambda b, t, p: b.export_cameras_csv(p / "cameras.csv"),
    "record_export": lambda b, t, p: b.record_export("案件列表", 3),
    "import_grids": lambda b, t, p: b.import_grids(
        a_file(p, "grids.geojson", json.dumps({"type": "FeatureCollection", "features": []})),
        replace=True,
    ),
    # administration
    "add_units": lambda b, t, p: b.add_units(("321202001009",)),
    "save_department": lambda b, t, p: b.save_department(
        None, DepartmentInput(t.center_id, "大屏部门", DepartmentKind.URBAN_MANAGEMENT)
    ),
    "create_user": lambda b, t, p: b.create_user(
        StaffInput("wall-two", "第二块大屏", Role.DISPLAY, t.center_id), "Display-2026"
    ),
    "update_user": lambda b, t, p: b.update_user(  # its own account made an administrator
        t.wall_id, StaffInput("wall", "指挥大厅大屏", Role.ADMINISTRATOR, t.center_id)
    ),
    "set_user_active": lambda b, t, p: b.set_user_active(t.duty_id, False),
    "reset_user_password": lambda b, t, p: b.reset_user_password(t.duty_id, "Taken-over-2026"),
    "import_staff": lambda b, t, p: b.import_staff(
        a_file(p, "staff.csv", f"用户名,姓名,角色,中心\nwall3,第三块大屏,大屏,{t.center_id}\n")
    ),
    "assign_grid": lambda b, t, p: b.assign_grid(t.grid_id, GridAssignment(())),
    "save_case_type": lambda b, t, p: b.save_case_type(
        CaseTypeInput("0999", CaseCategory.OTHER, "大屏自定事项")
    ),
    "import_case_types": lambda b, t, p: b.import_case_types(
        a_file(p, "matters.csv", "编码,大类,事项\n0999,其他,大屏自定事项\n")
    ),
    "set_local_rules": lambda b, t, p: b.set_local_rules(
        LocalRules(SizingRule(1, 2, 3), (VisitInterval(SpecialGroup.DISABLED, 1),))
    ),
    # base data: a view in clear, an edit, an import, an export
    "person_in_clear": lambda b, t, p: b.person_in_clear(t.person_id, "想看看"),
    "save_person": lambda b, t, p: b.save_person(
        t.person_id, PersonInput(t.person_name, t.grid_id, HouseholdStatus.REGISTERED)
    ),
    "import_basedata": lambda b, t, p: b.import_basedata(
        "people", a_file(p, "people.csv", "姓名,身份证号,网格编码\n")
    ),
    "export_basedata": lambda b, t, p: b.export_basedata("people", p / "people.xlsx"),
}


def backend_writes() -> set[str]:
    """The writes of ``LocalBackend``, from the class: every public method that answers an
    ``Outcome`` or runs a write transaction (``_write``, ``_admin_write``)."""
    found = set()
    for name, method in inspect.getmembers(LocalBackend, inspect.isfunction):
        if name.startswith("_"):
            continue
        source = inspect.getsource(method)
        if "Outcome" in str(inspect.signature(method).return_annotation) or any(
            call in source for call in ("self._write(", "self._admin_write(")
        ):
            found.add(name)
    return found


def test_the_table_names_every_write_of_the_backend():
    assert set(WRITES) == backend_writes(), "a new write needs its refusal test here"
    interface = {
        name
        for name, method in inspect.getmembers(Backend, inspect.isfunction)
        if "Outcome" in str(inspect.signature(method).return_annotation)
    }
    assert interface <= set(WRITES)
    # The server's writes are the backend's (the base-data workbook is export_basedata).
    server_writes = {name for name, call in CALLS.items() if call.write}
    assert server_writes - {"basedata_xlsx"} <= set(WRITES)


def footprint(database) -> dict[str, int]:
    """The number of rows of every table."""
    with database.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def opened_writers(db, monkeypatch) -> list[str]:
    """Each write transaction opened on the module's database while the test runs."""
    opened, real = [], db.writer

    def writer():
        opened.append("writer")
        return real()

    monkeypatch.setattr(db, "writer", writer)
    return opened


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_is_refused_to_the_display_account(
    name, db, wall, things, tmp_path, opened_writers
):
    before = footprint(db)
    with pytest.raises(PermissionDenied, match=DISPLAY_REFUSAL):
        WRITES[name](wall, things, tmp_path)
    assert opened_writers == []  # refused before any transaction opened
    assert footprint(db) == before
    assert not (tmp_path / "cameras.csv").exists() and not (tmp_path / "people.xlsx").exists()


def test_no_step_of_the_closed_loop_is_the_display_accounts(db, wall, things):
    assert all(not (rule.roles & READ_ONLY_ROLES) for rule in RULES.values())
    case = things.case
    assert wall.case_detail(case.id).actions == ()  # no button on the case tab
    assert wall.my_tasks() == []  # nothing waits for it
    with db.session() as session:  # the engine itself, below the backend
        flow = CaseWorkflow(session, now=lambda: DEMO_NOW)
        stored = session.get(Case, case.id)
        assert flow.allowed_actions(wall.actor, stored) == []
        for action in RULES:
            with pytest.raises(TransitionRefused) as refused:
                if action is Action.ATTACH:
                    flow.attach(
                        wall.actor, case.id, PNG, filename="x.png", media_type="image/png",
                        kind=AttachmentKind.SNAPSHOT,
                    )  # fmt: skip
                else:
                    flow.perform(wall.actor, case.id, action, expected_version=stored.version)
            assert refused.value.reason == "role", action
        with pytest.raises(PermissionDenied, match=DISPLAY_REFUSAL):
            flow.report(
                wall.actor,
                source=CaseSource.VIDEO_PATROL,
                category=CaseCategory.PUBLIC_ORDER,
                title="大屏上看到的事",
                grid_id=case.grid_id,
                allow_duplicate=True,
            )
        session.rollback()


def test_an_outside_system_cannot_report_as_a_display_account(db):
    with db.session() as session:
        with pytest.raises(CommandCenterError, match="display account"):
            add_integration(session, "大屏", "wall", CaseSource.HOTLINE_12345, DEMO_NOW)
        session.rollback()


def test_the_display_account_reads_its_whole_jurisdiction(db, wall):
    """The county center's wall reads what the county's supervisor reads: every open case,
    the tree, the cameras (with what opens their streams), the tours and the figures; texts
    masked as for a duty officer."""
    supervisor = demo_backend(db, "supervisor")
    assert wall.actor.role is Role.DISPLAY and not wall.actor.may_write
    assert wall.actor.jurisdiction_center_ids == supervisor.actor.jurisdiction_center_ids
    assert not wall.actor.sees_personal_data and wall.actor.department_id is None
    mine, theirs = wall.load_console(), supervisor.load_console()
    assert mine.rows and {r.id for r in mine.rows} == {r.id for r in theirs.rows}
    assert mine.tree.name == theirs.tree.name and len(list(mine.tree.walk())) == len(
        list(theirs.tree.walk())
    )
    assert mine.cameras and mine.cameras == theirs.cameras
    assert mine.tours == theirs.tours == wall.tours()
    assert wall.camera_list() == supervisor.camera_list()
    credentials = wall.stream_credentials()
    assert credentials(mine.cameras[0].id) == supervisor.stream_credentials()(mine.cameras[0].id)
    assert wall.changes_since(mine.mark).rows == ()
    case = next(r for r in mine.rows if r.state.is_open)
    assert wall.case_detail(case.id).code == case.code
    assert wall.case_history(case.id)
    assert wall.search_places("网格", 5)
    assert wall.field_workers() == supervisor.field_workers()
    as_of = DEMO_NOW
    overview = wall.figures_overview("2026-11", as_of)
    assert overview == supervisor.figures_overview("2026-11", as_of)
    assert wall.figures_trace_day(dt.date(2026, 11, 20), "intake", as_of).ids
    assert wall.monthly_report("2026-10").center_id == wall.actor.center_id
    assert wall.case_types() == supervisor.case_types()


def test_the_display_account_reads_no_administration_nor_residents(wall, things):
    for read in (
        wall.units,
        wall.departments,
        wall.staff,
        wall.grid_people,
        wall.operation_log,
        wall.search_people,
        wall.search_buildings,
        wall.search_organisations,
        wall.visits_due,
        lambda: wall.stored_camera(things.camera.id),
        lambda: wall.test_camera_url(camera_input(things.camera), things.camera.id),
    ):
        with pytest.raises(PermissionDenied):
            read()


# --- administration: display accounts made by hand and imported ------------------------------


def test_an_administrator_makes_display_accounts_by_hand_and_by_import(writable_demo, tmp_path):
    admin = demo_backend(writable_demo, "admin")
    with writable_demo.session() as s:
        street = s.scalars(
            select(Center)
            .join(AdminUnit, Center.unit_id == AdminUnit.id)
            .where(AdminUnit.level == AdminLevel.TOWNSHIP)
            .order_by(Center.id)
        ).first()
        county_code = s.scalar(
            select(AdminUnit.code)
            .join(Center, Center.unit_id == AdminUnit.id)
            .where(Center.id == admin.actor.center_id)
        )
        department = s.scalars(
            select(Department).where(Department.center_id == street.id).order_by(Department.id)
        ).first()
        grid_code = s.scalar(select(Grid.code).order_by(Grid.id).limit(1))
    created = admin.create_user(
        StaffInput("street-wall", "街道大屏", Role.DISPLAY, street.id), "Display-2026"
    ).value
    row = next(r for r in admin.staff("street-wall") if r.id == created)
    assert row.role is Role.DISPLAY and row.department_id is None and row.grid_codes == ()
    with pytest.raises(CommandCenterError, match="only department handlers"):
        admin.create_user(
            StaffInput("wall-d", "部门大屏", Role.DISPLAY, street.id, department.id), "Display-2026"
        )

    staff = tmp_path / "staff.csv"
    staff.write_text(
        "用户名,姓名,角色,中心\n"
        f"hall-wall,大厅大屏,大屏,{county_code}\n"
        f"street-wall2,街道二号屏,大屏展示,{street.name}\n",
        encoding="utf-8",
    )
    result = admin.import_staff(staff).value
    assert result.created == 2 and len(result.passwords) == 2
    rows = {r.username: r for r in admin.staff("wall")}
    assert rows["hall-wall"].role is rows["street-wall2"].role is Role.DISPLAY
    assert rows["street-wall2"].center_id == street.id

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "用户名,姓名,角色,中心,部门,网格\n"
        f"wall-g,网格大屏,大屏,{street.name},,{grid_code}\n"
        f"wall-d,部门大屏,大屏,{street.name},{department.name},\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        admin.import_staff(bad)
    problems = " | ".join(rejected.value.problems)
    assert "only grid managers and grid leaders have grids" in problems
    assert "only department handlers belong to a department" in problems

    # An imported display account logs in with its first password and only reads its center.
    password = dict(result.passwords)["street-wall2"]
    with writable_demo.session() as s:
        actor = authenticate(s, "street-wall2", password)
    screen = LocalBackend(writable_demo, actor, ManualClock(DEMO_NOW))
    rows = screen.load_console().rows
    assert rows and all(actor.governs_center(r.center_id) for r in rows)
    street_duty = demo_backend(writable_demo, "duty").actor  # of the same street center
    assert actor.jurisdiction_center_ids == street_duty.jurisdiction_center_ids
    assert actor.center_id == street.id and actor.role is Role.DISPLAY
    with pytest.raises(PermissionDenied, match=DISPLAY_REFUSAL):
        screen.record_export("案件列表", len(rows))
