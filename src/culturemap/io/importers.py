"""Import a user's list of assets into a layer: columns matched, datums converted, every row reported.

:func:`prepare_import` reads a file (:func:`culturemap.io.readers.read_source`), matches its columns
to the layer's fields by their Chinese or English names (:func:`match_columns`, an explicit
mapping overrides), maps vocabulary values written in Chinese (``4A级``, ``全国重点文物保护单位``,
``省级``) to the registry's, converts coordinates to WGS-84 and checks every row with the pack's own
checks. The result is an :class:`ImportReport`: per row accepted, rejected (row, field, value,
expected), a probable duplicate of a stored asset (same or similar name within the stored point's
uncertainty, :func:`culturemap.io.duplicates.find_duplicates`), outside the city, or address only (no
geocoder offline). A row without a district gets the one it lies in (or the nearest within
:data:`culturemap.catalog.BOUNDARY_TOLERANCE_M`), and the report says so. Nothing is stored
until :func:`commit_import`, one :meth:`culturemap.store.Store.write` (all or nothing).

Generic point datasets (check-ins, photos) take the fast path of :mod:`culturemap.io.point_sets`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from culturemap.catalog import BOUNDARY_TOLERANCE_M, City, Problem, check_places, check_rows
from culturemap.crs import WGS84, to_wgs84
from culturemap.i18n import tr
from culturemap.io.columns import COLUMN_ALIASES, header_key
from culturemap.io.coordinates import parse_crs, parse_float, transform_xy
from culturemap.io.duplicates import CONFIDENT_MATCHES, find_duplicates, shift_note
from culturemap.io.readers import MAX_IMPORT_MB, ImportFileError, SourceTable, cell_text, read_source
from culturemap.io.values import list_values, vocabulary_value
from culturemap.layers import COORD_ACCURACY, GRADES, LAYERS
from culturemap.names import normalise

# nobody has checked a file's positions: a column 坐标精度 / coord_accuracy naming a known accuracy overrides
DEFAULT_ACCURACY = "imported"
COORD_FIELDS = ("lon", "lat", "datum")
STATUSES = ("accepted", "duplicate", "rejected", "outside", "address_only")
STORED_STATUSES = ("accepted", "duplicate")
DUPLICATE_CHOICES = ("skip", "update", "keep")
ID_HEX_DIGITS = 16  # 64 bits of a generated id's hash (10 digits, 40 bits, collide once in ~1M rows)

DATUM_ALIASES = {
    "wgs84": ("wgs84", "wgs", "gps", "epsg4326", "4326"),
    "gcj02": ("gcj02", "gcj", "火星", "高德", "腾讯", "amap", "国测局"),
    "bd09": ("bd09", "bd", "百度", "baidu", "bd09ll"),
}


def _datum_in(text: str) -> str | None:
    """The datum a text names (a header note "经度（GCJ-02）", a cell "百度"), or None."""
    key = normalise(unicodedata.normalize("NFKC", str(text)))
    for datum, aliases in DATUM_ALIASES.items():
        if any(alias in key for alias in aliases if alias == key or len(alias) > 2 or not alias.isascii()):
            return datum
    return None


def match_columns(columns, layer_id: str, mapping: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Which column of the file holds each field: ``{field: column}``.

    Fields are the layer's schema fields plus ``lon``, ``lat`` and ``datum`` (per-row datum).
    ``mapping`` wins over the names: ``{field: column}`` sets a field, ``{field: None}`` (or ``""``)
    leaves it unmatched. A column is used for one field only.
    """
    columns = [str(c) for c in columns]
    spec = LAYERS[layer_id]
    fields = [*COORD_FIELDS, *(f.name for f in spec.fields)]
    mapping = dict(mapping or {})
    matched = {f: c for f, c in mapping.items() if f in fields and c in columns}
    used = set(matched.values())
    keys = {c: header_key(c) for c in columns}
    for name in fields:
        if name in mapping:
            continue
        aliases = [header_key(a) for a in COLUMN_ALIASES.get(name, (name,))]
        for alias in aliases:  # the alias order is the preference
            column = next((c for c in columns if c not in used and keys[c] == alias), None)
            if column is not None:
                matched[name] = column
                used.add(column)
                break
    return {f: matched[f] for f in fields if f in matched}


@dataclass
class ImportReport:
    """What importing a file into a layer would do, row by row; nothing is stored yet.

    ``rows`` holds one row per record of the file: ``row`` (line / row / feature number in the
    file), ``status`` (one of :data:`STATUSES`), ``id``, ``name_zh``, ``lon``/``lat`` (WGS-84),
    ``problems`` (list of dicts: ``field``, ``value``, ``expected``, ``message`` in zh and en),
    ``duplicate_of`` / ``duplicate_name`` / ``duplicate_layer`` / ``distance_m`` / ``accuracy`` / ``radius_m``
    for probable duplicates.
    ``candidates`` (EPSG:4326, the layer's schema columns, indexed by ``row``) are the rows that
    can be stored: status accepted or duplicate. ``notes`` are file-level findings ``(code, values)``.
    """

    file_name: str
    sheet: str | None
    layer_id: str
    datum: str  # what the coordinates were taken as: wgs84, gcj02, bd09, EPSG:n, or "per row"
    datum_source: str  # "file", "user", "header", "column" or "assumed"
    mapping: dict[str, str]
    columns: list[str]
    rows: pd.DataFrame
    candidates: gpd.GeoDataFrame
    encoding: str | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)
    stored: gpd.GeoDataFrame | None = None  # the stored assets the duplicates point to, indexed by id

    def count(self, status: str) -> int:
        """Rows of the file with ``status`` (one of :data:`STATUSES`)."""
        return int((self.rows["status"] == status).sum())

    @property
    def refused(self) -> int:
        """Rows that cannot be stored: rejected, outside the city or address only."""
        return int((~self.rows["status"].isin(STORED_STATUSES)).sum())

    def summary(self, lang: str = "en") -> str:
        """The rows per status in one line in ``lang``, e.g. "12 rows: 9 accepted, 1 probable duplicates, ..."."""
        counts = {s: self.count(s) for s in STATUSES}
        return tr("import_summary", lang, total=len(self.rows), **counts)

    def datum_text(self, lang: str = "en") -> str:
        """What the coordinates were taken as and why, in ``lang`` (e.g. "Coordinates: as the file declares (...)")."""
        return tr(f"import_datum_{self.datum_source}", lang, datum=self.datum)

    def note_lines(self, lang: str = "en") -> list[str]:
        """The file-level findings (``notes``) as sentences in ``lang``."""
        return [tr(code, lang, **values) for code, values in self.notes]

    def problem_table(self, lang: str = "en") -> pd.DataFrame:
        """One line per problem of a row that is not stored (or a warning of one that is)."""
        lines = [
            {
                "row": rec.row,
                "status": rec.status,
                "name": rec.name_zh,
                "field": p["field"],
                "value": p["value"],
                "message": p["message"][lang],
            }  # fmt: skip
            for rec in self.rows.itertuples()
            for p in rec.problems
        ]
        return pd.DataFrame(lines, columns=["row", "status", "name", "field", "value", "message"])

    def duplicates(self) -> pd.DataFrame:
        """The probable duplicates, one line each: ``row``, ``id``, ``name_zh``, the stored asset (``duplicate_of``,
        ``duplicate_name``, ``duplicate_layer``), ``distance_m`` (m), ``radius_m`` (the stored point's uncertainty, m) and ``match``
        (``id``, ``name`` or ``similar``)."""
        dup = self.rows[self.rows["status"] == "duplicate"]
        columns = ["row", "id", "name_zh", "duplicate_of", "duplicate_name", "duplicate_layer", "distance_m",
                   "radius_m", "match"]  # fmt: skip
        return dup[columns].reset_index(drop=True)

    def default_choice(self, row: int, default: str = "skip") -> str:
        """What ``default`` does to the duplicate ``row``: ``update`` only replaces a confident match
        (:data:`CONFIDENT_MATCHES`) in this layer; a row whose name only resembles the stored one, or
        whose duplicate lies in another layer, is skipped."""
        rec = self.rows.loc[self.rows["row"] == row].iloc[0]
        confident = rec["match"] in CONFIDENT_MATCHES and rec["duplicate_layer"] == self.layer_id
        return "skip" if default == "update" and not confident else default

    def rows_to_write(self, choices: Mapping[int, str] | None = None, default: str = "skip") -> gpd.GeoDataFrame:
        """The rows one write stores: every accepted row, and each duplicate as chosen in ``choices``
        (``{row: "skip" | "update" | "keep"}``, else ``default`` as :meth:`default_choice` applies it):
        ``update`` takes the stored asset's id (the write replaces it), ``keep`` stores the row beside
        it, ``skip`` leaves it out."""
        choices = dict(choices or {})
        rows = self.candidates.copy()
        keep = []
        for rec in self.rows[self.rows["status"].isin(STORED_STATUSES)].itertuples():
            choice = (
                "keep" if rec.status == "accepted" else choices.get(rec.row) or self.default_choice(rec.row, default)
            )
            if choice not in DUPLICATE_CHOICES:
                raise ValueError(f"row {rec.row}: choice {choice!r}; expected one of {', '.join(DUPLICATE_CHOICES)}")
            if choice == "skip":
                continue
            if choice == "update" and rec.duplicate_layer != self.layer_id:
                continue  # an asset of another layer is not replaced from this one: skipped
            if choice == "update":  # the stored asset, with what the file says (a blank keeps the stored value)
                old = self.stored.loc[rec.duplicate_of]
                for name in rows.columns.drop(rows.geometry.name):
                    value = rows.at[rec.row, name]
                    if value is None or value == [] or value != value:
                        rows.at[rec.row, name] = old.get(name)
                rows.at[rec.row, "id"] = rec.duplicate_of
            keep.append(rec.row)
        return rows.loc[keep].reset_index(drop=True)


def _problem(field_name: str | None, value, expected: str | None, code: str, **values) -> dict:
    values = {"field": field_name, "value": value, "expected": expected, **values}
    return {
        "field": field_name,
        "value": None if value is None else str(value)[:200],
        "code": code,
        "message": {lang: tr(code, lang, **values) for lang in ("zh", "en")},
    }


def _from_catalog(problem: Problem, file_name: str, source_row: int) -> dict:
    """A finding of the pack's checks, reworded for a row of the imported file."""
    shown = Problem(problem.severity, problem.code, file_name, problem.feature_id, source_row, problem.field,
                    problem.values)  # fmt: skip
    value = problem.values.get("value", problem.values.get("found"))
    return {
        "field": problem.field,
        "value": None if value is None else str(value)[:200],
        "code": problem.code,
        "severity": problem.severity,
        "message": {lang: shown.message(lang) for lang in ("zh", "en")},
    }


@dataclass
class _Rows:
    """Per-record state while an import is prepared."""

    n: int
    problems: list[list[dict]] = field(init=False)
    status: np.ndarray = field(init=False)

    def __post_init__(self):
        self.problems = [[] for _ in range(self.n)]
        self.status = np.full(self.n, "accepted", dtype=object)

    def refuse(self, i: int, status: str, problem: dict) -> None:
        self.problems[i].append(problem)
        if self.status[i] in STORED_STATUSES or status == "address_only":
            self.status[i] = status


def _coordinates(table: SourceTable, matched: dict[str, str], crs_choice: str | None, state: _Rows, city: City):
    """WGS-84 lon/lat per record, and (datum, where it came from)."""
    frame = table.frame
    if table.has_geometry:
        geoms = frame.geometry.to_numpy()
        file_crs = CRS.from_user_input(table.crs) if table.crs else None
        geographic = file_crs is None or file_crs.equals(CRS.from_epsg(4326), ignore_axis_order=True)
        datum, source = (table.crs, "file") if file_crs is not None else ("wgs84", "assumed")
        if crs_choice:
            chosen, chosen_crs = parse_crs(crs_choice)
            if chosen_crs is None and geographic:  # a GCJ-02 / BD-09 position written as if it were WGS-84
                datum, source = chosen, "user"
            elif file_crs is None:
                datum, source, file_crs = chosen, "user", chosen_crs
        if file_crs is not None and not geographic:
            geoms = gpd.GeoSeries(geoms, crs=file_crs).to_crs(WGS84).to_numpy()
        if datum in ("gcj02", "bd09"):
            from culturemap.crs import geometry_to_wgs84

            geoms = np.array([geometry_to_wgs84(g, datum) if g is not None else None for g in geoms], dtype=object)
        return geoms, datum, source
    lon_col, lat_col = matched.get("lon"), matched.get("lat")
    x = frame[lon_col].map(parse_float).to_numpy(float) if lon_col else np.full(len(frame), np.nan)
    y = frame[lat_col].map(parse_float).to_numpy(float) if lat_col else np.full(len(frame), np.nan)
    for axis, column, values in (("lon", lon_col, x), ("lat", lat_col, y)):
        if column is None:
            continue
        bad = np.isnan(values) & frame[column].map(lambda v: bool(cell_text(v))).to_numpy(bool)
        for i in np.flatnonzero(bad):
            state.refuse(i, "rejected", _problem(axis, frame[column].iloc[i], tr("import_expected_degrees", "en"),
                                                 "import_bad_number"))  # fmt: skip
    if crs_choice:
        datum, crs = parse_crs(crs_choice)
        source = "user"
    else:
        hinted = _datum_in(" ".join(c for c in (lon_col, lat_col) if c))
        datum, crs, source = (hinted, None, "header") if hinted else ("wgs84", None, "assumed")
    if "datum" in matched and not crs_choice:
        per_row = np.array([_datum_in(cell_text(v)) or "" for v in frame[matched["datum"]]], dtype=object)
        datum, source = "per row", "column"
    else:
        per_row = np.full(len(frame), datum if crs is None else "", dtype=object)
    lon, lat = x.copy(), y.copy()
    if crs is not None:
        lon, lat = transform_xy(crs, x, y)
    else:
        with np.errstate(invalid="ignore"):
            in_range = (np.abs(x) <= 180) & (np.abs(y) <= 90)
        _check_projected(x, y, in_range, state, city)
        lon[~in_range], lat[~in_range] = np.nan, np.nan
        for name in ("gcj02", "bd09"):
            sel = (per_row == name) & np.isfinite(lon) & np.isfinite(lat)
            if sel.any():
                lon[sel], lat[sel] = to_wgs84(lon[sel], lat[sel], name)
    geoms = np.where(np.isfinite(lon) & np.isfinite(lat), shapely.points(lon, lat), None)
    return geoms, datum, source


def _check_projected(x, y, in_range, state: _Rows, city: City) -> None:
    """Numbers beyond lon/lat range: projected coordinates (metres), reported per row."""
    projected = np.isfinite(x) & np.isfinite(y) & ~in_range
    with np.errstate(invalid="ignore"):
        swapped = projected & city.config.in_bbox(y, x)
    for i in np.flatnonzero(swapped):
        state.refuse(i, "rejected", _problem("lon", f"{x[i]:.6g}, {y[i]:.6g}", None, "import_swapped", x=x[i], y=y[i]))
    for i in np.flatnonzero(projected & ~swapped):
        state.refuse(i, "rejected", _problem("lon", f"{x[i]:.6g}, {y[i]:.6g}", None, "import_projected",
                                             x=x[i], y=y[i], metric_crs=city.config.metric_crs))  # fmt: skip


def _geometry_checks(geoms, state: _Rows, city: City, address) -> None:
    """Swapped lon/lat, outside the city's bbox, address only, no position."""
    config = city.config
    centres = np.array([shapely.centroid(g).coords[0] if g is not None and not g.is_empty else (np.nan, np.nan)
                        for g in geoms]).reshape(-1, 2)  # fmt: skip
    cx, cy = centres[:, 0], centres[:, 1]
    with np.errstate(invalid="ignore"):
        inside = config.in_bbox(cx, cy)
        swapped = ~inside & config.in_bbox(cy, cx)
    for i in range(len(geoms)):
        if geoms[i] is None or geoms[i].is_empty:
            if state.status[i] != "accepted":
                continue
            if isinstance(address[i], str) and address[i].strip():
                state.refuse(i, "address_only", _problem("address", address[i], None, "import_address_only"))
            else:
                state.refuse(i, "rejected", _problem("geometry", None, None, "import_no_position"))
        elif swapped[i]:
            state.refuse(i, "rejected", _problem("geometry", f"{cx[i]:.6f}, {cy[i]:.6f}", None, "import_swapped",
                                                 x=cx[i], y=cy[i]))  # fmt: skip
        elif not inside[i]:
            state.refuse(i, "outside", _problem("geometry", f"{cx[i]:.6f}, {cy[i]:.6f}", None, "import_outside_bbox",
                                                bbox=", ".join(f"{v:g}" for v in config.bbox)))  # fmt: skip


def _new_id(prefix: str, layer_id: str, name, geom) -> str:
    """A stable id for a row without one: ``prefix`` and 64 bits (16 hex digits) of a hash of its
    layer, name and position (a collision among a million rows has odds of ~3e-8)."""
    key = f"{layer_id}|{name}|{geom.wkt if geom is not None else ''}"
    return f"{prefix}{hashlib.sha1(key.encode()).hexdigest()[:ID_HEX_DIGITS]}"


def _district_names(city: City) -> dict[str, str]:
    """Every way a district may be written (zh, en, zh without its 区/县/市 suffix) -> its zh name."""
    districts = city.layers["districts"]
    names = {}
    for zh, en in zip(districts["name_zh"], districts["name_en"]):
        for form in (zh, en, re.sub(r"(区|县|市|自治县)$", "", str(zh))):
            if isinstance(form, str) and form:
                names[normalise(form)] = zh
    return names


def _schema_frame(table: SourceTable, layer_id: str, matched: dict, geoms, state: _Rows, city: City,
                  accuracy: str, notes: list, defaults: Mapping[str, str]) -> gpd.GeoDataFrame:  # fmt: skip
    """The layer's schema columns for every record (``defaults`` filling blank or absent cells),
    vocabulary mapped; unknown values reported."""
    spec = LAYERS[layer_id]
    frame = table.frame
    n = len(frame)
    data: dict[str, list] = {}

    def column(name: str) -> list[str | None]:
        """The column's cells as text, the default where missing (blank, null, NaN: never "nan"), else None."""
        default = defaults.get(name) or None
        if name not in matched:
            return [default] * n
        return [cell_text(v) or default for v in frame[matched[name]].tolist()]

    for spec_field in spec.fields:
        values = column(spec_field.name)
        vocab = spec_field.vocabulary
        if (
            spec_field.kind == "enum"
            and vocab is not None
            and (spec_field.name in matched or spec_field.name in defaults)
        ):
            known = {v: vocabulary_value(v, vocab) for v in set(values) if v is not None}  # a list repeats its values
            mapped = [known.get(v) for v in values]
            code = "import_bad_grade" if vocab is GRADES else "import_bad_value"
            for i in np.flatnonzero([v is not None and m is None for v, m in zip(values, mapped)]):
                if spec_field.name == "coord_accuracy":  # an accuracy not known: stored as not checked, said so
                    state.problems[i].append(_problem(spec_field.name, values[i], ", ".join(vocab.values),
                                                      "import_accuracy_unknown", column=matched.get(spec_field.name),
                                                      accuracy=COORD_ACCURACY.label(accuracy, "zh"),
                                                      accuracy_en=COORD_ACCURACY.label(accuracy, "en")))  # fmt: skip
                    continue
                state.refuse(i, "rejected", _problem(spec_field.name, values[i], ", ".join(vocab.values), code))
            values = mapped
        elif spec_field.kind == "list" and vocab is not None:
            lists = [list_values(v, vocab) for v in values]
            for i, (_ok, unknown) in enumerate(lists):
                if unknown:
                    state.refuse(i, "rejected", _problem(spec_field.name, "; ".join(unknown), ", ".join(vocab.values),
                                                         "import_bad_value"))  # fmt: skip
            values = [ok for ok, _unknown in lists]
        data[spec_field.name] = values
    rows = table.rows
    where = table.file_name + (f", sheet {table.sheet}" if table.sheet else "")
    their_source = data["source"] if "source" in data else [None] * n
    data["source"] = [f"{where}, row {r}" + (f"; {s}" if s else "") for r, s in zip(rows, their_source)]
    if "coord_accuracy" in data:
        data["coord_accuracy"] = [v or accuracy for v in data["coord_accuracy"]]
    if "name_en" in data:  # left blank (pinyin read as a made-up English name): pages show the Chinese name
        missing = [i for i, v in enumerate(data["name_en"]) if v is None and data["name_zh"][i]]
        if missing:
            notes.append(("import_note_pinyin", {"n": len(missing)}))
    if "district" in data:
        _fill_districts(data, geoms, state, city, matched.get("district"))
    if "id" in data:
        data["id"] = [v or _new_id(spec.id_prefix or "", layer_id, data["name_zh"][i], geoms[i])
                      for i, v in enumerate(data["id"])]  # fmt: skip
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=WGS84, index=pd.Index(rows, name="row"))


def _fill_districts(data: dict, geoms, state: _Rows, city: City, column: str | None) -> None:
    """A district written in English or without its suffix -> its zh name. A blank one -> the district
    the point lies in, or the nearest one within :data:`culturemap.catalog.BOUNDARY_TOLERANCE_M` (the
    boundaries are simplified; distances in the city's metric CRS), said in the row's report; farther,
    the row is rejected. ``column``: the file's district column (None when it has none), named in
    what the report says."""
    known = _district_names(city)
    districts = city.layers["districts"]
    expected = ", ".join(districts["name_zh"])
    shown = column or COLUMN_ALIASES["district"][1]  # the column to fill: the file's, else 区县
    blank = []
    for i, value in enumerate(data["district"]):
        if value is not None:
            zh = known.get(normalise(value))
            if zh is None:
                state.refuse(i, "rejected", _problem("district", value, expected, "import_district_unknown",
                                                     column=shown))  # fmt: skip
            data["district"][i] = zh or value
        elif state.status[i] in STORED_STATUSES and geoms[i] is not None and not geoms[i].is_empty:
            blank.append(i)
    if not blank or districts.empty:
        return
    metric = city.config.metric_crs
    shapes = districts.to_crs(metric).geometry.to_numpy()
    points = gpd.GeoSeries([shapely.point_on_surface(geoms[i]) for i in blank], crs=WGS84).to_crs(metric).to_numpy()
    (found, nearest), gap_m = shapely.STRtree(shapes).query_nearest(points, return_distance=True, all_matches=False)
    for k, j, d in zip(found, nearest, gap_m):
        i, name = blank[k], districts["name_zh"].iloc[j]
        if d > BOUNDARY_TOLERANCE_M:
            code = "import_district_none" if column else "import_district_no_column"
            state.refuse(i, "rejected", _problem("district", None, expected, code, column=shown, nearest=name,
                                                 distance_m=d, tolerance_m=BOUNDARY_TOLERANCE_M))  # fmt: skip
            continue
        data["district"][i] = name
        code = "import_district_in" if d == 0 else "import_district_nearest"
        state.problems[i].append(_problem("district", name, None, code, column=shown, district=name, distance_m=d))


def _pack_checks(candidates: gpd.GeoDataFrame, layer_id: str, state: _Rows, city: City, file_name: str) -> None:
    """The checks a pack's rows get (:func:`culturemap.catalog.check_rows`: schema, vocabularies,
    geometry, ids; then the district each point lies in) on the rows not refused yet. A text over its
    cap is cut in ``candidates`` as the check's warning says."""
    open_rows = np.flatnonzero(np.isin(state.status, STORED_STATUSES))
    if not len(open_rows):
        return
    frame = candidates.iloc[open_rows].reset_index(drop=True)
    problems = check_rows(layer_id, frame, city.config)
    failed = {p.row for p in problems if p.severity == "error"}
    placed = frame.assign(_row=np.arange(1, len(frame) + 1))
    placed = placed[~placed["_row"].isin(failed)]
    check_places(city.config, {layer_id: placed, "districts": city.layers["districts"]}, problems)
    for problem in problems:
        i = open_rows[problem.row - 1]
        found = _from_catalog(problem, file_name, int(candidates.index[i]))
        if problem.code == "text_too_long":  # stored as the warning says: cut to the cap, the last character "…"
            j = candidates.columns.get_loc(problem.field)
            candidates.iat[i, j] = candidates.iat[i, j][: problem.values["cap"] - 1] + "…"
        if problem.severity == "warning":
            state.problems[i].append(found)
        else:
            state.refuse(i, "outside" if problem.code == "outside_city" else "rejected", found)


def prepare_import(
    source: str | Path | SourceTable,
    layer_id: str,
    city: City,
    *,
    crs: str | None = None,
    sheet: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    defaults: Mapping[str, str] | None = None,
    file_name: str | None = None,
    accuracy: str = DEFAULT_ACCURACY,
    max_mb: float = MAX_IMPORT_MB,
) -> ImportReport:
    """Read ``source`` and report, row by row, what importing it into ``layer_id`` would store.

    Parameters
    ----------
    source : a file (any format of :func:`culturemap.io.readers.read_source`) or a table already read.
    layer_id : an asset layer of :data:`culturemap.layers.LAYERS`.
    city : the city as stored now (:meth:`culturemap.store.Store.load_city`): its bbox, districts and
        the stored assets that duplicates are looked for among.
    crs : ``wgs84``, ``gcj02``, ``bd09`` or ``EPSG:n`` for coordinates without a declared CRS (a
        table; GCJ-02 / BD-09 positions in a WGS-84 feature file). Default: the file's CRS, a datum
        named in the coordinate columns' headers, else WGS-84 (the report says which).
    mapping : ``{field: column}`` overriding the matched columns (see :func:`match_columns`); a
        column the file does not have, or a field the layer does not have, is an ImportFileError.
    defaults : ``{field: value}``, the value of every row whose cell is blank or whose file has no
        such column (``{"grade": "4A"}`` for a list of 4A spots), read like a cell.
    accuracy : ``coord_accuracy`` of rows whose file does not say (a value of COORD_ACCURACY).

    Raises
    ------
    ImportFileError
        when the file cannot be read at all (see :func:`culturemap.io.readers.read_source`).
    ValueError
        for an unknown layer, CRS or accuracy.
    """
    spec = LAYERS.get(layer_id)
    if spec is None or not spec.assets:
        raise ValueError(
            f"unknown asset layer {layer_id!r}: expected one of {', '.join(k for k, v in LAYERS.items() if v.assets)}"
        )
    if accuracy not in COORD_ACCURACY.values:
        raise ValueError(f"unknown accuracy {accuracy!r}: expected one of {', '.join(COORD_ACCURACY.values)}")
    if crs:
        parse_crs(crs)  # an unknown CRS is the caller's mistake, before any file is read
    table = source if isinstance(source, SourceTable) else read_source(source, file_name=file_name, sheet=sheet,
                                                                         max_mb=max_mb)  # fmt: skip
    columns = [str(c) for c in table.frame.columns if c != "geometry" or not table.has_geometry]
    defaults = dict(defaults or {})
    _check_options(table.file_name, layer_id, columns, dict(mapping or {}), defaults)
    matched = match_columns(columns, layer_id, mapping)
    state = _Rows(len(table.frame))
    notes: list[tuple[str, dict]] = []
    if table.skipped_sheets:
        notes.append(("import_note_sheet", {"sheet": table.sheet, "skipped": ", ".join(table.skipped_sheets)}))
    if not table.has_geometry and not ({"lon", "lat"} <= set(matched)) and "address" not in matched:
        notes.append(("import_note_no_coords", {"columns": ", ".join(columns)}))
    geoms, datum, datum_source = _coordinates(table, matched, crs, state, city)
    address = (
        [cell_text(v) for v in table.frame[matched["address"]]] if "address" in matched else [""] * len(table.frame)
    )
    _geometry_checks(geoms, state, city, address)
    candidates = _schema_frame(table, layer_id, matched, geoms, state, city, accuracy, notes, defaults)
    _pack_checks(candidates, layer_id, state, city, table.file_name)
    existing = city.assets()  # a duplicate may be stored in another layer (兴隆山 a scenic spot and an attraction)
    dups = find_duplicates(candidates, existing, np.flatnonzero(np.isin(state.status, STORED_STATUSES)), city,
                           layer_id)  # fmt: skip
    state.status[dups["duplicate_of"].notna().to_numpy()] = "duplicate"
    shift = shift_note(candidates, existing, city)
    if shift:
        notes.append(shift)
    if (state.status == "rejected").any() and all(
        any(p["code"] == "import_swapped" for p in probs)
        for probs, s in zip(state.problems, state.status)
        if s == "rejected"
    ):
        notes.append(("import_note_swapped", {}))
    centres = [shapely.point_on_surface(g) if g is not None and not g.is_empty else None for g in geoms]
    rows = pd.DataFrame(
        {
            "row": table.rows.astype(int),
            "status": state.status,
            "id": candidates["id"].to_numpy() if "id" in candidates else None,
            "name_zh": candidates["name_zh"].to_numpy(),
            "lon": [c.x if c is not None else np.nan for c in centres],
            "lat": [c.y if c is not None else np.nan for c in centres],
            "problems": state.problems,
            **{k: dups[k].to_numpy() for k in dups},
        }
    )
    stored = rows["status"].isin(STORED_STATUSES).to_numpy()
    stored_ids = existing["id"].isin(set(rows["duplicate_of"].dropna()))
    return ImportReport(table.file_name, table.sheet, layer_id, datum, datum_source, matched, columns, rows,
                        candidates.loc[stored], table.encoding, notes,
                        existing[stored_ids].set_index("id", drop=False))  # fmt: skip


def _check_options(file_name: str, layer_id: str, columns: list[str], mapping: dict, defaults: dict) -> None:
    """A mapping or a default naming a field the layer does not have, or a column the file does not
    have: ImportFileError saying what there is."""
    fields = [*COORD_FIELDS, *(f.name for f in LAYERS[layer_id].fields)]
    for option, names in (("--map", mapping), ("--set", defaults)):
        for name in names:
            if name not in fields or (option == "--set" and name in COORD_FIELDS):
                allowed = fields if option == "--map" else fields[len(COORD_FIELDS) :]
                raise ImportFileError("import_unknown_field", file_name, option=option, field=name, layer=layer_id,
                                      fields=", ".join(allowed))  # fmt: skip
    for column in mapping.values():
        if column and column not in columns:
            raise ImportFileError("import_unknown_column", file_name, column=column, columns=", ".join(columns))


def commit_import(store, report: ImportReport, choices: Mapping[int, str] | None = None, default: str = "skip",
                  actor=None):  # fmt: skip
    """Store the report's rows (see :meth:`ImportReport.rows_to_write`) with one
    :meth:`culturemap.store.Store.write` as ``actor`` (an editor; None: the command line's operator): all of
    them or, on any error, none. Returns its WriteResult."""
    return store.write(report.layer_id, report.rows_to_write(choices, default), actor=actor)


def import_file(store, path: str | Path, layer_id: str, *, skip_bad: bool = False, dry_run: bool = False,
                default: str = "skip", city: City | None = None, **options):  # fmt: skip
    """``culturemap import``: prepare, then commit only when no row is refused (or ``skip_bad``) and
    not ``dry_run``. Returns the report and the WriteResult (None when nothing was written).
    ``city``: the store's city when already loaded (default: loaded now); ``options`` go to
    :func:`prepare_import`."""
    report = prepare_import(path, layer_id, city or store.load_city(), **options)
    if dry_run or (report.refused and not skip_bad):
        return report, None
    return report, commit_import(store, report, default=default)


def format_report(report: ImportReport, lang: str = "en", on_duplicate: str | None = None) -> str:
    """The report as text for the terminal: the file, the datum, the columns, every row not
    stored with its reasons, the duplicates (with ``on_duplicate="update"``: each one left out
    because its name only resembles the stored one), the summary."""
    lines = [
        tr("import_head", lang, file=report.file_name, layer=LAYERS[report.layer_id].label(lang)),
        report.datum_text(lang),
        tr("import_mapping", lang, mapping=", ".join(f"{f} <- {c}" for f, c in report.mapping.items()) or "-"),
    ]
    if report.encoding:
        lines.append(tr("import_encoding", lang, encoding=report.encoding))
    lines += [f"! {note}" for note in report.note_lines(lang)]
    for rec in report.rows.itertuples():
        if rec.status == "duplicate":
            values = {"row": rec.row, "name": rec.name_zh, "other": rec.duplicate_name, "other_id": rec.duplicate_of,
                      "distance_m": rec.distance_m}  # fmt: skip
            lines.append(tr("import_line_duplicate", lang, match=tr(f"import_match_{rec.match}", lang), **values))
            if rec.match != "id":  # found within the stored point's uncertainty
                lines.append(tr("import_line_uncertainty", lang, radius_m=rec.radius_m,
                                accuracy=COORD_ACCURACY.label(str(rec.accuracy), lang), **values))  # fmt: skip
            if rec.duplicate_layer != report.layer_id:
                lines.append(tr("import_line_other_layer", lang, layer=LAYERS[rec.duplicate_layer].label(lang),
                                **values))  # fmt: skip
            elif on_duplicate and report.default_choice(rec.row, on_duplicate) != on_duplicate:
                lines.append(tr("import_line_not_updated", lang, **values))
        for p in rec.problems:
            lines.append(tr("import_line", lang, row=rec.row, status=tr("import_status_" + rec.status, lang),
                            message=p["message"][lang]))  # fmt: skip
    lines.append(report.summary(lang))
    return "\n".join(lines)


# --------------------------------------------------------------------------- generic point datasets
