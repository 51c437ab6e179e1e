"""The PostGIS tables of the store (SQLAlchemy Core + GeoAlchemy2), all in the schema ``culturemap``.

- ``cities``: one row per city store: ``stamp`` (changes on every write) and ``meta`` (seed
  fingerprint, whether it was written to, the layers it holds); a write locks its city's row.
- ``features``: every row of every layer of every city: ``ord`` (the row's place in its layer),
  ``fid`` (its key: ``id``, ``code`` or ``name_zh``), ``props`` (all its fields, JSONB) and ``geom``.
- ``features`` also keeps each row's ``version`` (1, 2, ...), ``updated_at``, ``updated_by`` and
  ``retired_reason`` (None while in use); an edit updates one row ``WHERE fid = :id AND version = :expected``.
- ``history``: every change of a row (add, update, move, retire, restore, undo, import): the row's state
  before and after (JSONB), who, when, why; ``undone`` once an undo took it back.
- ``proposals``: contributors' changes waiting for review (pending, approved, rejected).
- ``point_sets``: the generic point datasets of each city; each lives in its own table
  ``culturemap.<table_name>`` (its columns typed from the data, a GIST index on ``geom``).

The tables are created and upgraded by Alembic (``culturemap/store/migrations``).
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Boolean, Column, DateTime, Identity, Index, Integer, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "culturemap"
metadata = MetaData(schema=SCHEMA)

cities = Table(
    "cities",
    metadata,
    Column("city_id", Text, primary_key=True),
    Column("stamp", Text, nullable=False),
    Column("meta", JSONB, nullable=False, server_default="{}"),
)

features = Table(
    "features",
    metadata,
    Column("city_id", Text, primary_key=True),
    Column("layer", Text, primary_key=True),
    Column("ord", Integer, primary_key=True),
    Column("fid", Text),
    Column("props", JSONB, nullable=False),
    Column("geom", Geometry(srid=4326, spatial_index=False)),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default="now()"),
    Column("updated_by", Text, nullable=False, server_default=""),
    Column("retired_reason", Text),
    Index("features_fid", "city_id", "layer", "fid"),
    Index("features_geom", "geom", postgresql_using="gist"),
)

history = Table(
    "history",
    metadata,
    Column("number", BigInteger, Identity(), primary_key=True),
    Column("city_id", Text, nullable=False),
    Column("layer", Text, nullable=False),
    Column("fid", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("action", Text, nullable=False),
    Column("before", JSONB),
    Column("after", JSONB),
    Column("user_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("undone", Boolean, nullable=False, server_default="false"),
    Index("history_row", "city_id", "layer", "fid"),
    Index("history_user", "city_id", "user_name", "number"),
)

proposals = Table(
    "proposals",
    metadata,
    Column("number", BigInteger, Identity(), primary_key=True),
    Column("city_id", Text, nullable=False),
    Column("layer", Text, nullable=False),
    Column("fid", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("changes", JSONB, nullable=False),
    Column("expected_version", Integer),
    Column("user_name", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("reviewer", Text),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("comment", Text),
    Index("proposals_city", "city_id", "status"),
)

point_sets = Table(
    "point_sets",
    metadata,
    Column("city_id", Text, primary_key=True),
    Column("name", Text, primary_key=True),
    Column("table_name", Text, nullable=False, unique=True),
)
