"""The "Routes" page: pick a theme or start from scratch, order and time the stops, export.

Stops are added and removed with the sidebar list, by clicking assets on the map, or by unticking
them in the stop table, where the time per stop and the opening hours can be edited. A map click
can also set the start or the end point. Widget values are only changed before the widgets are
drawn: a map click is stored as a pending change and applied on the rerun, and the stop table's
edits are taken at the start of the next run, attached to stop ids (the table follows the planned
visit order, so its row positions change).

The page reads top to bottom like it looks (:func:`routes_page`): the sidebar's choices, the link,
then the route section, a fragment holding the stop table, the plan's totals, the map, the
itinerary and the downloads. An edit in the stop table reruns only that section, a change of the
map's click mode only the map; the whole page reruns when the stops or the sidebar change. The plan,
the legs measured on a road network, the base map and the route's map layer are cached on what
they depend on (:class:`RouteRequest`), so an edit only computes what it changes; the map stays
mounted and only its route layer is swapped. Downloads are written when clicked and do not rerun
the page.

The route is mirrored in the URL so it can be shared and survives a reload: ``route`` (theme id or
``scratch``), ``stops`` (comma-separated ids), ``mode``, ``start`` and ``day_end`` (HH:MM),
``date`` (YYYY-MM-DD), ``round`` (1), ``from``/``to`` (an asset id or ``LON,LAT`` in WGS-84) and
``days``. Values that do not fit are dropped with a notice naming the parameter.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, time
from functools import partial
from pathlib import PurePosixPath
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import streamlit as st

from culturemap.crs import from_wgs84, to_wgs84
from culturemap.export.filing import filing_name
from culturemap.export.route import (
    day_lines,
    full_name,
    route_file_name,
    route_title,
    to_csv,
    to_geojson,
    to_gpx,
    to_kml,
    totals_text,
)
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS, THEMES
from culturemap.render.assets import localise_assets
from culturemap.render.basemaps import DEFAULT_BASEMAP, basemap_for
from culturemap.render.fact_card import display_source, feature_name, name_with_campus
from culturemap.render.folium_map import basemap_layer
from culturemap.render.route import candidates_layer, route_base_map, route_layer
from culturemap.routing.errors import RouteError
from culturemap.routing.itinerary import DEFAULT_DWELL_MIN, Endpoint, Plan, plan_route
from culturemap.routing.network import network_matrix
from culturemap.routing.travel import MODES
from culturemap.ui.context import LANGS, PageContext, page_context, session_basemap, vendor_base_url
from culturemap.ui.export_panel import (
    VIEW,
    ExportChoice,
    PreparedFile,
    folded_panel,
    prepare_and_download,
    view_file,
    view_options,
)
from culturemap.ui.map_component import PreparedMap, layer_script, prepare, show
from culturemap.ui.report_panel import route_reports
from culturemap.ui.route_network import road_network
from culturemap.ui.route_params import (
    DAY_CHOICES,
    FIRST,
    FREE,
    ON_MAP,
    ROUND,
    SCRATCH,
    URL_PARAMS,
    end_param,
    read_url,
    write_url,
)
from culturemap.ui.tables import labelled
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice, type_ahead

CLICK_MODES = ("toggle", "origin", "destination")
CLICK_TOLERANCE_DEG = 1e-5  # a clicked marker reports its own position (to float precision)
CLICK_REPORTS = ("last_object_clicked", "last_object_clicked_count", "last_clicked")  # what the map sends back
DEFAULT_START, DEFAULT_DAY_END = time(9, 0), time(18, 0)
EXPORTS = (("gpx", to_gpx, "application/gpx+xml"), ("kml", to_kml, "application/vnd.google-earth.kml+xml"),
           ("geojson", to_geojson, "application/geo+json"), ("csv", to_csv, "text/csv"))  # fmt: skip


def source_caption(source: str, lang: str) -> str:
    """A route's ``source`` for the caption, labelled in ``lang``: a URL as a link showing its host
    and file name, a file path as ``…/<file name>``, other text as written (the first clause)."""
    short, full = display_source(source)
    url = urlparse(full)
    if url.scheme in ("http", "https") and url.netloc and " " not in full:
        name = PurePosixPath(url.path).name
        short = f"[{url.netloc}{'/…/' + name if name else ''}]({full})"
    return tr("routes_source", lang, source=short)


def _clicked_asset(assets, click: dict, datum: str) -> str | None:
    """The id of the asset whose marker or circle was clicked (markers report their own position)."""
    points = assets.geometry.representative_point()
    x, y = from_wgs84(points.x.to_numpy(), points.y.to_numpy(), datum)
    offset = np.hypot(x - click["lng"], y - click["lat"])
    best = int(np.argmin(offset))
    return str(assets["id"].iloc[best]) if offset[best] < CLICK_TOLERANCE_DEG else None


def _apply_pending() -> None:
    """Apply a change made by a map click on the previous run, before the widgets exist."""
    pending = st.session_state.pop("_route_pending", None)
    if not pending:
        return
    for key, value in pending.items():
        st.session_state[key] = value


def _handle_click(out: dict | None, city, assets, stops: list[str], datum: str, lang: str) -> None:
    """Turn a new map click into a pending change (add/remove a stop, set the start or end) and rerun.

    The map stays mounted, so it reports its last clicks again on every run: a click is new when
    the count of object clicks (markers, circles, outlines) or the clicked spot changed since the
    previous run. A remounted map reports nothing until clicked, which resets what was seen.
    """
    out = out or {}
    count, obj, spot = (out.get(name) for name in ("last_object_clicked_count", "last_object_clicked", "last_clicked"))
    seen_count, seen_spot = st.session_state.get("_route_last_click", (None, None))
    st.session_state["_route_last_click"] = (count, spot)
    asset = _clicked_asset(assets, obj, datum) if obj and count != seen_count else None
    spot = spot if spot and spot != seen_spot else None
    mode = st.session_state.get("route_click_mode", "toggle")
    pending: dict = {}
    if mode == "toggle" and asset:
        name = plain(feature_name(assets[assets["id"] == asset].iloc[0], lang))
        if asset in stops:
            pending["route_stops"] = [s for s in stops if s != asset]
            st.session_state["_route_notice"] = tr("routes_clicked_removed", lang, name=name)
        else:
            pending["route_stops"] = [*stops, asset]
            st.session_state["_route_notice"] = tr("routes_clicked_added", lang, name=name)
    elif mode in ("origin", "destination"):
        key = f"route_{mode}"
        if asset:
            pending[key] = asset
        elif spot:
            lon, lat = (float(v[0]) for v in to_wgs84([spot["lng"]], [spot["lat"]], datum))
            if not city.config.in_bbox(lon, lat):
                st.error(tr("routes_point_outside", lang, lon=lon, lat=lat, city=plain(city.config.name(lang))))
                return
            st.session_state[f"_route_{mode}_point"] = (round(float(lon), 6), round(float(lat), 6))
            pending[key] = ON_MAP
    if pending:
        st.session_state["_route_pending"] = pending
        st.rerun()


def _endpoint(choice: str, role: str, lang: str):
    """The plan_route start/end argument for a selectbox value; None when not set."""
    if choice == ON_MAP:
        point = st.session_state.get(f"_route_{role}_point")
        if point is None:
            which = tr("routes_origin" if role == "origin" else "routes_destination", lang)
            st.info(tr("routes_map_pick_missing", lang, which=which))
        return point
    return None if choice in (FIRST, FREE, ROUND) else choice


def _take_table_edits(names: dict[str, str], lang: str) -> bool:
    """Copy the stop table's edits into the per-stop overrides, by stop id, before the table is
    drawn; True when unticked stops left the stop list (the sidebar and the link then change too).

    The table drawn on the previous run keeps all its edits (by row position, mapped to the stop
    ids it showed), so copying them again on every run is harmless and an edit made while the page
    was rerunning is not lost. Unticked stops leave the stop list. The grid commits 0 for a
    visit-time cell typed into before its editor is ready or holding no number (a letter, a lone
    "-", an input method's first keystroke) and None for a cleared one: such a cell keeps the
    previous time, with a notice, and a new table (a new key) shows that time again.
    """
    ss = st.session_state
    key, ids = ss.get("_route_editor", (None, []))
    edits = (ss.get(key) or {}).get("edited_rows") if key else None
    if not edits:
        return False
    saved = ss.setdefault("_route_overrides", {})
    dropped, kept = set(), []
    for position, change in edits.items():
        if int(position) >= len(ids):
            continue
        fid = ids[int(position)]
        entry = saved.setdefault(fid, {})
        if change.get("keep") is False:
            dropped.add(fid)
        if "dwell_min" in change:
            minutes = change["dwell_min"]
            if isinstance(minutes, (int, float)) and math.isfinite(minutes) and minutes > 0:
                entry["dwell"] = int(round(minutes))
            else:
                kept.append(plain(names.get(fid, fid)))
        if "opening_hours" in change:
            hours = change["opening_hours"]
            entry["hours"] = hours.strip() if isinstance(hours, str) else ""
    before = ss.get("route_stops", [])
    ss["route_stops"] = [s for s in before if s not in dropped]
    if kept:
        ss["_route_editor_gen"] = ss.get("_route_editor_gen", 0) + 1
        ss["_route_notice"] = tr("routes_dwell_kept", lang, names="、".join(kept) if lang == "zh" else ", ".join(kept))
    return ss["route_stops"] != before


def _overrides(stops: list[str]) -> tuple[dict[str, float], dict[str, str | None]]:
    """The visit minutes and opening hours set in the stop table for ``stops`` (by stop id)."""
    saved = st.session_state.get("_route_overrides", {})
    entries = {fid: saved[fid] for fid in stops if fid in saved}
    dwell = {fid: e["dwell"] for fid, e in entries.items() if "dwell" in e}
    hours = {fid: e["hours"] or None for fid, e in entries.items() if "hours" in e}
    return dwell, hours


def _stop_editor(
    assets, ids: list[str], dwell: dict[str, int], names: dict[str, str], lang: str, unplanned: frozenset = frozenset()
) -> None:
    """The editable stop table, rows in ``ids`` order (the visit order); edits are read next run. Stops
    in ``unplanned`` (left out by a day limit, or not placed) say so in a column of their own."""
    by_id = assets.set_index("id")
    data_hours = by_id["opening_hours"] if "opening_hours" in by_id else pd.Series(dtype=object)
    stop_dwell, stop_hours = _overrides(ids)
    rows = []
    for fid, layer in zip(ids, by_id.loc[ids, "layer"]):
        hours = data_hours.get(fid)
        rows.append({
            "keep": True,
            "name": names[fid],
            "dwell_min": int(stop_dwell.get(fid, dwell.get(layer, 30))),
            "opening_hours": stop_hours.get(fid, hours if isinstance(hours, str) else "") or "",
        } | ({"status": tr("routes_not_planned", lang) if fid in unplanned else ""} if unplanned else {}))  # fmt: skip
    ss = st.session_state
    key = "route_editor_" + hashlib.sha1(f"{'|'.join(ids)}#{ss.get('_route_editor_gen', 0)}".encode()).hexdigest()[:10]
    ss["_route_editor"] = (key, ids)
    st.caption(tr("routes_editor", lang))
    type_ahead("route_editor_")  # "60" typed quickly into a clicked cell stays 60 (the grid lost the 6)
    st.data_editor(
        pd.DataFrame(rows, index=ids),
        hide_index=True,
        width="stretch",
        disabled=["name", "status"],
        num_rows="fixed",
        column_config={
            "keep": st.column_config.CheckboxColumn(tr("routes_keep", lang), width="small"),
            "name": st.column_config.TextColumn(tr("col_name", lang)),
            "dwell_min": st.column_config.NumberColumn(tr("col_dwell_min", lang), min_value=0, max_value=600, step=5),
            "opening_hours": st.column_config.TextColumn(tr("col_opening_hours", lang)),
            "status": st.column_config.TextColumn(tr("routes_plan_status", lang)),
        },
        key=key,
    )


@dataclass(frozen=True)
class Choices:
    """The sidebar's choices: the theme, the stops, how the route starts and ends (selectbox values:
    an asset id, ``FIRST``/``FREE``/``ROUND`` or ``ON_MAP``) and how it is timed."""

    theme: str
    stops: tuple[str, ...]
    origin: str
    destination: str
    mode: str
    start: time
    day: date
    optimise: bool
    day_end: str | None  # HH:MM when the route is cut into days
    max_days: int | None
    dwell_min: tuple[tuple[str, int], ...]  # visit minutes per layer


@dataclass(frozen=True)
class RouteRequest:
    """What a plan depends on (the arguments of ``plan_route``), hashable: the cache key of the plan
    and of its map layer. ``pack`` and ``network`` name the versions of the pack and the road graph."""

    pack: tuple[str, float]
    network: str | None
    stops: tuple[str, ...]
    mode: str
    start: str
    day: date
    round_trip: bool
    optimise: bool
    dwell_min: tuple[tuple[str, int], ...]
    origin: Endpoint
    destination: Endpoint
    stop_dwell: tuple[tuple[str, int], ...]
    stop_hours: tuple[tuple[str, str | None], ...]
    day_end: str | None
    max_days: int | None


@st.cache_resource(max_entries=32, show_spinner=False)
def _measured_legs(network: str, _graph, lon, lat, mode: str, metric_crs: str):
    """:func:`network_matrix` once per network version, stop positions and mode: a changed visit
    time or start does not measure the same legs again."""
    return network_matrix(_graph, lon, lat, mode, metric_crs)


@st.cache_data(max_entries=64, show_spinner=False)
def _planned(request: RouteRequest, _city, _assets, _graph) -> tuple[Plan | None, dict[str, str] | None]:
    """The plan for ``request``, or None and why it cannot be planned (by language)."""
    try:
        plan = plan_route(
            _city, list(request.stops), assets=_assets, mode=request.mode, start=request.start, day=request.day,
            round_trip=request.round_trip, optimise=request.optimise, dwell_min=dict(request.dwell_min),
            graph=_graph, origin=request.origin, destination=request.destination,
            stop_dwell=dict(request.stop_dwell), stop_hours=dict(request.stop_hours), day_end=request.day_end,
            max_days=request.max_days, measure=partial(_measured_legs, request.network),
        )  # fmt: skip
    except RouteError as exc:  # what a user can get wrong
        return None, {lang: exc.message(lang) for lang in LANGS}
    except ValueError as exc:  # any other ValueError as it reads
        return None, dict.fromkeys(LANGS, str(exc))
    return plan, None


@st.cache_data(max_entries=8, show_spinner=False)
def _asset_labels(path: str, version: str, lang: str, _assets) -> tuple[dict[str, str], dict[str, str]]:
    """The pack's asset names and their ``name（campus）· layer`` labels in ``lang``, by id (a
    university's campuses share its name; :func:`choice` appends the id to labels still shared)."""
    names = {fid: feature_name(row, lang) for fid, row in _assets.set_index("id").iterrows()}
    labels = {
        row["id"]: f"{name_with_campus(row, lang)} · {LAYERS[row['layer']].label(lang)}"
        for row in _assets.to_dict("records")
    }
    return names, labels


@st.cache_resource(max_entries=4, show_spinner=False)
def _base_map(path: str, version: str, vendor: str | None, _city) -> PreparedMap:
    """The map the route is drawn on, rendered once per pack (no text: the basemap, the candidates and
    the route with its legend are layers over it, so a new language or basemap keeps the map)."""
    return prepare(localise_assets(route_base_map(_city, "en", None), vendor))


@st.cache_resource(max_entries=16, show_spinner=False)
def _basemap_layer(path: str, version: str, lang: str, basemap: str, _city) -> str:
    """The basemap's tiles, districts and river: the first layer over :func:`_base_map`."""
    return layer_script(basemap_layer(_city, lang, basemap), index=0)


@st.cache_data(max_entries=64, show_spinner=False)
def _candidates_script(path: str, version: str, stops: tuple[str, ...], lang: str, basemap: str, _assets) -> str:
    """The map layer of the assets not in ``stops`` (click to add)."""
    return layer_script(candidates_layer(_assets[~_assets["id"].isin(stops)], lang, basemap), index=1)


@st.cache_data(max_entries=64, show_spinner=False)
def _route_script(path: str, version: str, request: RouteRequest | None, lang: str, basemap: str, _city, _plan) -> str:
    """The map layer of the plan for ``request`` (None: no route)."""
    return layer_script(route_layer(_city, _plan, lang, basemap), index=2)


def warm(path: str, version: str, city, assets) -> None:
    """Build what a first visit to the page draws before any route is planned, in the pack's language
    on the default basemap: the asset labels, the base map, the basemap's layer and the first theme's
    candidates layer. ``culturemap serve`` calls this at start."""
    lang = city.config.default_lang
    _asset_labels(path, version, lang, assets)
    _base_map(path, version, vendor_base_url(), city)
    _basemap_layer(path, version, lang, DEFAULT_BASEMAP, city)
    if city.routes:
        _candidates_script(path, version, tuple(city.routes[0].stops), lang, DEFAULT_BASEMAP, assets)


def _sidebar(assets, themes: dict, labels: dict[str, str], lang: str, theme_label) -> Choices:
    """The sidebar's route choices (the road network is chosen below them, see :func:`road_network`)."""
    ss = st.session_state
    sb = st.sidebar
    theme = choice("selectbox", tr("routes_theme", lang), [*themes, SCRATCH], key="route_theme", container=sb,
                   format_func=lambda rid: tr("routes_scratch", lang) if rid == SCRATCH else themes[rid].title(lang))  # fmt: skip
    if ss.get("_route_theme_loaded") != theme:  # a new theme loads its stops
        ss["route_stops"] = list(themes[theme].stops) if theme in themes else []
        ss["_route_theme_loaded"] = theme

    def add_tagged() -> None:
        tag = ss["route_tag"]
        tagged = [fid for fid, tags in zip(assets["id"], assets["themes"]) if tag in (tags or [])]
        ss["route_stops"] = ss.get("route_stops", []) + [fid for fid in tagged if fid not in ss.get("route_stops", [])]
        ss["route_tag"] = ""

    choice("selectbox", tr("routes_candidates", lang), ["", *THEMES.values], key="route_tag", container=sb,
           format_func=lambda t: theme_label(t, lang) if t else "—", on_change=add_tagged)  # fmt: skip
    stops = choice("multiselect", tr("routes_stops", lang), list(labels), format_func=labels.get, key="route_stops",
                   container=sb, placeholder=tr("routes_stops_none", lang))  # fmt: skip
    others = sorted(labels, key=labels.get)
    ends = {FIRST: tr("routes_origin_first", lang), ON_MAP: tr("routes_origin_map", lang),
            FREE: tr("routes_destination_free", lang), ROUND: tr("routes_destination_round", lang), **labels}  # fmt: skip
    origin = choice("selectbox", tr("routes_origin", lang), [FIRST, ON_MAP, *others], format_func=ends.get,
                    key="route_origin", container=sb)  # fmt: skip
    destination = choice("selectbox", tr("routes_destination", lang), [FREE, ROUND, ON_MAP, *others],
                         format_func=ends.get, key="route_destination", container=sb)  # fmt: skip
    mode = choice("selectbox", tr("routes_mode", lang), list(MODES), format_func=lambda m: tr(f"mode_{m}", lang),
                  key="route_mode", container=sb)  # fmt: skip
    for key, value in (("route_start", DEFAULT_START), ("route_date", date.today()), ("route_optimise", True),
                       ("route_split", False), ("route_day_end", DEFAULT_DAY_END)):  # fmt: skip
        ss.setdefault(key, value)
    start = sb.time_input(tr("routes_start", lang), key="route_start")
    day = sb.date_input(tr("routes_date", lang), key="route_date")
    optimise = sb.checkbox(tr("routes_optimise", lang), key="route_optimise")
    day_end = max_days = None
    if sb.checkbox(tr("routes_split", lang), key="route_split"):
        day_end = sb.time_input(tr("routes_day_end", lang), key="route_day_end").strftime("%H:%M")
        max_days = choice("selectbox", tr("routes_days", lang), DAY_CHOICES, key="route_days", container=sb,
                          format_func=lambda d: str(d) if d else tr("routes_days_any", lang)) or None  # fmt: skip
    with sb.expander(tr("routes_dwell", lang)):
        dwell = tuple((lid, st.number_input(LAYERS[lid].label(lang), 0, 600, DEFAULT_DWELL_MIN[lid], 5,
                                            key=f"route_dwell_{lid}")) for lid in ASSET_LAYERS)  # fmt: skip
    return Choices(theme, tuple(stops), origin, destination, mode, start, day, optimise, day_end, max_days, dwell)


def _url_params(choices: Choices, themes: dict) -> dict[str, str | None]:
    """The route's URL parameters (None: not set, or the default)."""
    theme = choices.theme
    stops = list(choices.stops)
    return {
        "route": "scratch" if theme == SCRATCH else theme,
        "stops": ",".join(stops) if stops != (list(themes[theme].stops) if theme in themes else []) else None,
        "mode": choices.mode if choices.mode != "walk" else None,
        "start": choices.start.strftime("%H:%M") if choices.start != DEFAULT_START else None,
        "date": choices.day.isoformat() if choices.day != date.today() else None,
        "round": "1" if choices.destination == ROUND else None,
        "from": end_param(choices.origin, "origin"),
        "to": end_param(choices.destination, "destination"),
        "day_end": choices.day_end,
        "days": str(choices.max_days) if choices.max_days else None,
        "title": _typed_title(),
    }


def _typed_title() -> str | None:
    """The title typed in the downloads' title box, white space collapsed (None when empty)."""
    return " ".join(str(st.session_state.get("route_title") or "").split()) or None


def _theme_caption(route, lang: str) -> None:
    """Where a theme's route comes from (and that it is only suggested, when not official)."""
    source = route.source_in(lang)
    caption = ("" if route.official else tr("routes_suggested", lang) + " · ") + source_caption(source, lang)
    st.caption(caption, help=display_source(source)[1])


def _plan(ctx: PageContext, city, assets, choices: Choices, graph, network: str | None):
    """The plan's request (the sidebar's choices, the resolved ends, the stop table's overrides) and
    the plan, from the cache when it was made before; (None, None) with a notice when it cannot be
    planned."""
    lang = ctx.lang
    origin = _endpoint(choices.origin, "origin", lang)
    destination = _endpoint(choices.destination, "destination", lang)
    if len(choices.stops) + (origin is not None and origin not in choices.stops) < 2:
        st.info(tr("routes_need_two", lang))
        return None, None
    stop_dwell, stop_hours = _overrides(list(choices.stops))
    request = RouteRequest(
        pack=(ctx.path, ctx.version), network=network, stops=choices.stops, mode=choices.mode,
        start=choices.start.strftime("%H:%M"), day=choices.day, round_trip=choices.destination == ROUND,
        optimise=choices.optimise, dwell_min=choices.dwell_min, origin=origin, destination=destination,
        stop_dwell=tuple(sorted(stop_dwell.items())), stop_hours=tuple(sorted(stop_hours.items())),
        day_end=choices.day_end, max_days=choices.max_days,
    )  # fmt: skip
    plan, problem = _planned(request, city, assets, graph)
    if problem:
        st.error(plain(problem[lang]))
        return None, None
    return request, plan


def _stop_table(assets, choices: Choices, plan: Plan | None, names: dict[str, str], lang: str) -> None:
    """The stop table: the planned stops in visit order, then those the plan could not place."""
    visits = plan.stops.loc[plan.stops["role"] == "stop", "id"].tolist() if plan is not None else []
    ids = [*visits, *(s for s in choices.stops if s not in visits)]
    unplanned = frozenset(ids[len(visits) :]) if plan is not None else frozenset()
    _stop_editor(assets, ids, dict(choices.dwell_min), names, lang, unplanned)


def _summary(plan: Plan, lang: str) -> None:
    """The plan's totals, a line per day and its warnings."""
    st.subheader(totals_text(plan, lang))
    for line in day_lines(plan, lang):
        st.caption(line)
    for warning in plan.warning_lines(lang):
        st.warning(plain(warning))
    if plan.left_out:  # a day limit the stops did not fit in: which were left out, why, what would fit them
        head, *lines = plan.left_out_lines(lang)
        st.warning("\n".join([plain(head), *(f"- {plain(line)}" for line in lines)]))


def _route_map(ctx: PageContext, city, assets, choices: Choices, request: RouteRequest | None, plan: Plan | None):
    """The map: the base map (one per pack), and over it the basemap's layer, the candidates' layer and
    the route's layer, each from the cache when drawn before."""
    lang = ctx.lang
    basemap = session_basemap()
    base = _base_map(ctx.path, ctx.version, vendor_base_url(), city)
    tiles = _basemap_layer(ctx.path, ctx.version, lang, basemap, city)
    candidates = _candidates_script(ctx.path, ctx.version, choices.stops, lang, basemap, assets)
    route = _route_script(ctx.path, ctx.version, request, lang, basemap, city, plan)
    datum = basemap_for(basemap).datum
    _map_section(base, tiles + candidates + route, city, assets, list(choices.stops), datum, lang)


@st.fragment
def _map_section(base: PreparedMap, layers: str, city, assets, stops: list[str], datum: str, lang: str) -> None:
    """What a map click does, and the map: a fragment, so choosing the click mode reruns only this;
    a click that changes the route reruns the page."""
    choice("radio", tr("routes_click_mode", lang), CLICK_MODES, format_func=lambda m: tr(f"routes_click_{m}", lang),
           horizontal=True, key="route_click_mode")  # fmt: skip
    out = show(base, key="route_map", height=520, returned_objects=CLICK_REPORTS, layer=layers)
    _handle_click(out, city, assets, stops, datum, lang)


def _itinerary(plan: Plan, lang: str) -> None:
    """The visit order with times, legs and warnings; each stop named in full (a campus included, as in
    the start box), the warnings in a column wide enough to read them."""
    days = ["day", "date"] if plan.totals["days"] > 1 else []
    warning = "warning_zh" if lang == "zh" else "warning"
    table = plan.stops[["order", *days, "arrival", "departure", "wait_min", "dwell_min", "leg_km", "leg_min",
                        warning]].rename(columns={warning: "warning"})  # fmt: skip
    table.insert(1 + len(days), "name", [full_name(row, lang) for _, row in plan.stops.iterrows()])
    shown = labelled(table, lang).rename(columns={d: tr(f"col_{d}", lang) for d in days})
    wide = {tr("col_warning", lang): st.column_config.TextColumn(width="large")}
    st.dataframe(shown, hide_index=True, column_config=wide)


def _downloads(city, plan: Plan, themes: dict, choices: Choices, lang: str) -> str:
    """The route's title (typed, else :func:`~culturemap.export.route.route_title`'s: the theme's, or the
    start and days) and a button per export format, named ``<city>-<title>-<date>.<fmt>``: each file is
    written when its button is clicked, and a click does not rerun the page. The typed title goes into
    the link (``title=``). Returns the title."""
    default = route_title(themes.get(choices.theme), choices.stops, lang, plan, city)
    st.text_input(tr("routes_title_input", lang), key="route_title", placeholder=default, max_chars=120,
                  help=tr("routes_title_help", lang))  # fmt: skip
    typed = _typed_title()
    if typed != st.query_params.get("title"):  # a fragment's rerun does not rewrite the link
        write_url({**{name: st.query_params.get(name) for name in URL_PARAMS}, "title": typed})
    title = typed or default
    day = plan.stops["date"].iloc[0] if len(plan.stops) else choices.day.isoformat()
    for column, (fmt, writer, mime) in zip(st.columns(len(EXPORTS)), EXPORTS):
        writer = partial(writer, lang=lang) if fmt in ("gpx", "kml") else writer
        column.download_button(tr("routes_download", lang, fmt=fmt.upper()), partial(writer, plan, title),
                               route_file_name(city.config.id, title, day, fmt), mime, key=f"route_download_{fmt}",
                               on_click="ignore")  # fmt: skip
    return title


@st.fragment
def _route_section(
    ctx: PageContext, city, assets, themes: dict, choices: Choices, graph, network: str | None, names: dict[str, str]
) -> None:
    """The route: the stop table, the plan's totals, the map, the itinerary and the downloads.

    A fragment: an edit in the stop table reruns only this section (the whole page when it removes
    a stop, for the sidebar's list and the link).
    """
    lang = ctx.lang
    if _take_table_edits(names, lang):
        st.rerun()
    notice = st.session_state.pop("_route_notice", None)
    if notice:
        st.toast(notice)
    table_box = st.container()  # above the plan's notices, drawn once the visit order is known
    request, plan = _plan(ctx, city, assets, choices, graph, network)
    if choices.stops:
        with table_box:
            _stop_table(assets, choices, plan, names, lang)
    summary_box = st.container()  # one element whatever the summary holds: the map after it keeps its place
    if plan is not None:
        with summary_box:
            _summary(plan, lang)
    _route_map(ctx, city, assets, choices, request, plan)
    if plan is not None:
        _itinerary(plan, lang)
        title = _downloads(city, plan, themes, choices, lang)
        route_reports(city, plan, title, choices.theme if choices.theme in themes else None, request, lang)
    route_export(ctx, city, assets, choices, request, plan)


@st.fragment
def route_export(ctx: PageContext, city, assets, choices: Choices, request: RouteRequest | None, plan: Plan | None):
    """The page's "Export" panel: the route map as shown (view snapshot) at a chosen size and scale
    (the route's files are the download buttons above)."""
    lang = ctx.lang
    if not (panel := folded_panel("route_export", lang)):
        return
    basemap = session_basemap()
    with panel:
        choice = view_options("route_export", lang, ExportChoice(fmt=VIEW))
        asked = (ctx.path, ctx.version, request, choices.stops, lang, basemap, choice)
        name = filing_name(city.config.id, "route-view", "png", (choices.theme if choices.theme != SCRATCH else "",))

        def build() -> PreparedFile:
            from culturemap.export.analysis import route_map
            from culturemap.export.view import ViewFigure, figure_source

            fmap = route_map(city, plan, assets[~assets["id"].isin(choices.stops)], lang, basemap)
            theme = next((r for r in city.routes if r.id == choices.theme), None)
            title = route_title(theme, choices.stops, lang, plan, city, st.session_state.get("route_title"))
            source = figure_source(city, assets[assets["id"].isin(choices.stops)], lang)
            return view_file(fmap, name, choice, lang, ViewFigure(title, source=source, lang=lang))

        prepare_and_download("route_export", lang, asked, tr("export_fmt_view", lang), build)


def routes_page() -> None:
    """The page: theme and stops from the URL and the sidebar (a pending map click applied first), the road
    network, then the route section (stop table, totals, map, itinerary, downloads, export)."""
    ctx = page_context()
    lang = ctx.lang
    city, assets = ctx.load()
    themes = {r.id: r for r in city.routes}
    names, labels = _asset_labels(ctx.path, ctx.version, lang, assets)
    _apply_pending()
    read_url(city, themes, set(names), lang)
    st.title(tr("routes_title", lang, city=city.config.name(lang)))
    choices = _sidebar(assets, themes, labels, lang, city.config.theme_label)
    graph, network = road_network(city, lang)
    write_url(_url_params(choices, themes))
    if choices.theme in themes:
        _theme_caption(themes[choices.theme], lang)
    _route_section(ctx, city, assets, themes, choices, graph, network, names)
