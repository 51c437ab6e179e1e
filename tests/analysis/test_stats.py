import geopandas as gpd
import numpy as np
import pytest
import shapely

from culturemap.analysis.stats import clark_evans, coverage_gaps, hotspots, interpret, ripley_l

CRS = "EPSG:32648"


def lattice(n_side: int, step_m: float) -> np.ndarray:
    g = np.arange(n_side) * step_m
    return np.array([(x, y) for x in g for y in g], dtype=float)


def test_nni_above_one_on_a_lattice_below_one_on_a_cluster_and_near_one_at_random():
    regular = clark_evans(lattice(20, 500), area_m2=(20 * 500) ** 2)
    assert regular["nni"] > 1.8 and regular["pattern"] == "dispersed" and regular["p_value"] < 0.001
    rng = np.random.default_rng(0)
    cluster = rng.normal(5_000, 100, size=(200, 2))
    tight = clark_evans(cluster, area_m2=10_000**2)
    assert tight["nni"] < 0.2 and tight["pattern"] == "clustered"
    scatter = clark_evans(rng.uniform(0, 10_000, size=(400, 2)), area_m2=10_000**2)
    assert 0.85 < scatter["nni"] < 1.15
    assert regular["expected_mean_m"] == pytest.approx(0.5 / np.sqrt(400 / (10_000**2)))
    with pytest.raises(ValueError, match="at least 2 points"):
        clark_evans(np.zeros((1, 2)), 1.0)


def test_ripley_l_sees_clustering_outside_the_envelope():
    rng = np.random.default_rng(1)
    centres = rng.uniform(0, 10_000, size=(8, 2))
    clustered = np.vstack([c + rng.normal(0, 150, size=(25, 2)) for c in centres])
    table = ripley_l(clustered, support_m=10, n_simulations=39, seed=2)
    assert len(table) == 10
    assert (table["pattern"] == "clustered").any()
    assert (table["l_observed"] >= table["envelope_low"]).all()


def test_gi_star_finds_a_planted_hot_spot():
    cells = gpd.GeoDataFrame(
        {"count": [1] * 144}, geometry=[shapely.box(i, j, i + 1, j + 1) for i in range(12) for j in range(12)], crs=CRS
    )
    hot = [i * 12 + j for i in (5, 6) for j in (5, 6)]
    cells.loc[hot, "count"] = 20
    out = hotspots(cells, permutations=199, seed=3)
    assert set(out.index[out["spot"] == "hot"]) >= set(hot)
    assert out.loc[0, "spot"] != "hot"  # a far corner
    assert (out.loc[hot, "gi_z"] > 1.96).all()


def test_coverage_gaps_distance_to_the_nearest_asset():
    areas = gpd.GeoDataFrame(
        {"name_zh": ["近", "远"]},
        geometry=[shapely.box(0, 0, 2_000, 2_000), shapely.box(20_000, 0, 22_000, 2_000)],
        crs=CRS,
    ).to_crs("EPSG:4326")
    assets = gpd.GeoDataFrame(geometry=[shapely.Point(1_000, 4_000)], crs=CRS).to_crs("EPSG:4326")
    out = coverage_gaps(areas, assets, CRS, min_distance_km=5)
    assert out["nearest_asset_km"].tolist() == pytest.approx([3.0, np.hypot(20, 3)], abs=0.01)
    assert out["gap"].tolist() == [False, True]


def test_interpretation_sentences_carry_the_numbers():
    result = clark_evans(lattice(10, 100), area_m2=1_000**2)
    assert f"NNI = {result['nni']:.2f}" in interpret(result, "clark_evans", "en")
    assert "最近邻指数" in interpret(result, "clark_evans", "zh") and "更均匀" in interpret(result, "clark_evans", "zh")
    with pytest.raises(ValueError, match="unknown result kind"):
        interpret(result, "moran")


def test_fill_hex_grid_adds_the_empty_rings_only():
    import h3

    from culturemap.analysis.aggregate import h3_counts
    from culturemap.analysis.stats import fill_hex_grid

    frame = gpd.GeoDataFrame({"layer": ["museums"]}, geometry=[shapely.Point(103.83, 36.06)], crs="EPSG:4326")
    filled = fill_hex_grid(h3_counts(frame, 7), 7, rings=2)
    assert len(filled) == len(h3.grid_disk(filled["h3"].iloc[0], 2)) == 19
    assert filled["count"].sum() == 1 and filled["n_museums"].sum() == 1
