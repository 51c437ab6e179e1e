"""The way back of a round trip is a leg like any other (issue 24): it gets the leg-length warning of
its mode, counts in the distance and in the day's end."""

import pytest

from culturemap.routing.itinerary import plan_route
from tests.routing.test_days import SATURDAY, line_city  # noqa: F401 (a fixture)

THREE = ["mu-1", "mu-2", "mu-3"]  # 3 km apart on a line: legs of 3.9 km on foot, the way back 7.8 km


def test_a_way_back_over_the_walking_limit_warns_and_counts_in_the_distance(line_city):  # noqa: F811
    plan = plan_route(line_city, THREE, "walk", "09:00", SATURDAY, round_trip=True, optimise=False)
    assert plan.totals["return_leg_km"] == pytest.approx(7.8, abs=0.02)
    assert plan.totals["return_leg_min"] == pytest.approx(104.0, abs=0.2)  # 7.8 km at 4.5 km/h
    assert plan.totals["distance_km"] == pytest.approx(3.9 + 3.9 + 7.8, abs=0.03)
    assert plan.warning_lines("en") == [
        "back to the start (round trip) (mu-1): 7.8 km on foot, over the sensible 5 km: go by bike"
    ]
    assert plan.warning_lines("zh") == ["返回起点（环线）（mu-1）：步行 7.8 公里，超过合理的 5 公里：建议骑行"]
    assert plan.stops["warning"].eq("").all()  # each leg out is 3.9 km: no stop is flagged for its own leg


def test_the_same_way_back_by_bike_is_not_flagged(line_city):  # noqa: F811
    plan = plan_route(line_city, THREE, "bike", "09:00", SATURDAY, round_trip=True, optimise=False)
    assert plan.totals["return_leg_km"] == pytest.approx(6 * 1.35, abs=0.02) and plan.warning_lines("en") == []


def test_the_way_back_counts_in_the_days_end(line_city):  # noqa: F811
    # from 15:00: the third visit ends at 20:29, the 104-minute walk back at 22:13, after 22:00
    plan = plan_route(line_city, THREE, "walk", "15:00", SATURDAY, round_trip=True, optimise=False)
    assert plan.stops["departure"].iloc[-1] == "20:29" and plan.totals["end"] == "22:13"
    assert plan.warning_lines("en")[0] == "Day 1 (2026-11-28) runs 15:00-22:13, past the day's end 22:00"
    assert plan.totals["per_day"][0]["distance_km"] == pytest.approx(15.6, abs=0.03)
