"""New case (上报) at a place on the map: the grid comes from the point, the officer says
what happened. The report goes through the console's one writer; a refusal or a suspected
duplicate is shown in the core's words and nothing typed is lost."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from commandcenter.cases.operations import FileData
from commandcenter.domain.enums import CaseCategory, CaseSource, Urgency
from commandcenter.errors import DuplicateSuspected, TransitionRefused
from commandcenter.workflow.rules import REPORT_SOURCES
from ui.common.errors import describe
from ui.common.labels import label
from ui.common.style import set_tone
from ui.common.tasks import run_in_background

PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def photo_files(paths) -> tuple[FileData, ...]:
    """The chosen photos' bytes (read in the writer's thread)."""
    return tuple(
        FileData(
            Path(path).name,
            Path(path).read_bytes(),
            PHOTO_TYPES.get(Path(path).suffix.lower(), "application/octet-stream"),
        )
        for path in paths
    )


class NewCaseDialog(QDialog):
    reported = Signal(object)  # CaseChange

    def __init__(
        self,
        console,
        lon: float,
        lat: float,
        grid_id: int | None,
        grid_name: str | None,
        parent=None,
        camera=None,
    ):
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setWindowTitle(self.tr("New case"))
        self.console, self.actor = console, console.actor
        self.lon, self.lat, self.grid_id = lon, lat, grid_id
        self.camera = camera  # a CameraRow when the case starts from a camera's snapshot
        self.state = "idle"  # idle, saving, duplicate, refused, done
        self.source = QComboBox(self)
        allowed = REPORT_SOURCES.get(self.actor.role, frozenset())  # what the core takes
        for value in CaseSource:
            if value in allowed:
                self.source.addItem(label(value), value)
        if camera is not None and self.source.findData(CaseSource.VIDEO_PATROL) >= 0:
            self.source.setCurrentIndex(self.source.findData(CaseSource.VIDEO_PATROL))
        self.category = QComboBox(self)
        for value in CaseCategory:
            self.category.addItem(label(value), value)
        # 事项清单: a matter sets the category, at least its urgency and (once filed) its limit
        self.matter = QComboBox(self)
        self.matter.setObjectName("newCaseMatter")
        self.matter.addItem(self.tr("(none: the category's general rules)"), None)
        self.matter.setEnabled(False)
        self.matter.currentIndexChanged.connect(self._matter_chosen)
        self._matters: dict[int, object] = {}
        self.urgency = QComboBox(self)
        for value in Urgency:
            self.urgency.addItem(label(value), value)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("What happened, in a few words"))
        self.title_edit.setMaxLength(120)
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(self.tr("Street and number, landmark"))
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText(self.tr("Details: who, what, since when"))
        self.description.setFixedHeight(90)
        where = grid_name or self.tr("no grid at this point")
        if camera is not None:
            where = self.tr("%1, seen by camera %2").replace("%1", where).replace("%2", camera.name)
        place = QLabel(where + f"  ({lon:.6f}, {lat:.6f})", self)
        place.setObjectName("newCasePlace")
        form = QFormLayout()
        form.addRow(self.tr("Place"), place)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Matter"), self.matter)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("Urgency"), self.urgency)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Description"), self.description)
        self.photos: list[str] = []
        self.photos_label = QLabel(self.tr("none"), self)
        photos_button = QPushButton(self.tr("Add photos…"), self)
        photos_button.clicked.connect(self._choose_photos)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photos_label, 1)
        photo_row.addWidget(photos_button)
        form.addRow(self.tr("Photos"), photo_row)
        self.message = QLabel(self)
        self.message.setObjectName("newCaseMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(
            self.tr("Report"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.anyway_button = QPushButton(self.tr("Report anyway"), self)
        self.buttons.addButton(self.anyway_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.anyway_button.hide()
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(lambda: self.submit(False))
        self.anyway_button.clicked.connect(lambda: self.submit(True))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self.title_edit.setFocus()
        run_in_background(console.backend.case_types, self._show_matters, owner=self)

    def _show_matters(self, types) -> None:
        for matter in types:
            if matter.active:
                self._matters[matter.id] = matter
                text = f"{matter.code} {label(matter.category)} · {matter.name}"
                self.matter.addItem(text, matter.id)
        self.matter.setEnabled(bool(self._matters))

    def _matter_chosen(self) -> None:
        matter = self._matters.get(self.matter.currentData())
        self.category.setEnabled(matter is None)
        if matter is None:
            return
        self.category.setCurrentIndex(self.category.findData(matter.category))
        order = list(Urgency)
        if order.index(matter.urgency) > order.index(self.urgency.currentData()):
            self.urgency.setCurrentIndex(self.urgency.findData(matter.urgency))

    def _choose_photos(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Photos"), "", self.tr("Pictures (*.jpg *.jpeg *.png)")
        )
        self.add_photos(paths)

    def add_photos(self, paths) -> None:
        self.photos += [p for p in paths if p not in self.photos]
        self.photos_label.setText(
            "、".join(Path(p).name for p in self.photos) if self.photos else self.tr("none")
        )

    def fields(self) -> dict:
        return {
            "source": self.source.currentData(),
            "category": self.category.currentData(),
            "urgency": self.urgency.currentData(),
            "title": self.title_edit.text().strip(),
            "description": self.description.toPlainText().strip(),
            "address": self.address.text().strip() or None,
            "grid_id": self.grid_id,
            "lon": self.lon,
            "lat": self.lat,
            "camera_id": self.camera.id if self.camera is not None else None,
            "case_type_id": self.matter.currentData(),
        }

    def submit(self, allow_duplicate: bool = False) -> None:
        fields = self.fields()
        if not fields["title"]:
            self._show(self.tr("Say in the title what happened."), "warn")
            self.title_edit.setFocus()
            return
        self.state = "saving"
        self.save_button.setEnabled(False)
        self.anyway_button.setEnabled(False)
        photos = tuple(self.photos)
        # The case and its photos in one transaction (all or nothing), through the one writer.
        self.console.operations.run(
            lambda b: b.report_case(
                fields, allow_duplicate=allow_duplicate, photos=photo_files(photos)
            ),
            self._on_reported,
            self._on_failed,
            owner=self,
        )

    def _on_reported(self, change) -> None:
        self.state = "done"
        self.reported.emit(change)
        self.accept()

    def _on_failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.anyway_button.setEnabled(True)
        if isinstance(error, DuplicateSuspected):
            self.state = "duplicate"
            self.anyway_button.show()
            self._show(str(error), "warn")
        elif isinstance(error, TransitionRefused):
            self.state = "refused"
            self._show(str(error), "alarm")
        else:
            self.state = "refused"
            message = describe(error, doing="saving the new case")
            self._show(f"{message.text} {message.hint}".strip(), "alarm")

    def _show(self, text: str, tone: str) -> None:
        self.message.setText(text)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_tone(self.message, tone)
        self.message.show()
