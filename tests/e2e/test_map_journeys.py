"""Journeys on the map page in a real browser: several steps in a row, the visible state checked
after every step (results, layers, URL, markers, no exception, no console error)."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import utm_to_lonlat
from tests.e2e.conftest import (
    ARTIFACTS,
    add_choice,
    choose,
    click_in_map,
    expect_no_exception,
    expect_results,
    layer_chips,
    map_frame,
    new_page,
    open_app,
    open_expander,
    results_grid,
    search,
    url_params,
    wait_for_count,
    wait_for_url,
    wait_for_view,
    wait_idle,
)

pytestmark = pytest.mark.e2e

ALL_LAYERS_ZH = [
    "A级旅游景区 (2)",
    "文物保护单位 (1)",
    "博物馆 (1)",
    "夜间文旅消费集聚区 (0)",
    "高等院校 (2)",
    "其他文旅点位 (0)",
]


# records the zoom of every link the page writes from now on (Streamlit sets it with history.replaceState/pushState)
URL_LOG_JS = """() => {
    window.cmUrlZooms = [];
    for (const name of ["replaceState", "pushState"]) {
        const original = history[name].bind(history);
        history[name] = (state, title, url) => {
            original(state, title, url);
            const zoom = new URLSearchParams(location.search).get("zoom");
            if (zoom !== window.cmUrlZooms.at(-1)) window.cmUrlZooms.push(zoom);
        };
    }
}"""


def check(page, n: int, markers: int | None = None, lang: str = "zh") -> None:
    """The state every step must leave: n results, the map showing them, no exception, no JS error."""
    expect_results(page, n, lang)
    wait_idle(page)
    expect_no_exception(page)
    if markers is not None:
        assert wait_for_count(page, ".cm-marker", markers) == markers
    assert page.console_log.errors == [], page.console_log.errors


def test_search_then_search_again_filter_language_row_popup_and_link(page, app_url, browser):
    """Defects 1 and 2: a second search, a filter after a language switch, a row selection and a popup
    once kept wiping the layers (URL layers=) or raised IndexError."""
    open_app(page, app_url)
    check(page, 6, markers=6)
    search(page, "xita")
    check(page, 1, markers=1)
    assert wait_for_url(page, q="xita", layers=None)["city"] == "testville"
    search(page, "dongyuan")  # the second search used to empty every layer
    check(page, 1, markers=1)
    wait_for_url(page, q="dongyuan", layers=None)
    search(page, "")
    check(page, 6, markers=6)
    assert layer_chips(page) == ALL_LAYERS_ZH
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testville cultural assets map")
    check(page, 6, lang="en")
    assert layer_chips(page)[0] == "Scenic spots (2)"  # chips relabelled, still chosen
    open_expander(page, "A-class scenic spots")
    choose(page, "Scenic grade (and above)", "4A")  # after a language switch this used to drop the layers
    check(page, 5, markers=5, lang="en")
    assert wait_for_url(page, grade="4A", lang="en", layers=None)
    assert layer_chips(page)[0] == "Scenic spots (1)"
    open_expander(page, "Cultural relics protection units")
    add_choice(page, "Heritage level", "National")
    check(page, 5, markers=5, lang="en")
    wait_for_url(page, level="national", grade="4A")
    search(page, "pagoda")
    check(page, 1, markers=1, lang="en")
    # select the (only) result row: the map centres on it at zoom 16, and the link goes straight there (the
    # rerun the selection starts hands back the map's last report, zoom 15: it once wrote 15 back into the link)
    wait_for_url(page, zoom="15")  # fitted to the one result
    page.evaluate(URL_LOG_JS)
    grid = results_grid(page)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 54)
    params = wait_for_url(page, zoom="16")
    lon, lat = utm_to_lonlat(505_000, 3_996_000)
    assert (float(params["lat"]), float(params["lon"])) == pytest.approx((lat, lon), abs=2e-4)
    assert wait_for_view(page, 16)[1:] == pytest.approx([lat, lon], abs=2e-4)
    check(page, 1, markers=1, lang="en")
    # a popup opens without moving the shared view
    click_in_map(page, ".cm-marker")
    expect(map_frame(page).locator(".leaflet-popup-content")).to_contain_text("id: sc-west-pagoda")
    page.wait_for_timeout(1500)
    assert url_params(page) == params
    assert page.evaluate("window.cmUrlZooms") == ["16"]  # the link never went back to 15 on its way
    # the link opens the same state in a new page
    link = page.url
    other = new_page(browser, viewport={"width": 1400, "height": 1000})
    try:
        open_app(other, link)
        expect_results(other, 1, "en")
        assert wait_for_count(other, ".cm-marker", 1) == 1
        assert url_params(other) == params
    finally:
        other.context.close()


def test_a_layer_filter_says_its_scope_and_one_click_shows_only_that_layer(page, app_url):
    """Defect 14: choosing national units kept showing the other layers with no hint."""
    open_app(page, app_url)
    check(page, 6, markers=6)
    open_expander(page, "文物保护单位")
    add_choice(page, "文保单位级别", "全国重点文物保护单位")
    check(page, 6, markers=6)  # the one unit is national: the other layers still show
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("此筛选只作用于文物保护单位；其他图层仍显示 5 个点位。")).to_be_visible()
    sidebar.get_by_role("button", name="只看文物保护单位").click()
    check(page, 1, markers=1)
    assert wait_for_url(page, layers="heritage_units", level="national")
    assert layer_chips(page) == ["文物保护单位 (1)"]
    expect(sidebar.get_by_role("button", name="只看文物保护单位")).to_be_disabled()
    expect(sidebar.get_by_text("此筛选只作用于文物保护单位", exact=False)).to_have_count(0)
    # the layer box brings the others back, the level filter stays
    add_choice(page, "图层", "高等院校 (2)")
    check(page, 3, markers=3)
    assert wait_for_url(page, layers="heritage_units,universities", level="national")
    # back to English: the same state, labelled in English
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    check(page, 3, markers=3, lang="en")
    assert layer_chips(page) == ["Heritage units (1)", "Universities (2)"]
    expect(
        page.get_by_test_id("stSidebar").get_by_text("This filter narrows Cultural relics", exact=False)
    ).to_be_visible()


def test_popups_never_move_the_shared_view(page, app_url):
    """Defect 3: Leaflet's auto-pan for a popup near the top edge was taken as a pan (URL centre moved)."""
    lon, lat = utm_to_lonlat(505_000, 3_996_000)  # the west pagoda: put it near the top edge of the map
    open_app(page, f"{app_url}/?lat={lat - 0.02:.5f}&lon={lon:.5f}&zoom=13")
    check(page, 6)
    params = wait_for_url(page, zoom="13")
    view = wait_for_view(page, 13)
    click_in_map(page, ".cm-marker.cm-scenic_spots")
    frame = map_frame(page)
    popup = frame.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    box, inner = frame.locator("#map_div").bounding_box(), popup.bounding_box()
    assert box["y"] <= inner["y"] and inner["y"] + inner["height"] <= box["y"] + box["height"]  # placed inside
    assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"]
    page.wait_for_timeout(1500)
    assert wait_for_view(page, 13) == pytest.approx(view, abs=1e-4)  # under a pixel (the old auto-pan: 70 px)
    assert url_params(page) == params
    expect_no_exception(page)


def test_a_phone_opens_popups_by_tap_and_folds_the_legend(browser, app_url):
    """Defect 17: on a 390x844 touch screen a tap on a marker opened no popup; the legend covered the map."""
    page = new_page(
        browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2
    )
    context = page.context
    try:
        open_app(page, f"{app_url}/?q=guqiao")
        expect_results(page, 1)
        assert wait_for_count(page, ".cm-marker", 1) == 1
        frame = map_frame(page)
        legend = frame.locator(".cm-legend")
        expect(legend).to_have_class(re.compile("cm-folded"))  # folded on a narrow map
        legend_box = legend.bounding_box()
        assert legend_box["width"] * legend_box["height"] < 0.05 * 358 * 640
        marker = frame.locator(".cm-marker").first
        marker.scroll_into_view_if_needed()  # the map runs past the bottom of the screen
        marker.tap()
        expect(frame.locator(".leaflet-popup-content")).to_contain_text("id: hu-old-bridge")
        popup, container = (
            frame.locator(".leaflet-popup").bounding_box(),
            frame.locator("#map_div").bounding_box(),
        )
        assert container["x"] <= popup["x"] and popup["x"] + popup["width"] <= container["x"] + container["width"]
        legend.locator(".cm-legend-title").tap()
        expect(legend).not_to_have_class(re.compile("cm-folded"))
        expect(legend).to_contain_text("文物保护单位 (1)")
        # a new search swaps the layer and its legend: the legend stays open as the reader left it
        search(page, "")
        assert wait_for_count(page, ".cm-marker", 6) == 6
        expect(legend).to_contain_text("A级旅游景区 (2)")
        expect(legend).not_to_have_class(re.compile("cm-folded"))
        legend.locator(".cm-legend-title").tap()
        expect(legend).to_have_class(re.compile("cm-folded"))
        search(page, "guqiao")
        assert wait_for_count(page, ".cm-marker", 1) == 1
        expect(legend).to_contain_text("文物保护单位 (1)")
        expect(legend).to_have_class(re.compile("cm-folded"))
        expect_no_exception(page)
    finally:
        context.close()


def test_a_broken_pack_is_listed_and_the_others_keep_working(page, app_url):
    """Defects 4 and 10: a city.toml with zoom = "twelve" took every city down; a link named the folder."""
    open_app(page, app_url)
    check(page, 6)
    choose(page, "城市 / City", "brokenville ⚠ 无法加载 / cannot be loaded")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("城市包 brokenville 无法加载")
    expect(error).to_contain_text("zoom")
    expect_no_exception(page)
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(error).to_contain_text("The city pack brokenville cannot be loaded")
    choose(page, "城市 / City", "测试市 / Testville [testville]")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试市文化资源地图")
    check(page, 6, markers=6)
    # a link names the city id, whatever its folder is called
    open_app(page, f"{app_url}/?city=otherville&q=xita")
    expect(page.get_by_role("heading", level=1)).to_have_text("另一市文化资源地图")
    check(page, 1)
    assert wait_for_url(page, city="otherville", q="xita")
    open_app(page, f"{app_url}/?city=brokenville")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("brokenville")
    expect_no_exception(page)


def test_offline_tiles_fail_once_with_a_notice_and_no_developer_menu(page, app_url):
    """Defect 18: offline, every tile and the minimap failed (~19 errors per load); the Deploy menu showed."""
    tile_requests = []
    page.on("request", lambda r: tile_requests.append(r.url) if "tile.openstreetmap.org" in r.url else None)
    open_app(page, app_url)
    check(page, 6, markers=6)
    frame = map_frame(page)
    expect(frame.locator(".cm-tiles-notice")).to_contain_text("无法加载在线底图（OpenStreetMap）")
    expect(frame.locator("#map_div")).to_have_class(re.compile("cm-offline"))
    expect(frame.locator(".cm-district-label").first).to_be_visible()  # the pack's own basemap instead
    assert frame.locator(".leaflet-control-minimap").count() == 0
    assert len(tile_requests) == 1, tile_requests
    expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
    # the offline basemap itself asks no tile server at all; it is swapped into the same map (same frame)
    choose(page, "底图", "离线底图（城市包）")
    assert wait_for_url(page, basemap="offline")
    frame.wait_for_function("map_div.cmBasemap === 'offline'")
    assert map_frame(page) == frame
    check(page, 6, markers=6)
    expect(frame.locator("#map_div")).to_have_class(re.compile("cm-offline"))
    expect(frame.locator(".cm-tiles-notice")).to_have_count(0)
    expect(frame.locator(".cm-district-label").first).to_be_visible()
    assert len(tile_requests) == 1
    # back to OpenStreetMap: probed once more, the notice again, the same map
    choose(page, "底图", "OpenStreetMap")
    frame.wait_for_function("map_div.cmBasemap === 'osm' && map_div.cmTiles === 'offline'")
    assert map_frame(page) == frame
    expect(frame.locator(".cm-tiles-notice")).to_have_count(1)
    check(page, 6, markers=6)
    assert len(tile_requests) == 2, tile_requests
    # English in the same session: the same map, its notice now in English (it stayed Chinese)
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(frame.locator(".cm-tiles-notice")).to_contain_text("Online tiles (OpenStreetMap) cannot be reached")
    assert map_frame(page) == frame


def test_a_million_character_name_is_capped_at_load(page, app_url):
    """Defect 11: a 1,000,000-character name kept the page from finishing."""
    open_app(page, f"{app_url}/?city=xssville&lang=en&layers=museums")
    expect_results(page, 1, "en")
    assert wait_for_count(page, ".cm-marker", 1) == 1
    click_in_map(page, ".cm-marker")
    name = map_frame(page).locator(".leaflet-popup-content b").first.inner_text()
    assert name.startswith("MMMM") and len(name) <= 200
    problems = page.get_by_test_id("stExpander").filter(has_text="Data validation: 0 errors, 3 warnings")
    problems.locator("summary").click()
    expect(problems).to_contain_text("field name_en is 1000000 characters long; cut to the 200-character limit")
    expect_no_exception(page)


def _tile_png(rgb: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (256, 256), rgb).save(out, format="PNG")
    return out.getvalue()


# the main map's loaded tiles (not the minimap's), sampled on every frame the browser draws
TILE_SAMPLER = """() => {
    window.cmFewestTiles = null;
    const tiles = '#map_div > .leaflet-map-pane > .leaflet-tile-pane img.leaflet-tile-loaded';
    (function sample() {
        const n = document.querySelectorAll(tiles).length;
        window.cmFewestTiles = window.cmFewestTiles === null ? n : Math.min(window.cmFewestTiles, n);
        requestAnimationFrame(sample);
    })();
}"""


def test_switching_basemaps_keeps_the_map_and_its_tiles_until_the_new_ones_are_drawn(page, app_url):
    """Issue 11: a basemap switch reloaded the map in a new frame, blank for ~0.8 s. Now the same map
    swaps its basemap layer: the old tiles stay on screen until the new basemap's tiles are drawn
    (sampled on every animation frame), the markers move to the new datum and nothing is reloaded.
    The tile servers are answered by the test (no internet here)."""
    served = {"osm": 0, "amap": 0}

    def tiles(name: str, rgb: tuple[int, int, int]):
        png = _tile_png(rgb)

        def fulfil(route) -> None:
            served[name] += 1
            route.fulfill(status=200, content_type="image/png", body=png)

        return fulfil

    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), tiles("osm", (200, 220, 240)))
    page.route(re.compile(r"https://webrd0[1-4]\.is\.autonavi\.com/.*"), tiles("amap", (240, 220, 190)))
    open_app(page, app_url)
    check(page, 6, markers=6)
    frame = map_frame(page)
    frame.wait_for_function("map_div.cmTiles === 'online'")
    expect(frame.locator("#map_div")).not_to_have_class(re.compile("cm-offline"))
    expect(frame.locator(".leaflet-control-minimap")).to_have_count(1)
    frame.wait_for_function(
        "document.querySelectorAll('#map_div > .leaflet-map-pane > .leaflet-tile-pane img.leaflet-tile-loaded').length > 0"
    )
    bridge = frame.evaluate("""() => { const out = []; map_div.eachLayer(l => { if (l.feature && l.feature.properties
        && l.feature.properties.id === 'hu-old-bridge') out.push(l.getLatLng()); }); return out[0]; }""")
    frame.evaluate(TILE_SAMPLER)
    osm_served = served["osm"]
    choose(page, "底图", "高德地图（道路）")
    assert wait_for_url(page, basemap="amap")
    frame.wait_for_function("map_div.cmBasemap === 'amap' && map_div.cmTiles === 'online'")
    frame.wait_for_function(  # the OpenStreetMap tiles retired once the AMap tiles were drawn
        "[...document.querySelectorAll('#map_div .leaflet-tile-pane img.leaflet-tile')].every("
        "t => !t.src.includes('openstreetmap'))"
    )
    assert map_frame(page) == frame  # the same map, never reloaded
    check(page, 6, markers=6)
    assert frame.evaluate("window.cmFewestTiles") > 0  # some tiles on screen on every frame drawn
    assert served["amap"] > 0 and served["osm"] == osm_served
    moved = frame.evaluate("""() => { const out = []; map_div.eachLayer(l => { if (l.feature && l.feature.properties
        && l.feature.properties.id === 'hu-old-bridge') out.push(l.getLatLng()); }); return out[0]; }""")
    shift_deg = ((moved["lat"] - bridge["lat"]) ** 2 + (moved["lng"] - bridge["lng"]) ** 2) ** 0.5
    assert 0.001 < shift_deg < 0.01  # GCJ-02: a few hundred metres
    expect(frame.locator(".leaflet-control-minimap")).to_have_count(1)  # the old minimap replaced, not added
    # a filter afterwards swaps the markers and fits the map to them (issue 27) in the same map: only the
    # chosen basemap's tiles are asked for, and tiles stay on screen throughout
    search(page, "xita")
    check(page, 1, markers=1)
    frame.wait_for_function("map_div.getZoom() === 15")
    assert map_frame(page) == frame
    assert served["osm"] == osm_served and frame.evaluate("window.cmFewestTiles") > 0
    page.screenshot(path=str(ARTIFACTS / "basemap-switched-amap.png"))
