"""Travel distances and times between stops.

Without a road network the distance is the great-circle (WGS-84 ellipsoid) distance times a
circuity factor per mode, and every result says ``estimated``. Speeds are door-to-door averages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from culturemap.routing.errors import RouteError

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Mode:
    """A way of travelling without a road network: door-to-door speed (km/h), circuity (road distance over
    straight-line distance) and a fixed overhead per leg (min)."""

    id: str
    speed_kph: float
    circuity: float  # road distance / straight-line distance
    overhead_min: float = 0.0  # per leg: waiting for a taxi, parking, unlocking a bike


MODES: dict[str, Mode] = {
    m.id: m
    for m in (
        Mode("walk", 4.5, 1.3),
        Mode("bike", 12.0, 1.35, overhead_min=2.0),
        Mode("car", 25.0, 1.4, overhead_min=5.0),
        Mode("taxi", 25.0, 1.4, overhead_min=4.0),
    )
}
# the longest leg (km, as travelled) each mode is sensible for; a mode not named has no limit
LEG_LIMIT_KM: dict[str, float] = {"walk": 5.0, "bike": 20.0}


def modes_for_leg(km: float, mode: str) -> list[str]:
    """The modes other than ``mode`` sensible for a leg of ``km`` km: the slowest one with a limit
    that fits (bike for 8 km), else every mode without a limit (car, taxi)."""
    fitting = [m for m in MODES if m != mode and km <= LEG_LIMIT_KM.get(m, math.inf)]
    limited = [m for m in fitting if m in LEG_LIMIT_KM]
    return limited[:1] or fitting


@dataclass(frozen=True)
class TravelMatrix:
    """Leg distances (m) and times (min) between every pair of stops; ``estimated`` when not from a network."""

    distance_m: np.ndarray
    time_min: np.ndarray
    estimated: bool
    mode: str


def travel_mode(mode: str) -> Mode:
    """The :class:`Mode` called ``mode``; RouteError naming the known modes otherwise."""
    if mode not in MODES:
        raise RouteError("route_err_mode", mode=mode, modes=", ".join(MODES))
    return MODES[mode]


def estimated_matrix(lon: np.ndarray, lat: np.ndarray, mode: str) -> TravelMatrix:
    """Great-circle distance x the mode's circuity, at the mode's speed, plus its per-leg overhead."""
    m = travel_mode(mode)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    n = len(lon)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    _, _, straight = _GEOD.inv(lon[i.ravel()], lat[i.ravel()], lon[j.ravel()], lat[j.ravel()])
    distance = straight.reshape(n, n) * m.circuity
    time = distance / 1000.0 / m.speed_kph * 60.0 + np.where(distance > 0, m.overhead_min, 0.0)
    np.fill_diagonal(time, 0.0)
    return TravelMatrix(distance, time, True, mode)
