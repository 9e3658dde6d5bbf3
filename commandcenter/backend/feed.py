"""The one stream of changes every console follows.

A console loads its picture of the jurisdiction once (``load_console``: the board's rows, the
tree, the cameras, the tours, the month's closures) together with a ``FeedMark``; from then on
it asks only for what changed after the mark (``changes_since``). Cases are followed through
their archive (every change of a case appends an entry); grids, cameras, tours and settings
through the change log. The answer carries the fresh rows of exactly what changed — its own
steps and those of every other console alike — so no screen reloads on a timer.

A new day, or a change of the settings that judge deadlines, asks for a new load
(``FeedUpdate.reload``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.cases import may_see
from commandcenter.cameras.rows import CameraRow, camera_rows
from commandcenter.cases import board
from commandcenter.cases.board import BoardMark
from commandcenter.cases.dashboard import MonthClosures, month_closures
from commandcenter.cases.rows import CaseRow, rows_for_all
from commandcenter.domain.changes import ChangeKind, Changes
from commandcenter.domain.enums import CaseState
from commandcenter.jurisdiction.tree import UnitNode, static_tree
from commandcenter.storage.models import Case, ChangeLogEntry
from commandcenter.storage.watermark import Watermark, chunks, read_watermark, rows_since
from commandcenter.video.wall import Tour, load_tours

_LOG = ChangeLogEntry.__table__


@dataclass(frozen=True)
class FeedMark:
    board: BoardMark
    log: Watermark


@dataclass(frozen=True)
class ConsoleData:
    """Everything a console shows of its jurisdiction, read at ``loaded_at``."""

    loaded_at: dt.datetime
    mark: FeedMark
    rows: tuple[CaseRow, ...]  # the board: open cases, then those that ended today
    tree: UnitNode  # names, boundaries, staff (case counts come from the rows)
    cameras: tuple[CameraRow, ...]
    tours: tuple[Tour, ...]
    month: MonthClosures


@dataclass(frozen=True)
class FeedUpdate:
    """What changed after a mark, with the fresh data of exactly that."""

    mark: FeedMark
    changes: Changes = Changes()
    rows: tuple[CaseRow, ...] = ()  # changed cases still on the board
    removed_case_ids: tuple[int, ...] = ()  # cases that left the board
    cameras: tuple[CameraRow, ...] = ()  # changed cameras still in the jurisdiction
    removed_camera_ids: tuple[int, ...] = ()
    tours: tuple[Tour, ...] | None = None  # the tours, when they changed
    tree: UnitNode | None = None  # the tree, when grids changed
    month: MonthClosures | None = None  # the month's closures, when a case closed
    reload: bool = False  # a new day or new deadline settings: load the console again
    checked_at: dt.datetime | None = field(default=None, compare=False)

    def __bool__(self) -> bool:
        return bool(self.changes) or self.reload


def read_mark(session: Session, now: dt.datetime) -> FeedMark:
    return FeedMark(board.read_mark(session, now), read_watermark(session, _LOG.c.id))


def load_console(session: Session, actor: Actor, now: dt.datetime) -> ConsoleData:
    log_mark = read_watermark(session, _LOG.c.id)  # marks first: a change meanwhile is read again
    loaded = board.load_board(session, actor, now)  # (reads the archive's mark before its rows)
    return ConsoleData(
        loaded_at=now,
        mark=FeedMark(loaded.mark, log_mark),
        rows=tuple(loaded.rows),
        tree=static_tree(session, actor),
        cameras=tuple(camera_rows(session, actor)),
        tours=tuple(load_tours(session, actor)),
        month=month_closures(session, actor, now),
    )


def changes_since(
    session: Session,
    actor: Actor,
    now: dt.datetime,
    mark: FeedMark,
    upto: FeedMark | None = None,
) -> FeedUpdate:
    """What changed after ``mark`` for this actor (only up to ``upto``, a mark the server's
    shared reading reached, when given: the answer's mark is then ``upto``)."""
    if mark.board.day != now.date() or (upto is not None and upto.board.day != now.date()):
        return FeedUpdate(read_mark(session, now), reload=True, checked_at=now)
    cases = board.changes_since(
        session, actor, now, mark.board, upto.board if upto is not None else None
    )
    entries, log_mark = rows_since(
        session,
        mark.log,
        _LOG.c.id,
        _LOG.c.kind,
        _LOG.c.entity_id,
        upto=upto.log if upto is not None else None,
    )
    new_mark = FeedMark(cases.mark, log_mark)
    kinds: dict[str, set] = {kind.value: set() for kind in ChangeKind}
    for _, kind, entity_id in entries:
        kinds.setdefault(kind, set()).add(entity_id)
    if kinds[ChangeKind.SETTINGS.value]:
        return FeedUpdate(new_mark, Changes(settings=True), reload=True, checked_at=now)
    case_ids = {row.id for row in cases.changed} | set(cases.removed_ids)
    camera_ids = kinds[ChangeKind.CAMERA.value]
    changes = Changes(
        cases=frozenset(case_ids),
        grids=frozenset(kinds[ChangeKind.GRID.value]),
        cameras=frozenset(camera_ids),
        tours=bool(kinds[ChangeKind.TOURS.value]),
        admin=bool(kinds[ChangeKind.ADMIN.value]),
    )
    cameras: list[CameraRow] = []
    if camera_ids:
        cameras = [c for c in camera_rows(session, actor) if c.id in camera_ids]
    closed = any(row.state is CaseState.CLOSED for row in cases.changed)
    return FeedUpdate(
        mark=new_mark,
        changes=changes,
        rows=tuple(cases.changed),
        removed_case_ids=tuple(cases.removed_ids),
        cameras=tuple(cameras),
        removed_camera_ids=tuple(sorted(camera_ids - {c.id for c in cameras})),
        tours=tuple(load_tours(session, actor)) if changes.tours else None,
        tree=static_tree(session, actor) if changes.grids or changes.admin else None,
        month=month_closures(session, actor, now) if closed else None,
        checked_at=now,
    )


# --- one reading for many feeds (the server) --------------------------------------------------------


@dataclass(frozen=True)
class CaseScope:
    """Where a changed case is and who holds it: what ``may_see`` reads."""

    id: int
    center_id: int | None
    holder_center_id: int | None
    holder_department_id: int | None
    holder_user_id: int | None
    grid_id: int | None = None
    handling_department_id: int | None = None
    reporter_user_id: int | None = None
    previous_department_id: int | None = None  # the department that held it before, if known


@dataclass(frozen=True)
class CenterChanges:
    """What changed in the whole center after a mark, before any jurisdiction: read once by a
    server for all its feeds, so that only the feeds it concerns read their actor's rows."""

    mark: FeedMark
    cases: tuple[CaseScope, ...] = ()
    other: bool = False  # grids, cameras, tours or settings: every feed looks
    new_day: bool = False


def center_changes(session: Session, now: dt.datetime, mark: FeedMark) -> CenterChanges:
    if mark.board.day != now.date():
        return CenterChanges(read_mark(session, now), new_day=True)
    case_ids, archive = board.changed_case_ids(session, mark.board.archive)
    entries, log_mark = rows_since(session, mark.log, _LOG.c.id)
    scopes: list[CaseScope] = []
    cases = Case.__table__.c
    for chunk in chunks(sorted(case_ids)):
        scopes += [
            CaseScope(*row)
            for row in session.execute(
                select(
                    cases.id,
                    cases.center_id,
                    cases.holder_center_id,
                    cases.holder_department_id,
                    cases.holder_user_id,
                    cases.grid_id,
                    cases.handling_department_id,
                    cases.reporter_user_id,
                ).where(cases.id.in_(chunk))
            )
        ]
    mark = FeedMark(board.BoardMark(archive, now.date()), log_mark)
    return CenterChanges(mark, tuple(scopes), other=bool(entries))


def concerns(actor: Actor, changes: CenterChanges) -> bool:
    """Must this actor's feed read what changed (``changes_since``)? Yes for a case it may see
    (``may_see``, the one rule) and, for a department, one it held until this change; for the
    rest of the change log, and a new day, everyone."""
    if changes.new_day or changes.other:
        return True
    department = actor.department_id
    return any(
        may_see(actor, case)
        or (department is not None and case.previous_department_id == department)
        for case in changes.cases
    )


class CenterFollower:
    """Follows what changed in the whole center, for a server's feeds: ``start`` once, then
    ``read`` after each change. It remembers which department holds each open case, so that
    a case a department sends on concerns that department too (and no other)."""

    def __init__(self) -> None:
        self.mark: FeedMark | None = None
        self._held: dict[int, int] = {}  # case id -> department holding it

    def start(self, session: Session, now: dt.datetime) -> None:
        cases = Case.__table__.c
        # The holders first, then the mark: a change in between is read again after the mark.
        self._held = dict(
            session.execute(
                select(cases.id, cases.holder_department_id).where(
                    cases.holder_department_id.is_not(None)
                )
            ).all()
        )
        self.mark = read_mark(session, now)

    def read(self, session: Session, now: dt.datetime) -> CenterChanges:
        if self.mark is None:
            self.start(session, now)
            return CenterChanges(self.mark, new_day=True)  # a fresh start: every feed looks
        changes = center_changes(session, now, self.mark)
        scopes = []
        for case in changes.cases:
            previous = self._held.get(case.id)
            if case.holder_department_id is None:
                self._held.pop(case.id, None)
            else:
                self._held[case.id] = case.holder_department_id
            scopes.append(dataclasses.replace(case, previous_department_id=previous))
        self.mark = changes.mark
        if changes.new_day:
            self.start(session, now)
            return CenterChanges(self.mark, new_day=True)
        return dataclasses.replace(changes, cases=tuple(scopes))


@dataclass(frozen=True)
class SharedRows:
    """The changed cases' rows, read once for all of a server's feeds: as the roles that read
    personal data see them, and masked. ``per_actor``: something changed that each actor must
    read for itself (the change log, a new day), so none of this is used."""

    before: FeedMark | None  # the mark the reading started from
    changes: CenterChanges
    clear: dict[int, CaseRow] = field(default_factory=dict)
    masked: dict[int, CaseRow] = field(default_factory=dict)
    per_actor: bool = False


def shared_rows(
    session: Session, now: dt.datetime, before: FeedMark | None, changes: CenterChanges
) -> SharedRows:
    per_actor = before is None or changes.new_day or changes.other
    if per_actor or not changes.cases:
        return SharedRows(before, changes, per_actor=per_actor)
    ids = [case.id for case in changes.cases]
    return SharedRows(
        before,
        changes,
        clear={r.id: r for r in rows_for_all(session, now, ids, sees_personal_data=True)},
        masked={r.id: r for r in rows_for_all(session, now, ids, sees_personal_data=False)},
    )


def update_from_shared(actor: Actor, shared: SharedRows, now: dt.datetime) -> FeedUpdate | None:
    """This actor's ``changes_since(shared.before, upto=shared.changes.mark)`` made from the
    shared rows (``may_see`` keeps its own), or None when it must read for itself: the change
    log moved, a new day, or a case it sees closed (the month's closures are its own)."""
    if shared.per_actor:
        return None
    rows = shared.clear if actor.sees_personal_data else shared.masked
    today_start = board.day_start(now.date())
    changed: list[CaseRow] = []
    removed: list[int] = []
    department = actor.department_id
    for case in shared.changes.cases:
        row = rows.get(case.id)
        if row is None or not may_see(actor, row):
            if department is not None and case.previous_department_id == department:
                removed.append(case.id)  # it held the case, which has left it
            continue
        if row.state is CaseState.CLOSED:
            return None
        if board.on_board(row, today_start):
            changed.append(row)
        else:
            removed.append(row.id)
    return FeedUpdate(
        mark=shared.changes.mark,
        changes=Changes(cases=frozenset([r.id for r in changed] + removed)),
        rows=tuple(changed),
        removed_case_ids=tuple(sorted(removed)),
        checked_at=now,
    )
