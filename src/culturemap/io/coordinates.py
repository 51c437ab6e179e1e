"""Coordinates as files give them: numbers written by people, the CRS a user names (WGS-84,
GCJ-02, BD-09, an EPSG code) and the transform to WGS-84."""

from __future__ import annotations

import unicodedata

import numpy as np
from pyproj import CRS, Transformer

from culturemap.crs import DATUMS, WGS84


def parse_float(text) -> float:
    """A number as people write it (full-width digits, a decimal comma, a trailing °); NaN when blank or not one."""
    if text is None:
        return np.nan
    if isinstance(text, int | float):
        return float(text)
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().rstrip("°").replace(",", ".")
    try:
        return float(cleaned) if cleaned else np.nan
    except ValueError:
        return np.nan


def parse_crs(value: str | None) -> tuple[str, CRS | None]:
    """``wgs84``/``gcj02``/``bd09`` (no CRS) or ``EPSG:n`` (its CRS); ValueError naming what is expected."""
    text = (value or "").strip()
    if text.lower().replace("-", "").replace("_", "") in DATUMS:
        return text.lower().replace("-", "").replace("_", ""), None
    try:
        crs = CRS.from_user_input(text)
    except Exception:  # pyproj's CRSError for anything it cannot read
        raise ValueError(f"unknown CRS {text!r}: expected wgs84, gcj02, bd09 or EPSG:<code>") from None
    return crs.to_string(), crs


def transform_xy(crs: CRS, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates ``x``, ``y`` in ``crs`` as WGS-84 (lon, lat) degree arrays."""
    lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
