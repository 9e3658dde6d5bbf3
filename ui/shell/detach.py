"""Detachable views: any main view of the console (map, case board, video wall, figures,
performance, the open case) can leave its tab for a window of its own, which the officer moves
to another monitor and maximises; closing that window (or "Attach back") returns the view to
its tab.

The view itself moves (the same widget, reparented), never a copy: its signals and the main
window's routing between the views keep working. Its tab stays where it was, holding a
placeholder that brings the window forward or attaches the view back, so the tabs keep their
places and their Ctrl+1…6 shortcuts (which bring a detached view's window forward).

The layout is remembered in QSettings (group ``detached``): which views are detached, on which
screen (by the screen's name, which survives a reboot), where on it and whether maximised. The
next start opens those windows again; a screen that no longer exists puts its window on the
primary screen.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPoint, QRect, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

SETTINGS_GROUP = "detached"
MIN_SIZE = QSize(480, 320)


@dataclass(frozen=True)
class WindowPlace:
    """Where a detached view's window was: its screen's name, its normal geometry relative to
    that screen's top-left corner, and whether it was maximised."""

    screen: str
    x: int
    y: int
    width: int
    height: int
    maximised: bool = False


def read_layout(settings: QSettings | None = None) -> dict[str, WindowPlace]:
    """The remembered detached views, by view name (unreadable entries are left out)."""
    settings = settings or QSettings()
    places = {}
    settings.beginGroup(SETTINGS_GROUP)
    try:
        for key in settings.childGroups():
            settings.beginGroup(key)
            try:
                places[key] = WindowPlace(
                    screen=str(settings.value("screen", "") or ""),
                    x=int(settings.value("x", 0)),
                    y=int(settings.value("y", 0)),
                    width=int(settings.value("width", 0)),
                    height=int(settings.value("height", 0)),
                    maximised=settings.value("maximised", False, type=bool),
                )
            except (TypeError, ValueError):
                pass
            finally:
                settings.endGroup()
    finally:
        settings.endGroup()
    return places


def write_layout(places: dict[str, WindowPlace], settings: QSettings | None = None) -> None:
    """Remember exactly these detached views (the others are attached)."""
    settings = settings or QSettings()
    settings.remove(SETTINGS_GROUP)
    settings.beginGroup(SETTINGS_GROUP)
    for key, place in places.items():
        settings.beginGroup(key)
        settings.setValue("screen", place.screen)
        for name in ("x", "y", "width", "height"):
            settings.setValue(name, getattr(place, name))
        settings.setValue("maximised", place.maximised)
        settings.endGroup()
    settings.endGroup()
    settings.sync()


def screen_named(name: str) -> QScreen | None:
    return next((s for s in QGuiApplication.screens() if s.name() == name), None)


def geometry_on(place: WindowPlace, screen: QScreen, same_screen: bool) -> QRect:
    """The window's geometry on ``screen``: where it was on its own screen, else (a screen gone)
    centred on this one; always inside the screen's available area."""
    area = screen.availableGeometry()
    size = QSize(max(place.width, MIN_SIZE.width()), max(place.height, MIN_SIZE.height()))
    size = size.boundedTo(area.size())
    rect = QRect(QPoint(0, 0), size)
    if same_screen:
        rect.moveTopLeft(screen.geometry().topLeft() + QPoint(place.x, place.y))
    if not same_screen or not area.contains(rect):
        if same_screen and area.intersects(rect):  # partly off the screen: pull it in
            rect.moveLeft(min(max(rect.left(), area.left()), area.right() - rect.width() + 1))
            rect.moveTop(min(max(rect.top(), area.top()), area.bottom() - rect.height() + 1))
        else:
            rect.moveCenter(area.center())
    return rect


class DetachedWindow(QMainWindow):
    """A top-level window holding one view; closing it attaches the view back."""

    attachRequested = Signal(str)  # the view's name

    def __init__(self, key: str, title: str, owner: QWidget):
        super().__init__(owner, Qt.WindowType.Window)
        self.key = key
        self.setObjectName(f"detached_{key}")
        self.setWindowTitle(title)
        self.setMinimumSize(MIN_SIZE)
        self.quiet = False  # the console is closing: the view goes back without a word
        bar = QToolBar(self)
        bar.setObjectName("detachedBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setEnabled(False)
        self.attach_action = QAction(self.tr("⇤ Attach back to the console"), self)
        self.attach_action.setObjectName("attachBack")
        self.attach_action.setToolTip(
            self.tr("Put this view back into its tab in the console's window")
        )
        self.attach_action.triggered.connect(lambda: self.attachRequested.emit(self.key))
        bar.addAction(self.attach_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        # The console's window shortcuts (Ctrl+1…6, F5 …) work in this window too.
        self.addActions(owner.actions())

    def closeEvent(self, event) -> None:
        if not self.quiet:
            self.attachRequested.emit(self.key)
        event.accept()

    def place(self) -> WindowPlace:
        screen = self.screen()
        maximised = self.isMaximized()
        geometry = self.normalGeometry() if maximised else self.geometry()
        if not geometry.isValid():
            geometry = self.geometry()
        origin = screen.geometry().topLeft()
        return WindowPlace(
            screen=screen.name(),
            x=geometry.x() - origin.x(),
            y=geometry.y() - origin.y(),
            width=geometry.width(),
            height=geometry.height(),
            maximised=maximised,
        )


class DetachedPlaceholder(QWidget):
    """What a detached view's tab shows: where the view is, and the two ways back."""

    def __init__(self, key: str, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("detachedPlaceholder")
        self.key = key
        label = QLabel(
            self.tr("%1 is in its own window.").replace("%1", title),
            self,
            objectName="detachedText",
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_button = QPushButton(self.tr("Show the window"), self)
        self.show_button.setObjectName("showDetached")
        self.attach_button = QPushButton(self.tr("Attach back"), self)
        self.attach_button.setObjectName("attachDetached")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(label)
        for button in (self.show_button, self.attach_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class ViewDetacher(QObject):
    """Moves the views of a tab widget into windows of their own and back, and remembers the
    layout. ``views`` names each tab's view in tab order."""

    changed = Signal()  # a view was detached or attached

    def __init__(self, owner: QMainWindow, tabs: QTabWidget, names: tuple[str, ...]):
        super().__init__(owner)
        self.owner, self.tabs, self.names = owner, tabs, names
        self.views = {key: tabs.widget(i) for i, key in enumerate(names)}
        self.windows: dict[str, DetachedWindow] = {}
        self.placeholders: dict[str, DetachedPlaceholder] = {}

    def is_detached(self, key: str) -> bool:
        return key in self.windows

    def title(self, key: str) -> str:
        return self.tabs.tabText(self.names.index(key))

    def detach(self, key: str, place: WindowPlace | None = None, remember: bool = True):
        """The view into its own window (shown, brought forward); at ``place`` if given (a
        remembered layout), else next to the console's window on the same screen."""
        if key in self.windows:
            self.show_window(key)
            return self.windows[key]
        view, title = self.views[key], self.title(key)
        window = DetachedWindow(key, f"{title} — {self.owner.windowTitle()}", self.owner)
        window.attachRequested.connect(self.attach)
        placeholder = DetachedPlaceholder(key, title)
        placeholder.show_button.clicked.connect(lambda: self.show_window(key))
        placeholder.attach_button.clicked.connect(lambda: self.attach(key))
        with _moving(view):
            self._swap_tab(key, placeholder)
            window.setCentralWidget(view)
            view.show()
            self.windows[key], self.placeholders[key] = window, placeholder
            self._place(window, place)
        if remember:
            self.save()
        self.changed.emit()
        return window

    def attach(self, key: str, remember: bool = True) -> None:
        """The view back into its tab; its window closes."""
        window = self.windows.pop(key, None)
        if window is None:
            return
        view = self.views[key]
        placeholder = self.placeholders.pop(key)
        with _moving(view):
            window.takeCentralWidget()
            self._swap_tab(key, view)
            window.quiet = True
            window.close()
        placeholder.deleteLater()
        window.deleteLater()
        if remember:
            self.save()
        self.changed.emit()

    def show_window(self, key: str) -> None:
        window = self.windows.get(key)
        if window is None:
            return
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def _swap_tab(self, key: str, widget: QWidget) -> None:
        """Put ``widget`` in the view's tab, the same tab current as before."""
        index, tabs = self.names.index(key), self.tabs
        current, tip = tabs.currentIndex(), tabs.tabToolTip(index)
        title = tabs.tabText(index)
        tabs.blockSignals(True)
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, widget, title)
            tabs.setTabToolTip(index, tip)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(False)
        if current == index:
            widget.show()

    def _place(self, window: DetachedWindow, place: WindowPlace | None) -> None:
        if place is None:  # a new detach: the console's screen, offset from its window
            screen = self.owner.screen()
            frame = self.owner.geometry()
            origin = screen.geometry().topLeft()
            place = WindowPlace(
                screen.name(),
                frame.x() - origin.x() + 60,
                frame.y() - origin.y() + 60,
                max(frame.width() * 3 // 4, MIN_SIZE.width()),
                max(frame.height() * 3 // 4, MIN_SIZE.height()),
            )
        screen = screen_named(place.screen)
        same = screen is not None
        screen = screen or QGuiApplication.primaryScreen()
        window.setScreen(screen)
        window.setGeometry(geometry_on(place, screen, same))
        if place.maximised:
            window.showMaximized()
        else:
            window.show()
        window.raise_()

    # --- the layout ------------------------------------------------------------------------

    def layout(self) -> dict[str, WindowPlace]:
        return {key: window.place() for key, window in self.windows.items()}

    def save(self) -> None:
        write_layout(self.layout())

    def restore(self) -> None:
        """Open the remembered windows again (views not known any more are ignored)."""
        for key, place in read_layout().items():
            if key in self.views and key not in self.windows:
                self.detach(key, place, remember=False)

    def close_all(self) -> None:
        """The console closes: remember the layout, then every view back into its tab."""
        self.save()
        for key in list(self.windows):
            self.attach(key, remember=False)


@contextlib.contextmanager
def _moving(view: QWidget):
    """A view that plays something (the video wall) keeps playing while it moves."""
    moving = getattr(view, "moving", None)
    with moving() if moving is not None else contextlib.nullcontext():
        yield
