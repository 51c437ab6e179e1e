"""Store failures as typed errors with one clear message (issue 22 item 9): a full disk, a read-only
folder, a PostGIS server that stops after the store was opened, point-set names differing only in case.
Each raised a raw GDAL/SQLite/SQLAlchemy error (some quoting SQL and row values) before."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from culturemap.crs import WGS84
from culturemap.store import StoreError, store_for_pack
from culturemap.store.errors import StoreUnavailable, StoreWriteFailed
from culturemap.store.gpkg import GeoPackageStore
from tests.store.outages import SQL_WORDS, fill, read_only_folder, stoppable_postgis, tiny_disk
from tests.store.test_store import new_spot, scenic_rows


def clean(message: str) -> bool:
    """No SQL, no traceback, no row value of the write (new_spot's name) in ``message``."""
    return not any(word in message for word in SQL_WORDS) and "新景点" not in message and "\n" not in message


# --------------------------------------------------------------------------- a full disk


@pytest.mark.parametrize("size_kb", [64, 144, 208])  # GDAL fails differently as the disk fills at another step
def test_a_full_disk_on_the_first_seed_is_a_write_failure_naming_the_store(pack, tmp_path, size_kb):
    """Before: FeatureError "sqlite3_exec(INSERT INTO gpkg_contents ...) failed: database or disk is
    full" or DataSourceError "Failed to commit transaction"."""
    with tiny_disk(tmp_path / "disk", size_kb) as disk:
        store = GeoPackageStore("testville", pack, disk / "testville.gpkg")
        with pytest.raises(StoreWriteFailed) as caught:
            store.ensure_seeded()
        assert caught.value.code == "store_seed_failed"
        en, zh = caught.value.message("en"), caught.value.message("zh")
        assert en.startswith(
            f"Cannot seed the store {disk / 'testville.gpkg'} from the pack {pack}: the disk is full ("
        )
        assert f"MB free in {disk})" in en
        assert zh.startswith(f"无法用数据包 {pack} 填充存储 {disk / 'testville.gpkg'}：磁盘已满（{disk} 剩余 ")
        assert clean(en) and clean(zh)
        assert not (disk / "testville.gpkg").exists()


@pytest.mark.parametrize("free", ["none", "half the store", "the store and 32 KB"])
def test_a_full_disk_on_a_write_is_a_write_failure_and_the_store_is_unchanged(pack, tmp_path, free):
    """Before: sqlite3.OperationalError "database or disk is full" (nothing free), OSError ENOSPC
    (the copy), DataLayerError "Layer scenic_spots already exists" (GDAL could not drop the old table)."""
    with tiny_disk(tmp_path / "disk", 1024) as disk:
        store = GeoPackageStore("testville", pack, disk / "testville.gpkg")
        store.ensure_seeded()
        before = (disk / "testville.gpkg").read_bytes()
        leave = {"none": 0, "half the store": len(before) // 2, "the store and 32 KB": len(before) + 32_768}[free]
        fill(disk, leave)
        with pytest.raises(StoreWriteFailed) as caught:
            store.write("scenic_spots", scenic_rows(new_spot("sc-new")))
        en = caught.value.message("en")
        assert en.startswith(f"Nothing written to layer scenic_spots in {disk / 'testville.gpkg'}: the disk is full (")
        assert en.endswith(f"MB free in {disk}); the store is unchanged")
        assert caught.value.message("zh").startswith(f"图层 scenic_spots 未写入 {disk / 'testville.gpkg'}：磁盘已满")
        assert clean(en) and clean(caught.value.message("zh"))
        assert (disk / "testville.gpkg").read_bytes() == before
        (disk / "filler").unlink()
        assert store.write("scenic_spots", scenic_rows(new_spot("sc-new"))).inserted == 1  # room again: it lands


def test_a_full_disk_on_a_point_dataset_names_the_dataset(pack, tmp_path):
    points = gpd.GeoDataFrame({"n": range(2000)}, geometry=shapely.points([[105.05, 36.1]] * 2000), crs=WGS84)
    with tiny_disk(tmp_path / "disk", 1024) as disk:
        store = GeoPackageStore("testville", pack, disk / "testville.gpkg")
        store.ensure_seeded()
        fill(disk, (disk / "testville.gpkg").stat().st_size + 16_384)
        with pytest.raises(StoreWriteFailed) as caught:
            store.write_points("checkins", points)
        assert caught.value.message("en").startswith(
            f"The point dataset checkins was not written to {disk / 'testville.gpkg'}: the disk is full ("
        )
        assert store.point_datasets() == []


# --------------------------------------------------------------------------- a read-only folder


def test_the_first_seed_into_a_read_only_folder_is_a_write_failure_naming_the_folder(pack, tmp_path):
    """Before: sqlite3.OperationalError "unable to open database file" (the lock), or OSError EROFS."""
    with read_only_folder(tmp_path / "ro") as folder:
        for path in (folder / "testville.gpkg", folder / "sub" / "testville.gpkg"):
            store = GeoPackageStore("testville", pack, path)
            with pytest.raises(StoreWriteFailed) as caught:
                store.ensure_seeded()
            en, zh = caught.value.message("en"), caught.value.message("zh")
            assert en.startswith(f"Cannot seed the store {path} from the pack {pack}: ")
            assert en.endswith(f"{folder} is read-only") or en.endswith(f"permission denied on {folder}"), en
            assert zh.endswith(f"{folder} 是只读的") or zh.endswith(f"没有 {folder} 的访问权限"), zh
            assert clean(en) and not path.exists()


# --------------------------------------------------------------------------- point-set names and case


def test_point_set_names_differing_only_in_case_are_one_dataset_on_both_backends(store):
    """Before: GeoPackage raised DataLayerError "Layer points__checkins already exists" (SQLite
    table names ignore case) while PostGIS kept two datasets: now one rule on both."""
    points = gpd.GeoDataFrame({"n": [1, 2]}, geometry=shapely.points([[105.05, 36.1], [105.06, 36.11]]), crs=WGS84)
    assert store.write_points("Checkins", points) == 2
    with pytest.raises(StoreError) as caught:
        store.write_points("checkins", points.iloc[:1])
    assert caught.value.code == "store_points_case_clash"
    assert caught.value.message("en") == (
        "A point dataset Checkins is already stored; names differing only in case are the same dataset "
        "(checkins not written): use Checkins to replace it, or choose another name"
    )
    assert "已有点数据集 Checkins" in caught.value.message("zh")
    assert store.point_datasets() == ["Checkins"]
    assert store.layer_counts()["points:Checkins"] == 2
    assert store.write_points("Checkins", points.iloc[:1]) == 1  # the same spelling replaces it


# --------------------------------------------------------------------------- PostGIS stops after the start


@pytest.fixture(scope="module")
def server():
    with stoppable_postgis() as running:
        yield running


@pytest.mark.db
def test_postgis_stopping_after_the_open_is_unavailable_then_recovers(server, pack, monkeypatch):
    """Before: sqlalchemy.exc.OperationalError "(psycopg.OperationalError) connection failed: ...
    (Background on this error at: https://sqlalche.me/e/21/e3q8)" from every call."""
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    monkeypatch.setenv("CULTUREMAP_DB_URL", server.url)
    store = store_for_pack(pack)
    stamp = store.stamp()
    server.stop()
    try:
        for call in (
            store.stamp,
            store.load_city,
            store.layer_counts,
            store.point_datasets,
            lambda: store_for_pack(pack),
        ):
            with pytest.raises(StoreUnavailable) as caught:
                call()
            en = caught.value.message("en")
            assert en == f"Cannot read the store {store.location}: the connection to the database failed or was lost"
            assert caught.value.message("zh") == f"无法读取存储 {store.location}：与数据库的连接失败或中断"
        with pytest.raises(StoreWriteFailed) as caught:
            store.write("scenic_spots", scenic_rows(new_spot("sc-new")))
        assert caught.value.message("en") == (
            f"Nothing written to layer scenic_spots in {store.location}: the connection to the database failed"
            " or was lost; the store is unchanged"
        )
    finally:
        server.start()
    assert store.stamp() == stamp  # back: the same store, nothing written
    assert store_for_pack(pack).layer_counts()["scenic_spots"] == 2
    assert store.write("scenic_spots", scenic_rows(new_spot("sc-new"))).inserted == 1
