"""The board's Qt models: incremental refresh without resets (persistent indexes and
selections follow their cases), and the stage columns showing exactly what board.apply keeps,
in its order, after any sequence of changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex
from PySide6.QtTest import QAbstractItemModelTester

from commandcenter.access.accounts import Actor
from commandcenter.cases import board
from commandcenter.cases.board import BoardFilter, BoardSort, Stage
from commandcenter.cases.rows import CaseRow
from commandcenter.domain.enums import (
    AdminLevel,
    CaseCategory,
    CaseSource,
    CaseState,
    Role,
    Urgency,
)
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.workflow import Action
from ui.board.model import BoardColumns
from ui.data.case_store import CaseRole, CaseStore

try:
    from .test_workflow import Clock, Desk
    from .workflow_district import build_district
except ImportError:
    from test_workflow import Clock, Desk
    from workflow_district import build_district

NOW = dt.datetime(2026, 11, 24, 10, 0)
STATES = [
    CaseState.REPORTED,
    CaseState.FILED,
    CaseState.DISPATCHED,
    CaseState.HANDLING,
    CaseState.AWAITING_VERIFICATION,
    CaseState.FOLLOW_UP,
    CaseState.SUSPENDED,
    CaseState.CLOSED,
]
STREET, COMMUNITY = 2, 3
DISPATCHER = Actor(
    user_id=7,
    username="dispatcher",
    display_name="dispatcher",
    role=Role.DISPATCHER,
    center_id=STREET,
    center_name="城东街道中心",
    center_level=AdminLevel.TOWNSHIP,
    unit_id=2,
    department_id=None,
    jurisdiction_unit_ids=frozenset({2, 3}),
    jurisdiction_center_ids=frozenset({STREET, COMMUNITY}),
)


def make_row(case_id: int, rng: random.Random, **changes) -> CaseRow:
    state = changes.pop("state", None) or rng.choice(STATES)
    deadline = (
        None if state is CaseState.REPORTED else NOW + dt.timedelta(hours=rng.randint(-48, 72))
    )
    row = CaseRow(
        id=case_id,
        code=f"2026112400{case_id:03d}",
        title=rng.choice(["垃圾堆放", "井盖缺失", "占道经营"]),
        category=rng.choice(list(CaseCategory)),
        source=rng.choice(list(CaseSource)),
        urgency=rng.choice(list(Urgency)),
        state=state,
        grid_id=rng.choice([1, 2]),
        grid_name="东安社区第01网格",
        holder="城东街道中心",
        reported_at=NOW - dt.timedelta(minutes=rng.randint(1, 10_000)),
        filed_at=None if deadline is None else NOW - dt.timedelta(days=1),
        deadline=deadline,
        deadline_status=DeadlineStatus.NONE,
        lon=None,
        lat=None,
        center_id=rng.choice([STREET, COMMUNITY]),
        holder_center_id=rng.choice([STREET, COMMUNITY]),
        resume_state=CaseState.DISPATCHED if state is CaseState.SUSPENDED else None,
        closed_at=NOW if state is CaseState.CLOSED else None,
    )
    return dataclasses.replace(row, **changes)


def expected_columns(model: CaseStore, board_filter: BoardFilter, actor: Actor, now):
    columns = board.split_by_stage(board.apply(model.rows(), board_filter, actor, now))
    return {stage: [r.id for r in rows] for stage, rows in columns.rows.items()}


def shown(columns: BoardColumns):
    return {stage: proxy.case_ids() for stage, proxy in columns.proxies.items()}


@pytest.fixture
def checked(qtlog):
    """Qt's model tester on each model given; no complaint from it by the end of the test."""
    testers = []

    def check(model):
        testers.append(
            QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
        )
        return model

    yield check
    complaints = [
        r.message for r in qtlog.records if "FAIL" in r.message or "modeltest" in r.message
    ]
    assert complaints == []


def signals(model):
    seen = []
    for name in (
        "modelReset",
        "rowsInserted",
        "rowsRemoved",
        "rowsMoved",
        "dataChanged",
        "layoutChanged",
    ):
        getattr(model, name).connect(lambda *args, name=name: seen.append(name))
    return seen


def test_apply_changes_keeps_untouched_rows_and_fires_precise_signals(qtbot, checked):
    rng = random.Random(1)
    model = checked(CaseStore(NOW))
    model.set_rows([make_row(i, rng) for i in range(1, 21)])
    kept = QPersistentModelIndex(model.index(model.row_of(15), 0))
    changed = QPersistentModelIndex(model.index(model.row_of(5), 0))
    doomed = QPersistentModelIndex(model.index(model.row_of(3), 0))
    seen = signals(model)
    removed = []
    model.rowsAboutToBeRemoved.connect(
        lambda parent, first, last: removed.extend(
            model.case_at(i).id for i in range(first, last + 1)
        )
    )
    inserted = []
    model.rowsInserted.connect(
        lambda parent, first, last: inserted.extend(
            model.case_at(i).id for i in range(first, last + 1)
        )
    )
    new_five = dataclasses.replace(model.case_by_id(5), title="新标题")
    model.apply(
        [new_five, make_row(21, rng), make_row(22, rng)],
        [3, 4, 12, 99],  # 99 was never on the board
    )
    assert "modelReset" not in seen and "layoutChanged" not in seen
    assert sorted(removed) == [3, 4, 12] and inserted == [21, 22]
    assert model.rowCount() == 19
    assert kept.isValid() and kept.data(CaseRole.CASE_ID) == 15
    assert changed.isValid() and changed.data(CaseRole.TITLE) == "新标题"
    assert not doomed.isValid()
    assert model.case_by_id(3) is None and model.row_of(12) is None
    for row in range(model.rowCount()):  # the id lookup agrees with the rows everywhere
        assert model.row_of(model.case_at(row).id) == row
    assert model.index(model.row_of(5), 0).data(CaseRole.TITLE) == "新标题"


def test_roles_of_a_card(qtbot, english_ui):  # the English texts, whatever ran before
    rng = random.Random(2)
    model = CaseStore(NOW)
    overdue = make_row(1, rng, state=CaseState.HANDLING, deadline=NOW - dt.timedelta(hours=3))
    suspended = make_row(
        2,
        rng,
        state=CaseState.SUSPENDED,
        resume_state=CaseState.HANDLING,
        deadline=NOW + dt.timedelta(days=2),
    )
    new = make_row(3, rng, state=CaseState.REPORTED, deadline=None, filed_at=None)
    model.set_rows([overdue, suspended, new])
    first, second, third = (model.index(i, 0) for i in range(3))
    assert first.data(CaseRole.STATUS) == DeadlineStatus.OVERDUE.value
    assert "OVERDUE" in first.data(CaseRole.TIME_LEFT)
    assert first.data(CaseRole.STAGE) == Stage.HANDLING.value
    assert first.data(CaseRole.CODE) == overdue.code
    assert first.data(CaseRole.URGENCY) == overdue.urgency.value
    assert second.data(CaseRole.PAUSED) is True
    assert second.data(CaseRole.STAGE) == Stage.HANDLING.value
    assert "⏸" in second.data(CaseRole.TIME_LEFT)
    assert third.data(CaseRole.STAGE) == Stage.REPORTED.value
    assert third.data(CaseRole.CASE) is new
    assert third.data(CaseRole.NEEDS_ACTION) is False
    model.set_actor(DISPATCHER)
    assert third.data(CaseRole.NEEDS_ACTION) == board.needs_action(DISPATCHER, new)
    assert b"time_left" in model.roleNames().values()


@pytest.mark.parametrize("sort", list(BoardSort))
def test_columns_follow_any_sequence_of_changes(qtbot, checked, sort):
    rng = random.Random(3)
    model = checked(CaseStore(NOW))
    model.set_rows([make_row(i, rng) for i in range(1, 201)])
    columns = BoardColumns(model, DISPATCHER)
    for proxy in columns.proxies.values():
        checked(proxy)
    board_filter = BoardFilter(sort=sort)
    columns.set_filter(board_filter, NOW)
    assert shown(columns) == expected_columns(model, board_filter, DISPATCHER, NOW)
    next_id = 201
    filters = [
        BoardFilter(sort=sort),
        BoardFilter(sort=sort, grid_ids={1}),
        BoardFilter(sort=sort, mine=True),
        BoardFilter(sort=sort, overdue_only=True),
        BoardFilter(sort=sort, text="井盖"),
    ]
    for step in range(60):
        if step % 10 == 9:
            board_filter = rng.choice(filters)
            columns.set_filter(board_filter, NOW)
        ids = [r.id for r in model.rows()]
        changed = []
        for case_id in rng.sample(ids, 3):  # moves between columns, in a column, or stays
            changed.append(make_row(case_id, rng))
        for _ in range(rng.randint(0, 2)):
            changed.append(make_row(next_id, rng))
            next_id += 1
        removed = rng.sample(ids, rng.randint(0, 3))
        changed = [r for r in changed if r.id not in removed]
        model.apply(changed, removed)
        assert shown(columns) == expected_columns(model, board_filter, DISPATCHER, NOW), step
        counts = columns.counts()
        assert counts == {stage: len(ids) for stage, ids in shown(columns).items()}
    for stage, proxy in columns.proxies.items():  # each proxy row shows its own case
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            assert index.data(CaseRole.CASE_ID) == proxy.case_ids()[row]
            assert index.data(CaseRole.STAGE) == stage.value
            assert proxy.mapFromSource(proxy.mapToSource(index)) == index


def test_selection_and_persistent_indexes_follow_their_case(qtbot):
    rng = random.Random(4)
    rows = [
        make_row(i, rng, state=CaseState.HANDLING, deadline=NOW + dt.timedelta(hours=i))
        for i in range(1, 41)
    ]
    model = CaseStore(NOW)
    model.set_rows(rows)
    columns = BoardColumns(model, DISPATCHER)
    handling = columns.proxy(Stage.HANDLING)
    selection = QItemSelectionModel(handling)
    picked = handling.case_ids()[20]
    selection.select(
        handling.index(handling.row_of(picked), 0), QItemSelectionModel.SelectionFlag.Select
    )
    selection.setCurrentIndex(
        handling.index(handling.row_of(picked), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    persistent = QPersistentModelIndex(handling.index(handling.row_of(picked), 0))

    def selected():
        return [i.data(CaseRole.CASE_ID) for i in selection.selectedIndexes()]

    # cases before it in the column leave, arrive, move; the selection stays on its case
    first_ids = handling.case_ids()[:5]
    model.apply(
        [
            make_row(first_ids[0], rng, state=CaseState.FILED),  # to another column
            make_row(100, rng, state=CaseState.HANDLING, deadline=NOW - dt.timedelta(days=9)),
            dataclasses.replace(
                model.case_by_id(first_ids[1]), deadline=NOW + dt.timedelta(days=99)
            ),  # moves to the end of the column
        ],
        [first_ids[2]],
    )

    assert persistent.isValid() and persistent.data(CaseRole.CASE_ID) == picked
    assert selected() == [picked] and selection.currentIndex().data(CaseRole.CASE_ID) == picked
    assert handling.case_ids()[0] == 100 and handling.case_ids()[-1] == first_ids[1]
    assert first_ids[0] in columns.proxy(Stage.FILED).case_ids()
    # a filter that keeps the case: the selection follows it to its new row
    columns.set_filter(BoardFilter(sort=BoardSort.AGE), NOW)
    assert selected() == [picked] and persistent.data(CaseRole.CASE_ID) == picked
    assert persistent.row() == handling.row_of(picked)
    # a filter that hides it: the selection is empty, nothing points at another case
    columns.set_filter(BoardFilter(grid_ids={-1}), NOW)
    assert selected() == [] and not persistent.isValid()
    # the selected case is changed in place: one dataChanged, no reset
    columns.set_filter(BoardFilter(), NOW)
    selection.select(
        handling.index(handling.row_of(picked), 0), QItemSelectionModel.SelectionFlag.Select
    )
    seen = signals(handling)
    model.apply([dataclasses.replace(model.case_by_id(picked), title="改")], [])
    assert seen == ["dataChanged"] and selected() == [picked]
    # the clock ticks: repaint only
    seen.clear()
    model.set_now(NOW + dt.timedelta(minutes=1))
    assert seen == ["dataChanged"] and selected() == [picked]


def test_full_load_resets_and_counts_columns(qtbot):
    rng = random.Random(5)
    model = CaseStore(NOW)
    columns = BoardColumns(model, DISPATCHER)
    counted = []
    columns.countsChanged.connect(lambda: counted.append(columns.counts()))
    rows = [make_row(i, rng) for i in range(1, 101)]
    model.set_rows(rows)
    assert counted[-1] == board.split_by_stage(rows).counts
    assert sum(counted[-1].values()) == len(rows)


def test_a_case_moves_across_the_columns_of_a_real_board(qtbot, tmp_path):
    from commandcenter.storage import open_database

    database = open_database(f"sqlite:///{tmp_path / 'board.db'}")
    with database.session() as session, session.begin():
        district = build_district(session)
    desk = Desk(database, district, Clock())
    try:
        cid = desk.report("gm1")
        other = desk.report("gm2", grid="G2", allow_duplicate=True)
        with database.session() as s:
            duty = district.actor(s, "duty")
            data = board.load_board(s, duty, desk.clock())
        model = CaseStore(desk.clock())
        model.set_rows(data.rows)
        columns = BoardColumns(model, duty)
        columns.set_filter(BoardFilter(mine=True), desk.clock())
        mark = data.mark
        assert set(columns.proxy(Stage.REPORTED).case_ids()) == {cid, other}
        untouched = QPersistentModelIndex(
            columns.proxy(Stage.REPORTED).index(columns.proxy(Stage.REPORTED).row_of(other), 0)
        )

        def step(username, action, *args, **params):
            nonlocal mark
            desk.do(username, cid, action, *args, **params)
            with database.session() as s:
                changes = board.changes_since(s, duty, desk.clock(), mark)
            mark = changes.mark
            model.apply(changes.changed, changes.removed_ids)
            return {stage for stage, proxy in columns.proxies.items() if cid in proxy}

        assert step("duty", Action.FILE) == {Stage.FILED}  # dispatch: still mine
        dispatch = {"department_id": district.departments["street_dept"]}
        assert step("dispatcher", Action.DISPATCH, **dispatch) == set()  # not mine any more
        columns.set_filter(BoardFilter(), desk.clock())
        assert cid in columns.proxy(Stage.DISPATCHED)
        assert step("handler", Action.ACCEPT) == {Stage.HANDLING}
        assert step("handler", Action.REPORT_RESULT, "已清运") == {Stage.AWAITING_VERIFICATION}
        assert step("gm1", Action.VERIFY, passed=True) == {Stage.CLOSED_TODAY}
        assert untouched.isValid() and untouched.data(CaseRole.CASE_ID) == other
        assert columns.counts()[Stage.CLOSED_TODAY] == 1
    finally:
        database.dispose()
