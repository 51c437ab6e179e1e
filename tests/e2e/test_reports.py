"""The "报告 / Report" panels in a real browser on the bundled packs: each report is built on a click (a
progress bar while it builds), downloaded from its page and opened with pdfinfo. The report area is
photographed while it builds and after (test-artifacts/report-*.png); the seconds from the click to the
download button go to test-artifacts/report-seconds.txt."""

from __future__ import annotations

import re
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from culturemap.catalog import load_city
from culturemap.export.atlas import districts_with_assets
from tests.conftest import LANZHOU
from tests.e2e.conftest import ARTIFACTS, WAIT_S, expect_no_exception, wait_idle

pytestmark = pytest.mark.e2e

BUILD_WAIT_S = 240  # a report builds in 5-15 s; the compare page's cards first, on a loaded machine


def pdf_info(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in text.splitlines() if ":" in line)}


def build_report(page, key: str, shot: str, option: str | None = None, lang: str = "zh") -> tuple[str, Path, float]:
    """Open the report panel keyed ``key``, pick ``option`` (its label), press "Build", wait for the download
    button and download the file; returns its suggested name, its path and the seconds the build took
    in the browser (click to button)."""
    wait_idle(page)
    panel = page.locator(f".st-key-{key}_open")
    panel.scroll_into_view_if_needed()
    panel.locator("summary").click()
    wait_idle(page)  # opening the panel reruns its fragment
    build = panel.get_by_role("button", name="生成报告" if lang == "zh" else "Build the report")
    download_button = panel.get_by_test_id("stDownloadButton").get_by_role("button")
    progress = panel.get_by_test_id("stProgress")
    expect(build.or_(download_button)).to_be_visible()
    if option:
        panel.get_by_text(option, exact=True).click()
        wait_idle(page)
        expect(build.or_(download_button)).to_be_visible()
    expect(download_button).to_have_count(0)  # nothing is built before the click
    expect(build).to_be_visible()
    wait_idle(page)  # a click while a rerun is running can be lost (a fragment's rerun behind the app's)
    build.click()
    started = time.monotonic()
    try:  # the progress bar, photographed while the report builds (a fast build may be done before)
        expect(progress.or_(download_button)).to_be_visible(timeout=30_000)
        if progress.count():
            panel.screenshot(path=str(ARTIFACTS / f"report-{shot}-building.png"))
    except AssertionError:  # neither in 30 s: once the app is idle, a click that was lost is pressed again
        wait_idle(page)
        if download_button.count() == 0:
            with (ARTIFACTS / "report-seconds.txt").open("a") as log:
                log.write(f"{shot}\tclick lost: pressed again\n")
            build.click()
    expect(download_button).to_be_visible(timeout=BUILD_WAIT_S * 1000)
    seconds = time.monotonic() - started
    expect(panel.get_by_test_id("stProgress")).to_have_count(0)
    expect(build).to_have_count(0)  # the download replaces the build button
    panel.screenshot(path=str(ARTIFACTS / f"report-{shot}-built.png"))
    with page.expect_download(timeout=WAIT_S * 1000) as info:
        download_button.click()
    name, path = info.value.suggested_filename, Path(info.value.path())
    with (ARTIFACTS / "report-seconds.txt").open("a") as log:
        log.write(f"{shot}\t{seconds:.1f} s\t{pdf_info(path)['Pages']} pages\t{name}\n")
    expect_no_exception(page)
    return name, path, seconds


def dated(name: str) -> str:
    for day in {date.today().isoformat(), date.fromordinal(date.today().toordinal() - 1).isoformat()}:
        name = name.replace(f"-{day}.", "-<date>.")
    return name


def open_page(page, url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1200})
    page.goto(url)
    page.get_by_role("heading", level=1).wait_for()


def test_the_map_page_downloads_the_city_report(page, bundled_url):
    open_page(page, f"{bundled_url}/?city=lanzhou")
    name, path, _ = build_report(page, "map_report", "map-city")
    assert dated(name) == "lanzhou-report-A4-<date>.pdf"
    info = pdf_info(path)
    assert int(info["Pages"]) >= 6 and "兰州" in info["Title"], info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "兰州文化资源报告" in text and "数据来源与位置精度" in text


def test_the_map_page_downloads_the_report_of_the_chosen_district(page, bundled_url):
    open_page(page, f"{bundled_url}/?city=lanzhou&district=城关区&lang=en")
    name, path, _ = build_report(page, "map_report", "map-district", "Chengguan report (PDF)", lang="en")
    assert dated(name) == "lanzhou-report-chengguan-A4-<date>.pdf"
    info = pdf_info(path)
    assert int(info["Pages"]) >= 6 and "Chengguan" in info["Title"], info


def test_the_map_page_downloads_the_district_atlas(page, bundled_url):
    open_page(page, f"{bundled_url}/?city=lanzhou")
    name, path, _ = build_report(page, "map_report", "map-atlas", "区县图集（PDF，每个区县一页）")
    assert dated(name) == "lanzhou-atlas-districts-A4-<date>.pdf"
    info = pdf_info(path)
    held = districts_with_assets(load_city(LANZHOU))
    # the cover, a page per district holding assets, then the sources
    assert int(info["Pages"]) > 1 + len(held) and info["Title"] == "兰州文化资源区县图集", info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert all(district in text for district in held)


def test_the_routes_page_downloads_the_route_report(page, bundled_url):
    open_page(page, f"{bundled_url}/routes?city=lanzhou&route=night-lanzhou")
    page.get_by_text(re.compile(r"^共 \d+ 站")).first.wait_for()
    name, path, _ = build_report(page, "route_report", "routes")
    assert dated(name) == "lanzhou-route-night-lanzhou-A4-<date>.pdf"
    info = pdf_info(path)
    assert int(info["Pages"]) >= 1 and info["Title"] == "夜游兰州", info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "行程表" in text


def test_the_compare_page_downloads_the_compare_report(page, bundled_url):
    open_page(page, f"{bundled_url}/compare?compare=lanzhou,qiqihar")
    expect(page.get_by_role("img", name=re.compile("兰州 与 齐齐哈尔"))).to_be_visible(timeout=BUILD_WAIT_S * 1000)
    name, path, _ = build_report(page, "compare_report", "compare")
    assert dated(name) == "lanzhou-compare-qiqihar-A4-<date>.pdf"
    info = pdf_info(path)
    assert int(info["Pages"]) == 2 and info["Title"] == "兰州 与 齐齐哈尔：文化资源对比", info
