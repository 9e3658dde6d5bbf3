"""Chinese names of the core's enumerations, for what the core writes itself (Excel exports,
monthly reports) without Qt.

The console shows the same names through its translation catalogue (``ui/common/labels.py`` holds the
English source strings, ``resources/translations/commandcenter_zh_CN.ts`` their Chinese).
``tests/test_exports.py`` checks that every name here equals the catalogue's translation, so a
term changed in one place and not the other fails the tests instead of drifting.
"""

from __future__ import annotations

from enum import Enum

from commandcenter.domain.enums import (
    AdminLevel,
    CaseCategory,
    CaseSource,
    CaseState,
    DeadlineStatus,
    GridKind,
    Role,
    Urgency,
)

# Per enumeration (StrEnum members of different enumerations can be equal as strings).
LABELS_ZH: dict[type[Enum], dict[Enum, str]] = {
    Role: {
        Role.GRID_MANAGER: "网格员",
        Role.GRID_LEADER: "网格长",
        Role.DUTY_OFFICER: "值班员",
        Role.DISPATCHER: "派遣员",
        Role.SUPERVISOR: "督办领导",
        Role.DEPARTMENT_HANDLER: "职能部门处置人员",
        Role.ADMINISTRATOR: "系统管理员",
        Role.DISPLAY: "大屏展示账号",
    },
    AdminLevel: {
        AdminLevel.PROVINCE: "省",
        AdminLevel.CITY: "市",
        AdminLevel.COUNTY: "县（区）",
        AdminLevel.TOWNSHIP: "街道（乡镇）",
        AdminLevel.COMMUNITY: "社区（村）",
    },
    GridKind: {
        GridKind.URBAN: "城市网格",
        GridKind.RURAL: "农村网格",
        GridKind.DEDICATED: "专属网格",
    },
    CaseSource: {
        CaseSource.GRID_PATROL: "网格员巡查",
        CaseSource.RESIDENT: "群众来访来电",
        CaseSource.HOTLINE_12345: "12345 热线",
        CaseSource.VIDEO_PATROL: "视频巡查",
        CaseSource.UPPER_CENTER: "上级交办",
        CaseSource.DEPARTMENT: "部门移交",
    },
    CaseCategory: {
        CaseCategory.PUBLIC_ORDER: "社会治安",
        CaseCategory.SAFETY_HAZARD: "安全隐患",
        CaseCategory.DISPUTE: "矛盾纠纷",
        CaseCategory.ENVIRONMENT: "环境卫生",
        CaseCategory.MUNICIPAL: "市政设施",
        CaseCategory.LIVELIHOOD: "民生服务",
        CaseCategory.SPECIAL_GROUP: "特殊人群",
        CaseCategory.OTHER: "其他",
    },
    Urgency: {
        Urgency.NORMAL: "一般",
        Urgency.URGENT: "紧急",
        Urgency.CRITICAL: "特急",
    },
    CaseState: {
        CaseState.REPORTED: "待受理",
        CaseState.FILED: "已立案待派遣",
        CaseState.DISPATCHED: "已派遣待签收",
        CaseState.HANDLING: "处置中",
        CaseState.AWAITING_VERIFICATION: "待核查",
        CaseState.FOLLOW_UP: "待回访",
        CaseState.CLOSED: "已结案",
        CaseState.DECLINED: "不予立案",
        CaseState.SUSPENDED: "挂账",
        CaseState.VOIDED: "已作废",
        CaseState.MERGED: "已并案",
    },
    DeadlineStatus: {
        DeadlineStatus.NONE: "无时限",
        DeadlineStatus.ON_TIME: "正常",
        DeadlineStatus.NEAR_DUE: "临期",
        DeadlineStatus.OVERDUE: "超期",
    },
}


def label_zh(value: Enum | None) -> str:
    """The Chinese name of an enum value ("" for None, the stored value if unknown)."""
    if value is None:
        return ""
    return LABELS_ZH.get(type(value), {}).get(value, str(value.value))
