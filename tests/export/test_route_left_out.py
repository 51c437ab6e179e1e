"""What a trimmed or flagged plan says in the route report PDF and the route files (issue 24): the stops
a day limit left out (a section of their own in the PDF, a line in the summary; rows of the CSV; the GPX
and KML descriptions), the plan's warnings per stop in the itinerary table and in the summary, the way
back of a round trip as a row of its own."""

import csv
import io

import gpxpy
import pytest

from culturemap.catalog import load_city
from culturemap.export.route import write_route
from culturemap.export.route_report import route_report
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU
from tests.export.test_report import pdf_text, squeezed
from tests.routing.test_days import SATURDAY, line_city  # noqa: F401 (a fixture)
from tests.routing.test_partial_days import FIFTEEN, MONDAY, START


@pytest.fixture(scope="module")
def trimmed():
    """15 stops from 兰州大学（城关校区） on foot, days ending at 17:30, at most 2 days: the stops that fit are
    planned, the rest (3 with the bundled pack, see tests/routing/test_partial_days.py) are left out."""
    plan = plan_route(load_city(LANZHOU), FIFTEEN, "walk", "09:00", MONDAY, origin=START, day_end="17:30", max_days=2)
    assert plan.left_out and (plan.stops["role"] == "stop").sum() + len(plan.left_out) == 15
    return plan


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_lists_the_stops_left_out_in_a_section_of_their_own(trimmed, tmp_path, lang):
    path = tmp_path / f"trimmed-{lang}.pdf"
    path.write_bytes(route_report(load_city(LANZHOU), trimmed, "两天", lang, today=MONDAY))
    text = squeezed(pdf_text(path))
    itinerary = text.index("行程表" if lang == "zh" else "Itinerary")
    # in the summary above the map: how many fit and the three names
    summary, head = text[:itinerary], squeezed(trimmed.left_out_lines(lang)[0])
    assert summary.count(head) == 1 and head.startswith("2天内" if lang == "zh" else "Only")
    name = "name_zh" if lang == "zh" else "name_en"
    assert all(squeezed(s[name]) in summary for s in trimmed.left_out)
    # the section after the itinerary: the same head, then a line per stop with its id, why and what it takes
    section = text[text.index(head, itinerary) + len(head) :]
    lines = [squeezed(line) for line in trimmed.left_out_lines(lang)[1:]]
    assert [section.index(line) for line in lines] == sorted(section.index(line) for line in lines)
    for stop, line in zip(trimmed.left_out, lines):
        assert f"{squeezed(stop[name])}（{stop['id']}）" in line or f"{squeezed(stop[name])}({stop['id']})" in line
    assert ("全部站点需要3天" if lang == "zh" else "allstopsneed3days") in section
    planned = text[itinerary : text.index(head, itinerary)]
    assert not any(f"({s['id']})" in planned or f"（{s['id']}）" in planned for s in trimmed.left_out)


def test_the_csv_lists_the_stops_left_out_after_the_plan_with_why(trimmed, tmp_path):
    rows = list(
        csv.DictReader(io.StringIO(write_route(trimmed, "两天", "csv", tmp_path / "r.csv").read_text("utf-8-sig")))
    )
    n = len(trimmed.stops)
    assert [r["role"] for r in rows] == ["start"] + ["stop"] * (n - 1) + ["left_out"] * len(trimmed.left_out)
    left = rows[n:]
    assert [r["id"] for r in left] == [s["id"] for s in trimmed.left_out]
    assert {(r["order"], r["arrival"], r["lon"]) for r in left} == {("", "", "")}  # not planned: no time, no place
    assert [r["warning"] for r in left] == trimmed.left_out_lines("en")[1:]
    assert [r["warning_zh"] for r in left] == trimmed.left_out_lines("zh")[1:]
    assert left[0]["warning"].endswith("does not fit in 2 day(s) ending at 17:30; all stops need 3 days")
    planned = rows[:n]  # whole numbers stay whole beside the empty cells of the rows left out (not 1.0, 2.0)
    assert [r["order"] for r in planned] == [str(i) for i in trimmed.stops["order"]]
    assert {r["day"] for r in planned} == {"1", "2"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_gpx_and_kml_descriptions_list_the_stops_left_out_in_the_page_language(trimmed, tmp_path, lang):
    gpx = gpxpy.parse(write_route(trimmed, "两天", "gpx", tmp_path / "r.gpx", lang).read_text("utf-8"))
    kml = write_route(trimmed, "两天", "kml", tmp_path / "r.kml", lang).read_text("utf-8")
    for line in trimmed.left_out_lines(lang):
        assert line in gpx.description.splitlines() and line in kml
    assert len(gpx.waypoints) == len(trimmed.stops) and not {s["id"] for s in trimmed.left_out} & {
        w.name for w in gpx.waypoints
    }


THREE = ["mu-1", "mu-2", "mu-3"]  # 3 km apart on a line: legs of 3.9 km on foot, the way back 7.8 km


def test_warnings_stand_in_the_summary_and_per_stop_in_the_itinerary_with_the_way_back(line_city, tmp_path):  # noqa: F811
    # from 15:00: the third visit ends at 20:29, the 104-minute walk back at 22:13, after 22:00
    plan = plan_route(line_city, THREE, "walk", "15:00", SATURDAY, round_trip=True, optimise=False)
    path = tmp_path / "round.pdf"
    path.write_bytes(route_report(line_city, plan, "环线", "zh", today=SATURDAY))
    text = squeezed(pdf_text(path))
    itinerary = text.index("行程表")
    summary, table = text[:itinerary], text[itinerary:]
    overrun = "第1天（2026-11-28）15:00–22:13，晚于当天结束时间22:00"
    back = "步行7.8公里，超过合理的5公里：建议骑行"
    assert overrun in summary and f"返回起点（环线）（mu-1）：{back}" in summary
    # the way back is the table's last row: from the third museum to the start, 7.80 km, 104 min, back at 22:13
    rows = pdf_text(path, "-layout").split("行程表")[1].splitlines()
    last = next(line for line in rows if "返回起点" in line).split()
    assert last[:1] == ["返回起点（环线）:"] and "22:13" in last and "7.80" in last and "104" in last
    assert table.rindex(back) > table.index("返回起点（环线）:")  # its warning in its own row


def test_a_stops_warning_stands_in_its_row(line_city, tmp_path):  # noqa: F811
    # from 16:00 with no day end, the fifth museum is reached at 00:28: day 2, after midnight
    plan = plan_route(line_city, [f"mu-{k}" for k in range(1, 7)], "walk", "16:00", SATURDAY)
    path = tmp_path / "late.pdf"
    path.write_bytes(route_report(line_city, plan, "夜线", "en", today=SATURDAY))
    rows = [line.split() for line in pdf_text(path, "-layout").split("Itinerary")[1].splitlines()]
    fifth = next(r for r in rows if r[:2] == ["5", "2"])  # order 5, day 2
    assert "00:28" in fifth and plan.stops["warning"].iloc[4].startswith("arrives after midnight: day 2")
    cells = squeezed(pdf_text(path, "-raw"))  # each cell's lines in a row: a wrapped cell joins up
    assert cells.count(squeezed(plan.stops["warning"].iloc[4])) == 2  # in the summary and in its row
    summary = squeezed(pdf_text(path)).split("Itinerary")[0]
    assert "Therouterunspastmidnightwithnodayend" in summary and "MU-5(mu-5):arrivesaftermidnight" in summary
