"""The map explorer page: filter, search and explore a city's cultural assets.

Read top to bottom like the page: sidebar (city, language, layers, filters, search, basemap),
map, results table, counts chart. All view state is mirrored in the URL (see ``ui.state``).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

from culturemap.analysis.select import add_search_keys, select_assets
from culturemap.catalog import City, PackError, find_packs, load_city, read_city_config
from culturemap.crs import from_wgs84
from culturemap.i18n import tr
from culturemap.layers import (
    ASSET_LAYERS,
    COORD_ACCURACY,
    GRADES,
    HERITAGE_LEVELS,
    LAYERS,
    MUSEUM_KINDS,
    THEMES,
    UNIVERSITY_TYPES,
)
from culturemap.render.assets import localise_assets, vendor_dir, vendored
from culturemap.render.basemaps import BASEMAPS
from culturemap.render.folium_map import DETAIL_ZOOM, MapOptions, MapResult, build_map, feature_name
from culturemap.ui.state import ViewState, parse_params

ALL = "all"
PAGES = Path(__file__).resolve().parent / "pages"
RIVER_KM_CHOICES = (ALL, 0.5, 1.0, 1.5, 2.0, 5.0, 10.0)
SELECTED_ZOOM = 16


def data_root() -> Path:
    """Where the city packs are: ``$CULTUREMAP_DATA`` or the repository's ``geodata/``."""
    return Path(os.environ.get("CULTUREMAP_DATA", Path(__file__).resolve().parents[3] / "geodata"))


@st.cache_resource(show_spinner=False)
def vendor_base_url() -> str | None:
    """Serve vendor/node_modules through Streamlit's component file route (proper MIME types)."""
    if not vendored():
        return None
    component = components.declare_component("culturemap_vendor", path=str(vendor_dir()))
    return f"/component/{component.name}/"


def _city_label(path: Path) -> str:
    try:
        cfg = read_city_config(path)
    except PackError:
        return path.name
    return f"{cfg.name_zh} / {cfg.name_en}"


def city_labels(packs: dict[str, Path]) -> dict[str, str]:
    """A distinct label per pack: its names, plus the folder when two packs share them.

    Streamlit's selectbox gives back the option whose label was picked, so two equal labels
    would silently switch to the other pack on the next rerun.
    """
    labels = {cid: _city_label(path) for cid, path in packs.items()}
    seen = list(labels.values())
    return {cid: f"{label} ({cid})" if seen.count(label) > 1 else label for cid, label in labels.items()}


def _pack_mtime(path: Path) -> float:
    return max(p.stat().st_mtime for p in path.iterdir() if p.is_file())


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(path: str, mtime: float) -> tuple[City, gpd.GeoDataFrame]:
    city = load_city(path)
    return city, add_search_keys(city.assets())


@st.cache_resource(show_spinner=False, max_entries=32)
def _map(path: str, mtime: float, state: ViewState, bounds, zoom: int) -> MapResult:
    city, assets = _load(path, mtime)
    shown = select_assets(assets, state.query(), city.layers["river"], city.config.metric_crs)
    options = MapOptions(lang=state.lang or city.config.default_lang, basemap=state.basemap, zoom=zoom, bounds=bounds)
    result = build_map(city, shown, options)
    localise_assets(result.map, vendor_base_url())
    return result


def _init_from_url(city: City | None = None) -> None:
    """Seed the widgets' session state from the URL once per session (and once per city)."""
    districts = tuple(city.layers["districts"]["name_zh"]) if city is not None else ()
    state = parse_params(st.query_params.to_dict(), districts)
    ss = st.session_state
    if city is None:
        if "city" not in ss and state.city:
            ss["city"] = state.city
        return
    if ss.get("_seeded_for") == city.config.id:
        return
    ss["_seeded_for"] = city.config.id
    ss["lang"] = state.lang or city.config.default_lang
    ss["layers"] = list(state.layers)
    ss["grade"] = state.grade or ALL
    for key in ("level", "kind", "type", "district", "theme"):
        ss[key] = list(getattr(state, key))
    ss["river_km"] = state.river_km if state.river_km in RIVER_KM_CHOICES else ALL
    ss["q"] = state.q
    ss["basemap"] = state.basemap
    cfg = city.config
    ss["view"] = (state.lat or cfg.center_lat, state.lon or cfg.center_lon, state.zoom or cfg.zoom)
    ss["live_view"] = ss["view"]
    ss["bounds"] = None


def _sidebar(city: City, assets: gpd.GeoDataFrame, lang: str) -> tuple[ViewState, gpd.GeoDataFrame]:
    """Draw the sidebar; return the view state and the assets its filters keep (all layers).

    The layer toggles sit on top but are drawn last, so their counts are those of the filters.
    """
    sb = st.sidebar
    layer_box = sb.container()
    sb.subheader(tr("app_filters", lang))
    query_text = sb.text_input(tr("app_search", lang), key="q", placeholder="白塔山 / baitashan / bts / White Pagoda")
    grade = sb.selectbox(
        tr("app_grade", lang),
        [ALL, *GRADES.values],
        format_func=lambda g: tr("app_all", lang) if g == ALL else GRADES.label(g, lang),
        key="grade",
    )
    districts = city.layers["districts"]
    district_names = dict(zip(districts["name_zh"], districts["name_en"]))
    chosen = {}
    for key, label_key, values, label_of in (
        ("level", "app_level", HERITAGE_LEVELS.values, HERITAGE_LEVELS.label),
        ("kind", "app_museum_kind", MUSEUM_KINDS.values, MUSEUM_KINDS.label),
        ("type", "app_university_type", UNIVERSITY_TYPES.values, UNIVERSITY_TYPES.label),
        ("district", "app_district", tuple(district_names), lambda v, lg: v if lg == "zh" else district_names[v]),
        ("theme", "app_themes", THEMES.values, THEMES.label),
    ):
        chosen[key] = tuple(
            sb.multiselect(
                tr(label_key, lang),
                values,
                format_func=lambda v, label_of=label_of: label_of(v, lang),
                key=key,
                placeholder=tr("app_all", lang),
            )
        )
    river = city.config.river_name_zh if lang == "zh" else city.config.river_name_en
    river_km = ALL
    if len(city.layers["river"]):
        river_km = sb.select_slider(
            tr("app_river_km", lang, river=river),
            RIVER_KM_CHOICES,
            format_func=lambda v: tr("app_river_any", lang) if v == ALL else f"{v:g} km",
            key="river_km",
        )
    basemap = sb.selectbox(
        tr("app_basemap", lang), list(BASEMAPS), format_func=lambda b: BASEMAPS[b].label(lang), key="basemap"
    )
    lat, lon, zoom = st.session_state["live_view"]
    state = ViewState(
        city=city.config.id,
        lang=lang,
        grade=None if grade == ALL else grade,
        **chosen,
        river_km=None if river_km == ALL else river_km,
        q=query_text.strip(),
        basemap=basemap,
        lat=round(lat, 5),
        lon=round(lon, 5),
        zoom=int(zoom),
    )
    with st.spinner(tr("app_loading", lang)):
        kept = select_assets(assets, state.query(), city.layers["river"], city.config.metric_crs)
    counts = kept["layer"].value_counts()
    layers = layer_box.multiselect(
        tr("app_layers", lang),
        list(ASSET_LAYERS),
        format_func=lambda lid: f"{LAYERS[lid].label(lang)} ({int(counts.get(lid, 0))})",
        key="layers",
    )
    return replace(state, layers=tuple(lid for lid in ASSET_LAYERS if lid in layers)), kept


def _write_url(state: ViewState, city: City) -> None:
    """Mirror ``state`` in the URL, leaving out what equals the city's defaults."""
    params = state.to_params()
    cfg = city.config
    if state.lang == cfg.default_lang:
        params.pop("lang", None)
    if (state.lat, state.lon, state.zoom) == (round(cfg.center_lat, 5), round(cfg.center_lon, 5), cfg.zoom):
        for key in ("lat", "lon", "zoom"):
            params.pop(key, None)
    if dict(st.query_params.to_dict()) != params:
        st.query_params.from_dict(params)


def _results_table(shown: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    def class_label(row) -> str:
        spec = LAYERS[row["layer"]]
        vocab = spec.class_vocabulary
        value = row.get(spec.class_field) if spec.class_field else None
        return vocab.label(str(value), lang) if vocab and isinstance(value, str) else ""

    records = shown.to_dict("records")
    return pd.DataFrame(
        {
            tr("col_name", lang): [feature_name(r, lang) for r in records],
            tr("col_layer", lang): [LAYERS[r["layer"]].label(lang) for r in records],
            tr("col_class", lang): [class_label(r) for r in records],
            tr("col_district", lang): [r.get("district") or "" for r in records],
            tr("col_accuracy", lang): [COORD_ACCURACY.label(r.get("coord_accuracy") or "", lang) for r in records],
            "id": [r["id"] for r in records],
        }
    )


def _moved(old: tuple[float, float, int], new: tuple[float, float, int], min_px: float = 24) -> bool:
    """Did the user pan or zoom? Leaflet re-centres by a few pixels when its frame is resized on load;
    treating that as a move would drift a shared view on every reload."""
    if int(old[2]) != int(new[2]):
        return True
    deg_per_px = 360.0 / (256 * 2 ** int(new[2]))
    return max(abs(old[0] - new[0]), abs(old[1] - new[1])) > min_px * deg_per_px


@st.fragment
def _map_pane(path: str, mtime: float, state: ViewState, total: int) -> None:
    """The map. Panning and zooming rerun only this fragment; the URL keeps the view."""
    ss = st.session_state
    lat, lon, zoom = ss["view"]
    live_zoom = ss["live_view"][2]
    aggregated = total > MapOptions().marker_limit
    bounds = ss.get("bounds") if aggregated and live_zoom >= DETAIL_ZOOM else None
    filters = replace(state, lat=None, lon=None, zoom=None)  # the view is passed to st_folium, not baked in
    result = _map(path, mtime, filters, bounds, int(live_zoom) if aggregated else int(zoom))
    lang = state.lang
    if result.mode == "hexagons":
        st.caption(tr("app_mode_hexagons", lang, n=total, cells=result.cells, res=result.resolution, zoom=DETAIL_ZOOM,
                      limit=MapOptions().marker_limit))  # fmt: skip
    elif result.mode == "clusters":
        st.caption(tr("app_mode_clusters", lang))
    if BASEMAPS[state.basemap].datum != "wgs84":
        st.caption(tr("app_amap_shift", lang))
    out = st_folium(
        copy.deepcopy(result.map),  # st_folium mutates the map it renders; the cached one must stay pristine
        center=(lat, lon),
        zoom=zoom,
        height=640,
        use_container_width=True,
        returned_objects=["center", "zoom", "bounds"] if aggregated else ["center", "zoom"],
        key="map",
    )
    if out and out.get("center") and out.get("zoom"):
        new_view = (out["center"]["lat"], out["center"]["lng"], out["zoom"])
        if _moved(ss["live_view"], new_view):
            ss["live_view"] = new_view
            params = st.query_params
            params["lat"], params["lon"], params["zoom"] = (
                f"{new_view[0]:.5f}",
                f"{new_view[1]:.5f}",
                str(int(new_view[2])),
            )
            if aggregated:
                b = out.get("bounds") or {}
                sw, ne = b.get("_southWest"), b.get("_northEast")
                ss["bounds"] = (sw["lat"], sw["lng"], ne["lat"], ne["lng"]) if sw and ne else None
                if int(new_view[2]) != int(live_zoom) or new_view[2] >= DETAIL_ZOOM:
                    st.rerun(scope="fragment")


@dataclass(frozen=True)
class PageContext:
    """What every page needs: the pack (path + mtime, for the caches) and the language."""

    path: str
    mtime: float
    lang: str

    def load(self) -> tuple[City, gpd.GeoDataFrame]:
        return _load(self.path, self.mtime)


def page_context() -> PageContext:
    return st.session_state["_context"]


def main() -> None:
    st.set_page_config(page_title="culturemap", layout="wide")
    root = data_root()
    packs = {p.name: p for p in find_packs(root)}
    if not packs:
        st.error(tr("app_no_packs", "zh", path=root) + " / " + tr("app_no_packs", "en", path=root))
        return
    _init_from_url()
    if st.session_state.get("city") not in packs:
        st.session_state["city"] = next(iter(packs))
    labels = city_labels(packs)
    city_id = st.sidebar.selectbox("城市 / City", list(packs), format_func=labels.get, key="city")
    path = packs[city_id]
    mtime = _pack_mtime(path)
    with st.spinner(tr("app_loading", "zh") + " / " + tr("app_loading", "en")):
        city, _assets = _load(str(path), mtime)
    _init_from_url(city)
    lang = st.sidebar.radio(
        "语言 / Language", ["zh", "en"], format_func=lambda v: "中文" if v == "zh" else "English", key="lang"
    )
    st.session_state["_context"] = PageContext(str(path), mtime, lang)
    pages = [
        st.Page(PAGES / "map.py", title=tr("page_map", lang), url_path="map", default=True),
        st.Page(PAGES / "analysis.py", title=tr("page_analysis", lang), url_path="analysis"),
        st.Page(PAGES / "routes.py", title=tr("page_routes", lang), url_path="routes"),
    ]
    st.navigation(pages).run()


def explorer_page() -> None:
    """The map explorer: filters, map, results table, counts chart."""
    ctx = page_context()
    lang = ctx.lang
    path, mtime = Path(ctx.path), ctx.mtime
    city, assets = ctx.load()
    st.title(tr("app_title", lang, city=city.config.name(lang)))
    state, kept = _sidebar(city, assets, lang)
    for item in parse_params(st.query_params.to_dict(), tuple(city.layers["districts"]["name_zh"])).ignored:
        st.toast(tr("app_url_ignored", lang, item=item))
    shown = kept[kept["layer"].isin(state.layers)]
    _write_url(state, city)
    if city.errors:
        st.warning(tr("app_problems", lang, n=len(city.errors)))
    if shown.empty:
        st.info(tr("app_no_results", lang))
    _map_pane(str(path), mtime, state, len(shown))

    st.subheader(tr("app_results", lang, n=len(shown)))
    st.caption(tr("app_select_hint", lang))
    table = _results_table(shown, lang)
    event = st.dataframe(
        table, hide_index=True, on_select="rerun", selection_mode="single-row", key="results", width="stretch"
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        picked = shown.iloc[rows[0]]
        point = picked.geometry.representative_point()
        lon, lat = from_wgs84([point.x], [point.y], BASEMAPS[state.basemap].datum)
        view = (float(lat[0]), float(lon[0]), SELECTED_ZOOM)
        if st.session_state["view"] != view:
            st.session_state["view"] = st.session_state["live_view"] = view
            st.rerun()

    if len(shown):
        st.subheader(tr("app_chart", lang))
        chart = shown.assign(layer_label=[LAYERS[v].label(lang) for v in shown["layer"]])
        pivot = chart.pivot_table(index="district", columns="layer_label", values="id", aggfunc="count", fill_value=0)
        st.bar_chart(pivot)
