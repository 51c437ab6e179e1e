"""The Streamlit page, run headless with Streamlit's AppTest (no browser)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import write_pack

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    write_pack(tmp_path / "testville")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return AppTest.from_file(APP, default_timeout=60)


def test_first_page_shows_the_city_in_chinese_with_counts(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "测试市文化资源地图"
    table = app.dataframe[0].value
    counts = dict(zip(table["图层"], table["数量"]))
    assert counts["A级旅游景区"] == 2 and counts["高等院校"] == 2 and counts["夜间文旅消费集聚区"] == 0
    assert app.sidebar.multiselect[0].value == ["scenic_spots", "heritage_units", "museums", "night_tour_zones", "universities", "attractions"]


def test_switching_to_english_relabels_the_page(app):
    app.run()
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Testville cultural assets map"
    assert "A-class scenic spots" in app.dataframe[0].value["Layer"].tolist()


def test_no_pack_gives_a_bilingual_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path / "empty"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "没有找到城市包" in at.error[0].value and "No city pack found" in at.error[0].value


def test_real_lanzhou_pack_renders(monkeypatch):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "兰州文化资源地图"
