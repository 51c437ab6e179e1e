"""The route report as a handout (issue 24, defect 6): its map has a legend, a scale bar and a north
arrow (those of the print maps), each day in the web map's colour, stop numbers that do not crowd on a
13-stop route, and table headers that do not break inside a word."""

import re
import zlib
from datetime import date

import pytest

from culturemap.catalog import load_city
from culturemap.export.route_report import route_report
from culturemap.layers import LAYERS
from culturemap.render.route import ROUTE_DAY_COLOURS
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU
from tests.export.test_report import pdf_text, squeezed

TODAY = date(2026, 11, 27)
CRIMSON = "#dc143c"  # the one colour of every route line before
EXTRA_OLD_CITY = ["hu-baiyisi-pagoda", "mu-lanzhou-municipal"]


@pytest.fixture(scope="module")
def lanzhou():
    return load_city(LANZHOU)


@pytest.fixture(scope="module")
def river_line(lanzhou):
    return next(r for r in lanzhou.routes if r.id == "yellow-river-custom-line")


def write_report(tmp_path, city, plan, lang: str = "zh"):
    path = tmp_path / f"route-{lang}.pdf"
    title = "黄河边的一天" if lang == "zh" else "A day by the river"
    path.write_bytes(route_report(city, plan, title, lang, today=TODAY))
    return path


def stroke_colours(path) -> set[str]:
    """The stroke colours (``r g b RG``) of every content stream of the PDF, as ``#rrggbb``."""
    data = path.read_bytes()
    colours = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(stream)
        except zlib.error:
            continue
        for rgb in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) RG", text):
            colours.add("#" + "".join(f"{round(float(v) * 255):02x}" for v in rgb))
    return colours


def map_numbers(path) -> dict[str, tuple[float, float]]:
    """The stop numbers on page 1's map of a zh report (between the last totals line, "… 公里，…", and
    the legend's title), number -> centre in points; the scale bar's number (before "km" or "m") is left out."""
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       pdf_text(path, "-bbox", page=1))  # fmt: skip
    table = next(float(y0) for _, y0, _, _, word in words if word == "图例")
    top = max(float(y1) for _, _, _, y1, word in words if "公里，" in word and float(y1) < table)
    found = {}
    for i, (x0, y0, x1, y1, word) in enumerate(words):
        scale = i + 1 < len(words) and words[i + 1][4] in ("km", "m")
        if word.isdigit() and not scale and top < float(y0) and float(y1) < table:
            assert word not in found, f"stop number {word} drawn twice"
            found[word] = ((float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2)
    return found


def test_route_map_has_a_legend_a_scale_bar_and_a_north_arrow(tmp_path, lanzhou, river_line):
    plan = plan_route(lanzhou, list(river_line.stops), "walk", "09:00", TODAY)
    for lang, legend, stop, line, north in (
        ("zh", "图例", "站点（数字为游览顺序）", "线路（直线示意）", "北"),
        ("en", "Legend", "Stop (number: order of visit)", "Route (straight lines)", "N"),
    ):
        path = write_report(tmp_path, lanzhou, plan, lang)
        text = pdf_text(path, page=1)
        words = re.findall(r">([^<]*)</word>", pdf_text(path, "-bbox", page=1))
        assert legend in words and squeezed(stop) in squeezed(text) and squeezed(line) in squeezed(text), lang
        assert squeezed(LAYERS["districts"].label(lang)) in squeezed(text), lang
        assert re.search(r"(?<![\d.])\d+ k?m\b", text), lang  # the scale bar: "1 km", "500 m"
        assert north in words, lang  # the north arrow's letter, a word of its own


def test_a_two_day_route_draws_each_day_in_its_colour(tmp_path, lanzhou, river_line):
    plan = plan_route(lanzhou, list(river_line.stops), "walk", "09:00", TODAY, day_end="15:00")
    assert plan.totals["days"] == 2
    path = write_report(tmp_path, lanzhou, plan)
    colours = stroke_colours(path)
    assert {ROUTE_DAY_COLOURS[0], ROUTE_DAY_COLOURS[1]} <= colours  # the web map's first two day colours
    assert ROUTE_DAY_COLOURS[2] not in colours and CRIMSON not in colours
    legend = squeezed(pdf_text(path, page=1))
    assert legend.count("第1天") >= 2 and legend.count("第2天") >= 2  # the day lines and the legend


def test_headers_break_only_before_their_unit(tmp_path, lanzhou, river_line):
    """The header "第几天" stays whole; "停留（分钟）" breaks, if at all, before "（分钟）", never as "停留（" / "分钟）"."""
    plan = plan_route(lanzhou, list(river_line.stops), "walk", "09:00", TODAY, day_end="15:00")
    layout = pdf_text(write_report(tmp_path, lanzhou, plan), "-layout", page=1)
    header = layout[layout.index("行程表") :]
    for whole in ("顺序", "第几天", "到达时间", "离开时间", "开放时间", "（分钟）", "（公里）", "提示"):
        assert whole in header, whole
    for label in ("停留（分钟）", "本段距离（公里）"):
        assert label[: label.index("（") + 1] not in header.replace(label, ""), label  # "停留（" then "分钟）"


def test_numbers_of_a_16_stop_route_do_not_crowd(tmp_path, lanzhou):
    """16 stops of the old city over 3 days from 兰州大学（城关校区）: stops 6-10 lie within 600 m of each other,
    a few points apart on the page; every number is on the map once, in a circle (about 12 pt across) that
    covers no other (before: 6 and 7 10.6 pt apart, 7-8 and 8-9 11.1 pt)."""
    routes = {r.id: r for r in lanzhou.routes}
    stops = [*routes["old-city-heritage-and-red"].stops, *routes["night-lanzhou"].stops, *EXTRA_OLD_CITY]
    plan = plan_route(lanzhou, list(dict.fromkeys(stops)), "walk", "09:00", TODAY, origin="un-lzu-chengguan",
                      day_end="17:30")  # fmt: skip
    assert len(plan.stops) == 16 and plan.totals["days"] == 3
    path = write_report(tmp_path, lanzhou, plan)
    numbers = map_numbers(path)
    assert sorted(numbers, key=int) == [str(n) for n in range(1, 17)]
    for a, (xa, ya) in numbers.items():
        for b, (xb, yb) in numbers.items():
            if int(a) < int(b):
                assert ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5 >= 12.0, (a, b)
    assert set(ROUTE_DAY_COLOURS[:3]) <= stroke_colours(path)  # the circles and lines of the three days
