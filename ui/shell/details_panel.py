"""Details of what is selected: a grid, a unit of the tree, a case or a camera."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cameras.rows import CameraRow
from commandcenter.cameras.urls import display_url
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import CaseState
from commandcenter.jurisdiction.tree import GridSummary, UnitNode
from commandcenter.schedule.deadlines import DeadlineStatus
from ui.common.labels import format_datetime, label, time_left_text

OVERVIEW_ITEMS = 4  # cases listed per group when nothing is selected


class DetailsPanel(QScrollArea):
    """Shows the selected item; with nothing selected, a short work list of what needs
    attention now (new reports, near due, overdue), each line a button to that case."""

    caseRequested = Signal(int)
    alertRequested = Signal(str)
    gridCasesRequested = Signal(int)  # the grid's open cases on the board
    gridCamerasRequested = Signal(int)  # the grid's cameras on the wall
    cameraOnWallRequested = Signal(int)
    openCaseRequested = Signal(int)  # the whole case in the case tab

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(self)
        body.setObjectName("detailsBody")
        self.kind_label = QLabel(body)
        self.kind_label.setObjectName("detailsKind")
        self.title = QLabel(body)
        self.title.setObjectName("detailsTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.picture = QLabel(body)
        self.picture.setObjectName("detailsPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The picture follows the panel's width, never widens it.
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.picture.hide()
        self._image: QImage | None = None
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.kind_label)
        layout.addWidget(self.title)
        layout.addWidget(self.picture)
        layout.addLayout(self.form)
        self.overview = QWidget(body)
        self.overview.setObjectName("overview")
        self.overview_layout = QVBoxLayout(self.overview)
        self.overview_layout.setContentsMargins(0, 4, 0, 0)
        self.overview_layout.setSpacing(4)
        layout.addWidget(self.overview)
        layout.addStretch(1)
        self.setWidget(body)
        self.current: tuple[str, int] | None = None
        self.show_nothing()

    # --- helpers -------------------------------------------------------------------------------

    def _reset(self, kind: str, title: str) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.kind_label.setText(kind)
        self.title.setText(title)
        self.picture.hide()
        self._image = None
        self._clear_overview()
        self.overview.hide()

    def _clear_overview(self) -> None:
        while self.overview_layout.count():
            widget = self.overview_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    def _row(self, name: str, value: str, *, tone: str | None = None) -> None:
        field = QLabel(value or "—")
        field.setWordWrap(True)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if tone:
            field.setProperty("tone", tone)
        caption = QLabel(name)
        caption.setObjectName("detailsCaption")
        self.form.addRow(caption, field)

    # --- what can be shown ---------------------------------------------------------------------

    def show_nothing(self) -> None:
        self.current = None
        self._reset(self.tr("Details"), self.tr("Select a grid, a case or a camera."))

    def show_overview(self, cases, now: dt.datetime) -> None:
        """The work list shown while nothing is selected."""
        if self.current is not None:
            return
        self._reset(self.tr("Needs attention now"), self.tr("Select a grid, a case or a camera."))
        statuses = [(row, row.status_at(now)) for row in cases]
        groups = [
            (
                "reported",
                self.tr("★ New reports awaiting filing"),
                [r for r, _ in statuses if r.state is CaseState.REPORTED],
            ),
            (
                "near_due",
                self.tr("● Near due"),
                [r for r, st in statuses if st is DeadlineStatus.NEAR_DUE],
            ),
            (
                "overdue",
                self.tr("▲ Overdue"),
                sorted(
                    (r for r, st in statuses if st is DeadlineStatus.OVERDUE),
                    key=lambda r: r.deadline,
                ),
            ),
        ]
        for key, heading, rows in groups:
            header = QPushButton(f"{heading}  ({len(rows)})", self.overview)
            header.setObjectName("overviewHeading")
            header.setProperty("alert", key)
            header.setFlat(True)
            header.setCursor(Qt.CursorShape.PointingHandCursor)
            header.setToolTip(self.tr("Show all of them on the case board"))
            header.clicked.connect(lambda _=False, k=key: self.alertRequested.emit(k))
            self.overview_layout.addWidget(header)
            if not rows:
                none = QLabel(self.tr("none"), self.overview)
                none.setObjectName("overviewNone")
                self.overview_layout.addWidget(none)
            for row in rows[:OVERVIEW_ITEMS]:
                if row.state is CaseState.REPORTED and row.deadline is None:
                    when = self.tr("reported %1").replace("%1", format_datetime(row.reported_at))
                else:
                    when = time_left_text(row.status_at(now), row.deadline, row.clock_at(now))
                title = row.title if len(row.title) <= 18 else row.title[:17] + "…"
                item = QPushButton(f"{when}\n{title}", self.overview)
                item.setObjectName("overviewItem")
                item.setProperty("alert", key)
                item.setCursor(Qt.CursorShape.PointingHandCursor)
                item.setToolTip(f"{row.code}  {row.title}\n{row.grid_name or ''}")
                item.clicked.connect(lambda _=False, cid=row.id: self.caseRequested.emit(cid))
                self.overview_layout.addWidget(item)
            if len(rows) > OVERVIEW_ITEMS:
                more = QLabel(
                    self.tr("… and %1 more").replace("%1", str(len(rows) - OVERVIEW_ITEMS)),
                    self.overview,
                )
                more.setObjectName("overviewNone")
                self.overview_layout.addWidget(more)
        self.overview.show()

    def show_unit(self, node: UnitNode) -> None:
        self.current = ("unit", node.id)
        self._reset(label(node.level), node.name)
        self._row(self.tr("Division code"), node.code)
        grids = sum(len(n.grids) for n in node.walk())
        communities = sum(1 for n in node.walk() if n.grids)
        self._row(self.tr("Communities"), str(communities))
        self._row(self.tr("Grids"), str(grids))
        self._row(self.tr("Open cases"), str(node.open_cases))
        self._row(
            self.tr("Overdue cases"),
            f"▲ {node.overdue_cases}" if node.overdue_cases else "0",
            tone="alarm" if node.overdue_cases else None,
        )

    def show_grid(
        self, grid: GridSummary, community: str | None = None, cameras: tuple = ()
    ) -> None:
        self.current = ("grid", grid.id)
        self._reset(self.tr("Grid"), grid.name)
        self._row(self.tr("Grid code"), grid.code)
        self._row(self.tr("Kind"), label(grid.kind))
        if community:
            self._row(self.tr("Community"), community)
        leader = grid.leader or ""
        if leader and grid.leader_phone:
            leader += f"  ☎ {grid.leader_phone}"
        self._row(self.tr("Grid leader"), leader)
        managers = [
            f"{name}  ☎ {phone}" if phone else name
            for name, phone in zip(
                grid.managers,
                grid.manager_phones or ("",) * len(grid.managers),
                strict=True,
            )
        ]
        self._row(self.tr("Grid managers"), "\n".join(managers))
        self._row(self.tr("Households"), str(grid.households))
        self._row(self.tr("Population"), str(grid.population))
        self._row(self.tr("Open cases"), str(grid.open_cases))
        self._row(
            self.tr("Overdue cases"),
            f"▲ {grid.overdue_cases}" if grid.overdue_cases else "0",
            tone="alarm" if grid.overdue_cases else None,
        )
        self._row(
            self.tr("Cameras"),
            "\n".join(c.name for c in cameras) if cameras else self.tr("none"),
        )
        self._action(
            self.tr("Open cases of this grid on the board (%1)").replace(
                "%1", str(grid.open_cases)
            ),
            "gridCases",
            lambda: self.gridCasesRequested.emit(grid.id),
        )
        if cameras:
            self._action(
                self.tr("Show its %1 cameras on the video wall").replace("%1", str(len(cameras))),
                "gridCameras",
                lambda: self.gridCamerasRequested.emit(grid.id),
            )

    def _action(self, text: str, name: str, slot) -> QPushButton:
        """A button under the fields (in the overview area, which _reset clears)."""
        button = QPushButton(text, self.overview)
        button.setObjectName(name)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(slot)
        self.overview_layout.addWidget(button)
        self.overview.show()
        return button

    def show_case(self, row: CaseRow, now: dt.datetime) -> None:
        self.current = ("case", row.id)
        status = row.status_at(now)
        self._reset(self.tr("Case"), row.title)
        self._row(self.tr("Case no."), row.code)
        self._row(self.tr("State"), label(row.state))
        tone = {"overdue": "alarm", "near_due": "warn"}.get(status.value)
        if row.closed_at is not None:  # ended today: still on the board, in its last column
            self._row(self.tr("Closed at"), format_datetime(row.closed_at))
        else:
            self._row(
                self.tr("Time left"),
                time_left_text(status, row.deadline, row.clock_at(now)),
                tone=tone,
            )
        self._row(self.tr("Deadline"), format_datetime(row.deadline))
        self._row(self.tr("Category"), label(row.category))
        self._row(self.tr("Urgency"), label(row.urgency))
        self._row(self.tr("Source"), label(row.source))
        self._row(self.tr("Grid"), row.grid_name or "")
        self._row(self.tr("Held by"), row.holder)
        self._row(self.tr("Reported at"), format_datetime(row.reported_at))
        self._action(
            self.tr("Open the case (Enter)"),
            "openCase",
            lambda: self.openCaseRequested.emit(row.id),
        )

    def show_camera(self, camera: CameraRow, image: QImage | None = None) -> None:
        self.current = ("camera", camera.id)
        self._reset(self.tr("Camera"), camera.name)
        self.set_picture(image)
        self._row(self.tr("Device ID"), camera.device_id)
        self._row(self.tr("Grid"), camera.grid_name or "")
        self._row(self.tr("State"), self.tr("Enabled") if camera.enabled else self.tr("✖ Disabled"))
        self._row(self.tr("Main stream"), _breakable(display_url(camera.main_url)))
        sub = _breakable(display_url(camera.sub_url)) if camera.sub_url else ""
        self._row(self.tr("Sub stream"), sub)
        self._row(self.tr("Position"), f"{camera.lon:.6f}, {camera.lat:.6f}")
        self._action(
            self.tr("Show on the video wall"),
            "cameraOnWall",
            lambda: self.cameraOnWallRequested.emit(camera.id),
        )

    def set_picture(self, image: QImage | None) -> None:
        self._image = image
        if image is None or image.isNull():
            self.picture.hide()
            return
        self._scale_picture()
        self.picture.show()

    def _scale_picture(self) -> None:
        if self._image is None or self._image.isNull():
            return
        width = max(120, self.viewport().width() - 28)
        pixmap = QPixmap.fromImage(self._image).scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation
        )
        self.picture.setPixmap(pixmap)
        self.picture.setFixedHeight(pixmap.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.picture.isVisible():
            self._scale_picture()


def _breakable(text: str) -> str:
    """Let a long URL or path wrap after its separators (zero-width spaces)."""
    for separator in ("/", "?", "&", ".", "_", "-"):
        text = text.replace(separator, separator + "\u200b")
    return text
