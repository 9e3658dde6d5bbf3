"""Display names of the core's enumerations, translated with ``QCoreApplication.translate``.

Tables hold the English source text (marked for lupdate with QT_TRANSLATE_NOOP); the lookup
functions translate at call time, so the installed language always applies.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from commandcenter.access.oplog import OperationKind
from commandcenter.cases.board import Stage
from commandcenter.domain.enums import (
    AdminLevel,
    BuildingUse,
    CaseCategory,
    CaseSource,
    CaseState,
    DepartmentKind,
    GridKind,
    HouseholdStatus,
    HouseUse,
    OrganisationKind,
    Role,
    SpecialGroup,
    Urgency,
)
from commandcenter.schedule.deadlines import DeadlineStatus
from commandcenter.workflow.rules import Action

CONTEXT = "Labels"

_TABLES: dict[type[Enum], dict[Enum, str]] = {
    Role: {
        Role.GRID_MANAGER: QT_TRANSLATE_NOOP("Labels", "Grid manager"),
        Role.GRID_LEADER: QT_TRANSLATE_NOOP("Labels", "Grid leader"),
        Role.DUTY_OFFICER: QT_TRANSLATE_NOOP("Labels", "Duty officer"),
        Role.DISPATCHER: QT_TRANSLATE_NOOP("Labels", "Dispatcher"),
        Role.SUPERVISOR: QT_TRANSLATE_NOOP("Labels", "Supervisor"),
        Role.DEPARTMENT_HANDLER: QT_TRANSLATE_NOOP("Labels", "Department handler"),
        Role.ADMINISTRATOR: QT_TRANSLATE_NOOP("Labels", "Administrator"),
        Role.DISPLAY: QT_TRANSLATE_NOOP("Labels", "Display account"),
    },
    AdminLevel: {
        AdminLevel.PROVINCE: QT_TRANSLATE_NOOP("Labels", "Province"),
        AdminLevel.CITY: QT_TRANSLATE_NOOP("Labels", "City"),
        AdminLevel.COUNTY: QT_TRANSLATE_NOOP("Labels", "County / district"),
        AdminLevel.TOWNSHIP: QT_TRANSLATE_NOOP("Labels", "Street / township"),
        AdminLevel.COMMUNITY: QT_TRANSLATE_NOOP("Labels", "Community / village"),
    },
    GridKind: {
        GridKind.URBAN: QT_TRANSLATE_NOOP("Labels", "Urban grid"),
        GridKind.RURAL: QT_TRANSLATE_NOOP("Labels", "Rural grid"),
        GridKind.DEDICATED: QT_TRANSLATE_NOOP("Labels", "Dedicated grid"),
    },
    CaseSource: {
        CaseSource.GRID_PATROL: QT_TRANSLATE_NOOP("Labels", "Grid patrol"),
        CaseSource.RESIDENT: QT_TRANSLATE_NOOP("Labels", "Resident visit or call"),
        CaseSource.HOTLINE_12345: QT_TRANSLATE_NOOP("Labels", "12345 hotline"),
        CaseSource.VIDEO_PATROL: QT_TRANSLATE_NOOP("Labels", "Video patrol"),
        CaseSource.UPPER_CENTER: QT_TRANSLATE_NOOP("Labels", "Assigned by upper center"),
        CaseSource.DEPARTMENT: QT_TRANSLATE_NOOP("Labels", "Handed over by a department"),
    },
    CaseCategory: {
        CaseCategory.PUBLIC_ORDER: QT_TRANSLATE_NOOP("Labels", "Public order"),
        CaseCategory.SAFETY_HAZARD: QT_TRANSLATE_NOOP("Labels", "Safety hazard"),
        CaseCategory.DISPUTE: QT_TRANSLATE_NOOP("Labels", "Dispute"),
        CaseCategory.ENVIRONMENT: QT_TRANSLATE_NOOP("Labels", "Environment and sanitation"),
        CaseCategory.MUNICIPAL: QT_TRANSLATE_NOOP("Labels", "Municipal facilities"),
        CaseCategory.LIVELIHOOD: QT_TRANSLATE_NOOP("Labels", "Livelihood services"),
        CaseCategory.SPECIAL_GROUP: QT_TRANSLATE_NOOP("Labels", "Special groups"),
        CaseCategory.OTHER: QT_TRANSLATE_NOOP("Labels", "Other"),
    },
    Urgency: {
        Urgency.NORMAL: QT_TRANSLATE_NOOP("Labels", "Normal"),
        Urgency.URGENT: QT_TRANSLATE_NOOP("Labels", "Urgent"),
        Urgency.CRITICAL: QT_TRANSLATE_NOOP("Labels", "Critical"),
    },
    CaseState: {
        CaseState.REPORTED: QT_TRANSLATE_NOOP("Labels", "Awaiting filing"),
        CaseState.FILED: QT_TRANSLATE_NOOP("Labels", "Filed, awaiting dispatch"),
        CaseState.DISPATCHED: QT_TRANSLATE_NOOP("Labels", "Dispatched, awaiting sign-off"),
        CaseState.HANDLING: QT_TRANSLATE_NOOP("Labels", "Being handled"),
        CaseState.AWAITING_VERIFICATION: QT_TRANSLATE_NOOP("Labels", "Awaiting verification"),
        CaseState.FOLLOW_UP: QT_TRANSLATE_NOOP("Labels", "Awaiting call-back"),
        CaseState.CLOSED: QT_TRANSLATE_NOOP("Labels", "Closed"),
        CaseState.DECLINED: QT_TRANSLATE_NOOP("Labels", "Not filed"),
        CaseState.SUSPENDED: QT_TRANSLATE_NOOP("Labels", "Suspended"),
        CaseState.VOIDED: QT_TRANSLATE_NOOP("Labels", "Voided"),
        CaseState.MERGED: QT_TRANSLATE_NOOP("Labels", "Merged"),
    },
    Action: {
        Action.REPORT: QT_TRANSLATE_NOOP("Labels", "Report"),
        Action.FILE: QT_TRANSLATE_NOOP("Labels", "File"),
        Action.DECLINE: QT_TRANSLATE_NOOP("Labels", "Decline"),
        Action.SELF_RESOLVE: QT_TRANSLATE_NOOP("Labels", "Resolved on the spot"),
        Action.DISPATCH: QT_TRANSLATE_NOOP("Labels", "Dispatch"),
        Action.ESCALATE: QT_TRANSLATE_NOOP("Labels", "Escalate"),
        Action.ACCEPT: QT_TRANSLATE_NOOP("Labels", "Sign for it"),
        Action.RETURN: QT_TRANSLATE_NOOP("Labels", "Send back"),
        Action.REPORT_RESULT: QT_TRANSLATE_NOOP("Labels", "Report the result"),
        Action.VERIFY: QT_TRANSLATE_NOOP("Labels", "Verify"),
        Action.FOLLOW_UP: QT_TRANSLATE_NOOP("Labels", "Call back and rate"),
        Action.REQUEST_EXTENSION: QT_TRANSLATE_NOOP("Labels", "Request more time"),
        Action.DECIDE_EXTENSION: QT_TRANSLATE_NOOP("Labels", "Decide on more time"),
        Action.SUSPEND: QT_TRANSLATE_NOOP("Labels", "Suspend"),
        Action.RESUME: QT_TRANSLATE_NOOP("Labels", "Resume"),
        Action.VOID: QT_TRANSLATE_NOOP("Labels", "Void"),
        Action.SUPERVISE: QT_TRANSLATE_NOOP("Labels", "Supervise"),
        Action.REPLY_SUPERVISION: QT_TRANSLATE_NOOP("Labels", "Reply to supervision"),
        Action.URGE: QT_TRANSLATE_NOOP("Labels", "Urge"),
        Action.REOPEN: QT_TRANSLATE_NOOP("Labels", "Reopen"),
        Action.MERGE: QT_TRANSLATE_NOOP("Labels", "Merge into another case"),
        Action.ATTACH: QT_TRANSLATE_NOOP("Labels", "Add photos or documents"),
    },
    DepartmentKind: {
        DepartmentKind.PUBLIC_SECURITY: QT_TRANSLATE_NOOP("Labels", "Public security"),
        DepartmentKind.URBAN_MANAGEMENT: QT_TRANSLATE_NOOP("Labels", "Urban management"),
        DepartmentKind.MARKET_SUPERVISION: QT_TRANSLATE_NOOP("Labels", "Market supervision"),
        DepartmentKind.EMERGENCY: QT_TRANSLATE_NOOP("Labels", "Emergency management"),
        DepartmentKind.HEALTH: QT_TRANSLATE_NOOP("Labels", "Health"),
        DepartmentKind.CIVIL_AFFAIRS: QT_TRANSLATE_NOOP("Labels", "Civil affairs"),
        DepartmentKind.HOUSING: QT_TRANSLATE_NOOP("Labels", "Housing and construction"),
        DepartmentKind.ENVIRONMENT: QT_TRANSLATE_NOOP("Labels", "Ecology and environment"),
        DepartmentKind.OTHER: QT_TRANSLATE_NOOP("Labels", "Other department"),
    },
    HouseholdStatus: {
        HouseholdStatus.REGISTERED: QT_TRANSLATE_NOOP("Labels", "Registered"),
        HouseholdStatus.FLOATING: QT_TRANSLATE_NOOP("Labels", "Floating"),
    },
    SpecialGroup: {
        SpecialGroup.COMMUNITY_CORRECTION: QT_TRANSLATE_NOOP("Labels", "Community correction"),
        SpecialGroup.RELEASED_PRISONER: QT_TRANSLATE_NOOP("Labels", "Released prisoner"),
        SpecialGroup.DRUG_USER: QT_TRANSLATE_NOOP("Labels", "Drug user"),
        SpecialGroup.MENTAL_DISORDER: QT_TRANSLATE_NOOP("Labels", "Severe mental disorder"),
        SpecialGroup.KEY_PETITIONER: QT_TRANSLATE_NOOP("Labels", "Key petitioner"),
        SpecialGroup.AT_RISK_YOUTH: QT_TRANSLATE_NOOP("Labels", "At-risk youth"),
        SpecialGroup.ELDERLY_ALONE: QT_TRANSLATE_NOOP("Labels", "Elderly living alone"),
        SpecialGroup.LEFT_BEHIND: QT_TRANSLATE_NOOP("Labels", "Left behind"),
        SpecialGroup.DISABLED: QT_TRANSLATE_NOOP("Labels", "Disabled"),
    },
    BuildingUse: {
        BuildingUse.RESIDENTIAL: QT_TRANSLATE_NOOP("Labels", "Residential"),
        BuildingUse.COMMERCIAL: QT_TRANSLATE_NOOP("Labels", "Commercial"),
        BuildingUse.MIXED: QT_TRANSLATE_NOOP("Labels", "Mixed use"),
        BuildingUse.PUBLIC: QT_TRANSLATE_NOOP("Labels", "Public"),
        BuildingUse.INDUSTRIAL: QT_TRANSLATE_NOOP("Labels", "Industrial"),
    },
    HouseUse: {
        HouseUse.OWNER_OCCUPIED: QT_TRANSLATE_NOOP("Labels", "Owner-occupied"),
        HouseUse.RENTAL: QT_TRANSLATE_NOOP("Labels", "Rented out"),
        HouseUse.VACANT: QT_TRANSLATE_NOOP("Labels", "Vacant"),
        HouseUse.BUSINESS: QT_TRANSLATE_NOOP("Labels", "Business"),
    },
    OrganisationKind: {
        OrganisationKind.ENTERPRISE: QT_TRANSLATE_NOOP("Labels", "Enterprise"),
        OrganisationKind.SOCIAL: QT_TRANSLATE_NOOP("Labels", "Social organisation"),
        OrganisationKind.NON_PUBLIC: QT_TRANSLATE_NOOP(
            "Labels", "Non-public economic organisation"
        ),
        OrganisationKind.PUBLIC_INSTITUTION: QT_TRANSLATE_NOOP("Labels", "Public institution"),
    },
    OperationKind: {
        OperationKind.LOGIN: QT_TRANSLATE_NOOP("Labels", "Log-in"),
        OperationKind.ADMIN: QT_TRANSLATE_NOOP("Labels", "Administration"),
        OperationKind.IMPORT: QT_TRANSLATE_NOOP("Labels", "Import"),
        OperationKind.EXPORT: QT_TRANSLATE_NOOP("Labels", "Export"),
        OperationKind.CLEAR_VIEW: QT_TRANSLATE_NOOP("Labels", "Personal data in clear"),
        OperationKind.BASE_DATA: QT_TRANSLATE_NOOP("Labels", "Base data edited"),
    },
    # the case board's columns (a stage: where a case waits, as the board groups them)
    Stage: {
        Stage.REPORTED: QT_TRANSLATE_NOOP("Labels", "Reported"),
        Stage.FILED: QT_TRANSLATE_NOOP("Labels", "Filed"),
        Stage.DISPATCHED: QT_TRANSLATE_NOOP("Labels", "Dispatched"),
        Stage.HANDLING: QT_TRANSLATE_NOOP("Labels", "Handling"),
        Stage.AWAITING_VERIFICATION: QT_TRANSLATE_NOOP("Labels", "Awaiting verification"),
        Stage.FOLLOW_UP: QT_TRANSLATE_NOOP("Labels", "Call-back"),
        Stage.CLOSED_TODAY: QT_TRANSLATE_NOOP("Labels", "Closed today"),
    },
    DeadlineStatus: {
        DeadlineStatus.NONE: QT_TRANSLATE_NOOP("Labels", "No deadline"),
        DeadlineStatus.ON_TIME: QT_TRANSLATE_NOOP("Labels", "On time"),
        DeadlineStatus.NEAR_DUE: QT_TRANSLATE_NOOP("Labels", "Near due"),
        DeadlineStatus.OVERDUE: QT_TRANSLATE_NOOP("Labels", "Overdue"),
    },
}


def label(value: Enum | None) -> str:
    """The translated display name of an enum value ("" for None, the raw value if unknown)."""
    if value is None:
        return ""
    source = _TABLES.get(type(value), {}).get(value)
    if source is None:
        return str(value.value)
    return QCoreApplication.translate(CONTEXT, source)


# --- numbers, times and durations ------------------------------------------------------------


def format_datetime(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """2026-11-26 14:05 (24 h), the way the centers write times."""
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_duration(delta: dt.timedelta) -> str:
    """A rounded, readable length of time: 2 d 3 h, 5 h 20 min, 12 min."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return (
            QCoreApplication.translate("Labels", "%1 d %2 h")
            .replace("%1", str(days))
            .replace("%2", str(hours))
        )
    if hours:
        return (
            QCoreApplication.translate("Labels", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", str(mins))
        )
    return QCoreApplication.translate("Labels", "%1 min").replace("%1", str(mins))


def time_left_text(status: DeadlineStatus, deadline: dt.datetime | None, now: dt.datetime) -> str:
    """The countdown with a word in front, so the state never rests on colour alone."""
    if deadline is None:
        return QCoreApplication.translate("Labels", "— no deadline")
    if status is DeadlineStatus.OVERDUE:
        return QCoreApplication.translate("Labels", "▲ OVERDUE by %1").replace(
            "%1", format_duration(now - deadline)
        )
    if status is DeadlineStatus.NEAR_DUE:
        return QCoreApplication.translate("Labels", "● Near due, %1 left").replace(
            "%1", format_duration(deadline - now)
        )
    return QCoreApplication.translate("Labels", "%1 left").replace(
        "%1", format_duration(deadline - now)
    )


def format_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"
