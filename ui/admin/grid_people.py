"""网格人员: every grid with its grid managers, its leader (网格长), its police officer (片警)
and building heads (楼栋长); a form sets them (replacing who was there).

Contacts' phones reach the console masked; a contact whose phone is left as shown keeps the
stored number (the form sends "keep", never the masked text)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.admin.grid_people import ContactInput, GridAssignment, GridPeople
from commandcenter.domain.enums import Role
from ui.admin.forms import FormDialog
from ui.admin.tables import Column, RowTable, lay_out_tab

MASKED = Qt.ItemDataRole.UserRole + 2  # the masked phone a stored contact was shown with


class GridPeopleForm(FormDialog):
    """Who serves one grid; saving replaces who was there. ``saved`` gives the grid's id."""

    doing = "assigning a grid's people"

    def __init__(self, console, reference, grid: GridPeople, parent=None):
        super().__init__(console, parent, name="gridPeopleForm", status_name="gridPeopleStatus")
        self.reference, self.grid = reference, grid
        self.setWindowTitle(
            self.tr("People of %1 %2").replace("%1", grid.grid_code).replace("%2", grid.grid_name)
        )
        centers = reference.center_ids_for_community(grid.community_name)
        staff = [s for s in reference.staff if s.active and s.center_id in centers]
        current = {m.user_id for m in grid.managers}
        self.manager_list = QListWidget(self)
        self.manager_list.setObjectName("gridManagers")
        for person in sorted(staff, key=lambda s: (s.center_id, s.username)):
            if person.role is not Role.GRID_MANAGER:
                continue
            item = QListWidgetItem(
                f"{person.display_name} ({person.username}) — {person.center_name}",
                self.manager_list,
            )
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if person.id in current else Qt.CheckState.Unchecked
            )
        self.manager_list.setMinimumHeight(150)
        self.leader_combo = QComboBox(self)
        self.leader_combo.addItem(self.tr("(none)"), None)
        for person in staff:
            if person.role is Role.GRID_LEADER:
                self.leader_combo.addItem(f"{person.display_name} ({person.username})", person.id)
        if grid.leader is not None:
            self.leader_combo.setCurrentIndex(self.leader_combo.findData(grid.leader.user_id))

        self.contacts = QTableWidget(0, 3, self)
        self.contacts.setObjectName("gridContacts")
        self.contacts.setHorizontalHeaderLabels(
            [self.tr("Duty"), self.tr("Name"), self.tr("Phone")]
        )
        self.contacts.verticalHeader().hide()
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for contact in grid.contacts:
            self.add_contact(contact.duty, contact.name, contact.phone, stored=True)
        self.police_button = QPushButton(self.tr("Add police officer"), self)
        self.police_button.clicked.connect(lambda: self.add_contact("police"))
        self.head_button = QPushButton(self.tr("Add building head"), self)
        self.head_button.clicked.connect(lambda: self.add_contact("building_head"))
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self._remove_contact)

        form = QFormLayout()
        form.addRow(self.tr("Grid managers"), self.manager_list)
        form.addRow(self.tr("Grid leader"), self.leader_combo)
        contact_buttons = QHBoxLayout()
        for button in (self.police_button, self.head_button, self.remove_button):
            contact_buttons.addWidget(button)
        contact_buttons.addStretch(1)
        contacts = QVBoxLayout()
        contacts.addWidget(self.contacts)
        contacts.addLayout(contact_buttons)
        form.addRow(self.tr("Contacts"), contacts)
        self.lay_out(form)
        self.resize(620, 620)

    def duty_name(self, duty: str) -> str:
        return {"police": self.tr("Police officer"), "building_head": self.tr("Building head")}[
            duty
        ]

    def add_contact(self, duty: str, name: str = "", phone: str = "", *, stored=False) -> int:
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        combo = QComboBox(self.contacts)
        for key in ("police", "building_head"):
            combo.addItem(self.duty_name(key), key)
        combo.setCurrentIndex(combo.findData(duty))
        self.contacts.setCellWidget(row, 0, combo)
        self.contacts.setItem(row, 1, QTableWidgetItem(name))
        phone_item = QTableWidgetItem(phone)
        if stored:
            phone_item.setData(MASKED, phone)
            phone_item.setToolTip(self.tr("Stored (masked); leave it to keep the number"))
        self.contacts.setItem(row, 2, phone_item)
        return row

    def set_contact(self, row: int, name: str, phone: str) -> None:
        self.contacts.item(row, 1).setText(name)
        self.contacts.item(row, 2).setText(phone)

    def _remove_contact(self) -> None:
        rows = sorted({i.row() for i in self.contacts.selectedIndexes()}, reverse=True)
        for row in rows:
            self.contacts.removeRow(row)

    def check_managers(self, user_ids) -> None:
        wanted = set(user_ids)
        for i in range(self.manager_list.count()):
            item = self.manager_list.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in wanted
                else Qt.CheckState.Unchecked
            )

    def assignment(self) -> GridAssignment:
        managers = tuple(
            self.manager_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.manager_list.count())
            if self.manager_list.item(i).checkState() == Qt.CheckState.Checked
        )
        contacts = []
        for row in range(self.contacts.rowCount()):
            duty = self.contacts.cellWidget(row, 0).currentData()
            name = (self.contacts.item(row, 1).text() or "").strip()
            phone_item = self.contacts.item(row, 2)
            phone = phone_item.text().strip()
            masked = phone_item.data(MASKED)
            keep = masked is not None and phone == masked
            contacts.append(ContactInput(duty, name, None if keep else phone))
        return GridAssignment(managers, self.leader_combo.currentData(), tuple(contacts))

    def write(self):
        grid_id, assignment = self.grid.grid_id, self.assignment()
        return lambda b: b.assign_grid(grid_id, assignment)


def _people(refs) -> str:
    return "、".join(r.display_name for r in refs)


def _contacts(grid: GridPeople, duty: str) -> str:
    return "、".join(
        f"{c.name} {c.phone}".strip() + (f" ({c.building})" if c.building else "")
        for c in grid.contacts
        if c.duty == duty
    )


class GridPeopleTab(QWidget):
    changed = Signal()

    def __init__(self, console, reference, parent=None):
        super().__init__(parent)
        self.setObjectName("gridPeopleTab")
        self.console, self.reference = console, reference
        self.form: GridPeopleForm | None = None
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by grid, community or name"))
        self.filter_edit.setClearButtonEnabled(True)
        self.table = RowTable(
            [
                Column(self.tr("Grid code"), lambda g: g.grid_code, 170),
                Column(self.tr("Grid"), lambda g: g.grid_name, 150),
                Column(self.tr("Community"), lambda g: g.community_name, 100),
                Column(self.tr("Grid managers"), lambda g: _people(g.managers), 150),
                Column(
                    self.tr("Grid leader"), lambda g: g.leader.display_name if g.leader else "", 100
                ),
                Column(self.tr("Police officer"), lambda g: _contacts(g, "police"), 160),
                Column(self.tr("Building heads"), lambda g: _contacts(g, "building_head")),
            ],
            self,
            name="gridPeopleTable",
        )
        self.filter_edit.textChanged.connect(self.table.proxy.setFilterFixedString)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        lay_out_tab(
            self, self.table, top=(self.filter_edit,), left=(self.edit_button,), status=self.status
        )
        reference.loaded.connect(self._show)

    def _show(self) -> None:
        self.table.set_rows(self.reference.grids)
        self.status.setText(self.tr("%1 grid(s)").replace("%1", str(len(self.reference.grids))))

    def select_grid(self, grid_code: str) -> bool:
        return self.table.select_where(lambda g: g.grid_code == grid_code)

    def edit_selected(self) -> GridPeopleForm | None:
        grid = self.table.selected()
        if grid is None:
            return None
        form = GridPeopleForm(self.console, self.reference, grid, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._saved)
        self.form = form
        form.open()
        return form

    def _saved(self, _grid_id) -> None:
        self.changed.emit()  # the administration reads its reference again
