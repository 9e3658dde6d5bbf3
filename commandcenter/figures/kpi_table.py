"""The figures as the command line prints them: an aligned table for people (CJK characters
count two columns) and CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from commandcenter.figures.kpi import KpiRow
from commandcenter.tabular import csv_row

# (attribute, Chinese name (CSV header), short Chinese and English table headers, kind)
COLUMNS: tuple[tuple[str, str, str, str, str], ...] = (
    ("key", "编号", "编号", "key", "int"),
    ("code", "代码", "代码", "code", "text"),
    ("name", "名称", "名称", "name", "text"),
    ("intake", "受理数", "受理", "intake", "int"),
    ("filed", "立案数", "立案", "filed", "int"),
    ("due", "应结案数", "应结", "due", "int"),
    ("closed", "结案数", "结案", "closed", "int"),
    ("closed_on_time", "按期结案数", "按期", "on-time", "int"),
    ("reworked", "返工数", "返工", "rework", "int"),
    ("extended", "延期数", "延期", "ext.", "int"),
    ("closure_rate", "结案率", "结案率", "closure", "rate"),
    ("on_time_rate", "按期结案率", "按期率", "on-time", "rate"),
    ("rework_rate", "返工率", "返工率", "rework", "rate"),
    ("extension_rate", "延期率", "延期率", "ext.", "rate"),
    ("handled", "计时结案数", "计时", "timed", "int"),
    ("handling_minutes", "处置时长合计(分钟)", "分钟", "minutes", "int"),
    ("avg_handling_hours", "平均处置时长(小时)", "均时h", "avg h", "hours"),
    ("patrol_reports", "巡查上报数", "巡查", "patrol", "int"),
    ("self_resolved", "自行处置数", "自处", "self", "int"),
    ("self_resolution_rate", "自行处置率", "自处率", "self-res", "rate"),
    ("rated", "回访评价数", "评价", "rated", "int"),
    ("satisfied", "满意数", "满意", "satisf.", "int"),
    ("satisfaction_rate", "回访满意率", "满意率", "satisf.", "rate"),
    ("closed_alone", "一人闭环数", "独办", "alone", "int"),
    ("visits", "走访次数", "走访", "visits", "int"),
    ("visits_per_month", "月均走访次数", "次/月", "vis/mo", "hours"),
    ("households_per_month", "月均走访户数", "户/月", "hh/mo", "hours"),
    ("visit_rule_met", "达到每月15户", "15户", "15-hh", "flag"),
    ("score", "考核得分", "得分", "score", "score"),
    ("grade", "等级", "等级", "grade", "text"),
)
VISIT_COLUMNS = frozenset({"visits", "visits_per_month", "households_per_month", "visit_rule_met"})
TABLE_LEAVES_OUT = frozenset(
    {"key", "code", "patrol_reports", "self_resolved", "rated", "satisfied", "handled"}
    | {"handling_minutes", "closed_alone"}
)


def _columns(rows: list[KpiRow], *, table: bool) -> list[tuple[str, str, str, str, str]]:
    managers = any(r.by == "grid_manager" for r in rows)
    left_out = TABLE_LEAVES_OUT - ({"code"} if managers else set()) if table else set()
    return [c for c in COLUMNS if (managers or c[0] not in VISIT_COLUMNS) and c[0] not in left_out]


def _cell(value, kind: str, *, table: bool) -> str:
    if value is None:
        return "—" if table else ""
    if kind == "rate":
        return f"{value * 100:.1f}%" if table else f"{value * 100:.2f}"
    if kind in ("hours", "score"):
        return f"{value:.1f}"
    if kind == "flag":
        return ("是" if value else "否") if table else ("1" if value else "0")
    return str(value)


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK wide and full-width characters take two."""
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def format_table(rows: list[KpiRow]) -> str:
    """An aligned plain-text table (Chinese and English headers), CJK-width aware."""
    columns = _columns(rows, table=True)
    header_zh = [c[2] for c in columns]
    header_en = [c[3] for c in columns]
    body = [[_cell(getattr(r, c[0]), c[4], table=True) for c in columns] for r in rows]
    widths = [
        max(display_width(cell) for cell in column)
        for column in zip(header_zh, header_en, *body, strict=True)
    ]
    right = [c[4] != "text" for c in columns]

    def line(cells: list[str]) -> str:
        return "  ".join(
            _pad(cell, w, right=r) for cell, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header_zh), line(header_en), rule, *(line(b) for b in body)])


def csv_text(rows: list[KpiRow]) -> str:
    """The rows as CSV text: one header row ``中文 (english_attribute)``; rates in percent."""
    columns = _columns(rows, table=False)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_row([f"{c[1]} ({c[0]})" for c in columns]))
    for r in rows:  # a name "=…" is written as text (tabular.csv_cell)
        writer.writerow(csv_row([_cell(getattr(r, c[0]), c[4], table=False) for c in columns]))
    return out.getvalue()


def write_csv(rows: list[KpiRow], path: Path | str) -> None:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese names correctly."""
    Path(path).write_text(csv_text(rows), encoding="utf-8-sig", newline="")
