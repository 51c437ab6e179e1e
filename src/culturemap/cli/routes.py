"""The ``route`` command: order and time a themed route or a list of stops (over the pack's road network
when it has one, else estimated) and write it as GPX, KML, GeoJSON or CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from culturemap.cli.args import (
    TRAVEL_MODES,
    add_city,
    add_lang,
    add_out,
    clock_time,
    endpoint,
    feature_ids,
    iso_date,
    read_city,
)


def add_route_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap route --city C (--theme T | --stops A,B) [--mode] [--start] [--date] ... --format --out``."""
    route = sub.add_parser("route", help="order and time a themed route; write GPX, KML, GeoJSON or CSV")
    add_city(route)
    which = route.add_mutually_exclusive_group(required=True)
    which.add_argument("--theme", help="route id from the pack's routes.toml")
    which.add_argument("--stops", type=feature_ids, help="comma-separated feature ids")
    route.add_argument("--mode", choices=TRAVEL_MODES, default="walk")
    route.add_argument("--start", type=clock_time, default="09:00", help="start time HH:MM")
    route.add_argument("--date", type=iso_date, help="YYYY-MM-DD, for opening days (default: today)")
    route.add_argument("--round-trip", action="store_true", help="return to the first stop")
    route.add_argument("--day-end", help="HH:MM each day ends; the route is split into days (night at the last stop)")
    route.add_argument(
        "--days", type=int, help="at most this many days (the stops that do not fit are left out, with a warning)"
    )
    route.add_argument("--from", dest="origin", type=endpoint, help="start: a feature id or LON,LAT (WGS-84)")
    route.add_argument("--to", dest="destination", type=endpoint, help="end: a feature id or LON,LAT (WGS-84)")
    route.add_argument("--keep-order", action="store_true", help="visit the stops in the given order")
    route.add_argument("--format", choices=("gpx", "kml", "geojson", "csv"), required=True)
    add_out(route)
    add_lang(route, "language of the route title and of the GPX/KML description")
    route.add_argument("--title", help="the route's title (default: the theme's, or its start and days)")
    route.add_argument(
        "--network",
        help="road network: OpenStreetMap .osm.pbf / .osm or osmnx .graphml "
        "(default: the pack's network.osm.pbf, network.osm or network.graphml if present)",
    )
    route.set_defaults(func=cmd_route)


def cmd_route(args: argparse.Namespace) -> int:
    """Plan the route (distances in km, times HH:MM), write it to --out and print its totals and warnings."""
    from culturemap.export.route import end_text, route_title, write_route
    from culturemap.routing.itinerary import plan_route

    city = read_city(args.city)
    if args.theme:
        route = next((r for r in city.routes if r.id == args.theme), None)
        if route is None:
            known = ", ".join(r.id for r in city.routes) or "none"
            print(f"error: no route {args.theme!r} in {city.path / 'routes.toml'} (known: {known})", file=sys.stderr)
            return 2
        stops = list(route.stops)
    else:
        route = None
        stops = list(args.stops)
        if len({*stops, args.origin, args.destination} - {None}) < 2:
            print(f"error: argument --stops: expected at least 2 stops, or 1 with --from or --to; got {','.join(stops)!r}",
                  file=sys.stderr)  # fmt: skip
            return 2
    day = args.date or date.today()
    from culturemap.routing.network import load_graph, pack_network

    network = Path(args.network) if args.network else pack_network(city.path)
    try:
        graph = load_graph(network) if network else None
        plan = plan_route(
            city, stops, args.mode, args.start, day, args.round_trip, optimise=not args.keep_order, graph=graph,
            origin=args.origin, destination=args.destination, day_end=args.day_end, max_days=args.days,
        )  # fmt: skip
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    title_lang = args.lang or city.config.default_lang
    title = route_title(route, stops, title_lang, plan, city, args.title)
    if route is not None and not route.official and not args.title:
        title += " (建议 / suggested)"
    out = write_route(plan, title, args.format, args.out, title_lang)
    t = plan.totals
    how = "estimated" if plan.estimated else "road network"
    print(
        f"{args.format}: {out} ({len(plan.stops)} stops, {t['days']} day(s), {t['distance_km']:.1f} km, "
        f"{t['start']}-{end_text(t, 'en')}, {how}, {plan.method})"
    )
    for d in t["per_day"] if t["days"] > 1 else ():
        print(f"  day {d['day']} {d['date']}: {d['stops']} stops, {d['distance_km']:.1f} km, "
              f"{d['travel_min']:.0f} min travelling, {d['start']}-{d['end']}")  # fmt: skip
    lang = args.lang or city.config.default_lang
    for warning in [*plan.warning_lines(lang), *plan.left_out_lines(lang)]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
