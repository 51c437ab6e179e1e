"""The Routes page's title box (issue 24, defect 6): a title in the link fills it, a typed title goes into
the link as ``title=``, and an empty box falls back to the default title (shown as its placeholder)."""

from tests.ui.test_routes_page import STOPS, routed_root, routes  # noqa: F401 - a fixture


def title_box(at):
    (box,) = [t for t in at.text_input if t.key == "route_title"]
    return box


def test_the_title_box_and_the_link_follow_each_other(routed_root):  # noqa: F811
    at = routes({"lang": "en", "title": "  Freshers   walk "})
    assert not at.exception
    assert title_box(at).value == "Freshers walk" and at.query_params["title"] == "Freshers walk"
    assert title_box(at).placeholder == "Bridge line"  # the theme's title, used when the box is empty
    title_box(at).set_value("新生 / 第一课").run()
    assert at.query_params["title"] == "新生 / 第一课" and at.query_params["route"] == "r1"
    title_box(at).set_value("  ").run()
    assert "title" not in at.query_params and not at.exception


def test_a_scratch_route_offers_its_start_and_days_as_the_title(routed_root):  # noqa: F811
    at = routes({"lang": "zh", "route": "scratch", "stops": ",".join(STOPS[1:]), "from": STOPS[0]})
    assert not at.exception
    assert title_box(at).placeholder.endswith(" 出发 · 1 天") and title_box(at).value == ""
    assert "title" not in at.query_params
