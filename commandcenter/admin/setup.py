"""A center's first start on an empty database (the command line, whoever holds the database
URL): its top unit and center from a division code, with its first administrator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import hash_password, password_problem
from commandcenter.access.oplog import OperationKind, record
from commandcenter.admin.staff import USERNAME
from commandcenter.admin.units import add_units
from commandcenter.domain.enums import Role
from commandcenter.errors import CommandCenterError
from commandcenter.storage.models import AdminUnit, Center, User


def found_center(
    session: Session,
    code: str,
    admin_username: str,
    admin_name: str,
    password: str,
    at: dt.datetime,
    *,
    with_children: bool = False,
) -> Center:
    """The top unit of ``code`` (and, with ``with_children``, every unit below it in the
    division list), its center, and an administrator who must change the password at the
    first log-in. Only on a database without units."""
    if not USERNAME.match(admin_username):
        raise CommandCenterError("The administrator's user name: 2–50 letters, digits, . _ -")
    problem = password_problem(admin_username, password)
    if problem:
        raise CommandCenterError(f"{problem} Nothing changed.")
    added = add_units(session, None, [code], at, with_children=with_children)
    unit = session.scalar(select(AdminUnit).where(AdminUnit.code == added[0]))
    center = session.scalar(select(Center).where(Center.unit_id == unit.id))
    session.add(
        User(
            username=admin_username,
            display_name=admin_name.strip() or admin_username,
            role=Role.ADMINISTRATOR,
            center_id=center.id,
            password_hash=hash_password(password),
            must_change_password=True,
            active=True,
        )
    )
    session.flush()
    record(
        session,
        None,
        at,
        OperationKind.ADMIN,
        f"center {center.name}",
        f"founded with administrator {admin_username}",
    )
    return center
