"""The store on both backends: seeding, writes (atomic, validated, concurrent), reset, stamp, points."""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from sqlalchemy import text

from culturemap.catalog import load_city, read_pack_layers
from culturemap.crs import WGS84
from culturemap.store import StoreError, store_for_pack
from culturemap.store.postgis import point_table_name
from tests.conftest import base_props, utm_to_lonlat

HTML_NAME = '<b onmouseover="alert(1)">兰州·白塔</b><script>alert("x")</script>'


def scenic_rows(*rows: dict) -> gpd.GeoDataFrame:
    """Scenic spot rows: each dict holds base_props fields plus ``xy`` (UTM 48N metres of the synthetic city)."""
    records = [{k: v for k, v in row.items() if k != "xy"} for row in rows]
    geometry = [shapely.Point(utm_to_lonlat(*row["xy"])) for row in rows]
    return gpd.GeoDataFrame(records, geometry=geometry, crs=WGS84)


def new_spot(fid: str, name_zh: str = "新景点", **extra) -> dict:
    return {**base_props(fid, name_zh, "西区", grade="3A"), "xy": (504_000, 3_994_000), **extra}


def snapshot(store) -> object:
    """What must not change when a write fails: the file's bytes, or every stored row and the stamp."""
    if store.backend == "GeoPackage":
        return Path(store.location).read_bytes()
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT layer, ord, fid, props::text, encode(ST_AsEWKB(geom), 'hex') FROM culturemap.features"
                " WHERE city_id = :c ORDER BY layer, ord"
            ),
            {"c": store.city_id},
        ).all()
    return rows, store.stamp()


def test_seeded_store_holds_every_row_of_the_pack(store, pack):
    frames, _ = read_pack_layers(pack)
    assert store.layer_counts() == {lid: len(frame) for lid, frame in frames.items()}
    assert store.layer_counts()["universities"] == 2
    from_pack, from_store = load_city(pack), store.load_city()
    assert {lid: len(f) for lid, f in from_store.layers.items()} == {lid: len(f) for lid, f in from_pack.layers.items()}
    assert from_store.layers["scenic_spots"]["id"].tolist() == ["sc-west-pagoda", "sc-east-park"]
    assert from_store.layers["scenic_spots"]["themes"].tolist() == [["heritage"], []]
    assert from_store.problems == from_pack.problems


def test_round_trip_keeps_chinese_text_and_html_as_text(store):
    rows = scenic_rows(new_spot("sc-new", HTML_NAME, address="兰州市城关区 & <街>", themes=["heritage", "night"]))
    result = store.write("scenic_spots", rows)
    assert (result.inserted, result.updated, result.deleted) == (1, 0, 0)
    stored = store.read_layer("scenic_spots").set_index("id")
    assert stored.loc["sc-new", "name_zh"] == HTML_NAME
    assert stored.loc["sc-new", "address"] == "兰州市城关区 & <街>"
    assert stored.loc["sc-new", "themes"] == ["heritage", "night"]
    assert stored.loc["sc-new", "geometry"].equals_exact(rows.geometry[0], 1e-9)
    assert list(stored.index) == ["sc-west-pagoda", "sc-east-park", "sc-new"]


def test_write_updates_by_id_in_place_and_deletes(store):
    rows = scenic_rows(new_spot("sc-east-park", "东园（新）"), new_spot("sc-added"))
    result = store.write("scenic_spots", rows, delete_ids=["sc-west-pagoda"])
    assert (result.inserted, result.updated, result.deleted) == (1, 1, 1)
    stored = store.read_layer("scenic_spots")
    assert stored["id"].tolist() == ["sc-east-park", "sc-added"]
    assert stored["name_zh"].tolist() == ["东园（新）", "新景点"]


def test_a_bad_row_names_row_and_field_and_leaves_the_store_unchanged(store):
    before = snapshot(store)
    rows = scenic_rows(new_spot("sc-good"), new_spot("sc-bad", grade="6A"))
    with pytest.raises(StoreError) as caught:
        store.write("scenic_spots", rows)
    assert (caught.value.row, caught.value.field) == (2, "grade")
    assert "row 2, field grade" in str(caught.value) and "6A" in str(caught.value)
    assert "第 2 行字段 grade" in caught.value.message("zh")
    assert snapshot(store) == before
    assert "sc-good" not in store.read_layer("scenic_spots")["id"].tolist()


def test_a_row_without_geometry_or_id_is_refused(store):
    before = snapshot(store)
    rows = scenic_rows(new_spot("sc-good"), new_spot("sc-nowhere"))
    rows.loc[1, "geometry"] = None
    with pytest.raises(StoreError) as caught:
        store.write("scenic_spots", rows)
    assert (caught.value.row, caught.value.field) == (2, "geometry")
    with pytest.raises(StoreError) as caught:
        store.write("scenic_spots", scenic_rows(new_spot("sc-good"), new_spot(" ")))
    assert (caught.value.row, caught.value.field) == (2, "id")
    assert snapshot(store) == before


def _write_three(pack: str, prefix: str, barrier) -> None:
    """Three writes in a row, each one new museum: read-merge-write, so a lost update loses a row."""
    store = store_for_pack(Path(pack))
    barrier.wait()
    for n in range(3):
        store.write("museums", gpd.GeoDataFrame(
            [{**base_props(f"{prefix}-{n}", f"馆{prefix}{n}", "西区"), "kind": "art"}],
            geometry=[shapely.Point(utm_to_lonlat(503_500, 3_993_500))], crs=WGS84,
        ))  # fmt: skip


def test_two_processes_writing_at_once_both_land(store, pack):
    spawn = multiprocessing.get_context("spawn")  # children read the store settings from the environment
    barrier = spawn.Barrier(2)
    workers = [spawn.Process(target=_write_three, args=(str(pack), prefix, barrier)) for prefix in ("mu-a", "mu-b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted(store.read_layer("museums")["id"]) == [
        "mu-a-0",
        "mu-a-1",
        "mu-a-2",
        "mu-b-0",
        "mu-b-1",
        "mu-b-2",
        "mu-city",
    ]


def test_reset_restores_the_pack_and_every_write_changes_the_stamp(store, pack):
    stamps = [store.stamp()]
    store.write("scenic_spots", scenic_rows(new_spot("sc-new")), delete_ids=["sc-east-park"])
    stamps.append(store.stamp())
    store.write("scenic_spots", scenic_rows(new_spot("sc-new", "改名")))
    stamps.append(store.stamp())
    store.write_points("checkins", gpd.GeoDataFrame(geometry=[shapely.Point(103.8, 36.05)], crs=WGS84))
    stamps.append(store.stamp())
    store.reset()
    stamps.append(store.stamp())
    assert len(set(stamps)) == 5
    assert store.read_layer("scenic_spots")["id"].tolist() == ["sc-west-pagoda", "sc-east-park"]
    assert store.point_datasets() == []
    assert store.load_city().problems == load_city(pack).problems


def test_a_changed_pack_reseeds_an_unwritten_store_and_never_a_written_one(store, pack):
    layer = pack / "museums.geojson"
    layer.write_text(layer.read_text(encoding="utf-8").replace("市博物馆", "市博物院"), encoding="utf-8")
    assert store_for_pack(pack).read_layer("museums")["name_zh"].tolist() == ["市博物院"]
    store.write("scenic_spots", scenic_rows(new_spot("sc-mine")))
    layer.write_text(layer.read_text(encoding="utf-8").replace("市博物院", "市博物馆"), encoding="utf-8")
    reopened = store_for_pack(pack)
    assert reopened.read_layer("museums")["name_zh"].tolist() == ["市博物院"]
    assert "sc-mine" in reopened.read_layer("scenic_spots")["id"].tolist()


def test_point_datasets_bulk_load_and_read_by_bounding_box(store):
    rng = np.random.default_rng(14)
    lon, lat = 103.5 + rng.random(2000) * 0.5, 36.0 + rng.random(2000) * 0.2
    points = gpd.GeoDataFrame(
        {"kind": rng.choice(["photo", "checkin"], 2000), "weight": rng.random(2000), "label": ["<i>点</i>"] * 2000},
        geometry=gpd.points_from_xy(lon, lat), crs=WGS84,
    )  # fmt: skip
    assert store.write_points("checkins", points) == 2000
    assert store.point_datasets() == ["checkins"]
    assert store.layer_counts()["points:checkins"] == 2000
    bbox = (103.6, 36.05, 103.8, 36.15)
    inside = (lon >= 103.6) & (lon <= 103.8) & (lat >= 36.05) & (lat <= 36.15)
    read = store.read_points("checkins", bbox=bbox)
    assert len(read) == int(inside.sum())
    assert sorted(read["weight"].round(9)) == sorted(np.round(points["weight"][inside], 9))
    assert set(read["label"]) == {"<i>点</i>"}
    with pytest.raises(StoreError) as caught:
        store.write_points("bad", gpd.GeoDataFrame(geometry=[shapely.Point(1, 2), shapely.Point(500_000, 2)], crs=None))
    assert (caught.value.row, caught.value.field) == (2, "geometry")
    with pytest.raises(StoreError):
        store.write_points("../etc", points)
    with pytest.raises(StoreError) as caught:
        store.write_points("other", points.assign(geom="x"))
    assert caught.value.field == "geom"
    assert store.point_datasets() == ["checkins"]


def test_every_layer_and_point_dataset_has_a_spatial_index(store):
    store.write_points("checkins", gpd.GeoDataFrame(geometry=[shapely.Point(103.8, 36.05)], crs=WGS84))
    if store.backend == "GeoPackage":
        with closing(sqlite3.connect(store.location)) as db:
            indexed = {
                row[0]
                for row in db.execute(
                    "SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"
                )
            }
        assert indexed == {*store.layers(), "points__checkins"}
        return
    with store.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM culturemap.alembic_version")).scalar_one()
        gist = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_indexes WHERE schemaname = 'culturemap' AND indexdef LIKE '%USING gist (geom)%'"
                )
            )
            .scalars()
            .all()
        )
    assert version == "0002"  # the tables were made by the Alembic revisions (0002: row versions, history)
    assert sorted(gist) == ["features", point_table_name("testville", "checkins")]
