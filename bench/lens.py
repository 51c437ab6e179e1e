"""Benchmark of the university lens: campus reach on many points against a floor, the city card
and the Compare figure of the real packs.

    python bench/lens.py [--points 100000] [--repeat 5]

campus_reach projects every feature to the city's metric CRS and measures its distance to the
campus, then ranks what lies within 10 km. The floor, in the same run, does only the geometric
part: the same projection and a ``shapely.dwithin`` query of an STRtree (no ranking, no table).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _median_s(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def reach_speed(n_points: int, repeat: int, seed: int = 11) -> dict:
    """Seconds of :func:`campus_reach` with ``n_points`` heritage units round Lanzhou, and of the floor."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from culturemap.analysis.lens import RINGS_M, campus_reach
    from culturemap.catalog import load_city

    city = load_city(REPO / "geodata" / "lanzhou")
    rng = np.random.default_rng(seed)
    template = city.layers["heritage_units"].iloc[[0]]
    many = template.loc[template.index.repeat(n_points)].reset_index(drop=True)
    many["id"] = [f"hu-bench-{i}" for i in range(n_points)]
    many = many.set_geometry(shapely.points(rng.uniform(103.4, 104.3, n_points), rng.uniform(35.9, 36.3, n_points)))
    city.layers["heritage_units"] = gpd.GeoDataFrame(many, crs="EPSG:4326")
    campus_id = city.layers["universities"]["id"].iloc[0]
    campus = city.layers["universities"].iloc[[0]].to_crs(city.config.metric_crs).geometry.iloc[0]
    found = campus_reach(city, campus_id)

    def floor() -> int:
        points = city.layers["heritage_units"].to_crs(city.config.metric_crs).geometry.to_numpy()
        return len(shapely.STRtree(points).query(campus, predicate="dwithin", distance=RINGS_M[-1]))

    return {
        "n": n_points,
        "within_10km": int((found["layer"] == "heritage_units").sum()),
        "floor_found": floor(),
        "lens_s": _median_s(lambda: campus_reach(city, campus_id), repeat),
        "floor_s": _median_s(floor, repeat),
    }


def card_speed(repeat: int) -> dict:
    """Seconds of :func:`city_card` per real pack (warm: esda imported), and of the Compare figure."""
    import matplotlib.pyplot as plt

    from culturemap.analysis.lens import city_card
    from culturemap.catalog import find_packs, load_city
    from culturemap.export.figure import figure_bytes
    from culturemap.render.static import compare_figure

    cities = [load_city(p) for p in find_packs(REPO / "geodata")]
    out = {}
    cards = []
    for city in cities:
        cards.append(city_card(city))  # imports esda once
        out[f"card_{city.config.id}_s"] = _median_s(lambda city=city: city_card(city), repeat)
    if len(cards) >= 2:
        for fmt in ("png", "pdf"):

            def draw(fmt=fmt) -> int:
                figure = compare_figure(cards[:2], "zh", "compare")
                try:
                    return len(figure_bytes(figure, fmt))
                finally:
                    plt.close(figure)

            out[f"figure_{fmt}_bytes"] = draw()
            out[f"figure_{fmt}_s"] = _median_s(draw, repeat)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    reach = reach_speed(args.points, args.repeat)
    print(
        f"campus_reach, {reach['n']:,} heritage units ({reach['within_10km']:,} within 10 km, floor "
        f"{reach['floor_found']:,}): {reach['lens_s']:.3f} s; floor (project + STRtree dwithin) "
        f"{reach['floor_s']:.3f} s; ratio {reach['lens_s'] / reach['floor_s']:.2f}x"
    )
    for key, value in card_speed(args.repeat).items():
        print(f"{key}: {value:,.3f}" if key.endswith("_s") else f"{key}: {value:,}")


if __name__ == "__main__":
    main()
