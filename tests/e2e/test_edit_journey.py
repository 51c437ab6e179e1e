"""Correcting the map in a real browser (issue 28): an editor signs in from the sidebar on a phone-sized
page, opens the Edit panel, takes the phone's location (a geolocation set in the browser context),
moves an asset there, and after a reload sees the move in the change log; the store holds the point
with ``coord_accuracy = gps`` and the fix's accuracy in the history."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from culturemap.i18n import tr
from culturemap.store import store_for_pack
from tests.conftest import add_team, write_pack
from tests.e2e.conftest import (
    ARTIFACTS,
    MAP_IFRAME,
    _own_id,
    app_with_team,
    expect_results,
    map_frame,
    new_page,
    pick,
    results_grid,
    running_app,
    search,
    settle,
    sign_in,
    wait_idle,
)
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.e2e

FIX = {"latitude": 36.1120, "longitude": 105.0610, "accuracy": 12}  # where the editor stands, WGS-84


@pytest.fixture(scope="module")
def edit_app(tmp_path_factory):
    """An app of its own (its edits must not reach the other journeys' store) with the team's accounts."""
    root = tmp_path_factory.mktemp("edit-data")
    write_pack(root / "testville")
    (root / "store").mkdir()
    with app_with_team(root, root / "store", "streamlit-e2e-edit.log") as url:
        yield url, root / "testville"


def edit_asset(page, option: str):
    """Open the Edit panel on the asset labelled ``option``; returns the panel."""
    panel = page.get_by_test_id("stExpander").filter(has_text="编辑点位（编辑）")
    panel.locator("summary").click()
    pick(page, panel.get_by_test_id("stSelectbox").filter(has_text="点位").first, option)
    wait_idle(page)
    return panel


def test_an_editor_moves_an_asset_to_the_phones_location_and_finds_it_in_the_change_log(edit_app, browser):
    url, pack = edit_app
    page = new_page(browser, viewport={"width": 390, "height": 844}, geolocation=FIX, permissions=["geolocation"])
    try:
        page.goto(f"{url}/?city=testville")
        page.get_by_role("heading", level=1).wait_for()
        wait_idle(page)
        sign_in(page, "wang", phone=True)
        panel = edit_asset(page, "西塔 · sc-west-pagoda")
        panel.get_by_role("tab", name="位置").click()
        panel.get_by_role("button", name="使用我的位置").click()
        expect(panel.get_by_text("已填入本机定位（WGS-84，精度约 ±12 米）", exact=False)).to_be_visible()
        wait_idle(page)  # the run that filled it in has ended: one form on the page
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "edit-phone-my-location.png"), full_page=True)
        panel.get_by_role("button", name="移动到此坐标").click()
        expect(panel.get_by_text("sc-west-pagoda：已保存第 2 版（移动资产）", exact=False)).to_be_visible()
        row = store_for_pack(pack).read_layer("scenic_spots", meta=True).set_index("id").loc["sc-west-pagoda"]
        assert (row.geometry.x, row.geometry.y) == pytest.approx((FIX["longitude"], FIX["latitude"]), abs=1e-6)
        assert row["coord_accuracy"] == "gps" and row["version"] == 2 and row["updated_by"] == "wang"
        # a reload is a new session (signed out): the change log on the Data page shows the move to anyone
        page.reload()
        page.get_by_role("heading", level=1).wait_for()
        page.goto(f"{url}/data?city=testville")
        page.get_by_role("heading", level=1).wait_for()
        log = page.get_by_test_id("stExpander").filter(has_text="修改记录（1 条）")
        log.locator("summary").click()
        expect(log.get_by_test_id("stDataFrame")).to_be_visible()
        history = store_for_pack(pack).history(id="sc-west-pagoda")
        assert history[["action", "user", "reason"]].values.tolist() == [["move", "wang", "现场手机定位，精度 ±12 米"]]
    finally:
        page.context.close()


def test_an_editor_moves_an_asset_to_a_point_clicked_on_the_map(edit_app, browser):
    url, pack = edit_app
    page = new_page(browser, viewport={"width": 1400, "height": 1100})
    try:
        page.goto(f"{url}/?city=testville")
        page.get_by_role("heading", level=1).wait_for()
        settle(page)
        sign_in(page, "wang")
        panel = edit_asset(page, "东园 · sc-east-park")
        panel.get_by_text("在地图上点选位置").click()
        wait_idle(page)
        settle(page)
        # a bare spot of the map 60 px right of and 50 px above its centre, and where Leaflet puts it
        frame = map_frame(page)
        point = frame.evaluate("(() => { const s = map_div.getSize(); return [s.x / 2 + 60, s.y / 2 - 50]; })()")
        lat, lng, zoom = frame.evaluate(
            f"(() => {{ const p = map_div.containerPointToLatLng([{point[0]}, {point[1]}]);"
            " return [p.lat, p.lng, map_div.getZoom()]; })()"
        )
        page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
        box = page.locator(MAP_IFRAME).first.bounding_box()
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        wait_idle(page)
        panel.get_by_role("tab", name="位置").click()
        expect(panel.get_by_text("已填入地图上点选的位置（WGS-84）。")).to_be_visible()
        panel.get_by_role("button", name="移动到此坐标").click()
        expect(panel.get_by_text("sc-east-park：已保存第 2 版（移动资产）", exact=False)).to_be_visible()
        row = store_for_pack(pack).read_layer("scenic_spots", meta=True).set_index("id").loc["sc-east-park"]
        px_deg = 360 / (256 * 2**zoom)  # a pixel at this zoom (the basemap is WGS-84: no datum shift)
        assert (row.geometry.x, row.geometry.y) == pytest.approx((lng, lat), abs=2 * px_deg)
        assert row["coord_accuracy"] == "map" and row["updated_by"] == "wang"
        page.screenshot(path=str(ARTIFACTS / "edit-map-click.png"))
    finally:
        page.context.close()


def _marker_latlng(frame, asset_id: str):
    """[lat, lng] of the asset's marker on the Leaflet map (its GeoJSON feature's id), else None."""
    return frame.evaluate(
        """(id) => { let found = null; map_div.eachLayer((l) => {
               if (l.feature && l.feature.properties && l.feature.properties.id === id && l.getLatLng) {
                   const p = l.getLatLng(); found = [p.lat, p.lng]; } });
           return found; }""",
        asset_id,
    )


def test_an_editor_drags_an_assets_handle_and_finds_it_moved_after_a_reload_and_in_its_history(edit_app, browser):
    url, pack = edit_app
    version = int(store_for_pack(pack).read_layer("museums", meta=True).set_index("id").loc["mu-city", "version"])
    page = new_page(browser, viewport={"width": 1400, "height": 1100})
    try:
        page.goto(f"{url}/?city=testville")
        page.get_by_role("heading", level=1).wait_for()
        settle(page)
        sign_in(page, "wang")
        panel = page.get_by_test_id("stExpander").filter(has_text="编辑点位（编辑）")
        panel.locator("summary").click()
        pick(page, panel.get_by_test_id("stSelectbox").filter(has_text="图层").first, "博物馆")
        wait_idle(page)
        pick(page, panel.get_by_test_id("stSelectbox").filter(has_text="点位").first, "市博物馆 · mu-city")
        wait_idle(page)
        settle(page)
        frame = map_frame(page)
        handle = frame.get_by_title("拖动以移动：市博物馆")
        expect(handle).to_be_visible()
        page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
        box = handle.bounding_box()
        start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # where the handle's centre lands: 90 px right of and 40 px below where it stands, as Leaflet puts it
        lat, lng, zoom = frame.evaluate(
            """(id) => { let at = null; map_div.eachLayer((l) => { if (l.options && l.options.draggable) {
                   at = map_div.latLngToContainerPoint(l.getLatLng()); } });
               const p = map_div.containerPointToLatLng([at.x + 90, at.y + 40]);
               return [p.lat, p.lng, map_div.getZoom()]; }""",
            "mu-city",
        )
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(start[0] + 45, start[1] + 20, steps=5)
        page.mouse.move(start[0] + 90, start[1] + 40, steps=5)
        page.mouse.up()
        wait_idle(page)
        panel.get_by_role("tab", name="位置").click()
        expect(panel.get_by_text("已填入拖动后的位置（WGS-84），距原位置", exact=False)).to_be_visible()
        settle(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "edit-drag-handle.png"))
        panel.get_by_role("button", name="移动到此坐标").click()
        expect(panel.get_by_text(f"mu-city：已保存第 {version + 1} 版（移动资产）", exact=False)).to_be_visible()
        row = store_for_pack(pack).read_layer("museums", meta=True).set_index("id").loc["mu-city"]
        px_deg = 360 / (256 * 2**zoom)  # a pixel at this zoom (the basemap is WGS-84: no datum shift)
        assert (row.geometry.x, row.geometry.y) == pytest.approx((lng, lat), abs=2 * px_deg)
        assert row["coord_accuracy"] == "map" and row["updated_by"] == "wang" and row["version"] == version + 1
        # a reload is a new session (signed out): the asset's marker stands where it was dropped
        page.reload()
        page.get_by_role("heading", level=1).wait_for()
        settle(page)
        frame = map_frame(page)  # its markers drawn
        assert _marker_latlng(frame, "mu-city") == pytest.approx([row.geometry.y, row.geometry.x], abs=1e-6)
        expect(frame.get_by_title("拖动以移动：市博物馆")).to_have_count(0)  # a viewer gets no handle
        history = store_for_pack(pack).history(id="mu-city")
        assert history[["action", "user"]].values.tolist()[-1] == ["move", "wang"]
        page.goto(f"{url}/data?city=testville")
        page.get_by_role("heading", level=1).wait_for()
        log = page.get_by_test_id("stExpander").filter(has_text="修改记录（")
        log.locator("summary").click()
        expect(log.get_by_test_id("stDataFrame")).to_be_visible()
    finally:
        page.context.close()


@pytest.mark.db
def test_an_edit_saved_on_one_app_server_shows_on_another_at_its_next_interaction(browser, postgis_url, tmp_path):
    """Two app servers on one PostGIS: an editor renames an asset in the first; the page already open on the
    second shows the new name once its user does anything (here: a search), with no restart."""
    write_pack(tmp_path / "twoville", city_toml=_own_id("twoville"))
    env = {**os.environ, "CULTUREMAP_DATA": str(tmp_path), "CULTUREMAP_DB_URL": postgis_url}
    saved = os.environ.get("CULTUREMAP_DB_URL")
    os.environ["CULTUREMAP_DB_URL"] = postgis_url  # the accounts table of that database
    try:
        from culturemap.store.accounts import _postgis_engine, accounts, failed_logins

        with _postgis_engine(postgis_url).begin() as conn:  # the session's database: its own accounts only
            conn.execute(accounts.delete())
            conn.execute(failed_logins.delete())
        add_team()
        store_for_pack(tmp_path / "twoville").reset()
        with (
            running_app(env, "streamlit-e2e-two-a.log") as first,
            running_app(env, "streamlit-e2e-two-b.log") as second,
        ):
            reader = new_page(browser, viewport={"width": 1400, "height": 1000})
            editor = new_page(browser, viewport={"width": 1400, "height": 1000})
            try:
                reader.goto(f"{second}/?city=twoville&lang=en")
                # both servers seed and warm the city in the one database as they start: the first page may wait
                reader.get_by_role("heading", level=1).wait_for(timeout=240_000)
                expect_results(reader, 6, "en")
                editor.goto(f"{first}/?city=twoville")
                editor.get_by_role("heading", level=1).wait_for()
                settle(editor)
                sign_in(editor, "wang")
                panel = edit_asset(editor, "西塔 · sc-west-pagoda")
                english = panel.get_by_label("英文名称")
                expect(english).to_have_value("SC-WEST-PAGODA")  # the form of the asset just chosen, not the one before
                english.fill("Renamed Pagoda")
                expect(english).to_have_value("Renamed Pagoda")
                panel.get_by_role("button", name="保存字段").click()
                expect(panel.get_by_text("sc-west-pagoda：已保存第 2 版", exact=False)).to_be_visible()
                search(reader, "pagoda")  # the next interaction on the other server
                expect_results(reader, 1, "en")
                expect(results_grid(reader)).to_contain_text("Renamed Pagoda")
            finally:
                reader.context.close()
                editor.context.close()
    finally:
        if saved is None:
            os.environ.pop("CULTUREMAP_DB_URL", None)
        else:
            os.environ["CULTUREMAP_DB_URL"] = saved


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_edit_panel_and_the_editors_map_pass_axe(edit_app, browser, lang):
    """WCAG 2.1 AA for a signed-in editor: the sidebar's account box, the open Edit panel with an asset chosen
    (its forms, tabs and review list) and the map frame with the asset's drag handle."""
    url, _ = edit_app
    page = new_page(browser, viewport={"width": 1400, "height": 1100})
    try:
        page.goto(f"{url}/?city=testville&lang={lang}")
        page.get_by_role("heading", level=1).wait_for()
        settle(page)
        sign_in(page, "wang", lang)
        panel = page.get_by_test_id("stExpander").filter(has_text=tr("edit_panel", lang, role=tr("role_editor", lang)))
        panel.locator("summary").click()
        pick(page, panel.get_by_test_id("stSelectbox").filter(has_text=tr("edit_asset", lang)).first,
             "东园 · sc-east-park")  # fmt: skip
        wait_idle(page)
        settle(page)
        expect(map_frame(page).locator(".cm-drag-handle")).to_have_count(1)
        assert_accessible(page, True, f"edit-panel-{lang}")
    finally:
        page.context.close()
