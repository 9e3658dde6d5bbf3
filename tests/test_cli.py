"""The administrator's command line: its ``main`` in this process (as the entry point calls
it), and as a real subprocess for the entry point itself."""

import subprocess
import sys
from pathlib import Path

import pytest

try:
    from .shared_data import shared_file
except ImportError:
    from shared_data import shared_file
try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
except ImportError:
    from cli_runner import run_cli


ALL_COMMANDS = (
    "demo", "serve", "import-divisions", "check-codes", "migrate", "info", "users", "set-password",
    "kpi", "audit", "calendar", "limits", "import-grids", "cameras", "export", "integrations",
)  # fmt: skip


cli = run_cli


def test_help_lists_the_subcommands():
    result = cli("--help", check=True, as_subprocess=True)
    for name in ALL_COMMANDS:
        assert name in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("commandcenter")
    if not script.exists():
        pytest.fail("the commandcenter console script is not installed: run `make test`")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "check-codes" in result.stdout


def test_every_subcommand_takes_db():
    for name in ALL_COMMANDS:
        assert "--db URL" in cli(name, "--help", check=True).stdout


def test_check_single_codes():
    good = cli("check-codes", "3212020010000200101", "32120200001311000001")
    assert good.returncode == 0 and good.stdout.count("OK") == 2
    bad = cli("check-codes", "3212020010000200104")
    assert bad.returncode == 1 and "attribute 04" in bad.stdout
    odd = cli("check-codes", "12345")
    assert odd.returncode == 1 and "none of" in odd.stdout


def test_unreachable_database_is_one_clear_line():
    result = cli("info", db="postgresql+psycopg://admin:hunter2@127.0.0.1:1/cc")
    assert result.returncode == 1
    assert result.stderr.startswith("error: Cannot reach the database")
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_demo_import_and_check_on_one_database(tmp_path, demo_clips):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    out = cli("demo", "--today", "2026-11-26", "--clips", str(demo_clips), db=db, check=True)
    assert "duty" in out.stdout and "demo2026" in out.stdout
    again = cli("demo", db=db)
    assert again.returncode == 1 and "already holds" in again.stderr
    imported = cli("import-divisions", str(shared_file("admin-divisions")), db=db, check=True)
    assert "province 31" in imported.stdout and "township 4135" in imported.stdout
    report = cli("check-codes", db=db)
    # the demo draws two grids too large on purpose; the rest is clean against real codes
    assert report.returncode == 1
    assert "Grids (codes and sizing rule): " in report.stdout and "2 problem(s)" in report.stdout
    assert "not in the division list" not in report.stdout
    info = cli("info", db=db, check=True)
    assert "cases" in info.stdout
    users = cli("users", db=db, check=True)
    assert "argon2" not in users.stdout and "duty" in users.stdout


def test_broken_division_file_changes_nothing(tmp_path):
    db = f"sqlite:///{tmp_path / 'div.db'}"
    bad = tmp_path / "bad.csv"
    bad.write_text('code,name\n32,"江苏省"\n32X1,"坏"\n', encoding="utf-8")
    result = cli(
        "import-divisions", str(shared_file("admin-divisions", "provinces.csv")), str(bad), db=db
    )
    assert result.returncode == 1
    assert "bad.csv:3" in result.stderr and "nothing changed" in result.stderr
    assert "Traceback" not in result.stderr
    info = cli("check-codes", db=db)
    assert "no division list imported" in info.stdout


def test_db_before_the_subcommand_is_honoured(tmp_path):
    db = f"sqlite:///{tmp_path / 'before.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "commandcenter", "--db", db, "migrate"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "before.db") in result.stdout
    assert (tmp_path / "before.db").exists()


def test_bad_demo_date_is_a_usage_error_and_creates_nothing(tmp_path):
    result = cli("demo", "--today", "2026-13-01", db=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2 and "not a date like" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_set_password_lets_a_staff_member_log_in(writable_demo):
    from sqlalchemy import select

    from commandcenter.access.accounts import authenticate
    from commandcenter.storage.models import User

    with writable_demo.session() as s:
        username = s.scalar(select(User.username).where(User.password_hash.is_(None)))
    command = [sys.executable, "-m", "commandcenter", "set-password", username, "--stdin"]
    command += ["--db", writable_demo.url]
    short = subprocess.run(command, input="short\n", capture_output=True, text=True, timeout=60)
    assert short.returncode == 1 and "at least 8" in short.stderr
    done = subprocess.run(
        command, input="a-long-pass\n", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "a-long-pass" not in done.stdout
    with writable_demo.session() as s:
        assert authenticate(s, username, "a-long-pass").username == username
        # set by the command line (an administrator): changed at the first log-in at a server
        assert s.scalar(select(User.must_change_password).where(User.username == username))


def test_audit_verify_names_the_first_broken_entry(writable_demo):
    from sqlalchemy import create_engine, text

    db = writable_demo.url  # a copy of the demo district (the demo command: test above)
    ok = cli("audit", "verify", db=db)
    assert ok.returncode == 0 and "Archive intact" in ok.stdout
    assert " entries of " in ok.stdout and " s." in ok.stdout  # how much, in how long
    engine = create_engine(db)
    with engine.begin() as conn:
        case_id, code = conn.execute(text("SELECT id, code FROM cases ORDER BY id LIMIT 1")).one()
        conn.execute(text("DROP TRIGGER case_events_no_update"))  # a database administrator
        conn.execute(
            text("UPDATE case_events SET comment = 'rewritten' WHERE case_id = :c AND seq = 1"),
            {"c": case_id},
        )
    engine.dispose()
    broken = cli("audit", "verify", db=db)
    assert broken.returncode == 1
    assert f"case {code} entry #1" in broken.stderr and "altered" in broken.stderr
    assert "trigger case_events_no_update is missing" in broken.stderr


def test_cameras_import_list_export(tmp_path):
    from commandcenter.storage import open_database

    try:
        from .workflow_district import build_district
    except ImportError:
        from workflow_district import build_district

    db = f"sqlite:///{tmp_path / 'cameras.db'}"
    database = open_database(db)
    with database.session() as session, session.begin():
        build_district(session)
    database.dispose()
    good = tmp_path / "cameras.csv"
    good.write_text(
        "device_id,name,main_url,lon,lat\n"
        "32120200001311000001,东安路口,rtsp://admin:hunter2@10.0.0.1/main,119.902,32.485\n",
        encoding="utf-8",
    )
    imported = cli("cameras", "import", str(good), db=db, check=True)
    assert "1 new, 0 updated" in imported.stdout
    listed = cli("cameras", "list", db=db, check=True)
    assert "32120200001311000001" in listed.stdout and "rtsp://10.0.0.1/main" in listed.stdout
    assert "hunter2" not in listed.stdout and "admin:" not in listed.stdout
    exported = tmp_path / "out.csv"
    assert "Wrote 1 camera(s)" in cli("cameras", "export", str(exported), db=db, check=True).stdout
    assert "hunter2" not in exported.read_text(encoding="utf-8-sig")
    again = cli("cameras", "import", str(exported), db=db)
    assert again.returncode == 1 and "already registered" in again.stderr
    assert "nothing changed" in again.stderr and "Traceback" not in again.stderr
    assert cli("cameras", "import", str(exported), "--replace", db=db, check=True).stdout
    refused = cli("cameras", "import", str(good), "--replace", "--user", "duty", db=db)
    assert refused.returncode == 1 and "Only an administrator" in refused.stderr
