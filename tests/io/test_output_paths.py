"""Output paths (issue 22): no output ever lands on a store file, its lock or its temporary copies;
an output keeps the mode of the file it replaces, a new one gets the umask's."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from culturemap.io.files import OutputError, atomic_outputs, safe_output_path
from tests.conftest import run_cli as run


@pytest.fixture
def stores(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "stores"
    folder.mkdir()
    monkeypatch.setenv("CULTUREMAP_STORE", str(folder))
    return folder


@pytest.mark.parametrize(
    ("name", "why_en", "why_zh"),
    [
        ("lanzhou.gpkg", "is the store of the city lanzhou", "是城市 lanzhou 的数据存储"),
        ("any-other-city.gpkg", "is the store of the city any-other-city", "是城市 any-other-city 的数据存储"),
        ("lanzhou.gpkg.lock", "is the write lock of the store of the city lanzhou", "是城市 lanzhou 数据存储的写入锁"),
        ("lanzhou.gpkg-journal", "is a journal file of the store of the city lanzhou", "数据存储的日志文件"),
        (".lanzhou.gpkg.k2j4_x.tmp.gpkg", "is a temporary copy of the store of the city lanzhou", "临时副本"),
        (".lanzhou.gpkg.k2j4_x.tmp.gpkg.bak", "is a temporary copy of the store of the city lanzhou", "临时副本"),
    ],
)
def test_a_store_file_is_refused_however_it_is_named(stores, tmp_path, monkeypatch, name, why_en, why_zh):
    target = stores / name
    for given in (target, Path("stores") / name, Path("stores") / ".." / "stores" / name):
        monkeypatch.chdir(tmp_path)
        with pytest.raises(OutputError) as caught:
            safe_output_path(given)
        assert str(given) in str(caught.value) and why_en in str(caught.value)
        assert f"choose a file outside {stores}" in str(caught.value)
        assert why_zh in caught.value.message("zh") and str(given) in caught.value.message("zh")
    link = tmp_path / "innocent.gpkg"
    link.symlink_to(target)
    with pytest.raises(OutputError, match=f"-> {target}"):
        safe_output_path(link)
    with pytest.raises(OutputError), atomic_outputs([target]):
        pass
    assert not target.exists()


def test_the_store_folder_reached_through_a_symlink_is_the_store_folder(stores, tmp_path):
    alias = tmp_path / "alias"
    alias.symlink_to(stores, target_is_directory=True)
    with pytest.raises(OutputError, match="is the store of the city qiqihar"):
        safe_output_path(alias / "qiqihar.gpkg")


def test_other_files_in_and_beside_the_store_folder_are_fine(stores, tmp_path):
    assert safe_output_path(stores / "notes.txt") == (stores / "notes.txt").resolve()
    assert safe_output_path(stores / "lanzhou.gpkg.pdf") == (stores / "lanzhou.gpkg.pdf").resolve()
    assert safe_output_path(tmp_path / "lanzhou.gpkg") == (tmp_path / "lanzhou.gpkg").resolve()


# --------------------------------------------------------------------------- modes


@pytest.mark.parametrize("fmt", ["gpkg", "kml", "geojson", "csv"])
def test_export_keeps_the_mode_of_the_file_it_replaces(pack, tmp_path, fmt):
    """GDAL wrote GeoPackage and KML to a file of its own, so the target came back 0o644."""
    out = tmp_path / f"selection.{fmt}"
    out.write_bytes(b"old")
    out.chmod(0o600)
    assert run(["export", "--city", pack, "--format", fmt, "--out", out]) == 0
    assert out.read_bytes() != b"old"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["selection." + fmt, "testville"])


@pytest.mark.parametrize("fmt", ["gpkg", "kml", "csv"])
def test_a_new_export_gets_the_mode_the_umask_gives(pack, tmp_path, fmt):
    saved = os.umask(0o027)
    try:
        out = tmp_path / f"new.{fmt}"
        assert run(["export", "--city", pack, "--format", fmt, "--out", out]) == 0
    finally:
        os.umask(saved)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
