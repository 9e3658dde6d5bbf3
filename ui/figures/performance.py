"""Figures and drill-down for supervisors: what the figures of a period are, and which cases
make each of them.

Top: the period picker and the jurisdiction's headline figures (each card a button). Left:
cases reported and closed per day, the open backlog at the end of each day, and a rate (or the
intake) per community, grid, department or category. Right: the jurisdiction tree (county →
street → community → grid) with the figures of every node, the list of the cases behind the
figure last clicked (a bar, a point, a card or a cell of the tree), and the history of the case
double-clicked in that list.

Every figure comes from ``commandcenter.kpi_series`` (on ``commandcenter.kpi``) and every list
from its ``trace`` / ``trace_day``, which select the cases under the very condition the figure
counts: the list of a figure is exactly the cases it counted. All database work runs in workers
(``ui.common.tasks.run_in_background``); results come back to the GUI thread.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from PySide6.QtCore import (
    QDate,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.cases.history import HistoryEntry
from commandcenter.domain.enums import AdminLevel, CaseCategory
from commandcenter.figures import series as kpi_series
from commandcenter.figures.kpi import KpiRow, Period, PeriodError
from commandcenter.figures.series import FigureNode, Overview, Trace
from commandcenter.workflow.rules import Action
from ui.common.errors import describe
from ui.common.labels import format_datetime, format_rate, label
from ui.common.style import Colors
from ui.common.tasks import run_in_background
from ui.figures.charts import (
    BacklogChart,
    DailyChart,
    RateChart,
    percent,
)
from ui.figures.counters import CounterCard
from ui.figures.trace_model import HIGHER_IS_BETTER, TraceModel

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # tree items: (by, key)
MONTHS_OFFERED = 12
WIDE_CARDS = {"closure_rate", "on_time_rate", "rework_rate", "satisfaction_rate"}
CUSTOM = "custom"

INTAKE_COLOUR = Colors.ACCENT
CLOSED_COLOUR = Colors.ON_TIME
BACKLOG_COLOUR = Colors.NEAR_DUE
METRIC_COLOURS = {
    "on_time_rate": Colors.ON_TIME,
    "rework_rate": Colors.NEAR_DUE,
    "satisfaction_rate": QColor("#7f8cff"),
    "closure_rate": Colors.ACCENT,
    "intake": Colors.ACCENT,
}
# A higher value is better for these; the chart lists the worst first.


STALE_REFRESH_MS = 5_000


class KpiView(QWidget):
    """The supervisor's figures and their drill-down for one actor's jurisdiction."""

    caseRequested = Signal(int)  # open this case in the console
    loaded = Signal()  # the figures of a period arrived
    caseListShown = Signal()  # the cases behind a figure arrived
    historyShown = Signal()  # a case's history arrived
    busyChanged = Signal(bool)

    # Tree columns: (header, the figure a click on the cell lists).
    TREE_MEASURES = (
        "intake",
        "intake",
        "due",
        "closed",
        "on_time_rate",
        "rework_rate",
        "satisfaction_rate",
        "due",
    )

    def __init__(self, console, parent=None):
        super().__init__(parent)
        self.setObjectName("kpiView")
        self.console, self.actor = console, console.actor
        self._overview: Overview | None = None
        self._period: Period | None = None
        self._as_of: dt.datetime | None = None
        self._trace: Trace | None = None
        self._trace_title = ""
        self._history: list[HistoryEntry] = []
        self._history_case: int | None = None
        self._pending = 0
        self._tokens = {"overview": 0, "trace": 0, "history": 0}
        self._grouping_rows: list[tuple[str, int, KpiRow]] = []  # by, key, row per chart bar
        self._started = False
        # Cases changed (here or at another console): the figures are read again once they
        # are on screen, at most every STALE_REFRESH_MS, never while the officer is away.
        self._stale = False
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(STALE_REFRESH_MS)
        self._stale_timer.timeout.connect(self._refresh_if_stale)
        console.casesChanged.connect(self._on_cases_changed)

        self._build_header()
        self._build_cards()
        self._build_charts()
        self._build_drill()
        charts = QWidget(self)
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.setSpacing(8)
        charts_layout.addWidget(self.daily_chart, 5)
        charts_layout.addWidget(self.backlog_chart, 3)
        charts_layout.addLayout(self._rate_bar)
        charts_layout.addWidget(self.rate_scroll, 6)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(charts)
        self.splitter.addWidget(self.drill_splitter)
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 11)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        layout.addLayout(self._header)
        layout.addLayout(self._cards_layout)
        layout.addWidget(self.splitter, 1)
        self.setStyleSheet(
            "QLabel#counterValue { font-size: 30px; }"
            "QLabel#counterTitle { font-size: 15px; }"
            "QLabel#kpiHeading { font-size: 20px; font-weight: bold; color: #ffffff; }"
            "QLabel#kpiSection { font-size: 16px; font-weight: bold; color: #cfdbe7; }"
            "QLabel#kpiHint { color: #9fb0c2; font-size: 14px; }"
            "QLabel#kpiStatus[tone='alarm'] { color: #ff6b6d; font-weight: bold; }"
        )
        self._select_period_in_combo(self._default_period())

    # --- construction -------------------------------------------------------------------------

    def _build_header(self) -> None:
        self.heading = QLabel(self.tr("Figures and drill-down"), self)
        self.heading.setObjectName("kpiHeading")
        self.scope_label = QLabel(self.actor.center_name, self)
        self.scope_label.setObjectName("kpiHint")
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("kpiPeriod")
        self.period_combo.setMinimumContentsLength(16)
        today = self.console.now().date()
        year, month = today.year, today.month
        for i in range(MONTHS_OFFERED):
            text = f"{year}-{month:02d}"
            shown = self.tr("%1 (to date)").replace("%1", text) if i == 0 else text
            self.period_combo.addItem(shown, text)
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        self.period_combo.addItem(self.tr("This quarter (%1)").replace("%1", quarter), quarter)
        self.period_combo.addItem(
            self.tr("This year (%1)").replace("%1", str(today.year)), str(today.year)
        )
        self.period_combo.addItem(self.tr("Custom range…"), CUSTOM)
        self.period_combo.activated.connect(self._period_chosen)
        self.first_date = QDateEdit(self)
        self.last_date = QDateEdit(self)
        for edit in (self.first_date, self.last_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate(today.year, today.month, 1))
        self.last_date.setDate(QDate(today.year, today.month, today.day))
        self.apply_button = QPushButton(self.tr("Show"), self)
        self.apply_button.clicked.connect(self._custom_applied)
        self.custom_box = QWidget(self)
        custom = QHBoxLayout(self.custom_box)
        custom.setContentsMargins(0, 0, 0, 0)
        custom.setSpacing(6)
        custom.addWidget(self.first_date)
        custom.addWidget(QLabel("–", self.custom_box))
        custom.addWidget(self.last_date)
        custom.addWidget(self.apply_button)
        self.custom_box.hide()
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # moving: "working"
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(120)
        self.busy_bar.hide()
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("kpiStatus")
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self._header = QHBoxLayout()
        self._header.setSpacing(10)
        self._header.addWidget(self.heading)
        self._header.addWidget(self.scope_label)
        self._header.addStretch(1)
        self._header.addWidget(self.status_label)
        self._header.addWidget(self.busy_bar)
        period_label = QLabel(self.tr("Period"), self)
        period_label.setObjectName("kpiSection")
        self._header.addWidget(period_label)
        self._header.addWidget(self.period_combo)
        self._header.addWidget(self.custom_box)
        self._header.addWidget(self.refresh_button)

    def _build_cards(self) -> None:
        unit = self.tr("cases")
        specs = (
            ("intake", self.tr("Reported"), unit, "new"),
            ("due", self.tr("Due"), unit, "normal"),
            ("closure_rate", self.tr("Closure rate"), "", "good"),
            ("on_time_rate", self.tr("On-time closure rate"), "", "good"),
            ("rework_rate", self.tr("Rework rate"), "", "warn"),
            ("satisfaction_rate", self.tr("Satisfaction rate"), "", "good"),
            ("backlog", self.tr("Open at period end"), unit, "alarm"),
            ("score", self.tr("Score"), "", "normal"),
        )
        self.cards: dict[str, CounterCard] = {}
        self._cards_layout = QHBoxLayout()
        self._cards_layout.setSpacing(8)
        for key, title, unit_text, tone in specs:
            card = CounterCard(key, title, unit_text, tone, self)
            card.note.setWordWrap(True)  # long notes wrap instead of widening the row
            card.setToolTip(self.tr("Click for the cases behind this figure."))
            card.clicked.connect(self._card_clicked)
            self.cards[key] = card
            self._cards_layout.addWidget(card, 3 if key in WIDE_CARDS else 2)

    def _build_charts(self) -> None:
        self.daily_chart = DailyChart(self)
        self.daily_chart.barClicked.connect(self._daily_bar_clicked)
        self.backlog_chart = BacklogChart(self)
        self.backlog_chart.pointClicked.connect(lambda index: self._drill_day(index, "backlog"))
        self.backlog_chart.setXLink(self.daily_chart)
        self.metric_combo = QComboBox(self)
        self.metric_combo.setObjectName("kpiMetric")
        for key, text in (
            ("on_time_rate", self.tr("On-time closure rate")),
            ("rework_rate", self.tr("Rework rate")),
            ("satisfaction_rate", self.tr("Satisfaction rate")),
            ("closure_rate", self.tr("Closure rate")),
            ("intake", self.tr("Cases reported")),
        ):
            self.metric_combo.addItem(text, key)
        self.grouping_combo = QComboBox(self)
        self.grouping_combo.setObjectName("kpiGrouping")
        # Groupings below the actor's own level only: a community has no streets to compare.
        level = self.actor.center_level
        above_streets = level in (AdminLevel.PROVINCE, AdminLevel.CITY, AdminLevel.COUNTY)
        for key, text, offered in (
            ("community", self.tr("by community"), level is not AdminLevel.COMMUNITY),
            ("street", self.tr("by street"), above_streets),
            ("grid", self.tr("by grid"), True),
            ("department", self.tr("by department"), True),
            ("category", self.tr("by category"), True),
        ):
            if offered:
                self.grouping_combo.addItem(text, key)
        self.metric_combo.currentIndexChanged.connect(self._show_rates)
        self.grouping_combo.currentIndexChanged.connect(self._show_rates)
        self.rate_note = QLabel("", self)
        self.rate_note.setObjectName("kpiHint")
        self._rate_bar = QHBoxLayout()
        self._rate_bar.setSpacing(8)
        self._rate_bar.addWidget(self.metric_combo)
        self._rate_bar.addWidget(self.grouping_combo)
        self._rate_bar.addWidget(self.rate_note, 1)
        self.rate_chart = RateChart(self)
        self.rate_chart.barClicked.connect(self._rate_bar_clicked)
        self.rate_scroll = QScrollArea(self)
        self.rate_scroll.setWidgetResizable(True)
        self.rate_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.rate_scroll.setWidget(self.rate_chart)

    def _build_drill(self) -> None:
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("kpiTree")
        headers = [
            self.tr("Jurisdiction"),
            self.tr("Reported"),
            self.tr("Due"),
            self.tr("Closed"),
            self.tr("On time"),
            self.tr("Rework"),
            self.tr("Satisfied"),
            self.tr("Score"),
        ]
        tips = [
            self.tr("Click a unit or grid for the cases reported there in the period."),
            self.tr("Cases reported in the period."),
            self.tr("Cases whose deadline fell in the period (declined, voided, merged left out)."),
            self.tr("Of the due cases, those closed."),
            self.tr("Closed on time ÷ due."),
            self.tr("Due cases sent back by a failed verification ÷ due."),
            self.tr("Ratings 4–5 ÷ rated cases."),
            self.tr("Weighted score (0–100) and grade; click for the due cases."),
        ]
        self.tree.setColumnCount(len(headers))
        self.tree.setHeaderLabels(headers)
        for column, tip in enumerate(tips):
            self.tree.headerItem().setToolTip(column, tip)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(headers)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemClicked.connect(self._tree_clicked)

        self.trace_label = QLabel(
            self.tr("Click a bar, a point, a card or a figure in the tree to list its cases."),
            self,
        )
        self.trace_label.setObjectName("kpiSection")
        self.trace_label.setWordWrap(True)
        self.trace_model = TraceModel(self)
        self.case_table = QTableView(self)
        self.case_table.setObjectName("kpiCaseTable")
        self.case_table.setModel(self.trace_model)
        self.case_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.case_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.case_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.case_table.setAlternatingRowColors(True)
        self.case_table.setWordWrap(False)
        self.case_table.verticalHeader().hide()
        self.case_table.verticalHeader().setDefaultSectionSize(28)
        table_header = self.case_table.horizontalHeader()
        table_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        table_header.resizeSection(2, 200)
        table_header.setStretchLastSection(True)
        self.case_table.doubleClicked.connect(
            lambda index: self.show_history(self.trace_model.case_id(index.row()))
        )
        self.case_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.open_button.setEnabled(current.isValid())
        )
        self.open_button = QPushButton(self.tr("Open case"), self)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_selected)
        hint = QLabel(self.tr("Double-click a case for its history."), self)
        hint.setObjectName("kpiHint")
        list_bar = QHBoxLayout()
        list_bar.addWidget(hint, 1)
        list_bar.addWidget(self.open_button)
        cases = QWidget(self)
        cases_layout = QVBoxLayout(cases)
        cases_layout.setContentsMargins(0, 0, 0, 0)
        cases_layout.setSpacing(4)
        cases_layout.addWidget(self.trace_label)
        cases_layout.addWidget(self.case_table, 1)
        cases_layout.addLayout(list_bar)

        self.history_label = QLabel(self.tr("History of a case"), self)
        self.history_label.setObjectName("kpiSection")
        self.history_label.setWordWrap(True)
        self.history_list = QTreeWidget(self)
        self.history_list.setObjectName("kpiHistory")
        self.history_list.setRootIsDecorated(False)
        self.history_list.setAlternatingRowColors(True)
        self.history_list.setWordWrap(True)
        self.history_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.history_list.setHeaderLabels(
            [self.tr("#"), self.tr("Time"), self.tr("Step"), self.tr("By"), self.tr("Stage"),
             self.tr("Note")]
        )  # fmt: skip
        history_header = self.history_list.header()
        history_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        history_header.setStretchLastSection(True)
        history = QWidget(self)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.setSpacing(4)
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history_list, 1)

        self.drill_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.drill_splitter.addWidget(self.tree)
        self.drill_splitter.addWidget(cases)
        self.drill_splitter.addWidget(history)
        self.drill_splitter.setStretchFactor(0, 5)
        self.drill_splitter.setStretchFactor(1, 4)
        self.drill_splitter.setStretchFactor(2, 3)
        self.drill_splitter.setChildrenCollapsible(False)
        self.drill_splitter.setSizes([330, 330, 260])

    # --- the public API -------------------------------------------------------------------------

    def set_period(self, period_text: str) -> None:
        """Show the figures of ``period_text`` (2026-10, 2026-Q3, 2026, 2026-10-05 or
        2026-10-01..2026-10-15)."""
        try:
            period = Period.parse(period_text)
        except PeriodError as exc:
            self._show_error(exc, "reading the period")
            return
        self._select_period_in_combo(period)
        self._load(period)

    def period(self) -> Period | None:
        return self._period

    def overview(self) -> Overview | None:
        return self._overview

    def refresh(self) -> None:
        """Load the chosen period's figures again (e.g. after cases changed)."""
        self._load(self._period or self._chosen_period())

    def drill_figure(self, figure: str, by: str, key) -> None:
        """List the cases behind ``figure`` of the row ``by`` / ``key`` (``center``, ``grid``,
        ``department``, ``grid_manager``, ``category``), or of a day (``by="day"``, ``key`` a
        date or ``YYYY-MM-DD``, ``figure`` one of ``kpi_series.DAY_FIGURES``)."""
        if self._period is None:
            self._load(self._chosen_period())
        backend = self.console.backend
        period, as_of = self._period, self._as_of
        if by == "day":
            day = key if isinstance(key, dt.date) else dt.date.fromisoformat(str(key))
            title = self._day_title(day, figure)

            def work():
                return backend.figures_trace_day(day, figure, as_of)

        else:
            title = self._figure_title(figure, by, key)

            def work():
                return backend.figures_trace(period, by, key, figure, as_of)

        self.trace_label.setText(title + " — " + self.tr("loading…"))
        token = self._next("trace")
        self._run(work, lambda trace: self._trace_loaded(token, trace, title), "listing cases")

    def case_list_ids(self) -> list[int]:
        """The ids of the cases listed, in the order shown."""
        return [case.id for case in self.trace_model.cases]

    def current_trace(self) -> Trace | None:
        return self._trace

    def show_history(self, case_id: int) -> None:
        """Show the archive of one case (jurisdiction-checked in the core)."""
        backend = self.console.backend

        def work():
            return backend.case_history(case_id)

        token = self._next("history")
        self.history_label.setText(self.tr("History of a case") + " — " + self.tr("loading…"))
        self._run(
            work,
            lambda entries: self._history_loaded(token, case_id, entries),
            "loading a case's history",
        )

    def history_entries(self) -> list[HistoryEntry]:
        return list(self._history)

    def history_case_id(self) -> int | None:
        return self._history_case

    def is_idle(self) -> bool:
        return self._pending == 0

    # --- loading --------------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            if self._period is None:
                self._load(self._chosen_period())
        elif self._stale:
            self._stale_timer.start()

    def _on_cases_changed(self, _changed, _removed) -> None:
        if self._period is None:
            return
        self._stale = True
        if self.isVisible() and not self._stale_timer.isActive():
            self._stale_timer.start()

    def _refresh_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self._stale = False
            self.refresh()

    def _next(self, kind: str) -> int:
        self._tokens[kind] += 1
        return self._tokens[kind]

    def _run(self, work, on_done, doing: str) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_bar.show()
            self.busyChanged.emit(True)
        self.status_label.setText(self.tr("Loading…"))
        self.status_label.setProperty("tone", "")
        self._repolish(self.status_label)

        def done(result):
            self._finish()
            on_done(result)

        def failed(error):
            self._finish()
            self._show_error(error, doing)

        run_in_background(work, done, failed, owner=self)

    def _finish(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_bar.hide()
            self.status_label.setText("")
            self.busyChanged.emit(False)

    def _show_error(self, error: Exception, doing: str) -> None:
        message = describe(error, doing=doing)
        self.status_label.setText("▲ " + message.text)
        self.status_label.setToolTip(message.hint)
        self.status_label.setProperty("tone", "alarm")
        self._repolish(self.status_label)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _load(self, period: Period) -> None:
        self._period, self._as_of = period, self.console.now()
        self._started = True
        backend, as_of = self.console.backend, self._as_of

        def work():
            return backend.figures_overview(period, as_of)

        token = self._next("overview")
        self._run(work, lambda result: self._overview_loaded(token, result), "loading figures")

    def _overview_loaded(self, token: int, overview: Overview) -> None:
        if token != self._tokens["overview"]:
            return  # a newer period was asked for meanwhile
        self._overview = overview
        self._show_cards(overview)
        self._show_series(overview)
        self._show_tree(overview.tree)
        self._show_rates()
        self.loaded.emit()

    def _trace_loaded(self, token: int, trace: Trace, title: str) -> None:
        if token != self._tokens["trace"]:
            return
        self._trace = trace
        self.trace_model.set_trace(trace)
        self.case_table.setColumnHidden(0, trace.numerator is None)
        self.open_button.setEnabled(False)
        count = len(trace.ids)
        if trace.numerator is not None:
            text = self._rate_sentence(trace.measure, len(trace.counted), count)
            summary = f"{title}: {percent(trace.rate)} — {text} (✓). " + self.tr(
                "Amber rows pull the figure the wrong way; they come first."
            )
        else:
            summary = f"{title}: " + self.tr("%1 cases").replace("%1", str(count))
        self._trace_title = summary
        self.trace_label.setText(summary)
        self.caseListShown.emit()

    def _history_loaded(self, token: int, case_id: int, entries: list[HistoryEntry]) -> None:
        if token != self._tokens["history"]:
            return
        self._history, self._history_case = list(entries), case_id
        listed = next((c for c in self.trace_model.cases if c.id == case_id), None)
        heading = self.tr("History of case %1").replace("%1", listed.code if listed else "")
        if listed is not None:
            heading += f" · {listed.title} · {label(listed.state)}"
        self.history_label.setText(heading)
        self.history_list.clear()
        for entry in entries:
            item = QTreeWidgetItem(self.history_list)
            item.setText(0, str(entry.seq))
            item.setText(1, format_datetime(entry.at))
            item.setText(2, self._action_text(entry.action))
            who = entry.actor_name
            if entry.actor_role is not None:
                who = f"{who} ({label(entry.actor_role)})" if who else label(entry.actor_role)
            item.setText(3, who)
            item.setToolTip(3, entry.actor_center)
            if entry.from_state is not None and entry.to_state != entry.from_state:
                stage = f"{label(entry.from_state)} → {label(entry.to_state)}"
            else:
                stage = label(entry.to_state)
            item.setText(4, stage)
            note = self._note_text(entry)
            item.setText(5, note)
            item.setToolTip(5, note)
        self.historyShown.emit()

    # --- filling the widgets ----------------------------------------------------------------

    def _show_cards(self, overview: Overview) -> None:
        total = overview.total
        if total is None:
            return
        self.cards["intake"].set_value(
            str(total.intake), self.tr("%1 filed").replace("%1", str(total.filed))
        )
        self.cards["due"].set_value(
            str(total.due), self.tr("%1 closed").replace("%1", str(total.closed))
        )
        for key in ("closure_rate", "on_time_rate", "rework_rate", "satisfaction_rate"):
            numerator = kpi_series.RATE_NUMERATORS[key]
            denominator = "rated" if key == "satisfaction_rate" else "due"
            self.cards[key].set_value(
                format_rate(getattr(total, key)),
                self._rate_sentence(key, getattr(total, numerator), getattr(total, denominator)),
            )
        known = [d for d in overview.series.days if d.backlog is not None]
        if known:
            last = known[-1].day
            self.cards["backlog"].set_value(
                str(known[-1].backlog),
                self.tr("now")
                if last == overview.as_of.date()
                else self.tr("end of %1").replace("%1", last.isoformat()),
            )
        else:
            self.cards["backlog"].set_value("—", "")
        score = "—" if total.score is None else f"{total.score:.1f}"
        self.cards["score"].set_value(score, self.tr("grade %1").replace("%1", total.grade or "—"))

    def _show_series(self, overview: Overview) -> None:
        series = overview.series
        days = [d.day for d in series.days]
        intake, closed = series.values("intake"), series.values("closed")
        heading = self.tr("Reported and closed per day")
        reported_word, closed_word = self.tr("reported"), self.tr("closed")
        title = (
            f"{heading} · {overview.period.label}   "
            f"<span style='color:{INTAKE_COLOUR.name()}'>■ "
            f"{reported_word} {sum(intake)}</span>   "
            f"<span style='color:{CLOSED_COLOUR.name()}'>■ "
            f"{closed_word} {sum(closed)}</span>"
        )
        self.daily_chart.set_series(days, intake, closed, title)
        self.backlog_chart.set_series(
            days,
            series.values("backlog"),
            f"<span style='color:{BACKLOG_COLOUR.name()}'>●</span> "
            + self.tr("Open cases at the end of each day"),
        )

    def _show_tree(self, root: FigureNode) -> None:
        expanded = {
            item.data(0, KEY_ROLE)
            for item in self._tree_items()
            if item.isExpanded() and item.data(0, KEY_ROLE) is not None
        }
        first_time = self.tree.topLevelItemCount() == 0
        self.tree.clear()

        def add(parent, node: FigureNode) -> None:
            item = QTreeWidgetItem(parent)
            item.setData(0, KEY_ROLE, (node.by, node.key))
            item.setText(0, node.name)
            if node.by == "center":
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setToolTip(0, label(node.level))
            row = node.row
            values = (
                ["—"] * 7
                if row is None
                else [
                    str(row.intake),
                    str(row.due),
                    str(row.closed),
                    percent(row.on_time_rate),
                    percent(row.rework_rate),
                    percent(row.satisfaction_rate),
                    "—" if row.score is None else f"{row.score:.1f} {row.grade}",
                ]
            )
            for column, text in enumerate(values, start=1):
                item.setText(column, text)
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            if row is not None and row.on_time_rate is not None and row.on_time_rate < 0.8:
                item.setForeground(4, QBrush(Colors.NEAR_DUE))
            for child in node.children:
                add(item, child)
            key = (node.by, node.key)
            if first_time:
                item.setExpanded(node.level in (AdminLevel.PROVINCE, AdminLevel.CITY,
                                                AdminLevel.COUNTY, AdminLevel.TOWNSHIP))  # fmt: skip
            else:
                item.setExpanded(key in expanded)

        add(self.tree, root)

    def _tree_items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def tree_item(self, by: str, key: int) -> QTreeWidgetItem | None:
        return next((i for i in self._tree_items() if i.data(0, KEY_ROLE) == (by, key)), None)

    def _grouping_rows_for(self, grouping: str) -> list[tuple[str, int, KpiRow, str]]:
        """(by, key, row, display name) of the groups the chart shows."""
        overview = self._overview
        if overview is None:
            return []
        if grouping in ("community", "street"):
            level = AdminLevel.COMMUNITY if grouping == "community" else AdminLevel.TOWNSHIP
            return [
                ("center", n.key, n.row, n.name)
                for n in overview.tree.walk()
                if n.by == "center" and n.level is level and n.row is not None
            ]
        if grouping == "category":
            return [
                ("category", r.key, r, label(CaseCategory(r.code)))
                for r in overview.rows["category"]
            ]
        return [(grouping, r.key, r, r.name) for r in overview.rows[grouping]]

    def _show_rates(self) -> None:
        metric = self.metric_combo.currentData()
        grouping = self.grouping_combo.currentData()
        groups = self._grouping_rows_for(grouping)
        rate = metric != "intake"
        if rate:
            known = [g for g in groups if getattr(g[2], metric) is not None]
            empty = [g for g in groups if getattr(g[2], metric) is None]
            worst_first = metric in HIGHER_IS_BETTER
            known.sort(key=lambda g: getattr(g[2], metric), reverse=not worst_first)
            groups = known + empty
        else:
            groups = sorted(groups, key=lambda g: g[2].intake, reverse=True)
        numerator = kpi_series.RATE_NUMERATORS.get(metric)
        denominator = "rated" if metric == "satisfaction_rate" else "due"
        rows = []
        for _, _, row, name in groups:
            value = getattr(row, metric)
            if rate:
                text = (
                    "—"
                    if value is None
                    else f"{percent(value)}  ({getattr(row, numerator)}/"
                    f"{getattr(row, denominator)})"
                )
            else:
                text = str(value)
            rows.append((name, value, text))
        self._grouping_rows = [(by, key, row) for by, key, row, _ in groups]
        self.rate_chart.set_rows(rows, METRIC_COLOURS[metric], rate=rate)
        if rate:
            note = (
                self.tr("lowest first; click a bar for its cases")
                if metric in HIGHER_IS_BETTER
                else self.tr("highest first; click a bar for its cases")
            )
        else:
            note = self.tr("most first; click a bar for its cases")
        self.rate_note.setText(note)

    # --- clicks ---------------------------------------------------------------------------------

    def _card_clicked(self, key: str) -> None:
        if self._overview is None:
            return
        if key == "backlog":
            known = [d for d in self._overview.series.days if d.backlog is not None]
            if known:
                self.drill_figure("backlog", "day", known[-1].day)
            return
        measure = "due" if key == "score" else key
        self.drill_figure(measure, "center", self.actor.center_id)

    def _daily_bar_clicked(self, index: int, figure: str) -> None:
        self._drill_day(index, figure)

    def _drill_day(self, index: int, figure: str) -> None:
        if self._overview is None:
            return
        self.drill_figure(figure, "day", self._overview.series.days[index].day)

    def _rate_bar_clicked(self, row: int) -> None:
        if 0 <= row < len(self._grouping_rows):
            by, key, _ = self._grouping_rows[row]
            self.drill_figure(self.metric_combo.currentData(), by, key)

    def _tree_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        by, key = item.data(0, KEY_ROLE)
        if key is None:
            return
        self.drill_figure(self.TREE_MEASURES[column], by, key)

    def _open_selected(self) -> None:
        index = self.case_table.currentIndex()
        if index.isValid():
            self.caseRequested.emit(self.trace_model.case_id(index.row()))

    # --- the period picker ----------------------------------------------------------------------

    def _default_period(self) -> Period:
        today = self.console.now().date()
        return Period.month(today.year, today.month)

    def _chosen_period(self) -> Period:
        data = self.period_combo.currentData()
        if data == CUSTOM:
            first = self.first_date.date().toPython()
            last = self.last_date.date().toPython()
            return Period.parse(f"{first.isoformat()}..{last.isoformat()}")
        return Period.parse(data)

    def _select_period_in_combo(self, period: Period) -> None:
        index = self.period_combo.findData(period.label)
        if index < 0:
            index = self.period_combo.findData(CUSTOM)
            self.first_date.setDate(QDate(period.first.year, period.first.month, period.first.day))
            self.last_date.setDate(QDate(period.last.year, period.last.month, period.last.day))
        self.period_combo.setCurrentIndex(index)
        self.custom_box.setVisible(self.period_combo.currentData() == CUSTOM)

    def _period_chosen(self, _index: int) -> None:
        custom = self.period_combo.currentData() == CUSTOM
        self.custom_box.setVisible(custom)
        if not custom:
            self._load(self._chosen_period())

    def _custom_applied(self) -> None:
        try:
            period = self._chosen_period()
        except PeriodError as exc:
            self._show_error(exc, "reading the period")
            return
        self._load(period)

    # --- words ----------------------------------------------------------------------------------

    def _figure_names(self) -> dict[str, str]:
        return {
            "intake": self.tr("Reported"),
            "filed": self.tr("Filed"),
            "due": self.tr("Due"),
            "closed": self.tr("Closed (of due)"),
            "closed_on_time": self.tr("Closed on time"),
            "reworked": self.tr("Reworked"),
            "extended": self.tr("Extended"),
            "handled": self.tr("Closed with a handling time"),
            "rated": self.tr("Rated"),
            "satisfied": self.tr("Satisfied"),
            "patrol_reports": self.tr("Grid patrol reports"),
            "self_resolved": self.tr("Resolved on the spot"),
            "closure_rate": self.tr("Closure rate"),
            "on_time_rate": self.tr("On-time closure rate"),
            "rework_rate": self.tr("Rework rate"),
            "extension_rate": self.tr("Extension rate"),
            "satisfaction_rate": self.tr("Satisfaction rate"),
            "self_resolution_rate": self.tr("Self-resolution rate"),
            "avg_handling_hours": self.tr("Average handling time"),
        }

    def _day_names(self) -> dict[str, str]:
        return {
            "intake": self.tr("Reported that day"),
            "closed": self.tr("Closed that day"),
            "dropped": self.tr("Declined, voided or merged that day"),
            "backlog": self.tr("Open at the end of the day"),
            "due": self.tr("Due that day"),
            "due_closed": self.tr("Due that day and closed"),
            "closed_on_time": self.tr("Due that day and closed on time"),
        }

    def _rate_sentence(self, measure: str, counted: int, total: int) -> str:
        template = {
            "closure_rate": self.tr("%1 of %2 due cases closed"),
            "on_time_rate": self.tr("%1 of %2 due cases closed on time"),
            "rework_rate": self.tr("%1 of %2 due cases reworked"),
            "extension_rate": self.tr("%1 of %2 due cases extended"),
            "satisfaction_rate": self.tr("%1 of %2 rated cases satisfied"),
            "self_resolution_rate": self.tr("%1 of %2 patrol reports resolved on the spot"),
        }.get(measure, "%1 / %2")
        return template.replace("%1", str(counted)).replace("%2", str(total))

    def _group_name(self, by: str, key) -> str:
        overview = self._overview
        if overview is None:
            return ""
        if by in ("center", "grid"):
            node = next((n for n in overview.tree.walk() if (n.by, n.key) == (by, key)), None)
            if node is not None:
                return node.name
        if by == "category":
            category = key if isinstance(key, CaseCategory) else kpi_series.CATEGORIES[int(key)]
            return label(category)
        row = next((r for r in overview.rows.get(by, ()) if r.key == key), None)
        return row.name if row else ""

    def _figure_title(self, figure: str, by: str, key) -> str:
        name = self._group_name(by, key)
        period = self._period.label if self._period else ""
        return " · ".join(p for p in (name, period, self._figure_names().get(figure, figure)) if p)

    def _day_title(self, day: dt.date, figure: str) -> str:
        return f"{self.actor.center_name} · {day.isoformat()} · " + self._day_names().get(
            figure, figure
        )

    def _action_text(self, action: str) -> str:
        try:
            return label(Action(action))
        except ValueError:
            return action

    def _note_text(self, entry: HistoryEntry) -> str:
        captions = {
            "reporter": self.tr("reporter"),
            "department": self.tr("to"),
            "center": self.tr("to"),
            "deadline": self.tr("deadline"),
            "passed": self.tr("passed"),
            "rating": self.tr("rating"),
            "days": self.tr("days"),
            "hours": self.tr("hours"),
            "into": self.tr("into"),
            "late": self.tr("late"),
            "approved": self.tr("approved"),
        }
        parts = [entry.comment] if entry.comment else []
        for key, value in entry.details:
            if key not in captions or value == "":
                continue
            if key == "deadline":
                with contextlib.suppress(ValueError):
                    value = format_datetime(dt.datetime.fromisoformat(value))
            if value in ("yes", "no"):
                value = self.tr("yes") if value == "yes" else self.tr("no")
            parts.append(f"{captions[key]}: {value}")
        return " · ".join(parts)
