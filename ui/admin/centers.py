"""辖区 and 部门: the units of the jurisdiction (each with its center), set up from the official
division codes; and the centers' functional departments with the case categories each takes."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from commandcenter.admin.departments import DepartmentInput, DepartmentRow
from commandcenter.domain.enums import CaseCategory, DepartmentKind
from commandcenter.errors import ImportRejected
from ui.admin.forms import FormDialog
from ui.admin.tables import Column, RowTable, lay_out_tab
from ui.common.labels import label


class AddUnitsDialog(FormDialog):
    """Division codes, one or more (space, comma or line separated), optionally with every
    unit below them in the imported division list. ``state``: "idle", "saving", "rejected",
    "saved"; the core's report of every code it refused stays in ``report``. ``saved`` gives
    the new units' codes."""

    doing = "adding units"

    def __init__(self, console, parent=None):
        super().__init__(console, parent, name="addUnitsDialog")
        self.setWindowTitle(self.tr("Add units"))
        self.codes_edit = QPlainTextEdit(self)
        self.codes_edit.setPlaceholderText(
            self.tr(
                "12-digit division codes, e.g. 321202002000 (one per line or separated by spaces)"
            )
        )
        self.codes_edit.setFixedHeight(90)
        self.children_box = QCheckBox(self.tr("With every unit below them in the division list"))
        self.status.setText(
            self.tr("Each unit gets its center. The codes come from the imported division list.")
        )
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("addUnitsReport")
        self.report.setReadOnly(True)
        self.report.hide()
        self.lay_out(
            self.codes_edit, self.children_box, below=[(self.report, 1)], save_text=self.tr("Add")
        )
        self.resize(560, 360)

    def codes(self) -> tuple[str, ...]:
        return tuple(c for c in re.split(r"[\s,;，；、]+", self.codes_edit.toPlainText()) if c)

    def write(self):
        codes, children = self.codes(), self.children_box.isChecked()
        if not codes:
            return None
        self.report.hide()
        return lambda b: b.add_units(codes, children)

    def refused(self, error: Exception) -> None:
        self.set_state("rejected")
        if isinstance(error, ImportRejected):
            self.report.setPlainText(error.report(limit=max(1, len(error.problems))))
            self.report.show()
            self.status.setText(self.tr("No unit was added."))
        else:
            self.status.setText(self.why(error))


class UnitsTab(QWidget):
    changed = Signal()

    def __init__(self, console, reference, parent=None):
        super().__init__(parent)
        self.setObjectName("unitsTab")
        self.console, self.reference = console, reference
        self.dialog: AddUnitsDialog | None = None
        self.table = RowTable(
            [
                Column(self.tr("Division code"), lambda u: u.code, 130),
                Column(self.tr("Level"), lambda u: label(u.level), 150),
                Column(self.tr("Name"), lambda u: u.name, 140),
                Column(self.tr("Center"), lambda u: u.center_name, 260),
                Column(self.tr("Grids"), lambda u: u.grids, 70, sort=lambda u: u.grids),
                Column(self.tr("Staff"), lambda u: u.users, 70, sort=lambda u: u.users),
            ],
            self,
            name="unitsTable",
        )
        self.add_button = QPushButton(self.tr("Add units…"), self)
        self.add_button.clicked.connect(self.open_add)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        lay_out_tab(self, self.table, left=(self.add_button,), status=self.status)
        reference.loaded.connect(self._show)

    def _show(self) -> None:
        self.table.set_rows(self.reference.units)
        self.status.setText(self.tr("%1 unit(s)").replace("%1", str(len(self.reference.units))))

    def open_add(self) -> AddUnitsDialog:
        dialog = AddUnitsDialog(self.console, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._added)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _added(self, codes) -> None:
        self.status.setText(
            self.tr("Added %1 unit(s): %2")
            .replace("%1", str(len(codes)))
            .replace("%2", ", ".join(codes[:10]) + (" …" if len(codes) > 10 else ""))
        )
        self.changed.emit()  # the administration reads its reference again


class DepartmentForm(FormDialog):
    """A new department (``stored`` None) or a change to one; the core's refusal is shown here."""

    doing = "saving a department"

    def __init__(self, console, reference, stored: DepartmentRow | None = None, parent=None):
        super().__init__(console, parent, name="departmentForm", status_name="departmentStatus")
        self.reference, self.stored = reference, stored
        self.setWindowTitle(self.tr("Edit department") if stored else self.tr("New department"))
        self.center_combo = QComboBox(self)
        for center_id, name in reference.centers():
            self.center_combo.addItem(name, center_id)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(100)
        self.kind_combo = QComboBox(self)
        for kind in DepartmentKind:
            self.kind_combo.addItem(label(kind), kind.value)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setMaxLength(32)
        self.parent_combo = QComboBox(self)
        self.parent_combo.addItem(self.tr("(none)"), None)
        for department in reference.departments:
            if stored is None or department.id != stored.id:
                self.parent_combo.addItem(
                    f"{department.name} — {department.center_name}", department.id
                )
        self.category_boxes: dict[CaseCategory, QCheckBox] = {}
        categories = QGridLayout()
        for i, category in enumerate(CaseCategory):
            box = QCheckBox(label(category), self)
            self.category_boxes[category] = box
            categories.addWidget(box, i // 2, i % 2)
        form = QFormLayout()
        form.addRow(self.tr("Center"), self.center_combo)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Kind"), self.kind_combo)
        form.addRow(self.tr("Phone"), self.phone_edit)
        form.addRow(self.tr("Reports to"), self.parent_combo)
        form.addRow(self.tr("Case categories"), categories)
        self.lay_out(form)
        self.setMinimumWidth(520)
        if stored is not None:
            self.center_combo.setCurrentIndex(self.center_combo.findData(stored.center_id))
            self.name_edit.setText(stored.name)
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(stored.kind.value))
            self.phone_edit.setText(stored.phone)
            if stored.parent_id is not None:
                self.parent_combo.setCurrentIndex(self.parent_combo.findData(stored.parent_id))
            for category in stored.categories:
                self.category_boxes[category].setChecked(True)

    def department_input(self) -> DepartmentInput:
        return DepartmentInput(
            center_id=self.center_combo.currentData(),
            name=self.name_edit.text().strip(),
            kind=DepartmentKind(self.kind_combo.currentData()),
            phone=self.phone_edit.text().strip(),
            parent_id=self.parent_combo.currentData(),
            categories=tuple(c for c, box in self.category_boxes.items() if box.isChecked()),
        )

    def write(self):
        data, department_id = self.department_input(), self.stored.id if self.stored else None
        return lambda b: b.save_department(department_id, data)


class DepartmentsTab(QWidget):
    changed = Signal()

    def __init__(self, console, reference, parent=None):
        super().__init__(parent)
        self.setObjectName("departmentsTab")
        self.console, self.reference = console, reference
        self.form: DepartmentForm | None = None
        self.table = RowTable(
            [
                Column(self.tr("Center"), lambda d: d.center_name, 220),
                Column(self.tr("Name"), lambda d: d.name, 160),
                Column(self.tr("Kind"), lambda d: label(d.kind), 120),
                Column(self.tr("Phone"), lambda d: d.phone, 120),
                Column(self.tr("Reports to"), lambda d: d.parent_name, 140),
                Column(
                    self.tr("Case categories"),
                    lambda d: "、".join(label(c) for c in d.categories),
                ),
            ],
            self,
            name="departmentsTable",
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.new_button = QPushButton(self.tr("New department…"), self)
        self.new_button.clicked.connect(self.open_new_form)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        lay_out_tab(self, self.table, left=(self.new_button, self.edit_button), status=self.status)
        reference.loaded.connect(self._show)

    def _show(self) -> None:
        self.table.set_rows(self.reference.departments)
        self.status.setText(
            self.tr("%1 department(s)").replace("%1", str(len(self.reference.departments)))
        )

    def open_new_form(self) -> DepartmentForm:
        return self._open(DepartmentForm(self.console, self.reference, None, self))

    def edit_selected(self) -> DepartmentForm | None:
        row = self.table.selected()
        if row is None:
            return None
        return self._open(DepartmentForm(self.console, self.reference, row, self))

    def _open(self, form: DepartmentForm) -> DepartmentForm:
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._saved)
        self.form = form
        form.open()
        return form

    def _saved(self, _department_id) -> None:
        self.changed.emit()  # the administration reads its reference again
