"""The bundled Lanzhou pack: validates clean, and its geography checks out against known facts."""

import csv
import json

import geopandas as gpd
import pytest

from culturemap.analysis.corridor import distance_to_river_m, river_side
from culturemap.catalog import absolute_path_in, load_city
from culturemap.cli import main
from culturemap.io.tables import read_point_table
from culturemap.layers import LAYERS
from culturemap.validate import build_report
from tests.conftest import LANZHOU


@pytest.fixture(scope="module")
def city():
    return load_city(LANZHOU)


def feature(city, fid: str) -> gpd.GeoDataFrame:
    assets = city.assets()
    row = assets[assets["id"] == fid]
    assert len(row) == 1, f"{fid} not in the pack"
    return row


def test_validates_without_errors(city):
    assert [p.message("en") for p in city.errors] == []


def test_the_eight_county_level_divisions(city):
    districts = city.layers["districts"]
    assert sorted(districts["code"]) == ["620102", "620103", "620104", "620105", "620111", "620121", "620122", "620123"]
    assert set(districts["name_en"]) == {
        "Chengguan",
        "Qilihe",
        "Xigu",
        "Anning",
        "Honggu",
        "Yongdeng",
        "Gaolan",
        "Yuzhong",
    }
    # official area of the municipality: 13,140 km2
    area_km2 = districts.to_crs(city.config.metric_crs).area.sum() / 1e6
    assert area_km2 == pytest.approx(13_140, rel=0.01)


def test_river_runs_west_to_east_through_the_municipality(city):
    river = city.layers["river"].to_crs(city.config.metric_crs)
    assert 150 < river.length.sum() / 1000 < 175
    districts = city.layers["districts"].to_crs(city.config.metric_crs)
    crossed = {n for n, g in zip(districts["name_zh"], districts.geometry) if river.geometry.iloc[0].intersects(g)}
    assert {"西固区", "安宁区", "七里河区", "城关区", "皋兰县", "榆中县"} <= crossed
    start, end = river.geometry.iloc[0].geoms[0].coords[0], river.geometry.iloc[0].geoms[-1].coords[-1]
    assert start[0] < end[0]  # digitised downstream (west -> east), so "left bank" is the north bank


def test_riverside_landmarks_are_on_their_bank(city):
    river = city.layers["river"]
    crs = city.config.metric_crs
    # White Pagoda Mountain is on the north bank, the Yellow River Mother statue and the waterwheels on the south
    checks = {
        "sc-baitashan": "left",
        "sc-jinchengguan": "left",
        "sc-hekou-ancient-town": "left",
        "at-yellow-river-mother": "right",
        "at-waterwheel-garden": "right",
    }
    for fid, side in checks.items():
        row = feature(city, fid)
        assert river_side(row, river, crs)[0] == side, fid
        assert distance_to_river_m(row, river, crs)[0] < 1_000, fid


def test_zhongshan_bridge_is_on_the_river(city):
    row = feature(city, "hu-zhongshan-bridge")
    assert distance_to_river_m(row, city.layers["river"], city.config.metric_crs)[0] < 200


def test_geojson_is_built_from_the_curated_tables(city):
    """The committed layer files are what `culturemap build` makes of curated/*.csv."""
    for lid in ("scenic_spots", "heritage_units", "museums", "night_tour_zones", "universities", "attractions"):
        table = LANZHOU / "curated" / f"{lid}.csv"
        built = read_point_table(table, lid)
        shipped = city.layers[lid]
        assert built["id"].tolist() == shipped["id"].tolist(), lid
        gaps = built.to_crs(city.config.metric_crs).distance(shipped.to_crs(city.config.metric_crs), align=False)
        assert gaps.max() < 0.5, lid


def test_universities_from_baidu_coordinates_are_converted(city):
    """Rows given in BD-09 are stored as WGS-84: ~700-1000 m south-west of the raw Baidu value."""
    from pyproj import Geod

    table = read_point_table(LANZHOU / "curated" / "universities.csv", "universities")
    raw = gpd.pd.read_csv(LANZHOU / "curated" / "universities.csv")
    bd = raw["datum"] == "bd09"
    assert bd.sum() >= 10
    geod = Geod(ellps="WGS84")
    shifts = geod.inv(raw.loc[bd, "lon"], raw.loc[bd, "lat"], table.geometry.x[bd], table.geometry.y[bd])[2]
    assert ((shifts > 500) & (shifts < 1_300)).all()


def test_every_row_has_source_and_accuracy_and_the_report_counts_the_flagged(city):
    report = build_report(city)
    for lid, spec in LAYERS.items():
        if spec.assets and len(city.layers[lid]):
            assert city.layers[lid]["source"].notna().all() and city.layers[lid]["coord_accuracy"].notna().all()
    approx = sum(int((city.layers[lid]["coord_accuracy"] == "approx").sum()) for lid in LAYERS if LAYERS[lid].assets)
    assert report["flagged_rows"] == approx > 0


def test_published_national_figures_are_met(city):
    coverage = {c["id"]: c for c in build_report(city)["coverage"]}
    assert coverage["national_heritage_units"]["actual"] == 10
    assert coverage["national_night_tour_zones"]["actual"] == 2


def curated_rows(layer: str) -> list[dict]:
    with (LANZHOU / "curated" / f"{layer}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_validate_reports_each_figure_and_gap_as_counted_from_the_curated_tables(city, capsys):
    """`culturemap validate --json` counts what curated/*.csv holds: rows passing each figure's filter and
    graded by the figure's date (the pack has no grade history in Lanzhou: a row graded after it is out)."""
    assert main(["validate", str(LANZHOU), "--json"]) == 0
    reported = {c["id"]: c for c in json.loads(capsys.readouterr().out)["coverage"]}
    assert list(reported) == [figure.id for figure in city.config.published]
    for figure in city.config.published:
        rows = [r for r in curated_rows(figure.layer) if all(r[k] in v for k, v in figure.filter.items())]
        late = [r for r in rows if figure.as_of and r.get("grade_since", "")[:7] > figure.as_of[:7]]
        rows = [r for r in rows if r not in late]
        assert sorted(g["id"] for g in reported[figure.id]["graded_after"]) == sorted(r["id"] for r in late)
        actual = len({r[figure.distinct] for r in rows}) if figure.distinct else len(rows)
        approx = sum(r["coord_accuracy"] not in ("surveyed", "address", "encyclopedia", "geocoded") for r in rows)
        item = reported[figure.id]
        assert (item["published"], item["actual"], item["gap"]) == (figure.count, actual, figure.count - actual), (
            figure.id
        )
        assert (item["rows"], item["approx_rows"]) == (len(rows), approx), figure.id
        assert [m["name_zh"] for m in item["missing"]] == [m.name_zh for m in figure.missing], figure.id
        # a name listed as missing is not in the figure's layer
        assert not {m.name_zh for m in figure.missing} & {r["name_zh"] for r in curated_rows(figure.layer)}, figure.id


def test_a_proposed_grade_is_not_counted_and_dated_grades_keep_their_date(city):
    scenic = city.layers["scenic_spots"].set_index("id")
    # 石佛沟 was only proposed for 4A (2020-12): not an A-class spot until a page confirms it
    assert "石佛沟" not in "".join(scenic["name_zh"]) and feature(city, "at-shifogou")["name_zh"].iloc[0]
    missing_4a = next(f for f in city.config.published if f.id == "scenic_spots_4a").missing
    assert [(m.name_zh, m.reason) for m in missing_4a] == [("石佛沟景区", "grade_unconfirmed")]
    assert scenic.loc["sc-jinchengguan", "grade_since"] == "2023-12-20"
    assert scenic.loc["sc-baitashan", ["grade", "grade_since"]].tolist() == ["3A", "2021-02"]
    night = city.layers["night_tour_zones"].set_index("id")
    assert night[["name_zh", "batch", "grade_since"]].to_dict("index") == {
        "nt-lanzhou-old-street": {"name_zh": "兰州老街", "batch": "第一批", "grade_since": "2021-11-05"},
        "nt-lanzhou-creative-culture-park": {
            "name_zh": "兰州创意文化产业园商业区",
            "batch": "第二批",
            "grade_since": "2022-08",
        },
    }


def all_sources(city) -> list[tuple[str, str]]:
    """(where, source) for every source text of the pack: curated rows, layer files, city.toml, routes.toml."""
    out = []
    for table in sorted((LANZHOU / "curated").glob("*.csv")):
        out += [(f"{table.name} {r['id']}", r["source"]) for r in curated_rows(table.stem)]
    for lid, frame in city.layers.items():
        out += [(f"{lid} row {i}", s) for i, s in enumerate(frame["source"], start=1)]
    for figure in city.config.published:
        out += [(f"city.toml {figure.id}", figure.source)]
        out += [(f"city.toml {figure.id} missing {m.name_zh}", m.source) for m in figure.missing]
    out += [(f"routes.toml {r.id}", r.source) for r in city.routes]
    return out


def test_every_source_is_non_empty_and_holds_no_absolute_path(city):
    sources = all_sources(city)
    assert len(sources) > sum(len(f) for f in city.layers.values())  # the curated tables and the layer files
    assert [where for where, source in sources if not isinstance(source, str) or not source.strip()] == []
    assert [(where, absolute_path_in(source)) for where, source in sources if absolute_path_in(source)] == []
    # reference files are cited relative to the pack
    assert all("../shared/reference/" in s for _, s in sources if "reference/" in s)


def test_routes_reference_real_stops(city):
    route = next(r for r in city.routes if r.id == "yellow-river-custom-line")
    assert {"hu-zhongshan-bridge", "at-yellow-river-mother", "at-waterwheel-garden"} <= set(route.stops)
    assert not route.official
