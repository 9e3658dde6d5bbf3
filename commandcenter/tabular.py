"""Reading the tables officers bring (staff, residents, houses, organisations, the list of
matters): CSV in UTF-8 or GB18030, or the first sheet of an Excel workbook (.xlsx); and the
one rule every export follows for text cells (``csv_cell``, ``xlsx_row``, ``xlsx_cell``).

Columns are found by their header, in Chinese or English (``Column.names``); the order does not
matter and unknown columns are reported, not guessed. A sheet with merged cells is refused:
a merged cell holds its value in one row only, and the rows below it would be read empty.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from commandcenter.textfiles import decode_text


class TableError(ValueError):
    """The file as a whole cannot be read (format, encoding, headers, merged cells)."""


@dataclass(frozen=True)
class Column:
    key: str  # the importer's name for it
    names: tuple[str, ...]  # headers that mean it (first: the one exports write)
    required: bool = False


@dataclass(frozen=True)
class Row:
    line: int  # the row's number as the spreadsheet shows it (the header is 1)
    values: dict[str, str]  # column key -> text, stripped ("" when empty)

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass(frozen=True)
class Table:
    name: str  # the file's name, for the report
    rows: list[Row]


def _normal(header: str) -> str:
    return re.sub(r"[\s_（）()*：:]", "", str(header)).lower()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800000000.0 from a number cell is the phone 13800000000
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def _records_csv(path: Path) -> Iterator[list[str]]:
    text = decode_text(path.read_bytes())
    try:
        yield from csv.reader(io.StringIO(text), strict=True)
    except csv.Error as exc:
        raise TableError(f"not a valid CSV file: {exc}") from None


_MERGE = re.compile(rb'<(?:[A-Za-z0-9_]+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet as openpyxl reads it (the first of the workbook's
    list, whatever its file is called: a sheet moved to the front keeps its file name)."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        first = book.find(f"{_MAIN}sheets/{_MAIN}sheet")
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PACKAGE}Relationship")}
        target = targets.get(first.get(_RELATIONSHIP_ID)) if first is not None else None
    except (KeyError, ElementTree.ParseError):
        target = None
    if target:
        return target.lstrip("/") if target.startswith("/") else "xl/" + target
    sheets = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    return min(sheets, key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[1])), default=None)


def _merged_ranges(path: Path) -> list[str]:
    """The merged ranges of the workbook's first sheet (read-only openpyxl does not tell)."""
    with zipfile.ZipFile(path) as archive:
        part = _first_sheet_part(archive)
        if part is None or part not in archive.namelist():
            return []
        with archive.open(part) as sheet:
            data = sheet.read()
    return [m.decode() for m in _MERGE.findall(data)]


def _records_xlsx(path: Path) -> Iterator[list]:
    try:
        merged = _merged_ranges(path)
    except zipfile.BadZipFile:
        raise TableError("is not an Excel workbook (.xlsx)") from None
    if merged:
        shown = ", ".join(merged[:5]) + (" …" if len(merged) > 5 else "")
        raise TableError(f"has merged cells ({shown}); unmerge them and fill every row")
    try:
        yield from _sheet_rows(path)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise TableError(f"cannot be read as a workbook: {exc}") from None


# --- the first sheet's rows, streamed from its XML ----------------------------------------------
#
# openpyxl's reader makes an object per cell and took 17 of the 22 s a 100,000-row residents'
# workbook needed; reading the sheet's XML as it streams past takes a few seconds. The cells
# are what openpyxl (data_only) gives: shared, inline and formula strings, numbers, booleans,
# and dates where the cell's style is a date format (openpyxl's own test and conversion).

_CELL, _ROW, _VALUE = f"{_MAIN}c", f"{_MAIN}row", f"{_MAIN}v"
_TEXT, _RUN, _INLINE = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}is"
_SHARED_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


def _string_item(item) -> str:
    """The text of a shared string or an inline string: plain, or rich text's runs (without
    the phonetic guide, ``rPh``)."""
    parts = []
    for child in item:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.extend(t.text or "" for t in child.iter(_TEXT))
    return "".join(parts)


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[str, str]:
    """The shared strings' and the styles' parts."""
    shared, styles = "xl/sharedStrings.xml", "xl/styles.xml"
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return shared, styles
    for rel in rels.iter(f"{_PACKAGE}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if rel.get("Type") == _SHARED_TYPE:
            shared = target
        elif rel.get("Type") == _STYLES_TYPE:
            styles = target
    return shared, styles


def _date_styles(archive: zipfile.ZipFile, part: str) -> set[int]:
    """The indexes of the cell styles (``s``) whose number format shows a date or a time."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if part not in archive.namelist():
        return set()
    root = ElementTree.fromstring(archive.read(part))
    formats = dict(BUILTIN_FORMATS)
    for fmt in root.iter(f"{_MAIN}numFmt"):
        formats[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    if cell_xfs is None:
        return set()
    return {
        index
        for index, xf in enumerate(cell_xfs.iter(f"{_MAIN}xf"))
        if is_date_format(formats.get(int(xf.get("numFmtId", "0")), ""))
    }


def _column_index(reference: str) -> int:
    """0 for A1, 27 for AB3 …"""
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _sheet_rows(path: Path) -> Iterator[list]:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    with zipfile.ZipFile(path) as archive:
        part = _first_sheet_part(archive)
        if part is None:
            raise TableError("has no sheet")
        shared_part, styles_part = _workbook_parts(archive)
        shared: list[str] = []
        if shared_part in archive.namelist():
            with archive.open(shared_part) as source:
                for _, item in ElementTree.iterparse(source):
                    if item.tag == f"{_MAIN}si":
                        shared.append(_string_item(item))
                        item.clear()
        dates = _date_styles(archive, styles_part)
        book = archive.read("xl/workbook.xml")
        epoch = (
            CALENDAR_MAC_1904
            if re.search(rb'date1904="(1|true)"', book)
            else (CALENDAR_WINDOWS_1900)
        )
        with archive.open(part) as source:
            expected = 1  # rows the sheet leaves out are empty rows: line numbers stay right
            for _, element in ElementTree.iterparse(source):
                if element.tag != _ROW:
                    continue
                number = int(element.get("r") or expected)
                while expected < number:
                    yield []
                    expected += 1
                cells: list = []
                for cell in element.iter(_CELL):
                    reference = cell.get("r")
                    if reference:
                        column = _column_index(reference)
                        cells.extend([None] * (column - len(cells)))
                    kind = cell.get("t", "n")
                    if kind == "inlineStr":
                        inline = cell.find(_INLINE)
                        cells.append(_string_item(inline) if inline is not None else None)
                        continue
                    found = cell.find(_VALUE)
                    text = found.text if found is not None else None
                    if text is None:
                        cells.append(None)
                    elif kind == "s":
                        cells.append(shared[int(text)])
                    elif kind in ("str", "e"):
                        cells.append(text)
                    elif kind == "b":
                        cells.append(text.strip() in ("1", "true"))
                    else:
                        value = float(text)
                        if int(cell.get("s", "0")) in dates:
                            value = from_excel(value, epoch)
                        elif value.is_integer() and "E" not in text.upper():
                            value = int(text) if text.lstrip("-").isdigit() else int(value)
                        cells.append(value)
                element.clear()
                yield cells
                expected = number + 1


def read_table(path: Path | str, columns: Sequence[Column]) -> Table:
    """The rows of the file, by column key. ``TableError`` names what is wrong with the file as a
    whole: unreadable, no header, a required column missing, an unknown or repeated column."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            records = _records_xlsx(path)
        elif suffix in (".csv", ".txt"):
            records = _records_csv(path)
        else:
            raise TableError("is neither .csv nor .xlsx")
        header: list[str] | None = None
        rows: list[Row] = []
        keys: list[str | None] = []
        for line, record in enumerate(records, start=1):
            cells = [_cell_text(c) for c in record]
            if not any(cells):
                continue
            if header is None:
                header = cells
                keys = _header_keys(header, columns)
                continue
            values = {}
            for key, cell in zip(keys, cells, strict=False):
                if key is not None:
                    values[key] = cell
            if len(cells) > len(keys) and any(cells[len(keys) :]):
                values["__extra__"] = "more cells than headers"
            rows.append(Row(line, values))
    except OSError as exc:
        raise TableError(f"cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:
        if isinstance(exc, TableError):
            raise
        raise TableError(str(exc)) from None
    if header is None:
        raise TableError("is empty")
    return Table(path.name, rows)


def _header_keys(header: list[str], columns: Sequence[Column]) -> list[str | None]:
    by_name = {_normal(name): column.key for column in columns for name in column.names}
    keys: list[str | None] = []
    unknown, seen, repeated = [], set(), []
    for cell in header:
        if not cell:
            keys.append(None)
            continue
        key = by_name.get(_normal(cell))
        if key is None:
            unknown.append(cell)
        elif key in seen:
            repeated.append(cell)
        if key is not None:
            seen.add(key)
        keys.append(key)
    missing = [c.names[0] for c in columns if c.required and c.key not in seen]
    problems = []
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    if unknown:
        problems.append("unknown column(s): " + ", ".join(unknown))
    if repeated:
        problems.append("repeated column(s): " + ", ".join(repeated))
    if problems:
        expected = ", ".join(c.names[0] for c in columns)
        raise TableError("; ".join(problems) + f" (the columns are: {expected})")
    return keys


def write_csv_template(path: Path | str, columns: Sequence[Column]) -> None:
    """An empty file with the header row, for officers to fill."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerow(csv_row([c.names[0] for c in columns]))


# --- writing: text stays text -------------------------------------------------------------------
#
# A cell whose text begins with = + - @ (or a tab or carriage return, or their full-width forms)
# is a formula to a spreadsheet: a case title "=HYPERLINK(…)" typed by a resident would run when
# the officer opens the export. Every export writes such text as text: in CSV prefixed with a
# single quote (OWASP's advice for CSV injection); in XLSX as a string cell (inlineStr, never
# <f>) with the quote-prefix style, so Excel shows it as typed and keeps it text when edited.
# Numbers stay numbers; text that reads as a plain number ("-3.5", "+8613800000000") is left.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def is_formula_like(value) -> bool:
    """Would a spreadsheet read this text as a formula?"""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value != "-"  # the usual "nothing" of a table
        and not _PLAIN_NUMBER.fullmatch(value)
    )


def csv_cell(value):
    """A value as a CSV export writes it: formula-like text behind a single quote."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Sequence) -> list:
    return [csv_cell(v) for v in values]


def csv_cell_read(text: str) -> str:
    """A CSV cell read back: the quote an export put before formula-like text taken off (an
    export imported again gives the same values)."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def xlsx_cell(sheet, value, **style):
    """A write-only cell (openpyxl ``WriteOnlyCell``) holding ``value``; text always a string
    cell, formula-like text with the quote prefix. ``style``: font, fill, number_format …"""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes "=…" a formula (<f>) otherwise
        if is_formula_like(value):
            cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_row(sheet, values: Sequence) -> list:
    """A row for ``sheet.append`` (write-only sheet): formula-like text made text cells;
    other values (numbers, dates, cells already made) as they are."""
    return [xlsx_cell(sheet, v) if is_formula_like(v) else v for v in values]
