"""``commandcenter`` — the administrator's command line. Every subcommand takes ``--db URL``.

Errors are printed as one readable message with exit status 1 (2 for usage errors); nothing is
half-written, since each command works inside one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from sqlalchemy import func, select

from commandcenter.config import DB_ENV, resolve_database_url
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.errors import CommandCenterError, ImportRejected


def _database(args, *, migrate: bool = True):
    from commandcenter.storage import open_database

    key_file = getattr(args, "key_file", None)
    database = open_database(resolve_database_url(args.db), migrate=migrate, key_file=key_file)
    if migrate:
        from commandcenter.cameras.sealing import seal_on_open

        seal_on_open(database)  # camera passwords stored before they were sealed
    return database


def _key_file_option(command) -> None:
    command.add_argument(
        "--key-file",
        metavar="FILE",
        help="the installation's key file (archive, checkpoints, camera passwords); default "
        "$COMMANDCENTER_KEY_FILE, else keys.json in the data folder",
    )


SETTINGS = Changes(settings=True)  # how deadlines are judged changed: consoles load again


def _write(database, operation, doing: str):
    """One write transaction, its changes in the change log (so running consoles follow)."""
    from commandcenter import clock
    from commandcenter.backend.transactions import write

    return write(database, operation, clock.now(), doing).value


def cmd_migrate(args) -> int:
    from commandcenter.storage.migrate import current_revision

    database = _database(args)
    print(f"{database.display_url}: schema at revision {current_revision(database.engine)}")
    return 0


def cmd_demo(args) -> int:
    from commandcenter.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
    from commandcenter.demo.generator import generate_demo

    database = _database(args)
    if not database.is_empty():
        print(
            f"{database.display_url} already holds a district; the demo goes into an empty "
            "database (give another --db).",
            file=sys.stderr,
        )
        return 1
    generate_demo(
        database,
        seed=args.seed,
        today=args.today,
        clips_dir=Path(args.clips) if args.clips else None,
        progress=lambda fraction, message: print(f"{fraction:4.0%}  {message}"),
    )
    print(f"Demo district written to {database.display_url}. Log-in accounts:")
    for username, role, _, _ in DEMO_ACCOUNTS:
        print(f"  {username:<11} {role.value:<19} password {DEMO_PASSWORD}")
    return 0


def cmd_import_divisions(args) -> int:
    from commandcenter.geo.divisions import import_divisions

    database = _database(args)
    with database.session() as session, session.begin():
        result = import_divisions(session, [Path(p) for p in args.paths])
    levels = ", ".join(f"{level.value} {n}" for level, n in sorted(result.by_level.items()))
    print(f"Imported {result.rows} division codes from {result.files} file(s): {levels}")
    return 0


def cmd_import_grids(args) -> int:
    from commandcenter import clock
    from commandcenter.access import oplog
    from commandcenter.geo.grid_import import import_grids

    def operation(session):
        result = import_grids(session, Path(args.file), gcj02=args.gcj02, replace=args.replace)
        kind = oplog.OperationKind.IMPORT
        oplog.record(session, None, clock.now(), kind, "grids", result.summary())
        return Outcome(result, Changes(grids=result.grid_ids))

    result = _write(_database(args), operation, "importing grids")
    print(result.summary())
    return 0


def cmd_check_codes(args) -> int:
    from commandcenter.jurisdiction.checks import check_database, check_single_code

    if args.codes:
        problems = 0
        for code in args.codes:
            found = check_single_code(code)
            problems += bool(found)
            print(f"{code}: " + ("OK" if not found else "; ".join(found)))
        return 1 if problems else 0
    database = _database(args)
    with database.session() as session:
        report = check_database(session)
    print(report.render())
    return 1 if report.problem_count else 0


def cmd_keys(args) -> int:
    """new: make a key file for an installation (never over an existing one)."""
    from commandcenter.keys import write_new_keys

    keys = write_new_keys(args.file)
    print(
        f"Wrote new keys to {keys.path} (mode 600). Give it to the server (serve --key-file) "
        "and back it up apart from the database: without it the archive cannot be verified "
        "and the camera passwords cannot be read."
    )
    return 0


def cmd_audit(args) -> int:
    """verify: the whole archive, naming what changed; checkpoint: sign the head (and export
    it); seal: key the entries written before the keyed archive (once, after upgrading)."""
    from commandcenter import clock
    from commandcenter.workflow import audit

    database = _database(args)
    try:
        if args.check == "checkpoint":
            with database.writer() as session, session.begin():
                checkpoint = audit.make_checkpoint(session, clock.now(), args.note or "by hand")
            print(
                f"Checkpoint {checkpoint.fingerprint} of {checkpoint.at:%Y-%m-%d %H:%M:%S}, "
                f"public key {checkpoint.public_key}"
            )
            if args.export:
                Path(args.export).write_text(checkpoint.as_json(), encoding="utf-8")
                print(f"Exported to {args.export}: keep it outside the database.")
            return 0
        if args.check == "seal":
            with database.writer() as session, session.begin():
                sealed = audit.seal(session, clock.now())
            print(
                f"Sealed {sealed.entries} entries of {sealed.cases} cases into the keyed "
                f"archive; checkpoint {sealed.checkpoint.fingerprint}."
            )
            return 0
        published = [audit.read_checkpoint_file(p) for p in args.checkpoint or ()]
        result = audit.verify_archive(database, workers=args.workers, published=published)
    finally:
        database.dispose()
    summary = (
        f"{result.entries:,} entries of {result.cases:,} cases, {result.attachments:,} "
        f"attachments, {result.checkpoints} stored and {len(published)} published checkpoints "
        f"in {result.seconds:.1f} s"
    )
    if result.ok:
        print(f"Archive intact: {summary}.")
        return 0
    total = len(result.problems) + result.more_problems
    print(f"Archive BROKEN: {total} problem(s) in {summary}:", file=sys.stderr)
    for problem in result.problems[: args.show]:
        print(f"  {problem}", file=sys.stderr)
    if total > args.show:
        print(f"  … and {total - args.show} more", file=sys.stderr)
    return 1


def cmd_info(args) -> int:
    from commandcenter.storage.migrate import current_revision
    from commandcenter.storage.models import Camera, Case, Grid, Person, User

    database = _database(args)
    print(f"database  {database.display_url} ({database.dialect})")
    print(f"schema    {current_revision(database.engine)}")
    with database.session() as session:
        for label, model in (
            ("grids", Grid),
            ("people", Person),
            ("users", User),
            ("cameras", Camera),
            ("cases", Case),
        ):
            print(f"{label:<9} {session.scalar(select(func.count()).select_from(model))}")
    return 0


def cmd_users(args) -> int:
    from commandcenter.storage.models import Center, User

    database = _database(args)
    with database.session() as session:
        rows = session.execute(
            select(User.username, User.display_name, User.role, Center.name, User.password_hash)
            .join(Center, User.center_id == Center.id)
            .order_by(User.role, User.username)
        ).all()
    for username, name, role, center, password_hash in rows:
        login = "can log in" if password_hash else "no password"
        print(f"{username:<18} {name:<8} {role.value:<19} {center}  ({login})")
    return 0


def _db_option(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help=f"database URL (default: ${DB_ENV}, else SQLite in the user data folder), "
        "e.g. postgresql+psycopg://user@host/dbname",
    )


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


def cmd_set_password(args) -> int:
    from commandcenter.access.accounts import set_password

    password = sys.stdin.readline().rstrip("\n") if args.stdin else None
    if password is None:
        import getpass

        password = getpass.getpass(f"New password for {args.username}: ")
        if getpass.getpass("Again: ") != password:
            print("error: the two passwords differ; nothing changed.", file=sys.stderr)
            return 1
    database = _database(args)
    with database.session() as session, session.begin():
        set_password(session, args.username, password)
    print(f"Password of {args.username} set.")
    return 0


def cmd_integrations(args) -> int:
    """Outside systems reporting through Open311 (the 12345 hotline, a public website)."""
    from commandcenter.channels.open311 import add_integration
    from commandcenter.clock import now
    from commandcenter.domain.enums import CaseSource
    from commandcenter.storage.models import Integration, User

    database = _database(args)
    if args.action == "add":
        if not args.name or not args.user:
            print("error: integrations add NAME --user USERNAME", file=sys.stderr)
            return 2
        with database.writer() as session, session.begin():
            key = add_integration(session, args.name, args.user, CaseSource(args.source), now())
        print(f"Integration {args.name} added; its api_key (shown this once): {key}")
        return 0
    if args.action == "revoke":
        with database.writer() as session, session.begin():
            found = session.scalar(select(Integration).where(Integration.name == args.name))
            if found is None:
                print(f"error: no integration named {args.name!r}", file=sys.stderr)
                return 1
            found.active = False
        print(f"Integration {args.name} revoked: its key no longer works.")
        return 0
    with database.session() as session:
        rows = session.execute(
            select(Integration, User.username).join(User, Integration.user_id == User.id)
        ).all()
    for integration, username in rows:
        state = "active" if integration.active else "revoked"
        print(f"{integration.name:<20} as {username:<18} {integration.source.value:<14} {state}")
    return 0


def _period(text: str):
    from commandcenter.figures.kpi import Period, PeriodError

    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_kpi(args) -> int:
    from commandcenter import clock
    from commandcenter.figures import kpi, kpi_table

    database = _database(args)
    as_of = clock.now()
    with database.session() as session:
        actor = kpi.report_actor(session, args.user)
        rows = kpi.compute_kpis(session, actor, args.period, args.by, as_of=as_of)
    if args.csv:
        kpi_table.write_csv(rows, args.csv)
        print(f"{len(rows)} rows written to {args.csv}")
    else:
        print(
            f"考核 KPIs {args.period} by {args.by}: {actor.center_name} ({actor.username}), "
            f"as of {as_of:%Y-%m-%d %H:%M}; formulas in docs/kpi.md"
        )
        print(kpi_table.format_table(rows))
    return 0


# --- working calendar and time limits: `commandcenter calendar …`, `commandcenter limits …` ---


def cmd_calendar_import(args) -> int:
    from commandcenter.schedule.workcalendar import import_calendar_csv

    result = _write(
        _database(args),
        lambda session: Outcome(import_calendar_csv(session, Path(args.file)), SETTINGS),
        "importing the calendar",
    )
    print(
        f"Imported {result.days} calendar day(s) from {args.file}: {result.days_off} day(s) "
        f"off, {result.working_days} working day(s); {result.replaced} replaced earlier entries."
    )
    return 0


def cmd_calendar_export(args) -> int:
    from commandcenter.schedule.workcalendar import export_calendar_csv

    database = _database(args)
    with database.session() as session:
        count = export_calendar_csv(session, Path(args.file), year=args.year)
    print(f"Wrote {count} calendar day(s) to {args.file}")
    return 0


def cmd_calendar_show(args) -> int:
    from commandcenter.schedule.workcalendar import (
        WorkingCalendar,
        calendar_days,
        describe_hours,
        load_working_hours,
    )

    database = _database(args)
    with database.session() as session:
        hours = load_working_hours(session)
        days = calendar_days(session, args.year)
    per_day = WorkingCalendar(hours=hours).minutes_per_day
    print(f"Working hours: {describe_hours(hours)}, {per_day} working minutes a day")
    scope = f" in {args.year}" if args.year else ""
    if not days:
        print(f"No exceptions{scope}: the working days are Monday–Friday.")
        return 0
    print(f"Exceptions to Monday–Friday{scope}:")
    for day in days:
        kind = "working day" if day.working else "day off"
        print(f"  {day.day.isoformat()} {day.day:%a}  {kind:<11}  {day.name}".rstrip())
    return 0


def cmd_calendar_hours(args) -> int:
    from commandcenter.schedule.workcalendar import (
        WorkingCalendar,
        describe_hours,
        load_working_hours,
        parse_working_hours,
        set_working_hours,
    )

    if args.all_day and args.periods:
        print("error: give periods or --all-day, not both", file=sys.stderr)
        return 2
    periods = parse_working_hours(args.periods) if args.periods else None

    def operation(session):
        if args.all_day or periods:
            set_working_hours(session, periods)
            return Outcome(load_working_hours(session), SETTINGS)
        return Outcome(load_working_hours(session))

    hours = _write(_database(args), operation, "setting the working hours")
    per_day = WorkingCalendar(hours=hours).minutes_per_day
    print(f"Working hours: {describe_hours(hours)}, {per_day} working minutes a day")
    return 0


def cmd_limits_show(args) -> int:
    from commandcenter.schedule.deadlines import load_warn_share
    from commandcenter.schedule.timelimits import DEFAULT_LIMITS, TimeLimits, describe_limit

    database = _database(args)
    with database.session() as session:
        limits = TimeLimits.load(session)
        share = load_warn_share(session)
    rules = limits.rules()
    with_default = {
        place for place, category, urgency, _, _ in rules if not category and not urgency
    }
    print(f"{'place':<11} {'category':<14} {'urgency':<9} limit")
    for place, default in DEFAULT_LIMITS.items():
        if place not in with_default:
            print(f"{place:<11} {'(any)':<14} {'(any)':<9} {describe_limit(*default)} (built-in)")
        for rule_place, category, urgency, days, hours in rules:
            if rule_place == place:
                limit = describe_limit(days, hours)
                print(f"{place:<11} {category or '(any)':<14} {urgency or '(any)':<9} {limit}")
    print(
        "The most specific rule wins: category and urgency, then urgency, then category, "
        "then the place's default."
    )
    print(f"Amber warning when {share:.0%} or less of the limit is left (warn share {share:g}).")
    return 0


def cmd_limits_set(args) -> int:
    from commandcenter.schedule.timelimits import describe_limit, set_limit

    def operation(session):
        row = set_limit(
            session, args.place, args.days, args.hours, category=args.category, urgency=args.urgency
        )
        return Outcome((row.days, row.hours), SETTINGS)

    days, hours = _write(_database(args), operation, "setting a time limit")
    rule = " ".join(filter(None, [args.place, args.category, args.urgency]))
    print(f"Time limit {rule}: {describe_limit(days, hours)}")
    return 0


def cmd_limits_unset(args) -> int:
    from commandcenter.schedule.timelimits import remove_limit

    def operation(session):
        removed = remove_limit(session, args.place, category=args.category, urgency=args.urgency)
        return Outcome(removed, SETTINGS if removed else Changes())

    removed = _write(_database(args), operation, "removing a time limit")
    rule = " ".join(filter(None, [args.place, args.category, args.urgency]))
    if not removed:
        print(f"error: there is no time limit rule {rule}", file=sys.stderr)
        return 1
    print(f"Time limit rule {rule} removed; the next less specific rule applies.")
    return 0


def cmd_limits_warn_share(args) -> int:
    from commandcenter.schedule.deadlines import load_warn_share, set_warn_share

    def operation(session):
        if args.share is not None:
            set_warn_share(session, args.share)
            return Outcome(load_warn_share(session), SETTINGS)
        return Outcome(load_warn_share(session))

    share = _write(_database(args), operation, "setting the warning share")
    print(f"Amber warning when {share:.0%} or less of the limit is left (warn share {share:g}).")
    return 0


def cmd_duties(args) -> int:
    """``duties show`` / ``duties set CODE on|off|inherit``: separation of duties per center."""
    from sqlalchemy import select

    from commandcenter.storage.models import AdminUnit, Center
    from commandcenter.workflow.duties import DutiesPolicy, set_separation

    def operation(session):
        if args.duties_command == "set":
            center = session.scalar(
                select(Center)
                .join(AdminUnit, Center.unit_id == AdminUnit.id)
                .where(AdminUnit.code == args.code)
            )
            if center is None:
                raise CommandCenterError(f"No center for the unit code {args.code}.")
            on = {"on": True, "off": False, "inherit": None}[args.value]
            set_separation(session, None, center.id, on)
        policy = DutiesPolicy.load(session)
        rows = session.execute(
            select(Center.id, AdminUnit.code, Center.name)
            .join(AdminUnit, Center.unit_id == AdminUnit.id)
            .order_by(AdminUnit.code)
        ).all()
        lines = [
            (code, name, policy.settings.get(cid), policy.applies(cid)) for cid, code, name in rows
        ]
        return Outcome(lines, SETTINGS if args.duties_command == "set" else Changes())

    lines = _write(_database(args), operation, "separation of duties")
    for code, name, own, applies in lines:
        own_text = "" if own is None else f" (set here: {'on' if own else 'off'})"
        print(f"{code} {name}: separation of duties {'on' if applies else 'OFF'}{own_text}")
    return 0


def _add_calendar_and_limits(sub, common) -> None:
    """The `calendar` and `limits` command groups; each subcommand takes --db too."""
    from commandcenter.domain.enums import CaseCategory, Urgency
    from commandcenter.schedule.timelimits import TimeLimitPlace

    def group(name, help_text):
        parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")

    def add(commands, name, func, help_text):
        command = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        command.set_defaults(func=func)
        return command

    def year(command):
        command.add_argument("--year", type=int, metavar="Y", help="only the dates of year Y")

    calendar = group("calendar", "the working calendar: holidays, adjusted working days, hours")
    imp = add(
        calendar,
        "import",
        cmd_calendar_import,
        "import days from a CSV file date,working,name (working: 1/0 or 上班/休息); replaces "
        "the dates given, all or nothing",
    )
    imp.add_argument("file", metavar="FILE")
    exp = add(calendar, "export", cmd_calendar_export, "write the calendar days to a CSV file")
    exp.add_argument("file", metavar="FILE")
    year(exp)
    year(add(calendar, "show", cmd_calendar_show, "list the working hours and the exceptions"))
    hours = add(
        calendar,
        "hours",
        cmd_calendar_hours,
        "show or set the working hours, e.g. 08:30-12:00 13:30-17:30 (--all-day: 00:00-24:00)",
    )
    hours.add_argument("periods", nargs="*", metavar="HH:MM-HH:MM")
    hours.add_argument("--all-day", action="store_true", help="count the whole working day")

    limits = group("limits", "handling time limits per place, category and urgency")
    add(limits, "show", cmd_limits_show, "list the time limit rules and the warning share")
    places = [p.value for p in TimeLimitPlace]
    for name, handler, help_text in (
        ("set", cmd_limits_set, "set the time limit of a place, optionally for a category/urgency"),
        ("unset", cmd_limits_unset, "remove a time limit rule"),
    ):
        command = add(limits, name, handler, help_text)
        command.add_argument("place", choices=places, metavar="PLACE", help=", ".join(places))
        if name == "set":
            command.add_argument("--days", type=int, required=True, metavar="N")
            command.add_argument("--hours", type=int, default=0, metavar="H")
        categories, urgencies = [c.value for c in CaseCategory], [u.value for u in Urgency]
        command.add_argument(
            "--category", choices=categories, metavar="C", help=", ".join(categories)
        )
        command.add_argument("--urgency", choices=urgencies, metavar="U", help=", ".join(urgencies))
    share = add(
        limits,
        "warn-share",
        cmd_limits_warn_share,
        "show or set the share of the limit left at which a case turns amber (0 < X < 1)",
    )
    share.add_argument("share", nargs="?", type=float, metavar="X")

    duties = group(
        "duties",
        "separation of duties per center (on by default): who handled a case neither "
        "verifies it nor enters the resident's rating",
    )
    add(duties, "show", cmd_duties, "list the centers and whether the rule applies")
    setting = add(
        duties,
        "set",
        cmd_duties,
        "turn the rule on or off for a center and those below it (inherit: follow the center "
        "above)",
    )
    setting.add_argument("code", metavar="UNIT_CODE")
    setting.add_argument("value", choices=("on", "off", "inherit"))


# --- the camera registry: `commandcenter cameras …` -------------------------------------------


def _camera_actor(session, username: str | None):
    """Whose jurisdiction a camera command works in: --user, else the top center's
    administrator (the core refuses writes by any other role)."""
    from commandcenter.figures.kpi import report_actor

    return report_actor(session, username)


def cmd_cameras_import(args) -> int:
    from commandcenter.cameras.csv_io import import_cameras_csv

    def operation(session):
        actor = _camera_actor(session, args.user)
        result = import_cameras_csv(session, actor, Path(args.file), replace=args.replace)
        return Outcome(result, Changes(cameras=result.camera_ids))

    result = _write(_database(args), operation, "importing cameras")
    print(result.summary())
    return 0


def cmd_cameras_export(args) -> int:
    from commandcenter.cameras.csv_io import export_cameras_csv

    database = _database(args)
    with database.session() as session:
        actor = _camera_actor(session, args.user)
        count = export_cameras_csv(session, actor, Path(args.file))
    print(f"Wrote {count} camera(s) to {args.file} (without user names or passwords)")
    return 0


def cmd_cameras_list(args) -> int:
    from commandcenter.cameras.rows import camera_rows
    from commandcenter.cameras.urls import display_url

    database = _database(args)
    with database.session() as session:
        actor = _camera_actor(session, args.user)
        rows = camera_rows(session, actor)
    for row in rows:
        state = "on " if row.enabled else "off"
        grid = row.grid_name or "(no grid)"
        print(f"{row.device_id}  {state}  {row.name}  [{grid}]  {display_url(row.main_url)}")
    print(f"{len(rows)} camera(s) in the jurisdiction of {actor.center_name} ({actor.username})")
    return 0


def cmd_cameras_seal(args) -> int:
    from commandcenter.cameras.sealing import seal_stored_passwords
    from commandcenter.keys import key_file_path
    from commandcenter.storage import open_database

    database = open_database(resolve_database_url(args.db))
    count = _write(database, lambda s: Outcome(seal_stored_passwords(s)), "sealing passwords")
    print(
        f"Sealed {count} camera password(s) stored in plain text, with the key file "
        f"{key_file_path()} (keep it, backed up apart from the database)."
    )
    return 0


def _add_cameras(sub, common) -> None:
    """The `cameras` command group; each subcommand takes --db and --user."""
    help_text = "the camera registry: import, export and list cameras (GB/T 28181 IDs)"
    group = sub.add_parser("cameras", parents=[common], help=help_text, description=help_text)
    commands = group.add_subparsers(dest="cameras_command", required=True, metavar="COMMAND")

    def add(name, func, text):
        command = commands.add_parser(name, parents=[common], help=text, description=text)
        command.set_defaults(func=func)
        command.add_argument(
            "--user",
            metavar="NAME",
            help="whose jurisdiction (default: the top center's administrator); "
            "writes need an administrator",
        )
        return command

    imp = add(
        "import",
        cmd_cameras_import,
        "import cameras from a CSV file (UTF-8 or GBK) with the columns device_id, name, "
        "main_url, lon, lat and optionally sub_url, grid_code, enabled, transport, username, "
        "password; checked first, all or nothing",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="update cameras whose device ID is already registered (blank credentials keep "
        "the stored ones)",
    )
    exp = add(
        "export",
        cmd_cameras_export,
        "write the cameras to a CSV file (UTF-8 with BOM), without user names or passwords",
    )
    exp.add_argument("file", metavar="FILE")
    add("list", cmd_cameras_list, "list the cameras; URLs shown without credentials")
    add(
        "seal",
        cmd_cameras_seal,
        "encrypt camera passwords still stored in plain text with the key file (done also "
        "whenever the database is opened)",
    )


# --- exports: `commandcenter export cases FILE.xlsx` ------------------------------------------
#
# Only the Excel export is a command here. The monthly report's PDF is drawn with Qt, and the
# core (this module included) never loads Qt: it is made from the console, or with
# `python -m ui.figures.monthly_report --period 2026-10 FILE.pdf`, from the same core figures
# (commandcenter.monthly_report_data).


def cmd_export_cases(args) -> int:
    from commandcenter import clock
    from commandcenter.cases.export import export_cases_xlsx
    from commandcenter.cases.rows import open_cases
    from commandcenter.figures import kpi
    from commandcenter.schedule.deadlines import DeadlineStatus

    database = _database(args)
    now = clock.now()
    with database.session() as session:
        actor = kpi.report_actor(session, args.user)
        rows = open_cases(session, actor, now)
    if args.overdue_only:
        rows = [r for r in rows if r.status_at(now) is DeadlineStatus.OVERDUE]
    title = f"{actor.center_name} · " + ("超期在办案件" if args.overdue_only else "全部在办案件")
    path = export_cases_xlsx(rows, Path(args.file), now=now, title=title)
    print(f"{len(rows)} case(s) written to {path} (open cases of {actor.center_name})")
    return 0


def _add_export(sub, common) -> None:
    help_text = "export lists to files: the open cases to Excel"
    group = sub.add_parser("export", parents=[common], help=help_text, description=help_text)
    commands = group.add_subparsers(dest="export_command", required=True, metavar="COMMAND")
    text = (
        "write the open cases of a jurisdiction to an Excel workbook (.xlsx), most urgent "
        "deadline first, as the case board lists them; no personal data"
    )
    cases = commands.add_parser("cases", parents=[common], help=text, description=text)
    cases.set_defaults(func=cmd_export_cases)
    cases.add_argument("file", metavar="FILE.xlsx")
    cases.add_argument(
        "--user",
        metavar="NAME",
        help="whose jurisdiction (default: the top center's administrator)",
    )
    cases.add_argument(
        "--overdue-only", action="store_true", help="only the cases past their deadline"
    )


def cmd_serve(args) -> int:
    """The center's server (commandcenter.server): the only process with the database URL."""
    import os

    import uvicorn

    from commandcenter.storage.database import safe_url

    url = resolve_database_url(args.db)
    from commandcenter.keys import KEY_FILE_ENV, key_file_path, keys_for

    # The keys must be there before anyone connects (made in the data folder only when no
    # file was named); the workers find the same file through the environment.
    try:
        keys = keys_for(args.key_file)
    except CommandCenterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.environ[KEY_FILE_ENV] = str((keys.path or key_file_path(args.key_file)).resolve())
    database = _database(args)  # reachable and migrated before anyone connects
    dialect = database.dialect
    database.dispose()
    if dialect == "sqlite" and args.workers > 1:
        print(
            "error: an SQLite database takes one worker; use PostgreSQL for more", file=sys.stderr
        )
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        print("error: give --tls-cert and --tls-key together", file=sys.stderr)
        return 2
    os.environ[DB_ENV] = url  # for the workers (uvicorn starts them with the factory below)
    os.environ["COMMANDCENTER_SESSION_IDLE_S"] = str(args.session_idle_minutes * 60)
    os.environ["COMMANDCENTER_SESSION_MAX_S"] = str(args.session_hours * 3600)
    os.environ["COMMANDCENTER_LOGIN_RATE"] = str(args.login_rate)
    if args.basemap:
        from commandcenter.geo.tiles import TileSourceError, open_tile_source

        try:
            open_tile_source(args.basemap, gcj02=args.basemap_gcj02).close()
        except TileSourceError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        os.environ["COMMANDCENTER_BASEMAP"] = str(Path(args.basemap).resolve())
        os.environ["COMMANDCENTER_BASEMAP_GCJ02"] = "1" if args.basemap_gcj02 else "0"
    scheme = "https" if args.tls_cert else "http"
    print(
        f"Serving {safe_url(url)} at {scheme}://{args.host}:{args.port} ({args.workers} worker(s))"
    )
    uvicorn.run(
        "commandcenter.server.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="warning",
        ws_ping_interval=20,
        ws_ping_timeout=20,
        timeout_graceful_shutdown=5,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commandcenter",
        description="Grid Command Center (网格化服务管理指挥中心): administration commands.",
    )
    _db_option(parser, None)
    # The subcommands' copy must not overwrite a --db given before the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    _db_option(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_text):
        command = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        command.set_defaults(func=func)
        return command

    serve = add("serve", cmd_serve, "run the center's server (consoles connect with --server)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default loopback)"
    )
    serve.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    serve.add_argument("--workers", type=int, default=1, help="processes behind the port")
    serve.add_argument("--tls-cert", metavar="FILE", help="TLS certificate (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", help="TLS private key (PEM)")
    _key_file_option(serve)
    serve.add_argument(
        "--session-idle-minutes", type=float, default=60, help="idle log-ins end (default 60)"
    )
    serve.add_argument("--session-hours", type=float, default=13, help="any log-in ends (13)")
    serve.add_argument(
        "--basemap", metavar="PATH", help="MBTiles file or XYZ folder for the field app's map"
    )
    serve.add_argument(
        "--basemap-gcj02", action="store_true", help="the basemap is drawn in GCJ-02"
    )
    serve.add_argument(
        "--login-rate",
        type=float,
        default=2.0,
        help="log-ins per second from one address, after a burst of 60 (default 2)",
    )
    demo = add("demo", cmd_demo, "generate the demo district into an empty database")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument(
        "--today", type=_iso_date, metavar="YYYY-MM-DD", help="the demo's today (default: now)"
    )
    demo.add_argument("--clips", metavar="DIR", help="folder for the demo camera clips")
    imp = add(
        "import-divisions",
        cmd_import_divisions,
        "import the official division-code list (NBS CSV files or a folder of them)",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH")
    grids = add(
        "import-grids",
        cmd_import_grids,
        "import grid boundaries from a GeoJSON FeatureCollection or a shapefile (.shp with "
        "its .shx/.dbf, or a .zip of one; WGS-84 or GCJ-02 longitude/latitude) with the "
        "fields code, name, kind, households, population; checked first, all or nothing",
    )
    grids.add_argument("file", metavar="FILE")
    grids.add_argument(
        "--gcj02", action="store_true", help="the file is in GCJ-02: convert it to WGS-84"
    )
    grids.add_argument(
        "--replace", action="store_true", help="overwrite grids whose code already exists"
    )
    check = add(
        "check-codes",
        cmd_check_codes,
        "check grid codes, grid sizes, camera IDs and ID numbers in the database, "
        "or the codes given",
    )
    check.add_argument("codes", nargs="*", metavar="CODE", help="codes to check instead")
    add("migrate", cmd_migrate, "create or upgrade the database schema")
    add("info", cmd_info, "show the database and what it holds")
    password = add("set-password", cmd_set_password, "give a user a new password (argon2id)")
    password.add_argument("username")
    password.add_argument(
        "--stdin", action="store_true", help="read the password from standard input"
    )
    add("users", cmd_users, "list user accounts and their roles")
    integrations = add(
        "integrations", cmd_integrations, "outside systems reporting through Open311 (12345)"
    )
    integrations.add_argument("action", choices=["list", "add", "revoke"])
    integrations.add_argument("name", nargs="?", help="the system's name, e.g. 12345")
    integrations.add_argument("--user", help="add: the service account its requests run as")
    integrations.add_argument(
        "--source",
        default="hotline_12345",
        choices=["hotline_12345", "resident"],
        help="add: the cases' source (default hotline_12345)",
    )
    kpis = add("kpi", cmd_kpi, "print or export the assessment figures (考核) of a period")
    kpis.add_argument(
        "--period",
        type=_period,
        required=True,
        help="2026-10, 2026-Q3, 2026, 2026-10-05 or 2026-10-01..2026-10-15",
    )
    kpis.add_argument(
        "--by",
        choices=("center", "grid", "grid_manager", "department"),
        default="grid",
        help="one row per center, grid, grid manager or department (default grid)",
    )
    kpis.add_argument("--csv", metavar="FILE", help="write CSV (UTF-8 with BOM) instead")
    kpis.add_argument(
        "--user",
        metavar="NAME",
        help="whose jurisdiction (default: the top center's administrator)",
    )
    keys = add("keys", cmd_keys, "make the installation's key file (kept outside the database)")
    keys.add_argument("action", choices=("new",), help="new: a new key file")
    keys.add_argument("file", help="where to write it (refused if it exists)")
    audit = add("audit", cmd_audit, "check, checkpoint or seal the case archive (电子档案)")
    audit.add_argument(
        "check",
        choices=("verify", "checkpoint", "seal"),
        help="verify the archive; sign a checkpoint of it; seal entries from before the keys",
    )
    audit.add_argument(
        "--checkpoint",
        action="append",
        metavar="FILE",
        help="verify: a published checkpoint (JSON) that must still be in the chain (repeatable)",
    )
    audit.add_argument("--export", metavar="FILE", help="checkpoint: write it to FILE (JSON)")
    audit.add_argument("--note", help="checkpoint: a note signed with it")
    audit.add_argument("--workers", type=int, help="verify: processes (default: cores, ≤ 4)")
    audit.add_argument("--show", type=int, default=50, help="verify: problems printed (50)")
    _key_file_option(audit)
    _add_calendar_and_limits(sub, common)
    _add_cameras(sub, common)
    _add_export(sub, common)
    from commandcenter.cli.admin_commands import add_admin_commands

    add_admin_commands(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ImportRejected as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except CommandCenterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
