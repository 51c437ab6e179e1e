"""The university lens and the Compare page in a real browser: the rings drawn round the campus, the
route handed to the Routes page, the comparison figure and its downloads."""

import pytest
from playwright.sync_api import expect

from culturemap.analysis.lens import campus_reach
from culturemap.catalog import load_city
from culturemap.render.campus import RING_COLOURS
from tests.e2e.conftest import wait_for_count, wait_for_url

pytestmark = pytest.mark.e2e


def test_the_campus_map_draws_three_rings_and_hands_the_route_over(page, app_url, data_root):
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.goto(f"{app_url}/lens?city=testville&campus=un-tu-south")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试市：高校视角")
    for colour in RING_COLOURS:
        assert wait_for_count(page, f'path[stroke="{colour}"]', 1) == 1
    reach = campus_reach(load_city(data_root / "testville"), "un-tu-south")
    assert wait_for_count(page, ".cm-marker", len(reach) + 1) == len(reach) + 1  # and the campus itself
    page.get_by_role("button", name="把“校园文化线路”交给线路设计").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("测试市主题线路设计")
    params = wait_for_url(page, **{"from": "un-tu-south", "route": "scratch"})
    assert params["stops"].split(",") == reach["id"].head(5).tolist()
    assert wait_for_count(page, ".cm-route-stop", len(reach.head(5)) + 1) == len(reach.head(5)) + 1
    assert page.console_log.errors == [], page.console_log.failed


def test_the_compare_page_shows_the_figure_and_downloads_it(page, app_url):
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.goto(f"{app_url}/compare?city=testville&compare=testville,otherville&lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare cities")
    expect(page.locator('[data-testid="stImage"] img')).to_be_visible()
    expect(page.get_by_role("heading", name="Otherville")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the comparison (PDF)").click()
    assert download.value.suggested_filename == "compare-testville-otherville.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.console_log.errors == [], page.console_log.failed
