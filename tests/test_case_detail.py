"""The case detail's data: fields, timeline, related cases, cameras, and the steps each role
may take — all decided in the core."""

from __future__ import annotations

import datetime as dt

import pytest

from commandcenter.cases.detail import load_case_detail, perform
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.models import Camera, Case
from commandcenter.workflow.engine import CaseWorkflow
from commandcenter.workflow.rules import Action

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

NOW = dt.datetime(2026, 11, 24, 10, 0)  # a Tuesday


@pytest.fixture
def world(db_url):
    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
        session.add(
            Camera(
                device_id="32120200101320000001",
                name="东安路口",
                lon=119.9051,
                lat=32.4851,
                grid_id=district.grids["G1"],
                center_id=district.centers["c1"],
                main_url="rtsp://127.0.0.1/cam1",
            )
        )
    yield database, district
    database.dispose()


def report(database, district, username="duty", **fields):
    fields.setdefault("source", CaseSource.HOTLINE_12345)
    fields.setdefault("category", CaseCategory.ENVIRONMENT)
    fields.setdefault("title", "垃圾堆放未清运")
    with database.session() as s, s.begin():
        flow = CaseWorkflow(s, calendar=WorkingCalendar(), now=lambda: NOW)
        actor = district.actor(s, username)
        return flow.report(
            actor, grid_id=district.grids["G1"], lon=119.905, lat=32.485,
            reporter_name="王小明", reporter_phone="13812345678", **fields,
        ).case_id  # fmt: skip


def detail(database, district, username, case_id):
    with database.session() as s:
        return load_case_detail(s, district.actor(s, username), case_id, NOW)


def test_detail_shows_the_case_and_what_each_role_may_do(world):
    database, district = world
    case_id = report(database, district)
    duty = detail(database, district, "duty", case_id)
    assert duty.state is CaseState.REPORTED and duty.grid_name and duty.grid_rings
    assert [e.action for e in duty.timeline] == ["report"]
    assert duty.cameras and duty.cameras[0].name == "东安路口" and duty.cameras[0].distance_m < 50
    assert {a.action for a in duty.actions} >= {Action.FILE, Action.DECLINE, Action.URGE}
    assert duty.action(Action.DECLINE).needs_reason and not duty.action(Action.FILE).needs_reason
    assert duty.action(Action.URGE).informational
    # The reporter: masked for a duty officer, in clear for a supervisor.
    assert duty.reporter == "王** 138****5678"
    handler = detail(database, district, "supervisor", case_id)
    assert {a.action for a in handler.actions} == {
        Action.VOID,
        Action.SUPERVISE,
        Action.URGE,
        Action.ATTACH,
    }  # a supervisor does not file
    assert handler.reporter == "王小明 13812345678"
    with pytest.raises(PermissionDenied):
        detail(database, district, "cduty2", case_id)  # another community


def test_steps_from_the_detail_move_the_case(world):
    database, district = world
    case_id = report(database, district)
    d = detail(database, district, "duty", case_id)
    with database.session() as s, s.begin():
        perform(s, district.actor(s, "duty"), case_id, Action.FILE, expected_version=d.version)
    d = detail(database, district, "dispatcher", case_id)
    assert d.state is CaseState.FILED and d.action(Action.DISPATCH).inputs == ("target",)
    target = next(t for t in d.dispatch_targets if t.kind == "department")
    with database.session() as s, s.begin():
        perform(
            s, district.actor(s, "dispatcher"), case_id, Action.DISPATCH,
            expected_version=d.version, target=f"department:{target.id}",
        )  # fmt: skip
    d = detail(database, district, "dispatcher", case_id)
    assert d.state is CaseState.DISPATCHED and target.name in d.holder
    assert [e.action for e in d.timeline] == ["report", "file", "dispatch"]
    # A step the role may not take is refused by the core with its reason.
    with database.session() as s, pytest.raises(TransitionRefused) as refused:
        perform(s, district.actor(s, "gm1"), case_id, Action.ACCEPT, expected_version=d.version)
    assert refused.value.reason == "role"


def test_possible_duplicates_are_related(world):
    database, district = world
    first = report(database, district)
    with database.session() as s, s.begin():
        flow = CaseWorkflow(s, calendar=WorkingCalendar(), now=lambda: NOW)
        second = flow.report(
            district.actor(s, "duty"), grid_id=district.grids["G1"], lon=119.9051, lat=32.4851,
            source=CaseSource.GRID_PATROL, category=CaseCategory.ENVIRONMENT, title="同一处垃圾",
            allow_duplicate=True,
        ).case_id  # fmt: skip
    related = detail(database, district, "duty", second).related
    assert [(r.id, r.relation) for r in related] == [(first, "possible_duplicate")]
    with database.session() as s:
        assert s.get(Case, first).state is CaseState.REPORTED
