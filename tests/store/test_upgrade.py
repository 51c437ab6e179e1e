"""Upgrades (issue 28): a store in the format the previous release wrote (PostGIS at Alembic 0001; a
GeoPackage without row versions, history or declared geometry types), holding the pack's rows, an
imported row and a point set, upgrades on first use and keeps every row and point.

The old formats are written here as the previous release wrote them (its statements and GDAL calls), so
the test needs neither that release nor its code."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import pyogrio
import pytest
import shapely
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url

from culturemap.catalog import read_pack_layers
from culturemap.crs import WGS84
from culturemap.layers import LAYERS
from culturemap.store import store_for_pack
from culturemap.store.base import STORE_FORMAT, key_field, pack_fingerprint
from culturemap.store.gpkg import META_TABLE, POINTS_PREFIX, _storable
from culturemap.store.postgis import MIGRATIONS, _Transaction, sqlalchemy_url
from culturemap.store.roles import Actor
from tests.store.test_store import new_spot, scenic_rows

WANG = Actor("wang", "editor")


def landed_rows(pack: Path) -> dict[str, gpd.GeoDataFrame]:
    """What the previous release held after seeding ``pack`` and importing one scenic spot: the pack's
    layers, scenic_spots with the imported row at its end."""
    frames, _ = read_pack_layers(pack)
    frames = {lid: frame for lid, frame in frames.items() if frame is not None}
    imported = scenic_rows(new_spot("sc-imported", "导入景点", note="imported 2026"))
    frames["scenic_spots"] = gpd.GeoDataFrame(
        pd.concat([frames["scenic_spots"], imported.to_crs(WGS84)], ignore_index=True), crs=WGS84
    )
    return frames


def checkins() -> gpd.GeoDataFrame:
    points = [shapely.Point(103.80 + i / 1000, 36.05 + i / 2000) for i in range(25)]
    return gpd.GeoDataFrame({"label": [f"p{i}" for i in range(25)], "weight": range(25)}, geometry=points, crs=WGS84)


def assert_kept_everything(store, landed: dict[str, gpd.GeoDataFrame]) -> None:
    """Every landed row in its place with its fields and geometry, at version 1; the point set whole;
    no history yet; and an edit works on the upgraded store."""
    assert store.layers() == [lid for lid in LAYERS if lid in landed]
    for lid, frame in landed.items():
        read = store.read_layer(lid, meta=True)
        key = key_field(LAYERS[lid])
        assert read[key].tolist() == frame[key].tolist(), lid
        assert read.geometry.geom_equals(frame.geometry.reset_index(drop=True)).all(), lid  # a polygon may be multi now
        assert set(read["version"]) == {1} and read["retired_reason"].isna().all(), lid
    spots = store.read_layer("scenic_spots").set_index("id")
    assert spots.loc["sc-imported", "name_zh"] == "导入景点" and spots.loc["sc-imported", "note"] == "imported 2026"
    assert spots.loc["sc-west-pagoda", "themes"] == ["heritage"]
    assert store.point_datasets() == ["checkins"]
    points = store.read_points("checkins")
    assert sorted(points["label"]) == sorted(checkins()["label"]) and points["weight"].sum() == sum(range(25))
    assert sorted(shapely.get_coordinates(points.geometry).round(9).tolist()) == sorted(
        shapely.get_coordinates(checkins().geometry).round(9).tolist()
    )
    assert store.history().empty
    result = store.move_asset("scenic_spots", "sc-imported", 103.81, 36.06, "surveyed", 1, WANG, "on site")
    assert result.version == 2
    assert store.history()[["id", "version", "action"]].values.tolist() == [["sc-imported", 2, "move"]]
    assert len(store.read_layer("scenic_spots")) == len(landed["scenic_spots"])


# --------------------------------------------------------------------------- GeoPackage


def write_landed_geopackage(path: Path, pack: Path, landed: dict[str, gpd.GeoDataFrame]) -> None:
    """The store file as the previous release wrote it: each layer by GDAL with geometry type Unknown,
    the point set as ``points__<name>``, the meta table (seed, edited after the import, layers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for lid, frame in landed.items():
        pyogrio.write_dataframe(_storable(frame), path, layer=lid, driver="GPKG", geometry_type="Unknown")
    pyogrio.write_dataframe(_storable(checkins()), path, layer=POINTS_PREFIX + "checkins", driver="GPKG",
                            geometry_type="Point", use_arrow=True)  # fmt: skip
    meta = {"seed": pack_fingerprint(pack), "edited": "yes", "layers": json.dumps(sorted(landed))}
    pyogrio.write_dataframe(pd.DataFrame({"key": list(meta), "value": list(meta.values())}), path,
                            layer=META_TABLE, driver="GPKG")  # fmt: skip


def test_a_geopackage_store_of_the_previous_release_upgrades_in_place(pack, monkeypatch, tmp_path):
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    path = tmp_path / "stores" / "testville.gpkg"
    landed = landed_rows(pack)
    write_landed_geopackage(path, pack, landed)
    inode = path.stat().st_ino
    with closing(sqlite3.connect(path)) as db:
        assert "version" not in [c[1] for c in db.execute('PRAGMA table_info("scenic_spots")')]
    store = store_for_pack(pack)
    assert store.backend == "GeoPackage" and path.stat().st_ino == inode  # in place, not reseeded nor copied
    with closing(sqlite3.connect(path)) as db:
        assert dict(db.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())["format"] == STORE_FORMAT
        declared = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns").fetchall())
    assert declared == {**{lid: "POINT" for lid in landed}, "districts": "MULTIPOLYGON", "river": "MULTILINESTRING",
                        POINTS_PREFIX + "checkins": "POINT"}  # was GEOMETRY (Unknown) for every layer  # fmt: skip
    assert set(store.read_layer("districts").geom_type) == {"MultiPolygon"}
    assert_kept_everything(store, landed)
    store_for_pack(pack)  # opening it again: already upgraded, nothing changes
    assert len(store.read_layer("scenic_spots")) == len(landed["scenic_spots"])


# --------------------------------------------------------------------------- PostGIS

OLD_INSERT_FEATURE = text(  # the previous release's statement (store format before 0002)
    "INSERT INTO culturemap.features (city_id, layer, ord, fid, props, geom)"
    " VALUES (:city_id, :layer, :ord, :fid, :props, ST_GeomFromEWKB(:geom))"
).bindparams(bindparam("props", type_=JSONB))


@pytest.fixture
def database_at_0001(postgis_url):
    """A new database on the test server with the store's tables at Alembic revision 0001."""
    name = f"culturemap_upgrade_{uuid.uuid4().hex[:8]}"
    admin = make_url(postgis_url).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = make_url(postgis_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    yield url, engine
    engine.dispose()
    from culturemap.store.postgis import _upgraded_engine

    _upgraded_engine.cache_clear()  # its pooled connections go with it
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_postgis_store_at_revision_0001_upgrades_to_0002_keeping_every_row(pack, monkeypatch, database_at_0001):
    url, engine = database_at_0001
    landed = landed_rows(pack)
    with engine.begin() as conn:
        meta = {"seed": pack_fingerprint(pack), "edited": "yes", "layers": json.dumps(sorted(landed))}
        conn.execute(text("INSERT INTO culturemap.cities (city_id, stamp, meta) VALUES ('testville', 'old', :m)")
                     .bindparams(bindparam("m", type_=JSONB)), {"m": meta})  # fmt: skip
        for lid, frame in landed.items():
            key = key_field(LAYERS[lid])
            records = json.loads(frame.drop(columns="geometry").to_json(orient="records", force_ascii=False))
            ewkb = shapely.to_wkb(shapely.set_srid(frame.geometry.to_numpy(), 4326), include_srid=True)
            conn.execute(OLD_INSERT_FEATURE, [
                {"city_id": "testville", "layer": lid, "ord": i, "fid": props.get(key), "props": props, "geom": geom}
                for i, (props, geom) in enumerate(zip(records, ewkb))
            ])  # fmt: skip
        _Transaction(conn, "testville").replace_points("checkins", checkins())  # unchanged since 0001
        columns = conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_schema ="
                                    " 'culturemap' AND table_name = 'features'")).scalars().all()  # fmt: skip
        assert "version" not in columns
    monkeypatch.setenv("CULTUREMAP_DB_URL", url)
    store = store_for_pack(pack)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM culturemap.alembic_version")).scalar_one() == "0002"
        assert conn.execute(text("SELECT stamp FROM culturemap.cities")).scalar_one() != "old"  # its views made
        views = conn.execute(text("SELECT f_table_name, type FROM geometry_columns WHERE f_table_schema = 'culturemap'"
                                  " AND f_table_name LIKE 'testville\\_%'")).all()  # fmt: skip
    assert dict(views) == {f"testville_{lid}": {"districts": "MULTIPOLYGON", "river": "MULTILINESTRING"}.get(lid, "POINT")
                           for lid in landed}  # fmt: skip
    assert_kept_everything(store, landed)


def test_threads_of_one_process_opening_a_new_database_together_all_get_its_upgraded_engine(database_at_0001):
    """The warm-up thread and a first visitor's script open the store at once (the two-server e2e journey's
    page died on it in CI): Alembic's context is one per process, so the upgrades take turns and every
    thread gets the one engine of the database, at head."""
    from culturemap.store.postgis import _engine, _upgraded_engine

    url, _ = database_at_0001
    _upgraded_engine.cache_clear()
    engines, errors = [], []

    def open_store() -> None:
        try:
            engines.append(_engine(url))
        except Exception as exc:  # noqa: BLE001 - the test reports what any thread met
            errors.append(repr(exc))

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(engines) == 4 and len({id(engine) for engine in engines}) == 1
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    with engines[0].connect() as conn:
        assert conn.execute(text("SELECT version_num FROM culturemap.alembic_version")).scalar_one() == head
