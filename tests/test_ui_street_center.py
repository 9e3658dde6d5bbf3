"""Issue 13's walkthrough through the console's screens: a street center set up on an empty
database by its administrator in the administration window and the base-data browser — the
command line only makes the first administrator (who else could log in?) — then every new
account logs in and sees exactly its jurisdiction."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402

import pytest  # noqa: E402

from commandcenter.backend import LocalCenter  # noqa: E402
from commandcenter.domain.enums import DepartmentKind  # noqa: E402
from commandcenter.errors import PermissionDenied  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from ui.admin.administration import AdministrationDialog  # noqa: E402
from ui.admin.basedata_browser import BaseDataBrowser  # noqa: E402
from ui.admin.grid_import import GridImportDialog  # noqa: E402
from ui.data.console import Console  # noqa: E402

try:
    from .cli_runner import run_cli
    from .street_center import (
        ADMIN,
        ADMIN_PASSWORD,
        DONGAN,
        DONGFENG,
        DONGKANG,
        GRIDS,
        SAMPLES,
        STREET,
        residents_by_grid,
    )
except ImportError:
    from cli_runner import run_cli
    from street_center import (
        ADMIN,
        ADMIN_PASSWORD,
        DONGAN,
        DONGFENG,
        DONGKANG,
        GRIDS,
        SAMPLES,
        STREET,
        residents_by_grid,
    )

TIMEOUT_MS = 30_000
pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def center(tmp_path, migrated_sqlite_file):
    target = tmp_path / "center.db"
    shutil.copyfile(migrated_sqlite_file, target)
    url = f"sqlite:///{target}"
    assert run_cli("import-divisions", str(SAMPLES / "divisions.csv"), db=url).returncode == 0
    founded = run_cli(
        "center", "found", STREET, "--admin", ADMIN, "--stdin", db=url, input=ADMIN_PASSWORD + "\n"
    )
    assert founded.returncode == 0, founded.stderr
    database = open_database(url)
    yield LocalCenter(database)
    database.dispose()


def wait_done(qtbot, dialog, done="done"):
    qtbot.waitUntil(lambda: dialog.state not in ("idle", "running", "saving"), timeout=TIMEOUT_MS)
    report = dialog.report_text() if hasattr(dialog, "report_text") else ""
    assert dialog.state == done, (dialog.state, dialog.status.text(), report)


def test_a_street_center_set_up_through_the_console_screens(qtbot, center):
    admin = center.login(ADMIN, ADMIN_PASSWORD)
    console = Console(admin)
    window = AdministrationDialog(console)
    qtbot.addWidget(window)
    qtbot.waitUntil(window.is_loaded, timeout=TIMEOUT_MS)
    assert [u.code for u in window.units.table.rows()] == [STREET]

    # 辖区: the three communities under the street, each with its center
    add = window.units.open_add()
    add.codes_edit.setPlainText(f"{DONGAN}\n{DONGKANG} {DONGFENG}")
    add.save_button.click()
    wait_done(qtbot, add, "saved")
    qtbot.waitUntil(lambda: len(window.units.table.rows()) == 4, timeout=TIMEOUT_MS)

    # the grids, through the map's grid import (the administrator's jurisdiction grew)
    grids = GridImportDialog(console)
    qtbot.addWidget(grids)
    grids.start_import(SAMPLES / "grids.geojson")
    wait_done(qtbot, grids)

    # 部门: the two departments the staff file names
    for name, kind in (
        ("城东派出所", DepartmentKind.PUBLIC_SECURITY),
        ("城东城管中队", DepartmentKind.URBAN_MANAGEMENT),
    ):
        form = window.departments.open_new_form()
        form.center_combo.setCurrentIndex(form.center_combo.findText("城东街道网格化服务管理中心"))
        form.name_edit.setText(name)
        form.kind_combo.setCurrentIndex(form.kind_combo.findData(kind.value))
        form.save_button.click()
        wait_done(qtbot, form, "saved")

    # 事项清单, 人员: from the sample files, through the tabs' import
    matters = window.matters.open_import()
    matters.start_import(SAMPLES / "matters.csv")
    wait_done(qtbot, matters)
    window.reference.reload()
    qtbot.waitUntil(lambda: window.reference.is_loaded, timeout=TIMEOUT_MS)
    staff = window.staff.open_import()
    staff.start_import(SAMPLES / "staff.xlsx")
    wait_done(qtbot, staff)
    passwords = dict(window.staff.pending_passwords)
    assert len(passwords) == 11

    # 基础数据: houses, residents (XLSX), organisations (GB18030 CSV) through the browser
    browser = BaseDataBrowser(Console(admin))
    qtbot.addWidget(browser)
    qtbot.waitUntil(browser.is_loaded, timeout=TIMEOUT_MS)
    for kind, file in (
        ("houses", "houses.xlsx"),
        ("people", "residents.xlsx"),
        ("organisations", "organisations.csv"),
    ):
        importer = browser.open_import(kind)
        importer.start_import(SAMPLES / file)
        wait_done(qtbot, importer)
    counts = residents_by_grid()
    qtbot.waitUntil(lambda: browser.people.hits.total == sum(counts.values()), timeout=TIMEOUT_MS)

    # every new account logs in and sees exactly its jurisdiction
    def log_in(username):
        return center.login(username, passwords[username])

    for username in ("cd.duty", "cd.dispatch", "cd.lead"):
        backend = log_in(username)
        assert backend.search_people().total == sum(counts.values())
        assert len(backend.search_organisations()) == 4
    leader = log_in("da.leader")
    assert leader.search_people().total == counts[GRIDS[DONGAN, 1]] + counts[GRIDS[DONGAN, 2]]
    for username, grid in (
        ("da.li", GRIDS[DONGAN, 1]),
        ("da.zhang", GRIDS[DONGAN, 2]),
        ("df.yang", GRIDS[DONGFENG, 1]),
        ("df.huang", GRIDS[DONGFENG, 2]),
    ):
        manager = log_in(username)
        hits = manager.search_people()
        assert hits.total == counts[grid], username
        assert {row.grid_code for row in hits.rows} == {grid}
    assert log_in("dk.liu").search_people().total == (
        counts[GRIDS[DONGKANG, 1]] + counts[GRIDS[DONGKANG, 2]]
    )
    for username in ("cd.police", "cd.urban"):
        with pytest.raises(PermissionDenied):
            log_in(username).search_people()
    # the grid leader's grids in hand (the field app's map): 东安's two, nothing else
    names = {g.grid_id: g.grid_code for g in admin.grid_people()}
    assert {names[g.id] for g in leader.my_grids()} == {GRIDS[DONGAN, 1], GRIDS[DONGAN, 2]}
    lines = admin.operation_log(action="import")
    assert {line.target.split(" ")[0] for line in lines} >= {
        "grids",
        "staff",
        "matters",
        "houses",
        "residents",
        "organisations",
    }
