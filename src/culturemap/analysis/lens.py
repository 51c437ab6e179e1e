"""The university lens: what lies within reach of a campus, and a city's card of comparable indicators.

- :func:`campus_reach`: heritage units, scenic spots, museums and night-tour zones within walking
  (1 km), cycling (3 km) and short-drive (10 km) reach of one campus. Distances are straight lines
  in the city's metric CRS (its UTM zone, ``city.toml`` ``metric_crs``; not geodesic: within 10 km
  the two differ by well under 0.1 %), from the campus point to the nearest point of the feature's
  geometry (a night-tour zone drawn as a polygon is reached at its edge, 0 m from inside it).
- :func:`city_card`: each layer per 100 km2 (the districts' area in an equal-area CRS: a Lambert
  azimuthal equal-area projection centred on the city) and per 10,000 residents (the population
  ``city.toml`` cites, else "not given"), the district soft-power index
  (:func:`culturemap.analysis.proximity.soft_power_index`), and the campuses nearest to each
  heritage cluster. Clusters are the Getis-Ord Gi* hot spots of heritage units on H3 cells
  (:func:`culturemap.analysis.stats.hotspots` on :func:`~culturemap.analysis.stats.fill_hex_grid`,
  as the analysis page's hexagon view), adjacent hot cells merged into one cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from culturemap.analysis.aggregate import h3_counts
from culturemap.analysis.proximity import layer_weights, soft_power_index
from culturemap.analysis.stats import fill_hex_grid, hotspots
from culturemap.catalog import City, Population
from culturemap.catalog.sources import cite_text
from culturemap.crs import WGS84
from culturemap.layers import ASSET_LAYERS, LAYERS

REACH_LAYERS = ("heritage_units", "scenic_spots", "museums", "night_tour_zones")
RINGS_M = (1000, 3000, 10000)  # walking, cycling, short drive
RING_MODES = ("walk", "bike", "car")  # the route designer's travel mode for each of RINGS_M
CARD_LAYERS = (*REACH_LAYERS, "universities")
CLUSTER_RESOLUTION = 7  # H3 cells of about 5 km2, the analysis page's default
CLUSTER_PERMUTATIONS = 499
_LAYER_ORDER = {lid: n for n, lid in enumerate(ASSET_LAYERS)}


def _campus(city: City, campus_id: str) -> gpd.GeoSeries:
    campuses = city.layers["universities"]
    found = campuses[campuses["id"] == campus_id]
    if found.empty:
        known = ", ".join(campuses["id"].astype(str)) or "none"
        raise ValueError(f"no campus {campus_id!r} in the {city.config.id} pack; its campuses: {known}")
    return found.iloc[0]


def _check_rings(rings_m) -> tuple[float, ...]:
    rings = tuple(float(r) for r in rings_m)
    if not rings or any(r <= 0 for r in rings) or list(rings) != sorted(set(rings)):
        raise ValueError(f"rings_m must be increasing positive distances in metres, got {rings_m}")
    return rings


def campus_reach(city: City, campus_id: str, rings_m=RINGS_M) -> pd.DataFrame:
    """The heritage units, scenic spots, museums and night-tour zones within ``rings_m`` of a campus.

    Parameters
    ----------
    city : City
        A loaded pack.
    campus_id : str
        The ``id`` of a row of the pack's universities layer (one campus).
    rings_m : sequence of float
        Increasing reach distances in metres (default walking 1 km, cycling 3 km, short drive 10 km).

    Returns
    -------
    pandas.DataFrame
        One row per feature within the largest ring: ``rank`` (1 = first), ``layer``, ``id``,
        ``name_zh``, ``name_en``, ``grade`` (the layer's class value: grade, level or kind),
        ``weight`` (the soft-power index's weight of that grade, 1 where a layer has none),
        ``distance_m`` (straight line in the metric CRS, see the module docstring) and ``ring_m``
        (the smallest ring holding it: a feature exactly on a ring is inside it). Ranked by
        distance rounded to the whole metre, then by weight (higher grade first), then by layer
        (the registry's order) and id, so equal distances and grades always come out in one order.

    Raises
    ------
    ValueError
        when the campus is not in the pack or the rings are not increasing positive distances.
    """
    rings = _check_rings(rings_m)
    campus = _campus(city, campus_id)
    metric = city.config.metric_crs
    here = gpd.GeoSeries([campus.geometry], crs=WGS84).to_crs(metric).iloc[0]
    found = []
    for lid in REACH_LAYERS:
        frame = city.layers.get(lid)
        if frame is None or frame.empty:
            continue
        distance_m = frame.geometry.to_crs(metric).distance(here).to_numpy()
        near = distance_m <= rings[-1]
        if not near.any():
            continue
        rows = frame.loc[near]
        class_field = LAYERS[lid].class_field
        found.append(
            pd.DataFrame(
                {
                    "layer": lid,
                    "id": rows["id"].to_numpy(),
                    "name_zh": rows["name_zh"].to_numpy(),
                    "name_en": rows["name_en"].to_numpy(),
                    "grade": rows[class_field].to_numpy() if class_field in rows else None,
                    "weight": layer_weights(lid, rows).to_numpy(dtype=float),
                    "distance_m": distance_m[near],
                }
            )
        )
    columns = ["rank", "layer", "id", "name_zh", "name_en", "grade", "weight", "distance_m", "ring_m"]
    if not found:
        return pd.DataFrame(columns=columns)
    reach = pd.concat(found, ignore_index=True)
    reach["ring_m"] = np.asarray(rings)[np.searchsorted(rings, reach["distance_m"].to_numpy(), side="left")]
    order = reach.assign(_m=reach["distance_m"].round(0), _w=-reach["weight"], _l=reach["layer"].map(_LAYER_ORDER))
    reach = reach.loc[order.sort_values(["_m", "_w", "_l", "id"]).index].reset_index(drop=True)
    reach["rank"] = np.arange(1, len(reach) + 1)
    return reach[columns]


def ring_counts(reach: pd.DataFrame, rings_m=RINGS_M) -> pd.DataFrame:
    """Features of each layer within each ring (cumulative: the 3 km ring holds the 1 km one), from
    :func:`campus_reach`: one row per layer of :data:`REACH_LAYERS`, one column per ring (m)."""
    rings = _check_rings(rings_m)
    return pd.DataFrame(
        {ring: [int(((reach["layer"] == lid) & (reach["distance_m"] <= ring)).sum()) for lid in REACH_LAYERS]
         for ring in rings},
        index=pd.Index(REACH_LAYERS, name="layer"),
    )  # fmt: skip


def equal_area_crs(city: City) -> CRS:
    """A Lambert azimuthal equal-area projection (metres) centred on the city's centre."""
    cfg = city.config
    return CRS.from_proj4(f"+proj=laea +lat_0={cfg.center_lat} +lon_0={cfg.center_lon} +datum=WGS84 +units=m +no_defs")


def _layer_count(city: City, lid: str) -> int:
    frame = city.layers.get(lid)
    if frame is None or frame.empty:
        return 0
    return int(frame["name_zh"].nunique()) if lid == "universities" else len(frame)


@dataclass(frozen=True)
class CityCard:
    """Indicators of one city that compare with another's (see :func:`city_card`)."""

    city_id: str
    name_zh: str
    name_en: str
    area_km2: float
    population: Population | None
    indicators: pd.DataFrame  # index: layer; count, per_100km2, per_10k_residents (NaN: population not given)
    soft_power: pd.DataFrame  # culturemap.analysis.proximity.soft_power_index, sorted by rank
    clusters: gpd.GeoDataFrame  # heritage hot-spot clusters, WGS-84
    campus_clusters: pd.DataFrame  # per campus, its nearest heritage cluster
    population_source: tuple[str, str] = ("", "")  # the population's source as a reader cites it (zh, en)

    def name(self, lang: str) -> str:
        """The city's name in ``lang`` (``zh`` or ``en``)."""
        return self.name_zh if lang == "zh" else self.name_en


def heritage_clusters(city: City, resolution: int = CLUSTER_RESOLUTION) -> gpd.GeoDataFrame:
    """Clusters of heritage units: Gi* hot-spot H3 cells (``resolution``, 499 permutations, seed 0,
    p < 0.05) of the heritage units, adjacent hot cells merged. One row per cluster, largest first:
    ``cluster`` (1, 2, ...), ``n_units`` (heritage units inside), ``label_zh``/``label_en`` (its
    highest-level unit, then the first by name), ``area_km2`` (equal-area CRS), WGS-84 geometry.
    Empty when there is no hot spot (fewer than 3 cells, or none significant)."""
    columns = ["cluster", "n_units", "label_zh", "label_en", "area_km2"]
    empty = gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=WGS84)
    heritage = city.layers.get("heritage_units")
    if heritage is None or heritage.empty:
        return empty
    cells = h3_counts(heritage.assign(layer="heritage_units"), resolution)
    spots = hotspots(fill_hex_grid(cells, resolution), permutations=CLUSTER_PERMUTATIONS, seed=0)
    hot = spots[spots["spot"] == "hot"]
    if hot.empty:
        return empty
    area_crs = equal_area_crs(city)
    parts = shapely.get_parts(shapely.union_all(hot.to_crs(area_crs).geometry.to_numpy()))
    zones = gpd.GeoDataFrame(geometry=list(parts), crs=area_crs)
    units = heritage.to_crs(area_crs).assign(weight=layer_weights("heritage_units", heritage).to_numpy())
    joined = gpd.sjoin(units, zones, predicate="within")
    rows = []
    for zone, members in joined.groupby("index_right"):
        top = members.sort_values(["weight", "name_zh"], ascending=[False, True]).iloc[0]
        rows.append({"n_units": len(members), "label_zh": top["name_zh"], "label_en": top["name_en"],
                     "area_km2": zones.geometry.iloc[zone].area / 1e6, "geometry": zones.geometry.iloc[zone]})  # fmt: skip
    if not rows:
        return empty
    found = gpd.GeoDataFrame(rows, geometry="geometry", crs=area_crs).sort_values(
        ["n_units", "label_zh"], ascending=[False, True]
    )
    found.insert(0, "cluster", np.arange(1, len(found) + 1))
    return found.reset_index(drop=True).to_crs(WGS84)


def _nearest(from_geoms: np.ndarray, to_geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of ``from_geoms`` that has one, the index and distance (m) of the nearest of ``to_geoms``."""
    (source, target), distance_m = shapely.STRtree(to_geoms).query_nearest(from_geoms, return_distance=True,
                                                                          all_matches=False)  # fmt: skip
    return source, target, distance_m


def campuses_and_clusters(city: City, clusters: gpd.GeoDataFrame) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Which campuses are closest to which heritage clusters, both ways, straight lines in the city's
    metric CRS to a cluster's edge (0 inside).

    Returns (per campus in the universities layer's order: ``id``, ``name_zh``, ``name_en``,
    ``campus``, its nearest ``cluster`` (None without clusters) and ``distance_km``; ``clusters``
    with ``nearest_campus_id`` and ``nearest_campus_km``). Equally near: the first in layer order.
    """
    campuses = city.layers["universities"]
    per_campus = campuses[["id", "name_zh", "name_en", "campus"]].reset_index(drop=True).copy()
    per_campus["cluster"] = None
    per_campus["distance_km"] = np.nan
    clusters = clusters.assign(nearest_campus_id=None, nearest_campus_km=np.nan)
    if clusters.empty or campuses.empty:
        return per_campus, clusters
    metric = city.config.metric_crs
    zones = clusters.to_crs(metric).geometry.to_numpy()
    points = campuses.to_crs(metric).geometry.to_numpy()
    source, target, distance_m = _nearest(points, zones)
    per_campus.loc[source, "cluster"] = clusters["cluster"].to_numpy()[target]
    per_campus.loc[source, "distance_km"] = distance_m / 1000.0
    source, target, distance_m = _nearest(zones, points)
    clusters.loc[source, "nearest_campus_id"] = campuses["id"].to_numpy()[target]
    clusters.loc[source, "nearest_campus_km"] = distance_m / 1000.0
    return per_campus, clusters


def city_card(city: City) -> CityCard:
    """The indicators the Compare page sets side by side (see the module docstring).

    ``indicators`` counts each layer of :data:`CARD_LAYERS` (universities per institution, as the
    soft-power index does) per 100 km2 of the districts' area in :func:`equal_area_crs`, and per
    10,000 residents when ``city.toml`` gives the population (NaN otherwise); ``clusters`` and
    ``campus_clusters`` as :func:`heritage_clusters` and :func:`campuses_and_clusters` give them.
    """
    districts = city.layers["districts"]
    area_km2 = float(shapely.union_all(districts.to_crs(equal_area_crs(city)).geometry.to_numpy()).area / 1e6)
    population = city.config.population
    counts = pd.Series({lid: _layer_count(city, lid) for lid in CARD_LAYERS}, name="count")
    indicators = counts.to_frame()
    indicators.index.name = "layer"
    indicators["per_100km2"] = counts / area_km2 * 100 if area_km2 > 0 else np.nan
    indicators["per_10k_residents"] = counts / population.residents * 10_000 if population else np.nan
    campus_clusters, clusters = campuses_and_clusters(city, heritage_clusters(city))
    soft_power = soft_power_index(districts, city.layers, city.config.metric_crs)
    cfg = city.config
    cited = tuple(cite_text(population.source, city.sources, lang) if population else "" for lang in ("zh", "en"))
    return CityCard(cfg.id, cfg.name_zh, cfg.name_en, area_km2, population, indicators, soft_power, clusters,
                    campus_clusters, cited)  # fmt: skip
