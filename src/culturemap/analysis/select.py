"""Select assets: layer, class, district, theme, distance to the river, and name search.

Search matches Chinese names, pinyin with or without tones (``baitashan``, ``báitǎshān``,
``bai2ta3shan1``), pinyin initials (``bts`` for 白塔山) and English names, ignoring case, spaces
and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from pypinyin import Style, lazy_pinyin

from culturemap.analysis.corridor import distance_to_river_m
from culturemap.layers import ASSET_LAYERS, GRADES

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case ``text`` and drop spaces and punctuation (keeps CJK, letters, digits, tone marks)."""
    return _DROP.sub("", unicodedata.normalize("NFC", str(text)).lower())


def search_key(name_zh: str | None, name_en: str | None) -> str:
    """All the strings a search for this feature may match, joined by ``|``."""
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
    that distance (km) of the river.
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
    return assets[keep]
