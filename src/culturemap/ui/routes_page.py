"""The "Routes" page: pick a theme or start from scratch, order and time the stops, export."""

from __future__ import annotations

from datetime import date, time
from html import escape

import streamlit as st
from streamlit_folium import st_folium

from culturemap.export.route import to_csv, to_geojson, to_gpx, to_kml
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS, THEMES
from culturemap.render.assets import localise_assets
from culturemap.render.folium_map import feature_name, route_map
from culturemap.routing.itinerary import DEFAULT_DWELL_MIN, plan_route
from culturemap.routing.travel import MODES
from culturemap.ui.analysis_page import labelled
from culturemap.ui.app import page_context, vendor_base_url

SCRATCH = "__scratch__"
EXPORTS = (("gpx", to_gpx, "application/gpx+xml"), ("kml", to_kml, "application/vnd.google-earth.kml+xml"),
           ("geojson", to_geojson, "application/geo+json"), ("csv", to_csv, "text/csv"))  # fmt: skip


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
                 end=t["end"], how=how, method=plan.method)  # fmt: skip
    return (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{escape(title)}</title>'
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:4px 8px}</style>"
        f"<h1>{escape(title)}</h1><p>{escape(summary)}</p><table><tr>{head}</tr>{rows}</table></html>"
    )


def routes_page() -> None:
    ctx = page_context()
    lang = ctx.lang
    city, assets = ctx.load()
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
    mode = sb.selectbox(
        tr("routes_mode", lang), list(MODES), format_func=lambda m: tr(f"mode_{m}", lang), key="route_mode"
    )
    start = sb.time_input(tr("routes_start", lang), time(9, 0), key="route_start")
    day = sb.date_input(tr("routes_date", lang), date.today(), key="route_date")
    round_trip = sb.checkbox(tr("routes_round_trip", lang), key="route_round_trip")
    optimise = sb.checkbox(tr("routes_optimise", lang), value=True, key="route_optimise")
    with sb.expander(tr("routes_dwell", lang)):
        dwell = {lid: st.number_input(LAYERS[lid].label(lang), 0, 600, DEFAULT_DWELL_MIN[lid], 5, key=f"route_dwell_{lid}")
                 for lid in ASSET_LAYERS}  # fmt: skip

    if choice in themes and not themes[choice].official:
        st.caption(tr("routes_suggested", lang) + " · " + themes[choice].source)
    if len(stops) < 2:
        st.info(tr("routes_need_two", lang))
        return
    try:
        plan = plan_route(
            city, stops, mode, start.strftime("%H:%M"), day, round_trip, optimise=optimise, dwell_min=dwell
        )
    except ValueError as exc:
        st.error(str(exc))
        return
    t = plan.totals
    how = tr("routes_how_estimated" if plan.estimated else "routes_how_network", lang)
    st.subheader(tr("routes_totals", lang, n=len(plan.stops), km=t["distance_km"], travel=t["travel_min"],
                    start=t["start"], end=t["end"], how=how, method=plan.method))  # fmt: skip
    for warning in plan.warnings:
        st.warning(warning)
    fmap = route_map(city, plan, lang, st.session_state.get("basemap", "osm"))
    localise_assets(fmap, vendor_base_url())
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[], key="route_map")
    name = "name_zh" if lang == "zh" else "name_en"
    table = plan.stops[["order", name, "arrival", "departure", "wait_min", "dwell_min", "leg_km", "leg_min", "warning"]]
    st.dataframe(
        labelled(table.rename(columns={name: "name_zh" if lang == "zh" else "name_en"}), lang), hide_index=True
    )
    title = themes[choice].title(lang) if choice in themes else "culturemap route"
    columns = st.columns(len(EXPORTS) + 1)
    for column, (fmt, writer, mime) in zip(columns, EXPORTS):
        column.download_button(tr("routes_download", lang, fmt=fmt.upper()), writer(plan, title), f"{choice}.{fmt}", mime,
                               key=f"route_download_{fmt}")  # fmt: skip
    columns[-1].download_button(tr("routes_printable", lang), printable_html(plan, title, lang), f"{choice}.html", "text/html",
                                key="route_download_html")  # fmt: skip
