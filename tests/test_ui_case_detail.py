"""The case tab: buttons only for steps the core allows, a case moved through its loop by
them, and a refused step showing the core's reason."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import select  # noqa: E402
from test_ui_console import (  # noqa: E402, F401 - fixtures are used by name
    LOAD_TIMEOUT_MS,
    actor,
    chinese,
    demo_clock,
    open_window,
)

from commandcenter.cases.detail import perform  # noqa: E402
from commandcenter.domain.enums import CaseState  # noqa: E402
from commandcenter.storage.models import Case  # noqa: E402
from commandcenter.workflow.rules import Action  # noqa: E402


def first_case(database, state: CaseState) -> int:
    with database.session() as s:
        return s.scalar(select(Case.id).where(Case.state == state).order_by(Case.id))


def opened(qtbot, window, case_id):
    view = window.case_view
    window.open_case(case_id)
    qtbot.waitUntil(lambda: view.is_idle() and view.detail is not None, timeout=LOAD_TIMEOUT_MS)
    assert view.detail.id == case_id and window.current_view() == "case"
    return view


def test_a_case_moves_through_its_loop_by_the_buttons(qtbot, writable_demo):
    window = open_window(qtbot, writable_demo, "duty")
    case_id = first_case(writable_demo, CaseState.REPORTED)
    view = opened(qtbot, window, case_id)
    buttons = view.action_buttons()
    assert Action.FILE in buttons and Action.DECLINE in buttons
    steps_before = view.timeline.topLevelItemCount()
    # A step that needs a reason is not taken without one: the core says why.
    buttons[Action.DECLINE].click()
    view.action_dialog.accept()  # empty reason
    qtbot.waitUntil(lambda: view.message.isVisibleTo(view) and view.is_idle(), timeout=10_000)
    assert "reason" in view.message.text().lower() and view.detail.state is CaseState.REPORTED
    view.action_buttons()[Action.FILE].click()  # no reason needed: taken at once
    qtbot.waitUntil(lambda: view.detail.state is CaseState.FILED, timeout=10_000)
    assert view.timeline.topLevelItemCount() == steps_before + 1
    # Dispatch asks where to: a department of the center.
    view.action_buttons()[Action.DISPATCH].click()
    dialog = view.action_dialog
    target = dialog.inputs["target"]
    assert target.count() > 0
    dialog.accept()
    qtbot.waitUntil(lambda: view.detail.state is CaseState.DISPATCHED, timeout=10_000)
    assert target.itemText(target.currentIndex()) in view.detail.holder
    # The board and the map follow (the console reloads after a step).
    qtbot.waitUntil(
        lambda: any(
            r.id == case_id and r.state is CaseState.DISPATCHED
            for r in window.console.store.open_rows()
        ),
        timeout=10_000,
    )


def test_only_allowed_steps_have_buttons(qtbot, demo_database):
    window = open_window(qtbot, demo_database, "gridman")
    case_id = first_case(demo_database, CaseState.HANDLING)
    view = window.case_view
    window.open_case(case_id)
    qtbot.waitUntil(view.is_idle, timeout=LOAD_TIMEOUT_MS)
    if view.detail is None:  # outside the grid manager's grid: refused with a reason
        assert view.state == "failed" and view.message.text()
        return
    assert Action.ACCEPT not in view.action_buttons()


def test_a_step_another_console_took_first_is_refused_with_what_changed(qtbot, writable_demo):
    window = open_window(qtbot, writable_demo, "duty")
    case_id = first_case(writable_demo, CaseState.REPORTED)
    view = opened(qtbot, window, case_id)
    seen_version = view.detail.version
    # Another console files it first.
    with writable_demo.session() as s, s.begin():
        perform(
            s,
            actor(writable_demo, "dispatcher"),
            case_id,
            Action.FILE,
            expected_version=seen_version,
        )
    view.action_buttons()[Action.FILE].click()
    qtbot.waitUntil(
        lambda: view.state in ("refused", "shown") and view.message.isVisibleTo(view),
        timeout=10_000,
    )
    assert "file" in view.message.text().lower() or "#" in view.message.text()
    qtbot.waitUntil(lambda: view.detail.version == seen_version + 1, timeout=10_000)
    assert view.detail.state is CaseState.FILED and Action.FILE not in view.action_buttons()


def test_new_case_placed_on_the_map_with_a_photo(qtbot, writable_demo, tmp_path):
    import cv2
    import numpy as np
    from PySide6.QtCore import QPointF

    from commandcenter.storage.models import Attachment

    photo = tmp_path / "现场.jpg"
    photo.write_bytes(cv2.imencode(".jpg", np.full((40, 60, 3), 90, np.uint8))[1].tobytes())
    window = open_window(qtbot, writable_demo, "duty")
    window.pick_place_for_new_case()
    map_view = window.map_view
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    assert map_view.picking
    layer = map_view.grid_layer
    grid_id = int(layer.ids[0])
    x, y = layer.label_point(grid_id)
    map_view.click(QPointF(*map_view.viewport.to_screen(x, y)))
    dialog = window.new_case_dialog
    assert not map_view.picking and dialog.grid_id == grid_id
    dialog.title_edit.setText("路灯不亮")
    dialog.add_photos([str(photo)])
    dialog.submit(allow_duplicate=True)
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    with writable_demo.session() as s:
        case = s.scalars(select(Case).where(Case.title == "路灯不亮")).one()
        assert case.grid_id == grid_id
        (attachment,) = s.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
        assert attachment.filename == "现场.jpg" and attachment.media_type == "image/jpeg"


def test_a_new_case_under_a_matter_of_the_list(qtbot, writable_demo):
    """The report form offers the list of matters (事项清单): a matter sets the category and
    raises the urgency to its own, and the case keeps it."""
    import datetime as dt

    from PySide6.QtCore import QPointF

    from commandcenter.admin.catalogue import load_standard_list
    from commandcenter.domain.enums import CaseCategory, Urgency
    from commandcenter.storage.models import CaseType

    with writable_demo.session() as s, s.begin():
        load_standard_list(s, None, dt.datetime(2026, 11, 26, 9))
    window = open_window(qtbot, writable_demo, "duty")
    window.pick_place_for_new_case()
    map_view = window.map_view
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    layer = map_view.grid_layer
    x, y = layer.label_point(int(layer.ids[0]))
    map_view.click(QPointF(*map_view.viewport.to_screen(x, y)))
    dialog = window.new_case_dialog
    qtbot.waitUntil(lambda: dialog.matter.isEnabled(), timeout=10_000)
    index = next(i for i in range(dialog.matter.count()) if "消防安全" in dialog.matter.itemText(i))
    dialog.matter.setCurrentIndex(index)
    assert dialog.category.currentData() == CaseCategory.SAFETY_HAZARD
    assert not dialog.category.isEnabled()
    assert dialog.urgency.currentData() == Urgency.URGENT
    dialog.title_edit.setText("楼道电动车充电")
    dialog.submit(allow_duplicate=True)
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    with writable_demo.session() as s:
        case = s.scalars(select(Case).where(Case.title == "楼道电动车充电")).one()
        assert s.get(CaseType, case.case_type_id).name == "消防安全"
        assert case.urgency is Urgency.URGENT


def test_exports_from_the_console(qtbot, writable_demo, tmp_path):
    import openpyxl
    import pypdf

    from commandcenter.storage.models import OperationLogEntry

    window = open_window(qtbot, writable_demo, "duty")
    window.show_alert("overdue")  # the list of overdue cases, as the alert strip opens it
    assert window.board_tab.mode == "list"
    shown = [r.code for r in window.board.shown_rows()]
    assert shown
    target = tmp_path / "list.xlsx"
    window.export_case_list(str(target))
    qtbot.waitUntil(lambda: "list.xlsx" in window.statusBar().currentMessage(), timeout=10_000)
    sheet = openpyxl.load_workbook(target).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == shown  # exactly the rows shown, in their order
    report = tmp_path / "report.pdf"
    window.export_monthly_report(str(report), "2026-10")
    qtbot.waitUntil(lambda: "report.pdf" in window.statusBar().currentMessage(), timeout=30_000)
    assert len(pypdf.PdfReader(report).pages) >= 3
    with writable_demo.session() as s:  # each export has its line in the operation log
        lines = s.scalars(select(OperationLogEntry).where(OperationLogEntry.action == "export"))
        targets = {(line.username, line.target, line.detail) for line in lines}
    assert ("duty", "case list list.xlsx", f"{len(shown)} rows") in targets
    assert ("duty", "monthly report 2026-10", "1 rows") in targets
