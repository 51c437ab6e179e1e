import itertools

import numpy as np
import pytest

from culturemap.routing.solve import (
    HEURISTIC,
    HEURISTIC_CUT,
    best_order,
    held_karp,
    heuristic_order,
    ortools_order,
    route_cost,
)
from culturemap.routing.travel import estimated_matrix


def brute_force(cost, first=None, last=None, round_trip=False):
    n = len(cost)
    best = (None, np.inf)
    for order in itertools.permutations(range(n)):
        if round_trip and order[0] != (0 if first is None else first):
            continue
        if not round_trip and first is not None and order[0] != first:
            continue
        if last is not None and order[-1] != last:
            continue
        c = route_cost(cost, list(order), round_trip)
        if c < best[1] - 1e-9:
            best = (list(order), c)
    return best


def random_cost(n, seed, symmetric=True):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 10_000, size=(n, 2))
    cost = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    if not symmetric:
        cost = cost * rng.uniform(1.0, 1.3, size=(n, n))
        np.fill_diagonal(cost, 0)
    return cost


@pytest.mark.parametrize("n", [2, 3, 5, 7, 8])
@pytest.mark.parametrize("kind", ["open", "round", "first", "first_last"])
def test_held_karp_equals_brute_force(n, kind):
    for seed in range(3):
        cost = random_cost(n, seed * 10 + n, symmetric=seed != 1)
        kwargs = {
            "open": {},
            "round": {"round_trip": True},
            "first": {"first": n - 1},
            "first_last": {"first": 0, "last": n - 1},
        }[kind]
        order, value = held_karp(cost, **kwargs)
        _, expected = brute_force(cost, **kwargs)
        assert value == pytest.approx(expected)
        assert sorted(order) == list(range(n))
        assert route_cost(cost, order, kwargs.get("round_trip", False)) == pytest.approx(value)
        if "first" in kwargs:
            assert order[0] == kwargs["first"]
        if "last" in kwargs:
            assert order[-1] == kwargs["last"]


def test_ortools_within_one_percent_of_the_exact_order_on_12_stops():
    for seed in range(3):
        cost = random_cost(12, 100 + seed)
        exact_order, exact = held_karp(cost, first=0)
        order, value = ortools_order(cost, first=0, time_limit_s=1.0)
        assert order[0] == 0 and sorted(order) == list(range(12))
        assert value <= exact * 1.01


def test_best_order_switches_to_the_bounded_local_search_beyond_twelve_stops():
    assert best_order(random_cost(6, 1))[2] == "held-karp"
    assert best_order(random_cost(13, 1), first=0)[2] == "held-karp"  # 12 stops plus a fixed start: exact
    order, value, method = best_order(random_cost(20, 2), first=0, budget_s=60)  # the search, not the load
    assert method == HEURISTIC and order[0] == 0 and sorted(order) == list(range(20))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="square, finite and non-negative"):
        held_karp(np.array([[0, -1], [1, 0]]))
    with pytest.raises(ValueError, match="at most 13 stops"):
        held_karp(np.zeros((14, 14)))
    with pytest.raises(ValueError, match="unknown travel mode 'boat'"):
        estimated_matrix([103.8], [36.0], "boat")


def test_estimated_walk_matrix_is_great_circle_times_circuity():
    # two points 1 km apart along a meridian (at 36 N, 1 km ~ 0.009013 deg of latitude)
    m = estimated_matrix([103.8, 103.8], [36.0, 36.009013], "walk")
    assert m.estimated and m.distance_m[0, 1] == pytest.approx(1_300, rel=1e-3)  # x 1.3 circuity
    assert m.time_min[0, 1] == pytest.approx(1.3 / 4.5 * 60, rel=1e-3) and m.time_min[0, 0] == 0


def arrivals(cost, order, windows, start=0.0):
    clock, out = start, []
    for k, node in enumerate(order):
        if k:
            clock += cost[order[k - 1], node]
        if windows[node] is not None:
            clock = max(clock, windows[node][0])
        out.append(clock)
    return out


def test_or_tools_honours_time_windows_that_the_shortest_order_breaks():
    # 14 stops on a line, 10 min apart; stop 7 opens at 200 min, stop 13 closes at 135 min
    n = 14
    cost = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) * 10.0
    windows = [None] * n
    windows[7] = (200.0, 400.0)
    windows[13] = (0.0, 135.0)
    straight = list(range(n))
    assert arrivals(cost, straight, windows)[13] > 135  # the travel-only order reaches 13 too late
    order, _ = ortools_order(cost, first=0, windows=windows, time_limit_s=1.0)
    times = dict(zip(order, arrivals(cost, order, windows)))
    assert order[0] == 0 and sorted(order) == straight
    assert times[13] <= 135 and times[7] >= 200


def test_or_tools_with_opening_hours_orders_a_tour_of_several_days():
    # 20 stops on a line, 5 h apart, open 09:00-17:00, an hour each: about 4 days from 09:00 (the horizon was 48 h)
    n = 20
    cost = np.abs(np.subtract.outer(np.arange(n), np.arange(n))) * 300.0
    order, value = ortools_order(cost, first=0, windows=[(540.0, 1020.0)] * n, service_min=np.full(n, 60.0),
                                 start_min=540.0, time_limit_s=1.0)  # fmt: skip
    assert order == list(range(n)) and value == 19 * 300


def test_a_spent_time_budget_still_gives_every_stop_once_and_says_so():
    cost = random_cost(30, 7)
    order, value, method = best_order(cost, first=0, budget_s=0.0)  # stopped after the first improving move
    assert method == HEURISTIC_CUT
    assert order[0] == 0 and sorted(order) == list(range(30))
    assert value == pytest.approx(route_cost(cost, order))


@pytest.mark.parametrize("kind", ["open", "round", "first", "first_last"])
def test_heuristic_order_keeps_the_ends_and_is_near_the_exact_order(kind):
    kwargs = {"open": {}, "round": {"round_trip": True}, "first": {"first": 4}, "first_last": {"first": 0, "last": 8}}
    for seed in range(3):
        cost = random_cost(9, 50 + seed, symmetric=seed != 1)
        order, value = heuristic_order(cost, **kwargs[kind])
        assert sorted(order) == list(range(9))
        assert value == pytest.approx(route_cost(cost, order, kind == "round"))
        assert order[0] == kwargs[kind].get("first", 0 if kind == "round" else order[0])
        assert order[-1] == kwargs[kind].get("last", order[-1])
        assert value <= held_karp(cost, **kwargs[kind])[1] * 1.25
