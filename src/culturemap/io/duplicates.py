"""Which stored asset an imported row may be: the same id, the same name or a similar name nearby,
and whether the file's positions look shifted from the stored ones by a Chinese datum."""

from __future__ import annotations

import difflib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from culturemap.catalog import City
from culturemap.crs import WGS84, to_wgs84
from culturemap.names import normalise

DUPLICATE_M = 200.0  # a stored asset this close with the same or a similar name is a probable duplicate
SIMILAR_NAME = 0.75  # difflib ratio of two normalised names from which they count as similar
SHIFT_M = (150.0, 900.0)  # same names this far apart on median: a datum shift (GCJ-02 ~300-600 m, BD-09 more)
# How a probable duplicate matched a stored asset: the same id, the same normalised name (both
# confident: ``update`` by default may replace it), or only a similar name (a question for the user:
# updated only when chosen for that row)
MATCHES = ("id", "name", "similar")
CONFIDENT_MATCHES = ("id", "name")


def find_duplicates(candidates: gpd.GeoDataFrame, existing: gpd.GeoDataFrame, open_rows: np.ndarray,
                    city: City) -> pd.DataFrame:  # fmt: skip
    """Per row of ``candidates`` (only ``open_rows``, positions, are looked at): the stored asset with
    the same id, or the same or a similar name within :data:`DUPLICATE_M` (``duplicate_of``,
    ``duplicate_name``, ``distance_m`` in metres), and how it matched (``match``: one of :data:`MATCHES`)."""
    out = pd.DataFrame({"duplicate_of": None, "duplicate_name": None, "distance_m": np.nan, "match": None},
                       index=range(len(candidates)))  # fmt: skip
    if existing.empty or candidates.empty:
        return out
    metric = city.config.metric_crs
    new_pts = shapely.point_on_surface(candidates.to_crs(metric).geometry.to_numpy())
    old = existing.to_crs(metric)
    old_pts = shapely.point_on_surface(old.geometry.to_numpy())
    old_names = [normalise(n) if isinstance(n, str) else "" for n in old["name_zh"]]
    by_id = {fid: j for j, fid in enumerate(old["id"])}
    new_names = [normalise(n) if isinstance(n, str) else "" for n in candidates["name_zh"]]
    new_ids = candidates["id"].tolist()
    near: dict[int, list[int]] = {}
    for a, b in zip(*shapely.STRtree(old_pts).query(new_pts[open_rows], predicate="dwithin", distance=DUPLICATE_M)):
        near.setdefault(int(open_rows[a]), []).append(int(b))
    for i in open_rows:
        j, match = by_id.get(new_ids[i]), "id"
        if j is None:
            same = [k for k in near.get(i, ()) if new_names[i] and new_names[i] == old_names[k]]
            similar = same or [k for k in near.get(i, ()) if _similar(new_names[i], old_names[k])]
            j = min(similar, key=lambda k: shapely.distance(new_pts[i], old_pts[k])) if similar else None
            match = "name" if same else "similar"
        if j is not None:
            out.loc[i] = [old["id"].iloc[j], old["name_zh"].iloc[j], float(shapely.distance(new_pts[i], old_pts[j])),
                          match]  # fmt: skip
    return out


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME)


def shift_note(candidates: gpd.GeoDataFrame, existing: gpd.GeoDataFrame, city: City) -> tuple | None:
    """When stored assets with the same names lie SHIFT_M apart on median, and reading the file as
    GCJ-02 or BD-09 brings them together, the datum that does."""
    if existing.empty or candidates.empty:
        return None
    names = {normalise(n): g for n, g in zip(existing["name_zh"], existing.geometry) if isinstance(n, str) and g}
    pairs = [(g, names[normalise(n)]) for n, g in zip(candidates["name_zh"], candidates.geometry)
             if isinstance(n, str) and normalise(n) in names and g is not None and isinstance(g, shapely.Point)]  # fmt: skip
    if not pairs:
        return None
    metric = city.config.metric_crs
    old = gpd.GeoSeries([p[1] for p in pairs], crs=WGS84).to_crs(metric)
    new = gpd.GeoSeries([p[0] for p in pairs], crs=WGS84)
    median_m = float(np.median(new.to_crs(metric).distance(old, align=False)))
    if not SHIFT_M[0] <= median_m <= SHIFT_M[1]:
        return None
    best = None
    for datum in ("gcj02", "bd09"):
        lon, lat = to_wgs84(new.x.to_numpy(), new.y.to_numpy(), datum)
        moved = gpd.GeoSeries(shapely.points(lon, lat), crs=WGS84).to_crs(metric)
        d = float(np.median(moved.distance(old, align=False)))
        if d < median_m / 3 and (best is None or d < best[1]):
            best = (datum, d)
    values = {"n": len(pairs), "distance_m": median_m, "datum": best[0] if best else "?",
              "after_m": best[1] if best else median_m}  # fmt: skip
    return ("import_note_shifted" if best else "import_note_shifted_unknown", values)
