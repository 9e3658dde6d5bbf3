"""The decoding worker on demo clips and on failing sources: frames, loops, health, stopping.

Streams from a real RTSP server are in test_video_rtsp.py; here a few lines of socket code
stand in for a camera that refuses the log-in or has no such path, which is all the probe needs.
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from commandcenter.demo.clips import write_clip
from commandcenter.video import Frame, Health, StreamRegistry, StreamWorker, fit_size
from commandcenter.video.probe import probe_rtsp
from commandcenter.video.stream import _Backoff

CLIP_FPS = 25
CLIP_SECONDS = 1
FRAME_BYTES = 640 * 360 * 3


def wait_for(condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"timed out after {timeout} s waiting for {what or condition}")


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("stream-")]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> str:
    """A one-second demo clip (25 frames), as the file: URL a demo camera stores."""
    folder = tmp_path_factory.mktemp("clips")
    path = write_clip(
        folder / "camera.mp4", seed=7, title="TEST", fps=CLIP_FPS, seconds=CLIP_SECONDS
    )
    return path.as_uri()


@pytest.fixture
def workers() -> Iterator[list[StreamWorker]]:
    """Workers a test starts; all stopped afterwards, and none may be left running."""
    started: list[StreamWorker] = []
    yield started
    for worker in started:
        worker.stop(2.0)
    assert not [w for w in started if w.is_alive()]


def start(workers: list[StreamWorker], url: str, **options) -> StreamWorker:
    worker = StreamWorker(url, **options).start()
    workers.append(worker)
    return worker


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- frames ----------------------------------------------------------------------------------


def test_frames_arrive_and_their_numbers_advance(clip, workers):
    worker = start(workers, clip, name="demo")
    first = wait_for(worker.latest, what="the first frame")
    assert isinstance(first, Frame)
    assert first.source_size == (640, 360) == first.size
    assert first.image.shape == (360, 640, 3) and not first.image.flags.writeable
    assert worker.health().fps is None  # too soon to give a rate
    time.sleep(1.0)
    second = worker.latest()
    assert second.number > first.number
    assert second.timestamp > first.timestamp

    health = worker.health()
    assert health.state is Health.LIVE and health.ok
    assert health.resolution == (640, 360)
    assert 15 <= health.fps <= 35, health  # paced to the clip's 25 fps
    assert health.last_frame_age is not None and health.last_frame_age < 1.0
    assert health.reconnects == 0


def test_latest_scales_down_to_the_tile_only(clip, workers):
    worker = start(workers, clip)
    wait_for(worker.latest, what="the first frame")
    assert worker.latest((320, 320)).size == (320, 180)
    assert worker.latest((200, 50)).size == (89, 50)
    assert worker.latest((4000, 4000)).size == (640, 360)  # never enlarged
    newest = worker.latest()
    assert worker.latest(after=newest.number + 10_000) is None  # nothing newer than that


def test_a_clip_loops_at_its_end(clip, workers):
    worker = start(workers, clip)
    wait_for(lambda: worker.health().frames > 2 * CLIP_FPS * CLIP_SECONDS + 5, 6, "two loops")
    assert worker.loops >= 2
    health = worker.health()
    assert health.state is Health.LIVE
    assert health.reconnects == 0  # starting over is not a reconnect


def test_the_slot_keeps_one_frame_and_never_queues(clip, workers):
    worker = start(workers, clip)
    start_number = wait_for(worker.latest, what="the first frame").number
    tracemalloc.start()
    try:
        time.sleep(1.2)  # about 30 frames decoded and nobody takes them
        current, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    newest = worker.latest()
    assert newest.number - start_number >= 20  # the worker kept decoding …
    assert current < 3 * FRAME_BYTES, current  # … and kept one frame, not all of them


# --- failures --------------------------------------------------------------------------------


def test_a_missing_clip_is_a_bad_url_without_hanging(tmp_path, workers):
    worker = start(workers, (tmp_path / "gone.mp4").as_uri())
    wait_for(lambda: worker.health().state is Health.BAD_URL, 2, "bad_url")
    assert "gone.mp4" in worker.health().detail
    assert worker.latest() is None
    began = time.monotonic()
    assert worker.stop(2.0)
    assert time.monotonic() - began < 1.0


def test_a_malformed_url_is_a_bad_url_and_the_worker_ends(workers):
    worker = start(workers, "ftp://camera.example/stream")
    wait_for(lambda: not worker.is_alive(), 2, "the worker to give up")
    assert worker.health().state is Health.BAD_URL


def test_an_unreachable_camera_is_offline_and_retried(workers, caplog):
    caplog.set_level(logging.INFO, logger="commandcenter.video")
    url = f"rtsp://viewer:s3cret-pw@127.0.0.1:{closed_port()}/h264/ch1/sub"
    worker = start(workers, url, backoff_first=0.1, backoff_max=0.2)
    wait_for(lambda: worker.health().state is Health.OFFLINE, 4, "offline")
    assert "refuses" in worker.health().detail
    wait_for(lambda: worker.health().reconnects >= 2, 4, "retries")
    shown = repr(worker) + worker.url + worker.health().detail + caplog.text
    assert "s3cret-pw" not in shown and "viewer" not in shown
    assert worker.url.startswith("rtsp://127.0.0.1:")


class FakeCamera:
    """Answers RTSP requests like a camera that refuses them: OPTIONS 200, DESCRIBE ``status``
    (401 with a Digest challenge); with ``status`` None it accepts connections and never
    answers (a hung camera). Records what it was asked."""

    def __init__(self, status: int | None):
        self.status = status
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fake-camera", daemon=True)
        self._thread.start()

    def url(self, path: str = "/live") -> str:
        return f"rtsp://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        buffer = b""
        while not self._stop.is_set():
            while b"\r\n\r\n" not in buffer:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, target = (lines[0].split(" ") + [""])[:2]
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            self.requests.append((method, headers))
            reply = self.reply(method, target, headers)
            if reply is None:
                continue
            conn.sendall(reply.format(headers.get("cseq", "0")).encode("latin-1"))

    def reply(self, method: str, target: str, headers: dict[str, str]) -> str | None:
        """The answer to one request, with ``{}`` for the CSeq; None: no answer at all."""
        if self.status is None:
            return None
        if method == "OPTIONS":
            return "RTSP/1.0 200 OK\r\nCSeq: {}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n"
        if self.status == 401:
            return (
                "RTSP/1.0 401 Unauthorized\r\nCSeq: {}\r\n"
                'WWW-Authenticate: Digest realm="IP Camera", nonce="5f2a9e"\r\n\r\n'
            )
        return f"RTSP/1.0 {self.status} Refused\r\nCSeq: {{}}\r\n\r\n"


@pytest.fixture
def camera_factory():
    made: list[FakeCamera] = []

    def make(status: int | None) -> FakeCamera:
        made.append(FakeCamera(status))
        return made[-1]

    yield make
    for camera in made:
        camera.close()


def test_wrong_credentials_are_unauthorised(camera_factory, workers):
    camera = camera_factory(401)
    asked_in: list[str] = []

    def credentials():
        asked_in.append(threading.current_thread().name)
        return "viewer", "wrong-pw"

    worker = start(workers, camera.url(), credentials=credentials)
    wait_for(lambda: worker.health().state is Health.UNAUTHORISED, 5, "unauthorised")
    assert "refused" in worker.health().detail
    # The credentials were looked up inside the worker's thread, never by the caller …
    assert asked_in and set(asked_in) == {worker.thread.name}
    # … and the probe answered the Digest challenge without sending the password.
    answers = [h["authorization"] for m, h in camera.requests if "authorization" in h]
    assert any(a.startswith("Digest ") and 'username="viewer"' in a for a in answers)
    assert not any("wrong-pw" in a for a in answers)
    assert "wrong-pw" not in repr(worker)


def test_a_wrong_path_is_a_bad_url(camera_factory, workers):
    camera = camera_factory(404)
    worker = start(workers, camera.url("/no/such/stream"))
    wait_for(lambda: worker.health().state is Health.BAD_URL, 5, "bad_url")
    assert "404" in worker.health().detail


def test_probe_tells_the_failures_apart(camera_factory):
    assert probe_rtsp(camera_factory(401).url()).verdict == "unauthorised"
    assert probe_rtsp(camera_factory(404).url()).verdict == "bad_url"
    assert probe_rtsp(camera_factory(503).url()).verdict == "offline"
    assert probe_rtsp(f"rtsp://127.0.0.1:{closed_port()}/x").verdict == "offline"
    assert probe_rtsp("rtsp://no-such-camera.invalid/x").verdict == "bad_url"


class ScriptedCapture:
    """Stands in for cv2.VideoCapture on a network stream: ``frames`` pictures, then the
    connection breaks (grab fails)."""

    def __init__(self, frames: int):
        self.left = frames

    def grab(self) -> bool:
        self.left -= 1
        return self.left >= 0

    def retrieve(self):
        return True, np.full((36, 64, 3), 128, np.uint8)

    def get(self, _prop) -> float:
        return 0.0

    def release(self) -> None:
        pass


def test_a_lost_stream_reconnects_goes_offline_and_comes_back(workers, monkeypatch):
    """The network path without a server: live, the stream breaks off (reconnecting), the
    camera does not answer (offline), then it plays again; each reopening is counted."""
    script = [ScriptedCapture(5), None, None, ScriptedCapture(10_000)]
    seen: list[Health] = []
    worker = StreamWorker("rtsp://127.0.0.1:9/live", backoff_first=0.05, backoff_max=0.1)
    monkeypatch.setattr(worker, "_open", lambda: script.pop(0) if script else None)
    monkeypatch.setattr(worker, "_diagnose", lambda: (Health.OFFLINE, "no answer"))
    original = worker._set_state

    def record(state, detail="", retry_at=None):
        seen.append(state)
        original(state, detail, retry_at)

    monkeypatch.setattr(worker, "_set_state", record)
    monkeypatch.setattr(worker, "_publish", _recording_publish(worker, seen))
    workers.append(worker.start())
    wait_for(lambda: not script and worker.health().state is Health.LIVE, 5, "playing again")
    assert _collapse(seen) == [Health.LIVE, Health.RECONNECTING, Health.OFFLINE, Health.LIVE]
    assert worker.health().reconnects == 3
    assert worker.latest().number > 5  # numbering goes on across reconnects


def _recording_publish(worker: StreamWorker, seen: list[Health]):
    publish = worker._publish

    def record(image):
        if not seen or seen[-1] is not Health.LIVE:
            seen.append(Health.LIVE)
        publish(image)

    return record


def _collapse(states: list[Health]) -> list[Health]:
    return [s for i, s in enumerate(states) if i == 0 or states[i - 1] is not s]


class FreezingCapture(ScriptedCapture):
    """``frames`` pictures, then a grab that blocks for ``block`` seconds and still succeeds
    with a dark picture: FFmpeg, when its read timeout fires, hands over the frame its parser
    held back."""

    def __init__(self, frames: int, block: float):
        super().__init__(frames)
        self.block = block

    def grab(self) -> bool:
        if self.left == 0:
            time.sleep(self.block)
            self.left = -1
            return True
        return super().grab()

    def retrieve(self):
        if self.left < 0:
            return True, np.full((36, 64, 3), 7, np.uint8)
        return super().retrieve()


def test_a_grab_that_took_the_read_timeout_is_a_lost_stream(workers, monkeypatch):
    """The frame FFmpeg returns when the read timeout fires was made before the stream froze:
    it is not shown (it would make a frozen stream live), the worker reconnects at once."""
    script = [FreezingCapture(5, block=0.25), ScriptedCapture(10_000)]
    worker = StreamWorker("rtsp://127.0.0.1:9/live", read_timeout_ms=200, backoff_first=0.05)
    monkeypatch.setattr(worker, "_open", lambda: script.pop(0) if script else None)
    shown: list[int] = []
    publish = worker._publish
    monkeypatch.setattr(
        worker, "_publish", lambda image: (shown.append(image[0, 0, 0]), publish(image))
    )
    workers.append(worker.start())
    wait_for(lambda: not script and worker.health().frames > 10, 5, "the second connection")
    assert 7 not in shown and shown[:5] == [128] * 5
    assert worker.health().reconnects == 1


def test_a_live_stream_without_new_frames_is_stalled():
    """A frozen server keeps the connection open and sends nothing: after ``stall_after``
    seconds without a frame the health says so, before the read timeout gives up."""
    worker = StreamWorker("rtsp://127.0.0.1:9/live", stall_after=0.2)
    worker._publish(np.zeros((36, 64, 3), np.uint8))
    assert worker.health().state is Health.LIVE
    time.sleep(0.3)
    health = worker.health()
    assert health.state is Health.STALLED
    assert health.fps == 0.0 and health.last_frame_age >= 0.2
    assert health.detail.startswith("no new frame for")


# --- stopping --------------------------------------------------------------------------------


def test_stop_leaves_no_thread(clip, tmp_path):
    before = set(stream_threads())
    started = [
        StreamWorker(clip).start(),
        StreamWorker(clip).start(),
        StreamWorker((tmp_path / "missing.mp4").as_uri()).start(),
        StreamWorker(f"rtsp://127.0.0.1:{closed_port()}/x").start(),
    ]
    wait_for(started[0].latest, what="a frame")
    time.sleep(0.3)
    began = time.monotonic()
    for worker in started:
        worker.request_stop()
    assert all(worker.stop(2.0) for worker in started)
    assert time.monotonic() - began < 1.5
    threads = {w.thread for w in started}
    assert not threads & set(threading.enumerate())
    assert set(stream_threads()) <= before


def test_registry_starts_reuses_and_stops_workers(clip, tmp_path):
    registry = StreamRegistry()
    try:
        first = registry.acquire(1, clip, name="one")
        assert registry.acquire(1, clip) is first  # same camera, same URL: the same worker
        second = registry.acquire(2, clip)
        moved = registry.acquire(2, (tmp_path / "other.mp4").as_uri())
        assert moved is not second and second.stopping  # a new URL restarts the stream
        registry.keep_only([2])
        assert registry.keys() == [2] and first.stopping
    finally:
        assert registry.stop_all(3.0)
    assert registry.alive_threads() == 0
    assert not {first.thread, second.thread, moved.thread} & set(threading.enumerate())


# --- small parts -----------------------------------------------------------------------------


def test_backoff_grows_with_jitter_and_a_ceiling():
    backoff = _Backoff(0.5, 5.0, random.Random(1))
    delays = [backoff.delay(attempt) for attempt in range(8)]
    for attempt, delay in enumerate(delays):
        top = min(5.0, 0.5 * 2**attempt)
        assert top / 2 <= delay <= top
    assert delays[0] < delays[3]
    assert len({round(backoff.delay(6), 6) for _ in range(10)}) > 1  # jitter
    assert backoff.delay(50, ceiling=60.0) <= 60.0


def test_fit_size_keeps_the_aspect_and_never_enlarges():
    assert fit_size((1920, 1080), (480, 480)) == (480, 270)
    assert fit_size((640, 360), (1000, 1000)) == (640, 360)
    assert fit_size((640, 360), (0, 0)) == (1, 1)


def test_credentials_never_appear_in_what_is_shown():
    worker = StreamWorker("rtsp://admin:p%40ss@10.0.0.8:554/Streaming/Channels/102")
    assert worker.url == "rtsp://10.0.0.8:554/Streaming/Channels/102"
    assert not re.search("admin|p%40ss|p@ss", repr(worker) + worker.name)


def test_camera_reachable_for_the_map_markers(camera_factory, clip, tmp_path):
    from types import SimpleNamespace

    from commandcenter.video.probe import camera_reachable, check_cameras

    answering, refusing = camera_factory(200), camera_factory(404)
    assert camera_reachable(answering.url())
    assert not camera_reachable(refusing.url())
    assert not camera_reachable(f"rtsp://127.0.0.1:{closed_port()}/x", timeout=0.5)
    assert camera_reachable(clip)
    assert not camera_reachable((tmp_path / "gone.mp4").as_uri())
    rows = [
        SimpleNamespace(id=1, main_url=answering.url(), enabled=True),
        SimpleNamespace(id=2, main_url=refusing.url(), enabled=True),
        SimpleNamespace(id=3, main_url=answering.url(), enabled=False),
    ]
    assert check_cameras(rows, timeout=1.0) == {1: True, 2: False, 3: False}
