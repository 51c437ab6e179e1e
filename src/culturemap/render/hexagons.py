"""Assets counted per H3 hexagon, drawn as filled cells (the explorer's overview and the hexagons view)."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from culturemap.analysis.aggregate import h3_counts, h3_resolution_for_zoom
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.render.overlay import feature_collection, to_display

HEX_COLOURS = ("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")


def _hex_colour(count: int, max_count: int) -> str:
    if max_count <= 1:
        return HEX_COLOURS[-1]
    share = np.log1p(count) / np.log1p(max_count)
    return HEX_COLOURS[min(int(share * len(HEX_COLOURS)), len(HEX_COLOURS) - 1)]


def hexagon_cells(assets: gpd.GeoDataFrame, zoom: int, max_cells: int) -> tuple[gpd.GeoDataFrame, int]:
    """``assets`` counted per H3 cell at the resolution that suits the web map's ``zoom``, coarser until
    at most ``max_cells`` cells remain: (cells in WGS-84, resolution)."""
    resolution = h3_resolution_for_zoom(zoom)
    cells = h3_counts(assets, resolution)
    while len(cells) > max_cells and resolution > 0:
        resolution -= 1
        cells = h3_counts(assets, resolution)
    return cells, resolution


def add_hexagons(parent: folium.Map | folium.FeatureGroup, cells: gpd.GeoDataFrame, lang: str, datum: str) -> None:
    """Draw ``cells`` (from :func:`hexagon_cells`) on ``parent``, filled by count on a log scale, in the
    basemap's ``datum``, with a tooltip of the count per layer."""
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
        feature_collection(to_display(shown, datum)),
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
