"""A route without a day end that runs past midnight: the next day everywhere, and flagged (issue 22, item 12)."""

import csv
import io
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.export.route import day_lines, totals_text, write_route
from culturemap.routing.itinerary import plan_route
from culturemap.ui.text import plain
from tests.conftest import LANZHOU, base_props, feature, point, write_pack
from tests.routing.test_days import spread_stops
from tests.ui.test_app import APP

SATURDAY = date(2026, 11, 28)
LINE = [f"mu-{k}" for k in range(1, 7)]


@pytest.fixture
def line_pack(make_pack):
    """Six museums 3 km apart on a west-east line: on foot a leg is 52 min, a visit 75 min; the
    fifth is open day and night (24/7)."""

    def museums(layers):
        layers["museums"] = [
            feature(base_props(f"mu-{k}", f"馆{k}", "西区" if x < 510_000 else "东区", kind="art"), point(x, 3_995_000))
            for k, x in enumerate(range(502_000, 518_000, 3_000), start=1)
        ]
        layers["museums"][4]["properties"]["opening_hours"] = "24/7"

    return make_pack(museums)


def test_times_past_midnight_are_on_the_next_day_and_flagged(line_pack):
    plan = plan_route(load_city(line_pack), LINE, "walk", "16:00", SATURDAY, optimise=False)
    table = plan.stops
    # 16:00 + 4 x (75 + 52) min: the fifth museum is reached at 00:28 on Sunday
    assert table["arrival"].tolist() == ["16:00", "18:07", "20:14", "22:21", "00:28", "02:35"]
    assert table["departure"].iloc[-1] == "03:50"
    assert table["day"].tolist() == [1, 1, 1, 1, 2, 2]
    assert table["date"].tolist() == ["2026-11-28"] * 4 + ["2026-11-29"] * 2
    t = plan.totals
    assert (t["days"], t["midnights"], t["end"], t["end_date"]) == (2, 1, "03:50", "2026-11-29")
    assert [(d["day"], d["date"], d["stops"], d["start"], d["end"]) for d in t["per_day"]] == [
        (1, "2026-11-28", 4, "16:00", "24:00"),
        (2, "2026-11-29", 2, "00:00", "03:50"),
    ]
    assert t["duration_min"] == pytest.approx(11 * 60 + 50, abs=0.5)  # 16:00 to 03:50, nothing lost at midnight
    # open 24/7: open at 00:28 on Sunday (Saturday's hours end at 24:00, so it read "closed on arrival")
    # 22:21 at a museum whose hours are unknown: outside daytime (issue 24)
    late = "arrives at 22:21, outside daytime (07:00-22:00) and its opening hours are unknown"
    assert table["warning"].tolist() == [""] * 3 + [late, "arrives after midnight: day 2, 2026-11-29 00:28",
                                                    "arrives after midnight: day 2, 2026-11-29 02:35"]  # fmt: skip
    assert plan.warning_lines("en")[0] == (
        "The route runs past midnight with no day end: it ends on day 2 (2026-11-29) at 03:50; "
        "set a day end to split it into days"
    )
    assert (
        plan.warning_lines("zh")[0]
        == "线路过了午夜仍未结束，且没有设置每天结束时间：第 2 天（2026-11-29）03:50 才结束；请设置每天结束时间，分多天安排"
    )
    assert plan.warning_lines("zh")[2:] == ["馆5（mu-5）：过了午夜才到达：第 2 天（2026-11-29）00:28",
                                            "馆6（mu-6）：过了午夜才到达：第 2 天（2026-11-29）02:35"]  # fmt: skip
    assert "16:00-03:50 (+1 day) (estimated" in totals_text(plan, "en")
    assert totals_text(plan, "en").endswith(" · 2 days")
    assert "16:00–03:50（+1 天）（估算" in totals_text(plan, "zh")
    assert len(day_lines(plan, "en")) == 2


def test_the_route_csv_advances_the_day_and_date_at_midnight(line_pack, tmp_path):
    plan = plan_route(load_city(line_pack), LINE, "walk", "16:00", SATURDAY, optimise=False)
    out = write_route(plan, "夜线", "csv", tmp_path / "night.csv")
    table = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [(r["day"], r["date"], r["arrival"]) for r in table][3:] == [
        ("1", "2026-11-28", "22:21"), ("2", "2026-11-29", "00:28"), ("2", "2026-11-29", "02:35")
    ]  # fmt: skip


def test_a_day_end_plan_is_not_flagged(line_pack):
    plan = plan_route(load_city(line_pack), LINE, "walk", "09:00", SATURDAY, day_end="13:30")
    assert plan.totals["midnights"] == 0 and plan.totals["days"] == 3
    assert not any("midnight" in line for line in plan.warning_lines("en"))


def test_cli_route_past_midnight_is_not_one_day(line_pack, tmp_path, capsys):
    out = tmp_path / "night.csv"
    argv = ["route", "--city", str(line_pack), "--stops", ",".join(LINE), "--keep-order", "--start", "16:00",
            "--date", "2026-11-28", "--format", "csv", "--out", str(out), "--lang", "en"]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr()
    assert "(6 stops, 2 day(s), " in printed.out and "16:00-03:50 (+1 day)" in printed.out
    assert "warning: The route runs past midnight with no day end" in printed.err


@pytest.mark.slow
def test_twenty_lanzhou_stops_on_foot_without_a_day_end_say_how_many_days(tmp_path, capsys):
    """The issue's case: 20 stops on foot, summarised as "1 day(s), 09:00-..." while the CSV ran past midnights."""
    stops = spread_stops(load_city(LANZHOU), 20)
    out = tmp_path / "route.csv"
    argv = ["route", "--city", str(LANZHOU), "--stops", ",".join(stops), "--mode", "walk", "--date", "2026-11-24",
            "--format", "csv", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    table = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    days = int(table[-1]["day"])
    assert days > 2 and [int(r["day"]) for r in table] == sorted(int(r["day"]) for r in table)
    assert len({r["date"] for r in table}) == len({r["day"] for r in table})
    printed = capsys.readouterr()
    assert f"(20 stops, {days} day(s), " in printed.out and f"(+{days - 1} days)" in printed.out
    assert "1 day(s)" not in printed.out


def test_the_routes_page_says_the_route_ends_the_next_day(tmp_path, monkeypatch):
    stops = ["sc-west-pagoda", "hu-old-bridge", "sc-east-park"]
    pack = write_pack(tmp_path / "testville")
    (pack / "routes.toml").write_text(
        f'[[route]]\nid = "r1"\ntitle_zh = "古桥线"\ntitle_en = "Bridge line"\nsource = "test"\nstops = {stops!r}\n'.replace(
            "'", '"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"start": "21:00", "date": "2026-11-24"})
    at.switch_page("src/culturemap/ui/pages/routes.py").run()
    assert not at.exception
    assert "（+1 天）（" in at.subheader[0].value and at.subheader[0].value.endswith(" · 共 2 天")
    first = at.warning[0].value
    assert first.startswith(plain("线路过了午夜仍未结束")) and plain("第 2 天（2026-11-25）") in first
    assert at.dataframe[-1].value["第几天"].tolist()[-1] == 2
