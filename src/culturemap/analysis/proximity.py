"""Universities among heritage and tourism sites: campus proximity and a district soft-power index.

Soft-power index of a district d (documented in ``FORMULA``):

    density_c(d) = weighted count of component c in d / area(d) x 100          (per 100 km2)
    norm_c(d)    = (density_c(d) - min_d density_c) / (max_d density_c - min_d density_c)   (0 if all equal)
    index(d)     = 100 x sum_c w_c x norm_c(d) / sum_c w_c

Components and their feature weights: heritage units (national 4, provincial 3, municipal 2,
county 1), scenic spots (5A 5 ... 1A 1), museums (1 each), night-tour zones (national 3,
provincial 2, municipal 1), universities (1 per distinct institution with a campus in the
district). Features are assigned to districts by location, not by their ``district`` field.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from culturemap.analysis.density import GRADE_WEIGHTS
from culturemap.analysis.districts import HERITAGE_LEVEL_WEIGHTS

NIGHT_LEVEL_WEIGHTS = {"national": 3.0, "provincial": 2.0, "municipal": 1.0}
COMPONENTS = ("heritage", "scenic", "museums", "night", "universities")
COMPONENT_LAYERS = {
    "heritage": "heritage_units",
    "scenic": "scenic_spots",
    "museums": "museums",
    "night": "night_tour_zones",
    "universities": "universities",
}
DEFAULT_WEIGHTS = {"heritage": 0.3, "scenic": 0.25, "museums": 0.15, "night": 0.1, "universities": 0.2}
FORMULA = {
    "zh": (
        "指数 = 100 × Σ(权重 × 归一化密度) ÷ Σ权重。各分项密度为每百平方公里的加权数量："
        "文保单位（全国 4、省 3、市 2、县 1）、A级景区（5A=5 … 1A=1）、博物馆（各 1）、"
        "夜间文旅集聚区（国家 3、省 2、市 1）、高校（每所有校区在该区县的院校计 1）；"
        "归一化为各区县间的最小-最大缩放（0–1）。点位按实际位置归入区县。"
    ),
    "en": (
        "index = 100 x sum(weight x normalised density) / sum(weights). Each component's density is a "
        "weighted count per 100 km2: heritage units (national 4, provincial 3, municipal 2, county 1), "
        "scenic spots (5A = 5 ... 1A = 1), museums (1 each), night-tour zones (national 3, provincial 2, "
        "municipal 1), universities (1 per institution with a campus in the district); normalised by "
        "min-max scaling across districts (0-1). Features count in the district they lie in."
    ),
}


def _points_m(frame: gpd.GeoDataFrame, metric_crs: str) -> gpd.GeoDataFrame:
    out = frame.to_crs(metric_crs)
    return out.set_geometry(out.geometry.representative_point())


def campus_proximity(
    universities: gpd.GeoDataFrame, targets: dict[str, gpd.GeoDataFrame], metric_crs: str, radius_km: float = 2.0
) -> pd.DataFrame:
    """Per campus: ``n_<layer>`` features of each target layer within ``radius_km`` (straight-line
    distance between representative points, in ``metric_crs``), and the nearest one
    (``nearest_<layer>_id``, ``nearest_<layer>_name``, ``nearest_<layer>_m`` in metres)."""
    if radius_km <= 0:
        raise ValueError(f"radius_km must be positive, got {radius_km}")
    campuses = _points_m(universities, metric_crs).reset_index(drop=True)
    out = campuses[["id", "name_zh", "campus"]].copy()
    here = shapely.get_coordinates(campuses.geometry.array)
    for layer, frame in targets.items():
        if frame is None or frame.empty or not len(out):
            out[f"n_{layer}"] = 0
            out[f"nearest_{layer}_id"] = None
            out[f"nearest_{layer}_name"] = None
            out[f"nearest_{layer}_m"] = np.nan
            continue
        pts = _points_m(frame, metric_crs).reset_index(drop=True)
        there = shapely.get_coordinates(pts.geometry.array)
        distance_m = np.hypot(here[:, None, 0] - there[None, :, 0], here[:, None, 1] - there[None, :, 1])
        nearest = distance_m.argmin(axis=1)  # the first of equally near ones
        out[f"n_{layer}"] = (distance_m <= radius_km * 1000).sum(axis=1)
        out[f"nearest_{layer}_id"] = pts["id"].to_numpy()[nearest]
        out[f"nearest_{layer}_name"] = pts["name_zh"].to_numpy()[nearest]
        out[f"nearest_{layer}_m"] = distance_m[np.arange(len(out)), nearest]
    return out


def _check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown index component(s) {', '.join(sorted(unknown))}; expected {', '.join(COMPONENTS)}")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError(f"weights must be non-negative and not all zero, got {weights}")
    return {c: float(weights.get(c, 0.0)) for c in COMPONENTS}


def _feature_weights(component: str, frame: pd.DataFrame) -> pd.Series:
    if component == "heritage":
        return frame["level"].map(HERITAGE_LEVEL_WEIGHTS).fillna(0.0)
    if component == "scenic":
        return frame["grade"].map(GRADE_WEIGHTS).fillna(0.0)
    if component == "night":
        return frame["level"].map(NIGHT_LEVEL_WEIGHTS).fillna(0.0)
    return pd.Series(1.0, index=frame.index)


def layer_weights(layer: str, frame: pd.DataFrame) -> pd.Series:
    """The index's feature weight of each row of asset layer ``layer`` (heritage and night-tour zones
    by level, scenic spots by grade, see the module docstring); 1 for every row of another layer."""
    component = next((c for c, lid in COMPONENT_LAYERS.items() if lid == layer), None)
    return _feature_weights(component, frame)


def component_densities(
    districts: gpd.GeoDataFrame, layers: dict[str, gpd.GeoDataFrame], metric_crs: str
) -> pd.DataFrame:
    """The weight-free part of the soft-power index: per district (in file order) name_zh, name_en,
    area_km2 and, per component, its weighted count per 100 km2 (``<c>_per_100km2``) and that density
    min-max normalised across the districts (``<c>_norm``, 0-1). See :func:`soft_power_index`."""
    zones = districts.to_crs(metric_crs)
    out = pd.DataFrame({"name_zh": zones["name_zh"].to_numpy(), "name_en": zones["name_en"].to_numpy()})
    out["area_km2"] = zones.area.to_numpy() / 1e6
    keyed = zones[["geometry"]].assign(_district=np.arange(len(zones)))
    for component in COMPONENTS:
        frame = layers.get(COMPONENT_LAYERS[component])
        totals = np.zeros(len(zones))
        if frame is not None and len(frame):
            joined = gpd.sjoin(_points_m(frame, metric_crs), keyed, predicate="within")
            if component == "universities":
                per = joined.drop_duplicates(["_district", "name_zh"]).groupby("_district").size()
            else:
                per = _feature_weights(component, joined).groupby(joined["_district"]).sum()
            totals[per.index.to_numpy()] = per.to_numpy()
        density = totals / out["area_km2"].to_numpy() * 100
        span = density.max() - density.min()
        out[f"{component}_per_100km2"] = density
        out[f"{component}_norm"] = (density - density.min()) / span if span > 0 else 0.0
    return out


def weighted_index(densities: pd.DataFrame, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """:func:`component_densities` with ``index`` (0-100) and ``rank`` (1 = highest) for ``weights``
    (component -> weight, default ``DEFAULT_WEIGHTS``), sorted by rank."""
    w = _check_weights(weights)
    out = densities.copy()
    out["index"] = 100 * sum(w[c] * out[f"{c}_norm"] for c in COMPONENTS) / sum(w.values())
    out["rank"] = out["index"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank", "name_zh"]).reset_index(drop=True)


def soft_power_index(
    districts: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    metric_crs: str,
    weights: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The cultural soft-power index per district (see the module docstring and ``FORMULA``).

    ``layers`` maps layer ids (heritage_units, scenic_spots, museums, night_tour_zones,
    universities) to their frames. Returns name_zh, name_en, area_km2, one density and one
    normalised column per component, ``index`` (0-100) and ``rank`` (1 = highest), sorted by rank.
    Weights are checked before anything is computed; to rank the same districts under many weights,
    compute :func:`component_densities` once and call :func:`weighted_index` per weighting.
    """
    _check_weights(weights)
    return weighted_index(component_densities(districts, layers, metric_crs), weights)
