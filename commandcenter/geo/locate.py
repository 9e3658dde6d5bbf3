"""Which grid a point lies in, and whether a point can be in China at all."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commandcenter.storage.models import Grid

# China's extent in WGS-84, with a margin: a point outside is a wrong or swapped coordinate.
CHINA = (73.0, 17.5, 135.5, 54.0)  # min lon, min lat, max lon, max lat


def in_china(lon: float, lat: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = CHINA
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def grid_at(session: Session, lon: float, lat: float) -> int | None:
    """The id of the grid whose boundary holds the point (WGS-84), or None."""
    import shapely

    point = shapely.Point(lon, lat)
    candidates = session.execute(
        select(Grid.id, Grid.boundary_wkb).where(
            Grid.min_lon <= lon, Grid.max_lon >= lon, Grid.min_lat <= lat, Grid.max_lat >= lat
        )
    ).all()
    for grid_id, wkb in candidates:
        if wkb is not None and shapely.from_wkb(wkb).covers(point):
            return grid_id
    return None


def area_centre(session: Session) -> tuple[float, float]:
    """A point in the middle of the center's grids (the mean of their centroids; (0, 0) when
    there are none): where an area-wide correction such as a GCJ-02 shift is measured."""
    lon, lat = session.execute(
        select(func.avg(Grid.centroid_lon), func.avg(Grid.centroid_lat))
    ).one()
    return (lon or 0.0, lat or 0.0)
