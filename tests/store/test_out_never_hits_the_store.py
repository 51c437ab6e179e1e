"""``--out`` never lands on the store (issue 22): ``export --format gpkg --out <store>/testville.gpkg``
exited 0 and the next open reseeded the store from the pack, losing every imported row."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from culturemap.store import store_for_pack
from tests.conftest import run_cli as run
from tests.store.test_store import new_spot, scenic_rows

IMPORTED = ["sc-imported-1", "sc-imported-2", "sc-imported-3"]


@pytest.fixture
def written(pack, tmp_path, monkeypatch):
    """The GeoPackage store of the synthetic pack, holding three imported rows."""
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    store = store_for_pack(pack)
    store.write("scenic_spots", scenic_rows(*(new_spot(fid) for fid in IMPORTED)))
    return store


COMMANDS = {
    "export gpkg": ["export", "--city", "testville", "--format", "gpkg", "--out"],
    "export kml": ["export", "--city", "testville", "--format", "kml", "--out"],
    "export csv": ["export", "--city", "testville", "--format", "csv", "--out"],
    "dump": ["dump", "--city", "testville", "--layer", "scenic_spots", "--out"],
    "density": ["density", "--city", "testville", "--format", "geojson", "--out"],
    "report": ["report", "--city", "testville", "--out"],
}


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_out_onto_the_store_is_refused_and_the_imported_rows_stay(
    written, pack, tmp_path, monkeypatch, capsys, command
):
    store_file = Path(written.location)
    before = store_file.read_bytes()
    link = tmp_path / "looks-harmless.gpkg"
    link.symlink_to(store_file)
    monkeypatch.chdir(store_file.parent)
    for out, shown in [
        (store_file, str(store_file)),
        (Path("testville.gpkg"), "testville.gpkg"),  # relative to the store folder
        (link, f"{link} (-> {store_file})"),
        (Path("testville.gpkg.lock"), "testville.gpkg.lock"),
        (Path(".testville.gpkg.abc123.tmp.gpkg"), ".testville.gpkg.abc123.tmp.gpkg"),
    ]:
        assert run([*COMMANDS[command], out]) == 1
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(f"error: {shown} is "), err
        assert "store of the city testville" in lines[0]
        assert f"choose a file outside {store_file.parent}" in lines[0]
    assert store_file.read_bytes() == before
    assert not list(store_file.parent.glob(".testville.gpkg.*"))
    reopened = store_for_pack(pack)
    stored = reopened.read_layer("scenic_spots")["id"].tolist()
    assert stored == ["sc-west-pagoda", "sc-east-park", *IMPORTED]
    assert os.path.lexists(link)  # the link is left as it was


def test_out_beside_the_store_still_works(written, tmp_path, capsys):
    out = tmp_path / "scenic.gpkg"
    assert run([*COMMANDS["export gpkg"], out]) == 0
    assert out.stat().st_size > 0
