"""Benchmark: the grid import on ordinary and hostile files (issue 15).

Builds a city of ordinary grids in WGS-84 lon/lat: Voronoi cells of random seeds over a square
(a median grid of about 3 hectares), grouped into communities of about 100 grids (each
community's boundary the union of its grids, so every grid lies inside it), in a temporary
SQLite database with the county, street and communities. Then measures
``commandcenter.geo.grid_import.import_grids``:

- ordinary: the whole import of the city as one GeoJSON file (read, depth scan, parse, codes,
  overlaps, community boundaries, write), with the time of each phase from the progress
  callback; the pairs it measured (``shapely.intersection``);
- hostile: 2,000 mutually overlapping squares (every pair overlaps: 1,999,000 pairs) until the
  refusal, with the pairs measured; a zip bomb (a .shp of 256 MB of zeros, 256 KB packed) until
  the refusal, with ``tracemalloc``'s peak; a JSON file nested 100,000 deep;
- old vs new, side by side on the same geometries: the overlap check as it was before issue 15
  (STRtree ``intersects`` pairs, then each pair's intersection measured and listed, one by
  one) against ``_OverlapSearch`` (chunks, vectorised, listing capped) — on a smaller set of
  mutually overlapping squares (all pairs overlap) and on the ordinary city (only neighbours
  meet; the first 3,000 grids in quick mode). Ratio old / new.

The last line of the output is one line of JSON with every figure.

    .venv/bin/python bench/grid_import.py            # 50,000 grids; old vs new on 1,000 squares
    .venv/bin/python bench/grid_import.py --quick    # 10,000 grids; old vs new on 400 squares
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, mapping

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commandcenter.domain.codes import make_grid_code  # noqa: E402
from commandcenter.domain.enums import AdminLevel, GridKind  # noqa: E402
from commandcenter.errors import ImportRejected  # noqa: E402
from commandcenter.geo import grid_import  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from commandcenter.storage.models import AdminUnit  # noqa: E402

COUNTY, STREET = "321202000000", "321202001000"
ORIGIN = (119.85, 32.40)
GRID_M2 = 30_000
METRES_PER_DEGREE = 111_320.0
MB = 2**20


def city(count: int, seed: int = 15) -> tuple[list[shapely.Polygon], list[str], dict]:
    """``count`` Voronoi grids, their community codes, and each community's boundary."""
    rng = np.random.default_rng(seed)
    side_m = math.sqrt(count * GRID_M2)
    lat = ORIGIN[1] + side_m / METRES_PER_DEGREE / 2
    width = side_m / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    height = side_m / METRES_PER_DEGREE
    extent = box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + width, ORIGIN[1] + height)
    seeds = shapely.points(
        np.column_stack(
            [ORIGIN[0] + rng.uniform(0, width, count), ORIGIN[1] + rng.uniform(0, height, count)]
        )
    )
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=extent))
    cells = [c for c in shapely.intersection(cells, extent) if c.area > 0]
    per_side = max(1, math.ceil(math.sqrt(len(cells) / 100)))
    centres = shapely.get_coordinates(shapely.centroid(np.array(cells, dtype=object)))
    col = np.minimum(((centres[:, 0] - ORIGIN[0]) / width * per_side).astype(int), per_side - 1)
    row = np.minimum(((centres[:, 1] - ORIGIN[1]) / height * per_side).astype(int), per_side - 1)
    communities = [f"321202001{row[i] * per_side + col[i] + 1:03d}" for i in range(len(cells))]
    boundaries = {}
    for community in sorted(set(communities)):
        members = [c for c, k in zip(cells, communities, strict=True) if k == community]
        boundaries[community] = shapely.union_all(members)
    return cells, communities, boundaries


def database_for(folder: Path, boundaries: dict):
    db = open_database(f"sqlite:///{folder / 'bench.db'}")
    with db.session() as s, s.begin():
        county = AdminUnit(code=COUNTY, name="海陵区", level=AdminLevel.COUNTY)
        street = AdminUnit(code=STREET, name="城东街道", level=AdminLevel.TOWNSHIP, parent=county)
        s.add(county)
        for code, boundary in boundaries.items():
            unit = AdminUnit(code=code, name=f"社区{code[-3:]}", level=AdminLevel.COMMUNITY)
            unit.parent = street
            unit.set_geometry(boundary)
            s.add(unit)
    return db


def geojson(path: Path, polygons, communities) -> Path:
    numbers: dict[str, int] = {}
    features = []
    for polygon, community in zip(polygons, communities, strict=True):
        numbers[community] = numbers.get(community, 0) + 1
        code = make_grid_code(community, numbers[community], GridKind.URBAN)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": f"网格{code[-5:]}"},
                "geometry": mapping(polygon),
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


class Counted:
    """Counts the pairs measured through ``shapely.intersection`` while active."""

    def __init__(self) -> None:
        self.pairs = 0
        self.original = shapely.intersection

    def __enter__(self):
        def counting(a, b, *args, **kwargs):
            self.pairs += int(np.size(a))
            return self.original(a, b, *args, **kwargs)

        shapely.intersection = counting
        return self

    def __exit__(self, *exc) -> None:
        shapely.intersection = self.original


def timed_import(db, path: Path) -> dict:
    phases: list[tuple[float, str]] = []
    start = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        if not phases or phases[-1][1] != message:
            phases.append((time.perf_counter() - start, message))

    outcome = "imported"
    with Counted() as counted:
        try:
            with db.session() as s, s.begin():
                result = grid_import.import_grids(s, path, progress=progress)
                outcome = f"imported {result.inserted}"
        except ImportRejected as error:
            outcome = f"refused: {len(error.problems)} problem(s); last: {error.problems[-1:]}"
    total = time.perf_counter() - start
    ends = [t for t, _ in phases[1:]] + [total]
    return {
        "seconds": round(total, 2),
        "phases_s": {m: round(e - t, 2) for (t, m), e in zip(phases, ends, strict=True)},
        "pairs_measured": counted.pairs,
        "outcome": outcome,
    }


def mutual_squares(count: int) -> list[shapely.Polygon]:
    """``count`` 1 km squares each shifted by 0.1 m: every pair overlaps."""
    x, y = 119.901, 32.481
    return [
        box(x + n * 1e-6, y + n * 1e-6, x + 0.01 + n * 1e-6, y + 0.01 + n * 1e-6)
        for n in range(count)
    ]


def old_overlap_check(geometries: list) -> int:
    """The overlap check as it was before issue 15: every pair the STRtree says intersects is
    measured, one by one, and each overlap listed. Returns the overlaps found."""

    def area_m2(geometry) -> float:
        if geometry.is_empty:
            return 0.0
        return geometry.area * METRES_PER_DEGREE**2 * math.cos(math.radians(geometry.centroid.y))

    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    found = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j:
            a, b = geometries[i], geometries[j]
            overlap = area_m2(a.intersection(b))
            smaller = min(area_m2(a), area_m2(b))
            if overlap > 10.0 and overlap > 0.001 * smaller:
                found.append(
                    f"feature {j + 1}: overlaps feature {i + 1} by about {overlap:,.0f} m²"
                )
    return len(found)


def new_overlap_check(geometries: list) -> tuple[int, int]:
    array = np.array(geometries, dtype=object)
    search = grid_import._OverlapSearch()
    listed = sum(1 for _ in search.pairs(array, array, lambda i, j: i < j, lambda share: None))
    return listed, search.unchecked


def side_by_side(geometries: list) -> dict:
    fresh = [shapely.from_wkb(shapely.to_wkb(g)) for g in geometries]  # unprepared copies
    start = time.perf_counter()
    old_found = old_overlap_check(geometries)
    old_s = time.perf_counter() - start
    start = time.perf_counter()
    listed, unchecked = new_overlap_check(fresh)
    new_s = time.perf_counter() - start
    return {
        "grids": len(geometries),
        "old_s": round(old_s, 3),
        "old_overlaps_listed": old_found,
        "new_s": round(new_s, 3),
        "new_overlaps_listed": listed,
        "new_pairs_not_checked": unchecked,
        "ratio_old_over_new": round(old_s / new_s, 1) if new_s else None,
    }


def zip_bomb(folder: Path, db) -> dict:
    archive = folder / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("grids.shp", "w", force_zip64=True) as member:
            zeros = bytes(MB)
            for _ in range(256):
                member.write(zeros)
        z.writestr("grids.shx", bytes(100))
        z.writestr("grids.dbf", bytes(33))
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with db.session() as s, s.begin():
            grid_import.import_grids(s, archive)
        outcome = "imported?!"
    except ImportRejected as error:
        outcome = str(error)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "packed_kb": archive.stat().st_size // 1024,
        "unpacked_mb": 256,
        "seconds": round(seconds, 3),
        "peak_mb": round(peak / MB, 1),
        "outcome": outcome,
    }


def deep_json(folder: Path, db) -> dict:
    path = folder / "deep.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    )
    start = time.perf_counter()
    try:
        with db.session() as s, s.begin():
            grid_import.import_grids(s, path)
        outcome = "imported?!"
    except ImportRejected as error:
        outcome = str(error)
    return {"depth": 100_000, "seconds": round(time.perf_counter() - start, 3), "outcome": outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="10,000 grids; 400 squares side by side"
    )
    parser.add_argument("--grids", type=int, help="ordinary grids (default 50,000; quick 10,000)")
    parser.add_argument("--mutual", type=int, default=2000, help="mutually overlapping squares")
    parser.add_argument("--compare", type=int, help="squares for old vs new (1,000; quick 400)")
    args = parser.parse_args()
    grids = args.grids or (10_000 if args.quick else 50_000)
    compare = args.compare or (400 if args.quick else 1_000)
    figures: dict = {"bench": "grid_import", "quick": args.quick, "load_start": os.getloadavg()[0]}
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="bench-grids-") as folder_name:
        folder = Path(folder_name)
        cells, communities, boundaries = city(grids)
        print(f"city: {len(cells):,} grids in {len(boundaries)} communities")
        db = database_for(folder, boundaries)
        path = geojson(folder / "city.geojson", cells, communities)
        figures["file_mb"] = round(path.stat().st_size / MB, 1)
        figures["ordinary"] = timed_import(db, path) | {"grids": len(cells)}
        print("ordinary:", figures["ordinary"])

        mutual = geojson(
            folder / "mutual.geojson",
            mutual_squares(args.mutual),
            [f"321202001{1 + n // 999:03d}" for n in range(args.mutual)],
        )
        figures["mutual"] = timed_import(db, mutual) | {"grids": args.mutual}
        figures["mutual"]["pairs"] = args.mutual * (args.mutual - 1) // 2
        print("mutual:", figures["mutual"])

        figures["old_vs_new_mutual"] = side_by_side(mutual_squares(compare))
        print("old vs new, mutual:", figures["old_vs_new_mutual"])
        figures["old_vs_new_ordinary"] = side_by_side(cells[: 3_000 if args.quick else None])
        print("old vs new, ordinary:", figures["old_vs_new_ordinary"])

        figures["zip_bomb"] = zip_bomb(folder, db)
        print("zip bomb:", figures["zip_bomb"])
        figures["deep_json"] = deep_json(folder, db)
        print("deep JSON:", figures["deep_json"])
        db.dispose()

    figures["total_s"] = round(time.perf_counter() - started, 1)
    figures["load_end"] = os.getloadavg()[0]
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
