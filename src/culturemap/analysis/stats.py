"""Spatial statistics of asset patterns, each with a sentence a non-specialist can read.

- Clark-Evans nearest-neighbour index (NNI) with a two-sided p-value (normal approximation).
- Ripley's L function with a seeded simulation envelope of complete spatial randomness (CSR).
- Getis-Ord Gi* hot and cold spots on a polygon grid (``esda.getisord.G_Local``, queen contiguity).
- Coverage gaps: areas whose representative point is far from every asset.

Point inputs are metric coordinates (metres, the city's metric CRS); polygon inputs are
GeoDataFrames in any CRS. None of the tests corrects for edge effects: points near the edge of the
study area have fewer neighbours than they would inside it, which pushes the NNI up a little.
"""

from __future__ import annotations

import threading
import warnings

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import cKDTree
from scipy.stats import norm

from culturemap.crs import WGS84

ALPHA = 0.05
LANGS = ("zh", "en")
# standard error of the mean nearest-neighbour distance under CSR is 0.26136 / sqrt(n * density)
_CLARK_EVANS_SE = 0.26136
# esda draws its permutations from numpy's global generator (np.random.seed, then permutation): two
# threads (two visitors, or a visitor and the warm-up) interleaving there get other results than the seed promises
_GLOBAL_RNG_LOCK = threading.Lock()


def _xy_m(xy_m: np.ndarray, minimum: int, what: str) -> np.ndarray:
    xy = np.asarray(xy_m, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"{what} needs an (n, 2) array of x/y metres, got shape {xy.shape}")
    if len(xy) < minimum:
        raise ValueError(f"{what} needs at least {minimum} points, got {len(xy)}")
    if not np.isfinite(xy).all():
        raise ValueError(f"{what}: coordinates contain NaN or infinite values")
    return xy


def clark_evans(xy_m: np.ndarray, area_m2: float) -> dict:
    """Clark-Evans nearest-neighbour index of points in a study area.

    Parameters
    ----------
    xy_m : numpy.ndarray
        (n, 2) coordinates in metres (a metric CRS, not lon/lat).
    area_m2 : float
        Area of the study region (m2), e.g. the summed district area.

    Returns
    -------
    dict
        ``n``, ``area_km2``, ``observed_mean_m`` (mean distance to the nearest other point),
        ``expected_mean_m`` (0.5 / sqrt(n / A), its value under CSR), ``nni`` (observed /
        expected: below 1 clustered, above 1 dispersed), ``z`` ((obs - exp) / (0.26136 /
        sqrt(n^2 / A))), ``p_value`` (two-sided, normal approximation) and ``pattern``
        ("clustered" or "dispersed" when p < 0.05, else "random").
    """
    xy = _xy_m(xy_m, 2, "the nearest-neighbour index")
    if not area_m2 > 0:
        raise ValueError(f"the study area must be positive, got {area_m2} m2")
    n = len(xy)
    distances, _ = cKDTree(xy).query(xy, k=2)
    observed_m = float(distances[:, 1].mean())
    density_per_m2 = n / area_m2
    expected_m = float(0.5 / np.sqrt(density_per_m2))
    z = (observed_m - expected_m) / (_CLARK_EVANS_SE / np.sqrt(n * density_per_m2))
    p_value = float(2 * norm.sf(abs(z)))
    nni = observed_m / expected_m
    pattern = "random"
    if p_value < ALPHA:
        pattern = "clustered" if nni < 1 else "dispersed"
    return {
        "n": n,
        "area_km2": area_m2 / 1e6,
        "observed_mean_m": observed_m,
        "expected_mean_m": expected_m,
        "nni": float(nni),
        "z": float(z),
        "p_value": p_value,
        "pattern": pattern,
    }


def _study_hull(xy: np.ndarray, hull: shapely.Geometry | str | None) -> shapely.Geometry:
    if hull is None or hull == "bbox":
        return shapely.box(*xy.min(axis=0), *xy.max(axis=0))
    if hull == "convex":
        return shapely.convex_hull(shapely.multipoints(xy))
    if isinstance(hull, shapely.Polygon | shapely.MultiPolygon):
        outside = int((~shapely.covers(hull, shapely.points(xy))).sum())
        if outside:
            raise ValueError(f"{outside} point(s) lie outside the hull: pass a hull in the points' metric CRS")
        return hull
    raise ValueError(f"hull must be None, 'bbox', 'convex' or a shapely (Multi)Polygon in metres, got {hull!r}")


def _l_function_m(xy: np.ndarray, distance_m: np.ndarray, area_m2: float) -> np.ndarray:
    """L(d) = sqrt(K(d) / pi), K(d) = A * 2 * (pairs closer than d) / n^2, no edge correction."""
    n = len(xy)
    tree = cKDTree(xy)
    pairs = (tree.count_neighbors(tree, distance_m) - n) / 2  # ordered pairs incl. self -> unordered
    return np.sqrt(area_m2 * 2 * pairs / n**2 / np.pi)


def _csr_sample(hull: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform random points inside ``hull`` (rejection sampling in its bounding box)."""
    xmin, ymin, xmax, ymax = hull.bounds
    shapely.prepare(hull)
    kept = np.empty((0, 2))
    while len(kept) < n:
        draw = rng.uniform((xmin, ymin), (xmax, ymax), size=(2 * n, 2))
        kept = np.vstack([kept, draw[shapely.contains_xy(hull, draw[:, 0], draw[:, 1])]])
    return kept[:n]


def ripley_l(
    xy_m: np.ndarray,
    support_m: np.ndarray | int = 20,
    n_simulations: int = 99,
    seed: int | None = 0,
    hull: shapely.Geometry | str | None = None,
) -> pd.DataFrame:
    """Ripley's L function of points against an envelope of random (CSR) patterns in the same hull.

    The statistic is the one of ``pointpats.distance_statistics.l`` (and ``l_test`` with its default
    ``linearized=False``): L(d) = sqrt(K(d) / pi) in metres, with K from the study-area intensity
    and no edge correction. Under complete spatial randomness L(d) is about d (a little less at
    longer distances, as pairs across the hull's edge are missing), so compare ``l_observed`` with
    the envelope, which has the same bias, not with d or zero. The envelope is pointwise: a random
    pattern leaves it at about 5 % of the distances. The simulations are computed here rather than
    by ``l_test``, which in pointpats 2.5.5 cannot be seeded (each simulation draws from a fresh
    ``numpy.random.default_rng()``) and takes the intensity from each pattern's own bounding box,
    so a ``hull`` larger than the points' extent would hide clustering.

    Parameters
    ----------
    xy_m : numpy.ndarray
        (n, 2) coordinates in metres, n >= 3.
    support_m : numpy.ndarray or int
        Distances (m) at which to evaluate L, or how many evenly spaced distances to use up to a
        quarter of the hull's shorter bounding-box side.
    n_simulations : int
        Number of CSR patterns (with n points each) for the envelope.
    seed : int or None
        Seed of the simulations (None: different every call).
    hull : shapely Polygon/MultiPolygon in metres, "bbox", "convex" or None
        Study area in which the random patterns are drawn and whose area sets the intensity;
        None and "bbox" mean the points' bounding box, "convex" their convex hull.

    Returns
    -------
    pandas.DataFrame
        One row per distance: ``distance_m``, ``l_observed`` (m), ``envelope_low`` and
        ``envelope_high`` (2.5 and 97.5 percentiles of the simulated L, m), ``p_value`` (one-sided
        pseudo p-value in the direction of the deviation, (k + 1) / (n_simulations + 1) where k
        simulations are at least as extreme) and ``pattern`` ("clustered" above the envelope,
        "dispersed" below it, "random" inside). ``attrs`` records ``n_simulations`` and ``hull_area_km2``.
    """
    xy = _xy_m(xy_m, 3, "Ripley's L")
    if n_simulations < 1:
        raise ValueError(f"n_simulations must be at least 1, got {n_simulations}")
    study = _study_hull(xy, hull)
    area_m2 = float(study.area)
    if not area_m2 > 0:
        raise ValueError("the points are collinear or coincide: their hull has no area")
    if isinstance(support_m, int | np.integer):
        if support_m < 1:
            raise ValueError(f"support_m must be at least 1 distance, got {support_m}")
        xmin, ymin, xmax, ymax = study.bounds
        max_m = min(xmax - xmin, ymax - ymin) / 4
        distance_m = np.linspace(max_m / support_m, max_m, int(support_m))
    else:
        distance_m = np.asarray(support_m, dtype=float).ravel()
    if len(distance_m) == 0 or (distance_m < 0).any():
        raise ValueError(f"support_m must be non-negative distances in metres, got {support_m}")
    observed = _l_function_m(xy, distance_m, area_m2)
    rng = np.random.default_rng(seed)
    simulated = np.array(
        [_l_function_m(_csr_sample(study, len(xy), rng), distance_m, area_m2) for _ in range(n_simulations)]
    )
    low, high = np.percentile(simulated, [2.5, 97.5], axis=0)
    as_high = ((simulated >= observed).sum(axis=0) + 1) / (n_simulations + 1)
    as_low = ((simulated <= observed).sum(axis=0) + 1) / (n_simulations + 1)
    table = pd.DataFrame(
        {
            "distance_m": distance_m,
            "l_observed": observed,
            "envelope_low": low,
            "envelope_high": high,
            "p_value": np.minimum(as_high, as_low),
            "pattern": np.where(observed > high, "clustered", np.where(observed < low, "dispersed", "random")),
        }
    )
    table.attrs.update(n_simulations=n_simulations, hull_area_km2=area_m2 / 1e6)
    return table


def fill_hex_grid(cells: gpd.GeoDataFrame, resolution: int, rings: int = 2) -> gpd.GeoDataFrame:
    """Add the empty H3 cells (count 0) within ``rings`` rings of the occupied ones.

    :func:`culturemap.analysis.aggregate.h3_counts` returns occupied cells only; Gi* needs their
    empty neighbours, or a cell surrounded by nothing looks average. Only nearby rings are filled:
    filling a whole municipality would let thousands of empty cells dominate the grid's mean and
    variance, against which every cell is compared.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        Output of ``h3_counts``: an ``h3`` column, ``count``, ``n_<value>`` columns, EPSG:4326.
    resolution : int
        H3 resolution the cells were counted at (checked against the cell ids).
    rings : int
        How many rings of neighbours (H3 grid distance) to add around each occupied cell.

    Returns
    -------
    geopandas.GeoDataFrame
        The occupied cells followed by the empty ones (``count`` and ``n_*`` 0, ``top`` missing), EPSG:4326.
    """
    if "h3" not in cells.columns:
        raise ValueError("fill_hex_grid needs an 'h3' column of cell ids, as h3_counts returns")
    if cells.empty:
        return cells
    found = {h3.get_resolution(c) for c in cells["h3"]}
    if found != {resolution}:
        raise ValueError(f"the cells are at H3 resolution {sorted(found)}, not {resolution}")
    occupied = set(cells["h3"])
    ids = sorted({neighbour for c in occupied for neighbour in h3.grid_disk(c, rings)} - occupied)
    if not ids:
        return cells
    empty = gpd.GeoDataFrame(
        {"h3": ids, "count": 0},
        geometry=[shapely.Polygon([(lon, lat) for lat, lon in h3.cell_to_boundary(c)]) for c in ids],
        crs=WGS84,
    )
    filled = pd.concat([cells.to_crs(WGS84), empty], ignore_index=True)
    for column in filled.columns:
        if column.startswith("n_"):
            filled[column] = filled[column].fillna(0).astype(int)
    return gpd.GeoDataFrame(filled, geometry="geometry", crs=WGS84)


def hotspots(
    cells: gpd.GeoDataFrame, value: str = "count", permutations: int = 999, seed: int = 0, alpha: float = ALPHA
) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* hot and cold spots on a polygon grid (hexagons or squares), queen contiguity.

    Gi* compares the sum of ``value`` over each cell and its neighbours (binary weights, the cell
    itself included) with the whole grid. Empty cells must be present with value 0 (see
    :func:`fill_hex_grid`). Cells without any neighbour (islands) are left out of the test.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        Polygons that touch their neighbours (any CRS) with a numeric ``value`` column.
    value : str
        Column to test, e.g. ``count`` from ``h3_counts``.
    permutations : int
        Conditional permutations for the pseudo p-value.
    seed : int
        Seed of the permutations.
    alpha : float
        Significance level of the one-sided pseudo p-value.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy (index reset) with ``gi_z`` (standardised Gi*, NaN for islands), ``gi_p`` (one-sided
        permutation p-value in the direction of gi_z, simulations tied with the observed Gi* counted
        as at least as extreme: esda 2.9's ``p_sim`` would call tied all-zero neighbourhoods cold)
        and ``spot``: "hot" (gi_z > 0 and gi_p < alpha), "cold" (gi_z < 0 and gi_p < alpha) or "not significant".
        ``attrs["alpha"]`` records alpha.
    """
    from esda.getisord import G_Local
    from libpysal.weights import Queen

    if value not in cells.columns:
        raise ValueError(f"hotspots: no column {value!r} in the cells (columns: {', '.join(map(str, cells.columns))})")
    out = cells.reset_index(drop=True).copy()
    out["gi_z"] = np.nan
    out["gi_p"] = np.nan
    out["spot"] = "not significant"
    out.attrs["alpha"] = alpha
    if len(out) < 3:
        return out
    contiguity = Queen.from_dataframe(out, use_index=False, silence_warnings=True)  # islands handled here
    linked = np.array([contiguity.cardinalities[i] > 0 for i in range(len(out))])
    if linked.sum() < 3:
        return out
    weights = Queen.from_dataframe(out[linked], use_index=False, silence_warnings=True)
    y = out.loc[linked, value].to_numpy(dtype=float)
    if np.ptp(y) == 0:  # a constant grid has no hot or cold spot (and Gi* would divide by zero)
        return out
    with _GLOBAL_RNG_LOCK, warnings.catch_warnings():
        # esda 2.9 warns about a future change of the permutation test's default alternative (G_Local
        # does not expose it) and calls numpy's deprecated row_stack,
        warnings.filterwarnings("ignore", message=".*alternative hypothesis.*", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*row_stack.*", category=DeprecationWarning)
        # and its fill_diagonal rebuilds the weights without silence_warnings: separate clusters are fine
        warnings.filterwarnings("ignore", message=".*not fully connected.*", category=UserWarning)
        gi = G_Local(
            y, weights, transform="B", star=True, permutations=permutations, seed=seed, n_jobs=1, keep_simulations=True
        )
    # esda's p_sim counts simulations tied with the observed value as "larger", so a cell whose
    # neighbourhood holds the grid's commonest low value (e.g. all zeros) gets p = 1 / (permutations
    # + 1) and would be called cold; count ties against significance in both directions instead
    observed, simulated = gi.Gs[:, None], gi.rGs
    tied = np.isclose(simulated, observed, rtol=1e-9, atol=1e-12)
    p_high = (((simulated > observed) | tied).sum(axis=1) + 1) / (permutations + 1)
    p_low = (((simulated < observed) | tied).sum(axis=1) + 1) / (permutations + 1)
    idx = np.flatnonzero(linked)
    out.loc[idx, "gi_z"] = gi.Zs
    out.loc[idx, "gi_p"] = np.where(gi.Zs >= 0, p_high, p_low)
    out.loc[idx[(gi.Zs > 0) & (p_high < alpha)], "spot"] = "hot"
    out.loc[idx[(gi.Zs < 0) & (p_low < alpha)], "spot"] = "cold"
    return out


def coverage_gaps(
    areas: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    metric_crs: str,
    min_distance_km: float = 5.0,
    name_field: str = "name_zh",
) -> gpd.GeoDataFrame:
    """Distance from each area (district or hexagon) to the nearest asset, and whether it is a gap.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Polygons in any CRS; measured from their representative point (inside the polygon).
    assets : geopandas.GeoDataFrame
        Assets in any CRS; polygons are reduced to their representative point.
    metric_crs : str
        Projected CRS in metres in which distances are measured (the city's UTM zone).
    min_distance_km : float
        An area is a gap when its nearest asset is farther than this (km).
    name_field : str
        Column of ``assets`` naming the nearest asset in the output.

    Returns
    -------
    geopandas.GeoDataFrame
        ``areas`` (same CRS and columns) plus ``nearest_asset_km`` (inf when there are no assets),
        ``nearest_asset`` (its ``name_field``) and ``gap`` (nearest_asset_km > min_distance_km).
    """
    if CRS.from_user_input(metric_crs).is_geographic:
        raise ValueError(f"coverage_gaps needs a projected CRS in metres, got {metric_crs}")
    for frame, what in ((areas, "areas"), (assets, "assets")):
        if frame.crs is None:
            raise ValueError(f"coverage_gaps: the {what} have no CRS; set it (e.g. EPSG:4326) first")
    if name_field not in assets.columns:
        raise ValueError(f"coverage_gaps: the assets have no {name_field!r} column to name the nearest asset")
    out = areas.copy()
    centres = areas.to_crs(metric_crs).representative_point().to_numpy()
    points = assets.to_crs(metric_crs).representative_point().to_numpy()
    distance_m = np.full(len(centres), np.inf)
    nearest = np.full(len(centres), None, dtype=object)
    if len(points) and len(centres):
        (area_idx, asset_idx), found_m = shapely.STRtree(points).query_nearest(
            centres, all_matches=False, return_distance=True
        )
        distance_m[area_idx] = found_m
        nearest[area_idx] = assets[name_field].to_numpy()[asset_idx]
    out["nearest_asset_km"] = distance_m / 1000.0
    out["nearest_asset"] = nearest
    out["gap"] = out["nearest_asset_km"] > min_distance_km
    return out


def _p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _distance_text(distance_m: float, zh: bool) -> str:
    if distance_m < 1000:
        return f"{distance_m:.0f} 米" if zh else f"{distance_m:.0f} m"
    return f"{distance_m / 1000:.1f} 公里" if zh else f"{distance_m / 1000:.1f} km"


def _interpret_clark_evans(result: dict, zh: bool) -> str:
    p = _p_text(result["p_value"])
    observed = _distance_text(result["observed_mean_m"], zh)
    expected = _distance_text(result["expected_mean_m"], zh)
    if zh:
        verdict = {
            "clustered": "点位明显比随机分布更集中",
            "dispersed": "点位明显比随机分布更均匀分散",
            "random": "点位分布与随机分布没有显著差异",
        }[result["pattern"]]
        return (
            f"最近邻指数 NNI = {result['nni']:.2f}（{p}，{result['n']} 个点位）：{verdict}"
            f"——每个点位到最近点位平均 {observed}，随机分布时约为 {expected}。"
        )
    verdict = {
        "clustered": "the assets are clearly more clustered than a random scatter would be",
        "dispersed": "the assets are spread more evenly than a random scatter would be",
        "random": "the pattern cannot be told apart from a random scatter",
    }[result["pattern"]]
    return (
        f"Nearest-neighbour index NNI = {result['nni']:.2f} ({p}, {result['n']} assets): {verdict}; "
        f"the nearest neighbour of an asset is on average {observed} away, against about {expected} at random."
    )


def _interpret_ripley(table: pd.DataFrame, zh: bool) -> str:
    n_sim = table.attrs.get("n_simulations", "")
    for pattern in ("clustered", "dispersed"):
        rows = table[table["pattern"] == pattern]
        if rows.empty:
            continue
        lo, hi = _distance_text(rows["distance_m"].min(), zh), _distance_text(rows["distance_m"].max(), zh)
        strongest = rows.loc[(rows["l_observed"] - rows["distance_m"]).abs().idxmax()]
        at, l_obs = _distance_text(strongest["distance_m"], zh), _distance_text(strongest["l_observed"], zh)
        if zh:
            scale = f"在 {lo}的尺度上" if lo == hi else f"在 {lo}至 {hi}的尺度上"
            word = "更聚集" if pattern == "clustered" else "更分散"
            return (
                f"Ripley L 函数：{scale}，点位比 {n_sim} 次随机模拟{word}"
                f"（例如 {at}处 L = {l_obs}，随机分布时约等于该距离）。"
            )
        scale = f"at {lo}" if lo == hi else f"at distances from {lo} to {hi}"
        word = "more clustered" if pattern == "clustered" else "more evenly spread"
        return (
            f"Ripley's L: {scale} the assets are {word} than in {n_sim} random simulations "
            f"(at {at}, L = {l_obs}, where a random scatter gives about the distance itself)."
        )
    if zh:
        return f"Ripley L 函数：在全部 {len(table)} 个距离尺度上，点位分布都落在 {n_sim} 次随机模拟的包络之内。"
    return (
        f"Ripley's L: at all {len(table)} distances the pattern stays inside the envelope "
        f"of {n_sim} random simulations."
    )


def _interpret_hotspots(cells: pd.DataFrame, zh: bool) -> str:
    hot = int((cells["spot"] == "hot").sum())
    cold = int((cells["spot"] == "cold").sum())
    alpha = cells.attrs.get("alpha", ALPHA)
    if zh:
        return (
            f"Getis-Ord Gi* 热点分析：{len(cells)} 个网格中，{hot} 个为显著热点（资产明显多于周边），"
            f"{cold} 个为显著冷点（明显少于周边；p < {alpha:g}）。"
        )
    return (
        f"Getis-Ord Gi*: of {len(cells)} cells, {hot} are significant hot spots (clearly more assets than around "
        f"them) and {cold} cold spots (clearly fewer; p < {alpha:g})."
    )


def interpret(result: dict | pd.DataFrame, kind: str, lang: str = "zh") -> str:
    """One plain sentence, with the numbers, about a result of :func:`clark_evans` (``kind``
    "clark_evans"), :func:`ripley_l` ("ripley") or :func:`hotspots` ("hotspots"), in Chinese
    (``lang`` "zh") or English ("en")."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGS)}")
    zh = lang == "zh"
    if kind == "clark_evans":
        return _interpret_clark_evans(result, zh)
    if kind == "ripley":
        return _interpret_ripley(result, zh)
    if kind == "hotspots":
        return _interpret_hotspots(result, zh)
    raise ValueError(f"unknown result kind {kind!r}: expected clark_evans, ripley or hotspots")
