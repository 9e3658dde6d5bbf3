"""The list of matters (事项清单): under each case category, the matters a center handles,
each with its default urgency, its time limit and the kind of department that takes it — and
the local grid-sizing rule. One list for the whole tree, kept by the top center's
administrators (the lower centers work to it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.access.admin import require_top_administrator
from commandcenter.access.oplog import OperationKind, record
from commandcenter.domain.codes import SizingRule
from commandcenter.domain.enums import CaseCategory, DepartmentKind, Urgency
from commandcenter.domain.file_words import parse_word
from commandcenter.errors import CommandCenterError, ImportRejected
from commandcenter.jurisdiction.checks import SIZING_SETTING
from commandcenter.storage.models import CaseType, Setting
from commandcenter.tabular import Column, TableError, read_table


@dataclass(frozen=True)
class CaseTypeRow:
    id: int
    code: str
    category: CaseCategory
    name: str
    urgency: Urgency
    limit_days: int | None  # None: the general time-limit rules
    limit_hours: int | None
    department_kind: DepartmentKind | None
    active: bool


@dataclass(frozen=True)
class CaseTypeInput:
    code: str
    category: CaseCategory
    name: str
    urgency: Urgency = Urgency.NORMAL
    limit_days: int | None = None
    limit_hours: int | None = None
    department_kind: DepartmentKind | None = None
    active: bool = True


_PS, _EM, _MS = (
    DepartmentKind.PUBLIC_SECURITY,
    DepartmentKind.EMERGENCY,
    DepartmentKind.MARKET_SUPERVISION,
)
_UM, _EN, _HO = DepartmentKind.URBAN_MANAGEMENT, DepartmentKind.ENVIRONMENT, DepartmentKind.HOUSING
_C = CaseCategory
# The matters the implementing rules name (综治网格化服务内容; hazards inspected in the grid).
STANDARD_LIST: tuple[CaseTypeInput, ...] = (
    CaseTypeInput("0101", _C.PUBLIC_ORDER, "治安隐患", department_kind=_PS),
    CaseTypeInput("0102", _C.PUBLIC_ORDER, "扫黄打非", department_kind=_PS),
    CaseTypeInput("0103", _C.PUBLIC_ORDER, "邪教活动", Urgency.URGENT, department_kind=_PS),
    CaseTypeInput("0104", _C.PUBLIC_ORDER, "反恐安全防范", Urgency.URGENT, department_kind=_PS),
    CaseTypeInput("0201", _C.SAFETY_HAZARD, "安全生产", Urgency.URGENT, department_kind=_EM),
    CaseTypeInput("0202", _C.SAFETY_HAZARD, "消防安全", Urgency.URGENT, 0, 4, _EM),
    CaseTypeInput("0203", _C.SAFETY_HAZARD, "食品药品安全", department_kind=_MS),
    CaseTypeInput("0204", _C.SAFETY_HAZARD, "交通安全", department_kind=_PS),
    CaseTypeInput("0205", _C.SAFETY_HAZARD, "传销与非法集资", department_kind=_MS),
    CaseTypeInput("0301", _C.DISPUTE, "邻里纠纷"),
    CaseTypeInput("0302", _C.DISPUTE, "劳动关系纠纷"),
    CaseTypeInput("0303", _C.DISPUTE, "婚姻家庭纠纷", department_kind=DepartmentKind.CIVIL_AFFAIRS),
    CaseTypeInput("0401", _C.ENVIRONMENT, "垃圾堆放", department_kind=_UM),
    CaseTypeInput("0402", _C.ENVIRONMENT, "污水排放", department_kind=_EN),
    CaseTypeInput("0403", _C.ENVIRONMENT, "噪声扰民", department_kind=_EN),
    CaseTypeInput("0501", _C.MUNICIPAL, "道路破损", department_kind=_HO),
    CaseTypeInput("0502", _C.MUNICIPAL, "路灯损坏", department_kind=_UM),
    CaseTypeInput("0503", _C.MUNICIPAL, "井盖缺失", Urgency.URGENT, 0, 4, _UM),
    CaseTypeInput("0601", _C.LIVELIHOOD, "民生救助", department_kind=DepartmentKind.CIVIL_AFFAIRS),
    CaseTypeInput("0602", _C.LIVELIHOOD, "代办服务"),
    CaseTypeInput("0701", _C.SPECIAL_GROUP, "社区矫正人员"),
    CaseTypeInput(
        "0702", _C.SPECIAL_GROUP, "严重精神障碍患者", department_kind=DepartmentKind.HEALTH
    ),
    CaseTypeInput("0703", _C.SPECIAL_GROUP, "重点青少年"),
    CaseTypeInput("0801", _C.OTHER, "其他事项"),
)

CASE_TYPE_COLUMNS = (
    Column("code", ("编码", "code", "事项编码"), required=True),
    Column("category", ("大类", "category", "类别"), required=True),
    Column("name", ("事项", "name", "事项名称", "小类"), required=True),
    Column("urgency", ("紧急程度", "urgency")),
    Column("limit_days", ("时限天数", "limit_days", "时限（工作日）")),
    Column("limit_hours", ("时限小时", "limit_hours")),
    Column("department_kind", ("承办部门", "department_kind", "责任部门")),
)


def case_types(session: Session, *, active_only: bool = False) -> list[CaseTypeRow]:
    """The list, by code (everyone reads it: the report form offers it)."""
    query = select(CaseType).order_by(CaseType.code)
    if active_only:
        query = query.where(CaseType.active.is_(True))
    return [
        CaseTypeRow(
            t.id,
            t.code,
            t.category,
            t.name,
            t.urgency,
            t.limit_days,
            t.limit_hours,
            t.department_kind,
            t.active,
        )
        for t in session.scalars(query)
    ]


def _require_top_administrator(session: Session, actor: Actor | None) -> None:
    require_top_administrator(session, actor, "The list of matters")


def _problems(data: CaseTypeInput) -> list[str]:
    problems = []
    if not data.code.strip() or len(data.code.strip()) > 16:
        problems.append("a code of 1–16 characters is needed")
    if not data.name.strip() or len(data.name.strip()) > 60:
        problems.append("a name of 1–60 characters is needed")
    for value, what in ((data.limit_days, "days"), (data.limit_hours, "hours")):
        if value is not None and not 0 <= value <= 365:
            problems.append(f"time limit {what} must be 0–365")
    if data.limit_days == 0 and data.limit_hours == 0:
        problems.append("a time limit of zero")
    return problems


def _store(session: Session, data: CaseTypeInput) -> None:
    row = session.scalar(select(CaseType).where(CaseType.code == data.code.strip()))
    if row is None:
        row = CaseType(code=data.code.strip())
        session.add(row)
    row.category = CaseCategory(data.category)
    row.name = data.name.strip()
    row.urgency = Urgency(data.urgency)
    has_limit = data.limit_days is not None or data.limit_hours is not None
    row.limit_days = (data.limit_days or 0) if has_limit else None
    row.limit_hours = (data.limit_hours or 0) if has_limit else None
    row.department_kind = DepartmentKind(data.department_kind) if data.department_kind else None
    row.active = data.active


def save_case_type(
    session: Session, actor: Actor | None, data: CaseTypeInput, at: dt.datetime
) -> None:
    """Add or change (by code) one matter."""
    _require_top_administrator(session, actor)
    problems = _problems(data)
    if problems:
        raise CommandCenterError("; ".join(problems) + ". Nothing changed.")
    _store(session, data)
    session.flush()
    record(session, actor, at, OperationKind.ADMIN, f"matter {data.code}", data.name)


def load_standard_list(session: Session, actor: Actor | None, at: dt.datetime) -> int:
    """The implementing rules' matters (``STANDARD_LIST``), added or reset by code."""
    _require_top_administrator(session, actor)
    for data in STANDARD_LIST:
        _store(session, data)
    session.flush()
    record(session, actor, at, OperationKind.ADMIN, "list of matters", "standard list loaded")
    return len(STANDARD_LIST)


def _whole(text: str, what: str, problems: list[str]) -> int | None:
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        problems.append(f"{what} {text!r} is not a whole number")
        return None


def import_case_types(
    session: Session, actor: Actor | None, path: Path | str, at: dt.datetime
) -> int:
    """Matters from a table (``CASE_TYPE_COLUMNS``), added or changed by code; all or nothing."""
    _require_top_administrator(session, actor)
    try:
        table = read_table(path, CASE_TYPE_COLUMNS)
    except TableError as exc:
        raise ImportRejected(f"{Path(path).name} {exc}; nothing imported.", [str(exc)]) from None
    problems: list[str] = []
    planned: list[CaseTypeInput] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        row_problems: list[str] = []
        code = row.get("code")
        if code in seen:
            row_problems.append(f"code {code} is also on row {seen[code]}")
        seen[code] = row.line
        try:
            category = parse_word(CaseCategory, row.get("category"))
        except ValueError as exc:
            row_problems.append(f"category: {exc}")
            category = None
        urgency, kind = Urgency.NORMAL, None
        try:
            if row.get("urgency"):
                urgency = parse_word(Urgency, row.get("urgency"))
            if row.get("department_kind"):
                kind = parse_word(DepartmentKind, row.get("department_kind"))
        except ValueError as exc:
            row_problems.append(str(exc))
        days = _whole(row.get("limit_days"), "days", row_problems)
        hours = _whole(row.get("limit_hours"), "hours", row_problems)
        if category is not None:
            data = CaseTypeInput(code, category, row.get("name"), urgency, days, hours, kind)
            row_problems += _problems(data)
            planned.append(data)
        problems += [f"{table.name} row {row.line}: {p}" for p in row_problems]
    if problems:
        raise ImportRejected(
            f"{table.name}: {len(problems)} problem(s); nothing imported.", problems
        )
    for data in planned:
        _store(session, data)
    session.flush()
    record(
        session, actor, at, OperationKind.IMPORT, f"matters {table.name}", f"{len(planned)} rows"
    )
    return len(planned)


def set_sizing_rule(
    session: Session, actor: Actor | None, rule: SizingRule, at: dt.datetime
) -> None:
    _require_top_administrator(session, actor)
    if not 1 <= rule.households_min <= rule.households_max <= 100_000 or rule.population < 1:
        raise CommandCenterError("The households' range must be 1 ≤ min ≤ max; nothing changed.")
    stored = session.get(Setting, SIZING_SETTING)
    value = {
        "households_min": rule.households_min,
        "households_max": rule.households_max,
        "population": rule.population,
    }
    if stored is None:
        session.add(Setting(key=SIZING_SETTING, value=value))
    else:
        stored.value = value
    record(session, actor, at, OperationKind.ADMIN, "grid sizing rule", str(value))
