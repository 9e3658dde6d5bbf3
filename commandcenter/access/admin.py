"""Who may administer what, and whose base data (人地物事组织) an actor sees — one answer each,
asked by every administration screen, command, endpoint and export.

- Administration (units, departments, staff, grids' people, the list of matters) is the
  administrator's, inside their jurisdiction: a street's administrator sets up the street and
  its communities, never the next street.
- Base data: administrators, supervisors, duty officers and dispatchers see the residents,
  houses and organisations of the grids in their jurisdiction; grid managers and leaders those
  of their own grids (they collect and keep them, so they may also edit them); departments none.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.grids import grids_in_hand
from commandcenter.domain.enums import Role
from commandcenter.errors import PermissionDenied
from commandcenter.storage.models import Center, Grid

BASEDATA_BY_JURISDICTION = frozenset(
    {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.DUTY_OFFICER, Role.DISPATCHER}
)
BASEDATA_BY_GRID = frozenset({Role.GRID_MANAGER, Role.GRID_LEADER})
BASEDATA_EDITORS = frozenset({Role.ADMINISTRATOR}) | BASEDATA_BY_GRID


def require_administrator(actor: Actor, center_id: int | None = None) -> None:
    """Refused unless the actor is an administrator (of ``center_id``'s jurisdiction)."""
    if actor.role is not Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may do this.")
    if center_id is not None and not actor.governs_center(center_id):
        raise PermissionDenied("That center is outside your jurisdiction.")


def require_top_administrator(session: Session, actor: Actor | None, what: str) -> None:
    """Refused unless an administrator of a top center (one without a parent) — the keepers of
    what the whole tree works to (the list of matters, the sizing rule, the visit intervals).
    ``actor`` None is the command line (whoever holds the database URL)."""
    if actor is None:
        return
    require_administrator(actor)
    if session.scalar(select(Center.parent_id).where(Center.id == actor.center_id)) is not None:
        raise PermissionDenied(f"{what} is kept by the top center's administrators.")


def require_unit(actor: Actor, unit_id: int) -> None:
    if not actor.governs_unit(unit_id):
        raise PermissionDenied("That unit is outside your jurisdiction.")


def basedata_grid_ids(session: Session, actor: Actor) -> Select | list[int]:
    """The grids whose base data the actor sees: a subquery of grid ids (jurisdiction) or a
    list (a grid manager's grids). Refused for roles that see none."""
    if actor.role in BASEDATA_BY_JURISDICTION:
        return select(Grid.id).where(Grid.community_id.in_(actor.jurisdiction_unit_ids))
    if actor.role in BASEDATA_BY_GRID:
        return grids_in_hand(session, actor)
    raise PermissionDenied("Your role does not read residents' base data.")


def require_basedata_grid(session: Session, actor: Actor, grid_id: int, *, edit: bool) -> None:
    """The actor sees (``edit``: may change) the base data of this grid."""
    if edit and actor.role not in BASEDATA_EDITORS:
        raise PermissionDenied("Your role does not change residents' base data.")
    if actor.role in BASEDATA_BY_GRID:
        if grid_id not in basedata_grid_ids(session, actor):
            raise PermissionDenied("That grid is not one of yours.")
        return
    basedata_grid_ids(session, actor)  # refuses roles that see none
    community = session.scalar(select(Grid.community_id).where(Grid.id == grid_id))
    if community is None or not actor.governs_unit(community):
        raise PermissionDenied("That grid is outside your jurisdiction.")
