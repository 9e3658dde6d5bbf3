"""One dialog for every table import of the console (staff, the list of matters, residents,
houses, organisations): choose an XLSX or CSV file, import it through the console's one
writer, follow its progress, then read the outcome.

Imports are all-or-nothing in the core: a rejected file shows every row and problem of the
report in a read-only box, and nothing was written. Progress (for the imports that report it)
reaches the GUI thread through a queue polled by a timer: the worker never touches a widget and
the GUI thread never waits.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
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
from ui.common.errors import describe

PROGRESS_STEPS = 1000
POLL_MS = 50

# work(backend, path, progress) -> Outcome, in the writer's thread
ImportWork = Callable[[Any, Path, Callable[[float, str], None]], Any]


class TableImportDialog(QDialog):
    """``start_import(path)`` runs the import; ``state``: "idle", "running", "done",
    "rejected" or "failed"; ``report_text()`` is the report shown; ``result`` the core's
    answer after "done"."""

    imported = Signal(object)  # the import's result

    def __init__(
        self,
        console,
        title: str,
        work: ImportWork,
        summary: Callable[[Any], str],
        parent=None,
        *,
        hint: str = "",
        progress: bool = True,
    ):
        super().__init__(parent)
        self.setObjectName("tableImportDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.console, self._work, self._summary = console, work, summary
        self.state = "idle"
        self.result: Any = None
        self._updates: queue.SimpleQueue[tuple[float, str]] = queue.SimpleQueue()

        self.file_edit = QLineEdit(self)
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("No file chosen"))
        self.choose_button = QPushButton(self.tr("Choose file…"), self)
        self.choose_button.clicked.connect(self.choose_file)
        self.hint = QLabel(hint, self)
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self.progress_bar.setVisible(progress)
        self.status = QLabel(self.tr("Choose an XLSX or CSV file to import."), self)
        self.status.setObjectName("tableImportStatus")
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("tableImportReport")
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
        layout.addWidget(self.hint)
        layout.addLayout(chooser)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)

    def report_text(self) -> str:
        return self.report.toPlainText()

    def add_button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        """A button of the caller's (e.g. "Save the first passwords…"), hidden until shown."""
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.clicked.connect(slot)
        button.hide()
        return button

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.windowTitle(),
            str(Path(self.file_edit.text()).parent) if self.file_edit.text() else "",
            self.tr("Tables (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv);;All files (*)"),
        )
        if path:
            self.file_edit.setText(path)
            self.import_button.setEnabled(self.state != "running")

    def start_import(self, path: Path | str) -> None:
        """Import ``path`` in the writer's thread; returns at once (ignored while one runs)."""
        if self.state == "running":
            return
        path = Path(path)
        self.file_edit.setText(str(path))
        self._set_state("running")
        self.result = None
        self.report.clear()
        self.report.hide()
        self.progress_bar.setValue(0)
        self.status.setText(self.tr("Importing %1…").replace("%1", path.name))
        updates = self._updates = queue.SimpleQueue()
        work = self._work

        def run(backend):  # in the writer's thread: no widgets here
            return work(backend, path, lambda fraction, text: updates.put((fraction, text)))

        self._timer.start()
        self.console.operations.run(run, self._on_done, self._on_error, owner=self)

    def reject(self) -> None:
        if self.state != "running":  # the import finishes (or changes nothing) first
            super().reject()

    def _import_chosen(self) -> None:
        if self.file_edit.text():
            self.start_import(self.file_edit.text())

    def _show_progress(self) -> None:
        latest = None
        while True:
            try:
                latest = self._updates.get_nowait()
            except queue.Empty:
                break
        if latest is not None:
            fraction, text = latest
            self.progress_bar.setValue(round(fraction * PROGRESS_STEPS))
            self.status.setText(
                self.tr("Importing: %1 (%2 %)")
                .replace("%1", text)
                .replace("%2", str(round(fraction * 100)))
            )

    def _on_done(self, result) -> None:
        self._stop()
        self.progress_bar.setValue(PROGRESS_STEPS)
        self.result = result
        self.status.setText(self._summary(result))
        self._set_state("done")
        self.imported.emit(result)

    def _on_error(self, error: Exception) -> None:
        self._stop()
        if isinstance(error, ImportRejected):
            self.report.setPlainText(error.report(limit=max(1, len(error.problems))))
            self.report.show()
            self.status.setText(
                self.tr("Nothing was imported. Correct the file and import it again.")
            )
            self._set_state("rejected")
            return
        message = describe(error, doing="importing a table")
        self.status.setText(self.tr("Nothing was imported: %1").replace("%1", message.full()))
        self._set_state("failed")

    def _stop(self) -> None:
        self._timer.stop()
        self._show_progress()

    def _set_state(self, state: str) -> None:
        self.state = state
        idle = state != "running"
        self.choose_button.setEnabled(idle)
        self.import_button.setEnabled(idle and bool(self.file_edit.text()))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(idle)
