"""Deadline status and time left, in wall-clock time and in working time."""

from __future__ import annotations

import datetime as dt

import pytest

from commandcenter.schedule.deadlines import (
    WARN_SHARE,
    DeadlineStatus,
    InvalidWarnShare,
    deadline_status,
    load_warn_share,
    set_warn_share,
    time_left_minutes,
)
from commandcenter.schedule.workcalendar import WorkingCalendar

D = dt.datetime
OFFICE = WorkingCalendar(hours=[(dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))])
# invented holidays (not an official schedule): Thursday 2026-10-01 and Friday 10-02 off
HOLIDAYS = WorkingCalendar({dt.date(2026, 10, 1): False, dt.date(2026, 10, 2): False})


def test_wall_clock_status_is_unchanged_without_a_calendar():
    started, deadline = D(2026, 11, 2, 9), D(2026, 11, 3, 9)
    assert deadline_status(D(2026, 11, 2, 10), started, None) == DeadlineStatus.NONE
    assert deadline_status(D(2026, 11, 2, 10), started, deadline) == DeadlineStatus.ON_TIME
    assert deadline_status(D(2026, 11, 3, 2, 59), started, deadline) == DeadlineStatus.ON_TIME
    assert deadline_status(D(2026, 11, 3, 3), started, deadline) == DeadlineStatus.NEAR_DUE
    assert deadline_status(deadline, started, deadline) == DeadlineStatus.OVERDUE
    assert deadline_status(D(2026, 11, 3, 3), None, deadline) == DeadlineStatus.ON_TIME
    assert deadline_status(D(2026, 11, 2, 20), started, deadline, 0.5) == DeadlineStatus.ON_TIME
    assert deadline_status(D(2026, 11, 2, 22), started, deadline, 0.5) == DeadlineStatus.NEAR_DUE
    # positional arguments as the callers pass them
    assert deadline_status(D(2026, 11, 2, 22), started, deadline, 0.5, None) == "near_due"


def test_working_time_status_ignores_nights_weekends_and_lunch():
    # filed Friday 16:30 with one working day (450 min): due Monday 16:30
    started = D(2026, 11, 6, 16, 30)
    deadline = OFFICE.add(started, days=1)
    assert deadline == D(2026, 11, 9, 16, 30)
    monday_10 = D(2026, 11, 9, 10)
    # by the wall clock 6.5 h of 72 h are left (9 %): amber
    assert deadline_status(monday_10, started, deadline) == DeadlineStatus.NEAR_DUE
    # in working time 300 of 450 min are left (67 %): on time
    assert deadline_status(monday_10, started, deadline, calendar=OFFICE) == "on_time"
    # on Sunday nothing has been used up but the first hour
    assert deadline_status(D(2026, 11, 8, 12), started, deadline, calendar=OFFICE) == "on_time"
    # 112.5 min or less left is amber: 14:37:30 onwards
    assert deadline_status(D(2026, 11, 9, 14, 37), started, deadline, calendar=OFFICE) == "on_time"
    assert deadline_status(D(2026, 11, 9, 14, 38), started, deadline, calendar=OFFICE) == "near_due"
    assert deadline_status(deadline, started, deadline, calendar=OFFICE) == "overdue"
    # overdue is the wall clock passing the deadline, even when no working time has passed
    late = D(2026, 11, 6, 17, 30)
    assert deadline_status(D(2026, 11, 7, 9), started, late, calendar=OFFICE) == "overdue"


def test_holidays_in_the_status():
    started, deadline = D(2026, 9, 30, 12), D(2026, 10, 5, 12)  # 1 working day over a holiday
    assert HOLIDAYS.working_minutes(started, deadline) == 1440
    assert deadline_status(D(2026, 10, 3), started, deadline, calendar=HOLIDAYS) == "on_time"
    assert deadline_status(D(2026, 10, 3), started, deadline) == "on_time"
    assert deadline_status(D(2026, 10, 5, 6), started, deadline, calendar=HOLIDAYS) == "near_due"
    # on the Sunday half of the working time is left, but a fifth of the wall-clock time
    assert deadline_status(D(2026, 10, 4, 12), started, deadline, calendar=HOLIDAYS) == "on_time"
    assert deadline_status(D(2026, 10, 4, 12), started, deadline) == "near_due"


def test_a_paused_clock_is_judged_as_of_its_pause():
    started, deadline = D(2026, 11, 2, 9), D(2026, 11, 3, 9)
    paused = D(2026, 11, 2, 10)
    later = D(2026, 11, 5, 9)
    assert deadline_status(later, started, deadline, calendar=OFFICE) == "overdue"
    assert deadline_status(later, started, deadline, paused_since=paused) == "on_time"
    assert (
        deadline_status(later, started, deadline, calendar=OFFICE, paused_since=paused) == "on_time"
    )
    assert time_left_minutes(later, deadline, OFFICE, paused_since=paused) == 120 + 240 + 30
    # paused after it was already overdue
    assert deadline_status(later, started, deadline, paused_since=D(2026, 11, 4)) == "overdue"


def test_time_left_minutes():
    deadline = D(2026, 11, 9, 16, 30)
    assert time_left_minutes(D(2026, 11, 9, 10), deadline, OFFICE) == 300
    assert time_left_minutes(D(2026, 11, 9, 10), deadline) == 390
    assert time_left_minutes(D(2026, 11, 6, 17), deadline, OFFICE) == 30 + 450 - 60
    assert time_left_minutes(deadline, deadline, OFFICE) == 0
    assert time_left_minutes(D(2026, 11, 10, 9), deadline, OFFICE) == -(60 + 30)
    assert time_left_minutes(D(2026, 11, 10, 9), deadline) == -(16 * 60 + 30)
    # rounded down: 30 s left is 0, 30 s late is -1
    assert time_left_minutes(deadline - dt.timedelta(seconds=30), deadline) == 0
    assert time_left_minutes(deadline + dt.timedelta(seconds=30), deadline) == -1
    assert time_left_minutes(deadline + dt.timedelta(seconds=30), deadline, OFFICE) == -1
    # overdue on Friday evening, looked at on Saturday: no working time has passed since
    friday_end = D(2026, 11, 6, 17, 30)
    assert time_left_minutes(D(2026, 11, 7, 10), friday_end, OFFICE) == 0


@pytest.fixture
def session(tmp_path):
    from commandcenter.storage import open_database

    database = open_database(f"sqlite:///{tmp_path / 'cc.db'}")
    with database.session() as session:
        yield session
    database.dispose()


def test_warn_share_setting(session, caplog):
    from commandcenter.storage.models import Setting

    assert load_warn_share(session) == WARN_SHARE == 0.25
    assert set_warn_share(session, 0.4) == 0.4
    assert load_warn_share(session) == 0.4
    set_warn_share(session, 0.1)
    assert load_warn_share(session) == 0.1
    for bad in (0, 1, 1.5, -0.1, float("nan"), "0.3", None, True):
        with pytest.raises(InvalidWarnShare):
            set_warn_share(session, bad)
    assert load_warn_share(session) == 0.1
    session.get(Setting, "warn_share").value = "lots"
    session.flush()
    assert load_warn_share(session) == WARN_SHARE
    assert "warn_share" in caplog.text
