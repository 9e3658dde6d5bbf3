"""Import of grid boundaries from GeoJSON and shapefiles: good files import; each bad file
changes nothing."""

import json
import zipfile

import pytest

try:  # tests/ as a package or as a plain folder on sys.path
    from .cli_runner import run_cli
except ImportError:
    from cli_runner import run_cli

import shapefile
import shapely
from shapely.geometry import box, mapping, shape
from shapely.geometry.polygon import orient
from sqlalchemy import func, select

from commandcenter.domain.codes import make_grid_code
from commandcenter.domain.enums import AdminLevel, GridKind
from commandcenter.errors import ImportRejected
from commandcenter.geo.gcj02 import gcj02_to_wgs84, transform_geometry, wgs84_to_gcj02
from commandcenter.geo.grid_import import import_grids
from commandcenter.storage import open_database
from commandcenter.storage.models import AdminUnit, Grid

COUNTY, STREET = "321202000000", "321202001000"
EAST, WEST = "321202001001", "321202001002"  # two communities side by side
EAST_BOX = box(119.90, 32.48, 119.92, 32.50)
WEST_BOX = box(119.92, 32.48, 119.94, 32.50)


def code(community: str, number: int, kind: GridKind = GridKind.URBAN) -> str:
    return make_grid_code(community, number, kind)


def feature(grid_code, geometry, name="网格", **properties):
    props = {"name": name, **properties}
    if grid_code is not None:
        props["code"] = grid_code
    return {"type": "Feature", "properties": props, "geometry": mapping(geometry)}


def good_features():
    return [
        feature(code(EAST, 1), box(119.90, 32.48, 119.91, 32.50), "东一网格", households=400),
        feature(code(EAST, 2), box(119.91, 32.48, 119.92, 32.50), "东二网格", population=990),
        feature(code(WEST, 1, GridKind.RURAL), box(119.92, 32.48, 119.94, 32.50), "西一网格"),
    ]


def write(tmp_path, features, name="grids.geojson"):
    path = tmp_path / name
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
CGCS2000_PRJ = (
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",'
    'SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]]'
)
GAUSS_KRUGER_PRJ = (
    'PROJCS["CGCS2000_3_Degree_GK_CM_120E",' + CGCS2000_PRJ + ',PROJECTION["Gauss_Kruger"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
WEB_MERCATOR_PRJ = (
    'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",' + WGS84_PRJ + ","
    'PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],'
    'PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],'
    'UNIT["Meter",1.0]]'
)
BEIJING_1954_PRJ = (
    'GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,'
    '298.3],TOWGS84[15.8,-154.4,-82.3,0,0,0,0]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]]'
)


def write_shapefile(tmp_path, features, name="grids", *, encoding="utf-8", prj=WGS84_PRJ, cpg=None):
    """The features (as ``feature`` makes them) as a polygon shapefile written with pyshp, its
    fields in upper case as desktop GIS write them; returns the .shp path."""
    base = tmp_path / name
    with shapefile.Writer(base, shapeType=shapefile.POLYGON, encoding=encoding) as writer:
        writer.field("CODE", "C", size=30)
        writer.field("NAME", "C", size=50)
        writer.field("KIND", "C", size=10)
        writer.field("HOUSEHOLDS", "N", size=10)
        writer.field("POPULATION", "N", size=10)
        for item in features:
            polygon = shape(item["geometry"])
            if polygon.is_valid:  # the shapefile way: outer rings clockwise
                polygon = orient(polygon, sign=-1.0)
            writer.poly([list(polygon.exterior.coords)])
            properties = item["properties"]
            texts = [properties.get(k) or "" for k in ("code", "name", "kind")]
            writer.record(*texts, properties.get("households"), properties.get("population"))
    if prj is not None:
        base.with_suffix(".prj").write_text(prj, encoding="ascii")
    if cpg is not None:
        base.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return base.with_suffix(".shp")


def stored_grids(database) -> dict:
    with database.session() as s:
        return {
            g.code: (g.name, g.kind, g.households, g.population, g.community.code, g.geometry)
            for g in s.scalars(select(Grid))
        }


def open_two_communities(url: str):
    """A database with a county, a street and two communities side by side, no grids."""
    db = open_database(url)
    with db.session() as s, s.begin():
        county = AdminUnit(code=COUNTY, name="海陵区", level=AdminLevel.COUNTY)
        street = AdminUnit(code=STREET, name="城东街道", level=AdminLevel.TOWNSHIP, parent=county)
        street.set_geometry(EAST_BOX.union(WEST_BOX))
        for unit_code, name, boundary in ((EAST, "东社区", EAST_BOX), (WEST, "西社区", WEST_BOX)):
            unit = AdminUnit(code=unit_code, name=name, level=AdminLevel.COMMUNITY, parent=street)
            unit.set_geometry(boundary)
            s.add(unit)
    return db


@pytest.fixture
def database(db_url):
    db = open_two_communities(db_url)
    yield db
    db.dispose()


def run_import(database, path, **options):
    with database.session() as s, s.begin():
        return import_grids(s, path, **options)


def grid_count(database) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(Grid))


def rejected(database, path, **options) -> ImportRejected:
    before = grid_count(database)
    with pytest.raises(ImportRejected) as info:
        run_import(database, path, **options)
    assert grid_count(database) == before
    return info.value


def test_good_file_imports(database, tmp_path):
    result = run_import(database, write(tmp_path, good_features()))
    assert (result.features, result.inserted, result.replaced) == (3, 3, 0)
    assert result.communities == 2
    assert "Imported 3 grid(s)" in result.summary()
    with database.session() as s:
        grids = {g.code: g for g in s.scalars(select(Grid))}
        east1 = grids[code(EAST, 1)]
        assert east1.name == "东一网格" and east1.kind == GridKind.URBAN
        assert east1.households == 400 and east1.population == 0
        assert east1.community.code == EAST
        assert (east1.min_lon, east1.max_lon) == pytest.approx((119.90, 119.91))
        assert east1.geometry.equals(box(119.90, 32.48, 119.91, 32.50))
        assert east1.geometry.contains(shapely.Point(east1.centroid_lon, east1.centroid_lat))
        west1 = grids[code(WEST, 1, GridKind.RURAL)]
        assert west1.kind == GridKind.RURAL and west1.community.code == WEST


def test_replace_overwrites_existing_grids(database, tmp_path):
    run_import(database, write(tmp_path, good_features()))
    smaller = [feature(code(EAST, 1), box(119.90, 32.48, 119.905, 32.49), "新名字")]
    path = write(tmp_path, smaller, "again.geojson")
    report = rejected(database, path)
    assert "already exists" in report.problems[0] and "--replace" in report.problems[0]
    result = run_import(database, path, replace=True)
    assert (result.inserted, result.replaced) == (0, 1)
    with database.session() as s:
        grid = s.scalars(select(Grid).where(Grid.code == code(EAST, 1))).one()
        assert grid.name == "新名字" and grid.households == 400  # kept: not in the file
        assert grid.max_lat == pytest.approx(32.49)
    assert grid_count(database) == 3


def test_overlap_with_stored_grid_of_the_community(database, tmp_path):
    run_import(database, write(tmp_path, good_features()[:1]))
    overlapping = [feature(code(EAST, 2), box(119.905, 32.48, 119.92, 32.50))]
    report = rejected(database, write(tmp_path, overlapping, "b.geojson"))
    assert len(report.problems) == 1
    assert f"overlaps the stored grid {code(EAST, 1)}" in report.problems[0]


def test_touching_and_sliver_overlaps_are_tolerated(database, tmp_path):
    features = good_features()
    # A 1 cm sliver along the shared boundary: digitising noise, not an overlap.
    features[1]["geometry"] = mapping(box(119.9099999, 32.48, 119.92, 32.50))
    result = run_import(database, write(tmp_path, features))
    assert result.inserted == 3


BOWTIE = shapely.Polygon([(119.90, 32.48), (119.91, 32.49), (119.91, 32.48), (119.90, 32.49)])


def bad_files():
    """(label, features or raw text, words the report must contain)."""
    east1, east2, west1 = good_features()
    return [
        ("broken JSON", '{"type": "FeatureCollection", "features": [', "not valid JSON (line 1"),
        ("not a collection", json.dumps(east1), "not a GeoJSON FeatureCollection"),
        ("empty", json.dumps({"type": "FeatureCollection", "features": []}), "no features"),
        ("bowtie", [east1 | {"geometry": mapping(BOWTIE)}], "Self-intersection"),
        ("overlap", [east1, feature(code(EAST, 2), box(119.905, 32.48, 119.915, 32.50))],
         f"feature 2 ({code(EAST, 2)}): overlaps feature 1 ({code(EAST, 1)})"),
        ("outside", [feature(code(EAST, 3), box(119.915, 32.48, 119.925, 32.49))],
         f"50% of the grid lies outside its community {EAST}"),
        ("missing code", [east1, feature(None, box(119.91, 32.48, 119.92, 32.50))],
         "feature 2: has no grid code"),
        ("malformed code", [feature("32120200100001", box(119.91, 32.48, 119.92, 32.50))],
         "invalid code: A grid code must have 19 digits, this one has 14"),
        ("bad attribute", [feature(code(EAST, 1)[:-2] + "07", box(119.91, 32.48, 119.92, 32.5))],
         "attribute 07 is not 01"),
        ("unknown community", [feature(code("321202001009", 1), box(119.91, 32.48, 119.92, 32.5))],
         "community 321202001009 (from the code) is not a unit of this installation"),
        ("duplicate", [east1, west1, east2 | {"properties": east1["properties"]}],
         f"feature 3 ({code(EAST, 1)}): duplicate code, feature 1 has it too"),
        ("not a polygon", [east1 | {"geometry": {"type": "Point", "coordinates": [119.9, 32.5]}}],
         "geometry is Point; a grid must be a Polygon"),
        ("projected", [east1 | {"geometry": mapping(box(500000, 3590000, 501000, 3591000))}],
         "not longitude/latitude degrees"),
        ("kind disagrees", [east1 | {"properties": east1["properties"] | {"kind": "rural"}}],
         "attribute 01 says urban, but the grid is rural"),
        ("bad households", [east1 | {"properties": east1["properties"] | {"households": "many"}}],
         "households 'many' is not a number"),
    ]  # fmt: skip


@pytest.mark.parametrize("label, content, words", bad_files(), ids=[b[0] for b in bad_files()])
def test_bad_file_is_rejected_and_changes_nothing(database, tmp_path, label, content, words):
    path = tmp_path / "bad.geojson"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path = write(tmp_path, content)
    report = rejected(database, path)
    text = report.report()
    assert words in text, text
    assert "nothing changed" in text


def test_existing_code_without_replace_after_a_good_import(database, tmp_path):
    run_import(database, write(tmp_path, good_features()))
    report = rejected(database, write(tmp_path, good_features(), "again.geojson"))
    assert len(report.problems) == 3
    assert all("already exists" in p for p in report.problems)


def test_every_problem_is_listed_with_its_feature(database, tmp_path):
    east1, east2, _ = good_features()
    features = [east1, east2 | {"geometry": mapping(BOWTIE)}, feature(None, BOWTIE)]
    report = rejected(database, write(tmp_path, features))
    text = report.report()
    assert f"feature 2 ({code(EAST, 2)}): invalid polygon: Self-intersection" in text
    assert "feature 3: has no grid code" in text and "feature 3: invalid polygon" in text
    assert not any(p.startswith("feature 1") for p in report.problems)


def test_gcj02_file_is_converted(database, tmp_path):
    wgs = box(119.905, 32.485, 119.915, 32.495)
    gcj = transform_geometry(wgs, wgs84_to_gcj02)
    path = write(tmp_path, [feature(code(EAST, 5), gcj)])
    run_import(database, path, gcj02=True)
    with database.session() as s:
        stored = s.scalars(select(Grid)).one().geometry
    file_coords = shapely.get_coordinates(gcj)
    stored_coords = shapely.get_coordinates(stored)
    for (glon, glat), (lon, lat) in zip(file_coords, stored_coords, strict=True):
        expected = gcj02_to_wgs84(glon, glat)
        assert (lon, lat) == pytest.approx(expected, abs=1e-9)
        # The GCJ-02 offset in Taizhou is about half a kilometre, east and a little south.
        east_m = (glon - lon) * 111_320 * 0.843
        north_m = (glat - lat) * 111_320
        assert 400 < east_m < 500 and -300 < north_m < -200
    assert stored.equals_exact(wgs, tolerance=1e-8)


def test_gcj02_file_without_the_flag_lands_elsewhere(database, tmp_path):
    wgs = box(119.905, 32.485, 119.915, 32.495)
    path = write(tmp_path, [feature(code(EAST, 5), transform_geometry(wgs, wgs84_to_gcj02))])
    run_import(database, path)
    with database.session() as s:
        stored = s.scalars(select(Grid)).one().geometry
    assert not stored.equals_exact(wgs, tolerance=1e-4)


def test_shapefile_imports_like_geojson(database, tmp_path):
    result = run_import(database, write_shapefile(tmp_path, good_features()))
    assert (result.features, result.inserted, result.replaced, result.communities) == (3, 3, 0, 2)
    assert "from grids.shp" in result.summary()
    from_shapefile = stored_grids(database)
    again = run_import(database, write(tmp_path, good_features()), replace=True)
    assert (again.inserted, again.replaced) == (0, 3)
    from_geojson = stored_grids(database)
    assert from_shapefile.keys() == from_geojson.keys()
    for grid_code, (*fields, geometry) in from_shapefile.items():
        assert fields == list(from_geojson[grid_code][:-1])
        assert geometry.equals(from_geojson[grid_code][-1])
    assert from_shapefile[code(EAST, 1)][:5] == ("东一网格", GridKind.URBAN, 400, 0, EAST)


def test_zipped_shapefile_imports(database, tmp_path):
    shp = write_shapefile(tmp_path, good_features())
    archive = tmp_path / "grids.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in sorted(tmp_path.glob("grids.*")):
            if part != archive:
                z.write(part, f"海陵区网格/{part.name}")
    assert run_import(database, archive).inserted == 3
    shp.with_suffix(".dbf").unlink()
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        z.write(shp, "a.shp")
        z.write(shp, "b.shp")
    assert "holds 2 shapefiles" in rejected(database, tmp_path / "two.zip").report()


@pytest.mark.parametrize(
    "encoding, cpg",
    [("gbk", None), ("gbk", "GBK"), ("gbk", "936"), ("utf-8", None), ("utf-8", "UTF-8")],
)
def test_shapefile_text_encodings(database, tmp_path, encoding, cpg):
    """Chinese names in GBK (many Chinese shapefiles) or UTF-8, with or without a .cpg."""
    path = write_shapefile(tmp_path, good_features(), encoding=encoding, cpg=cpg)
    run_import(database, path)
    names = {name for name, *_ in stored_grids(database).values()}
    assert names == {"东一网格", "东二网格", "西一网格"}


def test_shapefile_text_that_does_not_decode_is_rejected(database, tmp_path):
    gbk = write_shapefile(tmp_path, good_features(), encoding="gbk", cpg="UTF-8")
    text = rejected(database, gbk).report()
    assert "attribute table (.dbf) of grids.shp is not UTF-8 text as its .cpg says" in text
    garbled = [feature(code(EAST, 1), box(119.90, 32.48, 119.91, 32.50), "\xff\xff")]
    latin = write_shapefile(tmp_path, garbled, "garbled", encoding="latin-1")
    assert "is neither UTF-8 nor GBK/GB18030 text" in rejected(database, latin).report()
    unknown = write_shapefile(tmp_path, good_features(), "unknown", cpg="KLINGON")
    assert "names the encoding 'klingon', which is unknown" in rejected(database, unknown).report()


def test_shapefile_in_cgcs2000_longitude_latitude_imports(database, tmp_path):
    path = write_shapefile(tmp_path, good_features(), prj=CGCS2000_PRJ)
    assert run_import(database, path).inserted == 3


@pytest.mark.parametrize(
    "prj, words",
    [
        (GAUSS_KRUGER_PRJ, "projected coordinate system 'CGCS2000_3_Degree_GK_CM_120E'"),
        (WEB_MERCATOR_PRJ, "projected coordinate system 'WGS_1984_Web_Mercator_Auxiliary"),
        (BEIJING_1954_PRJ, "geographic system 'GCS_Beijing_1954', not WGS-84"),
        ('GEOCCS["WGS 84 (geocentric)"]', "is not a longitude/latitude system"),
    ],
    ids=["gauss-kruger", "web-mercator", "beijing-1954", "geocentric"],
)
def test_shapefile_in_another_coordinate_system_is_rejected(database, tmp_path, prj, words):
    text = rejected(database, write_shapefile(tmp_path, good_features(), prj=prj)).report()
    assert words in text and "EPSG:4326" in text and "nothing changed" in text


@pytest.mark.parametrize("part", [".dbf", ".shx"])
def test_shapefile_without_its_parts_is_rejected(database, tmp_path, part):
    path = write_shapefile(tmp_path, good_features())
    path.with_suffix(part).unlink()
    text = rejected(database, path).report()
    assert f"grids.shp comes without its {part} file" in text


def test_shapefile_problems_are_reported_like_geojson(database, tmp_path):
    east1, east2, _ = good_features()
    features = [east1, feature(None, BOWTIE), east2 | {"geometry": east1["geometry"]}]
    text = rejected(database, write_shapefile(tmp_path, features)).report()
    assert "feature 2: has no grid code" in text and "feature 2: invalid polygon" in text
    assert f"feature 3 ({code(EAST, 2)}): overlaps feature 1 ({code(EAST, 1)})" in text


def test_shapefile_of_points_is_rejected(database, tmp_path):
    with shapefile.Writer(tmp_path / "points", shapeType=shapefile.POINT) as writer:
        writer.field("CODE", "C", size=30)
        writer.point(119.9, 32.5)
        writer.record(code(EAST, 1))
    text = rejected(database, tmp_path / "points.shp").report()
    assert "points.shp holds POINT shapes; a grid must be a Polygon" in text


def strips(count: int) -> list[dict]:
    """``count`` grids side by side filling the east community."""
    width = 0.02 / count
    return [
        feature(code(EAST, n + 1), box(119.90 + n * width, 32.48, 119.90 + (n + 1) * width, 32.50))
        for n in range(count)
    ]


def test_progress_rises_to_one_and_changes_nothing(database, tmp_path):
    calls = []
    path = write(tmp_path, strips(120))
    result = run_import(database, path, progress=lambda f, m: calls.append((f, m)))
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(a < b for a, b in zip(fractions, fractions[1:], strict=False))
    assert all(isinstance(m, str) and m for _, m in calls)
    assert any("overlaps" in m for _, m in calls)
    # Reported within the long loops, but not for every grid.
    assert 20 < len(calls) < 120
    overlaps = [f for f, m in calls if m == "Checking overlaps between grids"]
    assert len(overlaps) >= 10
    assert max(b - a for a, b in zip(overlaps, overlaps[1:], strict=False)) <= 0.03
    assert result.inserted == 120

    quiet = run_import(database, write(tmp_path, strips(120), "b.geojson"), replace=True)
    assert (quiet.features, quiet.replaced) == (120, 120)


def test_progress_stops_short_on_rejection(database, tmp_path):
    calls = []
    features = strips(10) + [feature(None, box(119.90, 32.48, 119.91, 32.49))]
    with pytest.raises(ImportRejected):
        run_import(database, write(tmp_path, features), progress=lambda f, m: calls.append(f))
    assert calls and calls[-1] < 1.0
    assert grid_count(database) == 0


def cli(*args):
    return run_cli("import-grids", *args)


def test_cli_imports_and_reports(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = open_database(url)
    with db.session() as s, s.begin():
        unit = AdminUnit(code=EAST, name="东社区", level=AdminLevel.COMMUNITY)
        unit.set_geometry(EAST_BOX)
        s.add(unit)
    db.dispose()
    good = write(tmp_path, good_features()[:2])
    first = cli(str(good), "--db", url)
    assert first.returncode == 0, first.stderr
    assert "Imported 2 grid(s) from grids.geojson: 2 new, 0 replaced" in first.stdout
    again = cli(str(good), "--db", url)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert "nothing changed" in again.stderr
    in_gcj02 = [
        f
        | {
            "geometry": mapping(
                transform_geometry(shapely.geometry.shape(f["geometry"]), wgs84_to_gcj02)
            )
        }
        for f in good_features()[:2]
    ]
    replaced = cli(
        str(write(tmp_path, in_gcj02, "gcj.geojson")), "--replace", "--gcj02", "--db", url
    )
    assert replaced.returncode == 0, replaced.stderr
    assert "0 new, 2 replaced" in replaced.stdout and "GCJ-02" in replaced.stdout
    broken = tmp_path / "broken.geojson"
    broken.write_text("{", encoding="utf-8")
    bad = cli(str(broken), "--db", url)
    assert bad.returncode == 1 and "not valid JSON" in bad.stderr
