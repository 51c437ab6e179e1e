"""Import point tables (CSV with lon/lat and a datum column) into layer GeoJSON files.

The curated tables of a pack live in ``geodata/<city>/curated/<layer>.csv``. Each row names the
datum its coordinates were given in (``wgs84``, ``gcj02`` or ``bd09``); import converts to WGS-84
and records the original datum in ``datum_in``. Any bad row (a coordinate that is not a finite
number in range, a cell longer than the loader's cap, see :func:`culturemap.catalog.max_chars`)
stops the import with every problem listed (file, line, id, field) and the existing GeoJSON is left
untouched: :func:`build_pack_layers` replaces all layer files or none.
"""

from __future__ import annotations

import csv
import json
import logging
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from culturemap.catalog import max_chars
from culturemap.crs import DATUMS, WGS84, to_wgs84
from culturemap.io.files import atomic_outputs
from culturemap.layers import LAYERS, LayerSpec

log = logging.getLogger(__name__)

COORD_DECIMALS = 6  # ~0.1 m; more digits would claim a precision no source has
MAX_TABLE_MB = 64
COORD_RANGES = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0)}  # WGS-84 degrees


class TableError(Exception):
    """A table that cannot be imported; ``problems`` lists every bad cell as text."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{path}: {len(problems)} problem(s):\n  {shown}{more}")


def _list_field(spec: LayerSpec, name: str) -> bool:
    field = spec.field(name)
    return field is not None and field.kind == "list"


def read_point_table(path: str | Path, layer_id: str) -> gpd.GeoDataFrame:
    """Read a curated CSV for ``layer_id`` into a WGS-84 GeoDataFrame.

    Parameters
    ----------
    path : CSV file, UTF-8, header row with ``lon``, ``lat``, ``datum`` and the layer's fields.
    layer_id : a layer id of :data:`culturemap.layers.LAYERS` with point geometry.

    Raises
    ------
    TableError
        listing every row (CSV line number) and field that is wrong.
    """
    path = Path(path)
    spec = LAYERS[layer_id]
    if "Point" not in spec.geometry_types:
        raise ValueError(f"layer {layer_id} has no point geometry; cannot import {path} as points")
    if path.stat().st_size > MAX_TABLE_MB * 2**20:
        raise TableError(path, [f"file is larger than {MAX_TABLE_MB} MB"])
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            try:
                records = list(reader)
            except csv.Error as exc:  # e.g. a cell over csv.field_size_limit(), a NUL byte
                raise TableError(path, [f"line {reader.reader.line_num}: not valid CSV ({exc})"]) from None
    except UnicodeDecodeError as exc:
        raise TableError(path, [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    problems = [f"header lacks column {c!r}" for c in ("lon", "lat", "datum") if c not in header]
    problems += [f"header lacks column {f.name!r}" for f in spec.fields if f.required and f.name not in header]
    if problems:
        raise TableError(path, problems)
    lons = np.full(len(records), np.nan)
    lats = np.full(len(records), np.nan)
    datums = []
    for i, rec in enumerate(records):
        line = i + 2  # header is line 1
        where = f"line {line} (id={rec.get('id')})"
        if None in rec:
            problems.append(f"line {line}: more cells than header columns")
        for axis, target in (("lon", lons), ("lat", lats)):
            text = (rec.get(axis) or "").strip()
            low, high = COORD_RANGES[axis]
            try:
                target[i] = float(text)
            except ValueError:
                problems.append(f"{where}: field {axis} is {text!r}, not a number")
                continue
            if not (math.isfinite(target[i]) and low <= target[i] <= high):
                problems.append(f"{where}: field {axis} is {text!r}; expected a finite number from {low:g} to {high:g}")
        for column, text in rec.items():
            if isinstance(text, str) and len(text) > max_chars(column):
                problems.append(
                    f"{where}: field {column} is {len(text)} characters long; expected at most {max_chars(column)}"
                )
        datum = (rec.get("datum") or "").strip().lower()
        if datum not in DATUMS:
            problems.append(f"{where}: field datum is {datum!r}; expected one of {', '.join(DATUMS)}")
        datums.append(datum)
    if problems:
        raise TableError(path, problems)
    out_lon, out_lat = lons.copy(), lats.copy()
    datums_arr = np.array(datums, dtype=object)
    for datum in DATUMS:
        sel = datums_arr == datum
        if sel.any():
            out_lon[sel], out_lat[sel] = to_wgs84(lons[sel], lats[sel], datum)
    columns = [f.name for f in spec.fields if f.name in header] + [
        c for c in header if c not in ("lon", "lat", "datum") and spec.field(c) is None
    ]
    data = {}
    for col in columns:
        values = [(rec.get(col) or "").strip() for rec in records]
        if _list_field(spec, col):
            data[col] = [[v.strip() for v in value.split(";") if v.strip()] for value in values]
        else:
            data[col] = [v if v else None for v in values]
    data["datum_in"] = datums
    geometry = shapely.points(np.round(out_lon, COORD_DECIMALS), np.round(out_lat, COORD_DECIMALS))
    log.info(
        "read %d rows from %s (%s)",
        len(records),
        path,
        dict(zip(*np.unique(datums_arr, return_counts=True))) if len(records) else {},
    )
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84)


def _json_value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def geojson_text(frame: gpd.GeoDataFrame) -> str:
    """``frame`` (EPSG:4326) as an RFC 7946 FeatureCollection, one feature per line.

    Raises
    ------
    ValueError
        when the frame is not in EPSG:4326, or a coordinate or property is NaN or infinite
        (naming the feature), so that no invalid JSON is ever written.
    """
    if frame.crs is None or not frame.crs.equals(WGS84):
        raise ValueError(f"frame CRS is {frame.crs}, expected EPSG:4326")
    props = [c for c in frame.columns if c != frame.geometry.name]
    lines = []
    for row, (rec, geom) in enumerate(zip(frame[props].itertuples(index=False, name=None), frame.geometry), start=1):
        geometry = (
            shapely.geometry.mapping(shapely.set_precision(geom, 10**-COORD_DECIMALS)) if geom is not None else None
        )
        feature = {
            "type": "Feature",
            "properties": {k: _json_value(v) for k, v in zip(props, rec)},
            "geometry": geometry,
        }
        try:
            lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
        except ValueError as exc:
            fid = feature["properties"].get("id")
            raise ValueError(f"feature {row} (id={fid}): {exc}; expected finite coordinates and numbers") from None
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_layer_geojson(frame: gpd.GeoDataFrame, path: str | Path) -> None:
    """Write ``frame`` (EPSG:4326) as :func:`geojson_text` to ``path``, atomically.

    ``path`` is checked with :func:`culturemap.io.files.safe_output_path`; the file is written to a
    temporary name and renamed, so a failure never leaves a half file.
    """
    try:
        text = geojson_text(frame)
    except ValueError as exc:
        raise ValueError(f"refusing to write {path}: {exc}") from None
    with atomic_outputs([path]) as (tmp,):
        tmp.write_text(text, encoding="utf-8")


def build_pack_layers(pack_dir: str | Path) -> dict[str, int]:
    """Import every ``curated/<layer>.csv`` of a pack into ``<layer>.geojson``, all files or none.

    All tables are read and checked, and every layer serialised, before any file is written; the
    files are then written to temporary names and renamed together (see
    :func:`culturemap.io.files.atomic_outputs`), so any failure leaves every existing GeoJSON
    byte-identical. Returns rows written per layer.
    """
    pack_dir = Path(pack_dir)
    frames = {}
    errors = []
    for layer_id, spec in LAYERS.items():
        table = pack_dir / "curated" / f"{layer_id}.csv"
        if not table.exists() or "Point" not in spec.geometry_types:
            continue
        try:
            frames[layer_id] = read_point_table(table, layer_id)
        except TableError as exc:
            errors.append(str(exc))
    if errors:
        raise TableError(pack_dir / "curated", errors)
    texts = {pack_dir / LAYERS[layer_id].file: geojson_text(frame) for layer_id, frame in frames.items()}
    with atomic_outputs(list(texts)) as temps:
        for tmp, (target, text) in zip(temps, texts.items()):
            try:
                tmp.write_text(text, encoding="utf-8")
            except OSError as exc:  # disk full, file size limit, ...: name the layer, not the temporary file
                raise OSError(exc.errno, f"cannot write {target} ({exc.strerror})") from None
    return {layer_id: len(frame) for layer_id, frame in frames.items()}
