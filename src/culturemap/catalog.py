"""Load and validate a city pack (``geodata/<city>/``) into GeoDataFrames.

A pack holds ``city.toml``, one GeoJSON FeatureCollection per layer (WGS-84) named after the layer
ids in :mod:`culturemap.layers`, ``routes.toml`` and ``SOURCES.md``. :func:`load_city` never
raises for bad rows: it keeps every row it can draw, and lists every problem (file, feature,
field) in ``City.problems``. Only a pack that cannot be read at all (no ``city.toml``) raises
:class:`PackError`.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from culturemap.crs import WGS84
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS, REQUIRED_LAYERS, LayerSpec

log = logging.getLogger(__name__)

MAX_LAYER_FILE_MB = 512
DEFAULT_DISTRICT_TOLERANCE_M = 100.0


class PackError(Exception):
    """A city pack that cannot be loaded at all; the message names the file and the reason."""


@dataclass(frozen=True)
class Problem:
    """One validation finding. ``row`` is the 1-based feature number in ``file``."""

    severity: str  # "error" or "warning"
    code: str
    file: str
    feature_id: str | None = None
    row: int | None = None
    field: str | None = None
    values: dict = dataclass_field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return tr(self.code, lang, file=self.file, id=self.feature_id, row=self.row, field=self.field, **self.values)

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "id": self.feature_id,
            "row": self.row,
            "field": self.field,
            "message": self.message(lang),
        }


@dataclass(frozen=True)
class PublishedFigure:
    """A published count the pack must account for, e.g. 47 A-class scenic spots."""

    id: str
    label_zh: str
    label_en: str
    layer: str
    count: int
    filter: dict[str, tuple[str, ...]]
    distinct: str | None
    source: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class RequiredAsset:
    """A named asset that a published text says the city has (matched on ``name_zh``)."""

    name_zh: str
    name_en: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class CityConfig:
    """The contents of ``city.toml``. Centre and bounding box in WGS-84 degrees."""

    id: str
    name_zh: str
    name_en: str
    default_lang: str
    center_lon: float
    center_lat: float
    zoom: int
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    metric_crs: str
    river_name_zh: str
    river_name_en: str
    district_tolerance_m: float
    published: tuple[PublishedFigure, ...]
    required_assets: tuple[RequiredAsset, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def in_bbox(self, lon, lat):
        """True where (lon, lat) lies in the city's bounding box; scalars or numpy arrays (NaN is outside)."""
        west, south, east, north = self.bbox
        return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


@dataclass(frozen=True)
class Route:
    """A themed route: an ordered list of feature ids."""

    id: str
    title_zh: str
    title_en: str
    official: bool
    stops: tuple[str, ...]
    themes: tuple[str, ...]
    source: str

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass
class City:
    """A loaded city pack: its config, one GeoDataFrame (EPSG:4326) per layer, routes, problems."""

    path: Path
    config: CityConfig
    layers: dict[str, gpd.GeoDataFrame]
    routes: tuple[Route, ...]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def assets(self, layer_ids: tuple[str, ...] = ASSET_LAYERS) -> gpd.GeoDataFrame:
        """All asset rows of ``layer_ids`` in one frame with a ``layer`` column."""
        frames = [self.layers[lid].assign(layer=lid) for lid in layer_ids if len(self.layers.get(lid, ()))]
        if not frames:
            columns = {"layer": [], **{f.name: [] for f in LAYERS[ASSET_LAYERS[0]].fields}}
            return gpd.GeoDataFrame(columns, geometry=[], crs=WGS84)
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)


# --------------------------------------------------------------------------- city.toml


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise PackError(f"{path}: file not found (a city pack needs city.toml)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from None


def _require(data: dict, key: str, kind: type | tuple, where: str):
    if key not in data:
        raise PackError(f"{where}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise PackError(f"{where}: key {key!r} has {value!r}; expected {getattr(kind, '__name__', kind)}")
    return value


def read_city_config(pack_dir: Path) -> CityConfig:
    """Parse ``pack_dir/city.toml``; raise :class:`PackError` naming the key on any mistake."""
    path = Path(pack_dir) / "city.toml"
    data = _read_toml(path)
    where = str(path)
    bbox = tuple(float(v) for v in _require(data, "bbox", list, where))
    if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise PackError(f"{where}: bbox must be [min_lon, min_lat, max_lon, max_lat], got {list(bbox)}")
    center = _require(data, "center", dict, where)
    metric_crs = _require(data, "metric_crs", str, where)
    try:
        crs = CRS.from_user_input(metric_crs)
    except Exception as exc:  # pyproj raises CRSError with a useful text
        raise PackError(f"{where}: metric_crs {metric_crs!r} is not a CRS: {exc}") from None
    if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise PackError(f"{where}: metric_crs {metric_crs!r} must be a projected CRS in metres")
    lang = data.get("default_lang", "zh")
    if lang not in ("zh", "en"):
        raise PackError(f"{where}: default_lang must be 'zh' or 'en', got {lang!r}")
    published = []
    for i, item in enumerate(data.get("published", []), start=1):
        w = f"{where} [[published]] #{i}"
        layer = _require(item, "layer", str, w)
        if layer not in LAYERS:
            raise PackError(f"{w}: unknown layer {layer!r}; expected one of {', '.join(LAYERS)}")
        published.append(
            PublishedFigure(
                id=_require(item, "id", str, w),
                label_zh=_require(item, "label_zh", str, w),
                label_en=_require(item, "label_en", str, w),
                layer=layer,
                count=_require(item, "count", int, w),
                filter={k: tuple(v) if isinstance(v, list) else (v,) for k, v in item.get("filter", {}).items()},
                distinct=item.get("distinct"),
                source=_require(item, "source", str, w),
            )
        )
    required = []
    for i, item in enumerate(data.get("required_assets", []), start=1):
        w = f"{where} [[required_assets]] #{i}"
        name_zh = _require(item, "name_zh", str, w)
        required.append(
            RequiredAsset(
                name_zh=name_zh,
                name_en=_require(item, "name_en", str, w),
                match=tuple(item.get("match", [name_zh])),
            )
        )
    river = data.get("river", {})
    return CityConfig(
        id=_require(data, "id", str, where),
        name_zh=_require(data, "name_zh", str, where),
        name_en=_require(data, "name_en", str, where),
        default_lang=lang,
        center_lon=float(_require(center, "lon", (int, float), where + " [center]")),
        center_lat=float(_require(center, "lat", (int, float), where + " [center]")),
        zoom=int(data.get("zoom", 11)),
        bbox=bbox,
        metric_crs=metric_crs,
        river_name_zh=river.get("name_zh", "河流"),
        river_name_en=river.get("name_en", "River"),
        district_tolerance_m=float(data.get("district_tolerance_m", DEFAULT_DISTRICT_TOLERANCE_M)),
        published=tuple(published),
        required_assets=tuple(required),
    )


# --------------------------------------------------------------------------- layers


def _empty_layer(spec: LayerSpec) -> gpd.GeoDataFrame:
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


def _as_list(value) -> list[str]:
    if value is None or isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]
    return [str(v) for v in value]


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
        ids = _ids(frame)
        rows = np.arange(1, len(frame) + 1)
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
                for i, value in enumerate(values):
                    for item in _as_list(value):
                        if item not in allowed:
                            self.add("bad_value", rows[i], ids[i], name, value=item, expected=expected)


def _read_layer(path: Path, spec: LayerSpec, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    size_mb = path.stat().st_size / 2**20
    if size_mb > MAX_LAYER_FILE_MB:
        problems.append(
            Problem("error", "too_large", spec.file, values={"size_mb": size_mb, "limit_mb": MAX_LAYER_FILE_MB})
        )
        return None
    try:
        frame = pyogrio.read_dataframe(path, use_arrow=True)
    except Exception as exc:  # GDAL reports malformed JSON, bad encodings, ... with a clear text
        problems.append(Problem("error", "unreadable", spec.file, values={"reason": str(exc).strip()}))
        return None
    crs = frame.crs
    if crs is not None and not crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        problems.append(Problem("error", "wrong_crs", spec.file, values={"crs": crs.to_string()}))
        return None
    return frame.set_crs(WGS84, allow_override=True)


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


def _check_places(config: CityConfig, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> None:
    """Every asset inside the municipality and inside (within tolerance) the district it names."""
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
            if found[i] is None:
                outside_m = shapely.distance(city_shape, points[i])
                if outside_m > tol:
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
            if gap > tol:
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


def _read_routes(pack_dir: Path, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> tuple[Route, ...]:
    path = pack_dir / "routes.toml"
    if not path.exists():
        return ()
    try:
        data = _read_toml(path)
    except PackError as exc:
        problems.append(Problem("error", "city_toml", "routes.toml", values={"reason": str(exc)}))
        return ()
    known = set()
    for frame in layers.values():
        if "id" in frame:
            known.update(v for v in frame["id"] if isinstance(v, str))
    routes = []
    for i, item in enumerate(data.get("route", []), start=1):
        rid = item.get("id", f"#{i}")
        missing = [k for k in ("id", "title_zh", "title_en", "stops", "source") if k not in item]
        if missing:
            problems.append(
                Problem(
                    "error",
                    "route_invalid",
                    "routes.toml",
                    rid,
                    i,
                    missing[0],
                    {"route": rid, "reason": f"missing key {missing[0]!r}"},
                )
            )
            continue
        for stop in item["stops"]:
            if stop not in known:
                problems.append(
                    Problem("error", "route_unknown_stop", "routes.toml", rid, i, "stops", {"route": rid, "stop": stop})
                )
        routes.append(
            Route(
                rid,
                item["title_zh"],
                item["title_en"],
                bool(item.get("official", False)),
                tuple(item["stops"]),
                tuple(item.get("themes", [])),
                item["source"],
            )
        )
    return tuple(routes)


def load_city(pack_dir: str | Path) -> City:
    """Load the city pack in ``pack_dir`` through the full validation.

    Rows whose geometry cannot be drawn (missing, invalid, wrong type, projected or swapped
    coordinates) are left out of the returned layers; every problem is listed in
    ``City.problems`` with file, feature number, id and field. Files are never modified.
    """
    pack_dir = Path(pack_dir)
    config = read_city_config(pack_dir)
    problems: list[Problem] = []
    layers: dict[str, gpd.GeoDataFrame] = {}
    for lid, spec in LAYERS.items():
        path = pack_dir / spec.file
        frame = None
        if path.exists():
            frame = _read_layer(path, spec, problems)
        elif lid in REQUIRED_LAYERS:
            problems.append(Problem("error", "missing_file", spec.file))
        else:
            problems.append(Problem("warning", "missing_layer", spec.file))
        if frame is None:
            layers[lid] = _empty_layer(spec).assign(_row=pd.Series(dtype=int))
            continue
        frame["_row"] = np.arange(1, len(frame) + 1)
        layers[lid] = _LayerChecker(spec, config, problems).check(frame)
    _check_ids(layers, problems)
    _check_places(config, layers, problems)
    routes = _read_routes(pack_dir, layers, problems)
    for lid, frame in layers.items():
        layers[lid] = frame.drop(columns="_row").reset_index(drop=True)
    log.info("loaded %s: %d problems", pack_dir, len(problems))
    return City(pack_dir, config, layers, routes, problems)


def find_packs(root: str | Path) -> list[Path]:
    """Every folder directly under ``root`` that holds a ``city.toml``, sorted by name."""
    return sorted(p.parent for p in Path(root).glob("*/city.toml"))
