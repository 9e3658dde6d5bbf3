"""One reading for many feeds (``CenterFollower`` and ``concerns``): a server wakes exactly the
feeds a change concerns, asking the one rule of who may see a case — and a department whose
case was sent on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from commandcenter.access.cases import may_see
from commandcenter.backend.feed import CenterFollower, concerns
from commandcenter.domain.enums import CaseState
from commandcenter.workflow.rules import Action

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW
except ImportError:
    from conftest import DEMO_NOW


def read(database, follower, now=DEMO_NOW):
    with database.session() as session:
        return follower.read(session, now)


def test_a_change_concerns_those_who_may_see_its_case(writable_demo, backend_of):
    duty = backend_of(writable_demo, "duty")
    leader = backend_of(writable_demo, "leader")
    handler = backend_of(writable_demo, "handler")
    follower = CenterFollower()
    first = read(writable_demo, follower)
    assert first.new_day and concerns(leader.actor, first)  # a fresh start: everyone looks
    nothing = read(writable_demo, follower)
    assert nothing.cases == () and not nothing.other and not nothing.new_day
    assert not any(concerns(b.actor, nothing) for b in (duty, leader, handler))

    own = {row.id for row in leader.load_console().rows}
    outside = next(r for r in duty.load_console().rows if r.id not in own and r.state.is_open)
    duty.take_step(outside.id, Action.URGE, expected_version=outside.version, comment="催办")
    changes = read(writable_demo, follower)
    assert [case.id for case in changes.cases] == [outside.id] and not changes.other
    assert concerns(duty.actor, changes)
    assert not concerns(leader.actor, changes)  # another community's case
    assert not may_see(leader.actor, changes.cases[0])
    # A department: the cases of its center's jurisdiction, and those it holds.
    assert concerns(handler.actor, changes) == may_see(handler.actor, changes.cases[0])

    # The department sends its case back: it concerns the department, which no longer holds it
    # (a county department holds cases beyond its own center's jurisdiction).
    case = next(
        r
        for r in handler.load_console().rows
        if r.state in (CaseState.DISPATCHED, CaseState.HANDLING)
        and r.holder_department_id == handler.actor.department_id
    )
    handler.take_step(case.id, Action.RETURN, expected_version=case.version, comment="非本部门职责")
    returned = read(writable_demo, follower)
    scope = returned.cases[0]
    assert scope.id == case.id and scope.holder_department_id != handler.actor.department_id
    assert scope.previous_department_id == handler.actor.department_id
    assert concerns(handler.actor, returned)

    # A tour concerns everyone; so does a new day.
    duty.delete_tour("no such tour")
    tours = read(writable_demo, follower)
    assert tours.other and concerns(leader.actor, tours)
    next_day = read(writable_demo, follower, DEMO_NOW + dt.timedelta(days=1))
    assert next_day.new_day and concerns(leader.actor, next_day)


def test_the_shared_reading_gives_each_actor_what_its_own_would(writable_demo, backend_of):
    """``update_from_shared`` (rows read once, kept by may_see) answers as ``changes_since``
    up to the same mark, for every demo role: the same rows (masked or not), the same ids."""
    from commandcenter.access.accounts import DEMO_USERNAMES
    from commandcenter.backend.feed import changes_since, shared_rows, update_from_shared
    from commandcenter.cases.operations import NewCase
    from commandcenter.domain.enums import CaseCategory, CaseSource

    duty = backend_of(writable_demo, "duty")
    follower = CenterFollower()
    read(writable_demo, follower)
    before = follower.mark
    rows = [r for r in duty.load_console().rows if r.state.is_open][:6]
    for row in rows:
        duty.take_step(row.id, Action.URGE, expected_version=row.version, comment="催办")
    grid = rows[0].grid_id
    duty.report_case(
        NewCase(
            CaseSource.RESIDENT,
            CaseCategory.PUBLIC_ORDER,
            "居民来电 13912345678 反映噪音",
            grid_id=grid,
            reporter_phone="13912345678",
        ).fields(),
        allow_duplicate=True,
    )
    with writable_demo.session() as session:
        changes = follower.read(session, DEMO_NOW)
        shared = shared_rows(session, DEMO_NOW, before, changes)
        assert not shared.per_actor and len(shared.changes.cases) == 7
        for username in sorted(DEMO_USERNAMES):
            actor = backend_of(writable_demo, username).actor
            own = changes_since(session, actor, DEMO_NOW, before, upto=changes.mark)
            made = update_from_shared(actor, shared, DEMO_NOW)
            assert made is not None, username
            assert made.mark == own.mark == changes.mark
            assert sorted(made.rows, key=lambda r: r.id) == sorted(own.rows, key=lambda r: r.id)
            assert [r.title for r in sorted(made.rows, key=lambda r: r.id)] == [
                r.title for r in sorted(own.rows, key=lambda r: r.id)
            ], username  # masked for the roles that do not read personal data
            if actor.department_id is None:
                assert made.removed_case_ids == own.removed_case_ids, username


def test_a_recorded_visit_counts_in_the_grid_managers_figures(writable_demo, backend_of):
    """A visit from the field is a 民情日志 entry the figures count (visits, households)."""
    from commandcenter.cases.visits import NewVisit
    from commandcenter.figures.kpi import compute_kpis
    from commandcenter.storage.models import Case

    gridman = backend_of(writable_demo, "gridman", now=DEMO_NOW - dt.timedelta(hours=1))
    supervisor = backend_of(writable_demo, "supervisor")

    def figures():
        with writable_demo.session() as session:
            rows = compute_kpis(
                session, supervisor.actor, "2026-11", by="grid_manager", as_of=DEMO_NOW
            )
        return next(r for r in rows if r.key == gridman.actor.user_id)

    before = figures()
    house = gridman.households("", 5)[0]
    done = gridman.record_visit(NewVisit(house.id, "走访：家中无事"))
    assert done.value.case_code is None and not done.changes
    after = figures()
    assert after.visits == before.visits + 1
    followed = gridman.record_visit(NewVisit(house.id, "屋顶漏水需维修", follow_up=True))
    with writable_demo.session() as session:
        case = session.scalar(select(Case).where(Case.code == followed.value.case_code))
        assert case.grid_id == house.grid_id and followed.changes.cases == {case.id}
