"""One transaction per operation, and the database's errors in the core's words.

``write`` runs an operation in one write transaction (``Database.writer``: on SQLite the write
lock is taken at BEGIN), records what it changed in the change log, and commits — or rolls back
and changes nothing. A step that lost a race to another console (``LostRace``: the version
guard refused its write) is rolled back first and then described from a fresh read, so the
officer learns what the other console did. ``read`` runs a read in a session of its own.
Both turn the driver's errors into ``DatabaseUnavailable`` / ``DatabaseBusy`` /
``DatabaseMismatch`` with a message a user can act on; the detail goes to the log. A disk
that refuses the write is said as such (``StorageReadOnly`` / ``StorageFull``, not "not
answering"): SQLite's read-only and full answers, PostgreSQL's disk-full and read-only
transaction, an ``OSError`` ENOSPC/EROFS. The engine drops a connection that met a read-only
disk (``storage.database``), so the first write after the disk is writable again succeeds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
from collections.abc import Callable, Iterator
from typing import TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from commandcenter.domain.changes import ChangeKind, Changes, Outcome
from commandcenter.errors import (
    CommandCenterError,
    DatabaseBusy,
    DatabaseMismatch,
    DatabaseUnavailable,
    LostRace,
    StorageFull,
    StorageProblem,
    StorageReadOnly,
    storage_error,
)
from commandcenter.storage.database import Database, sqlite_storage_problem
from commandcenter.storage.models import ChangeLogEntry
from commandcenter.workflow.engine import CaseWorkflow

log = logging.getLogger(__name__)
T = TypeVar("T")
CHANNEL = "commandcenter_changes"  # PostgreSQL NOTIFY channel of committed operations


READ_ONLY_MESSAGE = (
    "The database cannot be written: its file, its folder or the disk is read-only. Nothing "
    "was changed. Ask the administrator to make the disk writable again (or free it); the "
    "console writes again as soon as it is."
)
FULL_MESSAGE = (
    "The disk of the database is full: nothing was changed. Free some space on the disk (or "
    "ask the administrator to); the console writes again as soon as there is room."
)
IO_MESSAGE = (
    "The disk of the database failed to write (an I/O error): nothing was changed. Ask the "
    "administrator to check the disk; the console writes again once it works."
)
# PostgreSQL's SQLSTATEs of the same: disk full, out of memory/space, read-only transaction
PG_FULL = {"53100", "53000"}
PG_READ_ONLY = {"25006"}
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def storage_problem(error: BaseException) -> StorageProblem | None:
    """The core's error when ``error`` (a driver's) says the disk refused the write."""
    original = getattr(error, "orig", None) or error
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in PG_FULL:
        return StorageFull(FULL_MESSAGE)
    if sqlstate in PG_READ_ONLY:
        return StorageReadOnly(READ_ONLY_MESSAGE)
    kind = sqlite_storage_problem(original)
    if kind == "read-only":
        return StorageReadOnly(READ_ONLY_MESSAGE)
    if kind == "full":
        return StorageFull(FULL_MESSAGE)
    if kind == "io":
        return StorageProblem(IO_MESSAGE)
    if isinstance(original, OSError) and original.errno in DISK_ERRNOS:
        return storage_error(original, "The database")
    return None


@contextlib.contextmanager
def database_errors(doing: str) -> Iterator[None]:
    """Translate what the driver raises into the core's errors (the SQL and its parameters go
    to the log only)."""
    try:
        yield
    except CommandCenterError:
        raise
    except (sa_exc.DBAPIError, OSError) as error:
        problem = storage_problem(error)
        if problem is not None:
            log.warning("%s: %s: %s", doing, type(problem).__name__, getattr(error, "orig", error))
            raise problem from None
        if not isinstance(error, sa_exc.DBAPIError):
            raise
        raise _driver_error(doing, error) from None
    except sa_exc.TimeoutError as error:
        log.warning("%s: %s", doing, error)
        raise DatabaseBusy("The database is busy: too many requests are waiting.") from None


def _driver_error(doing: str, error: sa_exc.DBAPIError) -> CommandCenterError:
    """The core's error for a driver's error that is not about the disk."""
    log.warning("%s: %s", doing, error)
    if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
        reason = str(getattr(error, "orig", "") or "").lower()
        if "locked" in reason or "busy" in reason:
            return DatabaseBusy(
                "The database is busy: another program held it too long; nothing was changed."
            )
        return DatabaseUnavailable(
            "The database is not answering: the connection was lost or the server stopped."
        )
    if isinstance(error, sa_exc.IntegrityError):
        return DatabaseMismatch(
            "The database refused the change (a constraint); nothing was changed."
        )
    return DatabaseMismatch(
        "The database gave an unexpected answer; its structure may not match this version."
    )


def read(database: Database, fn: Callable[[Session], T], doing: str = "reading") -> T:
    with database_errors(doing), database.session() as session:
        return fn(session)


def write(
    database: Database,
    operation: Callable[[Session], Outcome[T]],
    at: dt.datetime,
    doing: str = "writing",
    *,
    retry_lost_race: bool = False,
) -> Outcome[T]:
    """Run ``operation`` in one write transaction and record its changes; all or nothing.

    ``retry_lost_race``: an operation that names no version (adding an attachment) is run
    once more after losing a race, instead of reporting a conflict."""
    for attempt in range(2):
        with database_errors(doing):
            try:
                with database.writer() as session, session.begin():
                    outcome = operation(session)
                    record(session, outcome.changes, at)
                    if outcome.changes and database.dialect == "postgresql":
                        # delivered at commit to every server listening (commandcenter serve)
                        session.execute(
                            text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL}
                        )
                return outcome
            except LostRace as race:
                if retry_lost_race and attempt == 0:
                    continue
                lost = race
        with database_errors(doing), database.session() as session:
            raise CaseWorkflow(session).conflict(lost.case_id, lost.expected_version)
    raise AssertionError("unreachable")


def record(session: Session, changes: Changes, at: dt.datetime) -> None:
    """Write the non-case changes to the change log, in the operation's transaction."""
    rows = [{"at": at, "kind": ChangeKind.GRID.value, "entity_id": i} for i in changes.grids]
    rows += [{"at": at, "kind": ChangeKind.CAMERA.value, "entity_id": i} for i in changes.cameras]
    if changes.tours:
        rows.append({"at": at, "kind": ChangeKind.TOURS.value, "entity_id": None})
    if changes.settings:
        rows.append({"at": at, "kind": ChangeKind.SETTINGS.value, "entity_id": None})
    if changes.admin:
        rows.append({"at": at, "kind": ChangeKind.ADMIN.value, "entity_id": None})
    if rows:
        session.execute(insert(ChangeLogEntry), rows)
