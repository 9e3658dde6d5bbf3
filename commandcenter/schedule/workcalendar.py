"""Working time: the calendar that case deadlines are counted in.

Monday to Friday are working days, except the dates the calendar lists as exceptions: a public
holiday on a weekday (``False``) or an adjusted working day (调休) on a weekend (``True``). The
exceptions differ every year, so they are data (``CalendarDay`` rows, imported from CSV), never
code. Optional working hours (``Setting`` "working_hours", e.g. 08:30–12:00 and 13:30–17:30)
limit each working day to those periods; without them the whole working day counts (00:00–24:00).

Conventions (all times are naive Beijing wall-clock times, as the schema stores them):

- A *day* of a time limit is ``minutes_per_day`` working minutes (1440 without working hours),
  not a calendar date: with the hours above, Monday 10:00 + 1 day is Tuesday 10:00.
- A start outside working time (a weekend, a holiday, the lunch break, the night) starts counting
  at the next working moment: Saturday 10:00 + 2 hours is Monday 02:00 without working hours and
  Monday 10:30 with the hours above.
- A deadline is the *first* moment the time is used up, so it can be the end of a working
  period: with the hours above, Monday 13:30 + 4 hours is Monday 17:30 (not Tuesday 08:30);
  without working hours, Friday 00:00 + 1 day is Saturday 00:00, i.e. Friday 24:00, the end of
  Friday. Friday 15:00 + 1 day is Monday 15:00.
- Counting backwards (a negative duration) gives the *last* moment instead: Monday 10:00 − 1 day
  is Friday 10:00; with the hours above Monday 08:30 − 1 hour is Friday 16:30.
- A zero duration returns the start unchanged, even outside working time.
- ``working_minutes(a, b)`` counts whole minutes of working time in [a, b), truncated toward
  zero, so ``working_minutes(a, b) == -working_minutes(b, a)``. ``working_time`` gives the exact
  ``timedelta``.

How it stays fast: working time is a position on one line, W(t) = microseconds of working time
from 0001-01-01 to t. The number of working days before a date is the Monday–Friday count (closed
form, since 0001-01-01 is a Monday) corrected by a prefix sum over the sorted exceptions (one
bisect); the inverse finds the segment between two exceptions with one more bisect and is closed
form inside it. ``add``, ``working_minutes`` and ``shift`` therefore cost the same for an hour or
for a year, a few microseconds each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from commandcenter.errors import CommandCenterError, ImportRejected
from commandcenter.storage.models import CalendarDay, Setting
from commandcenter.textfiles import read_text

WORKING_HOURS_SETTING = "working_hours"

_US_PER_MINUTE = 60_000_000
_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 86_400_000_000
_NO_EXCEPTIONS: Mapping[dt.date, bool] = MappingProxyType({})

Periods = Sequence[tuple[dt.time, dt.time]]


class CalendarError(CommandCenterError, ValueError):
    """Working hours or a calendar setting that cannot be used; says what is wrong."""


def _weekdays_before(ordinal: int) -> int:
    """Mondays–Fridays from 0001-01-01 (a Monday, ordinal 1) up to, not including, ``ordinal``."""
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * 5 + (rest if rest < 5 else 5)


def _weekday_number(index: int) -> int:
    """Ordinal of the Monday–Friday date that has ``index`` Mondays–Fridays before it."""
    weeks, rest = divmod(index, 5)
    return 1 + weeks * 7 + rest


def _offset_us(t: dt.datetime) -> int:
    return (t.hour * 3600 + t.minute * 60 + t.second) * 1_000_000 + t.microsecond


def _time_us(t: dt.time) -> int:
    return (t.hour * 3600 + t.minute * 60 + t.second) * 1_000_000 + t.microsecond


def _normalise_periods(hours: Periods) -> list[tuple[int, int]]:
    """Periods as sorted (start, end) microsecond offsets; an end of 00:00 means 24:00."""
    periods = []
    for item in hours:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise CalendarError(f"working period {item!r} is not a (start, end) pair") from None
        if not isinstance(start, dt.time) or not isinstance(end, dt.time):
            raise CalendarError(f"working period {item!r} is not a pair of times")
        if start.tzinfo or end.tzinfo:
            raise CalendarError("working hours are local wall-clock times, without a time zone")
        for t in (start, end):
            if t.second or t.microsecond:
                raise CalendarError(f"working hours are whole minutes, not {t.isoformat()}")
        s = _time_us(start)
        e = _time_us(end) or _US_PER_DAY  # 00:00 as an end is midnight at the end of the day
        if e <= s:
            raise CalendarError(
                f"working period {_fmt(s)}–{_fmt(e)} ends before it starts; periods cannot "
                "run past midnight"
            )
        periods.append((s, e))
    if not periods:
        raise CalendarError("working hours need at least one period (or none at all: all day)")
    periods.sort()
    for (s1, e1), (s2, e2) in zip(periods, periods[1:], strict=False):
        if s2 < e1:
            raise CalendarError(
                f"working periods {_fmt(s1)}–{_fmt(e1)} and {_fmt(s2)}–{_fmt(e2)} overlap"
            )
    return periods


def _fmt(us: int) -> str:
    minutes = us // _US_PER_MINUTE
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class WorkingCalendar:
    """Working days and hours; deadlines and durations in working time (see the module doc).

    ``exceptions`` maps dates to ``True`` (a working day, e.g. an adjusted weekend day) or
    ``False`` (a day off, e.g. a public holiday); other dates follow Monday–Friday. ``hours`` are
    the working periods of each working day, or ``None`` for all day. Immutable once made.
    """

    def __init__(
        self,
        exceptions: Mapping[dt.date, bool] = _NO_EXCEPTIONS,
        hours: Periods | None = None,
    ) -> None:
        days: dict[dt.date, bool] = {}
        for day, working in exceptions.items():
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise CalendarError(f"calendar exception {day!r} is not a date")
            days[day] = bool(working)
        self._exceptions = MappingProxyType(dict(sorted(days.items())))
        self._working = {day.toordinal(): working for day, working in days.items()}
        self._ordinals = sorted(self._working)
        # prefix[j]: how the first j exceptions change the Monday–Friday count of working days
        prefix = [0]
        for ordinal in self._ordinals:
            weekday = (ordinal - 1) % 7 < 5
            effect = int(self._working[ordinal]) - int(weekday)
            prefix.append(prefix[-1] + effect)
        self._prefix = prefix
        # working days before each exception date (non-decreasing, for the inverse)
        self._counts = [
            _weekdays_before(ordinal) + prefix[j] for j, ordinal in enumerate(self._ordinals)
        ]

        if hours is None:
            self._hours: tuple[tuple[dt.time, dt.time], ...] | None = None
            periods = [(0, _US_PER_DAY)]
        else:
            periods = _normalise_periods(hours)
            self._hours = tuple(
                (dt.time(s // _US_PER_HOUR, s // _US_PER_MINUTE % 60), _to_time(e))
                for s, e in periods
            )
        self._all_day = periods == [(0, _US_PER_DAY)]
        self._starts = [s for s, _ in periods]
        self._lengths = [e - s for s, e in periods]
        self._cum_start = []  # working time of the day before each period starts
        self._cum_end = []
        total = 0
        for length in self._lengths:
            self._cum_start.append(total)
            total += length
            self._cum_end.append(total)
        self._per_day = total

    # --- description ------------------------------------------------------------------------

    @property
    def exceptions(self) -> Mapping[dt.date, bool]:
        """The exception dates, in date order (read-only)."""
        return self._exceptions

    @property
    def hours(self) -> tuple[tuple[dt.time, dt.time], ...] | None:
        """The working periods of a day, sorted, or ``None`` when the whole day counts.

        An end of ``time(0, 0)`` stands for 24:00.
        """
        return self._hours

    @property
    def minutes_per_day(self) -> int:
        """Working minutes in one working day: 1440 without working hours."""
        return self._per_day // _US_PER_MINUTE

    def __repr__(self) -> str:
        hours = "all day" if self._hours is None else describe_hours(self._hours)
        return f"WorkingCalendar({len(self._exceptions)} exception(s), {hours})"

    def __eq__(self, other: object) -> bool:
        """Equal when they count the same working time (an exception that repeats the
        Monday–Friday rule, e.g. a holiday listed on a Saturday, changes nothing)."""
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return (self._effective(), self._starts, self._lengths) == (
            other._effective(),
            other._starts,
            other._lengths,
        )

    def _effective(self) -> dict[int, bool]:
        return {o: w for o, w in self._working.items() if w != ((o - 1) % 7 < 5)}

    # --- questions about one moment -----------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        return self._is_working(day.toordinal())

    def is_working_time(self, moment: dt.datetime) -> bool:
        """Whether ``moment`` lies inside a working period of a working day."""
        if not self._is_working(moment.toordinal()):
            return False
        x = _offset_us(moment)
        i = bisect_right(self._starts, x) - 1
        return i >= 0 and x < self._starts[i] + self._lengths[i]

    # --- arithmetic ---------------------------------------------------------------------------

    def add(
        self, start: dt.datetime, *, days: float = 0, hours: float = 0, minutes: float = 0
    ) -> dt.datetime:
        """The deadline ``days`` working days plus ``hours`` and ``minutes`` working time after
        ``start`` (before it when the total is negative). See the module doc for conventions."""
        amount = round(days * self._per_day + hours * _US_PER_HOUR + minutes * _US_PER_MINUTE)
        return self._add_us(start, amount)

    def working_time(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Exact working time in [a, b); negative when b is before a."""
        return dt.timedelta(microseconds=self._position(b) - self._position(a))

    def working_minutes(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole working minutes in [a, b), truncated toward zero; negative when b < a."""
        diff = self._position(b) - self._position(a)
        return diff // _US_PER_MINUTE if diff >= 0 else -(-diff // _US_PER_MINUTE)

    def shift(
        self, deadline: dt.datetime, paused_from: dt.datetime, paused_to: dt.datetime
    ) -> dt.datetime:
        """``deadline`` moved later by the working time in [paused_from, paused_to): the time the
        clock stood still. A pause that held no working time (a weekend) changes nothing."""
        if paused_to < paused_from:
            raise ValueError(f"the pause ends ({paused_to}) before it starts ({paused_from})")
        return self._add_us(deadline, self._position(paused_to) - self._position(paused_from))

    def position(self, t: dt.datetime) -> int:
        """Working microseconds from 0001-01-01 00:00 to ``t``: the difference of two positions
        is the working time between them (e.g. a board of many cases can place "now" once)."""
        return self._position(t)

    # --- internals ------------------------------------------------------------------------------

    def _is_working(self, ordinal: int) -> bool:
        working = self._working.get(ordinal)
        if working is None:
            return (ordinal - 1) % 7 < 5
        return working

    def _days_before(self, ordinal: int) -> int:
        """Working days from 0001-01-01 up to, not including, ``ordinal``."""
        return _weekdays_before(ordinal) + self._prefix[bisect_left(self._ordinals, ordinal)]

    def _nth_working_day(self, n: int) -> int:
        """Ordinal of the working day that has ``n`` working days before it."""
        j = bisect_right(self._counts, n) - 1
        if j < 0:  # before the first exception: plain Monday–Friday
            return _weekday_number(n)
        ordinal, before = self._ordinals[j], self._counts[j]
        if self._working[ordinal]:
            if before == n:
                return ordinal
            before += 1
        # between exception j and the next one every date follows Monday–Friday
        return _weekday_number(_weekdays_before(ordinal + 1) + n - before)

    def _position(self, t: dt.datetime) -> int:
        """W(t): working microseconds from 0001-01-01 00:00 to ``t``."""
        ordinal = t.toordinal()
        position = self._days_before(ordinal) * self._per_day
        if self._is_working(ordinal):
            x = _offset_us(t)
            if self._all_day:
                position += x
            else:
                i = bisect_right(self._starts, x) - 1
                if i >= 0:
                    position += self._cum_start[i] + min(x - self._starts[i], self._lengths[i])
        return position

    def _add_us(self, start: dt.datetime, amount: int) -> dt.datetime:
        if amount == 0:
            return start
        target = self._position(start) + amount
        if amount > 0:
            # the first moment W reaches target: inside day n, r microseconds in (0, per_day]
            n, r = divmod(target - 1, self._per_day)
            r += 1
            if self._all_day:
                x = r
            else:
                i = bisect_left(self._cum_end, r)
                x = self._starts[i] + r - self._cum_start[i]
        else:
            # the last moment W equals target: inside day n, r microseconds in [0, per_day)
            n, r = divmod(target, self._per_day)
            if self._all_day:
                x = r
            else:
                i = bisect_right(self._cum_start, r) - 1
                x = self._starts[i] + r - self._cum_start[i]
        return dt.datetime.fromordinal(self._nth_working_day(n)) + dt.timedelta(microseconds=x)

    # --- storage ----------------------------------------------------------------------------

    @classmethod
    def load(cls, session: Session) -> WorkingCalendar:
        """The calendar stored in the database: ``CalendarDay`` rows and the working hours."""
        rows = session.execute(select(CalendarDay.day, CalendarDay.working))
        exceptions = {day: working for day, working in rows}
        return cls(exceptions, load_working_hours(session))


def _to_time(us: int) -> dt.time:
    if us >= _US_PER_DAY:
        return dt.time(0, 0)
    return dt.time(us // _US_PER_HOUR, us // _US_PER_MINUTE % 60)


# --- working hours ----------------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock(text: str, *, end: bool = False) -> dt.time:
    """``"08:30"`` as a time; ``"24:00"`` is accepted as an end (returned as 00:00)."""
    match = _CLOCK.match(str(text))
    if not match:
        raise CalendarError(f"{text!r} is not a time like 08:30")
    hour, minute = int(match[1]), int(match[2])
    if end and (hour, minute) == (24, 0):
        return dt.time(0, 0)
    if hour > 23 or minute > 59:
        raise CalendarError(f"{text!r} is not a time of day")
    return dt.time(hour, minute)


def parse_working_hours(value) -> list[tuple[dt.time, dt.time]]:
    """Working hours from their stored form, a list of ``["08:30", "12:00"]`` pairs, or from
    ``"08:30-12:00"`` strings (the command-line form). Raises CalendarError."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise CalendarError(f"working hours {value!r} are not a list of periods")
    periods = []
    for item in value:
        if isinstance(item, str):
            parts = re.split(r"\s*[-–~]\s*", item.strip())
        elif isinstance(item, list | tuple):
            parts = list(item)
        else:
            parts = []
        if len(parts) != 2:
            raise CalendarError(f"{item!r} is not a period like 08:30-12:00")
        periods.append((parse_clock(parts[0]), parse_clock(parts[1], end=True)))
    _normalise_periods(periods)  # validate: raises on overlap, order, emptiness
    return periods


def describe_hours(hours: Periods | None) -> str:
    if hours is None:
        return "all day (00:00–24:00)"
    return ", ".join(f"{_fmt(_time_us(s))}–{_fmt(_time_us(e) or _US_PER_DAY)}" for s, e in hours)


def load_working_hours(session: Session) -> list[tuple[dt.time, dt.time]] | None:
    """The "working_hours" setting, or ``None`` (absent or null: the whole day counts)."""
    setting = session.get(Setting, WORKING_HOURS_SETTING)
    if setting is None or setting.value is None:
        return None
    try:
        return parse_working_hours(setting.value)
    except CalendarError as exc:
        raise CalendarError(
            f"The setting {WORKING_HOURS_SETTING!r} is invalid ({exc}); set it again with "
            "`commandcenter calendar hours`."
        ) from None


def set_working_hours(session: Session, hours: Periods | None) -> None:
    """Store working hours (validated), or remove them with ``None``: the whole day counts."""
    setting = session.get(Setting, WORKING_HOURS_SETTING)
    if hours is None:
        if setting is not None:
            session.delete(setting)
        session.flush()
        return
    periods = _normalise_periods(hours)
    value = [[_fmt(s), _fmt(e)] for s, e in periods]
    if setting is None:
        session.add(Setting(key=WORKING_HOURS_SETTING, value=value))
    else:
        setting.value = value
    session.flush()


# --- calendar files ---------------------------------------------------------------------------

WORKING_WORDS = {"1": True, "上班": True, "true": True, "0": False, "休息": False, "false": False}
HEADER = ("date", "working", "name")
FIRST_YEAR, LAST_YEAR = 1990, 2100  # anything outside is a typo, not a calendar
NAME_LENGTH = 50  # CalendarDay.name
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass(frozen=True)
class CalendarImportResult:
    days: int  # dates in the file
    days_off: int
    working_days: int
    replaced: int  # of them, dates the calendar held before (now overwritten)


def _parse_date(text: str) -> dt.date:
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"date {text!r} is not like 2026-10-01")
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"date {text!r} does not exist") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"date {text!r} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return day


def parse_calendar_csv(path: Path, problems: list[str]) -> dict[dt.date, tuple[bool, str]]:
    """The days of a calendar file; appends ``file:line: problem`` strings to ``problems``.

    Layout: ``date,working,name`` with an optional header line; ``working`` is 1/0 or 上班/休息
    (true/false too); the name may be empty or left out; blank lines and lines starting with
    ``#`` are skipped. Dates as 2026-10-01 (2026/10/1 too); a date listed twice is a problem.
    """
    name = path.name
    try:
        text = read_text(path)
    except FileNotFoundError:
        problems.append(f"{path}: no such file")
        return {}
    except (OSError, ValueError) as exc:
        problems.append(f"{name}: cannot read: {getattr(exc, 'strerror', None) or exc}")
        return {}
    try:
        records = list(enumerate(csv.reader(io.StringIO(text), strict=True), start=1))
    except csv.Error as exc:
        problems.append(f"{name}: not a valid CSV file: {exc}")
        return {}
    days: dict[dt.date, tuple[bool, str]] = {}
    first_line: dict[dt.date, int] = {}
    header_seen = False
    for line, record in records:
        cells = [cell.strip() for cell in record]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or cells[0].startswith("#"):
            continue
        where = f"{name}:{line}"
        if not header_seen and not days and cells[0].lower() in ("date", "日期"):
            header_seen = True
            if len(cells) < 2:
                problems.append(f"{where}: the header should be date,working,name")
            continue
        if len(cells) < 2:
            problems.append(f"{where}: expected date,working,name; got {len(cells)} column(s)")
            continue
        if len(cells) > 3:
            problems.append(f"{where}: expected date,working,name; got {len(cells)} columns")
            continue
        try:
            day = _parse_date(cells[0])
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        working = WORKING_WORDS.get(cells[1].lower())
        if working is None:
            problems.append(
                f"{where}: working {cells[1]!r} should be 1 or 上班 (working day), "
                "0 or 休息 (day off)"
            )
            continue
        label = cells[2] if len(cells) > 2 else ""
        if len(label) > NAME_LENGTH:
            problems.append(f"{where}: name longer than {NAME_LENGTH} characters")
            continue
        if day in first_line:
            problems.append(f"{where}: {day} is listed twice (also line {first_line[day]})")
            continue
        first_line[day] = line
        days[day] = (working, label)
    if not days and not problems:
        problems.append(f"{name}: no calendar days in the file")
    return days


def import_calendar_csv(session: Session, path: Path | str) -> CalendarImportResult:
    """Store the days of a calendar file, replacing what the calendar held for those dates.

    All-or-nothing: any problem raises ImportRejected listing every line at fault, and the
    database is left as it was. Dates not in the file keep their entries.
    """
    path = Path(path)
    problems: list[str] = []
    days = parse_calendar_csv(path, problems)
    if problems:
        raise ImportRejected(
            f"The calendar was not imported: {len(problems)} problem(s); nothing changed.",
            problems,
        )
    dates = sorted(days)
    replaced = 0
    for start in range(0, len(dates), 500):
        chunk = dates[start : start + 500]
        replaced += len(
            session.scalars(select(CalendarDay.day).where(CalendarDay.day.in_(chunk))).all()
        )
        session.execute(delete(CalendarDay).where(CalendarDay.day.in_(chunk)))
    session.execute(
        insert(CalendarDay),
        [{"day": d, "working": days[d][0], "name": days[d][1]} for d in dates],
    )
    session.flush()
    off = sum(1 for working, _ in days.values() if not working)
    return CalendarImportResult(
        days=len(days), days_off=off, working_days=len(days) - off, replaced=replaced
    )


def calendar_days(session: Session, year: int | None = None) -> list[CalendarDay]:
    """The stored exception days in date order, all or those of one year."""
    query = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        query = query.where(
            CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31)
        )
    return list(session.scalars(query))


def export_calendar_csv(session: Session, path: Path | str, year: int | None = None) -> int:
    """Write the stored days as ``date,working,name`` (UTF-8 with a BOM so spreadsheets show the
    Chinese names); ``import_calendar_csv`` reads the file back. Returns the number of days."""
    rows = calendar_days(session, year)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.day.isoformat(), 1 if row.working else 0, row.name or ""])
    try:
        Path(path).write_text(out.getvalue(), encoding="utf-8-sig")
    except OSError as exc:
        raise CalendarError(f"Cannot write {path}: {exc.strerror or exc}") from None
    return len(rows)
