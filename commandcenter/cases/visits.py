"""Household visits (走访, the 民情日志): a grid manager visits a household of their grids, writes
what they found, and — when something needs doing — the visit becomes a case. The visits feed
the grid managers' figures (``figures.kpi``: visits, households a month, the 15-households
rule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.grids import grids_in_hand
from commandcenter.domain.changes import Changes, Outcome
from commandcenter.domain.enums import CaseCategory, CaseSource
from commandcenter.errors import TransitionRefused
from commandcenter.storage.models import Building, Grid, House, Person, Visit
from commandcenter.workflow.engine import CaseWorkflow

MAX_NOTE = 2000


@dataclass(frozen=True)
class Household:
    """A house a visit can name: where it is, for the picker."""

    id: int
    address: str
    grid_id: int
    grid_name: str


@dataclass(frozen=True)
class NewVisit:
    house_id: int
    note: str
    follow_up: bool = False  # something needs doing: a case is reported from the visit
    category: CaseCategory = CaseCategory.LIVELIHOOD
    person_id: int | None = None  # the resident visited (a special group's due visit)


@dataclass(frozen=True)
class VisitDone:
    visit_id: int
    case_code: str | None  # the case the visit became, if it needed one


def households(session: Session, actor: Actor, text: str = "", limit: int = 30) -> list[Household]:
    """The houses of the actor's grids whose address or number holds ``text``."""
    grid_ids = grids_in_hand(session, actor)
    if not grid_ids:
        return []
    query = (
        select(House.id, House.number, Building.address, Grid.id, Grid.name)
        .join(Building, House.building_id == Building.id)
        .join(Grid, Building.grid_id == Grid.id)
        .where(Grid.id.in_(grid_ids))
    )
    text = text.strip()[:50]
    if text:
        pattern = f"%{text}%"
        query = query.where(Building.address.like(pattern) | House.number.like(pattern))
    rows = session.execute(query.order_by(Building.address, House.number).limit(limit)).all()
    return [Household(h, f"{address} {number}", g, name) for h, number, address, g, name in rows]


def record_visit(
    session: Session, actor: Actor, now: dt.datetime, visit: NewVisit
) -> Outcome[VisitDone]:
    """A visit to a household of one of the actor's grids; with ``follow_up``, also a case
    reported at the house (source: grid patrol)."""
    note = visit.note.strip()
    if not note:
        raise TransitionRefused("Write what you found at the visit.", "input")
    if len(note) > MAX_NOTE:
        raise TransitionRefused(f"The note is over {MAX_NOTE} characters.", "input")
    found = session.execute(
        select(
            House.id, Building.grid_id, Building.address, House.number, Building.lon, Building.lat
        )
        .join(Building, House.building_id == Building.id)
        .where(House.id == visit.house_id)
    ).first()
    if found is None:
        raise TransitionRefused(f"No house with id {visit.house_id}.", "input")
    _, grid_id, address, number, lon, lat = found
    if grid_id not in grids_in_hand(session, actor):
        raise TransitionRefused("That household is not in one of your grids.", "jurisdiction")
    if visit.person_id is not None:
        person_house = session.scalar(select(Person.house_id).where(Person.id == visit.person_id))
        if person_house != visit.house_id:
            raise TransitionRefused("That resident does not live in this household.", "input")
    row = Visit(
        grid_id=grid_id,
        user_id=actor.user_id,
        house_id=visit.house_id,
        person_id=visit.person_id,
        at=now,
        note=note,
    )
    session.add(row)
    session.flush()
    code, changes = None, Changes()
    if visit.follow_up:
        change = CaseWorkflow(session, now=lambda: now).report(
            actor,
            source=CaseSource.GRID_PATROL,
            category=visit.category,
            title=f"走访发现：{note.splitlines()[0][:30]}",
            description=note,
            grid_id=grid_id,
            address=f"{address} {number}",
            lon=lon,
            lat=lat,
            allow_duplicate=True,
        )
        code, changes = change.code, Changes.of_cases({change.case_id})
    return Outcome(VisitDone(row.id, code), changes)
