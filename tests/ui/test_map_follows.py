"""The explorer fits its map to new results (issue 27), in AppTest: what the page sends the map."""

from __future__ import annotations

import pytest

from tests.conftest import utm_to_lonlat
from tests.ui.test_app import map_sent, results, run, widget

WEST_PAGODA = utm_to_lonlat(505_000, 3_996_000)  # (lon, lat) of sc-west-pagoda


def _view(at) -> tuple[float, float, int]:
    sent = map_sent(at)
    return sent["center"][0], sent["center"][1], sent["zoom"]


def test_a_search_link_without_a_view_opens_fitted_to_its_result(data_root):
    at = run({"q": "xita"})
    assert not at.exception and results(at) == ["sc-west-pagoda"]
    lat, lon, zoom = _view(at)
    assert zoom == 15  # one result: the fit's max zoom
    assert (lat, lon) == pytest.approx((WEST_PAGODA[1], WEST_PAGODA[0]), abs=1e-6)
    assert "cmFit" not in map_sent(at)["feature_group"]  # the component moves the map (animated)


def test_a_link_with_a_view_keeps_it(data_root):
    at = run({"q": "xita", "lat": "36.05", "lon": "105.2", "zoom": "13"})
    assert not at.exception and results(at) == ["sc-west-pagoda"]
    assert _view(at) == (36.05, 105.2, 13)
    assert "cmFit" not in map_sent(at)["feature_group"]


def test_a_search_fits_and_clearing_it_returns_to_the_city_view(data_root):
    at = run()
    city_view = _view(at)
    assert city_view[2] == 11
    widget(at, "text_input", "q").input("xita").run()
    assert results(at) == ["sc-west-pagoda"] and _view(at)[2] == 15
    # the map reports the fitted view (the browser's part): the user has not moved it since
    at.session_state["live_view"] = at.session_state["view"]
    widget(at, "text_input", "q").input("").run()
    assert len(results(at)) == 6
    assert _view(at) == pytest.approx(city_view)


def test_a_search_after_the_user_moved_the_map_keeps_the_view(data_root):
    at = run()
    city_view = _view(at)
    at.session_state["live_view"] = (city_view[0] + 0.05, city_view[1] + 0.05, 14)  # the user panned and zoomed
    widget(at, "text_input", "q").input("xita").run()
    assert results(at) == ["sc-west-pagoda"]
    assert _view(at) == pytest.approx(city_view)  # not refitted
    assert "cmFit" not in map_sent(at)["feature_group"]
