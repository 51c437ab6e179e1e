"""GPX and KML stops in the page's language (issue 24): each waypoint and placemark is named as the
page names it (the English name with lang=en, the campus of a university), its description (day,
times, warnings) in the same language."""

import xml.etree.ElementTree as ET

import gpxpy
import pytest

from culturemap.catalog import load_city
from culturemap.export.route import write_route
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU
from tests.routing.test_partial_days import MONDAY

START = "un-lzu-chengguan"  # 兰州大学（城关校区）, name_en Lanzhou University
STOPS = ["mu-lzu", "sc-wuquanshan", "sc-baitashan"]
NAMES = {
    "zh": ["兰州大学（城关校区）", "兰州大学博物馆"],
    "en": ["Lanzhou University (城关校区)", "Lanzhou University Museum"],
}
KML = {"k": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(scope="module")
def plan():
    """From the Chengguan campus on foot, days ending at 12:00: two days, the first stop the campus museum."""
    return plan_route(load_city(LANZHOU), STOPS, "walk", "09:00", MONDAY, origin=START, day_end="12:00",
                      optimise=False)  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_waypoints_and_placemarks_are_named_in_the_page_language(plan, tmp_path, lang):
    assert plan.totals["days"] >= 2 and plan.stops["id"].tolist()[:2] == [START, "mu-lzu"]
    gpx = gpxpy.parse(write_route(plan, "路线", "gpx", tmp_path / "r.gpx", lang).read_text("utf-8"))
    assert [w.name for w in gpx.waypoints][:2] == NAMES[lang]
    day, other = ("第 1 天", "Day 1") if lang == "zh" else ("Day 1", "第 1 天")
    assert gpx.waypoints[1].description.startswith(f"2. {day} · ") and other not in gpx.waypoints[1].description
    assert gpx.tracks[1].name == ("路线 · 第 2 天" if lang == "zh" else "路线 · Day 2")
    root = ET.parse(write_route(plan, "路线", "kml", tmp_path / "r.kml", lang)).getroot()
    names = [p.findtext("k:name", namespaces=KML) for p in root.iterfind(".//k:Placemark", KML)]
    assert names[:2] == [f"1. {NAMES[lang][0]}", f"2. {NAMES[lang][1]}"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_stops_warning_is_described_in_the_page_language(tmp_path, lang):
    # the Yuzhong campus is 40 km out of town: the first leg on foot is far over 5 km
    plan = plan_route(load_city(LANZHOU), ["mu-lzu"], "walk", "09:00", MONDAY, origin="un-lzu-yuzhong")
    gpx = gpxpy.parse(write_route(plan, "路线", "gpx", tmp_path / "r.gpx", lang).read_text("utf-8"))
    warning = plan.stops["warning_zh" if lang == "zh" else "warning"].iloc[1]
    assert warning.startswith("步行" if lang == "zh" else f"{plan.stops['leg_km'].iloc[1]:.1f} km on foot")
    opened, closed = ("（", "）") if lang == "zh" else (" (", ")")
    assert gpx.waypoints[1].description.endswith(f"{opened}{warning}{closed}")
    assert gpx.waypoints[0].name == ("兰州大学（榆中校区）" if lang == "zh" else "Lanzhou University (榆中校区)")
