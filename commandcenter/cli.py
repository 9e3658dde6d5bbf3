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
from commandcenter.errors import CommandCenterError, ImportRejected


def _database(args, *, migrate: bool = True):
    from commandcenter.storage import open_database

    return open_database(resolve_database_url(args.db), migrate=migrate)


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
    from commandcenter.divisions import import_divisions

    database = _database(args)
    with database.session() as session, session.begin():
        result = import_divisions(session, [Path(p) for p in args.paths])
    levels = ", ".join(f"{level.value} {n}" for level, n in sorted(result.by_level.items()))
    print(f"Imported {result.rows} division codes from {result.files} file(s): {levels}")
    return 0


def cmd_check_codes(args) -> int:
    from commandcenter.checks import check_database, check_single_code

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
    from commandcenter.security import set_password

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


def _period(text: str):
    from commandcenter.kpi import Period, PeriodError

    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_kpi(args) -> int:
    from commandcenter import clock, kpi

    database = _database(args)
    as_of = clock.now()
    with database.session() as session:
        actor = kpi.report_actor(session, args.user)
        rows = kpi.compute_kpis(session, actor, args.period, args.by, as_of=as_of)
    if args.csv:
        kpi.write_csv(rows, args.csv)
        print(f"{len(rows)} rows written to {args.csv}")
    else:
        print(
            f"考核 KPIs {args.period} by {args.by}: {actor.center_name} ({actor.username}), "
            f"as of {as_of:%Y-%m-%d %H:%M}; formulas in docs/kpi.md"
        )
        print(kpi.format_table(rows))
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
