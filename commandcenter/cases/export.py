"""The case list to Excel (.xlsx): the cases as shown on the board or the list, with their
working time left and deadline status judged as the console judges them.

A case row carries no personal data: no reporter name, phone or ID number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from commandcenter.cases.rows import CaseRow
from commandcenter.domain.labels_zh import label_zh
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.tabular import xlsx_cell, xlsx_row

# --- the case list to Excel ----------------------------------------------------------------------

# (header, column width in Excel characters; a CJK character takes about two)
CASE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("案件编号", 24),
    ("标题", 40),
    ("类别", 11),
    ("来源", 14),
    ("紧急程度", 9),
    ("状态", 14),
    ("网格", 26),
    ("承办", 28),
    ("上报时间", 17),
    ("立案时间", 17),
    ("处置时限", 17),
    ("剩余工作时间/超期", 19),
    ("时限状态", 9),
)
CASE_SHEET = "案件清单"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Working hours left as a number (sortable, filterable), shown with words: "剩 3.5 小时",
# in red "超期 2.0 小时" for a negative value, "到期" at zero.
HOURS_FORMAT = '"剩 "0.0" 小时";[Red]"超期 "0.0" 小时";"到期"'
HEADER_ROW = 2  # row 1 holds the title line


def working_hours_left(row: CaseRow, now: dt.datetime) -> float | None:
    """Working hours from ``now`` to the deadline (negative when overdue), to 0.1 h; ``None``
    without a deadline or for a case no longer open. Counted with the center's working
    calendar when it has one (``row.rule``), otherwise in wall-clock hours."""
    minutes = row.rule.minutes_left(now, row)
    if minutes is None:
        return None
    return round(minutes / 60, 1) + 0.0  # + 0.0: no "-0.0"


def deadline_status_at(row: CaseRow, now: dt.datetime) -> DeadlineStatus:
    """The row's deadline status at ``now`` (none for a case no longer open)."""
    return row.status_at(now)


def export_title(title: str, now: dt.datetime, count: int) -> str:
    """The sheet's first line: what was filtered, when it was exported, how many cases."""
    parts = [f"案件清单：{title}" if title else "案件清单"]
    parts += [f"导出时间 {now:%Y-%m-%d %H:%M}", f"共 {count} 件"]
    return "　".join(parts)


def export_cases_xlsx(
    rows: Sequence[CaseRow], path: Path | str, *, now: dt.datetime, title: str = ""
) -> Path:
    """Write ``rows`` in their order to one sheet of an .xlsx workbook and return the path.

    Row 1 is the title line (``title`` describes the filter, e.g. "城东街道 · 超期"), row 2 the
    Chinese headers (frozen, with an autofilter), then one row per case. Times are real Excel
    date-times; the time left is a number of working hours (see :data:`HOURS_FORMAT`) and the
    deadline status is judged at ``now``. Written in streaming mode: 100,000 rows are fine.
    """
    # openpyxl on first export, not at every console's start (about 0.1 s)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(CASE_SHEET)
    last_column = get_column_letter(len(CASE_COLUMNS))
    for index, (_, width) in enumerate(CASE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW + len(rows)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def cell(value, **style) -> WriteOnlyCell:  # text stays text (tabular.xlsx_cell)
        return xlsx_cell(sheet, value, **style)

    sheet.append([cell(export_title(title, now, len(rows)), font=Font(bold=True, size=13))])
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    centered = Alignment(horizontal="center", vertical="center")
    sheet.append(
        [
            cell(name, font=header_font, fill=header_fill, alignment=centered)
            for name, _ in CASE_COLUMNS
        ]
    )

    def when(value: dt.datetime | None):  # whole seconds: Excel keeps milliseconds at best
        if value is None:
            return None
        return cell(value.replace(microsecond=0), number_format=DATETIME_FORMAT)

    for row in rows:
        hours = working_hours_left(row, now)
        sheet.append(
            xlsx_row(
                sheet,
                [
                    row.code,
                    row.title,
                    label_zh(row.category),
                    label_zh(row.source),
                    label_zh(row.urgency),
                    label_zh(row.state),
                    row.grid_name or "",
                    row.holder,
                    when(row.reported_at),
                    when(row.filed_at),
                    when(row.deadline),
                    None if hours is None else cell(hours, number_format=HOURS_FORMAT),
                    label_zh(deadline_status_at(row, now)),
                ],
            )
        )
    workbook.save(path)
    return path
