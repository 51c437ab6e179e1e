"""The "University lens" page: pick a campus and see the cultural assets within walking, cycling and
short-drive reach, on a map with the three rings and as a ranked list; one button hands the nearest
assets to the route designer as a "campus culture route" (the Routes page's URL parameters, see
:mod:`culturemap.ui.routes_page`). Below, which campuses lie nearest to which heritage clusters.

The chosen campus is in the URL (``campus=<id>``), so a link opens the same view.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from culturemap.analysis.lens import RING_MODES, RINGS_M, campus_reach, ring_counts
from culturemap.catalog import City
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.render.assets import localise_assets
from culturemap.render.campus import campus_layer, ring_label
from culturemap.render.fact_card import feature_name, name_with_campus
from culturemap.render.folium_map import MapOptions, basemap_layer, explorer_base_map
from culturemap.ui.city_cards import card, clusters_table
from culturemap.ui.context import load_pack, page_context, session_basemap, vendor_base_url
from culturemap.ui.map_component import PreparedMap, layer_script, prepare, show
from culturemap.ui.tables import labelled
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice

ROUTE_STOPS = 5  # the campus culture route visits the nearest assets, at most this many
ROUTES_PAGE = "src/culturemap/ui/pages/routes.py"


def _city(path: str, version: str) -> City:
    return load_pack(path, version)[0]


@st.cache_data(show_spinner=False, max_entries=64)
def _reach(path: str, version: str, campus_id: str) -> pd.DataFrame:
    return campus_reach(_city(path, version), campus_id, RINGS_M)


MAP_HEIGHT = 560


@st.cache_resource(show_spinner=False, max_entries=4)
def _base_map(path: str, version: str) -> PreparedMap:
    """The map the campuses are drawn on, one per pack (no text): the basemap and the campus are
    layers over it, so choosing another campus, language or basemap keeps the map on screen."""
    options = MapOptions(cluster=False, controls=False, height_px=MAP_HEIGHT)
    return prepare(localise_assets(explorer_base_map(_city(path, version), options), vendor_base_url()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _basemap_layer(path: str, version: str, lang: str, basemap: str) -> str:
    return layer_script(basemap_layer(_city(path, version), lang, basemap), index=0)


@st.cache_resource(show_spinner=False, max_entries=64)
def _campus_layer(path: str, version: str, campus_id: str, lang: str, basemap: str) -> str:
    """The campus, its rings and the assets it reaches (:func:`campus_layer`), over :func:`_base_map`."""
    city, assets = load_pack(path, version)
    reached = assets[assets["id"].isin(_reach(path, version, campus_id)["id"])]
    return layer_script(campus_layer(city, campus_id, reached, RINGS_M, lang, basemap), index=1)


def route_params(campus_id: str, reach: pd.DataFrame, stops: int = ROUTE_STOPS) -> dict[str, str]:
    """The Routes page's URL parameters of a campus culture route: from the campus, through the
    ``stops`` first assets of ``reach`` (:func:`campus_reach`), at the travel mode of the ring the
    farthest of them lies in (walk within 1 km, bike within 3 km, car beyond)."""
    top = reach.head(stops)
    ring = float(top["ring_m"].max()) if len(top) else RINGS_M[0]
    mode = RING_MODES[RINGS_M.index(ring)] if ring in RINGS_M else RING_MODES[-1]
    return {"route": "scratch", "stops": ",".join(top["id"]), "from": campus_id, "mode": mode}


def _hand_over(params: dict[str, str]) -> None:
    """Open the Routes page on ``params``; it reads its URL again (it reads it once per session)."""
    ctx = page_context()
    city, _ = ctx.load()
    here = {"city": city.config.id, **({"lang": ctx.lang} if ctx.lang != city.config.default_lang else {})}
    st.session_state["_route_url_read"] = False
    st.switch_page(ROUTES_PAGE, query_params={**here, **params})


def _campus_choice(campuses: pd.DataFrame, lang: str) -> str:
    """The campus selector, seeded from the URL's ``campus`` on a session's first visit."""
    ids = campuses["id"].tolist()
    ss = st.session_state
    if "lens_campus" not in ss:
        wanted = st.query_params.get("campus")
        if wanted is not None and wanted not in ids:
            st.toast(tr("app_url_ignored", lang, item=plain(f"campus={wanted}")))
        ss["lens_campus"] = wanted if wanted in ids else ids[0]
    # a campus with no name is the university's name alone (choice appends the id if shared)
    label = {row["id"]: name_with_campus(row, lang) for row in campuses.to_dict("records")}
    campus_id = choice("selectbox", tr("lens_campus", lang), ids, key="lens_campus", format_func=label.get)
    st.query_params["campus"] = campus_id
    return campus_id


def _ranked_table(reach: pd.DataFrame, lang: str) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "rank": reach["rank"],
            "layer": [LAYERS[lid].label(lang) for lid in reach["layer"]],
            "name": [feature_name(row, lang) for row in reach.to_dict("records")],
            "class": [
                LAYERS[lid].class_vocabulary.label(g, lang) if isinstance(g, str) else ""
                for lid, g in zip(reach["layer"], reach["grade"])
            ],  # fmt: skip
            "distance_km": (reach["distance_m"] / 1000).round(2),
            "ring": [ring_label(r, lang) for r in reach["ring_m"]],
        }
    )
    names = {"name": tr("col_name", lang), "class": tr("col_class", lang), "distance_km": tr("col_distance_km", lang),
             "ring": tr("col_ring", lang)}  # fmt: skip
    return labelled(table, lang).rename(columns=names)


def lens_page() -> None:
    """The page: the chosen campus's assets within 1, 3 and 10 km (straight line; counts, ring map, ranked list,
    route hand-over), then the campuses nearest each heritage cluster."""
    ctx = page_context()
    lang = ctx.lang
    city, _ = ctx.load()
    st.title(tr("lens_title", lang, city=city.config.name(lang)))
    campuses = city.layers["universities"]
    if campuses.empty:
        st.info(tr("lens_no_campus", lang))
        return
    st.caption(tr("lens_intro", lang, crs=city.config.metric_crs))
    campus_id = _campus_choice(campuses, lang)
    reach = _reach(ctx.path, ctx.version, campus_id)
    counts = ring_counts(reach, RINGS_M)
    counts.index = [LAYERS[lid].label(lang) for lid in counts.index]
    counts.columns = [ring_label(r, lang) for r in counts.columns]
    st.markdown(f"**{tr('lens_counts', lang)}**")
    st.dataframe(counts.rename_axis(tr("col_layer", lang)))
    basemap = session_basemap()
    layers = _basemap_layer(ctx.path, ctx.version, lang, basemap) + _campus_layer(
        ctx.path, ctx.version, campus_id, lang, basemap
    )
    show(_base_map(ctx.path, ctx.version), key="lens_map", height=MAP_HEIGHT, returned_objects=(), layer=layers)
    st.markdown(f"**{tr('lens_ranked', lang)}**")
    if reach.empty:
        st.info(tr("lens_nothing", lang, km=RINGS_M[-1] / 1000))
    else:
        st.dataframe(_ranked_table(reach, lang), hide_index=True)
        st.caption(tr("lens_rank_note", lang))
        n = min(ROUTE_STOPS, len(reach))
        if st.button(tr("lens_route", lang), key="lens_route", help=tr("lens_route_help", lang, n=n),
                     icon=":material/route:", type="primary"):  # fmt: skip
            _hand_over(route_params(campus_id, reach))
    st.subheader(tr("lens_clusters", lang))
    st.caption(tr("lens_clusters_note", lang))
    clusters = clusters_table(card(ctx.path, ctx.version), lang)
    if clusters is None:
        st.info(tr("lens_no_clusters", lang))
    else:
        st.dataframe(clusters, hide_index=True)
