"""Shared test set-up: headless Qt, an isolated data folder, and real database servers.

At import time (before any test module imports Qt or the project):
- ``QT_QPA_PLATFORM`` defaults to ``offscreen`` so Qt needs no display;
- ``COMMANDCENTER_DATA_DIR`` points at a temporary folder for the whole session and
  ``COMMANDCENTER_DB`` is unset, so no test touches the real user data folder or database;
  the XDG folders are redirected too (QSettings, platformdirs, caches).

Fixtures:
- ``postgres_server`` (session): the running `pg_server.PostgresServer`;
- ``postgres_url`` (session): URL of a database on a real PostgreSQL server started for the
  session (``postgresql+psycopg://postgres@127.0.0.1:PORT/commandcenter_test``); it FAILS, with
  a hint to run ``make test``, when no server binaries are installed;
- ``pg_database_url``: a fresh, uniquely named PostgreSQL database per test, dropped afterwards;
- ``db_url``: parametrised ``sqlite`` / ``postgresql``: a fresh database with the schema at the
  head (a copy of a file or a template migrated once per run); ``empty_db_url``: an empty one,
  a fresh SQLite file in ``tmp_path`` or a
  fresh PostgreSQL database, so storage tests run on both engines.

Tests that use PostgreSQL get the ``postgres`` marker, so ``-m "not postgres"`` leaves them out.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

try:  # tests/ as a package or as a plain folder on sys.path
    from . import pg_server
except ImportError:
    import pg_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="commandcenter-tests-"))
os.environ["COMMANDCENTER_DATA_DIR"] = str(_SESSION_DIR / "data")
(_SESSION_DIR / "data").mkdir()
os.environ.pop("COMMANDCENTER_DB", None)
for _var, _sub in (
    ("XDG_DATA_HOME", "xdg-data"),
    ("XDG_CONFIG_HOME", "xdg-config"),
    ("XDG_CACHE_HOME", "xdg-cache"),
    ("XDG_STATE_HOME", "xdg-state"),
):
    os.environ[_var] = str(_SESSION_DIR / _sub)

POSTGRES_FIXTURES = {"postgres_server", "postgres_url", "pg_database_url"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server the tests start")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        on_postgres = "postgresql" in (params.get("db_url"), params.get("empty_db_url"))
        if fixtures & POSTGRES_FIXTURES or on_postgres:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(autouse=True)
def garbage_in_the_gui_thread(request):
    """For the console's tests, as in the console (``ui.common.tasks.GuiThreadGarbageCollector``):
    no cyclic collection in a worker thread, where it could destroy a Qt object of the GUI
    thread; one collection at the end, in this thread. What was alive before the test is frozen
    first, so that collection looks only at what the test made (collecting the whole session's
    heap takes more than a second by the end of a run)."""
    if not request.module.__name__.rpartition(".")[2].startswith("test_ui_"):
        yield
        return
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()
        gc.enable()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pg_server.PostgresServer]:
    """A real PostgreSQL server for the session (fails, never skips, when it can't start)."""
    try:
        server = pg_server.PostgresServer().start()
    except pg_server.PostgresUnavailable as exc:
        problem = str(exc)
    else:
        problem = ""
    if problem:
        pytest.fail(f"PostgreSQL test server unavailable: {problem}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: pg_server.PostgresServer) -> str:
    """URL of the session's database: postgresql+psycopg://USER@127.0.0.1:PORT/DBNAME."""
    return postgres_server.url


@pytest.fixture
def pg_database_url(postgres_server: pg_server.PostgresServer) -> Iterator[str]:
    """A fresh, uniquely named database for one test; dropped (connections ended) after it."""
    name = postgres_server.create_database()
    try:
        yield postgres_server.url_for(name)
    finally:
        postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database URL on each engine: SQLite file or PostgreSQL database (for the
    tests of migrations themselves)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'commandcenter.db'}"
    return request.getfixturevalue("pg_database_url")


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to the head once per run; tests get copies."""
    from commandcenter.storage import open_database

    path = tmp_path_factory.mktemp("migrated") / "migrated.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def migrated_pg_template(postgres_server: pg_server.PostgresServer) -> str:
    """A PostgreSQL database migrated to the head once per run, copied as a template."""
    from commandcenter.storage import open_database

    name = postgres_server.create_database("cc_template_migrated")
    open_database(postgres_server.url_for(name)).dispose()
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with the schema at the head on each engine: a copy of a file or of a
    template migrated once per run (opening it still checks the migrations, which are up to
    date). Storage tests run on both engines."""
    if request.param == "sqlite":
        target = tmp_path / "commandcenter.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), target)
        yield f"sqlite:///{target}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database(template=request.getfixturevalue("migrated_pg_template"))
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


DEMO_TODAY = "2026-11-26"
# The demo's "now": its cases were made up to this moment, so deadlines are what the demo made
# them whatever the real date. Consoles in tests run on a ManualClock at this moment.
DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)


def demo_backend(database, username: str = "duty", now: dt.datetime = DEMO_NOW):
    """The backend of a demo account on ``database``, its clock standing at ``now``."""
    from commandcenter.access.accounts import demo_actor
    from commandcenter.backend import LocalBackend
    from commandcenter.clock import ManualClock

    with database.session() as session:
        actor = demo_actor(session, username)
    return LocalBackend(database, actor, ManualClock(now))


@pytest.fixture
def backend_of():
    """``backend_of(database, username="duty", now=DEMO_NOW)``: a demo account's backend."""
    return demo_backend


@pytest.fixture(scope="session")
def demo_clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's camera clips, written once per run."""
    return tmp_path_factory.mktemp("demo-clips")


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory, demo_clips: Path):
    """The demo district (seed 2026, today 2026-11-26) in a session-wide SQLite file, built
    once per run.

    Shared by many tests: treat it as read-only; tests that change data take a copy
    (``writable_demo``).
    """
    from commandcenter.demo.generator import generate_demo
    from commandcenter.storage import open_database

    folder = tmp_path_factory.mktemp("demo-district")
    database = open_database(f"sqlite:///{folder / 'demo.db'}")
    generate_demo(
        database, seed=2026, today=dt.date.fromisoformat(DEMO_TODAY), clips_dir=demo_clips
    )
    yield database
    database.dispose()


@pytest.fixture
def writable_demo(tmp_path, demo_database):
    """A private copy of the demo district, for tests that write (the session's demo stays
    as generated)."""
    import sqlite3

    from commandcenter.storage import open_database

    source = demo_database.url.split("sqlite:///", 1)[1]
    target = tmp_path / "demo-copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def demo_pg_template(postgres_server: pg_server.PostgresServer, demo_clips: Path) -> str:
    """The demo district in a PostgreSQL database, built once per run and copied as a template
    (for the tests of the center's server, which runs on PostgreSQL)."""
    from commandcenter.demo.generator import generate_demo
    from commandcenter.storage import open_database

    name = postgres_server.create_database("cc_template_demo")
    database = open_database(postgres_server.url_for(name))
    generate_demo(
        database, seed=2026, today=dt.date.fromisoformat(DEMO_TODAY), clips_dir=demo_clips
    )
    database.dispose()
    return name


@pytest.fixture
def english_ui(qapp):
    """For tests that read the console's English texts: English whatever an earlier test
    installed, and Chinese (the default) again afterwards."""
    from ui.common import i18n

    i18n.install_language(qapp, "en")
    yield
    i18n.install_language(qapp, "zh_CN")
