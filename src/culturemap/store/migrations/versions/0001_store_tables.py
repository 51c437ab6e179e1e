"""The store's first tables: cities, features (GIST on geom), point_sets.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

from culturemap.store.schema import SCHEMA

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "cities",
        sa.Column("city_id", sa.Text, primary_key=True),
        sa.Column("stamp", sa.Text, nullable=False),
        sa.Column("meta", JSONB, nullable=False, server_default="{}"),
        schema=SCHEMA,
    )
    op.create_table(
        "features",
        sa.Column("city_id", sa.Text, primary_key=True),
        sa.Column("layer", sa.Text, primary_key=True),
        sa.Column("ord", sa.Integer, primary_key=True),
        sa.Column("fid", sa.Text),
        sa.Column("props", JSONB, nullable=False),
        sa.Column("geom", Geometry(srid=4326, spatial_index=False)),
        schema=SCHEMA,
    )
    op.create_index("features_fid", "features", ["city_id", "layer", "fid"], schema=SCHEMA)
    op.create_index("features_geom", "features", ["geom"], schema=SCHEMA, postgresql_using="gist")
    op.create_table(
        "point_sets",
        sa.Column("city_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("table_name", sa.Text, nullable=False, unique=True),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("point_sets", schema=SCHEMA)
    op.drop_table("features", schema=SCHEMA)
    op.drop_table("cities", schema=SCHEMA)
