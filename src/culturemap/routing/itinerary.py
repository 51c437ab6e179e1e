"""Plan a themed route: stop order, arrival and departure times, opening hours, warnings.

Opening hours use the common subset of OpenStreetMap's ``opening_hours`` syntax: ``24/7`` or rules
``<days> <HH:MM-HH:MM>[,<HH:MM-HH:MM>]`` / ``<days> off`` separated by ``;`` (days ``Mo``..``Su``,
ranges ``Tu-Su``, lists ``Mo,We``). Later rules override earlier ones for their days. Anything
else is reported as unreadable and the stop is treated as open.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from culturemap.catalog import City
from culturemap.i18n import tr
from culturemap.routing.errors import RouteError
from culturemap.routing.solve import best_order
from culturemap.routing.travel import LEG_LIMIT_KM, MODES, TravelMatrix, estimated_matrix, modes_for_leg

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_MIN = 24 * 60
DAYTIME_MIN = (7 * 60, 22 * 60)  # arrivals outside it are flagged at stops whose opening hours are unknown
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
    """A planned route: stops in visit order with day, date and times, legs, totals and warnings.

    ``path`` is the whole drawn path, ``day_paths`` the same cut into days (each day's path starts
    where the previous night was spent); both are (lon, lat) rows in WGS-84.
    """

    stops: pd.DataFrame
    totals: dict
    warnings: list[tuple[str, str, str, Note]]  # (name_zh, name_en, id, note) per stop with a warning
    estimated: bool
    mode: str
    method: str
    round_trip: bool
    geometry: gpd.GeoSeries = field(repr=False)
    path: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 2)))
    day_paths: list[np.ndarray] = field(repr=False, default_factory=list)
    # stops a day limit left out: id, name_zh, name_en and ``reason`` (a Note: why, and what would fit them)
    left_out: list[dict] = field(default_factory=list)

    def warning_lines(self, lang: str = "en") -> list[str]:
        """The warnings in ``lang``: first that the route runs past midnight without a day end (when it
        does), then each day that ends after the day's end (22:00 without one), then one line per
        stop warning, ``name (id): what is wrong``."""
        t = self.totals
        overnight = [tr("routes_past_midnight", lang, day=t["days"], date=t["end_date"], end=t["end"])]
        limit = t.get("day_end_min") or DAYTIME_MIN[1]
        overruns = [
            tr("routes_day_overrun", lang, limit=_clock(limit), **d)
            for d in t["per_day"]
            if _minutes(d["start"]) + d["duration_min"] > limit + 0.5
            and not (t.get("midnights") and _minutes(d["start"]) + d["duration_min"] >= DAY_MIN)
        ]
        return [*(overnight if t.get("midnights") else []), *overruns, *(
            tr("note_line", lang, name=zh if lang == "zh" else en, id=fid, note=note_text(note, lang))
            for zh, en, fid, note in self.warnings
        )]  # fmt: skip

    def left_out_lines(self, lang: str = "en") -> list[str]:
        """The stops a day limit left out in ``lang``: a first line saying how many fit, then one line
        per stop left out, ``name (id): why, and what would fit it``; none when every stop fits."""
        if not self.left_out:
            return []
        fit, values = int((self.stops["role"] == "stop").sum()), self.left_out[0]["reason"][1]
        head = tr("routes_left_out", lang, fit=fit, n=fit + len(self.left_out), left=len(self.left_out),
                  days=values["days"], start=values["start"], end=values["end"])  # fmt: skip
        return [head, *(
            tr(s["reason"][0], lang, name=s["name_zh" if lang == "zh" else "name_en"], id=s["id"], **s["reason"][1])
            for s in self.left_out
        )]  # fmt: skip


def _hhmm(minutes: float) -> str:
    return (datetime(2000, 1, 1) + timedelta(minutes=round(minutes))).strftime("%H:%M")


def _clock(minutes: float) -> str:
    """HH:MM of a day's end, 24:00 for midnight."""
    return "24:00" if round(minutes) == DAY_MIN else _hhmm(minutes)


Note = tuple[str, dict] | None  # a stop's warning: an i18n key (``note_*``) and its values


def note_text(note: Note, lang: str = "en") -> str:
    """A stop's warning in ``lang`` ("" when there is none)."""
    return tr(note[0], lang, **note[1]) if note else ""


def _visit(stop: pd.Series, arrival: float, day: date) -> tuple[float, float, Note]:
    """Visit ``stop`` reached at ``arrival`` (min after midnight of ``day``): the wait for opening
    (min), the departure (min after midnight) and a warning (None when none)."""
    wait, note = 0.0, None
    try:
        windows = opening_windows(stop.get("opening_hours"), day.weekday())
    except ValueError as exc:
        windows, note = None, ("note_hours_unreadable", {"reason": str(exc)})
    if windows is not None:
        later = [w for w in windows if w[1] > arrival]
        if not later:
            note = ("note_closed_on_arrival" if windows else "note_closed_that_day", {})
        elif later[0][0] > arrival:
            wait = later[0][0] - arrival
        if later and arrival + wait + stop["dwell_min"] > later[0][1]:
            note = note or ("note_closes_before_end", {"time": _hhmm(later[0][1])})
    return wait, arrival + wait + stop["dwell_min"], note


def _leg_note(leg_m: float, mode: str) -> Note:
    """A warning for a leg (m) longer than ``mode`` is sensible for, naming the modes that fit it. The
    leg is judged as shown, to 0.1 km: a 5.04 km walk reads 5.0 km and is not "over the sensible 5 km"."""
    km, limit = round(leg_m / 1000.0, 1), LEG_LIMIT_KM.get(mode)
    if limit is None or km <= limit:
        return None
    fits = modes_for_leg(km, mode)
    return ("note_leg_too_long", {"km": km, "limit": limit, "mode_zh": tr(f"leg_{mode}", "zh"),
            "mode_en": tr(f"leg_{mode}", "en"), "suggest_zh": "/".join(tr(f"mode_{m}", "zh") for m in fits),
            "suggest_en": "/".join(tr(f"mode_{m}", "en") for m in fits)})  # fmt: skip


def _dark_note(stop: pd.Series, arrival: float, day: date) -> Note:
    """A warning for a visit reached outside daytime (07:00-22:00) at a stop whose hours are unknown."""
    if stop.get("role", "stop") != "stop" or DAYTIME_MIN[0] <= arrival <= DAYTIME_MIN[1]:
        return None
    try:
        if opening_windows(stop.get("opening_hours"), day.weekday()) is not None:
            return None  # known hours: the visit checks them
    except ValueError:
        pass  # unreadable: as unknown
    return ("note_outside_daytime", {"time": _hhmm(arrival), "early": _hhmm(DAYTIME_MIN[0]),
                                     "late": _hhmm(DAYTIME_MIN[1])})  # fmt: skip


def _text_or_none(value) -> str | None:
    """A text cell as text, None when missing or blank (NaN from a missing cell)."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _next_date(day: date, end_min: float, start_min: int) -> date:
    """The date the next day starts on (at ``start_min``) after a day that ended at ``end_min``
    minutes after midnight of ``day`` (past 1440 when a long visit ran into the night)."""
    return day + timedelta(days=max(1, math.ceil((end_min - start_min) / 1440)))


def schedule(
    stops: pd.DataFrame,
    matrix: TravelMatrix,
    order: list[int],
    start_min: int,
    day: date,
    round_trip: bool,
    day_end_min: int | None = None,
) -> tuple[pd.DataFrame, dict, list[str]]:
    """Day, date, arrival and departure at each stop of ``order`` (rows of ``stops`` with
    ``dwell_min`` and ``opening_hours``; the table keeps each stop's ``address`` and ``opening_hours``);
    waits for opening time, reports stops reached after closing.

    Without ``day_end_min`` the route runs on from ``start_min`` (min after midnight), however long:
    past midnight its day and date advance (the opening hours of the new date apply) and every stop
    reached after midnight gets a warning (``totals["midnights"]`` counts the midnights). With it
    the route is cut into days: a day ends before the stop whose visit would end
    after ``day_end_min`` (the way back of a round trip counts as a visit), the night is spent at
    that day's last stop and the next day starts there at ``start_min`` on the next date, whose
    weekday the opening hours use; the leg from the night's stop is travelled on the new day. A
    stop that alone does not fit in a day gets a day of its own and a warning.

    ``totals`` holds the distance (km), travel and active time (min), start and end (HH:MM), the
    number of ``days``, the ``end_date`` (ISO), the ``midnights`` run past without a day end and
    ``per_day`` (day, date, stops, distance_km, travel_min, start, end, duration_min).
    """
    rows, warnings = [], []
    clock, dates, starts, ends, first_of_day = float(start_min), [day], [float(start_min)], [], 0

    def next_day() -> float:
        ends.append(clock)
        dates.append(_next_date(dates[-1], clock, start_min))
        starts.append(float(start_min))
        return float(start_min)

    def past_midnight() -> float:
        """No day end: the clock runs on into the next date (min after its midnight)."""
        ends.append(float(DAY_MIN))
        dates.append(dates[-1] + timedelta(days=1))
        starts.append(0.0)
        return clock - DAY_MIN

    for position, idx in enumerate(order):
        leg_m = leg_min = 0.0
        if position:
            prev = order[position - 1]
            leg_m, leg_min = matrix.distance_m[prev, idx], matrix.time_min[prev, idx]
        stop = stops.iloc[idx]
        while day_end_min is None and clock + leg_min >= DAY_MIN:
            clock = past_midnight()
        wait, departure, note = _visit(stop, clock + leg_min, dates[-1])
        if day_end_min is not None and departure > day_end_min:
            if position > first_of_day:  # the night at the previous stop, on from there next morning
                clock, first_of_day = next_day(), position
                wait, departure, note = _visit(stop, clock + leg_min, dates[-1])
            if departure > day_end_min:
                note = note or ("note_after_day_end", {"time": _hhmm(departure), "day_end": _hhmm(day_end_min)})
        arrival, clock = clock + leg_min, departure
        late = None
        if day_end_min is None and len(dates) > 1:
            late = ("note_after_midnight", {"day": len(dates), "date": dates[-1].isoformat(), "time": _hhmm(arrival)})
        far = _leg_note(float(leg_m), matrix.mode)
        notes = [n for n in (late, far, None if late else _dark_note(stop, arrival, dates[-1]), note) if n]
        warnings += [(stop["name_zh"], stop["name_en"], stop["id"], n) for n in notes]
        rows.append(
            {
                "order": position + 1,
                "id": stop["id"],
                "name_zh": stop["name_zh"],
                "name_en": stop["name_en"],
                "campus": _text_or_none(stop.get("campus")),  # a university's campuses share its name
                "layer": stop["layer"],
                "role": stop.get("role", "stop"),
                "address": _text_or_none(stop.get("address")),
                "opening_hours": _text_or_none(stop.get("opening_hours")),
                "day": len(dates),
                "date": dates[-1].isoformat(),
                "arrival": _hhmm(arrival),
                "departure": _hhmm(clock),
                "wait_min": round(wait, 1),
                "dwell_min": float(stop["dwell_min"]),
                "leg_km": round(float(leg_m) / 1000.0, 3),
                "leg_min": round(float(leg_min), 1),
                "warning": "; ".join(note_text(n, "en") for n in notes),
                "warning_zh": "；".join(note_text(n, "zh") for n in notes),
            }
        )
    back_m = back_min = 0.0
    if round_trip and len(order) > 1:
        back_m, back_min = matrix.distance_m[order[-1], order[0]], matrix.time_min[order[-1], order[0]]
        if day_end_min is not None and clock + back_min > day_end_min:
            clock = next_day()
        while day_end_min is None and clock + back_min >= DAY_MIN:
            clock = past_midnight()
        clock += back_min
        far = _leg_note(float(back_m), matrix.mode)  # a leg like any other, named as the way back
        back = (tr("routes_destination_round", "zh"), tr("routes_destination_round", "en"), stops.iloc[order[0]]["id"])
        warnings += [(*back, far)] if far else []
    while day_end_min is None and clock > DAY_MIN:  # the last visit ends after midnight
        clock = past_midnight()
    ends.append(clock)
    table = pd.DataFrame(rows)
    per_day = []
    for number, (on, begin, end) in enumerate(zip(dates, starts, ends), start=1):
        legs, last = table[table["day"] == number], number == len(dates)
        per_day.append(
            {
                "day": number,
                "date": on.isoformat(),
                "stops": int((legs["role"] == "stop").sum()),
                "distance_km": round(float(legs["leg_km"].sum()) + last * back_m / 1000.0, 3),
                "travel_min": round(float(legs["leg_min"].sum()) + last * back_min, 1),
                "start": _hhmm(begin),
                "end": "24:00" if end == DAY_MIN else _hhmm(end),
                "duration_min": round(float(end - begin), 1),
            }
        )
    totals = {
        "distance_km": round(float(table["leg_km"].sum()) + back_m / 1000.0, 3),
        "travel_min": round(float(table["leg_min"].sum()) + back_min, 1),
        "return_leg_km": round(float(back_m) / 1000.0, 3),
        "return_leg_min": round(float(back_min), 1),
        "start": _hhmm(start_min),
        "end": _hhmm(clock),
        "duration_min": round(float(sum(end - begin for begin, end in zip(starts, ends))), 1),
        "days": len(dates),
        "end_date": (dates[-1] + timedelta(days=int(clock // DAY_MIN))).isoformat(),
        "midnights": len(dates) - 1 if day_end_min is None else 0,
        "day_end_min": day_end_min,
        "per_day": per_day,
    }
    return table, totals, warnings


Endpoint = str | tuple[float, float] | None
ENDPOINT_NAMES = {
    "start": ("起点（自选位置）", "Start (chosen point)"),
    "end": ("终点（自选位置）", "End (chosen point)"),
}
ENDPOINT_ROLES = {"start": {"role_zh": "起点", "role_en": "start"}, "end": {"role_zh": "终点", "role_en": "end"}}


def _endpoint_row(spec: Endpoint, role: str, by_id: gpd.GeoDataFrame, city: City) -> pd.DataFrame | None:
    """One row for a start or end point that is not a visit: an asset passed through, or a map point."""
    if spec is None:
        return None
    if isinstance(spec, str):
        if spec not in by_id.index:
            raise RouteError("route_err_unknown_endpoint", id=spec, **ENDPOINT_ROLES[role])
        row = by_id.loc[[spec]].reset_index()
    else:
        lon, lat = (float(v) for v in spec)
        if not city.config.in_bbox(lon, lat):  # NaN compares False: outside
            west, south, east, north = city.config.bbox
            raise RouteError("route_err_outside", lon=lon, lat=lat, city_zh=city.config.name("zh"), **ENDPOINT_ROLES[role],
                             city_en=city.config.name("en"), west=west, east=east, south=south, north=north)  # fmt: skip
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


def _check_request(
    by_id: gpd.GeoDataFrame, stop_ids: list[str], start: str, day_end: str | None, max_days: int | None,
    round_trip: bool, destination: Endpoint, overrides: dict[str, dict | None],
) -> int | None:  # fmt: skip
    """Refuse a request that cannot be planned (RouteError); return the day end in min after midnight."""
    if not stop_ids:
        raise RouteError("route_err_no_stops")
    missing = [s for s in stop_ids if s not in by_id.index]
    if missing:
        raise RouteError("route_err_unknown_stops", ids=", ".join(missing))
    repeated = sorted({s for s in stop_ids if stop_ids.count(s) > 1})
    if repeated:
        raise RouteError("route_err_repeated", ids=", ".join(repeated))
    if not re.fullmatch(r"\d{1,2}:\d{2}", start):
        raise RouteError("route_err_start_time", value=start)
    if max_days is not None and (isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 1):
        raise RouteError("route_err_max_days", value=max_days)
    if day_end is None and max_days is not None:
        day_end = "24:00"
    if day_end is not None and not (
        re.fullmatch(r"\d{1,2}:\d{2}", day_end) and _minutes(start) < _minutes(day_end) <= 24 * 60
    ):
        raise RouteError("route_err_day_end", value=day_end, start=start)
    if round_trip and destination is not None:
        raise RouteError("route_err_round_and_end")
    for name, values in overrides.items():
        unknown = sorted(set(values or {}) - set(stop_ids))
        if unknown:
            raise RouteError("route_err_overrides", name=name, ids=", ".join(unknown))
    return None if day_end is None else _minutes(day_end)


def _day_paths(
    order: list[int],
    days: list[int],
    return_day: int | None,
    lon: np.ndarray,
    lat: np.ndarray,
    leg_paths: dict | None,
    n_days: int = 1,
) -> list[np.ndarray]:
    """The (lon, lat) path of each day: ``days`` is the day of each position of ``order``,
    ``return_day`` that of the way back of a round trip (None without one); a day starts where the
    night was spent."""
    legs = [(order[k - 1], order[k], days[k]) for k in range(1, len(order))]
    if return_day is not None:
        legs.append((order[-1], order[0], return_day))
    paths = [[(lon[order[0]], lat[order[0]])]]
    for a, b, on in legs:
        while on > len(paths):
            paths.append([(lon[a], lat[a])])
        paths[-1] += leg_paths[(a, b)][1:] if leg_paths else [(lon[b], lat[b])]
    while len(paths) < n_days:  # a day with no leg: the last visit ran past midnight
        paths.append([paths[-1][-1]])
    return [np.round(np.asarray(path, dtype=float).reshape(-1, 2), 6) for path in paths]


def _faster_mode(
    stops: gpd.GeoDataFrame, order: list[int], mode: str, matrix_for, start_min: int, day: date, round_trip: bool,
    day_end_min: int, max_days: int,
) -> str | None:  # fmt: skip
    """The slowest mode faster than ``mode`` in which the stops, visited in ``order`` (the order found
    for ``mode``: estimated travel times of every mode are the same distances at another speed), fit
    in ``max_days``; None when none does. ``matrix_for(mode)`` measures the legs; no order is solved."""
    for faster in sorted((m for m in MODES.values() if m.speed_kph > MODES[mode].speed_kph), key=lambda m: m.speed_kph):
        try:
            matrix = matrix_for(faster.id)
        except ValueError:  # e.g. a road network without that mode
            continue
        if schedule(stops, matrix, order, start_min, day, round_trip, day_end_min)[1]["days"] <= max_days:
            return faster.id
    return None


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
    day_end: str | None = None,
    max_days: int | None = None,
    measure=None,
    assets: gpd.GeoDataFrame | None = None,
) -> Plan:
    """Order ``stop_ids`` (exact up to 12 stops, beyond a local search with a time budget: see
    :func:`~culturemap.routing.solve.best_order`), time the visit from ``start`` (HH:MM) on ``day``
    and report conflicts.

    The route starts at ``origin`` and ends at ``destination`` when given: a stop id (moved to
    that end of the route), any other asset id or a (lon, lat) point in WGS-84 (passed through,
    no visit). Without an origin the first stop stays first when ``keep_first``; ``keep_last``
    keeps the last stop last. ``dwell_min`` sets visit minutes per layer, ``stop_dwell`` and
    ``stop_hours`` (OSM ``opening_hours`` text, None for unknown) per stop id.

    Without ``day_end`` and ``max_days`` the route runs on, however long, and the order keeps to
    the opening hours where it can; past midnight it is on the next date, with a warning. With
    ``day_end`` (HH:MM, at most 24:00) the stops are ordered once (by travel time) and the sequence is cut into days (see :func:`schedule`): each
    day starts at ``start`` where the previous night was spent, on the next date. ``max_days``
    caps the days (``day_end`` then defaults to 24:00): of a route that needs more, the stops that fit
    in ``max_days`` are planned (ordered anew) and the rest listed in ``Plan.left_out`` with why
    and what would fit them (the days the whole route needs; a faster mode when all fit in it).

    With a road ``graph`` (see :mod:`culturemap.routing.network`) legs follow the roads; without
    one they are estimated (great-circle x circuity) and the plan says so. ``measure`` replaces
    :func:`~culturemap.routing.network.network_matrix` (same arguments and result), e.g. with a
    cached one, so that a changed visit time does not measure the same legs again. ``assets`` are
    ``city.assets()`` when the caller already has them.

    Raises :class:`RouteError` (a ValueError, English ``str()``, ``.message(lang)`` in zh/en) for
    a request that cannot be planned.
    """
    assets = city.assets() if assets is None else assets
    by_id = assets.set_index("id")
    day_end_min = _check_request(by_id, stop_ids, start, day_end, max_days, round_trip, destination,
                                 {"stop_dwell": stop_dwell, "stop_hours": stop_hours})  # fmt: skip
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

    def matrix_for(travel: str) -> tuple[TravelMatrix, dict | None]:
        if graph is None:
            return estimated_matrix(lon, lat, travel), None
        from culturemap.routing.network import network_matrix

        return (measure or network_matrix)(graph, lon, lat, travel, city.config.metric_crs)

    matrix, leg_paths = matrix_for(mode)
    day = day or date.today()
    free = len(stops) - (first is not None) - (last is not None and last != first)
    if optimise and free > 1:
        windows = None  # over several days one day's opening hours do not bound the order
        if day_end_min is None:
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
    table, totals, warnings = schedule(stops, matrix, order, _minutes(start), day, round_trip, day_end_min)
    if max_days is not None and totals["days"] > max_days:
        visits = table["role"] == "stop"
        fits = visits & (table["day"] <= max_days)
        if fits.sum() == visits.sum():  # only the end point or the way back runs over: the last stop goes
            fits[visits[::-1].idxmax()] = False
        if not fits.any():
            raise RouteError("route_err_too_long", fit=0, n=int(visits.sum()), days=max_days, start=start,
                             end=day_end or "24:00", needed=totals["days"])  # fmt: skip
        kept = table.loc[fits, "id"].tolist()
        plan = plan_route(
            city, kept, mode, start, day, round_trip, keep_first, optimise, dwell_min, graph, origin, destination,
            keep_last, {k: v for k, v in (stop_dwell or {}).items() if k in kept},
            {k: v for k, v in (stop_hours or {}).items() if k in kept}, day_end, max_days, measure, assets,
        )  # fmt: skip
        faster = _faster_mode(stops, order, mode, lambda travel: matrix_for(travel)[0], _minutes(start), day,
                              round_trip, day_end_min, max_days)  # fmt: skip
        values = {"days": max_days, "start": start, "end": day_end or "24:00", "needed": totals["days"]}
        if faster:
            values |= {"mode_zh": tr(f"mode_{faster}", "zh"), "mode_en": tr(f"mode_{faster}", "en")}
        left = [*table.loc[visits & ~fits, ["id", "name_zh", "name_en"]].to_dict("records"), *plan.left_out]
        plan.left_out = [{"id": s["id"], "name_zh": s["name_zh"], "name_en": s["name_en"],
                          "reason": ("left_out_faster" if faster else "left_out_more_days", values)}
                         for s in left]  # fmt: skip
        return plan
    ordered = points.iloc[order].reset_index(drop=True)
    table["lon"] = ordered.x.round(6).to_numpy()
    table["lat"] = ordered.y.round(6).to_numpy()
    plan = Plan(
        table, totals, warnings, matrix.estimated, mode, method, round_trip, gpd.GeoSeries(ordered, crs=stops.crs)
    )
    return_day = totals["days"] if round_trip and len(order) > 1 else None
    plan.day_paths = _day_paths(order, table["day"].tolist(), return_day, lon, lat, leg_paths, totals["days"])
    plan.path = np.concatenate([plan.day_paths[0], *(p[1:] for p in plan.day_paths[1:])])
    return plan
