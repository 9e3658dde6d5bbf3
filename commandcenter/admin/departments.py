"""A center's functional departments (职能部门): the case categories each takes, and the
department each reports to (a police station under its bureau) — never in a circle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.admin import require_administrator
from commandcenter.access.oplog import OperationKind, record
from commandcenter.domain.enums import CaseCategory, DepartmentKind
from commandcenter.errors import CommandCenterError, PermissionDenied
from commandcenter.storage.models import Center, Department


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    center_id: int
    center_name: str
    name: str
    kind: DepartmentKind
    phone: str
    parent_id: int | None
    parent_name: str
    categories: tuple[CaseCategory, ...]


@dataclass(frozen=True)
class DepartmentInput:
    center_id: int
    name: str
    kind: DepartmentKind
    phone: str = ""
    parent_id: int | None = None
    categories: tuple[CaseCategory, ...] = ()


def department_rows(session: Session, actor: Actor) -> list[DepartmentRow]:
    require_administrator(actor)
    rows = session.execute(
        select(Department, Center.name)
        .join(Center, Department.center_id == Center.id)
        .where(Department.center_id.in_(actor.jurisdiction_center_ids))
        .order_by(Center.name, Department.name)
    ).all()
    names = {d.id: d.name for d, _ in rows}
    return [
        DepartmentRow(
            d.id,
            d.center_id,
            center,
            d.name,
            d.kind,
            d.phone or "",
            d.parent_id,
            names.get(d.parent_id, "") if d.parent_id else "",
            tuple(CaseCategory(c) for c in d.categories or ()),
        )
        for d, center in rows
    ]


def _check_parent(
    session: Session, actor: Actor, department_id: int | None, parent_id: int
) -> None:
    parents = dict(session.execute(select(Department.id, Department.parent_id)).all())
    if parent_id not in parents:
        raise CommandCenterError(f"No department {parent_id}.")
    parent = session.get(Department, parent_id)
    if not actor.governs_center(parent.center_id):
        raise PermissionDenied("The parent department is outside your jurisdiction.")
    seen, current = set(), parent_id
    while current is not None:
        if current == department_id or current in seen:
            raise CommandCenterError(
                "That parent would make a circle of departments (each reporting to the other); "
                "nothing changed."
            )
        seen.add(current)
        current = parents.get(current)


def save_department(
    session: Session,
    actor: Actor,
    department_id: int | None,
    data: DepartmentInput,
    at: dt.datetime,
) -> int:
    """Add (``department_id`` None) or change a department of a center of the jurisdiction."""
    require_administrator(actor, data.center_id)
    name = data.name.strip()
    if not name or len(name) > 100:
        raise CommandCenterError("A department needs a name (at most 100 characters).")
    if session.get(Center, data.center_id) is None:
        raise CommandCenterError(f"No center {data.center_id}.")
    same_name = session.scalar(
        select(Department.id).where(Department.center_id == data.center_id, Department.name == name)
    )
    if same_name is not None and same_name != department_id:
        raise CommandCenterError(f"The center has a department named {name} already.")
    if data.parent_id is not None:
        _check_parent(session, actor, department_id, data.parent_id)
    if department_id is None:
        department = Department(center_id=data.center_id)
        session.add(department)
    else:
        department = session.get(Department, department_id)
        if department is None:
            raise CommandCenterError(f"No department {department_id}.")
        require_administrator(actor, department.center_id)
    department.center_id = data.center_id
    department.name = name
    department.kind = DepartmentKind(data.kind)
    department.phone = data.phone.strip()[:32] or None
    department.parent_id = data.parent_id
    department.categories = [CaseCategory(c).value for c in data.categories]
    session.flush()
    record(
        session,
        actor,
        at,
        OperationKind.ADMIN,
        f"department {name}",
        ("added" if department_id is None else "changed")
        + f": {department.kind.value}, categories {', '.join(department.categories) or '-'}",
    )
    return department.id
