"""Row versions, history and proposals (issue 28): every feature row gets ``version`` (1),
``updated_at`` (the upgrade's time), ``updated_by`` and ``retired_reason``; the tables ``history`` and
``proposals`` are created. No row changes otherwise.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from culturemap.store.schema import SCHEMA

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("features", sa.Column("version", sa.Integer, nullable=False, server_default="1"), schema=SCHEMA)
    op.add_column(
        "features",
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        schema=SCHEMA,
    )
    op.add_column("features", sa.Column("updated_by", sa.Text, nullable=False, server_default=""), schema=SCHEMA)
    op.add_column("features", sa.Column("retired_reason", sa.Text), schema=SCHEMA)
    op.create_table(
        "history",
        sa.Column("number", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("city_id", sa.Text, nullable=False),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("fid", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
        sa.Column("user_name", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("undone", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )
    op.create_index("history_row", "history", ["city_id", "layer", "fid"], schema=SCHEMA)
    op.create_index("history_user", "history", ["city_id", "user_name", "number"], schema=SCHEMA)
    op.create_table(
        "proposals",
        sa.Column("number", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("city_id", sa.Text, nullable=False),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("fid", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("expected_version", sa.Integer),
        sa.Column("user_name", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("reviewer", sa.Text),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("comment", sa.Text),
        schema=SCHEMA,
    )
    op.create_index("proposals_city", "proposals", ["city_id", "status"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("proposals", schema=SCHEMA)
    op.drop_table("history", schema=SCHEMA)
    for column in ("retired_reason", "updated_by", "updated_at", "version"):
        op.drop_column("features", column, schema=SCHEMA)
