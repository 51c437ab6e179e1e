"""Journeys on the Routes and the Density & corridor pages in a real browser, in both languages,
each ending with the link opened in a new page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from culturemap.analysis.aggregate import h3_counts
from culturemap.analysis.stats import fill_hex_grid
from culturemap.catalog import load_city
from tests.e2e.conftest import (
    MAP_IFRAME,
    add_choice,
    choose,
    expect_no_exception,
    new_page,
    open_app,
    wait_for_count,
    wait_for_url,
)

pytestmark = pytest.mark.e2e
CJK = re.compile(r"[\u4e00-\u9fff]")
HEXAGON_STROKE = "#7f2704"  # the outline of every hexagon on the analysis page's hexagon map


def test_a_route_is_changed_relabelled_extended_and_shared_by_link(page, app_url, browser):
    page.set_viewport_size({"width": 1400, "height": 1600})  # the whole map in view (see click_in_map)
    open_app(page, f"{app_url}/routes?city=testville")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试市主题线路设计")
    expect(page.get_by_text(re.compile(r"^共 4 站"))).to_be_visible()
    assert wait_for_count(page, ".cm-route-stop", 4) == 4
    choose(page, "出行方式", "自驾")
    wait_for_url(page, mode="car", route="bridge-line")
    expect(page.get_by_text(re.compile(r"^共 4 站.*（估算"))).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("分多天安排").click()
    wait_for_url(page, day_end="18:00", mode="car")
    expect_no_exception(page)
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testville themed route designer")
    expect(page.get_by_text(re.compile(r"^4 stops, .* \(estimated"))).to_be_visible()
    wait_for_url(page, lang="en", mode="car", day_end="18:00")
    add_choice(page, "Stops", "UN-TU-NORTH (北校区) · Universities and colleges")  # a campus joins the route
    expect(page.get_by_text(re.compile(r"^5 stops, "))).to_be_visible()
    params = wait_for_url(page, lang="en", mode="car")
    assert len(params["stops"].split(",")) == 5
    assert wait_for_count(page, ".cm-route-stop", 5) == 5
    assert page.console_log.errors == [], page.console_log.errors
    # the link brings back the same route, language and settings
    other = new_page(browser, viewport={"width": 1400, "height": 1600})
    try:
        open_app(other, page.url)
        expect(other.get_by_role("heading", level=1)).to_have_text("Testville themed route designer")
        expect(other.get_by_text(re.compile(r"^5 stops, "))).to_be_visible()
        assert wait_for_count(other, ".cm-route-stop", 5) == 5
        with other.expect_download() as download:
            other.get_by_role("button", name="Download GPX").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.count("<wpt ") == 5
        expect_no_exception(other)
    finally:
        other.context.close()


def test_the_analysis_page_in_both_languages_and_back_to_the_map(page, app_url):
    open_app(page, f"{app_url}/analysis?city=testville")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试市：密度、廊道与区县对比")
    expect(page.get_by_text(re.compile(r"积分 = 4\.0 个点位"))).to_be_visible()
    add_choice(page, "图层", "高等院校")
    expect(page.get_by_text(re.compile(r"积分 = 6\.0 个点位"))).to_be_visible()
    expect_no_exception(page)
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testville: density, corridor and districts")
    expect(page.get_by_text(re.compile(r"integral = 6\.0 assets"))).to_be_visible()  # the layers were kept
    # the choropleth's measure (the district table's hidden column headers say it too)
    page.get_by_test_id("stRadio").get_by_text("per 100 km²", exact=False).first.click()
    expect_no_exception(page)
    headers = page.get_by_role("heading", level=2).all_inner_texts()
    assert headers and [h for h in headers if CJK.search(h)] == []
    main = page.get_by_test_id("stMain")
    captions = main.get_by_test_id("stCaptionContainer").all_inner_texts()
    assert captions and [c for c in captions if CJK.search(c)] == []
    page.get_by_role("link", name="Map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testville cultural assets map")
    expect(page.get_by_role("heading", name=re.compile(r"^Results"))).to_have_text("Results: 6 assets")
    expect_no_exception(page)
    assert page.console_log.errors == [], page.console_log.errors


def test_an_analysis_slider_swaps_its_map_layer_without_reloading_the_map(page, app_url, data_root):
    """The H3 slider reruns its section only: the hexagon map keeps its frame (nothing reloads or
    blanks) and swaps its layer for the finer grid, with one legend and the same layer list."""
    city = load_city(data_root / "testville")
    chosen = city.assets(("heritage_units", "scenic_spots", "museums"))
    cells = {res: len(fill_hex_grid(h3_counts(chosen, res), res)) for res in (7, 8)}
    open_app(page, f"{app_url}/analysis?city=testville&lang=en")
    hexagon_map = page.locator(MAP_IFRAME).nth(1)
    frame = page.frame_locator(MAP_IFRAME).nth(1)
    hexagons = frame.locator(f'path[stroke="{HEXAGON_STROKE}"]')
    expect(hexagons).to_have_count(cells[7])
    expect(frame.locator(".cm-legend")).to_have_count(1)
    layers = frame.locator(".leaflet-control-layers-overlays label")
    listed = layers.all_inner_texts()
    assert "Hexagon counts" in [name.strip() for name in listed]
    hexagon_map.evaluate("element => { element.contentWindow.cmKept = true; }")
    slider = page.get_by_test_id("stMain").get_by_test_id("stSlider").filter(has_text="H3 resolution")
    slider.get_by_role("slider").press("ArrowRight")  # 7 -> 8
    expect(page.get_by_text(re.compile(r"at H3 resolution 8 "))).to_be_visible()
    expect(hexagons).to_have_count(cells[8])
    assert cells[8] != cells[7]
    assert hexagon_map.evaluate("element => element.contentWindow.cmKept === true")  # the same document
    expect(frame.locator(".cm-legend")).to_have_count(1)
    assert layers.all_inner_texts() == listed
    expect_no_exception(page)
    assert page.console_log.errors == [], page.console_log.errors
