"""The field app's small map: the grids a field worker works in, with their boundaries, to
see where they are and pick a place by tapping."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.grids import grids_in_hand
from commandcenter.geo.rings import rings_of
from commandcenter.storage.models import Grid


@dataclass(frozen=True)
class GridShape:
    id: int
    name: str
    rings: tuple  # lon/lat rings: exterior first, then holes, per polygon


def my_grids(session: Session, actor: Actor) -> list[GridShape]:
    """The actor's grids (a grid manager's, a leader's); nobody else has grids in hand."""
    ids = grids_in_hand(session, actor)
    if not ids:
        return []
    rows = session.execute(
        select(Grid.id, Grid.name, Grid.boundary_wkb).where(Grid.id.in_(ids)).order_by(Grid.id)
    ).all()
    return [GridShape(grid_id, name, rings_of(wkb)) for grid_id, name, wkb in rows]
