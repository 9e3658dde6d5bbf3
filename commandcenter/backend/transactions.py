"""One transaction per operation, and the database's errors in the core's words.

``write`` runs an operation in one write transaction (``Database.writer``: on SQLite the write
lock is taken at BEGIN), records what it changed in the change log, and commits — or rolls back
and changes nothing. A step that lost a race to another console (``LostRace``: the version
guard refused its write) is rolled back first and then described from a fresh read, so the
officer learns what the other console did. ``read`` runs a read in a session of its own.
Both turn the driver's errors into ``DatabaseUnavailable`` / ``DatabaseBusy`` /
``DatabaseMismatch`` with a message a user can act on; the detail goes to the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
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
)
from commandcenter.storage.database import Database
from commandcenter.storage.models import ChangeLogEntry
from commandcenter.workflow.engine import CaseWorkflow

log = logging.getLogger(__name__)
T = TypeVar("T")
CHANNEL = "commandcenter_changes"  # PostgreSQL NOTIFY channel of committed operations


@contextlib.contextmanager
def database_errors(doing: str) -> Iterator[None]:
    """Translate what the driver raises into the core's errors (the SQL and its parameters go
    to the log only)."""
    try:
        yield
    except CommandCenterError:
        raise
    except sa_exc.TimeoutError as error:
        log.warning("%s: %s", doing, error)
        raise DatabaseBusy("The database is busy: too many requests are waiting.") from None
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
        log.warning("%s: %s", doing, error)
        reason = str(getattr(error, "orig", "") or "").lower()
        if "locked" in reason or "busy" in reason:
            raise DatabaseBusy(
                "The database is busy: another program held it too long; nothing was changed."
            ) from None
        raise DatabaseUnavailable(
            "The database is not answering: the connection was lost or the server stopped."
        ) from None
    except sa_exc.IntegrityError as error:
        log.warning("%s: %s", doing, error)
        raise DatabaseMismatch(
            "The database refused the change (a constraint); nothing was changed."
        ) from None
    except sa_exc.DBAPIError as error:
        log.warning("%s: %s", doing, error)
        raise DatabaseMismatch(
            "The database gave an unexpected answer; its structure may not match this version."
        ) from None


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
