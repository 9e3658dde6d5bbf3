"""The wall's core without Qt: layouts, stream choice, tours, snapshots and attachments."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import pytest

from commandcenter.backend import LocalBackend
from commandcenter.cases.operations import FileData
from commandcenter.domain.enums import AttachmentKind, CaseCategory, CaseSource
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.schedule.workcalendar import WorkingCalendar
from commandcenter.storage import open_database
from commandcenter.storage.models import Attachment, AttachmentContent, Camera, Case
from commandcenter.video.snapshot import png_text, save_snapshot, snapshot_png
from commandcenter.video.wall import (
    LAYOUTS,
    MAIN_STREAM_MIN_HEIGHT,
    StreamChoice,
    Tour,
    TourProblem,
    choose_stream,
    load_tours,
    save_tours,
    tour_pages,
)
from commandcenter.workflow import attachments
from commandcenter.workflow.engine import CaseWorkflow

try:
    from .workflow_district import build_district
except ImportError:
    from workflow_district import build_district

TAKEN = dt.datetime(2026, 11, 26, 15, 4, 5)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts_tile_their_grid_exactly(name):
    side, cells = LAYOUTS[name]
    covered = np.zeros((side, side), int)
    for cell in cells:
        covered[cell.row : cell.row + cell.rows, cell.column : cell.column + cell.columns] += 1
    assert (covered == 1).all()
    expected = {"1": 1, "4": 4, "9": 9, "16": 16, "25": 25, "1+5": 6, "1+7": 8}[name]
    assert len(cells) == expected
    if "+" in name:
        assert cells[0].rows == cells[0].columns == side - 1  # the big one comes first


def test_stream_choice_by_tile_size_and_override():
    small, large = MAIN_STREAM_MIN_HEIGHT - 1, MAIN_STREAM_MIN_HEIGHT
    assert choose_stream(small, has_sub=True) == "sub"
    assert choose_stream(large, has_sub=True) == "main"
    assert choose_stream(small, has_sub=False) == "main"  # nothing else to play
    assert choose_stream(small, True, StreamChoice.MAIN) == "main"
    assert choose_stream(large, True, StreamChoice.SUB) == "sub"


def test_tour_pages():
    assert tour_pages([1, 2, 3, 4, 5], 2) == [(1, 2), (3, 4), (5,)]
    assert tour_pages([], 4) == [()]


def test_snapshot_names_the_camera_and_the_time(tmp_path):
    image = np.zeros((72, 128, 3), np.uint8)
    image[:, :64] = (0, 0, 255)
    data = snapshot_png(
        image, device_id="32120200001320000001", camera_name="东安路口", taken_at=TAKEN
    )
    texts = png_text(data)
    assert texts["Camera"] == "32120200001320000001" and texts["Title"] == "东安路口"
    assert texts["Creation Time"] == "2026-11-26T15:04:05"
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(decoded, image)  # the picture is untouched, losslessly
    first = save_snapshot(tmp_path, image, device_id="3212", camera_name="x", taken_at=TAKEN)
    second = save_snapshot(tmp_path, image, device_id="3212", camera_name="x", taken_at=TAKEN)
    assert first.name == "3212_20261126-150405.png" and second != first and second.exists()


@pytest.fixture
def world(db_url):
    database = open_database(db_url)
    with database.session() as session, session.begin():
        district = build_district(session)
        for i, (center, grid) in enumerate((("c1", "G1"), ("c2", "G2")), start=1):
            session.add(
                Camera(
                    id=i,
                    device_id=f"3212020010013200000{i}",
                    name=f"摄像机{i}",
                    lon=119.905 + i / 100,
                    lat=32.485,
                    grid_id=district.grids[grid],
                    center_id=district.centers[center],
                    main_url=f"rtsp://127.0.0.1/cam{i}",
                )
            )
    yield database, district
    database.dispose()


def test_tours_are_saved_checked_and_filtered(world):
    database, district = world
    with database.session() as s, s.begin():
        duty = district.actor(s, "duty")  # the street: both cameras
        save_tours(s, duty, [Tour("夜间巡查", (1, 2), 20), Tour("东安", (1,), 10)])
    with database.session() as s:
        assert load_tours(s) == [Tour("夜间巡查", (1, 2), 20), Tour("东安", (1,), 10)]
        # Someone of one community sees only its camera in the shared tour.
        leader = district.actor(s, "cduty1")
        assert load_tours(s, leader)[0].camera_ids == (1,)
    with database.session() as s:
        refusals = [
            ("cduty1", [Tour("x", (2,), 10)], TourProblem),  # camera of another community
            ("duty", [Tour("x", (1,), 1)], TourProblem),  # dwell too short
            ("duty", [Tour("x", (1,), 10), Tour("x", (2,), 10)], TourProblem),  # same name
            ("duty", [Tour(" ", (1,), 10)], TourProblem),
            ("duty", [Tour("x", (), 10)], TourProblem),
            ("gm1", [Tour("x", (1,), 10)], PermissionDenied),
        ]
        for username, tours, error in refusals:
            with pytest.raises(error):
                save_tours(s, district.actor(s, username), tours)
        s.rollback()
    with database.session() as s:
        assert [t.name for t in load_tours(s)] == ["夜间巡查", "东安"]  # nothing changed


def report_case(database, district, username="duty", grid="G1"):
    with database.session() as s, s.begin():
        actor = district.actor(s, username)
        flow = CaseWorkflow(s, calendar=WorkingCalendar())
        return flow.report(
            actor,
            grid_id=district.grids[grid],
            source=CaseSource.VIDEO_PATROL,
            category=CaseCategory.PUBLIC_ORDER,
            title="视频巡查发现聚集",
            camera_id=1,
        ).case_id


def console(database, district, username):
    with database.session() as s:
        return LocalBackend(database, district.actor(s, username))


def test_snapshot_attached_to_a_case_once_per_content(world):
    database, district = world
    case_id = report_case(database, district)
    data = snapshot_png(
        np.zeros((8, 8, 3), np.uint8), device_id="1", camera_name="c", taken_at=TAKEN
    )
    duty = console(database, district, "duty")
    for _ in range(2):
        duty.attach(case_id, FileData("1.png", data, "image/png"), AttachmentKind.SNAPSHOT)
    with database.session() as s:
        rows = s.query(Attachment).filter_by(case_id=case_id).all()
        assert len(rows) == 2 and s.query(AttachmentContent).count() == 1
        assert attachments.content(s, district.actor(s, "duty"), rows[0].id) == data
        with pytest.raises(PermissionDenied):  # another community's duty officer
            attachments.content(s, district.actor(s, "cduty2"), rows[0].id)


def test_attach_refusals(world):
    database, district = world
    case_id = report_case(database, district)
    outsider = console(database, district, "cduty2")
    duty = console(database, district, "duty")
    photo = FileData("a.png", b"x", "image/png")
    with pytest.raises(TransitionRefused) as raised:
        outsider.attach(case_id, photo, AttachmentKind.PHOTO)
    assert raised.value.reason == "jurisdiction"
    with pytest.raises(TransitionRefused):
        duty.attach(case_id, FileData("a.png", b"", "image/png"), AttachmentKind.PHOTO)
    with pytest.raises(TransitionRefused):
        duty.attach(999_999, photo, AttachmentKind.PHOTO)
    with pytest.raises(TransitionRefused):
        duty.attach("20991231000", photo, AttachmentKind.PHOTO)  # no such code
    with database.session() as s, s.begin():
        s.get(Case, case_id).state = type(s.get(Case, case_id).state)("closed")
    with pytest.raises(TransitionRefused):
        duty.attach(case_id, photo, AttachmentKind.PHOTO)
    with database.session() as s:
        assert s.query(Attachment).count() == 0 and s.get(Case, case_id).version == 1
