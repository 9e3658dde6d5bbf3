"""A video clip of a case played back: OpenCV decodes it in a thread
(``commandcenter.video.playback``), a timer puts the newest picture on a label; play / pause.
(No QtMultimedia: the console's Qt has none.)"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from commandcenter.video.playback import ClipPlayer

REPAINT_MS = 20


def write_temporary(data: bytes, suffix: str) -> Path:
    """The clip's bytes in a private temporary file (OpenCV reads files); for a worker."""
    handle, name = tempfile.mkstemp(prefix="cc-clip-", suffix=suffix)
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    return Path(name)


class ClipPlayerDialog(QDialog):
    def __init__(self, path: Path, title: str, parent=None, *, owns_file: bool = True):
        super().__init__(parent)
        self.setObjectName("clipPlayer")
        self.setWindowTitle(title)
        self.path, self._owns_file = path, owns_file
        self.picture = QLabel(self)
        self.picture.setObjectName("clipPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(480, 270)
        self.picture.setStyleSheet("background: #000;")
        self.play_button = QPushButton(self.tr("Pause"), self)
        self.play_button.setObjectName("clipPlayPause")
        self.play_button.clicked.connect(self.toggle)
        self.position = QLabel(self)
        self.position.setObjectName("clipPosition")
        bar = QHBoxLayout()
        bar.addWidget(self.play_button)
        bar.addWidget(self.position, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addLayout(bar)
        self.frames_shown = 0
        self._shown_index = -1
        self.player = ClipPlayer(path, name=path.stem).start()
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._repaint)
        self._timer.start()
        self.resize(800, 520)

    def toggle(self) -> None:
        if self.player.playing:
            self.player.pause()
        else:
            self.player.play()
        self._update_button()

    def _update_button(self) -> None:
        self.play_button.setText(self.tr("Pause") if self.player.playing else self.tr("Play"))

    def _repaint(self) -> None:
        self._update_button()
        if self.player.error:
            self.position.setText(
                self.tr("The clip cannot be played: %1").replace("%1", self.player.error)
            )
            return
        frame = self.player.latest()
        if frame is None or frame.index == self._shown_index:
            return
        self._shown_index = frame.index
        self.frames_shown += 1
        height, width = frame.image.shape[:2]
        image = QImage(frame.image.data, width, height, 3 * width, QImage.Format.Format_BGR888)
        pixmap = QPixmap.fromImage(image).scaled(
            self.picture.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.picture.setPixmap(pixmap)
        total = self.player.frame_count / self.player.fps if self.player.frame_count else 0
        self.position.setText(f"{frame.seconds:5.1f} s / {total:.1f} s")

    def done(self, result: int) -> None:
        self._timer.stop()
        self.player.stop()
        if self._owns_file:
            self.path.unlink(missing_ok=True)
        super().done(result)
