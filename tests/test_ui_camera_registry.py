"""The camera registry dialog: a camera added through the form appears in the table without its
credentials; a bad device ID shows the core's problem and saves nothing; "Test stream" shows a
verdict; edit keeps the stored password; a CSV import shows its report."""

from __future__ import annotations

import os
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from commandcenter.backend import LocalBackend  # noqa: E402
from commandcenter.cameras import sealing  # noqa: E402
from commandcenter.cameras.registry import CameraInput, add_camera  # noqa: E402
from commandcenter.storage import open_database  # noqa: E402
from commandcenter.storage.models import Camera, CameraCredential  # noqa: E402
from ui.admin.camera_registry import COL_URL, CameraRegistryDialog  # noqa: E402
from ui.data.console import Console  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .test_camera_registry import HEADER, IN_G1, FakeCamera, device, line
    from .workflow_district import build_district
except ImportError:
    from test_camera_registry import HEADER, IN_G1, FakeCamera, device, line
    from workflow_district import build_district

TIMEOUT_MS = 20_000
SECRET = "s3cret-Pw!"


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def site(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'ui.db'}")
    with database.session() as session, session.begin():
        district = build_district(session)
    yield database, district
    database.dispose()


def open_dialog(qtbot, site, username="admin") -> CameraRegistryDialog:
    database, district = site
    with database.session() as session:
        actor = district.actor(session, username)
    dialog = CameraRegistryDialog(Console(LocalBackend(database, actor)))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT_MS)
    return dialog


def fill(form, device_id=None, url="rtsp://10.0.0.1:554/main", point=IN_G1, **extra):
    form.device_edit.setText(device_id or device(1))
    form.name_edit.setText("东安路口")
    form.main_url_edit.setText(url)
    form.lon_edit.setText(str(point[0]))
    form.lat_edit.setText(str(point[1]))
    for name, value in extra.items():
        getattr(form, name).setText(value)


def cameras(database) -> list[tuple[str, str, CameraCredential | None]]:
    with database.session() as session:
        rows = [
            (c.id, c.device_id, c.main_url, session.get(CameraCredential, c.id))
            for c in session.scalars(select(Camera).order_by(Camera.device_id))
        ]
        session.expunge_all()
    return [  # the passwords opened with the key file: stored sealed, never in clear
        (
            device_id,
            url,
            credential
            and SimpleNamespace(
                username=credential.username,
                password=sealing.open_sealed(camera_id, credential.password),
                stored=credential.password,
            ),
        )
        for camera_id, device_id, url, credential in rows
    ]


def test_a_camera_added_in_the_form_appears_in_the_table(qtbot, site):
    database, _ = site
    dialog = open_dialog(qtbot, site)
    assert dialog.device_ids() == []
    form = dialog.open_add_form()
    assert form.password_edit.echoMode() is QLineEdit.EchoMode.Password
    assert form.password_edit.text() == ""
    fill(
        form,
        url=f"rtsp://admin:{SECRET}@10.0.0.1:554/main",
        sub_url_edit="rtsp://10.0.0.1:554/sub",
    )
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
        form.save_button.click()
    assert form.state == "saved" and not form.isVisible()
    qtbot.waitUntil(lambda: dialog.device_ids() == [device(1)], timeout=TIMEOUT_MS)
    url = dialog.proxy.index(0, COL_URL).data()
    assert url == "rtsp://10.0.0.1:554/main"
    shown = " ".join(
        str(dialog.proxy.index(0, c).data(role))
        for c in range(dialog.proxy.columnCount())
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    )
    assert SECRET not in shown and "admin:" not in shown
    [(device_id, main_url, credential)] = cameras(database)
    assert main_url == "rtsp://10.0.0.1:554/main"
    assert (credential.username, credential.password) == ("admin", SECRET)


def test_an_invalid_id_shows_the_problem_and_saves_nothing(qtbot, site):
    database, _ = site
    dialog = open_dialog(qtbot, site)
    changes = []
    dialog.changed.connect(lambda: changes.append(1))
    form = dialog.open_add_form()
    fill(form, device_id=device(1, kind="118"), lon_edit="east")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.state == "rejected", timeout=TIMEOUT_MS)
    problems = form.problem_text()
    assert "type 118 is not a camera" in problems
    assert "the longitude 'east' is not a number" in problems
    assert not form.problems.isHidden() and form.isVisible()
    assert "Not saved" in form.status.text()
    assert cameras(database) == [] and changes == []
    # Corrected, the same form saves.
    fill(form)
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
        form.save_button.click()
    assert [c[0] for c in cameras(database)] == [device(1)]


@pytest.mark.parametrize(
    ("status", "asks", "password", "state", "words"),
    [
        (200, False, None, "live", "Live"),
        (200, True, SECRET, "live", "Live"),
        (200, True, "wrong", "unauthorised", "Log-in refused"),
        (404, False, None, "bad_url", "Wrong address"),
    ],
)
def test_the_test_button_shows_a_verdict(qtbot, site, status, asks, password, state, words):
    server = FakeCamera(status, password=SECRET if asks else None)
    try:
        dialog = open_dialog(qtbot, site)
        form = dialog.open_add_form()
        fill(form, url=server.url())
        if password:
            form.username_edit.setText("admin")
            form.password_edit.setText(password)
        form.test_button.click()
        assert form.test_state == "testing" and not form.test_button.isEnabled()
        qtbot.waitUntil(lambda: form.test_state not in ("idle", "testing"), timeout=TIMEOUT_MS)
        assert form.test_state == state
        assert words in form.verdict_label.text()
        assert SECRET not in form.verdict_label.text()
        assert form.test_button.isEnabled()
    finally:
        server.close()
    assert cameras(site[0]) == []  # testing saves nothing


def test_a_malformed_url_is_a_bad_url_verdict(qtbot, site):
    dialog = open_dialog(qtbot, site)
    form = dialog.open_add_form()
    fill(form, url="rtsp//10.0.0.1/live")
    form.test_button.click()
    qtbot.waitUntil(lambda: form.test_state == "bad_url", timeout=TIMEOUT_MS)
    assert "rtsp://" in form.verdict_label.text()


def test_edit_never_shows_the_password_and_a_blank_one_keeps_it(qtbot, site):
    database, district = site
    server = FakeCamera(200, password=SECRET)
    try:
        with database.session() as session, session.begin():
            actor = district.actor(session, "admin")
            camera_id = add_camera(
                session,
                actor,
                CameraInput(
                    device(2), "old name", server.url(), IN_G1[0], IN_G1[1], username="admin",
                    password=SECRET,
                ),
            )  # fmt: skip
        dialog = open_dialog(qtbot, site)
        dialog.open_edit_form(camera_id)
        qtbot.waitUntil(
            lambda: dialog.form is not None and dialog.form.isVisible(), timeout=TIMEOUT_MS
        )
        form = dialog.form
        assert form.device_edit.text() == device(2) and form.name_edit.text() == "old name"
        assert form.password_edit.text() == "" and form.username_edit.text() == ""
        assert "Stored" in form.password_edit.placeholderText()
        assert not form.forget_box.isHidden()
        # The test uses the stored credentials, read by the worker.
        form.test_button.click()
        qtbot.waitUntil(lambda: form.test_state not in ("idle", "testing"), timeout=TIMEOUT_MS)
        assert form.test_state == "live", form.verdict_label.text()
        form.name_edit.setText("new name")
        assert not form.key_site_box.isChecked()
        form.key_site_box.setChecked(True)  # 重点部位: its going offline is an alert
        with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
            form.save_button.click()
    finally:
        server.close()
    [(_, _, credential)] = cameras(database)
    assert (credential.username, credential.password) == ("admin", SECRET)
    with database.session() as session:
        assert session.scalars(select(Camera.key_site)).one() is True
    qtbot.waitUntil(lambda: dialog.proxy.index(0, 1).data() == "new name", timeout=TIMEOUT_MS)
    assert "key site" in dialog.proxy.index(0, 4).data()


def test_a_csv_import_shows_its_report_or_fills_the_table(qtbot, site, tmp_path):
    dialog = open_dialog(qtbot, site)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, line(1), line(2, main_url="http//x")]) + "\n")
    dialog.start_import(bad)
    qtbot.waitUntil(lambda: dialog.import_state != "running", timeout=TIMEOUT_MS)
    assert dialog.import_state == "rejected"
    assert f"bad.csv:3 ({device(2)}): main URL" in dialog.report_text()
    assert not dialog.report.isHidden() and cameras(site[0]) == []
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, line(1), line(2)]) + "\n")
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
        dialog.start_import(good)
    assert dialog.import_state == "done"
    assert "2 new, 0 updated" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.device_ids() == [device(1), device(2)], timeout=TIMEOUT_MS)


def test_other_roles_see_the_list_but_cannot_change_it(qtbot, site):
    dialog = open_dialog(qtbot, site, username="cduty1")
    assert not dialog.add_button.isEnabled() and not dialog.import_button.isEnabled()
    assert not dialog.edit_button.isEnabled()
    assert dialog.export_button.isEnabled()
    with site[0].session() as session:
        assert session.scalar(select(func.count(Camera.id))) == 0


def test_camera_registry_opens_from_the_console_menu(qtbot, demo_database):
    from test_ui_console import open_window

    window = open_window(qtbot, demo_database, "admin")
    dialog = window.open_camera_registry()
    assert dialog.isVisible()
    qtbot.waitUntil(
        lambda: dialog.table.model().rowCount() == len(window.console.cameras) > 0, timeout=10_000
    )
    dialog.close()
