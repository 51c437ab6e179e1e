"""The Data page in a real browser: upload a GBK CSV, read the per-row report, confirm, see the row on the map.

Its own server and store folder: the import writes, and the other journeys expect the pack as shipped.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.conftest import utm_to_lonlat, write_pack
from tests.e2e.conftest import ARTIFACTS, EVIL_NAME, app_with_team, sign_in, wait_for_count

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("CULTUREMAP_SHOTS", ARTIFACTS))


@pytest.fixture(scope="module")
def import_app(tmp_path_factory):
    """The app on a pack and store of its own, with the team's accounts (storing an import is an editor's)."""
    root = tmp_path_factory.mktemp("e2e-import")
    write_pack(root / "packs" / "testville")
    (root / "store").mkdir()
    with app_with_team(root / "packs", root / "store", "streamlit-e2e-import.log") as url:
        yield url, root


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
    sign_in(page, "wang", "en")  # storing skips the review: an editor's
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
