"""The board judges 临期 in working time: a weekend does not eat a case's time."""

import datetime as dt

from commandcenter.cases.dashboard import load_dashboard
from commandcenter.cases.rows import open_cases
from commandcenter.domain.enums import CaseCategory, CaseSource
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.workflow import Action
from commandcenter.workflow.engine import CaseWorkflow

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

FRIDAY_10 = dt.datetime(2026, 11, 20, 10, 0)


def test_weekend_does_not_make_a_case_near_due(db_url):
    database = open_database(db_url)
    try:
        with database.session() as s, s.begin():
            district = build_district(s)
            flow = CaseWorkflow(s, calendar=WorkingCalendar(), now=lambda: FRIDAY_10)
            duty = district.actor(s, "duty")
            change = flow.report(
                district.actor(s, "gm1"),
                source=CaseSource.GRID_PATROL,
                category=CaseCategory.ENVIRONMENT,
                title="垃圾堆放",
                grid_id=district.grids["G1"],
            )
            flow.perform(duty, change.case_id, Action.FILE, expected_version=1)
            flow.perform(
                district.actor(s, "dispatcher"),
                change.case_id,
                Action.DISPATCH,
                expected_version=2,
                center_id=district.centers["c1"],
            )  # fmt: skip  (community: 1 working day, due Monday 10:00)
        with database.session() as s:
            duty = district.actor(s, "duty")
            sunday_night = dt.datetime(2026, 11, 22, 20, 0)
            (row,) = open_cases(s, duty, sunday_night)
            assert row.deadline == dt.datetime(2026, 11, 23, 10, 0)
            # wall clock: 14 h of 72 h left (19 %) would be amber; working time: 10 h of 24 h
            assert row.deadline_status == DeadlineStatus.ON_TIME
            assert row.status_at(dt.datetime(2026, 11, 23, 8, 0)) == DeadlineStatus.NEAR_DUE
            assert row.status_at(dt.datetime(2026, 11, 23, 10, 0)) == DeadlineStatus.OVERDUE
            board = load_dashboard(s, duty, sunday_night)
            assert (board.near_due, board.overdue) == (0, 0)
    finally:
        database.dispose()
