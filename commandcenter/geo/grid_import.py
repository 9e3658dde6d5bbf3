"""Import of grid boundaries from a GeoJSON FeatureCollection, all or nothing.

Each feature is one grid: a Polygon (or a MultiPolygon of one part) with the properties
``code`` (the 19-digit grid code), ``name``, optionally ``kind`` (urban / rural / dedicated;
otherwise read from the code's attribute digits), ``households`` and ``population``.

Everything is checked before anything is written: the file is JSON and a FeatureCollection;
each geometry is a valid polygon (shapely's reason, e.g. a self-intersection, goes into the
report); each code is present, well formed and belongs to a community this installation
manages; no code appears twice in the file or already exists (unless ``replace``); grids do
not overlap each other or the remaining grids of their community beyond a small tolerance;
and no grid lies more than 1 % outside its community's boundary. One problem anywhere raises
:class:`ImportRejected` listing every problem with its feature number and code, and nothing
is written. Files in GCJ-02 (most Chinese sources) are converted to WGS-84 when asked.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.domain.codes import GridCodeParts, validate_grid_code
from commandcenter.domain.enums import AdminLevel, GridKind
from commandcenter.errors import ImportRejected
from commandcenter.geo.gcj02 import gcj02_to_wgs84_array, transform_geometry
from commandcenter.storage.models import AdminUnit, Grid

__all__ = ["ImportResult", "import_grids", "OUTSIDE_SHARE", "OVERLAP_TOLERANCE_M2"]

ENCODINGS = ("utf-8-sig", "gb18030")
# Two grids may share a boundary drawn a little differently: an overlap counts only when it is
# larger than both of these (square metres, and share of the smaller grid).
OVERLAP_TOLERANCE_M2 = 10.0
OVERLAP_TOLERANCE_SHARE = 0.001
# A grid may stick out of its community by digitising noise, not by more than this share.
OUTSIDE_SHARE = 0.01
METRES_PER_DEGREE = 111_320.0  # along a meridian; good enough to judge tolerances
KIND_NAMES = ", ".join(k.value for k in GridKind)


@dataclass(frozen=True)
class ImportResult:
    path: Path
    features: int
    inserted: int
    replaced: int
    communities: int
    gcj02: bool

    def summary(self) -> str:
        converted = " (converted from GCJ-02 to WGS-84)" if self.gcj02 else ""
        return (
            f"Imported {self.features} grid(s) from {self.path.name}{converted}: "
            f"{self.inserted} new, {self.replaced} replaced, in {self.communities} community(ies)."
        )


@dataclass
class _Feature:
    index: int  # 1-based, as the report counts
    code: str | None = None
    name: str | None = None
    kind: GridKind | None = None
    households: int | None = None
    population: int | None = None
    geometry: Polygon | None = None  # WGS-84, valid
    community: AdminUnit | None = None
    code_ok: bool = False  # well formed, so its parts can be read
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"feature {self.index}" + (f" ({self.code})" if self.code else "")


def _area_m2(geometry) -> float:
    """Approximate area in square metres of a small lon/lat geometry."""
    if geometry.is_empty:
        return 0.0
    lat = geometry.centroid.y
    return geometry.area * METRES_PER_DEGREE**2 * math.cos(math.radians(lat))


def _read_collection(path: Path) -> list:
    """The list of features, or ImportRejected with one clear line about the file."""

    def reject(reason: str) -> ImportRejected:
        return ImportRejected(f"The grid file was not imported: {reason}; nothing changed.", [])

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise reject(f"cannot read {path}: {exc.strerror or exc}") from None
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise reject(f"{path.name} is neither UTF-8 nor GB18030 text")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise reject(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        found = document.get("type") if isinstance(document, dict) else type(document).__name__
        raise reject(
            f"{path.name} is not a GeoJSON FeatureCollection (its type is {found!r}); "
            "save the grid layer as a FeatureCollection of polygons"
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise reject(f"{path.name} has no list of features")
    if not features:
        raise reject(f"{path.name} holds no features")
    return features


def _count(value, what: str, item: _Feature) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        item.problems.append(f"{item.where}: {what} {value!r} is not a number")
        return None
    try:
        number = float(value)
    except ValueError:
        item.problems.append(f"{item.where}: {what} {value!r} is not a number")
        return None
    if not number.is_integer() or number < 0:
        item.problems.append(f"{item.where}: {what} {value!r} is not a whole number ≥ 0")
        return None
    return int(number)


def _parse_feature(index: int, raw, gcj02: bool) -> _Feature:
    item = _Feature(index)
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        item.problems.append(f"{item.where}: not a GeoJSON Feature")
        return item
    properties = raw.get("properties") or {}
    if not isinstance(properties, dict):
        item.problems.append(f"{item.where}: properties are not an object")
        properties = {}

    code = properties.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if code is None or (isinstance(code, str) and not code.strip()):
        item.problems.append(f"{item.where}: has no grid code (property 'code')")
    elif not isinstance(code, str):
        item.problems.append(f"{item.where}: code {code!r} is not a 19-digit text")
    else:
        item.code = code.strip()

    name = properties.get("name")
    if not isinstance(name, str) or not name.strip():
        item.problems.append(f"{item.where}: has no name (property 'name')")
    else:
        item.name = name.strip()

    kind = properties.get("kind")
    if kind is not None:
        try:
            item.kind = GridKind(str(kind).strip().lower())
        except ValueError:
            item.problems.append(f"{item.where}: kind {kind!r} is not one of {KIND_NAMES}")
    item.households = _count(properties.get("households"), "households", item)
    item.population = _count(properties.get("population"), "population", item)

    geometry = raw.get("geometry")
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in ("Polygon", "MultiPolygon"):
        item.problems.append(
            f"{item.where}: geometry is {gtype or 'missing'}; a grid must be a Polygon"
        )
        return item
    try:
        polygon = shape(geometry)
    except Exception as exc:  # shapely raises several kinds on malformed coordinates
        item.problems.append(f"{item.where}: malformed {gtype} coordinates ({exc})")
        return item
    if isinstance(polygon, MultiPolygon):
        if len(polygon.geoms) != 1:
            item.problems.append(
                f"{item.where}: MultiPolygon of {len(polygon.geoms)} parts; a grid must be "
                "one connected polygon"
            )
            return item
        polygon = polygon.geoms[0]
    if polygon.is_empty:
        item.problems.append(f"{item.where}: the polygon is empty")
        return item
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        item.problems.append(
            f"{item.where}: coordinates are not longitude/latitude degrees "
            f"({min_lon:g}, {min_lat:g} …); export the file in WGS-84 or GCJ-02"
        )
        return item
    if gcj02:
        polygon = transform_geometry(polygon, gcj02_to_wgs84_array)
    reason = shapely.is_valid_reason(polygon)
    if reason != "Valid Geometry":
        item.problems.append(f"{item.where}: invalid polygon: {reason}")
        return item
    item.geometry = polygon
    return item


def _check_codes(items: list[_Feature], session: Session, replace: bool) -> dict[str, Grid]:
    """Code, community, duplicates and existing grids; returns the existing grids by code."""
    wanted = set()
    for item in items:
        if item.code is None:
            continue
        problems = validate_grid_code(item.code, kind=item.kind)
        if problems:
            item.problems.append(f"{item.where}: invalid code: " + "; ".join(map(str, problems)))
            item.code = item.code if len(item.code) <= 30 else item.code[:30] + "…"
            continue
        item.code_ok = True
        wanted.add(GridCodeParts.split(item.code).community_division_code)
    units = {
        u.code: u for u in session.scalars(select(AdminUnit).where(AdminUnit.code.in_(wanted)))
    }
    seen: dict[str, _Feature] = {}
    for item in items:
        if not item.code_ok:
            continue
        community_code = GridCodeParts.split(item.code).community_division_code
        unit = units.get(community_code)
        if unit is None:
            item.problems.append(
                f"{item.where}: community {community_code} (from the code) is not a unit "
                "of this installation"
            )
        elif unit.level != AdminLevel.COMMUNITY:
            item.problems.append(
                f"{item.where}: unit {community_code} {unit.name} is a {unit.level.value}, "
                "not a community"
            )
        else:
            item.community = unit
            if item.kind is None:
                item.kind = GridKind.from_attribute_code(GridCodeParts.split(item.code).attribute)
        earlier = seen.get(item.code)
        if earlier is not None:
            item.problems.append(
                f"{item.where}: duplicate code, feature {earlier.index} has it too"
            )
        else:
            seen[item.code] = item
    existing: dict[str, Grid] = {}
    codes = list(seen)
    for start in range(0, len(codes), 1000):
        chunk = codes[start : start + 1000]
        for grid in session.scalars(select(Grid).where(Grid.code.in_(chunk))):
            existing[grid.code] = grid
    if not replace:
        for code, grid in existing.items():
            item = seen[code]
            item.problems.append(
                f"{item.where}: grid {code} {grid.name} already exists; "
                "import with replace (--replace) to overwrite it"
            )
    return existing


def _overlap_problem(a, b) -> float | None:
    """Overlap area in m² when it exceeds the tolerance, else None."""
    overlap = _area_m2(a.intersection(b))
    smaller = min(_area_m2(a), _area_m2(b))
    if overlap > OVERLAP_TOLERANCE_M2 and overlap > OVERLAP_TOLERANCE_SHARE * smaller:
        return overlap
    return None


def _check_geometry(items: list[_Feature], session: Session) -> None:
    shaped = [item for item in items if item.geometry is not None]
    if not shaped:
        return
    geometries = [item.geometry for item in shaped]
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = shaped[i], shaped[j]
        overlap = _overlap_problem(a.geometry, b.geometry)
        if overlap is not None:
            b.problems.append(f"{b.where}: overlaps {a.where} by about {overlap:,.0f} m²")

    # Grids already stored in the same communities that this file does not replace.
    file_codes = {item.code for item in items if item.code}
    community_ids = {item.community.id for item in shaped if item.community is not None}
    stored = (
        [
            grid
            for grid in session.scalars(select(Grid).where(Grid.community_id.in_(community_ids)))
            if grid.code not in file_codes and grid.boundary_wkb is not None
        ]
        if community_ids
        else []
    )
    if stored:
        stored_geometries = [grid.geometry for grid in stored]
        stored_tree = shapely.STRtree(stored_geometries)
        left, right = stored_tree.query(geometries, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            item, grid = shaped[i], stored[j]
            if item.community is None or grid.community_id != item.community.id:
                continue
            overlap = _overlap_problem(item.geometry, stored_geometries[j])
            if overlap is not None:
                item.problems.append(
                    f"{item.where}: overlaps the stored grid {grid.code} {grid.name} "
                    f"by about {overlap:,.0f} m²"
                )

    for item in shaped:
        unit = item.community
        if unit is None or unit.boundary_wkb is None:
            continue
        boundary = unit.geometry
        if not boundary.is_valid:
            boundary = shapely.make_valid(boundary)
        outside = item.geometry.difference(boundary).area
        share = outside / item.geometry.area if item.geometry.area else 0.0
        if share > OUTSIDE_SHARE:
            item.problems.append(
                f"{item.where}: {share:.0%} of the grid lies outside its community "
                f"{unit.code} {unit.name}"
            )


def import_grids(
    session: Session, path: Path | str, *, gcj02: bool = False, replace: bool = False
) -> ImportResult:
    """Read, check and store the grids of a GeoJSON file.

    ``gcj02``: the file's coordinates are GCJ-02 and are converted to WGS-84 first.
    ``replace``: grids whose code already exists are overwritten (their geometry, name, kind
    and, when given, households and population); otherwise an existing code is a problem.
    Raises :class:`ImportRejected` and writes nothing when anything is wrong. Works inside the
    caller's transaction (``with session.begin(): …``).
    """
    path = Path(path)
    features = _read_collection(path)
    items = [_parse_feature(i, raw, gcj02) for i, raw in enumerate(features, start=1)]
    existing = _check_codes(items, session, replace)
    _check_geometry(items, session)
    problems = [problem for item in items for problem in item.problems]
    if problems:
        raise ImportRejected(
            f"The grid file {path.name} was not imported: {len(problems)} problem(s) in "
            f"{sum(bool(item.problems) for item in items)} of {len(items)} feature(s); "
            "nothing changed.",
            problems,
        )

    inserted = replaced = 0
    for item in items:
        assert item.code and item.geometry is not None and item.community and item.kind
        grid = existing.get(item.code)
        if grid is None:
            grid = Grid(
                code=item.code,
                households=item.households or 0,
                population=item.population or 0,
            )
            session.add(grid)
            inserted += 1
        else:
            replaced += 1
            if item.households is not None:
                grid.households = item.households
            if item.population is not None:
                grid.population = item.population
        grid.name = item.name
        grid.kind = item.kind
        grid.community_id = item.community.id
        grid.set_geometry(item.geometry)
        point = item.geometry.representative_point()
        grid.centroid_lon, grid.centroid_lat = round(point.x, 7), round(point.y, 7)
    session.flush()
    return ImportResult(
        path=path,
        features=len(items),
        inserted=inserted,
        replaced=replaced,
        communities=len({item.community.id for item in items if item.community}),
        gcj02=gcj02,
    )
