"""Edit benchmark (issue 28): one row edit in a layer of 100,000 rows, on both backends, against the bare
single-row UPDATE of the backend's own driver (the floor) and against rewriting the layer (an import of
one row), all in the same run.

    python bench/edits.py --out BENCHMARKS.md [--rows 100000] [--edits 30]

Lanzhou's store gets ``--rows`` scenic spots (copies of the pack's, ids ``bench-000001``..., positions
jittered a few metres), imported once; then ``--edits`` field updates and as many moves through
:meth:`~culturemap.store.edits.EditingStore.update_asset` / ``move_asset`` (each: its own transaction,
the version check, the import checks of the row, the history entry, the store's new stamp), one by one.
The floor: the same row's ``UPDATE ... WHERE key = ? AND version = ?`` in one transaction by sqlite3 /
psycopg, nothing else. Goal: an edit under 100 ms on both backends. PostGIS is a throwaway local server
(tests/conftest.py ``throwaway_postgis``, fsync off); without PostgreSQL only the GeoPackage is measured.
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
from contextlib import closing, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"
sys.path.insert(0, str(REPO))  # tests.conftest: the throwaway PostGIS server
GOAL_MS = 100.0


def bench_rows(n: int, seed: int = 28):
    """``n`` scenic spots made from the pack's: each a copy of one (cycling), a new id and name, its point
    moved up to ~50 m (so every row keeps its district)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from culturemap.catalog import read_pack_layers

    spots = read_pack_layers(LANZHOU)[0]["scenic_spots"].reset_index(drop=True)
    take = np.arange(n) % len(spots)
    rows = spots.iloc[take].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    xy = shapely.get_coordinates(rows.geometry.to_numpy()) + rng.uniform(-0.0004, 0.0004, (n, 2))
    rows["id"] = [f"bench-{i:06d}" for i in range(1, n + 1)]
    rows["name_zh"] = [f"{name}（{i}）" for i, name in enumerate(rows["name_zh"], start=1)]
    return gpd.GeoDataFrame(rows.drop(columns="geometry"), geometry=shapely.points(xy), crs="EPSG:4326")


def _ms(seconds: list[float]) -> dict:
    ordered = sorted(s * 1000 for s in seconds)
    return {"median": statistics.median(ordered), "p90": ordered[int(0.9 * (len(ordered) - 1))], "max": ordered[-1]}


def floor_update(store, key: str, version: int) -> float:
    """The bare UPDATE of one row's ``note`` by key and version in one transaction, by the backend's driver."""
    start = time.perf_counter()
    if store.backend == "GeoPackage":
        from culturemap.store.gpkg_rows import connect  # sqlite3 with the functions GDAL's R-tree triggers call

        with closing(connect(Path(store.location), 30)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute('UPDATE "scenic_spots" SET note = ? WHERE id = ? AND version = ?', ("floor", key, version))
            db.execute("COMMIT")
    else:
        from sqlalchemy import text

        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE culturemap.features SET props = props || '{\"note\": \"floor\"}'::jsonb"
                     " WHERE city_id = 'lanzhou' AND layer = 'scenic_spots' AND fid = :k AND version = :v"),
                {"k": key, "v": version},
            )  # fmt: skip
    return time.perf_counter() - start


def measure(label: str, rows, edits: int) -> dict:
    from culturemap.store import store_for_pack
    from culturemap.store.roles import Actor

    editor = Actor("bench", "editor")
    store = store_for_pack(LANZHOU)
    store.reset()
    start = time.perf_counter()
    store.write("scenic_spots", rows)
    import_s = time.perf_counter() - start
    held = store.layer_counts()["scenic_spots"]
    print(f"{label}: {held:,} scenic spots, imported in {import_s:.1f} s", flush=True)
    rng_ids = [f"bench-{1 + (i * 7919) % len(rows):06d}" for i in range(edits)]  # spread over the table
    floor = []
    for key in rng_ids:
        gc.collect()
        floor.append(floor_update(store, key, 1))
    update, move = [], []
    for i, key in enumerate(rng_ids):
        gc.collect()
        start = time.perf_counter()
        result = store.update_asset("scenic_spots", key, {"note": f"checked {i}"}, 1, editor, "bench")
        update.append(time.perf_counter() - start)
        point = rows.geometry.iloc[int(key[6:]) - 1]
        gc.collect()
        start = time.perf_counter()
        store.move_asset("scenic_spots", key, point.x + 0.0001, point.y, "surveyed", result.version, editor, "bench")
        move.append(time.perf_counter() - start)
    gc.collect()
    start = time.perf_counter()
    store.undo_last(editor)
    undo_s = time.perf_counter() - start
    one = rows.iloc[[len(rows) // 2]].assign(note="rewrite")
    gc.collect()
    start = time.perf_counter()
    store.write("scenic_spots", one)  # the import path: the layer rewritten
    rewrite_s = time.perf_counter() - start
    history = len(store.history())
    store.reset()
    result = {"label": label, "rows": held, "import_s": import_s, "floor": _ms(floor), "update": _ms(update),
              "move": _ms(move), "undo_ms": undo_s * 1000, "rewrite_ms": rewrite_s * 1000, "history": history}  # fmt: skip
    print(f"{label}: floor {result['floor']['median']:.1f} ms, update {result['update']['median']:.1f} ms, move "
          f"{result['move']['median']:.1f} ms, undo {result['undo_ms']:.1f} ms, rewrite {result['rewrite_ms']:.0f} ms",
          flush=True)  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()

    from tests.conftest import PG_BIN, throwaway_postgis

    began = time.perf_counter()
    load_start = os.getloadavg()[0]
    rows = bench_rows(args.rows)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CULTUREMAP_STORE"] = str(Path(tmp) / "stores")
        os.environ.pop("CULTUREMAP_DB_URL", None)
        results.append(measure("GeoPackage", rows, args.edits))
        has_postgres = (PG_BIN / "pg_ctl").exists()
        with throwaway_postgis() if has_postgres else nullcontext() as url:
            if url:
                os.environ["CULTUREMAP_DB_URL"] = url
                results.append(measure("PostGIS", rows, args.edits))
                del os.environ["CULTUREMAP_DB_URL"]

    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, by bench/edits.py (--rows {args.rows} --edits {args.edits}), in one process, "
        f"{time.perf_counter() - began:.0f} s; load average {load_start:.1f} at the start and {os.getloadavg()[0]:.1f} "
        "at the end (a shared machine). PostGIS is a throwaway local server (fsync off).",
        "",
        f"## One edit in a layer of {args.rows:,} rows (goal: under {GOAL_MS:.0f} ms on both backends)",
        "",
        "Lanzhou's scenic_spots with the rows imported once, then one edit at a time on rows spread over the "
        "table: a field update and a move (each its own transaction with the version check, the row's import "
        "checks, the history entry and the store's new stamp). Floor (the baseline, same run): the same row's bare "
        "`UPDATE ... WHERE key AND version` in one transaction by sqlite3 / psycopg. Rewrite: the import path "
        "(`store.write` of one row), which writes the whole layer.",
        "",
        "| backend | rows | floor ms | update ms (p90, max) | x floor | move ms (p90, max) | x floor | undo ms "
        "| rewrite ms | rewrite / update | goal met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        floor, update, move = r["floor"]["median"], r["update"], r["move"]
        met = max(update["p90"], move["p90"], r["undo_ms"]) < GOAL_MS
        lines.append(
            f"| {r['label']} | {r['rows']:,} | {floor:.1f} | {update['median']:.1f} ({update['p90']:.1f}, "
            f"{update['max']:.1f}) | {update['median'] / floor:.1f}x | {move['median']:.1f} ({move['p90']:.1f}, "
            f"{move['max']:.1f}) | {move['median'] / floor:.1f}x | {r['undo_ms']:.1f} | {r['rewrite_ms']:,.0f} | "
            f"{r['rewrite_ms'] / update['median']:,.0f}x | {'yes' if met else 'no'} (p90) |"
        )
    lines += ["", f"Import of the {args.rows:,} rows (once, not an edit): "
              + ", ".join(f"{r['label']} {r['import_s']:.1f} s" for r in results) + ".", ""]  # fmt: skip
    write_section(args.out, "bench/edits.py", lines)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
