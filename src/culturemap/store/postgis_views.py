"""The layers as GIS clients read them (issue 28): in PostGIS, one view per city and layer,
``culturemap.<city>_<layer>`` (e.g. ``culturemap.lanzhou_scenic_spots``), with a column per registry
field (text; a list field ``text[]``), the row's ``version``, ``updated_at`` and ``updated_by``, and a typed
geometry ``geom geometry(Point,4326)`` (``MultiPolygon`` / ``MultiLineString`` for area and line layers,
``Geometry`` where a layer mixes points and areas), so ``geometry_columns`` lists it and QGIS or
``ogrinfo PG:...`` show it as a layer. Retired rows are left out. A view holds no data: it reads
``culturemap.features`` as it is, edits included; seeding and imports create or replace it in place, so a
read-only role's ``GRANT SELECT`` on it lasts (README: GIS clients).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from culturemap.layers import LAYERS
from culturemap.store.base import declared_geometry_type
from culturemap.store.schema import SCHEMA

MAX_IDENTIFIER_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1


def view_name(city_id: str, layer: str) -> str:
    """The view of ``layer`` of ``city_id``: ``<city>_<layer>`` (in the schema ``culturemap``)."""
    return f"{city_id}_{layer}"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def view_sql(city_id: str, layer: str) -> str:
    """``CREATE VIEW`` of ``layer`` of ``city_id`` (see the module)."""
    spec = LAYERS[layer]
    columns = ["ord"]
    for field in spec.fields:
        name = _literal(field.name)
        if field.kind == "list":
            value = (f"CASE WHEN jsonb_typeof(props->{name}) = 'array' THEN"
                     f" ARRAY(SELECT jsonb_array_elements_text(props->{name})) END")  # fmt: skip
        else:
            value = f"props->>{name}"
        columns.append(f"{value} AS {_identifier(field.name)}")
    columns += ["version", "updated_at", "updated_by"]
    kind = declared_geometry_type(spec)
    geometry = "ST_Multi(geom)" if kind.startswith("Multi") else "geom"
    columns.append(f"{geometry}::geometry({kind}, 4326) AS geom")
    return (
        f"CREATE VIEW {SCHEMA}.{_identifier(view_name(city_id, layer))} AS SELECT {', '.join(columns)}"
        f" FROM {SCHEMA}.features WHERE city_id = {_literal(city_id)} AND layer = {_literal(layer)}"
        " AND retired_reason IS NULL"
    )


def replace_view(conn: Connection, city_id: str, layer: str) -> None:
    """Create or replace the view of ``layer`` of ``city_id`` in the transaction of ``conn``: replaced in place
    (``CREATE OR REPLACE``, which keeps the grants a GIS role was given on it), else dropped and made anew
    (its columns changed with the layer registry)."""
    create = view_sql(city_id, layer)
    try:
        with conn.begin_nested():
            conn.execute(text(create.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1)))
    except DBAPIError:
        conn.execute(text(f"DROP VIEW IF EXISTS {SCHEMA}.{_identifier(view_name(city_id, layer))}"))
        conn.execute(text(create))


def missing_views(conn: Connection, city_id: str, layers: list[str]) -> list[str]:
    """The layers among ``layers`` whose view of ``city_id`` does not exist (a store made before the views)."""
    return [
        layer
        for layer in layers
        if conn.execute(
            text("SELECT to_regclass(:name)"), {"name": f"{SCHEMA}.{_identifier(view_name(city_id, layer))}"}
        ).scalar()
        is None  # fmt: skip
    ]
