"""Import of grid boundaries from GeoJSON or a shapefile, all or nothing.

A GeoJSON file (``.geojson`` / ``.json``) is a FeatureCollection; a shapefile (``.shp`` with its
``.shx`` and ``.dbf`` beside it, or a ``.zip`` holding one) is read with pyshp and each record
becomes the same feature, its attribute table giving the properties (field names in any case).
A shapefile's ``.cpg`` names its text encoding; without one, UTF-8 then GB18030 (a superset of
GBK, which many Chinese shapefiles use) are tried. A ``.prj`` must describe longitude/latitude on
WGS-84 (or CGCS2000, the same within centimetres; GCJ-02 files say WGS-84): a projected file
(Gauss-Krüger, Web Mercator …) is rejected, as nothing is reprojected here.

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

``progress(fraction, message)``, when given, hears how far the import is (0.0 … 1.0, rising) from
the thread the import runs in.
"""

from __future__ import annotations

import codecs
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import shapefile
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.domain.codes import GridCodeParts, validate_grid_code
from commandcenter.domain.enums import AdminLevel, GridKind, Role
from commandcenter.errors import ImportRejected, PermissionDenied
from commandcenter.geo.file_limits import (
    MAX_EXTENT_PAIRS,
    MAX_FILE_BYTES,
    MAX_OVERLAPS_LISTED,
    MAX_SIDECAR_BYTES,
    MAX_VERTICES,
    MAX_VERTICES_PER_FEATURE,
    check_feature_count,
    check_shapefile,
    load_json,
    read_file,
    read_zip_members,
)
from commandcenter.geo.file_limits import reject as _reject
from commandcenter.geo.gcj02 import gcj02_to_wgs84_array, transform_geometry
from commandcenter.storage.models import AdminUnit, Grid
from commandcenter.textfiles import ENCODINGS, decode_text

__all__ = ["ImportResult", "Progress", "import_grids", "OUTSIDE_SHARE", "OVERLAP_TOLERANCE_M2"]

Progress = Callable[[float, str], None]
# Two grids may share a boundary drawn a little differently: an overlap counts only when it is
# larger than both of these (square metres, and share of the smaller grid).
OVERLAP_TOLERANCE_M2 = 10.0
OVERLAP_TOLERANCE_SHARE = 0.001
# A grid may stick out of its community by digitising noise, not by more than this share.
OUTSIDE_SHARE = 0.01
NAME_LENGTH = Grid.name.type.length  # the column's
METRES_PER_DEGREE = 111_320.0  # along a meridian; good enough to judge tolerances
KIND_NAMES = ", ".join(k.value for k in GridKind)
# Long loops report progress every this share of the whole import.
PROGRESS_STEP = 0.02

SHAPEFILE_SUFFIXES = (".shp", ".zip")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# .cpg files often give a Windows code page number instead of a codec name.
CODE_PAGES = {"65001": "utf-8", "936": "gbk", "54936": "gb18030", "950": "big5"}
# Datum names (lower case, "_" and "-" as spaces) of the longitude/latitude systems accepted.
WGS84_DATUMS = ("wgs 84", "wgs 1984", "wgs84", "world geodetic system 1984", "china 2000",
                "china geodetic coordinate system 2000", "cgcs2000", "cgcs 2000")  # fmt: skip


@dataclass(frozen=True)
class ImportResult:
    path: Path
    features: int
    inserted: int
    replaced: int
    communities: int
    gcj02: bool
    grid_ids: frozenset[int] = frozenset()  # the grids written (new and replaced)

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


class _Progress:
    """Hands the caller's callback fractions of the whole import, always rising."""

    def __init__(self, callback: Progress | None):
        self.callback = callback
        self.last = -1.0

    def report(self, fraction: float, message: str) -> None:
        if self.callback is not None and fraction > self.last:
            self.last = fraction
            self.callback(fraction, message)

    def over(self, items: Sequence, start: float, end: float, message: str) -> Iterator:
        """Yield ``items``, reporting ``start`` … ``end`` as they pass, every PROGRESS_STEP."""
        self.report(start, message)
        every = max(1, math.ceil(len(items) * PROGRESS_STEP / (end - start)))
        for done, item in enumerate(items):
            if done % every == 0:
                self.report(start + (end - start) * done / len(items), message)
            yield item


def _read_features(path: Path) -> list:
    if path.suffix.lower() in SHAPEFILE_SUFFIXES:
        features = _read_shapefile(path)
    else:
        features = _read_collection(path)
    check_feature_count(path.name, len(features))
    return features


def _read_collection(path: Path) -> list:
    """The list of features, or ImportRejected with one clear line about the file."""
    data = read_file(path)
    try:
        text = decode_text(data, reject_binary=False)
    except ValueError as exc:
        raise _reject(f"{path.name} {exc}") from None
    del data
    document = load_json(path.name, text)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        found = document.get("type") if isinstance(document, dict) else type(document).__name__
        raise _reject(
            f"{path.name} is not a GeoJSON FeatureCollection (its type is {found!r:.60}); "
            "save the grid layer as a FeatureCollection of polygons"
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise _reject(f"{path.name} has no list of features")
    if not features:
        raise _reject(f"{path.name} holds no features")
    return features


def _shapefile_parts(path: Path) -> tuple[str, dict[str, bytes]]:
    """The shapefile's name and the bytes of its files by lower-case suffix (those present),
    each within the limits of :mod:`commandcenter.geo.file_limits`."""
    if path.suffix.lower() != ".zip":
        files = {".shp": path}
        for suffix in SHAPEFILE_PARTS[1:]:
            for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
                if candidate.is_file():
                    files[suffix] = candidate
                    break
        try:
            total = sum(file.stat().st_size for file in files.values())
        except OSError as exc:
            raise _reject(f"cannot read {path}: {exc.strerror or exc}") from None
        if total > MAX_FILE_BYTES:
            raise _reject(
                f"{path.name} and its parts are {total:,} bytes together, over the limit of "
                f"{MAX_FILE_BYTES // 2**20} MB ({MAX_FILE_BYTES:,} bytes) for a grid file; split "
                "the layer and import the parts"
            )
        sidecar = (".prj", ".cpg")
        return path.name, {
            suffix: read_file(file, MAX_SIDECAR_BYTES if suffix in sidecar else MAX_FILE_BYTES)
            for suffix, file in files.items()
        }

    found: dict[str, str] = {}

    def choose(names: list[str]) -> list[str]:
        shps = [n for n in names if n.lower().endswith(".shp")]
        if len(shps) != 1:
            raise _reject(
                f"{path.name} holds {len(shps)} shapefiles; put exactly one in the zip"
                if shps
                else f"{path.name} holds no shapefile (.shp)"
            )
        stem = shps[0][:-4].lower()
        found["shp"] = shps[0]
        chosen = {}
        for name in names:
            suffix = name[len(stem) :].lower()
            if name.lower().startswith(stem) and suffix in SHAPEFILE_PARTS:
                chosen[suffix] = name
        found.update(chosen)
        return list(chosen.values())

    _, members = read_zip_members(path, choose)
    parts = {suffix: members[found[suffix]] for suffix in SHAPEFILE_PARTS if suffix in found}
    return PurePosixPath(found["shp"]).name, parts


def _check_prj(name: str, wkt: str) -> None:
    """Reject a .prj that is not longitude/latitude on WGS-84 (nothing is reprojected here)."""
    keyword = wkt.partition("[")[0].strip().upper()
    quoted = re.search(r'"([^"]*)"', wkt)
    system = quoted.group(1) if quoted else keyword or wkt[:40]
    export = "export the layer in WGS-84 longitude/latitude (EPSG:4326) and import it again"
    if keyword in ("PROJCS", "PROJCRS", "PROJECTEDCRS"):
        raise _reject(
            f"{name} is in the projected coordinate system {system!r} (metres, e.g. "
            f"Gauss-Krüger or Web Mercator), which is not converted here; {export}"
        )
    if keyword not in ("GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS"):
        raise _reject(
            f"the .prj of {name} is not a longitude/latitude system ({system!r}); {export}"
        )
    datums = [system, *re.findall(r'(?:DATUM|ENSEMBLE)\s*\[\s*"([^"]*)"', wkt, re.IGNORECASE)]
    spaced = " ".join(datums).lower().replace("_", " ").replace("-", " ")
    if not any(datum in spaced for datum in WGS84_DATUMS):
        raise _reject(
            f"{name} is in the geographic system {system!r}, not WGS-84: datums such as "
            f"Beijing 1954 or Xi'an 1980 put grids tens of metres or more off; {export}"
        )


def _cpg_encodings(name: str, cpg: bytes | None) -> tuple[str, ...]:
    """The encodings to try for the attribute table: the .cpg's, else ENCODINGS."""
    if cpg is None or not cpg.strip():
        return ENCODINGS
    text = cpg.decode("ascii", "replace").strip().lower().removeprefix("ansi").strip()
    try:
        codec = codecs.lookup(CODE_PAGES.get(text, f"cp{text}" if text.isdigit() else text)).name
    except (LookupError, ValueError):  # ValueError: a NUL byte in the name
        raise _reject(
            f"the .cpg of {name} names the encoding {text!r:.40}, which is unknown; write UTF-8 "
            "or GBK into it"
        ) from None
    return ("gb18030",) if codec in ("gbk", "gb2312") else (codec,)  # GB18030 ⊇ GBK ⊇ GB2312


def _read_shapefile(path: Path) -> list:
    """The records of a shapefile as GeoJSON features, or ImportRejected about the file."""
    name, parts = _shapefile_parts(path)
    missing = [suffix for suffix in (".shx", ".dbf") if suffix not in parts]
    if missing:
        raise _reject(
            f"{name} comes without its {' and '.join(missing)} file; keep the shapefile's "
            ".shp, .shx and .dbf (and .prj, .cpg) together under the same name"
        )
    wkt = parts.get(".prj", b"").decode("utf-8", "replace").lstrip("\ufeff").strip()
    if wkt:
        _check_prj(name, wkt)
    encodings = _cpg_encodings(name, parts.get(".cpg"))
    shp = check_shapefile(name, parts[".shp"], parts[".shx"], parts[".dbf"])
    files = {
        "shp": io.BytesIO(shp),
        "shx": io.BytesIO(parts[".shx"]),
        "dbf": io.BytesIO(parts[".dbf"]),
    }
    try:
        # Latin-1 passes the table's bytes through unchanged; they are decoded below, where
        # the encoding can be chosen for the whole file.
        # A row marked deleted in the .dbf is a deleted feature: its shape is left out too
        # (pyshp's iterShapeRecords would pair the next row with this shape instead).
        with shapefile.Reader(**files, encoding="latin-1") as reader:
            rows = reader.iterRecords(deleted_as_None=True)
            features = [
                _compact(shapefile.ShapeRecord(shape=shape, record=row).__geo_interface__)
                for shape, row in zip(reader.iterShapes(), rows, strict=True)
                if row is not None
            ]
    except Exception as exc:  # noqa: BLE001 - pyshp raises many kinds on a damaged file
        raise _reject(f"{name} is not a readable shapefile ({type(exc).__name__}: {exc})") from None
    if not features:
        raise _reject(f"{name} holds no features")
    for encoding in encodings:
        try:
            return [_decoded(feature, encoding) for feature in features]
        except UnicodeDecodeError:
            continue
    said = (
        f"is not {encodings[0].upper()} text as its .cpg says"
        if encodings != ENCODINGS
        else "is neither UTF-8 nor GBK/GB18030 text"
    )
    raise _reject(
        f"the attribute table (.dbf) of {name} {said}; save it as UTF-8, or write its "
        "encoding into a .cpg file beside it"
    )


def _compact(feature: dict) -> dict:
    """The feature with each ring of its polygons as an array of floats (16 bytes a vertex,
    where pyshp's lists of tuples take about 110): a shapefile at the vertex limit then takes
    tens of megabytes, not most of a gigabyte."""
    geometry = feature.get("geometry")
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if gtype else None
    if gtype == "Polygon":
        compact = [np.asarray(ring, dtype=float) for ring in coordinates]
    elif gtype == "MultiPolygon":
        compact = [[np.asarray(ring, dtype=float) for ring in part] for part in coordinates]
    else:
        return feature
    return feature | {"geometry": geometry | {"coordinates": compact}}


def _decoded(feature: dict, encoding: str) -> dict:
    """The feature with its Latin-1 transported texts decoded, field names in lower case and
    blank texts as absent (a .dbf has no null text)."""

    def text(value):
        if not isinstance(value, str):
            return value
        return value.encode("latin-1").decode(encoding).strip() or None

    properties = {text(k).strip().lower(): text(v) for k, v in feature["properties"].items()}
    return feature | {"properties": properties}


def _count(value, what: str, item: _Feature) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        item.problems.append(f"{item.where}: {what} {value!r:.40} is not a number")
        return None
    try:
        number = float(value)
    except ValueError:
        item.problems.append(f"{item.where}: {what} {value!r:.40} is not a number")
        return None
    if not number.is_integer() or number < 0:
        item.problems.append(f"{item.where}: {what} {value!r:.40} is not a whole number ≥ 0")
        return None
    return int(number)


def _vertex_count(gtype: str, coordinates) -> int | None:
    """The vertices of Polygon or MultiPolygon coordinates, counted without building anything
    (the rings' lengths); None when they are not nested lists (shapely then says what is
    wrong)."""
    polygons = [coordinates] if gtype == "Polygon" else coordinates
    if not isinstance(polygons, (list, tuple)):
        return None
    total = 0
    for polygon in polygons:
        if not isinstance(polygon, (list, tuple)):
            return None
        total += not polygon  # an empty part costs as a vertex (a million of them, more)
        for ring in polygon:
            if not isinstance(ring, (list, tuple, np.ndarray)):
                return None
            total += len(ring) or 1
    return total


def _check_vertices(name: str, features: list) -> None:
    """Refuse a file of more than MAX_VERTICES vertices before any geometry is built."""
    total = 0
    for raw in features:
        geometry = raw.get("geometry") if isinstance(raw, dict) else None
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        if gtype in ("Polygon", "MultiPolygon"):
            total += _vertex_count(gtype, geometry.get("coordinates")) or 0
            if total > MAX_VERTICES:
                raise _reject(
                    f"{name} holds more than {MAX_VERTICES:,} vertices, over the limit for one "
                    "file; split the layer or simplify the outlines"
                )


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
        item.problems.append(f"{item.where}: code {code!r:.40} is not a 19-digit text")
    else:
        item.code = code.strip()

    name = properties.get("name")
    if not isinstance(name, str) or not name.strip():
        item.problems.append(f"{item.where}: has no name (property 'name')")
    elif len(name.strip()) > NAME_LENGTH:
        item.problems.append(
            f"{item.where}: the name is {len(name.strip()):,} characters long, over {NAME_LENGTH}"
        )
    else:
        item.name = name.strip()

    kind = properties.get("kind")
    if kind is not None:
        try:
            item.kind = GridKind(str(kind).strip().lower())
        except ValueError:
            item.problems.append(f"{item.where}: kind {kind!r:.40} is not one of {KIND_NAMES}")
    item.households = _count(properties.get("households"), "households", item)
    item.population = _count(properties.get("population"), "population", item)

    geometry = raw.get("geometry")
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in ("Polygon", "MultiPolygon"):
        item.problems.append(
            f"{item.where}: geometry is {gtype or 'missing'}; a grid must be a Polygon"
        )
        return item
    vertices = _vertex_count(gtype, geometry.get("coordinates"))
    if vertices is not None and vertices > MAX_VERTICES_PER_FEATURE:
        item.problems.append(
            f"{item.where}: the outline has {vertices:,} vertices, over the limit of "
            f"{MAX_VERTICES_PER_FEATURE:,} for one grid; simplify it"
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


def _areas_m2(geometries: np.ndarray) -> np.ndarray:
    """Approximate areas in square metres of small lon/lat geometries."""
    area = shapely.area(geometries)
    with np.errstate(invalid="ignore"):
        lat = shapely.get_y(shapely.centroid(geometries))
        scaled = area * METRES_PER_DEGREE**2 * np.cos(np.radians(lat))
    return np.where(area > 0, scaled, 0.0)


class _OverlapSearch:
    """Pairs of grids that overlap beyond the tolerance, found through an STRtree.

    Only pairs whose extents meet are looked at; those are tested with shapely's (prepared)
    ``intersects`` and only pairs that meet are measured (``shapely.intersection``), a chunk at a
    time. After MAX_OVERLAPS_LISTED overlaps the search only counts the pairs it leaves
    unchecked; past MAX_EXTENT_PAIRS pairs of meeting extents it stops. Either way the work
    stays near linear in the grids, whatever the file.
    """

    CHUNK = 1024  # pairs tested and measured at once

    def __init__(self) -> None:
        self.listed = 0  # overlaps found and listed
        self.unchecked = 0  # pairs left after the listing stopped
        self.extent_pairs = 0  # pairs whose extents meet, looked at
        self.measured = 0  # pairs whose intersection was computed
        self.too_many = False

    @property
    def full(self) -> bool:
        return self.listed >= MAX_OVERLAPS_LISTED

    def pairs(
        self,
        queries: np.ndarray,
        targets: np.ndarray,
        keep: Callable[[np.ndarray, np.ndarray], np.ndarray],
        report: Callable[[float], None],
    ) -> Iterator[tuple[int, int, float]]:
        """(query index, target index, overlap m²) of each overlap, by query then tree order;
        ``keep(i, j)`` the mask of candidate pairs to consider; ``report(share done)``."""
        if self.too_many or not len(queries) or not len(targets):
            return
        tree = shapely.STRtree(targets)
        shapely.prepare(queries)
        query_areas = _areas_m2(queries)
        target_areas = query_areas if targets is queries else _areas_m2(targets)
        # Small batches: progress every 2 % of the import, and never a huge array of pairs.
        batch = max(1, min(256, 2_000_000 // len(targets), len(queries) // 15 or 1))
        for start in range(0, len(queries), batch):
            report(start / len(queries))
            left, right = tree.query(queries[start : start + batch])
            left += start
            mask = keep(left, right)
            left, right = left[mask], right[mask]
            self.extent_pairs += len(left)
            if self.extent_pairs > MAX_EXTENT_PAIRS:
                self.too_many = True
                return
            for at in range(0, len(left), self.CHUNK):
                i, j = left[at : at + self.CHUNK], right[at : at + self.CHUNK]
                if self.full:
                    self.unchecked += len(i)
                    continue
                meet = shapely.intersects(queries[i], targets[j])
                i, j = i[meet], j[meet]
                if not len(i):
                    continue
                self.measured += len(i)
                overlap = _areas_m2(shapely.intersection(queries[i], targets[j]))
                smaller = np.minimum(query_areas[i], target_areas[j])
                real = (overlap > OVERLAP_TOLERANCE_M2) & (
                    overlap > OVERLAP_TOLERANCE_SHARE * smaller
                )
                for k in np.flatnonzero(real).tolist():
                    if self.full:
                        self.unchecked += int(np.count_nonzero(real[k:]))
                        break
                    self.listed += 1
                    yield int(i[k]), int(j[k]), float(overlap[k])

    def problems(self) -> list[str]:
        """The lines about the file as a whole: the listing stopped, or the search."""
        if self.too_many:
            return [
                f"the grids' extents meet in more than {MAX_EXTENT_PAIRS:,} pairs (a grid layer "
                "has a few per grid, its neighbours): the overlap check stopped there; the grids "
                "overlap each other on a large scale"
            ]
        if self.unchecked:
            return [
                f"… and {self.unchecked:,} more pair(s) of grids that may overlap were not "
                f"checked: the check stops after listing {MAX_OVERLAPS_LISTED} overlaps"
            ]
        return []


def _check_geometry(items: list[_Feature], session: Session, progress: _Progress) -> list[str]:
    """Overlaps and community boundaries; the problems go to the items, and the lines about the
    file as a whole are returned."""
    shaped = [item for item in items if item.geometry is not None]
    if not shaped:
        return []
    geometries = np.array([item.geometry for item in shaped], dtype=object)
    search = _OverlapSearch()

    def between(start: float, end: float, message: str) -> Callable[[float], None]:
        return lambda share: progress.report(start + (end - start) * share, message)

    def later(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return i < j

    for i, j, overlap in search.pairs(
        geometries, geometries, later, between(0.40, 0.70, "Checking overlaps between grids")
    ):
        a, b = shaped[i], shaped[j]
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
        stored_geometries = np.array([grid.geometry for grid in stored], dtype=object)
        item_community = np.array(
            [item.community.id if item.community is not None else -1 for item in shaped]
        )
        stored_community = np.array([grid.community_id for grid in stored])

        def same_community(i: np.ndarray, j: np.ndarray) -> np.ndarray:
            return item_community[i] == stored_community[j]

        for i, j, overlap in search.pairs(
            geometries,
            stored_geometries,
            same_community,
            between(0.70, 0.80, "Checking overlaps with stored grids"),
        ):
            item, grid = shaped[i], stored[j]
            item.problems.append(
                f"{item.where}: overlaps the stored grid {grid.code} {grid.name} "
                f"by about {overlap:,.0f} m²"
            )

    for item in progress.over(shaped, 0.80, 0.90, "Checking community boundaries"):
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
    return search.problems()


def import_grids(
    session: Session,
    path: Path | str,
    *,
    gcj02: bool = False,
    replace: bool = False,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Read, check and store the grids of a GeoJSON file or a shapefile (.shp or .zip).

    ``gcj02``: the file's coordinates are GCJ-02 and are converted to WGS-84 first.
    ``replace``: grids whose code already exists are overwritten (their geometry, name, kind
    and, when given, households and population); otherwise an existing code is a problem.
    Raises :class:`ImportRejected` and writes nothing when anything is wrong. Works inside the
    caller's transaction (``with session.begin(): …``). ``progress(fraction, message)`` is
    called with rising fractions, the last 1.0 once the grids are written.
    ``actor``: who imports from the console — an administrator, and only grids of communities
    in their jurisdiction (the command line, run by whoever holds the database, passes none).
    """
    if actor is not None and actor.role is not Role.ADMINISTRATOR:
        raise PermissionDenied("Only an administrator may import grid boundaries.")
    path = Path(path)
    steps = _Progress(progress)
    steps.report(0.0, f"Reading {path.name}")
    features = _read_features(path)
    _check_vertices(path.name, features)
    parsing = steps.over(features, 0.10, 0.35, "Checking each feature")
    items = [_parse_feature(i, raw, gcj02) for i, raw in enumerate(parsing, start=1)]
    steps.report(0.35, "Checking the grid codes")
    existing = _check_codes(items, session, replace)
    general = _check_geometry(items, session, steps)
    if actor is not None:
        for item in items:
            if item.community is not None and not actor.governs_unit(item.community.id):
                item.problems.append(
                    f"{item.where}: community {item.community.code} {item.community.name} "
                    "is outside your jurisdiction"
                )
    problems = [problem for item in items for problem in item.problems] + general
    if problems:
        raise ImportRejected(
            f"The grid file {path.name} was not imported: {len(problems)} problem(s) in "
            f"{sum(bool(item.problems) for item in items)} of {len(items)} feature(s); "
            "nothing changed.",
            problems,
        )

    inserted = replaced = 0
    written = []
    for item in steps.over(items, 0.90, 0.99, "Writing the grids"):
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
        written.append(grid)
    session.flush()
    steps.report(1.0, f"Checked and written {len(items)} grid(s)")
    return ImportResult(
        path=path,
        features=len(items),
        inserted=inserted,
        replaced=replaced,
        communities=len({item.community.id for item in items if item.community}),
        gcj02=gcj02,
        grid_ids=frozenset(grid.id for grid in written),
    )
