"""Datums and coordinate reference systems.

Stored coordinates are WGS-84 (EPSG:4326, lon/lat). Chinese sources often give GCJ-02 (AMap,
Tencent) or BD-09 (Baidu); those are obfuscated datums with no EPSG code, converted here with the
public-domain ``prcoords`` library (its exact, iterative inverses). Distances are computed in the
city's metric CRS (a UTM zone named in ``city.toml``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import prcoords
import shapely
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
DATUMS = ("wgs84", "gcj02", "bd09")


def _pair_converter(func: Callable) -> Callable[[float, float], tuple[float, float]]:
    def convert(lon: float, lat: float) -> tuple[float, float]:
        out = func(prcoords.Coords(lat, lon))
        return out.lon, out.lat

    return convert


_TO_WGS84 = {
    "wgs84": None,
    "gcj02": _pair_converter(prcoords.gcj_wgs_bored),
    "bd09": _pair_converter(prcoords.bd_wgs_bored),
}
_FROM_WGS84 = {
    "wgs84": None,
    "gcj02": _pair_converter(prcoords.wgs_gcj),
    "bd09": _pair_converter(prcoords.wgs_bd),
}


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
    out_lon, out_lat = np.vectorize(func, otypes=[float, float])(lon, lat)
    return out_lon, out_lat


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
