"""The video wall: camera tiles in a layout (1, 4, 9, 16, 25, 1+5, 1+7), pages and tours.

Decoding happens in the core (``commandcenter.video``): each camera on a visible tile gets a
``StreamWorker`` thread from the wall's ``StreamRegistry``; nothing else is decoded. Changing the
page, the layout or the maximised tile stops the workers of the cameras that left the screen;
hiding the wall (another tab, its window minimised) or closing the window stops them all. In a
window of its own (detached from its tab) the wall plays whatever tab the console shows; moving
between the tab and that window does not interrupt it (``moving``). Which stream a tile plays
follows its size (``commandcenter.video.wall.choose_stream``): the sub stream in small tiles,
the main stream in a large or maximised one, unless the officer chose one in the tile's menu.

Frames come to the tiles without polling and without work in the GUI thread: each worker is
told the size of its tile in device pixels and the pixel format Qt paints straight
(``set_output(size, "bgra")``, QImage's Format_RGB32), and scales and converts every frame in
its own thread; a painted frame is a QImage over the worker's buffer (no copy) blitted at its
own size. A worker calls the wall back when it has a new frame; the wall coalesces those calls
into one pending wake-up of the GUI thread (``WAKE_EVENT``), which then takes the newest frame
of each camera that announced one - frames superseded meanwhile are never touched, and a
wall that is not on screen (started ahead by ``prepare``) is not woken at all. A slow timer
(5 a second) reads the workers' health and picks up anything a wake-up missed. Each
tile shows the camera's name, the time of its last frame and its health as a symbol and a word
(colour is never the only signal); a tile without a picture says why and what to do.

Cameras come onto tiles page by page, by a tour (轮巡: a named group cycled with a dwell time),
or by dragging one from the camera list or the map onto a tile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import threading

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMimeData,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter import clock
from commandcenter.cameras.rows import CameraRow
from commandcenter.video import Frame, Health, StreamHealth, StreamRegistry, StreamWorker
from commandcenter.video.wall import (
    DEFAULT_LAYOUT,
    LAYOUTS,
    StreamChoice,
    Tour,
    choose_stream,
    tour_pages,
)
from ui.common.drag import CAMERA_MIME, camera_from_mime, camera_mime
from ui.common.style import Colors, scaled_font

PER_PAGE = len(LAYOUTS[DEFAULT_LAYOUT][1])  # tiles of the default layout
MAX_TILES = max(len(cells) for _, cells in LAYOUTS.values())
# Frames wake the wall (see the module docstring); the timer reads health and catches up.
# (Polling every 20 ms for frames cost the GUI thread a look at every tile 50 times a second.)
REFRESH_MS = 200
WAKE_EVENT = QEvent.Type(QEvent.registerEventType())
PIXEL_FORMAT = "bgra"  # B, G, R, 255: QImage.Format_RGB32 in memory, painted without converting
STOP_TIMEOUT_S = 3.0  # closing the wall waits at most this long for the decoding threads

# Health → (symbol, colour). The word comes from CameraTile.health_word().
HEALTH_LOOK = {
    Health.CONNECTING: ("○", Colors.NEW),
    Health.LIVE: ("●", Colors.ON_TIME),
    Health.STALLED: ("‖", Colors.NEAR_DUE),
    Health.RECONNECTING: ("↻", Colors.NEAR_DUE),
    Health.OFFLINE: ("✖", Colors.OVERDUE),
    Health.UNAUTHORISED: ("⚠", Colors.OVERDUE),
    Health.BAD_URL: ("⚠", Colors.OVERDUE),
}


QIMAGE_FORMATS = {"bgra": QImage.Format.Format_RGB32, "bgr24": QImage.Format.Format_BGR888}


def frame_to_image(frame: Frame) -> QImage:
    """A QImage over the frame's pixels (BGR, or BGRA as Format_RGB32), without a copy, rows
    padded or not: keep ``frame.image`` alive for as long as the QImage is used."""
    pixels = frame.image
    height, width, channels = pixels.shape
    if pixels.strides[2] != 1 or pixels.strides[1] != channels or pixels.strides[0] < 0:
        pixels = np.ascontiguousarray(pixels)
    # The bytes from the first pixel to the last, as one flat buffer of the same memory: the
    # flat array the picture is a view of (the worker's pictures are), else a strided view.
    span = (height - 1) * pixels.strides[0] + width * channels
    if pixels.flags.c_contiguous:
        flat = pixels.reshape(-1)  # a view
    else:
        flat = pixels.base
        while isinstance(flat, np.ndarray) and flat.base is not None and flat.ndim > 1:
            flat = flat.base
        if not (
            isinstance(flat, np.ndarray)
            and flat.ndim == 1
            and flat.flags.c_contiguous
            and flat.__array_interface__["data"][0] == pixels.__array_interface__["data"][0]
            and flat.nbytes >= span
        ):
            flat = np.lib.stride_tricks.as_strided(
                pixels, shape=(span,), strides=(1,), writeable=False
            )
    fmt = QIMAGE_FORMATS[frame.pixel_format]
    return QImage(flat.data, width, height, pixels.strides[0], fmt)


class CameraTile(QWidget):
    clicked = Signal(int)
    doubleClicked = Signal(object)  # the tile
    cameraDropped = Signal(object, int)  # the tile, a camera id
    menuRequested = Signal(object, QPoint)  # the tile, a global position

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("cameraTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 100)
        self.camera: CameraRow | None = None
        self.image: QImage | None = None
        self._pixels: np.ndarray | None = None  # the buffer behind self.image
        self.frame_number = 0
        self.worker: StreamWorker | None = None  # whose frames frame_number counts
        self.health: StreamHealth | None = None
        self.selected = False
        self.stream_choice = StreamChoice.AUTO  # the officer may pick main or sub per tile
        self.stream_kind = "sub"  # what the tile plays now: "main" or "sub"
        self._shown: tuple = ()  # what the overlay showed last, to repaint only on change
        # The overlay (top band, caption) drawn once into an image and blitted over each new
        # picture: its text changes once a second at most, the picture 25 times.
        self._overlay: QImage | None = None
        self._overlay_bands: tuple[QRectF, ...] = ()
        self._overlay_for: tuple = ()
        self.setAcceptDrops(True)

    def set_camera(self, camera: CameraRow | None) -> None:
        if camera is not None and self.camera is not None and camera.id == self.camera.id:
            self.camera = camera  # same camera, new details: keep its picture
        else:
            self.camera, self.image, self._pixels = camera, None, None
            self.frame_number, self.health, self._shown = 0, None, ()
        self.setToolTip(f"{camera.name}\n{camera.device_id}" if camera else "")
        self.update()

    def picture_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(1, 1, -1, -1)

    def pixel_size(self) -> tuple[int, int]:
        """The picture area in device pixels: frames come scaled down to this, so painting
        them needs no second scaling."""
        ratio = self.devicePixelRatioF()
        rect = self.picture_rect()
        return max(1, int(rect.width() * ratio)), max(1, int(rect.height() * ratio))

    def set_frame(self, frame: Frame) -> None:
        self._pixels = frame.image
        self.image = frame_to_image(frame)
        self.image.setDevicePixelRatio(self.devicePixelRatioF())
        self.frame_number = frame.number
        self.update()

    def set_health(self, health: StreamHealth | None) -> None:
        self.health = health
        shown = self._overlay_key()
        if shown != self._shown:
            self._shown = shown
            self.update()
        tip = [self.camera.name, self.camera.device_id] if self.camera else []
        if health is not None and health.detail:
            tip.append(health.detail)
        self.setToolTip("\n".join(tip))

    @property
    def state(self) -> Health | None:
        return self.health.state if self.health is not None else None

    # --- texts -----------------------------------------------------------------------------

    def health_word(self, state: Health) -> str:
        return {
            Health.CONNECTING: self.tr("Connecting"),
            Health.LIVE: self.tr("Live"),
            Health.STALLED: self.tr("Stalled"),
            Health.RECONNECTING: self.tr("Reconnecting"),
            Health.OFFLINE: self.tr("Offline"),
            Health.UNAUTHORISED: self.tr("Log-in refused"),
            Health.BAD_URL: self.tr("Wrong address"),
        }[state]

    def badge_text(self) -> str:
        """Symbol, word and a figure: "● Live · 25 fps", "✖ Offline · retry in 4 s"."""
        if self.camera is not None and not self.camera.enabled:
            return "✖ " + self.tr("Disabled")
        health = self.health
        if health is None:
            return "○ " + self.health_word(Health.CONNECTING)
        text = f"{HEALTH_LOOK[health.state][0]} {self.health_word(health.state)}"
        if health.state is Health.LIVE and health.fps is not None:
            text += " · " + self.tr("%1 fps").replace("%1", f"{health.fps:.0f}")
        elif health.state is Health.STALLED and health.last_frame_age is not None:
            text += " · " + self.tr("%1 s").replace("%1", f"{health.last_frame_age:.0f}")
        elif health.state is Health.RECONNECTING and health.reconnects:
            text += " · " + self.tr("attempt %1").replace("%1", str(health.reconnects))
        elif health.retry_in is not None and health.state is Health.OFFLINE:
            text += " · " + self.tr("retry in %1 s").replace("%1", f"{math.ceil(health.retry_in)}")
        return text

    def message(self) -> str:
        """What the tile says in its middle when there is no fresh picture."""
        if self.camera is None:
            return ""
        if not self.camera.enabled:
            return self.tr("The camera is disabled in the camera registry.")
        state = self.state
        if state is None or state is Health.CONNECTING:
            return self.tr("Connecting to the camera…")
        if state is Health.LIVE:
            return ""
        if state is Health.STALLED:
            return self.tr("No new picture for a few seconds — waiting for the camera.")
        if state is Health.RECONNECTING:
            return self.tr("The stream broke off — reconnecting.")
        if state is Health.OFFLINE:
            return self.tr("Camera offline: it cannot be reached. The console keeps trying.")
        if state is Health.UNAUTHORISED:
            return self.tr(
                "The camera refused the user name or password. Check the camera's "
                "credentials in the camera registry."
            )
        return self.tr("The stream address is wrong. Check the camera's stream URL.")

    def frame_time(self) -> str:
        """The wall-clock time of the picture shown, as HH:MM:SS."""
        health = self.health
        if self.image is None or health is None or health.last_frame_age is None:
            return ""
        shown_at = clock.now() - dt.timedelta(seconds=health.last_frame_age)
        return shown_at.strftime("%H:%M:%S")

    def _overlay_key(self) -> tuple:
        return (self.badge_text(), self.message(), self.frame_time(), self.selected)

    # --- events ----------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if self.camera is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.camera.id)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.doubleClicked.emit(self)

    def contextMenuEvent(self, event) -> None:
        self.menuRequested.emit(self, event.globalPos())

    def dragEnterEvent(self, event) -> None:
        if camera_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        camera_id = camera_from_mime(event.mimeData())
        if camera_id is not None:
            event.acceptProposedAction()
            self.cameraDropped.emit(self, camera_id)

    def paintEvent(self, _event) -> None:
        if self._paint_live():
            return
        painter = QPainter(self)
        rect = self.picture_rect()
        painter.fillRect(rect, QColor("#05080b"))
        if self.camera is None:
            painter.setPen(QPen(Colors.BORDER, 1))
            painter.drawRect(rect)
            painter.end()
            return
        if self.image is not None and not self.image.isNull():
            self._paint_picture(painter, rect)
        font = QFont(self.font())
        metrics = QFontMetricsF(font)
        message = self.message()
        if message:
            if self.image is not None:  # an old picture: dim it so nobody takes it for live
                painter.fillRect(rect, QColor(0, 0, 0, 150))
            painter.setPen(Colors.TEXT)
            painter.setFont(font)
            painter.drawText(
                rect.adjusted(16, 40, -16, -(2 * metrics.height() + 24)),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                message,
            )
        self._paint_top_band(painter, rect, font)
        self._paint_caption(painter, rect, font)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(
            QPen(Colors.SELECTED if self.selected else Colors.BORDER, 3 if self.selected else 1)
        )
        painter.drawRect(rect)
        painter.end()

    def _paint_live(self) -> bool:
        """The usual case, painted fast: a live picture made by the worker to fit the tile,
        blitted on whole device pixels, and the overlay blitted from its cached image. False
        when the tile needs the full paint (no picture, a message, a picture too large)."""
        image, camera = self.image, self.camera
        if image is None or camera is None or not self._shown or self._shown[1]:
            return False  # no picture, no health yet, or a message to show
        ratio = self.devicePixelRatioF()
        width, height = self.pixel_size()
        if image.width() > width or image.height() > height:
            return False
        rect = self.picture_rect()
        key = (self._shown, self.stream_kind, camera, self.width(), self.height(), ratio)
        if key != self._overlay_for:
            overlay = QImage(
                round(self.width() * ratio),
                round(self.height() * ratio),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            overlay.setDevicePixelRatio(ratio)
            overlay.fill(Qt.GlobalColor.transparent)
            painter = QPainter(overlay)
            font = QFont(self.font())
            top = self._paint_top_band(painter, rect, font)
            bottom = self._paint_caption(painter, rect, font)
            painter.end()
            self._overlay, self._overlay_bands, self._overlay_for = overlay, (top, bottom), key
        painter = QPainter(self)
        if (image.width(), image.height()) != (width, height):  # bars beside the picture
            painter.fillRect(rect, QColor("#05080b"))
        corner = QPointF(  # centred, on whole device pixels: a straight copy
            rect.left() + (width - image.width()) // 2 / ratio,
            rect.top() + (height - image.height()) // 2 / ratio,
        )
        painter.drawImage(corner, image)
        for band in self._overlay_bands:
            source = QRectF(band.x() * ratio, band.y() * ratio, band.width() * ratio,
                            band.height() * ratio)  # fmt: skip
            painter.drawImage(band, self._overlay, source)
        painter.setPen(
            QPen(Colors.SELECTED if self.selected else Colors.BORDER, 3 if self.selected else 1)
        )
        painter.drawRect(rect)
        painter.end()
        return True

    def _paint_picture(self, painter: QPainter, rect: QRectF) -> None:
        """The frame centred in the tile: as it is when it was scaled for this size (the
        usual case), else scaled to fit (the tile was resized since)."""
        size = self.image.deviceIndependentSize()
        if size.width() <= rect.width() + 0.5 and size.height() <= rect.height() + 0.5:
            target = QRectF(QPointF(0, 0), size)
            target.moveCenter(rect.center())
            ratio = self.image.devicePixelRatio()  # on whole device pixels: a straight blit
            corner = QPointF(
                round(target.left() * ratio) / ratio, round(target.top() * ratio) / ratio
            )
            painter.drawImage(corner, self.image)
            return
        fitted = size.scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(QPointF(0, 0), fitted)
        target.moveCenter(rect.center())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self.image)

    def _paint_top_band(self, painter: QPainter, rect: QRectF, font: QFont) -> QRectF:
        """Health badge on the left, time of the picture on the right."""
        bold = scaled_font(font, 0.9, bold=True)
        metrics = QFontMetricsF(bold)
        band = QRectF(rect.left(), rect.top(), rect.width(), metrics.height() + 10)
        painter.fillRect(band, QColor(0, 0, 0, 150))
        painter.setFont(bold)
        if self.camera is not None and not self.camera.enabled:
            colour = Colors.OVERDUE
        else:
            colour = HEALTH_LOOK[self.state or Health.CONNECTING][1]
        inner = band.adjusted(8, 0, -8, 0)
        stamp = self.frame_time()
        room = inner.width() - (metrics.horizontalAdvance(stamp) + 12 if stamp else 0)
        badge = metrics.elidedText(self.badge_text(), Qt.TextElideMode.ElideRight, room)
        painter.setPen(colour)
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, badge)
        if stamp:
            painter.setPen(Colors.TEXT)
            painter.drawText(
                inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, stamp
            )
        return band

    def _paint_caption(self, painter: QPainter, rect: QRectF, font: QFont) -> QRectF:
        """Name over device ID and grid, on a dark band for contrast on any picture."""
        metrics = QFontMetricsF(font)
        small = scaled_font(font, 0.85)
        small_metrics = QFontMetricsF(small)
        band_height = metrics.height() + small_metrics.height() + 12
        band = QRectF(rect.left(), rect.bottom() - band_height, rect.width(), band_height)
        painter.fillRect(band, QColor(0, 0, 0, 170))
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(Colors.TEXT)
        name = QFontMetricsF(bold).elidedText(
            self.camera.name, Qt.TextElideMode.ElideRight, band.width() - 16
        )
        painter.drawText(
            QRectF(band.left() + 8, band.top() + 4, band.width() - 16, metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            name,
        )
        painter.setFont(small)
        painter.setPen(Colors.TEXT_DIM)
        detail = self.camera.device_id
        if self.camera.sub_url:  # which of the camera's streams this tile plays
            detail += "  ·  " + (self.tr("main") if self.stream_kind == "main" else self.tr("sub"))
        if self.camera.grid_name:
            detail += "  ·  " + self.camera.grid_name
        painter.drawText(
            QRectF(
                band.left() + 8,
                band.top() + 6 + metrics.height(),
                band.width() - 16,
                small_metrics.height(),
            ),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            detail,
        )
        return band


class CameraList(QListWidget):
    """The wall's cameras, A to Z; drag one onto a tile, or double-click to put it on the
    selected tile. Offline or disabled cameras are marked."""

    cameraActivated = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("cameraList")
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.itemDoubleClicked.connect(self._on_double_click)

    def set_cameras(self, cameras, online: dict[int, bool] | None = None) -> None:
        online = online or {}
        self.clear()
        for camera in sorted(cameras, key=lambda c: c.name):
            down = not camera.enabled or online.get(camera.id) is False
            item = QListWidgetItem(("✖ " if down else "■ ") + camera.name)
            item.setData(Qt.ItemDataRole.UserRole, camera.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, (camera.grid_name or "").lower())
            item.setToolTip(f"{camera.name}\n{camera.device_id}\n{camera.grid_name or ''}")
            self.addItem(item)

    def filter(self, text: str) -> None:
        """Show the cameras whose name or grid contains the text."""
        text = text.strip().lower()
        for row in range(self.count()):
            item = self.item(row)
            grid = item.data(Qt.ItemDataRole.UserRole + 1) or ""
            item.setHidden(bool(text) and text not in item.text().lower() and text not in grid)

    def mimeData(self, items):  # noqa: N802 - Qt's name
        ids = [i.data(Qt.ItemDataRole.UserRole) for i in items]
        return camera_mime(ids[0]) if ids else QMimeData()

    def mimeTypes(self):  # noqa: N802 - Qt's name
        return [CAMERA_MIME]

    def _on_double_click(self, item: QListWidgetItem) -> None:
        self.cameraActivated.emit(item.data(Qt.ItemDataRole.UserRole))


class VideoWall(QWidget):
    """Tiles in a layout, a camera list to drag from, pages, tours."""

    cameraSelected = Signal(int)
    framesSettled = Signal()  # every tile of the page has a picture or a definite health
    frameReady = Signal(int)  # a new picture of a camera was put on its tile
    snapshotRequested = Signal(int, str)  # camera id, "save" | "case" | "new_case"
    saveTourRequested = Signal(str, object, int)  # name, camera ids, dwell seconds
    deleteTourRequested = Signal(str)

    def __init__(self, parent=None, registry: StreamRegistry | None = None):
        super().__init__(parent)
        # what others add to a camera tile's menu after the snapshots: extend(menu, camera)
        self.menu_extensions: list = []
        self.setObjectName("videoWall")
        self.registry = registry if registry is not None else StreamRegistry()
        self.cameras: tuple[CameraRow, ...] = ()  # those the wall pages through
        self.all_cameras: tuple[CameraRow, ...] = ()
        self.group: tuple[frozenset[int], str] | None = None  # only these cameras, and why
        self.layout_name = DEFAULT_LAYOUT
        self.page = 0
        self.slots: list[CameraRow | None] = []
        self.maximised: CameraTile | None = None
        self.selected_camera: int | None = None
        self.tours: list[Tour] = []
        self.tour: Tour | None = None
        self.tour_page = 0
        self._active = False  # on screen: only then does anything decode
        self._shown_once = False
        self._closed = False
        self._moving = False  # between its tab and a window of its own: keep playing
        self._settled = True
        self._last: dict[int, tuple[QImage, np.ndarray]] = {}  # last picture per camera
        # Cameras whose workers announced a frame since the last wake-up (worker threads add,
        # the GUI thread takes), and whether a wake-up is on its way.
        self._announced: set[int] = set()
        self._announce_lock = threading.Lock()
        self._wake_posted = False
        self._visible_now = False  # shown (read by worker threads: no Qt call there)
        self.wakeups = 0  # wake-ups handled, for benchmarks

        self.tiles = [CameraTile(self) for _ in range(MAX_TILES)]
        for tile in self.tiles:
            tile.clicked.connect(self._on_tile_clicked)
            tile.doubleClicked.connect(self.toggle_maximised)
            tile.cameraDropped.connect(self.put_camera)
            tile.menuRequested.connect(self._tile_menu)
            tile.hide()
        self.grid = QGridLayout()
        self.grid.setSpacing(6)

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        self.layout_buttons: dict[str, QToolButton] = {}
        for name in LAYOUTS:
            button = QToolButton(self)
            button.setText(name)
            button.setCheckable(True)
            button.setObjectName("layoutButton")
            button.setToolTip(self.tr("Layout: %1 tiles").replace("%1", name))
            button.clicked.connect(lambda _=False, n=name: self.set_layout(n))
            bar.addWidget(button)
            self.layout_buttons[name] = button
        bar.addSpacing(12)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("pageLabel")
        bar.addWidget(self.page_label, 1)
        self.tour_box = QComboBox(self)
        self.tour_box.setObjectName("tourChoice")
        self.tour_box.setMinimumWidth(140)
        self.tour_button = QPushButton(self)
        self.tour_button.setObjectName("tourButton")
        self.tour_button.clicked.connect(self._on_tour_button)
        tour_menu_button = QToolButton(self)
        tour_menu_button.setText("…")
        tour_menu_button.setToolTip(self.tr("Save or delete tours"))
        tour_menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        tour_menu = QMenu(tour_menu_button)
        tour_menu.addAction(self.tr("Save the cameras on the wall as a tour…"), self._save_tour)
        tour_menu.addAction(self.tr("Delete the chosen tour"), self._delete_tour)
        tour_menu_button.setMenu(tour_menu)
        bar.addWidget(QLabel(self.tr("Tour:"), self))
        bar.addWidget(self.tour_box)
        bar.addWidget(self.tour_button)
        bar.addWidget(tour_menu_button)
        bar.addSpacing(12)
        self.all_button = QPushButton(self.tr("Show all cameras"), self)
        self.all_button.setObjectName("allCameras")
        self.all_button.clicked.connect(self.clear_group)
        self.previous_button = QPushButton(self.tr("◀ Previous page"), self)
        self.next_button = QPushButton(self.tr("Next page ▶"), self)
        self.previous_button.clicked.connect(lambda: self._manual_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self._manual_page(self.page + 1))
        bar.addWidget(self.all_button)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)

        self.camera_filter = QLineEdit(self)
        self.camera_filter.setPlaceholderText(self.tr("Filter cameras"))
        self.camera_filter.setClearButtonEnabled(True)
        self.camera_list = CameraList(self)
        self.camera_filter.textChanged.connect(self.camera_list.filter)
        self.camera_list.cameraActivated.connect(self._put_on_selected_tile)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.camera_filter)
        side.addWidget(self.camera_list, 1)
        side_widget = QWidget(self)
        side_widget.setLayout(side)
        side_widget.setFixedWidth(200)
        self.side_panel = side_widget

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(side_widget)
        body.addLayout(self.grid, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(body, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._tour_timer = QTimer(self)
        self._tour_timer.timeout.connect(self.next_tour_page)
        self._resync = QTimer(self)  # tile sizes settle after a layout change: streams follow
        self._resync.setSingleShot(True)
        self._resync.setInterval(150)
        self._resync.timeout.connect(self._sync_streams)
        self.set_tours([])
        self._arrange()
        self._update_bar()

    # --- layout and tiles --------------------------------------------------------------------

    @property
    def per_page(self) -> int:
        return len(LAYOUTS[self.layout_name][1])

    @property
    def visible_tiles(self) -> list[CameraTile]:
        if self.maximised is not None:
            return [self.maximised]
        return self.tiles[: self.per_page]

    def _arrange(self) -> None:
        """Put the tiles of the layout (or the maximised one) into the grid."""
        while self.grid.count():
            self.grid.takeAt(0)
        for tile in self.tiles:
            tile.hide()
        side, cells = LAYOUTS[self.layout_name]
        for r in range(5):
            self.grid.setRowStretch(r, 1 if r < side else 0)
            self.grid.setColumnStretch(r, 1 if r < side else 0)
        if self.maximised is not None:
            self.grid.addWidget(self.maximised, 0, 0, side, side)
            self.maximised.show()
        else:
            for tile, cell in zip(self.tiles, cells, strict=False):
                self.grid.addWidget(tile, cell.row, cell.column, cell.rows, cell.columns)
                tile.show()
        for name, button in self.layout_buttons.items():
            button.setChecked(name == self.layout_name)
        self._resync.start()

    def set_layout(self, name: str) -> None:
        if name not in LAYOUTS:
            raise ValueError(f"unknown layout {name!r}")
        first = next((c for c in self.slots if c is not None), None)
        self.layout_name = name
        self.maximised = None
        self._arrange()
        if self.tour is not None:
            self._show_tour_page(0)
            return
        index = self.cameras.index(first) if first in self.cameras else self.page * PER_PAGE
        self.show_page(index // self.per_page)

    def toggle_maximised(self, tile: CameraTile) -> None:
        """Double-click: one tile fills the wall (main stream), double-click again: back."""
        self.maximised = None if self.maximised is tile or tile.camera is None else tile
        self._arrange()
        self._sync_streams()
        self.refresh()

    # --- cameras and pages -------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.cameras) / self.per_page))

    def visible_cameras(self) -> list[CameraRow]:
        return [tile.camera for tile in self.visible_tiles if tile.camera is not None]

    def set_cameras(self, cameras) -> None:
        self.all_cameras = tuple(cameras)
        self.camera_list.set_cameras(self.all_cameras)
        self.camera_list.filter(self.camera_filter.text())
        self._apply_group()

    def set_camera_status(self, online: dict[int, bool]) -> None:
        self.camera_list.set_cameras(self.all_cameras, online)
        self.camera_list.filter(self.camera_filter.text())

    def show_group(self, camera_ids, name: str) -> None:
        """Only these cameras on the wall (a grid's, from the map), first page."""
        self.stop_tour()
        self.group = (frozenset(camera_ids), name)
        self.page = 0
        self._apply_group()

    def clear_group(self) -> None:
        self.group = None
        self._apply_group()

    def _apply_group(self) -> None:
        if self.group is None:
            self.cameras = self.all_cameras
        else:
            self.cameras = tuple(c for c in self.all_cameras if c.id in self.group[0])
        known = {c.id for c in self.all_cameras}
        for camera_id in list(self._last):  # a camera gone
            if camera_id not in known:
                del self._last[camera_id]
        if self.tour is not None:
            self._show_tour_page(self.tour_page)
        else:
            self.show_page(min(self.page, self.page_count - 1))

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, self.page_count - 1))
        start = self.page * self.per_page
        self._fill(list(self.cameras[start : start + self.per_page]))

    def _manual_page(self, page: int) -> None:
        self.stop_tour()
        self.show_page(page)

    def _fill(self, cameras: list[CameraRow | None]) -> None:
        by_id = {c.id: c for c in self.all_cameras}
        self.slots = [
            by_id.get(c.id, c) if c is not None else None
            for c in (cameras + [None] * self.per_page)[: self.per_page]
        ]
        if self.maximised is not None and self.maximised.camera not in self.slots:
            self.maximised = None
            self._arrange()
        for tile, camera in zip(self.tiles, self.slots + [None] * MAX_TILES, strict=False):
            tile.set_camera(camera)
            tile.selected = camera is not None and camera.id == self.selected_camera
        self._update_bar()
        self._sync_streams()
        self.refresh()

    def put_camera(self, tile: CameraTile, camera_id: int) -> None:
        """A camera dropped on a tile (from the list or the map) plays there."""
        camera = next((c for c in self.all_cameras if c.id == camera_id), None)
        if camera is None or tile not in self.tiles[: self.per_page]:
            return
        self.stop_tour()
        slots = list(self.slots)
        slots[self.tiles.index(tile)] = camera
        self._fill(slots)
        self.select_camera(camera_id)

    def _put_on_selected_tile(self, camera_id: int) -> None:
        index = next(
            (i for i, t in enumerate(self.visible_tiles) if t.camera and t.selected),
            next((i for i, c in enumerate(self.slots) if c is None), 0),
        )
        self.put_camera(self.tiles[index], camera_id)

    def select_camera(self, camera_id: int | None) -> None:
        if camera_id is not None and self.group is not None and camera_id not in self.group[0]:
            self.clear_group()  # a camera outside the group: back to all of them
        self.selected_camera = camera_id
        on_wall = any(t.camera is not None and t.camera.id == camera_id for t in self.visible_tiles)
        if camera_id is not None and not on_wall:
            index = next((i for i, c in enumerate(self.cameras) if c.id == camera_id), None)
            if index is not None:
                self.stop_tour()
                self.show_page(index // self.per_page)
        for tile in self.tiles:
            tile.selected = tile.camera is not None and tile.camera.id == camera_id
            tile.update()

    # --- tours -------------------------------------------------------------------------------

    def set_tours(self, tours) -> None:
        self.tours = list(tours)
        current = self.tour_box.currentText()
        self.tour_box.blockSignals(True)
        self.tour_box.clear()
        for tour in self.tours:
            self.tour_box.addItem(
                self.tr("%1 (%2 cameras, %3 s)")
                .replace("%1", tour.name)
                .replace("%2", str(len(tour.camera_ids)))
                .replace("%3", str(tour.dwell_s)),
                tour.name,
            )
        index = self.tour_box.findText(current)
        self.tour_box.setCurrentIndex(max(index, 0))
        self.tour_box.setPlaceholderText(self.tr("no tours yet"))
        self.tour_box.blockSignals(False)
        if self.tour is not None:
            fresh = next((t for t in self.tours if t.name == self.tour.name), None)
            if fresh is None:
                self.stop_tour()
            else:
                self.tour = fresh
        self._update_bar()

    def start_tour(self, name: str) -> None:
        tour = next((t for t in self.tours if t.name == name), None)
        if tour is None:
            return
        self.group = None
        self.cameras = self.all_cameras
        self.tour = tour
        self._tour_timer.setInterval(tour.dwell_s * 1000)
        self._tour_timer.start()
        self._show_tour_page(0)

    def pause_tour(self) -> None:
        self._tour_timer.stop()
        self._update_bar()

    def resume_tour(self) -> None:
        if self.tour is not None:
            self._tour_timer.start()
            self._update_bar()

    def stop_tour(self) -> None:
        self.tour = None
        self._tour_timer.stop()
        self._update_bar()

    @property
    def touring(self) -> bool:
        return self.tour is not None and self._tour_timer.isActive()

    def _tour_pages(self) -> list[tuple[int, ...]]:
        known = {c.id for c in self.all_cameras}
        ids = [i for i in self.tour.camera_ids if i in known] if self.tour else []
        return tour_pages(ids, self.per_page)

    def next_tour_page(self) -> None:
        if self.tour is not None:
            self._show_tour_page(self.tour_page + 1)

    def _show_tour_page(self, page: int) -> None:
        pages = self._tour_pages()
        self.tour_page = page % len(pages)
        by_id = {c.id: c for c in self.all_cameras}
        self._fill([by_id[i] for i in pages[self.tour_page]])

    def _on_tour_button(self) -> None:
        if self.touring:
            self.pause_tour()
        elif self.tour is not None and self.tour.name == self.tour_box.currentData():
            self.resume_tour()
        elif self.tour_box.currentData():
            self.start_tour(self.tour_box.currentData())

    def _save_tour(self) -> None:
        ids = [c.id for c in self.cameras] if self.group else [c.id for c in self.slots if c]
        if not ids:
            return
        name, ok = QInputDialog.getText(self, self.tr("Save tour"), self.tr("Name of the tour:"))
        if not ok or not name.strip():
            return
        dwell, ok = QInputDialog.getInt(
            self, self.tr("Save tour"), self.tr("Seconds per page:"), 15, 5, 600
        )
        if ok:
            self.saveTourRequested.emit(name.strip(), tuple(ids), dwell)

    def _delete_tour(self) -> None:
        name = self.tour_box.currentData()
        if name:
            self.deleteTourRequested.emit(name)

    # --- tile menu ---------------------------------------------------------------------------

    def _tile_menu(self, tile: CameraTile, at: QPoint) -> None:
        self.tile_menu(tile).exec(at)

    def tile_menu(self, tile: CameraTile) -> QMenu:
        menu = QMenu(self)
        camera = tile.camera
        if camera is None:
            menu.addAction(self.tr("Drag a camera here from the list or the map")).setEnabled(False)
            return menu
        for kind, text in (
            ("save", self.tr("Snapshot")),
            ("case", self.tr("Snapshot to a case…")),
            ("new_case", self.tr("Snapshot and new case here…")),
        ):
            action = menu.addAction(text)
            action.setObjectName(f"snapshot_{kind}")
            action.setEnabled(self._has_picture(camera.id))
            action.triggered.connect(
                lambda _=False, k=kind, c=camera.id: self.snapshotRequested.emit(c, k)
            )
        for extend in self.menu_extensions:
            extend(menu, camera)
        menu.addSeparator()
        streams = menu.addMenu(self.tr("Stream"))
        for choice, text in (
            (StreamChoice.AUTO, self.tr("Automatic by tile size")),
            (StreamChoice.MAIN, self.tr("Main stream")),
            (StreamChoice.SUB, self.tr("Sub stream")),
        ):
            action = streams.addAction(text)
            action.setCheckable(True)
            action.setChecked(tile.stream_choice is choice)
            action.setEnabled(bool(camera.sub_url) or choice is not StreamChoice.SUB)
            action.triggered.connect(lambda _=False, c=choice, t=tile: self.set_stream_choice(t, c))
        menu.addAction(
            self.tr("Back to the wall") if self.maximised is tile else self.tr("Enlarge"),
            lambda: self.toggle_maximised(tile),
        )
        remove = menu.addAction(self.tr("Empty this tile"))
        remove.triggered.connect(lambda: self._empty(tile))
        return menu

    def set_stream_choice(self, tile: CameraTile, choice: StreamChoice) -> None:
        tile.stream_choice = choice
        self._sync_streams()

    def _empty(self, tile: CameraTile) -> None:
        slots = list(self.slots)
        slots[self.tiles.index(tile)] = None
        self._fill(slots)

    def _has_picture(self, camera_id: int) -> bool:
        worker = self.registry.get(camera_id)
        return worker is not None and worker.latest(None) is not None

    def full_frame(self, camera_id: int):
        """The newest frame of a camera at full resolution (a snapshot), or None."""
        worker = self.registry.get(camera_id)
        return worker.latest(None) if worker is not None else None

    # --- streams -----------------------------------------------------------------------------

    def streamed_cameras(self) -> list[CameraRow]:
        """The cameras that decode now: those on visible tiles, enabled, while the wall is on
        screen."""
        if not self._active or self._closed:
            return []
        seen, result = set(), []
        for camera in self.visible_cameras():
            if camera.enabled and camera.id not in seen:
                seen.add(camera.id)
                result.append(camera)
        return result

    def _wanted_urls(self) -> dict[int, str]:
        """A URL per streamed camera: the main stream if any of its tiles wants it."""
        kinds: dict[int, str] = {}
        for tile in self.visible_tiles:
            camera = tile.camera
            if camera is None:
                continue
            kind = choose_stream(tile.pixel_size()[1], bool(camera.sub_url), tile.stream_choice)
            tile.stream_kind = kind
            if kinds.get(camera.id) != "main":
                kinds[camera.id] = kind
        return {
            c.id: (c.sub_url if kinds.get(c.id) == "sub" and c.sub_url else c.main_url)
            for c in self.streamed_cameras()
        }

    def _sync_streams(self) -> None:
        wanted = self._wanted_urls()
        self.registry.keep_only(wanted)
        by_id = {c.id: c for c in self.all_cameras}
        sizes: dict[int, tuple[int, int]] = {}  # the largest tile of each camera
        for tile in self.visible_tiles:
            if tile.camera is not None and tile.camera.id in wanted:
                width, height = tile.pixel_size()
                old = sizes.get(tile.camera.id, (0, 0))
                sizes[tile.camera.id] = (max(width, old[0]), max(height, old[1]))
        for camera_id, url in wanted.items():
            worker = self.registry.acquire(camera_id, url, name=by_id[camera_id].device_id)
            worker.set_output(sizes.get(camera_id), PIXEL_FORMAT)
            worker.set_listener(lambda c=camera_id: self._announce(c))
        if wanted:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._resync.start()

    def prepare(self) -> None:
        """Start the streams while still hidden, so the tiles have live pictures the moment
        they appear (a rotating wall display, a few seconds before the video's page returns:
        opening nine RTSP sessions takes one or two). Only once shown before: the tiles' sizes,
        which choose main or sub stream, are known only then."""
        if not self._active and self._shown_once and not self._closed:
            self._active = True
            self._sync_streams()

    def release_if_hidden(self) -> None:
        """Undo ``prepare`` when the page did not come after all."""
        if self._active and not self.isVisible() and not self._moving:
            self._active = False
            self._sync_streams()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._visible_now = True
        self._shown_once = True
        if not self._active:
            self._active = True
            self._sync_streams()
        self.refresh()  # the newest frames, also of streams started ahead (prepare)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._visible_now = False
        if self._active and not self._moving:
            self._active = False
            self._sync_streams()  # off screen: nothing decodes

    @contextlib.contextmanager
    def moving(self):
        """The wall is being reparented (Qt hides it for a moment): the streams go on, and
        stop afterwards only if the wall did not land on screen."""
        self._moving = True
        try:
            yield
        finally:
            self._moving = False
            if self._active and not self.isVisible():
                self._active = False
                self._sync_streams()

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Stop every stream and wait for the threads (closing the window)."""
        self._closed = True
        self._timer.stop()
        self._tour_timer.stop()
        return self.registry.stop_all(timeout)

    def _tick(self) -> None:
        self.refresh()

    def _announce(self, camera_id: int) -> None:
        """A worker has a new frame (called in its thread): one wake-up of the GUI thread for
        however many frames arrive before it runs, none while the wall is off screen."""
        with self._announce_lock:
            self._announced.add(camera_id)
            if self._wake_posted or not self._visible_now:
                return
            self._wake_posted = True
        QCoreApplication.postEvent(self, QEvent(WAKE_EVENT))

    def event(self, event) -> bool:
        if event.type() == WAKE_EVENT:
            with self._announce_lock:
                cameras, self._announced = self._announced, set()
                self._wake_posted = False
            self.wakeups += 1
            if cameras and not self._closed:
                self.refresh(with_health=False, cameras=cameras)
            return True
        return super().event(event)

    def refresh(self, with_health: bool = True, cameras: set[int] | None = None) -> None:
        """Take the newest frame of each tile (of ``cameras`` only, if given) and, with
        ``with_health``, the workers' health; repaint what changed."""
        for tile in self.visible_tiles:
            camera = tile.camera
            if cameras is not None and (camera is None or camera.id not in cameras):
                continue
            worker = self.registry.get(camera.id) if camera is not None else None
            if worker is None:
                tile.set_health(None)
                continue
            if tile.worker is not worker:  # a new worker numbers its frames from 1 again
                tile.worker, tile.frame_number = worker, 0
            frame = worker.latest(
                tile.pixel_size(), after=tile.frame_number, pixel_format=PIXEL_FORMAT
            )
            if frame is not None:
                tile.set_frame(frame)
                self._last[camera.id] = (tile.image, frame.image)
                self.frameReady.emit(camera.id)
            if with_health or frame is not None and tile.state is not Health.LIVE:
                tile.set_health(worker.health())
        self._check_settled()

    def is_settled(self) -> bool:
        """True when every streamed tile has a picture or a definite health (not connecting):
        what a screenshot waits for."""
        streamed = {c.id for c in self.streamed_cameras()}
        for tile in self.visible_tiles:
            if tile.camera is None or tile.camera.id not in streamed:
                continue
            if tile.image is None and tile.state in (None, Health.CONNECTING):
                return False
        return True

    def _check_settled(self) -> None:
        settled = self.is_settled()
        if settled and not self._settled:
            self.framesSettled.emit()
        self._settled = settled

    def last_image(self, camera_id: int) -> QImage | None:
        """A copy of the last picture shown of a camera (for the details panel), or None."""
        entry = self._last.get(camera_id)
        return entry[0].copy() if entry is not None else None

    def health_of(self, camera_id: int) -> StreamHealth | None:
        worker = self.registry.get(camera_id)
        return worker.health() if worker is not None else None

    # --- the rest ----------------------------------------------------------------------------

    def _on_tile_clicked(self, camera_id: int) -> None:
        self.select_camera(camera_id)
        self.cameraSelected.emit(camera_id)

    def _update_bar(self) -> None:
        if self.tour is not None:
            pages = len(self._tour_pages())
            text = (
                self.tr("Tour %1 · page %2 of %3")
                .replace("%1", self.tour.name)
                .replace("%2", str(self.tour_page + 1))
                .replace("%3", str(pages))
            )
            if not self.touring:
                text += " · " + self.tr("paused")
        else:
            text = (
                self.tr("Cameras: %1 · page %2 of %3")
                .replace("%1", str(len(self.cameras)))
                .replace("%2", str(self.page + 1))
                .replace("%3", str(self.page_count))
            )
            if self.group is not None:
                text = self.group[1] + " · " + text
        self.page_label.setText(text)
        self.all_button.setVisible(self.group is not None)
        self.previous_button.setEnabled(self.tour is None and self.page > 0)
        self.next_button.setEnabled(self.tour is None and self.page < self.page_count - 1)
        self.tour_button.setEnabled(bool(self.tours))
        self.tour_button.setText(self.tr("⏸ Pause") if self.touring else self.tr("▶ Start"))
