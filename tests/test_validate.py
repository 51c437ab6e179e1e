import json

import pytest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.validate import build_report, coverage, format_report


def test_coverage_counts_rows_and_distinct_institutions(pack):
    report = build_report(load_city(pack), "en")
    by_id = {c["id"]: c for c in report["coverage"]}
    assert (by_id["a_class"]["actual"], by_id["a_class"]["gap"], by_id["a_class"]["status"]) == (2, 1, "short")
    # two campus rows of one institution count once
    assert (by_id["institutions"]["actual"], by_id["institutions"]["status"]) == (1, "complete")


def test_coverage_reports_more_than_published(make_pack):
    from tests.conftest import base_props, feature, point

    def extra(layers):
        for i in range(2):
            layers["scenic_spots"].append(
                feature(base_props(f"sc-extra-{i}", f"景{i}", "东区", grade="1A"), point(515_000 + i * 100, 3_991_000))
            )

    by_id = {c["id"]: c for c in build_report(load_city(make_pack(extra)))["coverage"]}
    assert (by_id["a_class"]["actual"], by_id["a_class"]["gap"], by_id["a_class"]["status"]) == (4, -1, "over")


def test_required_assets_found_and_missing(pack):
    report = build_report(load_city(pack))
    assert report["required_assets"] == [
        {"name_zh": "西塔", "name_en": "West Pagoda", "found": True, "ids": ["scenic_spots:sc-west-pagoda"]},
        {"name_zh": "不存在的地方", "name_en": "Nowhere", "found": False, "ids": []},
    ]


def test_counts_per_class_district_and_accuracy(make_pack):
    def approx(layers):
        layers["scenic_spots"][1]["properties"]["coord_accuracy"] = "approx"

    report = build_report(load_city(make_pack(approx)))
    scenic = report["layers"]["scenic_spots"]
    assert scenic["by_grade"] == {"4A": 1, "3A": 1}
    assert scenic["by_district"] == {"西区": 1, "东区": 1}
    assert report["coord_accuracy"] == {"surveyed": 5, "approx": 1}
    assert report["flagged_rows"] == 1
    assert report["ok"] is True


def test_text_report_in_both_languages(pack):
    report = build_report(load_city(pack), "zh")
    zh = format_report(report, "zh")
    assert "A级旅游景区: 2 / 3  (缺 1)" in zh and "校验通过" in zh
    en = format_report(build_report(load_city(pack), "en"), "en")
    assert "A-class scenic spots: 2 / 3  (1 missing)" in en and "Validation passed" in en


def test_cli_json_and_exit_codes(make_pack, capsys):
    good = make_pack(name="good")
    assert main(["validate", str(good), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["layers"]["universities"]["count"] == 2

    def bad(layers):
        layers["scenic_spots"][0]["properties"]["grade"] = "AAAA"

    broken = make_pack(bad, name="bad")
    assert main(["validate", str(broken), "--json", "--lang", "en"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(e["file"], e["id"], e["field"]) for e in report["errors"]] == [
        ("scenic_spots.geojson", "sc-west-pagoda", "grade")
    ]


def test_cli_on_a_folder_that_is_not_a_pack(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "city.toml" in capsys.readouterr().err


def test_cli_corridor_json(pack, capsys):
    # the test river runs along y = 3,995,000 from x = 500 km to 520 km
    assert main(["corridor", "--city", str(pack), "--buffers-km", "0.5,1.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    bands = {b["band"]: b for b in out["bands"]}
    assert (bands["0-0.5 km"]["total"], bands["0.5-1.5 km"]["total"]) == (1, 2)
    assert bands["0.5-1.5 km"]["scenic_spots"] == 2 and isinstance(bands["0.5-1.5 km"]["scenic_spots"], int)
    by_id = {a["id"]: a for a in out["assets"]}
    assert by_id["hu-old-bridge"]["chainage_km"] == 12.0 and by_id["hu-old-bridge"]["distance_m"] == 0.0
    assert (by_id["sc-west-pagoda"]["side"], by_id["sc-west-pagoda"]["bank"]) == ("north", "left")
    assert [a["id"] for a in out["assets"]][0] == "un-tu-north"  # sorted by chainage (x = 502 km)


def test_cli_corridor_rejects_bad_buffers(pack, capsys):
    with pytest.raises(SystemExit):
        main(["corridor", "--city", str(pack), "--buffers-km=-1,2"])
    assert "positive distances" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["geotiff", "geojson", "png"])
def test_cli_density_writes_each_format(pack, tmp_path, fmt, capsys):
    out = tmp_path / f"d.{fmt}"
    assert main(["density", "--city", str(pack), "--bandwidth-m", "1500", "--format", fmt, "--out", str(out)]) == 0
    assert "6 points, bandwidth 1500 m, cell 150 m" in capsys.readouterr().out
    data = out.read_bytes()
    if fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    elif fmt == "geotiff":
        import rasterio

        with rasterio.open(out) as src:
            assert src.crs.to_epsg() == 32648
            assert float(src.read(1).sum()) * 0.15**2 == pytest.approx(6, rel=0.01)  # integrates to the 6 points
    else:
        contours = json.loads(data)
        assert [f["properties"]["mass"] for f in contours["features"]] == [0.5, 0.75, 0.9]


def test_cli_density_rejects_unknown_layers(pack, capsys):
    with pytest.raises(SystemExit):
        main(["density", "--city", str(pack), "--layers", "pubs", "--format", "png", "--out", "x.png"])
    assert "unknown layer(s) pubs" in capsys.readouterr().err


def test_cli_stats_json(pack, capsys):
    assert main(["stats", "--city", str(pack), "--json", "--lang", "en"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 6
    nn = out["nearest_neighbour"]
    assert nn["area_km2"] == pytest.approx(200, rel=1e-3) and nn["nni"] > 0
    assert nn["sentence"].startswith(f"Nearest-neighbour index NNI = {nn['nni']:.2f}")
    assert [d["total"] for d in out["districts"]] == [3, 3]  # by location: 西区 and 东区 hold three assets each
    ranks = [row["rank"] for row in out["soft_power_index"]["table"]]
    assert sorted(ranks) == [1, 2] and "index = 100 x" in out["soft_power_index"]["formula"]


def break_zoom(pack):
    path = pack / "city.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("zoom = 11", "zoom = 1e9"), encoding="utf-8")
    return path


def test_cli_on_a_broken_city_toml_prints_one_error_line_and_exits_1(pack, capsys):
    path = break_zoom(pack)
    assert main(["validate", str(pack)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"error: {path}: zoom is 1000000000.0; expected a whole number from 1 to 20\n"
    assert captured.out == ""
    assert main(["validate", str(pack), "--lang", "zh"]) == 1
    assert capsys.readouterr().err == f"error: {path}：zoom 为 1000000000.0，应为 1 至 20 之间的整数\n"


def test_cli_json_on_a_broken_city_toml(pack, capsys):
    path = break_zoom(pack)
    assert main(["validate", str(pack), "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "path": str(pack),
        "ok": False,
        "errors": [
            {
                "severity": "error",
                "code": "pack_expected_integer",
                "file": str(path),
                "id": None,
                "row": None,
                "field": "zoom",
                "message": f"{path}: zoom is 1000000000.0; expected a whole number from 1 to 20",
            }
        ],
    }


def test_cli_on_a_file_is_not_a_pack(tmp_path, capsys):
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    for path in (passwd, "/etc/passwd"):
        assert main(["validate", str(path)]) == 2
        assert capsys.readouterr().err == f"error: {path} is not a folder; expected a city pack folder with city.toml\n"


def test_coverage_reports_the_approximate_share_and_the_named_missing_assets(make_pack):
    def approx(layers):
        layers["scenic_spots"][1]["properties"]["coord_accuracy"] = "approx"
        layers["universities"][0]["properties"]["coord_accuracy"] = "address"  # placed on the asset: not approximate

    by_id = {c["id"]: c for c in coverage(load_city(make_pack(approx)))}
    a_class = by_id["a_class"]
    assert (a_class["rows"], a_class["approx_rows"], a_class["approx_share"]) == (2, 1, 0.5)
    assert a_class["missing"] == [
        {
            "name_zh": "南湖",
            "name_en": "South Lake",
            "reason": "no_position",
            "source": "https://example.org/list",
            "note": None,
        }
    ]
    institutions = by_id["institutions"]
    assert (institutions["rows"], institutions["approx_rows"], institutions["approx_share"]) == (2, 0, 0.0)
    assert institutions["missing"] == []


def test_coverage_of_a_figure_without_rows_has_no_share(make_pack):
    def no_scenic(layers):
        layers["scenic_spots"] = []

    a_class = coverage(load_city(make_pack(no_scenic)))[0]
    assert (a_class["actual"], a_class["rows"], a_class["approx_rows"], a_class["approx_share"]) == (0, 0, 0, None)


def test_text_report_shows_the_share_and_the_missing_names_in_both_languages(make_pack):
    def approx(layers):
        layers["scenic_spots"][1]["properties"]["coord_accuracy"] = "approx"

    city = load_city(make_pack(approx))
    zh = format_report(build_report(city, "zh"), "zh").splitlines()
    i = zh.index("  A级旅游景区: 2 / 3  (缺 1)  概略位置占 50%")
    assert zh[i + 1 : i + 3] == [
        "      来源点名但数据中缺少的 1 处：",
        "        南湖: 无法定位（来源未给出地址或位置）",
    ]
    en = format_report(build_report(city, "en"), "en").splitlines()
    i = en.index("  A-class scenic spots: 2 / 3  (1 missing)  50% approximate positions")
    assert en[i + 1 : i + 3] == [
        "      1 named in a source but missing from the data:",
        "        South Lake: cannot be placed (no address or position in the sources)",
    ]


def test_validate_warns_on_same_names_in_one_layer_naming_both_ids(make_pack, capsys):
    from tests.conftest import base_props, feature, point

    def twins(layers):
        layers["scenic_spots"].append(
            feature(base_props("sc-west-pagoda-2", "西 塔", "西区", grade="4A"), point(505_900, 3_996_000))
        )  # "西 塔" is 西塔 once normalised
        layers["museums"].append(
            feature(base_props("mu-west-pagoda", "西塔", "西区", kind="history"), point(505_000, 3_996_100))
        )  # another layer: not a same-name pair
        layers["universities"].append(
            feature(
                base_props("un-tu-north-2", "测试大学", "西区", campus="北校区", type="university"),
                point(502_500, 3_998_000),
            )
        )

    # fmt: skip

    pack = make_pack(twins)
    assert main(["validate", str(pack), "--json", "--lang", "en"]) == 0  # warnings only
    report = json.loads(capsys.readouterr().out)
    same = [w for w in report["warnings"] if w["code"] == "same_name"]
    assert [(w["file"], w["id"], w["row"]) for w in same] == [
        ("scenic_spots.geojson", "sc-west-pagoda-2", 3), ("universities.geojson", "un-tu-north-2", 3)]  # fmt: skip
    assert same[0]["message"] == ("scenic_spots.geojson feature 3 (id=sc-west-pagoda-2) has the same name as "
                                  "feature 1 (id=sc-west-pagoda): 西 塔; a duplicate? merge them, or tell them "
                                  "apart by name or campus")  # fmt: skip
    assert "(id=un-tu-north)" in same[1]["message"]  # the same campus twice; 南校区 of 测试大学 is not flagged
    assert main(["validate", str(pack), "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert f"警告 {len(report['warnings'])} 条" in text
    assert "与第 1 个要素（id=sc-west-pagoda）同名（西 塔）：疑似重复" in text
