"""Grid managers' rounds (巡查): a round starts and ends on the phone, which sends its position
every few seconds meanwhile; the console's map shows each field worker's last position and
today's track — who is out, and where.

Positions are stamped with the server's time less the age the phone measured for each (its
own monotonic clock): a phone whose clock is wrong, or that kept positions through a dead
zone, still places them right in time. A position outside China is refused, as is one older
than a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import Role
from commandcenter.errors import PermissionDenied, TransitionRefused
from commandcenter.geo.locate import in_china
from commandcenter.storage.models import Patrol, Position, User

FIELD_ROLES = frozenset({Role.GRID_MANAGER, Role.GRID_LEADER, Role.DEPARTMENT_HANDLER})
MAX_BATCH = 500  # positions in one request (a phone back from an hour without network)
MAX_AGE = dt.timedelta(days=1)


@dataclass(frozen=True)
class PhonePosition:
    lon: float
    lat: float
    accuracy_m: float | None = None
    age_s: float = 0.0  # how long before sending the phone took it


@dataclass(frozen=True)
class FieldWorker:
    """One field worker as the console's map shows them."""

    user_id: int
    name: str
    on_patrol: bool
    last_at: dt.datetime
    lon: float
    lat: float
    track: tuple[tuple[float, float], ...]  # today's positions, oldest first


def _field_actor(actor: Actor) -> None:
    if actor.role not in FIELD_ROLES:
        raise PermissionDenied("Only field workers go on rounds.")


def _open_patrol(session: Session, actor: Actor) -> Patrol | None:
    return session.scalar(
        select(Patrol)
        .where(Patrol.user_id == actor.user_id, Patrol.ended_at.is_(None))
        .order_by(Patrol.started_at.desc())
    )


def start_patrol(session: Session, actor: Actor, now: dt.datetime) -> Outcome[int]:
    """A round begins (one at a time: an open one goes on)."""
    _field_actor(actor)
    patrol = _open_patrol(session, actor)
    if patrol is None:
        patrol = Patrol(user_id=actor.user_id, started_at=now)
        session.add(patrol)
        session.flush()
    return Outcome(patrol.id, Changes())


def end_patrol(session: Session, actor: Actor, now: dt.datetime) -> Outcome[int | None]:
    _field_actor(actor)
    patrol = _open_patrol(session, actor)
    if patrol is not None:
        patrol.ended_at = now
    return Outcome(patrol.id if patrol else None, Changes())


def record_positions(
    session: Session, actor: Actor, now: dt.datetime, points: tuple[PhonePosition, ...]
) -> Outcome[int]:
    """Keep the phone's positions (all or none); the value is how many."""
    _field_actor(actor)
    if len(points) > MAX_BATCH:
        raise TransitionRefused(f"At most {MAX_BATCH} positions at once.", "input")
    patrol = _open_patrol(session, actor)
    rows = []
    for point in points:
        if not in_china(point.lon, point.lat):
            raise TransitionRefused(
                f"A position outside China ({point.lon}, {point.lat}): nothing kept.", "input"
            )
        age = dt.timedelta(seconds=max(0.0, point.age_s))
        if age > MAX_AGE:
            raise TransitionRefused("A position older than a day: nothing kept.", "input")
        rows.append(
            Position(
                user_id=actor.user_id,
                patrol_id=patrol.id if patrol else None,
                at=(now - age).replace(microsecond=0),
                lon=point.lon,
                lat=point.lat,
                accuracy_m=point.accuracy_m,
            )
        )
    session.add_all(rows)
    session.flush()
    return Outcome(len(rows), Changes())


def field_workers(session: Session, actor: Actor, now: dt.datetime) -> list[FieldWorker]:
    """The field workers of the actor's jurisdiction with a position today: the last one,
    today's track, and whether they are on a round now."""
    start = dt.datetime.combine(now.date(), dt.time())
    rows = session.execute(
        select(Position.user_id, Position.at, Position.lon, Position.lat, User.display_name)
        .join(User, User.id == Position.user_id)
        .where(
            Position.at >= start,
            Position.at <= now,
            User.center_id.in_(actor.jurisdiction_center_ids),
        )
        .order_by(Position.user_id, Position.at)
    ).all()
    on_patrol = set(
        session.scalars(
            select(Patrol.user_id).where(Patrol.ended_at.is_(None), Patrol.started_at >= start)
        )
    )
    tracks: dict[int, list] = {}
    for row in rows:
        tracks.setdefault(row.user_id, []).append(row)
    return [
        FieldWorker(
            user_id=user_id,
            name=points[-1].display_name,
            on_patrol=user_id in on_patrol,
            last_at=points[-1].at,
            lon=points[-1].lon,
            lat=points[-1].lat,
            track=tuple((p.lon, p.lat) for p in points),
        )
        for user_id, points in tracks.items()
    ]
