"""Benchmark: the video-wall display left running (issue 14): memory, threads, frames per tile.

The real wall display, ``ui.display.window.WallDisplay``, on Qt's offscreen platform at
3840 x 1080 (two 55" screens side by side, as ``run.py --wall --screenshot`` sizes its type),
logged in as the demo account the wall uses (``duty``, through ``LocalCenter.demo_login`` on the
system clock, as ``run.py --wall`` does), garbage collected in the GUI thread as in the console
(``ui.common.tasks.GuiThreadGarbageCollector``), for ``--minutes`` (default 10):

- **Data.** A copy of the demo district. The district is built once by the project's own
  command, ``commandcenter demo`` (clips in the folder ``bench/server.py`` uses), kept in
  ``$TMPDIR/commandcenter-bench-wall/`` under a name made of the day and a hash of
  ``commandcenter/demo`` and ``commandcenter/storage`` (a changed generator or schema builds it
  again; ``--rebuild`` forces it), and copied for each run with SQLite's backup.
- **Cameras.** ``tests/rtsp_server.py`` (GStreamer's RTSP server fed by ffmpeg, started by
  ``bench/video.py``'s ``start_server``) with 9 cameras, 640 x 360 main and sub streams at
  25 fps. The first 9 of the duty officer's cameras are pointed at it through the camera
  registry (the administrator's ``update_camera``: the wall reads its cameras from the
  database), and the duty officer saves a tour of those 9 (``save_tour``).
- **Profile** (built in code, ``parse_profile``): page 1 "视频" has a video panel of 8 x 6 of
  12 x 6 cells, layout "9", playing that tour (a 3 x 3 block of tiles of about 840 x 320 px:
  the sub streams), beside a clock, KPI tiles and the ticker; page 2 "地图与案件" has the map,
  the board summary, KPI tiles, clock and ticker, and no video. Each page shows ``--dwell``
  seconds (default 20) and the display rotates by its own timer.

What the wall does while the page without video shows: nothing decodes. Hiding the page hides
its ``VideoWall``, whose ``hideEvent`` releases every stream (the workers are told to stop and
not waited for); when the video page comes back its ``showEvent`` starts 9 new workers, which
open the RTSP streams again (a new viewer waits for the next keyframe, one a second). So every
showing of the video page begins without pictures (the tiles keep their last, old picture, the
badge says "connecting") until each stream's first new frame.

**Measured** (the bench watches from outside: ``bench/video.py``'s ``WallProbe`` wraps each
tile's ``set_frame`` and filters its paint events):

- frames shown per tile per second (goal >= 24): frames put on a tile and then painted, counted
  while the video page is shown, from the tile's first new picture in each showing to the page
  leaving, over that time; the worst tile (and which) and the median over the 9 tiles, per
  minute and for the whole run, and the same as a share of what the server sends (25 fps).
  Beside it the frames per tile over the whole time the page was shown (reconnection included)
  and the time from the page showing to each tile's first new picture;
- memory and threads: process RSS, its anonymous part (heaps: ``RssAnon``) and USS
  (``/proc/self/status``, ``/proc/self/smaps_rollup``; USS moves when other processes mapping
  the same libraries start or end), Python's allocated blocks, Python threads, OS threads
  (``/proc/self/task``, with their names), stream threads and the console's thread pools'
  active threads (``QThreadPool``), at the start (every tile live), once a minute, at the end
  of every page showing (half a second before the page leaves: the same moment of the cycle
  each time, so that figures compare like with like), at the end (and once more after glibc's
  ``malloc_trim(0)``: what is left is in use) and after shut-down. Goals: memory growth < 5 %
  (RSS at the end of the last video showing against the end of the first video showing after
  ``--warmup`` seconds, default 120: the first three or four cycles grow the heap as the map
  page first draws and the decoder threads get their allocator arenas; reported against the
  start too) and no thread growth (OS threads at the end of the last video showing and of the
  last map showing, against the first of each after the warm-up);
- the worst GUI gap: a 10 ms precise timer in the GUI thread; the longest time between two of
  its ticks (and when: which page, how long after it showed), the 99th percentile and the
  gaps over 100 ms, each with the GUI thread's time on a CPU and waiting for one during it
  (``/proc/self/task/TID/schedstat``): busy, starved by other threads and processes, or
  blocked. ``--stalls`` adds a sampling thread that records where the GUI thread is in Python
  while the timer is late;
- CPU of the process, its GUI thread, the RTSP server, the machine; the load average at the
  start and the end (other jobs on the machine count: they are part of the figures).

The RTSP server is watched every second: if it ends, the run stops at once, says so with the
server's last log lines and exits with status 2 (the JSON line says ``"server_crashed": true``).
At the end the display is closed (its panels stop their streams and wait for the threads), the
console's thread pools are waited for, the server is stopped; threads left are reported.

    .venv/bin/python bench/wall_soak.py                 # 10 minutes, pages of 20 s
    .venv/bin/python bench/wall_soak.py --quick         # 15 s of wall, pages of 5 s (about 22 s)
    .venv/bin/python bench/wall_soak.py --minutes 60 --dwell 30

The last line of the output is one line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/video.py, run as a script
sys.path.insert(0, str(ROOT))

import video as video_bench  # noqa: E402

CAMERAS = 9
LAYOUT = "9"
SIZE = (3840, 1080)
SCREEN_HEIGHT_MM = 684.0  # a 55" screen, as run.py --wall --screenshot assumes
FPS = video_bench.FPS  # what the server sends per camera
STREAM = video_bench.SUB  # 640 x 360, main and sub
TOUR_NAME = "压力测试九路"
TOUR_DWELL_S = 15  # one page of 9 cameras: the tour refills the same tiles
FPS_GOAL = 24.0
MEMORY_GROWTH_GOAL_PCT = 5.0
HEARTBEAT_MS = 10
PHASE_BEFORE_LEAVE_MS = 500  # the end-of-page sample, this long before the page leaves
FIRST_PICTURES_TIMEOUT_S = 60.0
CACHE = Path(tempfile.gettempdir()) / "commandcenter-bench-wall"
CLIPS = Path(tempfile.gettempdir()) / "commandcenter-bench-clips"  # as bench/server.py


def log(message: str) -> None:
    print(message, flush=True)


# --- the demo district: built once, copied per run -------------------------------------------


def demo_fingerprint() -> str:
    """A hash of the generator and the schema: a cached district made by other code is stale."""
    digest = hashlib.sha1()
    for folder in ("commandcenter/demo", "commandcenter/storage"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def demo_copy(target: Path, rebuild: bool) -> tuple[str, float | None]:
    """A copy of today's demo district at ``target``; the build's seconds (None if cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    template = CACHE / f"demo-{dt.date.today().isoformat()}-{demo_fingerprint()}.db"
    built_s = None
    if rebuild or not template.exists():
        for old in CACHE.glob("demo-*.db*"):
            old.unlink()
        began = time.perf_counter()
        partial = template.with_suffix(".building")
        partial.unlink(missing_ok=True)
        command = [
            sys.executable,
            "-m",
            "commandcenter",
            "demo",
            "--db",
            f"sqlite:///{partial}",
            "--clips",
            str(CLIPS),
        ]
        log(f"building the demo district: commandcenter {' '.join(command[3:])}")
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"commandcenter demo failed ({done.returncode}):\n{done.stderr[-2000:]}")
        partial.rename(template)
        built_s = time.perf_counter() - began
    with (
        contextlib.closing(sqlite3.connect(template)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)  # the file alone could miss pages still in the WAL
    return f"sqlite:///{target}", built_s


def point_cameras_at(center, server) -> tuple[list, object]:
    """The first 9 of the duty officer's cameras play the RTSP server's streams (changed
    through the camera registry, as an administrator), and a tour of them (saved as the duty
    officer). Returns the cameras and the duty officer's backend."""
    from commandcenter.video.wall import Tour

    admin, duty = center.demo_login("admin"), center.demo_login("duty")
    cameras = duty.camera_list()[:CAMERAS]
    if len(cameras) < CAMERAS:
        sys.exit(f"the demo's duty officer sees {len(cameras)} cameras, {CAMERAS} wanted")
    for k, camera in enumerate(cameras, start=1):
        stored = admin.stored_camera(camera.id)
        data = dataclasses.replace(
            stored.data, main_url=server.url(k), sub_url=server.url(k, sub=True)
        )
        admin.update_camera(camera.id, data)
    duty.save_tour(Tour(TOUR_NAME, tuple(c.id for c in cameras), TOUR_DWELL_S))
    return cameras, duty


def soak_profile(dwell_s: int):
    from commandcenter.display import parse_profile

    return parse_profile(
        {
            "title": "网格化服务管理指挥中心",
            "viewing_distance_m": 5,
            "pause_after_input_s": 60,
            "pages": [
                {
                    "name": "视频",
                    "seconds": dwell_s,
                    "rows": 6,
                    "columns": 12,
                    "panels": [
                        {"kind": "video", "row": 0, "col": 0, "row_span": 6, "col_span": 8,
                         "layout": LAYOUT, "tour": TOUR_NAME},
                        {"kind": "clock", "row": 0, "col": 8, "col_span": 4},
                        {"kind": "kpi", "row": 1, "col": 8, "row_span": 4, "col_span": 4},
                        {"kind": "ticker", "row": 5, "col": 8, "col_span": 4},
                    ],
                },
                {
                    "name": "地图与案件",
                    "seconds": dwell_s,
                    "rows": 6,
                    "columns": 12,
                    "panels": [
                        {"kind": "map", "row": 0, "col": 0, "row_span": 6, "col_span": 6},
                        {"kind": "board", "row": 0, "col": 6, "row_span": 6, "col_span": 3},
                        {"kind": "kpi", "row": 0, "col": 9, "row_span": 4, "col_span": 3},
                        {"kind": "clock", "row": 4, "col": 9, "col_span": 3},
                        {"kind": "ticker", "row": 5, "col": 9, "col_span": 3},
                    ],
                },
            ],
        }
    )  # fmt: skip


# --- the process from /proc -------------------------------------------------------------------


def smaps_mib() -> dict[str, float]:
    """USS (private pages) and PSS of this process, MiB."""
    values = {}
    try:
        with open("/proc/self/smaps_rollup") as file:
            for line in file:
                key, _, rest = line.partition(":")
                if key in ("Pss", "Private_Clean", "Private_Dirty"):
                    values[key] = int(rest.split()[0]) / 1024
    except OSError:
        return {}
    return {"uss": values["Private_Clean"] + values["Private_Dirty"], "pss": values["Pss"]}


def os_thread_names() -> Counter:
    names: Counter = Counter()
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError), open(f"/proc/self/task/{tid}/comm") as file:
            names[file.read().strip()] += 1
    return names


def pool_threads() -> dict[str, int]:
    """Active threads of Qt's global pool and of the console's named pools."""
    from PySide6.QtCore import QThreadPool

    from ui.common import tasks

    active = {"global": QThreadPool.globalInstance().activeThreadCount()}
    active |= {name: p.activeThreadCount() for name, p in tasks._pools.items()}
    return active


def anon_mib() -> float:
    """The process's anonymous resident memory (heaps, arenas, buffers: no mapped files)."""
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


def malloc_trim() -> dict | None:
    """glibc's ``malloc_trim(0)`` (free heap handed back to the system), then RSS and anonymous
    memory: what is left is memory in use, not memory the allocator keeps for later."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return None
    return {"rss_mib": round(video_bench.rss_mib(), 1), "anon_mib": round(anon_mib(), 1)}


def process_sample(walls=()) -> dict:
    memory = smaps_mib()
    return {
        "t": time.monotonic(),
        "rss_mib": round(video_bench.rss_mib(), 1),
        "anon_mib": round(anon_mib(), 1),
        "uss_mib": round(memory.get("uss", 0.0), 1),
        "pss_mib": round(memory.get("pss", 0.0), 1),
        "py_blocks": sys.getallocatedblocks(),
        "py_threads": threading.active_count(),
        "os_threads": len(os.listdir("/proc/self/task")),
        "stream_threads": len(video_bench.stream_threads()),
        "registry_threads": sum(w.registry.alive_threads() for w in walls),
        "pool_active": pool_threads(),
    }


def show_sample(sample: dict) -> str:
    return (
        f"RSS {sample['rss_mib']:.1f} MiB (anonymous {sample['anon_mib']:.1f}, USS "
        f"{sample['uss_mib']:.1f}), Python blocks "
        f"{sample['py_blocks']:,}; threads: Python {sample['py_threads']}, OS "
        f"{sample['os_threads']}, stream {sample['stream_threads']}; pools active "
        + ", ".join(f"{k} {v}" for k, v in sample["pool_active"].items())
    )


def pct(new: float, old: float) -> float | None:
    return round((new - old) / old * 100, 2) if old else None


def spread(values: list[float], digits: int = 2) -> dict:
    if not values:
        return {"min": None, "median": None, "max": None}
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
    }


# --- watching the tiles -------------------------------------------------------------------------


class SoakProbe(video_bench.WallProbe):
    """``WallProbe`` plus what a rotating page needs: per tile, the frames painted after its
    first new picture in each showing of the page, and the seconds they span."""

    def __init__(self, wall, cameras):
        super().__init__(wall, cameras)
        count = len(self.tiles)
        self.fresh = [False] * count  # a frame was put on the tile since its last paint
        self.steady_from: list[float | None] = [None] * count
        self.frames = [0] * count  # painted after the first picture, since the last take()
        self.seconds = [0.0] * count
        self.showing_frames = [0] * count  # painted during this showing, the first too
        self.first_delays: list[float | None] = [None] * count  # this showing's
        self.visible = False
        self.shown_at = 0.0

    def _wrap(self, i, tile, original):
        wrapped = super()._wrap(i, tile, original)

        def set_frame(frame) -> None:
            wrapped(frame)
            self.fresh[i] = True

        return set_frame

    def on_paint(self, tile) -> None:
        super().on_paint(tile)
        i = self.index.get(tile)
        if i is None or not self.fresh[i]:
            return
        self.fresh[i] = False
        if not self.visible:
            return
        now = time.monotonic()
        self.showing_frames[i] += 1
        if self.steady_from[i] is None:
            self.steady_from[i] = now
            self.first_delays[i] = now - self.shown_at
        else:
            self.frames[i] += 1

    def page_shown(self, now: float, *, live: bool = False) -> None:
        """The video page is on screen (``live``: its tiles play already, count from now)."""
        self.visible, self.shown_at = True, now
        self.steady_from = [now if live else None for _ in self.tiles]
        self.first_delays = [0.0 if live else None for _ in self.tiles]
        self.showing_frames = [0] * len(self.tiles)
        self.fresh = [False] * len(self.tiles)

    def page_hidden(self, now: float) -> None:
        self._flush(now, None)
        self.visible = False

    def _flush(self, now: float, restart: float | None) -> None:
        for i, since in enumerate(self.steady_from):
            if since is not None:
                self.seconds[i] += now - since
                self.steady_from[i] = restart

    def take(self, now: float) -> tuple[list[int], list[float]]:
        """Frames and seconds per tile since the last call."""
        if self.visible:
            for i, since in enumerate(self.steady_from):
                if since is not None:
                    self.seconds[i] += now - since
                    self.steady_from[i] = now
        taken = self.frames, self.seconds
        self.frames, self.seconds = [0] * len(self.tiles), [0.0] * len(self.tiles)
        return taken


class Heartbeat:
    """A 10 ms precise timer in the GUI thread: the gaps between its ticks are how long the
    GUI thread could not paint (a frame gap on screen). For each gap the GUI thread's time on
    a CPU and waiting for one (``/proc/self/task/TID/schedstat``) say whether it was busy,
    starved of CPU by other threads and processes, or blocked (neither)."""

    LONG_S = 0.05

    def __init__(self, where):
        from PySide6.QtCore import Qt, QTimer

        self.where = where  # () -> text: the page and the seconds since it showed
        self.stat = os.open(f"/proc/self/task/{threading.get_native_id()}/schedstat", os.O_RDONLY)
        self.histogram = video_bench.Histogram()
        self.last = time.monotonic()
        self.last_stat = self.schedstat()
        self._reset()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self.beat)

    def _reset(self) -> None:
        self.worst = (0.0, "", 0.0, 0.0)  # gap, where, on CPU, waiting for a CPU (s)
        self.over_100ms = 0
        self.long = [0.0, 0.0, 0.0]  # gaps over LONG_S: their seconds, on CPU, waiting

    def schedstat(self) -> tuple[float, float]:
        on_cpu, waiting = os.pread(self.stat, 100, 0).split()[:2]
        return int(on_cpu) / 1e9, int(waiting) / 1e9

    def start(self) -> None:
        self.last, self.last_stat = time.monotonic(), self.schedstat()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        os.close(self.stat)

    def beat(self) -> None:
        now, stat = time.monotonic(), self.schedstat()
        gap, on_cpu, waiting = (
            now - self.last,
            stat[0] - self.last_stat[0],
            stat[1] - self.last_stat[1],
        )
        self.last, self.last_stat = now, stat
        self.histogram.add((gap,))
        if gap > 0.1:
            self.over_100ms += 1
        if gap > self.LONG_S:
            for k, value in enumerate((gap, on_cpu, waiting)):
                self.long[k] += value
        if gap > self.worst[0]:
            self.worst = (gap, self.where(), on_cpu, waiting)

    def take(self) -> dict:
        gap, where, on_cpu, waiting = self.worst
        taken = {
            "worst_ms": round(gap * 1e3, 1),
            "worst_at": where,
            "worst_on_cpu_ms": round(on_cpu * 1e3, 1),
            "worst_waiting_for_cpu_ms": round(waiting * 1e3, 1),
            "p99_ms": self.histogram.ms(0.99),
            "over_100ms": self.over_100ms,
            "over_50ms_s": round(self.long[0], 2),
            "over_50ms_on_cpu_s": round(self.long[1], 2),
            "over_50ms_waiting_for_cpu_s": round(self.long[2], 2),
            "ticks": self.histogram.total,
        }
        self.histogram = video_bench.Histogram()
        self._reset()
        return taken


class StallSampler(threading.Thread):
    """``--stalls``: while the heartbeat is more than 50 ms late, every 10 ms, where the GUI
    thread is in Python (the innermost frames in the project's code): what the gaps were
    spent on. One Python thread more while it runs."""

    def __init__(self, heartbeat: Heartbeat, late_s: float = 0.05):
        super().__init__(name="bench-stall-sampler", daemon=True)
        self.heartbeat, self.late_s = heartbeat, late_s
        self.main = threading.main_thread().ident
        self.places: Counter = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.01):
            if time.monotonic() - self.heartbeat.last < self.late_s:
                continue
            frame = sys._current_frames().get(self.main)
            mine = []
            while frame is not None and len(mine) < 3:
                path = frame.f_code.co_filename
                if path.startswith(str(ROOT)) and "/.venv/" not in path:
                    name = Path(path).relative_to(ROOT)
                    mine.append(f"{name}:{frame.f_lineno} {frame.f_code.co_name}")
                frame = frame.f_back
            self.places[" < ".join(mine) or "?"] += 1


# --- the run ------------------------------------------------------------------------------------


def run(args) -> dict:
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from commandcenter.backend import LocalCenter
    from ui.common import i18n, tasks
    from ui.common.style import apply_style
    from ui.common.tasks import GuiThreadGarbageCollector, favour_gui_thread
    from ui.display.window import WallDisplay

    figures: dict = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-wall-soak-"))
    os.environ["COMMANDCENTER_DATA_DIR"] = str(folder / "data")  # nothing of the user's
    began = time.perf_counter()
    url, built_s = demo_copy(folder / "demo.db", args.rebuild)
    figures["demo_build_s"] = None if built_s is None else round(built_s, 1)
    how = f"built in {built_s:.1f} s" if built_s is not None else "from the cache"
    log(f"demo district {how}, copied in {time.perf_counter() - began - (built_s or 0):.1f} s")
    server = video_bench.start_server(
        streams=CAMERAS, width=STREAM[0], height=STREAM[1], fps=FPS, sub=STREAM
    )
    log(f"RTSP server (pid {server.pid}): {CAMERAS} cameras {STREAM[0]}x{STREAM[1]} at {FPS} fps")
    center = display = None
    crashed: dict = {}
    try:
        center = LocalCenter.open_existing(url)
        cameras, backend = point_cameras_at(center, server)
        app = QApplication.instance() or QApplication([sys.argv[0]])
        QCoreApplication.setApplicationName("GridCommandCenterBench")
        i18n.install_language(app, "zh_CN")
        apply_style(app)
        collector = GuiThreadGarbageCollector(app)  # noqa: F841 - kept alive, as ui/app.py does
        favour_gui_thread()  # the console's GIL switch interval, as ui/app.py sets it
        before = process_sample()
        before["names"] = os_thread_names()
        log(f"before the wall: {show_sample(before)}")

        profile = soak_profile(args.dwell)
        display = WallDisplay(backend, profile)
        display.setFixedSize(*SIZE)
        display.set_type_size(profile.type_size_px(SIZE[1], SCREEN_HEIGHT_MM))
        panel = display.panels_of("video", 0)[0]
        wall = panel.wall
        walls = [p.wall for p in display.panels_of("video")]
        probe = SoakProbe(wall, cameras)
        page_ms = [page.seconds * 1000 for page in profile.pages]

        state = {"page": 0, "since": 0.0, "measuring": False}
        showings: list[dict] = []  # the video page's showings while measuring
        phase: dict[str, list[dict]] = {"video": [], "map": []}  # end-of-page samples

        def where() -> str:
            return f"page {state['page'] + 1} +{time.monotonic() - state['since']:.1f} s"

        heartbeat = Heartbeat(where)

        def end_of_page() -> None:
            if not state["measuring"]:
                return
            sample = process_sample(walls)
            sample["names"] = os_thread_names()
            sample["live_tiles"] = sum(t.state is not None and t.state.value == "live"
                                       for t in probe.tiles)  # fmt: skip
            phase["video" if state["page"] == 0 else "map"].append(sample)

        phase_timer = QTimer()  # one timer, restarted as each page shows
        phase_timer.setSingleShot(True)
        phase_timer.setTimerType(Qt.TimerType.PreciseTimer)
        phase_timer.timeout.connect(end_of_page)

        def arm_end_of_page() -> None:
            phase_timer.start(max(0, page_ms[state["page"]] - PHASE_BEFORE_LEAVE_MS))

        def on_page(index: int) -> None:
            now = time.monotonic()
            if state["page"] == 0 and index != 0 and probe.visible:
                probe.page_hidden(now)
                if state["measuring"]:
                    showings.append(
                        {
                            "seconds": now - state["since"],
                            "frames": list(probe.showing_frames),
                            "first_delays": list(probe.first_delays),
                            "partial": state.get("partial", False),
                        }
                    )
            state.update(page=index, since=now, partial=False)
            if index == 0:
                probe.page_shown(now)
            arm_end_of_page()

        display.pageChanged.connect(on_page)

        def run_for(seconds: float) -> None:
            loop = QEventLoop()
            QTimer.singleShot(round(seconds * 1000), loop.quit)
            watch = QTimer()
            watch.setInterval(1000)

            def check_server() -> None:
                if not server.running and not crashed:
                    codes = {
                        name: process.poll() if process is not None else None
                        for name, process in (("server", server._server), ("ffmpeg", server._feed))
                    }  # a negative code is the signal that ended it
                    crashed.update(
                        at_s=round(time.monotonic() - figures.get("t0", time.monotonic()), 1),
                        exit_codes=codes,
                        log_tail=server.log_tail(15),
                    )
                    log(
                        f"!! the RTSP server ended (exit codes {codes}) after "
                        f"{crashed['at_s']} s of measuring: stopping the run"
                    )
                if crashed:
                    loop.quit()

            watch.timeout.connect(check_server)
            watch.start()
            loop.exec()
            watch.stop()

        opened = time.monotonic()
        display.show()
        display.start()
        state["since"] = opened
        probe.page_shown(opened)
        arm_end_of_page()

        def all_live() -> bool:
            """Every tile of the video page plays its RTSP camera and has a picture of it."""
            if state["page"] != 0 or display.console.dashboard is None:
                return False
            for tile in probe.tiles:
                camera = tile.camera
                worker = wall.registry.get(camera.id) if camera is not None else None
                if worker is None or not worker.url.startswith("rtsp:"):
                    return False
                if tile.worker is not worker or tile.frame_number == 0:
                    return False
            return True

        while not all_live():
            if time.monotonic() - opened > FIRST_PICTURES_TIMEOUT_S or crashed:
                healths = [str(t.health) for t in probe.tiles]
                raise RuntimeError(
                    f"not every tile had a picture of its RTSP camera within "
                    f"{FIRST_PICTURES_TIMEOUT_S:g} s (server running: {server.running}): "
                    + "; ".join(healths)
                )
            run_for(0.05)
        live_s = time.monotonic() - opened
        tile_size = probe.tiles[0].image.width(), probe.tiles[0].image.height()
        kinds = Counter(t.stream_kind for t in probe.tiles)
        log(
            f"wall {SIZE[0]}x{SIZE[1]} open; every tile live {live_s:.1f} s after show (data "
            f"loaded, tour started, streams opened); tile picture {tile_size[0]}x{tile_size[1]}, "
            f"streams {dict(kinds)}; pages of {args.dwell} s"
        )

        # Measuring from now: the first showing counts from here (its tiles play already).
        now = time.monotonic()
        probe.page_shown(now, live=True)
        state["partial"] = True
        probe.recording = True
        probe.take_latencies()
        probe.take(now)
        heartbeat.start()
        sampler = StallSampler(heartbeat) if args.stalls else None
        if sampler is not None:
            sampler.start()
        state["measuring"] = True
        figures["t0"] = now
        start = process_sample(walls)
        start["names"] = os_thread_names()
        log(f"start: {show_sample(start)}")
        gui_tid = threading.main_thread().native_id

        def cpu_sample() -> dict:
            busy, total = video_bench.machine_jiffies()
            return {
                "t": time.monotonic(),
                "process": video_bench.process_cpu(),
                "gui": video_bench.thread_cpu(gui_tid),
                "server": video_bench.group_cpu(server.pid) if server.pid else 0.0,
                "busy": busy,
                "total": total,
                "skipped": sum(probe.skipped),
                "hook": probe.hook_cpu,
            }

        blocks = max(1, round(args.minutes)) if args.minutes >= 1 else 1
        block_s = args.minutes * 60 / blocks
        minute_rows = []
        whole_frames, whole_seconds = [0] * CAMERAS, [0.0] * CAMERAS
        latencies = video_bench.Histogram()
        gaps_whole: dict = {"worst_ms": 0.0}
        summed = ("over_100ms", "over_50ms_s", "over_50ms_on_cpu_s", "over_50ms_waiting_for_cpu_s")
        gap_histogram = video_bench.Histogram()
        first_cpu = previous_cpu = cpu_sample()
        for number in range(1, blocks + 1):
            run_for(block_s)
            now = time.monotonic()
            frames, seconds = probe.take(now)
            for i in range(CAMERAS):
                whole_frames[i] += frames[i]
                whole_seconds[i] += seconds[i]
            _, _, paint = probe.take_latencies()
            latencies.add(paint)
            gap_histogram.merge(heartbeat.histogram)
            gaps = heartbeat.take()
            totals = {k: round(gaps_whole.get(k, 0) + gaps[k], 2) for k in summed}
            if gaps["worst_ms"] >= gaps_whole["worst_ms"]:
                gaps_whole = {k: v for k, v in gaps.items() if k.startswith("worst")}
            gaps_whole |= totals
            cpu = cpu_sample()
            sample = process_sample(walls)
            rates = [f / s for f, s in zip(frames, seconds, strict=True) if s >= 1.0]
            span = cpu["t"] - previous_cpu["t"]
            row = {
                "minute": number,
                "t_s": round(now - figures["t0"], 1),
                "fps_per_tile": spread(rates),
                "video_s_per_tile": round(max(seconds), 1),
                "gui_gap": gaps,
                "cpu_process_pct_of_core": round(
                    (cpu["process"] - previous_cpu["process"]) / span * 100, 1
                ),
                "cpu_gui_pct_of_core": round((cpu["gui"] - previous_cpu["gui"]) / span * 100, 1),
                "cpu_server_pct_of_core": round(
                    (cpu["server"] - previous_cpu["server"]) / span * 100, 1
                ),
                "machine_busy_pct": round(
                    (cpu["busy"] - previous_cpu["busy"])
                    / max(1, cpu["total"] - previous_cpu["total"])
                    * 100,
                    1,
                ),
                "load_1min": round(os.getloadavg()[0], 2),
            } | {k: v for k, v in sample.items() if k != "t"}
            previous_cpu = cpu
            minute_rows.append(row)
            fps = row["fps_per_tile"]
            log(
                f"  minute {number:>2} (t {row['t_s']:.0f} s): {show_sample(sample)}; frames per "
                f"tile per second min {fps['min']}, median {fps['median']} "
                f"({row['video_s_per_tile']:.0f} s of live video a tile); GUI gap worst "
                f"{gaps['worst_ms']:.0f} ms ({gaps['worst_at']}; on a CPU "
                f"{gaps['worst_on_cpu_ms']:.0f} ms, waiting for one "
                f"{gaps['worst_waiting_for_cpu_ms']:.0f} ms), p99 {gaps['p99_ms']} ms; CPU "
                f"process {row['cpu_process_pct_of_core']:.0f} % of a core (GUI "
                f"{row['cpu_gui_pct_of_core']:.0f}), server {row['cpu_server_pct_of_core']:.0f} "
                f"%, machine {row['machine_busy_pct']:.0f} % of {video_bench.CORES} cores; load "
                f"{row['load_1min']}"
            )
            if crashed:
                break
        state["measuring"] = False
        phase_timer.stop()
        heartbeat.stop()
        if sampler is not None:
            sampler.stop.set()
            sampler.join()
            figures["stalls_10ms"] = dict(sampler.places.most_common(15))
            log("where the GUI thread was while the heartbeat was late (10 ms samples):")
            for place, count in sampler.places.most_common(15):
                log(f"  {count:>5}  {place}")
        probe.recording = False
        end = process_sample(walls)
        end["names"] = os_thread_names()
        measured_s = time.monotonic() - figures["t0"]
        log(f"end (t {measured_s:.0f} s): {show_sample(end)}")
        trimmed = malloc_trim()
        if trimmed is not None:
            log(
                f"  then glibc's malloc_trim(0) gives back free heap: RSS {trimmed['rss_mib']} MiB,"
                f" anonymous {trimmed['anon_mib']} MiB"
            )
        cpu = cpu_sample()
        span = cpu["t"] - first_cpu["t"]
        healths = [t.health for t in probe.tiles]

        # Shut-down as the wall's window closes: the panels stop their streams and wait.
        stop_began = time.monotonic()
        display.close()
        pools_done = tasks.wait_for_all()
        stop_s = time.monotonic() - stop_began
        for _ in range(3):
            app.processEvents()
        time.sleep(0.2)
        after = process_sample(walls)
        after["names"] = os_thread_names()
        log(
            f"after shut-down ({stop_s:.1f} s, pools done: {pools_done}): {show_sample(after)}; "
            f"OS threads left over the ones before the wall: "
            f"{dict(after['names'] - before['names']) or 'none'}"
        )
        display.deleteLater()
        display = None
    finally:
        if display is not None:
            display.close()
            tasks.wait_for_all()
        server_alive_at_end = server.running
        server.stop()
        if center is not None:
            center.close()
        shutil.rmtree(folder, ignore_errors=True)

    # --- figures ---------------------------------------------------------------------------
    names = [c.name for c in cameras]
    steady = [f / s if s else 0.0 for f, s in zip(whole_frames, whole_seconds, strict=True)]
    worst_tile = min(range(CAMERAS), key=lambda i: steady[i])
    complete = [s for s in showings if not s["partial"]]
    showing_rates = [
        sum(s["frames"][i] for s in complete) / sum(s["seconds"] for s in complete)
        for i in range(CAMERAS)
    ] if complete else []  # fmt: skip
    delays = [d for s in complete for d in s["first_delays"] if d is not None]
    tile_showings = [  # each tile in each complete showing, from its first new picture on
        (s["frames"][i] - 1) / (s["seconds"] - s["first_delays"][i])
        for s in complete
        for i in range(CAMERAS)
        if s["first_delays"][i] is not None and s["seconds"] - s["first_delays"][i] >= 1.0
    ]
    never = sum(d is None for s in complete for d in s["first_delays"])

    def after_warmup(samples: list[dict]) -> dict | None:
        """The first sample after the warm-up, if a later one can be compared with it."""
        later = [s for s in samples if s["t"] - figures["t0"] >= args.warmup]
        return later[0] if len(later) >= 2 else None

    def slim(sample: dict | None) -> dict | None:
        if sample is None:
            return None
        kept = {k: v for k, v in sample.items() if k not in ("t", "names")}
        return kept | {"t_s": round(sample["t"] - figures["t0"], 1)}

    video_phase, map_phase = phase["video"], phase["map"]
    warm_video, last_video = after_warmup(video_phase), (video_phase or [None])[-1]
    warm_map, last_map = after_warmup(map_phase), (map_phase or [None])[-1]
    rss_start = start["rss_mib"]
    rss_warm = warm_video["rss_mib"] if warm_video else None
    rss_end = last_video["rss_mib"] if last_video else end["rss_mib"]
    growth_warm = pct(rss_end, rss_warm) if rss_warm else None
    growth_start = pct(rss_end, rss_start)

    def thread_growth(first: dict | None, last: dict | None) -> dict | None:
        if first is None or last is None:
            return None
        return {
            "os": last["os_threads"] - first["os_threads"],
            "python": last["py_threads"] - first["py_threads"],
            "stream": last["stream_threads"] - first["stream_threads"],
            "new_names": dict(last["names"] - first["names"]),
            "from_t_s": round(first["t"] - figures["t0"], 1),
            "to_t_s": round(last["t"] - figures["t0"], 1),
        }

    growth_video = thread_growth(warm_video, last_video)
    growth_map = thread_growth(warm_map, last_map)
    fps_min = round(min(steady), 2)
    # Growth needs two samples of the same moment of the cycle after the warm-up; a run too
    # short for that (--quick) leaves the two goals unmeasured (None).
    goals_met = {
        "fps": fps_min >= FPS_GOAL,
        "memory": growth_warm < MEMORY_GROWTH_GOAL_PCT if growth_warm is not None else None,
        "threads": (
            all(g["os"] <= 0 for g in (growth_video, growth_map))
            if growth_video is not None and growth_map is not None
            else None
        ),
    }
    if crashed:
        goals_met = {k: False for k in goals_met}
    figures |= {
        "measured_s": round(measured_s, 1),
        "first_all_live_s": round(live_s, 1),
        "tile_picture": list(tile_size),
        "streams_played": dict(kinds),
        "video_showings": len(showings),
        "video_showings_complete": len(complete),
        "fps_per_tile": spread(steady)
        | {
            "worst_tile": names[worst_tile],
            "tiles": [round(r, 2) for r in steady],
            "ratio_to_server_min": round(min(steady) / FPS, 3),
            "ratio_to_server_median": round(statistics.median(steady) / FPS, 3),
        },
        "fps_per_tile_and_showing": spread(tile_showings) | {"n": len(tile_showings)},
        "fps_per_tile_over_whole_showings": spread(showing_rates),
        "first_picture_after_page_shows_s": spread(delays)
        | {"tiles_measured": len(delays), "tiles_without_picture": never},
        "decoded_frames_never_shown": cpu["skipped"] - first_cpu["skipped"],
        "latency_paint_ms": latencies.summary(),
        "unreadable_pictures": probe.unreadable,
        "gui_gap": gaps_whole | {"p99_ms": gap_histogram.ms(0.99)},
        "cpu_process_pct_of_core": round((cpu["process"] - first_cpu["process"]) / span * 100, 1),
        "cpu_gui_pct_of_core": round((cpu["gui"] - first_cpu["gui"]) / span * 100, 1),
        "cpu_bench_probe_pct_of_core": round((cpu["hook"] - first_cpu["hook"]) / span * 100, 1),
        "cpu_server_pct_of_core": round((cpu["server"] - first_cpu["server"]) / span * 100, 1),
        "machine_busy_pct": round(
            (cpu["busy"] - first_cpu["busy"]) / max(1, cpu["total"] - first_cpu["total"]) * 100, 1
        ),
        "memory": {
            "before_wall": slim(before),
            "start": slim(start),
            "after_warmup": slim(warm_video),
            "end": slim(last_video),
            "end_of_run": slim(end),
            "end_of_run_after_malloc_trim": trimmed,
            "after_shutdown": slim(after),
            "rss_growth_pct_vs_start": growth_start,
            "rss_growth_pct_vs_warmup": growth_warm,
            "anon_growth_pct_vs_warmup": (
                pct(last_video["anon_mib"], warm_video["anon_mib"]) if warm_video else None
            ),
            "py_blocks_growth_vs_warmup": (
                last_video["py_blocks"] - warm_video["py_blocks"] if warm_video else None
            ),
            "end_of_video_pages_rss_mib": [s["rss_mib"] for s in video_phase],
            "end_of_map_pages_rss_mib": [s["rss_mib"] for s in map_phase],
            "end_of_video_pages_anon_mib": [s["anon_mib"] for s in video_phase],
        },
        "threads": {
            "growth_video_page": growth_video,
            "growth_map_page": growth_map,
            "end_of_video_pages_os": [s["os_threads"] for s in video_phase],
            "end_of_map_pages_os": [s["os_threads"] for s in map_phase],
            "end_of_map_pages_stream": [s["stream_threads"] for s in map_phase],
            "live_tiles_at_end_of_video_pages": [s["live_tiles"] for s in video_phase],
            "os_after_shutdown_over_before_wall": after["os_threads"] - before["os_threads"],
            "left_after_shutdown": dict(after["names"] - before["names"]),
            "stream_threads_after_shutdown": after["stream_threads"],
        },
        "reconnects_last_showing": sum(h.reconnects for h in healths if h is not None),
        "shutdown_s": round(stop_s, 2),
        "pools_done": pools_done,
        "server_crashed": bool(crashed) or not server_alive_at_end,
        "server_crash": crashed or None,
        "per_minute": [
            {k: v for k, v in row.items() if k not in ("names",)} for row in minute_rows
        ],
        "goals_met": goals_met,
    }
    figures.pop("t0", None)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="15 s of wall, pages of 5 s")
    parser.add_argument("--minutes", type=float, default=10.0, help="the wall's run (default 10)")
    parser.add_argument("--dwell", type=int, help="seconds per page (default 20, quick 5)")
    parser.add_argument("--warmup", type=float, help="seconds before the memory baseline (120)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo district again")
    parser.add_argument(
        "--stalls", action="store_true", help="sample where the GUI thread is while it is late"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.minutes = 0.25
    args.dwell = args.dwell or (5 if args.quick else 20)
    args.warmup = args.warmup if args.warmup is not None else (5.0 if args.quick else 120.0)
    started = time.perf_counter()
    load_start = os.getloadavg()
    log(
        f"{video_bench.CORES} cores; load average {' '.join(f'{v:.2f}' for v in load_start)}; "
        f"the wall for {args.minutes:g} min, pages of {args.dwell} s, warm-up {args.warmup:g} s"
    )
    figures = run(args)
    load_end = os.getloadavg()
    total_s = time.perf_counter() - started
    fps, memory, threads = figures["fps_per_tile"], figures["memory"], figures["threads"]
    met = figures["goals_met"]

    def verdict(ok: bool | None) -> str:
        return "not measured, too short a run" if ok is None else "met" if ok else "MISSED"

    if figures["server_crashed"]:
        crash = figures["server_crash"] or {}
        log(
            f"THE RTSP SERVER ENDED during the run (at {crash.get('at_s', '?')} s of measuring, "
            f"exit codes {crash.get('exit_codes')}): the figures below stop there and no goal "
            f"counts. Its last log lines:\n{crash.get('log_tail') or '(none)'}"
        )
    log(
        f"Frames shown per tile per second (painted, from each tile's first new picture in a "
        f"showing of the video page to the page leaving): worst tile {fps['min']} "
        f"({fps['worst_tile']}), median {fps['median']}, best {fps['max']} — goal >= "
        f"{FPS_GOAL:g}: {verdict(met['fps'])}; {fps['ratio_to_server_min']:.3f} of the "
        f"{FPS} fps the server sends (median {fps['ratio_to_server_median']:.3f})"
    )
    whole = figures["fps_per_tile_over_whole_showings"]
    first = figures["first_picture_after_page_shows_s"]
    each = figures["fps_per_tile_and_showing"]
    log(
        f"  each tile in each complete showing: worst {each['min']}, median {each['median']} "
        f"({each['n']}); over the whole showings, reconnection included: min {whole['min']}, median "
        f"{whole['median']}; first new picture after the page shows: median {first['median']} s,"
        f" worst {first['max']} s ({first['tiles_measured']} tiles in "
        f"{figures['video_showings_complete']} complete showings, "
        f"{first['tiles_without_picture']} without); {figures['decoded_frames_never_shown']} "
        f"decoded frames never put on a tile; paint latency median "
        f"{figures['latency_paint_ms']['median']} ms, p95 {figures['latency_paint_ms']['p95']} ms"
    )
    log(
        f"Memory (RSS at the end of video showings): start {memory['start']['rss_mib']} MiB, "
        f"after warm-up {(memory['after_warmup'] or {}).get('rss_mib')} MiB, end "
        f"{(memory['end'] or {}).get('rss_mib')} MiB: {memory['rss_growth_pct_vs_warmup']} % vs "
        f"warm-up (goal < {MEMORY_GROWTH_GOAL_PCT:g} %: {verdict(met['memory'])}), "
        f"{memory['rss_growth_pct_vs_start']} % vs start; anonymous memory "
        f"{memory['anon_growth_pct_vs_warmup']} % and Python's blocks "
        f"{memory['py_blocks_growth_vs_warmup']} vs warm-up"
    )
    log(
        f"Threads: growth after warm-up, end of video pages {threads['growth_video_page']}, "
        f"end of map pages {threads['growth_map_page']} (goal none: {verdict(met['threads'])}); "
        f"after shut-down {threads['stream_threads_after_shutdown']} stream threads, OS threads "
        f"{threads['os_after_shutdown_over_before_wall']:+d} against before the wall"
    )
    gap = figures["gui_gap"]
    log(
        f"GUI thread: worst gap {gap['worst_ms']} ms ({gap['worst_at']}; the GUI thread on a CPU "
        f"{gap['worst_on_cpu_ms']} ms of it, waiting for one {gap['worst_waiting_for_cpu_ms']} "
        f"ms), p99 {gap['p99_ms']} ms, {gap['over_100ms']} gaps over 100 ms; gaps over 50 ms "
        f"{gap['over_50ms_s']} s in all, on a CPU {gap['over_50ms_on_cpu_s']} s, waiting for one "
        f"{gap['over_50ms_waiting_for_cpu_s']} s"
    )
    log(
        f"CPU: process {figures['cpu_process_pct_of_core']}"
        f" % of a core (GUI {figures['cpu_gui_pct_of_core']}, of which the probe "
        f"{figures['cpu_bench_probe_pct_of_core']}), RTSP server "
        f"{figures['cpu_server_pct_of_core']} %, machine busy {figures['machine_busy_pct']} %"
    )
    log(f"load average at the end {' '.join(f'{v:.2f}' for v in load_end)}; total {total_s:.1f} s")
    result = {
        "bench": "wall_soak",
        "date": dt.date.today().isoformat(),
        "quick": args.quick,
        "cpus": video_bench.CORES,
        "load_start": [round(v, 2) for v in load_start],
        "load_end": [round(v, 2) for v in load_end],
        "minutes": args.minutes,
        "dwell_s": args.dwell,
        "warmup_s": args.warmup,
        "size": list(SIZE),
        "layout": LAYOUT,
        "cameras": CAMERAS,
        "stream": list(STREAM),
        "server_fps": FPS,
        "pages": 2,
        "goals": {
            "fps_per_tile_min": FPS_GOAL,
            "memory_growth_pct_max": MEMORY_GROWTH_GOAL_PCT,
            "thread_growth_max": 0,
        },
    } | figures
    result["all_goals_met"] = all(v is not False for v in figures["goals_met"].values())
    result["total_s"] = round(total_s, 1)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 2 if figures["server_crashed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
