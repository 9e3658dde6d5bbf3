"""The map's search box: places by code, name or address, inside one actor's jurisdiction.

:func:`search_places` is meant to run on every keystroke in a worker thread. It runs one small
query per kind of place (administrative units, grids, buildings, cameras, open cases), each
filtered by the :class:`~commandcenter.security.Actor`'s jurisdiction the way
:mod:`commandcenter.queries` filters, scored and cut to the limit in SQL, then merges them.

Matching, case-insensitive (the text is NFKC-normalised first, so full-width digits typed with
a Chinese input method count as digits):

- the text is split into words and every word must match the place (AND);
- a word of digits matches a code: grid code (19 digits), division code of a unit, camera
  device ID (20 digits), case code; by prefix at any length, anywhere in the code from
  ``MIN_CODE_INFIX`` digits on;
- every word, digits too ("101" of an address), matches names and addresses anywhere in them:
  grid name (and its community's name, which only finds, never ranks), unit name, building
  name and address, camera name, open case title and address (closed cases are left out).

Ranking: each word scores ``EXACT`` (a code, name or address equals it), ``PREFIX`` or
``INFIX``; a place's score is the mean over the words. Higher scores come first, then units and
grids before buildings, cameras and cases, then by name (code-point order on every engine) and
id. The expressions are plain ``lower(column) LIKE`` with the user's ``%``, ``_`` and ``\\``
escaped, so SQLite and PostgreSQL give the same answer (but SQLite's ``lower`` folds ASCII
letters only: an accented capital there matches only as typed).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

import shapely
from sqlalchemy import ColumnElement, and_, bindparam, case, collate, func, or_, select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor, descendant_unit_ids
from commandcenter.access.cases import visible_condition
from commandcenter.domain.limits import search_text
from commandcenter.storage.models import (
    TERMINAL_STATES_IN_ORDER,
    AdminUnit,
    Building,
    Camera,
    Case,
    Grid,
)

PlaceKind = Literal["unit", "grid", "building", "camera", "case"]

EXACT, PREFIX, INFIX = 3, 2, 1
MIN_CODE_INFIX = 4  # a shorter run of digits matches a code only at its start
MAX_WORDS = 32  # no place is named with more words; longer texts find nothing
KIND_ORDER: dict[str, int] = {"unit": 0, "grid": 1, "building": 2, "camera": 3, "case": 4}
_ESCAPE = "\\"

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class PlaceHit:
    """One search result: what to list, and where the map flies to or what it fits."""

    kind: PlaceKind
    id: int
    title: str
    subtitle: str
    lon: float | None  # a point to fly to; None only for a place with no position at all
    lat: float | None
    bbox: BBox | None  # lon/lat min_x, min_y, max_x, max_y of a grid's or unit's polygon
    score: float  # mean over the words of EXACT / PREFIX / INFIX


def words_of(text: str) -> list[str]:
    """The words the search matches: NFKC-normalised, lower-cased, split at any white space."""
    return unicodedata.normalize("NFKC", text or "").lower().split()


@dataclass(frozen=True)
class _Word:
    lowered: str

    @property
    def digits(self) -> bool:
        return self.lowered.isascii() and self.lowered.isdigit()

    @property
    def escaped(self) -> str:
        """The word for a LIKE pattern: its %, _ and backslash match only themselves."""
        text = self.lowered.replace(_ESCAPE, _ESCAPE * 2)
        return text.replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")


def _like(column, pattern: str) -> ColumnElement[bool]:
    return column.like(pattern, escape=_ESCAPE)


class _Fields:
    """The columns one kind of place is matched on.

    ``texts`` (names, addresses) match and rank every word; ``codes`` only words of digits;
    ``extra`` only find, never rank (a grid's community name must not make every grid of the
    community an exact match).
    """

    def __init__(self, texts=(), codes=(), extra=()):
        self.texts = [func.lower(c) for c in texts]
        self.codes = list(codes)
        self.extra = [func.lower(c) for c in extra]

    def _matches(self, word: _Word) -> ColumnElement[bool]:
        anywhere = f"%{word.escaped}%"
        conditions = [_like(c, anywhere) for c in self.texts + self.extra]
        if word.digits:
            in_code = anywhere if len(word.lowered) >= MIN_CODE_INFIX else f"{word.escaped}%"
            conditions += [_like(c, in_code) for c in self.codes]
        return or_(*conditions)

    def _quality(self, word: _Word) -> ColumnElement[int]:
        ranked = self.texts + (self.codes if word.digits else [])
        prefix = f"{word.escaped}%"
        return case(
            (or_(*(c == word.lowered for c in ranked)), EXACT),
            (or_(*(_like(c, prefix) for c in ranked)), PREFIX),
            else_=INFIX,
        )

    def where_and_score(self, words: list[_Word]):
        """The condition (every word matches) and the summed score, labelled ``score``."""
        score = self._quality(words[0])
        for word in words[1:]:
            score = score + self._quality(word)
        return and_(*(self._matches(w) for w in words)), score.label("score")


# Core tables and aliases, built once: a search runs on every keystroke.
_UNITS = AdminUnit.__table__
_PARENTS = _UNITS.alias("parents")
_COMMUNITIES = _UNITS.alias("communities")
_GRIDS = Grid.__table__
_BUILDINGS = Building.__table__
_CAMERAS = Camera.__table__
_CASES = Case.__table__

_UNIT_FIELDS = _Fields(texts=[_UNITS.c.name], codes=[_UNITS.c.code])
_GRID_FIELDS = _Fields(texts=[_GRIDS.c.name], codes=[_GRIDS.c.code], extra=[_COMMUNITIES.c.name])
_BUILDING_FIELDS = _Fields(texts=[_BUILDINGS.c.name, _BUILDINGS.c.address])
_CAMERA_FIELDS = _Fields(texts=[_CAMERAS.c.name], codes=[_CAMERAS.c.device_id])
_CASE_FIELDS = _Fields(texts=[_CASES.c.title, _CASES.c.address], codes=[_CASES.c.code])

# The case board's predicate (queries.open_cases), states written out for the partial index.
_CASE_IS_OPEN = _CASES.c.state.not_in(
    bindparam("terminal_states", TERMINAL_STATES_IN_ORDER, expanding=True, literal_execute=True)
)


def search_places(session: Session, actor: Actor, text: str, *, limit: int = 20) -> list[PlaceHit]:
    """Places matching ``text`` inside the actor's jurisdiction, best first, at most ``limit``."""
    words = [_Word(w) for w in words_of(search_text(text))]
    if not words or len(words) > MAX_WORDS or limit <= 0:
        return []
    dialect = session.get_bind().dialect.name
    hits: list[PlaceHit] = []
    for finder in (_units, _grids, _buildings, _cameras, _cases):
        hits.extend(finder(session, actor, words, limit, dialect))
    hits.sort(key=lambda h: (-h.score, KIND_ORDER[h.kind], h.title, h.id))
    return hits[:limit]


def _best(query, score, name, id_column, limit: int, dialect: str):
    """Best score first, then by name in code-point order (SQLite's default; PostgreSQL's
    "C" collation), as the merge in Python sorts: the same cut on every engine."""
    by_name = collate(name, "C") if dialect == "postgresql" else name
    return query.order_by(score.desc(), by_name, id_column).limit(limit)


def _subtitle(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def _bbox(min_lon, min_lat, max_lon, max_lat) -> BBox | None:
    if None in (min_lon, min_lat, max_lon, max_lat):
        return None
    return (min_lon, min_lat, max_lon, max_lat)


def _middle(bbox: BBox | None) -> tuple[float | None, float | None]:
    if bbox is None:
        return None, None
    return (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2


def _units(session, actor, words, limit, dialect) -> list[PlaceHit]:
    units = _UNITS.c
    condition, score = _UNIT_FIELDS.where_and_score(words)
    query = (
        select(
            units.id,
            units.code,
            units.name,
            _PARENTS.c.name,
            units.boundary_wkb,
            units.min_lon,
            units.min_lat,
            units.max_lon,
            units.max_lat,
            score,
        )
        .select_from(_UNITS.outerjoin(_PARENTS, units.parent_id == _PARENTS.c.id))
        .where(units.id.in_(actor.jurisdiction_unit_ids), condition)
    )
    hits = []
    rows = session.execute(_best(query, score, units.name, units.id, limit, dialect)).all()
    for unit_id, code, name, parent_name, wkb, *box, total in rows:
        bbox = _bbox(*box)
        if wkb is not None:
            geometry = shapely.from_wkb(wkb)
            point = geometry.representative_point()  # inside the polygon, unlike its centroid
            lon, lat = point.x, point.y
            bbox = bbox or tuple(geometry.bounds)  # the box columns may be empty: not the WKB
        else:  # a county or street drawn only through its communities and grids
            bbox = _bbox_below(session, actor, unit_id)
            lon, lat = _middle(bbox)
        hits.append(
            PlaceHit(
                "unit",
                unit_id,
                name,
                _subtitle(code, parent_name),
                lon,
                lat,
                bbox,
                total / len(words),
            )
        )
    return hits


def _bbox_below(session: Session, actor: Actor, unit_id: int) -> BBox | None:
    """The box around the units and grids below a unit that has no polygon of its own."""
    below = descendant_unit_ids(session, unit_id) & actor.jurisdiction_unit_ids
    boxes = []
    for table, column in ((_UNITS, _UNITS.c.id), (_GRIDS, _GRIDS.c.community_id)):
        box = session.execute(
            select(
                func.min(table.c.min_lon),
                func.min(table.c.min_lat),
                func.max(table.c.max_lon),
                func.max(table.c.max_lat),
            ).where(column.in_(below))
        ).one()
        if None not in box:
            boxes.append(box)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _grids(session, actor, words, limit, dialect) -> list[PlaceHit]:
    grids = _GRIDS.c
    condition, score = _GRID_FIELDS.where_and_score(words)
    query = (
        select(
            grids.id,
            grids.code,
            grids.name,
            _COMMUNITIES.c.name,
            grids.centroid_lon,
            grids.centroid_lat,
            grids.min_lon,
            grids.min_lat,
            grids.max_lon,
            grids.max_lat,
            score,
        )
        .select_from(_GRIDS.join(_COMMUNITIES, grids.community_id == _COMMUNITIES.c.id))
        .where(grids.community_id.in_(actor.jurisdiction_unit_ids), condition)
    )
    hits = []
    rows = session.execute(_best(query, score, grids.name, grids.id, limit, dialect)).all()
    for grid_id, code, name, community_name, lon, lat, *box, total in rows:
        bbox = _bbox(*box)
        if lon is None or lat is None:
            lon, lat = _middle(bbox)
        hits.append(
            PlaceHit(
                "grid",
                grid_id,
                name,
                _subtitle(code, community_name),
                lon,
                lat,
                bbox,
                total / len(words),
            )
        )
    return hits


def _buildings(session, actor, words, limit, dialect) -> list[PlaceHit]:
    buildings = _BUILDINGS.c
    condition, score = _BUILDING_FIELDS.where_and_score(words)
    query = (
        select(buildings.id, buildings.name, buildings.address, buildings.lon, buildings.lat, score)
        .select_from(_BUILDINGS.join(_GRIDS, buildings.grid_id == _GRIDS.c.id))
        .where(_GRIDS.c.community_id.in_(actor.jurisdiction_unit_ids), condition)
    )
    rows = session.execute(_best(query, score, buildings.name, buildings.id, limit, dialect))
    return [
        PlaceHit("building", i, name, address, lon, lat, None, total / len(words))
        for i, name, address, lon, lat, total in rows
    ]


def _cameras(session, actor, words, limit, dialect) -> list[PlaceHit]:
    cameras = _CAMERAS.c
    condition, score = _CAMERA_FIELDS.where_and_score(words)
    query = (
        select(
            cameras.id,
            cameras.name,
            cameras.device_id,
            _GRIDS.c.name,
            cameras.lon,
            cameras.lat,
            score,
        )
        .select_from(_CAMERAS.outerjoin(_GRIDS, cameras.grid_id == _GRIDS.c.id))
        .where(cameras.center_id.in_(actor.jurisdiction_center_ids), condition)
    )
    rows = session.execute(_best(query, score, cameras.name, cameras.id, limit, dialect))
    return [
        PlaceHit(
            "camera",
            i,
            name,
            _subtitle(device_id, grid_name),
            lon,
            lat,
            None,
            total / len(words),
        )
        for i, name, device_id, grid_name, lon, lat, total in rows
    ]


def _cases(session, actor, words, limit, dialect) -> list[PlaceHit]:
    cases = _CASES.c
    condition, score = _CASE_FIELDS.where_and_score(words)
    open_in_jurisdiction = select(cases.id).where(  # the board's partial index, by center
        _CASE_IS_OPEN,
        visible_condition(actor, _CASES),  # who sees a case: the one rule
    )
    query = (
        select(
            cases.id,
            cases.code,
            cases.title,
            cases.address,
            func.coalesce(cases.lon, _GRIDS.c.centroid_lon),  # no position: fly to its grid
            func.coalesce(cases.lat, _GRIDS.c.centroid_lat),
            score,
        )
        .select_from(_CASES.outerjoin(_GRIDS, cases.grid_id == _GRIDS.c.id))
        .where(cases.id.in_(open_in_jurisdiction), condition)
    )
    rows = session.execute(_best(query, score, cases.title, cases.id, limit, dialect))
    return [
        PlaceHit(
            "case",
            i,
            actor.shown_text(title),
            _subtitle(code, address),
            lon,
            lat,
            None,
            total / len(words),
        )
        for i, code, title, address, lon, lat, total in rows
    ]
