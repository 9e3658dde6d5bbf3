"""Handling time limits (办理时限) in working days and hours, per place, category and urgency.

The place is where the current handling happens, which is what the implementing rule keys the
limit on: handled within the community 1 working day, within the street office 2, needing other
units (functional departments) 3. Migration 0002 seeds exactly these three place defaults; when a
place has no rows at all (someone deleted them) the same built-in values apply.

Which row applies to a case (the most specific one wins):

1. the row for the place with both the case's category and its urgency;
2. else the row for the place with the urgency only (category empty);
3. else the row for the place with the category only (urgency empty);
4. else the place's default row (both empty);
5. else the built-in default of the place (``DEFAULT_LIMITS``).

Urgency beats category because an urgent or critical case must be faster whatever its kind.
A limit is days plus hours; a day is one working day of the calendar (``WorkingCalendar``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from commandcenter.domain.enums import CaseCategory, Urgency
from commandcenter.errors import CommandCenterError

if TYPE_CHECKING:  # the storage layer loads lazily: the command line imports this for its help
    from sqlalchemy.orm import Session

    from commandcenter.storage.models import TimeLimit

log = logging.getLogger(__name__)


class TimeLimitPlace(StrEnum):
    """What ``TimeLimit.place`` and ``Case.limit_place`` hold."""

    COMMUNITY = "community"  # handled within the community (社区)
    STREET = "street"  # handled within the street office (街道)
    DEPARTMENT = "department"  # needs other units: functional departments (职能部门)


DEFAULT_LIMITS: Mapping[TimeLimitPlace, tuple[int, int]] = {
    TimeLimitPlace.COMMUNITY: (1, 0),
    TimeLimitPlace.STREET: (2, 0),
    TimeLimitPlace.DEPARTMENT: (3, 0),
}

RuleKey = tuple[str, str | None, str | None]  # place, category, urgency (enum values)


class TimeLimitError(CommandCenterError, ValueError):
    """A time limit that cannot be stored or looked up; says what is wrong."""


def _place(value) -> TimeLimitPlace:
    try:
        return TimeLimitPlace(value)
    except ValueError:
        known = ", ".join(p.value for p in TimeLimitPlace)
        raise TimeLimitError(f"unknown place {value!r}; expected one of {known}") from None


def _category(value) -> str | None:
    if value is None:
        return None
    try:
        return CaseCategory(value).value
    except ValueError:
        known = ", ".join(c.value for c in CaseCategory)
        raise TimeLimitError(f"unknown category {value!r}; expected one of {known}") from None


def _urgency(value) -> str | None:
    if value is None:
        return None
    try:
        return Urgency(value).value
    except ValueError:
        known = ", ".join(u.value for u in Urgency)
        raise TimeLimitError(f"unknown urgency {value!r}; expected one of {known}") from None


class TimeLimits:
    """The limit rules, loaded once; ``limit_for`` answers without the database."""

    def __init__(self, rules: Mapping[RuleKey, tuple[int, int]] | None = None) -> None:
        self._rules: dict[RuleKey, tuple[int, int]] = {}
        for (place, category, urgency), (days, hours) in (rules or {}).items():
            key = (_place(place).value, _category(category), _urgency(urgency))
            self._rules[key] = (int(days), int(hours))

    @classmethod
    def load(cls, session: Session) -> TimeLimits:
        from sqlalchemy import select

        from commandcenter.storage.models import TimeLimit

        rules: dict[RuleKey, tuple[int, int]] = {}
        for row in session.scalars(select(TimeLimit)):
            try:
                key = (_place(row.place).value, _category(row.category), _urgency(row.urgency))
            except TimeLimitError as exc:
                log.warning("time limit row %s ignored: %s", row.id, exc)
                continue
            rules[key] = (row.days, row.hours)
        return cls(rules)

    def limit_for(
        self, place: TimeLimitPlace | str, category=None, urgency=None
    ) -> tuple[int, int]:
        """(working days, working hours) for a case handled at ``place`` (module doc: order)."""
        place_value = _place(place).value
        category_value, urgency_value = _category(category), _urgency(urgency)
        rules = self._rules
        for key in (
            (place_value, category_value, urgency_value),
            (place_value, None, urgency_value),
            (place_value, category_value, None),
            (place_value, None, None),
        ):
            found = rules.get(key)
            if found is not None:
                return found
        return DEFAULT_LIMITS[TimeLimitPlace(place_value)]

    def minutes_for(self, place, category, urgency, minutes_per_day: int) -> int:
        """The limit in working minutes, with ``minutes_per_day`` from the working calendar."""
        days, hours = self.limit_for(place, category, urgency)
        return days * minutes_per_day + hours * 60

    def rules(self) -> list[tuple[str, str | None, str | None, int, int]]:
        """The stored rules as (place, category, urgency, days, hours), place by place."""
        places = [p.value for p in TimeLimitPlace]
        return sorted(
            ((p, c, u, d, h) for (p, c, u), (d, h) in self._rules.items()),
            key=lambda r: (places.index(r[0]), r[1] is not None, r[2] is not None, r[1], r[2]),
        )


def _whole(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise TimeLimitError(f"{what} must be a whole number, not {value!r}")
    if value < 0:
        raise TimeLimitError(f"{what} cannot be negative ({value})")
    return value


def set_limit(
    session: Session,
    place: TimeLimitPlace | str,
    days: int,
    hours: int = 0,
    category: CaseCategory | str | None = None,
    urgency: Urgency | str | None = None,
) -> TimeLimit:
    """Create or change the rule for place (+ category, + urgency). Raises TimeLimitError."""
    from commandcenter.storage.models import TimeLimit

    place_value = _place(place).value
    category_value, urgency_value = _category(category), _urgency(urgency)
    days, hours = _whole(days, "days"), _whole(hours, "hours")
    if days == 0 and hours == 0:
        raise TimeLimitError("a time limit needs some time: days and hours cannot both be 0")
    row = _find(session, place_value, category_value, urgency_value)
    if row is None:
        row = TimeLimit(
            place=place_value, category=category_value, urgency=urgency_value, days=0, hours=0
        )
        session.add(row)
    row.days, row.hours = days, hours
    session.flush()
    return row


def remove_limit(
    session: Session,
    place: TimeLimitPlace | str,
    category: CaseCategory | str | None = None,
    urgency: Urgency | str | None = None,
) -> bool:
    """Delete one rule; cases then fall back to the next less specific one (module doc).
    Removing a place default makes the built-in default apply. False when there was none."""
    row = _find(session, _place(place).value, _category(category), _urgency(urgency))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def _find(
    session: Session, place: str, category: str | None, urgency: str | None
) -> TimeLimit | None:
    from sqlalchemy import select

    from commandcenter.storage.models import TimeLimit

    # NULLs never match "=" in SQL (and the unique constraint lets them repeat): say IS NULL.
    query = select(TimeLimit).where(TimeLimit.place == place)
    query = query.where(
        TimeLimit.category.is_(None) if category is None else TimeLimit.category == category
    )
    query = query.where(
        TimeLimit.urgency.is_(None) if urgency is None else TimeLimit.urgency == urgency
    )
    return session.scalars(query.order_by(TimeLimit.id)).first()


def describe_limit(days: int, hours: int) -> str:
    parts = []
    if days:
        parts.append(f"{days} working day{'s' if days != 1 else ''}")
    if hours or not days:
        parts.append(f"{hours} working hour{'s' if hours != 1 else ''}")
    return " ".join(parts)
