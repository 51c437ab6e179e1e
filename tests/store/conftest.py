"""One ``store`` fixture, run on both backends: a GeoPackage in a temporary folder and the session's
throwaway PostGIS server (``db`` marker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturemap.store import store_for_pack


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.db)])
def backend(request, monkeypatch, tmp_path) -> str:
    """Selects the backend through the environment, as a user would; the pack folder is CULTUREMAP_DATA."""
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    if request.param == "postgis":
        monkeypatch.setenv("CULTUREMAP_DB_URL", request.getfixturevalue("postgis_url"))
    return request.param


@pytest.fixture
def store(backend, pack: Path, monkeypatch):
    """The store of the synthetic pack ``testville``, freshly seeded (a database store is shared by
    the session's tests: reset drops what an earlier test wrote)."""
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    seeded = store_for_pack(pack)
    seeded.reset()
    return seeded
