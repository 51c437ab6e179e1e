"""Impossible plans are flagged, per stop and in the summary (issue 24, defect 2): a leg longer than
the mode is sensible for (with the mode that fits), arrivals outside daytime at stops whose hours
are unknown, a day that ends after the day's end; in the plan, the CSV and the GPX/KML."""

import csv
import io
from datetime import date

import gpxpy
import pytest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.export.route import write_route
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU

MONDAY = date(2026, 12, 7)
# the link: from the Yuzhong campus of Lanzhou University, 40 km out of town, on foot from 09:00
OVERNIGHT = ["mu-lzu", "nt-lanzhou-creative-culture-park", "mu-deng-baoshan", "hu-baiyisi-pagoda", "sc-wuquanshan"]
LEG = "42.4 km on foot, over the sensible 5 km: go by car/taxi"
LATE = "arrives at {}, outside daytime (07:00-22:00) and its opening hours are unknown"


@pytest.fixture(scope="module")
def overnight():
    return plan_route(load_city(LANZHOU), OVERNIGHT, "walk", "09:00", MONDAY, origin="un-lzu-yuzhong")


def test_legs_longer_than_the_mode_is_sensible_for_suggest_the_mode_that_fits():
    from culturemap.routing.travel import LEG_LIMIT_KM, modes_for_leg

    assert LEG_LIMIT_KM == {"walk": 5.0, "bike": 20.0}
    assert modes_for_leg(4.0, "walk") == ["bike"]
    assert modes_for_leg(8.0, "walk") == ["bike"]
    assert modes_for_leg(42.4, "walk") == ["car", "taxi"]
    assert modes_for_leg(25.0, "bike") == ["car", "taxi"]


def test_a_leg_is_judged_as_it_reads_to_a_tenth_of_a_km():
    """A 5.04 km walk read "5.0 km, over the sensible 5 km"; 5.06 km reads 5.1 km and warns."""
    from culturemap.routing.itinerary import _leg_note

    assert _leg_note(5_040, "walk") is None and _leg_note(20_049, "bike") is None
    key, values = _leg_note(5_060, "walk")
    assert key == "note_leg_too_long" and values["km"] == 5.1 and values["suggest_en"] == "bike"


def test_the_overnight_walk_flags_its_long_leg_and_its_late_arrivals(overnight):
    table = overnight.stops.set_index("id")
    assert table.loc["nt-lanzhou-creative-culture-park", "leg_km"] == pytest.approx(42.4, abs=0.05)
    assert table["arrival"].tolist() == ["09:00", "18:25", "20:30", "22:26", "23:54", "01:18"]
    assert table["warning"].tolist() == [
        "", LEG, "", LATE.format("22:26"), LATE.format("23:54"), "arrives after midnight: day 2, 2026-12-08 01:18"
    ]  # fmt: skip
    assert (
        table.loc["nt-lanzhou-creative-culture-park", "warning_zh"]
        == "步行 42.4 公里，超过合理的 5 公里：建议自驾/出租车"
    )
    assert table.loc["mu-deng-baoshan", "warning_zh"] == "22:26 到达，不在白天（07:00–22:00），开放时间未知"
    lines = overnight.warning_lines("en")
    assert lines[0].startswith("The route runs past midnight with no day end: it ends on day 2 (2026-12-08) at 02:48")
    assert lines[1:] == [
        f"Lanzhou Creative Culture Industrial Park commercial area (nt-lanzhou-creative-culture-park): {LEG}",
        f"General Deng Baoshan Memorial Hall (mu-deng-baoshan): {LATE.format('22:26')}",
        f"Baiyi Temple Pagoda and Baiyi Bodhisattva Hall (hu-baiyisi-pagoda): {LATE.format('23:54')}",
        "Wuquan Mountain Park (sc-wuquanshan): arrives after midnight: day 2, 2026-12-08 01:18",
    ]
    assert (
        "兰州创意文化产业园商业区（nt-lanzhou-creative-culture-park）：步行 42.4 公里"
        in overnight.warning_lines("zh")[1]
    )


def test_the_warnings_are_in_the_csv_and_the_gpx(overnight, tmp_path):
    rows = list(
        csv.DictReader(io.StringIO(write_route(overnight, "夜线", "csv", tmp_path / "r.csv").read_text("utf-8-sig")))
    )
    assert [r["warning"] for r in rows][1:5] == [LEG, "", LATE.format("22:26"), LATE.format("23:54")]
    assert rows[1]["warning_zh"].startswith("步行 42.4 公里")
    assert [(r["day"], r["date"]) for r in rows][-1] == ("2", "2026-12-08")
    gpx = gpxpy.parse(write_route(overnight, "夜线", "gpx", tmp_path / "r.gpx").read_text("utf-8"))
    assert gpx.waypoints[1].description == f"2. Day 1 · 18:25-19:55 ({LEG})"
    assert gpx.waypoints[3].description == f"4. Day 1 · 22:26-23:41 ({LATE.format('22:26')})"
    assert LEG in gpx.description and "runs past midnight" in gpx.description
    kml = write_route(overnight, "夜线", "kml", tmp_path / "r.kml").read_text("utf-8")
    assert LEG in kml


def test_a_day_that_ends_after_the_days_end_is_flagged_in_the_summary():
    # in the given order: 18:25 at the park, 20:30 at the museum, the Deng Baoshan hall 22:26-23:41
    plan = plan_route(load_city(LANZHOU), [OVERNIGHT[1], OVERNIGHT[0], OVERNIGHT[2]], "walk", "09:00", MONDAY,
                      origin="un-lzu-yuzhong", optimise=False)  # fmt: skip
    assert plan.totals["midnights"] == 0 and plan.totals["end"] == "23:41"
    assert plan.warning_lines("en")[0] == "Day 1 (2026-12-07) runs 09:00-23:41, past the day's end 22:00"
    assert plan.warning_lines("zh")[0] == "第 1 天（2026-12-07）09:00–23:41，晚于当天结束时间 22:00"


def test_the_cli_prints_the_overnight_warnings(tmp_path, capsys):
    stops = ",".join(OVERNIGHT)
    code = main(["route", "--city", str(LANZHOU), "--stops", stops, "--from", "un-lzu-yuzhong", "--date", "2026-12-07",
                 "--format", "csv", "--out", str(tmp_path / "r.csv"), "--lang", "en"])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err.splitlines()
    assert (
        f"warning: Lanzhou Creative Culture Industrial Park commercial area (nt-lanzhou-creative-culture-park): {LEG}"
        in err
    )
    assert sum(line.startswith("warning: ") and "outside daytime" in line for line in err) == 2
