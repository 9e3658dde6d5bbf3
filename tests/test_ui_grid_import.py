"""The grid import dialog: a good file imports in the background; every bad file shows the
report naming its problem and leaves the database as it was."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402
from sqlalchemy import select  # noqa: E402

import commandcenter.backend.local as backend_module  # noqa: E402
from commandcenter.access.accounts import actor_for  # noqa: E402
from commandcenter.backend import LocalBackend  # noqa: E402
from commandcenter.domain.enums import Role  # noqa: E402
from commandcenter.storage.models import AdminUnit, Center, User  # noqa: E402
from ui.admin.grid_import import PROGRESS_STEPS, GridImportDialog  # noqa: E402
from ui.data.console import Console  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .test_grid_import import (
        EAST,
        GAUSS_KRUGER_PRJ,
        bad_files,
        code,
        good_features,
        grid_count,
        open_two_communities,
        run_import,
        stored_grids,
        strips,
        write,
        write_shapefile,
    )
except ImportError:
    from test_grid_import import (
        EAST,
        GAUSS_KRUGER_PRJ,
        bad_files,
        code,
        good_features,
        grid_count,
        open_two_communities,
        run_import,
        stored_grids,
        strips,
        write,
        write_shapefile,
    )

TIMEOUT_MS = 30_000


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def database(tmp_path):
    db = open_two_communities(f"sqlite:///{tmp_path / 'ui.db'}")
    yield db
    db.dispose()


def administrator(database):
    """The county's administrator (a center and a user added to the two communities)."""
    with database.session() as s, s.begin():
        county = s.scalar(select(AdminUnit).where(AdminUnit.parent_id.is_(None)))
        center = Center(unit_id=county.id, name="海陵区中心")
        s.add(center)
        s.flush()
        user = User(
            username="admin", display_name="管理员", role=Role.ADMINISTRATOR, center_id=center.id
        )
        s.add(user)
        s.flush()
        return actor_for(s, user)


@pytest.fixture
def dialog(qtbot, database):
    widget = GridImportDialog(Console(LocalBackend(database, administrator(database))))
    qtbot.addWidget(widget)
    return widget


def finish(qtbot, dialog) -> str:
    qtbot.waitUntil(lambda: dialog.state not in ("idle", "running"), timeout=TIMEOUT_MS)
    return dialog.state


def test_good_file_imports_in_the_background(qtbot, dialog, database, tmp_path):
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT_MS) as signal:
        dialog.start_import(write(tmp_path, good_features()))
        assert dialog.state == "running"  # returned at once; the worker does the import
        assert not dialog.import_button.isEnabled()
    result = signal.args[0]
    assert dialog.state == "done"
    assert (result.inserted, result.replaced, result.communities) == (3, 0, 2)
    assert grid_count(database) == 3
    assert dialog.progress_bar.value() == PROGRESS_STEPS
    assert dialog.status.text() == (
        "Imported 3 grid(s) from grids.geojson: 3 new, 0 replaced, in 2 community(ies)."
    )
    assert dialog.report_text() == "" and dialog.report.isHidden()
    assert dialog.import_button.isEnabled()


def test_shapefile_with_replace_and_gcj02(qtbot, dialog, database, tmp_path):
    run_import(database, write(tmp_path, good_features()))
    dialog.start_import(write_shapefile(tmp_path, good_features()), replace=True)
    assert finish(qtbot, dialog) == "done", dialog.report_text()
    assert "0 new, 3 replaced" in dialog.status.text()
    assert dialog.replace_box.isChecked() and not dialog.gcj02_box.isChecked()

    dialog.start_import(write(tmp_path, good_features()[:1], "g.geojson"), gcj02=True)
    assert finish(qtbot, dialog) == "rejected"  # shifted half a kilometre: sticks out
    assert "outside its community" in dialog.report_text()
    assert dialog.gcj02_box.isChecked()


def test_progress_reaches_the_gui_while_the_worker_runs(qtbot, dialog, tmp_path, monkeypatch):
    real_import = backend_module.import_grids

    def slow_import(session, path, *, progress, **options):
        def slower(fraction, message):
            progress(fraction, message)
            time.sleep(0.02)

        return real_import(session, path, progress=slower, **options)

    monkeypatch.setattr(backend_module, "import_grids", slow_import)
    shown = []
    dialog.progress_bar.valueChanged.connect(shown.append)
    dialog.start_import(write(tmp_path, strips(60)))
    dialog.reject()  # no closing while the import runs
    assert dialog.state == "running"
    assert finish(qtbot, dialog) == "done"
    assert shown[-1] == PROGRESS_STEPS
    assert len([v for v in shown if 0 < v < PROGRESS_STEPS]) >= 3
    assert shown == sorted(shown)


BAD_FILES = {
    "bowtie": "invalid polygon: Self-intersection",
    "overlap": f"feature 2 ({code(EAST, 2)}): overlaps feature 1 ({code(EAST, 1)})",
    "outside": f"50% of the grid lies outside its community {EAST}",
    "missing code": "feature 2: has no grid code",
    "malformed code": "invalid code: A grid code must have 19 digits, this one has 14",
    "duplicate": f"feature 3 ({code(EAST, 1)}): duplicate code, feature 1 has it too",
    "broken JSON": "not valid JSON (line 1",
}


@pytest.mark.parametrize("label", [*BAD_FILES, "projected shapefile"])
def test_bad_file_shows_the_report_and_changes_nothing(qtbot, dialog, database, tmp_path, label):
    # One grid is there already, and must stay as it was.
    run_import(database, write(tmp_path, good_features()[2:], "west.geojson"))
    before = stored_grids(database)
    if label == "projected shapefile":
        path = write_shapefile(tmp_path, good_features()[:2], prj=GAUSS_KRUGER_PRJ)
        words = "projected coordinate system 'CGCS2000_3_Degree_GK_CM_120E'"
    else:
        content = next(content for name, content, _ in bad_files() if name == label)
        if isinstance(content, str):
            path = tmp_path / "bad.geojson"
            path.write_text(content, encoding="utf-8")
        else:
            path = write(tmp_path, content, "bad.geojson")
        words = BAD_FILES[label]
    imported = []
    dialog.imported.connect(imported.append)
    dialog.start_import(path)
    assert finish(qtbot, dialog) == "rejected"
    report = dialog.report_text()
    assert words in report, report
    assert "nothing changed" in report
    assert not dialog.report.isHidden() and dialog.report.isReadOnly()
    assert "Nothing was imported" in dialog.status.text()
    assert imported == []
    after = stored_grids(database)
    assert after.keys() == before.keys()
    for grid_code, (*fields, geometry) in before.items():
        assert after[grid_code][:-1] == tuple(fields) and after[grid_code][-1].equals(geometry)


def test_every_problem_is_listed(qtbot, dialog, tmp_path):
    """The report shows all problems, not the first fifty of the command line's."""
    features = [f | {"properties": {"name": "无编号"}} for f in strips(60)]
    dialog.start_import(write(tmp_path, features))
    assert finish(qtbot, dialog) == "rejected"
    lines = dialog.report_text().splitlines()
    assert len([line for line in lines if "has no grid code" in line]) == 60
    assert not any("more" in line for line in lines[1:])


def test_unexpected_error_is_described(qtbot, dialog, database, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(backend_module, "import_grids", broken)
    dialog.start_import(write(tmp_path, good_features()))
    assert finish(qtbot, dialog) == "failed"
    assert "Something went wrong (RuntimeError)" in dialog.status.text()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close).isEnabled()
    assert grid_count(database) == 0
