"""A tab whose view is made when first needed: shown, asked for, or once the console has
painted its first picture. The figures and performance views cost about 0.2 s to build (their
charts); made at start, an officer would wait that much longer for the map."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget


class DeferredPage(QWidget):
    def __init__(self, make: Callable[[QWidget], QWidget], object_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self._make = make
        self._view: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def is_made(self) -> bool:
        return self._view is not None

    def view(self) -> QWidget:
        """The view, made now if it was not yet."""
        if self._view is None:
            self._view = self._make(self)
            self._layout.addWidget(self._view)
        return self._view

    def showEvent(self, event) -> None:
        self.view()
        super().showEvent(event)


class AfterNextPaint(QObject):
    """Calls each function in its own turn of the event loop after ``widget``'s next paint:
    work that must not come between a picture being ready and its reaching the screen (a
    zero timer started when the picture is ready runs before the paint)."""

    def __init__(self, widget: QWidget, *calls: Callable[[], object]):
        super().__init__(widget)
        self._widget, self._calls = widget, calls
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            for call in self._calls:
                QTimer.singleShot(0, call)
            self.deleteLater()
        return False
