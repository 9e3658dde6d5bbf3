"""The decoding worker on demo clips and on failing sources: frames, loops, health, stopping.

What depends on time - when a stream counts as stalled, what the frame rate reads, how long the
worker waits before the next attempt, a clip's pace, a read that took the read timeout - is
checked on a fake clock (``FakeClock``, passed as the worker's ``clock`` and ``sleep``): frames
and failures are fed in and time is moved on by hand, so these tests wait for nothing and check
the production settings (stalled after 2 s, retried at most 5 s apart) exactly. A few tests run
in real time where real time is the subject (a clip plays at its own pace, threads stop).

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
from commandcenter.video.stream import (
    BACKOFF_FIRST_S,
    BACKOFF_MAX_REFUSED_S,
    BACKOFF_MAX_S,
    FPS_WINDOW_S,
    READ_TIMEOUT_MS,
    STALL_AFTER_S,
    _Backoff,
)

CLIP_FPS = 25
CLIP_SECONDS = 1
FRAME_BYTES = 640 * 360 * 3
NETWORK_URL = "rtsp://127.0.0.1:9/live"  # never opened: the tests script what the camera does


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


class FakeClock:
    """A worker's time in a test: ``clock()`` reads it, ``advance`` and ``sleep`` move it on.
    Given as ``StreamWorker(..., clock=fake, sleep=fake.sleep)``, the backoff waits and a
    clip's pace take no real time; ``sleeps`` keeps what the worker waited for."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


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


def picture(value: int = 128, size: tuple[int, int] = (64, 36)) -> np.ndarray:
    return np.full((size[1], size[0], 3), value, np.uint8)


class ScriptedCapture:
    """Stands in for the worker's capture (FFmpeg through PyAV): ``frames`` pictures (grey 128, or ``values[k]`` for the
    k-th grab, counted from 1), then the connection breaks or the clip ends (grab fails).
    ``slow`` maps a grab to the seconds it takes on ``clock``; ``fps`` is the rate the capture
    reports (a clip's); seeking back to the start (``set``) fails."""

    def __init__(
        self,
        frames: int,
        *,
        clock: FakeClock | None = None,
        slow: dict[int, float] | None = None,
        values: dict[int, int] | None = None,
        fps: float = 0.0,
    ):
        self.frames, self.clock, self.fps = frames, clock, fps
        self.slow, self.values = slow or {}, values or {}
        self.grabs = 0

    def grab(self) -> bool:
        self.grabs += 1
        if self.grabs in self.slow:
            self.clock.advance(self.slow[self.grabs])
        return self.grabs <= self.frames

    def retrieve(self, _max_size, _pixel_format):
        image = picture(self.values.get(self.grabs, 128))
        return image, None, (image.shape[1], image.shape[0])

    def rewind(self) -> bool:
        return False

    def release(self) -> None:
        pass


def scripted(worker: StreamWorker, monkeypatch, script: list) -> dict[str, list]:
    """Let ``worker`` open the captures of ``script`` one after the other (None: the open
    fails and the camera does not answer), and record what it goes through: its states
    (``"states"``, LIVE when a frame is shown), ``(state, detail, retry_in, delay)`` at every
    wait (``"waits"``) and the first pixel of every frame shown (``"shown"``). Once the
    script is used up, the worker is asked to stop."""
    record: dict[str, list] = {"states": [], "waits": [], "shown": []}
    clock = worker._clock

    def open_next():
        if not script:
            worker.request_stop()
            return None
        return script.pop(0)

    monkeypatch.setattr(worker, "_open", open_next)
    monkeypatch.setattr(worker, "_diagnose", lambda: (Health.OFFLINE, "no answer"))
    set_state, publish = worker._set_state, worker._publish

    def on_state(state, detail="", retry_at=None):
        record["states"].append(state)
        set_state(state, detail, retry_at)

    def on_publish(image, *rest):
        if not record["states"] or record["states"][-1] is not Health.LIVE:
            record["states"].append(Health.LIVE)
        record["shown"].append(int(image[0, 0, 0]))
        publish(image, *rest)

    def on_sleep(seconds):
        health = worker.health()
        record["waits"].append((health.state, health.detail, health.retry_in, seconds))
        clock.sleep(seconds)

    monkeypatch.setattr(worker, "_set_state", on_state)
    monkeypatch.setattr(worker, "_publish", on_publish)
    monkeypatch.setattr(worker, "_sleep", on_sleep)
    return record


def collapse(states: list[Health]) -> list[Health]:
    return [s for i, s in enumerate(states) if i == 0 or states[i - 1] is not s]


def assert_backoff(delay: float, attempt: int, ceiling: float = BACKOFF_MAX_S) -> None:
    """``delay`` is the wait before try ``attempt`` + 1: the first delay doubled per failed
    try up to ``ceiling``, half of it fixed and half jitter."""
    top = min(ceiling, BACKOFF_FIRST_S * 2**attempt)
    assert top / 2 <= delay <= top, (attempt, delay, top)


# --- frames ----------------------------------------------------------------------------------


def test_frames_arrive_and_their_numbers_advance(clip, workers):
    """A clip in real time: decoded frames, numbered, at the clip's own pace."""
    worker = start(workers, clip, name="demo")
    first = wait_for(worker.latest, what="the first frame")
    assert isinstance(first, Frame)
    assert first.source_size == (640, 360) == first.size
    assert first.image.shape == (360, 640, 3) and not first.image.flags.writeable
    assert worker.health().fps is None  # too soon to give a rate
    later = wait_for(lambda: worker.latest(after=first.number + 7), what="eight more frames")
    assert later.number > first.number and later.timestamp > first.timestamp
    rate = (later.number - first.number) / (later.timestamp - first.timestamp)
    assert 15 <= rate <= 35, rate  # paced in real time to the clip's 25 fps

    health = worker.health()
    assert health.state is Health.LIVE and health.ok
    assert health.resolution == (640, 360)
    assert health.last_frame_age is not None and health.last_frame_age < 1.0
    assert health.reconnects == 0


def test_latest_scales_down_to_the_tile_only():
    worker = StreamWorker("rtsp://127.0.0.1:9/live")  # not started: the slot is filled by hand
    assert worker.latest() is None  # nothing before the first frame
    image = np.random.default_rng(1).integers(0, 256, (360, 640, 3), np.uint8)
    worker._publish(image)
    assert worker.latest((320, 320)).size == (320, 180)
    assert worker.latest((200, 50)).size == (89, 50)
    assert worker.latest((4000, 4000)).size == (640, 360)  # never enlarged
    assert worker.latest((320, 320)).source_size == (640, 360)
    assert not worker.latest((320, 320)).image.flags.writeable
    newest = worker.latest()
    assert newest.image is image and newest.number == 1
    assert worker.latest(after=newest.number) is None  # nothing newer than that


def test_a_clip_plays_at_its_own_rate_and_loops_at_its_end(clip, workers):
    """On a fake clock the real clip is decoded as fast as it goes: the worker waits one frame
    interval of the clip after each frame, the rate reads the clip's 25 fps, and at the end
    the clip starts over at its first frame (not a reconnect)."""
    clock = FakeClock()
    worker = start(workers, clip, clock=clock, sleep=clock.sleep)
    wait_for(lambda: worker.loops >= 2, 5, "two loops")
    assert worker.stop(2.0)
    health = worker.health()
    assert health.frames > 2 * CLIP_FPS * CLIP_SECONDS
    assert health.state is Health.LIVE and health.reconnects == 0  # starting over is no reconnect
    assert health.fps == pytest.approx(CLIP_FPS)
    assert len(clock.sleeps) >= health.frames - 1
    assert clock.sleeps == pytest.approx([1 / CLIP_FPS] * len(clock.sleeps))
    assert worker.latest().number == health.frames  # numbering goes on across the loops


def test_a_clip_that_fell_behind_goes_on_without_rushing(clip):
    """A grab that took half a second (a busy machine): the frame that was due goes at once,
    then the clip goes on at its pace - no burst of the twelve frames it fell behind by."""
    clock = FakeClock()
    worker = StreamWorker(clip, clock=clock, sleep=clock.sleep)
    stamps: list[float] = []
    publish = worker._publish
    worker._publish = lambda image, *rest: (stamps.append(clock()), publish(image, *rest))
    capture = ScriptedCapture(30, fps=25.0, clock=clock, slow={10: 0.5})
    assert worker._pump(capture) == "ended"  # the scripted clip cannot seek back
    gaps = np.diff(stamps)
    assert gaps[:8] == pytest.approx([0.04] * 8)
    assert gaps[8] == pytest.approx(0.04 + 0.5)  # the slow grab
    assert gaps[9] == pytest.approx(0.0)  # the frame that was due meanwhile
    assert gaps[10:] == pytest.approx([0.04] * (len(gaps) - 10))


def test_a_clip_that_cannot_seek_back_is_reopened_quietly(clip, workers, monkeypatch):
    clock = FakeClock()
    worker = StreamWorker(clip, clock=clock, sleep=clock.sleep)
    record = scripted(worker, monkeypatch, [ScriptedCapture(3, fps=25.0) for _ in range(3)])
    workers.append(worker.start())
    wait_for(lambda: not worker.is_alive(), 5, "the script to end")
    health = worker.health()
    assert health.frames == 9 and worker.latest().number == 9
    assert health.reconnects == 0 and worker.loops == 0  # a clip starting over is no reconnect
    assert health.state is Health.LIVE and record["states"] == [Health.LIVE]
    assert clock.sleeps == pytest.approx([0.04] * 9)  # its pace, and no backoff


def test_the_slot_keeps_one_frame_and_never_queues(clip, workers):
    clock = FakeClock()  # the clip decodes as fast as it can: 30 frames in a moment
    worker = start(workers, clip, clock=clock, sleep=clock.sleep)
    start_number = wait_for(worker.latest, what="the first frame").number
    tracemalloc.start()
    try:
        wait_for(lambda: worker.health().frames >= start_number + 30, 5, "30 more frames")
        current, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    newest = worker.latest()
    assert newest.number - start_number >= 30  # the worker kept decoding, nobody took them …
    assert current < 3 * FRAME_BYTES, current  # … and it kept one frame, not all of them


# --- health on a fake clock ------------------------------------------------------------------


def test_a_live_stream_without_new_frames_is_stalled_after_two_seconds():
    """A frozen server keeps the connection open and sends nothing: after ``stall_after``
    seconds without a frame the health says so, before the read timeout gives up."""
    clock = FakeClock()
    worker = StreamWorker(NETWORK_URL, clock=clock)
    assert STALL_AFTER_S == 2.0
    worker._publish(picture())
    assert worker.health().state is Health.LIVE and worker.health().last_frame_age == 0.0
    clock.advance(STALL_AFTER_S)
    health = worker.health()
    assert health.state is Health.LIVE and health.last_frame_age == pytest.approx(2.0)
    clock.advance(0.1)
    health = worker.health()
    assert health.state is Health.STALLED and not health.ok
    assert health.fps == 0.0 and health.last_frame_age == pytest.approx(2.1)
    assert health.detail == "no new frame for 2 s"
    clock.advance(3.0)
    assert worker.health().detail == "no new frame for 5 s"
    worker._publish(picture())  # the stream goes on
    health = worker.health()
    assert health.state is Health.LIVE and health.detail == "" and health.last_frame_age == 0.0

    quick = StreamWorker(NETWORK_URL, clock=clock, stall_after=0.5)
    quick._publish(picture())
    clock.advance(0.6)
    assert quick.health().state is Health.STALLED


def test_fps_is_the_rate_of_the_last_two_seconds():
    clock = FakeClock()
    worker = StreamWorker(NETWORK_URL, clock=clock)
    assert FPS_WINDOW_S == 2.0

    def play(frames: int, fps: float) -> None:
        for _ in range(frames):
            clock.advance(1 / fps)
            worker._publish(picture())

    assert worker.health().fps is None
    for _ in range(20):  # FFmpeg hands over what it read while probing the stream, at once
        worker._publish(picture())
    assert worker.health().fps is None  # a burst is no rate
    play(19, 25)
    assert worker.health().fps is None  # frames over less than 0.8 s: too soon to say
    play(6, 25)
    assert worker.health().fps == pytest.approx(44 / 1.0)  # the burst is in the window …
    play(28, 25)
    assert worker.health().fps == pytest.approx(25, rel=1e-3)  # … until it has left it
    play(20, 10)
    assert worker.health().fps == pytest.approx(10, rel=1e-3)  # the last two seconds only
    clock.advance(0.95)
    assert worker.health().fps == pytest.approx(10, rel=1e-3)
    clock.advance(0.1)  # no frame for over a second: the rate of frames that stopped coming
    health = worker.health()
    assert health.state is Health.LIVE and health.fps == 0.0

    short = StreamWorker(NETWORK_URL, clock=clock, fps_window=1.0)
    for _ in range(20):
        short._publish(picture())
    for _ in range(28):
        clock.advance(0.04)
        short._publish(picture())
    assert short.health().fps == pytest.approx(25, rel=1e-3)  # the burst left a 1 s window


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


def test_an_unreachable_camera_is_offline_and_retried_at_most_5_s_apart(workers, caplog):
    """Real opens and probes of a closed port; the waits between them on a fake clock: the
    camera is offline, and it is tried again after a delay that doubles from 0.5 s up to
    5 s (so a camera that comes back plays within 5 s), said as "retry in" while waiting."""
    caplog.set_level(logging.INFO, logger="commandcenter.video")
    url = f"rtsp://viewer:s3cret-pw@127.0.0.1:{closed_port()}/h264/ch1/sub"
    clock = FakeClock()
    waits: list[tuple] = []

    def sleep(seconds: float) -> None:
        health = worker.health()
        waits.append((health.state, health.detail, health.retry_in, seconds))
        clock.sleep(seconds)

    worker = StreamWorker(url, clock=clock, sleep=sleep)
    workers.append(worker.start())
    wait_for(lambda: len(waits) >= 8, 10, "eight retries")
    assert worker.stop(2.0)
    assert {state for state, *_ in waits} == {Health.OFFLINE}
    assert all("refuses" in detail for _, detail, *_ in waits)
    for attempt, (*_, retry_in, delay) in enumerate(waits):
        assert_backoff(delay, attempt)
        assert retry_in == pytest.approx(delay)  # the tile counts down to the next try
    assert max(delay for *_, delay in waits) <= BACKOFF_MAX_S
    assert worker.health().reconnects >= len(waits) - 1
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


def test_wrong_credentials_are_unauthorised_and_retried_ever_more_slowly(camera_factory, workers):
    """A refused log-in is tried again with the same doubling delay, but up to a minute
    apart (retrying fast would not help, and cameras lock accounts): on a fake clock."""
    camera = camera_factory(401)
    asked_in: list[str] = []

    def credentials():
        asked_in.append(threading.current_thread().name)
        return "viewer", "wrong-pw"

    clock = FakeClock()
    worker = start(workers, camera.url(), credentials=credentials, clock=clock, sleep=clock.sleep)
    wait_for(lambda: len(clock.sleeps) >= 8, 10, "eight retries")
    assert worker.stop(2.0)
    health = worker.health()
    assert health.state is Health.UNAUTHORISED
    assert "refused" in health.detail
    for attempt, delay in enumerate(clock.sleeps):
        assert_backoff(delay, attempt, BACKOFF_MAX_REFUSED_S)
    assert max(clock.sleeps) > BACKOFF_MAX_S
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


# --- a network stream, scripted, on a fake clock ----------------------------------------------


def test_a_lost_stream_reconnects_goes_offline_and_comes_back(workers, monkeypatch):
    """The network path without a server: live, the stream breaks off (reconnecting, tried
    again after the first, shortest delay), the camera does not answer (offline, the delay
    doubles), it opens but sends no picture (offline, doubled again), then it plays again -
    which starts the delays over; each reopening is counted."""
    clock = FakeClock()
    worker = StreamWorker(NETWORK_URL, clock=clock, sleep=clock.sleep)
    script = [ScriptedCapture(5), None, ScriptedCapture(0), ScriptedCapture(5)]
    script.append(ScriptedCapture(10**9))
    record = scripted(worker, monkeypatch, script)
    workers.append(worker.start())
    wait_for(lambda: not script and worker.health().frames > 20, 5, "playing again")
    assert worker.stop(2.0)
    assert collapse(record["states"]) == [
        Health.LIVE,
        Health.RECONNECTING,
        Health.OFFLINE,
        Health.LIVE,
        Health.RECONNECTING,
        Health.LIVE,
    ]
    details = [detail for _, detail, *_ in record["waits"]]
    assert details == [
        "the stream was interrupted",
        "no answer",
        "the stream opened but sent no picture",
        "the stream was interrupted",
    ]
    for (_, _, retry_in, delay), attempt in zip(record["waits"], [0, 1, 2, 0], strict=True):
        assert_backoff(delay, attempt)
        assert retry_in == pytest.approx(delay)
    health = worker.health()
    assert health.reconnects == 4 and health.state is Health.LIVE and health.retry_in is None
    assert worker.latest().number == health.frames > 10  # numbering goes on across reconnects


def test_a_grab_that_took_the_read_timeout_is_a_lost_stream(workers, monkeypatch):
    """When the read timeout fires, FFmpeg hands over the frame its parser held back, made
    before the stream froze: it is not shown (it would make a frozen stream live), and the
    worker reconnects at once. A grab that was slow but under the timeout is a frame."""
    clock = FakeClock()
    worker = StreamWorker(NETWORK_URL, clock=clock, sleep=clock.sleep)
    assert worker.read_timeout_ms == READ_TIMEOUT_MS
    timeout = READ_TIMEOUT_MS / 1000
    freezing = ScriptedCapture(
        7, clock=clock, slow={6: timeout - 0.1, 7: timeout}, values={6: 64, 7: 7}
    )
    script = [freezing, ScriptedCapture(10**9)]
    record = scripted(worker, monkeypatch, script)
    workers.append(worker.start())
    wait_for(lambda: not script and worker.health().frames > 10, 5, "the second connection")
    assert worker.stop(2.0)
    assert record["shown"][:6] == [128] * 5 + [64] and 7 not in record["shown"]
    assert [state for state, *_ in record["waits"]] == [Health.RECONNECTING]
    assert worker.health().reconnects == 1


# --- stopping --------------------------------------------------------------------------------


def test_stop_leaves_no_thread(clip, tmp_path):
    before = set(stream_threads())
    started = [
        StreamWorker(clip).start(),
        StreamWorker(clip).start(),
        StreamWorker((tmp_path / "missing.mp4").as_uri()).start(),
        StreamWorker(f"rtsp://127.0.0.1:{closed_port()}/x").start(),
    ]
    # Each in its own wait: between two frames, in a backoff after a bad URL, after a refusal.
    wait_for(lambda: started[0].latest() and started[1].latest(), what="frames")
    wait_for(lambda: started[2].health().state is Health.BAD_URL, what="bad_url")
    wait_for(lambda: started[3].health().state is Health.OFFLINE, what="offline")
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


def test_the_registry_gives_its_options_to_every_worker(clip):
    clock = FakeClock()
    registry = StreamRegistry(stall_after=0.5, backoff_max=1.0, clock=clock, sleep=clock.sleep)
    try:
        worker = registry.acquire(1, clip)
        assert worker.stall_after == 0.5 and worker._backoff.ceiling == 1.0
        assert worker._clock is clock and worker._sleep == clock.sleep
    finally:
        assert registry.stop_all(3.0)


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
