import geopandas as gpd
import h3
import numpy as np
import pytest
import shapely

from culturemap.analysis.aggregate import h3_counts, h3_resolution_for_zoom


def test_resolution_grows_with_zoom_and_is_bounded():
    res = [h3_resolution_for_zoom(z) for z in range(0, 21)]
    assert res == sorted(res)
    assert (res[0], res[-1]) == (3, 10)


def test_counts_per_cell_and_layer_add_up():
    rng = np.random.default_rng(3)
    n = 5000
    lon = rng.normal(103.83, 0.05, n)
    lat = rng.normal(36.06, 0.03, n)
    layers = rng.choice(["museums", "scenic_spots"], n, p=[0.3, 0.7])
    frame = gpd.GeoDataFrame({"layer": layers}, geometry=shapely.points(lon, lat), crs="EPSG:4326")
    cells = h3_counts(frame, 7)
    assert cells["count"].sum() == n
    assert (cells["n_museums"] + cells["n_scenic_spots"] == cells["count"]).all()
    assert cells["n_museums"].sum() == (layers == "museums").sum()
    assert cells["count"].is_monotonic_decreasing
    # every point lies inside the hexagon of its cell, and each cell id has resolution 7
    first = cells.iloc[0]
    members = [h3.latlng_to_cell(y, x, 7) == first["h3"] for x, y in zip(lon, lat)]
    assert sum(members) == first["count"]
    assert shapely.contains_xy(first.geometry, lon[members], lat[members]).all()
    assert {h3.get_resolution(c) for c in cells["h3"]} == {7}


def test_top_layer_of_a_cell():
    pts = shapely.points([103.83, 103.83001, 103.83002], [36.06, 36.06, 36.06])  # 1 m apart
    frame = gpd.GeoDataFrame({"layer": ["museums", "museums", "scenic_spots"]}, geometry=pts, crs="EPSG:4326")
    cells = h3_counts(frame, 6)
    assert (len(cells), cells["top"].iloc[0], cells["count"].iloc[0]) == (1, "museums", 3)


def test_projected_input_is_refused():
    frame = gpd.GeoDataFrame({"layer": ["a"]}, geometry=[shapely.Point(500_000, 4_000_000)], crs="EPSG:32648")
    with pytest.raises(ValueError, match="needs WGS-84"):
        h3_counts(frame, 7)
