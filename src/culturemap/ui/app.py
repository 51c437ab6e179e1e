"""The first page: the city's layers on a folium map with counts. Run with ``streamlit run app.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from culturemap.catalog import City, find_packs, load_city
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS
from culturemap.render.folium_map import build_map



def data_root() -> Path:
    """Where the city packs are: ``$CULTUREMAP_DATA`` or the repository's ``geodata/``."""
    return Path(os.environ.get("CULTUREMAP_DATA", Path(__file__).resolve().parents[3] / "geodata"))


@st.cache_resource(show_spinner=False)
def _load(path: str, mtime: float) -> City:
    return load_city(path)


def _pack_mtime(path: Path) -> float:
    return max(p.stat().st_mtime for p in path.iterdir() if p.is_file())


def counts_table(city: City, lang: str) -> pd.DataFrame:
    rows = []
    for lid in ASSET_LAYERS:
        frame = city.layers[lid]
        rows.append(
            {
                tr("app_layer_col", lang): LAYERS[lid].label(lang),
                tr("app_count_col", lang): len(frame),
                tr("app_approx_col", lang): int((frame["coord_accuracy"] == "approx").sum()) if len(frame) else 0,
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    st.set_page_config(page_title="culturemap", layout="wide")
    root = data_root()
    packs = {p.name: p for p in find_packs(root)}
    if not packs:
        st.error(tr("app_no_packs", "zh", path=root) + " / " + tr("app_no_packs", "en", path=root))
        return
    city_id = st.sidebar.selectbox("城市 / City", list(packs), key="city")
    path = packs[city_id]
    with st.spinner(tr("app_loading", "zh") + " / " + tr("app_loading", "en")):
        city = _load(str(path), _pack_mtime(path))
    langs = ["zh", "en"] if city.config.default_lang == "zh" else ["en", "zh"]
    lang = st.sidebar.radio(
        "语言 / Language", langs, format_func=lambda v: "中文" if v == "zh" else "English", key="lang"
    )
    st.title(tr("app_title", lang, city=city.config.name(lang)))
    shown = st.sidebar.multiselect(
        tr("app_layers", lang),
        list(ASSET_LAYERS),
        default=list(ASSET_LAYERS),
        format_func=lambda lid: f"{LAYERS[lid].label(lang)} ({len(city.layers[lid])})",
        key="layers",
    )
    if city.errors:
        st.warning(tr("app_problems", lang, n=len(city.errors)))
    fmap = build_map(city, lang, tuple(shown))
    st_folium(fmap, height=640, use_container_width=True, returned_objects=[], key="map")
    st.subheader(tr("app_counts", lang))
    st.dataframe(counts_table(city, lang), hide_index=True)
