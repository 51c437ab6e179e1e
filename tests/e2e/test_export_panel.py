"""The map page's export panel in a real browser: open it, prepare a file, download it."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import expect_no_exception, expect_results, open_app, pick, search, wait_idle

pytestmark = pytest.mark.e2e


def open_panel_on_search(page, app_url: str, fmt: str):
    """The map page searched for "xita" (one result), its export panel opened on the format ``fmt``."""
    open_app(page, app_url)
    search(page, "xita")
    expect_results(page, 1)
    wait_idle(page)  # a click on the panel while the search still reruns the page can be lost
    panel = page.get_by_test_id("stMain").get_by_test_id("stExpander").filter(has_text="导出")
    expect(panel.get_by_role("button", name="生成")).to_have_count(0)  # closed: nothing drawn inside
    panel.locator("summary").click()
    pick(page, panel.get_by_test_id("stSelectbox").filter(has_text="格式"), fmt)
    return panel


def test_the_panel_downloads_the_csv_of_the_search(page, app_url):
    panel = open_panel_on_search(page, app_url, "数据 CSV（Excel 可直接打开）")
    expect(panel.get_by_test_id("stCheckbox")).to_have_count(0)  # no print options for data
    started = date.today()
    panel.get_by_role("button", name="生成").click()
    download_button = panel.get_by_test_id("stDownloadButton").get_by_role("button")
    # named for filing: <city>-data-<selection>-<date>.csv (the run may cross midnight)
    names = {f"testville-data-xita-{day.isoformat()}.csv" for day in (started, date.today())}
    expect(download_button).to_contain_text(re.compile("下载 (" + "|".join(map(re.escape, names)) + ")"))
    with page.expect_download() as info:
        download_button.click()
    assert info.value.suggested_filename in names
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert [row["id"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))] == ["sc-west-pagoda"]
    expect_results(page, 1)  # the download did not rerun the page into another state
    expect_no_exception(page)


def test_the_panel_downloads_a_view_snapshot_of_the_map(page, app_url):
    from PIL import Image

    panel = open_panel_on_search(page, app_url, "地图快照 PNG（与页面所见相同）")
    pick(page, panel.get_by_test_id("stSelectbox").filter(has_text="快照尺寸"), "1280 × 800")
    panel.get_by_role("button", name="生成").click()
    download_button = panel.get_by_test_id("stDownloadButton").get_by_role("button")
    expect(download_button).to_contain_text(re.compile(r"下载 testville-view-xita-\d{4}-\d{2}-\d{2}\.png"))
    with page.expect_download() as info:
        download_button.click()
    assert re.fullmatch(r"testville-view-xita-\d{4}-\d{2}-\d{2}\.png", info.value.suggested_filename)
    width, height = Image.open(info.value.path()).size  # the map at the size asked, a title band above, a key below
    assert width == 1280 and 800 + 2 * 40 < height < 800 + 2 * 400, (width, height)
    expect_results(page, 1)
    expect_no_exception(page)
