"""The case board without Qt: a column per stage of the loop, the filters, the "needs my
action" queue, and an incremental refresh that reads only what changed.

Columns (``Stage``) follow the loop: reported, filed, dispatched, handling, awaiting
verification, follow-up, and the cases closed today. A suspended case (挂账) stays in the
column of the state it will resume to, flagged ``row.paused``.

Refresh. Every step of the workflow appends one archive entry (``CaseEvent``), and entry ids
only grow. ``load_board`` notes the newest id it has seen (a ``Watermark``) *before* it reads the
cases; ``changes_since`` reads the entries after it through the primary key, then only the
cases they belong to. A case that was changed twice is read once; a case that leaves the board
(closed before today, declined, voided, merged) comes back as removed. Reading the mark first
means a step committed in between is read again next time, never lost. On PostgreSQL two
transactions can commit their entries out of id order (ids come from a sequence when the entry
is written, not when it commits), so the watermark also remembers the ids missing below it
(``gaps``, within the last ``GAP_WINDOW`` ids) and asks for them again until they appear; ids
of rolled-back transactions never do and age out of the window. After midnight the cases
closed on an earlier day leave the "closed today" column with the next refresh.

Filtering (``apply``) runs over the rows in memory: single passes of list comprehensions, the
most selective first, a lower-cased search text made once per row, and the queue test compiled
once per call. 100,000 rows take well under 200 ms (``bench/board.py``).

"Needs my action". A case is in an actor's queue when the actor may take, now, a step that
moves the case along and that the case is waiting for (``QUEUE_ACTIONS``): file or decline a
report, resolve it on the spot (the grid's manager), dispatch, accept, report the result,
verify, follow up, decide an extension request, reply to a supervision order. Who may take
which step, from which state, and in which scope (jurisdiction, holder, grid) comes from
``workflow.rules.RULES``, checked as the engine checks it (``CaseWorkflow._check``), so the queue
is exactly the cases where ``CaseWorkflow.allowed_actions`` offers one of those steps —
separation of duties included (``workflow.duties.duty_refusal``: the handler of record is not
offered the verification or the rating). Steps that
are always open to a role and so say nothing about the case waiting — urge, supervise,
escalate, return, ask for an extension, suspend, resume, void, merge, reopen — do not put a case
in the queue, with one exception: a supervisor's queue holds the overdue cases no supervision
order is open on (督办 is the supervisor's work on them), besides extension requests to decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.cases import holds, may_see
from commandcenter.cases.rows import CaseRow, board_rows, open_cases
from commandcenter.domain.enums import CaseCategory, CaseSource, CaseState, Role, Urgency
from commandcenter.domain.limits import search_text
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.storage.models import Case, CaseEvent, Center
from commandcenter.storage.watermark import Watermark, chunks, read_watermark, rows_since
from commandcenter.workflow.duties import duty_refusal
from commandcenter.workflow.rules import RULES, Action, Scope

S = CaseState


class Stage(StrEnum):
    """The board's columns, in loop order."""

    REPORTED = "reported"  # 待受理
    FILED = "filed"  # 待派遣
    DISPATCHED = "dispatched"  # 待签收
    HANDLING = "handling"  # 处置中
    AWAITING_VERIFICATION = "awaiting_verification"  # 待核查
    FOLLOW_UP = "follow_up"  # 待回访
    CLOSED_TODAY = "closed_today"  # 今日结案


# The column of each state (a suspended case: see stage_of).
STAGE_OF_STATE = {
    S.REPORTED: Stage.REPORTED,
    S.FILED: Stage.FILED,
    S.DISPATCHED: Stage.DISPATCHED,
    S.HANDLING: Stage.HANDLING,
    S.AWAITING_VERIFICATION: Stage.AWAITING_VERIFICATION,
    S.FOLLOW_UP: Stage.FOLLOW_UP,
    S.CLOSED: Stage.CLOSED_TODAY,
}


_SUSPENDED, _HANDLING = S.SUSPENDED, S.HANDLING


def stage_of(row: CaseRow) -> Stage | None:
    """The column a row shows in; a suspended case in the column it resumes to (handling when
    the resume state is unknown); None for declined, voided and merged cases."""
    state = row.state
    if state is _SUSPENDED:
        state = row.resume_state or _HANDLING
    return STAGE_OF_STATE.get(state)


def stage_counts(rows: Iterable[CaseRow]) -> dict[Stage, int]:
    counts = dict.fromkeys(Stage, 0)
    for row in rows:
        stage = stage_of(row)
        if stage is not None:
            counts[stage] += 1
    return counts


# --- loading and refreshing ---------------------------------------------------------------------

_CASES = Case.__table__
_EVENTS = CaseEvent.__table__
_ENDED = (S.CLOSED, S.DECLINED, S.VOIDED, S.MERGED)


@dataclass(frozen=True)
class BoardMark:
    """How far the board has read the archive, and the day of its "today" rows."""

    archive: Watermark = Watermark()
    day: dt.date | None = None


@dataclass(frozen=True)
class BoardData:
    """Every open case (most urgent deadline first), then the cases that ended today: closed
    ones show in the "closed today" column, declined, voided and merged ones in no column
    (they count in today's figures)."""

    rows: list[CaseRow]
    mark: BoardMark


@dataclass(frozen=True)
class BoardChanges:
    mark: BoardMark
    changed: list[CaseRow]  # new or changed, still on the board
    removed_ids: list[int]  # left the board (or never were on it: removing them is harmless)

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed_ids)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def on_board(row: CaseRow, today_start: dt.datetime) -> bool:
    """Open, or ended today."""
    return row.state.is_open or (row.closed_at is not None and row.closed_at >= today_start)


def read_mark(session: Session, now: dt.datetime) -> BoardMark:
    return BoardMark(read_watermark(session, _EVENTS.c.id), now.date())


def load_board(session: Session, actor: Actor, now: dt.datetime) -> BoardData:
    """Every open case of the jurisdiction and the cases that ended today, and the mark to
    follow the archive from."""
    mark = read_mark(session, now)  # first: a step committed meanwhile is read again
    rows = open_cases(session, actor, now)
    rows += board_rows(
        session,
        actor,
        now,
        _CASES.c.state.in_(_ENDED),
        _CASES.c.closed_at >= day_start(now.date()),
    )
    _prepare(rows)
    return BoardData(rows, mark)


def _prepare(rows: list[CaseRow]) -> None:
    """Make each row's search text and sort key here, in the thread that loads, rather than
    when the officer first types or sorts."""
    for row in rows:
        row.search_text  # noqa: B018 (a cached property)
        row.deadline_order  # noqa: B018


def changes_since(
    session: Session,
    actor: Actor,
    now: dt.datetime,
    mark: BoardMark,
    upto: BoardMark | None = None,
) -> BoardChanges:
    """The cases with archive entries after ``mark`` (up to ``upto``, when given): changed rows
    that stay on the board, and ids that leave it. (A new day is a new board: ``load_board``
    again.)"""
    case_ids, archive = changed_case_ids(
        session, mark.archive, upto.archive if upto is not None else None
    )
    changed, removed = rows_of(session, actor, now, case_ids)
    return BoardChanges(BoardMark(archive, now.date()), changed, removed)


def changed_case_ids(
    session: Session, mark: Watermark, upto: Watermark | None = None
) -> tuple[set[int], Watermark]:
    """The ids of the cases with archive entries after ``mark`` (for everyone: no jurisdiction
    yet), and the archive's watermark after them."""
    entries, archive = rows_since(session, mark, _EVENTS.c.id, _EVENTS.c.case_id, upto=upto)
    return {case_id for _, case_id in entries}, archive


def rows_of(
    session: Session, actor: Actor, now: dt.datetime, case_ids: Iterable[int]
) -> tuple[list[CaseRow], list[int]]:
    """The board rows of these cases, and the ids of those not on this actor's board."""
    today_start = day_start(now.date())
    changed, found, removed = [], set(), set()
    case_ids = set(case_ids)
    for chunk in chunks(sorted(case_ids)):
        for row in board_rows(session, actor, now, _CASES.c.id.in_(chunk)):
            found.add(row.id)
            (changed.append(row) if on_board(row, today_start) else removed.add(row.id))
    if actor.department_id is not None:
        # A department sees the cases it holds: one sent elsewhere leaves its board. Everyone
        # else sees by place, which a case never changes: what they don't see now they never
        # saw, and they are not told that it changed (not even its id).
        removed.update(case_ids - found)
    _prepare(changed)
    return changed, sorted(removed)


def center_and_below(session: Session, actor: Actor, center_id: int) -> frozenset[int]:
    """A center and every center below it, within the actor's jurisdiction: the value of
    ``BoardFilter.center_ids`` for "this center or a lower one"."""
    children: dict[int | None, list[int]] = {}
    for cid, parent in session.execute(select(Center.id, Center.parent_id)):
        children.setdefault(parent, []).append(cid)
    found, stack = set(), [center_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return frozenset(found & actor.jurisdiction_center_ids)


# --- needs my action ------------------------------------------------------------------------------

QUEUE_ACTIONS = frozenset(
    {
        Action.FILE,
        Action.DECLINE,
        Action.SELF_RESOLVE,
        Action.DISPATCH,
        Action.ACCEPT,
        Action.REPORT_RESULT,
        Action.VERIFY,
        Action.FOLLOW_UP,
        Action.DECIDE_EXTENSION,
        Action.REPLY_SUPERVISION,
    }
)
# Taken on overdue cases with no open order: the supervisor's own queue.
SUPERVISOR_QUEUE_ACTIONS = frozenset({Action.SUPERVISE})


def queue_actions(role: Role) -> frozenset[Action]:
    """The steps that put a case in this role's "needs my action" queue (when allowed)."""
    extra = SUPERVISOR_QUEUE_ACTIONS if role == Role.SUPERVISOR else frozenset()
    return frozenset(a for a in QUEUE_ACTIONS | extra if role in RULES[a].roles)


_DECIDE, _REPLY, _SUPERVISE = Action.DECIDE_EXTENSION, Action.REPLY_SUPERVISION, Action.SUPERVISE
_HOLDER, _JURISDICTION = Scope.HOLDER, Scope.JURISDICTION
_SEPARATED = frozenset({Action.VERIFY, Action.FOLLOW_UP})


def action_test(actor: Actor, now: dt.datetime | None = None) -> Callable[[CaseRow], bool]:
    """``needs_action`` for one actor, prepared once for many rows. The function's ``states``
    attribute holds the states it can say yes for (a cheap first test)."""
    steps_by_state: dict[CaseState, list[tuple[Action, Scope]]] = {}
    for action in queue_actions(actor.role):
        rule = RULES[action]
        for state in rule.from_states:
            steps_by_state.setdefault(state, []).append((action, rule.scope))
    user_id = actor.user_id
    overdue_status = DeadlineStatus.OVERDUE

    def overdue(row: CaseRow) -> bool:
        if now is None:
            return row.deadline_status is overdue_status
        return row.overdue_at(now)

    def test(row: CaseRow) -> bool:
        steps = steps_by_state.get(row.state)
        if not steps:
            return False
        for action, scope in steps:
            if action is _DECIDE and not row.extension_pending:
                continue
            if action is _REPLY and not row.supervision_open:
                continue
            if action is _SUPERVISE and (row.supervision_open or not overdue(row)):
                continue
            if action in _SEPARATED and duty_refusal(
                user_id, action, row.handler_user_id, row.duties_separated, row.self_resolved
            ):
                continue  # the engine refuses it to this person (workflow.duties)
            if scope is _HOLDER:
                allowed = holds(actor, row)
            elif scope is _JURISDICTION:
                allowed = may_see(actor, row)
            else:
                allowed = user_id in row.grid_manager_ids
            if allowed:
                return True
        return False

    test.states = frozenset(steps_by_state)
    return test


def needs_action(actor: Actor, row: CaseRow, now: dt.datetime | None = None) -> bool:
    """Whether the case waits for this actor: a queue step (``queue_actions``) is allowed to
    them on it now. ``now`` judges "overdue" for a supervisor's queue (default: the row's
    status as loaded)."""
    return action_test(actor, now)(row)


# --- filters and sorting ------------------------------------------------------------------------


class BoardSort(StrEnum):
    DEADLINE = "deadline"  # least time left first; cases without a deadline last
    AGE = "age"  # reported longest ago first


@dataclass(frozen=True)
class BoardFilter:
    """What the officer narrows the board to; None or empty text means "any". Sets may be
    given as any iterable."""

    center_ids: frozenset[int] | None = None  # the case's center (center_and_below)
    grid_ids: frozenset[int] | None = None
    categories: frozenset[CaseCategory] | None = None
    sources: frozenset[CaseSource] | None = None
    urgencies: frozenset[Urgency] | None = None
    holder: str = ""  # part of the holder's text, any case
    holder_center_ids: frozenset[int] | None = None
    holder_department_ids: frozenset[int] | None = None
    holder_user_ids: frozenset[int] | None = None
    overdue_only: bool = False
    near_due_or_overdue: bool = False
    text: str = ""  # words, each found in code, title, grid name or holder, any case
    mine: bool = False  # needs my action
    sort: BoardSort = BoardSort.DEADLINE

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type.startswith("frozenset") and value is not None:
                object.__setattr__(self, f.name, frozenset(value))

    @property
    def is_empty(self) -> bool:
        return self == BoardFilter(sort=self.sort)


_BY_DEADLINE = attrgetter("deadline_order")  # CaseRow.deadline_order, made once per row
_BY_AGE = attrgetter("reported_at", "id")


def sort_key(order: BoardSort) -> Callable[[CaseRow], tuple]:
    """The key rows are ordered by: unique (the case id breaks ties), so a sorted column can
    be bisected."""
    return _BY_AGE if order is BoardSort.AGE else _BY_DEADLINE


def sort_rows(rows: Iterable[CaseRow], order: BoardSort = BoardSort.DEADLINE) -> list[CaseRow]:
    return sorted(rows, key=sort_key(order))


def apply(
    rows: Iterable[CaseRow], board_filter: BoardFilter, actor: Actor, now: dt.datetime
) -> list[CaseRow]:
    """The rows the filter keeps, sorted as it asks."""
    return sort_rows(select_rows(rows, board_filter, actor, now), board_filter.sort)


def select_rows(
    rows: Iterable[CaseRow], board_filter: BoardFilter, actor: Actor, now: dt.datetime
) -> list[CaseRow]:
    """The rows the filter keeps, in their given order (a new list)."""
    f = board_filter
    out = list(rows)
    if f.grid_ids is not None:
        out = [r for r in out if r.grid_id in f.grid_ids]
    if f.center_ids is not None:
        out = [r for r in out if r.center_id in f.center_ids]
    if f.holder_department_ids is not None:
        out = [r for r in out if r.holder_department_id in f.holder_department_ids]
    if f.holder_user_ids is not None:
        out = [r for r in out if r.holder_user_id in f.holder_user_ids]
    if f.holder_center_ids is not None:
        out = [r for r in out if r.holder_center_id in f.holder_center_ids]
    if f.categories is not None:
        out = [r for r in out if r.category in f.categories]
    if f.sources is not None:
        out = [r for r in out if r.source in f.sources]
    if f.urgencies is not None:
        out = [r for r in out if r.urgency in f.urgencies]
    if f.overdue_only:
        out = [r for r in out if r.deadline is not None and r.overdue_at(now)]
    elif f.near_due_or_overdue:
        late = (DeadlineStatus.NEAR_DUE, DeadlineStatus.OVERDUE)
        out = [r for r in out if r.deadline is not None and r.status_at(now) in late]
    if f.holder.strip():
        needle = f.holder.strip().lower()
        out = [r for r in out if needle in r.holder.lower()]
    for word in search_text(f.text).lower().split():
        out = [r for r in out if word in r.search_text]
    if f.mine:
        test = action_test(actor, now)
        states = test.states
        out = [r for r in out if r.state in states and test(r)]
    return out


@dataclass
class Columns:
    """Filtered rows split by column, each in the filter's order."""

    rows: dict[Stage, list[CaseRow]] = field(default_factory=lambda: {s: [] for s in Stage})

    @property
    def counts(self) -> dict[Stage, int]:
        return {stage: len(rows) for stage, rows in self.rows.items()}


def split_by_stage(rows: Iterable[CaseRow]) -> Columns:
    columns = Columns()
    for row in rows:
        stage = stage_of(row)
        if stage is not None:
            columns.rows[stage].append(row)
    return columns
