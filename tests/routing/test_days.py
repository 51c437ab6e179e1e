"""Routes over several days: the split into days, day limits, bilingual errors, exports, the CLI."""

import json
import xml.etree.ElementTree as ET
from datetime import date

import gpxpy
import numpy as np
import pandas as pd
import pytest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.export.route import write_route
from culturemap.routing.errors import RouteError
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU, base_props, feature, point
from tests.routing.test_itinerary import SCHEMAS, xmllint

SATURDAY = date(2026, 11, 28)  # day 2 is a Sunday, day 3 a Monday
LINE = [f"mu-{k}" for k in range(1, 7)]


@pytest.fixture
def line_city(make_pack):
    """Six museums 3 km apart on a west-east line (UTM 48N, y = 3,995 km, x = 502 ... 517 km).

    On foot a leg is 3 km x 1.3 circuity at 4.5 km/h = 52 min and a museum visit 75 min; the fifth
    museum is closed on Mondays.
    """

    def museums(layers):
        layers["museums"] = [
            feature(base_props(f"mu-{k}", f"馆{k}", "西区" if x < 510_000 else "东区", kind="art"), point(x, 3_995_000))
            for k, x in enumerate(range(502_000, 518_000, 3_000), start=1)
        ]
        layers["museums"][4]["properties"]["opening_hours"] = "Tu-Su 09:00-17:00"

    return load_city(make_pack(museums))


def test_three_days_each_from_the_start_time_and_the_last_nights_stop(line_city):
    shuffled = ["mu-1", "mu-4", "mu-2", "mu-6", "mu-3", "mu-5"]
    plan = plan_route(line_city, shuffled, "walk", "09:00", SATURDAY, day_end="13:30")
    table = plan.stops
    assert table["id"].tolist() == LINE  # ordered once along the line, then cut into days
    assert table["day"].tolist() == [1, 1, 2, 2, 3, 3]
    assert table["date"].tolist() == ["2026-11-28"] * 2 + ["2026-11-29"] * 2 + ["2026-11-30"] * 2
    # day 1: the third museum would end at 14:29; days 2 and 3 start at 09:00 where the night was spent
    assert table["arrival"].tolist() == ["09:00", "11:07", "09:52", "11:59", "09:52", "11:59"]
    assert table["departure"].tolist() == ["10:15", "12:22", "11:07", "13:14", "11:07", "13:14"]
    days = plan.totals["per_day"]
    assert plan.totals["days"] == 3 and plan.totals["end_date"] == "2026-11-30"
    assert [(d["start"], d["end"], d["stops"]) for d in days] == [("09:00", "12:22", 2), ("09:00", "13:14", 2),
                                                                   ("09:00", "13:14", 2)]  # fmt: skip
    for day, path in enumerate(plan.day_paths[1:], start=1):  # each night at that day's last stop
        last = table[table["day"] == day].iloc[-1]
        assert tuple(path[0]) == (last["lon"], last["lat"])
    # each 52-min leg counts once, on the day it is walked: days 2 and 3 start with the leg from the night's stop
    assert [d["travel_min"] for d in days] == pytest.approx([52.0, 104.0, 104.0], abs=0.2)
    assert plan.totals["distance_km"] == pytest.approx(5 * 3.9, abs=0.02)
    assert sum(d["distance_km"] for d in days) == pytest.approx(plan.totals["distance_km"], abs=1e-3)
    assert plan.totals["duration_min"] == pytest.approx(sum(d["duration_min"] for d in days), abs=0.2)
    assert np.array_equal(plan.path, np.concatenate([plan.day_paths[0], *(p[1:] for p in plan.day_paths[1:])]))
    assert plan.warning_lines("zh") == ["馆5（mu-5）：当天不开放"]  # Monday, its weekday
    assert plan.warning_lines("en") == ["MU-5 (mu-5): closed that day"]


def test_the_way_back_of_a_round_trip_waits_for_the_next_morning(line_city):
    plan = plan_route(line_city, LINE, "walk", "09:00", SATURDAY, round_trip=True, optimise=False, day_end="13:30")
    last = plan.totals["per_day"][-1]
    # 13:14 + 15 km x 1.3 on foot (260 min) would end at 17:34: the way back is a fourth day
    assert plan.totals["days"] == 4 and last["stops"] == 0 and (last["start"], last["end"]) == ("09:00", "13:20")
    assert last["distance_km"] == plan.totals["return_leg_km"] == pytest.approx(19.5, abs=0.02)
    home, away = plan.stops.iloc[0], plan.stops.iloc[-1]
    assert [tuple(p) for p in plan.day_paths[-1]] == [(away["lon"], away["lat"]), (home["lon"], home["lat"])]


def test_without_a_day_end_the_route_runs_on_and_its_day_advances_at_midnight(line_city):
    plan = plan_route(line_city, LINE, "walk", "16:00", SATURDAY)
    assert plan.stops["day"].tolist() == [1, 1, 1, 1, 2, 2] and plan.totals["days"] == 2
    # the fifth museum is reached at 00:28 on Sunday (it read Saturday's hours: "closed on arrival");
    # it opens at 09:00 that day, so the route waits for it
    assert plan.stops["arrival"].iloc[4] == "00:28" and plan.stops["wait_min"].iloc[4] == pytest.approx(512, abs=0.5)
    assert plan.stops["departure"].iloc[-1] == "12:22" and plan.totals["end_date"] == "2026-11-29"


def test_a_day_limit_the_stops_do_not_fit_in_plans_those_that_fit_in_both_languages(line_city):
    plan = plan_route(line_city, LINE, "walk", "09:00", SATURDAY, day_end="13:30", max_days=2)
    assert len(plan.stops) == 4 and len(plan.left_out) == 2 and plan.totals["days"] == 2
    assert plan.left_out_lines("en")[0] == "Only 4 of 6 stops fit in 2 day(s) (09:00-13:30 each); 2 left out:"
    assert plan.left_out_lines("zh")[0] == "2 天内（每天 09:00–13:30）只能安排 6 个站点中的 4 个；以下 2 个未安排："
    assert plan_route(line_city, LINE, "walk", "09:00", SATURDAY, day_end="13:30", max_days=3).totals["days"] == 3
    # a single day without an end time ends at midnight
    plan = plan_route(line_city, LINE, "walk", "16:00", SATURDAY, max_days=1)
    assert plan.left_out_lines("en")[0] == "Only 4 of 6 stops fit in 1 day(s) (16:00-24:00 each); 2 left out:"
    assert "all stops need 2 days" in plan.left_out_lines("en")[1]
    with pytest.raises(RouteError, match=r"day end must be HH:MM after the start time 09:00 .* got '08:30'"):
        plan_route(line_city, LINE, day_end="08:30")
    with pytest.raises(RouteError, match="number of days must be a whole number of at least 1, got 0"):
        plan_route(line_city, LINE, max_days=0)


def test_plan_route_errors_read_in_chinese_and_english(line_city):
    cases = [
        ({"stop_ids": ["mu-1", "xx-nowhere"]}, "未知的站点 id：xx-nowhere", "unknown stop id(s): xx-nowhere"),
        ({"stop_ids": ["mu-1", "mu-1"]}, "线路中有重复的站点：mu-1", "a stop appears twice in the route: mu-1"),
        ({"stop_ids": LINE, "mode": "boat"}, "未知的出行方式 'boat'，应为 walk, bike, car, taxi 之一",
         "unknown travel mode 'boat': expected one of walk, bike, car, taxi"),
        ({"stop_ids": LINE, "destination": "nope"}, "未知的终点 id 'nope'", "unknown end point id 'nope'"),
    ]  # fmt: skip
    for kwargs, zh, en in cases:
        with pytest.raises(RouteError) as caught:
            plan_route(line_city, **kwargs)
        assert (caught.value.message("zh"), caught.value.message("en"), str(caught.value)) == (zh, en, en)


def test_exports_of_a_three_day_plan_carry_the_day(line_city, tmp_path):
    plan = plan_route(line_city, LINE, "walk", "09:00", SATURDAY, day_end="13:30")
    gpx_file = write_route(plan, "三日线", "gpx", tmp_path / "r.gpx")
    gpx = gpxpy.parse(gpx_file.read_text(encoding="utf-8"))
    assert [t.name for t in gpx.tracks] == ["三日线 · Day 1", "三日线 · Day 2", "三日线 · Day 3"]
    assert [len(t.segments[0].points) for t in gpx.tracks] == [2, 3, 3]  # day 2 starts at museum 2
    assert gpx.waypoints[2].description == "3. Day 2 · 09:52-11:07"
    assert (gpx.tracks[1].segments[0].points[0].longitude, gpx.waypoints[1].longitude) == (
        pytest.approx(gpx.waypoints[1].longitude),
        gpx.waypoints[1].longitude,
    )
    kml_file = write_route(plan, "三日线", "kml", tmp_path / "r.kml")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    lines = [p for p in ET.parse(kml_file).getroot().iterfind(".//k:Placemark", ns) if p.find("k:LineString", ns)]
    assert [p.find("k:name", ns).text for p in lines] == ["三日线 · Day 1", "三日线 · Day 2", "三日线 · Day 3"]
    for document, schema in ((gpx_file, "gpx_1_1/gpx.xsd"), (kml_file, "kml_2_2/ogckml22.xsd")):
        result = xmllint(document, SCHEMAS / schema, tmp_path)
        assert result.returncode == 0, result.stderr
    doc = json.loads(write_route(plan, "三日线", "geojson", tmp_path / "r.geojson").read_text(encoding="utf-8"))
    paths = [f["properties"] for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert [(p["day"], p["date"], p["stops"]) for p in paths] == [(1, "2026-11-28", 2), (2, "2026-11-29", 2),
                                                                   (3, "2026-11-30", 2)]  # fmt: skip
    assert doc["totals"]["days"] == 3
    csv = pd.read_csv(write_route(plan, "三日线", "csv", tmp_path / "r.csv"))
    assert csv["day"].tolist() == [1, 1, 2, 2, 3, 3] and csv["date"].iloc[-1] == "2026-11-30"


def spread_stops(city, n: int) -> list[str]:
    """``n`` cultural assets spread over the municipality: farthest-point sampling from Zhongshan Bridge."""
    assets = city.assets().to_crs(city.config.metric_crs)
    assets = assets[assets["layer"] != "universities"].reset_index(drop=True)
    points = assets.geometry.representative_point()
    xy = np.column_stack([points.x, points.y])
    chosen = [int(np.flatnonzero(assets["id"] == "hu-zhongshan-bridge")[0])]
    nearest = np.hypot(*(xy - xy[chosen[0]]).T)
    while len(chosen) < n:
        chosen.append(int(np.argmax(nearest)))
        nearest = np.minimum(nearest, np.hypot(*(xy - xy[chosen[-1]]).T))
    return assets["id"].iloc[chosen].tolist()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["walk", "car"])
def test_cli_plans_twenty_lanzhou_stops_over_several_days(mode, tmp_path, capsys):
    city = load_city(LANZHOU)
    stops = spread_stops(city, 20)
    assert city.assets().set_index("id").loc[stops, "district"].nunique() == 7  # every district and county
    out = tmp_path / "route.csv"
    argv = ["route", "--city", str(LANZHOU), "--stops", ",".join(stops), "--mode", mode, "--day-end", "18:00",
            "--date", "2026-11-24", "--format", "csv", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    table = pd.read_csv(out)
    days = int(table["day"].max())
    assert sorted(table["id"]) == sorted(stops) and table["day"].is_monotonic_increasing and days > 1
    assert f"20 stops, {days} day(s)" in capsys.readouterr().out
    for _, day in table.groupby("day"):
        assert len(day) == 1 or day["departure"].max() <= "18:00"  # only a stop alone on its day runs late
    assert main([*argv, "--days", "1"]) == 0  # the stops that fit in a day, the rest left out (issue 24)
    assert f"全部站点需要 {days} 天" in capsys.readouterr().err  # the pack's language
