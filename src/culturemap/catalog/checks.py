"""Row checks of a pack's layers: ids, required fields, vocabularies, text lengths, places inside the
city and its districts, and the published figures' named assets. Every problem names the file,
feature and field."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import shapely

from culturemap.catalog.config import (
    City,
    CityConfig,
    Problem,
    absolute_path_in,
    is_iso_date,
    max_chars,
    read_routes,
)
from culturemap.catalog.sources import REGISTER_FILE, read_register, register_problems, unknown_keys
from culturemap.crs import WGS84
from culturemap.layers import ASSET_LAYERS, LAYERS, REQUIRED_LAYERS, LayerSpec, Vocabulary
from culturemap.names import normalise

# The district boundaries of a pack are simplified: a point outside every district but within this many
# metres (metric CRS) of the nearest one lies in that one (石佛沟 lay 600 m outside them). Nearer than
# ``district_tolerance_m`` of city.toml counts everywhere else.
BOUNDARY_TOLERANCE_M = 2000.0


def empty_layer(spec: LayerSpec) -> gpd.GeoDataFrame:
    """An empty frame with the fields of ``spec`` (WGS-84)."""
    return gpd.GeoDataFrame({f.name: pd.Series(dtype=object) for f in spec.fields}, geometry=[], crs=WGS84)


def _ids(frame: pd.DataFrame) -> np.ndarray:
    if "id" not in frame:
        return np.full(len(frame), None, dtype=object)
    return frame["id"].astype(object).where(frame["id"].notna(), None).to_numpy()


def _is_blank(values: pd.Series) -> np.ndarray:
    def blank(v) -> bool:
        if v is None:
            return True
        if isinstance(v, float) and np.isnan(v):
            return True
        return isinstance(v, str) and not v.strip()

    return np.fromiter((blank(v) for v in values), dtype=bool, count=len(values))


def _long_text(values: pd.Series, cap: int) -> np.ndarray | None:
    """Characters per cell (0 for anything but text) when some cell is longer than ``cap``, else None.

    String columns are checked in Arrow: a cell's UTF-8 byte count bounds its characters, so the
    usual case (nothing long) costs one vectorised maximum. Object columns (lists) are looped over.
    """
    if isinstance(values.dtype, pd.StringDtype):
        text = values.array.__arrow_array__()
        if (pc.max(pc.binary_length(text)).as_py() or 0) <= cap:
            return None
        lengths = pc.fill_null(pc.utf8_length(text), 0).to_numpy()
    else:
        lengths = np.fromiter((len(v) if isinstance(v, str) else 0 for v in values), dtype=np.int64, count=len(values))
    return lengths if (lengths > cap).any() else None


def _as_list(value) -> list[str]:
    if value is None or isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
    return [str(v) for v in value]


def _canonical_items(vocab: Vocabulary, value):
    """A list value with each item under its current name (:meth:`Vocabulary.canonical`); blank stays blank."""
    items = _as_list(value)
    return [vocab.canonical(item) for item in items] if items else value


class _LayerChecker:
    """Validate one layer frame; append problems; return the rows that can be drawn."""

    def __init__(self, spec: LayerSpec, config: CityConfig, problems: list[Problem]):
        self.spec = spec
        self.config = config
        self.problems = problems

    def add(self, code: str, row: int | None = None, feature_id=None, field=None, severity="error", **values):
        row = None if row is None else int(row)
        self.problems.append(Problem(severity, code, self.spec.file, feature_id, row, field, values))

    def check(self, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        rows = np.arange(1, len(frame) + 1)
        self._cap_text(frame, rows)
        ids = _ids(frame)
        keep = self._check_geometry(frame, ids, rows)
        self._check_fields(frame, ids, rows)
        if self.spec.id_prefix and "id" in frame:
            for i in np.flatnonzero([isinstance(v, str) and not v.startswith(self.spec.id_prefix) for v in ids]):
                self.add("id_prefix", rows[i], ids[i], "id", severity="warning", prefix=self.spec.id_prefix)
        frame = frame.loc[keep].copy()
        if self.spec.field("themes") is not None:
            frame["themes"] = [_as_list(v) for v in frame["themes"]] if "themes" in frame else [[]] * len(frame)
        for spec_field in self.spec.fields:
            if spec_field.name not in frame:
                frame[spec_field.name] = None
        return frame

    def _cap_text(self, frame: gpd.GeoDataFrame, rows) -> None:
        """Cut every text longer than :func:`max_chars` of its field to that many characters, the
        last one "…", in place; one ``text_too_long`` warning per cut cell."""
        cut = []
        for column, dtype in frame.dtypes.items():
            if not (isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype)):
                continue
            cap = max_chars(column)
            lengths = _long_text(frame[column], cap)
            if lengths is not None:
                long = lengths > cap
                frame.loc[long, column] = [text[: cap - 1] + "…" for text in frame.loc[long, column]]
                cut += [(i, column, int(lengths[i]), cap) for i in np.flatnonzero(long)]
        ids = _ids(frame) if cut else None
        for i, column, length, cap in cut:
            self.add("text_too_long", rows[i], ids[i], column, severity="warning", length=length, cap=cap)

    def _check_geometry(self, frame: gpd.GeoDataFrame, ids, rows) -> np.ndarray:
        geoms = frame.geometry.to_numpy()
        keep = np.ones(len(frame), dtype=bool)
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        for i in np.flatnonzero(missing):
            self.add("missing_geometry", rows[i], ids[i], "geometry")
        keep &= ~missing
        types = shapely.get_type_id(geoms)
        names = np.array(
            [
                "Point",
                "LineString",
                "LinearRing",
                "Polygon",
                "MultiPoint",
                "MultiLineString",
                "MultiPolygon",
                "GeometryCollection",
            ],
            dtype=object,
        )
        type_names = np.where(types >= 0, names[np.clip(types, 0, 7)], None)
        wrong_type = ~missing & ~np.isin(type_names, self.spec.geometry_types)
        for i in np.flatnonzero(wrong_type):
            self.add(
                "wrong_geometry_type",
                rows[i],
                ids[i],
                "geometry",
                found=type_names[i],
                expected=" / ".join(self.spec.geometry_types),
            )
        keep &= ~wrong_type
        invalid = keep & ~shapely.is_valid(geoms)
        for i in np.flatnonzero(invalid):
            self.add("invalid_geometry", rows[i], ids[i], "geometry", reason=shapely.is_valid_reason(geoms[i]))
        keep &= ~invalid
        bounds = shapely.bounds(geoms)
        cx = (bounds[:, 0] + bounds[:, 2]) / 2
        cy = (bounds[:, 1] + bounds[:, 3]) / 2
        with np.errstate(invalid="ignore"):
            inside = self.config.in_bbox(cx, cy)
            swapped_inside = self.config.in_bbox(cy, cx)
        swapped = keep & ~inside & swapped_inside
        for i in np.flatnonzero(swapped):
            self.add("swapped_latlon", rows[i], ids[i], "geometry", x=cx[i], y=cy[i])
        keep &= ~swapped
        with np.errstate(invalid="ignore"):
            out_of_range = keep & (
                (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
            )
        for i in np.flatnonzero(out_of_range):
            self.add("projected_coords", rows[i], ids[i], "geometry", x=bounds[i, 0], y=bounds[i, 1])
        keep &= ~out_of_range
        return keep

    def _check_fields(self, frame: gpd.GeoDataFrame, ids, rows) -> None:
        for spec_field in self.spec.fields:
            name = spec_field.name
            if name not in frame:
                if spec_field.required:
                    for i in range(len(frame)):
                        self.add("missing_field", rows[i], ids[i], name)
                continue
            values = frame[name]
            blank = _is_blank(values) if spec_field.kind != "list" else np.zeros(len(frame), bool)
            if spec_field.required:
                for i in np.flatnonzero(blank):
                    self.add("missing_field", rows[i], ids[i], name)
            if name == "source":
                for i in np.flatnonzero(~blank):
                    path = absolute_path_in(values.iloc[i])
                    if path is not None:
                        self.add("absolute_path", rows[i], ids[i], name, path=path)
            if spec_field.kind == "date":
                for i in np.flatnonzero(~blank):
                    if not is_iso_date(values.iloc[i]):
                        self.add("bad_date", rows[i], ids[i], name, value=values.iloc[i])
            vocab = spec_field.vocabulary
            if vocab is None:
                continue
            allowed = set(vocab.values)
            expected = ", ".join(vocab.values)
            if spec_field.kind == "enum":
                bad = ~blank & ~values.astype(object).isin(allowed).to_numpy()
                for i in np.flatnonzero(bad):
                    self.add("bad_value", rows[i], ids[i], name, value=values.iloc[i], expected=expected)
            elif spec_field.kind == "list":
                if vocab.aliases:  # a former value name reads as the current one
                    values = values.map(partial(_canonical_items, vocab))
                    frame[name] = values
                for i, value in enumerate(values):
                    for item in _as_list(value):
                        if item not in allowed:
                            self.add("bad_value", rows[i], ids[i], name, value=item, expected=expected)


def _check_ids(layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for lid, frame in layers.items():
        if "id" not in frame or not LAYERS[lid].assets:
            continue
        for row, fid in zip(frame["_row"].tolist(), frame["id"]):
            if not isinstance(fid, str) or not fid:
                continue
            if fid in seen:
                problems.append(
                    Problem("error", "duplicate_id", LAYERS[lid].file, fid, row, "id", {"other": seen[fid]})
                )
            else:
                seen[fid] = f"{LAYERS[lid].file} feature {row}"


def check_places(config: CityConfig, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> None:
    """Every asset inside the municipality and inside (within tolerance) the district it names.

    A point outside every district (simplified boundaries) is in the city when it lies within
    :data:`BOUNDARY_TOLERANCE_M` of it, and then in the nearest district (or one as near within
    ``district_tolerance_m``)."""
    districts = layers.get("districts")
    if districts is None or districts.empty:
        return
    tol = config.district_tolerance_m
    districts_m = districts.to_crs(config.metric_crs)
    names = districts_m["name_zh"].astype(object).to_numpy()
    shapes = districts_m.geometry.to_numpy()
    shapely.prepare(shapes)
    by_name = dict(zip(names, shapes))
    city_shape = shapely.union_all(shapes)
    expected = ", ".join(str(n) for n in names)
    for lid in ASSET_LAYERS:
        frame = layers.get(lid)
        if frame is None or frame.empty:
            continue
        file = LAYERS[lid].file
        points = shapely.point_on_surface(frame.to_crs(config.metric_crs).geometry.to_numpy())
        xy = shapely.get_coordinates(points)
        found = np.full(len(frame), None, dtype=object)
        for name, shape in zip(names, shapes):  # prepared polygons: vectorised point-in-polygon
            found[(found == None) & shapely.contains_xy(shape, xy[:, 0], xy[:, 1])] = name  # noqa: E711
        stated = frame["district"].astype(object).to_numpy()
        ids = frame["id"].astype(object).to_numpy()
        rows = frame["_row"].to_numpy()
        for i in np.flatnonzero(found != stated):
            fid, row = ids[i], int(rows[i])
            outside_m = 0.0
            if found[i] is None:
                outside_m = shapely.distance(city_shape, points[i])
                if outside_m > max(tol, BOUNDARY_TOLERANCE_M):
                    problems.append(
                        Problem("error", "outside_city", file, fid, row, "geometry", {"distance_m": outside_m})
                    )
                    continue
            value = stated[i]
            if not isinstance(value, str) or not value.strip():
                continue  # already reported as a missing field
            shape = by_name.get(value)
            if shape is None:
                problems.append(
                    Problem(
                        "error", "unknown_district", file, fid, row, "district", {"value": value, "expected": expected}
                    )
                )
                continue
            gap = shapely.distance(shape, points[i])
            if gap > outside_m + tol:
                problems.append(
                    Problem(
                        "error",
                        "wrong_district",
                        file,
                        fid,
                        row,
                        "district",
                        {"value": value, "found": found[i] or "?", "distance_m": gap},
                    )
                )


def check_same_names(layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> None:
    """A warning per asset whose name (after :func:`culturemap.names.normalise`) another asset of its
    layer has too, naming both ids: a probable duplicate. Campuses of one university with distinct
    ``campus`` values are not duplicates. ``layers``' frames carry ``_row`` (1-based feature numbers)."""
    for lid in ASSET_LAYERS:
        frame = layers.get(lid)
        if frame is None or frame.empty or "name_zh" not in frame:
            continue
        campus = frame["campus"] if "campus" in frame else pd.Series(None, index=frame.index)
        first: dict[tuple[str, str], tuple] = {}
        rows = frame["_row"].tolist() if "_row" in frame else range(1, len(frame) + 1)
        for row, fid, name, place in zip(rows, _ids(frame), frame["name_zh"], campus):
            key = (normalise(name) if isinstance(name, str) else "", normalise(place) if isinstance(place, str) else "")
            if not key[0]:
                continue
            if key in first:
                other_row, other_id, other_name = first[key]
                problems.append(Problem("warning", "same_name", LAYERS[lid].file, fid, int(row), "name_zh",
                                        {"name": name, "other": other_id, "other_row": other_row,
                                         "other_name": other_name}))  # fmt: skip
            else:
                first[key] = (int(row), fid, name)


def _check_missing(config: CityConfig, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> None:
    """A name listed as missing from a published figure that the figure's layer holds is a stale entry."""
    for n, figure in enumerate(config.published, start=1):
        names = set(layers[figure.layer]["name_zh"].dropna()) if "name_zh" in layers[figure.layer] else set()
        for m, item in enumerate(figure.missing, start=1):
            if item.name_zh in names:
                problems.append(
                    Problem(
                        "warning",
                        "missing_asset_present",
                        "city.toml",
                        field=f"[[published]] #{n} [[missing]] #{m} name_zh",
                        values={"name": item.name_zh, "layer": LAYERS[figure.layer].file},
                    )
                )


def check_city(
    path: Path, config: CityConfig, frames: dict[str, gpd.GeoDataFrame | None], problems: list[Problem]
) -> City:
    """Validate layer frames read from a pack or a store (see :func:`read_pack_layers` for ``frames``)
    into a :class:`City`; ``problems`` (those found while reading) is extended in place.

    The frames get a ``_row`` column (changed in place). Routes come from ``path/routes.toml``.
    Rows whose geometry cannot be drawn are left out of the returned layers; every problem is
    listed in ``City.problems``.
    """
    layers: dict[str, gpd.GeoDataFrame] = {}
    for lid, spec in LAYERS.items():
        frame = frames.get(lid)
        if lid not in frames:
            required = lid in REQUIRED_LAYERS
            problems.append(
                Problem("error" if required else "warning", "missing_file" if required else "missing_layer", spec.file)
            )
        if frame is None:
            layers[lid] = empty_layer(spec).assign(_row=pd.Series(dtype=int))
            continue
        frame["_row"] = np.arange(1, len(frame) + 1)
        layers[lid] = _LayerChecker(spec, config, problems).check(frame)
    _check_ids(layers, problems)
    check_places(config, layers, problems)
    check_same_names(layers, problems)
    _check_missing(config, layers, problems)
    routes = read_routes(path, layers, problems)
    register = read_register(path)
    _check_source_keys(register, config, layers, problems)
    for lid, frame in layers.items():
        layers[lid] = frame.drop(columns="_row").reset_index(drop=True)
    return City(path, config, layers, routes, problems, sources=register)


def _check_source_keys(
    register: dict, config: CityConfig, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]
) -> None:
    """With a source register: each register entry cites a publisher, never a file path, and every
    row's ``source`` is made of its keys (an unknown key is an error naming file, row and key)."""
    if not register:
        return
    for message in register_problems(register):
        problems.append(Problem("error", "source_register", REGISTER_FILE, values={"detail": message}))
    cited = [(f.id, f.source) for f in config.published]
    cited += [(m.name_zh, m.source) for f in config.published for m in f.missing]
    cited += [("population", config.population.source)] if config.population else []
    for where, text in cited:
        for key in unknown_keys(text, register):
            problems.append(
                Problem("error", "source_unknown_config", "city.toml", where, None, "source", {"cited": key})
            )
    for lid in ASSET_LAYERS:
        frame = layers[lid]
        if "source" not in frame or not len(frame):
            continue
        for fid, row, text in zip(_ids(frame), frame["_row"], frame["source"]):
            for key in unknown_keys(text, register):
                problems.append(Problem("error", "source_unknown", LAYERS[lid].file, fid, int(row), "source",
                                        {"cited": key}))  # fmt: skip


def check_rows(layer_id: str, frame: gpd.GeoDataFrame, config: CityConfig) -> list[Problem]:
    """The problems of ``frame`` as rows of ``layer_id`` (the per-layer checks of :func:`check_city`
    and unique ids within the frame); ``row`` is the 1-based row of ``frame``. ``frame`` is not changed."""
    problems: list[Problem] = []
    frame = frame.copy()
    frame["_row"] = np.arange(1, len(frame) + 1)
    _LayerChecker(LAYERS[layer_id], config, problems).check(frame)
    _check_ids({layer_id: frame}, problems)
    return problems
