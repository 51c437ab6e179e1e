"""The Map page on every bundled pack (issue 15): a city found under geodata/ opens with its own
title, every asset in the results, its river in the theme filter and in the distance filter."""

from pathlib import Path

import pytest

from culturemap.catalog import find_packs, load_city
from tests.ui.test_app import APP, results, run, widget

PACKS = find_packs(Path(APP).parent / "geodata")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_the_map_page_opens_each_city_with_its_own_names(monkeypatch, pack, lang):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    city = load_city(pack)
    cfg = city.config
    at = run({"city": cfg.id, "lang": lang})
    assert not at.exception
    assert at.title[0].value == (f"{cfg.name_zh}文化资源地图" if lang == "zh" else f"{cfg.name_en} cultural assets map")
    assert sorted(results(at)) == sorted(city.assets()["id"])
    river = cfg.river_name(lang)
    assert river in widget(at, "multiselect", "theme").options  # the river theme carries the pack's river
    assert river in widget(at, "select_slider", "river_km").label
    assert widget(at, "text_input", "q").placeholder == cfg.search_example


def test_a_link_with_the_former_yellow_river_theme_still_filters_along_the_river(monkeypatch):
    """The theme "yellow_river" is now "river": an older Lanzhou link keeps its filter, and the URL
    the page writes back uses the new name."""
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    city = load_city(Path(APP).parent / "geodata" / "lanzhou")
    along = city.assets().loc[lambda a: a["themes"].map(lambda t: "river" in list(t or ())), "id"]
    assert len(along) >= 10
    at = run({"city": "lanzhou", "theme": "yellow_river"})
    assert not at.exception
    assert widget(at, "multiselect", "theme").value == ["river"]
    assert sorted(results(at)) == sorted(along)
    assert at.query_params["theme"] == "river"


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_the_analysis_and_routes_pages_open_each_city(monkeypatch, pack):
    """The corridor section is named after the pack's river; the route picker offers the pack's routes."""
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    city = load_city(pack)
    at = run({"city": city.config.id, "lang": "en"})
    at.switch_page("src/culturemap/ui/pages/analysis.py").run()
    assert not at.exception
    assert f"{city.config.river_name_en} corridor" in [h.value for h in at.header]
    at.switch_page("src/culturemap/ui/pages/routes.py").run()
    assert not at.exception
    options = widget(at, "selectbox", "route_theme").options
    assert [r.title("en") for r in city.routes] == options[: len(city.routes)]
