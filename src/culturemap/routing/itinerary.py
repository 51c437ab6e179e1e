"""Plan a themed route: stop order, arrival and departure times, opening hours, warnings.

Opening hours use the common subset of OpenStreetMap's ``opening_hours`` syntax: ``24/7`` or rules
``<days> <HH:MM-HH:MM>[,<HH:MM-HH:MM>]`` / ``<days> off`` separated by ``;`` (days ``Mo``..``Su``,
ranges ``Tu-Su``, lists ``Mo,We``). Later rules override earlier ones for their days. Anything
else is reported as unreadable and the stop is treated as open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from culturemap.catalog import City
from culturemap.routing.solve import best_order
from culturemap.routing.travel import TravelMatrix, estimated_matrix

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DEFAULT_DWELL_MIN = {
    "scenic_spots": 90,
    "heritage_units": 45,
    "museums": 75,
    "night_tour_zones": 90,
    "universities": 30,
    "attractions": 30,
}
_RULE = re.compile(
    r"^(?P<days>[A-Za-z,\-]+)\s+(?P<times>off|closed|\d{1,2}:\d{2}-\d{1,2}:\d{2}(?:,\d{1,2}:\d{2}-\d{1,2}:\d{2})*)$"
)


def _days(spec: str) -> set[int]:
    out: set[int] = set()
    for part in spec.split(","):
        ends = part.split("-")
        if not all(e in DAYS for e in ends) or len(ends) > 2:
            raise ValueError(f"unknown day(s) {part!r}")
        a, b = DAYS.index(ends[0]), DAYS.index(ends[-1])
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return out


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def opening_windows(text: str | None, weekday: int) -> list[tuple[int, int]] | None:
    """Open intervals (minutes after midnight) on ``weekday`` (0 = Monday); None if unknown.

    Raises ValueError for text it cannot read.
    """
    if not isinstance(text, str) or not text.strip():
        return None  # None, NaN from a missing cell, or blank
    text = text.strip()
    if text == "24/7":
        return [(0, 24 * 60)]
    windows: list[tuple[int, int]] | None = None
    for rule in (r.strip() for r in text.split(";") if r.strip()):
        match = _RULE.match(rule)
        if not match:
            raise ValueError(f"cannot read opening hours rule {rule!r}")
        if weekday not in _days(match["days"]):
            continue
        times = match["times"]
        windows = [] if times in ("off", "closed") else [tuple(map(_minutes, t.split("-"))) for t in times.split(",")]
    return windows if windows is not None else []


@dataclass
class Plan:
    """A planned route: stops in visit order with times, legs, totals and warnings."""

    stops: pd.DataFrame
    totals: dict
    warnings: list[str]
    estimated: bool
    mode: str
    method: str
    round_trip: bool
    geometry: gpd.GeoSeries = field(repr=False)
    path: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 2)))  # (lon, lat) rows


def _hhmm(minutes: float) -> str:
    return (datetime(2000, 1, 1) + timedelta(minutes=round(minutes))).strftime("%H:%M")


def schedule(
    stops: pd.DataFrame, matrix: TravelMatrix, order: list[int], start_min: int, day: date, round_trip: bool
) -> tuple[pd.DataFrame, dict, list[str]]:
    """Arrival and departure at each stop of ``order`` (rows of ``stops`` with ``dwell_min`` and
    ``opening_hours``); waits for opening time, reports stops reached after closing."""
    rows, warnings = [], []
    clock = float(start_min)
    for position, idx in enumerate(order):
        leg_m = leg_min = 0.0
        if position:
            prev = order[position - 1]
            leg_m, leg_min = matrix.distance_m[prev, idx], matrix.time_min[prev, idx]
        clock += leg_min
        stop = stops.iloc[idx]
        arrival, wait, note = clock, 0.0, ""
        try:
            windows = opening_windows(stop.get("opening_hours"), day.weekday())
        except ValueError as exc:
            windows, note = None, f"opening hours not understood ({exc})"
        if windows is not None:
            later = [w for w in windows if w[1] > arrival]
            if not later:
                note = "closed on arrival" if windows else "closed that day"
            elif later[0][0] > arrival:
                wait = later[0][0] - arrival
                clock = later[0][0]
            if later and clock + stop["dwell_min"] > later[0][1]:
                note = note or f"closes at {_hhmm(later[0][1])}, before the visit ends"
        clock += stop["dwell_min"]
        if note:
            warnings.append(f"{stop['name_zh']} ({stop['id']}): {note}")
        rows.append(
            {
                "order": position + 1,
                "id": stop["id"],
                "name_zh": stop["name_zh"],
                "name_en": stop["name_en"],
                "layer": stop["layer"],
                "role": stop.get("role", "stop"),
                "arrival": _hhmm(arrival),
                "departure": _hhmm(clock),
                "wait_min": round(wait, 1),
                "dwell_min": float(stop["dwell_min"]),
                "leg_km": round(float(leg_m) / 1000.0, 3),
                "leg_min": round(float(leg_min), 1),
                "warning": note,
            }
        )
    back_m = back_min = 0.0
    if round_trip and len(order) > 1:
        back_m, back_min = matrix.distance_m[order[-1], order[0]], matrix.time_min[order[-1], order[0]]
        clock += back_min
    table = pd.DataFrame(rows)
    totals = {
        "distance_km": round(float(table["leg_km"].sum() if len(table) else 0.0) + back_m / 1000.0, 3),
        "travel_min": round(float(table["leg_min"].sum() if len(table) else 0.0) + back_min, 1),
        "return_leg_km": round(float(back_m) / 1000.0, 3),
        "start": _hhmm(start_min),
        "end": _hhmm(clock),
        "duration_min": round(float(clock - start_min), 1),
    }
    return table, totals, warnings


Endpoint = str | tuple[float, float] | None
ENDPOINT_NAMES = {
    "start": ("起点（自选位置）", "Start (chosen point)"),
    "end": ("终点（自选位置）", "End (chosen point)"),
}


def _endpoint_row(spec: Endpoint, role: str, by_id: gpd.GeoDataFrame, city: City) -> pd.DataFrame | None:
    """One row for a start or end point that is not a visit: an asset passed through, or a map point."""
    if spec is None:
        return None
    if isinstance(spec, str):
        if spec not in by_id.index:
            raise ValueError(f"unknown {role} point id {spec!r}")
        row = by_id.loc[[spec]].reset_index()
    else:
        lon, lat = (float(v) for v in spec)
        if not city.config.in_bbox(lon, lat):  # NaN compares False: outside
            west, south, east, north = city.config.bbox
            raise ValueError(
                f"the {role} point ({lon:.5f}, {lat:.5f}) is outside {city.config.name('en')} "
                f"(lon {west}..{east}, lat {south}..{north}); is it lat/lon swapped?"
            )
        zh, en = ENDPOINT_NAMES[role]
        row = gpd.GeoDataFrame(
            {"id": [role], "name_zh": [zh], "name_en": [en], "layer": ["point"]},
            geometry=gpd.points_from_xy([lon], [lat]),
            crs=by_id.crs,
        )
    row["opening_hours"] = None  # passing through: not a visit
    row["dwell_min"] = 0.0
    row["role"] = role
    return row


def plan_route(
    city: City,
    stop_ids: list[str],
    mode: str = "walk",
    start: str = "09:00",
    day: date | None = None,
    round_trip: bool = False,
    keep_first: bool = True,
    optimise: bool = True,
    dwell_min: dict[str, float] | None = None,
    graph=None,
    origin: Endpoint = None,
    destination: Endpoint = None,
    keep_last: bool = False,
    stop_dwell: dict[str, float] | None = None,
    stop_hours: dict[str, str | None] | None = None,
) -> Plan:
    """Order ``stop_ids`` (exact up to 12 stops, OR-Tools beyond), time the visit from ``start``
    (HH:MM) on ``day`` and report conflicts.

    The route starts at ``origin`` and ends at ``destination`` when given: a stop id (moved to
    that end of the route), any other asset id or a (lon, lat) point in WGS-84 (passed through,
    no visit). Without an origin the first stop stays first when ``keep_first``; ``keep_last``
    keeps the last stop last. ``dwell_min`` sets visit minutes per layer, ``stop_dwell`` and
    ``stop_hours`` (OSM ``opening_hours`` text, None for unknown) per stop id.

    With a road ``graph`` (see :mod:`culturemap.routing.network`) legs follow the roads; without
    one they are estimated (great-circle x circuity) and the plan says so.
    """
    assets = city.assets()
    by_id = assets.set_index("id")
    missing = [s for s in stop_ids if s not in by_id.index]
    if missing:
        raise ValueError(f"unknown stop id(s): {', '.join(missing)}")
    if len(set(stop_ids)) != len(stop_ids):
        raise ValueError("a stop appears twice in the route")
    if not re.fullmatch(r"\d{1,2}:\d{2}", start):
        raise ValueError(f"start time must be HH:MM, got {start!r}")
    if round_trip and destination is not None:
        raise ValueError("a round trip ends where it starts: choose either a round trip or an end point")
    for name, overrides in (("stop_dwell", stop_dwell), ("stop_hours", stop_hours)):
        unknown = sorted(set(overrides or {}) - set(stop_ids))
        if unknown:
            raise ValueError(f"{name} names id(s) that are not stops: {', '.join(unknown)}")
    ids = list(stop_ids)
    if isinstance(origin, str) and origin in ids:
        ids.remove(origin)
        ids.insert(0, origin)
        origin, keep_first = None, True
    if isinstance(destination, str) and destination in ids:
        ids.remove(destination)
        ids.append(destination)
        destination, keep_last = None, True
    stops = by_id.loc[ids].reset_index()
    dwell = {**DEFAULT_DWELL_MIN, **(dwell_min or {})}
    stops["dwell_min"] = [
        float((stop_dwell or {}).get(i, dwell.get(layer, 30))) for i, layer in zip(ids, stops["layer"])
    ]
    if "opening_hours" not in stops:
        stops["opening_hours"] = None
    for stop_id, text in (stop_hours or {}).items():
        stops.loc[stops["id"] == stop_id, "opening_hours"] = text or None
    stops["role"] = "stop"
    head, tail = _endpoint_row(origin, "start", by_id, city), _endpoint_row(destination, "end", by_id, city)
    stops = pd.concat([f for f in (head, stops, tail) if f is not None], ignore_index=True)
    stops = gpd.GeoDataFrame(stops, geometry="geometry", crs=assets.crs)
    first = 0 if (head is not None or keep_first) else None
    last = len(stops) - 1 if (tail is not None or keep_last) else None
    points = stops.geometry.representative_point()
    lon, lat = points.x.to_numpy(), points.y.to_numpy()
    leg_paths = None
    if graph is not None:
        from culturemap.routing.network import network_matrix

        matrix, leg_paths = network_matrix(graph, lon, lat, mode, city.config.metric_crs)
    else:
        matrix = estimated_matrix(lon, lat, mode)
    day = day or date.today()
    free = len(stops) - (first is not None) - (last is not None and last != first)
    if optimise and free > 1:
        windows = []
        for text in stops["opening_hours"]:
            try:
                open_at = opening_windows(text, day.weekday())
            except ValueError:
                open_at = None  # reported by the schedule
            windows.append((open_at[0][0], open_at[-1][1]) if open_at else None)
        order, _, method = best_order(
            matrix.time_min, first=first, last=last, round_trip=round_trip, windows=windows,
            service_min=stops["dwell_min"].to_numpy(), start_min=_minutes(start),
        )  # fmt: skip
    else:
        order, method = list(range(len(stops))), "as given"
    table, totals, warnings = schedule(stops, matrix, order, _minutes(start), day, round_trip)
    ordered = points.iloc[order].reset_index(drop=True)
    table["lon"] = ordered.x.round(6).to_numpy()
    table["lat"] = ordered.y.round(6).to_numpy()
    legs = list(zip(order[:-1], order[1:])) + ([(order[-1], order[0])] if round_trip and len(order) > 1 else [])
    path = [(lon[order[0]], lat[order[0]])] if order else []
    for a, b in legs:
        path += leg_paths[(a, b)][1:] if leg_paths else [(lon[b], lat[b])]
    plan = Plan(
        table, totals, warnings, matrix.estimated, mode, method, round_trip, gpd.GeoSeries(ordered, crs=stops.crs)
    )
    plan.path = np.round(np.asarray(path, dtype=float).reshape(-1, 2), 6)
    return plan


def path_coordinates(plan: Plan) -> np.ndarray:
    """The drawn path (lon, lat rows): along the roads with a network, straight legs otherwise."""
    return plan.path
