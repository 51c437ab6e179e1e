"""What every page shares: the data root, the loaded city (cached per pack version), the page's
language and basemap, the vendored map library's URL. Pages import this module, never the shell
(``ui/app.py``) nor each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from culturemap.analysis.select import add_search_keys
from culturemap.catalog import City, PackEntry
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS
from culturemap.render.assets import vendor_dir, vendored
from culturemap.render.basemaps import DEFAULT_BASEMAP
from culturemap.store import packs_root, store_for_pack
from culturemap.ui.map_component import served

LANGS = ("zh", "en")


def data_root() -> Path:
    """Where the city packs are: ``$CULTUREMAP_DATA`` or the repository's ``geodata/``."""
    return packs_root()


@st.cache_resource(show_spinner=False)
def vendor_base_url() -> str | None:
    """Serve vendor/node_modules through Streamlit's component file route (proper MIME types)."""
    if not vendored():
        return None
    component = served(components.declare_component("culturemap_vendor", path=str(vendor_dir())))
    return f"/component/{component.name}/"


def city_label(entry: PackEntry) -> str:
    """A pack as the city selectors show it: its names, or a broken pack's folder and a warning.

    Two packs may share names: :func:`culturemap.ui.widgets.choice` makes the labels of one widget
    distinct (it appends the pack's key), so the selectbox never switches to the other pack.
    """
    if entry.config:
        return f"{entry.config.name_zh} / {entry.config.name_en}"
    return f"{entry.path.name} ⚠ {tr('app_pack_broken_short', 'zh')} / {tr('app_pack_broken_short', 'en')}"


def data_version(path: Path) -> str:
    """The version of the city of the pack at ``path``: its store's stamp (changes on every write)
    and the pack's newest modification time (``city.toml`` and ``routes.toml`` are read from the pack)."""
    store = store_for_pack(path)
    return f"{store.stamp()}@{max(p.stat().st_mtime for p in path.iterdir() if p.is_file())}"


@st.cache_resource(show_spinner=False, max_entries=8)
def load_pack(path: str, version: str) -> tuple[City, gpd.GeoDataFrame]:
    """The city of the pack at ``path``, read from its store, and its assets with search keys,
    loaded once per version (``version``: :func:`data_version`)."""
    city = store_for_pack(Path(path)).load_city()
    for lid in ASSET_LAYERS:  # a row without an English name (an import) shows its Chinese name in English
        layer = city.layers.get(lid)
        if layer is not None and len(layer) and "name_en" in layer:
            blank = layer["name_en"].isna() | (layer["name_en"].astype(str).str.strip() == "")
            layer.loc[blank, "name_en"] = layer.loc[blank, "name_zh"]
    return city, add_search_keys(city.assets())


@st.cache_data(show_spinner=False, max_entries=4)
def store_history(path: str, version: str) -> pd.DataFrame:
    """Every change in the store of the pack at ``path`` (:meth:`culturemap.store.edits.EditingStore.history`),
    read once per data version (``version`` changes with every write): the fact cards and the change log."""
    return store_for_pack(Path(path)).history()


@dataclass(frozen=True)
class PageContext:
    """What every page needs: the pack (path + version of its data, for the caches) and the language."""

    path: str
    version: str  # data_version(path)
    lang: str

    def load(self) -> tuple[City, gpd.GeoDataFrame]:
        """The city and its assets with search keys (:func:`load_pack`, cached)."""
        return load_pack(self.path, self.version)


def page_context() -> PageContext:
    """This run's :class:`PageContext`, set by the shell before it runs the page."""
    return st.session_state["_context"]


def session_basemap() -> str:
    """The basemap chosen on the Map page in this session (its ``basemap`` widget), else the default."""
    return st.session_state.get("basemap", DEFAULT_BASEMAP)
