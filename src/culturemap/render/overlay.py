"""The pieces every folium map layer here is built of: overlays that a page swaps without reloading
the map (and their parts, listed in the map's layer control), legends, fitted views, points as one
GeoJSON layer, and geometry prepared for display (simplified, shifted to the basemap's datum, rounded)."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement, Template

from culturemap.crs import geometry_from_wgs84

BASEMAP_PANE = "cm-basemap"  # between the tiles (200) and the overlays (400)


DISPLAY_TOLERANCE_M = 20.0  # district and river outlines are simplified this much for display


DISPLAY_GRID_DEG = 1e-5  # drawn coordinates (outlines, cells, contours, areas) rounded to ~1 m: fewer bytes


def to_display(frame: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    """Shift WGS-84 geometries to the basemap's datum (GCJ-02 for AMap tiles)."""
    if datum == "wgs84" or frame.empty:
        return frame
    shifted = [geometry_from_wgs84(g, datum) for g in frame.geometry]
    return frame.set_geometry(gpd.GeoSeries(shifted, index=frame.index, crs=frame.crs))


def feature_collection(frame: gpd.GeoDataFrame) -> dict:
    """``frame``'s rows as a GeoJSON FeatureCollection (coordinates rounded to ``DISPLAY_GRID_DEG``,
    other columns as properties), converted in one pass: geopandas' row-by-row ``__geo_interface__``
    took most of the time of drawing a few hundred hexagons."""
    geometries = shapely.to_geojson(shapely.set_precision(np.asarray(frame.geometry.array), DISPLAY_GRID_DEG))
    properties = frame.drop(columns=frame.geometry.name).to_dict("records")
    features = [{"type": "Feature", "properties": props, "geometry": json.loads(geom)}
                for props, geom in zip(properties, geometries)]  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def simplified(frame: gpd.GeoDataFrame, metric_crs: str, tolerance_m: float) -> gpd.GeoDataFrame:
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


class _SharedLayerControl(MacroElement):
    """Makes the map's layer control (the element before this one) the one that overlays added
    later join (see :class:`Overlay`)."""

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


def shared_layer_control(fmap: folium.Map) -> None:
    """A layer control that the parts of overlays added later join (see :class:`Overlay`)."""
    control = folium.LayerControl(collapsed=True).add_to(fmap)
    _SharedLayerControl(control).add_to(fmap)


class OverlayPart(folium.FeatureGroup):
    """A named part of an :class:`Overlay` (the density, its contours, hot spots ...): listed in the
    base map's layer control while the overlay is on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojson }});
        {{ this.get_name() }}.cmName = {{ this.layer_name|tojson }};
        {% endmacro %}
        """
    )


class Overlay(folium.FeatureGroup):
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


_LEGEND_CSS = (
    "<style>.cm-swatch{display:inline-block;width:10px;height:10px}"
    ".cm-legend{max-height:60vh;overflow-y:auto}"
    ".cm-legend-title{cursor:pointer;font-weight:bold;user-select:none}"
    ".cm-legend-title::after{content:' ▾'}.cm-legend.cm-folded .cm-legend-title::after{content:' ▸'}"
    ".cm-legend.cm-folded>:not(.cm-legend-title){display:none}</style>"
)


class Legend(MacroElement):
    """A Leaflet control in the bottom-right corner holding ``html``: on its map, or, inside a layer
    (e.g. an :class:`OverlayPart`), shown while that layer is on the map."""

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


class FitView(MacroElement):
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


class FrameTitle(MacroElement):
    """Names the frame the map is shown in (streamlit-folium's iframe, titled after the component
    otherwise) by what the layer shows, for screen readers; a later layer's title replaces it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        try { if (window.frameElement) { window.frameElement.title = {{ this.title_json }}; } } catch (e) {}
        {% endmacro %}
        """
    )

    def __init__(self, title: str):
        super().__init__()
        self._name = "FrameTitle"
        self.title_json = json.dumps(title, ensure_ascii=False).replace("</", "<\\/")


def point_layer(xs, ys, properties: list[dict], marker, tooltip_field: str | None, style=None) -> folium.GeoJson:
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
