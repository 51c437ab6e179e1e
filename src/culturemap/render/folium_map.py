"""Build the interactive folium map of a city from a selection of assets.

Styles come from the layer registry (colour + marker shape drawn as inline SVG, so markers need
no icon font or CDN). The payload stays bounded whatever the number of assets: up to
``marker_limit`` assets are drawn as markers (clustered above ``cluster_threshold``); beyond it,
assets are counted per H3 hexagon on the server, and individual markers come back once the view
is zoomed in far enough that the visible area holds at most ``marker_limit`` of them.
"""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.plugins import Fullscreen, MarkerCluster, MeasureControl

from culturemap.analysis.aggregate import h3_counts, h3_resolution_for_zoom
from culturemap.catalog import City
from culturemap.crs import WGS84, geometry_from_wgs84
from culturemap.crs import from_wgs84 as from_wgs84_array
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, COORD_ACCURACY, LAYERS, PLACED_ACCURACY, THEMES, LayerSpec, approximate
from culturemap.render.basemaps import DEFAULT_BASEMAP, basemap_for
from culturemap.render.controls import CARD_CSS, BasemapTiles, MiniMapScripts, StillPopups, TouchTaps

DETAIL_ZOOM = 14  # from this zoom on, individual markers replace hexagons when few enough are in view
BASEMAP_PANE = "cm-basemap"  # between the tiles (200) and the overlays (400)
DISPLAY_TOLERANCE_M = 20.0  # district and river outlines are simplified this much for display
DENSITY_IMAGE_MAX_PX = 1_000_000  # the density map's heat image: about a screen's worth of pixels
DISPLAY_GRID_DEG = 1e-5  # drawn coordinates (outlines, cells, contours, areas) rounded to ~1 m: fewer bytes

_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10"/>',
    "triangle": '<polygon points="10,2 19,18 1,18"/>',
    "star": '<polygon points="10,1 12.6,7 19,7.5 14,11.7 15.6,18.5 10,14.8 4.4,18.5 6,11.7 1,7.5 7.4,7"/>',
    "hexagon": '<polygon points="5,2 15,2 19,10 15,18 5,18 1,10"/>',
}
_HEX_COLOURS = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")

_POPUP_FIELDS = (
    ("grade", "popup_grade"),
    ("level", "popup_level"),
    ("category", "popup_kind"),
    ("kind", "popup_kind"),
    ("type", "popup_type"),
    ("campus", "popup_campus"),
    ("era", "popup_era"),
    ("grade_since", "popup_grade_since"),
    ("batch", "popup_batch"),
    ("district", "popup_district"),
    ("address", "popup_address"),
)


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


def feature_name(row, lang: str) -> str:
    """The display name of a feature in ``lang``, falling back to the other language."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    return str(row.get(first) or row.get(second) or row.get("id") or "")


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and np.isnan(value))


# an absolute path (POSIX or Windows drive), not part of a URL or of a relative ../path
_ABS_PATH = re.compile(r"(?<![\w.:/\\])(?:[A-Za-z]:[\\/]|/)(?:[^\s\\/;,()<>\"']+[\\/])+([^\s\\/;,()<>\"']+)")
SOURCE_SHORT_CHARS = 60
_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")
_URL = re.compile(r"https?://([^/\s;]+)\S*")


def display_source(text: str) -> tuple[str, str]:
    """(short, full) forms of a ``source`` value for people: no machine paths in either.

    An absolute path becomes ``…/<file name>``; the short form is the first clause (up to the
    first ``;``) without its parentheses, a web address shortened to its host (who published it),
    at most :data:`SOURCE_SHORT_CHARS` characters.
    """
    full = _ABS_PATH.sub(lambda m: "…/" + m.group(1), str(text)).strip()
    first = full.split(";", 1)[0]
    short = _URL.sub(r"\1", _PARENTHESES.sub("", first)).strip(" :") or full
    if len(short) > SOURCE_SHORT_CHARS:
        short = short[: SOURCE_SHORT_CHARS - 1].rstrip() + "…"
    return short, full


def fact_card_html(row, spec: LayerSpec, lang: str, districts: dict[str, str] | None = None) -> str:
    """The popup fact card of one feature. Every value is HTML-escaped.

    ``districts`` maps district ``name_zh`` to the name shown in ``lang`` (default: as stored).
    """
    other = row.get("name_en") if lang == "zh" else row.get("name_zh")
    parts = [f'<div class="cm-card"><b>{escape(feature_name(row, lang))}</b>']
    if not _blank(other):
        parts.append(f"<br><i>{escape(str(other))}</i>")
    parts.append(f"<br><small>{escape(spec.label(lang))}</small><table>")
    for field, key in _POPUP_FIELDS:
        field_spec = spec.field(field)
        value = row.get(field)
        if field_spec is None or _blank(value):
            continue
        text = field_spec.vocabulary.label(str(value), lang) if field_spec.vocabulary else str(value)
        if field == "district" and districts:
            text = districts.get(text, text)
        parts.append(f"<tr><th>{escape(tr(key, lang))}</th><td>{escape(text)}</td></tr>")
    themes = row.get("themes")
    if themes is not None and len(themes):
        labels = ", ".join(THEMES.label(str(t), lang) for t in themes)
        parts.append(f"<tr><th>{escape(tr('popup_themes', lang))}</th><td>{escape(labels)}</td></tr>")
    accuracy = row.get("coord_accuracy")
    if not _blank(accuracy):
        label = escape(COORD_ACCURACY.label(str(accuracy), lang))
        if accuracy not in PLACED_ACCURACY:
            label = f'<span class="cm-approx-note">⚠ {label}</span>'
            if not _blank(row.get("note")):  # what the position was placed by
                label = f"<details><summary>{label}</summary>{escape(str(row['note']))}</details>"
        parts.append(f"<tr><th>{escape(tr('popup_accuracy', lang))}</th><td>{label}</td></tr>")
    if not _blank(row.get("source")):
        short, full = display_source(row["source"])
        shown = (
            escape(short) if short == full else f"<details><summary>{escape(short)}</summary>{escape(full)}</details>"
        )
        parts.append(f"<tr><th>{escape(tr('popup_source', lang))}</th><td>{shown}</td></tr>")
    parts.append(f"</table><small>id: {escape(str(row.get('id') or ''))}</small></div>")
    return "".join(parts)


def marker_svg(spec: LayerSpec, approx: bool = False, size_px: int = 18) -> str:
    """The inline SVG marker of a layer; approximate positions get a dashed outline."""
    dash = ' stroke-dasharray="2,1.5"' if approx else ""
    opacity = 0.6 if approx else 0.9
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_px}" height="{size_px}" viewBox="0 0 20 20">'
        f'<g fill="{spec.color}" fill-opacity="{opacity}" stroke="#222" stroke-width="1.2"{dash}>'
        f"{_SHAPES.get(spec.shape, _SHAPES['circle'])}</g></svg>"
    )


def _to_display(frame: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    """Shift WGS-84 geometries to the basemap's datum (GCJ-02 for AMap tiles)."""
    if datum == "wgs84" or frame.empty:
        return frame
    shifted = [geometry_from_wgs84(g, datum) for g in frame.geometry]
    return frame.set_geometry(gpd.GeoSeries(shifted, index=frame.index, crs=frame.crs))


def _feature_collection(frame: gpd.GeoDataFrame) -> dict:
    """``frame``'s rows as a GeoJSON FeatureCollection (coordinates rounded to ``DISPLAY_GRID_DEG``,
    other columns as properties), converted in one pass: geopandas' row-by-row ``__geo_interface__``
    took most of the time of drawing a few hundred hexagons."""
    geometries = shapely.to_geojson(shapely.set_precision(np.asarray(frame.geometry.array), DISPLAY_GRID_DEG))
    properties = frame.drop(columns=frame.geometry.name).to_dict("records")
    features = [{"type": "Feature", "properties": props, "geometry": json.loads(geom)}
                for props, geom in zip(properties, geometries)]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def _point_features(frame: gpd.GeoDataFrame, spec: LayerSpec, lang: str, districts: dict[str, str]) -> dict:
    """A compact FeatureCollection: position, id, escaped name and the escaped fact card."""
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
                    "card": fact_card_html(row, spec, lang, districts),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _add_markers(
    overlay: folium.FeatureGroup, assets: gpd.GeoDataFrame, options: MapOptions, districts: dict[str, str]
) -> bool:
    """One part of ``overlay`` per layer (listed in the layer control), one GeoJSON layer per
    (layer, accuracy) in it: markers share one icon style, names are pre-escaped."""
    clustered = options.cluster and len(assets) > options.cluster_threshold
    approx = approximate(assets).to_numpy()
    for lid in ASSET_LAYERS:
        in_layer = (assets["layer"] == lid).to_numpy()
        if not in_layer.any():
            continue
        spec = LAYERS[lid]
        group = _OverlayPart(f"{spec.label(options.lang)} ({int(in_layer.sum())})")
        target = MarkerCluster(options={"showCoverageOnHover": False, "maxClusterRadius": 40}) if clustered else group
        if clustered:
            target.add_to(group)
        for flagged in (False, True):
            part = assets[in_layer & (approx == flagged)]
            if part.empty:
                continue
            css = f"cm-marker cm-{lid}" + (" cm-approx" if flagged else "")
            folium.GeoJson(
                _point_features(part, spec, options.lang, districts),
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
    """One CSS rule per layer (and approximate variant): the marker shape as an SVG background."""

    _template = Template(
        r"""
        {% macro script(this, kwargs) %}
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
        rules = [".cm-marker{background:transparent no-repeat center/contain;border:none}", CARD_CSS]
        for lid in ASSET_LAYERS:
            spec = LAYERS[lid]
            for flagged, suffix in ((False, ""), (True, ".cm-approx")):
                svg = quote(marker_svg(spec, flagged))
                rules.append(f'.cm-marker.cm-{lid}{suffix}{{background-image:url("data:image/svg+xml,{svg}")}}')
        self.css_json = json.dumps("\n".join(rules))


def _hex_colour(count: int, max_count: int) -> str:
    if max_count <= 1:
        return _HEX_COLOURS[-1]
    share = np.log1p(count) / np.log1p(max_count)
    return _HEX_COLOURS[min(int(share * len(_HEX_COLOURS)), len(_HEX_COLOURS) - 1)]


def _hexagons(assets: gpd.GeoDataFrame, zoom: int, max_cells: int) -> tuple[gpd.GeoDataFrame, int]:
    resolution = h3_resolution_for_zoom(zoom)
    cells = h3_counts(assets, resolution)
    while len(cells) > max_cells and resolution > 0:
        resolution -= 1
        cells = h3_counts(assets, resolution)
    return cells, resolution


def _add_hexagons(parent: folium.Map | folium.FeatureGroup, cells: gpd.GeoDataFrame, lang: str, datum: str) -> None:
    max_count = int(cells["count"].max()) if len(cells) else 0
    layer_cols = [c for c in cells.columns if c.startswith("n_")]
    labels = [LAYERS[c[2:]].label(lang) for c in layer_cols]
    shown = cells.assign(
        fill=[_hex_colour(int(n), max_count) for n in cells["count"]],
        detail=[
            " · ".join(f"{label} {int(n)}" for label, n in zip(labels, row) if n)
            for row in cells[layer_cols].to_numpy()
        ],
    )[["count", "detail", "fill", "geometry"]]
    folium.GeoJson(
        _feature_collection(_to_display(shown, datum)),
        name=tr("map_hexagons", lang),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#7f2704",
            "weight": 0.6,
            "fillOpacity": 0.7,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["count", "detail"], aliases=[tr("map_count", lang), ""], localize=True, labels=True
        ),
    ).add_to(parent)


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
    overlay = _Overlay()
    _add_context(overlay, city, lang, base.datum, context, zoom_out)
    BasemapTiles(base, lang, minimap).add_to(overlay)
    return overlay


def _analysis_base(city: City, lang: str, basemap: str | None, zoom_out: int, *,
                   context: tuple[str, ...] = CONTEXT, control: bool = False) -> folium.Map:  # fmt: skip
    """A map for the analysis views: the city centre ``zoom_out`` levels out, with a layer control that
    later overlays join when ``control``, and ``basemap`` (:func:`basemap_layer`; None: left out, for a
    page that swaps it in as a layer of its own)."""
    cfg = city.config
    fmap = _base_map(city, (cfg.center_lat, cfg.center_lon), max(cfg.zoom - zoom_out, 1))
    if control:
        _shared_layer_control(fmap)  # before the basemap layer: its districts and river join the control
    if basemap is not None:
        basemap_layer(city, lang, basemap, context=context, zoom_out=zoom_out).add_to(fmap)
    return fmap


SPOT_COLOURS = {"hot": "#b2182b", "cold": "#2166ac"}
ANALYSIS_VIEWS = {"density": 1, "hexagons": 2, "districts": 3}  # each view's zoom: levels out from the city's


class _SharedLayerControl(MacroElement):
    """Makes the map's layer control (the element before this one) the one that overlays added
    later join (see :class:`_Overlay`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.cmLayerControl = {{ this.control.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, control: folium.LayerControl):
        super().__init__()
        self._name = "SharedLayerControl"
        self.control = control


class _OverlayPart(folium.FeatureGroup):
    """A named part of an :class:`_Overlay` (the density, its contours, hot spots ...): listed in the
    base map's layer control while the overlay is on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojson }});
        {{ this.get_name() }}.cmName = {{ this.layer_name|tojson }};
        {% endmacro %}
        """
    )


class _Overlay(folium.FeatureGroup):
    """What an analysis view draws over its base map (:func:`analysis_base_map`), as one group a page
    can swap for another without reloading the map: its parts join the base map's layer control
    when the group is added and leave it when the group is removed."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojson }});
        {{ this.get_name() }}.on("add remove", function(event) {
            var control = this._map && this._map.cmLayerControl;
            if (!control) { return; }
            this.eachLayer(function(part) {
                if (!part.cmName) { return; }
                if (event.type === "add") { control.addOverlay(part, part.cmName); } else { control.removeLayer(part); }
            });
        });
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__(control=False)


def analysis_base_map(city: City, lang: str, basemap: str | None, view: str) -> folium.Map:
    """The map an analysis ``view`` ("density", "hexagons" or "districts") is drawn on, without the
    view's results: the city centre, zoomed out to show the municipality, with ``basemap`` (None: left
    out, see :func:`analysis_basemap_layer`).

    The results come as one layer (:func:`density_layer`, :func:`hexagon_layer`,
    :func:`choropleth_layer`), so that a page can keep this map and swap only the layer.
    """
    if view not in ANALYSIS_VIEWS:
        raise ValueError(f"unknown analysis view {view!r}; expected one of {', '.join(ANALYSIS_VIEWS)}")
    return _analysis_base(city, lang, basemap, ANALYSIS_VIEWS[view], context=_analysis_context(view),
                          control=view != "districts")  # fmt: skip


def _analysis_context(view: str) -> tuple[str, ...]:
    return ("river",) if view == "districts" else CONTEXT  # the districts view fills the districts itself


def analysis_basemap_layer(city: City, lang: str, basemap: str, view: str) -> folium.FeatureGroup:
    """The basemap of an analysis ``view`` as a layer (:func:`basemap_layer`) for
    ``analysis_base_map(city, lang, None, view)``: the districts and the river, only the river for the
    districts view."""
    return basemap_layer(city, lang, basemap, context=_analysis_context(view), zoom_out=ANALYSIS_VIEWS[view])


def hexagon_layer(cells: gpd.GeoDataFrame, lang: str, basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:
    """H3 cells (from :func:`~culturemap.analysis.aggregate.h3_counts`) filled by count, and, where a
    ``spot`` column says so (Gi* hot/cold spots), a thick red/blue outline; with a legend. One layer
    for the hexagons view of :func:`analysis_base_map`."""
    datum = basemap_for(basemap).datum
    overlay = _Overlay()
    counts = _OverlayPart(tr("map_hexagons", lang)).add_to(overlay)
    _add_hexagons(counts, cells, lang, datum)
    max_count = int(cells["count"].max()) if len(cells) else 0
    swatches = "".join(f'<span style="background:{c}" class="cm-swatch"></span>' for c in _HEX_COLOURS)
    rows = [f"<div>{swatches} {escape(tr('map_hex_legend', lang, max=max_count))}</div>"]
    if "spot" in cells:
        for spot, colour in SPOT_COLOURS.items():
            chosen = cells[cells["spot"] == spot]
            if len(chosen):
                style = {"color": colour, "weight": 3, "fill": False}
                part = _OverlayPart(tr(f"spot_{spot}", lang)).add_to(overlay)
                folium.GeoJson(_feature_collection(_to_display(chosen[["geometry"]], datum)),
                               style_function=lambda _f, s=style: s, control=False).add_to(part)  # fmt: skip
            rows.append(
                f'<div><span style="border:3px solid {colour}" class="cm-swatch"></span> '
                f"{escape(tr(f'spot_{spot}', lang))} ({len(chosen)})</div>"
            )
    _Legend('<div class="cm-legend-title">' + escape(tr("map_legend", lang)) + "</div>" + "".join(rows)).add_to(counts)
    return overlay


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
        swatches = "".join(f'<span style="background:{c}" class="cm-swatch"></span>' for c in _HEX_COLOURS)
        rows.append(f"<div>{swatches} {escape(tr('map_hex_legend', lang, max=max_count))}</div>")
    return '<div class="cm-legend-title">' + escape(tr("map_legend", lang)) + "</div>" + "".join(rows)


_LEGEND_CSS = (
    "<style>.cm-swatch{display:inline-block;width:10px;height:10px}"
    ".cm-legend{max-height:60vh;overflow-y:auto}"
    ".cm-legend-title{cursor:pointer;font-weight:bold;user-select:none}"
    ".cm-legend-title::after{content:' ▾'}.cm-legend.cm-folded .cm-legend-title::after{content:' ▸'}"
    ".cm-legend.cm-folded>:not(.cm-legend-title){display:none}</style>"
)


class _Legend(MacroElement):
    """A Leaflet control in the bottom-right corner holding ``html``: on its map, or, inside a layer
    (e.g. an :class:`_OverlayPart`), shown while that layer is on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(owner) {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function(map) {
                var div = L.DomUtil.create("div", "cm-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
                    + "font:12px/1.5 'Noto Sans CJK SC','Microsoft YaHei',sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
                div.innerHTML = {{ this.html_json }};
                // the title folds the legend away (folded from the start on narrow maps, e.g. phones)
                var title = div.querySelector(".cm-legend-title");
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                if (title) {
                    title.setAttribute("role", "button");
                    title.setAttribute("tabindex", "0");
                    // the map remembers the reader's choice: a legend of a layer swapped in later keeps it
                    var fold = function(folded) {
                        div.classList.toggle("cm-folded", folded);
                        title.setAttribute("aria-expanded", folded ? "false" : "true");
                        map.cmLegendFolded = folded;
                    };
                    fold(map.cmLegendFolded !== undefined ? map.cmLegendFolded : map.getSize().x < 600);
                    L.DomEvent.on(title, "click", function() { fold(!div.classList.contains("cm-folded")); });
                }
                return div;
            };
            if (owner instanceof L.Map) { legend.addTo(owner); return; }
            owner.on("add", function() { legend.addTo(owner._map); });
            owner.on("remove", function() { legend.remove(); });
            if (owner._map) { legend.addTo(owner._map); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html_json = json.dumps(html + _LEGEND_CSS)


def _simplified(frame: gpd.GeoDataFrame, metric_crs: str, tolerance_m: float) -> gpd.GeoDataFrame:
    """Drop vertices closer than ``tolerance_m`` to the line (display only: keeps the payload small)."""
    if frame.empty:
        return frame
    return (
        frame.to_crs(metric_crs)
        .simplify(tolerance_m, preserve_topology=True)
        .to_crs(frame.crs)
        .to_frame("geometry")
        .join(frame.drop(columns="geometry"))
    )


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
            frame = _to_display(_simplified(frame, city.config.metric_crs, tolerance_m), datum)
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
        part = _OverlayPart(spec.label(lang)).add_to(overlay)
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
            ).add_to(part)
    river = _outline(city, "river", datum, zoom_out) if "river" in layers else []
    if len(river):
        cfg = city.config
        part = _OverlayPart(cfg.river_name_zh if lang == "zh" else cfg.river_name_en).add_to(overlay)
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


def _shared_layer_control(fmap: folium.Map) -> None:
    """A layer control that the parts of overlays added later join (see :class:`_Overlay`)."""
    control = folium.LayerControl(collapsed=True).add_to(fmap)
    _SharedLayerControl(control).add_to(fmap)


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
    _shared_layer_control(fmap)
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


def assets_layer(city: City, assets: gpd.GeoDataFrame, options: MapOptions | None = None) -> AssetsLayer:
    """``assets`` (rows of :meth:`City.assets`, WGS-84) as markers, clusters or H3 hexagons (by
    ``options.zoom`` and ``options.bounds``, see the module), each asset layer listed in the map's
    layer control, with the legend: one layer for :func:`explorer_base_map`."""
    options = options or MapOptions()
    datum = basemap_for(options.basemap).datum
    zoom = _view(city, options)[2]
    overlay = _Overlay()
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
        clustered = _add_markers(overlay, _to_display(shown, datum), options, district_names)
        layer = AssetsLayer(overlay, "clusters" if clustered else "markers", len(shown), 0, None)
        max_count = 0
    else:
        cells, resolution = _hexagons(assets, zoom, options.max_cells)
        _add_hexagons(_OverlayPart(tr("map_hexagons", options.lang)).add_to(overlay), cells, options.lang, datum)
        layer = AssetsLayer(overlay, "hexagons", 0, len(cells), resolution)
        max_count = int(cells["count"].max())
    _Legend(_legend_html(assets, options.lang, layer.mode, max_count)).add_to(overlay)
    return layer


def build_map(city: City, assets: gpd.GeoDataFrame, options: MapOptions | None = None) -> MapResult:
    """A folium map of ``city`` showing ``assets`` (rows of :meth:`City.assets`, WGS-84): the
    explorer's base map with the assets' layer on it, as one map (for exports and tests)."""
    options = options or MapOptions()
    fmap = explorer_base_map(city, options)
    explorer_basemap_layer(city, options).add_to(fmap)
    layer = assets_layer(city, assets, options)
    layer.group.add_to(fmap)
    return MapResult(fmap, layer.mode, layer.markers, layer.cells, layer.resolution, _view(city, options))


def density_layer(grid, contours: gpd.GeoDataFrame, lang: str, basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:
    """The density grid as a semi-transparent heat image (warped from the metric grid to Web Mercator,
    the map's projection) with a colour bar, and the mass contours. One layer for the density view of
    :func:`analysis_base_map`."""
    import matplotlib
    from PIL import Image
    from pyproj import Transformer
    from rasterio.transform import from_origin
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    datum = basemap_for(basemap).datum
    minx, miny, maxx, maxy = grid.bounds()
    ny, nx = grid.shape
    src_transform = from_origin(minx, maxy, grid.cell_m, grid.cell_m)
    # straight to Web Mercator: Leaflet draws the image as it is (a warp to WGS-84 needed a second, slow one)
    dst_transform, width, height = calculate_default_transform(grid.crs, "EPSG:3857", nx, ny, minx, miny, maxx, maxy)
    shrink = max(1.0, np.sqrt(width * height / DENSITY_IMAGE_MAX_PX))
    if shrink > 1:  # a fine grid (small bandwidth) is averaged down for display: the analysis keeps every cell
        dst_transform, width, height = calculate_default_transform(
            grid.crs, "EPSG:3857", nx, ny, minx, miny, maxx, maxy, dst_width=int(width / shrink),
            dst_height=int(height / shrink),
        )  # fmt: skip
    warped = np.zeros((height, width), dtype=np.float32)
    reproject(grid.values[::-1].astype(np.float32), warped, src_transform=src_transform, src_crs=grid.crs,
              dst_transform=dst_transform, dst_crs="EPSG:3857",
              resampling=Resampling.average if shrink > 1 else Resampling.bilinear)  # fmt: skip
    peak = float(warped.max()) or 1.0
    rgba = matplotlib.colormaps["magma_r"](warped / peak, bytes=True)
    rgba[..., 3] = np.where(warped > peak * 1e-3, 166, 0)  # 65% opaque where there is any density
    png = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(png, format="png")
    to_lonlat = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    west, north = to_lonlat.transform(*(dst_transform @ (0, 0)))
    east, south = to_lonlat.transform(*(dst_transform @ (width, height)))
    if datum != "wgs84":  # shift the whole overlay by the datum offset at its centre (< 1 m error across a city)
        lon, lat = geometry_from_wgs84(shapely.Point((west + east) / 2, (north + south) / 2), datum).coords[0]
        dx, dy = lon - (west + east) / 2, lat - (north + south) / 2
        west, east, north, south = west + dx, east + dx, north + dy, south + dy
    overlay = _Overlay()
    image = _OverlayPart(tr("analysis_density", lang)).add_to(overlay)
    folium.raster_layers.ImageOverlay(
        "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii"),
        bounds=[[south, west], [north, east]], control=False,
    ).add_to(image)  # fmt: skip
    stops = ", ".join(matplotlib.colors.to_hex(matplotlib.colormaps["magma_r"](v)) for v in np.linspace(0, 1, 6))
    bar = (
        f'<div style="width:160px;height:10px;background:linear-gradient(to right, {stops})"></div>'
        f'<div style="display:flex;justify-content:space-between;width:160px"><span>0</span><span>{peak:.3g}</span></div>'
    )
    _Legend(f'<div class="cm-legend-title">{escape(tr("density_unit", lang))}</div>{bar}').add_to(image)
    lines = _OverlayPart(tr("density_contours", lang)).add_to(overlay)
    folium.GeoJson(
        _feature_collection(_to_display(contours.to_crs("EPSG:4326")[["mass", "geometry"]], datum)),
        style_function=lambda _f: {"color": "#111", "weight": 1.2, "fill": False},
        tooltip=folium.GeoJsonTooltip(fields=["mass"], aliases=[tr("col_mass", lang)]),
        control=False,
    ).add_to(lines)
    return overlay


def choropleth_layer(
    city: City, areas: gpd.GeoDataFrame, value: str, label: str, lang: str, basemap: str = DEFAULT_BASEMAP
) -> folium.FeatureGroup:
    """Areas of ``city`` in any CRS (e.g. the districts with
    :func:`~culturemap.analysis.districts.district_summary` columns) filled by ``value`` in six classes
    (equal steps from 0 to the maximum), outlines simplified for display (cheapest from the metric
    CRS), with a legend. One layer for the districts view of :func:`analysis_base_map` (drawn in its
    pane under the river)."""
    areas = areas.to_crs(city.config.metric_crs)
    top = float(areas[value].max()) or 1.0
    name_field = "name_zh" if lang == "zh" else "name_en"
    shown = _simplified(areas[[name_field, value, "geometry"]], city.config.metric_crs, DISPLAY_TOLERANCE_M)
    shown = shown.to_crs("EPSG:4326")
    shown["fill"] = [_HEX_COLOURS[min(int(v / top * len(_HEX_COLOURS)), len(_HEX_COLOURS) - 1)] for v in shown[value]]
    shown[value] = shown[value].round(2)
    overlay = _Overlay()
    fill = _OverlayPart(label).add_to(overlay)
    folium.GeoJson(
        _feature_collection(_to_display(shown, basemap_for(basemap).datum)),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#444",
            "weight": 1,
            "fillOpacity": 0.75,
        },
        tooltip=folium.GeoJsonTooltip(fields=[name_field, value], aliases=["", label], labels=True),
        pane=BASEMAP_PANE,
        control=False,
    ).add_to(fill)
    steps = np.linspace(0, top, len(_HEX_COLOURS) + 1)
    rows = [
        f'<div><span style="background:{c}" class="cm-swatch"></span> {lo:.3g}–{hi:.3g}</div>'
        for c, lo, hi in zip(_HEX_COLOURS, steps[:-1], steps[1:])
    ]
    _Legend(f'<div class="cm-legend-title">{escape(label)}</div>' + "".join(rows)).add_to(fill)
    return overlay


ROUTE_DAY_COLOURS = ("#e6550d", "#7b3294", "#31a354", "#c51b8a", "#8c510a", "#636363")  # not the river blue
_ROUTE_CSS = (
    "<style>.cm-route-stop{background:#e6550d;color:#fff;border:2px solid #fff;border-radius:11px;width:22px;"
    "height:22px;text-align:center;font:bold 12px/18px sans-serif;box-shadow:0 0 3px rgba(0,0,0,.5)}</style>"
)


class _FitView(MacroElement):
    """When its layer is added, show ``bounds`` ([[south, west], [north, east]]) or, without them,
    ``center`` (lat, lon) at ``zoom``; unless the map was last moved to this same view by a layer:
    editing a visit time keeps the reader's view, a route that changes its extent (or is gone)
    brings the whole route (or the city) back into view."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(group) {
            var view = {{ this.view_json }}, key = JSON.stringify(view);
            function show(map) {
                if (map._cmView === key) { return; }
                map._cmView = key;
                if (view.bounds) { map.fitBounds(view.bounds, {padding: [30, 30]}); }
                else { map.setView(view.center, view.zoom); }
            }
            if (group._map) { show(group._map); } else { group.once("add", function() { show(group._map); }); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]] | None = None, center: tuple[float, float] | None = None,
                 zoom: int | None = None):  # fmt: skip
        super().__init__()
        self._name = "FitView"
        self.view_json = json.dumps({"bounds": bounds} if bounds else {"center": center, "zoom": zoom})


def _point_layer(xs, ys, properties: list[dict], marker, tooltip_field: str | None, style=None) -> folium.GeoJson:
    """Points as one GeoJSON layer (a feature per point, ``properties`` pre-escaped) drawn as ``marker``;
    ``style(properties)`` gives a feature's own marker options (a DivIcon's ``html``)."""
    features = [
        {"type": "Feature", "id": str(n), "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
         "properties": props}
        for n, (x, y, props) in enumerate(zip(xs, ys, properties))
    ]  # fmt: skip
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=marker,
        style_function=(lambda f: style(f["properties"])) if style else None,
        tooltip=folium.GeoJsonTooltip(fields=[tooltip_field], labels=False) if tooltip_field else None,
        control=False,
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
        _point_layer(xs, ys, labels, circle, "label").add_to(group)
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
        arrow = folium.Marker(icon=folium.DivIcon(icon_size=(16, 16), icon_anchor=(8, 8), class_name="cm-route-arrow"))
        html = [
            {"html": f'<div style="transform:rotate({b:.0f}deg);color:{c};font-size:16px;line-height:16px">▲</div>'}
            for b, c in zip(bearings, colours)
        ]
        _point_layer(xs, ys, html, arrow, None, style=lambda p: p).add_to(group)
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
    _point_layer(xs, ys, properties, badge, "label", style=lambda p: {"html": p["html"]}).add_to(group)
    return np.vstack(drawn) if drawn else np.empty((0, 2))


def route_base_map(city: City, lang: str, basemap: str | None = DEFAULT_BASEMAP) -> folium.Map:
    """The map a route is drawn on: the city with the ``basemap`` (None: left out, for a page that
    swaps it in as :func:`basemap_layer`).

    The route and the assets that can join it are layers of their own (:func:`route_layer`,
    :func:`candidates_layer`), so a page can keep this map and swap only them when they change.
    """
    return _analysis_base(city, lang, basemap, 0)


def route_layer(city: City, plan, lang: str, basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:
    """A planned route as one layer for :func:`route_base_map`: numbered stops, the path with an
    arrow on each leg, the map fitted to the route when its extent changed, and a legend saying
    whether the legs were measured on a road network or estimated. ``plan`` may be None (no route):
    the layer then holds the legend only and brings the city's view back."""
    group = folium.FeatureGroup(name=tr("route_legend", lang), control=False)
    note = tr("route_network" if plan is not None and not plan.estimated else "route_estimated", lang)
    _Legend(
        f'<div class="cm-legend-title">{escape(tr("route_legend", lang))}</div><div>{escape(note)}</div>{_ROUTE_CSS}'
    ).add_to(group)
    if plan is None:
        _FitView(center=(city.config.center_lat, city.config.center_lon), zoom=city.config.zoom).add_to(group)
        return group
    path = _add_route(group, plan, basemap_for(basemap).datum, lang)
    _FitView([[path[:, 1].min(), path[:, 0].min()], [path[:, 1].max(), path[:, 0].max()]]).add_to(group)
    return group


RING_COLOURS = ("#1a9850", "#fdae61", "#d73027")  # walking, cycling, short drive (lens.RINGS_M)


def ring_label(ring_m: float, lang: str) -> str:
    """A reach ring's label: its travel mode and distance for the lens's rings, else the distance."""
    from culturemap.analysis.lens import RING_MODES, RINGS_M  # here: the lens imports scipy, the map does not need it

    km = ring_m / 1000
    if ring_m in RINGS_M:
        return tr(f"lens_ring_{RING_MODES[RINGS_M.index(ring_m)]}", lang, km=km)
    return tr("lens_ring_other", lang, km=km)


def campus_layer(city: City, campus_id: str, reached: gpd.GeoDataFrame, rings_m, lang: str = "zh",
                 basemap: str = DEFAULT_BASEMAP) -> folium.FeatureGroup:  # fmt: skip
    """A campus (``campus_id`` in the universities layer) with its reach rings (metres, drawn as
    circles around it, e.g. the lens's ``RINGS_M``) and ``reached`` (rows of :meth:`City.assets`
    within reach, WGS-84) as the explorer's markers with their fact cards and legend, the view fitted
    to the largest ring: one layer for :func:`explorer_base_map`, so that a page swaps it when the
    campus changes and keeps the map."""
    campuses = city.layers["universities"]
    campus = campuses[campuses["id"] == campus_id]
    if campus.empty:
        raise ValueError(f"no campus {campus_id!r} in the {city.config.id} pack")
    point = campus.geometry.iloc[0]
    lon, lat = (float(v[0]) for v in from_wgs84_array([point.x], [point.y], basemap_for(basemap).datum))
    options = MapOptions(lang=lang, basemap=basemap, center=(lat, lon), zoom=city.config.zoom, cluster=False,
                         controls=False)  # fmt: skip
    shown = gpd.GeoDataFrame(pd.concat([campus.assign(layer="universities"), reached], ignore_index=True), crs=WGS84)
    group = assets_layer(city, shown, options).group
    for n, ring_m in sorted(enumerate(rings_m), key=lambda item: -item[1]):
        folium.Circle((lat, lon), radius=float(ring_m), color=RING_COLOURS[n % len(RING_COLOURS)], weight=2,
                      fill=False, dash_array="6 4", tooltip=ring_label(ring_m, lang)).add_to(group)  # fmt: skip
    dlat = max(rings_m) / 111_320
    dlon = dlat / max(np.cos(np.radians(lat)), 0.01)
    _FitView([[lat - dlat, lon - dlon], [lat + dlat, lon + dlon]]).add_to(group)
    return group


def campus_map(city: City, campus_id: str, reached: gpd.GeoDataFrame, rings_m, lang: str = "zh",
               basemap: str = DEFAULT_BASEMAP, height_px: int = 560) -> folium.Map:  # fmt: skip
    """The :func:`campus_layer` of ``campus_id`` on its basemap, as one map (for exports and tests)."""
    layer = campus_layer(city, campus_id, reached, rings_m, lang, basemap)
    options = MapOptions(lang=lang, basemap=basemap, cluster=False, controls=False, height_px=height_px)
    fmap = explorer_base_map(city, options)
    explorer_basemap_layer(city, options).add_to(fmap)
    layer.add_to(fmap)
    return fmap
