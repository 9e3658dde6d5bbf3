"""The camera registry: add, edit, import and export cameras, and test a stream URL first.

Every write checks the whole input and names every problem before anything is stored:

- the device ID is a GB/T 28181 ID of a camera (20 digits, type 131 or 132; its center code
  checked against the division list when one is imported) and no other camera has it;
- the stream URLs are well formed (``cameras.url_problems``). A user name and password typed
  into a URL (``rtsp://admin:pw@host/…``) are split out and stored in ``CameraCredential``,
  the password sealed with the installation's camera key (``cameras.sealing``):
  ``Camera.main_url`` never holds them. A secret in the query string (``?token=…``) stays in
  the URL, shown as ``***`` (``urls.display_url``); an edit that sends ``***`` back keeps it;
- longitude/latitude are WGS-84 degrees inside China, and the point lies in a grid (or at
  least a unit) of the actor's jurisdiction. Without a grid code the grid is found from the
  point and the grid polygons; with one, the point must lie within ``GRID_TOLERANCE_M`` of it.
  The camera belongs to the center of its grid's community (or the nearest unit above it that
  has a center).

Who may write: an **administrator**, inside their jurisdiction. The registry is installation
set-up, like the grid import (also administrator-only): it holds the devices' passwords and
decides which streams the video wall and the map open. A duty officer watches those streams
and files cases from them; letting the people who use the evidence also re-point the cameras
would mix duties that the centers keep apart. Reading the list (``queries.cameras``) and testing
a URL stay open to every role. A write by another role, or on a camera stored outside the
jurisdiction, raises ``PermissionDenied``; a camera *placed* outside the jurisdiction raises
:class:`OutsideJurisdiction`, which is both a ``PermissionDenied`` and a
:class:`CameraRejected` naming the problem.

CSV import and export: ``commandcenter.cameras.csv_io``; testing a URL before saving:
``commandcenter.cameras.url_test``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.cameras import sealing
from commandcenter.cameras.urls import (
    display_url,
    restore_masked_query,
    split_credentials,
    url_problems,
)
from commandcenter.domain.codes import validate_gb28181_id
from commandcenter.domain.enums import AdminLevel, Role, StreamTransport
from commandcenter.errors import CommandCenterError, ImportRejected, PermissionDenied
from commandcenter.geo.divisions import known_division_codes
from commandcenter.keys import keys_of
from commandcenter.storage.models import AdminUnit, Camera, CameraCredential, Center, Grid

__all__ = [
    "CameraImportResult",
    "CameraInput",
    "CameraRejected",
    "OutsideJurisdiction",
    "StoredCamera",
    "UrlVerdict",
    "add_camera",
    "load_camera",
    "update_camera",
    "validate_camera",
]

log = logging.getLogger(__name__)

# Longitude/latitude box around China (WGS-84 degrees): a point outside is a typo or swapped.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
# A camera on a grid's edge may stand just outside it, looking in.
GRID_TOLERANCE_M = 100.0
METRES_PER_DEGREE = 111_320.0
NAME_LENGTH = 100
URL_LENGTH = 500
USERNAME_LENGTH = 100
PASSWORD_LENGTH = 100  # and at most sealing.PASSWORD_BYTES in UTF-8: sealed, it fits 200
CHUNK = 500  # IN (…) lists at most this long

_LEVEL_DEPTH = {level: depth for depth, level in enumerate(AdminLevel)}


class CameraRejected(ImportRejected):
    """A camera was not saved; ``problems`` names every problem of the input."""


class OutsideJurisdiction(CameraRejected, PermissionDenied):
    """A camera would be placed outside the actor's jurisdiction (and maybe more is wrong:
    ``problems`` names everything)."""


@dataclass
class CameraInput:
    """A camera as typed in the form or read from a CSV line.

    ``lon``/``lat`` may be text (checked here); ``grid_code`` None finds the grid from the
    point. ``username``/``password`` may also come inside ``main_url``. On an edit, a blank
    password keeps the stored one and a blank user name the stored user name;
    ``forget_credentials`` removes them. The repr never shows a password or a URL's
    credentials."""

    device_id: str
    name: str
    main_url: str
    lon: float | str | None
    lat: float | str | None
    sub_url: str | None = None
    grid_code: str | None = None
    enabled: bool = True
    key_site: bool = False
    transport: StreamTransport | str | None = StreamTransport.TCP
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    forget_credentials: bool = False

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name, value in (
                ("device_id", self.device_id),
                ("name", self.name),
                ("main_url", display_url(self.main_url or "")),
                ("sub_url", display_url(self.sub_url) if self.sub_url else None),
                ("lon", self.lon),
                ("lat", self.lat),
                ("grid_code", self.grid_code),
                ("enabled", self.enabled),
                ("key_site", self.key_site),
                ("transport", self.transport),
                ("username", self.username),
                ("password", "***" if self.password else None),
            )
        )
        return f"CameraInput({shown})"


@dataclass(frozen=True)
class StoredCamera:
    """A camera as the edit form shows it: never its user name or password, only whether it
    has them."""

    id: int
    data: CameraInput
    has_credentials: bool
    grid_name: str | None = None


@dataclass(frozen=True)
class CameraImportResult:
    path: Path
    rows: int
    inserted: int
    updated: int
    camera_ids: frozenset[int] = frozenset()  # the cameras written (new and updated)

    def summary(self) -> str:
        return (
            f"Imported {self.rows} camera(s) from {self.path.name}: {self.inserted} new, "
            f"{self.updated} updated."
        )


@dataclass(frozen=True)
class UrlVerdict:
    """``verdict`` is "live", "offline", "unauthorised" or "bad_url"; ``detail`` says why in
    English and never contains the password."""

    verdict: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.verdict == "live"


# --- checking -----------------------------------------------------------------------------


@dataclass
class Resolved:
    """A checked input, ready to write."""

    device_id: str
    name: str
    main_url: str
    sub_url: str | None
    lon: float
    lat: float
    grid_id: int | None
    center_id: int
    enabled: bool
    key_site: bool
    transport: StreamTransport
    username: str | None
    password: str | None = field(repr=False)
    forget_credentials: bool


def text_of(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value, what: str, problems: list[str]) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(f"the {what} is missing")
        return None
    if isinstance(value, bool):
        problems.append(f"the {what} {value!r} is not a number")
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        problems.append(f"the {what} {text_of(value)!r} is not a number")
        return None
    if not math.isfinite(number):
        problems.append(f"the {what} {text_of(value)!r} is not a number")
        return None
    return number


def _in_china(lon: float, lat: float) -> bool:
    return CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def _distance_m(geometry, point: Point) -> float:
    """Approximate distance in metres between a small lon/lat geometry and a point."""
    scale = math.cos(math.radians(point.y))

    def squeeze(coords):
        return coords * [scale, 1.0]

    return (
        shapely.transform(geometry, squeeze).distance(shapely.transform(point, squeeze))
        * METRES_PER_DEGREE
    )


class RegistryContext:
    """What checking a batch of inputs needs from the database, read once for all of them."""

    def __init__(self, session: Session, actor: Actor | None, inputs: Sequence[CameraInput]):
        self.session, self.actor = session, actor
        known = known_division_codes(session)
        self.division_lookup = known.__contains__ if known else None
        ids = sorted({text_of(data.device_id) for data in inputs} - {""})
        # device ID → (camera id, name, center id)
        self.cameras: dict[str, tuple[int, str, int]] = {}
        for start in range(0, len(ids), CHUNK):
            rows = session.execute(
                select(Camera.device_id, Camera.id, Camera.name, Camera.center_id).where(
                    Camera.device_id.in_(ids[start : start + CHUNK])
                )
            )
            for device_id, camera_id, name, center_id in rows:
                self.cameras[device_id] = (camera_id, name, center_id)
        codes = sorted({text_of(data.grid_code) for data in inputs} - {""})
        self.grids_by_code: dict[str, Grid] = {}
        for start in range(0, len(codes), CHUNK):
            for grid in session.scalars(
                select(Grid).where(Grid.code.in_(codes[start : start + CHUNK]))
            ):
                self.grids_by_code[grid.code] = grid
        self.units = {unit.id: unit for unit in session.scalars(select(AdminUnit))}
        self.center_of_unit = dict(session.execute(select(Center.unit_id, Center.id)).all())
        self._points = []
        for data in inputs:
            try:
                lon, lat = float(data.lon), float(data.lat)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            if math.isfinite(lon) and math.isfinite(lat) and _in_china(lon, lat):
                self._points.append((lon, lat))
        self._grid_tree = self._unit_tree = None

    def _grids_near(self):
        if self._grid_tree is None:
            grids = []
            if self._points:
                margin = 2 * GRID_TOLERANCE_M / METRES_PER_DEGREE
                lons, lats = zip(*self._points, strict=True)
                grids = [
                    grid
                    for grid in self.session.scalars(
                        select(Grid).where(
                            Grid.boundary_wkb.is_not(None),
                            Grid.min_lon <= max(lons) + margin,
                            Grid.max_lon >= min(lons) - margin,
                            Grid.min_lat <= max(lats) + margin,
                            Grid.max_lat >= min(lats) - margin,
                        )
                    )
                ]
            grids.sort(key=lambda g: g.code)
            self._grids = grids
            self._grid_tree = shapely.STRtree([g.geometry for g in grids])
        return self._grids, self._grid_tree

    def _units_with_boundary(self):
        if self._unit_tree is None:
            units = sorted(
                (u for u in self.units.values() if u.boundary_wkb is not None),
                key=lambda u: (-_LEVEL_DEPTH[u.level], u.code),
            )
            self._units = units
            self._unit_tree = shapely.STRtree([u.geometry for u in units])
        return self._units, self._unit_tree

    def grids_at(self, point: Point) -> list[Grid]:
        grids, tree = self._grids_near()
        return [grids[i] for i in sorted(tree.query(point, predicate="within").tolist())]

    def units_at(self, point: Point) -> list[AdminUnit]:
        """The units whose boundary holds the point, the lowest level first."""
        units, tree = self._units_with_boundary()
        return [units[i] for i in sorted(tree.query(point, predicate="within").tolist())]

    def center_for(self, unit_id: int | None) -> int | None:
        """The center of the unit, or of the nearest unit above it that has one."""
        seen = set()
        while unit_id is not None and unit_id not in seen:
            seen.add(unit_id)
            center = self.center_of_unit.get(unit_id)
            if center is not None:
                return center
            unit = self.units.get(unit_id)
            unit_id = unit.parent_id if unit is not None else None
        return None

    def governs_unit(self, unit_id: int) -> bool:
        return self.actor is None or self.actor.governs_unit(unit_id)

    def unit_label(self, unit_id: int) -> str:
        unit = self.units.get(unit_id)
        return f"{unit.code} {unit.name}" if unit is not None else f"#{unit_id}"


def _check_place(
    ctx: RegistryContext,
    data: CameraInput,
    lon: float | None,
    lat: float | None,
    problems: list[str],
) -> tuple[int | None, int | None, bool]:
    """(grid id, center id, outside the jurisdiction) of a camera, naming what is wrong."""
    outside = False
    grid: Grid | None = None
    unit_id: int | None = None
    point = Point(lon, lat) if lon is not None and lat is not None else None
    code = text_of(data.grid_code)
    if code:
        grid = ctx.grids_by_code.get(code)
        if grid is None:
            problems.append(f"there is no grid {code}")
        elif not ctx.governs_unit(grid.community_id):
            problems.append(
                f"grid {grid.code} {grid.name} is outside your jurisdiction "
                f"(community {ctx.unit_label(grid.community_id)})"
            )
            outside = True
            grid = None
        elif point is not None and grid.boundary_wkb is not None:
            distance = _distance_m(grid.geometry, point)
            if distance > GRID_TOLERANCE_M:
                problems.append(
                    f"the point ({lon:.6f}, {lat:.6f}) is about {distance:,.0f} m outside grid "
                    f"{grid.code} {grid.name}; correct the coordinates or the grid code "
                    "(or leave the grid code empty to find it from the point)"
                )
    elif point is not None:
        found = ctx.grids_at(point)
        ours = [g for g in found if ctx.governs_unit(g.community_id)]
        if ours:
            grid = ours[0]
        elif found:
            other = found[0]
            problems.append(
                f"the point ({lon:.6f}, {lat:.6f}) lies in grid {other.code} {other.name}, "
                "outside your jurisdiction"
            )
            outside = True
        else:
            units = ctx.units_at(point)
            mine = [u for u in units if ctx.governs_unit(u.id)]
            if mine:
                unit_id = mine[0].id
            elif units:
                problems.append(
                    f"the point ({lon:.6f}, {lat:.6f}) lies in {units[0].code} {units[0].name}, "
                    "outside your jurisdiction"
                )
                outside = True
            else:
                problems.append(
                    f"the point ({lon:.6f}, {lat:.6f}) lies in no grid or unit of your "
                    "jurisdiction; check the coordinates (WGS-84, longitude first) or give "
                    "the grid code"
                )
    if grid is not None:
        unit_id = grid.community_id
    if unit_id is None:
        return None, None, outside
    center_id = ctx.center_for(unit_id)
    if center_id is None:
        problems.append(f"no center manages {ctx.unit_label(unit_id)}; set up its center first")
    elif ctx.actor is not None and not ctx.actor.governs_center(center_id):
        problems.append(f"{ctx.unit_label(unit_id)} is run by a center outside your jurisdiction")
        outside = True
    return (grid.id if grid is not None else None), center_id, outside


def _check_credentials(
    data: CameraInput, main: tuple, sub: tuple | None, stored: bool, problems: list[str]
) -> tuple[str | None, str | None]:
    """The user name and password to store (None: keep or none), naming conflicts."""
    _, url_user, url_password = main
    if sub is not None and (sub[1] is not None or sub[2] is not None):
        if url_user is None and url_password is None:
            url_user, url_password = sub[1], sub[2]
        elif (sub[1], sub[2]) != (url_user, url_password):
            problems.append(
                "the sub-stream URL carries other credentials than the main URL; a camera has "
                "one user name and password"
            )
    username = text_of(data.username) or None
    password = data.password if data.password else None
    if url_user and username and url_user != username:
        problems.append("the user name in the URL differs from the user name given")
    if url_password and password and url_password != password:
        problems.append("the password in the URL differs from the password given")
    username = username or url_user or None
    password = password or url_password or None
    if data.forget_credentials and (username or password):
        problems.append("remove the stored credentials or give new ones, not both")
    if password and not username and not stored:
        problems.append("a password is given without a user name")
    if username and len(username) > USERNAME_LENGTH:
        problems.append(f"the user name is longer than {USERNAME_LENGTH} characters")
    if password and (len(password) > PASSWORD_LENGTH or not sealing.fits(password)):
        problems.append(
            f"the password is longer than {PASSWORD_LENGTH} characters "
            f"({sealing.PASSWORD_BYTES} bytes in UTF-8)"
        )
    return username, password


def check_one(
    ctx: RegistryContext, data: CameraInput, camera_id: int | None, stored_credentials: bool = False
) -> tuple[Resolved | None, list[str], bool]:
    """Check one input: (the resolved camera or None, every problem, outside the jurisdiction).

    ``camera_id``: the camera being changed (its own device ID is no duplicate)."""
    problems: list[str] = []
    device_id = text_of(data.device_id)
    if not device_id:
        problems.append("the device ID is missing")
    else:
        found = validate_gb28181_id(device_id, camera=True, lookup=ctx.division_lookup)
        problems += [f"device ID {device_id}: {p}" for p in found]
        other = ctx.cameras.get(device_id)
        if other is not None and other[0] != camera_id:
            problems.append(f"device ID {device_id} is already registered (camera {other[1]})")
    name = text_of(data.name)
    if not name:
        problems.append("the name is missing")
    elif len(name) > NAME_LENGTH:
        problems.append(f"the name is longer than {NAME_LENGTH} characters")

    main = split_credentials(text_of(data.main_url))
    for problem in url_problems(main[0]):
        problems.append(f"main URL: {problem}")
    if len(main[0]) > URL_LENGTH:
        problems.append(f"main URL: longer than {URL_LENGTH} characters")
    sub = None
    if text_of(data.sub_url):
        sub = split_credentials(text_of(data.sub_url))
        for problem in url_problems(sub[0]):
            problems.append(f"sub-stream URL: {problem}")
        if len(sub[0]) > URL_LENGTH:
            problems.append(f"sub-stream URL: longer than {URL_LENGTH} characters")
    username, password = _check_credentials(data, main, sub, stored_credentials, problems)

    transport = data.transport
    if transport is None or (isinstance(transport, str) and not transport.strip()):
        transport = StreamTransport.TCP
    else:
        try:
            transport = StreamTransport(str(transport).strip().lower())
        except ValueError:
            problems.append(f"transport {text_of(transport)!r} is not tcp or udp")
            transport = StreamTransport.TCP

    lon = _number(data.lon, "longitude", problems)
    lat = _number(data.lat, "latitude", problems)
    if lon is not None and lat is not None and not _in_china(lon, lat):
        hint = (
            "; longitude and latitude seem swapped"
            if _in_china(lat, lon)
            else "; give WGS-84 degrees, longitude first"
        )
        problems.append(
            f"the point ({lon:g}, {lat:g}) is outside China (longitude "
            f"{CHINA_LON[0]:g}–{CHINA_LON[1]:g}, latitude {CHINA_LAT[0]:g}–{CHINA_LAT[1]:g}){hint}"
        )
        lon = lat = None
    grid_id, center_id, outside = _check_place(ctx, data, lon, lat, problems)
    if problems or center_id is None or lon is None or lat is None:
        return None, problems, outside
    return (
        Resolved(
            device_id=device_id,
            name=name,
            main_url=main[0],
            sub_url=sub[0] if sub is not None else None,
            lon=lon,
            lat=lat,
            grid_id=grid_id,
            center_id=center_id,
            enabled=bool(data.enabled),
            key_site=bool(data.key_site),
            transport=transport,
            username=username,
            password=password,
            forget_credentials=data.forget_credentials,
        ),
        problems,
        outside,
    )


def require_administrator(actor: Actor, doing: str) -> None:
    if actor.role is not Role.ADMINISTRATOR:
        raise PermissionDenied(f"Only an administrator may {doing}.")


def validate_camera(
    session: Session,
    data: CameraInput,
    *,
    actor: Actor | None = None,
    camera_id: int | None = None,
) -> list[str]:
    """Every problem of ``data``, in the user's words; empty when it can be saved.

    ``actor``: whose jurisdiction the camera must lie in (None: anywhere in the installation).
    ``camera_id``: the camera being edited."""
    stored = camera_id is not None and session.get(CameraCredential, camera_id) is not None
    return check_one(RegistryContext(session, actor, [data]), data, camera_id, stored)[1]


# --- writing ------------------------------------------------------------------------------


def write_camera(session: Session, camera: Camera, resolved: Resolved) -> None:
    """Store a checked camera; its password sealed (``cameras.sealing``). A query-string
    secret sent back as ``***`` (the shown form of a stored URL) keeps its stored value."""
    main_url = resolved.main_url
    sub_url = resolved.sub_url
    if camera.id is not None:
        main_url = restore_masked_query(main_url, camera.main_url)
        if sub_url:
            sub_url = restore_masked_query(sub_url, camera.sub_url or camera.main_url)
    camera.device_id = resolved.device_id
    camera.name = resolved.name
    camera.main_url = main_url
    camera.sub_url = sub_url
    camera.lon, camera.lat = round(resolved.lon, 7), round(resolved.lat, 7)
    camera.grid_id = resolved.grid_id
    camera.center_id = resolved.center_id
    camera.enabled = resolved.enabled
    camera.key_site = resolved.key_site
    camera.transport = resolved.transport
    if camera.id is None:
        session.add(camera)
        session.flush()
    row = session.get(CameraCredential, camera.id)
    if resolved.forget_credentials:
        if row is not None:
            session.delete(row)
    elif row is None:
        if resolved.username:
            row = CameraCredential(camera_id=camera.id, username=resolved.username)
            sealing.store_password(row, resolved.password or "", keys_of(session))
            session.add(row)
    else:
        if resolved.username:
            row.username = resolved.username
        if resolved.password is not None:
            sealing.store_password(row, resolved.password, keys_of(session))
    session.flush()


def _rejected(device_id: str, problems: list[str], outside: bool) -> CameraRejected:
    cls = OutsideJurisdiction if outside else CameraRejected
    what = f"camera {device_id}" if device_id else "the camera"
    return cls(f"{what.capitalize()} was not saved: {len(problems)} problem(s).", problems)


def add_camera(session: Session, actor: Actor, data: CameraInput) -> int:
    """Register a new camera; returns its id. Raises :class:`CameraRejected` naming every
    problem (nothing written), ``PermissionDenied`` for any role but administrator."""
    require_administrator(actor, "add cameras")
    resolved, problems, outside = check_one(RegistryContext(session, actor, [data]), data, None)
    if problems or resolved is None:
        raise _rejected(text_of(data.device_id), problems, outside)
    camera = Camera()
    write_camera(session, camera, resolved)
    log.info("camera %s added by %s", camera.device_id, actor.username)
    return camera.id


def _camera_in_jurisdiction(session: Session, actor: Actor, camera_id: int) -> Camera:
    camera = session.get(Camera, camera_id)
    if camera is None:
        raise CommandCenterError(f"There is no camera #{camera_id}.")
    if not actor.governs_center(camera.center_id):
        raise PermissionDenied(f"Camera {camera.device_id} is outside your jurisdiction.")
    return camera


def update_camera(session: Session, actor: Actor, camera_id: int, data: CameraInput) -> None:
    """Change a camera. A blank password keeps the stored one (a blank user name too);
    ``data.forget_credentials`` removes them. Raises as :func:`add_camera`, and
    ``PermissionDenied`` for a camera stored outside the actor's jurisdiction."""
    require_administrator(actor, "change cameras")
    camera = _camera_in_jurisdiction(session, actor, camera_id)
    stored = session.get(CameraCredential, camera_id) is not None
    resolved, problems, outside = check_one(
        RegistryContext(session, actor, [data]), data, camera_id, stored
    )
    if problems or resolved is None:
        raise _rejected(text_of(data.device_id), problems, outside)
    write_camera(session, camera, resolved)
    log.info("camera %s changed by %s", camera.device_id, actor.username)


def load_camera(session: Session, actor: Actor, camera_id: int) -> StoredCamera:
    """A camera for the edit form (administrators only): everything but the credentials."""
    require_administrator(actor, "change cameras")
    camera = _camera_in_jurisdiction(session, actor, camera_id)
    grid = session.get(Grid, camera.grid_id) if camera.grid_id is not None else None
    return StoredCamera(
        id=camera.id,
        data=CameraInput(
            device_id=camera.device_id,
            name=camera.name,
            main_url=display_url(camera.main_url),
            sub_url=display_url(camera.sub_url) if camera.sub_url else None,
            lon=camera.lon,
            lat=camera.lat,
            grid_code=grid.code if grid is not None else None,
            enabled=camera.enabled,
            key_site=camera.key_site,
            transport=camera.transport,
        ),
        has_credentials=session.get(CameraCredential, camera.id) is not None,
        grid_name=grid.name if grid is not None else None,
    )
