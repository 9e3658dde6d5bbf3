"""The map's frames during gestures (issue 16): a drag or a wheel notch moves or scales the last
base and marker images and asks workers for new ones; nothing is clustered or stamped in the GUI
thread meanwhile; once the view rests, the picture is the one a fresh render gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
import threading
import weakref

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shapely  # noqa: E402
from PySide6.QtCore import QObject, QPointF  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402

import ui.map.view as map_view_module  # noqa: E402
from commandcenter.cameras.rows import CameraRow  # noqa: E402
from commandcenter.cases.rows import CaseRow  # noqa: E402
from commandcenter.demo.geometry import DEFAULT_CENTRE  # noqa: E402
from commandcenter.domain.enums import (  # noqa: E402
    CaseCategory,
    CaseSource,
    CaseState,
    GridKind,
    Urgency,
)
from commandcenter.geo.mapdata import MapLayer  # noqa: E402
from commandcenter.jurisdiction.tree import GridSummary  # noqa: E402
from commandcenter.schedule.deadlines import DeadlineStatus  # noqa: E402
from ui.common.tasks import GuiThreadGarbageCollector  # noqa: E402
from ui.map.points import Points  # noqa: E402
from ui.map.view import WHEEL_STEP, MapView, PreparedGeometry  # noqa: E402

NOW = dt.datetime(2026, 11, 26, 10, 0)
STEP = 0.004  # degrees: a grid of about 400 m
SIDE = 6  # grids per side


def small_city() -> tuple[PreparedGeometry, list[GridSummary], list[CaseRow], list[CameraRow]]:
    lon0, lat0 = DEFAULT_CENTRE
    polygons, grids, cases, cameras = [], [], [], []
    for i in range(SIDE * SIDE):
        x, y = lon0 + (i % SIDE - SIDE / 2) * STEP, lat0 + (i // SIDE - SIDE / 2) * STEP
        polygons.append(shapely.box(x, y, x + STEP, y + STEP))
        grids.append(
            GridSummary(
                id=i + 1,
                code=f"321202001001{i + 1:03d}01",
                name=f"第{i + 1:02d}网格",
                kind=GridKind.URBAN,
                community_id=1,
                households=300,
                population=1000,
                leader=None,
                managers=(),
                centroid=(x + STEP / 2, y + STEP / 2),
                rings=(),
                open_cases=i % 5,
                overdue_cases=i % 2,
            )
        )
        for k in range(6):  # some near each other (clusters), some alone
            lon = x + STEP * (0.2 + 0.1 * k if k < 3 else 0.5 + 0.002 * k)
            lat = y + STEP * (0.3 + 0.1 * k if k < 3 else 0.5)
            n = len(cases) + 1
            status = list(DeadlineStatus)[n % len(DeadlineStatus)]
            filed = None if status is DeadlineStatus.NONE else NOW - dt.timedelta(hours=5)
            deadline = {
                DeadlineStatus.NONE: None,
                DeadlineStatus.ON_TIME: NOW + dt.timedelta(hours=48),
                DeadlineStatus.NEAR_DUE: NOW + dt.timedelta(minutes=30),
                DeadlineStatus.OVERDUE: NOW - dt.timedelta(hours=2),
            }[status]
            cases.append(
                CaseRow(
                    id=n,
                    code=f"HL2026{n:07d}",
                    title="占道经营",
                    category=CaseCategory.OTHER,
                    source=list(CaseSource)[0],
                    urgency=Urgency.NORMAL,
                    state=CaseState.REPORTED if filed is None else CaseState.HANDLING,
                    grid_id=i + 1,
                    grid_name=grids[-1].name,
                    holder="",
                    reported_at=NOW - dt.timedelta(hours=6),
                    filed_at=filed,
                    deadline=deadline,
                    deadline_status=status,
                    lon=lon,
                    lat=lat,
                )
            )
        cameras.append(
            CameraRow(
                id=i + 1,
                device_id=f"32120200001320{i + 1:06d}",
                name=f"探头{i + 1}",
                lon=x + STEP * 0.8,
                lat=y + STEP * 0.8,
                grid_id=i + 1,
                grid_name=grids[-1].name,
                main_url=f"rtsp://10.0.0.{i + 1}/main",
                sub_url=None,
                enabled=True,
            )
        )
    geometry = PreparedGeometry(
        key=("test-frames",),
        grids=MapLayer.from_polygons([g.id for g in grids], polygons),
        communities=None,
        community_ids=(),
        community_names=(),
        streets=None,
    )
    return geometry, grids, cases, cameras


def idle_view(qtbot) -> MapView:
    geometry, grids, cases, cameras = small_city()
    view = MapView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitExposed(view)
    view.set_now(NOW)
    view.set_prepared(geometry, grids)
    view.set_cameras(cameras)
    view.set_camera_status({c.id: c.id % 3 != 0 for c in cameras})
    view.set_cases(cases)
    view.select(grid=grids[14].id)
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    return view


def frame(view: MapView) -> QImage:
    image = QImage(view.width(), view.height(), QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    view.paint(painter)
    painter.end()
    return image


def fresh_frame(view: MapView) -> QImage:
    """The frame from a base and marker image rendered now, in this thread, for this view."""
    view.render_now()
    view.settle_markers()
    return frame(view)


class GuiThreadMarkerDrawing:
    """Counts marker drawing (clustering and stamping) done in the GUI thread."""

    def __init__(self, monkeypatch):
        self.calls = 0
        original = map_view_module.draw_markers

        def counted(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(map_view_module, "draw_markers", counted)
        original_clusters = Points.clusters

        def clusters(points, *args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                self.calls += 1
            return original_clusters(points, *args, **kwargs)

        monkeypatch.setattr(Points, "clusters", clusters)


def test_a_wheel_notch_scales_the_last_images_and_asks_for_new_ones(qtbot, monkeypatch):
    view = idle_view(qtbot)
    base, markers = view.base_image(), view._marker_layer[0]
    drawing = GuiThreadMarkerDrawing(monkeypatch)
    at = QPointF(200, 150)
    view.zoom_by(WHEEL_STEP, at)
    frame(view)  # the notch's frame: the old images, scaled
    assert drawing.calls == 0
    assert view.base_image() is base and view._marker_layer[0] is markers
    assert not view.is_idle()  # new images are asked for
    view.zoom_by(WHEEL_STEP, at)
    frame(view)
    assert drawing.calls == 0
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    assert view.base_image() is not base and view._marker_layer[0] is not markers
    settled = frame(view)
    assert settled == fresh_frame(view)


def test_a_drag_moves_the_images_and_the_picture_catches_up(qtbot, monkeypatch):
    view = idle_view(qtbot)
    drawing = GuiThreadMarkerDrawing(monkeypatch)
    for _ in range(12):  # 480 px: beyond both images' margins
        view.pan_by(40.0, 0.0)
        frame(view)
    assert drawing.calls == 0
    assert not view.is_idle()
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    assert frame(view) == fresh_frame(view)


def test_changed_cases_and_selection_reach_the_marker_image(qtbot):
    view = idle_view(qtbot)
    before = view._marker_layer
    rows = list(view.case_rows)
    moved = dataclasses.replace(rows[0], lon=rows[5].lon, lat=rows[5].lat)
    view.apply_cases([moved], [rows[1].id])
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    assert view._marker_layer is not before
    assert len(view.case_rows) == len(rows) - 1
    assert frame(view) == fresh_frame(view)
    # A new selection: its outline is in the next marker image.
    view.select(grid=1)
    assert not view.is_idle()
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    assert frame(view) == fresh_frame(view)


def test_a_selected_case_is_ringed_where_it_is(qtbot):
    view = idle_view(qtbot)
    row = view.case_rows[3]
    view.select(case=row.id, grid=row.grid_id)
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    image = frame(view)
    x, y = map_view_module.lonlat_to_mercator(row.lon, row.lat)
    sx, sy = view.viewport.to_screen(float(x), float(y))
    ring = image.pixelColor(round(sx + 14), round(sy))  # on the yellow ring
    assert ring.red() > 200 and ring.green() > 180 and ring.blue() < 120


class Node:
    pass


def test_the_collector_freezes_survivors_and_its_deep_collection_still_frees_old_cycles(qapp):
    """A full collection freezes what survives it (the next ones skip a city's worth of
    objects); the periodic deep collection still reclaims a cycle among frozen objects."""
    parent = QObject()
    collector = GuiThreadGarbageCollector(parent, deep_interval_s=3600.0)
    collector._timer.stop()
    try:
        node = Node()
        node.me = node  # a cycle: only the cyclic collector frees it
        probe = weakref.ref(node)
        collector.collect(2)
        assert gc.get_freeze_count() > 0
        del node
        collector.collect(2)  # frozen: a full collection no longer looks at it
        assert probe() is not None
        collector.collect_deep()
        assert probe() is None
    finally:
        gc.unfreeze()
