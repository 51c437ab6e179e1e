"""No choice widget on any page offers two options with the same label (issue 24).

The browser sends a choice back as its label and Streamlit maps a label to the *first* option
showing it, so two options sharing a label collapse into one: the Routes page's start box listed
"兰州大学 · 高等院校" for three campuses and a chosen start jumped ~40 km to another campus on
the next click. Every page is opened in both languages on both bundled packs and on a pack of
same-name assets (two in one layer, one name in two layers, a university's unnamed campuses)
beside a second city of the same name.
"""

from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.ui.widgets import distinct_labels
from tests.conftest import CITY_TOML, REPO, base_props, default_layers, feature, format_city_toml, point, write_pack
from tests.ui.test_app import APP, widget

PAGES = ("map", "analysis", "routes", "lens", "compare", "data")
KINDS = ("selectbox", "multiselect", "radio", "select_slider")


def same_name_layers() -> dict[str, list[dict]]:
    """The test pack plus a twin pagoda named as the west pagoda, a museum named as the old bridge,
    and two campuses of one college with no campus name, all with the same English names too."""
    layers = default_layers()
    for f in layers["scenic_spots"] + layers["heritage_units"]:
        f["properties"]["name_en"] = f["properties"]["name_zh"]
    twin = base_props("sc-west-pagoda-2", "西塔", "东区", grade="3A", name_en="西塔")
    layers["scenic_spots"].append(feature(twin, point(514_000, 3_997_000)))
    layers["museums"].append(
        feature(base_props("mu-old-bridge", "古桥", "东区", name_en="古桥"), point(511_000, 3_994_000))
    )
    for fid, x in (("un-tc-a", 504_000), ("un-tc-b", 516_000)):
        college = base_props(fid, "测试学院", "西区", name_en="Test College", type="university")
        layers["universities"].append(feature(college, point(x, 3_996_500)))
    return layers


@pytest.fixture
def same_names_root(tmp_path, monkeypatch):
    write_pack(tmp_path / "testville", same_name_layers())
    twin_city = format_city_toml(CITY_TOML.replace('id = "testville"', 'id = "twinville"'))  # same city names
    write_pack(tmp_path / "twinville", city_toml=twin_city)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


def shared_labels(at: AppTest) -> dict[str, list[str]]:
    """``{widget label: [labels shown by more than one of its options]}`` over the page's choice widgets."""
    shared = {}
    for kind in KINDS:
        for w in at.get(kind):
            twice = [label for label, n in Counter(w.options).items() if n > 1]
            if twice:
                shared[f"{kind} {w.label}"] = twice
    return shared


def every_page(params: dict) -> dict[str, dict[str, list[str]]]:
    """The shared option labels of each page opened in turn in one session (no page may fail)."""
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    found = {}
    for page in PAGES:
        at.switch_page(f"src/culturemap/ui/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        found[page] = shared_labels(at)
    return {page: shared for page, shared in found.items() if shared}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("city", ["lanzhou", "qiqihar"])
def test_no_widget_of_a_bundled_pack_offers_two_options_with_one_label(monkeypatch, city, lang):
    monkeypatch.setenv("CULTUREMAP_DATA", str(REPO / "geodata"))
    assert every_page({"city": city, "lang": lang}) == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_widget_offers_two_options_with_one_label_for_same_name_assets(same_names_root, lang):
    assert every_page({"city": "testville", "lang": lang}) == {}


def test_same_name_assets_are_told_apart_by_campus_layer_or_id(same_names_root):
    """The Routes page's start box and the lens's campus box name the campus and the layer, and the id
    only when those are the same too (a campus with no name is not "（nan）")."""
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["city"] = "testville"
    at.switch_page("src/culturemap/ui/pages/routes.py").run()
    options = widget(at, "selectbox", "route_origin").options
    assert "测试大学（北校区） · 高等院校" in options and "测试大学（南校区） · 高等院校" in options
    assert {"古桥 · 文物保护单位", "古桥 · 博物馆"} <= set(options)
    assert {"西塔 · A级旅游景区 [sc-west-pagoda]", "西塔 · A级旅游景区 [sc-west-pagoda-2]"} <= set(options)
    assert {"测试学院 · 高等院校 [un-tc-a]", "测试学院 · 高等院校 [un-tc-b]"} <= set(options)
    at.switch_page("src/culturemap/ui/pages/lens.py").run()
    campuses = next(w for w in at.selectbox if (w.key or "").startswith("lens_campus~")).options
    assert campuses == ["测试大学（北校区）", "测试大学（南校区）", "测试学院 [un-tc-a]", "测试学院 [un-tc-b]"]


def test_distinct_labels_append_the_id_then_the_position_only_to_shared_labels():
    label = {"a": "X", "b": "X", "c": "Y", "d": "X [a]"}.get
    assert distinct_labels(["a", "b", "c"], label) == ["X [a]", "X [b]", "Y"]
    assert distinct_labels(["a", "b", "d"], label) == ["X [a] #1", "X [b]", "X [a] #3"]
    assert distinct_labels([0, 1, 2], lambda d: "any" if d == 0 else str(d)) == ["any", "1", "2"]
