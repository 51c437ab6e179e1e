"""Data exports of a selection read back (pyogrio, openpyxl, csv) give the selection's rows, ids and
coordinates; CSV opens in Excel as UTF-8 and never runs a cell as a formula."""

import csv
import io

import numpy as np
import openpyxl
import pyogrio
import pytest

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import load_city
from culturemap.export import DATA_FORMATS
from culturemap.export.data import neutralise_formula, write_data
from tests.conftest import LANZHOU

FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def _read_back(path, fmt) -> list[tuple[str, float, float]]:
    """(id, lon, lat) of each row of an exported file, in file order."""
    if fmt in ("csv", "xlsx"):
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(path, read_only=True).active
            header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
            rows = [dict(zip(header, r)) for r in body]
        return [(r["id"], float(r["lon"]), float(r["lat"])) for r in rows]
    frame = pyogrio.read_dataframe(path)
    return list(zip(frame["id"], frame.geometry.x, frame.geometry.y))


@pytest.mark.parametrize("fmt", DATA_FORMATS)
def test_each_format_reads_back_as_the_selection(fmt, tmp_path):
    city = load_city(LANZHOU)
    query = AssetQuery(layers=("scenic_spots", "museums"), min_grade="4A")
    selection = select_assets(city.assets(), query)
    assert 0 < len(selection) < len(city.assets())
    path = write_data(selection, fmt, tmp_path / f"sel.{fmt}")
    assert path.is_file() and [p.name for p in tmp_path.iterdir()] == [f"sel.{fmt}"]  # one file, no temporary left
    rows = _read_back(path, fmt)
    assert [r[0] for r in rows] == selection["id"].tolist()
    np.testing.assert_allclose([r[1:] for r in rows], np.column_stack([selection.geometry.x, selection.geometry.y]),
                               atol=1e-6)  # fmt: skip


@pytest.mark.parametrize("fmt", ("gpkg", "csv", "xlsx", "geojson"))
def test_source_and_accuracy_columns_are_kept(fmt, tmp_path):
    city = load_city(LANZHOU)
    assets = city.assets()
    path = write_data(assets, fmt, tmp_path / f"all.{fmt}")
    if fmt == "xlsx":
        header, *body = openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
        frame = {name: [row[i] for row in body] for i, name in enumerate(header)}
    else:
        frame = pyogrio.read_dataframe(path) if fmt != "csv" else None
        if frame is None:
            rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
            frame = {name: [r[name] for r in rows] for name in rows[0]}
    assert list(frame["coord_accuracy"]) == assets["coord_accuracy"].tolist()
    assert [s.lstrip("'") for s in frame["source"]] == assets["source"].tolist()


def test_csv_has_a_bom_and_neutralises_formulas(make_pack, tmp_path):
    def evil(layers):
        for feature, text in zip(layers["universities"] + layers["scenic_spots"] + layers["museums"], FORMULAS):
            feature["properties"]["name_en"] = text

    city = load_city(make_pack(evil))
    path = write_data(city.assets(), "csv", tmp_path / "evil.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    names = {r["id"]: r["name_en"] for r in rows}
    assert sorted(v for v in names.values() if v.startswith("'")) == sorted("'" + f for f in FORMULAS)
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert "测试大学" in raw.decode("utf-8-sig")
    assert float(rows[0]["lon"]) > 100  # numbers are numbers, not neutralised text


def test_neutralise_formula_covers_tab_and_carriage_return():
    assert [neutralise_formula(v) for v in ("\tx", "\rx", "ok", "a=b", 5, None)] == [
        "'\tx",
        "'\rx",
        "ok",
        "a=b",
        5,
        None,
    ]


def test_xlsx_stores_formula_text_as_text(make_pack, tmp_path):
    def evil(layers):
        layers["museums"][0]["properties"]["name_en"] = FORMULAS[0]

    city = load_city(make_pack(evil))
    path = write_data(city.assets(), "xlsx", tmp_path / "evil.xlsx")
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("name_en")] for row in sheet.iter_rows(min_row=2)]
    evil_cell = next(c for c in cells if c.value == FORMULAS[0])
    assert evil_cell.data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
