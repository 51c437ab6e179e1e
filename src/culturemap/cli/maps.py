"""The map commands: ``export`` (the assets the explorer's filters select as a print map, a standalone
HTML map, data, or a PNG of the map as the browser shows it) and ``report`` (a report PDF of the city,
one district or a themed route)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from culturemap.analysis.select import FILTER_PARAMS, read_filter_params
from culturemap.catalog.config import UnknownDistrictError
from culturemap.cli.args import (
    TRAVEL_MODES,
    add_city,
    add_lang,
    add_out,
    bbox,
    clock_time,
    dpi,
    filter_param,
    named_output,
    read_city,
    river_km,
    view_px,
)
from culturemap.export import EXPORT_FORMATS, VIEW_SCALES
from culturemap.i18n import tr
from culturemap.io.files import OutputError, atomic_outputs
from culturemap.render.basemaps import BASEMAPS, DEFAULT_BASEMAP


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap export --city C [filters] (--format F | --view-png) [print or view options] --out FILE``."""
    export = sub.add_parser(
        "export",
        help="the assets the filters select (the explorer's URL parameters) as a print map (PNG/PDF/SVG), "
        "a standalone HTML map or data (GeoJSON, GeoPackage, KML, CSV, XLSX)",
    )
    add_city(export)
    export.add_argument("--layers", type=filter_param("layers"), help="comma-separated layer ids (default: all)")
    export.add_argument("--grade", type=filter_param("grade"), help="scenic spots of this grade and above, e.g. 4A")
    export.add_argument("--level", type=filter_param("level"), help="heritage levels, comma-separated")
    export.add_argument("--kind", type=filter_param("kind"), help="museum kinds, comma-separated")
    export.add_argument("--type", type=filter_param("type"), help="university types, comma-separated")
    export.add_argument("--district", help="district names (Chinese or English), comma-separated")
    export.add_argument("--theme", type=filter_param("theme"), help="themes, comma-separated")
    export.add_argument("--river-km", type=river_km, help="only assets within this distance (km) of the river")
    export.add_argument("--q", help="name search: Chinese, pinyin (with or without tones), initials or English")
    export.add_argument("--bbox", type=bbox, help="only assets in W,S,E,N (WGS-84 degrees); the print map shows it")
    add_lang(export, "language of the map's text (default: the city's)")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--format", choices=EXPORT_FORMATS)
    what.add_argument("--view-png", action="store_true",
                      help="the explorer's map as the browser shows it, a PNG drawn by headless Chromium")  # fmt: skip
    export.add_argument("--width", type=view_px, default=1600, help="view snapshot width, CSS pixels (default 1600)")
    export.add_argument("--height", type=view_px, default=1000, help="view snapshot height, CSS pixels (default 1000)")
    export.add_argument("--scale", type=int, choices=VIEW_SCALES, default=1, help="view snapshot pixels per CSS pixel")
    export.add_argument("--basemap", choices=tuple(BASEMAPS), default=None,
                        help="basemap (the explorer's basemap parameter) of the view snapshot and the HTML map "
                             f"(default {DEFAULT_BASEMAP}); a print map draws its web tiles under the pack's "
                             "outlines where they can be reached (default: the pack's offline basemap alone)")  # fmt: skip
    export.add_argument("--lat", type=float, help="view snapshot centre latitude (default: the city's)")
    export.add_argument("--lon", type=float, help="view snapshot centre longitude (default: the city's)")
    export.add_argument("--zoom", type=int, choices=range(1, 21), metavar="1..20", help="view snapshot zoom")
    export.add_argument("--paper", choices=("A4", "A3"), default="A4", help="print map paper (default A4)")
    export.add_argument("--landscape", action="store_true", help="print map in landscape")
    export.add_argument("--dpi", type=dpi, default=300, help="PNG resolution in dots per inch (default 300)")
    export.add_argument("--title", help="the map's title (default: from the city and the filters)")
    add_out(export, folder=True)
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """The selection the filters name (as in the explorer's URL) as a print map, HTML page or data file."""
    from dataclasses import replace

    from tqdm import tqdm

    from culturemap.analysis.select import AssetQuery, select_assets
    from culturemap.export.print_map import PrintOptions, describe_selection
    from culturemap.export.selection import selection_file_name, write_selection

    with tqdm(total=4, desc="export", unit="step", disable=None, leave=False) as progress:
        city = read_city(args.city)
        progress.update()
        lang = args.lang or city.config.default_lang
        districts = city.layers["districts"]
        params = {name: getattr(args, name) for name in FILTER_PARAMS if getattr(args, name) is not None}
        if "district" in params:  # English names are welcome too; links use the Chinese ones
            params["district"] = ",".join(_district_zh(city, d) for d in params["district"].split(","))
        values, ignored = read_filter_params(params, tuple(districts["name_zh"]))
        if ignored:
            known = ", ".join(f"{zh} ({en})" for zh, en in zip(districts["name_zh"], districts["name_en"]))
            bad = ", ".join(item.partition("=")[2] for item in ignored)
            print(f"error: argument --district: unknown district(s) {bad}; choose from {known}", file=sys.stderr)
            return 2
        query = replace(AssetQuery.from_filters(**values), bbox=args.bbox)
        assets = select_assets(city.assets(), query, city.layers["river"], city.config.metric_crs)
        progress.update()
        described = describe_selection(city, query, lang)
        options = PrintOptions(paper=args.paper, landscape=args.landscape, dpi=args.dpi, lang=lang, title=args.title)
        try:
            if args.view_png:
                out = named_output(args.out, selection_file_name(city, query, "png", what="view"))
            else:
                out = named_output(args.out, selection_file_name(city, query, args.format, options))
        except OutputError as exc:
            print(f"error: argument --out: {exc}", file=sys.stderr)
            return 2
        progress.update()
        if args.view_png:
            from culturemap.export.view import ChromiumUnavailable, selection_figure, view_png, write_view_png
            from culturemap.render.folium_map import MapOptions, build_map

            center = (args.lat, args.lon) if args.lat is not None and args.lon is not None else None
            view = MapOptions(lang=lang, basemap=args.basemap or DEFAULT_BASEMAP, center=center, zoom=args.zoom)
            fmap = build_map(city, assets, view).map
            try:
                figure = selection_figure(city, query, assets, lang, args.title)
                snapshot = view_png(fmap, args.width, args.height, args.scale, figure=figure)
            except ChromiumUnavailable as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            write_view_png(snapshot, out)
            progress.update()
            for note in snapshot.notes(lang):
                print(f"warning: {note}", file=sys.stderr)
            height = args.height + sum(snapshot.band_px)
            print(tr("cli_view_written", lang, path=out, w=args.width * args.scale, h=height * args.scale,
                     n=len(assets), what=described))  # fmt: skip
            return 0
        tiles = BASEMAPS[args.basemap] if args.basemap else None  # the print map asks the web only when told
        written = write_selection(city, assets, query, args.format, out, options,
                                  args.basemap or DEFAULT_BASEMAP, print_basemap=tiles)  # fmt: skip
        out = written.path
        progress.update()
    for note in written.notes:
        print(f"warning: {note}", file=sys.stderr)
    print(tr("cli_export_written", lang, fmt=args.format, path=out, n=len(assets), what=described))
    return 0


def add_report_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap report --city C [--district D | --route R [--mode] [--start] | --atlas districts] [--lang]
    --out FILE``."""
    report = sub.add_parser(
        "report", help="a report PDF (A4): the whole city, one district, a themed route or the district atlas"
    )
    add_city(report)
    scope = report.add_mutually_exclusive_group()
    scope.add_argument("--district", help="one district (Chinese or English name): its map, counts and density")
    scope.add_argument("--route", help="route id from the pack's routes.toml: map, itinerary and totals")
    scope.add_argument("--atlas", choices=("districts",),
                       help="the district atlas: a cover map, one page per district holding assets, the sources")  # fmt: skip
    report.add_argument("--mode", choices=TRAVEL_MODES, default="walk", help="travel mode of --route")
    report.add_argument("--start", type=clock_time, default="09:00", help="start time HH:MM of --route")
    report.add_argument("--title", help="the title of --route's report (default: the theme's)")
    add_lang(report, "language of the report (default: the city's)")
    add_out(report, "output PDF (a symlink writes its target)", folder=True)
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """The report PDF of a city, one of its districts, a themed route or the district atlas, with a progress
    bar over the pages."""
    from tqdm import tqdm

    from culturemap.export.atlas import district_atlas, districts_with_assets
    from culturemap.export.report import city_report
    from culturemap.export.route import route_title
    from culturemap.export.route_report import route_report

    city = read_city(args.city)
    lang = args.lang or city.config.default_lang
    try:  # before any work: a folder names the file for filing, a file in a missing folder is refused
        out = named_output(args.out, _report_name(city, args))
    except OutputError as exc:
        print(f"error: argument --out: {exc}", file=sys.stderr)
        return 2
    with tqdm(desc=tr("report_progress", lang), unit=tr("report_step", lang), disable=None, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        if args.route:
            route = next((r for r in city.routes if r.id == args.route), None)
            if route is None:
                known = ", ".join(r.id for r in city.routes) or "none"
                print(f"error: argument --route: no route {args.route!r} in {city.path / 'routes.toml'} (known: {known})",
                      file=sys.stderr)  # fmt: skip
                return 2
            from culturemap.routing.itinerary import plan_route
            from culturemap.routing.network import load_graph, pack_network

            network = pack_network(city.path)
            plan = plan_route(city, list(route.stops), args.mode, args.start, date.today(),
                              graph=load_graph(network) if network else None)  # fmt: skip
            what = route_title(route, route.stops, lang, plan, city, args.title)
            data = route_report(city, plan, what, lang, progress=progress)
        elif args.atlas:
            data = district_atlas(city, lang, progress=progress)
            what = tr("cli_atlas_what", lang, city=city.config.name(lang), n=len(districts_with_assets(city)))
        else:
            try:
                data = city_report(city, args.district, lang, progress=progress)
            except UnknownDistrictError as exc:
                print(f"error: argument --district: {exc}", file=sys.stderr)
                return 2
            what = args.district or city.config.name(lang)
        with atomic_outputs([out]) as (tmp,):
            tmp.write_bytes(data)
    print(tr("cli_report_written", lang, path=out, what=what, kb=len(data) / 1024))
    return 0


def _district_zh(city, name: str) -> str:
    """The Chinese name of district ``name`` (either language), else ``name`` as given (stripped)."""
    try:
        return city.district(name)[0]
    except UnknownDistrictError:  # said by the filter's check, with the list of districts
        return name.strip()


def _report_name(city, args: argparse.Namespace) -> str:
    """The filing name of ``culturemap report``'s PDF (``--out`` a folder), as the browser's report panels
    name it: the city's report, a district's (by its English name), a route's (by its id) or the district
    atlas, A4."""
    from culturemap.export.filing import filing_name

    if args.atlas:
        return filing_name(city.config.id, "atlas", "pdf", (args.atlas,), "A4")
    if args.route:
        return filing_name(city.config.id, "route", "pdf", (args.route,), "A4")
    if args.district:
        try:
            english = city.district(args.district)[1]
        except UnknownDistrictError:  # refused with the list of districts when the report is made
            english = ""
        return filing_name(city.config.id, "report", "pdf", (english,), "A4")
    return filing_name(city.config.id, "report", "pdf", (), "A4")
