"""Import point tables (CSV with lon/lat and a datum column) into layer GeoJSON files.

The curated tables of a pack live in ``geodata/<city>/curated/<layer>.csv``. Each row names the
datum its coordinates were given in (``wgs84``, ``gcj02`` or ``bd09``); import converts to WGS-84
and records the original datum in ``datum_in``. Any bad row stops the import with every problem
listed (file, line, field) and the existing GeoJSON is left untouched.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from culturemap.crs import DATUMS, WGS84, to_wgs84
from culturemap.layers import LAYERS, LayerSpec

log = logging.getLogger(__name__)

COORD_DECIMALS = 6  # ~0.1 m; more digits would claim a precision no source has
MAX_TABLE_MB = 64


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
            records = list(reader)
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
        if None in rec:
            problems.append(f"line {line}: more cells than header columns")
        for axis, target in (("lon", lons), ("lat", lats)):
            text = (rec.get(axis) or "").strip()
            try:
                target[i] = float(text)
            except ValueError:
                problems.append(f"line {line} (id={rec.get('id')}): field {axis} is {text!r}, not a number")
        datum = (rec.get("datum") or "").strip().lower()
        if datum not in DATUMS:
            problems.append(
                f"line {line} (id={rec.get('id')}): field datum is {datum!r}; expected one of {', '.join(DATUMS)}"
            )
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
        return value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def write_layer_geojson(frame: gpd.GeoDataFrame, path: str | Path) -> None:
    """Write ``frame`` (EPSG:4326) as an RFC 7946 FeatureCollection, one feature per line.

    The file is written to a temporary name and renamed, so a failure never leaves a half file.
    """
    if frame.crs is None or not frame.crs.equals(WGS84):
        raise ValueError(f"refusing to write {path}: frame CRS is {frame.crs}, expected EPSG:4326")
    path = Path(path)
    props = [c for c in frame.columns if c != frame.geometry.name]
    lines = []
    for rec, geom in zip(frame[props].itertuples(index=False, name=None), frame.geometry):
        geometry = (
            shapely.geometry.mapping(shapely.set_precision(geom, 10**-COORD_DECIMALS)) if geom is not None else None
        )
        feature = {
            "type": "Feature",
            "properties": {k: _json_value(v) for k, v in zip(props, rec)},
            "geometry": geometry,
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_pack_layers(pack_dir: str | Path) -> dict[str, int]:
    """Import every ``curated/<layer>.csv`` of a pack into ``<layer>.geojson``.

    All tables are read and checked before any file is written. Returns rows written per layer.
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
    for layer_id, frame in frames.items():
        write_layer_geojson(frame, pack_dir / LAYERS[layer_id].file)
    return {layer_id: len(frame) for layer_id, frame in frames.items()}
