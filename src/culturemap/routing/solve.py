"""Stop order: exact Held-Karp dynamic programming up to 12 stops, OR-Tools beyond, and a
deterministic nearest-neighbour + 2-opt order when OR-Tools finds none in its time limit.

Cost matrices are travel times in minutes (any non-negative cost works). A route is an open path
(optionally with a fixed first and/or last stop) or a round trip back to the first stop.
"""

from __future__ import annotations

import numpy as np

EXACT_LIMIT = 12
HEURISTIC = "nearest neighbour + 2-opt"


class NoSolution(RuntimeError):
    """OR-Tools found no order within its time limit."""


def route_cost(cost: np.ndarray, order: list[int], round_trip: bool = False) -> float:
    """Total cost of visiting ``order`` (and returning to its first stop when ``round_trip``)."""
    legs = list(zip(order[:-1], order[1:]))
    if round_trip and len(order) > 1:
        legs.append((order[-1], order[0]))
    return float(sum(cost[a, b] for a, b in legs))


def _check(cost: np.ndarray, first: int | None, last: int | None) -> np.ndarray:
    cost = np.asarray(cost, dtype=float)
    n = len(cost)
    if cost.shape != (n, n) or (cost < 0).any() or not np.isfinite(cost).all():
        raise ValueError("the cost matrix must be square, finite and non-negative")
    for name, idx in (("first", first), ("last", last)):
        if idx is not None and not 0 <= idx < n:
            raise ValueError(f"{name} stop {idx} is not one of the {n} stops")
    if first is not None and first == last and n > 1:
        raise ValueError("first and last stop are the same: use round_trip instead")
    return cost


def held_karp(
    cost: np.ndarray, first: int | None = None, last: int | None = None, round_trip: bool = False
) -> tuple[list[int], float]:
    """The cheapest order of all stops (exact). Round trips start and end at ``first`` (default 0)."""
    cost = _check(cost, first, last)
    n = len(cost)
    if n > EXACT_LIMIT + 1:
        raise ValueError(f"Held-Karp is exact but exponential: at most {EXACT_LIMIT + 1} stops, got {n}")
    if n <= 1:
        return list(range(n)), 0.0
    if round_trip:
        first = 0 if first is None else first
        last = None
    starts = [first] if first is not None else list(range(n))
    full = (1 << n) - 1
    # best[mask][j]: cheapest path visiting exactly the stops in mask, ending at j
    best = np.full((1 << n, n), np.inf)
    parent = np.full((1 << n, n), -1, dtype=int)
    for s in starts:
        best[1 << s, s] = 0.0
    for mask in range(1, full + 1):
        row = best[mask]
        ends = np.flatnonzero(np.isfinite(row))
        if not len(ends):
            continue
        free = [k for k in range(n) if not mask >> k & 1]
        for k in free:
            if last is not None and k == last and (mask | 1 << k) != full:
                continue  # the fixed last stop comes last
            through = row[ends] + cost[ends, k]
            i = int(np.argmin(through))
            nxt = mask | 1 << k
            if through[i] < best[nxt, k]:
                best[nxt, k] = through[i]
                parent[nxt, k] = ends[i]
    final = best[full] + (cost[:, first] if round_trip else 0.0)
    if last is not None:
        final = np.where(np.arange(n) == last, final, np.inf)
    end = int(np.argmin(final))
    order, mask = [end], full
    while parent[mask, order[-1]] >= 0:
        prev = int(parent[mask, order[-1]])
        mask ^= 1 << order[-1]
        order.append(prev)
    order.reverse()
    return order, float(final[end])


def ortools_order(
    cost: np.ndarray,
    first: int | None = None,
    last: int | None = None,
    round_trip: bool = False,
    time_limit_s: float = 2.0,
    windows: list[tuple[float, float] | None] | None = None,
    service_min: np.ndarray | None = None,
    start_min: float = 0.0,
) -> tuple[list[int], float]:
    """A near-optimal order from OR-Tools routing (guided local search for ``time_limit_s``).

    With ``windows`` (per stop: (open, close) minutes after midnight, or None) the costs are read as
    minutes, ``service_min`` is spent at each stop, the tour starts at ``start_min``, waiting for
    opening is allowed, and arriving after closing is penalised (soft), not forbidden: the
    schedule then reports it. The time horizon is sized from the data (any length of tour fits).
    Raises :class:`NoSolution` when no order is found within ``time_limit_s``.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    cost = _check(cost, first, last)
    n = len(cost)
    if n <= 2:
        return held_karp(cost, first, last, round_trip)
    # a dummy depot (index n) with free legs lets the path start and end anywhere
    scale = 1000.0
    big = np.zeros((n + 1, n + 1))
    big[:n, :n] = cost
    if round_trip:
        first = 0 if first is None else first
        big[n, :] = np.inf
        big[:, n] = np.inf
        big[n, first] = big[:n, n] = 0.0
        big[n, n] = 0.0
    else:
        if first is not None:
            big[n, :n] = np.inf
            big[n, first] = 0.0
        if last is not None:
            big[:n, n] = np.inf
            big[last, n] = 0.0
    huge = float(cost.sum() * 10 + 1)
    matrix = np.where(np.isfinite(big), big, huge)
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, n)
    routing = pywrapcp.RoutingModel(manager)
    ints = np.rint(matrix * scale).astype(np.int64)

    def callback(a: int, b: int) -> int:
        return int(ints[manager.IndexToNode(a), manager.IndexToNode(b)])

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(callback))
    if windows is not None:
        service = np.zeros(n) if service_min is None else np.asarray(service_min, dtype=float)
        service_ints = np.rint(np.append(service, 0.0) * scale).astype(np.int64)

        def time_callback(a: int, b: int) -> int:
            i, j = manager.IndexToNode(a), manager.IndexToNode(b)
            return int(ints[i, j] + service_ints[i])

        # the horizon holds any order: waiting for the latest opening, every visit and each stop's longest leg
        latest_open = max([start_min, *(w[0] for w in windows if w is not None)])
        horizon = int((latest_open + service.sum() + cost.max(axis=1).sum() + 1.0) * scale)
        routing.AddDimension(routing.RegisterTransitCallback(time_callback), horizon, horizon, False, "time")
        time = routing.GetDimensionOrDie("time")
        time.CumulVar(routing.Start(0)).SetRange(int(start_min * scale), int(start_min * scale))
        penalty = int(cost.max() * scale * 100 + 1)
        for node, window in enumerate(windows):
            if window is None:
                continue
            index = manager.NodeToIndex(node)
            time.CumulVar(index).SetMin(int(window[0] * scale))
            time.SetCumulVarSoftUpperBound(index, int(max(window[1] - service[node], window[0]) * scale), penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        raise NoSolution(f"OR-Tools found no route for {n} stops in {time_limit_s:g} s")
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node != n:
            order.append(node)
        index = solution.Value(routing.NextVar(index))
    return order, route_cost(cost, order, round_trip)


def heuristic_order(
    cost: np.ndarray, first: int | None = None, last: int | None = None, round_trip: bool = False
) -> tuple[list[int], float]:
    """A deterministic order: nearest neighbour from each allowed start, the cheapest improved by 2-opt.

    Works for any number of stops (about n^3 steps per 2-opt pass); keeps ``first``/``last`` at
    their ends and, for a round trip, counts the way back. Returns (order, cost).
    """
    cost = _check(cost, first, last)
    n = len(cost)
    if round_trip:
        first, last = (0 if first is None else first), None
    if n <= 2:
        return held_karp(cost, first, last, round_trip)

    def nearest_from(start: int) -> list[int]:
        order, left = [start], set(range(n)) - {start} - {last}
        while left:
            order.append(min(left, key=lambda k: (cost[order[-1], k], k)))
            left.discard(order[-1])
        return order + ([last] if last is not None and last != start else [])

    starts = [first] if first is not None else [k for k in range(n) if k != last]
    order = min((nearest_from(s) for s in starts), key=lambda o: route_cost(cost, o, round_trip))
    best = route_cost(cost, order, round_trip)
    low, high = (1 if first is not None else 0), (n - 1 if last is not None else n)  # the free positions
    improved = True
    while improved:
        improved = False
        for i in range(low, high - 1):
            for j in range(i + 1, high):
                candidate = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                value = route_cost(cost, candidate, round_trip)
                if value < best - 1e-9:
                    order, best, improved = candidate, value, True
    return order, best


def best_order(
    cost: np.ndarray,
    first: int | None = None,
    last: int | None = None,
    round_trip: bool = False,
    windows: list[tuple[float, float] | None] | None = None,
    service_min: np.ndarray | None = None,
    start_min: float = 0.0,
    time_limit_s: float = 2.0,
) -> tuple[list[int], float, str]:
    """Exact (travel time only) for up to 12 stops plus a fixed start; beyond, OR-Tools with the
    opening-hour ``windows`` when given, or :func:`heuristic_order` when OR-Tools finds no order
    within ``time_limit_s``. Returns (order, travel cost, method)."""
    if len(cost) <= EXACT_LIMIT + (first is not None):
        return (*held_karp(cost, first, last, round_trip), "held-karp")
    try:
        order, value = ortools_order(cost, first, last, round_trip, time_limit_s, windows, service_min, start_min)
    except NoSolution:
        return (*heuristic_order(cost, first, last, round_trip), HEURISTIC)
    return order, value, "or-tools" + (" with time windows" if windows is not None else "")
