"""The university lens on hand-built packs with known answers: ring membership, ranking ties,
densities on a known area, the population and the heritage clusters."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from culturemap.analysis.lens import CARD_LAYERS, campus_reach, city_card, ring_counts
from culturemap.catalog import PackError, load_city
from tests.conftest import base_props, feature, format_city_toml, point, square, write_pack

CAMPUS = "un-tu-north"
CX, CY = 502_000, 3_998_000  # the campus, in the fixture's UTM 48N metres


def heritage(fid: str, x: float, y: float, level: str = "provincial") -> dict:
    return feature(base_props(fid, fid, "西区", level=level, category="ancient_architecture"), point(x, y))


def museum(fid: str, x: float, y: float) -> dict:
    return feature(base_props(fid, fid, "西区", kind="history"), point(x, y))


def scenic(fid: str, x: float, y: float, grade: str) -> dict:
    return feature(base_props(fid, fid, "西区", grade=grade), point(x, y))


@pytest.fixture
def ring_city(make_pack):
    """Heritage units 999 m, 1001 m, 2999 m, 9999 m and 10001 m east of the campus, and a night-tour
    zone drawn as a polygon around it."""

    def modify(layers):
        layers["heritage_units"] = [
            heritage("hu-999", CX + 999, CY),
            heritage("hu-1001", CX + 1001, CY),
            heritage("hu-2999", CX, CY - 2999),
            heritage("hu-9999", CX + 9999, CY - 1),
            heritage("hu-10001", CX + 10_001, CY),
        ]
        layers["scenic_spots"] = []
        layers["museums"] = []
        zone = base_props("nt-campus-street", "校园街", "西区", level="municipal")
        layers["night_tour_zones"] = [
            feature(zone, {"type": "Polygon", "coordinates": [square(CX - 500, CY - 500, 1000)]})
        ]

    return load_city(make_pack(modify))


def test_ring_membership_at_999_and_1001_m(ring_city):
    reach = campus_reach(ring_city, CAMPUS)
    ring = dict(zip(reach["id"], reach["ring_m"]))
    assert ring == {"nt-campus-street": 1000, "hu-999": 1000, "hu-1001": 3000, "hu-2999": 3000, "hu-9999": 10_000}
    distance = dict(zip(reach["id"], reach["distance_m"]))
    assert distance["hu-999"] == pytest.approx(999, abs=0.05)
    assert distance["hu-1001"] == pytest.approx(1001, abs=0.05)
    assert distance["nt-campus-street"] == 0  # the campus lies inside the zone
    assert reach["id"].tolist() == ["nt-campus-street", "hu-999", "hu-1001", "hu-2999", "hu-9999"]
    assert reach["rank"].tolist() == [1, 2, 3, 4, 5]


def test_ring_counts_are_cumulative(ring_city):
    counts = ring_counts(campus_reach(ring_city, CAMPUS))
    assert counts.loc["heritage_units"].tolist() == [1, 3, 4]
    assert counts.loc["night_tour_zones"].tolist() == [1, 1, 1]
    assert counts.loc["museums"].tolist() == [0, 0, 0]


def test_custom_rings_and_bad_rings(ring_city):
    reach = campus_reach(ring_city, CAMPUS, rings_m=(1000.5, 2000))
    assert dict(zip(reach["id"], reach["ring_m"])) == {"nt-campus-street": 1000.5, "hu-999": 1000.5, "hu-1001": 2000}
    for bad in ((3000, 1000), (0, 1000), ()):
        with pytest.raises(ValueError, match="increasing positive"):
            campus_reach(ring_city, CAMPUS, rings_m=bad)


def test_an_unknown_campus_names_the_packs_campuses(ring_city):
    with pytest.raises(ValueError, match="un-nowhere.*un-tu-north, un-tu-south"):
        campus_reach(ring_city, "un-nowhere")


def test_ties_rank_by_grade_then_layer_then_id(make_pack):
    """Five assets 2 km from the campus (to within half a metre) and one nearer: equal distances
    rank the higher grade first; equal grades (a 4A spot and a national unit weigh 4 each) go by
    the layer registry's order (scenic spots first), then by id."""

    def modify(layers):
        layers["heritage_units"] = [
            heritage("hu-national", CX, CY + 2000.3, level="national"),
            heritage("hu-county", CX - 2000, CY, level="county"),
        ]
        layers["scenic_spots"] = [scenic("sc-4a", CX, CY - 1999.8, "4A"), scenic("sc-near", CX + 10, CY, "1A")]
        layers["museums"] = [museum("mu-b", CX + 2000, CY), museum("mu-a", CX + 1414.2136, CY + 1414.2136)]

    reach = campus_reach(load_city(make_pack(modify)), CAMPUS)
    assert reach["id"].tolist() == ["sc-near", "sc-4a", "hu-national", "hu-county", "mu-a", "mu-b"]
    assert reach["weight"].tolist() == [1, 4, 4, 1, 1, 1]
    assert reach["grade"].tolist() == ["1A", "4A", "national", "county", "history", "history"]


def test_a_campus_with_nothing_in_reach(make_pack):
    def modify(layers):
        for lid in ("heritage_units", "scenic_spots", "museums"):
            layers[lid] = []

    reach = campus_reach(load_city(make_pack(modify)), CAMPUS)
    assert reach.empty and "ring_m" in reach.columns
    assert ring_counts(reach).to_numpy().sum() == 0


def test_card_densities_on_a_known_area(pack):
    """The fixture's districts are two 10 km squares in UTM 48N: their true (geodesic) area is the
    equal-area CRS's to 0.01 %, a little over 200 km2 (UTM shrinks lengths by 0.9996 here)."""
    city = load_city(pack)
    card = city_card(city)
    geodesic_km2 = (
        sum(abs(Geod(ellps="WGS84").geometry_area_perimeter(g)[0]) for g in city.layers["districts"].geometry) / 1e6
    )
    assert card.area_km2 == pytest.approx(geodesic_km2, rel=1e-4)
    assert card.area_km2 == pytest.approx(200, rel=2e-3)
    assert list(card.indicators.index) == list(CARD_LAYERS)
    # 2 scenic spots, 1 heritage unit, 1 museum, 0 night-tour zones, 1 university with two campuses
    assert card.indicators["count"].tolist() == [1, 2, 1, 0, 1]
    np.testing.assert_allclose(card.indicators["per_100km2"], np.array([1, 2, 1, 0, 1]) / card.area_km2 * 100)


def test_missing_population_gives_no_per_resident_figures(pack):
    card = city_card(load_city(pack))
    assert card.population is None
    assert card.indicators["per_10k_residents"].isna().all()


POPULATION = '\n[population]\nresidents = 250000\nas_of = "2020-11-01"\nsource = "test census"\nnote = "census"\n'


def test_population_from_city_toml_gives_per_10k_residents(tmp_path):
    city = load_city(write_pack(tmp_path / "testville", city_toml=format_city_toml() + POPULATION))
    card = city_card(city)
    assert (card.population.residents, card.population.as_of, card.population.source) == (
        250_000,
        "2020-11-01",
        "test census",
    )
    assert card.indicators.loc["scenic_spots", "per_10k_residents"] == pytest.approx(2 / 25)
    assert card.indicators.loc["universities", "per_10k_residents"] == pytest.approx(1 / 25)


@pytest.mark.parametrize(
    "table, message",
    [('residents = 0\nas_of = "2020"\nsource = "x"', "population.residents"),
     ('residents = 5\nas_of = "2020"', "population.source"),
     ('residents = 5\nas_of = "2020-13"\nsource = "x"', "population.as_of")],
)  # fmt: skip
def test_a_bad_population_names_its_key(tmp_path, table, message):
    with pytest.raises(PackError, match=message):
        load_city(write_pack(tmp_path / "testville", city_toml=format_city_toml() + f"\n[population]\n{table}\n"))


def test_heritage_clusters_and_their_nearest_campus(make_pack):
    """Thirty heritage units within 600 m of one spot and three scattered far away: one cluster
    around the spot, nearer the north campus (4.1 km from the spot) than the south one (15 km)."""

    def modify(layers):
        rng = np.random.default_rng(1)
        xy = rng.uniform(-600, 600, size=(30, 2)) + (503_000, 3_994_000)
        layers["heritage_units"] = [heritage(f"hu-c{i}", x, y) for i, (x, y) in enumerate(xy)]
        layers["heritage_units"][7] = heritage("hu-c7", *xy[7], level="national")
        layers["heritage_units"] += [heritage("hu-far1", 519_000, 3_999_000), heritage("hu-far2", 511_000, 3_991_000),
                                     heritage("hu-far3", 516_000, 3_996_500)]  # fmt: skip

    card = city_card(load_city(make_pack(modify)))
    assert len(card.clusters) == 1
    cluster = card.clusters.iloc[0]
    assert cluster["n_units"] == 30 and cluster["label_zh"] == "hu-c7"  # led by its national unit
    assert cluster["nearest_campus_id"] == "un-tu-north"
    centre = gpd.GeoSeries([shapely.Point(503_000, 3_994_000)], crs="EPSG:32648").to_crs("EPSG:4326").iloc[0]
    assert cluster.geometry.contains(centre)
    assert (
        0 < cluster["nearest_campus_km"] < np.hypot(CX - 503_000, CY - 3_994_000) / 1000
    )  # to its edge, not its centre
    per_campus = card.campus_clusters.set_index("id")
    assert per_campus.loc["un-tu-north", "distance_km"] == pytest.approx(cluster["nearest_campus_km"])
    assert per_campus.loc["un-tu-south", "cluster"] == 1 and per_campus.loc["un-tu-south", "distance_km"] > 10


def test_no_clusters_in_a_sparse_pack(pack):
    card = city_card(load_city(pack))
    assert card.clusters.empty
    assert card.campus_clusters["cluster"].isna().all() and len(card.campus_clusters) == 2
