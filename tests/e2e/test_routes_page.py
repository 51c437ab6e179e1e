"""The Routes page in a real browser: stops added and removed by clicking the map, a clicked start."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    add_choice,
    built_report,
    choose,
    click_in_map,
    map_frame,
    settle,
    wait_for_count,
    wait_for_url,
)

pytestmark = pytest.mark.e2e


def test_a_theme_opened_from_the_map_page_keeps_its_route(page, app_url):
    """From the explorer, the nav link to the Routes page: the theme's route is planned and drawn."""
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.goto(app_url)
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_role("link", name="线路设计").click()
    page.get_by_role("heading", level=1, name="测试市主题线路设计").wait_for()
    page.get_by_text("共 4 站").wait_for()
    assert wait_for_count(page, ".cm-route-stop", 4) == 4
    assert wait_for_count(page, ".cm-route-candidate", 2) == 2  # the two campuses are not on the route
    expect(page.get_by_role("button", name="下载 GPX")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 GPX").click()
    assert download.value.suggested_filename == f"testville-古桥线-{date.today().isoformat()}.gpx"  # city-title-date
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.count("<wpt ") == 4 and "古桥线" in text
    name, path = built_report(page, "route_report")  # the route report is drawn on the click
    assert name == f"testville-route-bridge-line-A4-{date.today().isoformat()}.pdf"  # named for filing
    report = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True)
    assert "古桥线" in report.stdout and "估算行程时间" in report.stdout and "行程表" in report.stdout
    assert page.console_log.errors == [], page.console_log.failed


def test_stops_are_added_and_removed_by_clicking_the_map(page, app_url):
    # the whole map in view: Playwright's click on a marker in an iframe that runs past the bottom
    # of the window landed on the bare map, not on the marker
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.goto(f"{app_url}/routes?city=testville")
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "测试市主题线路设计"
    # the theme selector: start from scratch instead
    page.locator('[data-testid="stSelectbox"]').filter(has_text="主题线路").locator("input").click()
    page.get_by_role("option", name="从零开始").click()
    assert wait_for_count(page, ".cm-route-candidate", 6) == 6  # no stops yet: every asset can be added
    click_in_map(page, ".cm-route-candidate", 0)
    assert wait_for_count(page, ".cm-route-candidate", 5) == 5
    click_in_map(page, ".cm-route-candidate", 0)
    assert wait_for_count(page, ".cm-route-stop", 2) == 2  # two stops: a route with numbered markers
    page.get_by_text("共 2 站").wait_for()
    # clicking a numbered stop removes it again
    click_in_map(page, ".cm-route-stop-icon", 1)
    assert wait_for_count(page, ".cm-route-candidate", 5) == 5
    page.get_by_text("请至少选择 2 个站点。").wait_for()
    # a click on the empty map with "set the start" makes that point the start
    page.get_by_text("设为起点").click()
    settle(page)
    frame = map_frame(page)
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").click(position={"x": 40, "y": box["height"] - 40})  # outside the city
    page.get_by_text("不在测试市范围内，未采用").wait_for()
    settle(page)
    frame = map_frame(page)
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").click(position={"x": box["width"] / 2 + 30, "y": box["height"] / 2 + 50})
    page.get_by_text("共 1 站").wait_for()  # one stop from the chosen start (the start is not a stop)
    assert wait_for_count(page, ".cm-route-stop", 2) == 2
    page.get_by_text("起点（自选位置）").first.wait_for(state="attached")  # row 1 of the itinerary
    assert page.console_log.errors == [], page.console_log.failed


def test_the_map_stays_on_screen_while_the_route_changes(page, app_url):
    """Another mode, a new stop: the route is swapped in the map on screen, which never reloads
    (a reload would blank it and forget what its page holds)."""
    page.set_viewport_size({"width": 1400, "height": 1600})
    page.goto(f"{app_url}/routes?city=testville&lang=en")
    walk = page.get_by_text(re.compile(r"^4 stops, "))
    expect(walk).to_be_visible()
    assert wait_for_count(page, ".cm-route-stop", 4) == 4
    map_frame(page).evaluate("window.cmStillHere = true")
    totals = walk.inner_text()
    choose(page, "Travel mode", "car")
    wait_for_url(page, mode="car")
    expect(page.get_by_text(re.compile(r"^4 stops, "))).not_to_have_text(totals)
    add_choice(page, "Stops", "UN-TU-NORTH (北校区) · Universities and colleges")
    expect(page.get_by_text(re.compile(r"^5 stops, "))).to_be_visible()
    assert wait_for_count(page, ".cm-route-stop", 5) == 5
    assert map_frame(page).evaluate("window.cmStillHere === true")
    assert page.console_log.errors == [], page.console_log.failed
