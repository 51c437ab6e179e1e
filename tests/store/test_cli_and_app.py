"""`culturemap dump`, `store info|reset` and `validate --city` on both backends; the Map page shows what the store holds."""

from __future__ import annotations

import json
import re
import subprocess

import pandas as pd
import pytest

from culturemap.catalog import NotAPackError
from culturemap.cli import main
from culturemap.store import store_for_pack
from tests.store.test_store import HTML_NAME, new_spot, scenic_rows
from tests.ui.test_app import results, run


def run_cli(capsysbinary, *argv: str) -> tuple[int, bytes]:
    code = main(list(argv))
    return code, capsysbinary.readouterr().out


def test_dump_geojson_is_what_the_store_holds(store, capsysbinary):
    store.write("scenic_spots", scenic_rows(new_spot("sc-new", HTML_NAME, themes=["night"])))
    code, out = run_cli(capsysbinary, "dump", "--city", "testville", "--layer", "scenic_spots", "--format", "geojson")
    assert code == 0
    features = json.loads(out)["features"]
    stored = store.read_layer("scenic_spots")
    assert [f["properties"]["id"] for f in features] == stored["id"].tolist()
    assert features[-1]["properties"]["name_zh"] == HTML_NAME
    assert features[-1]["properties"]["themes"] == ["night"]
    for feature, geom in zip(features, stored.geometry):  # GeoJSON exports keep 6 decimals (0.1 m)
        assert feature["geometry"]["coordinates"] == pytest.approx([geom.x, geom.y], abs=0.51e-6)


def test_dump_csv_to_a_file_is_what_the_store_holds(store, capsysbinary, tmp_path):
    store.write("scenic_spots", scenic_rows(new_spot("sc-new", "=HYPERLINK(1)", themes=["night", "heritage"])))
    out = tmp_path / "spots.csv"
    code, _ = run_cli(capsysbinary, "dump", "--city", "testville", "--layer", "scenic_spots", "--format", "csv",
                      "--out", str(out))  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    stored = store.read_layer("scenic_spots")
    assert table["id"].tolist() == stored["id"].tolist()
    assert table["name_zh"].tolist() == ["西塔", "东园", "'=HYPERLINK(1)"]  # a formula is neutralised
    assert table["themes"].tolist()[-1] == "night;heritage"
    assert table["lon"].astype(float).tolist() == pytest.approx(stored.geometry.x.tolist(), abs=1e-9)
    assert table["lat"].astype(float).tolist() == pytest.approx(stored.geometry.y.tolist(), abs=1e-9)


def test_store_info_lists_rows_per_layer_and_reset_reseeds(store, capsysbinary):
    store.write("scenic_spots", scenic_rows(new_spot("sc-new")))
    code, out = run_cli(capsysbinary, "store", "info", "--city", "testville")
    text = out.decode()
    assert code == 0
    assert f"Store: {store.backend} ({store.location})" in text
    assert "  scenic_spots: 3\n" in text and "  universities: 2\n" in text
    assert f"Stamp: {store.stamp()}" in text
    assert run_cli(capsysbinary, "store", "reset", "--city", "testville")[0] == 0
    assert store.layer_counts()["scenic_spots"] == 2


def test_validate_city_reports_the_store_as_validate_reports_the_pack(backend, make_pack, monkeypatch, capsysbinary):
    def spoil(layers):  # an unknown grade, a point without geometry, a duplicate id: errors and warnings
        layers["scenic_spots"][1]["properties"]["grade"] = "6A"
        layers["museums"][0]["geometry"] = None
        layers["heritage_units"][0]["properties"]["id"] = "sc-west-pagoda"

    pack = make_pack(spoil)
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    store_for_pack(pack).reset()
    pack_code, pack_report = run_cli(capsysbinary, "validate", str(pack), "--json", "--lang", "en")
    store_code, store_report = run_cli(capsysbinary, "validate", "--city", "testville", "--json", "--lang", "en")
    assert (pack_code, store_code) == (1, 1)
    assert json.loads(store_report) == json.loads(pack_report)
    codes = sorted(e["code"] for e in json.loads(store_report)["errors"])
    assert codes == ["bad_value", "duplicate_id", "missing_geometry"]
    text_code, text = run_cli(capsysbinary, "validate", "--city", "testville", "--lang", "zh")
    assert text_code == 1 and "错误" in text.decode()


def test_the_map_page_shows_a_row_written_to_the_store(store, pack):
    at = run()
    assert not at.exception
    assert "sc-written" not in results(at)
    store.write("scenic_spots", scenic_rows(new_spot("sc-written", "写入的景点")))
    at = run()
    assert not at.exception
    assert "sc-written" in results(at)
    assert at.subheader[0].value == "结果：7 个点位"


def test_a_folder_that_is_not_a_pack_makes_no_store(backend, tmp_path):
    (tmp_path / "notapack").mkdir()
    with pytest.raises(NotAPackError):
        store_for_pack(tmp_path / "notapack").layer_counts()
    assert not (tmp_path / "stores").exists()
    assert main(["store", "info", "--city", "nowhere"]) == 2


def test_the_report_counts_a_row_written_to_the_store(store, pack, capsysbinary, tmp_path):
    """`culturemap report` reads the city's store, as every other command: a stored spot is counted."""

    def scenic_count(path) -> int:
        text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        return int(re.search(r"A-class scenic spots\s+(\d+)", text)[1])

    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    assert run_cli(capsysbinary, "report", "--city", str(pack), "--lang", "en", "--out", str(before))[0] == 0
    store.write("scenic_spots", scenic_rows(new_spot("sc-reported", "报告里的景点")))
    assert run_cli(capsysbinary, "report", "--city", str(pack), "--lang", "en", "--out", str(after))[0] == 0
    assert scenic_count(after) == scenic_count(before) + 1
