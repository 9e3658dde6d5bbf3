"""Consoles connected to the center's server (a real process on loopback, on PostgreSQL): a
step at one console reaches the other's board within a second, pushed; a lost server shows as
"disconnected since …" in every console and comes back by itself, with what changed meanwhile."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from test_ui_console import LOAD_TIMEOUT_MS, chinese  # noqa: E402, F401 - fixtures by name
from test_ui_two_consoles import list_row  # noqa: E402

from commandcenter.backend.remote import RemoteCenter  # noqa: E402
from commandcenter.demo.accounts import DEMO_PASSWORD  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from commandcenter.workflow.rules import Action  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
    from .server_process import CenterServer
except ImportError:
    from conftest import demo_backend
    from server_process import CenterServer

pytestmark = pytest.mark.postgres
PUSH_MS = 1_000  # the promise: a step appears on the other console within a second


@pytest.fixture
def center(postgres_server, demo_pg_template):
    name = postgres_server.create_database(template=demo_pg_template)
    url = postgres_server.url_for(name)
    with CenterServer(url) as server:
        yield server, url
    postgres_server.drop_database(name)


def console(qtbot, server, username: str) -> MainWindow:
    backend = RemoteCenter(server.url).login(username, DEMO_PASSWORD)
    window = MainWindow(backend)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.console.feed.connected, timeout=10_000)
    return window


def test_a_step_at_one_console_reaches_the_other_within_a_second(qtbot, center):
    server, _url = center
    a = console(qtbot, server, "duty")
    b = console(qtbot, server, "duty")
    assert b.database_label.text().startswith("服务器：")
    row = next(r for r in a.console.store.open_rows())
    version = row.version
    for step in range(3):  # three in a row: each one pushed, none waits for a poll
        started = time.monotonic()
        change = a.backend.take_step(
            row.id, Action.URGE, expected_version=version, comment=f"第{step + 1}次催办"
        )
        # The next step follows the version this one made (A's own list learns it by the
        # push too, which the test does not wait for: it is B's screen under test).
        new_version = version = change.value.version
        qtbot.waitUntil(
            lambda v=new_version: (list_row(b, row.id) or row).version == v, timeout=PUSH_MS
        )
        print(f"pushed to the other console in {(time.monotonic() - started) * 1000:.0f} ms")
    assert b.alerts.freshness.property("state") == "ok"


def test_a_lost_server_shows_and_comes_back_with_what_changed(qtbot, center):
    server, url = center
    window = console(qtbot, server, "duty")
    row = next(r for r in window.console.store.open_rows())
    server.stop()
    qtbot.waitUntil(lambda: not window.console.feed.connected, timeout=10_000)
    qtbot.waitUntil(lambda: window.alerts.freshness.property("state") == "error", timeout=5_000)
    text = window.alerts.freshness.text()
    assert "与服务器断开连接" in text and "自" in text, text
    assert window.database_label.property("state") == "error"
    # Meanwhile the center works on (another server of it, here the core itself).
    database = open_database(url, migrate=False)
    try:
        local = demo_backend(database, "duty", now=window.backend.clock.now())
        done = local.take_step(
            row.id, Action.URGE, expected_version=row.version, comment="断线期间"
        )
    finally:
        database.dispose()
    server.start()
    qtbot.waitUntil(lambda: window.console.feed.connected, timeout=20_000)
    qtbot.waitUntil(lambda: list_row(window, row.id).version == done.value.version, timeout=10_000)
    qtbot.waitUntil(lambda: window.alerts.freshness.property("state") == "ok", timeout=5_000)
    assert window.database_label.property("state") == "ok"


def test_every_screen_works_on_a_server(qtbot, center):
    """What a console shows over the network is what it shows in-process: each view loads
    through RemoteBackend (the figures, a case with its history, the wall's cameras) with no
    error on the screen."""
    server, _url = center
    window = console(qtbot, server, "supervisor")
    errors: list[str] = []
    window.console.feed.failed.connect(errors.append)
    window.show_view("map")
    qtbot.waitUntil(window.map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    window.show_view("kpi")
    qtbot.waitUntil(
        lambda: window.kpi.is_idle() and window.kpi.overview() is not None,
        timeout=LOAD_TIMEOUT_MS,
    )
    assert window.kpi.overview().total is not None
    row = window.console.store.open_rows()[0]
    window.open_case(row.id)
    qtbot.waitUntil(window.case_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    assert window.case_view.detail is not None and window.case_view.detail.code == row.code
    assert window.case_view.state != "failed"
    window.show_view("wall")
    assert window.wall.tiles and any(tile.camera for tile in window.wall.tiles)
    window.show_view("figures")
    assert errors == []
    assert window.alerts.freshness.property("state") == "ok"


def test_a_report_from_a_phone_makes_itself_noticed(qtbot, center):
    """A report from elsewhere (here a field worker's) shows a notice that opens the case; the
    console's own reports do not."""
    from commandcenter.cases.operations import NewCase
    from commandcenter.domain.enums import CaseCategory, CaseSource

    server, _url = center
    window = console(qtbot, server, "duty")
    gridman = RemoteCenter(server.url).login("gridman", DEMO_PASSWORD)
    grid = next(iter(window.console.grids.values()))
    own = window.backend.report_case(
        NewCase(
            CaseSource.RESIDENT, CaseCategory.OTHER, "值班员自己录入", grid_id=grid.id
        ).fields(),
        allow_duplicate=True,
    )
    window.console._own_cases.add(own.value.case_id)  # as Operations notes its own writes
    qtbot.waitUntil(
        lambda: window.console.store.row_of(own.value.case_id) is not None, timeout=5_000
    )
    assert not window.alerts.notice.isVisible()
    home = next(r for r in gridman.my_tasks() + list(gridman.load_console().rows) if r.grid_id)
    done = gridman.report_case(
        NewCase(
            CaseSource.GRID_PATROL, CaseCategory.MUNICIPAL, "井盖缺失", grid_id=home.grid_id
        ).fields(),
        allow_duplicate=True,
    )
    qtbot.waitUntil(window.alerts.notice.isVisible, timeout=5_000)
    assert "井盖缺失" in window.alerts.notice.text() and "网格员巡查" in window.alerts.notice.text()
    window.alerts.notice.click()
    qtbot.waitUntil(lambda: window.case_view.case_id == done.value.case_id, timeout=5_000)
    assert not window.alerts.notice.isVisible()
