"""The bundled Lanzhou pack: validates clean, and its geography checks out against known facts."""

import geopandas as gpd
import pytest

from culturemap.analysis.corridor import distance_to_river_m, river_side
from culturemap.catalog import load_city
from culturemap.io.tables import read_point_table
from culturemap.layers import LAYERS
from culturemap.validate import build_report
from tests.conftest import LANZHOU


@pytest.fixture(scope="module")
def city():
    return load_city(LANZHOU)


def feature(city, fid: str) -> gpd.GeoDataFrame:
    assets = city.assets()
    row = assets[assets["id"] == fid]
    assert len(row) == 1, f"{fid} not in the pack"
    return row


def test_validates_without_errors(city):
    assert [p.message("en") for p in city.errors] == []


def test_the_eight_county_level_divisions(city):
    districts = city.layers["districts"]
    assert sorted(districts["code"]) == ["620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123"]
    assert set(districts["name_en"]) == {
        "Chengguan",
        "Qilihe",
        "Xigu",
        "Anning",
        "Honggu",
        "Yongdeng",
        "Gaolan",
        "Yuzhong",
    }
    # official area of the municipality: 13,140 km2
    area_km2 = districts.to_crs(city.config.metric_crs).area.sum() / 1e6
    assert area_km2 == pytest.approx(13_140, rel=0.01)


def test_river_runs_west_to_east_through_the_municipality(city):
    river = city.layers["river"].to_crs(city.config.metric_crs)
    assert 150 < river.length.sum() / 1000 < 175
    districts = city.layers["districts"].to_crs(city.config.metric_crs)
    crossed = {n for n, g in zip(districts["name_zh"], districts.geometry) if river.geometry.iloc[0].intersects(g)}
    assert {"西固区", "安宁区", "七里河区", "城关区", "皋兰县", "榆中县"} <= crossed
    start, end = river.geometry.iloc[0].geoms[0].coords[0], river.geometry.iloc[0].geoms[-1].coords[-1]
    assert start[0] < end[0]  # digitised downstream (west -> east), so "left bank" is the north bank


def test_riverside_landmarks_are_on_their_bank(city):
    river = city.layers["river"]
    crs = city.config.metric_crs
    # White Pagoda Mountain is on the north bank, the Yellow River Mother statue and the waterwheels on the south
    checks = {"sc-baitashan": "left", "sc-jinchengguan": "left", "sc-hekou-ancient-town": "left", "at-yellow-river-mother": "right", "at-waterwheel-garden": "right"}
    for fid, side in checks.items():
        row = feature(city, fid)
        assert river_side(row, river, crs)[0] == side, fid
        assert distance_to_river_m(row, river, crs)[0] < 1_000, fid


def test_zhongshan_bridge_is_on_the_river(city):
    row = feature(city, "hu-zhongshan-bridge")
    assert distance_to_river_m(row, city.layers["river"], city.config.metric_crs)[0] < 200


def test_geojson_is_built_from_the_curated_tables(city):
    """The committed layer files are what `culturemap build` makes of curated/*.csv."""
    for lid in ("scenic_spots", "heritage_units", "museums", "night_tour_zones", "universities", "attractions"):
        table = LANZHOU / "curated" / f"{lid}.csv"
        built = read_point_table(table, lid)
        shipped = city.layers[lid]
        assert built["id"].tolist() == shipped["id"].tolist(), lid
        gaps = built.to_crs(city.config.metric_crs).distance(shipped.to_crs(city.config.metric_crs), align=False)
        assert gaps.max() < 0.5, lid


def test_universities_from_baidu_coordinates_are_converted(city):
    """Rows given in BD-09 are stored as WGS-84: ~700-1000 m south-west of the raw Baidu value."""
    from pyproj import Geod

    table = read_point_table(LANZHOU / "curated" / "universities.csv", "universities")
    raw = gpd.pd.read_csv(LANZHOU / "curated" / "universities.csv")
    bd = raw["datum"] == "bd09"
    assert bd.sum() >= 10
    geod = Geod(ellps="WGS84")
    shifts = geod.inv(raw.loc[bd, "lon"], raw.loc[bd, "lat"], table.geometry.x[bd], table.geometry.y[bd])[2]
    assert ((shifts > 500) & (shifts < 1_300)).all()


def test_every_row_has_source_and_accuracy_and_the_report_counts_the_flagged(city):
    report = build_report(city)
    for lid, spec in LAYERS.items():
        if spec.assets and len(city.layers[lid]):
            assert city.layers[lid]["source"].notna().all() and city.layers[lid]["coord_accuracy"].notna().all()
    approx = sum(int((city.layers[lid]["coord_accuracy"] == "approx").sum()) for lid in LAYERS if LAYERS[lid].assets)
    assert report["flagged_rows"] == approx > 0


def test_published_national_figures_are_met(city):
    coverage = {c["id"]: c for c in build_report(city)["coverage"]}
    assert coverage["national_heritage_units"]["actual"] == 10
    assert coverage["national_night_tour_zones"]["actual"] == 2


def test_routes_reference_real_stops(city):
    route = next(r for r in city.routes if r.id == "yellow-river-custom-line")
    assert {"hu-zhongshan-bridge", "at-yellow-river-mother", "at-waterwheel-garden"} <= set(route.stops)
    assert not route.official
