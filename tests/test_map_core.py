"""Viewport arithmetic, marker clustering and the grid colouring classes (no Qt)."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from commandcenter.geo.choropleth import Classes, Measure, classify, measure_values
from commandcenter.geo.clusters import cluster_points
from commandcenter.geo.mapdata import lonlat_to_mercator, metres_per_pixel
from commandcenter.geo.viewport import MAX_ZOOM, Viewport

X0, Y0 = (float(v) for v in lonlat_to_mercator(119.92, 32.49))


def view(mpp=10.0, width=800, height=600):
    return Viewport(X0, Y0, mpp, width, height)


# --- viewport ------------------------------------------------------------------------------


def test_screen_and_world_round_trip():
    v = view()
    assert v.to_screen(X0, Y0) == (400.0, 300.0)
    x, y = v.to_world(0, 0)
    assert x == pytest.approx(X0 - 4000) and y == pytest.approx(Y0 + 3000)  # y grows upwards
    assert v.to_screen(x, y) == pytest.approx((0.0, 0.0))
    sx, sy = v.to_screen(np.array([X0, X0 + 100]), np.array([Y0, Y0 - 50]))
    assert sx.tolist() == [400.0, 410.0] and sy.tolist() == [300.0, 305.0]
    assert v.bbox() == pytest.approx((X0 - 4000, Y0 - 3000, X0 + 4000, Y0 + 3000))


def test_screen_transform_matches_to_screen():
    v = view(mpp=3.7)
    sx_scale, sy_scale, dx, dy = v.screen_transform()
    wx, wy = X0 + 123.0, Y0 - 456.0
    assert (wx * sx_scale + dx, wy * sy_scale + dy) == pytest.approx(v.to_screen(wx, wy))


def test_zoom_keeps_the_point_under_the_cursor():
    v = view()
    under = v.to_world(120, 80)
    zoomed = v.zoomed_at(2.0, 120, 80)
    assert zoomed.metres_per_pixel == pytest.approx(5.0)
    assert zoomed.to_world(120, 80) == pytest.approx(under)
    assert zoomed.zoom == pytest.approx(v.zoom + 1)


def test_zoom_is_clamped():
    v = view().zoomed_at(1e9, 10, 10)
    assert v.metres_per_pixel == pytest.approx(metres_per_pixel(MAX_ZOOM))


def test_pan_moves_the_picture_with_the_drag():
    v = view()
    moved = v.panned(50, -20)  # drag right and up: the world under the cursor follows
    assert moved.to_screen(*v.to_world(100, 100)) == pytest.approx((150.0, 80.0))


def test_fit_shows_the_whole_box_with_its_margin():
    box = (X0 - 5000, Y0 - 1000, X0 + 5000, Y0 + 1000)
    fitted = view().fitted(box, margin_px=20)
    sx0, sy0 = fitted.to_screen(box[0], box[3])
    sx1, sy1 = fitted.to_screen(box[2], box[1])
    assert sx0 == pytest.approx(20) and sx1 == pytest.approx(780)  # width decides
    assert 20 <= sy0 < sy1 <= 580
    tiny = view().fitted((X0, Y0, X0 + 1, Y0 + 1))
    assert tiny.zoom == pytest.approx(18.0)  # a point is not magnified without end


def test_fit_leaves_insets_free():
    box = (X0 - 1000, Y0 - 1000, X0 + 1000, Y0 + 1000)
    fitted = view().fitted(box, margin_px=10, insets=(0, 0, 0, 200))  # a legend at the bottom
    _, top = fitted.to_screen(box[0], box[3])
    _, bottom = fitted.to_screen(box[2], box[1])
    assert top == pytest.approx(10) and bottom == pytest.approx(600 - 200 - 10)


def test_flight_starts_and_ends_in_place():
    a, b = view(mpp=50), view(mpp=2).centred_on(X0 + 10_000, Y0)
    assert a.interpolated(b, 0) == a
    assert a.interpolated(b, 1) == b
    middle = a.interpolated(b, 0.5)
    assert middle.metres_per_pixel == pytest.approx(math.sqrt(50 * 2))


# --- clusters ------------------------------------------------------------------------------


def test_near_points_cluster_and_far_ones_stay_alone():
    xs = [X0, X0 + 20, X0 + 40, X0 + 5000]
    ys = [Y0, Y0 + 10, Y0, Y0]
    clusters = cluster_points(xs, ys, [1, 3, 2, 0], metres_per_pixel=2.0, cell_px=100)
    # 200 m cells: the first three share one (unless a cell border splits them)
    counts = sorted(clusters.count.tolist())
    assert sum(counts) == 4 and counts[-1] >= 2 and 1 in counts
    big = int(np.argmax(clusters.count))
    members = clusters.members(big).tolist()
    assert set(members) <= {0, 1, 2}
    assert clusters.priority[big] == max([1, 3, 2][m] for m in members)
    assert clusters.top[big] in members


def test_zooming_in_splits_clusters():
    rng = np.random.default_rng(1)
    xs = X0 + rng.uniform(0, 2000, 500)
    ys = Y0 + rng.uniform(0, 2000, 500)
    far = cluster_points(xs, ys, np.zeros(500), metres_per_pixel=50.0)
    near = cluster_points(xs, ys, np.zeros(500), metres_per_pixel=0.5)
    assert len(far) < 5 and len(near) > 400
    assert far.count.sum() == near.count.sum() == 500
    # every input point belongs to exactly one cluster
    assert sorted(far.members_order.tolist()) == list(range(500))


def test_clusters_only_what_is_in_view():
    clusters = cluster_points([0, 100, 5000], [0, 0, 0], [0, 0, 0], 1.0, bbox=(-10, -10, 200, 10))
    assert clusters.count.sum() == 2
    assert len(cluster_points([], [], [], 1.0)) == 0


# --- colouring -----------------------------------------------------------------------------


def grids(*figures):
    return [SimpleNamespace(open_cases=o, overdue_cases=d, population=p) for o, d, p in figures]


def test_measures():
    gs = grids((4, 1, 2000), (0, 0, 0), (10, 3, 500))
    assert measure_values(gs, Measure.OPEN).tolist() == [4, 0, 10]
    assert measure_values(gs, Measure.OVERDUE).tolist() == [1, 0, 3]
    per = measure_values(gs, Measure.PER_THOUSAND)
    assert per[0] == 2.0 and math.isnan(per[1]) and per[2] == 20.0


def test_zero_is_its_own_class_and_every_value_has_one():
    values = np.array([0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, float("nan")])
    classes, cls = classify(values, Measure.OPEN)
    assert classes.bounds[0] == 0 and list(classes.bounds) == sorted(set(classes.bounds))
    assert cls[0] == cls[1] == 0 and cls[-1] == -1
    assert (cls[2:-1] >= 1).all() and (np.diff(cls[2:-1]) >= 0).all()
    for k in range(1, len(classes)):
        low = classes.bounds[k]
        high = classes.bounds[k + 1] if k + 1 < len(classes) else math.inf
        inside = values[cls == k]
        assert ((inside >= low) & (inside < high)).all()


def test_labels_name_the_ranges():
    classes = Classes((0.0, 1.0, 2.0, 4.0, 7.0), integral=True)
    assert [classes.label(k) for k in range(5)] == ["0", "1", "2–3", "4–6", "7+"]
    assert classes.classify(np.array([0, 1, 3, 6, 7, 99])).tolist() == [0, 1, 2, 3, 4, 4]
    rates = Classes.of(np.array([0.3, 0.8, 1.7, 4.2, 9.9]), integral=False)
    assert rates.label(len(rates) - 1).endswith("+") and rates.bounds[1] <= 0.3


def test_all_zero_gives_one_class():
    classes, cls = classify(np.zeros(4), Measure.OVERDUE)
    assert classes.bounds == (0.0,) and cls.tolist() == [0, 0, 0, 0]
