"""GIS clients read the layers (issue 28): GDAL's ``ogrinfo`` (what QGIS reads through) finds the PostGIS
view ``culturemap.testville_scenic_spots`` with typed fields and a Point geometry in ``geometry_columns``,
and the GeoPackage layers with their declared geometry types; edits show in both."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from culturemap.store import store_for_pack
from culturemap.store.roles import Actor

WANG = Actor("wang", "editor")
OGRINFO = shutil.which("ogrinfo")


def ogrinfo(*args: str) -> str:
    """``ogrinfo -ro -so`` of ``args`` (summary only); ogrinfo comes with gdal-bin (``make system-deps``)."""
    assert OGRINFO, "ogrinfo not found: run `make system-deps` (gdal-bin)"
    done = subprocess.run([OGRINFO, "-ro", "-so", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def fields(summary: str) -> dict[str, str]:
    """The fields ogrinfo lists, name -> OGR type (String, StringList, Integer, DateTime...)."""
    return dict(re.findall(r"(?m)^(\w+): (\w+) \(", summary))


def pg_source(url: str, user: str | None = None) -> str:
    parsed = make_url(url)
    return f"PG:host={parsed.host} port={parsed.port} dbname={parsed.database} user={user or parsed.username}"


@pytest.mark.db
def test_ogrinfo_reads_the_postgis_view_of_a_layer_with_typed_fields(pack: Path, postgis_url, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DB_URL", postgis_url)
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    store = store_for_pack(pack)
    store.reset()
    with store.engine.connect() as conn:
        registered = dict(
            conn.execute(text("SELECT f_table_name, type || ',' || srid FROM geometry_columns"
                              " WHERE f_table_schema = 'culturemap' AND f_table_name LIKE 'testville\\_%'")).all()
        )  # fmt: skip
    kinds = {"scenic_spots": "POINT", "heritage_units": "POINT", "museums": "POINT", "universities": "POINT",
             "attractions": "POINT", "night_tour_zones": "GEOMETRY", "river": "MULTILINESTRING",
             "districts": "MULTIPOLYGON"}  # fmt: skip
    assert len(store.layers()) >= 6
    assert registered == {f"testville_{layer}": f"{kinds[layer]},4326" for layer in store.layers()}

    summary = ogrinfo(pg_source(postgis_url), "culturemap.testville_scenic_spots")
    assert "Geometry: Point" in summary and "Feature Count: 2" in summary
    assert re.search(r"EPSG\",?4326|WGS 84", summary)
    typed = fields(summary)
    assert {name: typed[name] for name in ("name_zh", "grade", "themes", "coord_accuracy", "version", "updated_at",
                                           "updated_by")} == {
        "name_zh": "String", "grade": "String", "themes": "StringList", "coord_accuracy": "String",
        "version": "Integer", "updated_at": "DateTime", "updated_by": "String"}  # fmt: skip
    assert "Multi Polygon" in ogrinfo(pg_source(postgis_url), "culturemap.testville_districts")

    reader = f"gis_reader_{uuid.uuid4().hex[:8]}"  # a read-only role for QGIS, granted as the README says
    with store.engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {reader} LOGIN"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA culturemap TO {reader}"))
        conn.execute(text(f"GRANT SELECT ON culturemap.testville_scenic_spots TO {reader}"))
    try:
        store.reset()  # reseeding replaces the view in place: the grant lasts
        store.move_asset("scenic_spots", "sc-east-park", 103.8123, 36.0456, "surveyed", 1, WANG)
        store.retire_asset("scenic_spots", "sc-west-pagoda", 1, WANG, "demolished")
        full = subprocess.run([OGRINFO, "-ro", "-al", pg_source(postgis_url, reader), "culturemap.testville_scenic_spots"],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        with store.engine.connect() as conn:
            tables = conn.execute(
                text(f"SELECT has_table_privilege('{reader}', 'culturemap.features', 'SELECT')")
            ).scalar()
    finally:
        with store.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {reader}"))
            conn.execute(text(f"DROP ROLE {reader}"))
    assert full.returncode == 0, full.stderr
    assert tables is False  # the view, not the tables behind it (nor the accounts)
    full = full.stdout
    assert "Feature Count: 1" in full and "POINT (103.8123 36.0456)" in full
    assert re.search(r"version \(Integer\) = 2", full) and "sc-west-pagoda" not in full
    full = subprocess.run([OGRINFO, "-ro", "-al", pg_source(postgis_url), "culturemap.testville_scenic_spots"],
                          capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    assert "Feature Count: 1" in full and "POINT (103.8123 36.0456)" in full
    assert re.search(r"version \(Integer\) = 2", full) and "sc-west-pagoda" not in full


def test_ogrinfo_reads_the_geopackage_layers_with_their_geometry_types(pack: Path, monkeypatch, tmp_path):
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    store = store_for_pack(pack)
    store.reset()
    store.move_asset("scenic_spots", "sc-east-park", 103.8123, 36.0456, "surveyed", 1, WANG)
    listing = ogrinfo(store.location)
    declared = dict(re.findall(r"(?m)^\d+: (\w+) \(([\w ]+)\)$", listing))
    kinds = {"river": "Multi Line String", "districts": "Multi Polygon", "night_tour_zones": "Unknown (any)"}
    assert {layer: declared[layer] for layer in store.layers()} == {
        layer: kinds.get(layer, "Point") for layer in store.layers()}  # fmt: skip
    summary = ogrinfo(store.location, "scenic_spots")
    assert "Geometry: Point" in summary and "Feature Count: 2" in summary
    assert (fields(summary)["version"], fields(summary)["themes"]) == ("Integer64", "String")  # JSON text
    full = subprocess.run([OGRINFO, "-ro", "-al", store.location, "scenic_spots"], capture_output=True, text=True,
                          timeout=120).stdout  # fmt: skip
    assert "POINT (103.8123 36.0456)" in full
    districts = store.read_layer("districts")
    assert set(districts.geom_type) == {"MultiPolygon"} and len(districts) == len(store.read_layer("districts"))
