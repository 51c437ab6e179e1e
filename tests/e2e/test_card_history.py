"""A fact card's history in Chromium on a 390 px phone (issue 28): folded at first; opened, the popup is
placed again inside the map (never taller than it: its content scrolls) with the history in sight."""

import pytest
from playwright.sync_api import expect

from culturemap.export.html import map_page
from culturemap.render.card_history import histories_by_asset
from culturemap.render.folium_map import MapOptions, build_map
from culturemap.store import store_for_pack
from culturemap.store.roles import Actor
from tests.e2e.conftest import new_page

pytestmark = pytest.mark.e2e
PAGODA = ("scenic_spots", "sc-west-pagoda")


def test_an_opened_history_stays_inside_the_map_on_a_phone(browser, pack, tmp_path, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))  # a store of this test's own
    (tmp_path / "store").mkdir()
    store = store_for_pack(pack)
    wang = Actor("wang", "editor")
    store.update_asset(*PAGODA, {"address": "No. 12 Binhe Road, Chengguan District"}, 1, wang)
    store.move_asset(*PAGODA, 105.06, 36.11, "map", 2, wang, "on site")
    for version, opening in enumerate(("08:00-18:00", "09:00-17:00", "09:30-16:30", "10:00-16:00"), start=3):
        store.update_asset(*PAGODA, {"opening_hours": opening}, version, wang)
    city = store.load_city()
    options = MapOptions(lang="en", cluster=False, controls=False)
    fmap = build_map(city, city.assets(), options, histories_by_asset(store.history())).map
    path = tmp_path / "map.html"
    path.write_text(map_page(fmap), encoding="utf-8")
    page = new_page(browser, viewport={"width": 390, "height": 844})
    try:
        page.goto(path.as_uri())
        page.get_by_role("button", name="SC-WEST-PAGODA, A-class scenic spots").click()
        history = page.locator(".leaflet-popup .cm-history")
        expect(history.locator("summary")).to_have_text("History (6 changes)")
        expect(history.locator("li")).to_have_count(5)
        expect(history.locator("li").first).not_to_be_visible()  # folded
        history.locator("summary").click()
        expect(history.locator("li").first).to_contain_text("Opening hours: 09:30-16:30 → 10:00-16:00")
        expect(history.locator("li").first).to_be_in_viewport()
        popup = page.locator(".leaflet-popup").bounding_box()
        map_box = page.locator(".leaflet-container").bounding_box()
        assert popup["y"] >= map_box["y"] and popup["y"] + popup["height"] <= map_box["y"] + map_box["height"]
        assert popup["width"] <= 0.6 * map_box["width"]
    finally:
        page.context.close()
