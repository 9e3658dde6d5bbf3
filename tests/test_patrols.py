"""Rounds (巡查) and positions: stamped by the server's clock less the phone's own measure of
their age, refused outside China, shown to the consoles whose jurisdiction holds the worker."""

from __future__ import annotations

import pytest

from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.patrols import PhonePosition

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW
except ImportError:
    from conftest import DEMO_NOW


def test_a_round_with_positions_shows_on_the_map_of_its_jurisdiction(writable_demo, backend_of):
    gridman = backend_of(writable_demo, "gridman")
    gridman.start_patrol()
    assert gridman.start_patrol().value == gridman.start_patrol().value  # one round at a time
    # Three positions kept through a dead zone: the phone says how old each is.
    points = tuple(
        PhonePosition(119.9100 + i * 0.0005, 32.4900, 8.0, age_s=120 - i * 60) for i in range(3)
    )
    assert gridman.send_positions(points).value == 3
    duty, leader = backend_of(writable_demo, "duty"), backend_of(writable_demo, "leader")
    workers = {w.user_id: w for w in duty.field_workers()}
    me = workers[gridman.actor.user_id]
    assert me.on_patrol and me.name == "张网格员"
    assert me.track == tuple((p.lon, p.lat) for p in points)  # oldest first
    assert me.last_at == DEMO_NOW and (me.lon, me.lat) == (points[-1].lon, points[-1].lat)
    assert gridman.actor.user_id in {w.user_id for w in leader.field_workers()}
    gridman.end_patrol()
    assert not {w.user_id: w for w in duty.field_workers()}[gridman.actor.user_id].on_patrol


def test_bad_positions_keep_nothing(writable_demo, backend_of):
    gridman = backend_of(writable_demo, "gridman")
    good = PhonePosition(119.91, 32.49)
    for bad, why in (
        (PhonePosition(32.49, 119.91), "outside China"),  # swapped
        (PhonePosition(0.0, 0.0), "outside China"),
        (PhonePosition(119.91, 32.49, age_s=3 * 24 * 3600), "older than a day"),
    ):
        with pytest.raises(TransitionRefused) as refused:
            gridman.send_positions((good, bad))
        assert why in str(refused.value)
    assert gridman.actor.user_id not in {w.user_id for w in gridman.field_workers()}
    with pytest.raises(PermissionDenied):
        backend_of(writable_demo, "duty").start_patrol()


def test_a_worker_of_another_community_is_not_on_a_leaders_map(writable_demo, backend_of):
    from sqlalchemy import select

    from commandcenter.access.accounts import actor_for
    from commandcenter.backend import LocalBackend
    from commandcenter.clock import ManualClock
    from commandcenter.domain.enums import Role
    from commandcenter.storage.models import User

    leader = backend_of(writable_demo, "leader")
    with writable_demo.session() as session:
        others = session.scalars(select(User).where(User.role == Role.GRID_MANAGER)).all()
        other = next(u for u in others if u.center_id not in leader.actor.jurisdiction_center_ids)
        actor = actor_for(session, other)
    LocalBackend(writable_demo, actor, ManualClock(DEMO_NOW)).send_positions(
        (PhonePosition(119.92, 32.48),)
    )
    assert other.id in {w.user_id for w in backend_of(writable_demo, "duty").field_workers()}
    assert other.id not in {w.user_id for w in leader.field_workers()}


def test_the_console_map_shows_who_is_out(qtbot, writable_demo, backend_of):
    """The duty officer's map draws each field worker's track and last position, read in a
    worker; a round ended shows as seen today, not out."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.shell.main_window import MainWindow

    gridman = backend_of(writable_demo, "gridman")
    gridman.start_patrol()
    gridman.send_positions(
        tuple(
            PhonePosition(119.9100 + i * 0.001, 32.4920, 8.0, age_s=60 - i * 20) for i in range(3)
        )
    )
    window = MainWindow(backend_of(writable_demo, "duty"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready, timeout=60_000)
    view = window.map_view
    qtbot.waitUntil(lambda: bool(view._field_workers), timeout=10_000)
    (worker, xs, ys), *_ = view._field_workers
    assert worker.name == "张网格员" and worker.on_patrol and len(xs) == 3
    view.centre_on_lonlat(worker.lon, worker.lat, 17.0, animate=False)
    qtbot.waitUntil(view.is_idle, timeout=20_000)
    sx, sy = view.viewport.to_screen(xs, ys)
    image = view.grab().toImage()
    ratio = image.width() / view.width()
    dot = image.pixelColor(round(float(sx[-1]) * ratio), round(float(sy[-1]) * ratio))
    assert dot.name() == "#3ddc84"  # the last position, in the colour of a worker out now
    gridman.end_patrol()
    window.console.read_field_workers()
    qtbot.waitUntil(lambda: not view._field_workers[0][0].on_patrol, timeout=10_000)
