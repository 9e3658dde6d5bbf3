"""The video wall: live tiles from the decoding workers, health on every tile, only what is on
screen decodes, and nothing keeps running once the wall or the window is closed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from test_video_stream import FakeCamera, closed_port  # noqa: E402

from commandcenter import clock  # noqa: E402
from commandcenter.cameras.rows import CameraRow  # noqa: E402
from commandcenter.demo.clips import write_clip  # noqa: E402
from commandcenter.video import Health, StreamRegistry  # noqa: E402
from commandcenter.video.wall import StreamChoice, Tour  # noqa: E402
from ui.common import i18n  # noqa: E402
from ui.common.drag import camera_from_mime, camera_mime  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402
from ui.video.wall import PER_PAGE, WAKE_EVENT, VideoWall  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend

DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)
TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def chinese_and_demo_clock(qapp, monkeypatch):
    QCoreApplication.setOrganizationName("GridCommandCenter")
    QCoreApplication.setApplicationName("GridCommandCenter")
    i18n.install_language(qapp, "zh_CN")
    monkeypatch.setattr(clock, "now", lambda: DEMO_NOW)
    yield


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("stream-") and t.is_alive()]


@pytest.fixture
def no_threads_left():
    """The test must not leave a decoding thread behind."""
    before = set(stream_threads())
    yield
    for _ in range(100):
        if not set(stream_threads()) - before:
            break
        threading.Event().wait(0.05)
    assert not set(stream_threads()) - before


@pytest.fixture(scope="module")
def clip_url(tmp_path_factory) -> str:
    path = write_clip(
        tmp_path_factory.mktemp("wall") / "street.mp4", seed=11, title="WALL", seconds=2
    )
    return path.as_uri()


def camera(camera_id: int, url: str, *, name: str = "", enabled: bool = True) -> CameraRow:
    return CameraRow(
        id=camera_id,
        device_id=f"3212020000132{camera_id:07d}",
        name=name or f"测试摄像机{camera_id}",
        lon=119.9,
        lat=32.5,
        grid_id=None,
        grid_name="测试网格",
        main_url=url,
        sub_url=None,
        enabled=enabled,
    )


@pytest.fixture
def make_wall(qtbot):
    made: list[VideoWall] = []

    def make(cameras, **worker_options) -> VideoWall:
        wall = VideoWall(registry=StreamRegistry(**worker_options))
        qtbot.addWidget(wall)
        wall.resize(1200, 800)
        wall.set_cameras(cameras)
        made.append(wall)
        return wall

    yield make
    for wall in made:
        wall.shutdown()


def tile_of(wall: VideoWall, camera_id: int):
    return next(t for t in wall.tiles if t.camera is not None and t.camera.id == camera_id)


def test_live_tiles_show_moving_pictures_name_time_and_health(
    qtbot, make_wall, clip_url, no_threads_left
):
    wall = make_wall([camera(i, clip_url) for i in range(1, 5)])
    assert len(wall.registry) == 0  # not on screen yet: nothing decodes
    wall.show()
    qtbot.waitUntil(
        lambda: all(t.state is Health.LIVE for t in wall.tiles if t.camera), timeout=TIMEOUT_MS
    )
    tile = tile_of(wall, 1)
    first = tile.frame_number
    qtbot.waitUntil(lambda: tile.frame_number >= first + 5, timeout=TIMEOUT_MS)  # it moves
    assert tile.image is not None and not tile.image.isNull()
    # Frames come scaled down to the tile, not at the clip's 640×360 … unless the tile is larger.
    width, height = tile.pixel_size()
    assert tile.image.width() <= max(width, 1) and tile.image.height() <= max(height, 1)
    qtbot.waitUntil(lambda: wall.health_of(1).fps is not None, timeout=TIMEOUT_MS)
    wall.refresh()
    assert re.fullmatch(r"● 实时 · \d+ 帧/秒", tile.badge_text()), tile.badge_text()
    assert tile.frame_time() in ("15:59:59", "16:00:00")  # the demo clock, less the frame's age
    assert tile.message() == ""
    assert wall.is_settled()
    assert wall.last_image(1) is not None and not wall.last_image(1).isNull()
    assert wall.health_of(1).fps > 10


def test_an_rtsp_camera_shows_its_health_not_a_loading_message(qtbot, make_wall, no_threads_left):
    """The bug: an rtsp:// tile said "Loading picture…" for ever. Now it goes connecting →
    offline (or says the log-in or the address is wrong)."""
    hung = FakeCamera(None)  # accepts the connection, never answers
    refusing = FakeCamera(401)
    try:
        cameras = [
            camera(1, hung.url("/h264/ch1/sub"), name="挂起的摄像机"),
            camera(2, f"rtsp://127.0.0.1:{closed_port()}/live", name="断网的摄像机"),
            camera(3, refusing.url(), name="密码错误的摄像机"),
            camera(4, f"rtsp://127.0.0.1:{hung.port}/x", name="停用的摄像机", enabled=False),
        ]
        # A hung camera is offline after the open's and the probe's timeouts (0.8 s each).
        wall = make_wall(cameras, open_timeout_ms=800, backoff_first=0.2, backoff_max=0.5)
        hung_tile = tile_of(wall, 1)
        assert hung_tile.badge_text() == "○ 连接中"
        assert hung_tile.message() == "正在连接摄像机…"
        wall.show()
        qtbot.waitUntil(lambda: hung_tile.state is Health.CONNECTING, timeout=TIMEOUT_MS)
        assert hung_tile.badge_text() == "○ 连接中" and not wall.is_settled()
        qtbot.waitUntil(lambda: hung_tile.state is Health.OFFLINE, timeout=TIMEOUT_MS)
        assert hung_tile.message() == "摄像机离线：无法连接。系统会持续重试。"
        assert hung_tile.badge_text().startswith("✖ 离线")

        down = tile_of(wall, 2)
        qtbot.waitUntil(lambda: down.state is Health.OFFLINE, timeout=TIMEOUT_MS)
        assert re.fullmatch(r"✖ 离线( · \d+ 秒后重试)?", down.badge_text()), down.badge_text()
        assert "refuses the connection" in down.toolTip()

        refused = tile_of(wall, 3)
        qtbot.waitUntil(lambda: refused.state is Health.UNAUTHORISED, timeout=TIMEOUT_MS)
        assert refused.badge_text() == "⚠ 认证失败"
        assert refused.message() == "摄像机拒绝了用户名或密码。请在摄像机登记中检查其账号密码。"

        disabled = tile_of(wall, 4)
        assert disabled.badge_text() == "✖ 已停用" and 4 not in wall.registry
        assert all(t.image is None for t in wall.tiles)
        assert wall.is_settled()
        assert sorted(wall.registry.keys()) == [1, 2, 3]
        wall.shutdown()
    finally:
        hung.close()
        refusing.close()


@pytest.mark.parametrize(
    ("state", "figures", "badge", "message"),
    [
        (Health.LIVE, {"fps": 24.6}, "● 实时 · 25 帧/秒", ""),
        (Health.LIVE, {"fps": None}, "● 实时", ""),
        (
            Health.STALLED,
            {"last_frame_age": 3.2},
            "‖ 画面停顿 · 3 秒",
            "数秒内没有新画面，正在等待摄像机。",
        ),
        (
            Health.RECONNECTING,
            {"reconnects": 2},
            "↻ 重新连接 · 第 2 次",
            "视频流中断，正在重新连接。",
        ),
        (
            Health.OFFLINE,
            {"retry_in": 3.4},
            "✖ 离线 · 4 秒后重试",
            "摄像机离线：无法连接。系统会持续重试。",
        ),
        (Health.BAD_URL, {}, "⚠ 地址错误", "视频流地址有误。请检查该摄像机的流地址。"),
    ],
)
def test_every_health_has_a_symbol_a_word_and_a_message(qtbot, state, figures, badge, message):
    from commandcenter.video import StreamHealth
    from ui.video.wall import CameraTile

    tile = CameraTile()
    qtbot.addWidget(tile)
    tile.set_camera(camera(1, "rtsp://10.0.0.8/live"))
    values = {"fps": 0.0, "resolution": None, "last_frame_age": None, "reconnects": 0, "frames": 0}
    tile.set_health(StreamHealth(state=state, **{**values, **figures}, detail="why, in English"))
    assert tile.badge_text() == badge
    assert tile.message() == message
    assert tile.toolTip().endswith("why, in English")


def test_only_the_visible_page_decodes(qtbot, make_wall, clip_url, no_threads_left):
    cameras = [camera(i, clip_url) for i in range(1, PER_PAGE + 4)]  # two pages
    wall = make_wall(cameras)
    wall.show()
    qtbot.waitUntil(
        lambda: wall.is_settled() and len(wall.registry) == PER_PAGE, timeout=TIMEOUT_MS
    )
    first_page = [c.id for c in cameras[:PER_PAGE]]
    assert sorted(wall.registry.keys()) == first_page
    first_workers = [wall.registry.get(i) for i in first_page]

    wall.show_page(1)
    assert sorted(wall.registry.keys()) == [c.id for c in cameras[PER_PAGE:]]
    assert all(w.stopping for w in first_workers)
    qtbot.waitUntil(lambda: not any(w.is_alive() for w in first_workers), timeout=5000)
    assert wall.registry.alive_threads() == 3

    wall.hide()  # another tab, or the window minimised to a hidden page: nothing decodes
    assert len(wall.registry) == 0
    qtbot.waitUntil(lambda: wall.registry.alive_threads() == 0, timeout=5000)
    wall.show()
    assert len(wall.registry) == 3
    assert wall.shutdown()
    assert wall.registry.alive_threads() == 0


def test_closing_the_main_window_stops_every_stream(qtbot, demo_database, no_threads_left):
    window = MainWindow(demo_backend(demo_database, "duty"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show_view("wall")
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=60_000)
    tiles = [t for t in window.wall.tiles if t.camera is not None]
    qtbot.waitUntil(lambda: all(t.state is Health.LIVE for t in tiles), timeout=TIMEOUT_MS)
    assert len(stream_threads()) >= len(tiles) == PER_PAGE

    # The selected camera's live picture reaches the details panel.
    window.select_camera(tiles[0].camera.id)
    assert window.details.current == ("camera", tiles[0].camera.id)
    assert window.details.picture.isVisible()

    window.show_view("map")  # the wall is hidden: its streams stop
    assert len(window.wall.registry) == 0
    window.show_view("wall")
    assert len(window.wall.registry) == PER_PAGE
    window.close()
    assert window.wall.registry.alive_threads() == 0


# --- layouts, streams, drops, tours ---------------------------------------------------------


@pytest.fixture(scope="module")
def main_and_sub(tmp_path_factory) -> tuple[str, str]:
    """Two clips standing for a camera's main (large) and sub (small) streams."""
    folder = tmp_path_factory.mktemp("streams")
    main = write_clip(folder / "main.mp4", seed=12, title="MAIN", seconds=1, width=1280, height=720)
    sub = write_clip(folder / "sub.mp4", seed=13, title="SUB", seconds=1)
    return main.as_uri(), sub.as_uri()


def two_stream_camera(camera_id: int, urls: tuple[str, str]) -> CameraRow:
    return dataclasses.replace(camera(camera_id, urls[0]), sub_url=urls[1])


def worker_url(wall: VideoWall, camera_id: int) -> str:
    return wall.registry.get(camera_id).url


def test_layouts_and_the_stream_each_tile_plays(make_wall, qtbot, main_and_sub, no_threads_left):
    cameras = [two_stream_camera(i, main_and_sub) for i in range(1, 21)]
    wall = make_wall(cameras)
    wall.resize(1400, 900)
    wall.show()
    qtbot.waitUntil(lambda: len(wall.registry) == PER_PAGE, timeout=TIMEOUT_MS)
    # Nine tiles of ~300 px: every tile plays the sub stream.
    assert all(worker_url(wall, i) == main_and_sub[1] for i in range(1, 10))

    wall.set_layout("16")
    qtbot.waitUntil(lambda: len(wall.registry) == 16, timeout=TIMEOUT_MS)
    assert [t.camera.id for t in wall.visible_tiles] == list(range(1, 17))
    wall.set_layout("1+5")
    qtbot.waitUntil(lambda: len(wall.registry) == 6, timeout=TIMEOUT_MS)
    big = wall.visible_tiles[0]
    qtbot.waitUntil(lambda: big.pixel_size()[1] >= 540, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: worker_url(wall, big.camera.id) == main_and_sub[0], timeout=5000)
    assert worker_url(wall, wall.visible_tiles[1].camera.id) == main_and_sub[1]

    # Double-click: one tile fills the wall on its main stream; only it decodes.
    small = wall.visible_tiles[3]
    qtbot.mouseDClick(small, Qt.MouseButton.LeftButton)
    assert wall.maximised is small and wall.visible_tiles == [small]
    qtbot.waitUntil(lambda: sorted(wall.registry.keys()) == [small.camera.id], timeout=5000)
    qtbot.waitUntil(lambda: worker_url(wall, small.camera.id) == main_and_sub[0], timeout=5000)
    # The officer forces the sub stream on the big tile.
    wall.set_stream_choice(small, StreamChoice.SUB)
    assert worker_url(wall, small.camera.id) == main_and_sub[1]
    qtbot.mouseDClick(small, Qt.MouseButton.LeftButton)
    assert wall.maximised is None and len(wall.visible_tiles) == 6
    qtbot.waitUntil(lambda: len(wall.registry) == 6, timeout=5000)
    wall.shutdown()


def drop_camera(tile, camera_id: int) -> None:
    mime = camera_mime(camera_id)
    at = QPointF(tile.width() / 2, tile.height() / 2)
    for kind in (QEvent.Type.DragEnter, QEvent.Type.Drop):
        cls = QDragEnterEvent if kind == QEvent.Type.DragEnter else QDropEvent
        event = cls(
            at.toPoint() if cls is QDragEnterEvent else at,
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(tile, event)
        assert event.isAccepted()


def test_a_camera_dropped_on_a_tile_plays_there(make_wall, qtbot, clip_url, no_threads_left):
    cameras = [camera(i, clip_url) for i in range(1, 13)]
    wall = make_wall(cameras)
    wall.show()
    target = wall.visible_tiles[4]
    drop_camera(target, 12)  # from the second page
    assert target.camera.id == 12 and wall.selected_camera == 12
    qtbot.waitUntil(lambda: 12 in wall.registry and 5 not in wall.registry, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: target.state is Health.LIVE, timeout=TIMEOUT_MS)
    # The camera list offers every camera and drags the one picked.
    items = [wall.camera_list.item(r) for r in range(wall.camera_list.count())]
    assert len(items) == 12
    mime = wall.camera_list.mimeData([items[0]])
    assert camera_from_mime(mime) == items[0].data(Qt.ItemDataRole.UserRole)
    wall.camera_filter.setText("测试摄像机1")
    shown = [i.text() for i in items if not i.isHidden()]
    assert shown and all("测试摄像机1" in t for t in shown)
    wall.shutdown()


def test_tours_cycle_pause_and_stop(make_wall, qtbot, clip_url, no_threads_left):
    cameras = [camera(i, clip_url) for i in range(1, 16)]
    wall = make_wall(cameras)
    wall.show()
    wall.set_tours([Tour("夜间", tuple(range(15, 0, -1)), 5)])
    assert wall.tour_box.count() == 1 and wall.tour_button.isEnabled()
    wall.tour_button.click()  # start
    assert wall.touring and [t.camera.id for t in wall.visible_tiles if t.camera] == list(
        range(15, 6, -1)
    )
    assert wall._tour_timer.interval() == 5000
    wall.next_tour_page()  # what the dwell timer does
    assert [t.camera.id for t in wall.visible_tiles if t.camera] == list(range(6, 0, -1))
    assert "2" in wall.page_label.text()
    wall.next_tour_page()  # back to the first page
    assert wall.visible_tiles[0].camera.id == 15
    wall.tour_button.click()  # pause
    assert not wall.touring and wall.tour is not None
    wall.tour_button.click()  # resume
    assert wall.touring
    wall.next_button.setEnabled(True)
    wall._manual_page(1)  # paging by hand ends the tour
    assert wall.tour is None and not wall._tour_timer.isActive()
    qtbot.waitUntil(lambda: sorted(wall.registry.keys()) == list(range(10, 16)), timeout=5000)
    wall.shutdown()


def test_snapshot_to_file_and_to_a_new_case(qtbot, tmp_path, demo_database, monkeypatch):
    import sqlite3

    from sqlalchemy import select

    from commandcenter.storage import open_database
    from commandcenter.storage.models import Attachment, Case
    from commandcenter.video.snapshot import png_text

    monkeypatch.setenv("COMMANDCENTER_DATA_DIR", str(tmp_path / "data"))
    source = demo_database.url.split("sqlite:///", 1)[1]
    copy = tmp_path / "demo.db"
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    database = open_database(f"sqlite:///{copy}")
    window = MainWindow(demo_backend(database, "duty"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=60_000)
    window.show_view("wall")
    wall = window.wall
    tile = wall.visible_tiles[0]
    qtbot.waitUntil(lambda: wall.full_frame(tile.camera.id) is not None, timeout=TIMEOUT_MS)
    camera_row = tile.camera
    menu = wall.tile_menu(tile)
    actions = {a.objectName(): a for a in menu.actions()}
    actions["snapshot_save"].trigger()
    folder = tmp_path / "data" / "snapshots"
    qtbot.waitUntil(lambda: folder.exists() and any(folder.iterdir()), timeout=5000)
    saved = next(folder.iterdir())
    assert saved.name.startswith(camera_row.device_id + "_")
    assert png_text(saved.read_bytes())["Camera"] == camera_row.device_id

    actions["snapshot_new_case"].trigger()
    dialog = window.new_case_dialog
    assert dialog.camera is camera_row and dialog.grid_id == camera_row.grid_id
    dialog.title_edit.setText("视频巡查：占道经营")
    dialog.category.setCurrentIndex(dialog.category.count() - 1)
    dialog.submit(allow_duplicate=True)
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    with database.session() as session:
        case = session.scalars(select(Case).where(Case.title == "视频巡查：占道经营")).one()
        assert case.camera_id == camera_row.id and case.grid_id == camera_row.grid_id

        def attached():
            with database.session() as s:
                return s.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()

    qtbot.waitUntil(lambda: len(attached()) == 1, timeout=10_000)
    assert attached()[0].filename.startswith(camera_row.device_id)
    window.close()
    database.dispose()


# --- tiles on a real RTSP server (GStreamer, fed by ffmpeg) ---------------------------------


def test_tiles_show_a_real_rtsp_camera_and_heal(make_wall, qtbot, no_threads_left):
    from rtsp_server import read_counter
    from test_video_rtsp import start_server

    server = start_server(streams=2, width=640, height=360, fps=25, auth=("viewer", "s3cret"))
    try:
        good = camera(1, server.url(1))
        wrong_path = camera(2, server.url("/no/such/stream"))
        credentials = {1: ("viewer", "s3cret"), 2: ("viewer", "s3cret"), 3: ("viewer", "wrong")}
        wrong_login = camera(3, server.url(2))
        # Stalled after 0.5 s without a frame (2 s by default, checked on a fake clock in
        # test_video_stream.py), so the freeze below lasts half a second.
        registry = StreamRegistry(lambda key: credentials[key], stall_after=0.5)
        wall = VideoWall(registry=registry)
        qtbot.addWidget(wall)
        wall.resize(1200, 800)
        wall.set_cameras([good, wrong_path, wrong_login])
        wall.show()
        tile = tile_of(wall, 1)
        qtbot.waitUntil(
            lambda: tile.state is Health.LIVE and tile.image is not None, timeout=TIMEOUT_MS
        )
        # The picture on the tile is the server's: its frame counter reads and moves on.
        first = read_counter(qimage_pixels(tile.image))
        qtbot.waitUntil(
            lambda: (read_counter(qimage_pixels(tile.image)) or 0) > (first or 0) + 10,
            timeout=TIMEOUT_MS,
        )
        qtbot.waitUntil(lambda: tile_of(wall, 2).state is Health.BAD_URL, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: tile_of(wall, 3).state is Health.UNAUTHORISED, timeout=TIMEOUT_MS)
        assert "s3cret" not in tile_of(wall, 3).toolTip() + tile_of(wall, 3).badge_text()

        # The camera freezes (SIGSTOP: the connection stays open, nothing comes): the tile says
        # so, over the dimmed last picture, and plays on when the camera does. (A camera that
        # goes away and comes back is test_video_rtsp's killed server; the tile's words for
        # offline and reconnecting are test_every_health_has_a_symbol_a_word_and_a_message.)
        server.pause()
        qtbot.waitUntil(lambda: tile.state is Health.STALLED, timeout=6000)
        assert tile.message() and tile.image is not None
        assert tile.badge_text().startswith("‖ ")
        frozen = read_counter(qimage_pixels(tile.image)) or 0
        server.resume()
        qtbot.waitUntil(lambda: tile.state is Health.LIVE and tile.message() == "", timeout=6000)
        qtbot.waitUntil(
            lambda: (read_counter(qimage_pixels(tile.image)) or 0) > frozen + 10,
            timeout=TIMEOUT_MS,
        )
        assert wall.registry.get(1).health().reconnects == 0  # the same connection goes on
        wall.shutdown()
    finally:
        server.kill()


def qimage_pixels(image) -> np.ndarray:
    """A BGR numpy copy of a tile's QImage (Format_BGR888)."""
    image = image.convertToFormat(image.Format.Format_BGR888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return (
        data.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3).copy()
    )


# --- frames to the tiles without polling (issue 16) ------------------------------------------


def test_tiles_get_the_workers_pictures_in_rgb32_at_their_size(qtbot, make_wall, clip_url):
    """Each worker is told its tile's size and Qt's RGB32: the tile's QImage is that picture,
    over the worker's buffer (no copy), and fits the tile in device pixels."""
    wall = make_wall([camera(i, clip_url) for i in range(1, 5)])
    wall.show()
    qtbot.waitUntil(
        lambda: all(t.image is not None for t in wall.visible_tiles if t.camera), timeout=TIMEOUT_MS
    )
    wall._sync_streams()  # the tiles' final sizes (the layout settles after show)
    tile = tile_of(wall, 1)
    worker = wall.registry.get(1)
    size, pixel_format = worker.output
    assert pixel_format == "bgra" and size == tile.pixel_size()
    first = tile.frame_number
    qtbot.waitUntil(lambda: tile.frame_number > first + 2, timeout=TIMEOUT_MS)
    from PySide6.QtGui import QImage

    assert tile.image.format() == QImage.Format.Format_RGB32
    width, height = tile.pixel_size()
    assert tile.image.width() <= width and tile.image.height() <= height
    assert max(tile.image.width() / width, tile.image.height() / height) > 0.9  # it fills it
    pixels = tile._pixels
    assert pixels.shape[2] == 4 and not pixels.flags.writeable
    # The QImage shows the worker's buffer itself.
    bits = np.frombuffer(tile.image.constBits(), np.uint8)
    assert bits.__array_interface__["data"][0] == pixels.__array_interface__["data"][0]


def test_a_wall_started_ahead_while_hidden_is_not_woken_by_frames(qtbot, make_wall, clip_url):
    """A wall display starts a page's streams a few seconds before it shows (``prepare``):
    the workers decode, but their frames do not wake the GUI thread until the wall is on
    screen; then they do, coalesced (fewer wake-ups than frames)."""
    wall = make_wall([camera(i, clip_url) for i in range(1, 5)])
    wall.show()
    qtbot.waitUntil(
        lambda: all(t.image is not None for t in wall.visible_tiles if t.camera), timeout=TIMEOUT_MS
    )
    wall.hide()
    assert len(wall.registry) == 0  # hidden: nothing decodes
    wall.prepare()
    assert len(wall.registry) == 4
    workers = [wall.registry.get(i) for i in range(1, 5)]
    qtbot.waitUntil(lambda: all(w.health().frames >= 10 for w in workers), timeout=TIMEOUT_MS)
    woken = wall.wakeups
    decoded = sum(w.health().frames for w in workers)
    qtbot.waitUntil(lambda: sum(w.health().frames for w in workers) >= decoded + 20)
    qtbot.wait(50)  # any wake-up posted would have been handled by now
    assert wall.wakeups == woken  # frames came, the hidden wall slept
    wall.show()
    playing = [t for t in wall.visible_tiles if t.camera]
    shown = [t.frame_number for t in playing]
    qtbot.waitUntil(
        lambda: all(t.frame_number > n for t, n in zip(playing, shown, strict=True)),
        timeout=TIMEOUT_MS,
    )
    assert wall.wakeups > woken
    # Coalesced: while the GUI thread is busy (here: not running its event loop), the frames
    # of all cameras post one wake-up between them; handling it puts the newest of each on
    # its tile.
    QCoreApplication.sendPostedEvents(wall, WAKE_EVENT)
    before = {t: t.frame_number for t in playing}
    woken_then = wall.wakeups
    decoded_then = sum(w.health().frames for w in workers)
    while sum(w.health().frames for w in workers) < decoded_then + 8 or not all(
        wall.registry.get(t.camera.id).health().frames > before[t] for t in playing
    ):
        threading.Event().wait(0.02)  # the GUI thread busy: no events handled
    QCoreApplication.sendPostedEvents(wall, WAKE_EVENT)
    assert 1 <= wall.wakeups - woken_then <= 2  # one posted (a second only in a race)
    assert all(t.frame_number > before[t] for t in playing)
