"""Spatial statistics of asset patterns, each with a sentence a non-specialist can read.

- Clark-Evans nearest-neighbour index (NNI) with a two-sided p-value (normal approximation).
- Ripley's L function with a simulation envelope (``pointpats.distance_statistics.l_test``).
- Getis-Ord Gi* hot and cold spots on a hexagon grid (``esda.getisord.G_Local``, queen contiguity).
- Coverage gaps: areas whose centre is far from every asset.

Inputs are metric coordinates (metres) or GeoDataFrames converted to the city's metric CRS.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from scipy.stats import norm

from culturemap.crs import WGS84

ALPHA = 0.05


def clark_evans(xy_m: np.ndarray, area_m2: float) -> dict:
    """Clark-Evans NNI of points ``xy_m`` (n x 2, metres) in a study area of ``area_m2``.

    NNI = observed mean nearest-neighbour distance / expected 0.5 / sqrt(n / A). Below 1 the
    points are clustered, above 1 dispersed. z = (obs - exp) / (0.26136 / sqrt(n^2 / A)).
    """
    xy_m = np.asarray(xy_m, dtype=float).reshape(-1, 2)
    n = len(xy_m)
    if n < 2:
        raise ValueError(f"the nearest-neighbour index needs at least 2 points, got {n}")
    if area_m2 <= 0:
        raise ValueError(f"the study area must be positive, got {area_m2} m2")
    distances, _ = cKDTree(xy_m).query(xy_m, k=2)
    observed = float(distances[:, 1].mean())
    density = n / area_m2
    expected = 0.5 / np.sqrt(density)
    z = (observed - expected) / (0.26136 / np.sqrt(n * density))
    p_value = float(2 * norm.sf(abs(z)))
    nni = observed / expected
    pattern = "random"
    if p_value < ALPHA:
        pattern = "clustered" if nni < 1 else "dispersed"
    return {
        "n": n,
        "area_km2": area_m2 / 1e6,
        "observed_mean_m": observed,
        "expected_mean_m": float(expected),
        "nni": float(nni),
        "z": float(z),
        "p_value": p_value,
        "pattern": pattern,
    }


def ripley_l(
    xy_m: np.ndarray, support_m: np.ndarray | int = 20, n_simulations: int = 99, seed: int | None = 0
) -> pd.DataFrame:
    """Ripley's L with a simulation envelope from complete spatial randomness in the points' hull.

    One row per distance: ``distance_m``, ``l_observed`` (pointpats' L statistic), ``envelope_low``
    and ``envelope_high`` (2.5 and 97.5 percentiles of the simulations), ``p_value`` and
    ``pattern`` (clustered above the envelope, dispersed below it, random inside).
    """
    from pointpats.distance_statistics import l_test

    xy_m = np.asarray(xy_m, dtype=float).reshape(-1, 2)
    if len(xy_m) < 3:
        raise ValueError(f"Ripley's L needs at least 3 points, got {len(xy_m)}")
    if seed is not None:
        np.random.seed(seed)  # pointpats draws its simulations from numpy's global generator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = l_test(xy_m, support=support_m, n_simulations=n_simulations, keep_simulations=True)
    low, high = np.percentile(result.simulations, [2.5, 97.5], axis=0)
    observed = np.asarray(result.statistic)
    pattern = np.where(observed > high, "clustered", np.where(observed < low, "dispersed", "random"))
    return pd.DataFrame(
        {
            "distance_m": np.asarray(result.support),
            "l_observed": observed,
            "envelope_low": low,
            "envelope_high": high,
            "p_value": np.asarray(result.pvalue),
            "pattern": pattern,
        }
    )


def fill_hex_grid(cells: gpd.GeoDataFrame, resolution: int, rings: int = 2) -> gpd.GeoDataFrame:
    """Add the empty cells (count 0) within ``rings`` H3 rings of the occupied ones.

    Hot and cold spots need the empty neighbours; filling a whole municipality instead would let
    thousands of empty cells dominate the statistic (and call each of them "cold").
    """
    occupied = set(cells["h3"])
    ids = sorted({n for c in occupied for n in h3.grid_disk(c, rings)} - occupied)
    if not ids:
        return cells
    empty = gpd.GeoDataFrame(
        {"h3": ids, "count": 0},
        geometry=[shapely.Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(c)]) for c in ids],
        crs=WGS84,
    )
    filled = pd.concat([cells, empty], ignore_index=True)
    for column in filled.columns:
        if column.startswith("n_"):
            filled[column] = filled[column].fillna(0).astype(int)
    return gpd.GeoDataFrame(filled, geometry="geometry", crs=WGS84)


def hotspots(
    cells: gpd.GeoDataFrame, value: str = "count", permutations: int = 999, seed: int = 0, alpha: float = ALPHA
) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* on a polygon grid with queen contiguity; adds ``gi_z``, ``gi_p`` (permutation
    p-value) and ``spot`` (hot, cold or not significant). Cells without neighbours are not significant."""
    from esda.getisord import G_Local
    from libpysal.weights import Queen

    out = cells.reset_index(drop=True).copy()
    out["gi_z"] = np.nan
    out["gi_p"] = np.nan
    out["spot"] = "not significant"
    if len(out) < 3:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = Queen.from_dataframe(out, use_index=False)
        linked = np.array([weights.cardinalities[i] > 0 for i in range(len(out))])
        if linked.sum() < 3:
            return out
        sub = out[linked].reset_index(drop=True)
        sub_weights = Queen.from_dataframe(sub, use_index=False)
        gi = G_Local(sub[value].to_numpy(dtype=float), sub_weights, star=True, permutations=permutations, seed=seed)
    idx = np.flatnonzero(linked)
    out.loc[idx, "gi_z"] = gi.Zs
    out.loc[idx, "gi_p"] = gi.p_sim
    significant = gi.p_sim < alpha
    out.loc[idx[significant & (gi.Zs > 0)], "spot"] = "hot"
    out.loc[idx[significant & (gi.Zs < 0)], "spot"] = "cold"
    return out


def coverage_gaps(
    areas: gpd.GeoDataFrame, assets: gpd.GeoDataFrame, metric_crs: str, min_distance_km: float = 5.0
) -> gpd.GeoDataFrame:
    """For each area (district or hexagon): km from its representative point to the nearest asset,
    and ``gap`` = farther than ``min_distance_km``."""
    out = areas.copy()
    centres = areas.to_crs(metric_crs).representative_point().to_numpy()
    points = assets.to_crs(metric_crs).representative_point().to_numpy()
    if len(points) == 0:
        out["nearest_asset_km"] = np.inf
    else:
        tree = shapely.STRtree(points)
        nearest = tree.query_nearest(centres, all_matches=False, return_distance=True)
        distance = np.full(len(centres), np.inf)
        distance[nearest[0][0]] = nearest[1]
        out["nearest_asset_km"] = distance / 1000.0
    out["gap"] = out["nearest_asset_km"] > min_distance_km
    return out


def interpret(result: dict | pd.DataFrame | gpd.GeoDataFrame, kind: str, lang: str = "zh") -> str:
    """One sentence for non-specialists about a result of :func:`clark_evans`, :func:`ripley_l`
    or :func:`hotspots`, in Chinese (``zh``) or English (``en``)."""
    zh = lang == "zh"
    if kind == "clark_evans":
        r = result
        p = "p < 0.001" if r["p_value"] < 0.001 else f"p = {r['p_value']:.3f}"
        what = {
            "clustered": ("点位明显比随机分布更集中", "the assets are clearly more clustered than a random scatter"),
            "dispersed": ("点位明显比随机分布更均匀分散", "the assets are spread more evenly than a random scatter"),
            "random": ("点位分布与随机分布没有显著差异", "the pattern cannot be told apart from a random scatter"),
        }[r["pattern"]]
        if zh:
            return f"最近邻指数 NNI = {r['nni']:.2f}（{p}，{r['n']} 个点位）：{what[0]}。"
        return f"Nearest-neighbour index NNI = {r['nni']:.2f} ({p}, {r['n']} assets): {what[1]}."
    if kind == "ripley":
        clustered = result[result["pattern"] == "clustered"]["distance_m"]
        if len(clustered):
            lo, hi = clustered.min() / 1000, clustered.max() / 1000
            if zh:
                return f"Ripley L 函数：在 {lo:.1f}–{hi:.1f} 公里尺度上，点位聚集程度超出随机模拟包络（99 次模拟）。"
            return f"Ripley's L: between {lo:.1f} and {hi:.1f} km the assets are more clustered than any of the random simulations."
        if zh:
            return "Ripley L 函数：各尺度上点位分布均在随机模拟包络之内。"
        return "Ripley's L: at every distance the pattern stays inside the envelope of random simulations."
    if kind == "hotspots":
        hot = int((result["spot"] == "hot").sum())
        cold = int((result["spot"] == "cold").sum())
        if zh:
            return f"Getis-Ord Gi* 热点分析：{hot} 个网格为显著热点（资产高度集中），{cold} 个为显著冷点（p < 0.05）。"
        return f"Getis-Ord Gi*: {hot} cells are significant hot spots (assets concentrate) and {cold} cold spots (p < 0.05)."
    raise ValueError(f"unknown result kind {kind!r}: expected clark_evans, ripley or hotspots")
