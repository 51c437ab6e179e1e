"""The "Routes" page: pick a theme or start from scratch, order and time the stops, export.

Stops are added and removed with the sidebar list, by clicking assets on the map, or by unticking
them in the stop table, where the time per stop and the opening hours can be edited. A map click
can also set the start or the end point. Widget values are only changed before the widgets are
drawn: a map click or a table edit is stored as a pending change and applied on the rerun.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date, time
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from culturemap.crs import from_wgs84, to_wgs84
from culturemap.export.route import to_csv, to_geojson, to_gpx, to_kml
from culturemap.i18n import MESSAGES, tr
from culturemap.layers import ASSET_LAYERS, LAYERS, THEMES
from culturemap.render.assets import localise_assets
from culturemap.render.basemaps import BASEMAPS, DEFAULT_BASEMAP
from culturemap.render.folium_map import feature_name, route_map
from culturemap.routing.itinerary import DEFAULT_DWELL_MIN, plan_route
from culturemap.routing.network import load_graph, pack_network
from culturemap.routing.travel import MODES
from culturemap.ui.analysis_page import labelled
from culturemap.ui.app import page_context, vendor_base_url

SCRATCH = "__scratch__"
FIRST, FREE, ROUND, ON_MAP = "__first__", "__free__", "__round__", "__map__"
CLICK_MODES = ("toggle", "origin", "destination")
CLICK_TOLERANCE_DEG = 1e-5  # a clicked marker reports its own position (to float precision)
EXPORTS = (("gpx", to_gpx, "application/gpx+xml"), ("kml", to_kml, "application/vnd.google-earth.kml+xml"),
           ("geojson", to_geojson, "application/geo+json"), ("csv", to_csv, "text/csv"))  # fmt: skip


def method_label(method: str, lang: str) -> str:
    """How the order was found, in ``lang`` (the solver's own name when there is no translation)."""
    return tr(f"method_{method}", lang) if f"method_{method}" in MESSAGES else method


def printable_html(plan, title: str, lang: str) -> str:
    """A self-contained, printable itinerary page (every value escaped)."""
    name = "name_zh" if lang == "zh" else "name_en"
    head = "".join(f"<th>{escape(h)}</th>" for h in ("#", tr("col_name", lang), "→", "←", "km", "min", "⚠"))
    rows = "".join(
        f"<tr><td>{r['order']}</td><td>{escape(str(r[name]))}</td><td>{r['arrival']}</td><td>{r['departure']}</td>"
        f"<td>{r['leg_km']:.2f}</td><td>{r['leg_min']:.0f}</td><td>{escape(r['warning'])}</td></tr>"
        for r in plan.stops.to_dict("records")
    )
    how = tr("routes_how_estimated" if plan.estimated else "routes_how_network", lang)
    t = plan.totals
    summary = tr("routes_totals", lang, n=len(plan.stops), km=t["distance_km"], travel=t["travel_min"], start=t["start"],
                 end=t["end"], how=how, method=method_label(plan.method, lang))  # fmt: skip
    return (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{escape(title)}</title>'
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:4px 8px}</style>"
        f"<h1>{escape(title)}</h1><p>{escape(summary)}</p><table><tr>{head}</tr>{rows}</table></html>"
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def _graph(path: str, stamp: str):
    """A road graph read once per file version (``stamp``: mtime or content hash)."""
    return load_graph(path)


def _uploaded_graph(upload):
    """Save an uploaded network under its own suffix and read it (cached by content)."""
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    name = upload.name.lower()
    suffix = ".osm.pbf" if name.endswith(".pbf") else Path(name).suffix
    folder = Path(tempfile.gettempdir()) / "culturemap-networks"
    folder.mkdir(exist_ok=True)
    path = folder / f"{digest[:16]}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return _graph(str(path), digest)


def _network(city, lang: str):
    """The road graph for routing: an uploaded file, else the pack's, else None (estimated times)."""
    with st.sidebar.expander(tr("routes_network", lang)):
        upload = st.file_uploader(
            tr("routes_network_upload", lang), type=["pbf", "osm", "xml", "graphml"], key="route_network_upload"
        )
        shipped = pack_network(city.path)
        source = upload.name if upload is not None else shipped.name if shipped else None
        if source is None:
            st.caption(tr("routes_network_none", lang))
            return None
        try:
            with st.spinner(tr("routes_network_loading", lang, file=source)):
                graph = (
                    _uploaded_graph(upload)
                    if upload is not None
                    else _graph(str(shipped), str(shipped.stat().st_mtime_ns))
                )
        except ValueError as exc:
            st.error(str(exc).replace(str(Path(tempfile.gettempdir())), "…"))
            return None
        if upload is None:
            st.caption(tr("routes_network_pack", lang, file=shipped.name))
        st.caption(tr("routes_network_loaded", lang, file=source, nodes=graph.number_of_nodes(),
                      edges=graph.number_of_edges()))  # fmt: skip
        return graph


def _clicked_asset(assets, click: dict, datum: str) -> str | None:
    """The id of the asset whose marker or circle was clicked (markers report their own position)."""
    points = assets.geometry.representative_point()
    x, y = from_wgs84(points.x.to_numpy(), points.y.to_numpy(), datum)
    offset = np.hypot(x - click["lng"], y - click["lat"])
    best = int(np.argmin(offset))
    return str(assets["id"].iloc[best]) if offset[best] < CLICK_TOLERANCE_DEG else None


def _apply_pending() -> None:
    """Apply a change made by a map click or the stop table on the previous run, before the widgets exist."""
    pending = st.session_state.pop("_route_pending", None)
    if not pending:
        return
    for key, value in pending.items():
        st.session_state[key] = value


def _handle_click(out: dict, map_key: str, city, assets, stops: list[str], datum: str, lang: str) -> None:
    """Turn a new map click into a pending change (add/remove a stop, set the start or end) and rerun.

    Clicks are told apart per map: each change of the route draws a new map (``map_key``), so a
    click on the same spot as the previous one (e.g. removing the stop just added) still counts.
    """
    obj, spot = (out or {}).get("last_object_clicked"), (out or {}).get("last_clicked")
    signature = repr((map_key, obj, spot))
    if signature == st.session_state.get("_route_last_click") or not (obj or spot):
        return
    st.session_state["_route_last_click"] = signature
    mode = st.session_state.get("route_click_mode", "toggle")
    asset = _clicked_asset(assets, obj, datum) if obj else None
    names = dict(zip(assets["id"], assets.apply(lambda r: feature_name(r, lang), axis=1)))
    pending: dict = {}
    if mode == "toggle" and asset:
        if asset in stops:
            pending["route_stops"] = [s for s in stops if s != asset]
            st.session_state["_route_notice"] = tr("routes_clicked_removed", lang, name=names[asset])
        else:
            pending["route_stops"] = [*stops, asset]
            st.session_state["_route_notice"] = tr("routes_clicked_added", lang, name=names[asset])
    elif mode in ("origin", "destination"):
        key = f"route_{mode}"
        if asset:
            pending[key] = asset
        elif spot:
            lon, lat = (float(v[0]) for v in to_wgs84([spot["lng"]], [spot["lat"]], datum))
            if not city.config.in_bbox(lon, lat):
                st.error(tr("routes_point_outside", lang, lon=lon, lat=lat, city=city.config.name(lang)))
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


def editor_key(stops: list[str]) -> str:
    """The stop table's widget key: a new table (and no stale edits) whenever the stops change."""
    return f"route_editor_{hashlib.sha1('|'.join(stops).encode()).hexdigest()[:10]}"


def _stop_editor(assets, stops: list[str], dwell: dict[str, int], lang: str):
    """The editable stop table; returns per-stop visit minutes and opening hours, and queues removals."""
    by_id = assets.set_index("id")
    overrides = st.session_state.setdefault("_route_overrides", {})
    defaults = {}  # per stop: the category's visit minutes and the data's opening hours ("" when unknown)
    for fid in stops:
        hours = by_id.loc[fid].get("opening_hours")
        defaults[fid] = (dwell.get(by_id.loc[fid, "layer"], 30), hours if isinstance(hours, str) else "")
    rows = []
    for fid in stops:
        saved = overrides.get(fid, {})
        rows.append({
            "keep": True,
            "name": feature_name(by_id.loc[fid], lang),
            "dwell_min": int(saved.get("dwell", defaults[fid][0])),
            "opening_hours": saved.get("hours", defaults[fid][1]),
        })  # fmt: skip
    st.caption(tr("routes_editor", lang))
    edited = st.data_editor(
        pd.DataFrame(rows, index=stops),
        hide_index=True,
        width="stretch",
        disabled=["name"],
        num_rows="fixed",
        column_config={
            "keep": st.column_config.CheckboxColumn(tr("routes_keep", lang), width="small"),
            "name": st.column_config.TextColumn(tr("col_name", lang)),
            "dwell_min": st.column_config.NumberColumn(tr("col_dwell_min", lang), min_value=0, max_value=600, step=5),
            "opening_hours": st.column_config.TextColumn(tr("col_opening_hours", lang)),
        },
        key=editor_key(stops),
    )
    stop_dwell, stop_hours = {}, {}
    for fid, row in edited.iterrows():
        default_dwell, data_hours = defaults[fid]
        hours = (row["opening_hours"] or "").strip()
        saved = {}
        if pd.notna(row["dwell_min"]) and int(row["dwell_min"]) != default_dwell:
            saved["dwell"] = stop_dwell[fid] = int(row["dwell_min"])
        if hours != data_hours:
            saved["hours"] = hours
            stop_hours[fid] = hours or None
        overrides[fid] = saved
    dropped = [fid for fid, keep in edited["keep"].items() if not keep]
    if dropped:
        st.session_state["_route_pending"] = {"route_stops": [s for s in stops if s not in dropped]}
        st.rerun()
    return stop_dwell, stop_hours


def routes_page() -> None:
    ctx = page_context()
    lang = ctx.lang
    city, assets = ctx.load()
    _apply_pending()
    st.title(tr("routes_title", lang, city=city.config.name(lang)))
    sb = st.sidebar
    themes = {r.id: r for r in city.routes}
    choice = sb.selectbox(
        tr("routes_theme", lang),
        [*themes, SCRATCH],
        format_func=lambda rid: tr("routes_scratch", lang) if rid == SCRATCH else themes[rid].title(lang),
        key="route_theme",
    )
    names = {
        fid: f"{feature_name(row, lang)} · {LAYERS[row['layer']].label(lang)}"
        for fid, row in assets.set_index("id").iterrows()
    }
    if st.session_state.get("_route_theme_loaded") != choice:  # a new theme loads its stops
        st.session_state["route_stops"] = list(themes[choice].stops) if choice in themes else []
        st.session_state["_route_theme_loaded"] = choice

    def add_tagged() -> None:
        tag = st.session_state["route_tag"]
        tagged = [fid for fid, tags in zip(assets["id"], assets["themes"]) if tag in (tags or [])]
        st.session_state["route_stops"] += [fid for fid in tagged if fid not in st.session_state["route_stops"]]
        st.session_state["route_tag"] = ""

    sb.selectbox(tr("routes_candidates", lang), ["", *THEMES.values], format_func=lambda t: THEMES.label(t, lang) if t else "—",
                 key="route_tag", on_change=add_tagged)  # fmt: skip
    stops = sb.multiselect(tr("routes_stops", lang), list(names), format_func=lambda fid: names[fid], key="route_stops")
    others = sorted(names, key=names.get)
    labels = {FIRST: tr("routes_origin_first", lang), ON_MAP: tr("routes_origin_map", lang),
              FREE: tr("routes_destination_free", lang), ROUND: tr("routes_destination_round", lang), **names}  # fmt: skip
    origin_choice = sb.selectbox(tr("routes_origin", lang), [FIRST, ON_MAP, *others], format_func=labels.get,
                                 key="route_origin")  # fmt: skip
    destination_choice = sb.selectbox(tr("routes_destination", lang), [FREE, ROUND, ON_MAP, *others],
                                      format_func=labels.get, key="route_destination")  # fmt: skip
    mode = sb.selectbox(
        tr("routes_mode", lang), list(MODES), format_func=lambda m: tr(f"mode_{m}", lang), key="route_mode"
    )
    start = sb.time_input(tr("routes_start", lang), time(9, 0), key="route_start")
    day = sb.date_input(tr("routes_date", lang), date.today(), key="route_date")
    optimise = sb.checkbox(tr("routes_optimise", lang), value=True, key="route_optimise")
    with sb.expander(tr("routes_dwell", lang)):
        dwell = {lid: st.number_input(LAYERS[lid].label(lang), 0, 600, DEFAULT_DWELL_MIN[lid], 5, key=f"route_dwell_{lid}")
                 for lid in ASSET_LAYERS}  # fmt: skip
    graph = _network(city, lang)

    if choice in themes and not themes[choice].official:
        st.caption(tr("routes_suggested", lang) + " · " + themes[choice].source)
    notice = st.session_state.pop("_route_notice", None)
    if notice:
        st.toast(notice)
    st.radio(tr("routes_click_mode", lang), CLICK_MODES, format_func=lambda m: tr(f"routes_click_{m}", lang),
             horizontal=True, key="route_click_mode")  # fmt: skip
    basemap = st.session_state.get("basemap", "osm")
    origin = _endpoint(origin_choice, "origin", lang)
    destination = _endpoint(destination_choice, "destination", lang)
    plan, stop_dwell, stop_hours = None, {}, {}
    if stops:
        stop_dwell, stop_hours = _stop_editor(assets, stops, dwell, lang)
    if len(stops) + (origin is not None and origin not in stops) < 2:
        st.info(tr("routes_need_two", lang))
    else:
        try:
            plan = plan_route(
                city, stops, mode, start.strftime("%H:%M"), day, destination_choice == ROUND, optimise=optimise,
                dwell_min=dwell, graph=graph, origin=origin, destination=destination, stop_dwell=stop_dwell,
                stop_hours=stop_hours,
            )  # fmt: skip
        except ValueError as exc:
            st.error(str(exc))
    if plan is not None:
        t = plan.totals
        how = tr("routes_how_estimated" if plan.estimated else "routes_how_network", lang)
        st.subheader(tr("routes_totals", lang, n=len(plan.stops), km=t["distance_km"], travel=t["travel_min"],
                        start=t["start"], end=t["end"], how=how, method=method_label(plan.method, lang)))  # fmt: skip
        for warning in plan.warnings:
            st.warning(warning)
    fmap = route_map(city, plan, lang, basemap, candidates=assets[~assets["id"].isin(stops)])
    localise_assets(fmap, vendor_base_url())
    state = hashlib.sha1(repr((stops, origin, destination)).encode()).hexdigest()[:10]
    map_key = f"route_map_{state}"
    out = st_folium(fmap, height=520, use_container_width=True, returned_objects=["last_object_clicked", "last_clicked"],
                    key=map_key)  # fmt: skip
    _handle_click(out, map_key, city, assets, stops, BASEMAPS.get(basemap, BASEMAPS[DEFAULT_BASEMAP]).datum, lang)
    if plan is None:
        return
    name = "name_zh" if lang == "zh" else "name_en"
    table = plan.stops[["order", name, "arrival", "departure", "wait_min", "dwell_min", "leg_km", "leg_min", "warning"]]
    st.dataframe(labelled(table, lang), hide_index=True)
    title = themes[choice].title(lang) if choice in themes else "culturemap route"
    columns = st.columns(len(EXPORTS) + 1)
    for column, (fmt, writer, mime) in zip(columns, EXPORTS):
        column.download_button(tr("routes_download", lang, fmt=fmt.upper()), writer(plan, title), f"{choice}.{fmt}", mime,
                               key=f"route_download_{fmt}")  # fmt: skip
    columns[-1].download_button(tr("routes_printable", lang), printable_html(plan, title, lang), f"{choice}.html", "text/html",
                                key="route_download_html")  # fmt: skip
