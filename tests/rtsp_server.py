"""A real RTSP server for tests and benchmarks: GStreamer's RTSP server fed by ffmpeg.

Two processes in one process group, started by `RtspServer` from the test's (venv) Python:

- **ffmpeg** makes a live test picture in real time (``-re -f lavfi -i testsrc2``), draws a
  machine-readable frame counter and clock into its top-left corner, encodes it with libx264
  (``-preset ultrafast -tune zerolatency``, no B-frames, a keyframe every second, one slice
  per frame as cameras send - GStreamer's re-payloading of multi-slice frames reached FFmpeg
  broken) and sends it as RTP to a loopback UDP port, one port per variant (main, and
  optionally sub, scaled from main).
- **the RTSP server** is this file run by Debian's ``/usr/bin/python3`` (which has ``gi``; the
  venv does not) with ``--serve``: GstRtspServer with one *shared* media factory per variant
  (``udpsrc ! rtph264depay ! h264parse ! rtph264pay``), mounted at ``/cam1`` … ``/camN``
  (main) and ``/cam1/sub`` … ``/camN/sub`` (sub). All cameras of a variant share one pipeline
  - the same picture - so N cameras cost one encoder, while the client decodes N streams.
  A viewer inside the server keeps each pipeline playing, as a camera streams whether anyone
  watches or not: DESCRIBE is answered at once, and a new viewer joins a running stream (no
  stale start, no 503 while a pipeline is torn down). Optional Digest or Basic
  authentication (GstRTSPAuth): no or wrong credentials get 401, an unknown path 404.

`RtspServer` gives the server a free loopback port and keeps it across `restart` / `start`
after `stop` or `kill`; `pause` / `resume` freeze and thaw the whole group with SIGSTOP /
SIGCONT (a hung camera: sockets stay open, nothing is sent). Everything is killed at exit;
if the controlling process dies, the server kills its group within half a second (a paused
group gets SIGHUP from the kernel).

The picture code (`read_counter`, `read_stamp`)
-----------------------------------------------
A grid of 32 × 4 square cells at the top-left, each cell ``width / 40`` pixels (16 px at
640 wide, 32 px at 1280), so the grid is 80 % of the width and scales with the picture:

- row 0: the frame number N (ffmpeg's frame count from 0), 32 bits, most significant first,
  white = 1; row 1: the same bits inverted;
- row 2: the wall clock (CLOCK_REALTIME) in milliseconds, modulo 2**32, when ffmpeg made the
  frame (``setpts=RTCTIME`` before the grid is drawn); row 3: inverted.

Each bit is read as "upper cell brighter than the lower one", from the mean of the middle half
of both cells: no global threshold, immune to the picture's brightness and to blurred cell
edges (H.264 artefacts, the wall's area-averaged scaling down to a tile). If any pair differs
by less than `MIN_CONTRAST` the picture has no readable code (None). Needs cells of at least
two pixels: a picture at least 80 pixels wide.

Latency
-------
``frame_latency(image, decoded_at)`` = the wall clock at decode minus `read_stamp(image)`:
the time from ffmpeg making the frame to the client having it decoded, i.e. encoding (a camera
encodes too), RTP over loopback UDP, the RTSP server's re-payloading, RTP over the RTSP
connection, the client's demuxing and decoding. (About 45 ms for 640×360 at 25 fps through
`StreamWorker`, most of it one frame interval: FFmpeg's H.264 parser holds each frame until
the next one starts.) Its error: the stamp is truncated to whole milliseconds (latency reads up
to 1 ms high); both ends read the same host's clock (no sync error; a clock step during a run
would show, NTP slewing does not matter); a monotonic decode time (``Frame.timestamp``) is
converted with the current offset between the two clocks (µs). A 32-bit millisecond clock
wraps every 49.7 days; `read_stamp` takes the value nearest now.

The frame number gives the schedule too: with ``-re`` ffmpeg makes frame N at
``t0 + N / fps``, so ``read_stamp - N / fps`` (`schedule_origin`) is the same for every frame
of one ffmpeg run while it keeps up (within ~10 ms), and differences of N between two decoded
frames say how many frames the client skipped. t0 is when ffmpeg started reading its input,
some 150-200 ms after `start` spawned it (``started_at``): that is the error of computing
send times as ``started_at + N / fps``, so use the stamp. After `pause` / `resume` ffmpeg's
``-re`` catches up in a burst, whose frames carry their real stamps.

Run ``python tests/rtsp_server.py`` (the venv's) for a server to work with; it prints the URLs,
Ctrl-C stops it; ``--help`` for the options.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SERVER_PYTHON = "/usr/bin/python3"  # Debian's, with python3-gi; override: $RTSP_SERVER_PYTHON
APT_PACKAGES = (
    "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base "
    "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad ffmpeg"
)
INSTALL_HINT = (
    f"Install the Debian packages {APT_PACKAGES} (`make test` does it through "
    "scripts/install-system-deps.sh test)."
)
GST_ELEMENTS = ("udpsrc", "rtph264depay", "h264parse", "rtph264pay", "rtspsrc", "fakesink")

CELLS_PER_WIDTH = 40  # a cell is width / 40 pixels
GRID_COLUMNS = 32  # bits per value
GRID_ROWS = 4  # counter, inverted counter, clock, inverted clock
MIN_CONTRAST = 48  # of 255: a weaker difference between a bit's two cells is no code
CLOCK_PERIOD_MS = 1 << 32

EXIT_NO_GSTREAMER = 3  # the server process cannot import gi/GstRtspServer or lacks elements
EXIT_NO_PORT = 4  # the server process cannot listen on its port
READY_LINE = "rtsp-server ready"
LOG_DIR_PREFIX = "commandcenter-rtsp-"


# --- reading the code back (any Python with numpy) ---------------------------------------------


def _read_values(image) -> tuple[int, int] | None:
    """(frame number, clock in ms modulo 2**32) from a BGR or grey picture, or None."""
    import numpy as np

    if image is None or image.ndim not in (2, 3) or image.size == 0:
        return None
    height, width = image.shape[:2]
    cell = width / CELLS_PER_WIDTH
    if cell < 2.0 or GRID_ROWS * cell > height:
        return None
    side = max(1, round(cell / 2))  # sample the middle half of each cell
    starts_x = np.round((np.arange(GRID_COLUMNS) + 0.5) * cell - side / 2).astype(int)
    starts_y = np.round((np.arange(GRID_ROWS) + 0.5) * cell - side / 2).astype(int)
    offsets = np.arange(side)
    xs = np.clip((starts_x[:, None] + offsets).ravel(), 0, width - 1)
    ys = np.clip((starts_y[:, None] + offsets).ravel(), 0, height - 1)
    patch = image[np.ix_(ys, xs)].astype(np.float32)
    if patch.ndim == 3:
        patch = patch.mean(axis=2)
    cells = patch.reshape(GRID_ROWS, side, GRID_COLUMNS, side).mean(axis=(1, 3))
    difference = cells[0::2] - cells[1::2]  # value rows minus their inverted rows
    if float(np.abs(difference).min()) < MIN_CONTRAST:
        return None
    weights = 1 << np.arange(GRID_COLUMNS - 1, -1, -1, dtype=np.uint64)
    values = ((difference > 0).astype(np.uint64) * weights).sum(axis=1)
    return int(values[0]), int(values[1])


def read_counter(image) -> int | None:
    """The frame number ffmpeg drew into ``image`` (BGR or grey, any size down to 80 px wide
    with the aspect kept), counted from 0 since the server (re)started; None without a code."""
    values = _read_values(image)
    return None if values is None else values[0]


def read_stamp(image, now: float | None = None) -> float | None:
    """When ffmpeg made the frame in ``image``: wall-clock seconds (``time.time()``), the
    value of the 32-bit millisecond code nearest to ``now``; None without a code."""

    values = _read_values(image)
    if values is None:
        return None
    now_ms = int((time.time() if now is None else now) * 1000)
    behind = (now_ms - values[1]) % CLOCK_PERIOD_MS
    if behind > CLOCK_PERIOD_MS // 2:
        behind -= CLOCK_PERIOD_MS
    return (now_ms - behind) / 1000


def schedule_origin(image, fps: float, now: float | None = None) -> float | None:
    """When ffmpeg's frame 0 was due (wall clock): ``read_stamp - N / fps``. The same for
    every frame of one ffmpeg run while it keeps up (a frame can be late, never early), so it
    tells the runs of a restarted server apart; None without a code."""
    values = _read_values(image)
    stamp = read_stamp(image, now)
    return None if values is None or stamp is None else stamp - values[0] / fps


def frame_latency(image, decoded_at: float) -> float | None:
    """Seconds from ffmpeg making the frame to ``decoded_at``, a ``time.monotonic()`` reading
    (``Frame.timestamp`` of the stream worker); None when ``image`` carries no code."""

    wall = decoded_at + (time.time() - time.monotonic())
    stamp = read_stamp(image, now=wall)
    return None if stamp is None else wall - stamp


# --- the ffmpeg feed -------------------------------------------------------------------------


def code_filter(width: int, fps: int) -> str:
    """The filter graph: testsrc2 in, picture with the code grid out (label ``[coded]``).

    The grid is made as a 32×4-pixel picture by geq (one pixel per cell, so the per-pixel
    expression costs nothing) and enlarged without smoothing onto the frame. The frames carry
    wall-clock timestamps (µs) until the grid is drawn, then regular ones (N / fps)."""
    cell = width // CELLS_PER_WIDTH
    bit = "mod(floor(if(lt(Y,2),N,floor(T*1000))/pow(2,31-X)),2)"
    grid = f"geq=lum='16+219*abs({bit}-mod(Y,2))':cb=128:cr=128"
    return (
        "[0:v]format=yuv420p,settb=1/1000000,setpts=RTCTIME,split=2[bg][raw];"
        f"[raw]crop={GRID_COLUMNS}:{GRID_ROWS}:0:0,{grid},"
        f"scale={GRID_COLUMNS * cell}:{GRID_ROWS * cell}:flags=neighbor[grid];"
        f"[bg][grid]overlay=0:0:format=yuv420,setpts=N/({fps}*TB)[coded]"
    )


def ffmpeg_command(
    ffmpeg: str,
    size: tuple[int, int],
    fps: int,
    ports: dict[str, int],
    sub: tuple[int, int] | None,
) -> list[str]:
    """ffmpeg sending ``main`` (and ``sub``, scaled from it) as RTP to loopback ports."""
    width, height = size
    graph = code_filter(width, fps)
    if sub is not None:
        graph += f";[coded]split=2[main][big];[big]scale={sub[0]}:{sub[1]}[sub]"
    else:
        graph = graph.replace("[coded]", "[main]")
    command = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"]
    command += ["-re", "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}"]
    command += ["-filter_complex", graph]
    for name in ("main", "sub") if sub is not None else ("main",):
        command += ["-map", f"[{name}]", "-c:v", "libx264", "-preset", "ultrafast"]
        command += ["-tune", "zerolatency", "-g", str(fps), "-bf", "0", "-pix_fmt", "yuv420p"]
        command += ["-threads", "1"]  # one slice per frame, as cameras send (see above)
        command += ["-f", "rtp", "-rtpflags", "skip_rtcp"]
        command.append(f"rtp://127.0.0.1:{ports[name]}?pkt_size=1200")
    return command


# --- the controller (the venv's Python) ------------------------------------------------------


class RtspServerUnavailable(RuntimeError):
    """The server cannot run here: no Debian python3 with GStreamer's RTSP server, no ffmpeg,
    or it did not start."""


def free_port(kind: int = 0) -> int:
    """A port nobody listens on at 127.0.0.1 now (TCP, or ``socket.SOCK_DGRAM``)."""
    with socket.socket(socket.AF_INET, kind or socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RtspServer:
    """One RTSP server with ``streams`` cameras; see the module docstring.

    ``auth`` is ``(user, password)``; ``auth_method`` "digest" (as IP cameras do) or "basic".
    ``sub`` adds a second, smaller variant per camera at ``/camK/sub``. ``width`` must be a
    multiple of 40 (the code grid's cells are width / 40 pixels)."""

    def __init__(
        self,
        streams: int = 1,
        width: int = 1280,
        height: int = 720,
        fps: int = 25,
        *,
        sub: tuple[int, int] | None = None,
        auth: tuple[str, str] | None = None,
        auth_method: str = "digest",
        port: int = 0,
        python: str | None = None,
        ffmpeg: str | None = None,
    ):
        if streams < 1 or fps < 1:
            raise ValueError("streams and fps must be at least 1")
        for w, h in [(width, height), *([sub] if sub else [])]:
            if w % CELLS_PER_WIDTH or w < 80 or h < w * GRID_ROWS // CELLS_PER_WIDTH or h % 2:
                raise ValueError(f"{w}×{h}: the width must be a multiple of 40, at least 80")
        if auth_method not in ("digest", "basic"):
            raise ValueError("auth_method is 'digest' or 'basic'")
        self.streams, self.width, self.height, self.fps = streams, width, height, fps
        self.sub = tuple(sub) if sub else None
        self.auth, self.auth_method = auth, auth_method
        self.host = "127.0.0.1"
        self.port = port
        self.python = python or os.environ.get("RTSP_SERVER_PYTHON", SERVER_PYTHON)
        self._ffmpeg = ffmpeg
        self.started_at: float | None = None  # time.time() just before ffmpeg was spawned
        self._server = None  # subprocess.Popen of the RTSP server (the group leader)
        self._feed = None  # subprocess.Popen of ffmpeg
        self._log_dir: str | None = None
        self.paused = False

    # -- addresses -----------------------------------------------------------------------------

    @property
    def paths(self) -> list[str]:
        """Every mount path: /cam1 … /camN, then /cam1/sub … when there is a sub variant."""
        main = [f"/cam{i}" for i in range(1, self.streams + 1)]
        return main + ([f"{p}/sub" for p in main] if self.sub else [])

    def url(self, path: str | int = 1, *, sub: bool = False) -> str:
        """``rtsp://127.0.0.1:PORT/camK`` for camera K (or any path, to ask for a wrong one),
        without credentials."""
        if isinstance(path, int):
            path = f"/cam{path}" + ("/sub" if sub else "")
        return f"rtsp://{self.host}:{self.port}/{path.lstrip('/')}"

    def urls(self) -> list[str]:
        return [self.url(p) for p in self.paths]

    def __repr__(self) -> str:
        state = "paused" if self.paused else "running" if self.running else "stopped"
        return f"<RtspServer {self.host}:{self.port} {self.streams}×{self.width}×{self.height} {state}>"

    @property
    def running(self) -> bool:
        return all(p is not None and p.poll() is None for p in (self._server, self._feed))

    @property
    def pid(self) -> int | None:
        """The RTSP server's pid, which is also the process group of both processes."""
        return self._server.pid if self._server is not None else None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> RtspServer:
        """Start ffmpeg and the server (on the same port as before, if there was one) and wait
        until every variant answers DESCRIBE with 200 (which needs the first keyframe)."""
        if self.running:
            return self
        self.kill()
        port_given = bool(self.port)
        for attempt in range(5):
            if not port_given:
                self.port = free_port()
            try:
                self._spawn()
                self._wait_ready(timeout)
                return self
            except _PortTaken:
                self.kill()
                if port_given or attempt == 4:
                    raise RtspServerUnavailable(f"port {self.port} is taken") from None
            except BaseException:
                self.kill()
                raise
        raise AssertionError("unreachable")

    def stop(self, timeout: float = 3.0) -> None:
        """End both processes: SIGTERM, then SIGKILL after ``timeout``. Safe to call twice."""
        if self._server is not None and self._server.poll() is None:
            self._signal(signal.SIGTERM)
            self._signal(signal.SIGCONT)  # a paused server must run to see the SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._server.wait(timeout)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group (server and ffmpeg) and reap both. Safe to call
        twice; the port is kept for the next `start`."""
        self._signal(signal.SIGKILL)
        for proc in (self._server, self._feed):
            if proc is None:
                continue
            if proc.poll() is None:
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)
            if proc.stdout is not None:
                proc.stdout.close()
        self._server = self._feed = None
        self.paused = False
        atexit.unregister(self.kill)
        if self._log_dir is not None:
            shutil.rmtree(self._log_dir, ignore_errors=True)
            self._log_dir = None

    def restart(self, timeout: float = 30.0) -> RtspServer:
        """Stop and start again on the same port (ffmpeg's frame count starts over)."""
        self.stop()
        return self.start(timeout)

    def pause(self) -> None:
        """Freeze server and ffmpeg (SIGSTOP): connections stay open, nothing is sent."""
        self._signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self._signal(signal.SIGCONT)
        self.paused = False

    def __enter__(self) -> RtspServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the two processes wrote to stderr."""
        if self._log_dir is None:
            return ""
        text = []
        for name in ("server.log", "ffmpeg.log"):
            try:
                with open(os.path.join(self._log_dir, name), errors="replace") as file:
                    tail = file.read().splitlines()[-lines:]
            except OSError:
                continue
            if tail:
                text.append(f"{name}:\n" + "\n".join(tail))
        return "\n".join(text)

    # -- inside --------------------------------------------------------------------------------

    def _signal(self, signum: int) -> None:
        if self._server is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._server.pid, signum)

    def _spawn(self) -> None:
        if not os.path.isfile(self.python) or not os.access(self.python, os.X_OK):
            raise RtspServerUnavailable(f"{self.python} not found. {INSTALL_HINT}")
        ffmpeg = self._ffmpeg or shutil.which("ffmpeg")
        if not ffmpeg:
            raise RtspServerUnavailable(f"ffmpeg not found. {INSTALL_HINT}")
        ports = {"main": free_port(socket.SOCK_DGRAM)}
        if self.sub:
            ports["sub"] = free_port(socket.SOCK_DGRAM)
        config = {
            "port": self.port,
            "parent": os.getpid(),
            "streams": self.streams,
            "ports": ports,
            "auth": (
                {"user": self.auth[0], "password": self.auth[1], "method": self.auth_method}
                if self.auth
                else None
            ),
        }
        self._log_dir = tempfile.mkdtemp(prefix=LOG_DIR_PREFIX)
        config["log_dir"] = self._log_dir
        atexit.register(self.kill)
        with open(os.path.join(self._log_dir, "server.log"), "wb") as log:
            self._server = subprocess.Popen(
                [self.python, "-u", os.path.abspath(__file__), "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                process_group=0,  # the group that pause/resume/kill signal
                cwd=self._log_dir,
                env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
            )
        # The password goes through a pipe, not the command line (visible in ps).
        self._server.stdin.write(json.dumps(config).encode() + b"\n")
        self._server.stdin.close()
        self.started_at = time.time()
        with open(os.path.join(self._log_dir, "ffmpeg.log"), "wb") as log:
            try:
                self._feed = subprocess.Popen(
                    ffmpeg_command(ffmpeg, (self.width, self.height), self.fps, ports, self.sub),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    process_group=self._server.pid,  # joins the server's group
                )
            except OSError:  # the server is gone already (no gi?): say why
                self._server.wait(5)
                self._failed()
                raise

    def _wait_ready(self, timeout: float) -> None:
        from commandcenter.video.probe import camera_reachable

        deadline = time.monotonic() + timeout
        said = b""
        while READY_LINE.encode() not in said:  # the server listens
            if self._server.poll() is not None:
                self._failed()
            if time.monotonic() > deadline:
                raise RtspServerUnavailable(f"the RTSP server did not start\n{self.log_tail()}")
            readable, _, _ = select.select([self._server.stdout], [], [], 0.2)
            if readable:
                said += os.read(self._server.stdout.fileno(), 4096)
        user, password = self.auth or (None, None)
        waiting = [self.url(1)] + ([self.url(1, sub=True)] if self.sub else [])
        while waiting:  # every variant has its first keyframe
            if not self.running:
                self._failed()
            if time.monotonic() > deadline:
                raise RtspServerUnavailable(
                    f"{waiting[0]} does not answer DESCRIBE within {timeout} s\n{self.log_tail()}"
                )
            if camera_reachable(waiting[0], user, password, timeout=2.0):
                waiting.pop(0)
            else:
                time.sleep(0.1)

    def _failed(self) -> None:
        code = self._server.poll() if self._server is not None else None
        log = self.log_tail()
        if code == EXIT_NO_PORT:
            raise _PortTaken
        if code == EXIT_NO_GSTREAMER:
            raise RtspServerUnavailable(
                f"{self.python} cannot run GStreamer's RTSP server. {INSTALL_HINT}\n{log}"
            )
        if self._feed is not None and self._feed.poll() is not None:
            raise RtspServerUnavailable(f"ffmpeg ended ({self._feed.returncode})\n{log}")
        raise RtspServerUnavailable(f"the RTSP server ended ({code})\n{log}")


class _PortTaken(Exception):
    pass


# --- the server process (Debian's python3 with gi; standard library only) -----------------------


RTP_CAPS = "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96"


def serve(config: dict) -> int:
    try:
        import gi

        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtsp", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtsp, GstRtspServer
    except (ImportError, ValueError) as exc:
        print(f"cannot import GStreamer's RTSP server: {exc}", file=sys.stderr)
        return EXIT_NO_GSTREAMER
    Gst.init(None)
    missing = [name for name in GST_ELEMENTS if Gst.ElementFactory.find(name) is None]
    if missing:
        print(f"GStreamer elements missing: {', '.join(missing)}", file=sys.stderr)
        return EXIT_NO_GSTREAMER

    class SharedFeed(GstRtspServer.RTSPMediaFactory):
        """One pipeline for every path this factory is mounted at: the cache key is the
        variant, not the URL (the default), so /cam1 … /camN share one udpsrc."""

        def __init__(self, key: str):
            super().__init__()
            self.key = key

        def do_gen_key(self, url):
            return self.key

    port = config["port"]
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    auth_config = config.get("auth")
    role = None
    if auth_config:
        role = "viewer"
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", role)
        if auth_config["method"] == "basic":
            basic = GstRtspServer.RTSPAuth.make_basic(auth_config["user"], auth_config["password"])
            auth.add_basic(basic, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        else:
            auth.add_digest(auth_config["user"], auth_config["password"], token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        auth.set_realm("Grid Command Center test camera")
        server.set_auth(auth)
    mounts = server.get_mount_points()
    for variant, udp_port in config["ports"].items():
        factory = SharedFeed(variant)
        factory.set_shared(True)
        factory.set_launch(
            f'( udpsrc port={udp_port} buffer-size=4194304 caps="{RTP_CAPS}" '
            "! rtph264depay ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )
        if role:
            factory.add_role_from_structure(
                Gst.Structure.new_from_string(
                    f"{role}, media.factory.access=(boolean)true, "
                    "media.factory.construct=(boolean)true"
                )
            )
        for number in range(1, config["streams"] + 1):
            mounts.add_factory(f"/cam{number}" + ("/sub" if variant == "sub" else ""), factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{port}", file=sys.stderr)
        return EXIT_NO_PORT

    # One viewer of our own per variant keeps its pipeline playing for good, as a camera
    # streams to its recorder whether anyone watches or not. Without it a shared media is
    # built on the first DESCRIBE (waiting for a keyframe), blocked until PLAY (the feed piles
    # up in the socket: stale, broken frames for the first viewer) and torn down when the last
    # viewer leaves (a viewer arriving meanwhile gets 503).
    keepers: dict[str, Gst.Pipeline] = {}

    def keep_playing(variant: str) -> bool:
        path = "/cam1" + ("/sub" if variant == "sub" else "")
        pipeline = Gst.parse_launch(
            f"rtspsrc name=src location=rtsp://127.0.0.1:{port}{path} protocols=tcp latency=0 "
            "! fakesink sync=false"
        )
        if auth_config:
            source = pipeline.get_by_name("src")
            source.set_property("user-id", auth_config["user"])
            source.set_property("user-pw", auth_config["password"])

        def on_message(_bus, message) -> None:
            if message.type in (Gst.MessageType.ERROR, Gst.MessageType.EOS):
                if message.type == Gst.MessageType.ERROR:
                    print(f"keeper of {path}: {message.parse_error()[0].message}", file=sys.stderr)
                pipeline.set_state(Gst.State.NULL)
                GLib.timeout_add(500, keep_playing, variant)  # try again

        bus = pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", on_message)
        keepers[variant] = pipeline
        pipeline.set_state(Gst.State.PLAYING)
        return GLib.SOURCE_REMOVE

    for variant in config["ports"]:
        keep_playing(variant)

    loop = GLib.MainLoop()
    parent = config["parent"]

    def quit_loop(*_args) -> bool:
        loop.quit()
        return GLib.SOURCE_REMOVE

    def watch_parent() -> bool:
        if os.getppid() != parent:  # the controller is gone: take ffmpeg and the logs along
            if os.path.basename(config["log_dir"]).startswith(LOG_DIR_PREFIX):
                shutil.rmtree(config["log_dir"], ignore_errors=True)
            os.killpg(0, signal.SIGKILL)
        return GLib.SOURCE_CONTINUE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, quit_loop)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, quit_loop)
    GLib.timeout_add(500, watch_parent)
    print(READY_LINE, flush=True)
    loop.run()  # until SIGTERM, which the controller sends to ffmpeg as well
    for pipeline in keepers.values():
        pipeline.set_state(Gst.State.NULL)
    return 0


def _serve_main() -> int:
    config = json.loads(sys.stdin.readline())
    return serve(config)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="A test RTSP server (GStreamer, fed by ffmpeg).")
    parser.add_argument("--streams", type=int, default=4, help="cameras /cam1 … /camN")
    parser.add_argument("--size", type=_size, default=(1280, 720), help="main size, 1280x720")
    parser.add_argument("--sub", type=_size, default=(640, 360), help="sub size; 0x0 for none")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--port", type=int, default=8554, help="0 for a free one")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="require Digest credentials")
    parser.add_argument("--basic", action="store_true", help="Basic instead of Digest")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    server = RtspServer(
        args.streams,
        *args.size,
        args.fps,
        sub=args.sub if args.sub[0] else None,
        auth=auth,
        auth_method="basic" if args.basic else "digest",
        port=args.port,
    )
    with server:
        print(f"RTSP server on port {server.port}, pid {server.pid}; Ctrl-C stops it")
        if auth:
            print(f"credentials: {auth[0]} / {auth[1]} ({server.auth_method})")
        for url in server.urls():
            print(url)
        sys.stdout.flush()
        try:
            while server.running:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        else:
            print(server.log_tail(), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        sys.exit(_serve_main())
    sys.exit(main())
