"""The standalone HTML export opened from disk in Chromium with the network blocked: every marker of
the selection, no console error, a ``<script>`` in a name shown as text and never run."""

import pytest
from playwright.sync_api import expect

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import load_city
from culturemap.export.html import write_html
from tests.conftest import LANZHOU, default_layers, write_pack
from tests.e2e.conftest import ConsoleLog, new_page

pytestmark = pytest.mark.e2e
SCRIPT_NAME = "<script>window.__xss=1</script>西塔"


def open_offline(browser, path):
    """``path`` in a new page whose every request off the disk fails, with its console recorded."""
    page = new_page(browser, viewport={"width": 1200, "height": 900})
    log = ConsoleLog()
    page.on("console", log.console)
    page.on("pageerror", log.page_error)
    blocked = []

    def block(route):
        blocked.append(route.request.url)
        route.abort()

    page.route("http*://**/*", block)
    page.goto(path.as_uri())
    return page, log, blocked


def test_html_shows_the_selection_offline_and_escapes_names(browser, tmp_path):
    layers = default_layers()
    layers["scenic_spots"][0]["properties"]["name_zh"] = SCRIPT_NAME
    city = load_city(write_pack(tmp_path / "testville", layers))
    assets = select_assets(city.assets(), AssetQuery(layers=("scenic_spots", "museums", "universities")))
    path = write_html(city, assets, "zh", "测试 <script>", tmp_path / "map.html")
    page, log, blocked = open_offline(browser, path)
    try:
        expect(page.locator(".cm-marker")).to_have_count(5)
        expect(page.locator(".cm-marker.cm-scenic_spots")).to_have_count(2)
        expect(page.locator(".leaflet-container.cm-offline")).to_have_count(1)  # tiles unreachable: the pack's basemap
        expect(page).to_have_title("测试 <script>")
        page.locator(".cm-marker.cm-scenic_spots").first.click()
        card = page.locator(".leaflet-popup-content .cm-card")
        expect(card).to_contain_text(SCRIPT_NAME)  # the name shown as text
        assert page.evaluate("window.__xss") is None
        expect(page.locator(".cm-legend")).to_contain_text("A级旅游景区 (2)")
        assert all(not url.startswith("file:") for url in blocked)
        assert log.errors == [], log.errors
    finally:
        page.context.close()


def test_lanzhou_html_has_every_asset(browser, tmp_path):
    city = load_city(LANZHOU)
    path = write_html(city, city.assets(), "en", "Lanzhou", tmp_path / "lanzhou.html")
    page, log, _blocked = open_offline(browser, path)
    try:
        expect(page.locator(".cm-marker")).to_have_count(len(city.assets()))
        expect(page.locator(".cm-district-label").first).to_be_visible()
        assert log.errors == [], log.errors
    finally:
        page.context.close()
