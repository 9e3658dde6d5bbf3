"""Errors in the user's words: what happened and what to do, never a raw exception text.

A database driver's message can hold SQL, parameters and host details (``[SQL: …]``); the
backend turns it into the core's errors and logs the detail, so nothing of it reaches the duty
officer's screen. ``describe`` maps an exception to a short
translated sentence for the alert strip and a longer hint for tooltips and dialogs, and logs
the technical detail once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from commandcenter.errors import (
    AuthenticationFailed,
    CommandCenterError,
    DatabaseBusy,
    DatabaseMismatch,
    DatabaseUnavailable,
    PermissionDenied,
    ServerUnreachable,
    SessionEnded,
    StorageFull,
    StorageProblem,
    StorageReadOnly,
    storage_error,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserMessage:
    text: str  # short: fits the alert strip
    hint: str  # what to do: tooltips, dialogs

    def full(self) -> str:
        return f"{self.text}\n{self.hint}" if self.hint else self.text


def describe(error: BaseException, *, doing: str = "") -> UserMessage:
    """The user's version of ``error``; the technical one goes to the log (``doing`` says
    what was being done, for the log line)."""
    log.warning("%s failed: %s: %s", doing or "an operation", type(error).__name__, error)
    return message_for(error)


def message_for(error: BaseException) -> UserMessage:
    if isinstance(error, ServerUnreachable):
        return UserMessage(
            QCoreApplication.translate("Errors", "Disconnected from the server"),
            QCoreApplication.translate(
                "Errors",
                "The center's server does not answer (network or server down). The console "
                "reconnects by itself and catches up with what changed meanwhile.",
            ),
        )
    if isinstance(error, SessionEnded):
        return UserMessage(
            QCoreApplication.translate("Errors", "Logged out by the server"),
            QCoreApplication.translate(
                "Errors", "The session ended (idle too long, or too old). Log in again."
            ),
        )
    if isinstance(error, OSError):
        error = storage_error(error, QCoreApplication.translate("Errors", "The file")) or error
    if isinstance(error, StorageReadOnly):
        return UserMessage(
            QCoreApplication.translate("Errors", "The disk is read-only: nothing was saved"),
            QCoreApplication.translate(
                "Errors",
                "The database (or the file) is on a disk or in a folder that cannot be written "
                "now. Ask the administrator to make it writable; the next save works as soon "
                "as it is.",
            ),
        )
    if isinstance(error, StorageFull):
        return UserMessage(
            QCoreApplication.translate("Errors", "The disk is full: nothing was saved"),
            QCoreApplication.translate(
                "Errors",
                "Free some space on the disk of the database (or of the file), or ask the "
                "administrator to; the next save works as soon as there is room.",
            ),
        )
    if isinstance(error, StorageProblem):
        return UserMessage(
            QCoreApplication.translate("Errors", "The disk failed to write: nothing was saved"),
            QCoreApplication.translate(
                "Errors", "Ask the administrator to check the disk; the details are in the log."
            ),
        )
    if isinstance(error, DatabaseBusy):
        return UserMessage(
            QCoreApplication.translate("Errors", "The database is busy"),
            QCoreApplication.translate(
                "Errors", "Another program is writing to it; the console tries again shortly."
            ),
        )
    if isinstance(error, DatabaseUnavailable):
        return UserMessage(
            QCoreApplication.translate("Errors", "The database is not answering"),
            QCoreApplication.translate(
                "Errors",
                "The connection was lost or the server stopped. Check the database server "
                "and the network; the console keeps trying.",
            ),
        )
    if isinstance(error, DatabaseMismatch):
        return UserMessage(
            QCoreApplication.translate("Errors", "The database gave an unexpected answer"),
            QCoreApplication.translate(
                "Errors",
                "Its structure may not match this version of the console. Tell the "
                "administrator; the details are in the console's log.",
            ),
        )
    if isinstance(error, AuthenticationFailed):
        return UserMessage(QCoreApplication.translate("Errors", "Wrong user name or password."), "")
    if isinstance(error, PermissionDenied):
        return UserMessage(
            QCoreApplication.translate("Errors", "Not allowed for your role or area"),
            QCoreApplication.translate(
                "Errors", "Ask a supervisor or the administrator if you need it."
            ),
        )
    if isinstance(error, CommandCenterError):  # the core already wrote it for users
        return UserMessage(str(error), "")
    if isinstance(error, OSError):
        return UserMessage(
            QCoreApplication.translate("Errors", "A file or network operation failed"),
            QCoreApplication.translate("Errors", "The details are in the console's log."),
        )
    return UserMessage(
        QCoreApplication.translate("Errors", "Something went wrong (%1)").replace(
            "%1", type(error).__name__
        ),
        QCoreApplication.translate(
            "Errors",
            "The details are in the console's log; try again, and tell the administrator if it persists.",
        ),
    )
