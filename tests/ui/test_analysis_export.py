"""The Density & corridor page's export panel in AppTest: the density map as shown, the print map of
the chosen layers, the density and the corridor bands as data."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.analysis.corridor import band_polygons
from culturemap.catalog import load_city
from culturemap.ui.map_component import MAP_DRAWN
from tests.ui.test_analysis_page import ANALYSIS, APP
from tests.ui.test_export_panel import _panel_widget, _pdf_pages


def dated(label: str) -> str:
    """``label`` with the file's date (today, or yesterday for a run across midnight) as ``<date>``."""
    for day in {date.today(), date.today() - timedelta(days=1)}:
        label = label.replace(f"-{day.isoformat()}.", "-<date>.")
    return label


def open_panel(lang: str = "zh") -> AppTest:
    """The page on the synthetic pack, its export panel opened."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.session_state[MAP_DRAWN] = True  # as after the first map's report from a browser (AppTest has none)
    at.run()
    at.switch_page(ANALYSIS).run()
    at.session_state["analysis_export_open"] = True
    at.run()
    assert not at.exception
    return at


def prepare(at: AppTest, kind: str):
    _panel_widget(at, "selectbox", "analysis_export_kind").set_value(kind).run()
    _panel_widget(at, "button", "analysis_export_prepare").click().run()
    assert not at.exception and not at.error
    (button,) = [b for b in at.get("download_button") if b.key == "analysis_export_download"]
    return button


def test_the_closed_panel_draws_nothing_inside(data_root):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(ANALYSIS).run()
    assert [e.label for e in at.expander if e.label == "导出"] == ["导出"]
    assert not [w for w in at.selectbox if (w.key or "").startswith("analysis_export")]


def test_corridor_bands_count_the_chosen_layers_per_band(data_root, served):
    at = open_panel("en")
    at.sidebar.multiselect(key="analysis_buffers").set_value([1.0, 2.0]).run()
    button = prepare(at, "bands_csv")
    assert dated(button.proto.label).startswith("Download testville-corridor-bands-scenic-spots-heritage-units-museums-"
                                                "<date>.csv (")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(served(button).decode("utf-8-sig"))))
    # the default layers: heritage units, scenic spots, museums; the river runs along y = 3,995 km:
    # the bridge on it, the pagoda and the park 1 km off it, the museum 2 km off it
    assert [(r["band"], r["total"], r["cumulative"]) for r in rows] == [("0-1 km", "3", "3"), ("1-2 km", "1", "4")]
    assert rows[0]["scenic_spots"] == "2" and rows[1]["museums"] == "1"
    geojson = json.loads(served(prepare(at, "bands_geojson")))
    assert [f["properties"]["band"] for f in geojson["features"]] == ["0-1 km", "1-2 km"]
    assert [f["geometry"]["type"] for f in geojson["features"]] == ["Polygon", "Polygon"]


def test_band_polygons_are_rings_of_the_band_widths(pack):
    city = load_city(pack)
    rings = band_polygons(city.layers["river"], city.config.metric_crs, (2.0, 1.0))
    assert rings["band"].tolist() == ["0-1 km", "1-2 km"]
    # the 20 km river: 2 km wide band (both banks) plus the round ends, then the ring around it
    assert rings.area.round(-4).tolist() == pytest.approx([20_000 * 2_000 + 3.1416e6, 20_000 * 2_000 + 3 * 3.1416e6],
                                                          rel=2e-3)  # fmt: skip


def test_density_contours_and_grid(data_root, served):
    at = open_panel()
    contours = json.loads(served(prepare(at, "contours")))
    assert [f["properties"]["mass"] for f in contours["features"]] == [0.5, 0.75, 0.9]
    grid = served(prepare(at, "grid"))
    assert grid[:4] in (b"II*\x00", b"MM\x00*")  # a TIFF


def test_print_map_of_the_chosen_layers_is_one_page(data_root, served):
    at = open_panel()
    button = prepare(at, "pdf")
    assert _pdf_pages(served(button)) == 1


@pytest.mark.e2e  # Chromium draws the snapshot
def test_density_map_snapshot(data_root, served):
    from PIL import Image

    at = open_panel()
    _panel_widget(at, "selectbox", "analysis_export_kind").set_value("view").run()
    _panel_widget(at, "selectbox", "analysis_export_view_size").set_value((1280, 800)).run()
    button = prepare(at, "view")
    assert dated(button.proto.label).startswith(
        "下载 testville-density-view-scenic-spots-heritage-units-museums-<date>.png"
    )
    width, height = Image.open(io.BytesIO(served(button))).size  # the map, and the figure's bands above and under it
    assert width == 1280 and 800 + 60 < height < 800 + 400
