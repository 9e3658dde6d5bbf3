"""The map's boundaries, prepared in a worker from the jurisdiction tree: grids, communities
and streets as projected, simplified, indexed layers (``commandcenter.geo.mapdata``)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from commandcenter.domain.enums import AdminLevel
from commandcenter.geo.mapdata import MapLayer
from commandcenter.jurisdiction.tree import GridSummary, UnitNode


def grid_number(grid: GridSummary) -> str:
    """The grid's serial within its community (digits 15-17 of the 19-digit code), unpadded."""
    digits = grid.code[-5:-2]
    return str(int(digits)) if digits.isdigit() else grid.code[-5:-2]


@dataclass(frozen=True)
class PreparedGeometry:
    """The layers built from one jurisdiction tree (in a worker)."""

    key: tuple
    grids: MapLayer | None
    communities: MapLayer | None
    community_ids: tuple[int, ...]
    community_names: tuple[str, ...]
    streets: MapLayer | None


_geometry_tokens = itertools.count(1)


def new_geometry_key() -> tuple:
    """A key no prepared geometry had before (a new tree is prepared anew)."""
    return (next(_geometry_tokens),)


def prepare_geometry(root: UnitNode, key: tuple | None = None) -> PreparedGeometry:
    """Project, index and simplify the grids, communities and streets of a tree. Slow for a
    city (seconds for 50,000 grids): runs in a worker."""
    grids = [g for node in root.walk() for g in node.grids if g.rings]
    communities = [
        node
        for node in root.walk()
        if node.rings and (node.level is AdminLevel.COMMUNITY or node.grids)
    ]
    community_ids = {node.id for node in communities}
    streets = [node for node in root.walk() if node.rings and node.id not in community_ids]
    return PreparedGeometry(
        key=key if key is not None else new_geometry_key(),
        grids=MapLayer.from_polygons([g.id for g in grids], [g.rings for g in grids])
        if grids
        else None,
        communities=MapLayer.from_polygons(
            [n.id for n in communities], [n.rings for n in communities]
        )
        if communities
        else None,
        community_ids=tuple(n.id for n in communities),
        community_names=tuple(n.name for n in communities),
        streets=MapLayer.from_polygons([n.id for n in streets], [n.rings for n in streets])
        if streets
        else None,
    )
