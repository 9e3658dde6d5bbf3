"""One reading for many feeds (``CenterFollower`` and ``concerns``): a server wakes exactly the
feeds a change concerns, asking the one rule of who may see a case — and a department whose
case was sent on."""

from __future__ import annotations

import datetime as dt

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
