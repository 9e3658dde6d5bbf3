"""The schema: SQLAlchemy 2 typed ORM classes.

Conventions: times are naive Beijing wall-clock times (the centers' working calendar is local);
geometries are WGS-84 lon/lat stored as WKB with their bounding box beside them, so the map can
select by box without decoding; enumerations are stored as their string values.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from commandcenter.domain.enums import (
    AdminLevel,
    AttachmentKind,
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
    StreamTransport,
    Urgency,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type[StrEnum]) -> Enum:
    # VARCHAR, not a native ENUM type: adding a value later needs no ALTER TYPE on PostgreSQL.
    return Enum(
        cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=False,
        length=32,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class GeometryMixin:
    """A lon/lat geometry as WKB plus its bounding box."""

    boundary_wkb: Mapped[bytes | None] = mapped_column(LargeBinary)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)

    def set_geometry(self, geometry) -> None:
        import shapely

        self.boundary_wkb = shapely.to_wkb(geometry)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geometry.bounds

    @property
    def geometry(self):
        import shapely

        return None if self.boundary_wkb is None else shapely.from_wkb(self.boundary_wkb)


# --- administrative units and centers --------------------------------------------------------


class DivisionCode(Base):
    """One row of the official division-code list (统计用区划代码), imported from NBS files.

    Reference data only: it tells which codes exist. The units a console runs are ``AdminUnit``.
    """

    __tablename__ = "division_codes"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[AdminLevel] = mapped_column(_enum(AdminLevel))
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)


class AdminUnit(GeometryMixin, Base):
    """An administrative unit this installation manages (province … community)."""

    __tablename__ = "admin_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[AdminLevel] = mapped_column(_enum(AdminLevel))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)

    parent: Mapped[AdminUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AdminUnit]] = relationship(back_populates="parent")
    center: Mapped[Center | None] = relationship(back_populates="unit")


class Center(Base):
    """The grid service management center (网格化服务管理中心) of one unit."""

    __tablename__ = "centers"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))

    unit: Mapped[AdminUnit] = relationship(back_populates="center")
    parent: Mapped[Center | None] = relationship(remote_side=[id])


# --- grids -------------------------------------------------------------------------------------

grid_managers = Table(
    "grid_managers",
    Base.metadata,
    Column("grid_id", ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Grid(GeometryMixin, Base):
    __tablename__ = "grids"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(19), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[GridKind] = mapped_column(_enum(GridKind))
    community_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    households: Mapped[int] = mapped_column(Integer, default=0)
    population: Mapped[int] = mapped_column(Integer, default=0)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    centroid_lon: Mapped[float | None] = mapped_column(Float)
    centroid_lat: Mapped[float | None] = mapped_column(Float)

    community: Mapped[AdminUnit] = relationship()
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    managers: Mapped[list[User]] = relationship(secondary=grid_managers)


# --- base data (GB/T 31000 subset) -----------------------------------------------------------


class Building(Base):
    __tablename__ = "buildings"
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    use: Mapped[BuildingUse] = mapped_column(_enum(BuildingUse))
    floors: Mapped[int] = mapped_column(Integer, default=1)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class House(Base):
    __tablename__ = "houses"
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))  # e.g. "2-301"
    use: Mapped[HouseUse] = mapped_column(_enum(HouseUse))
    area_m2: Mapped[float | None] = mapped_column(Float)


class Person(Base):
    __tablename__ = "people"
    # The search's: a name (LIKE) in the actor's grids, ordered by grid and name, read from this
    # index alone (migration 0011); it serves every lookup by grid too.
    __table_args__ = (Index("ix_people_grid_name_house", "grid_id", "name", "house_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    house_id: Mapped[int | None] = mapped_column(ForeignKey("houses.id"), index=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str] = mapped_column(String(1))  # "M" / "F", from the ID number's parity
    birth_date: Mapped[dt.date] = mapped_column(Date)
    household_status: Mapped[HouseholdStatus] = mapped_column(_enum(HouseholdStatus))
    # Special-group tags (SpecialGroup values); few people carry any, so a JSON list is enough.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind))
    credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码
    address: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))


# --- staff --------------------------------------------------------------------------------------


class Department(Base):
    """A functional department (职能部门) cases can be dispatched to, attached to a center."""

    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[DepartmentKind] = mapped_column(_enum(DepartmentKind))
    phone: Mapped[str | None] = mapped_column(String(32))
    # the department it reports to (a police station under its public-security bureau); no cycles
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # the case categories (事项清单) it takes; empty: none assigned yet
    categories: Mapped[list[str] | None] = mapped_column(JSON, default=list)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[Role] = mapped_column(_enum(Role))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    phone: Mapped[str | None] = mapped_column(String(20))
    # argon2id hash; None means the account cannot log in until an administrator sets one.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Set when an administrator gave the password: the user chooses their own at next log-in.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    center: Mapped[Center] = relationship()
    department: Mapped[Department | None] = relationship()


# --- cameras ------------------------------------------------------------------------------------


class Camera(Base):
    __tablename__ = "cameras"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(String(20), unique=True)  # GB/T 28181
    name: Mapped[str] = mapped_column(String(100))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    # URLs without credentials; the video worker adds them from CameraCredential.
    main_url: Mapped[str] = mapped_column(String(500))
    sub_url: Mapped[str | None] = mapped_column(String(500))
    transport: Mapped[StreamTransport] = mapped_column(
        _enum(StreamTransport), default=StreamTransport.TCP
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # A key site (重点部位: a school gate, a hospital, a station): its going offline is an alert.
    key_site: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    grid: Mapped[Grid | None] = relationship()


class CameraCredential(Base):
    """Kept in its own table so listing cameras never loads a password."""

    __tablename__ = "camera_credentials"
    camera_id: Mapped[int] = mapped_column(
        ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(100))
    password: Mapped[str] = mapped_column(String(200))


# --- cases ----------------------------------------------------------------------------------------


# A case is open while its state is not terminal. The case board filters with exactly this
# predicate (queries.open_cases), so it can read the partial index ix_cases_open_board: only the
# open cases, with every column the board shows, by center and deadline.
TERMINAL_STATES_IN_ORDER = tuple(s for s in CaseState if not s.is_open)
OPEN_CASE_PREDICATE = "state NOT IN ({})".format(
    ", ".join(f"'{s.value}'" for s in TERMINAL_STATES_IN_ORDER)
)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_state_deadline", "state", "deadline"),
        Index("ix_cases_grid_state", "grid_id", "state"),
        Index("ix_cases_reported_at", "reported_at"),
        Index("ix_cases_state_closed_at", "state", "closed_at"),  # closed today / this month
        Index(
            "ix_cases_open_board",
            "center_id",
            "deadline",
            "reported_at",
            "state",
            "filed_at",
            "code",
            "title",
            "category",
            "source",
            "urgency",
            "grid_id",
            "lon",
            "lat",
            "holder_center_id",
            "holder_department_id",
            "holder_user_id",
            "resume_state",
            "pending_extension_minutes",
            "paused_since",
            "version",
            sqlite_where=text(OPEN_CASE_PREDICATE),
            postgresql_where=text(OPEN_CASE_PREDICATE),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    source: Mapped[CaseSource] = mapped_column(_enum(CaseSource))
    category: Mapped[CaseCategory] = mapped_column(_enum(CaseCategory))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str | None] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    # The center whose jurisdiction the case is in (the grid's community center, or the center
    # that received it when it has no grid).
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    reporter_name: Mapped[str | None] = mapped_column(String(50))
    reporter_phone: Mapped[str | None] = mapped_column(String(20))
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"))
    case_type_id: Mapped[int | None] = mapped_column(ForeignKey("case_types.id"))  # 事项清单
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.NORMAL)
    state: Mapped[CaseState] = mapped_column(_enum(CaseState), default=CaseState.REPORTED)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    filed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Who holds the case now: a center, and within it a department and/or a person.
    holder_center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"), index=True)
    holder_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    holder_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1..5 from the follow-up call
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # --- workflow bookkeeping, kept on the case so boards and figures need no archive scan ---
    # Where the current handling happens, which picks the time limit: community / street /
    # department (TimeLimitPlace values).
    limit_place: Mapped[str | None] = mapped_column(String(16))
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)  # working minutes
    # Who handled it (kept after the case closes, for the figures of departments and people).
    handling_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    handler_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # last handler's result
    handling_minutes: Mapped[int | None] = mapped_column(Integer)  # working minutes filed→handled
    self_resolved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    extension_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The deadline clock stops while an extension request or a suspension is pending.
    paused_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    pending_extension_minutes: Mapped[int | None] = mapped_column(Integer)
    resume_state: Mapped[CaseState | None] = mapped_column(_enum(CaseState))
    # The MAC of the case's newest archive entry (``entry_hash``), which also holds this row
    # as that step left it (``case_after``): ``audit verify`` compares the two.
    archive_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # The workflow sets the version itself (= number of archive entries); SQLAlchemy still
    # updates only WHERE version matches, which is the optimistic lock.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    grid: Mapped[Grid | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.seq", foreign_keys="CaseEvent.case_id"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="case")


class CaseEvent(Base):
    """One step of a case's electronic archive (电子档案). Append-only: database triggers refuse
    UPDATE of a sealed entry and any DELETE (migration 0013); ``commandcenter.workflow.audit``
    keys, chains and verifies the entries."""

    __tablename__ = "case_events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_case_events_gseq", "gseq", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the case
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[Role | None] = mapped_column(_enum(Role))
    actor_center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"))
    from_state: Mapped[CaseState | None] = mapped_column(_enum(CaseState))
    to_state: Mapped[CaseState | None] = mapped_column(_enum(CaseState))
    comment: Mapped[str] = mapped_column(Text, default="")
    # What the step changed beyond the state (holder, deadline, rating …), for the archive view.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # Tamper evidence: the entry's place in the installation's one chain (all cases), the MAC
    # (HMAC-SHA256 with the archive key, which is not in the database) of the entry before it
    # and of this one. An entry without ``gseq`` was written before the keyed archive and is
    # not sealed yet (its hashes are then the old per-case SHA-256 chain).
    gseq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    # The case row as this step left it (``audit.case_state``); bulk writers (demo, benchmark)
    # and the seal record it on each case's newest entry only.
    case_after: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="events", foreign_keys=[case_id])


class ArchiveHead(Base):
    """The one row saying where the archive's chain ends: every writer locks it, so the chain
    has no forks (``audit.append_entry``)."""

    __tablename__ = "archive_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    gseq: Mapped[int] = mapped_column(BigInteger)
    entry_hash: Mapped[str | None] = mapped_column(String(64))


class ArchiveCheckpoint(Base):
    """A signed statement that the archive's chain had MAC ``entry_hash`` at place ``gseq``
    (Ed25519 with the installation's signing key; ``public_key`` verifies it). Published
    (monthly report, ``audit checkpoint --export``), it holds even against the key holder."""

    __tablename__ = "archive_checkpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    gseq: Mapped[int] = mapped_column(BigInteger)
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    public_key: Mapped[str] = mapped_column(String(64))  # hex
    signature: Mapped[str] = mapped_column(String(128))  # hex
    note: Mapped[str] = mapped_column(String(200), default="")


class SupervisionOrder(Base):
    """A supervision order (督办) on a case: an instruction with its own deadline and a reply."""

    __tablename__ = "supervision_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    issued_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issuing_center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    deadline: Mapped[dt.datetime] = mapped_column(DateTime)
    instruction: Mapped[str] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    replied_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarDay(Base):
    """An exception to the Monday–Friday week: a public holiday on a weekday, or an adjusted
    working day (调休) on a weekend. The calendar is data: it differs every year."""

    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(50), default="")


class TimeLimit(Base):
    """A handling time limit in working days and hours. The most specific rule wins: category
    and urgency given beats one of them given beats the place's default (both empty)."""

    __tablename__ = "time_limits"
    __table_args__ = (UniqueConstraint("place", "category", "urgency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    place: Mapped[str] = mapped_column(String(16))  # community / street / department
    category: Mapped[CaseCategory | None] = mapped_column(_enum(CaseCategory))
    urgency: Mapped[Urgency | None] = mapped_column(_enum(Urgency))
    days: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[int] = mapped_column(Integer, default=0)


class Visit(Base):
    """A grid manager's household visit (民情日志 entry)."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_user_at", "user_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    house_id: Mapped[int | None] = mapped_column(ForeignKey("houses.id"))
    # the resident visited (a special group's due visit), when the visit was for one person
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class Attachment(Base):
    """A photo, camera snapshot or document; the bytes live in the data folder by hash."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"))
    kind: Mapped[AttachmentKind] = mapped_column(_enum(AttachmentKind))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    case: Mapped[Case] = relationship(back_populates="attachments")


class AttachmentContent(Base):
    """The bytes of attachments, once per content (migration 0004 says why in the database)."""

    __tablename__ = "attachment_contents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Setting(Base):
    """Installation settings as key/JSON value (demo seed, calendar version, …)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict | list | str | int | None] = mapped_column(JSON)


class CaseCodeCounter(Base):
    """The last case number given on a day (the code is the day and this number): an upsert on
    this row hands out the next one, so reports made at the same moment by several consoles
    get different numbers, in numeric order past 9999 (``commandcenter.workflow.codes``)."""

    __tablename__ = "case_code_counters"
    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD
    last: Mapped[int] = mapped_column(Integer)


class ChangeLogEntry(Base):
    """One change of something other than a case (cases have their archive): grids, cameras,
    tours, settings. Written in the transaction of the operation that made the change; every
    console follows the entries after the last it has seen (``commandcenter.backend.feed``).
    Old entries can be deleted at any time: a console that has not seen them reloads."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16))  # ChangeKind value
    entity_id: Mapped[int | None] = mapped_column(Integer)


class ServerSession(Base):
    """A log-in at the center's server: only the token's SHA-256 is kept (a copy of this
    table opens no session). Ends when idle too long, when too old, or at log-out."""

    __tablename__ = "server_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    address: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuthEvent(Base):
    """Every log-in, failure, lock-out, log-out and password change at the server: the record
    of who came in, and what the throttling counts."""

    __tablename__ = "auth_events"
    __table_args__ = (
        Index("ix_auth_events_username_at", "username", "at"),
        Index("ix_auth_events_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(24))  # AuthEventKind value
    username: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")


class UsedRequestId(Base):
    """Each write request to the server carries an id of its own; a second request with the same
    id (a replay) is refused. Old ids are deleted as new ones arrive."""

    __tablename__ = "used_request_ids"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class Integration(Base):
    """An outside system that reports cases (the 12345 hotline, a public website) through the
    Open311 endpoint. Its key is kept as a SHA-256 only; its requests run as ``user``, a service
    account whose role and jurisdiction the core checks like anyone's."""

    __tablename__ = "integrations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[CaseSource] = mapped_column(_enum(CaseSource))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExternalRequest(Base):
    """A case an outside system reported: which system (only it reads the request back) and
    under which service code."""

    __tablename__ = "external_requests"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Patrol(Base):
    """A grid manager's round (巡查): from start to end; their phone's positions belong to it."""

    __tablename__ = "patrols"
    __table_args__ = (Index("ix_patrols_user_started", "user_id", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Position(Base):
    """Where a field worker's phone was (WGS-84), at the server's time less the age the phone
    measured: a phone's wrong clock does not move it in time."""

    __tablename__ = "positions"
    __table_args__ = (Index("ix_positions_user_at", "user_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    patrol_id: Mapped[int | None] = mapped_column(ForeignKey("patrols.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)


# --- administration (issue 13) ---------------------------------------------------------------------


class GridContact(Base):
    """A grid's people who are not accounts of the system: the area's police officer (片警) and
    the building heads (楼栋长). Grid managers and the leader are users (``grid_managers``,
    ``Grid.leader_id``)."""

    __tablename__ = "grid_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id", ondelete="CASCADE"), index=True)
    duty: Mapped[str] = mapped_column(String(16))  # GridDuty value: police / building_head
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))


class CaseType(Base):
    """One line of the center's list of matters (事项清单): a subcategory under one of the case
    categories, with its default urgency, its time limit and the kind of department that takes
    it."""

    __tablename__ = "case_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    category: Mapped[CaseCategory] = mapped_column(_enum(CaseCategory))
    name: Mapped[str] = mapped_column(String(60))
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.NORMAL)
    limit_days: Mapped[int | None] = mapped_column(Integer)  # working days; None: the general rule
    limit_hours: Mapped[int | None] = mapped_column(Integer)
    department_kind: Mapped[DepartmentKind | None] = mapped_column(_enum(DepartmentKind))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OperationLogEntry(Base):
    """Who did what, when, and why: log-ins, administrative changes, imports, exports and every
    deliberate view of personal data in clear. Administrators search it; nothing edits it."""

    __tablename__ = "operation_log"
    __table_args__ = (Index("ix_operation_log_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str] = mapped_column(String(50), default="")
    center_id: Mapped[int | None] = mapped_column(ForeignKey("centers.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))  # OperationKind value
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
