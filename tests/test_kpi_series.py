"""The supervisor's figures (commandcenter.kpi_series): the daily series adds up to the
assessment figures, every day, category and tree figure lists exactly its cases, and a case's
history is jurisdiction-checked and masked."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from test_kpi import AFTER, OCTOBER, district  # noqa: F401 - the fixture is used by name

from commandcenter.access.accounts import demo_actor
from commandcenter.cases.history import case_history
from commandcenter.domain.enums import TERMINAL_STATES, AdminLevel, CaseCategory
from commandcenter.domain.privacy import mask_text
from commandcenter.errors import PermissionDenied
from commandcenter.figures import kpi
from commandcenter.figures import series as kpi_series
from commandcenter.figures.kpi import Period, compute_kpis
from commandcenter.figures.series import (
    DAY_FIGURES,
    by_category,
    daily_series,
    drill_day,
    jurisdiction_figures,
    trace,
)
from commandcenter.storage.models import Case, CaseEvent, Center

DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)  # the demo district's "now" (conftest)
SUMMED = {"intake": "intake", "due": "due", "due_closed": "closed"}
SUMMED["closed_on_time"] = "closed_on_time"


@pytest.fixture
def demo(demo_database):
    with demo_database.session() as session:
        yield session


def total_row(session, actor, period, as_of):
    rows = compute_kpis(session, actor, period, "center", as_of=as_of)
    return next(r for r in rows if r.key == actor.center_id)


@pytest.mark.parametrize("username", ["supervisor", "duty", "leader"])
@pytest.mark.parametrize("period", ["2026-10", "2026-11", "2026-Q3"])
def test_series_add_up_to_the_assessment_figures(demo, username, period):
    actor = demo_actor(demo, username)
    series = daily_series(demo, actor, period, as_of=DEMO_NOW)
    total = total_row(demo, actor, period, DEMO_NOW)
    assert len(series.days) == (series.period.last - series.period.first).days + 1
    for day_figure, kpi_figure in SUMMED.items():
        assert series.total(day_figure) == getattr(total, kpi_figure), day_figure
    assert total.intake > 0


def test_backlog_moves_by_intake_less_what_ended(demo):
    actor = demo_actor(demo, "duty")
    series = daily_series(demo, actor, "2026-11", as_of=DEMO_NOW)
    level = series.backlog_before
    for day in series.days:
        if day.backlog is None:  # days after "now"
            assert day.day > DEMO_NOW.date()
            continue
        level += day.intake - day.closed - day.dropped
        assert day.backlog == level, day.day
    # At the end of today the backlog is what is open now.
    open_now = demo.scalar(
        select(func.count())
        .select_from(Case)
        .where(
            Case.state.not_in(list(TERMINAL_STATES)),
            Case.center_id.in_(actor.jurisdiction_center_ids),
        )
    )
    today = series.days[series.index_of(DEMO_NOW.date())]
    assert today.backlog == open_now > 0


def test_every_day_figure_lists_exactly_its_cases(demo):
    actor = demo_actor(demo, "duty")
    series = daily_series(demo, actor, "2026-10", as_of=DEMO_NOW)
    for day in series.days:
        for figure in DAY_FIGURES:
            ids = drill_day(demo, actor, day.day, figure, as_of=DEMO_NOW)
            assert len(ids) == (getattr(day, figure) or 0), (day.day, figure)
            assert ids == sorted(set(ids))
    # The intake of one day is the cases reported that day, read independently.
    day = dt.date(2026, 10, 5)
    reported = demo.scalars(
        select(Case.id).where(
            Case.reported_at >= dt.datetime(2026, 10, 5),
            Case.reported_at < dt.datetime(2026, 10, 6),
            Case.center_id.in_(actor.jurisdiction_center_ids),
        )
    ).all()
    assert drill_day(demo, actor, day, "intake", as_of=DEMO_NOW) == sorted(reported)
    # Closed that day: every case is closed now, with its closing time on that day.
    for case_id in drill_day(demo, actor, day, "closed", as_of=DEMO_NOW):
        case = demo.get(Case, case_id)
        assert case.state.value == "closed" and case.closed_at.date() == day


def test_a_running_period_has_no_backlog_after_now(demo):
    actor = demo_actor(demo, "duty")
    series = daily_series(demo, actor, "2026-11", as_of=DEMO_NOW)
    future = [d for d in series.days if d.day > DEMO_NOW.date()]
    assert future and all(d.backlog is None and d.intake == 0 for d in future)
    assert drill_day(demo, actor, future[0].day, "backlog", as_of=DEMO_NOW) == []


def test_category_figures_add_up_and_drill_to_their_cases(demo):
    actor = demo_actor(demo, "supervisor")
    rows = by_category(demo, actor, "2026-10", as_of=DEMO_NOW)
    total = total_row(demo, actor, "2026-10", DEMO_NOW)
    assert [r.code for r in rows] == [c.value for c in CaseCategory]
    for figure in ("intake", "due", "closed", "closed_on_time", "reworked", "rated"):
        assert sum(getattr(r, figure) for r in rows) == getattr(total, figure), figure
    for row in rows:
        category = CaseCategory(row.code)
        for measure in ("intake", "due", "closed_on_time", "satisfied"):
            ids = kpi_series.drill(demo, actor, "2026-10", "category", row.key, measure,
                                   as_of=DEMO_NOW)  # fmt: skip
            assert len(ids) == getattr(row, measure), (category, measure)
            assert {demo.get(Case, i).category for i in ids} <= {category}


def test_the_tree_carries_the_figures_of_each_node(demo):
    actor = demo_actor(demo, "supervisor")
    tree = jurisdiction_figures(demo, actor, "2026-10", as_of=DEMO_NOW)
    centers = {r.key: r for r in compute_kpis(demo, actor, "2026-10", "center", as_of=DEMO_NOW)}
    grids = {r.key: r for r in compute_kpis(demo, actor, "2026-10", "grid", as_of=DEMO_NOW)}
    assert tree.level is AdminLevel.COUNTY and tree.key == actor.center_id
    nodes = list(tree.walk())
    levels = [n.level for n in nodes if n.by == "center"]
    assert levels.count(AdminLevel.TOWNSHIP) == 1 and levels.count(AdminLevel.COMMUNITY) == 8
    assert {n.key for n in nodes if n.by == "grid"} == set(grids)
    for node in nodes:
        expected = centers if node.by == "center" else grids
        assert node.row == expected[node.key]
        if node.level is AdminLevel.COMMUNITY:  # a community's grids are its children
            assert all(child.by == "grid" for child in node.children)
            assert sum(c.row.intake for c in node.children) <= node.row.intake
    community = next(n for n in nodes if n.level is AdminLevel.COMMUNITY)
    center = demo.get(Center, community.key)
    assert center.unit_id == community.unit_id


def test_a_rate_traces_to_its_denominator_with_the_counted_cases_marked(demo):
    actor = demo_actor(demo, "supervisor")
    grid = max(compute_kpis(demo, actor, OCTOBER, "grid", as_of=DEMO_NOW), key=lambda r: r.due)
    found = trace(demo, actor, OCTOBER, "grid", grid.key, "on_time_rate", as_of=DEMO_NOW)
    assert list(found.ids) == kpi.drill(demo, actor, OCTOBER, "grid", grid.key, "due",
                                        as_of=DEMO_NOW)  # fmt: skip
    assert found.counted == set(
        kpi.drill(demo, actor, OCTOBER, "grid", grid.key, "closed_on_time", as_of=DEMO_NOW)
    )
    assert found.rate == pytest.approx(grid.on_time_rate)
    assert [c.id for c in found.cases] == list(found.ids)
    assert {c.grid_name for c in found.cases} == {grid.name}


def test_history_is_the_archive_in_order(demo):
    actor = demo_actor(demo, "supervisor")
    case_id = demo.scalar(select(Case.id).where(Case.rework_count > 0).limit(1))
    entries = case_history(demo, actor, case_id)
    events = demo.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ).all()
    assert [e.seq for e in entries] == list(range(1, len(events) + 1))
    assert [(e.action, e.at, e.to_state) for e in entries] == [
        (e.action, e.at, e.to_state) for e in events
    ]
    assert entries[0].action == "report" and all(e.actor_name for e in entries[1:])


def test_history_is_jurisdiction_checked(demo):
    leader = demo_actor(demo, "leader")  # one community
    outside = demo.scalar(
        select(Case.id)
        .where(Case.center_id.not_in(leader.jurisdiction_center_ids))
        .where(Case.holder_department_id.is_(None))
        .limit(1)
    )
    inside = demo.scalar(
        select(Case.id).where(Case.center_id.in_(leader.jurisdiction_center_ids)).limit(1)
    )
    assert case_history(demo, leader, inside)
    with pytest.raises(PermissionDenied):
        case_history(demo, leader, outside)
    # The cases behind a figure never reach outside the jurisdiction either.
    assert kpi_series.traced_cases(demo, leader, [outside, inside])[0].id == inside


def test_history_masks_personal_data_unless_the_role_sees_it(demo):
    case = demo.scalars(select(Case).where(Case.reporter_phone.is_not(None)).limit(1)).one()
    duty, supervisor = demo_actor(demo, "duty"), demo_actor(demo, "supervisor")
    assert not duty.sees_personal_data and supervisor.sees_personal_data
    masked = dict(case_history(demo, duty, case.id)[0].details)["reporter"]
    clear = dict(case_history(demo, supervisor, case.id)[0].details)["reporter"]
    assert case.reporter_phone not in masked and case.reporter_name not in masked
    assert masked.startswith(case.reporter_name[0]) and case.reporter_phone[-4:] in masked
    assert clear == f"{case.reporter_name} {case.reporter_phone}"


def test_free_text_hides_id_and_phone_numbers():
    text = "联系人13812345678，座机0523-86201234，身份证32120219800101123X，门牌12号"
    masked = mask_text(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "86201234" not in masked and "32120219800101123X" not in masked
    assert "3212**********123X" in masked and "门牌12号" in masked


# --- both engines: the small district of test_kpi -------------------------------------------------


def test_series_on_both_engines(district):  # noqa: F811 - the imported fixture
    session, found = district
    admin = found.actor(session, "admin")
    series = daily_series(session, admin, OCTOBER, as_of=AFTER)
    total = total_row(session, admin, OCTOBER, AFTER)
    for day_figure, kpi_figure in SUMMED.items():
        assert series.total(day_figure) == getattr(total, kpi_figure)
    by_day = {d.day: d for d in series.days}
    # c7 declined on 10-15, c8 voided on 10-13; closures by closing day.
    assert by_day[dt.date(2026, 10, 15)].dropped == 1 and by_day[dt.date(2026, 10, 13)].dropped == 1
    assert by_day[dt.date(2026, 10, 4)].closed == 1  # c1
    assert by_day[dt.date(2026, 10, 2)].closed == 1  # c5 (reported in September)
    assert series.backlog_before == 1  # c5, open at the start of October
    for day in series.days:
        for figure in DAY_FIGURES:
            ids = drill_day(session, admin, day.day, figure, as_of=AFTER)
            assert len(ids) == (getattr(day, figure) or 0), (day.day, figure)
    one_day = Period.parse("2026-10-02")
    assert drill_day(session, admin, dt.date(2026, 10, 2), "closed", as_of=AFTER) == [
        found.ids["c5"]
    ]
    assert compute_kpis(session, admin, one_day, "center", as_of=AFTER)[0].intake == 1
