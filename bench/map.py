"""Benchmark: the live map's geometry for a city of 50,000 grids (no Qt).

Generates a city of grid polygons in WGS-84 lon/lat: Voronoi cells of seeds that crowd in the
centre and thin out in the suburbs (a median grid of about 3 hectares), every edge broken into
15-metre steps and bent by a smooth wave of a few metres, as boundaries drawn along streets and
walls look. The same wave moves every shared vertex the same way, so the grids still tile the
city and each stays valid. Then measures ``commandcenter.geo.mapdata``:

- load and prepare: the polygons from WKB (as a database or a file reader hands them over) and
  ``MapLayer.from_polygons`` (projection to Web Mercator, STRtree, label points, simplification
  for every precomputed zoom level);
- ``visible()`` for a 1920 x 1080 view at three zoom levels (16: a neighbourhood, 14: a
  district, 12: the whole city), view centres at random over the city: median and p95;
- ``hit()`` for 10,000 random points over the city, each call timed: median and p95
  (goal <= 1 ms); ``nearest()`` within 30 m for 2,000 points.

Paint time per frame needs the widget and is measured with it. Automatic garbage collection is
off inside the timed loops, as in the console (``ui.tasks.GuiThreadGarbageCollector``). The last
line of the output is one line of JSON with every figure.

    .venv/bin/python bench/map.py            # 50,000 grids
    .venv/bin/python bench/map.py --quick    # 5,000 grids, a few seconds
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commandcenter.demo.geometry import DEFAULT_CENTRE, METRES_PER_DEGREE  # noqa: E402
from commandcenter.geo.mapdata import (  # noqa: E402
    MapLayer,
    lonlat_to_mercator,
    metres_per_pixel,
)

VIEW_SIZE = (1920, 1080)  # pixels
VIEW_ZOOMS = (16, 14, 12)
GRID_SIDE = 270.0  # metres: the city's side is this times the square root of the grid count
SEGMENT = 15.0  # metres between vertices along a boundary
WAVE_AMPLITUDE = 4.0  # metres
WAVE_LENGTH = 120.0  # metres; amplitude x wavenumber well below 1 keeps every cell valid


def generate_city(count: int, seed: int) -> list[shapely.Polygon]:
    """``count`` grid polygons in lon/lat tiling a square city around ``DEFAULT_CENTRE``."""
    rng = np.random.default_rng(seed)
    half = GRID_SIDE * math.sqrt(count) / 2
    core = rng.normal(0.0, half / 4, (count * 6 // 10, 2))
    seeds = np.vstack([core, rng.uniform(-half, half, (count - len(core), 2))])
    seeds = seeds[(np.abs(seeds) < half).all(axis=1)]
    while len(seeds) < count:
        seeds = np.vstack([seeds, rng.uniform(-half, half, (count - len(seeds), 2))])
    frame = shapely.box(-half, -half, half, half)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    cells = shapely.segmentize(cells, SEGMENT)
    k = 2 * math.pi / WAVE_LENGTH
    lon0, lat0 = DEFAULT_CENTRE
    x_scale = 1 / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))

    def bend_and_place(coords: np.ndarray) -> np.ndarray:
        x, y = coords[:, 0], coords[:, 1]
        bent_x = x + WAVE_AMPLITUDE * np.sin(k * y + 0.3) * np.cos(0.8 * k * x)
        bent_y = y + WAVE_AMPLITUDE * np.sin(0.9 * k * x + 1.1) * np.cos(k * y)
        return np.column_stack([lon0 + bent_x * x_scale, lat0 + bent_y / METRES_PER_DEGREE])

    cells = shapely.transform(cells, bend_and_place)
    valid = shapely.is_valid(cells)
    if not valid.all():  # not seen; keep the figures honest if it ever happens
        print(f"  dropped {int((~valid).sum())} invalid cells", flush=True)
        cells = cells[valid]
    return list(cells)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def summary(values_s: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds."""
    return {
        "median_ms": round(statistics.median(values_s) * 1e3, 4),
        "p95_ms": round(percentile(values_s, 0.95) * 1e3, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 grids, fewer runs")
    parser.add_argument("--grids", type=int, help="number of grids (default 50,000)")
    parser.add_argument("--views", type=int, help="views per zoom level (default 200)")
    parser.add_argument("--points", type=int, default=10_000, help="hit-test points")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    count = args.grids or (5_000 if args.quick else 50_000)
    views = args.views or (50 if args.quick else 200)
    started = time.perf_counter()

    print(f"Generating {count:,} grids ...", flush=True)
    t = time.perf_counter()
    polygons = generate_city(count, args.seed)
    generate_s = time.perf_counter() - t
    ids = list(range(1, len(polygons) + 1))
    vertices = int(shapely.get_num_coordinates(np.array(polygons, dtype=object)).sum())
    wkb = shapely.to_wkb(np.array(polygons, dtype=object))
    del polygons
    print(f"  {len(ids):,} grids, {vertices:,} vertices, {generate_s:.2f} s", flush=True)

    gc.collect()
    t = time.perf_counter()
    loaded = shapely.from_wkb(wkb)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    layer = MapLayer.from_polygons(ids, loaded)
    prepare_s = time.perf_counter() - t
    print(
        f"Load (WKB) {load_s:.3f} s, prepare (MapLayer.from_polygons) {prepare_s:.3f} s, "
        f"together {load_s + prepare_s:.3f} s",
        flush=True,
    )
    levels = []
    for level in layer.levels:
        name = "full" if level.zoom is None else f"z{level.zoom:g}"
        levels.append(
            {"level": name, "tolerance_m": level.tolerance, "vertices": level.vertex_count}
        )
        print(
            f"  {name:>5}: tolerance {level.tolerance:7.2f} m, {level.vertex_count:>10,} vertices"
        )

    rng = np.random.default_rng(args.seed + 1)
    min_x, min_y, max_x, max_y = layer.extent()
    gc.collect()
    gc.disable()
    try:
        visible = {}
        for zoom in VIEW_ZOOMS:
            mpp = metres_per_pixel(zoom)
            half_w, half_h = VIEW_SIZE[0] * mpp / 2, VIEW_SIZE[1] * mpp / 2
            times, polygons_shown, vertices_shown = [], [], []
            for cx, cy in zip(
                rng.uniform(min_x, max_x, views), rng.uniform(min_y, max_y, views), strict=True
            ):
                t = time.perf_counter()
                result = layer.visible((cx - half_w, cy - half_h, cx + half_w, cy + half_h), mpp)
                times.append(time.perf_counter() - t)
                polygons_shown.append(len(result.ids))
                vertices_shown.append(len(result.coords))
            figure = summary(times) | {
                "metres_per_pixel": round(mpp, 3),
                "level": "full" if result.level.zoom is None else f"z{result.level.zoom:g}",
                "mean_polygons": round(statistics.mean(polygons_shown)),
                "mean_vertices": round(statistics.mean(vertices_shown)),
            }
            visible[f"z{zoom}"] = figure
            print(
                f"visible() zoom {zoom} ({mpp:.2f} m/px, level {figure['level']}): "
                f"median {figure['median_ms']:.3f} ms, p95 {figure['p95_ms']:.3f} ms, "
                f"{figure['mean_polygons']:,} polygons / {figure['mean_vertices']:,} vertices "
                f"on average",
                flush=True,
            )

        xs = rng.uniform(min_x, max_x, args.points).tolist()
        ys = rng.uniform(min_y, max_y, args.points).tolist()
        times, hits = [], 0
        for x, y in zip(xs, ys, strict=True):
            t = time.perf_counter()
            found = layer.hit(x, y)
            times.append(time.perf_counter() - t)
            hits += found is not None
        hit = summary(times) | {"points": args.points, "hits": hits}
        print(
            f"hit() {args.points:,} points ({hits:,} inside a grid): median "
            f"{hit['median_ms'] * 1e3:.1f} us, p95 {hit['p95_ms'] * 1e3:.1f} us (goal <= 1 ms)",
            flush=True,
        )

        near_points = min(2_000, args.points)
        times = []
        for x, y in zip(xs[:near_points], ys[:near_points], strict=True):
            t = time.perf_counter()
            layer.nearest(x - 40.0, y, 30.0)
            times.append(time.perf_counter() - t)
        nearest = summary(times) | {"points": near_points, "max_distance_m": 30.0}
        print(
            f"nearest() within 30 m, {near_points:,} points: median "
            f"{nearest['median_ms'] * 1e3:.1f} us, p95 {nearest['p95_ms'] * 1e3:.1f} us",
            flush=True,
        )
    finally:
        gc.enable()

    # Sanity: the centre of the city is inside some grid, and its label point hits it back.
    centre = layer.hit(*(float(v) for v in lonlat_to_mercator(*DEFAULT_CENTRE)))
    assert centre is not None and layer.hit(*layer.label_point(centre)) == centre

    total_s = time.perf_counter() - started
    print(f"Total {total_s:.1f} s", flush=True)
    print(
        json.dumps(
            {
                "bench": "map",
                "quick": args.quick,
                "grids": len(ids),
                "vertices": vertices,
                "generate_s": round(generate_s, 3),
                "load_s": round(load_s, 3),
                "prepare_s": round(prepare_s, 3),
                "load_and_prepare_s": round(load_s + prepare_s, 3),
                "levels": levels,
                "visible": visible,
                "hit": hit,
                "nearest": nearest,
                "total_s": round(total_s, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
