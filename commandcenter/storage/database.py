"""Opening a database: engine set-up per dialect, a reachability check, automatic migration."""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from commandcenter.errors import DatabaseUnavailable
from commandcenter.keys import Keys, keys_for

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 5


def canonical_json(value) -> str:
    """JSON as every JSON column is written: keys sorted, no spaces, characters as they are.
    One spelling, so the archive's MACs can cover the stored text (``workflow.audit``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "pass", "sslpassword"})


def safe_url(url: str) -> str:
    """The URL as it may be shown or logged: never with its password, wherever it is given."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<malformed database URL>"
    query = {k: ("***" if k.lower() in SECRET_QUERY_KEYS else v) for k, v in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # The driver's own transaction handling off: SQLAlchemy emits BEGIN itself (below), so a
    # write transaction can take the write lock when it starts.
    dbapi_connection.isolation_level = None


# SQLite's own messages (and the codes) of a disk that refuses writes.
SQLITE_READ_ONLY = ("attempt to write a readonly database", "readonly database")
SQLITE_FULL = ("database or disk is full",)
SQLITE_IO = ("disk i/o error",)


def sqlite_storage_problem(error: BaseException) -> str | None:
    """ "read-only", "full" or "io" when SQLite refused a write because of its disk."""
    text = str(error).lower()
    if any(m in text for m in SQLITE_READ_ONLY):
        return "read-only"
    if any(m in text for m in SQLITE_FULL):
        return "full"
    if any(m in text for m in SQLITE_IO):
        return "io"
    return None


PG_READ_ONLY_TRANSACTION = "25006"


def _drop_read_only_connections(context) -> None:
    """A connection that met a read-only or failing disk is dropped from the pool, with the
    pool's others: SQLite keeps a file it opened read-only so for the connection's life, a
    PostgreSQL session keeps ``default_transaction_read_only`` (a standby, a database set
    read-only). The next connection opens afresh, and writes once the disk is writable."""
    error = context.original_exception
    if (
        sqlite_storage_problem(error) in ("read-only", "io")
        or getattr(error, "sqlstate", None) == PG_READ_ONLY_TRANSACTION
    ):
        context.is_disconnect = True
        context.invalidate_pool_on_disconnect = True
        cursor = getattr(context.execution_context, "cursor", None)
        if cursor is not None:
            # The failed statement keeps the SQLite connection open (a "zombie" holding the
            # read-only files) until it is finalized, which the traceback may delay: now.
            try:
                cursor.close()
            except Exception:  # noqa: BLE001 - closing is a courtesy here
                log.debug("closing the cursor of a read-only error failed", exc_info=True)


PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def _private_sqlite_file(path: Path) -> None:
    """The database file made 0600 before SQLite opens it (SQLite gives its -wal and -shm files
    the database file's mode), and an existing one — with its -wal and -shm — tightened to
    0600: other users of the machine read nothing of it. The folder, when made here, is 0700."""
    if os.name != "posix":
        return
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=PRIVATE_FOLDER, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass
    except OSError as exc:
        log.debug("cannot create %s: %s", path, exc)  # SQLite will say why it cannot open
        return
    else:
        os.close(fd)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            info = name.stat()
            if stat.S_IMODE(info.st_mode) & 0o077 and info.st_uid == os.getuid():
                os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)
        except OSError:
            continue  # missing, or not ours: SQLite opens it as it can


def _sqlite_begin(connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for write transactions (``Database.writer``): a writer that
    read first and then wanted to write would fail at once ("database is locked") when another
    writer came between; one that takes the lock at BEGIN waits its turn instead."""
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


# A dead database host is noticed within seconds, not after the system's TCP timeout (hours):
# keep-alive probes on every PostgreSQL connection.
PG_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def create_engine_for(url: str, *, statement_timeout_ms: int | None = None) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(
            f"The database URL is malformed: {exc}. Expected e.g. "
            "sqlite:///path/to/file.sqlite3 or postgresql+psycopg://user@host/dbname"
        ) from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            is_file = parsed.database and parsed.database != ":memory:"
            if is_file and not parsed.database.startswith("file:"):
                try:
                    Path(parsed.database).parent.mkdir(
                        parents=True, mode=PRIVATE_FOLDER, exist_ok=True
                    )
                except OSError as exc:
                    raise DatabaseUnavailable(
                        f"Cannot create the folder for {safe_url(url)}: {exc.strerror}"
                    ) from None
                _private_sqlite_file(Path(parsed.database))
            engine = create_engine(
                parsed,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                json_serializer=canonical_json,
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "handle_error", _drop_read_only_connections)
            return engine
        if backend == "postgresql":
            connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, **PG_KEEPALIVES}
            if statement_timeout_ms:  # a query that hangs ends with an error instead
                connect_args["options"] = f"-c statement_timeout={int(statement_timeout_ms)}"
            engine = create_engine(
                parsed,
                connect_args=connect_args,
                pool_pre_ping=True,
                json_serializer=canonical_json,
            )
            event.listen(engine, "handle_error", _drop_read_only_connections)
            return engine
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailable(f"No driver for {safe_url(url)}: {exc}") from None
    raise DatabaseUnavailable(
        f"Unsupported database {backend!r} in {safe_url(url)}; use sqlite or postgresql+psycopg"
    )


@dataclass
class Database:
    """An opened, migrated database. Sessions come from ``session()``; each carries the
    installation's keys (``session.info["keys"]``, read from the key file on first use), which
    the archive and the camera passwords need (``commandcenter.keys.keys_of``)."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session] | None = None
    key_file: str | Path | None = None  # None: $COMMANDCENTER_KEY_FILE, else the data folder
    _keys: Keys | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.sessions is None:
            self.sessions = sessionmaker(
                self.engine, expire_on_commit=False, info={"keys": self.keys}
            )

    def keys(self) -> Keys:
        """The installation's keys (``commandcenter.keys.keys_for``), read once."""
        if self._keys is None:
            self._keys = keys_for(self.key_file)
        return self._keys

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self.sessions()

    def writer(self) -> Session:
        """A session for one write transaction: on SQLite it takes the write lock at BEGIN
        (waiting for another writer up to the busy timeout), so reads inside it see the
        newest data and its writes cannot lose a race they have already read past."""
        return self.sessions(bind=self.engine.execution_options(sqlite_begin="IMMEDIATE"))

    def is_empty(self) -> bool:
        """True when no center exists yet (a fresh installation)."""
        from commandcenter.storage.models import Center

        with self.session() as s:
            return s.query(Center.id).first() is None

    def dispose(self) -> None:
        self.engine.dispose()


def check_connection(engine: Engine, url: str) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"Cannot reach the database {safe_url(url)}: {reason}. "
            "Check that the server runs and the URL is right (--db or COMMANDCENTER_DB)."
        ) from None


def open_database(
    url: str,
    *,
    migrate: bool = True,
    statement_timeout_ms: int | None = None,
    key_file: str | Path | None = None,
) -> Database:
    """Connect, check the server answers, and bring the schema up to date."""
    engine = create_engine_for(url, statement_timeout_ms=statement_timeout_ms)
    check_connection(engine, url)
    if migrate:
        from commandcenter.storage.migrate import upgrade

        upgrade(engine)
    return Database(url, engine, key_file=key_file)


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
