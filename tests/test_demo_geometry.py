"""Demo street office geography: exact tiling, valid rounded polygons, determinism, realism."""

import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from commandcenter.demo import geometry
from commandcenter.demo.geometry import DemoGeography, generate_geography, random_point_in

CENTRE = geometry.DEFAULT_CENTRE
METRES_PER_DEGREE_LON = geometry.METRES_PER_DEGREE * math.cos(math.radians(CENTRE[1]))


@pytest.fixture(scope="module")
def demo() -> DemoGeography:
    return generate_geography(7)


def grids_of(geo: DemoGeography, community: int) -> list[Polygon]:
    return [grid.polygon for grid in geo.grids if grid.community_index == community]


def assert_tiles(parts: list[Polygon], whole: Polygon, reference_area: float) -> None:
    """``parts`` cover ``whole`` with no gap and no overlap, up to float noise."""
    gap_or_excess = shapely.symmetric_difference(shapely.union_all(parts), whole).area
    assert gap_or_excess < 1e-9 * reference_area
    overlap = sum(a.intersection(b).area for a, b in itertools.combinations(parts, 2))
    assert overlap < 1e-9 * reference_area
    assert shapely.coverage_is_valid(parts)


def size_in_metres(polygon: Polygon) -> tuple[float, float]:
    min_x, min_y, max_x, max_y = polygon.bounds
    return (max_x - min_x) * METRES_PER_DEGREE_LON, (max_y - min_y) * geometry.METRES_PER_DEGREE


def all_polygons(geo: DemoGeography) -> list[Polygon]:
    return [geo.street, *geo.communities, *(grid.polygon for grid in geo.grids)]


def test_communities_tile_the_street(demo):
    assert len(demo.communities) == 8
    assert_tiles(demo.communities, demo.street, demo.street.area)


def test_grids_tile_each_community(demo):
    for index, community in enumerate(demo.communities):
        assert_tiles(grids_of(demo, index), community, demo.street.area)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 14, 45])
def test_tiling_holds_for_other_seeds(seed):
    geo = generate_geography(seed)
    assert_tiles(geo.communities, geo.street, geo.street.area)
    for index, community in enumerate(geo.communities):
        assert_tiles(grids_of(geo, index), community, geo.street.area)


def test_every_polygon_is_a_valid_counter_clockwise_polygon(demo):
    for polygon in all_polygons(demo):
        assert polygon.geom_type == "Polygon"
        assert polygon.is_valid
        assert polygon.area > 0
        assert polygon.exterior.is_ccw


def test_coordinates_have_seven_decimals(demo):
    for polygon in all_polygons(demo):
        scaled = shapely.get_coordinates(polygon) * 1e7
        assert np.abs(scaled - np.round(scaled)).max() < 1e-6


def test_street_is_about_3_5_by_3_km_around_the_centre(demo):
    width, height = size_in_metres(demo.street)
    assert 3000 < width < 4000
    assert 2500 < height < 3500
    centroid = demo.street.centroid
    assert abs(centroid.x - CENTRE[0]) * METRES_PER_DEGREE_LON < 500
    assert abs(centroid.y - CENTRE[1]) * geometry.METRES_PER_DEGREE < 500


def test_grid_count_and_numbering(demo):
    assert abs(len(demo.grids) - (8 * 10 + 4)) <= 3
    for index in range(len(demo.communities)):
        grids = [grid for grid in demo.grids if grid.community_index == index]
        assert [grid.number for grid in grids] == list(range(1, len(grids) + 1))
        kinds = [grid.kind for grid in grids]
        assert kinds == sorted(kinds, key=lambda kind: kind == "dedicated")  # ordinary first


def test_ordinary_grids_are_numbered_north_west_first(demo):
    for index in range(len(demo.communities)):
        ordinary = [g for g in demo.grids if g.community_index == index and g.kind == "urban"]
        first, last = ordinary[0].polygon.centroid, ordinary[-1].polygon.centroid
        assert first.y > last.y


def test_dedicated_grids(demo):
    dedicated = [grid for grid in demo.grids if grid.kind == "dedicated"]
    assert Counter(grid.label for grid in dedicated) == Counter(
        {"school": 2, "market": 1, "hospital": 1}
    )
    assert len({grid.community_index for grid in dedicated}) == len(dedicated)
    for grid in dedicated:
        community = demo.communities[grid.community_index]
        assert community.buffer(1e-9).contains(grid.polygon)
        width, height = size_in_metres(grid.polygon)
        assert 100 < max(width, height) < 400
    ordinary = [grid for grid in demo.grids if grid.kind == "urban"]
    assert all(grid.label is None for grid in ordinary)


def test_more_dedicated_sites_than_communities():
    geo = generate_geography(3, communities=3, grids_per_community=4, dedicated=("school",) * 5)
    assert sum(grid.kind == "dedicated" for grid in geo.grids) == 5
    for index, community in enumerate(geo.communities):
        assert_tiles(grids_of(geo, index), community, geo.street.area)


def test_ordinary_grid_areas_are_fairly_even(demo):
    areas = [grid.polygon.area for grid in demo.grids if grid.kind == "urban"]
    assert max(areas) / min(areas) < 6


def test_same_seed_same_coordinates_other_seed_differs(demo):
    again = generate_geography(7)
    assert again.street.wkb == demo.street.wkb
    assert [c.wkb for c in again.communities] == [c.wkb for c in demo.communities]
    assert [(g.community_index, g.number, g.kind, g.label, g.polygon.wkb) for g in again.grids] == [
        (g.community_index, g.number, g.kind, g.label, g.polygon.wkb) for g in demo.grids
    ]
    other = generate_geography(8)
    assert other.street.wkb != demo.street.wkb


def test_random_point_in_is_inside_and_deterministic(demo):
    community = demo.communities[0]
    first = [random_point_in(community, random.Random(5)) for _ in range(3)]
    again = [random_point_in(community, random.Random(5)) for _ in range(3)]
    assert [p.wkb for p in first] == [p.wkb for p in again]
    rng = random.Random(1)
    assert all(community.contains(random_point_in(community, rng)) for _ in range(50))
    with pytest.raises(ValueError):
        random_point_in(Polygon(), rng)


def test_detached_pieces_go_to_a_neighbouring_grid_of_the_same_community():
    def cell(x0: float, x1: float) -> Polygon:
        return box(CENTRE[0] + x0 * 1e-3, CENTRE[1], CENTRE[0] + x1 * 1e-3, CENTRE[1] + 1e-3)

    split = shapely.union_all([cell(0, 1), cell(2, 2.2)])  # a grid cut in two by a site
    units = [
        geometry._Unit(0, "urban", None, split),
        geometry._Unit(0, "urban", None, cell(1, 2)),
        geometry._Unit(0, "dedicated", "market", cell(2.2, 3)),
    ]
    geo = geometry._assemble(units)
    assert len(geo.grids) == 3
    assert all(grid.polygon.geom_type == "Polygon" for grid in geo.grids)
    assert_tiles([grid.polygon for grid in geo.grids], geo.communities[0], geo.street.area)
    market = next(grid for grid in geo.grids if grid.kind == "dedicated")
    assert market.polygon.area == pytest.approx(cell(2.2, 3).area, rel=1e-6)  # sites keep shape
