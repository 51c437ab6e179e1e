"""Generic point datasets (check-ins, photo locations) for the density page: read vectorised (no
Python per row), converted to WGS-84, stored with :meth:`culturemap.store.Store.write_points`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from culturemap.crs import WGS84, to_wgs84
from culturemap.io.coordinates import parse_crs, parse_float, transform_xy
from culturemap.io.importers import match_columns
from culturemap.io.readers import MAX_IMPORT_MB, ImportFileError, decode_text, read_source


def read_point_dataset(
    path: str | Path,
    *,
    file_name: str | None = None,
    crs: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    max_mb: float = MAX_IMPORT_MB,
) -> tuple[gpd.GeoDataFrame, int]:
    """A generic point dataset (check-ins, photo locations) as WGS-84 points with the file's other
    columns, and the number of rows dropped (no number, outside lon/lat range).

    CSV is read by Arrow and the coordinates converted in arrays (no Python per row); other formats
    through :func:`culturemap.io.readers.read_source`. ``crs`` as in :func:`prepare_import`
    (default: the file's, else WGS-84).
    """
    path = Path(path)
    file_name = file_name or path.name
    datum, target = parse_crs(crs or "wgs84")
    if Path(file_name).suffix.lower() in (".csv", ".txt"):
        from culturemap.io.readers import check_size

        check_size(path, file_name, max_mb)
        with path.open("rb") as fh:
            sample = fh.read(1 << 20)
        encoding = decode_text(sample[: sample.rfind(b"\n") + 1] or sample, file_name)[1].replace("-sig", "_sig")
        try:
            frame = pd.read_csv(path, engine="pyarrow", encoding=encoding)
        except Exception as exc:  # Arrow's and pandas' parse errors say where
            raise ImportFileError("import_unreadable", file_name, reason=str(exc).strip()) from None
        x, y, attributes = _point_columns(
            frame, file_name, mapping, to_number=lambda v: pd.to_numeric(v, errors="coerce")
        )
    else:
        table = read_source(path, file_name=file_name, max_mb=max_mb)
        if table.has_geometry:
            frame = table.frame if table.crs is None else table.frame.to_crs(WGS84)
            geoms = frame.geometry.to_numpy()
            ok = shapely.get_type_id(geoms) == 0
            x = np.where(ok, shapely.get_x(np.where(ok, geoms, None)), np.nan)
            y = np.where(ok, shapely.get_y(np.where(ok, geoms, None)), np.nan)
            attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        else:
            x, y, attributes = _point_columns(table.frame, file_name, mapping, to_number=lambda v: v.map(parse_float))
    if target is not None:
        x, y = transform_xy(target, x, y)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    x, y = x[ok], y[ok]
    if datum in ("gcj02", "bd09"):
        x, y = to_wgs84(x, y, datum)
    points = gpd.GeoDataFrame(attributes[ok].reset_index(drop=True), geometry=shapely.points(x, y), crs=WGS84)
    return points, int((~ok).sum())


def _point_columns(
    frame: pd.DataFrame, file_name: str, mapping, to_number
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """The lon and lat columns of a point table as float arrays, and the other columns."""
    matched = match_columns(frame.columns, "attractions", mapping)
    if not {"lon", "lat"} <= set(matched):
        raise ImportFileError("import_points_no_coords", file_name, columns=", ".join(map(str, frame.columns)))
    x = np.asarray(to_number(frame[matched["lon"]]), dtype=float)
    y = np.asarray(to_number(frame[matched["lat"]]), dtype=float)
    return x, y, frame.drop(columns=[matched["lon"], matched["lat"]])
