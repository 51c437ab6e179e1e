"""The data commands: ``validate`` (a pack, a city's store or a data root), ``build`` (curated tables ->
layer GeoJSON), ``store`` (info, reset), ``dump`` (a stored layer as GeoJSON or CSV) and ``import``
(a file into a layer of the city's store)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd

from culturemap.catalog import NotAPackError, PackError, load_city, read_city_config
from culturemap.cli.args import (
    PACK_OR_CITY_ID,
    STORE_CITY_ID,
    add_city,
    add_json,
    add_lang,
    add_out,
    assignment,
    column_field,
    crs_choice,
    pack_path,
)
from culturemap.export.data import to_csv_bytes
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs
from culturemap.io.tables import build_pack_layers, geojson_text
from culturemap.layers import ASSET_LAYERS
from culturemap.store import StoreError, open_store, store_for_pack
from culturemap.validate import build_report, build_root_report, format_report, format_root_report, is_data_root


def add_validate_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap validate [PACK | --city C] [--json] [--lang]``."""
    validate = sub.add_parser("validate", help="load a city pack and report counts, coverage and every error")
    validate.add_argument("city_dir", nargs="?", help="pack folder (geodata/<city>), city id, or a data root "
                          "(geodata/: every pack under it, and which ones share an id)")  # fmt: skip
    validate.add_argument("--city", help="validate what the store of this city holds (instead of a pack folder)")
    add_json(validate, "print the report as one JSON object")
    add_lang(validate, "message language (default: the city's)")
    validate.set_defaults(func=cmd_validate)


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
        pack = pack_path(args.city_dir) if args.city_dir else None
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


def add_build_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap build PACK``."""
    build = sub.add_parser("build", help="import the pack's curated/*.csv tables into layer GeoJSON (WGS-84)")
    build.add_argument("city_dir", help=PACK_OR_CITY_ID)
    build.set_defaults(func=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    """Write each layer GeoJSON of the pack from its curated/*.csv table and print the rows written."""
    pack = pack_path(args.city_dir)
    read_city_config(pack)  # fail early on a folder that is not a pack
    written = build_pack_layers(pack)
    for layer_id, n in written.items():
        print(f"{layer_id}: {n} rows -> {pack / (layer_id + '.geojson')}")
    return 0


def add_store_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap store info|reset --city C [--lang]``."""
    store = sub.add_parser(
        "store", help="the city's store (GeoPackage, or PostGIS when CULTUREMAP_DB_URL is set): info, reset"
    )
    store.add_argument("action", choices=("info", "reset"), help="info: rows per layer; reset: reseed from the pack")
    add_city(store, STORE_CITY_ID)
    add_lang(store, "message language (default en)", default="en")
    store.set_defaults(func=cmd_store)


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


def add_dump_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap dump --city C --layer L [--format geojson|csv] [--out FILE] [--lang]``."""
    dump = sub.add_parser("dump", help="write what the store holds now for one layer as GeoJSON or CSV")
    add_city(dump, STORE_CITY_ID)
    dump.add_argument("--layer", required=True, help="layer id, or points:<name> for a point dataset")
    dump.add_argument("--format", choices=("geojson", "csv"), default="geojson", help="GeoJSON or CSV (UTF-8, BOM)")
    add_out(dump, "output file (default: standard output)", required=False)
    add_lang(dump, "message language (default en)", default="en")
    dump.set_defaults(func=cmd_dump)


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


def add_import_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap import FILE --city C (--layer L | --points NAME) [--crs] [--sheet] [--map] [--set] ...``."""
    imp = sub.add_parser(
        "import",
        help="import a file (CSV, XLSX, GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ) into a layer of the "
        "city's store; prints the per-row report",
    )
    imp.add_argument("file", help="the file to import")
    add_city(imp)
    imp.add_argument("--layer", choices=ASSET_LAYERS, help="the layer the rows go to")
    imp.add_argument("--crs", type=crs_choice, help="wgs84, gcj02, bd09 or EPSG:n (default: the file's, else WGS-84)")
    imp.add_argument("--sheet", help="Excel sheet, GeoPackage layer or the Shapefile in a zip (default: the first)")
    imp.add_argument("--dry-run", action="store_true", help="report only, store nothing")
    imp.add_argument("--skip-bad", action="store_true", help="store the accepted rows even when others are not")
    imp.add_argument("--on-duplicate", choices=("skip", "update", "keep"), default="skip",
                     help="what a probable duplicate of a stored asset does (default: skip); update replaces only "
                     "one with the same id or name, a row with a similar name nearby is skipped and reported")  # fmt: skip
    imp.add_argument("--map", action="append", type=column_field, metavar="COLUMN=FIELD",
                     help="read FIELD from the file's COLUMN (repeatable; overrides the columns matched by name; "
                     "an empty COLUMN leaves FIELD unmatched), e.g. --map description=name_zh")  # fmt: skip
    imp.add_argument("--set", action="append", type=assignment, metavar="FIELD=VALUE",
                     help="FIELD of every row whose cell is blank or missing (repeatable), e.g. --set grade=4A")  # fmt: skip
    imp.add_argument(
        "--points", metavar="NAME", help="import a generic point dataset NAME (analysis layer, not assets)"
    )
    add_lang(imp, "report language (default: the city's)")
    imp.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0 when stored (or a clean dry run), 1 when a row is not accepted (nothing stored unless
    --skip-bad) or the store refuses the write, 2 when the file cannot be read."""
    from culturemap.io.importers import format_report, import_file
    from culturemap.io.point_sets import read_point_dataset
    from culturemap.io.readers import ImportFileError

    pack = pack_path(args.city)
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
