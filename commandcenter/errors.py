"""Errors the core raises with a message a duty officer can act on."""


class CommandCenterError(Exception):
    """Base of every error the core reports to users."""


class DatabaseUnavailable(CommandCenterError):
    """The database cannot be reached or opened."""


class DatabaseIsEmpty(CommandCenterError):
    """An empty database other than the console's own default file: it is not filled with the
    demo on its own (it may be a fresh production server)."""

    def __init__(self, display_url: str):
        super().__init__(f"the database {display_url} is empty")
        self.display_url = display_url


class ImportRejected(CommandCenterError):
    """An import found problems and changed nothing; ``problems`` lists them."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems

    def report(self, limit: int = 50) -> str:
        lines = [str(self)]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)


class AuthenticationFailed(CommandCenterError):
    """Wrong user name or password (never says which)."""


class SessionEnded(AuthenticationFailed):
    """No session for this token at the server: never opened, ended, or expired."""


class AccountLocked(AuthenticationFailed):
    """Too many failed log-ins: refused for a while, whatever the password."""


class PasswordRejected(CommandCenterError):
    """A new password that the policy refuses; nothing changed."""


class ServerUnreachable(CommandCenterError):
    """The center's server does not answer (network, or the server is down)."""


class TooManyRequests(CommandCenterError):
    """Over the server's rate limit: slow down."""


class Replayed(CommandCenterError):
    """A write request sent again with the same id: not done again."""


class PermissionDenied(CommandCenterError):
    """The user's role or jurisdiction does not allow the operation."""


class PasswordChangeRequired(PermissionDenied):
    """The password was given by an administrator: choose one's own first."""


class TransitionRefused(PermissionDenied):
    """A case action this actor may not take now: wrong role, jurisdiction or state.

    ``reason`` is one of "role", "jurisdiction", "state", "input", "duties" (separation of
    duties, ``workflow.duties``) so screens can phrase it.
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class ConflictError(CommandCenterError):
    """Someone else changed the case since this console read it; ``changes`` says what."""

    def __init__(self, message: str, changes: list[str]):
        super().__init__(message)
        self.changes = changes


class LostRace(ConflictError):
    """Another transaction changed the case between this one's read and its write. Raised
    inside the transaction, which must be rolled back; the operations layer then reads what
    the other console did and raises a ConflictError that says so."""

    def __init__(self, case_id: int, expected_version: int | None):
        super().__init__(
            f"Case #{case_id} was changed by someone else at the same moment; nothing of "
            "yours was applied. Look at the case again.",
            [],
        )
        self.case_id = case_id
        self.expected_version = expected_version


class DatabaseBusy(DatabaseUnavailable):
    """Another writer held the database longer than the wait allows; nothing was changed."""


class DatabaseMismatch(CommandCenterError):
    """The database answered in a way this version does not expect (its schema, a constraint);
    the detail is in the log."""


class DuplicateSuspected(CommandCenterError):
    """A new report looks like an open case; ``candidates`` are their ids, nearest first."""

    def __init__(self, message: str, candidates: list[int]):
        super().__init__(message)
        self.candidates = candidates


class StorageProblem(CommandCenterError):
    """The disk under the database (or a file being written) refused the write: nothing was
    changed. Not a lost connection: the data is there, the disk needs attention."""


class StorageReadOnly(StorageProblem):
    """The database file, its folder or the disk is read-only."""


class StorageFull(StorageProblem):
    """The disk (or the database's size limit) is full."""


# errno values of a full or read-only disk
_FULL_ERRNOS = {"ENOSPC", "EDQUOT", "EFBIG"}
_READ_ONLY_ERRNOS = {"EROFS", "EACCES", "EPERM"}


def storage_error(error: OSError, what: str) -> StorageProblem | None:
    """The core's error for a full or read-only disk met while writing ``what`` (a file's
    name), or None for any other OSError."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    if name in _FULL_ERRNOS:
        return StorageFull(
            f"The disk is full: {what} could not be written and nothing was changed. Free some "
            "space on the disk (or ask the administrator), then try again."
        )
    if name in _READ_ONLY_ERRNOS:
        return StorageReadOnly(
            f"{what} cannot be written: the disk or the folder is read-only (or not yours). "
            "Nothing was changed. Choose another place, or ask the administrator to make it "
            "writable, then try again."
        )
    return None
