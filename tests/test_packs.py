"""Every city pack under geodata/ (issue 15): a new city is checked by adding its folder alone.

Each pack must validate clean, keep a source and a coordinate accuracy on every row, store WGS-84
inside its bounding box, compute in the UTM zone of its centre, name its river in ``city.toml``,
ship the GeoJSON its curated tables build, and pass its own datum check (``[datum_check]`` in
``city.toml``: a landmark whose position a second source gives).
"""

import shutil
import tomllib

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod

from culturemap.catalog import absolute_path_in, find_packs, load_city
from culturemap.io.tables import build_pack_layers
from culturemap.layers import ASSET_LAYERS, LAYERS
from tests.conftest import REPO

PACKS = find_packs(REPO / "geodata")
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module", params=PACKS, ids=[p.name for p in PACKS])
def city(request):
    return load_city(request.param)


def toml(city) -> dict:
    with (city.path / "city.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_both_bundled_cities_are_found():
    assert {"lanzhou", "qiqihar"} <= {p.name for p in PACKS}


def test_validates_without_errors(city):
    assert [p.message("en") for p in city.errors] == []


def test_every_row_has_a_source_and_a_coordinate_accuracy(city):
    for lid, frame in city.layers.items():
        if not len(frame):
            continue
        sources = frame["source"].astype(object)
        assert sources.map(lambda s: isinstance(s, str) and bool(s.strip())).all(), lid
        assert [s for s in sources if absolute_path_in(s)] == [], lid
        if LAYERS[lid].assets:
            placed_by = ["surveyed", "address", "encyclopedia", "geocoded", "approx"]
            assert frame["coord_accuracy"].isin(placed_by).all(), lid
            approx = frame["coord_accuracy"] == "approx"  # an approximate position says what placed it
            assert frame.loc[approx, "note"].map(lambda n: isinstance(n, str) and len(n) > 20).all(), lid


def test_everything_is_wgs84_inside_the_bounding_box(city):
    west, south, east, north = city.config.bbox
    for lid, frame in city.layers.items():
        assert CRS(frame.crs) == CRS("EPSG:4326"), lid
        if not len(frame):
            continue
        minx, miny, maxx, maxy = frame.total_bounds
        slack = 0.1 if lid == "river" else 0.01  # the river runs a few km past the boundary
        assert west - slack <= minx and maxx <= east + slack and south - slack <= miny and maxy <= north + slack, lid
    districts = city.layers["districts"].total_bounds  # the box is the municipality's, not a loose one
    assert np.abs(districts - np.array(city.config.bbox)).max() < 0.05


def test_distances_are_computed_in_the_utm_zone_of_the_centre(city):
    zone = int((city.config.center_lon + 180) // 6) + 1
    assert CRS(city.config.metric_crs) == CRS(f"EPSG:{32600 + zone if city.config.center_lat >= 0 else 32700 + zone}")


def test_the_river_is_the_one_city_toml_names(city):
    river = city.layers["river"]
    assert len(river) >= 1
    assert set(river["name_zh"]) == {city.config.river_name_zh}
    assert set(river["name_en"]) == {city.config.river_name_en}
    assert city.config.theme_label("river", "zh") == city.config.river_name_zh


def test_shipped_geojson_is_what_the_curated_tables_build(city, tmp_path):
    copy = shutil.copytree(city.path, tmp_path / city.path.name)
    written = build_pack_layers(copy)
    assert written, "the pack has curated tables"
    for lid in written:
        built = gpd.read_file(copy / LAYERS[lid].file)
        shipped = city.layers[lid]
        assert len(built) == len(shipped) == written[lid], lid
        if len(built):
            assert built["id"].tolist() == shipped["id"].tolist(), lid
            gaps = shapely.distance(built.geometry.to_numpy(), shipped.geometry.to_numpy())
            assert gaps.max() < 1e-6, lid


def test_the_datum_check_landmark_is_where_a_second_source_puts_it(city):
    """The landmark's converted point lies within the stated tolerance of the second source's
    WGS-84 position; its raw point (as given, before conversion) does not: the check would fail if
    the conversion were skipped (or done twice)."""
    check = toml(city)["datum_check"]
    assets = city.assets()
    (point,) = assets.loc[assets["id"] == check["asset"], "geometry"]
    distance_m = GEOD.inv(point.x, point.y, check["lon"], check["lat"])[2]
    assert distance_m < check["tolerance_m"], f"{check['asset']} is {distance_m:.0f} m from the check position"
    layer = next(lid for lid in ASSET_LAYERS if check["asset"] in set(city.layers[lid]["id"]))
    raw = gpd.pd.read_csv(city.path / "curated" / f"{layer}.csv").set_index("id").loc[check["asset"]]
    assert raw["datum"] != "wgs84", "the landmark tests a conversion"
    raw_m = GEOD.inv(raw["lon"], raw["lat"], check["lon"], check["lat"])[2]
    assert raw_m > 2 * check["tolerance_m"], f"raw point only {raw_m:.0f} m away: the check cannot tell"
    assert check["source"].strip() and not absolute_path_in(check["source"])


def test_routes_are_labelled_suggested_unless_an_official_source_is_cited(city):
    assert city.routes, "every pack suggests at least one route"
    for route in city.routes:
        assert route.official or "curator" in route.source, route.id


def test_residents_are_given_with_a_date_and_a_source(city):
    """The per-10,000-residents figures need the population: a whole number, dated, sourced."""
    population = toml(city)["population"]
    assert isinstance(population["residents"], int) and 100_000 < population["residents"] < 50_000_000
    assert len(population["as_of"]) == 10 and population["source"].strip()
    assert not absolute_path_in(population["source"])
