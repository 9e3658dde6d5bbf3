"""系统管理: the administrator's window for setting up and keeping the center — units (辖区),
departments (部门), staff (人员), the grids' people (网格人员), the list of matters (事项清单)
and the operation log (操作日志).

Everything goes through the backend (``console.backend`` for reads in workers, the console's
one writer for changes); every check is the core's, and a refusal shows the core's words in
the form that asked. ``AdminReference`` holds what several tabs and forms choose from (units
with their centers, departments, grids with their people, staff), read in one worker and read
again after a change.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandcenter.access.oplog import OperationKind
from commandcenter.domain.enums import AdminLevel
from ui.admin.centers import DepartmentsTab, UnitsTab
from ui.admin.grid_people import GridPeopleTab
from ui.admin.matters import MattersTab
from ui.admin.staff import StaffTab
from ui.admin.tables import Column, RowTable, Search, lay_out_tab
from ui.common.errors import describe
from ui.common.labels import format_datetime, label
from ui.common.tasks import run_in_background


class AdminReference(QObject):
    """Units, departments, grids' people and staff of the jurisdiction (``loaded`` each time
    they arrive)."""

    loaded = Signal()
    failed = Signal(object)

    def __init__(self, backend, parent=None):
        super().__init__(parent)
        self.backend = backend
        self.units, self.departments, self.grids, self.staff = [], [], [], []
        self.is_loaded = False

    def reload(self) -> None:
        backend = self.backend

        def read():
            return backend.units(), backend.departments(), backend.grid_people(), backend.staff()

        run_in_background(read, self._arrived, self.failed.emit, owner=self)

    def _arrived(self, result) -> None:
        self.units, self.departments, self.grids, self.staff = (list(r) for r in result)
        self.is_loaded = True
        self.loaded.emit()

    def centers(self) -> list[tuple[int, str]]:
        return [(u.center_id, u.center_name) for u in self.units if u.center_id is not None]

    def departments_of(self, center_id: int | None) -> list:
        return [d for d in self.departments if d.center_id == center_id]

    def _unit_of_center(self, center_id):
        return next((u for u in self.units if u.center_id == center_id), None)

    def grids_of_center(self, center_id: int | None) -> list:
        """The grids in the center's unit and below it."""
        unit = self._unit_of_center(center_id)
        if unit is None:
            return list(self.grids)
        below, frontier = {unit.id}, [unit.id]
        while frontier:
            parent = frontier.pop()
            for child in self.units:
                if child.parent_id == parent and child.id not in below:
                    below.add(child.id)
                    frontier.append(child.id)
        names = {u.name for u in self.units if u.id in below and u.level is AdminLevel.COMMUNITY}
        return [g for g in self.grids if g.community_name in names]

    def center_ids_for_community(self, community_name: str) -> set[int]:
        """The centers whose staff may work on a community's grids: its own and those above."""
        by_id = {u.id: u for u in self.units}
        unit = next(
            (u for u in self.units if u.name == community_name and u.level is AdminLevel.COMMUNITY),
            None,
        )
        if unit is None:
            return {u.center_id for u in self.units if u.center_id is not None}
        centers = set()
        while unit is not None:
            if unit.center_id is not None:
                centers.add(unit.center_id)
            unit = by_id.get(unit.parent_id)
        return centers


class OperationLogTab(QWidget):
    """The newest lines first, searched as the administrator types, by action."""

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("operationLogTab")
        self.console = console
        self.loaded = False
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search user, target, detail or reason"))
        self.search_edit.setClearButtonEnabled(True)
        self.action_combo = QComboBox(self)
        self.action_combo.addItem(self.tr("All actions"), None)
        for kind in OperationKind:
            self.action_combo.addItem(label(kind), kind.value)
        self.count_label = QLabel(self)
        self.table = RowTable(
            [
                Column(self.tr("Time"), lambda r: format_datetime(r.at, seconds=True), 150),
                Column(self.tr("User"), lambda r: r.username, 110),
                Column(self.tr("Center"), lambda r: r.center_name, 200),
                Column(self.tr("Action"), lambda r: label(r.action), 120),
                Column(self.tr("Target"), lambda r: r.target, 200),
                Column(self.tr("Detail"), lambda r: r.detail, 260),
                Column(self.tr("Reason"), lambda r: r.reason),
            ],
            self,
            name="operationLogTable",
        )
        self.search = Search(self._query, self)
        self.search.done.connect(self._show)
        self.search.failed.connect(
            lambda e: self.count_label.setText(describe(e, doing="reading the log").text)
        )
        self.search_edit.textChanged.connect(self.search.request)
        self.action_combo.currentIndexChanged.connect(self.search.now)
        lay_out_tab(self, self.table, top=(self.search_edit, self.action_combo, self.count_label))

    def reload(self) -> None:
        self.search.now()

    def _query(self):
        backend = self.console.backend
        text, action = self.search_edit.text(), self.action_combo.currentData()
        return lambda: backend.operation_log(text, action)

    def _show(self, lines) -> None:
        self.table.set_rows(lines)
        self.loaded = True
        self.count_label.setText(self.tr("%1 line(s)").replace("%1", str(len(lines))))

    def lines(self) -> list:
        return self.table.rows()


class AdministrationDialog(QDialog):
    """The six tabs; ``is_loaded()`` once every tab has its first rows."""

    changed = Signal()  # after any write

    TABS = ("units", "departments", "staff", "grid_people", "matters", "log")

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("administrationDialog")
        self.setWindowTitle(self.tr("Administration"))
        self.console = console
        self.reference = AdminReference(console.backend, self)
        self.units = UnitsTab(console, self.reference, self)
        self.departments = DepartmentsTab(console, self.reference, self)
        self.staff = StaffTab(console, self.reference, self)
        self.grid_people = GridPeopleTab(console, self.reference, self)
        self.matters = MattersTab(console, self)
        self.log = OperationLogTab(console, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("administrationTabs")
        for widget, name in (
            (self.units, self.tr("Units")),
            (self.departments, self.tr("Departments")),
            (self.staff, self.tr("Staff")),
            (self.grid_people, self.tr("Grid people")),
            (self.matters, self.tr("Matters")),
            (self.log, self.tr("Operation log")),
        ):
            self.tabs.addTab(widget, name)
            if hasattr(widget, "changed"):
                widget.changed.connect(self._written)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.reference.failed.connect(
            lambda e: self.status.setText(describe(e, doing="loading the administration").full())
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1280, 760)
        for button in self.findChildren(QPushButton):  # Enter in a search field stays there
            button.setAutoDefault(False)
        self.reload()

    def reload(self) -> None:
        self.reference.reload()
        self.staff.reload()
        self.matters.reload()
        self.log.reload()

    def is_loaded(self) -> bool:
        return (
            self.reference.is_loaded
            and self.staff.loaded
            and self.matters.loaded
            and self.log.loaded
        )

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(self.TABS.index(key))

    def _written(self) -> None:
        self.reference.reload()
        self.log.reload()  # every change writes a line
        self.changed.emit()
