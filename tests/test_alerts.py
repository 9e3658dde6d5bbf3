"""What rings a console (commandcenter.alerts): a critical case, a 督办 from above, a key-site
camera offline — decided from real changes read back through the backend, as a console reads
them from its change feed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from commandcenter.access.cases import holds
from commandcenter.alerts import Alert, AlertKind, camera_alerts, case_alerts
from commandcenter.cameras.rows import CameraRow
from commandcenter.domain.enums import CaseCategory, CaseSource, Urgency
from commandcenter.errors import ImportRejected
from commandcenter.workflow.rules import Action

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend


def _kinds(alerts: list[Alert]) -> list[tuple[AlertKind, int]]:
    return [(a.kind, a.subject_id) for a in alerts]


def test_a_supervision_order_from_the_county_is_an_alert_at_the_street(writable_demo):
    duty = demo_backend(writable_demo, "duty")  # the street's duty officer
    supervisor = demo_backend(writable_demo, "supervisor")  # the county's
    street = duty.load_console()
    county = supervisor.load_console()
    held = {r.id: r for r in street.rows}
    case = next(
        r
        for r in street.rows
        if r.state.is_open
        and not r.supervision_open
        and r.urgency is not Urgency.CRITICAL
        and holds(duty.actor, r)  # so that the street can reply
    )
    version = supervisor.take_step(
        case.id, Action.SUPERVISE, expected_version=case.version, comment="限期办结", hours=24
    ).value.version
    update = duty.changes_since(street.mark)
    row = next(r for r in update.rows if r.id == case.id)
    assert row.supervision_open and row.supervising_center_ids == {supervisor.actor.center_id}
    assert _kinds(case_alerts(duty.actor, held, update.rows)) == [(AlertKind.SUPERVISION, case.id)]
    alert = case_alerts(duty.actor, held, update.rows)[0]
    assert alert.title == row.title and alert.code == row.code and not alert.opens_camera
    # At the county the order is its own, not from above; nor is it news to the console
    # that issued it.
    county_held = {r.id: r for r in county.rows}
    assert case_alerts(supervisor.actor, county_held, update.rows) == []
    assert case_alerts(duty.actor, held, update.rows, own_case_ids={case.id}) == []
    # Seen once: the same open order read again is no new alert; a second order from the same
    # center neither.
    seen = {r.id: r for r in update.rows}
    supervisor.take_step(
        case.id, Action.SUPERVISE, expected_version=version, comment="再次督办", hours=12
    )
    again = duty.changes_since(update.mark)
    assert case_alerts(duty.actor, seen, again.rows) == []
    # The street replies to both: the orders close, nothing rings.
    replied = {r.id: r for r in again.rows}
    for _ in range(2):
        current = next(r for r in duty.changes_since(street.mark).rows if r.id == case.id)
        duty.take_step(
            case.id, Action.REPLY_SUPERVISION, expected_version=current.version, comment="已办"
        )
    final = next(r for r in duty.changes_since(again.mark).rows if r.id == case.id)
    assert not final.supervision_open and final.supervising_center_ids == frozenset()
    assert case_alerts(duty.actor, replied, [final]) == []


def test_a_critical_report_from_another_console_is_an_alert(writable_demo):
    duty = demo_backend(writable_demo, "duty")
    dispatcher = demo_backend(writable_demo, "dispatcher")  # another desk of the same center
    street = duty.load_console()
    held = {r.id: r for r in street.rows}
    grid_id = street.rows[0].grid_id
    fields = {
        "source": CaseSource.HOTLINE_12345,
        "category": CaseCategory.SAFETY_HAZARD,
        "title": "燃气泄漏告警测试",
        "grid_id": grid_id,
    }
    critical = dispatcher.report_case(
        {**fields, "urgency": Urgency.CRITICAL}, allow_duplicate=True
    ).value
    normal = dispatcher.report_case({**fields, "title": "普通来电测试"}, allow_duplicate=True).value
    update = duty.changes_since(street.mark)
    assert {critical.case_id, normal.case_id} <= {r.id for r in update.rows}
    assert _kinds(case_alerts(duty.actor, held, update.rows)) == [
        (AlertKind.CRITICAL_CASE, critical.case_id)
    ]
    # At the dispatcher's own console both are its own doing.
    own = {critical.case_id, normal.case_id}
    assert case_alerts(dispatcher.actor, held, update.rows, own_case_ids=own) == []
    # A case raised to critical rings; one already critical does not ring again.
    row = next(r for r in update.rows if r.id == normal.case_id)
    raised = replace(row, urgency=Urgency.CRITICAL)
    assert _kinds(case_alerts(duty.actor, {row.id: row}, [raised])) == [
        (AlertKind.CRITICAL_CASE, row.id)
    ]
    assert case_alerts(duty.actor, {row.id: raised}, [raised]) == []
    # A closed case is history, whatever its urgency.
    closed = next(r for r in street.rows if not r.state.is_open)
    assert case_alerts(duty.actor, {}, [replace(closed, urgency=Urgency.CRITICAL)]) == []


def _camera(camera_id: int, *, key_site=True, enabled=True) -> CameraRow:
    return CameraRow(
        camera_id, f"3212020000131100{camera_id:04d}", f"学校门口{camera_id}", 119.9, 32.4,
        1, "第一网格", "rtsp://127.0.0.1:9/x", None, enabled, key_site,
    )  # fmt: skip


def test_a_key_site_camera_going_offline_is_an_alert_once():
    key, other, off = _camera(1), _camera(2, key_site=False), _camera(3, enabled=False)
    cameras = [key, other, off]
    # Found offline on the first check: nobody has seen it yet.
    first = camera_alerts(cameras, {}, {1: False, 2: False, 3: False})
    assert _kinds(first) == [(AlertKind.CAMERA_OFFLINE, 1)]
    assert first[0].opens_camera and first[0].title == key.name and first[0].where == "第一网格"
    # Still offline: no new alert. Back online, then offline again: a new one.
    assert camera_alerts(cameras, {1: False}, {1: False}) == []
    assert camera_alerts(cameras, {1: False}, {1: True}) == []
    assert _kinds(camera_alerts(cameras, {1: True}, {1: False})) == [(AlertKind.CAMERA_OFFLINE, 1)]
    # Not checked this time: says nothing.
    assert camera_alerts(cameras, {1: True}, {}) == []


def test_the_demo_marks_its_key_sites_and_the_registry_keeps_the_flag(writable_demo, tmp_path):
    admin = demo_backend(writable_demo, "admin")
    cameras = admin.camera_list()
    key_sites = [c for c in cameras if c.key_site]
    assert 0 < len(key_sites) < len(cameras)
    # The key-site tour shows exactly them.
    tour = next(t for t in admin.tours() if t.name == "重点部位轮巡")
    assert set(tour.camera_ids) == {c.id for c in key_sites}
    # Through an edit …
    camera = next(c for c in cameras if not c.key_site)
    stored = admin.stored_camera(camera.id)
    admin.update_camera(camera.id, replace(stored.data, key_site=True))
    assert next(c for c in admin.camera_list() if c.id == camera.id).key_site
    # … and through the CSV file, both ways (重点部位 column).
    exported = tmp_path / "cameras.csv"
    admin.export_cameras_csv(exported)
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert "key_site" in lines[0].split(",")
    column = lines[0].split(",").index("key_site")
    flags = {line.split(",")[0]: line.split(",")[column] for line in lines[1:]}
    assert flags[camera.device_id] == "1"
    assert sum(flag == "1" for flag in flags.values()) == len(key_sites) + 1
    edited = [lines[0]] + [
        ",".join(
            "0" if i == column and line.startswith(camera.device_id) else cell
            for i, cell in enumerate(line.split(","))
        )
        for line in lines[1:]
    ]
    exported.write_text("\n".join(edited) + "\n", encoding="utf-8-sig")
    admin.import_cameras_csv(exported, replace=True)
    assert not next(c for c in admin.camera_list() if c.id == camera.id).key_site
    # A word the import does not know is a problem named with its line, and nothing changes.
    text = exported.read_text(encoding="utf-8-sig")
    exported.write_text(text.replace(",0,tcp", ",maybe,tcp", 1), encoding="utf-8-sig")
    with pytest.raises(ImportRejected) as refused:
        admin.import_cameras_csv(exported, replace=True)
    assert any("key_site 'maybe'" in problem for problem in refused.value.problems)
    assert len([c for c in admin.camera_list() if c.key_site]) == len(key_sites)
