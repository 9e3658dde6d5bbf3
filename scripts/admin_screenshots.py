#!/usr/bin/env python3
"""Render the administration window (staff tab) and the base-data browser (people tab)
offscreen on a demo district, as the README's screenshots.

    python scripts/admin_screenshots.py --db sqlite:///demo.db [--out docs] [--lang zh_CN]

The database must hold the demo district (``commandcenter demo --db URL --today 2026-11-26``);
the console's clock stands at the demo's "now" so the pictures do not depend on the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEMO_NOW = dt.datetime(2026, 11, 26, 16, 0)
SIZE = (1400, 820)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="URL of a database holding the demo")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()

    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, Qt
    from PySide6.QtWidgets import QApplication

    from commandcenter.backend import LocalCenter
    from commandcenter.clock import ManualClock
    from ui.admin.administration import AdministrationDialog
    from ui.admin.basedata_browser import BaseDataBrowser
    from ui.common import i18n, tasks
    from ui.common.style import apply_style
    from ui.data.console import Console

    app = QApplication([sys.argv[0]])
    i18n.install_language(app, args.lang)
    apply_style(app)

    def wait_until(condition, timeout_ms: int = 60_000) -> None:
        deadline = QDeadlineTimer(timeout_ms)
        while not condition() and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not condition():
            raise RuntimeError("timed out")

    def grab(widget, target: Path) -> None:
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.resize(*SIZE)
        widget.show()
        for _ in range(10):
            app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        image = widget.grab()
        if image.isNull() or not image.save(str(target), "PNG"):
            raise RuntimeError(f"cannot write {target}")
        print(f"wrote {target} ({image.width()}×{image.height()})")

    center = LocalCenter.open_existing(args.db, ManualClock(DEMO_NOW))
    try:
        console = Console(center.demo_login("admin"))
        console.start()
        wait_until(lambda: console.is_loaded)

        admin = AdministrationDialog(console)
        admin.show_tab("staff")
        wait_until(admin.is_loaded)
        admin.staff.select_user("gridman")
        grab(admin, args.out / "screenshot-admin.png")
        admin.close()

        browser = BaseDataBrowser(console)
        wait_until(browser.is_loaded)
        browser.people.group_filter.setCurrentIndex(
            browser.people.group_filter.findData("elderly_alone")
        )
        wait_until(browser.is_loaded)
        browser.people.table.selectRow(2)
        grab(browser, args.out / "screenshot-basedata.png")
        browser.close()
        console.stop()
    finally:
        tasks.wait_for_all()
        center.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
