"""The ``culturemap`` command line: the same catalog and analysis functions as the app, no UI."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from culturemap.catalog import PackError, load_city, read_city_config
from culturemap.io.tables import TableError, build_pack_layers
from culturemap.validate import build_report, format_report

log = logging.getLogger("culturemap")


def _pack_path(value: str) -> Path:
    """Accept a pack folder, or a city id looked up under ./geodata."""
    path = Path(value)
    if not path.exists() and (Path("geodata") / value / "city.toml").exists():
        path = Path("geodata") / value
    return path


def cmd_validate(args: argparse.Namespace) -> int:
    pack = _pack_path(args.city_dir)
    city = load_city(pack)
    lang = args.lang or city.config.default_lang
    report = build_report(city, lang)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_report(report, lang))
    return 0 if report["ok"] else 1


def cmd_build(args: argparse.Namespace) -> int:
    pack = _pack_path(args.city_dir)
    read_city_config(pack)  # fail early on a folder that is not a pack
    written = build_pack_layers(pack)
    for layer_id, n in written.items():
        print(f"{layer_id}: {n} rows -> {pack / (layer_id + '.geojson')}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="culturemap", description="Cultural assets of a city: validate, build, analyse."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="load a city pack and report counts, coverage and every error")
    validate.add_argument("city_dir", help="pack folder (geodata/<city>) or city id")
    validate.add_argument("--json", action="store_true", help="print the report as one JSON object")
    validate.add_argument("--lang", choices=("zh", "en"), help="message language (default: the city's)")
    validate.set_defaults(func=cmd_validate)

    build = sub.add_parser("build", help="import the pack's curated/*.csv tables into layer GeoJSON (WGS-84)")
    build.add_argument("city_dir", help="pack folder (geodata/<city>) or city id")
    build.set_defaults(func=cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except (PackError, TableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
