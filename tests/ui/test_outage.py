"""Every page when the store fails after the app started (issue 22 item 9): PostGIS stopped, the
store folder read-only or its disk full. A notice says what is unavailable and that the page tries
again; no traceback; the page works again once the database is back. Before, every page showed
SQLAlchemy's OperationalError with its traceback."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.store.outages import SQL_WORDS, read_only_folder, stoppable_postgis, tiny_disk
from tests.ui.test_app import APP

PAGES = [f"src/culturemap/ui/pages/{name}.py" for name in ("map", "analysis", "routes", "lens", "compare", "data")]
RETRIES = {"zh": "下次操作（点击、选择或刷新页面）时会自动重试", "en": "The page tries again on your next action"}


def notices(at: AppTest) -> list[str]:
    """The page's warnings as they read (the Markdown escapes of ``ui.text.plain`` taken off)."""
    return [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]


def unavailable(at: AppTest, lang: str) -> str:
    """The page's one notice of an unavailable store, checked for what it must and must not say."""
    assert not at.exception, at.exception[0].message if at.exception else ""
    (notice,) = [n for n in notices(at) if RETRIES[lang] in n]
    assert not any(word in notice for word in SQL_WORDS)
    assert not [e.value for e in at.error]
    return notice


@pytest.fixture(scope="module")
def server():
    with stoppable_postgis() as running:
        yield running


@pytest.mark.db
def test_postgis_stopping_after_the_start_is_a_notice_on_every_page_and_the_page_recovers(
    server, data_root, monkeypatch
):
    monkeypatch.setenv("CULTUREMAP_DB_URL", server.url)
    at = AppTest.from_file(APP, default_timeout=240).run()
    assert not at.exception and at.title[0].value == "测试市文化资源地图"
    server.stop()
    try:
        for page in PAGES:
            at.switch_page(page).run()
            notice = unavailable(at, "zh")
            assert notice.startswith("测试市的数据暂时无法使用：无法读取存储 postgresql://postgres@127.0.0.1:")
            assert "与数据库的连接失败或中断" in notice
        at.sidebar.radio(key="lang").set_value("en").run()
        notice = unavailable(at, "en")
        assert notice.startswith("The data of Testville is unavailable for now: Cannot read the store postgresql://")
        assert "the connection to the database failed or was lost" in notice
    finally:
        server.start()
    at.switch_page(PAGES[0]).run()  # the next interaction after the database is back: the page again
    assert not at.exception and not notices(at)
    assert at.title[0].value == "Testville cultural assets map"


@pytest.mark.parametrize("failure", ["read-only folder", "full disk"])
def test_a_store_that_cannot_be_seeded_is_a_notice_not_a_traceback(data_root, tmp_path, monkeypatch, failure):
    """Before: sqlite3.OperationalError "unable to open database file" (read-only) or GDAL's
    "sqlite3_exec(INSERT INTO gpkg_contents ...) failed" (full disk), with a traceback."""
    mounted = read_only_folder(tmp_path / "ro") if failure == "read-only folder" else tiny_disk(tmp_path / "disk", 64)
    with mounted as folder:
        monkeypatch.setenv("CULTUREMAP_STORE", str(folder))
        at = AppTest.from_file(APP, default_timeout=240).run()
        notice = unavailable(at, "zh")
        assert notice.startswith(f"测试市的数据暂时无法使用：无法用数据包 {data_root / 'testville'} 填充存储 ")
        expected = "磁盘已满" if failure == "full disk" else "只读"
        assert expected in notice or failure == "read-only folder" and "访问权限" in notice


def test_a_database_down_at_the_start_keeps_its_clean_message(data_root, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DB_URL", "postgresql://nobody@127.0.0.1:9/nowhere")  # the discard port: closed
    at = AppTest.from_file(APP, default_timeout=240).run()
    notice = unavailable(at, "zh")
    assert notice.startswith("测试市的数据暂时无法使用：无法连接数据库 postgresql://nobody@127.0.0.1:9/nowhere：")
    assert "Connection refused" in notice
