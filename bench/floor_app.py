"""The floor for bench/ui.py: the least a Streamlit page does to show the Lanzhou pack with ``st_folium``.

    streamlit run bench/floor_app.py

One search box and one map: the pack's district outlines and river (simplified for display as the
app simplifies them) and one empty ``DivIcon`` marker (class ``cm-marker``) per asset, served with
the same vendored Leaflet as the app. The files are read once per server; the map is built on every
run from the assets whose Chinese or English name contains the search text (a new map per search,
as a plain ``st_folium`` page does). Nothing else: no tiles, popups, tooltips, URL state or tables.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from culturemap.layers import ASSET_LAYERS
from culturemap.render.assets import localise_assets, vendor_dir, vendored
from culturemap.render.overlay import DISPLAY_TOLERANCE_M

PACK = Path(__file__).resolve().parents[1] / "geodata" / "lanzhou"


def read_pack(pack: Path = PACK) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    """``(assets, districts, river, config)`` of ``pack``, WGS-84: one point per asset (its
    representative point) with ``name_zh``, ``name_en`` and ``layer``; outlines simplified by the
    app's display tolerance in the pack's metric CRS."""
    config = tomllib.loads((pack / "city.toml").read_text(encoding="utf-8"))
    frames = [
        gpd.read_file(pack / f"{lid}.geojson").assign(layer=lid)
        for lid in ASSET_LAYERS
        if (pack / f"{lid}.geojson").is_file()
    ]
    assets = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    assets = assets[["name_zh", "name_en", "layer"]].set_geometry(assets.geometry.representative_point())

    def outline(name: str) -> gpd.GeoDataFrame:
        frame = gpd.read_file(pack / f"{name}.geojson")
        simple = frame.to_crs(config["metric_crs"]).simplify(DISPLAY_TOLERANCE_M, preserve_topology=True)
        return gpd.GeoDataFrame(geometry=simple.to_crs(frame.crs))

    return assets, outline("districts"), outline("river"), config


def matching(assets: gpd.GeoDataFrame, text: str) -> gpd.GeoDataFrame:
    """The assets whose Chinese or English name contains ``text`` (case-insensitive); all for ''."""
    needle = text.strip().casefold()
    if not needle:
        return assets
    names = assets["name_zh"].fillna("") + "|" + assets["name_en"].fillna("")
    return assets[names.str.casefold().str.contains(needle, regex=False)]


@st.cache_resource(show_spinner=False)
def _pack():
    return read_pack()


@st.cache_resource(show_spinner=False)
def _vendor_url() -> str | None:
    if not vendored():
        return None
    return f"/component/{components.declare_component('floor_vendor', path=str(vendor_dir())).name}/"


def page() -> None:
    st.set_page_config(page_title="floor", layout="wide")
    assets, districts, river, config = _pack()
    shown = matching(assets, st.text_input("search"))
    fmap = folium.Map(
        location=(config["center"]["lat"], config["center"]["lon"]), zoom_start=config["zoom"], tiles=None
    )
    folium.GeoJson(districts, style_function=lambda _f: {"color": "#888", "weight": 1.5, "fill": False}).add_to(fmap)
    folium.GeoJson(river, style_function=lambda _f: {"color": "#2b8cbe", "weight": 4}).add_to(fmap)
    for layer, part in shown.groupby("layer"):
        icon = folium.DivIcon(html="", icon_size=(18, 18), icon_anchor=(9, 9), class_name=f"cm-marker cm-{layer}")
        folium.GeoJson(part[["geometry"]], marker=folium.Marker(icon=icon)).add_to(fmap)
    localise_assets(fmap, _vendor_url())
    st_folium(fmap, height=640, use_container_width=True, returned_objects=[], key="floor")


if __name__ == "__main__":
    page()
