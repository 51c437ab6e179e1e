"""Load and validate a city pack (``geodata/<city>/``) into GeoDataFrames.

A pack holds ``city.toml``, one GeoJSON FeatureCollection per layer (WGS-84) named after the layer
ids in :mod:`culturemap.layers`, ``routes.toml`` and ``SOURCES.md``. :func:`load_city` never
raises for bad rows: it keeps every row it can draw, and lists every problem (file, feature,
field) in ``City.problems``; text longer than :func:`max_chars` is cut and reported. Only a pack
that cannot be read at all (not a folder, no ``city.toml``, any mistake in ``city.toml``) raises
:class:`PackError`. :func:`scan_packs` lists every pack under a folder, broken ones with their error.
"""

from __future__ import annotations

import logging
import math
import os
import re
import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from functools import partial
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyogrio
import shapely
from pyproj import CRS

from culturemap.crs import WGS84
from culturemap.i18n import tr
from culturemap.io.files import file_kind, kind_labels
from culturemap.layers import ASSET_LAYERS, LAYERS, MISSING_REASONS, REQUIRED_LAYERS, THEMES, LayerSpec, Vocabulary

log = logging.getLogger(__name__)

MAX_LAYER_FILE_MB = 512  # a layer file is read only when it is a regular file of at most this size
DEFAULT_DISTRICT_TOLERANCE_M = 100.0
DEFAULT_ZOOM = 11
ZOOM_RANGE = (1, 20)  # web map zoom levels the basemaps serve
# Longest text kept at load, in characters (longer values are cut with "…" and reported): an id or
# a name is one line of a label, tooltip or search result; any other text (address, note, source,
# opening_hours, ...) a paragraph of a popup. A 1,000,000-character name would stall the map page.
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 2000
NAME_FIELDS = frozenset({"id", "name_zh", "name_en", "former_name_zh", "campus", "label_zh", "label_en"})
PACK_ID = re.compile(r"[A-Za-z0-9_-]+")  # a city id goes into links (?city=<id>); no "@" (see scan_packs)
# An absolute path of some machine inside a text: a POSIX path (/home/...) or one under a home folder
# (~/..., ~user/...) starting a word, a Windows drive (C:\..., C:/...), a UNC share (\\server\...) or a
# file:// URL. A URL's "//" after its scheme and a relative path (../shared/...) do not match.
ABSOLUTE_PATH = re.compile(r"file://|(?<![\w.~/\\-])(?:/(?![\s/])|~[\w.-]*/|[A-Za-z]:[\\/]|\\\\[\w.-])", re.IGNORECASE)
# An ISO 8601 calendar date, or a reduced-precision year-month or year (the date kind of FieldSpec)
ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def absolute_path_in(text) -> str | None:
    """The first absolute machine path in ``text`` (from where it starts, up to the next blank), or None.

    Sources cite URLs and paths relative to the pack (``../shared/reference/<file>``); an absolute
    path names one machine's folders and breaks on every other one.
    """
    if not isinstance(text, str):
        return None
    found = ABSOLUTE_PATH.search(text)
    return text[found.start() :].split()[0] if found else None


def is_iso_date(text) -> bool:
    """True for ``YYYY-MM-DD`` (a real calendar day), ``YYYY-MM`` or ``YYYY``."""
    found = ISO_DATE.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return False
    year, month, day = (int(g) if g else None for g in found.groups())
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return False
    return True


def max_chars(field: str) -> int:
    """The longest text (characters) kept for ``field``: :data:`MAX_NAME_CHARS` for ids and names,
    :data:`MAX_TEXT_CHARS` for anything else."""
    return MAX_NAME_CHARS if field in NAME_FIELDS else MAX_TEXT_CHARS


class PackError(Exception):
    """A city pack that cannot be loaded at all.

    ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its fields; ``file`` is the
    path of the file (or folder) at fault and :attr:`key` (``values["setting"]``) the key in it,
    written as a TOML path: ``zoom``, ``center.lat``, ``[[published]] #2 count`` (the 2nd
    ``[[published]]`` table, counting from 1). ``str(exc)`` is the English message;
    :meth:`message` renders it in zh or en.
    """

    def __init__(self, code: str, file: str | Path, **values):
        self.code = code
        self.file = str(file)
        self.values = values
        super().__init__(self.message("en"))

    def __reduce__(self):  # picklable (st.cache_data pickles what it caches)
        return partial(type(self), self.code, self.file, **self.values), ()

    @property
    def key(self) -> str | None:
        """The ``city.toml`` key at fault, or None when the whole file or folder is."""
        return self.values.get("setting")

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``), naming the file, the key and what was expected."""
        return tr(self.code, lang, file=self.file, **self.values)

    def to_dict(self, lang: str = "en") -> dict:
        """The same fields as :meth:`Problem.to_dict`, ``field`` holding the key."""
        return {
            "severity": "error",
            "code": self.code,
            "file": self.file,
            "id": None,
            "row": None,
            "field": self.key,
            "message": self.message(lang),
        }


class NotAPackError(PackError):
    """A path that is not a city pack at all: no such folder, a file, or a folder without ``city.toml``."""


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
class MissingAsset:
    """A named asset that a cited source counts in a published figure but the pack does not hold
    (or not in that figure): ``reason`` is a value of :data:`culturemap.layers.MISSING_REASONS`."""

    name_zh: str
    name_en: str | None
    source: str
    reason: str
    note: str | None = None

    def reason_label(self, lang: str) -> str:
        return MISSING_REASONS.label(self.reason, lang)


@dataclass(frozen=True)
class PublishedFigure:
    """A published count the pack must account for, e.g. 47 A-class scenic spots, and the named
    assets of it known to be missing from the pack."""

    id: str
    label_zh: str
    label_en: str
    layer: str
    count: int
    filter: dict[str, tuple[str, ...]]
    distinct: str | None
    source: str
    missing: tuple[MissingAsset, ...] = ()

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class RequiredAsset:
    """A named asset that a published text says the city has (matched on ``name_zh``)."""

    name_zh: str
    name_en: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class Population:
    """The city's residents as a cited source counts them (``[population]`` in ``city.toml``):
    ``residents`` people on ``as_of`` (an ISO date, ``YYYY-MM`` or ``YYYY``), and what the figure
    counts (``note``, e.g. the resident population of a census)."""

    residents: int
    as_of: str
    source: str
    note: str | None = None


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
    search_example: str | None = None  # the search box's placeholder: names of one of the pack's assets
    population: Population | None = None  # None: no source gives it

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def river_name(self, lang: str) -> str:
        """The pack's river as ``[river]`` in ``city.toml`` names it (generic "河流 / River" if unnamed)."""
        return self.river_name_zh if lang == "zh" else self.river_name_en

    def theme_label(self, theme: str, lang: str) -> str:
        """A theme's label (:data:`~culturemap.layers.THEMES`); the river theme is named after the pack's river."""
        return self.river_name(lang) if THEMES.canonical(theme) == "river" else THEMES.label(theme, lang)

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
    # what is derived from the pack alone and reused by every map (e.g. display outlines), computed once
    memo: dict = dataclass_field(default_factory=dict, repr=False, compare=False)

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
        kind = file_kind(path.stat().st_mode)  # a FIFO would block the open
    except FileNotFoundError:
        raise NotAPackError("pack_no_city_toml", path) from None
    except OSError as exc:
        raise PackError("pack_unreadable", path, reason=exc.strerror or str(exc)) from None
    if kind is not None and kind != "folder":  # a folder: "cannot be read" below, as before
        raise PackError("pack_not_regular_file", path, **kind_labels(kind))
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise NotAPackError("pack_no_city_toml", path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PackError("pack_bad_toml", path, reason=str(exc)) from None
    except OSError as exc:  # a folder named city.toml, no permission, ...
        raise PackError("pack_unreadable", path, reason=exc.strerror or str(exc)) from None


_REQUIRED = object()


def _shown(value) -> str:
    """``value`` as a short repr for a message; a long text is cut and its length given."""
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:58] + '…'!r} ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _finite(value) -> float | None:
    """``value`` as a float when it is a finite number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond float range
        return None
    return number if math.isfinite(number) else None


class _Table:
    """Typed access to one table of ``city.toml``; every mistake raises :class:`PackError` naming the key."""

    def __init__(self, file: Path, data: dict, prefix: str = ""):
        self.file = file
        self.data = data
        self.prefix = prefix

    def fail(self, code: str, key: str, value, **values) -> NoReturn:
        raise PackError(code, self.file, setting=self.prefix + key, value=_shown(value), **values)

    def get(self, key: str, default=_REQUIRED):
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            raise PackError("pack_missing_key", self.file, setting=self.prefix + key)
        return default

    def text(self, key: str, default=_REQUIRED) -> str:
        """Non-blank text of at most :func:`max_chars` characters."""
        value = self.get(key, default)
        cap = max_chars(key)
        if not isinstance(value, str) or not value.strip() or len(value) > cap:
            self.fail("pack_expected_text", key, value, cap=cap)
        return value

    def source(self, key: str, default=_REQUIRED) -> str:
        """As :meth:`text`, and holding no absolute machine path (see :func:`absolute_path_in`)."""
        value = self.text(key, default)
        path = absolute_path_in(value)
        if path is not None:
            self.fail("pack_absolute_path", key, value, path=path)
        return value

    def choice(self, key: str, choices, default=_REQUIRED) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or value not in choices:
            self.fail("pack_expected_choice", key, value, choices=", ".join(choices))
        return value

    def number(self, key: str, low: float, high: float, default=_REQUIRED, value=_REQUIRED) -> float:
        """A finite number in [low, high] (``value`` given: check it under the name ``key``)."""
        value = self.get(key, default) if value is _REQUIRED else value
        number = _finite(value)
        if number is None or not low <= number <= high:
            self.fail("pack_expected_number", key, value, low=f"{low:g}", high=f"{high:g}")
        return number

    def distance_m(self, key: str, default=_REQUIRED) -> float:
        value = self.get(key, default)
        number = _finite(value)
        if number is None or number < 0:
            self.fail("pack_expected_distance", key, value)
        return number

    def integer(self, key: str, low: int, high: int | None = None, default=_REQUIRED) -> int:
        """A whole number (a TOML integer, not 12.0) in [low, high]; no upper bound when ``high`` is None."""
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low or high is not None and value > high:
            if high is None:
                self.fail("pack_expected_count", key, value, low=low)
            self.fail("pack_expected_integer", key, value, low=low, high=high)
        return value

    def date(self, key: str, default=_REQUIRED) -> str:
        """An ISO 8601 date text: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (see :func:`is_iso_date`)."""
        value = self.get(key, default)
        if not is_iso_date(value):
            self.fail("pack_expected_date", key, value)
        return value

    def texts(self, key: str, default=_REQUIRED) -> tuple[str, ...]:
        """A text or a (possibly empty) list of texts, each as :meth:`text`."""
        value = self.get(key, default)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.fail("pack_expected_texts", key, value)
        return tuple(_Table(self.file, {key: item}, self.prefix).text(key) for item in items)

    def table(self, key: str, default=_REQUIRED) -> _Table:
        value = self.get(key, default)
        if not isinstance(value, dict):
            self.fail("pack_expected_table", key, value)
        return _Table(self.file, value, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[_Table]:
        """An array of tables (``[[key]]``); each one's keys are named ``[[key]] #n name``."""
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail("pack_expected_tables", key, value)
        return [_Table(self.file, item, f"{self.prefix}[[{key}]] #{n} ") for n, item in enumerate(value, start=1)]


def _read_bbox(toml: _Table) -> tuple[float, float, float, float]:
    value = toml.get("bbox")
    if not isinstance(value, list) or len(value) != 4:
        toml.fail("pack_expected_bbox", "bbox", value)
    names = ("min_lon", "min_lat", "max_lon", "max_lat")
    bbox = tuple(
        toml.number(f"bbox {name}", *((-180, 180) if "lon" in name else (-90, 90)), value=v)
        for name, v in zip(names, value)
    )
    if not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        toml.fail("pack_bbox_order", "bbox", value)
    return bbox


def _read_metric_crs(toml: _Table) -> str:
    metric_crs = toml.text("metric_crs")
    try:
        crs = CRS.from_user_input(metric_crs)
    except Exception as exc:  # pyproj raises CRSError with a useful text
        toml.fail("pack_crs_invalid", "metric_crs", metric_crs, reason=str(exc))
    if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        toml.fail("pack_crs_not_metric", "metric_crs", metric_crs)
    return metric_crs


def _read_published(item: _Table) -> PublishedFigure:
    layer = item.choice("layer", tuple(LAYERS))
    fields = tuple(f.name for f in LAYERS[layer].fields)
    conditions = item.table("filter", {})
    for column in conditions.data:
        if column not in fields:
            item.fail("pack_expected_choice", "filter", column, choices=", ".join(fields))
    distinct = item.get("distinct", None)
    if distinct is not None:
        distinct = item.choice("distinct", fields)
    return PublishedFigure(
        id=item.text("id"),
        label_zh=item.text("label_zh"),
        label_en=item.text("label_en"),
        layer=layer,
        count=item.integer("count", 0),
        filter={column: conditions.texts(column) for column in conditions.data},
        distinct=distinct,
        source=item.source("source"),
        missing=tuple(_read_missing(entry) for entry in item.tables("missing")),
    )


def _read_missing(entry: _Table) -> MissingAsset:
    name_en = entry.get("name_en", None)
    note = entry.get("note", None)
    return MissingAsset(
        name_zh=entry.text("name_zh"),
        name_en=None if name_en is None else entry.text("name_en"),
        source=entry.source("source"),
        reason=entry.choice("reason", MISSING_REASONS.values),
        note=None if note is None else entry.text("note"),
    )


def read_city_config(pack_dir: str | Path) -> CityConfig:
    """Parse and check ``pack_dir/city.toml``.

    Every key is checked for its type and range: finite numbers only, longitudes in [-180, 180],
    latitudes in [-90, 90], a bbox ``[min_lon, min_lat, max_lon, max_lat]`` in that order with the
    centre inside it, ``zoom`` a whole number in :data:`ZOOM_RANGE`, ``district_tolerance_m`` a
    finite number of metres >= 0, texts non-blank and at most :func:`max_chars` long, published
    counts whole numbers >= 0, published layers, filters and ``distinct`` naming layers and fields.
    Unknown keys are ignored.

    Raises
    ------
    NotAPackError
        when ``pack_dir`` does not exist, is not a folder or has no ``city.toml``.
    PackError
        on any mistake in ``city.toml``, naming the file, the key and what was expected.
    """
    pack_dir = Path(pack_dir)
    if not pack_dir.is_dir():
        raise NotAPackError("pack_not_folder" if pack_dir.exists() else "pack_no_folder", pack_dir)
    path = pack_dir / "city.toml"
    toml = _Table(path, _read_toml(path))
    pack_id = toml.text("id")
    if not PACK_ID.fullmatch(pack_id):
        toml.fail("pack_expected_id", "id", pack_id)
    center = toml.table("center")
    river = toml.table("river", {})
    people = toml.table("population") if "population" in toml.data else None
    config = CityConfig(
        id=pack_id,
        name_zh=toml.text("name_zh"),
        name_en=toml.text("name_en"),
        default_lang=toml.choice("default_lang", ("zh", "en"), "zh"),
        center_lon=center.number("lon", -180, 180),
        center_lat=center.number("lat", -90, 90),
        zoom=toml.integer("zoom", *ZOOM_RANGE, default=DEFAULT_ZOOM),
        bbox=_read_bbox(toml),
        metric_crs=_read_metric_crs(toml),
        river_name_zh=river.text("name_zh", "河流"),
        river_name_en=river.text("name_en", "River"),
        district_tolerance_m=toml.distance_m("district_tolerance_m", DEFAULT_DISTRICT_TOLERANCE_M),
        published=tuple(_read_published(item) for item in toml.tables("published")),
        required_assets=tuple(
            RequiredAsset(
                name_zh=item.text("name_zh"),
                name_en=item.text("name_en"),
                match=item.texts("match", item.get("name_zh")),
            )
            for item in toml.tables("required_assets")
        ),
        search_example=toml.text("search_example") if "search_example" in toml.data else None,
        population=None
        if people is None
        else Population(
            residents=people.integer("residents", 1),
            as_of=people.date("as_of"),
            source=people.source("source"),
            note=people.text("note") if "note" in people.data else None,
        ),
    )
    if not config.in_bbox(config.center_lon, config.center_lat):
        toml.fail("pack_center_outside", "center", (config.center_lon, config.center_lat), bbox=list(config.bbox))
    return config


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


def _read_layer(path: Path, spec: LayerSpec, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    try:
        st = path.stat()
    except OSError as exc:  # a dangling symlink, no permission
        problems.append(Problem("error", "unreadable", spec.file, values={"reason": exc.strerror or str(exc)}))
        return None
    kind = file_kind(st.st_mode)
    if kind is not None:  # a FIFO or device would block the read, a folder is not a layer
        problems.append(
            Problem("error", "not_regular_file", spec.file, values={**kind_labels(kind), "limit_mb": MAX_LAYER_FILE_MB})
        )
        return None
    size_mb = st.st_size / 2**20
    if size_mb > MAX_LAYER_FILE_MB:
        problems.append(
            Problem("error", "too_large", spec.file, values={"size_mb": size_mb, "limit_mb": MAX_LAYER_FILE_MB})
        )
        return None
    try:
        # DATE_AS_STRING: GDAL would turn "2023-12-20" into a date and roll "2023-02-30" over to
        # 2023-03-02 unnoticed; dates stay text and are checked as such (FieldSpec kind "date")
        frame = pyogrio.read_dataframe(path, use_arrow=True, DATE_AS_STRING="YES")
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


def _read_routes(pack_dir: Path, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> tuple[Route, ...]:
    """The routes of ``routes.toml``; a mistake in one route is a problem, the other routes stay."""
    path = pack_dir / "routes.toml"
    if not path.exists():
        return ()
    known = {fid for frame in layers.values() if "id" in frame for fid in frame["id"] if isinstance(fid, str)}
    try:
        items = _Table(path, _read_toml(path)).tables("route")
    except PackError as exc:
        problems.append(Problem("error", exc.code, "routes.toml", field=exc.key, values=exc.values))
        return ()
    routes = []
    for row, item in enumerate(items, start=1):
        rid = item.data.get("id") if isinstance(item.data.get("id"), str) else f"#{row}"
        try:
            route = Route(
                item.text("id"),
                item.text("title_zh"),
                item.text("title_en"),
                bool(item.get("official", False)),
                item.texts("stops"),
                item.texts("themes", []),
                item.source("source"),
            )
        except PackError as exc:
            problems.append(Problem("error", exc.code, "routes.toml", rid, row, exc.key, exc.values))
            continue
        for stop in route.stops:
            if stop not in known:
                problems.append(
                    Problem(
                        "error", "route_unknown_stop", "routes.toml", rid, row, "stops", {"route": rid, "stop": stop}
                    )
                )
        routes.append(route)
    return tuple(routes)


def read_pack_layers(pack_dir: str | Path) -> tuple[dict[str, gpd.GeoDataFrame | None], list[Problem]]:
    """Every layer file of the pack in ``pack_dir`` as read, before any check: layer id -> frame
    (EPSG:4326, the file's columns and row order), None for a file that cannot be read (reported in
    the problems returned); a layer without a file is left out."""
    pack_dir = Path(pack_dir)
    problems: list[Problem] = []
    frames: dict[str, gpd.GeoDataFrame | None] = {}
    for lid, spec in LAYERS.items():
        path = pack_dir / spec.file
        if os.path.lexists(path):
            frames[lid] = _read_layer(path, spec, problems)
    return frames, problems


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
            layers[lid] = _empty_layer(spec).assign(_row=pd.Series(dtype=int))
            continue
        frame["_row"] = np.arange(1, len(frame) + 1)
        layers[lid] = _LayerChecker(spec, config, problems).check(frame)
    _check_ids(layers, problems)
    _check_places(config, layers, problems)
    _check_missing(config, layers, problems)
    routes = _read_routes(path, layers, problems)
    for lid, frame in layers.items():
        layers[lid] = frame.drop(columns="_row").reset_index(drop=True)
    return City(path, config, layers, routes, problems)


def check_rows(layer_id: str, frame: gpd.GeoDataFrame, config: CityConfig) -> list[Problem]:
    """The problems of ``frame`` as rows of ``layer_id`` (the per-layer checks of :func:`check_city`
    and unique ids within the frame); ``row`` is the 1-based row of ``frame``. ``frame`` is not changed."""
    problems: list[Problem] = []
    frame = frame.copy()
    frame["_row"] = np.arange(1, len(frame) + 1)
    _LayerChecker(LAYERS[layer_id], config, problems).check(frame)
    _check_ids({layer_id: frame}, problems)
    return problems


def load_city(pack_dir: str | Path) -> City:
    """Load the city pack in ``pack_dir`` through the full validation.

    Rows whose geometry cannot be drawn (missing, invalid, wrong type, projected or swapped
    coordinates) are left out of the returned layers; every problem is listed in
    ``City.problems`` with file, feature number, id and field. Files are never modified.
    """
    pack_dir = Path(pack_dir)
    config = read_city_config(pack_dir)
    frames, problems = read_pack_layers(pack_dir)
    city = check_city(pack_dir, config, frames, problems)
    log.info("loaded %s: %d problems", pack_dir, len(city.problems))
    return city


def find_packs(root: str | Path) -> list[Path]:
    """Every folder directly under ``root`` that holds a ``city.toml``, sorted by name."""
    return sorted(p.parent for p in Path(root).glob("*/city.toml"))


@dataclass(frozen=True)
class PackEntry:
    """One pack folder found by :func:`scan_packs`: its config, or the error that stops it loading.

    ``alias`` is set by :func:`scan_packs` only when the natural key is already taken.
    """

    path: Path
    config: CityConfig | None
    error: PackError | None
    alias: str | None = None

    @property
    def key(self) -> str:
        """Unique among the packs of one :func:`scan_packs` call: the city id when ``city.toml``
        loads, else the folder name; ``<id or folder>@<folder>`` when that is taken (see :func:`scan_packs`)."""
        if self.alias is not None:
            return self.alias
        return self.config.id if self.config is not None else self.path.name


def scan_packs(root: str | Path) -> list[PackEntry]:
    """Every folder directly under ``root`` with a ``city.toml`` (as :func:`find_packs`, sorted by
    folder name), each with its :class:`CityConfig` or the :class:`PackError` that stops it loading.

    Keys (:attr:`PackEntry.key`) are unique and deterministic, so a link ``?city=<id>`` opens the
    pack whose ``city.toml`` has that id, whatever its folder is called:

    1. packs whose ``city.toml`` loads claim their id, in folder-name order;
    2. then broken packs claim their folder name, in folder-name order;
    3. a pack whose id (or folder name) is already claimed is keyed ``<id>@<folder>`` instead
       (ids cannot contain ``@``, so these never clash with a plain id).

    Two or more packs whose ``city.toml`` has the same id (a copied folder) are all broken
    (``pack_duplicate_id``, naming the other folders): none of them may silently answer to the id.

    Only ``city.toml`` is read, not the layers.
    """
    entries = []
    for path in find_packs(root):
        try:
            entries.append(PackEntry(path, read_city_config(path), None))
        except PackError as exc:
            entries.append(PackEntry(path, None, exc))
    folders: dict[str, list[Path]] = {}
    for entry in entries:
        if entry.config is not None:
            folders.setdefault(entry.config.id, []).append(entry.path)
    entries = [_duplicate(entry, folders[entry.config.id]) if entry.config else entry for entry in entries]
    claimed: set[str] = set()
    keyed = {}
    for entry in sorted(entries, key=lambda e: e.config is None):  # stable: folder order within each group
        key = entry.key
        while key in claimed:
            key = f"{key}@{entry.path.name}"
        claimed.add(key)
        keyed[entry.path] = entry if key == entry.key else PackEntry(entry.path, entry.config, entry.error, key)
    return [keyed[entry.path] for entry in entries]


def _duplicate(entry: PackEntry, folders: list[Path]) -> PackEntry:
    """``entry`` as it is when its id is its own, else broken with ``pack_duplicate_id``."""
    if len(folders) == 1:
        return entry
    others = ", ".join(str(p) for p in folders if p != entry.path)
    error = PackError("pack_duplicate_id", entry.path / "city.toml", setting="id", id=entry.config.id, others=others)
    return PackEntry(entry.path, None, error)
