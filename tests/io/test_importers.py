"""Importing a user's list: every format round trip, columns and vocabulary, datums, and the per-row report."""

from __future__ import annotations

import pytest
from pyproj import Geod

from culturemap.crs import from_wgs84
from culturemap.io.importers import format_report, match_columns, prepare_import, vocabulary_value
from culturemap.layers import GRADES, HERITAGE_LEVELS
from tests.conftest import utm_to_lonlat
from tests.io.conftest import LANDMARK, WRITERS, spot, write_csv, write_xlsx

GEOD = Geod(ellps="WGS84")


def distance_m(lon1, lat1, lon2, lat2) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_format_round_trips_chinese_text(fmt, tmp_path, testville):
    rows = [spot("新塔", 506_000, 3_996_500, 地址="西区新路1号"), spot("月湖公园", 507_000, 3_992_000, 等级="AAA")]
    path = WRITERS[fmt](tmp_path / f"名录.{fmt}", rows)
    report = prepare_import(path, "scenic_spots", testville)
    assert report.count("accepted") == 2, format_report(report)
    got = report.rows_to_write()
    assert list(got["name_zh"]) == ["新塔", "月湖公园"]
    assert list(got["grade"]) == ["4A", "3A"]
    assert list(got["district"]) == ["西区", "西区"]
    assert got["address"].iloc[0] == "西区新路1号"
    assert got["source"].iloc[0].startswith("名录." + fmt)
    assert set(got["coord_accuracy"]) == {"imported"}  # the file does not say: not checked
    lon, lat = utm_to_lonlat(506_000, 3_996_500)
    assert distance_m(lon, lat, got.geometry.iloc[0].x, got.geometry.iloc[0].y) < 0.5


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "kml"])
@pytest.mark.parametrize("datum", ["wgs84", "gcj02", "bd09"])
def test_landmark_lands_within_5_m_from_each_datum(fmt, datum, tmp_path, lanzhou):
    name, lon, lat = LANDMARK
    (x,), (y,) = from_wgs84([lon], [lat], datum)
    row = {"名称": name, "等级": "4A级", "区县": "城关区", "经度": round(float(x), 6), "纬度": round(float(y), 6)}
    path = WRITERS[fmt](tmp_path / f"landmark.{fmt}", [row])
    report = prepare_import(path, "scenic_spots", lanzhou, crs=None if datum == "wgs84" else datum)
    assert report.count("accepted") == 1, format_report(report)
    point = report.rows_to_write().geometry.iloc[0]
    assert distance_m(lon, lat, point.x, point.y) < 5
    if datum == "wgs84":  # a table says nothing, GeoJSON and KML are WGS-84 by their standards
        assert (report.datum, report.datum_source) in {("wgs84", "assumed"), ("EPSG:4326", "file")}
    else:
        assert (report.datum, report.datum_source) == (datum, "user")


def test_projected_file_is_converted_from_its_declared_crs(tmp_path, testville):
    path = WRITERS["zip"](tmp_path / "utm.zip", [spot("新塔", 506_000, 3_996_500)], crs="EPSG:32648")
    report = prepare_import(path, "scenic_spots", testville)
    assert report.datum_source == "file" and "32648" in report.datum
    point = report.rows_to_write().geometry.iloc[0]
    assert distance_m(*utm_to_lonlat(506_000, 3_996_500), point.x, point.y) < 0.5


def test_gbk_csv_without_english_names_leaves_them_blank(tmp_path, testville):
    """No made-up pinyin ("Xi Hu Gong Yuan"): the English name stays blank, the pages show the Chinese one."""
    path = write_csv(tmp_path / "gbk.csv", [spot("西湖公园", 506_000, 3_996_500)], encoding="gbk")
    report = prepare_import(path, "scenic_spots", testville)
    assert report.encoding == "gb18030"
    assert report.count("accepted") == 1
    assert report.rows_to_write()["name_en"].isna().iloc[0]
    assert ("import_note_pinyin", {"n": 1}) in report.notes


def test_columns_matched_by_chinese_and_english_names_and_a_mapping_overrides():
    columns = ["序号", "单位名称", "保护级别", "类别", "经度（GCJ-02）", "Latitude", "所在区县", "备注"]
    assert match_columns(columns, "heritage_units") == {
        "lon": "经度（GCJ-02）", "lat": "Latitude", "name_zh": "单位名称", "level": "保护级别", "category": "类别",
        "district": "所在区县", "note": "备注",
    }  # fmt: skip
    override = match_columns(columns, "heritage_units", {"name_zh": "序号", "note": None})
    assert override["name_zh"] == "序号" and "note" not in override
    assert match_columns(["Name", "Grade", "lng", "lat"], "scenic_spots") == {
        "lon": "lng", "lat": "lat", "name_zh": "Name", "grade": "Grade"}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "vocab", "value"),
    [
        ("4A级", GRADES, "4A"),
        ("AAAAA", GRADES, "5A"),
        ("国家AAAA级旅游景区", GRADES, "4A"),
        ("４Ａ", GRADES, "4A"),
        ("全国重点文物保护单位", HERITAGE_LEVELS, "national"),
        ("省级", HERITAGE_LEVELS, "provincial"),
        ("省级文物保护单位", HERITAGE_LEVELS, "provincial"),
        ("国保", HERITAGE_LEVELS, "national"),
        ("Municipal", HERITAGE_LEVELS, "municipal"),
        ("6B", GRADES, None),
        ("级", HERITAGE_LEVELS, None),
    ],
)
def test_vocabulary_values_in_chinese_map_to_the_registry(text, vocab, value):
    assert vocabulary_value(text, vocab) == value


def test_header_names_the_datum(tmp_path, lanzhou):
    name, lon, lat = LANDMARK
    (x,), (y,) = from_wgs84([lon], [lat], "gcj02")
    path = write_csv(tmp_path / "amap.csv", [{"名称": name, "等级": "4A", "经度(高德)": x, "纬度(高德)": y}])
    report = prepare_import(path, "scenic_spots", lanzhou)
    assert (report.datum, report.datum_source) == ("gcj02", "header")
    point = report.rows_to_write().geometry.iloc[0]
    assert distance_m(lon, lat, point.x, point.y) < 5
    assert report.rows_to_write()["district"].iloc[0] == "城关区"  # from the district polygons


def test_swapped_projected_outside_and_address_only_rows(tmp_path, testville):
    lon, lat = utm_to_lonlat(506_000, 3_996_500)
    rows = [
        spot("好行", 506_000, 3_996_500, 地址=""),
        {"名称": "颠倒", "等级": "4A", "区县": "西区", "经度": lat, "纬度": lon},
        {"名称": "投影", "等级": "4A", "区县": "西区", "经度": 506000, "纬度": 3996500},
        {"名称": "北京", "等级": "4A", "区县": "西区", "经度": 116.4, "纬度": 39.9},
        {"名称": "只有地址", "等级": "4A", "区县": "西区", "经度": "", "纬度": "", "地址": "西区某路1号"},
        {"名称": "坏经度", "等级": "4A", "区县": "西区", "经度": "东经105度", "纬度": lat},
    ]
    report = prepare_import(write_csv(tmp_path / "mixed.csv", rows), "scenic_spots", testville)
    status = dict(zip(report.rows["name_zh"], report.rows["status"]))
    assert status == {"好行": "accepted", "颠倒": "rejected", "投影": "rejected", "北京": "outside",
                      "只有地址": "address_only", "坏经度": "rejected"}  # fmt: skip
    codes = {rec.name_zh: [p["code"] for p in rec.problems] for rec in report.rows.itertuples()}
    assert codes["颠倒"] == ["import_swapped"] and codes["投影"] == ["import_projected"]
    assert codes["坏经度"][0] == "import_bad_number"
    problems = report.problem_table("en")
    assert list(problems["row"]) == [3, 4, 5, 6, 7]  # CSV lines: the header is line 1
    assert "EPSG:32648" in problems.loc[problems["name"] == "投影", "message"].iloc[0]
    assert report.refused == 5 and len(report.rows_to_write()) == 1
    text = format_report(report, "zh")
    assert "第 6 行 [仅有地址]" in text and "离线时无法按地址定位" in text


def test_projected_numbers_import_once_the_crs_is_chosen(tmp_path, testville):
    rows = [{"名称": "投影", "等级": "4A", "区县": "西区", "x": 506000, "y": 3996500}]
    report = prepare_import(write_csv(tmp_path / "utm.csv", rows), "scenic_spots", testville, crs="EPSG:32648")
    assert report.count("accepted") == 1 and report.datum == "EPSG:32648"


def test_bad_values_are_rejected_with_row_field_value_and_expected(tmp_path, testville):
    rows = [spot("坏等级", 506_000, 3_996_500, 等级="6B"), spot("坏区", 506_100, 3_996_500, 区县="南区"),
            spot("错区", 506_200, 3_996_500, 区县="东区")]  # fmt: skip
    report = prepare_import(write_csv(tmp_path / "bad.csv", rows), "scenic_spots", testville)
    table = report.problem_table("en")
    assert list(zip(table["row"], table["field"], table["value"])) == [
        (2, "grade", "6B"), (3, "district", "南区"), (4, "district", "东区")]  # fmt: skip
    assert "expected one of 5A, 4A, 3A, 2A, 1A" in table["message"].iloc[0]
    assert "西区, 东区" in table["message"].iloc[1]


def test_duplicates_within_200_m_by_same_or_similar_name(tmp_path, testville):
    rows = [
        spot("西塔", 505_100, 3_996_000),  # stored 西塔 100 m away
        spot("西塔景区", 505_000, 3_996_150),  # similar name, 150 m
        spot("西塔", 505_000, 3_996_400),  # same name, 400 m: a different place
        spot("东塔", 505_050, 3_996_000),  # 50 m, other name
    ]
    report = prepare_import(write_csv(tmp_path / "dup.csv", rows), "scenic_spots", testville)
    assert list(report.rows["status"]) == ["duplicate", "duplicate", "accepted", "accepted"]
    dups = report.duplicates()
    assert list(dups["duplicate_of"]) == ["sc-west-pagoda", "sc-west-pagoda"]
    assert dups["distance_m"].round().tolist() == [100, 150]
    assert len(report.rows_to_write()) == 2  # duplicates skipped by default
    written = report.rows_to_write({2: "update", 3: "keep"})
    assert list(written["id"][:2]) == ["sc-west-pagoda", report.rows["id"][1]]
    assert written["name_en"].iloc[0] == "SC-WEST-PAGODA"  # update keeps the stored English name (not pinyin)
    assert written["themes"].iloc[0] == ["heritage"]  # and what the file leaves blank
    with pytest.raises(ValueError, match="row 2: choice 'merge'"):
        report.rows_to_write({2: "merge"})


def test_shifted_datum_is_warned(tmp_path, testville):
    stored = [(505_000, 3_996_000, "西塔"), (515_000, 3_994_000, "东园")]
    rows = []
    for x, y, name in stored:
        lon, lat = utm_to_lonlat(x, y)
        (gx,), (gy,) = from_wgs84([lon], [lat], "gcj02")
        rows.append({"名称": name, "等级": "4A", "经度": gx, "纬度": gy})
    report = prepare_import(write_csv(tmp_path / "shifted.csv", rows), "scenic_spots", testville)
    code, values = report.notes[-1]
    assert code == "import_note_shifted" and values["datum"] == "gcj02" and 200 <= values["distance_m"] <= 700
    assert values["after_m"] < 5
    assert "Choose the CRS gcj02" in report.note_lines("en")[-1]


def test_html_in_names_is_kept_as_text(tmp_path, testville):
    evil = '<img src=x onerror="alert(1)">塔'
    report = prepare_import(write_xlsx(tmp_path / "evil.xlsx", [spot(evil, 506_000, 3_996_500)]), "scenic_spots",
                            testville, sheet="名录")  # fmt: skip
    assert report.rows_to_write()["name_zh"].iloc[0] == evil
    assert report.sheet == "名录" and report.rows["row"].iloc[0] == 4  # the header is on row 3


def test_unknown_layer_crs_or_accuracy_is_the_callers_mistake(tmp_path, testville):
    path = write_csv(tmp_path / "a.csv", [spot("新塔", 506_000, 3_996_500)])
    with pytest.raises(ValueError, match="unknown asset layer 'districts'"):
        prepare_import(path, "districts", testville)
    with pytest.raises(ValueError, match="expected wgs84, gcj02, bd09 or EPSG"):
        prepare_import(path, "scenic_spots", testville, crs="mars")
    with pytest.raises(ValueError, match="unknown accuracy"):
        prepare_import(path, "scenic_spots", testville, accuracy="exact")
