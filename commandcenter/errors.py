"""Errors the core raises with a message a duty officer can act on."""


class CommandCenterError(Exception):
    """Base of every error the core reports to users."""


class DatabaseUnavailable(CommandCenterError):
    """The database cannot be reached or opened."""


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


class PermissionDenied(CommandCenterError):
    """The user's role or jurisdiction does not allow the operation."""
