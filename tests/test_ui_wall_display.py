"""The video-wall display mode (``run.py --wall``): profiles, screens, rotation, freshness,
and that nothing on it edits."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QMenuBar  # noqa: E402

from commandcenter.display import (  # noqa: E402
    DEFAULT_PROFILE,
    ProfileError,
    Rect,
    ScreenError,
    choose_screens,
    load_profile,
    parse_profile,
    type_size_px,
    union,
)
from commandcenter.domain.enums import Role  # noqa: E402
from ui.app import WALL_USER as WALL  # noqa: E402  (the demo's display account: the default)
from ui.display.window import WallDisplay  # noqa: E402

WIDE = """
title = "指挥中心"
viewing_distance_m = 6
pause_after_input_s = 30

[[pages]]
name = "地图与视频"
seconds = 45
rows = 4
columns = 24
panels = [
  { kind = "map", row = 0, col = 0, row_span = 4, col_span = 8 },
  { kind = "board", row = 0, col = 8, row_span = 3, col_span = 4 },
  { kind = "ticker", row = 3, col = 8, col_span = 4 },
  { kind = "video", row = 0, col = 12, row_span = 3, col_span = 8, layout = "9" },
  { kind = "clock", row = 3, col = 12, col_span = 8 },
  { kind = "kpi", row = 0, col = 20, row_span = 4, col_span = 4 },
]

[[pages]]
name = "考核"
seconds = 30
panels = [ { kind = "kpi", row = 0, col = 0, row_span = 6, col_span = 12 } ]
"""


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def two_pages(seconds_pause: int = 60) -> dict:
    return {
        "pause_after_input_s": seconds_pause,
        "pages": [
            {"name": "A", "panels": [{"kind": "clock", "row": 0, "col": 0}]},
            {"name": "B", "panels": [{"kind": "kpi", "row": 0, "col": 0}]},
        ],
    }


def open_display(qtbot, backend, profile, size=(1920, 1080), **kwargs) -> WallDisplay:
    display = WallDisplay(backend, profile, type_px=18, **kwargs)
    qtbot.addWidget(display)
    display.setFixedSize(*size)
    display.show()
    display.start()
    qtbot.waitUntil(lambda: display.console.dashboard is not None, timeout=60_000)
    return display


def close(display: WallDisplay) -> None:
    from ui.common import tasks

    display.close()
    tasks.wait_for_all()


# --- the profile (GUI-free) ------------------------------------------------------------------


def test_the_default_profile_is_valid_and_has_every_kind_of_panel():
    profile = load_profile(None)
    kinds = {panel.kind for page in profile.pages for panel in page.panels}
    assert kinds == {"map", "board", "kpi", "ticker", "clock", "video"}
    assert profile == parse_profile(DEFAULT_PROFILE)


def test_a_toml_profile_for_two_screens(tmp_path: Path):
    path = tmp_path / "wall.toml"
    path.write_text(WIDE, encoding="utf-8")
    profile = load_profile(path)
    assert [p.name for p in profile.pages] == ["地图与视频", "考核"]
    assert profile.pages[0].columns == 24 and profile.pages[0].seconds == 45
    video = profile.pages[0].panels[3]
    assert (video.kind, video.layout, video.col_span) == ("video", "9", 8)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["pages"][1]["panels"][0].update(kind="mapp"),
            "pages[1].panels[0].kind: 'mapp' is not one of map, board, kpi, ticker, clock, video",
        ),
        (lambda d: d["pages"][0].update(seconds=1), "pages[0].seconds: 1 is not between 5"),
        (
            lambda d: d["pages"][0]["panels"][0].update(col_span=20),
            "pages[0].panels[0].col_span: 20 is not between 1 and 12",
        ),
        (
            lambda d: d["pages"][0]["panels"][1].update(col=0),
            "pages[0].panels[1]: overlaps panels[0] at row 0, col 0",
        ),
        (lambda d: d["pages"][1]["panels"][0].update(layout="7"), "pages[1].panels[0].layout"),
        (lambda d: d["pages"][0]["panels"][1].update(tour="x"), "only a video panel takes it"),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
        (lambda d: d.update(pages=[]), "pages: must be a list of at least one page"),
        (lambda d: d.update(viewing_distance_m="far"), "viewing_distance_m: must be a number"),
    ],
)
def test_profile_errors_name_the_field(change, message):
    import copy

    data = copy.deepcopy(DEFAULT_PROFILE)
    change(data)
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    assert message in str(caught.value)


def test_a_broken_file_says_which_file(tmp_path: Path):
    path = tmp_path / "wall.json"
    path.write_text("{pages: ", encoding="utf-8")
    with pytest.raises(ProfileError, match="wall.json: is not valid JSON"):
        load_profile(path)


def test_type_size_follows_distance_and_screen_size():
    # 5 m away: a 25 mm em; a 55" 1080p screen is 684 mm high (1.58 px/mm) → 39 px.
    assert type_size_px(5, 1080, 684) == 39
    assert type_size_px(10, 1080, 684) == 79  # twice as far, twice as large
    assert type_size_px(5, 2160, 684) == 79  # twice the pixels on the same screen
    assert type_size_px(5, 1080, None) == 94  # unknown size: 96 dpi
    assert type_size_px(0.5, 1080, 5000) == 14  # never below the minimum


def test_screens_by_name_else_index_and_their_union():
    names = ["HDMI-1", "HDMI-2"]
    assert choose_screens([], names) == [0]
    assert choose_screens(["HDMI-2", "0"], names) == [1, 0]
    with pytest.raises(ScreenError, match="'DP-9' is neither"):
        choose_screens(["DP-9"], names)
    left, right = Rect(0, 0, 1920, 1080), Rect(1920, 0, 1920, 1080)
    assert union([left, right]) == Rect(0, 0, 3840, 1080)
    assert union([right]) == right


# --- the window --------------------------------------------------------------------------------


def test_the_default_profile_opens_with_its_data(qtbot, demo_database, backend_of, english_ui):
    display = open_display(qtbot, backend_of(demo_database, WALL), load_profile(None))
    try:
        kpi = display.panels_of("kpi", 0)[0]
        dashboard = display.console.dashboard
        assert kpi.value("overdue") == str(dashboard.overdue)
        assert kpi.value("open") == str(dashboard.open_cases)
        board = display.panels_of("board", 0)[0]
        assert sum(int(label.text()) for label in board.counts.values()) > 0
        assert board.overdue_title.text() == f"▲ Overdue: {dashboard.overdue}"
        ticker = display.panels_of("ticker", 0)[0]
        assert ticker.items and ticker.line.full_text().startswith("1/")
        clock = display.panels_of("clock", 0)[0]
        assert clock.time.text() == "16:00:00" and "2026-11-26" in clock.date.text()
        map_panel = display.panels_of("map", 0)[0]
        qtbot.waitUntil(lambda: map_panel.map.prepared_geometry is not None, timeout=30_000)
        assert map_panel.map.case_rows
        assert display.freshness.text() == "● Data updated at 16:00:00"
    finally:
        close(display)


def test_a_custom_profile_over_two_screens_lays_out_without_overlap(
    qtbot, demo_database, backend_of, tmp_path
):
    path = tmp_path / "wall.toml"
    path.write_text(WIDE, encoding="utf-8")
    display = open_display(qtbot, backend_of(demo_database, WALL), load_profile(path), (3840, 1080))
    try:
        panels = display.panels[0]
        rects = [p.geometry() for p in panels]
        page = display.stack.currentWidget().rect()
        for i, rect in enumerate(rects):
            assert page.contains(rect), (panels[i].kind, rect)
            for other in rects[i + 1 :]:
                assert not rect.intersects(other)
        map_rect = rects[0]
        assert map_rect.width() > 3840 * 8 / 24 * 0.9  # 8 of 24 columns
        assert map_rect.height() > 900
        video = display.panels_of("video", 0)[0]
        assert video.wall.layout_name == "9"
    finally:
        close(display)


def test_pages_rotate_and_pause_while_someone_uses_the_wall(
    qtbot, demo_database, backend_of, english_ui
):
    fake = FakeTime()
    display = open_display(
        qtbot,
        backend_of(demo_database, WALL),
        parse_profile(two_pages()),
        page_ms=150,
        monotonic=fake,
    )
    try:
        with qtbot.waitSignal(display.pageChanged, timeout=5_000) as changed:
            pass
        assert changed.args == [1]
        qtbot.waitUntil(lambda: display.page_index == 0, timeout=5_000)  # and round again

        QTest.keyClick(display, Qt.Key.Key_A)  # someone at the room's keyboard
        assert display.paused_for() == 60
        assert "paused" in display.page_label.text()
        shown = display.page_index
        qtbot.wait(600)  # four page times: it stays
        assert display.page_index == shown

        fake.now += 61  # a minute without anyone touching it
        qtbot.waitUntil(lambda: display.page_index != shown, timeout=5_000)

        display.next_page()  # → by hand
        assert display.stack.currentIndex() == display.page_index
    finally:
        close(display)


def test_nothing_on_the_wall_edits(qtbot, demo_database, backend_of, english_ui):
    display = open_display(qtbot, backend_of(demo_database, WALL), load_profile(None))
    try:
        actor = display.backend.actor  # a display account: the core refuses it every write
        assert actor.role is Role.DISPLAY and not actor.may_write
        assert not display.findChildren(QMenuBar)
        texts = [a.text() for a in display.findChildren(QAction)]
        for word in ("case", "step", "admin", "tour", "snapshot", "import", "registry"):
            assert not [t for t in texts if word in t.lower()], (word, texts)
        visible = [b for b in display.findChildren(QAbstractButton) if b.isVisibleTo(display)]
        assert not visible, [b.text() for b in visible]
        map_view = display.panels_of("map")[0].map
        assert map_view.context_menu(map_view.rect().center()) is None
        map_view.start_picking()
        assert not map_view.picking
        for panel in display.panels_of("video"):
            assert not panel.wall.side_panel.isVisibleTo(display)
            for tile in panel.wall.tiles:
                assert not tile.acceptDrops()
                assert tile.receivers("2menuRequested(QObject*,QPoint)") == 0
    finally:
        close(display)


def test_a_console_opened_by_the_display_account_offers_no_write(
    qtbot, demo_database, backend_of, english_ui
):
    from ui.shell.main_window import MainWindow

    window = MainWindow(backend_of(demo_database, WALL))
    qtbot.addWidget(window)
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Refresh now" in texts
    for word in ("New case", "Export", "Monthly report", "Administration"):
        assert not [t for t in texts if word in t], (word, texts)
    duty = MainWindow(backend_of(demo_database, "duty"))  # the same menu offers them to others
    qtbot.addWidget(duty)
    texts = [a.text() for a in duty.menuBar().actions()[0].menu().actions()]
    assert "New case…" in texts and "Monthly report (PDF)…" in texts


def test_the_wall_logs_in_as_the_demos_display_account(demo_database):
    """``run.py --wall`` on the demo: its display account unless ``--user`` names another."""
    from commandcenter.backend import LocalCenter
    from ui.app import _display_login

    center = LocalCenter(demo_database)  # the session's database: not closed here
    actor = _display_login(center, "").actor
    assert actor.username == "wall" and actor.role is Role.DISPLAY
    assert actor.center_level.value == "county"  # the district's top center: all of it
    assert _display_login(center, "duty").actor.username == "duty"


def test_the_stale_line_when_the_database_goes_away_and_comes_back(
    qtbot, writable_demo, backend_of, english_ui
):
    display = open_display(
        qtbot, backend_of(writable_demo, WALL), parse_profile(two_pages()), feed_interval_ms=100
    )
    try:
        assert display.freshness_state() == "ok"
        assert display.freshness.text() == "● Data updated at 16:00:00"
        path = Path(writable_demo.url.split("sqlite:///", 1)[1])
        away = path.with_name("away.db")
        writable_demo.dispose()
        path.rename(away)
        qtbot.waitUntil(lambda: display.freshness_state() == "error", timeout=10_000)
        assert display.freshness.text() == "✖ Connection lost since 16:00:00"
        assert display.freshness.property("state") == "error"

        writable_demo.dispose()
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        away.rename(path)
        qtbot.waitUntil(lambda: display.freshness_state() == "ok", timeout=10_000)
        assert display.freshness.text() == "● Data updated at 16:00:00"
        assert display.lost_since is None
    finally:
        close(display)


def test_a_long_line_gives_way_in_the_middle_not_at_the_panels_edge(qtbot):
    from PySide6.QtWidgets import QWidget

    from ui.display.panels import LineLabel

    parent = QWidget()
    qtbot.addWidget(parent)
    line = LineLabel(parent, "overdueLine")
    whole = "▲ 000123  " + "居民楼下水道堵塞污水外溢" * 6 + "  · 海光社区第03网格  · 超期 5 小时"
    line.setText(whole)
    line.resize(420, 40)
    parent.show()
    qtbot.waitUntil(lambda: line.text() != whole)
    shown = line.text()
    assert line.fontMetrics().horizontalAdvance(shown) <= line.contentsRect().width()
    assert shown.startswith("▲ 000123") and shown.endswith("超期 5 小时") and "…" in shown
    assert line.full_text() == whole and line.toolTip() == whole
    line.resize(4000, 40)  # room enough: the whole line
    qtbot.waitUntil(lambda: line.text() == whole)


def test_the_video_page_starts_its_streams_before_it_shows(qtbot, demo_database, backend_of):
    """The rotation comes back to the video with live tiles, not "connecting…" ones: its
    streams start ``preroll_ms`` before its page shows, and stop again with the page."""
    profile = parse_profile(
        {
            "pages": [
                {"name": "A", "panels": [{"kind": "clock", "row": 0, "col": 0}]},
                {"name": "V", "panels": [{"kind": "video", "row": 0, "col": 0, "layout": "4"}]},
            ]
        }
    )
    display = open_display(
        qtbot, backend_of(demo_database, WALL), profile, page_ms=1_500, preroll_ms=1_000
    )
    try:
        wall = display.panels_of("video", 1)[0].wall
        assert len(wall.registry) == 0  # never shown yet: nothing to prepare
        qtbot.waitUntil(lambda: display.page_index == 1, timeout=10_000)
        qtbot.waitUntil(lambda: len(wall.registry) > 0, timeout=10_000)
        qtbot.waitUntil(lambda: display.page_index == 0, timeout=10_000)
        assert len(wall.registry) == 0  # hidden with its page: nothing decodes
        # Half a second into page A the video page's streams start, page A still showing.
        qtbot.waitUntil(lambda: len(wall.registry) > 0, timeout=10_000)
        assert display.page_index == 0 and not wall.isVisible()
        # Someone touches the wall: the rotation pauses, the prepared page does not come yet
        # and its streams stop.
        display.note_input()
        assert len(wall.registry) == 0
    finally:
        close(display)
