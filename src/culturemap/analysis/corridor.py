"""The river corridor: which bank a feature is on, how far along and how far from the river it is."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree


def _river_parts_m(river: gpd.GeoDataFrame, metric_crs: str) -> list[shapely.LineString]:
    """The river's line parts in file order, in ``metric_crs``.

    The file must list parts in flow order, each digitised upstream to downstream.
    """
    exploded = river.to_crs(metric_crs).geometry.explode(index_parts=False)
    return [g for g in exploded if g is not None and not g.is_empty]


SEGMENT_MAX_M = 25.0  # the river is densified to this spacing before referencing
# the corridor as the analysis page opens and the report draws it: distance bands around the river (the
# corridor is the widest) and the river's stretches in the profile
DEFAULT_BANDS_KM = (0.5, 1.0, 2.0, 5.0)
PROFILE_BIN_KM = 5.0


def _project(points: np.ndarray, parts: list[shapely.LineString]) -> dict[str, np.ndarray]:
    """Vectorised linear referencing of metric points onto the river.

    The river is densified to ``SEGMENT_MAX_M`` spacing; a KD-tree finds each point's nearest
    vertex, and the point is projected onto the two segments that meet there (the nearer wins).
    Returns the part index, distance (m), position along that part (m), the foot point, and the
    sign of the cross product of the segment's direction with the offset to the point (> 0: left).
    """
    vertices, part_of, along, seg_ok = [], [], [], []
    for k, part in enumerate(parts):
        xy = shapely.get_coordinates(shapely.segmentize(part, SEGMENT_MAX_M))
        step = np.hypot(*np.diff(xy, axis=0).T)
        vertices.append(xy)
        part_of.append(np.full(len(xy), k))
        along.append(np.concatenate([[0.0], np.cumsum(step)]))
        seg_ok.append(np.concatenate([step > 0, [False]]))  # a segment starts at each vertex but the last
    v = np.vstack(vertices)
    part_of, along, seg_ok = np.concatenate(part_of), np.concatenate(along), np.concatenate(seg_ok)
    p = shapely.get_coordinates(points)
    if len(p) == 0:
        empty = np.empty(0)
        return {"part": np.empty(0, dtype=int), "distance_m": empty, "along_m": empty, "foot": np.empty((0, 2)),
                "cross": empty}  # fmt: skip
    _, nearest = cKDTree(v).query(p)
    best = None
    for start in (nearest - 1, nearest):  # the segments ending and starting at the nearest vertex
        start = np.clip(start, 0, len(v) - 2)
        valid = seg_ok[start] & (part_of[start] == part_of[np.minimum(start + 1, len(v) - 1)])
        a, b = v[start], v[start + 1]
        ab = b - a
        length2 = np.where(valid, (ab * ab).sum(axis=1), 1.0)
        t = np.where(valid, np.clip(((p - a) * ab).sum(axis=1) / length2, 0.0, 1.0), 0.0)
        foot = a + t[:, None] * ab
        d = p - foot
        dist = np.where(valid, np.hypot(d[:, 0], d[:, 1]), np.inf)
        candidate = {
            "part": part_of[start],
            "distance_m": dist,
            "along_m": along[start] + t * np.sqrt(length2),
            "foot": foot,
            "cross": ab[:, 0] * d[:, 1] - ab[:, 1] * d[:, 0],
        }
        if best is None:
            best = candidate
        else:
            closer = candidate["distance_m"] < best["distance_m"]
            for key, value in candidate.items():
                best[key] = (
                    np.where(closer[:, None], value, best[key])
                    if value.ndim == 2
                    else np.where(closer, value, best[key])
                )
    return best


def river_side(features: gpd.GeoDataFrame, river: gpd.GeoDataFrame, metric_crs: str) -> np.ndarray:
    """Which side of the river each feature lies on, looking downstream.

    The river line must be digitised from upstream to downstream. Returns ``"left"`` or
    ``"right"`` per feature (for a river flowing east, left is the north bank), decided by the
    sign of the cross product between the river's local direction (over +/- 50 m around the
    nearest point) and the offset to the feature. Computed in ``metric_crs`` (metres).
    """
    points = shapely.point_on_surface(features.to_crs(metric_crs).geometry.to_numpy())
    cross = _project(points, _river_parts_m(river, metric_crs))["cross"]
    return np.where(cross > 0, "left", "right").astype(object)


def distance_to_river_m(features: gpd.GeoDataFrame, river: gpd.GeoDataFrame, metric_crs: str) -> np.ndarray:
    """Distance in metres from each feature (its representative point) to the river, in ``metric_crs``."""
    points = shapely.point_on_surface(features.to_crs(metric_crs).geometry.to_numpy())
    return _project(points, _river_parts_m(river, metric_crs))["distance_m"]


def _parts_with_offsets(river: gpd.GeoDataFrame, metric_crs: str) -> tuple[list[shapely.LineString], np.ndarray]:
    """River parts in flow order and the chainage (m) at the start of each; gaps between parts are not counted."""
    parts = _river_parts_m(river, metric_crs)
    offsets = np.concatenate([[0.0], np.cumsum([p.length for p in parts])[:-1]])
    return parts, offsets


def linear_reference(features: gpd.GeoDataFrame, river: gpd.GeoDataFrame, metric_crs: str) -> pd.DataFrame:
    """Reference every feature onto the river.

    Returns, in the order of ``features``: ``chainage_km`` (distance along the river from its
    upstream end to the nearest river point, km), ``distance_m`` (to the river, m), ``bank``
    (``left``/``right`` looking downstream) and ``side`` (the compass side of the river the feature
    is on: north, south, east or west). The river must be digitised upstream to downstream.
    """
    parts, offsets = _parts_with_offsets(river, metric_crs)
    points = shapely.point_on_surface(features.to_crs(metric_crs).geometry.to_numpy())
    ref = _project(points, parts)
    d = shapely.get_coordinates(points) - ref["foot"]
    vertical = np.abs(d[:, 1]) >= np.abs(d[:, 0])
    side = np.where(vertical, np.where(d[:, 1] >= 0, "north", "south"), np.where(d[:, 0] >= 0, "east", "west"))
    return pd.DataFrame(
        {
            "chainage_km": (offsets[ref["part"]] + ref["along_m"]) / 1000.0,
            "distance_m": ref["distance_m"],
            "bank": np.where(ref["cross"] > 0, "left", "right").astype(object),
            "side": side.astype(object),
        },
        index=features.index,
    )


def _band_edges(buffers_km: tuple[float, ...]) -> tuple[np.ndarray, list[str]]:
    """The bands' outer edges in km, sorted, and their labels (``"0.5-1 km"``)."""
    edges = np.asarray(sorted(buffers_km), dtype=float)
    if len(edges) == 0 or edges[0] <= 0:
        raise ValueError(f"buffers must be positive distances in km, got {list(buffers_km)}")
    return edges, [f"{lo:g}-{hi:g} km" for lo, hi in zip(np.concatenate([[0.0], edges[:-1]]), edges)]


def band_counts(distance_m: np.ndarray, layers: pd.Series, buffers_km: tuple[float, ...]) -> pd.DataFrame:
    """Assets per distance band and layer.

    Bands are (0, b1], (b1, b2], ... in km from the river; rows farther than the last buffer are
    left out. Returns one row per band (``band`` like ``"0.5-1 km"``, ``within_km``) with one
    column per layer and ``total``; ``cumulative`` counts everything within ``within_km``.
    """
    edges, labels = _band_edges(buffers_km)
    km = np.asarray(distance_m, dtype=float) / 1000.0
    band = np.searchsorted(edges, km, side="left")  # 0 for km <= edges[0]
    inside = band < len(edges)
    table = pd.crosstab(
        pd.Categorical(band[inside], categories=range(len(edges))), layers.to_numpy()[inside], dropna=False
    )
    table.index = labels
    table["total"] = table.sum(axis=1)
    table.insert(0, "within_km", edges)
    table["cumulative"] = table["total"].cumsum()
    return table.rename_axis("band").reset_index()


def band_polygons(river: gpd.GeoDataFrame, metric_crs: str, buffers_km: tuple[float, ...]) -> gpd.GeoDataFrame:
    """The distance bands of :func:`band_counts` as areas: one ring per band (the river's buffer of its
    outer edge less the buffer of its inner edge), in ``metric_crs``; columns ``band``, ``within_km``."""
    edges, labels = _band_edges(buffers_km)
    line = shapely.union_all(_river_parts_m(river, metric_crs))
    discs = [line.buffer(km * 1000.0) for km in edges]
    rings = [discs[0], *(outer.difference(inner) for inner, outer in zip(discs, discs[1:]))]
    return gpd.GeoDataFrame({"band": labels, "within_km": edges}, geometry=rings, crs=metric_crs)


def corridor_profile(
    chainage_km: np.ndarray, layers: pd.Series, bin_km: float = 2.0, length_km: float | None = None
) -> pd.DataFrame:
    """Assets per stretch of river: one row per ``bin_km`` of chainage, one column per layer, and ``total``.

    ``start_km`` is the upstream end of each stretch; empty stretches are kept (rows of zeros) so the
    profile can be drawn as a continuous chart.
    """
    if bin_km <= 0:
        raise ValueError(f"bin_km must be positive, got {bin_km}")
    chainage_km = np.asarray(chainage_km, dtype=float)
    top = length_km if length_km is not None else (chainage_km.max() if len(chainage_km) else 0.0)
    n_bins = max(int(np.ceil(top / bin_km)), 1)
    index = np.clip((chainage_km // bin_km).astype(int), 0, n_bins - 1)
    table = pd.crosstab(pd.Categorical(index, categories=range(n_bins)), layers.to_numpy(), dropna=False)
    table.index = np.arange(n_bins) * bin_km
    table["total"] = table.sum(axis=1)
    return table.rename_axis("start_km").reset_index()


def river_length_km(river: gpd.GeoDataFrame, metric_crs: str) -> float:
    """Total length of the river's parts in km (gaps between parts not counted)."""
    return sum(part.length for part in _river_parts_m(river, metric_crs)) / 1000.0
