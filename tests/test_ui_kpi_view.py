"""The figures panel on the demo district: the figures it shows are compute_kpis', and a click
on a bar, a point, a card or a cell of the tree lists exactly the cases kpi.drill returns; a
double-click shows that case's history in order."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from sqlalchemy import select  # noqa: E402
from test_ui_console import (  # noqa: E402, F401 - fixtures are used by name
    DEMO_NOW,
    LOAD_TIMEOUT_MS,
    actor,
    chinese,
    demo_clock,
)

from commandcenter.domain.enums import AdminLevel  # noqa: E402
from commandcenter.figures import kpi  # noqa: E402
from commandcenter.figures import series as kpi_series  # noqa: E402
from commandcenter.figures.kpi import Period, compute_kpis  # noqa: E402
from commandcenter.storage.models import CaseEvent  # noqa: E402
from ui.data.console import Console  # noqa: E402
from ui.figures.performance import KEY_ROLE, KpiView  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend

OCTOBER = "2026-10"


def open_view(qtbot, database, username="supervisor", period=OCTOBER) -> KpiView:
    view = KpiView(Console(demo_backend(database, username)))
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    view.set_period(period)
    qtbot.waitUntil(lambda: view.is_idle() and view.overview() is not None, timeout=LOAD_TIMEOUT_MS)
    return view


def listed(qtbot, view, click) -> set[int]:
    """Do ``click`` and wait for the list of cases it asks for."""
    with qtbot.waitSignal(view.caseListShown, timeout=LOAD_TIMEOUT_MS):
        click()
    qtbot.waitUntil(view.is_idle, timeout=LOAD_TIMEOUT_MS)
    ids = view.case_list_ids()
    assert len(ids) == len(set(ids))
    return set(ids)


def drilled(database, view, by, key, measure) -> set[int]:
    with database.session() as s:
        return set(kpi.drill(s, view.actor, OCTOBER, by, key, measure, as_of=DEMO_NOW))


def click_cell(qtbot, view, item, column) -> None:
    parent = item.parent()
    while parent is not None:
        parent.setExpanded(True)
        parent = parent.parent()
    view.tree.scrollToItem(item)
    rect = view.tree.visualRect(view.tree.indexFromItem(item, column))
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_panel_shows_the_figures_of_october(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    overview = view.overview()
    assert view.period() == Period.parse(OCTOBER) and overview.as_of == DEMO_NOW
    with demo_database.session() as s:
        rows = compute_kpis(s, view.actor, OCTOBER, "center", as_of=DEMO_NOW)
        series = kpi_series.daily_series(s, view.actor, OCTOBER, as_of=DEMO_NOW)
    total = next(r for r in rows if r.key == view.actor.center_id)
    assert view.cards["intake"].value.text() == str(total.intake) != "0"
    assert view.cards["due"].value.text() == str(total.due)
    assert view.cards["on_time_rate"].value.text() == f"{total.on_time_rate * 100:.1f} %"
    assert view.daily_chart.intake == series.values("intake")
    assert view.daily_chart.closed == series.values("closed")
    assert view.backlog_chart.values == series.values("backlog")
    assert len(view.daily_chart.days) == 31
    assert view.period_combo.currentData() == OCTOBER


def test_the_tree_shows_every_node_with_its_figures(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    with demo_database.session() as s:
        expected = {
            by: {r.key: r for r in compute_kpis(s, view.actor, OCTOBER, by, as_of=DEMO_NOW)}
            for by in ("center", "grid")
        }
    items = list(view._tree_items())
    keys = [item.data(0, KEY_ROLE) for item in items]
    assert {k for by, k in keys if by == "grid"} == set(expected["grid"])
    assert {k for by, k in keys if by == "center"} == set(expected["center"])
    root = view.tree.topLevelItem(0)
    assert root.text(0) == "海陵区" and root.child(0).text(0) == "城东街道"
    assert root.child(0).childCount() == 8  # the communities, each with its grids below
    for item in items:
        by, key = item.data(0, KEY_ROLE)
        row = expected[by][key]
        assert [item.text(c) for c in (1, 2, 3)] == [str(row.intake), str(row.due), str(row.closed)]
        rate = "—" if row.on_time_rate is None else f"{row.on_time_rate * 100:.1f}%"
        assert item.text(4) == rate


def test_a_grid_cell_lists_exactly_the_cases_it_counts(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    grids = view.overview().rows["grid"]
    grid = max(grids, key=lambda r: (r.due - r.closed_on_time, r.due))
    item = view.tree_item("grid", grid.key)
    assert item is not None and item.text(0) == grid.name

    on_time = listed(qtbot, view, lambda: click_cell(qtbot, view, item, 4))
    assert on_time == drilled(demo_database, view, "grid", grid.key, "due")
    assert view.current_trace().counted == drilled(
        demo_database, view, "grid", grid.key, "closed_on_time"
    )
    assert len(on_time) == grid.due
    reported = listed(qtbot, view, lambda: click_cell(qtbot, view, item, 1))
    assert reported == drilled(demo_database, view, "grid", grid.key, "intake")
    assert len(reported) == grid.intake
    # A community's rework cell: its center's rolled-up figure.
    community = next(n for n in view.overview().tree.walk() if n.level is AdminLevel.COMMUNITY)
    reworked = listed(
        qtbot, view, lambda: click_cell(qtbot, view, view.tree_item("center", community.key), 5)
    )
    assert reworked == drilled(demo_database, view, "center", community.key, "due")
    assert view.current_trace().counted == drilled(
        demo_database, view, "center", community.key, "reworked"
    )


@pytest.mark.parametrize("figure", ["intake", "closed"])
def test_a_day_bar_lists_exactly_that_days_cases(qtbot, demo_database, figure):
    view = open_view(qtbot, demo_database)
    index = 7  # 2026-10-08: the day after the National Day holiday, busy on both sides
    day = view.daily_chart.days[index]
    assert day == dt.date(2026, 10, 8)
    point = view.daily_chart.point_of(index, figure)
    ids = listed(
        qtbot,
        view,
        lambda: qtbot.mouseClick(view.daily_chart.viewport(), Qt.MouseButton.LeftButton, pos=point),
    )
    with demo_database.session() as s:
        expected = set(kpi_series.drill_day(s, view.actor, day, figure, as_of=DEMO_NOW))
        if figure == "intake":  # the same as kpi's own drill of that one day
            assert expected == set(
                kpi.drill(s, view.actor, Period(day, day, "d"), "center", view.actor.center_id,
                          "intake", as_of=DEMO_NOW)
            )  # fmt: skip
    values = view.daily_chart.intake if figure == "intake" else view.daily_chart.closed
    assert ids == expected and len(ids) == values[index] > 0


def test_a_backlog_point_lists_the_cases_open_that_evening(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    index = 6  # 2026-10-07, the peak
    point = view.backlog_chart.point_of(index)
    ids = listed(
        qtbot,
        view,
        lambda: qtbot.mouseClick(
            view.backlog_chart.viewport(), Qt.MouseButton.LeftButton, pos=point
        ),
    )
    with demo_database.session() as s:
        expected = kpi_series.drill_day(
            s, view.actor, dt.date(2026, 10, 7), "backlog", as_of=DEMO_NOW
        )
    assert ids == set(expected) and len(ids) == view.backlog_chart.values[index] > 0


def test_a_rate_bar_lists_exactly_the_cases_behind_it(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    view.metric_combo.setCurrentIndex(view.metric_combo.findData("rework_rate"))
    view.grouping_combo.setCurrentIndex(view.grouping_combo.findData("grid"))
    by, key, row = view._grouping_rows[0]
    rates = [r.rework_rate for _, _, r in view._grouping_rows if r.rework_rate is not None]
    assert by == "grid" and row.rework_rate == max(rates)  # the worst first
    view.rate_scroll.ensureVisible(0, 0)
    point = view.rate_chart.point_of(0)
    ids = listed(
        qtbot,
        view,
        lambda: qtbot.mouseClick(view.rate_chart.viewport(), Qt.MouseButton.LeftButton, pos=point),
    )
    assert ids == drilled(demo_database, view, "grid", key, "rework_rate")
    assert view.current_trace().counted == drilled(demo_database, view, "grid", key, "reworked")
    # The cases that pull a rate the wrong way come first.
    first = view.case_list_ids()[: len(view.current_trace().counted)]
    assert set(first) == view.current_trace().counted


def test_a_card_lists_its_cases_and_categories_drill_too(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    card = view.cards["satisfaction_rate"]
    ids = listed(qtbot, view, lambda: qtbot.mouseClick(card, Qt.MouseButton.LeftButton))
    assert ids == drilled(demo_database, view, "center", view.actor.center_id, "rated")
    ids = listed(qtbot, view, lambda: view.drill_figure("intake", "category", 3))  # environment
    with demo_database.session() as s:
        expected = kpi_series.drill(s, view.actor, OCTOBER, "category", 3, "intake", as_of=DEMO_NOW)
    assert ids == set(expected) and len(ids) == view.overview().rows["category"][3].intake > 0


def test_double_click_shows_the_case_history_in_order(qtbot, demo_database):
    view = open_view(qtbot, demo_database)
    grid = max(view.overview().rows["grid"], key=lambda r: r.reworked)
    listed(qtbot, view, lambda: view.drill_figure("reworked", "grid", grid.key))
    case_id = view.case_list_ids()[0]
    index = view.trace_model.index(0, 2)
    view.case_table.scrollTo(index)
    rect = view.case_table.visualRect(index)
    with qtbot.waitSignal(view.historyShown, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(view.case_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.case_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(view.is_idle, timeout=LOAD_TIMEOUT_MS)
    entries = view.history_entries()
    with demo_database.session() as s:
        events = s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
    assert view.history_case_id() == case_id
    assert [(e.seq, e.action, e.at) for e in entries] == [(e.seq, e.action, e.at) for e in events]
    assert "verify" in [e.action for e in entries]  # a reworked case failed a verification
    assert view.history_list.topLevelItemCount() == len(events)
    assert [view.history_list.topLevelItem(i).text(0) for i in range(len(events))] == [
        str(e.seq) for e in events
    ]
    # The case can be opened in the console from the list.
    view.case_table.selectRow(0)
    with qtbot.waitSignal(view.caseRequested) as opened:
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [case_id]


def test_a_community_leader_sees_their_community_only(qtbot, demo_database):
    view = open_view(qtbot, demo_database, "leader")
    root = view.tree.topLevelItem(0)
    assert view.tree.topLevelItemCount() == 1 and root.text(0) == "东安社区"
    with demo_database.session() as s:
        grids = compute_kpis(s, view.actor, OCTOBER, "grid", as_of=DEMO_NOW)
    assert root.childCount() == len(grids) > 0
    # No streets or communities to compare below a community: the chart starts by grid.
    offered = [view.grouping_combo.itemData(i) for i in range(view.grouping_combo.count())]
    assert offered == ["grid", "department", "category"]
    assert len(view.rate_chart.rows) == len(grids)
    assert view.cards["intake"].value.text() == root.text(1)
    ids = listed(qtbot, view, lambda: click_cell(qtbot, view, root, 1))
    assert ids == drilled(demo_database, view, "center", view.actor.center_id, "intake")


def test_period_picker_and_a_bad_period(qtbot, demo_database):
    view = open_view(qtbot, demo_database, "duty", "2026-10-01..2026-10-15")
    assert view.period_combo.currentData() == "custom" and view.custom_box.isVisible()
    assert len(view.daily_chart.days) == 15
    assert view.period_combo.itemData(0) == "2026-11"  # the demo's current month first
    view.period_combo.setCurrentIndex(1)
    view.period_combo.activated.emit(1)
    qtbot.waitUntil(lambda: view.is_idle() and view.period().label == "2026-10")
    qtbot.waitUntil(lambda: len(view.daily_chart.days) == 31, timeout=LOAD_TIMEOUT_MS)
    view.set_period("2026-13")
    assert view.status_label.text().startswith("▲") and view.period().label == "2026-10"
