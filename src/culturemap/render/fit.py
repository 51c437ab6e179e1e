"""Fitting a Leaflet map to a set of results: whether to, the view that does, what lies outside.

Pure functions on WGS-84-like latitude/longitude pairs in the basemap's datum (degrees) and the map's
size in CSS pixels, computed like Leaflet 1.9's ``fitBounds`` (Web Mercator, 256 px tiles, whole
zoom levels), so the server knows the view it asks for and can tell a user's move from its own fit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

FIT_PADDING_PX = 32  # room between the outermost result and the map's edge
FIT_MAX_ZOOM = 15  # a single result (or a few close together) is shown at street level, not closer
FALLBACK_MAP_PX = (360, 640)  # before the map has reported its size: a phone's width, the map's height


def _mercator_y(lat: float) -> float:
    """Web Mercator y of ``lat`` (degrees) on a 1 x 1 world, 0 at the top."""
    lat = max(min(lat, 85.0511287798), -85.0511287798)
    s = math.sin(math.radians(lat))
    return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def _mercator_lat(y: float) -> float:
    """The latitude (degrees) of Web Mercator ``y`` on a 1 x 1 world."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


def map_size_px(south: float, west: float, north: float, east: float, zoom: float) -> tuple[float, float]:
    """The map's width and height in CSS pixels from the bounds (degrees) it reports at ``zoom``."""
    world_px = 256 * 2**zoom
    return (east - west) / 360 * world_px, (_mercator_y(south) - _mercator_y(north)) * world_px


def fit_view(
    bounds: tuple[float, float, float, float],
    map_px: tuple[float, float],
    padding_px: float = FIT_PADDING_PX,
    max_zoom: int = FIT_MAX_ZOOM,
    min_zoom: int = 1,
) -> tuple[float, float, int]:
    """The (lat, lon, zoom) at which ``bounds`` (south, west, north, east in degrees) fit a map of
    ``map_px`` (width, height in px) with ``padding_px`` on each side: Leaflet's ``fitBounds``
    (the deepest whole zoom at which they fit, at most ``max_zoom``; a point gets ``max_zoom``)."""
    south, west, north, east = bounds
    width = max(map_px[0] - 2 * padding_px, 1)
    height = max(map_px[1] - 2 * padding_px, 1)
    dx = (east - west) / 360 * 256
    dy = (_mercator_y(south) - _mercator_y(north)) * 256
    scale = min(width / dx if dx > 0 else math.inf, height / dy if dy > 0 else math.inf)
    zoom = max_zoom if math.isinf(scale) else math.floor(math.log2(scale) + 1e-9)
    zoom = int(max(min_zoom, min(zoom, max_zoom)))
    centre_y = (_mercator_y(south) + _mercator_y(north)) / 2
    return _mercator_lat(centre_y), (west + east) / 2, zoom


def points_bounds(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The (south, west, north, east) around (lat, lon) ``points``; None without points."""
    points = list(points)
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def outside(points: Iterable[tuple[float, float]], bounds: tuple[float, float, float, float]) -> int:
    """How many (lat, lon) ``points`` lie outside ``bounds`` (south, west, north, east)."""
    south, west, north, east = bounds
    return sum(1 for lat, lon in points if not (south <= lat <= north and west <= lon <= east))


def should_fit(results_changed: bool, n_results: int, user_moved: bool, view_from_link: bool) -> bool:
    """Move the map to new results? Only when they changed and there are some, and neither the user
    has moved the map since it was last set (a fit, a selected row, the opening view) nor the link
    the page was opened with fixes a view: then the page says what lies outside instead."""
    return results_changed and n_results > 0 and not user_moved and not view_from_link
