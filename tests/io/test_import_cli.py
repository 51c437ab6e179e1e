"""``culturemap import`` options for files that do not name every field (``--set``, ``--map``) and
``--on-duplicate update`` on real neighbours: three Lanzhou museums with similar names are not overwritten."""

from __future__ import annotations

import pytest

from culturemap.store import store_for_pack
from tests.conftest import LANZHOU, run_cli


def run(*argv) -> int:
    """``culturemap *argv`` in this process: its exit code."""
    return run_cli(argv)


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    (tmp_path / "store").mkdir()
    return tmp_path / "store"


# the file: each row 80-160 m from a bundled museum with a similar name
SIMILAR_MUSEUMS = """名称,类别,经度,纬度,地址
兰州市博物馆白衣寺分馆,综合类,103.8310,36.0580,城关区庆阳路
甘肃省博物馆文创中心,其他,103.7840,36.0695,七里河区西津西路3号
兰州大学医学博物馆,高校博物馆,103.8595,36.0478,城关区东岗西路199号
"""
BUNDLED = {"mu-lanzhou-municipal": "兰州市博物馆", "mu-gansu-provincial": "甘肃省博物馆", "mu-lzu": "兰州大学博物馆"}


def test_update_does_not_overwrite_museums_with_similar_names(store_dir, tmp_path, capsys):
    path = tmp_path / "museums.csv"
    path.write_text(SIMILAR_MUSEUMS, encoding="utf-8")
    before = store_for_pack(LANZHOU).read_layer("museums").set_index("id")
    assert run("import", path, "--city", LANZHOU, "--layer", "museums", "--on-duplicate", "update",
               "--lang", "en") == 0  # fmt: skip
    out = capsys.readouterr().out
    for row, name, other, other_id in [(2, "兰州市博物馆白衣寺分馆", "兰州市博物馆", "mu-lanzhou-municipal"),
                                       (3, "甘肃省博物馆文创中心", "甘肃省博物馆", "mu-gansu-provincial"),
                                       (4, "兰州大学医学博物馆", "兰州大学博物馆", "mu-lzu")]:  # fmt: skip
        assert f"row {row}: not updated: {name} only resembles the stored {other} ({other_id}," in out
    assert "Stored in museums: 0 added, 0 updated" in out
    after = store_for_pack(LANZHOU).read_layer("museums").set_index("id")
    assert len(after) == len(before)
    for fid, name in BUNDLED.items():
        assert after.loc[fid, "name_zh"] == name
        assert after.loc[fid, "geometry"].equals(before.loc[fid, "geometry"])
        assert after.loc[fid, "kind"] == before.loc[fid, "kind"]


def test_update_replaces_a_museum_of_the_same_name(store_dir, tmp_path, capsys):
    path = tmp_path / "museums.csv"
    path.write_text(SIMILAR_MUSEUMS + "甘肃省博物馆,历史类,103.7831,36.0691,七里河区西津西路3号\n", encoding="utf-8")
    assert run("import", path, "--city", LANZHOU, "--layer", "museums", "--on-duplicate", "update",
               "--lang", "zh") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "第 5 行未更新" not in out and "第 3 行未更新：甘肃省博物馆文创中心" in out
    after = store_for_pack(LANZHOU).read_layer("museums").set_index("id")
    assert after.loc["mu-gansu-provincial", "kind"] == "history"  # the same name: a confident match, updated
    assert not set(after["name_zh"]) & {"兰州市博物馆白衣寺分馆", "甘肃省博物馆文创中心", "兰州大学医学博物馆"}


def _gps_kml(points) -> str:
    """Waypoints as a GPS or a tracking app exports them: a number as the name, the place in the
    description, no other fields."""
    marks = "".join(f"<Placemark><name>{n:03d}</name><description>{text}</description>"
                    f"<Point><coordinates>{lon},{lat},1520</coordinates></Point></Placemark>"
                    for n, (text, lon, lat) in enumerate(points, start=1))  # fmt: skip
    return f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>{marks}</Folder></Document></kml>'


def test_a_gps_kml_is_imported_with_map_and_set(store_dir, tmp_path, capsys):
    path = tmp_path / "gps.kml"
    path.write_text(_gps_kml([("白塔山公园", 103.8236, 36.0700), ("五泉山公园", 103.8290, 36.0440)]), encoding="utf-8")
    before = len(store_for_pack(LANZHOU).read_layer("attractions"))
    assert run("import", path, "--city", LANZHOU, "--layer", "attractions", "--map", "description=name_zh",
               "--set", "kind=公园", "--set", "coord_accuracy=approx", "--lang", "en") == 0, capsys.readouterr()  # fmt: skip
    out = capsys.readouterr().out
    assert "name_zh <- description" in out and "Stored in attractions: 2 added" in out
    stored = store_for_pack(LANZHOU).read_layer("attractions")
    assert len(stored) == before + 2
    new = stored[stored["name_zh"].isin(["白塔山公园", "五泉山公园"]) & stored["source"].str.startswith("gps.kml")]
    assert sorted(new["name_zh"]) == ["五泉山公园", "白塔山公园"]
    assert set(new["kind"]) == {"park"} and set(new["coord_accuracy"]) == {"approx"}
    assert set(new["district"]) <= {"城关区", "七里河区"} and new["district"].notna().all()


def test_set_fills_blank_cells_and_a_file_value_wins(store_dir, tmp_path, capsys):
    path = tmp_path / "spots.csv"
    path.write_text("名称,等级,经度,纬度\n新景甲,,103.70,36.10\n新景乙,AAA,103.71,36.11\n", encoding="utf-8")
    assert run("import", path, "--city", LANZHOU, "--layer", "scenic_spots", "--set", "grade=四A级",
               "--dry-run", "--lang", "en") == 0, capsys.readouterr()  # fmt: skip
    from culturemap.io.importers import prepare_import

    report = prepare_import(path, "scenic_spots", store_for_pack(LANZHOU).load_city(), defaults={"grade": "四A级"})
    assert report.rows_to_write()["grade"].tolist() == ["4A", "3A"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--map", "nosuch=name_zh"), "error: gps.kml: the column mapping names the column nosuch, which the file "
                                      "does not have; its columns: name, description"),
        (("--map", "description=colour"), "error: gps.kml: --map names the field colour, which layer attractions "
                                          "does not have; expected one of lon, lat, datum, id, name_zh"),
        (("--set", "lon=103"), "error: gps.kml: --set names the field lon, which layer attractions does not have; "
                               "expected one of id, name_zh"),
    ],
)  # fmt: skip
def test_map_and_set_name_what_is_wrong(option, message, store_dir, tmp_path, capsys):
    path = tmp_path / "gps.kml"
    path.write_text(_gps_kml([("白塔山公园", 103.8236, 36.0700)]), encoding="utf-8")
    assert run("import", path, "--city", LANZHOU, "--layer", "attractions", *option, "--lang", "en") == 2
    assert capsys.readouterr().err.startswith(message)


def test_bad_option_syntax_is_a_usage_error(store_dir, tmp_path, capsys):
    assert run("import", tmp_path / "x.csv", "--city", LANZHOU, "--layer", "attractions", "--set", "grade") == 2
    assert "--set: 'grade': expected FIELD=VALUE" in capsys.readouterr().err
