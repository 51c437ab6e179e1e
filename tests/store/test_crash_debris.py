"""A write killed with SIGKILL (issue 22): nothing stored before it is lost, and the GeoPackage's
temporary copy it leaves (``.<city>.gpkg.*.tmp.gpkg``, up to the store's size) is deleted by the next open."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from culturemap.crs import WGS84
from culturemap.store import store_for_pack
from tests.conftest import REPO, base_props, utm_to_lonlat

KILLS = 10
CRASH_POINTS = 300_000

WRITER = """
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np

from culturemap.store import store_for_pack

store = store_for_pack(Path(sys.argv[1]))
n = int(sys.argv[2])
rng = np.random.default_rng(0)
points = gpd.GeoDataFrame({"value": np.arange(n), "label": ["p"] * n},
                          geometry=gpd.points_from_xy(rng.uniform(103, 104, n), rng.uniform(36, 37, n)), crs=4326)
Path(sys.argv[3]).touch()  # about to write
store.write_points("crash", points)
"""


def stale_copies(store_file: Path) -> list[Path]:
    """The temporary copies of a GeoPackage store (and their sidecar files) beside it."""
    return sorted(store_file.parent.glob(f".{store_file.name}.*.tmp.gpkg*"))


def _copying(store) -> bool:
    """True once the writer is well into its write: its GeoPackage copy holds over 2 MB of new points,
    or the database runs its COPY (or the index after it)."""
    if store.backend == "GeoPackage":
        sizes = [os.stat(p).st_size if os.path.exists(p) else 0 for p in stale_copies(Path(store.location))]
        return sum(sizes) > 2 * 2**20
    active = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND (query LIKE 'COPY%%' OR query LIKE 'CREATE INDEX%%')"
    with store.engine.connect() as conn:
        return bool(conn.exec_driver_sql(active).scalar_one())


def _wait_for(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.01)


def _kept_museum(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame([{**base_props(f"mu-kept-{n}", f"馆{n}", "西区"), "kind": "art"}],
                            geometry=[shapely.Point(utm_to_lonlat(503_500, 3_993_500))], crs=WGS84)  # fmt: skip


@pytest.mark.slow
def test_writes_killed_mid_way_lose_nothing_and_leave_no_copies(store, pack, tmp_path, caplog):
    gpkg = store.backend == "GeoPackage"
    marker = tmp_path / "writing"
    rng = random.Random(22)
    debris_seen = []
    for n in range(KILLS):
        marker.unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(pack), str(CRASH_POINTS), str(marker)],
                                 cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO / "src")})  # fmt: skip
        try:
            _wait_for(lambda child=child: marker.exists() or child.poll() is not None, 120, "the writer to start")
            _wait_for(lambda child=child: _copying(store) or child.poll() is not None, 120, "the points being written")
            time.sleep(rng.uniform(0.0, 0.2))
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait(timeout=60)
        assert child.returncode == -signal.SIGKILL
        if gpkg:
            debris_seen.append(sum(p.stat().st_size for p in stale_copies(Path(store.location))))
        caplog.clear()
        reopened = store_for_pack(pack)  # the next open
        if gpkg:
            assert stale_copies(Path(store.location)) == []
            assert f"temporary copies of {store.location} left by interrupted writes" in caplog.text
            assert f"({debris_seen[-1]:,} bytes) freed" in caplog.text
            assert [p.name for p in Path(store.location).parent.iterdir() if p.name.startswith(".")] == []
        reopened.write("museums", _kept_museum(n))
        museums = reopened.read_layer("museums")["id"].tolist()
        assert museums == ["mu-city", *(f"mu-kept-{i}" for i in range(n + 1))]  # 0 rows lost
        assert reopened.layer_counts()["scenic_spots"] == 2
        if "crash" in reopened.point_datasets():  # the killed write landed whole or not at all
            assert reopened.layer_counts()["points:crash"] == CRASH_POINTS
    if gpkg:
        assert len(debris_seen) == KILLS and min(debris_seen) > 0  # every kill left a copy to clean
