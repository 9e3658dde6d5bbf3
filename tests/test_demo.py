"""The demo district: deterministic, consistent, believable — on SQLite and PostgreSQL."""

import datetime as dt
from collections import Counter

import cv2
import pytest
import shapely
from sqlalchemy import func, select

from commandcenter.access.accounts import authenticate
from commandcenter.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from commandcenter.demo.generator import generate_demo
from commandcenter.domain.codes import validate_gb28181_id, validate_grid_code, validate_id_number
from commandcenter.domain.enums import OPEN_STATES, AdminLevel, CaseState, GridKind, Role
from commandcenter.jurisdiction.checks import check_database
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    AdminUnit,
    Base,
    Camera,
    Case,
    CaseEvent,
    Grid,
    Person,
    User,
)

TODAY = dt.date(2026, 11, 26)


def make_demo(url, clips, seed=2026):
    database = open_database(url)
    generate_demo(database, seed=seed, today=TODAY, clips_dir=clips)
    return database


@pytest.fixture
def clips(demo_clips):
    return demo_clips


@pytest.fixture
def demo(demo_database):
    """The session's demo district (seed 2026, today 2026-11-26), built once per run."""
    return demo_database


def dump(database) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    tables = {}
    with database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def test_same_seed_gives_the_same_district(demo, tmp_path, clips):
    again = make_demo(f"sqlite:///{tmp_path / 'again.db'}", clips)
    try:
        assert dump(again) == dump(demo)
    finally:
        again.dispose()


def test_other_seed_gives_another_district(demo, tmp_path, clips):
    other = make_demo(f"sqlite:///{tmp_path / 'other.db'}", clips, seed=7)
    try:
        with other.session() as a, demo.session() as b:
            first = a.scalars(select(Grid.boundary_wkb).order_by(Grid.id)).first()
            assert first != b.scalars(select(Grid.boundary_wkb).order_by(Grid.id)).first()
    finally:
        other.dispose()


def test_demo_refuses_a_database_that_holds_a_district(demo):
    with pytest.raises(ValueError, match="already holds"):
        generate_demo(demo, today=TODAY)


def test_units_and_grids(demo):
    with demo.session() as s:
        levels = Counter(s.scalars(select(AdminUnit.level)))
        assert levels == {AdminLevel.COUNTY: 1, AdminLevel.TOWNSHIP: 1, AdminLevel.COMMUNITY: 8}
        grids = s.scalars(select(Grid)).all()
        assert 70 <= len(grids) <= 100
        kinds = Counter(g.kind for g in grids)
        assert kinds[GridKind.DEDICATED] >= 2
        for unit in s.scalars(select(AdminUnit).where(AdminUnit.boundary_wkb.is_not(None))):
            # The stored bounding box is the boundary's (the map and the search use it).
            assert (unit.min_lon, unit.min_lat, unit.max_lon, unit.max_lat) == pytest.approx(
                unit.geometry.bounds
            )
        for unit in s.scalars(select(AdminUnit).where(AdminUnit.level == AdminLevel.COMMUNITY)):
            mine = [g for g in grids if g.community_id == unit.id]
            assert len(mine) >= 8
            for grid in mine:
                assert validate_grid_code(grid.code, community_code=unit.code, kind=grid.kind) == []
                assert grid.managers and grid.leader is not None
            # the grids tile their community: no gap, no overlap
            polygons = [g.geometry for g in mine]
            assert all(p.is_valid for p in polygons)
            union = shapely.union_all(polygons)
            assert union.symmetric_difference(unit.geometry).area < 1e-6 * unit.geometry.area
            assert (
                abs(sum(p.area for p in polygons) - unit.geometry.area) < 1e-6 * unit.geometry.area
            )


def test_sizing_rule_and_codes_check(demo):
    with demo.session() as s:
        report = check_database(s)
        people = s.scalar(select(func.count(Person.id)))
        grids = s.scalars(select(Grid)).all()
    # Exactly the two grids the generator draws too large on purpose are flagged.
    assert [len(section.problems) for section in report.sections] == [2, 0, 0, 0]
    assert all("too large" in p for p in report.sections[0].problems)
    # people registered per grid add up to the grids' populations, within a few percent
    assert abs(people - sum(g.population for g in grids)) < 0.05 * people
    ordinary = [g for g in grids if g.kind != GridKind.DEDICATED]
    assert sum(300 <= g.households <= 500 for g in ordinary) >= len(ordinary) - 2


def test_people_are_consistent_with_their_grids(demo):
    with demo.session() as s:
        per_grid = dict(
            s.execute(select(Person.grid_id, func.count()).group_by(Person.grid_id)).all()
        )
        for grid in s.scalars(select(Grid).where(Grid.kind != GridKind.DEDICATED)):
            assert abs(per_grid[grid.id] - grid.population) <= 0.1 * grid.population
        sample = s.scalars(select(Person.id_number).limit(2000)).all()
    assert all(validate_id_number(n, today=TODAY) == [] for n in sample)


def test_staff_for_every_role_and_demo_accounts_log_in(demo):
    with demo.session() as s:
        roles = set(s.scalars(select(User.role)))
        assert roles == set(Role)
        for username, role, _, _ in DEMO_ACCOUNTS:
            actor = authenticate(s, username, DEMO_PASSWORD)
            assert actor.role == role


def test_cameras_have_valid_ids_and_playable_clips(demo):
    with demo.session() as s:
        cameras = s.scalars(select(Camera)).all()
    assert len(cameras) == 30
    for camera in cameras:
        assert validate_gb28181_id(camera.device_id) == []
        assert camera.grid_id is not None
    capture = cv2.VideoCapture(cameras[0].main_url)
    try:
        ok, frame = capture.read()
        assert ok and frame.shape[0] > 100
    finally:
        capture.release()


def test_six_months_of_cases_in_believable_states(demo):
    with demo.session() as s:
        cases = s.scalars(select(Case)).all()
        events = s.execute(
            select(
                CaseEvent.case_id, CaseEvent.seq, CaseEvent.from_state, CaseEvent.to_state
            ).order_by(CaseEvent.case_id, CaseEvent.seq)
        ).all()
    assert 3000 <= len(cases) <= 6000
    first = min(c.reported_at for c in cases)
    assert (TODAY - first.date()).days >= 175
    states = Counter(c.state for c in cases)
    assert states[CaseState.CLOSED] > 0.8 * len(cases)
    open_cases = [c for c in cases if c.state in OPEN_STATES]
    assert states[CaseState.REPORTED] > 0 and states[CaseState.HANDLING] > 0
    assert len({c.state for c in open_cases}) >= 4
    assert all(c.holder_center_id is not None for c in open_cases)
    now = dt.datetime.combine(TODAY, dt.time(16))
    assert any(c.deadline and c.deadline < now for c in open_cases)  # some are overdue
    assert all(c.closed_at is not None for c in cases if c.state == CaseState.CLOSED)
    # each archive runs 1, 2, 3 … and chains its states into the case's current state
    history: dict[int, list] = {}
    for case_id, seq, from_state, to_state in events:
        history.setdefault(case_id, []).append((seq, from_state, to_state))
    for case in cases:
        steps = history[case.id]
        assert [seq for seq, _, _ in steps] == list(range(1, len(steps) + 1))
        for (_, _, before), (_, after_from, _) in zip(steps, steps[1:], strict=False):
            assert after_from == before
        assert steps[-1][2] == case.state


def test_demo_on_postgresql_matches_sqlite(demo, pg_database_url, clips):
    database = make_demo(pg_database_url, clips)
    try:
        with database.session() as pg, demo.session() as lite:
            for model in (Grid, Person, Case, CaseEvent, Camera, User):
                n = select(func.count()).select_from(model)
                assert pg.scalar(n) == lite.scalar(n), model
            assert pg.scalars(select(Grid.code).order_by(Grid.id)).all() == (
                lite.scalars(select(Grid.code).order_by(Grid.id)).all()
            )
        # sequences moved past the explicit ids: new rows get fresh keys
        with database.session() as pg, pg.begin():
            user = pg.scalar(select(User).where(User.username == "duty"))
            pg.add(
                User(
                    username="new",
                    display_name="新",
                    role=Role.DUTY_OFFICER,
                    center_id=user.center_id,
                )
            )
    finally:
        database.dispose()


def test_fields_match_each_state(demo):
    with demo.session() as s:
        cases = s.scalars(select(Case)).all()
    for case in cases:
        if case.state == CaseState.REPORTED:
            assert case.filed_at is None and case.deadline is None, case.code
        if case.state in (CaseState.DISPATCHED, CaseState.HANDLING):
            assert case.deadline is not None and case.filed_at is not None, case.code
        if case.state in OPEN_STATES:
            assert case.closed_at is None, case.code


def test_demo_archive_is_what_the_workflow_would_have_written(demo):
    from commandcenter.workflow import Action
    from commandcenter.workflow.audit import verify_archive

    with demo.session() as s:
        assert verify_archive(demo, workers=1).ok
        actions = set(s.scalars(select(CaseEvent.action).distinct()))
        cases = s.scalars(select(Case)).all()
        counts = dict(
            s.execute(select(CaseEvent.case_id, func.count()).group_by(CaseEvent.case_id)).all()
        )
    assert actions <= {a.value for a in Action}
    assert all(c.version == counts[c.id] for c in cases)
    handled = [c for c in cases if c.handled_at is not None]
    assert handled and all(c.handling_minutes is not None for c in handled)
    assert any(c.self_resolved for c in cases) and any(c.extension_count for c in cases)
    dispatched = [c for c in cases if c.deadline is not None and not c.self_resolved]
    assert all(c.limit_place in ("community", "street", "department") for c in dispatched)
