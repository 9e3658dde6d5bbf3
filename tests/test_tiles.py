"""Offline basemap tiles: slippy tile math, MBTiles and XYZ folders, GCJ-02 placement, cache."""

import math
import sqlite3
import threading

import cv2
import numpy as np
import pytest

from commandcenter.geo.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from commandcenter.geo.mapdata import (
    ORIGIN_SHIFT,
    lonlat_to_mercator,
    mercator_to_lonlat,
    metres_per_pixel,
)
from commandcenter.geo.tiles import (
    MAX_VIEW_TILES,
    MBTilesSource,
    TileCache,
    TileSource,
    TileSourceError,
    XYZFolderSource,
    gcj02_shift,
    open_tile_source,
    tile_bounds,
    tile_containing,
    tile_placement,
    tiles_for_view,
    zoom_for_resolution,
)

TAIZHOU = (119.92, 32.49)


def slippy_index(lon, lat, z):
    """The standard OpenStreetMap formula, written out independently of the module."""
    n = 2**z
    phi = math.radians(lat)
    x = math.floor((lon + 180.0) / 360.0 * n)
    y = math.floor((1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0 * n)
    return x, y


def png(value: int) -> bytes:
    """A small distinct PNG per tile, so reading the wrong one shows."""
    ok, buf = cv2.imencode(".png", np.full((8, 8, 3), value, dtype=np.uint8))
    assert ok
    return buf.tobytes()


def jpeg(value: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", np.full((8, 8, 3), value, dtype=np.uint8))
    assert ok
    return buf.tobytes()


def make_mbtiles(path, tiles, metadata=None):
    """Write an MBTiles file; ``tiles`` maps XYZ (z, x, y) to bytes, stored TMS-flipped."""
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB)"
    )
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    for (z, x, y), data in tiles.items():
        conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
    for name, value in (metadata or {}).items():
        conn.execute("INSERT INTO metadata VALUES (?, ?)", (name, value))
    conn.commit()
    conn.close()
    return path


# A few tiles around Taizhou at zooms 10-12 with distinct contents.
def taizhou_tiles():
    tiles = {}
    for value, z in enumerate((10, 11, 12)):
        x, y = slippy_index(*TAIZHOU, z)
        tiles[(z, x, y)] = png(10 * value + 1)
        tiles[(z, x + 1, y)] = png(10 * value + 2)
        tiles[(z, x, y + 1)] = png(10 * value + 3)
    return tiles


# --------------------------------------------------------------------------- tile math


def test_zoom_0_tile_is_the_whole_world():
    assert tile_bounds(0, 0, 0) == pytest.approx(
        (-ORIGIN_SHIFT, -ORIGIN_SHIFT, ORIGIN_SHIFT, ORIGIN_SHIFT)
    )


def test_zoom_1_tiles_are_the_quadrants_numbered_from_the_north_west():
    assert tile_bounds(1, 0, 0) == pytest.approx((-ORIGIN_SHIFT, 0, 0, ORIGIN_SHIFT))
    assert tile_bounds(1, 1, 1) == pytest.approx((0, -ORIGIN_SHIFT, ORIGIN_SHIFT, 0))


def test_tile_side_is_256_pixels_at_its_zoom():
    for z in (0, 5, 12, 18):
        min_x, min_y, max_x, max_y = tile_bounds(z, 0, 0)
        assert max_x - min_x == pytest.approx(256 * metres_per_pixel(z))
        assert max_y - min_y == pytest.approx(256 * metres_per_pixel(z))


@pytest.mark.parametrize("bad", [(1, 2, 0), (1, 0, -1), (-1, 0, 0), (3, 8, 0)])
def test_tile_bounds_rejects_indices_off_the_grid(bad):
    with pytest.raises(ValueError, match="no tile"):
        tile_bounds(*bad)


@pytest.mark.parametrize(
    "lonlat", [TAIZHOU, (116.397, 39.909), (-0.1276, 51.5072), (-58.38, -34.60), (151.2, -33.9)]
)
def test_tile_containing_a_point_matches_the_slippy_formula(lonlat):
    mx, my = (float(v) for v in lonlat_to_mercator(*lonlat))
    for z in (1, 7, 12, 16):
        expected = slippy_index(*lonlat, z)
        assert tile_containing(z, mx, my) == expected
        min_x, min_y, max_x, max_y = tile_bounds(z, *expected)
        assert min_x <= mx < max_x and min_y < my <= max_y


def test_taizhou_tile_at_zoom_12():
    # Worked by hand: (119.92 + 180) / 360 * 4096 = 3412.4 and
    # (1 - asinh(tan 32.49°) / pi) / 2 * 4096 = (1 - 0.6001 / pi) / 2 * 4096 = 1656.8.
    assert slippy_index(*TAIZHOU, 12) == (3412, 1656)
    mx, my = (float(v) for v in lonlat_to_mercator(*TAIZHOU))
    assert tile_containing(12, mx, my) == (3412, 1656)


def test_tile_containing_clamps_the_world_edges():
    assert tile_containing(3, ORIGIN_SHIFT, -ORIGIN_SHIFT) == (7, 7)
    assert tile_containing(3, -2 * ORIGIN_SHIFT, 2 * ORIGIN_SHIFT) == (0, 0)


def test_zoom_is_the_nearest_on_a_log_scale_and_never_much_coarser():
    for z in range(2, 19):
        assert zoom_for_resolution(metres_per_pixel(z), 0, 22) == z
        assert zoom_for_resolution(metres_per_pixel(z + 0.4), 0, 22) == z
        assert zoom_for_resolution(metres_per_pixel(z + 0.6), 0, 22) == z + 1
    rng = np.random.default_rng(7)
    for exact in rng.uniform(0, 20, 500):
        view = metres_per_pixel(exact)
        tile = metres_per_pixel(zoom_for_resolution(view, 0, 22))
        assert tile / view <= 1.5
        assert view / tile <= 1.5


def test_zoom_is_clamped_to_the_source_range():
    assert zoom_for_resolution(metres_per_pixel(19), 8, 16) == 16
    assert zoom_for_resolution(metres_per_pixel(3), 8, 16) == 8
    with pytest.raises(ValueError):
        zoom_for_resolution(0.0, 0, 18)
    with pytest.raises(ValueError):
        zoom_for_resolution(1.0, 10, 5)


def covered(z, tiles):
    bounds = np.array([tile_bounds(z, x, y) for x, y in tiles])
    return bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()


def test_tiles_for_view_cover_the_bbox_exactly():
    cx, cy = (float(v) for v in lonlat_to_mercator(*TAIZHOU))
    rng = np.random.default_rng(11)
    for _ in range(50):
        mpp = metres_per_pixel(rng.uniform(9, 18))
        w, h = rng.uniform(300, 2000), rng.uniform(200, 1200)
        ox, oy = rng.uniform(-5000, 5000, 2)
        bbox = (
            cx + ox - w / 2 * mpp,
            cy + oy - h / 2 * mpp,
            cx + ox + w / 2 * mpp,
            cy + oy + h / 2 * mpp,
        )
        z, tiles = tiles_for_view(bbox, mpp, 0, 20)
        assert z == zoom_for_resolution(mpp, 0, 20)
        assert len(set(tiles)) == len(tiles)
        # A full rectangle of tiles ...
        xs = {x for x, _ in tiles}
        ys = {y for _, y in tiles}
        assert len(tiles) == len(xs) * len(ys)
        assert xs == set(range(min(xs), max(xs) + 1))
        assert ys == set(range(min(ys), max(ys) + 1))
        # ... whose union covers the bbox and whose every tile touches it.
        min_x, min_y, max_x, max_y = covered(z, tiles)
        assert min_x <= bbox[0] and min_y <= bbox[1] and max_x >= bbox[2] and max_y >= bbox[3]
        for x, y in tiles:
            b = tile_bounds(z, x, y)
            assert b[0] < bbox[2] and b[2] > bbox[0] and b[1] < bbox[3] and b[3] > bbox[1]
        # Centre first: the first tile holds the view's centre.
        assert tiles[0] == tile_containing(z, cx + ox, cy + oy)


def test_tiles_for_view_bbox_on_tile_edges_takes_no_extra_row_or_column():
    b = tile_bounds(12, 3412, 1656)
    z, tiles = tiles_for_view(b, metres_per_pixel(12), 0, 18)
    assert (z, tiles) == (12, [(3412, 1656)])


def test_tiles_for_view_clamps_to_the_world():
    huge = (-3 * ORIGIN_SHIFT, -3 * ORIGIN_SHIFT, 3 * ORIGIN_SHIFT, 3 * ORIGIN_SHIFT)
    z, tiles = tiles_for_view(huge, metres_per_pixel(2), 0, 18)
    assert z == 2
    assert sorted(tiles) == [(x, y) for x in range(4) for y in range(4)]
    off_world = (3 * ORIGIN_SHIFT, 0, 4 * ORIGIN_SHIFT, 1000)
    assert tiles_for_view(off_world, metres_per_pixel(5), 0, 18)[1] == []


def test_tiles_for_view_goes_coarser_rather_than_fetch_thousands():
    # All of China at street scale: far too many tiles at zoom 16.
    x0, y0 = (float(v) for v in lonlat_to_mercator(73.0, 18.0))
    x1, y1 = (float(v) for v in lonlat_to_mercator(135.0, 53.0))
    mpp = metres_per_pixel(16)
    z, tiles = tiles_for_view((x0, y0, x1, y1), mpp, 0, 18)
    assert 0 < len(tiles) <= MAX_VIEW_TILES
    assert z < 16
    # Still the whole view (135° E is a tile edge: allow for rounding of the last bit).
    min_x, min_y, max_x, max_y = covered(z, tiles)
    eps = 1e-6
    assert min_x <= x0 + eps and min_y <= y0 + eps and max_x >= x1 - eps and max_y >= y1 - eps
    # and the zoom is the finest that fits under the cap.
    finer = tiles_for_view((x0, y0, x1, y1), mpp, z + 1, z + 1, max_tiles=10**6)[1]
    assert len(finer) > MAX_VIEW_TILES


def test_tiles_for_view_caps_at_the_sources_minimum_zoom():
    # A city-only source (zoom 14+) seen at country scale: capped, nearest the centre kept.
    x0, y0 = (float(v) for v in lonlat_to_mercator(110.0, 25.0))
    x1, y1 = (float(v) for v in lonlat_to_mercator(125.0, 40.0))
    z, tiles = tiles_for_view((x0, y0, x1, y1), metres_per_pixel(6), 14, 18, max_tiles=100)
    assert z == 14
    assert len(tiles) == 100
    centre = tile_containing(14, (x0 + x1) / 2, (y0 + y1) / 2)
    assert tiles[0] == centre
    assert max(abs(x - centre[0]) for x, _ in tiles) <= 6
    assert max(abs(y - centre[1]) for _, y in tiles) <= 6


# --------------------------------------------------------------------------- MBTiles


def test_mbtiles_reads_tms_rows_as_xyz(tmp_path):
    tiles = taizhou_tiles()
    path = make_mbtiles(
        tmp_path / "taizhou.mbtiles",
        tiles,
        {"name": "泰州底图", "minzoom": "10", "maxzoom": "12", "format": "png"},
    )
    with MBTilesSource(path) as source:
        assert isinstance(source, TileSource)
        assert (source.name, source.min_zoom, source.max_zoom) == ("泰州底图", 10, 12)
        assert source.format == "png"
        assert source.gcj02 is False
        for key, data in tiles.items():
            assert source.tile(*key) == data
        x, y = slippy_index(*TAIZHOU, 12)
        decoded = cv2.imdecode(np.frombuffer(source.tile(12, x, y + 1), np.uint8), 1)
        assert decoded[0, 0].tolist() == [23, 23, 23]
        # Missing tiles, and tiles outside the zoom range or the grid: None.
        assert source.tile(12, x + 5, y) is None
        assert source.tile(9, *slippy_index(*TAIZHOU, 9)) is None
        assert source.tile(12, 4096, 0) is None
        assert source.tile(12, x, -1) is None
    assert source.tile(12, x, y) is None  # closed


def test_mbtiles_zoom_range_from_tiles_when_metadata_lacks_it(tmp_path):
    path = make_mbtiles(tmp_path / "bare.mbtiles", taizhou_tiles(), {"minzoom": "abc"})
    source = MBTilesSource(path, gcj02=True)
    assert (source.name, source.min_zoom, source.max_zoom) == ("bare", 10, 12)
    assert source.gcj02 is True
    assert source.format is None
    source.close()
    source.close()  # twice is harmless


def test_mbtiles_without_metadata_table(tmp_path):
    path = tmp_path / "nometa.mbtiles"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data)")
    conn.execute("INSERT INTO tiles VALUES (3, 6, 2, ?)", (png(5),))  # XYZ y = 8 - 1 - 2 = 5
    conn.commit()
    conn.close()
    with open_tile_source(path) as source:
        assert isinstance(source, MBTilesSource)
        assert (source.min_zoom, source.max_zoom) == (3, 3)
        assert source.tile(3, 6, 5) == png(5)
        assert source.tile(3, 6, 2) is None


def test_mbtiles_opens_read_only_and_serves_other_threads(tmp_path):
    tiles = taizhou_tiles()
    path = make_mbtiles(tmp_path / "t.mbtiles", tiles)
    with MBTilesSource(path) as source:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            source._conn.execute("DELETE FROM tiles")
        results = {}

        def fetch(key):
            for _ in range(50):
                results[key] = source.tile(*key)

        threads = [threading.Thread(target=fetch, args=(key,)) for key in tiles]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == tiles


def test_mbtiles_path_with_spaces_and_unicode(tmp_path):
    folder = tmp_path / "底图 文件夹 #1"
    folder.mkdir()
    path = make_mbtiles(folder / "a b%20c.mbtiles", taizhou_tiles())
    with MBTilesSource(path) as source:
        assert source.min_zoom == 10


def test_mbtiles_missing_file(tmp_path):
    with pytest.raises(TileSourceError, match=r"nothere\.mbtiles does not exist"):
        MBTilesSource(tmp_path / "nothere.mbtiles")


def test_mbtiles_not_sqlite(tmp_path):
    path = tmp_path / "picture.mbtiles"
    path.write_bytes(png(1))
    with pytest.raises(
        TileSourceError, match=r"picture\.mbtiles is not an MBTiles file: not an SQLite"
    ):
        MBTilesSource(path)
    empty = tmp_path / "empty.mbtiles"
    empty.write_bytes(b"")
    with pytest.raises(TileSourceError, match="empty"):
        MBTilesSource(empty)


def test_mbtiles_without_tiles_table(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE grids (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(
        TileSourceError, match=r"other\.sqlite is not an MBTiles file: it has no tiles table"
    ):
        MBTilesSource(path)


def test_mbtiles_tiles_table_missing_columns(tmp_path):
    path = tmp_path / "odd.mbtiles"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tiles (zoom_level, tile_column, tile_data)")
    conn.commit()
    conn.close()
    with pytest.raises(TileSourceError, match="lacks column.*tile_row"):
        MBTilesSource(path)


def test_mbtiles_empty_and_vector(tmp_path):
    with pytest.raises(TileSourceError, match=r"empty2\.mbtiles has no tiles"):
        MBTilesSource(make_mbtiles(tmp_path / "empty2.mbtiles", {}))
    vector = make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1a\x00"}, {"format": "pbf"})
    with pytest.raises(TileSourceError, match="vector tiles"):
        MBTilesSource(vector)


def test_mbtiles_given_a_folder(tmp_path):
    with pytest.raises(TileSourceError, match="is not a file"):
        MBTilesSource(tmp_path)


# --------------------------------------------------------------------------- XYZ folder


def make_folder(root, tiles, ext=".png", tms=False):
    for (z, x, y), data in tiles.items():
        row = 2**z - 1 - y if tms else y
        target = root / str(z) / str(x) / f"{row}{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def test_xyz_folder_reads_tiles(tmp_path):
    tiles = taizhou_tiles()
    root = make_folder(tmp_path / "osm", tiles)
    (root / "README.txt").write_text("not a zoom")
    (root / "legend").mkdir()
    with XYZFolderSource(root, gcj02=True) as source:
        assert (source.name, source.min_zoom, source.max_zoom) == ("osm", 10, 12)
        assert source.gcj02 is True
        for key, data in tiles.items():
            assert source.tile(*key) == data
        x, y = slippy_index(*TAIZHOU, 12)
        assert source.tile(12, x + 7, y) is None
        assert source.tile(13, x, y) is None
    assert source.tile(12, x, y) is None


def test_xyz_folder_other_extensions_and_mixed(tmp_path):
    tiles = taizhou_tiles()
    root = make_folder(tmp_path / "jpg", {k: jpeg(7) for k in tiles}, ext=".jpg")
    key = next(iter(tiles))
    (root / str(key[0]) / str(key[1]) / f"{key[2]}.jpg").unlink()
    (root / str(key[0]) / str(key[1]) / f"{key[2]}.webp").write_bytes(b"RIFFwebp")
    source = open_tile_source(root)
    assert isinstance(source, XYZFolderSource)
    assert source.tile(*key) == b"RIFFwebp"
    for other in list(tiles)[1:]:
        assert source.tile(*other) == jpeg(7)
    jpeg_root = make_folder(tmp_path / "jpeg", {(0, 0, 0): jpeg(9)}, ext=".jpeg")
    assert XYZFolderSource(jpeg_root).tile(0, 0, 0) == jpeg(9)


def test_xyz_folder_tms_numbering(tmp_path):
    tiles = taizhou_tiles()
    root = make_folder(tmp_path / "gdal", tiles, tms=True)
    source = XYZFolderSource(root, tms=True)
    for key, data in tiles.items():
        assert source.tile(*key) == data


def test_xyz_folder_errors(tmp_path):
    with pytest.raises(TileSourceError, match=r"tile folder .*nowhere does not exist"):
        XYZFolderSource(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "tiles").mkdir()
    with pytest.raises(TileSourceError, match=r"empty has no zoom folders"):
        XYZFolderSource(tmp_path / "empty")
    file = tmp_path / "a.png"
    file.write_bytes(png(1))
    with pytest.raises(TileSourceError, match="not a folder"):
        XYZFolderSource(file)


def test_open_tile_source_missing_path(tmp_path):
    with pytest.raises(TileSourceError, match="does not exist"):
        open_tile_source(str(tmp_path / "gone"))
    assert issubclass(TileSourceError, ValueError)


# --------------------------------------------------------------------------- GCJ-02


def test_gcj02_shift_in_taizhou_is_a_few_hundred_metres():
    dx, dy = gcj02_shift(*TAIZHOU)
    assert 400 < dx < 650  # east
    assert -400 < dy < -200  # south
    assert 450 < math.hypot(dx, dy) < 700
    # By definition: mercator of the GCJ-02 point minus mercator of the WGS-84 one.
    gx, gy = lonlat_to_mercator(*wgs84_to_gcj02(*TAIZHOU))
    wx, wy = lonlat_to_mercator(*TAIZHOU)
    assert (dx, dy) == pytest.approx((gx - wx, gy - wy))


def test_gcj02_shift_is_zero_outside_china():
    assert gcj02_shift(-0.1276, 51.5072) == (0.0, 0.0)


def test_wgs84_tiles_are_placed_where_they_are():
    assert tile_placement(12, 3412, 1656, False, TAIZHOU) == tile_bounds(12, 3412, 1656)


def placed_position(z, lon, lat, view_centre):
    """Where a GCJ-02 tile, placed by tile_placement, draws the WGS-84 point (lon, lat)."""
    gx, gy = (float(v) for v in lonlat_to_mercator(*wgs84_to_gcj02(lon, lat)))
    x, y = tile_containing(z, gx, gy)
    tile = tile_bounds(z, x, y)
    placed = tile_placement(z, x, y, True, view_centre)
    assert placed[2] - placed[0] == pytest.approx(tile[2] - tile[0])
    return gx - tile[0] + placed[0], gy - tile[1] + placed[1]


def test_gcj02_tile_placed_then_converted_back_within_1m_at_the_view_centre():
    for z in (12, 16, 18):
        px, py = placed_position(z, *TAIZHOU, TAIZHOU)
        wx, wy = (float(v) for v in lonlat_to_mercator(*TAIZHOU))
        assert math.hypot(px - wx, py - wy) < 1.0
        lon, lat = (float(v) for v in mercator_to_lonlat(px, py))
        assert lon == pytest.approx(TAIZHOU[0], abs=1e-5)
        assert lat == pytest.approx(TAIZHOU[1], abs=1e-5)
        # The other way round: what the tile shows at the centre, taken as GCJ-02 and
        # converted back to WGS-84, is the centre.
        x, y = tile_containing(z, wx, wy)
        placed = tile_placement(z, x, y, True, TAIZHOU)
        tile = tile_bounds(z, x, y)
        g_lon, g_lat = mercator_to_lonlat(wx - placed[0] + tile[0], wy - placed[1] + tile[1])
        back = gcj02_to_wgs84(float(g_lon), float(g_lat))
        assert back == pytest.approx(TAIZHOU, abs=1e-5)


def test_gcj02_placement_error_across_a_20km_view_is_the_documented_figure():
    # A 20 km x 20 km view (on the ground) around Taizhou: the docstring says up to 44 m.
    lat_step = 10_000 / (6_378_137.0 * math.pi / 180)
    lon_step = lat_step / math.cos(math.radians(TAIZHOU[1]))
    worst = 0.0
    for i in np.linspace(-1, 1, 9):
        for j in np.linspace(-1, 1, 9):
            lon, lat = TAIZHOU[0] + i * lon_step, TAIZHOU[1] + j * lat_step
            px, py = placed_position(14, lon, lat, TAIZHOU)
            wx, wy = (float(v) for v in lonlat_to_mercator(lon, lat))
            worst = max(worst, math.hypot(px - wx, py - wy))
    assert 30 < worst < 45


def test_gcj02_per_tile_placement_is_within_a_pixel():
    rng = np.random.default_rng(3)
    for z in (13, 16, 18):
        for _ in range(40):
            lon = TAIZHOU[0] + rng.uniform(-0.2, 0.2)
            lat = TAIZHOU[1] + rng.uniform(-0.2, 0.2)
            px, py = placed_position(z, lon, lat, None)
            wx, wy = (float(v) for v in lonlat_to_mercator(lon, lat))
            assert math.hypot(px - wx, py - wy) < metres_per_pixel(z)


# --------------------------------------------------------------------------- cache


def test_cache_evicts_least_recently_used_beyond_its_bound():
    cache = TileCache(3)
    for i in range(3):
        cache.put((12, i, 0), f"tile{i}")
    assert cache.get((12, 0, 0)) == "tile0"  # now most recent
    cache.put((12, 3, 0), "tile3")
    assert len(cache) == 3
    assert (12, 1, 0) not in cache  # the least recently used went
    assert (12, 0, 0) in cache and (12, 2, 0) in cache and (12, 3, 0) in cache
    assert cache.get((12, 1, 0)) is None
    assert cache.get((12, 1, 0), "missing") == "missing"


def test_cache_never_grows_past_its_bound():
    cache = TileCache(50)
    for i in range(5000):
        cache.put((16, i, i), object())
        assert len(cache) <= 50
    cache.put((16, 4999, 4999), "again")  # replacing keeps the size
    assert len(cache) == 50
    assert cache.get((16, 4999, 4999)) == "again"
    cache.clear()
    assert len(cache) == 0


def test_cache_needs_room_for_one():
    with pytest.raises(ValueError):
        TileCache(0)
