"""Leaflet behaviour the folium maps share: web tiles that fail gracefully, popups that never move
the view, and the styles of the explorer's fact cards.

Each is a branca ``MacroElement`` whose script runs inside the map's page; every text comes in
already translated and JSON-encoded (never spliced into the script as raw text).
"""

from __future__ import annotations

import json

from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.plugins import MiniMap

from culturemap.i18n import tr
from culturemap.render.basemaps import Basemap

OFFLINE_FILL = "#f2efe9"


class OnlineTiles(JSCSSMixin, MacroElement):
    """The basemap's web tiles, added only once one tile has loaded.

    Offline (or when the tile server is unreachable) a single probe request fails instead of every
    tile of the view and of the minimap: the map then switches to the pack's own offline look
    (filled districts with labels, class ``cm-offline`` on the map container) and says so once,
    in a small notice. When the probe succeeds later, the tiles and the minimap are added. The map's
    ``cmTiles`` says what the probe decided (``probing``, ``online``, ``offline``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            var url = {{ this.url_json }}, options = {{ this.options_json }};
            var districts = {{ this.districts_js }};
            var container = map.getContainer(), notice = null, online = false;
            // what the probe decided, for a snapshot to wait on: probing, online or offline
            map.cmTiles = url ? "probing" : "offline";
            if (!url) { container.classList.add("cm-offline"); return; }  // the offline basemap itself
            function offline() {
                if (online || container.classList.contains("cm-offline")) { return; }
                map.cmTiles = "offline";
                container.classList.add("cm-offline");
                if (districts) { districts.setStyle({fill: true, fillColor: {{ this.fill_json }}, fillOpacity: 1}); }
                notice = L.control({position: "bottomleft"});
                notice.onAdd = function() {
                    var div = L.DomUtil.create("div", "cm-tiles-notice");
                    div.style.cssText = "background:rgba(255,255,255,.92);padding:3px 6px;border-radius:3px;"
                        + "font:12px/1.4 sans-serif;max-width:260px";
                    div.textContent = {{ this.notice_json }};
                    return div;
                };
                notice.addTo(map);
            }
            function goOnline() {
                online = true;
                map.cmTiles = "online";
                if (notice) { map.removeControl(notice); }
                container.classList.remove("cm-offline");
                if (districts) { districts.setStyle({fill: false}); }
                var tiles = L.tileLayer(url, options).addTo(map);
                tiles.bringToBack();
                if ({{ this.minimap_json }} && L.Control.MiniMap) {
                    new L.Control.MiniMap(L.tileLayer(url, options), {toggleDisplay: true, position: "bottomleft"})
                        .addTo(map);
                }
            }
            var probe = new Image(), z = map.getZoom(), subdomains = options.subdomains || "a";
            var tile = map.project(map.getCenter(), z).divideBy(256).floor();
            var timer = setTimeout(offline, {{ this.timeout_ms }});
            probe.onload = function() { clearTimeout(timer); goOnline(); };
            probe.onerror = function() { clearTimeout(timer); offline(); };
            probe.src = L.Util.template(url, {s: subdomains[0], x: tile.x, y: tile.y, z: z, r: ""});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, basemap: Basemap, lang: str, districts_js: str | None, minimap: bool, timeout_ms: int = 6000):
        super().__init__()
        self._name = "OnlineTiles"
        options = {"attribution": basemap.attribution, "subdomains": basemap.subdomains, "maxZoom": basemap.max_zoom}
        self.url_json = json.dumps(basemap.tiles)
        self.options_json = json.dumps(options)
        self.districts_js = districts_js or "null"
        self.fill_json = json.dumps(OFFLINE_FILL)
        self.notice_json = json.dumps(
            tr("map_tiles_failed", lang, basemap=basemap.label(lang)) if basemap.tiles else ""
        )
        self.minimap_json = "true" if minimap else "false"
        self.timeout_ms = int(timeout_ms)
        if minimap and basemap.tiles:  # the minimap's script and styles (vendored by render.assets like folium's own)
            self.default_js = list(MiniMap.default_js)
            self.default_css = list(MiniMap.default_css)


class StillPopups(MacroElement):
    """Popups open without panning the map; one that would run past an edge is placed inside.

    Leaflet's auto-pan moves the map to show a popup, and a moved map is a changed view (and URL).
    Instead the popup is shifted (below the marker when there is no room above, sideways at the
    edges) and loses its tip, so the view stays where the user left it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            L.Popup.prototype.options.autoPan = false;
            map.on("popupopen", function(e) {
                var popup = e.popup, el = popup.getElement();
                if (!el) { return; }
                if (!popup._cmOffset) { popup._cmOffset = L.point(popup.options.offset); }
                var size = map.getSize(), narrow = size.x < 500;
                // on a narrow map (a phone) the popup keeps clear of the zoom buttons and fits the width
                var left = narrow ? 52 : 6, pad = 6;
                popup.options.maxWidth = Math.min(popup._cmMaxWidth || (popup._cmMaxWidth = popup.options.maxWidth),
                                                  size.x - left - pad - 50);  // 50: the content's margins
                popup.options.offset = popup._cmOffset;
                el.classList.remove("cm-popup-moved");
                popup.update();
                var box = map.getContainer().getBoundingClientRect(), r = el.getBoundingClientRect();
                var anchor = map.latLngToContainerPoint(popup.getLatLng());
                var dx = 0, dy = 0, top = r.top - box.top, bottom = r.bottom - box.top;
                if (top < pad) {
                    var below = anchor.y + 14 - top;  // the popup's top just under the marker
                    dy = (bottom + below <= box.height - pad) ? below : pad - top;
                }
                if (r.left - box.left < left) { dx = left - (r.left - box.left); }
                else if (r.right - box.left > box.width - pad) { dx = box.width - pad - (r.right - box.left); }
                if (dx || dy) {
                    popup.options.offset = popup._cmOffset.add([dx, dy]);
                    el.classList.add("cm-popup-moved");
                    popup.update();
                }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "StillPopups"


class TouchTaps(MacroElement):
    """A tap on a marker (or a clickable circle) acts on that marker on touch screens.

    When a map is partly scrolled out of a phone's screen, the browser scrolls it into view between
    the touch and the mouse events it derives from it: the derived click then lands beside the
    marker and no popup opens. Here the tap is read from the pointer events (which hit the
    marker), the marker gets its click, and the derived click that follows is dropped.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            var start = null, swallowUntil = 0, container = map.getContainer();
            function layerOf(el) {
                for (var id in map._layers) {
                    var layer = map._layers[id];
                    if (layer._icon === el || layer._path === el) { return layer; }
                }
                return null;
            }
            container.addEventListener("pointerdown", function(e) {
                start = e.pointerType === "touch" ? {x: e.clientX, y: e.clientY, t: Date.now(), el: e.target} : null;
            }, true);
            container.addEventListener("pointerup", function(e) {
                if (!start || e.pointerType !== "touch") { return; }
                var tap = start; start = null;
                if (Math.abs(e.clientX - tap.x) + Math.abs(e.clientY - tap.y) > 10 || Date.now() - tap.t > 700) { return; }
                var layer = layerOf(tap.el);
                if (!layer || !layer.getLatLng) { return; }
                swallowUntil = Date.now() + 1000;
                layer.fire("click", {latlng: layer.getLatLng(), originalEvent: e}, true);
            }, true);
            document.addEventListener("click", function(e) {
                if (Date.now() < swallowUntil) { swallowUntil = 0; e.stopPropagation(); e.preventDefault(); }
            }, true);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "TouchTaps"


CARD_CSS = (
    ".cm-card{max-width:340px;overflow-wrap:anywhere;word-break:break-word}"
    ".cm-card table{border-collapse:collapse;margin-top:4px}"
    ".cm-card th{text-align:left;padding-right:8px;vertical-align:top;white-space:nowrap}"
    ".cm-card details summary{cursor:pointer;color:#555}"
    ".cm-card .cm-approx-note{color:#a63603}"
    ".cm-popup-moved .leaflet-popup-tip-container{display:none}"
    ".cm-district-label{display:none}.cm-offline .cm-district-label{display:block}"
)
