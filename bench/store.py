"""Store benchmarks: opening Lanzhou from each store against loading the pack, and bulk-loading generic
points from CSV into each backend against a plain pyogrio read of the same CSV, in the same run.

    python bench/store.py --out BENCHMARKS.md [--points 1000000] [--repeat 5]

The PostGIS figures use a throwaway server started for the run (tests/conftest.py
``throwaway_postgis``); without PostgreSQL installed only the GeoPackage rows are measured.
Goals: importing the points within 3x of the read (GeoPackage), within 5x (PostGIS, COPY).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"
sys.path.insert(0, str(REPO))  # tests.conftest: the throwaway PostGIS server


def _median_s(operation, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        operation()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_points_csv(path: Path, n: int, seed: int = 14) -> None:
    """``n`` points in the Lanzhou box: lon, lat (WGS-84 degrees), a category and a number."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    pd.DataFrame(
        {
            "lon": (103.4 + rng.random(n) * 0.6).round(7),
            "lat": (35.9 + rng.random(n) * 0.3).round(7),
            "kind": rng.choice(["checkin", "photo", "review"], n),
            "weight": rng.random(n).round(4),
        }
    ).to_csv(path, index=False)


def read_points_csv(path: Path):
    """The floor: a plain pyogrio read of the CSV into a GeoDataFrame (Arrow, typed columns)."""
    import pyogrio

    return pyogrio.read_dataframe(
        path, use_arrow=True, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat", AUTODETECT_TYPE="YES"
    ).set_crs("EPSG:4326")


def measure_backend(label: str, repeat: int, csv: Path) -> dict:
    """Open Lanzhou (first open seeds it; then median of ``repeat`` opens + loads) and load the CSV."""
    from culturemap.store import store_for_pack

    start = time.perf_counter()
    store = store_for_pack(LANZHOU)
    store.reset()
    seed_s = time.perf_counter() - start
    open_s = _median_s(lambda: store_for_pack(LANZHOU).load_city(), repeat)
    start = time.perf_counter()
    points = read_points_csv(csv)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    stored = store.write_points("bench", points)
    write_s = time.perf_counter() - start
    store.reset()
    print(f"{label}: seed {seed_s:.2f} s, open {open_s:.3f} s, points read {read_s:.2f} s + write {write_s:.2f} s")
    return {"label": label, "seed_s": seed_s, "open_s": open_s, "read_s": read_s, "write_s": write_s, "rows": stored}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from culturemap.catalog import load_city
    from tests.conftest import PG_BIN, throwaway_postgis

    pack_s = _median_s(lambda: load_city(LANZHOU), args.repeat)
    print(f"pack: load {pack_s:.3f} s")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "points.csv"
        print(f"writing {args.points:,} points to CSV ...", flush=True)
        write_points_csv(csv, args.points)
        floor_s = _median_s(lambda: read_points_csv(csv), max(1, args.repeat // 2))
        print(f"floor: pyogrio read {floor_s:.2f} s", flush=True)
        os.environ["CULTUREMAP_STORE"] = str(Path(tmp) / "stores")
        os.environ.pop("CULTUREMAP_DB_URL", None)
        results.append(measure_backend("GeoPackage", args.repeat, csv))
        has_postgres = (PG_BIN / "pg_ctl").exists()
        with throwaway_postgis() if has_postgres else nullcontext() as url:
            if url:
                os.environ["CULTUREMAP_DB_URL"] = url
                results.append(measure_backend("PostGIS (COPY)", args.repeat, csv))
                del os.environ["CULTUREMAP_DB_URL"]
        size_mb = csv.stat().st_size / 2**20

    goals = {"GeoPackage": 3, "PostGIS (COPY)": 5}
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}, "
        "by `make bench` (bench/store.py), in one process. PostGIS is a throwaway local server (fsync off).",
        "",
        f"## Opening Lanzhou: the store against the pack (read + full validation, median of {args.repeat} runs)",
        "",
        "| source | open + load s | vs pack | first open (seeding) s |",
        "|---|---:|---:|---:|",
        f"| pack (geodata/lanzhou, GeoJSON) | {pack_s:.3f} | 1.00x | |",
    ]
    for r in results:
        lines.append(
            f"| {r['label'].split(' (')[0]} store | {r['open_s']:.3f} | {r['open_s'] / pack_s:.2f}x | {r['seed_s']:.2f} |"
        )
    lines += [
        "",
        f"## {args.points:,} generic points from CSV ({size_mb:.0f} MB) into the store (`write_points`)",
        "",
        f"Floor: `pyogrio.read_dataframe` of the same CSV, {floor_s:.2f} s. Import = that read + `write_points`.",
        "",
        "| backend | read s | write_points s | import s | import / floor | goal |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        total = r["read_s"] + r["write_s"]
        lines.append(
            f"| {r['label']} | {r['read_s']:.2f} | {r['write_s']:.2f} | {total:.2f} | {total / floor_s:.2f}x "
            f"| {goals[r['label']]}x |"
        )
    lines.append("")
    write_section(args.out, "bench/store.py", lines)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
