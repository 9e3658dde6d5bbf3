"""Whose grids: the grid manager of a grid (a step of scope GRID, a household visit) and the
grid leader who leads it — one answer, asked by the workflow engine and the visits."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.domain.enums import Role
from commandcenter.storage.models import Grid, grid_managers


def manages_grid(session: Session, actor: Actor, grid_id: int | None) -> bool:
    """The actor is one of the grid's managers."""
    if grid_id is None:
        return False
    row = session.execute(
        select(grid_managers.c.user_id).where(
            grid_managers.c.grid_id == grid_id, grid_managers.c.user_id == actor.user_id
        )
    ).first()
    return row is not None


def grids_in_hand(session: Session, actor: Actor) -> list[int]:
    """The grids whose households this actor visits: a manager's grids, a leader's grids."""
    if actor.role not in (Role.GRID_MANAGER, Role.GRID_LEADER):
        return []
    managed = select(grid_managers.c.grid_id).where(grid_managers.c.user_id == actor.user_id)
    return list(
        session.scalars(
            select(Grid.id)
            .where(or_(Grid.id.in_(managed), Grid.leader_id == actor.user_id))
            .order_by(Grid.id)
        )
    )
