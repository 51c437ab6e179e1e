"""The route's start stays the campus handed over by the university lens (issue 24, defect 1).

Lanzhou University has three campuses (城关, 医学, 榆中) of one name. Their start-box options all
read "兰州大学 · 高等院校"; the browser sends a choice back as its label and Streamlit maps it to
the first option with it, so the next click turned ``from=un-lzu-chengguan`` into
``from=un-lzu-yuzhong`` (~40 km away) and the 11 km bike route into a 51 km walk.
"""

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from tests.ui.test_app import APP, widget

LENS = "src/culturemap/ui/pages/lens.py"
ROUTES = "src/culturemap/ui/pages/routes.py"
CHENGGUAN = "un-lzu-chengguan"


def start(at: AppTest) -> tuple[str, str, str]:
    """The start box's value, its label as shown and the URL's ``from``."""
    box = widget(at, "selectbox", "route_origin")
    return box.value, box.format_func(box.value), at.query_params["from"]


def test_the_start_keeps_its_campus_through_mode_candidates_and_language(monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DATA", str(REPO / "geodata"))
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["city"], at.query_params["campus"] = "lanzhou", CHENGGUAN
    at.switch_page(LENS).run()
    at.button(key="lens_route").click().run()
    assert not at.exception
    at.switch_page(ROUTES)  # AppTest reruns the page it opened: stay on the one handed to
    handed = start(at)
    assert handed[::2] == (CHENGGUAN, CHENGGUAN)
    stops = widget(at, "multiselect", "route_stops").value
    assert len(stops) == 5
    widget(at, "selectbox", "route_mode").set_value("walk").run()
    assert start(at) == handed and widget(at, "selectbox", "route_mode").value == "walk"
    assert handed[1] == "兰州大学（城关校区） · 高等院校"  # the campus named, not "兰州大学 · 高等院校"
    widget(at, "selectbox", "route_tag").set_value("heritage").run()
    added = widget(at, "multiselect", "route_stops").value
    assert added[:5] == stops and len(added) > 5
    assert start(at) == handed
    widget(at, "radio", "lang").set_value("en").run()
    assert not at.exception
    assert start(at) == (CHENGGUAN, "Lanzhou University (城关校区) · Universities and colleges", CHENGGUAN)
    widget(at, "selectbox", "route_mode").set_value("bike").run()
    assert start(at)[::2] == (CHENGGUAN, CHENGGUAN)


def test_a_trimmed_plan_names_its_campus_start_and_marks_the_stops_left_out(monkeypatch):
    """The itinerary's first row is the start with its campus (it read 兰州大学 beside a start box with
    the campus), and the stops a day limit left out stay in the stop table marked 未排入行程 (they
    stood there ticked like the others)."""
    from tests.routing.test_partial_days import FIFTEEN

    monkeypatch.setenv("CULTUREMAP_DATA", str(REPO / "geodata"))
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(city="lanzhou", route="scratch", stops=",".join(FIFTEEN), mode="walk", days="2",
                           day_end="17:30", date="2026-12-07", **{"from": CHENGGUAN})  # fmt: skip
    at.switch_page(ROUTES).run()
    assert not at.exception
    itinerary = at.dataframe[-1].value
    assert itinerary["名称"].iloc[0] == "兰州大学（城关校区）"
    editor = at.data_editor[0].value
    left_out = editor.loc[editor["status"] == "未排入行程"].index.tolist()
    planned = itinerary["名称"].iloc[1:].tolist()
    assert len(left_out) + len(planned) == 15 and left_out, (left_out, planned)
    assert editor.loc[left_out, "keep"].all() and (editor.loc[~editor.index.isin(left_out), "status"] == "").all()
    widget(at, "radio", "lang").set_value("en").run()
    editor = at.data_editor[0].value
    assert editor.loc[left_out, "status"].eq("Not in the plan").all()
    assert at.dataframe[-1].value["Name"].iloc[0] == "Lanzhou University (城关校区)"
