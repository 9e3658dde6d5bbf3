"""Alerts at a console (issue 14): a 督办 from the county, a critical case reported at another
desk, a key-site camera gone offline — each a red notice on the alert strip that opens the case
or camera, with the alert sound unless the officer muted it."""

from __future__ import annotations

import os
import socket
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from test_ui_console import (  # noqa: E402, F401 - fixtures are used by name
    LOAD_TIMEOUT_MS,
    chinese,
    demo_clock,
)
from test_ui_two_consoles import FEED_WAIT_MS, console  # noqa: E402

from commandcenter.access.cases import holds  # noqa: E402
from commandcenter.domain.enums import CaseCategory, CaseSource, Urgency  # noqa: E402
from commandcenter.workflow.rules import Action  # noqa: E402

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import demo_backend
except ImportError:
    from conftest import demo_backend


def test_a_supervision_order_and_a_critical_case_ring_and_open_the_case(qtbot, writable_demo):
    window = console(qtbot, writable_demo.url, "duty")
    window.sound.player = None  # the bell: no player process to wait for (tested below)
    window.sound_action.setChecked(True)  # whatever another test left in the settings
    strip = window.alerts
    played: list[str] = []
    window.sound.played.connect(played.append)
    assert not strip.notice.isVisible() and strip.sound_button.isChecked()
    assert window.sound.enabled

    # The county's supervisor orders a case of the street to be handled (督办).
    supervisor = demo_backend(writable_demo, "supervisor")
    case = next(
        r
        for r in window.console.store.open_rows()
        if not r.supervision_open and r.urgency is not Urgency.CRITICAL and holds(window.actor, r)
    )
    supervisor.take_step(
        case.id, Action.SUPERVISE, expected_version=case.version, comment="限期办结", hours=24
    )
    qtbot.waitUntil(strip.notice.isVisible, timeout=FEED_WAIT_MS)
    assert strip.notice.property("alarm") is True
    assert "督办" in strip.notice.text() and case.title in strip.notice.text()
    assert played == ["alert"]

    # Muted: the next alert shows, silently; the switch on the strip says so.
    strip.sound_button.click()
    assert not window.sound_action.isChecked() and not window.sound.enabled
    assert "♪" in strip.sound_button.text() and strip.sound_button.text() != ""
    dispatcher = demo_backend(writable_demo, "dispatcher")
    critical = dispatcher.report_case(
        {
            "source": CaseSource.HOTLINE_12345,
            "category": CaseCategory.SAFETY_HAZARD,
            "urgency": Urgency.CRITICAL,
            "title": "燃气泄漏告警测试",
            "grid_id": case.grid_id,
        },
        allow_duplicate=True,
    ).value
    qtbot.waitUntil(lambda: "燃气泄漏告警测试" in strip.notice.text(), timeout=FEED_WAIT_MS)
    assert played == ["alert"]
    # The critical case is both an alert and a new report: the alert shows first, the
    # others wait behind it (+2: the 督办 and the report).
    shown = strip.current_notice().text
    assert len(strip.notices) == 3 and "2" in strip.notice.text().removeprefix(shown)

    # A click opens the case of the notice shown, and the next one takes its place.
    strip.notice.click()
    qtbot.waitUntil(
        lambda: (
            window.case_view.detail is not None and window.case_view.detail.id == critical.case_id
        ),
        timeout=FEED_WAIT_MS,
    )
    assert window.current_view() == "case"
    assert case.title in strip.notice.text() and strip.notice.property("alarm") is True
    strip.notice.click()
    qtbot.waitUntil(lambda: window.case_view.detail.id == case.id, timeout=FEED_WAIT_MS)
    # What is left is the plain report (yellow, not an alarm); ✕ clears it.
    assert strip.notice.isVisible() and strip.notice.property("alarm") is False
    strip.clear_button.click()
    assert not strip.notice.isVisible() and strip.notices == []
    # The switch is remembered for the next start.
    again = console(qtbot, writable_demo.url, "duty")
    assert not again.sound_action.isChecked() and not again.sound.enabled
    again.sound_action.setChecked(True)
    again.close()
    window.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens on it once closed


def test_a_key_site_camera_gone_offline_rings_and_opens_the_camera(qtbot, writable_demo):
    admin = demo_backend(writable_demo, "admin")
    key_site = next(c for c in admin.camera_list() if c.key_site)
    stored = admin.stored_camera(key_site.id)
    dead = f"rtsp://127.0.0.1:{_closed_port()}/live"
    admin.update_camera(key_site.id, replace(stored.data, main_url=dead, sub_url=dead))
    ordinary = next(c for c in admin.camera_list() if not c.key_site)
    stored = admin.stored_camera(ordinary.id)
    admin.update_camera(ordinary.id, replace(stored.data, main_url=dead, sub_url=dead))

    window = console(qtbot, writable_demo.url, "duty")
    window.sound.player = None  # the bell: no player process to wait for (tested below)
    window.sound_action.setChecked(True)  # whatever another test left in the settings
    strip = window.alerts
    played: list[str] = []
    window.sound.played.connect(played.append)
    qtbot.waitUntil(lambda: bool(window.console.camera_online), timeout=FEED_WAIT_MS * 2)
    assert window.console.camera_online[key_site.id] is False
    assert window.console.camera_online[ordinary.id] is False
    # Only the key site rings; the ordinary camera is offline on the map, without an alert.
    qtbot.waitUntil(strip.notice.isVisible, timeout=FEED_WAIT_MS)
    assert [n.target for n in strip.notices] == [key_site.id]
    assert strip.notices[0].camera and key_site.name in strip.notice.text()
    assert strip.notice.property("alarm") is True
    # Checked again, still offline: no second alert, no sound.
    played.clear()  # the first check may have answered before the test listened
    window.console.set_camera_status(dict(window.console.camera_online))
    assert len(strip.notices) == 1 and played == []
    # Back online, then gone again: a second alert, with its sound (once the first alert's
    # tone, which may have started before the test turned to the bell, has ended).
    qtbot.waitUntil(lambda: not window.sound.is_playing, timeout=FEED_WAIT_MS)
    online = dict(window.console.camera_online)
    window.console.set_camera_status({**online, key_site.id: True})
    window.console.set_camera_status(online)
    assert [n.target for n in strip.notices] == [key_site.id, key_site.id]
    assert played == ["alert"]
    # The notice opens the camera: on the map, in the details panel.
    strip.notice.click()
    assert window.current_view() == "map"
    assert window.details.current == ("camera", key_site.id)
    assert [n.target for n in strip.notices] == [key_site.id]  # the second, still to see
    window.close()


def test_the_wall_shows_the_newest_alert_for_ten_minutes(qtbot, writable_demo):
    from test_ui_wall_display import close, open_display, two_pages

    from commandcenter.display import parse_profile
    from ui.display.window import ALERT_SHOWN_S

    backend = demo_backend(writable_demo, "duty")
    display = open_display(qtbot, backend, parse_profile(two_pages()), feed_interval_ms=200)
    assert display.alert_label.isHidden()
    dispatcher = demo_backend(writable_demo, "dispatcher")
    grid_id = next(iter(display.console.grids))
    dispatcher.report_case(
        {
            "source": CaseSource.HOTLINE_12345,
            "category": CaseCategory.SAFETY_HAZARD,
            "urgency": Urgency.CRITICAL,
            "title": "大屏告警测试",
            "grid_id": grid_id,
        },
        allow_duplicate=True,
    )
    qtbot.waitUntil(lambda: not display.alert_label.isHidden(), timeout=FEED_WAIT_MS)
    assert "大屏告警测试" in display.alert_label.text() and "◆" in display.alert_label.text()
    # It stays while the clock moves on, and goes after ALERT_SHOWN_S.
    clock = backend.clock
    clock.advance(seconds=ALERT_SHOWN_S - 60)
    display.tick()
    assert not display.alert_label.isHidden()
    clock.advance(seconds=120)
    display.tick()
    assert display.alert_label.isHidden()
    close(display)


def test_the_sound_plays_one_tone_at_a_time_and_not_when_muted(qtbot):
    import wave

    from ui.common.sound import RATE, TONES, ConsoleSound

    sound = ConsoleSound()
    assert sound.player is not None  # ffplay comes with ffmpeg, which the install provides
    played: list[str] = []
    sound.played.connect(played.append)
    sound.enabled = False
    assert not sound.play("alert") and played == [] and not sound.is_playing
    sound.enabled = True
    assert sound.play("alert") and sound.is_playing and played == ["alert"]
    assert not sound.play("report")  # one at a time: a burst of alerts is one sound
    qtbot.waitUntil(lambda: not sound.is_playing, timeout=15_000)
    assert sound.play("report") and played == ["alert", "report"]
    qtbot.waitUntil(lambda: not sound.is_playing, timeout=15_000)
    # The tone files are real WAVs of the tones' length.
    for name, pieces in TONES.items():
        with wave.open(str(sound._file(name))) as tone:
            assert (tone.getframerate(), tone.getnchannels()) == (RATE, 1)
            seconds = tone.getnframes() / RATE
            assert abs(seconds - sum(s for _, s in pieces)) < 0.01
