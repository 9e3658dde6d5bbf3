"""Alembic migrations, run from code at start so a new database is created and an old one
upgraded without anyone typing a command."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+)?['\"]?\s*$", re.M)


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``. A database already at the head costs one query
    (``is_at_head``): alembic's import and its no-op upgrade took half a second of every
    console's start. On SQLite, with foreign keys off while it runs: batch
    mode rebuilds a table (copy, drop, rename), and dropping a table other rows point at fails
    with the keys on. Every reference is checked before the migration commits."""
    if revision == "head" and is_at_head(engine):
        return
    from alembic import command

    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        return
    with engine.connect() as connection:
        # on the driver's connection: SQLAlchemy would BEGIN first, and inside a transaction
        # SQLite ignores this pragma
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(
                        f"the upgrade would leave {len(broken)} broken reference(s), first in "
                        f"table {broken[0][0]}; nothing changed"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@functools.cache
def head_from_files() -> str | None:
    """The head revision read from the migration files' ``revision`` / ``down_revision``
    lines, without alembic: the one revision no other names as its parent. None when the
    files do not read as one straight line of revisions (then alembic decides)."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        parent = found["down_revision"]
        revisions[found["revision"]] = None if parent in ("", "None") else parent
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def is_at_head(engine: Engine) -> bool:
    """True when the database's ``alembic_version`` names the head and nothing else."""
    head = head_from_files()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return [row[0] for row in versions] == [head]
    except DBAPIError:  # no table yet: a new database
        return False
