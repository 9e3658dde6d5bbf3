"""Who may see a case and who holds it: one answer each, asked by the workflow engine, the
board, the case tab, the attachments, the figures' drill-down and every query of case rows.

A case is seen by everyone whose jurisdiction covers the place it is in (its ``center_id``),
and by whoever holds it: the person it is assigned to, the department it was dispatched to
(even one under another street), or — for center staff — the center that holds it.

Two roles see less than their center's jurisdiction (least privilege, issue 15):

- a **department handler** sees the cases his department holds or held (``holder_department_id``
  or ``handling_department_id``, which stays after the case closes), the cases he holds himself
  and those he reported (部门移交) — not every case of the street his department belongs to;
- a **grid manager** sees the cases of his own grids (``Actor.grid_ids``, the rows of
  ``grid_managers`` that ``access.grids.manages_grid`` reads) and those assigned to him.

``may_see`` (one case) and ``visible_condition`` (the same answer as SQL) are the rule; every
read of cases (board rows, the case tab, history, attachments, search, exports, figures and the
server's pushed rows) and every step of scope JURISDICTION asks them.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement, Table, or_

from commandcenter.access.accounts import Actor
from commandcenter.domain.enums import Role


class HeldCase(Protocol):
    """What the answers read: any object with these attributes (an ORM case, a board row)."""

    center_id: int | None
    holder_center_id: int | None
    holder_department_id: int | None
    holder_user_id: int | None
    grid_id: int | None
    handling_department_id: int | None  # the department that handles or handled it
    reporter_user_id: int | None


def holds(actor: Actor, case: HeldCase) -> bool:
    """The case is in this actor's hands: assigned to them, to their department, or (center
    staff, not department handlers) to their center with no department named."""
    if case.holder_user_id is not None and case.holder_user_id == actor.user_id:
        return True
    if case.holder_department_id is not None:
        return actor.department_id == case.holder_department_id
    return (
        actor.role != Role.DEPARTMENT_HANDLER
        and case.holder_center_id is not None
        and actor.center_id == case.holder_center_id
    )


def may_see(actor: Actor, case: HeldCase) -> bool:
    """The case is in the actor's jurisdiction or in their hands (a department handler: his
    department's cases, held now or before, and his own reports; a grid manager: his grids)."""
    if actor.role == Role.GRID_MANAGER:
        return case.grid_id in actor.grid_ids or case.holder_user_id == actor.user_id
    if actor.role == Role.DEPARTMENT_HANDLER:
        return (
            holds(actor, case)
            or (
                actor.department_id is not None
                and case.handling_department_id == actor.department_id
            )
            or case.reporter_user_id == actor.user_id
        )
    return actor.governs_center(case.center_id) or holds(actor, case)


def visible_condition(actor: Actor, cases: Table, *, center_column=None) -> ColumnElement[bool]:
    """``may_see`` as SQL on the cases table, for queries that read many cases.

    The same answer for every case the workflow produces: a center or a person holds a case
    only inside their own jurisdiction, so beyond it only a department can (a county
    dispatcher may send a case to any department of the county). ``center_column`` replaces
    ``cases.c.center_id`` (e.g. ``center_id + 0`` to steer SQLite's choice of index)."""
    c = cases.c
    if actor.role == Role.GRID_MANAGER:
        return or_(c.grid_id.in_(sorted(actor.grid_ids)), c.holder_user_id == actor.user_id)
    if actor.role == Role.DEPARTMENT_HANDLER:
        mine = [c.holder_user_id == actor.user_id, c.reporter_user_id == actor.user_id]
        if actor.department_id is not None:
            mine += [
                c.holder_department_id == actor.department_id,
                c.handling_department_id == actor.department_id,
            ]
        return or_(*mine)
    center = cases.c.center_id if center_column is None else center_column
    condition = center.in_(actor.jurisdiction_center_ids)
    if actor.department_id is None:
        return condition
    return or_(condition, cases.c.holder_department_id == actor.department_id)
