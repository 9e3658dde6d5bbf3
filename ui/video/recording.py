"""Recording a tile's camera as evidence for a case: the officer chooses the duration and the
case, the clip is recorded in a worker (``commandcenter.video.recording``: ffmpeg, stream copy)
while a small window counts down, then attached to the case through the console's writer.

The window never waits: the recording runs in the ``recording`` pool, the credentials are looked
up there, and the countdown reads the seconds recorded so far from a timer.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QSpinBox,
)

from commandcenter.cases.operations import FileData
from commandcenter.config import data_dir
from commandcenter.domain.enums import AttachmentKind
from commandcenter.errors import CommandCenterError
from commandcenter.video.recording import (
    MAX_SECONDS,
    MIN_SECONDS,
    RecordingFailed,
    clip_filename,
    record_clip,
)
from ui.common.errors import describe
from ui.common.tasks import run_in_background

DEFAULT_SECONDS = 30


class RecordDialog(QDialog):
    """How long, and for which case."""

    def __init__(self, camera_name: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record %1").replace("%1", camera_name))
        layout = QFormLayout(self)
        self.seconds = QSpinBox(self)
        self.seconds.setObjectName("recordSeconds")
        self.seconds.setRange(MIN_SECONDS, MAX_SECONDS)
        self.seconds.setValue(DEFAULT_SECONDS)
        self.seconds.setSuffix(self.tr(" s"))
        layout.addRow(self.tr("Duration"), self.seconds)
        self.case_code = QLineEdit(self)
        self.case_code.setObjectName("recordCase")
        self.case_code.setPlaceholderText(self.tr("the case the clip is evidence for"))
        layout.addRow(self.tr("Case number:"), self.case_code)
        note = QLabel(
            self.tr("The camera's stream is kept as it comes (not re-encoded), at most 48 MB."),
            self,
        )
        note.setObjectName("detailsCaption")
        note.setWordWrap(True)
        layout.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addRow(self.buttons)

    def _accept(self) -> None:
        if self.case_code.text().strip():
            self.accept()
        else:
            self.case_code.setFocus()


class Recording(QObject):
    """One clip being recorded and attached; ``finished(ok, message)`` at the end."""

    finished = Signal(bool, str)

    def __init__(self, console, camera, seconds: int, case_code: str, parent=None):
        super().__init__(parent)
        self.console, self.camera = console, camera
        self.seconds, self.case_code = seconds, case_code
        self.state = "recording"  # recording, attaching, done, failed
        self.recorded = 0.0  # seconds so far, written by the worker
        self.clip = None
        self._cancel = threading.Event()
        self.progress = QProgressDialog(parent)
        self.progress.setObjectName("recordingProgress")
        self.progress.setWindowTitle(self.tr("Recording"))
        self.progress.setWindowModality(Qt.WindowModality.NonModal)
        self.progress.setRange(0, seconds)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._show_progress)

    def start(self) -> None:
        camera, seconds = self.camera, self.seconds
        started_at = self.console.now()
        target = data_dir() / "recordings" / clip_filename(camera.device_id, started_at)
        credentials = self.console.backend.stream_credentials()
        cancel = self._cancel

        def record():
            username, password = credentials(camera.id)
            return record_clip(
                camera.main_url,
                target,
                seconds,
                username=username,
                password=password,
                progress=lambda s: setattr(self, "recorded", s),
                cancel=cancel,
            )

        self._show_progress()
        self.progress.show()
        self._timer.start()
        run_in_background(record, self._recorded, self._failed, pool_name="recording", owner=self)

    def cancel(self) -> None:
        if self.state == "recording":
            self._cancel.set()

    def _show_progress(self) -> None:
        if self.state != "recording":
            return
        done = min(int(self.recorded), self.seconds)
        self.progress.setValue(done)
        self.progress.setLabelText(
            self.tr("Recording %1: %2 s left")
            .replace("%1", self.camera.name)
            .replace("%2", str(self.seconds - done))
        )

    def _recorded(self, clip) -> None:
        self._timer.stop()
        self.clip, self.state = clip, "attaching"
        self.progress.setValue(self.seconds)
        self.progress.setLabelText(
            self.tr("Attaching the clip to case %1…").replace("%1", self.case_code)
        )
        file_path, media_type, code = clip.path, clip.media_type, self.case_code
        self.console.operations.run(
            lambda b: b.attach(
                code,
                FileData(file_path.name, file_path.read_bytes(), media_type),
                AttachmentKind.VIDEO,
            ),
            self._attached,
            self._failed,
            owner=self,
        )

    def _attached(self, change) -> None:
        self._end(
            True,
            self.tr("Clip of %1 s attached to case %2 (SHA-256 %3…)")
            .replace("%1", str(round(self.clip.seconds)))
            .replace("%2", change.code)
            .replace("%3", self.clip.sha256[:12]),
        )

    def _failed(self, error: Exception) -> None:
        self._timer.stop()
        if isinstance(error, RecordingFailed | CommandCenterError):
            text = str(error)
        else:
            message = describe(error, doing="recording")
            text = f"{message.text} {message.hint}".strip()
        if self.clip is not None:  # recorded, not attached: the file stays
            text += " " + self.tr("The clip is kept in %1").replace("%1", str(self.clip.path))
        self._end(False, text)

    def _end(self, ok: bool, text: str) -> None:
        self.state = "done" if ok else "failed"
        self.progress.hide()
        self.progress.deleteLater()
        self.finished.emit(ok, text)
