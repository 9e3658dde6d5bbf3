"""The next case code (案件编号): the day (YYYYMMDD) and the day's number, four digits or more.

One upsert on the day's counter row (``CaseCodeCounter``) hands out the number inside the
reporting transaction: on PostgreSQL a second report of the same day waits for the first's
row lock, on SQLite writers are serialised anyway, so two reports never get the same code.
The first report of a day starts after the highest number already used that day (cases
written by an import or the demo generator), read as a number: 10000 comes after 9999.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from commandcenter.storage.models import Case, CaseCodeCounter

DAY_FORMAT = "%Y%m%d"
MIN_DIGITS = 4


def format_code(day: dt.date, number: int) -> str:
    return f"{day:{DAY_FORMAT}}{number:0{MIN_DIGITS}d}"


def next_case_code(session: Session, day: dt.date) -> str:
    """A new, unique code for a case reported on ``day`` (taken inside the caller's
    transaction: a rolled-back report leaves a gap, never a duplicate)."""
    prefix = f"{day:{DAY_FORMAT}}"
    highest_used = (
        select(func.coalesce(func.max(cast(func.substr(Case.code, len(prefix) + 1), Integer)), 0))
        .where(Case.code.like(f"{prefix}%"), func.length(Case.code) > len(prefix))
        .scalar_subquery()
    )
    table = CaseCodeCounter.__table__
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(day=prefix, last=highest_used + 1)
        .on_conflict_do_update(index_elements=[table.c.day], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    return format_code(day, session.execute(statement).scalar_one())
