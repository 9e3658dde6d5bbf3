"""The operations layer: one way in (a ``Backend`` per logged-in actor) and one way out (the
changes each operation returns, and the feed every console follows)."""

from commandcenter.backend.feed import ConsoleData, FeedMark, FeedUpdate
from commandcenter.backend.interface import Backend
from commandcenter.backend.local import LocalBackend, LocalCenter

__all__ = ["Backend", "ConsoleData", "FeedMark", "FeedUpdate", "LocalBackend", "LocalCenter"]
