"""The explorer page, run headless with Streamlit's AppTest (no browser)."""

import json
from pathlib import Path

import h3
import pytest
from streamlit.testing.v1 import AppTest

from culturemap.catalog import load_city
from culturemap.i18n import tr
from culturemap.ui.explorer import MAP_DRAWN
from tests.conftest import base_props, default_layers, feature, point, write_pack

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    write_pack(tmp_path / "testville")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


def run(params: dict | None = None, map_drawn: bool = True) -> AppTest:
    """The app after its first run. ``map_drawn``: as after the explorer's map has reported from the
    browser (AppTest has none), when the page adds the results table and chart below the map."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if map_drawn:
        at.session_state[MAP_DRAWN] = True
    return at.run()


def map_sent(at: AppTest) -> dict:
    """What the page sends its map component: ``key`` names the mounted map, ``feature_group`` is the
    script of the layers drawn over it (the explorer's assets; the Routes page's candidates and route)."""
    (map_component,) = [c for c in at.get("component_instance") if "feature_group" in c.proto.json_args]
    return json.loads(map_component.proto.json_args)


def results_table(at: AppTest):
    """The explorer's results table (the coverage panel's table may come before it)."""
    return next(d for d in at.dataframe if (d.key or "").startswith("results~")).value


def results(at: AppTest) -> list[str]:
    return results_table(at)["id"].tolist()


def widget(at: AppTest, kind: str, key: str):
    """The sidebar widget holding ``key`` (choice widgets are keyed ``<key>~<digest of their labels>``)."""
    return next(w for w in getattr(at.sidebar, kind) if w.key == key or (w.key or "").startswith(key + "~"))


def test_first_page_in_chinese_lists_every_asset(data_root):
    at = run()
    assert not at.exception
    assert at.title[0].value == "测试市文化资源地图"
    assert sorted(results(at)) == [
        "hu-old-bridge",
        "mu-city",
        "sc-east-park",
        "sc-west-pagoda",
        "un-tu-north",
        "un-tu-south",
    ]
    assert at.subheader[0].value == "结果：6 个点位"
    assert widget(at, "multiselect", "layers").value == [
        "scenic_spots", "heritage_units", "museums", "night_tour_zones", "universities", "attractions"
    ]  # fmt: skip
    assert dict(at.query_params) == {"city": "testville"}  # defaults make a clean URL


def test_the_table_and_chart_wait_for_the_map_and_keep_the_search(data_root):
    """Until the map reports from the browser the page holds no table or chart (their scripts would
    slow the map's first draw); once it has, a rerun shows them for the same search."""
    at = run({"q": "测试大学"}, map_drawn=False)
    assert not [d for d in at.dataframe if (d.key or "").startswith("results~")]
    assert not at.get("vega_lite_chart")
    assert tr("app_results_after_map", "zh") in [c.value for c in at.caption]
    assert "feature_group" in map_sent(at)  # the map itself is there
    at.session_state[MAP_DRAWN] = True  # what the map's first report sets
    at.run()
    assert sorted(results(at)) == ["un-tu-north", "un-tu-south"]
    assert len(at.get("vega_lite_chart")) == 1
    assert at.query_params["q"] == "测试大学"


def test_grade_filter_keeps_that_grade_and_above_and_goes_into_the_url(data_root):
    at = run()
    widget(at, "selectbox", "grade").set_value("4A").run()
    ids = results(at)
    assert [i for i in ids if i.startswith("sc-")] == ["sc-west-pagoda"]
    assert len(ids) == 5  # other layers untouched
    assert "A级旅游景区 (1)" in widget(at, "multiselect", "layers").options  # live counts follow the filters
    assert at.query_params["grade"] == "4A"


@pytest.mark.parametrize(("text", "expected"), [("xita", ["sc-west-pagoda"]), ("XT", ["sc-west-pagoda"]),
                                                ("west pagoda", ["sc-west-pagoda"]), ("测试大学", ["un-tu-north", "un-tu-south"])])  # fmt: skip
def test_search_by_pinyin_initials_english_and_chinese(data_root, text, expected):
    at = run()
    widget(at, "text_input", "q").input(text).run()
    assert results(at) == expected


def test_url_state_round_trip(data_root):
    at = run({"lang": "en", "layers": "scenic_spots,universities", "district": "东区", "q": "", "basemap": "offline",
              "lat": "36.1", "lon": "104.1", "zoom": "13"})  # fmt: skip
    assert not at.exception
    assert at.title[0].value == "Testville cultural assets map"
    assert widget(at, "multiselect", "layers").value == ["scenic_spots", "universities"]
    assert widget(at, "multiselect", "district").value == ["东区"]
    assert widget(at, "selectbox", "basemap").value == "offline"
    assert results(at) == ["sc-east-park", "un-tu-south"]
    # the state the page writes back is the state it read
    assert at.query_params["layers"] == "scenic_spots,universities"
    assert at.query_params["district"] == "东区"
    assert (at.query_params["lat"], at.query_params["lon"], at.query_params["zoom"]) == ("36.1", "104.1", "13")
    assert at.query_params["lang"] == "en"


def test_bad_url_values_are_ignored_not_fatal(data_root):
    at = run({"grade": "9A", "layers": "pubs", "zoom": "abc", "district": "<script>"})
    assert not at.exception
    assert len(results(at)) == 6
    assert "grade" not in at.query_params and "zoom" not in at.query_params


def test_switching_to_english_relabels_the_page(data_root):
    at = run()
    widget(at, "radio", "lang").set_value("en").run()
    assert at.title[0].value == "Testville cultural assets map"
    assert results_table(at).columns.tolist() == ["Name", "Layer", "Grade / kind", "District", "Coordinates", "id"]
    assert at.query_params["lang"] == "en"


@pytest.mark.parametrize(
    ("km", "expected"), [("0.5", ["hu-old-bridge"]), ("1.5", ["hu-old-bridge", "sc-east-park", "sc-west-pagoda"])]
)
def test_river_filter(data_root, km, expected):
    # the river runs along y = 3,995,000: the bridge is on it, the two scenic spots 1 km off, the rest 2-3 km
    at = run({"river_km": km})
    assert sorted(results(at)) == expected


def test_many_assets_are_counted_in_hexagons(tmp_path, monkeypatch):
    layers = default_layers()
    layers["museums"] = [
        feature(
            base_props(f"mu-{i}", f"馆{i}", "西区", kind="art"),
            point(501_000 + (i % 40) * 200, 3_991_000 + (i // 40) * 200),
        )
        for i in range(1200)
    ]
    write_pack(tmp_path / "testville", layers)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    at = run()
    assert not at.exception
    (mode,) = [c.value for c in at.caption if "六边形" in c.value]
    assert "1205" in mode


def test_no_pack_gives_a_bilingual_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path / "empty"))
    at = run()
    assert "没有找到城市包" in at.error[0].value and "No city pack found" in at.error[0].value


def test_real_lanzhou_pack_lists_every_asset(monkeypatch):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    at = run()
    assert not at.exception
    assert at.title[0].value == "兰州文化资源地图"
    city = load_city(Path(APP).parent / "geodata" / "lanzhou")
    assert len(results(at)) == len(city.assets())


ANALYSIS = "src/culturemap/ui/pages/analysis.py"


def test_analysis_page_density_districts_and_corridor(data_root):
    at = run()
    at.switch_page(ANALYSIS).run()
    assert not at.exception
    assert at.title[0].value == "测试市：密度、廊道与区县对比"
    assert [h.value for h in at.header] == [
        "核密度",
        "六边形网格统计",
        "空间格局统计",
        "区县对比",
        "测河廊道",
        "高校与文化资源",
    ]
    city = load_city(data_root / "testville")
    shown = city.assets(("heritage_units", "scenic_spots", "museums"))
    cells = {h3.latlng_to_cell(g.y, g.x, 7) for g in shown.geometry}
    assert at.caption[1].value.startswith(f"{len(cells)} 个有点位的网格，H3 分辨率 7")
    # default layers: heritage units, scenic spots, museums = 4 assets; the KDE integrates to them
    assert "积分 = 4.0 个点位" in at.caption[0].value
    districts = at.dataframe[1].value
    assert int(districts["合计"].sum()) == 4
    bands = at.dataframe[2].value
    assert bands["累计"].iloc[-1] == 4  # every asset is within 5 km of the river
    assert bands["距河距离"].tolist() == ["0-0.5 km", "0.5-1 km", "1-2 km", "2-5 km"]


def test_analysis_page_adds_its_other_sections_once_the_density_map_is_drawn(data_root):
    """A first visit draws the density section only, its map asking to report its centre once drawn;
    the report (what it sets) brings the other sections, and the map then reports nothing more (a pan
    would rerun the section)."""
    at = run(map_drawn=False)
    at.switch_page(ANALYSIS).run()
    assert not at.exception
    assert [h.value for h in at.header] == ["核密度"] and not at.dataframe
    assert tr("analysis_after_map", "zh") in [c.value for c in at.caption]
    assert map_sent(at)["returned_objects"] == ["center"]
    at.session_state[MAP_DRAWN] = True  # what the map's first report sets
    at.run()
    assert [h.value for h in at.header][:2] == ["核密度", "六边形网格统计"] and len(at.header) == 6
    assert tr("analysis_after_map", "zh") not in [c.value for c in at.caption]
    maps = [json.loads(c.proto.json_args) for c in at.get("component_instance") if "feature_group" in c.proto.json_args]
    assert len(maps) == 3 and all(m["returned_objects"] == [] for m in maps)  # density, hexagons, districts


def test_analysis_page_bandwidth_slider_changes_the_grid(data_root):
    at = run()
    at.switch_page(ANALYSIS).run()
    slider = next(s for s in at.sidebar.slider if s.key == "analysis_bw")
    slider.set_value(2000).run()
    assert not at.exception
    assert "网格 200 米" in at.caption[0].value  # cell = bandwidth / 10


def test_analysis_page_in_english_on_the_real_pack(monkeypatch):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    at = run({"lang": "en"})
    at.switch_page(ANALYSIS).run()
    assert not at.exception
    assert at.title[0].value == "Lanzhou: density, corridor and districts"
    assert [h.value for h in at.header] == [
        "Kernel density", "Hexagon counts", "Spatial pattern statistics", "Districts compared", "Yellow River corridor",
        "Universities among cultural assets",
    ]  # fmt: skip
    assert any(m.value.startswith("Nearest-neighbour index NNI = ") for m in at.markdown)


def test_soft_power_weights_reorder_the_districts(data_root):
    # 西区: a 4A spot and the museum; 东区: the national heritage unit and a 3A spot; one campus each
    at = run()
    at.switch_page(ANALYSIS).run()
    ranking = at.dataframe[-1].value
    assert ranking.index.tolist() == ["西区", "东区"] and ranking["排名"].tolist() == [1, 2]
    for component in ("scenic", "museums", "universities"):
        next(s for s in at.slider if s.key == f"analysis_w_{component}").set_value(0.0)
    next(s for s in at.slider if s.key == "analysis_w_heritage").set_value(1.0).run()
    assert not at.exception
    assert at.dataframe[-1].value.index.tolist() == ["东区", "西区"]


def test_packs_with_the_same_name_get_distinct_labels(tmp_path):
    """Equal selectbox labels made Streamlit switch to the other pack on the next rerun."""
    from culturemap.catalog import scan_packs
    from culturemap.ui.context import city_label
    from culturemap.ui.widgets import distinct_labels

    for name in ("testville", "zbigville"):  # both named 测试市 / Testville, ids testville and zbigville
        toml = write_pack(tmp_path / name) / "city.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace('"testville"', f'"{name}"'), encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "city.toml").write_text('id = "broken"\n', encoding="utf-8")
    entries = {e.key: e for e in scan_packs(tmp_path)}
    labels = dict(zip(entries, distinct_labels(list(entries), lambda k: city_label(entries[k]))))
    assert labels == {
        "testville": "测试市 / Testville [testville]",
        "zbigville": "测试市 / Testville [zbigville]",
        "broken": "broken ⚠ 无法加载 / cannot be loaded",
    }
