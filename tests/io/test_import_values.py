"""What a cell means: grade words read right or refused (never guessed), null cells stay missing in every
reader, an over-long text is stored as the report says, generated ids have enough bits."""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from culturemap.io.importers import format_report, prepare_import, vocabulary_value
from culturemap.layers import GRADES, HERITAGE_LEVELS
from tests.conftest import utm_to_lonlat
from tests.io.conftest import spot, write_csv


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三A", "3A"),
        ("四A级", "4A"),
        ("五A级景区", "5A"),
        ("一A", "1A"),
        ("二A级", "2A"),
        ("AAAA", "4A"),
        ("AAAAA级旅游景区", "5A"),
        ("4A级", "4A"),
        ("4a", "4A"),
        ("国家4A级旅游景区", "4A"),
        ("国家AAA级景区", "3A"),
        ("４Ａ级", "4A"),
        ("A级", "1A"),
        ("5A", "5A"),
        ("1A级", "1A"),
    ],
)
def test_grade_words_map_to_their_grade(text, value):
    assert vocabulary_value(text, GRADES) == value


@pytest.mark.parametrize(
    "text",
    ["非A级", "5A/4A", "原3A现4A", "4A、5A", "3A级（拟）", "AAAAAA", "6A", "A级旅游景区", "4", "四", "4AA", "AAAA4A", "六A级",
     "国家级"],
)  # fmt: skip
def test_ambiguous_or_negated_grades_are_not_guessed(text):
    assert vocabulary_value(text, GRADES) is None


def test_a_refused_grade_names_the_value_and_the_accepted_forms(tmp_path, testville):
    rows = [spot("甲", 506_000, 3_996_500, 等级="非A级"), spot("乙", 506_200, 3_996_500, 等级="5A/4A"),
            spot("丙", 506_400, 3_996_500, 等级="原3A现4A"), spot("丁", 506_600, 3_996_500, 等级="四A级")]  # fmt: skip
    report = prepare_import(write_csv(tmp_path / "grades.csv", rows), "scenic_spots", testville)
    assert list(report.rows["status"]) == ["rejected", "rejected", "rejected", "accepted"]
    assert report.rows_to_write()["grade"].tolist() == ["4A"]
    table = report.problem_table("en")
    assert list(zip(table["row"], table["field"], table["value"])) == [
        (2, "grade", "非A级"), (3, "grade", "5A/4A"), (4, "grade", "原3A现4A")]  # fmt: skip
    for message in table["message"]:
        assert "5A, 4A, 3A, 2A, 1A" in message and "AAAA" in message and "四A级" in message
    assert "field grade is '5A/4A'" in table["message"].iloc[1]
    zh = report.problem_table("zh")["message"].iloc[2]
    assert "原3A现4A" in zh and "四A级" in zh


@pytest.mark.parametrize(
    ("text", "value"),
    [("全国重点文物保护单位", "national"), ("省级", "provincial"), ("市级", "municipal"), ("县级", "county"),
     ("非省级", None), ("省级/市级", None), ("原县级现省级", None), ("省级、国家级", None)],
)  # fmt: skip
def test_heritage_levels_are_read_whole_or_refused(text, value):
    assert vocabulary_value(text, HERITAGE_LEVELS) == value


# --------------------------------------------------------------------------- grade fuzzer

_NUMERALS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# every grade expression a text may hold: a number or Chinese numeral with an A, or a run of A's
_EXPRESSION = re.compile(r"[0-9一二三四五六七八九十]+a+|a+", re.IGNORECASE)


def _grades_named(text: str) -> list[str]:
    return _EXPRESSION.findall(unicodedata.normalize("NFKC", text))


@settings(max_examples=3000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet="Aa12345690一二三四五六非原现国家级旅游景区/、 ()（）-·Ａ４xZ", max_size=14) | st.text(max_size=10)
)
def test_junk_never_maps_to_a_grade_unless_it_names_exactly_one(text):
    value = vocabulary_value(text, GRADES)
    if value is None:
        return
    named = _grades_named(text)
    assert len(named) == 1, (text, value)  # one grade expression, not two ("5A/4A", "原3A现4A")
    (expression,) = named
    number = expression.rstrip("aA")
    letters = len(expression) - len(number)
    assert not number or letters == 1, (text, value)  # "4AA" is not a grade
    assert value == f"{_NUMERALS.get(number) if number else letters}A", (text, value)
    assert not re.search(r"[非原现/、]", text), (text, value)  # a negation, a former grade, a choice


@settings(max_examples=500, deadline=None, database=None)
@given(st.sampled_from(["", "国家", " "]), st.sampled_from(sorted(_NUMERALS) + ["A" * n for n in range(1, 6)]),
       st.sampled_from(["", "级", "级景区", "级旅游景区", " 级"]))  # fmt: skip
def test_every_plain_way_of_writing_a_grade_is_read(prefix, number, suffix):
    if number.startswith("A"):
        text, grade = f"{prefix}{number}{suffix}", len(number)
        if grade == 1 and "景区" in suffix:
            return  # "A级景区" is the class of all graded spots, not grade 1A
    else:
        text, grade = f"{prefix}{number}A{suffix}", _NUMERALS[number]
    assert vocabulary_value(text, GRADES) == f"{grade}A"


# --------------------------------------------------------------------------- null, NaN and empty cells

NULL_TEXTS = {"nan", "none", "null", "<na>", "nat"}
COLUMNS = ("编号", "名称", "英文名", "等级", "区县", "地址")


def _null_text(value) -> bool:
    return isinstance(value, str) and value.strip().lower() in NULL_TEXTS


def _frame(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame([{k: r.get(k) for k in COLUMNS} for r in rows],
                            geometry=[shapely.Point(r["xy"]) for r in rows], crs="EPSG:4326")  # fmt: skip


def _kml(rows: list[dict]) -> str:
    marks = []
    for r in rows:
        name = "" if r.get("名称") is None or r["名称"] != r["名称"] else f"<name>{r['名称']}</name>"
        data = "".join(f'<Data name="{k}"><value>{"" if v is None or v != v else v}</value></Data>'
                       for k, v in r.items() if k not in ("名称", "xy"))  # fmt: skip
        marks.append(f"<Placemark>{name}<ExtendedData>{data}</ExtendedData>"
                     f"<Point><coordinates>{r['xy'][0]},{r['xy'][1]}</coordinates></Point></Placemark>")  # fmt: skip
    return f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>{"".join(marks)}</Folder></Document></kml>'


def write_nulls(path: Path, rows: list[dict]) -> Path:
    """``rows`` (None or NaN for a missing cell, ``xy`` the WGS-84 point) as the file ``path``'s suffix
    says, each missing cell written as that format writes one: an empty CSV cell or Excel cell, a JSON
    null, a null attribute (GeoPackage, Shapefile), an absent or empty KML element."""
    fmt = path.suffix.lstrip(".")
    if fmt == "csv":
        lines = [",".join(("经度", "纬度", *COLUMNS))]
        for r in rows:
            cells = ["" if r.get(k) is None or r.get(k) != r.get(k) else str(r[k]) for k in COLUMNS]
            lines.append(",".join((str(r["xy"][0]), str(r["xy"][1]), *cells)))
        path.write_text("\n".join(lines), encoding="utf-8")
    elif fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(["经度", "纬度", *COLUMNS])
        for r in rows:
            book.active.append([*r["xy"], *(None if r.get(k) != r.get(k) else r.get(k) for k in COLUMNS)])
        book.save(path)
    elif fmt == "geojson":
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": list(r["xy"])},
                     "properties": {k: None if r.get(k) != r.get(k) else r.get(k) for k in COLUMNS}} for r in rows]  # fmt: skip
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    elif fmt == "gpkg":
        _frame(rows).to_file(path, driver="GPKG", engine="pyogrio")
    elif fmt == "zip":
        folder = path.with_suffix("")
        folder.mkdir()
        _frame(rows).to_file(folder / "points.shp", engine="pyogrio", encoding="UTF-8")
        with zipfile.ZipFile(path, "w") as archive:
            for part in folder.iterdir():
                archive.write(part, part.name)
    elif fmt == "kml":
        path.write_text(_kml(rows), encoding="utf-8")
    elif fmt == "kmz":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("doc.kml", _kml(rows))
    return path


NULL_FORMATS = ("csv", "xlsx", "geojson", "gpkg", "zip", "kml", "kmz")


def _check_no_null_text(report, rows: list[dict]) -> None:
    """No cell reads "nan"/"None"; a row missing its name or grade is rejected."""
    assert not any(_null_text(v) for v in report.rows["name_zh"]), format_report(report)
    written = report.candidates
    for column in written.columns.drop("geometry"):
        assert not any(_null_text(v) for v in written[column]), (column, written[column].tolist())
    assert not any(_null_text(p["value"]) for probs in report.rows["problems"] for p in probs), format_report(report)
    for rec, row in zip(report.rows.itertuples(), rows):
        for column in ("名称", "等级"):
            value = row.get(column)
            if value is None or value != value or not str(value).strip():
                assert rec.status == "rejected", (rec.row, column, format_report(report))


@pytest.mark.parametrize("fmt", NULL_FORMATS)
def test_null_cells_are_missing_values_in_every_reader(fmt, tmp_path, testville):
    here = utm_to_lonlat(506_000, 3_996_500)
    rows = [
        {"编号": 7, "名称": "新塔", "英文名": None, "等级": "4A", "区县": "西区", "地址": None, "xy": here},
        {"编号": float("nan"), "名称": None, "英文名": None, "等级": None, "区县": None, "地址": float("nan"),
         "xy": utm_to_lonlat(506_500, 3_996_500)},
    ]  # fmt: skip
    report = prepare_import(write_nulls(tmp_path / f"nulls.{fmt}", rows), "scenic_spots", testville)
    assert list(report.rows["status"]) == ["accepted", "rejected"], format_report(report)
    first, second = report.rows.itertuples()
    assert first.id == "7" and pd.isna(report.rows_to_write()["name_en"].iloc[0])  # blank, never pinyin
    assert pd.isna(second.name_zh) and second.id.startswith("sc-")  # an id made up, not "sc-nan" nor "nan"
    missing = sorted(p["field"] for p in second.problems if p["code"] != "import_district_in")  # district: found
    assert missing == ["grade", "name_zh"], format_report(report)  # an English name may be blank
    assert "field grade is 'nan'" not in format_report(report)
    _check_no_null_text(report, rows)


_cell = st.one_of(
    st.none(), st.just(float("nan")), st.sampled_from(["", "  "]), st.sampled_from(["兰山", "4A", "西区"])
)


@pytest.mark.parametrize("fmt", NULL_FORMATS)
def test_fuzzed_nulls_never_become_text(fmt, tmp_path_factory, testville):
    folder = tmp_path_factory.mktemp(f"nulls-{fmt}")

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.fixed_dictionaries({"名称": _cell, "英文名": _cell, "等级": _cell, "区县": _cell, "地址": _cell}),
                    min_size=1, max_size=4))  # fmt: skip
    def check(cells):
        rows = [{**c, "编号": None, "xy": utm_to_lonlat(506_000 + 300 * i, 3_996_500)} for i, c in enumerate(cells)]
        if fmt == "xlsx":  # a workbook has no NaN: an empty cell
            rows = [{k: None if v != v else v for k, v in r.items()} for r in rows]
        path = write_nulls(folder / f"fuzz{len(list(folder.iterdir()))}.{fmt}", rows)
        _check_no_null_text(prepare_import(path, "scenic_spots", testville), rows)

    check()


# --------------------------------------------------------------------------- over-long text, generated ids


def test_an_over_long_text_is_stored_cut_as_the_report_says(tmp_path, testville):
    name, address = "长" * 250, "路" * 2500
    report = prepare_import(write_csv(tmp_path / "long.csv", [spot(name, 506_000, 3_996_500, 地址=address)]),
                            "scenic_spots", testville)  # fmt: skip
    text = format_report(report, "en")
    assert "field name_zh is 250 characters long; cut to the 200-character limit" in text
    assert "field address is 2500 characters long; cut to the 2000-character limit" in text
    stored = report.rows_to_write()
    assert stored["name_zh"].iloc[0] == "长" * 199 + "…" and len(stored["address"].iloc[0]) == 2000
    assert report.rows["name_zh"].iloc[0] == stored["name_zh"].iloc[0]


def test_generated_ids_have_64_bits_and_are_stable(tmp_path, testville):
    path = write_csv(tmp_path / "ids.csv", [spot("新塔", 506_000, 3_996_500), spot("月湖", 507_000, 3_992_000)])
    first = prepare_import(path, "scenic_spots", testville).rows["id"].tolist()
    assert all(re.fullmatch(r"sc-[0-9a-f]{16}", i) for i in first), first
    assert prepare_import(path, "scenic_spots", testville).rows["id"].tolist() == first
