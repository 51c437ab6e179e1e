"""Round 3 of the data work (issue 25): the audit's corrections of the Lanzhou pack, Qiqihar's grade
changes, and the published figures dated and counted with rows graded by their date.

Positions are checked against the source's own point in the pack's metric CRS (UTM); the facts are
in ../shared/reference/lanzhou_round3_facts.csv (ids C1-C5, H1-H11, M1-M4, Q1-Q3, X1-X3).
"""

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from culturemap.catalog import load_city
from culturemap.catalog.sources import weak_keys
from culturemap.crs import to_wgs84
from culturemap.layers import COORD_ACCURACY, PLACED_ACCURACY, weakly_sourced
from culturemap.validate import after, build_report, grade_on
from tests.conftest import LANZHOU, REPO, run_cli

QIQIHAR = REPO / "geodata" / "qiqihar"


@pytest.fixture(scope="module")
def lanzhou():
    return load_city(LANZHOU)


@pytest.fixture(scope="module")
def qiqihar():
    return load_city(QIQIHAR)


def row(city, fid: str) -> pd.Series:
    assets = city.assets()
    hits = assets[assets["id"] == fid]
    assert len(hits) == 1, f"{fid}: {len(hits)} rows"
    return hits.iloc[0]


def distance_m(city, fid: str, lon: float, lat: float) -> float:
    """Metres between the pack's point of ``fid`` and a WGS-84 point, in the pack's metric CRS."""
    point = row(city, fid).geometry
    both = gpd.GeoSeries([point, Point(lon, lat)], crs="EPSG:4326").to_crs(city.config.metric_crs)
    return float(both.iloc[0].distance(both.iloc[1]))


def gcj02(lon: float, lat: float) -> tuple[float, float]:
    x, y = to_wgs84([lon], [lat], "gcj02")
    return float(x[0]), float(y[0])


# (id, WGS-84 lon, lat of the source's point, coord_accuracy): C1-C5
SOURCE_POINTS = [
    ("hu-lu-tusi-yamen", 102.83528, 36.58889, "encyclopedia"),  # C1
    ("mu-lu-tusi-yamen", 102.83528, 36.58889, "encyclopedia"),  # the museum inside it
    ("hu-chenghuang-temple", 103.82028, 36.06111, "encyclopedia"),  # C2
    ("hu-eighth-route-army-office", 103.82389, 36.05056, "encyclopedia"),  # C3
    ("mu-eighth-route-army-office", 103.82389, 36.05056, "encyclopedia"),  # in the office, 酒泉路314号
    ("sc-wuquanshan", *gcj02(103.824657, 36.037959), "geocoded"),  # C4, GCJ-02
    ("un-gsupl-main", *gcj02(103.729531, 36.103393), "geocoded"),  # C5, GCJ-02, 安宁西路6号
]


@pytest.mark.parametrize("fid,lon,lat,accuracy", SOURCE_POINTS, ids=[p[0] for p in SOURCE_POINTS])
def test_unit_lies_within_300_m_of_its_source_point(lanzhou, fid, lon, lat, accuracy):
    assert distance_m(lanzhou, fid, lon, lat) < 300
    assert row(lanzhou, fid)["coord_accuracy"] == accuracy


def test_gcj02_points_are_converted_not_taken_as_wgs84(lanzhou):
    """C4 and C5 are AMap (GCJ-02) points: the pack holds them ~500 m from the raw value, not on it."""
    assert distance_m(lanzhou, "sc-wuquanshan", 103.824657, 36.037959) > 150
    assert distance_m(lanzhou, "un-gsupl-main", 103.729531, 36.103393) > 150


def test_lu_tusi_yamen_is_in_liancheng_not_near_tulugou(lanzhou):
    yamen = row(lanzhou, "hu-lu-tusi-yamen")
    assert yamen["level"] == "national" and yamen["district"] == "永登县"
    assert "连城村" in yamen["address"]
    assert distance_m(lanzhou, "hu-lu-tusi-yamen", 102.742, 36.662) > 10_000  # the old point, ~11.6 km off


def test_components_of_the_lu_tusi_unit_have_no_rows_of_their_own(lanzhou):
    names = lanzhou.assets()["name_zh"].astype(str)
    for component in ("妙因寺", "显教寺", "雷坛"):
        assert not names.str.contains(component).any(), component
    assert all(c in row(lanzhou, "hu-lu-tusi-yamen")["note"] for c in ("妙因寺", "显教寺", "雷坛"))


def test_shanshan_guild_hall_is_county_level(lanzhou):
    hall = row(lanzhou, "hu-shanshan-guild-hall")
    assert hall["level"] == "county"
    assert not weakly_sourced(pd.DataFrame([hall]), weak_keys(lanzhou.sources)).iloc[
        0
    ]  # a news report now, not the weak page


def test_jiangxi_guild_hall_is_one_unit_with_baiyisi_pagoda(lanzhou):
    heritage = lanzhou.layers["heritage_units"]
    assert "hu-jiangxi-guild-hall" not in set(heritage["id"])
    assert not heritage["name_zh"].str.contains("江西会馆|铁柱宫").any()
    merged = heritage[heritage["name_zh"] == "白衣寺塔及白衣菩萨殿"]
    assert len(merged) == 1 and merged.iloc[0]["level"] == "provincial"
    assert "铁柱宫" in merged.iloc[0]["note"] and "2017" in merged.iloc[0]["note"]
    assert all("hu-jiangxi-guild-hall" not in route.stops for route in lanzhou.routes)


def test_great_wall_row_stands_where_a_source_puts_a_national_section(lanzhou):
    wall = row(lanzhou, "hu-great-wall-lanzhou")
    assert wall["level"] == "national" and wall["district"] == "永登县"
    assert "红城" in wall["address"]
    # 红城感恩寺, the other national unit the same report names in 红城镇: the same town
    ganen = row(lanzhou, "hu-hongcheng-ganen-temple").geometry
    assert distance_m(lanzhou, "hu-great-wall-lanzhou", ganen.x, ganen.y) < 3_000


def test_facts_h1_h4_h6_m1_m4_are_in_the_pack(lanzhou):
    assert row(lanzhou, "hu-bajiaping-site")["level"] == "provincial"  # H1
    assert row(lanzhou, "hu-hongcheng-wenchang-hall")["level"] == "county"  # H4
    zhigong = row(lanzhou, "hu-zhigongtang")  # H6: a weak page's batch, the row a lead
    assert (zhigong["batch"], zhigong["grade_since"]) == ("第六批（省级）", "2003")
    assert weakly_sourced(pd.DataFrame([zhigong]), weak_keys(lanzhou.sources)).iloc[0]
    museums = lanzhou.layers["museums"].set_index("name_zh")
    for name, district in (("甘肃简牍博物馆", "七里河区"), ("读者博物馆", "城关区"), ("读者插图艺术馆", "城关区"),
                           ("甘肃地质博物馆", "城关区")):  # fmt: skip
        assert museums.loc[name, "district"] == district, name
        assert museums.loc[name, "coord_accuracy"] == "approx", name  # street or area only: flagged
    assert "团结路6号" in museums.loc["甘肃地质博物馆", "address"]


def test_weak_leads_without_a_position_are_named_as_missing_not_placed(lanzhou):
    """H5 and H8 give a village but no position: named under the figure, with their weak page, no row."""
    lower = next(f for f in lanzhou.config.published if f.id == "lower_heritage_units")
    missing = {m.name_zh: m for m in lower.missing}
    for name in ("兰州战役旧址", "红寺遗址"):
        assert missing[name].reason == "no_position" and lanzhou.sources[missing[name].source].weak, name
        assert name not in set(lanzhou.assets()["name_zh"]), name


def test_every_accuracy_used_has_zh_and_en_text(lanzhou, qiqihar):
    for city in (lanzhou, qiqihar):
        for value in set(city.assets()["coord_accuracy"]):
            assert value in COORD_ACCURACY.values, value
            zh, en = COORD_ACCURACY.label(value, "zh"), COORD_ACCURACY.label(value, "en")
            assert zh != value and en != value and zh != en, value
    assert {"encyclopedia", "geocoded"} <= set(PLACED_ACCURACY)


def test_zhalong_is_5a_with_its_4a_history(qiqihar):
    zhalong = row(qiqihar, "sc-zhalong")
    assert zhalong["grade"] == "5A"
    assert zhalong["grade_since"] == "2025-11"  # as reported: no page gives the decision's date
    assert zhalong["grade_history"] == "4A 2001"
    assert "as reported 2025-11" in zhalong["note"]


def test_hecheng_happy_world_is_4a_since_2022_09_with_a_flagged_position(qiqihar):
    world = row(qiqihar, "sc-hecheng-happy-world")
    assert world["name_zh"] == "齐齐哈尔鹤城欢乐世界"
    assert (world["grade"], world["grade_since"]) == ("4A", "2022-09")
    assert world["coord_accuracy"] == "approx" and "PLACEHOLDER" in world["note"]


def test_fuyu_zhengjie_temple_is_not_4a(qiqihar):
    assets = qiqihar.assets()
    hits = assets[assets["name_zh"].astype(str).str.contains("正洁寺")]
    assert not (hits.get("grade", pd.Series(dtype=str)) == "4A").any()


def test_dates_compare_on_the_precision_both_give():
    assert after("2023-12-20", "2022-08") and after("2026-01", "2023-12-20")
    assert not after("2022-08", "2022-08-15") and not after("2022-08-31", "2022-08")
    assert not after("2011-02", "2011") and after("2012", "2011-12-31")


def test_grade_on_a_date_reads_the_history():
    zhalong = pd.Series({"grade": "5A", "grade_since": "2025-11", "grade_history": "4A 2001"})
    assert grade_on(zhalong, "grade", "2011-02-15") == "4A"
    assert grade_on(zhalong, "grade", "2025-12") == "5A"
    assert grade_on(zhalong, "grade", "2000") is None
    undated = pd.Series({"grade": "4A", "grade_since": "", "grade_history": ""})
    assert grade_on(undated, "grade", "1990") == "4A"  # no date: taken as held all along


def test_lanzhou_figures_count_only_rows_graded_by_their_date(lanzhou):
    coverage = {c["id"]: c for c in build_report(lanzhou, "en")["coverage"]}
    four_a = coverage["scenic_spots_4a"]
    assert four_a["as_of"] == "2022-08" and four_a["as_of_note"]
    assert sorted(g["id"] for g in four_a["graded_after"]) == [
        "sc-hekou-ancient-town", "sc-jinchengguan", "sc-shuimo-danxia",
    ]  # fmt: skip
    assert four_a["actual"] == 7 and four_a["rows"] == 7
    assert coverage["national_night_tour_zones"]["actual"] == 2  # the 2nd area, 2022-08, is not after 2022-08
    assert coverage["national_heritage_units"]["actual"] == 10
    assert {c["as_of"] for c in coverage.values()} == {"2022-08"}


def test_qiqihar_2011_figure_counts_zhalong_as_the_4a_it_was(qiqihar):
    coverage = {c["id"]: c for c in build_report(qiqihar, "en")["coverage"]}
    four_a = coverage["scenic_spots_4a_2011"]
    assert four_a["as_of"] == "2011-02-15"
    assert four_a["actual"] == 3 == four_a["published"]  # 扎龙 (4A then), 明月岛, 龙沙公园
    assert [g["id"] for g in four_a["graded_after"]] == ["sc-hecheng-happy-world"]


def test_validate_json_gives_the_figures_dates_and_weak_counts(capsys):
    assert run_cli(["validate", str(LANZHOU), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    coverage = {c["id"]: c for c in report["coverage"]}
    assert coverage["scenic_spots_4a"]["as_of"] == "2022-08"
    assert coverage["scenic_spots_4a"]["weak_rows"] == 3  # 五泉山, 吐鲁沟, 青城古镇: grade from leads only
    assert coverage["national_heritage_units"]["weak_rows"] == 0
    assert coverage["lower_heritage_units"]["weak_rows"] == 2  # 至公堂, 高氏祠堂
    layers = report["layers"]
    assert report["weak_rows"] == sum(entry.get("weak_rows", 0) for entry in layers.values()) == 8
    assert layers["museums"]["weak_rows"] == 2  # 甘肃省博物馆 (address), 鲁土司衙门博物馆 (name)


def test_validate_text_shows_the_date_the_weak_rows_and_the_rows_graded_after(capsys):
    assert run_cli(["validate", str(LANZHOU), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "截至 2022-08" in text
    assert "其中 3 条来源较弱（仅为线索）" in text
    assert "2022-08 之后评定、未计入：" in text and "水墨丹霞景区 (2023-12-20)" in text
    assert "来源较弱（仅为线索）8 条" in text
