"""The case board's core on SQLite and PostgreSQL: columns by stage, the incremental refresh,
filters and sorting, and the "needs my action" queue against the engine's allowed actions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from commandcenter.access.accounts import demo_actor
from commandcenter.cases import board
from commandcenter.cases.board import BoardFilter, BoardSort, Stage
from commandcenter.cases.rows import board_rows, open_cases
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState, Role, Urgency
from commandcenter.schedule.deadlines import DeadlineStatus, is_overdue
from commandcenter.storage.models import Case, SupervisionOrder
from commandcenter.storage.watermark import GAP_WINDOW, Watermark, with_gaps
from commandcenter.workflow import Action
from commandcenter.workflow.engine import CaseWorkflow

try:
    from .test_workflow import Clock, Desk
    from .workflow_district import build_district
except ImportError:
    from test_workflow import Clock, Desk
    from workflow_district import build_district

S = CaseState
ROLES_TO_CHECK = ("duty", "dispatcher", "handler", "supervisor", "gm1", "gm2", "leader1", "cduty1")


@pytest.fixture
def desk(db_url):
    from commandcenter.storage import open_database

    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
    yield Desk(database, district, Clock())
    database.dispose()


def load(desk, username):
    with desk.database.session() as s:
        return board.load_board(s, desk.district.actor(s, username), desk.clock())


def refresh(desk, username, watermark):
    with desk.database.session() as s:
        return board.changes_since(s, desk.district.actor(s, username), desk.clock(), watermark)


def row_of(data_or_changes, case_id):
    rows = getattr(data_or_changes, "rows", None) or data_or_changes.changed
    return next(r for r in rows if r.id == case_id)


def queue_by_engine(desk, username, case_ids, now) -> set[int]:
    """The policy of board.needs_action, written out from the engine's allowed actions."""
    with desk.database.session() as s:
        actor = desk.district.actor(s, username)
        flow = CaseWorkflow(s, now=lambda: now)
        return expected_queue(s, flow, actor, case_ids, now)


def expected_queue(session, flow, actor, case_ids, now) -> set[int]:
    queued = set()
    for case_id in case_ids:
        case = session.get(Case, case_id)
        allowed = set(flow.allowed_actions(actor, case))
        moving = allowed - {
            Action.URGE,
            Action.SUPERVISE,
            Action.ESCALATE,
            Action.RETURN,
            Action.REQUEST_EXTENSION,
            Action.SUSPEND,
            Action.RESUME,
            Action.VOID,
            Action.MERGE,
            Action.REOPEN,
            Action.ATTACH,
        }
        overdue = case.state.is_open and is_overdue(now, case.deadline, case.paused_since)
        open_order = session.scalar(
            select(SupervisionOrder.id).where(
                SupervisionOrder.case_id == case_id, SupervisionOrder.replied_at.is_(None)
            )
        )
        chase = Action.SUPERVISE in allowed and overdue and not open_order
        if moving or chase:
            queued.add(case_id)
    return queued


def test_a_case_moves_through_the_columns_as_steps_are_taken(desk):
    d = desk.district
    cid = desk.report("gm1", source=CaseSource.GRID_PATROL)
    data = load(desk, "duty")
    (row,) = data.rows
    assert board.stage_of(row) is Stage.REPORTED and not row.paused
    assert row.center_id == d.centers["c1"] and row.holder_center_id == d.centers["c1"]
    assert row.grid_manager_ids == {d.users["gm1"]}
    mark = data.mark
    assert mark.archive.last_id > 0 and mark.day == desk.clock().date()

    steps = [
        ("duty", Action.FILE, {}, Stage.FILED),
        (
            "dispatcher",
            Action.DISPATCH,
            {"department_id": d.departments["street_dept"]},
            Stage.DISPATCHED,
        ),
        ("handler", Action.ACCEPT, {}, Stage.HANDLING),
    ]
    for username, action, params, stage in steps:
        desk.clock.advance(minutes=5)
        desk.do(username, cid, action, **params)
        changes = refresh(desk, "duty", mark)
        assert [r.id for r in changes.changed] == [cid] and changes.removed_ids == []
        assert board.stage_of(changes.changed[0]) is stage
        assert changes.mark.archive.last_id > mark.archive.last_id
        mark = changes.mark
    assert not refresh(desk, "duty", mark)  # nothing new: nothing read

    desk.do("handler", cid, Action.REQUEST_EXTENSION, "需协调", days=1)
    changes = refresh(desk, "duty", mark)
    (row,) = changes.changed
    assert row.extension_pending and board.stage_of(row) is Stage.HANDLING
    mark = changes.mark
    desk.do("supervisor", cid, Action.DECIDE_EXTENSION, approved=True)
    desk.do("supervisor", cid, Action.SUSPEND, "等待上级政策")
    changes = refresh(desk, "duty", mark)
    (row,) = changes.changed  # two steps, one row
    assert row.state is S.SUSPENDED and row.paused and row.resume_state is S.HANDLING
    assert not row.extension_pending
    assert board.stage_of(row) is Stage.HANDLING  # shown where it will resume, flagged
    mark = changes.mark
    desk.do("supervisor", cid, Action.RESUME)
    desk.do("handler", cid, Action.REPORT_RESULT, "已清运")
    (row,) = refresh(desk, "duty", mark).changed
    assert board.stage_of(row) is Stage.AWAITING_VERIFICATION and not row.paused
    mark = refresh(desk, "duty", mark).mark
    desk.do("gm1", cid, Action.VERIFY, passed=True)  # grid patrol: closes without follow-up
    changes = refresh(desk, "duty", mark)
    (row,) = changes.changed
    assert row.state is S.CLOSED and row.closed_at == desk.clock()
    assert board.stage_of(row) is Stage.CLOSED_TODAY
    assert row.deadline_status is DeadlineStatus.NONE and row.status_at(desk.clock()) is (
        DeadlineStatus.NONE
    )
    assert [r.id for r in load(desk, "duty").rows] == [cid]  # closed today stays on the board
    mark = changes.mark

    desk.clock.advance(days=1)  # the next morning's board (a new load) is without it
    assert load(desk, "duty").rows == []


def test_changes_since_returns_exactly_the_changed_and_removed_cases(desk):
    ids = [
        desk.report(f"gm{1 + i % 2}", grid=f"G{1 + i % 2}", title=f"案件{i}", allow_duplicate=True)
        for i in range(5)
    ]  # G1, G2, G1, G2, G1
    mark = load(desk, "duty").mark
    desk.do("duty", ids[2], Action.FILE)
    desk.do("duty", ids[3], Action.DECLINE, "不属于受理范围")
    new = desk.report("gm2", grid="G2", title="新案件", allow_duplicate=True)
    changes = refresh(desk, "duty", mark)
    # a declined case stays among the rows until the day ends (today's figures count it), in
    # no column of the board
    assert sorted(r.id for r in changes.changed) == sorted([ids[2], ids[3], new])
    declined = next(r for r in changes.changed if r.id == ids[3])
    assert declined.state is S.DECLINED and board.stage_of(declined) is None
    assert changes.removed_ids == []
    # an officer of one community sees only its cases; of the other's it is not even told
    community = refresh(desk, "cduty1", mark)
    assert [r.id for r in community.changed] == [ids[2]]
    assert community.removed_ids == []
    # from the new mark nothing again
    assert not refresh(desk, "duty", changes.mark)
    desk.do("supervisor", ids[0], Action.VOID, "重复上报")
    desk.do("duty", ids[1], Action.MERGE, "同一问题", into_case_id=new)
    changes = refresh(desk, "duty", changes.mark)
    assert changes.removed_ids == []
    # "merged in" is an entry on the target
    assert sorted(r.id for r in changes.changed) == sorted([ids[0], ids[1], new])
    assert {r.id for r in load(desk, "duty").rows} == set(ids) | {new}
    desk.clock.advance(days=1)
    assert {r.id for r in load(desk, "duty").rows} == {ids[2], ids[4], new}


def test_gaps_below_the_watermark_are_asked_for_again():
    low = Watermark(10, ())
    assert with_gaps(10, 15, {11, 12, 15}, ()) == (13, 14)
    assert with_gaps(15, 16, {13, 16}, (13, 14)) == (14,)
    far = with_gaps(0, GAP_WINDOW + 20, set(range(1, GAP_WINDOW + 21)), (3,))
    assert far == ()  # old gaps age out of the window
    assert low.gaps == ()


def test_gap_filled_later_is_read(desk):
    """An entry committed after a newer one (PostgreSQL's sequence) is not missed."""
    cid = desk.report("gm1")
    mark = load(desk, "duty").mark
    archive = Watermark(mark.archive.last_id + 1, (mark.archive.last_id,))
    with_gap = dataclasses.replace(mark, archive=archive)
    changes = refresh(desk, "duty", with_gap)  # the entry at the gap id exists: read it
    assert [r.id for r in changes.changed] == [cid] and changes.mark.archive.gaps == ()


def test_filters_and_sorting(desk):
    d, clock = desk.district, desk.clock
    a = desk.report("gm1", title="垃圾堆放", category=CaseCategory.ENVIRONMENT)
    clock.advance(minutes=10)
    b = desk.report(
        "gm2",
        grid="G2",
        title="井盖缺失",
        category=CaseCategory.MUNICIPAL,
        source=CaseSource.RESIDENT,
        urgency=Urgency.URGENT,
    )
    clock.advance(minutes=10)
    c = desk.report("gm1", title="占道经营", category=CaseCategory.PUBLIC_ORDER)
    desk.do("duty", a, Action.FILE)
    desk.do("dispatcher", a, Action.DISPATCH, department_id=d.departments["street_dept"])
    desk.do("duty", b, Action.FILE)
    desk.do("dispatcher", b, Action.DISPATCH, center_id=d.centers["c2"])
    with desk.database.session() as s:
        duty = d.actor(s, "duty")
        dispatcher = d.actor(s, "dispatcher")
        c1_and_below = board.center_and_below(s, duty, d.centers["c1"])
        street_and_below = board.center_and_below(s, duty, d.centers["street"])
    rows = load(desk, "duty").rows
    now = clock()

    def ids(**kwargs):
        return [r.id for r in board.apply(rows, BoardFilter(**kwargs), duty, now)]

    assert c1_and_below == {d.centers["c1"]}
    assert street_and_below == {d.centers[k] for k in ("street", "c1", "c2")}
    assert ids() == [b, a, c]  # deadline first (b: community, 1 day), no deadline last
    assert ids(sort=BoardSort.AGE) == [a, b, c]
    assert ids(center_ids=c1_and_below) == [a, c]
    assert ids(grid_ids=[d.grids["G2"]]) == [b]
    assert ids(categories={CaseCategory.MUNICIPAL, CaseCategory.PUBLIC_ORDER}) == [b, c]
    assert ids(sources={CaseSource.RESIDENT}) == [b]
    assert ids(urgencies={Urgency.URGENT}) == [b]
    assert ids(holder="城管") == [a]  # 城东城管中队
    assert ids(holder_department_ids={d.departments["street_dept"]}) == [a]
    assert ids(holder_center_ids={d.centers["c2"]}) == [b]
    assert ids(text="井盖") == [b]
    assert ids(text="春晖") == [b]  # the grid's name
    code_of_c = next(r.code for r in rows if r.id == c)
    assert ids(text=code_of_c.lower()) == [c]
    assert ids(text="垃圾 城管") == [a] and ids(text="垃圾 春晖") == []
    assert ids(overdue_only=True) == []
    assert ids(mine=True) == [c]  # the duty officer files reports
    assert [r.id for r in board.apply(rows, BoardFilter(mine=True), dispatcher, now)] == [c]
    assert ids(grid_ids=set()) == []

    later = now + dt.timedelta(days=10)
    assert [r.id for r in board.apply(rows, BoardFilter(overdue_only=True), duty, later)] == [
        b,
        a,
    ]
    nearly = max(r.deadline for r in rows if r.id == b) - dt.timedelta(minutes=30)
    assert [
        r.id for r in board.apply(rows, BoardFilter(near_due_or_overdue=True), duty, nearly)
    ] == [b]
    assert BoardFilter().is_empty and not BoardFilter(mine=True).is_empty
    assert BoardFilter(sort=BoardSort.AGE).is_empty


def test_needs_action_agrees_with_the_engine(desk):
    d, clock = desk.district, desk.clock
    ids = {}
    ids["reported"] = desk.report("gm1", title="甲", allow_duplicate=True)
    ids["reported_g2"] = desk.report("gm2", grid="G2", title="乙", allow_duplicate=True)
    ids["filed"] = desk.report("gm1", title="丙", allow_duplicate=True)
    desk.do("duty", ids["filed"], Action.FILE)
    ids["dispatched"] = desk.report("gm1", title="丁", allow_duplicate=True)
    desk.do("duty", ids["dispatched"], Action.FILE)
    desk.do("dispatcher", ids["dispatched"], Action.DISPATCH, center_id=d.centers["c1"])
    ids["handling"] = desk.report("gm2", grid="G2", title="戊", allow_duplicate=True)
    desk.do("duty", ids["handling"], Action.FILE)
    desk.do(
        "dispatcher",
        ids["handling"],
        Action.DISPATCH,
        department_id=d.departments["street_dept"],
    )
    desk.do("handler", ids["handling"], Action.ACCEPT)
    ids["extension"] = desk.report("gm1", title="己", allow_duplicate=True)
    desk.do("duty", ids["extension"], Action.FILE)
    desk.do("dispatcher", ids["extension"], Action.DISPATCH, center_id=d.centers["c1"])
    desk.do("leader1", ids["extension"], Action.ACCEPT)
    desk.do("leader1", ids["extension"], Action.REQUEST_EXTENSION, "需协调", days=1)
    ids["supervised"] = desk.report("gm2", grid="G2", title="庚", allow_duplicate=True)
    desk.do("duty", ids["supervised"], Action.FILE)
    desk.do("supervisor", ids["supervised"], Action.SUPERVISE, "请今日内处置", hours=4)
    ids["suspended"] = desk.report("gm1", title="辛", allow_duplicate=True)
    desk.do("duty", ids["suspended"], Action.FILE)
    desk.do("supervisor", ids["suspended"], Action.SUSPEND, "等待政策")
    ids["verify"] = desk.report("gm1", title="壬", allow_duplicate=True)
    desk.do("gm1", ids["verify"], Action.SELF_RESOLVE, "已当场处置")
    ids["follow_up"] = desk.report(
        "gm2", grid="G2", title="癸", source=CaseSource.RESIDENT, allow_duplicate=True
    )
    desk.do("duty", ids["follow_up"], Action.FILE)
    desk.do("dispatcher", ids["follow_up"], Action.DISPATCH, center_id=d.centers["c2"])
    desk.do("leader2", ids["follow_up"], Action.ACCEPT)
    desk.do("leader2", ids["follow_up"], Action.REPORT_RESULT, "已处置")
    desk.do("cduty2", ids["follow_up"], Action.VERIFY, passed=True)
    ids["closed"] = desk.report("gm1", title="子", allow_duplicate=True)
    desk.do("gm1", ids["closed"], Action.SELF_RESOLVE, "已当场处置")
    desk.do("cduty1", ids["closed"], Action.VERIFY, passed=True)

    name_of = {cid: name for name, cid in ids.items()}
    queues = []
    for moment in (clock(), clock() + dt.timedelta(days=5)):  # on time, then overdue
        desk.clock.at = moment
        rows = load(desk, "supervisor").rows
        closed_today = moment.date() == dt.date(2026, 11, 24)
        assert {r.id for r in rows} == set(ids.values()) - (
            set() if closed_today else {ids["closed"]}
        )
        queue = {}
        for username in ROLES_TO_CHECK:
            with desk.database.session() as s:
                actor = d.actor(s, username)
            expected = queue_by_engine(desk, username, [r.id for r in rows], moment)
            got = {r.id for r in rows if board.needs_action(actor, r, moment)}
            assert got == expected, (username, moment)
            mine = board.apply(rows, BoardFilter(mine=True), actor, moment)
            assert {r.id for r in mine} == expected
            queue[username] = {name_of[cid] for cid in got}
        queues.append(queue)
    on_time, overdue = queues
    assert on_time["duty"] == {
        "reported",
        "reported_g2",
        "filed",  # dispatch
        "supervised",  # dispatch (and reply)
        "extension",  # center staff decide extensions too
        "verify",
        "follow_up",
    }  # not "dispatched": the community holds it
    assert on_time["handler"] == {"handling"}
    assert on_time["leader1"] == {"dispatched", "verify", "extension"}  # holds it: report
    # resolve on the spot; not "verify": it is his own resolution, which nobody verifies
    # (before: the board and allowed_actions offered it, and the step then refused it)
    assert on_time["gm1"] == {"reported"}
    assert on_time["supervisor"] == {"extension"}
    assert overdue["supervisor"] == {"extension", "dispatched", "handling", "verify", "follow_up"}
    # not "supervised" (an order is open), "suspended", or anything closed


def row_in(rows, case_id):
    return next(r for r in rows if r.id == case_id)


def test_supervision_order_puts_the_case_in_the_holders_queue(desk):
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    desk.do("supervisor", cid, Action.SUPERVISE, "请今日内处置", hours=4)
    with desk.database.session() as s:
        dispatcher = desk.district.actor(s, "dispatcher")
    (row,) = load(desk, "dispatcher").rows
    assert row.supervision_open and board.needs_action(dispatcher, row)
    mark = load(desk, "dispatcher").mark
    desk.do("dispatcher", cid, Action.REPLY_SUPERVISION, "已安排")
    (row,) = refresh(desk, "dispatcher", mark).changed
    assert not row.supervision_open
    assert board.needs_action(dispatcher, row)  # still to dispatch


def test_needs_action_on_every_demo_case_for_every_demo_account(demo_database):
    now = dt.datetime(2026, 11, 26, 16, 0)
    with demo_database.session() as s:
        supervisor = demo_actor(s, "supervisor")
        rows = board.load_board(s, supervisor, now).rows
        assert len(rows) > 20
        flow = CaseWorkflow(s, now=lambda: now)
        sizes = {}
        for username in ("supervisor", "duty", "dispatcher", "handler", "leader", "gridman"):
            actor = demo_actor(s, username)
            expected = expected_queue(s, flow, actor, [r.id for r in rows], now)
            got = {r.id for r in rows if board.needs_action(actor, r, now)}
            assert got == expected, username
            sizes[actor.role] = len(got)
        assert sizes[Role.DUTY_OFFICER] > 0 and sizes[Role.DEPARTMENT_HANDLER] > 0


def test_board_rows_match_open_cases(demo_database):
    now = dt.datetime(2026, 11, 26, 16, 0)
    with demo_database.session() as s:
        duty = demo_actor(s, "duty")
        open_rows = open_cases(s, duty, now)
        again = board_rows(s, duty, now, Case.__table__.c.id.in_([r.id for r in open_rows]))
        closed_today = s.scalars(
            select(Case.id).where(
                Case.state == S.CLOSED,
                Case.closed_at >= dt.datetime(2026, 11, 26),
                Case.center_id.in_(duty.jurisdiction_center_ids),
            )
        ).all()
        data = board.load_board(s, duty, now)
    assert sorted(again, key=lambda r: r.id) == sorted(open_rows, key=lambda r: r.id)
    assert [r.id for r in data.rows[: len(open_rows)]] == [r.id for r in open_rows]
    assert {r.id for r in data.rows[len(open_rows) :]} == set(closed_today)
    assert all(r.closed_at is not None for r in data.rows[len(open_rows) :])
    counts = board.stage_counts(data.rows)
    assert counts[Stage.CLOSED_TODAY] == len(closed_today)
    assert sum(counts.values()) == len(data.rows)
