"""The administration commands: ``center``, ``units``, ``departments``, ``staff``, ``grids``,
``matters``, ``basedata`` and ``oplog``. Each runs as ``--user`` (default: the top center's
administrator) through the same backend calls as the console, so the same checks apply and the
same operation-log lines are written."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from commandcenter.errors import CommandCenterError
from commandcenter.tabular import csv_row

USER_HELP = "act as this account (default: the top center's first administrator)"


def _backend(args):
    from commandcenter.backend import LocalCenter
    from commandcenter.cli import _database

    return LocalCenter(_database(args)).report_login(getattr(args, "user", None))


def _password(args, prompt: str) -> str:
    if getattr(args, "stdin", False):
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != password:
        raise CommandCenterError("the two passwords differ; nothing changed.")
    return password


def _names(text: str | None) -> list[str]:
    import re

    return [n for n in re.split(r"[\s,;，；、]+", text or "") if n]


# --- center, units, departments ------------------------------------------------------------------


def cmd_center_found(args) -> int:
    from commandcenter import clock
    from commandcenter.admin.setup import found_center
    from commandcenter.cli import _database, _write
    from commandcenter.domain.changes import Changes, Outcome

    password = _password(args, f"Password of {args.admin}: ")

    def operation(session):
        center = found_center(
            session,
            args.code,
            args.admin,
            args.admin_name or args.admin,
            password,
            clock.now(),
            with_children=args.with_children,
        )
        return Outcome(center.name, Changes(admin=True))

    name = _write(_database(args), operation, "founding the center")
    print(f"{name} set up; {args.admin} is its administrator (must change the password first).")
    return 0


def cmd_units_add(args) -> int:
    added = _backend(args).add_units(tuple(args.codes), args.with_children).value
    print(f"{len(added)} unit(s) set up with their centers: {', '.join(added)}")
    return 0


def cmd_units_list(args) -> int:
    from commandcenter.domain.labels_zh import label_zh

    for row in _backend(args).units():
        print(
            f"{row.code}  {label_zh(row.level):<6} {row.name:<12} {row.center_name}  "
            f"grids {row.grids}, staff {row.users}"
        )
    return 0


def cmd_departments_add(args) -> int:
    from commandcenter.admin.departments import DepartmentInput
    from commandcenter.domain.enums import CaseCategory, DepartmentKind
    from commandcenter.domain.file_words import parse_word

    backend = _backend(args)
    units = {u.code: u for u in backend.units()}
    unit = units.get(args.center) or next(
        (u for u in units.values() if u.center_name == args.center or u.name == args.center), None
    )
    if unit is None or unit.center_id is None:
        raise CommandCenterError(f"No center {args.center!r} in your jurisdiction.")
    parent_id = None
    if args.parent:
        parent = [d for d in backend.departments() if d.name == args.parent]
        if not parent:
            raise CommandCenterError(f"No department named {args.parent!r}.")
        parent_id = parent[0].id
    try:
        kind = parse_word(DepartmentKind, args.kind)
        categories = tuple(parse_word(CaseCategory, c) for c in _names(args.categories))
    except ValueError as exc:
        raise CommandCenterError(str(exc)) from None
    data = DepartmentInput(unit.center_id, args.name, kind, args.phone or "", parent_id, categories)
    backend.save_department(None, data)
    print(f"Department {args.name} added to {unit.center_name}.")
    return 0


def cmd_departments_list(args) -> int:
    for d in _backend(args).departments():
        parent = f" (under {d.parent_name})" if d.parent_name else ""
        cats = ", ".join(c.value for c in d.categories) or "-"
        print(f"{d.center_name}  {d.name}{parent}  {d.kind.value}  takes: {cats}")
    return 0


# --- staff, grids' people ------------------------------------------------------------------------


def cmd_staff_import(args) -> int:
    import csv

    if not args.passwords:
        raise CommandCenterError(
            "name --passwords OUT.csv: new accounts without 初始密码 get a generated one, "
            "written there for you to hand over"
        )
    result = _backend(args).import_staff(Path(args.file)).value
    print(f"{result.created} account(s) created, {result.updated} updated.")
    if result.passwords:
        target = Path(args.passwords)
        with open(
            os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
            "w",
            encoding="utf-8-sig",
            newline="",
        ) as out:
            writer = csv.writer(out)
            writer.writerow(["用户名", "初始密码"])
            writer.writerows(csv_row(line) for line in result.passwords)
        print(
            f"First passwords of {len(result.passwords)} new account(s) written to {target} "
            "(readable by you only; each must be changed at the first log-in)."
        )
    return 0


def cmd_staff_list(args) -> int:
    from commandcenter.domain.labels_zh import label_zh

    rows = _backend(args).staff(args.text or "")
    for r in rows:
        state = "" if r.active else "  [disabled]"
        grids = f"  grids {', '.join(r.grid_codes)}" if r.grid_codes else ""
        print(
            f"{r.username:<18} {r.display_name:<6} {label_zh(r.role):<8} {r.center_name}"
            f"{' / ' + r.department_name if r.department_name else ''}{grids}{state}"
        )
    print(f"{len(rows)} account(s)")
    return 0


def _user_id(backend, username: str) -> int:
    found = [r.id for r in backend.staff(username) if r.username == username]
    if not found:
        raise CommandCenterError(f"No account {username!r} in your jurisdiction.")
    return found[0]


def cmd_staff_active(args) -> int:
    backend = _backend(args)
    backend.set_user_active(_user_id(backend, args.username), args.staff_command == "enable")
    print(f"{args.username} {args.staff_command}d.")
    return 0


def cmd_staff_reset(args) -> int:
    backend = _backend(args)
    user_id = _user_id(backend, args.username)
    backend.reset_user_password(user_id, _password(args, f"New password for {args.username}: "))
    print(f"Password of {args.username} reset; it must be changed at the next log-in.")
    return 0


def _contacts(duty: str, values: list[str] | None):
    from commandcenter.admin.grid_people import ContactInput

    contacts = []
    for value in values or ():
        name, _, phone = value.partition(":")
        contacts.append(ContactInput(duty, name.strip(), phone.strip()))
    return contacts


def cmd_grids_assign(args) -> int:
    from commandcenter.admin.grid_people import GridAssignment

    backend = _backend(args)
    grids = {g.grid_code: g for g in backend.grid_people()}
    grid = grids.get(args.grid)
    if grid is None:
        raise CommandCenterError(f"No grid {args.grid} in your jurisdiction.")
    users = {r.username: r.id for r in backend.staff()}
    missing = [u for u in _names(args.managers) + _names(args.leader) if u not in users]
    if missing:
        raise CommandCenterError(f"No account(s) {', '.join(missing)} in your jurisdiction.")
    assignment = GridAssignment(
        tuple(users[u] for u in _names(args.managers)),
        users[args.leader] if args.leader else None,
        tuple(_contacts("police", args.police) + _contacts("building_head", args.building_head)),
    )
    backend.assign_grid(grid.grid_id, assignment)
    print(f"Grid {grid.grid_code} {grid.grid_name}: people assigned.")
    return 0


def cmd_grids_people(args) -> int:
    for g in _backend(args).grid_people():
        managers = ", ".join(m.display_name for m in g.managers) or "-"
        leader = g.leader.display_name if g.leader else "-"
        police = ", ".join(c.name for c in g.contacts if c.duty == "police") or "-"
        heads = sum(1 for c in g.contacts if c.duty == "building_head")
        print(
            f"{g.grid_code} {g.grid_name}: managers {managers}; leader {leader}; "
            f"police {police}; building heads {heads}"
        )
    return 0


# --- the list of matters -------------------------------------------------------------------------


def cmd_matters(args) -> int:
    from commandcenter import clock
    from commandcenter.admin import catalogue
    from commandcenter.cli import _database, _write
    from commandcenter.domain.changes import Changes, Outcome
    from commandcenter.domain.codes import SizingRule
    from commandcenter.domain.labels_zh import label_zh

    command = args.matters_command
    if command == "list":
        for t in _backend(args).case_types():
            limit = (
                "general rule" if t.limit_days is None else f"{t.limit_days} d {t.limit_hours} h"
            )
            kind = t.department_kind.value if t.department_kind else "-"
            print(
                f"{t.code}  {label_zh(t.category)} / {t.name}  {t.urgency.value}  {limit}  {kind}"
            )
        return 0
    if command == "import":
        count = _backend(args).import_case_types(Path(args.file)).value
        print(f"{count} matter(s) imported.")
        return 0
    backend = _backend(args)

    def operation(session):
        now = clock.now()
        if command == "standard":
            value = catalogue.load_standard_list(session, backend.actor, now)
        else:
            rule = SizingRule(args.min, args.max, args.population)
            catalogue.set_sizing_rule(session, backend.actor, rule, now)
            value = rule
        return Outcome(value, Changes(admin=True))

    value = _write(_database(args), operation, "changing the list of matters")
    if command == "standard":
        print(f"{value} matters of the standard list loaded.")
    else:
        print(
            f"Grid sizing rule: {value.households_min}–{value.households_max} households "
            f"or about {value.population} people."
        )
    return 0


# --- base data, the operation log ----------------------------------------------------------------


def cmd_basedata(args) -> int:
    backend = _backend(args)
    command = args.basedata_command
    if command == "import":

        def progress(fraction: float, text: str) -> None:
            print(f"\r{fraction:4.0%} {text:<40}", end="", file=sys.stderr, flush=True)

        try:
            result = backend.import_basedata(args.kind, Path(args.file), progress).value
        finally:  # end the progress line, before the report of a refused file too
            print(file=sys.stderr)
        print(f"{args.file}: {result.rows} row(s): {result.created} new, {result.updated} updated.")
    elif command == "export":
        if args.clear and not args.reason:
            raise CommandCenterError("--clear needs --reason (it is recorded).")
        count = backend.export_basedata(args.kind, Path(args.file), args.clear, args.reason or "")
        shown = "in clear" if args.clear else "ID numbers and phones masked"
        print(f"{count} row(s) written to {args.file} ({shown}).")
    else:
        hits = backend.search_people(args.text)
        for r in hits.rows:
            print(f"{r.name:<6} {r.id_number}  {r.phone:<12} {r.grid_code} {r.building} {r.house}")
        print(f"{len(hits.rows)} of {hits.total} resident(s)")
    return 0


def cmd_visit_intervals(args) -> int:
    """Show, or set (GROUP=DAYS …), how often each special group is visited."""
    from commandcenter import clock
    from commandcenter.basedata import people
    from commandcenter.cli import _database, _write
    from commandcenter.domain.changes import Changes, Outcome
    from commandcenter.domain.enums import SpecialGroup
    from commandcenter.domain.file_words import file_name_zh, parse_word

    wanted = {}
    for item in args.set or ():
        group, _, days = item.partition("=")
        try:
            wanted[parse_word(SpecialGroup, group)] = int(days)
        except ValueError as exc:
            raise CommandCenterError(f"{item!r}: GROUP=DAYS, e.g. 社区矫正=7 ({exc})") from None
    backend = _backend(args)

    def operation(session):
        if wanted:
            value = people.set_visit_intervals(session, backend.actor, wanted, clock.now())
        else:
            value = people.visit_intervals(session)
        return Outcome(value, Changes())  # read when asked: no console reloads

    intervals = _write(_database(args), operation, "setting the visit intervals")
    for group, days in intervals.items():
        print(f"{file_name_zh(group)}（{group.value}）: every {days} days")
    return 0


def cmd_oplog(args) -> int:
    lines = _backend(args).operation_log(args.text or "", args.action, args.limit)
    for line in lines:
        why = f"  why: {line.reason}" if line.reason else ""
        print(
            f"{line.at:%Y-%m-%d %H:%M:%S}  {line.username:<14} {line.action.value:<10} "
            f"{line.target}  {line.detail}{why}"
        )
    print(f"{len(lines)} line(s)")
    return 0


def add_admin_commands(sub, common) -> None:
    from commandcenter.access.oplog import OperationKind
    from commandcenter.basedata.export import KINDS

    def group(name, help_text):
        parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")

    def add(commands, name, func, help_text, *, user=True):
        command = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        command.set_defaults(func=func)
        if user:
            command.add_argument("--user", metavar="NAME", help=USER_HELP)
        return command

    center = group("center", "a new center's first start on an empty database")
    found = add(
        center,
        "found",
        cmd_center_found,
        "set up the top unit of CODE with its center and first administrator",
        user=False,
    )
    found.add_argument("code", metavar="CODE", help="its 12-digit division code (imported first)")
    found.add_argument("--admin", required=True, metavar="USERNAME")
    found.add_argument("--admin-name", metavar="NAME", help="the administrator's name")
    found.add_argument("--with-children", action="store_true", help="and every unit below it")
    found.add_argument("--stdin", action="store_true", help="read the password from stdin")

    units = group("units", "units (行政区划) and their centers, from the division codes")
    units_add = add(units, "add", cmd_units_add, "set up units under the jurisdiction")
    units_add.add_argument("codes", nargs="+", metavar="CODE")
    units_add.add_argument("--with-children", action="store_true", help="and every unit below")
    add(units, "list", cmd_units_list, "list the units with their centers")

    departments = group("departments", "a center's functional departments (职能部门)")
    dep = add(departments, "add", cmd_departments_add, "add a department to a center")
    dep.add_argument("--center", required=True, help="the center's division code or name")
    dep.add_argument("--name", required=True)
    dep.add_argument("--kind", required=True, help="公安, 城管, 市场监管, 应急管理 … or its value")
    dep.add_argument("--categories", help="case categories it takes, e.g. 社会治安,安全隐患")
    dep.add_argument("--parent", help="the department it reports to")
    dep.add_argument("--phone")
    add(departments, "list", cmd_departments_list, "list the departments")

    staff = group("staff", "staff accounts")
    imp = add(
        staff,
        "import",
        cmd_staff_import,
        "create or update accounts from XLSX/CSV (用户名, 姓名, 角色, 中心, 部门, 电话, 网格, "
        "初始密码); all or nothing",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--passwords",
        metavar="OUT.csv",
        help="where to write generated first passwords (rows without 初始密码)",
    )
    lst = add(staff, "list", cmd_staff_list, "list the accounts")
    lst.add_argument("text", nargs="?", help="only names holding TEXT")
    for name in ("disable", "enable"):
        command = add(staff, name, cmd_staff_active, f"{name} an account")
        command.add_argument("username")
    reset = add(
        staff,
        "reset-password",
        cmd_staff_reset,
        "give an account a password its owner must change at the next log-in",
    )
    reset.add_argument("username")
    reset.add_argument("--stdin", action="store_true", help="read the password from stdin")

    grids = group("grids", "the people of each grid")
    assign = add(
        grids,
        "assign",
        cmd_grids_assign,
        "set a grid's managers, leader, police officer and building heads",
    )
    assign.add_argument("grid", metavar="GRID_CODE")
    assign.add_argument("--managers", help="user names of its grid managers (comma-separated)")
    assign.add_argument("--leader", help="user name of its grid leader (网格长)")
    assign.add_argument("--police", action="append", metavar="NAME:PHONE", help="片警")
    assign.add_argument("--building-head", action="append", metavar="NAME:PHONE", help="楼栋长")
    add(grids, "people", cmd_grids_people, "list every grid's people")

    matters = group("matters", "the list of matters (事项清单) and the grid sizing rule")
    add(matters, "list", cmd_matters, "list the matters")
    add(matters, "standard", cmd_matters, "load the implementing rules' standard list")
    mimp = add(
        matters,
        "import",
        cmd_matters,
        "matters from XLSX/CSV (编码, 大类, 事项, 紧急程度, 时限天数, 时限小时, 承办部门)",
    )
    mimp.add_argument("file", metavar="FILE")
    sizing = add(matters, "sizing", cmd_matters, "the local grid sizing rule")
    sizing.add_argument("min", type=int, help="fewest households")
    sizing.add_argument("max", type=int, help="most households")
    sizing.add_argument("--population", type=int, default=1000, help="or about this many people")

    basedata = group("basedata", "residents, houses and organisations (人地物事组织)")
    bimp = add(
        basedata, "import", cmd_basedata, "import from XLSX/CSV, checked row by row, all or nothing"
    )
    bimp.add_argument("kind", choices=("people", "houses", "organisations"))
    bimp.add_argument("file", metavar="FILE")
    bexp = add(basedata, "export", cmd_basedata, "export to Excel for the upper level")
    bexp.add_argument("kind", choices=KINDS)
    bexp.add_argument("file", metavar="FILE.xlsx")
    bexp.add_argument("--clear", action="store_true", help="ID numbers and phones in clear")
    bexp.add_argument("--reason", help="why in clear (recorded)")
    intervals = add(
        basedata,
        "visit-intervals",
        cmd_visit_intervals,
        "how often each special group is visited: show, or set GROUP=DAYS …",
    )
    intervals.add_argument(
        "set", nargs="*", metavar="GROUP=DAYS", help="e.g. 社区矫正=7 独居老人=14"
    )
    search = add(basedata, "search", cmd_basedata, "search residents by name, address or ID")
    search.add_argument("text")

    oplog = add(
        sub.add_parser(
            "oplog",
            parents=[common],
            help="search the operation log",
            description="search the operation log",
        ).add_subparsers(dest="oplog_command", required=True, metavar="COMMAND"),
        "search",
        cmd_oplog,
        "the newest lines first",
    )
    oplog.add_argument("--text", help="in user, target, detail or reason")
    oplog.add_argument("--action", choices=[k.value for k in OperationKind])
    oplog.add_argument("--limit", type=int, default=100)
