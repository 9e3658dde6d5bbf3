"""Two consoles on one database, as two machines of a center: a step taken at one appears on
every screen of the other — board, list, map marker, counters, case tab — through the change
feed, without any screen loading everything again."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from test_ui_console import (  # noqa: E402, F401 - fixtures are used by name
    LOAD_TIMEOUT_MS,
    chinese,
    demo_clock,
)

from commandcenter.cases.board import Stage  # noqa: E402
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from commandcenter.workflow.rules import Action  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend

FEED_WAIT_MS = 10_000  # the feed looks every 2 s


def console(qtbot, url: str, username: str) -> MainWindow:
    """A console with its own connection to the database, as on another machine."""
    database = open_database(url, migrate=False)
    window = MainWindow(demo_backend(database, username))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=LOAD_TIMEOUT_MS)
    window.destroyed.connect(lambda *_: database.dispose())
    return window


def list_row(window: MainWindow, case_id: int):
    """The case as the list (列表) shows it, or None."""
    proxy = window.board.proxy
    for r in range(proxy.rowCount()):
        row = window.board.model.case_at(proxy.mapToSource(proxy.index(r, 0)).row())
        if row.id == case_id:
            return row
    return None


def test_a_step_at_one_console_reaches_every_screen_of_the_other(qtbot, writable_demo):
    url = writable_demo.url
    a = console(qtbot, url, "duty")
    b = console(qtbot, url, "duty")
    # A new report, made at console A: B's board, list, map and counters show it.
    report = a.backend.report_case(
        {
            "source": CaseSource.HOTLINE_12345,
            "category": CaseCategory.OTHER,
            "title": "两台控制台测试来电",
            "grid_id": next(iter(a.console.grids)),
        },
        allow_duplicate=True,
    ).value
    case_id = report.case_id
    qtbot.waitUntil(lambda: b.console.store.case_by_id(case_id) is not None, timeout=FEED_WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            b.console.dashboard is not None
            and b.console.dashboard.awaiting_filing
            == sum(r.state is CaseState.REPORTED for r in b.console.store.open_rows())
        ),
        timeout=FEED_WAIT_MS,
    )
    waiting = b.console.dashboard.awaiting_filing

    # B watches it: the board, the list, the map, the case tab; what B loads is counted.
    b.board_view.clear_filters()
    b.open_case(case_id)
    qtbot.waitUntil(lambda: b.case_view.detail is not None, timeout=FEED_WAIT_MS)
    assert case_id in b.board_view.shown_ids(Stage.REPORTED)
    assert list_row(b, case_id).state is CaseState.REPORTED
    assert any(r.id == case_id for r in b.map_view.case_rows)
    loads, resets = [], []
    b.console.loaded.connect(loads.append)
    b.console.store.modelReset.connect(lambda: resets.append(1))
    geometry = b.map_view.prepared_geometry

    # Console A files it.
    a.backend.take_step(case_id, Action.FILE, expected_version=report.version)

    # Board: it moves to the filed column.
    qtbot.waitUntil(lambda: case_id in b.board_view.shown_ids(Stage.FILED), timeout=FEED_WAIT_MS)
    assert case_id not in b.board_view.shown_ids(Stage.REPORTED)
    # List: the same row, in its new state.
    assert list_row(b, case_id).state is CaseState.FILED
    # Map marker: the row behind the marker is the new one.
    marker = next(r for r in b.map_view.case_rows if r.id == case_id)
    assert marker.state is CaseState.FILED and marker.version == report.version + 1
    # Counters and the alert strip: one fewer awaiting filing.
    qtbot.waitUntil(
        lambda: b.console.dashboard.awaiting_filing == waiting - 1, timeout=FEED_WAIT_MS
    )
    assert b.alerts.chips["reported"].text().endswith(str(waiting - 1))
    # Case tab: read again, with A's step in its archive.
    qtbot.waitUntil(lambda: b.case_view.detail.version == report.version + 1, timeout=FEED_WAIT_MS)
    assert b.case_view.detail.state is CaseState.FILED
    assert [e.action for e in b.case_view.detail.timeline][-1] == Action.FILE.value
    # Nothing was loaded whole again: no new picture, no store reset, the same map geometry.
    assert loads == [] and resets == []
    assert b.map_view.prepared_geometry is geometry
    a.close()
    b.close()
