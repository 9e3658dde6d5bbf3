"""Benchmark: the case board with 100,000 open cases on SQLite.

The database comes from ``bench/cases.py``'s builder (the demo district, synthetic cases walked
through the workflow with their hash-chained archive) with every case a candidate for the
backlog (``--open-share 1.0``): about half the cases stay open, so 200,000 cases give about
100,000 open ones. Then, for the county supervisor's board (every open case of the county and
the cases that ended today) in the console's case store, ``ui.data.case_store.CaseStore``, with
its seven ``StageProxy`` columns (``ui.board.model.BoardColumns``) on Qt's offscreen platform,
and a selected card:

- refresh after one case changed (goal <= 100 ms): a workflow step is taken in another session
  (not timed), then ``board.changes_since`` in a new session + ``CaseStore.apply``
  (the columns follow). Steps by turns: urge (the card changes in place), file (it moves from
  "reported" to "filed"), void (it leaves), a new report (it arrives);
- apply a filter (goal <= 200 ms): ``BoardColumns.set_filter`` (``board.apply`` once, then each
  column laid out again, selections kept) for free text, one grid, overdue only, and "needs my
  action" for a dispatcher, a department handler and the supervisor; ``board.apply`` alone too;
- full load, for reference: ``board.load_board`` + ``CaseStore.set_rows`` (a reset).

Median and p95 of repeated runs; garbage collection as in the console (none inside a timed
call, ``bench/cases.py``'s ``console_gc``). At the end the board, kept current only by the
refreshes, is checked against a fresh load. The last line of the output is one line of JSON.

    .venv/bin/python bench/board.py                   # 200,000 cases, about 100,000 open
    .venv/bin/python bench/board.py --quick           # 20,000 cases, about 10,000 open (< 30 s)
    .venv/bin/python bench/board.py --db /tmp/board.sqlite3   # keep the database, reuse it
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/cases.py, run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cases as case_bench  # noqa: E402
from PySide6.QtCore import QItemSelectionModel  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from commandcenter.cases import board  # noqa: E402
from commandcenter.cases.board import BoardFilter, Stage  # noqa: E402
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from commandcenter.storage.models import Case, Grid  # noqa: E402
from commandcenter.workflow.engine import CaseWorkflow  # noqa: E402
from commandcenter.workflow.rules import Action  # noqa: E402
from ui.board.model import BoardColumns  # noqa: E402
from ui.data.case_store import CaseRole, CaseStore  # noqa: E402

FULL_CASES = 200_000
QUICK_CASES = 20_000
OPEN_SHARE = 1.0  # every case may join the backlog: about half stay open
GOALS_MS = {"refresh": 100.0, "filter": 200.0}
NOW = case_bench.NOW
S = CaseState
KINDS = ("urge", "file", "void", "report")  # in place, moves a column, leaves, arrives


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


summary = case_bench.summary
console_gc = case_bench.console_gc


class Clock:
    """The console's clock: a second per step after the bench's "now"."""

    def __init__(self):
        self.at = NOW

    def __call__(self) -> dt.datetime:
        return self.at

    def tick(self) -> dt.datetime:
        self.at += dt.timedelta(seconds=1)
        return self.at


def take_step(database, kind: str, model: CaseStore, actors: dict, grids, rng, clock) -> int:
    """One workflow step of the given kind on a case of the board (or a new case)."""
    rows = model.rows()
    with database.session() as session, session.begin():
        flow = CaseWorkflow(session, now=clock.tick)
        if kind == "report":
            change = flow.report(
                actors["duty"],
                source=CaseSource.HOTLINE_12345,
                category=rng.choice(list(CaseCategory)),
                title="居民反映路灯不亮",
                grid_id=rng.choice(grids),
                allow_duplicate=True,
            )
            return change.case_id
        wanted = {"urge": (S.HANDLING, S.DISPATCHED), "file": (S.REPORTED,), "void": (S.HANDLING,)}
        while True:
            row = rows[rng.randrange(len(rows))]
            if row.state in wanted[kind]:
                break
        version = session.get(Case, row.id).version
        if kind == "urge":
            flow.perform(actors["supervisor"], row.id, Action.URGE, expected_version=version)
        elif kind == "file":
            flow.perform(actors["duty"], row.id, Action.FILE, expected_version=version)
        else:
            flow.perform(
                actors["supervisor"], row.id, Action.VOID, expected_version=version, comment="重复"
            )
        return row.id


def measure(url: str, runs: int, filter_runs: int, load_runs: int, seed: int) -> dict:
    app = QGuiApplication.instance() or QGuiApplication(["bench"])  # noqa: F841 (kept alive)
    database = open_database(url)
    rng = random.Random(seed)
    clock = Clock()
    try:
        with database.session() as session:
            county = case_bench.county_actor(session)
            actors = {
                "supervisor": county,
                "duty": case_bench.named_actor(session, "duty"),
                "dispatcher": case_bench.named_actor(session, "dispatcher"),
                "handler": case_bench.named_actor(session, "handler"),
            }
            grids = session.scalars(select(Grid.id).order_by(Grid.id)).all()
            busiest_grid, grid_cases = session.execute(
                select(Case.grid_id, func.count())
                .where(Case.state.not_in([S.CLOSED, S.DECLINED, S.VOIDED, S.MERGED]))
                .group_by(Case.grid_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()

        # (c) full load, for reference (the last one stays on the board)
        log("full load …")
        model = CaseStore(clock())
        columns = BoardColumns(model, county)
        db_times, qt_times = [], []
        data = None
        for _ in range(load_runs):
            data = None
            with console_gc():
                t0 = time.perf_counter()
                with database.session() as session:
                    data = board.load_board(session, county, clock())
                t1 = time.perf_counter()
                model.set_rows(data.rows)
                t2 = time.perf_counter()
            db_times.append(t1 - t0)
            qt_times.append(t2 - t1)
        load = {
            "rows": len(data.rows),
            "db": summary(db_times),
            "model": summary(qt_times),
            "total": summary([a + b for a, b in zip(db_times, qt_times, strict=True)]),
            "stages": {stage.value: n for stage, n in columns.counts().items()},
        }
        mark = data.mark
        handling = columns.proxy(Stage.HANDLING)
        selection = QItemSelectionModel(handling)
        picked = handling.case_ids()[len(handling.case_ids()) // 2]
        selection.select(
            handling.index(handling.row_of(picked), 0), QItemSelectionModel.SelectionFlag.Select
        )

        # (a) refresh after one change
        log("refresh after one change …")
        by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
        parts: dict[str, list[float]] = {"changes_since": [], "apply": []}
        totals = []
        changed_counts = Counter()
        for i in range(runs + len(KINDS)):  # the first round of each kind is a warm-up
            kind = KINDS[i % len(KINDS)]
            case_id = take_step(database, kind, model, actors, grids, rng, clock)
            with console_gc():
                t0 = time.perf_counter()
                with database.session() as session:
                    changes = board.changes_since(session, county, clock(), mark)
                t1 = time.perf_counter()
                model.apply(changes.changed, changes.removed_ids)
                t2 = time.perf_counter()
            mark = changes.mark
            touched = {r.id for r in changes.changed} | set(changes.removed_ids)
            assert touched == {case_id}, (kind, touched, case_id)
            changed_counts[kind] += 1
            if i < len(KINDS):
                continue
            by_kind[kind].append(t2 - t0)
            parts["changes_since"].append(t1 - t0)
            parts["apply"].append(t2 - t1)
            totals.append(t2 - t0)
        selected = [index.data(CaseRole.CASE_ID) for index in selection.selectedIndexes()]
        refresh = {
            **summary(totals),
            "parts": {name: summary(times) for name, times in parts.items()},
            "by_kind": {kind: summary(times) for kind, times in by_kind.items() if times},
            "selection_kept": selected == [picked] or picked not in model_ids(model),
        }

        # (b) filters
        log("filters …")
        dispatcher, handler = actors["dispatcher"], actors["handler"]
        grid_name = next(r.grid_name for r in model.rows() if r.grid_id == busiest_grid)
        specs = [
            ("text 垃圾", county, BoardFilter(text="垃圾")),
            ("text grid name", county, BoardFilter(text=grid_name)),
            (f"one grid ({grid_cases:,} open)", county, BoardFilter(grid_ids={busiest_grid})),
            ("overdue only", county, BoardFilter(overdue_only=True)),
            ("mine, dispatcher", dispatcher, BoardFilter(mine=True)),
            ("mine, department handler", handler, BoardFilter(mine=True)),
            ("mine, supervisor", county, BoardFilter(mine=True)),
            ("none (back to all)", county, BoardFilter()),
        ]
        filters = {}
        everything = BoardFilter()
        for name, actor, board_filter in specs:
            set_times, apply_times = [], []
            kept = 0
            for _ in range(filter_runs):
                columns.actor = county  # from another filter, as an officer switches
                other = (
                    BoardFilter(text="no such case") if board_filter == everything else everything
                )
                columns.set_filter(other, clock())
                columns.actor = actor
                with console_gc():
                    t0 = time.perf_counter()
                    columns.set_filter(board_filter, clock())
                    t1 = time.perf_counter()
                    kept = len(board.apply(model.rows(), board_filter, actor, clock()))
                    t2 = time.perf_counter()
                set_times.append(t1 - t0)
                apply_times.append(t2 - t1)
            filters[name] = {
                "rows": kept,
                "set_filter": summary(set_times),
                "apply": summary(apply_times),
            }
        columns.actor = county
        columns.set_filter(everything, clock())

        # the board kept current by refreshes equals a fresh load
        with database.session() as session:
            fresh = board.load_board(session, county, clock())
        consistent = sorted(model_ids(model)) == sorted(r.id for r in fresh.rows) and {
            r.id: r.state for r in fresh.rows
        } == {r.id: r.state for r in model.rows()}
        expected = board.split_by_stage(board.apply(model.rows(), everything, county, clock()))
        consistent = consistent and all(
            columns.proxy(stage).case_ids() == [r.id for r in rows]
            for stage, rows in expected.rows.items()
        )
        return {
            "load": load,
            "refresh": refresh,
            "filters": filters,
            "consistent": consistent,
            "steps": dict(changed_counts),
            "actor": f"{county.username}, {county.role.value}, {county.center_name}",
        }
    finally:
        database.dispose()


def model_ids(model: CaseStore) -> list[int]:
    return [row.id for row in model.rows()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES:,} cases (< 30 s)")
    parser.add_argument("--cases", type=int, help=f"cases to build (default {FULL_CASES:,})")
    parser.add_argument("--db", type=Path, help="SQLite file to build (kept) or reuse")
    parser.add_argument("--rebuild", action="store_true", help="replace an existing --db file")
    parser.add_argument("--runs", type=int, help="refreshes to time (default 40, quick 20)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=case_bench.SEED)
    args = parser.parse_args(argv)
    n_cases = args.cases or (QUICK_CASES if args.quick else FULL_CASES)
    runs = args.runs or (20 if args.quick else 40)
    filter_runs, load_runs = (3, 2) if args.quick else (7, 3)
    started = time.perf_counter()
    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-board-"))
        path = tmp / "board.sqlite3"
    else:
        path = args.db.resolve()
    url = f"sqlite:///{path}"
    try:
        wanted = {"cases": n_cases, "open_share": OPEN_SHARE, "seed": args.seed}
        built = case_bench._existing_build(url, path, wanted, args.rebuild)
        reused = built is not None
        if built is None:
            log(f"building {n_cases:,} cases with bench/cases.py (open share {OPEN_SHARE}) …")
            built = case_bench.build(url, n_cases, OPEN_SHARE, args.seed, max(1, args.workers))
        else:
            log(f"reusing {path} (built with {wanted})")
        load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        figures = measure(url, runs, filter_runs, load_runs, args.seed)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    total_s = time.perf_counter() - started

    load, refresh, filters = figures["load"], figures["refresh"], figures["filters"]
    print(f"database: {n_cases:,} cases, {built['open']:,} open after the build", end="")
    print(" (reused)" if reused else f", built in {built['build_s']} s")
    print(
        f"  load average before measuring: {load_avg if load_avg is None else round(load_avg, 2)}"
    )
    print(f"board of {figures['actor']}: {load['rows']:,} rows; columns {load['stages']}")
    print(
        f"full load (reference): {fmt(load['total'])}; load_board {fmt(load['db'])}, "
        f"set_rows + columns {fmt(load['model'])}"
    )
    verdict = "meets" if refresh["median"] <= GOALS_MS["refresh"] else "MISSES"
    print(f"refresh after one change: {fmt(refresh)} — goal {GOALS_MS['refresh']:g} ms: {verdict}")
    for name, fig in refresh["parts"].items():
        print(f"  {name}: {fmt(fig)}")
    for kind, fig in refresh["by_kind"].items():
        print(f"  step '{kind}': {fmt(fig)}")
    print(f"  selection kept through the refreshes: {refresh['selection_kept']}")
    worst = max(fig["set_filter"]["p95"] for fig in filters.values())
    verdict = "meets" if worst <= GOALS_MS["filter"] else "MISSES"
    print(
        f"apply a filter (set_filter = board.apply + columns laid out) — goal "
        f"{GOALS_MS['filter']:g} ms: {verdict} (worst p95 {worst} ms)"
    )
    for name, fig in filters.items():
        print(
            f"  {name}: {fig['rows']:,} rows; set_filter {fmt(fig['set_filter'])}; "
            f"board.apply {fmt(fig['apply'])}"
        )
    print(f"board kept by refreshes equals a fresh load: {figures['consistent']}")
    print(f"total {total_s:.1f} s")
    result = {
        "cases": n_cases,
        "board_rows": load["rows"],
        "build_s": None if reused else built["build_s"],
        "load_avg": None if load_avg is None else round(load_avg, 2),
        "full_load_ms_median": load["total"]["median"],
        "load_board_ms_median": load["db"]["median"],
        "set_rows_ms_median": load["model"]["median"],
        "refresh_ms_median": refresh["median"],
        "refresh_ms_p95": refresh["p95"],
        "changes_since_ms_median": refresh["parts"]["changes_since"]["median"],
        "apply_ms_median": refresh["parts"]["apply"]["median"],
        "refreshes": refresh["n"],
        "filter_ms_median": {name: fig["set_filter"]["median"] for name, fig in filters.items()},
        "filter_ms_p95": {name: fig["set_filter"]["p95"] for name, fig in filters.items()},
        "filter_rows": {name: fig["rows"] for name, fig in filters.items()},
        "selection_kept": refresh["selection_kept"],
        "consistent": figures["consistent"],
        "total_s": round(total_s, 1),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


def fmt(fig: dict) -> str:
    return f"median {fig['median']} ms, p95 {fig['p95']} ms (n={fig['n']})"


if __name__ == "__main__":
    sys.exit(main())
