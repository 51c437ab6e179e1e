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


class BasemapTiles(MacroElement):
    """The basemap's web tiles, for the layer it belongs to (see ``folium_map.basemap_layer``): added to
    the map when that layer is, and only once one probe tile has loaded.

    Offline (or when the tile server is unreachable) a single probe request fails instead of every
    tile of the view and of the minimap: the map then shows the pack's own offline look (class
    ``cm-offline`` on the map container: the districts filled and labelled by ``CARD_CSS``) and says
    so once, in a small notice. The map keeps one basemap at a time (``map.cmBase``): a layer with
    the basemap already shown leaves its tiles alone (a filter swaps the layers, never the tiles),
    and a layer with another basemap keeps the old tiles until the new ones are drawn, so switching
    never blanks the map. The map's ``cmTiles`` says what the probe decided (``probing``,
    ``online``, ``offline``), ``cmBasemap`` which basemap it shows.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("add", function() {
            var url = {{ this.url_json }}, options = {{ this.options_json }}, minimap = {{ this.minimap_json }};
            var map = this._map, container = map.getContainer();
            var base = map.cmBase = map.cmBase || {seq: 0, url: undefined, tiles: null, minimap: null, notice: null,
                                                    leaving: []};
            base.noticeText = {{ this.notice_json }};  // the page's language now (a switch keeps the map)
            if (base.url === url) {  // the basemap shown: its tiles stay, its notice reads in this language
                if (base.noticeDiv) { base.noticeDiv.textContent = base.noticeText; }
                return;
            }
            var seq = ++base.seq;
            base.url = url;
            map.cmBasemap = {{ this.id_json }};
            if (base.tiles) { base.leaving.push(base.tiles); }
            if (base.minimap) { map.removeControl(base.minimap); }
            if (base.notice) { map.removeControl(base.notice); }
            base.tiles = base.minimap = base.notice = base.noticeDiv = null;
            function retire() {
                base.leaving.forEach(function(tiles) { map.removeLayer(tiles); });
                base.leaving = [];
            }
            function offline() {
                if (seq !== base.seq) { return; }
                retire();
                map.cmTiles = "offline";
                container.classList.add("cm-offline");
                if (!url) { return; }  // the offline basemap itself: nothing failed
                base.notice = L.control({position: "bottomleft"});
                base.notice.onAdd = function() {
                    var div = L.DomUtil.create("div", "cm-tiles-notice");
                    div.style.cssText = "background:rgba(255,255,255,.92);padding:3px 6px;border-radius:3px;"
                        + "font:12px/1.4 sans-serif;max-width:260px";
                    div.textContent = base.noticeText;
                    base.noticeDiv = div;
                    return div;
                };
                base.notice.addTo(map);
            }
            function online() {
                if (seq !== base.seq) { return; }
                map.cmTiles = "online";
                container.classList.remove("cm-offline");
                base.tiles = L.tileLayer(url, options).addTo(map);
                base.tiles.bringToBack();
                base.tiles.once("load", function() { if (seq === base.seq) { retire(); } });
                if (minimap && L.Control.MiniMap) {
                    base.minimap = new L.Control.MiniMap(L.tileLayer(url, options),
                                                         {toggleDisplay: true, position: "bottomleft"}).addTo(map);
                }
            }
            if (!url) { offline(); return; }
            map.cmTiles = "probing";
            var probe = new Image(), z = map.getZoom(), subdomains = options.subdomains || "a";
            var tile = map.project(map.getCenter(), z).divideBy(256).floor();
            var timer = setTimeout(offline, {{ this.timeout_ms }});
            probe.onload = function() { clearTimeout(timer); online(); };
            probe.onerror = function() { clearTimeout(timer); offline(); };
            probe.src = L.Util.template(url, {s: subdomains[0], x: tile.x, y: tile.y, z: z, r: ""});
        });
        {% endmacro %}
        """
    )

    def __init__(self, basemap: Basemap, lang: str, minimap: bool, timeout_ms: int = 6000):
        super().__init__()
        self._name = "BasemapTiles"
        options = {"attribution": basemap.attribution, "subdomains": basemap.subdomains, "maxZoom": basemap.max_zoom}
        self.id_json = json.dumps(basemap.id)
        self.url_json = json.dumps(basemap.tiles)
        self.options_json = json.dumps(options)
        self.notice_json = json.dumps(
            tr("map_tiles_failed", lang, basemap=basemap.label(lang)) if basemap.tiles else ""
        )
        self.minimap_json = "true" if minimap else "false"
        self.timeout_ms = int(timeout_ms)


class MiniMapScripts(JSCSSMixin, MacroElement):
    """Loads the minimap's script and styles with a map (vendored by render.assets like folium's own),
    so that a basemap layer added later (:class:`BasemapTiles`) can show a minimap."""

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")
    default_js = MiniMap.default_js
    default_css = MiniMap.default_css


class StillPopups(MacroElement):
    """Popups open without panning the map; one that would run past an edge is placed inside.

    Leaflet's auto-pan moves the map to show a popup, and a moved map is a changed view (and URL).
    Instead the popup is shifted (below the marker when there is no room above, sideways at the
    edges) and loses its tip, so the view stays where the user left it. A popup is never taller
    than the map (its content scrolls), and is placed again when a folded part of it (a card's
    history, notes) opens or closes.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map) {
            L.Popup.prototype.options.autoPan = false;
            function place(popup, layout) {
                var el = popup.getElement();
                if (!popup._cmOffset) { popup._cmOffset = L.point(popup.options.offset); }
                var size = map.getSize(), narrow = size.x < 500;
                // on a narrow map (a phone) the popup keeps clear of the zoom buttons and fits the width;
                // it never covers more than 60 % of the map's width (the map stays readable beside it)
                var left = narrow ? 52 : 6, pad = 6;
                popup.options.maxWidth = Math.min(popup._cmMaxWidth || (popup._cmMaxWidth = popup.options.maxWidth),
                                                  size.x - left - pad - 50,  // 50: the content's margins
                                                  Math.floor(0.6 * size.x) - 50);
                popup.options.maxHeight = size.y - 2 * pad - 50;  // 50: the content's margins and the tip
                popup.options.offset = popup._cmOffset;
                el.classList.remove("cm-popup-moved");
                layout();
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
                    layout();
                }
            }
            map.on("popupopen", function(e) {
                var popup = e.popup, el = popup.getElement();
                if (!el) { return; }
                place(popup, function() { popup.update(); });
                if (el._cmFolds) { return; }
                el._cmFolds = true;
                // a folded part opened or closed: laid out and placed again by the two steps of Leaflet's
                // update() that keep the content (update() would draw it anew, folded)
                el.addEventListener("toggle", function(toggled) {
                    if (!map.hasLayer(popup)) { return; }
                    place(popup, function() { popup._updateLayout(); popup._updatePosition(); });
                    var fold = toggled.target, content = el.querySelector(".leaflet-popup-content");
                    var below = fold.getBoundingClientRect().bottom - content.getBoundingClientRect().bottom;
                    if (fold.open && below > 0) {  // a part opened below the scrolled view: up into sight
                        content.scrollTop += Math.min(below, fold.getBoundingClientRect().top
                                                             - content.getBoundingClientRect().top);
                    }
                }, true);
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
    ".cm-card .cm-history{margin-top:4px}.cm-card .cm-history ul{margin:2px 0;padding-left:16px;font-size:92%}"
    ".cm-card .cm-history li{margin:3px 0}"
    ".cm-popup-moved .leaflet-popup-tip-container{display:none}"
    ".cm-district-label{display:none}.cm-offline .cm-district-label{display:block}"
    # the districts are the offline basemap: filled there (a style rule outranks the path's fill="none")
    f".cm-offline path.cm-district{{fill:{OFFLINE_FILL};fill-opacity:1}}"
)
