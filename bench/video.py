"""Benchmark: live video for the wall (issues 5, 16): decode efficiency, and a 4 x 4 wall of 16 cameras.

Streams come from ``tests/rtsp_server.py`` over loopback: GStreamer's RTSP server fed by ffmpeg
(libx264 ultrafast, zerolatency, a keyframe a second), the picture carrying its frame number
and the wall-clock millisecond when ffmpeg made it.

1. **Decode efficiency.** Streams of 1920 x 1080, 1280 x 720 and 640 x 360 at 25 fps. For
   each stream our ``StreamWorker`` and ``ffmpeg -threads 1 -i URL -pix_fmt bgr24
   -f null -`` decode it at the same time (the same frames, the same moments of the machine's
   load; all streams in the same round), each for a round of N
   seconds after a 2-second warm-up. Frames per CPU-second: the
   worker's frames over the CPU time of its thread (``/proc/self/task/TID/schedstat``, in ns);
   ffmpeg's frames (its ``-progress`` output) over the CPU time of all its threads. Both are
   sampled at the moments ffmpeg reports progress, so the two counts cover the same window; the
   opening and probing of the stream are outside it. The ratio ours / ffmpeg is the figure
   (goal >= 0.95 at 1080p and 720p). To ffmpeg's command are added ``-rtsp_flags prefer_tcp``
   (what our worker asks for: both read RTP over the RTSP connection), ``-fps_mode
   passthrough`` (every decoded frame counted once) and ``-progress``. The server's CPU is not
   counted; it is reported beside. Then latency on the 720p stream: our worker beside
   ``ffmpeg -fflags nobuffer -flags low_delay`` (a low-delay player; its picture's top quarter
   piped to the bench), both read from the encoder's clock in the picture (goal p95 <= 200 ms).
2. **The wall.** One server with 16 cameras, 640 x 360 sub streams at 25 fps (the main streams
   640 x 360 too: the sub is scaled from the main, and the wall's small tiles never open it).
   ``ui.video.wall.VideoWall`` on Qt's offscreen platform, 1600 x 900, layout "16", 16
   ``CameraRow``s, shown; garbage collected in the GUI thread as in the console
   (``ui.common.tasks.GuiThreadGarbageCollector``). For ``--minutes`` (default 10) after a warm-up:
   frames put on each tile per second (goal >= 24), latency from ffmpeg making the frame to the
   tile being painted (the clock read from the tile's own, scaled picture; goal p95 <= 200 ms,
   no growth over the run), per minute; CPU of the process, its stream threads and GUI thread,
   of the server, and of the whole machine; memory at start and end; stream threads at the end.
   Goal for the console (issue 16): the process without the bench's probe <= 0.5 of one core.

The bench watches the wall from outside: it wraps each tile's ``set_frame`` (time the frame was
put on the tile, the frame's decode time) and filters the tile's paint events (time the tile
was painted). Reading the clock from the picture costs the GUI thread about 0.1 ms a frame;
that cost is measured and reported apart. The last line of the output is one line of JSON with
every figure.

    .venv/bin/python bench/video.py              # decode efficiency, then the wall for 10 min
    .venv/bin/python bench/video.py --quick      # decode efficiency only, one short round
    .venv/bin/python bench/video.py --minutes 2  # a shorter wall
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the RTSP server and the picture code

import numpy as np  # noqa: E402
import rtsp_server  # noqa: E402

from commandcenter.video import StreamWorker  # noqa: E402

FPS = 25
FULL_HD = (1920, 1080)
MAIN = (1280, 720)
SUB = (640, 360)
CAMERAS = 16
WALL_SIZE = (1600, 900)
WALL_LAYOUT = "16"
WARMUP_S = 2.0  # part 1: decoding before the window opens
WALL_WARMUP_S = 5.0  # part 2: after every tile has its first picture
RATIO_GOAL = 0.95  # issue 16 (0.85 in issue 5)
FPS_GOAL = 24.0
LATENCY_P95_GOAL_MS = 200.0
CPU_GOAL_OF_ONE_CORE = 0.5  # the whole console process, 16 tiles (issue 16)
LATENCY_WINDOW_S = 15.0  # part 1's latency step (quick: 6 s)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


# --- CPU and memory from /proc --------------------------------------------------------------


def thread_cpu(tid: int, pid: int | str = "self") -> float:
    """CPU seconds of one thread (scheduler run time, nanoseconds)."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as file:
            return int(file.read().split()[0]) / 1e9
    except OSError:
        return 0.0


def threads_cpu(pid: int) -> float:
    """CPU seconds of the live threads of a process, to the nanosecond."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    return sum(thread_cpu(int(tid), pid) for tid in tids)


def process_cpu(pid: int | str = "self") -> float:
    """CPU seconds of a process, ended threads included (clock ticks)."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def group_cpu(pgid: int) -> float:
    """CPU seconds of every process in a process group (the RTSP server and its ffmpeg)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot."""
    with open("/proc/stat") as file:
        values = [int(v) for v in file.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # without guest time, which is counted in user already
    return total - idle, total


def rss_mib() -> float:
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def slope(ys: list[float]) -> float:
    """Least-squares slope of ys against 0, 1, 2, …: change per step."""
    if len(ys) < 2:
        return 0.0
    xs = range(len(ys))
    mean_x, mean_y = statistics.mean(xs), statistics.mean(ys)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return numerator / sum((x - mean_x) ** 2 for x in xs)


def start_server(**options) -> rtsp_server.RtspServer:
    server = rtsp_server.RtspServer(**options)
    try:
        return server.start()
    except rtsp_server.RtspServerUnavailable as exc:
        sys.exit(f"The RTSP test server cannot run here: {exc}")


# --- part 1: decode efficiency -----------------------------------------------------------------


def ffmpeg_command(url: str, seconds: float) -> list[str]:
    return [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-threads",
        "1",
        "-rtsp_flags",
        "prefer_tcp",
        "-i",
        url,
        "-pix_fmt",
        "bgr24",
        "-fps_mode",
        "passthrough",
        "-t",
        f"{seconds:.0f}",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.5",
        "-f",
        "null",
        "-",
    ]


class Pair:
    """Our worker and ffmpeg on one stream, sampled together at ffmpeg's progress reports:
    (monotonic time, ffmpeg frames, ffmpeg CPU s, our frames, our thread's CPU s)."""

    def __init__(self, name: str, url: str, limit_s: float, log_dir: str):
        self.name, self.url = name, url
        self.worker = StreamWorker(url, name=f"bench {name}")
        self.log_path = os.path.join(log_dir, f"ffmpeg-{name}.log")
        self.samples: list[tuple[float, int, float, int, float]] = []
        self.limit_s = limit_s
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None

    def start(self) -> None:
        self.worker.start()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                ffmpeg_command(self.url, self.limit_s),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        self.reader = threading.Thread(target=self._read, name=f"progress-{self.name}", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        frames = 0
        pid = self.process.pid
        for line in self.process.stdout:
            key, _, value = line.strip().partition("=")
            if key == "frame":
                frames = int(value)
            elif key == "progress":
                ffmpeg_cpu = threads_cpu(pid)
                ours = self.worker.health().frames
                ours_cpu = thread_cpu(self.worker.thread.native_id)
                self.samples.append((time.monotonic(), frames, ffmpeg_cpu, ours, ours_cpu))

    def window(self, seconds: float) -> tuple[tuple, tuple] | None:
        """The first sample with both past the warm-up, and the first one ``seconds`` later."""
        warm = WARMUP_S * FPS
        start = next((s for s in self.samples if s[1] >= warm and s[3] >= warm), None)
        if start is None:
            return None
        end = next((s for s in self.samples if s[0] >= start[0] + seconds), None)
        return None if end is None else (start, end)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        if self.reader is not None:
            self.reader.join(5)
        self.worker.stop(6.0)

    def log_tail(self) -> str:
        try:
            with open(self.log_path, errors="replace") as file:
                return "\n".join(file.read().splitlines()[-10:])
        except OSError:
            return ""


def decode_round(streams: dict[str, str], seconds: float, log_dir: str) -> dict[str, dict]:
    """Our worker and ffmpeg on each stream at once, for ``seconds`` after the warm-up."""
    limit = WARMUP_S + seconds + 15.0  # ffmpeg's -t: a bound, the window ends before it
    pairs = [Pair(name, url, limit, log_dir) for name, url in streams.items()]
    for pair in pairs:
        pair.start()
    deadline = time.monotonic() + limit + 5.0
    try:
        while not all(pair.window(seconds) for pair in pairs):
            for pair in pairs:
                if pair.process.poll() is not None and not pair.window(seconds):
                    raise RuntimeError(
                        f"ffmpeg on {pair.url} ended ({pair.process.returncode}) before the "
                        f"window closed\n{pair.log_tail()}\n{pair.worker.health()}"
                    )
            if time.monotonic() > deadline:
                raise RuntimeError(f"no full window within {limit:.0f} s")
            time.sleep(0.2)
    finally:
        for pair in pairs:
            pair.stop()
    results = {}
    for pair in pairs:
        start, end = pair.window(seconds)
        results[pair.name] = {
            "seconds": end[0] - start[0],
            "ffmpeg_frames": end[1] - start[1],
            "ffmpeg_cpu_s": end[2] - start[2],
            "ours_frames": end[3] - start[3],
            "ours_cpu_s": end[4] - start[4],
        }
    return results


def rates(figures: dict) -> dict:
    ours = figures["ours_frames"] / figures["ours_cpu_s"]
    ffmpeg = figures["ffmpeg_frames"] / figures["ffmpeg_cpu_s"]
    return {
        "ours_frames_per_cpu_s": round(ours, 1),
        "ffmpeg_frames_per_cpu_s": round(ffmpeg, 1),
        "ratio": round(ours / ffmpeg, 3),
        "ours_us_per_frame": round(1e6 / ours, 1),
        "ffmpeg_us_per_frame": round(1e6 / ffmpeg, 1),
    }


def low_delay_command(url: str, seconds: float) -> list[str]:
    """ffmpeg as a low-delay player (ffplay's -fflags nobuffer -flags low_delay), writing the
    top quarter of each picture, grey, to its standard output (where the code grid is)."""
    return [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-fflags",
        "nobuffer",
        "-flags",
        "low_delay",
        "-threads",
        "1",
        "-rtsp_flags",
        "prefer_tcp",
        "-i",
        url,
        "-vf",
        "crop=iw:ih/4:0:0,format=gray",
        "-fps_mode",
        "passthrough",
        "-t",
        f"{seconds:.0f}",
        "-f",
        "rawvideo",
        "pipe:1",
    ]


def measure_latency(url: str, size: tuple[int, int], seconds: float) -> dict:
    """Latency from the encoder's clock in the picture to the decoded frame, for our worker
    and for ffmpeg as a low-delay player, on the same stream at the same time."""
    width, height = size
    strip = (width, height // 4)  # where the code grid is
    ours: list[float] = []
    arrived = threading.Event()
    worker = StreamWorker(url, name="bench latency")
    worker.set_listener(arrived.set)  # wakes the reader below; the code is read there
    worker.start()

    def read_ours() -> None:
        last = 0
        while not stop.is_set():
            arrived.wait(0.2)
            arrived.clear()
            frame = worker.latest(after=last)
            if frame is None:
                continue
            last = frame.number
            # Frame.timestamp is when the worker had it decoded and converted.
            latency = rtsp_server.frame_latency(frame.image[: strip[1]], frame.timestamp)
            if latency is not None:
                ours.append(latency)

    ffmpeg: list[float] = []
    process = subprocess.Popen(
        low_delay_command(url, seconds + 10),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )

    def read_ffmpeg() -> None:
        size_bytes = strip[0] * strip[1]
        while not stop.is_set():
            data = process.stdout.read(size_bytes)
            if len(data) < size_bytes:
                return
            at = time.time()
            stamp = rtsp_server.read_stamp(
                np.frombuffer(data, np.uint8).reshape(strip[1], strip[0]), at
            )
            if stamp is not None:
                ffmpeg.append(at - stamp)

    stop = threading.Event()
    readers = [threading.Thread(target=f, daemon=True) for f in (read_ours, read_ffmpeg)]
    for reader in readers:
        reader.start()
    time.sleep(WARMUP_S)
    ours.clear()
    ffmpeg.clear()
    time.sleep(seconds)
    stop.set()
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)
    if process.poll() is None:
        process.kill()
    worker.stop(6.0)
    for reader in readers:
        reader.join(5)

    def summary(values: list[float]) -> dict:
        if not values:
            return {"median": None, "p95": None, "samples": 0}
        values = sorted(values)
        p95 = values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)]
        return {
            "median": round(statistics.median(values) * 1e3, 1),
            "p95": round(p95 * 1e3, 1),
            "samples": len(values),
        }

    return {
        "stream": f"{width}x{height}",
        "seconds": seconds,
        "ours_ms": summary(ours),
        "ffmpeg_low_delay_ms": summary(ffmpeg),
        "ffmpeg_command": "ffmpeg -fflags nobuffer -flags low_delay -threads 1 -rtsp_flags "
        "prefer_tcp -i URL -vf crop=iw:ih/4:0:0,format=gray -f rawvideo pipe:1",
    }


def measure_decode(rounds: int, seconds: float, latency_s: float) -> dict:
    sizes = (FULL_HD, MAIN, SUB)
    print(
        f"Part 1: decode efficiency, {', '.join(f'{w}x{h}' for w, h in sizes)} at {FPS} fps, "
        f"{rounds} round(s) of {seconds:g} s (after {WARMUP_S:g} s warm-up); our StreamWorker "
        f"and ffmpeg -threads 1 ... -pix_fmt bgr24 -f null - decode each stream together",
        flush=True,
    )
    print(f"  ffmpeg: {ffmpeg_version()}; PyAV's FFmpeg: avcodec {pyav_avcodec()}", flush=True)
    # One server sends 1080p and 720p (scaled from it), another 360p: one encoder per size.
    big = start_server(streams=1, width=FULL_HD[0], height=FULL_HD[1], fps=FPS, sub=MAIN)
    small = start_server(streams=1, width=SUB[0], height=SUB[1], fps=FPS)
    servers = (big, small)
    streams = {
        f"{FULL_HD[0]}x{FULL_HD[1]}": big.url(1),
        f"{MAIN[0]}x{MAIN[1]}": big.url(1, sub=True),
        f"{SUB[0]}x{SUB[1]}": small.url(1),
    }
    names = list(streams)
    per_round: dict[str, list[dict]] = {name: [] for name in names}
    others_before = other_threads_cpu()
    server_cpu = sum(group_cpu(server.pid) for server in servers)
    wall_time = time.monotonic()
    latency = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-video-") as log_dir:
            for number in range(1, rounds + 1):
                results = decode_round(streams, seconds, log_dir)
                for name in names:
                    figures = results[name] | rates(results[name])
                    per_round[name].append(figures)
                    print(
                        f"  round {number} {name:>8}: ours {figures['ours_frames']} frames / "
                        f"{figures['ours_cpu_s']:.3f} CPU s = "
                        f"{figures['ours_frames_per_cpu_s']:.0f} frames per CPU-second; ffmpeg "
                        f"{figures['ffmpeg_frames']} / {figures['ffmpeg_cpu_s']:.3f} = "
                        f"{figures['ffmpeg_frames_per_cpu_s']:.0f}; ratio {figures['ratio']:.3f}",
                        flush=True,
                    )
        server_cpu = sum(group_cpu(server.pid) for server in servers) - server_cpu
        server_share = server_cpu / (time.monotonic() - wall_time)
        others = other_threads_cpu() - others_before
        if latency_s > 0:
            latency = measure_latency(streams[names[1]], MAIN, latency_s)
            print(
                f"  latency {latency['stream']}, encoder clock to decoded frame, {latency_s:g} s: "
                f"ours median {latency['ours_ms']['median']} ms, p95 "
                f"{latency['ours_ms']['p95']} ms; ffmpeg -fflags nobuffer -flags low_delay "
                f"median {latency['ffmpeg_low_delay_ms']['median']} ms, p95 "
                f"{latency['ffmpeg_low_delay_ms']['p95']} ms",
                flush=True,
            )
    finally:
        for server in servers:
            server.stop()
    result: dict = {
        "fps": FPS,
        "rounds": rounds,
        "window_s": seconds,
        "warmup_s": WARMUP_S,
        "ratio_goal": RATIO_GOAL,
        "ffmpeg_version": ffmpeg_version(),
        "pyav_avcodec": pyav_avcodec(),
        "latency": latency,
        "server_cpu_share_of_one_core": round(server_share, 3),
        "other_threads_cpu_s": round(others, 3),
    }
    for name in names:
        rows = per_round[name]
        keys = ("ours_frames", "ours_cpu_s", "ffmpeg_frames", "ffmpeg_cpu_s")
        pooled = {key: sum(r[key] for r in rows) for key in keys}
        figures = rates(pooled)
        result[name] = figures | {
            "ours_frames": pooled["ours_frames"],
            "ours_cpu_s": round(pooled["ours_cpu_s"], 4),
            "ffmpeg_frames": pooled["ffmpeg_frames"],
            "ffmpeg_cpu_s": round(pooled["ffmpeg_cpu_s"], 4),
            "round_ratios": [r["ratio"] for r in rows],
            "goal_met": figures["ratio"] >= RATIO_GOAL,
        }
        print(
            f"{name:>8}: ours {figures['ours_frames_per_cpu_s']:.0f} frames per CPU-second "
            f"({figures['ours_us_per_frame']:.0f} us a frame), ffmpeg "
            f"{figures['ffmpeg_frames_per_cpu_s']:.0f} ({figures['ffmpeg_us_per_frame']:.0f} us): "
            f"ratio {figures['ratio']:.3f} (goal >= {RATIO_GOAL}; rounds "
            f"{', '.join(f'{r:.3f}' for r in result[name]['round_ratios'])})",
            flush=True,
        )
    print(
        f"  the RTSP servers (ffmpeg encoding the streams, GStreamer) used "
        f"{server_share * 100:.0f} % of a core meanwhile; our other threads "
        f"{others:.3f} CPU s",
        flush=True,
    )
    return result


def other_threads_cpu() -> float:
    """CPU seconds of this process's threads other than the main thread, the stream threads
    and the progress readers: anything OpenCV or FFmpeg might run beside the worker."""
    mine = {threading.main_thread().native_id}
    mine |= {
        t.native_id for t in threading.enumerate() if t.name.startswith(("stream-", "progress"))
    }
    return sum(
        thread_cpu(int(tid)) for tid in os.listdir("/proc/self/task") if int(tid) not in mine
    )


def ffmpeg_version() -> str:
    try:
        out = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout
    except OSError:
        return "missing"
    return out.split("\n", 1)[0].removeprefix("ffmpeg version ").split(" Copyright")[0]


def pyav_avcodec() -> str:
    import av

    return ".".join(str(v) for v in av.library_versions["libavcodec"])


# --- part 2: the wall --------------------------------------------------------------------------


class WallProbe:
    """Watches the wall's tiles from outside: when a frame is put on a tile (its ``set_frame``,
    wrapped) and when the tile is painted next (a paint-event filter)."""

    def __init__(self, wall, cameras):
        from PySide6.QtCore import QEvent, QObject

        self.paint_type = QEvent.Type.Paint
        self.tiles = wall.visible_tiles
        self.camera_of = {}
        count = len(self.tiles)
        self.shown = [0] * count  # frames put on the tile
        self.painted = [0] * count  # of those, painted
        self.skipped = [0] * count  # decoded frames the tile never got
        self.unreadable = 0
        self.last_number = [0] * count
        self.pending: list[tuple[float, float] | None] = [None] * count  # stamp, put-at
        self.latency_decode: list[float] = []  # ffmpeg made it -> decoded
        self.latency_put: list[float] = []  # -> on the tile
        self.latency_paint: list[float] = []  # -> painted
        self.hook_cpu = 0.0  # GUI-thread seconds spent here
        self.recording = False
        probe = self

        class Filter(QObject):
            def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
                if event.type() == probe.paint_type:
                    probe.on_paint(watched)
                return False

        self.filter = Filter()
        self.index = {}
        for i, tile in enumerate(self.tiles):
            self.index[tile] = i
            tile.installEventFilter(self.filter)
            tile.set_frame = self._wrap(i, tile, tile.set_frame)

    def _wrap(self, i: int, tile, original):
        def set_frame(frame) -> None:
            original(frame)
            now = time.time()
            began = time.thread_time()
            image = tile.image
            pixels = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
            pixels = pixels.reshape(image.height(), image.bytesPerLine())
            channels = image.depth() // 8  # 3 (BGR888) or 4 (RGB32: B, G, R, 255)
            pixels = pixels[:, : image.width() * channels].reshape(
                image.height(), image.width(), channels
            )[:, :, :3]
            stamp = rtsp_server.read_stamp(pixels, now)
            if self.recording:
                self.shown[i] += 1
                if self.last_number[i]:
                    self.skipped[i] += max(0, frame.number - self.last_number[i] - 1)
                if stamp is None:
                    self.unreadable += 1
                else:
                    decoded = frame.timestamp + (now - time.monotonic())
                    self.latency_decode.append(decoded - stamp)
                    self.latency_put.append(now - stamp)
            self.last_number[i] = frame.number
            self.pending[i] = (stamp, now) if stamp is not None else None
            self.hook_cpu += time.thread_time() - began

        return set_frame

    def on_paint(self, tile) -> None:
        i = self.index.get(tile)
        if i is None or self.pending[i] is None:
            return
        now = time.time()
        stamp, _ = self.pending[i]
        self.pending[i] = None
        if self.recording:
            self.painted[i] += 1
            self.latency_paint.append(now - stamp)

    def take_latencies(self) -> tuple[list[float], list[float], list[float]]:
        taken = (self.latency_decode, self.latency_put, self.latency_paint)
        self.latency_decode, self.latency_put, self.latency_paint = [], [], []
        return taken


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("stream-") and t.is_alive()]


class Histogram:
    """Seconds counted in bins of 0.5 ms up to 10 s: quantiles of a long run in constant
    memory (ten minutes of 16 tiles are 240,000 samples a kind)."""

    STEP = 0.0005

    def __init__(self, values=(), top_s: float = 10.0):
        self.counts = [0] * (round(top_s / self.STEP) + 1)
        self.total = 0
        self.add(values)

    def add(self, values) -> None:
        last = len(self.counts) - 1
        for value in values:
            self.counts[min(last, max(0, int(value / self.STEP)))] += 1
            self.total += 1

    def merge(self, other: Histogram) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        self.total += other.total

    def ms(self, share: float = 0.5) -> float | None:
        """The quantile in milliseconds (the middle of its bin); None without samples."""
        if not self.total:
            return None
        wanted, seen = max(1, math.ceil(share * self.total)), 0
        for index, count in enumerate(self.counts):
            seen += count
            if seen >= wanted:
                return round((index + 0.5) * self.STEP * 1e3, 2)
        return None

    def summary(self) -> dict:
        return {"median": self.ms(0.5), "p95": self.ms(0.95)}


def measure_wall(minutes: float, refresh_ms: int | None = None) -> dict:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from commandcenter.cameras.rows import CameraRow
    from ui.common.style import apply_style
    from ui.common.tasks import GuiThreadGarbageCollector, favour_gui_thread
    from ui.video.wall import REFRESH_MS, VideoWall

    print(
        f"Part 2: a {WALL_LAYOUT}-tile wall of {CAMERAS} cameras, {SUB[0]}x{SUB[1]} sub streams "
        f"at {FPS} fps, {WALL_SIZE[0]}x{WALL_SIZE[1]} offscreen, {minutes:g} min; the wall's "
        f"refresh timer {refresh_ms or REFRESH_MS} ms"
        + (f" (set by the bench; the wall's own is {REFRESH_MS} ms)" if refresh_ms else ""),
        flush=True,
    )
    load = os.getloadavg()
    server = start_server(streams=CAMERAS, width=SUB[0], height=SUB[1], fps=FPS, sub=SUB)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    QCoreApplication.setApplicationName("GridCommandCenterBench")
    apply_style(app)
    collector = GuiThreadGarbageCollector(app)  # noqa: F841 - kept alive, as ui/app.py does
    favour_gui_thread()  # the console's GIL switch interval, as ui/app.py sets it
    cameras = [
        CameraRow(
            id=k,
            device_id=f"32120200001320{k:06d}",
            name=f"Bench camera {k}",
            lon=120.0 + k / 1000,
            lat=32.0,
            grid_id=None,
            grid_name=None,
            main_url=server.url(k),
            sub_url=server.url(k, sub=True),
            enabled=True,
        )
        for k in range(1, CAMERAS + 1)
    ]
    wall = VideoWall()
    wall.resize(*WALL_SIZE)
    wall.set_cameras(cameras)
    wall.set_layout(WALL_LAYOUT)
    probe = WallProbe(wall, cameras)
    if refresh_ms:  # an experiment: the wall's own timer at another interval
        wall._timer.setInterval(refresh_ms)
    ticks: list[float] = []  # when the wall's refresh timer fired (this minute)
    wall._timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    opened = time.monotonic()
    wall.show()

    def run_for(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()

    while any(tile.image is None for tile in probe.tiles):
        if time.monotonic() - opened > 60:
            raise RuntimeError(
                "not every tile had a picture within 60 s: "
                + ", ".join(str(t.health) for t in probe.tiles if t.image is None)
            )
        run_for(0.1)
    first_pictures_s = time.monotonic() - opened
    tile_size = probe.tiles[0].image.width(), probe.tiles[0].image.height()
    urls = [wall.registry.get(c.id).url for c in cameras]
    print(
        f"  every tile has a picture {first_pictures_s:.1f} s after show; tile picture "
        f"{tile_size[0]}x{tile_size[1]}; streams played: "
        f"{sum(u.endswith('/sub') for u in urls)} sub, {sum(not u.endswith('/sub') for u in urls)}"
        f" main; load average before start {load[0]:.2f}",
        flush=True,
    )
    run_for(WALL_WARMUP_S)

    workers = [wall.registry.get(c.id) for c in cameras]
    tids = [w.thread.native_id for w in workers]
    gui_tid = threading.main_thread().native_id

    def snapshot() -> dict:
        busy, total = machine_jiffies()
        return {
            "t": time.monotonic(),
            "process": process_cpu(),
            "streams": sum(thread_cpu(tid) for tid in tids),
            "gui": thread_cpu(gui_tid),
            "server": group_cpu(server.pid),
            "busy": busy,
            "total": total,
            "decoded": [w.health().frames for w in workers],
            "shown": list(probe.shown),
            "painted": list(probe.painted),
            "skipped": list(probe.skipped),
            "hook": probe.hook_cpu,
            "refreshes": refreshes[0] + len(ticks),
            "wakeups": wall.wakeups,
            "rss": rss_mib(),
        }

    def figures(a: dict, b: dict, latencies: tuple[Histogram, ...]) -> dict:
        span = b["t"] - a["t"]
        per_tile = [(y - x) / span for x, y in zip(a["shown"], b["shown"], strict=True)]
        painted = [(y - x) / span for x, y in zip(a["painted"], b["painted"], strict=True)]
        decoded = [(y - x) / span for x, y in zip(a["decoded"], b["decoded"], strict=True)]
        decode, put, paint, gaps = latencies
        hook = (b["hook"] - a["hook"]) / span
        return {
            "seconds": round(span, 1),
            "shown_fps_per_tile": {
                "min": round(min(per_tile), 2),
                "median": round(statistics.median(per_tile), 2),
                "max": round(max(per_tile), 2),
            },
            "painted_fps_per_tile_min": round(min(painted), 2),
            "refreshes_per_s": round((b["refreshes"] - a["refreshes"]) / span, 2),
            "gui_wakeups_per_s": round((b["wakeups"] - a["wakeups"]) / span, 2),
            "refresh_interval_ms": gaps.summary(),
            "decoded_fps_per_tile_min": round(min(decoded), 2),
            "skipped_frames": sum(b["skipped"]) - sum(a["skipped"]),
            "latency_paint_ms": paint.summary(),
            "latency_put_ms": put.summary(),
            "latency_decode_ms": decode.summary(),
            "latency_samples": paint.total,
            "cpu_process_pct_of_core": round((b["process"] - a["process"]) / span * 100, 1),
            "cpu_streams_pct_of_core": round((b["streams"] - a["streams"]) / span * 100, 1),
            "cpu_gui_pct_of_core": round((b["gui"] - a["gui"]) / span * 100, 1),
            "cpu_bench_probe_pct_of_core": round(hook * 100, 1),
            "cpu_server_pct_of_core": round((b["server"] - a["server"]) / span * 100, 1),
            "machine_busy_pct": round(
                (b["busy"] - a["busy"]) / max(1, b["total"] - a["total"]) * 100, 1
            ),
            "rss_mib": round(b["rss"], 1),
        }

    minute_rows = []
    whole_run = (Histogram(), Histogram(), Histogram(), Histogram())
    refreshes = [0]  # timer ticks before this minute's
    gc.collect()
    probe.recording = True
    probe.take_latencies()
    last_tick = ticks[-1] if ticks else None
    del ticks[:]
    first = snapshot()
    rss_start = first["rss"]
    previous = first
    blocks = max(1, math.ceil(minutes))
    block_s = minutes * 60 / blocks
    for number in range(1, blocks + 1):
        run_for(block_s)
        now = snapshot()
        fired = ([last_tick] if last_tick is not None else []) + ticks
        gaps = [y - x for x, y in zip(fired, fired[1:], strict=False)]
        last_tick = fired[-1] if fired else last_tick
        refreshes[0] += len(ticks)
        del ticks[:]
        latencies = (*(Histogram(values) for values in probe.take_latencies()), Histogram(gaps))
        for kept, new in zip(whole_run, latencies, strict=True):
            kept.merge(new)
        row = {"minute": number} | figures(previous, now, latencies)
        minute_rows.append(row)
        previous = now
        print(
            f"  minute {number:>2}: shown per tile {row['shown_fps_per_tile']['min']:.1f} to "
            f"{row['shown_fps_per_tile']['max']:.1f} fps (median "
            f"{row['shown_fps_per_tile']['median']:.1f}; {row['gui_wakeups_per_s']:.1f} wake-ups and "
            f"{row['refreshes_per_s']:.1f} timer refreshes a "
            f"second); painted latency median "
            f"{row['latency_paint_ms']['median']} ms, p95 {row['latency_paint_ms']['p95']} ms "
            f"(decoded {row['latency_decode_ms']['median']} / {row['latency_decode_ms']['p95']}, "
            f"on tile {row['latency_put_ms']['median']} / {row['latency_put_ms']['p95']}); "
            f"CPU process {row['cpu_process_pct_of_core']:.0f} % of a core (streams "
            f"{row['cpu_streams_pct_of_core']:.0f}, GUI {row['cpu_gui_pct_of_core']:.0f}, of "
            f"which probe {row['cpu_bench_probe_pct_of_core']:.0f}), server "
            f"{row['cpu_server_pct_of_core']:.0f} %, machine {row['machine_busy_pct']:.0f} % of "
            f"{CORES} cores; RSS {row['rss_mib']:.0f} MiB",
            flush=True,
        )
    probe.recording = False
    whole = figures(first, previous, whole_run)
    threads_running = len(stream_threads())
    healths = [w.health() for w in workers]
    reconnects = sum(h.reconnects for h in healths)
    live = sum(h.ok for h in healths)
    stopped_cleanly = wall.shutdown()
    wall.close()
    threads_after = len(stream_threads())
    server.stop()
    del collector
    unreadable = probe.unreadable
    medians = [r["latency_paint_ms"]["median"] for r in minute_rows]
    p95s = [r["latency_paint_ms"]["p95"] for r in minute_rows]
    result = {
        "cameras": CAMERAS,
        "stream": list(SUB),
        "fps": FPS,
        "wall_size": list(WALL_SIZE),
        "layout": WALL_LAYOUT,
        "refresh_ms": refresh_ms or REFRESH_MS,
        "tile_picture": list(tile_size),
        "minutes": minutes,
        "load_average_at_start": round(load[0], 2),
        "first_pictures_s": round(first_pictures_s, 1),
        "sub_streams_played": sum(u.endswith("/sub") for u in urls),
        "whole_run": whole,
        "per_minute": minute_rows,
        "latency_paint_median_slope_ms_per_min": round(slope(medians), 2) if medians[0] else None,
        "latency_paint_p95_slope_ms_per_min": round(slope(p95s), 2) if p95s[0] else None,
        "rss_start_mib": round(rss_start, 1),
        "rss_end_mib": round(previous["rss"], 1),
        "unreadable_pictures": unreadable,
        "streams_live_at_end": live,
        "reconnects": reconnects,
        "stream_threads_at_end": threads_running,
        "stream_threads_after_shutdown": threads_after,
        "shutdown_clean": stopped_cleanly,
        "fps_goal": FPS_GOAL,
        "latency_p95_goal_ms": LATENCY_P95_GOAL_MS,
        "fps_goal_met": whole["shown_fps_per_tile"]["min"] >= FPS_GOAL,
        "latency_goal_met": (whole["latency_paint_ms"]["p95"] or 1e9) <= LATENCY_P95_GOAL_MS,
    }
    print(
        f"Wall, {minutes:g} min: frames shown per tile per second min "
        f"{whole['shown_fps_per_tile']['min']:.2f}, median "
        f"{whole['shown_fps_per_tile']['median']:.2f} (goal >= {FPS_GOAL:g}; decoded min "
        f"{whole['decoded_fps_per_tile_min']:.2f}, {whole['skipped_frames']} decoded frames never "
        f"shown; the refresh timer fired {whole['refreshes_per_s']:.1f} times a second, "
        f"interval p95 {whole['refresh_interval_ms']['p95']} ms); latency to the painted tile median {whole['latency_paint_ms']['median']} ms, "
        f"p95 {whole['latency_paint_ms']['p95']} ms (goal p95 <= {LATENCY_P95_GOAL_MS:g} ms), "
        f"slope of the per-minute median {result['latency_paint_median_slope_ms_per_min']} and "
        f"p95 {result['latency_paint_p95_slope_ms_per_min']} ms per minute",
        flush=True,
    )
    print(
        f"  CPU: process {whole['cpu_process_pct_of_core']:.0f} % of one core = "
        f"{whole['cpu_process_pct_of_core'] / CORES:.0f} % of the machine's {CORES} cores "
        f"(stream threads {whole['cpu_streams_pct_of_core']:.0f} %, GUI thread "
        f"{whole['cpu_gui_pct_of_core']:.0f} % of which the bench's probe "
        f"{whole['cpu_bench_probe_pct_of_core']:.0f} %); RTSP server "
        f"{whole['cpu_server_pct_of_core']:.0f} % of a core; machine busy "
        f"{whole['machine_busy_pct']:.0f} % (every process, others' jobs too)",
        flush=True,
    )
    print(
        f"  RSS {rss_start:.0f} MiB at the start, {previous['rss']:.0f} MiB at the end; "
        f"{threads_running} stream threads at the end, {threads_after} after shutdown "
        f"(clean: {stopped_cleanly}); {live} of {CAMERAS} live, {reconnects} reconnects; "
        f"{unreadable} pictures without a readable clock",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="part 1 alone, one short round")
    parser.add_argument("--minutes", type=float, default=10.0, help="the wall's run; 0 skips it")
    parser.add_argument("--rounds", type=int, help="part 1 rounds (default 3, quick 1)")
    parser.add_argument("--seconds", type=float, help="part 1 window (default 20 s, quick 12 s)")
    parser.add_argument("--no-decode", action="store_true", help="skip part 1")
    parser.add_argument(
        "--refresh-ms", type=int, help="experiment: set the wall's refresh timer to this interval"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (10.0 if args.quick else 20.0)
    latency_s = 5.0 if args.quick else LATENCY_WINDOW_S
    minutes = 0.0 if args.quick else args.minutes
    started = time.perf_counter()
    load_start = [round(v, 2) for v in os.getloadavg()]
    print(f"{CORES} cores; load average {load_start}", flush=True)
    decode = None if args.no_decode else measure_decode(rounds, seconds, latency_s)
    wall = measure_wall(minutes, args.refresh_ms) if minutes > 0 else None
    total_s = time.perf_counter() - started
    load_end = [round(v, 2) for v in os.getloadavg()]
    goals = goal_summary(decode, wall)
    print(f"Total {total_s:.1f} s; load average at the end {load_end}", flush=True)
    for name, row in goals.items():
        print(f"  {name}: {row}", flush=True)
    print(
        json.dumps(
            {
                "bench": "video",
                "quick": args.quick,
                "cores": CORES,
                "load_average_start": load_start,
                "load_average_end": load_end,
                "goals": goals,
                "decode": decode,
                "wall": wall,
                "total_s": round(total_s, 1),
            }
        )
    )
    return 0


def goal_summary(decode: dict | None, wall: dict | None) -> dict:
    """Each figure of issue 16 beside its goal (None: not measured in this run)."""
    goals: dict = {}
    for size in (FULL_HD, MAIN):
        name = f"{size[0]}x{size[1]}"
        ratio = decode[name]["ratio"] if decode else None
        goals[f"decode_ratio_{name}"] = {
            "value": ratio,
            "goal": f">= {RATIO_GOAL}",
            "met": None if ratio is None else ratio >= RATIO_GOAL,
        }
    if wall:
        fps = wall["whole_run"]["shown_fps_per_tile"]["min"]
        process = wall["whole_run"]["cpu_process_pct_of_core"] / 100
        probe = wall["whole_run"]["cpu_bench_probe_pct_of_core"] / 100
        p95 = wall["whole_run"]["latency_paint_ms"]["p95"]
    else:
        fps = process = probe = p95 = None
    goals["wall_fps_per_tile_min"] = {
        "value": fps,
        "goal": f">= {FPS_GOAL:g}",
        "met": None if fps is None else fps >= FPS_GOAL,
    }
    console = None if process is None else round(process - probe, 3)
    goals["console_cpu_of_one_core"] = {
        "value": console,
        "with_bench_probe": None if process is None else round(process, 3),
        "goal": f"<= {CPU_GOAL_OF_ONE_CORE}",
        "met": None if console is None else console <= CPU_GOAL_OF_ONE_CORE,
        "note": "the whole process less the bench's probe (reading the clock out of every "
        "tile's picture in the GUI thread, measured apart)",
    }
    latency = decode["latency"] if decode else None
    goals["latency_p95_ms"] = {
        "wall_painted": p95,
        "decoded_ours_720p": latency["ours_ms"]["p95"] if latency else None,
        "decoded_ffmpeg_low_delay_720p": latency["ffmpeg_low_delay_ms"]["p95"] if latency else None,
        "goal": f"<= {LATENCY_P95_GOAL_MS:g}",
        "met": None
        if p95 is None and latency is None
        else all(
            v is not None and v <= LATENCY_P95_GOAL_MS
            for v in ([p95] if p95 is not None else [])
            + ([latency["ours_ms"]["p95"]] if latency else [])
        ),
    }
    return goals


if __name__ == "__main__":
    raise SystemExit(main())
