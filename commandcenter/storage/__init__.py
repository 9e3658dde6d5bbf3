"""Persistence: schema, engine set-up and migrations. ``open_database`` is the way in."""

from commandcenter.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
