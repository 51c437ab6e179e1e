"""The CLI when the store or the file system fails (issue 22 item 9): one ``error:`` line in the
command's language, exit 1, no traceback, no SQL, no row values. Before: tracebacks (SQLAlchemy's
quoting the INSERT and its rows, GDAL's, OSError from argparse) or exit 2."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

import psycopg
import pytest

from culturemap.store import store_for_pack
from tests.conftest import run_cli as run
from tests.io.conftest import spot, write_csv
from tests.store.conftest import backend  # noqa: F401  (both backends, for the point-set names)
from tests.store.outages import SQL_WORDS, can_mount, fill, read_only_folder, tiny_disk

NEW_ROW = spot("新塔", 506_000, 3_996_500)


def error_line(err: str) -> str:
    """The one line of stderr, checked to be an ``error:`` line without SQL, traceback or row values."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert not any(word in lines[0] for word in SQL_WORDS) and "新塔" not in lines[0], lines[0]
    return lines[0]


def cli(argv: list, env: dict, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "culturemap.cli", *map(str, argv)], env=env, capture_output=True,
                          text=True, timeout=300, **options)  # fmt: skip


@pytest.fixture
def city(pack, tmp_path, monkeypatch) -> dict:
    """The synthetic pack as the data root, GeoPackage stores in tmp_path/stores; the environment of a CLI run."""
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    return dict(os.environ)


# --------------------------------------------------------------------------- PostGIS


@pytest.mark.db
def test_a_connection_killed_mid_import_is_one_error_line_without_sql_or_rows(
    city, pack, tmp_path, postgis_url, monkeypatch
):
    """The import's INSERT waits for a row another transaction holds; pg_terminate_backend ends its
    connection there. Before: SQLAlchemy's traceback ending "[SQL: INSERT INTO culturemap.features
    ...] [parameters: [{... '新塔' ...}]]"."""
    env = {**city, "CULTUREMAP_DB_URL": postgis_url}
    monkeypatch.setenv("CULTUREMAP_DB_URL", postgis_url)
    store = store_for_pack(pack)
    store.reset()
    csv = write_csv(tmp_path / "new.csv", [NEW_ROW])
    with psycopg.connect(postgis_url) as holder, psycopg.connect(postgis_url, autocommit=True) as killer:
        holder.execute("INSERT INTO culturemap.features (city_id, layer, ord, fid, props)"
                       " VALUES ('testville', 'scenic_spots', 2, 'held', '{}')")  # fmt: skip
        proc = subprocess.Popen([sys.executable, "-m", "culturemap.cli", "import", csv, "--city", "testville",
                                 "--layer", "scenic_spots", "--lang", "en"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            waiting = []
            for _ in range(1200):
                waiting = killer.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                         " AND query LIKE 'INSERT INTO culturemap.features%'").fetchall()  # fmt: skip
                if waiting or proc.poll() is not None:
                    break
                time.sleep(0.1)
            assert waiting, "the import never reached its INSERT"
            killer.execute("SELECT pg_terminate_backend(%s)", waiting[0])
            out, err = proc.communicate(timeout=120)
        finally:
            proc.kill()
            holder.rollback()
    assert proc.returncode == 1, err
    assert error_line(err) == (
        f"error: Nothing written to layer scenic_spots in {store.location}: the connection to the database failed"
        " or was lost; the store is unchanged"
    )
    assert not any(word in out for word in SQL_WORDS)
    assert store.layer_counts()["scenic_spots"] == 2  # nothing landed


def test_a_database_down_at_start_is_one_error_line_and_exit_1(city, capsys, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DB_URL", "postgresql://nobody@127.0.0.1:9/nowhere")  # the discard port: closed
    assert run(["store", "info", "--city", "testville"]) == 1
    line = error_line(capsys.readouterr().err)
    assert line.startswith("error: Cannot reach the database postgresql://nobody@127.0.0.1:9/nowhere: ")
    assert line.endswith("Connection refused")


# --------------------------------------------------------------------------- a full disk, a read-only folder


def _limit_file_size(limit: int):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("how", ["tmpfs, nothing free", "tmpfs, the store and 32 KB free", "RLIMIT_FSIZE"])
def test_an_import_onto_a_full_disk_is_one_error_line_and_the_store_is_unchanged(city, pack, tmp_path, how):
    """Before: sqlite3.OperationalError "database or disk is full" or DataLayerError "Layer
    scenic_spots already exists" with a traceback, exit 1; or "error: [Errno 28] ..." with exit 2."""
    csv = write_csv(tmp_path / "new.csv", [NEW_ROW])
    argv = ["import", csv, "--city", "testville", "--layer", "scenic_spots"]
    if how == "RLIMIT_FSIZE":  # works without mounting: writes past the limit fail with EFBIG
        env = {**city, "CULTUREMAP_STORE": str(tmp_path / "stores")}
        assert cli(["store", "info", "--city", "testville"], env).returncode == 0
        store_file = tmp_path / "stores" / "testville.gpkg"
        before = store_file.read_bytes()
        result = cli([*argv, "--lang", "en"], env, preexec_fn=_limit_file_size(len(before) // 2))
        assert result.returncode == 1, result.stderr
        line = error_line(result.stderr)
        assert line.startswith(f"error: Nothing written to layer scenic_spots in {store_file}: ")
        assert line.endswith("; the store is unchanged")
        assert store_file.read_bytes() == before
        return
    reason = can_mount(tmp_path / "probe")
    if reason:
        pytest.skip(f"{reason} (the RLIMIT_FSIZE case runs)")
    with tiny_disk(tmp_path / "disk", 1024) as disk:
        env = {**city, "CULTUREMAP_STORE": str(disk)}
        assert cli(["store", "info", "--city", "testville"], env).returncode == 0
        store_file = disk / "testville.gpkg"
        before = store_file.read_bytes()
        fill(disk, 0 if how == "tmpfs, nothing free" else len(before) + 32_768)
        result = cli([*argv, "--lang", "en"], env)
        assert result.returncode == 1, result.stderr
        line = error_line(result.stderr)
        assert line.startswith(f"error: Nothing written to layer scenic_spots in {store_file}: the disk is full (")
        assert line.endswith(f" MB free in {disk}); the store is unchanged")
        result = cli(argv, env)  # the city's language: zh
        assert result.returncode == 1
        assert error_line(result.stderr).startswith(
            f"error: 图层 scenic_spots 未写入 {store_file}：磁盘已满（{disk} 剩余 "
        )
        assert store_file.read_bytes() == before


def test_the_first_seed_into_a_read_only_folder_is_one_error_line(city, pack, tmp_path, capsys, monkeypatch):
    """Before: sqlite3.OperationalError "unable to open database file" with a traceback (folder
    itself read-only) or "error: [Errno 30] Read-only file system" with exit 2 (a folder under it)."""
    with read_only_folder(tmp_path / "ro") as folder:
        for store_dir in (folder, folder / "sub"):
            monkeypatch.setenv("CULTUREMAP_STORE", str(store_dir))
            assert run(["store", "info", "--city", "testville"]) == 1
            line = error_line(capsys.readouterr().err)
            assert line.startswith(
                f"error: Cannot seed the store {store_dir / 'testville.gpkg'} from the pack {pack}: "
            )
            assert line.endswith((f"{folder} is read-only", f"permission denied on {folder}")), line
            csv = write_csv(tmp_path / "new.csv", [NEW_ROW])
            assert run(["import", csv, "--city", "testville", "--layer", "scenic_spots"]) == 1
            line = error_line(capsys.readouterr().err)
            assert line.startswith(f"error: 无法用数据包 {pack} 填充存储 {store_dir / 'testville.gpkg'}：")


# --------------------------------------------------------------------------- --out


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--city", "testville", "--format", "csv", "--out"],
        ["dump", "--city", "testville", "--layer", "scenic_spots", "--out"],
        ["density", "--city", "testville", "--format", "geojson", "--out"],
    ],
    ids=["export", "dump", "density"],
)
def test_an_out_name_too_long_is_one_error_line(city, tmp_path, capsys, command):
    """Before: OSError "[Errno 36] File name too long" raised in argparse, with a traceback."""
    out = tmp_path / ("a" * 300 + ".csv")
    assert run([*command, out, "--lang", "en"]) == 1
    assert (
        error_line(capsys.readouterr().err) == f"error: {out}: the file name is too long (304 bytes; the limit is 255)"
    )
    assert run([*command, out, "--lang", "zh"]) == 1
    assert error_line(capsys.readouterr().err) == f"error: {out}：文件名过长（304 字节，上限 255 字节）"


# --------------------------------------------------------------------------- point-set names and case


def test_point_set_names_differing_only_in_case_are_one_error_line_on_both_backends(
    backend,  # noqa: F811
    pack,
    tmp_path,
    capsys,
    monkeypatch,
):
    """Before: GeoPackage: DataLayerError "Layer points__checkins already exists" with a traceback,
    exit 0; PostGIS: a second dataset ``checkins`` beside ``Checkins``."""
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    store_for_pack(pack).reset()
    csv = tmp_path / "points.csv"
    csv.write_text("lon,lat,n\n105.05,36.10,1\n105.06,36.11,2\n", encoding="utf-8")
    assert run(["import", csv, "--city", "testville", "--points", "Checkins"]) == 0
    capsys.readouterr()
    assert run(["import", csv, "--city", "testville", "--points", "checkins", "--lang", "en"]) == 1
    assert error_line(capsys.readouterr().err) == (
        "error: A point dataset Checkins is already stored; names differing only in case are the same dataset "
        "(checkins not written): use Checkins to replace it, or choose another name"
    )
    assert store_for_pack(pack).point_datasets() == ["Checkins"]
