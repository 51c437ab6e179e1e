import geopandas as gpd
import pytest
import shapely

from culturemap.analysis.districts import district_summary

CRS = "EPSG:32648"


def test_counts_density_and_weighted_score_by_location():
    districts = gpd.GeoDataFrame(
        {"code": ["1", "2"], "name_zh": ["西区", "东区"], "name_en": ["West", "East"]},
        geometry=[
            shapely.box(500_000, 4_000_000, 510_000, 4_010_000),
            shapely.box(510_000, 4_000_000, 530_000, 4_010_000),
        ],
        crs=CRS,
    ).to_crs("EPSG:4326")
    assets = gpd.GeoDataFrame(
        {
            "name_zh": ["甲", "乙", "丙", "丁", "戊"],  # assets have names too: no clash with the districts'
            "layer": ["scenic_spots", "scenic_spots", "heritage_units", "museums", "museums"],
            "grade": ["5A", "2A", None, None, None],
            "level": [None, None, "national", None, None],
            # the last museum claims 西区 but lies in 东区: location wins
            "district": ["西区", "西区", "东区", "东区", "西区"],
        },
        geometry=shapely.points(
            [
                (501_000, 4_001_000),
                (502_000, 4_001_000),
                (515_000, 4_005_000),
                (520_000, 4_005_000),
                (525_000, 4_005_000),
            ]
        ),
        crs=CRS,
    ).to_crs("EPSG:4326")
    out = district_summary(districts, assets, CRS).set_index("name_en")
    assert out["area_km2"].tolist() == pytest.approx([100.0, 200.0], rel=1e-6)
    assert out.loc["West", ["scenic_spots", "heritage_units", "museums", "total"]].tolist() == [2, 0, 0, 2]
    assert out.loc["East", ["scenic_spots", "heritage_units", "museums", "total"]].tolist() == [0, 1, 2, 3]
    assert out.loc["West", "per_100km2"] == pytest.approx(2.0) and out.loc["East", "per_100km2"] == pytest.approx(1.5)
    assert out.loc["West", "score"] == 7.0 and out.loc["East", "score"] == 6.0  # 5A + 2A; national (4) + 2 museums
    assert out.loc["East", "score_per_100km2"] == pytest.approx(3.0)
