"""Code validators: every kind of problem is named, good codes pass."""

import datetime as dt

import pytest

from commandcenter.domain.codes import (
    GridCodeParts,
    division_level,
    division_parent,
    id_check_digit,
    make_grid_code,
    make_id_number,
    sizing_problem,
    validate_division_code,
    validate_gb28181_id,
    validate_grid_code,
    validate_id_number,
)
from commandcenter.domain.enums import AdminLevel, GridKind
from commandcenter.domain.privacy import mask_id_number, mask_name, mask_phone

GOOD_GRID = "3212020010000200101"  # 海陵区 城东街道, no area, community 002, grid 001, urban
COMMUNITY = "321202001002"


def parts(problems):
    return [p.part for p in problems]


def test_good_grid_code_has_no_problem():
    assert validate_grid_code(GOOD_GRID, community_code=COMMUNITY, kind=GridKind.URBAN) == []
    p = GridCodeParts.split(GOOD_GRID)
    assert (p.county, p.township, p.area, p.community, p.grid, p.attribute) == (
        "321202",
        "001",
        "00",
        "002",
        "001",
        "01",
    )
    assert p.community_division_code == COMMUNITY


def test_make_grid_code_round_trips():
    code = make_grid_code(COMMUNITY, 7, GridKind.DEDICATED)
    assert code == "3212020010000200703"
    assert validate_grid_code(code, community_code=COMMUNITY, kind=GridKind.DEDICATED) == []


@pytest.mark.parametrize(
    "code, expected",
    [
        ("321202001000020010", ["length"]),
        ("32120200100002001011", ["length"]),
        ("32120200100002001O1", ["digits"]),
        ("321202001000020010١", ["digits"]),  # an Arabic-Indic digit is not an ASCII digit
        ("3212020010000200104", ["attribute"]),
        ("3212020010000200001", ["grid"]),
        ("3212020010000000101", ["community"]),
        ("3212020000000200101", ["township"]),
        ("3212000010000200101", ["county"]),
    ],
)
def test_each_kind_of_bad_grid_code_is_named(code, expected):
    problems = validate_grid_code(code)
    assert parts(problems) == expected
    assert all(p.message for p in problems)


def test_grid_code_parent_and_kind_mismatch():
    problems = validate_grid_code(GOOD_GRID, community_code="321202001003", kind=GridKind.RURAL)
    assert sorted(parts(problems)) == ["attribute", "parent"]
    assert "321202001003" in str(problems[-1]) or "321202001003" in str(problems[0])


def test_grid_code_against_known_divisions():
    known = {"321202000000", "321202001000"}
    assert validate_grid_code(GOOD_GRID, known_divisions=known) == []
    assert parts(validate_grid_code(GOOD_GRID, known_divisions={"321202000000"})) == ["township"]
    assert parts(validate_grid_code(GOOD_GRID, known_divisions=set())) == ["county"]


def test_several_problems_are_all_reported():
    problems = validate_grid_code("3212020000000000004")
    assert sorted(parts(problems)) == ["attribute", "community", "grid", "township"]


@pytest.mark.parametrize(
    "code, level, parent",
    [
        ("320000000000", AdminLevel.PROVINCE, None),
        ("321200000000", AdminLevel.CITY, "320000000000"),
        ("321202000000", AdminLevel.COUNTY, "321200000000"),
        ("321202001000", AdminLevel.TOWNSHIP, "321202000000"),
        ("321202001002", AdminLevel.COMMUNITY, "321202001000"),
    ],
)
def test_division_levels_and_parents(code, level, parent):
    assert validate_division_code(code) == []
    assert division_level(code) == level
    assert division_parent(code) == parent


def test_bad_division_codes():
    assert parts(validate_division_code("32120200100")) == ["length"]
    assert parts(validate_division_code("99120200100a")) == ["digits"]
    assert parts(validate_division_code("991202001000")) == ["province"]
    assert parts(validate_division_code("321202000001")) == ["township"]
    assert parts(validate_division_code("321202001000", known=set())) == ["unknown"]


def test_sizing_rule():
    assert sizing_problem(GridKind.URBAN, 400, 1000) is None
    assert sizing_problem(GridKind.URBAN, 250, 1000) is None  # about 1,000 people is enough
    assert "too small" in sizing_problem(GridKind.URBAN, 120, 300)
    assert "too large" in sizing_problem(GridKind.RURAL, 700, 1800)
    assert sizing_problem(GridKind.DEDICATED, 0, 40) is None


def test_id_number_check_digit():
    # GB 11643's published example
    assert id_check_digit("11010519491231002") == "X"
    assert validate_id_number("11010519491231002X") == []
    assert validate_id_number("11010519491231002x") == []
    assert parts(validate_id_number("110105194912310021")) == ["check"]
    assert "should be X" in str(validate_id_number("110105194912310021")[0])


@pytest.mark.parametrize(
    "number, expected",
    [
        ("1101051949123100", ["length"]),
        ("1101051949123100AX", ["digits"]),
        ("110105194913310020", ["birth", "check"]),
        ("990105194912310028", ["region", "check"]),
    ],
)
def test_bad_id_numbers(number, expected):
    assert sorted(parts(validate_id_number(number))) == sorted(expected)


def test_future_birth_date_is_impossible():
    number = make_id_number("321202", dt.date(2030, 1, 1), 12)
    assert parts(validate_id_number(number, today=dt.date(2026, 11, 26))) == ["birth"]


def test_made_id_numbers_validate():
    for seq in range(0, 1000, 37):
        assert validate_id_number(make_id_number("321202", dt.date(1980, 2, 29), seq)) == []


def test_gb28181_ids():
    assert validate_gb28181_id("32120200001311000001") == []
    assert validate_gb28181_id("32120200001321000001") == []
    assert parts(validate_gb28181_id("3212020000131100000")) == ["length"]
    assert parts(validate_gb28181_id("32120200001181000001")) == ["type"]
    assert validate_gb28181_id("32120200001181000001", camera=False) == []
    assert parts(validate_gb28181_id("32120200001319000001")) == ["network"]
    assert parts(validate_gb28181_id("32120200001311000000")) == ["serial"]
    assert parts(validate_gb28181_id("99120200001311000001")) == ["center"]
    assert parts(validate_gb28181_id("32120200001311000001", lookup=lambda c: False)) == ["center"]


def test_masking():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_phone(None) == "" and mask_id_number("") == ""
