"""Serve Leaflet and its plugins from the app instead of public CDNs.

folium points every map at CDN copies of Leaflet, jQuery, Bootstrap and plugins. The app needs
only Leaflet, jQuery (folium popups) and four plugins; ``vendor/`` pins them (``npm ci`` at install). When the vendored
files are present, :func:`localise_assets` rewrites each map element's links to ``base_url`` so a
map works on a network without CDN access; the unused Bootstrap/awesome-markers links are
dropped either way.
"""

from __future__ import annotations

import os
from pathlib import Path

import folium
from branca.element import Element

# CDN link (as folium 0.20 writes it) -> path under vendor/node_modules
LOCAL_COPIES = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/dist/leaflet.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",  # folium popups use $()
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/dist/leaflet.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": "leaflet-measure/dist/leaflet-measure.min.js",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": "leaflet-measure/dist/leaflet-measure.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js": "leaflet-minimap/dist/Control.MiniMap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css": "leaflet-minimap/dist/Control.MiniMap.min.css",
}
UNUSED = {"bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
          "awesome_markers_css", "awesome_rotate_css"}  # fmt: skip


def vendor_dir() -> Path:
    """``$CULTUREMAP_VENDOR`` or the repository's ``vendor/node_modules``."""
    default = Path(__file__).resolve().parents[3] / "vendor" / "node_modules"
    return Path(os.environ.get("CULTUREMAP_VENDOR", default))


def vendored() -> bool:
    """True when every local copy is installed."""
    root = vendor_dir()
    return all((root / rel).is_file() for rel in LOCAL_COPIES.values())


def walk(element: Element):
    """``element`` and everything below it, depth first in document order."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk(child)


def localise_assets(fmap: folium.Map, base_url: str | None) -> folium.Map:
    """Drop unused library links from ``fmap``; point the rest at ``base_url`` (None: keep CDNs).

    ``base_url`` is the URL prefix under which ``vendor/node_modules`` is served, ending in ``/``.
    Links without a local copy stay on their CDN.
    """
    for element in walk(fmap):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            kept = [(name, url) for name, url in links if name not in UNUSED]
            if base_url is not None:
                kept = [(name, base_url + LOCAL_COPIES[url] if url in LOCAL_COPIES else url) for name, url in kept]
            setattr(element, attr, kept)
    return fmap
