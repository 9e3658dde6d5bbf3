"""How far a reader has followed an append-only table (the case archive, the change log).

Ids only grow, so "what is new" is the rows after the newest id seen. On PostgreSQL two
transactions can commit out of id order (an id is drawn when the row is written, not when it
commits), so a watermark also remembers the ids missing below it (``gaps``, within the last
``GAP_WINDOW`` ids) and asks for them again until they appear; ids of rolled-back
transactions never do and age out of the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

GAP_WINDOW = 10_000  # ids below the newest that may still be committed out of order
MAX_GAPS = 1_000
IN_CHUNK = 2_000  # ids per IN (...) list


@dataclass(frozen=True)
class Watermark:
    last_id: int = 0
    gaps: tuple[int, ...] = ()


def with_gaps(last_id: int, new_last: int, seen: set[int], old_gaps: Iterable[int]) -> tuple:
    floor = new_last - GAP_WINDOW
    gaps = {g for g in old_gaps if g > floor and g not in seen}
    gaps.update(i for i in range(max(last_id, floor) + 1, new_last + 1) if i not in seen)
    return tuple(sorted(gaps)[-MAX_GAPS:])


def read_watermark(session: Session, id_column) -> Watermark:
    """The table's newest id now, with the gaps in the ids just below it."""
    last = session.scalar(select(func.max(id_column))) or 0
    recent = set(session.scalars(select(id_column).where(id_column > last - GAP_WINDOW)))
    return Watermark(last, with_gaps(0, last, recent, ()))


def chunks(ids: Sequence, size: int = IN_CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rows_since(
    session: Session, mark: Watermark, id_column, *columns, upto: Watermark | None = None
) -> tuple[list, Watermark]:
    """``(id, *columns)`` of the rows after ``mark`` and of its gaps that have appeared, and
    the watermark after them. With ``upto`` (a watermark read earlier, by the server's shared
    reading), only the rows it covers, and the watermark becomes ``upto`` itself."""
    if session.autoflush:
        session.flush()
    after = id_column > mark.last_id
    if upto is not None:
        after = after & (id_column <= upto.last_id)
    rows = list(session.execute(select(id_column, *columns).where(after)))
    for chunk in chunks(mark.gaps):
        rows += session.execute(select(id_column, *columns).where(id_column.in_(chunk))).all()
    if upto is not None:
        not_yet = set(upto.gaps)
        rows = [row for row in rows if row[0] <= upto.last_id and row[0] not in not_yet]
        return rows, upto
    seen = {row[0] for row in rows}
    new_last = max(max(seen, default=mark.last_id), mark.last_id)
    return rows, Watermark(new_last, with_gaps(mark.last_id, new_last, seen, mark.gaps))
