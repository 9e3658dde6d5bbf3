"""Setting up a real center (issue 13): the walkthrough through the command line on an empty
database of each engine, then every new account logging in and seeing exactly its
jurisdiction; units, departments, staff and grids' people refusing bad input with a report
that names rows and problems, and writing nothing then; disabling and password resets."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from commandcenter.errors import (
    AuthenticationFailed,
    CommandCenterError,
    ImportRejected,
    PermissionDenied,
)
from commandcenter.storage.models import (
    AdminUnit,
    Center,
    Department,
    Grid,
    OperationLogEntry,
    ServerSession,
    User,
    grid_managers,
)

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
    from .street_center import (  # noqa: F401 - fixtures
        ADMIN,
        DONGAN,
        DONGFENG,
        DONGKANG,
        GRIDS,
        SAMPLES,
        STREET,
        center,
        count_rows,
        residents_by_grid,
        street,
        street_template,
    )
except ImportError:
    from cli_runner import run_cli
    from street_center import (  # noqa: F401 - fixtures
        ADMIN,
        DONGAN,
        DONGFENG,
        DONGKANG,
        GRIDS,
        SAMPLES,
        STREET,
        center,
        count_rows,
        residents_by_grid,
        street,
        street_template,
    )

STAFF_HEADER = ["用户名", "姓名", "角色", "中心", "部门", "电话", "网格", "初始密码"]
STREET_STAFF = {"cd.admin", "cd.duty", "cd.dispatch", "cd.lead", "cd.police", "cd.urban"}


def login(center, street_template, username):
    return center.login(username, street_template.passwords[username])


def write_xlsx(path, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# --- the walkthrough and who sees what ------------------------------------------------------------


def test_walkthrough_sets_up_the_street_center(street_template):
    out = [r.stdout for r in street_template.results]
    assert "Imported 7 division codes" in out[0]
    assert "城东街道网格化服务管理中心 set up; cd.admin is its administrator" in out[1]
    assert "Imported 6 grid(s)" in out[2] and "in 3 community(ies)" in out[2]
    assert "城东派出所 added" in out[3] and "城东城管中队 added" in out[4]
    assert "24 matters of the standard list loaded" in out[5]
    assert "3 matter(s) imported" in out[6]
    assert "11 account(s) created, 0 updated" in out[7]
    assert "First passwords of 11 new account(s)" in out[7]
    assert "72 row(s): 72 new, 0 updated" in out[8]
    assert "105 row(s): 105 new, 0 updated" in out[9]
    assert "4 row(s): 4 new, 0 updated" in out[10]
    assert "people assigned" in out[11]
    # the generated first passwords: one per new account, the file readable by its owner only
    assert len(street_template.passwords) == 12
    assert all(len(p) >= 12 for u, p in street_template.passwords.items() if u != ADMIN)
    assert os.stat(street_template.folder / "passwords.csv").st_mode & 0o077 == 0
    assert not any(p in "".join(out) for u, p in street_template.passwords.items() if u != ADMIN)


def test_each_new_account_sees_its_jurisdiction(center, street_template):
    per_grid = residents_by_grid()
    everyone = sum(per_grid.values())
    assert everyone == 105

    def people(backend):
        hits = backend.search_people(limit=500)
        assert len(hits.rows) == hits.total
        return hits.total, {r.grid_code for r in hits.rows}

    admin = login(center, street_template, ADMIN)
    units = {u.code: u for u in admin.units()}
    assert set(units) == {STREET, DONGAN, DONGKANG, DONGFENG}
    assert units[STREET].center_name == "城东街道网格化服务管理中心"
    assert all(units[c].grids == 2 for c in (DONGAN, DONGKANG, DONGFENG))
    assert units[STREET].grids == 0
    assert [units[c].users for c in (STREET, DONGAN, DONGKANG, DONGFENG)] == [6, 3, 1, 2]
    assert units[DONGAN].center_name == "东安居委会网格化服务管理中心"
    assert people(admin) == (everyone, set(GRIDS.values()))

    # the street's duty officer, dispatcher and supervisor: all three communities
    for username in ("cd.duty", "cd.dispatch", "cd.lead"):
        backend = login(center, street_template, username)
        assert people(backend) == (everyone, set(GRIDS.values())), username
        assert {b.grid_code for b in backend.search_buildings()} == set(GRIDS.values())
        assert len(backend.search_organisations()) == 4
        with pytest.raises(PermissionDenied):
            backend.units()

    # the community's grid leader: 东安's two grids only
    leader = login(center, street_template, "da.leader")
    dongan = {GRIDS[DONGAN, 1], GRIDS[DONGAN, 2]}
    assert people(leader) == (sum(per_grid[g] for g in dongan), dongan)
    assert {b.grid_code for b in leader.search_buildings()} == dongan
    assert {o.grid_code for o in leader.search_organisations()} == dongan
    with pytest.raises(PermissionDenied):
        leader.units()

    # each grid manager: their own grid(s)' residents, as many as the file put there
    managers = {
        "da.li": {GRIDS[DONGAN, 1]},
        "da.zhang": {GRIDS[DONGAN, 2]},
        "dk.liu": {GRIDS[DONGKANG, 1], GRIDS[DONGKANG, 2]},
        "df.yang": {GRIDS[DONGFENG, 1]},
        "df.huang": {GRIDS[DONGFENG, 2]},
    }
    for username, grids in managers.items():
        backend = login(center, street_template, username)
        assert people(backend) == (sum(per_grid[g] for g in grids), grids), username
        # another grid's residents are not found, not even by grid id
        other = next(iter(set(GRIDS.values()) - grids))
        other_id = next(
            r.grid_id for r in admin.search_people(limit=500).rows if r.grid_code == other
        )
        assert backend.search_people(grid_id=other_id).total == 0

    # departments' handlers see no base data at all
    for username in ("cd.police", "cd.urban"):
        backend = login(center, street_template, username)
        for look in (
            backend.search_people,
            backend.search_buildings,
            backend.search_organisations,
            backend.visits_due,
        ):
            with pytest.raises(PermissionDenied):
                look()

    # every log-in and every import is in the operation log
    log = admin.operation_log(limit=5000)
    logins = [line.username for line in log if line.action.value == "login"]
    assert sorted(logins) == sorted(street_template.passwords)
    imports = {line.target for line in log if line.action.value == "import"}
    assert imports >= {
        "matters matters.csv",
        "staff staff.xlsx",
        "houses houses.xlsx",
        "residents residents.xlsx",
        "organisations organisations.csv",
    }
    by_target = {line.target: line for line in log}
    assert by_target["residents residents.xlsx"].detail == "105 new, 0 updated"
    assert by_target["residents residents.xlsx"].username == ADMIN
    assert by_target["center 城东街道网格化服务管理中心"].username == "command line"
    # the log is the administrators'
    with pytest.raises(PermissionDenied):
        leader.operation_log()


def test_grid_people_after_the_walkthrough(center, street_template):
    admin = login(center, street_template, ADMIN)
    people = {g.grid_code: g for g in admin.grid_people()}
    first = people[GRIDS[DONGAN, 1]]
    assert [m.username for m in first.managers] == ["da.li"]
    assert first.leader.username == "da.leader"
    assert [(c.duty, c.name, c.phone) for c in first.contacts] == [
        ("police", "郑警官", "138****0004")
    ]
    # the staff file made da.leader the leader of 东安's second grid and da.zhang its manager
    second = people[GRIDS[DONGAN, 2]]
    assert second.leader.username == "da.leader"
    assert [m.username for m in second.managers] == ["da.zhang"]
    assert [m.username for m in people[GRIDS[DONGKANG, 2]].managers] == ["dk.liu"]
    departments = {d.name: d for d in admin.departments()}
    assert {c.value for c in departments["城东城管中队"].categories} == {"environment", "municipal"}
    codes = {t.code: t for t in admin.case_types()}
    assert len(codes) == 27 and codes["0206"].limit_hours == 4
    staff = {s.username: s for s in admin.staff()}
    assert staff["cd.police"].department_name == "城东派出所"
    assert staff["da.li"].phone == "138****0012"
    assert all(s.must_change_password for s in staff.values())


# --- units -------------------------------------------------------------------------------------


def test_units_outside_the_tree_are_refused_and_nothing_is_set_up(street, tmp_path):
    more = tmp_path / "more.csv"
    more.write_text(
        "code,name\n321202002000,城西街道\n321202002001,城西一社区\n321202001005,东兴居委会\n",
        encoding="utf-8",
    )
    run_cli("import-divisions", str(more), db=street, check=True)
    before = count_rows(street, AdminUnit, Center, OperationLogEntry)

    # a community whose street was not set up, with a good one: nothing set up
    refused = run_cli("units", "add", "321202001005", "321202002001", db=street)
    assert refused.returncode == 1
    assert "321202002001 城西一社区: its parent 321202002000 is not set up" in refused.stderr
    assert "Traceback" not in refused.stderr
    # the next street: its parent (the district) is above the street center's tree
    street2 = run_cli("units", "add", "321202002000", db=street)
    assert street2.returncode == 1 and "parent 321202000000 is not set up" in street2.stderr
    # a code missing from the division list, a malformed one, one set up already
    odd = run_cli("units", "add", "321202009001", "3212X", DONGAN, db=street)
    assert odd.returncode == 1
    assert "321202009001: not in the division list" in odd.stderr
    assert "3212X:" in odd.stderr
    assert f"{DONGAN} 东安居委会: is set up already" in odd.stderr
    # a second founding on a database that holds units
    again = run_cli(
        "center", "found", "321202002000", "--admin", "cx.admin", "--stdin",
        db=street, input="Another2026!\n",
    )  # fmt: skip
    assert again.returncode == 1 and "holds units already" in again.stderr
    assert count_rows(street, AdminUnit, Center, OperationLogEntry) == before

    added = run_cli("units", "add", "321202001005", db=street, check=True)
    assert "1 unit(s) set up" in added.stdout
    units_after, centers_after, _ = count_rows(street, AdminUnit, Center, OperationLogEntry)
    assert (units_after, centers_after) == (before[0] + 1, before[1] + 1)
    listed = run_cli("units", "list", db=street, check=True)
    assert "东兴居委会网格化服务管理中心" in listed.stdout


def test_a_community_administrator_cannot_set_up_outside_their_tree(
    center, street_template, tmp_path
):
    admin = login(center, street_template, ADMIN)
    dongan_center = next(u.center_id for u in admin.units() if u.code == DONGAN)
    from commandcenter.admin.staff import StaffInput
    from commandcenter.domain.enums import Role

    data = StaffInput("da.admin", "东安管理员", Role.ADMINISTRATOR, dongan_center)
    admin.create_user(data, "Dongan2026!")
    community_admin = center.login("da.admin", "Dongan2026!")
    assert {u.code for u in community_admin.units()} == {DONGAN}
    # not the next community's staff, grids or units
    assert {s.username for s in community_admin.staff()} == {
        "da.admin",
        "da.leader",
        "da.li",
        "da.zhang",
    }
    with pytest.raises(ImportRejected) as refused:
        community_admin.add_units(("321202001005",))
    assert any("not in the division list" in p for p in refused.value.problems)
    dongkang_center = next(u.center_id for u in admin.units() if u.code == DONGKANG)
    with pytest.raises(CommandCenterError, match="outside your jurisdiction"):
        community_admin.create_user(
            StaffInput("dk.new", "新网格", Role.DUTY_OFFICER, dongkang_center), "Dongkang2026!"
        )
    # nor, through a staff file, the street's accounts
    path = write_xlsx(
        tmp_path / "staff.xlsx",
        STAFF_HEADER,
        [
            ["da.new", "新网格长", "网格长", DONGAN, "", "", "", ""],
            ["cd.duty", "陈值班", "值班员", DONGAN, "", "", "", ""],
            ["da.admin", "东安管理员", "值班员", DONGAN, "", "", "", ""],
        ],
    )
    before = count_rows(center.database.url, User, OperationLogEntry)
    with pytest.raises(ImportRejected) as refused:
        community_admin.import_staff(path)
    assert refused.value.problems == [
        "staff.xlsx row 3: user cd.duty exists in a center outside your jurisdiction",
        "staff.xlsx row 4: you cannot take your own administrator role away",
    ]
    assert count_rows(center.database.url, User, OperationLogEntry) == before
    street_duty = next(s for s in admin.staff() if s.username == "cd.duty")
    assert street_duty.center_name == "城东街道网格化服务管理中心"
    # the list of matters is the top center's
    from commandcenter.admin.catalogue import CaseTypeInput
    from commandcenter.domain.enums import CaseCategory

    with pytest.raises(PermissionDenied, match="top center"):
        community_admin.save_case_type(CaseTypeInput("0901", CaseCategory.OTHER, "试"))


# --- departments ---------------------------------------------------------------------------------


def test_circular_department_parents_are_refused(center, street_template):
    from commandcenter.admin.departments import DepartmentInput

    admin = login(center, street_template, ADMIN)
    departments = {d.name: d for d in admin.departments()}
    police, urban = departments["城东派出所"], departments["城东城管中队"]

    def data(d, parent_id):
        return DepartmentInput(d.center_id, d.name, d.kind, d.phone, parent_id, d.categories)

    admin.save_department(police.id, data(police, urban.id))  # A under B
    before = count_rows(center.database.url, Department, OperationLogEntry)
    with pytest.raises(CommandCenterError, match="circle"):
        admin.save_department(urban.id, data(urban, police.id))  # then B under A
    with pytest.raises(CommandCenterError, match="circle"):
        admin.save_department(urban.id, data(urban, urban.id))  # B under itself
    # a longer circle: C under A (under B), then B under C
    from commandcenter.domain.enums import DepartmentKind

    c = DepartmentInput(
        police.center_id, "东安警务室", DepartmentKind.PUBLIC_SECURITY, "", police.id
    )
    c_id = admin.save_department(None, c).value
    with pytest.raises(CommandCenterError, match="circle"):
        admin.save_department(urban.id, data(urban, c_id))
    after = {d.name: d for d in admin.departments()}
    assert after["城东城管中队"].parent_id is None
    assert after["城东派出所"].parent_name == "城东城管中队"
    assert after["东安警务室"].parent_name == "城东派出所"
    departments_after, log_after = count_rows(center.database.url, Department, OperationLogEntry)
    assert (departments_after, log_after) == (before[0] + 1, before[1] + 1)  # only C's lines

    # through the command line: a parent of another name is looked up, a circle is refused
    listed = run_cli("departments", "list", db=center.database.url, check=True)
    assert "城东派出所 (under 城东城管中队)" in listed.stdout
    same = run_cli(
        "departments", "add", "--center", STREET, "--name", "城东派出所", "--kind", "公安",
        db=center.database.url,
    )  # fmt: skip
    assert same.returncode == 1 and "named 城东派出所 already" in same.stderr


# --- staff ---------------------------------------------------------------------------------------


def test_bad_staff_file_names_every_row_and_writes_nothing(center, street_template, tmp_path):
    admin = login(center, street_template, ADMIN)
    path = write_xlsx(
        tmp_path / "staff.xlsx",
        STAFF_HEADER,
        [
            ["da.wu", "吴网格", "网格员", DONGAN, "", "13800000014", GRIDS[DONGAN, 1], ""],
            # a 东安 grid manager on 东康's grid
            ["da.sun", "孙网格", "网格员", DONGAN, "", "13800000015", GRIDS[DONGKANG, 1], ""],
            ["xx.nobody", "无中心", "值班员", "", "", "", "", ""],
            ["xx.lost", "未知中心", "值班员", "321202009000", "", "", "", ""],
            ["xx.odd", "怪中心", "值班员", "不存在的中心", "", "", "", ""],
            ["da.wu", "重复", "网格员", DONGAN, "", "", GRIDS[DONGAN, 1], ""],
            ["cd.x", "无部门", "职能部门处置人员", STREET, "", "", "", ""],
            ["cd.y", "坏角色", "局长", STREET, "", "", "", ""],
            ["cd.z", "坏网格", "网格员", STREET, "", "", "3212020010009900101", ""],
            ["cd.pw", "弱密码", "值班员", STREET, "", "", "", "short"],
        ],
    )
    before = count_rows(center.database.url, User, OperationLogEntry)
    with pytest.raises(ImportRejected) as refused:
        admin.import_staff(path)
    problems = "\n".join(refused.value.problems)
    assert "nothing imported" in str(refused.value)
    assert f"staff.xlsx row 3: grid {GRIDS[DONGKANG, 1]} belongs to another center" in problems
    assert "staff.xlsx row 4: the account has no center" in problems
    assert "staff.xlsx row 5: no center '321202009000'" in problems
    assert "staff.xlsx row 6: no center '不存在的中心'" in problems
    assert "staff.xlsx row 7: user name da.wu is also on row 2" in problems
    assert "staff.xlsx row 8: a department handler needs a department" in problems
    assert "staff.xlsx row 9: role:" in problems
    assert "staff.xlsx row 10: no grid 3212020010009900101" in problems
    assert "staff.xlsx row 11: 初始密码:" in problems
    assert "row 2:" not in problems  # the good row has no problem of its own
    assert count_rows(center.database.url, User, OperationLogEntry) == before

    # the command line prints the same report, and writes no passwords file
    result = run_cli(
        "staff", "import", str(path), "--passwords", str(tmp_path / "pw.csv"),
        db=center.database.url,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "problem(s); nothing imported" in result.stderr
    assert "  - staff.xlsx row 4: the account has no center" in result.stderr
    assert not (tmp_path / "pw.csv").exists()
    assert count_rows(center.database.url, User, OperationLogEntry) == before


def test_staff_file_wrong_headers_and_merged_cells(center, street_template, tmp_path):
    admin = login(center, street_template, ADMIN)
    unknown = write_xlsx(
        tmp_path / "unknown.xlsx", [*STAFF_HEADER, "备注"], [["a.b", "甲", "值班员", STREET]]
    )
    with pytest.raises(ImportRejected, match=r"unknown column\(s\): 备注"):
        admin.import_staff(unknown)
    missing = write_xlsx(
        tmp_path / "missing.xlsx", ["用户名", "姓名", "角色"], [["a.b", "甲", "值班员"]]
    )
    with pytest.raises(
        ImportRejected, match=r"missing column\(s\): 用户名|missing column\(s\): 中心"
    ):
        admin.import_staff(missing)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(STAFF_HEADER)
    sheet.append(["a.b", "甲", "值班员", STREET, "", "", "", ""])
    sheet.append(["a.c", "乙", "值班员", "", "", "", "", ""])
    sheet.merge_cells("D2:D3")  # the center written once for two rows
    workbook.save(tmp_path / "merged.xlsx")
    before = count_rows(center.database.url, User)
    with pytest.raises(ImportRejected, match=r"merged cells \(D2:D3\)"):
        admin.import_staff(tmp_path / "merged.xlsx")
    assert count_rows(center.database.url, User) == before


def test_reimporting_the_staff_file_updates_without_new_passwords(center, street_template):
    admin = login(center, street_template, ADMIN)
    before = count_rows(center.database.url, User)
    result = admin.import_staff(SAMPLES / "staff.xlsx").value
    assert (result.created, result.updated, result.passwords) == (0, 11, ())
    assert count_rows(center.database.url, User) == before
    # the passwords stay those handed over
    assert login(center, street_template, "da.li").actor.username == "da.li"


def test_a_user_needs_a_center(center, street_template):
    from commandcenter.admin.staff import StaffInput
    from commandcenter.domain.enums import Role

    admin = login(center, street_template, ADMIN)
    before = count_rows(center.database.url, User)
    for center_id in (0, 99999):
        with pytest.raises(CommandCenterError, match="(?i)the account has no center"):
            admin.create_user(
                StaffInput("cd.new", "新人", Role.DUTY_OFFICER, center_id), "Pass2026!"
            )
    me = next(s for s in admin.staff() if s.username == ADMIN)
    with pytest.raises(CommandCenterError, match="your own administrator role"):
        admin.update_user(me.id, StaffInput(ADMIN, "管理员", Role.DUTY_OFFICER, me.center_id))
    with pytest.raises(PermissionDenied):
        admin.set_user_active(me.id, False)
    assert count_rows(center.database.url, User) == before


# --- grids' people -------------------------------------------------------------------------------


def test_assigning_a_manager_of_another_center_is_refused(center, street_template):
    from commandcenter.admin.grid_people import GridAssignment

    admin = login(center, street_template, ADMIN)
    users = {s.username: s.id for s in admin.staff()}
    grid = next(g for g in admin.grid_people() if g.grid_code == GRIDS[DONGAN, 1])

    def managers():
        with center.database.session() as s:
            return set(
                s.scalars(
                    select(grid_managers.c.user_id).where(grid_managers.c.grid_id == grid.grid_id)
                )
            )

    before = (managers(), count_rows(center.database.url, OperationLogEntry))
    cases = [
        (GridAssignment((users["dk.liu"],)), "belongs to another center than grid"),
        (GridAssignment((users["cd.duty"],)), "is not a grid manager"),
        (GridAssignment((users["da.li"],), users["da.zhang"]), "is not a grid leader"),
        (GridAssignment((users["da.li"],), users["dk.liu"]), "is not a grid leader"),
    ]
    for assignment, message in cases:
        with pytest.raises(CommandCenterError, match=message):
            admin.assign_grid(grid.grid_id, assignment)
    assert (managers(), count_rows(center.database.url, OperationLogEntry)) == before

    cli = run_cli(
        "grids", "assign", GRIDS[DONGAN, 1], "--managers", "df.yang", db=center.database.url
    )
    assert cli.returncode == 1 and "杨网格 (df.yang) belongs to another center" in cli.stderr
    unknown = run_cli(
        "grids", "assign", GRIDS[DONGAN, 1], "--managers", "nobody", db=center.database.url
    )
    assert unknown.returncode == 1 and "No account(s) nobody" in unknown.stderr
    assert managers() == before[0]

    # a street-level account may work on any of the street's grids: the street is above it
    from commandcenter.admin.staff import StaffInput
    from commandcenter.domain.enums import Role

    street_center = next(u.center_id for u in admin.units() if u.code == STREET)
    roving = admin.create_user(
        StaffInput(
            "cd.roving", "流动网格", Role.GRID_MANAGER, street_center, grid_ids=(grid.grid_id,)
        ),
        "Roving2026!",
    ).value
    admin.assign_grid(grid.grid_id, GridAssignment((users["da.li"], roving), users["da.leader"]))
    assert managers() == {users["da.li"], roving}


def test_a_grid_of_another_tree_is_refused(center, street_template, tmp_path):
    """A second top unit on the same database (another street with its own center): its grid
    is outside the first street's tree, for the staff file and for assign_grid alike."""
    from commandcenter.admin.grid_people import GridAssignment
    from commandcenter.domain.enums import AdminLevel, GridKind

    url = center.database.url
    with center.database.session() as s, s.begin():
        other = AdminUnit(code="321202002000", name="城西街道", level=AdminLevel.TOWNSHIP)
        s.add(other)
        s.flush()
        community = AdminUnit(
            code="321202002001", name="城西一社区", level=AdminLevel.COMMUNITY, parent_id=other.id
        )
        s.add(community)
        s.flush()
        s.add(Center(unit_id=other.id, name="城西街道网格化服务管理中心"))
        template = s.scalar(select(Grid).where(Grid.code == GRIDS[DONGAN, 1]))
        foreign = Grid(
            code="3212020020000100101",
            name="城西一社区第1网格",
            community_id=community.id,
            kind=GridKind.URBAN,
        )
        foreign.set_geometry(template.geometry)
        s.add(foreign)
        s.flush()
        foreign_id = foreign.id
    admin = login(center, street_template, ADMIN)
    path = write_xlsx(
        tmp_path / "staff.xlsx",
        STAFF_HEADER,
        [["da.far", "远网格", "网格员", DONGAN, "", "", "3212020020000100101", ""]],
    )
    before = count_rows(url, User)
    with pytest.raises(ImportRejected) as refused:
        admin.import_staff(path)
    assert refused.value.problems == [
        "staff.xlsx row 2: grid 3212020020000100101 belongs to another center than "
        "东安居委会网格化服务管理中心"
    ]
    assert count_rows(url, User) == before
    users = {s.username: s.id for s in admin.staff()}
    with pytest.raises(PermissionDenied, match="outside your jurisdiction"):
        admin.assign_grid(foreign_id, GridAssignment((users["da.li"],)))


# --- disabling, password resets -------------------------------------------------------------------


def _sessions(database, user_id):
    with database.session() as s:
        return {
            row.token_hash: row.ended_at
            for row in s.scalars(select(ServerSession).where(ServerSession.user_id == user_id))
        }


def test_disabling_ends_the_server_sessions(center, street_template):
    admin = login(center, street_template, ADMIN)
    users = {s.username: s.id for s in admin.staff()}
    target, bystander = users["da.zhang"], users["da.li"]
    long_ago = dt.datetime(2026, 1, 1, 8, 0)
    with center.database.session() as s, s.begin():
        for token, user_id, ended in (
            ("a" * 64, target, None),
            ("b" * 64, target, None),
            ("c" * 64, target, long_ago),
            ("d" * 64, bystander, None),
        ):
            s.add(
                ServerSession(
                    token_hash=token,
                    user_id=user_id,
                    created_at=long_ago,
                    last_seen_at=long_ago,
                    ended_at=ended,
                )
            )
    login(center, street_template, "da.zhang")
    result = run_cli("staff", "disable", "da.zhang", db=center.database.url, check=True)
    assert "da.zhang disabled" in result.stdout
    ended = _sessions(center.database, target)
    assert ended["a" * 64] is not None and ended["b" * 64] is not None
    assert ended["c" * 64] == long_ago  # an ended session keeps its end
    assert _sessions(center.database, bystander) == {"d" * 64: None}
    with pytest.raises(AuthenticationFailed):
        login(center, street_template, "da.zhang")
    assert not next(s for s in admin.staff() if s.username == "da.zhang").active
    # a disabled account cannot be given a grid
    from commandcenter.admin.grid_people import GridAssignment

    grid = next(g for g in admin.grid_people() if g.grid_code == GRIDS[DONGAN, 2])
    with pytest.raises(CommandCenterError, match="disabled"):
        admin.assign_grid(grid.grid_id, GridAssignment((target,)))
    run_cli("staff", "enable", "da.zhang", db=center.database.url, check=True)
    assert login(center, street_template, "da.zhang").actor.username == "da.zhang"
    actions = [(line.target, line.detail) for line in admin.operation_log("da.zhang", "admin")]
    assert ("user da.zhang", "disabled") in actions and ("user da.zhang", "enabled") in actions


def test_reset_password_must_be_changed_and_ends_sessions(center, street_template):
    admin = login(center, street_template, ADMIN)
    user_id = next(s.id for s in admin.staff() if s.username == "df.yang")
    now = dt.datetime(2026, 3, 1, 9, 0)
    with center.database.session() as s, s.begin():
        s.get(User, user_id).must_change_password = False  # as after the first change
        s.add(ServerSession(token_hash="e" * 64, user_id=user_id, created_at=now, last_seen_at=now))
    with pytest.raises(CommandCenterError, match="at least 8"):
        admin.reset_user_password(user_id, "short1")
    with pytest.raises(CommandCenterError, match="user name"):
        admin.reset_user_password(user_id, "df.yang2026")
    assert not next(s for s in admin.staff() if s.username == "df.yang").must_change_password
    result = run_cli(
        "staff",
        "reset-password",
        "df.yang",
        "--stdin",
        db=center.database.url,
        input="Yang2027xx\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Yang2027xx" not in result.stdout
    assert next(s for s in admin.staff() if s.username == "df.yang").must_change_password
    assert _sessions(center.database, user_id)["e" * 64] is not None
    with pytest.raises(AuthenticationFailed):
        login(center, street_template, "df.yang")
    assert center.login("df.yang", "Yang2027xx").actor.username == "df.yang"
    with center.database.session() as s:
        line = s.scalar(
            select(OperationLogEntry).where(OperationLogEntry.detail == "password reset")
        )
        assert line.target == "user df.yang" and "Yang2027xx" not in (line.detail + line.reason)
