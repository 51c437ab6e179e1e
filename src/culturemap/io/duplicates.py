"""Which stored asset an imported row may be: the same id, or the same or a similar name within the
stored asset's uncertainty (its ``coord_accuracy``, :data:`culturemap.layers.UNCERTAINTY_M`: an
approximate point may lie kilometres from the asset), and whether the file's positions look shifted
from the stored ones by a Chinese datum."""

from __future__ import annotations

import difflib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from culturemap.catalog import City
from culturemap.crs import WGS84, to_wgs84
from culturemap.layers import uncertainty_m
from culturemap.names import normalise

# a stored asset this close with the same or a similar name is a probable duplicate, however precise
# its point; farther up to its uncertainty radius (culturemap.layers.UNCERTAINTY_M)
DUPLICATE_M = 200.0
SIMILAR_NAME = 0.75  # difflib ratio of two normalised names from which they count as similar
SHIFT_M = (150.0, 900.0)  # same names this far apart on median: a datum shift (GCJ-02 ~300-600 m, BD-09 more)
# How a probable duplicate matched a stored asset: the same id, the same normalised name (both
# confident: ``update`` by default may replace it), or only a similar name (a question for the user:
# updated only when chosen for that row)
MATCHES = ("id", "name", "similar")
CONFIDENT_MATCHES = ("id", "name")


def find_duplicates(candidates: gpd.GeoDataFrame, existing: gpd.GeoDataFrame, open_rows: np.ndarray,
                    city: City, layer_id: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Per row of ``candidates`` (only ``open_rows``, positions, are looked at): the stored asset with
    the same id, or the same or a similar name within its radius (``duplicate_of``, ``duplicate_name``,
    ``distance_m`` in metres in the city's metric CRS), how it matched (``match``: one of
    :data:`MATCHES`), its layer (``duplicate_layer``), the stored point's accuracy (``accuracy``) and
    its radius (``radius_m``: the larger of :data:`DUPLICATE_M` and :func:`culturemap.layers.uncertainty_m`).

    ``existing``: the stored assets, with a ``layer`` column when they come from several layers
    (:meth:`culturemap.catalog.City.assets`); in a layer other than ``layer_id`` only the same name
    counts (a museum named after the university it lies in is not the university)."""
    out = pd.DataFrame({"duplicate_of": None, "duplicate_name": None, "distance_m": np.nan, "match": None,
                        "duplicate_layer": None, "accuracy": None, "radius_m": np.nan},
                       index=range(len(candidates)))  # fmt: skip
    if existing.empty or candidates.empty:
        return out
    metric = city.config.metric_crs
    new_pts = shapely.point_on_surface(candidates.to_crs(metric).geometry.to_numpy())
    old = existing.to_crs(metric)
    old_pts = shapely.point_on_surface(old.geometry.to_numpy())
    old_names = [normalise(n) if isinstance(n, str) else "" for n in old["name_zh"]]
    accuracy = old["coord_accuracy"] if "coord_accuracy" in old else pd.Series(None, index=old.index)
    radius_m = np.array([max(DUPLICATE_M, uncertainty_m(a)) for a in accuracy])
    layers = old["layer"].tolist() if "layer" in old else [layer_id] * len(old)
    by_id = {fid: j for j, fid in enumerate(old["id"])}
    new_names = [normalise(n) if isinstance(n, str) else "" for n in candidates["name_zh"]]
    new_ids = candidates["id"].tolist()
    near: dict[int, list[int]] = {}
    tree = shapely.STRtree(old_pts)
    for a, b in zip(*tree.query(new_pts[open_rows], predicate="dwithin", distance=float(radius_m.max()))):
        if shapely.distance(new_pts[open_rows[a]], old_pts[b]) <= radius_m[b]:
            near.setdefault(int(open_rows[a]), []).append(int(b))
    for i in open_rows:
        j, match = by_id.get(new_ids[i]), "id"
        if j is None:
            same = [k for k in near.get(i, ()) if new_names[i] and new_names[i] == old_names[k]]
            similar = same or [k for k in near.get(i, ())
                               if layers[k] == layer_id and _similar(new_names[i], old_names[k])]  # fmt: skip
            j = min(similar, key=lambda k: shapely.distance(new_pts[i], old_pts[k])) if similar else None
            match = "name" if same else "similar"
        if j is not None:
            out.loc[i] = [old["id"].iloc[j], old["name_zh"].iloc[j], float(shapely.distance(new_pts[i], old_pts[j])),
                          match, layers[j], accuracy.iloc[j], radius_m[j]]  # fmt: skip
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
