"""Evidence from the wall, in the console: a tile's "Record to a case…" on a real RTSP camera
(tests/rtsp_server.py), the clip attached to the case, shown in the case tab and played back.

One 5-second recording (the shortest the console offers) is the real time this costs.
"""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox

from commandcenter import clock
from commandcenter.cases.operations import NewCase
from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource
from commandcenter.storage.models import Attachment, AttachmentContent, Camera
from ui.common import i18n
from ui.shell.main_window import MainWindow

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW, demo_backend
    from .test_video_rtsp import start_server
except ImportError:
    from conftest import DEMO_NOW, demo_backend
    from test_video_rtsp import start_server


@pytest.fixture(autouse=True)
def chinese_and_demo_clock(qapp, monkeypatch):
    QCoreApplication.setOrganizationName("GridCommandCenter")
    QCoreApplication.setApplicationName("GridCommandCenter")
    i18n.install_language(qapp, "zh_CN")
    monkeypatch.setattr(clock, "now", lambda: DEMO_NOW)
    yield


@pytest.fixture
def rtsp_camera():
    running = start_server(streams=1, width=320, height=180, fps=25)
    yield running
    running.stop()


def test_record_from_a_tile_attach_and_play_back(
    qtbot, tmp_path, writable_demo, rtsp_camera, monkeypatch
):
    monkeypatch.setenv("COMMANDCENTER_DATA_DIR", str(tmp_path / "data"))
    database = writable_demo
    duty = demo_backend(database, "duty")
    first = duty.camera_list()[0]  # the wall's first tile
    with database.session() as s, s.begin():
        row = s.get(Camera, first.id)
        row.main_url, row.sub_url = rtsp_camera.url(1), None
    change = duty.report_case(
        NewCase(
            source=CaseSource.VIDEO_PATROL,
            category=CaseCategory.PUBLIC_ORDER,
            title="视频巡查：夜间聚集",
            grid_id=first.grid_id,
            camera_id=first.id,
        ).fields(),
        allow_duplicate=True,
    ).value

    window = MainWindow(demo_backend(database, "duty"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=60_000)
    window.show_view("wall")
    wall, actions = window.wall, window.wall_actions
    tile = wall.visible_tiles[0]
    assert tile.camera.id == first.id

    menu = wall.tile_menu(tile)
    names = [a.objectName() for a in menu.actions()]
    assert names.index("record_case") == names.index("snapshot_new_case") + 1
    record = next(a for a in menu.actions() if a.objectName() == "record_case")
    assert record.text() == "录像并附加到案件…"
    record.trigger()
    dialog = actions.record_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.seconds.setValue(1)  # bounded: 5 s at least
    assert dialog.seconds.value() == 5
    dialog.case_code.setText(change.code)
    with qtbot.waitSignal(
        actions.said, timeout=30_000, check_params_cb=lambda text, _ms: "SHA-256" in text
    ) as said:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        recording = actions.recordings[0]
        assert recording.progress.isVisible()
        qtbot.waitUntil(lambda: "还剩" in recording.progress.labelText(), timeout=5000)
    assert change.code in said.args[0]
    assert not actions.recordings

    with database.session() as s:
        attached = s.query(Attachment).filter_by(case_id=change.case_id).one()
        assert attached.kind is AttachmentKind.VIDEO and attached.media_type == "video/mp4"
        data = s.get(AttachmentContent, attached.sha256).data
    clip = next((tmp_path / "data" / "recordings").iterdir())
    assert clip.name.startswith(first.device_id) and clip.suffix == ".mp4"
    assert hashlib.sha256(clip.read_bytes()).hexdigest() == attached.sha256
    assert hashlib.sha256(data).hexdigest() == attached.sha256

    window.open_case(change.case_id)
    view = window.case_view
    qtbot.waitUntil(lambda: view.attachments.count() == 1, timeout=10_000)
    item = view.attachments.item(0)
    assert item.text() == attached.filename and not item.icon().isNull()
    view.attachments.itemActivated.emit(item)
    qtbot.waitUntil(lambda: view.clip_player is not None, timeout=10_000)
    player = view.clip_player
    qtbot.waitUntil(lambda: player.frames_shown >= 10, timeout=5000)
    assert not player.picture.pixmap().isNull()
    assert "s /" in player.position.text()
    player.play_button.click()  # pause
    assert player.play_button.text() == "播放"
    qtbot.wait(100)
    held = player.frames_shown
    qtbot.wait(200)
    assert player.frames_shown == held
    player.play_button.click()
    qtbot.waitUntil(lambda: player.frames_shown > held, timeout=2000)
    path = player.path
    player.close()
    assert not path.exists() and not player.player._thread.is_alive()
    window.close()


def test_a_dead_camera_reports_the_error_and_attaches_nothing(
    qtbot, tmp_path, writable_demo, monkeypatch
):
    from rtsp_server import free_port

    monkeypatch.setenv("COMMANDCENTER_DATA_DIR", str(tmp_path / "data"))
    database = writable_demo
    duty = demo_backend(database, "duty")
    first = duty.camera_list()[0]
    with database.session() as s, s.begin():
        s.get(Camera, first.id).main_url = f"rtsp://127.0.0.1:{free_port()}/cam1"
        before = s.query(Attachment).count()
    window = MainWindow(demo_backend(database, "duty"))
    qtbot.addWidget(window)
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=60_000)
    actions = window.wall_actions
    with qtbot.waitSignal(
        actions.said, timeout=10_000, check_params_cb=lambda t, _ms: "could not be recorded" in t
    ) as said:
        actions.record(first.id, 5, "20261126000")
    assert "Connection refused" in said.args[0]
    assert not (tmp_path / "data" / "recordings").exists() or not any(
        (tmp_path / "data" / "recordings").iterdir()
    )
    with database.session() as s:
        assert s.query(Attachment).count() == before
    window.close()
