"""The Routes page's link: its URL parameters read into the page's widgets once per session and written back on every run."""

from __future__ import annotations

import re
from datetime import date, time

import streamlit as st

from culturemap.i18n import tr
from culturemap.routing.travel import MODES
from culturemap.ui.text import plain

FIRST, FREE, ROUND, ON_MAP = "__first__", "__free__", "__round__", "__map__"


SCRATCH = "__scratch__"


DAY_CHOICES = (0, 1, 2, 3, 4, 5, 6, 7)  # at most this many days; 0: as many as the stops need


URL_PARAMS = ("route", "stops", "mode", "start", "date", "round", "from", "to", "day_end", "days", "title")
TITLE_MAX_CHARS = 120


def _clock(text: str) -> time | None:
    """``HH:MM`` as a time, None when it is not one."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    return time(int(match[1]), int(match[2])) if match and int(match[1]) < 24 and int(match[2]) < 60 else None


def parse_route_params(
    params: dict[str, str], themes: list[str], asset_ids: set[str], in_bbox
) -> tuple[dict, list[str]]:
    """Read the route's URL parameters (see the module docstring) into widget values.

    ``themes`` are the route ids, ``asset_ids`` the ids a stop or an end may take, ``in_bbox(lon,
    lat)`` tells a point in the city. Returns (values by parameter, ``name=value`` items ignored).
    """
    values, ignored = {}, []

    def end(text: str):
        if text in asset_ids:
            return text
        try:
            lon, lat = (float(v) for v in text.split(","))
        except ValueError:
            return None
        return (round(lon, 6), round(lat, 6)) if in_bbox(lon, lat) else None

    readers = {
        "route": lambda v: SCRATCH if v == "scratch" else v if v in themes else None,
        "mode": lambda v: v if v in MODES else None,
        "start": _clock,
        "day_end": _clock,
        "date": lambda v: date.fromisoformat(v) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else None,
        "round": lambda v: True if v == "1" else None,
        "from": end,
        "to": end,
        "days": lambda v: int(v) if v.isdigit() and int(v) in DAY_CHOICES[1:] else None,
        "title": lambda v: " ".join(v.split())[:TITLE_MAX_CHARS] or None,
    }
    for name, text in params.items():
        if name == "stops":
            values["stops"] = []
            for fid in (v.strip() for v in text.split(",") if v.strip()):
                if fid in asset_ids and fid not in values["stops"]:
                    values["stops"].append(fid)
                else:
                    ignored.append(f"stops={fid}")
        elif name in readers:
            try:
                value = readers[name](text.strip())
            except ValueError:  # a date that does not exist
                value = None
            if value is None:
                ignored.append(f"{name}={text}")
            else:
                values[name] = value
    if values.get("round") and "to" in values:
        ignored.append(f"to={params['to']}")  # a round trip ends at the start
        del values["to"]
    return values, ignored


def read_url(city, themes: dict, asset_ids: set[str], lang: str) -> None:
    """Seed the route widgets from the URL once per session, with a notice per value dropped."""
    ss = st.session_state
    if ss.get("_route_url_read"):
        return
    ss["_route_url_read"] = True
    mine = {name: str(st.query_params[name]) for name in URL_PARAMS if name in st.query_params}
    values, ignored = parse_route_params(mine, list(themes), asset_ids, city.config.in_bbox)
    for item in ignored:
        st.toast(tr("app_url_ignored", lang, item=plain(item)))
    if "route" in values:
        ss["route_theme"] = values["route"]
    if "title" in values:
        ss["route_title"] = values["title"]
    if "stops" in values:
        ss["route_stops"] = values["stops"]
        ss["_route_theme_loaded"] = ss.get("route_theme", next(iter(themes), SCRATCH))
    for name, key in (("mode", "route_mode"), ("start", "route_start"), ("date", "route_date"),
                      ("day_end", "route_day_end"), ("days", "route_days")):  # fmt: skip
        if name in values:
            ss[key] = values[name]
    if "day_end" in values or "days" in values:
        ss["route_split"] = True
    if values.get("round"):
        ss["route_destination"] = ROUND
    for name, role in (("from", "origin"), ("to", "destination")):
        if isinstance(values.get(name), tuple):
            ss[f"_route_{role}_point"], ss[f"route_{role}"] = values[name], ON_MAP
        elif name in values:
            ss[f"route_{role}"] = values[name]


def write_url(params: dict[str, str | None]) -> None:
    """Put the route's parameters in the URL (None: not set, or the default) and leave the others."""
    for name in URL_PARAMS:
        if params.get(name) is not None:
            if st.query_params.get(name) != params[name]:
                st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


def end_param(choice: str, role: str) -> str | None:
    """The URL form of a start/end choice: an asset id, ``LON,LAT`` for a map point, else None."""
    if choice == ON_MAP:
        point = st.session_state.get(f"_route_{role}_point")
        return f"{point[0]:.6f},{point[1]:.6f}" if point else None
    return None if choice in (FIRST, FREE, ROUND) else choice
