"""Imports into both store backends: a refused file leaves the store row for row as it was, an
accepted one lands in one write (GeoPackage and the session's throwaway PostGIS server)."""

from __future__ import annotations

import pytest

from culturemap.io.importers import import_file
from culturemap.io.readers import ImportFileError
from culturemap.layers import ASSET_LAYERS
from tests.io.conftest import spot, write_csv, write_kml


def snapshot(store) -> dict:
    """Every stored asset row as plain values (geometry as WKB), per layer, sorted by id."""
    out = {}
    for layer_id in ASSET_LAYERS:
        frame = store.read_layer(layer_id).sort_values("id")
        out[layer_id] = [(*map(str, rec[:-1]), rec[-1].wkb_hex) for rec in frame.itertuples(index=False, name=None)]
    return out


BAD_FILES = {
    "bad.csv": b"\x00\x01binary",
    "empty.kml": b"",
    "xxe.kml": b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>',
    "slip.zip": None,  # built below
}


def test_refused_files_leave_the_store_row_for_row(store, tmp_path):
    import zipfile

    before = snapshot(store)
    stamp = store.stamp()
    paths = []
    for name, content in BAD_FILES.items():
        path = tmp_path / name
        if content is None:
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("../../evil.shp", b"x")
        else:
            path.write_bytes(content)
        paths.append(path)
    for path in paths:
        with pytest.raises(ImportFileError):
            import_file(store, path, "scenic_spots")
    bad_row = write_csv(
        tmp_path / "one_bad.csv", [spot("新塔", 506_000, 3_996_500), spot("坏", 506_100, 3_996_500, 等级="9Z")]
    )
    report, result = import_file(store, bad_row, "scenic_spots")
    assert result is None and report.refused == 1
    assert snapshot(store) == before and store.stamp() == stamp


def test_accepted_file_lands_in_one_write(store, tmp_path):
    path = write_kml(tmp_path / "新.kml", [spot("新塔", 506_000, 3_996_500), spot("月湖", 507_000, 3_992_000)])
    report, result = import_file(store, path, "scenic_spots")
    assert (result.inserted, result.updated) == (2, 0)
    stored = store.read_layer("scenic_spots")
    assert {"新塔", "月湖"} <= set(stored["name_zh"])
    assert set(stored.loc[stored["name_zh"] == "月湖", "source"]) == {"新.kml, row 2"}
