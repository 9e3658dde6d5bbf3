"""WGS-84 ⇄ GCJ-02 ⇄ BD-09: round trips within 1 m, known values, China box, arrays, shapely."""

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from commandcenter.geo.gcj02 import (
    bd09_to_gcj02,
    bd09_to_gcj02_array,
    gcj02_to_bd09,
    gcj02_to_bd09_array,
    gcj02_to_wgs84,
    gcj02_to_wgs84_array,
    out_of_china,
    out_of_china_array,
    transform_geometry,
    wgs84_to_gcj02,
    wgs84_to_gcj02_array,
)

TAIZHOU = (119.92, 32.49)
EARTH_RADIUS = 6371008.8  # mean radius, metres


def haversine(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres; works on floats and numpy arrays."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def china_points():
    rng = np.random.default_rng(20261126)
    return rng.uniform(73, 135, 200), rng.uniform(18, 53, 200)


def test_haversine_helper_is_sane():
    # One degree of latitude is about 111.2 km.
    assert haversine(120, 30, 120, 31) == pytest.approx(111_195, rel=1e-4)


# ---------------------------------------------------------------- round trips within 1 m


def test_wgs_gcj_wgs_round_trip_within_a_metre_across_china(china_points):
    worst = 0.0
    for lon, lat in zip(*china_points, strict=True):
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
        worst = max(worst, float(haversine(lon, lat, *back)))
    assert worst < 1.0
    # The iteration actually solves the inverse, far below the required metre.
    assert worst < 0.001


def test_gcj_wgs_gcj_round_trip_within_a_metre_across_china(china_points):
    # "Both ways": starting from GCJ-02 coordinates, as an imported file has them.
    worst = 0.0
    for lon, lat in zip(*china_points, strict=True):
        again = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
        worst = max(worst, float(haversine(lon, lat, *again)))
    assert worst < 0.001


def test_inverse_converges_below_1e_7_degree(china_points):
    for lon, lat in zip(*china_points, strict=True):
        again = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
        assert abs(again[0] - lon) < 1e-7 and abs(again[1] - lat) < 1e-7


def test_round_trip_at_taizhou_and_offset_is_a_few_hundred_metres():
    gcj = wgs84_to_gcj02(*TAIZHOU)
    offset = float(haversine(*TAIZHOU, *gcj))
    assert 100 < offset < 700
    assert float(haversine(*TAIZHOU, *gcj02_to_wgs84(*gcj))) < 0.001
    # And the inverse of the Taizhou point read as GCJ-02 lands the same distance away.
    wgs = gcj02_to_wgs84(*TAIZHOU)
    assert float(haversine(*TAIZHOU, *wgs)) == pytest.approx(offset, abs=5)


# ---------------------------------------------------------------- known values


def test_tiananmen_reference_pair_within_5_m():
    # Commonly quoted pair for Tian'anmen: WGS-84 (116.397428, 39.90923) ↔ GCJ-02 about
    # (116.403663, 39.910627). The published formula gives (116.4036716, 39.9106335), 1.1 m
    # from the quoted pair; both directions are checked against the quoted pair.
    gcj = wgs84_to_gcj02(116.397428, 39.90923)
    assert gcj == pytest.approx((116.4036716, 39.9106335), abs=1e-7)
    assert float(haversine(*gcj, 116.403663, 39.910627)) < 5
    wgs = gcj02_to_wgs84(116.403663, 39.910627)
    assert float(haversine(*wgs, 116.397428, 39.90923)) < 5


def test_forward_matches_an_independent_implementation():
    # Values from the test suite of gcoord (JavaScript), an independent implementation of
    # the same published algorithm, checked there to 5 decimals; ours agree to 1e-8.
    assert wgs84_to_gcj02(123, 45) == pytest.approx((123.00607541, 45.00197815), abs=1e-8)
    assert gcj02_to_bd09(123, 45) == pytest.approx((123.00636499, 45.00636899), abs=1e-8)
    assert bd09_to_gcj02(123, 45) == pytest.approx((122.99363304, 44.99365430), abs=1e-8)
    # gcoord's own inverse is a looser iteration; ours agrees within its stated 5 decimals.
    assert gcj02_to_wgs84(123, 45) == pytest.approx((122.99395597, 44.99804071), abs=5e-6)


# ---------------------------------------------------------------- outside China


@pytest.mark.parametrize(
    "lon, lat",
    [
        (2.3522, 48.8566),
        (-74.006, 40.7128),
        (139.6917, 35.6895),
        (151.2093, -33.8688),
        (183.0, 45.0),
        (100.0, 0.5),
        (71.9, 40.0),
        (120.0, 56.0),
    ],
)
def test_points_outside_china_are_unchanged(lon, lat):
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    lons, lats = wgs84_to_gcj02_array([lon], [lat])
    assert (lons[0], lats[0]) == (lon, lat)
    lons, lats = gcj02_to_wgs84_array([lon], [lat])
    assert (lons[0], lats[0]) == (lon, lat)


def test_china_box():
    assert not out_of_china(*TAIZHOU)
    assert not out_of_china(116.397428, 39.90923)
    assert out_of_china_array([119.92, 2.35, 126.6], [32.49, 48.86, 60.0]).tolist() == [
        False,
        True,
        True,
    ]


# ---------------------------------------------------------------- arrays equal scalars


def test_arrays_equal_scalar_results(china_points):
    lons = np.concatenate([china_points[0], [2.3522, 183.0, TAIZHOU[0]]])
    lats = np.concatenate([china_points[1], [48.8566, 45.0, TAIZHOU[1]]])
    pairs = [
        (wgs84_to_gcj02, wgs84_to_gcj02_array),
        (gcj02_to_wgs84, gcj02_to_wgs84_array),
        (gcj02_to_bd09, gcj02_to_bd09_array),
        (bd09_to_gcj02, bd09_to_gcj02_array),
    ]
    for scalar, array in pairs:
        out_lons, out_lats = array(lons, lats)
        expected = np.array([scalar(lo, la) for lo, la in zip(lons, lats, strict=True)])
        np.testing.assert_allclose(out_lons, expected[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(out_lats, expected[:, 1], rtol=0, atol=1e-12)


def test_arrays_accept_lists_and_keep_shape_and_do_not_modify_input():
    lons = np.array([[119.92, 120.0], [121.0, 2.0]])
    lats = np.array([[32.49, 31.0], [30.0, 48.0]])
    before = lons.copy(), lats.copy()
    out_lons, out_lats = gcj02_to_wgs84_array(lons, lats)
    assert out_lons.shape == out_lats.shape == (2, 2)
    np.testing.assert_array_equal(lons, before[0])
    np.testing.assert_array_equal(lats, before[1])
    assert out_lons[0, 0] == pytest.approx(gcj02_to_wgs84(119.92, 32.49)[0], abs=1e-12)
    lo, la = wgs84_to_gcj02_array([119.92], [32.49])
    assert (lo[0], la[0]) == pytest.approx(wgs84_to_gcj02(119.92, 32.49), abs=1e-12)


# ---------------------------------------------------------------- BD-09


def test_bd09_round_trip_within_a_metre(china_points):
    for lon, lat in zip(*china_points, strict=True):
        back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
        assert float(haversine(lon, lat, *back)) < 1.0


# ---------------------------------------------------------------- shapely geometries


def taizhou_grid() -> Polygon:
    # A grid-sized polygon (a few hundred metres) with a hole, around Taizhou.
    x, y = TAIZHOU
    shell = [(x, y), (x + 0.006, y), (x + 0.007, y + 0.004), (x + 0.002, y + 0.005), (x, y)]
    hole = [
        (x + 0.002, y + 0.001),
        (x + 0.003, y + 0.001),
        (x + 0.003, y + 0.002),
        (x + 0.002, y + 0.001),
    ]
    return Polygon(shell, [hole])


def test_polygon_round_trip_stays_valid_and_within_a_metre_per_vertex():
    wgs = taizhou_grid()
    assert wgs.is_valid
    gcj = transform_geometry(wgs, wgs84_to_gcj02_array)
    back = transform_geometry(gcj, gcj02_to_wgs84_array)
    assert gcj.is_valid and back.is_valid
    assert isinstance(back, Polygon) and len(back.interiors) == 1
    a = shapely.get_coordinates(wgs)
    g = shapely.get_coordinates(gcj)
    b = shapely.get_coordinates(back)
    assert a.shape == b.shape
    assert np.all(haversine(a[:, 0], a[:, 1], b[:, 0], b[:, 1]) < 1.0)
    # The GCJ-02 polygon really moved, by the few hundred metres of the offset.
    moved = haversine(a[:, 0], a[:, 1], g[:, 0], g[:, 1])
    assert np.all((moved > 100) & (moved < 700))
    # Each vertex is what the scalar function gives.
    for (x, y), (gx, gy) in zip(a, g, strict=True):
        assert (gx, gy) == pytest.approx(wgs84_to_gcj02(x, y), abs=1e-12)


def test_transform_geometry_accepts_scalar_functions_arrays_and_keeps_z():
    poly = taizhou_grid()
    via_scalar = transform_geometry(poly, gcj02_to_wgs84)
    via_array = transform_geometry(poly, gcj02_to_wgs84_array)
    assert shapely.equals_exact(via_scalar, via_array, tolerance=0)

    geoms = np.array([poly, MultiPolygon([poly]), Point(TAIZHOU)])
    out = transform_geometry(geoms, wgs84_to_gcj02_array)
    assert out.shape == (3,)
    assert shapely.equals_exact(out[0], transform_geometry(poly, wgs84_to_gcj02_array), 0)

    point_z = transform_geometry(Point(119.92, 32.49, 12.5), wgs84_to_gcj02_array)
    assert point_z.has_z and point_z.z == 12.5
    assert (point_z.x, point_z.y) == pytest.approx(wgs84_to_gcj02(*TAIZHOU), abs=1e-12)
