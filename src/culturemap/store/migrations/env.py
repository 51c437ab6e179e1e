"""Alembic environment of the PostGIS store: run on the connection :func:`culturemap.store.postgis`
passes in ``config.attributes["connection"]``, one process at a time (an advisory lock)."""

from alembic import context
from sqlalchemy import text

from culturemap.store.schema import SCHEMA, metadata

MIGRATION_LOCK = 1_431_655_765  # any constant: pg_advisory_xact_lock key of culturemap migrations

connection = context.config.attributes["connection"]
connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
context.configure(connection=connection, target_metadata=metadata, version_table_schema=SCHEMA)
context.run_migrations()
