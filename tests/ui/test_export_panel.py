"""The map page's export panel in AppTest: prepare a file of the current selection, then download it."""

import csv
import io
import json
import subprocess
from datetime import date

import pytest

from culturemap.catalog import load_city
from culturemap.ui.export_panel import EmptySelection, ExportChoice, export_file
from culturemap.ui.state import ViewState
from tests.ui.test_app import results, widget
from tests.ui.test_app import run as run_page


def dated(label: str, before: date) -> str:
    """``label`` with the file's date (taken while the test ran: it may cross midnight) as ``<date>``."""
    for day in {before.isoformat(), date.today().isoformat()}:
        label = label.replace(f"-{day}.", "-<date>.")
    return label


def run(params: dict | None = None):
    """The map page with the export panel opened."""
    at = run_page(params)
    at.session_state["export_open"] = True
    return at.run()


def _panel_widget(at, kind: str, key: str):
    return next(w for w in getattr(at, kind) if (w.key or "").split("~")[0] == key)


def _prepare(at, fmt: str):
    _panel_widget(at, "selectbox", "export_format").set_value(fmt).run()
    _panel_widget(at, "button", "export_prepare").click().run()
    assert not at.exception and not at.error
    return [b for b in at.get("download_button") if b.key == "export_download"]


def _pdf_pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_nothing_is_drawn_in_the_closed_panel_and_nothing_prepared_until_asked(data_root):
    at = run_page()
    assert not at.exception
    assert [e.label for e in at.expander if e.label == "导出"] == ["导出"]
    assert not [w for w in at.selectbox if (w.key or "").startswith("export_")]
    at.session_state["export_open"] = True
    at.run()
    assert [e.label for e in at.expander if e.label == "导出"] == ["导出"]
    assert not at.get("download_button")
    assert _panel_widget(at, "selectbox", "export_format").value == "pdf"


def test_a_pdf_print_map_of_the_search_is_one_page(data_root, served):
    started = date.today()
    at = run()
    widget(at, "text_input", "q").input("xita").run()
    (button,) = _prepare(at, "pdf")
    assert dated(button.proto.label, started).startswith("下载 testville-map-xita-A4-<date>.pdf（")  # named for filing
    data = served(button)
    assert data.startswith(b"%PDF")
    assert _pdf_pages(data) == 1


def test_csv_holds_the_ids_of_the_results_table_with_a_bom(data_root, served):
    at = run()
    widget(at, "text_input", "q").input("xita").run()
    assert results(at) == ["sc-west-pagoda"]
    (button,) = _prepare(at, "csv")
    data = served(button)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == results(at)
    assert {"source", "coord_accuracy", "lon", "lat"} <= set(rows[0])


def test_geojson_holds_every_row_of_the_table_and_follows_the_filters(data_root, served):
    at = run()
    (button,) = _prepare(at, "geojson")
    ids = [f["properties"]["id"] for f in json.loads(served(button))["features"]]
    assert sorted(ids) == sorted(results(at)) and len(ids) == 6
    widget(at, "text_input", "q").input("测试大学").run()
    assert not [b for b in at.get("download_button") if b.key == "export_download"]  # built for the old selection
    (button,) = _prepare(at, "geojson")
    assert [f["properties"]["id"] for f in json.loads(served(button))["features"]] == ["un-tu-north", "un-tu-south"]


def test_an_empty_selection_says_so_and_offers_nothing(data_root):
    at = run()
    widget(at, "text_input", "q").input("zzzzqqq").run()
    assert results(at) == []
    assert [w.value for w in at.warning] == ["当前选择中没有点位，无法导出；请放宽筛选条件。"]
    assert not [b for b in at.button if b.key == "export_prepare"]
    assert not at.get("download_button")
    widget(at, "radio", "lang").set_value("en").run()
    english = "The current selection holds no asset, so there is nothing to export; relax the filters."
    assert [w.value for w in at.warning] == [english]  # the panel stays open across the switch


def test_the_panel_speaks_english(data_root):
    started = date.today()
    at = run({"lang": "en"})
    _panel_widget(at, "selectbox", "export_format").set_value("xlsx").run()
    assert _panel_widget(at, "button", "export_prepare").label == "Prepare"
    _panel_widget(at, "button", "export_prepare").click().run()
    (button,) = [b for b in at.get("download_button") if b.key == "export_download"]
    assert dated(button.proto.label, started).startswith("Download testville-data-<date>.xlsx (")


def test_web_tiles_under_the_print_map_are_asked_for_and_their_note_shown(data_root):
    at = run({"lang": "en", "basemap": "amap"})
    tiles = _panel_widget(at, "checkbox", "export_web_tiles")
    assert (tiles.label, tiles.value) == ("Web tiles underneath (AMap roads, needs the internet)", False)
    tiles.check().run()
    (button,) = _prepare(at, "pdf")
    assert button.proto.label.startswith("Download testville-")
    assert [i.value for i in at.info] == [  # AMap is GCJ-02: refused whatever the network
        "AMap roads tiles are in GCJ-02, a few hundred metres off the WGS-84 positions, so the print map does not "
        "use them: drawn on the pack's offline basemap"
    ]
    offline = run({"lang": "en", "basemap": "offline"})
    assert not [w for w in offline.checkbox if w.key == "export_web_tiles"]  # no tiles to ask for


@pytest.mark.parametrize(
    ("fmt", "mime", "start"),
    [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<?xml"), ("html", "text/html", b"<!DOCTYPE html>"),
     ("gpkg", "application/geopackage+sqlite3", b"SQLite format 3"), ("kml", "application/vnd.google-earth.kml+xml", b"<?xml"),
     ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK")],
)  # fmt: skip
def test_export_file_names_and_types(pack, fmt, mime, start):
    city = load_city(pack)
    state = ViewState(city="testville", lang="en", q="xita")
    shown = city.assets()
    shown = shown[shown["id"] == "sc-west-pagoda"]
    file = export_file(city, shown, state, ExportChoice(fmt=fmt, dpi=150), date(2026, 5, 4))
    names = {"png": "map-xita-A4", "svg": "map-xita-A4", "html": "map-xita", "gpkg": "data-xita", "kml": "data-xita",
             "xlsx": "data-xita"}  # fmt: skip
    assert (file.name, file.mime) == (f"testville-{names[fmt]}-2026-05-04.{fmt}", mime)
    assert file.data.startswith(start)
    assert file.notes == ()  # no web tiles asked: nothing missing


def test_export_file_refuses_an_empty_selection(pack):
    city = load_city(pack)
    with pytest.raises(EmptySelection):
        export_file(city, city.assets().iloc[:0], ViewState(city="testville"), ExportChoice(fmt="csv"))


def test_export_file_refuses_an_unknown_format(pack):
    city = load_city(pack)
    with pytest.raises(ValueError, match="unknown export format 'docx'"):
        export_file(city, city.assets(), ViewState(city="testville"), ExportChoice(fmt="docx"))


@pytest.mark.e2e  # Chromium draws the snapshot
def test_a_view_snapshot_of_the_map_as_shown(data_root, served):
    from PIL import Image

    started = date.today()
    at = run({"basemap": "offline", "lang": "en"})
    widget(at, "text_input", "q").input("xita").run()
    _panel_widget(at, "selectbox", "export_format").set_value("view").run()
    assert _panel_widget(at, "selectbox", "export_view_size").value == (1600, 1000)
    _panel_widget(at, "selectbox", "export_view_size").set_value((1280, 800)).run()
    _panel_widget(at, "selectbox", "export_view_scale").set_value(2).run()
    _panel_widget(at, "button", "export_prepare").click().run()
    assert not at.exception and not at.error and not at.warning
    assert not at.info  # the offline basemap: nothing is missing
    (button,) = [b for b in at.get("download_button") if b.key == "export_download"]
    days = {started.isoformat(), date.today().isoformat()}  # the run may cross midnight
    assert any(button.proto.label.startswith(f"Download testville-view-xita-{day}.png (") for day in days)
    width, height = Image.open(io.BytesIO(served(button))).size  # the map, and the figure's bands above and under it
    assert width == 2560 and 1600 + 2 * 60 < height < 1600 + 2 * 400
    _panel_widget(at, "selectbox", "export_view_scale").set_value(1).run()
    assert not [b for b in at.get("download_button") if b.key == "export_download"]  # built at another scale


def test_without_chromium_the_view_snapshot_points_to_the_print_map(data_root, monkeypatch, tmp_path):
    monkeypatch.setenv("CULTUREMAP_CHROMIUM", str(tmp_path / "no-chromium"))
    at = run()
    _panel_widget(at, "selectbox", "export_format").set_value("view").run()
    _panel_widget(at, "button", "export_prepare").click().run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == ["Chromium 不可用：请使用打印地图。"]
    assert not at.get("download_button")
