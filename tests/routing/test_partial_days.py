"""A plan that does not fit in N days is trimmed, not thrown away (issue 24, defect 3): the stops
that fit are planned, the rest listed with why and what would fit them; the CLI writes the plan,
prints a warning per stop left out and exits 0."""

import csv
import io
from datetime import date

import pytest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.routing.itinerary import plan_route
from tests.conftest import LANZHOU

MONDAY = date(2026, 12, 7)
START = "un-lzu-chengguan"  # 兰州大学（城关校区）
FIFTEEN = [
    "mu-lzu", "nt-lanzhou-creative-culture-park", "mu-deng-baoshan", "at-dongfanghong-square", "sc-wuquanshan",
    "mu-lanzhou-municipal", "hu-baiyisi-pagoda", "hu-wuquanshan", "mu-eighth-route-army-office",
    "hu-eighth-route-army-office", "hu-baiyunguan", "hu-zhuangyan-temple", "hu-chenghuang-temple", "sc-baitashan",
    "sc-jinchengguan",
]  # fmt: skip
LEFT_OUT = ["mu-eighth-route-army-office", "hu-eighth-route-army-office", "hu-wuquanshan", "sc-wuquanshan"]


@pytest.fixture(scope="module")
def trimmed():
    return plan_route(load_city(LANZHOU), FIFTEEN, "walk", "09:00", MONDAY, origin=START, day_end="17:30", max_days=2)


def test_fifteen_stops_on_foot_in_two_days_plan_eleven_and_list_four(trimmed):
    visits = trimmed.stops[trimmed.stops["role"] == "stop"]
    assert len(visits) == 11 and trimmed.stops["id"].iloc[0] == START
    assert [s["id"] for s in trimmed.left_out] == LEFT_OUT
    assert set(visits["id"]) == set(FIFTEEN) - set(LEFT_OUT)
    assert trimmed.totals["days"] == 2 and trimmed.totals["per_day"][-1]["end"] <= "17:30"
    assert len(trimmed.day_paths) == 2
    lines = trimmed.left_out_lines("en")
    assert lines[0] == "Only 11 of 15 stops fit in 2 day(s) (09:00-17:30 each); 4 left out:"
    assert lines[3] == (
        "Wuquan Mountain Architectural Complex (hu-wuquanshan): does not fit in 2 day(s) ending at 17:30; "
        "all stops need 3 days"
    )
    zh = trimmed.left_out_lines("zh")
    assert zh[0] == "2 天内（每天 09:00–17:30）只能安排 15 个站点中的 11 个；以下 4 个未安排："
    assert zh[4] == "五泉山公园（sc-wuquanshan）：2 天内（每天到 17:30）排不下；全部站点需要 3 天"


def test_a_stop_left_out_says_when_a_faster_mode_fits_them_all():
    # the 15 assets nearest the campus but universities
    stops = ["mu-lzu", "at-lanzhou-railway-station", "nt-lanzhou-creative-culture-park", "at-dongfanghong-square",
             "at-waterwheel-garden", "mu-deng-baoshan", "mu-duzhe", "mu-duzhe-illustration", "mu-lanzhou-municipal",
             "hu-baiyisi-pagoda", "hu-wuquanshan", "at-lanshan-park", "hu-baiyunguan", "at-zhengning-road-night-market",
             "hu-eighth-route-army-office"]  # fmt: skip
    plan = plan_route(load_city(LANZHOU), stops, "walk", "09:00", MONDAY, origin=START, day_end="17:30", max_days=2)
    assert [s["id"] for s in plan.left_out] == ["nt-lanzhou-creative-culture-park"]
    assert plan.left_out_lines("en")[1] == (
        "Lanzhou Creative Culture Industrial Park commercial area (nt-lanzhou-creative-culture-park): does not fit in "
        "2 day(s) ending at 17:30; all stops need 3 days, or go by bike (all fit in 2 day(s))"
    )
    assert plan.left_out_lines("zh")[1].endswith("全部站点需要 3 天，或改为骑行（2 天可排完）")


def test_the_cli_writes_the_stops_that_fit_and_warns_of_each_left_out(tmp_path, capsys):
    out = tmp_path / "two-days.csv"
    code = main(["route", "--city", str(LANZHOU), "--stops", ",".join(FIFTEEN), "--from", START, "--day-end", "17:30",
                 "--days", "2", "--date", "2026-12-07", "--format", "csv", "--out", str(out), "--lang", "en"])  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    planned = [r for r in rows if r["role"] != "left_out"]  # the stops left out follow, with why
    assert len(planned) == 12 and not set(LEFT_OUT) & {r["id"] for r in planned}
    assert [r["id"] for r in rows if r["role"] == "left_out"] == LEFT_OUT
    err = capsys.readouterr().err.splitlines()
    named = [line for line in err if line.startswith("warning: ") and "left out" not in line and "does not fit" in line]
    assert [next(i for i in LEFT_OUT if f"({i})" in line) for line in named] == LEFT_OUT
    assert "warning: Only 11 of 15 stops fit in 2 day(s) (09:00-17:30 each); 4 left out:" in err
