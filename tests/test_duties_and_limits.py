"""Issue 15, integrity: the attacks the review found, each tried and refused.

- one dispatcher closing the loop alone (file, dispatch to his own center, accept, report the
  result, verify it, enter the rating 5): separation of duties refuses the verification and the
  rating, the board does not offer them, a center may turn the rule off and the figures then
  count the loop one person closed;
- a grid manager verifying a case of a grid not his;
- a department handler reading every case of his street (board, case tab, history, search,
  figures);
- a report at (0, 0), or at another community's coordinates on one's own grid, or from a source
  the role does not take;
- an extension of 1,000,000 hours, NaN and infinity in a step's numbers.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
import shapely
from sqlalchemy import select

from commandcenter.backend import LocalBackend
from commandcenter.cases import board
from commandcenter.cases.operations import report_case
from commandcenter.clock import ManualClock
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState, GridKind, Role
from commandcenter.domain.limits import MAX_SEARCH_CHARS, search_text
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.figures import kpi
from commandcenter.jurisdiction.search import search_places
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    Case,
    CaseEvent,
    Grid,
    OperationLogEntry,
    User,
    grid_managers,
)
from commandcenter.workflow import Action
from commandcenter.workflow.duties import set_separation
from commandcenter.workflow.engine import CaseWorkflow

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

S = CaseState
TUESDAY = dt.datetime(2026, 11, 24, 10, 0)
IN_G1 = (119.902, 32.485)
IN_G2 = (119.912, 32.485)  # the other community's grid


class Center:
    """The hand-built district with a second grid in 东安社区 (G1b, manager gm1b), steps taken
    through the engine and reads through a console's backend."""

    def __init__(self, url: str):
        self.database = open_database(url)
        self.clock = ManualClock(TUESDAY)
        with self.database.session() as s, s.begin():
            self.district = build_district(s)
            c1_grid = s.get(Grid, self.district.grids["G1"])
            polygon = shapely.box(119.905, 32.48, 119.91, 32.49)
            grid = Grid(
                code=c1_grid.code[:-3] + "102",
                name="东安社区第02网格",
                kind=GridKind.URBAN,
                community_id=c1_grid.community_id,
                households=300,
                population=800,
                centroid_lon=polygon.centroid.x,
                centroid_lat=polygon.centroid.y,
            )
            grid.set_geometry(polygon)
            user = User(
                username="gm1b",
                display_name="gm1b",
                role=Role.GRID_MANAGER,
                center_id=self.district.centers["c1"],
            )
            s.add_all([grid, user])
            s.flush()
            s.execute(grid_managers.insert().values(grid_id=grid.id, user_id=user.id))
            self.district.grids["G1b"] = grid.id
            self.district.users["gm1b"] = user.id

    def actor(self, username):
        with self.database.session() as s:
            return self.district.actor(s, username)

    def console(self, username) -> LocalBackend:
        return LocalBackend(self.database, self.actor(username), self.clock)

    def flow(self, session) -> CaseWorkflow:
        return CaseWorkflow(session, calendar=WorkingCalendar(), now=self.clock.now)

    def report(self, username, grid="G1", **fields):
        fields = {
            "source": CaseSource.GRID_PATROL,
            "category": CaseCategory.ENVIRONMENT,
            "title": "垃圾堆放未清运",
            "allow_duplicate": True,
            **fields,
        }
        with self.database.session() as s, s.begin():
            grid_id = self.district.grids[grid] if grid else None
            change = self.flow(s).report(self.actor(username), grid_id=grid_id, **fields)
        return change.case_id

    def do(self, username, case_id, action, comment="x", **params):
        with self.database.session() as s, s.begin():
            version = s.get(Case, case_id).version
            return self.flow(s).perform(
                self.district.actor(s, username),
                case_id,
                action,
                expected_version=version,
                comment=comment,
                **params,
            )

    def refused(self, reason, username, case_id, action, comment="x", **params) -> str:
        before = self.case(case_id).version
        with pytest.raises(TransitionRefused) as raised:
            self.do(username, case_id, action, comment, **params)
        assert raised.value.reason == reason, str(raised.value)
        assert self.case(case_id).version == before  # nothing applied
        return str(raised.value)

    def case(self, case_id) -> Case:
        with self.database.session() as s:
            return s.get(Case, case_id)

    def offered(self, username, case_id) -> set[Action]:
        with self.database.session() as s:
            return set(self.flow(s).allowed_actions(self.actor(username), s.get(Case, case_id)))

    def queued(self, username, case_id) -> bool:
        """The case is in the actor's "needs my action" queue on the board."""
        backend = self.console(username)
        row = next(r for r in backend.load_console().rows if r.id == case_id)
        return board.needs_action(backend.actor, row, self.clock.now())

    def separation(self, center: str, on: bool | None) -> None:
        with self.database.session() as s, s.begin():
            set_separation(s, None, self.district.centers[center], on)


@pytest.fixture
def center(tmp_path):
    world = Center(f"sqlite:///{tmp_path / 'duties.db'}")
    yield world
    world.database.dispose()


@pytest.fixture
def center_both(db_url):
    world = Center(db_url)
    yield world
    world.database.dispose()


def dispatcher_alone_to_verification(center: Center) -> int:
    """The dispatcher takes a hotline call, files it, dispatches it to his own center, accepts
    it and reports the result: everything but the verification and the rating."""
    cid = center.report("dispatcher", source=CaseSource.HOTLINE_12345, reporter_name="王女士")
    center.do("dispatcher", cid, Action.FILE)
    center.do("dispatcher", cid, Action.DISPATCH, center_id=center.district.centers["street"])
    center.do("dispatcher", cid, Action.ACCEPT)
    center.do("dispatcher", cid, Action.REPORT_RESULT, "已处理")
    return cid


# --- separation of duties ------------------------------------------------------------------------


def test_one_dispatcher_cannot_close_the_loop_alone(center_both):
    center = center_both
    cid = dispatcher_alone_to_verification(center)
    message = center.refused("duties", "dispatcher", cid, Action.VERIFY, passed=True)
    assert "separation of duties" in message and "verify" in message
    # neither the case tab's buttons nor the board's queue offer what the engine refuses
    assert Action.VERIFY not in center.offered("dispatcher", cid)
    assert not center.queued("dispatcher", cid)
    assert Action.VERIFY in center.offered("duty", cid) and center.queued("duty", cid)
    center.do("duty", cid, Action.VERIFY, passed=True)
    assert center.case(cid).state == S.FOLLOW_UP
    message = center.refused("duties", "dispatcher", cid, Action.FOLLOW_UP, rating=5)
    assert "rating" in message
    assert Action.FOLLOW_UP not in center.offered("dispatcher", cid)
    assert not center.queued("dispatcher", cid)
    center.do("duty", cid, Action.FOLLOW_UP, "电话回访", rating=5)
    assert center.case(cid).state == S.CLOSED
    with center.database.session() as s:
        street = kpi.compute_kpis(
            s, center.actor("supervisor"), "2026-11", "center", as_of=TUESDAY + dt.timedelta(9)
        )
    assert sum(r.closed_alone for r in street) == 0


def test_a_center_may_turn_separation_off_and_the_figures_show_it(center):
    """The setting nearest above the case's center decides (the case is in G1, 东安社区)."""
    center.separation("c2", False)  # another community's setting changes nothing here
    cid = dispatcher_alone_to_verification(center)
    center.refused("duties", "dispatcher", cid, Action.VERIFY, passed=True)
    center.separation("street", False)  # the street's, for its communities
    assert Action.VERIFY in center.offered("dispatcher", cid) and center.queued("dispatcher", cid)
    center.do("dispatcher", cid, Action.VERIFY, passed=True)
    center.do("dispatcher", cid, Action.FOLLOW_UP, "电话回访", rating=5)
    assert center.case(cid).state == S.CLOSED and center.case(cid).satisfaction == 5
    # the figures count who did what: a loop closed by one person is counted and drills to it
    as_of = TUESDAY + dt.timedelta(days=9)
    with center.database.session() as s:
        supervisor = center.actor("supervisor")
        rows = kpi.compute_kpis(s, supervisor, "2026-11", "center", as_of=as_of)
        row = next(r for r in rows if r.key == center.district.centers["c1"])
        assert row.closed_alone == 1
        ids = kpi.drill(s, supervisor, "2026-11", "center", row.key, "closed_alone", as_of=as_of)
        assert list(ids) == [cid]
        # the archive names the same person at each step
        actors = s.scalars(
            select(CaseEvent.actor_user_id).where(CaseEvent.case_id == cid).order_by(CaseEvent.seq)
        ).all()
    assert set(actors) == {center.district.users["dispatcher"]}
    # a community turns it on again below a street that turned it off
    center.separation("c1", True)
    cid = dispatcher_alone_to_verification(center)
    center.refused("duties", "dispatcher", cid, Action.VERIFY, passed=True)


def test_only_an_administrator_of_the_jurisdiction_sets_separation(center):
    with center.database.session() as s, s.begin():
        with pytest.raises(PermissionDenied):
            set_separation(s, center.actor("duty"), center.district.centers["street"], False)
        set_separation(s, center.actor("admin"), center.district.centers["street"], False)
    with center.database.session() as s:
        line = s.scalar(select(OperationLogEntry).where(OperationLogEntry.username == "admin"))
        assert "separation of duties off" in line.detail and "城东街道" in line.target


def test_a_department_handler_does_not_verify_or_rate_what_he_handled(center):
    """The rule reads the handler of record: who reported the result, here a handler of the
    department; a department handler never verifies anyway, and the duty officer who took the
    case over when it was dispatched to the street does not rate it."""
    cid = center.report("duty", source=CaseSource.RESIDENT, reporter_name="李先生")
    center.do("duty", cid, Action.FILE)
    center.do("dispatcher", cid, Action.DISPATCH, center_id=center.district.centers["street"])
    center.do("duty", cid, Action.ACCEPT)
    center.do("duty", cid, Action.REPORT_RESULT, "已处理")
    center.refused("duties", "duty", cid, Action.VERIFY, passed=True)
    center.do("gm1", cid, Action.VERIFY, passed=True)
    center.refused("duties", "duty", cid, Action.FOLLOW_UP, rating=5)
    center.do("dispatcher", cid, Action.FOLLOW_UP, "回访", rating=4)


# --- a grid manager acts on his own grids -------------------------------------------------------


def test_a_grid_manager_verifies_only_in_his_own_grids(center):
    cid = center.report("gm1")  # G1, 东安社区
    center.do("duty", cid, Action.FILE)
    center.do("dispatcher", cid, Action.DISPATCH, department_id=center.district.departments["street_dept"])  # fmt: skip
    center.do("handler", cid, Action.ACCEPT)
    center.do("handler", cid, Action.REPORT_RESULT, "已清运")
    # gm1b manages G1b in the same community: before, the community was his "jurisdiction"
    center.refused("jurisdiction", "gm1b", cid, Action.VERIFY, passed=True)
    assert center.offered("gm1b", cid) == set()
    assert cid not in {r.id for r in center.console("gm1b").load_console().rows}
    with pytest.raises(PermissionDenied):
        center.console("gm1b").case_detail(cid)
    center.do("gm1", cid, Action.VERIFY, passed=True)


def test_a_grid_manager_reports_only_in_his_own_grids(center):
    with pytest.raises(TransitionRefused) as raised:
        center.report("gm1b", grid="G1")
    assert raised.value.reason == "jurisdiction"
    center.report("gm1b", grid="G1b")


# --- a department handler reads what his department holds or held -----------------------------


def test_a_department_handler_reads_only_his_departments_cases(center):
    other = center.report("gm1", title="楼道堆物")  # in his street, never his department's
    county = center.report("gm2", grid="G2", title="路灯不亮", category=CaseCategory.MUNICIPAL)
    center.do("duty", county, Action.FILE)
    center.do("dispatcher", county, Action.DISPATCH, center_id=center.district.centers["c2"])
    mine = center.report("gm1", grid="G1", title="垃圾满溢")
    center.do("duty", mine, Action.FILE)
    center.do("dispatcher", mine, Action.DISPATCH, department_id=center.district.departments["street_dept"])  # fmt: skip
    handler = center.console("handler")
    assert handler.actor.governs_center(center.case(other).center_id)  # his street's case
    assert {r.id for r in handler.load_console().rows} == {mine}
    assert {r.id for r in handler.my_tasks()} == {mine}
    for case_id in (other, county):
        with pytest.raises(PermissionDenied):
            handler.case_detail(case_id)
        with pytest.raises(PermissionDenied):
            handler.case_history(case_id)
    assert handler.case_detail(mine).code
    with center.database.session() as s:
        hits = search_places(s, handler.actor, "楼道堆物")
        assert not [h for h in hits if h.kind == "case"]
        assert [h.id for h in search_places(s, handler.actor, "垃圾满溢") if h.kind == "case"] == [
            mine
        ]
    # held: after the result and the closing, the department still reads its case
    center.do("handler", mine, Action.ACCEPT)
    center.do("handler", mine, Action.REPORT_RESULT, "已清运")
    center.do("gm1", mine, Action.VERIFY, passed=True)
    assert center.case(mine).state == S.CLOSED
    assert handler.case_detail(mine).code
    # the figures count his department's cases only
    with center.database.session() as s:
        rows = kpi.compute_kpis(
            s, handler.actor, "2026-11", "grid", as_of=TUESDAY + dt.timedelta(days=9)
        )
    assert sum(r.intake for r in rows) == 1
    # the street's duty officer still reads all three
    assert {other, county, mine} <= {r.id for r in center.console("duty").load_console().rows}


def test_a_department_handler_reports_hand_overs_and_reads_them(center):
    cid = center.report("handler", source=CaseSource.DEPARTMENT, title="占道经营移交")
    assert center.console("handler").case_detail(cid).code
    with pytest.raises(TransitionRefused) as raised:
        center.report("handler", source=CaseSource.GRID_PATROL, title="巡查")
    assert raised.value.reason == "role"


# --- input checks in the core --------------------------------------------------------------------


@pytest.mark.parametrize(
    "username, grid, point, reason",
    [
        ("gm1", "G1", (0.0, 0.0), "input"),  # null island
        ("gm1", "G1", IN_G2, "input"),  # the other community's coordinates on his own grid
        ("duty", "G1", IN_G2, "input"),
        ("gm1", "G1", (math.nan, 32.485), "input"),
        ("gm1", "G1", (math.inf, 32.485), "input"),
        ("gm1", "G1", (119.902, None), "input"),
        ("gm1", None, IN_G2, "jurisdiction"),  # a point alone: its grid, not his
        ("cduty1", None, IN_G2, "jurisdiction"),  # the other community's grid
    ],
)
def test_a_report_lies_in_its_grid_and_the_reporters_jurisdiction(
    center, username, grid, point, reason
):
    lon, lat = point
    with pytest.raises(TransitionRefused) as raised:
        center.report(username, grid=grid, lon=lon, lat=lat)
    assert raised.value.reason == reason, str(raised.value)
    with center.database.session() as s:
        assert s.scalar(select(Case.id)) is None  # nothing saved


def test_a_good_point_is_taken_and_a_point_alone_finds_its_grid(center):
    cid = center.report("gm1", grid="G1", lon=IN_G1[0], lat=IN_G1[1])
    assert center.case(cid).grid_id == center.district.grids["G1"]
    cid = center.report("cduty2", grid=None, lon=IN_G2[0], lat=IN_G2[1], source=CaseSource.RESIDENT)
    case = center.case(cid)
    assert case.grid_id == center.district.grids["G2"]
    assert case.center_id == center.district.centers["c2"]


def test_the_field_apps_report_path_checks_the_point_too(center):
    """``operations.report_case`` (the field app, the console, the server's call)."""
    with center.database.session() as s, s.begin(), pytest.raises(TransitionRefused):
        report_case(
            s,
            center.actor("gm1"),
            center.clock.now,
            {
                "source": CaseSource.GRID_PATROL,
                "category": CaseCategory.ENVIRONMENT,
                "title": "井盖缺失",
                "grid_id": center.district.grids["G1"],
                "lon": 0.0,
                "lat": 0.0,
            },
        )


def test_sources_are_allowed_per_role(center):
    with pytest.raises(TransitionRefused) as raised:
        center.report("gm1", source=CaseSource.HOTLINE_12345)
    assert raised.value.reason == "role" and "grid_patrol" in str(raised.value)
    with pytest.raises(TransitionRefused):
        center.report("admin", source=CaseSource.RESIDENT)
    center.report("gm1", source=CaseSource.RESIDENT)
    center.report("duty", source=CaseSource.VIDEO_PATROL, title="视频发现占道")


def handling_case(center: Center) -> int:
    cid = center.report("gm1")
    center.do("duty", cid, Action.FILE)
    center.do("dispatcher", cid, Action.DISPATCH, department_id=center.district.departments["street_dept"])  # fmt: skip
    center.do("handler", cid, Action.ACCEPT)
    return cid


@pytest.mark.parametrize(
    "params, limit",
    [
        ({"hours": 1_000_000}, "between 0 and 240"),
        ({"hours": math.nan}, "between 0 and 240"),
        ({"hours": math.inf}, "between 0 and 240"),
        ({"hours": -5}, "between 0 and 240"),
        ({"hours": "nan"}, "between 0 and 240"),
        ({"days": 10_000}, "between 0 and 30"),
        ({"days": 1.5}, "whole number between 0 and 30"),
        ({"days": math.inf}, "between 0 and 30"),
        ({"days": "many"}, "between 0 and 30"),
    ],
)
def test_an_extension_is_finite_and_sane(center, params, limit):
    cid = handling_case(center)
    message = center.refused("input", "handler", cid, Action.REQUEST_EXTENSION, "需协调", **params)
    assert limit in message
    assert center.case(cid).pending_extension_minutes is None


def test_supervision_hours_and_ratings_are_finite_and_sane(center):
    cid = handling_case(center)
    for hours in (math.nan, math.inf, 1e9, 0):
        assert "between 0.5 and 720" in center.refused(
            "input", "supervisor", cid, Action.SUPERVISE, "请处置", hours=hours
        )
    center.do("supervisor", cid, Action.SUPERVISE, "请今日内处置", hours=4)
    cid = center.report("duty", source=CaseSource.HOTLINE_12345, reporter_name="王女士")
    center.do("duty", cid, Action.FILE)
    center.do("dispatcher", cid, Action.DISPATCH, department_id=center.district.departments["street_dept"])  # fmt: skip
    center.do("handler", cid, Action.ACCEPT)
    center.do("handler", cid, Action.REPORT_RESULT, "已处理")
    center.do("gm1", cid, Action.VERIFY, passed=True)
    for rating in (math.nan, math.inf, 6, 0, 4.5, None, True):
        assert "between 1 and 5" in center.refused(
            "input", "duty", cid, Action.FOLLOW_UP, rating=rating
        )
    center.do("duty", cid, Action.FOLLOW_UP, "回访", rating=4.0)
    assert center.case(cid).satisfaction == 4


def test_search_texts_are_cut(center):
    assert search_text("查" * 10_000) == "查" * MAX_SEARCH_CHARS
    assert search_text(None) == ""
    with center.database.session() as s:
        assert search_places(s, center.actor("duty"), "x" * 1_000_000) == []


# --- the demo district respects separation of duties ----------------------------------------------


def test_the_demo_history_respects_separation_of_duties(demo_database):
    """No generated case was verified or rated by the person who handled it (accepted it,
    reported its result or resolved it on the spot)."""
    with demo_database.session() as s:
        events = s.execute(
            select(CaseEvent.case_id, CaseEvent.action, CaseEvent.actor_user_id).order_by(
                CaseEvent.case_id, CaseEvent.seq
            )
        ).all()
    hands: dict[int, set[int]] = {}
    checked = 0
    for case_id, action, user_id in events:
        if action in ("accept", "report_result", "self_resolve"):
            hands.setdefault(case_id, set()).add(user_id)
        elif action in ("verify", "follow_up"):
            checked += 1
            assert user_id not in hands.get(case_id, set()), (case_id, action)
    assert checked > 1000


# --- the read rule over the real server ----------------------------------------------------------


@pytest.fixture(scope="module")
def served(postgres_server, demo_pg_template):
    """The center's server on a copy of the demo district, and that database to look in."""
    try:
        from .server_process import CenterServer
    except ImportError:
        from server_process import CenterServer
    name = postgres_server.create_database(template=demo_pg_template)
    url = postgres_server.url_for(name)
    database = open_database(url, migrate=False)
    with CenterServer(url) as server:
        yield server, database
    database.dispose()
    postgres_server.drop_database(name)


def call(server, backend, name, **args):
    import httpx

    from commandcenter.backend.wire import encode

    body = {"args": {k: encode(v)["body"] for k, v in args.items()}}
    headers = {"Authorization": f"Bearer {backend.token}"}
    response = httpx.post(f"{server.url}/api/v1/call/{name}", json=body, headers=headers)
    return response.status_code, response.json()


@pytest.mark.postgres
def test_over_the_server_a_handler_and_a_grid_manager_read_only_their_cases(served):
    from commandcenter.backend.remote import RemoteCenter
    from commandcenter.demo.accounts import DEMO_PASSWORD

    server, database = served
    with database.session() as s:
        handler = s.scalar(select(User).where(User.username == "handler"))
        gridman = s.scalar(select(User).where(User.username == "gridman"))
        own_grids = set(
            s.scalars(select(grid_managers.c.grid_id).where(grid_managers.c.user_id == gridman.id))
        )
        department = handler.department_id
        cases = s.execute(
            select(
                Case.id,
                Case.center_id,
                Case.grid_id,
                Case.holder_department_id,
                Case.handling_department_id,
                Case.reporter_user_id,
                Case.holder_user_id,
                Case.title,
                Case.state,
            )
        ).all()

    def handlers(c) -> bool:
        return department in (c.holder_department_id, c.handling_department_id) or handler.id in (
            c.reporter_user_id,
            c.holder_user_id,
        )

    def managers(c) -> bool:
        return c.grid_id in own_grids or c.holder_user_id == gridman.id

    for username, mine in (("handler", handlers), ("gridman", managers)):
        backend = RemoteCenter(server.url).login(username, DEMO_PASSWORD)
        rows = backend.load_console().rows
        assert all(mine(next(c for c in cases if c.id == r.id)) for r in rows)
        assert username != "handler" or rows  # the department's open cases
        # a case of his own street (or community) that is not his: refused, not shown
        actor = backend.actor
        other = next(
            c
            for c in cases
            if actor.governs_center(c.center_id) and not mine(c) and c.grid_id is not None
        )
        assert other.id not in {r.id for r in rows}
        for name in ("case_detail", "case_history"):
            status, answer = call(server, backend, name, case_id=other.id)
            assert status == 403, (username, name, status, answer)
        hits = backend.search_places(other.title[:12], 50)
        assert other.id not in {h.id for h in hits if h.kind == "case"}
        assert all(h.id in {r.id for r in rows} for h in hits if h.kind == "case")
        backend.logout()


@pytest.mark.postgres
def test_over_the_server_absurd_numbers_are_refused_naming_the_limit(served):
    """An extension of a million hours, or of infinity hours (JSON's ``Infinity``), answers
    with the limit, not the server's failure; nothing changes."""
    import uuid

    import httpx

    from commandcenter.backend.remote import RemoteCenter
    from commandcenter.demo.accounts import DEMO_PASSWORD

    server, database = served
    backend = RemoteCenter(server.url).login("handler", DEMO_PASSWORD)
    with database.session() as s:
        case = s.scalars(
            select(Case).where(
                Case.state == S.HANDLING,
                Case.holder_department_id == backend.actor.department_id,
                Case.pending_extension_minutes.is_(None),
            )
        ).first()
        case_id, version = case.id, case.version
    for hours in (1_000_000, math.inf, math.nan):
        body = {
            "args": {
                "case_id": case_id,
                "action": "request_extension",
                "expected_version": version,
                "comment": "需协调",
                "inputs": {"hours": hours},
            }
        }
        response = httpx.post(
            f"{server.url}/api/v1/call/take_step",
            content=json_dumps(body),
            headers={
                "Authorization": f"Bearer {backend.token}",
                "X-Request-Id": uuid.uuid4().hex,
                "Content-Type": "application/json",
            },
        )
        answer = response.json()
        assert response.status_code in (409, 422), (hours, response.status_code, answer)
        if response.status_code == 409:
            assert answer["reason"] == "input" and "between 0 and 240" in answer["message"]
    with database.session() as s:
        assert s.get(Case, case_id).version == version
    backend.logout()


def json_dumps(body) -> str:
    import json

    return json.dumps(body)  # allow_nan: NaN and Infinity as JavaScript writes them


def test_may_see_and_its_sql_agree_for_every_account(center):
    """The rule of who sees a case, one case at a time (``may_see``) and as SQL
    (``visible_condition``), gives the same cases to every account of the district."""
    from commandcenter.access.cases import may_see, visible_condition

    dispatcher_alone_to_verification(center)
    handling_case(center)
    center.report("handler", grid=None, source=CaseSource.DEPARTMENT, title="移交")
    center.report("gm1b", grid="G1b")
    center.report("gm2", grid="G2")
    closed = center.report("gm1", title="井盖")
    center.do("gm1", closed, Action.SELF_RESOLVE, "当场处置")
    center.do("leader1", closed, Action.VERIFY, passed=True)
    with center.database.session() as s:
        cases = s.scalars(select(Case)).all()
        for username in center.district.users:
            actor = center.district.actor(s, username)
            by_sql = set(s.scalars(select(Case.id).where(visible_condition(actor, Case.__table__))))
            assert by_sql == {c.id for c in cases if may_see(actor, c)}, username
