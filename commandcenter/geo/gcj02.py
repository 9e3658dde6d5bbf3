"""WGS-84 ⇄ GCJ-02 ⇄ BD-09 conversion of longitude/latitude in degrees.

GCJ-02 (国测局坐标, "Mars coordinates") is the obfuscated datum Chinese law requires of maps
published in mainland China: a WGS-84 position shifted by a deliberately irregular offset of
some hundred metres. Amap (高德), Tencent and most Chinese data sources give GCJ-02; Baidu adds
a further shift of its own, BD-09. Neither is an official published standard: the algorithm
used here is the one widely circulated since about 2010 (the Krasovsky-ellipsoid formula with
the ``transform_lat``/``transform_lon`` series), which reproduces the map providers' offsets to
within a metre or so. Its published form leaves points outside a rough bounding box of China
unshifted; :func:`out_of_china` is that box, and every function here keeps its rule.

The grid database stores WGS-84. Importing a GCJ-02 file means :func:`gcj02_to_wgs84`, which
has no closed form: it is solved by fixed-point iteration on the forward formula to better
than 1e-9 degree (0.1 mm), not by the usual one-step approximation that is off by metres.

Scalar functions take and return plain floats; the ``_array`` functions take anything numpy
broadcasts (lists, arrays) and return float64 arrays, for whole files at a time;
:func:`transform_geometry` applies an array function to the vertices of shapely geometries.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_gcj02_array",
    "gcj02_to_bd09",
    "gcj02_to_bd09_array",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_array",
    "out_of_china",
    "out_of_china_array",
    "transform_geometry",
    "wgs84_to_gcj02",
    "wgs84_to_gcj02_array",
]

# Krasovsky 1940 ellipsoid, as the published GCJ-02 formula uses it.
A = 6378245.0
EE = 0.00669342162296594323

# BD-09 constant: Baidu's rotation/scaling uses pi * 3000 / 180.
X_PI = math.pi * 3000.0 / 180.0

# The inverse stops once the forward image of its estimate is this close to the input.
INVERSE_TOLERANCE = 1e-9
INVERSE_MAX_ITERATIONS = 30

ArrayFunc = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------- the China box


def out_of_china(lon: float, lat: float) -> bool:
    """True outside the rectangle where the published algorithm applies an offset."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def out_of_china_array(lons, lats) -> np.ndarray:
    lons = np.asarray(lons, dtype=np.float64)
    lats = np.asarray(lats, dtype=np.float64)
    return ~((lons >= 72.004) & (lons <= 137.8347) & (lats >= 0.8293) & (lats <= 55.8271))


# --------------------------------------------------------------------------- GCJ-02 forward
#
# The offset is built from two series in x = lon - 105, y = lat - 35 giving metres-like
# quantities, then turned into degrees with the Krasovsky radii of curvature at the latitude.
# The scalar and array versions spell the same formula, the first with math, the second numpy.


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 minus WGS-84, in degrees, at a WGS-84 point (ignoring the China box)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1.0 - EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def _transform_array(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both series of :func:`_transform_lat`/:func:`_transform_lon` at once, sharing the
    term in sin(6πx) + sin(2πx) they have in common."""
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
    lat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    lat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
    lon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    lon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return lat, lon


def _offset_array(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlat, dlon = _transform_array(lons - 105.0, lats - 35.0)
    radlat = lats / 180.0 * np.pi
    magic = 1.0 - EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _as_arrays(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    lons, lats = np.broadcast_arrays(
        np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
    )
    return lons, lats


# --------------------------------------------------------------------------- WGS-84 ⇄ GCJ-02


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02; points outside China come back unchanged."""
    if out_of_china(lon, lat):
        return float(lon), float(lat)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by iteration: the WGS-84 point whose GCJ-02 image is (lon, lat).

    Start from the input and repeatedly correct the estimate by the residual of the forward
    formula; the offset varies slowly enough that each step shrinks the error some hundred-fold,
    so three or four steps reach the tolerance. Outside China: unchanged.
    """
    if out_of_china(lon, lat):
        return float(lon), float(lat)
    wlon, wlat = float(lon), float(lat)
    for _ in range(INVERSE_MAX_ITERATIONS):
        dlon, dlat = _offset(wlon, wlat)
        err_lon = wlon + dlon - lon
        err_lat = wlat + dlat - lat
        if abs(err_lon) < INVERSE_TOLERANCE and abs(err_lat) < INVERSE_TOLERANCE:
            break
        wlon -= err_lon
        wlat -= err_lat
    return wlon, wlat


def wgs84_to_gcj02_array(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`wgs84_to_gcj02`: returns new float64 arrays (lons, lats)."""
    lons, lats = _as_arrays(lons, lats)
    inside = ~out_of_china_array(lons, lats)
    dlon, dlat = _offset_array(lons, lats)
    return np.where(inside, lons + dlon, lons), np.where(inside, lats + dlat, lats)


def gcj02_to_wgs84_array(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`gcj02_to_wgs84`, same iteration, each point stopping when it converges."""
    lons, lats = _as_arrays(lons, lats)
    out_lons = lons.astype(np.float64, copy=True)
    out_lats = lats.astype(np.float64, copy=True)
    flat_lons = out_lons.reshape(-1)
    flat_lats = out_lats.reshape(-1)
    # Work on compact arrays of the points still iterating; idx says where they belong.
    idx = np.flatnonzero(~out_of_china_array(lons, lats).reshape(-1))
    target_lon = flat_lons[idx]
    target_lat = flat_lats[idx]
    cur_lon = target_lon.copy()
    cur_lat = target_lat.copy()
    for _ in range(INVERSE_MAX_ITERATIONS):
        if idx.size == 0:
            break
        dlon, dlat = _offset_array(cur_lon, cur_lat)
        err_lon = cur_lon + dlon - target_lon
        err_lat = cur_lat + dlat - target_lat
        moving = (np.abs(err_lon) >= INVERSE_TOLERANCE) | (np.abs(err_lat) >= INVERSE_TOLERANCE)
        if moving.all():
            cur_lon -= err_lon
            cur_lat -= err_lat
            continue
        done = ~moving
        flat_lons[idx[done]] = cur_lon[done]
        flat_lats[idx[done]] = cur_lat[done]
        idx = idx[moving]
        target_lon = target_lon[moving]
        target_lat = target_lat[moving]
        cur_lon = cur_lon[moving] - err_lon[moving]
        cur_lat = cur_lat[moving] - err_lat[moving]
    flat_lons[idx] = cur_lon  # only if INVERSE_MAX_ITERATIONS ran out: the last estimate
    flat_lats[idx] = cur_lat
    return out_lons, out_lats


# --------------------------------------------------------------------------- GCJ-02 ⇄ BD-09


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu), Baidu's published closed form."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) → GCJ-02, the usual approximate inverse (error well under a metre)."""
    x = lon - 0.0065
    y = lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def gcj02_to_bd09_array(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    lons, lats = _as_arrays(lons, lats)
    z = np.hypot(lons, lats) + 0.00002 * np.sin(lats * X_PI)
    theta = np.arctan2(lats, lons) + 0.000003 * np.cos(lons * X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02_array(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    lons, lats = _as_arrays(lons, lats)
    x = lons - 0.0065
    y = lats - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    return z * np.cos(theta), z * np.sin(theta)


# --------------------------------------------------------------------------- geometries

_ARRAY_VERSION: dict[Callable, ArrayFunc] = {
    wgs84_to_gcj02: wgs84_to_gcj02_array,
    gcj02_to_wgs84: gcj02_to_wgs84_array,
    gcj02_to_bd09: gcj02_to_bd09_array,
    bd09_to_gcj02: bd09_to_gcj02_array,
}


def transform_geometry(geometry, func: Callable):
    """Apply a conversion to every vertex of a shapely geometry (or array of geometries).

    ``func`` is one of the ``_array`` functions (a scalar one is replaced by its array twin);
    all vertices go through it in one call. Z values, if any, are kept as they are.
    """
    func = _ARRAY_VERSION.get(func, func)

    def convert(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=np.float64, copy=True)
        out[:, 0], out[:, 1] = func(coords[:, 0], coords[:, 1])
        return out

    has_z = np.asarray(shapely.has_z(geometry))
    return shapely.transform(geometry, convert, include_z=bool(has_z.any()))
