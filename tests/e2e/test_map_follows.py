"""The map follows the results (issue 27): a filter or search fits the map to what it keeps, unless the
user moved the map or the link fixed a view; results outside the view are counted, with a button that
fits them; on a phone the map comes first and a popup keeps to at most 60 % of its width."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import utm_to_lonlat
from tests.e2e.conftest import (
    ARTIFACTS,
    WAIT_S,
    expect_results,
    map_frame,
    new_page,
    open_app,
    open_expander,
    search,
    wait_for_count,
    wait_for_url,
    wait_idle,
)

pytestmark = pytest.mark.e2e

CITY_ZOOM = 11  # the test pack's city.toml

# the map's zoom, whether its bounds hold every marker, and how many markers it has
_VIEW_JS = """() => {
    const b = map_div.getBounds(), pts = [];
    map_div.eachLayer(l => { if (l instanceof L.Marker && l._icon && l._icon.classList.contains('cm-marker'))
                                 pts.push(l.getLatLng()); });
    return {zoom: map_div.getZoom(), n: pts.length, inside: pts.every(p => b.contains(p)),
            lat: map_div.getCenter().lat, lng: map_div.getCenter().lng};
}"""


def _wait_view(page, check, timeout_s: float = WAIT_S) -> dict:
    """Poll the map (its frame is looked up again after each rerun) until ``check(view)`` holds."""
    deadline = time.monotonic() + timeout_s
    view = None
    while time.monotonic() < deadline:
        try:
            view = map_frame(page).evaluate(_VIEW_JS)
        except Exception:  # the frame was replaced by a rerun
            view = None
        if view and check(view):
            return view
        page.wait_for_timeout(250)
    raise AssertionError(f"the map never reached the view checked (last {view})")


def test_show_only_one_layer_fits_the_map_to_its_markers(page, app_url):
    open_app(page, app_url)
    expect_results(page, 6)
    _wait_view(page, lambda v: v["zoom"] == CITY_ZOOM and v["n"] == 6)
    open_expander(page, "A级旅游景区")
    wait_idle(page)  # the map's reports have run: the click starts a run of its own
    page.get_by_test_id("stSidebar").get_by_role("button", name="只看A级旅游景区").click()
    expect_results(page, 2)
    view = _wait_view(page, lambda v: v["n"] == 2 and v["zoom"] > CITY_ZOOM and v["inside"])
    assert view["zoom"] <= 15
    wait_for_url(page, zoom=str(view["zoom"]))  # the fitted view is the page's view (a link keeps it)
    expect(page.get_by_text("在当前视野外")).to_have_count(0)


def test_a_search_outside_a_moved_view_is_counted_and_the_button_fits(page, app_url):
    open_app(page, app_url)
    expect_results(page, 6)
    _wait_view(page, lambda v: v["n"] == 6)
    lon, lat = utm_to_lonlat(518_000, 3_992_000)  # the east end, 13 km from the West Pagoda
    map_frame(page).evaluate(f"map_div.setView([{lat}, {lon}], 14)")  # the user moves the map
    wait_for_url(page, zoom="14")
    search(page, "xita")
    expect_results(page, 1)
    expect(page.get_by_text("1 个点位中 1 个在当前视野外")).to_be_visible()
    view = _wait_view(page, lambda v: v["n"] == 1)
    assert view["zoom"] == 14 and not view["inside"]  # the moved view is kept
    page.get_by_role("button", name="显示全部结果").click()
    view = _wait_view(page, lambda v: v["n"] == 1 and v["inside"] and v["zoom"] == 15)
    west_lon, west_lat = utm_to_lonlat(505_000, 3_996_000)
    assert (view["lat"], view["lng"]) == pytest.approx((west_lat, west_lon), abs=1e-4)
    expect(page.get_by_text("在当前视野外")).to_have_count(0)


def test_a_link_with_a_view_is_not_refitted_on_first_load(page, app_url):
    lon, lat = utm_to_lonlat(518_000, 3_992_000)
    open_app(page, f"{app_url}/?q=xita&lat={lat:.5f}&lon={lon:.5f}&zoom=13")
    expect_results(page, 1)
    expect(page.get_by_text("1 个点位中 1 个在当前视野外")).to_be_visible()
    page.wait_for_timeout(1500)  # time for a refit, were there one
    view = _wait_view(page, lambda v: v["n"] == 1)
    assert view["zoom"] == 13
    assert (view["lat"], view["lng"]) == pytest.approx((lat, lon), abs=3e-3)
    assert wait_for_url(page, zoom="13")["q"] == "xita"


def test_a_link_with_a_search_and_no_view_opens_fitted(page, app_url):
    open_app(page, f"{app_url}/?q=xita")
    expect_results(page, 1)
    _wait_view(page, lambda v: v["n"] == 1 and v["inside"] and v["zoom"] == 15)


def test_on_a_phone_the_map_comes_first_and_a_popup_keeps_to_60_percent(browser, app_url):
    page = new_page(
        browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    try:
        open_app(page, app_url)
        expect_results(page, 6)
        assert wait_for_count(page, ".cm-marker", 6) == 6
        page.evaluate("window.scrollTo(0, 0)")
        frame_box = page.locator('iframe[src*="/streamlit_folium.st_folium/"]').bounding_box()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone_map_first.png"))
        (ARTIFACTS / "phone_map_top.txt").write_text(f"map frame top y = {frame_box['y']:.0f} px\n")
        assert frame_box["y"] < 200, frame_box
        frame = map_frame(page)
        marker = frame.locator(".cm-marker.cm-heritage_units").first
        marker.scroll_into_view_if_needed()
        marker.tap()
        popup = frame.locator(".leaflet-popup")
        expect(frame.locator(".leaflet-popup-content")).to_contain_text("id:")
        page.screenshot(path=str(ARTIFACTS / "phone_popup.png"))
        width = popup.bounding_box()["width"]
        map_width = frame.locator("#map_div").bounding_box()["width"]
        with (ARTIFACTS / "phone_map_top.txt").open("a") as out:
            out.write(f"popup {width:.0f} of map {map_width:.0f} px ({width / map_width:.0%})\n")
        assert width <= 0.6 * map_width + 1, (width, map_width)
    finally:
        page.context.close()


def test_on_lanzhou_a_search_for_xinglongshan_shows_its_results(page, bundled_url):
    """The issue's case: 兴隆山 (40 km south-east of the centre) read 2 个点位 over an empty map."""
    open_app(page, f"{bundled_url}/?city=lanzhou")
    page.get_by_role("heading", name=re.compile("^(结果|Results)")).wait_for()
    _wait_view(page, lambda v: v["zoom"] == 12)  # the city's view
    search(page, "兴隆山")
    heading = page.get_by_role("heading", name=re.compile("^(结果|Results)"))
    expect(heading).not_to_have_text(re.compile("结果：(0|[0-9]{2,}) 个点位"))  # the pack's few 兴隆山 assets
    n = int(re.search(r"(\d+)", heading.inner_text()).group(1))
    view = _wait_view(page, lambda v: v["n"] == n and v["inside"] and v["zoom"] != 12)
    assert view["zoom"] <= 15
    expect(page.get_by_text("在当前视野外")).to_have_count(0)
