"""Import of grid boundaries from a GeoJSON file or a shapefile: progress, then the outcome.

The import (``commandcenter.geo.grid_import``) is an operation of the backend, run by the
console's one writer; it writes nothing unless the whole file passes. Its progress reaches the
GUI thread through a queue this dialog polls with a timer (``ImportDialog`` in
``ui.admin.forms``), so the worker never touches a Qt object and the GUI thread never waits. A
rejected file shows every problem of the report; a good one emits ``imported``, and every
screen gets the new grids from the change feed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox

from commandcenter.geo.grid_import import ImportResult
from ui.admin.forms import PROGRESS_STEPS, ImportDialog

__all__ = ["PROGRESS_STEPS", "GridImportDialog"]


class GridImportDialog(ImportDialog):
    """``start_import(path, gcj02=, replace=)`` runs an import; ``state`` is "idle", "running",
    "done", "rejected" or "failed"; ``report_text()`` is the problem report shown."""

    doing = "importing grid boundaries"

    def __init__(self, console, parent=None):
        super().__init__(console, parent, name="gridImport")
        self.setWindowTitle(self.tr("Import grid boundaries"))
        self.setMinimumWidth(560)
        self.gcj02_box = QCheckBox(self.tr("Coordinates are GCJ-02 (most Chinese sources)"), self)
        self.replace_box = QCheckBox(self.tr("Replace grids with the same code"), self)
        self.progress_bar.setTextVisible(False)
        self.status.setText(self.tr("Choose a GeoJSON file or a shapefile to import."))
        self.lay_out(options=[self.gcj02_box, self.replace_box])

    def file_caption(self) -> str:
        return self.tr("Grid boundaries")

    def file_filter(self) -> str:
        return self.tr(
            "Grid boundaries (*.geojson *.json *.shp *.zip);;GeoJSON (*.geojson *.json);;"
            "Shapefile (*.shp *.zip);;All files (*)"
        )

    def start_import(self, path: Path | str, *, gcj02: bool = False, replace: bool = False):
        """Import ``path`` in the writer's thread; returns at once (ignored while one runs)."""
        if self.state == "running":
            return
        path = Path(path)
        self.gcj02_box.setChecked(gcj02)
        self.replace_box.setChecked(replace)
        self.begin(
            path,
            self.tr("Reading %1…").replace("%1", path.name),
            lambda backend, progress: backend.import_grids(
                path, gcj02=gcj02, replace=replace, progress=progress
            ),
        )

    def _import_chosen(self) -> None:
        if self.file_edit.text():
            self.start_import(
                self.file_edit.text(),
                gcj02=self.gcj02_box.isChecked(),
                replace=self.replace_box.isChecked(),
            )

    def summary(self, result: ImportResult) -> str:
        text = self.tr("Imported %1 grid(s) from %2: %3 new, %4 replaced, in %5 community(ies).")
        for key, value in (
            ("%1", result.features),
            ("%2", result.path.name),
            ("%3", result.inserted),
            ("%4", result.replaced),
            ("%5", result.communities),
        ):
            text = text.replace(key, str(value))
        if result.gcj02:
            text += " " + self.tr("The coordinates were converted from GCJ-02 to WGS-84.")
        return text

    def rejected_text(self) -> str:
        return self.tr("Nothing was imported. Correct the file and import it again.")
