"""`culturemap serve` starts clean: no line a newcomer reads as an error (README, issue 27)."""

from __future__ import annotations

import os
import time
import urllib.request

import pytest

from tests.conftest import write_pack
from tests.e2e.conftest import ARTIFACTS, running_app

NOISE = ("ScriptRunContext", "config option section", "external IP", "Uvicorn", "Traceback", "WARNING")


@pytest.mark.slow
def test_serve_prints_the_urls_and_no_warning(tmp_path):
    write_pack(tmp_path / "data" / "testville")
    env = {**os.environ, "CULTUREMAP_DATA": str(tmp_path / "data"), "CULTUREMAP_STORE": str(tmp_path / "store")}
    env.pop("CULTUREMAP_DB_URL", None)
    log = ARTIFACTS / "serve-startup.log"
    with running_app(env, log.name) as url:
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200
        deadline = time.monotonic() + 120  # the warm-up, where the bare-mode warnings came from, is done
        while "caches warmed for testville" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
    output = log.read_text()
    assert "caches warmed for testville" in output, output
    assert "Local URL: http://localhost:" in output
    assert [line for line in output.splitlines() if any(word in line for word in NOISE)] == []
