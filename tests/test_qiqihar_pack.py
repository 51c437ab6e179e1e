"""The bundled Qiqihar pack (issue 15): its geography and its resolved conflicts check out."""

import tomllib

import geopandas as gpd
import pytest
from pyproj import Geod

from culturemap.analysis.corridor import distance_to_river_m
from culturemap.catalog import load_city
from culturemap.crs import to_wgs84
from culturemap.validate import build_report
from tests.conftest import REPO

QIQIHAR = REPO / "geodata" / "qiqihar"
REFERENCE = REPO.parent / "shared" / "reference"
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def city():
    return load_city(QIQIHAR)


def row(city, fid: str):
    assets = city.assets()
    (found,) = assets.index[assets["id"] == fid]
    return assets.loc[found]


def test_the_sixteen_county_level_divisions_and_their_area(city):
    districts = city.layers["districts"]
    assert len(districts) == 16 and districts["code"].str.startswith("2302").all()
    assert {"龙沙区", "建华区", "铁锋区", "梅里斯达斡尔族区", "讷河市", "泰来县"} <= set(districts["name_zh"])
    area_km2 = districts.to_crs(city.config.metric_crs).area.sum() / 1e6
    assert area_km2 == pytest.approx(42_255, rel=0.01)  # the published area (encyclopedia copy)


def test_the_nen_runs_north_to_south_past_the_city(city):
    river = city.layers["river"].to_crs(city.config.metric_crs)
    assert 380 < river.length.sum() / 1000 < 420
    coords = city.layers["river"].geometry.iloc[0].geoms[0].coords
    assert coords[0][1] > 48.9 and coords[0][1] > coords[-1][1]  # digitised downstream: north -> south
    # the university and the old city lie east of the river, a few km from it
    for fid in ("un-qqhru", "hu-bukui-mosque", "sc-longsha-park"):
        assert 2_000 < distance_to_river_m(gpd.GeoDataFrame([row(city, fid)], crs=4326), city.layers["river"],
                                           city.config.metric_crs)[0] < 8_000, fid  # fmt: skip
    assert distance_to_river_m(gpd.GeoDataFrame([row(city, "sc-mingyue-island")], crs=4326), city.layers["river"],
                               city.config.metric_crs)[0] < 500  # fmt: skip


def test_the_ten_national_units_with_their_county_labels_checked_against_the_address(city):
    heritage = city.layers["heritage_units"].set_index("id")
    national = heritage[heritage["level"] == "national"]
    reference = gpd.pd.read_csv(REFERENCE / "qiqihar_guobao_nocoords.csv")
    # the dataset's 10, and the Chinese Eastern Railway buildings: one unit over four provinces, filed elsewhere
    assert sorted(national["name_zh"]) == sorted([*reference["name_zh"], "中东铁路建筑群"])
    # the address wins where the dataset's county column disagrees with it
    assert national.loc["hu-laolongtou-site", "district"] == "富拉尔基区"  # county column: 龙江县
    assert national.loc["hu-unit516-site", "district"] == "铁锋区"  # county column: 龙沙区, address 铁峰区
    assert national.loc["hu-bukui-mosque", "district"] == "建华区"  # pages: 建华区礼貌胡同1号
    assert national.loc["hu-provincial-library", "district"] == "龙沙区"  # in 龙沙公园, 公园路32号
    assert national.loc["hu-jinjiehao", "district"] == "碾子山区"  # filed under Inner Mongolia's 巴林左旗


def test_teachers_college_takes_the_row_with_its_own_name_not_an_average(city):
    college = row(city, "un-qqhrtc")
    assert college["name_zh"] == "齐齐哈尔高等师范专科学校"
    reference = gpd.pd.read_csv(REFERENCE / "qiqihar_universities_flwfdd.csv").set_index("name_zh")
    lon, lat = (float(v[0]) for v in to_wgs84([reference.loc["齐齐哈尔高等师范专科学校", "lon_bd09"]],
                                               [reference.loc["齐齐哈尔高等师范专科学校", "lat_bd09"]], "bd09"))  # fmt: skip
    point = college["geometry"]
    assert GEOD.inv(point.x, point.y, lon, lat)[2] < 1
    other = reference.loc["齐齐哈尔高等师范专科学院"]
    olon, olat = (float(v[0]) for v in to_wgs84([other["lon_bd09"]], [other["lat_bd09"]], "bd09"))
    assert GEOD.inv(point.x, point.y, olon, olat)[2] > 2_500  # the other row is ~3 km away
    assert college["coord_accuracy"] == "approx"


def test_qiqihar_university_is_one_row_for_its_two_campuses_that_share_a_point(city):
    universities = city.layers["universities"]
    rows = universities[universities["name_zh"] == "齐齐哈尔大学"]
    assert len(rows) == 1 and rows["campus"].iloc[0] == "东校区、西校区"  # the campus only: the note says why one row
    assert "one and the same point" in rows["note"].iloc[0]
    assert sorted(universities["name_zh"]) == sorted(
        ["齐齐哈尔大学", "齐齐哈尔医学院", "齐齐哈尔工程学院", "齐齐哈尔高等师范专科学校", "齐齐哈尔理工职业学院"]
    )


def test_published_figures_and_population_are_sourced(city):
    coverage = {c["id"]: c for c in build_report(city)["coverage"]}
    assert (coverage["national_heritage_units"]["actual"], coverage["national_heritage_units"]["published"]) == (11, 10)
    assert (coverage["scenic_spots_4a_2011"]["actual"], coverage["scenic_spots_4a_2011"]["published"]) == (3, 3)
    assert coverage["a_class_scenic_spots_pre2011"]["gap"] == 11
    assert len(coverage["a_class_scenic_spots_pre2011"]["missing"]) == 5  # named by pages, not placeable or not graded
    with (QIQIHAR / "city.toml").open("rb") as fh:
        population = tomllib.load(fh)["population"]
    assert population["residents"] == 4_067_489 and population["as_of"] == "2020-11-01"
    assert city.sources[population["source"]].publisher_zh == "齐齐哈尔市统计局"


def test_the_old_city_walk_is_a_suggested_route_of_real_stops(city):
    (route,) = [r for r in city.routes if r.id == "old-city-walk"]
    assert not route.official
    assert {"sc-longsha-park", "hu-bukui-mosque", "hu-dujunshu"} <= set(route.stops)
