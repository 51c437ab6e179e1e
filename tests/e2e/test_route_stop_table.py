"""The Routes page's stop table in a real browser: a visit time typed into a cell as in a spreadsheet
(issue 24, defect 5: "60" typed into a visit-time cell that was only clicked once showed 0 and kept 30)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle, wait_idle

pytestmark = pytest.mark.e2e


def expect_cells(grid, first: int, texts: list[str]) -> None:
    """Wait until the table's cells ``first``, ``first + 1``, ... (headers first) read ``texts``.

    The grid draws on a canvas and writes its accessible copy (th/td) a moment later, and again after
    every rerun: a bare read right after a rerun may see no cells or the old ones.
    """
    cells = grid.locator("th, td")
    for offset, text in enumerate(texts):
        expect(cells.nth(first + offset)).to_have_text(text, timeout=30_000)


@pytest.mark.parametrize(
    ("keys", "delay_ms"),
    [("60", 0), ("60", 120), ("605", 0)],
    ids=["quick", "steady", "quick-corrected"],
)
def test_a_visit_time_typed_after_one_click_is_kept(page, app_url, keys, delay_ms):
    """One click on a cell, then "60" and Enter typed at once (the grid used to keep only the 0), at a
    steady pace, or "605", Backspace: the stop's visit time is 60 in the table and in the itinerary."""
    page.goto(f"{app_url}/routes?city=testville")
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_text("共 4 站").wait_for()
    settle(page)
    editor = page.locator('[class*="st-key-route_editor_"] [data-testid="stDataFrame"]')
    expect_cells(editor, 0, ["保留", "名称", "停留（分钟）", "开放时间", "true", "西塔", "90", ""])
    box = editor.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + 54)  # the first stop's visit time, once
    expect(editor.locator('td[aria-selected="true"]')).to_have_text("90")  # selected, no editor open
    for key in [*keys, *(["Backspace"] if keys != "60" else []), "Enter"]:  # straight into the selected cell
        page.keyboard.press(key)
        page.wait_for_timeout(delay_ms)
    itinerary = page.get_by_test_id("stDataFrame").last
    expect(itinerary.locator("td").nth(5)).to_have_text("60", timeout=30_000)  # 西塔: 顺序 名称 到达 离开 等候 停留
    wait_idle(page)
    expect_cells(itinerary, 9, ["1", "西塔", "09:00", "10:00", "0", "60"])
    expect_cells(editor, 4, ["true", "西塔", "60", ""])
    expect(page.get_by_text("已保留原来的时间")).to_have_count(0)
