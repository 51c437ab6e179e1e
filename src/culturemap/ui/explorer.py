"""The map explorer page: filter, search and explore a city's cultural assets.

Read top to bottom like the page: sidebar (layers, search, filters for every layer, filters of
one layer each, basemap), map, results table, counts chart. All view state is mirrored in the URL
(see ``ui.state``). Choice widgets hold ids, never labels (``ui.widgets.choice``), so live counts
and a language switch never drop a choice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import partial

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from culturemap.analysis.select import MAX_QUERY_CHARS, select_assets
from culturemap.catalog import City
from culturemap.catalog.sources import cite_text
from culturemap.crs import from_wgs84
from culturemap.i18n import tr
from culturemap.layers import (
    ASSET_LAYERS,
    COORD_ACCURACY,
    GRADES,
    HERITAGE_LEVELS,
    LAYERS,
    MISSING_REASONS,
    MUSEUM_KINDS,
    PLACED_ACCURACY,
    THEMES,
    UNIVERSITY_TYPES,
)
from culturemap.render.assets import localise_assets
from culturemap.render.basemaps import BASEMAPS
from culturemap.render.card_history import histories_by_asset
from culturemap.render.fact_card import feature_name
from culturemap.render.fit import FALLBACK_MAP_PX, fit_view, map_size_px, outside, points_bounds, should_fit
from culturemap.render.folium_map import (
    DETAIL_ZOOM,
    MapOptions,
    assets_layer,
    explorer_base_map,
    explorer_basemap_layer,
)
from culturemap.ui.account import current_actor
from culturemap.ui.charts import show_chart
from culturemap.ui.context import LANGS, load_pack, page_context, store_history, vendor_base_url
from culturemap.ui.edit_panel import edit_overlay_script, edit_panel, take_map_report
from culturemap.ui.export_panel import export_panel
from culturemap.ui.map_component import MAP_DRAWN, PreparedMap, first_drawn, layer_script, prepare
from culturemap.ui.map_component import show as show_map
from culturemap.ui.report_panel import map_reports
from culturemap.ui.state import ViewState, parse_params
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice
from culturemap.validate import coverage

ALL = "all"
RIVER_KM_CHOICES = (ALL, 0.5, 1.0, 1.5, 2.0, 5.0, 10.0)
SELECTED_ZOOM = 16

# the filters that narrow one layer only: (state field, layer, label key, vocabulary)
LAYER_FILTERS = (
    ("grade", "scenic_spots", "app_grade", GRADES),
    ("level", "heritage_units", "app_level", HERITAGE_LEVELS),
    ("kind", "museums", "app_museum_kind", MUSEUM_KINDS),
    ("type", "universities", "app_university_type", UNIVERSITY_TYPES),
)


@st.cache_resource(show_spinner=False, max_entries=4)
def _base_map(path: str, version: str) -> PreparedMap:
    """The map the basemap and the assets are drawn on (city view, controls; no text), rendered once:
    a language, a basemap or a filter only swaps the layers over it, so the map never reloads."""
    city, _assets = load_pack(path, version)
    return prepare(localise_assets(explorer_base_map(city, any_basemap=True), vendor_base_url()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _basemap_layer(path: str, version: str, lang: str, basemap: str) -> str:
    """The basemap's tiles, districts and river as the first layer over :func:`_base_map`."""
    city, _assets = load_pack(path, version)
    return layer_script(explorer_basemap_layer(city, MapOptions(lang=lang, basemap=basemap)), index=0)


@dataclass(frozen=True)
class _Layer:
    """The assets' layer for a filter state, as the script :func:`show_map` adds over the base map."""

    script: str
    mode: str
    cells: int
    resolution: int | None


@st.cache_data(show_spinner=False, max_entries=4)
def _histories(path: str, version: str) -> dict[tuple[str, str], list[dict]]:
    """Every asset's changes in the store, ``(layer, id)`` -> entries (:func:`histories_by_asset`), read
    once per data version (``version`` changes with every write): the fact cards' history."""
    return histories_by_asset(store_history(path, version))


@st.cache_resource(show_spinner=False, max_entries=32)
def _assets_layer(path: str, version: str, state: ViewState, bounds, zoom: int | None) -> _Layer:
    """The assets these filters keep, drawn once (a rerun with the same inputs sends the same script)."""
    city, assets = load_pack(path, version)
    shown = select_assets(assets, state.query(), city.layers["river"], city.config.metric_crs)
    options = MapOptions(lang=state.lang or city.config.default_lang, basemap=state.basemap, zoom=zoom, bounds=bounds)
    layer = assets_layer(city, shown, options, _histories(path, version))
    return _Layer(layer_script(layer.group, index=1), layer.mode, layer.cells, layer.resolution)


def _aggregated(total: int) -> bool:
    """Are ``total`` assets too many for markers (hexagons until zoomed in)?"""
    return total > MapOptions().marker_limit


def warm(path: str, version: str, city: City, assets: gpd.GeoDataFrame) -> None:
    """Draw the page's opening map (every layer, no filter, the city's view) in each language into
    the cache: what a visitor without a link sees first."""
    zoom = city.config.zoom if _aggregated(len(assets)) else None
    _base_map(path, version)  # one for every language
    langs = sorted(LANGS, key=lambda lang: lang != city.config.default_lang)
    for lang in langs:
        state = ViewState(city=city.config.id, lang=lang)
        _basemap_layer(path, version, lang, state.basemap)
        _assets_layer(path, version, state, None, zoom)


def init_from_url(city: City) -> None:
    """Seed the explorer's state from the URL once per session and city."""
    ss = st.session_state
    if ss.get("_seeded_for") == city.config.id:
        return
    state = parse_params(st.query_params.to_dict(), tuple(city.layers["districts"]["name_zh"]))
    ss["_seeded_for"] = city.config.id
    ss["layers"] = list(state.layers)
    ss["grade"] = state.grade or ALL
    for key in ("level", "kind", "type", "district", "theme"):
        ss[key] = list(getattr(state, key))
    ss["river_km"] = state.river_km if state.river_km in RIVER_KM_CHOICES else ALL
    ss["q"] = state.q[:MAX_QUERY_CHARS]
    ss["basemap"] = state.basemap
    cfg = city.config
    ss["view"] = (state.lat or cfg.center_lat, state.lon or cfg.center_lon, state.zoom or cfg.zoom)
    ss["live_view"] = ss["view"]
    ss["bounds"] = None
    # a view in the link is kept: new results are not fitted until the user asks (or sets a view)
    ss["view_from_link"] = state.zoom is not None and state.lat is not None
    ss["fit_sig"], ss["fit_script"], ss["fit_fresh"] = None, "", False
    for item in state.ignored:
        st.toast(tr("app_url_ignored", ss.get("lang", cfg.default_lang), item=plain(item)))


def _show_only(layer_id: str) -> None:
    st.session_state["layers"] = [layer_id]


def _district_label(city: City, lang: str):
    names = dict(zip(city.layers["districts"]["name_zh"], city.layers["districts"]["name_en"]))
    return lambda v: v if lang == "zh" else names.get(v) or v


def _layer_filters(lang: str) -> tuple[dict, dict]:
    """One expander per layer with a filter of its own; each says that it narrows that layer only. Returns
    the filters and, per active one, the slot for that caption and the other layers shown (the caption
    counts what every filter keeps, known only once all are read)."""
    sb = st.sidebar
    sb.subheader(tr("app_layer_filters", lang))
    chosen, scope = {}, {}
    visible = st.session_state.get("layers", list(ASSET_LAYERS))
    for field, layer_id, label_key, vocabulary in LAYER_FILTERS:
        layer_label = LAYERS[layer_id].label(lang)
        current = st.session_state.get(field)
        active = bool(current) and current != ALL
        with sb.expander(layer_label, expanded=active):
            if field == "grade":
                value = choice("selectbox", tr(label_key, lang), [ALL, *vocabulary.values], key=field, default=ALL,
                               format_func=lambda g: tr("app_all", lang) if g == ALL else GRADES.label(g, lang))  # fmt: skip
                chosen[field] = None if value == ALL else value
                active = value != ALL
            else:
                value = choice("multiselect", tr(label_key, lang), vocabulary.values, key=field,
                               format_func=lambda v, vocab=vocabulary: vocab.label(v, lang),
                               placeholder=tr("app_all", lang), every_is_none=True)  # fmt: skip
                chosen[field] = tuple(value)
                active = bool(value)
            others = [lid for lid in visible if lid != layer_id]
            if active and others:
                scope[layer_label] = (st.empty(), others)
            st.button(tr("app_show_only", lang, layer=layer_label), key=f"only_{layer_id}", on_click=_show_only,
                      args=(layer_id,), disabled=visible == [layer_id], width="stretch")  # fmt: skip
    return chosen, scope


def _sidebar(city: City, assets: gpd.GeoDataFrame, lang: str) -> tuple[ViewState, gpd.GeoDataFrame]:
    """Draw the sidebar; return the view state and the assets its filters keep (all layers).

    The layer box sits on top but is drawn last, so its counts are those of the filters.
    """
    sb = st.sidebar
    layer_box = sb.container()
    query_text = sb.text_input(tr("app_search", lang), key="q", max_chars=MAX_QUERY_CHARS,
                               placeholder=city.config.search_example)  # fmt: skip
    sb.subheader(tr("app_filters_all", lang))
    district = choice("multiselect", tr("app_district", lang), tuple(city.layers["districts"]["name_zh"]),
                      key="district", format_func=_district_label(city, lang), container=sb,
                      placeholder=tr("app_all", lang), every_is_none=True)  # fmt: skip
    theme = choice("multiselect", tr("app_themes", lang), THEMES.values, key="theme", container=sb,
                   format_func=lambda v: city.config.theme_label(v, lang), placeholder=tr("app_all", lang),
                   every_is_none=True)  # fmt: skip
    river_km = ALL
    if len(city.layers["river"]):
        river = city.config.river_name_zh if lang == "zh" else city.config.river_name_en
        river_km = choice("select_slider", tr("app_river_km", lang, river=river), RIVER_KM_CHOICES, key="river_km",
                          default=ALL, container=sb,
                          format_func=lambda v: tr("app_river_any", lang) if v == ALL else f"{v:g} km")  # fmt: skip
    chosen, scope = _layer_filters(lang)
    basemap = choice("selectbox", tr("app_basemap", lang), list(BASEMAPS), key="basemap", container=sb,
                     format_func=lambda b: BASEMAPS[b].label(lang))  # fmt: skip
    lat, lon, zoom = st.session_state["live_view"]
    state = ViewState(
        city=city.config.id,
        lang=lang,
        **chosen,
        district=tuple(district),
        theme=tuple(theme),
        river_km=None if river_km == ALL else river_km,
        q=query_text.strip(),
        basemap=basemap,
        lat=round(lat, 5),
        lon=round(lon, 5),
        zoom=int(zoom),
    )
    kept = select_assets(assets, state.query(), city.layers["river"], city.config.metric_crs)
    counts = kept["layer"].value_counts()
    for layer_label, (slot, others) in scope.items():
        n_other = int(kept["layer"].isin(others).sum())
        slot.caption(tr("app_filter_scope", lang, layer=layer_label, n=n_other))
    with layer_box:
        layers = choice("multiselect", tr("app_layers", lang), ASSET_LAYERS, key="layers", default=list(ASSET_LAYERS),
                        format_func=lambda lid: f"{LAYERS[lid].short_label(lang)} ({int(counts.get(lid, 0))})",
                        placeholder=tr("app_layers_none", lang))  # fmt: skip
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
    st.session_state["_url_params"] = params  # what the URL must say (the map fragment writes the view into it)
    if dict(st.query_params.to_dict()) != params:
        st.query_params.from_dict(params)


def accuracy_label(accuracy: str, lang: str) -> str:
    """The position's accuracy in words, with a warning sign where it is approximate."""
    return ("" if accuracy in PLACED_ACCURACY else "⚠ ") + COORD_ACCURACY.label(accuracy, lang)


def results_table(shown: gpd.GeoDataFrame, lang: str, district_label) -> pd.DataFrame:
    """The results as the table shows them: names, layer, class and district in ``lang``."""

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
            tr("col_district", lang): [district_label(r.get("district") or "") for r in records],
            tr("col_accuracy", lang): [accuracy_label(r.get("coord_accuracy") or "", lang) for r in records],
            "id": [r["id"] for r in records],
        }
    )


def counts_chart(shown: gpd.GeoDataFrame, lang: str, district_label) -> alt.Chart:
    """Assets per district, stacked by layer in the layers' map colours; legend below the bars."""
    frame = pd.DataFrame(
        {
            "district": [district_label(d or "") for d in shown["district"]],
            "layer": [LAYERS[v].label(lang) for v in shown["layer"]],
        }
    )
    table = frame.value_counts().rename("count").reset_index()
    present = [lid for lid in ASSET_LAYERS if lid in set(shown["layer"])]
    colours = alt.Scale(
        domain=[LAYERS[lid].label(lang) for lid in present], range=[LAYERS[lid].color for lid in present]
    )
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("district:N", title=tr("col_district", lang), sort="-y", axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("sum(count):Q", title=tr("app_count_col", lang)),
            color=alt.Color(
                "layer:N",
                scale=colours,
                title=tr("col_layer", lang),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=400),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("district:N", title=tr("col_district", lang)),
                alt.Tooltip("layer:N", title=tr("col_layer", lang)),
                alt.Tooltip("count:Q", title=tr("app_count_col", lang)),
            ],  # fmt: skip
        )
    )


def _moved(old: tuple[float, float, int], new: tuple[float, float, int], min_px: float = 24) -> bool:
    """Did the user pan or zoom? Leaflet re-centres by a few pixels when its frame is resized on load;
    treating that as a move would drift a shared view on every reload."""
    if int(old[2]) != int(new[2]):
        return True
    deg_per_px = 360.0 / (256 * 2 ** int(new[2]))
    return max(abs(old[0] - new[0]), abs(old[1] - new[1])) > min_px * deg_per_px


def _set_view(lat: float, lon: float, zoom: int, moved: bool = False) -> None:
    """Move the map to (lat, lon, zoom) in the basemap's datum. The component moves it (animated)
    when the view it is given changes; where the user has ``moved`` the map since, it would keep
    the user's zoom (or centre) if that part equals the one it was last given, so a script over the
    mounted map sets the view once first."""
    ss = st.session_state
    ss["view"] = (lat, lon, zoom)
    ss["view_from_link"], ss["fit_fresh"] = False, True
    ss["fit_script"] = ""
    if moved:
        ss["fit_seq"] = seq = ss.get("fit_seq", 0) + 1
        ss["fit_script"] = (
            f"if (window.cmFit !== {seq}) {{ window.cmFit = {seq}; "
            f"map_div.setView([{lat:.6f}, {lon:.6f}], {int(zoom)}, {{animate: false}}); }}"
        )


def _fit_to(points: tuple) -> None:
    """Fit the map to (lat, lon) ``points`` (the button under the map: the user may have moved it)."""
    bounds = points_bounds(points)
    if bounds:
        _set_view(*fit_view(bounds, st.session_state.get("map_px") or FALLBACK_MAP_PX), moved=True)


def _follow_results(city: City, assets: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, basemap: str) -> tuple:
    """Fit the map to results that changed (back to the city's view when nothing is filtered out),
    unless the user moved the map since it was last set or the link fixed the view; returns the
    results' (lat, lon) points in the basemap's datum."""
    ss = st.session_state
    anchors = shown.geometry.representative_point()
    lon, lat = from_wgs84(list(anchors.x), list(anchors.y), BASEMAPS[basemap].datum)
    points = tuple(zip((float(v) for v in lat), (float(v) for v in lon)))
    signature = hashlib.sha1("|".join(shown["id"]).encode("utf-8")).hexdigest()
    changed, ss["fit_sig"] = ss.get("fit_sig") != signature, signature
    user_moved = _moved(ss["view"], ss["live_view"])
    if should_fit(changed, len(points), user_moved, ss.get("view_from_link", False)):
        cfg = city.config
        if len(shown) == len(assets):
            target = (cfg.center_lat, cfg.center_lon, cfg.zoom)
        else:
            target = fit_view(points_bounds(points), ss.get("map_px") or FALLBACK_MAP_PX)
        if _moved(ss["live_view"], target, min_px=1):  # the map is not there yet
            _set_view(*target)
    return points


def _outside_notice(out: dict, reported: tuple, points: tuple, lang: str) -> None:
    """Under the map: how many results lie outside the view, and a button that fits the map to them.
    Not while the map is still on its way to a view just set."""
    ss = st.session_state
    bounds = out.get("bounds") or {}
    sw, ne = bounds.get("_southWest"), bounds.get("_northEast")
    if not (sw and ne and sw.get("lat") is not None and ne.get("lat") is not None):
        return
    ss["map_px"] = map_size_px(sw["lat"], sw["lng"], ne["lat"], ne["lng"], reported[2])
    if ss.get("fit_fresh"):
        if _moved(ss["view"], reported):
            return
        ss["fit_fresh"] = False
    n_out = outside(points, (sw["lat"], sw["lng"], ne["lat"], ne["lng"]))
    if n_out:
        st.caption(tr("app_outside_view", lang, n=len(points), outside=n_out))
        st.button(tr("app_show_all_results", lang), key="fit_all", on_click=_fit_to, args=(points,))


@st.fragment
def _map_pane(path: str, version: str, state: ViewState, total: int, points: tuple = ()) -> None:
    """The map. Panning and zooming rerun only this fragment; the URL keeps the view."""
    ss = st.session_state
    lat, lon, zoom = ss["view"]
    live_zoom = ss["live_view"][2]
    aggregated = _aggregated(total)
    bounds = ss.get("bounds") if aggregated and live_zoom >= DETAIL_ZOOM else None
    filters = replace(state, lat=None, lon=None, zoom=None)  # the view is passed to st_folium, not baked in
    base = _base_map(path, version)
    # markers do not depend on the zoom: one layer for every view, so zooming never redraws it
    layer = _assets_layer(path, version, filters, bounds, int(live_zoom) if aggregated else None)
    lang = state.lang
    if layer.mode == "hexagons":
        st.caption(tr("app_mode_hexagons", lang, n=total, cells=layer.cells, res=layer.resolution, zoom=DETAIL_ZOOM,
                      limit=MapOptions().marker_limit))  # fmt: skip
    elif layer.mode == "clusters":
        st.caption(tr("app_mode_clusters", lang))
    if BASEMAPS[state.basemap].datum != "wgs84":
        st.caption(tr("app_amap_shift", lang))
    # for a contributor or editor the map also reports clicks (the Edit panel may take a position from one);
    # the component reads what to report when it is made, so theirs is a map of its own (made at sign-in)
    actor = current_actor()
    editing = actor.can("contributor")
    picking = editing and bool(ss.get("edit_pick"))
    # theirs also shows the chosen asset's drag handle and their own proposals waiting for review
    overlay, pending = (
        edit_overlay_script(path, load_pack(path, version)[1], actor, lang, state.basemap) if editing else ("", 0)
    )
    with st.container():  # there either way: the map below keeps its place (a moved map is mounted anew)
        if pending:
            st.caption(tr("edit_pending_caption", lang, n=pending))
    out = show_map(
        base,
        center=(lat, lon),
        zoom=zoom,
        height=640,
        returned_objects=("center", "zoom", "bounds", *(("last_clicked",) if editing else ())),
        key="map-edit" if editing else "map",
        layer=_basemap_layer(path, version, lang, state.basemap) + layer.script + overlay + ss.get("fit_script", ""),
    )
    if not (out and out.get("center") and out.get("zoom")):
        return
    first_drawn(True)  # the map is in the browser: now the table and chart below it
    if editing:
        take_map_report(out.get("last_clicked"), state.basemap, picking)
    reported = (out["center"]["lat"], out["center"]["lng"], out["zoom"])
    _outside_notice(out, reported, points, lang)
    cfg = load_pack(path, version)[0].config
    if not _moved((cfg.center_lat, cfg.center_lon, cfg.zoom), reported, min_px=1) and _moved(
        ss["view"], reported, min_px=1
    ):
        return  # a new map first reports the view it was built with, before it moves to the one asked for
    # a rerun the map did not start (a widget, a row selected) hands back the component's last report, the view
    # before the one just set: only a report that changed since the last one is the map's (or the user's) move
    fresh, ss["map_report"] = reported != ss.get("map_report"), reported
    moved = fresh and _moved(ss["live_view"], reported)
    if moved:
        ss["live_view"] = reported
        view = ViewState(lat=round(reported[0], 5), lon=round(reported[1], 5), zoom=int(reported[2])).to_params()
        # the whole link from the session's own state: a fragment rerun starts from the query string the browser
        # sent with it, which may predate the last full run (a second search's q): setting only the view would
        # write that stale q back and the link would keep the first search
        params = {**ss.get("_url_params", st.query_params.to_dict()), **{k: view[k] for k in ("lat", "lon", "zoom")}}
        ss["_url_params"] = params
        if dict(st.query_params.to_dict()) != params:
            st.query_params.from_dict(params)
    if aggregated and (moved or ss.get("bounds") is None):
        sw, ne = (out.get("bounds") or {}).get("_southWest"), (out.get("bounds") or {}).get("_northEast")
        ss["bounds"] = (sw["lat"], sw["lng"], ne["lat"], ne["lng"]) if sw and ne else None
        if ss["bounds"] and (int(reported[2]) != int(live_zoom) or reported[2] >= DETAIL_ZOOM):
            st.rerun(scope="fragment")  # the markers (or cells) of the new view


def _centre_on_selection(shown: gpd.GeoDataFrame, table_key: str, basemap: str) -> None:
    """Centre the map on the row just selected in the results table (a callback: the map of this
    run already shows it); a selection that no longer fits the rows is ignored."""
    rows = st.session_state[table_key]["selection"]["rows"]
    if not rows or not 0 <= rows[0] < len(shown):
        return
    point = shown.geometry.iloc[rows[0]].representative_point()
    lon, lat = from_wgs84([point.x], [point.y], BASEMAPS[basemap].datum)
    st.session_state["view"] = st.session_state["live_view"] = (float(lat[0]), float(lon[0]), SELECTED_ZOOM)
    st.session_state["view_from_link"] = False


MAX_PROBLEMS_SHOWN = 100


def _problems(city: City, lang: str) -> None:
    """What validation found in the pack (rows left out, texts cut, ...), folded away."""
    if not city.problems:
        return
    label = tr("app_problems", lang, errors=len(city.errors), warnings=len(city.warnings))
    with st.expander(("⚠ " if city.errors else "") + label):
        st.text("\n".join(p.message(lang) for p in city.problems[:MAX_PROBLEMS_SHOWN]))


_COVERAGE_ALIGN = ("left", "right", "right", "right", "left", "right", "left")


def _figure_label(figure: dict, lang: str) -> str:
    return figure["label_zh"] if lang == "zh" else figure["label_en"]


def coverage_table(figures: list[dict], lang: str, sources: dict | None = None) -> pd.DataFrame:
    """The published figures against the pack (rows of :func:`~culturemap.validate.coverage`), as
    the coverage panel shows them; ``sources``: the pack's register, to cite each figure's source."""
    return pd.DataFrame(
        {
            tr("col_figure", lang): [_figure_label(f, lang) for f in figures],
            tr("col_in_pack", lang): [
                f"{f['actual']}" + (tr("app_coverage_weak", lang, n=f["weak_rows"]) if f.get("weak_rows") else "")
                for f in figures
            ],
            tr("col_published", lang): [f["published"] for f in figures],
            tr("col_gap", lang): [max(f["gap"], 0) for f in figures],
            tr("col_as_of", lang): [f.get("as_of") or "" for f in figures],
            tr("col_approx_share", lang): [
                "" if f["approx_share"] is None else f"{f['approx_share']:.0%}" for f in figures
            ],  # fmt: skip
            tr("col_figure_source", lang): [cite_text(f["source"], sources or {}, lang) for f in figures],
        }
    )


def _coverage(city: City, lang: str) -> None:
    """How much of each published figure the pack holds, which named assets are missing, and how to
    add them: the label lists the gaps, so that nobody takes 12 spots for all 47."""
    if "coverage" not in city.memo:  # once per pack
        city.memo["coverage"] = coverage(city)
    figures = city.memo["coverage"]
    if not figures:
        return
    short = [f for f in figures if f["gap"] > 0]
    if short:
        gaps = " · ".join(f"{_figure_label(f, lang)} {f['actual']}/{f['published']}" for f in short)
        label = tr("app_coverage_short", lang, gaps=gaps)
    else:
        label = tr("app_coverage_complete", lang, n=len(figures))
    with st.expander(label):
        st.caption(tr("app_coverage_intro", lang))
        # a Markdown table: a data grid here would load the grid's scripts before the map's
        st.markdown(coverage_table(figures, lang, city.sources).to_markdown(index=False, colalign=_COVERAGE_ALIGN))
        named = [f for f in figures if f["missing"]]
        if named:
            st.markdown(f"**{tr('app_coverage_named', lang)}**")
            sep = "、" if lang == "zh" else "; "
            for f in named:
                items = sep.join(
                    tr("app_coverage_named_item", lang, name=(m["name_zh"] if lang == "zh" else m["name_en"] or m["name_zh"]),
                       reason=MISSING_REASONS.label(m["reason"], lang))
                    for m in f["missing"]
                )  # fmt: skip
                st.markdown(f"- {_figure_label(f, lang)}: {items}")
        for f in figures:  # rows a figure's date leaves out, so that nobody wonders why they are not counted
            if f.get("graded_after"):
                names = ("、" if lang == "zh" else ", ").join(
                    f"{g['name_zh']} ({g['grade_since']})" for g in f["graded_after"]
                )
                st.caption(
                    f"{_figure_label(f, lang)}: " + tr("report_graded_after", lang, date=f["as_of"], names=names)
                )
        st.caption(tr("app_coverage_import", lang))


# On a phone the map comes first: less room above the title, the title on one line in a smaller size,
# the coverage and validation panels one line each (their details stay folded), closer together.
_PHONE_CSS = """<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.3rem; line-height: 1.5; padding: 0.25rem 0; white-space: nowrap;
                                            overflow: hidden; text-overflow: ellipsis; }
  [data-testid="stMainBlockContainer"] [data-testid="stExpander"] summary { padding-top: 0.3rem;
                                                                           padding-bottom: 0.3rem; }
  [data-testid="stMainBlockContainer"] [data-testid="stExpander"] summary p { white-space: nowrap; overflow: hidden;
                                                                             text-overflow: ellipsis; }
}
</style>"""


def explorer_page() -> None:
    """The map explorer: filters, map, results table, counts chart."""
    ctx = page_context()
    lang = ctx.lang
    city, assets = ctx.load()
    init_from_url(city)
    st.title(tr("app_title", lang, city=city.config.name(lang)))
    st.html(_PHONE_CSS)
    state, kept = _sidebar(city, assets, lang)
    shown = kept[kept["layer"].isin(state.layers)]
    _write_url(state, city)
    _coverage(city, lang)
    _problems(city, lang)
    if shown.empty:
        st.info(tr("app_no_results", lang))
    points = _follow_results(city, assets, shown, state.basemap)
    _map_pane(ctx.path, ctx.version, state, len(shown), points)
    export_panel(city, shown, state)
    map_reports(city, state, ctx.version)
    edit_panel(ctx.path, lang, current_actor())

    st.subheader(tr("app_results", lang, n=len(shown)))
    if not st.session_state.get(MAP_DRAWN):
        st.caption(tr("app_results_after_map", lang))
        return
    st.caption(tr("app_select_hint", lang))
    district_label = _district_label(city, lang)
    table = results_table(shown, lang, district_label)
    # a new table (and no stale row selection) whenever the rows or their language change
    rows_key = hashlib.sha1("|".join([lang, *table["id"]]).encode("utf-8")).hexdigest()[:10]
    table_key = f"results~{rows_key}"
    st.dataframe(table, hide_index=True, selection_mode="single-row", key=table_key, width="stretch",
                 on_select=partial(_centre_on_selection, shown, table_key, state.basemap))  # fmt: skip

    if len(shown):
        st.subheader(tr("app_chart", lang))
        show_chart(counts_chart(shown, lang, district_label), lang)
