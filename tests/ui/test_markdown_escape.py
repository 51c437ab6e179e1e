"""Markdown and HTML in stored values and in URL parameters show as typed: no remote image, no link,
no script (issue 22, item 8). Run headless with Streamlit's AppTest."""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.catalog import load_city
from culturemap.render.folium_map import MapOptions, build_map
from culturemap.ui.text import plain
from tests.conftest import default_layers, write_pack
from tests.ui.test_app import APP, map_sent
from tests.ui.test_lens_page import other_city_toml

IMAGE = "![x](http://127.0.0.1:9/x.png)"
LINK = "[link](http://127.0.0.1:9/)"
SCRIPT = "<script>alert(1)</script>"
RAW = re.compile(r"\]\(http|(?<!\\)<script")  # a link or image target, a tag: not escaped
# every element whose body Streamlit renders as Markdown
MARKDOWN_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                     "toast")  # fmt: skip
STOPS = ["sc-west-pagoda", "hu-old-bridge", "sc-east-park"]


def rendered(at: AppTest) -> list[str]:
    return [element.value for kind in MARKDOWN_ELEMENTS for element in at.get(kind)]


def assert_inert(at: AppTest) -> list[str]:
    """No Markdown body carries a link, an image or a script; returns the bodies."""
    assert not at.exception
    bodies = rendered(at)
    assert not [b for b in bodies if RAW.search(b)]
    return bodies


@pytest.fixture
def hostile_root(tmp_path, monkeypatch):
    """A pack whose stored names and opening hours hold Markdown and HTML, with a theme route over them."""
    layers = default_layers()
    props = {f["properties"]["id"]: f["properties"] for features in layers.values() for f in features
             if "id" in f["properties"]}  # fmt: skip
    props["sc-west-pagoda"].update(name_zh=IMAGE, name_en=IMAGE)
    props["hu-old-bridge"].update(name_zh=SCRIPT, name_en=SCRIPT, opening_hours=LINK)
    props["sc-east-park"].update(opening_hours=IMAGE)
    props["un-tu-north"].update(name_en=SCRIPT)
    pack = write_pack(tmp_path / "testville", layers)
    (pack / "routes.toml").write_text(
        f'[[route]]\nid = "r1"\ntitle_zh = "线"\ntitle_en = "Line"\nsource = "test"\nstops = {json.dumps(STOPS)}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return pack


def open_page(page: str | None, params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return (at.switch_page(page) if page else at).run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_routes_page_warnings_show_stored_markdown_as_typed(hostile_root, lang):
    at = open_page("src/culturemap/ui/pages/routes.py", {"lang": lang})
    bodies = assert_inert(at)
    warnings = [w.value for w in at.warning]
    # the unreadable opening hours are named in the warnings, escaped: the stop's name and the rule as typed
    assert any(plain(SCRIPT) in w and plain(LINK) in w for w in warnings), warnings
    assert any(plain(IMAGE) in w for w in warnings), warnings
    assert any(plain(LINK) in b for b in bodies)
    table = at.dataframe[-1].value  # the itinerary: a data grid, cells shown as text
    assert IMAGE in table.astype(str).to_numpy().ravel().tolist()


def test_ignored_url_parameters_are_named_as_typed(hostile_root):
    at = open_page("src/culturemap/ui/pages/routes.py", {"mode": IMAGE, "stops": f"sc-west-pagoda,{LINK}"})
    assert_inert(at)
    toasts = [t.value for t in at.toast]
    assert any(plain(f"mode={IMAGE}") in t for t in toasts) and any(plain(f"stops={LINK}") in t for t in toasts)

    at = open_page(None, {"grade": IMAGE, "q": LINK})  # the Map page
    assert_inert(at)
    assert any(plain(f"grade={IMAGE}") in t.value for t in at.toast)

    at = open_page("src/culturemap/ui/pages/lens.py", {"campus": LINK})
    assert_inert(at)
    assert [plain(f"campus={LINK}") in t.value for t in at.toast] == [True]


def test_an_ignored_compare_parameter_is_named_as_typed(tmp_path, monkeypatch):
    write_pack(tmp_path / "testville")
    write_pack(tmp_path / "otherville", city_toml=other_city_toml())
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    at = open_page("src/culturemap/ui/pages/compare.py", {"compare": f"testville,{IMAGE}"})
    assert_inert(at)
    assert [plain(f"compare={IMAGE}") in t.value for t in at.toast] == [True]


def test_the_map_page_search_is_described_as_typed_in_the_export_panel(hostile_root):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["q"] = LINK
    at.session_state["export_was_open"] = True
    at.run()
    assert_inert(at)


def unescaped(script: str) -> str:
    """``script`` with the JSON escapes folium writes (``\\u003c`` ...) read back."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), script).replace("\\/", "/")


def test_a_script_in_a_name_stays_text_in_popups_and_labels(hostile_root):
    city = load_city(hostile_root)
    for html in (
        build_map(city, city.assets(), MapOptions(lang="en", cluster=False)).map.get_root().render(),  # Map page
        map_sent(open_page("src/culturemap/ui/pages/routes.py", {"lang": "en"}))["feature_group"],  # route stops
        map_sent(open_page("src/culturemap/ui/pages/lens.py", {"lang": "en"}))["feature_group"],  # the campus
    ):
        # the frame's title is text set through the DOM (never parsed as HTML): the name stands in it as it
        # is, in a JS string that cannot end the script element ("<\/"); everything else shows it escaped
        titles = re.findall(r'frameElement\.title = ("(?:[^"\\]|\\.)*");', html)
        assert all("</" not in t for t in titles), titles
        shown = unescaped(re.sub(r'frameElement\.title = "(?:[^"\\]|\\.)*";', "", html))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and SCRIPT not in shown
