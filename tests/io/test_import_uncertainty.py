"""Imports against stored points that are only approximate (issue 25, import): a same-named row within
the stored point's uncertainty is a probable duplicate, a row without a district gets the one it lies
in (or the nearest past the simplified boundaries), and a row's accuracy is what its file says, else
``imported``."""

from __future__ import annotations

import json

import pytest
from pyproj import Geod

from culturemap.io.importers import format_report, prepare_import
from culturemap.layers import COORD_ACCURACY, LAYERS, UNCERTAINTY_M
from culturemap.render.fact_card import fact_card_html
from culturemap.store import store_for_pack
from tests.conftest import LANZHOU, run_cli
from tests.io.conftest import spot, write_csv

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """A store folder of this test's own (never the user's)."""
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


def xinglongshan() -> tuple[str, float, float, str]:
    """The bundled pack's 兴隆山: id, lon, lat (WGS-84) and coord_accuracy."""
    spots = store_for_pack(LANZHOU).read_layer("scenic_spots")
    row = spots[spots["name_zh"] == "兴隆山"].iloc[0]
    return row["id"], row.geometry.x, row.geometry.y, row["coord_accuracy"]


def csv_1230_m_away(path, lon: float, lat: float, extra: str = "") -> tuple:
    """A CSV with 名称,类别,经度,纬度 (+ ``extra``) holding 兴隆山 1230 m north-east of (lon, lat)."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, 45, 1230)
    head, tail = ("", "") if not extra else ("," + extra.split("=")[0], "," + extra.split("=")[1])
    path.write_text(f"名称,类别,经度,纬度{head}\n兴隆山,公园,{lon2:.6f},{lat2:.6f}{tail}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("layer", "options"), [("attractions", ()), ("scenic_spots", ("--set", "grade=4A"))])
def test_xinglongshan_1230_m_from_the_approx_one_is_a_duplicate(store_dir, tmp_path, capsys, layer, options):
    fid, lon, lat, accuracy = xinglongshan()
    assert UNCERTAINTY_M[accuracy] >= 3000, accuracy  # the pack places it approximately
    before = {lid: store_for_pack(LANZHOU).read_layer(lid) for lid in ("scenic_spots", layer)}
    path = csv_1230_m_away(tmp_path / "兴隆山.csv", lon, lat)
    assert run_cli(["import", path, "--city", LANZHOU, "--layer", layer, *options, "--on-duplicate", "skip",
                    "--lang", "en"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert f"probable duplicate: row 2 兴隆山 is 1230 m from the stored 兴隆山 ({fid}; same name)" in out
    assert "uncertain by 3000 m, and row 2 lies within that (1230 m away)" in out
    assert "1 row: 0 accepted, 1 probable duplicate" in out
    assert f"Stored in {layer}: 0 added, 0 updated" in out
    for lid, frame in before.items():  # the store is as it was
        assert len(store_for_pack(LANZHOU).read_layer(lid)) == len(frame)
    assert run_cli(["import", path, "--city", LANZHOU, "--layer", layer, *options, "--dry-run", "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    assert f"疑似重复：第 2 行 兴隆山 与已有的 兴隆山（{fid}）相距 1230 米" in zh
    assert "其点位的不确定范围为 3000 米，第 2 行在此范围内（相距 1230 米）" in zh


def test_update_never_moves_an_asset_of_another_layer(store_dir, tmp_path, capsys):
    fid, lon, lat, _accuracy = xinglongshan()
    path = csv_1230_m_away(tmp_path / "兴隆山.csv", lon, lat)
    assert run_cli(["import", path, "--city", LANZHOU, "--layer", "attractions", "--on-duplicate", "update",
                    "--lang", "en"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert f"the stored 兴隆山 ({fid}) is in the layer A-class scenic spots" in out
    assert "Stored in attractions: 0 added, 0 updated" in out
    assert xinglongshan()[1:3] == (lon, lat)


def test_a_precise_stored_point_keeps_the_200_m_rule(tmp_path, testville):
    # the synthetic 西塔 is surveyed: 50 m of uncertainty, so 200 m (DUPLICATE_M) applies, not more
    rows = [spot("西塔", 505_190, 3_996_000, 编号=""), spot("西塔", 505_000, 3_996_400, 编号="")]
    report = prepare_import(write_csv(tmp_path / "near.csv", rows), "scenic_spots", testville)
    assert list(report.rows["status"]) == ["duplicate", "accepted"]
    assert report.duplicates()["radius_m"].tolist() == [200.0]


def write_rows(path, rows: list[dict]):
    """Rows of the synthetic city without a 区县 column."""
    return write_csv(path, [{k: v for k, v in r.items() if k != "区县"} for r in rows])


def test_a_missing_district_is_the_one_the_point_lies_in_or_the_nearest(tmp_path, testville):
    # 西区 spans UTM x 500-510 km, y 3990-4000 km; 东区 x 510-520 km; the city's bbox reaches y 4005 km
    rows = [spot("东园新馆", 515_500, 3_994_000, 区县=""),  # in 东区
            spot("北坡", 505_000, 4_000_600, 区县="")]  # 600 m north of 西区, outside every district  # fmt: skip
    report = prepare_import(write_csv(tmp_path / "d.csv", rows), "scenic_spots", testville)
    assert list(report.rows["status"]) == ["accepted", "accepted"], format_report(report)
    assert list(report.rows_to_write()["district"]) == ["东区", "西区"]
    text = format_report(report, "en")
    assert "row 2 [accepted]: no district given: set to 东区, the district the point lies in" in text
    assert ("row 3 [accepted]: no district given: the point lies 600 m outside the (simplified) district "
            "boundaries; set to the nearest district, 西区") in text  # fmt: skip
    zh = format_report(report, "zh")
    assert "第 3 行 [接受]：未给出区县：点位在（简化的）区县边界外 600 米，按最近的区县填为 西区" in zh
    # a file without any district column gets the same
    report = prepare_import(write_rows(tmp_path / "nd.csv", rows), "scenic_spots", testville)
    assert list(report.rows_to_write()["district"]) == ["东区", "西区"]


def test_a_point_far_outside_the_districts_is_rejected_naming_the_files_column(tmp_path, testville):
    rows = [spot("远山", 505_000, 4_003_000, 区县="")]  # 3000 m north of 西区, inside the bbox
    report = prepare_import(write_csv(tmp_path / "far.csv", rows), "scenic_spots", testville)
    assert list(report.rows["status"]) == ["rejected"]
    en, zh = report.problem_table("en")["message"].iloc[0], report.problem_table("zh")["message"].iloc[0]
    assert en.startswith("区县 is blank and the point lies 3000 m from the nearest district, 西区 (over 2000 m)")
    assert "write the district in the column 区县 (one of 西区, 东区), or check the longitude and latitude" in en
    assert zh.startswith("区县 为空，且点位距最近的区县 西区 有 3000 米（超过 2000 米）")
    assert "请在 区县 列填写区县（西区, 东区 之一），或核对经纬度" in zh
    assert "field district" not in en
    report = prepare_import(write_rows(tmp_path / "far2.csv", rows), "scenic_spots", testville)
    assert "add a column 区县 with the district (one of 西区, 东区)" in report.problem_table("en")["message"].iloc[0]
    rows = [spot("坏区", 506_100, 3_996_500, 区县="南区")]
    report = prepare_import(write_csv(tmp_path / "bad.csv", rows), "scenic_spots", testville)
    en = report.problem_table("en")["message"].iloc[0]
    assert en.startswith("区县 is '南区', not a district of this city; write one of 西区, 东区")


def test_accuracy_is_what_the_file_says_else_imported(tmp_path, testville):
    rows = [spot("甲", 506_000, 3_996_500, 坐标精度=""), spot("乙", 506_500, 3_996_500, 坐标精度="概略"),
            spot("丙", 507_000, 3_996_500, 坐标精度="地址"), spot("丁", 507_500, 3_996_500, 坐标精度="GPS精测")]  # fmt: skip
    report = prepare_import(write_csv(tmp_path / "acc.csv", rows), "scenic_spots", testville)
    assert report.count("accepted") == 4, format_report(report)
    assert list(report.rows_to_write()["coord_accuracy"]) == ["imported", "approx", "address", "imported"]
    text = format_report(report, "en")
    assert "row 5 [accepted]: 坐标精度 is 'GPS精测', not a known accuracy" in text
    assert 'stored as "position from the imported file (not checked)"' in text


def test_imported_is_known_wherever_accuracies_are_listed(pack, tmp_path, capsys):
    assert COORD_ACCURACY.label("imported", "zh") == "坐标来自导入文件（未核对）"
    assert COORD_ACCURACY.label("imported", "en") == "position from the imported file (not checked)"
    row = {"id": "sc-x", "name_zh": "甲", "coord_accuracy": "imported"}
    card = fact_card_html(row, LAYERS["scenic_spots"], "zh")
    assert '<span class="cm-approx-note">⚠ 坐标来自导入文件（未核对）</span>' in card
    layer = pack / "scenic_spots.geojson"
    doc = json.loads(layer.read_text("utf-8"))
    doc["features"][1]["properties"]["coord_accuracy"] = "imported"
    layer.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert run_cli(["validate", pack, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["coord_accuracy"]["imported"] == 1 and report["flagged_rows"] == 1
    assert run_cli(["validate", pack, "--lang", "zh"]) == 0
    assert "坐标来自导入文件（未核对）: 1" in capsys.readouterr().out
