"""The administration window (系统管理) and the base-data browser (基础数据), driven through their
widgets on a copy of the demo district, the real backend behind them:

- an account made in the staff form is in the table, its password nowhere in the log; a staff
  import offers the generated first passwords as a CSV file;
- residents imported from an XLSX file through the browser (with its progress bar) are found by
  the search; a rejected file shows every row's problem and imports nothing;
- the view in clear asks a reason and writes an operation-log line; a grid manager sees only
  the residents of their grids; departments, grids' people and matters are saved through their
  forms; the menu offers administration to administrators only.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402
import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from commandcenter.access.oplog import OperationKind  # noqa: E402
from commandcenter.domain.codes import make_id_number  # noqa: E402
from commandcenter.domain.enums import DepartmentKind, Role  # noqa: E402
from ui.admin.administration import AdministrationDialog  # noqa: E402
from ui.admin.basedata_browser import BaseDataBrowser  # noqa: E402
from ui.data.console import Console  # noqa: E402
from ui.shell.main_window import MainWindow  # noqa: E402

TIMEOUT_MS = 30_000
PASSWORD = "Gr1d-Start!"
GRIDMAN_GRID = "3212020010000100101"  # the demo's gridman keeps the first grid of 东安社区
OTHER_GRID = "3212020010000200101"  # a grid of 春晖社区

pytestmark = pytest.mark.usefixtures("english_ui")


def open_admin(qtbot, backend) -> AdministrationDialog:
    dialog = AdministrationDialog(Console(backend))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.is_loaded, timeout=TIMEOUT_MS)
    return dialog


def open_browser(qtbot, backend) -> BaseDataBrowser:
    browser = BaseDataBrowser(Console(backend))
    qtbot.addWidget(browser)
    qtbot.waitUntil(browser.is_loaded, timeout=TIMEOUT_MS)
    return browser


def search_people(qtbot, browser: BaseDataBrowser, text: str) -> list[str]:
    """Type into the search field and wait for the answer (after the typing pauses)."""
    people = browser.people
    people.search_edit.setText(text)
    assert people.search.busy
    qtbot.waitUntil(lambda: not people.search.busy, timeout=TIMEOUT_MS)
    return people.names()


def new_id_numbers(backend, count: int) -> list[str]:
    """Valid ID numbers no demo resident has."""
    found, sequence = [], 901
    while len(found) < count:
        number = make_id_number("321202", dt.date(1977, 3, 15), sequence)
        sequence += 2
        if backend.search_people(number).total == 0:
            found.append(number)
    return found


def write_xlsx(path, header, rows) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_csv(path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


PEOPLE_HEADER = ["姓名", "身份证号", "电话", "网格编码", "户籍类型", "特殊人群"]


# --- staff -------------------------------------------------------------------------------------


def test_an_account_made_in_the_staff_form_is_in_the_table(qtbot, writable_demo, backend_of):
    admin = backend_of(writable_demo, "admin")
    dialog = open_admin(qtbot, admin)
    dialog.show_tab("staff")
    staff = dialog.staff
    assert "gridman" in staff.usernames() and "newgm" not in staff.usernames()
    form = staff.open_new_form()
    form.username_edit.setText("newgm")
    form.name_edit.setText("新网格员")
    form.role_combo.setCurrentIndex(form.role_combo.findData(Role.GRID_MANAGER.value))
    form.center_combo.setCurrentIndex(form.center_combo.findText("东安社区网格化服务管理站"))
    grids = {g.grid_code: g.grid_id for g in dialog.reference.grids}
    assert form.grid_list.isEnabled() and not form.department_combo.isEnabled()
    # only the grids of the chosen center are offered
    offered = {form.grid_list.item(i).data(0x0101) for i in range(form.grid_list.count())}
    assert GRIDMAN_GRID in offered and OTHER_GRID not in offered
    form.check_grids([grids[GRIDMAN_GRID]])
    form.phone_edit.setText("13812345678")
    form.password_edit.setText(PASSWORD)
    form.repeat_edit.setText(PASSWORD + "x")
    form.save_button.click()
    assert form.state == "rejected" and "differ" in form.problem_text()
    form.repeat_edit.setText(PASSWORD)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "saved", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "newgm" in staff.usernames(), timeout=TIMEOUT_MS)
    assert staff.select_user("newgm")
    row = staff.table.selected()
    assert (row.display_name, row.role, row.grid_codes) == (
        "新网格员",
        Role.GRID_MANAGER,
        (GRIDMAN_GRID,),
    )
    assert row.phone == "138****5678" and row.must_change_password
    shown = " ".join(staff.table.cell_texts(staff.table.rows().index(row)))
    assert "13812345678" not in shown and "Must change password" in shown

    # the log tab follows the change; the password is in no line
    qtbot.waitUntil(
        lambda: any(line.target == "user newgm" for line in dialog.log.lines()),
        timeout=TIMEOUT_MS,
    )
    lines = admin.operation_log("newgm")
    assert lines and all(PASSWORD not in f"{ln.detail} {ln.reason}" for ln in lines)

    # a taken user name: the core's refusal in the form, nothing saved
    again = staff.open_new_form()
    again.username_edit.setText("newgm")
    again.name_edit.setText("重名")
    again.password_edit.setText(PASSWORD)
    again.repeat_edit.setText(PASSWORD)
    again.save_button.click()
    qtbot.waitUntil(lambda: again.state == "rejected", timeout=TIMEOUT_MS)
    assert "user name newgm is taken" in again.problem_text()
    again.close()

    # disable, then a new password (the edit keeps the stored phone: the form never saw it)
    assert staff.select_user("newgm")
    staff.active_button.click()
    qtbot.waitUntil(
        lambda: staff.select_user("newgm") and not staff.table.selected().active,
        timeout=TIMEOUT_MS,
    )
    assert staff.active_button.text() == "Enable"
    edit = staff.edit_selected()
    assert edit.phone_edit.text() == "" and "138****5678" in edit.phone_edit.placeholderText()
    edit.name_edit.setText("新网格员甲")
    edit.save_button.click()
    qtbot.waitUntil(lambda: edit.state == "saved", timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: staff.select_user("newgm") and staff.table.selected().display_name == "新网格员甲",
        timeout=TIMEOUT_MS,
    )
    assert staff.table.selected().phone == "138****5678"
    reset = staff.reset_password_of_selected()
    reset.password_edit.setText("An0ther-Start")
    reset.repeat_edit.setText("An0ther-Start")
    reset.save_button.click()
    qtbot.waitUntil(lambda: reset.state == "saved", timeout=TIMEOUT_MS)
    assert all("An0ther-Start" not in ln.detail for ln in admin.operation_log("newgm"))
    assert any(ln.detail == "password reset" for ln in admin.operation_log("newgm"))


def test_a_staff_import_offers_the_first_passwords_as_a_csv_file(
    qtbot, writable_demo, backend_of, tmp_path
):
    admin = backend_of(writable_demo, "admin")
    dialog = open_admin(qtbot, admin)
    staff = dialog.staff
    header = ["用户名", "姓名", "角色", "中心", "网格"]
    bad = tmp_path / "bad-staff.csv"
    write_csv(
        bad,
        header,
        [
            ["imp-a", "导入甲", "网格员", "321202001001", GRIDMAN_GRID],
            ["imp-b", "导入乙", "厨师", "321202001001", ""],
            ["imp-c", "导入丙", "网格员", "nowhere", "3212020019999999901"],
        ],
    )
    importer = staff.open_import()
    importer.start_import(bad)
    qtbot.waitUntil(lambda: importer.state == "rejected", timeout=TIMEOUT_MS)
    report = importer.report_text()
    assert "bad-staff.csv row 3: role" in report
    assert "bad-staff.csv row 4: no center 'nowhere'" in report
    assert "row 4: no grid 3212020019999999901" in report
    assert "Nothing was imported" in importer.status.text()
    assert not importer.report.isHidden() and importer.report.isReadOnly()
    assert not [r for r in admin.staff("imp-")]

    good = tmp_path / "staff.xlsx"
    write_xlsx(
        good,
        header,
        [
            ["imp-a", "导入甲", "网格员", "321202001001", GRIDMAN_GRID],
            ["imp-b", "导入乙", "值班员", "城东街道网格化服务管理中心", ""],
        ],
    )
    importer.start_import(good)
    qtbot.waitUntil(lambda: importer.state == "done", timeout=TIMEOUT_MS)
    assert "2 account(s) created, 0 updated" in importer.status.text()
    assert len(staff.pending_passwords) == 2 and not staff.passwords_button.isHidden()
    passwords = dict(staff.pending_passwords)
    shown = importer.status.text() + importer.report_text() + staff.status.text()
    assert all(p not in shown for p in passwords.values())
    qtbot.waitUntil(lambda: {"imp-a", "imp-b"} <= set(staff.usernames()), timeout=TIMEOUT_MS)

    target = tmp_path / "first-passwords.csv"
    assert staff.save_passwords(target) == 2
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["用户名", "初始密码"] and dict(rows[1:]) == passwords
    assert staff.pending_passwords == () and staff.passwords_button.isHidden()
    for line in admin.operation_log(""):
        assert all(p not in f"{line.target} {line.detail}" for p in passwords.values())


# --- base data -----------------------------------------------------------------------------------


def test_residents_imported_in_the_browser_are_found_by_search(
    qtbot, writable_demo, backend_of, tmp_path
):
    gridman = backend_of(writable_demo, "gridman")
    first, second = new_id_numbers(gridman, 2)
    path = tmp_path / "residents.xlsx"
    write_xlsx(
        path,
        PEOPLE_HEADER,
        [
            ["欧阳测试", first, "13900001111", GRIDMAN_GRID, "户籍", "独居老人"],
            ["欧阳试验", second, "", GRIDMAN_GRID, "流动", ""],
        ],
    )
    browser = open_browser(qtbot, gridman)
    assert not browser.import_button.isHidden()
    before = browser.people.hits.total
    importer = browser.open_import("people")
    assert importer.progress_bar.isVisible() or importer.progress_bar.isVisibleTo(importer)
    importer.start_import(path)
    assert importer.state == "running"
    qtbot.waitUntil(lambda: importer.state == "done", timeout=TIMEOUT_MS)
    assert importer.progress_bar.value() == importer.progress_bar.maximum()
    assert "2 new, 0 updated" in importer.status.text()
    # the browser searched again after the import
    qtbot.waitUntil(lambda: browser.people.hits.total == before + 2, timeout=TIMEOUT_MS)

    assert sorted(search_people(qtbot, browser, "欧阳")) == ["欧阳测试", "欧阳试验"]
    assert browser.people.count_label.text() == "2 of 2"
    assert browser.people.select_person("欧阳测试")
    person = browser.people.table.selected()
    assert person.id_number == first[:4] + "*" * 10 + first[-4:]
    assert person.phone == "139****1111" and [t.value for t in person.tags] == ["elderly_alone"]
    assert search_people(qtbot, browser, first) == ["欧阳测试"]  # a full ID number finds one

    # the same file again updates (a grid's monthly list)
    importer.start_import(path)
    qtbot.waitUntil(lambda: importer.state == "done", timeout=TIMEOUT_MS)
    assert "0 new, 2 updated" in importer.status.text()


def test_a_rejected_import_shows_every_problem_and_imports_nothing(
    qtbot, writable_demo, backend_of, tmp_path
):
    gridman = backend_of(writable_demo, "gridman")
    [good] = new_id_numbers(gridman, 1)
    path = tmp_path / "residents.csv"
    write_csv(
        path,
        PEOPLE_HEADER,
        [
            ["诸葛良好", good, "13900002222", GRIDMAN_GRID, "", ""],
            ["诸葛坏号", "321202197703159999", "", GRIDMAN_GRID, "", ""],
            [
                "诸葛别格",
                make_id_number("321202", dt.date(1980, 1, 2), 777),
                "",
                OTHER_GRID,
                "",
                "",
            ],
            [
                "诸葛电话",
                make_id_number("321202", dt.date(1981, 1, 2), 777),
                "12",
                GRIDMAN_GRID,
                "",
                "外星人",
            ],
        ],
    )
    browser = open_browser(qtbot, gridman)
    importer = browser.open_import("people")
    importer.start_import(path)
    qtbot.waitUntil(lambda: importer.state == "rejected", timeout=TIMEOUT_MS)
    report = importer.report_text().splitlines()
    assert report[0].startswith("residents.csv:") and "nothing imported" in report[0]
    assert any("row 3: ID number" in line for line in report)
    assert any("row 4:" in line and OTHER_GRID in line for line in report)
    assert any("row 5: phone" in line for line in report)
    assert any("row 5: special group" in line for line in report)
    assert "Nothing was imported" in importer.status.text()
    assert search_people(qtbot, browser, "诸葛") == []
    assert gridman.search_people("诸葛").total == 0


def test_the_view_in_clear_asks_a_reason_and_is_logged(qtbot, writable_demo, backend_of):
    supervisor = backend_of(writable_demo, "supervisor")
    browser = open_browser(qtbot, supervisor)
    people = browser.people
    assert not people.clear_button.isHidden()
    assert people.new_button.isHidden() and browser.import_button.isHidden()  # reads only
    assert people.show_clear_selected() is None  # nothing selected
    people.table.selectRow(0)
    person = people.table.selected()
    dialog = people.show_clear_selected()
    assert "*" in dialog.id_label.text()
    dialog.show_button.click()  # no reason: asked for one, nothing shown
    assert dialog.state == "refused" and "Say why" in dialog.status.text()
    dialog.reason_edit.setText("核实走访对象身份")
    dialog.show_button.click()
    qtbot.waitUntil(lambda: dialog.state == "shown", timeout=TIMEOUT_MS)
    clear_id = dialog.id_label.text()
    assert len(clear_id) == 18 and "*" not in clear_id
    assert clear_id[:4] == person.id_number[:4] and clear_id[-4:] == person.id_number[-4:]
    # the table still shows the masked number
    assert people.table.selected().id_number == person.id_number

    admin = backend_of(writable_demo, "admin")
    lines = admin.operation_log("", OperationKind.CLEAR_VIEW.value)
    assert [(ln.username, ln.reason) for ln in lines] == [("supervisor", "核实走访对象身份")]
    assert lines[0].target == f"resident {person.id} {person.name}"
    assert clear_id not in lines[0].detail

    # the administrator's log tab shows the line under its action
    log = open_admin(qtbot, admin).log
    log.action_combo.setCurrentIndex(log.action_combo.findData(OperationKind.CLEAR_VIEW.value))
    qtbot.waitUntil(
        lambda: [ln.reason for ln in log.lines()] == ["核实走访对象身份"], timeout=TIMEOUT_MS
    )
    assert log.table.cell_texts(0)[3] == "Personal data in clear"


def test_a_duty_officer_sees_masked_data_only(qtbot, writable_demo, backend_of, tmp_path):
    duty = backend_of(writable_demo, "duty")
    browser = open_browser(qtbot, duty)
    assert browser.people.clear_button.isHidden() and browser.import_button.isHidden()
    browser.people.table.selectRow(0)
    assert browser.people.show_clear_selected() is None
    export = browser.open_export()
    assert export.clear_box.isHidden()
    export.kind_combo.setCurrentIndex(export.kind_combo.findData("organisations"))
    target = tmp_path / "organisations.xlsx"
    export.start_export(target)
    qtbot.waitUntil(lambda: export.state == "done", timeout=TIMEOUT_MS)
    assert export.written > 0
    sheet = load_workbook(target, read_only=True).active
    phones = [row[6] for row in sheet.iter_rows(min_row=2, max_row=30, values_only=True)]
    assert [p for p in phones if p] and all("*" in p for p in phones if p)


def test_an_export_in_clear_needs_a_reason(qtbot, writable_demo, backend_of, tmp_path):
    leader = backend_of(writable_demo, "leader")
    export = open_browser(qtbot, leader).open_export()
    assert not export.clear_box.isHidden()
    export.kind_combo.setCurrentIndex(export.kind_combo.findData("organisations"))
    export.clear_box.setChecked(True)
    target = tmp_path / "organisations.xlsx"
    export.start_export(target)
    assert export.state == "failed" and not target.exists()
    export.reason_edit.setText("上报区级汇总")
    export.start_export(target)
    qtbot.waitUntil(lambda: export.state == "done", timeout=TIMEOUT_MS)
    assert target.exists()
    lines = backend_of(writable_demo, "admin").operation_log("", OperationKind.EXPORT.value)
    assert lines[0].username == "leader" and lines[0].reason == "上报区级汇总"


def test_a_grid_managers_browser_shows_only_their_grids(qtbot, writable_demo, backend_of):
    gridman = backend_of(writable_demo, "gridman")
    admin = backend_of(writable_demo, "admin")
    [own] = [g for g in admin.grid_people() if g.grid_code == GRIDMAN_GRID]
    browser = open_browser(qtbot, gridman)
    hits = browser.people.hits
    assert hits.total == admin.search_people(grid_id=own.grid_id).total > 0
    assert {p.grid_code for p in hits.rows} == {GRIDMAN_GRID}
    assert browser.people.count_label.text() == f"{len(hits.rows):,} of {hits.total:,}"
    # a name living elsewhere is not found here, but is for the administrator
    elsewhere = (
        admin.search_people(
            grid_id=next(g.grid_id for g in admin.grid_people() if g.grid_code == OTHER_GRID)
        )
        .rows[0]
        .name
    )
    assert all(p.grid_code == GRIDMAN_GRID for p in gridman.search_people(elsewhere).rows)
    search_people(qtbot, browser, elsewhere)
    assert {p.grid_code for p in browser.people.table.rows()} <= {GRIDMAN_GRID}
    # buildings and organisations too
    assert browser.buildings.buildings.rows()
    assert {b.grid_code for b in browser.buildings.buildings.rows()} == {GRIDMAN_GRID}
    assert {o.grid_code for o in browser.organisations.table.rows()} <= {GRIDMAN_GRID}
    # the houses of a selected building
    browser.buildings.buildings.selectRow(0)
    building = browser.buildings.buildings.selected()
    qtbot.waitUntil(lambda: browser.buildings.houses_of == building.id, timeout=TIMEOUT_MS)
    assert len(browser.buildings.houses.rows()) == building.houses


def test_a_resident_edited_in_the_form_keeps_the_stored_id_number(qtbot, writable_demo, backend_of):
    gridman = backend_of(writable_demo, "gridman")
    browser = open_browser(qtbot, gridman)
    people = browser.people
    people.table.selectRow(0)
    person = people.table.selected()
    form = people.edit_selected()
    assert form.id_edit.text() == "" and person.id_number in form.id_edit.placeholderText()
    form.name_edit.setText(person.name + "改")
    form.group_boxes[next(iter(form.group_boxes))].setChecked(True)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "saved", timeout=TIMEOUT_MS)
    assert search_people(qtbot, browser, person.name + "改") == [person.name + "改"]
    edited = people.table.rows()[0]
    assert (edited.id, edited.id_number, edited.phone) == (
        person.id,
        person.id_number,
        person.phone,
    )
    assert edited.house_id == person.house_id and edited.tags


# --- departments, grids' people, matters, units, the menu -----------------------------------------


def test_departments_are_saved_through_the_form(qtbot, writable_demo, backend_of):
    dialog = open_admin(qtbot, backend_of(writable_demo, "admin"))
    tab = dialog.departments
    before = len(tab.table.rows())
    form = tab.open_new_form()
    form.center_combo.setCurrentIndex(form.center_combo.findText("城东街道网格化服务管理中心"))
    form.name_edit.setText("城东禁毒办")
    form.kind_combo.setCurrentIndex(form.kind_combo.findData(DepartmentKind.PUBLIC_SECURITY.value))
    form.phone_edit.setText("0523-86001100")
    for box in list(form.category_boxes.values())[:2]:
        box.setChecked(True)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "saved", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: len(tab.table.rows()) == before + 1, timeout=TIMEOUT_MS)
    assert tab.table.select_where(lambda d: d.name == "城东禁毒办")
    saved = tab.table.selected()
    assert saved.kind is DepartmentKind.PUBLIC_SECURITY and len(saved.categories) == 2

    # the same name again: the core's refusal shown in the form
    again = tab.open_new_form()
    again.center_combo.setCurrentIndex(again.center_combo.findData(saved.center_id))
    again.name_edit.setText("城东禁毒办")
    again.save_button.click()
    qtbot.waitUntil(lambda: again.state == "rejected", timeout=TIMEOUT_MS)
    assert "has a department named 城东禁毒办 already" in again.status.text()


def test_a_grids_people_are_set_through_the_form(qtbot, writable_demo, backend_of):
    admin = backend_of(writable_demo, "admin")
    dialog = open_admin(qtbot, admin)
    tab = dialog.grid_people
    assert tab.select_grid(OTHER_GRID)
    form = tab.edit_selected()
    offered = [form.manager_list.item(i).text() for i in range(form.manager_list.count())]
    assert offered and not any("东安社区" in text for text in offered)  # not another community's
    row = form.add_contact("police")
    form.set_contact(row, "王警官", "13700001234")
    row = form.add_contact("building_head")
    form.set_contact(row, "赵楼长", "")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "saved", timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: tab.select_grid(OTHER_GRID) and len(tab.table.selected().contacts) == 2,
        timeout=TIMEOUT_MS,
    )
    texts = tab.table.cell_texts(tab.table.rows().index(tab.table.selected()))
    assert "王警官 137****1234" in texts and "赵楼长" in texts

    # saved again untouched: the stored phone stays (the form sent "keep", not the mask)
    again = tab.edit_selected()
    again.save_button.click()
    qtbot.waitUntil(lambda: again.state == "saved", timeout=TIMEOUT_MS)
    [grid] = [g for g in admin.grid_people() if g.grid_code == OTHER_GRID]
    assert [(c.name, c.phone) for c in grid.contacts if c.duty == "police"] == [
        ("王警官", "137****1234")
    ]

    # a manager of another community's center is refused by the core, shown in the form
    other = tab.edit_selected()
    gridman_id = next(s.id for s in dialog.reference.staff if s.username == "gridman")
    other.manager_list.clear()
    from PySide6.QtWidgets import QListWidgetItem

    item = QListWidgetItem("gridman", other.manager_list)
    item.setData(0x0100, gridman_id)
    item.setCheckState(other.manager_list.item(0).checkState().Checked)
    other.save_button.click()
    qtbot.waitUntil(lambda: other.state == "rejected", timeout=TIMEOUT_MS)
    assert "belongs to another center" in other.status.text()


def test_a_matter_is_added_and_edited(qtbot, writable_demo, backend_of, tmp_path):
    dialog = open_admin(qtbot, backend_of(writable_demo, "admin"))
    tab = dialog.matters
    form = tab.open_new_form()
    form.code_edit.setText("0901")
    form.name_edit.setText("违章搭建")
    form.own_limit.setChecked(True)
    form.days_spin.setValue(3)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "saved", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: tab.table.select_where(lambda t: t.code == "0901"), timeout=TIMEOUT_MS)
    assert tab.table.cell_texts(tab.table.rows().index(tab.table.selected()))[4] == "3 d 0 h"
    edit = tab.edit_selected()
    assert edit.code_edit.isReadOnly() and edit.days_spin.value() == 3
    edit.active_box.setChecked(False)
    edit.save_button.click()
    qtbot.waitUntil(lambda: edit.state == "saved", timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: tab.table.select_where(lambda t: t.code == "0901" and not t.active),
        timeout=TIMEOUT_MS,
    )

    path = tmp_path / "matters.csv"
    write_csv(
        path, ["编码", "大类", "事项"], [["0902", "矛盾纠纷", "物业纠纷"], ["0903", "无此类", "x"]]
    )
    importer = tab.open_import()
    importer.start_import(path)
    qtbot.waitUntil(lambda: importer.state == "rejected", timeout=TIMEOUT_MS)
    assert "row 3" in importer.report_text()
    assert not tab.table.select_where(lambda t: t.code == "0902")


def test_the_local_rules_are_set_in_their_form(qtbot, writable_demo, backend_of):
    from commandcenter.domain.codes import SizingRule
    from commandcenter.domain.enums import SpecialGroup

    admin = backend_of(writable_demo, "admin")
    dialog = open_admin(qtbot, admin)
    form = dialog.matters.open_local_rules()
    assert not form.save_button.isEnabled()
    qtbot.waitUntil(lambda: form.loaded, timeout=TIMEOUT_MS)
    assert form.households_min.value() == 300 and form.households_max.value() == 500
    assert form.visit_days[SpecialGroup.COMMUNITY_CORRECTION].value() == 7
    form.households_min.setValue(500)
    form.households_max.setValue(1000)
    form.visit_days[SpecialGroup.ELDERLY_ALONE].setValue(5)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "saved", timeout=TIMEOUT_MS)
    rules = admin.local_rules()
    assert rules.sizing == SizingRule(500, 1000, 1000)
    days = {v.group: v.days for v in rules.visits}
    assert days[SpecialGroup.ELDERLY_ALONE] == 5 and days[SpecialGroup.DISABLED] == 30
    # a minimum above the maximum: the core's refusal in the form, nothing changed
    again = dialog.matters.open_local_rules()
    qtbot.waitUntil(lambda: again.loaded, timeout=TIMEOUT_MS)
    again.households_min.setValue(2000)
    again.save_button.click()
    qtbot.waitUntil(lambda: again.state == "rejected", timeout=TIMEOUT_MS)
    assert "min ≤ max" in again.status.text() and admin.local_rules() == rules


def test_units_refused_by_the_core_show_the_report(qtbot, writable_demo, backend_of):
    dialog = open_admin(qtbot, backend_of(writable_demo, "admin"))
    units = dialog.units
    assert [u.code for u in units.table.rows()][:2] == ["321202000000", "321202001000"]
    add = units.open_add()
    add.codes_edit.setPlainText("321202001000 12345")
    add.save_button.click()
    qtbot.waitUntil(lambda: add.state == "rejected", timeout=TIMEOUT_MS)
    report = add.report.toPlainText()
    # every code's problem (the demo has no division list imported: nothing can be added)
    assert "12345: A division code must have 12 digits" in report
    assert "321202001000: not in the division list" in report
    assert "No unit was added." in add.status.text() and add.isVisible()


def test_the_menu_offers_administration_to_administrators_only(qtbot, demo_database, backend_of):
    def console_menu_actions(username):
        window = MainWindow(backend_of(demo_database, username))
        qtbot.addWidget(window)
        menu = window.menuBar().actions()[0].menu()
        return window, menu.actions()

    window, actions = console_menu_actions("duty")
    assert window.administration_action not in actions
    assert window.basedata_action in actions
    window, actions = console_menu_actions("handler")
    assert window.basedata_action not in actions and window.administration_action not in actions
    window, actions = console_menu_actions("admin")
    assert window.administration_action in actions and window.basedata_action in actions
    dialog = window.open_administration()
    qtbot.waitUntil(dialog.is_loaded, timeout=TIMEOUT_MS)
    assert dialog.tabs.count() == 6
    dialog.close()


def test_the_screens_speak_chinese(qapp):
    from PySide6.QtCore import QCoreApplication

    from commandcenter.domain.enums import SpecialGroup
    from ui.common import i18n
    from ui.common.labels import label

    i18n.install_language(qapp, "zh_CN")
    assert QCoreApplication.translate("AdministrationDialog", "Administration") == "系统管理"
    assert QCoreApplication.translate("BaseDataBrowser", "Base data") == "基础数据"
    assert QCoreApplication.translate("PeopleTab", "Show in clear…") == "显示明文…"
    # the same English word, two meanings
    assert label(SpecialGroup.DISABLED) == "残疾人"
    assert QCoreApplication.translate("StaffTab", "Disabled") == "已停用"
