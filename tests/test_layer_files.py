"""A layer file that is not a regular file (issue 22): a FIFO named ``museums.geojson`` hung ``validate``
and the server's warm-up (holding the city's store lock for 600 s). Only regular files are read, up to
the size limit; anything else is an error naming the file. Each run is a subprocess with a timeout, so a
regression fails instead of hanging."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from culturemap.catalog import MAX_LAYER_FILE_MB, load_city, scan_packs
from tests.conftest import REPO

TIMEOUT_S = 60


def culturemap(*argv, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "culturemap.cli", *map(str, argv)], capture_output=True, text=True,
                          timeout=TIMEOUT_S, cwd=REPO, env={**os.environ, **(env or {})})  # fmt: skip


def make_fifo(path):
    path.unlink()
    os.mkfifo(path)


def make_folder(path):
    path.unlink()
    path.mkdir()
    (path / "inside.geojson").write_text("{}", encoding="utf-8")


def make_socket(path):
    path.unlink()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return sock


KINDS = {
    "fifo": (make_fifo, "a FIFO (named pipe)", "命名管道（FIFO）"),
    "folder": (make_folder, "a folder", "文件夹"),
    "socket": (make_socket, "a socket", "套接字"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_validate_names_a_layer_file_that_is_not_a_regular_file(pack, kind):
    make, what_en, what_zh = KINDS[kind]
    kept = make(pack / "museums.geojson")
    try:
        result = culturemap("validate", pack, "--lang", "en")
        assert result.returncode == 1, result.stderr
        assert (
            f"museums.geojson is {what_en}; expected a regular file of at most {MAX_LAYER_FILE_MB} MB" in result.stdout
        )
        zh = culturemap("validate", pack, "--lang", "zh")
        assert f"museums.geojson 是{what_zh}，应为不超过 {MAX_LAYER_FILE_MB} MB 的普通文件" in zh.stdout
    finally:
        if kept is not None:
            kept.close()


def test_the_store_and_the_warm_up_do_not_wait_on_a_fifo(pack, tmp_path):
    make_fifo(pack / "museums.geojson")
    env = {"CULTUREMAP_DATA": str(pack.parent), "CULTUREMAP_STORE": str(tmp_path / "stores")}
    result = culturemap("validate", "--city", "testville", "--lang", "en", env=env)  # seeds the store: returns
    assert result.returncode == 0, result.stderr
    assert "Museums [museums]: 0" in result.stdout  # the FIFO was not read into the store
    warm = subprocess.run(
        [sys.executable, "-c", "from culturemap.ui.app import warm_up; print(warm_up())"],
        capture_output=True, text=True, timeout=TIMEOUT_S, cwd=REPO, env={**os.environ, **env},
    )  # fmt: skip
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.strip() == "['testville']"


def test_a_fifo_named_city_toml_is_a_broken_pack_not_a_hang(pack, tmp_path):
    make_fifo(pack / "city.toml")
    result = culturemap("validate", pack.parent, "--lang", "en")
    assert result.returncode == 1, result.stderr
    assert f"error: {pack / 'city.toml'} is a FIFO (named pipe); expected a regular file" in result.stdout
    assert "1 pack(s), 1 cannot be loaded, 0 with errors" in result.stdout
    (entry,) = scan_packs(pack.parent)  # in this process too: it returns
    assert entry.error.code == "pack_not_regular_file"
    assert entry.error.message("zh") == f"{pack / 'city.toml'} 是命名管道（FIFO），应为普通文件"


def test_a_layer_file_over_the_limit_is_not_read(pack):
    path = pack / "museums.geojson"
    with path.open("r+b") as fh:  # sparse: no disk used
        fh.truncate((MAX_LAYER_FILE_MB + 1) * 2**20)
    city = load_city(pack)
    assert [p.code for p in city.errors if p.file == "museums.geojson"] == ["too_large"]
