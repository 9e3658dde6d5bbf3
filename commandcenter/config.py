"""Where things live: the user data folder and the database URL.

Order of precedence for the database: ``--db URL`` on the command line, then the environment
variable ``COMMANDCENTER_DB``, then an SQLite file in the user data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "GridCommandCenter"
DB_ENV = "COMMANDCENTER_DB"
DATA_DIR_ENV = "COMMANDCENTER_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)  # the database and keys: private
    return path


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'commandcenter.sqlite3'}"


def resolve_database_url(cli_value: str | None = None) -> str:
    return cli_value or os.environ.get(DB_ENV) or default_database_url()


def is_default_database(url: str) -> bool:
    """True for the SQLite file in the user data folder (``default_database_url()``), however
    the URL spells its path."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        given, default = make_url(url), make_url(default_database_url())
    except ArgumentError:
        return False
    if given.get_backend_name() != "sqlite" or not given.database:
        return False
    if given.database == ":memory:":
        return False
    return Path(given.database).resolve() == Path(default.database).resolve()
