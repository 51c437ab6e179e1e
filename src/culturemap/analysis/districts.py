"""Per-district counts, densities and a grade-weighted score of the assets."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from culturemap.analysis.density import GRADE_WEIGHTS
from culturemap.layers import ASSET_LAYERS

HERITAGE_LEVEL_WEIGHTS = {"national": 4.0, "provincial": 3.0, "municipal": 2.0, "county": 1.0}


def asset_weight(assets: pd.DataFrame) -> pd.Series:
    """Weight of each asset for the district score: scenic spots by grade (5A = 5 ... 1A = 1),
    heritage units by level (national 4 ... county 1), every other asset 1."""
    weight = pd.Series(1.0, index=assets.index)
    if "grade" in assets:
        weight = weight.where(~assets["grade"].isin(GRADE_WEIGHTS), assets["grade"].map(GRADE_WEIGHTS))
    if "level" in assets:
        heritage = (assets["layer"] == "heritage_units") & assets["level"].isin(HERITAGE_LEVEL_WEIGHTS)
        weight = weight.where(~heritage, assets["level"].map(HERITAGE_LEVEL_WEIGHTS))
    return weight.astype(float)


def district_summary(districts: gpd.GeoDataFrame, assets: gpd.GeoDataFrame, metric_crs: str) -> gpd.GeoDataFrame:
    """One row per district: area (km2), assets per layer (by location, not by the ``district``
    attribute), ``total``, ``per_100km2`` and the weighted ``score`` and ``score_per_100km2``."""
    areas = districts.to_crs(metric_crs)
    zones = areas[["name_zh", "geometry"]].rename(columns={"name_zh": "_area"})
    joined = gpd.sjoin(assets.to_crs(metric_crs), zones, predicate="within", how="inner")
    joined = joined.assign(weight=asset_weight(joined))
    counts = pd.crosstab(joined["_area"], joined["layer"]).reindex(columns=list(ASSET_LAYERS), fill_value=0)
    score = joined.groupby("_area")["weight"].sum()
    out = districts[["code", "name_zh", "name_en", "geometry"]].copy()
    out["area_km2"] = areas.area.to_numpy() / 1e6
    for layer in ASSET_LAYERS:
        out[layer] = out["name_zh"].map(counts[layer]).fillna(0).astype(int)
    out["total"] = out[list(ASSET_LAYERS)].sum(axis=1)
    out["per_100km2"] = out["total"] / out["area_km2"] * 100
    out["score"] = out["name_zh"].map(score).fillna(0.0)
    out["score_per_100km2"] = out["score"] / out["area_km2"] * 100
    return out
