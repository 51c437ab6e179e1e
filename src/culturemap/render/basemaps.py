"""Basemaps: tile sources with their datum, and zh/en labels.

AMap (Gaode) tiles are drawn in GCJ-02: with them, every WGS-84 overlay must be shifted to
GCJ-02 or it lands ~200-500 m off the street. ``datum`` says which overlays need.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from xyzservices import TileProvider


@dataclass(frozen=True)
class Basemap:
    """A basemap: its tile URL template (None: drawn from the pack), attribution (HTML) and the datum its
    tiles are drawn in (``wgs84``, or ``gcj02``: overlays are shifted to match), up to zoom ``max_zoom``."""

    id: str
    label_zh: str
    label_en: str
    tiles: str | None  # None: no tiles (drawn from the pack)
    attribution: str
    datum: str = "wgs84"
    subdomains: str = "abc"
    max_zoom: int = 18

    def label(self, lang: str) -> str:
        """The basemap's name in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en

    @property
    def text_attribution(self) -> str:
        """The attribution as plain text (for a printed map): no HTML tags or entities."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.attribution))

    def provider(self) -> TileProvider:
        """The tiles as an :class:`xyzservices.TileProvider` (e.g. for contextily); needs ``tiles``."""
        return TileProvider(name=self.id, url=self.tiles, attribution=self.text_attribution,
                            subdomains=self.subdomains, max_zoom=self.max_zoom)  # fmt: skip


BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in (
        Basemap(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
            max_zoom=19,
        ),
        Basemap(
            "positron",
            "CartoDB 浅色",
            "CartoDB Positron",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
            '&copy; <a href="https://carto.com/attributions">CARTO</a>',
            subdomains="abcd",
            max_zoom=20,
        ),
        Basemap(
            "amap",
            "高德地图（道路）",
            "AMap roads",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "&copy; 高德地图 AutoNavi",
            datum="gcj02",
            subdomains="1234",
        ),
        Basemap(
            "amap_satellite",
            "高德地图（卫星）",
            "AMap satellite",
            "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
            "&copy; 高德地图 AutoNavi",
            datum="gcj02",
            subdomains="1234",
        ),
        Basemap("offline", "离线底图（城市包）", "Offline (from the city pack)", None, "culturemap city pack"),
    )
}
DEFAULT_BASEMAP = "osm"


def basemap_for(basemap_id: str | None) -> Basemap:
    """The basemap ``basemap_id`` names, the default one for an unknown id or None."""
    return BASEMAPS.get(basemap_id, BASEMAPS[DEFAULT_BASEMAP])
