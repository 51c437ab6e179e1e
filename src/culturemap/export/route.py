"""Write a planned route as GPX 1.1 (waypoints + track), KML, GeoJSON or CSV."""

from __future__ import annotations

import json
from pathlib import Path

import gpxpy.gpx
from fastkml import Document, Placemark, StyleUrl, kml
from fastkml.geometry import LineString, Point
from fastkml.styles import LineStyle, Style
from pygeoif.geometry import LineString as LineGeometry
from pygeoif.geometry import Point as PointGeometry

from culturemap.routing.itinerary import Plan, path_coordinates

FORMATS = ("gpx", "kml", "geojson", "csv")


def _description(row) -> str:
    text = f"{row['order']}. {row['arrival']}-{row['departure']}"
    return f"{text} ({row['warning']})" if row["warning"] else text


def to_gpx(plan: Plan, title: str) -> str:
    """GPX 1.1: one waypoint per stop (name, arrival-departure) and one track along the path."""
    gpx = gpxpy.gpx.GPX()
    gpx.name = title
    gpx.description = _how(plan)
    for row in plan.stops.to_dict("records"):
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=row["lat"], longitude=row["lon"], name=row["name_zh"], description=_description(row)
            )
        )
    track = gpxpy.gpx.GPXTrack(name=title)
    segment = gpxpy.gpx.GPXTrackSegment()
    for lon, lat in path_coordinates(plan):
        segment.points.append(gpxpy.gpx.GPXTrackPoint(latitude=float(lat), longitude=float(lon)))
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


def _how(plan: Plan) -> str:
    return "travel times estimated (great-circle x circuity)" if plan.estimated else "travel times from a road network"


def to_kml(plan: Plan, title: str) -> str:
    """OGC KML 2.2: one numbered placemark per stop and a styled line along the path."""
    document = Document(
        id="route",
        name=title,
        description=_how(plan),
        styles=[Style(id="route-line", styles=[LineStyle(color="ff3c14dc", width=3)])],
    )
    for row in plan.stops.to_dict("records"):
        document.append(
            Placemark(
                id=f"stop-{row['order']}",
                name=f"{row['order']}. {row['name_zh']}",
                description=_description(row),
                kml_geometry=Point(geometry=PointGeometry(row["lon"], row["lat"])),
            )
        )
    path = [tuple(map(float, xy)) for xy in path_coordinates(plan)]
    if len(path) > 1:
        line = LineString(geometry=LineGeometry(path))
        document.append(Placemark(id="path", name=title, style_url=StyleUrl(url="#route-line"), kml_geometry=line))
    body = kml.KML(features=[document]).to_string(prettyprint=True, precision=6)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def to_geojson(plan: Plan, title: str) -> str:
    """Stops (with ``order``, ``arrival``, ``departure``) and the path; says whether times are estimated."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lon", "lat")},
        }
        for row in plan.stops.to_dict("records")
    ]
    features.append(
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": path_coordinates(plan).tolist()},
            "properties": {"kind": "path", **plan.totals},
        }
    )
    doc = {
        "type": "FeatureCollection",
        "name": title,
        "travel_times": "estimated" if plan.estimated else "road network",
        "mode": plan.mode,
        "order_method": plan.method,
        "round_trip": plan.round_trip,
        "warnings": plan.warnings,
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_csv(plan: Plan, title: str) -> str:
    return plan.stops.to_csv(index=False)


def write_route(plan: Plan, title: str, fmt: str, path: str | Path) -> Path:
    """Write ``plan`` in ``fmt`` (gpx, kml, geojson, csv) to ``path``; returns the path."""
    writers = {"gpx": to_gpx, "kml": to_kml, "geojson": to_geojson, "csv": to_csv}
    if fmt not in writers:
        raise ValueError(f"unknown route format {fmt!r}: expected one of {', '.join(FORMATS)}")
    path = Path(path)
    path.write_text(writers[fmt](plan, title), encoding="utf-8")
    return path
