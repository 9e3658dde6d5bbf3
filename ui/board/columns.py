"""The case board (案件看板): a column per stage of the loop, a card per case, filters that
stay put, the "needs my action" queue, bulk steps.

Data: the console's one case store (``ui.data.case_store``), which the change feed keeps
current row by row, so the officer's place and selection survive every change. Filtering
happens once for all columns (``BoardColumns``); each column is a QListView over its
``StageProxy``. Bulk steps go through the console's one writer.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cases import board
from commandcenter.cases.board import BoardFilter, BoardSort, Stage
from commandcenter.domain.enums import CaseCategory, CaseSource, Urgency
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.workflow.rules import Action
from ui.board.model import BoardColumns
from ui.common.errors import describe
from ui.common.labels import label
from ui.common.style import Colors, scaled_font, set_tone
from ui.common.tasks import run_in_background
from ui.data.case_store import CaseRole

CARD_HEIGHT = 96
SETTINGS_KEY = "board/filter"
# Bulk steps: the same step with one reason for several cases.
BULK_ACTIONS = (Action.DISPATCH, Action.URGE)


class CardDelegate(QStyledItemDelegate):
    """A case card: code and time left, title, category · grid, holder · source; a coloured
    edge says the deadline status, a dot marks "needs my action"."""

    def sizeHint(self, option, index) -> QSize:
        return QSize(option.rect.width() or 220, CARD_HEIGHT)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(4, 3, -4, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        status = index.data(CaseRole.STATUS)
        edge = {
            DeadlineStatus.OVERDUE.value: Colors.OVERDUE,
            DeadlineStatus.NEAR_DUE.value: Colors.NEAR_DUE,
            DeadlineStatus.ON_TIME.value: Colors.ON_TIME,
        }.get(status, Colors.NEW)
        painter.setPen(QPen(Colors.SELECTED if selected else Colors.BORDER, 2 if selected else 1))
        background = (
            QColor("#2a1416")
            if status == DeadlineStatus.OVERDUE.value
            else (
                QColor("#272012")
                if status == DeadlineStatus.NEAR_DUE.value
                else Colors.PANEL_RAISED
            )
        )
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 5, 5)
        painter.fillRect(QRectF(rect.left(), rect.top() + 1, 4, rect.height() - 2), edge)
        font = option.font
        bold = scaled_font(font, 1.0, bold=True)
        small = scaled_font(font, 0.85)
        line = QFontMetricsF(font).height()
        inner = rect.adjusted(12, 5, -8, -5)
        width = inner.width()

        def text_line(n: int, text: str, the_font, colour) -> None:
            painter.setFont(the_font)
            painter.setPen(colour)
            elided = QFontMetricsF(the_font).elidedText(text, Qt.TextElideMode.ElideRight, width)
            painter.drawText(
                QRectF(inner.left(), inner.top() + n * line, width, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                elided,
            )

        marks = ("⏸ " if index.data(CaseRole.PAUSED) else "") + (
            "‼ " if index.data(CaseRole.URGENCY) != Urgency.NORMAL.value else ""
        )
        late = status in ("overdue", "near_due")
        text_line(
            0,
            marks + (index.data(CaseRole.TIME_LEFT) or ""),
            scaled_font(font, 0.9, bold=True),
            edge if late else Colors.TEXT_DIM,
        )
        text_line(1, index.data(CaseRole.TITLE), bold, Colors.TEXT)
        text_line(
            2,
            f"{index.data(CaseRole.CODE)} · {index.data(CaseRole.CATEGORY)} · "
            f"{index.data(CaseRole.GRID)}",
            small,
            Colors.TEXT_DIM,
        )
        text_line(
            3,
            f"{index.data(CaseRole.HOLDER)} · {index.data(CaseRole.SOURCE)}",
            small,
            Colors.TEXT_DIM,
        )
        if index.data(CaseRole.NEEDS_ACTION):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(Colors.ACCENT)
            painter.drawEllipse(QRectF(rect.right() - 12, rect.bottom() - 12, 7, 7))
        painter.restore()


class BulkDialog(QDialog):
    """One reason (and a target for dispatch) for several cases."""

    def __init__(self, action: Action, count: int, targets, parent=None):
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("%1 %2 cases").replace("%1", label(action)).replace("%2", str(count))
        )
        layout = QFormLayout(self)
        self.target = QComboBox(self)
        for target in targets:
            self.target.addItem(target.name, f"{target.kind}:{target.id}")
        if action is Action.DISPATCH:
            layout.addRow(self.tr("Dispatch to"), self.target)
        self.reason = QPlainTextEdit(self)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText(self.tr("One note for all of them"))
        layout.addRow(self.tr("Note"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)


class BoardView(QWidget):
    caseActivated = Signal(int)  # double-click: open the case
    caseSelected = Signal(int)

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("boardView")
        self.console, self.actor = console, console.actor
        self.model = console.store
        self.model.set_actor(self.actor)
        self.columns = BoardColumns(self.model, self.actor, self)
        self._mine_ids: set[int] = set()  # the cases in this user's queue, whole board
        self.bulk_report: tuple[int, list[str]] | None = None  # done, refusals of the last bulk

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("Code, title, grid or holder"))
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(220)
        self.category = self._combo(self.tr("All categories"), CaseCategory)
        self.source = self._combo(self.tr("All sources"), CaseSource)
        self.urgency = self._combo(self.tr("Any urgency"), Urgency)
        self.grid = QComboBox(self)
        self.grid.addItem(self.tr("All grids"), None)
        self.center = QComboBox(self)
        self.center.setObjectName("centerFilter")
        self.center.addItem(self.tr("My whole jurisdiction"), None)
        self.holder = QLineEdit(self)
        self.holder.setPlaceholderText(self.tr("Holder"))
        self.holder.setMaximumWidth(140)
        self.overdue = QCheckBox(self.tr("Overdue only"), self)
        self.mine = QPushButton(self)
        self.mine.setObjectName("mineButton")
        self.mine.setCheckable(True)
        self.sort = QComboBox(self)
        self.sort.addItem(self.tr("Least time left first"), BoardSort.DEADLINE.value)
        self.sort.addItem(self.tr("Oldest first"), BoardSort.AGE.value)
        clear = QPushButton(self.tr("Clear filters"), self)
        clear.clicked.connect(self.clear_filters)
        for widget in (self.mine, self.text, self.holder, self.overdue, self.sort, clear):
            bar.addWidget(widget)
        second = QHBoxLayout()
        second.setSpacing(8)
        for widget in (self.center, self.category, self.source, self.urgency, self.grid):
            second.addWidget(widget)
        second.addStretch(1)
        for signal in (
            self.text.textChanged, self.holder.textChanged, self.category.currentIndexChanged,
            self.source.currentIndexChanged, self.urgency.currentIndexChanged,
            self.grid.currentIndexChanged, self.overdue.toggled, self.mine.toggled,
            self.center.currentIndexChanged,
            self.sort.currentIndexChanged,
        ):  # fmt: skip
            signal.connect(self._filter_soon)

        self.bulk_bar = QHBoxLayout()
        self.selection_label = QLabel(self)
        self.bulk_bar.addWidget(self.selection_label)
        self.bulk_buttons: dict[Action, QPushButton] = {}
        for action in BULK_ACTIONS:
            button = QPushButton(self.tr("%1 the selected").replace("%1", label(action)), self)
            button.setObjectName(f"bulk_{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.ask_bulk(a))
            self.bulk_bar.addWidget(button)
            self.bulk_buttons[action] = button
        self.message = QLabel(self)
        self.message.setObjectName("caseMessage")
        self.bulk_bar.addWidget(self.message, 1)

        self.headers: dict[Stage, QLabel] = {}
        self.lists: dict[Stage, QListView] = {}
        delegate = CardDelegate(self)
        columns = QHBoxLayout()
        columns.setSpacing(6)
        for stage in Stage:
            column = QVBoxLayout()
            header = QLabel(self)
            header.setObjectName("stageHeader")
            view = QListView(self)
            view.setObjectName(f"stage_{stage.value}")
            view.setModel(self.columns.proxy(stage))
            view.setItemDelegate(delegate)
            view.setUniformItemSizes(True)
            view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.doubleClicked.connect(
                lambda index: self.caseActivated.emit(index.data(CaseRole.CASE_ID))
            )
            view.clicked.connect(lambda index: self.caseSelected.emit(index.data(CaseRole.CASE_ID)))
            view.selectionModel().selectionChanged.connect(self._update_bulk)
            column.addWidget(header)
            column.addWidget(view, 1)
            columns.addLayout(column, 1)
            self.headers[stage], self.lists[stage] = header, view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addLayout(second)
        layout.addLayout(self.bulk_bar)
        layout.addLayout(columns, 1)

        self.columns.countsChanged.connect(self._update_headers)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._restore_filter()
        self._update_headers()
        self._update_bulk()

    def set_centers(self, centers) -> None:
        """The centers to narrow the board to: (name, depth, the center and those below)."""
        current = self.center.currentText()
        self.center.blockSignals(True)
        while self.center.count() > 1:
            self.center.removeItem(1)
        for name, depth, center_ids in centers:
            self.center.addItem("　" * depth + name, sorted(center_ids))
        self.center.setCurrentIndex(max(0, self.center.findText(current)))
        self.center.blockSignals(False)

    def _combo(self, any_text: str, enum) -> QComboBox:
        box = QComboBox(self)
        box.addItem(any_text, None)
        for value in enum:
            box.addItem(label(value), value.value)
        return box

    # --- data ------------------------------------------------------------------------------------

    def connect_console(self) -> None:
        """Follow the console: a whole new picture, or changed rows."""
        self.console.loaded.connect(self._on_loaded)
        self.console.casesChanged.connect(self._on_changes)
        self.console.clockTicked.connect(self.set_now)

    def _on_loaded(self, _data=None) -> None:
        self._count_mine()
        self._fill_grids()
        self.apply_filter()

    def _fill_grids(self) -> None:
        rows = self.model.rows()
        grids = sorted({(r.grid_name, r.grid_id) for r in rows if r.grid_id})
        current = self.grid.currentData()
        self.grid.blockSignals(True)
        while self.grid.count() > 1:
            self.grid.removeItem(1)
        for name, grid_id in grids:
            self.grid.addItem(name, grid_id)
        self.grid.setCurrentIndex(max(0, self.grid.findData(current)))
        self.grid.blockSignals(False)

    def _on_changes(self, changed, removed_ids) -> None:
        """The store has applied them; the queue count follows the changed cases only (a full
        count is made at load and when the clock moves on)."""
        test = board.action_test(self.actor, self.model.now)
        self._mine_ids.difference_update(removed_ids)
        for row in changed:
            if row.state in test.states and test(row):
                self._mine_ids.add(row.id)
            else:
                self._mine_ids.discard(row.id)
        self._update_headers()

    def is_idle(self) -> bool:
        return self.console.is_loaded and not self.console.feed.busy

    def set_now(self, _now=None) -> None:
        """The clock moved on (the store repainted the countdowns): count the queue again."""
        self._count_mine()

    def _count_mine(self) -> None:
        """The "needs my action" cases of the whole board (for the button's count)."""
        mine = board.select_rows(
            self.model.rows(), BoardFilter(mine=True), self.actor, self.model.now
        )
        self._mine_ids = {row.id for row in mine}
        self._update_headers()

    # --- filters -----------------------------------------------------------------------------------

    def current_filter(self) -> BoardFilter:
        def one(box):
            value = box.currentData()
            return None if value is None else frozenset({value})

        category, source, urgency = one(self.category), one(self.source), one(self.urgency)
        centers = self.center.currentData()
        return BoardFilter(
            center_ids=None if centers is None else frozenset(centers),
            grid_ids=one(self.grid),
            categories=None if category is None else {CaseCategory(v) for v in category},
            sources=None if source is None else {CaseSource(v) for v in source},
            urgencies=None if urgency is None else {Urgency(v) for v in urgency},
            holder=self.holder.text(),
            overdue_only=self.overdue.isChecked(),
            text=self.text.text(),
            mine=self.mine.isChecked(),
            sort=BoardSort(self.sort.currentData()),
        )

    def _filter_soon(self, *_args) -> None:
        self._filter_timer.start()

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.columns.set_filter(self.current_filter(), self.console.now())
        self._save_filter()
        self._update_headers()

    def clear_filters(self) -> None:
        for box in (self.center, self.category, self.source, self.urgency, self.grid):
            box.setCurrentIndex(0)
        self.text.clear()
        self.holder.clear()
        self.overdue.setChecked(False)
        self.mine.setChecked(False)
        self.apply_filter()

    def _save_filter(self) -> None:
        """Filters stay put across restarts of the console."""
        QSettings().setValue(
            SETTINGS_KEY,
            {
                "text": self.text.text(),
                "holder": self.holder.text(),
                "category": self.category.currentData(),
                "source": self.source.currentData(),
                "urgency": self.urgency.currentData(),
                "overdue": self.overdue.isChecked(),
                "mine": self.mine.isChecked(),
                "sort": self.sort.currentData(),
            },
        )

    def _restore_filter(self) -> None:
        saved = QSettings().value(SETTINGS_KEY)
        if not isinstance(saved, dict):
            return
        widgets = (self.text, self.holder, self.category, self.source, self.urgency)
        for widget in (*widgets, self.overdue, self.mine, self.sort):
            widget.blockSignals(True)
        self.text.setText(saved.get("text") or "")
        self.holder.setText(saved.get("holder") or "")
        for box, key in (
            (self.category, "category"),
            (self.source, "source"),
            (self.urgency, "urgency"),
            (self.sort, "sort"),
        ):
            box.setCurrentIndex(max(0, box.findData(saved.get(key))))
        self.overdue.setChecked(saved.get("overdue") in (True, "true"))
        self.mine.setChecked(saved.get("mine") in (True, "true"))
        for widget in (*widgets, self.overdue, self.mine, self.sort):
            widget.blockSignals(False)

    def _update_headers(self) -> None:
        counts = self.columns.counts()
        names = {stage: label(stage) for stage in Stage}
        for stage, header in self.headers.items():
            header.setText(f"{names[stage]}  ({counts[stage]})")
        self.mine.setText(self.tr("Needs my action (%1)").replace("%1", str(len(self._mine_ids))))

    # --- selection and bulk steps ----------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        ids = []
        for view in self.lists.values():
            ids += [i.data(CaseRole.CASE_ID) for i in view.selectionModel().selectedIndexes()]
        return ids

    def shown_ids(self, stage: Stage) -> list[int]:
        return self.columns.proxy(stage).case_ids()

    def shown_rows(self) -> list:
        """The cases shown, column by column in loop order (what an export writes)."""
        return [self.model.case_by_id(i) for stage in Stage for i in self.shown_ids(stage)]

    def filter_description(self) -> str:
        f = self.current_filter()
        parts = [
            text
            for text in (
                self.text.text().strip(),
                self.category.currentText() if f.categories else "",
                self.source.currentText() if f.sources else "",
                self.urgency.currentText() if f.urgencies else "",
                self.grid.currentText() if f.grid_ids else "",
                self.center.currentText().strip() if f.center_ids else "",
                self.holder.text().strip(),
                self.overdue.text() if f.overdue_only else "",
                self.tr("needs my action") if f.mine else "",
            )
            if text
        ]
        return " · ".join(parts) or self.tr("All cases on the board")

    def _update_bulk(self, *_args) -> None:
        count = len(self.selected_ids())
        self.selection_label.setText(
            self.tr("%1 selected").replace("%1", str(count)) if count else ""
        )
        for button in self.bulk_buttons.values():
            button.setVisible(count > 1)

    def ask_bulk(self, action: Action) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        backend = self.console.backend

        def ask(found) -> None:
            dialog = BulkDialog(action, len(ids), found, self)
            self.bulk_dialog = dialog
            dialog.accepted.connect(
                lambda: self.take_bulk(
                    action, ids, dialog.reason.toPlainText(), dialog.target.currentData()
                )
            )
            dialog.open()

        run_in_background(
            lambda: backend.dispatch_targets(ids[0]), ask, self._on_failed, owner=self
        )

    def take_bulk(self, action: Action, ids: list[int], comment: str, target=None) -> None:
        """The same step on several cases, each at the version shown and in its own
        transaction: one refusal does not stop the others, and the officer sees which were
        refused and why."""
        versions = {}
        for case_id in ids:
            row = self.model.case_by_id(case_id)
            if row is not None:
                versions[case_id] = row.version
        inputs = {"target": target} if action is Action.DISPATCH else {}
        self.console.operations.run(
            lambda b: b.take_bulk_step(versions, action, comment=comment, **inputs),
            self._on_bulk_done,
            self._on_failed,
            owner=self,
        )

    def _on_failed(self, error: Exception) -> None:
        message = describe(error, doing="a step on the case board")
        self._say(f"{message.text} {message.hint}".strip(), "alarm")

    def _on_bulk_done(self, result) -> None:
        self.bulk_report = (result.done, list(result.refused))
        text = self.tr("%1 done").replace("%1", str(result.done))
        if result.refused:
            text += " · " + self.tr("%1 refused: %2").replace(
                "%1", str(len(result.refused))
            ).replace("%2", "; ".join(result.refused[:3]))
        self._say(text, "alarm" if result.refused else "ok")

    def _say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        set_tone(self.message, tone)


class BoardTab(QWidget):
    """The board tab: the stage columns (看板) or the sortable list (列表) of the same cases."""

    def __init__(self, board_view: BoardView, case_list: QWidget, parent=None):
        super().__init__(parent)
        self.board_view, self.case_list = board_view, case_list
        switch = QHBoxLayout()
        switch.setContentsMargins(8, 6, 8, 0)
        self.board_button = QPushButton(self.tr("Columns by stage"), self)
        self.list_button = QPushButton(self.tr("List"), self)
        for button in (self.board_button, self.list_button):
            button.setCheckable(True)
            button.setObjectName("modeButton")
            switch.addWidget(button)
        switch.addStretch(1)
        self.board_button.clicked.connect(lambda: self.show_mode("board"))
        self.list_button.clicked.connect(lambda: self.show_mode("list"))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(board_view)
        self.stack.addWidget(case_list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(switch)
        layout.addWidget(self.stack, 1)
        self.show_mode("board")

    def show_mode(self, mode: str) -> None:
        self.stack.setCurrentIndex(0 if mode == "board" else 1)
        self.board_button.setChecked(mode == "board")
        self.list_button.setChecked(mode != "board")

    @property
    def mode(self) -> str:
        return "board" if self.stack.currentIndex() == 0 else "list"
