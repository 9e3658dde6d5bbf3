"""Limits on the grid files an import reads, and the checks that hold a hostile file to them.

A grid file comes from outside: a GIS department, a contractor, a download. The import reads it
through these checks before anything else touches it, so that a crafted or damaged file is
refused with one clear line instead of a traceback, a hang or hundreds of megabytes taken:

- every file (a GeoJSON file, a zip as stored, a shapefile's parts together and a zip's members
  unpacked) is at most ``MAX_FILE_BYTES``; a zip's members are checked on their declared sizes
  before anything is unpacked *and* counted while they are unpacked (a declared size can lie);
- a zip holds at most ``MAX_ZIP_MEMBERS`` members (counted from its end record before the
  archive is parsed), none with an absolute or ``..`` path and no archive inside;
- GeoJSON nests at most ``MAX_JSON_DEPTH`` levels (a FeatureCollection of MultiPolygons needs
  8), measured on the brackets before the parser runs, so the parser never recurses deeply;
- a file holds at most ``MAX_FEATURES`` features and ``MAX_VERTICES`` vertices, a feature at
  most ``MAX_VERTICES_PER_FEATURE``;
- the overlap check between grids goes through an STRtree; it lists at most
  ``MAX_OVERLAPS_LISTED`` overlaps and refuses a file whose grids' extents meet in more than
  ``MAX_EXTENT_PAIRS`` pairs, so its work stays near linear in the grids;
- a shapefile's three parts are walked record by record before pyshp reads them: headers,
  record lengths, part and point counts, the .shx index and the .dbf table must agree with the
  bytes there are, so pyshp never follows a declared count past the end of the file.

See docs/threat-model/files.md for what these stop and what they do not.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import shapefile

from commandcenter.errors import ImportRejected

__all__ = [
    "MAX_EXTENT_PAIRS",
    "MAX_FEATURES",
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_OVERLAPS_LISTED",
    "MAX_SIDECAR_BYTES",
    "MAX_VERTICES",
    "MAX_VERTICES_PER_FEATURE",
    "MAX_ZIP_MEMBERS",
    "check_feature_count",
    "check_shapefile",
    "load_json",
    "read_file",
    "read_zip_members",
    "reject",
]

# --- The limits, all in one place -------------------------------------------------------------
# A grid file of a whole city (50,000 grids of ~50 vertices) is ~60 MB of GeoJSON, ~40 MB as a
# shapefile; the server takes uploads up to 50 MB.
MAX_FILE_BYTES = 64 * 2**20
# A FeatureCollection of MultiPolygons nests 8 levels (collection, features, feature, geometry,
# coordinates, polygon, ring, point); properties may nest a little more.
MAX_JSON_DEPTH = 32
MAX_FEATURES = 100_000
# A grid's outline has tens to a few thousand vertices; a community's, drawn along a river, more.
MAX_VERTICES_PER_FEATURE = 50_000
MAX_VERTICES = 4_000_000
# A zipped shapefile has a handful of files (.shp .shx .dbf .prj .cpg .sbn .sbx .xml …).
MAX_ZIP_MEMBERS = 100
# A .prj or .cpg is a line of text.
MAX_SIDECAR_BYTES = 64 * 1024
# The overlap check lists at most this many overlaps, then only counts the pairs left unchecked.
MAX_OVERLAPS_LISTED = 500
# Pairs of grids whose extents (bounding boxes) meet: a grid layer has a few per grid (its
# neighbours); a file with more than this is refused, however they turn out.
MAX_EXTENT_PAIRS = 2_000_000

ARCHIVE_SUFFIXES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".kmz")
POLYGON_SHAPE_TYPES = (shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM)
SHAPEFILE_CODE = 9994
READ_CHUNK = 1 << 20
MB = 2**20


def reject(reason: str) -> ImportRejected:
    """The error for a file that cannot be read at all: one clear line, no feature list."""
    return ImportRejected(f"The grid file was not imported: {reason}; nothing changed.", [])


def _mb(size: int) -> str:
    if size < MB:
        return f"{size:,} bytes"
    return f"{size / MB:,.1f} MB" if size < 10 * MB else f"{size / MB:,.0f} MB"


LIMIT_MB = f"{MAX_FILE_BYTES // MB} MB"


# --- Plain files --------------------------------------------------------------------------------


def read_file(path: Path, limit: int = MAX_FILE_BYTES, what: str | None = None) -> bytes:
    """The bytes of ``path``, refused when over ``limit`` (checked on the size and on what is
    read, for a file whose size the file system does not tell, such as a pipe)."""
    what = what or path.name
    over = f"{what} is over the limit of {_mb(limit)}"
    try:
        size = path.stat().st_size
        if size > limit:
            raise reject(
                f"{what} is {_mb(size)}, over the limit of {_mb(limit)}"
                + ("; split the layer and import the parts" if limit == MAX_FILE_BYTES else "")
            )
        with path.open("rb") as file:
            # The size the file system tells, then whatever more there is (a file that grew,
            # a pipe), a chunk at a time: never a buffer of the limit's size up front.
            chunks = [file.read(size)] if size else []
            total = len(chunks[0]) if chunks else 0
            while chunk := file.read(READ_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise reject(over)
                chunks.append(chunk)
    except OSError as exc:
        raise reject(f"cannot read {path}: {exc.strerror or exc}") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


# --- JSON ---------------------------------------------------------------------------------------

# A string runs to its closing quote or, unterminated, to the end of the text: every match
# that starts succeeds, so the scan stays linear whatever the text (a pattern that could fail
# after a long run would be tried again from each later quote: quadratic on '\\"' repeated).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects more than ``limit`` levels deep.

    Strings are dropped, then only the brackets kept; each pass removes the innermost pairs,
    so a text of depth d is empty after d passes. No recursion, at most ``limit`` passes over
    the brackets. Unbalanced brackets (broken JSON) count as not too deep: the parser then says
    where the text is broken.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(limit):
        if not brackets:
            return False
        shorter = brackets.replace("[]", "").replace("{}", "")
        if len(shorter) == len(brackets):
            return False
        brackets = shorter
    return "[]" in brackets or "{}" in brackets


def load_json(name: str, text: str):
    """The parsed document, or ImportRejected in one line (too deep, broken, unreadable)."""
    too_deep = (
        f"{name} nests its JSON more than {MAX_JSON_DEPTH} levels deep (a GeoJSON file of "
        "polygons needs 8): it is not a grid layer"
    )
    if nested_deeper_than(text, MAX_JSON_DEPTH):
        raise reject(too_deep)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise reject(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:  # not reached after the scan; kept for broken, unbalanced nesting
        raise reject(too_deep) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise reject(f"{name} holds a value that cannot be read ({exc})") from None


def check_feature_count(name: str, count: int) -> None:
    if count > MAX_FEATURES:
        raise reject(
            f"{name} holds {count:,} features, over the limit of {MAX_FEATURES:,} grids in one "
            "file; split the layer and import the parts"
        )


# --- Zip archives -------------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


def _zip_member_count(data: bytes) -> int | None:
    """The number of members the archive's end record declares, read before Python's zipfile
    parses (and makes an object for) every entry of the central directory; None when there is
    no end record (then zipfile says the archive is broken)."""
    at = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return None
    count = struct.unpack_from("<H", data, at + 10)[0]
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR:
        offset = struct.unpack_from("<Q", data, locator + 8)[0]
        if offset + 40 <= len(data) and data[offset : offset + 4] == _ZIP64_EOCD:
            count = struct.unpack_from("<Q", data, offset + 32)[0]
    return count


def _unsafe_member(name: str) -> str | None:
    """Why a member's name is refused, or None."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
        return f"the absolute path {name!r}"
    if ".." in PurePosixPath(unified).parts:
        return f"the path {name!r}, which climbs out of the archive (..)"
    if unified.lower().endswith(ARCHIVE_SUFFIXES):
        return f"another archive ({name}); unpack it and import the shapefile itself"
    return None


def read_zip_members(path: Path, choose) -> tuple[list[str], dict[str, bytes]]:
    """The archive's member names and the bytes of those ``choose(names)`` returns.

    Refused before anything is unpacked: over MAX_FILE_BYTES as stored, more than
    MAX_ZIP_MEMBERS members, a member with an absolute or ``..`` path or that is an archive,
    chosen members whose declared sizes pass the limits. Refused while unpacking: a member
    that gives more bytes than it declares, or all of them more than the limit together.
    """
    data = read_file(path)
    count = _zip_member_count(data)
    if count is not None and count > MAX_ZIP_MEMBERS:
        raise reject(
            f"{path.name} holds {count:,} files, over the limit of {MAX_ZIP_MEMBERS} for a "
            "zipped shapefile; zip only the shapefile's own files"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.filename.startswith("__MACOSX/")]
            if len(infos) > MAX_ZIP_MEMBERS:
                raise reject(
                    f"{path.name} holds {len(infos):,} files, over the limit of "
                    f"{MAX_ZIP_MEMBERS} for a zipped shapefile"
                )
            for info in infos:
                why = _unsafe_member(info.filename)
                if why:
                    raise reject(f"{path.name} holds {why}; it is refused")
            names = [i.filename for i in infos if not i.is_dir()]
            chosen = [archive.getinfo(n) for n in choose(names)]
            declared = 0
            for info in chosen:
                limit = _member_limit(info.filename)
                if info.file_size > limit:
                    raise reject(
                        f"{info.filename} in {path.name} unpacks to {_mb(info.file_size)}, over "
                        f"the limit of {_mb(limit)}"
                    )
                declared += info.file_size
            if declared > MAX_FILE_BYTES:
                raise reject(
                    f"the shapefile in {path.name} unpacks to {_mb(declared)}, over the limit "
                    f"of {LIMIT_MB} for a grid file; split the layer and import the parts"
                )
            members, total = {}, 0
            for info in chosen:
                chunks, size = [], 0
                limit = min(_member_limit(info.filename), info.file_size)
                with archive.open(info) as member:
                    while chunk := member.read(READ_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > limit or total > MAX_FILE_BYTES:
                            raise reject(
                                f"{info.filename} in {path.name} unpacks to more than it "
                                f"declares ({_mb(info.file_size)}) or past the limit of "
                                f"{LIMIT_MB}: the archive is damaged or crafted"
                            )
                        chunks.append(chunk)
                members[info.filename] = b"".join(chunks)
            return names, members
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise reject(f"{path.name} is not a readable zip archive ({exc})") from None
    except NotImplementedError as exc:  # a compression method zipfile lacks (Deflate64 …)
        raise reject(f"{path.name} uses a compression that cannot be read ({exc})") from None
    except RuntimeError as exc:  # an encrypted member
        raise reject(f"{path.name} cannot be read ({exc}); zip it without a password") from None


def _member_limit(name: str) -> int:
    suffix = PurePosixPath(name).suffix.lower()
    return MAX_SIDECAR_BYTES if suffix in (".prj", ".cpg") else MAX_FILE_BYTES


# --- Shapefiles ---------------------------------------------------------------------------------


def _shape_type_name(number: int) -> str:
    return shapefile.SHAPETYPE_LOOKUP.get(number, f"type-{number} (unknown)")


def check_shapefile(name: str, shp: bytes, shx: bytes, dbf: bytes) -> bytes:
    """Walk the three parts before pyshp reads them; ImportRejected naming the first thing that
    does not fit. Returns the .shp's bytes up to the length its header declares."""
    damaged = "the shapefile is damaged; export it again"
    if len(shp) < 100:
        raise reject(f"{name} is only {len(shp)} bytes, too short for a shapefile ({damaged})")
    code, words = struct.unpack_from(">i20xi", shp, 0)
    if code != SHAPEFILE_CODE:
        raise reject(f"{name} is not a shapefile (.shp): it does not start with the code 9994")
    shape_type = struct.unpack_from("<i", shp, 32)[0]
    if shape_type not in POLYGON_SHAPE_TYPES:
        raise reject(
            f"{name} holds {_shape_type_name(shape_type)} shapes; a grid must be a Polygon"
        )
    declared = words * 2
    if declared > len(shp) or declared < 100:
        raise reject(
            f"{name} declares {declared:,} bytes but has {len(shp):,} (the file is truncated; "
            f"{damaged})"
        )
    shp = shp[:declared]

    records: list[tuple[int, int]] = []  # (offset in 16-bit words, content length in words)
    vertices = 0
    position = 100
    while position < len(shp):
        number = len(records) + 1
        if number > MAX_FEATURES:
            raise reject(
                f"{name} holds more than {MAX_FEATURES:,} shapes, over the limit of grids in one "
                "file; split the layer and import the parts"
            )
        if position + 12 > len(shp):
            raise reject(f"{name} ends inside the header of record {number} ({damaged})")
        length = struct.unpack_from(">i", shp, position + 4)[0] * 2
        content = position + 8
        if length < 4 or content + length > len(shp):
            raise reject(
                f"record {number} of {name} declares {length:,} bytes where "
                f"{max(0, len(shp) - content):,} remain ({damaged})"
            )
        record_type = struct.unpack_from("<i", shp, content)[0]
        if record_type != shapefile.NULL:
            if record_type != shape_type:
                raise reject(
                    f"record {number} of {name} is a {_shape_type_name(record_type)} shape in a "
                    f"file of {_shape_type_name(shape_type)} shapes ({damaged})"
                )
            vertices += _check_polygon_record(name, number, shp, content, length, shape_type)
            if vertices > MAX_VERTICES:
                raise reject(
                    f"{name} holds more than {MAX_VERTICES:,} vertices, over the limit for one "
                    "file; split the layer or simplify the outlines"
                )
        records.append((position // 2, length // 2))
        position = content + length

    _check_shx(name, shx, records, damaged)
    _check_dbf(name, dbf, len(records), damaged)
    return shp


def _check_polygon_record(
    name: str, number: int, shp: bytes, content: int, length: int, shape_type: int
) -> int:
    """The vertex count of one polygon record, after checking its counts fit its length."""
    where = f"record {number} of {name}"
    if length < 44:
        raise reject(f"{where} is {length} bytes, too short for a polygon")
    parts, points = struct.unpack_from("<2i", shp, content + 36)
    if parts < 1 or points < 0 or parts > points:
        raise reject(f"{where} declares {parts:,} rings of {points:,} vertices in all")
    if points > MAX_VERTICES_PER_FEATURE:
        raise reject(
            f"{where} has {points:,} vertices, over the limit of {MAX_VERTICES_PER_FEATURE:,} "
            "for one grid; simplify the outline"
        )
    needed = 44 + 4 * parts + 16 * points
    if shape_type == shapefile.POLYGONZ:
        needed += 16 + 8 * points
    if needed > length:
        raise reject(
            f"{where} declares {parts:,} rings of {points:,} vertices, which need {needed:,} "
            f"bytes, but has {length:,}"
        )
    starts = struct.unpack_from(f"<{parts}i", shp, content + 44)
    if (
        starts[0] != 0
        or any(b <= a for a, b in zip(starts, starts[1:], strict=False))
        or starts[-1] >= points
    ):
        raise reject(f"{where} has ring starts that do not fit its {points:,} vertices")
    return points


def _check_shx(name: str, shx: bytes, records: list[tuple[int, int]], damaged: str) -> None:
    index = name.rpartition(".")[0] + ".shx"
    if len(shx) < 100 or struct.unpack_from(">i", shx, 0)[0] != SHAPEFILE_CODE:
        raise reject(f"{index} is not a shapefile index ({damaged})")
    declared = struct.unpack_from(">i", shx, 24)[0] * 2
    if declared != len(shx):
        raise reject(f"{index} declares {declared:,} bytes but has {len(shx):,} ({damaged})")
    entries = (len(shx) - 100) // 8
    if entries != len(records) or (len(shx) - 100) % 8:
        raise reject(
            f"the index {index} lists {entries:,} records but {name} holds {len(records):,} "
            f"({damaged})"
        )
    for number, (entry, record) in enumerate(
        zip(struct.iter_unpack(">2i", shx[100 : 100 + 8 * entries]), records, strict=True), start=1
    ):
        if entry != record:
            raise reject(f"the index {index} does not match {name} at record {number} ({damaged})")


def _check_dbf(name: str, dbf: bytes, shapes: int, damaged: str) -> None:
    table = name.rpartition(".")[0] + ".dbf"
    if len(dbf) < 33:
        raise reject(f"the attribute table {table} is only {len(dbf)} bytes ({damaged})")
    records, header, record_length = struct.unpack_from("<4xIHH", dbf, 0)
    if header < 33 or header > len(dbf):
        raise reject(
            f"the attribute table {table} declares a header of {header:,} bytes in a file of "
            f"{len(dbf):,} ({damaged})"
        )
    fields = (header - 33) // 32
    if dbf[32 + 32 * fields : 33 + 32 * fields] != b"\r":
        raise reject(f"the attribute table {table} has a damaged field list ({damaged})")
    widths = sum(dbf[32 + 32 * i + 16] for i in range(fields))
    if record_length < 1 + widths:
        raise reject(
            f"the attribute table {table} declares records of {record_length} bytes, shorter "
            f"than its fields ({1 + widths} bytes) ({damaged})"
        )
    if records != shapes:
        raise reject(
            f"the attribute table {table} has {records:,} records but {name} holds "
            f"{shapes:,} shapes ({damaged})"
        )
    if header + records * record_length > len(dbf):
        raise reject(
            f"the attribute table {table} is truncated: {records:,} records of "
            f"{record_length} bytes need {header + records * record_length:,} bytes, it has "
            f"{len(dbf):,}"
        )
