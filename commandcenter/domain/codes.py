"""Validators for the codes the centers live by.

Each validator returns a list of :class:`CodeProblem`: empty when the code is good, otherwise one
entry per problem, each saying what is wrong in the user's words. Nothing here touches storage;
callers pass what they know (the grid's community code, the set of known division codes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Container
from dataclasses import dataclass

from commandcenter.domain.enums import AdminLevel, GridKind

_DIGITS = re.compile(r"^[0-9]*$")


@dataclass(frozen=True)
class CodeProblem:
    part: str  # which part of the code, e.g. "length", "attribute", "community"
    message: str

    def __str__(self) -> str:
        return self.message


def _shape_problems(code: str, length: int, what: str) -> list[CodeProblem]:
    problems = []
    if len(code) != length:
        problems.append(
            CodeProblem("length", f"{what} must have {length} digits, this one has {len(code)}")
        )
    bad = sorted({ch for ch in code if not ch.isascii() or not ch.isdigit()})
    if bad:
        problems.append(
            CodeProblem("digits", f"{what} may hold digits only, found {' '.join(map(repr, bad))}")
        )
    return problems


# --- division codes (统计用区划代码, 12 digits) -------------------------------------------

DIVISION_CODE_LENGTH = 12


def division_level(code: str) -> AdminLevel:
    """Level of a well-formed 12-digit division code, read from its trailing zeros."""
    if code[2:] == "0" * 10:
        return AdminLevel.PROVINCE
    if code[4:] == "0" * 8:
        return AdminLevel.CITY
    if code[6:] == "0" * 6:
        return AdminLevel.COUNTY
    if code[9:] == "000":
        return AdminLevel.TOWNSHIP
    return AdminLevel.COMMUNITY


def division_parent(code: str) -> str | None:
    """Code of the unit one level up, or None for a province."""
    level = division_level(code)
    keep = {
        AdminLevel.PROVINCE: 0,
        AdminLevel.CITY: 2,
        AdminLevel.COUNTY: 4,
        AdminLevel.TOWNSHIP: 6,
        AdminLevel.COMMUNITY: 9,
    }[level]
    return None if keep == 0 else code[:keep].ljust(DIVISION_CODE_LENGTH, "0")


def normalise_division_code(code: str) -> str:
    """NBS lists give 2/4/6/9/12-digit prefixes; pad them to the full 12 digits."""
    code = code.strip()
    if len(code) in (2, 4, 6, 9) and code.isdigit():
        return code.ljust(DIVISION_CODE_LENGTH, "0")
    return code


def validate_division_code(code: str, known: Container[str] | None = None) -> list[CodeProblem]:
    problems = _shape_problems(code, DIVISION_CODE_LENGTH, "A division code")
    if problems:
        return problems
    if code[:2] < "11" or code[:2] > "82":
        problems.append(CodeProblem("province", f"province part {code[:2]} is not a province"))
    # Cities without counties (东莞, 中山 …) list townships right under the city, so a zero
    # county part is real; a community under a zero township part is not.
    if division_level(code) == AdminLevel.COMMUNITY and code[6:9] == "000":
        problems.append(CodeProblem("township", "township part is 000 below a community"))
    if known is not None and not problems and code not in known:
        problems.append(CodeProblem("unknown", f"{code} is not in the imported division list"))
    return problems


# --- grid codes (19 digits) ------------------------------------------------------------------

GRID_CODE_LENGTH = 19


@dataclass(frozen=True)
class GridCodeParts:
    county: str  # 6
    township: str  # 3
    area: str  # 2, "00" when there is no 片区
    community: str  # 3
    grid: str  # 3
    attribute: str  # 2

    @classmethod
    def split(cls, code: str) -> GridCodeParts:
        return cls(code[0:6], code[6:9], code[9:11], code[11:14], code[14:17], code[17:19])

    @property
    def community_division_code(self) -> str:
        """The 12-digit division code of the community this grid belongs to."""
        return self.county + self.township + self.community


def make_grid_code(community_code: str, number: int, kind: GridKind, area: str = "00") -> str:
    """Compose a grid code from its community's 12-digit division code."""
    return f"{community_code[:9]}{area}{community_code[9:12]}{number:03d}{kind.attribute_code}"


def validate_grid_code(
    code: str,
    *,
    community_code: str | None = None,
    kind: GridKind | None = None,
    known_divisions: Container[str] | None = None,
) -> list[CodeProblem]:
    """Explain every problem of a 19-digit grid code.

    ``community_code`` is the 12-digit division code of the community the grid is filed under;
    ``kind`` the grid's kind, which must agree with the attribute digits; ``known_divisions`` the
    imported official list, to check that county and township really exist.
    """
    problems = _shape_problems(code, GRID_CODE_LENGTH, "A grid code")
    if problems:
        return problems
    parts = GridCodeParts.split(code)
    if parts.county[4:] == "00" or parts.county[2:4] == "00":
        problems.append(CodeProblem("county", f"county part {parts.county} is not a county"))
    if parts.township == "000":
        problems.append(CodeProblem("township", "township part is 000"))
    if parts.community == "000":
        problems.append(CodeProblem("community", "community part is 000"))
    if parts.grid == "000":
        problems.append(CodeProblem("grid", "grid number is 000; grids are numbered from 001"))
    try:
        attribute_kind = GridKind.from_attribute_code(parts.attribute)
    except ValueError:
        attribute_kind = None
        problems.append(
            CodeProblem(
                "attribute",
                f"attribute {parts.attribute} is not 01 (urban), 02 (rural) or 03 (dedicated)",
            )
        )
    if kind is not None and attribute_kind is not None and attribute_kind != kind:
        problems.append(
            CodeProblem(
                "attribute",
                f"attribute {parts.attribute} says {attribute_kind}, but the grid is {kind}",
            )
        )
    if community_code is not None and parts.community_division_code != community_code:
        problems.append(
            CodeProblem(
                "parent",
                f"county/township/community parts {parts.community_division_code} do not match "
                f"the grid's community {community_code}",
            )
        )
    if known_divisions is not None:
        county = parts.county.ljust(DIVISION_CODE_LENGTH, "0")
        township = (parts.county + parts.township).ljust(DIVISION_CODE_LENGTH, "0")
        if county not in known_divisions:
            problems.append(
                CodeProblem("county", f"county {parts.county} is not in the division list")
            )
        elif township not in known_divisions:
            problems.append(
                CodeProblem(
                    "township",
                    f"township {parts.county}{parts.township} is not in the division list",
                )
            )
    return problems


# --- grid sizing rule -----------------------------------------------------------------------

HOUSEHOLDS_MIN, HOUSEHOLDS_MAX = 300, 500
POPULATION_TARGET, POPULATION_TOLERANCE = 1000, 0.2


@dataclass(frozen=True)
class SizingRule:
    """About ``households_min``–``households_max`` resident households or about ``population``
    people per grid. The standard's numbers by default; a local rule may differ (500–1000
    households), kept as a setting (``admin.catalogue.sizing_rule``)."""

    households_min: int = HOUSEHOLDS_MIN
    households_max: int = HOUSEHOLDS_MAX
    population: int = POPULATION_TARGET


def sizing_problem(
    kind: GridKind, households: int, population: int, rule: SizingRule | None = None
) -> str | None:
    """Why a grid is outside the sizing rule, or None when it fits or is exempt.

    We read "about" as ±20 % of the people; dedicated grids (专属网格) are exempt.
    """
    rule = rule or SizingRule()
    if kind == GridKind.DEDICATED:
        return None
    if rule.households_min <= households <= rule.households_max:
        return None
    low = rule.population * (1 - POPULATION_TOLERANCE)
    high = rule.population * (1 + POPULATION_TOLERANCE)
    if low <= population <= high:
        return None
    side = "too small" if households < rule.households_min else "too large"
    return (
        f"{side}: {households} households and {population} people; the rule is "
        f"{rule.households_min}–{rule.households_max} households or about {rule.population} people"
    )


# --- resident ID numbers (GB 11643, 18 characters) ------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(number: str, *, today: dt.date | None = None) -> list[CodeProblem]:
    number = number.strip().upper()
    if len(number) != 18:
        return [
            CodeProblem("length", f"An ID number has 18 characters, this one has {len(number)}")
        ]
    if not _DIGITS.match(number[:17]) or not (number[17].isdigit() or number[17] == "X"):
        return [CodeProblem("digits", "An ID number is 17 digits followed by a digit or X")]
    problems = []
    if number[:2] < "11" or number[:2] > "91":
        problems.append(CodeProblem("region", f"region {number[:6]} is not a Chinese region"))
    try:
        born = dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        problems.append(CodeProblem("birth", f"birth date {number[6:14]} is not a date"))
    else:
        if born.year < 1900 or born > (today or dt.date.today()):
            problems.append(CodeProblem("birth", f"birth date {born.isoformat()} is impossible"))
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        problems.append(
            CodeProblem("check", f"check digit is {number[17]}, it should be {expected}")
        )
    return problems


def make_id_number(region: str, born: dt.date, sequence: int) -> str:
    """A valid ID number (region 6 digits, birth date, 3-digit sequence with sex parity)."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_digit(first17)


# --- GB/T 28181 device IDs (20 digits) -----------------------------------------------------

GB28181_LENGTH = 20
_NETWORK_DIGITS = "012345678"  # 9 is reserved by the standard
CAMERA_TYPES = ("131", "132")


def validate_gb28181_id(
    device_id: str, *, camera: bool = True, lookup: Callable[[str], bool] | None = None
) -> list[CodeProblem]:
    """20 digits: center code 8 + industry 2 + type 3 + network 1 + serial 6.

    ``camera`` requires type 131 (camera) or 132 (network camera). ``lookup`` may check that the
    center code's division prefix is a known unit.
    """
    problems = _shape_problems(device_id, GB28181_LENGTH, "A GB/T 28181 device ID")
    if problems:
        return problems
    center, _industry, dev_type = device_id[:8], device_id[8:10], device_id[10:13]
    network = device_id[13]
    if center[:2] < "11" or center[:2] > "82":
        problems.append(
            CodeProblem("center", f"center code {center} does not start with a province")
        )
    if camera and dev_type not in CAMERA_TYPES:
        problems.append(
            CodeProblem("type", f"type {dev_type} is not a camera (131 camera, 132 network camera)")
        )
    if network not in _NETWORK_DIGITS:
        problems.append(CodeProblem("network", "network digit 9 is reserved"))
    if device_id[14:] == "000000":
        problems.append(CodeProblem("serial", "serial number is 000000"))
    if lookup is not None and not problems:
        division = center[:6].ljust(DIVISION_CODE_LENGTH, "0")
        if not lookup(division):
            problems.append(
                CodeProblem("center", f"division {center[:6]} is not in the division list")
            )
    return problems


# --- unified social credit codes (GB 32100, 统一社会信用代码, 18 characters) ----------------------

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> list[CodeProblem]:
    code = code.strip().upper()
    if len(code) != 18:
        return [CodeProblem("length", f"A credit code has 18 characters, this one has {len(code)}")]
    bad = sorted({c for c in code if c not in _CREDIT_CHARS})
    if bad:
        return [
            CodeProblem("characters", f"characters {''.join(bad)} are not used in credit codes")
        ]
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return [CodeProblem("check", f"check character is {code[17]}, it should be {expected}")]
    return []


def make_credit_code(body17: str) -> str:
    """A valid credit code from its first 17 characters (for samples and tests)."""
    return body17 + credit_check_char(body17)


# --- phone numbers: a mobile (11 digits from 13–19) or a landline with its area code --------------

PHONE_NUMBER = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")
