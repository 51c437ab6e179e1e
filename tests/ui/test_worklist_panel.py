"""The survey worklist on the Data page (AppTest): its rows in survey order, a district, the downloads, both languages."""

from __future__ import annotations

import io

import gpxpy
import pytest
from streamlit.testing.v1 import AppTest

from tests.analysis.test_worklist import approximate_pack
from tests.ui.test_app import APP

DATA = "src/culturemap/ui/pages/data.py"


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    approximate_pack(tmp_path)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))
    (tmp_path / "store").mkdir()
    return tmp_path


def data_page(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at = at.switch_page(DATA).run()
    assert not at.exception
    return at


def worklist_table(at: AppTest):
    """The worklist's table: the one with the "may be off by" column."""
    return next(d.value for d in at.dataframe if {"May be off by", "可能偏差"} & set(d.value.columns))


def downloads(at: AppTest) -> dict:
    return {b.key: b for b in at.get("download_button") if b.key.startswith("worklist_")}


def test_the_list_its_district_and_the_files_in_english(data_root, served):
    at = data_page("en")
    (panel,) = [e for e in at.expander if e.label.startswith("Survey worklist")]
    assert panel.label == "Survey worklist (4)"
    table = worklist_table(at)
    assert table["Name"].tolist() == ["HU-OLD-BRIDGE", "SC-WEST-PAGODA", "UN-TU-SOUTH", "SC-EAST-PARK"]
    assert table["District"].tolist() == ["East", "West", "East", "East"]
    assert table["Layer and class"].iloc[0] == "Heritage units · National"
    (district,) = [s for s in at.selectbox if s.key.startswith("worklist_district")]
    assert district.options == ["All districts", "West", "East"]
    district.set_value("西区").run()  # the option's id is the Chinese name; its label the page language's
    assert worklist_table(at)["Name"].tolist() == ["SC-WEST-PAGODA"]
    gpx = gpxpy.parse(io.StringIO(served(downloads(at)["worklist_gpx"]).decode("utf-8")))
    assert [w.name for w in gpx.waypoints] == ["1. SC-WEST-PAGODA"]
    (prepare,) = [b for b in at.button if b.key == "worklist_pdf_prepare"]
    prepare.click().run()
    assert not at.exception and not at.error
    pdf = downloads(at)["worklist_pdf_download"]
    assert "testville-survey-worklist-west-A4-" in pdf.proto.label
    assert served(pdf).startswith(b"%PDF")


def test_the_chinese_page_names_everything_in_chinese(data_root):
    at = data_page("zh")
    (panel,) = [e for e in at.expander if e.label.startswith("坐标核查任务单")]
    assert panel.label == "坐标核查任务单（4 处）"
    table = worklist_table(at)
    assert table.columns.tolist() == ["序号", "名称", "类别", "区县", "坐标精度", "可能偏差"]
    assert table["名称"].tolist() == ["古桥", "西塔", "测试大学", "东园"]
    assert table["坐标精度"].iloc[0] == "概略位置（未测量）"
