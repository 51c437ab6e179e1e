"""The survey worklist: the assets whose position is approximate, in the order a surveyor should confirm them.

An asset is on the list while its ``coord_accuracy`` is not one that places the point on the asset
(:func:`culturemap.layers.approximate`); a position confirmed on site (``surveyed``, or an edit that
states what placed it) takes it off, so the list shrinks as the survey goes on.

The order (:data:`TIERS`): national key units first, then 4A/5A scenic spots, provincial units, the
landmarks a visitor is sent to (national night-tour areas, museums, universities), the rest of the
scenic spots and units, then everything else; within a tier by district, then by Chinese name, so a
surveyor walks one district at a time.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from culturemap.layers import approximate, uncertainty_m

# (tier id, test on a row): the first tier whose test holds is the row's; a row matching none is "other"
TIERS: tuple[tuple[str, object], ...] = (
    ("national_units", lambda r: r["layer"] == "heritage_units" and r.get("level") == "national"),
    ("top_scenic", lambda r: r["layer"] == "scenic_spots" and r.get("grade") in ("5A", "4A")),
    ("provincial_units", lambda r: r["layer"] == "heritage_units" and r.get("level") == "provincial"),
    ("landmarks", lambda r: r["layer"] in ("night_tour_zones", "museums", "universities")),
    ("other_listed", lambda r: r["layer"] in ("scenic_spots", "heritage_units")),
    ("other", lambda r: True),
)
TIER_IDS = tuple(t for t, _ in TIERS)
COLUMNS = ["rank", "tier", "layer", "id", "name_zh", "name_en", "district", "grade", "level", "coord_accuracy",
           "uncertainty_m", "lon", "lat"]  # fmt: skip


def tier_of(row) -> str:
    """The worklist tier (one of :data:`TIER_IDS`) of an asset row (a mapping with ``layer`` and, where
    the layer has them, ``grade`` and ``level``)."""
    return next(tier for tier, test in TIERS if test(row))


def survey_worklist(assets: gpd.GeoDataFrame, district: str | None = None) -> pd.DataFrame:
    """The assets of ``assets`` (a city's asset table, EPSG:4326, with ``layer``) whose position is
    approximate, one row each with :data:`COLUMNS`, ranked 1.. in survey order (see the module);
    ``district``: only those of that district (its Chinese name). ``lon``/``lat`` are the stored point
    (WGS-84; an area's representative point), ``uncertainty_m`` how far the asset may lie from it."""
    rows = assets[approximate(assets)]
    if district is not None:
        rows = rows[rows["district"] == district]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "rank" else "object") for c in COLUMNS})
    points = rows.geometry.representative_point()
    table = pd.DataFrame({c: rows.get(c) for c in COLUMNS if c not in ("rank", "tier")})
    table["tier"] = [tier_of(r) for r in rows.to_dict("records")]
    table["uncertainty_m"] = [uncertainty_m(a) for a in rows["coord_accuracy"]]
    table["lon"], table["lat"] = points.x.round(6).to_numpy(), points.y.round(6).to_numpy()
    table["_tier"] = table["tier"].map(TIER_IDS.index)
    table["_district"] = table["district"].fillna("").astype(str)
    table = table.sort_values(["_tier", "_district", "name_zh", "id"], kind="stable").drop(
        columns=["_tier", "_district"]
    )
    table.insert(0, "rank", range(1, len(table) + 1))
    return table[COLUMNS].reset_index(drop=True)
