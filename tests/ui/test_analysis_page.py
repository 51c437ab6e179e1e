"""The "Density & corridor" page in both languages, run headless with Streamlit's AppTest on the real
Lanzhou pack (its assets reach 80 km from the Yellow River and its Scott bandwidth is over 10 km)."""

import copy
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from culturemap.analysis.density import grade_weights
from culturemap.catalog import load_city
from culturemap.i18n import tr
from culturemap.ui.map_component import MAP_DRAWN

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ANALYSIS = "src/culturemap/ui/pages/analysis.py"
LANZHOU = Path(APP).parent / "geodata" / "lanzhou"
DEFAULT_LAYERS = ("heritage_units", "scenic_spots", "museums")
CJK = re.compile(r"[\u4e00-\u9fff]")
RAW_RIPLEY = {"l_observed", "envelope_low", "envelope_high"}


def open_page(lang: str) -> AppTest:
    """The page on the real pack with its default widgets, in ``lang``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("CULTUREMAP_DATA", raising=False)
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        at.session_state[MAP_DRAWN] = True  # as after the first map's report from a browser (AppTest has none)
        at.run()
        at.switch_page(ANALYSIS).run()
    assert not at.exception
    return at


@pytest.fixture(scope="module", params=["zh", "en"])
def page(request) -> tuple[AppTest, str]:
    """The page opened once per language."""
    return open_page(request.param), request.param


def charts(at: AppTest) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Every chart on the page as (Vega-Lite spec, its datasets by name), in page order."""
    found = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        data = {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets}
        found.append((spec, data))
    return found


def encodings(spec: dict) -> list[dict]:
    """The encoding of a chart and of each of its layers."""
    return [part["encoding"] for part in (spec, *spec.get("layer", ())) if "encoding" in part]


def axis_title(channel: dict) -> str | None:
    return channel.get("title") or channel.get("axis", {}).get("title")


def colour_values(spec: dict, data: dict[str, pd.DataFrame]) -> set[str]:
    """The series names a chart's colour legend shows (values of its colour fields)."""
    fields = {e["color"]["field"] for e in encodings(spec) if "field" in e.get("color", {})}
    return {str(v) for frame in data.values() for f in fields & set(frame.columns) for v in frame[f].unique()}


def chart_order(spec: dict, data: dict[str, pd.DataFrame]) -> list[str]:
    """The categories of a bar chart in the order drawn: its explicit sort, else Vega-Lite's ascending order."""
    channel = next(c for e in encodings(spec) for c in (e.get("x", {}), e.get("y", {}))
                   if c.get("type") in ("nominal", "ordinal"))  # fmt: skip
    if isinstance(channel.get("sort"), list):
        return channel["sort"]
    return sorted({str(v) for frame in data.values() for v in frame[channel["field"]]})


def test_bandwidth_suggestion_lies_within_the_slider(page):
    at, lang = page
    slider = next(s for s in at.sidebar.slider if s.key == "analysis_bw")
    scott = int(re.search(r"(?:suggests|建议) (\d+)", slider.label).group(1))
    assert scott > 10_000  # Lanzhou's assets spread over the whole municipality
    assert slider.min <= scott <= slider.max
    assert f"{int(slider.min)}–{int(slider.max)}" in slider.label
    assert slider.value == 3_000  # starts at a town centre's scale, not at Scott's


def test_bandwidth_slider_range_holds_any_suggestion():
    from culturemap.ui.analysis_page import bandwidth_slider_m

    assert bandwidth_slider_m(15_040.0) == (200, 15_000, 3_000, 15_000)
    assert bandwidth_slider_m(23_000.0) == (200, 25_000, 3_000, 23_000)
    assert bandwidth_slider_m(2_460.0) == (200, 10_000, 2_500, 2_500)
    assert bandwidth_slider_m(130.0) == (100, 10_000, 100, 100)  # a tight cluster: the range goes below 200 m


def test_corridor_table_lists_only_what_its_caption_says(page):
    at, lang = page
    chosen = load_city(LANZHOU).assets(DEFAULT_LAYERS)
    table = next(d.value for d in at.dataframe if tr("col_distance_m", lang) in d.value.columns)
    assert table[tr("col_distance_m", lang)].max() <= 5_000  # the largest default buffer
    assert 0 < len(table) < len(chosen)  # some assets lie farther than 5 km: they are left out
    assert table[tr("col_chainage_km", lang)].is_monotonic_increasing
    counts = tr("analysis_corridor_table", lang, km=5, n=len(table), total=len(chosen), far=len(chosen) - len(table))
    assert counts in [c.value for c in at.caption]


def test_soft_power_chart_is_in_the_tables_rank_order(page):
    at, lang = page
    ranking = at.dataframe[-1].value
    assert ranking[tr("col_rank", lang)].is_monotonic_increasing
    spec, data = charts(at)[-1]
    assert chart_order(spec, data) == ranking.index.tolist()


def test_every_chart_axis_has_a_title_with_units(page):
    at, lang = page
    ripley, profile, index = charts(at)
    expected = [
        (ripley, {"x": tr("chart_distance_m", lang), "y": tr("chart_ripley_l_m", lang)}),
        (profile, {"x": tr("chart_chainage_km", lang), "y": tr("chart_asset_count", lang)}),
        (index, {"x": tr("chart_index", lang), "y": tr("col_district", lang)}),
    ]
    for (spec, _data), titles in expected:
        for channel, title in titles.items():
            assert {axis_title(e[channel]) for e in encodings(spec)} == {title}
    assert "(m)" in tr("chart_ripley_l_m", "en") and "（米）" in tr("chart_ripley_l_m", "zh")
    assert "(count)" in tr("chart_asset_count", "en") and "km" in tr("chart_chainage_km", "en")


def test_ripley_series_are_named_in_the_ui_language(page):
    at, lang = page
    spec, data = charts(at)[0]
    assert colour_values(spec, data) == {
        tr("chart_ripley_observed", lang),
        tr("chart_ripley_envelope", lang, n=99),
    }
    tooltips = {t.get("title") for e in encodings(spec) for t in e["tooltip"]}
    assert not tooltips & RAW_RIPLEY and None not in tooltips


@pytest.mark.parametrize("page", ["en"], indirect=True)  # the Chinese layer names fit the default 160 px
def test_chart_legends_sit_below_and_keep_whole_labels(page):
    at, _lang = page
    legends = [(e["color"].get("legend") or {}, colour_values(spec, data))
               for spec, data in charts(at) for e in encodings(spec) if "color" in e]  # fmt: skip
    assert legends  # the Ripley and corridor-profile charts have one
    for legend, labels in legends:
        assert legend.get("orient") == "bottom"
        assert legend.get("labelLimit", 160) >= max(map(label_width_px, labels))  # Vega-Lite cuts at 160 px


def label_width_px(label: str) -> int:
    """A generous width of a legend label at Vega's 10-11 px font: 12 px per CJK character, 7 px per other."""
    return sum(12 if CJK.match(c) else 7 for c in label)


@pytest.mark.parametrize("page", ["en"], indirect=True)
def test_english_page_shows_no_chinese_outside_chinese_names(page):
    at, _lang = page
    chinese_only = {tr("col_name_zh", "en"), tr("col_campus", "en")}  # campus names have no English in the pack
    for element in at.dataframe:
        frame = element.value
        texts = [str(c) for c in frame.columns] + [str(i) for i in frame.index] + [str(frame.index.name)]
        texts += [str(v) for c in frame.columns if c not in chinese_only for v in frame[c]]
        assert not [t for t in texts if CJK.search(t)], list(frame.columns)
    for spec, data in charts(at):
        texts = [json.dumps(spec, ensure_ascii=False)] + [str(v) for f in data.values() for c in f for v in f[c]]
        assert not [t for t in texts if CJK.search(t)]
    assert not [c.value for c in at.caption if CJK.search(c.value.replace("、", ""))]
    assert "、" not in next(c.value for c in at.caption if c.value.startswith("Coverage gaps"))


# ---------------------------------------------------------------- each section reruns on its own

SECTIONS = ("density", "hexagons", "pattern", "districts", "corridor", "campus", "index")


def shown(node) -> bytes:
    """Everything an element or block shows (its protos, depth first), as bytes to compare; a widget
    seeded from session state in code says so once (``set_value``), which is no change of what it shows."""
    own = b""
    if getattr(node, "proto", None) is not None:
        proto = copy.copy(node.proto)
        for field in ("set_value", "raw_value"):
            if field in proto.DESCRIPTOR.fields_by_name:
                proto.ClearField(field)
        own = proto.SerializeToString()
    return own + b"".join(shown(child) for child in getattr(node, "children", {}).values())


def sections(at: AppTest) -> dict[str, bytes]:
    """What each section of the page shows (a fragment is a block of the main area, after the title)."""
    blocks = list(at.main.children.values())[1:]
    assert len(blocks) == len(SECTIONS)
    return dict(zip(SECTIONS, map(shown, blocks)))


def maps(at: AppTest) -> dict[str, dict]:
    """The arguments of the page's three maps (density, hexagons, districts), by section."""
    found = [json.loads(c.proto.json_args) | {"id": c.proto.id} for c in at.get("component_instance")]
    return dict(zip(("density", "hexagons", "districts"), found, strict=True))


def widget(at: AppTest, kind: str, key: str):
    return next(w for w in at.get(kind) if w.key == key or (w.key or "").startswith(key + "~"))


STEPS = [  # (widget kind, key, value, the only section it may change)
    ("slider", "analysis_bw", 2000, "density"),
    ("checkbox", "analysis_weighted", True, "density"),
    ("slider", "analysis_h3", 8, "hexagons"),
    ("radio", "analysis_choropleth", "per_100km2", "districts"),
    ("multiselect", "analysis_buffers", [1.0, 2.0], "corridor"),
    ("slider", "analysis_radius", 3.5, "campus"),
    ("slider", "analysis_w_heritage", 0.5, "index"),
]


def test_each_widget_changes_its_own_section_and_no_other():
    """A section's fragment reruns alone in the browser: that is right only if no other section
    depends on its widgets. Its map keeps its identity and base (no reload): only the layer changes."""
    at = open_page("en")
    for kind, key, value, section in STEPS:
        before, maps_before = sections(at), maps(at)
        widget(at, kind, key).set_value(value).run()
        assert not at.exception
        after, maps_after = sections(at), maps(at)
        changed = [name for name in SECTIONS if after[name] != before[name]]
        assert changed == [section], (key, changed)
        if section in maps_after:
            old, new = maps_before[section], maps_after[section]
            assert (new["id"], new["script"]) == (old["id"], old["script"]), key  # the same mounted map
            assert new["feature_group"] != old["feature_group"], key
    captions = [c.value for c in at.caption]
    assert "200 m cells" in captions[0]  # bandwidth 2000 m: a tenth of it
    assert "at H3 resolution 8 " in captions[1]
    assert at.query_params["lang"] == "en"  # the link still says English


def test_a_new_layer_choice_reruns_the_layer_sections_and_a_language_switch_keeps_every_setting():
    at = open_page("zh")
    for kind, key, value, _section in STEPS:
        widget(at, kind, key).set_value(value).run()
    before = sections(at)
    widget(at, "multiselect", "analysis_layers").set_value([*DEFAULT_LAYERS, "universities"]).run()
    assert not at.exception
    after = sections(at)
    # the campuses and the index always use every layer of the pack
    assert [name for name in SECTIONS if after[name] != before[name]] == list(SECTIONS[:5])
    # weighted by grade (a step above): the density integrates to the chosen assets' total weight
    total = grade_weights(load_city(LANZHOU).assets((*DEFAULT_LAYERS, "universities"))).sum()
    assert f"积分 = {total:.1f} 个点位" in at.caption[0].value
    chinese = maps(at)
    widget(at, "radio", "lang").set_value("en").run()
    assert not at.exception
    assert {key: widget(at, kind, key).value for kind, key, _value, _section in STEPS} == {
        key: value for _kind, key, value, _section in STEPS
    }
    assert f"integral = {total:.1f} assets" in at.caption[0].value
    assert at.query_params["lang"] == "en"
    # the language and then the basemap (chosen on the Map page) swap the maps' layers: each map stays
    at.session_state["basemap"] = "amap"
    english = maps(at)
    at.run()
    assert not at.exception
    amap = maps(at)
    chengguan = json.dumps("城关区")[1:-1]  # a district's name as the layer's GeoJSON spells it
    for view in ("density", "hexagons", "districts"):
        assert chinese[view]["script"] == english[view]["script"] == amap[view]["script"], view
        if view != "districts":  # the outlines' names (the districts view fills its districts itself)
            assert chengguan in chinese[view]["feature_group"] and chengguan not in english[view]["feature_group"]
        assert "autonavi.com" in amap[view]["feature_group"] and "autonavi.com" not in english[view]["feature_group"]


def test_the_server_start_computes_the_first_view_of_the_page(monkeypatch):
    """Issue 11: ``warm_up`` (run by ``culturemap serve`` at start) leaves a first visitor in the
    pack's language nothing to compute: no density grid, no hot spots, no base map to draw."""
    import streamlit as st

    from culturemap.ui import analysis_page
    from culturemap.ui.app import warm_up

    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    calls = []
    for name in ("kde_xy", "hotspots", "analysis_base_map", "district_summary", "linear_reference"):
        real = getattr(analysis_page, name)
        monkeypatch.setattr(
            analysis_page, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )
    assert "lanzhou" in warm_up()
    assert sorted(set(calls)) == ["analysis_base_map", "district_summary", "hotspots", "kde_xy", "linear_reference"]
    calls.clear()
    at = open_page("zh")
    assert calls == [] and len(at.get("component_instance")) == 3  # three maps, all from the caches
    at.sidebar.slider[0].set_value(at.sidebar.slider[0].value + 500).run()  # a new bandwidth: one new grid
    assert calls == ["kde_xy"]


def test_every_chart_has_its_data_as_a_table_behind_a_disclosure(page):
    """Each chart's text alternative (issue 27): a static table of the rows it draws, in an expander."""
    at, lang = page
    disclosures = [e for e in at.expander if e.label == tr("chart_data", lang)]
    assert len(disclosures) == len(charts(at)) == 3
    ripley, _profile, index = (d.table[0].value for d in disclosures)
    assert list(ripley.columns[:2]) == [tr("chart_distance_m", lang), tr("chart_ripley_observed_m", lang)]
    assert ripley[tr("chart_distance_m", lang)].is_monotonic_increasing and len(ripley) > 10
    assert index[tr("col_rank", lang)].tolist() == sorted(index[tr("col_rank", lang)])
    assert len(index) == len(at.dataframe[-1].value)  # one row per district, as in the ranking
