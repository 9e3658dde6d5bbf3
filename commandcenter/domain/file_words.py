"""The words officers write in import files, and exports write back: each enumeration's value,
its Chinese name, or a common synonym all read as the same member."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from commandcenter.domain.enums import (
    BuildingUse,
    DepartmentKind,
    HouseholdStatus,
    HouseUse,
    OrganisationKind,
    SpecialGroup,
)
from commandcenter.domain.labels_zh import LABELS_ZH

E = TypeVar("E", bound=Enum)

# Chinese names of the enumerations only the files use (the screens' are in LABELS_ZH).
FILE_NAMES_ZH: dict[type[Enum], dict[Enum, str]] = {
    HouseholdStatus: {HouseholdStatus.REGISTERED: "户籍", HouseholdStatus.FLOATING: "流动"},
    SpecialGroup: {
        SpecialGroup.COMMUNITY_CORRECTION: "社区矫正",
        SpecialGroup.RELEASED_PRISONER: "刑满释放",
        SpecialGroup.DRUG_USER: "吸毒人员",
        SpecialGroup.MENTAL_DISORDER: "严重精神障碍",
        SpecialGroup.KEY_PETITIONER: "重点信访",
        SpecialGroup.AT_RISK_YOUTH: "重点青少年",
        SpecialGroup.ELDERLY_ALONE: "独居老人",
        SpecialGroup.LEFT_BEHIND: "留守人员",
        SpecialGroup.DISABLED: "残疾人",
    },
    BuildingUse: {
        BuildingUse.RESIDENTIAL: "住宅",
        BuildingUse.COMMERCIAL: "商业",
        BuildingUse.MIXED: "商住",
        BuildingUse.PUBLIC: "公共",
        BuildingUse.INDUSTRIAL: "工业",
    },
    HouseUse: {
        HouseUse.OWNER_OCCUPIED: "自住",
        HouseUse.RENTAL: "出租",
        HouseUse.VACANT: "空置",
        HouseUse.BUSINESS: "经营",
    },
    OrganisationKind: {
        OrganisationKind.ENTERPRISE: "企业",
        OrganisationKind.SOCIAL: "社会组织",
        OrganisationKind.NON_PUBLIC: "非公有制经济组织",
        OrganisationKind.PUBLIC_INSTITUTION: "机关事业单位",
    },
    DepartmentKind: {
        DepartmentKind.PUBLIC_SECURITY: "公安",
        DepartmentKind.URBAN_MANAGEMENT: "城管",
        DepartmentKind.MARKET_SUPERVISION: "市场监管",
        DepartmentKind.EMERGENCY: "应急管理",
        DepartmentKind.HEALTH: "卫生健康",
        DepartmentKind.CIVIL_AFFAIRS: "民政",
        DepartmentKind.HOUSING: "住建",
        DepartmentKind.ENVIRONMENT: "生态环境",
        DepartmentKind.OTHER: "其他",
    },
}

_SYNONYMS = {
    "户籍人口": "户籍",
    "流动人口": "流动",
    "出租房": "出租",
    "督办": "督办领导",
    "领导": "督办领导",
    "管理员": "系统管理员",
    "部门处置人员": "职能部门处置人员",
    "处置人员": "职能部门处置人员",
    "专职网格员": "网格员",
    "大屏": "大屏展示账号",
    "大屏展示": "大屏展示账号",
    "治安": "社会治安",
}


def file_name_zh(value: Enum | None) -> str:
    if value is None:
        return ""
    names = FILE_NAMES_ZH.get(type(value)) or LABELS_ZH.get(type(value), {})
    return names.get(value, str(value.value))


def parse_word(cls: type[E], text: str) -> E:
    """The member ``text`` names; ValueError listing the words accepted."""
    text = _SYNONYMS.get(text.strip(), text.strip())
    names = {**LABELS_ZH.get(cls, {}), **FILE_NAMES_ZH.get(cls, {})}
    for member in cls:
        if text.lower() == str(member.value).lower() or names.get(member) == text:
            return member
    accepted = "、".join(names.get(m, str(m.value)) for m in cls)
    raise ValueError(f"{text!r} is not one of: {accepted}")
