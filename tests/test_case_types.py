"""The list of matters (事项清单) in the case loop: a case reported under a matter takes its
category, at least its urgency and, once filed, its own time limit; the departments that take
it come first among the dispatch targets."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from commandcenter.admin import catalogue
from commandcenter.admin.catalogue import CaseTypeInput
from commandcenter.domain.enums import CaseCategory, CaseSource, DepartmentKind, Urgency
from commandcenter.errors import TransitionRefused
from commandcenter.storage.models import CaseType, Department, Grid
from commandcenter.workflow import Action

try:
    from .conftest import DEMO_NOW
except ImportError:
    from conftest import DEMO_NOW


@pytest.fixture
def center(writable_demo, backend_of):
    with writable_demo.session() as session, session.begin():
        catalogue.load_standard_list(session, None, DEMO_NOW)
        catalogue.save_case_type(
            session,
            None,
            CaseTypeInput("0900", CaseCategory.OTHER, "停用事项", active=False),
            DEMO_NOW,
        )
    with writable_demo.session() as session:
        types = {t.name: t.id for t in session.scalars(select(CaseType))}
        grid_id = session.scalar(select(Grid.id).order_by(Grid.id).limit(1))
    return writable_demo, backend_of(writable_demo, "duty"), types, grid_id


def report(backend, grid_id, **fields):
    return backend.report_case(
        {"source": CaseSource.RESIDENT, "title": "楼道堆放杂物", "grid_id": grid_id, **fields},
        allow_duplicate=True,
    ).value


def test_a_matter_gives_its_category_urgency_and_time_limit(center):
    database, duty, types, grid_id = center
    change = report(duty, grid_id, category=None, case_type_id=types["消防安全"])
    detail = duty.case_detail(change.case_id)
    assert detail.category is CaseCategory.SAFETY_HAZARD and detail.urgency is Urgency.URGENT
    filed = duty.take_step(change.case_id, Action.FILE, expected_version=change.version).value
    # who takes it: emergency-management departments first among the targets
    detail = duty.case_detail(filed.case_id)
    with database.session() as session:
        kinds = {d.id: d.kind for d in session.scalars(select(Department))}
    targets = [t for t in detail.dispatch_targets if t.kind == "department"]
    assert any(kinds[t.id] is DepartmentKind.EMERGENCY for t in targets)
    assert kinds[targets[0].id] is DepartmentKind.EMERGENCY and targets[0].suggested
    assert not any(t.suggested for t in targets if kinds[t.id] is DepartmentKind.HOUSING)
    dispatched = duty.take_step(
        filed.case_id,
        Action.DISPATCH,
        expected_version=filed.version,
        target=f"department:{targets[0].id}",
    ).value
    detail = duty.case_detail(dispatched.case_id)
    # 0 days 4 working hours from the dispatch, not the department's general limit of days
    assert detail.deadline is not None
    assert dt.timedelta(hours=4) <= detail.deadline - DEMO_NOW < dt.timedelta(hours=24)


def test_a_matter_never_lowers_the_urgency_given(center):
    _, duty, types, grid_id = center
    change = report(
        duty, grid_id, category=None, case_type_id=types["邻里纠纷"], urgency=Urgency.CRITICAL
    )
    assert duty.case_detail(change.case_id).urgency is Urgency.CRITICAL


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"category": CaseCategory.ENVIRONMENT, "matter": "消防安全"}, "another category"),
        ({"category": None, "matter": "停用事项"}, "not on the list"),
    ],
)
def test_a_wrong_or_retired_matter_is_refused(center, fields, words):
    _, duty, types, grid_id = center
    with pytest.raises(TransitionRefused, match=words):
        report(duty, grid_id, category=fields["category"], case_type_id=types[fields["matter"]])
