"""The Data page in a real browser: upload a GBK CSV, read the per-row report, confirm, see the row on the map.

Its own server and store folder: the import writes, and the other journeys expect the pack as shipped.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from culturemap.store.accounts import add_user, authenticate
from tests.conftest import utm_to_lonlat, write_pack
from tests.e2e.conftest import ARTIFACTS, EVIL_NAME, running_app, wait_for_count, wait_idle

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("CULTUREMAP_SHOTS", ARTIFACTS))


EDITOR_PW = "correct horse battery"


@pytest.fixture(scope="module")
def import_app(tmp_path_factory):
    """The app on a pack and store of its own, with an editor (storing an import is an editor's)."""
    root = tmp_path_factory.mktemp("e2e-import")
    write_pack(root / "packs" / "testville")
    (root / "store").mkdir()
    env = {**os.environ, "CULTUREMAP_DATA": str(root / "packs"), "CULTUREMAP_STORE": str(root / "store")}
    env.pop("CULTUREMAP_DB_URL", None)
    saved = {k: os.environ.get(k) for k in ("CULTUREMAP_STORE", "CULTUREMAP_DB_URL")}
    os.environ["CULTUREMAP_STORE"] = str(root / "store")  # the accounts (accounts.gpkg) beside the app's stores
    os.environ.pop("CULTUREMAP_DB_URL", None)
    try:
        add_user("zhang", "admin", "lanzhou-admin-2026", None)
        add_user("wang", "editor", EDITOR_PW, authenticate("zhang", "lanzhou-admin-2026"))
        with running_app(env, "streamlit-e2e-import.log") as url:
            yield url, root
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _csv(tmp_path: Path) -> Path:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["名称", "等级", "区县", "经度", "纬度"])
    writer.writerow([EVIL_NAME, "4A级", "西区", *utm_to_lonlat(506_000, 3_996_500)])
    writer.writerow(["坏等级", "6B", "西区", *utm_to_lonlat(506_500, 3_996_500)])
    path = tmp_path / "名录.csv"
    path.write_bytes(text.getvalue().encode("gbk"))
    return path


def test_upload_report_confirm_then_the_map_shows_it(page, import_app, tmp_path):
    url, _root = import_app
    page.set_viewport_size({"width": 1400, "height": 1800})
    page.goto(f"{url}/data?city=testville&lang=en")
    page.get_by_role("heading", level=1, name="Testville: import data").wait_for()
    sidebar = page.get_by_test_id("stSidebar")  # storing skips the review: an editor's
    sidebar.get_by_text("Sign in", exact=True).first.click()
    sidebar.get_by_label("Account name").fill("wang")
    sidebar.get_by_label("Password", exact=True).fill(EDITOR_PW)
    sidebar.get_by_role("button", name="Sign in").click()
    expect(sidebar.get_by_text("Signed in: wang (editor)")).to_be_visible()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(_csv(tmp_path)))
    page.get_by_text("2 rows: 1 accepted, 0 probable duplicates, 1 rejected").wait_for()
    page.get_by_text("Rows not accepted (1)").wait_for()
    assert wait_for_count(page, ".cm-marker", 1) == 1  # the preview map: the accepted row only
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "data-page-report.png"), full_page=True)
    page.get_by_role("button", name="Store 1 row in A-class scenic spots").click()
    page.get_by_text("Stored in A-class scenic spots: 1 added, 0 updated").wait_for()
    page.screenshot(path=str(SHOTS / "data-page-stored.png"), full_page=True)
    page.get_by_role("link", name="Map").click()
    assert wait_for_count(page, ".cm-marker", 7) == 7  # the pack's 6 assets and the imported one
    assert page.evaluate("window.__xss") is None  # the name's HTML stayed text
    assert page.console_log.errors == [], page.console_log.failed


def test_the_uploader_reads_chinese_in_the_chinese_page(page, import_app):
    """Streamlit's uploader says "Upload" and "100MB per file • CSV, ..." and takes no text of ours: in
    Chinese its button reads 上传 and the English line is hidden (the page's caption says the limit)."""
    url, _root = import_app
    page.goto(f"{url}/data?city=testville")
    page.get_by_role("heading", level=1, name="测试市：导入数据").wait_for()
    button = page.locator('[data-testid="stFileUploaderDropzone"] button')
    button.wait_for()
    page.wait_for_function(
        """() => getComputedStyle(document.querySelector('[data-testid="stFileUploaderDropzone"] button'),
                                  '::after').content === '"上传"'"""
    )
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "0px"  # "Upload" and its icon not shown
    assert not page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').is_visible()
    assert page.get_by_text("文件上限 100 MB").first.is_visible()
    page.goto(f"{url}/data?city=testville&lang=en")
    page.get_by_role("heading", level=1, name="Testville: import data").wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').wait_for(state="visible")
