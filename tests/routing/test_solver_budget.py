"""Route edits with many stops stay fast (issue 24, defect 4): beyond the exact limit the order comes
from a bounded local search, a plan over the days limit solves at most twice, and the plan says
which solver ordered its stops. Speed itself is measured in bench/route_edits.py, not here."""

from datetime import date

import numpy as np
import pytest

import culturemap.routing.itinerary as itinerary
from culturemap.catalog import load_city
from culturemap.export.route import method_label, totals_text
from culturemap.routing.solve import (
    BUDGET_S,
    HEURISTIC,
    HEURISTIC_CUT,
    WINDOWS_REFINED,
    best_order,
    held_karp,
    local_search,
    ortools_order,
    route_cost,
)
from tests.conftest import LANZHOU
from tests.routing.test_solve import random_cost

MONDAY = date(2026, 12, 7)
START = "un-lzu-chengguan"  # 兰州大学（城关校区）
NEAR_THE_CAMPUS = [
    "mu-lzu", "at-lanzhou-railway-station", "nt-lanzhou-creative-culture-park", "at-dongfanghong-square",
    "at-waterwheel-garden", "mu-deng-baoshan", "mu-duzhe", "mu-duzhe-illustration", "mu-lanzhou-municipal",
    "hu-baiyisi-pagoda", "hu-wuquanshan", "at-lanshan-park", "hu-baiyunguan", "at-zhengning-road-night-market",
    "hu-eighth-route-army-office",
]  # fmt: skip


@pytest.mark.parametrize("n", [20, 40])
@pytest.mark.parametrize("kind", ["open", "first", "round", "first_last"])
def test_the_local_search_is_within_4_percent_of_a_2_s_or_tools_run(n, kind):
    kwargs = {"open": {}, "first": {"first": 0}, "round": {"round_trip": True}, "first_last": {"first": 0, "last": 1}}
    for seed, symmetric in ((n, True), (n + 1, False)):
        cost = random_cost(n, seed, symmetric)
        order, value, method = best_order(cost, budget_s=60, **kwargs[kind])  # the search, not this machine's load
        assert method == HEURISTIC and sorted(order) == list(range(n))
        assert value == pytest.approx(route_cost(cost, order, kind == "round"))
        assert order[0] == kwargs[kind].get("first", order[0]) and order[-1] == kwargs[kind].get("last", order[-1])
        _, reference = ortools_order(cost, time_limit_s=2.0, **kwargs[kind])
        assert value <= reference * 1.04


def test_thirteen_stops_with_a_fixed_start_stay_exact_and_the_local_search_comes_close():
    for seed in range(3):
        cost = random_cost(13, 300 + seed, symmetric=seed != 1)
        order, value, method = best_order(cost, first=0)
        assert method == "held-karp" and value == pytest.approx(held_karp(cost, first=0)[1])
        assert local_search(cost, first=0)[1] <= value * 1.03


def test_the_local_search_gives_the_same_order_every_time():
    cost = random_cost(40, 9, symmetric=False)
    assert best_order(cost, first=0, budget_s=60)[0] == best_order(cost, first=0, budget_s=60)[0]


def test_opening_hours_beyond_the_exact_limit_are_honoured_by_or_tools_from_the_local_search():
    # 14 stops on a line, 10 min apart; stop 7 opens at 200 min, stop 13 closes at 135 min
    n = 14
    cost = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) * 10.0
    windows = [None] * n
    windows[7], windows[13] = (200.0, 400.0), (0.0, 135.0)
    order, _, method = best_order(cost, windows=windows, service_min=np.zeros(n), budget_s=5)
    assert method == WINDOWS_REFINED and sorted(order) == list(range(n))
    clock, arrival = 0.0, {}
    for k, node in enumerate(order):
        clock = max(clock + (cost[order[k - 1], node] if k else 0.0), (windows[node] or (0.0,))[0])
        arrival[node] = clock
    assert arrival[13] <= 135 and arrival[7] >= 200
    assert best_order(cost, windows=[None] * n, budget_s=60)[2] == HEURISTIC  # no hours known: no OR-Tools


@pytest.fixture(scope="module")
def lanzhou():
    city = load_city(LANZHOU)
    return city, city.assets()


def _stops(assets, n):
    return [fid for fid, layer in zip(assets["id"], assets["layer"]) if layer != "universities"][:n]


def test_a_plan_over_the_days_limit_solves_at_most_twice(lanzhou, monkeypatch):
    city, assets = lanzhou
    calls = []

    def counted(*args, **kwargs):
        calls.append(len(args[0]))
        return best_order(*args, **kwargs)

    monkeypatch.setattr(itinerary, "best_order", counted)
    stops = _stops(assets, 30)
    plan = itinerary.plan_route(city, stops, "walk", "09:00", MONDAY, origin=START, day_end="17:30", max_days=2,
                                assets=assets)  # fmt: skip
    assert plan.left_out and plan.totals["days"] == 2
    assert len(calls) <= 2 and calls[0] == 31  # all stops and the start, then the stops that fit
    kept = set(plan.stops["id"]) - {START}
    assert kept | {s["id"] for s in plan.left_out} == set(stops) and not kept & {s["id"] for s in plan.left_out}


def test_a_faster_mode_is_found_without_solving_again(lanzhou, monkeypatch):
    city, assets = lanzhou
    stops = NEAR_THE_CAMPUS
    calls = []
    monkeypatch.setattr(itinerary, "best_order", lambda *a, **k: calls.append(len(a[0])) or best_order(*a, **k))
    plan = itinerary.plan_route(city, stops, "walk", "09:00", MONDAY, origin=START, day_end="17:30", max_days=2,
                                assets=assets)  # fmt: skip
    assert plan.left_out and {s["reason"][0] for s in plan.left_out} == {"left_out_faster"}
    assert plan.left_out[0]["reason"][1]["mode_en"] == "bike"
    assert len(calls) <= 2  # before: once more per faster mode tried (bike, car, taxi)
    by_bike = itinerary.plan_route(city, stops, "bike", "09:00", MONDAY, origin=START, day_end="17:30", max_days=2,
                                   assets=assets)  # fmt: skip
    assert not by_bike.left_out  # what the left-out note promises holds


def test_the_plan_says_which_solver_ordered_its_stops(lanzhou):
    city, assets = lanzhou
    few = itinerary.plan_route(city, _stops(assets, 8), "walk", "09:00", MONDAY, origin=START, assets=assets)
    many = itinerary.plan_route(city, _stops(assets, 20), "walk", "09:00", MONDAY, origin=START, assets=assets)
    assert few.method == "held-karp" and "Held-Karp, exact" in totals_text(few, "en")
    assert many.method in (HEURISTIC, HEURISTIC_CUT, WINDOWS_REFINED)  # cut: the budget ran out on a loaded machine
    budget = f"{BUDGET_S:g}"
    assert method_label(HEURISTIC, "en") == f"nearest neighbour + 2-opt (time budget {budget} s)"
    assert method_label(HEURISTIC, "zh") == f"最近邻 + 2-opt 局部优化（限时 {budget} 秒）"
    assert method_label(many.method, "en") in totals_text(many, "en")
    assert method_label(many.method, "zh") in totals_text(many, "zh")
