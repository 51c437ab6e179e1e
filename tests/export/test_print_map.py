"""The print map: markers where the map's transform puts them, in their layer's colour; the legend and
a true scale bar; PDF pages of the paper's size with searchable Chinese text in an embedded CJK font,
drawn as vectors."""

import subprocess
from datetime import date

import matplotlib as mpl
import numpy as np
import pytest
from PIL import Image

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import load_city
from culturemap.export.print_map import PrintOptions, describe_selection, nice_length, print_map, write_print_map
from culturemap.layers import LAYERS
from culturemap.render.controls import OFFLINE_FILL

DPI = 150


def rgb(colour: str) -> np.ndarray:
    return np.array(mpl.colors.to_rgb(colour)) * 255


@pytest.fixture
def drawn_png(pack, tmp_path):
    city = load_city(pack)
    drawn = print_map(city, city.assets(), options=PrintOptions(dpi=DPI), today=date(2026, 11, 26))
    path = write_print_map(drawn, "png", tmp_path / "map.png")
    return drawn, np.asarray(Image.open(path).convert("RGB")).astype(float)


def pixel(drawn, image, x_m: float, y_m: float) -> np.ndarray:
    """The mean colour of the 3 x 3 pixels at (x_m, y_m) of the map's CRS."""
    col, row_up = drawn.ax.transData.transform((x_m, y_m))
    row, col = int(round(image.shape[0] - row_up)), int(round(col))
    return image[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3).mean(axis=0)


def test_png_is_a_drawn_page_of_the_paper_size(drawn_png):
    _drawn, image = drawn_png
    assert image.shape[:2] == (int(297 / 25.4 * DPI), int(210 / 25.4 * DPI))  # matplotlib truncates
    assert (image.min(axis=2) < 250).mean() > 0.3  # the basemap, markers and text: not a blank page
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50


@pytest.mark.parametrize(("fid", "x_m", "y_m", "layer"), [("mu-city", 503_000, 3_993_000, "museums"),
                                                           ("un-tu-south", 518_000, 3_992_000, "universities"),
                                                           ("hu-old-bridge", 512_000, 3_995_000, "heritage_units")])  # fmt: skip
def test_markers_are_at_their_pixels_in_their_layer_colour(drawn_png, fid, x_m, y_m, layer):
    # the test pack is drawn in its metric CRS (UTM 48N), where its points were made
    drawn, image = drawn_png
    assert drawn.crs == "EPSG:32648"
    expected = 0.9 * rgb(LAYERS[layer].color) + 0.1 * rgb(OFFLINE_FILL)  # 90% opaque over the district fill
    col, row_up = drawn.ax.transData.transform((x_m, y_m))
    row, col = int(round(image.shape[0] - row_up)), int(round(col))
    around = image[row - 5 : row + 6, col - 5 : col + 6].reshape(-1, 3)  # the marker, its number in the middle
    assert (np.abs(around - expected).max(axis=1) < 25).mean() > 0.25, fid
    off = pixel(drawn, image, x_m + 900, y_m + 900)  # 900 m away: the basemap, not the marker
    assert np.abs(off - rgb(OFFLINE_FILL)).max() < 25


def test_legend_shows_each_layer_colour_below_the_map(drawn_png):
    drawn, image = drawn_png
    map_bottom = image.shape[0] - drawn.ax.get_window_extent().y0
    legend = image[int(map_bottom) + 5 :].reshape(-1, 3)
    for layer in ("scenic_spots", "heritage_units", "museums", "universities"):
        expected = 0.9 * rgb(LAYERS[layer].color) + 0.1 * 255  # over white paper
        assert (np.abs(legend - expected).max(axis=1) < 20).sum() >= 8, layer
    assert (
        np.abs(legend - rgb(LAYERS["attractions"].color)).max(axis=1) < 20
    ).sum() == 0  # no attractions in this pack


def test_scale_bar_length_matches_the_extent(drawn_png):
    drawn, image = drawn_png
    box = drawn.ax.get_window_extent()
    top, bottom = int(image.shape[0] - box.y1) + 3, int(image.shape[0] - box.y0) - 3
    inside = image[top:bottom, int(box.x0) + 3 : int(box.x1) - 3]
    lower_left = inside[inside.shape[0] * 3 // 4 :, : inside.shape[1] // 2].max(axis=2) < 60
    runs = [np.diff(np.flatnonzero(np.diff(np.r_[0, row, 0]))).max(initial=0) for row in lower_left.astype(int)]
    bar_px = max(runs[i] for i in range(len(runs)))
    minx, _, maxx, _ = drawn.extent
    expected_px = drawn.scale_m * box.width / (maxx - minx)
    assert drawn.scale_m == nice_length((maxx - minx) / 5)
    assert abs(bar_px - expected_px) / expected_px < 0.02


def test_nice_length_is_1_2_or_5_times_a_power_of_ten():
    assert [nice_length(v) for v in (7.3, 1999, 2000, 49_000, 0.3)] == [5, 1000, 2000, 20_000, 0.2]


def test_description_names_each_filter(pack):
    city = load_city(pack)
    query = AssetQuery(
        layers=("scenic_spots", "museums"), min_grade="4A", districts=("西区",), river_km=2.0, text="bts"
    )
    assert (
        describe_selection(city, query, "zh")
        == "A级旅游景区、博物馆 · A级旅游景区 4A级及以上 · 西区 · 距测河 2 公里以内 · 搜索“bts”"
    )
    assert describe_selection(city, query, "en") == (
        'A-class scenic spots, Museums · scenic spots 4A and above · West · within 2 km of the Test River · search "bts"'
    )


def _pdf(tool: str, path) -> str:
    """What a poppler tool says about the PDF at ``path``."""
    argv = {"pdftotext": [tool, str(path), "-"], "pdfimages": [tool, "-list", str(path)]}.get(tool, [tool, str(path)])
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("paper", "landscape", "size"), [("A4", False, "595.276 x 841.89 pts (A4)"),
                                                          ("A3", True, "1190.55 x 841.89 pts (A3)")])  # fmt: skip
def test_pdf_is_vector_with_embedded_cjk_text(pack, tmp_path, paper, landscape, size):
    city = load_city(pack)
    query = AssetQuery(layers=("scenic_spots", "museums", "universities"))
    drawn = print_map(city, select_assets(city.assets(), query), query, PrintOptions(paper=paper, landscape=landscape))
    path = write_print_map(drawn, "pdf", tmp_path / "map.pdf")
    info = _pdf("pdfinfo", path)
    assert "Pages:           1" in info and f"Page size:       {size}" in info
    text = _pdf("pdftotext", path)
    assert "测试市文化资源分布图" in text
    for label in ("A级旅游景区 (2)", "博物馆 (1)", "高等院校 (2)", "测河", "行政区", "西区", "东区", "北", "2 km"):
        assert label in text, label
    assert "A级旅游景区、博物馆、高等院校 · 共 5 处" in text
    assert "文物保护单位" not in text  # a layer not selected is not in the legend
    fonts = [line.split() for line in _pdf("pdffonts", path).splitlines()[2:]]
    cjk = [f for f in fonts if "CJK" in f[0]]
    assert cjk and all(f[-5] == "yes" for f in cjk)  # the "emb" column
    assert _pdf("pdfimages", path).splitlines()[2:] == []  # no raster image at all: the map is vector


def test_svg_has_no_raster_image(pack, tmp_path):
    city = load_city(pack)
    path = write_print_map(print_map(city, city.assets()), "svg", tmp_path / "map.svg")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<image" not in text and text.count("<path") > 50
