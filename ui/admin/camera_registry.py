"""The camera registry (issue 5): the jurisdiction's cameras in a table, a form to add or edit
one, a "Test stream" button, and CSV import/export.

Every check is the core's (``commandcenter.camera_registry``): the form sends what was typed,
in a worker thread, and shows the core's problems when it refuses. URLs are shown without
credentials; the password field is never filled in (a blank one keeps the stored password),
and when an edited camera is tested with a blank password the worker reads the stored one
itself, so a password never reaches a widget. ``changed`` is emitted after every write so the
main window can reload its cameras.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from commandcenter.cameras import registry as camera_registry
from commandcenter.cameras.rows import CameraRow
from commandcenter.cameras.urls import display_url
from commandcenter.domain.enums import Role, StreamTransport
from commandcenter.errors import ImportRejected
from ui.admin.forms import FormDialog
from ui.common.errors import describe
from ui.common.tasks import run_in_background

TEST_TIMEOUT_S = 3.0
_ROOT = QModelIndex()
(COL_DEVICE, COL_NAME, COL_GRID, COL_URL, COL_ENABLED) = range(5)


class CameraTableModel(QAbstractTableModel):
    """``CameraRow``s; the URL column shows no credentials."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[CameraRow] = []
        self._headers = (
            self.tr("Device ID"),
            self.tr("Name"),
            self.tr("Grid"),
            self.tr("Stream URL"),
            self.tr("Enabled"),
        )

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def camera_at(self, row: int) -> CameraRow:
        return self._rows[row]

    def row_of_device(self, device_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.device_id == device_id), None)

    def rowCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=_ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DEVICE:
                return row.device_id
            if column == COL_NAME:
                return row.name
            if column == COL_GRID:
                return row.grid_name or self.tr("(no grid)")
            if column == COL_URL:
                return display_url(row.main_url)
            if column == COL_ENABLED:
                text = self.tr("Yes") if row.enabled else self.tr("No")
                key_site = self.tr("key site")
                return f"{text} · {key_site}" if row.key_site else text
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_URL and row.sub_url:
            return self.tr("Sub-stream: %1").replace("%1", display_url(row.sub_url))
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class CameraForm(FormDialog):
    """Add (``stored`` None) or edit one camera. ``state``: "idle", "saving", "rejected",
    "failed" or "saved"; ``test_state``: "idle", "testing" or the last verdict. ``saved``
    gives the camera's id."""

    doing = "saving a camera"

    def __init__(self, console, stored=None, parent=None):
        super().__init__(console, parent, name="cameraForm", status_name="cameraFormStatus")
        self.actor, self.stored = console.actor, stored
        self.camera_id = stored.id if stored is not None else None
        self.test_state = "idle"
        self.last_verdict: camera_registry.UrlVerdict | None = None
        self.setWindowTitle(self.tr("Edit camera") if stored else self.tr("Add camera"))

        self.device_edit = QLineEdit(self)
        self.device_edit.setPlaceholderText(self.tr("20 digits, e.g. 32120200001311000001"))
        self.device_edit.setMaxLength(40)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(100)
        self.main_url_edit = QLineEdit(self)
        self.main_url_edit.setPlaceholderText("rtsp://192.168.1.64:554/Streaming/Channels/101")
        self.sub_url_edit = QLineEdit(self)
        self.sub_url_edit.setPlaceholderText(self.tr("Optional: the low-resolution stream"))
        self.lon_edit = QLineEdit(self)
        self.lon_edit.setPlaceholderText(self.tr("Longitude, WGS-84, e.g. 119.9021"))
        self.lat_edit = QLineEdit(self)
        self.lat_edit.setPlaceholderText(self.tr("Latitude, WGS-84, e.g. 32.4853"))
        self.grid_edit = QLineEdit(self)
        self.grid_edit.setPlaceholderText(self.tr("Optional: found from the point"))
        self.enabled_box = QCheckBox(self.tr("Enabled"), self)
        self.enabled_box.setChecked(True)
        self.key_site_box = QCheckBox(self.tr("Key site (重点部位): offline is an alert"), self)
        self.transport_combo = QComboBox(self)
        self.transport_combo.addItem("TCP", StreamTransport.TCP.value)
        self.transport_combo.addItem("UDP", StreamTransport.UDP.value)
        self.username_edit = QLineEdit(self)
        self.username_edit.setMaxLength(100)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("cameraPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(200)
        self.forget_box = QCheckBox(self.tr("Remove the stored user name and password"), self)
        self.forget_box.hide()
        if stored is not None and stored.has_credentials:
            self.username_edit.setPlaceholderText(self.tr("Stored; leave blank to keep it"))
            self.password_edit.setPlaceholderText(self.tr("Stored; leave blank to keep it"))
            self.forget_box.show()
        else:
            self.username_edit.setPlaceholderText(self.tr("Optional"))
            self.password_edit.setPlaceholderText(self.tr("Optional"))

        self.test_button = QPushButton(self.tr("Test stream"), self)
        self.test_button.clicked.connect(self.test_stream)
        self.verdict_label = QLabel(self)
        self.verdict_label.setObjectName("cameraVerdict")
        self.verdict_label.setWordWrap(True)
        self.add_problems_box("cameraProblems", 110)

        form = QFormLayout()
        form.addRow(self.tr("Device ID (GB/T 28181)"), self.device_edit)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Main stream URL"), self.main_url_edit)
        form.addRow(self.tr("Sub-stream URL"), self.sub_url_edit)
        form.addRow(self.tr("Longitude"), self.lon_edit)
        form.addRow(self.tr("Latitude"), self.lat_edit)
        form.addRow(self.tr("Grid code"), self.grid_edit)
        form.addRow(self.tr("Transport"), self.transport_combo)
        form.addRow("", self.enabled_box)
        form.addRow("", self.key_site_box)
        form.addRow(self.tr("User name"), self.username_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow("", self.forget_box)
        tester = QHBoxLayout()
        tester.addWidget(self.test_button)
        tester.addWidget(self.verdict_label, 1)

        self.lay_out(form, tester, below=[self.problems])
        self.resize(560, self.sizeHint().height())
        if stored is not None:
            self._fill(stored.data)

    def _fill(self, data: camera_registry.CameraInput) -> None:
        self.device_edit.setText(data.device_id)
        self.name_edit.setText(data.name)
        self.main_url_edit.setText(display_url(data.main_url))
        self.sub_url_edit.setText(display_url(data.sub_url) if data.sub_url else "")
        self.lon_edit.setText("" if data.lon is None else f"{float(data.lon):.7f}")
        self.lat_edit.setText("" if data.lat is None else f"{float(data.lat):.7f}")
        self.grid_edit.setText(data.grid_code or "")
        self.enabled_box.setChecked(bool(data.enabled))
        self.key_site_box.setChecked(bool(data.key_site))
        transport = StreamTransport(data.transport or StreamTransport.TCP).value
        self.transport_combo.setCurrentIndex(self.transport_combo.findData(transport))
        # User name and password are never shown: blank keeps what is stored.

    def camera_input(self) -> camera_registry.CameraInput:
        return camera_registry.CameraInput(
            device_id=self.device_edit.text().strip(),
            name=self.name_edit.text().strip(),
            main_url=self.main_url_edit.text().strip(),
            sub_url=self.sub_url_edit.text().strip() or None,
            lon=self.lon_edit.text().strip(),
            lat=self.lat_edit.text().strip(),
            grid_code=self.grid_edit.text().strip() or None,
            enabled=self.enabled_box.isChecked(),
            key_site=self.key_site_box.isChecked(),
            transport=self.transport_combo.currentData(),
            username=self.username_edit.text().strip() or None,
            password=self.password_edit.text() or None,
            forget_credentials=self.forget_box.isChecked(),
        )

    # --- test the stream ------------------------------------------------------------------

    def verdict_text(self, verdict: camera_registry.UrlVerdict) -> str:
        words = {
            "live": self.tr("Live: the camera answers"),
            "offline": self.tr("Offline: nothing answers at this address"),
            "unauthorised": self.tr("Log-in refused: check the user name and password"),
            "bad_url": self.tr("Wrong address: check the URL"),
        }
        return f"{words.get(verdict.verdict, verdict.verdict)} ({verdict.detail})"

    def test_stream(self) -> None:
        """Test the main URL with the typed (else the stored) credentials, in a worker."""
        if self.test_state == "testing":
            return
        data = self.camera_input()
        camera_id = None if data.forget_credentials else self.camera_id
        backend = self.console.backend

        def work() -> camera_registry.UrlVerdict:  # in the worker: no widgets here
            return backend.test_camera_url(data, camera_id, timeout=TEST_TIMEOUT_S)

        self.test_state = "testing"
        self.test_button.setEnabled(False)
        self.verdict_label.setText(self.tr("Testing…"))
        run_in_background(
            work, self._tested, self._test_failed, pool_name="camera-test", owner=self
        )

    def _tested(self, verdict: camera_registry.UrlVerdict) -> None:
        self.last_verdict = verdict
        self.test_state = verdict.verdict
        self.test_button.setEnabled(True)
        self.verdict_label.setText(self.verdict_text(verdict))

    def _test_failed(self, error: Exception) -> None:
        self.test_state = "failed"
        self.test_button.setEnabled(True)
        self.verdict_label.setText(describe(error, doing="testing a camera URL").full())

    # --- save ------------------------------------------------------------------------------

    def write(self):
        data, camera_id = self.camera_input(), self.camera_id

        def work(backend):
            if camera_id is None:
                return backend.add_camera(data)
            return backend.update_camera(camera_id, data)

        return work

    def was_saved(self, camera_id: int) -> None:
        self.camera_id = camera_id
        self.password_edit.clear()
        self.status.setText(self.tr("Saved."))

    def refused(self, error: Exception) -> None:
        if isinstance(error, camera_registry.CameraRejected):
            self.show_problems(
                error.problems, self.tr("Not saved: correct what is listed and save again.")
            )
            return
        super().refused(error)
        self.set_state("failed")

    def reject(self) -> None:
        if self.state != "saving":
            super().reject()


class CameraRegistryDialog(QDialog):
    """The jurisdiction's cameras; Add / Edit / Import CSV / Export CSV. ``import_state``:
    "idle", "running", "done", "rejected" or "failed"; ``form``: the open form, if any."""

    changed = Signal()  # after any write (every screen learns of it from the feed)

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("cameraRegistryDialog")
        self.setWindowTitle(self.tr("Camera registry"))
        self.console, self.actor = console, console.actor
        self.may_write = self.actor.role is Role.ADMINISTRATOR  # the core checks again
        self.import_state = "idle"
        self.loaded = False
        self.form: CameraForm | None = None

        self.model = CameraTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by ID, name, grid or URL"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setObjectName("cameraTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DEVICE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_URL, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.add_button = QPushButton(self.tr("Add…"), self)
        self.add_button.clicked.connect(self.open_add_form)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.import_button = QPushButton(self.tr("Import CSV…"), self)
        self.import_button.clicked.connect(self.choose_import)
        self.replace_box = QCheckBox(self.tr("Update cameras already registered"), self)
        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.export_button.clicked.connect(self.choose_export)
        for widget in (self.add_button, self.edit_button, self.import_button, self.replace_box):
            widget.setEnabled(self.may_write)
            if not self.may_write:
                widget.setToolTip(self.tr("Only an administrator may change cameras."))
        self.status = QLabel(self)
        self.status.setObjectName("cameraRegistryStatus")
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("cameraImportReport")
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        actions = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.import_button, self.replace_box):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 3)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.resize(960, 600)
        self.reload()

    # --- the list ----------------------------------------------------------------------------

    def reload(self) -> None:
        backend = self.console.backend
        run_in_background(backend.camera_list, self._show_rows, self._load_failed, owner=self)

    def _show_rows(self, rows) -> None:
        self.model.set_rows(rows)
        self.loaded = True
        if self.import_state in ("idle", "running"):
            self.status.setText(self.tr("%1 camera(s)").replace("%1", str(len(rows))))

    def _load_failed(self, error: Exception) -> None:
        self.status.setText(describe(error, doing="loading the cameras").full())

    def device_ids(self) -> list[str]:
        return [self.model.camera_at(i).device_id for i in range(self.model.rowCount())]

    def selected_camera_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.data(rows[0], Qt.ItemDataRole.UserRole)

    # --- forms -------------------------------------------------------------------------------

    def open_add_form(self) -> CameraForm:
        return self._show_form(CameraForm(self.console, None, self))

    def edit_selected(self) -> None:
        camera_id = self.selected_camera_id()
        if camera_id is not None and self.may_write:
            self.open_edit_form(camera_id)

    def open_edit_form(self, camera_id: int) -> None:
        """Load the camera in a worker, then show the form (as ``self.form``)."""
        backend, console = self.console.backend, self.console

        def show(stored) -> None:
            self._show_form(CameraForm(console, stored, self))

        run_in_background(
            lambda: backend.stored_camera(camera_id), show, self._load_failed, owner=self
        )

    def _show_form(self, form: CameraForm) -> CameraForm:
        if self.form is not None:
            self.form.close()
        self.form = form
        form.saved.connect(self._written)
        form.show()
        return form

    def _written(self, *_args) -> None:
        self.reload()
        self.changed.emit()

    # --- CSV ---------------------------------------------------------------------------------

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import cameras"), "", self.tr("CSV files (*.csv);;All files (*)")
        )
        if path:
            self.start_import(path, replace=self.replace_box.isChecked())

    def start_import(self, path: Path | str, *, replace: bool = False) -> None:
        """Import a CSV file in a worker; returns at once (ignored while one runs)."""
        if self.import_state == "running":
            return
        path = Path(path)
        self.replace_box.setChecked(replace)
        self._set_import_state("running")
        self.report.clear()
        self.report.hide()
        self.status.setText(self.tr("Importing %1…").replace("%1", path.name))
        self.console.operations.run(
            lambda b: b.import_cameras_csv(path, replace=replace),
            self._imported,
            self._import_failed,
            owner=self,
        )

    def _imported(self, result: camera_registry.CameraImportResult) -> None:
        text = self.tr("Imported %1 camera(s) from %2: %3 new, %4 updated.")
        for key, value in (
            ("%1", result.rows),
            ("%2", result.path.name),
            ("%3", result.inserted),
            ("%4", result.updated),
        ):
            text = text.replace(key, str(value))
        self.status.setText(text)
        self._set_import_state("done")
        self._written()

    def _import_failed(self, error: Exception) -> None:
        if isinstance(error, ImportRejected):
            self.report.setPlainText(error.report(limit=len(error.problems)))
            self.report.show()
            self.status.setText(
                self.tr("Nothing was imported. Correct the file and import it again.")
            )
            self._set_import_state("rejected")
            return
        message = describe(error, doing="importing cameras")
        self.status.setText(self.tr("Nothing was imported: %1").replace("%1", message.full()))
        self._set_import_state("failed")

    def report_text(self) -> str:
        return self.report.toPlainText()

    def _set_import_state(self, state: str) -> None:
        self.import_state = state
        idle = state != "running"
        for widget in (self.import_button, self.replace_box):
            widget.setEnabled(idle and self.may_write)

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export cameras"), "cameras.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.start_export(path)

    def start_export(self, path: Path | str) -> None:
        path = Path(path)
        backend = self.console.backend

        def work() -> int:
            return backend.export_cameras_csv(path)

        def done(count: int) -> None:
            self.status.setText(
                self.tr("Wrote %1 camera(s) to %2 (without user names or passwords).")
                .replace("%1", str(count))
                .replace("%2", path.name)
            )

        def failed(error: Exception) -> None:
            self.status.setText(describe(error, doing="exporting cameras").full())

        run_in_background(work, done, failed, owner=self)

    def reject(self) -> None:
        if self.import_state != "running":
            super().reject()
