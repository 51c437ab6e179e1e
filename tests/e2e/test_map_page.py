"""The explorer page in a real browser (Chromium via Playwright)."""

import pytest

from tests.e2e.conftest import EVIL_NAME, map_frame, results_grid, wait_for_count

pytestmark = pytest.mark.e2e


def open_page(page, url: str):
    page.goto(url)
    page.get_by_role("heading", level=1).wait_for()
    return map_frame(page)


def test_map_draws_one_marker_per_asset_without_js_errors(page, app_url):
    frame = open_page(page, app_url)
    assert page.get_by_role("heading", level=1).inner_text() == "测试市文化资源地图"
    assert wait_for_count(page, ".cm-marker", 6) == 6
    assert frame.locator(".cm-marker.cm-scenic_spots").count() == 2
    assert frame.locator(".cm-marker.cm-universities").count() == 2
    assert frame.locator(".cm-legend").inner_text().count("(") == 4  # four layers with features
    assert page.console_log.errors == []


def test_clicking_a_marker_opens_its_fact_card(page, app_url):
    frame = open_page(page, app_url)
    wait_for_count(page, ".cm-marker", 6)
    frame.locator(".cm-marker.cm-heritage_units").click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "古桥" in text and "全国重点文物保护单位" in text and "id: hu-old-bridge" in text


def test_layer_control_toggle_hides_a_layer(page, app_url):
    frame = open_page(page, app_url)
    wait_for_count(page, ".cm-marker", 6)
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays").get_by_text("A级旅游景区 (2)").click()
    assert wait_for_count(page, ".cm-marker", 4) == 4
    assert frame.locator(".cm-marker.cm-scenic_spots").count() == 0


def test_search_box_filters_the_map_and_the_url(page, app_url):
    open_page(page, app_url)
    wait_for_count(page, ".cm-marker", 6)
    box = page.get_by_placeholder("西塔 / xita / xt / West Pagoda")  # the pack's example (city.toml)
    box.fill("xita")
    box.press("Enter")
    assert wait_for_count(page, ".cm-marker", 1) == 1
    page.wait_for_function("() => location.search.includes('q=xita')")


def test_a_copied_url_restores_the_view(page, app_url):
    frame = open_page(page, f"{app_url}/?grade=4A&layers=scenic_spots,heritage_units&lat=36.09&lon=105.1&zoom=13")
    assert wait_for_count(page, ".cm-marker", 2) == 2  # the 4A spot and the heritage unit
    assert frame.evaluate("map_div.getZoom()") == 13
    centre = frame.evaluate("[map_div.getCenter().lat, map_div.getCenter().lng]")
    # Leaflet may re-centre by a few pixels when its frame is sized (< 0.003 deg at zoom 13) ...
    assert centre == pytest.approx([36.09, 105.1], abs=3e-3)
    # ... which must not count as a move: the URL keeps the view it was opened with
    page.wait_for_timeout(1500)
    params = dict(p.split("=") for p in page.evaluate("location.search").lstrip("?").split("&"))
    assert params["zoom"] == "13"
    assert (float(params["lat"]), float(params["lon"])) == pytest.approx((36.09, 105.1), abs=2e-4)
    assert page.console_log.errors == []


def test_html_in_names_is_shown_as_text(page, app_url):
    frame = open_page(page, f"{app_url}/?city=xssville")
    wait_for_count(page, ".cm-marker", 6)
    frame.locator(".cm-marker.cm-scenic_spots").first.click()
    frame.locator(".leaflet-popup-content").wait_for()
    popups = frame.locator(".leaflet-popup-content").inner_text()
    tooltips = frame.locator(".leaflet-tooltip").all_inner_texts()
    assert EVIL_NAME in popups or any(EVIL_NAME in t for t in tooltips)
    assert frame.locator(".leaflet-popup-content img").count() == 0
    assert frame.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_selecting_a_result_row_centres_the_map_on_it(page, app_url):
    from tests.conftest import utm_to_lonlat

    open_page(page, f"{app_url}/?q=xita")
    grid = results_grid(page)
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 54)  # the selection cell of the first (only) row
    page.wait_for_function("() => location.search.includes('zoom=16')")
    lon, lat = utm_to_lonlat(505_000, 3_996_000)  # sc-west-pagoda
    view = None
    for _ in range(40):  # the map pane reruns after the URL changes: poll until it has moved
        try:
            view = map_frame(page).evaluate("[map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]")
        except Exception:
            view = None
        if view and view[0] == 16:
            break
        page.wait_for_timeout(250)
    assert view[0] == 16
    assert view[1:] == pytest.approx([lat, lon], abs=2e-4)


def test_many_assets_show_as_hexagons_until_zoomed_in(page, app_url):
    from tests.conftest import utm_to_lonlat

    frame = open_page(page, f"{app_url}/?city=zbigville&layers=museums")
    page.get_by_text("按六边形汇总").wait_for()
    assert frame.locator(".cm-marker").count() == 0
    hexagons = frame.locator(".leaflet-overlay-pane path.leaflet-interactive").count() - 3  # minus districts, river
    assert hexagons > 0
    lon, lat = utm_to_lonlat(502_000, 3_992_000)  # inside the grid of museums
    open_page(page, f"{app_url}/?city=zbigville&layers=museums&lat={lat:.5f}&lon={lon:.5f}&zoom=17")
    # the browser reports its bounds, the server sends only the markers in view (clustered if many)
    shown = 0
    for _ in range(60):
        try:
            f = map_frame(page)
            shown = f.locator(".cm-marker").count() + f.locator(".marker-cluster").count()
        except Exception:
            shown = 0
        if shown:
            break
        page.wait_for_timeout(250)
    assert 0 < shown <= 1000
    assert page.console_log.errors == []
