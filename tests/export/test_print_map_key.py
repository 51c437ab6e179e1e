"""Print maps as figures for a report (issue 26): every asset numbered with a key, names labelled without
collisions, an inset (or a page) for a crowded centre, the north arrow off the data, PDF metadata."""

import re
import subprocess
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import load_city
from culturemap.export.print_key import crowded_centre, number_assets, overlapping_markers
from culturemap.export.print_map import PrintOptions, print_map, write_print_map
from culturemap.layers import ASSET_LAYERS

UTM = "EPSG:32648"  # the test pack's metric CRS


def _pdf(tool: str, path) -> str:
    argv = [tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def synthetic_assets(city, xy_m: np.ndarray) -> gpd.GeoDataFrame:
    """Assets of the test pack's layers at ``xy_m`` (UTM 48N metres), named 资源点1, 资源点22, ... (varied lengths)."""
    template = city.assets()
    rows = template.iloc[np.arange(len(xy_m)) % len(template)].reset_index(drop=True).copy()
    rows["id"] = [f"syn-{i}" for i in range(len(xy_m))]
    rows["name_zh"] = [f"资源点{i}" + "文化" * (i % 3) for i in range(len(xy_m))]
    rows["name_en"] = [f"Asset {i}" for i in range(len(xy_m))]
    points = gpd.GeoSeries(gpd.points_from_xy(xy_m[:, 0], xy_m[:, 1]), crs=UTM).to_crs("EPSG:4326")
    return gpd.GeoDataFrame(rows.drop(columns="geometry"), geometry=points.to_numpy(), crs="EPSG:4326")


def test_chengguan_national_units_are_numbered_in_the_key_with_pdf_metadata(tmp_path):
    city = load_city("geodata/lanzhou")
    query = AssetQuery(layers=("heritage_units",), heritage_levels=("national",), districts=("城关区",))
    assets = select_assets(city.assets(), query)
    assert len(assets) == 4
    drawn = print_map(city, assets, query, PrintOptions(), today=date(2026, 12, 7))
    assert sorted(drawn.numbers) == [1, 2, 3, 4]
    assert len(drawn.labels) == 4  # few assets: every name is also written beside its marker
    path = write_print_map(drawn, "pdf", tmp_path / "chengguan.pdf")
    text = _pdf("pdftotext", path)
    key = text[text.index("编号") :]
    for number, name in zip(drawn.numbers, assets["name_zh"]):
        assert name in key, name
        assert re.search(rf"(?m)^{number}$", key), number  # the number in the key's first column
    assert "全国重点文物保护单位" in key and "城关区" in key and "文物保护单位" in key
    info = _pdf("pdfinfo", path)
    assert re.search(r"(?m)^Title:\s+兰州文化资源分布图$", info)
    assert re.search(r"(?m)^Subject:\s+文物保护单位 · 全国重点文物保护单位 · 城关区$", info)
    assert re.search(r"(?m)^Author:\s+culturemap$", info)
    assert re.search(r"(?m)^CreationDate:\s+\S", info)
    assert "Pages:           1" in info  # 4 rows: the key fits under the map
    fonts = [line.split() for line in _pdf("pdffonts", path).splitlines()[2:]]
    assert fonts and all(f[-5] == "yes" for f in fonts)  # every font embedded


def test_numbers_go_by_layer_then_north_to_south_then_west_to_east(pack):
    city = load_city(pack)
    assets = city.assets()
    numbers = number_assets(assets, UTM)
    ordered = assets.assign(n=numbers, y=assets.to_crs(UTM).geometry.y).sort_values("n")
    ranks = ordered["layer"].map(ASSET_LAYERS.index).to_numpy()
    assert sorted(numbers) == list(range(1, len(assets) + 1))
    assert (np.diff(ranks) >= 0).all()
    for _, layer in ordered.groupby("layer"):
        assert (np.diff(layer["y"].to_numpy()) <= 0).all()  # north first within a layer
    assert list(number_assets(assets.iloc[::-1], UTM)) == list(numbers[::-1])  # the same whatever the row order


@pytest.mark.parametrize("city_id", ["lanzhou", "qiqihar"])
def test_whole_city_a4_map_has_an_inset_or_a_page_for_the_centre(city_id, tmp_path):
    city = load_city(f"geodata/{city_id}")
    drawn = print_map(city, city.assets(), options=PrintOptions(), today=date(2026, 12, 7))
    assert (drawn.inset_ax is not None) != bool(drawn.detail_pages)  # one or the other
    path = write_print_map(drawn, "pdf", tmp_path / f"{city_id}.pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", _pdf("pdfinfo", path))[1])
    assert pages == 1 + len(drawn.detail_pages) + len(drawn.key_pages)
    text = _pdf("pdftotext", path)
    for name in city.assets()["name_zh"]:
        assert name[:6] in text, name  # every asset in the key (long names cut with an ellipsis)


def test_overlap_measure_finds_the_crowded_cluster_not_a_sparse_spread():
    rng = np.random.default_rng(26)
    sparse = rng.uniform(0, 30_000, size=(40, 2))  # 40 markers over 30 km: none within 300 m of another
    sparse = sparse[
        np.min(np.hypot(*(sparse[:, None] - sparse[None]).transpose(2, 0, 1)) + np.eye(40) * 1e9, axis=1) > 300
    ]
    assert crowded_centre(sparse, marker_m=300.0) is None
    assert overlapping_markers(sparse, 300.0) == 0
    cluster = np.array([12_000.0, 8_000.0]) + rng.normal(0, 80, size=(12, 2))
    centre = crowded_centre(np.vstack([sparse, cluster]), marker_m=300.0)
    assert centre is not None and np.hypot(*(centre - [12_000, 8_000])) < 300
    assert overlapping_markers(cluster, 300.0) == 12


def test_print_map_of_a_crowded_pack_gets_an_inset_and_a_sparse_one_none(pack):
    city = load_city(pack)
    sparse = print_map(city, city.assets(), options=PrintOptions(dpi=100))
    assert sparse.inset_ax is None and not sparse.detail_pages
    rng = np.random.default_rng(7)
    spread = np.column_stack([rng.uniform(500_000, 520_000, 10), rng.uniform(3_985_000, 4_000_000, 10)])
    cluster = np.array([510_000.0, 3_993_000.0]) + rng.normal(0, 60, size=(8, 2))
    crowded = print_map(city, synthetic_assets(city, np.vstack([spread, cluster])), options=PrintOptions(dpi=100))
    assert crowded.inset_ax is not None or crowded.detail_pages
    detail = crowded.inset_ax if crowded.inset_ax is not None else crowded.detail_ax
    x0, x1 = detail.get_xlim()
    y0, y1 = detail.get_ylim()
    assert x0 < 510_000 < x1 and y0 < 3_993_000 < y1  # the inset shows the cluster
    assert (x1 - x0) < 0.25 * (crowded.extent[2] - crowded.extent[0])  # at a larger scale


def test_labels_never_meet_each_other_the_legend_or_the_north_arrow(pack):
    city = load_city(pack)
    rng = np.random.default_rng(3)
    xy = np.column_stack([rng.uniform(508_000, 512_000, 30), rng.uniform(3_991_000, 3_995_000, 30)])
    drawn = print_map(city, synthetic_assets(city, xy), options=PrintOptions(dpi=100))
    renderer = drawn.figure.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in drawn.labels]
    assert len(boxes) >= 10  # most names stay
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[i + 1 :]), drawn.labels[i].get_text()
        assert not box.overlaps(drawn.legend.get_window_extent(renderer))
    arrow = [t for t in drawn.ax.texts if t.get_text() == "北"][-1].get_window_extent(renderer)
    assert not any(box.overlaps(arrow) for box in boxes)
    circled = [t.get_window_extent(renderer) for t in drawn.ax.texts if t.get_text().isdigit() and t.get_bbox_patch()]
    assert not any(box.overlaps(number) for box in boxes for number in circled)  # nor the numbers moved aside
    frame = drawn.ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)


def test_north_arrow_sits_in_the_emptiest_corner(pack):
    city = load_city(pack)
    drawn = print_map(city, city.assets(), options=PrintOptions(dpi=100))
    minx, miny, maxx, maxy = drawn.extent
    xy = city.assets().to_crs(UTM).geometry
    vertical = "upper" if "upper" in drawn.north_corner else "lower"
    horizontal = "right" if "right" in drawn.north_corner else "left"
    in_corner = (
        (xy.x > maxx - 0.12 * (maxx - minx)) if horizontal == "right" else (xy.x < minx + 0.12 * (maxx - minx))
    ) & ((xy.y > maxy - 0.2 * (maxy - miny)) if vertical == "upper" else (xy.y < miny + 0.2 * (maxy - miny)))
    assert not in_corner.any()
    assert drawn.north_corner != "lower left"  # the scale bar's


def test_keys_too_long_for_the_page_go_on_their_own_pages(pack, tmp_path):
    city = load_city(pack)
    rng = np.random.default_rng(11)
    xy = np.column_stack([rng.uniform(500_000, 520_000, 60), rng.uniform(3_985_000, 4_000_000, 60)])
    drawn = print_map(city, synthetic_assets(city, xy), options=PrintOptions(dpi=100))
    assert drawn.key_pages and not drawn.labels  # 60 assets: no names on the map, the key on its own page
    path = write_print_map(drawn, "pdf", tmp_path / "many.pdf")
    text = _pdf("pdftotext", path)
    assert "编号对照表见第" in text
    assert all(f"资源点{i}" in text for i in range(60))
    assert isinstance(pd.Series(drawn.numbers).max(), np.integer | int) and drawn.numbers.max() == 60
