"""Start-up of the console: options, database, demo data, log-in, main window.

``main(argv, open_center)`` is what ``run.py`` calls; ``open_center(url, on_filling,
progress)`` opens the center's data (``run.py`` gives the one that fills the default database
with the demo on the first start; without one, an empty database is refused). ``--screenshot
FILE`` renders the main window offscreen as a demo user (no log-in dialog) and exits: 0 when
the PNG is written, 1 with a message on stderr otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections import Counter
from pathlib import Path

SCREENSHOT_SIZE = (1600, 1000)
SCREENSHOT_TIMEOUT_MS = 180_000
WALL_PLAY_MS = 1_500  # the wall plays this long before its screenshot
WALL_USER = "wall"  # the demo's display account (大屏展示账号): the wall only reads
ORGANISATION = APPLICATION = "GridCommandCenter"

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Grid Command Center (网格化服务管理指挥中心) console.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (else $COMMANDCENTER_DB, else an SQLite file in the user data folder)",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="the center's server to log in to, e.g. https://host:8443 (instead of a database)",
    )
    parser.add_argument(
        "--server-ca",
        metavar="FILE",
        help="the certificate (PEM) that signed the server's, when not a public one",
    )
    parser.add_argument(
        "--lang", choices=["zh", "zh_CN", "en"], help="interface language (default: Chinese)"
    )
    parser.add_argument(
        "--screenshot", metavar="FILE", type=Path, help="render the main window to a PNG and exit"
    )
    parser.add_argument(
        "--view",
        choices=["map", "board", "wall", "figures", "kpi", "case"],
        default="map",
        help="the view shown in the screenshot (default: map)",
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help="the video-wall display: read-only, borderless, full screen (with --screenshot: "
        "rendered at --size)",
    )
    parser.add_argument(
        "--screen",
        metavar="NAME|INDEX",
        action="append",
        default=[],
        help="wall: the screen to cover, by name (else index); repeat it to span several",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        type=Path,
        help="wall: the wall profile (JSON or TOML) — pages and panels; default: built in",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        default="3840x1080",
        help="wall screenshot: the size rendered (default: 3840x1080)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="screenshot: the demo user to render as (default: duty; with --wall: wall, the "
        "demo's display account); otherwise the name filled in on the log-in dialog",
    )
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None, open_center=None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args, qt_args = parse_args(argv[1:])
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(argv, args, qt_args, open_center or open_existing)
    except Exception as exc:  # the last line of defence: say what happened, exit 1
        traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _run(argv: list[str], args: argparse.Namespace, qt_args: list[str], open_center) -> int:
    # Qt only now: argparse's --help and errors work without a display.
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from ui.common import i18n
    from ui.common.style import apply_style

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([argv[0] if argv else "run.py", *qt_args])
    from ui.common import startup_trace

    startup_trace.mark("qt_application")
    # A screenshot run does not change the user's remembered language.
    i18n.configure_language(app, args.lang, remember=args.screenshot is None)
    apply_style(app)
    # Cyclic garbage is collected in the GUI thread, never in a video or database worker.
    from ui.common.tasks import GuiThreadGarbageCollector, favour_gui_thread

    app._garbage_collector = GuiThreadGarbageCollector(app)
    favour_gui_thread()  # a worker running Python hands the GIL back within 1 ms

    from commandcenter.config import resolve_database_url

    url = resolve_database_url(args.db)
    if args.server:  # a client of the center's server: no database here
        url, open_center = args.server, server_opener(args.server_ca)
    if args.wall:
        from commandcenter.display import load_profile

        profile = load_profile(args.profile)
        if args.screenshot is not None:
            width, height = (int(n) for n in args.size.lower().split("x"))
            return take_wall_screenshot(
                app, url, args.screenshot, (width, height), profile, args.user or WALL_USER,
                open_center,
            )  # fmt: skip
        return run_wall(app, url, args.user or "", open_center, profile, args.screen)
    if args.screenshot is not None:
        return take_screenshot(
            app, url, args.screenshot, args.view, args.user or "duty", open_center
        )
    return run_console(app, url, args.user or "", open_center)


# --- the database ----------------------------------------------------------------------------


def empty_database_message(display_url: str) -> tuple[str, str]:
    """Title and text saying the database is empty and how to fill it with the demo."""
    from PySide6.QtCore import QCoreApplication

    title = QCoreApplication.translate("Startup", "The database is empty")
    text = (
        QCoreApplication.translate(
            "Startup",
            "The database %1 holds no center, no users and no data yet, so the console "
            "cannot start on it.",
        ).replace("%1", display_url)
        + "\n\n"
        + QCoreApplication.translate(
            "Startup", "To fill it with the demo district, run this command, then start again:"
        )
        + f"\n\n    commandcenter demo --db {display_url}\n\n"
    )
    if "***" in display_url:
        text += QCoreApplication.translate("Startup", "Put the password in place of ***.") + " "
    text += QCoreApplication.translate(
        "Startup",
        "Only the console's own database in the user data folder is filled with the demo "
        "automatically.",
    )
    return title, text


def server_opener(ca_file: str | None = None):
    """Opens the center's server at a URL (checked by asking its health)."""

    def open_server(url: str, on_filling=None, progress=None):
        from commandcenter.backend.remote import RemoteCenter

        center = RemoteCenter(url, verify=ca_file or True)
        center.health()
        return center

    return open_server


def open_existing(url: str, on_filling=None, progress=None):
    """The center's data as it is: an empty database is refused (``DatabaseIsEmpty``)."""
    from commandcenter.backend import LocalCenter

    return LocalCenter.open_existing(url)


# --- screenshot mode -------------------------------------------------------------------------


def wait_until(condition, timeout_ms: int = 20_000) -> None:
    """Run the event loop until ``condition()`` holds (screenshot mode)."""
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    while not condition() and not deadline.hasExpired():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def take_screenshot(app, url: str, target: Path, view: str, username: str, open_center) -> int:
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from commandcenter.errors import CommandCenterError, DatabaseIsEmpty
    from ui.common import tasks
    from ui.shell.main_window import MainWindow

    center = window = None
    try:
        center = open_center(url)
        if hasattr(center, "demo_login"):
            backend = center.demo_login(username)
        else:  # a server: the account's password comes from the environment (scripted runs)
            backend = center.login(username, os.environ.get("COMMANDCENTER_PASSWORD", ""))
        window = MainWindow(backend)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.resize(*SCREENSHOT_SIZE)
        window.setFixedSize(*SCREENSHOT_SIZE)
        window.show_view(view)
        window.show()

        loop = QEventLoop()
        failure: list[str] = []
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(
            lambda: (failure.append("timed out waiting for the data"), loop.quit())
        )

        def check() -> None:
            map_settled = view != "map" or window.map_view.is_idle()
            if window.is_ready and window.wall.is_settled() and map_settled:
                QTimer.singleShot(0, loop.quit)

        window.ready.connect(check)
        window.wall.framesSettled.connect(check)
        window.map_view.rendered.connect(check)
        window.map_view.markersSettled.connect(check)
        window.console.feed.failed.connect(lambda message: (failure.append(message), loop.quit()))
        timer.start(SCREENSHOT_TIMEOUT_MS)
        window.start()
        loop.exec()
        timer.stop()
        if failure:
            raise RuntimeError(f"loading the console data failed: {failure[0]}")
        if view == "kpi":  # the period's figures, loaded in workers
            wait_until(lambda: window.kpi.is_idle() and window.kpi.overview() is not None)
        if view == "case":  # the most urgent case waiting for this user, else the most urgent
            from commandcenter.cases.board import needs_action

            now = window.console.now()
            rows = sorted(
                window.console.store.open_rows(), key=lambda r: (r.deadline is None, r.deadline)
            )
            mine = [r for r in rows if needs_action(window.actor, r, now)]
            rows = mine + rows
            if rows:
                window.open_case(rows[0].id)
                wait_until(window.case_view.is_idle)
        if view == "wall":  # let the pictures play a moment: moving, with a measured rate
            pause = QEventLoop()
            QTimer.singleShot(WALL_PLAY_MS, pause.quit)
            pause.exec()
        for _ in range(5):  # let layouts and deferred paints settle
            app.processEvents()
        window.wall.refresh()  # the frames the cameras show at this moment
        image = window.grab()
        target.parent.mkdir(parents=True, exist_ok=True)
        if image.isNull() or not image.save(str(target), "PNG"):
            raise RuntimeError(f"cannot write {target}")
        print(f"screenshot written to {target} ({image.width()}×{image.height()}, view {view})")
        if view == "wall":  # what the tiles showed, for smoke tests: "wall: 9 live"
            states = Counter(t.state.value for t in window.wall.tiles if t.camera and t.state)
            print("wall: " + ", ".join(f"{n} {state}" for state, n in sorted(states.items())))
        return 0
    except DatabaseIsEmpty as exc:
        print("error: " + empty_database_message(exc.display_url)[1], file=sys.stderr)
        return 1
    except CommandCenterError as exc:  # e.g. not a demo database, unknown demo user
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        traceback.print_exc()
        print(f"error: the screenshot failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if window is not None:
            window.close()
        tasks.wait_for_all()
        if center is not None:
            center.close()


def take_wall_screenshot(app, url, target: Path, size, profile, username: str, open_center):
    """The wall display at ``size`` (its first page) as a PNG, once its data and the map are
    in and the video tiles settled."""
    from PySide6.QtCore import Qt

    from ui.common import tasks
    from ui.display.window import WallDisplay

    center = window = None
    try:
        center = open_center(url)
        backend = _display_login(center, username)
        window = WallDisplay(backend, profile)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.setFixedSize(*size)
        if profile.screen_height_mm is None:  # two 55" screens side by side (684 mm high)
            window.set_type_size(profile.type_size_px(size[1], 684.0))
        window.show()
        window.start()
        window._rotation.stop()  # the first page, whatever its seconds
        wait_until(lambda: window.console.dashboard is not None, SCREENSHOT_TIMEOUT_MS)
        maps = [p.map for p in window.panels_of("map", window.page_index)]
        walls = [p.wall for p in window.panels_of("video", window.page_index)]
        wait_until(lambda: all(m.prepared_geometry is not None and m.is_idle() for m in maps))
        from PySide6.QtCore import QEventLoop, QTimer

        pause = QEventLoop()
        QTimer.singleShot(WALL_PLAY_MS, pause.quit)
        pause.exec()
        wait_until(lambda: all(w.is_settled() for w in walls), 20_000)
        wait_until(lambda: all(m.is_idle() for m in maps))
        window.tick()
        for _ in range(5):
            app.processEvents()
        for wall in walls:
            wall.refresh()
        image = window.grab()
        target.parent.mkdir(parents=True, exist_ok=True)
        if image.isNull() or not image.save(str(target), "PNG"):
            raise RuntimeError(f"cannot write {target}")
        print(f"screenshot written to {target} ({image.width()}×{image.height()}, wall)")
        return 0
    except Exception as exc:
        traceback.print_exc()
        print(f"error: the screenshot failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if window is not None:
            window.close()
        tasks.wait_for_all()
        if center is not None:
            center.close()


def _display_login(center, username: str):
    """A demo account on the demo database (no dialog; by default its display account); a
    server's account from $COMMANDCENTER_PASSWORD (scripted runs)."""
    if hasattr(center, "demo_login"):
        return center.demo_login(username or WALL_USER)
    return center.login(username, os.environ.get("COMMANDCENTER_PASSWORD", ""))


def run_wall(app, url: str, username: str, open_center, profile, screens: list[str]) -> int:
    """The video-wall display: the demo's display account (``wall``, or ``--user``) on the
    demo database, else the log-in dialog (a display account of the center, which only reads),
    then the wall full screen on ``screens``."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialog, QMessageBox

    from commandcenter.errors import CommandCenterError
    from ui.common import tasks
    from ui.display.window import WallDisplay
    from ui.shell.login import LoginDialog

    backend = None
    try:
        center = tasks.run_and_wait(lambda: open_center(url))
    except CommandCenterError as exc:
        QMessageBox.critical(
            None, QCoreApplication.translate("Startup", "Cannot open the database"), str(exc)
        )
        return 1
    try:
        try:
            backend = (
                center.demo_login(username or WALL_USER) if hasattr(center, "demo_login") else None
            )
        except CommandCenterError:  # not the demo: log in as the center's display account
            backend = None
        if backend is None:
            login = LoginDialog(center, username)
            if login.exec() != QDialog.DialogCode.Accepted or login.backend is None:
                return 0
            backend = login.backend
        window = WallDisplay(backend, profile)
        window.place_on(screens)
        window.show()
        window.start()
        return app.exec()
    finally:
        tasks.wait_for_all()
        if backend is not None and hasattr(backend, "logout"):
            backend.logout()
        center.close()


# --- the interactive console -----------------------------------------------------------------


def run_console(app, url: str, username: str, open_center=None) -> int:
    from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
    from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog

    from commandcenter.errors import CommandCenterError, DatabaseIsEmpty
    from ui.common import startup_trace, tasks
    from ui.common.errors import describe
    from ui.shell.login import LoginDialog, PasswordChangeDialog
    from ui.shell.main_window import MainWindow

    backend = None
    wait = QProgressDialog(QCoreApplication.translate("Startup", "Opening the database…"), "", 0, 0)
    wait.setWindowTitle(QCoreApplication.translate("Startup", "Grid Command Center"))
    wait.setCancelButton(None)
    wait.setWindowModality(Qt.WindowModality.ApplicationModal)
    wait.setMinimumDuration(0)
    wait.setMinimumWidth(480)
    wait.setAutoClose(False)
    wait.setAutoReset(False)
    wait.show()

    class Relay(QObject):  # lives in the GUI thread: signals emitted by the worker are queued
        text = Signal(str)
        maximum = Signal(int)
        value = Signal(int)

    relay = Relay()
    relay.text.connect(wait.setLabelText)
    relay.maximum.connect(wait.setMaximum)
    relay.value.connect(wait.setValue)
    filling_text = QCoreApplication.translate(
        "Startup",
        "Creating the demo district (communities, grids, people, six months of "
        "cases)… this takes a moment.",
    )

    def filling() -> None:
        relay.text.emit(filling_text)
        relay.maximum.emit(100)

    def progress(fraction: float, _message: str = "") -> None:
        relay.value.emit(int(fraction * 100))

    try:
        opener = open_center or open_existing
        center = tasks.run_and_wait(lambda: opener(url, filling, progress))
    except DatabaseIsEmpty as exc:
        wait.close()
        title, text = empty_database_message(exc.display_url)
        QMessageBox.warning(None, title, text)
        return 1
    except CommandCenterError as exc:
        wait.close()
        QMessageBox.critical(
            None,
            QCoreApplication.translate("Startup", "Cannot open the database"),
            QCoreApplication.translate("Startup", "The console cannot open its database.")
            + "\n\n"
            + str(exc)
            + "\n\n"
            + QCoreApplication.translate(
                "Startup",
                "Check that the database server runs and that the address is right "
                "(option --db or the variable COMMANDCENTER_DB), then start again.",
            ),
        )
        return 1
    except Exception as exc:
        wait.close()
        traceback.print_exc()
        QMessageBox.critical(
            None,
            QCoreApplication.translate("Startup", "Start-up failed"),
            describe(exc, doing="starting the console").full(),
        )
        return 1
    wait.close()
    startup_trace.mark("database_open")  # connected, migrations checked (or run)

    try:
        if startup_trace.enabled() and username and hasattr(center, "demo_login"):
            backend = center.demo_login(username)  # the bench: no one types
        else:
            login = LoginDialog(center, username)
            if login.exec() != QDialog.DialogCode.Accepted or login.backend is None:
                return 0
            backend = login.backend
            if getattr(backend, "must_change_password", False):
                change = PasswordChangeDialog(backend)
                if change.exec() != QDialog.DialogCode.Accepted:
                    return 0
        startup_trace.mark("logged_in")
        window = MainWindow(backend)
        startup_trace.mark("window_built")
        window.ready.connect(lambda: startup_trace.mark("data_loaded"))
        if startup_trace.enabled():

            def painted() -> None:
                view = window.map_view  # a base image rendered and on screen
                if window.is_ready and view.render_seconds and view.is_idle():
                    startup_trace.finish()
                    app.quit()

            window.map_view.rendered.connect(painted, Qt.ConnectionType.QueuedConnection)
            window.map_view.markersSettled.connect(painted, Qt.ConnectionType.QueuedConnection)
            window.ready.connect(painted, Qt.ConnectionType.QueuedConnection)
        window.show()
        window.start()
        return app.exec()
    finally:
        tasks.wait_for_all()
        if backend is not None and hasattr(backend, "logout"):
            backend.logout()
        center.close()
