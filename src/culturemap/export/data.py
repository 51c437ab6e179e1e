"""The rows of a selection as data files: GeoJSON, GeoPackage, KML, CSV and XLSX.

Every format keeps each asset's attributes, ``source`` and ``coord_accuracy`` included, and gives
its position in WGS-84 (``lon``/``lat`` columns in the tables: the point, or a polygon's
representative point). CSV is UTF-8 with a byte order mark, so Excel reads Chinese correctly; a
text cell that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage
return) is written with a leading apostrophe. XLSX cells are always stored as text, never formulas.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from culturemap.export import DATA_FORMATS
from culturemap.io.files import atomic_outputs
from culturemap.io.tables import COORD_DECIMALS, geojson_text
from culturemap.layers import LAYERS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = ("id", "layer", "name_zh", "name_en")
_INTERNAL = ("search_key",)  # computed by the app, not data


def neutralise_formula(value):
    """``value`` with an apostrophe in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def selection_table(assets: gpd.GeoDataFrame, lists_as_text: bool = True) -> gpd.GeoDataFrame:
    """``assets`` (rows of :meth:`City.assets`, WGS-84) for export: ``id``, ``layer``, names first,
    a ``layer_zh``/``layer_en`` label, then every attribute, and ``lon``/``lat`` (degrees, WGS-84).

    ``lists_as_text`` joins list values (``themes``) with ``;`` for formats without lists.
    """
    points = assets.geometry.representative_point()
    columns = [*_FIRST, *(c for c in assets.columns if c not in (*_FIRST, *_INTERNAL, assets.geometry.name))]
    table = assets[columns].copy()
    table.insert(2, "layer_zh", [LAYERS[lid].label_zh for lid in assets["layer"]])
    table.insert(3, "layer_en", [LAYERS[lid].label_en for lid in assets["layer"]])
    if lists_as_text:
        for column in table.columns:
            if table[column].dtype == object:
                table[column] = [";".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v
                                 for v in table[column]]  # fmt: skip
    table["lon"] = points.x.round(COORD_DECIMALS + 1).to_numpy()
    table["lat"] = points.y.round(COORD_DECIMALS + 1).to_numpy()
    return gpd.GeoDataFrame(table, geometry=assets.geometry.to_numpy(), crs=assets.crs)


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """The attribute columns (a GeoDataFrame's without its geometry) as text and numbers, empty cells as None."""
    geometry = table.geometry.name if isinstance(table, gpd.GeoDataFrame) else None
    frame = pd.DataFrame(table.drop(columns=geometry) if geometry else table)
    return frame.astype(object).where(frame.notna(), None)


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` as CSV, the one CSV writer of the app (data, dump, analysis and route exports): UTF-8
    with BOM, CRLF rows, formula-like text cells neutralised (see :func:`neutralise_formula`); numbers stay numbers."""
    plain = _plain(table)  # cell by cell, kept as objects: DataFrame.map would turn 1 beside an empty cell into 1.0
    frame = pd.DataFrame(
        {c: [neutralise_formula(v) for v in plain[c]] for c in plain}, columns=plain.columns, dtype=object
    )
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def write_xlsx(table: gpd.GeoDataFrame, path: str | Path, sheet: str = "assets") -> None:
    """One sheet, a bold frozen header; every text cell stored as text (a ``=...`` value is not a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    frame = _plain(table)
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(ws, value=str(name))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value.item() if isinstance(value, np.generic) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula
            cells.append(cell)
        ws.append(cells)
    book.save(path)


def write_data(assets: gpd.GeoDataFrame, fmt: str, path: str | Path, layer_name: str = "assets") -> Path:
    """Write the rows of ``assets`` (WGS-84, from :meth:`City.assets` or a selection of it) as ``fmt``
    (one of :data:`DATA_FORMATS`) to ``path``, atomically (see :func:`culturemap.io.files.atomic_outputs`).

    Returns the path written.
    """
    if fmt not in DATA_FORMATS:
        raise ValueError(f"unknown data format {fmt!r}: expected one of {', '.join(DATA_FORMATS)}")
    assets = assets.to_crs("EPSG:4326")
    with atomic_outputs([path]) as (tmp,):
        if fmt == "geojson":
            tmp.write_text(geojson_text(selection_table(assets, lists_as_text=False)), encoding="utf-8")
        elif fmt == "csv":
            tmp.write_bytes(to_csv_bytes(selection_table(assets)))
        elif fmt == "xlsx":
            write_xlsx(selection_table(assets), tmp)
        else:
            table = selection_table(assets)
            if fmt == "kml":  # LIBKML: the ``id`` column is the placemark's id, ``name`` its label
                table.insert(0, "name", table["name_zh"])
            # GDAL picks the kind of file by its name (LIBKML writes a folder for a name without .kml)
            named = tmp.with_name(f"{tmp.name}.{fmt}")
            try:
                pyogrio.write_dataframe(table, named, layer=layer_name, driver="GPKG" if fmt == "gpkg" else "LIBKML")
                os.replace(named, tmp)
            finally:
                named.unlink(missing_ok=True)
    return Path(path)
