"""The "Routes" page: pick a theme or start from scratch, order and time the stops, export.

Stops are added and removed with the sidebar list, by clicking assets on the map, or by unticking
them in the stop table, where the time per stop and the opening hours can be edited. A map click
can also set the start or the end point. Widget values are only changed before the widgets are
drawn: a map click is stored as a pending change and applied on the rerun, and the stop table's
edits are taken at the start of the next run, attached to stop ids (the table follows the planned
visit order, so its row positions change).

The route is mirrored in the URL so it can be shared and survives a reload: ``route`` (theme id or
``scratch``), ``stops`` (comma-separated ids), ``mode``, ``start`` and ``day_end`` (HH:MM),
``date`` (YYYY-MM-DD), ``round`` (1), ``from``/``to`` (an asset id or ``LON,LAT`` in WGS-84) and
``days``. Values that do not fit are dropped with a notice naming the parameter.
"""

from __future__ import annotations

import hashlib
import math
import re
import tempfile
import threading
from datetime import date, time
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

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
from culturemap.render.folium_map import display_source, feature_name, route_map
from culturemap.routing.errors import RouteError
from culturemap.routing.itinerary import DEFAULT_DWELL_MIN, plan_route
from culturemap.routing.network import load_graph, pack_network
from culturemap.routing.travel import MODES
from culturemap.ui.analysis_page import labelled
from culturemap.ui.app import page_context, vendor_base_url
from culturemap.ui.widgets import choice

SCRATCH = "__scratch__"
FIRST, FREE, ROUND, ON_MAP = "__first__", "__free__", "__round__", "__map__"
CLICK_MODES = ("toggle", "origin", "destination")
CLICK_TOLERANCE_DEG = 1e-5  # a clicked marker reports its own position (to float precision)
DEFAULT_START, DEFAULT_DAY_END = time(9, 0), time(18, 0)
DAY_CHOICES = (0, 1, 2, 3, 4, 5, 6, 7)  # at most this many days; 0: as many as the stops need
URL_PARAMS = ("route", "stops", "mode", "start", "date", "round", "from", "to", "day_end", "days")
# an uploaded road network is parsed from a temporary copy, one at a time, and only the graph is kept
# (at most 4 graphs, see _parsed_upload); `server.maxUploadSize` in .streamlit/config.toml may match this
NETWORK_UPLOAD_LIMIT_MB = 100
_PARSE_LOCK = threading.Lock()
EXPORTS = (("gpx", to_gpx, "application/gpx+xml"), ("kml", to_kml, "application/vnd.google-earth.kml+xml"),
           ("geojson", to_geojson, "application/geo+json"), ("csv", to_csv, "text/csv"))  # fmt: skip


def method_label(method: str, lang: str) -> str:
    """How the order was found, in ``lang`` (the solver's own name when there is no translation)."""
    return tr(f"method_{method}", lang) if f"method_{method}" in MESSAGES else method


def _totals_text(plan, lang: str) -> str:
    """One line: stops, km, minutes travelling, start-end, how the times and the order were found, days."""
    t = plan.totals
    how = tr("routes_how_estimated" if plan.estimated else "routes_how_network", lang)
    start, end = t["start"], t["end"]
    if t["days"] > 1:  # the first day's start and the last day's end, with their dates
        start, end = f"{t['per_day'][0]['date']} {start}", f"{t['end_date']} {end}"
    text = tr("routes_totals", lang, n=len(plan.stops), km=t["distance_km"], travel=t["travel_min"], start=start,
              end=end, how=how, method=method_label(plan.method, lang))  # fmt: skip
    return text + (" · " + tr("routes_days_total", lang, days=t["days"]) if t["days"] > 1 else "")


def _day_lines(plan, lang: str) -> list[str]:
    """A line per day (date, stops, km, minutes travelling, start-end) when the plan has several."""
    days = plan.totals["per_day"]
    return [tr("routes_day_line", lang, **day) for day in days] if len(days) > 1 else []


def printable_html(plan, title: str, lang: str) -> str:
    """A self-contained, printable itinerary page (every value escaped)."""
    days = plan.totals["days"] > 1
    columns = ["order", *(["day"] if days else []), "name_zh" if lang == "zh" else "name_en", "arrival", "departure",
               "leg_km", "leg_min", "warning"]  # fmt: skip
    formats = {"leg_km": "{:.2f}", "leg_min": "{:.0f}"}
    head = "".join(
        f"<th>{escape(h)}</th>"
        for h in ("#", *([tr("col_day", lang)] if days else []), tr("col_name", lang), "→", "←", "km", "min", "⚠")
    )
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(formats.get(c, '{}').format(r[c]))}</td>" for c in columns) + "</tr>"
        for r in plan.stops.to_dict("records")
    )
    summary = "".join(f"<p>{escape(line)}</p>" for line in [_totals_text(plan, lang), *_day_lines(plan, lang)])
    return (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{escape(title)}</title>'
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:4px 8px}</style>"
        f"<h1>{escape(title)}</h1>{summary}<table><tr>{head}</tr>{rows}</table></html>"
    )


def source_caption(source: str, lang: str) -> str:
    """A route's ``source`` for the caption, labelled in ``lang``: a URL as a link showing its host
    and file name, a file path as ``…/<file name>``, other text as written (the first clause)."""
    short, full = display_source(source)
    url = urlparse(full)
    if url.scheme in ("http", "https") and url.netloc and " " not in full:
        name = PurePosixPath(url.path).name
        short = f"[{url.netloc}{'/…/' + name if name else ''}]({full})"
    return tr("routes_source", lang, source=short)


@st.cache_resource(max_entries=4, show_spinner=False)
def _graph(path: str, stamp: str):
    """A road graph read once per file version (``stamp``: the file's mtime)."""
    return load_graph(path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _parsed_upload(digest: str, name: str, _data: bytes):
    """The road graph in an uploaded file, cached by content (``digest``: SHA-256 of ``_data``).

    The bytes are written to a temporary folder only while they are parsed (one upload at a time)
    and deleted right after: nothing of an upload stays on disk.
    """
    suffix = ".osm.pbf" if name.lower().endswith(".pbf") else Path(name).suffix.lower()
    with _PARSE_LOCK, tempfile.TemporaryDirectory(prefix="culturemap-network-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(_data)
        return load_graph(path, shown=name)


def _uploaded_graph(upload, lang: str):
    """The graph of an upload, or None (and an error in ``lang``) when it is over the size limit."""
    size_mb = upload.size / 2**20
    if size_mb > NETWORK_UPLOAD_LIMIT_MB:
        st.error(tr("too_large", lang, file=upload.name, size_mb=size_mb, limit_mb=NETWORK_UPLOAD_LIMIT_MB))
        return None
    ss = st.session_state
    if ss.get("_route_upload", (None,))[0] != upload.file_id:  # hash each upload once, not on every rerun
        ss["_route_upload"] = (upload.file_id, hashlib.sha256(upload.getvalue()).hexdigest())
    return _parsed_upload(ss["_route_upload"][1], upload.name, upload.getvalue())


def _network(city, lang: str):
    """The road graph for routing: an uploaded file, else the pack's, else None (estimated times)."""
    with st.sidebar.expander(tr("routes_network", lang)):
        upload = st.file_uploader(tr("routes_network_upload", lang), type=["pbf", "osm", "xml", "graphml"],
                                  key="route_network_upload", max_upload_size=NETWORK_UPLOAD_LIMIT_MB)  # fmt: skip
        shipped = pack_network(city.path)
        source = upload.name if upload is not None else shipped.name if shipped else None
        if source is None:
            st.caption(tr("routes_network_none", lang))
            return None
        try:
            with st.spinner(tr("routes_network_loading", lang, file=source)):
                graph = (
                    _uploaded_graph(upload, lang)
                    if upload is not None
                    else _graph(str(shipped), str(shipped.stat().st_mtime_ns))
                )
        except RouteError as exc:
            st.error(exc.message(lang))
            return None
        if graph is None:
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
    """Apply a change made by a map click on the previous run, before the widgets exist."""
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


def _clock(text: str) -> time | None:
    """``HH:MM`` as a time, None when it is not one."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    return time(int(match[1]), int(match[2])) if match and int(match[1]) < 24 and int(match[2]) < 60 else None


def parse_route_params(
    params: dict[str, str], themes: list[str], asset_ids: set[str], in_bbox
) -> tuple[dict, list[str]]:
    """Read the route's URL parameters (see the module docstring) into widget values.

    ``themes`` are the route ids, ``asset_ids`` the ids a stop or an end may take, ``in_bbox(lon,
    lat)`` tells a point in the city. Returns (values by parameter, ``name=value`` items ignored).
    """
    values, ignored = {}, []

    def end(text: str):
        if text in asset_ids:
            return text
        try:
            lon, lat = (float(v) for v in text.split(","))
        except ValueError:
            return None
        return (round(lon, 6), round(lat, 6)) if in_bbox(lon, lat) else None

    readers = {
        "route": lambda v: SCRATCH if v == "scratch" else v if v in themes else None,
        "mode": lambda v: v if v in MODES else None,
        "start": _clock,
        "day_end": _clock,
        "date": lambda v: date.fromisoformat(v) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else None,
        "round": lambda v: True if v == "1" else None,
        "from": end,
        "to": end,
        "days": lambda v: int(v) if v.isdigit() and int(v) in DAY_CHOICES[1:] else None,
    }
    for name, text in params.items():
        if name == "stops":
            values["stops"] = []
            for fid in (v.strip() for v in text.split(",") if v.strip()):
                if fid in asset_ids and fid not in values["stops"]:
                    values["stops"].append(fid)
                else:
                    ignored.append(f"stops={fid}")
        elif name in readers:
            try:
                value = readers[name](text.strip())
            except ValueError:  # a date that does not exist
                value = None
            if value is None:
                ignored.append(f"{name}={text}")
            else:
                values[name] = value
    if values.get("round") and "to" in values:
        ignored.append(f"to={params['to']}")  # a round trip ends at the start
        del values["to"]
    return values, ignored


def _read_url(city, themes: dict, asset_ids: set[str], lang: str) -> None:
    """Seed the route widgets from the URL once per session, with a notice per value dropped."""
    ss = st.session_state
    if ss.get("_route_url_read"):
        return
    ss["_route_url_read"] = True
    mine = {name: str(st.query_params[name]) for name in URL_PARAMS if name in st.query_params}
    values, ignored = parse_route_params(mine, list(themes), asset_ids, city.config.in_bbox)
    for item in ignored:
        st.toast(tr("app_url_ignored", lang, item=item))
    if "route" in values:
        ss["route_theme"] = values["route"]
    if "stops" in values:
        ss["route_stops"] = values["stops"]
        ss["_route_theme_loaded"] = ss.get("route_theme", next(iter(themes), SCRATCH))
    for name, key in (("mode", "route_mode"), ("start", "route_start"), ("date", "route_date"),
                      ("day_end", "route_day_end"), ("days", "route_days")):  # fmt: skip
        if name in values:
            ss[key] = values[name]
    if "day_end" in values or "days" in values:
        ss["route_split"] = True
    if values.get("round"):
        ss["route_destination"] = ROUND
    for name, role in (("from", "origin"), ("to", "destination")):
        if isinstance(values.get(name), tuple):
            ss[f"_route_{role}_point"], ss[f"route_{role}"] = values[name], ON_MAP
        elif name in values:
            ss[f"route_{role}"] = values[name]


def _write_url(params: dict[str, str | None]) -> None:
    """Put the route's parameters in the URL (None: not set, or the default) and leave the others."""
    for name in URL_PARAMS:
        if params.get(name) is not None:
            if st.query_params.get(name) != params[name]:
                st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


def _end_param(choice: str, role: str) -> str | None:
    """The URL form of a start/end choice: an asset id, ``LON,LAT`` for a map point, else None."""
    if choice == ON_MAP:
        point = st.session_state.get(f"_route_{role}_point")
        return f"{point[0]:.6f},{point[1]:.6f}" if point else None
    return None if choice in (FIRST, FREE, ROUND) else choice


def _take_table_edits(names: dict[str, str], lang: str) -> None:
    """Copy the stop table's edits into the per-stop overrides, by stop id, before any widget is drawn.

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
        return
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
                kept.append(names.get(fid, fid))
        if "opening_hours" in change:
            hours = change["opening_hours"]
            entry["hours"] = hours.strip() if isinstance(hours, str) else ""
    if dropped:
        ss["route_stops"] = [s for s in ss.get("route_stops", []) if s not in dropped]
    if kept:
        ss["_route_editor_gen"] = ss.get("_route_editor_gen", 0) + 1
        ss["_route_notice"] = tr("routes_dwell_kept", lang, names="、".join(kept) if lang == "zh" else ", ".join(kept))


def _overrides(stops: list[str]) -> tuple[dict[str, float], dict[str, str | None]]:
    """The visit minutes and opening hours set in the stop table for ``stops`` (by stop id)."""
    saved = st.session_state.get("_route_overrides", {})
    entries = {fid: saved[fid] for fid in stops if fid in saved}
    dwell = {fid: e["dwell"] for fid, e in entries.items() if "dwell" in e}
    hours = {fid: e["hours"] or None for fid, e in entries.items() if "hours" in e}
    return dwell, hours


def _stop_editor(assets, ids: list[str], dwell: dict[str, int], lang: str) -> None:
    """The editable stop table, rows in ``ids`` order (the visit order); edits are read next run."""
    by_id = assets.set_index("id")
    stop_dwell, stop_hours = _overrides(ids)
    rows = []
    for fid in ids:
        stop = by_id.loc[fid]
        data_hours = stop.get("opening_hours") if isinstance(stop.get("opening_hours"), str) else ""
        rows.append({
            "keep": True,
            "name": feature_name(stop, lang),
            "dwell_min": int(stop_dwell.get(fid, dwell.get(stop["layer"], 30))),
            "opening_hours": stop_hours.get(fid, data_hours) or "",
        })  # fmt: skip
    ss = st.session_state
    key = "route_editor_" + hashlib.sha1(f"{'|'.join(ids)}#{ss.get('_route_editor_gen', 0)}".encode()).hexdigest()[:10]
    ss["_route_editor"] = (key, ids)
    st.caption(tr("routes_editor", lang))
    st.data_editor(
        pd.DataFrame(rows, index=ids),
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
        key=key,
    )


def _plan(city, stops: list[str], lang: str, **kwargs):
    """plan_route, or None with the reason shown in ``lang`` (no traceback) when it cannot plan."""
    try:
        return plan_route(city, stops, **kwargs)
    except ValueError as exc:  # RouteError for what a user can get wrong; any other ValueError as it reads
        st.error(exc.message(lang) if isinstance(exc, RouteError) else str(exc))
        return None


def routes_page() -> None:
    ctx = page_context()
    lang = ctx.lang
    city, assets = ctx.load()
    ss = st.session_state
    themes = {r.id: r for r in city.routes}
    names = {fid: feature_name(row, lang) for fid, row in assets.set_index("id").iterrows()}
    _apply_pending()
    _read_url(city, themes, set(names), lang)
    _take_table_edits(names, lang)
    st.title(tr("routes_title", lang, city=city.config.name(lang)))
    sb = st.sidebar
    theme = choice("selectbox", tr("routes_theme", lang), [*themes, SCRATCH], key="route_theme", container=sb,
                   format_func=lambda rid: tr("routes_scratch", lang) if rid == SCRATCH else themes[rid].title(lang))  # fmt: skip
    labels = {fid: f"{names[fid]} · {LAYERS[layer].label(lang)}" for fid, layer in zip(assets["id"], assets["layer"])}
    if ss.get("_route_theme_loaded") != theme:  # a new theme loads its stops
        ss["route_stops"] = list(themes[theme].stops) if theme in themes else []
        ss["_route_theme_loaded"] = theme

    def add_tagged() -> None:
        tag = ss["route_tag"]
        tagged = [fid for fid, tags in zip(assets["id"], assets["themes"]) if tag in (tags or [])]
        ss["route_stops"] = ss.get("route_stops", []) + [fid for fid in tagged if fid not in ss.get("route_stops", [])]
        ss["route_tag"] = ""

    choice("selectbox", tr("routes_candidates", lang), ["", *THEMES.values], key="route_tag", container=sb,
           format_func=lambda t: THEMES.label(t, lang) if t else "—", on_change=add_tagged)  # fmt: skip
    stops = choice("multiselect", tr("routes_stops", lang), list(labels), format_func=labels.get, key="route_stops",
                   container=sb)  # fmt: skip
    others = sorted(labels, key=labels.get)
    ends = {FIRST: tr("routes_origin_first", lang), ON_MAP: tr("routes_origin_map", lang),
            FREE: tr("routes_destination_free", lang), ROUND: tr("routes_destination_round", lang), **labels}  # fmt: skip
    origin_choice = choice("selectbox", tr("routes_origin", lang), [FIRST, ON_MAP, *others], format_func=ends.get,
                           key="route_origin", container=sb)  # fmt: skip
    destination_choice = choice("selectbox", tr("routes_destination", lang), [FREE, ROUND, ON_MAP, *others],
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
        dwell = {lid: st.number_input(LAYERS[lid].label(lang), 0, 600, DEFAULT_DWELL_MIN[lid], 5, key=f"route_dwell_{lid}")
                 for lid in ASSET_LAYERS}  # fmt: skip
    graph = _network(city, lang)
    _write_url({
        "route": "scratch" if theme == SCRATCH else theme,
        "stops": ",".join(stops) if stops != (list(themes[theme].stops) if theme in themes else []) else None,
        "mode": mode if mode != "walk" else None,
        "start": start.strftime("%H:%M") if start != DEFAULT_START else None,
        "date": day.isoformat() if day != date.today() else None,
        "round": "1" if destination_choice == ROUND else None,
        "from": _end_param(origin_choice, "origin"),
        "to": _end_param(destination_choice, "destination"),
        "day_end": day_end,
        "days": str(max_days) if max_days else None,
    })  # fmt: skip

    if theme in themes:
        route = themes[theme]
        caption = ("" if route.official else tr("routes_suggested", lang) + " · ") + source_caption(route.source, lang)
        st.caption(caption, help=display_source(route.source)[1])
    notice = ss.pop("_route_notice", None)
    if notice:
        st.toast(notice)
    choice("radio", tr("routes_click_mode", lang), CLICK_MODES, format_func=lambda m: tr(f"routes_click_{m}", lang),
           horizontal=True, key="route_click_mode")  # fmt: skip
    editor_box = st.container()
    basemap = ss.get("basemap", "osm")
    origin = _endpoint(origin_choice, "origin", lang)
    destination = _endpoint(destination_choice, "destination", lang)
    plan = None
    if len(stops) + (origin is not None and origin not in stops) < 2:
        st.info(tr("routes_need_two", lang))
    else:
        stop_dwell, stop_hours = _overrides(stops)
        plan = _plan(
            city, stops, lang, mode=mode, start=start.strftime("%H:%M"), day=day, round_trip=destination_choice == ROUND,
            optimise=optimise, dwell_min=dwell, graph=graph, origin=origin, destination=destination,
            stop_dwell=stop_dwell, stop_hours=stop_hours, day_end=day_end, max_days=max_days,
        )  # fmt: skip
    if stops:
        visits = plan.stops.loc[plan.stops["role"] == "stop", "id"].tolist() if plan is not None else []
        with editor_box:
            _stop_editor(assets, [*visits, *(s for s in stops if s not in visits)], dwell, lang)
    if plan is not None:
        st.subheader(_totals_text(plan, lang))
        for line in _day_lines(plan, lang):
            st.caption(line)
        for warning in plan.warning_lines(lang):
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
    days = ["day", "date"] if plan.totals["days"] > 1 else []
    warning = "warning_zh" if lang == "zh" else "warning"
    table = plan.stops[["order", *days, name, "arrival", "departure", "wait_min", "dwell_min", "leg_km", "leg_min",
                        warning]].rename(columns={warning: "warning"})  # fmt: skip
    st.dataframe(labelled(table, lang).rename(columns={d: tr(f"col_{d}", lang) for d in days}), hide_index=True)
    title = themes[theme].title(lang) if theme in themes else "culturemap route"
    columns = st.columns(len(EXPORTS) + 1)
    for column, (fmt, writer, mime) in zip(columns, EXPORTS):
        column.download_button(tr("routes_download", lang, fmt=fmt.upper()), writer(plan, title), f"{theme}.{fmt}", mime,
                               key=f"route_download_{fmt}")  # fmt: skip
    columns[-1].download_button(tr("routes_printable", lang), printable_html(plan, title, lang), f"{theme}.html", "text/html",
                                key="route_download_html")  # fmt: skip
