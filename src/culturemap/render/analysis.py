"""The analysis views' maps: a base map per view (density, hexagons, districts) and the layers of results
a page swaps over it (density image and contours, H3 cells with Gi* hot spots, districts by value)."""

from __future__ import annotations

import base64
import io
from html import escape

import folium
import geopandas as gpd
import numpy as np
import shapely

from culturemap.catalog import City
from culturemap.crs import geometry_from_wgs84
from culturemap.i18n import tr
from culturemap.render.basemaps import DEFAULT_BASEMAP, basemap_for
from culturemap.render.folium_map import CONTEXT, basemap_layer, city_base_map
from culturemap.render.hexagons import HEX_COLOURS, add_hexagons
from culturemap.render.overlay import (
    BASEMAP_PANE,
    DISPLAY_TOLERANCE_M,
    FrameTitle,
    Legend,
    Overlay,
    OverlayPart,
    feature_collection,
    simplified,
    to_display,
)

DENSITY_IMAGE_MAX_PX = 1_000_000  # the density map's heat image: about a screen's worth of pixels


SPOT_COLOURS = {"hot": "#b2182b", "cold": "#2166ac"}


ANALYSIS_VIEWS = {"density": 1, "hexagons": 2, "districts": 3}  # each view's zoom: levels out from the city's


def analysis_base_map(city: City, lang: str, basemap: str | None, view: str) -> folium.Map:
    """The map an analysis ``view`` ("density", "hexagons" or "districts") is drawn on, without the
    view's results: the city centre, zoomed out to show the municipality, with ``basemap`` (None: left
    out, see :func:`analysis_basemap_layer`).

    The results come as one layer (:func:`density_layer`, :func:`hexagon_layer`,
    :func:`choropleth_layer`), so that a page can keep this map and swap only the layer.
    """
    if view not in ANALYSIS_VIEWS:
        raise ValueError(f"unknown analysis view {view!r}; expected one of {', '.join(ANALYSIS_VIEWS)}")
    return city_base_map(city, lang, basemap, ANALYSIS_VIEWS[view], context=_analysis_context(view),
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
    overlay = Overlay()
    counts = OverlayPart(tr("map_hexagons", lang)).add_to(overlay)
    add_hexagons(counts, cells, lang, datum)
    max_count = int(cells["count"].max()) if len(cells) else 0
    swatches = "".join(f'<span style="background:{c}" class="cm-swatch"></span>' for c in HEX_COLOURS)
    rows = [f"<div>{swatches} {escape(tr('map_hex_legend', lang, max=max_count))}</div>"]
    if "spot" in cells:
        for spot, colour in SPOT_COLOURS.items():
            chosen = cells[cells["spot"] == spot]
            if len(chosen):
                style = {"color": colour, "weight": 3, "fill": False}
                part = OverlayPart(tr(f"spot_{spot}", lang)).add_to(overlay)
                folium.GeoJson(feature_collection(to_display(chosen[["geometry"]], datum)),
                               style_function=lambda _f, s=style: s, control=False).add_to(part)  # fmt: skip
            rows.append(
                f'<div><span style="border:3px solid {colour}" class="cm-swatch"></span> '
                f"{escape(tr(f'spot_{spot}', lang))} ({len(chosen)})</div>"
            )
    Legend('<div class="cm-legend-title">' + escape(tr("map_legend", lang)) + "</div>" + "".join(rows)).add_to(counts)
    FrameTitle(tr("analysis_hexbins", lang)).add_to(counts)
    return overlay


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
    overlay = Overlay()
    image = OverlayPart(tr("analysis_density", lang)).add_to(overlay)
    folium.raster_layers.ImageOverlay(
        "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii"),
        bounds=[[south, west], [north, east]], control=False,
    ).add_to(image)  # fmt: skip
    stops = ", ".join(matplotlib.colors.to_hex(matplotlib.colormaps["magma_r"](v)) for v in np.linspace(0, 1, 6))
    bar = (
        f'<div style="width:160px;height:10px;background:linear-gradient(to right, {stops})"></div>'
        f'<div style="display:flex;justify-content:space-between;width:160px"><span>0</span><span>{peak:.3g}</span></div>'
    )
    Legend(f'<div class="cm-legend-title">{escape(tr("density_unit", lang))}</div>{bar}').add_to(image)
    FrameTitle(tr("analysis_density", lang)).add_to(image)
    lines = OverlayPart(tr("density_contours", lang)).add_to(overlay)
    folium.GeoJson(
        feature_collection(to_display(contours.to_crs("EPSG:4326")[["mass", "geometry"]], datum)),
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
    shown = simplified(areas[[name_field, value, "geometry"]], city.config.metric_crs, DISPLAY_TOLERANCE_M)
    shown = shown.to_crs("EPSG:4326")
    shown["fill"] = [HEX_COLOURS[min(int(v / top * len(HEX_COLOURS)), len(HEX_COLOURS) - 1)] for v in shown[value]]
    shown[value] = shown[value].round(2)
    overlay = Overlay()
    fill = OverlayPart(label).add_to(overlay)
    folium.GeoJson(
        feature_collection(to_display(shown, basemap_for(basemap).datum)),
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
    steps = np.linspace(0, top, len(HEX_COLOURS) + 1)
    rows = [
        f'<div><span style="background:{c}" class="cm-swatch"></span> {lo:.3g}–{hi:.3g}</div>'
        for c, lo, hi in zip(HEX_COLOURS, steps[:-1], steps[1:])
    ]
    Legend(f'<div class="cm-legend-title">{escape(label)}</div>' + "".join(rows)).add_to(fill)
    FrameTitle(f"{city.config.name(lang)} · {label}").add_to(fill)
    return overlay
