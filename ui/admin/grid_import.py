"""Import of grid boundaries from a GeoJSON file or a shapefile: progress, then the outcome.

The import (``commandcenter.geo.grid_import``) is an operation of the backend, run by the
console's one writer; it writes nothing unless the whole file passes. Its progress reaches the
GUI thread through a queue this dialog polls with a timer, so the worker never touches a Qt
object and the GUI thread never waits. A rejected file shows every problem of the report; a
good one emits ``imported``, and every screen gets the new grids from the change feed.
"""

from __future__ import annotations

import queue
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from commandcenter.errors import ImportRejected
from commandcenter.geo.grid_import import ImportResult
from ui.common.errors import describe

PROGRESS_STEPS = 1000  # the progress bar's maximum
POLL_MS = 50  # how often the GUI thread looks at the worker's progress


class GridImportDialog(QDialog):
    """``start_import(path, gcj02=, replace=)`` runs an import; ``state`` is "idle", "running",
    "done", "rejected" or "failed"; ``report_text()`` is the problem report shown."""

    imported = Signal(object)  # the ImportResult of a successful import

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("gridImportDialog")
        self.console = console  # the actor is the backend's: checked by the core
        self.state = "idle"
        self._updates: queue.SimpleQueue[tuple[float, str]] = queue.SimpleQueue()
        self.setWindowTitle(self.tr("Import grid boundaries"))
        self.setMinimumWidth(560)

        self.file_edit = QLineEdit(self)
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("No file chosen"))
        self.choose_button = QPushButton(self.tr("Choose file…"), self)
        self.choose_button.clicked.connect(self.choose_file)
        self.gcj02_box = QCheckBox(self.tr("Coordinates are GCJ-02 (most Chinese sources)"), self)
        self.replace_box = QCheckBox(self.tr("Replace grids with the same code"), self)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setTextVisible(False)
        self.status = QLabel(self.tr("Choose a GeoJSON file or a shapefile to import."), self)
        self.status.setObjectName("gridImportStatus")
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("gridImportReport")
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self._import_chosen)
        self.buttons.rejected.connect(self.reject)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._show_progress)

        chooser = QHBoxLayout()
        chooser.addWidget(self.file_edit, 1)
        chooser.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.gcj02_box)
        layout.addWidget(self.replace_box)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)

    def report_text(self) -> str:
        return self.report.toPlainText()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Grid boundaries"),
            str(Path(self.file_edit.text()).parent) if self.file_edit.text() else "",
            self.tr(
                "Grid boundaries (*.geojson *.json *.shp *.zip);;GeoJSON (*.geojson *.json);;"
                "Shapefile (*.shp *.zip);;All files (*)"
            ),
        )
        if path:
            self.file_edit.setText(path)
            self.import_button.setEnabled(self.state != "running")

    def start_import(self, path: Path | str, *, gcj02: bool = False, replace: bool = False):
        """Import ``path`` in a worker thread; returns at once (ignored while one runs)."""
        if self.state == "running":
            return
        path = Path(path)
        self.file_edit.setText(str(path))
        self.gcj02_box.setChecked(gcj02)
        self.replace_box.setChecked(replace)
        self._set_state("running")
        self.report.clear()
        self.report.hide()
        self.progress_bar.setValue(0)
        self.status.setText(self.tr("Reading %1…").replace("%1", path.name))
        updates = self._updates = queue.SimpleQueue()

        def work(backend):  # in the writer's thread: no widgets here
            return backend.import_grids(
                path,
                gcj02=gcj02,
                replace=replace,
                progress=lambda fraction, message: updates.put((fraction, message)),
            )

        self._timer.start()
        self.console.operations.run(work, self._on_done, self._on_error, owner=self)

    def reject(self) -> None:
        if self.state != "running":  # the import finishes (or changes nothing) first
            super().reject()

    def _import_chosen(self) -> None:
        if self.file_edit.text():
            self.start_import(
                self.file_edit.text(),
                gcj02=self.gcj02_box.isChecked(),
                replace=self.replace_box.isChecked(),
            )

    def _show_progress(self) -> None:
        latest = None
        while True:
            try:
                latest = self._updates.get_nowait()
            except queue.Empty:
                break
        if latest is not None:
            fraction, message = latest
            self.progress_bar.setValue(round(fraction * PROGRESS_STEPS))
            self.status.setText(message)

    def _on_done(self, result: ImportResult) -> None:
        self._stop()
        self.progress_bar.setValue(PROGRESS_STEPS)
        summary = self.tr("Imported %1 grid(s) from %2: %3 new, %4 replaced, in %5 community(ies).")
        for key, value in (
            ("%1", result.features),
            ("%2", result.path.name),
            ("%3", result.inserted),
            ("%4", result.replaced),
            ("%5", result.communities),
        ):
            summary = summary.replace(key, str(value))
        if result.gcj02:
            summary += " " + self.tr("The coordinates were converted from GCJ-02 to WGS-84.")
        self.status.setText(summary)
        self._set_state("done")
        self.imported.emit(result)

    def _on_error(self, error: Exception) -> None:
        self._stop()
        if isinstance(error, ImportRejected):
            self.report.setPlainText(error.report(limit=len(error.problems)))
            self.report.show()
            self.status.setText(
                self.tr("Nothing was imported. Correct the file and import it again.")
            )
            self._set_state("rejected")
            return
        message = describe(error, doing="importing grid boundaries")
        self.status.setText(self.tr("Nothing was imported: %1").replace("%1", message.full()))
        self._set_state("failed")

    def _stop(self) -> None:
        self._timer.stop()
        self._show_progress()

    def _set_state(self, state: str) -> None:
        self.state = state
        idle = state != "running"
        for widget in (self.choose_button, self.gcj02_box, self.replace_box):
            widget.setEnabled(idle)
        self.import_button.setEnabled(idle and bool(self.file_edit.text()))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(idle)
