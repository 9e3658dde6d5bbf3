"""Staff accounts: who works in which center, in which role, on which grids.

A new account gets a password from the administrator (or a generated one), which its owner must
change at the first log-in; disabling an account ends its sessions at the server at once.
Imports (XLSX/CSV) are all-or-nothing with a report naming every row and problem.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from commandcenter.access.accounts import (
    Actor,
    descendant_unit_ids,
    hash_password,
    password_problem,
)
from commandcenter.access.admin import require_administrator
from commandcenter.access.oplog import OperationKind, record
from commandcenter.domain.enums import Role
from commandcenter.domain.file_words import parse_word
from commandcenter.domain.privacy import mask_phone
from commandcenter.errors import CommandCenterError, ImportRejected, PermissionDenied
from commandcenter.storage.models import (
    AdminUnit,
    Center,
    Department,
    Grid,
    ServerSession,
    User,
    grid_managers,
)
from commandcenter.tabular import Column, TableError, read_table

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,50}$")
GRID_ROLES = (Role.GRID_MANAGER, Role.GRID_LEADER)


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    display_name: str
    role: Role
    center_id: int
    center_name: str
    department_id: int | None
    department_name: str
    phone: str  # masked
    active: bool
    must_change_password: bool
    grid_codes: tuple[str, ...]  # the grids they manage or lead


@dataclass(frozen=True)
class StaffInput:
    username: str
    display_name: str
    role: Role
    center_id: int
    department_id: int | None = None
    phone: str | None = ""  # None on an edit: keep the stored one (screens see it masked)
    grid_ids: tuple[int, ...] = ()  # a grid manager's grids; the grids a grid leader leads


@dataclass(frozen=True)
class StaffImportResult:
    created: int
    updated: int
    # generated first passwords of new accounts (username, password), to hand over; each must
    # be changed at the first log-in. Never logged.
    passwords: tuple[tuple[str, str], ...]


STAFF_COLUMNS = (
    Column("username", ("用户名", "username", "账号"), required=True),
    Column("display_name", ("姓名", "name", "display_name"), required=True),
    Column("role", ("角色", "role"), required=True),
    Column("center", ("中心", "center", "所属中心", "区划代码"), required=True),
    Column("department", ("部门", "department")),
    Column("phone", ("电话", "phone", "手机")),
    Column("grids", ("网格", "grids", "网格编码")),
    Column("password", ("初始密码", "password")),
)


def staff_rows(session: Session, actor: Actor, text: str = "") -> list[StaffRow]:
    """The accounts of the centers of the actor's jurisdiction."""
    require_administrator(actor)
    query = (
        select(User, Center.name, Department.name)
        .join(Center, User.center_id == Center.id)
        .outerjoin(Department, User.department_id == Department.id)
        .where(User.center_id.in_(actor.jurisdiction_center_ids))
    )
    text = text.strip()[:50]
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(User.username.like(pattern), User.display_name.like(pattern)))
    rows = session.execute(query.order_by(Center.name, User.role, User.username)).all()
    ids = [u.id for u, _, _ in rows]
    grids: dict[int, list[str]] = {}
    if ids:
        for user_id, code in session.execute(
            select(grid_managers.c.user_id, Grid.code)
            .join(Grid, Grid.id == grid_managers.c.grid_id)
            .where(grid_managers.c.user_id.in_(ids))
        ):
            grids.setdefault(user_id, []).append(code)
        for user_id, code in session.execute(
            select(Grid.leader_id, Grid.code).where(Grid.leader_id.in_(ids))
        ):
            grids.setdefault(user_id, []).append(code)
    return [
        StaffRow(
            u.id,
            u.username,
            u.display_name,
            u.role,
            u.center_id,
            center,
            u.department_id,
            department or "",
            mask_phone(u.phone),
            u.active,
            u.must_change_password,
            tuple(sorted(set(grids.get(u.id, ())))),
        )
        for u, center, department in rows
    ]


def _staff_problems(session: Session, actor: Actor | None, data: StaffInput) -> list[str]:
    """What is wrong with an account's data (empty: nothing)."""
    problems = []
    if not USERNAME.match(data.username):
        problems.append(
            f"user name {data.username!r}: 2–50 letters, digits, '.', '_' or '-' (no spaces)"
        )
    if not data.display_name.strip() or len(data.display_name.strip()) > 50:
        problems.append("a name (at most 50 characters) is needed")
    center = session.get(Center, data.center_id) if data.center_id else None
    if center is None:
        problems.append("the account has no center")
        return problems
    if actor is not None and not actor.governs_center(center.id):
        problems.append(f"center {center.name} is outside your jurisdiction")
    if data.phone and not re.fullmatch(r"[0-9+\-]{5,20}", data.phone):
        problems.append(f"phone {mask_phone(data.phone)}: digits only")
    if data.role is Role.DEPARTMENT_HANDLER:
        department = session.get(Department, data.department_id) if data.department_id else None
        if department is None:
            problems.append("a department handler needs a department")
        elif department.center_id != center.id:
            problems.append(f"department {department.name} is not of center {center.name}")
    elif data.department_id is not None:
        problems.append("only department handlers belong to a department")
    if data.role in GRID_ROLES:
        if data.role is Role.GRID_MANAGER and not data.grid_ids:
            problems.append("a grid manager needs at least one grid")
        units = descendant_unit_ids(session, center.unit_id)
        for grid_id in data.grid_ids:
            grid = session.get(Grid, grid_id)
            if grid is None:
                problems.append(f"no grid {grid_id}")
            elif grid.community_id not in units:
                problems.append(f"grid {grid.code} belongs to another center than {center.name}")
    elif data.grid_ids:
        problems.append("only grid managers and grid leaders have grids")
    return problems


def _apply(session: Session, user: User, data: StaffInput) -> None:
    user.username = data.username
    user.display_name = data.display_name.strip()
    user.role = data.role
    user.center_id = data.center_id
    user.department_id = data.department_id
    if data.phone is not None:
        user.phone = data.phone or None
    session.flush()
    session.execute(delete(grid_managers).where(grid_managers.c.user_id == user.id))
    session.execute(update(Grid).where(Grid.leader_id == user.id).values(leader_id=None))
    if data.role is Role.GRID_MANAGER and data.grid_ids:
        session.execute(
            insert(grid_managers), [{"grid_id": g, "user_id": user.id} for g in data.grid_ids]
        )
    elif data.role is Role.GRID_LEADER and data.grid_ids:
        session.execute(update(Grid).where(Grid.id.in_(data.grid_ids)).values(leader_id=user.id))


def create_user(
    session: Session, actor: Actor, data: StaffInput, password: str, at: dt.datetime
) -> int:
    require_administrator(actor)
    if not data.center_id or session.get(Center, data.center_id) is None:
        raise CommandCenterError("The account has no center (or no such center). Nothing changed.")
    require_administrator(actor, data.center_id)
    problems = _staff_problems(session, actor, data)
    if session.scalar(select(User.id).where(User.username == data.username)) is not None:
        problems.append(f"user name {data.username} is taken")
    problem = password_problem(data.username, password)
    if problem:
        problems.append(problem)
    if problems:
        raise CommandCenterError("; ".join(problems) + ". Nothing changed.")
    user = User(password_hash=hash_password(password), must_change_password=True, active=True)
    session.add(user)
    _apply(session, user, data)
    record(
        session,
        actor,
        at,
        OperationKind.ADMIN,
        f"user {data.username}",
        f"created: {data.role.value}, center {data.center_id}",
    )
    return user.id


def _own_user(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise CommandCenterError(f"No user {user_id}.")
    require_administrator(actor, user.center_id)
    return user


def update_user(
    session: Session, actor: Actor, user_id: int, data: StaffInput, at: dt.datetime
) -> None:
    user = _own_user(session, actor, user_id)
    require_administrator(actor, data.center_id)  # nor moved out of the jurisdiction
    problems = _staff_problems(session, actor, data)
    taken = session.scalar(select(User.id).where(User.username == data.username))
    if taken is not None and taken != user_id:
        problems.append(f"user name {data.username} is taken")
    if user_id == actor.user_id and data.role is not Role.ADMINISTRATOR:
        problems.append("you cannot take your own administrator role away")
    if problems:
        raise CommandCenterError("; ".join(problems) + ". Nothing changed.")
    _apply(session, user, data)
    record(
        session,
        actor,
        at,
        OperationKind.ADMIN,
        f"user {data.username}",
        f"changed: {data.role.value}, center {data.center_id}",
    )


def set_active(session: Session, actor: Actor, user_id: int, active: bool, at: dt.datetime) -> None:
    """Disable (ends the account's server sessions at once) or enable an account."""
    user = _own_user(session, actor, user_id)
    if user_id == actor.user_id and not active:
        raise PermissionDenied("You cannot disable your own account.")
    user.active = active
    if not active:
        session.execute(
            update(ServerSession)
            .where(ServerSession.user_id == user_id, ServerSession.ended_at.is_(None))
            .values(ended_at=at)
        )
    record(
        session,
        actor,
        at,
        OperationKind.ADMIN,
        f"user {user.username}",
        "enabled" if active else "disabled",
    )


def reset_password(
    session: Session, actor: Actor, user_id: int, password: str, at: dt.datetime
) -> None:
    """A password the owner must change at the next log-in; the account's sessions end."""
    user = _own_user(session, actor, user_id)
    problem = password_problem(user.username, password)
    if problem:
        raise CommandCenterError(f"{problem} Nothing changed.")
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.execute(
        update(ServerSession)
        .where(ServerSession.user_id == user_id, ServerSession.ended_at.is_(None))
        .values(ended_at=at)
    )
    record(session, actor, at, OperationKind.ADMIN, f"user {user.username}", "password reset")


def generated_password(length: int = 12) -> str:
    """Letters and digits, without the look-alikes (0/O, 1/l/I)."""
    alphabet = [c for c in string.ascii_letters + string.digits if c not in "0O1lI"]
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def _split_codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,;，；、]+", text) if c]


def import_staff(
    session: Session, actor: Actor, path: Path | str, at: dt.datetime
) -> StaffImportResult:
    """Accounts from a table (``STAFF_COLUMNS``): new user names are created, known ones
    updated (never their password). The center is its unit's division code or its name; the
    grids are grid codes. All or nothing: ``ImportRejected`` names every row and problem."""
    require_administrator(actor)
    try:
        table = read_table(path, STAFF_COLUMNS)
    except TableError as exc:
        raise ImportRejected(f"{Path(path).name} {exc}; nothing imported.", [str(exc)]) from None
    centers: dict[str, int] = {}
    for center_id, name, code in session.execute(
        select(Center.id, Center.name, AdminUnit.code).join(
            AdminUnit, Center.unit_id == AdminUnit.id
        )
    ):
        centers[name] = centers[code] = centers[code.rstrip("0")] = center_id
    departments = {(d.center_id, d.name): d.id for d in session.scalars(select(Department))}
    grids = dict(session.execute(select(Grid.code, Grid.id)).all())
    known = dict(session.execute(select(User.username, User.id)).all())
    problems: list[str] = []
    planned: list[tuple[StaffInput, str | None]] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        where = f"{table.name} row {row.line}"
        row_problems = []
        if "__extra__" in row.values:
            row_problems.append("more cells than headers")
        username = row.get("username")
        if username in seen:
            row_problems.append(f"user name {username} is also on row {seen[username]}")
        seen[username] = row.line
        try:
            role = parse_word(Role, row.get("role"))
        except ValueError as exc:
            row_problems.append(f"role: {exc}")
            role = None
        if username == actor.username and role not in (None, Role.ADMINISTRATOR):
            row_problems.append("you cannot take your own administrator role away")
        if username in known:
            existing = session.get(User, known[username])
            if not actor.governs_center(existing.center_id):
                row_problems.append(f"user {username} exists in a center outside your jurisdiction")
        center_text = row.get("center")
        center_id = centers.get(center_text) or centers.get(center_text.rstrip("0") or "-")
        if not center_text:
            row_problems.append("the account has no center")
        elif center_id is None:
            row_problems.append(f"no center {center_text!r} (its division code or name)")
        department_id = None
        if row.get("department"):
            department_id = departments.get((center_id, row.get("department")))
            if department_id is None:
                row_problems.append(f"center has no department {row.get('department')!r}")
        grid_ids = []
        for code in _split_codes(row.get("grids")):
            if code in grids:
                grid_ids.append(grids[code])
            else:
                row_problems.append(f"no grid {code}")
        password = row.get("password") or None
        if password and password_problem(username, password):
            row_problems.append("初始密码: " + password_problem(username, password))
        if role is not None and center_id is not None:
            data = StaffInput(
                username,
                row.get("display_name"),
                role,
                center_id,
                department_id,
                row.get("phone"),
                tuple(dict.fromkeys(grid_ids)),
            )
            row_problems += [
                p
                for p in _staff_problems(session, actor, data)
                if not p.startswith("no grid") and p != "the account has no center"
            ]
            if not row_problems:
                planned.append((data, password))
        problems += [f"{where}: {p}" for p in row_problems]
    if not table.rows:
        problems.append(f"{table.name}: no rows below the header")
    if problems:
        raise ImportRejected(
            f"{table.name}: {len(problems)} problem(s); nothing imported.", problems
        )
    created = updated = 0
    passwords: list[tuple[str, str]] = []
    for data, password in planned:
        user_id = known.get(data.username)
        if user_id is None:
            if password is None:
                password = generated_password()
                passwords.append((data.username, password))
            user = User(
                password_hash=hash_password(password), must_change_password=True, active=True
            )
            session.add(user)
            created += 1
        else:
            user = session.get(User, user_id)  # of the jurisdiction: checked with its row
            updated += 1
        _apply(session, user, data)
    record(
        session,
        actor,
        at,
        OperationKind.IMPORT,
        f"staff {table.name}",
        f"{created} created, {updated} updated",
    )
    return StaffImportResult(created, updated, tuple(passwords))


def users_by_name(session: Session, names: Iterable[str]) -> dict[str, int]:
    names = list(names)
    return dict(
        session.execute(select(User.username, User.id).where(User.username.in_(names))).all()
    )
