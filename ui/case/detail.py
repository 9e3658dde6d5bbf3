"""One case, whole: its fields, the archive's timeline, attachments, a map inset, nearby
cameras, related cases, and a button for every step the core allows this officer now.

The data comes from the backend (``case_detail``) in a worker; a step goes through the
console's one writer with the version the officer saw. A refused step shows the core's reason;
a step another console took first shows what changed and the fresh case. When the feed says
the case changed — here or at another console — the tab reads it again.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cases.detail import ActionForm, CaseDetail
from commandcenter.cases.operations import FileData
from commandcenter.domain.enums import AttachmentKind
from commandcenter.errors import ConflictError, TransitionRefused
from commandcenter.schedule.deadlines import DeadlineStatus, judged_at
from commandcenter.workflow.rules import Action
from ui.case.clip_player import ClipPlayerDialog, write_temporary
from ui.common.errors import describe
from ui.common.labels import format_datetime, label, time_left_text
from ui.common.style import Colors, scaled_font, set_tone
from ui.common.tasks import run_in_background
from ui.map.markers import draw_case_marker, pen

# The steps that move a case along come first; the others follow.
PRIMARY = (
    Action.FILE,
    Action.DISPATCH,
    Action.ACCEPT,
    Action.REPORT_RESULT,
    Action.VERIFY,
    Action.FOLLOW_UP,
    Action.SELF_RESOLVE,
    Action.RESUME,
    Action.DECIDE_EXTENSION,
)


class MapInset(QWidget):
    """The case's grid and place, with the cameras around it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(260, 200)
        self.detail: CaseDetail | None = None
        self.camera_points: list[tuple[float, float]] = []

    def sizeHint(self) -> QSize:
        return QSize(320, 240)

    def set_detail(self, detail: CaseDetail, camera_points) -> None:
        self.detail, self.camera_points = detail, list(camera_points)
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#0f161e"))
        detail = self.detail
        points = [pt for ring in (detail.grid_rings if detail else ()) for pt in ring]
        if detail is not None and detail.lon is not None:
            points.append((detail.lon, detail.lat))
        points += self.camera_points
        if not points:
            painter.setPen(Colors.TEXT_DIM)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No place"))
            return
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        cos = math.cos(math.radians(sum(lats) / len(lats)))
        width = max((max(lons) - min(lons)) * cos, 1e-5)
        height = max(max(lats) - min(lats), 1e-5)
        area = QRectF(self.rect()).adjusted(16, 16, -16, -16)
        scale = min(area.width() / width, area.height() / height)
        cx, cy = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2

        def project(lon, lat) -> QPointF:
            return QPointF(
                area.center().x() + (lon - cx) * cos * scale,
                area.center().y() - (lat - cy) * scale,
            )

        path = QPainterPath()
        for ring in detail.grid_rings:
            path.addPolygon(QPolygonF([project(*pt) for pt in ring]))
            path.closeSubpath()
        painter.setPen(pen(QColor("#d6e6f5"), 2))
        painter.setBrush(QColor("#1d3b57"))
        painter.drawPath(path)
        for lon, lat in self.camera_points:
            at = project(lon, lat)
            painter.setPen(pen(QColor("#0b1016"), 1))
            painter.setBrush(Colors.CAMERA)
            painter.drawRect(QRectF(at.x() - 4, at.y() - 4, 8, 8))
        if detail.lon is not None:
            draw_case_marker(painter, project(detail.lon, detail.lat), detail.deadline_status)


class ActionDialog(QDialog):
    """What a step asks for: a reason, a target, a verdict, a rating, days…"""

    def __init__(self, form: ActionForm, detail: CaseDetail, parent=None):
        super().__init__(parent)
        self.form = form
        self.setWindowTitle(f"{label(form.action)} · {detail.code}")
        layout = QFormLayout(self)
        self.inputs: dict[str, QWidget] = {}
        for name in form.inputs:
            if name == "target":
                box = QComboBox(self)
                for target in detail.dispatch_targets:
                    box.addItem(target.name, f"{target.kind}:{target.id}")
                layout.addRow(self.tr("Dispatch to"), box)
            elif name == "passed":
                box = QComboBox(self)
                box.addItem(self.tr("Done properly: pass"), True)
                box.addItem(self.tr("Not done: back for rework"), False)
                layout.addRow(self.tr("Verdict"), box)
            elif name == "rating":
                box = QComboBox(self)
                for stars in (5, 4, 3, 2, 1):
                    box.addItem("★" * stars + "☆" * (5 - stars), stars)
                layout.addRow(self.tr("Resident's rating"), box)
            elif name == "approved":
                box = QComboBox(self)
                box.addItem(self.tr("Approve"), True)
                box.addItem(self.tr("Refuse"), False)
                layout.addRow(self.tr("Decision"), box)
            elif name in ("days", "hours"):
                box = QSpinBox(self)
                box.setRange(1, 30 if name == "days" else 240)
                box.setValue(1 if name == "days" else 24)
                layout.addRow(self.tr("Working days") if name == "days" else self.tr("Hours"), box)
            elif name == "into_case_id":
                box = QComboBox(self)
                for related in detail.related:
                    if related.relation == "possible_duplicate":
                        box.addItem(f"{related.code} {related.title}", related.id)
                layout.addRow(self.tr("Merge into"), box)
            else:
                continue
            box.setObjectName(f"input_{name}")
            self.inputs[name] = box
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(80)
        self.reason.setPlaceholderText(
            self.tr("Required: why") if form.needs_reason else self.tr("Optional note")
        )
        layout.addRow(self.tr("Reason") if form.needs_reason else self.tr("Note"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def values(self) -> dict:
        result = {}
        for name, box in self.inputs.items():
            result[name] = box.value() if isinstance(box, QSpinBox) else box.currentData()
        return result


class CaseDetailView(QScrollArea):
    caseRequested = Signal(int)  # a related case
    cameraRequested = Signal(int)  # show this camera live on the wall

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.console, self.actor = console, console.actor
        console.casesChanged.connect(self._on_cases_changed)
        self.detail: CaseDetail | None = None
        self.case_id: int | None = None
        self.state = "empty"  # empty, loading, shown, working, refused, failed
        self.camera_positions: dict[int, tuple[float, float]] = {}
        self._contents: dict[int, bytes] = {}  # attachment bytes by id, for the viewer
        self._keep_message = False
        self.clip_player: ClipPlayerDialog | None = None
        body = QWidget(self)
        self.title = QLabel(self.tr("Open a case from the board, the map or the work list."), body)
        self.title.setObjectName("caseTitle")
        self.title.setWordWrap(True)
        self.title.setFont(scaled_font(self.font(), 1.5, bold=True))
        self.badges = QLabel(body)
        self.badges.setObjectName("caseBadges")
        self.message = QLabel(body)
        self.message.setObjectName("caseMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.actions_bar = QHBoxLayout()
        self.actions_bar.setSpacing(8)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(16)
        self.inset = MapInset(body)
        self.cameras = QListWidget(body)
        self.cameras.setObjectName("nearbyCameras")
        self.cameras.setMaximumHeight(110)
        self.cameras.itemActivated.connect(
            lambda item: self.cameraRequested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.related = QListWidget(body)
        self.related.setObjectName("relatedCases")
        self.related.setMaximumHeight(90)
        self.related.itemActivated.connect(
            lambda item: self.caseRequested.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        self.timeline = QTreeWidget(body)
        self.timeline.setObjectName("timeline")
        self.timeline.setHeaderLabels(
            [self.tr("Time"), self.tr("Step"), self.tr("By"), self.tr("State"), self.tr("Note")]
        )
        self.timeline.setRootIsDecorated(False)
        self.timeline.setMinimumHeight(180)
        self.attachments = QListWidget(body)
        self.attachments.setObjectName("attachments")
        self.attachments.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachments.setIconSize(QSize(120, 90))
        self.attachments.setMaximumHeight(140)
        self.attachments.itemActivated.connect(self._open_attachment)

        side = QVBoxLayout()
        side.addWidget(self.inset, 1)
        side.addWidget(self._caption(self.tr("Cameras within 500 m (double-click: live)")))
        side.addWidget(self.cameras)
        side.addWidget(self._caption(self.tr("Related cases")))
        side.addWidget(self.related)
        columns = QGridLayout()
        columns.addLayout(self.form, 0, 0)
        columns.addLayout(side, 0, 1)
        columns.setColumnStretch(0, 3)
        columns.setColumnStretch(1, 2)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.badges)
        layout.addLayout(self.actions_bar)
        layout.addWidget(self.message)
        layout.addLayout(columns)
        layout.addWidget(self._caption(self.tr("Archive (every step, hash-chained)")))
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self._caption(self.tr("Attachments (double-click to view)")))
        layout.addWidget(self.attachments)
        self.setWidget(body)

    def _caption(self, text: str) -> QLabel:
        caption = QLabel(text, self)
        caption.setObjectName("detailsCaption")
        return caption

    # --- loading -----------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        if case_id != self.case_id:
            self._keep_message = False
            self.message.hide()
        self.case_id = case_id
        self.state = "loading"
        backend = self.console.backend
        run_in_background(
            lambda: backend.case_detail(case_id), self._on_loaded, self._on_load_failed, owner=self
        )

    def reload(self) -> None:
        if self.case_id is not None:
            self.show_case(self.case_id)

    def _on_cases_changed(self, changed, removed_ids) -> None:
        """The feed brought changes: read the shown case again if it is among them (its row's
        version says whether it moved on from what is shown)."""
        if self.case_id is None or self.detail is None or self.state == "working":
            return
        for row in changed:
            if row.id == self.case_id and row.version != self.detail.version:
                self._keep_message = self.message.isVisible()
                self.reload()
                return
        if self.case_id in removed_ids:
            self.reload()

    def is_idle(self) -> bool:
        return self.state not in ("loading", "working")

    def set_camera_positions(self, positions: dict[int, tuple[float, float]]) -> None:
        self.camera_positions = dict(positions)

    def _on_loaded(self, detail: CaseDetail) -> None:
        if detail.id != self.case_id:
            return
        self.detail = detail
        if not self._keep_message:  # a step's outcome stays up over the reloaded case
            self.message.hide()
        self._keep_message = False
        self.state = "shown"
        self._fill(detail)

    def _on_load_failed(self, error: Exception) -> None:
        self.state = "failed"
        message = describe(error, doing="loading a case")
        self._say(f"{message.text} {message.hint}".strip(), "alarm")

    def _say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        set_tone(self.message, tone)
        self.message.show()

    # --- showing -------------------------------------------------------------------------------

    def _fill(self, d: CaseDetail) -> None:
        now = self.console.now()
        self.title.setText(f"{d.code}  {d.title}")
        badges = [label(d.state), label(d.category), label(d.urgency), label(d.source)]
        if d.state.is_open and d.deadline is not None:
            shown_at = judged_at(now, d.paused_since)  # a paused clock shows what was left
            badges.insert(1, time_left_text(d.deadline_status, d.deadline, shown_at))
        if d.paused_since is not None:
            badges.append(
                self.tr("clock paused since %1").replace("%1", format_datetime(d.paused_since))
            )
        self.badges.setText("   ·   ".join(b for b in badges if b))
        tone = {DeadlineStatus.OVERDUE: "alarm", DeadlineStatus.NEAR_DUE: "warn"}.get(
            d.deadline_status
        )
        set_tone(self.badges, tone)
        self._fill_actions(d)
        while self.form.rowCount():
            self.form.removeRow(0)
        rows = [
            (self.tr("Place"), " · ".join(p for p in (d.grid_name, d.address) if p)),
            (self.tr("Center"), d.center),
            (self.tr("Held by"), d.holder),
            (self.tr("Reported at"), format_datetime(d.reported_at)),
            (self.tr("Filed at"), format_datetime(d.filed_at)),
            (self.tr("Deadline"), format_datetime(d.deadline)),
            (self.tr("Closed at"), format_datetime(d.closed_at)),
            (self.tr("Reporter"), d.reporter),
            (self.tr("Description"), d.description),
            (
                self.tr("Rework / extensions / urged"),
                f"{d.rework_count} / {d.extension_count} / {d.urge_count}",
            ),
            (self.tr("Satisfaction"), "★" * d.satisfaction if d.satisfaction else ""),
        ]
        for name, value in rows:
            field = QLabel(value or "—")
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(name)
            caption.setObjectName("detailsCaption")
            self.form.addRow(caption, field)
        self.inset.set_detail(
            d, [self.camera_positions[c.id] for c in d.cameras if c.id in self.camera_positions]
        )
        self.cameras.clear()
        for camera in d.cameras:
            item = QListWidgetItem(f"■ {camera.name}  ({camera.distance_m:.0f} m)")
            item.setData(Qt.ItemDataRole.UserRole, camera.id)
            self.cameras.addItem(item)
        if not d.cameras:
            self.cameras.addItem(self.tr("none"))
        self.related.clear()
        relation_text = {
            "merged_into": self.tr("merged into"),
            "merged_here": self.tr("merged here"),
            "possible_duplicate": self.tr("possible duplicate"),
        }
        for related in d.related:
            item = QListWidgetItem(
                f"{related.code}  {related.title}  ({relation_text[related.relation]}, "
                f"{label(related.state)})"
            )
            item.setData(Qt.ItemDataRole.UserRole, related.id)
            self.related.addItem(item)
        if not d.related:
            self.related.addItem(self.tr("none"))
        self.timeline.clear()
        for entry in d.timeline:
            state = (
                f"{label(entry.from_state)} → {label(entry.to_state)}"
                if entry.from_state is not None and entry.to_state != entry.from_state
                else label(entry.to_state)
            )
            try:
                step = label(Action(entry.action))
            except ValueError:
                step = entry.action
            who = entry.actor + (f" ({label(entry.role)})" if entry.role else "")
            QTreeWidgetItem(
                self.timeline, [format_datetime(entry.at), step, who, state, entry.comment]
            )
        for column in range(4):
            self.timeline.resizeColumnToContents(column)
        self.attachments.clear()
        for item_info in d.attachments:
            item = QListWidgetItem(item_info.filename)
            item.setData(Qt.ItemDataRole.UserRole, item_info.id)
            item.setData(MEDIA_TYPE_ROLE, item_info.media_type)
            if item_info.media_type.startswith("video/"):
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
                item.setToolTip(self.tr("Video clip: double-click to play"))
            self.attachments.addItem(item)
        self._load_thumbnails(d)

    def _fill_actions(self, d: CaseDetail) -> None:
        while self.actions_bar.count():
            widget = self.actions_bar.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        forms = sorted(
            d.actions,
            key=lambda f: PRIMARY.index(f.action) if f.action in PRIMARY else len(PRIMARY),
        )
        for form in forms:
            button = QPushButton(label(form.action), self)
            button.setObjectName(f"action_{form.action.value}")
            button.setProperty("primary", form.action in PRIMARY)
            button.setToolTip(self.tr("Needs a reason") if form.needs_reason else "")
            button.clicked.connect(lambda _=False, f=form: self.ask_and_take(f))
            self.actions_bar.addWidget(button)
        if not forms:
            hint = QLabel(self.tr("Nothing for you to do on this case now."), self)
            hint.setObjectName("detailsCaption")
            self.actions_bar.addWidget(hint)
        self.actions_bar.addStretch(1)

    def action_buttons(self) -> dict[Action, QPushButton]:
        buttons = {}
        for i in range(self.actions_bar.count()):
            widget = self.actions_bar.itemAt(i).widget()
            if isinstance(widget, QPushButton):
                buttons[Action(widget.objectName().removeprefix("action_"))] = widget
        return buttons

    # --- steps -----------------------------------------------------------------------------------

    def ask_and_take(self, form: ActionForm) -> None:
        """A step: ask what it needs (if anything), then take it."""
        if form.action is Action.ATTACH:
            self.ask_attachment()
            return
        if not form.needs_reason and not form.inputs:
            self.take(form.action)
            return
        dialog = ActionDialog(form, self.detail, self)
        self.action_dialog = dialog
        dialog.accepted.connect(
            lambda: self.take(form.action, dialog.reason.toPlainText(), **dialog.values())
        )
        dialog.open()

    def take(self, action: Action, comment: str = "", **inputs) -> None:
        detail = self.detail
        if detail is None:
            return
        self.state = "working"
        self.console.operations.run(
            lambda b: b.take_step(
                detail.id, action, expected_version=detail.version, comment=comment, **inputs
            ),
            self._on_taken,
            self._on_refused,
            owner=self,
        )

    def ask_attachment(self) -> None:
        """Add photos or documents from files (each one a step of the archive)."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add photos or documents"),
            "",
            self.tr("Pictures and documents (*.jpg *.jpeg *.png *.pdf);;All files (*)"),
        )
        if paths:
            self.attach_files([Path(p) for p in paths])

    def attach_files(self, paths) -> None:
        detail = self.detail
        if detail is None:
            return
        self.state = "working"

        def attach_all(backend):
            outcome = None
            for path in paths:
                kind = AttachmentKind.PHOTO if _is_picture(path) else AttachmentKind.DOCUMENT
                data = FileData(path.name, path.read_bytes(), _media_type(path))
                outcome = backend.attach(detail.id, data, kind)
            return outcome

        self.console.operations.run(attach_all, self._on_taken, self._on_refused, owner=self)

    def _on_taken(self, change) -> None:
        self.state = "shown"
        self._say(
            self.tr("%1: done — now %2.")
            .replace("%1", label(change.action))
            .replace("%2", label(change.to_state)),
            "ok",
        )
        self._keep_message = True
        self.reload()

    def _on_refused(self, error: Exception) -> None:
        self.state = "refused"
        if isinstance(error, TransitionRefused | ConflictError):
            self._say(str(error), "alarm")  # the core's reason, in the user's terms
        else:
            message = describe(error, doing="taking a step on a case")
            self._say(f"{message.text} {message.hint}".strip(), "alarm")
        self._keep_message = True
        self.reload()

    # --- attachments ---------------------------------------------------------------------------

    def _load_thumbnails(self, d: CaseDetail) -> None:
        backend = self.console.backend
        ids = [a.id for a in d.attachments if a.media_type.startswith("image/")]
        if not ids:
            return
        run_in_background(
            lambda: backend.attachment_contents(ids),
            self._show_thumbnails,
            lambda _e: None,
            owner=self,
        )

    def _show_thumbnails(self, contents: dict[int, bytes]) -> None:
        self._contents = contents
        for row in range(self.attachments.count()):
            item = self.attachments.item(row)
            data = contents.get(item.data(Qt.ItemDataRole.UserRole))
            if data:
                image = QImage.fromData(data)
                if not image.isNull():
                    item.setIcon(
                        QPixmap.fromImage(image.scaled(120, 90, Qt.AspectRatioMode.KeepAspectRatio))
                    )

    def _open_attachment(self, item: QListWidgetItem) -> None:
        if str(item.data(MEDIA_TYPE_ROLE) or "").startswith("video/"):
            self.play_clip(item.data(Qt.ItemDataRole.UserRole), item.text())
            return
        data = self._contents.get(item.data(Qt.ItemDataRole.UserRole))
        if not data:
            return
        viewer = QDialog(self)
        viewer.setWindowTitle(item.text())
        picture = QLabel(viewer)
        image = QImage.fromData(data)
        picture.setPixmap(
            QPixmap.fromImage(image).scaled(
                1200,
                800,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        QVBoxLayout(viewer).addWidget(picture)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()

    def play_clip(self, attachment_id: int, title: str) -> None:
        """Fetch the clip and write it to a temporary file in a worker, then play it."""
        backend = self.console.backend
        suffix = Path(title).suffix or ".mp4"

        def fetch():
            return write_temporary(
                backend.attachment_contents([attachment_id])[attachment_id], suffix
            )

        def show(path: Path) -> None:
            player = ClipPlayerDialog(path, title, self)
            player.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.clip_player = player
            player.open()

        def failed(error: Exception) -> None:
            message = describe(error, doing="loading attachments")
            self._say(f"{message.text} {message.hint}".strip(), "alarm")

        run_in_background(fetch, show, failed, owner=self)


MEDIA_TYPE_ROLE = Qt.ItemDataRole.UserRole + 1

_PICTURES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def _is_picture(path: Path) -> bool:
    return path.suffix.lower() in _PICTURES


def _media_type(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        return "application/pdf"
    return _PICTURES.get(path.suffix.lower(), "application/octet-stream")
