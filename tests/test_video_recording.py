"""Evidence clips recorded from a real RTSP camera (tests/rtsp_server.py: GStreamer fed by
ffmpeg with H.264) and attached to a case.

One 5-second recording is made per module and shared (real time is this module's cost); the
dead camera fails at once. The recording must be the camera's own H.264, not re-encoded: the
server's encoder (libx264 ``ultrafast``) writes Constrained Baseline, which a re-encode with
ffmpeg's defaults would not keep, and the command line says ``-c copy``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from commandcenter.backend import LocalBackend
from commandcenter.cases.operations import FileData
from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource
from commandcenter.errors import TransitionRefused
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.models import Attachment, AttachmentContent
from commandcenter.video import recording
from commandcenter.video.recording import RecordingFailed, record_clip
from commandcenter.workflow import attachments
from commandcenter.workflow.engine import CaseWorkflow

try:  # tests/ as a package or as a plain folder on sys.path
    from . import rtsp_server
    from .test_video_rtsp import start_server
    from .workflow_district import build_district
except ImportError:
    import rtsp_server
    from test_video_rtsp import start_server
    from workflow_district import build_district

FPS = 25
SECONDS = 5  # the shortest clip the console offers
USER, PASSWORD = "viewer", "s3cret-pw"


@pytest.fixture(scope="module")
def camera() -> Iterator[rtsp_server.RtspServer]:
    """One camera with credentials, 640×360 at 25 fps."""
    running = start_server(streams=1, width=640, height=360, fps=FPS, auth=(USER, PASSWORD))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def clip(camera, tmp_path_factory) -> tuple[recording.Clip, list[float]]:
    folder = tmp_path_factory.mktemp("clips")
    seen: list[float] = []
    made = record_clip(
        camera.url(1),
        folder / "cam1.mp4",
        SECONDS,
        username=USER,
        password=PASSWORD,
        progress=seen.append,
    )
    return made, seen


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["streams"][0]


def test_a_clip_is_the_cameras_own_h264_for_the_time_asked(clip):
    made, seen = clip
    assert made.path.name == "cam1.mp4" and made.path.is_file()
    assert made.media_type == "video/mp4"
    assert not list(made.path.parent.glob("*.part"))
    data = made.path.read_bytes()
    assert made.size_bytes == len(data)
    assert made.sha256 == hashlib.sha256(data).hexdigest()
    assert attachments.video_type(data) == ("video/mp4", ".mp4")
    # stream copy, no re-encoding: the command, the codec and the encoder's profile
    assert made.command[made.command.index("-c") + 1] == "copy"
    stream = probe(made.path)
    assert stream["codec_name"] == "h264" and stream["profile"] == "Constrained Baseline"
    assert (stream["width"], stream["height"]) == (640, 360)
    # the credentials are nowhere in what is kept for logs
    assert not any(PASSWORD in part or USER in part for part in made.command)
    # OpenCV reads it back: about the duration asked (stream copy starts at a key frame,
    # at most one GOP, 1 s, after the first packet)
    capture = cv2.VideoCapture(str(made.path))
    frames = 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frames += 1
        last = image
    capture.release()
    assert (SECONDS - 1.2) * FPS <= frames <= (SECONDS + 0.2) * FPS
    assert rtsp_server.read_counter(last) is not None  # the camera's own picture
    assert seen and seen == sorted(seen) and seen[-1] >= SECONDS - 0.5
    assert SECONDS - 0.5 <= made.seconds <= SECONDS + 0.5


def test_a_dead_camera_fails_clearly_and_leaves_no_file(tmp_path):
    dead = f"rtsp://{USER}:{PASSWORD}@127.0.0.1:{rtsp_server.free_port()}/cam1"
    with pytest.raises(RecordingFailed) as raised:
        record_clip(dead, tmp_path / "dead.mp4", SECONDS)
    text = str(raised.value)
    assert "could not be recorded" in text and "Connection refused" in text
    assert PASSWORD not in text and f"{USER}:" not in text
    assert "rtsp://127.0.0.1:" in text
    assert list(tmp_path.iterdir()) == []


def test_wrong_credentials_fail_without_showing_them(camera, tmp_path):
    with pytest.raises(RecordingFailed) as raised:
        record_clip(camera.url(1), tmp_path / "x.mp4", SECONDS, username=USER, password="wrong-pw")
    assert "401" in str(raised.value) and "wrong-pw" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_the_duration_is_bounded_and_ffmpeg_must_exist(tmp_path, monkeypatch):
    for seconds in (1, 601):
        with pytest.raises(RecordingFailed, match="5 to 600 seconds"):
            record_clip("rtsp://127.0.0.1/cam1", tmp_path / "x.mp4", seconds)
    monkeypatch.setenv("COMMANDCENTER_FFMPEG", "no-such-ffmpeg-here")
    with pytest.raises(RecordingFailed, match="ffmpeg was not found"):
        record_clip("rtsp://127.0.0.1/cam1", tmp_path / "x.mp4", SECONDS)
    assert list(tmp_path.iterdir()) == []


def test_cancelling_stops_at_once_and_leaves_no_file(camera, tmp_path):
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    with pytest.raises(RecordingFailed, match="cancelled"):
        record_clip(
            camera.url(1), tmp_path / "c.mp4", 60, username=USER, password=PASSWORD, cancel=cancel
        )
    assert list(tmp_path.iterdir()) == []


def test_the_clip_limit_fits_the_servers_file_limit():
    from commandcenter.server.calls import MAX_FILE_BYTES

    assert recording.MAX_CLIP_BYTES == attachments.MAX_VIDEO_BYTES < MAX_FILE_BYTES


# --- attached to a case ------------------------------------------------------------------------


@pytest.fixture
def world(db_url):
    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
        actor = district.actor(session, "duty")
        case_id = (
            CaseWorkflow(session, calendar=WorkingCalendar())
            .report(
                actor,
                grid_id=district.grids["G1"],
                source=CaseSource.VIDEO_PATROL,
                category=CaseCategory.PUBLIC_ORDER,
                title="视频巡查：占道经营",
            )
            .case_id
        )
    with database.session() as session:
        duty = LocalBackend(database, district.actor(session, "duty"))
    yield database, duty, case_id
    database.dispose()


def test_a_clip_is_attached_with_its_sha256_and_read_back(world, clip):
    database, duty, case_id = world
    made, _ = clip
    data = made.path.read_bytes()
    outcome = duty.attach(
        case_id, FileData(made.path.name, data, "video/mp4"), AttachmentKind.VIDEO
    )
    with database.session() as s:
        row = s.query(Attachment).filter_by(case_id=case_id).one()
        assert row.kind is AttachmentKind.VIDEO and row.media_type == "video/mp4"
        assert row.sha256 == made.sha256 and row.size_bytes == made.size_bytes
        assert s.get(AttachmentContent, made.sha256).data == data
    assert duty.attachment_contents([row.id]) == {row.id: data}
    entry = duty.case_detail(case_id).timeline[-1]
    assert entry.action == "attach" and outcome.value.case_id == case_id


def test_only_mp4_or_matroska_is_a_video(world):
    database, duty, case_id = world
    for name, data in (
        ("clip.mp4", b"\xff\xd8\xff a JPEG named .mp4"),
        ("clip.mp4", b"MZ\x90\x00 a program"),
        ("clip.mkv", b"not a video at all"),
    ):
        with pytest.raises(TransitionRefused, match="not a video clip"):
            duty.attach(case_id, FileData(name, data, "video/mp4"), AttachmentKind.VIDEO)
    too_big = b"\x00\x00\x00\x18ftypisom" + bytes(attachments.MAX_VIDEO_BYTES)
    with pytest.raises(TransitionRefused, match="at most 48 MB"):
        duty.attach(case_id, FileData("big.mp4", too_big, "video/mp4"), AttachmentKind.VIDEO)
    mkv = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska"
    duty.attach(case_id, FileData("x.mkv", mkv, "application/octet-stream"), AttachmentKind.VIDEO)
    with database.session() as s:
        row = s.query(Attachment).filter_by(case_id=case_id).one()
        assert row.media_type == "video/x-matroska"


def test_a_clip_plays_back_at_its_rate_pauses_and_ends(clip):
    import time

    from commandcenter.video.playback import ClipPlayer

    made, _ = clip
    player = ClipPlayer(made.path).start()
    try:
        deadline = time.monotonic() + 5
        while (
            player.latest() is None or player.latest().index < 10
        ) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert player.latest().index >= 10 and abs(player.fps - FPS) < 0.5 and not player.error
        assert player.latest().image.shape == (360, 640, 3)
        player.pause()
        time.sleep(0.1)
        held = player.latest().index
        time.sleep(0.2)
        assert player.latest().index == held and not player.playing
        player.play()
        while not player.ended and time.monotonic() < deadline + 6:
            time.sleep(0.05)
        assert player.ended and player.latest().index == player.frame_count - 1
        player.play()  # from the beginning again
        time.sleep(0.2)
        assert player.playing and player.latest().index < 20
    finally:
        assert player.stop()


def test_a_file_that_is_no_video_plays_nothing(tmp_path):
    from commandcenter.video.playback import ClipPlayer

    bad = tmp_path / "x.mp4"
    bad.write_bytes(b"not a video")
    player = ClipPlayer(bad).start()
    assert player.stop(3.0)
    assert player.error and player.latest() is None
