"""What the video wall asks of the center: tours saved for every console, snapshots kept on disk
and attached to cases, clips recorded as evidence for a case (``ui.video.recording``), and the
cameras' online check for the map and the list.

Writes go through the console's one writer; the tours every console shows come back through
the change feed (``Console.toursChanged``). The camera check runs in its own pool a minute
apart, with the credentials looked up in the worker (the window never holds a password).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog

from commandcenter.cases.operations import FileData
from commandcenter.config import data_dir
from commandcenter.domain.enums import AttachmentKind
from commandcenter.errors import CommandCenterError
from commandcenter.video.probe import check_cameras
from commandcenter.video.snapshot import save_snapshot, snapshot_filename, snapshot_png
from commandcenter.video.wall import Tour, TourProblem
from ui.common.errors import describe
from ui.common.tasks import run_in_background
from ui.video.recording import RecordDialog, Recording

CAMERA_CHECK_MS = 60_000  # how often the cameras are checked online/offline


class WallActions(QObject):
    """The wall's and the map's camera work for one main window."""

    said = Signal(str, int)  # a message for the status bar, how long (ms)
    camerasChecked = Signal(object)  # {camera id: online}

    def __init__(self, console, wall, parent):
        super().__init__(parent)
        self.console, self.wall, self.window = console, wall, parent
        self._checking = False
        self._timer = QTimer(self)
        self._timer.setInterval(CAMERA_CHECK_MS)
        self._timer.timeout.connect(self.check_cameras)
        wall.snapshotRequested.connect(self.take_snapshot)
        wall.saveTourRequested.connect(self.save_tour)
        wall.deleteTourRequested.connect(self.delete_tour)
        console.toursChanged.connect(wall.set_tours)
        console.camerasChanged.connect(lambda _rows: self.check_cameras())
        self.recordings: list[Recording] = []
        self.record_dialog: RecordDialog | None = None
        wall.menu_extensions.append(self.add_record_action)  # "Record…" after the snapshots

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    # --- online / offline ------------------------------------------------------------------------

    def check_cameras(self) -> None:
        """Online/offline of every camera, in a worker, one check at a time."""
        if self._checking or not self.console.cameras:
            return
        self._checking = True
        cameras = tuple(self.console.cameras.values())
        credentials = self.console.backend.stream_credentials()
        run_in_background(
            lambda: check_cameras(cameras, credentials),
            self._on_checked,
            lambda _error: setattr(self, "_checking", False),
            pool_name="probe",
            owner=self,
        )

    def _on_checked(self, online: dict) -> None:
        self._checking = False
        self.camerasChecked.emit(online)

    # --- tours -----------------------------------------------------------------------------------

    def save_tour(self, name: str, camera_ids, dwell_s: int) -> None:
        tour = Tour(name, tuple(camera_ids), dwell_s)
        self.console.operations.run(
            lambda b: b.save_tour(tour), self.wall.set_tours, self._failed, owner=self
        )

    def delete_tour(self, name: str) -> None:
        self.console.operations.run(
            lambda b: b.delete_tour(name), self.wall.set_tours, self._failed, owner=self
        )

    def _failed(self, error: Exception) -> None:
        text = str(error) if isinstance(error, (TourProblem, CommandCenterError)) else ""
        message = describe(error, doing="saving") if not text else None
        self.said.emit(text or f"{message.text} {message.hint}".strip(), 20_000)

    # --- snapshots -------------------------------------------------------------------------------

    def take_snapshot(self, camera_id: int, kind: str) -> None:
        """Save the camera's current picture; attach it to a case or start a new case with it."""
        camera = self.console.cameras.get(camera_id)
        frame = self.wall.full_frame(camera_id)
        if camera is None or frame is None:
            self.said.emit(self.tr("No picture of this camera yet."), 8000)
            return
        taken_at = self.console.now()
        data = snapshot_png(
            frame.image, device_id=camera.device_id, camera_name=camera.name, taken_at=taken_at
        )
        name = snapshot_filename(camera.device_id, taken_at)
        folder = data_dir() / "snapshots"
        image = frame.image

        def save():
            return save_snapshot(
                folder,
                image,
                device_id=camera.device_id,
                camera_name=camera.name,
                taken_at=taken_at,
            )

        run_in_background(
            save,
            lambda path: self.said.emit(
                self.tr("Snapshot saved: %1").replace("%1", str(path)), 15_000
            ),
            self._failed,
            owner=self,
        )
        if kind == "case":
            code, ok = QInputDialog.getText(
                self.window, self.tr("Snapshot to a case"), self.tr("Case number:")
            )
            if ok and code.strip():
                self.attach_snapshot(code.strip(), data, name)
        elif kind == "new_case":
            dialog = self.window.new_case_at(camera.lon, camera.lat, camera.grid_id, camera=camera)
            dialog.reported.connect(lambda change: self.attach_snapshot(change.code, data, name))

    def attach_snapshot(self, case_code: str, data: bytes, filename: str) -> None:
        file = FileData(filename, data, "image/png")
        self.console.operations.run(
            lambda b: b.attach(case_code, file, AttachmentKind.SNAPSHOT),
            lambda change: self.said.emit(
                self.tr("Snapshot attached to case %1").replace("%1", change.code), 15_000
            ),
            self._failed,
            owner=self,
        )

    # --- evidence clips --------------------------------------------------------------------------

    def add_record_action(self, menu, camera) -> None:
        action = QAction(self.tr("Record to a case…"), menu)
        menu.addAction(action)
        action.setObjectName("record_case")
        action.setEnabled(camera.enabled)
        action.triggered.connect(lambda _=False, c=camera.id: self.ask_recording(c))

    def ask_recording(self, camera_id: int) -> None:
        """Ask the duration and the case, then record (the dialog does not block)."""
        camera = self.console.cameras.get(camera_id)
        if camera is None:
            return
        dialog = RecordDialog(camera.name, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.record_dialog = dialog
        dialog.accepted.connect(
            lambda: self.record(camera_id, dialog.seconds.value(), dialog.case_code.text().strip())
        )
        dialog.open()

    def record(self, camera_id: int, seconds: int, case_code: str) -> Recording | None:
        camera = self.console.cameras.get(camera_id)
        if camera is None:
            return None
        recording = Recording(self.console, camera, seconds, case_code, self.window)
        self.recordings.append(recording)
        recording.finished.connect(lambda ok, text, r=recording: self._recording_over(r, ok, text))
        recording.start()
        self.said.emit(self.tr("Recording %1 …").replace("%1", camera.name), 5000)
        return recording

    def _recording_over(self, recording: Recording, ok: bool, text: str) -> None:
        self.said.emit(text, 20_000 if ok else 30_000)
        if recording in self.recordings:
            self.recordings.remove(recording)
        recording.deleteLater()
