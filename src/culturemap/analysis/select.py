"""Select assets: layer, class, district, theme, distance to the river, area and name search.

The explorer's URL and ``culturemap export`` name a selection with the same filter parameters
(:data:`FILTER_PARAMS`), read by :func:`read_filter_params` into an :class:`AssetQuery`.

Search matches Chinese names, pinyin with or without tones (``baitashan``, ``báitǎshān``,
``bai2ta3shan1``), pinyin initials (``bts`` for 白塔山) and English names, ignoring case, spaces
and punctuation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from culturemap.analysis.corridor import distance_to_river_m
from culturemap.layers import ASSET_LAYERS, GRADES, HERITAGE_LEVELS, MUSEUM_KINDS, THEMES, UNIVERSITY_TYPES
from culturemap.names import normalise


def search_key(name_zh: str | None, name_en: str | None) -> str:
    """All the strings a search for this feature may match, joined by ``|``."""
    from pypinyin import Style, lazy_pinyin  # here: its dictionaries take ~0.6 s to import

    keys = []
    if name_zh:
        keys.append(normalise(name_zh))
        for style in (Style.NORMAL, Style.TONE, Style.TONE3):
            keys.append(normalise("".join(lazy_pinyin(name_zh, style=style))))
        keys.append(normalise("".join(lazy_pinyin(name_zh, style=Style.FIRST_LETTER))))
    if name_en:
        keys.append(normalise(name_en))
    return "|".join(k for k in keys if k)


def add_search_keys(assets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``assets`` with a ``search_key`` column (computed once; cache the result)."""
    keys = [search_key(zh, en) for zh, en in zip(assets["name_zh"], assets["name_en"])]
    return assets.assign(search_key=keys)


def grades_at_least(grade: str) -> tuple[str, ...]:
    """``"4A"`` -> ``("5A", "4A")``: the grade and every higher one."""
    order = GRADES.values  # 5A first
    if grade not in order:
        raise ValueError(f"unknown grade {grade!r}: expected one of {', '.join(order)}")
    return order[: order.index(grade) + 1]


@dataclass(frozen=True)
class AssetQuery:
    """What to show. Empty tuples mean "no restriction"; class filters only narrow their own layer.

    ``min_grade`` keeps scenic spots of that grade and above; ``river_km`` keeps assets within
    that distance (km) of the river; ``bbox`` (west, south, east, north, WGS-84 degrees) keeps
    assets that touch that area.
    """

    layers: tuple[str, ...] = ASSET_LAYERS
    min_grade: str | None = None
    heritage_levels: tuple[str, ...] = ()
    museum_kinds: tuple[str, ...] = ()
    university_types: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    river_km: float | None = None
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None

    @classmethod
    def from_filters(
        cls,
        layers: tuple[str, ...] = ASSET_LAYERS,
        grade: str | None = None,
        level: tuple[str, ...] = (),
        kind: tuple[str, ...] = (),
        type: tuple[str, ...] = (),  # noqa: A002 - the URL parameter's name
        district: tuple[str, ...] = (),
        theme: tuple[str, ...] = (),
        river_km: float | None = None,
        q: str = "",
    ) -> AssetQuery:
        """The query of the filter parameters (:data:`FILTER_PARAMS`), by their URL names."""
        return cls(layers, grade, level, kind, type, district, theme, river_km, q)


# The filter parameters of the explorer's URL and of ``culturemap export``, and their closed sets
# of values (``district``: the city's district names, given to :func:`read_filter_params`).
FILTER_PARAMS = ("layers", "grade", "level", "kind", "type", "district", "theme", "river_km", "q")
FILTER_CHOICES: dict[str, tuple[str, ...]] = {
    "layers": ASSET_LAYERS,
    "grade": GRADES.values,
    "level": HERITAGE_LEVELS.values,
    "kind": MUSEUM_KINDS.values,
    "type": UNIVERSITY_TYPES.values,
    "theme": THEMES.values,
}
# former value names a link may still hold, read as the current ones (the theme "yellow_river" is now "river")
FILTER_ALIASES: dict[str, dict[str, str]] = {"theme": THEMES.aliases}
RIVER_KM_MAX = 100.0
MAX_QUERY_CHARS = 200


def number_param(text: str, low: float, high: float) -> float | None:
    """``text`` as a finite number from ``low`` to ``high``, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def read_filter_params(
    params: Mapping[str, str], districts: tuple[str, ...] = ()
) -> tuple[dict[str, object], tuple[str, ...]]:
    """The filter parameters in ``params`` (text, lists comma-separated, as in the explorer's URL).

    Returns the values read, by parameter name (as :meth:`AssetQuery.from_filters` takes them;
    absent parameters are left out), and the ``name=value`` items dropped as unknown or malformed.
    ``districts`` are the city's district names. A ``layers`` list with no known layer leaves
    the layers out (all of them), so a broken link still shows the map.
    """
    values: dict[str, object] = {}
    ignored: list[str] = []
    for name, choices in {**FILTER_CHOICES, "district": districts}.items():
        raw = params.get(name)
        if raw is None or name == "grade":
            continue
        items = [FILTER_ALIASES.get(name, {}).get(v.strip(), v.strip()) for v in raw.split(",") if v.strip()]
        good = tuple(v for v in items if v in choices)
        ignored += [f"{name}={v}" for v in items if v not in choices]
        if name != "layers" or good or not items:
            values[name] = good
    if (grade := params.get("grade")) is not None:
        if grade.strip().upper() in GRADES.values:
            values["grade"] = grade.strip().upper()
        else:
            ignored.append(f"grade={grade}")
    if (raw := params.get("river_km")) is not None:
        river_km = number_param(raw, 0.0, RIVER_KM_MAX)
        if river_km is None:
            ignored.append(f"river_km={raw}")
        else:
            values["river_km"] = river_km
    if (q := params.get("q")) is not None:
        values["q"] = q.strip()[:MAX_QUERY_CHARS]
    return values, tuple(ignored)


_CLASS_FILTERS = (
    ("scenic_spots", "grade", lambda q: grades_at_least(q.min_grade) if q.min_grade else ()),
    ("heritage_units", "level", lambda q: q.heritage_levels),
    ("museums", "kind", lambda q: q.museum_kinds),
    ("universities", "type", lambda q: q.university_types),
)


def select_assets(
    assets: gpd.GeoDataFrame,
    query: AssetQuery,
    river: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """The rows of ``assets`` (from :meth:`City.assets`, with ``layer``) that ``query`` keeps.

    ``river`` and ``metric_crs`` are needed only when ``query.river_km`` is set. Order is kept.
    """
    keep = assets["layer"].isin(query.layers).to_numpy().copy()
    for layer, field, allowed_of in _CLASS_FILTERS:
        allowed = allowed_of(query)
        if allowed:
            in_layer = (assets["layer"] == layer).to_numpy()
            keep &= ~in_layer | assets[field].isin(allowed).to_numpy()
    if query.districts:
        keep &= assets["district"].isin(query.districts).to_numpy()
    if query.themes:
        wanted = set(query.themes)
        keep &= np.fromiter((bool(wanted.intersection(t or ())) for t in assets["themes"]), bool, len(assets))
    if query.text and normalise(query.text):
        needle = normalise(query.text)
        keys = assets["search_key"] if "search_key" in assets else add_search_keys(assets)["search_key"]
        keep &= keys.str.contains(needle, regex=False).to_numpy()
    if query.river_km is not None:
        if river is None or metric_crs is None or river.empty:
            raise ValueError("a river distance filter needs the river layer and the city's metric CRS")
        keep &= distance_to_river_m(assets, river, metric_crs) <= query.river_km * 1000.0
    if query.bbox is not None:
        keep &= assets.intersects(shapely.box(*query.bbox)).to_numpy()
    return assets[keep]
