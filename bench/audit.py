"""Benchmark: ``commandcenter audit verify`` on the 1,000,000-case district of ``bench/cases.py``.

Builds (or reuses, with ``--db``) the benchmark database of ``bench/cases.py`` — its archive
keyed into one chain, about six entries a case — then runs ``commandcenter audit verify`` as an
administrator would, as a process of its own (interpreter start, migration check and all), and
times it against the goal (<= 60 s). The verification reads every entry (MAC, chain), every case
row against its newest entry, the attachments, the checkpoints and the triggers, in worker
processes (``--verify-workers``, default the command's own: the cores, at most 4). The load
average before the run is reported: the machine is shared. The last line is one line of JSON.

    .venv/bin/python bench/audit.py                  # 1,000,000 cases in a temporary folder
    .venv/bin/python bench/audit.py --quick          # 50,000 cases, within 30 s
    .venv/bin/python bench/audit.py --db /tmp/b.sqlite3   # build once, reuse (bench/cases.py's)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases  # noqa: E402  (bench/cases.py: the database and its build)

GOAL_S = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{cases.QUICK_CASES:,} cases")
    parser.add_argument("--cases", type=int, help=f"number of cases ({cases.FULL_CASES:,})")
    parser.add_argument("--db", type=Path, help="SQLite file to build (kept) or reuse")
    parser.add_argument("--rebuild", action="store_true", help="replace an existing --db file")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="build workers")
    parser.add_argument("--verify-workers", type=int, help="audit verify --workers")
    parser.add_argument("--seed", type=int, default=cases.SEED)
    args = parser.parse_args(argv)
    n_cases = args.cases or (cases.QUICK_CASES if args.quick else cases.FULL_CASES)
    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-audit-"))
        path = tmp / "cases.sqlite3"
    else:
        path = args.db.resolve()
    url = f"sqlite:///{path}"
    cases.use_key_file_beside(path)
    try:
        wanted = {"cases": n_cases, "open_share": cases.OPEN_SHARE, "seed": args.seed}
        built = cases._existing_build(url, path, wanted, args.rebuild)
        reused = built is not None
        if not reused:
            built = cases.build(url, n_cases, cases.OPEN_SHARE, args.seed, max(1, args.workers))
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        command = [sys.executable, "-m", "commandcenter", "audit", "verify", "--db", url]
        if args.verify_workers:
            command += ["--workers", str(args.verify_workers)]
        cases.log("commandcenter audit verify …")
        t0 = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
        wall_s = time.perf_counter() - t0
        output = (done.stdout + done.stderr).strip()
        print(output[:2000])
        found = re.search(r"([\d,]+) entries of ([\d,]+) cases.* in ([\d.]+) s", output)
        entries, n, inner_s = (None, None, None)
        if found:
            entries = int(found.group(1).replace(",", ""))
            n = int(found.group(2).replace(",", ""))
            inner_s = float(found.group(3))
        result = {
            "bench": "audit_verify",
            "cases": n,
            "entries": entries,
            "ok": done.returncode == 0,
            "verify_s": round(wall_s, 1),  # the whole command, as an administrator waits
            "verify_reported_s": inner_s,  # what the command printed (without its start)
            "goal_s": GOAL_S,
            "goal_met": wall_s <= GOAL_S,
            "verify_workers": args.verify_workers,
            "cores": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before] if load_before else None,
            "reused_build": reused,
            "build_s": None if reused else built.get("build_s"),
        }
        print(json.dumps(result))
        return 0 if done.returncode == 0 else 1
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
