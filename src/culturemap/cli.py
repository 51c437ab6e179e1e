"""The ``culturemap`` command line: the same catalog and analysis functions as the app, no UI."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from culturemap.analysis.corridor import band_counts, linear_reference
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


def _buffers_km(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--buffers-km takes comma-separated kilometres, e.g. 0.5,1,2,5; got {text!r}"
        ) from None
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"--buffers-km needs positive distances, got {text!r}")
    return values


def cmd_corridor(args: argparse.Namespace) -> int:
    city = load_city(_pack_path(args.city))
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

    corridor = sub.add_parser(
        "corridor", help="assets per distance band from the river; chainage, bank, distance per asset"
    )
    corridor.add_argument("--city", required=True, help="pack folder (geodata/<city>) or city id")
    corridor.add_argument("--buffers-km", type=_buffers_km, default=(0.5, 1.0, 2.0, 5.0), help="band edges in km")
    corridor.add_argument("--json", action="store_true", help="print one JSON object")
    corridor.set_defaults(func=cmd_corridor)
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
