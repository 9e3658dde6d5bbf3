"""Who is acting: password hashing (argon2id), log-in, and the actor's jurisdiction.

Jurisdiction is enforced here, in the core: every query and operation takes an :class:`Actor`
and only ever sees the units below the actor's center.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret
from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.domain.enums import AdminLevel, Role
from commandcenter.domain.privacy import mask_name, mask_phone, mask_text
from commandcenter.errors import AuthenticationFailed, PermissionDenied
from commandcenter.storage.models import AdminUnit, Center, User, grid_managers

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# Roles that may see personal data (ID numbers, phones) in clear; every clear view is recorded.
CLEAR_PERSONAL_DATA_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR, Role.GRID_LEADER})

# Roles that read and never write: the video wall's display account (大屏展示账号) reads what its
# center's jurisdiction covers, as a duty officer reads it, and changes nothing — no step, no
# report, tour, attachment, export, round, administration or view in clear. The one rule: every
# write of the backend asks ``require_can_write`` (``LocalBackend._write``, in-process and at
# the server alike), the workflow's rule table gives these roles no step, and the engine's
# report and the integrations ask it too. Logging in, changing one's own password and logging
# out are not writes of the backend: a display account does them like anyone.
READ_ONLY_ROLES = frozenset({Role.DISPLAY})


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """An argon2id hash. Pass ``salt`` only where the hash must be reproducible (the demo
    district, generated the same from the same seed); real accounts get a random salt."""
    if salt is None:
        return _hasher.hash(password)
    return hash_secret(
        password.encode(),
        salt,
        time_cost=_hasher.time_cost,
        memory_cost=_hasher.memory_cost,
        parallelism=_hasher.parallelism,
        hash_len=_hasher.hash_len,
        type=Type.ID,
    ).decode()


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def shown_text(sees_personal_data: bool, text: str | None) -> str:
    """``Actor.shown_text`` for a reader known only by whether its role sees personal data
    (the server's rows read once for many consoles)."""
    return (text or "") if sees_personal_data else mask_text(text)


@dataclass(frozen=True)
class Actor:
    """The logged-in user as the core sees them: plain data, safe to pass between threads."""

    user_id: int
    username: str
    display_name: str
    role: Role
    center_id: int
    center_name: str
    center_level: AdminLevel
    unit_id: int
    department_id: int | None
    jurisdiction_unit_ids: frozenset[int]
    jurisdiction_center_ids: frozenset[int]
    # A grid manager's own grids (``access.grids.manages_grid``): what they see and act on.
    grid_ids: frozenset[int] = frozenset()

    def governs_unit(self, unit_id: int) -> bool:
        return unit_id in self.jurisdiction_unit_ids

    def governs_center(self, center_id: int) -> bool:
        return center_id in self.jurisdiction_center_ids

    @property
    def sees_personal_data(self) -> bool:
        return self.role in CLEAR_PERSONAL_DATA_ROLES

    @property
    def may_write(self) -> bool:
        """Whether the role changes anything at all (``READ_ONLY_ROLES``: no)."""
        return self.role not in READ_ONLY_ROLES

    def shown_text(self, text: str | None) -> str:
        """Free text (title, description, comment) as this actor may read it: ID and phone
        numbers masked unless the role sees personal data. Every text a screen, export or
        figure shows passes here."""
        return shown_text(self.sees_personal_data, text)

    def shown_person(self, name: str | None, phone: str | None) -> str:
        """A resident's name and phone as this actor may read them."""
        if not self.sees_personal_data:
            name, phone = mask_name(name), mask_phone(phone)
        return " ".join(p for p in (name, phone) if p)


def require_can_write(actor: Actor) -> None:
    """Refused (``PermissionDenied``, nothing changed) for a role that only reads."""
    if not actor.may_write:
        raise PermissionDenied(
            "A display account only shows what its center covers; it changes nothing."
        )


def descendant_unit_ids(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    rows = session.execute(select(AdminUnit.id, AdminUnit.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for uid, parent in rows:
        children.setdefault(parent, []).append(uid)
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def actor_for(session: Session, user: User) -> Actor:
    center = session.get(Center, user.center_id)
    unit = session.get(AdminUnit, center.unit_id)
    unit_ids = descendant_unit_ids(session, unit.id)
    center_ids = session.scalars(select(Center.id).where(Center.unit_id.in_(unit_ids))).all()
    grid_ids: frozenset[int] = frozenset()
    if user.role == Role.GRID_MANAGER:
        grid_ids = frozenset(
            session.scalars(
                select(grid_managers.c.grid_id).where(grid_managers.c.user_id == user.id)
            )
        )
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        center_id=center.id,
        center_name=center.name,
        center_level=unit.level,
        unit_id=unit.id,
        department_id=user.department_id,
        jurisdiction_unit_ids=frozenset(unit_ids),
        jurisdiction_center_ids=frozenset(center_ids),
        grid_ids=grid_ids,
    )


# The demo district's published accounts (the generator creates them, the README lists them):
# on a database the generator filled (the DEMO_SETTING key), these open without a password for
# screenshots and tests, and nowhere else.
DEMO_USERNAMES = frozenset(
    {"admin", "supervisor", "duty", "dispatcher", "handler", "leader", "gridman", "wall"}
)
DEMO_SETTING = "demo"

MIN_PASSWORD_LENGTH = 8


@functools.cache
def dummy_hash() -> str:
    """What an unknown name is checked against, so that it takes as long as a wrong password.
    Made on first use: an argon2 hash costs about 0.15 s, which every start would pay."""
    return _hasher.hash("no such user")


def password_problem(username: str, password: str) -> str | None:
    """Why a new password is refused (the policy), or None: at least MIN_PASSWORD_LENGTH
    characters, at least two kinds of character (letters, digits, others), not the user name
    and not containing it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    kinds = {"letter" if c.isalpha() else "digit" if c.isdigit() else "other" for c in password}
    if len(kinds) < 2:
        return "A password needs two kinds of character (letters, digits, others)."
    if username and username.lower() in password.lower():
        return "A password must not contain the user name."
    return None


def set_password(
    session: Session, username: str, password: str, *, by_administrator: bool = True
) -> None:
    """Store a new argon2id hash for the user; the password itself is never kept or logged.
    A password given by an administrator must be changed by the user at the next log-in at
    the server (``must_change_password``)."""
    from commandcenter.errors import CommandCenterError

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise CommandCenterError(f"No user named {username!r}.")
    problem = password_problem(username, password)
    if problem:
        raise CommandCenterError(f"{problem} Nothing changed.")
    user.password_hash = hash_password(password)
    user.must_change_password = by_administrator


def authenticate(session: Session, username: str, password: str) -> Actor:
    """Check a log-in; neither the message nor the time taken tells whether the name or the
    password was wrong (an unknown name is checked against a dummy hash)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    known = user is not None and user.active and user.password_hash
    if not verify_password(user.password_hash if known else dummy_hash(), password) or not known:
        raise AuthenticationFailed("Wrong user name or password.")
    return actor_for(session, user)


def demo_actor(session: Session, username: str) -> Actor:
    """A demo account's actor without a password, for ``run.py --screenshot`` and tests.

    Refused unless the database was filled by the demo generator and the name is one of its
    published accounts: it must never open a real center without a log-in.
    """
    from commandcenter.storage.models import Setting

    if session.get(Setting, DEMO_SETTING) is None:
        raise AuthenticationFailed("This database is not a demo district; log in instead.")
    if username not in DEMO_USERNAMES:
        names = ", ".join(sorted(DEMO_USERNAMES))
        raise AuthenticationFailed(f"{username!r} is not a demo account (one of: {names}).")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AuthenticationFailed(f"No user named {username!r}.")
    return actor_for(session, user)
