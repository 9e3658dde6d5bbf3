"""Log-in and jurisdiction are enforced in the core, not by the console hiding things."""

import datetime as dt

import pytest
from sqlalchemy import select

from commandcenter.access.accounts import authenticate, hash_password, verify_password
from commandcenter.cameras.rows import camera_rows
from commandcenter.cases.dashboard import load_dashboard
from commandcenter.cases.rows import open_cases
from commandcenter.errors import AuthenticationFailed
from commandcenter.jurisdiction.tree import grid_summaries, jurisdiction_tree
from commandcenter.storage.models import Case, Grid, User

NOW = dt.datetime(2026, 11, 26, 16, 0)


def test_password_hashes_are_argon2id_and_salted():
    first, second = hash_password("demo2026"), hash_password("demo2026")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "demo2026")
    assert not verify_password(first, "demo2027")
    assert not verify_password(None, "")
    assert not verify_password("not a hash", "x")


def test_wrong_password_and_unknown_user_give_the_same_message(demo_database):
    with demo_database.session() as s:
        with pytest.raises(AuthenticationFailed) as wrong:
            authenticate(s, "duty", "nope")
        with pytest.raises(AuthenticationFailed) as unknown:
            authenticate(s, "nobody", "demo2026")
    assert str(wrong.value) == str(unknown.value)


def test_account_without_password_cannot_log_in(demo_database):
    with demo_database.session() as s:
        user = s.scalar(select(User).where(User.password_hash.is_(None)))
        with pytest.raises(AuthenticationFailed):
            authenticate(s, user.username, "")


def test_street_officer_sees_the_whole_street(demo_database):
    with demo_database.session() as s:
        duty = authenticate(s, "duty", "demo2026")
        tree = jurisdiction_tree(s, duty, NOW)
        grids = grid_summaries(s, duty)
        assert tree.name == "城东街道" and len(tree.children) == 8
        assert len(grids) == s.query(Grid).count()
        cases = open_cases(s, duty, NOW)
        assert len(cases) == tree.open_cases


def test_community_leader_sees_only_their_community(demo_database):
    with demo_database.session() as s:
        leader = authenticate(s, "leader", "demo2026")
        grids = grid_summaries(s, leader)
        assert grids and {g.community_id for g in grids} == {leader.unit_id}
        rows = open_cases(s, leader, NOW)
        all_open = open_cases(s, authenticate(s, "duty", "demo2026"), NOW)
        assert 0 < len(rows) < len(all_open)
        mine = {g.id for g in grids}
        assert all(r.grid_id in mine for r in rows)
        other_case = s.scalar(select(Case).where(Case.grid_id.not_in(mine)))
        assert not leader.governs_center(other_case.center_id)
        cameras = camera_rows(s, leader)
        assert all(c.grid_id in mine for c in cameras)


def test_county_supervisor_sees_everything_below(demo_database):
    with demo_database.session() as s:
        supervisor = authenticate(s, "supervisor", "demo2026")
        duty = authenticate(s, "duty", "demo2026")
        assert supervisor.jurisdiction_unit_ids > duty.jurisdiction_unit_ids
        board = load_dashboard(s, supervisor, NOW)
        assert board.open_cases == len(open_cases(s, supervisor, NOW))
        assert board.cameras == 30


def test_fixed_salt_hash_verifies_and_is_reproducible():
    salt = b"0123456789abcdef"
    first = hash_password("demo2026", salt=salt)
    assert first == hash_password("demo2026", salt=salt)
    assert first.startswith("$argon2id$") and verify_password(first, "demo2026")


def test_demo_actor_only_opens_published_demo_accounts(demo_database, tmp_path):
    from commandcenter.access.accounts import demo_actor
    from commandcenter.storage import open_database

    with demo_database.session() as s:
        assert demo_actor(s, "duty").role.value == "duty_officer"
        with pytest.raises(AuthenticationFailed, match="not a demo account"):
            demo_actor(s, "gm00100101")  # a real staff account of the district
    plain = open_database(f"sqlite:///{tmp_path / 'real.db'}")
    try:
        with plain.session() as s, pytest.raises(AuthenticationFailed, match="not a demo"):
            demo_actor(s, "duty")
    finally:
        plain.dispose()


def test_unknown_user_costs_a_password_check_too(demo_database, monkeypatch):
    """Timing must not tell which names exist: an unknown name is verified against a dummy."""
    import commandcenter.access.accounts as security

    checked = []
    real = security.verify_password
    monkeypatch.setattr(security, "verify_password", lambda h, p: checked.append(h) or real(h, p))
    with demo_database.session() as s, pytest.raises(AuthenticationFailed):
        authenticate(s, "nobody-here", "demo2026")
    assert checked == [security.dummy_hash()]
