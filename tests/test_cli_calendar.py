"""`commandcenter calendar …` and `commandcenter limits …`, through the command's ``main``."""

from __future__ import annotations

import shutil

import pytest

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
except ImportError:
    from cli_runner import run_cli


# An INVENTED holiday schedule (not the official one): a week off around National Day 2026 with
# an adjusted working Sunday before it and an adjusted working Saturday after it.
CALENDAR = """date,working,name
2026-09-27,上班,国庆调休
2026-10-01,休息,国庆节
2026-10-02,0,国庆节
2026-10-05,0,国庆节
2026-10-06,0,国庆节
2026-10-07,0,国庆节
2026-10-10,1,国庆调休
2027-01-01,0,元旦
"""


cli = run_cli


@pytest.fixture
def sqlite_db(tmp_path, migrated_sqlite_file):
    target = tmp_path / "cli.db"
    shutil.copyfile(migrated_sqlite_file, target)
    return f"sqlite:///{target}"


def test_help_lists_the_commands_and_each_takes_db():
    assert {"calendar", "limits"} <= set(cli("--help", check=True).stdout.split())
    for command in (
        ("calendar", "import"),
        ("calendar", "export"),
        ("calendar", "show"),
        ("calendar", "hours"),
        ("limits", "show"),
        ("limits", "set"),
        ("limits", "unset"),
        ("limits", "warn-share"),
    ):
        assert "--db URL" in cli(*command, "--help", check=True).stdout, command


def test_calendar_import_show_export_round_trip(db_url, tmp_path):
    source = tmp_path / "calendar.csv"
    source.write_text(CALENDAR, encoding="utf-8")
    imported = cli("calendar", "import", str(source), db=db_url, check=True)
    assert "Imported 8 calendar day(s)" in imported.stdout and "6 day(s) off" in imported.stdout

    shown = cli("calendar", "show", "--year", "2026", db=db_url, check=True).stdout
    assert "all day" in shown and "1440 working minutes" in shown
    assert "2026-10-01 Thu  day off      国庆节" in shown
    assert "2026-10-10 Sat  working day  国庆调休" in shown
    assert "2027-01-01" not in shown

    exported = tmp_path / "exported.csv"
    cli("calendar", "export", str(exported), db=db_url, check=True)
    assert exported.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        line.replace("上班", "1").replace("休息", "0") for line in CALENDAR.splitlines()[1:]
    ]
    again = cli("calendar", "import", str(exported), db=db_url, check=True)
    assert "8 replaced earlier entries" in again.stdout


def test_a_bad_calendar_file_is_reported_line_by_line_and_changes_nothing(sqlite_db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(CALENDAR, encoding="utf-8")
    cli("calendar", "import", str(good), db=sqlite_db, check=True)
    before = cli("calendar", "show", db=sqlite_db, check=True).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("date,working,name\n2026-10-01,0,ok\n2026-02-30,1,x\n2026-10-01,maybe\n")
    result = cli("calendar", "import", str(bad), db=sqlite_db)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "nothing changed" in result.stderr
    assert "bad.csv:3: date '2026-02-30' does not exist" in result.stderr
    assert "bad.csv:4: working 'maybe'" in result.stderr
    assert cli("calendar", "show", db=sqlite_db, check=True).stdout == before
    missing = cli("calendar", "import", str(tmp_path / "nowhere.csv"), db=sqlite_db)
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_working_hours(sqlite_db):
    shown = cli("calendar", "hours", db=sqlite_db, check=True).stdout
    assert "all day (00:00–24:00), 1440 working minutes a day" in shown
    done = cli("calendar", "hours", "13:30-17:30", "08:30-12:00", db=sqlite_db, check=True)
    assert "08:30–12:00, 13:30–17:30, 450 working minutes a day" in done.stdout
    assert "450 working minutes" in cli("calendar", "show", db=sqlite_db, check=True).stdout
    overlap = cli("calendar", "hours", "08:00-12:00", "11:00-13:00", db=sqlite_db)
    assert overlap.returncode == 1 and "overlap" in overlap.stderr
    garbage = cli("calendar", "hours", "eight-noon", db=sqlite_db)
    assert garbage.returncode == 1 and "not a time like 08:30" in garbage.stderr
    both = cli("calendar", "hours", "08:00-12:00", "--all-day", db=sqlite_db)
    assert both.returncode == 2
    assert "450 working minutes" in cli("calendar", "hours", db=sqlite_db, check=True).stdout
    cleared = cli("calendar", "hours", "--all-day", db=sqlite_db, check=True)
    assert "1440 working minutes" in cleared.stdout


def test_limits_show_set_unset(sqlite_db):
    shown = cli("limits", "show", db=sqlite_db, check=True).stdout
    assert "community   (any)          (any)     1 working day" in shown
    assert "department  (any)          (any)     3 working days" in shown
    assert "25%" in shown
    done = cli(
        "limits", "set", "street", "--days", "1", "--hours", "4", "--urgency", "urgent",
        db=sqlite_db, check=True,
    )  # fmt: skip
    assert "street urgent: 1 working day 4 working hours" in done.stdout
    cli("limits", "set", "community", "--days", "0", "--hours", "2", "--category",
        "safety_hazard", "--urgency", "critical", db=sqlite_db, check=True)  # fmt: skip
    shown = cli("limits", "show", db=sqlite_db, check=True).stdout
    assert "street      (any)          urgent    1 working day 4 working hours" in shown
    assert "community   safety_hazard  critical  2 working hours" in shown

    zero = cli("limits", "set", "street", "--days", "0", db=sqlite_db)
    assert zero.returncode == 1 and "cannot both be 0" in zero.stderr
    negative = cli("limits", "set", "street", "--days", "-1", db=sqlite_db)
    assert negative.returncode == 1 and "negative" in negative.stderr
    place = cli("limits", "set", "county", "--days", "1", db=sqlite_db)
    assert place.returncode == 2 and "invalid choice" in place.stderr
    category = cli("limits", "set", "street", "--days", "1", "--category", "x", db=sqlite_db)
    assert category.returncode == 2
    no_days = cli("limits", "set", "street", db=sqlite_db)
    assert no_days.returncode == 2 and "--days" in no_days.stderr

    removed = cli("limits", "unset", "street", "--urgency", "urgent", db=sqlite_db, check=True)
    assert "removed" in removed.stdout
    again = cli("limits", "unset", "street", "--urgency", "urgent", db=sqlite_db)
    assert again.returncode == 1 and "no time limit rule street urgent" in again.stderr
    cli("limits", "unset", "department", db=sqlite_db, check=True)
    shown = cli("limits", "show", db=sqlite_db, check=True).stdout
    assert "urgent    1 working day" not in shown
    assert "department  (any)          (any)     3 working days (built-in)" in shown


def test_warn_share(sqlite_db):
    assert "25%" in cli("limits", "warn-share", db=sqlite_db, check=True).stdout
    assert "30%" in cli("limits", "warn-share", "0.3", db=sqlite_db, check=True).stdout
    bad = cli("limits", "warn-share", "1.5", db=sqlite_db)
    assert bad.returncode == 1 and "between 0 and 1" in bad.stderr
    assert "30%" in cli("limits", "show", db=sqlite_db, check=True).stdout
