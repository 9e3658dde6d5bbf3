"""The dialogs the administration screens are built from.

``StatusDialog``: fields, a status line under them, a row of buttons (e.g. an export).

``FormDialog``: a form that the core checks. Below the fields a status line and Save + Cancel;
Save sends what was typed through the console's one writer (never in the GUI thread), the
core's refusal is shown in the status line (or as a list, ``show_problems``) and the form stays
open to be corrected; once saved it emits ``saved`` and closes. ``state``: "idle", "saving",
"rejected" or "saved".

``ImportDialog``: a file chosen, imported through the console's one writer with a progress bar,
then the outcome. Imports are all-or-nothing in the core: a rejected file shows every problem of
the report in a read-only box. Progress reaches the GUI thread through a queue polled by a
timer, so the worker never touches a widget and the GUI thread never waits. ``state``: "idle",
"running", "done", "rejected" or "failed"; the dialog does not close while an import runs.

The texts particular to one screen are that screen's (``self.tr`` in the subclass, so they are
translated in its context; so are the few whose Chinese differs between screens); the ones
every form or import shows alike are here, in this module's contexts (``tr`` looks in the
subclass's context first, then in its bases').
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter.errors import ImportRejected
from ui.common.errors import describe

PROGRESS_STEPS = 1000  # the progress bar's maximum
POLL_MS = 50  # how often the GUI thread looks at the worker's progress

Write = Callable[[Any], Any]  # backend -> the core's answer, in the writer's thread
Progress = Callable[[float, str], None]  # (fraction done, what is being done), from the worker
Item = QWidget | QLayout | tuple[QWidget, int]  # a layout row: a widget (with a stretch) or layout


def _add(layout: QVBoxLayout, item: Item) -> None:
    if isinstance(item, QLayout):
        layout.addLayout(item)
    elif isinstance(item, tuple):
        layout.addWidget(*item)
    else:
        layout.addWidget(item)


class StatusDialog(QDialog):
    """Fields, a status line under them (``status``) and a row of buttons; ``state`` starts
    "idle". A subclass builds its fields, then calls ``arrange``."""

    def __init__(self, console, parent=None, *, name: str, status_name: str = ""):
        super().__init__(parent)
        self.setObjectName(name)
        self.console = console
        self.state = "idle"
        self.status = QLabel(self)
        if status_name:
            self.status.setObjectName(status_name)
        self.status.setWordWrap(True)

    def arrange(
        self,
        *above: Item,
        below: Sequence[Item] = (),
        action: str,
        slot: Callable[[], None],
        closing: bool = False,
    ) -> QPushButton:
        """The buttons, made last so they come last when tabbing: ``action`` (calls ``slot``)
        and Cancel, or with ``closing`` Close and ``action`` (which then leaves the dialog
        open); and the layout: ``above``, the status line, ``below``, the buttons. Returns the
        ``action`` button."""
        if closing:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
            button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
        else:
            self.buttons = QDialogButtonBox(self)
            button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        button.clicked.connect(slot)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for item in (*above, self.status, *below, self.buttons):
            _add(layout, item)
        return button


class FormDialog(StatusDialog):
    """A form saved through the console's writer. A subclass builds its fields, then calls
    ``lay_out``, and gives ``write()``: the backend call for what was typed."""

    saved = Signal(object)  # the core's answer: the new or changed row's id (or code, codes)

    doing = "saving"  # what a refusal was refused at, for ``describe``

    def __init__(self, console, parent=None, *, name: str, status_name: str = ""):
        super().__init__(console, parent, name=name, status_name=status_name)
        self.problems: QPlainTextEdit | None = None

    def add_problems_box(self, name: str, height: int) -> QPlainTextEdit:
        """A read-only list of the core's problems, hidden until ``show_problems``."""
        self.problems = QPlainTextEdit(self)
        self.problems.setObjectName(name)
        self.problems.setReadOnly(True)
        self.problems.setFixedHeight(height)
        self.problems.hide()
        return self.problems

    def lay_out(self, *above: Item, below: Sequence[Item] = (), save_text: str = "") -> None:
        """``above``, the status line, ``below``, then Save (``save_text``) and Cancel."""
        self.save_button = self.arrange(
            *above, below=below, action=save_text or self.tr("Save"), slot=self.save
        )

    def write(self) -> Write | None:
        """What to save, read from the fields now: a function of the backend run in the writer's
        thread (no widgets there). None: nothing to save (the form has said why)."""
        raise NotImplementedError

    def save(self) -> None:
        """Send the form to the core; returns at once (ignored while a save runs)."""
        if self.state == "saving":
            return
        work = self.write()
        if work is None:
            return
        self.set_state("saving")
        if self.problems is not None:
            self.problems.hide()
        self.status.setText(self.tr("Saving…"))
        self.console.operations.run(work, self._saved, self.refused, owner=self)

    def set_state(self, state: str) -> None:
        self.state = state
        self.save_button.setEnabled(state != "saving")

    def _saved(self, answer) -> None:
        self.set_state("saved")
        self.was_saved(answer)
        self.saved.emit(answer)
        self.accept()

    def was_saved(self, answer) -> None:
        """What the form does with the core's answer before it closes (e.g. forget a password)."""

    def why(self, error: Exception) -> str:
        return describe(error, doing=self.doing).full()

    def refused(self, error: Exception) -> None:
        """The core refused (or could not be asked): "Not saved: why" in the status line."""
        self.set_state("rejected")
        self.status.setText(self.tr("Not saved: %1").replace("%1", self.why(error)))

    def show_problems(self, problems: Sequence[str], status: str) -> None:
        """Refused: ``problems`` listed in the problems box, ``status`` in the status line."""
        assert self.problems is not None
        self.set_state("rejected")
        self.problems.setPlainText("\n".join(problems))
        self.problems.show()
        self.status.setText(status)

    def problem_text(self) -> str:
        return self.problems.toPlainText() if self.problems is not None else ""


class ImportDialog(StatusDialog):
    """A file imported through the console's writer. A subclass sets its title and first status
    text, adds its own widgets (made before the buttons, so they come before them when
    tabbing), calls ``lay_out``, and gives ``file_filter``, ``summary`` and
    ``rejected_text``; ``begin`` starts an import. ``report_text()`` is the report shown,
    ``result`` the core's answer after "done"."""

    imported = Signal(object)  # the import's result

    doing = "importing"  # what a failure was failed at, for ``describe``

    def __init__(self, console, parent=None, *, name: str):
        # the actor is the backend's: checked by the core
        super().__init__(console, parent, name=f"{name}Dialog", status_name=f"{name}Status")
        self.result: Any = None
        self._name = name
        self.options: tuple[QWidget, ...] = ()
        self._updates: queue.SimpleQueue[tuple[float, str]] = queue.SimpleQueue()

        self.file_edit = QLineEdit(self)
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("No file chosen"))
        self.choose_button = QPushButton(self.tr("Choose file…"), self)
        self.choose_button.clicked.connect(self.choose_file)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, PROGRESS_STEPS)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._show_progress)

    def lay_out(self, *, head: Sequence[QWidget] = (), options: Sequence[QWidget] = ()) -> None:
        """``head`` above the file chooser, ``options`` below it (disabled while an import
        runs); then the progress bar, status, the report (made here, after the subclass's widgets,
        as the buttons are, so that tabbing goes down the dialog), and Close and Import."""
        self.options = tuple(options)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName(f"{self._name}Report")
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report.hide()
        chooser = QHBoxLayout()
        chooser.addWidget(self.file_edit, 1)
        chooser.addWidget(self.choose_button)
        self.import_button = self.arrange(
            *head,
            chooser,
            *self.options,
            self.progress_bar,
            below=[(self.report, 1)],
            action=self.tr("Import"),
            slot=self._import_chosen,
            closing=True,
        )
        self.import_button.setEnabled(False)

    # --- what the subclass says -------------------------------------------------------------

    def file_caption(self) -> str:
        return self.windowTitle()

    def file_filter(self) -> str:
        raise NotImplementedError

    def summary(self, result) -> str:
        """The status text after a good import."""
        raise NotImplementedError

    def rejected_text(self) -> str:
        """The status text when the core rejected the file (its report is shown below)."""
        raise NotImplementedError

    def progress_text(self, fraction: float, text: str) -> str:
        return text

    def start_import(self, path: Path | str) -> None:
        raise NotImplementedError

    # --- the import -------------------------------------------------------------------------

    def report_text(self) -> str:
        return self.report.toPlainText()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.file_caption(),
            str(Path(self.file_edit.text()).parent) if self.file_edit.text() else "",
            self.file_filter(),
        )
        if path:
            self.file_edit.setText(path)
            self.import_button.setEnabled(self.state != "running")

    def begin(self, path: Path, text: str, work: Callable[[Any, Progress], Any]) -> None:
        """Run ``work(backend, progress)`` in the writer's thread to import ``path``, ``text``
        in the status line meanwhile; returns at once. The caller checks that none runs."""
        self.file_edit.setText(str(path))
        self._set_state("running")
        self.result = None
        self.report.clear()
        self.report.hide()
        self.progress_bar.setValue(0)
        self.status.setText(text)
        updates = self._updates = queue.SimpleQueue()

        def run(backend):  # in the writer's thread: no widgets here
            return work(backend, lambda fraction, message: updates.put((fraction, message)))

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
            self.status.setText(self.progress_text(fraction, text))

    def _on_done(self, result) -> None:
        self._stop()
        self.progress_bar.setValue(PROGRESS_STEPS)
        self.result = result
        self.status.setText(self.summary(result))
        self._set_state("done")
        self.imported.emit(result)

    def _on_error(self, error: Exception) -> None:
        self._stop()
        if isinstance(error, ImportRejected):
            self.report.setPlainText(error.report(limit=max(1, len(error.problems))))
            self.report.show()
            self.status.setText(self.rejected_text())
            self._set_state("rejected")
            return
        message = describe(error, doing=self.doing)
        self.status.setText(self.tr("Nothing was imported: %1").replace("%1", message.full()))
        self._set_state("failed")

    def _stop(self) -> None:
        self._timer.stop()
        self._show_progress()

    def _set_state(self, state: str) -> None:
        self.state = state
        idle = state != "running"
        self.choose_button.setEnabled(idle)
        for option in self.options:
            option.setEnabled(idle)
        self.import_button.setEnabled(idle and bool(self.file_edit.text()))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(idle)
