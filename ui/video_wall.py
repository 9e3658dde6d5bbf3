"""The video wall: a 3×3 block of camera tiles with pages.

For now a tile shows one still frame: for file-based demo cameras (``file://`` URL or a plain
path to a clip or picture) a worker reads a frame with OpenCV and hands back a QImage; network
streams (rtsp:// …) show a placeholder until the live video engine lands.
"""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import unquote, urlparse

from PySide6.QtCore import QRectF, Qt, Signal
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

from commandcenter.queries import CameraRow
from ui.style import Colors, scaled_font
from ui.tasks import run_in_background

ROWS = COLUMNS = 3
PER_PAGE = ROWS * COLUMNS
FRAME_MAX_WIDTH = 960
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


class FrameUnavailable(Exception):
    """Why a tile has no picture: ``reason`` is "missing", "unreadable" or "empty"."""

    def __init__(self, reason: str, path: Path):
        super().__init__(f"{reason}: {path}")
        self.reason, self.path = reason, path


def local_path(url: str | None) -> Path | None:
    """The file behind a camera URL, or None for a network stream."""
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if len(parsed.scheme) > 1:  # rtsp://, http:// … (one letter is a Windows drive)
        return None
    return Path(url)


def camera_source(camera: CameraRow) -> Path | None:
    """The sub stream is enough for a tile; the main stream when there is no sub stream."""
    for url in (camera.sub_url, camera.main_url):
        path = local_path(url)
        if path is not None:
            return path
    return None


def read_frame(path: Path) -> QImage:
    """One frame of a clip (a second in, past any black lead-in) or a picture, as a QImage.
    Runs in a worker thread: QImage, unlike QPixmap, may be built there."""
    import cv2

    if not path.exists():
        raise FrameUnavailable("missing", path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
    else:
        capture = cv2.VideoCapture(str(path))
        try:
            if not capture.isOpened():
                raise FrameUnavailable("unreadable", path)
            count = capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0
            fps = capture.get(cv2.CAP_PROP_FPS) or 25
            if count > 2:
                capture.set(cv2.CAP_PROP_POS_FRAMES, min(int(fps), int(count // 2)))
            ok, frame = capture.read()
            if not ok:
                capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = capture.read()
            if not ok:
                frame = None
        finally:
            capture.release()
    if frame is None:
        raise FrameUnavailable("empty", path)
    height, width = frame.shape[:2]
    if width > FRAME_MAX_WIDTH:
        scale = FRAME_MAX_WIDTH / width
        frame = cv2.resize(
            frame, (FRAME_MAX_WIDTH, int(height * scale)), interpolation=cv2.INTER_AREA
        )
        height, width = frame.shape[:2]
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels; the numpy buffer goes away


class CameraTile(QWidget):
    clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("cameraTile")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 100)
        self.camera: CameraRow | None = None
        self.image: QImage | None = None
        self.message = ""
        self.selected = False

    def set_camera(self, camera: CameraRow | None) -> None:
        self.camera, self.image = camera, None
        self.message = self.tr("Loading picture…") if camera else ""
        self.setToolTip(f"{camera.name}\n{camera.device_id}" if camera else "")
        self.update()

    def set_image(self, image: QImage | None, message: str = "") -> None:
        self.image, self.message = image, message
        self.update()

    def mousePressEvent(self, event) -> None:
        if self.camera is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.camera.id)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.fillRect(rect, QColor("#05080b"))
        if self.camera is None:
            painter.setPen(QPen(Colors.BORDER, 1))
            painter.drawRect(rect)
            painter.end()
            return
        if self.image is not None and not self.image.isNull():
            size = self.image.size().scaled(
                rect.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio
            )
            target = QRectF(0, 0, size.width(), size.height())
            target.moveCenter(rect.center())
            painter.drawImage(target, self.image)
        font = QFont(self.font())
        if self.message:
            painter.setPen(Colors.TEXT_DIM)
            painter.setFont(font)
            painter.drawText(
                rect.adjusted(12, 12, -12, -40),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.message,
            )
        if not self.camera.enabled:
            painter.setPen(Colors.OVERDUE)
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(
                rect.adjusted(10, 8, -10, -8),
                Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight,
                self.tr("✖ Disabled"),
            )
        # Caption: name over device ID, on a dark band for contrast on any picture.
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
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(
            QPen(Colors.SELECTED if self.selected else Colors.BORDER, 3 if self.selected else 1)
        )
        painter.drawRect(rect)
        painter.end()


class VideoWall(QWidget):
    cameraSelected = Signal(int)
    framesSettled = Signal()  # every tile of the page has its picture or its message
    frameReady = Signal(int)  # a camera's picture (or its failure message) arrived

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("videoWall")
        self.cameras: tuple[CameraRow, ...] = ()
        self.page = 0
        self.frames: dict[int, QImage] = {}
        self.messages: dict[int, str] = {}
        self._loading: set[int] = set()
        self.selected_camera: int | None = None

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
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        bar.addWidget(self.page_label, 1)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(grid, 1)
        self._update_bar()

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.cameras) / PER_PAGE))

    def visible_cameras(self) -> list[CameraRow]:
        return list(self.cameras[self.page * PER_PAGE : (self.page + 1) * PER_PAGE])

    def set_cameras(self, cameras) -> None:
        cameras = tuple(cameras)
        changed = {c.id: c for c in cameras}
        for camera in self.cameras:  # a changed URL needs a new frame
            new = changed.get(camera.id)
            if new is None or (new.main_url, new.sub_url) != (camera.main_url, camera.sub_url):
                self.frames.pop(camera.id, None)
                self.messages.pop(camera.id, None)
        self.cameras = cameras
        self.show_page(min(self.page, self.page_count - 1))

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, self.page_count - 1))
        visible = self.visible_cameras()
        for i, tile in enumerate(self.tiles):
            camera = visible[i] if i < len(visible) else None
            tile.set_camera(camera)
            if camera is not None:
                tile.selected = camera.id == self.selected_camera
                if camera.id in self.frames or camera.id in self.messages:
                    tile.set_image(self.frames.get(camera.id), self.messages.get(camera.id, ""))
                else:
                    self._request_frame(camera)
        self._update_bar()
        self._check_settled()

    def select_camera(self, camera_id: int | None) -> None:
        self.selected_camera = camera_id
        index = next((i for i, c in enumerate(self.cameras) if c.id == camera_id), None)
        if index is not None and index // PER_PAGE != self.page:
            self.show_page(index // PER_PAGE)
        for tile in self.tiles:
            tile.selected = tile.camera is not None and tile.camera.id == camera_id
            tile.update()

    def is_settled(self) -> bool:
        return not self._loading

    def _request_frame(self, camera: CameraRow) -> None:
        if camera.id in self._loading:
            return
        path = camera_source(camera)
        if path is None:
            self.messages[camera.id] = self.tr("Live stream — shown when live video is available")
            return
        self._loading.add(camera.id)
        run_in_background(
            lambda: read_frame(path),
            lambda image, cid=camera.id: self._on_frame(cid, image, ""),
            lambda error, cid=camera.id: self._on_frame(cid, None, self._explain(error)),
            pool_name="video",
            owner=self,
        )

    def _explain(self, error: Exception) -> str:
        if isinstance(error, FrameUnavailable):
            text = {
                "missing": self.tr("No picture: the clip %1 is missing"),
                "unreadable": self.tr("No picture: cannot open the clip %1"),
                "empty": self.tr("No picture: the clip %1 has no frames"),
            }[error.reason]
            return text.replace("%1", error.path.name)
        return self.tr("No picture (%1)").replace("%1", type(error).__name__)

    def _on_frame(self, camera_id: int, image: QImage | None, message: str) -> None:
        self._loading.discard(camera_id)
        if image is not None:
            self.frames[camera_id] = image
        else:
            self.messages[camera_id] = message
        for tile in self.tiles:
            if tile.camera is not None and tile.camera.id == camera_id:
                tile.set_image(image, message)
        self.frameReady.emit(camera_id)
        self._check_settled()

    def _check_settled(self) -> None:
        if not self._loading:
            self.framesSettled.emit()

    def _on_tile_clicked(self, camera_id: int) -> None:
        self.select_camera(camera_id)
        self.cameraSelected.emit(camera_id)

    def _update_bar(self) -> None:
        self.page_label.setText(
            self.tr("Cameras: %1 · page %2 of %3")
            .replace("%1", str(len(self.cameras)))
            .replace("%2", str(self.page + 1))
            .replace("%3", str(self.page_count))
        )
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < self.page_count - 1)
