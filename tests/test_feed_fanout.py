"""One reading for many feeds (``center_changes`` and ``concerns``): a server wakes exactly the
feeds a change concerns, asking the one rule of who may see a case."""

from __future__ import annotations

from commandcenter.access.cases import may_see
from commandcenter.backend.feed import center_changes, concerns, read_mark
from commandcenter.workflow.rules import Action

try:  # tests/ as a package or as a plain folder on sys.path
    from .conftest import DEMO_NOW
except ImportError:
    from conftest import DEMO_NOW


def test_a_change_concerns_those_who_may_see_its_case(writable_demo, backend_of):
    duty = backend_of(writable_demo, "duty")
    leader = backend_of(writable_demo, "leader")
    handler = backend_of(writable_demo, "handler")
    with writable_demo.session() as session:
        mark = read_mark(session, DEMO_NOW)
        assert center_changes(session, DEMO_NOW, mark) == center_changes(session, DEMO_NOW, mark)
        nothing = center_changes(session, DEMO_NOW, mark)
    assert nothing.cases == () and not nothing.other
    assert not any(concerns(b.actor, nothing) for b in (duty, leader, handler))
    own = {row.id for row in leader.load_console().rows}
    outside = next(r for r in duty.load_console().rows if r.id not in own and r.state.is_open)
    duty.take_step(outside.id, Action.URGE, expected_version=outside.version, comment="催办")
    with writable_demo.session() as session:
        changes = center_changes(session, DEMO_NOW, mark)
    assert [case.id for case in changes.cases] == [outside.id]
    assert changes.mark != mark and not changes.other
    assert concerns(duty.actor, changes)
    assert not concerns(leader.actor, changes)  # another community's case
    assert not may_see(leader.actor, changes.cases[0])
    assert concerns(handler.actor, changes)  # a department: any case may have left it
    # The leader's own case concerns the leader; a tour concerns everyone.
    inside = leader.load_console().rows[0]
    duty.take_step(inside.id, Action.URGE, expected_version=inside.version, comment="催办")
    with writable_demo.session() as session:
        later = center_changes(session, DEMO_NOW, changes.mark)
    assert [case.id for case in later.cases] == [inside.id] and concerns(leader.actor, later)
    duty.delete_tour("no such tour")
    with writable_demo.session() as session:
        tours = center_changes(session, DEMO_NOW, later.mark)
    assert tours.other and concerns(leader.actor, tours)
    # A new day: everyone loads again.
    with writable_demo.session() as session:
        next_day = center_changes(session, DEMO_NOW.replace(day=DEMO_NOW.day + 1), tours.mark)
    assert next_day.new_day and concerns(leader.actor, next_day)
