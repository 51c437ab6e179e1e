"""The river corridor: which bank a feature is on, how far it is from the river."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def _river_parts_m(river: gpd.GeoDataFrame, metric_crs: str) -> list[shapely.LineString]:
    merged = shapely.line_merge(shapely.union_all(river.to_crs(metric_crs).geometry.to_numpy()))
    return list(getattr(merged, "geoms", [merged]))


def river_side(features: gpd.GeoDataFrame, river: gpd.GeoDataFrame, metric_crs: str) -> np.ndarray:
    """Which side of the river each feature lies on, looking downstream.

    The river line must be digitised from upstream to downstream. Returns ``"left"`` or
    ``"right"`` per feature (for a river flowing east, left is the north bank), decided by the
    sign of the cross product between the river's local direction (over +/- 50 m around the
    nearest point) and the offset to the feature. Computed in ``metric_crs`` (metres).
    """
    parts = _river_parts_m(river, metric_crs)
    points = shapely.point_on_surface(features.to_crs(metric_crs).geometry.to_numpy())
    dist = np.column_stack([shapely.distance(part, points) for part in parts])
    nearest = dist.argmin(axis=1)
    sides = np.empty(len(points), dtype=object)
    for i, (pt, k) in enumerate(zip(points, nearest)):
        line = parts[k]
        s = line.project(pt)
        a = line.interpolate(max(s - 50.0, 0.0))
        b = line.interpolate(min(s + 50.0, line.length))
        on = line.interpolate(s)
        cross = (b.x - a.x) * (pt.y - on.y) - (b.y - a.y) * (pt.x - on.x)
        sides[i] = "left" if cross > 0 else "right"
    return sides


def distance_to_river_m(features: gpd.GeoDataFrame, river: gpd.GeoDataFrame, metric_crs: str) -> np.ndarray:
    """Distance in metres from each feature to the nearest river line, in ``metric_crs``."""
    line = shapely.union_all(river.to_crs(metric_crs).geometry.to_numpy())
    return shapely.distance(line, features.to_crs(metric_crs).geometry.to_numpy())
