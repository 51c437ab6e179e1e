import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from culturemap.analysis.corridor import band_counts, distance_to_river_m, linear_reference, river_side

CRS = "EPSG:32648"


def frame(geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms), crs=CRS).to_crs("EPSG:4326")


def test_sides_of_an_eastward_river_with_a_bend():
    # flows east, then turns north: a point north of the first leg is on the left,
    # a point east of the second leg (after the turn) is on the right
    river = frame([shapely.LineString([(500_000, 4_000_000), (510_000, 4_000_000), (510_000, 4_010_000)])])
    pts = frame(
        shapely.points([(505_000, 4_000_300), (505_000, 3_999_700), (510_400, 4_005_000), (509_600, 4_005_000)])
    )
    assert river_side(pts, river, CRS).tolist() == ["left", "right", "right", "left"]
    assert np.allclose(distance_to_river_m(pts, river, CRS), [300, 300, 400, 400], atol=0.5)


def test_reversed_digitising_swaps_the_sides():
    river = frame([shapely.LineString([(510_000, 4_000_000), (500_000, 4_000_000)])])
    pts = frame(shapely.points([(505_000, 4_000_300)]))
    assert river_side(pts, river, CRS).tolist() == ["right"]


def test_linear_reference_on_a_two_part_river():
    # part 1 flows east 10 km; a 2 km gap; part 2 flows north 5 km. Chainage skips the gap.
    river = frame([
        shapely.MultiLineString([[(500_000, 4_000_000), (510_000, 4_000_000)], [(512_000, 4_000_000), (512_000, 4_005_000)]])
    ])  # fmt: skip
    pts = frame(
        shapely.points([(503_000, 4_000_800), (507_000, 3_999_500), (511_700, 4_003_000), (512_000, 4_006_000)])
    )
    ref = linear_reference(pts, river, CRS)
    assert np.allclose(ref["chainage_km"], [3.0, 7.0, 13.0, 15.0], atol=1e-6)
    assert np.allclose(ref["distance_m"], [800, 500, 300, 1000], atol=0.5)
    assert ref["bank"].tolist() == ["left", "right", "left", "left"]
    assert ref["side"].tolist() == ["north", "south", "west", "north"]


def test_band_counts_per_layer_and_cumulative():
    distance_m = np.array([100, 499, 500, 501, 999, 1500, 4000, 6000])
    layers = pd.Series(
        ["museums", "museums", "scenic_spots", "museums", "scenic_spots", "museums", "museums", "museums"]
    )
    table = band_counts(distance_m, layers, (1, 0.5, 2, 5))
    assert table["band"].tolist() == ["0-0.5 km", "0.5-1 km", "1-2 km", "2-5 km"]
    assert table["museums"].tolist() == [2, 1, 1, 1]
    assert table["scenic_spots"].tolist() == [1, 1, 0, 0]
    assert table["total"].tolist() == [3, 2, 1, 1]
    assert table["cumulative"].tolist() == [3, 5, 6, 7]  # the asset 6 km away is in no band
    with pytest.raises(ValueError, match="positive"):
        band_counts(distance_m, layers, (0, 1))


def test_corridor_profile_bins_chainage_and_keeps_empty_stretches():
    from culturemap.analysis.corridor import corridor_profile

    chainage = np.array([0.5, 1.9, 2.0, 7.5, 7.9])
    layers = pd.Series(["museums", "scenic_spots", "museums", "museums", "museums"])
    profile = corridor_profile(chainage, layers, bin_km=2.0, length_km=10.0)
    assert profile["start_km"].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert profile["total"].tolist() == [2, 1, 0, 2, 0]
    assert profile["museums"].tolist() == [1, 1, 0, 2, 0]
