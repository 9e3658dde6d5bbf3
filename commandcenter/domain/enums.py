"""Enumerations of the domain. Values are stable identifiers stored in the database;
the console translates them for display (see ``ui/common/labels.py``)."""

from enum import StrEnum


class AdminLevel(StrEnum):
    """Five levels of administrative units and of their centers (GB/T 34300 §1)."""

    PROVINCE = "province"  # 省
    CITY = "city"  # 市
    COUNTY = "county"  # 县/区
    TOWNSHIP = "township"  # 乡镇/街道
    COMMUNITY = "community"  # 社区/村

    @property
    def depth(self) -> int:
        return list(AdminLevel).index(self)


class GridKind(StrEnum):
    """The attribute digits of a grid code: 01 urban, 02 rural, 03 dedicated (专属网格)."""

    URBAN = "urban"
    RURAL = "rural"
    DEDICATED = "dedicated"

    @property
    def attribute_code(self) -> str:
        return {"urban": "01", "rural": "02", "dedicated": "03"}[self.value]

    @classmethod
    def from_attribute_code(cls, code: str) -> "GridKind":
        for kind in cls:
            if kind.attribute_code == code:
                return kind
        raise ValueError(f"unknown grid attribute {code!r}")


class Role(StrEnum):
    GRID_MANAGER = "grid_manager"  # 网格员
    GRID_LEADER = "grid_leader"  # 网格长
    DUTY_OFFICER = "duty_officer"  # 值班员
    DISPATCHER = "dispatcher"  # 派遣员
    SUPERVISOR = "supervisor"  # 督办/领导
    DEPARTMENT_HANDLER = "department_handler"  # 职能部门处置人员
    ADMINISTRATOR = "administrator"  # 系统管理员
    # 大屏展示账号: the video wall's display account of a center. It reads what the center's
    # jurisdiction covers and changes nothing (``access.accounts.READ_ONLY_ROLES``).
    DISPLAY = "display"


class HouseholdStatus(StrEnum):
    REGISTERED = "registered"  # 户籍
    FLOATING = "floating"  # 流动


class SpecialGroup(StrEnum):
    """Special groups (特殊人群) and people needing care, as tags on a person."""

    COMMUNITY_CORRECTION = "community_correction"  # 社区矫正
    RELEASED_PRISONER = "released_prisoner"  # 刑满释放
    DRUG_USER = "drug_user"  # 吸毒人员
    MENTAL_DISORDER = "mental_disorder"  # 严重精神障碍
    KEY_PETITIONER = "key_petitioner"  # 重点信访
    AT_RISK_YOUTH = "at_risk_youth"  # 重点青少年
    ELDERLY_ALONE = "elderly_alone"  # 独居老人
    LEFT_BEHIND = "left_behind"  # 留守人员
    DISABLED = "disabled"  # 残疾人


class BuildingUse(StrEnum):
    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    MIXED = "mixed"
    PUBLIC = "public"  # schools, hospitals, offices
    INDUSTRIAL = "industrial"


class HouseUse(StrEnum):
    OWNER_OCCUPIED = "owner_occupied"  # 自住
    RENTAL = "rental"  # 出租房
    VACANT = "vacant"  # 空置
    BUSINESS = "business"  # 经营


class OrganisationKind(StrEnum):
    ENTERPRISE = "enterprise"  # 企业
    SOCIAL = "social"  # 社会组织
    NON_PUBLIC = "non_public"  # 非公有制经济组织
    PUBLIC_INSTITUTION = "public_institution"  # 机关事业单位


class DepartmentKind(StrEnum):
    PUBLIC_SECURITY = "public_security"  # 公安
    URBAN_MANAGEMENT = "urban_management"  # 城管
    MARKET_SUPERVISION = "market_supervision"  # 市场监管
    EMERGENCY = "emergency"  # 应急管理
    HEALTH = "health"  # 卫生健康
    CIVIL_AFFAIRS = "civil_affairs"  # 民政
    HOUSING = "housing"  # 住建
    ENVIRONMENT = "environment"  # 生态环境
    OTHER = "other"


class CameraType(StrEnum):
    """The type digits of a GB/T 28181 device ID that a video wall can show."""

    CAMERA = "131"
    NETWORK_CAMERA = "132"


class StreamTransport(StrEnum):
    TCP = "tcp"
    UDP = "udp"


class CaseSource(StrEnum):
    GRID_PATROL = "grid_patrol"  # 网格员巡查
    RESIDENT = "resident"  # 群众来访来电
    HOTLINE_12345 = "hotline_12345"  # 12345 热线
    VIDEO_PATROL = "video_patrol"  # 视频巡查
    UPPER_CENTER = "upper_center"  # 上级交办
    DEPARTMENT = "department"  # 部门移交


class CaseCategory(StrEnum):
    PUBLIC_ORDER = "public_order"  # 治安
    SAFETY_HAZARD = "safety_hazard"  # 安全隐患
    DISPUTE = "dispute"  # 矛盾纠纷
    ENVIRONMENT = "environment"  # 环境卫生
    MUNICIPAL = "municipal"  # 市政设施
    LIVELIHOOD = "livelihood"  # 民生服务
    SPECIAL_GROUP = "special_group"  # 特殊人群
    OTHER = "other"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"


class CaseState(StrEnum):
    """Stages of the closed loop (GB/T 34300 §6.4, GB/T 30428 seven steps)."""

    REPORTED = "reported"  # 待受理
    FILED = "filed"  # 已立案, 待派遣
    DISPATCHED = "dispatched"  # 已派遣, 待签收
    HANDLING = "handling"  # 处置中
    AWAITING_VERIFICATION = "awaiting_verification"  # 待核查
    FOLLOW_UP = "follow_up"  # 待回访
    CLOSED = "closed"  # 已结案
    DECLINED = "declined"  # 不予立案
    SUSPENDED = "suspended"  # 挂账
    VOIDED = "voided"  # 作废
    MERGED = "merged"  # 并案

    @property
    def is_open(self) -> bool:
        return self not in TERMINAL_STATES


TERMINAL_STATES = frozenset(
    {CaseState.CLOSED, CaseState.DECLINED, CaseState.VOIDED, CaseState.MERGED}
)
OPEN_STATES = tuple(s for s in CaseState if s not in TERMINAL_STATES)


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    SNAPSHOT = "snapshot"
    DOCUMENT = "document"
    VIDEO = "video"  # a clip recorded from a camera (MP4 or Matroska, the camera's own coding)


class DeadlineStatus(StrEnum):
    """A case's deadline as judged now (``commandcenter.schedule.deadlines`` judges it)."""

    NONE = "none"  # no deadline (not filed yet, or closed)
    ON_TIME = "on_time"
    NEAR_DUE = "near_due"
    OVERDUE = "overdue"
