"""基础数据: the residents (人口), houses (房屋) and organisations (组织) of the grids the actor
sees — administrators, supervisors, duty officers and dispatchers their jurisdiction's, grid
managers and leaders their own grids' (the core decides).

Searches run in workers a moment after the typing pauses, the newest answer wins, and the
count says "N of TOTAL". ID numbers and phones arrive masked; the roles that may read them in
clear ask for one resident at a time with a reason ("显示明文"), which the core writes to the
operation log, and the clear values are shown only in that dialog. Imports (residents, houses,
organisations) run in the console's writer with a progress bar and show every problem of a
rejected file; an export writes an .xlsx, in clear only with a reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandcenter.access.accounts import CLEAR_PERSONAL_DATA_ROLES
from commandcenter.access.admin import (
    BASEDATA_BY_GRID,
    BASEDATA_BY_JURISDICTION,
    BASEDATA_EDITORS,
)
from commandcenter.basedata.people import PersonInput, PersonRow
from commandcenter.domain.enums import HouseholdStatus, Role, SpecialGroup
from ui.admin.forms import FormDialog, StatusDialog
from ui.admin.table_import import TableImportDialog
from ui.admin.tables import Column, RowTable, Search, lay_out_tab
from ui.common.errors import describe
from ui.common.labels import label
from ui.common.tasks import run_in_background

BASEDATA_ROLES = BASEDATA_BY_JURISDICTION | BASEDATA_BY_GRID
PEOPLE_LIMIT = 200
PLACES_LIMIT = 200  # the core's answer for buildings and organisations stops here


def sees_base_data(role: Role) -> bool:
    return role in BASEDATA_ROLES


def grid_choices(console) -> list[tuple[int, str]]:
    """(grid id, "code name") of the grids the console knows, a grid manager's or leader's own
    first where the tree names them (the core filters in any case)."""
    grids = sorted(console.grids.values(), key=lambda g: g.code)
    actor = console.actor
    if actor.role in BASEDATA_BY_GRID:
        own = [
            g for g in grids if actor.display_name in g.managers or g.leader == actor.display_name
        ]
        grids = own or grids
    return [(g.id, f"{g.code}  {g.name}") for g in grids]


class GridFilter(QComboBox):
    """All grids, or one; filled from the console's tree and again when it changes."""

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.console = console
        self.setMinimumContentsLength(22)
        self.fill()
        console.treeChanged.connect(lambda _tree: self.fill())

    def fill(self) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(self.tr("All grids"), None)
        for grid_id, text in grid_choices(self.console):
            self.addItem(text, grid_id)
        index = self.findData(current)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def select_grid(self, grid_id: int | None) -> None:
        self.setCurrentIndex(max(self.findData(grid_id), 0))


class ClearViewDialog(StatusDialog):
    """One resident's ID number and phone in clear, after a reason (recorded in the operation
    log by the core). ``state``: "idle", "asking", "shown", "refused"."""

    def __init__(self, console, person: PersonRow, parent=None):
        super().__init__(console, parent, name="clearViewDialog")
        self.person = person
        self.setWindowTitle(self.tr("Show in clear: %1").replace("%1", person.name))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("clearReason")
        self.reason_edit.setPlaceholderText(self.tr("Why you need it, e.g. case 20261126-0012"))
        self.reason_edit.setMaxLength(200)
        self.id_label = QLabel(person.id_number, self)
        self.id_label.setObjectName("clearIdNumber")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phone_label = QLabel(person.phone or "—", self)
        self.phone_label.setObjectName("clearPhone")
        self.phone_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setText(
            self.tr("Your name, the resident, the time and the reason go into the operation log.")
        )
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason_edit)
        form.addRow(self.tr("ID number"), self.id_label)
        form.addRow(self.tr("Phone"), self.phone_label)
        self.show_button = self.arrange(form, action=self.tr("Show"), slot=self.ask, closing=True)
        self.setMinimumWidth(460)

    def ask(self) -> None:
        reason = self.reason_edit.text().strip()
        if self.state == "asking":
            return
        if len(reason) < 2:
            self.status.setText(self.tr("Say why you need to see it in clear."))
            self.state = "refused"
            return
        backend, person_id = self.console.backend, self.person.id
        self.state = "asking"
        self.show_button.setEnabled(False)
        run_in_background(
            lambda: backend.person_in_clear(person_id, reason),
            self._shown,
            self._refused,
            owner=self,
        )

    def _shown(self, clear) -> None:
        self.state = "shown"
        self.id_label.setText(clear.id_number)
        self.phone_label.setText(clear.phone or "—")
        self.reason_edit.setReadOnly(True)
        self.status.setText(self.tr("Shown in clear; recorded in the operation log."))

    def _refused(self, error: Exception) -> None:
        self.state = "refused"
        self.show_button.setEnabled(True)
        self.status.setText(describe(error, doing="showing personal data").full())


class PersonForm(FormDialog):
    """A new resident (``stored`` None) or a change to one. On an edit the ID number and phone
    fields start blank: blank keeps what is stored (the console only ever saw them masked)."""

    doing = "saving a resident"

    def __init__(self, console, stored: PersonRow | None = None, parent=None):
        super().__init__(console, parent, name="personForm", status_name="personStatus")
        self.stored = stored
        self.setWindowTitle(self.tr("Edit resident") if stored else self.tr("New resident"))
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(50)
        self.grid_combo = GridFilter(console, self)
        self.grid_combo.removeItem(0)  # a resident lives in one grid
        self.status_combo = QComboBox(self)
        for status in HouseholdStatus:
            self.status_combo.addItem(label(status), status.value)
        self.id_edit = QLineEdit(self)
        self.id_edit.setMaxLength(18)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setMaxLength(20)
        self.house_label = QLabel(self)
        self.group_boxes: dict[SpecialGroup, QCheckBox] = {}
        groups = QGridLayout()
        for i, group in enumerate(SpecialGroup):
            box = QCheckBox(label(group), self)
            self.group_boxes[group] = box
            groups.addWidget(box, i // 3, i % 3)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Grid"), self.grid_combo)
        form.addRow(self.tr("Household"), self.status_combo)
        form.addRow(self.tr("ID number"), self.id_edit)
        form.addRow(self.tr("Phone"), self.phone_edit)
        form.addRow(self.tr("House"), self.house_label)
        form.addRow(self.tr("Special groups"), groups)
        self.lay_out(form)
        self.setMinimumWidth(560)
        if stored is None:
            self.house_label.setText(self.tr("(none; set by a residents' import)"))
        else:
            self.name_edit.setText(stored.name)
            if self.grid_combo.findData(stored.grid_id) < 0:
                self.grid_combo.addItem(f"{stored.grid_code}  {stored.grid_name}", stored.grid_id)
            self.grid_combo.select_grid(stored.grid_id)
            self.status_combo.setCurrentIndex(
                self.status_combo.findData(stored.household_status.value)
            )
            keep = self.tr("Stored: %1 (leave blank to keep it)")
            self.id_edit.setPlaceholderText(keep.replace("%1", stored.id_number))
            self.phone_edit.setPlaceholderText(keep.replace("%1", stored.phone or "—"))
            self.house_label.setText(f"{stored.building} {stored.house}".strip() or "—")
            for group in stored.tags:
                self.group_boxes[group].setChecked(True)

    def person_input(self) -> PersonInput:
        phone = self.phone_edit.text().strip()
        return PersonInput(
            name=self.name_edit.text().strip(),
            grid_id=self.grid_combo.currentData(),
            household_status=HouseholdStatus(self.status_combo.currentData()),
            id_number=self.id_edit.text().strip(),
            phone=phone if phone or self.stored is None else None,
            house_id=self.stored.house_id if self.stored else None,
            tags=tuple(g for g, box in self.group_boxes.items() if box.isChecked()),
        )

    def write(self):
        data, person_id = self.person_input(), self.stored.id if self.stored else None
        return lambda b: b.save_person(person_id, data)


class ExportDialog(StatusDialog):
    """Residents, houses or organisations to an .xlsx; in clear only for the roles that may
    read personal data, with a reason. ``state``: "idle", "running", "done", "failed"."""

    def __init__(self, console, parent=None):
        super().__init__(console, parent, name="basedataExportDialog", status_name="exportStatus")
        self.written = 0
        self.setWindowTitle(self.tr("Export base data"))
        self.kind_combo = QComboBox(self)
        for kind, text in (
            ("people", self.tr("Residents")),
            ("houses", self.tr("Houses")),
            ("organisations", self.tr("Organisations")),
        ):
            self.kind_combo.addItem(text, kind)
        self.clear_box = QCheckBox(self.tr("ID numbers and phones in clear"), self)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("Why the file needs them in clear"))
        self.reason_edit.setEnabled(False)
        self.clear_box.toggled.connect(self.reason_edit.setEnabled)
        may_clear = console.actor.role in CLEAR_PERSONAL_DATA_ROLES
        self.clear_box.setVisible(may_clear)
        self.reason_edit.setVisible(may_clear)
        self.status.setText(
            self.tr("Masked unless asked otherwise; recorded in the operation log.")
        )
        form = QFormLayout()
        form.addRow(self.tr("What"), self.kind_combo)
        if may_clear:
            form.addRow("", self.clear_box)
            form.addRow(self.tr("Reason"), self.reason_edit)
        self.export_button = self.arrange(
            form, action=self.tr("Export…"), slot=self.choose_file, closing=True
        )
        self.setMinimumWidth(460)

    def choose_file(self) -> None:
        kind = self.kind_combo.currentData()
        path, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), f"{kind}.xlsx", self.tr("Excel (*.xlsx)")
        )
        if path:
            self.start_export(path)

    def start_export(self, path: Path | str) -> None:
        if self.state == "running":
            return
        path = Path(path)
        kind, clear = self.kind_combo.currentData(), self.clear_box.isChecked()
        reason = self.reason_edit.text().strip() if clear else ""
        if clear and len(reason) < 2:
            self.status.setText(self.tr("Say why the file needs personal data in clear."))
            self.state = "failed"
            return
        backend = self.console.backend
        self.state = "running"
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Writing %1…").replace("%1", path.name))
        run_in_background(
            lambda: backend.export_basedata(kind, path, clear, reason),
            lambda count: self._done(count, path),
            self._failed,
            owner=self,
        )

    def _done(self, count: int, path: Path) -> None:
        self.state, self.written = "done", count
        self.export_button.setEnabled(True)
        self.status.setText(
            self.tr("Wrote %1 row(s) to %2.").replace("%1", f"{count:,}").replace("%2", path.name)
        )

    def _failed(self, error: Exception) -> None:
        self.state = "failed"
        self.export_button.setEnabled(True)
        self.status.setText(describe(error, doing="exporting base data").full())


class PeopleTab(QWidget):
    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("peopleTab")
        self.console = console
        self.hits = None
        self.may_edit = console.actor.role in BASEDATA_EDITORS
        self.may_clear = console.actor.role in CLEAR_PERSONAL_DATA_ROLES
        self.form: QDialog | None = None

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("peopleSearch")
        self.search_edit.setPlaceholderText(self.tr("Name, address or a full ID number"))
        self.search_edit.setClearButtonEnabled(True)
        self.grid_filter = GridFilter(console, self)
        self.group_filter = QComboBox(self)
        self.group_filter.addItem(self.tr("All residents"), None)
        for group in SpecialGroup:
            self.group_filter.addItem(label(group), group.value)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("peopleCount")
        self.table = RowTable(
            [
                Column(self.tr("Name"), lambda p: p.name, 80),
                Column(self.tr("ID number"), lambda p: p.id_number, 170),
                Column(self.tr("Phone"), lambda p: p.phone, 110),
                Column(self.tr("Sex"), self._gender, 50),
                Column(self.tr("Born"), lambda p: p.birth_date.isoformat(), 100),
                Column(self.tr("Household"), lambda p: label(p.household_status), 90),
                Column(self.tr("Grid"), lambda p: p.grid_name, 140),
                Column(self.tr("Building"), lambda p: p.building, 150),
                Column(self.tr("House"), lambda p: p.house, 70),
                Column(self.tr("Special groups"), lambda p: "、".join(label(t) for t in p.tags)),
            ],
            self,
            name="peopleTable",
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.search = Search(self._query, self)
        self.search.done.connect(self._show)
        self.search.failed.connect(self._failed)
        self.search_edit.textChanged.connect(self.search.request)
        self.grid_filter.currentIndexChanged.connect(self.search.now)
        self.group_filter.currentIndexChanged.connect(self.search.now)

        self.new_button = QPushButton(self.tr("New resident…"), self)
        self.new_button.clicked.connect(self.open_new_form)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.clear_button = QPushButton(self.tr("Show in clear…"), self)
        self.clear_button.setObjectName("showInClear")
        self.clear_button.clicked.connect(self.show_clear_selected)
        self.new_button.setVisible(self.may_edit)
        self.edit_button.setVisible(self.may_edit)
        self.clear_button.setVisible(self.may_clear)
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        lay_out_tab(
            self,
            self.table,
            top=(self.search_edit, self.grid_filter, self.group_filter, self.count_label),
            left=(self.new_button, self.edit_button, self.clear_button),
            status=self.status,
        )

    def _gender(self, person: PersonRow) -> str:
        return {"M": self.tr("M"), "F": self.tr("F")}.get(person.gender, person.gender)

    def _query(self):
        backend = self.console.backend
        text, grid_id = self.search_edit.text(), self.grid_filter.currentData()
        group = self.group_filter.currentData()
        tag = SpecialGroup(group) if group else None
        return lambda: backend.search_people(text, grid_id=grid_id, tag=tag, limit=PEOPLE_LIMIT)

    def _show(self, hits) -> None:
        self.hits = hits
        self.table.set_rows(hits.rows)
        self.count_label.setText(
            self.tr("%1 of %2")
            .replace("%1", f"{len(hits.rows):,}")
            .replace("%2", f"{hits.total:,}")
        )
        self.status.clear()

    def _failed(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="searching residents").full())

    def names(self) -> list[str]:
        return [p.name for p in self.table.rows()]

    def select_person(self, name: str) -> bool:
        return self.table.select_where(lambda p: p.name == name)

    def show_clear_selected(self) -> ClearViewDialog | None:
        person = self.table.selected()
        if person is None or not self.may_clear:
            return None
        return self._open(ClearViewDialog(self.console, person, self))

    def open_new_form(self) -> PersonForm:
        return self._open(PersonForm(self.console, None, self))

    def edit_selected(self) -> PersonForm | None:
        person = self.table.selected()
        if person is None or not self.may_edit:
            return None
        return self._open(PersonForm(self.console, person, self))

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if isinstance(dialog, PersonForm):
            dialog.saved.connect(lambda _id: self.search.now())
        self.form = dialog
        dialog.open()
        return dialog


class BuildingsTab(QWidget):
    """Buildings found by name or address (and grid); the selected one's houses below."""

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("buildingsTab")
        self.console = console
        self.houses_of: int | None = None
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Building name or address"))
        self.search_edit.setClearButtonEnabled(True)
        self.grid_filter = GridFilter(console, self)
        self.count_label = QLabel(self)
        self.buildings = RowTable(
            [
                Column(self.tr("Building"), lambda b: b.name, 160),
                Column(self.tr("Address"), lambda b: b.address, 260),
                Column(self.tr("Use"), lambda b: label(b.use), 90),
                Column(self.tr("Grid code"), lambda b: b.grid_code, 170),
                Column(self.tr("Houses"), lambda b: b.houses, 70, sort=lambda b: b.houses),
                Column(self.tr("Rented"), lambda b: b.rented, 70, sort=lambda b: b.rented),
                Column(self.tr("Vacant"), lambda b: b.vacant, 70, sort=lambda b: b.vacant),
                Column(self.tr("Residents"), lambda b: b.residents, sort=lambda b: b.residents),
            ],
            self,
            name="buildingsTable",
        )
        self.houses = RowTable(
            [
                Column(self.tr("House"), lambda h: h.number, 90),
                Column(self.tr("Use"), lambda h: label(h.use), 110),
                Column(
                    self.tr("Area (m²)"),
                    lambda h: "" if h.area_m2 is None else f"{h.area_m2:.1f}",
                    90,
                    sort=lambda h: h.area_m2 or 0.0,
                ),
                Column(self.tr("Residents"), lambda h: h.residents, sort=lambda h: h.residents),
            ],
            self,
            name="housesTable",
        )
        self.search = Search(self._query, self)
        self.search.done.connect(self._show)
        self.search.failed.connect(self._failed)
        self.search_edit.textChanged.connect(self.search.request)
        self.grid_filter.currentIndexChanged.connect(self.search.now)
        self.buildings.selectionModel().selectionChanged.connect(self._building_selected)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.grid_filter)
        top.addWidget(self.count_label)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.buildings)
        split.addWidget(self.houses)
        split.setSizes([400, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def _query(self):
        backend = self.console.backend
        text, grid_id = self.search_edit.text(), self.grid_filter.currentData()
        return lambda: backend.search_buildings(text, grid_id)

    def _show(self, rows) -> None:
        self.buildings.set_rows(rows)
        self.houses.set_rows([])
        self.houses_of = None
        text = (
            self.tr("The first %1 building(s); narrow the search")
            if len(rows) >= PLACES_LIMIT
            else self.tr("%1 building(s)")
        )
        self.count_label.setText(text.replace("%1", f"{len(rows):,}"))

    def _failed(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="searching buildings").full())

    def _building_selected(self, *_args) -> None:
        building = self.buildings.selected()
        if building is None:
            return
        backend, building_id = self.console.backend, building.id

        def show(houses) -> None:
            if (
                self.buildings.selected() is not None
                and self.buildings.selected().id == building_id
            ):
                self.houses.set_rows(houses)
                self.houses_of = building_id

        run_in_background(
            lambda: backend.building_houses(building_id), show, self._failed, owner=self
        )


class OrganisationsTab(QWidget):
    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("organisationsTab")
        self.console = console
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Name, credit code or address"))
        self.search_edit.setClearButtonEnabled(True)
        self.grid_filter = GridFilter(console, self)
        self.count_label = QLabel(self)
        self.table = RowTable(
            [
                Column(self.tr("Name"), lambda o: o.name, 200),
                Column(self.tr("Kind"), lambda o: label(o.kind), 150),
                Column(self.tr("Credit code"), lambda o: o.credit_code, 170),
                Column(self.tr("Grid code"), lambda o: o.grid_code, 170),
                Column(self.tr("Address"), lambda o: o.address, 200),
                Column(self.tr("Contact"), lambda o: o.contact, 80),
                Column(self.tr("Phone"), lambda o: o.phone),
            ],
            self,
            name="organisationsTable",
        )
        self.search = Search(self._query, self)
        self.search.done.connect(self._show)
        self.search.failed.connect(
            lambda e: self.count_label.setText(describe(e, doing="searching organisations").text)
        )
        self.search_edit.textChanged.connect(self.search.request)
        self.grid_filter.currentIndexChanged.connect(self.search.now)
        lay_out_tab(self, self.table, top=(self.search_edit, self.grid_filter, self.count_label))

    def _query(self):
        backend = self.console.backend
        text, grid_id = self.search_edit.text(), self.grid_filter.currentData()
        return lambda: backend.search_organisations(text, grid_id)

    def _show(self, rows) -> None:
        self.table.set_rows(rows)
        text = (
            self.tr("The first %1 organisation(s); narrow the search")
            if len(rows) >= PLACES_LIMIT
            else self.tr("%1 organisation(s)")
        )
        self.count_label.setText(text.replace("%1", f"{len(rows):,}"))


class BaseDataBrowser(QDialog):
    """The three tabs with Import and Export; ``is_loaded()`` once each has its first rows."""

    changed = Signal()

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("baseDataBrowser")
        self.setWindowTitle(self.tr("Base data"))
        self.console = console
        self.may_edit = console.actor.role in BASEDATA_EDITORS
        self.import_dialog: TableImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.people = PeopleTab(console, self)
        self.buildings = BuildingsTab(console, self)
        self.organisations = OrganisationsTab(console, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("baseDataTabs")
        self.tabs.addTab(self.people, self.tr("People"))
        self.tabs.addTab(self.buildings, self.tr("Houses"))
        self.tabs.addTab(self.organisations, self.tr("Organisations"))

        self.import_button = QPushButton(self.tr("Import…"), self)
        menu = QMenu(self.import_button)
        for kind, text in (
            ("people", self.tr("Residents…")),
            ("houses", self.tr("Houses and buildings…")),
            ("organisations", self.tr("Organisations…")),
        ):
            menu.addAction(text, lambda k=kind: self.open_import(k))
        self.import_button.setMenu(menu)
        self.import_button.setVisible(self.may_edit)
        self.export_button = QPushButton(self.tr("Export…"), self)
        self.export_button.clicked.connect(self.open_export)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1320, 780)
        for button in self.findChildren(QPushButton):  # Enter in a search field stays there
            button.setAutoDefault(False)
        self.reload()

    def reload(self) -> None:
        self.people.search.now()
        self.buildings.search.now()
        self.organisations.search.now()

    def is_loaded(self) -> bool:
        return not any(tab.search.busy for tab in (self.people, self.buildings, self.organisations))

    def import_title(self, kind: str) -> str:
        return {
            "people": self.tr("Import residents"),
            "houses": self.tr("Import houses and buildings"),
            "organisations": self.tr("Import organisations"),
        }[kind]

    def import_hint(self, kind: str) -> str:
        return {
            "people": self.tr(
                "Columns: 姓名, 身份证号, 电话, 网格编码, 楼栋, 房号, 户籍类型, 特殊人群. "
                "A known ID number updates the resident."
            ),
            "houses": self.tr(
                "Columns: 网格编码, 楼栋, 地址, 楼栋用途, 层数, 经度, 纬度, 房号, 房屋用途, 面积."
            ),
            "organisations": self.tr(
                "Columns: 名称, 类型, 统一社会信用代码, 网格编码, 地址, 联系人, 电话."
            ),
        }[kind]

    def open_import(self, kind: str) -> TableImportDialog:
        dialog = TableImportDialog(
            self.console,
            self.import_title(kind),
            lambda backend, path, progress: backend.import_basedata(kind, path, progress),
            self._import_summary,
            self,
            hint=self.import_hint(kind),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self._imported)
        dialog.destroyed.connect(lambda *_: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _import_summary(self, result) -> str:
        return (
            self.tr("Imported %1 row(s): %2 new, %3 updated.")
            .replace("%1", f"{result.rows:,}")
            .replace("%2", f"{result.created:,}")
            .replace("%3", f"{result.updated:,}")
        )

    def _imported(self, _result) -> None:
        self.reload()
        self.changed.emit()

    def open_export(self) -> ExportDialog:
        dialog = ExportDialog(self.console, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "export_dialog", None))
        self.export_dialog = dialog
        dialog.open()
        return dialog
