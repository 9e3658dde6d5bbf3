"""Grid polygons prepared for a map widget: Web Mercator, per-zoom simplification, hit-testing.

Everything a painter needs is computed here once, so the widget only paints:

- coordinates are projected from WGS-84 lon/lat to Web Mercator (EPSG:3857, metres) once;
- each polygon keeps its bounds, area and a label point (``shapely.point_on_surface``);
- a ``shapely.STRtree`` over the projected polygons answers hit-tests and view culling;
- a few simplified versions are precomputed, one per zoom level, with a tolerance of half a
  pixel at that level (Douglas-Peucker, redone with ``preserve_topology=True`` for the few
  polygons it would break, so every polygon stays valid), and stored as flat numpy arrays: coordinates ``(n, 2)``, ring offsets into the
  coordinates and polygon offsets into the rings. A painter draws a whole layer in batches from
  these arrays without a Python object per vertex.

``MapLayer.visible(bbox, metres_per_pixel)`` picks the coarsest level that still looks exact at
that scale and returns only the polygons that intersect the view.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

__all__ = [
    "EARTH_RADIUS",
    "LEVEL_ZOOMS",
    "MAX_LATITUDE",
    "ORIGIN_SHIFT",
    "Level",
    "MapLayer",
    "VisibleGeometry",
    "lonlat_to_mercator",
    "mercator_to_lonlat",
    "metres_per_pixel",
]

EARTH_RADIUS = 6_378_137.0  # metres, WGS-84 semi-major axis, as EPSG:3857 uses it
ORIGIN_SHIFT = math.pi * EARTH_RADIUS  # 20037508.342789244 m: x of lon 180
MAX_LATITUDE = math.degrees(2 * math.atan(math.exp(math.pi)) - math.pi / 2)  # 85.0511287798...
# Metres per pixel of 256-pixel tiles at zoom 0 (the whole world in one tile).
ZOOM0_METRES_PER_PIXEL = 2 * ORIGIN_SHIFT / 256
# Zoom levels with a precomputed simplification, finest first. Beyond the finest one the map
# draws the full geometry; below the coarsest one it draws the coarsest.
LEVEL_ZOOMS = (17, 15, 13, 11)
SIMPLIFY_PIXELS = 0.5  # tolerance of a level, in pixels of that level
# A view covering at least 1/LARGE_VIEW_SHARE of the layer is culled by a scan of all bounds
# and gathered by masks; smaller ones through the STRtree and index ranges.
LARGE_VIEW_SHARE = 8


def metres_per_pixel(zoom: float) -> float:
    """Web Mercator metres per pixel at a (fractional) zoom level of 256-pixel tiles."""
    return ZOOM0_METRES_PER_PIXEL / 2.0**zoom


def lonlat_to_mercator(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 degrees to EPSG:3857 metres; latitudes are clamped to +-85.0511 degrees."""
    lons = np.asarray(lons, dtype=float)
    lats = np.clip(np.asarray(lats, dtype=float), -MAX_LATITUDE, MAX_LATITUDE)
    x = np.radians(lons) * EARTH_RADIUS
    y = np.log(np.tan(np.pi / 4 + np.radians(lats) / 2)) * EARTH_RADIUS
    return x, y


def mercator_to_lonlat(xs, ys) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3857 metres to WGS-84 degrees."""
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    lons = np.degrees(xs / EARTH_RADIUS)
    lats = np.degrees(2 * np.arctan(np.exp(ys / EARTH_RADIUS)) - np.pi / 2)
    return lons, lats


def _project_coordinates(coords: np.ndarray) -> np.ndarray:
    x, y = lonlat_to_mercator(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


@dataclass(frozen=True)
class Level:
    """One precomputed version of every polygon of a layer, as flat arrays.

    Polygon ``i`` is made of rings ``polygon_offsets[i]:polygon_offsets[i + 1]`` (exterior
    first, then holes; a multipolygon's parts follow one another), and ring ``r`` of coordinates
    ``coords[ring_offsets[r]:ring_offsets[r + 1]]`` (closed: the last point repeats the first).
    """

    zoom: float | None  # None: the full geometry
    metres_per_pixel: float  # finest scale this level is meant for (0 for the full geometry)
    tolerance: float  # metres
    coords: np.ndarray  # (n, 2) float64, Web Mercator metres
    ring_offsets: np.ndarray  # (rings + 1,) int64
    polygon_offsets: np.ndarray  # (polygons + 1,) int64
    # Derived: coordinates per ring, rings per polygon, coordinates per polygon.
    ring_lengths: np.ndarray = field(init=False, repr=False)
    polygon_ring_counts: np.ndarray = field(init=False, repr=False)
    polygon_coord_counts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ring_lengths", np.diff(self.ring_offsets))
        object.__setattr__(self, "polygon_ring_counts", np.diff(self.polygon_offsets))
        object.__setattr__(
            self, "polygon_coord_counts", np.diff(self.ring_offsets[self.polygon_offsets])
        )

    @property
    def vertex_count(self) -> int:
        return len(self.coords)

    def polygon_coords(self, index: int) -> list[np.ndarray]:
        """The rings of polygon ``index`` (for tests and debugging; painters use the arrays)."""
        rings = range(self.polygon_offsets[index], self.polygon_offsets[index + 1])
        return [self.coords[self.ring_offsets[r] : self.ring_offsets[r + 1]] for r in rings]


class VisibleGeometry(NamedTuple):
    """What a painter draws for one view: the polygons and their rings as flat arrays.

    ``ids[k]`` has rings ``polygon_offsets[k]:polygon_offsets[k + 1]``; ring ``r`` has
    coordinates ``coords[ring_offsets[r]:ring_offsets[r + 1]]``.
    """

    ids: np.ndarray
    coords: np.ndarray
    ring_offsets: np.ndarray
    polygon_offsets: np.ndarray
    level: Level


def _flatten(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat coordinates, ring offsets and polygon offsets of an array of (multi)polygons."""
    if len(geoms) == 0:
        return np.empty((0, 2)), np.zeros(1, np.int64), np.zeros(1, np.int64)
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    if kind == shapely.GeometryType.POLYGON:
        ring_offsets, polygon_offsets = offsets
    elif kind == shapely.GeometryType.MULTIPOLYGON:
        ring_offsets, part_offsets, multi_offsets = offsets
        polygon_offsets = part_offsets[multi_offsets]
    else:  # pragma: no cover - from_polygons only lets polygons in
        raise TypeError(f"expected polygons, got {kind!r}")
    return (
        np.ascontiguousarray(coords, dtype=np.float64),
        np.asarray(ring_offsets, dtype=np.int64),
        np.asarray(polygon_offsets, dtype=np.int64),
    )


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplified copies of polygons, each valid and of the same type, within ``tolerance``.

    Plain Douglas-Peucker is four to six times faster than the topology-preserving simplifier
    and gives a valid polygon for nearly every grid; the few it breaks (a ring collapsed,
    self-intersecting or split in parts) are simplified again with ``preserve_topology=True``,
    and any still not valid keep their previous shape.
    """
    simplified = shapely.simplify(geoms, tolerance, preserve_topology=False)
    bad = (
        shapely.is_empty(simplified)
        | (shapely.get_type_id(simplified) != shapely.get_type_id(geoms))
        | ~shapely.is_valid(simplified)
    )
    if bad.any():
        redone = shapely.simplify(geoms[bad], tolerance, preserve_topology=True)
        still_bad = shapely.is_empty(redone) | ~shapely.is_valid(redone)
        redone[still_bad] = geoms[bad][still_bad]
        simplified[bad] = redone
    return simplified


def concatenated_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)])``, vectorised."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, np.int64)
    before = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) + np.repeat(starts - before, lengths)


def _as_polygon(item) -> BaseGeometry:
    if isinstance(item, BaseGeometry):
        return item
    rings = [np.asarray(ring, dtype=float) for ring in item]  # exterior first, lon/lat
    return Polygon(rings[0], rings[1:])


class MapLayer:
    """Polygons (grids, communities...) ready to paint, cull and hit-test in Web Mercator."""

    def __init__(
        self,
        ids: np.ndarray,
        geometries: np.ndarray,
        levels: Sequence[Level],
    ) -> None:
        self.ids = ids
        self._id_list = ids.tolist()
        self._index = {key: i for i, key in enumerate(self._id_list)}
        self.geometries = geometries  # shapely polygons in Web Mercator, full detail
        self.tree = shapely.STRtree(geometries)
        self.bounds = shapely.bounds(geometries)  # (n, 4): min x, min y, max x, max y
        self._bound_columns = tuple(np.ascontiguousarray(self.bounds[:, k]) for k in range(4))
        self._extent = (
            (
                float(self.bounds[:, 0].min()),
                float(self.bounds[:, 1].min()),
                float(self.bounds[:, 2].max()),
                float(self.bounds[:, 3].max()),
            )
            if len(geometries)
            else None
        )
        self.areas = shapely.area(geometries)  # square Web Mercator metres
        self.label_points = shapely.get_coordinates(shapely.point_on_surface(geometries))
        self.levels = tuple(levels)  # full geometry first, then coarser and coarser

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def from_polygons(
        cls,
        ids: Iterable[Hashable],
        polygons_lonlat: Iterable[BaseGeometry | Sequence[Sequence[tuple[float, float]]]],
        *,
        zooms: Sequence[float] = LEVEL_ZOOMS,
    ) -> MapLayer:
        """Project, index and simplify polygons given in WGS-84 lon/lat.

        ``ids`` are scalars (grid ids, codes), one per polygon, unique. ``polygons_lonlat`` holds
        shapely polygons or multipolygons, or rings as ``GridSummary.rings`` has them (exterior
        first, then holes, as (lon, lat) pairs).
        """
        ids = np.asarray(list(ids))
        geoms = np.array([_as_polygon(p) for p in polygons_lonlat], dtype=object)
        if len(ids) != len(geoms):
            raise ValueError(f"{len(ids)} ids for {len(geoms)} polygons")
        if len(set(ids.tolist())) != len(ids):
            raise ValueError("ids must be unique")
        kinds = shapely.get_type_id(geoms)
        polygonal = (kinds == shapely.GeometryType.POLYGON) | (
            kinds == shapely.GeometryType.MULTIPOLYGON
        )
        if not polygonal.all() or shapely.is_empty(geoms).any():
            raise ValueError("every geometry must be a non-empty polygon or multipolygon")
        merc = shapely.transform(geoms, _project_coordinates)
        levels = [Level(None, 0.0, 0.0, *_flatten(merc))]
        previous = merc
        for zoom in sorted(zooms, reverse=True):
            mpp = metres_per_pixel(zoom)
            tolerance = SIMPLIFY_PIXELS * mpp
            # Each level simplifies the previous one: fewer vertices to look at, same result
            # within the tolerance (tolerances grow fourfold from level to level).
            simplified = _simplify(previous, tolerance)
            levels.append(Level(zoom, mpp, tolerance, *_flatten(simplified)))
            previous = simplified
        return cls(ids, merc, levels)

    # --- queries ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._id_list)

    def index_of(self, key: Hashable) -> int:
        return self._index[key]

    def level_for(self, metres_per_pixel: float) -> Level:
        """The coarsest level whose simplification is invisible at this scale."""
        chosen = self.levels[0]
        for level in self.levels[1:]:
            if level.metres_per_pixel <= metres_per_pixel * (1 + 1e-9):
                chosen = level
        return chosen

    def intersecting(self, bbox: tuple[float, float, float, float]) -> np.ndarray:
        """Sorted indices of the polygons that intersect the box (Web Mercator metres)."""
        min_x, min_y, max_x, max_y = bbox
        if len(self) == 0 or min_x > max_x or min_y > max_y:
            return np.empty(0, np.int64)
        lx0, ly0, lx1, ly1 = self.extent()
        layer_area = max(lx1 - lx0, 1e-9) * max(ly1 - ly0, 1e-9)
        view_area = (min(max_x, lx1) - max(min_x, lx0)) * (min(max_y, ly1) - max(min_y, ly0))
        if min(max_x, lx1) < max(min_x, lx0) or min(max_y, ly1) < max(min_y, ly0):
            return np.empty(0, np.int64)
        if view_area * LARGE_VIEW_SHARE >= layer_area:
            # A large share of the layer: comparing every polygon's bounds is cheaper than
            # walking the tree and sorting what it finds.
            x0, y0, x1, y1 = self._bound_columns
            overlap = (x0 <= max_x) & (x1 >= min_x) & (y0 <= max_y) & (y1 >= min_y)
            candidates = np.flatnonzero(overlap)
            inside = (x0[candidates] >= min_x) & (x1[candidates] <= max_x)
            inside &= (y0[candidates] >= min_y) & (y1[candidates] <= max_y)
        else:
            candidates = self.tree.query(shapely.box(min_x, min_y, max_x, max_y))
            candidates.sort()
            b = self.bounds[candidates]
            inside = (b[:, 0] >= min_x) & (b[:, 1] >= min_y) & (b[:, 2] <= max_x)
            inside &= b[:, 3] <= max_y
        # Only polygons crossing the edge of the view need the exact test.
        edge = candidates[~inside]
        if len(edge):
            hits = shapely.intersects(self.geometries[edge], shapely.box(*bbox))
            keep = inside.copy()
            keep[~inside] = hits
            candidates = candidates[keep]
        return candidates.astype(np.int64, copy=False)

    def visible(
        self, bbox_mercator: tuple[float, float, float, float], metres_per_pixel: float
    ) -> VisibleGeometry:
        """The polygons intersecting the view, at the level of detail of its scale."""
        level = self.level_for(metres_per_pixel)
        indices = self.intersecting(bbox_mercator)
        if len(indices) == len(self):
            return VisibleGeometry(
                self.ids, level.coords, level.ring_offsets, level.polygon_offsets, level
            )
        ring_counts = level.polygon_ring_counts[indices]
        if len(indices) * LARGE_VIEW_SHARE >= len(self):
            # Many polygons: masks over the whole level beat building index ranges.
            chosen = np.zeros(len(self), dtype=bool)
            chosen[indices] = True
            # np.compress copies whole rows; boolean indexing of an (n, 2) array is ten times
            # slower.
            coords = np.compress(np.repeat(chosen, level.polygon_coord_counts), level.coords, 0)
            ring_lengths = level.ring_lengths[np.repeat(chosen, level.polygon_ring_counts)]
        else:
            first_ring = level.polygon_offsets[indices]
            rings = concatenated_ranges(first_ring, first_ring + ring_counts)
            ring_lengths = level.ring_lengths[rings]
            coord_start = level.ring_offsets[first_ring]
            coord_end = coord_start + level.polygon_coord_counts[indices]
            coords = np.take(level.coords, concatenated_ranges(coord_start, coord_end), 0)
        ring_offsets = np.zeros(len(ring_lengths) + 1, np.int64)
        np.cumsum(ring_lengths, out=ring_offsets[1:])
        polygon_offsets = np.zeros(len(indices) + 1, np.int64)
        np.cumsum(ring_counts, out=polygon_offsets[1:])
        return VisibleGeometry(self.ids[indices], coords, ring_offsets, polygon_offsets, level)

    def hit(self, x: float, y: float) -> Hashable | None:
        """Id of the polygon under a point (Web Mercator metres); the smallest one if several."""
        found = self.tree.query(shapely.Point(x, y), predicate="intersects")
        if len(found) == 0:
            return None
        if len(found) == 1:
            return self._id_list[int(found[0])]
        return self._id_list[int(found[np.argmin(self.areas[found])])]

    def hit_lonlat(self, lon: float, lat: float) -> Hashable | None:
        x, y = lonlat_to_mercator(lon, lat)
        return self.hit(float(x), float(y))

    def nearest(self, x: float, y: float, max_distance: float) -> Hashable | None:
        """Id of the polygon nearest to a point within ``max_distance`` metres, else None.

        A polygon containing the point is at distance 0; among equally near ones the smallest
        wins, as in ``hit``.
        """
        found = self.tree.query_nearest(
            shapely.Point(x, y), max_distance=max_distance, all_matches=True
        )
        if len(found) == 0:
            return None
        if len(found) == 1:
            return self._id_list[int(found[0])]
        return self._id_list[int(found[np.argmin(self.areas[found])])]

    def label_point(self, key: Hashable) -> tuple[float, float]:
        """A point inside the polygon for its label (Web Mercator metres)."""
        x, y = self.label_points[self._index[key]]
        return float(x), float(y)

    def extent(self) -> tuple[float, float, float, float]:
        """Bounds of the whole layer (Web Mercator metres); for "fit to my jurisdiction"."""
        if self._extent is None:
            raise ValueError("empty layer")
        return self._extent
