"""The period a figure covers: a month (YYYY-MM), a quarter, a year or any span of days, cut
into the month slices the visit rule counts by."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from commandcenter.errors import CommandCenterError


class PeriodError(CommandCenterError, ValueError):
    """A period text that is not one of the accepted forms."""


@dataclass(frozen=True)
class MonthSlice:
    """The part of one calendar month a period covers (up to ``as_of``)."""

    year: int
    month: int
    start: dt.datetime
    end: dt.datetime  # exclusive
    fraction: float  # share of the calendar month covered, 0..1


@dataclass(frozen=True)
class Period:
    """Whole days ``first`` … ``last`` (inclusive); as times, ``start`` ≤ t < ``end``."""

    first: dt.date
    last: dt.date
    label: str

    _MONTH = re.compile(r"(\d{4})-(\d{1,2})")
    _QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
    _YEAR = re.compile(r"(\d{4})")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` (month), ``2026-Q3`` (quarter), ``2026`` (year), ``2026-10-05`` (day)
        or ``2026-10-01..2026-10-15`` (days, both included)."""
        raw = text.strip()
        try:
            if ".." in raw:
                first_text, last_text = (part.strip() for part in raw.split("..", 1))
                first, last = dt.date.fromisoformat(first_text), dt.date.fromisoformat(last_text)
                if last < first:
                    raise PeriodError(f"Period {text!r} ends before it starts.")
                return cls(first, last, f"{first.isoformat()}..{last.isoformat()}")
            if m := cls._QUARTER.fullmatch(raw):
                year, quarter = int(m[1]), int(m[2])
                first = dt.date(year, 3 * quarter - 2, 1)
                last = _month_last(year, 3 * quarter)
                return cls(first, last, f"{year}-Q{quarter}")
            if m := cls._MONTH.fullmatch(raw):
                return cls.month(int(m[1]), int(m[2]))
            if m := cls._YEAR.fullmatch(raw):
                year = int(m[1])
                return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
            day = dt.date.fromisoformat(raw)
            return cls(day, day, day.isoformat())
        except PeriodError:
            raise
        except ValueError:
            raise PeriodError(
                f"{text!r} is not a period: use 2026-10 (month), 2026-Q3 (quarter), 2026 (year), "
                "2026-10-05 (day) or 2026-10-01..2026-10-15 (days, both included)."
            ) from None

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range")
        return cls(dt.date(year, month, 1), _month_last(year, month), f"{year}-{month:02d}")

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time())

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period (exclusive bound)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time())

    def month_slices(self, as_of: dt.datetime | None = None) -> list[MonthSlice]:
        """The calendar months the period touches, each cut to the period and to ``as_of``;
        months wholly after ``as_of`` are left out."""
        slices = []
        year, month = self.first.year, self.first.month
        limit = self.end if as_of is None else min(self.end, as_of)
        while dt.date(year, month, 1) <= self.last:
            month_start = dt.datetime(year, month, 1)
            month_end = dt.datetime.combine(_month_last(year, month), dt.time()) + dt.timedelta(
                days=1
            )
            start, end = max(self.start, month_start), min(limit, month_end)
            if end > start:
                share = (end - start) / (month_end - month_start)
                slices.append(MonthSlice(year, month, start, end, share))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return slices

    def __str__(self) -> str:
        return self.label


def _month_last(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
