"""Base data (人地物事组织) of the street center the walkthrough sets up (issue 13): residents'
imports refusing bad files with a report naming rows and problems and writing nothing then,
GB18030 files, re-imports that update; masking, the deliberate view in clear and exports;
the visits special groups are due."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from commandcenter.basedata.imports import HOUSE_COLUMNS, ORGANISATION_COLUMNS, PEOPLE_COLUMNS
from commandcenter.domain.codes import make_id_number
from commandcenter.domain.privacy import mask_id_number, mask_phone
from commandcenter.errors import CommandCenterError, ImportRejected, PermissionDenied
from commandcenter.storage.models import (
    Building,
    House,
    OperationLogEntry,
    Organisation,
    Person,
)
from commandcenter.tabular import read_table

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
    from .street_center import (  # noqa: F401 - fixtures
        ADMIN,
        DONGAN,
        DONGKANG,
        GRIDS,
        SAMPLES,
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
        DONGKANG,
        GRIDS,
        SAMPLES,
        center,
        count_rows,
        residents_by_grid,
        street,
        street_template,
    )

PEOPLE_HEADER = ["姓名", "身份证号", "电话", "网格编码", "楼栋", "房号", "户籍类型", "特殊人群"]
BASE_TABLES = (Person, Building, House, Organisation, OperationLogEntry)
G1, G2 = GRIDS[DONGAN, 1], GRIDS[DONGAN, 2]


@pytest.fixture
def log_in(center, street_template):
    """``log_in(username)``: the backend of one of the walkthrough's accounts."""
    return lambda username: center.login(username, street_template.passwords[username])


def sample_residents() -> list[dict[str, str]]:
    return [row.values for row in read_table(SAMPLES / "residents.xlsx", PEOPLE_COLUMNS).rows]


def write_xlsx(path, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def new_id(sequence: int, born=dt.date(1985, 3, 7)) -> str:
    return make_id_number("321202", born, sequence)


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


# --- imports that refuse --------------------------------------------------------------------------


def test_bad_residents_file_names_every_row_and_writes_nothing(center, log_in, tmp_path):
    admin = log_in(ADMIN)
    stored = sample_residents()[0]  # 刘国华 in 东安 grid 1
    good, twin = new_id(901), new_id(902)
    path = write_xlsx(
        tmp_path / "people.xlsx",
        PEOPLE_HEADER,
        [
            ["钱一", good, "13911112222", G1, "东安新村1幢", "1-101", "户籍", ""],  # row 2: fine
            ["钱二", twin, "", G1, "", "", "", ""],  # row 3
            ["钱三", twin, "", G1, "", "", "", ""],  # row 4: the ID number of row 3
            ["钱四", wrong_check_digit(new_id(903)), "", G1, "", "", "", ""],  # row 5
            ["钱五", new_id(904)[:17], "", G1, "", "", "", ""],  # row 6: 17 characters
            ["钱六", new_id(905) + "1", "", G1, "", "", "", ""],  # row 7: 19 characters
            ["钱七", new_id(906), "12345", G1, "", "", "", ""],  # row 8: phone
            ["钱八", new_id(907), "", "3212020010009900101", "", "", "", ""],  # row 9: grid
            ["钱九", new_id(908), "", G1, "东安新村1幢", "9-999", "", ""],  # row 10: house
            ["钱十", new_id(909), "", G1, "", "", "外星", "黑客"],  # row 11: words
            ["", new_id(910), "", G1, "", "", "", ""],  # row 12: no name
            [stored["name"], stored["id_number"], "", G1, "", "", "", ""],  # row 13: an update
            ["钱甲", stored["id_number"], "", G1, "", "", "", ""],  # row 14: row 13's again
        ],
    )
    before = count_rows(center.database.url, *BASE_TABLES)
    with pytest.raises(ImportRejected) as refused:
        admin.import_basedata("people", path)
    assert "nothing imported" in str(refused.value)
    problems = refused.value.problems
    assert len(problems) == 11
    text = "\n".join(problems)
    assert f"people.xlsx row 4: ID number {mask_id_number(twin)} is also on row 3" in text
    assert "people.xlsx row 5: ID number 3212****" in text and "check digit is" in text
    assert "people.xlsx row 6: ID number '" in text and "has 17" in text
    assert "people.xlsx row 7: ID number '" in text and "has 19" in text
    assert "people.xlsx row 8: phone is not a mobile or landline number" in text
    assert "people.xlsx row 9: grid 3212020010009900101 is not one of your grids" in text
    assert f"people.xlsx row 10: no house 东安新村1幢 9-999 in grid {G1}" in text
    assert "people.xlsx row 11: household:" in text and "people.xlsx row 11: special group:" in text
    assert "people.xlsx row 12: a name" in text
    assert "people.xlsx row 14: ID number" in text and "is also on row 13" in text
    assert not any(p.startswith(("people.xlsx row 2:", "people.xlsx row 3:")) for p in problems)
    assert not any(p.startswith("people.xlsx row 13:") for p in problems)
    # the report never shows a whole ID number
    for number in (good, twin, stored["id_number"]):
        assert number not in text
    assert count_rows(center.database.url, *BASE_TABLES) == before

    # the command line: the same report on stderr, nothing written
    result = run_cli("basedata", "import", "people", str(path), db=center.database.url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "people.xlsx: 11 problem(s); nothing imported." in result.stderr
    assert "  - people.xlsx row 4: ID number" in result.stderr
    # the report starts on a line of its own, after the progress shown while reading
    assert "\npeople.xlsx: 11 problem(s)" in result.stderr
    assert count_rows(center.database.url, *BASE_TABLES) == before


def test_files_refused_as_a_whole(center, log_in, tmp_path):
    admin = log_in(ADMIN)
    row = ["钱一", new_id(911), "", G1, "", "", "", ""]
    before = count_rows(center.database.url, *BASE_TABLES)
    unknown = write_xlsx(tmp_path / "unknown.xlsx", [*PEOPLE_HEADER, "婚姻状况"], [[*row, "已婚"]])
    with pytest.raises(ImportRejected, match=r"unknown column\(s\): 婚姻状况") as refused:
        admin.import_basedata("people", unknown)
    assert "(the columns are: 姓名, 身份证号" in str(refused.value.problems)
    missing = write_csv(tmp_path / "missing.csv", ["姓名", "电话", "网格编码"], [["钱一", "", G1]])
    with pytest.raises(ImportRejected, match=r"missing column\(s\): 身份证号"):
        admin.import_basedata("people", missing)
    repeated = write_csv(tmp_path / "twice.csv", ["姓名", "身份证号", "网格编码", "网格"], [])
    with pytest.raises(ImportRejected, match=r"repeated column\(s\): 网格"):
        admin.import_basedata("people", repeated)
    empty = write_csv(tmp_path / "empty.csv", PEOPLE_HEADER, [])
    with pytest.raises(ImportRejected, match="no rows below the header"):
        admin.import_basedata("people", empty)
    extra = write_csv(tmp_path / "extra.csv", PEOPLE_HEADER, [[*row, "多余"]])
    with pytest.raises(ImportRejected) as refused:
        admin.import_basedata("people", extra)
    assert refused.value.problems == ["extra.csv row 2: more cells than headers"]
    odd = tmp_path / "people.xls"
    odd.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportRejected, match="neither .csv nor .xlsx"):
        admin.import_basedata("people", odd)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("姓名,身份证号\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="not an Excel workbook"):
        admin.import_basedata("people", fake)
    # merged cells: the grid written once for two residents
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PEOPLE_HEADER)
    sheet.append(row)
    sheet.append(["钱二", new_id(912), "", "", "", "", "", ""])
    sheet.merge_cells("D2:D3")
    workbook.save(tmp_path / "merged.xlsx")
    with pytest.raises(ImportRejected, match=r"merged cells \(D2:D3\); unmerge them"):
        admin.import_basedata("people", tmp_path / "merged.xlsx")
    # the other imports read their headers the same way
    with pytest.raises(ImportRejected, match=r"missing column\(s\): 经度, 纬度"):
        admin.import_basedata(
            "houses",
            write_csv(
                tmp_path / "houses.csv",
                ["网格编码", "楼栋", "地址", "房号"],
                [[G1, "甲", "乙", "1"]],
            ),
        )
    with pytest.raises(ImportRejected, match=r"unknown column\(s\): 法人"):
        admin.import_basedata(
            "organisations",
            write_csv(
                tmp_path / "orgs.csv",
                ["名称", "类型", "网格编码", "法人"],
                [["甲", "企业", G1, "乙"]],
            ),
        )
    assert count_rows(center.database.url, *BASE_TABLES) == before


def test_a_grid_manager_imports_only_into_their_grid(center, log_in, tmp_path):
    li = log_in("da.li")  # 东安 grid 1
    in_g2 = next(r for r in sample_residents() if r["grid"] == G2)
    in_g1 = next(r for r in sample_residents() if r["grid"] == G1)
    path = write_xlsx(
        tmp_path / "li.xlsx",
        PEOPLE_HEADER,
        [
            ["钱一", new_id(921), "", G1, "", "", "", ""],
            # the ID number of a resident of da.zhang's grid, written into da.li's
            [in_g2["name"], in_g2["id_number"], "", G1, "", "", "", ""],
            # a resident of another grid in the file
            ["钱二", new_id(922), "", G2, "", "", "", ""],
        ],
    )
    before = count_rows(center.database.url, *BASE_TABLES)
    with pytest.raises(ImportRejected) as refused:
        li.import_basedata("people", path)
    assert refused.value.problems == [
        f"li.xlsx row 3: ID number {mask_id_number(in_g2['id_number'])} is a resident of "
        "another grid",
        f"li.xlsx row 4: grid {G2} is not one of your grids",
    ]
    assert count_rows(center.database.url, *BASE_TABLES) == before
    # their own resident they may update; a department handler imports nothing
    own = write_xlsx(
        tmp_path / "own.xlsx",
        PEOPLE_HEADER,
        [[in_g1["name"], in_g1["id_number"], "13955556666", G1, "", "", "流动", "独居老人"]],
    )
    assert li.import_basedata("people", own).value.updated == 1
    hit = li.search_people(in_g1["id_number"]).rows[0]
    assert hit.phone == "139****6666" and [t.value for t in hit.tags] == ["elderly_alone"]
    assert hit.household_status.value == "floating" and hit.house == ""
    with pytest.raises(PermissionDenied):
        log_in("cd.police").import_basedata("people", own)
    # nor a duty officer: they read base data, they do not keep it
    with pytest.raises(PermissionDenied):
        log_in("cd.duty").import_basedata("people", own)


def test_gb18030_residents_csv_imports_with_chinese_intact(center, log_in, tmp_path):
    li = log_in("da.li")
    rows = [
        ["欧阳娜娜", new_id(931), "13912345678", G1, "东安新村1幢", "1-201", "户籍", "残疾人"],
        ["司马懿", new_id(932, dt.date(1960, 1, 2)), "0523-86001234", G1, "", "", "流动", ""],
        ["龔鑫", new_id(933), "", G1, "东安新村2幢", "2-301", "", "留守人员、独居老人"],
    ]
    path = write_csv(tmp_path / "居民.csv", PEOPLE_HEADER, rows, encoding="gb18030")
    assert "欧阳娜娜".encode("gb18030") in path.read_bytes()  # not UTF-8
    people_before = count_rows(center.database.url, Person)[0]
    result = li.import_basedata("people", path).value
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    assert count_rows(center.database.url, Person)[0] == people_before + 3
    for name, number, *_ in rows:
        found = li.search_people(number).rows
        assert [r.name for r in found] == [name]
    by_name = {r.name: r for r in li.search_people("龔鑫").rows}
    assert by_name["龔鑫"].building == "东安新村2幢" and by_name["龔鑫"].house == "2-301"
    assert {t.value for t in by_name["龔鑫"].tags} == {"left_behind", "elderly_alone"}
    assert li.search_people("司马").rows[0].birth_date == dt.date(1960, 1, 2)
    log = log_in(ADMIN).operation_log("居民.csv")
    assert [(line.username, line.detail) for line in log] == [("da.li", "3 new, 0 updated")]
    # the walkthrough's organisations came from a GB18030 file: their names are intact
    names = {o.name for o in log_in(ADMIN).search_organisations()}
    assert "泰州市城东便民超市有限公司" in names and "城东街道东安社区志愿者协会" in names


def test_reimporting_the_residents_file_updates(center, log_in, tmp_path):
    admin = log_in(ADMIN)
    before = count_rows(center.database.url, Person)
    again = admin.import_basedata("people", SAMPLES / "residents.xlsx").value
    assert (again.rows, again.created, again.updated) == (105, 0, 105)
    assert count_rows(center.database.url, Person) == before
    # a changed phone and a move to another house of the grid are taken
    workbook = load_workbook(SAMPLES / "residents.xlsx")
    sheet = workbook.active
    number = sheet["B2"].value
    sheet["C2"] = "13700001111"
    sheet["F2"] = "2-301"
    workbook.save(tmp_path / "residents.xlsx")
    changed = admin.import_basedata("people", tmp_path / "residents.xlsx").value
    assert (changed.created, changed.updated) == (0, 105)
    person = admin.search_people(number).rows[0]
    assert person.phone == "137****1111" and person.house == "2-301"
    assert count_rows(center.database.url, Person) == before
    # houses are updated: a changed use (now rented) and area, no house or building twice
    houses_before = count_rows(center.database.url, Building, House)
    houses = load_workbook(SAMPLES / "houses.xlsx")
    sheet = houses.active
    building, number = sheet["B2"].value, sheet["H2"].value
    sheet["I2"], sheet["J2"] = "出租", 92
    houses.save(tmp_path / "houses.xlsx")
    again = admin.import_basedata("houses", tmp_path / "houses.xlsx").value
    assert (again.created, again.updated) == (0, 72)
    assert count_rows(center.database.url, Building, House) == houses_before
    (row,) = [b for b in admin.search_buildings(building) if b.name == building]
    (house,) = [h for h in admin.building_houses(row.id) if h.number == number]
    assert house.use.value == "rental" and house.area_m2 == 92
    # organisations with a credit code are updated
    orgs = admin.import_basedata("organisations", SAMPLES / "organisations.csv").value
    assert (orgs.created, orgs.updated) == (0, 4)


# --- masking, the view in clear, exports ----------------------------------------------------------


def test_search_is_masked_and_clear_view_needs_role_and_reason(center, log_in):
    sample = {r["id_number"]: r for r in sample_residents()}
    admin = log_in(ADMIN)
    hits = admin.search_people(limit=500).rows
    assert len(hits) == 105
    clear_numbers = set(sample)
    for row in hits:
        assert row.id_number not in clear_numbers and "*" in row.id_number
        assert row.phone.startswith("139") and "****" in row.phone
    # the whole ID number finds its resident; the masked row shows its ends
    number, person = next(iter(sample.items()))
    found = admin.search_people(number).rows
    assert len(found) == 1 and found[0].id_number == mask_id_number(number)
    assert found[0].phone == mask_phone(person["phone"])
    assert admin.search_people(number[:10]).total == 0  # a part of it is not a search
    person_id = found[0].id

    duty = log_in("cd.duty")
    assert duty.search_people(number).rows[0].id_number == mask_id_number(number)
    with pytest.raises(PermissionDenied, match="in clear"):
        duty.person_in_clear(person_id, "核实身份")
    with pytest.raises(PermissionDenied):
        log_in("da.li").person_in_clear(person_id, "核实身份")  # a grid manager: masked only
    for reason in ("", "  ", "查"):
        with pytest.raises(CommandCenterError, match="Say why"):
            admin.person_in_clear(person_id, reason)
    before = count_rows(center.database.url, OperationLogEntry)[0]
    clear = admin.person_in_clear(person_id, "  核实矛盾纠纷当事人身份  ")
    assert (clear.id_number, clear.phone) == (number, person["phone"])
    assert count_rows(center.database.url, OperationLogEntry)[0] == before + 1
    line = admin.operation_log(action="clear_view")[0]
    assert line.username == ADMIN and line.reason == "核实矛盾纠纷当事人身份"
    assert line.target == f"resident {person_id} {person['name']}"
    assert number not in line.target + line.detail + line.reason
    # a grid leader sees their own grids' residents in clear, not another community's
    leader = log_in("da.leader")
    own = leader.search_people(limit=1).rows[0]
    assert leader.person_in_clear(own.id, "上门核实").id_number.endswith(own.id_number[-4:])
    other = next(r for r in hits if r.grid_code == GRIDS[DONGKANG, 1])
    with pytest.raises(PermissionDenied):
        leader.person_in_clear(other.id, "上门核实")
    assert [x.username for x in admin.operation_log(action="clear_view")] == [
        "da.leader",
        ADMIN,
    ]


def _sheet(path):
    workbook = load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return rows[0], rows[1:]


def test_exports_are_masked_unless_asked_in_clear_with_a_reason(center, log_in, tmp_path):
    sample = sample_residents()
    admin = log_in(ADMIN)
    masked = tmp_path / "people.xlsx"
    assert admin.export_basedata("people", masked) == 105
    header, rows = _sheet(masked)
    assert header == [c.names[0] for c in PEOPLE_COLUMNS] == PEOPLE_HEADER
    numbers = {r["id_number"] for r in sample}
    assert {r[1] for r in rows} == {mask_id_number(n) for n in numbers}
    assert not {r[1] for r in rows} & numbers
    assert all("****" in r[2] for r in rows)

    with pytest.raises(CommandCenterError, match="Say why"):
        admin.export_basedata("people", tmp_path / "x.xlsx", clear=True)
    with pytest.raises(PermissionDenied):
        log_in("cd.duty").export_basedata("people", tmp_path / "x.xlsx", clear=True, reason="上报")
    assert not (tmp_path / "x.xlsx").exists()
    cli = run_cli(
        "basedata", "export", "people", str(tmp_path / "y.xlsx"), "--clear", db=center.database.url
    )
    assert cli.returncode == 1 and "--clear needs --reason" in cli.stderr

    clear = tmp_path / "people-clear.xlsx"
    assert admin.export_basedata("people", clear, clear=True, reason="区中心季度核查") == 105
    header, rows = _sheet(clear)
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (p["name"], p["id_number"], p["phone"]) for p in sample
    }
    groups = {r[1]: r[7] for r in rows}
    assert {groups[p["id_number"]] or "" for p in sample if p["groups"]} == {
        p["groups"] for p in sample if p["groups"]
    }
    exports = admin.operation_log(action="export")
    assert [(e.target, e.detail, e.reason) for e in exports] == [
        ("people people-clear.xlsx", "105 rows, in clear", "区中心季度核查"),
        ("people people.xlsx", "105 rows, masked", ""),
    ]

    # the exported files read back with the imports' own columns; the clear one imports as it is
    for path in (masked, clear):
        table = read_table(path, PEOPLE_COLUMNS)
        assert len(table.rows) == 105
    again = admin.import_basedata("people", clear).value
    assert (again.created, again.updated) == (0, 105)
    with pytest.raises(ImportRejected, match="problem"):
        admin.import_basedata("people", masked)  # masked numbers are not ID numbers
    for kind, columns, count in (
        ("houses", HOUSE_COLUMNS, 72),
        ("organisations", ORGANISATION_COLUMNS, 4),
    ):
        path = tmp_path / f"{kind}.xlsx"
        assert admin.export_basedata(kind, path) == count
        assert len(read_table(path, columns).rows) == count
    organisations = read_table(tmp_path / "organisations.xlsx", ORGANISATION_COLUMNS).rows
    assert all("****" in r.get("phone") for r in organisations)

    # a grid leader exports their grids only
    leader_rows = log_in("da.leader").export_basedata("people", tmp_path / "leader.xlsx")
    per_grid = residents_by_grid()
    assert leader_rows == per_grid[G1] + per_grid[G2]
    _, rows = _sheet(tmp_path / "leader.xlsx")
    assert {r[3] for r in rows} == {G1, G2}
    with pytest.raises(PermissionDenied):
        log_in("cd.urban").export_basedata("people", tmp_path / "urban.xlsx")


def test_save_person_checks(center, log_in):
    from commandcenter.basedata.people import PersonInput
    from commandcenter.domain.enums import HouseholdStatus

    li = log_in("da.li")
    g1_id = li.search_people(limit=1).rows[0].grid_id
    g2_id = log_in("da.zhang").search_people(limit=1).rows[0].grid_id
    stored = next(r for r in sample_residents() if r["grid"] == G2)
    before = count_rows(center.database.url, Person, OperationLogEntry)
    refusals = [
        (PersonInput("钱一", g1_id, HouseholdStatus.REGISTERED), CommandCenterError, "needs an ID"),
        (
            PersonInput("钱一", g1_id, HouseholdStatus.REGISTERED, wrong_check_digit(new_id(941))),
            CommandCenterError,
            "check digit",
        ),
        (
            PersonInput("钱一", g1_id, HouseholdStatus.REGISTERED, stored["id_number"]),
            CommandCenterError,
            "another resident has this ID number",
        ),
        (
            PersonInput("钱一", g2_id, HouseholdStatus.REGISTERED, new_id(942)),
            PermissionDenied,
            None,
        ),
    ]
    for data, error, message in refusals:
        with pytest.raises(error, match=message):
            li.save_person(None, data)
    assert count_rows(center.database.url, Person, OperationLogEntry) == before
    person_id = li.save_person(
        None, PersonInput("钱一", g1_id, HouseholdStatus.REGISTERED, new_id(943), "13912340000")
    ).value
    row = li.search_people("钱一").rows[0]
    assert (row.id, row.phone, row.gender) == (person_id, "139****0000", "M")


# --- visits due -----------------------------------------------------------------------------------


def test_special_groups_are_due_until_visited(center, log_in):
    from commandcenter.cases.visits import NewVisit

    special = [r for r in sample_residents() if r["groups"]]
    dongkang = {GRIDS[DONGKANG, 1], GRIDS[DONGKANG, 2]}
    liu = log_in("dk.liu")
    due = liu.visits_due()
    expected = sorted(r["name"] for r in special if r["grid"] in dongkang)
    assert sorted(d.name for d in due) == expected and len(expected) == 4
    assert all(d.last_visit is None and d.days_overdue == 0 for d in due)
    assert {g.value for d in due for g in d.groups} == {"community_correction", "left_behind"}
    assert all(d.every_days == 7 for d in due if d.groups[0].value == "community_correction")
    assert log_in("da.li").visits_due() == []  # no special group in 东安 grid 1
    assert len(log_in("cd.duty").visits_due()) == len(special)
    assert [d.name for d in log_in("da.leader").visits_due()] == [
        r["name"] for r in special if r["grid"] in (G1, G2)
    ]

    visited = due[0]
    assert visited.house_id is not None and visited.address
    done = liu.record_visit(NewVisit(visited.house_id, "上门走访，情况稳定")).value
    assert done.case_code is None
    after = liu.visits_due()
    assert visited.person_id not in {d.person_id for d in after}
    assert len(after) == 3
    # a visit to the person (their house named) counts as well
    second = after[0]
    liu.record_visit(NewVisit(second.house_id, "电话回访后上门", person_id=second.person_id))
    assert {d.person_id for d in liu.visits_due()} == {d.person_id for d in after[1:]}
    # nobody else's house: da.li cannot record a visit in 东康
    from commandcenter.errors import TransitionRefused

    with pytest.raises(TransitionRefused):
        log_in("da.li").record_visit(NewVisit(after[1].house_id, "路过"))
    # the people of the visited houses count as visited in the center's list too
    duty_due = {d.person_id for d in log_in("cd.duty").visits_due()}
    assert visited.person_id not in duty_due and second.person_id not in duty_due
    with center.database.session() as s:
        assert s.scalar(select(Person.name).where(Person.id == visited.person_id)) == visited.name


def test_the_top_administrator_sets_how_often_groups_are_visited(center, log_in):
    url = center.database.url
    liu = log_in("dk.liu")
    groups = {d.person_id: d.groups[0].value for d in liu.visits_due()}
    expected = {"community_correction": 3, "left_behind": 60}
    assert {d.every_days for d in liu.visits_due()} == {7, 30}  # 社区矫正 7 days, 留守人员 30
    done = run_cli("basedata", "visit-intervals", "社区矫正=3", "留守人员=60", db=url)
    assert done.returncode == 0, done.stderr
    assert "社区矫正（community_correction）: every 3 days" in done.stdout
    assert all(d.every_days == expected[groups[d.person_id]] for d in liu.visits_due())
    refused = [
        run_cli("basedata", "visit-intervals", "社区矫正=0", db=url),
        run_cli("basedata", "visit-intervals", "厨师=5", db=url),
        run_cli("basedata", "visit-intervals", "--user", "cd.duty", "社区矫正=9", db=url),
    ]
    assert all(r.returncode == 1 for r in refused)
    assert "1–366 days" in refused[0].stderr and "GROUP=DAYS" in refused[1].stderr
    assert "administrator" in refused[2].stderr
    assert all(d.every_days == expected[groups[d.person_id]] for d in liu.visits_due())
    lines = log_in("cd.admin").operation_log(text="visit intervals")
    assert len(lines) == 1 and "community_correction" in lines[0].detail


# --- the table reader's merged cells -----------------------------------------------------------


def _rewrite(path, target, change):
    """A copy of the workbook ``path`` at ``target`` with ``change(name, data)`` applied to
    each of its parts."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            out.writestr(item, change(item.filename, source.read(item.filename)))
    return target


def test_merged_cells_of_the_first_sheet_whatever_its_file(tmp_path):
    """The first sheet is the workbook's first, not the file named sheet1.xml (a sheet moved
    to the front keeps its file), and merged cells are found with a namespace prefix too."""
    from commandcenter.tabular import TableError

    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["说明"])
    people = workbook.create_sheet("居民")
    people.append(PEOPLE_HEADER)
    people.append(["钱一", new_id(951), "", G1, "", "", "", ""])
    people.append(["钱二", new_id(952), "", "", "", "", "", ""])
    people.merge_cells("D2:D3")
    workbook.save(tmp_path / "two.xlsx")

    def people_first(name, data):
        if name != "xl/workbook.xml":
            return data
        sheets = re.findall(rb"<sheet [^>]*/>", data)
        return (
            data.replace(sheets[0], b"\0").replace(sheets[1], sheets[0]).replace(b"\0", sheets[1])
        )

    moved = _rewrite(tmp_path / "two.xlsx", tmp_path / "moved.xlsx", people_first)
    assert load_workbook(moved).worksheets[0].title == "居民"  # as the reader sees it
    with pytest.raises(TableError, match=r"merged cells \(D2:D3\)"):
        read_table(moved, PEOPLE_COLUMNS)

    def prefixed(name, data):
        if not name.startswith("xl/worksheets/"):
            return data
        main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        data = data.replace(b"<mergeCells", b'<x:mergeCells xmlns:x="' + main + b'"')
        data = data.replace(b"</mergeCells>", b"</x:mergeCells>")
        return data.replace(b"<mergeCell ", b"<x:mergeCell ")

    single = Workbook()
    sheet = single.active
    sheet.append(PEOPLE_HEADER)
    sheet.append(["钱一", new_id(953), "", G1, "", "", "", ""])
    sheet.append(["钱二", new_id(954), "", "", "", "", "", ""])
    sheet.merge_cells("D2:D3")
    single.save(tmp_path / "one.xlsx")
    tagged = _rewrite(tmp_path / "one.xlsx", tmp_path / "tagged.xlsx", prefixed)
    assert b"<x:mergeCell " in zipfile.ZipFile(tagged).read("xl/worksheets/sheet1.xml")
    with pytest.raises(TableError, match=r"merged cells \(D2:D3\)"):
        read_table(tagged, PEOPLE_COLUMNS)
