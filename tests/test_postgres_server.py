"""The test database fixtures give real, separate, working databases (see conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

try:
    from . import pg_server
except ImportError:
    import pg_server

_seen_databases: list[str] = []


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url)


def test_session_server_answers(postgres_url: str) -> None:
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "127.0.0.1"
    assert url.port and url.port > 0
    engine = _engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("select version()")).scalar_one()
            database = conn.execute(sa.text("select current_database()")).scalar_one()
            encoding = conn.execute(sa.text("show server_encoding")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert database == url.database
    assert encoding == "UTF8"


def test_server_runs_unprivileged(postgres_server: pg_server.PostgresServer) -> None:
    assert (postgres_server.bindir / "initdb").is_file()
    assert postgres_server.base_dir is not None
    assert (postgres_server.socket_dir).is_dir()
    with postgres_server.connect() as conn:
        data_directory = conn.execute("show data_directory").fetchone()[0]
    assert Path(data_directory) == postgres_server.data_dir
    if os.geteuid() == 0:
        assert postgres_server.account is not None
        assert postgres_server.account.pw_uid != 0
        assert postgres_server.data_dir.stat().st_uid == postgres_server.account.pw_uid


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_its_own_database(
    pg_database_url: str, postgres_server: pg_server.PostgresServer, round_: int
) -> None:
    name = make_url(pg_database_url).database
    assert name not in _seen_databases
    if _seen_databases:
        # The previous test's database was dropped when that test ended.
        assert _seen_databases[-1] not in postgres_server.database_names()
    _seen_databases.append(name)

    engine = _engine(pg_database_url)
    try:
        with engine.begin() as conn:
            assert conn.execute(sa.text("select current_database()")).scalar_one() == name
            # Fails if an earlier test's table were visible: the database is fresh.
            conn.execute(sa.text("create table marker (id integer primary key, label text)"))
            conn.execute(
                sa.text("insert into marker values (:id, :label)"),
                {"id": round_, "label": "网格中心"},
            )
        with engine.connect() as conn:
            rows = conn.execute(sa.text("select id, label from marker")).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(round_, "网格中心")]


def test_two_databases_are_distinct(
    pg_database_url: str, postgres_server: pg_server.PostgresServer
) -> None:
    other = postgres_server.create_database()
    assert other != make_url(pg_database_url).database
    first = _engine(pg_database_url)
    second = _engine(postgres_server.url_for(other))
    try:
        with first.begin() as conn:
            conn.execute(sa.text("create table only_here (id integer)"))
        with second.connect() as conn:
            assert "only_here" not in sa.inspect(conn).get_table_names()
        held = second.connect()  # a session left open must not stop the drop
        postgres_server.drop_database(other)
        held.invalidate()
        assert other not in postgres_server.database_names()
    finally:
        first.dispose()
        second.dispose()
        postgres_server.drop_database(other)


def test_db_url_covers_both_engines(db_url: str, request: pytest.FixtureRequest) -> None:
    engine = _engine(db_url)
    try:
        assert engine.dialect.name == request.node.callspec.params["db_url"]
        with engine.begin() as conn:
            conn.execute(sa.text("create table grid (code text primary key, name text)"))
            conn.execute(sa.text("insert into grid values ('G-001', '东城一网格')"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("select name from grid")).scalar_one() == "东城一网格"
    finally:
        engine.dispose()
    if engine.dialect.name == "sqlite":
        assert Path(make_url(db_url).database).is_file()


def test_postgres_marker_is_applied(request: pytest.FixtureRequest, pg_database_url: str) -> None:
    assert request.node.get_closest_marker("postgres") is not None


def test_tests_never_use_the_real_data_folder() -> None:
    data_dir = Path(os.environ["COMMANDCENTER_DATA_DIR"])
    assert data_dir.is_dir()
    assert Path.home() not in data_dir.parents
    assert "COMMANDCENTER_DB" not in os.environ
    assert os.environ["QT_QPA_PLATFORM"]


def test_missing_binaries_name_make_test(tmp_path: Path) -> None:
    with pytest.raises(pg_server.PostgresUnavailable, match="make test"):
        pg_server.find_bindir(
            environ={"PATH": str(tmp_path)}, server_glob=str(tmp_path / "*" / "bin")
        )


def test_newest_server_version_is_preferred(tmp_path: Path) -> None:
    for version in ("9.6", "13", "16"):
        bindir = tmp_path / version / "bin"
        bindir.mkdir(parents=True)
        for tool in ("initdb", "pg_ctl", "postgres"):
            (bindir / tool).touch()
    found = pg_server.find_bindir(
        environ={"PATH": str(tmp_path)}, server_glob=str(tmp_path / "*" / "bin")
    )
    assert found == tmp_path / "16" / "bin"
