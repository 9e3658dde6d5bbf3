"""The console's main window: jurisdiction tree on the left, the work area (map, case board,
video wall, figures) in the middle, details on the right, the alert strip on top and the status
bar below. The same shell for every role; the actor's jurisdiction decides what is in it.

The window holds one ``Console`` (``ui.data.console``): the backend, the one writer, the one
case store and the change feed. Every view is given it and follows its signals; the window
itself only lays the views out and routes selections between them.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QToolButton,
)

from commandcenter.cases.export import export_cases_xlsx
from commandcenter.domain.enums import Role
from commandcenter.errors import CommandCenterError
from commandcenter.jurisdiction.tree import UnitNode
from commandcenter.video import StreamRegistry
from ui.admin.administration import AdministrationDialog
from ui.admin.basedata_browser import BaseDataBrowser, sees_base_data
from ui.admin.camera_registry import CameraRegistryDialog
from ui.admin.grid_import import GridImportDialog
from ui.board.case_list import CaseBoard
from ui.board.columns import BoardTab, BoardView
from ui.case.detail import CaseDetailView
from ui.case.new_case import NewCaseDialog
from ui.common import i18n
from ui.common.errors import describe
from ui.common.labels import format_datetime, label
from ui.common.sound import ConsoleSound
from ui.common.tasks import run_in_background
from ui.data.console import Console
from ui.figures.monthly_report import write_monthly_report_pdf
from ui.map.basemap import open_basemap, save_basemap, saved_basemap
from ui.map.panel import MapPanel
from ui.shell.alert_strip import AlertStrip, Notice, alert_notice
from ui.shell.deferred_page import AfterNextPaint, DeferredPage
from ui.shell.detach import ViewDetacher
from ui.shell.details_panel import DetailsPanel
from ui.shell.tree_panel import JurisdictionTree
from ui.video.wall import VideoWall
from ui.video.wall_actions import WallActions

if TYPE_CHECKING:
    from ui.figures.counters import FiguresView
    from ui.figures.performance import KpiView

VIEWS = ("map", "board", "wall", "figures", "kpi", "case")
DETAILS_PICTURE_INTERVAL_S = 0.25  # the selected camera's picture in the details panel


class MainWindow(QMainWindow):
    ready = Signal()  # the first picture of the jurisdiction has reached every view

    def __init__(self, backend, parent=None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.backend, self.actor = backend, backend.actor
        self.console = Console(backend, self)
        self.is_ready = False

        self.setWindowTitle(
            self.tr("Grid Command Center — %1").replace("%1", self.actor.center_name)
        )
        self.resize(1600, 1000)
        self.setMinimumSize(QSize(1024, 640))
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks)

        # Centre: the views, all over the one console.
        self.map_panel = MapPanel(self, search=self._search_places)
        self.map_view = self.map_panel.map
        self.board = CaseBoard(self.console.store, self)
        self.board_view = BoardView(self.console, self)
        self.board_tab = BoardTab(self.board_view, self.board, self)
        # The wall's decoding workers look a camera's credentials up themselves, in their own
        # thread: the window never holds a camera password.
        self.wall = VideoWall(self, registry=StreamRegistry(backend.stream_credentials()))
        self.wall_actions = WallActions(self.console, self.wall, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("workArea")
        self.tabs.setDocumentMode(True)
        # A camera dragged from the map over the "video wall" tab opens the wall to drop it.
        self.tabs.tabBar().setChangeCurrentOnDrag(True)
        self.tabs.tabBar().setAcceptDrops(True)
        self.tabs.addTab(self.map_panel, self.tr("Map"))
        self.tabs.addTab(self.board_tab, self.tr("Case board"))
        self.tabs.addTab(self.wall, self.tr("Video wall"))
        # Made when first shown or asked for, else just after the first map is painted.
        self._dashboard = None  # the newest counters, for the figures view once it is made
        self._figures_page = DeferredPage(self._make_figures, "figuresPage", self)
        self.tabs.addTab(self._figures_page, self.tr("Figures"))
        self._kpi_page = DeferredPage(self._make_kpi, "kpiPage", self)
        self.tabs.addTab(self._kpi_page, self.tr("Performance"))
        self.map_view.rendered.connect(self._make_deferred_pages)
        self.map_view.markersSettled.connect(self._make_deferred_pages)
        self.case_view = CaseDetailView(self.console, self)
        self.tabs.addTab(self.case_view, self.tr("Case"))
        for i in range(len(VIEWS)):
            self.tabs.setTabToolTip(i, f"Ctrl+{i + 1}")
        self.setCentralWidget(self.tabs)
        # Any view to a window of its own (another monitor) and back; remembered.
        self.detacher = ViewDetacher(self, self.tabs, VIEWS)
        self.detacher.changed.connect(self._on_detached_changed)
        self.tabs.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.tabBar().customContextMenuRequested.connect(self._tab_menu)
        self.detach_button = QToolButton(self.tabs)
        self.detach_button.setObjectName("detachButton")
        self.detach_button.setAutoRaise(True)
        self.detach_button.clicked.connect(self._toggle_current_detached)
        self.tabs.setCornerWidget(self.detach_button, Qt.Corner.TopRightCorner)

        # Left: jurisdiction tree.
        self.tree = JurisdictionTree(self)
        self.tree_dock = QDockWidget(self.tr("Jurisdiction"), self)
        self.tree_dock.setObjectName("treeDock")
        self.tree_dock.setWidget(self.tree)
        self.tree_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree_dock)

        # Right: details.
        self.details = DetailsPanel(self)
        self.details_dock = QDockWidget(self.tr("Details"), self)
        self.details_dock.setObjectName("detailsDock")
        self.details_dock.setWidget(self.details)
        self.details_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)
        self.resizeDocks([self.tree_dock, self.details_dock], [330, 340], Qt.Orientation.Horizontal)

        # Top: alert strip, always visible.
        self.alerts = AlertStrip(self)
        strip = QToolBar(self.tr("Alerts"), self)
        strip.setObjectName("alertBar")
        strip.setMovable(False)
        strip.setFloatable(False)
        strip.toggleViewAction().setEnabled(False)
        strip.addWidget(self.alerts)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, strip)

        self._docks_before_kpi: list[bool] | None = None
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self._on_detached_changed()

        self._details_picture_at = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._tick()

    # --- construction --------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.center_label = QLabel(self.actor.center_name, self)
        self.center_label.setObjectName("statusCenter")
        self.user_label = QLabel(
            self.tr("%1 (%2)")
            .replace("%1", self.actor.display_name)
            .replace("%2", label(self.actor.role)),
            self,
        )
        self.user_label.setObjectName("statusUser")
        self.database_label = QLabel(self)
        self.database_label.setObjectName("statusDatabase")
        self.database_label.setToolTip(self.backend.display_url)
        self._show_database_state(None)
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("statusClock")
        bar.addWidget(self.center_label)
        bar.addWidget(self.user_label)
        bar.addWidget(self.database_label, 1)
        bar.addPermanentWidget(self.clock_label)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        console = menu.addMenu(self.tr("&Console"))
        refresh = QAction(self.tr("Refresh now"), self)
        refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        refresh.triggered.connect(self.console.feed.reload)
        console.addAction(refresh)
        new_case = QAction(self.tr("New case…"), self)
        new_case.setShortcut(QKeySequence.StandardKey.New)
        new_case.triggered.connect(self.pick_place_for_new_case)
        export = QAction(self.tr("Export the case list to Excel…"), self)
        export.triggered.connect(self.export_case_list)
        report = QAction(self.tr("Monthly report (PDF)…"), self)
        report.triggered.connect(self.export_monthly_report)
        # A display account changes nothing, exports included (the core refuses it anyway).
        if self.actor.may_write:
            console.addActions([new_case, export, report])
        registry = QAction(self.tr("Camera registry…"), self)
        registry.triggered.connect(self.open_camera_registry)
        console.addAction(registry)
        # Only for the roles the core would answer (it checks again in every call).
        self.basedata_action = QAction(self.tr("Base data…"), self)
        self.basedata_action.triggered.connect(self.open_basedata)
        if sees_base_data(self.actor.role):
            console.addAction(self.basedata_action)
        self.administration_action = QAction(self.tr("Administration…"), self)
        self.administration_action.triggered.connect(self.open_administration)
        if self.actor.role is Role.ADMINISTRATOR:
            console.addAction(self.administration_action)
        # The sounds of alerts and of reports from a phone or the 12345 hotline: one switch,
        # here and on the alert strip, remembered.
        self.sound_action = QAction(self.tr("Sounds for alerts and new reports"), self)
        self.sound_action.setCheckable(True)
        self.sound = ConsoleSound(self)
        self.alerts.sound_button.setCheckable(True)
        self.alerts.sound_button.toggled.connect(self.sound_action.setChecked)
        self.sound_action.toggled.connect(self._set_sound)
        sound_on = QSettings().value("alerts/report_sound", True, type=bool)
        self.sound_action.setChecked(sound_on)
        self._set_sound(sound_on)
        console.addAction(self.sound_action)
        console.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        console.addAction(quit_action)

        view = menu.addMenu(self.tr("&View"))
        names = [
            self.tr("Map"),
            self.tr("Case board"),
            self.tr("Video wall"),
            self.tr("Figures"),
            self.tr("Performance"),
            self.tr("Case"),
        ]
        for i, (key, name) in enumerate(zip(VIEWS, names, strict=True)):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, k=key: self.show_view(k))
            view.addAction(action)
            self.addAction(action)
        view.addSeparator()
        for key, name, shortcut in (
            ("reported", self.tr("New reports awaiting filing"), Qt.Key.Key_F6),
            ("near_due", self.tr("Near due cases"), Qt.Key.Key_F7),
            ("overdue", self.tr("Overdue cases"), Qt.Key.Key_F8),
        ):
            action = QAction(name, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, k=key: self.show_alert(k))
            view.addAction(action)
        show_all = QAction(self.tr("All open cases"), self)
        show_all.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        show_all.triggered.connect(self._show_all_cases)
        view.addAction(show_all)
        view.addSeparator()
        self.detach_action = QAction(self.tr("Detach the current view to its own window"), self)
        self.detach_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.detach_action.triggered.connect(lambda: self.detach_view(self.current_view()))
        view.addAction(self.detach_action)
        self.attach_all_action = QAction(self.tr("Attach all views back"), self)
        self.attach_all_action.triggered.connect(self.attach_all_views)
        view.addAction(self.attach_all_action)
        view.addSeparator()
        view.addAction(self.tree_dock.toggleViewAction())
        view.addAction(self.details_dock.toggleViewAction())

        self._build_map_menu(menu)

        language = menu.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        current = i18n.saved_language()
        for code, name in (("zh_CN", "中文（简体）"), ("en", "English")):
            action = QAction(name, self, checkable=True)
            action.setChecked(code == current)
            action.triggered.connect(lambda _=False, c=code: self._choose_language(c))
            group.addAction(action)
            language.addAction(action)

    def _build_map_menu(self, menu) -> None:
        map_menu = menu.addMenu(self.tr("&Map"))
        find = QAction(self.tr("Find a place…"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.show_view("map"), self.map_panel.focus_search()))
        map_menu.addAction(find)
        fit = QAction(self.tr("Show my whole jurisdiction"), self)
        fit.setShortcut(QKeySequence("Ctrl+Home"))
        fit.triggered.connect(lambda: (self.show_view("map"), self.map_view.fit_jurisdiction()))
        map_menu.addAction(fit)
        self.addAction(fit)
        map_menu.addSeparator()
        choose = QAction(self.tr("Basemap tiles (MBTiles file or tile folder)…"), self)
        choose.triggered.connect(self._choose_basemap)
        map_menu.addAction(choose)
        self.basemap_gcj02_action = QAction(self.tr("Basemap tiles are in GCJ-02"), self)
        self.basemap_gcj02_action.setCheckable(True)
        self.basemap_gcj02_action.setChecked(saved_basemap()[1])
        self.basemap_gcj02_action.toggled.connect(
            lambda on: self.use_basemap(saved_basemap()[0], on)
        )
        map_menu.addAction(self.basemap_gcj02_action)
        no_basemap = QAction(self.tr("No basemap (vector background)"), self)
        no_basemap.triggered.connect(lambda: self.use_basemap("", False))
        map_menu.addAction(no_basemap)
        map_menu.addSeparator()
        self.import_action = QAction(self.tr("Import grid boundaries (GeoJSON, shapefile)…"), self)
        self.import_action.triggered.connect(self.open_grid_import)
        # The core refuses others too; the menu does not offer what would be refused.
        self.import_action.setEnabled(self.actor.role is Role.ADMINISTRATOR)
        map_menu.addAction(self.import_action)

    def _choose_basemap(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Basemap tiles"),
            "",
            self.tr("MBTiles (*.mbtiles);;Tile folder: pick any tile in it (*.png *.jpg *.jpeg)"),
        )
        if not path:
            return
        if not path.lower().endswith(".mbtiles"):
            # A tile of an XYZ folder was picked: the folder is three levels up ({z}/{x}/{y}).
            path = str(Path(path).parents[2])
        self.use_basemap(path, self.basemap_gcj02_action.isChecked())

    def use_basemap(self, path: str, gcj02: bool) -> None:
        """Open a basemap in a worker and put it under the grids ("" removes it)."""
        save_basemap(path, gcj02)
        if not path:
            self.map_view.set_basemap(None)
            return
        run_in_background(
            lambda: open_basemap(path, gcj02),
            self.map_view.set_basemap,
            self._on_basemap_failed,
            owner=self,
        )

    def _on_basemap_failed(self, error: Exception) -> None:
        """Not a modal box: the console keeps running on the vector background."""
        self.map_view.set_basemap(None)
        self.statusBar().showMessage(
            self.tr("Basemap not shown: %1").replace("%1", str(error)), 20_000
        )

    def export_case_list(self, path: str | None = None) -> None:
        """The board's cases as shown (filter and order) to an Excel file, in a worker."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the case list"), "案件清单.xlsx", "Excel (*.xlsx)"
            )
        if not path:
            return
        shown = self.board_view if self.board_tab.mode == "board" else self.board
        rows, title = shown.shown_rows(), shown.filter_description()
        now, backend = self.console.now(), self.backend

        def write():
            written = export_cases_xlsx(rows, path, now=now, title=title)
            backend.record_export(f"case list {written.name}", len(rows))  # the operation log
            return written

        run_in_background(
            write,
            lambda written: self.statusBar().showMessage(
                self.tr("%1 cases written to %2")
                .replace("%1", str(len(rows)))
                .replace("%2", str(written)),
                15_000,
            ),
            self._on_write_failed,
            owner=self,
        )

    def export_monthly_report(self, path: str | None = None, period: str | None = None) -> None:
        """The monthly report (月报) of the chosen month as a PDF, made in a worker."""
        today = self.console.now().date()
        period = period or (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Monthly report"), f"月报-{period}.pdf", "PDF (*.pdf)"
            )
        if not path:
            return
        backend = self.backend

        def write():
            written = write_monthly_report_pdf(backend.monthly_report(period), path)
            backend.record_export(f"monthly report {period}", 1)  # the operation log
            return written

        run_in_background(
            write,
            lambda written: self.statusBar().showMessage(
                self.tr("Monthly report written to %1").replace("%1", str(written)), 15_000
            ),
            self._on_write_failed,
            owner=self,
        )

    def open_camera_registry(self) -> CameraRegistryDialog:
        dialog = CameraRegistryDialog(self.console, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.camera_registry_dialog = dialog
        dialog.open()
        return dialog

    def open_administration(self) -> AdministrationDialog:
        dialog = AdministrationDialog(self.console, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.administration_dialog = dialog
        dialog.show()
        return dialog

    def open_basedata(self) -> BaseDataBrowser:
        dialog = BaseDataBrowser(self.console, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.basedata_browser = dialog
        dialog.show()
        return dialog

    def open_grid_import(self) -> GridImportDialog:
        dialog = GridImportDialog(self.console, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.grid_import_dialog = dialog
        dialog.open()
        return dialog

    def _on_write_failed(self, error: Exception) -> None:
        text = str(error) if isinstance(error, CommandCenterError) else ""
        message = describe(error, doing="saving") if not text else None
        self.statusBar().showMessage(text or f"{message.text} {message.hint}".strip(), 20_000)

    def _connect(self) -> None:
        console = self.console
        console.loaded.connect(self._on_loaded)
        console.treeChanged.connect(self._on_tree)
        console.casesChanged.connect(self._on_cases_changed)
        console.camerasChanged.connect(self._on_cameras)
        console.fieldWorkersChanged.connect(self.map_view.set_field_workers)
        console.newReports.connect(self._on_new_reports)
        console.alerted.connect(self._on_alerts)
        console.cameraStatusChanged.connect(self._on_cameras_checked)
        self.alerts.caseRequested.connect(self.open_case)
        self.alerts.cameraRequested.connect(self.open_camera)
        console.countsChanged.connect(self._on_counts)
        console.clockTicked.connect(self._on_clock_ticked)
        console.feed.failed.connect(self._on_load_failed)
        console.feed.checked.connect(self._on_checked)
        self.board_view.connect_console()
        self.wall_actions.camerasChecked.connect(console.set_camera_status)
        self.wall_actions.said.connect(self.statusBar().showMessage)
        self.tree.gridSelected.connect(self.select_grid)
        self.tree.unitSelected.connect(self.select_unit)
        self.map_view.gridSelected.connect(self.select_grid)
        self.map_view.caseSelected.connect(self.open_case)
        self.case_view.caseRequested.connect(self.open_case)
        self.case_view.cameraRequested.connect(self.show_camera_on_wall)
        self.details.openCaseRequested.connect(self.open_case)
        self.map_view.cameraSelected.connect(self.select_camera)
        self.map_view.newCaseRequested.connect(self.new_case_at)
        self.map_panel.placeChosen.connect(self._on_place_chosen)
        self.details.gridCasesRequested.connect(self.show_grid_cases)
        self.details.gridCamerasRequested.connect(self.show_grid_cameras)
        self.details.cameraOnWallRequested.connect(self.show_camera_on_wall)
        self.board.caseSelected.connect(self.select_case)
        self.board_view.caseSelected.connect(self.select_case)
        self.board_view.caseActivated.connect(self.open_case)
        self.wall.cameraSelected.connect(self.select_camera)
        self.alerts.alertClicked.connect(self.show_alert)
        self.details.caseRequested.connect(self.select_case)
        self.details.alertRequested.connect(self.show_alert)
        self.wall.frameReady.connect(self._on_frame)

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Load the picture once, then follow the change feed; start the clock."""
        path, gcj02 = saved_basemap()
        if path:
            self.use_basemap(path, gcj02)
        self.console.start()
        self.wall_actions.start()
        self._clock.start()
        # The views the officer had in windows of their own, where they were (not for a
        # window that is not shown on screen: a screenshot).
        if not self.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen):
            self.detacher.restore()

    def closeEvent(self, event) -> None:
        self.detacher.close_all()  # the layout remembered, every view back in its tab
        self.console.stop()
        self.wall_actions.stop()
        self._clock.stop()
        self.wall.shutdown()  # no decoding thread outlives the window
        super().closeEvent(event)

    # --- views ---------------------------------------------------------------------------------

    def show_view(self, name: str) -> None:
        """The view's tab, or its own window brought forward when it is detached."""
        if self.detacher.is_detached(name):
            self.detacher.show_window(name)
        else:
            self.tabs.setCurrentIndex(VIEWS.index(name))

    def detach_view(self, name: str):
        """The view to a window of its own (the same widget: it keeps working)."""
        return self.detacher.detach(name)

    def attach_view(self, name: str) -> None:
        self.detacher.attach(name)

    def attach_all_views(self) -> None:
        for name in VIEWS:
            self.detacher.attach(name)

    def _toggle_current_detached(self) -> None:
        name = self.current_view()
        if self.detacher.is_detached(name):
            self.attach_view(name)
        else:
            self.detach_view(name)

    def _on_detached_changed(self) -> None:
        """The corner button and the menu follow the current tab."""
        detached = self.detacher.is_detached(self.current_view())
        # A word beside the symbol: a symbol alone means nothing to an officer at 2 a.m.
        self.detach_button.setText(
            self.tr("⇤ Attach back") if detached else self.tr("❐ Own window")
        )
        self.detach_button.setToolTip(
            self.tr("Attach this view back")
            if detached
            else self.tr("Detach this view to its own window (another monitor)")
        )
        self.detach_action.setEnabled(not detached)
        self.attach_all_action.setEnabled(bool(self.detacher.windows))

    def _tab_menu(self, pos) -> None:
        index = self.tabs.tabBar().tabAt(pos)
        if index >= 0:
            self.tab_menu(VIEWS[index]).exec(self.tabs.tabBar().mapToGlobal(pos))

    def tab_menu(self, name: str) -> QMenu:
        """A tab's context menu: detach its view, or bring its window forward / attach back."""
        menu = QMenu(self)
        if self.detacher.is_detached(name):
            menu.addAction(self.tr("Show the window"), lambda: self.detacher.show_window(name))
            action = menu.addAction(self.tr("Attach back"), lambda: self.attach_view(name))
            action.setObjectName("attachBack")
        else:
            action = menu.addAction(self.tr("Detach to window"), lambda: self.detach_view(name))
            action.setObjectName("detachToWindow")
        return menu

    def _on_tab_changed(self, index: int) -> None:
        """The board's seven columns and the performance tab (its own tree and lists) take the
        whole width; the docks come back as they were when the officer leaves them. (Not when
        that view is in a window of its own: its tab holds only a note.)"""
        self._on_detached_changed()
        docks = (self.tree_dock, self.details_dock)
        if VIEWS[index] in ("board", "kpi") and not self.detacher.is_detached(VIEWS[index]):
            if self._docks_before_kpi is None:
                self._docks_before_kpi = [d.isVisible() for d in docks]
                for dock in docks:
                    dock.hide()
        elif self._docks_before_kpi is not None:
            for dock, visible in zip(docks, self._docks_before_kpi, strict=True):
                dock.setVisible(visible)
            self._docks_before_kpi = None

    def current_view(self) -> str:
        return VIEWS[self.tabs.currentIndex()]

    def show_alert(self, key: str) -> None:
        if key == "cameras":
            self.show_view("wall")
            return
        self.board.show_status(key)
        self.board_tab.show_mode("list")
        self.show_view("board")
        self.board.table.setFocus()

    def _show_all_cases(self) -> None:
        """Esc: the whole board again, and the work list in the details panel."""
        self.board.clear_filter()
        self.clear_selection()

    def _on_counter(self, key: str) -> None:
        if key in ("reported", "near_due", "overdue", "cameras"):
            self.show_alert(key)
        elif key == "open":
            self.board.clear_filter()
            self.board_tab.show_mode("board")
            self.show_view("board")

    def _choose_language(self, code: str) -> None:
        i18n.save_language(code)
        QMessageBox.information(
            self,
            self.tr("Language"),
            self.tr("The language changes the next time the console starts."),
        )

    # --- data arriving -------------------------------------------------------------------------

    def _on_loaded(self, data) -> None:
        """A whole picture: the first at start, or again after a new day or new settings."""
        now = self.console.now()
        self.map_view.set_now(now)
        self.map_view.set_cases(self.console.store.open_rows())
        self.board.update_label()
        self._show_database_state(None)
        self._refresh_details()

    @property
    def figures(self) -> FiguresView:
        return self._figures_page.view()

    @property
    def kpi(self) -> KpiView:
        return self._kpi_page.view()

    def _make_figures(self, parent) -> FiguresView:
        from ui.figures.counters import FiguresView

        view = FiguresView(parent)
        view.counterClicked.connect(self._on_counter)
        if self._dashboard is not None:
            view.set_dashboard(self._dashboard)
        return view

    def _make_kpi(self, parent) -> KpiView:
        from ui.figures.performance import KpiView

        view = KpiView(self.console, parent)
        view.caseRequested.connect(self.open_case)
        return view

    def _make_deferred_pages(self) -> None:
        """Once the first whole map picture (base image and markers) is painted, in the next
        turns of the event loop."""
        if not (self.is_ready and self.map_view.is_idle()):
            return
        self.map_view.rendered.disconnect(self._make_deferred_pages)
        self.map_view.markersSettled.disconnect(self._make_deferred_pages)
        AfterNextPaint(self.map_view, self._figures_page.view, self._kpi_page.view)

    def _on_tree(self, root: UnitNode) -> None:
        """Boundaries, loaded once (and again only when grids change)."""
        self.tree.set_root(self.console.counted_tree or root)
        self.map_view.set_tree(root)
        self.board_view.set_centers(_centers_of(root))

    def _on_counts(self, dashboard, counted: UnitNode | None) -> None:
        """The counters and the per-grid counts, from the store's rows."""
        self.alerts.set_dashboard(dashboard)
        self._dashboard = dashboard
        if self._figures_page.is_made:
            self.figures.set_dashboard(dashboard)
        if counted is not None:
            self.tree.set_root(counted)
            self.map_view.set_grid_figures(g for node in counted.walk() for g in node.grids)
        self._refresh_details()
        if not self.is_ready and self.console.is_loaded:  # the first picture, counted
            self.is_ready = True
            self.ready.emit()

    def _on_cases_changed(self, changed, removed_ids) -> None:
        """Rows the store has applied (this console's steps and everyone else's)."""
        self.map_view.apply_cases(changed, removed_ids)
        self.board.update_label()
        self._refresh_details()

    def _on_new_reports(self, rows) -> None:
        """Reports from a phone or the 12345 hotline make themselves noticed: a notice that
        opens the newest, and a sound unless the officer turned it off (控制台 menu)."""
        newest = rows[-1]
        text = self.tr("New report: %1 (%2)").replace("%1", newest.title)
        text = text.replace("%2", label(newest.source))
        if len(rows) > 1:
            text += "  " + self.tr("+%1 more").replace("%1", str(len(rows) - 1))
        self.alerts.add_notice(Notice(text, newest.id))
        self.sound.play("report")

    def _on_alerts(self, alerts) -> None:
        """A critical case, a 督办 from above, a key-site camera offline: a red notice that
        opens it, and the alert sound unless muted."""
        for alert in alerts:
            self.alerts.add_notice(alert_notice(alert))
        self.sound.play("alert")

    def _set_sound(self, on: bool) -> None:
        QSettings().setValue("alerts/report_sound", on)
        self.sound.enabled = on
        button = self.alerts.sound_button
        button.setChecked(on)
        button.setText(self.tr("♪ Sound: on") if on else self.tr("♪ Sound: off"))
        button.setToolTip(self.tr("Sounds for alerts and new reports (click to switch)"))

    def _on_cameras(self, rows) -> None:
        self.wall.set_cameras(rows)
        self.map_view.set_cameras(rows)
        self._refresh_details()

    def _on_cameras_checked(self, online: dict) -> None:
        self.map_view.set_camera_status(online)
        self.wall.set_camera_status(online)

    def _show_database_state(self, error: str | None) -> None:
        if self.backend.kind == "server":
            text = self.tr("Server: %1").replace("%1", self.backend.display_url)
        else:
            text = (
                self.tr("Database: %1 (%2)")
                .replace("%1", self.backend.display_url)
                .replace("%2", self.backend.kind)
            )
        if error:
            text += "  " + self.tr("⚠ not answering")
            hint = self.console.feed.last_error_hint
            lines = [self.backend.display_url, error] + ([hint] if hint else [])
            self.database_label.setToolTip("\n".join(lines))
        else:
            self.database_label.setToolTip(self.backend.display_url)
        self.database_label.setText(text)
        state = "error" if error else "ok"
        if self.database_label.property("state") != state:
            self.database_label.setProperty("state", state)
            self.database_label.style().unpolish(self.database_label)
            self.database_label.style().polish(self.database_label)

    def _on_checked(self, checked_at) -> None:
        self.alerts.set_freshness(self.console.feed.as_of(checked_at) or checked_at, None)
        if self.database_label.property("state") == "error":
            self._show_database_state(None)

    def _on_load_failed(self, message: str) -> None:
        feed = self.console.feed
        self.alerts.set_freshness(feed.checked_at, message, hint=feed.last_error_hint)
        self._show_database_state(message)

    def _tick(self) -> None:
        now = self.console.now()
        self.clock_label.setText(format_datetime(now, seconds=True))
        feed = self.console.feed
        as_of = feed.as_of(now)
        if as_of is not None and feed.last_error is None:
            self.alerts.set_freshness(as_of, None, stale=feed.is_stale(now))

    def _on_clock_ticked(self, now) -> None:
        """Advance what depends on "now" without reloading: countdowns, marker states."""
        self.map_view.set_now(now)
        if self.details.current is None:
            self.details.show_overview(self.console.store.open_rows(), now)

    # --- selection -----------------------------------------------------------------------------

    def select_grid(self, grid_id: int) -> None:
        grid = self.console.grids.get(grid_id)
        if grid is None:
            return
        self.tree.select("grid", grid_id)
        self.map_view.select(grid=grid_id)
        self.map_view.reveal_selection()
        self.details.show_grid(
            grid, self.console.community_of_grid.get(grid_id), self.console.cameras_of_grid(grid_id)
        )

    def show_grid_cases(self, grid_id: int) -> None:
        grid = self.console.grids.get(grid_id)
        if grid is not None:
            self.board.show_grids({grid_id}, grid.name)
            self.board_tab.show_mode("list")
            self.show_view("board")

    def show_grid_cameras(self, grid_id: int) -> None:
        grid = self.console.grids.get(grid_id)
        cameras = self.console.cameras_of_grid(grid_id)
        if grid is not None and cameras:
            self.wall.show_group([c.id for c in cameras], grid.name)
            self.show_view("wall")

    def open_camera(self, camera_id: int) -> None:
        """A camera on the map with its last picture in the details (an offline one too)."""
        self.show_view("map")
        self.select_camera(camera_id)

    def show_camera_on_wall(self, camera_id: int) -> None:
        if camera_id in self.console.cameras:
            self.wall.select_camera(camera_id)
            self.show_view("wall")

    def _search_places(self, text: str) -> list:
        """The map's search; runs in a worker thread."""
        return self.backend.search_places(text, limit=12)

    def _on_place_chosen(self, hit) -> None:
        if hit.kind == "grid":
            self.select_grid(hit.id)
        elif hit.kind == "unit":
            self.select_unit(hit.id)
        elif hit.kind == "camera":
            self.select_camera(hit.id)
        elif hit.kind == "case":
            self.select_case(hit.id)

    def pick_place_for_new_case(self) -> None:
        self.show_view("map")
        self.map_view.start_picking()
        self.map_view.setFocus()
        self.statusBar().showMessage(
            self.tr("Click the place of the new case on the map (Esc: cancel)"), 30_000
        )

    def new_case_at(self, lon: float, lat: float, grid_id, camera=None) -> NewCaseDialog:
        grid = self.console.grids.get(grid_id) if grid_id is not None else None
        dialog = NewCaseDialog(
            self.console, lon, lat, grid_id, grid.name if grid else None, self, camera=camera
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.reported.connect(self._on_case_reported)
        self.new_case_dialog = dialog
        dialog.open()
        return dialog

    def _on_case_reported(self, change) -> None:
        self.statusBar().showMessage(self.tr("Case %1 reported").replace("%1", change.code), 8000)

    def select_unit(self, unit_id: int) -> None:
        node = self.console.units.get(unit_id)
        if node is None:
            return
        self.tree.select("unit", unit_id)
        self.map_view.select(unit=unit_id)
        self.map_view.reveal_selection()
        self.details.show_unit(node)

    def select_case(self, case_id: int) -> None:
        row = self.console.store.case_by_id(case_id)
        if row is None:
            return
        self.board.select_case(case_id)
        self.map_view.select(case=case_id, grid=row.grid_id)
        self.map_view.reveal_selection()
        if row.grid_id is not None:
            self.tree.select("grid", row.grid_id)
        self.details.show_case(row, self.console.now())

    def open_case(self, case_id: int) -> None:
        """The whole case in the case tab (a marker, the board, a related case)."""
        self.select_case(case_id)
        self.case_view.set_camera_positions(
            {c.id: (c.lon, c.lat) for c in self.console.cameras.values()}
        )
        self.case_view.show_case(case_id)
        self.show_view("case")

    def select_camera(self, camera_id: int) -> None:
        camera = self.console.cameras.get(camera_id)
        if camera is None:
            return
        self.wall.select_camera(camera_id)
        self.map_view.select(camera=camera_id, grid=camera.grid_id)
        self.map_view.reveal_selection()
        self.details.show_camera(camera, self.wall.last_image(camera_id))

    def clear_selection(self) -> None:
        self.map_view.select()
        self.tree.clearSelection()
        self.board.table.clearSelection()
        self.wall.select_camera(None)
        self.details.show_nothing()
        self._refresh_details()

    def _on_frame(self, camera_id: int) -> None:
        """The selected camera's picture in the details panel follows the wall, a few times
        a second."""
        if self.details.current != ("camera", camera_id):
            return
        now = time.monotonic()
        if now - self._details_picture_at >= DETAILS_PICTURE_INTERVAL_S:
            self._details_picture_at = now
            self.details.set_picture(self.wall.last_image(camera_id))

    def _refresh_details(self) -> None:
        """Show the fresh data of the selected item; clear when it is gone (a case closed)."""
        console, current = self.console, self.details.current
        now = console.now()
        if current is None:
            self.details.show_overview(console.store.open_rows(), now)
            return
        kind, item_id = current
        if kind == "grid" and item_id in console.grids:
            self.details.show_grid(
                console.grids[item_id],
                console.community_of_grid.get(item_id),
                console.cameras_of_grid(item_id),
            )
        elif kind == "unit" and item_id in console.units:
            self.details.show_unit(console.units[item_id])
        elif kind == "case" and console.store.case_by_id(item_id) is not None:
            self.details.show_case(console.store.case_by_id(item_id), now)
        elif kind == "camera" and item_id in console.cameras:
            self.details.show_camera(console.cameras[item_id], self.wall.last_image(item_id))
        else:
            self.details.show_nothing()


def _centers_of(root: UnitNode, depth: int = 0) -> list[tuple[str, int, frozenset[int]]]:
    """Every center of the tree with the centers below it, for "my center or a lower one"."""
    found = []

    def below(node: UnitNode) -> frozenset[int]:
        ids = {node.center_id} if node.center_id is not None else set()
        for child in node.children:
            ids |= below(child)
        return frozenset(ids)

    if root.center_id is not None:
        found.append((root.name, depth, below(root)))
    for child in root.children:
        found += _centers_of(child, depth + 1)
    return found
