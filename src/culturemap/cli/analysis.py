"""The analysis commands: ``density`` (kernel density as GeoTIFF, contours or a map), ``corridor``
(assets per distance band from the river) and ``stats`` (nearest neighbour, Ripley's L, hot spots,
districts, coverage gaps, soft-power index)."""

from __future__ import annotations

import argparse
import json
import logging
import sys

import numpy as np

from culturemap.analysis.corridor import band_counts, linear_reference
from culturemap.analysis.density import contour_polygons, grade_weights, kde
from culturemap.cli.args import (
    add_city,
    add_json,
    add_lang,
    add_out,
    fractions,
    layer_list,
    positive_float,
    positive_floats,
    read_city,
)
from culturemap.export.raster import write_geotiff
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs
from culturemap.io.tables import geojson_text
from culturemap.layers import ASSET_LAYERS

log = logging.getLogger("culturemap")


def add_density_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap density --city C [--layers] [--bandwidth-m] [--cell-m] [--weights] [--mass] --format --out``."""
    density = sub.add_parser("density", help="kernel density of assets: GeoTIFF (per km2), GeoJSON contours or PNG map")
    add_city(density)
    density.add_argument("--layers", type=layer_list, default=ASSET_LAYERS, help="comma-separated layer ids")
    density.add_argument(
        "--bandwidth-m", type=positive_float, help="Gaussian bandwidth in metres (default: Scott's rule)"
    )
    density.add_argument("--cell-m", type=positive_float, help="grid cell in metres (default: bandwidth / 10)")
    density.add_argument("--weights", choices=("none", "grade"), default="none", help="grade: 5A counts 5 ... 1A 1")
    density.add_argument(
        "--mass", type=fractions, default=(0.5, 0.75, 0.9), help="contour levels as shares of all points"
    )
    density.add_argument("--format", choices=("geotiff", "geojson", "png"), required=True)
    add_out(density)
    add_lang(density, "language of the PNG's labels")
    density.set_defaults(func=cmd_density)


def cmd_density(args: argparse.Namespace) -> int:
    """The kernel density of the assets (bandwidth and cell in m) as a GeoTIFF (per km2), contours or a PNG map."""
    city = read_city(args.city)
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


def add_corridor_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap corridor --city C [--buffers-km 0.5,1,2,5] [--json]``."""
    corridor = sub.add_parser(
        "corridor", help="assets per distance band from the river; chainage, bank, distance per asset"
    )
    add_city(corridor)
    corridor.add_argument("--buffers-km", type=positive_floats, default=(0.5, 1.0, 2.0, 5.0), help="band edges in km")
    add_json(corridor)
    corridor.set_defaults(func=cmd_corridor)


def cmd_corridor(args: argparse.Namespace) -> int:
    """The assets per distance band (km) from the river, and each asset's chainage (km), bank and distance (m)."""
    city = read_city(args.city)
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


def add_stats_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap stats --city C [--layers] [--h3-resolution 4..10] [--gap-km] [--json] [--lang]``."""
    stats = sub.add_parser(
        "stats", help="NNI, Ripley's L, Gi* hot spots, district counts, coverage gaps, soft-power index"
    )
    add_city(stats)
    stats.add_argument("--layers", type=layer_list, default=ASSET_LAYERS, help="comma-separated layer ids")
    stats.add_argument("--h3-resolution", type=int, default=7, choices=range(4, 11), metavar="4..10")
    stats.add_argument(
        "--gap-km",
        type=positive_float,
        default=5.0,
        help="a district whose centre is farther from every asset is a gap",
    )
    add_json(stats)
    add_lang(stats, "language of the sentences")
    stats.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    """The spatial statistics of the assets (gaps in km), as sentences and the soft-power table, or one JSON object."""
    from culturemap.analysis.aggregate import h3_counts
    from culturemap.analysis.districts import district_summary
    from culturemap.analysis.proximity import FORMULA, soft_power_index
    from culturemap.analysis.stats import clark_evans, coverage_gaps, fill_hex_grid, hotspots, interpret, ripley_l

    city = read_city(args.city)
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
