"""The Routes page, run headless with Streamlit's AppTest (no browser)."""

import tempfile
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.i18n import tr
from culturemap.ui.text import plain
from tests.conftest import write_pack
from tests.ui.test_app import APP, map_sent, widget

ROUTES = "src/culturemap/ui/pages/routes.py"
STOPS = ["sc-west-pagoda", "hu-old-bridge", "sc-east-park"]


def write_routes(pack: Path, stops: list[str], source: str = "test") -> None:
    (pack / "routes.toml").write_text(
        f'[[route]]\nid = "r1"\ntitle_zh = "古桥线"\ntitle_en = "Bridge line"\nsource = "{source}"\n'
        f"stops = {stops!r}\n".replace("'", '"'),
        encoding="utf-8",
    )


@pytest.fixture
def routed_root(tmp_path, monkeypatch):
    write_routes(write_pack(tmp_path / "testville"), STOPS)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


def routes(params: dict | None = None) -> AppTest:
    """The app opened on the Routes page (with ``params`` in the URL)."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.switch_page(ROUTES).run()


def itinerary(at: AppTest):
    return at.dataframe[-1].value  # the stop editor comes first


def edit_table(at: AppTest, edited_rows: dict) -> AppTest:
    """Edit the stop table the way the browser does (cell edits by row position) and rerun."""
    at.session_state[at.data_editor[0].key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_routes_page_plans_the_theme_and_follows_the_mode(routed_root):
    at = routes()
    assert not at.exception
    assert at.title[0].value == "测试市主题线路设计"
    assert widget(at, "multiselect", "route_stops").value == STOPS
    walk = at.subheader[0].value
    assert walk.startswith("共 3 站") and "估算" in walk
    table = itinerary(at)
    assert table["顺序"].tolist() == [1, 2, 3] and table.iloc[0]["名称"] == "西塔"
    widget(at, "selectbox", "route_mode").set_value("car").run()
    assert at.subheader[0].value != walk  # the same stops, other times
    assert [b.label for b in at.get("download_button")][:1] == ["下载 GPX"]


def test_routes_page_from_scratch_with_candidates_by_theme(routed_root):
    at = routes()
    widget(at, "selectbox", "route_theme").set_value("__scratch__").run()
    assert at.info[0].value == "请至少选择 2 个站点。"
    widget(at, "selectbox", "route_tag").set_value("heritage").run()
    # the only asset tagged heritage in the test pack is the west pagoda: still one stop
    assert widget(at, "multiselect", "route_stops").value == ["sc-west-pagoda"]


def test_routes_page_start_end_and_the_stop_table(routed_root):
    at = routes()
    # start at an asset that is not a stop (passed through) and come back to it
    widget(at, "selectbox", "route_origin").set_value("un-tu-north")
    widget(at, "selectbox", "route_destination").set_value("__round__").run()
    assert not at.exception
    table = itinerary(at)
    assert table["名称"].tolist()[0] == "测试大学（北校区）" and len(table) == 4  # the start with its campus
    assert table["停留（分钟）"].iloc[0] == 0 and table["到达"].iloc[0] == "09:00"
    round_km = float(at.subheader[0].value.split("，")[1].split(" ")[0])
    assert round_km > table["本段（公里）"].sum()  # the way back is counted
    # the stop table: a longer visit at the bridge, new hours for the park, then untick the pagoda
    rows = at.data_editor[0].value["name"].tolist()
    edit_table(at, {rows.index("古桥"): {"dwell_min": 120}, rows.index("东园"): {"opening_hours": "Mo-Su 15:00-18:00"}})
    assert not at.exception
    table = itinerary(at).set_index("名称")
    assert table.loc["古桥", "停留（分钟）"] == 120
    assert table.loc["东园", "到达"] <= "15:00" <= table.loc["东园", "离开"]  # waited for the new opening time
    edit_table(at, {at.data_editor[0].value["name"].tolist().index("西塔"): {"keep": False}})
    assert widget(at, "multiselect", "route_stops").value == STOPS[1:]
    assert "西塔" not in itinerary(at)["名称"].tolist()


def test_routes_page_uses_the_packs_road_network(routed_root):
    from tests.routing.test_network import grid_osm_pbf

    grid_osm_pbf(routed_root / "testville" / "network.osm.pbf")
    at = routes()
    assert not at.exception
    assert "路网" in at.subheader[0].value and "估算" not in at.subheader[0].value
    captions = [c.value for c in at.sidebar.caption]
    assert plain("路网 network.osm.pbf：21 个节点，72 条路段") in captions  # file names escaped for Markdown


@pytest.fixture
def detour_root(tmp_path, monkeypatch):
    """The theme lists the park before the bridge; the bridge lies between the pagoda and the park."""
    write_routes(write_pack(tmp_path / "testville"), ["sc-west-pagoda", "sc-east-park", "hu-old-bridge"])
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


def test_stop_table_follows_the_visit_order_and_edits_stay_with_their_stop(detour_root):
    at = routes()
    assert itinerary(at)["名称"].tolist() == ["西塔", "古桥", "东园"]  # the planned order, not the theme's
    assert at.data_editor[0].value["name"].tolist() == ["西塔", "古桥", "东园"]
    edit_table(at, {1: {"dwell_min": 120}})  # row 2 as shown: the bridge
    table = itinerary(at).set_index("名称")
    assert (table.loc["古桥", "停留（分钟）"], table.loc["东园", "停留（分钟）"]) == (120, 90)
    # the museum joins and comes second: the rows move, the bridge keeps its 120 min
    stops = widget(at, "multiselect", "route_stops")
    stops.set_value([*stops.value, "mu-city"]).run()
    order = itinerary(at)["名称"].tolist()
    assert order == ["西塔", "市博物馆", "古桥", "东园"] and at.data_editor[0].value["name"].tolist() == order
    assert at.data_editor[0].value["dwell_min"].tolist() == [90, 75, 120, 90]
    assert itinerary(at).set_index("名称").loc["古桥", "停留（分钟）"] == 120


@pytest.mark.parametrize("typed", [None, 0], ids=["cleared", "no-number"])
def test_a_cleared_or_unreadable_visit_time_keeps_the_previous_time(routed_root, typed):
    """The grid commits None for a cleared cell and 0 for a cell typed into with no number."""
    at = routes()
    edit_table(at, {1: {"dwell_min": 120}})
    edit_table(at, {1: {"dwell_min": typed}})
    assert not at.exception
    assert at.data_editor[0].value["dwell_min"].tolist() == [90, 120, 90]  # shown as kept
    assert itinerary(at).set_index("名称").loc["古桥", "停留（分钟）"] == 120
    assert [t.value for t in at.toast] == ["古桥：停留时间为空或为 0，已保留原来的时间（不去某站请取消勾选）"]


def test_the_route_is_in_the_url_and_comes_back_from_it(routed_root):
    params = {"route": "r1", "stops": "hu-old-bridge,sc-east-park", "mode": "car", "start": "10:30",
              "date": "2026-11-24", "from": "un-tu-north", "round": "1", "day_end": "18:00", "days": "2"}  # fmt: skip
    at = routes({"city": "testville", **params})
    assert not at.exception and not at.toast
    assert widget(at, "multiselect", "route_stops").value == ["hu-old-bridge", "sc-east-park"]
    assert widget(at, "selectbox", "route_mode").value == "car"
    assert widget(at, "selectbox", "route_origin").value == "un-tu-north"
    assert widget(at, "selectbox", "route_destination").value == "__round__"
    assert widget(at, "selectbox", "route_days").value == 2
    assert next(w for w in at.sidebar.date_input if w.key == "route_date").value == date(2026, 11, 24)
    table = itinerary(at)
    assert table["名称"].tolist()[0] == "测试大学（北校区）" and table["到达"].iloc[0] == "10:30"
    assert {k: at.query_params[k] for k in params} == params  # written back as read
    assert at.query_params["city"] == "testville"  # a parameter of the app's stays
    widget(at, "selectbox", "route_mode").set_value("bike").run()
    assert at.query_params["mode"] == "bike"
    widget(at, "selectbox", "route_destination").set_value("__free__").run()
    assert "round" not in at.query_params


def test_a_point_chosen_on_the_map_goes_into_the_url(routed_root):
    from tests.conftest import utm_to_lonlat

    lon, lat = utm_to_lonlat(508_000, 3_990_000)
    at = routes({"from": f"{lon:.6f},{lat:.6f}"})
    assert widget(at, "selectbox", "route_origin").value == "__map__"
    assert itinerary(at)["名称"].iloc[0] == "起点（自选位置）"
    assert at.query_params["from"] == f"{lon:.6f},{lat:.6f}"


def test_bad_route_url_values_are_dropped_with_a_notice(routed_root):
    at = routes({"lang": "en", "mode": "boat", "start": "25:00", "stops": "sc-west-pagoda,nope,mu-city",
                 "date": "2026-02-30", "days": "x", "from": "0,0"})  # fmt: skip
    assert not at.exception
    assert sorted(t.value for t in at.toast) == sorted(
        f"Link parameter {plain(item)} is not valid and was ignored"
        for item in ("mode=boat", "start=25:00", "stops=nope", "date=2026-02-30", "days=x", "from=0,0")
    )
    assert widget(at, "multiselect", "route_stops").value == ["sc-west-pagoda", "mu-city"]
    assert widget(at, "selectbox", "route_mode").value == "walk"
    assert not {"mode", "start", "date", "days", "from"} & set(at.query_params)
    assert at.query_params["stops"] == "sc-west-pagoda,mu-city"


def test_days_on_the_page_and_a_day_limit_error_in_the_ui_language(routed_root):
    # walking: the pagoda 09:00-10:30, the bridge 12:33-13:18; the park would end at 15:42
    at = routes({"day_end": "14:00", "date": "2026-11-24"})
    assert not at.exception
    assert at.subheader[0].value.endswith(" · 共 2 天")
    assert [c.value.split("：")[0] for c in at.caption if c.value.startswith("第")] == [
        "第 1 天（2026-11-24）",
        "第 2 天（2026-11-25）",
    ]
    assert itinerary(at)["第几天"].tolist() == [1, 1, 2]
    widget(at, "selectbox", "route_days").set_value(1).run()
    assert not at.exception and not at.error
    # the stops that fit are planned, the one left out listed with why (issue 24)
    assert len(itinerary(at)) == 2 and map_sent(at)
    left = [w.value for w in at.warning if "未安排" in w.value]
    assert len(left) == 1 and left[0].startswith(
        plain("1 天内（每天 09:00–14:00）只能安排 3 个站点中的 2 个；以下 1 个未安排：")
    )
    assert "全部站点需要 2 天" in left[0]
    widget(at, "radio", "lang").set_value("en").run()
    left = [w.value for w in at.warning if "left out" in w.value]
    assert len(left) == 1 and left[0].startswith(
        plain("Only 2 of 3 stops fit in 1 day(s) (09:00-14:00 each); 1 left out:")
    )


def test_the_source_is_labelled_in_the_ui_language_and_a_url_shown_short(tmp_path, monkeypatch):
    write_routes(write_pack(tmp_path / "testville"), STOPS, "https://example.org/guides/2024/old-city-walks.html")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    at = routes()
    link = "[example.org/…/old-city-walks.html](https://example.org/guides/2024/old-city-walks.html)"
    assert at.caption[0].value == f"（建议线路，非官方） · 来源：{link}"
    widget(at, "radio", "lang").set_value("en").run()
    assert at.caption[0].value == f"(suggested, not an official route) · Source: {link}"


@pytest.fixture
def own_tmp(tmp_path, monkeypatch) -> Path:
    """A fresh temporary folder for everything the app writes there."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_an_uploaded_network_is_used_and_nothing_of_it_stays_on_disk(routed_root, own_tmp):
    from tests.routing.test_network import grid_graph

    data = grid_graph(routed_root / "g.graphml").read_bytes()
    at = routes()
    at.sidebar.get("file_uploader")[0].set_value(("g.graphml", data, "application/xml")).run()
    assert not at.exception
    assert plain("路网 g.graphml：25 个节点，80 条路段") in [c.value for c in at.sidebar.caption]
    assert "估算" not in at.subheader[0].value
    assert list(own_tmp.rglob("*")) == []


def test_an_upload_over_the_size_limit_is_refused_in_the_ui_language(routed_root, own_tmp, monkeypatch):
    from culturemap.ui import route_network
    from tests.routing.test_network import grid_graph

    monkeypatch.setattr(route_network, "NETWORK_UPLOAD_LIMIT_MB", 1)
    data = grid_graph(routed_root / "g.graphml").read_bytes() + b" " * 2 * 2**20  # a valid file of 2 MB
    at = routes({"lang": "en"})
    at.sidebar.get("file_uploader")[0].set_value(("g.graphml", data, "application/xml")).run()
    assert not at.exception
    assert at.sidebar.error[0].value == plain("g.graphml is 2 MB, over the 1 MB limit")
    assert "estimated" in at.subheader[0].value  # planned without the network
    assert list(own_tmp.rglob("*")) == []


@pytest.mark.parametrize(
    ("lang", "line", "cell"),
    [
        ("zh", "东园（sc-east-park）：当天不开放", "当天不开放"),
        ("en", "SC-EAST-PARK (sc-east-park): closed that day", "closed that day"),
    ],
)
def test_stop_warnings_are_in_the_page_language(routed_root, lang, line, cell):
    """Defect 12: the plan's warnings (closed that day, ...) were English on the Chinese page."""
    at = routes({"lang": lang})
    edit_table(at, {2: {"opening_hours": "Mo-Su off"}})
    assert not at.exception
    # the park's line (the walk's 9.2 km leg to the bridge has its own warning, issue 24)
    assert [w.value for w in at.warning if plain("sc-east-park") in w.value] == [plain(line)]
    column = "提示" if lang == "zh" else "Warning"
    assert itinerary(at)[column].tolist().count(cell) == 1


def test_a_visit_time_edit_replans_in_the_same_map_and_keeps_the_stops_and_the_link(routed_root):
    at = routes({"mode": "car", "date": "2026-11-24"})
    link, drawn = dict(at.query_params), map_sent(at)
    bridge = itinerary(at).set_index("名称").loc["古桥"]
    assert bridge["停留（分钟）"] == 45  # a heritage unit's default visit
    edit_table(at, {1: {"dwell_min": 120}})  # row 2: the bridge
    assert not at.exception
    table = itinerary(at).set_index("名称")
    assert table.loc["古桥", "停留（分钟）"] == 120 and table.loc["古桥", "到达"] == bridge["到达"]
    hours, minutes = map(int, bridge["离开"].split(":"))
    assert table.loc["古桥", "离开"] == f"{hours + (minutes + 75) // 60:02d}:{(minutes + 75) % 60:02d}"
    assert widget(at, "multiselect", "route_stops").value == STOPS
    assert dict(at.query_params) == link
    redrawn = map_sent(at)
    assert redrawn["key"] == drawn["key"]  # the same map stays on screen: only its route layer is new
    times = f"{bridge['到达']}\\u2013{table.loc['古桥', '离开']}"  # the bridge's tooltip, as the layer's JSON has it
    assert times in redrawn["feature_group"] and times not in drawn["feature_group"]
    planned = itinerary(at)
    at.session_state["basemap"] = "amap"  # chosen on the Map page: another basemap in the same map
    at.run()
    amap = map_sent(at)
    assert amap["key"] == drawn["key"] and "autonavi.com" in amap["feature_group"]
    assert "autonavi.com" not in redrawn["feature_group"] and itinerary(at).equals(planned)
    widget(at, "radio", "lang").set_value("en").run()  # the language too: the same map, English layers
    english = map_sent(at)
    notes = [tr(key, "en") for key in ("route_estimated", "route_network")]  # the legend, now in English
    assert english["key"] == drawn["key"] and sum(n in english["feature_group"] for n in notes) == 1
    assert not any(n in amap["feature_group"] for n in notes)


def test_downloads_are_written_when_clicked_and_do_not_rerun_the_page(routed_root):
    at = routes({"lang": "en"})
    buttons = at.get("download_button")
    # the route report is built in the page's Report panel, on its own click (tests/ui/test_report_panel.py)
    assert [b.proto.label for b in buttons] == ["Download GPX", "Download KML", "Download GEOJSON", "Download CSV"]
    assert all(b.proto.ignore_rerun for b in buttons)  # a click downloads, the page does not rerun
    assert all(b.proto.url == "" and b.proto.deferred_file_id for b in buttons)  # written on click, not per edit
    link, table, drawn = dict(at.query_params), itinerary(at), map_sent(at)
    buttons[0].click().run()
    assert not at.exception
    assert dict(at.query_params) == link and itinerary(at).equals(table) and map_sent(at) == drawn


def test_a_click_on_the_stop_just_added_from_the_map_removes_it(routed_root):
    """The map stays mounted, so a second click on the same spot (the new stop's marker sits where
    the candidate was) is told apart from the first by the map's click count."""
    from culturemap.catalog import load_city

    assets = load_city(routed_root / "testville").assets()
    point = assets.loc[assets["id"] == "mu-city"].geometry.representative_point().iloc[0]
    spot = {"lat": point.y, "lng": point.x}
    at = routes()
    key = map_sent(at)["key"]
    at.session_state[key] = {"last_object_clicked": spot, "last_object_clicked_count": 1, "last_clicked": spot}
    at.run()
    assert widget(at, "multiselect", "route_stops").value == [*STOPS, "mu-city"]
    assert [t.value for t in at.toast] == ["已加入：市博物馆"]
    assert map_sent(at)["key"] == key and len(itinerary(at)) == 4
    at.run()  # the map reports the same click again: nothing changes
    assert widget(at, "multiselect", "route_stops").value == [*STOPS, "mu-city"]
    at.session_state[key] = {"last_object_clicked": spot, "last_object_clicked_count": 2, "last_clicked": spot}
    at.run()
    assert widget(at, "multiselect", "route_stops").value == STOPS
    assert [t.value for t in at.toast] == ["已移除：市博物馆"]


@pytest.mark.e2e  # Chromium draws the snapshot
def test_the_export_panel_photographs_the_route_map(routed_root, served):
    import io

    import numpy as np
    from PIL import Image

    from culturemap.render.route import ROUTE_DAY_COLOURS

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["basemap"] = "offline"
    at.session_state["route_export_open"] = True
    at.switch_page(ROUTES).run()
    assert [e.label for e in at.expander if e.label == "导出"] == ["导出"]
    next(w for w in at.selectbox if w.key == "route_export_view_size").set_value((1280, 800)).run()
    next(w for w in at.button if w.key == "route_export_prepare").click().run()
    assert not at.exception and not at.error and not at.info
    (button,) = [b for b in at.get("download_button") if b.key == "route_export_download"]
    assert button.proto.label.startswith(f"下载 testville-route-view-r1-{date.today().isoformat()}.png")
    image = np.asarray(Image.open(io.BytesIO(served(button))).convert("RGB")).astype(int)
    assert image.shape[1:] == (1280, 3) and 800 + 60 < image.shape[0] < 800 + 400  # the map and the figure's bands
    orange = np.array([int(ROUTE_DAY_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5)])
    # the route's path and its three numbered stops are drawn in the first day's colour
    assert (np.abs(image - orange).max(axis=2) <= 10).sum() > 1000
    widget(at, "selectbox", "route_mode").set_value("car").run()
    assert not [b for b in at.get("download_button") if b.key == "route_export_download"]  # another plan


def test_the_server_start_draws_the_first_view_of_the_page(monkeypatch):
    """Issue 11: ``warm_up`` (run by ``culturemap serve`` at start) leaves a first visitor of the Routes page
    in the pack's language no base map and no candidates layer to draw."""
    import streamlit as st

    from culturemap.ui import routes_page
    from culturemap.ui.app import warm_up

    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    calls = []
    for name in ("route_base_map", "basemap_layer", "candidates_layer"):
        real = getattr(routes_page, name)
        monkeypatch.setattr(
            routes_page, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )
    assert "lanzhou" in warm_up()
    assert sorted(set(calls)) == ["basemap_layer", "candidates_layer", "route_base_map"]
    calls.clear()
    at = routes()
    assert not at.exception and "feature_group" in map_sent(at)
    assert calls == []  # the base map, its basemap and the first theme's candidates came from the caches
