"""Time limit rules: seeded defaults, the most specific rule wins, validation (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from commandcenter.domain.enums import CaseCategory, Urgency
from commandcenter.schedule.timelimits import (
    DEFAULT_LIMITS,
    TimeLimitError,
    TimeLimitPlace,
    TimeLimits,
    remove_limit,
    set_limit,
)
from commandcenter.schedule.workcalendar import WorkingCalendar


@pytest.fixture
def database(db_url):
    from commandcenter.storage import open_database

    database = open_database(db_url)
    yield database
    database.dispose()


def _load(database) -> TimeLimits:
    with database.session() as session:
        return TimeLimits.load(session)


def test_place_values_are_what_cases_store():
    assert [p.value for p in TimeLimitPlace] == ["community", "street", "department"]
    assert TimeLimitPlace("street") is TimeLimitPlace.STREET


def test_the_seeded_rule_community_1_street_2_other_units_3(database):
    limits = _load(database)
    assert limits.limit_for("community") == (1, 0)
    assert limits.limit_for(TimeLimitPlace.STREET, CaseCategory.DISPUTE, Urgency.URGENT) == (2, 0)
    assert limits.limit_for("department", "environment", "normal") == (3, 0)
    assert limits.rules() == [
        ("community", None, None, 1, 0),
        ("street", None, None, 2, 0),
        ("department", None, None, 3, 0),
    ]


def test_the_most_specific_rule_wins(database):
    with database.session() as session, session.begin():
        set_limit(session, "street", 1, 4, category="dispute")
        set_limit(session, "street", 1, 0, urgency="urgent")
        set_limit(session, "street", 0, 4, category="dispute", urgency="urgent")
        set_limit(session, "community", 0, 2, urgency=Urgency.CRITICAL)
    limits = _load(database)
    street = TimeLimitPlace.STREET
    # category + urgency
    assert limits.limit_for(street, "dispute", "urgent") == (0, 4)
    # urgency only beats category only
    assert limits.limit_for(street, "environment", "urgent") == (1, 0)
    # category only
    assert limits.limit_for(street, "dispute", "normal") == (1, 4)
    assert limits.limit_for(street, "dispute", None) == (1, 4)
    # the place's default
    assert limits.limit_for(street, "environment", "normal") == (2, 0)
    # other places are untouched by the street's rules
    assert limits.limit_for("department", "dispute", "urgent") == (3, 0)
    assert limits.limit_for("community", "other", "critical") == (0, 2)


def test_without_any_row_the_built_in_defaults_apply(database):
    from commandcenter.storage.models import TimeLimit

    with database.session() as session, session.begin():
        session.execute(TimeLimit.__table__.delete())
    limits = _load(database)
    for place, limit in DEFAULT_LIMITS.items():
        assert limits.limit_for(place, "dispute", "urgent") == limit
    assert TimeLimits().limit_for("department") == (3, 0)
    with database.session() as session, session.begin():
        set_limit(session, "street", 5, 0, urgency="normal")
    limits = _load(database)
    assert limits.limit_for("street", "other", "normal") == (5, 0)
    assert limits.limit_for("street", "other", "urgent") == (2, 0)


def test_set_limit_changes_an_existing_rule_instead_of_adding_one(database):
    from commandcenter.storage.models import TimeLimit

    with database.session() as session, session.begin():
        set_limit(session, "community", 2, 0)
        set_limit(session, "community", 0, 6, category="safety_hazard")
        set_limit(session, "community", 0, 3, category="safety_hazard")
    with database.session() as session:
        rows = session.execute(
            select(TimeLimit.category, TimeLimit.days, TimeLimit.hours).where(
                TimeLimit.place == "community"
            )
        ).all()
    assert sorted(rows, key=lambda r: r[0] or "") == [(None, 2, 0), ("safety_hazard", 0, 3)]
    assert _load(database).limit_for("community", "safety_hazard", "normal") == (0, 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nowhere", 1, 0), "unknown place"),
        (("street", -1, 0), "cannot be negative"),
        (("street", 1, -2), "cannot be negative"),
        (("street", 0, 0), "cannot both be 0"),
        (("street", 1.5, 0), "whole number"),
        (("street", True, 0), "whole number"),
        (("street", "2", 0), "whole number"),
        (("street", 1, 0, "weather"), "unknown category"),
        (("street", 1, 0, None, "asap"), "unknown urgency"),
    ],
)
def test_set_limit_refuses_bad_values_and_stores_nothing(database, args, message):
    with database.session() as session, pytest.raises(TimeLimitError, match=message):
        set_limit(session, *args)
    assert _load(database).rules() == [
        ("community", None, None, 1, 0),
        ("street", None, None, 2, 0),
        ("department", None, None, 3, 0),
    ]


def test_remove_limit_falls_back_to_the_next_rule(database):
    with database.session() as session, session.begin():
        set_limit(session, "department", 1, 0, urgency="urgent")
    with database.session() as session, session.begin():
        assert remove_limit(session, "department", urgency="urgent")
        assert not remove_limit(session, "department", urgency="urgent")
        assert remove_limit(session, "community")
    limits = _load(database)
    assert limits.limit_for("department", "other", "urgent") == (3, 0)
    assert limits.limit_for("community") == (1, 0)  # built in


def test_limit_for_refuses_unknown_values():
    limits = TimeLimits()
    with pytest.raises(TimeLimitError):
        limits.limit_for("county")
    with pytest.raises(TimeLimitError):
        limits.limit_for("street", "weather")
    with pytest.raises(TimeLimitError):
        TimeLimits({("county", None, None): (1, 0)})


def test_a_limit_becomes_a_deadline_in_working_time():
    limits = TimeLimits({("street", None, "urgent"): (1, 4)})
    calendar = WorkingCalendar(
        hours=[(dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))]
    )
    days, hours = limits.limit_for("street", "dispute", "urgent")
    friday = dt.datetime(2026, 11, 6, 10)
    assert calendar.add(friday, days=days, hours=hours) == dt.datetime(2026, 11, 9, 15, 30)
    assert limits.minutes_for("street", "dispute", "urgent", calendar.minutes_per_day) == 690
