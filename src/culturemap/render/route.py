"""A planned route on the map: its base map, the numbered stops and the path (a colour per day, an arrow
per leg), and the assets that can join it."""

from __future__ import annotations

from html import escape

import folium
import geopandas as gpd
import numpy as np

from culturemap.catalog import City
from culturemap.crs import from_wgs84 as from_wgs84_array
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.render.basemaps import DEFAULT_BASEMAP, basemap_for
from culturemap.render.fact_card import feature_name
from culturemap.render.folium_map import city_base_map
from culturemap.render.overlay import FitView, FrameTitle, Legend, point_layer

ROUTE_DAY_COLOURS = ("#e6550d", "#7b3294", "#31a354", "#c51b8a", "#8c510a", "#636363")  # not the river blue


_ROUTE_CSS = (
    "<style>.cm-route-stop{background:#e6550d;color:#fff;border:2px solid #fff;border-radius:11px;width:22px;"
    "height:22px;text-align:center;font:bold 12px/18px sans-serif;box-shadow:0 0 3px rgba(0,0,0,.5)}</style>"
)


def candidates_layer(candidates: gpd.GeoDataFrame, lang: str, basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:
    """Assets not on the route, as one layer for :func:`route_base_map`: small grey circles that can
    be clicked to add them, each at the asset's representative point, in the basemap's datum."""
    datum = basemap_for(basemap).datum
    group = folium.FeatureGroup(name=tr("routes_candidates_layer", lang), control=False)
    if len(candidates):
        points = candidates.geometry.representative_point()
        xs, ys = from_wgs84_array(points.x.to_numpy(), points.y.to_numpy(), datum)
        hint = tr("routes_click_add", lang)
        labels = [
            {"label": escape(f"{feature_name(row, lang)} · {LAYERS[row['layer']].label(lang)} · {hint}")}
            for row in candidates.to_dict("records")
        ]
        circle = folium.CircleMarker(radius=7, color="#555", weight=1, fill=True, fill_color="#bbb", fill_opacity=0.8,
                                     className="cm-route-candidate")  # fmt: skip
        point_layer(xs, ys, labels, circle, "label").add_to(group)
    return group


def _add_route(group: folium.FeatureGroup, plan, datum: str, lang: str) -> np.ndarray:
    """Draw ``plan``'s path, a colour per day (an arrow per leg), and numbered stops; return the
    path in the map's datum."""
    drawn, arrows = [], []
    for number, day_path in enumerate(plan.day_paths, start=1):
        colour = ROUTE_DAY_COLOURS[(number - 1) % len(ROUTE_DAY_COLOURS)]
        path = np.asarray(day_path, dtype=float).reshape(-1, 2)
        if datum != "wgs84" and len(path):
            path = np.column_stack(from_wgs84_array(path[:, 0], path[:, 1], datum))
        drawn.append(path)
        if len(path) < 2:
            continue
        tip = tr("routes_day_n", lang, day=number) if len(plan.day_paths) > 1 else None
        folium.PolyLine([(y, x) for x, y in path], color=colour, weight=4, opacity=0.85, tooltip=tip,
                        dash_array="8 6" if plan.estimated else None).add_to(group)  # fmt: skip
        for (x0, y0), (x1, y1) in zip(path[:-1], path[1:]):
            if (x0, y0) != (x1, y1):
                bearing = np.degrees(np.arctan2((x1 - x0) * np.cos(np.radians(y0)), y1 - y0))
                arrows.append(((x0 + x1) / 2, (y0 + y1) / 2, bearing, colour))
    if arrows:
        xs, ys, bearings, colours = zip(*arrows)
        arrow = folium.Marker(icon=folium.DivIcon(icon_size=(16, 16), icon_anchor=(8, 8), class_name="cm-route-arrow"),
                              interactive=False, keyboard=False)  # fmt: skip
        html = [
            {"html": f'<div style="transform:rotate({b:.0f}deg);color:{c};font-size:16px;line-height:16px">▲</div>'}
            for b, c in zip(bearings, colours)
        ]
        point_layer(xs, ys, html, arrow, None, style=lambda p: p).add_to(group)
    stops = plan.stops
    xs, ys = stops["lon"].to_numpy(), stops["lat"].to_numpy()
    if datum != "wgs84" and len(stops):
        xs, ys = from_wgs84_array(xs, ys, datum)
    several = len(plan.day_paths) > 1
    properties = []
    for row in stops.to_dict("records"):
        name = row["name_zh"] if lang == "zh" else row["name_en"]
        day = tr("routes_day_n", lang, day=row["day"]) + " · " if several else ""
        label = f"{row['order']}. {name} {day}{row['arrival']}–{row['departure']}"
        warning = row["warning_zh"] if lang == "zh" else row["warning"]
        if warning:
            label += f" ⚠ {warning}"
        properties.append({"label": escape(label), "html": f'<div class="cm-route-stop">{int(row["order"])}</div>'})
    badge = folium.Marker(
        icon=folium.DivIcon(icon_size=(22, 22), icon_anchor=(11, 11), class_name="cm-route-stop-icon")
    )
    point_layer(xs, ys, properties, badge, "label", style=lambda p: {"html": p["html"]}).add_to(group)
    return np.vstack(drawn) if drawn else np.empty((0, 2))


def route_base_map(city: City, lang: str, basemap: str | None = DEFAULT_BASEMAP) -> folium.Map:
    """The map a route is drawn on: the city with the ``basemap`` (None: left out, for a page that
    swaps it in as :func:`basemap_layer`).

    The route and the assets that can join it are layers of their own (:func:`route_layer`,
    :func:`candidates_layer`), so a page can keep this map and swap only them when they change.
    """
    return city_base_map(city, lang, basemap, 0)


def route_layer(city: City, plan, lang: str, basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:
    """A planned route as one layer for :func:`route_base_map`: numbered stops, the path with an
    arrow on each leg, the map fitted to the route when its extent changed, and a legend saying
    whether the legs were measured on a road network or estimated. ``plan`` may be None (no route):
    the layer then holds the legend only and brings the city's view back."""
    group = folium.FeatureGroup(name=tr("route_legend", lang), control=False)
    FrameTitle(f"{city.config.name(lang)} · {tr('route_legend', lang)}").add_to(group)
    note = tr("route_network" if plan is not None and not plan.estimated else "route_estimated", lang)
    Legend(
        f'<div class="cm-legend-title">{escape(tr("route_legend", lang))}</div><div>{escape(note)}</div>{_ROUTE_CSS}'
    ).add_to(group)
    if plan is None:
        FitView(center=(city.config.center_lat, city.config.center_lon), zoom=city.config.zoom).add_to(group)
        return group
    path = _add_route(group, plan, basemap_for(basemap).datum, lang)
    FitView([[path[:, 1].min(), path[:, 0].min()], [path[:, 1].max(), path[:, 0].max()]]).add_to(group)
    return group
