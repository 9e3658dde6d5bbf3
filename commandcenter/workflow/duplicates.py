"""Duplicate reports: an open case of the same category close in place and time is offered for
merging (并案) instead of a second case being opened."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.domain.enums import OPEN_STATES, CaseCategory
from commandcenter.storage.models import Case, Setting

EARTH_RADIUS_M = 6_371_000
SETTING_KEY = "duplicate_rule"


@dataclass(frozen=True)
class DuplicateRule:
    distance_m: float = 100.0
    window_hours: float = 48.0

    @classmethod
    def load(cls, session: Session) -> DuplicateRule:
        row = session.get(Setting, SETTING_KEY)
        return cls(**row.value) if row and isinstance(row.value, dict) else cls()


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), good to centimetres at a city's scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def find_duplicates(
    session: Session,
    rule: DuplicateRule,
    category: CaseCategory,
    lon: float,
    lat: float,
    now: dt.datetime,
) -> list[Case]:
    """Open cases of the category within the rule's distance and time, nearest first."""
    dlat = rule.distance_m / 111_320
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = session.scalars(
        select(Case).where(
            Case.state.in_(OPEN_STATES),
            Case.category == category,
            Case.reported_at >= now - dt.timedelta(hours=rule.window_hours),
            Case.lon.between(lon - dlon, lon + dlon),
            Case.lat.between(lat - dlat, lat + dlat),
        )
    ).all()
    near = [(distance_m(lon, lat, c.lon, c.lat), c) for c in candidates]
    return [c for d, c in sorted(near, key=lambda pair: pair[0]) if d <= rule.distance_m]
