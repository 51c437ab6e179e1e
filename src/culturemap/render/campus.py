"""A campus on the map (the university lens): its reach rings and the assets within reach."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from culturemap.catalog import City
from culturemap.crs import WGS84
from culturemap.crs import from_wgs84 as from_wgs84_array
from culturemap.i18n import tr
from culturemap.render.basemaps import DEFAULT_BASEMAP, basemap_for
from culturemap.render.fact_card import feature_name
from culturemap.render.folium_map import MapOptions, assets_layer, explorer_base_map, explorer_basemap_layer
from culturemap.render.overlay import FitView, FrameTitle

RING_COLOURS = ("#1a9850", "#fdae61", "#d73027")  # walking, cycling, short drive (lens.RINGS_M)


def ring_label(ring_m: float, lang: str) -> str:
    """A reach ring's label: its travel mode and distance for the lens's rings, else the distance."""
    from culturemap.analysis.lens import RING_MODES, RINGS_M  # here: the lens imports scipy, the map does not need it

    km = ring_m / 1000
    if ring_m in RINGS_M:
        return tr(f"lens_ring_{RING_MODES[RINGS_M.index(ring_m)]}", lang, km=km)
    return tr("lens_ring_other", lang, km=km)


def campus_layer(city: City, campus_id: str, reached: gpd.GeoDataFrame, rings_m, lang: str = "zh",
                 basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:  # fmt: skip
    """A campus (``campus_id`` in the universities layer) with its reach rings (metres, drawn as
    circles around it, e.g. the lens's ``RINGS_M``) and ``reached`` (rows of :meth:`City.assets`
    within reach, WGS-84) as the explorer's markers with their fact cards and legend, the view fitted
    to the largest ring: one layer for :func:`explorer_base_map`, so that a page swaps it when the
    campus changes and keeps the map."""
    campuses = city.layers["universities"]
    campus = campuses[campuses["id"] == campus_id]
    if campus.empty:
        raise ValueError(f"no campus {campus_id!r} in the {city.config.id} pack")
    point = campus.geometry.iloc[0]
    lon, lat = (float(v[0]) for v in from_wgs84_array([point.x], [point.y], basemap_for(basemap).datum))
    options = MapOptions(lang=lang, basemap=basemap, center=(lat, lon), zoom=city.config.zoom, cluster=False,
                         controls=False)  # fmt: skip
    shown = gpd.GeoDataFrame(pd.concat([campus.assign(layer="universities"), reached], ignore_index=True), crs=WGS84)
    group = assets_layer(city, shown, options).group
    campus_name = feature_name(campus.iloc[0].to_dict(), lang)
    FrameTitle(f"{tr('lens_title', lang, city=city.config.name(lang))} · {campus_name}").add_to(group)
    for n, ring_m in sorted(enumerate(rings_m), key=lambda item: -item[1]):
        folium.Circle((lat, lon), radius=float(ring_m), color=RING_COLOURS[n % len(RING_COLOURS)], weight=2,
                      fill=False, dash_array="6 4", tooltip=ring_label(ring_m, lang)).add_to(group)  # fmt: skip
    dlat = max(rings_m) / 111_320
    dlon = dlat / max(np.cos(np.radians(lat)), 0.01)
    FitView([[lat - dlat, lon - dlon], [lat + dlat, lon + dlon]]).add_to(group)
    return group


def campus_map(city: City, campus_id: str, reached: gpd.GeoDataFrame, rings_m, lang: str = "zh",
               basemap: str = DEFAULT_BASEMAP, height_px: int = 560) -> folium.Map:  # fmt: skip
    """The :func:`campus_layer` of ``campus_id`` on its basemap, as one map (for exports and tests)."""
    layer = campus_layer(city, campus_id, reached, rings_m, lang, basemap)
    options = MapOptions(lang=lang, basemap=basemap, cluster=False, controls=False, height_px=height_px)
    fmap = explorer_base_map(city, options)
    explorer_basemap_layer(city, options).add_to(fmap)
    layer.add_to(fmap)
    return fmap
