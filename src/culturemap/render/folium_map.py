"""Build the interactive folium map of a city from a selection of assets.

Styles come from the layer registry (colour + marker shape drawn as inline SVG, so markers need
no icon font or CDN). The payload stays bounded whatever the number of assets: up to
``marker_limit`` assets are drawn as markers (clustered above ``cluster_threshold``); beyond it,
assets are counted per H3 hexagon on the server, and individual markers come back once the view
is zoomed in far enough that the visible area holds at most ``marker_limit`` of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.plugins import Fullscreen, MarkerCluster, MeasureControl

from culturemap.catalog import City
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS, LayerSpec, approximate
from culturemap.render.basemaps import DEFAULT_BASEMAP, basemap_for
from culturemap.render.controls import CARD_CSS, BasemapTiles, MiniMapScripts, StillPopups, TouchTaps
from culturemap.render.edit_overlay import OVERLAY_CSS
from culturemap.render.fact_card import fact_card_html, feature_name, marker_svg
from culturemap.render.hexagons import HEX_COLOURS, add_hexagons, hexagon_cells
from culturemap.render.overlay import (
    BASEMAP_PANE,
    DISPLAY_GRID_DEG,
    DISPLAY_TOLERANCE_M,
    FrameTitle,
    Legend,
    Overlay,
    OverlayPart,
    shared_layer_control,
    simplified,
    to_display,
)

DETAIL_ZOOM = 14  # from this zoom on, individual markers replace hexagons when few enough are in view


@dataclass(frozen=True)
class MapOptions:
    """How to draw the map. ``center`` is (lat, lon) WGS-84; ``bounds`` the visible area as
    (south, west, north, east) WGS-84 degrees, when the browser reported it."""

    lang: str = "zh"
    basemap: str = DEFAULT_BASEMAP
    center: tuple[float, float] | None = None
    zoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None
    cluster: bool = True
    cluster_threshold: int = 150
    marker_limit: int = 1000
    max_cells: int = 2500
    controls: bool = True
    height_px: int = 640


@dataclass
class MapResult:
    """The map and what was drawn: ``mode`` is markers, clusters or hexagons."""

    map: folium.Map
    mode: str
    markers: int
    cells: int
    resolution: int | None
    view: tuple[float, float, int] = (0.0, 0.0, 0)  # (lat, lon, zoom) the map starts at, WGS-84 degrees


def _point_features(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    lang: str,
    districts: dict[str, str],
    sources: dict | None = None,
    histories: Mapping | None = None,
) -> dict:
    """A compact FeatureCollection: position, id, escaped name, the escaped label screen readers read
    (name and layer) and the escaped fact card (with the asset's history from ``histories``, if any)."""
    histories = histories or {}
    features = []
    for row in frame.to_dict("records"):
        geom = row["geometry"]
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]},
                "properties": {
                    "id": escape(str(row.get("id") or "")),
                    "name": escape(feature_name(row, lang)),
                    "label": escape(f"{feature_name(row, lang)}, {spec.label(lang)}"),
                    "card": fact_card_html(
                        row, spec, lang, districts, sources, histories.get((spec.id, str(row.get("id"))))
                    ),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _add_markers(
    overlay: folium.FeatureGroup,
    assets: gpd.GeoDataFrame,
    options: MapOptions,
    districts: dict[str, str],
    sources: dict | None = None,
    histories: Mapping | None = None,
) -> bool:
    """One part of ``overlay`` per layer (listed in the layer control), one GeoJSON layer per
    (layer, accuracy) in it: markers share one icon style, names are pre-escaped; ``histories``: see
    :func:`assets_layer`."""
    clustered = options.cluster and len(assets) > options.cluster_threshold
    approx = approximate(assets).to_numpy()
    for lid in ASSET_LAYERS:
        in_layer = (assets["layer"] == lid).to_numpy()
        if not in_layer.any():
            continue
        spec = LAYERS[lid]
        group = OverlayPart(f"{spec.label(options.lang)} ({int(in_layer.sum())})")
        target = MarkerCluster(options={"showCoverageOnHover": False, "maxClusterRadius": 40}) if clustered else group
        if clustered:
            target.add_to(group)
        for flagged in (False, True):
            part = assets[in_layer & (approx == flagged)]
            if part.empty:
                continue
            css = f"cm-marker cm-{lid}" + (" cm-approx" if flagged else "")
            folium.GeoJson(
                _point_features(part, spec, options.lang, districts, sources, histories),
                marker=folium.Marker(
                    icon=folium.DivIcon(html="", icon_size=(18, 18), icon_anchor=(9, 9), class_name=css)
                ),
                tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
                popup=folium.GeoJsonPopup(fields=["card"], labels=False, max_width=380),
                control=False,
            ).add_to(target)
        outlines = assets[in_layer & (assets.geom_type != "Point").to_numpy()]
        if len(outlines):
            outline = {"color": spec.color, "weight": 2, "fillOpacity": 0.15}
            folium.GeoJson(outlines[["geometry"]], style_function=lambda _f, s=outline: s, control=False).add_to(group)
        group.add_to(overlay)
    return clustered


class _MarkerStyles(MacroElement):
    """One CSS rule per layer (and approximate variant): the marker shape as an SVG background; and
    markers a keyboard reaches (Leaflet's role=button) named for screen readers by their feature's
    ``label`` (or ``name``), opened with Enter or Space as a click does; Escape closes the popup."""

    _template = Template(
        r"""
        {% macro script(this, kwargs) %}
        (function(map) {
            function text(html) { var box = document.createElement("textarea"); box.innerHTML = html; return box.value; }
            map.on("layeradd", function(event) {
                var marker = event.layer, icon = marker._icon, props = marker.feature && marker.feature.properties;
                var name = props && (props.label || props.name);
                if (!icon || !name || !marker.options.keyboard || icon.hasAttribute("aria-label")) { return; }
                icon.setAttribute("aria-label", text(name));
                L.DomEvent.on(icon, "keydown", function(key) {
                    if (key.key === "Enter" || key.key === " ") { L.DomEvent.stop(key); icon.click(); }
                });
            });
            L.DomEvent.on(map.getContainer(), "keydown", function(key) {
                if (key.key !== "Escape" || !map._popup || !map.hasLayer(map._popup)) { return; }
                var source = map._popup._source;
                map.closePopup();
                if (source && source._icon) { source._icon.focus(); }
            });
        })({{ this._parent.get_name() }});
        (function() {
            // Leaflet guesses its default marker images from the CSS link and gets it wrong when the
            // CSS is served from a path without a trailing "dist/": point it at leaflet's images folder.
            var css = document.querySelector('link[href*="leaflet.css"]');
            if (css && L.Icon && L.Icon.Default) {
                L.Icon.Default.imagePath = css.href.replace(/leaflet\.css.*$/, "images/");
            }
            if (document.getElementById("cm-marker-styles")) { return; }
            var style = document.createElement("style");
            style.id = "cm-marker-styles";
            style.textContent = {{ this.css_json }};
            document.head.appendChild(style);
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "MarkerStyles"
        rules = [".cm-marker{background:transparent no-repeat center/contain;border:none}", CARD_CSS, OVERLAY_CSS]
        for lid in ASSET_LAYERS:
            spec = LAYERS[lid]
            for flagged, suffix in ((False, ""), (True, ".cm-approx")):
                svg = quote(marker_svg(spec, flagged))
                rules.append(f'.cm-marker.cm-{lid}{suffix}{{background-image:url("data:image/svg+xml,{svg}")}}')
        self.css_json = json.dumps("\n".join(rules))


def _base_map(city: City, center: tuple[float, float], zoom: int, **map_options) -> folium.Map:
    """A map of ``city`` at ``center`` (lat, lon WGS-84) and ``zoom`` without a basemap: marker styles,
    popups that never pan, taps on touch screens and the pane the districts are drawn in. The basemap
    (tiles, districts, river) is a layer of its own: :func:`basemap_layer`."""
    fmap = folium.Map(location=center, zoom_start=zoom, tiles=None, control_scale=True, **map_options)
    for element in (_MarkerStyles(), StillPopups(), TouchTaps()):
        element.add_to(fmap)
    # the districts are the basemap when there are no tiles: under every overlay (density, hexagons)
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=True).add_to(fmap)
    return fmap


CONTEXT = ("districts", "river")  # the pack's layers a basemap layer draws


def basemap_layer(city: City, lang: str, basemap: str, *, context: tuple[str, ...] = CONTEXT,
                  minimap: bool = False, zoom_out: int = 0) -> folium.FeatureGroup:  # fmt: skip
    """``basemap`` as one layer over a map of :func:`_base_map`: its web tiles (probed once, the pack's
    offline look when they cannot be reached; a minimap of them with ``minimap``, whose script the
    map loads) and the ``context`` layers (districts, river) in the basemap's datum, simplified for a
    map opening ``zoom_out`` levels out from the city's view. A page can swap this layer for another
    basemap's without reloading the map: the old tiles stay until the new ones are drawn
    (:class:`~culturemap.render.controls.BasemapTiles`)."""
    base = basemap_for(basemap)
    overlay = Overlay()
    _add_context(overlay, city, lang, base.datum, context, zoom_out)
    BasemapTiles(base, lang, minimap).add_to(overlay)
    return overlay


def city_base_map(city: City, lang: str, basemap: str | None, zoom_out: int, *,
                   context: tuple[str, ...] = CONTEXT, control: bool = False) -> folium.Map:  # fmt: skip
    """A map for the analysis views: the city centre ``zoom_out`` levels out, with a layer control that
    later overlays join when ``control``, and ``basemap`` (:func:`basemap_layer`; None: left out, for a
    page that swaps it in as a layer of its own)."""
    cfg = city.config
    fmap = _base_map(city, (cfg.center_lat, cfg.center_lon), max(cfg.zoom - zoom_out, 1))
    if control:
        shared_layer_control(fmap)  # before the basemap layer: its districts and river join the control
    if basemap is not None:
        basemap_layer(city, lang, basemap, context=context, zoom_out=zoom_out).add_to(fmap)
    return fmap


def _legend_html(assets: gpd.GeoDataFrame, lang: str, mode: str, max_count: int) -> str:
    counts = assets["layer"].value_counts()
    rows = []
    for lid in ASSET_LAYERS:
        if counts.get(lid, 0):
            spec = LAYERS[lid]
            rows.append(f"<div>{marker_svg(spec, size_px=14)} {escape(spec.label(lang))} ({int(counts[lid])})</div>")
    approx = LAYERS["attractions"]
    rows.append(f"<div>{marker_svg(approx, approx=True, size_px=14)} {escape(tr('map_approx_legend', lang))}</div>")
    if mode == "hexagons":
        swatches = "".join(f'<span style="background:{c}" class="cm-swatch"></span>' for c in HEX_COLOURS)
        rows.append(f"<div>{swatches} {escape(tr('map_hex_legend', lang, max=max_count))}</div>")
    return '<div class="cm-legend-title">' + escape(tr("map_legend", lang)) + "</div>" + "".join(rows)


def _outline(city: City, layer_id: str, datum: str, zoom_out: int = 0) -> gpd.GeoDataFrame:
    """``layer_id`` (district outlines, the river) for display on a map opening ``zoom_out`` levels
    out from the city's view: vertices closer than ``DISPLAY_TOLERANCE_M`` to the line dropped (twice
    that per level out: the same fraction of a pixel), shifted to the basemap's datum, rounded to
    ~1 m. Computed once per pack, datum and zoom; the analysis keeps the full geometry."""
    key = ("outline", layer_id, datum, zoom_out)
    if key not in city.memo:
        frame = city.layers[layer_id]
        if len(frame):
            tolerance_m = DISPLAY_TOLERANCE_M * 2**zoom_out
            frame = to_display(simplified(frame, city.config.metric_crs, tolerance_m), datum)
            frame = frame.set_geometry(shapely.set_precision(frame.geometry.array, DISPLAY_GRID_DEG))
        city.memo[key] = frame
    return city.memo[key]


def _add_context(overlay: folium.FeatureGroup, city: City, lang: str, datum: str, layers: tuple[str, ...],
                 zoom_out: int = 0) -> None:  # fmt: skip
    """The district outlines and the river (as far as ``layers`` has them; see :func:`_outline` for
    ``zoom_out``), each a named part of ``overlay``. The districts carry their labels, shown (and the
    districts filled) only on an offline map (``cm-offline``)."""
    districts = _outline(city, "districts", datum, zoom_out) if "districts" in layers else []
    if len(districts):
        spec = LAYERS["districts"]
        name_field = "name_zh" if lang == "zh" else "name_en"
        shown = districts[[name_field, "geometry"]]
        style = {"color": spec.color, "weight": 1.5, "fill": False, "dashArray": "4 4", "className": "cm-district"}
        part = OverlayPart(spec.label(lang)).add_to(overlay)
        folium.GeoJson(
            shown,
            style_function=lambda _f: style,
            tooltip=folium.GeoJsonTooltip(fields=[name_field], labels=False),
            pane=BASEMAP_PANE,
            control=False,
        ).add_to(part)
        for name, geom in zip(shown[name_field], shown.geometry):
            label = shapely.point_on_surface(geom)
            folium.Marker(
                (label.y, label.x),
                icon=folium.DivIcon(
                    html=f'<div style="font-size:13px;color:#555;white-space:nowrap">{escape(str(name))}</div>',
                    class_name="cm-district-label",
                    icon_size=(120, 18),
                    icon_anchor=(60, 9),
                ),
                interactive=False,
                keyboard=False,  # a label, not a button
            ).add_to(part)
    river = _outline(city, "river", datum, zoom_out) if "river" in layers else []
    if len(river):
        cfg = city.config
        part = OverlayPart(cfg.river_name_zh if lang == "zh" else cfg.river_name_en).add_to(overlay)
        folium.GeoJson(
            river[["geometry"]],
            style_function=lambda _f: {"color": LAYERS["river"].color, "weight": 4, "opacity": 0.8},
            control=False,
        ).add_to(part)


def _in_bounds(assets: gpd.GeoDataFrame, bounds: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    south, west, north, east = bounds
    return assets.cx[west:east, south:north]


class _ClusterScripts(JSCSSMixin, MacroElement):
    """Loads Leaflet.markercluster with a map, so that a layer swapped in later can cluster."""

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")
    default_js = MarkerCluster.default_js
    default_css = MarkerCluster.default_css


def explorer_base_map(city: City, options: MapOptions | None = None, any_basemap: bool = False) -> folium.Map:
    """The map the explorer draws on, without its basemap or assets: the city (``options.center``/
    ``zoom``, else the city's view), the controls (full screen, measure, and the minimap's script for
    a basemap with tiles) when ``options.controls``, and a layer control that :func:`basemap_layer`
    and :func:`assets_layer` join, so that a page can keep this map and swap only those layers when
    the basemap or the filters change. ``any_basemap``: the page swaps basemaps over this map (it
    then loads what any of them needs; ``options.basemap`` is not used)."""
    options = options or MapOptions()
    lat, lon, zoom = _view(city, options)
    fmap = _base_map(city, (lat, lon), zoom, height=options.height_px)
    _ClusterScripts().add_to(fmap)
    if options.controls and (any_basemap or basemap_for(options.basemap).tiles):
        MiniMapScripts().add_to(fmap)
    if options.controls:
        Fullscreen(position="topleft").add_to(fmap)
        MeasureControl(position="topleft", primary_length_unit="meters", primary_area_unit="sqmeters").add_to(fmap)
    shared_layer_control(fmap)
    return fmap


def explorer_basemap_layer(city: City, options: MapOptions | None = None) -> folium.FeatureGroup:
    """The basemap layer (:func:`basemap_layer`) of :func:`explorer_base_map` for ``options``."""
    options = options or MapOptions()
    return basemap_layer(city, options.lang, options.basemap, minimap=options.controls)


def _view(city: City, options: MapOptions) -> tuple[float, float, int]:
    """(lat, lon, zoom) of ``options``, the city's where not given."""
    cfg = city.config
    lat, lon = options.center or (cfg.center_lat, cfg.center_lon)
    return float(lat), float(lon), int(options.zoom if options.zoom is not None else cfg.zoom)


@dataclass
class AssetsLayer:
    """The assets as one layer for :func:`explorer_base_map`, and what was drawn: ``mode`` is
    markers, clusters or hexagons."""

    group: folium.FeatureGroup
    mode: str
    markers: int
    cells: int
    resolution: int | None


def assets_layer(
    city: City, assets: gpd.GeoDataFrame, options: MapOptions | None = None, histories: Mapping | None = None
) -> AssetsLayer:
    """``assets`` (rows of :meth:`City.assets`, WGS-84) as markers, clusters or H3 hexagons (by
    ``options.zoom`` and ``options.bounds``, see the module), each asset layer listed in the map's
    layer control, with the legend: one layer for :func:`explorer_base_map`. ``histories`` maps
    ``(layer, id)`` to an asset's changes in the store
    (:func:`culturemap.render.card_history.histories_by_asset`): shown at the foot of its fact card."""
    options = options or MapOptions()
    datum = basemap_for(options.basemap).datum
    zoom = _view(city, options)[2]
    overlay = Overlay()
    district_names = (
        dict(zip(city.layers["districts"]["name_zh"], city.layers["districts"]["name_en"]))
        if options.lang == "en"
        else {}
    )
    shown = assets
    if len(assets) > options.marker_limit and zoom >= DETAIL_ZOOM and options.bounds is not None:
        in_view = _in_bounds(assets, options.bounds)
        if len(in_view) <= options.marker_limit:
            shown = in_view
    if len(shown) <= options.marker_limit:
        clustered = _add_markers(overlay, to_display(shown, datum), options, district_names, city.sources, histories)
        layer = AssetsLayer(overlay, "clusters" if clustered else "markers", len(shown), 0, None)
        max_count = 0
    else:
        cells, resolution = hexagon_cells(assets, zoom, options.max_cells)
        add_hexagons(OverlayPart(tr("map_hexagons", options.lang)).add_to(overlay), cells, options.lang, datum)
        layer = AssetsLayer(overlay, "hexagons", 0, len(cells), resolution)
        max_count = int(cells["count"].max())
    Legend(_legend_html(assets, options.lang, layer.mode, max_count)).add_to(overlay)
    FrameTitle(tr("app_title", options.lang, city=city.config.name(options.lang))).add_to(overlay)
    return layer


def build_map(
    city: City, assets: gpd.GeoDataFrame, options: MapOptions | None = None, histories: Mapping | None = None
) -> MapResult:
    """A folium map of ``city`` showing ``assets`` (rows of :meth:`City.assets`, WGS-84): the
    explorer's base map with the assets' layer on it, as one map (for exports and tests);
    ``histories``: see :func:`assets_layer`."""
    options = options or MapOptions()
    fmap = explorer_base_map(city, options)
    explorer_basemap_layer(city, options).add_to(fmap)
    layer = assets_layer(city, assets, options, histories)
    layer.group.add_to(fmap)
    return MapResult(fmap, layer.mode, layer.markers, layer.cells, layer.resolution, _view(city, options))
