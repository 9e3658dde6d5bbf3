"""Assessment figures (考核): every formula checked against values worked out by hand on a small
district built here, on SQLite and PostgreSQL; every count traced to its cases by ``drill``."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

import pytest

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
except ImportError:
    from cli_runner import run_cli

from sqlalchemy import select

from commandcenter.access.accounts import actor_for
from commandcenter.domain.enums import (
    AdminLevel,
    BuildingUse,
    CaseCategory,
    CaseSource,
    CaseState,
    DepartmentKind,
    GridKind,
    HouseUse,
    Role,
)
from commandcenter.errors import CommandCenterError
from commandcenter.figures import kpi, kpi_table
from commandcenter.figures.kpi import Period, PeriodError, compute_kpis, drill
from commandcenter.storage import open_database
from commandcenter.storage.models import (
    AdminUnit,
    Building,
    Case,
    Center,
    Department,
    Grid,
    House,
    User,
    Visit,
    grid_managers,
)

T = dt.datetime
OCTOBER = Period.parse("2026-10")
AFTER = T(2026, 12, 1)  # well after October: every October deadline has come

# --- the district ---------------------------------------------------------------------------------
#
# 海陵区 (county, admin) ── 区住建局 d2
#   └─ 城东街道 (street) ── 城东城管中队 d1
#        ├─ 东安社区 A (leader_a): grids A1 (m1), A2 (m2), A3 (no manager, no cases)
#        └─ 春晖社区 B: grid B1 (m3)

R, H, P = CaseSource.RESIDENT, CaseSource.HOTLINE_12345, CaseSource.GRID_PATROL
CLOSED, HANDLING = CaseState.CLOSED, CaseState.HANDLING

# name: (grid, source, reported, filed, deadline, handled, closed, state, extra)
CASES = {
    # closed on time, self-resolved by the grid manager
    "c1": ("A1", P, T(2026, 10, 2, 9), T(2026, 10, 2, 9), T(2026, 10, 5, 9), T(2026, 10, 3, 10),
           T(2026, 10, 4, 10), CLOSED, {"self_resolved": True, "handling_minutes": 120}),
    # handled after the deadline (late), reworked once, rated 5
    "c2": ("A1", R, T(2026, 10, 3, 10), T(2026, 10, 3, 11), T(2026, 10, 8, 11), T(2026, 10, 9, 9),
           T(2026, 10, 10, 9), CLOSED,
           {"handling_minutes": 900, "rework_count": 1, "satisfaction": 5, "dept": "d1"}),
    # extended, handled before the (extended) deadline, closed after it: on time; rated 3
    "c3": ("A1", H, T(2026, 10, 10, 8), T(2026, 10, 10, 9), T(2026, 10, 20, 9),
           T(2026, 10, 19, 15), T(2026, 10, 21, 10), CLOSED,
           {"handling_minutes": 600, "extension_count": 1, "satisfaction": 3, "dept": "d1"}),
    # still being handled after its deadline
    "c4": ("A1", P, T(2026, 10, 20, 8), T(2026, 10, 20, 9), T(2026, 10, 28, 9), None, None,
           HANDLING, {"dept": "d2"}),
    # reported in September, due in October, on time, rated 4
    "c5": ("A1", R, T(2026, 9, 28, 8), T(2026, 9, 28, 9), T(2026, 10, 1, 10), T(2026, 9, 30, 16),
           T(2026, 10, 2, 9), CLOSED, {"handling_minutes": 300, "satisfaction": 4}),
    # reported and filed in October, due in November
    "c6": ("A1", H, T(2026, 10, 25, 8), T(2026, 10, 26, 9), T(2026, 11, 3, 9), None, None,
           HANDLING, {}),
    # a patrol report declined at intake
    "c7": ("A1", P, T(2026, 10, 15, 8), None, None, None, T(2026, 10, 15, 10),
           CaseState.DECLINED, {}),
    # voided after filing: never due
    "c8": ("A1", R, T(2026, 10, 12, 8), T(2026, 10, 12, 9), T(2026, 10, 14, 9), None,
           T(2026, 10, 13, 9), CaseState.VOIDED, {}),
    # the last minute of October, not yet filed
    "c9": ("A1", R, T(2026, 10, 31, 23, 59), None, None, None, None, CaseState.REPORTED, {}),
    # the first minute of November
    "c10": ("A1", R, T(2026, 11, 1), None, None, None, None, CaseState.REPORTED, {}),
    # self-resolved, no handler result recorded: closed_at stands in for handled_at (on time)
    "c11": ("A1", P, T(2026, 10, 5, 8), T(2026, 10, 5, 8), T(2026, 10, 7, 12), None,
            T(2026, 10, 7, 11), CLOSED, {"self_resolved": True}),
    # reported by m1 in m2's grid; handled late
    "c12": ("A2", P, T(2026, 10, 6, 8), T(2026, 10, 6, 9), T(2026, 10, 9, 9), T(2026, 10, 10, 8),
            T(2026, 10, 11, 9), CLOSED, {"handling_minutes": 480, "reporter": "m1"}),
    # community B, on time, rated 2 (not satisfied)
    "c13": ("B1", R, T(2026, 10, 7, 8), T(2026, 10, 7, 9), T(2026, 10, 10, 9), T(2026, 10, 9, 9),
            T(2026, 10, 9, 15), CLOSED, {"handling_minutes": 240, "satisfaction": 2, "dept": "d2"}),
    # no grid (street center), handled late
    "c14": (None, R, T(2026, 10, 8, 8), T(2026, 10, 8, 9), T(2026, 10, 11, 9), T(2026, 10, 12, 9),
            T(2026, 10, 13, 9), CLOSED, {"handling_minutes": 1000, "dept": "d1"}),
    # closed early, deadline late in October (due whatever the as-of moment), rated 5
    "c15": ("A1", R, T(2026, 10, 13, 8), T(2026, 10, 13, 9), T(2026, 10, 27, 9),
            T(2026, 10, 14, 10), T(2026, 10, 15, 10), CLOSED,
            {"handling_minutes": 60, "satisfaction": 5}),
    # merged into another case: never due
    "c16": ("A1", R, T(2026, 10, 4, 8), T(2026, 10, 4, 9), T(2026, 10, 6, 9), None, None,
            CaseState.MERGED, {}),
}  # fmt: skip

# Worked out by hand from the table above, for October seen after December 1st: which figures
# each case counts in.
MEASURES_OF = {
    "c1": {"intake", "filed", "patrol_reports", "self_resolved", "due", "closed",
           "closed_on_time", "handled"},
    "c2": {"intake", "filed", "due", "closed", "reworked", "handled", "rated", "satisfied"},
    "c3": {"intake", "filed", "due", "closed", "closed_on_time", "extended", "handled", "rated"},
    "c4": {"intake", "filed", "patrol_reports", "due"},
    "c5": {"due", "closed", "closed_on_time", "handled", "rated", "satisfied"},
    "c6": {"intake", "filed"},
    "c7": {"intake"},
    "c8": {"intake", "filed"},
    "c9": {"intake"},
    "c10": set(),
    "c11": {"intake", "filed", "patrol_reports", "self_resolved", "due", "closed",
            "closed_on_time"},
    "c12": {"intake", "filed", "patrol_reports", "due", "closed", "handled"},
    "c13": {"intake", "filed", "due", "closed", "closed_on_time", "handled", "rated"},
    "c14": {"intake", "filed", "due", "closed", "handled"},
    "c15": {"intake", "filed", "due", "closed", "closed_on_time", "handled", "rated",
            "satisfied"},
    "c16": {"intake", "filed"},
}  # fmt: skip
COUNTS = tuple(kpi.COUNT_MEASURES)
GRID_CASES = {"A1": [n for n, c in CASES.items() if c[0] == "A1"], "A2": ["c12"], "A3": []}
GRID_CASES["B1"] = ["c13"]


@dataclass
class District:
    ids: dict[str, int]  # every named thing: centers, grids, users, departments, cases
    visits: dict[str, list[int]]

    def actor(self, session, username):
        return actor_for(session, session.get(User, self.ids[username]))

    def expected(self, case_names, measure) -> list[int]:
        return sorted(self.ids[n] for n in case_names if measure in MEASURES_OF[n])


def build(session) -> District:
    ids: dict[str, int] = {}

    def add(name, obj):
        session.add(obj)
        session.flush()
        ids[name] = obj.id
        return obj

    levels = (
        ("county", "321202000000", "海陵区", AdminLevel.COUNTY, None),
        ("street", "321202001000", "城东街道", AdminLevel.TOWNSHIP, "county"),
        ("A", "321202001001", "东安社区", AdminLevel.COMMUNITY, "street"),
        ("B", "321202001002", "春晖社区", AdminLevel.COMMUNITY, "street"),
    )
    for key, code, name, level, parent in levels:
        add(f"unit_{key}", AdminUnit(code=code, name=name, level=level, parent_id=ids.get(f"unit_{parent}")))  # fmt: skip
        add(key, Center(unit_id=ids[f"unit_{key}"], name=f"{name}中心", parent_id=ids.get(parent)))
    add("d1", Department(center_id=ids["street"], name="城东城管中队", kind=DepartmentKind.URBAN_MANAGEMENT))  # fmt: skip
    add("d2", Department(center_id=ids["county"], name="区住建局", kind=DepartmentKind.HOUSING))
    for username, role, center in (
        ("admin", Role.ADMINISTRATOR, "county"),
        ("leader_a", Role.GRID_LEADER, "A"),
        ("m1", Role.GRID_MANAGER, "A"),
        ("m2", Role.GRID_MANAGER, "A"),
        ("m3", Role.GRID_MANAGER, "B"),
    ):
        add(username, User(username=username, display_name=f"{username}名", role=role, center_id=ids[center]))  # fmt: skip
    unit_codes = {key: code for key, code, *_ in levels}
    for key, community, number in (("A1", "A", 1), ("A2", "A", 2), ("A3", "A", 3), ("B1", "B", 1)):
        add(key, Grid(code=f"{unit_codes[community]}01{number:03d}01",
                      name=f"{community}社区第{number:02d}网格", kind=GridKind.URBAN,
                      community_id=ids[f"unit_{community}"]))  # fmt: skip
    session.execute(
        grid_managers.insert(),
        [
            {"grid_id": ids["A1"], "user_id": ids["m1"]},
            {"grid_id": ids["A2"], "user_id": ids["m2"]},
            {"grid_id": ids["B1"], "user_id": ids["m3"]},
        ],
    )
    center_of = {"A1": "A", "A2": "A", "A3": "A", "B1": "B", None: "street"}
    for n, (case_name, row) in enumerate(CASES.items()):
        grid, source, reported, filed, deadline, handled, closed, state, extra = row
        reporter = extra.get("reporter") or ("m1" if source == P and grid == "A1" else None)
        add(
            case_name,
            Case(
                code=f"KPI{n:04d}",
                source=source,
                category=CaseCategory.ENVIRONMENT,
                title=f"测试案件{case_name}",
                grid_id=ids.get(grid) if grid else None,
                center_id=ids[center_of[grid]],
                reporter_user_id=ids[reporter] if reporter else None,
                state=state,
                reported_at=reported,
                filed_at=filed,
                deadline=deadline,
                handled_at=handled,
                closed_at=closed,
                handling_minutes=extra.get("handling_minutes"),
                self_resolved=extra.get("self_resolved", False),
                rework_count=extra.get("rework_count", 0),
                extension_count=extra.get("extension_count", 0),
                satisfaction=extra.get("satisfaction"),
                handling_department_id=ids[extra["dept"]] if "dept" in extra else None,
                version=1,
            ),
        )
    building = add("building", Building(grid_id=ids["A1"], name="1幢", address="东安路1号",
                                        use=BuildingUse.RESIDENTIAL, lon=119.9, lat=32.48))  # fmt: skip
    houses = []
    for n in range(16):
        houses.append(add(f"h{n}", House(building_id=building.id, number=f"1-{n + 101}", use=HouseUse.OWNER_OCCUPIED)).id)  # fmt: skip
    visits: dict[str, list[int]] = {"m1": [], "m2": []}

    def visit(user, grid, house, at):
        v = Visit(grid_id=ids[grid], user_id=ids[user], house_id=house, at=at, note="走访")
        session.add(v)
        session.flush()
        return v.id

    # m1: 16 visits to 15 households in October, one in September and one in November.
    visit("m1", "A1", houses[0], T(2026, 9, 30, 15))
    for n in range(16):
        visits["m1"].append(visit("m1", "A1", houses[n % 15], T(2026, 10, 1 + n, 10)))
    visit("m1", "A1", houses[3], T(2026, 11, 3, 10))
    # m2: 14 households in the first half of October.
    for n in range(14):
        visits["m2"].append(visit("m2", "A2", houses[n], T(2026, 10, 2 + n, 14)))
    return District(ids, visits)


@pytest.fixture
def district(db_url):
    database = open_database(db_url)
    with database.session() as session:
        found = build(session)
        session.commit()
    with database.session() as session:
        yield session, found
    database.dispose()


def rows_by_key(rows):
    return {row.key: row for row in rows}


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026-10"),
        ("2026-2", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026-02"),
        ("2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29), "2028-02"),
        ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026-Q3"),
        ("2026-q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026-Q4"),
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        ("2026-10-05", dt.date(2026, 10, 5), dt.date(2026, 10, 5), "2026-10-05"),
        ("2026-10-01..2026-10-15", dt.date(2026, 10, 1), dt.date(2026, 10, 15), None),
        (" 2026-09-20 .. 2026-10-10 ", dt.date(2026, 9, 20), dt.date(2026, 10, 10), None),
    ],
)
def test_period_forms(text, first, last, label):
    period = Period.parse(text)
    assert (period.first, period.last) == (first, last)
    assert period.start == T(first.year, first.month, first.day)
    assert period.end == dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    assert period.label == (label or f"{first}..{last}")


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-Q5", "2026-10-15..2026-10-01", "oct", "", "2026-10-32", "26-10"]
)
def test_bad_periods_are_refused_with_the_accepted_forms(text):
    with pytest.raises(PeriodError, match="2026-Q3|ends before"):
        Period.parse(text)


def test_month_slices_cut_at_the_period_and_as_of():
    slices = Period.parse("2026-09-16..2026-11-30").month_slices(T(2026, 11, 16))
    assert [(s.month, s.start, s.end) for s in slices] == [
        (9, T(2026, 9, 16), T(2026, 10, 1)),
        (10, T(2026, 10, 1), T(2026, 11, 1)),
        (11, T(2026, 11, 1), T(2026, 11, 16)),
    ]
    assert [round(s.fraction, 4) for s in slices] == [0.5, 1.0, 0.5]
    assert Period.parse("2027-01").month_slices(T(2026, 12, 1)) == []


# --- formulas, worked by hand --------------------------------------------------------------------


def test_grid_figures_match_the_hand_computation(district):
    session, d = district
    rows = rows_by_key(
        compute_kpis(session, d.actor(session, "admin"), OCTOBER, "grid", as_of=AFTER)
    )
    assert list(rows) == [d.ids["A1"], d.ids["A2"], d.ids["A3"], d.ids["B1"]]
    a1 = rows[d.ids["A1"]]
    # intake: every A1 case reported in October (c5 was reported in September, c10 in November)
    assert a1.intake == 11 and a1.filed == 9
    assert (a1.due, a1.closed, a1.closed_on_time) == (7, 6, 5)
    assert (a1.reworked, a1.extended) == (1, 1)
    assert (a1.patrol_reports, a1.self_resolved) == (3, 2)
    assert (a1.handled, a1.handling_minutes) == (5, 120 + 900 + 600 + 300 + 60)
    assert (a1.rated, a1.satisfied) == (4, 3)
    assert a1.closure_rate == pytest.approx(6 / 7)
    assert a1.on_time_rate == pytest.approx(5 / 7)
    assert a1.rework_rate == pytest.approx(1 / 7)
    assert a1.extension_rate == pytest.approx(1 / 7)
    assert a1.avg_handling_hours == pytest.approx(1980 / 60 / 5)  # 6.6 working hours
    assert a1.self_resolution_rate == pytest.approx(2 / 3)
    assert a1.satisfaction_rate == pytest.approx(3 / 4)
    # 40·5/7 + 25·6/7 + 20·3/4 + 10·(1 − 1/7) + 5·(1 − 1/7) = 77.857… over weights 100
    assert a1.score == 77.9 and a1.grade == "B"
    assert a1.visits is None  # visits belong to grid managers

    a2 = rows[d.ids["A2"]]  # only c12: closed late, nobody rated it
    assert (a2.intake, a2.due, a2.closed, a2.closed_on_time) == (1, 1, 1, 0)
    assert a2.satisfaction_rate is None and a2.avg_handling_hours == pytest.approx(8.0)
    assert a2.self_resolution_rate == 0.0
    # satisfaction has no ratings: the score is reweighted over the other 80 points
    assert a2.score == pytest.approx(round(100 * (40 * 0 + 25 * 1 + 10 * 1 + 5 * 1) / 80, 1))
    assert a2.score == 50.0 and a2.grade == "D"

    a3 = rows[d.ids["A3"]]  # no cases at all: counts 0, every rate and the score empty
    assert (a3.intake, a3.due) == (0, 0)
    assert a3.closure_rate is None and a3.on_time_rate is None and a3.satisfaction_rate is None
    assert a3.score is None and a3.grade is None

    b1 = rows[d.ids["B1"]]  # c13: on time, rated 2
    assert b1.satisfaction_rate == 0.0
    assert b1.score == 80.0 and b1.grade == "B"


def test_every_count_is_exactly_its_cases(district):
    session, d = district
    actor = d.actor(session, "admin")
    rows = rows_by_key(compute_kpis(session, actor, OCTOBER, "grid", as_of=AFTER))
    for grid, names in GRID_CASES.items():
        for measure in COUNTS:
            ids = drill(session, actor, OCTOBER, "grid", d.ids[grid], measure, as_of=AFTER)
            assert ids == d.expected(names, measure), (grid, measure)
            assert getattr(rows[d.ids[grid]], measure) == len(ids)


@pytest.mark.parametrize("by", kpi.GROUPINGS)
@pytest.mark.parametrize("username", ["admin", "leader_a"])
def test_counts_equal_their_drill_down_for_every_grouping(district, by, username):
    session, d = district
    actor = d.actor(session, username)
    rows = compute_kpis(session, actor, OCTOBER, by, as_of=AFTER)
    assert rows
    for row in rows:
        for measure in COUNTS:
            ids = drill(session, actor, OCTOBER, by, row.key, measure, as_of=AFTER)
            assert len(ids) == getattr(row, measure), (by, row.name, measure)


def test_rates_drill_to_their_denominator(district):
    session, d = district
    actor = d.actor(session, "admin")

    def cases(measure):
        return drill(session, actor, OCTOBER, "grid", d.ids["A1"], measure, as_of=AFTER)

    assert cases("closure_rate") == cases("on_time_rate") == cases("due")
    assert cases("avg_handling_hours") == cases("handled")
    assert cases("self_resolution_rate") == cases("patrol_reports")
    assert cases("satisfaction_rate") == cases("rated")
    with pytest.raises(CommandCenterError, match="Unknown measure"):
        cases("happiness")


def test_grid_manager_counts_own_grids_and_own_reports(district):
    session, d = district
    actor = d.actor(session, "admin")
    rows = rows_by_key(compute_kpis(session, actor, OCTOBER, "grid_manager", as_of=AFTER))
    assert list(rows) == [d.ids["m1"], d.ids["m2"], d.ids["m3"]]
    expected_cases = {
        "m1": GRID_CASES["A1"] + ["c12"],  # their grid, and c12 they reported in A2
        "m2": ["c12"],
        "m3": ["c13"],
    }
    for user, names in expected_cases.items():
        for measure in COUNTS:
            ids = drill(session, actor, OCTOBER, "grid_manager", d.ids[user], measure, as_of=AFTER)
            assert ids == d.expected(names, measure), (user, measure)
            assert getattr(rows[d.ids[user]], measure) == len(ids)
    m1, m2, m3 = (rows[d.ids[u]] for u in ("m1", "m2", "m3"))
    assert (m1.intake, m1.due, m1.closed, m1.closed_on_time) == (12, 8, 7, 5)
    assert m1.on_time_rate == pytest.approx(5 / 8) and m1.self_resolution_rate == pytest.approx(2 / 4)  # fmt: skip
    # the 15-households rule, October as a whole
    assert (m1.visits, m1.visited_households, m1.visits_per_month) == (16, 15, 16.0)
    assert (m1.households_per_month, m1.visit_rule_met) == (15.0, True)
    assert (m2.visits, m2.visited_households, m2.visit_rule_met) == (14, 14, False)
    assert (m3.visits, m3.visit_rule_met) == (0, False)
    assert (
        drill(session, actor, OCTOBER, "grid_manager", d.ids["m1"], "visits", as_of=AFTER)
        == (d.visits["m1"])
    )


def test_visit_rule_is_checked_month_by_month_and_pro_rata(district):
    session, d = district
    actor = d.actor(session, "admin")
    quarter = rows_by_key(
        compute_kpis(session, actor, Period.parse("2026-Q4"), "grid_manager", as_of=AFTER)
    )
    m1 = quarter[d.ids["m1"]]
    # October and November count (December has not begun): 15 + 1 households over 2 months
    assert (m1.visits, m1.visited_households) == (17, 16)
    assert (m1.visits_per_month, m1.households_per_month) == (8.5, 8.0)
    assert m1.visit_rule_met is False  # one household in November
    # On 21 October at noon, 20.5 of 31 days have passed: ⌈15 × 20.5/31⌉ = 10 households due.
    early = rows_by_key(
        compute_kpis(session, actor, OCTOBER, "grid_manager", as_of=T(2026, 10, 21, 12))
    )
    assert early[d.ids["m2"]].visit_rule_met is True
    assert early[d.ids["m2"]].visits_per_month == round(14 / (20.5 / 31), 1)


def test_a_running_period_counts_only_deadlines_that_have_come(district):
    session, d = district
    actor = d.actor(session, "admin")
    as_of = T(2026, 10, 21, 12)
    a1 = rows_by_key(compute_kpis(session, actor, OCTOBER, "grid", as_of=as_of))[d.ids["A1"]]
    # c4 (deadline 28 Oct, open) is not due yet; c15 (deadline 27 Oct) is, being closed already
    ids = drill(session, actor, OCTOBER, "grid", d.ids["A1"], "due", as_of=as_of)
    assert ids == sorted(d.ids[n] for n in ("c1", "c2", "c3", "c5", "c11", "c15"))
    assert (a1.due, a1.closed, a1.closure_rate) == (6, 6, 1.0)


def test_departments_count_the_cases_dispatched_to_them(district):
    session, d = district
    actor = d.actor(session, "admin")
    rows = rows_by_key(compute_kpis(session, actor, OCTOBER, "department", as_of=AFTER))
    assert list(rows) == [d.ids["d2"], d.ids["d1"]]  # by center: county, then street
    d1, d2 = rows[d.ids["d1"]], rows[d.ids["d2"]]
    assert (d1.intake, d1.due, d1.closed, d1.closed_on_time) == (3, 3, 3, 1)  # c2, c3, c14
    assert (d1.reworked, d1.extended, d1.rated, d1.satisfied) == (1, 1, 2, 1)
    assert d1.avg_handling_hours == pytest.approx((900 + 600 + 1000) / 60 / 3)
    assert d1.self_resolution_rate is None  # not a department's figure
    assert (d2.intake, d2.due, d2.closed, d2.closed_on_time) == (2, 2, 1, 1)  # c4, c13
    assert drill(session, actor, OCTOBER, "department", d.ids["d1"], "closed_on_time", as_of=AFTER) == [d.ids["c3"]]  # fmt: skip


def test_centers_roll_up_the_centers_below_them(district):
    session, d = district
    actor = d.actor(session, "admin")
    rows = compute_kpis(session, actor, OCTOBER, "center", as_of=AFTER)
    assert [r.key for r in rows] == [d.ids[k] for k in ("county", "street", "A", "B")]
    by_key = rows_by_key(rows)
    all_cases = [n for n in CASES]
    community_a = GRID_CASES["A1"] + GRID_CASES["A2"]
    for center, names in (("county", all_cases), ("street", all_cases), ("A", community_a)):
        for measure in COUNTS:
            ids = drill(session, actor, OCTOBER, "center", d.ids[center], measure, as_of=AFTER)
            assert ids == d.expected(names, measure), (center, measure)
            assert getattr(by_key[d.ids[center]], measure) == len(ids)
    county = by_key[d.ids["county"]]
    assert (county.intake, county.due, county.closed, county.closed_on_time) == (14, 10, 9, 6)


# --- jurisdiction ----------------------------------------------------------------------------------


def test_a_community_sees_only_its_own_figures(district):
    session, d = district
    leader = d.actor(session, "leader_a")
    grids = compute_kpis(session, leader, OCTOBER, "grid", as_of=AFTER)
    assert [r.key for r in grids] == [d.ids["A1"], d.ids["A2"], d.ids["A3"]]
    centers = compute_kpis(session, leader, OCTOBER, "center", as_of=AFTER)
    assert [r.key for r in centers] == [d.ids["A"]]
    assert centers[0].intake == 12  # A1's 11 and A2's 1; nothing of B or the street
    managers = compute_kpis(session, leader, OCTOBER, "grid_manager", as_of=AFTER)
    assert [r.key for r in managers] == [d.ids["m1"], d.ids["m2"]]
    departments = rows_by_key(compute_kpis(session, leader, OCTOBER, "department", as_of=AFTER))
    # the street's and county's departments appear with this community's cases only
    assert departments[d.ids["d1"]].intake == 2  # c2, c3 (c14 is the street's)
    assert departments[d.ids["d2"]].intake == 1  # c4 (c13 is community B's)
    assert drill(session, leader, OCTOBER, "grid", d.ids["B1"], "intake", as_of=AFTER) == []
    assert drill(session, leader, OCTOBER, "center", d.ids["county"], "intake", as_of=AFTER) == []
    assert drill(session, leader, OCTOBER, "department", d.ids["d1"], "intake", as_of=AFTER) == [
        d.ids["c2"],
        d.ids["c3"],
    ]


# --- weights and grades ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "A"), (90, "A"), (89.9, "B"), (75, "B"), (74.9, "C"), (60, "C"), (59.9, "D")]
    + [(40, "D"), (39.9, "E"), (0, "E"), (None, None)],
)
def test_grades(score, grade):
    assert kpi.grade_for(score) == grade


def test_weights_come_from_the_setting(district):
    session, d = district
    actor = d.actor(session, "admin")
    assert kpi.load_weights(session) == kpi.DEFAULT_WEIGHTS
    kpi.save_weights(session, {"closure": 3, "satisfaction": 1})
    session.flush()
    a1 = rows_by_key(compute_kpis(session, actor, OCTOBER, "grid", as_of=AFTER))[d.ids["A1"]]
    assert a1.score == round(100 * (3 * 6 / 7 + 1 * 3 / 4) / 4, 1)  # 83.0
    assert a1.grade == "B"
    # weights given to the call win over the setting; visits weigh only for grid managers
    managers = compute_kpis(
        session, actor, OCTOBER, "grid_manager", as_of=AFTER, weights={"visits": 1}
    )
    assert [r.score for r in managers] == [100.0, round(100 * 14 / 15, 1), 0.0]
    session.rollback()


@pytest.mark.parametrize(
    "weights",
    [{"bogus": 1}, {"closure": -1}, {"closure": 0}, {}, "closure", {"closure": True}],
)
def test_bad_weights_are_refused(weights):
    with pytest.raises(CommandCenterError):
        kpi.validate_weights(weights)


# --- output ----------------------------------------------------------------------------------------


def test_csv_round_trip(district, tmp_path):
    session, d = district
    rows = compute_kpis(session, d.actor(session, "admin"), OCTOBER, "grid_manager", as_of=AFTER)
    path = tmp_path / "kpi.csv"
    kpi_table.write_csv(rows, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's cue for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        read = list(csv.DictReader(f))
    assert len(read) == len(rows)
    for row, line in zip(rows, read, strict=True):
        assert line["名称 (name)"] == row.name and int(line["编号 (key)"]) == row.key
        for attr in COUNTS:
            zh = next(c[1] for c in kpi_table.COLUMNS if c[0] == attr)
            assert int(line[f"{zh} ({attr})"]) == getattr(row, attr)
        for attr in ("closure_rate", "on_time_rate", "satisfaction_rate"):
            zh = next(c[1] for c in kpi_table.COLUMNS if c[0] == attr)
            cell, value = line[f"{zh} ({attr})"], getattr(row, attr)
            assert (cell == "") if value is None else float(cell) / 100 == pytest.approx(value, abs=5e-5)  # fmt: skip
        assert line["考核得分 (score)"] == ("" if row.score is None else f"{row.score:.1f}")
        assert line["等级 (grade)"] == (row.grade or "")
        assert line["达到每月15户 (visit_rule_met)"] == ("1" if row.visit_rule_met else "0")


def test_table_columns_line_up_in_display_width(district):
    session, d = district
    rows = compute_kpis(session, d.actor(session, "admin"), OCTOBER, "grid", as_of=AFTER)
    lines = kpi_table.format_table(rows).splitlines()
    assert len(lines) == 3 + len(rows)
    assert lines[0].startswith("名称") and "A社区第01网格" in lines[3]
    # every line ends with the grade column; what comes before it has the same display width
    last_cells = ["等级", "grade", lines[2].split()[-1]] + [r.grade or "—" for r in rows]
    before = {kpi_table.display_width(line) - kpi_table.display_width(cell) for line, cell in zip(lines, last_cells, strict=True)}  # fmt: skip
    assert len(before) == 1
    assert kpi_table.display_width("网格ab") == 6


# --- the command line ------------------------------------------------------------------------------


def cli(*args):
    return run_cli(*args)


def test_cli_prints_the_grid_table_of_the_demo(demo_database):
    with demo_database.session() as session:
        grid_names = session.scalars(select(Grid.name)).all()
    result = cli("kpi", "--period", "2026-10", "--by", "grid", "--db", demo_database.url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "(admin)" in lines[0] and "2026-10" in lines[0]
    assert lines[1].split()[:3] == ["名称", "受理", "立案"]
    assert len(lines) == 4 + len(grid_names)
    assert all(name in result.stdout for name in grid_names)


def test_cli_writes_csv_for_a_user_jurisdiction(demo_database, tmp_path):
    target = tmp_path / "centers.csv"
    result = cli(
        "kpi", "--period", "2026-Q3", "--by", "center", "--user", "leader",
        "--csv", str(target), "--db", demo_database.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with demo_database.session() as session:
        leader = session.scalar(select(User).where(User.username == "leader"))
        center_name = session.get(Center, leader.center_id).name
    with target.open(encoding="utf-8-sig", newline="") as f:
        read = list(csv.DictReader(f))
    assert [line["名称 (name)"] for line in read] == [center_name]
    assert int(read[0]["受理数 (intake)"]) > 0


def test_cli_refuses_bad_input(demo_database):
    bad_period = cli("kpi", "--period", "2026-13", "--db", demo_database.url)
    assert bad_period.returncode == 2 and "2026-Q3" in bad_period.stderr
    nobody = cli("kpi", "--period", "2026-10", "--user", "nobody", "--db", demo_database.url)
    assert nobody.returncode == 1 and "No user named 'nobody'" in nobody.stderr
    assert "--db URL" in cli("kpi", "--help").stdout
