"""The console shell on the real demo district: main window, log-in, jurisdiction, selection."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QPointF, Qt  # noqa: E402

from commandcenter import clock  # noqa: E402
from commandcenter.access.accounts import demo_actor  # noqa: E402
from commandcenter.backend import LocalCenter  # noqa: E402
from commandcenter.cameras.rows import camera_rows  # noqa: E402
from commandcenter.cases.dashboard import load_dashboard  # noqa: E402
from commandcenter.cases.rows import open_cases  # noqa: E402
from commandcenter.cli.first_start import open_center  # noqa: E402
from commandcenter.domain.enums import AdminLevel  # noqa: E402
from commandcenter.jurisdiction.tree import jurisdiction_tree  # noqa: E402
from commandcenter.schedule.deadlines import DeadlineStatus  # noqa: E402
from commandcenter.video import Health  # noqa: E402
from ui.board.case_list import STATUS_ROLE  # noqa: E402
from ui.common import i18n  # noqa: E402
from ui.map.view import MapView  # noqa: E402
from ui.shell.login import LoginDialog  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.shell.tree_panel import KEY_ROLE  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend

DEMO_PASSWORD = "demo2026"
LOAD_TIMEOUT_MS = 60_000
START_UP_DEADLINE_MS = 120_000
# The demo district of the ``demo_database`` fixture is made for 2026-11-26 at 16:00 (its
# "today" and the generator's clock): the console runs at that moment in these tests.
DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)


def fix_the_clock(monkeypatch, moment: dt.datetime) -> None:
    """Every "now" of the console is ``moment``: ``commandcenter.clock.now`` (which ui/ calls as
    ``clock.now()``) and any ``now`` a module of ours imported from it by name."""
    original = clock.now
    monkeypatch.setattr(clock, "now", lambda: moment)
    for name, module in list(sys.modules.items()):
        ours = name.split(".")[0] in ("commandcenter", "ui") and module is not clock
        if ours and getattr(module, "now", None) is original:
            monkeypatch.setattr(module, "now", lambda: moment)


@pytest.fixture(autouse=True)
def demo_clock(monkeypatch):
    """The console runs at the demo's now, so deadlines are what the demo made them, whatever
    today's date."""
    fix_the_clock(monkeypatch, DEMO_NOW)
    return DEMO_NOW


@pytest.fixture(autouse=True)
def chinese(qapp):
    """The console's default language; each test starts from it."""
    QCoreApplication.setOrganizationName("GridCommandCenter")
    QCoreApplication.setApplicationName("GridCommandCenter")
    i18n.install_language(qapp, "zh_CN")
    yield
    i18n.install_language(qapp, "zh_CN")


def actor(database, username: str):
    with database.session() as session:
        return demo_actor(session, username)


def open_window(qtbot, database, username: str = "duty") -> MainWindow:
    window = MainWindow(demo_backend(database, username))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=LOAD_TIMEOUT_MS)
    return window


def tree_keys(window: MainWindow) -> list[tuple[str, int]]:
    keys, stack = [], [window.tree.topLevelItem(i) for i in range(window.tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        keys.append(item.data(0, KEY_ROLE))
        stack.extend(item.child(i) for i in range(item.childCount()))
    return keys


def test_main_window_shows_the_demo_district(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    duty = window.actor
    now = DEMO_NOW
    with demo_database.session() as session:
        tree = jurisdiction_tree(session, duty, now)
        expected_cases = len(open_cases(session, duty, now))
        cameras = camera_rows(session, duty)

    # Tree: the street, its communities and all their grids, with the open counts.
    communities = [n for n in tree.walk() if n.level is AdminLevel.COMMUNITY]
    grids = [g for n in tree.walk() for g in n.grids]
    assert len(communities) == 8 and len(grids) >= 60
    keys = set(tree_keys(window))
    assert {("unit", c.id) for c in communities} <= keys
    assert {("grid", g.id) for g in grids} <= keys
    root = window.tree.topLevelItem(0)
    assert root.text(0) == tree.name == "城东街道"
    assert root.text(1) == str(tree.open_cases)

    # The list: every open case of the jurisdiction (the store also holds today's closures).
    assert expected_cases > 0
    assert len(window.console.store.open_rows()) == expected_cases
    assert window.board.row_count() == expected_cases

    # Wall: a full first page of camera tiles; nothing decodes while the wall is not shown.
    assert len(cameras) >= 9
    tiles = [tile for tile in window.wall.tiles if tile.camera is not None]
    assert len(tiles) == 9
    assert [t.camera.id for t in tiles] == [c.id for c in cameras[:9]]
    assert len(window.wall.registry) == 0
    window.show_view("wall")
    qtbot.waitUntil(window.wall.is_settled, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: all(t.image is not None for t in tiles), timeout=LOAD_TIMEOUT_MS)
    assert all(not t.image.isNull() and t.state is Health.LIVE for t in tiles), [
        (t.camera.name, t.state, t.message()) for t in tiles
    ]
    assert sorted(window.wall.registry.keys()) == sorted(c.id for c in cameras[:9])

    # Status bar: center, user with role, database without password, clock.
    assert window.center_label.text() == duty.center_name == "城东街道网格化服务管理中心"
    assert window.user_label.text() == f"{duty.display_name}（值班员）"
    assert window.database_label.text() == f"数据库：{demo_database.display_url}（sqlite）"
    assert window.clock_label.text() == "2026-11-26 16:00:00"

    # Alert strip and figures show the dashboard's numbers.
    with demo_database.session() as session:
        dashboard = load_dashboard(session, duty, DEMO_NOW)
    chips = window.alerts.chips
    assert chips["reported"].text() == f"★ 待受理  {dashboard.awaiting_filing}"
    assert chips["near_due"].text() == f"● 临期  {dashboard.near_due}"
    assert chips["overdue"].text() == f"▲ 超期  {dashboard.overdue}"
    assert chips["cameras"].text() == f"■ 摄像机  {dashboard.cameras}"
    assert window.figures.cards["open"].value.text() == str(dashboard.open_cases)


def test_the_figures_views_are_made_after_the_first_map_picture(qtbot, demo_database):
    """Their charts cost a fifth of a second: made at start, the map would come that much
    later. They are made once the first map picture is painted, and show the counters then."""
    window = MainWindow(demo_backend(demo_database, "duty"))
    qtbot.addWidget(window)
    assert not window._figures_page.is_made and not window._kpi_page.is_made
    window.resize(1400, 900)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(window.map_view.render_seconds), timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: window._figures_page.is_made and window._kpi_page.is_made, timeout=LOAD_TIMEOUT_MS
    )
    assert window.tabs.currentWidget() is window.map_panel  # nothing else took the screen
    with demo_database.session() as session:
        dashboard = load_dashboard(session, window.actor, DEMO_NOW)
    assert window.figures.cards["open"].value.text() == str(dashboard.open_cases)
    assert window.kpi.parent() is window._kpi_page


@pytest.mark.parametrize("status", [DeadlineStatus.OVERDUE, DeadlineStatus.NEAR_DUE])
def test_alert_filters_the_board(qtbot, demo_database, status):
    window = open_window(qtbot, demo_database)
    with demo_database.session() as session:
        dashboard = load_dashboard(session, window.actor, DEMO_NOW)
    expected = {
        DeadlineStatus.OVERDUE: dashboard.overdue,
        DeadlineStatus.NEAR_DUE: dashboard.near_due,
    }
    window.show_alert(status.value)
    assert window.current_view() == "board"
    rows = window.console.store.open_rows()
    shown = window.board.row_count()
    # The same moment for the board, the dashboard and this count: they must agree.
    assert shown == sum(r.status_at(DEMO_NOW) is status for r in rows) == expected[status]
    assert shown > 0, f"the demo has no {status.value} case at {DEMO_NOW}"
    proxy = window.board.proxy
    assert [proxy.index(i, 0).data(STATUS_ROLE) for i in range(shown)] == [status.value] * shown
    window.show_alert("reported")
    assert window.board.row_count() == sum(r.state.value == "reported" for r in rows)
    assert window.board.row_count() == dashboard.awaiting_filing
    window.board.clear_filter()
    assert window.board.row_count() == len(rows) == dashboard.open_cases


def test_a_failed_load_is_told_in_the_users_words(qtbot, demo_database):
    """The backend's error (the driver's message, with its [SQL: …], went to the log only: see
    test_operations) is shown in the user's words."""
    from commandcenter.errors import DatabaseUnavailable

    window = open_window(qtbot, demo_database)
    error = DatabaseUnavailable("The database is not answering: server closed the connection")
    window.console.feed._on_failed(error)
    strip = window.alerts.freshness
    assert strip.text() == "⚠ 数据未更新：数据库没有响应"
    assert strip.toolTip() == (
        "数据库没有响应\n连接已断开或服务器已停止。请检查数据库服务器和网络；系统会持续重试。"
    )
    tooltip = window.database_label.toolTip()
    assert tooltip.splitlines()[:2] == [demo_database.display_url, "数据库没有响应"]
    assert window.database_label.text() == (
        f"数据库：{demo_database.display_url}（sqlite）  ⚠ 无响应"
    )
    shown = strip.text() + strip.toolTip() + tooltip + window.database_label.text()
    assert "server closed" not in shown

    window.console.feed.poll_now()  # the next look succeeds: the warning goes
    qtbot.waitUntil(lambda: window.console.feed.last_error is None, timeout=LOAD_TIMEOUT_MS)
    assert window.alerts.freshness.text() == "数据更新于 2026-11-26 16:00:00"
    assert window.database_label.toolTip() == demo_database.display_url


def test_selection_reaches_details_map_and_tree(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    window.show_view("board")
    board = window.board
    board.table.selectRow(0)
    case_id = board.current_case_id()
    assert window.details.current == ("case", case_id)
    assert window.map_view.selected_case == case_id

    # A click on the map inside a grid selects that grid everywhere (markers switched off, so
    # the click cannot land on a case or a camera).
    window.show_view("map")
    map_view: MapView = window.map_view
    qtbot.waitExposed(map_view)
    window.map_panel.switches["cases"].setChecked(False)
    window.map_panel.switches["cameras"].setChecked(False)
    assert not map_view.show_cases and not map_view.show_cameras
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    layer = map_view.grid_layer
    x, y = layer.label_point(layer.ids[0])  # a point inside the first grid
    sx, sy = map_view.viewport.to_screen(x, y)
    point = QPointF(sx, sy).toPoint()
    with qtbot.waitSignal(map_view.gridSelected, timeout=2000) as signal:
        qtbot.mouseClick(map_view, Qt.MouseButton.LeftButton, pos=point)
    grid_id = signal.args[0]
    assert window.details.current == ("grid", grid_id)
    assert window.tree.selected_key() == ("grid", grid_id)


@pytest.mark.parametrize(
    ("username", "level"), [("leader", AdminLevel.COMMUNITY), ("admin", AdminLevel.COUNTY)]
)
def test_other_roles_get_their_own_jurisdiction(qtbot, demo_database, username, level):
    window = open_window(qtbot, demo_database, username)
    who = window.actor
    assert who.center_level is level
    with demo_database.session() as session:
        tree = jurisdiction_tree(session, who, DEMO_NOW)
        expected = len(open_cases(session, who, DEMO_NOW))
    assert window.tree.topLevelItem(0).text(0) == tree.name
    assert len(window.console.store.open_rows()) == expected
    assert window.center_label.text() == who.center_name


def test_login_rejects_a_wrong_password_and_keeps_the_name(qtbot, demo_database):
    dialog = LoginDialog(LocalCenter(demo_database))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "duty")
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=LOAD_TIMEOUT_MS)
    assert dialog.message.text() == "用户名或密码错误"
    assert dialog.username.text() == "duty"
    assert dialog.password.text() == ""
    assert dialog.actor is None
    assert dialog.result() != LoginDialog.DialogCode.Accepted

    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=LOAD_TIMEOUT_MS):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None
    assert dialog.actor.username == "duty"
    assert dialog.actor.center_name == "城东街道网格化服务管理中心"


def test_login_with_an_unknown_user_says_the_same(qtbot, demo_database):
    dialog = LoginDialog(LocalCenter(demo_database), username="nobody")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=LOAD_TIMEOUT_MS)
    assert dialog.message.text() == "用户名或密码错误"
    assert dialog.username.text() == "nobody"


def test_void_calls_keep_none_alive(qtbot):
    """PySide6 6.12.0 drops a reference to None on every void call and aborts Python 3.11
    ("none_dealloc") after a few thousand repaints; pyproject.toml excludes it. This fails if
    such a build is installed again."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2_000):
        label.setText("网格")
    assert sys.getrefcount(None) - before > -100


def run_console_driven(qapp, url: str, drive, deadline_ms: int = START_UP_DEADLINE_MS) -> int:
    """``ui.app.run_console`` with ``drive()`` called every 100 ms to play the user, and an
    overall deadline: past it, every window is closed (which ends the run) and the test fails
    instead of hanging."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui import app as console_app

    expired: list[bool] = []
    state = {"done": False}

    def tick() -> None:
        if state["done"]:
            return
        if not expired:
            drive()
        QTimer.singleShot(100, tick)

    def give_up() -> None:
        if state["done"]:
            return
        expired.append(True)
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        qapp.quit()

    QTimer.singleShot(100, tick)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(give_up)
    deadline.start(deadline_ms)
    try:
        result = console_app.run_console(qapp, url, "duty", open_center)
    finally:
        state["done"] = True
        deadline.stop()
    assert not expired, f"the start-up did not finish within {deadline_ms / 1000:.0f} s"
    return result


def test_gui_start_up_fills_an_empty_database_then_logs_in(qapp, tmp_path, monkeypatch, demo_clips):
    """The interactive path of run.py on a first start: please-wait while the demo is made in
    the default database of the user data folder, the log-in dialog (wrong password first),
    then the main window of the duty officer."""
    from PySide6.QtWidgets import QApplication

    from commandcenter.config import default_database_url

    monkeypatch.setenv("COMMANDCENTER_DATA_DIR", str(tmp_path / "data"))
    shutil.copytree(demo_clips, tmp_path / "data" / "demo-clips")  # made once per test run
    seen: dict[str, object] = {}

    def drive() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible():
                if "wrong" not in seen:
                    seen["wrong"] = True
                    widget.password.setText("not-the-password")
                    widget.try_login()
                elif widget.message.isVisible() and widget.login_button.isEnabled():
                    seen["message"] = widget.message.text()
                    seen["kept_name"] = widget.username.text()
                    widget.password.setText(DEMO_PASSWORD)
                    widget.try_login()
                return
            if isinstance(widget, MainWindow) and widget.is_ready and "user" not in seen:
                seen["user"] = widget.user_label.text()
                seen["name"] = widget.actor.display_name
                seen["rows"] = widget.board.row_count()
                widget.close()
                return

    assert run_console_driven(qapp, default_database_url(), drive) == 0
    assert seen["message"] == "用户名或密码错误"
    assert seen["kept_name"] == "duty"
    assert seen["user"] == f"{seen['name']}（值班员）"
    assert seen["rows"] > 0
    assert (tmp_path / "data" / "commandcenter.sqlite3").exists()


def test_gui_start_up_on_an_empty_other_database_says_how_to_fill_it(qapp, tmp_path):
    """An empty database that is not the default file (e.g. a fresh server given with --db) is
    not filled with the demo: a message says it is empty and how to fill it, and the console
    exits."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from commandcenter.storage import open_database

    url = f"sqlite:///{tmp_path / 'fresh-server.sqlite3'}"
    seen: dict[str, str] = {}

    def drive() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen["title"], seen["text"] = widget.windowTitle(), widget.text()
                widget.accept()

    assert run_console_driven(qapp, url, drive, deadline_ms=60_000) == 1
    assert seen["title"] == "数据库为空"
    assert f"commandcenter demo --db {url}" in seen["text"]
    assert seen["text"].startswith(f"数据库 {url} 中还没有任何中心、用户和数据")
    database = open_database(url)
    try:
        assert database.is_empty()  # nothing was written into it
    finally:
        database.dispose()
