"""Map geometry: Web Mercator projection, per-zoom simplification, view culling, hit-testing."""

import math
import random

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPoint, Polygon, box

from commandcenter.demo.geometry import generate_geography
from commandcenter.geo.mapdata import (
    MAX_LATITUDE,
    ORIGIN_SHIFT,
    MapLayer,
    lonlat_to_mercator,
    mercator_to_lonlat,
    metres_per_pixel,
)

CENTRE = (119.925, 32.487)


def wavy_tiling(seed: int = 7, count: int = 60) -> tuple[list[int], list[Polygon]]:
    """Voronoi tiles of a 0.04 x 0.03 degree box, every edge broken into many wavy vertices.

    The same smooth displacement moves every vertex, so shared edges stay shared and the tiles
    still tile the box; the wave is far smaller than a tile so each stays valid.
    """
    rng = np.random.default_rng(seed)
    lon0, lat0 = CENTRE
    frame = box(lon0, lat0, lon0 + 0.04, lat0 + 0.03)
    points = MultiPoint(rng.uniform((lon0, lat0), (lon0 + 0.04, lat0 + 0.03), (count, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=frame))
    cells = shapely.intersection(cells, frame)
    cells = shapely.segmentize(cells, 0.0001)

    def wave(coords: np.ndarray) -> np.ndarray:
        x, y = coords[:, 0], coords[:, 1]
        dx = 0.00003 * np.sin(x * 9000.0) * np.cos(y * 7000.0)
        dy = 0.00003 * np.cos(x * 8000.0) * np.sin(y * 9500.0)
        return np.column_stack([x + dx, y + dy])

    cells = shapely.transform(cells, wave)
    assert shapely.is_valid(cells).all()
    return [1000 + i for i in range(len(cells))], list(cells)


@pytest.fixture(scope="module")
def tiling():
    ids, polygons = wavy_tiling()
    return ids, polygons, MapLayer.from_polygons(ids, polygons)


# --- projection -----------------------------------------------------------------------------


def test_known_mercator_values():
    x, y = lonlat_to_mercator(0.0, 0.0)
    assert x == 0.0 and y == pytest.approx(0.0, abs=1e-6)
    x, y = lonlat_to_mercator(180.0, 0.0)
    assert x == pytest.approx(20037508.34, abs=0.01)
    assert pytest.approx(20037508.342789244) == ORIGIN_SHIFT
    x, y = lonlat_to_mercator(-180.0, MAX_LATITUDE)
    assert (x, y) == (pytest.approx(-ORIGIN_SHIFT), pytest.approx(ORIGIN_SHIFT))
    # Beyond the square world latitudes are clamped, not infinite.
    assert lonlat_to_mercator(0.0, 90.0)[1] == pytest.approx(ORIGIN_SHIFT)
    # 泰州 (119.925, 32.487) by the equivalent forms x = lon / 180 * 20037508.34 m and
    # y = R * atanh(sin(lat)).
    x, y = lonlat_to_mercator(*CENTRE)
    assert x == pytest.approx(CENTRE[0] / 180 * ORIGIN_SHIFT)
    assert y == pytest.approx(6_378_137.0 * math.atanh(math.sin(math.radians(CENTRE[1]))))
    assert metres_per_pixel(0) == pytest.approx(156543.03392804097)
    assert metres_per_pixel(17) == pytest.approx(1.194328566955879)


def test_projection_round_trip_vectorised():
    rng = np.random.default_rng(3)
    lons = rng.uniform(-180, 180, 10_000)
    lats = rng.uniform(-85, 85, 10_000)
    xs, ys = lonlat_to_mercator(lons, lats)
    assert xs.shape == ys.shape == (10_000,)
    back_lons, back_lats = mercator_to_lonlat(xs, ys)
    assert np.abs(back_lons - lons).max() < 1e-9
    assert np.abs(back_lats - lats).max() < 1e-9
    assert mercator_to_lonlat(0.0, 0.0) == (pytest.approx(0.0), pytest.approx(0.0))


# --- building -------------------------------------------------------------------------------


def test_layer_keeps_bounds_areas_and_labels_inside(tiling):
    ids, polygons, layer = tiling
    assert len(layer) == len(ids)
    assert layer.bounds.shape == (len(ids), 4)
    for key, polygon in zip(ids, polygons, strict=True):
        merc = shapely.transform(
            polygon, lambda c: np.column_stack(lonlat_to_mercator(c[:, 0], c[:, 1]))
        )
        i = layer.index_of(key)
        assert layer.bounds[i] == pytest.approx(np.array(merc.bounds))
        assert layer.areas[i] == pytest.approx(merc.area)
        assert merc.contains(shapely.Point(layer.label_point(key)))
        assert layer.hit(*layer.label_point(key)) == key


def test_rings_as_grid_summary_gives_the_same_layer(tiling):
    ids, polygons, layer = tiling
    rings = [(tuple(p.exterior.coords), *(tuple(r.coords) for r in p.interiors)) for p in polygons]
    other = MapLayer.from_polygons(ids, rings)
    assert np.array_equal(other.levels[0].coords, layer.levels[0].coords)


def test_bad_input_is_refused():
    square = box(120, 32, 120.01, 32.01)
    with pytest.raises(ValueError):
        MapLayer.from_polygons([1], [square, square])
    with pytest.raises(ValueError):
        MapLayer.from_polygons([1, 1], [square, square])
    with pytest.raises(ValueError):
        MapLayer.from_polygons([1], [shapely.Point(120, 32)])


def test_multipolygon_keeps_all_its_parts():
    parts = shapely.MultiPolygon([box(120, 32, 120.01, 32.01), box(120.02, 32, 120.03, 32.01)])
    layer = MapLayer.from_polygons(["a", "b"], [parts, box(120.01, 32, 120.02, 32.01)])
    assert len(layer.levels[0].polygon_coords(0)) == 2
    x, y = lonlat_to_mercator(120.025, 32.005)
    assert layer.hit(float(x), float(y)) == "a"
    assert layer.hit_lonlat(120.015, 32.005) == "b"


# --- simplification -------------------------------------------------------------------------


def level_polygons(level) -> list[Polygon]:
    polygons = []
    for i in range(len(level.polygon_offsets) - 1):
        rings = level.polygon_coords(i)
        polygons.append(Polygon(rings[0], rings[1:]))
    return polygons


def test_simplification_stays_valid_and_drops_vertices_at_low_zoom(tiling):
    ids, _, layer = tiling
    counts = [level.vertex_count for level in layer.levels]
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] < counts[0] / 4  # the wavy detail is far below a pixel at zoom 11
    for level in layer.levels:
        assert len(level.polygon_offsets) == len(ids) + 1
        polygons = level_polygons(level)
        assert all(p.is_valid and not p.is_empty for p in polygons)
        assert all(len(p.exterior.coords) >= 4 for p in polygons)
    full = level_polygons(layer.levels[0])
    for level in layer.levels[1:]:
        for original, simple in zip(full, level_polygons(level), strict=True):
            # Each level simplifies the one before (tolerances grow fourfold), so the outline
            # moves at most about 4/3 of the level's tolerance, a fraction of a pixel.
            assert original.hausdorff_distance(simple) <= level.tolerance * 1.5


def test_level_follows_the_scale(tiling):
    _, _, layer = tiling
    assert layer.level_for(0.1) is layer.levels[0]
    assert layer.level_for(metres_per_pixel(17)).zoom == 17
    assert layer.level_for(metres_per_pixel(16.5)).zoom == 17
    assert layer.level_for(metres_per_pixel(14)).zoom == 15
    assert layer.level_for(metres_per_pixel(3)).zoom == 11


# --- view culling ---------------------------------------------------------------------------


def test_visible_returns_only_intersecting_polygons(tiling):
    ids, _, layer = tiling
    minx, miny, maxx, maxy = layer.extent()
    rng = random.Random(5)
    for _ in range(40):
        w, h = rng.uniform(50, 2000), rng.uniform(50, 2000)
        x0, y0 = rng.uniform(minx - 500, maxx), rng.uniform(miny - 500, maxy)
        view = (x0, y0, x0 + w, y0 + h)
        mpp = rng.choice([0.5, 2.0, 10.0, 50.0])
        result = layer.visible(view, mpp)
        expected = [
            key
            for key, geom in zip(ids, layer.geometries, strict=True)
            if geom.intersects(box(*view))
        ]
        assert result.ids.tolist() == expected
        assert result.level is layer.level_for(mpp)
        assert len(result.polygon_offsets) == len(result.ids) + 1
        assert result.polygon_offsets[-1] == len(result.ring_offsets) - 1
        assert result.ring_offsets[-1] == len(result.coords)
        for k, key in enumerate(result.ids.tolist()):
            rings = range(result.polygon_offsets[k], result.polygon_offsets[k + 1])
            got = [
                result.coords[result.ring_offsets[r] : result.ring_offsets[r + 1]] for r in rings
            ]
            want = result.level.polygon_coords(layer.index_of(key))
            assert len(got) == len(want)
            assert all(np.array_equal(a, b) for a, b in zip(got, want, strict=True))


def test_whole_layer_in_view_and_nothing_in_view(tiling):
    ids, _, layer = tiling
    everything = layer.visible(layer.extent(), 40.0)
    assert everything.ids.tolist() == ids
    assert len(everything.coords) == layer.level_for(40.0).vertex_count
    nothing = layer.visible((0.0, 0.0, 10.0, 10.0), 1.0)
    assert len(nothing.ids) == 0 and nothing.coords.shape == (0, 2)
    assert nothing.ring_offsets.tolist() == [0] and nothing.polygon_offsets.tolist() == [0]


# --- hit-testing ----------------------------------------------------------------------------


def test_every_point_inside_a_tile_hits_that_tile(tiling):
    ids, _, layer = tiling
    minx, miny, maxx, maxy = layer.extent()
    rng = np.random.default_rng(11)
    xs = rng.uniform(minx, maxx, 3000)
    ys = rng.uniform(miny, maxy, 3000)
    containing = [
        np.flatnonzero(shapely.contains_xy(layer.geometries, x, y))
        for x, y in zip(xs, ys, strict=True)
    ]
    checked = 0
    for x, y, inside in zip(xs, ys, containing, strict=True):
        if len(inside) == 1:
            assert layer.hit(x, y) == ids[inside[0]]
            assert layer.nearest(x, y, 5.0) == ids[inside[0]]
            checked += 1
    assert checked > 2900


def test_outside_points_hit_nothing_and_nearest_respects_the_distance(tiling):
    _, _, layer = tiling
    minx, miny, maxx, maxy = layer.extent()
    cy = (miny + maxy) / 2
    for x, y in [(minx - 1.0, cy), (maxx + 100.0, cy), ((minx + maxx) / 2, maxy + 0.5), (0, 0)]:
        assert layer.hit(x, y) is None
    assert layer.nearest(minx - 20.0, cy, 10.0) is None
    near = layer.nearest(minx - 20.0, cy, 30.0)
    assert near is not None
    assert layer.geometries[layer.index_of(near)].distance(shapely.Point(minx - 20.0, cy)) <= 30.0


def test_overlapping_polygons_smallest_wins():
    big = box(120.0, 32.0, 120.1, 32.1)
    small = box(120.04, 32.04, 120.06, 32.06)
    layer = MapLayer.from_polygons(["district", "grid"], [big, small])
    assert layer.hit_lonlat(120.05, 32.05) == "grid"
    assert layer.hit_lonlat(120.01, 32.01) == "district"
    x, y = lonlat_to_mercator(120.05, 32.05)
    assert layer.nearest(float(x), float(y), 1.0) == "grid"


def test_demo_district_grids():
    geography = generate_geography(2026)
    polygons = [g.polygon for g in geography.grids]
    layer = MapLayer.from_polygons(range(len(polygons)), polygons)
    for index, polygon in enumerate(polygons):
        lon, lat = polygon.representative_point().coords[0]
        assert layer.hit_lonlat(lon, lat) == index
        assert math.isfinite(layer.label_point(index)[0])


def test_polygons_plain_simplification_would_break_stay_valid():
    # A 10 m square vanishes under Douglas-Peucker at zoom 11 (38 m); a thin U whose arms are
    # 3 m apart would cross itself. Both fall back to the topology-preserving simplifier.
    d = 1 / 111_320  # about a metre in degrees here
    lon, lat = CENTRE
    tiny = box(lon, lat, lon + 10 * d, lat + 10 * d)
    u_shape = Polygon(
        [
            (lon, lat),
            (lon + 300 * d, lat),
            (lon + 300 * d, lat + 200 * d),
            (lon + 152 * d, lat + 200 * d),
            (lon + 152 * d, lat + 20 * d),
            (lon + 149 * d, lat + 20 * d),
            (lon + 149 * d, lat + 200 * d),
            (lon, lat + 200 * d),
        ]
    )
    merc = shapely.transform(
        np.array([tiny, u_shape]), lambda c: np.column_stack(lonlat_to_mercator(c[:, 0], c[:, 1]))
    )
    plain = shapely.simplify(merc, 38.0, preserve_topology=False)
    assert plain[0].is_empty or not plain[0].is_valid
    layer = MapLayer.from_polygons(["tiny", "u"], [tiny, u_shape])
    for level in layer.levels:
        for polygon in level_polygons(level):
            assert polygon.is_valid and not polygon.is_empty


def test_large_and_small_view_paths_agree(tiling, monkeypatch):
    # Large views are culled by a scan of all bounds and gathered by masks, small ones through
    # the tree and index ranges: both must give the same arrays.
    from commandcenter.geo import mapdata

    _, _, layer = tiling
    minx, miny, maxx, maxy = layer.extent()
    views = [
        (minx + 100, miny + 100, maxx - 1500, maxy - 1000),
        (minx - 50, miny + 700, minx + 900, miny + 1200),
        ((minx + maxx) / 2, (miny + maxy) / 2, (minx + maxx) / 2 + 30, (miny + maxy) / 2 + 20),
    ]
    results = {}
    for path, share in (("large", 10**9), ("small", 1e-9)):  # every view counts as large / small
        monkeypatch.setattr(mapdata, "LARGE_VIEW_SHARE", share)
        results[path] = [layer.visible(view, 5.0) for view in views]
    for large, small in zip(results["large"], results["small"], strict=True):
        assert 0 < len(large.ids) < len(layer)
        for a, b in zip(large[:4], small[:4], strict=True):
            assert np.array_equal(a, b)


def test_empty_layer():
    layer = MapLayer.from_polygons([], [])
    assert len(layer) == 0
    assert layer.hit(0.0, 0.0) is None and layer.nearest(0.0, 0.0, 100.0) is None
    result = layer.visible((0.0, 0.0, 100.0, 100.0), 1.0)
    assert len(result.ids) == 0 and result.coords.shape == (0, 2)
    with pytest.raises(ValueError):
        layer.extent()
