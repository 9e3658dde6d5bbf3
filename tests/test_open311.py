"""The Open311 endpoint as a 12345 hotline system uses it, against the center's server as a real
process on PostgreSQL: the services, a report with a photo that becomes a case in 待受理 at the
center of its place (pushed to the street's console within a second), its status read back,
and closed after the center closes the case; bad requests answered in Open311's error format
with nothing saved."""

from __future__ import annotations

import threading
import time

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from commandcenter.backend.remote import RemoteCenter
from commandcenter.channels.open311 import add_integration
from commandcenter.demo.accounts import DEMO_PASSWORD
from commandcenter.domain.enums import CaseSource, CaseState
from commandcenter.storage import open_database
from commandcenter.storage.models import Case, ExternalRequest, Grid
from commandcenter.workflow.rules import Action

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW
    from .server_process import CenterServer
except ImportError:
    from conftest import DEMO_NOW
    from server_process import CenterServer

pytestmark = pytest.mark.postgres
OPEN311 = "/open311/v2"


@pytest.fixture(scope="module")
def hotline(postgres_server, demo_pg_template):
    """A server on a copy of the demo district, with the 12345 hotline's key."""
    name = postgres_server.create_database(template=demo_pg_template)
    url = postgres_server.url_for(name)
    database = open_database(url, migrate=False)
    with database.writer() as session, session.begin():
        key = add_integration(session, "12345", "county-duty1", CaseSource.HOTLINE_12345, DEMO_NOW)
        grid = session.scalar(select(Grid).where(Grid.name.like("东安社区%")).order_by(Grid.id))
        point = (grid.centroid_lon, grid.centroid_lat, grid.id)
    with CenterServer(url) as server:
        yield server, database, key, point
    database.dispose()
    postgres_server.drop_database(name)


def photo() -> bytes:
    picture = np.zeros((120, 160, 3), np.uint8)
    cv2.rectangle(picture, (20, 20), (140, 100), (0, 140, 255), -1)
    return cv2.imencode(".jpg", picture)[1].tobytes()


def cases_count(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(Case.id)))


def test_services_are_the_case_categories(hotline):
    server, _database, _key, _point = hotline
    services = httpx.get(server.url + OPEN311 + "/services.json").json()
    codes = {s["service_code"] for s in services}
    assert "public_order" in codes and "environment" in codes
    assert {s["service_name"] for s in services} >= {"社会治安", "环境卫生"}


def test_a_hotline_report_becomes_a_case_and_is_read_back_until_closed(hotline):
    server, database, key, (lon, lat, grid_id) = hotline
    duty = RemoteCenter(server.url).login("duty", DEMO_PASSWORD)
    arrived: dict[int, float] = {}
    came = threading.Event()

    def on_update(update):
        for row in update.rows:
            arrived.setdefault(row.id, time.monotonic())
        came.set()

    subscription = duty.subscribe(duty.load_console().mark, on_update, lambda *_: None)
    try:
        time.sleep(0.5)
        sent = time.monotonic()
        answer = httpx.post(
            server.url + OPEN311 + "/requests.json",
            data={
                "api_key": key,
                "service_code": "environment",
                "lat": str(lat),
                "long": str(lon),
                "description": "东安社区垃圾桶满溢，异味严重\n来电人称已持续两天",
                "last_name": "王",
                "first_name": "女士",
                "phone": "13912345678",
            },
            files={"media": ("photo.jpg", photo(), "image/jpeg")},
        )
        assert answer.status_code == 200, answer.text + server.log()
        code = answer.json()[0]["service_request_id"]
        with database.session() as session:
            case = session.scalar(select(Case).where(Case.code == code))
            assert case.source is CaseSource.HOTLINE_12345
            assert case.state is CaseState.REPORTED and case.grid_id == grid_id
            assert case.reporter_phone == "13912345678" and case.reporter_name == "王 女士"
        deadline = time.monotonic() + 1.0  # the promise: at the console within a second
        while case.id not in arrived and time.monotonic() < deadline:
            came.wait(0.05)
        assert case.id in arrived, "the report did not reach the console within a second"
        print(f"at the console {(arrived[case.id] - sent) * 1000:.0f} ms after sending")
        detail = duty.case_detail(case.id)
        assert detail.attachments and detail.attachments[0].filename.endswith(".jpg")

        status = httpx.get(
            f"{server.url}{OPEN311}/requests/{code}.json", params={"api_key": key}
        ).json()
        assert status[0]["status"] == "open" and status[0]["service_request_id"] == code
        assert status[0]["status_notes"] == "待受理"

        # The center works the case through the loop to its end.
        handler = RemoteCenter(server.url).login("handler", DEMO_PASSWORD)

        def step(backend, action, comment="", **inputs):
            version = backend.case_detail(case.id).version
            backend.take_step(case.id, action, expected_version=version, comment=comment, **inputs)

        step(duty, Action.FILE)
        target = next(
            t
            for t in duty.dispatch_targets(case.id)
            if t.kind == "department" and t.id == handler.actor.department_id
        )
        step(duty, Action.DISPATCH, department_id=target.id)
        step(handler, Action.ACCEPT)
        step(handler, Action.REPORT_RESULT, "已清运并消毒")
        step(duty, Action.VERIFY, passed=True)
        step(duty, Action.FOLLOW_UP, "电话回访，群众满意", rating=5)
        many = httpx.get(
            server.url + OPEN311 + "/requests.json",
            params={"api_key": key, "service_request_id": f"{code},NOSUCHCODE"},
        ).json()
        assert [r["service_request_id"] for r in many] == [code]
        assert many[0]["status"] == "closed"
        assert many[0]["status_notes"] == "已结案：电话回访，群众满意"
    finally:
        subscription.close()


def test_bad_requests_answer_in_open311_form_and_save_nothing(hotline):
    server, database, key, (lon, lat, _grid) = hotline
    before = cases_count(database)
    good = {
        "api_key": key,
        "service_code": "municipal",
        "lat": str(lat),
        "long": str(lon),
        "description": "路灯不亮",
    }
    tries = {
        "no key": ({**good, "api_key": ""}, None, 403),
        "a wrong key": ({**good, "api_key": "not-a-key"}, None, 403),
        "an unknown service": ({**good, "service_code": "ufo"}, None, 400),
        "no description": ({**good, "description": " "}, None, 400),
        "no place": ({k: v for k, v in good.items() if k not in ("lat", "long")}, None, 400),
        "lat and long swapped": ({**good, "lat": str(lon), "long": str(lat)}, None, 400),
        "a place in no grid": ({**good, "lat": "39.9", "long": "116.4"}, None, 400),
        "not numbers": ({**good, "lat": "north"}, None, 400),
        "an unknown field": ({**good, "priority": "high"}, None, 400),
        "a photo that is not one": (good, {"media": ("x.jpg", b"MZ\x90\x00 not an image")}, 400),
    }
    for what, (data, files, status) in tries.items():
        answer = httpx.post(server.url + OPEN311 + "/requests.json", data=data, files=files)
        assert answer.status_code == status, (what, answer.status_code, answer.text, server.log())
        body = answer.json()
        assert body[0]["code"] == status and body[0]["description"], what
    as_json = httpx.post(server.url + OPEN311 + "/requests.json", json=good)
    assert as_json.status_code == 400
    assert cases_count(database) == before  # nothing half-saved
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(ExternalRequest)) <= 1
    # Another system's key cannot read this system's requests.
    with database.writer() as session, session.begin():
        other = add_integration(session, "website", "county-duty1", CaseSource.RESIDENT, DEMO_NOW)
    mine = httpx.post(server.url + OPEN311 + "/requests.json", data=good).json()
    code = mine[0]["service_request_id"]
    refused = httpx.get(f"{server.url}{OPEN311}/requests/{code}.json", params={"api_key": other})
    assert refused.status_code == 404 and refused.json()[0]["code"] == 404
