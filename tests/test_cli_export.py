"""``culturemap export``: the explorer's URL filters select the same rows; each format is written."""

import csv
import io
import subprocess
from datetime import date

import pyogrio
import pytest

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import load_city
from culturemap.ui.state import parse_params
from tests.conftest import LANZHOU
from tests.test_cli import run


def ids_of(path) -> list[str]:
    return pyogrio.read_dataframe(path)["id"].tolist()


def test_grade_4a_exports_exactly_the_4a_and_above_rows(tmp_path, capsys):
    out = tmp_path / "a.geojson"
    assert run(["export", "--city", LANZHOU, "--layers", "scenic_spots", "--grade", "4a", "--format", "geojson",
                "--out", out]) == 0  # fmt: skip
    scenic = load_city(LANZHOU).layers["scenic_spots"]
    expected = scenic.loc[scenic["grade"].isin(["5A", "4A"]), "id"].tolist()
    assert 0 < len(expected) < len(scenic)
    assert ids_of(out) == expected
    assert (
        capsys.readouterr().out == f"geojson：{out}（{len(expected)} 个点位：A级旅游景区 · A级旅游景区 4A级及以上）\n"
    )


def test_the_filters_select_what_the_same_link_shows(pack, tmp_path):
    # the same parameters as a shared link, read by the explorer's own parser
    link = {"layers": "scenic_spots,universities,museums", "district": "西区", "river_km": "4", "q": "ce shi"}
    city = load_city(pack)
    state = parse_params(link, tuple(city.layers["districts"]["name_zh"]))
    expected = select_assets(city.assets(), state.query(), city.layers["river"], city.config.metric_crs)["id"].tolist()
    assert expected == ["un-tu-north"]  # 测试大学 (ce shi da xue), west campus, within 4 km of the river
    out = tmp_path / "s.csv"
    argv = ["export", "--city", pack, *(a for k, v in link.items() for a in (f"--{k.replace('_', '-')}", v)),
            "--format", "csv", "--out", out]  # fmt: skip
    assert run(argv) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == expected


def test_english_district_names_and_bbox(pack, tmp_path):
    out = tmp_path / "e.gpkg"
    assert run(["export", "--city", pack, "--district", "east", "--format", "gpkg", "--out", out]) == 0
    assert ids_of(out) == ["sc-east-park", "hu-old-bridge", "un-tu-south"]
    city = load_city(pack)
    museum = city.layers["museums"].geometry.iloc[0]
    bbox = f"{museum.x - 0.01},{museum.y - 0.01},{museum.x + 0.01},{museum.y + 0.01}"
    assert run(["export", "--city", pack, "--bbox", bbox, "--format", "gpkg", "--out", out]) == 0
    assert ids_of(out) == ["mu-city"]
    assert select_assets(city.assets(), AssetQuery(bbox=tuple(map(float, bbox.split(",")))))["id"].tolist() == [
        "mu-city"
    ]


def test_unknown_district_is_one_error_line_listing_the_districts(pack, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert run(["export", "--city", pack, "--district", "西区,北区", "--format", "csv", "--out", out]) == 2
    captured = capsys.readouterr()
    assert (
        captured.err == "error: argument --district: unknown district(s) 北区; choose from 西区 (West), 东区 (East)\n"
    )
    assert not out.exists() and captured.out == ""


def test_river_filter_without_a_river_is_an_error_line(make_pack, tmp_path, capsys):
    pack = make_pack(lambda layers: layers.pop("river"))
    assert run(["export", "--city", pack, "--river-km", "1", "--format", "csv", "--out", tmp_path / "x.csv"]) == 2
    assert capsys.readouterr().err.startswith("error: a river distance filter needs the river layer")


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF"),
                                            ("html", b"<!DOCTYPE html>"), ("xlsx", b"PK"), ("kml", b"<?xml")])  # fmt: skip
def test_each_format_is_written(pack, tmp_path, fmt, magic):
    out = tmp_path / f"map.{fmt}"
    assert run(["export", "--city", pack, "--format", fmt, "--dpi", "60", "--title", "<b>标题</b>", "--out", out]) == 0
    assert out.read_bytes().startswith(magic)
    if fmt == "html":
        assert "<title>&lt;b&gt;标题&lt;/b&gt;</title>" in out.read_text(encoding="utf-8")


def test_lanzhou_print_map_pdf_a3_landscape_in_english(tmp_path):
    out = tmp_path / "lanzhou.pdf"
    assert run(["export", "--city", LANZHOU, "--format", "pdf", "--paper", "A3", "--landscape", "--lang", "en",
                "--out", out]) == 0  # fmt: skip
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    assert "Page size:       1190.55 x 841.89 pts (A3)" in info
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True, check=True).stdout
    assert "Lanzhou: cultural assets" in text and "Yellow River" in text and "Museums (" in text


@pytest.mark.e2e
def test_view_png_is_the_explorer_map_at_the_size_and_scale_asked(pack, tmp_path, capsys):
    from PIL import Image

    out = tmp_path / "view.png"
    assert run(["export", "--city", pack, "--q", "xita", "--view-png", "--width", "640", "--height", "400",
                "--scale", "2", "--basemap", "offline", "--lang", "en", "--out", out]) == 0  # fmt: skip
    width, height = Image.open(out).size
    assert width == 1280 and 800 + 2 * 60 < height < 800 + 2 * 400  # the map and the figure's bands
    captured = capsys.readouterr()
    assert captured.out == f'view png: {out} (1280 x {height} px, 1 asset: all layers · search "xita")\n'
    assert captured.err == ""  # the offline basemap: no tile is missing


def test_out_a_folder_names_the_file_for_filing(pack, tmp_path, capsys):
    today = date.today().isoformat()
    tmp_path = tmp_path / "filed"  # the pack fixture's folder testville/ sits in tmp_path itself
    tmp_path.mkdir()
    assert run(["export", "--city", pack, "--layers", "scenic_spots", "--grade", "4A", "--district", "西区",
                "--format", "csv", "--out", tmp_path]) == 0  # fmt: skip
    out = tmp_path / f"testville-data-scenic-spots-4a-west-{today}.csv"
    assert out.is_file() and capsys.readouterr().out.startswith(f"csv：{out}（1 个点位")
    assert run(["export", "--city", pack, "--format", "pdf", "--paper", "A3", "--landscape", "--out", tmp_path]) == 0
    assert (tmp_path / f"testville-map-A3-landscape-{today}.pdf").read_bytes().startswith(b"%PDF")
    assert run(["report", "--city", pack, "--district", "东区", "--out", tmp_path]) == 0
    assert (tmp_path / f"testville-report-east-A4-{today}.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".pdf", ".pdf"]


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--width", "100", "argument --width: expected a whole number of pixels from 200 to 4000, got '100'"),
    ("--height", "12.5", "argument --height: expected a whole number of pixels from 200 to 4000, got '12.5'"),
    ("--scale", "4", "argument --scale: invalid choice: 4 (choose from 1, 2, 3)"),
])  # fmt: skip
def test_view_png_size_out_of_range_is_exit_2_with_a_message(pack, tmp_path, capsys, option, value, message):
    out = tmp_path / "view.png"
    assert run(["export", "--city", pack, "--view-png", option, value, "--out", out]) == 2
    assert capsys.readouterr().err.strip().endswith(message)
    assert not out.exists()


def test_format_and_view_png_exclude_each_other(pack, tmp_path, capsys):
    assert run(["export", "--city", pack, "--view-png", "--format", "png", "--out", tmp_path / "x.png"]) == 2
    assert "argument --format: not allowed with argument --view-png" in capsys.readouterr().err
