"""The XLSX export reads as a table for people (issue 26): the selection and its sources on the first
sheet, a sheet per layer headed in the chosen language with codes shown as labels; the CSV and the
GeoJSON of the same selection keep the codes."""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import load_city
from culturemap.catalog.sources import cite, source_keys
from culturemap.export.print_map import PrintOptions, describe_selection
from culturemap.export.selection import write_selection
from culturemap.export.workbook import sheet_name
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from tests.conftest import LANZHOU
from tests.export.test_data import FORMULAS

# Lanzhou's heritage units and museums in 城关区: the national units among them, and the museums
QUERY = AssetQuery(layers=("heritage_units", "museums"), districts=("城关区",))
TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def lanzhou():
    city = load_city(LANZHOU)
    return city, select_assets(city.assets(), QUERY)


def _write(lanzhou, tmp_path, lang, fmt="xlsx"):
    city, selection = lanzhou
    path = tmp_path / f"sel-{lang}.{fmt}"
    write_selection(city, selection, QUERY, fmt, path, PrintOptions(lang=lang), today=TODAY)
    return path


def _sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sheet_per_layer_headed_in_the_language_with_codes_as_labels(lanzhou, tmp_path, lang):
    city, selection = lanzhou
    book = openpyxl.load_workbook(_write(lanzhou, tmp_path, lang))
    expected_names = {
        "zh": ["选择与来源", "文物保护单位", "博物馆"],
        "en": ["Selection and sources", "Heritage units", "Museums"],
    }
    assert book.sheetnames == expected_names[lang]
    heritage = _sheet_rows(book.worksheets[1])
    header, body = heritage[0], heritage[1:]
    expected_header = {
        "zh": ["编号", "中文名称", "英文名称", "级别", "年代", "类别", "批次", "评定日期", "区县", "地址", "主题",
               "开放时间", "来源", "坐标精度", "备注", "经度（WGS-84）", "纬度（WGS-84）"],
        "en": ["ID", "Chinese name", "English name", "Level", "Era", "Category", "Batch", "Graded on", "District",
               "Address", "Themes", "Opening hours", "Source", "Position accuracy", "Note", "Longitude (WGS-84)",
               "Latitude (WGS-84)"],
    }  # fmt: skip
    assert header == expected_header[lang]
    units = selection[selection["layer"] == "heritage_units"]
    assert [row[0] for row in body] == units["id"].tolist()  # every unit of the selection, in its order
    wuquan = dict(zip(header, next(row for row in body if row[0] == "hu-wuquanshan")))
    assert units.set_index("id").loc["hu-wuquanshan", "level"] == "national"
    if lang == "zh":
        assert wuquan["级别"] == "全国重点文物保护单位" and wuquan["类别"] == "古建筑"
        assert wuquan["区县"] == "城关区" and wuquan["主题"] == "文化遗产、宗教"
        assert wuquan["来源"] == "第七批全国重点文物保护单位（国务院，2013）"
        assert wuquan["坐标精度"] == "概略位置（未测量）"
    else:
        assert wuquan["Level"] == "National" and wuquan["Category"] == "Ancient architecture"
        assert wuquan["District"] == "Chengguan" and wuquan["Themes"] == "Heritage; Religion"
        assert wuquan["Position accuracy"] == "approximate (not surveyed)"
    point = units.set_index("id").loc["hu-wuquanshan"].geometry
    assert (wuquan[header[-2]], wuquan[header[-1]]) == pytest.approx((point.x, point.y), abs=1e-6)
    museums = _sheet_rows(book.worksheets[2])
    assert len(museums) - 1 == int((selection["layer"] == "museums").sum())
    kinds = {row[0]: row[3] for row in museums[1:]}
    assert kinds["mu-lzu"] == ("高校博物馆" if lang == "zh" else "University museum")
    codes = {"national", "provincial", "county", "approx", "university", "memorial", "heritage", "surveyed"}
    assert not codes & {c for sheet in book.worksheets[1:] for row in _sheet_rows(sheet) for c in row}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_first_sheet_holds_the_selection_and_its_sources(lanzhou, tmp_path, lang):
    city, selection = lanzhou
    rows = _sheet_rows(openpyxl.load_workbook(_write(lanzhou, tmp_path, lang)).worksheets[0])
    facts = {row[0]: row[1] for row in rows if row[0]}
    assert facts[tr("xlsx_city", lang)] == city.config.name(lang)
    assert facts[tr("xlsx_selection", lang)] == describe_selection(city, QUERY, lang)
    assert facts[tr("xlsx_exported", lang)] == "2026-12-07"
    assert facts[tr("xlsx_assets", lang)] == len(selection)
    for lid in ("heritage_units", "museums"):
        assert facts[f"  {LAYERS[lid].label(lang)}"] == int((selection["layer"] == lid).sum())
    start = next(i for i, row in enumerate(rows) if row[0] == tr("xlsx_sources", lang))
    header, *sources = rows[start + 1 :]
    assert header == [tr(f"xlsx_source_{c}", lang) for c in
                      ("citation", "publisher", "title", "date", "page", "licence", "rows")]  # fmt: skip
    cited = {row[0]: dict(zip(header, row)) for row in sources}
    batch7 = city.sources["guobao-batch7"]
    entry = cited[cite(batch7, lang)]
    n_batch7 = sum("guobao-batch7" in source_keys(s) for s in selection["source"])
    assert n_batch7 > 0 and entry[header[-1]] == n_batch7
    assert entry[header[1]] == (batch7.publisher_zh if lang == "zh" else batch7.publisher_en)
    assert entry[header[3]] == batch7.date
    assert [row[-1] for row in sources] == sorted((row[-1] for row in sources), reverse=True)  # most cited first
    keys = {k for s in selection["source"] for k in source_keys(s)}
    assert len(sources) == len(keys)  # each source the rows cite, once
    assert not any(isinstance(c, str) and ("/" in c and not c.startswith("http")) for row in sources for c in row)


def test_the_csv_and_geojson_of_the_same_selection_keep_the_codes(lanzhou, tmp_path):
    rows = list(csv.DictReader(io.StringIO(_write(lanzhou, tmp_path, "en", "csv").read_bytes().decode("utf-8-sig"))))
    wuquan = next(r for r in rows if r["id"] == "hu-wuquanshan")
    assert (wuquan["level"], wuquan["category"], wuquan["coord_accuracy"]) == (
        "national",
        "ancient_architecture",
        "approx",
    )
    assert wuquan["district"] == "城关区" and wuquan["themes"] == "heritage;religion"
    features = json.loads(_write(lanzhou, tmp_path, "zh", "geojson").read_text(encoding="utf-8"))["features"]
    props = next(f["properties"] for f in features if f["properties"]["id"] == "hu-wuquanshan")
    assert (props["level"], props["themes"]) == ("national", ["heritage", "religion"])


def test_workbook_text_that_looks_like_a_formula_stays_text(make_pack, tmp_path):
    def evil(layers):
        layers["museums"][0]["properties"]["name_en"] = FORMULAS[0]

    city = load_city(make_pack(evil))
    path = tmp_path / "evil.xlsx"
    write_selection(city, city.assets(), AssetQuery(), "xlsx", path, PrintOptions(lang="en"))
    book = openpyxl.load_workbook(path)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert [c.data_type for c in cells if c.value == FORMULAS[0]] == ["s"]
    assert all(c.data_type != "f" for c in cells)


def test_sheet_names_fit_excel():
    assert sheet_name("a/b:c*d?[e]\\f") == "a b c d  e  f"
    assert len(sheet_name("x" * 40)) == 31
    assert all(len(sheet_name(spec.short_label(lang))) <= 31 for spec in LAYERS.values() for lang in ("zh", "en"))
