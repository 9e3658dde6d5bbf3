"""The monthly report (月报) as a PDF: A4, 300 dpi, drawn with QPdfWriter and QPainter.

Pages: a cover with the month's key figures and their change against the month before, and the
figures per category; a chart page (intake and closures per day with the open backlog, intake
and closures per community with the on-time rate, the on-time rate of every grid); a section
per community with a chart and a table of its grids; the overdue grids and the list of overdue
cases. Every number comes from :func:`commandcenter.exports.monthly_report_data`: this module
only lays them out.

No widget and no QPixmap is used, only a QPdfWriter, QPainter, QFont and QFontMetricsF, so
:func:`write_monthly_report_pdf` may run in a worker thread (``ui.common.tasks``) and offscreen. A
QGuiApplication must exist (for the fonts).

From a shell (the core's command line never loads Qt, so the PDF has its own entry point)::

    python -m ui.figures.monthly_report --period 2026-10 report.pdf [--db URL] [--user NAME]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from commandcenter.domain.labels_zh import label_zh
from commandcenter.figures.kpi import KpiRow
from commandcenter.figures.monthly_report import MonthlyReport, OverdueCase, category_label
from ui.common.style import FONT_FAMILIES

DPI = 300
MARGINS_MM = QMarginsF(16, 14, 16, 12)  # left, top, right, bottom
MAX_LISTED_CASES = 500  # the overdue list stops here (the rest: in the console)


def mm(value: float) -> float:
    """Millimetres in device pixels at :data:`DPI`."""
    return value * DPI / 25.4


class Ink:
    """Print colours: dark text on white paper."""

    TEXT = QColor("#1b1f24")
    DIM = QColor("#5f6b7a")
    RULE = QColor("#9aa5b1")
    GRID = QColor("#dde2e8")
    HEADER_FILL = QColor("#e3ebf5")
    ZEBRA = QColor("#f5f7fa")
    TOTAL_FILL = QColor("#eef2e6")
    TILE = QColor("#f3f6fa")
    INTAKE = QColor("#2f6db5")
    CLOSED = QColor("#43a047")
    RATE = QColor("#ef6c00")
    BACKLOG = QColor("#8e24aa")
    GOOD = QColor("#2e7d32")
    BAD = QColor("#c62828")


# --- numbers as the report writes them ----------------------------------------------------------


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def number_text(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if digits else f"{value:,.0f}"


def month_text(report: MonthlyReport) -> str:
    return f"{report.period.first.year}年{report.period.first.month}月"


def _signed(value: float, text: str) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def count_change_text(now: int, before: int) -> str:
    """较上月 +41（+6.3%）"""
    difference = now - before
    if difference == 0:
        return "与上月持平"
    text = _signed(difference, f"{abs(difference):,}")
    if before:
        text += f"（{_signed(difference, f'{abs(difference) / before * 100:.1f}%')}）"
    return f"较上月 {text}"


def rate_change_text(now: float | None, before: float | None) -> str:
    """较上月 −0.5 个百分点"""
    if now is None or before is None:
        return "上月无可比数据"
    points = round((now - before) * 100, 1)
    if points == 0:
        return "与上月持平"
    return f"较上月 {_signed(points, f'{abs(points):.1f}')} 个百分点"


def value_change_text(now: float | None, before: float | None, unit: str) -> str:
    if now is None or before is None:
        return "上月无可比数据"
    difference = round(now - before, 1)
    if difference == 0:
        return "与上月持平"
    return f"较上月 {_signed(difference, f'{abs(difference):.1f}')}{unit}"


def summary_text(report: MonthlyReport) -> str:
    """The cover's paragraph, written out from the figures (for the meeting's minutes)."""
    total, before = report.total, report.previous_total
    parts = [
        f"{month_text(report)}，{report.center_name}辖区共受理案件 {total.intake:,} 件，"
        f"{count_change_text(total.intake, before.intake)}；立案 {total.filed:,} 件。",
        f"本月应结案 {total.due:,} 件，已结案 {total.closed:,} 件，结案率 "
        f"{rate_text(total.closure_rate)}；按期结案 {total.closed_on_time:,} 件，按期结案率 "
        f"{rate_text(total.on_time_rate)}（{rate_change_text(total.on_time_rate, before.on_time_rate)}）。",
        f"超期（应结案中未按期结案）{report.overdue:,} 件，其中截至统计时点仍未结案 "
        f"{sum(not c.closed for c in report.overdue_cases):,} 件。",
        f"返工率 {rate_text(total.rework_rate)}，回访满意率 {rate_text(total.satisfaction_rate)}，"
        f"平均处置时长 {number_text(total.avg_handling_hours, 1)} 工作小时；考核得分 "
        f"{number_text(total.score, 1)}，等级 {total.grade or '—'}。",
    ]
    if report.overdue_grids:
        worst = "、".join(f"{o.grid.name}（{o.overdue} 件）" for o in report.overdue_grids[:3])
        parts.append(f"超期较多的网格：{worst}。")
    return "".join(parts)


def short_grid_label(grid: KpiRow, community: str) -> str:
    """东安社区第01网格 → 01; a dedicated grid keeps its own name without 网格."""
    name = grid.name.removeprefix(community).removesuffix("网格")
    if name.startswith("第") and name[1:].isdigit():
        return name[1:]
    return name or grid.code[-5:]


# --- drawing ------------------------------------------------------------------------------------


def _font(points: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative to the other columns
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    fit: bool = False  # as wide as its widest cell (codes, names); the others share the rest


@dataclass(frozen=True)
class Series:
    name: str
    color: QColor
    values: Sequence[float | None]
    colors: Sequence[QColor] | None = None  # one per value, instead of ``color``


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    step: float
    format: Callable[[float], str]

    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]

    def share(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def count_axis(largest: float) -> Axis:
    """0 … a round number above ``largest``, with at most six steps of 1, 2 or 5 × 10ⁿ."""
    largest = max(largest, 1) * 1.08  # room above the tallest bar for its value
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)
    return Axis(0, step * math.ceil(largest / step), step, lambda v: f"{v:,.0f}")


def rate_axis(values: Sequence[float | None]) -> Axis:
    """Up to 100 %, from a round 10 % below the lowest rate (0 % at the lowest)."""
    known = [v for v in values if v is not None]
    low = max(0.0, math.floor((min(known, default=0.0) - 0.05) * 10) / 10)
    step = 0.1 if 1 - low <= 0.5 else 0.2
    low = 1 - step * math.ceil((1 - low) / step - 1e-9)
    return Axis(max(0.0, low), 1.0, step, lambda v: f"{v * 100:.0f}%")


class ReportPainter:
    """A QPainter on a QPdfWriter with a cursor down the page, page breaks, a running header
    and a footer on every page."""

    def __init__(self, writer: QPdfWriter, report: MonthlyReport):
        self.writer = writer
        self.report = report
        self.painter = QPainter()
        if not self.painter.begin(writer):
            raise OSError("cannot write the PDF file (is it open in another program?)")
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.width = float(writer.width())
        self.height = float(writer.height())
        self.page = 1
        self.y = 0.0
        self.fonts: dict[tuple[float, bool], QFont] = {}

    # text

    def font(self, points: float, bold: bool = False) -> QFont:
        key = (points, bold)
        if key not in self.fonts:
            self.fonts[key] = _font(points, bold=bold)
        return self.fonts[key]

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.writer)

    def text(
        self,
        rect: QRectF,
        text: str,
        font: QFont,
        color: QColor = Ink.TEXT,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        *,
        elide: bool = True,
    ) -> None:
        p = self.painter
        p.setFont(font)
        p.setPen(color)
        if elide:
            text = self.metrics(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)

    def paragraph(self, text: str, font: QFont, color: QColor = Ink.TEXT) -> None:
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
        bounds = self.metrics(font).boundingRect(QRectF(0, 0, self.width, 1e6), flags, text)
        self.ensure(bounds.height())
        self.painter.setFont(font)
        self.painter.setPen(color)
        self.painter.drawText(QRectF(0, self.y, self.width, bounds.height()), flags, text)
        self.y += bounds.height()

    def heading(self, text: str, *, size: float = 13, space_after: float = 2.5) -> None:
        font = self.font(size, True)
        height = self.metrics(font).height() * 1.3
        self.ensure(height + mm(25))  # never a heading alone at the foot of a page
        self.text(QRectF(0, self.y, self.width, height), text, font)
        self.y += height
        self.rule(Ink.INTAKE, mm(0.5))
        self.y += mm(space_after)

    def rule(self, color: QColor = Ink.RULE, width: float = mm(0.25)) -> None:
        self.painter.setPen(QPen(color, width))
        self.painter.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))

    # pages

    @property
    def bottom(self) -> float:
        return self.height - mm(9)  # the footer's band

    def ensure(self, height: float) -> bool:
        """Start a new page unless ``height`` still fits; True when a page was started."""
        if self.y + height <= self.bottom or self.y <= mm(12):
            return False
        self.new_page()
        return True

    def new_page(self) -> None:
        self.footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0
        self.running_header()

    def running_header(self) -> None:
        font = self.font(8)
        height = self.metrics(font).height() * 1.4
        self.text(QRectF(0, 0, self.width, height), self.report.title, font, Ink.DIM)
        self.text(
            QRectF(0, 0, self.width, height),
            f"统计期 {self.report.period.label}",
            font,
            Ink.DIM,
            Qt.AlignmentFlag.AlignRight,
        )
        self.y = height
        self.rule()
        self.y += mm(4)

    def footer(self) -> None:
        font = self.font(8)
        height = self.metrics(font).height() * 1.4
        top = self.height - height
        self.painter.setPen(QPen(Ink.RULE, mm(0.25)))
        self.painter.drawLine(QPointF(0, top - mm(1)), QPointF(self.width, top - mm(1)))
        left = f"{self.report.center_name} · {month_text(self.report)}工作月报 · 内部资料"
        self.text(QRectF(0, top, self.width, height), left, font, Ink.DIM)
        self.text(
            QRectF(0, top, self.width, height),
            f"第 {self.page} 页",
            font,
            Ink.DIM,
            Qt.AlignmentFlag.AlignRight,
        )

    def finish(self) -> None:
        self.footer()
        self.painter.end()

    # tables

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 8,
        total_rows: frozenset[int] = frozenset(),
        colours: dict[tuple[int, int], QColor] | None = None,
    ) -> None:
        """Rows under a header that repeats on every page the table runs onto."""
        colours = colours or {}
        font, bold = self.font(size), self.font(size, True)
        row_height = self.metrics(font).height() * 1.6
        pad = mm(1.2)
        widths = [0.0] * len(columns)
        for index, column in enumerate(columns):
            if column.fit:
                texts = [column.title, *(values[index] for values in rows)]
                widths[index] = 2 * pad + max(
                    self.metrics(bold if text == column.title else font).horizontalAdvance(text)
                    for text in texts
                )
        rest = self.width - sum(widths)
        scale = rest / (sum(c.width for c in columns if not c.fit) or 1)
        widths = [w or c.width * scale for w, c in zip(widths, columns, strict=True)]
        lefts, x = [], 0.0
        for width in widths:
            lefts.append(x)
            x += width

        def cells(values, y, cell_font, fill, colour_of):
            if fill is not None:
                self.painter.fillRect(QRectF(0, y, self.width, row_height), fill)
            for index, (column, value) in enumerate(zip(columns, values, strict=True)):
                rect = QRectF(lefts[index] + pad, y, widths[index] - 2 * pad, row_height)
                self.text(rect, value, cell_font, colour_of(index), column.align)

        def header():
            cells(
                [c.title for c in columns],
                self.y,
                bold,
                Ink.HEADER_FILL,
                lambda _: Ink.TEXT,
            )
            self.y += row_height

        self.ensure(row_height * 3)
        header()
        for number, values in enumerate(rows):
            if self.ensure(row_height):
                header()
            fill = Ink.TOTAL_FILL if number in total_rows else Ink.ZEBRA if number % 2 else None
            cells(
                values,
                self.y,
                bold if number in total_rows else font,
                fill,
                lambda index, number=number: colours.get((number, index), Ink.TEXT),
            )
            self.y += row_height
        self.painter.setPen(QPen(Ink.RULE, mm(0.25)))
        self.painter.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))
        self.y += mm(4)

    # charts

    def chart(
        self,
        height: float,
        *,
        title: str,
        labels: Sequence[str],
        bars: Sequence[Series],
        bar_axis: Axis,
        line: Series | None = None,
        line_axis: Axis | None = None,
        connect: bool = True,
        groups: Sequence[tuple[str, int, int]] = (),
        reference: tuple[str, float] | None = None,
        value_labels: bool = False,
    ) -> None:
        """A bar chart ``height`` high across the page at the cursor: one slot per label with a
        bar per series, an optional line (or dots) on a right-hand axis, optional group names
        under the labels and a dashed reference level on the bar axis."""
        self.ensure(height)
        draw_chart(
            self,
            QRectF(0, self.y, self.width, height),
            title=title,
            labels=labels,
            bars=bars,
            bar_axis=bar_axis,
            line=line,
            line_axis=line_axis,
            connect=connect,
            groups=groups,
            reference=reference,
            value_labels=value_labels,
        )
        self.y += height + mm(4)


def draw_chart(
    rp: ReportPainter,
    rect: QRectF,
    *,
    title: str,
    labels: Sequence[str],
    bars: Sequence[Series],
    bar_axis: Axis,
    line: Series | None,
    line_axis: Axis | None,
    connect: bool,
    groups: Sequence[tuple[str, int, int]],
    reference: tuple[str, float] | None,
    value_labels: bool,
) -> None:
    p = rp.painter
    title_font, small, tiny = rp.font(9.5, True), rp.font(7), rp.font(6.5)
    small_m, tiny_m = rp.metrics(small), rp.metrics(tiny)
    top = rect.top()
    title_height = rp.metrics(title_font).height() * 1.3
    rp.text(QRectF(rect.left(), top, rect.width(), title_height), title, title_font)

    # legend, right-aligned on the title line
    legend = [(s.name, s.color, False) for s in bars]
    if line is not None:
        legend.append((line.name, line.color, True))
    x = rect.right()
    swatch = mm(3)
    for name, colour, is_line in reversed(legend):
        width = small_m.horizontalAdvance(name)
        x -= width
        rp.text(QRectF(x, top, width + mm(1), title_height), name, small, Ink.DIM, elide=False)
        x -= swatch + mm(1)
        middle = top + title_height / 2
        if is_line:
            p.setPen(QPen(colour, mm(0.5)))
            p.drawLine(QPointF(x, middle), QPointF(x + swatch, middle))
            p.setBrush(colour)
            p.drawEllipse(QPointF(x + swatch / 2, middle), mm(0.7), mm(0.7))
        else:
            p.fillRect(QRectF(x, middle - swatch / 3, swatch, swatch * 2 / 3), colour)
        x -= mm(4)

    count = max(1, len(labels))
    left_width = max(small_m.horizontalAdvance(bar_axis.format(v)) for v in bar_axis.ticks())
    right_width = (
        max(small_m.horizontalAdvance(line_axis.format(v)) for v in line_axis.ticks())
        if line_axis is not None
        else 0.0
    )
    plot_left = rect.left() + left_width + mm(2)
    plot_right = rect.right() - (right_width + mm(2) if line_axis is not None else mm(1))
    slot = (plot_right - plot_left) / count
    label_widths = [tiny_m.horizontalAdvance(label) for label in labels]
    # Turn the labels when many are too wide for their slot; shorten the odd long one.
    rotate = sum(w > slot * 0.95 for w in label_widths) > len(labels) / 3
    label_band = (
        min(max(label_widths, default=0), mm(22)) * 0.72 + tiny_m.height()
        if rotate
        else tiny_m.height() * 1.4
    )
    group_band = small_m.height() * 1.5 if groups else 0.0
    plot = QRectF(
        plot_left,
        top + title_height + small_m.height() * 0.6,
        plot_right - plot_left,
        rect.bottom() - label_band - group_band - (top + title_height + small_m.height() * 0.6),
    )

    def y_of(axis: Axis, value: float) -> float:
        return plot.bottom() - axis.share(value) * plot.height()

    # grid and axes
    for tick in bar_axis.ticks():
        y = y_of(bar_axis, tick)
        p.setPen(QPen(Ink.GRID, mm(0.2)))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        box = QRectF(rect.left(), y - small_m.height() / 2, left_width, small_m.height())
        rp.text(box, bar_axis.format(tick), small, Ink.DIM, Qt.AlignmentFlag.AlignRight)
    if line_axis is not None:
        for tick in line_axis.ticks():
            y = y_of(line_axis, tick)
            box = QRectF(
                plot.right() + mm(2), y - small_m.height() / 2, right_width, small_m.height()
            )
            rp.text(box, line_axis.format(tick), small, line.color if line else Ink.DIM)
    for first, _last in ((g[1], g[2]) for g in groups[1:]):
        x = plot.left() + first * slot
        p.setPen(QPen(Ink.RULE, mm(0.2), Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom() + label_band + group_band))

    # bars
    if bars:
        bar_width = slot * 0.78 / len(bars)
        for index in range(len(labels)):
            start = plot.left() + index * slot + slot * 0.11
            for number, series in enumerate(bars):
                value = series.values[index]
                if value is None:
                    continue
                y = y_of(bar_axis, max(value, bar_axis.low))
                bar = QRectF(start + number * bar_width, y, bar_width * 0.92, plot.bottom() - y)
                p.fillRect(bar, series.colors[index] if series.colors else series.color)
                if value_labels:
                    text = bar_axis.format(value)
                    if tiny_m.horizontalAdvance(text) <= bar_width * 1.5:
                        box = QRectF(
                            bar.center().x() - bar_width,
                            y - tiny_m.height() * 1.1,
                            bar_width * 2,
                            tiny_m.height(),
                        )
                        rp.text(
                            box, text, tiny, Ink.DIM, Qt.AlignmentFlag.AlignHCenter, elide=False
                        )
    p.setPen(QPen(Ink.RULE, mm(0.3)))
    p.drawLine(plot.bottomLeft(), plot.bottomRight())

    # the reference level
    if reference is not None:
        name, level = reference
        y = y_of(bar_axis, level)
        p.setPen(QPen(Ink.BAD, mm(0.35), Qt.PenStyle.DashLine))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        width = small_m.horizontalAdvance(name) + mm(2)
        box = QRectF(plot.right() - width, y - small_m.height() * 1.15, width, small_m.height())
        p.fillRect(box, QColor(255, 255, 255, 220))
        rp.text(box, name, small, Ink.BAD, Qt.AlignmentFlag.AlignRight, elide=False)

    # the line (or dots) on its own axis
    if line is not None and line_axis is not None:
        points: list[QPointF | None] = []
        for index, value in enumerate(line.values):
            if value is None:
                points.append(None)
                continue
            x = plot.left() + (index + 0.5) * slot
            points.append(QPointF(x, y_of(line_axis, value)))
        p.setBrush(QBrush(line.color))
        if connect:
            p.setPen(QPen(line.color, mm(0.45)))
            for a, b in zip(points, points[1:], strict=False):
                if a is not None and b is not None:
                    p.drawLine(a, b)
        p.setPen(QPen(Qt.GlobalColor.white, mm(0.2)))
        radius = min(mm(1.0), slot * 0.3)
        for point in points:
            if point is not None:
                p.drawEllipse(point, radius, radius)
        p.setBrush(Qt.BrushStyle.NoBrush)

    # labels under the slots, then the group names
    y = plot.bottom() + mm(0.8)
    for index, label in enumerate(labels):
        centre = plot.left() + (index + 0.5) * slot
        if rotate:
            p.save()
            p.translate(centre + tiny_m.height() * 0.3, y)
            p.rotate(-45)
            width = min(label_widths[index], mm(22))
            box = QRectF(-width, -tiny_m.height() / 2, width, tiny_m.height())
            rp.text(box, label, tiny, Ink.TEXT, Qt.AlignmentFlag.AlignRight)
            p.restore()
        else:
            box = QRectF(centre - slot / 2, y, slot, tiny_m.height() * 1.2)
            rp.text(box, label, tiny, Ink.TEXT, Qt.AlignmentFlag.AlignHCenter)
    for name, first, last in groups:
        box = QRectF(
            plot.left() + first * slot,
            plot.bottom() + label_band,
            (last - first) * slot,
            group_band,
        )
        rp.text(box, name, small, Ink.DIM, Qt.AlignmentFlag.AlignHCenter)


# --- the pages ----------------------------------------------------------------------------------


def _cover(rp: ReportPainter, report: MonthlyReport) -> None:
    total, before = report.total, report.previous_total
    small = rp.font(8.5)
    line = rp.metrics(small).height() * 1.3
    rp.text(QRectF(0, 0, rp.width, line), "网格化服务管理 · 月报", small, Ink.DIM)
    rp.y = line + mm(2)
    big = rp.font(20, True)
    height = rp.metrics(big).height() * 1.25
    rp.text(QRectF(0, rp.y, rp.width, height), report.center_name, big)
    rp.y += height
    sub = rp.font(15, True)
    height = rp.metrics(sub).height() * 1.3
    rp.text(QRectF(0, rp.y, rp.width, height), f"{month_text(report)}工作月报", sub, Ink.INTAKE)
    rp.y += height + mm(1)
    info = (
        f"统计期 {report.period.first:%Y-%m-%d} 至 {report.period.last:%Y-%m-%d}（{report.period.label}）"
        f" · 统计时点 {report.as_of:%Y-%m-%d %H:%M} · 对比 {report.previous_period.label}"
    )
    rp.text(QRectF(0, rp.y, rp.width, line), info, small, Ink.DIM)
    rp.y += line
    if not report.complete:
        rp.text(
            QRectF(0, rp.y, rp.width, line),
            "本月尚未结束：以下为截至统计时点的数字，期限未到的案件尚未计入应结案。",
            small,
            Ink.BAD,
        )
        rp.y += line
    rp.y += mm(2)
    rp.rule(Ink.INTAKE, mm(0.6))
    rp.y += mm(5)

    # key figures: value, last month, change (green better, red worse)
    tiles = [
        ("受理数", number_text(total.intake), f"上月 {before.intake:,}",
         count_change_text(total.intake, before.intake), 0),
        ("立案数", number_text(total.filed), f"上月 {before.filed:,}",
         count_change_text(total.filed, before.filed), 0),
        ("应结案数", number_text(total.due), f"上月 {before.due:,}",
         count_change_text(total.due, before.due), 0),
        ("结案数", number_text(total.closed), f"上月 {before.closed:,}",
         count_change_text(total.closed, before.closed), 0),
        ("超期数", number_text(report.overdue), f"上月 {report.previous_overdue:,}",
         count_change_text(report.overdue, report.previous_overdue),
         -_sign(report.overdue - report.previous_overdue)),
        ("结案率", rate_text(total.closure_rate), f"上月 {rate_text(before.closure_rate)}",
         rate_change_text(total.closure_rate, before.closure_rate),
         _sign(report.change("closure_rate"))),
        ("按期结案率", rate_text(total.on_time_rate), f"上月 {rate_text(before.on_time_rate)}",
         rate_change_text(total.on_time_rate, before.on_time_rate),
         _sign(report.change("on_time_rate"))),
        ("返工率", rate_text(total.rework_rate), f"上月 {rate_text(before.rework_rate)}",
         rate_change_text(total.rework_rate, before.rework_rate),
         -_sign(report.change("rework_rate"))),
        ("延期率", rate_text(total.extension_rate), f"上月 {rate_text(before.extension_rate)}",
         rate_change_text(total.extension_rate, before.extension_rate),
         -_sign(report.change("extension_rate"))),
        ("回访满意率", rate_text(total.satisfaction_rate),
         f"上月 {rate_text(before.satisfaction_rate)}",
         rate_change_text(total.satisfaction_rate, before.satisfaction_rate),
         _sign(report.change("satisfaction_rate"))),
        ("平均处置时长（工作小时）", number_text(total.avg_handling_hours, 1),
         f"上月 {number_text(before.avg_handling_hours, 1)}",
         value_change_text(total.avg_handling_hours, before.avg_handling_hours, " 小时"),
         -_sign(report.change("avg_handling_hours"))),
        ("考核得分 · 等级", f"{number_text(total.score, 1)} · {total.grade or '—'}",
         f"上月 {number_text(before.score, 1)} · {before.grade or '—'}",
         value_change_text(total.score, before.score, " 分"),
         _sign(report.change("score"))),
    ]  # fmt: skip
    per_row, gap = 4, mm(3)
    tile_width = (rp.width - gap * (per_row - 1)) / per_row
    label_font, value_font, note_font = rp.font(8), rp.font(15, True), rp.font(7)
    lh, vh, nh = (rp.metrics(f).height() for f in (label_font, value_font, note_font))
    tile_height = lh * 1.2 + vh * 1.15 + nh * 2.5 + mm(2)
    for index, (name, value, last, change, better) in enumerate(tiles):
        column, row = index % per_row, index // per_row
        if column == 0 and row:
            rp.y += tile_height + gap
        x = column * (tile_width + gap)
        box = QRectF(x, rp.y, tile_width, tile_height)
        rp.painter.fillRect(box, Ink.TILE)
        rp.painter.fillRect(QRectF(x, rp.y, mm(1), tile_height), Ink.INTAKE)
        inner = box.adjusted(mm(3), mm(1), -mm(2), -mm(1))
        y = inner.top()
        rp.text(QRectF(inner.left(), y, inner.width(), lh * 1.2), name, label_font, Ink.DIM)
        y += lh * 1.2
        rp.text(QRectF(inner.left(), y, inner.width(), vh * 1.15), value, value_font)
        y += vh * 1.15
        rp.text(QRectF(inner.left(), y, inner.width(), nh * 1.25), last, note_font, Ink.DIM)
        y += nh * 1.25
        colour = Ink.GOOD if better > 0 else Ink.BAD if better < 0 else Ink.DIM
        rp.text(QRectF(inner.left(), y, inner.width(), nh * 1.25), change, note_font, colour)
    rp.y += tile_height + mm(6)

    rp.heading("概述", size=11, space_after=2)
    rp.paragraph(summary_text(report), rp.font(9.5))
    rp.y += mm(5)

    rp.heading("分类情况", size=11, space_after=2)
    intake_total = max(1, total.intake)
    rows = [
        [
            category_label(row),
            f"{row.intake:,}",
            f"{row.intake / intake_total * 100:.1f}%",
            f"{row.due:,}",
            f"{row.closed:,}",
            rate_text(row.closure_rate),
            rate_text(row.on_time_rate),
            rate_text(row.satisfaction_rate),
        ]
        for row in report.categories
    ]
    rows.append(
        [
            "合计",
            f"{total.intake:,}",
            "100.0%" if total.intake else "—",
            f"{total.due:,}",
            f"{total.closed:,}",
            rate_text(total.closure_rate),
            rate_text(total.on_time_rate),
            rate_text(total.satisfaction_rate),
        ]
    )
    right = Qt.AlignmentFlag.AlignRight
    rp.table(
        [
            Column("类别", 2.2),
            Column("受理数", 1, right),
            Column("占比", 1, right),
            Column("应结案数", 1.1, right),
            Column("结案数", 1, right),
            Column("结案率", 1, right),
            Column("按期结案率", 1.2, right),
            Column("回访满意率", 1.2, right),
        ],
        rows,
        total_rows=frozenset({len(rows) - 1}),
    )
    note = (
        "口径：受理数按上报时间计入当月；应结案数为处置时限在当月的已立案案件；按期结案指处置结果"
        "不晚于处置时限；超期指应结案中未按期结案（晚于时限办结或至今未结）。各项定义见 docs/kpi.md。"
    )
    rp.paragraph(note, rp.font(7), Ink.DIM)


def _sign(value: float | None) -> int:
    if value is None or abs(value) < 1e-9:
        return 0
    return 1 if value > 0 else -1


def _charts(rp: ReportPainter, report: MonthlyReport) -> None:
    rp.new_page()
    rp.heading("图表")
    days = report.daily
    intake = [d.intake for d in days]
    closed = [d.closed for d in days]
    backlog = [d.backlog for d in days]
    known_backlog = [b for b in backlog if b is not None]
    available = rp.bottom - rp.y
    rp.chart(
        available * 0.32,
        title=f"每日受理与办结（{month_text(report)}，件）",
        labels=[str(d.day.day) for d in days],
        bars=[
            Series("受理", Ink.INTAKE, intake),
            Series("办结（按结案日）", Ink.CLOSED, closed),
        ],
        bar_axis=count_axis(max(intake + closed, default=1)),
        line=Series("日末在办存量（右轴）", Ink.BACKLOG, backlog) if known_backlog else None,
        line_axis=count_axis(max(known_backlog)) if known_backlog else None,
    )
    communities = [c for c in report.communities if c.total is not None]
    rp.chart(
        available * 0.3,
        title="各社区受理、结案与按期结案率",
        labels=[c.name for c in communities],
        bars=[
            Series("受理数", Ink.INTAKE, [c.total.intake for c in communities]),
            Series("结案数", Ink.CLOSED, [c.total.closed for c in communities]),
        ],
        bar_axis=count_axis(
            max(
                [c.total.intake for c in communities] + [c.total.closed for c in communities],
                default=1,
            )
        ),
        line=Series("按期结案率（右轴）", Ink.RATE, [c.total.on_time_rate for c in communities]),
        line_axis=rate_axis([c.total.on_time_rate for c in communities]),
        connect=False,
        value_labels=True,
    )
    grids, groups = [], []
    for community in report.communities:
        if community.grids:
            groups.append((community.name, len(grids), len(grids) + len(community.grids)))
            grids.extend(community.grids)
    rates = [g.on_time_rate for g in grids]
    level = report.total.on_time_rate
    below = [level is not None and r is not None and r < level - 1e-9 for r in rates]
    reference = (
        (f"辖区 {rate_text(report.total.on_time_rate)}", report.total.on_time_rate)
        if report.total.on_time_rate is not None
        else None
    )
    rp.chart(
        rp.bottom - rp.y - mm(2),
        title="各网格按期结案率（按社区排列）",
        labels=["" for _ in grids] if len(grids) > 40 else [g.name for g in grids],
        bars=[
            Series(
                "按期结案率（橙色：低于辖区）",
                Ink.CLOSED,
                rates,
                [Ink.RATE if low else Ink.CLOSED for low in below],
            )
        ],
        bar_axis=rate_axis(rates + [report.total.on_time_rate]),
        groups=groups,
        reference=reference,
    )


def _community_sections(rp: ReportPainter, report: MonthlyReport) -> None:
    rp.new_page()
    rp.heading("各社区网格考核情况")
    rp.paragraph(
        "社区合计为该社区网格化服务管理站的数字，含未落到网格的案件，可能大于各网格之和。"
        "得分为按期结案率、结案率、回访满意率、返工率、延期率的加权（权重与公式见 docs/kpi.md），"
        "等级 A ≥ 90，B ≥ 75，C ≥ 60，D ≥ 40。",
        rp.font(7.5),
        Ink.DIM,
    )
    rp.y += mm(3)
    right = Qt.AlignmentFlag.AlignRight
    columns = [
        Column("网格编码", 0, fit=True),
        Column("网格名称", 0, fit=True),
        Column("受理", 1, right),
        Column("应结案", 1.2, right),
        Column("结案", 1, right),
        Column("结案率", 1.3, right),
        Column("按期结案率", 1.9, right),
        Column("返工率", 1.3, right),
        Column("满意率", 1.3, right),
        Column("得分", 1.05, right),
        Column("等级", 0.9, Qt.AlignmentFlag.AlignHCenter),
    ]

    def cells(row: KpiRow, code: str, name: str) -> list[str]:
        return [
            code,
            name,
            f"{row.intake:,}",
            f"{row.due:,}",
            f"{row.closed:,}",
            rate_text(row.closure_rate),
            rate_text(row.on_time_rate),
            rate_text(row.rework_rate),
            rate_text(row.satisfaction_rate),
            number_text(row.score, 1),
            row.grade or "—",
        ]

    chart_height = mm(46)
    for community in report.communities:
        # A community stays on one page when it fits in what is left of it, or when what is
        # left is under half a page; otherwise its table runs on (its header repeated).
        row_height = rp.metrics(rp.font(8)).height() * 1.6
        heading_height = rp.metrics(rp.font(11, True)).height() * 1.3 + mm(2)
        whole = heading_height + chart_height + mm(8) + row_height * (len(community.grids) + 2)
        left = rp.bottom - rp.y
        rows = len(community.grids) + 1
        fitting = (left - heading_height - chart_height - mm(8)) // row_height - 1
        if whole > left and (left < (rp.bottom - mm(12)) / 2 or rows - fitting < 3):
            rp.new_page()
        else:
            rp.ensure(heading_height + chart_height + row_height * 6)
        heading = f"{community.name}（{community.code}）· {len(community.grids)} 个网格"
        rp.heading(heading, size=11, space_after=1.5)
        grids = community.grids
        if grids:
            rp.chart(
                chart_height,
                title="受理与结案（件），按期结案率（右轴）",
                labels=[short_grid_label(g, community.name) for g in grids],
                bars=[
                    Series("受理", Ink.INTAKE, [g.intake for g in grids]),
                    Series("结案", Ink.CLOSED, [g.closed for g in grids]),
                ],
                bar_axis=count_axis(max([g.intake for g in grids] + [g.closed for g in grids])),
                line=Series("按期结案率", Ink.RATE, [g.on_time_rate for g in grids]),
                line_axis=rate_axis([g.on_time_rate for g in grids]),
                connect=False,
                value_labels=True,
            )
        rows = [cells(g, g.code, g.name) for g in grids]
        colours = {(n, 10): Ink.BAD for n, g in enumerate(grids) if g.grade in ("D", "E")}
        total_rows: frozenset[int] = frozenset()
        if community.total is not None:
            rows.append(cells(community.total, community.code, "社区合计"))
            total_rows = frozenset({len(rows) - 1})
        rp.table(columns, rows, total_rows=total_rows, colours=colours)


def _overdue_section(rp: ReportPainter, report: MonthlyReport) -> None:
    rp.new_page()
    rp.heading("超期情况")
    still_open = sum(not c.closed for c in report.overdue_cases)
    rp.paragraph(
        f"本月应结案 {report.total.due:,} 件，未按期结案（超期）{report.overdue:,} 件，"
        f"其中截至 {report.as_of:%Y-%m-%d %H:%M} 仍未结案 {still_open:,} 件。"
        "超期时长按工作时间计，自处置时限起至处置结果反馈（未结案的至统计时点）。",
        rp.font(9),
    )
    rp.y += mm(3)
    right = Qt.AlignmentFlag.AlignRight
    if report.overdue_grids:
        rp.heading("超期较多的网格", size=11, space_after=1.5)
        rp.table(
            [
                Column("序号", 1.0, right),
                Column("网格编码", 0, fit=True),
                Column("网格名称", 0, fit=True),
                Column("所属社区", 2.2),
                Column("应结案", 1.2, right),
                Column("超期", 1, right),
                Column("其中未结", 1.3, right),
                Column("按期结案率", 1.6, right),
            ],
            [
                [
                    str(n),
                    o.grid.code,
                    o.grid.name,
                    o.community,
                    f"{o.grid.due:,}",
                    f"{o.overdue:,}",
                    f"{o.still_open:,}",
                    rate_text(o.grid.on_time_rate),
                ]
                for n, o in enumerate(report.overdue_grids, start=1)
            ],
        )
    rp.heading("超期案件清单", size=11, space_after=1.5)
    listed = report.overdue_cases[:MAX_LISTED_CASES]
    if not listed:
        rp.paragraph("本月没有超期案件。", rp.font(9))
        return
    rows = [_overdue_row(n, c) for n, c in enumerate(listed, start=1)]
    colours = {(n, 7): Ink.BAD for n, c in enumerate(listed) if not c.closed}
    rp.table(
        [
            Column("序号", 1.1, right),
            Column("案件编号", 0, fit=True),
            Column("标题", 4.4),
            Column("类别", 1.5),
            Column("网格", 3.2),
            Column("承办", 3.0),
            Column("处置时限", 2.2),
            Column("状态", 1.4),
            Column("超期(h)", 1.4, right),
        ],
        rows,
        size=7,
        colours=colours,
    )
    if len(report.overdue_cases) > len(listed):
        rest = len(report.overdue_cases) - len(listed)
        rp.paragraph(f"另有 {rest:,} 件未列出，请在指挥中心系统中查看。", rp.font(8), Ink.DIM)


def _archive_checkpoint(rp: ReportPainter, report: MonthlyReport) -> None:
    """The archive's signed checkpoint, in full: kept on paper, it shows a later rewriting of
    the archive (``commandcenter audit verify --checkpoint FILE`` with these values)."""
    checkpoint = report.checkpoint
    rp.ensure(mm(30))
    rp.heading("电子档案校验点", size=11, space_after=1.5)
    if checkpoint is None:
        rp.paragraph("尚无电子档案校验点。", rp.font(8), Ink.DIM)
        return
    rp.paragraph(
        f"截至 {checkpoint.at:%Y-%m-%d %H:%M}，电子档案共 {checkpoint.gseq:,} 条记录，"
        "其链尾校验值已由本系统签名密钥签署。请留存本页，核对时用 "
        "commandcenter audit verify --checkpoint 文件。",
        rp.font(8),
    )
    for label, value in (
        ("序号 gseq", str(checkpoint.gseq)),
        ("时间 at", f"{checkpoint.at:%Y-%m-%d %H:%M:%S.%f}"),
        ("链尾 entry_hash", checkpoint.entry_hash or "—"),
        ("公钥 public_key", checkpoint.public_key),
        ("签名 signature", checkpoint.signature[:64]),
        ("", checkpoint.signature[64:]),
    ):
        rp.paragraph(f"{label}  {value}" if label else f"{' ' * 18}{value}", rp.font(7), Ink.DIM)


def _overdue_row(number: int, case: OverdueCase) -> list[str]:
    return [
        str(number),
        case.code,
        case.title,
        label_zh(case.category),
        case.grid_name or "—",
        case.handler,
        f"{case.deadline:%m-%d %H:%M}",
        label_zh(case.state),
        f"{case.overdue_hours:.1f}",
    ]


# --- the entry points ---------------------------------------------------------------------------


def write_monthly_report_pdf(report: MonthlyReport, path: Path | str) -> Path:
    """Draw ``report`` into a PDF at ``path`` (A4 portrait, 300 dpi) and return the path.

    Uses no widget: safe in a worker thread while a QGuiApplication exists.
    """
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(report.title)
    writer.setCreator("Grid Command Center 网格化服务管理指挥中心")
    rp = ReportPainter(writer, report)
    try:
        _cover(rp, report)
        _charts(rp, report)
        _community_sections(rp, report)
        _overdue_section(rp, report)
        _archive_checkpoint(rp, report)
    finally:
        rp.finish()
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m ui.figures.monthly_report --period 2026-10 FILE.pdf [--db URL] [--user NAME]``"""
    parser = argparse.ArgumentParser(
        prog="python -m ui.figures.monthly_report",
        description="Write the monthly report (月报) of a jurisdiction as a PDF.",
    )
    parser.add_argument("file", metavar="FILE.pdf")
    parser.add_argument("--period", required=True, help="the month, e.g. 2026-10")
    parser.add_argument("--db", metavar="URL", help="database URL (default as for the console)")
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="whose jurisdiction (default: the top center's administrator)",
    )
    args = parser.parse_args(argv)

    from commandcenter.backend import LocalCenter
    from commandcenter.config import resolve_database_url
    from commandcenter.errors import CommandCenterError

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # nothing is shown
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    center = None
    try:
        center = LocalCenter.open_existing(resolve_database_url(args.db))
        report = center.report_login(args.user).monthly_report(args.period)
    except CommandCenterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if center is not None:
            center.close()
    path = write_monthly_report_pdf(report, args.file)
    print(f"{report.title}: written to {path}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
