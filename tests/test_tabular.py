"""The tables officers bring (``commandcenter.tabular``): the first sheet of a workbook read as
it streams past gives what openpyxl gives, cell for cell — shared, inline, rich and formula
strings, numbers, booleans, dates by their style, gaps — and rows keep their numbers."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from commandcenter.tabular import Column, _cell_text, _sheet_rows, read_table


def trimmed(rows) -> list[list[str]]:
    out = []
    for row in rows:
        cells = [_cell_text(c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def openpyxl_rows(path) -> list[list]:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def test_the_streamed_sheet_reads_as_openpyxl_does(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "居民"
    sheet.append(["姓名", "电话", "日期", "时间", "布尔", "面积", "公式", "科学"])
    sheet.append(["张三", 13800000000, dt.date(2024, 5, 6), dt.datetime(2024, 5, 6, 13, 30)])
    sheet.append(["李四", "0523-86001100", None, None, True, 85.5, "=1+2", 1.5e20])
    sheet["A5"] = CellRichText([TextBlock(InlineFont(b=True), "王"), "五"])  # row 4 left out
    sheet["F5"] = -7
    sheet["C5"] = dt.date(1904, 1, 2)
    sheet["AB5"] = "far right"
    book.create_sheet("另一页").append(["not read"])
    path = tmp_path / "kinds.xlsx"
    book.save(path)
    ours = trimmed(_sheet_rows(path))
    assert ours == trimmed(openpyxl_rows(path))
    assert ours[1][:3] == ["张三", "13800000000", "2024-05-06"]
    assert ours[3] == [] and ours[4][0] == "王五" and ours[4][27] == "far right"


def test_rows_keep_their_numbers_on_the_first_sheet(tmp_path):
    book = Workbook()
    book.active.append(["姓名"])
    first = book.create_sheet("名单", 0)  # put before the sheet made first
    first.append(["姓名", "电话"])
    first["A4"] = "赵六"
    first["B4"] = "13900001111"
    path = tmp_path / "moved.xlsx"
    book.save(path)
    columns = (Column("name", ("姓名",), required=True), Column("phone", ("电话",)))
    table = read_table(path, columns)
    assert [(row.line, row.values) for row in table.rows] == [
        (4, {"name": "赵六", "phone": "13900001111"})
    ]
