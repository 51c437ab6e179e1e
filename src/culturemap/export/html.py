"""A standalone HTML map: the explorer's folium map of a selection in one file that opens offline.

Leaflet, jQuery and the plugins are inlined from ``vendor/node_modules`` (the copies the app serves,
see :mod:`culturemap.render.assets`), their CSS images as data URIs, so the file needs no CDN. Web
tiles are used where they can be reached; without them the map falls back to the pack's own
offline basemap (districts with labels, the river), as in the app. Every user text is escaped by
:func:`culturemap.render.folium_map.build_map`.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from html import escape
from pathlib import Path

import folium
import geopandas as gpd

from culturemap.catalog import City
from culturemap.io.files import atomic_outputs
from culturemap.render.assets import LOCAL_COPIES, localise_assets, vendor_dir
from culturemap.render.basemaps import DEFAULT_BASEMAP
from culturemap.render.folium_map import MapOptions, build_map

_CSS_URL = re.compile(r"url\((['\"]?)(?!data:|#|https?:)([^)'\"]+)\1\)")
_EXTERNAL = re.compile(r"<script[^>]+src=|<link[^>]+stylesheet")


def _inline_css(path: Path) -> str:
    """The stylesheet at ``path`` with its relative ``url(...)`` images as data URIs."""

    def data_uri(match: re.Match) -> str:
        image = path.parent / match.group(2)
        if not image.is_file():
            return match.group(0)
        kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return f'url("data:{kind};base64,{base64.b64encode(image.read_bytes()).decode("ascii")}")'

    return _CSS_URL.sub(data_uri, path.read_text(encoding="utf-8"))


def inline_assets(html: str) -> str:
    """``html`` (a folium page linking the CDN copies of :data:`LOCAL_COPIES`) with each script and
    stylesheet inlined from the vendored files.

    Raises
    ------
    FileNotFoundError
        when a vendored file is missing (``npm ci`` in ``vendor/`` installs them).
    ValueError
        when the page still links a script or stylesheet that has no local copy.
    """
    root = vendor_dir()
    for url, rel in LOCAL_COPIES.items():
        script, sheet = f'<script src="{url}"></script>', f'<link rel="stylesheet" href="{url}"/>'
        if script not in html and sheet not in html:
            continue
        path = root / rel
        if not path.is_file():
            raise FileNotFoundError(f"{path}: vendored copy of {url} is missing; run `npm ci` in vendor/")
        if url.endswith(".js"):
            code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
            html = html.replace(script, f"<script>{code}</script>")
        else:
            html = html.replace(sheet, f"<style>{_inline_css(path)}</style>")
    if leftover := _EXTERNAL.search(html):
        raise ValueError(
            f"the page links an asset without a local copy: {html[leftover.start() : leftover.start() + 160]}"
        )
    return html


def map_page(fmap: folium.Map, title: str | None = None) -> str:
    """``fmap`` as one HTML page that fills the window, titled ``title`` (escaped), with every library
    inlined (this renders ``fmap``: do not render it again)."""
    fmap.width, fmap.height = (100.0, "%"), (100.0, "%")
    root = fmap.get_root()
    if title is not None:
        root.title = escape(title)
    return inline_assets(localise_assets(fmap, None).get_root().render())


def standalone_html(city: City, assets: gpd.GeoDataFrame, lang: str, title: str, basemap: str = DEFAULT_BASEMAP) -> str:
    """The explorer's map of ``assets`` (rows of :meth:`City.assets`, WGS-84) as one HTML page that
    fills the window, titled ``title`` (escaped), with every library inlined."""
    return map_page(build_map(city, assets, MapOptions(lang=lang, basemap=basemap)).map, title)


def write_html(city: City, assets: gpd.GeoDataFrame, lang: str, title: str, path: str | Path,
               basemap: str = DEFAULT_BASEMAP) -> Path:  # fmt: skip
    """Write :func:`standalone_html` to ``path``, atomically; returns the path."""
    text = standalone_html(city, assets, lang, title, basemap)
    with atomic_outputs([path]) as (tmp,):
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
