"""事项清单: the matters under each case category with their default urgency, time limit and
the kind of department that takes them; a form for one, and the import of a whole list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from commandcenter.admin.catalogue import CaseTypeInput, CaseTypeRow
from commandcenter.domain.codes import SizingRule
from commandcenter.domain.enums import CaseCategory, DepartmentKind, SpecialGroup, Urgency
from commandcenter.domain.local_rules import LocalRules, VisitInterval
from ui.admin.forms import FormDialog
from ui.admin.table_import import TableImportDialog
from ui.admin.tables import Column, RowTable, lay_out_tab
from ui.common.errors import describe
from ui.common.labels import label
from ui.common.tasks import run_in_background


class CaseTypeForm(FormDialog):
    """A new matter (``stored`` None) or a change to one (its code stays); ``saved`` gives
    its code."""

    doing = "saving a matter"

    def __init__(self, console, stored: CaseTypeRow | None = None, parent=None):
        super().__init__(console, parent, name="caseTypeForm", status_name="caseTypeStatus")
        self.stored = stored
        self.setWindowTitle(self.tr("Edit matter") if stored else self.tr("New matter"))
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText(self.tr("e.g. 0104"))
        self.code_edit.setMaxLength(20)
        self.category_combo = QComboBox(self)
        for category in CaseCategory:
            self.category_combo.addItem(label(category), category.value)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(100)
        self.urgency_combo = QComboBox(self)
        for urgency in Urgency:
            self.urgency_combo.addItem(label(urgency), urgency.value)
        self.own_limit = QCheckBox(self.tr("Own time limit (else the general rules)"), self)
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(0, 365)
        self.days_spin.setSuffix(self.tr(" working day(s)"))
        self.hours_spin = QSpinBox(self)
        self.hours_spin.setRange(0, 23)
        self.hours_spin.setSuffix(self.tr(" h"))
        self.own_limit.toggled.connect(self.days_spin.setEnabled)
        self.own_limit.toggled.connect(self.hours_spin.setEnabled)
        self.days_spin.setEnabled(False)
        self.hours_spin.setEnabled(False)
        self.department_combo = QComboBox(self)
        self.department_combo.addItem(self.tr("(any)"), None)
        for kind in DepartmentKind:
            self.department_combo.addItem(label(kind), kind.value)
        self.active_box = QCheckBox(self.tr("In use"), self)
        self.active_box.setChecked(True)
        limit = QHBoxLayout()
        limit.addWidget(self.days_spin)
        limit.addWidget(self.hours_spin)
        form = QFormLayout()
        form.addRow(self.tr("Code"), self.code_edit)
        form.addRow(self.tr("Category"), self.category_combo)
        form.addRow(self.tr("Matter"), self.name_edit)
        form.addRow(self.tr("Urgency"), self.urgency_combo)
        form.addRow("", self.own_limit)
        form.addRow(self.tr("Time limit"), limit)
        form.addRow(self.tr("Department kind"), self.department_combo)
        form.addRow("", self.active_box)
        self.lay_out(form)
        self.setMinimumWidth(480)
        if stored is not None:
            self.code_edit.setText(stored.code)
            self.code_edit.setReadOnly(True)
            self.category_combo.setCurrentIndex(self.category_combo.findData(stored.category.value))
            self.name_edit.setText(stored.name)
            self.urgency_combo.setCurrentIndex(self.urgency_combo.findData(stored.urgency.value))
            if stored.limit_days is not None or stored.limit_hours is not None:
                self.own_limit.setChecked(True)
                self.days_spin.setValue(stored.limit_days or 0)
                self.hours_spin.setValue(stored.limit_hours or 0)
            if stored.department_kind is not None:
                self.department_combo.setCurrentIndex(
                    self.department_combo.findData(stored.department_kind.value)
                )
            self.active_box.setChecked(stored.active)

    def case_type_input(self) -> CaseTypeInput:
        own = self.own_limit.isChecked()
        kind = self.department_combo.currentData()
        return CaseTypeInput(
            code=self.code_edit.text().strip(),
            category=CaseCategory(self.category_combo.currentData()),
            name=self.name_edit.text().strip(),
            urgency=Urgency(self.urgency_combo.currentData()),
            limit_days=self.days_spin.value() if own else None,
            limit_hours=self.hours_spin.value() if own else None,
            department_kind=DepartmentKind(kind) if kind else None,
            active=self.active_box.isChecked(),
        )

    def write(self):
        data = self.case_type_input()
        return lambda b: b.save_case_type(data)


class LocalRulesForm(FormDialog):
    """The local rules the whole tree works to: the grid sizing rule (the standard's 300–500
    households; a local rule may say 500–1000) and how often each special group is visited.
    The current rules are read first (in a worker); Save stays off until they are here."""

    doing = "setting the local rules"

    def __init__(self, console, parent=None):
        super().__init__(console, parent, name="localRulesForm", status_name="localRulesStatus")
        self.setWindowTitle(self.tr("Local rules"))
        self.households_min = QSpinBox(self)
        self.households_max = QSpinBox(self)
        self.population = QSpinBox(self)
        for box in (self.households_min, self.households_max, self.population):
            box.setRange(1, 100_000)
            box.setSingleStep(50)
        households = QHBoxLayout()
        households.addWidget(self.households_min)
        households.addWidget(QLabel("–", self))
        households.addWidget(self.households_max)
        households.addWidget(QLabel(self.tr("households"), self), 1)
        form = QFormLayout()
        form.addRow(self.tr("Grid size"), households)
        form.addRow(self.tr("or about (people)"), self.population)
        self.visit_days: dict[SpecialGroup, QSpinBox] = {}
        for group in SpecialGroup:
            box = QSpinBox(self)
            box.setRange(1, 366)
            box.setSuffix(self.tr(" day(s)"))
            self.visit_days[group] = box
            form.addRow(self.tr("Visit %1 every").replace("%1", label(group)), box)
        self.lay_out(form)
        self.setMinimumWidth(460)
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Reading the rules…"))
        self.loaded = False
        run_in_background(console.backend.local_rules, self._show, self._unread, owner=self)

    def _unread(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="reading the local rules").full())

    def _show(self, rules: LocalRules) -> None:
        self.households_min.setValue(rules.sizing.households_min)
        self.households_max.setValue(rules.sizing.households_max)
        self.population.setValue(rules.sizing.population)
        for visit in rules.visits:
            self.visit_days[visit.group].setValue(visit.days)
        self.status.setText(self.tr("Kept by the top center's administrators."))
        self.save_button.setEnabled(True)
        self.loaded = True

    def rules(self) -> LocalRules:
        sizing = SizingRule(
            self.households_min.value(), self.households_max.value(), self.population.value()
        )
        visits = tuple(VisitInterval(g, box.value()) for g, box in self.visit_days.items())
        return LocalRules(sizing, visits)

    def write(self):
        if not self.loaded:
            return None
        rules = self.rules()
        return lambda b: b.set_local_rules(rules)


class MattersTab(QWidget):
    changed = Signal()

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("mattersTab")
        self.console = console
        self.loaded = False
        self.form: CaseTypeForm | None = None
        self.rules_form: LocalRulesForm | None = None
        self.import_dialog: TableImportDialog | None = None
        self.table = RowTable(
            [
                Column(self.tr("Code"), lambda t: t.code, 80),
                Column(self.tr("Category"), lambda t: label(t.category), 160),
                Column(self.tr("Matter"), lambda t: t.name, 200),
                Column(self.tr("Urgency"), lambda t: label(t.urgency), 90),
                Column(self.tr("Time limit"), self._limit_text, 150),
                Column(self.tr("Department kind"), lambda t: label(t.department_kind), 150),
                Column(self.tr("In use"), lambda t: self.tr("Yes") if t.active else self.tr("No")),
            ],
            self,
            name="mattersTable",
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.new_button = QPushButton(self.tr("New matter…"), self)
        self.new_button.clicked.connect(self.open_new_form)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.import_button = QPushButton(self.tr("Import…"), self)
        self.import_button.clicked.connect(self.open_import)
        self.rules_button = QPushButton(self.tr("Grid size and visits…"), self)
        self.rules_button.clicked.connect(self.open_local_rules)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        lay_out_tab(
            self,
            self.table,
            left=(self.new_button, self.edit_button),
            right=(self.rules_button, self.import_button),
            status=self.status,
        )

    def _limit_text(self, row: CaseTypeRow) -> str:
        if row.limit_days is None and row.limit_hours is None:
            return self.tr("General rules")
        return (
            self.tr("%1 d %2 h")
            .replace("%1", str(row.limit_days or 0))
            .replace("%2", str(row.limit_hours or 0))
        )

    def reload(self) -> None:
        run_in_background(self.console.backend.case_types, self._show, self._failed, owner=self)

    def _show(self, rows) -> None:
        self.table.set_rows(rows)
        self.loaded = True
        self.status.setText(self.tr("%1 matter(s)").replace("%1", str(len(rows))))

    def _failed(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="loading the list of matters").full())

    def open_new_form(self) -> CaseTypeForm:
        return self._open(CaseTypeForm(self.console, None, self))

    def edit_selected(self) -> CaseTypeForm | None:
        row = self.table.selected()
        return None if row is None else self._open(CaseTypeForm(self.console, row, self))

    def _open(self, form: CaseTypeForm) -> CaseTypeForm:
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._written)
        self.form = form
        form.open()
        return form

    def _written(self, *_args) -> None:
        self.reload()
        self.changed.emit()

    def open_local_rules(self) -> LocalRulesForm:
        form = LocalRulesForm(self.console, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._written)
        self.rules_form = form
        form.open()
        return form

    def open_import(self) -> TableImportDialog:
        dialog = TableImportDialog(
            self.console,
            self.tr("Import the list of matters"),
            lambda backend, path, _progress: backend.import_case_types(path),
            lambda count: self.tr("Imported %1 matter(s).").replace("%1", str(count)),
            self,
            hint=self.tr("Columns: 编码, 大类, 事项, 紧急程度, 时限天数, 时限小时, 承办部门."),
            progress=False,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._written)
        self.import_dialog = dialog
        dialog.open()
        return dialog
