"""The stop table takes a visit time typed into a cell (issue 24, defect 5), run headless with AppTest.

The browser half (keys typed quickly after one click, kept by the type-ahead script) is in
tests/e2e/test_route_stop_table.py; here: the page sends that script for its stop table, and a typed
60 arrives as an edit of the row's ``dwell_min`` and becomes the stop's visit time.
"""

from tests.ui.test_routes_page import edit_table, itinerary, routed_root, routes  # noqa: F401 (fixture)


def test_a_typed_visit_time_is_the_stops_and_the_page_keeps_quick_keys(routed_root):  # noqa: F811
    at = routes()
    scripts = [e.proto.body for e in at.get("html") if "<script>" in e.proto.body]  # (the page's styles aside)
    assert len(scripts) == 1 and '"route_editor_"' in scripts[0] and "gdg-input" in scripts[0]
    assert at.data_editor[0].key.startswith("route_editor_")
    assert itinerary(at).set_index("名称").loc["西塔", "停留（分钟）"] == 90
    edit_table(at, {0: {"dwell_min": 60}})
    assert not at.exception and not at.toast
    assert itinerary(at).set_index("名称").loc["西塔", "停留（分钟）"] == 60
    assert at.data_editor[0].value["dwell_min"].tolist()[0] == 60
