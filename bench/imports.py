"""Import benchmarks: a generic point dataset read by the importer (WGS-84 and GCJ-02) and stored in a
GeoPackage, against a plain pyogrio read of the same CSV; and the per-row report of a 10,000-row list.

    python bench/imports.py --out BENCHMARKS.md [--points 1000000] [--rows 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section
from store import LANZHOU, _median_s, read_points_csv, write_points_csv

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def write_list_csv(path: Path, n: int, seed: int = 14) -> None:
    """``n`` scenic spots in Chengguan district as an official list might give them (Chinese headers, grades)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    pd.DataFrame(
        {
            "名称": [f"景区{i}" for i in range(n)],
            "等级": rng.choice(["5A级", "4A级", "AAA", "2A"], n),
            "区县": "城关区",
            "经度": (103.80 + rng.random(n) * 0.1).round(6),
            "纬度": (36.04 + rng.random(n) * 0.02).round(6),
        }
    ).to_csv(path, index=False, encoding="gbk")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from culturemap.io.importers import prepare_import
    from culturemap.io.point_sets import read_point_dataset
    from culturemap.store import store_for_pack

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CULTUREMAP_STORE"] = str(Path(tmp) / "stores")
        os.environ.pop("CULTUREMAP_DB_URL", None)
        csv = Path(tmp) / "points.csv"
        write_points_csv(csv, args.points)
        floor_s = _median_s(lambda: read_points_csv(csv), args.repeat)
        read_s = {
            crs: _median_s(lambda crs=crs: read_point_dataset(csv, crs=crs), args.repeat) for crs in ("wgs84", "gcj02")
        }
        store = store_for_pack(LANZHOU)
        points, _dropped = read_point_dataset(csv)
        start = time.perf_counter()
        store.write_points("bench", points)
        write_s = time.perf_counter() - start
        table = Path(tmp) / "list.csv"
        write_list_csv(table, args.rows)
        city = store.load_city()
        report_s = _median_s(lambda: prepare_import(table, "scenic_spots", city), args.repeat)
        store.reset()
        size_mb = csv.stat().st_size / 2**20
    print(f"floor {floor_s:.2f} s, read {read_s}, write {write_s:.2f} s, report {report_s:.2f} s")
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}, "
        f"by bench/imports.py (median of {args.repeat} runs).",
        "",
        f"## Importing {args.points:,} generic points from CSV ({size_mb:.0f} MB)",
        "",
        f"Floor: `pyogrio.read_dataframe` of the same CSV, {floor_s:.2f} s.",
        "",
        "| step | s | / floor |",
        "|---|---:|---:|",
        f"| `read_point_dataset`, WGS-84 | {read_s['wgs84']:.2f} | {read_s['wgs84'] / floor_s:.2f}x |",
        f"| `read_point_dataset`, GCJ-02 converted | {read_s['gcj02']:.2f} | {read_s['gcj02'] / floor_s:.2f}x |",
        f"| + `write_points` (GeoPackage) | {write_s:.2f} | |",
        f"| import (WGS-84 read + write) | {read_s['wgs84'] + write_s:.2f} | {(read_s['wgs84'] + write_s) / floor_s:.2f}x |",
        "",
        f"## The per-row report of a {args.rows:,}-row list (GBK CSV) against Lanzhou's stored assets",
        "",
        f"`prepare_import`: {report_s:.2f} s ({report_s / args.rows * 1e3:.2f} ms per row).",
        "",
    ]
    write_section(args.out, "bench/imports.py", lines)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
