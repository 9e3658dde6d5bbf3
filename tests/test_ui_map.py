"""The live grid map in the real console on the demo district: clicking, search, new cases,
pan and zoom, the legend's measure, cameras, the basemap and the import menu."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent, QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel  # noqa: E402
from test_ui_console import (  # noqa: E402, F401 - fixtures are used by name
    LOAD_TIMEOUT_MS,
    actor,
    chinese,
    demo_clock,
    open_window,
)

from commandcenter.errors import PermissionDenied  # noqa: E402
from commandcenter.geo.choropleth import Measure  # noqa: E402
from commandcenter.geo.grid_import import import_grids  # noqa: E402
from commandcenter.geo.mapdata import lonlat_to_mercator  # noqa: E402
from commandcenter.geo.tiles import tiles_for_view  # noqa: E402
from commandcenter.schedule.deadlines import DeadlineStatus  # noqa: E402
from ui.map.view import RENDER_MARGIN_PX, MapView  # noqa: E402


def idle_map(qtbot, window) -> MapView:
    window.show_view("map")
    map_view = window.map_view
    qtbot.waitExposed(map_view)
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    return map_view


def markers_off(window) -> None:
    """Clicks then land on grids, never on a case or camera marker."""
    window.map_panel.switches["cases"].setChecked(False)
    window.map_panel.switches["cameras"].setChecked(False)


def screen_point(map_view: MapView, lon: float, lat: float) -> QPoint:
    x, y = lonlat_to_mercator(lon, lat)
    sx, sy = map_view.viewport.to_screen(float(x), float(y))
    return QPointF(sx, sy).toPoint()


def inside_grid(map_view: MapView, grid_id: int) -> QPoint:
    x, y = map_view.grid_layer.label_point(grid_id)
    sx, sy = map_view.viewport.to_screen(x, y)
    return QPointF(sx, sy).toPoint()


def panel_texts(window) -> list[str]:
    """The title and every field of the details panel."""
    details = window.details
    texts = [details.title.text()]
    for row in range(details.form.rowCount()):
        item = details.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if item is not None and isinstance(item.widget(), QLabel):
            texts.append(item.widget().text())
    return texts


def test_clicking_a_grid_fills_the_panel_with_its_links(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    markers_off(window)
    cameras_by_grid = {}
    for camera in window.console.cameras.values():
        cameras_by_grid.setdefault(camera.grid_id, []).append(camera)
    grid_id = max(cameras_by_grid, key=lambda g: len(cameras_by_grid[g]))
    grid = window.console.grids[grid_id]

    with qtbot.waitSignal(map_view.gridSelected, timeout=2000) as signal:
        qtbot.mouseClick(map_view, Qt.MouseButton.LeftButton, pos=inside_grid(map_view, grid_id))
    assert signal.args == [grid_id]
    assert window.details.current == ("grid", grid_id)
    assert map_view.selected_grid == grid_id
    texts = panel_texts(window)
    for expected in (grid.code, grid.name, str(grid.households), str(grid.population)):
        assert expected in texts
    assert any(c.name in "\n".join(texts) for c in cameras_by_grid[grid_id])
    # Managers with their work phone, masked by the core.
    assert grid.manager_phones and all("****" in p for p in grid.manager_phones)
    assert any(grid.manager_phones[0] in t for t in texts)

    # From the panel: the grid's cameras on the wall, its cases on the board.
    window.details.widget().findChild(type(window.wall.all_button), "gridCameras").click()
    assert window.current_view() == "wall"
    assert {c.id for c in window.wall.cameras} == {c.id for c in cameras_by_grid[grid_id]}
    window.details.widget().findChild(type(window.wall.all_button), "gridCases").click()
    assert window.current_view() == "board"
    board = window.board
    shown = {
        board.model.case_at(board.proxy.mapToSource(board.proxy.index(r, 0)).row()).code
        for r in range(board.row_count())
    }
    expected = {r.code for r in window.console.store.open_rows() if r.grid_id == grid_id}
    assert shown == expected and len(expected) == grid.open_cases


def test_search_finds_and_centres(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    panel = window.map_panel
    far_grid = max(
        window.console.grids.values(),
        key=lambda g: abs(g.centroid[0] - 119.9) + abs(g.centroid[1] - 32.5),
    )
    map_view.set_viewport(map_view.viewport.zoomed_at(8.0, 5, 5))  # look elsewhere first
    qtbot.keyClicks(panel.search_box, far_grid.code)
    qtbot.waitUntil(lambda: not panel.is_searching() and bool(panel.results), timeout=5000)
    assert (panel.results[0].kind, panel.results[0].id) == ("grid", far_grid.id)
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not map_view.is_flying(), timeout=5000)
    layer = map_view.grid_layer
    min_x, min_y, max_x, max_y = layer.bounds[layer.index_of(far_grid.id)]
    view = map_view.viewport
    assert min_x <= view.centre_x <= max_x and min_y <= view.centre_y <= max_y
    assert view.bbox()[0] <= min_x and max_x <= view.bbox()[2]  # the whole grid is in view
    assert window.details.current == ("grid", far_grid.id)

    # A community by name: the tree's unit is selected.
    community = next(
        n for n in window.console.units.values() if n.grids and n.id != far_grid.community_id
    )
    panel.search(community.name)
    qtbot.waitUntil(lambda: not panel.is_searching() and bool(panel.results), timeout=5000)
    panel.choose(panel.results[0])
    assert window.details.current == ("unit", community.id)


def test_a_new_case_reported_on_the_map_appears_on_it(qtbot, writable_demo):
    window = open_window(qtbot, writable_demo)
    map_view = idle_map(qtbot, window)
    geometry = map_view.prepared_geometry
    grid = max(window.console.grids.values(), key=lambda g: g.population)
    point = inside_grid(map_view, grid.id)
    menu = map_view.context_menu(QPointF(point))
    action = next(a for a in menu.actions() if a.objectName() == "newCaseHere")
    assert grid.name in action.text()
    action.trigger()
    dialog = window.new_case_dialog
    dialog.title_edit.setText("测试：窨井盖缺失")  # QTest types ASCII only
    dialog.category.setCurrentIndex(dialog.category.count() - 1)  # "other": no duplicate near
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.state != "saving", timeout=10_000)
    if dialog.state == "duplicate":
        dialog.submit(allow_duplicate=True)
        qtbot.waitUntil(lambda: dialog.state != "saving", timeout=10_000)
    assert dialog.state == "done"
    qtbot.waitUntil(
        lambda: any(r.title == "测试：窨井盖缺失" for r in map_view.case_rows), timeout=10_000
    )
    row = next(r for r in map_view.case_rows if r.title == "测试：窨井盖缺失")
    assert row.grid_id == grid.id and row.status_at(window.console.loaded_at) is (
        DeadlineStatus.NONE
    )
    # The marker is there: a click at its place finds it (alone or in a cluster).
    kind, found = map_view.hit(QPointF(screen_point(map_view, row.lon, row.lat)))
    assert (kind == "case" and found.id == row.id) or (
        kind == "cases" and row.id in {r.id for r in found}
    )
    # The grid's figures changed (counted from the store), its geometry was not prepared again.
    qtbot.waitUntil(
        lambda: window.console.grids[grid.id].open_cases == grid.open_cases + 1, timeout=10_000
    )
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    assert map_view.prepared_geometry is geometry
    assert map_view.grid_at(QPointF(point)).open_cases == grid.open_cases + 1


def wheel(widget, pos: QPointF, notches: int) -> None:
    event = QWheelEvent(
        pos,
        widget.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def mouse(widget, kind, pos: QPointF, buttons) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def test_drag_wheel_and_keys_move_the_map(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    fitted = map_view.viewport
    cursor = QPointF(200, 150)
    under = map_view.viewport.to_world(cursor.x(), cursor.y())
    wheel(map_view, cursor, 2)  # two notches in: one zoom level, around the cursor
    assert map_view.viewport.zoom == pytest.approx(fitted.zoom + 1)
    assert map_view.viewport.to_world(cursor.x(), cursor.y()) == pytest.approx(under)

    start = map_view.viewport
    left = Qt.MouseButton.LeftButton
    mouse(map_view, QEvent.Type.MouseButtonPress, QPointF(300, 300), left)
    mouse(map_view, QEvent.Type.MouseMove, QPointF(340, 320), left)
    mouse(map_view, QEvent.Type.MouseMove, QPointF(400, 350), left)
    mouse(map_view, QEvent.Type.MouseButtonRelease, QPointF(400, 350), Qt.MouseButton.NoButton)
    moved = map_view.viewport
    assert moved.to_screen(*start.to_world(300, 300)) == pytest.approx((400.0, 350.0))
    assert window.details.current is None or window.details.current[0] != "grid"  # no click

    map_view.setFocus()
    qtbot.keyClick(map_view, Qt.Key.Key_Minus)
    assert map_view.viewport.zoom == pytest.approx(moved.zoom - 1)
    qtbot.keyClick(map_view, Qt.Key.Key_Left)
    qtbot.keyClick(map_view, Qt.Key.Key_Home)  # back to the whole jurisdiction
    qtbot.waitUntil(lambda: not map_view.is_flying(), timeout=5000)
    assert map_view.viewport == fitted
    # Every grid is in view again, and the picture caught up.
    x0, y0, x1, y1 = map_view.jurisdiction_extent()
    bx0, by0, bx1, by1 = map_view.viewport.bbox()
    assert bx0 <= x0 and by0 <= y0 and x1 <= bx1 and y1 <= by1
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)


def test_the_legend_chooses_the_measure(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    legend = window.map_panel.legend
    layer = map_view.grid_layer
    grids = [window.console.grids[i] for i in layer.ids.tolist()]

    def classes_follow(values) -> bool:
        classes = map_view.scene.grid_classes
        order = np.argsort(values, kind="stable")
        ranked = classes[order]
        zero = np.asarray(values) == 0
        return bool((classes[zero] == 0).all() and (np.diff(ranked) >= 0).all())

    assert classes_follow([g.open_cases for g in grids])
    legend.measure_box.setCurrentIndex(legend.measure_box.findData(Measure.OVERDUE))
    assert map_view.measure is Measure.OVERDUE
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    assert classes_follow([g.overdue_cases for g in grids])
    labels = [text for _, text in legend.classes_view.entries]
    assert labels[0] == "0" and len(labels) == len(map_view.classes)
    legend.measure_box.setCurrentIndex(legend.measure_box.findData(Measure.PER_THOUSAND))
    rates = [g.open_cases * 1000 / g.population if g.population else np.nan for g in grids]
    finite = [r if r == r else -1 for r in rates]
    assert classes_follow(finite) or any(r != r for r in rates)


def test_camera_markers_click_and_show_online(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    window.map_panel.switches["cases"].setChecked(False)
    # The demo's cameras play files that exist: all online once checked.
    qtbot.waitUntil(
        lambda: len(map_view.camera_online) == len(window.console.cameras), timeout=10_000
    )
    assert all(map_view.camera_online.values())
    map_view.set_viewport(
        map_view.viewport.zoomed_at(8.0, map_view.width() / 2, map_view.height() / 2)
    )
    camera = min(
        window.console.cameras.values(),
        key=lambda c: (
            abs(c.lon - map_view.lonlat_at(map_view.rect().center())[0])
            + abs(c.lat - map_view.lonlat_at(map_view.rect().center())[1])
        ),
    )
    map_view.centre_on_lonlat(camera.lon, camera.lat, zoom=19, animate=False)
    with qtbot.waitSignal(map_view.cameraSelected, timeout=2000) as signal:
        qtbot.mouseClick(
            map_view, Qt.MouseButton.LeftButton, pos=screen_point(map_view, camera.lon, camera.lat)
        )
    assert signal.args == [camera.id]
    assert window.details.current == ("camera", camera.id)
    window.details.widget().findChild(type(window.wall.all_button), "cameraOnWall").click()
    assert window.current_view() == "wall" and window.wall.selected_camera == camera.id
    assert camera in window.wall.visible_cameras()


def test_basemap_tiles_show_under_the_grids(qtbot, demo_database, tmp_path):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    margin = 2 * RENDER_MARGIN_PX + 64  # the base image reaches beyond the widget
    view = map_view.viewport.resized(map_view.width() + margin, map_view.height() + margin)
    zoom, tiles = tiles_for_view(view.bbox(), view.metres_per_pixel, 0, 18)
    ok, png = cv2.imencode(".png", np.full((256, 256, 3), (200, 0, 200), np.uint8))  # magenta
    for x, y in tiles:
        folder = tmp_path / "tiles" / str(zoom) / str(x)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{y}.png").write_bytes(png.tobytes())
    window.use_basemap(str(tmp_path / "tiles"), False)
    qtbot.waitUntil(lambda: map_view.basemap is not None, timeout=5000)
    qtbot.waitUntil(map_view.is_idle, timeout=LOAD_TIMEOUT_MS)
    image = map_view.base_image()
    corner = image.pixelColor(5, 5)  # outside every grid: the tile alone
    assert (corner.red(), corner.green(), corner.blue()) == (200, 0, 200)

    window.use_basemap(str(tmp_path / "no-such-folder"), False)  # a clear refusal, no basemap
    qtbot.waitUntil(lambda: map_view.basemap is None, timeout=5000)


def test_grid_import_is_for_administrators_only(qtbot, demo_database, tmp_path):
    duty = open_window(qtbot, demo_database, "duty")
    assert not duty.import_action.isEnabled()
    admin = open_window(qtbot, demo_database, "admin")
    assert admin.import_action.isEnabled()
    dialog = admin.open_grid_import()
    assert dialog.isVisible()
    dialog.close()
    # The core refuses a non-administrator whatever the screens offer.
    path = tmp_path / "grids.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with demo_database.session() as session, pytest.raises(PermissionDenied):
        import_grids(session, path, actor=actor(demo_database, "duty"))


def test_choosing_in_the_tree_brings_the_grid_into_view(qtbot, demo_database):
    window = open_window(qtbot, demo_database)
    map_view = idle_map(qtbot, window)
    layer = map_view.grid_layer
    grid_id = int(layer.ids[-1])
    map_view.set_viewport(map_view.viewport.centred_on(0.0, 0.0, 15))  # far away
    window.tree.gridSelected.emit(grid_id)
    qtbot.waitUntil(lambda: not map_view.is_flying(), timeout=5000)
    min_x, min_y, max_x, max_y = layer.bounds[layer.index_of(grid_id)]
    x0, y0, x1, y1 = map_view.viewport.bbox()
    assert x0 <= min_x and y0 <= min_y and max_x <= x1 and max_y <= y1
    still = map_view.viewport
    window.tree.gridSelected.emit(grid_id)  # already in view: the map stays put
    assert not map_view.is_flying() and map_view.viewport == still
