"""Hostile grid files (issue 15): each attack is refused with one clear line, changes nothing,
and costs little — deeply nested JSON, zip bombs, crafted and damaged shapefiles, files over
the feature and vertex limits, thousands of mutually overlapping polygons.

The files are built here, in ``tmp_path``. Nothing is timed (timings are never asserted in
tests): the cost of the overlap check is the number of pairs it measures, counted at
``shapely.intersection``; the cost of a zip bomb the memory ``tracemalloc`` sees at its peak.
bench/grid_import.py times them.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from commandcenter.domain.enums import GridKind
from commandcenter.errors import ImportRejected
from commandcenter.geo import file_limits, grid_import

try:  # tests/ as a package or as a plain folder on sys.path
    from .test_grid_import import (
        EAST,
        WEST,
        code,
        feature,
        good_features,
        grid_count,
        open_two_communities,
        run_import,
        stored_grids,
        write,
        write_shapefile,
    )
except ImportError:
    from test_grid_import import (
        EAST,
        WEST,
        code,
        feature,
        good_features,
        grid_count,
        open_two_communities,
        run_import,
        stored_grids,
        write,
        write_shapefile,
    )

MB = 2**20


@pytest.fixture
def database(tmp_path, migrated_sqlite_file):
    """SQLite only: what a file does to the reader does not depend on the engine."""
    copy = tmp_path / "hostile.db"
    shutil.copyfile(migrated_sqlite_file, copy)
    db = open_two_communities(f"sqlite:///{copy}")
    yield db
    db.dispose()


def refused(database, path) -> ImportRejected:
    """The import's one-line refusal of the whole file; nothing written."""
    before = grid_count(database)
    with pytest.raises(ImportRejected) as info:
        run_import(database, path)
    assert grid_count(database) == before
    error = info.value
    assert "nothing changed" in str(error) and "\n" not in str(error)
    return error


def collection_text(features_text: str) -> str:
    return '{"type": "FeatureCollection", "features": [' + features_text + "]}"


# --- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, text",
    [
        ("arrays", collection_text("[" * 100_000 + "]" * 100_000)),
        ("objects", collection_text('{"a":' * 50_000 + "1" + "}" * 50_000)),
        ("unbalanced", collection_text("[" * 200_000)),
        ("escaped quotes", collection_text('\\"' * 200_000)),
        ("in properties", collection_text(
            '{"type": "Feature", "properties": {"x": ' + "[" * 40 + "]" * 40 + "}}")),
    ],
    ids=lambda v: v if len(v) < 20 else "",
)  # fmt: skip
def test_deeply_nested_json_is_refused(database, tmp_path, label, text):
    path = tmp_path / "deep.geojson"
    path.write_text(text, encoding="utf-8")
    error = refused(database, path)
    if label == "unbalanced":
        assert "nests its JSON more than" in str(error) or "not valid JSON" in str(error)
    elif label == "escaped quotes":  # the depth scan stays linear on it (a guard, not a depth)
        assert "not valid JSON" in str(error)
    else:
        assert f"nests its JSON more than {file_limits.MAX_JSON_DEPTH} levels deep" in str(error)


def test_ordinary_nesting_is_within_the_depth_limit(database, tmp_path):
    multi = feature(code(EAST, 1), shapely.MultiPolygon([box(119.90, 32.48, 119.91, 32.50)]))
    multi["properties"]["extra"] = {"a": [{"b": [1, 2]}]}
    assert run_import(database, write(tmp_path, [multi])).inserted == 1
    assert not file_limits.nested_deeper_than('{"a": "[[[[[[[[[[[[["}', 3)
    assert file_limits.nested_deeper_than('[[["]]]]"]]]', 2)
    assert not file_limits.nested_deeper_than('[[["]]]]"]]]', 3)


def test_json_with_a_number_too_long_to_convert_is_refused(database, tmp_path):
    path = tmp_path / "long.geojson"
    path.write_text(collection_text('{"type": "Feature", "x": ' + "7" * 5000 + "}"))
    assert "holds a value that cannot be read" in str(refused(database, path))


def test_json_over_the_size_limit_is_refused_unread(database, tmp_path):
    path = tmp_path / "huge.geojson"
    with path.open("wb") as file:  # sparse: no disk used
        file.truncate(file_limits.MAX_FILE_BYTES + 1)
    tracemalloc.start()
    try:
        error = refused(database, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"over the limit of {file_limits.MAX_FILE_BYTES // MB} MB" in str(error)
    assert peak < 8 * MB


# --- Features and vertices ---------------------------------------------------------------------


def test_too_many_features_are_refused(database, tmp_path):
    count = file_limits.MAX_FEATURES + 1
    path = tmp_path / "many.geojson"
    path.write_text(collection_text(",".join(['{"type": "Feature"}'] * count)))
    error = refused(database, path)
    assert f"holds {count:,} features, over the limit of {file_limits.MAX_FEATURES:,}" in str(error)


def circle(points: int, radius: float = 0.004, centre=(119.91, 32.49)) -> shapely.Polygon:
    angles = np.linspace(0, 2 * math.pi, points, endpoint=False)
    return shapely.Polygon(
        np.column_stack([centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)])
    )


def test_a_feature_over_the_vertex_limit_is_a_problem_named_with_the_numbers(database, tmp_path):
    limit = file_limits.MAX_VERTICES_PER_FEATURE
    big = feature(code(EAST, 1), circle(limit + 10))
    error = rejected_with_problems(database, write(tmp_path, [big, good_features()[2]]))
    vertices = limit + 11  # the ring is closed: its first vertex again at the end
    assert error.problems == [
        f"feature 1 ({code(EAST, 1)}): the outline has {vertices:,} vertices, over the limit "
        f"of {limit:,} for one grid; simplify it"
    ]


def rejected_with_problems(database, path) -> ImportRejected:
    before = grid_count(database)
    with pytest.raises(ImportRejected) as info:
        run_import(database, path)
    assert grid_count(database) == before
    return info.value


def test_a_multipolygon_of_many_empty_parts_is_over_the_vertex_limit(database, tmp_path):
    parts = file_limits.MAX_VERTICES_PER_FEATURE + 1
    path = tmp_path / "empty-parts.geojson"
    geometry = '{"type": "MultiPolygon", "coordinates": [' + ",".join(["[]"] * parts) + "]}"
    path.write_text(
        collection_text(
            f'{{"type": "Feature", "properties": {{"code": "{code(EAST, 1)}", "name": "n"}}, '
            f'"geometry": {geometry}}}'
        )
    )
    error = rejected_with_problems(database, path)
    assert error.problems == [
        f"feature 1 ({code(EAST, 1)}): the outline has {parts:,} vertices, over the limit of "
        f"{file_limits.MAX_VERTICES_PER_FEATURE:,} for one grid; simplify it"
    ]


def test_a_file_over_the_total_vertex_limit_is_refused(database, tmp_path, monkeypatch):
    monkeypatch.setattr(grid_import, "MAX_VERTICES", 1000)
    features = [
        feature(code(EAST, n + 1), circle(300, 0.001, (119.902 + 0.003 * n, 32.49)))
        for n in range(4)
    ]
    error = refused(database, write(tmp_path, features))
    assert "holds more than 1,000 vertices, over the limit for one file" in str(error)


# --- Zip archives ------------------------------------------------------------------------------


def zip_with_parts(tmp_path, name="grids.zip", extra=()):
    """A zipped good shapefile, with ``extra`` (name, bytes) members."""
    shp = write_shapefile(tmp_path, good_features())
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            z.write(shp.with_suffix(suffix), f"grids{suffix}")
        for member, data in extra:
            z.writestr(member, data)
    return archive


def bomb(tmp_path, size: int) -> tuple:
    """A zipped shapefile whose .shp unpacks to ``size`` bytes of zeros (~1/1000 packed)."""
    shp = write_shapefile(tmp_path, good_features())
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("grids.shp", "w", force_zip64=True) as member:
            zeros = bytes(MB)
            for _ in range(size // MB):
                member.write(zeros)
        for suffix in (".shx", ".dbf"):
            z.write(shp.with_suffix(suffix), f"grids{suffix}")
    return archive


def peak_memory_of_refusal(database, path) -> tuple[ImportRejected, int]:
    tracemalloc.start()
    try:
        error = refused(database, path)
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_before_unpacking(database, tmp_path):
    archive = bomb(tmp_path, 256 * MB)
    assert archive.stat().st_size < 2 * MB
    error, peak = peak_memory_of_refusal(database, archive)
    assert "grids.shp in bomb.zip unpacks to 256 MB, over the limit of 64 MB" in str(error)
    assert peak < 16 * MB  # the archive itself, not what it unpacks to


def set_declared_size(archive, member: str, size: int) -> None:
    """Make the archive lie: ``member`` declares ``size`` bytes unpacked (local header and
    central directory)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(member)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    archive.write_bytes(bytes(data))


def test_zip_member_lying_about_its_size_is_refused_early(database, tmp_path):
    shp = write_shapefile(tmp_path, good_features())
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("grids.shp", bytes(96 * MB))
        for suffix in (".shx", ".dbf"):
            z.write(shp.with_suffix(suffix), f"grids{suffix}")
    set_declared_size(archive, "grids.shp", 1000)
    error, peak = peak_memory_of_refusal(database, archive)
    assert "liar.zip" in str(error)
    assert peak < 16 * MB


@pytest.mark.parametrize(
    "extra, words",
    [
        ([("../grids.txt", b"x")], "which climbs out of the archive (..)"),
        ([("/etc/grids.txt", b"x")], "the absolute path '/etc/grids.txt'"),
        ([("C:/grids.txt", b"x")], "the absolute path 'C:/grids.txt'"),
        ([("inner.zip", b"PK\x05\x06" + bytes(18))], "another archive (inner.zip)"),
        ([(f"readme{n}.txt", b"") for n in range(file_limits.MAX_ZIP_MEMBERS)],
         f"files, over the limit of {file_limits.MAX_ZIP_MEMBERS} for a zipped shapefile"),
        ([("grids.cpg", b"x" * (file_limits.MAX_SIDECAR_BYTES + 1))],
         "grids.cpg in grids.zip unpacks to 65,537 bytes, over the limit of 65,536"),
    ],
    ids=["climbing", "absolute", "drive", "nested", "members", "sidecar"],
)  # fmt: skip
def test_zip_with_hostile_members_is_refused(database, tmp_path, extra, words):
    error = refused(database, zip_with_parts(tmp_path, extra=extra))
    assert words in str(error)


def test_zip_that_is_not_a_zip_is_refused(database, tmp_path):
    path = tmp_path / "grids.zip"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    assert "is not a readable zip archive" in str(refused(database, path))


# --- Shapefiles ----------------------------------------------------------------------------------
# The good shapefile of test_grid_import: three one-ring boxes of 5 vertices. Record 1's header
# is at byte 100 of the .shp, its content at 108: type, box (32 bytes), parts at 144, points
# at 148, the first ring's start at 152.


def put(fmt: str, offset: int, value):
    def change(data: bytes) -> bytes:
        changed = bytearray(data)
        struct.pack_into(fmt, changed, offset, value)
        return bytes(changed)

    return change


def cut(size: int):
    return lambda data: data[:size]


def shp_declared_as_its_size(data: bytes) -> bytes:
    return put(">i", 24, len(data) // 2)(data)


MALFORMED = [
    # (label, part, change of its bytes, words of the refusal)
    ("shp cut mid-record", ".shp", cut(150), "declares 508 bytes but has 150 (the file is trunc"),
    ("shp header shortened too", ".shp", lambda d: shp_declared_as_its_size(d[:150]),
     "record 1 of grids.shp declares 128 bytes where 42 remain"),
    ("shp too short", ".shp", cut(60), "grids.shp is only 60 bytes, too short for a shapefile"),
    ("shp not a shapefile", ".shp", lambda d: bytes(range(256)) * 2,
     "grids.shp is not a shapefile (.shp)"),
    ("record length huge", ".shp", put(">i", 104, 2**31 - 1),
     "record 1 of grids.shp declares 4,294,967,294 bytes where 400"),
    ("record length negative", ".shp", put(">i", 104, -8), "record 1 of grids.shp declares -16"),
    ("points huge", ".shp", put("<i", 148, 2**31 - 1),
     f"record 1 of grids.shp has 2,147,483,647 vertices, over the limit of "
     f"{file_limits.MAX_VERTICES_PER_FEATURE:,}"),
    ("points more than the record", ".shp", put("<i", 148, 500),
     "declares 1 rings of 500 vertices, which need 8,048 bytes, but has 128"),
    ("points negative", ".shp", put("<i", 148, -5), "declares 1 rings of -5 vertices in all"),
    ("parts huge", ".shp", put("<i", 144, 2**31 - 1), "declares 2,147,483,647 rings of 5"),
    ("no rings", ".shp", put("<i", 144, 0), "declares 0 rings of 5 vertices"),
    ("ring start outside", ".shp", put("<i", 152, 99), "has ring starts that do not fit its 5"),
    ("record of another type", ".shp", put("<i", 108, 3),
     "record 1 of grids.shp is a POLYLINE shape in a file of POLYGON shapes"),
    ("file of lines", ".shp", put("<i", 32, 3), "grids.shp holds POLYLINE shapes; a grid must"),
    ("unknown type", ".shp", put("<i", 32, 99), "grids.shp holds type-99 (unknown) shapes"),
    ("shx missing an entry", ".shx", lambda d: put(">i", 24, (len(d) - 8) // 2)(d[:-8]),
     "the index grids.shx lists 2 records but grids.shp holds 3"),
    ("shx length huge", ".shx", put(">i", 24, 2**31 - 1), "grids.shx declares 4,294,967,294 bytes but has 124"),
    ("shx wrong offset", ".shx", put(">i", 108, 4), "does not match grids.shp at record 2"),
    ("shx garbage", ".shx", lambda d: bytes(len(d)), "grids.shx is not a shapefile index"),
    ("dbf records huge", ".dbf", put("<I", 4, 2**32 - 1),
     "the attribute table grids.dbf has 4,294,967,295 records but grids.shp holds 3 shapes"),
    ("dbf header past the end", ".dbf", put("<H", 8, 60_000),
     "declares a header of 60,000 bytes in a file of"),
    ("dbf header too short", ".dbf", put("<H", 8, 10), "declares a header of 10 bytes"),
    ("dbf records too short", ".dbf", put("<H", 10, 2),
     "declares records of 2 bytes, shorter than its fields (111 bytes)"),
    ("dbf truncated", ".dbf", lambda d: d[:-40], "the attribute table grids.dbf is truncated"),
    ("dbf field list damaged", ".dbf", put("<B", 32 + 5 * 32, 0x20),
     "the attribute table grids.dbf has a damaged field list"),
    ("dbf too short", ".dbf", cut(20), "the attribute table grids.dbf is only 20 bytes"),
    ("dbf field of unknown type", ".dbf", put("<c", 32 + 11, b"Z"),
     "grids.shp is not a readable shapefile"),
    ("prj binary", ".prj", lambda d: bytes(range(256)), "is not a longitude/latitude system"),
    ("prj huge", ".prj", lambda d: d * 1000, "grids.prj is 145,000 bytes, over the limit of 65,536 bytes; nothing"),
    ("cpg binary", ".cpg", lambda d: b"\xff\xfe\x00\x01", "which is unknown"),
]  # fmt: skip


@pytest.mark.parametrize("label, part, change, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_shapefile_is_a_clear_error(database, tmp_path, label, part, change, words):
    shp = write_shapefile(tmp_path, good_features(), cpg="UTF-8")
    target = shp.with_suffix(part)
    target.write_bytes(change(target.read_bytes()))
    error = refused(database, shp)
    assert error.problems == []
    assert words in str(error), str(error)


def test_shapefile_parts_over_the_size_limit_together_are_refused_unread(database, tmp_path):
    shp = write_shapefile(tmp_path, good_features())
    with shp.with_suffix(".dbf").open("r+b") as file:  # sparse: no disk used
        file.truncate(file_limits.MAX_FILE_BYTES)
    error, peak = peak_memory_of_refusal(database, shp)
    total = sum(shp.with_suffix(s).stat().st_size for s in (".shp", ".shx", ".dbf", ".prj"))
    over = f"grids.shp and its parts are {total:,} bytes together"
    assert over in str(error) and "over the limit of 64 MB (67,108,864 bytes)" in str(error)
    assert peak < 8 * MB


def test_malformed_shapefile_in_a_zip_is_the_same_clear_error(database, tmp_path):
    shp = write_shapefile(tmp_path, good_features())
    shp.write_bytes(put("<i", 148, 2**31 - 1)(shp.read_bytes()))
    archive = tmp_path / "grids.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for suffix in (".shp", ".shx", ".dbf"):
            z.write(shp.with_suffix(suffix), f"grids{suffix}")
    assert "record 1 of grids.shp has 2,147,483,647 vertices" in str(refused(database, archive))


def test_shapefile_without_prj_is_read_as_longitude_latitude(database, tmp_path):
    """No .prj is not malformed: many exports leave it out; the coordinates are still checked
    to be degrees (a projected file without .prj is refused feature by feature)."""
    assert run_import(database, write_shapefile(tmp_path, good_features(), prj=None)).inserted == 3
    projected = [feature(code(EAST, 4), box(500000, 3590000, 501000, 3591000))]
    error = rejected_with_problems(database, write_shapefile(tmp_path, projected, "p", prj=None))
    assert "not longitude/latitude degrees" in error.report()


def test_shapefile_with_a_null_shape_reports_the_feature(database, tmp_path):
    shp = write_shapefile(tmp_path, good_features())
    data = bytearray(shp.read_bytes())
    struct.pack_into("<i", data, 108, 0)  # record 1 becomes a null shape (its bytes stay)
    shp.write_bytes(bytes(data))
    error = rejected_with_problems(database, shp)
    assert error.problems == [
        f"feature 1 ({code(EAST, 1)}): geometry is missing; a grid must be a Polygon"
    ]


def test_shapefile_rows_marked_deleted_leave_their_shapes_out(database, tmp_path):
    """A .dbf row marked deleted is a deleted feature: its shape goes too, and the other rows
    stay with their own shapes (pyshp's iterShapeRecords paired each row with the shape
    before it)."""
    shp = write_shapefile(tmp_path, good_features())
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[struct.unpack_from("<H", data, 8)[0]] = ord("*")  # row 1's deletion flag
    dbf.write_bytes(bytes(data))
    assert run_import(database, shp).inserted == 2
    stored = stored_grids(database)
    assert set(stored) == {code(EAST, 2), code(WEST, 1, GridKind.RURAL)}
    assert stored[code(EAST, 2)][-1].equals(box(119.91, 32.48, 119.92, 32.50))


# --- The overlap check ---------------------------------------------------------------------------


@pytest.fixture
def measured_pairs(monkeypatch):
    """The number of pairs whose intersection the import computes: ``shapely.intersection``
    (arrays of pairs, the vectorised check) and ``BaseGeometry.intersection`` (one pair, the
    old pair-by-pair check). More than ``ceiling`` fails at once rather than after minutes."""
    counter = {"pairs": 0, "ceiling": 60_000}

    def count(pairs: int) -> None:
        counter["pairs"] += pairs
        if counter["pairs"] > counter["ceiling"]:
            raise AssertionError(f"more than {counter['ceiling']:,} pairs measured")

    vectorised = shapely.intersection
    one_pair = BaseGeometry.intersection

    def counting(a, b, *args, **kwargs):
        count(int(np.size(a)))
        return vectorised(a, b, *args, **kwargs)

    def counting_one(self, other, *args, **kwargs):
        count(1)
        return one_pair(self, other, *args, **kwargs)

    monkeypatch.setattr(shapely, "intersection", counting)
    monkeypatch.setattr(BaseGeometry, "intersection", counting_one)
    return counter


def test_two_thousand_mutually_overlapping_grids_measure_few_pairs(
    database, tmp_path, measured_pairs
):
    count = 2000
    features = [
        feature(
            code(EAST if n < 999 else WEST, n % 999 + 1),
            box(119.901 + n * 1e-6, 32.481 + n * 1e-6, 119.911 + n * 1e-6, 32.491 + n * 1e-6),
        )
        for n in range(count)
    ]
    measured_pairs["ceiling"] = 5000
    error = rejected_with_problems(database, write(tmp_path, features))
    overlaps = [p for p in error.problems if ": overlaps feature" in p]
    listed = file_limits.MAX_OVERLAPS_LISTED
    assert len(overlaps) == listed
    assert overlaps[0] == (
        f"feature 2 ({code(EAST, 2)}): overlaps feature 1 ({code(EAST, 1)}) by about 1,045,096 m²"
    )
    pairs = count * (count - 1) // 2
    assert error.problems[-1] == (
        f"… and {pairs - listed:,} more pair(s) of grids that may overlap were not checked: "
        f"the check stops after listing {listed} overlaps"
    )
    assert measured_pairs["pairs"] <= listed + grid_import._OverlapSearch.CHUNK


def test_ten_thousand_ordinary_grids_measure_only_neighbours(database, tmp_path, measured_pairs):
    """A 100 x 100 lattice: each grid meets its 8 neighbours (4 of them at a corner), so about
    4 pairs per grid are measured — and none overlaps."""
    side, step = 100, 0.0002
    features = [
        feature(
            code(EAST, 1),  # codes do not matter here: the geometry is checked all the same
            box(
                119.90 + x * step, 32.48 + y * step, 119.90 + (x + 1) * step, 32.48 + (y + 1) * step
            ),
        )
        for x in range(side)
        for y in range(side)
    ]
    error = rejected_with_problems(database, write(tmp_path, features))
    assert not any("overlap" in p for p in error.problems)
    neighbours = 4 * side * side - 6 * side + 2  # pairs of lattice cells that touch
    assert measured_pairs["pairs"] == neighbours


def test_report_of_overlaps_is_what_comparing_every_pair_gives(database, tmp_path):
    """Below the listing cap the report is the old one: every pair compared, in this order."""
    rng = np.random.default_rng(15)
    boxes = []
    for _ in range(80):
        x, y = rng.uniform(119.900, 119.918), rng.uniform(32.480, 32.498)
        w, h = rng.uniform(0.0005, 0.002, 2)
        boxes.append(box(x, y, x + w, y + h))
    features = [feature(code(EAST, n + 1), b) for n, b in enumerate(boxes)]
    error = rejected_with_problems(database, write(tmp_path, features))

    def area_m2(geometry) -> float:
        if geometry.is_empty:
            return 0.0
        return geometry.area * 111_320.0**2 * math.cos(math.radians(geometry.centroid.y))

    expected = []
    for j, b in enumerate(boxes):
        for i, a in enumerate(boxes[:j]):
            overlap = area_m2(a.intersection(b))
            if overlap > 10.0 and overlap > 0.001 * min(area_m2(a), area_m2(b)):
                expected.append(
                    f"feature {j + 1} ({code(EAST, j + 1)}): overlaps feature {i + 1} "
                    f"({code(EAST, i + 1)}) by about {overlap:,.0f} m²"
                )
    assert 20 < len(expected) < file_limits.MAX_OVERLAPS_LISTED
    assert error.problems == expected


def test_grids_whose_extents_all_meet_are_refused_without_measuring(
    database, tmp_path, measured_pairs, monkeypatch
):
    """Concentric rings: every extent holds the next, no two rings overlap. Past
    MAX_EXTENT_PAIRS such pairs the check stops and the file is refused."""
    monkeypatch.setattr(grid_import, "MAX_EXTENT_PAIRS", 5_000)
    centre = Point(119.91, 32.49)
    rings = [
        centre.buffer(0.0001 * (n + 1), 16).difference(centre.buffer(0.0001 * n + 0.00005, 16))
        for n in range(150)
    ]
    features = [feature(code(EAST, n + 1), ring) for n, ring in enumerate(rings)]
    error = rejected_with_problems(database, write(tmp_path, features))
    assert error.problems[-1].startswith(
        "the grids' extents meet in more than 5,000 pairs (a grid layer has a few per grid"
    )
    assert measured_pairs["pairs"] == 0  # rings only touch nowhere: nothing to measure


def test_overlaps_with_stored_grids_share_the_listing_cap(database, tmp_path, monkeypatch):
    monkeypatch.setattr(grid_import, "MAX_OVERLAPS_LISTED", 3)
    run_import(database, write(tmp_path, strips(8)))
    again = [
        feature(
            code(EAST, 100 + n), box(119.9001, 32.481 + n * 0.004, 119.9199, 32.484 + n * 0.004)
        )
        for n in range(4)
    ]  # bands across all 8 stored strips, apart from each other: 32 overlaps
    error = rejected_with_problems(database, write(tmp_path, again, "again.geojson"))
    assert len([p for p in error.problems if ": overlaps the stored grid" in p]) == 3
    assert error.problems[-1] == (
        "… and 29 more pair(s) of grids that may overlap were not checked: the check stops "
        "after listing 3 overlaps"
    )


def strips(count: int) -> list[dict]:
    width = 0.02 / count
    return [
        feature(code(EAST, n + 1), box(119.90 + n * width, 32.48, 119.90 + (n + 1) * width, 32.50))
        for n in range(count)
    ]


def test_json_feature_list_is_checked_not_a_dict_of_surprises(database, tmp_path):
    """Odd values in the right places are problems of their features, never a crash."""
    east1 = good_features()[0]
    odd = [
        east1 | {"properties": {"code": ["x"] * 3, "name": "n" * 500, "kind": "k" * 10_000}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[["a", "b"]]]}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "nonsense"}},
        {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[1e999, 5]]]}},
        "a string",
    ]
    path = tmp_path / "odd.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": odd}))
    error = rejected_with_problems(database, path)
    text = error.report(limit=100)
    assert "the name is 500 characters long, over 100" in text
    assert "feature 5: not a GeoJSON Feature" in text
    assert all(len(p) < 300 for p in error.problems)
