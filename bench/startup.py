"""Benchmark: from ``python run.py`` to the first painted map on the demo district (issue 16,
goal <= 2 s on a warm machine), with where the time goes.

Each run starts ``run.py --db URL --user duty`` as a process of its own on Qt's offscreen
platform, with ``$COMMANDCENTER_STARTUP_TRACE`` naming a file (``ui/common/startup_trace.py``):
the console then logs the demo account in without its dialog (a person's typing is not the
start) and quits once the map's first base image is on screen, leaving its marks:

    python       the interpreter runs run.py's first line (from the launch: interpreter start)
    imports      the core and the console's modules imported
    qt_application  QApplication made, language and style installed
    database_open   connected, migrations checked
    logged_in / window_built / data_loaded (the first picture of the cases, counted)
    first_paint  the map's first base image on screen

The peer, measured in the same run the same way: a bare PySide6 program that imports
QtWidgets, shows a window and quits after its first paint — the floor of any Qt console on
this machine. The figure is the median and the worst of the runs, and their ratio to the peer.
Beside the wall clock, the CPU time each run's process used from start to exit (it quits right
after the first paint): what the start costs whatever else the machine is running.
The first run warms the disk cache (and writes the project's bytecode, as Python does on a
user's first start; the runs do not inherit ``PYTHONDONTWRITEBYTECODE``) and is not counted. The last line is one line of JSON.

    .venv/bin/python bench/startup.py            # 10 runs
    .venv/bin/python bench/startup.py --quick    # 3 runs (within 30 s with the demo cached)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import wall_soak  # noqa: E402  (its cached demo district)

GOAL_S = 2.0
PHASES = (
    "python",
    "imports",
    "qt_application",
    "database_open",
    "logged_in",
    "window_built",
    "data_loaded",
    "first_paint",
)
PEER = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("peer")
label.resize(1600, 1000)
def painted():
    print(time.time(), flush=True)
    app.quit()
label.show()
QTimer.singleShot(0, painted)
app.exec()
"""


def environment(trace: Path | None = None) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # A warm machine has the project's bytecode cached, as Python writes it on the first start;
    # an environment that forbids writing it (some sandboxes and CI set this) would have every
    # run compile the project's 900 modules again (about 0.5 s), which no user's start pays.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if trace is not None:
        env["COMMANDCENTER_STARTUP_TRACE"] = str(trace)
    return env


def console_run(url: str, folder: Path) -> dict:
    trace = folder / "trace.json"
    trace.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    launched = time.time()
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "--db", url, "--user", "duty"],
        env=environment(trace),
        capture_output=True,
        text=True,
        timeout=120,
    )
    ended = time.time()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or not trace.exists():
        sys.exit(f"run.py failed ({done.returncode}):\n{done.stderr[-2000:]}")
    marks = dict(json.loads(trace.read_text()))
    result = {
        "total_s": marks["first_paint"] - launched,
        "exit_s": ended - launched,
        # CPU the process used, start to exit: what the start costs whatever else the machine
        # runs (the wall-clock figure grows with the load; this one hardly)
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    }
    previous = launched
    for name in PHASES:
        result[name] = marks[name] - previous
        previous = marks[name]
    return result


def peer_run() -> float:
    launched = time.time()
    done = subprocess.run(
        [sys.executable, "-c", PEER], env=environment(), capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"the peer failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.split()[0]) - launched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs")
    parser.add_argument("--runs", type=int, help="runs counted (default 10)")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 10)
    began = time.perf_counter()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        url, built_s = wall_soak.demo_copy(folder / "demo.db", rebuild=False)
        console_run(url, folder)  # warms the disk cache and the migration check
        peer_run()
        consoles, peers = [], []
        for i in range(runs):
            consoles.append(console_run(url, folder))
            peers.append(peer_run())
            c = consoles[-1]
            print(
                f"run {i + 1}: first map {c['total_s']:.2f} s ("
                + ", ".join(f"{name} {c[name] * 1000:.0f}" for name in PHASES)
                + f" ms); CPU {c['cpu_s']:.2f} s; peer {peers[-1]:.2f} s",
                flush=True,
            )
    totals = [c["total_s"] for c in consoles]
    median = statistics.median(totals)
    peer = statistics.median(peers)
    figures = {
        "bench": "startup",
        "date": dt.date.today().isoformat(),
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "load_start": [round(x, 2) for x in load_start],
        "load_end": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "demo_build_s": built_s and round(built_s, 1),
        "first_map_s": {"median": round(median, 3), "worst": round(max(totals), 3)},
        "phases_ms_median": {
            name: round(statistics.median(c[name] for c in consoles) * 1000, 1) for name in PHASES
        },
        "phases_ms_worst": {
            name: round(max(c[name] for c in consoles) * 1000, 1) for name in PHASES
        },
        "cpu_s_to_exit": {
            "median": round(statistics.median(c["cpu_s"] for c in consoles), 3),
            "worst": round(max(c["cpu_s"] for c in consoles), 3),
        },
        "peer_bare_qt_s": {"median": round(peer, 3), "worst": round(max(peers), 3)},
        "ratio_to_peer_median": round(median / peer, 2),
        "goal_s": GOAL_S,
        "goal_met": max(totals) <= GOAL_S,
        "total_s": round(time.perf_counter() - began, 1),
    }
    print(
        f"first map: median {median:.2f} s, worst {max(totals):.2f} s (goal {GOAL_S} s); "
        f"a bare Qt window {peer:.2f} s; ratio {median / peer:.1f}"
    )
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
