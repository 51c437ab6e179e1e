"""A route's title (issue 24, defect 6): the user's own, else the theme's, else "<start> 出发 · N 天" with
the start named in full (campus included); it is the GPX/KML name (their description in the chosen
language), the report's title and part of the file name ``<city>-<title>-<date>.<fmt>``."""

import re
from datetime import date

import gpxpy
import pytest

from culturemap.catalog import load_city
from culturemap.export.route import file_slug, route_file_name, route_title, write_route
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU
from tests.conftest import run_cli as run
from tests.export.test_report import pdf_info, pdf_text, squeezed
from tests.ui.test_routes_page import STOPS, write_routes

TODAY = date(2026, 11, 27)
NEAR_LZU = ["mu-lzu", "hu-baiyisi-pagoda"]


@pytest.fixture(scope="module")
def lanzhou():
    return load_city(LANZHOU)


@pytest.fixture(scope="module")
def from_campus(lanzhou):
    """Two stops from 兰州大学（城关校区）, one of three campuses named 兰州大学."""
    return plan_route(lanzhou, NEAR_LZU, "walk", "09:00", TODAY, origin="un-lzu-chengguan")


def test_a_custom_route_is_named_after_its_start_in_full_and_its_days(lanzhou, from_campus):
    assert route_title(None, NEAR_LZU, "zh", from_campus, lanzhou) == "兰州大学（城关校区） 出发 · 1 天"
    assert route_title(None, NEAR_LZU, "en", from_campus, lanzhou) == "From Lanzhou University (城关校区) · 1 day"
    far = plan_route(lanzhou, NEAR_LZU, "walk", "09:00", TODAY, origin="un-lzu-yuzhong", day_end="18:00")
    assert far.totals["days"] == 3  # a 40 km walk from the Yuzhong campus
    assert route_title(None, NEAR_LZU, "zh", far, lanzhou) == "兰州大学（榆中校区） 出发 · 3 天"
    assert route_title(None, NEAR_LZU, "en", far, lanzhou) == "From Lanzhou University (榆中校区) · 3 days"


def test_the_users_title_wins_over_the_theme_and_the_default(lanzhou, from_campus):
    theme = next(r for r in lanzhou.routes if r.id == "yellow-river-custom-line")
    assert route_title(theme, theme.stops, "zh", title="  给 一年级  新生 ") == "给 一年级 新生"
    assert route_title(None, NEAR_LZU, "en", from_campus, lanzhou, title="Freshers' walk") == "Freshers' walk"
    assert route_title(theme, theme.stops, "en", title="   ") == "Yellow River Custom Line walk"


def test_file_names_keep_chinese_and_drop_what_file_systems_refuse():
    assert route_file_name("lanzhou", "黄河风情线漫步", "2026-11-27", "gpx") == "lanzhou-黄河风情线漫步-2026-11-27.gpx"
    assert (
        route_file_name("lanzhou", "兰州大学（城关校区） 出发 · 1 天", TODAY, "kml")
        == "lanzhou-兰州大学（城关校区）-出发-1-天-2026-11-27.kml"
    )
    assert file_slug('a/b\\c:d*e?f"g<h>i|j\tk\n') == "abcdefghij-k"
    assert file_slug("../..") == "route" and file_slug(" · ") == "route"
    assert len(file_slug("长" * 200)) == 80


def test_gpx_and_kml_carry_the_title_and_a_description_in_the_language(tmp_path, lanzhou, from_campus):
    title = route_title(None, NEAR_LZU, "zh", from_campus, lanzhou)
    gpx = gpxpy.parse(write_route(from_campus, title, "gpx", tmp_path / "r.gpx", "zh").read_text("utf-8"))
    assert gpx.name == title and gpx.tracks[0].name == title
    assert "估算行程时间" in gpx.description and "共 2 站" in gpx.description  # two stops; the start is not one
    assert "estimated" not in gpx.description
    kml = write_route(from_campus, title, "kml", tmp_path / "r.kml", "en").read_text("utf-8")
    assert f"<name>{title}</name>" in kml and "travel times estimated" in kml


def test_cli_route_title_and_default(tmp_path, capsys):
    out = tmp_path / "r.gpx"
    args = ["route", "--city", LANZHOU, "--stops", ",".join(NEAR_LZU), "--from", "un-lzu-chengguan", "--format",
            "gpx", "--out", out, "--date", TODAY.isoformat()]  # fmt: skip
    assert run(args) == 0
    assert gpxpy.parse(out.read_text("utf-8")).name == "兰州大学（城关校区） 出发 · 1 天"
    assert run([*args, "--title", "新生 第一课", "--lang", "en"]) == 0
    gpx = gpxpy.parse(out.read_text("utf-8"))
    assert gpx.name == "新生 第一课" and gpx.description.startswith("travel times estimated")


def test_cli_report_title(tmp_path, pack):
    write_routes(pack, STOPS)
    out = tmp_path / "r.pdf"
    assert run(["report", "--city", pack, "--route", "r1", "--title", "古桥 半日游", "--out", out]) == 0
    assert "古桥 半日游" in pdf_text(out, page=1)
    assert re.search(r"^Title:\s+古桥 半日游$", pdf_info(out), re.M)  # the file's own title too


def test_the_report_names_the_start_with_its_campus(tmp_path, lanzhou, from_campus):
    from culturemap.export.route import full_name
    from culturemap.export.route_report import route_report

    path = tmp_path / "r.pdf"
    path.write_bytes(route_report(lanzhou, from_campus, "T", "zh", today=TODAY))
    assert "兰州大学（城关校区）" in squeezed(pdf_text(path, "-raw", page=1))  # the itinerary's first row
    assert full_name({"id": "x", "name_zh": "甲", "name_en": float("nan")}, "en") == "甲"  # a blank English name
