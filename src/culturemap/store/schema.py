"""The PostGIS tables of the store (SQLAlchemy Core + GeoAlchemy2), all in the schema ``culturemap``.

- ``cities``: one row per city store: ``stamp`` (changes on every write) and ``meta`` (seed
  fingerprint, whether it was written to, the layers it holds); a write locks its city's row.
- ``features``: every row of every layer of every city: ``ord`` (the row's place in its layer),
  ``fid`` (its key: ``id``, ``code`` or ``name_zh``), ``props`` (all its fields, JSONB) and ``geom``.
- ``point_sets``: the generic point datasets of each city; each lives in its own table
  ``culturemap.<table_name>`` (its columns typed from the data, a GIST index on ``geom``).

The tables are created and upgraded by Alembic (``culturemap/store/migrations``).
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import Column, Index, Integer, MetaData, Table, Text
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
    Index("features_fid", "city_id", "layer", "fid"),
    Index("features_geom", "geom", postgresql_using="gist"),
)

point_sets = Table(
    "point_sets",
    metadata,
    Column("city_id", Text, primary_key=True),
    Column("name", Text, primary_key=True),
    Column("table_name", Text, nullable=False, unique=True),
)
