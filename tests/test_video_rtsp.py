"""The decoding engine against a real RTSP server (tests/rtsp_server.py: GStreamer fed by ffmpeg).

What a camera on the wall goes through, for real: it plays (at the server's rate, at its size,
the frame counter drawn into the picture advancing), the server dies and comes back on the same
port, the server freezes with its sockets open, the path is wrong, the credentials are wrong.
Each test prints what it measured (``pytest -s``).

The deadlines the wall promises with the production settings (stalled after 2 s without
frames, an offline camera retried at most 5 s apart, so back within ~5 s of its return plus
the open) are logic, checked exactly on a fake clock in test_video_stream.py. Here the workers
run with short settings (``QUICK``: stalled after 0.5 s, a 2 s read timeout, retries 0.1-0.4 s
apart) so that a real freeze or outage is seen in a second rather than in five or ten.

The servers need Debian's python3 with GStreamer's RTSP server and ffmpeg; when they are
missing the tests fail (never skip) with the packages to install.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from commandcenter.video import Health, StreamHealth, StreamRegistry, StreamWorker
from commandcenter.video.probe import camera_reachable, probe_rtsp

try:  # tests/ as a package or as a plain folder on sys.path
    from . import rtsp_server
except ImportError:
    import rtsp_server

FPS = 25
SIZE = (640, 360)
SUB = (320, 180)
USER, PASSWORD = "viewer", "s3cret-pw"
OPEN_S = 3.0  # OpenCV's open of a live RTSP stream: DESCRIBE … PLAY, then FFmpeg's probing (1-2 s)
# Short settings for the tests of a real freeze and outage (the defaults: 2 s, 4 s, 0.5-5 s).
STALL_S = 0.5
READ_TIMEOUT_S = 2.0  # a short freeze (stalled, then resumed) must stay well under it
BACKOFF_S = (0.1, 0.4)
QUICK = {
    "stall_after": STALL_S,
    "read_timeout_ms": int(READ_TIMEOUT_S * 1000),
    "backoff_first": BACKOFF_S[0],
    "backoff_max": BACKOFF_S[1],
}
FPS_WINDOW = 1.0  # the rate over the last second (2 s by default): read a second sooner


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("stream-")]


def start_server(**options) -> rtsp_server.RtspServer:
    """A started server; a clear failure (not a skip) when it cannot run here."""
    server = rtsp_server.RtspServer(**options)
    try:
        return server.start()
    except rtsp_server.RtspServerUnavailable as exc:
        pytest.fail(f"RTSP test server unavailable: {exc}", pytrace=False)


@pytest.fixture(scope="module")
def server() -> Iterator[rtsp_server.RtspServer]:
    """Two cameras, 640×360 main and 320×180 sub streams, 25 fps; nobody stops or freezes it."""
    running = start_server(streams=2, width=SIZE[0], height=SIZE[1], fps=FPS, sub=SUB)
    yield running
    running.stop()


@pytest.fixture
def own_server() -> Iterator[Callable[..., rtsp_server.RtspServer]]:
    """Servers a test may kill or freeze: one camera, 640×360."""
    made: list[rtsp_server.RtspServer] = []

    def make(**options) -> rtsp_server.RtspServer:
        options = {"streams": 1, "width": SIZE[0], "height": SIZE[1], "fps": FPS, **options}
        made.append(start_server(**options))
        return made[-1]

    yield make
    for running in made:
        running.kill()


@pytest.fixture
def workers() -> Iterator[list[StreamWorker]]:
    """Workers a test starts; all stopped afterwards, and none may be left running."""
    started: list[StreamWorker] = []
    yield started
    for worker in started:
        worker.request_stop()
    for worker in started:
        worker.stop(6.0)
    assert not [w for w in started if w.is_alive()]


def start(workers: list[StreamWorker], url: str, *credentials, **options) -> StreamWorker:
    worker = StreamWorker(url, *credentials, **options).start()
    workers.append(worker)
    return worker


class Watch:
    """Polls a worker's health every 20 ms and keeps the states it went through, for the
    failure message and for the timings a test prints."""

    def __init__(self, worker: StreamWorker):
        self.worker = worker
        self.states: list[tuple[float, Health]] = []
        self.t0 = time.monotonic()

    def until(
        self, predicate: Callable[[StreamHealth], object], timeout: float, what: str
    ) -> float:
        """Seconds until ``predicate(health)`` holds; fails after ``timeout``."""
        began = time.monotonic()
        while True:
            health = self.worker.health()
            if not self.states or self.states[-1][1] is not health.state:
                self.states.append((time.monotonic() - self.t0, health.state))
            if predicate(health):
                return time.monotonic() - began
            if time.monotonic() - began > timeout:
                pytest.fail(f"not {what} after {timeout} s; went through {self.path()}; {health}")
            time.sleep(0.02)

    def path(self) -> str:
        return " → ".join(f"{state.value}@{at:.1f}s" for at, state in self.states)


def live(health: StreamHealth) -> bool:
    return health.state is Health.LIVE


def counters(worker: StreamWorker, frames: int, *, size=None, timeout: float = 10.0) -> list:
    """The frame counters read from the next ``frames`` new frames (None where unreadable)."""
    seen: list[int | None] = []
    last = 0
    deadline = time.monotonic() + timeout
    while len(seen) < frames:
        assert time.monotonic() < deadline, f"only {len(seen)} new frames in {timeout} s"
        frame = worker.latest(size, after=last)
        if frame is None:
            time.sleep(0.005)
            continue
        last = frame.number
        seen.append(rtsp_server.read_counter(frame.image))
    return seen


def assert_counting(values: list[int | None]) -> list[int]:
    readable = [v for v in values if v is not None]
    assert len(readable) >= 0.8 * len(values), values  # a join mid-GOP may spoil the first few
    assert readable == sorted(set(readable)), values  # strictly increasing: no old frame again
    return readable


# --- playing ---------------------------------------------------------------------------------


def test_frames_arrive_live_at_the_servers_rate_and_size_and_stop(server):
    """All four streams at once (/cam1, /cam2 and their sub streams), through a registry as the
    wall runs them: each plays at its size with the server's counter advancing, the main stream
    at the server's rate, tile-sized frames still carry the counter; stopping them all, each
    thread in a blocking read, leaves no thread."""
    before = set(stream_threads())
    registry = StreamRegistry(fps_window=FPS_WINDOW)
    try:
        for key, url in enumerate(server.urls()):  # /cam1, /cam2, /cam1/sub, /cam2/sub
            registry.acquire(key, url, name=f"tile {key}")
        main, main2, _, sub = workers = [registry.get(key) for key in range(4)]
        watch = Watch(main)
        first_live = watch.until(live, OPEN_S + 5, "live")
        live_at = time.monotonic()
        for worker in workers:
            Watch(worker).until(live, OPEN_S + 8, f"{worker.name} live")
        assert sorted(w.health().resolution for w in workers) == [SUB, SUB, SIZE, SIZE]
        assert registry.alive_threads() == 4

        values = assert_counting(counters(main, 25))
        assert values[-1] - values[0] >= 15  # about one frame after the other
        frame = main.latest()
        stamp = rtsp_server.read_stamp(frame.image)
        latency = rtsp_server.frame_latency(frame.image, frame.timestamp)
        assert stamp is not None and abs(stamp - time.time()) < 60  # the clock code reads back
        # The frames FFmpeg read while probing the stream come in a burst at the start: the
        # rate is the server's once the window holds live frames only.
        time.sleep(max(0.0, live_at + FPS_WINDOW + 0.3 - time.monotonic()))
        health = main.health()
        assert health.state is Health.LIVE and health.resolution == SIZE
        assert 0.7 * FPS <= health.fps <= 1.3 * FPS, health
        assert health.reconnects == 0

        assert sub.health().resolution == SUB
        assert_counting(counters(sub, 10))
        tile = main2.latest((160, 160))
        assert tile.size == (160, 90) and tile.source_size == SIZE
        assert_counting(counters(main2, 10, size=(160, 160)))  # 4-pixel cells after scaling
    finally:
        began = time.monotonic()
        assert registry.stop_all(5.0)
        took = time.monotonic() - began
    assert registry.alive_threads() == 0
    assert not {w.thread for w in workers} & set(threading.enumerate())
    assert set(stream_threads()) <= before
    print(
        f"\nlive after {first_live:.2f} s, {health.fps:.1f} fps, counter {values[0]}…"
        f"{values[-1]}, latency of one frame {latency * 1000:.0f} ms; "
        f"four live streams stopped in {took:.2f} s"
    )


def test_a_wrong_path_is_a_bad_url(server, workers):
    worker = start(workers, server.url("/no/such/camera"))
    waited = Watch(worker).until(lambda h: h.state is Health.BAD_URL, 5, "bad_url")
    assert "404" in worker.health().detail
    assert worker.latest() is None
    print(f"\nbad_url after {waited:.2f} s: {worker.health().detail}")


# --- the server goes away --------------------------------------------------------------------


def test_a_killed_server_is_offline_and_the_stream_comes_back_on_the_same_port(own_server, workers):
    camera = own_server()
    port = camera.port
    worker = start(workers, camera.url(1), **QUICK)
    watch = Watch(worker)
    watch.until(live, OPEN_S + 5, "live")
    assert_counting(counters(worker, 10))
    first_run = rtsp_server.schedule_origin(worker.latest().image, FPS)

    camera.kill()
    offline = watch.until(lambda h: h.state is Health.OFFLINE, 5, "offline")
    assert "refuses" in worker.health().detail
    tries = worker.health().reconnects  # down for a moment: the worker keeps retrying
    watch.until(lambda h: h.reconnects >= tries + 2, 5, "retrying")

    restart_began = time.monotonic()
    camera.start()
    assert camera.port == port
    restart = time.monotonic() - restart_began
    frames = worker.health().frames
    back = watch.until(
        lambda h: live(h) and h.frames > frames, BACKOFF_S[1] + OPEN_S + 2, "playing again"
    )
    assert_counting(counters(worker, 10))
    second_run = rtsp_server.schedule_origin(worker.latest().image, FPS)
    assert second_run - first_run > 1.0  # frames of the new ffmpeg, started after the outage
    assert worker.health().reconnects >= 1
    print(
        f"\nkilled: offline after {offline:.2f} s; server back in {restart:.2f} s, "
        f"stream live {back:.2f} s later; {watch.path()}"
    )


def test_a_frozen_server_is_stalled_then_recovers(own_server, workers):
    camera = own_server()
    worker = start(workers, camera.url(1), **QUICK)
    watch = Watch(worker)
    watch.until(live, OPEN_S + 5, "live")
    counters(worker, 5)

    # A short freeze: stalled, and the same connection carries on after SIGCONT.
    camera.pause()
    stalled = watch.until(lambda h: h.state is Health.STALLED, STALL_S + 2, "stalled")
    health = worker.health()
    assert health.fps == 0.0 and health.detail.startswith("no new frame")
    camera.resume()
    frames = worker.health().frames
    thawed = watch.until(lambda h: live(h) and h.frames > frames, 5, "playing after SIGCONT")
    assert_counting(counters(worker, 10))
    assert worker.health().reconnects == 0

    # A long freeze: the read times out and the worker reconnects; the server answers the
    # new connection once it runs again.
    camera.pause()
    lost = watch.until(
        lambda h: h.state in (Health.RECONNECTING, Health.OFFLINE),
        READ_TIMEOUT_S + 4,
        "reconnecting",
    )
    camera.resume()
    frames = worker.health().frames
    back = watch.until(lambda h: live(h) and h.frames > frames, OPEN_S + 8, "playing again")
    assert_counting(counters(worker, 10))
    assert worker.health().reconnects >= 1
    print(
        f"\nfrozen: stalled after {stalled:.2f} s, live {thawed:.2f} s after SIGCONT; "
        f"long freeze: reconnecting after {lost:.2f} s, live {back:.2f} s after SIGCONT; "
        f"{watch.path()}"
    )


# --- credentials -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["digest", "basic"])
def guarded(request) -> Iterator[rtsp_server.RtspServer]:
    running = start_server(
        streams=1, width=320, height=180, fps=FPS, auth=(USER, PASSWORD), auth_method=request.param
    )
    yield running
    running.stop()


def test_the_right_credentials_play(guarded, workers):
    worker = start(workers, guarded.url(1), USER, PASSWORD)
    Watch(worker).until(live, OPEN_S + 5, "live")
    assert_counting(counters(worker, 5))
    assert camera_reachable(guarded.url(1), USER, PASSWORD)
    assert probe_rtsp(guarded.url(1)).verdict == "unauthorised"  # no credentials: 401


def test_wrong_credentials_are_unauthorised_and_the_password_is_never_shown(
    guarded, workers, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-pw-7781"
    typed = guarded.url(1).replace("rtsp://", f"rtsp://{USER}:{wrong}@")
    worker = start(workers, typed, name="gate")
    waited = Watch(worker).until(lambda h: h.state is Health.UNAUTHORISED, 5, "unauthorised")
    health = worker.health()
    assert "401" in health.detail and worker.latest() is None
    assert not camera_reachable(guarded.url(1), USER, wrong)
    native = capfd.readouterr()  # what FFmpeg and OpenCV printed themselves
    shown = repr(worker) + worker.url + worker.name + repr(health) + caplog.text
    shown += native.out + native.err
    assert wrong not in shown and PASSWORD not in shown
    print(f"\nunauthorised ({guarded.auth_method}) after {waited:.2f} s: {health.detail}")


# --- the test server itself ------------------------------------------------------------------


def test_a_python_without_gstreamer_fails_with_the_packages_to_install(tmp_path):
    python = tmp_path / "python3"  # any python, without its site-packages: no gi
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    python.chmod(0o755)
    server = rtsp_server.RtspServer(python=str(python))
    with pytest.raises(rtsp_server.RtspServerUnavailable, match="gir1.2-gst-rtsp-server-1.0"):
        server.start()
    assert not server.running


def test_pictures_without_the_code_read_as_none():
    rng = np.random.default_rng(5)
    assert rtsp_server.read_counter(np.zeros((360, 640, 3), np.uint8)) is None
    assert rtsp_server.read_counter(rng.integers(0, 256, (360, 640, 3), np.uint8)) is None
    assert rtsp_server.read_counter(np.zeros((40, 60, 3), np.uint8)) is None  # too small
    assert rtsp_server.read_stamp(np.zeros((360, 640), np.uint8)) is None


# --- what a display asks for (issue 16) ------------------------------------------------------


def test_the_worker_makes_frames_at_the_tiles_size_and_pixel_format(server, workers):
    """A tile asks for its size in device pixels and RGB32 (``set_output``): every frame comes
    so from the worker's thread - an odd-sized tile too - still carrying the server's counter,
    and the tile's ``latest`` hands over the worker's own picture, converted nowhere else. A
    snapshot (``latest()`` without a size) still gets the full picture, in BGR."""
    worker = start(workers, server.url(2))
    tile = (339, 191)  # the 16-tile wall's tile at 1600x900: odd width and height
    made = (336, 190)  # width a multiple of 16, height even: see picture_size
    worker.set_output(tile, "bgra")
    Watch(worker).until(live, OPEN_S + 5, "live")
    first = worker.latest(tile, pixel_format="bgra")
    numbers = []
    last = first.number
    while len(numbers) < 10:
        frame = worker.latest(tile, after=last, pixel_format="bgra")
        if frame is None:
            time.sleep(0.005)
            continue
        last = frame.number
        assert frame.pixel_format == "bgra" and frame.size == made and frame.source_size == SIZE
        assert frame.image.shape == (190, 336, 4) and not frame.image.flags.writeable
        assert (frame.image[:, :, 3] == 255).all()  # opaque: Format_RGB32 as Qt wants it
        with worker._lock:
            made_by_worker = worker._image
        if made_by_worker is not None and frame.number == worker.health().frames:
            assert frame.image is made_by_worker or frame.image.base is not None
        numbers.append(rtsp_server.read_counter(frame.image[:, :, :3]))
    assert_counting(numbers)
    # The same frame twice: the worker's picture, not a conversion per call.
    newest = worker.latest(tile, pixel_format="bgra")
    again = worker.latest(tile, pixel_format="bgra")
    if newest.number == again.number:
        assert again.image is newest.image
    snapshot = worker.latest()
    assert snapshot.image.shape == (SIZE[1], SIZE[0], 3) and snapshot.pixel_format == "bgr24"
    assert rtsp_server.read_counter(snapshot.image) is not None


def test_a_full_hd_stream_decodes_at_its_size(own_server, workers):
    """1920x1080 (a camera's main stream): frames at the stream's size, counting, and scaled
    down to a 4-tile wall's tile in the worker."""
    hd = own_server(width=1920, height=1080)
    worker = start(workers, hd.url(1))
    Watch(worker).until(live, OPEN_S + 8, "live")
    assert worker.health().resolution == (1920, 1080)
    assert_counting(counters(worker, 10))
    worker.set_output((800, 450), "bgra")
    frame = None
    deadline = time.monotonic() + 10
    while frame is None or frame.image.shape[1] != 800:
        assert time.monotonic() < deadline, "no frame at the tile's size"
        frame = worker.latest((800, 450), after=frame.number if frame else 0, pixel_format="bgra")
        time.sleep(0.01)
    assert frame.image.shape == (450, 800, 4) and frame.source_size == (1920, 1080)
    assert rtsp_server.read_counter(frame.image[:, :, :3]) is not None
