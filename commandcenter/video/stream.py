"""One camera stream decoded in its own thread, handed over through a latest-frame slot.

Contract
--------
- ``StreamWorker(url, username, password).start()`` opens the stream with FFmpeg (through PyAV)
  in a daemon thread and keeps grabbing every frame, so a network stream never falls behind.
- The newest decoded frame sits in a slot (a lock, the frame, its number and time): no queue,
  so memory stays at one frame per stream and latency cannot build up. A display takes a frame
  when it wants one, ``latest(max_size)``; a display that said what it wants
  (``set_output``) gets the frame already scaled and converted in the worker's thread.
- ``health()`` says what the stream is doing: connecting, live, stalled, reconnecting, offline,
  unauthorised or bad_url, with frames per second, resolution, age of the last frame and the
  number of reconnects.
- Lost streams are reopened with exponential backoff and jitter; ``stop()`` ends the thread.
- Time: every decision that depends on time (stalled, frames per second, the age of a frame,
  when to retry, the read-timeout watchdog, a clip's pace) reads the worker's ``clock``
  (``time.monotonic`` unless given), and every wait (backoff, pace) goes through ``sleep``
  (by default a wait on the stop event, which ``stop()`` cuts short). A test passes a fake
  clock and its ``sleep`` (which moves the fake time on) to check that logic without waiting.
- Credentials are put into the URL only inside the worker thread (``stream_source``); ``repr``,
  logs and ``health().detail`` show the URL without them, and with any secret of its query
  string masked (``url``; the full one is kept private for opening).

Demo clips (``file:`` URLs) play at the clip's own frame rate and loop: at the end the worker
seeks back to the first frame, or reopens the file if the seek fails.

Decoding, and the pictures a display asks for
---------------------------------------------
The worker decodes with FFmpeg's libraries through PyAV, in its own thread (PyAV lets go of
Python's lock while FFmpeg reads, decodes and converts). Every frame is converted once, in the
worker's thread, to what its display asked for with ``set_output(size, pixel_format)``: by
default BGR at the stream's own size (``bgr24``); a wall tile asks for its own size in device
pixels and the pixel format Qt paints without converting (``bgra``, which is QImage's
Format_RGB32 in memory), so painting is a straight copy. Scaling is done on the YUV planes by
area averaging (FFmpeg's swscale), then the small picture is converted to RGB: both steps on
FFmpeg's fast paths, and the GUI thread neither scales nor converts. The decoded YUV frame is
kept beside the converted picture, so a snapshot (``latest()`` without a size) still gets the
full resolution, converted only when it is asked for.

``set_listener(callback)`` has the worker call ``callback()`` (in its thread, after the frame is
in the slot) for every new frame, so a display wakes when there is something to show instead
of polling; the callback must be quick and must not block (the wall coalesces: one pending
wake-up for all its tiles).

FFmpeg options and why they are set where they are
--------------------------------------------------
Each stream is opened with its own options: ``rtsp_flags=prefer_tcp`` (RTP interleaved over the
RTSP TCP connection, falling back to UDP only if a camera refuses TCP - no losses through NAT
and firewalls, no UDP ports to open), the socket timeout (``timeout`` for RTSP, ``rw_timeout``
for other network protocols; FFmpeg's own, so no Python runs inside FFmpeg's reads) and one
decoder thread (the wall gets its parallelism from one thread per stream, not from threads
inside each decoder). The open itself is bounded by ``open_timeout_ms`` through PyAV's
interrupt callback, which is switched off once the stream is open. An operator may add or
override options for the whole console with ``OPENCV_FFMPEG_CAPTURE_OPTIONS`` (the variable
of the OpenCV decoder this worker used before, same syntax: ``key;value|key;value``, e.g.
``rtsp_transport;udp``); the worker logs once that it is in force. A per-camera transport is a
matter of passing other options to this worker (issue 5).

The read timeout is also the watchdog of a frozen server (one that keeps the socket open but
sends nothing): ``health()`` reports ``stalled`` as soon as no frame came for ``stall_after``
seconds, and the blocked read gives up after the read timeout, after which the worker
reconnects. When it gives up, FFmpeg hands over the last frame its H.264 parser was holding
back (it waits for the next frame's start to know a frame is complete): a grab that took the
whole read timeout is therefore a lost stream, and its frame - made before the freeze - is not
shown (it would flip a frozen stream to live and cost a second read timeout).

OpenCV is still used by the rest of ``commandcenter.video`` (snapshots, clips) and here for
``scale_down`` of pictures that did not come from a decoder.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import enum
import itertools
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Streams are decoded through PyAV; OpenCV is left for clip playback (``playback.py``), PNG
# snapshots and test frames, and every module imports it on first use. Its FFmpeg backend holds
# one process-wide lock through every open unless told that FFmpeg is thread-safe (it is, since
# 4.0): with OpenCV decoding the wall, 16 cameras opened one after another (first pictures at
# 2, 4, … 32 s). Set here, when the video package is imported in the main thread and before
# anything imports cv2, so no worker races the change; an operator's own value wins.
os.environ.setdefault("OPENCV_FFMPEG_IS_THREAD_SAFE", "1")
# OpenCV then warns at every open that its locks are off; the players report what matters.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import numpy as np  # noqa: E402

from commandcenter.cameras.urls import mask_query, split_credentials, stream_source, url_problems
from commandcenter.errors import CommandCenterError
from commandcenter.video.probe import probe_rtsp

log = logging.getLogger(__name__)


def _keep_frame_buffers_in_the_heap() -> None:
    """Have glibc serve picture-sized blocks (a converted frame: 0.25 MB for a wall tile, 2.8
    MB for 720p BGR) from its heap instead of a fresh ``mmap`` each. By default every block over
    128 kB may be mapped anew, and the kernel then faults in and zeroes every page at the first
    write: measured 300-400 us more per 640x360 frame converted to BGRA (0.1 ms without), more
    than converting it. A fixed threshold of 32 MB (glibc's largest) also turns off glibc's
    sliding threshold, which made the cost come and go from one run to the next; the trim
    threshold keeps freed frames for the next ones instead of returning them to the kernel.
    An operator's ``MALLOC_*_`` environment settings win. glibc on Linux only."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # another C library
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        mallopt(m_mmap_threshold, 32 << 20)
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        mallopt(m_trim_threshold, 64 << 20)


_keep_frame_buffers_in_the_heap()

OPEN_TIMEOUT_MS = 5_000
READ_TIMEOUT_MS = 4_000
STALL_AFTER_S = 2.0
FPS_WINDOW_S = 2.0
FPS_MIN_SPAN_S = 0.8  # a rate is given once frames span this long (a start-up burst is no rate)
DECODER_THREADS = 1
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 5.0  # offline cameras are retried at least this often: they come back quickly
BACKOFF_MAX_REFUSED_S = 60.0  # wrong credentials or path: retrying fast would not help (and
# cameras lock accounts after repeated failed log-ins)
FILE_FPS_DEFAULT = 25.0
CAPTURE_OPTIONS_ENV = "OPENCV_FFMPEG_CAPTURE_OPTIONS"

CredentialSource = Callable[[], tuple[str | None, str | None]]

_worker_numbers = itertools.count(1)
_env_logged = threading.Event()


class Health(enum.StrEnum):
    CONNECTING = "connecting"  # first open in progress, no frame yet
    LIVE = "live"  # frames arriving
    STALLED = "stalled"  # open, but no new frame for a few seconds
    RECONNECTING = "reconnecting"  # the stream was lost; opening it again
    OFFLINE = "offline"  # cannot be reached; retried with backoff
    UNAUTHORISED = "unauthorised"  # the camera refuses the credentials
    BAD_URL = "bad_url"  # no such file, host or path; the URL needs fixing


@dataclass(frozen=True)
class StreamHealth:
    state: Health
    fps: float | None  # frames per second over the last fps_window (2 s); None until measured
    resolution: tuple[int, int] | None  # width, height of the decoded frames
    last_frame_age: float | None  # seconds since the newest frame, None before the first
    reconnects: int  # opens after the first one
    frames: int  # frames decoded since start
    detail: str = ""  # why, in English, for logs and tooltips; never with credentials
    retry_in: float | None = None  # seconds until the next attempt, while waiting to retry

    @property
    def ok(self) -> bool:
        return self.state is Health.LIVE


PIXEL_FORMATS = ("bgr24", "bgra")  # what a display may ask for: BGR, or B, G, R, 255 per pixel
CHANNELS = {"bgr24": 3, "bgra": 4}


@dataclass(frozen=True)
class Frame:
    """A decoded frame as handed to a display. ``image`` is uint8, read-only: H×W×3 BGR
    (``pixel_format`` "bgr24", the default) or H×W×4 B, G, R, 255 ("bgra": QImage's
    Format_RGB32 in memory)."""

    image: np.ndarray
    number: int  # 1, 2, 3 … over the worker's life, across loops and reconnects
    timestamp: float  # the worker's clock (time.monotonic()) when it was decoded
    source_size: tuple[int, int]  # width, height before any scaling
    pixel_format: str = "bgr24"

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


def fit_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit in ``box``, keeping the aspect ratio."""
    width, height = size
    box_w, box_h = max(1, int(box[0])), max(1, int(box[1]))
    scale = min(box_w / width, box_h / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def picture_size(source: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The size the worker makes a decoded frame for a display ``box``: ``fit_size``, then
    the width down to a multiple of 16 and the height even, the aspect kept. swscale's fast
    YUV 4:2:0 to RGB path needs both: at other widths it leaves the last pixels of each row
    wrong (FFmpeg 8: the last width % 16 columns, colour and alpha), at odd heights it takes a
    path five times slower. At the stream's own size (16 x 2 multiples for every common
    camera resolution) nothing changes."""
    width, height = fit_size(source, box)
    if (width, height) == tuple(source):
        return width, height
    width = max(16, width - width % 16)
    even = max(2, int(width * source[1] / source[0] / 2 + 0.5) * 2)
    if even > max(2, int(box[1])):
        even -= 2
    return width, max(2, even)


def scale_down(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` reduced to ``size`` (width, height), fast and without aliasing.

    Area averaging is what a strong reduction needs, but OpenCV's INTER_AREA is ten times
    slower at a fractional ratio than at a whole one. So: average by the whole factor first
    (2×, 3×, … on its fast path), then finish the last, less-than-2× step bilinearly."""
    import cv2  # here: the decoder is PyAV, and cv2's import cost every console start 0.05 s

    width, height = image.shape[1], image.shape[0]
    factor = int(min(width / size[0], height / size[1]))
    if factor >= 2:
        image = cv2.resize(image, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
    if (image.shape[1], image.shape[0]) == tuple(size):
        return image
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)


def _env_options() -> dict[str, str]:
    """The operator's FFmpeg options for every stream, ``key;value|key;value``."""
    options = {}
    for item in os.environ.get(CAPTURE_OPTIONS_ENV, "").split("|"):
        key, _, value = item.partition(";")
        if key.strip():
            options[key.strip()] = value.strip()
    return options


_av_module = None


def _av():
    """PyAV, imported on first use (in a worker thread: the console starts without it)."""
    global _av_module
    if _av_module is None:
        import av
        import av.video.reformatter

        av.logging.set_level(av.logging.PANIC)  # the worker reports what matters in its health
        _av_module = av
    return _av_module


class _Capture:
    """One open stream: FFmpeg demuxes and decodes it, one frame at a time (``grab``), and
    converts the frame to what the display asked for (``retrieve``). The decoded frame
    (``source``) stays valid after the next grab: FFmpeg gives each frame a buffer of its
    own, counted by reference."""

    MAX_BAD_PACKETS = 100  # packets in a row the decoder refuses: not a stream we can show

    def __init__(self, av, container):
        self._av = av
        self.container = container
        # PyAV asks FFmpeg to generate missing timestamps by reading ahead (GENPTS); FFmpeg's
        # own tools do not, and the worker needs none (it numbers and times frames itself).
        container.flags &= ~av.container.Flags.gen_pts.value
        self.stream = container.streams.video[0]
        self.codec = self.stream.codec_context
        rate = self.stream.average_rate or self.stream.guessed_rate
        self.fps = float(rate) if rate else 0.0
        self._packets = container.demux(self.stream)
        self._pending: collections.deque = collections.deque()
        self.source = None  # the decoded frame of the last grab
        self._scale = av.video.reformatter.VideoReformatter()
        self._convert = av.video.reformatter.VideoReformatter()
        self._area = av.video.reformatter.Interpolation.AREA

    def grab(self) -> bool:
        """Read and decode until the next frame; False at the end or when the stream broke."""
        bad = 0
        while not self._pending:
            try:
                packet = next(self._packets)
            except (StopIteration, self._av.FFmpegError, OSError):
                return False
            try:
                self._pending.extend(self.codec.decode(packet))
                bad = 0
            except self._av.FFmpegError:  # a damaged packet (loss): the next keyframe heals it
                bad += 1
                if bad >= self.MAX_BAD_PACKETS:
                    return False
        self.source = self._pending.popleft()
        return True

    def retrieve(self, max_size: tuple[int, int] | None, pixel_format: str):
        """(picture, decoded frame, the stream's size): the last grabbed frame scaled down to
        fit ``max_size`` (None: its own size) in ``pixel_format``."""
        source = self.source
        full = (source.width, source.height)
        size = picture_size(full, max_size) if max_size is not None else None
        image = convert(source, size, pixel_format, self._scale, self._convert, self._area)
        return image, source, full

    def rewind(self) -> bool:
        """Back to the first frame of a clip; False when it cannot seek."""
        try:
            self.container.seek(0, stream=self.stream)
        except (self._av.FFmpegError, OSError):
            return False
        self.codec.flush_buffers()
        self._pending.clear()
        self._packets = self.container.demux(self.stream)
        return True

    def release(self) -> None:
        self._pending.clear()
        self.source = None
        with contextlib.suppress(Exception):
            self.container.close()


def convert(frame, size, pixel_format: str, scaler=None, converter=None, area=None) -> np.ndarray:
    """A decoded (PyAV) frame as a read-only numpy picture at ``size`` (None: its own) in
    ``pixel_format``: scaled on its YUV planes by area averaging first, then converted (both
    on swscale's fast paths; scaling and converting in one step takes swscale's slow one,
    4-8 times longer). One thread: all of it counts in the calling thread."""
    av = _av()
    scaler = scaler or av.video.reformatter.VideoReformatter()
    converter = converter or av.video.reformatter.VideoReformatter()
    area = area or av.video.reformatter.Interpolation.AREA
    if size is not None and (frame.width, frame.height) != tuple(size):
        frame = scaler.reformat(frame, width=size[0], height=size[1], interpolation=area, threads=1)
    # A view of FFmpeg's buffer, no copy; its rows may be padded (strides[0] says by how much).
    image = converter.reformat(frame, format=pixel_format, threads=1).to_ndarray()
    image.flags.writeable = False
    return image


class _Backoff:
    """Exponential delays with equal jitter: half fixed, half random, so many cameras that
    went down together do not all knock at the same moment when they come back."""

    def __init__(self, first: float, ceiling: float, rng: random.Random):
        self.first, self.ceiling, self.rng = first, ceiling, rng

    def delay(self, attempt: int, ceiling: float | None = None) -> float:
        top = min(ceiling or self.ceiling, self.first * 2 ** min(attempt, 16))
        return top / 2 + self.rng.uniform(0, top / 2)


class StreamWorker:
    """Decodes one stream in a thread; see the module docstring for the contract."""

    def __init__(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        credentials: CredentialSource | None = None,
        name: str = "",
        open_timeout_ms: int = OPEN_TIMEOUT_MS,
        read_timeout_ms: int = READ_TIMEOUT_MS,
        stall_after: float = STALL_AFTER_S,
        backoff_first: float = BACKOFF_FIRST_S,
        backoff_max: float = BACKOFF_MAX_S,
        decoder_threads: int = DECODER_THREADS,
        fps_window: float = FPS_WINDOW_S,
        seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ):
        """``clock`` returns seconds on a monotonic scale (``time.monotonic`` by default);
        ``sleep(seconds)``, when given, replaces the real waits between attempts and between
        a clip's frames (the worker checks for a stop after it returns): with a fake clock
        whose ``sleep`` advances the fake time, back-off and pacing cost no real time."""
        clean, typed_user, typed_password = split_credentials(url)
        if username is None and typed_user is not None:  # credentials typed into the URL
            username, password = typed_user, typed_password
        self._source_url = clean  # what is opened: a query-string secret stays in it
        self.url = mask_query(clean)  # the only form shown: no credentials, no query secret
        self.name = name or self.url
        self._label = f"{name} ({self.url})" if name else self.url  # for logs
        self._username, self._password, self._credentials = username, password, credentials
        self._credentials_problem = ""  # why the last look-up of the credentials failed
        self.open_timeout_ms, self.read_timeout_ms = open_timeout_ms, read_timeout_ms
        self.stall_after = stall_after
        self.fps_window = fps_window
        self.decoder_threads = decoder_threads
        self._clock = clock
        self._sleep = sleep
        self._backoff = _Backoff(backoff_first, backoff_max, random.Random(seed))
        scheme = urlsplit(clean).scheme.lower()
        self.is_file = scheme == "file"
        self.is_rtsp = scheme in ("rtsp", "rtsps")

        self._lock = threading.Lock()
        self._stop = threading.Event()
        # The latest-frame slot and the health figures, all guarded by _lock.
        self._image: np.ndarray | None = None
        self._number = 0
        self._frame_time = 0.0
        self._frame_size: tuple[int, int] | None = None
        self._times: collections.deque[float] = collections.deque(maxlen=256)
        self._state = Health.CONNECTING
        self._detail = ""
        self._reconnects = 0
        self._loops = 0
        self._retry_at: float | None = None
        self._source = None  # the decoded (YUV) frame behind _image, for other sizes
        self._pixel_format = "bgr24"  # of _image
        # What the display wants (set_output), read by the thread at every frame.
        self._output: tuple[tuple[int, int] | None, str] = (None, "bgr24")
        self._listener: Callable[[], object] | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"stream-{next(_worker_numbers)}", daemon=True
        )

    def __repr__(self) -> str:
        return f"<StreamWorker {self.name!r} {self.url} {self._state.value}>"

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> StreamWorker:
        self._thread.start()
        return self

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def request_stop(self) -> None:
        """Ask the thread to end, without waiting (it finishes the open or read in progress)."""
        self._stop.set()

    def stop(self, timeout: float | None = None) -> bool:
        """End the thread and wait for it: at most ``timeout`` seconds (by default the longest
        blocking call, an open). True when the thread has ended."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            limit = timeout if timeout is not None else self.open_timeout_ms / 1000 + 1.0
            try:
                self._thread.join(limit)
            except RuntimeError:  # never started
                return True
        return not self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # --- what a display asks -------------------------------------------------------------------

    def set_output(self, max_size: tuple[int, int] | None = None, pixel_format: str = "bgr24"):
        """Have every frame converted in the worker's thread to fit ``max_size`` (width,
        height; None: the stream's own size) in ``pixel_format`` ("bgr24" or "bgra"), so that
        ``latest`` with the same size and format hands it over as it is. From the next frame."""
        if pixel_format not in PIXEL_FORMATS:
            raise ValueError(f"unknown pixel format {pixel_format!r}")
        size = (max(1, int(max_size[0])), max(1, int(max_size[1]))) if max_size else None
        self._output = (size, pixel_format)

    @property
    def output(self) -> tuple[tuple[int, int] | None, str]:
        return self._output

    def set_listener(self, callback: Callable[[], object] | None) -> None:
        """Call ``callback()`` from the worker's thread after every new frame (None: stop).
        It must return at once: the next frame waits for it."""
        self._listener = callback

    def latest(
        self,
        max_size: tuple[int, int] | None = None,
        *,
        after: int = 0,
        pixel_format: str = "bgr24",
    ) -> Frame | None:
        """The newest frame, scaled down to fit ``max_size`` (width, height) if given, in
        ``pixel_format``; None before the first frame or when no frame newer than number
        ``after`` has arrived. Handed over as it is when the worker made it so (``set_output``);
        otherwise scaled or converted here, in the caller's thread."""
        with self._lock:
            image, number, stamp = self._image, self._number, self._frame_time
            source, source_size, made_as = self._source, self._frame_size, self._pixel_format
        if image is None or number <= after:
            return None
        if max_size is None:
            target = source_size
        elif source is not None:  # made by swscale: see picture_size
            target = picture_size(source_size, max_size)
        else:
            target = fit_size(source_size, max_size)
        if (image.shape[1], image.shape[0]) != target or made_as != pixel_format:
            if source is not None:
                image = convert(source, target, pixel_format)
            else:  # a picture not from the decoder (a test fills the slot by hand)
                if (image.shape[1], image.shape[0]) != target:
                    image = scale_down(image, target)
                if made_as != pixel_format:
                    import cv2

                    code = cv2.COLOR_BGR2BGRA if pixel_format == "bgra" else cv2.COLOR_BGRA2BGR
                    image = cv2.cvtColor(image, code)
                image.flags.writeable = False
        return Frame(image, number, stamp, source_size, pixel_format)

    def health(self) -> StreamHealth:
        now = self._clock()
        with self._lock:
            state, detail = self._state, self._detail
            age = now - self._frame_time if self._number else None
            recent = [t for t in self._times if now - t <= self.fps_window]
            retry_in = max(0.0, self._retry_at - now) if self._retry_at is not None else None
            figures = (self._frame_size, self._reconnects, self._number)
        if state is Health.LIVE and age is not None and age > self.stall_after:
            state = Health.STALLED
            detail = f"no new frame for {age:.0f} s"
        fps: float | None = None  # not measured yet: too few frames to say
        if age is not None and (age > 1.0 or state is Health.STALLED):
            fps = 0.0  # the rate of frames that stopped coming
        elif len(recent) >= 2 and recent[-1] - recent[0] >= FPS_MIN_SPAN_S:
            fps = (len(recent) - 1) / (recent[-1] - recent[0])
        return StreamHealth(
            state=state,
            fps=fps,
            resolution=figures[0],
            last_frame_age=age,
            reconnects=figures[1],
            frames=figures[2],
            detail=detail,
            retry_in=retry_in,
        )

    @property
    def loops(self) -> int:
        """How often a file clip has started over."""
        return self._loops

    # --- the thread ----------------------------------------------------------------------------

    def _set_state(self, state: Health, detail: str = "", retry_at: float | None = None) -> None:
        with self._lock:
            changed = state is not self._state
            self._state, self._detail, self._retry_at = state, detail, retry_at
        if changed:
            log.info("%s: %s %s", self._label, state.value, detail)

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds`` unless stopped first; True when the worker is to stop."""
        if self._sleep is None:
            return self._stop.wait(seconds)
        if seconds > 0 and not self._stop.is_set():
            self._sleep(seconds)
        return self._stop.is_set()

    def _run(self) -> None:
        try:
            self._serve()
        except Exception as exc:  # a bug must not kill the wall silently
            log.exception("%s: stream worker failed", self._label)
            self._set_state(Health.OFFLINE, f"internal error: {type(exc).__name__}")

    def _serve(self) -> None:
        problems = url_problems(self._source_url)
        if problems:
            self._set_state(Health.BAD_URL, problems[0])
            return  # nothing to retry: the URL itself has to change
        if CAPTURE_OPTIONS_ENV in os.environ and not _env_logged.is_set():
            _env_logged.set()
            log.info("%s is set: FFmpeg uses it for every stream", CAPTURE_OPTIONS_ENV)
        failures = 0  # failed attempts since the stream last played
        reopen_quietly = False  # a clip starting over is not a reconnect
        first = True
        while not self._stop.is_set():
            if not first and not reopen_quietly:
                with self._lock:
                    self._reconnects += 1
            first = reopen_quietly = False
            capture = self._open()
            if capture is None:
                if self._stop.is_set():
                    break
                state, detail = self._diagnose()
                ceiling = BACKOFF_MAX_REFUSED_S if state is not Health.OFFLINE else None
                delay = self._backoff.delay(failures, ceiling)
                failures += 1
                self._set_state(state, detail, self._clock() + delay)
                if self._wait(delay):
                    break
                continue
            try:
                outcome = self._pump(capture)
            finally:
                capture.release()
            if outcome == "stopped":
                break
            if outcome == "ended":
                reopen_quietly = True
                continue
            if outcome == "frames":  # it played, then broke off: try again at once
                failures = 0
                state, detail = Health.RECONNECTING, "the stream was interrupted"
            elif self.is_file:
                state, detail = Health.BAD_URL, "the clip has no frames that can be decoded"
            else:
                state, detail = Health.OFFLINE, "the stream opened but sent no picture"
            delay = self._backoff.delay(failures)
            failures += 1
            self._set_state(state, detail, self._clock() + delay)
            if self._wait(delay):
                break

    def _open(self) -> _Capture | None:
        """Open the stream; the credentials exist only in this call."""
        av = _av()
        options: dict[str, str] = {}
        if self.is_file:
            path = Path(stream_source(self._source_url))
            if not path.is_file():
                return None
            source = str(path)
        else:
            source = stream_source(self._source_url, *self._login())
            read_timeout_us = str(self.read_timeout_ms * 1000)
            if self.is_rtsp:
                options = {"rtsp_flags": "prefer_tcp", "timeout": read_timeout_us}
            else:
                options = {"rw_timeout": read_timeout_us}
        options |= _env_options()
        try:
            # The open is bounded by PyAV's interrupt callback; reads by FFmpeg's socket
            # timeout alone (the callback would take Python's lock in every read).
            container = av.open(
                source, options=options, timeout=(self.open_timeout_ms / 1000, None)
            )
        except (av.FFmpegError, OSError, ValueError):
            return None
        finally:
            del source
        try:
            if not container.streams.video:
                container.close()
                return None
            capture = _Capture(av, container)
            capture.codec.thread_count = self.decoder_threads
        except Exception:
            container.close()
            raise
        return capture

    def _login(self) -> tuple[str | None, str | None]:
        """User name and password for the stream: given, typed into the URL, or looked up
        now (the camera registry may have changed since the worker started)."""
        if self._username or self._credentials is None:
            return self._username, self._password
        try:
            found = self._credentials()
        except CommandCenterError as exc:  # the stream may still play without them
            log.warning("%s: cannot read the camera's credentials (%s)", self._label, exc)
            self._credentials_problem = str(exc)
            return None, None
        except Exception as exc:  # the stream may still play without them
            log.warning("%s: cannot read the camera's credentials (%s)", self._label, exc)
            self._credentials_problem = f"the camera's credentials cannot be read ({exc})"
            return None, None
        self._credentials_problem = ""
        return found

    def _diagnose(self) -> tuple[Health, str]:
        """Why the last open failed."""
        if self._credentials_problem:  # e.g. a password that the key file does not open
            return Health.UNAUTHORISED, self._credentials_problem
        if self.is_file:
            path = Path(stream_source(self._source_url))
            if not path.exists():
                return Health.BAD_URL, f"the clip {path.name} is missing"
            return Health.BAD_URL, f"the clip {path.name} cannot be decoded"
        if self.is_rtsp and urlsplit(self._source_url).scheme.lower() == "rtsp":
            result = probe_rtsp(
                self._source_url, *self._login(), timeout=min(3.0, self.open_timeout_ms / 1000)
            )
            return Health(result.verdict), result.detail
        return Health.OFFLINE, "the stream cannot be opened"

    def _pump(self, capture: _Capture) -> str:
        """Grab frames until the stream ends or ``stop``. Returns "stopped", "frames" (it
        played, then was lost), "no-frames" (opened, nothing decodable) or "ended" (a clip that
        could not start over by seeking: reopen it)."""
        interval = 0.0
        if self.is_file:
            fps = capture.fps
            fps = fps if 1.0 <= fps <= 240.0 else FILE_FPS_DEFAULT
            interval = 1.0 / fps
        frames = 0
        clock = self._clock
        due = clock()
        timed_out_after = self.read_timeout_ms / 1000
        while not self._stop.is_set():
            began = clock()
            ok = capture.grab()
            if ok and not self.is_file and clock() - began >= timed_out_after:
                return "frames" if frames else "no-frames"  # see "watchdog" above
            if not ok and self.is_file and frames:
                # End of the clip: start over at the first frame.
                ok = capture.rewind() and capture.grab()
                if not ok:
                    return "ended"
                self._loops += 1
            if not ok:
                return "frames" if frames else "no-frames"
            size, pixel_format = self._output
            try:
                image, source, full_size = capture.retrieve(size, pixel_format)
            except Exception as exc:  # FFmpeg cannot convert this frame
                log.debug("%s: frame not converted (%s)", self._label, exc)
                return "frames" if frames else "no-frames"
            frames += 1
            self._publish(image, source, pixel_format, full_size)
            if interval:
                due += interval
                wait = due - clock()
                if wait > 0:
                    if self._wait(wait):
                        return "stopped"
                elif wait < -interval:  # fell behind (a busy machine): go on, do not rush
                    due = clock()
        return "stopped"

    def _publish(
        self,
        image: np.ndarray,
        source=None,
        pixel_format: str = "bgr24",
        size: tuple[int, int] | None = None,
    ) -> None:
        """Put a frame in the slot: ``image`` as converted, ``source`` the decoded frame it
        came from (None: ``image`` is the full picture, BGR), ``size`` the stream's."""
        image.flags.writeable = False  # displays share it; nobody may draw into it
        now = self._clock()
        size = size or (image.shape[1], image.shape[0])
        with self._lock:
            self._image = image  # the previous frame is dropped here: one frame per stream
            self._source = source
            self._pixel_format = pixel_format
            self._number += 1
            self._frame_time = now
            self._frame_size = size
            self._times.append(now)
            became_live = self._state is not Health.LIVE
            if became_live:
                self._state, self._detail, self._retry_at = Health.LIVE, "", None
        if became_live:
            log.info("%s: live %d×%d", self._label, *size)
        listener = self._listener
        if listener is not None:
            listener()
