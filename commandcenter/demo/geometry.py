"""Deterministic geography of a demo street office (街道): street, communities and grids.

Shapes are built in a local metric plane (x east, y north, metres from the centre) where sizes
mean something, then converted to WGS-84 lon/lat and snap-rounded to 1e-7 degrees as one
coverage, so that shared edges stay shared and the tiling still holds after rounding.

Layout of a street office:
- the street is an irregular polygon of about 3.5 km x 3 km;
- a block network of slightly bent roads, tilted like a real city grid, guides the edges;
- communities are Voronoi cells of Lloyd-relaxed seeds clipped to the street, their corners pulled
  onto road crossings and main roads so that boundaries run along streets;
- grids split each community the same way, with corners pulled onto the nearer lanes;
- dedicated grids (专属网格: school, market, hospital...) are compact compounds fronting a community
  boundary; they are carved out before the ordinary grids are drawn, so the ordinary grids share
  the rest evenly and no grid is left with a hole or a sliver.

Finally all pieces are snap-rounded together; whole faces of the rounded coverage are handed
between grids to keep every grid and community a single polygon and small grids merged.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

__all__ = ["DemoGeography", "DemoGrid", "generate_geography", "random_point_in"]

DEFAULT_CENTRE = (119.925, 32.487)  # 泰州市海陵区
METRIC_GRID = 1e-3  # metres; working precision of the local plane
COORDINATE_GRID = 1e-7  # degrees; output coordinates have 7 decimals (~1 cm)
# Spherical approximation on the WGS-84 equatorial radius: plenty for a demo district.
METRES_PER_DEGREE = 6_378_137.0 * math.pi / 180.0

STREET_SIZE = (3500.0, 3000.0)  # metres, east-west x north-south
BLOCK_SPACING = (330.0, 270.0)  # metres between lanes along and across the city grid
MAIN_ROAD_EVERY = 3  # every third lane is a main road that community boundaries follow
COMMUNITY_SNAP_DISTANCE = 200.0  # metres a community corner may move onto a main road
GRID_SNAP_DISTANCE = 90.0  # metres a grid corner may move onto a lane
COMMUNITY_LLOYD_ROUNDS = 8  # communities of comparable size
GRID_LLOYD_ROUNDS = 3  # fairly even grids; more rounds converge to a honeycomb look
BALANCE_RATIO = 2.5  # largest / smallest ordinary grid of a community that needs no rebalancing
SMALL_GRID_FRACTION = 0.3  # ordinary grids smaller than this share of the median are merged away

SITE_SIZES = {  # (min, max) width and depth in metres of a dedicated site
    "school": ((180.0, 280.0), (140.0, 220.0)),
    "market": ((130.0, 200.0), (110.0, 170.0)),
    "hospital": ((170.0, 260.0), (150.0, 230.0)),
}
DEFAULT_SITE_SIZE = ((150.0, 250.0), (130.0, 200.0))


@dataclass(frozen=True)
class DemoGrid:
    community_index: int  # 0-based index of its community
    number: int  # 1-based grid number inside the community (001..)
    kind: str  # "urban" or "dedicated"
    label: str | None  # for dedicated grids: "school" / "market" / "hospital"; else None
    polygon: Polygon  # lon/lat WGS-84, valid, counter-clockwise exterior


@dataclass(frozen=True)
class DemoGeography:
    street: Polygon
    communities: list[Polygon]  # tile the street exactly
    grids: list[DemoGrid]  # tile each community exactly


@dataclass
class _Unit:
    """One future grid while it is being built (metres first, then lon/lat faces)."""

    community: int
    kind: str
    label: str | None
    geometry: BaseGeometry


@dataclass(frozen=True)
class _Roads:
    lanes: list[LineString]  # every street of the block network
    main: list[LineString]  # the subset that community boundaries follow
    lane_crossings: np.ndarray  # (n, 2) points where two lanes cross
    main_crossings: np.ndarray  # (n, 2) points where two main roads cross


def generate_geography(
    seed: int,
    *,
    centre: tuple[float, float] = DEFAULT_CENTRE,
    communities: int = 8,
    grids_per_community: int = 10,
    dedicated: Sequence[str] = ("school", "market", "school", "hospital"),
) -> DemoGeography:
    """Build the same street office, communities and grids for the same seed."""
    if communities < 1 or grids_per_community < 1:
        raise ValueError("communities and grids_per_community must be at least 1")
    rng = random.Random(seed)
    street = _street_outline(rng)
    roads = _road_network(rng, street)
    community_cells = _relaxed_partition(
        street,
        communities,
        rng,
        roads.main,
        roads.main_crossings,
        COMMUNITY_SNAP_DISTANCE,
        COMMUNITY_LLOYD_ROUNDS,
    )
    sites = _place_dedicated_sites(community_cells, dedicated, rng)
    # Sites are taken out first so the ordinary grids share what is left evenly.
    remainders = [
        _polygonal(
            cell.difference(shapely.union_all([s.geometry for s in sites if s.community == i]))
        )
        for i, cell in enumerate(community_cells)
    ]
    grid_counts = _allocate(
        [region.area for region in remainders],
        communities * grids_per_community,
        minimum=min(2, grids_per_community),
    )
    units: list[_Unit] = []
    for index, (region, count) in enumerate(zip(remainders, grid_counts, strict=True)):
        cells = _relaxed_partition(
            region,
            count,
            rng,
            roads.lanes,
            roads.lane_crossings,
            GRID_SNAP_DISTANCE,
            GRID_LLOYD_ROUNDS,
        )
        cells = _balanced(cells, rng)
        units.extend(_Unit(index, "urban", None, cell) for cell in cells)
    units.extend(sites)
    lonlat_units = [
        _Unit(u.community, u.kind, u.label, _metres_to_lonlat(u.geometry, centre)) for u in units
    ]
    return _assemble(lonlat_units)


def random_point_in(polygon: BaseGeometry, rng: random.Random) -> Point:
    """Uniform point inside ``polygon`` by rejection sampling from its bounding box."""
    if polygon.is_empty or polygon.area <= 0:
        raise ValueError("cannot sample a point in an empty polygon")
    min_x, min_y, max_x, max_y = polygon.bounds
    shapely.prepare(polygon)
    for _ in range(100_000):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if shapely.contains_xy(polygon, x, y):
            return Point(x, y)
    raise ValueError("polygon covers too little of its bounding box to sample")


# --- street and roads (metres) ------------------------------------------------------------------


def _street_outline(rng: random.Random) -> Polygon:
    """Irregular outline: a boxy loop whose corners wander in and out, edges slightly wavy."""
    half_width, half_height = STREET_SIZE[0] / 2, STREET_SIZE[1] / 2
    corners = rng.randint(11, 15)
    step = 2 * math.pi / corners
    start = rng.uniform(0, step)
    points = []
    for i in range(corners):
        angle = start + i * step + rng.uniform(-0.3, 0.3) * step
        # Superellipse (exponent 4) is boxier than an ellipse, like districts bounded by roads.
        cos_a, sin_a = math.cos(angle), math.sin(angle)
        radius = (abs(cos_a / half_width) ** 4 + abs(sin_a / half_height) ** 4) ** -0.25
        radius *= rng.uniform(0.86, 1.04)
        points.append((radius * cos_a, radius * sin_a))
    outline = Polygon(_wavy(points, rng))
    return outline if outline.is_valid else Polygon(points)


def _wavy(corners: list[tuple[float, float]], rng: random.Random) -> list[tuple[float, float]]:
    """Break every edge into a few segments pushed in or out, like a creek or a bending road."""
    wavy = []
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        wavy.append((x0, y0))
        length = math.hypot(x1 - x0, y1 - y0)
        normal = (-(y1 - y0) / length, (x1 - x0) / length)
        breaks = max(0, int(length // 250) - 1)
        for k in range(1, breaks + 1):
            t = k / (breaks + 1) + rng.uniform(-0.08, 0.08)
            push = rng.uniform(-35.0, 35.0)
            wavy.append(
                (x0 + t * (x1 - x0) + push * normal[0], y0 + t * (y1 - y0) + push * normal[1])
            )
    return wavy


def _road_network(rng: random.Random, street: Polygon) -> _Roads:
    """A tilted block network of slightly bent roads covering the street."""
    orientation = rng.uniform(-18.0, 18.0)
    reach = max(STREET_SIZE) * 0.9  # half-length of every road, beyond the street edge
    lanes: list[LineString] = []
    main: list[LineString] = []
    for axis, spacing in enumerate(BLOCK_SPACING):
        offsets = np.arange(-reach, reach + 1, spacing) + rng.uniform(0, spacing)
        first_main = rng.randrange(MAIN_ROAD_EVERY)
        for i, offset in enumerate(offsets):
            offset += rng.uniform(-0.15, 0.15) * spacing
            road = _bent_road(rng, offset, reach, along_x=axis == 0)
            road = affinity.rotate(road, orientation, origin=(0, 0))
            if not road.intersects(street):
                continue
            lanes.append(road)
            if i % MAIN_ROAD_EVERY == first_main:
                main.append(road)
    return _Roads(lanes, main, _road_crossings(lanes), _road_crossings(main))


def _bent_road(rng: random.Random, offset: float, reach: float, *, along_x: bool) -> LineString:
    """A road across the whole area with a gentle bend every few hundred metres."""
    stations = np.linspace(-reach, reach, 7)
    sideways = offset + np.array([rng.uniform(-12.0, 12.0) for _ in stations])
    if along_x:  # road runs north-south at x = offset
        return LineString(np.column_stack([sideways, stations]))
    return LineString(np.column_stack([stations, sideways]))


def _road_crossings(lanes: list[LineString]) -> np.ndarray:
    points = []
    for i, first in enumerate(lanes):
        for second in lanes[i + 1 :]:
            points.extend(shapely.get_coordinates(first.intersection(second)).tolist())
    return np.array(sorted(points), dtype=float).reshape(-1, 2)


# --- partitions (metres) ------------------------------------------------------------------------


def _relaxed_partition(
    region: BaseGeometry,
    count: int,
    rng: random.Random,
    roads: list[LineString],
    crossings: np.ndarray,
    snap_distance: float,
    rounds: int,
) -> list[BaseGeometry]:
    """Split ``region`` into ``count`` Voronoi cells of even size whose corners follow roads."""
    if count == 1:
        return [region]
    seeds = [random_point_in(region, rng) for _ in range(count)]
    for _ in range(rounds):
        cells = _clip_all(_voronoi_cells(seeds, region), region)
        seeds = [_inner_centre(cell) for cell in cells]
    cells = _voronoi_cells(seeds, region)
    if roads and snap_distance > 0:
        reach = region.buffer(2 * snap_distance)
        cells = _snap_cells_to_roads(cells, reach, roads, crossings, snap_distance)
    return _clip_all(cells, region)


def _balanced(cells: list[BaseGeometry], rng: random.Random) -> list[BaseGeometry]:
    """Merge the smallest cell into a neighbour and halve the largest until areas are even.

    Lloyd relaxation evens spacing rather than area, and clipping and road snapping leave
    slivers at awkward corners; a lane cut through the largest grid is what planners do too.
    """
    for _ in range(len(cells)):
        areas = [cell.area for cell in cells]
        if max(areas) <= BALANCE_RATIO * min(areas):
            break
        smallest = int(np.argmin(areas))
        neighbours = [
            i
            for i, cell in enumerate(cells)
            if i != smallest and cell.boundary.intersection(cells[smallest].boundary).length > 0
        ]
        if not neighbours:
            break
        partner = min(neighbours, key=lambda i: areas[i])
        merged = _polygonal(cells[smallest].union(cells[partner]))
        rest = [cell for i, cell in enumerate(cells) if i not in (smallest, partner)] + [merged]
        largest = max(range(len(rest)), key=lambda i: rest[i].area)
        halves = _relaxed_partition(
            rest[largest], 2, rng, [], np.empty((0, 2)), 0.0, GRID_LLOYD_ROUNDS
        )
        candidate = rest[:largest] + rest[largest + 1 :] + halves
        if _spread(candidate) >= _spread(cells):
            break
        cells = candidate
    return cells


def _spread(cells: list[BaseGeometry]) -> float:
    areas = [cell.area for cell in cells]
    return max(areas) / max(min(areas), 1e-9)


def _voronoi_cells(seeds: list[Point], region: Polygon) -> list[Polygon]:
    """Unclipped Voronoi cells, in seed order, reaching well beyond the region."""
    frame = shapely.box(*region.bounds).buffer(max(STREET_SIZE))
    diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=frame, ordered=True)
    return list(diagram.geoms)


def _clip_all(cells: Iterable[BaseGeometry], region: Polygon) -> list[BaseGeometry]:
    return [_polygonal(cell.intersection(region)) for cell in cells]


def _inner_centre(cell: BaseGeometry) -> Point:
    """The centroid, or a point on the surface when the centroid falls outside the cell."""
    centroid = cell.centroid
    return centroid if cell.contains(centroid) else cell.point_on_surface()


def _snap_cells_to_roads(
    cells: list[Polygon],
    reach: BaseGeometry,
    roads: list[LineString],
    crossings: np.ndarray,
    distance: float,
) -> list[Polygon]:
    """Move cell corners within ``reach`` near a road onto it, keeping a valid coverage.

    Corners are moved by a pure function of their coordinates, so a corner shared by three cells
    moves the same way in each; if a move would fold a cell, the unsnapped cells are kept.
    Corners outside ``reach`` (the far frame of the diagram) stay put so the total is unchanged.
    """
    shapely.prepare(reach)

    def snap(coords: np.ndarray) -> np.ndarray:
        inside = shapely.contains_xy(reach, coords[:, 0], coords[:, 1])
        moved = coords.copy()
        if inside.any():
            moved[inside] = _snap_points(coords[inside], roads, crossings, distance)
        return moved

    snapped = [shapely.transform(cell, snap) for cell in cells]
    if _is_coverage_of(snapped, sum(cell.area for cell in cells)):
        return snapped
    return cells


def _is_coverage_of(cells: list[Polygon], total_area: float) -> bool:
    """Valid cells that neither overlap nor leave gaps within the same total area."""
    if not all(cell.is_valid and cell.area > 0 for cell in cells):
        return False
    covered = shapely.union_all(cells).area
    summed = sum(cell.area for cell in cells)
    return math.isclose(summed, covered, rel_tol=1e-9) and math.isclose(
        covered, total_area, rel_tol=1e-9
    )


def _snap_points(
    coords: np.ndarray, roads: list[LineString], crossings: np.ndarray, distance: float
) -> np.ndarray:
    """Pull points within ``distance`` of a crossing onto it, else onto the nearest road."""
    # Rounding first makes copies of a shared corner that differ in the last bit snap alike.
    coords = np.round(coords, 6)
    result = coords.copy()
    points = shapely.points(coords)
    road_distances = np.stack([shapely.distance(points, road) for road in roads])
    nearest_road = road_distances.argmin(axis=0)
    for i, point in enumerate(points):
        if len(crossings):
            gaps = np.hypot(*(crossings - coords[i]).T)
            if gaps.min() <= distance:
                result[i] = crossings[gaps.argmin()]
                continue
        if road_distances[nearest_road[i], i] <= distance:
            road = roads[nearest_road[i]]
            result[i] = shapely.get_coordinates(road.interpolate(road.project(point)))[0]
    return result


def _allocate(weights: list[float], total: int, *, minimum: int) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    share = np.array(weights) / sum(weights) * total
    counts = np.maximum(np.floor(share).astype(int), minimum)
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    for i in order[: max(0, total - counts.sum())]:
        counts[i] += 1
    return counts.tolist()


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the areal parts of an overlay result."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type == "Polygon"]
    return shapely.union_all(parts) if parts else Polygon()


# --- dedicated grids (metres) -------------------------------------------------------------------


def _place_dedicated_sites(
    communities: list[BaseGeometry], labels: Sequence[str], rng: random.Random
) -> list[_Unit]:
    """One compact site per label, each in another community while there are enough."""
    sites: list[_Unit] = []
    for label, host in zip(labels, _spread_over(len(labels), len(communities), rng), strict=True):
        taken = shapely.union_all([s.geometry for s in sites if s.community == host])
        site = _site_on_boundary(rng, label, communities[host], taken)
        sites.append(_Unit(host, "dedicated", label, site))
    return sites


def _spread_over(count: int, communities: int, rng: random.Random) -> list[int]:
    hosts: list[int] = []
    while len(hosts) < count:
        hosts.extend(rng.sample(range(communities), min(communities, count - len(hosts))))
    return hosts


def _site_on_boundary(
    rng: random.Random, label: str, community: BaseGeometry, taken: BaseGeometry
) -> BaseGeometry:
    """A compound fronting the community boundary (a road), so it never leaves a hole.

    Falls back to the most inland point when no stretch of boundary is long and straight enough.
    """
    shape = _site_shape(rng, label)
    depth = shape.bounds[3] - shape.bounds[1]
    outline = _largest_part(community).exterior
    for _ in range(50):
        along = rng.uniform(0, outline.length)
        start, end = outline.interpolate(along), outline.interpolate((along + 1.0) % outline.length)
        angle = math.atan2(end.y - start.y, end.x - start.x)
        inward = (-math.sin(angle), math.cos(angle))
        if not community.contains(Point(start.x + inward[0], start.y + inward[1])):
            inward = (-inward[0], -inward[1])
        site = affinity.rotate(shape, angle, origin=(0, 0), use_radians=True)
        site = affinity.translate(
            site, start.x + inward[0] * depth / 2, start.y + inward[1] * depth / 2
        )
        site = _polygonal(site.intersection(community).difference(taken))
        if site.geom_type == "Polygon" and site.area >= 0.8 * shape.area:
            return site
    centre = polylabel(_largest_part(_polygonal(community.difference(taken))), tolerance=1.0)
    site = affinity.translate(shape, centre.x, centre.y)
    return _largest_part(_polygonal(site.intersection(community).difference(taken)))


def _site_shape(rng: random.Random, label: str) -> Polygon:
    """A compact rectangular compound around the origin, sometimes with a corner cut off."""
    (min_w, max_w), (min_d, max_d) = SITE_SIZES.get(label, DEFAULT_SITE_SIZE)
    half_w, half_d = rng.uniform(min_w, max_w) / 2, rng.uniform(min_d, max_d) / 2
    corners = [(-half_w, -half_d), (half_w, -half_d), (half_w, half_d), (-half_w, half_d)]
    if rng.random() < 0.5:  # a corner cut by a diagonal street
        cut = rng.randrange(4)
        x, y = corners[cut]
        cut_w, cut_d = half_w * rng.uniform(0.3, 0.6), half_d * rng.uniform(0.3, 0.6)
        corners[cut : cut + 1] = (
            [(x, y - math.copysign(cut_d, y)), (x - math.copysign(cut_w, x), y)]
            if cut % 2 == 0
            else [(x - math.copysign(cut_w, x), y), (x, y - math.copysign(cut_d, y))]
        )
    return Polygon(corners)


def _largest_part(geometry: BaseGeometry) -> Polygon:
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


# --- lon/lat coverage ---------------------------------------------------------------------------


def _metres_to_lonlat(geometry: BaseGeometry, centre: tuple[float, float]) -> BaseGeometry:
    """Local metres to lon/lat degrees around ``centre``.

    Overlays leave corners a few nanometres apart that would cross once scaled near lon 120, so
    the shape is first rounded to the millimetre, far below the final 1 cm grid.
    """
    geometry = shapely.set_precision(geometry, METRIC_GRID)
    lon, lat = centre
    x_scale = 1 / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    y_scale = 1 / METRES_PER_DEGREE
    return affinity.affine_transform(geometry, [x_scale, 0, 0, y_scale, lon, lat])


def _assemble(units: list[_Unit]) -> DemoGeography:
    """Snap-round all units as one coverage, repair pieces, then order and number the grids."""
    coverage = _FaceCoverage(_rounded_faces(units), units)
    coverage.make_connected(lambda unit: units[unit].community, within_community=False)
    coverage.make_connected(lambda unit: unit, within_community=True)
    coverage.merge_small_grids()
    polygons = coverage.dissolve()

    community_ids = sorted({units[u].community for u in polygons})
    community_shapes = {
        c: _single_polygon(_union(polygons[u] for u in polygons if units[u].community == c))
        for c in community_ids
    }
    street = _single_polygon(_union(community_shapes.values()))
    order = _reading_order([community_shapes[c] for c in community_ids], street, len(community_ids))
    new_index = {community_ids[old]: new for new, old in enumerate(order)}

    grids: list[DemoGrid] = []
    for old in order:
        community_id = community_ids[old]
        grids.extend(_numbered_grids(community_id, new_index[community_id], polygons, units))
    communities = [_oriented(community_shapes[community_ids[old]]) for old in order]
    return DemoGeography(street=_oriented(street), communities=communities, grids=grids)


def _rounded_faces(units: list[_Unit]) -> list[Polygon]:
    """Node every boundary on the 1e-7 degree grid and cut the plane into faces."""
    edges = shapely.union_all(
        [shapely.boundary(u.geometry) for u in units if not u.geometry.is_empty],
        grid_size=COORDINATE_GRID,
    )
    return [face for face in shapely.polygonize([edges]).geoms if face.area > 0]


class _FaceCoverage:
    """Faces of the rounded coverage, each owned by one unit, with edge-sharing between faces.

    Repairs work by handing whole faces from one unit to another, so the faces keep tiling the
    street exactly whatever is moved.
    """

    def __init__(self, faces: list[Polygon], units: list[_Unit]) -> None:
        self.faces = faces
        self.units = units
        self.owner = self._owners()
        self.shared_edges = self._adjacency()

    def _owners(self) -> list[int]:
        """Each face belongs to the unit it overlaps most."""
        tree = shapely.STRtree([u.geometry for u in self.units])
        owners = []
        for face in self.faces:
            candidates = sorted(tree.query(face).tolist())
            overlaps = [face.intersection(self.units[c].geometry).area for c in candidates]
            if candidates and max(overlaps) > 0:
                owners.append(candidates[int(np.argmax(overlaps))])
            else:
                owners.append(int(tree.nearest(face)))
        return owners

    def _adjacency(self) -> dict[int, dict[int, float]]:
        """Length of the edge shared by each pair of faces that touch along a line."""
        tree = shapely.STRtree(self.faces)
        adjacency: dict[int, dict[int, float]] = defaultdict(dict)
        for i, face in enumerate(self.faces):
            for j in sorted(tree.query(face).tolist()):
                if j > i:
                    shared = face.boundary.intersection(self.faces[j].boundary).length
                    if shared > 0:
                        adjacency[i][j] = adjacency[j][i] = shared
        return adjacency

    def faces_by(self, key) -> dict[int, list[int]]:
        """Faces grouped by ``key(owner)``, e.g. by grid or by community."""
        groups: dict[int, list[int]] = defaultdict(list)
        for face, unit in enumerate(self.owner):
            groups[key(unit)].append(face)
        return groups

    def area(self, faces: Iterable[int]) -> float:
        return sum(self.faces[face].area for face in faces)

    def pieces(self, faces: list[int]) -> list[list[int]]:
        """Edge-connected pieces of ``faces``, largest first."""
        remaining, pieces = set(faces), []
        while remaining:
            start = min(remaining)
            stack, piece = [start], {start}
            while stack:
                for neighbour in self.shared_edges[stack.pop()]:
                    if neighbour in remaining and neighbour not in piece:
                        piece.add(neighbour)
                        stack.append(neighbour)
            remaining -= piece
            pieces.append(sorted(piece))
        return sorted(pieces, key=lambda piece: (-self.area(piece), piece))

    def best_neighbour(self, piece: list[int], accept) -> int | None:
        """The accepted unit sharing the longest edge with ``piece``, ordinary grids preferred."""
        shared: dict[int, float] = defaultdict(float)
        for face in piece:
            for neighbour, length in self.shared_edges[face].items():
                if accept(self.owner[neighbour]):
                    shared[self.owner[neighbour]] += length
        if not shared:
            return None
        ordinary = [u for u in sorted(shared) if self.units[u].kind == "urban"]
        candidates = ordinary or sorted(shared)
        return max(candidates, key=lambda unit: shared[unit])

    def make_connected(self, key, *, within_community: bool) -> None:
        """Hand every piece but the largest of each group to the neighbour sharing most edge.

        Groups are communities (the piece goes to another community) or grids (the piece goes
        to another grid of the same community). Each round moves at least one face, so the
        loop ends.
        """
        for _ in range(len(self.faces)):
            moved = False
            for group, faces in sorted(self.faces_by(key).items()):
                for piece in self.pieces(faces)[1:]:
                    community = self.units[self.owner[piece[0]]].community

                    def accept(unit: int, group=group, community=community) -> bool:
                        same_community = self.units[unit].community == community
                        return key(unit) != group and (same_community or not within_community)

                    target = self.best_neighbour(piece, accept)
                    if target is not None:
                        self.give(piece, target)
                        moved = True
            if not moved:
                return

    def merge_small_grids(self) -> None:
        """Merge ordinary grids much smaller than their community's median into a neighbour."""
        for community in sorted({u.community for u in self.units}):
            grids = {
                unit: faces
                for unit, faces in self.faces_by(lambda u: u).items()
                if self.units[unit].community == community and self.units[unit].kind == "urban"
            }
            if len(grids) < 2:
                continue
            median = float(np.median([self.area(faces) for faces in grids.values()]))
            for unit in sorted(grids, key=lambda u: self.area(grids[u])):
                faces = [face for face, owner in enumerate(self.owner) if owner == unit]
                if self.area(faces) >= SMALL_GRID_FRACTION * median:
                    break

                def accept(other, unit=unit, community=community):
                    same_kind = self.units[other].kind == "urban"
                    return other != unit and same_kind and self.units[other].community == community

                target = self.best_neighbour(faces, accept)
                if target is not None:
                    self.give(faces, target)

    def give(self, faces: list[int], unit: int) -> None:
        for face in faces:
            self.owner[face] = unit

    def dissolve(self) -> dict[int, Polygon]:
        return {
            unit: _single_polygon(_union(self.faces[face] for face in faces))
            for unit, faces in sorted(self.faces_by(lambda u: u).items())
        }


def _union(parts: Iterable[BaseGeometry]) -> BaseGeometry:
    """Dissolve polygons built from the noded faces: only shared edges go, every vertex stays.

    A general overlay on the 1e-7 grid could drop nearly collinear vertices on the outside and
    so move an edge that a neighbouring polygon still shares.
    """
    return shapely.coverage_union_all(list(parts))


def _single_polygon(geometry: BaseGeometry) -> Polygon:
    if geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 1:
        return geometry.geoms[0]
    if geometry.geom_type != "Polygon":
        raise AssertionError(f"expected one Polygon, got {geometry.geom_type}")
    return geometry


def _oriented(polygon: Polygon) -> Polygon:
    return shapely.orient_polygons(polygon, exterior_cw=False)


def _reading_order(shapes: list[BaseGeometry], frame: BaseGeometry, count: int) -> list[int]:
    """Indices sorted north-west to south-east: rows from the north, west to east in a row."""
    row_height = math.sqrt(frame.area / max(count, 1))
    top = frame.bounds[3]

    def key(i: int) -> tuple[int, float]:
        centre = shapes[i].centroid
        return int((top - centre.y) // row_height), centre.x

    return sorted(range(len(shapes)), key=key)


def _numbered_grids(
    community_id: int, index: int, polygons: dict[int, Polygon], units: list[_Unit]
) -> list[DemoGrid]:
    """Ordinary grids first in reading order, then dedicated ones, numbered from 1."""
    members = [u for u in polygons if units[u].community == community_id]
    ordinary = [u for u in members if units[u].kind == "urban"]
    special = [u for u in members if units[u].kind != "urban"]
    frame = _union(polygons[u] for u in members)
    ordered = [
        ordinary[i] for i in _reading_order([polygons[u] for u in ordinary], frame, len(ordinary))
    ]
    return [
        DemoGrid(
            community_index=index,
            number=number,
            kind=units[u].kind,
            label=units[u].label,
            polygon=_oriented(polygons[u]),
        )
        for number, u in enumerate(ordered + special, start=1)
    ]
