"""The video wall: a 3×3 block of live camera tiles with pages.

Decoding happens in the core (``commandcenter.video``): each camera on the visible page gets a
``StreamWorker`` thread from the wall's ``StreamRegistry``; nothing else is decoded. Changing the
page stops the workers of the cameras that left it; hiding the wall (another tab) or closing the
window stops them all.

The wall paints at its own pace: a timer (~12 per second) takes each tile's newest frame from
its worker's latest-frame slot, already scaled down to the tile, and the worker's health. Each
tile shows the camera's name, the time of its last frame and its health as a symbol and a word
(colour is never the only signal); a tile without a picture says why and what to do.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from commandcenter import clock
from commandcenter.queries import CameraRow
from commandcenter.video import Frame, Health, StreamHealth, StreamRegistry, StreamWorker
from ui.style import Colors, scaled_font

ROWS = COLUMNS = 3
PER_PAGE = ROWS * COLUMNS
REFRESH_MS = 80  # the wall paints about 12 times a second, whatever the streams' rates
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


def camera_url(camera: CameraRow) -> str:
    """The sub stream is enough for a tile; the main stream when there is no sub stream."""
    return camera.sub_url or camera.main_url


def frame_to_image(frame: Frame) -> QImage:
    """A QImage over the frame's BGR pixels, without a copy: keep ``frame.image`` alive for as
    long as the QImage is used."""
    pixels = np.ascontiguousarray(frame.image)
    height, width = pixels.shape[:2]
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_BGR888)


class CameraTile(QWidget):
    clicked = Signal(int)

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
        self._shown: tuple = ()  # what the overlay showed last, to repaint only on change

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

    def paintEvent(self, _event) -> None:
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

    def _paint_picture(self, painter: QPainter, rect: QRectF) -> None:
        """The frame centred in the tile: as it is when it was scaled for this size (the
        usual case), else scaled to fit (the tile was resized since)."""
        size = self.image.deviceIndependentSize()
        if size.width() <= rect.width() + 0.5 and size.height() <= rect.height() + 0.5:
            target = QRectF(QPointF(0, 0), size)
            target.moveCenter(rect.center())
            painter.drawImage(target.topLeft(), self.image)
            return
        fitted = size.scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(QPointF(0, 0), fitted)
        target.moveCenter(rect.center())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self.image)

    def _paint_top_band(self, painter: QPainter, rect: QRectF, font: QFont) -> None:
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
        painter.setPen(colour)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.badge_text()
        )
        stamp = self.frame_time()
        if stamp:
            painter.setPen(Colors.TEXT)
            painter.drawText(
                inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, stamp
            )

    def _paint_caption(self, painter: QPainter, rect: QRectF, font: QFont) -> None:
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


class VideoWall(QWidget):
    cameraSelected = Signal(int)
    framesSettled = Signal()  # every tile of the page has a picture or a definite health
    frameReady = Signal(int)  # a new picture of a camera was put on its tile

    def __init__(self, parent=None, registry: StreamRegistry | None = None):
        super().__init__(parent)
        self.setObjectName("videoWall")
        self.registry = registry if registry is not None else StreamRegistry()
        self.cameras: tuple[CameraRow, ...] = ()  # those the wall pages through
        self.all_cameras: tuple[CameraRow, ...] = ()
        self.group: tuple[frozenset[int], str] | None = None  # only these cameras, and why
        self.page = 0
        self.selected_camera: int | None = None
        self._active = False  # on screen: only then does anything decode
        self._closed = False
        self._settled = True
        self._last: dict[int, tuple[QImage, np.ndarray]] = {}  # last picture per camera

        self.tiles = [CameraTile(self) for _ in range(PER_PAGE)]
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, tile in enumerate(self.tiles):
            tile.clicked.connect(self._on_tile_clicked)
            grid.addWidget(tile, i // COLUMNS, i % COLUMNS)

        self.previous_button = QPushButton(self.tr("◀ Previous page"), self)
        self.next_button = QPushButton(self.tr("Next page ▶"), self)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("pageLabel")
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.all_button = QPushButton(self.tr("Show all cameras"), self)
        self.all_button.setObjectName("allCameras")
        self.all_button.clicked.connect(self.clear_group)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        bar.addWidget(self.page_label, 1)
        bar.addWidget(self.all_button)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(grid, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._update_bar()

    # --- cameras and pages -------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.cameras) / PER_PAGE))

    def visible_cameras(self) -> list[CameraRow]:
        return list(self.cameras[self.page * PER_PAGE : (self.page + 1) * PER_PAGE])

    def set_cameras(self, cameras) -> None:
        self.all_cameras = tuple(cameras)
        self._apply_group()

    def show_group(self, camera_ids, name: str) -> None:
        """Only these cameras on the wall (a grid's, from the map), first page."""
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
        known = {c.id: camera_url(c) for c in self.all_cameras}
        for camera_id in list(self._last):  # a camera gone or moved to another URL
            if camera_id not in known:
                del self._last[camera_id]
        self.show_page(min(self.page, self.page_count - 1))

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, self.page_count - 1))
        visible = self.visible_cameras()
        for i, tile in enumerate(self.tiles):
            camera = visible[i] if i < len(visible) else None
            tile.set_camera(camera)
            tile.selected = camera is not None and camera.id == self.selected_camera
        self._update_bar()
        self._sync_streams()
        self.refresh()

    def select_camera(self, camera_id: int | None) -> None:
        if camera_id is not None and self.group is not None and camera_id not in self.group[0]:
            self.clear_group()  # a camera outside the group: back to all of them
        self.selected_camera = camera_id
        index = next((i for i, c in enumerate(self.cameras) if c.id == camera_id), None)
        if index is not None and index // PER_PAGE != self.page:
            self.show_page(index // PER_PAGE)
        for tile in self.tiles:
            tile.selected = tile.camera is not None and tile.camera.id == camera_id
            tile.update()

    # --- streams -----------------------------------------------------------------------------

    def streamed_cameras(self) -> list[CameraRow]:
        """The cameras that decode now: those on the visible page, enabled, while the wall is
        on screen."""
        if not self._active or self._closed:
            return []
        return [c for c in self.visible_cameras() if c.enabled]

    def _sync_streams(self) -> None:
        wanted = self.streamed_cameras()
        self.registry.keep_only(c.id for c in wanted)
        for camera in wanted:
            self.registry.acquire(camera.id, camera_url(camera), name=camera.device_id)
        if wanted:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._active:
            self._active = True
            self._sync_streams()
            self.refresh()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if self._active:
            self._active = False
            self._sync_streams()  # off screen: nothing decodes

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Stop every stream and wait for the threads (closing the window)."""
        self._closed = True
        self._timer.stop()
        return self.registry.stop_all(timeout)

    def refresh(self) -> None:
        """Take each tile's newest frame (scaled to the tile) and its health; repaint."""
        for tile in self.tiles:
            camera = tile.camera
            worker = self.registry.get(camera.id) if camera is not None else None
            if worker is None:
                tile.set_health(None)
                continue
            if tile.worker is not worker:  # a new worker numbers its frames from 1 again
                tile.worker, tile.frame_number = worker, 0
            frame = worker.latest(tile.pixel_size(), after=tile.frame_number)
            if frame is not None:
                tile.set_frame(frame)
                self._last[camera.id] = (tile.image, frame.image)
                self.frameReady.emit(camera.id)
            tile.set_health(worker.health())
        self._check_settled()

    def is_settled(self) -> bool:
        """True when every streamed tile has a picture or a definite health (not connecting):
        what a screenshot waits for."""
        streamed = {c.id for c in self.streamed_cameras()}
        for tile in self.tiles:
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
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < self.page_count - 1)
