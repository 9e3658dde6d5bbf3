"""The case board's columns in the console: a case moves through them as steps are taken, the
filters and the "needs my action" queue show exactly the right cases for two roles."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from test_ui_console import (  # noqa: E402, F401 - fixtures are used by name
    DEMO_NOW,
    LOAD_TIMEOUT_MS,
    actor,
    chinese,
    demo_clock,
    open_window,
)

from commandcenter.cases import board  # noqa: E402
from commandcenter.cases.board import Stage  # noqa: E402
from commandcenter.domain.enums import CaseCategory  # noqa: E402
from commandcenter.storage.models import Case  # noqa: E402
from commandcenter.workflow.rules import Action  # noqa: E402
from ui.data.case_store import CaseRole  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend


def ready_board(qtbot, window):
    window.show_view("board")
    view = window.board_view
    view.clear_filters()
    qtbot.waitUntil(view.is_idle, timeout=LOAD_TIMEOUT_MS)
    return view


def shown(view) -> dict[Stage, set[int]]:
    return {stage: set(view.shown_ids(stage)) for stage in Stage}


def test_a_case_moves_through_the_columns_and_the_selection_stays(qtbot, writable_demo):
    window = open_window(qtbot, writable_demo, "duty")
    view = ready_board(qtbot, window)
    reported = view.shown_ids(Stage.REPORTED) or []
    handling = view.shown_ids(Stage.HANDLING)
    other_console = demo_backend(writable_demo, "duty")
    if not reported:  # the demo's now may have none waiting: report one
        from commandcenter.domain.enums import CaseSource

        change = other_console.report_case(
            {
                "source": CaseSource.HOTLINE_12345,
                "category": CaseCategory.OTHER,
                "title": "测试来电",
                "grid_id": window.board_view.model.rows()[0].grid_id,
            },
            allow_duplicate=True,
        ).value
        window.console.feed.poll_now()
        qtbot.waitUntil(lambda: change.case_id in shown(view)[Stage.REPORTED], timeout=10_000)
        reported = [change.case_id]
    case_id = reported[0]
    # The officer has another case selected; it must stay selected through the refresh.
    handling_view = view.lists[Stage.HANDLING]
    keep = view.columns.proxy(Stage.HANDLING).index(0, 0)
    handling_view.setCurrentIndex(keep)
    kept_id = keep.data(CaseRole.CASE_ID)
    assert kept_id in handling
    counts = view.columns.counts()

    version = view.model.case_by_id(case_id).version
    other_console.take_step(case_id, Action.FILE, expected_version=version)
    window.console.feed.poll_now()  # (it looks every two seconds anyway)
    qtbot.waitUntil(lambda: case_id in shown(view)[Stage.FILED], timeout=10_000)
    assert case_id not in shown(view)[Stage.REPORTED]
    assert view.columns.counts()[Stage.FILED] == counts[Stage.FILED] + 1
    assert handling_view.currentIndex().data(CaseRole.CASE_ID) == kept_id
    assert kept_id in {i.data(CaseRole.CASE_ID) for i in handling_view.selectedIndexes()}


def test_filters_and_my_queue_for_two_roles(qtbot, demo_database):
    for username in ("duty", "handler"):
        window = open_window(qtbot, demo_database, username)
        view = ready_board(qtbot, window)
        who = actor(demo_database, username)
        rows = view.model.rows()
        everything = set().union(*shown(view).values())
        assert everything == {r.id for r in rows if board.stage_of(r) is not None}

        view.mine.setChecked(True)
        view.apply_filter()
        expected = {r.id for r in rows if board.needs_action(who, r, DEMO_NOW)}
        assert set().union(*shown(view).values()) == expected
        assert str(len(expected)) in view.mine.text()

        view.clear_filters()
        view.overdue.setChecked(True)
        view.category.setCurrentIndex(view.category.findData(CaseCategory.ENVIRONMENT.value))
        view.apply_filter()
        expected = {
            r.id for r in rows if r.category is CaseCategory.ENVIRONMENT and r.overdue_at(DEMO_NOW)
        }
        assert set().union(*shown(view).values()) == expected
        view.clear_filters()
        window.close()


def test_bulk_urge_with_one_note(qtbot, writable_demo):
    window = open_window(qtbot, writable_demo, "duty")
    view = ready_board(qtbot, window)
    ids = view.shown_ids(Stage.HANDLING)[:2]
    assert len(ids) == 2
    view.take_bulk(Action.URGE, ids, "请加快处置")
    qtbot.waitUntil(lambda: view.bulk_report is not None, timeout=10_000)
    done, refused = view.bulk_report
    assert done == 2 and refused == []
    with writable_demo.session() as s:
        assert all(s.get(Case, i).urge_count >= 1 for i in ids)


def test_my_center_or_a_lower_one(qtbot, demo_database):
    window = open_window(qtbot, demo_database, "duty")
    view = ready_board(qtbot, window)
    assert view.center.count() > 2  # the street center and its communities
    index = 2  # the first community below the street
    view.center.setCurrentIndex(index)
    view.apply_filter()
    wanted = set(view.center.itemData(index))
    expected = {r.id for r in view.model.rows() if r.center_id in wanted}
    assert set().union(*shown(view).values()) == expected and expected
    assert view.center.currentText().strip() in view.filter_description()


def test_a_bulk_dispatch_reaches_the_list_map_counters_and_details(qtbot, writable_demo):
    """Before: only the board refreshed after a bulk step; the list, the map, the alert strip
    and the details panel waited up to 30 s for their own reload."""
    from commandcenter.domain.enums import CaseSource, CaseState

    window = open_window(qtbot, writable_demo, "duty")
    view = ready_board(qtbot, window)
    other_console = demo_backend(writable_demo, "duty")
    grid_id = next(iter(window.console.grids))
    ids = []
    for title in ("批量派遣一", "批量派遣二"):
        fields = {"source": CaseSource.HOTLINE_12345, "category": CaseCategory.OTHER}
        change = other_console.report_case(
            {**fields, "title": title, "grid_id": grid_id}, allow_duplicate=True
        ).value
        other_console.take_step(change.case_id, Action.FILE, expected_version=change.version)
        ids.append(change.case_id)
    window.console.feed.poll_now()
    qtbot.waitUntil(lambda: set(ids) <= set(view.shown_ids(Stage.FILED)), timeout=10_000)
    window.select_case(ids[0])
    assert window.details.current == ("case", ids[0])
    target = other_console.dispatch_targets(ids[0])[0]
    view.take_bulk(Action.DISPATCH, ids, "请尽快处置", f"{target.kind}:{target.id}")
    qtbot.waitUntil(lambda: view.bulk_report is not None, timeout=10_000)
    assert view.bulk_report == (2, [])
    qtbot.waitUntil(lambda: set(ids) <= set(view.shown_ids(Stage.DISPATCHED)), timeout=10_000)
    # the list, the map's markers and the details panel show the same new rows at once
    rows = {r.id: r for r in window.console.store.open_rows()}
    assert all(rows[i].state is CaseState.DISPATCHED for i in ids)
    markers = {r.id: r for r in window.map_view.case_rows}
    assert all(markers[i].state is CaseState.DISPATCHED for i in ids)
    assert "已派遣待签收" in "\n".join(
        label.text() for label in window.details.widget().findChildren(type(window.center_label))
    )


def test_a_card_closed_today_reaches_the_details_panel(qtbot, demo_database):
    window = open_window(qtbot, demo_database, "duty")
    view = ready_board(qtbot, window)
    closed = view.shown_ids(Stage.CLOSED_TODAY)
    assert closed, "the demo closes cases on its today"
    index = view.columns.proxy(Stage.CLOSED_TODAY).index(0, 0)
    view.lists[Stage.CLOSED_TODAY].clicked.emit(index)
    assert window.details.current == ("case", closed[0])
    window.console.tick()  # a refresh of the details keeps it
    qtbot.waitUntil(lambda: window.console.dashboard is not None, timeout=10_000)
    assert window.details.current == ("case", closed[0])
