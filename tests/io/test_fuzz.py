"""Hypothesis feeds malformed files to every importer: never a traceback, always the clear error, and the
store as it was (GeoPackage byte for byte)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from culturemap.io.importers import import_file
from culturemap.io.readers import ImportFileError
from tests.conftest import write_pack
from tests.io.conftest import WRITERS, spot

pytestmark = pytest.mark.slow
EXAMPLES = 1000


def _valid_bytes(fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = WRITERS[fmt](Path(folder) / f"valid.{fmt}", [spot("西湖公园", 506_000, 3_996_500, 地址="西区1号"),
                                                             spot("兰山", 507_000, 3_992_000, 地址="")])  # fmt: skip
        return path.read_bytes()


def malformed(valid: bytes):
    """Random bytes, a valid file cut short (plus garbage), or a valid file with bytes overwritten."""
    cut = st.tuples(st.integers(0, len(valid) - 1), st.binary(max_size=64)).map(lambda t: valid[: t[0]] + t[1])
    flips = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=16)

    def overwrite(changes):
        data = bytearray(valid)
        for at, byte in changes:
            data[at] = byte
        return bytes(data)

    return st.one_of(st.binary(max_size=4096), cut, flips.map(overwrite))


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    """A GeoPackage store of the synthetic city."""
    from culturemap.store import open_store

    root = tmp_path_factory.mktemp("fuzz")
    write_pack(root / "packs" / "testville")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CULTUREMAP_STORE", str(root / "store"))
        env.delenv("CULTUREMAP_DB_URL", raising=False)
        (root / "store").mkdir()
        yield open_store("testville", packs_root=root / "packs")


def _store_bytes(store) -> bytes:
    """The GeoPackage file (and any journal beside it), hashed."""
    files = sorted(Path(store.location).parent.glob(Path(store.location).name + "*"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).digest()


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_malformed_input_never_crashes_and_leaves_the_store(fmt, fuzz_store, tmp_path):
    valid = _valid_bytes(fmt)
    path = tmp_path / f"fuzz.{fmt}"
    outcomes = {"error": 0, "refused": 0, "stored": 0}
    stored_city = fuzz_store.load_city()

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(malformed(valid))
    def check(data):
        path.write_bytes(data)
        before = _store_bytes(fuzz_store)
        try:
            _report, result = import_file(fuzz_store, path, "scenic_spots", city=stored_city)
        except ImportFileError as exc:
            assert f"fuzz.{fmt}" in exc.message("zh") and f"fuzz.{fmt}" in exc.message("en")
            outcomes["error"] += 1
        else:
            if result is None:
                outcomes["refused"] += 1
            else:  # the damage left a file whose every row is good: stored like any good file
                outcomes["stored"] += 1
                return
        assert _store_bytes(fuzz_store) == before

    check()
    assert sum(outcomes.values()) >= EXAMPLES and outcomes["error"] > 0
