"""Stop order: exact Held-Karp dynamic programming up to 12 stops (plus a fixed start); beyond, a
deterministic nearest neighbour + 2-opt + or-opt local search with a time budget, refined by OR-Tools
when opening-hour windows bound the order. :func:`ortools_order` alone runs a guided local search for
as long as it is given.

Cost matrices are travel times in minutes (any non-negative cost works). A route is an open path
(optionally with a fixed first and/or last stop) or a round trip back to the first stop.
"""

from __future__ import annotations

import time

import numpy as np

EXACT_LIMIT = 12
HEURISTIC = "nearest neighbour + 2-opt"
HEURISTIC_CUT = "nearest neighbour + 2-opt, cut at the time budget"  # the budget ran out before a local optimum
WINDOWS_REFINED = "nearest neighbour + 2-opt, or-tools with time windows"
BUDGET_S = 0.3  # the local search's time budget (s) beyond the exact limit: a route edit stays under 1 s
START_TRIES = 4  # the cheapest nearest-neighbour tours improved by local search
KICKS = 20  # random double-bridge moves tried on the best local optimum (seeded: the same order every time)


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
    stops = np.arange(n)
    masks = np.arange(1 << n)
    size = ((masks[:, None] >> stops) & 1).sum(axis=1)
    for k in range(1, n):  # extend every path of k stops by one stop, all at once
        layer = masks[size == k]
        through = best[layer][:, :, None] + cost[None, :, :]  # (path, its end, next stop)
        via = through.argmin(axis=1)
        value = np.take_along_axis(through, via[:, None, :], axis=1)[:, 0, :]
        nxt = layer[:, None] | (1 << stops)
        allowed = (((layer[:, None] >> stops) & 1) == 0) & np.isfinite(value)
        if last is not None:
            allowed[:, last] &= nxt[:, last] == full  # the fixed last stop comes last
        path, stop = np.nonzero(allowed)
        target, value, via = nxt[path, stop], value[path, stop], via[path, stop]
        ranked = np.lexsort((value, target * n + stop))  # the cheapest way into each (set, end) first
        _, first_of = np.unique((target * n + stop)[ranked], return_index=True)
        keep = ranked[first_of]
        best[target[keep], stop[keep]] = value[keep]
        parent[target[keep], stop[keep]] = via[keep]
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
    initial: list[int] | None = None,
) -> tuple[list[int], float]:
    """A near-optimal order from OR-Tools routing (guided local search for ``time_limit_s``).
    From an ``initial`` order (all stops, the fixed ends in place) a greedy local search runs
    instead, until no move improves or ``time_limit_s`` has passed: deterministic when it finishes.

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
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(ints.tolist()))
    if windows is not None:
        service = np.zeros(n) if service_min is None else np.asarray(service_min, dtype=float)
        service_ints = np.rint(np.append(service, 0.0) * scale).astype(np.int64)
        timed = routing.RegisterTransitMatrix((ints + service_ints[:, None]).tolist())  # leg + visit at its start
        # the horizon holds any order: waiting for the latest opening, every visit and each stop's longest leg
        latest_open = max([start_min, *(w[0] for w in windows if w is not None)])
        horizon = int((latest_open + service.sum() + cost.max(axis=1).sum() + 1.0) * scale)
        routing.AddDimension(timed, horizon, horizon, False, "time")
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
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if initial is None:
        solution = routing.SolveWithParameters(params)
    else:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        start = routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(k) for k in initial]], True)
        solution = None if start is None else routing.SolveFromAssignmentWithParameters(start, params)
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
    cost: np.ndarray,
    first: int | None = None,
    last: int | None = None,
    round_trip: bool = False,
    budget_s: float | None = None,
) -> tuple[list[int], float]:
    """A deterministic order: nearest-neighbour tours improved by 2-opt and or-opt moves (see
    :func:`local_search`). Returns (order, cost)."""
    order, value, _ = local_search(cost, first, last, round_trip, budget_s)
    return order, value


def _closed(cost: np.ndarray, first: int | None, last: int | None, round_trip: bool) -> tuple[np.ndarray, int]:
    """The cost matrix of a closed tour and the node it starts at: a round trip as it is; an open path
    gets a dummy node (index n) with free legs to and from it, or only to ``first`` and from ``last``."""
    if round_trip:
        return cost, (0 if first is None else first)
    n = len(cost)
    huge = float(cost.sum() * 10 + 1)  # a leg no improving move takes
    closed = np.zeros((n + 1, n + 1))
    closed[:n, :n] = cost
    if first is not None:
        closed[n, :n] = huge
        closed[n, first] = 0.0
    if last is not None:
        closed[:n, n] = huge
        closed[last, n] = 0.0
    return closed, n


def _nearest_tour(closed: np.ndarray, head: list[int], last: int | None) -> list[int]:
    """A closed tour beginning with ``head`` (the anchor, then the stops it must visit first), then
    always the nearest stop not yet visited, ``last`` at the end."""
    n = len(closed)
    tour = list(dict.fromkeys(head))
    free = np.ones(n, dtype=bool)
    free[tour] = False
    if last is not None and last not in tour:
        free[last] = False
    while free.any():
        leg = np.where(free, closed[tour[-1]], np.inf)
        tour.append(int(np.argmin(leg)))
        free[tour[-1]] = False
    if last is not None and last not in tour:
        tour.append(last)
    return tour


def _two_opt(closed: np.ndarray, tour: np.ndarray) -> float:
    """Apply the best segment reversal of ``tour`` (positions 1.. of a closed tour; asymmetric costs
    count the reversed legs); return its gain (0 when none improves)."""
    m = len(tour)
    ahead = closed[tour, np.roll(tour, -1)]  # leg p -> p+1 (the last one back to the anchor)
    back = closed[np.roll(tour, -1), tour]  # the same leg travelled the other way
    fwd = np.concatenate([[0.0], np.cumsum(ahead)])  # fwd[k]: legs 0..k-1
    bwd = np.concatenate([[0.0], np.cumsum(back)])
    i, j = np.triu_indices(m, k=1)
    keep = i >= 1
    i, j = i[keep], j[keep]
    a, b, c, d = tour[i - 1], tour[i], tour[j], tour[(j + 1) % m]
    gain = closed[a, b] + closed[c, d] + (fwd[j] - fwd[i]) - closed[a, c] - closed[b, d] - (bwd[j] - bwd[i])
    best = int(np.argmax(gain)) if len(gain) else 0
    if not len(gain) or gain[best] <= 1e-9:
        return 0.0
    tour[i[best] : j[best] + 1] = tour[i[best] : j[best] + 1][::-1]
    return float(gain[best])


def _or_opt(closed: np.ndarray, tour: np.ndarray) -> float:
    """Apply the best move of a run of 1-3 stops to another place of ``tour`` (same direction);
    return its gain (0 when none improves)."""
    m, best = len(tour), (1e-9, None)
    nxt = np.roll(tour, -1)
    spots = np.arange(m)  # insert between tour[k] and tour[k + 1]
    for length in (1, 2, 3):
        start = np.arange(1, m - length + 1)  # the run tour[s..e]
        end = start + length - 1
        p, q, head, tail = tour[start - 1], tour[(end + 1) % m], tour[start], tour[end]
        removed = closed[p, head] + closed[tail, q] - closed[p, q]
        added = closed[tour[None, :], head[:, None]] + closed[tail[:, None], nxt[None, :]] - closed[tour, nxt][None, :]
        added[(spots[None, :] >= start[:, None] - 1) & (spots[None, :] <= end[:, None])] = np.inf  # not in place
        gain = removed[:, None] - added
        run, k = np.unravel_index(int(np.argmax(gain)), gain.shape) if gain.size else (0, 0)
        if gain.size and gain[run, k] > best[0]:
            best = (float(gain[run, k]), (int(start[run]), int(end[run]), int(k)))
    if best[1] is None:
        return 0.0
    s, e, k = best[1]
    run, rest = tour[s : e + 1].copy(), np.concatenate([tour[:s], tour[e + 1 :]])
    at = k + 1 if k < s else k - (e - s + 1) + 1
    tour[:] = np.concatenate([rest[:at], run, rest[at:]])
    return best[0]


def local_search(
    cost: np.ndarray,
    first: int | None = None,
    last: int | None = None,
    round_trip: bool = False,
    budget_s: float | None = None,
) -> tuple[list[int], float, bool]:
    """A deterministic order for any number of stops: nearest-neighbour tours (from the fixed start,
    or from each stop, the :data:`START_TRIES` cheapest kept), each improved by the best 2-opt
    (segment reversal) or or-opt (a run of 1-3 stops moved) move until none improves. Keeps
    ``first``/``last`` at their ends and, for a round trip, counts the way back.

    ``budget_s`` (s of wall time, None: no limit) stops the search early; the order is then the
    best found so far. Returns (order, cost, finished): ``finished`` is False when the budget
    stopped it before a local optimum.
    """
    cost = _check(cost, first, last)
    n = len(cost)
    if round_trip:
        first, last = (0 if first is None else first), None
    if n <= 2:
        return (*held_karp(cost, first, last, round_trip), True)
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    closed, anchor = _closed(cost, first, last, round_trip)
    # the tours begin at each stop, or with the fixed first stop and then each other stop
    fixed = [] if first is None else [first]
    heads = [[anchor, *fixed, k] for k in range(n) if k not in (first, last)]
    tours = [np.array(_nearest_tour(closed, head, last)) for head in heads]
    length = [float(closed[t, np.roll(t, -1)].sum()) for t in tours]
    tours = [tours[k] for k in np.argsort(length, kind="stable")[:START_TRIES]]

    def improve(tour: np.ndarray) -> tuple[float, bool]:
        while _two_opt(closed, tour) or _or_opt(closed, tour):
            if deadline is not None and time.perf_counter() > deadline:
                return float(closed[tour, np.roll(tour, -1)].sum()), False
        return float(closed[tour, np.roll(tour, -1)].sum()), True

    best, finished = None, True
    for tour in tours:
        value, finished = improve(tour)
        if best is None or value < best[1] - 1e-9:
            best = (tour, value)
        if not finished:
            break
    rng = np.random.default_rng(0)
    m = len(best[0])
    for _ in range(KICKS if finished and m > 8 else 0):  # a double bridge: A B C D -> A C B D
        a, b, c = np.sort(rng.choice(np.arange(2, m), size=3, replace=False))
        tour = best[0]
        kicked = np.concatenate([tour[:a], tour[b:c], tour[a:b], tour[c:]])
        value, finished = improve(kicked)
        if value < best[1] - 1e-9:
            best = (kicked, value)
        if not finished:
            break
    order = [int(k) for k in best[0] if k != n or round_trip]
    return order, route_cost(cost, order, round_trip), finished


def best_order(
    cost: np.ndarray,
    first: int | None = None,
    last: int | None = None,
    round_trip: bool = False,
    windows: list[tuple[float, float] | None] | None = None,
    service_min: np.ndarray | None = None,
    start_min: float = 0.0,
    budget_s: float = BUDGET_S,
) -> tuple[list[int], float, str]:
    """Exact (travel time only) for up to 12 stops plus a fixed start; beyond, :func:`local_search`
    within ``budget_s`` seconds and, when some opening-hour ``windows`` bound the order, OR-Tools'
    local search from that order within the same budget (its order kept when it finds one).
    Returns (order, travel cost, method): ``held-karp``, :data:`HEURISTIC`, :data:`HEURISTIC_CUT`
    (the budget ran out) or :data:`WINDOWS_REFINED`."""
    if len(cost) <= EXACT_LIMIT + (first is not None):
        return (*held_karp(cost, first, last, round_trip), "held-karp")
    order, value, finished = local_search(cost, first, last, round_trip, budget_s)
    method = HEURISTIC if finished else HEURISTIC_CUT
    if windows is not None and any(w is not None for w in windows):
        try:
            order, value = ortools_order(
                cost, first, last, round_trip, budget_s, windows, service_min, start_min, initial=order
            )
            method = WINDOWS_REFINED
        except NoSolution:
            pass
    return order, value, method
