#!/usr/bin/env python3
"""Render a console with a detached video window offscreen on two screens, as the README's
screenshot: the duty officer's window on the map (left screen) and the video wall in its own
window (right screen), side by side in one PNG.

    python scripts/detached_screenshot.py --db sqlite:///demo.db [--out docs/screenshot-detached.png]

The database must hold the demo district (``commandcenter demo --db URL --today 2026-11-26``)
with its clips; the console's clock stands at the demo's "now". The layout is saved in a
settings organisation of its own (removed afterwards), never in the user's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)
SCREEN = (1600, 1000)  # each of the two offscreen screens
GAP = 24  # between the two windows in the picture
PLAY_MS = 2000


def two_screens() -> None:
    """Two offscreen screens side by side, named like real monitors."""
    config = {
        "screens": [
            {"name": name, "x": i * SCREEN[0], "y": 0, "width": SCREEN[0], "height": SCREEN[1]}
            | {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
            for i, name in enumerate(("DP-1", "HDMI-2"))
        ]
    }
    path = Path(tempfile.mkdtemp(prefix="screens-")) / "screens.json"
    path.write_text(json.dumps(config))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="URL of a database holding the demo")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot-detached.png"))
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()
    two_screens()

    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QRect, QSettings
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from commandcenter.backend import LocalCenter
    from commandcenter.clock import ManualClock
    from ui.common import i18n, tasks
    from ui.common.style import apply_style
    from ui.shell.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    QCoreApplication.setOrganizationName("GridCommandCenterScreenshot")
    QCoreApplication.setApplicationName("GridCommandCenter")
    i18n.install_language(app, args.lang)
    apply_style(app)

    def wait_until(condition, timeout_ms: int = 60_000) -> None:
        deadline = QDeadlineTimer(timeout_ms)
        while not condition() and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not condition():
            raise RuntimeError("timed out")

    def pause(ms: int) -> None:
        deadline = QDeadlineTimer(ms)
        while not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    left, right = QGuiApplication.screens()[:2]
    center = LocalCenter.open_existing(args.db, ManualClock(DEMO_NOW))
    window = None
    try:
        window = MainWindow(center.demo_login("duty"))
        window.setScreen(left)
        window.setGeometry(left.geometry())
        window.show()
        window.start()
        wait_until(lambda: window.is_ready)
        window.show_view("map")
        wall_window = window.detach_view("wall")
        wall_window.setScreen(right)
        wall_window.setGeometry(QRect(right.geometry().topLeft(), right.size()))
        wait_until(lambda: window.map_view.is_idle() and window.wall.is_settled())
        pause(PLAY_MS)  # the pictures play a moment, with a measured rate
        camera = next(t.camera for t in window.wall.tiles if t.camera is not None)
        window.select_camera(camera.id)  # selected in the wall's window: details and map follow
        pause(500)
        window.wall.refresh()
        shots = [window.grab().toImage(), wall_window.grab().toImage()]
        height = max(s.height() for s in shots)
        picture = QImage(sum(s.width() for s in shots) + GAP, height, QImage.Format.Format_RGB32)
        picture.fill(QColor("#202428"))
        painter = QPainter(picture)
        painter.drawImage(0, 0, shots[0])
        painter.drawImage(shots[0].width() + GAP, 0, shots[1])
        painter.end()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        if not picture.save(str(args.out), "PNG"):
            raise RuntimeError(f"cannot write {args.out}")
        live = sum(1 for t in window.wall.tiles if t.camera is not None and t.image is not None)
        print(f"wrote {args.out} ({picture.width()}×{picture.height()}, {live} tiles playing)")
    finally:
        if window is not None:
            window.close()
        QSettings().clear()
        tasks.wait_for_all()
        center.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
