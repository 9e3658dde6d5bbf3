"""Import of the official division-code list (统计用区划代码) from NBS-style CSV files.

Two layouts are read:
- the per-level files with a header ``code,name,…`` (provinces.csv, cities.csv, areas.csv,
  streets.csv, villages.csv), codes given as 2/4/6/9/12-digit prefixes;
- the adcode layout without a header: ``code,parent,name,level,…`` with 12-digit codes.

All-or-nothing: every file is read and checked first; one problem anywhere rejects the whole
import with a report naming file, line and problem, and the database is left as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from commandcenter.domain.codes import (
    division_level,
    division_parent,
    normalise_division_code,
    validate_division_code,
)
from commandcenter.domain.enums import AdminLevel
from commandcenter.errors import ImportRejected
from commandcenter.storage.models import DivisionCode
from commandcenter.textfiles import read_text


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: AdminLevel
    parent_code: str | None
    where: str  # "file:line", for the report


@dataclass(frozen=True)
class ImportResult:
    files: int
    rows: int
    by_level: dict[AdminLevel, int]


def _expand(paths: Iterable[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"))
        else:
            files.append(path)
    return files


def parse_file(path: Path, problems: list[str]) -> list[DivisionRow]:
    try:
        text = read_text(path)
    except (OSError, ValueError) as exc:
        problems.append(f"{path.name}: cannot read: {exc}")
        return []
    try:
        records = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        problems.append(f"{path.name}: not a valid CSV file: {exc}")
        return []
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        problems.append(f"{path.name}: the file is empty")
        return []
    header = [cell.strip().lower() for cell in records[0]]
    if header[:2] == ["code", "name"]:
        return _rows(path, records[1:], 2, code_at=0, name_at=1, problems=problems)
    if len(records[0]) >= 4 and records[0][0].strip().isdigit():
        return _rows(path, records, 1, code_at=0, name_at=2, problems=problems)
    problems.append(
        f"{path.name}: unknown layout; expected a header starting with code,name or "
        "rows of code,parent,name,level"
    )
    return []


def _rows(path, records, first_line, *, code_at, name_at, problems) -> list[DivisionRow]:
    rows = []
    for line, record in enumerate(records, start=first_line):
        where = f"{path.name}:{line}"
        if len(record) <= max(code_at, name_at):
            problems.append(f"{where}: too few columns ({len(record)})")
            continue
        raw, name = record[code_at].strip(), record[name_at].strip()
        code = normalise_division_code(raw)
        code_problems = validate_division_code(code)
        if code_problems:
            problems.append(f"{where}: code {raw!r}: " + "; ".join(map(str, code_problems)))
            continue
        if not name:
            problems.append(f"{where}: code {code} has no name")
            continue
        rows.append(DivisionRow(code, name, division_level(code), division_parent(code), where))
    return rows


def check_rows(rows: list[DivisionRow], existing: set[str], problems: list[str]) -> None:
    seen: dict[str, DivisionRow] = {}
    for row in rows:
        earlier = seen.get(row.code)
        if earlier is not None and earlier.name != row.name:
            problems.append(
                f"{row.where}: code {row.code} is {row.name!r} here but {earlier.name!r} "
                f"at {earlier.where}"
            )
        seen.setdefault(row.code, row)
    known = existing | seen.keys()
    for row in seen.values():
        # Cities under a municipality and counties directly under a city skip levels in the
        # NBS list, so look for the nearest ancestor that should exist.
        parent = row.parent_code
        while parent is not None and parent not in known:
            grand = division_parent(parent)
            if grand is None or division_level(parent) == AdminLevel.CITY:
                break
            parent = grand
        if parent is not None and parent not in known:
            problems.append(f"{row.where}: parent {row.parent_code} of {row.code} is not listed")


def import_divisions(session: Session, paths: Iterable[Path]) -> ImportResult:
    """Read, check and store division codes; raises ImportRejected and stores nothing on error."""
    files = _expand([Path(p) for p in paths])
    problems: list[str] = []
    if not files:
        raise ImportRejected("No division files given.", ["name CSV files or a folder of them"])
    rows: list[DivisionRow] = []
    for path in files:
        if not path.exists():
            problems.append(f"{path}: no such file")
            continue
        rows.extend(parse_file(path, problems))
    existing = set(session.scalars(select(DivisionCode.code)))
    check_rows(rows, existing, problems)
    if problems:
        raise ImportRejected(
            f"The division list was not imported: {len(problems)} problem(s); nothing changed.",
            problems,
        )
    unique = {row.code: row for row in rows}
    codes = list(unique)
    for start in range(0, len(codes), 5000):
        session.execute(
            delete(DivisionCode).where(DivisionCode.code.in_(codes[start : start + 5000]))
        )
    payload = [
        {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code}
        for r in unique.values()
    ]
    for start in range(0, len(payload), 5000):
        session.execute(insert(DivisionCode), payload[start : start + 5000])
    by_level: dict[AdminLevel, int] = {}
    for row in unique.values():
        by_level[row.level] = by_level.get(row.level, 0) + 1
    return ImportResult(files=len(files), rows=len(unique), by_level=by_level)


def known_division_codes(session: Session) -> set[str]:
    return set(session.scalars(select(DivisionCode.code)))
