import geopandas as gpd
import numpy as np
import pytest
import shapely

from culturemap.analysis.proximity import DEFAULT_WEIGHTS, campus_proximity, soft_power_index
from culturemap.catalog import load_city
from tests.conftest import LANZHOU

CRS = "EPSG:32648"


def points(rows: list[dict], xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=shapely.points(xy), crs=CRS).to_crs("EPSG:4326")


def test_counts_within_radius_and_nearest_of_each_layer():
    campuses = points([{"id": "un-a", "name_zh": "甲大学", "campus": "主校区"}], [(500_000, 4_000_000)])
    heritage = points(
        [{"id": "hu-1", "name_zh": "近"}, {"id": "hu-2", "name_zh": "中"}, {"id": "hu-3", "name_zh": "远"}],
        [(500_300, 4_000_400), (501_500, 4_000_000), (505_000, 4_000_000)],
    )
    out = campus_proximity(campuses, {"heritage_units": heritage, "museums": heritage.iloc[:0]}, CRS, radius_km=2)
    row = out.iloc[0]
    assert row["n_heritage_units"] == 2
    assert (row["nearest_heritage_units_id"], row["nearest_heritage_units_name"]) == ("hu-1", "近")
    assert row["nearest_heritage_units_m"] == pytest.approx(500, abs=0.5)
    assert row["n_museums"] == 0 and np.isnan(row["nearest_museums_m"])


def three_districts() -> gpd.GeoDataFrame:
    boxes = [shapely.box(500_000 + i * 10_000, 4_000_000, 510_000 + i * 10_000, 4_010_000) for i in range(3)]
    return gpd.GeoDataFrame(
        {"name_zh": ["甲", "乙", "丙"], "name_en": ["A", "B", "C"]}, geometry=boxes, crs=CRS
    ).to_crs("EPSG:4326")


def layers_for_ranking() -> dict[str, gpd.GeoDataFrame]:
    # 甲: 3 national heritage units; 乙: 1 national unit and 4 museums; 丙: nothing
    heritage = points(
        [{"level": "national"}] * 4,
        [(501_000, 4_001_000), (502_000, 4_001_000), (503_000, 4_001_000), (511_000, 4_001_000)],
    )
    museums = points([{"kind": "art"}] * 4, [(512_000, 4_002_000 + i * 100) for i in range(4)])
    return {"heritage_units": heritage, "museums": museums}


def test_index_by_hand_and_weights_change_the_ranking_as_documented():
    districts = three_districts()
    out = soft_power_index(districts, layers_for_ranking(), CRS).set_index("name_en")
    # heritage (national = 4) per 100 km2: A 12, B 4, C 0 -> norm 1, 1/3, 0; museums: A 0, B 4, C 0 -> norm 0, 1, 0
    assert out.loc[["A", "B", "C"], "heritage_per_100km2"].tolist() == pytest.approx([12, 4, 0])
    total = sum(DEFAULT_WEIGHTS.values())
    expected_a = 100 * DEFAULT_WEIGHTS["heritage"] * 1.0 / total
    expected_b = 100 * (DEFAULT_WEIGHTS["heritage"] / 3 + DEFAULT_WEIGHTS["museums"] * 1.0) / total
    assert out.loc["A", "index"] == pytest.approx(expected_a)
    assert out.loc["B", "index"] == pytest.approx(expected_b)
    assert out.loc["C", "index"] == 0 and out.loc["C", "rank"] == 3
    assert (out.loc["A", "rank"], out.loc["B", "rank"]) == (1, 2)
    # weighting museums above heritage puts B first
    museum_heavy = soft_power_index(districts, layers_for_ranking(), CRS, {"heritage": 0.2, "museums": 0.8})
    assert museum_heavy["name_en"].tolist()[:2] == ["B", "A"]


def test_bad_weights_are_named():
    with pytest.raises(ValueError, match="unknown index component"):
        soft_power_index(three_districts(), {}, CRS, {"pubs": 1.0})
    with pytest.raises(ValueError, match="not all zero"):
        soft_power_index(three_districts(), {}, CRS, {"heritage": 0.0})


def test_lanzhou_campuses_and_index():
    city = load_city(LANZHOU)
    crs = city.config.metric_crs
    targets = {lid: city.layers[lid] for lid in ("heritage_units", "scenic_spots", "museums")}
    out = campus_proximity(city.layers["universities"], targets, crs, radius_km=3)
    assert len(out) == len(city.layers["universities"])
    assert (out["nearest_heritage_units_m"] > 0).all()
    index = soft_power_index(city.layers["districts"], city.layers, crs)
    assert len(index) == 8 and index["rank"].min() == 1
    # the old city centre, where most heritage units, museums and campuses are, comes first
    assert index.iloc[0]["name_zh"] == "城关区"
