"""The ``culturemap`` command line: the same catalog and analysis functions as the app, no UI."""

from __future__ import annotations

import argparse
import json
import logging
import math
import re
import sys
import time
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np

from culturemap.analysis.corridor import band_counts, linear_reference
from culturemap.analysis.density import contour_polygons, grade_weights, kde
from culturemap.analysis.select import FILTER_CHOICES, FILTER_PARAMS, RIVER_KM_MAX, read_filter_params
from culturemap.catalog import City, NotAPackError, PackError, load_city, read_city_config
from culturemap.export import EXPORT_FORMATS, VIEW_SCALES, VIEW_SIZE_PX
from culturemap.export.data import to_csv_bytes
from culturemap.export.raster import write_geotiff
from culturemap.failures import EXPECTED, error_lang, failure
from culturemap.i18n import tr
from culturemap.io.files import OutputError, atomic_outputs, safe_output_path
from culturemap.io.tables import build_pack_layers, geojson_text
from culturemap.layers import ASSET_LAYERS
from culturemap.render.basemaps import BASEMAPS, DEFAULT_BASEMAP
from culturemap.store import StoreError, find_pack, open_store, store_for_pack
from culturemap.validate import build_report, build_root_report, format_report, format_root_report, is_data_root

log = logging.getLogger("culturemap")


def _pack_path(value: str) -> Path:
    """Accept a pack folder, or a city id looked up where the app looks (:func:`find_pack`:
    ``$CULTUREMAP_DATA`` or the checkout's geodata/), whatever the working directory."""
    path = Path(value)
    if path.exists():
        return path
    try:
        return find_pack(value)
    except StoreError:
        return path  # not a city id either: the caller says that the folder is missing


def _load_city(value: str) -> City:
    """The city of a pack folder or city id, read through its store (seeded from the pack when new)."""
    return store_for_pack(_pack_path(value)).load_city()


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0 when the pack (or with ``--city`` the city's store, or every pack of a data root) is
    clean, 1 on errors (also a broken ``city.toml``, or two packs with one id), 2 when not a pack."""
    if (args.city_dir is None) == (args.city is None):
        raise ValueError("give a pack folder or --city C (the city's store), not both")
    if args.city_dir and is_data_root(Path(args.city_dir)):
        lang = args.lang or "en"
        report = build_root_report(Path(args.city_dir), lang)
        print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_root_report(report, lang))
        return 0 if report["ok"] else 1
    pack = None
    try:
        pack = _pack_path(args.city_dir) if args.city_dir else None
        city = load_city(pack) if pack else open_store(args.city).load_city()
    except PackError as exc:
        if isinstance(exc, NotAPackError):
            raise
        lang = args.lang or "en"  # the city's own language is in the file that failed
        if args.json:
            json.dump({"path": str(pack or exc.file), "ok": False, "errors": [exc.to_dict(lang)]}, sys.stdout,
                      ensure_ascii=False)  # fmt: skip
            sys.stdout.write("\n")
        else:
            print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 1
    lang = args.lang or city.config.default_lang
    report = build_report(city, lang)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_report(report, lang))
    return 0 if report["ok"] else 1


def cmd_store(args: argparse.Namespace) -> int:
    """``store info``: backend, location, pack, stamp and rows per layer; ``store reset``: reseed from the pack."""
    store = open_store(args.city)
    lang = args.lang
    if args.action == "reset":
        store.reset()
        print(tr("store_reset_done", lang, location=store.location, pack=store.pack_dir))
        return 0
    print(tr("store_info", lang, backend=store.backend, location=store.location))
    print(tr("store_info_seed", lang, pack=store.pack_dir))
    print(tr("store_info_stamp", lang, stamp=store.stamp()))
    print(tr("store_info_rows", lang))
    for name, count in store.layer_counts().items():
        print(f"  {name}: {count}")
    return 0


def dump_table(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A stored layer as a CSV table: lists joined with ``;``, then ``lon``/``lat`` (WGS-84 degrees)
    when every geometry is a point, else ``wkt``."""
    table = frame.copy()
    for column in table.columns.drop(table.geometry.name):
        if table[column].dtype == object:
            table[column] = [";".join(map(str, v)) if isinstance(v, list) else v for v in table[column]]
    geoms = table.geometry
    if len(geoms) and (geoms.geom_type == "Point").all():
        return table.assign(lon=geoms.x, lat=geoms.y)
    return table.assign(wkt=geoms.to_wkt())


def cmd_dump(args: argparse.Namespace) -> int:
    """Write what the store holds now for one layer (or point dataset ``points:<name>``) to --out or stdout."""
    store = open_store(args.city)
    if args.layer.startswith("points:"):
        frame = store.read_points(args.layer.removeprefix("points:"))
    else:
        frame = store.read_layer(args.layer)
    data = geojson_text(frame).encode() if args.format == "geojson" else to_csv_bytes(dump_table(frame))
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    with atomic_outputs([args.out]) as (tmp,):
        tmp.write_bytes(data)
    print(tr("store_dump_written", args.lang, n=len(frame), path=args.out), file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    pack = _pack_path(args.city_dir)
    read_city_config(pack)  # fail early on a folder that is not a pack
    written = build_pack_layers(pack)
    for layer_id, n in written.items():
        print(f"{layer_id}: {n} rows -> {pack / (layer_id + '.geojson')}")
    return 0


# argparse types: each refuses a bad value with a message saying what is expected, which argparse
# prints as "culturemap <command>: error: argument --<option>: ..." and exits 2.


def _number(text: str, low: float, high: float, expected: str) -> float:
    """A finite number strictly between ``low`` and ``high``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low < value < high):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    """A finite number > 0, e.g. metres or kilometres."""
    return _number(text, 0.0, math.inf, "a finite number > 0")


def _fraction(text: str) -> float:
    """A share strictly between 0 and 1."""
    return _number(text, 0.0, 1.0, "a number between 0 and 1 (exclusive)")


def _comma_list(parse_item, expected: str):
    """An argparse type for comma-separated values, at least one, each read by ``parse_item``."""

    def parse(text: str) -> tuple:
        try:
            values = tuple(parse_item(v) for v in text.split(",") if v.strip())
        except argparse.ArgumentTypeError:
            values = ()
        if not values:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return values

    return parse


_positive_floats = _comma_list(_positive_float, "comma-separated positive distances, e.g. 0.5,1,2,5")
_fractions = _comma_list(_fraction, "comma-separated shares between 0 and 1 (exclusive), e.g. 0.5,0.75,0.9")
_feature_ids = _comma_list(str.strip, "comma-separated feature ids, e.g. sc-a,mu-b")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return port


def _clock_time(text: str) -> str:
    """A time of day ``HH:MM`` from 00:00 to 23:59, returned zero-padded."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise argparse.ArgumentTypeError(f"expected a time of day HH:MM from 00:00 to 23:59, got {text!r}")
    return f"{int(match[1]):02d}:{match[2]}"


def _iso_date(text: str) -> date:
    """A calendar date ``YYYY-MM-DD`` that exists."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a calendar date YYYY-MM-DD, got {text!r}") from None


def _output_path(text: str) -> Path:
    """A file to write, checked before any work (see :func:`culturemap.io.files.safe_output_path`); a
    file of a city's store is refused with one ``error:`` line and exit 1 (the store is left untouched)."""
    try:
        return safe_output_path(text)
    except OutputError as exc:
        if exc.refuses_store:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        raise argparse.ArgumentTypeError(str(exc)) from None


def _endpoint(text: str):
    """``--from``/``--to``: a feature id, or ``LON,LAT`` in WGS-84 degrees."""
    parts = text.split(",")
    if len(parts) != 2:
        return text.strip()
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a feature id or LON,LAT in degrees, got {text!r}") from None


def cmd_corridor(args: argparse.Namespace) -> int:
    city = _load_city(args.city)
    river = city.layers["river"]
    if river.empty:
        print(f"error: {city.path} has no river layer", file=sys.stderr)
        return 2
    assets = city.assets()
    ref = linear_reference(assets, river, city.config.metric_crs)
    bands = band_counts(ref["distance_m"].to_numpy(), assets["layer"], args.buffers_km)
    rows = assets[["id", "layer", "name_zh", "name_en"]].join(ref).sort_values("chainage_km")
    if args.json:
        out = {
            "city": city.config.id,
            "river": city.config.river_name_en,
            "metric_crs": city.config.metric_crs,
            "buffers_km": list(args.buffers_km),
            "bands": bands.to_dict("records"),
            "assets": rows.round({"chainage_km": 3, "distance_m": 1}).to_dict("records"),
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=lambda v: v.item())
        sys.stdout.write("\n")
    else:
        print(bands.to_string(index=False))
        print()
        print(rows.round({"chainage_km": 2, "distance_m": 0}).to_string(index=False))
    return 0


def _layer_list(text: str) -> tuple[str, ...]:
    layers = tuple(v.strip() for v in text.split(",") if v.strip())
    unknown = [v for v in layers if v not in ASSET_LAYERS]
    if unknown or not layers:
        names = ", ".join(unknown) if unknown else "(none given)"
        raise argparse.ArgumentTypeError(f"unknown layer(s) {names}; choose from {', '.join(ASSET_LAYERS)}")
    return layers


def _filter_param(name: str):
    """An argparse type for the explorer's URL filter ``name`` (see
    :func:`culturemap.analysis.select.read_filter_params`): the text, once every value is known."""

    def parse(text: str) -> str:
        values, ignored = read_filter_params({name: text})
        if ignored or name not in values or values[name] == ():
            bad = ", ".join(item.partition("=")[2] for item in ignored) or repr(text)
            raise argparse.ArgumentTypeError(f"unknown value(s) {bad}; choose from {', '.join(FILTER_CHOICES[name])}")
        return text

    return parse


def _river_km(text: str) -> str:
    if read_filter_params({"river_km": text})[0].get("river_km") is None:
        raise argparse.ArgumentTypeError(f"expected a distance in km from 0 to {RIVER_KM_MAX:g}, got {text!r}")
    return text


def _bbox(text: str) -> tuple[float, float, float, float]:
    """``W,S,E,N`` in WGS-84 degrees, west < east and south < north."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        west = south = east = north = math.nan
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise argparse.ArgumentTypeError(
            f"expected W,S,E,N in degrees (WGS-84) with W < E and S < N, e.g. 103.6,36.0,103.9,36.2; got {text!r}"
        )
    return west, south, east, north


def _dpi(text: str) -> int:
    return int(_number(text, 49, 1201, "a resolution in dots per inch from 50 to 1200"))


def _view_px(text: str) -> int:
    """A side of the view snapshot in CSS pixels, a whole number within :data:`VIEW_SIZE_PX`."""
    low, high = VIEW_SIZE_PX
    value = _number(text, low - 1, high + 1, f"a whole number of pixels from {low} to {high}")
    if value != int(value):
        raise argparse.ArgumentTypeError(f"expected a whole number of pixels from {low} to {high}, got {text!r}")
    return int(value)


def cmd_export(args: argparse.Namespace) -> int:
    """The selection the filters name (as in the explorer's URL) as a print map, HTML page or data file."""
    from dataclasses import replace

    from tqdm import tqdm

    from culturemap.analysis.select import AssetQuery, select_assets
    from culturemap.export.print_map import PrintOptions, describe_selection
    from culturemap.export.selection import write_selection

    with tqdm(total=4, desc="export", unit="step", disable=None, leave=False) as progress:
        city = _load_city(args.city)
        progress.update()
        lang = args.lang or city.config.default_lang
        districts = city.layers["districts"]
        params = {name: getattr(args, name) for name in FILTER_PARAMS if getattr(args, name) is not None}
        if "district" in params:  # English names are welcome too; links use the Chinese ones
            by_en = {str(en).casefold(): zh for zh, en in zip(districts["name_zh"], districts["name_en"])}
            params["district"] = ",".join(
                by_en.get(d.strip().casefold(), d.strip()) for d in params["district"].split(",")
            )
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
        progress.update()
        if args.view_png:
            from culturemap.export.view import ChromiumUnavailable, view_png, write_view_png
            from culturemap.render.folium_map import MapOptions, build_map

            center = (args.lat, args.lon) if args.lat is not None and args.lon is not None else None
            view = MapOptions(lang=lang, basemap=args.basemap or DEFAULT_BASEMAP, center=center, zoom=args.zoom)
            fmap = build_map(city, assets, view).map
            try:
                snapshot = view_png(fmap, args.width, args.height, args.scale)
            except ChromiumUnavailable as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            out = write_view_png(snapshot, args.out)
            progress.update()
            for note in snapshot.notes(lang):
                print(f"warning: {note}", file=sys.stderr)
            print(f"view png: {out} ({args.width * args.scale} x {args.height * args.scale} px, {len(assets)} assets: "
                  f"{described})")  # fmt: skip
            return 0
        options = PrintOptions(paper=args.paper, landscape=args.landscape, dpi=args.dpi, lang=lang, title=args.title)
        tiles = BASEMAPS[args.basemap] if args.basemap else None  # the print map asks the web only when told
        written = write_selection(city, assets, query, args.format, args.out, options,
                                  args.basemap or DEFAULT_BASEMAP, print_basemap=tiles)  # fmt: skip
        out = written.path
        progress.update()
    for note in written.notes:
        print(f"warning: {note}", file=sys.stderr)
    print(f"{args.format}: {out} ({len(assets)} assets: {described})")
    return 0


def cmd_density(args: argparse.Namespace) -> int:
    city = _load_city(args.city)
    lang = args.lang or city.config.default_lang
    assets = city.assets(args.layers)
    if len(assets) < 2:
        print(
            f"error: {len(assets)} feature(s) in {', '.join(args.layers)}: a density needs at least 2", file=sys.stderr
        )
        return 2
    weights = grade_weights(assets) if args.weights == "grade" else None
    grid = kde(assets, city.config.metric_crs, args.bandwidth_m, args.cell_m, weights)
    log.info(
        "KDE of %d points: bandwidth %.0f m, %d x %d cells of %.0f m",
        len(assets),
        grid.bandwidth_m,
        *grid.shape[::-1],
        grid.cell_m,
    )
    out = args.out
    with atomic_outputs([out]) as (tmp,):
        if args.format == "geotiff":
            write_geotiff(grid, tmp)
        elif args.format == "geojson":
            contours = contour_polygons(grid, args.mass).to_crs("EPSG:4326")
            contours["bandwidth_m"] = grid.bandwidth_m
            tmp.write_text(geojson_text(contours), encoding="utf-8")
        else:
            from culturemap.render.static import density_figure

            title = tr("density_title", lang, city=city.config.name(lang), n=len(assets), bw=grid.bandwidth_m)
            fig = density_figure(grid, city.layers["districts"], city.layers["river"], contour_polygons(grid, args.mass),
                                 title, tr("density_unit", lang))  # fmt: skip
            fig.savefig(tmp, format="png")
    print(f"{args.format}: {out} ({len(assets)} points, bandwidth {grid.bandwidth_m:.0f} m, cell {grid.cell_m:.0f} m)")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from culturemap.analysis.aggregate import h3_counts
    from culturemap.analysis.districts import district_summary
    from culturemap.analysis.proximity import FORMULA, soft_power_index
    from culturemap.analysis.stats import clark_evans, coverage_gaps, fill_hex_grid, hotspots, interpret, ripley_l

    city = _load_city(args.city)
    lang = args.lang or city.config.default_lang
    metric = city.config.metric_crs
    assets = city.assets(args.layers)
    if len(assets) < 3:
        print(
            f"error: {len(assets)} feature(s) in {', '.join(args.layers)}: the statistics need at least 3",
            file=sys.stderr,
        )
        return 2
    points = assets.to_crs(metric).geometry.representative_point()
    xy = np.column_stack([points.x, points.y])
    districts = city.layers["districts"]
    nni = clark_evans(xy, float(districts.to_crs(metric).area.sum()))
    ripley = ripley_l(xy, support_m=15, n_simulations=99, seed=0)
    cells = h3_counts(assets, args.h3_resolution)
    spots = hotspots(fill_hex_grid(cells, args.h3_resolution), permutations=499, seed=0)
    summary = district_summary(districts, assets, metric).drop(columns="geometry")
    gaps = coverage_gaps(districts, assets, metric, args.gap_km)
    index = soft_power_index(districts, city.layers, metric)
    report = {
        "city": city.config.id,
        "layers": list(args.layers),
        "n": len(assets),
        "nearest_neighbour": {**nni, "sentence": interpret(nni, "clark_evans", lang)},
        "ripley_l": {"table": ripley.to_dict("records"), "sentence": interpret(ripley, "ripley", lang)},
        "hotspots": {
            "h3_resolution": args.h3_resolution,
            "hot": spots.loc[spots["spot"] == "hot", "h3"].tolist(),
            "cold": spots.loc[spots["spot"] == "cold", "h3"].tolist(),
            "sentence": interpret(spots, "hotspots", lang),
        },
        "districts": summary.to_dict("records"),
        "coverage_gaps": gaps.loc[gaps["gap"], ["name_zh", "name_en", "nearest_asset_km"]].to_dict("records"),
        "soft_power_index": {"formula": FORMULA[lang], "table": index.to_dict("records")},
    }
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=lambda v: v.item())
        sys.stdout.write("\n")
    else:
        for key in ("nearest_neighbour", "ripley_l", "hotspots"):
            print(report[key]["sentence"])
        print()
        print(index[["rank", "name_zh", "name_en", "index"]].round(1).to_string(index=False))
    return 0


def cmd_route(args: argparse.Namespace) -> int:
    from culturemap.export.route import end_text, write_route
    from culturemap.routing.itinerary import plan_route

    city = _load_city(args.city)
    if args.theme:
        route = next((r for r in city.routes if r.id == args.theme), None)
        if route is None:
            known = ", ".join(r.id for r in city.routes) or "none"
            print(f"error: no route {args.theme!r} in {city.path / 'routes.toml'} (known: {known})", file=sys.stderr)
            return 2
        stops, title = list(route.stops), route.title(args.lang or city.config.default_lang)
        if not route.official:
            title += " (建议 / suggested)"
    else:
        stops = list(args.stops)
        if len({*stops, args.origin, args.destination} - {None}) < 2:
            print(f"error: argument --stops: expected at least 2 stops, or 1 with --from or --to; got {','.join(stops)!r}",
                  file=sys.stderr)  # fmt: skip
            return 2
        title = "culturemap route"
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
    out = write_route(plan, title, args.format, args.out)
    t = plan.totals
    how = "estimated" if plan.estimated else "road network"
    print(
        f"{args.format}: {out} ({len(plan.stops)} stops, {t['days']} day(s), {t['distance_km']:.1f} km, "
        f"{t['start']}-{end_text(t, 'en')}, {how}, {plan.method})"
    )
    for d in t["per_day"] if t["days"] > 1 else ():
        print(f"  day {d['day']} {d['date']}: {d['stops']} stops, {d['distance_km']:.1f} km, "
              f"{d['travel_min']:.0f} min travelling, {d['start']}-{d['end']}")  # fmt: skip
    for warning in plan.warning_lines(args.lang or city.config.default_lang):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0 when stored (or a clean dry run), 1 when a row is not accepted (nothing stored unless
    --skip-bad) or the store refuses the write, 2 when the file cannot be read."""
    from culturemap.io.importers import format_report, import_file, read_point_dataset
    from culturemap.io.readers import ImportFileError

    pack = _pack_path(args.city)
    lang = args.lang or read_city_config(pack).default_lang
    try:
        store = store_for_pack(pack)
        if args.points:
            points, dropped = read_point_dataset(args.file, crs=args.crs, mapping={f: c for c, f in args.map or ()})
            stored = 0 if args.dry_run else store.write_points(args.points, points)
            print(tr("import_points_stored", lang, name=args.points, n=stored, dropped=dropped))
            if args.dry_run:
                print(tr("import_dry_run", lang))
            return 0
        if args.layer is None:
            print("error: argument --layer is required (or --points NAME for a point dataset)", file=sys.stderr)
            return 2
        report, result = import_file(store, args.file, args.layer, skip_bad=args.skip_bad, dry_run=args.dry_run,
                                     default=args.on_duplicate, crs=args.crs, sheet=args.sheet,
                                     mapping={f: c for c, f in args.map or ()}, defaults=dict(args.set or ()))  # fmt: skip
        print(format_report(report, lang, on_duplicate=args.on_duplicate))
        if report.refused and not args.skip_bad:
            print(tr("import_nothing_stored", lang, n=report.refused), file=sys.stderr)
            return 1
        if result is None:
            print(tr("import_dry_run", lang))
            return 0
    except ImportFileError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 1
    print(tr("import_stored", lang, layer=args.layer, inserted=result.inserted, updated=result.updated))
    return 0


def _assignment(text: str) -> tuple[str, str]:
    """``--set FIELD=VALUE`` as (FIELD, VALUE), split at the first "=" (a value may hold one)."""
    left, sep, right = text.partition("=")
    if not sep or not left.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected FIELD=VALUE")
    return left.strip(), right.strip()


def _column_field(text: str) -> tuple[str, str]:
    """``--map COLUMN=FIELD`` as (COLUMN, FIELD), split at the last "=" (a column name may hold one)."""
    column, sep, field = text.rpartition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected COLUMN=FIELD (an empty COLUMN leaves FIELD unmatched)")
    return column.strip(), field.strip()


def _crs_choice(text: str) -> str:
    from culturemap.io.importers import parse_crs

    try:
        return parse_crs(text)[0]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_report(args: argparse.Namespace) -> int:
    """The report PDF of a city, one of its districts or a themed route, with a progress bar over the pages."""
    from tqdm import tqdm

    from culturemap.export.report import UnknownDistrictError, city_report, route_report
    from culturemap.export.route import route_title

    city = _load_city(args.city)
    lang = args.lang or city.config.default_lang
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
            what = route_title(route, route.stops, lang)
            data = route_report(city, plan, what, lang, progress=progress)
        else:
            try:
                data = city_report(city, args.district, lang, progress=progress)
            except UnknownDistrictError as exc:
                print(f"error: argument --district: {exc}", file=sys.stderr)
                return 2
            what = args.district or city.config.name(lang)
        with atomic_outputs([args.out]) as (tmp,):
            tmp.write_bytes(data)
    print(f"pdf: {args.out} ({what}, {len(data) / 1024:,.0f} KB)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="culturemap", description="Cultural assets of a city: validate, build, analyse."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="load a city pack and report counts, coverage and every error")
    validate.add_argument("city_dir", nargs="?", help="pack folder (geodata/<city>), city id, or a data root "
                          "(geodata/: every pack under it, and which ones share an id)")  # fmt: skip
    validate.add_argument("--city", help="validate what the store of this city holds (instead of a pack folder)")
    validate.add_argument("--json", action="store_true", help="print the report as one JSON object")
    validate.add_argument("--lang", choices=("zh", "en"), help="message language (default: the city's)")
    validate.set_defaults(func=cmd_validate)

    build = sub.add_parser("build", help="import the pack's curated/*.csv tables into layer GeoJSON (WGS-84)")
    build.add_argument("city_dir", help="pack folder (geodata/<city>) or city id")
    build.set_defaults(func=cmd_build)

    corridor = sub.add_parser(
        "corridor", help="assets per distance band from the river; chainage, bank, distance per asset"
    )
    corridor.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    corridor.add_argument("--buffers-km", type=_positive_floats, default=(0.5, 1.0, 2.0, 5.0), help="band edges in km")
    corridor.add_argument("--json", action="store_true", help="print one JSON object")
    corridor.set_defaults(func=cmd_corridor)

    density = sub.add_parser("density", help="kernel density of assets: GeoTIFF (per km2), GeoJSON contours or PNG map")
    density.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    density.add_argument("--layers", type=_layer_list, default=ASSET_LAYERS, help="comma-separated layer ids")
    density.add_argument(
        "--bandwidth-m", type=_positive_float, help="Gaussian bandwidth in metres (default: Scott's rule)"
    )
    density.add_argument("--cell-m", type=_positive_float, help="grid cell in metres (default: bandwidth / 10)")
    density.add_argument("--weights", choices=("none", "grade"), default="none", help="grade: 5A counts 5 ... 1A 1")
    density.add_argument(
        "--mass", type=_fractions, default=(0.5, 0.75, 0.9), help="contour levels as shares of all points"
    )
    density.add_argument("--format", choices=("geotiff", "geojson", "png"), required=True)
    density.add_argument("--out", type=_output_path, required=True, help="output file (a symlink writes its target)")
    density.add_argument("--lang", choices=("zh", "en"), help="language of the PNG's labels")
    density.set_defaults(func=cmd_density)

    stats = sub.add_parser(
        "stats", help="NNI, Ripley's L, Gi* hot spots, district counts, coverage gaps, soft-power index"
    )
    stats.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    stats.add_argument("--layers", type=_layer_list, default=ASSET_LAYERS, help="comma-separated layer ids")
    stats.add_argument("--h3-resolution", type=int, default=7, choices=range(4, 11), metavar="4..10")
    stats.add_argument(
        "--gap-km",
        type=_positive_float,
        default=5.0,
        help="a district whose centre is farther from every asset is a gap",
    )
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.add_argument("--lang", choices=("zh", "en"), help="language of the sentences")
    stats.set_defaults(func=cmd_stats)

    route = sub.add_parser("route", help="order and time a themed route; write GPX, KML, GeoJSON or CSV")
    route.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    which = route.add_mutually_exclusive_group(required=True)
    which.add_argument("--theme", help="route id from the pack's routes.toml")
    which.add_argument("--stops", type=_feature_ids, help="comma-separated feature ids")
    route.add_argument("--mode", choices=("walk", "bike", "car", "taxi"), default="walk")
    route.add_argument("--start", type=_clock_time, default="09:00", help="start time HH:MM")
    route.add_argument("--date", type=_iso_date, help="YYYY-MM-DD, for opening days (default: today)")
    route.add_argument("--round-trip", action="store_true", help="return to the first stop")
    route.add_argument("--day-end", help="HH:MM each day ends; the route is split into days (night at the last stop)")
    route.add_argument("--days", type=int, help="at most this many days (error if the stops need more)")
    route.add_argument("--from", dest="origin", type=_endpoint, help="start: a feature id or LON,LAT (WGS-84)")
    route.add_argument("--to", dest="destination", type=_endpoint, help="end: a feature id or LON,LAT (WGS-84)")
    route.add_argument("--keep-order", action="store_true", help="visit the stops in the given order")
    route.add_argument("--format", choices=("gpx", "kml", "geojson", "csv"), required=True)
    route.add_argument("--out", type=_output_path, required=True, help="output file (a symlink writes its target)")
    route.add_argument("--lang", choices=("zh", "en"), help="language of the route title")
    route.add_argument(
        "--network",
        help="road network: OpenStreetMap .osm.pbf / .osm or osmnx .graphml "
        "(default: the pack's network.osm.pbf, network.osm or network.graphml if present)",
    )
    route.set_defaults(func=cmd_route)

    export = sub.add_parser(
        "export",
        help="the assets the filters select (the explorer's URL parameters) as a print map (PNG/PDF/SVG), "
        "a standalone HTML map or data (GeoJSON, GeoPackage, KML, CSV, XLSX)",
    )
    export.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    export.add_argument("--layers", type=_filter_param("layers"), help="comma-separated layer ids (default: all)")
    export.add_argument("--grade", type=_filter_param("grade"), help="scenic spots of this grade and above, e.g. 4A")
    export.add_argument("--level", type=_filter_param("level"), help="heritage levels, comma-separated")
    export.add_argument("--kind", type=_filter_param("kind"), help="museum kinds, comma-separated")
    export.add_argument("--type", type=_filter_param("type"), help="university types, comma-separated")
    export.add_argument("--district", help="district names (Chinese or English), comma-separated")
    export.add_argument("--theme", type=_filter_param("theme"), help="themes, comma-separated")
    export.add_argument("--river-km", type=_river_km, help="only assets within this distance (km) of the river")
    export.add_argument("--q", help="name search: Chinese, pinyin (with or without tones), initials or English")
    export.add_argument("--bbox", type=_bbox, help="only assets in W,S,E,N (WGS-84 degrees); the print map shows it")
    export.add_argument("--lang", choices=("zh", "en"), help="language of the map's text (default: the city's)")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--format", choices=EXPORT_FORMATS)
    what.add_argument("--view-png", action="store_true",
                      help="the explorer's map as the browser shows it, a PNG drawn by headless Chromium")  # fmt: skip
    export.add_argument("--width", type=_view_px, default=1600, help="view snapshot width, CSS pixels (default 1600)")
    export.add_argument("--height", type=_view_px, default=1000, help="view snapshot height, CSS pixels (default 1000)")
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
    export.add_argument("--dpi", type=_dpi, default=300, help="PNG resolution in dots per inch (default 300)")
    export.add_argument("--title", help="the map's title (default: from the city and the filters)")
    export.add_argument("--out", type=_output_path, required=True, help="output file (a symlink writes its target)")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser(
        "import",
        help="import a file (CSV, XLSX, GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ) into a layer of the "
        "city's store; prints the per-row report",
    )
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    imp.add_argument("--layer", choices=ASSET_LAYERS, help="the layer the rows go to")
    imp.add_argument("--crs", type=_crs_choice, help="wgs84, gcj02, bd09 or EPSG:n (default: the file's, else WGS-84)")
    imp.add_argument("--sheet", help="Excel sheet, GeoPackage layer or the Shapefile in a zip (default: the first)")
    imp.add_argument("--dry-run", action="store_true", help="report only, store nothing")
    imp.add_argument("--skip-bad", action="store_true", help="store the accepted rows even when others are not")
    imp.add_argument("--on-duplicate", choices=("skip", "update", "keep"), default="skip",
                     help="what a probable duplicate of a stored asset does (default: skip); update replaces only "
                     "one with the same id or name, a row with a similar name nearby is skipped and reported")  # fmt: skip
    imp.add_argument("--map", action="append", type=_column_field, metavar="COLUMN=FIELD",
                     help="read FIELD from the file's COLUMN (repeatable; overrides the columns matched by name; "
                     "an empty COLUMN leaves FIELD unmatched), e.g. --map description=name_zh")  # fmt: skip
    imp.add_argument("--set", action="append", type=_assignment, metavar="FIELD=VALUE",
                     help="FIELD of every row whose cell is blank or missing (repeatable), e.g. --set grade=4A")  # fmt: skip
    imp.add_argument(
        "--points", metavar="NAME", help="import a generic point dataset NAME (analysis layer, not assets)"
    )
    imp.add_argument("--lang", choices=("zh", "en"), help="report language (default: the city's)")
    imp.set_defaults(func=cmd_import)

    store = sub.add_parser(
        "store", help="the city's store (GeoPackage, or PostGIS when CULTUREMAP_DB_URL is set): info, reset"
    )
    store.add_argument("action", choices=("info", "reset"), help="info: rows per layer; reset: reseed from the pack")
    store.add_argument("--city", required=True, help="city id (a pack under geodata/ or $CULTUREMAP_DATA)")
    store.add_argument("--lang", choices=("zh", "en"), default="en", help="message language (default en)")
    store.set_defaults(func=cmd_store)

    dump = sub.add_parser("dump", help="write what the store holds now for one layer as GeoJSON or CSV")
    dump.add_argument("--city", required=True, help="city id (a pack under geodata/ or $CULTUREMAP_DATA)")
    dump.add_argument("--layer", required=True, help="layer id, or points:<name> for a point dataset")
    dump.add_argument("--format", choices=("geojson", "csv"), default="geojson", help="GeoJSON or CSV (UTF-8, BOM)")
    dump.add_argument("--out", type=_output_path, help="output file (default: standard output)")
    dump.add_argument("--lang", choices=("zh", "en"), default="en", help="message language (default en)")
    dump.set_defaults(func=cmd_dump)

    report = sub.add_parser("report", help="a report PDF (A4): the whole city, one district, or a themed route")
    report.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    scope = report.add_mutually_exclusive_group()
    scope.add_argument("--district", help="one district (Chinese or English name): its map, counts and density")
    scope.add_argument("--route", help="route id from the pack's routes.toml: map, itinerary and totals")
    report.add_argument(
        "--mode", choices=("walk", "bike", "car", "taxi"), default="walk", help="travel mode of --route"
    )
    report.add_argument("--start", type=_clock_time, default="09:00", help="start time HH:MM of --route")
    report.add_argument("--lang", choices=("zh", "en"), help="language of the report (default: the city's)")
    report.add_argument("--out", type=_output_path, required=True, help="output PDF (a symlink writes its target)")
    report.set_defaults(func=cmd_report)

    serve = sub.add_parser(
        "serve", help="start the web app; the packs load and their opening maps draw while it starts"
    )
    serve.add_argument("--port", type=_port, default=8501, help="HTTP port (default 8501)")
    serve.set_defaults(func=cmd_serve)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    """``streamlit run app.py``, with the caches warmed in a thread while the server starts (the
    caches live in this process, so the first visitor finds the packs loaded and the maps drawn)."""
    import gc
    import threading

    from streamlit.web import cli as streamlit_cli

    from culturemap.ui.app import warm_up

    app = Path(__file__).resolve().parents[2] / "app.py"
    if not app.is_file():
        raise ValueError(f"{app.name} not found beside src/: run serve from a checkout of the repository")

    def warm() -> None:  # the console says when the first visitor finds everything ready
        started = time.perf_counter()
        warmed = warm_up(wait_for_server=True)
        # what is cached now (packs, drawn maps, road graphs) lives as long as the server: the garbage
        # collector need not walk it again on every collection
        gc.collect()
        gc.freeze()
        print(f"  culturemap: caches warmed for {', '.join(warmed) or 'no city'} in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)  # fmt: skip

    threading.Thread(target=warm, name="culturemap-warm-up", daemon=True).start()
    # no file watcher: a served app does not reload on edits (use `streamlit run app.py` while developing);
    # no full garbage collection after every script run, and no message cache: a busy browser froze on a
    # "Cached ForwardMsg MISS" (see .streamlit/config.toml, read only in the checkout, for both)
    streamlit_cli.main(["run", str(app), "--server.port", str(args.port), "--server.headless", "true",
                        "--server.fileWatcherType", "none", "--runner.postScriptGC", "false",
                        "--global.minCachedMessageSize", "1e12"],
                       prog_name="streamlit")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    argv, args = sys.argv[1:] if argv is None else [str(a) for a in argv], None
    try:
        args = build_parser().parse_args(argv)  # an --out the file system refuses raises OSError here
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
        return args.func(args)
    except EXPECTED as exc:  # bad data or input (exit 2); a database, disk or folder failing (exit 1): not bugs
        message, code = failure(exc, error_lang(argv, getattr(args, "lang", None)))
        print(f"error: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
