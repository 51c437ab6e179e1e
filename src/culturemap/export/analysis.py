"""What the Density & corridor and Routes pages export: their maps as one folium map each (for the
view snapshot, :func:`culturemap.export.view.view_png`), and the corridor's distance bands as data.

The pages draw a base map once and swap a layer over it; here the same base map and layers are
put together into one map, so that the snapshot shows what the page shows.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from culturemap.analysis.corridor import band_counts, band_polygons, distance_to_river_m
from culturemap.catalog import City
from culturemap.render.analysis import analysis_base_map, density_layer
from culturemap.render.route import candidates_layer, route_base_map, route_layer


def density_map(city: City, grid, contours: gpd.GeoDataFrame, lang: str, basemap: str) -> folium.Map:
    """The density view of the Density & corridor page: its base map with the density overlay of
    ``grid`` and its mass ``contours`` (see :func:`culturemap.render.analysis.density_layer`)."""
    fmap = analysis_base_map(city, lang, basemap, "density")
    density_layer(grid, contours, lang, basemap).add_to(fmap)
    return fmap


def route_map(city: City, plan, candidates: gpd.GeoDataFrame, lang: str, basemap: str) -> folium.Map:
    """The Routes page's map: the route of ``plan`` (numbered stops, legs) over the city, with the
    ``candidates`` (assets not on the route, WGS-84) as grey circles, fitted to the route."""
    fmap = route_base_map(city, lang, basemap)
    candidates_layer(candidates, lang, basemap).add_to(fmap)
    route_layer(city, plan, lang, basemap).add_to(fmap)
    return fmap


def corridor_bands(city: City, assets: gpd.GeoDataFrame, buffers_km: tuple[float, ...]) -> gpd.GeoDataFrame:
    """The distance bands around the river (rings, WGS-84) with the ``assets`` (rows of
    :meth:`City.assets`) in each: ``band``, ``within_km``, one count column per layer, ``total`` and
    ``cumulative``, as :func:`culturemap.analysis.corridor.band_counts` counts them."""
    metric, river = city.config.metric_crs, city.layers["river"]
    counts = band_counts(distance_to_river_m(assets, river, metric), assets["layer"], buffers_km)
    rings = band_polygons(river, metric, buffers_km)
    return gpd.GeoDataFrame(counts, geometry=rings.geometry.to_numpy(), crs=metric).to_crs("EPSG:4326")
