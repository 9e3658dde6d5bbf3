"""The closed loop, walked step by step on SQLite and PostgreSQL: every transition, every
refusal (role, jurisdiction, state, input), conflicts, and the archive's tamper evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState, Urgency
from commandcenter.errors import ConflictError, DuplicateSuspected, TransitionRefused
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.models import Case, CaseEvent, SupervisionOrder
from commandcenter.workflow import Action
from commandcenter.workflow.audit import verify_archive
from commandcenter.workflow.engine import CaseWorkflow
from commandcenter.workflow.rules import RULES, transition_table

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

S = CaseState
TUESDAY = dt.datetime(2026, 11, 24, 10, 0)


class Clock:
    def __init__(self, at=TUESDAY):
        self.at = at

    def __call__(self):
        return self.at

    def advance(self, **delta):
        self.at += dt.timedelta(**delta)


@pytest.fixture
def world(db_url):
    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
    yield database, district
    database.dispose()


class Desk:
    """One console: a session per operation, like the real console's writer."""

    def __init__(self, database, district, clock):
        self.database, self.district, self.clock = database, district, clock

    def flow(self, session):
        return CaseWorkflow(session, calendar=WorkingCalendar(), now=self.clock)

    def report(self, username, grid="G1", **fields):
        fields.setdefault("source", CaseSource.GRID_PATROL)
        fields.setdefault("category", CaseCategory.ENVIRONMENT)
        fields.setdefault("title", "垃圾堆放未清运")
        with self.database.session() as s, s.begin():
            actor = self.district.actor(s, username)
            change = self.flow(s).report(actor, grid_id=self.district.grids[grid], **fields)
        return change.case_id

    def do(self, username, case_id, action, comment="", **params):
        with self.database.session() as s, s.begin():
            actor = self.district.actor(s, username)
            version = s.get(Case, case_id).version
            return self.flow(s).perform(
                actor, case_id, action, expected_version=version, comment=comment, **params
            )

    def case(self, case_id) -> Case:
        with self.database.session() as s:
            return s.get(Case, case_id)

    def events(self, case_id):
        with self.database.session() as s:
            return s.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
            ).all()

    def refused(self, reason, username, case_id, action, comment="x", **params):
        before = self.case(case_id).version
        with pytest.raises(TransitionRefused) as raised:
            self.do(username, case_id, action, comment, **params)
        assert raised.value.reason == reason, str(raised.value)
        assert self.case(case_id).version == before  # nothing applied
        return str(raised.value)


@pytest.fixture
def desk(world):
    database, district = world
    return Desk(database, district, Clock())


def test_full_loop_through_a_department(desk):
    cid = desk.report("gm1")
    assert desk.case(cid).state == S.REPORTED
    desk.do("duty", cid, Action.FILE)
    desk.clock.advance(minutes=10)
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    case = desk.case(cid)
    assert case.state == S.DISPATCHED and case.limit_place == "department"
    # 3 working days from Tuesday 10:10 is Friday 10:10
    assert case.deadline == dt.datetime(2026, 11, 27, 10, 10)
    desk.do("handler", cid, Action.ACCEPT)
    desk.clock.advance(hours=5)
    desk.do("handler", cid, Action.REPORT_RESULT, "已清运完毕")
    case = desk.case(cid)
    assert case.state == S.AWAITING_VERIFICATION and case.handled_at == desk.clock.at
    assert case.handling_minutes == 5 * 60 + 10
    desk.do("gm1", cid, Action.VERIFY, passed=True)
    case = desk.case(cid)
    assert case.state == S.CLOSED and case.closed_at == desk.clock.at  # patrol: no follow-up
    events = desk.events(cid)
    assert [e.action for e in events] == [
        "report", "file", "dispatch", "accept", "report_result", "verify",
    ]  # fmt: skip
    assert [(e.from_state, e.to_state) for e in events][1:] == [
        (S.REPORTED, S.FILED),
        (S.FILED, S.DISPATCHED),
        (S.DISPATCHED, S.HANDLING),
        (S.HANDLING, S.AWAITING_VERIFICATION),
        (S.AWAITING_VERIFICATION, S.CLOSED),
    ]
    assert case.version == len(events) == 6
    assert verify_archive(desk.database, workers=1).ok


def test_resident_case_ends_with_follow_up_rating(desk):
    cid = desk.report("duty", source=CaseSource.HOTLINE_12345, reporter_name="王女士")
    desk.do("duty", cid, Action.FILE)
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.do("handler", cid, Action.ACCEPT)
    desk.do("handler", cid, Action.REPORT_RESULT, "已处理")
    desk.do("leader1", cid, Action.VERIFY, passed=True)
    assert desk.case(cid).state == S.FOLLOW_UP
    desk.refused("input", "duty", cid, Action.FOLLOW_UP, rating=7)
    desk.do("duty", cid, Action.FOLLOW_UP, "电话回访", rating=4)
    case = desk.case(cid)
    assert case.state == S.CLOSED and case.satisfaction == 4


def test_failed_verification_sends_it_back_for_rework(desk):
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.do("handler", cid, Action.ACCEPT)
    desk.do("handler", cid, Action.REPORT_RESULT, "已处理")
    desk.refused("input", "gm1", cid, Action.VERIFY, comment="", passed=False)
    desk.do("gm1", cid, Action.VERIFY, "现场仍有垃圾", passed=False)
    case = desk.case(cid)
    assert case.state == S.HANDLING and case.rework_count == 1
    assert case.holder_department_id == desk.district.departments["street_dept"]
    desk.do("handler", cid, Action.REPORT_RESULT, "已彻底清理")
    desk.do("gm1", cid, Action.VERIFY, passed=True)
    assert desk.case(cid).state == S.CLOSED


def test_self_resolution_is_verified_by_someone_else(desk):
    cid = desk.report("gm1")
    desk.refused("role", "duty", cid, Action.SELF_RESOLVE)
    desk.refused("jurisdiction", "gm2", cid, Action.SELF_RESOLVE)
    desk.do("gm1", cid, Action.SELF_RESOLVE, "现场劝导清理")
    case = desk.case(cid)
    assert case.state == S.AWAITING_VERIFICATION and case.self_resolved
    assert case.limit_place == "community" and case.deadline == dt.datetime(2026, 11, 25, 10, 0)
    assert "own" in desk.refused("role", "gm1", cid, Action.VERIFY, passed=True)
    desk.do("leader1", cid, Action.VERIFY, passed=True)
    assert desk.case(cid).state == S.CLOSED


def test_failed_self_resolution_goes_the_normal_way(desk):
    cid = desk.report("gm1")
    desk.do("gm1", cid, Action.SELF_RESOLVE, "已处理")
    desk.do("cduty1", cid, Action.VERIFY, "未处理到位", passed=False)
    case = desk.case(cid)
    assert case.state == S.REPORTED and not case.self_resolved and case.deadline is None
    desk.do("duty", cid, Action.FILE)


def test_delegate_to_a_community_and_return(desk):
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    c2 = desk.district.centers["c2"]
    assert "does not cover" in desk.refused(
        "input", "dispatcher", cid, Action.DISPATCH, center_id=c2
    )
    desk.do("dispatcher", cid, Action.DISPATCH, center_id=desk.district.centers["c1"])
    case = desk.case(cid)
    assert case.limit_place == "community" and case.deadline == dt.datetime(2026, 11, 25, 10, 0)
    desk.refused("jurisdiction", "handler", cid, Action.ACCEPT)
    desk.do("cduty1", cid, Action.ACCEPT)
    desk.do("cduty1", cid, Action.RETURN, "不属于社区职责")
    case = desk.case(cid)
    assert case.state == S.FILED and case.holder_center_id == desk.district.centers["street"]
    assert case.deadline is None


def test_escalate_to_the_upper_center(desk):
    cid = desk.report("gm1")
    desk.refused("input", "cduty1", cid, Action.ESCALATE, comment="")
    desk.do("cduty1", cid, Action.ESCALATE, "超出社区处置权限")
    case = desk.case(cid)
    assert case.state == S.FILED and case.holder_center_id == desk.district.centers["street"]
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.refused("role", "handler", cid, Action.ESCALATE)


def test_county_sees_and_dispatches_everything_below(desk):
    cid = desk.report("gm2", grid="G2")
    desk.do("duty", cid, Action.FILE)
    desk.do("duty", cid, Action.ESCALATE, "需区级协调")
    assert desk.case(cid).holder_center_id == desk.district.centers["county"]
    desk.refused("jurisdiction", "dispatcher", cid, Action.DISPATCH, department_id=1)
    desk.do(
        "county_dispatcher",
        cid,
        Action.DISPATCH,
        department_id=desk.district.departments["county_dept"],
    )
    desk.do("county_handler", cid, Action.ACCEPT)


def test_extension_pauses_the_clock_and_moves_the_deadline(desk):
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.do("handler", cid, Action.ACCEPT)
    deadline = desk.case(cid).deadline
    desk.refused("input", "handler", cid, Action.REQUEST_EXTENSION, days=0)
    desk.do("handler", cid, Action.REQUEST_EXTENSION, "需协调产权单位", days=2)
    assert desk.case(cid).paused_since == desk.clock.at
    desk.refused("state", "handler", cid, Action.REQUEST_EXTENSION, days=1)
    desk.refused("role", "handler", cid, Action.DECIDE_EXTENSION, approved=True)
    desk.clock.advance(hours=3)  # Tuesday, a working day: the pause adds three hours
    desk.refused("input", "duty", cid, Action.DECIDE_EXTENSION, comment="", approved=False)
    desk.do("duty", cid, Action.DECIDE_EXTENSION, approved=True)
    case = desk.case(cid)
    # Friday 10:00 + 3 h paused = Friday 13:00, + 2 working days = Tuesday 13:00
    assert deadline == dt.datetime(2026, 11, 27, 10, 0)
    assert case.deadline == dt.datetime(2026, 12, 1, 13, 0)
    assert case.extension_count == 1 and case.paused_since is None
    assert case.pending_extension_minutes is None
    desk.do("handler", cid, Action.REQUEST_EXTENSION, "再延一天", days=1)
    desk.do("supervisor", cid, Action.DECIDE_EXTENSION, "理由不充分", approved=False)
    case = desk.case(cid)
    assert case.deadline == dt.datetime(2026, 12, 1, 13, 0) and case.extension_count == 1


def test_suspend_and_resume(desk):
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.refused("role", "duty", cid, Action.SUSPEND)
    desk.refused("input", "supervisor", cid, Action.SUSPEND, comment="")
    desk.do("supervisor", cid, Action.SUSPEND, "等待上级政策")
    assert desk.case(cid).state == S.SUSPENDED
    desk.refused("state", "handler", cid, Action.ACCEPT)
    desk.clock.advance(days=7)  # a whole week paused: five working days
    desk.do("supervisor", cid, Action.RESUME)
    case = desk.case(cid)
    assert case.state == S.DISPATCHED and case.resume_state is None
    assert case.deadline == dt.datetime(2026, 12, 4, 10, 0)


def test_void_decline_supervise_urge_reopen(desk):
    a = desk.report("gm1")
    desk.refused("input", "duty", a, Action.DECLINE, comment=" ")
    desk.do("duty", a, Action.DECLINE, "不属于受理范围")
    assert desk.case(a).state == S.DECLINED
    desk.refused("state", "duty", a, Action.FILE)

    b = desk.report("gm1", title="路灯不亮", category=CaseCategory.MUNICIPAL)
    desk.do("supervisor", b, Action.VOID, "重复上报")
    assert desk.case(b).state == S.VOIDED

    c = desk.report(
        "gm1", title="井盖破损", category=CaseCategory.MUNICIPAL, urgency=Urgency.URGENT
    )
    desk.do("duty", c, Action.FILE)
    desk.do(
        "dispatcher", c, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.do("supervisor", c, Action.SUPERVISE, "请今日内处置", hours=4)
    with desk.database.session() as s:
        order = s.scalar(select(SupervisionOrder).where(SupervisionOrder.case_id == c))
        assert order.deadline == TUESDAY + dt.timedelta(hours=4)
    desk.refused("jurisdiction", "leader2", c, Action.REPLY_SUPERVISION, order_id=order.id)
    desk.do("handler", c, Action.REPLY_SUPERVISION, "已安排人员", order_id=order.id)
    desk.refused("state", "handler", c, Action.REPLY_SUPERVISION, "again", order_id=order.id)
    with desk.database.session() as s:
        assert s.get(SupervisionOrder, order.id).reply == "已安排人员"
    desk.do("duty", c, Action.URGE)
    desk.do("leader1", c, Action.URGE)
    assert desk.case(c).urge_count == 2
    desk.refused("role", "gm1", c, Action.URGE)
    desk.do("handler", c, Action.ACCEPT)
    desk.do("handler", c, Action.REPORT_RESULT, "已更换井盖")
    desk.do("gm1", c, Action.VERIFY, passed=True)
    desk.refused("input", "duty", c, Action.REOPEN, comment="")
    desk.do("duty", c, Action.REOPEN, "居民反映仍有松动")
    case = desk.case(c)
    assert case.state == S.FILED and case.reopen_count == 1 and case.closed_at is None


def test_refusals_name_their_reason(desk):
    cid = desk.report("gm1")
    desk.refused("role", "gm1", cid, Action.FILE)
    desk.refused("jurisdiction", "cduty2", cid, Action.FILE)  # the other community
    desk.refused("state", "duty", cid, Action.FOLLOW_UP, rating=5)
    desk.do("duty", cid, Action.FILE)
    desk.refused("state", "duty", cid, Action.FILE)
    desk.refused("jurisdiction", "handler", cid, Action.ACCEPT)
    desk.refused("input", "dispatcher", cid, Action.DISPATCH)  # to nowhere
    message = desk.refused("role", "admin", cid, Action.DISPATCH, department_id=1)
    assert "administrator role" in message


def test_community_cannot_report_in_another_community(desk):
    with pytest.raises(TransitionRefused) as raised:
        desk.report("cduty2", grid="G1")
    assert raised.value.reason == "jurisdiction"


def test_allowed_actions_follow_the_rules(desk):
    cid = desk.report("gm1")
    with desk.database.session() as s:
        flow = desk.flow(s)
        case = s.get(Case, cid)
        duty = flow.allowed_actions(desk.district.actor(s, "duty"), case)
        gm1 = flow.allowed_actions(desk.district.actor(s, "gm1"), case)
        other = flow.allowed_actions(desk.district.actor(s, "cduty2"), case)
        community = flow.allowed_actions(desk.district.actor(s, "cduty1"), case)
    assert set(duty) == {Action.FILE, Action.DECLINE, Action.URGE, Action.MERGE, Action.ATTACH}
    # the community center holds a new report: it may also pass it up
    assert set(community) == set(duty) | {Action.ESCALATE}
    assert gm1 == [Action.SELF_RESOLVE, Action.ATTACH]  # material from the field, too
    assert other == []


def test_second_console_gets_a_conflict_naming_the_change(desk):
    cid = desk.report("gm1")
    with desk.database.session() as s:
        stale_version = s.get(Case, cid).version  # console B reads the case
    desk.do("duty", cid, Action.FILE)  # console A files it
    with desk.database.session() as s, s.begin():
        flow = desk.flow(s)
        with pytest.raises(ConflictError) as raised:
            flow.perform(
                desk.district.actor(s, "dispatcher"),
                cid,
                Action.DECLINE,
                expected_version=stale_version,
                comment="重复",
            )
    assert "file by duty" in str(raised.value) and raised.value.changes
    case = desk.case(cid)
    assert case.state == S.FILED and case.version == 2 and len(desk.events(cid)) == 2


def test_duplicate_report_is_offered_for_merging(desk):
    first = desk.report("gm1")
    with pytest.raises(DuplicateSuspected) as raised:
        desk.report("duty", source=CaseSource.RESIDENT)
    assert raised.value.candidates == [first]
    other_kind = desk.report("gm1", category=CaseCategory.MUNICIPAL, title="路灯不亮")
    assert other_kind != first
    second = desk.report("duty", source=CaseSource.RESIDENT, allow_duplicate=True)
    desk.refused("input", "duty", second, Action.MERGE, comment="重复", into_case_id=second)
    desk.do("duty", second, Action.MERGE, "同一堆垃圾", into_case_id=first)
    assert desk.case(second).state == S.MERGED and desk.case(second).merged_into_id == first
    assert desk.events(first)[-1].action == "merged_in"
    assert verify_archive(desk.database, workers=1).ok


def test_duplicates_far_away_or_old_are_not_offered(desk):
    desk.report("gm1")
    desk.report("gm2", grid="G2")  # ~1 km east: not a duplicate
    desk.clock.advance(days=3)
    desk.report("gm1")  # the first is older than the 48 h window


def drop_triggers(database, *names):
    """What a database administrator (the table's owner) can do: remove the archive's guard."""
    on = " ON case_events" if database.dialect == "postgresql" else ""
    with database.engine.begin() as conn:
        for name in names:
            conn.execute(text(f"DROP TRIGGER {name}{on}"))


def test_archive_detects_edits_deletions_and_reordering(desk, world):
    """A database user who has removed the triggers (migration 0013) edits, reorders and
    deletes entries: each is named (tests/test_archive_integrity.py has the other attacks)."""
    database, _ = world
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    desk.do(
        "dispatcher", cid, Action.DISPATCH, department_id=desk.district.departments["street_dept"]
    )
    desk.do("handler", cid, Action.ACCEPT)
    code = desk.case(cid).code
    drop_triggers(database, "case_events_no_update", "case_events_no_delete")

    def tamper(sql, **params):
        with database.engine.begin() as conn:
            conn.execute(text(sql), {"case": cid, **params})

    def first_break():
        result = verify_archive(database, workers=1)
        return next((p for p in result.problems if not p.startswith("trigger")), None)

    assert first_break() is None
    tamper("UPDATE case_events SET comment = 'nothing happened' WHERE case_id = :case AND seq = 2")
    assert first_break().startswith(f"case {code} entry #2 (file, chain #")
    assert "content altered" in first_break()
    tamper("UPDATE case_events SET comment = '' WHERE case_id = :case AND seq = 2")
    assert first_break() is None
    # reorder: swap entries 2 and 3
    tamper("UPDATE case_events SET seq = 99 WHERE case_id = :case AND seq = 2")
    tamper("UPDATE case_events SET seq = 2 WHERE case_id = :case AND seq = 3")
    tamper("UPDATE case_events SET seq = 3 WHERE case_id = :case AND seq = 99")
    assert "content altered" in first_break()
    tamper("UPDATE case_events SET seq = 99 WHERE case_id = :case AND seq = 2")
    tamper("UPDATE case_events SET seq = 2 WHERE case_id = :case AND seq = 3")
    tamper("UPDATE case_events SET seq = 3 WHERE case_id = :case AND seq = 99")
    assert first_break() is None
    tamper("DELETE FROM case_events WHERE case_id = :case AND seq = 2")
    assert "missing" in first_break() and "deleted" in first_break()


def test_deleting_the_newest_entries_is_detected(desk, world):
    database, _ = world
    cid = desk.report("gm1")
    desk.do("duty", cid, Action.FILE)
    drop_triggers(database, "case_events_no_delete")
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c AND seq = 2"), {"c": cid})
    problems = " ".join(verify_archive(database, workers=1).problems)
    assert "archive ends at entry #1" in problems and "column version" in problems


def test_archive_entries_cannot_be_changed_through_the_orm(desk):
    """The triggers refuse it, whoever asks: the ORM as much as a plain UPDATE."""
    cid = desk.report("gm1")
    with desk.database.session() as s:
        entry = s.scalar(select(CaseEvent).where(CaseEvent.case_id == cid))
        entry.comment = "rewritten"
        with pytest.raises(DBAPIError, match="append-only"):
            s.flush()
        s.rollback()
        entry = s.scalar(select(CaseEvent).where(CaseEvent.case_id == cid))
        s.delete(entry)
        with pytest.raises(DBAPIError, match="append-only"):
            s.flush()


def test_every_rule_is_walked_by_these_tests():
    walked = {
        Action.FILE, Action.DECLINE, Action.SELF_RESOLVE, Action.DISPATCH, Action.ESCALATE,
        Action.ACCEPT, Action.RETURN, Action.REPORT_RESULT, Action.VERIFY, Action.FOLLOW_UP,
        Action.REQUEST_EXTENSION, Action.DECIDE_EXTENSION, Action.SUSPEND, Action.RESUME,
        Action.VOID, Action.SUPERVISE, Action.REPLY_SUPERVISION, Action.URGE, Action.REOPEN,
        Action.MERGE,
        Action.ATTACH,  # tests/test_operations.py
    }  # fmt: skip
    assert walked == set(RULES)
    assert len(transition_table()) == len(RULES)
