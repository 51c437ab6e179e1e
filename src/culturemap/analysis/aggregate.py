"""Aggregate many points into H3 hexagon cells with counts, so a map's payload stays bounded."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from culturemap.crs import WGS84

# Leaflet zoom -> H3 resolution whose cells are a few tens of screen pixels across
_ZOOM_TO_RES = {5: 3, 6: 4, 7: 4, 8: 5, 9: 6, 10: 6, 11: 7, 12: 8, 13: 8, 14: 9, 15: 10, 16: 10}


def h3_resolution_for_zoom(zoom: float) -> int:
    """The H3 resolution to aggregate at for a map shown at Leaflet ``zoom`` (3 at zoom<=5, 10 at >=15)."""
    z = int(np.clip(round(zoom), 5, 16))
    return _ZOOM_TO_RES[z]


def h3_cells(geometry: gpd.GeoSeries, resolution: int) -> np.ndarray:
    """The H3 cell id (hex string) of each geometry's representative point (WGS-84 input)."""
    if geometry.crs is None or not geometry.crs.equals(WGS84):
        raise ValueError(f"h3_cells needs WGS-84 (EPSG:4326) geometries, got {geometry.crs}")
    xy = shapely.get_coordinates(shapely.point_on_surface(geometry.to_numpy()))
    return np.array([h3.latlng_to_cell(lat, lon, resolution) for lon, lat in xy], dtype=object)


def h3_counts(assets: gpd.GeoDataFrame, resolution: int, by: str = "layer") -> gpd.GeoDataFrame:
    """Count ``assets`` per H3 cell at ``resolution``.

    Returns one row per occupied cell: ``h3`` (cell id), ``count``, one ``n_<value>`` column per
    value of ``by`` (e.g. ``n_museums``), ``top`` (the most frequent ``by`` value) and the cell
    hexagon as geometry (EPSG:4326). Sorted by count, largest first.
    """
    if assets.empty:
        return gpd.GeoDataFrame({"h3": [], "count": [], "top": []}, geometry=[], crs=WGS84)
    cells = h3_cells(assets.geometry, resolution)
    table = pd.crosstab(pd.Series(cells, name="h3"), assets[by].to_numpy())
    table.columns = [f"n_{c}" for c in table.columns]
    counts = table.sum(axis=1)
    top = table.idxmax(axis=1).str.slice(2)
    out = table.assign(count=counts, top=top).reset_index().sort_values(["count", "h3"], ascending=[False, True])
    hexes = [shapely.Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(c)]) for c in out["h3"]]
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry=hexes, crs=WGS84)


def h3_cell_area_km2(resolution: int) -> float:
    """Average area of an H3 cell at ``resolution`` (km2)."""
    return float(h3.average_hexagon_area(resolution, unit="km^2"))
