"""Working-time arithmetic (pure) and the stored calendar (both engines)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select

from commandcenter.errors import ImportRejected
from commandcenter.schedule.workcalendar import (
    CalendarError,
    WorkingCalendar,
    calendar_days,
    export_calendar_csv,
    import_calendar_csv,
    load_working_hours,
    set_working_hours,
)

D = dt.datetime
T = dt.time

# An INVENTED holiday schedule around National Day 2026, shaped like the real ones (a week off,
# two weekend days worked to make up for it). It is NOT the official 2026 schedule, which these
# tests do not need and do not claim to know.
#   2026-09-27 Sunday     worked (调休)
#   2026-10-01 Thursday … 2026-10-07 Wednesday off (the weekend 10-03/10-04 listed too, as the
#                          official lists do; it changes nothing)
#   2026-10-10 Saturday   worked (调休)
NATIONAL_DAY = {
    dt.date(2026, 9, 27): True,
    **{dt.date(2026, 10, d): False for d in range(1, 8)},
    dt.date(2026, 10, 10): True,
}
OFFICE = [(T(8, 30), T(12, 0)), (T(13, 30), T(17, 30))]  # 450 working minutes a day

ALL_DAY = WorkingCalendar(NATIONAL_DAY)
HOURS = WorkingCalendar(NATIONAL_DAY, OFFICE)


def test_the_invented_dates_fall_on_the_weekdays_the_tests_assume():
    assert dt.date(2026, 9, 27).strftime("%a") == "Sun"
    assert dt.date(2026, 10, 1).strftime("%a") == "Thu"
    assert dt.date(2026, 10, 10).strftime("%a") == "Sat"
    assert dt.date(2026, 11, 6).strftime("%a") == "Fri"


def test_working_days():
    plain = WorkingCalendar()
    assert [plain.is_working_day(dt.date(2026, 11, d)) for d in range(2, 9)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert not ALL_DAY.is_working_day(dt.date(2026, 10, 1))  # a holiday on a Thursday
    assert ALL_DAY.is_working_day(dt.date(2026, 10, 10))  # an adjusted Saturday
    assert ALL_DAY.is_working_day(dt.date(2026, 9, 27))  # an adjusted Sunday
    assert not ALL_DAY.is_working_day(dt.date(2026, 10, 11))
    assert ALL_DAY.minutes_per_day == 1440 and HOURS.minutes_per_day == 450
    assert HOURS.is_working_time(D(2026, 11, 2, 8, 30))
    assert not HOURS.is_working_time(D(2026, 11, 2, 12, 0))  # periods are [start, end)
    assert not HOURS.is_working_time(D(2026, 11, 2, 12, 45))
    assert not HOURS.is_working_time(D(2026, 10, 1, 10, 0))
    assert HOURS.is_working_time(D(2026, 10, 10, 10, 0))


def test_deadlines_across_a_weekend_without_hours():
    assert ALL_DAY.add(D(2026, 11, 6, 15), days=1) == D(2026, 11, 9, 15)  # Fri → Mon
    assert ALL_DAY.add(D(2026, 11, 2, 9), days=5) == D(2026, 11, 9, 9)
    assert ALL_DAY.add(D(2026, 11, 6, 22), hours=4) == D(2026, 11, 9, 2)
    # the end-of-day convention: the first moment the time is used up, Friday 24:00
    assert ALL_DAY.add(D(2026, 11, 6, 0), days=1) == D(2026, 11, 7, 0)
    # a start on the weekend counts from Monday 00:00
    assert ALL_DAY.add(D(2026, 11, 7, 10), hours=2) == D(2026, 11, 9, 2)
    assert ALL_DAY.add(D(2026, 11, 8, 23, 59), days=1) == D(2026, 11, 10, 0)


def test_deadlines_across_public_holidays_and_adjusted_days():
    # Wednesday before the holiday week + 1 day → the Thursday after it
    assert ALL_DAY.add(D(2026, 9, 30, 10), days=1) == D(2026, 10, 8, 10)
    # the department rule (3 days) from Tuesday: Wed 30th, Thu 8th, Fri 9th
    assert ALL_DAY.add(D(2026, 9, 29, 9), days=3) == D(2026, 10, 9, 9)
    # an adjusted working Saturday counts, the Sunday after it does not
    assert ALL_DAY.add(D(2026, 10, 9, 15), days=1) == D(2026, 10, 10, 15)
    assert ALL_DAY.add(D(2026, 10, 10, 15), days=1) == D(2026, 10, 12, 15)
    # an adjusted working Sunday
    assert ALL_DAY.add(D(2026, 9, 25, 15), days=1) == D(2026, 9, 27, 15)
    assert ALL_DAY.add(D(2026, 9, 26, 10), hours=2) == D(2026, 9, 27, 2)
    # a start inside the holiday week counts from the first working day after it
    assert ALL_DAY.add(D(2026, 10, 3, 12), hours=2) == D(2026, 10, 8, 2)
    assert ALL_DAY.add(D(2026, 10, 3, 12), days=1) == D(2026, 10, 9, 0)  # end of the 8th
    assert ALL_DAY.add(D(2026, 10, 1, 0), days=2) == D(2026, 10, 10, 0)  # end of the 9th


def test_deadlines_with_working_hours():
    monday = dt.date(2026, 11, 2)

    def at(hour, minute=0, day=monday):
        return dt.datetime.combine(day, T(hour, minute))

    assert HOURS.add(at(10), days=1) == at(10, day=dt.date(2026, 11, 3))
    assert HOURS.add(at(11), hours=2) == at(14, 30)  # the lunch break does not count
    friday, next_monday = dt.date(2026, 11, 6), dt.date(2026, 11, 9)
    assert HOURS.add(at(16, 30, friday), hours=2) == at(9, 30, next_monday)
    assert HOURS.add(at(13, 30), hours=4) == at(17, 30)  # ends at the end of the period
    assert HOURS.add(at(8, 30), hours=3.5) == at(12, 0)
    assert HOURS.add(at(7, 0), hours=1) == at(9, 30)  # before work: counts from 08:30
    assert HOURS.add(at(19, 0), hours=1) == at(9, 30, dt.date(2026, 11, 3))
    # started in the lunch break: counts from 13:30; one day ends at Tuesday 12:00
    assert HOURS.add(at(12, 30), days=1) == at(12, 0, dt.date(2026, 11, 3))
    assert HOURS.add(at(10), days=1, hours=0.5) == at(10, 30, dt.date(2026, 11, 3))
    # holidays and adjusted days with hours
    assert HOURS.add(D(2026, 9, 30, 16), days=1) == D(2026, 10, 8, 16)
    assert HOURS.add(D(2026, 10, 3, 12), days=1) == D(2026, 10, 8, 17, 30)
    assert HOURS.add(D(2026, 10, 10, 9), hours=4) == D(2026, 10, 10, 14, 30)
    assert HOURS.add(D(2026, 10, 9, 17), hours=1) == D(2026, 10, 10, 9)


def test_negative_and_zero_durations():
    saturday = D(2026, 11, 7, 10)
    assert ALL_DAY.add(saturday) == saturday and HOURS.add(saturday, days=0) == saturday
    assert ALL_DAY.add(D(2026, 11, 9, 10), days=-1) == D(2026, 11, 6, 10)
    assert ALL_DAY.add(D(2026, 10, 8, 10), days=-1) == D(2026, 9, 30, 10)
    assert ALL_DAY.add(D(2026, 11, 9, 0), hours=-1) == D(2026, 11, 6, 23)
    # counting back gives the last moment: Monday 00:00, not Saturday 00:00
    assert ALL_DAY.add(D(2026, 11, 9, 10), hours=-10) == D(2026, 11, 9, 0)
    assert HOURS.add(D(2026, 11, 9, 8, 30), hours=-1) == D(2026, 11, 6, 16, 30)
    assert HOURS.add(D(2026, 11, 9, 12, 0), hours=-3.5) == D(2026, 11, 9, 8, 30)
    assert HOURS.add(D(2026, 11, 9, 14, 30), hours=-2) == D(2026, 11, 9, 11, 0)
    assert ALL_DAY.add(D(2026, 11, 9, 10), days=1, hours=-2) == D(2026, 11, 10, 8)
    assert ALL_DAY.add(D(2026, 11, 9, 10), days=-1, hours=2) == D(2026, 11, 6, 12)


def test_working_minutes():
    assert ALL_DAY.working_minutes(D(2026, 11, 6, 15), D(2026, 11, 9, 15)) == 1440
    assert ALL_DAY.working_minutes(D(2026, 11, 9, 15), D(2026, 11, 6, 15)) == -1440
    assert ALL_DAY.working_minutes(D(2026, 11, 7), D(2026, 11, 9)) == 0
    assert ALL_DAY.working_minutes(D(2026, 9, 30), D(2026, 10, 8)) == 1440
    assert HOURS.working_minutes(D(2026, 11, 2, 11), D(2026, 11, 2, 14, 30)) == 120
    assert HOURS.working_minutes(D(2026, 11, 2), D(2026, 11, 9)) == 5 * 450
    a = D(2026, 11, 2, 10)
    assert HOURS.working_minutes(a, a) == 0
    # whole minutes, truncated toward zero both ways
    assert ALL_DAY.working_minutes(a, a + dt.timedelta(seconds=90)) == 1
    assert ALL_DAY.working_minutes(a + dt.timedelta(seconds=90), a) == -1
    assert ALL_DAY.working_time(a, a + dt.timedelta(seconds=90)) == dt.timedelta(seconds=90)
    # October 2026: 22 weekdays − 5 holidays + 1 adjusted Saturday = 18 working days
    october = ALL_DAY.working_minutes(D(2026, 10, 1), D(2026, 11, 1))
    assert october == 18 * 1440
    assert HOURS.working_minutes(D(2026, 10, 1), D(2026, 11, 1)) == 18 * 450
    # a whole year, with nothing but weekends
    assert WorkingCalendar().working_minutes(D(2027, 1, 1), D(2028, 1, 1)) == 261 * 1440


def test_positions_subtract_to_working_time():
    a, b = D(2026, 9, 30, 10, 15, 7), D(2026, 10, 12, 9, 1)
    for calendar in (ALL_DAY, HOURS):
        difference = calendar.position(b) - calendar.position(a)
        assert dt.timedelta(microseconds=difference) == calendar.working_time(a, b)
    assert ALL_DAY.position(D(2026, 10, 3, 12)) == ALL_DAY.position(D(2026, 10, 1))


def test_paused_clock_moves_the_deadline_by_the_working_time_paused():
    deadline = D(2026, 11, 3, 10)
    # paused Monday 11:00–14:30: 3.5 h all day, 2 h with office hours (lunch excluded)
    assert ALL_DAY.shift(deadline, D(2026, 11, 2, 11), D(2026, 11, 2, 14, 30)) == D(
        2026, 11, 3, 13, 30
    )
    assert HOURS.shift(deadline, D(2026, 11, 2, 11), D(2026, 11, 2, 14, 30)) == D(2026, 11, 3, 12)
    # a pause over the weekend holds no working time
    assert HOURS.shift(deadline, D(2026, 11, 6, 17, 30), D(2026, 11, 9, 8, 30)) == deadline
    assert ALL_DAY.shift(deadline, D(2026, 11, 7), D(2026, 11, 9)) == deadline
    # over the holiday week: 12 h on the 30th + 12 h on the 8th = 1 day; it lands on the
    # adjusted Saturday
    assert ALL_DAY.shift(D(2026, 10, 9, 10), D(2026, 9, 30, 12), D(2026, 10, 8, 12)) == D(
        2026, 10, 10, 10
    )
    # a deadline that passed while paused: still shifted by the working time paused
    assert ALL_DAY.shift(D(2026, 11, 2, 12), D(2026, 11, 2, 11), D(2026, 11, 2, 15)) == D(
        2026, 11, 2, 16
    )
    assert ALL_DAY.shift(deadline, deadline, deadline) == deadline
    with pytest.raises(ValueError):
        ALL_DAY.shift(deadline, D(2026, 11, 2, 12), D(2026, 11, 2, 11))


def test_bad_working_hours_are_refused():
    for hours in (
        [],
        [(T(12), T(8))],
        [(T(8), T(12)), (T(11), T(13))],
        [(T(8, 0, 30), T(12))],
        [("08:00", "12:00")],
        [(T(8),)],
    ):
        with pytest.raises(CalendarError):
            WorkingCalendar(hours=hours)
    with pytest.raises(CalendarError):
        WorkingCalendar({D(2026, 10, 1): False})  # a datetime is not a date
    # an end of 00:00 is midnight; unsorted periods are sorted
    late = WorkingCalendar(hours=[(T(22), T(0)), (T(6), T(8))])
    assert late.minutes_per_day == 240
    assert late.hours == ((T(6), T(8)), (T(22), T(0)))
    assert late.add(D(2026, 11, 2, 23), hours=2) == D(2026, 11, 3, 7)


def _reference_minutes(calendar: WorkingCalendar, a: dt.datetime, b: dt.datetime) -> float:
    """Working minutes in [a, b), the slow obvious way: day by day, period by period."""
    if b < a:
        return -_reference_minutes(calendar, b, a)
    periods = calendar.hours or ((T(0), T(0)),)
    total = dt.timedelta(0)
    day = a.date()
    while day <= b.date():
        if calendar.is_working_day(day):
            for start, end in periods:
                s = dt.datetime.combine(day, start)
                e = dt.datetime.combine(day, end)
                if end == T(0):
                    e += dt.timedelta(days=1)
                overlap = min(e, b) - max(s, a)
                if overlap > dt.timedelta(0):
                    total += overlap
        day += dt.timedelta(days=1)
    return total / dt.timedelta(minutes=1)


@pytest.mark.parametrize("calendar", [ALL_DAY, HOURS], ids=["all-day", "office-hours"])
def test_arithmetic_agrees_with_a_day_by_day_count(calendar):
    rng = random.Random(34300)
    origin = D(2026, 9, 1)
    minute = dt.timedelta(minutes=1)
    for _ in range(400):
        a = origin + rng.randrange(0, 80 * 1440) * minute
        b = a + rng.randrange(-20 * 1440, 20 * 1440) * minute
        assert calendar.working_minutes(a, b) == _reference_minutes(calendar, a, b), (a, b)
        amount = rng.randrange(-8000, 8000)
        end = calendar.add(a, minutes=amount)
        assert _reference_minutes(calendar, a, end) == amount, (a, amount)
        if amount > 0:  # the first such moment
            assert _reference_minutes(calendar, a, end - minute) == amount - 1
        elif amount < 0:  # the last such moment
            assert _reference_minutes(calendar, a, end + minute) == amount + 1


# --- storage -------------------------------------------------------------------------------


@pytest.fixture
def database(db_url):
    from commandcenter.storage import open_database

    database = open_database(db_url)
    yield database
    database.dispose()


def _snapshot(session):
    from commandcenter.storage.models import CalendarDay

    return [
        (r.day, r.working, r.name) for r in session.scalars(select(CalendarDay).order_by("day"))
    ]


CSV_TEXT = """date,working,name
# an invented National Day schedule, not the official one
2026-09-27,上班,国庆调休
2026-10-01,休息,国庆节
2026/10/2,0,国庆节
2026-10-05,0,国庆节
2026-10-06,0,国庆节
2026-10-07,0,国庆节

2026-10-10,1,国庆调休
"""


def test_load_an_empty_calendar_is_monday_to_friday_all_day(database):
    with database.session() as session:
        calendar = WorkingCalendar.load(session)
    assert calendar == WorkingCalendar()
    assert calendar.hours is None and calendar.minutes_per_day == 1440


def test_import_then_load(database, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    with database.session() as session, session.begin():
        result = import_calendar_csv(session, path)
        set_working_hours(session, OFFICE)
    assert (result.days, result.days_off, result.working_days, result.replaced) == (7, 5, 2, 0)
    with database.session() as session:
        calendar = WorkingCalendar.load(session)
        names = {r.day: r.name for r in calendar_days(session, 2026)}
    expected = {day: working for day, working in NATIONAL_DAY.items() if day.day not in (3, 4)}
    assert calendar == WorkingCalendar(expected, OFFICE) == HOURS
    assert names[dt.date(2026, 10, 1)] == "国庆节"
    assert calendar.add(D(2026, 9, 30, 16), days=1) == D(2026, 10, 8, 16)


def test_import_replaces_only_the_days_given(database, tmp_path):
    from commandcenter.storage.models import CalendarDay

    with database.session() as session, session.begin():
        session.add(CalendarDay(day=dt.date(2026, 10, 1), working=True, name="wrong"))
        session.add(CalendarDay(day=dt.date(2026, 12, 31), working=False, name="kept"))
    path = tmp_path / "calendar.csv"
    path.write_text("2026-10-01,休息,国庆节\n2026-10-02,0\n", encoding="gb18030")
    with database.session() as session, session.begin():
        result = import_calendar_csv(session, path)
    assert (result.days, result.replaced) == (2, 1)
    with database.session() as session:
        assert _snapshot(session) == [
            (dt.date(2026, 10, 1), False, "国庆节"),
            (dt.date(2026, 10, 2), False, ""),
            (dt.date(2026, 12, 31), False, "kept"),
        ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("date,working,name\n2026-02-30,1,x\n", ["bad.csv:2: date '2026-02-30' does not exist"]),
        ("2026-10-01,1,x\n01/10/2026,1,x\n", ["bad.csv:2: date '01/10/2026' is not like"]),
        ("0026-10-01,0,x\n", ["bad.csv:1: date '0026-10-01' is outside"]),
        (
            "2026-10-01,0,a\n2026-10-01,0,a\n",
            ["bad.csv:2: 2026-10-01 is listed twice (also line 1)"],
        ),
        ("2026-10-01,maybe,x\n", ["bad.csv:1: working 'maybe' should be"]),
        ("2026-10-01\n", ["bad.csv:1: expected date,working,name; got 1 column(s)"]),
        ("2026-10-01,0,x,y\n", ["bad.csv:1: expected date,working,name; got 4 columns"]),
        ("2026-10-01,0," + "长" * 51 + "\n", ["bad.csv:1: name longer than 50"]),
        ("", ["bad.csv: no calendar days in the file"]),
        ('2026-10-01,0,"unclosed\n', ["bad.csv: not a valid CSV file"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ["bad.csv: cannot read: is not a text file"]),
        (
            "date,working,name\n2026-10-01,0,ok\nnonsense\n2026-13-01,1,x\n2026-10-01,1,again\n",
            [
                "bad.csv:3: expected date,working,name; got 1 column(s)",
                "bad.csv:4: date '2026-13-01' does not exist",
                "bad.csv:5: 2026-10-01 is listed twice (also line 2)",
            ],
        ),
    ],
)
def test_a_bad_file_is_rejected_and_changes_nothing(database, tmp_path, content, expected):
    good = tmp_path / "good.csv"
    good.write_text(CSV_TEXT, encoding="utf-8")
    with database.session() as session, session.begin():
        import_calendar_csv(session, good)
        set_working_hours(session, OFFICE)
    with database.session() as session:
        before = _snapshot(session)
    bad = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    with (
        pytest.raises(ImportRejected) as caught,
        database.session() as session,
        session.begin(),
    ):
        import_calendar_csv(session, bad)
    problems = caught.value.problems
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problems
    assert "nothing changed" in str(caught.value)
    with database.session() as session:
        assert _snapshot(session) == before


def test_a_missing_file_is_rejected(database, tmp_path):
    with pytest.raises(ImportRejected) as caught, database.session() as session:
        import_calendar_csv(session, tmp_path / "nowhere.csv")
    assert caught.value.problems == [f"{tmp_path / 'nowhere.csv'}: no such file"]


def test_export_then_import_round_trip(database, tmp_path):
    source = tmp_path / "calendar.csv"
    source.write_text(CSV_TEXT + "2027-01-01,0,元旦\n", encoding="utf-8")
    with database.session() as session, session.begin():
        import_calendar_csv(session, source)
    with database.session() as session:
        before = _snapshot(session)
        exported = tmp_path / "exported.csv"
        assert export_calendar_csv(session, exported) == 8
        assert export_calendar_csv(session, tmp_path / "2027.csv", year=2027) == 1
    text = exported.read_text(encoding="utf-8-sig")
    assert text.splitlines()[:2] == ["date,working,name", "2026-09-27,1,国庆调休"]
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets need the BOM
    from commandcenter.storage.models import CalendarDay

    with database.session() as session, session.begin():
        session.execute(CalendarDay.__table__.delete())
    with database.session() as session, session.begin():
        result = import_calendar_csv(session, exported)
    assert result.days == 8
    with database.session() as session:
        assert _snapshot(session) == before


def test_export_to_an_unwritable_place_is_a_clear_error(database, tmp_path):
    with database.session() as session, pytest.raises(CalendarError, match="Cannot write"):
        export_calendar_csv(session, tmp_path / "no" / "such" / "folder.csv")


def test_working_hours_setting(database):
    from commandcenter.storage.models import Setting

    with database.session() as session, session.begin():
        set_working_hours(session, [(T(13, 30), T(17, 30)), (T(8, 30), T(12))])
    with database.session() as session:
        assert session.get(Setting, "working_hours").value == [
            ["08:30", "12:00"],
            ["13:30", "17:30"],
        ]
        assert load_working_hours(session) == OFFICE
        assert WorkingCalendar.load(session).minutes_per_day == 450
    with database.session() as session, session.begin():
        set_working_hours(session, [(T(20), T(0))])
    with database.session() as session:
        assert session.get(Setting, "working_hours").value == [["20:00", "24:00"]]
        assert WorkingCalendar.load(session).minutes_per_day == 240
    with database.session() as session, session.begin():
        set_working_hours(session, None)
    with database.session() as session:
        assert session.get(Setting, "working_hours") is None
        assert WorkingCalendar.load(session).hours is None
    with database.session() as session, session.begin():
        session.add(Setting(key="working_hours", value=[["08:30", "12:00"], ["11:00", "9"]]))
    with database.session() as session, pytest.raises(CalendarError, match="working_hours"):
        WorkingCalendar.load(session)
