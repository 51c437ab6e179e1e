"""The PostGIS store: every city in the tables of :mod:`culturemap.store.schema`, for teams sharing a database.

Every write is one transaction that first locks its city's row in ``cities`` (``SELECT ... FOR
UPDATE``): a failed write changes no row, and a second writer waits for the first and then merges
into what it wrote. Point datasets are bulk-loaded with ``COPY`` (psycopg ``cursor.copy``) into a
table of their own, then indexed (GIST). The tables are created and upgraded with Alembic the first
time a process opens a store of a database.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
import shapely
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy import bindparam, create_engine, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from culturemap.crs import WGS84
from culturemap.layers import LAYERS
from culturemap.store.base import BaseStore, iter_chunks, key_field
from culturemap.store.edits import ROW_META, iso_utc
from culturemap.store.errors import StoreUnavailable, StoreWriteFailed
from culturemap.store.postgis_rows import PostGISRows, history_rows, history_values, proposal_rows
from culturemap.store.postgis_views import missing_views, replace_view
from culturemap.store.schema import SCHEMA, cities, features, history, point_sets, proposals

COPY_CHUNK_ROWS = 200_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
INSERT_FEATURE = text(
    f"INSERT INTO {SCHEMA}.features (city_id, layer, ord, fid, props, geom, version, updated_at, updated_by,"
    " retired_reason) VALUES (:city_id, :layer, :ord, :fid, :props, ST_GeomFromEWKB(:geom), :version,"
    " CAST(:updated_at AS timestamptz), :updated_by, :retired_reason)"
).bindparams(bindparam("props", type_=JSONB))


def sqlalchemy_url(url: str) -> str:
    """``postgresql://...`` as SQLAlchemy's psycopg 3 URL (``postgresql+psycopg://...``)."""
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


_UPGRADE_LOCK = threading.Lock()


def _engine(url: str) -> Engine:
    """One engine per database per process, the tables created or upgraded (Alembic) on first use. One
    thread at a time: Alembic keeps the running migration's context in a module global, and the warm-up
    thread and a first visitor's script opening the store together broke each other's upgrade
    (``KeyError: 'config'``: the visitor's page died)."""
    with _UPGRADE_LOCK:
        return _upgraded_engine(url)


@cache
def _upgraded_engine(url: str) -> Engine:
    engine = create_engine(sqlalchemy_url(url), pool_pre_ping=True)
    try:
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0]  # psycopg's first line: host, port, what failed
        raise StoreUnavailable("store_db_unreachable", url=_shown_url(url), reason=reason) from None
    except DBAPIError as exc:  # e.g. no permission to create the schema: the statement is not for the user
        engine.dispose()
        reason_code, values = db_reason(exc)
        raise StoreUnavailable(
            "store_unavailable", location=_shown_url(url), reason_code=reason_code, **values
        ) from exc
    return engine


def db_reason(exc: Exception) -> tuple[str, dict] | None:
    """Why the database failed in ``exc`` (SQLAlchemy's or psycopg's error) as a message key and its
    fields, from the error's class and SQLSTATE only (its text may quote SQL and row values); None
    for any other exception."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(exc, DBAPIError) and not isinstance(orig, psycopg.Error):
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    no_answer = isinstance(exc, OperationalError | InterfaceError) or isinstance(
        orig, psycopg.OperationalError | psycopg.InterfaceError
    )
    if sqlstate.startswith(("08", "57P")) or not sqlstate and no_answer:  # connection refused or lost, server stopping
        return "reason_db_connection", {}
    if sqlstate.startswith("53"):  # insufficient resources: disk full, out of memory
        return "reason_db_full", {"sqlstate": sqlstate}
    if sqlstate == "25006":
        return "reason_db_read_only", {"sqlstate": sqlstate}
    if sqlstate == "42501":
        return "reason_db_permission", {"sqlstate": sqlstate}
    return "reason_db_error", {"sqlstate": sqlstate or "-"}


def _shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def point_table_name(city_id: str, name: str) -> str:
    """The table (in the schema ``culturemap``) of a city's point dataset: a digest, always a valid name."""
    return "points_" + hashlib.sha1(f"{city_id}\n{name}".encode()).hexdigest()[:16]


def _column_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "bigint"
    if pd.api.types.is_float_dtype(values):
        return "double precision"
    return "text"


def _read_features(conn: Connection, city_id: str, layer: str) -> gpd.GeoDataFrame:
    result = conn.execute(
        select(features.c.props, features.c.geom.ST_AsBinary(), *(features.c[name] for name in ROW_META))
        .where(features.c.city_id == city_id, features.c.layer == layer)
        .order_by(features.c.ord)
    ).all()
    frame = pd.DataFrame.from_records([row[0] for row in result])
    frame = frame.assign(
        version=[row[2] for row in result],
        updated_at=[iso_utc(row[3]) for row in result],
        updated_by=[row[4] for row in result],
        retired_reason=[row[5] for row in result],
    )
    geoms = shapely.from_wkb([None if row[1] is None else bytes(row[1]) for row in result])
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=WGS84)


class _Transaction:
    """What a write does inside its database transaction (see :class:`~culturemap.store.base.BaseStore`)."""

    def __init__(self, conn: Connection, city_id: str):
        self.conn = conn
        self.city_id = city_id

    def meta(self) -> dict:
        return self.conn.execute(select(cities.c.meta).where(cities.c.city_id == self.city_id)).scalar_one()

    def read(self, name: str) -> gpd.GeoDataFrame | None:
        return _read_features(self.conn, self.city_id, name)

    def replace(self, name: str, frame: gpd.GeoDataFrame) -> None:
        self.conn.execute(delete(features).where(features.c.city_id == self.city_id, features.c.layer == name))
        replace_view(self.conn, self.city_id, name)  # GIS clients' typed view of the layer (issue 28)
        if not len(frame):
            return
        key = key_field(LAYERS[name])
        meta = [c for c in ROW_META if c in frame]
        records = json.loads(
            frame.drop(columns=[frame.geometry.name, *meta]).to_json(orient="records", force_ascii=False)
        )
        row_meta = json.loads(frame[meta].to_json(orient="records")) if meta else [{}] * len(frame)
        ewkb = shapely.to_wkb(shapely.set_srid(frame.geometry.to_numpy(), 4326), include_srid=True)
        rows = [
            {
                "city_id": self.city_id,
                "layer": name,
                "ord": i,
                "fid": props.get(key),
                "props": props,
                "geom": geom,
                "version": m.get("version") or 1,
                "updated_at": m.get("updated_at") or "now",
                "updated_by": m.get("updated_by") or "",
                "retired_reason": m.get("retired_reason"),
            }  # fmt: skip
            for i, (props, geom, m) in enumerate(zip(records, ewkb, row_meta))
        ]
        self.conn.execute(INSERT_FEATURE, rows)

    def log(self, entries: list) -> None:
        if entries:
            self.conn.execute(insert(history), history_values(self.city_id, entries))

    def replace_points(self, name: str, frame: gpd.GeoDataFrame) -> None:
        """A new table for the dataset, loaded with COPY (CSV written by Arrow): the other columns,
        then the point's lon/lat (``_x``, ``_y``) from which the server makes ``geom`` (a generated
        column, so no geometry is encoded here); then a GIST index."""
        self._drop_points(name)
        table = sql.Identifier(SCHEMA, point_table_name(self.city_id, name))
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        xy = shapely.get_coordinates(frame.geometry.to_numpy())
        data["_x"], data["_y"] = xy[:, 0], xy[:, 1]
        columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_column_type(data[c]))) for c in data.columns]
        columns.append(
            sql.SQL("geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(_x, _y), 4326)) STORED")
        )
        names = sql.SQL(", ").join(sql.Identifier(c) for c in data.columns)
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur:
            cur.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(columns)))
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(table, names)) as copy:
                for chunk in iter_chunks(data, COPY_CHUNK_ROWS):
                    buffer = io.BytesIO()
                    pa_csv.write_csv(pa.Table.from_pandas(chunk, preserve_index=False), buffer,
                                     pa_csv.WriteOptions(include_header=False))  # fmt: skip
                    copy.write(buffer.getbuffer())
            cur.execute(sql.SQL("CREATE INDEX ON {} USING gist (geom)").format(table))
            cur.execute(sql.SQL("ANALYZE {}").format(table))
        self.conn.execute(
            insert(point_sets).values(city_id=self.city_id, name=name, table_name=point_table_name(self.city_id, name))
        )

    def _drop_points(self, name: str | None = None) -> None:
        query = select(point_sets.c.name, point_sets.c.table_name).where(point_sets.c.city_id == self.city_id)
        if name is not None:
            query = query.where(point_sets.c.name == name)
        for dataset, table in self.conn.execute(query).all():
            self.conn.exec_driver_sql(f'DROP TABLE IF EXISTS {SCHEMA}."{table}"')
            self.conn.execute(
                delete(point_sets).where(point_sets.c.city_id == self.city_id, point_sets.c.name == dataset)
            )

    def drop_all(self) -> None:
        self.conn.execute(delete(features).where(features.c.city_id == self.city_id))
        # a reset starts the city over, history and proposals too (as the GeoPackage's new file does)
        self.conn.execute(delete(history).where(history.c.city_id == self.city_id))
        self.conn.execute(delete(proposals).where(proposals.c.city_id == self.city_id))
        self._drop_points()
        self.conn.execute(update(cities).where(cities.c.city_id == self.city_id).values(meta={}))

    def set_meta(self, values: dict[str, str]) -> None:
        self.conn.execute(update(cities).where(cities.c.city_id == self.city_id).values(meta={**self.meta(), **values}))


class PostGISStore(BaseStore):
    """A city's store in the PostGIS database at ``url`` (``postgresql://user:password@host:port/db``)."""

    def __init__(self, city_id: str, pack_dir: Path, url: str):
        super().__init__(city_id, pack_dir)
        self.url = url
        self.engine = _engine(url)

    @property
    def location(self) -> str:
        """The database URL with the password hidden."""
        return _shown_url(self.url)

    @property
    def backend(self) -> str:
        """The backend's name for messages."""
        return "PostGIS"

    def _failure(self, exc: Exception) -> tuple[str, dict] | None:
        return db_reason(exc)

    @contextmanager
    def _transaction(self) -> Iterator[_Transaction]:
        with self.engine.begin() as conn:
            conn.execute(pg_insert(cities).values(city_id=self.city_id, stamp="new").on_conflict_do_nothing())
            conn.execute(select(cities.c.city_id).where(cities.c.city_id == self.city_id).with_for_update())
            yield _Transaction(conn, self.city_id)
            conn.execute(update(cities).where(cities.c.city_id == self.city_id).values(stamp=uuid.uuid4().hex))

    def ensure_seeded(self) -> None:
        """Seed the store as every backend does; then create the layer views a store made before them lacks."""
        super().ensure_seeded()
        with self._reading(), self.engine.connect() as conn:
            missing = missing_views(conn, self.city_id, self.layers())
        if missing:
            with (
                self._failing_as(StoreWriteFailed, "store_write_failed", layer=", ".join(missing)),
                self._transaction() as tx,
            ):
                for layer in missing:
                    replace_view(tx.conn, self.city_id, layer)

    @contextmanager
    def _rows(self) -> Iterator[PostGISRows]:
        """One edit's transaction: renewing the city's stamp locks its row, so edits and imports of the city
        take turns (see :mod:`.postgis_rows`)."""
        with self.engine.begin() as conn:
            conn.execute(update(cities).where(cities.c.city_id == self.city_id).values(stamp=uuid.uuid4().hex))
            yield PostGISRows(conn, self.city_id)

    def _history_rows(self) -> list[dict]:
        with self._reading(), self.engine.connect() as conn:
            return history_rows(conn, self.city_id)

    def _proposal_rows(self) -> list[dict]:
        with self._reading(), self.engine.connect() as conn:
            return proposal_rows(conn, self.city_id)

    def _meta(self) -> dict:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(cities.c.meta).where(cities.c.city_id == self.city_id)).scalar_one_or_none() or {}
            )

    def _read(self, name: str) -> gpd.GeoDataFrame | None:
        with self.engine.connect() as conn:
            return _read_features(conn, self.city_id, name)

    def _point_names(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(point_sets.c.name).where(point_sets.c.city_id == self.city_id)).scalars())

    def _table_of(self, conn: Connection, name: str) -> str:
        return conn.execute(
            select(point_sets.c.table_name).where(point_sets.c.city_id == self.city_id, point_sets.c.name == name)
        ).scalar_one()

    def _count_rows(self, layer: str) -> tuple[int, int]:
        with self.engine.connect() as conn:
            where = (features.c.city_id == self.city_id) & (features.c.layer == layer)
            query = select(func.count(), func.count(features.c.retired_reason)).where(where)
            total, retired = conn.execute(query).one()
        return int(total), int(retired)

    def _count_points(self, name: str) -> int:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(f'SELECT count(*) FROM {SCHEMA}."{self._table_of(conn, name)}"').scalar_one()

    def _read_points(self, name: str, bbox) -> gpd.GeoDataFrame:
        with self.engine.connect() as conn:
            query = f'SELECT * FROM {SCHEMA}."{self._table_of(conn, name)}"'
            params = None
            if bbox is not None:
                query += " WHERE geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)"
                params = dict(zip("wsen", map(float, bbox)))
            points = gpd.read_postgis(query, conn, geom_col="geom", params=params)
        return points.drop(columns=["_x", "_y"]).rename_geometry("geometry")

    def stamp(self) -> str:
        """The city's row stamp in the database, a random hex renewed by every write and reset; ``none`` before
        the first."""
        with self._reading(), self.engine.connect() as conn:
            return (
                conn.execute(select(cities.c.stamp).where(cities.c.city_id == self.city_id)).scalar_one_or_none()
                or "none"
            )
