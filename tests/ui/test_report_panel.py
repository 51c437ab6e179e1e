"""The "Report" panels of the Map, Routes and Compare pages in AppTest: the reports offered (zh and en), the
district report only with one district chosen, a build on the click, then the download of a PDF."""

import subprocess
from datetime import date

import pytest

from culturemap.i18n import tr
from tests.conftest import write_pack
from tests.ui.test_app import run as run_map
from tests.ui.test_app import widget
from tests.ui.test_lens_page import COMPARE, open_page, other_city_toml
from tests.ui.test_routes_page import STOPS, routes, write_routes


def pdf_info(data: bytes) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def opened(at, key: str):
    at.session_state[f"{key}_open"] = True
    return at.run()


def radio(at, key: str):
    return next(w for w in at.radio if (w.key or "").startswith(key + "~"))


def buttons(at, key: str) -> list:
    return [b for b in at.button if b.key == key]


def downloads(at, key: str) -> list:
    return [b for b in at.get("download_button") if b.key == key]


def build(at, key: str):
    """Press the panel's build button; the download button it leaves."""
    (button,) = buttons(at, f"{key}_build")
    button.click().run()
    assert not at.exception and not at.error, at.error
    (download,) = downloads(at, f"{key}_download")
    assert not buttons(at, f"{key}_build")  # the download replaces the build button in the same run
    return download


def file_name(download) -> str:
    """The file name in the download button's label, its date (today's, or yesterday's past midnight) as <date>."""
    label = download.proto.label
    for day in {date.today().isoformat(), date.fromordinal(date.today().toordinal() - 1).isoformat()}:
        label = label.replace(f"-{day}.pdf", "-<date>.pdf")
    return label.split(" ", 1)[1].split("（" if "（" in label else " (", 1)[0]


@pytest.fixture
def two_packs(tmp_path, monkeypatch):
    write_routes(write_pack(tmp_path / "testville"), STOPS)
    write_pack(tmp_path / "otherville", city_toml=other_city_toml())
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_page_offers_the_city_report_and_a_district_report_for_one_district(two_packs, lang):
    at = run_map({"city": "testville", "lang": lang})
    assert [e.label for e in at.expander if e.label == tr("report_panel", lang)] == [tr("report_panel", lang)]
    assert not buttons(at, "map_report_build")  # folded: nothing drawn inside
    at = opened(at, "map_report")
    which = radio(at, "map_report_which")
    assert which.options[:2] == [tr("report_opt_city", lang), tr("report_opt_district_none", lang)]
    assert buttons(at, "map_report_build")[0].label == tr("report_build", lang)
    which.set_value("district").run()
    assert [i.value for i in at.info] == [tr("report_district_pick", lang, n=0)]
    assert not buttons(at, "map_report_build")  # no button for a report that cannot be made
    widget(at, "multiselect", "district").set_value(["东区"]).run()
    assert radio(at, "map_report_which").options[1] == ("东区报告（PDF）" if lang == "zh" else "East report (PDF)")
    assert buttons(at, "map_report_build") and not downloads(at, "map_report_download")


def test_the_city_and_district_reports_build_on_a_click_and_download(two_packs, served):
    at = opened(run_map({"city": "testville"}), "map_report")
    assert not downloads(at, "map_report_download")  # nothing built before the click
    download = build(at, "map_report")
    assert file_name(download) == "testville-report-A4-<date>.pdf"
    data = served(download)
    info = pdf_info(data)
    assert int(info["Pages"]) >= 5 and info["Title"].strip() == "测试市文化资源报告"  # the report's own title
    built = [c.value for c in at.caption if "用时" in c.value]
    assert len(built) == 1
    at.run()  # a rerun offers the same file, not built again
    assert [c.value for c in at.caption if "用时" in c.value] == built
    assert served(downloads(at, "map_report_download")[0]) == data
    assert not buttons(at, "map_report_build")

    widget(at, "multiselect", "district").set_value(["东区"]).run()
    radio(at, "map_report_which").set_value("district").run()
    assert not downloads(at, "map_report_download")  # another report: built on its own click
    download = build(at, "map_report")
    assert file_name(download) == "testville-report-east-A4-<date>.pdf"
    district = served(download)
    assert district != data
    assert "东区" in pdf_info(district)["Title"]
    text = subprocess.run(["pdftotext", "-", "-"], input=district, capture_output=True, check=True).stdout.decode()
    assert "古桥" in text and "西塔" not in text  # the district's assets only


def test_the_routes_page_builds_the_route_report_of_the_plan(two_packs, served):
    at = routes({"city": "testville", "lang": "en"})
    assert not buttons(at, "route_report_build")
    at = opened(at, "route_report")
    assert buttons(at, "route_report_build")[0].label == "Build the report"
    download = build(at, "route_report")
    assert file_name(download) == "testville-route-r1-A4-<date>.pdf"
    data = served(download)
    assert int(pdf_info(data)["Pages"]) >= 1
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "Bridge line" in text and "Itinerary" in text


def test_the_compare_page_builds_the_comparison_report(two_packs, served):
    at = opened(open_page(COMPARE, {"compare": "testville,otherville"}), "compare_report")
    assert buttons(at, "compare_report_build")[0].label == "生成报告"
    download = build(at, "compare_report")
    assert file_name(download) == "testville-compare-otherville-A4-<date>.pdf"
    data = served(download)
    info = pdf_info(data)
    assert int(info["Pages"]) == 2 and info["Title"].strip() == "测试市 与 另一市：文化资源对比"
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "测试市" in text and "另一市" in text and "城市包收录与公开数字对照" in text
