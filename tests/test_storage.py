"""Opening, migrating and refusing databases, on SQLite and on a real PostgreSQL server."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from commandcenter.errors import DatabaseUnavailable
from commandcenter.storage import open_database
from commandcenter.storage.migrate import (
    current_revision,
    head_from_files,
    head_revision,
    is_at_head,
    upgrade,
)
from commandcenter.storage.models import Base, Center, Setting


def test_migrates_an_empty_database_to_head(empty_db_url):
    database = open_database(empty_db_url)
    try:
        assert current_revision(database.engine) == head_revision()
        tables = set(inspect(database.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert database.is_empty()
    finally:
        database.dispose()


def test_the_head_read_from_the_files_is_alembics_head():
    assert head_from_files() == head_revision()


def test_a_database_at_the_head_is_known_by_one_query_and_an_older_one_upgrades(empty_db_url):
    """The start-up's fast path (``is_at_head``) must never skip a migration that is due."""
    database = open_database(empty_db_url, migrate=False)
    try:
        assert not is_at_head(database.engine)  # no alembic_version table yet
        upgrade(database.engine, "0012")
        assert current_revision(database.engine) == "0012"
        assert not is_at_head(database.engine)
        upgrade(database.engine)  # the start's call: not at the head, so alembic runs
        assert current_revision(database.engine) == head_revision()
        assert is_at_head(database.engine)
        with database.engine.begin() as connection:  # two rows: a branch, not our head
            connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0012')")
        assert not is_at_head(database.engine)
    finally:
        database.dispose()


def test_migrations_are_idempotent_and_keep_data(empty_db_url):
    database = open_database(empty_db_url)
    with database.session() as session, session.begin():
        session.add(Setting(key="probe", value={"kept": True}))
    database.dispose()
    again = open_database(empty_db_url)
    try:
        with again.session() as session:
            assert session.get(Setting, "probe").value == {"kept": True}
    finally:
        again.dispose()


def test_schema_matches_the_models(empty_db_url):
    """The migration creates exactly what the ORM declares (no drift to autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = open_database(empty_db_url)
    try:
        with database.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        database.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    finally:
        database.dispose()


def test_foreign_keys_are_enforced(empty_db_url):
    database = open_database(empty_db_url)
    try:
        with pytest.raises(IntegrityError), database.session() as session, session.begin():
            session.add(Center(id=1, unit_id=999, name="no such unit"))
    finally:
        database.dispose()


def test_unreachable_server_gives_a_clear_error_without_password():
    url = "postgresql+psycopg://officer:s3cret@127.0.0.1:1/commandcenter"
    with pytest.raises(DatabaseUnavailable) as raised:
        open_database(url)
    message = str(raised.value)
    assert "Cannot reach the database" in message
    assert "s3cret" not in message
    assert "127.0.0.1:1" in message


@pytest.mark.parametrize(
    "url, words",
    [
        ("not a url", "malformed"),
        ("oracle://x@y/z", "Unsupported"),
        ("sqlite:////proc/no-such-dir/x.db", "Cannot create the folder"),
    ],
)
def test_bad_database_urls(url, words):
    with pytest.raises(DatabaseUnavailable, match=words):
        open_database(url)


def test_wrong_postgres_database_name(postgres_server):
    url = postgres_server.url_for("no_such_database")
    with pytest.raises(DatabaseUnavailable, match="no_such_database"):
        open_database(url)


def test_upgrade_keeps_rows_written_by_an_older_schema(empty_db_url):
    """A database made by revision 0001 with a case in it upgrades to head in place."""
    import datetime as dt

    from commandcenter.storage.database import create_engine_for
    from commandcenter.storage.migrate import upgrade

    engine = create_engine_for(empty_db_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO admin_units (id, code, name, level) "
                "VALUES (1, '321202001001', 'x', 'community')"
            )
        )
        conn.execute(text("INSERT INTO centers (id, unit_id, name) VALUES (1, 1, 'c')"))
        conn.execute(
            text(
                "INSERT INTO cases (id, code, source, category, title, description, center_id, "
                "urgency, state, reported_at, rework_count, version) VALUES (1, 'C1', 'resident', "
                "'other', 't', '', 1, 'normal', 'reported', :at, 0, 1)"
            ),
            {"at": dt.datetime(2026, 11, 2, 9, 0)},
        )
    engine.dispose()
    database = open_database(empty_db_url)
    try:
        from commandcenter.storage.models import Case, TimeLimit

        with database.session() as session:
            case = session.get(Case, 1)
            assert case.title == "t" and case.self_resolved is False and case.urge_count == 0
            limits = {(t.place, t.days) for t in session.query(TimeLimit)}
            assert limits == {("community", 1), ("street", 2), ("department", 3)}
        with database.session() as session, session.begin():
            session.add(TimeLimit(place="street", category=None, urgency="urgent", days=1))
    finally:
        database.dispose()


def test_safe_url_hides_passwords_wherever_they_are():
    from commandcenter.storage.database import safe_url

    shown = safe_url("postgresql+psycopg://cc:pw1@db/x?password=pw2&sslmode=require")
    assert "pw1" not in shown and "pw2" not in shown and "sslmode=require" in shown


def test_an_old_sqlite_database_with_data_upgrades(tmp_path):
    """A console's SQLite file from an earlier version, with rows that point at the tables a
    migration rebuilds (SQLite's batch mode copies, drops and renames a table): the upgrade
    keeps every row and every reference."""
    from commandcenter.storage.database import create_engine_for
    from commandcenter.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine_for(url)  # as the console opens it: foreign keys on
    upgrade(engine, "0009")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO admin_units (id, code, name, level) "
            "VALUES (1, '321202001000', '城东街道', 'township')"
        )
        conn.exec_driver_sql("INSERT INTO centers (id, unit_id, name) VALUES (1, 1, '城东中心')")
        conn.exec_driver_sql(
            "INSERT INTO departments (id, center_id, name, kind) "
            "VALUES (1, 1, '城东派出所', 'public_security')"
        )
        conn.exec_driver_sql(
            "INSERT INTO users (id, username, display_name, role, center_id, department_id, active, "
            "must_change_password) VALUES (1, 'police', '警官', 'department_handler', 1, 1, 1, 0)"
        )
    engine.dispose()
    database = open_database(url)
    try:
        assert current_revision(database.engine) == head_revision()
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT department_id FROM users")).scalar() == 1
            assert conn.execute(text("SELECT name FROM departments")).scalar() == "城东派出所"
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        database.dispose()
