"""Detachable views on the demo district: a view moves to a window of its own (the same widget,
its signals still routed), the video wall keeps decoding there while the map tab is current,
pauses only when truly hidden, comes back to its tab, and the layout is remembered (screen by
name, geometry, maximised) for the next start, a screen gone → the primary screen."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QRect, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from commandcenter import clock  # noqa: E402
from commandcenter.video import Health  # noqa: E402
from ui.common import i18n  # noqa: E402
from ui.shell.detach import (  # noqa: E402
    DetachedPlaceholder,
    DetachedWindow,
    WindowPlace,
    read_layout,
    write_layout,
)
from ui.shell.main_window import VIEWS, MainWindow  # noqa: E402
from ui.video.wall import PER_PAGE  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend

DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)
LOAD_TIMEOUT_MS = 60_000
TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def own_settings(qapp, monkeypatch):
    """A settings organisation of this test alone (the layout it saves touches no other test
    and no user), Chinese, the demo's clock."""
    organisation = f"GridCommandCenterTest-{uuid.uuid4().hex[:8]}"
    QCoreApplication.setOrganizationName(organisation)
    QCoreApplication.setApplicationName("GridCommandCenter")
    i18n.install_language(qapp, "zh_CN")
    monkeypatch.setattr(clock, "now", lambda: DEMO_NOW)
    yield organisation
    QSettings().clear()
    QCoreApplication.setOrganizationName("GridCommandCenter")


def stream_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("stream-") and t.is_alive()}


def open_window(qtbot, database) -> MainWindow:
    window = MainWindow(demo_backend(database, "duty"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=LOAD_TIMEOUT_MS)
    return window


def playing(qtbot, wall) -> None:
    """Every camera of the wall's page is live and its frame counter rises."""
    tiles = [t for t in wall.tiles if t.camera is not None]
    assert len(tiles) == PER_PAGE
    qtbot.waitUntil(
        lambda: all(t.state is Health.LIVE and t.frame_number > 0 for t in tiles),
        timeout=TIMEOUT_MS,
    )
    before = {t.camera.id: t.frame_number for t in tiles}
    qtbot.waitUntil(
        lambda: all(t.frame_number >= before[t.camera.id] + 10 for t in tiles),
        timeout=TIMEOUT_MS,
    )


def test_the_detached_wall_plays_while_the_map_is_shown(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    threads_before = stream_threads()
    wall = window.wall
    window.show_view("map")
    assert len(wall.registry) == 0  # in a hidden tab: nothing decodes
    assert window.detach_button.text() == "❐ 独立窗口"  # a word, not a bare symbol

    # The tab's context menu detaches the wall: the same widget, in a window of its own.
    window.tab_menu("wall").findChild(type(window.detach_action), "detachToWindow").trigger()
    wall_window = window.detacher.windows["wall"]
    assert isinstance(wall_window, DetachedWindow) and wall_window.isVisible()
    assert wall_window.centralWidget() is wall and wall.window() is wall_window
    assert isinstance(window.tabs.widget(VIEWS.index("wall")), DetachedPlaceholder)
    assert window.tabs.tabText(VIEWS.index("wall")) == "视频墙"
    board_window = window.detach_view("board")  # the View menu's action does the same
    assert board_window.centralWidget() is window.board_tab and window.board_tab.isVisible()
    assert window.board.row_count() == len(window.console.store.open_rows()) > 0

    # The map tab is current, the board and the wall are on screen: the wall decodes.
    window.show_view("map")
    assert window.current_view() == "map" and window.map_panel.isVisible()
    assert sorted(wall.registry.keys()) == sorted(
        t.camera.id for t in wall.tiles if t.camera is not None
    )
    playing(qtbot, wall)
    window.show_view("figures")  # any tab
    playing(qtbot, wall)

    # Signals keep flowing: a tile clicked in the detached window selects the camera in the
    # console's details panel; "show on the wall" brings the wall's window forward.
    tile = next(t for t in wall.tiles if t.camera is not None)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert window.details.current == ("camera", tile.camera.id)
    window.show_camera_on_wall(tile.camera.id)
    assert window.current_view() == "figures"  # the tab stays; the window came forward

    # Truly hidden (its window minimised): the wall pauses; shown again: it plays.
    wall_window.showMinimized()
    qtbot.waitUntil(lambda: len(wall.registry) == 0, timeout=TIMEOUT_MS)
    wall_window.showNormal()
    qtbot.waitUntil(lambda: len(wall.registry) == PER_PAGE, timeout=TIMEOUT_MS)
    playing(qtbot, wall)

    # Attach back (the window's button): into its tab, which is not current → paused.
    wall_window.attach_action.trigger()
    assert "wall" not in window.detacher.windows
    assert window.tabs.widget(VIEWS.index("wall")) is wall and wall.window() is window
    assert not wall.isVisible() and len(wall.registry) == 0
    window.show_view("wall")
    assert window.tabs.currentWidget() is wall
    playing(qtbot, wall)

    # Closing the board's window attaches the board back too.
    board_window.close()
    assert window.tabs.widget(VIEWS.index("board")) is window.board_tab
    assert not window.detacher.windows
    window.close()
    qtbot.waitUntil(lambda: not (stream_threads() - threads_before), timeout=TIMEOUT_MS)


def test_the_layout_is_remembered_for_the_next_start(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    screen = QGuiApplication.primaryScreen()
    origin, name = screen.geometry().topLeft(), screen.name()
    wall_window = window.detach_view("wall")
    wall_window.setGeometry(QRect(origin.x() + 40, origin.y() + 30, 620, 480))
    window.detach_view("figures").showMaximized()
    case_window = window.detach_view("case")
    case_window.attach_action.trigger()  # detached, then back: not remembered
    window.close()
    assert not window.detacher.windows  # every view back in the closed window's tabs
    layout = read_layout()
    assert set(layout) == {"wall", "figures"}
    assert layout["wall"] == WindowPlace(name, 40, 30, 620, 480, False)
    assert layout["figures"].maximised and layout["figures"].screen == name

    again = open_window(qtbot, demo_database)
    assert set(again.detacher.windows) == {"wall", "figures"}
    wall_again = again.detacher.windows["wall"]
    assert wall_again.centralWidget() is again.wall and wall_again.screen().name() == name
    assert wall_again.geometry() == QRect(origin.x() + 40, origin.y() + 30, 620, 480)
    assert again.detacher.windows["figures"].isMaximized()
    assert again.current_view() == "map"
    playing(qtbot, again.wall)  # restored detached: it plays while the map is shown
    again.close()


def test_a_screen_gone_puts_the_window_on_the_primary_screen(qtbot, demo_database):
    write_layout(
        {
            "wall": WindowPlace("HDMI-9 (unplugged)", 2400, 120, 700, 500, False),
            "board": WindowPlace("DP-7", 10, 10, 9000, 6000, True),
            "nothing-like-this": WindowPlace("", 0, 0, 100, 100),  # an old version's view
        }
    )
    window = open_window(qtbot, demo_database)
    primary = QGuiApplication.primaryScreen()
    area = primary.availableGeometry()
    assert set(window.detacher.windows) == {"wall", "board"}
    wall_window = window.detacher.windows["wall"]
    assert wall_window.screen().name() == primary.name()
    assert area.contains(wall_window.geometry())
    assert wall_window.geometry().center() == area.center()  # centred on the primary screen
    assert wall_window.size().width() == min(700, area.width())
    board_window = window.detacher.windows["board"]
    assert board_window.screen().name() == primary.name() and board_window.isMaximized()
    assert area.contains(board_window.normalGeometry())  # bounded by the screen
    window.close()
    assert set(read_layout()) == {"wall", "board"}  # now remembered on the primary screen
    assert read_layout()["wall"].screen == primary.name()


TWO_SCREENS_SCRIPT = r"""
import datetime as dt, sys
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QRect, QSettings
from PySide6.QtWidgets import QApplication
from commandcenter.backend import LocalCenter
from commandcenter.clock import ManualClock
from ui.shell.main_window import MainWindow

app = QApplication([])
QCoreApplication.setOrganizationName(sys.argv[2])
QCoreApplication.setApplicationName("GridCommandCenter")
center = LocalCenter.open_existing(sys.argv[1], ManualClock(dt.datetime(2026, 11, 26, 16, 0)))

def opened():
    window = MainWindow(center.demo_login("duty"))
    window.show()
    window.start()
    deadline = QDeadlineTimer(60_000)
    while not window.is_ready and not deadline.hasExpired():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return window

first = opened()
second_screen = next(s for s in app.screens() if s.name() == "HDMI-2")
wall = first.detach_view("wall")
wall.setScreen(second_screen)
wall.setGeometry(QRect(second_screen.geometry().topLeft(), second_screen.size()).adjusted(100, 50, -100, -50))
first.close()
again = opened()
restored = again.detacher.windows["wall"]
print("restored", restored.screen().name(), *restored.geometry().getRect())
again.close()
QSettings().clear()
center.close()
"""


def test_the_wall_comes_back_on_its_named_second_screen(tmp_path, demo_database):
    """Two screens (offscreen, named like monitors): the wall left on the second one opens
    there again, where it was."""
    import json
    import subprocess
    import sys

    config = tmp_path / "screens.json"
    screens = [
        {"name": name, "x": i * 1920, "y": 0, "width": 1920, "height": 1080}
        for i, name in enumerate(("DP-1", "HDMI-2"))
    ]
    config.write_text(json.dumps({"screens": screens}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run(
        [sys.executable, "-c", TWO_SCREENS_SCRIPT, demo_database.url, f"Test-{uuid.uuid4().hex}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "restored HDMI-2 2020 50 1720 980" in result.stdout.splitlines(), result.stdout
