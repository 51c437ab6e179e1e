"""Write a planned route as GPX 1.1 (waypoints + a track per day), KML, GeoJSON or CSV; its title and totals in words.

A plan over several days says the day of each stop ("Day 2 · 10:30-11:15", a ``day`` column) and
draws each day's path on its own (a GPX track, a KML line, a GeoJSON LineString per day).
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import gpxpy.gpx
import pandas as pd
from fastkml import Document, Placemark, StyleUrl, kml
from fastkml.geometry import LineString, Point
from fastkml.styles import LineStyle, Style
from pygeoif.geometry import LineString as LineGeometry
from pygeoif.geometry import Point as PointGeometry

from culturemap.catalog import City, Route
from culturemap.export.data import to_csv_bytes
from culturemap.i18n import MESSAGES, tr
from culturemap.io.files import atomic_outputs
from culturemap.render.fact_card import blank, name_with_campus
from culturemap.routing.itinerary import Plan

FORMATS = ("gpx", "kml", "geojson", "csv")


_UNSAFE_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]+')


def full_name(row, lang: str, city: City | None = None) -> str:
    """A stop's name in ``lang`` with its campus when it has one ("兰州大学（城关校区）", "Lanzhou
    University (城关校区)"); the campus is the row's own or, given ``city``, its asset's."""
    campus = row.get("campus")
    frame = city.layers.get(row.get("layer")) if city is not None and blank(campus) else None
    if frame is not None and "campus" in frame:
        match = frame.loc[frame["id"] == row.get("id"), "campus"]
        campus = match.iloc[0] if len(match) else None
    return name_with_campus(row, lang, campus)


def route_title(
    route: Route | None, stop_ids, lang: str, plan: Plan | None = None, city: City | None = None,
    title: str | None = None,
) -> str:  # fmt: skip
    """The title of a route made of ``stop_ids``: ``title`` when the user gave one (white space
    collapsed), else the theme's own title while its stops are the theme's (in any order: the planner
    reorders them anyway), "Custom route (from <theme>)" once stops were added or removed; without a
    theme, its start in full and its days when ``plan`` is given ("兰州大学（城关校区） 出发 · 2 天",
    "From Lanzhou University (城关校区) · 2 days"; ``city`` names the campus), else "Custom route"."""
    if title and title.strip():
        return " ".join(title.split())
    if route is None:
        if plan is not None and len(plan.stops):
            days = int(plan.totals["days"])
            start = full_name(plan.stops.iloc[0].to_dict(), lang, city)
            return tr("route_title_from_one" if days == 1 else "route_title_from", lang, start=start, days=days)
        return tr("report_route_custom", lang)
    if set(stop_ids) == set(route.stops):
        return route.title(lang)
    return tr("report_route_custom_from", lang, theme=route.title(lang))


def file_slug(text: str, max_chars: int = 80) -> str:
    """``text`` as part of a file name on any system: Chinese and letters kept, / \\ : * ? " < > | and
    control characters dropped, white space and "·" as one "-", no dot or dash at either end, at most
    ``max_chars`` characters; "route" when nothing is left."""
    text = _UNSAFE_IN_FILE_NAMES.sub("", re.sub(r"[\s·]+", "-", unicodedata.normalize("NFC", str(text))))
    text = re.sub(r"-{2,}", "-", text).strip(".- ")
    return text[:max_chars].strip(".- ") or "route"


def route_file_name(city_id: str, title: str, day: date | str, fmt: str) -> str:
    """The download name of a route: ``<city>-<title>-<date>.<fmt>`` (title through :func:`file_slug`;
    ``day`` the route's first date, YYYY-MM-DD), e.g. ``lanzhou-黄河风情线漫步-2026-11-27.gpx``."""
    return f"{file_slug(city_id)}-{file_slug(title)}-{day if isinstance(day, str) else day.isoformat()}.{fmt}"


def method_label(method: str, lang: str) -> str:
    """How the order was found, in ``lang`` (the solver's own name when there is no translation)."""
    return tr(f"method_{method}", lang) if f"method_{method}" in MESSAGES else method


def end_text(totals: dict, lang: str) -> str:
    """The route's end (HH:MM), marked as on a later day when it ran past midnight without a day end:
    "02:34 (+1 day)" / "02:34（+1 天）"."""
    midnights = totals.get("midnights", 0)
    if not midnights:
        return totals["end"]
    key = "routes_end_next_day" if midnights == 1 else "routes_end_days_later"
    return tr(key, lang, time=totals["end"], days=midnights)


def totals_text(plan, lang: str) -> str:
    """One line: stops visited (not the start or end), km, minutes travelling, start-end, how the times and the order were found, days."""
    t = plan.totals
    how = tr("routes_how_estimated" if plan.estimated else "routes_how_network", lang)
    start, end = t["start"], end_text(t, lang)
    if t["days"] > 1 and not t.get("midnights"):  # the first day's start and the last day's end, with their dates
        start, end = f"{t['per_day'][0]['date']} {start}", f"{t['end_date']} {end}"
    visits = int((plan.stops["role"] == "stop").sum())  # the start and the end are not stops (as per day)
    text = tr("routes_totals", lang, n=visits, km=t["distance_km"], travel=t["travel_min"], start=start,
              end=end, how=how, method=method_label(plan.method, lang))  # fmt: skip
    return text + (" · " + tr("routes_days_total", lang, days=t["days"]) if t["days"] > 1 else "")


def day_lines(plan, lang: str) -> list[str]:
    """A line per day (date, stops, km, minutes travelling, start-end) when the plan has several."""
    days = plan.totals["per_day"]
    return [tr("routes_day_line", lang, **day) for day in days] if len(days) > 1 else []


def stop_warning(row, lang: str) -> str:
    """A stop's warnings (the ``warning`` or ``warning_zh`` column of ``Plan.stops``) in ``lang``."""
    text = row.get("warning_zh" if lang == "zh" else "warning")
    return "" if blank(text) else str(text)


def _description(row, days: int, lang: str = "en") -> str:
    """A stop's order, [day,] arrival-departure and warnings in ``lang``: "2. Day 1 · 18:25-19:55 (...)"."""
    day = f"{tr('routes_day_n', lang, day=row['day'])} · " if days > 1 else ""
    text = f"{row['order']}. {day}{row['arrival']}-{row['departure']}"
    warning = stop_warning(row, lang)
    if not warning:
        return text
    return f"{text}（{warning}）" if lang == "zh" else f"{text} ({warning})"


def _day_paths(plan: Plan, title: str, lang: str = "en") -> list[tuple[str, dict, list[tuple[float, float]]]]:
    """(name, that day's totals, (lon, lat) points) per day; one day is named ``title`` alone."""
    days = plan.totals["per_day"]
    return [
        (title if len(days) == 1 else f"{title} · {tr('routes_day_n', lang, day=day['day'])}", day,
         [tuple(map(float, xy)) for xy in path])
        for day, path in zip(days, plan.day_paths)
    ]  # fmt: skip


def to_gpx(plan: Plan, title: str, lang: str = "en") -> str:
    """GPX 1.1 in ``lang``: the route's name (``title``) and description (how its times were found, its
    warnings, the stops left out), one waypoint per stop (its name with the campus; order, [day,]
    arrival-departure and warnings) and one track per day."""
    gpx = gpxpy.gpx.GPX()
    gpx.name = title
    gpx.description = _about(plan, lang)
    for row in plan.stops.to_dict("records"):
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=row["lat"], longitude=row["lon"], name=full_name(row, lang),
                description=_description(row, plan.totals["days"], lang),
            )
        )  # fmt: skip
    for name, _, path in _day_paths(plan, title, lang):
        track = gpxpy.gpx.GPXTrack(name=name)
        segment = gpxpy.gpx.GPXTrackSegment()
        segment.points = [gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon) for lon, lat in path]
        track.segments.append(segment)
        gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


def _how(plan: Plan, lang: str = "en") -> str:
    """How the times were found and the totals, in ``lang`` (English: the words tools search for)."""
    if lang != "en":
        how = tr("report_route_estimated" if plan.estimated else "report_route_network", lang)
    elif plan.estimated:
        how = "travel times estimated (great-circle x circuity)"
    else:
        how = "travel times from a road network"
    return f"{how}\n{totals_text(plan, lang)}"


def _about(plan: Plan, lang: str = "en") -> str:
    """The route's description: how its times were found, its warnings and the stops left out, a line each."""
    return "\n".join([_how(plan, lang), *plan.warning_lines(lang), *plan.left_out_lines(lang)])


def to_kml(plan: Plan, title: str, lang: str = "en") -> str:
    """OGC KML 2.2 in ``lang``: the document's name (``title``) and description (as :func:`to_gpx`'s), one
    numbered placemark per stop (its name with the campus) and a styled line per day."""
    document = Document(
        id="route",
        name=title,
        description=_about(plan, lang),
        styles=[Style(id="route-line", styles=[LineStyle(color="ff3c14dc", width=3)])],
    )
    for row in plan.stops.to_dict("records"):
        document.append(
            Placemark(
                id=f"stop-{row['order']}",
                name=f"{row['order']}. {full_name(row, lang)}",
                description=_description(row, plan.totals["days"], lang),
                kml_geometry=Point(geometry=PointGeometry(row["lon"], row["lat"])),
            )
        )
    for name, day, path in _day_paths(plan, title, lang):
        if len(path) > 1:
            line = LineString(geometry=LineGeometry(path))
            document.append(Placemark(id=f"path-{day['day']}", name=name, style_url=StyleUrl(url="#route-line"),
                                      kml_geometry=line))  # fmt: skip
    body = kml.KML(features=[document]).to_string(prettyprint=True, precision=6)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def to_geojson(plan: Plan, title: str) -> str:
    """Stops (with ``order``, ``day``, ``date``, ``arrival``, ``departure``) and a path per day (with
    that day's totals); the collection says whether times are estimated and holds the totals."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lon", "lat")},
        }
        for row in plan.stops.to_dict("records")
    ]
    features += [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(xy) for xy in path]},
         "properties": {"kind": "path", **day}}
        for _, day, path in _day_paths(plan, title)
    ]  # fmt: skip
    doc = {
        "type": "FeatureCollection",
        "name": title,
        "travel_times": "estimated" if plan.estimated else "road network",
        "mode": plan.mode,
        "order_method": plan.method,
        "round_trip": plan.round_trip,
        "warnings": plan.warning_lines("en"),
        "left_out": [
            {k: s[k] for k in ("id", "name_zh", "name_en")} | {"reason": plan.left_out_lines("en")[i + 1]}
            for i, s in enumerate(plan.left_out)
        ],  # fmt: skip
        "totals": {k: v for k, v in plan.totals.items() if k != "per_day"},
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_csv(plan: Plan, title: str) -> bytes:
    """The stops table (order, day, date, times, legs, warnings in English and Chinese, lon/lat in WGS-84
    degrees), then a row per stop a day limit left out (role ``left_out``, no order nor times; why and
    what would fit it in ``warning``/``warning_zh``), through the app's one CSV writer
    (:func:`culturemap.export.data.to_csv_bytes`: BOM, formulas neutralised)."""
    reasons = {lang: plan.left_out_lines(lang)[1:] for lang in ("en", "zh")}
    left_out = pd.DataFrame(
        [{"id": s["id"], "name_zh": s["name_zh"], "name_en": s["name_en"], "role": "left_out", "warning": en,
          "warning_zh": zh} for s, en, zh in zip(plan.left_out, reasons["en"], reasons["zh"])],
        columns=plan.stops.columns,
    )  # fmt: skip
    if not len(left_out):
        return to_csv_bytes(plan.stops)
    table = pd.concat([plan.stops, left_out], ignore_index=True)
    whole = [c for c in plan.stops.columns if pd.api.types.is_integer_dtype(plan.stops[c])]
    return to_csv_bytes(table.astype({c: "Int64" for c in whole}))  # order 1, not 1.0 beside empty cells


def write_route(plan: Plan, title: str, fmt: str, path: str | Path, lang: str = "en") -> Path:
    """Write ``plan`` in ``fmt`` (gpx, kml, geojson, csv) to ``path``, atomically; returns the path.

    GPX and KML carry their description in ``lang``. ``path`` is checked with
    :func:`culturemap.io.files.safe_output_path` (a symlink writes its target; a folder, device or FIFO
    is refused) and the old file stays intact if writing fails.
    """
    writers = {"gpx": to_gpx, "kml": to_kml, "geojson": to_geojson, "csv": to_csv}
    if fmt not in writers:
        raise ValueError(f"unknown route format {fmt!r}: expected one of {', '.join(FORMATS)}")
    data = writers[fmt](plan, title, lang) if fmt in ("gpx", "kml") else writers[fmt](plan, title)
    with atomic_outputs([path]) as (tmp,):
        tmp.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return Path(path)
