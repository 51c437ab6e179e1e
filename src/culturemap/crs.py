"""Datums and coordinate reference systems.

Stored coordinates are WGS-84 (EPSG:4326, lon/lat). Chinese sources often give GCJ-02 (AMap,
Tencent) or BD-09 (Baidu); those are obfuscated datums with no EPSG code, converted here with the
formulas of the public-domain ``prcoords`` library (its exact, iterative inverses) applied to numpy
arrays. Distances are computed in the city's metric CRS (a UTM zone named in ``city.toml``).
"""

from __future__ import annotations

import numpy as np
import prcoords
import shapely
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
DATUMS = ("wgs84", "gcj02", "bd09")


# prcoords' formulas and constants, on numpy arrays: a million points convert in about a second
# instead of a minute point by point (tests/test_crs.py checks they agree with prcoords to 1e-9 degrees).


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lat >= 0.8293) & (lat <= 55.8271) & (lon >= 72.004) & (lon <= 137.8347)


def _wgs_gcj(lon: np.ndarray, lat: np.ndarray, check_china: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """prcoords.wgs_gcj: outside China (when checked) the point is returned as it is."""
    x, y = lon - 105, lat - 35
    sin = np.sin
    dlat_m = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
              + (2 * sin(x * 6 * np.pi) + 2 * sin(x * 2 * np.pi) + 2 * sin(y * np.pi) + 4 * sin(y / 3 * np.pi)
                 + 16 * sin(y / 12 * np.pi) + 32 * sin(y / 30 * np.pi)) * 20 / 3)  # fmt: skip
    dlon_m = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
              + (2 * sin(x * 6 * np.pi) + 2 * sin(x * 2 * np.pi) + 2 * sin(x * np.pi) + 4 * sin(x / 3 * np.pi)
                 + 15 * sin(x / 12 * np.pi) + 30 * sin(x / 30 * np.pi)) * 20 / 3)  # fmt: skip
    rad_lat = np.radians(lat)
    magic = 1 - prcoords.GCJ_EE * np.sin(rad_lat) ** 2
    lat_deg_arclen = np.radians(prcoords.GCJ_A * (1 - prcoords.GCJ_EE) / magic**1.5)
    lon_deg_arclen = np.radians(prcoords.GCJ_A * np.cos(rad_lat) / np.sqrt(magic))
    out_lon, out_lat = lon + dlon_m / lon_deg_arclen, lat + dlat_m / lat_deg_arclen
    if check_china:
        outside = ~_in_china(lon, lat)
        out_lon, out_lat = np.where(outside, lon, out_lon), np.where(outside, lat, out_lat)
    return out_lon, out_lat


def _gcj_wgs(lon, lat, check_china: bool = True):
    """prcoords.gcj_wgs: the rough inverse (metre level)."""
    shifted_lon, shifted_lat = _wgs_gcj(lon, lat, check_china)
    return 2 * lon - shifted_lon, 2 * lat - shifted_lat


def _gcj_bd(lon, lat, check_china: bool = True):
    r = np.hypot(lon, lat) + 0.00002 * np.sin(np.radians(lat) * 3000)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(np.radians(lon) * 3000)
    return r * np.cos(theta) + prcoords.BD_DLON, r * np.sin(theta) + prcoords.BD_DLAT


def _bd_gcj(lon, lat):
    x, y = lon - prcoords.BD_DLON, lat - prcoords.BD_DLAT
    r = np.hypot(x, y) - 0.00002 * np.sin(np.radians(y) * 3000)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(np.radians(x) * 3000)
    return r * np.cos(theta), r * np.sin(theta)


def _wgs_bd(lon, lat, check_china: bool = True):
    return _gcj_bd(*_wgs_gcj(lon, lat, check_china))


def _bd_wgs(lon, lat, check_china: bool = True):
    return _gcj_wgs(*_bd_gcj(lon, lat), check_china)


def _bored(forward, rough):
    """prcoords._bored: the rough inverse, refined until the forward transform lands within
    prcoords.PRC_EPS degrees (at most 10 steps), point by point in arrays."""

    def inverse(lon, lat):
        out_lon, out_lat = rough(lon, lat)
        active = np.ones(lon.shape, dtype=bool)
        for _ in range(10):
            if not active.any():
                break
            fwd_lon, fwd_lat = forward(out_lon[active], out_lat[active], False)
            diff_lon, diff_lat = fwd_lon - lon[active], fwd_lat - lat[active]
            out_lon[active] -= diff_lon
            out_lat[active] -= diff_lat
            active[active] = np.hypot(diff_lat, diff_lon) > prcoords.PRC_EPS
        return out_lon, out_lat

    return inverse


_TO_WGS84 = {"wgs84": None, "gcj02": _bored(_wgs_gcj, _gcj_wgs), "bd09": _bored(_wgs_bd, _bd_wgs)}
_FROM_WGS84 = {"wgs84": None, "gcj02": _wgs_gcj, "bd09": _wgs_bd}


def _check_datum(datum: str) -> str:
    key = datum.strip().lower().replace("-", "").replace("_", "")
    if key not in DATUMS:
        raise ValueError(f"unknown datum {datum!r}: expected one of {', '.join(DATUMS)}")
    return key


def _apply(table: dict, datum: str, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    func = table[_check_datum(datum)]
    if func is None:
        return lon.copy(), lat.copy()
    with np.errstate(invalid="ignore"):  # NaN in, NaN out
        out_lon, out_lat = func(lon.ravel(), lat.ravel())
    return out_lon.reshape(lon.shape), out_lat.reshape(lat.shape)


def to_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert lon/lat arrays (degrees) given in ``datum`` (wgs84, gcj02, bd09) to WGS-84."""
    return _apply(_TO_WGS84, datum, lon, lat)


def from_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 lon/lat arrays (degrees) to ``datum`` (e.g. gcj02 for AMap tiles)."""
    return _apply(_FROM_WGS84, datum, lon, lat)


def _transform_geometry(geom: BaseGeometry, convert) -> BaseGeometry:
    def coords(xy: np.ndarray) -> np.ndarray:
        lon, lat = convert(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, coords)


def geometry_to_wgs84(geom: BaseGeometry, datum: str) -> BaseGeometry:
    """Return ``geom`` with every vertex converted from ``datum`` to WGS-84."""
    return _transform_geometry(geom, lambda lon, lat: to_wgs84(lon, lat, datum))


def geometry_from_wgs84(geom: BaseGeometry, datum: str) -> BaseGeometry:
    """Return the WGS-84 ``geom`` with every vertex converted to ``datum``."""
    return _transform_geometry(geom, lambda lon, lat: from_wgs84(lon, lat, datum))
