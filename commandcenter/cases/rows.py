"""One case as a row of the board, the list, the map and the exports (``CaseRow``), and the
queries that read them for one actor's jurisdiction. Rows are frozen dataclasses, safe to hand
from a worker thread to the GUI."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import String, bindparam, select, type_coerce
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor, shown_text
from commandcenter.access.cases import visible_condition
from commandcenter.domain.enums import (
    CaseCategory,
    CaseSource,
    CaseState,
    Urgency,
)
from commandcenter.schedule.deadlines import DeadlineRule, DeadlineStatus, is_overdue, judged_at
from commandcenter.storage.models import (
    TERMINAL_STATES_IN_ORDER,
    Case,
    Center,
    Department,
    Grid,
    SupervisionOrder,
    User,
    grid_managers,
)
from commandcenter.storage.watermark import chunks
from commandcenter.workflow.duties import DutiesPolicy

_NO_DEADLINE = dt.datetime.max


@dataclass(frozen=True)
class CaseRow:
    id: int
    code: str
    title: str
    category: CaseCategory
    source: CaseSource
    urgency: Urgency
    state: CaseState
    grid_id: int | None
    grid_name: str | None
    holder: str
    reported_at: dt.datetime
    filed_at: dt.datetime | None
    deadline: dt.datetime | None
    deadline_status: DeadlineStatus  # as of the query's "now" (DeadlineRule.of_case)
    lon: float | None
    lat: float | None
    rule: DeadlineRule = field(default=DeadlineRule(), compare=False, repr=False)
    # For the case board (commandcenter.board): where the case belongs and who holds it, as
    # the engine's scope checks read them, and what waits on it.
    center_id: int | None = None
    holder_center_id: int | None = None
    holder_department_id: int | None = None
    holder_user_id: int | None = None
    resume_state: CaseState | None = None  # a suspended case returns to this state
    extension_pending: bool = False  # an extension request waits for a decision
    supervision_open: bool = False  # a supervision order (督办) waits for a reply
    grid_manager_ids: frozenset[int] = frozenset()
    closed_at: dt.datetime | None = None  # only on rows of closed cases (board_rows)
    paused_since: dt.datetime | None = None  # the deadline clock stopped (suspension, extension)
    version: int = 0  # the case's version (= archive entries) when the row was read
    # The centers whose supervision orders wait for a reply: one from above is an alert.
    supervising_center_ids: frozenset[int] = frozenset()
    # Who handles or handled it and who reported it: what ``may_see`` reads for a department
    # handler, and what separation of duties reads (``workflow.duties``) for "needs my action".
    handling_department_id: int | None = None
    reporter_user_id: int | None = None
    handler_user_id: int | None = None
    self_resolved: bool = False
    duties_separated: bool = True  # separation of duties applies at the case's center

    @cached_property
    def search_text(self) -> str:
        """Code, title, grid and holder in lower case: what the board's free text searches
        (made once per row)."""
        return f"{self.code}\n{self.title}\n{self.grid_name or ''}\n{self.holder}".lower()

    @cached_property
    def deadline_order(self) -> tuple:
        """Sort key: least time left first, cases without a deadline last, then the earlier
        report, then the id (made once per row)."""
        return (self.deadline or _NO_DEADLINE, self.reported_at, self.id)

    @property
    def paused(self) -> bool:
        """Suspended (挂账): the case waits, its clock stopped, to resume at ``resume_state``."""
        return self.state is CaseState.SUSPENDED

    def status_at(self, now: dt.datetime) -> DeadlineStatus:
        """The deadline status at another moment, e.g. the clock ticking between refreshes."""
        return self.rule.of_case(now, self)

    def overdue_at(self, now: dt.datetime) -> bool:
        """``status_at(now) is OVERDUE``, cheaply (for filters over many rows)."""
        return self.state.is_open and is_overdue(now, self.deadline, self.paused_since)

    def clock_at(self, now: dt.datetime) -> dt.datetime:
        """The moment the countdown shows: ``now``, or when the clock stopped."""
        return judged_at(now, self.paused_since)


# --- the case board -----------------------------------------------------------------------------
#
# A county's board holds every open case: tens of thousands of rows at a million cases. So the
# query reads only the partial covering index ix_cases_open_board (its filter repeats the index
# predicate, models.OPEN_CASE_PREDICATE, with the states written out: a partial index serves
# only such a query), runs as a Core select (no ORM objects), takes the enumerations as their
# stored text and maps them with a dict, makes each holder's text once, and judges a deadline
# already passed or absent without arithmetic. Results are the same as an ORM query's.

CASES = Case.__table__
IS_OPEN = CASES.c.state.not_in(
    bindparam("terminal_states", TERMINAL_STATES_IN_ORDER, expanding=True, literal_execute=True)
)
_BOARD_COLUMNS = (
    CASES.c.id,
    CASES.c.code,
    CASES.c.title,
    *(type_coerce(CASES.c[name], String) for name in ("category", "source", "urgency", "state")),
    CASES.c.grid_id,
    CASES.c.reported_at,
    CASES.c.filed_at,
    CASES.c.deadline,
    CASES.c.lon,
    CASES.c.lat,
    CASES.c.holder_center_id,
    CASES.c.holder_department_id,
    CASES.c.holder_user_id,
    CASES.c.center_id,
    type_coerce(CASES.c.resume_state, String),
    CASES.c.pending_extension_minutes,
    CASES.c.paused_since,
    CASES.c.version,
    # Outside the board's covering index: read for the rule of who sees a case and for
    # separation of duties (issue 15).
    CASES.c.handling_department_id,
    CASES.c.reporter_user_id,
    CASES.c.handler_user_id,
    CASES.c.self_resolved,
)
_CATEGORY, _SOURCE, _URGENCY, _STATE = (
    {member.value: member for member in enum}
    for enum in (CaseCategory, CaseSource, Urgency, CaseState)
)


def _names(session: Session, id_column, name_column, ids: set) -> dict:
    ids.discard(None)
    if not ids:
        return {}
    return dict(session.execute(select(id_column, name_column).where(id_column.in_(ids))).all())


def open_cases(
    session: Session, actor: Actor, now: dt.datetime, limit: int | None = None
) -> list[CaseRow]:
    """Open cases in the jurisdiction, most urgent deadline first, with their holder's name."""
    if session.autoflush:
        session.flush()  # as an ORM query would: this session's pending changes count
    query = (
        select(*_BOARD_COLUMNS)
        .where(IS_OPEN, visible_condition(actor, CASES))
        .order_by(CASES.c.deadline.is_(None), CASES.c.deadline, CASES.c.reported_at)
    )
    if limit:
        query = query.limit(limit)
    return _case_rows(session, actor.shown_text, now, session.execute(query).all())


def board_rows(session: Session, actor: Actor, now: dt.datetime, *conditions) -> list[CaseRow]:
    """Rows like ``open_cases``'s, with ``closed_at``, of the jurisdiction's cases that meet
    ``conditions`` (Core expressions on the cases table), in any state, in no order: the
    board's closed-today column and its incremental refresh (``commandcenter.board``). Closed
    cases have no deadline status."""
    if session.autoflush:
        session.flush()
    # "center_id + 0": the conditions pick the cases (ids, closed today), not the center index
    query = select(*_BOARD_COLUMNS, CASES.c.closed_at).where(
        visible_condition(actor, CASES, center_column=CASES.c.center_id + 0), *conditions
    )
    return _case_rows(session, actor.shown_text, now, session.execute(query).all())


def rows_for_all(
    session: Session, now: dt.datetime, case_ids, *, sees_personal_data: bool
) -> list[CaseRow]:
    """``board_rows`` of these cases for no one in particular: read once by the server for all
    its feeds, each of which keeps the rows its actor ``may_see``. Texts are as a role that
    does (or does not) see personal data reads them."""
    if session.autoflush:
        session.flush()
    shown = functools.partial(shown_text, sees_personal_data)
    result: list[CaseRow] = []
    for chunk in chunks(sorted(case_ids)):
        query = select(*_BOARD_COLUMNS, CASES.c.closed_at).where(CASES.c.id.in_(chunk))
        result += _case_rows(session, shown, now, session.execute(query).all())
    return result


def _case_rows(session: Session, shown, now: dt.datetime, rows) -> list[CaseRow]:
    holders = {(row[13], row[14], row[15]) for row in rows}
    grid_ids = {row[7] for row in rows}
    grid_names = _names(session, Grid.id, Grid.name, set(grid_ids))
    center_names = _names(session, Center.id, Center.name, {c for c, _, _ in holders})
    department_names = _names(session, Department.id, Department.name, {d for _, d, _ in holders})
    user_names = _names(session, User.id, User.display_name, {u for _, _, u in holders})
    holder_text = {}
    for center_id, department_id, user_id in holders:
        names = (
            department_names.get(department_id) or center_names.get(center_id),
            user_names.get(user_id),
        )
        holder_text[center_id, department_id, user_id] = " / ".join(n for n in names if n)
    managers: dict[int, set[int]] = {}
    grid_ids.discard(None)
    if grid_ids:
        for grid_id, user_id in session.execute(
            select(grid_managers.c.grid_id, grid_managers.c.user_id).where(
                grid_managers.c.grid_id.in_(grid_ids)
            )
        ):
            managers.setdefault(grid_id, set()).add(user_id)
    managers_of = {grid_id: frozenset(users) for grid_id, users in managers.items()}
    no_managers = frozenset()
    # Few orders wait for a reply at any time: read them all rather than per case.
    supervisors: dict[int, set[int]] = {}
    for case_id, center_id in session.execute(
        select(SupervisionOrder.case_id, SupervisionOrder.issuing_center_id).where(
            SupervisionOrder.replied_at.is_(None)
        )
    ):
        supervisors.setdefault(case_id, set()).add(center_id)
    supervised = {case_id: frozenset(centers) for case_id, centers in supervisors.items()}
    unsupervised = frozenset()
    no_deadline, overdue = DeadlineStatus.NONE, DeadlineStatus.OVERDUE
    rule = DeadlineRule.load(session)
    duties = DutiesPolicy.load(session)
    terminal = frozenset(TERMINAL_STATES_IN_ORDER)
    result = []
    append = result.append
    for (
        case_id, code, title, category, source, urgency, state, grid_id, reported_at, filed_at,
        deadline, lon, lat, holder_center_id, holder_department_id, holder_user_id, center_id,
        resume_state, pending_extension, paused_since, version, handling_department_id,
        reporter_user_id, handler_user_id, self_resolved, *closed_at,
    ) in rows:  # fmt: skip
        state = _STATE[state]
        # DeadlineRule.of_case, with its two cheapest answers first (most rows take one)
        if deadline is None or state in terminal:
            status = no_deadline
        elif deadline <= now and paused_since is None:
            status = overdue
        else:
            status = rule.status(now, filed_at, deadline, paused_since)
        append(
            CaseRow(
                case_id,
                code,
                shown(title),
                _CATEGORY[category],
                _SOURCE[source],
                _URGENCY[urgency],
                state,
                grid_id,
                grid_names.get(grid_id),
                holder_text[holder_center_id, holder_department_id, holder_user_id],
                reported_at,
                filed_at,
                deadline,
                status,
                lon,
                lat,
                rule,
                center_id,
                holder_center_id,
                holder_department_id,
                holder_user_id,
                _STATE[resume_state] if resume_state else None,
                pending_extension is not None,
                case_id in supervised,
                managers_of.get(grid_id, no_managers),
                closed_at[0] if closed_at else None,
                paused_since,
                version,
                supervised.get(case_id, unsupervised),
                handling_department_id=handling_department_id,
                reporter_user_id=reporter_user_id,
                handler_user_id=handler_user_id,
                self_resolved=bool(self_resolved),
                duties_separated=duties.applies(center_id),
            )
        )
    return result
