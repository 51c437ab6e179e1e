"""Every CSV the app makes is UTF-8 with a BOM and runs no formula: the route CSV too (issue 22, item 7)."""

import csv
import io
from datetime import date

import pandas as pd
import pytest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.export.data import to_csv_bytes
from culturemap.routing.itinerary import plan_route

BOM = b"\xef\xbb\xbf"
# stored names a spreadsheet would run: a command, a link, a function and a sum
INJECTED = {
    "sc-west-pagoda": "=cmd|' /C calc'!A0",
    "hu-old-bridge": '+HYPERLINK("http://127.0.0.1:9/","x")',
    "sc-east-park": "@SUM(1)",
    "mu-city": "-2+3",
}
STOPS = list(INJECTED)


@pytest.fixture
def injected_city(make_pack):
    def rename(layers):
        for features in layers.values():
            for feat in features:
                props = feat["properties"]
                if props.get("id") in INJECTED:
                    props["name_zh"] = props["name_en"] = INJECTED[props["id"]]
                    props["address"] = "=1+2"

    return make_pack(rename)


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def assert_neutralised(table: list[dict[str, str]]) -> None:
    assert {r["id"]: r["name_zh"] for r in table} == {fid: "'" + name for fid, name in INJECTED.items()}
    assert {r["id"]: r["name_en"] for r in table} == {fid: "'" + name for fid, name in INJECTED.items()}
    assert {r["address"] for r in table} == {"'=1+2"}
    assert all(float(r["lon"]) > 100 and float(r["lat"]) > 30 for r in table)  # numbers stay numbers


def test_cli_route_csv_has_a_bom_and_neutralises_formulas(injected_city, tmp_path):
    out = tmp_path / "route.csv"
    argv = ["route", "--city", str(injected_city), "--stops", ",".join(STOPS), "--keep-order", "--format", "csv",
            "--date", "2026-11-24", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    table = rows(out.read_bytes())
    assert [r["id"] for r in table] == STOPS
    assert_neutralised(table)


def test_the_routes_page_csv_download_is_the_same_safe_csv(injected_city):
    from culturemap.ui.routes_page import EXPORTS

    writer = {fmt: write for fmt, write, _ in EXPORTS}["csv"]
    plan = plan_route(load_city(injected_city), STOPS, "walk", "09:00", date(2026, 11, 24), optimise=False)
    data = writer(plan, "=title")
    assert isinstance(data, bytes)
    assert_neutralised(rows(data))


def test_the_one_csv_writer_takes_plain_tables_and_keeps_negative_numbers():
    table = pd.DataFrame({"name": ["-2+3", "\tx", "\rx", "ok"], "lon": [-2.5, -0.1, 3.0, None]})
    parsed = rows(to_csv_bytes(table))
    assert [r["name"] for r in parsed] == ["'-2+3", "'\tx", "'\rx", "ok"]
    assert [r["lon"] for r in parsed] == ["-2.5", "-0.1", "3.0", ""]
