"""Web tiles under a print map (see :mod:`culturemap.export.print_map`): fetched in Web Mercator with
contextily within a deadline and warped to the map's metric CRS, or not drawn (then the caller says why)."""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

import numpy as np
from pyproj import Transformer

from culturemap.i18n import tr
from culturemap.render.basemaps import Basemap

log = logging.getLogger(__name__)

TILE_DEADLINE_S = 6.0  # all web tiles of a print map, fetched and warped, or the offline basemap alone
TILE_TIMEOUT_S = (2.0, 3.0)  # one tile request: connect, read
TILE_PX_PER_INCH = 96  # tiles at screen scale: their labels print at the size they have on a screen
EARTH_CIRCUMFERENCE_M = 40_075_016.686  # Web Mercator's width at zoom 0 (one 256 px tile)


def _tile_host(basemap: Basemap) -> str:
    return urlsplit(basemap.provider().build_url(x=0, y=0, z=0)).netloc


def _fetch_tiles(basemap: Basemap, crs: str, extent, width_in: float, deadline_s: float):
    """The web tiles of ``basemap`` covering ``extent`` (minx, miny, maxx, maxy in ``crs``) on a map
    ``width_in`` inches wide, fetched in Web Mercator at :data:`TILE_PX_PER_INCH` and warped to ``crs``:
    (RGBA image, (left, right, bottom, top) in ``crs``), or None when they could not all be fetched within
    ``deadline_s`` seconds (a stalled fetch is left to end on its own)."""
    import contextily

    minx, miny, maxx, maxy = extent
    to_mercator = Transformer.from_crs(crs, "EPSG:3857", always_xy=True)
    west, south, east, north = to_mercator.transform_bounds(minx, miny, maxx, maxy)
    zoom_exact = np.log2(width_in * TILE_PX_PER_INCH * EARTH_CIRCUMFERENCE_M / (256 * (east - west)))
    zoom = int(np.clip(np.ceil(zoom_exact), 0, basemap.max_zoom))
    result = {}

    def fetch() -> None:
        try:
            image, mercator_extent = contextily.bounds2img(west, south, east, north, zoom=zoom, source=basemap.provider(),
                                                          timeout=TILE_TIMEOUT_S, max_retries=0, use_cache=False,
                                                          n_connections=2)  # fmt: skip
            result["tiles"] = contextily.warp_tiles(image, mercator_extent, t_crs=crs)
        except Exception as exc:  # noqa: BLE001 - any failure (network, HTTP, image) means: draw offline
            log.info("web tiles of %s not drawn: %s", basemap.id, exc)  # the caller gets a note

    worker = threading.Thread(target=fetch, name="print-map-tiles", daemon=True)
    worker.start()
    worker.join(deadline_s)
    return result.get("tiles")


def draw_tiles(ax, basemap: Basemap, crs: str, extent, width_in: float, lang: str, deadline_s: float) -> str | None:
    """Draw the web tiles of ``basemap`` under everything; returns a note in ``lang`` when they are not drawn."""
    if basemap.datum != "wgs84":
        datum = f"{basemap.datum[:3]}-{basemap.datum[3:]}".upper()  # gcj02: GCJ-02
        return tr("export_tiles_datum", lang, basemap=basemap.label(lang), datum=datum)
    tiles = _fetch_tiles(basemap, crs, extent, width_in, deadline_s)
    if tiles is None:
        return tr("export_tiles_unreachable", lang, host=_tile_host(basemap))
    image, (left, right, bottom, top) = tiles
    ax.imshow(image, extent=(left, right, bottom, top), interpolation="bilinear", zorder=0)
    return None
