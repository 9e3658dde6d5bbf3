"""Polygon rings of a stored boundary (WKB), as plain tuples a worker can hand to the GUI."""

from __future__ import annotations

import shapely


def rings_of(wkb: bytes | None) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Exterior ring first, then its holes, per polygon; lon/lat."""
    if wkb is None:
        return ()
    geometry = shapely.from_wkb(wkb)
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        rings.append(tuple(polygon.exterior.coords))
        rings.extend(tuple(interior.coords) for interior in polygon.interiors)
    return tuple(rings)
