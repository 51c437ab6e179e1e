"""The explorer page and the app shell in AppTest: packs that cannot load, links by city id, both languages."""

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CITY_TOML, format_city_toml, write_pack
from tests.ui.test_app import map_sent, results, results_table, run, widget

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def three_packs(tmp_path, monkeypatch):
    """testville; a folder v2 whose city.toml says id = otherville; a broken pack (zoom = "twelve")."""
    write_pack(tmp_path / "testville")
    other = CITY_TOML.replace('id = "testville"', 'id = "otherville"').replace("测试市", "另一市")
    write_pack(tmp_path / "v2", city_toml=format_city_toml(other))
    broken = format_city_toml().replace("zoom = 11", 'zoom = "twelve"')
    write_pack(tmp_path / "brokenville", city_toml=broken)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


def test_a_broken_pack_is_listed_with_its_error_and_the_others_work(three_packs):
    at = run()
    assert not at.exception
    assert at.title[0].value == "测试市文化资源地图"  # the first pack that loads, not the broken one
    city = widget(at, "selectbox", "city")
    assert city.options == ["brokenville ⚠ 无法加载 / cannot be loaded", "测试市 / Testville", "另一市 / Testville"]
    city.set_value("brokenville").run()
    assert not at.exception
    assert at.error[0].value.startswith("城市包 brokenville 无法加载：")
    assert "zoom" in at.error[0].value and "twelve" in at.error[0].value
    widget(at, "radio", "lang").set_value("en").run()
    assert at.error[0].value.startswith("The city pack brokenville cannot be loaded: ")
    widget(at, "selectbox", "city").set_value("testville").run()
    assert not at.exception and len(results(at)) == 6


@pytest.mark.parametrize("link", ["otherville", "v2"])
def test_a_link_opens_the_city_it_names_whatever_its_folder(three_packs, link):
    """Defect 10: the URL carries the city id; packs were looked up by folder name."""
    at = run({"city": link, "q": "xita"})
    assert not at.exception
    assert at.title[0].value == "另一市文化资源地图"
    assert results(at) == ["sc-west-pagoda"]
    assert at.query_params["city"] == "otherville"


def test_switching_city_clears_the_previous_citys_view(three_packs):
    at = run({"city": "testville", "q": "xita", "lat": "36.1", "lon": "105.1", "zoom": "14"})
    assert results(at) == ["sc-west-pagoda"]
    widget(at, "selectbox", "city").set_value("otherville").run()
    assert not at.exception
    assert at.title[0].value == "另一市文化资源地图" and len(results(at)) == 6
    assert dict(at.query_params) == {"city": "otherville"}


def test_choices_survive_a_language_switch(three_packs):
    """Widget values are ids: a grade chosen in Chinese is the same grade in English."""
    at = run()
    widget(at, "selectbox", "grade").set_value("4A").run()
    widget(at, "multiselect", "district").set_value(["西区"]).run()
    assert sorted(results(at)) == ["mu-city", "sc-west-pagoda", "un-tu-north"]
    widget(at, "radio", "lang").set_value("en").run()
    assert widget(at, "selectbox", "grade").value == "4A"
    assert widget(at, "multiselect", "district").value == ["西区"]
    assert widget(at, "multiselect", "layers").options[0] == "Scenic spots (1)"
    assert sorted(results(at)) == ["mu-city", "sc-west-pagoda", "un-tu-north"]
    assert at.query_params["grade"] == "4A" and at.query_params["district"] == "西区"


def test_the_english_page_shows_no_chinese_beyond_chinese_names(three_packs):
    """Defect 12: layer chips, "全部", district names in the table and the chart stayed Chinese."""
    at = run({"lang": "en"})
    assert not at.exception
    table = results_table(at)
    assert table["District"].tolist() == ["West", "East", "East", "West", "West", "East"]
    assert not any(
        CJK.search(v) for column in ("Layer", "Grade / kind", "District", "Coordinates") for v in table[column]
    )
    chart = at.get("vega_lite_chart")[0]
    assert "West" in chart.proto.spec or any("West" in str(d) for d in chart.proto.datasets)
    texts = [e.value for kind in ("title", "subheader", "caption", "markdown") for e in getattr(at, kind)]
    texts += [w.label for w in at.sidebar.multiselect] + [w.placeholder for w in at.sidebar.multiselect]
    texts += [
        o for w in at.sidebar.multiselect if (w.key or "").startswith(("layers", "level", "type")) for o in w.options
    ]
    assert [t for t in texts if CJK.search(t or "")] == []


def test_a_layer_filter_states_its_scope_and_show_only_keeps_one_layer(three_packs):
    at = run({"city": "testville"})
    widget(at, "multiselect", "level").set_value(["national"]).run()
    assert len(results(at)) == 6
    assert "此筛选只作用于文物保护单位；其他图层仍显示 5 个点位。" in [c.value for c in at.sidebar.caption]
    next(b for b in at.sidebar.button if b.key == "only_heritage_units").click().run()
    assert results(at) == ["hu-old-bridge"]
    assert at.query_params["layers"] == "heritage_units" and at.query_params["level"] == "national"
    assert next(b for b in at.sidebar.button if b.key == "only_heritage_units").disabled


def test_what_validation_found_is_one_click_away(tmp_path, monkeypatch):
    """Defect 11: a text cut at load (and any other finding) is said on the page, not only in the CLI."""
    from tests.conftest import default_layers

    layers = default_layers()
    layers["museums"][0]["properties"]["name_en"] = "M" * 5000
    layers["museums"][0]["properties"]["district"] = "北区"  # not a district of the city: an error
    write_pack(tmp_path / "testville", layers)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    at = run()
    assert not at.exception
    (box,) = [e for e in at.expander if e.label.startswith("⚠ 数据校验")]
    assert box.label.startswith("⚠ 数据校验：1 个错误，3 条提示")  # 2 layers absent, 1 text cut
    text = box.text[0].value
    assert "字段 name_en 有 5000 个字符，超过上限 200，已截断" in text and "北区" in text


def test_the_server_start_draws_each_working_packs_opening_map(three_packs, monkeypatch):
    """Issue 11: the first visitor after a start finds the pack loaded and its opening map drawn
    (``culturemap serve`` runs ``warm_up`` while the server starts); a broken pack is skipped."""
    import streamlit as st

    from culturemap.ui import explorer
    from culturemap.ui.app import warm_up

    st.cache_resource.clear()
    drawn, bases = [], []
    real_layer, real_base = explorer.assets_layer, explorer.explorer_base_map
    monkeypatch.setattr(explorer, "assets_layer", lambda *a, **k: drawn.append(a[1]) or real_layer(*a, **k))
    monkeypatch.setattr(explorer, "explorer_base_map", lambda *a, **k: bases.append(a[0]) or real_base(*a, **k))
    assert sorted(warm_up(three_packs)) == ["otherville", "testville"]
    assert [len(shown) for shown in drawn] == [6, 6, 6, 6]  # two packs, both languages
    assert len(bases) == 2  # one map per pack: the languages differ only in the layers over it
    drawn.clear(), bases.clear()
    for lang in ("zh", "en"):  # a visitor in either language: nothing left to draw
        at = run({"city": "testville", "lang": lang})
        assert not at.exception and len(results(at)) == 6
    assert drawn == [] and bases == []
    at.sidebar.text_input[0].set_value("xita").run()  # a new search draws its own layer, once
    assert [len(shown) for shown in drawn] == [1] and bases == []


def marker_ids(script: str) -> list[str]:
    return sorted(re.findall(r'"id": "([a-z]{2}-[a-z-]+)"', script))


def test_search_filters_language_and_basemap_keep_the_map_mounted_and_swap_its_layers(three_packs):
    """Issue 11: filters, searches, the language and the basemap swap the layers over the mounted map
    (no reload, no blank map): the map component's key never changes. (A row selection is driven
    in Chromium: AppTest cannot select rows.)"""
    at = run({"city": "testville"})
    first = map_sent(at)
    everything = marker_ids(first["feature_group"])
    assert len(everything) == 6 and "tile.openstreetmap.org" in first["feature_group"]
    at.sidebar.text_input[0].set_value("xita").run()
    searched = map_sent(at)
    assert searched["key"] == first["key"] and marker_ids(searched["feature_group"]) == ["sc-west-pagoda"]
    widget(at, "multiselect", "layers").set_value(["heritage_units"]).run()
    assert map_sent(at)["key"] == first["key"]
    at.sidebar.text_input[0].set_value("").run()
    only_heritage = marker_ids(map_sent(at)["feature_group"])
    assert 0 < len(only_heritage) < 6 and all(i.startswith("hu-") for i in only_heritage)
    widget(at, "radio", "lang").set_value("en").run()
    english = map_sent(at)
    assert english["key"] == first["key"] and marker_ids(english["feature_group"]) == only_heritage
    assert "West" in english["feature_group"] and "West" not in first["feature_group"]  # the district labels
    widget(at, "selectbox", "basemap").set_value("offline").run()
    offline = map_sent(at)
    assert offline["key"] == first["key"] and marker_ids(offline["feature_group"]) == only_heritage
    assert (
        'cmBasemap = "offline"' in offline["feature_group"] and "tile.openstreetmap.org" not in offline["feature_group"]
    )
    widget(at, "selectbox", "basemap").set_value("amap").run()
    amap = map_sent(at)
    assert amap["key"] == first["key"] and marker_ids(amap["feature_group"]) == only_heritage
    assert "autonavi.com" in amap["feature_group"] and len(coordinates(amap)) == len(coordinates(offline)) > 0
    assert coordinates(amap) != coordinates(offline)  # the markers shifted to GCJ-02 with the AMap tiles
    assert not at.exception


def coordinates(sent: dict) -> list[str]:
    return re.findall(r'"coordinates": \[([0-9.]+, [0-9.]+)\]', sent["feature_group"])


def markdown_table(text: str) -> list[list[str]]:
    """The cells of a Markdown pipe table, header first (the separator line left out)."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in text.strip().splitlines()]
    return [rows[0], *rows[2:]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_coverage_panel_shows_what_validate_reports(monkeypatch, lang):
    """Issue 12: the Map page says, for each published figure, how many assets the pack holds, the
    share placed approximately and the named assets missing: the figures of ``culturemap validate``."""
    import subprocess
    import sys

    from tests.ui.test_app import APP

    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    pack = Path(APP).parent / "geodata" / "lanzhou"
    report = json.loads(
        subprocess.run(
            [sys.executable, "-m", "culturemap.cli", "validate", str(pack), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout  # fmt: skip
    )
    figures = report["coverage"]
    short = [f for f in figures if f["gap"] > 0]
    assert short, "the bundled pack is short of some published figures"
    at = run({"lang": lang})
    assert not at.exception
    (panel,) = [e for e in at.expander if e.label.startswith("⚠ ")]
    label = "label_zh" if lang == "zh" else "label_en"
    assert panel.label.startswith("⚠ 覆盖情况：" if lang == "zh" else "⚠ Coverage: ")
    for f in short:  # every gap is in the label, readable without opening the panel
        assert f"{f[label]} {f['actual']}/{f['published']}" in panel.label
    table = markdown_table(panel.markdown[0].value)
    header = ["公开数字", "已收录", "公开发布", "缺口", "数字截至", "概略位置占比"] if lang == "zh" else [
        "Published figure", "In the pack", "Published", "Missing", "Figure as of", "Approximate positions"]  # fmt: skip
    assert table[0][:6] == header
    shares = ["" if f["approx_share"] is None else f"{f['approx_share']:.0%}" for f in figures]
    # issue 25: the rows resting on leads are counted apart, and each figure says the date it stands at
    weak = ["" if not f["weak_rows"] else f"（其中 {f['weak_rows']} 条来源较弱）" if lang == "zh"
            else f" ({f['weak_rows']} of them weakly sourced)" for f in figures]  # fmt: skip
    expected = [[f[label], f"{f['actual']}{w}", str(f["published"]), str(max(f["gap"], 0)), f["as_of"] or "", share]
                for f, w, share in zip(figures, weak, shares)]  # fmt: skip
    assert [row[:6] for row in table[1:]] == expected
    assert any(f["weak_rows"] for f in figures) and {f["as_of"] for f in figures} == {"2022-08"}
    captions = "\n".join(c.value for c in panel.caption)
    for f in figures:  # the rows graded after the figure's date are named
        for late in f["graded_after"]:
            assert f"{late['name_zh']} ({late['grade_since']})" in captions
    text = "\n".join(m.value for m in panel.markdown)
    for f in figures:
        for missing in f["missing"]:
            name = missing["name_zh"] if lang == "zh" else missing["name_en"] or missing["name_zh"]
            assert name in text
    assert "culturemap build" in panel.caption[-1].value
