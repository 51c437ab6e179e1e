"""Sources as a reader sees them (issue 25): the packs' source registers, citations per kind, validate's
register checks, and no file path, repository or commit hash in what a user reads (popups, XLSX
cells, the city report's text)."""

import json
import re
import shutil
import subprocess
from datetime import date

import openpyxl
import pandas as pd
import pytest

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import load_city
from culturemap.catalog.sources import Source, cite, cite_text, sources_table, weak_keys
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS, weakly_sourced
from culturemap.render.fact_card import fact_card_html
from tests.conftest import LANZHOU, REPO, run_cli

QIQIHAR = REPO / "geodata" / "qiqihar"
# what a reader must never see: a relative path, a reference file, a repository, a commit hash
# (a hash: 7-40 hex digits with a letter and a digit, not part of a word, a number or a key)
LEAKS = re.compile(
    r"\.\./|github[:.]|/reference/|(?<![0-9A-Za-z.-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z-])"
)


def leaks(texts) -> list[str]:
    """The texts of ``texts`` that name a path, repository or commit."""
    return [t for t in texts if isinstance(t, str) and LEAKS.search(t)]


@pytest.fixture(scope="module")
def cities():
    return {"lanzhou": load_city(LANZHOU), "qiqihar": load_city(QIQIHAR)}


def test_leak_pattern_catches_what_the_packs_used_to_show():
    assert leaks(["via ../shared/reference/x.csv", "github:flwfdd/china-university-location@77ca8e0", "@c67e1a5"])
    assert leaks(["kasasasasa/National@c67e1a5 (x)"]) and leaks(["commit 2b95dae"])
    assert not leaks(["兰州日报 2011-12-23, landscape.cn", "第七批全国重点文物保护单位（国务院，2013）", "4A 2022-09"])
    assert not leaks(["0.07186865383546417", "4067489", "deadbeef-key", "facade"])


def test_citations_per_kind(cities):
    lanzhou = cities["lanzhou"].sources
    assert cite(lanzhou["landscape-cn-2011-12-23"], "zh") == "兰州日报 2011-12-23, landscape.cn"
    assert cite(lanzhou["o931-cn"], "zh") == "兰州日报 2023-12-20, o931.cn"
    assert cite(lanzhou["o931-cn"], "en") == "Lanzhou Daily 2023-12-20, o931.cn"  # the publisher in English
    assert cite(lanzhou["guobao-batch7"], "zh") == "第七批全国重点文物保护单位（国务院，2013）"
    assert (
        cite(lanzhou["guobao-batch7"], "en")
        == "National key cultural relics protection units, batch 7 (State Council, 2013)"
    )
    assert cite(lanzhou["wenrenren-com"], "zh") == "线索（弱来源）：wenrenren.com"
    assert cite(lanzhou["wenrenren-com"], "en") == "Lead (weak source): wenrenren.com"
    assert cite(lanzhou["qunar-scenic"], "en") == "Qunar attraction listings (addresses) (dataset, licence not stated)"
    assert cite(Source("d", "dataset", title_zh="某数据集", licence="MIT"), "zh") == "某数据集（数据集，MIT）"
    assert cite(lanzhou["moe-university-list"], "zh") == "教育部 全国普通高等学校名单（凭记忆整理，未核对）"
    assert cite(lanzhou["lanzhou-swot-study"], "zh") == "兰州文化旅游SWOT分析（项目任务书引用的数字），2022-08"
    # a row: every key cited once, in order, joined in the page's language
    assert cite_text("guobao-batch7; qunar-scenic", lanzhou, "zh") == (
        "第七批全国重点文物保护单位（国务院，2013）；去哪儿网景点名录（地址）（数据集，未注明许可）"
    )
    # an imported file's own text: kept, without paths, commits or parentheses
    assert (
        cite_text("my.xlsx, row 3; via ../shared/reference/x.csv (github:a/b@77ca8e0)", {}, "en")
        == "my.xlsx, row 3; via"
    )


def test_every_row_cites_register_keys_and_the_registers_are_clean(cities):
    for name, city in cities.items():
        assert not city.errors, [p.message() for p in city.errors]
        keys = set(city.sources)
        for lid in ASSET_LAYERS:
            for text in city.layers[lid]["source"]:
                assert set(map(str.strip, text.split(";"))) <= keys, (name, lid, text)
        assert all(
            not leaks([s.publisher_zh, s.publisher_en, s.title_zh, s.title_en, s.licence])
            for s in city.sources.values()
        )
    assert (len(cities["lanzhou"].sources), len(cities["qiqihar"].sources)) == (70, 44)


def test_weakly_sourced_reads_the_register_strength(cities):
    lanzhou = cities["lanzhou"]
    assets = lanzhou.assets()
    weak = weak_keys(lanzhou.sources)
    assert int(weakly_sourced(assets, weak).sum()) == 8
    assert int(weakly_sourced(cities["qiqihar"].assets(), weak_keys(cities["qiqihar"].sources)).sum()) == 7
    # a lead cited for a detail (not first) does not make the row weak; the principal one does
    row = assets[assets["id"] == "hu-zhigongtang"].iloc[0]
    assert row["source"].split("; ")[0] in weak
    # a source made strong by the curators: its rows are no longer weak
    assert int(weakly_sourced(assets, weak - {row["source"].split("; ")[0]}).sum()) < 8


def test_the_sources_page_lists_each_source_once_with_its_rows(cities):
    lanzhou = cities["lanzhou"]
    table = sources_table(lanzhou.sources, {lid: lanzhou.layers[lid] for lid in ASSET_LAYERS}, "zh")
    assert table["key"].is_unique and len(table) == len(lanzhou.sources)
    top = table.iloc[0]  # the institution list behind every university row
    assert (top["key"], top["rows"], top["layers"]) == ("moe-university-list", 36, "universities")
    batch7 = table.set_index("key").loc["guobao-batch7"]
    assert (batch7["rows"], batch7["principal"], batch7["layers"]) == (5, 5, "heritage_units")
    assert not leaks(table["citation"])


def _pack_copy(tmp_path, name="lanzhou"):
    pack = tmp_path / name
    shutil.copytree(REPO / "geodata" / name, pack)
    return pack


def test_validate_rejects_an_unknown_source_key(tmp_path, capsys):
    pack = _pack_copy(tmp_path)
    path = pack / "heritage_units.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["source"] = "guobao-batch9; qunar-scenic"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    fid = data["features"][0]["properties"]["id"]
    city = load_city(pack)
    (problem,) = [p for p in city.errors if p.code == "source_unknown"]
    assert (problem.file, problem.feature_id, problem.row, problem.field) == (
        "heritage_units.geojson",
        fid,
        1,
        "source",
    )
    assert problem.message("en") == (
        f"heritage_units.geojson: feature {fid} (row 1): source 'guobao-batch9' is not a key of the register "
        "sources.csv: add it to the register or cite an existing key"
    )
    assert run_cli(["validate", pack, "--json"]) != 0
    report = json.loads(capsys.readouterr().out)
    assert [e["code"] for e in report["errors"]] == ["source_unknown"]


def test_validate_rejects_a_register_entry_citing_a_file_path(tmp_path):
    pack = _pack_copy(tmp_path, "qiqihar")
    register = pd.read_csv(pack / "sources.csv", dtype=str, keep_default_na=False)
    register.loc[register["key"] == "qunar-scenic", "title_en"] = (
        "../shared/reference/qiqihar_scenic_qunar_nocoords.csv"
    )
    register.loc[register["key"] == "guobao-batch3", "url"] = "../shared/reference/qiqihar_guobao_nocoords.csv"
    register.to_csv(pack / "sources.csv", index=False)
    errors = [p.message("en") for p in load_city(pack).errors]
    assert errors == [
        "sources.csv: guobao-batch3: url '../shared/reference/qiqihar_guobao_nocoords.csv' is not a web address; "
        "keep file paths in 'via'",
        "sources.csv: qunar-scenic: title_en names a file path, repository or commit; cite the publisher and keep "
        "the path in 'via'",
    ]


def test_a_figure_citing_an_unknown_key_is_an_error(tmp_path):
    pack = _pack_copy(tmp_path)
    toml = (pack / "city.toml").read_text(encoding="utf-8")
    (pack / "city.toml").write_text(
        toml.replace('source = "lanzhou-swot-study"', 'source = "swot"', 1), encoding="utf-8"
    )
    (problem,) = load_city(pack).errors
    assert (problem.code, problem.file, problem.feature_id) == (
        "source_unknown_config",
        "city.toml",
        "a_class_scenic_spots",
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_popup_names_a_path_repository_or_commit(cities, lang):
    for city in cities.values():
        districts = dict(zip(city.layers["districts"]["name_zh"], city.layers["districts"]["name_en"]))
        cards = [fact_card_html(row, LAYERS[row["layer"]], lang, districts, city.sources)
                 for row in city.assets().to_dict("records")]  # fmt: skip
        assert len(cards) == len(city.assets()) and leaks(cards) == []
    # the principal source shown, the others folded, the note folded under Notes
    lanzhou = cities["lanzhou"]
    row = lanzhou.assets().set_index("id").loc["hu-lu-tusi-yamen"].to_dict() | {"id": "hu-lu-tusi-yamen"}
    card = fact_card_html(row, LAYERS["heritage_units"], lang, {}, lanzhou.sources)
    first = cite(lanzhou.sources[row["source"].split("; ")[0]], lang)
    assert f"<details><summary>{first}</summary>{first}" in card
    assert f"<summary>{'备注' if lang == 'zh' else 'Notes'}</summary>" in card


def test_the_folium_map_popups_cite_the_register(cities):
    from culturemap.render.folium_map import MapOptions, build_map

    city = cities["qiqihar"]
    html = build_map(city, city.assets(), MapOptions(lang="zh", marker_limit=500)).map.get_root().render()
    cited = "第五批全国重点文物保护单位（国务院，2001）"
    assert cited in html or json.dumps(cited)[1:-1] in html  # the cards travel as JSON
    assert "shared/reference" not in html and "kasasasasa" not in html and "qytwnx" not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_xlsx_cell_names_a_path_repository_or_commit(cities, tmp_path, lang):
    from culturemap.export.print_map import PrintOptions
    from culturemap.export.selection import write_selection

    for name, city in cities.items():
        path = tmp_path / f"{name}-{lang}.xlsx"
        write_selection(city, city.assets(), AssetQuery(), "xlsx", path, PrintOptions(lang=lang))
        book = openpyxl.load_workbook(path)
        cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
        assert leaks(cells) == []
        sources = []
        for sheet in book.worksheets[1:]:  # a sheet per layer after the selection and its sources
            header = [c.value for c in next(sheet.iter_rows())]
            sources += [row[header.index(tr("xlsx_col_source", lang))].value for row in sheet.iter_rows(min_row=2)]
        assert len(sources) == len(city.assets())
        expected = "第七批全国重点文物保护单位（国务院，2013）" if lang == "zh" else "batch 7 (State Council, 2013)"
        assert any(expected in s for s in sources)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), [("lanzhou", "zh"), ("qiqihar", "en")])
def test_the_city_report_text_names_no_path_and_ends_with_the_sources(cities, tmp_path, name, lang):
    from culturemap.export.report import city_report

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(city_report(cities[name], lang=lang, today=date(2026, 12, 7)))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert leaks(text.splitlines()) == []
    last = text.split("\f")[-2] if text.endswith("\f") else text.split("\f")[-1]
    assert ("资料来源" if lang == "zh" else "Sources") in text.split("\f")[-3] + last
    if lang == "zh":  # the published figures' source in Chinese
        assert "兰州文化旅游SWOT分析（项目任务书引用的数字），2022-08" in text
        assert "SWOT study" not in text
    else:
        assert "National key cultural relics protection units, batches 1-8 (State Council, 1961-2019)" in text


def test_an_imported_row_keeps_its_own_text_beside_the_register(cities):
    from culturemap.catalog.sources import unknown_keys

    lanzhou = cities["lanzhou"].sources
    assert unknown_keys("checkins.xlsx, row 3; osm", lanzhou) == []  # the importer's "<file>, row n; their source"
    assert unknown_keys("guobao-batch7; osm", lanzhou) == ["osm"]
    assert cite_text("checkins.xlsx, row 3; osm", lanzhou, "zh") == "checkins.xlsx, row 3；osm"


def test_an_imported_text_keeps_its_numbers_and_loses_its_commits():
    assert cite_text("survey 2024, 4067489 residents; repo@77ca8e0", {}, "en") == "survey 2024, 4067489 residents"


def test_an_official_list_without_a_date_or_publisher_reads_without_empty_parts(cities):
    assert cite(cities["qiqihar"].sources["daj-qqhr-gov-cn"], "zh") == "卜奎记忆（齐齐哈尔市档案馆）"
    assert cite(Source("x", "official_list", title_en="A list", date="2017"), "en") == "A list (2017)"
    assert cite(Source("x", "official_list", title_zh="名录"), "zh") == "名录"
