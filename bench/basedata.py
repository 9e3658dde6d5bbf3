"""Benchmark: importing a street's residents from CSV and XLSX, and the console's search.

The issue's goals: importing 100,000 people (every row checked, the report when one is wrong)
within 30 s; the console's search over them within 100 ms.

**Data** (seeded, the same files every run): the sample street (城东街道, 321202001000) with its
three communities, each with ``--grids-per-community`` grids (20: 60 grids, squares side by
side); per grid residential buildings of 36 houses (2 units × 6 floors × 3), enough houses for
``--rows`` residents at one to four per occupied house (15 % stand empty); residents with
synthetic, valid ID numbers (four regions, born 1935–2024), Chinese names (common surnames by
weight, one or two given characters), mobile or landline phones (5 % none), household status
(renters floating) and special groups (8 % one, 1 % two). Written as a UTF-8 CSV and as an XLSX
(openpyxl, write-only), like the sample ``residents.xlsx``; a second CSV has one more row at the
end with a wrong check digit.

**Per engine** (SQLite in a temporary file; PostgreSQL when ``--pg URL`` is given or a private
server can be started as the tests do, ``tests/pg_server.py``: fsync and synchronous commit off),
on an empty database: divisions, the center (``found_center``), the grids, then the houses
through ``LocalBackend.import_basedata("houses", …)``; then, all through the administrator's
``LocalBackend`` (``LocalCenter.report_login``):

- peers, in the same run: ``read_table`` of each file (parse only), and a raw
  ``storage.bulk.bulk_insert`` of the same rows, prepared beforehand, rolled back;
- the rejected import (the CSV with the bad last row): its time; it must raise
  ``ImportRejected`` naming that row, and leave no resident;
- the import of the CSV (new residents), then the search, then every resident deleted and the
  XLSX imported (new residents again); in full mode also the CSV once more over the stored
  residents (all updates: a grid's monthly list imported again);
- the search (``LocalBackend.search_people``, each call its own session as in the console),
  ``--reps`` calls per kind, each with another value: a common surname (``王``), a two-character
  given-name fragment, a building's name, an exact ID number, a grid + special group, a grid
  with empty text. Median, p95 and the worst; the peer is a bare ``count(*)`` with the name
  ``LIKE`` over the whole table (one scan), through the same engine.

    .venv/bin/python bench/basedata.py            # 100,000 residents, SQLite and PostgreSQL
    .venv/bin/python bench/basedata.py --quick    # 20,000 residents, within 30 s
    .venv/bin/python bench/basedata.py --pg postgresql+psycopg://…   # a server of your own
    .venv/bin/python bench/basedata.py --no-pg    # SQLite only

The last line of the output is one line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy import delete, func, select, text  # noqa: E402

from commandcenter.domain.codes import make_grid_code, make_id_number  # noqa: E402
from commandcenter.domain.enums import GridKind, SpecialGroup  # noqa: E402

STREET = "321202001000"
COMMUNITIES = {
    "321202001002": "东安居委会",
    "321202001003": "东康居委会",
    "321202001004": "东风居委会",
}
DIVISIONS = [
    ("320000000000", "江苏省"),
    ("321200000000", "泰州市"),
    ("321202000000", "海陵区"),
    (STREET, "城东街道"),
    *COMMUNITIES.items(),
]
ADMIN, PASSWORD = "cd.admin", "Admin2026!"
# Common surnames, roughly by frequency (a few weigh much more than the rest).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红梅志刚平辉鹏玉兰霞桂芝凤萍燕春"
ESTATES = ["新村", "花园", "小区", "家园", "公寓", "苑"]
REGIONS = ("321202", "321203", "321281", "340104")
GROUPS = [
    "社区矫正",
    "刑满释放",
    "吸毒人员",
    "严重精神障碍",
    "重点信访",
    "重点青少年",
    "独居老人",
    "留守人员",
    "残疾人",
]
PEOPLE_HEADER = ["姓名", "身份证号", "电话", "网格编码", "楼栋", "房号", "户籍类型", "特殊人群"]
HOUSE_HEADER = ["网格编码", "楼栋", "地址", "楼栋用途", "层数", "经度", "纬度", "房号", "房屋用途"]
GOAL_IMPORT_S = 30.0
GOAL_SEARCH_MS = 100.0
KINDS = ("surname", "fragment", "building", "id_number", "grid_tag", "grid")


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- the files ----------------------------------------------------------------------------------


def grid_list(per_community: int) -> list[tuple[str, str, str]]:
    """(community code, grid code, grid name)."""
    return [
        (community, make_grid_code(community, n, GridKind.URBAN), f"{name}第{n}网格")
        for community, name in COMMUNITIES.items()
        for n in range(1, per_community + 1)
    ]


def write_grids(path: Path, grids) -> None:
    features = []
    for index, (_, code, name) in enumerate(grids):
        lon0 = 119.90 + 0.006 * (index % 20)
        lat0 = 32.46 + 0.005 * (index // 20)
        ring = [
            [lon0, lat0],
            [lon0 + 0.005, lat0],
            [lon0 + 0.005, lat0 + 0.004],
            [lon0, lat0 + 0.004],
            [lon0, lat0],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "households": 700, "population": 1700},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]],
                },
            }
        )
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )


def make_data(rows: int, per_community: int, seed: int):
    """The houses' rows and the residents' rows (lists of cells, as the files hold them)."""
    rng = random.Random(seed)
    grids = grid_list(per_community)
    houses_needed = int(rows / (2.5 * 0.85)) + 36
    per_grid = -(-houses_needed // len(grids))
    buildings_per_grid = -(-per_grid // 36)
    house_rows, houses = [], []
    for index, (_, code, name) in enumerate(grids):
        lon0 = 119.90 + 0.006 * (index % 20)
        lat0 = 32.46 + 0.005 * (index // 20)
        estate = f"{name[:2]}{ESTATES[index % len(ESTATES)]}"
        for b in range(1, buildings_per_grid + 1):
            building = f"{estate}{index + 1}区{b}幢"
            address = f"泰州市海陵区城东街道{building}"
            lon, lat = round(lon0 + 0.0001 * b, 6), round(lat0 + 0.002, 6)
            for unit in (1, 2):
                for floor in range(1, 7):
                    for door in (1, 2, 3):
                        number = f"{unit}-{floor}0{door}"
                        use = rng.choice(["自住", "自住", "自住", "自住", "出租", "空置"])
                        house_rows.append(
                            [code, building, address, "住宅", 6, lon, lat, number, use]
                        )
                        if use != "空置":
                            houses.append((code, building, number, use))
    rng.shuffle(houses)
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(SURNAMES))]
    people, seen = [], set()
    end = dt.date(2024, 12, 31).toordinal()
    start = dt.date(1935, 1, 1).toordinal()
    house_index = 0
    while len(people) < rows:
        code, building, number, use = houses[house_index % len(houses)]
        house_index += 1
        for _ in range(rng.randint(1, 4)):
            if len(people) >= rows:
                break
            while True:
                born = dt.date.fromordinal(rng.randint(start, end))
                id_number = make_id_number(rng.choice(REGIONS), born, rng.randrange(1000))
                if id_number not in seen:
                    seen.add(id_number)
                    break
            name = rng.choices(SURNAMES, weights)[0] + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))
            )
            roll = rng.random()
            if roll < 0.05:
                phone = ""
            elif roll < 0.15:
                phone = f"0523-86{rng.randrange(10**6):06d}"
            else:
                phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            status = "流动" if use == "出租" else "户籍"
            roll = rng.random()
            if roll < 0.01:
                groups = "、".join(rng.sample(GROUPS, 2))
            elif roll < 0.09:
                groups = rng.choice(GROUPS)
            else:
                groups = ""
            people.append([name, id_number, phone, code, building, number, status, groups])
    return grids, house_rows, people


def write_csv(path: Path, header, rows) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, header, rows) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def bad_row(people) -> list[str]:
    """A row like the others, its ID number's check digit wrong."""
    row = list(people[0])
    number = make_id_number("321202", dt.date(1980, 5, 17), 333)
    wrong = "0" if number[17] != "0" else "1"
    row[1] = number[:17] + wrong
    return row


# --- one engine -----------------------------------------------------------------------------------


def timed(fn):
    began = time.perf_counter()
    value = fn()
    return time.perf_counter() - began, value


def set_up(url: str, folder: Path, grids) -> tuple:
    """An empty database with the street's units, center, administrator and grids."""
    from commandcenter.admin.setup import found_center
    from commandcenter.backend.local import LocalCenter
    from commandcenter.geo.divisions import import_divisions
    from commandcenter.geo.grid_import import import_grids
    from commandcenter.storage import open_database

    database = open_database(url)
    divisions = folder / "divisions.csv"
    write_csv(divisions, ["code", "name"], DIVISIONS)
    grid_file = folder / "grids.geojson"
    write_grids(grid_file, grids)
    at = dt.datetime(2026, 12, 1, 9, 0)
    with database.session() as session, session.begin():
        import_divisions(session, [divisions])
    with database.session() as session, session.begin():
        found_center(session, STREET, ADMIN, "管理员", PASSWORD, at, with_children=True)
    with database.session() as session, session.begin():
        import_grids(session, grid_file)
    center = LocalCenter(database)
    return database, center.report_login(ADMIN)


def people_count(database) -> int:
    from commandcenter.storage.models import Person

    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Person))


def prepared_rows(database, table) -> list[dict]:
    """The rows as ``import_people`` would insert them (for the raw insert, the peer)."""
    from commandcenter.basedata.people import birth_and_gender
    from commandcenter.domain.enums import HouseholdStatus
    from commandcenter.domain.file_words import parse_word
    from commandcenter.storage.models import Building, Grid, House

    with database.session() as session:
        grids = dict(session.execute(select(Grid.code, Grid.id)).all())
        houses = {
            (g, b, n): h
            for h, g, b, n in session.execute(
                select(House.id, Building.grid_id, Building.name, House.number).join(
                    Building, House.building_id == Building.id
                )
            )
        }
    rows = []
    for row in table.rows:
        grid_id = grids[row.get("grid")]
        number = row.get("id_number")
        born, gender = birth_and_gender(number)
        groups = [parse_word(SpecialGroup, w).value for w in row.get("groups").split("、") if w]
        rows.append(
            {
                "grid_id": grid_id,
                "house_id": houses.get((grid_id, row.get("building"), row.get("house"))),
                "name": row.get("name"),
                "phone": row.get("phone") or None,
                "household_status": parse_word(HouseholdStatus, row.get("household_status")),
                "tags": groups,
                "id_number": number,
                "gender": gender,
                "birth_date": born,
            }
        )
    return rows


def raw_insert_seconds(database, rows) -> float:
    from commandcenter.storage.bulk import bulk_insert
    from commandcenter.storage.models import Person

    with database.session() as session:
        session.begin()
        connection = session.connection()
        began = time.perf_counter()
        bulk_insert(connection, Person, rows)
        seconds = time.perf_counter() - began
        session.rollback()
    return seconds


def search_queries(database, people, reps: int, seed: int) -> dict[str, list[dict]]:
    """``reps`` calls' arguments per kind, each another value."""
    from commandcenter.storage.models import Grid

    rng = random.Random(seed + 1)
    with database.session() as session:
        grid_ids = dict(session.execute(select(Grid.code, Grid.id)).all())
    buildings = sorted({p[4] for p in people})
    fragments = [a + b for a in "建秀志桂玉" for b in "国英刚芝兰"]
    tags = list(SpecialGroup)
    ids = [p[1] for p in rng.sample(people, reps)]
    grids = list(grid_ids.values())
    return {
        "surname": [{"text": "王"} for _ in range(reps)],
        "fragment": [{"text": fragments[i % len(fragments)]} for i in range(reps)],
        "building": [{"text": rng.choice(buildings)} for _ in range(reps)],
        "id_number": [{"text": ids[i]} for i in range(reps)],
        "grid_tag": [
            {"text": "", "grid_id": rng.choice(grids), "tag": rng.choice(tags)} for _ in range(reps)
        ],
        "grid": [{"text": "", "grid_id": rng.choice(grids)} for _ in range(reps)],
    }


def _figures(times, totals) -> dict:
    return {
        "n": len(times),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(percentile(times, 0.95) * 1000, 2),
        "max_ms": round(max(times) * 1000, 2),
        "hits_median": int(statistics.median(totals)),
    }


def run_search(backend, database, queries) -> dict:
    """Garbage collection as in the console (``ui.common.tasks.GuiThreadGarbageCollector``):
    automatic collection off, a collection between calls, none inside the timed call; the
    bench's own data (files' rows, parsed tables) frozen out of the collector's way."""
    figures = {}
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        for kind, calls in queries.items():
            backend.search_people(**calls[0])  # warm-up
            times, totals = [], []
            for call in calls:
                gc.collect()
                began = time.perf_counter()
                hits = backend.search_people(**call)
                times.append(time.perf_counter() - began)
                totals.append(hits.total)
            figures[kind] = _figures(times, totals)
    finally:
        gc.enable()
        gc.unfreeze()
    times, totals = [], []  # for context: the surname with automatic collection on
    for call in queries["surname"]:
        began = time.perf_counter()
        totals.append(backend.search_people(**call).total)
        times.append(time.perf_counter() - began)
    figures["surname_gc_on"] = _figures(times, totals)
    scans = []
    with database.engine.connect() as connection:
        for fragment in ("王", "建国", "秀英", "张"):
            began = time.perf_counter()
            connection.execute(
                text("SELECT count(*) FROM people WHERE name LIKE :p"), {"p": f"%{fragment}%"}
            ).scalar()
            scans.append(time.perf_counter() - began)
    figures["peer_scan_ms"] = round(statistics.median(scans) * 1000, 2)
    return figures


def run_engine(engine: str, url: str, files: dict, data, parsed, args) -> dict:
    from commandcenter.errors import ImportRejected
    from commandcenter.storage.models import Person

    grids, _house_rows, people = data
    rows = len(people)
    out: dict = {"engine": engine}
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-basedata-") as folder:
        database, backend = set_up(url, Path(folder), grids)
        out["setup_s"] = round(time.perf_counter() - began, 2)
        try:
            seconds, result = timed(
                lambda: backend.import_basedata("houses", files["houses"]).value
            )
            out["houses"] = result.created
            out["houses_import_s"] = round(seconds, 2)

            parse_csv, parse_xlsx, table = parsed
            prepared = prepared_rows(database, table)
            raw = raw_insert_seconds(database, prepared)
            del prepared
            out["raw_insert_s"] = round(raw, 2)

            def rejected():
                try:
                    backend.import_basedata("people", files["bad_csv"])
                except ImportRejected as exc:
                    return exc
                return None

            seconds, exc = timed(rejected)
            problems = list(getattr(exc, "problems", []) or [])
            out["rejected_s"] = round(seconds, 2)
            out["rejected_ok"] = (
                exc is not None
                and len(problems) == 1
                and f"row {rows + 2}:" in problems[0]
                and people_count(database) == 0
            )
            if exc is not None:
                print(f"  [{engine}] rejected: {exc} {problems[:1]}")

            seconds, result = timed(lambda: backend.import_basedata("people", files["csv"]).value)
            assert result.created == rows and people_count(database) == rows, result
            out["import_csv_s"] = round(seconds, 2)
            print(
                f"  [{engine}] CSV import {seconds:.2f} s  (parse {parse_csv:.2f} s, "
                f"raw insert {raw:.2f} s; load {load_average()})"
            )

            queries = search_queries(database, people, args.reps, args.seed)
            out["search"] = run_search(backend, database, queries)
            for kind in KINDS:
                figures = out["search"][kind]
                print(
                    f"  [{engine}] search {kind:<10} median {figures['median_ms']:7.2f} ms  "
                    f"p95 {figures['p95_ms']:7.2f} ms  max {figures['max_ms']:7.2f} ms  "
                    f"({figures['hits_median']:,} hits)"
                )
            on = out["search"]["surname_gc_on"]
            print(
                f"  [{engine}] surname, automatic GC on: median {on['median_ms']} ms, "
                f"max {on['max_ms']} ms; peer: one scan of the names "
                f"{out['search']['peer_scan_ms']} ms"
            )

            if args.reimport:
                seconds, result = timed(
                    lambda: backend.import_basedata("people", files["csv"]).value
                )
                assert result.updated == rows, result
                out["reimport_csv_s"] = round(seconds, 2)
                print(f"  [{engine}] CSV again (all {rows:,} updated) {seconds:.2f} s")

            if args.quick and engine != "sqlite":
                out["import_xlsx_s"] = None  # quick mode: the XLSX on SQLite only (30 s)
            else:
                with database.session() as session, session.begin():
                    session.execute(delete(Person))
                seconds, result = timed(
                    lambda: backend.import_basedata("people", files["xlsx"]).value
                )
                assert result.created == rows and people_count(database) == rows, result
                out["import_xlsx_s"] = round(seconds, 2)
                print(
                    f"  [{engine}] XLSX import {seconds:.2f} s  (parse {parse_xlsx:.2f} s; "
                    f"load {load_average()})"
                )
        finally:
            database.dispose()
    out["import_s"] = max(out["import_csv_s"], out["import_xlsx_s"] or 0)
    out["ratio_csv_to_parse"] = round(out["import_csv_s"] / parse_csv, 2)
    out["ratio_xlsx_to_parse"] = (
        round(out["import_xlsx_s"] / parse_xlsx, 2) if out["import_xlsx_s"] else None
    )
    out["ratio_csv_to_parse_plus_insert"] = round(out["import_csv_s"] / (parse_csv + raw), 2)
    out["search_max_ms"] = max(out["search"][k]["max_ms"] for k in KINDS)
    out["search_p95_ms"] = max(out["search"][k]["p95_ms"] for k in KINDS)
    out["goal_import_met"] = out["import_s"] <= GOAL_IMPORT_S * rows / 100_000 and bool(
        out["rejected_ok"]
    )
    out["goal_search_met"] = out["search_max_ms"] <= GOAL_SEARCH_MS
    out["total_s"] = round(time.perf_counter() - began, 1)
    return out


def postgres(args):
    """(url, server or None, why not)."""
    if args.pg:
        return args.pg, None, ""
    if args.no_pg:
        return None, None, "--no-pg"
    try:
        from pg_server import PostgresServer, PostgresUnavailable
    except ImportError as exc:  # pragma: no cover
        return None, None, str(exc)
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        return None, None, str(exc).splitlines()[0]
    return server.url_for(server.create_database("bench_basedata")), server, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 residents (< 30 s)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--grids-per-community", type=int, default=20)
    parser.add_argument("--reps", type=int, default=50, help="search calls per kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg", help="a PostgreSQL URL (its database is written to)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-reimport", dest="reimport", action="store_false")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.reps, args.reimport = 20_000, 12, False

    began = time.perf_counter()
    load_start = load_average()
    data = make_data(args.rows, args.grids_per_community, args.seed)
    grids, house_rows, people = data
    with tempfile.TemporaryDirectory(prefix="bench-basedata-files-") as folder:
        folder = Path(folder)
        files = {
            "houses": folder / "houses.csv",
            "csv": folder / "residents.csv",
            "bad_csv": folder / "residents-bad.csv",
            "xlsx": folder / "residents.xlsx",
        }
        write_csv(files["houses"], HOUSE_HEADER, house_rows)
        write_csv(files["csv"], PEOPLE_HEADER, people)
        write_csv(files["bad_csv"], PEOPLE_HEADER, [*people, bad_row(people)])
        write_xlsx(files["xlsx"], PEOPLE_HEADER, people)
        sizes = {k: round(p.stat().st_size / 2**20, 1) for k, p in files.items()}
        print(
            f"{len(people):,} residents in {len(grids)} grids, {len(house_rows):,} houses; "
            f"files {sizes} MiB, made in {time.perf_counter() - began:.1f} s "
            f"(load {load_start}, {os.cpu_count()} CPUs)"
        )
        from commandcenter.basedata.imports import PEOPLE_COLUMNS
        from commandcenter.tabular import read_table

        # The peers that do not depend on the engine: reading and parsing each file.
        parse_csv, table = timed(lambda: read_table(files["csv"], PEOPLE_COLUMNS))
        parse_xlsx, _ = timed(lambda: read_table(files["xlsx"], PEOPLE_COLUMNS))
        parsed = (parse_csv, parse_xlsx, table)
        print(f"read_table: CSV {parse_csv:.2f} s, XLSX {parse_xlsx:.2f} s (load {load_average()})")
        engines = []
        sqlite_path = folder / "bench.sqlite3"
        engines.append(run_engine("sqlite", f"sqlite:///{sqlite_path}", files, data, parsed, args))
        pg_url, server, why = postgres(args)
        try:
            if pg_url:
                engines.append(run_engine("postgresql", pg_url, files, data, parsed, args))
            else:
                print(f"PostgreSQL not measured: {why}")
        finally:
            if server is not None:
                server.stop()

    result = {
        "bench": "basedata",
        "date": dt.date.today().isoformat(),
        "quick": args.quick,
        "rows": args.rows,
        "grids": len(grids),
        "houses": len(house_rows),
        "cpus": os.cpu_count(),
        "load_start": load_start,
        "load_end": load_average(),
        "postgresql": bool(pg_url),
        "postgresql_note": "private server, fsync and synchronous_commit off" if server else why,
        "parse_csv_s": round(parse_csv, 2),
        "parse_xlsx_s": round(parse_xlsx, 2),
        "engines": {},
        "goal_import_s_per_100k": GOAL_IMPORT_S,
        "goal_search_ms": GOAL_SEARCH_MS,
    }
    print()
    for figures in engines:
        engine = figures["engine"]
        compact = {k: v for k, v in figures.items() if k not in ("search", "engine")}
        compact["search"] = {
            k: [figures["search"][k][x] for x in ("median_ms", "p95_ms", "max_ms")] for k in KINDS
        }
        compact["search_peer_scan_ms"] = figures["search"]["peer_scan_ms"]
        on = figures["search"]["surname_gc_on"]
        compact["search_surname_gc_on"] = [on["median_ms"], on["p95_ms"], on["max_ms"]]
        result["engines"][engine] = compact
        print(
            f"{engine}: import CSV {figures['import_csv_s']} s, XLSX {figures['import_xlsx_s']} s "
            f"(goal {GOAL_IMPORT_S * args.rows / 100_000:.0f} s for {args.rows:,}); "
            f"import/parse CSV ×{figures['ratio_csv_to_parse']}, "
            f"XLSX ×{figures['ratio_xlsx_to_parse']}, "
            f"CSV/(parse+raw insert) ×{figures['ratio_csv_to_parse_plus_insert']}; "
            f"rejected {figures['rejected_s']} s (ok {figures['rejected_ok']}); "
            f"search worst {figures['search_max_ms']} ms (goal {GOAL_SEARCH_MS:.0f})"
        )
    result["goals_met"] = all(e["goal_import_met"] and e["goal_search_met"] for e in engines)
    result["total_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
