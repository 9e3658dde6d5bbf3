"""人员: the staff accounts of the administrator's jurisdiction — search, a form for a new or
changed account, disable/enable, a new password, and the import of a staff table.

Passwords typed here go to the core and nowhere else: never into a log line, a status text or
a table. The first passwords an import generates are offered once, to be saved to a CSV file
(用户名,初始密码) for handing over; they are never shown on screen.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter.admin.staff import StaffImportResult, StaffInput, StaffRow
from commandcenter.domain.enums import Role
from commandcenter.tabular import csv_row
from ui.admin.forms import FormDialog
from ui.admin.table_import import TableImportDialog
from ui.admin.tables import Column, RowTable, Search, lay_out_tab
from ui.common.errors import describe
from ui.common.labels import label

GRID_ROLES = (Role.GRID_MANAGER, Role.GRID_LEADER)


class PasswordDialog(FormDialog):
    """A new password for one account (its owner changes it at the next log-in)."""

    doing = "resetting a password"

    def __init__(self, console, row: StaffRow, parent=None):
        super().__init__(console, parent, name="passwordDialog")
        self.row = row
        self.setWindowTitle(self.tr("New password for %1").replace("%1", row.username))
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.status.setText(
            self.tr("The owner must change it at the next log-in; open sessions end.")
        )
        form = QFormLayout()
        form.addRow(self.tr("New password"), self.password_edit)
        form.addRow(self.tr("Repeat it"), self.repeat_edit)
        self.lay_out(form, save_text=self.tr("Set password"))
        self.setMinimumWidth(420)

    def write(self):
        password = self.password_edit.text()
        if password != self.repeat_edit.text():
            self.status.setText(self.tr("The two passwords differ."))
            self.state = "rejected"
            return None
        user_id = self.row.id
        return lambda b: b.reset_user_password(user_id, password)

    def was_saved(self, _user_id) -> None:
        self.password_edit.clear()
        self.repeat_edit.clear()

    def refused(self, error: Exception) -> None:
        self.set_state("rejected")
        self.status.setText(self.why(error))


class StaffForm(FormDialog):
    """A new account (``stored`` None) or a change to one. ``state``: "idle", "saving",
    "rejected" or "saved"."""

    doing = "saving an account"

    def __init__(self, console, reference, stored: StaffRow | None = None, parent=None):
        super().__init__(console, parent, name="staffForm")
        self.reference, self.stored = reference, stored
        self.setWindowTitle(self.tr("Edit account") if stored else self.tr("New account"))

        self.username_edit = QLineEdit(self)
        self.username_edit.setPlaceholderText(self.tr("Letters, digits, '.', '_' or '-'"))
        self.username_edit.setMaxLength(50)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(50)
        self.role_combo = QComboBox(self)
        for role in Role:
            self.role_combo.addItem(label(role), role.value)
        self.center_combo = QComboBox(self)
        for center_id, name in reference.centers():
            self.center_combo.addItem(name, center_id)
        self.department_combo = QComboBox(self)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setMaxLength(20)
        self.grid_filter = QLineEdit(self)
        self.grid_filter.setPlaceholderText(self.tr("Filter grids by code or name"))
        self.grid_filter.setClearButtonEnabled(True)
        self.grid_filter.textChanged.connect(self._filter_grids)
        self.grid_list = QListWidget(self)
        self.grid_list.setObjectName("staffGrids")
        self.grid_list.setMinimumHeight(160)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("staffPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_problems_box("staffProblems", 90)

        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username_edit)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Role"), self.role_combo)
        form.addRow(self.tr("Center"), self.center_combo)
        form.addRow(self.tr("Department"), self.department_combo)
        form.addRow(self.tr("Phone"), self.phone_edit)
        grids = QVBoxLayout()
        grids.addWidget(self.grid_filter)
        grids.addWidget(self.grid_list)
        form.addRow(self.tr("Grids"), grids)
        if stored is None:
            form.addRow(self.tr("First password"), self.password_edit)
            form.addRow(self.tr("Repeat it"), self.repeat_edit)
        else:
            self.password_edit.hide()
            self.repeat_edit.hide()
        self.lay_out(form, below=[self.problems])
        self.resize(560, 640)

        self.role_combo.currentIndexChanged.connect(self._role_or_center_changed)
        self.center_combo.currentIndexChanged.connect(self._role_or_center_changed)
        if stored is not None:
            self._fill(stored)
        self._role_or_center_changed()

    def _fill(self, row: StaffRow) -> None:
        self.username_edit.setText(row.username)
        self.name_edit.setText(row.display_name)
        self.role_combo.setCurrentIndex(self.role_combo.findData(row.role.value))
        self.center_combo.setCurrentIndex(self.center_combo.findData(row.center_id))
        self._role_or_center_changed()
        if row.department_id is not None:
            self.department_combo.setCurrentIndex(self.department_combo.findData(row.department_id))
        self.phone_edit.setPlaceholderText(
            self.tr("Stored: %1 (leave blank to keep it)").replace("%1", row.phone or "—")
        )
        codes = set(row.grid_codes)
        for i in range(self.grid_list.count()):
            item = self.grid_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole + 1) in codes:
                item.setCheckState(Qt.CheckState.Checked)

    def role(self) -> Role:
        return Role(self.role_combo.currentData())

    def _role_or_center_changed(self, *_args) -> None:
        center_id = self.center_combo.currentData()
        role = self.role()
        checked = set(self.checked_grid_ids())
        self.department_combo.clear()
        self.department_combo.addItem(self.tr("(none)"), None)
        for department in self.reference.departments_of(center_id):
            self.department_combo.addItem(department.name, department.id)
        self.department_combo.setEnabled(role is Role.DEPARTMENT_HANDLER)
        self.grid_list.clear()
        for grid in self.reference.grids_of_center(center_id):
            item = QListWidgetItem(f"{grid.grid_code}  {grid.grid_name}", self.grid_list)
            item.setData(Qt.ItemDataRole.UserRole, grid.grid_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, grid.grid_code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if grid.grid_id in checked else Qt.CheckState.Unchecked
            )
        self.grid_list.setEnabled(role in GRID_ROLES)
        self.grid_filter.setEnabled(role in GRID_ROLES)
        self._filter_grids(self.grid_filter.text())

    def _filter_grids(self, text: str) -> None:
        text = text.strip().lower()
        for i in range(self.grid_list.count()):
            item = self.grid_list.item(i)
            item.setHidden(bool(text) and text not in item.text().lower())

    def checked_grid_ids(self) -> list[int]:
        return [
            self.grid_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.grid_list.count())
            if self.grid_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def check_grids(self, grid_ids) -> None:
        wanted = set(grid_ids)
        for i in range(self.grid_list.count()):
            item = self.grid_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in wanted:
                item.setCheckState(Qt.CheckState.Checked)

    def staff_input(self) -> StaffInput:
        role = self.role()
        phone = self.phone_edit.text().strip()
        return StaffInput(
            username=self.username_edit.text().strip(),
            display_name=self.name_edit.text().strip(),
            role=role,
            center_id=self.center_combo.currentData(),
            department_id=(
                self.department_combo.currentData() if role is Role.DEPARTMENT_HANDLER else None
            ),
            phone=phone if phone or self.stored is None else None,
            grid_ids=tuple(self.checked_grid_ids()) if role in GRID_ROLES else (),
        )

    def write(self):
        data = self.staff_input()
        if self.stored is None:
            password = self.password_edit.text()
            if password != self.repeat_edit.text():
                self._show_problems([self.tr("The two passwords differ.")])
                return None
            return lambda backend: backend.create_user(data, password)
        user_id = self.stored.id
        return lambda backend: backend.update_user(user_id, data)

    def was_saved(self, _user_id) -> None:
        self.password_edit.clear()
        self.repeat_edit.clear()

    def refused(self, error: Exception) -> None:
        self._show_problems([p.strip() for p in self.why(error).split("; ") if p.strip()])

    def _show_problems(self, problems: list[str]) -> None:
        self.show_problems(problems, self.tr("Not saved: correct what is listed and save again."))


class StaffTab(QWidget):
    """The accounts, searched as the administrator types; ``loaded`` after the first answer."""

    changed = Signal()

    def __init__(self, console, reference, parent=None):
        super().__init__(parent)
        self.setObjectName("staffTab")
        self.console, self.reference = console, reference
        self.loaded = False
        self.form: QDialog | None = None
        self.import_dialog: TableImportDialog | None = None
        self.pending_passwords: tuple[tuple[str, str], ...] = ()

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("staffSearch")
        self.search_edit.setPlaceholderText(self.tr("Search by user name or name"))
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.table = RowTable(
            [
                Column(self.tr("User name"), lambda r: r.username, 120),
                Column(self.tr("Name"), lambda r: r.display_name, 90),
                Column(self.tr("Role"), lambda r: label(r.role), 140),
                Column(self.tr("Center"), lambda r: r.center_name, 220),
                Column(self.tr("Department"), lambda r: r.department_name, 130),
                Column(self.tr("Phone"), lambda r: r.phone, 110),
                Column(self.tr("Active"), self._active_text, 110),
                Column(self.tr("Grids"), lambda r: ", ".join(r.grid_codes)),
            ],
            self,
            name="staffTable",
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.search = Search(self._query, self)
        self.search.done.connect(self._show_rows)
        self.search.failed.connect(self._failed)
        self.search_edit.textChanged.connect(self.search.request)

        self.new_button = QPushButton(self.tr("New account…"), self)
        self.new_button.clicked.connect(self.open_new_form)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button = QPushButton(self.tr("Disable"), self)
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button = QPushButton(self.tr("New password…"), self)
        self.password_button.clicked.connect(self.reset_password_of_selected)
        self.import_button = QPushButton(self.tr("Import XLSX/CSV…"), self)
        self.import_button.clicked.connect(self.open_import)
        self.status = QLabel(self)
        self.status.setObjectName("staffStatus")
        self.status.setWordWrap(True)

        lay_out_tab(
            self,
            self.table,
            top=(self.search_edit, self.count_label),
            left=(self.new_button, self.edit_button, self.active_button, self.password_button),
            right=(self.import_button,),
            status=self.status,
        )
        self._selection_changed()

    def _active_text(self, row: StaffRow) -> str:
        if not row.active:
            return self.tr("Disabled")
        return self.tr("Must change password") if row.must_change_password else self.tr("Yes")

    # --- the list ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.search.now()

    def _query(self):
        backend, text = self.console.backend, self.search_edit.text()
        return lambda: backend.staff(text)

    def _show_rows(self, rows) -> None:
        selected = self.table.selected()
        self.table.set_rows(rows)
        self.count_label.setText(self.tr("%1 account(s)").replace("%1", str(len(rows))))
        if selected is not None:
            self.table.select_where(lambda r: r.id == selected.id)
        self.loaded = True
        self._selection_changed()

    def _failed(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="loading the staff").full())

    def usernames(self) -> list[str]:
        return [r.username for r in self.table.rows()]

    def select_user(self, username: str) -> bool:
        return self.table.select_where(lambda r: r.username == username)

    def _selection_changed(self, *_args) -> None:
        row = self.table.selected()
        for button in (self.edit_button, self.active_button, self.password_button):
            button.setEnabled(row is not None)
        self.active_button.setText(
            self.tr("Enable") if row is not None and not row.active else self.tr("Disable")
        )

    # --- writes --------------------------------------------------------------------------------

    def open_new_form(self) -> StaffForm:
        return self._show(StaffForm(self.console, self.reference, None, self))

    def edit_selected(self) -> StaffForm | None:
        row = self.table.selected()
        return (
            None if row is None else self._show(StaffForm(self.console, self.reference, row, self))
        )

    def reset_password_of_selected(self) -> PasswordDialog | None:
        row = self.table.selected()
        if row is None:
            return None
        dialog = PasswordDialog(self.console, row, self)
        dialog.accepted.connect(
            lambda: self.status.setText(
                self.tr("%1 has a new password, to be changed at the next log-in.").replace(
                    "%1", row.username
                )
            )
        )
        return self._show(dialog)

    def _show(self, dialog: QDialog) -> QDialog:
        if self.form is not None:
            self.form.close()
        self.form = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "form", None))
        if isinstance(dialog, StaffForm):
            dialog.saved.connect(self._written)
        dialog.open()
        return dialog

    def toggle_active(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        user_id, active = row.id, not row.active
        self.status.setText(self.tr("Saving…"))
        self.console.operations.run(
            lambda b: b.set_user_active(user_id, active),
            lambda _id: self._written(),
            self._write_failed,
            owner=self,
        )

    def _written(self, *_args) -> None:
        self.status.setText(self.tr("Saved."))
        self.reload()
        self.changed.emit()

    def _write_failed(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="changing an account").full())

    # --- import --------------------------------------------------------------------------------

    def open_import(self) -> TableImportDialog:
        dialog = TableImportDialog(
            self.console,
            self.tr("Import staff"),
            lambda backend, path, _progress: backend.import_staff(path),
            self._import_summary,
            self,
            hint=self.tr(
                "Columns: 用户名, 姓名, 角色, 中心 (division code or name), 部门, 电话, 网格, "
                "初始密码. New user names are created, known ones updated (never their password)."
            ),
            progress=False,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.passwords_button = dialog.add_button(
            self.tr("Save the first passwords…"), self.choose_passwords_file
        )
        dialog.imported.connect(self._imported)
        dialog.destroyed.connect(lambda *_: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _import_summary(self, result: StaffImportResult) -> str:
        text = (
            self.tr("Imported: %1 account(s) created, %2 updated.")
            .replace("%1", str(result.created))
            .replace("%2", str(result.updated))
        )
        if result.passwords:
            text += " " + self.tr(
                "%1 new account(s) got a generated first password: save them to a file now "
                "to hand them over (they are shown nowhere else)."
            ).replace("%1", str(len(result.passwords)))
        return text

    def _imported(self, result: StaffImportResult) -> None:
        self.pending_passwords = result.passwords
        if result.passwords and self.import_dialog is not None:
            self.passwords_button.show()
        self._written()

    def choose_passwords_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the first passwords"), "first-passwords.csv", "CSV (*.csv)"
        )
        if path:
            self.save_passwords(path)

    def save_passwords(self, path: Path | str) -> int:
        """Write the generated first passwords (用户名,初始密码) and forget them here."""
        path = Path(path)
        # readable by this user only (first passwords), text cells as text (tabular.csv_row)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(path, 0o600)  # an existing file keeps its mode on O_TRUNC
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["用户名", "初始密码"])
            writer.writerows(csv_row(line) for line in self.pending_passwords)
        count = len(self.pending_passwords)
        self.pending_passwords = ()
        message = (
            self.tr("Wrote %1 first password(s) to %2.")
            .replace("%1", str(count))
            .replace("%2", path.name)
        )
        self.status.setText(message)
        if self.import_dialog is not None:
            self.import_dialog.status.setText(message)
            self.passwords_button.hide()
        return count
