"""One dialog for every table import of the console (staff, the list of matters, residents,
houses, organisations): choose an XLSX or CSV file, import it through the console's one
writer, follow its progress, then read the outcome (``ImportDialog`` in ``ui.admin.forms``).

Imports are all-or-nothing in the core: a rejected file shows every row and problem of the
report in a read-only box, and nothing was written. Progress (for the imports that report it)
reaches the GUI thread through a queue polled by a timer: the worker never touches a widget and
the GUI thread never waits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton

from ui.admin.forms import ImportDialog, Progress

# work(backend, path, progress) -> Outcome, in the writer's thread
ImportWork = Callable[[Any, Path, Progress], Any]


class TableImportDialog(ImportDialog):
    """``start_import(path)`` runs the import; ``state``: "idle", "running", "done",
    "rejected" or "failed"; ``report_text()`` is the report shown; ``result`` the core's
    answer after "done"."""

    doing = "importing a table"

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
        super().__init__(console, parent, name="tableImport")
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self._work, self._summary = work, summary
        self.hint = QLabel(hint, self)
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.progress_bar.setVisible(progress)
        self.status.setText(self.tr("Choose an XLSX or CSV file to import."))
        self.lay_out(head=[self.hint])

    def add_button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        """A button of the caller's (e.g. "Save the first passwords…"), hidden until shown."""
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.clicked.connect(slot)
        button.hide()
        return button

    def file_filter(self) -> str:
        return self.tr("Tables (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv);;All files (*)")

    def start_import(self, path: Path | str) -> None:
        """Import ``path`` in the writer's thread; returns at once (ignored while one runs)."""
        if self.state == "running":
            return
        path, work = Path(path), self._work
        self.begin(
            path,
            self.tr("Importing %1…").replace("%1", path.name),
            lambda backend, progress: work(backend, path, progress),
        )

    def progress_text(self, fraction: float, text: str) -> str:
        return (
            self.tr("Importing: %1 (%2 %)")
            .replace("%1", text)
            .replace("%2", str(round(fraction * 100)))
        )

    def summary(self, result) -> str:
        return self._summary(result)

    def rejected_text(self) -> str:
        return self.tr("Nothing was imported. Correct the file and import it again.")
