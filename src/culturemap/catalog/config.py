"""What a pack says about its city: ``city.toml`` (names, view, metric CRS, published figures,
population, datum check) and ``routes.toml``, read strictly (any mistake raises :class:`PackError`),
and the :class:`City` a loaded pack becomes."""

from __future__ import annotations

import logging
import math
import re
import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from culturemap.crs import WGS84
from culturemap.i18n import tr
from culturemap.io.files import file_kind, kind_labels
from culturemap.layers import ASSET_LAYERS, LAYERS, MISSING_REASONS, THEMES
from culturemap.messages import FileMessageError

log = logging.getLogger(__name__)

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


class PackError(FileMessageError):
    """A city pack that cannot be loaded at all.

    ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its fields; ``file`` is the
    path of the file (or folder) at fault and :attr:`key` (``values["setting"]``) the key in it,
    written as a TOML path: ``zoom``, ``center.lat``, ``[[published]] #2 count`` (the 2nd
    ``[[published]]`` table, counting from 1). ``str(exc)`` is the English message;
    :meth:`message` renders it in zh or en.
    """

    @property
    def key(self) -> str | None:
        """The ``city.toml`` key at fault, or None when the whole file or folder is."""
        return self.values.get("setting")

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
        """The finding in ``lang`` (``zh`` or ``en``), naming the file, the feature, the row and the field."""
        return tr(self.code, lang, file=self.file, id=self.feature_id, row=self.row, field=self.field, **self.values)

    def to_dict(self, lang: str = "en") -> dict:
        """The finding as JSON-ready data: severity, code, file, ``id`` (the feature), row, field and the message
        in ``lang``."""
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
        """Why the asset is missing, as :data:`~culturemap.layers.MISSING_REASONS` labels it in ``lang``."""
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
    # the date the figure stands at (ISO, possibly YYYY-MM / YYYY): only rows graded by then count
    as_of: str | None = None
    as_of_note: str | None = None  # how that date was found (or bounded)

    def label(self, lang: str) -> str:
        """What the figure counts, in ``lang`` (e.g. "A-class scenic spots")."""
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
        """The city's name in ``lang`` (``zh`` or ``en``)."""
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
    source_zh: str | None = None  # the source in Chinese (routes.toml ``source_zh``); ``source`` is English

    def title(self, lang: str) -> str:
        """The route's title in ``lang`` (``zh`` or ``en``)."""
        return self.title_zh if lang == "zh" else self.title_en

    def source_in(self, lang: str) -> str:
        """The route's source in ``lang`` (``zh`` or ``en``): ``source`` unless Chinese has its own."""
        return self.source_zh if lang == "zh" and self.source_zh else self.source


class UnknownDistrictError(ValueError):
    """A district name the city does not have; the message lists the valid ones."""


@dataclass
class City:
    """A loaded city pack: its config, one GeoDataFrame (EPSG:4326) per layer, routes, problems."""

    path: Path
    config: CityConfig
    layers: dict[str, gpd.GeoDataFrame]
    routes: tuple[Route, ...]
    problems: list[Problem]
    # the pack's source register by key (catalog.sources; empty when the pack has no sources.csv)
    sources: dict = dataclass_field(default_factory=dict)
    # what is derived from the pack alone and reused by every map (e.g. display outlines), computed once
    memo: dict = dataclass_field(default_factory=dict, repr=False, compare=False)

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``, in the order they were found."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity ``warning``, in the order they were found."""
        return [p for p in self.problems if p.severity == "warning"]

    def district(self, name: str) -> tuple[str, str]:
        """``(name_zh, name_en)`` of the district called ``name`` in Chinese or English (any case, outer
        spaces ignored); :class:`UnknownDistrictError` listing the city's districts otherwise."""
        districts = self.layers["districts"]
        wanted = name.strip().casefold()
        for zh, en in zip(districts["name_zh"], districts["name_en"]):
            if wanted in (str(zh).casefold(), str(en).casefold()):
                return zh, en if isinstance(en, str) else ""
        known = ", ".join(f"{zh} ({en})" for zh, en in zip(districts["name_zh"], districts["name_en"]))
        raise UnknownDistrictError(f"unknown district {name!r} in {self.config.name('en')}; choose from {known}")

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
        as_of=None if item.get("as_of", None) is None else item.date("as_of"),
        as_of_note=None if item.get("as_of_note", None) is None else item.text("as_of_note"),
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


def read_routes(pack_dir: Path, layers: dict[str, gpd.GeoDataFrame], problems: list[Problem]) -> tuple[Route, ...]:
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
                item.source("source_zh") if "source_zh" in item.data else None,
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
