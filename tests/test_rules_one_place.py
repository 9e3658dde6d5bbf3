"""Rules with one home, asked by every screen, export and figure: a case's deadline status
(paused clocks included), masking of personal data in every text a role reads, and who sees a
case (a department that holds it, wherever it is)."""

from __future__ import annotations

import datetime as dt

import pytest

from commandcenter.backend import LocalBackend
from commandcenter.cases import board
from commandcenter.cases.dashboard import load_dashboard
from commandcenter.cases.export import deadline_status_at, working_hours_left
from commandcenter.cases.rows import open_cases
from commandcenter.clock import ManualClock
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState
from commandcenter.domain.privacy import mask_text
from commandcenter.jurisdiction.tree import jurisdiction_tree
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.storage import open_database
from commandcenter.workflow import Action

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

TUESDAY = dt.datetime(2026, 11, 24, 10, 0)
PHONE, ID_NUMBER = "13912345678", "32120219800101123X"


@pytest.fixture
def center(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'rules.db'}")
    with database.session() as session, session.begin():
        district = build_district(session)
    clock = ManualClock(TUESDAY)

    def console(username: str) -> LocalBackend:
        with database.session() as s:
            return LocalBackend(database, district.actor(s, username), clock)

    yield database, district, clock, console
    database.dispose()


def dispatched_case(district, console, **fields) -> int:
    """A case dispatched to the street's department: due three working days later."""
    fields = {
        "source": CaseSource.RESIDENT,
        "category": CaseCategory.ENVIRONMENT,
        "title": "垃圾堆放未清运",
        "grid_id": district.grids["G1"],
        **fields,
    }
    case_id = console("duty").report_case(fields, allow_duplicate=True).value.case_id
    console("duty").take_step(case_id, Action.FILE, expected_version=1)
    console("dispatcher").take_step(
        case_id,
        Action.DISPATCH,
        expected_version=2,
        target=f"department:{district.departments['street_dept']}",
    )
    return case_id


def test_a_suspended_case_is_never_overdue_while_it_waits(center):
    """Suspended two hours after dispatch, looked at a week later: the board, the list (the
    same rows), the case tab, the export, the counters and the map's counts agree that it is
    on time, with its clock stopped (before: 超期 everywhere but in the deadline function)."""
    database, district, clock, console = center
    case_id = dispatched_case(district, console)
    clock.advance(hours=2)
    console("supervisor").take_step(case_id, Action.SUSPEND, expected_version=3, comment="待鉴定")
    clock.advance(days=7)  # far past the deadline
    now = clock.now()
    duty = console("duty")
    row = next(r for r in duty.load_console().rows if r.id == case_id)
    assert row.state is CaseState.SUSPENDED and row.deadline < now
    assert row.deadline_status is DeadlineStatus.ON_TIME
    assert row.status_at(now) is DeadlineStatus.ON_TIME and not row.overdue_at(now)
    assert row.clock_at(now) == TUESDAY + dt.timedelta(hours=2)
    assert duty.case_detail(case_id).deadline_status is DeadlineStatus.ON_TIME
    assert deadline_status_at(row, now) is DeadlineStatus.ON_TIME
    assert working_hours_left(row, now) > 0  # the hours left when the clock stopped
    overdue_filter = board.BoardFilter(overdue_only=True)
    assert board.apply([row], overdue_filter, duty.actor, now) == []
    with database.session() as s:
        assert load_dashboard(s, duty.actor, now).overdue == 0
        grid = next(
            g for n in jurisdiction_tree(s, duty.actor, now).walk() for g in n.grids
            if g.id == district.grids["G1"]
        )  # fmt: skip
        assert (grid.open_cases, grid.overdue_cases) == (1, 0)
    # Resumed, the deadline moved by the week it waited: on time still.
    console("supervisor").take_step(case_id, Action.RESUME, expected_version=4)
    assert duty.case_detail(case_id).deadline_status is not DeadlineStatus.OVERDUE


def test_an_overdue_case_reads_overdue_everywhere(center):
    database, district, clock, console = center
    case_id = dispatched_case(district, console)
    clock.advance(days=7)
    now = clock.now()
    duty = console("duty")
    row = next(r for r in duty.load_console().rows if r.id == case_id)
    assert row.deadline_status is row.status_at(now) is DeadlineStatus.OVERDUE
    assert duty.case_detail(case_id).deadline_status is DeadlineStatus.OVERDUE
    assert deadline_status_at(row, now) is DeadlineStatus.OVERDUE
    assert board.apply([row], board.BoardFilter(overdue_only=True), duty.actor, now) == [row]
    with database.session() as s:
        assert load_dashboard(s, duty.actor, now).overdue == 1


def test_personal_data_in_texts_is_masked_for_every_role_that_must_not_see_it(center):
    """Descriptions, comments, titles and the reporter: masked in the case tab, the board's
    rows (hence the list, the map's tooltips and the Excel export) and the history for a duty
    officer; clear for a supervisor (before: the case tab showed them to everyone)."""
    database, district, clock, console = center
    case_id = dispatched_case(
        district,
        console,
        title=f"居民{PHONE}反映垃圾",
        description=f"报告人身份证{ID_NUMBER}，电话{PHONE}，楼下堆放垃圾",
        reporter_name="张三丰",
        reporter_phone=PHONE,
    )
    console("handler").take_step(case_id, Action.ACCEPT, expected_version=3)
    console("handler").take_step(
        case_id, Action.REPORT_RESULT, expected_version=4, comment=f"已联系{PHONE}，清运完毕"
    )
    duty, supervisor = console("duty"), console("supervisor")

    def texts(backend):
        detail = backend.case_detail(case_id)
        rows = [r for r in backend.load_console().rows if r.id == case_id]
        history = backend.case_history(case_id)
        return (
            detail.title + detail.description + detail.reporter
            + "".join(e.comment for e in detail.timeline)
            + "".join(r.title for r in rows)
            + "".join(e.comment + str(e.details) for e in history)
        )  # fmt: skip

    masked = texts(duty)
    assert PHONE not in masked and ID_NUMBER not in masked and "张三丰" not in masked
    assert mask_text(PHONE) in masked and mask_text(ID_NUMBER) in masked
    clear = texts(supervisor)
    assert PHONE in clear and ID_NUMBER in clear and "张三丰" in clear
    with database.session() as s:
        assert all(PHONE not in r.title for r in open_cases(s, duty.actor, clock.now()))


def test_a_department_sees_the_cases_it_holds_beyond_its_street(center):
    """A county dispatcher may send a county case (no grid: the county's own) to a street's
    department: that department's handler sees it on the board and may take it (before: the
    engine let them, the board hid it)."""
    database, district, clock, console = center
    county = console("county_dispatcher")
    case_id = county.report_case(
        {
            "source": CaseSource.HOTLINE_12345,
            "category": CaseCategory.ENVIRONMENT,
            "title": "国道积水",
            "lon": 119.95,
            "lat": 32.52,
        }
    ).value.case_id
    county.take_step(case_id, Action.FILE, expected_version=1)
    county.take_step(
        case_id,
        Action.DISPATCH,
        expected_version=2,
        target=f"department:{district.departments['street_dept']}",
    )
    handler = console("handler")
    assert not handler.actor.governs_center(district.centers["county"])
    assert case_id in {r.id for r in handler.load_console().rows}
    assert handler.case_detail(case_id).code
    handler.take_step(case_id, Action.ACCEPT, expected_version=3)
