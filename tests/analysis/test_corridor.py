import geopandas as gpd
import numpy as np
import shapely

from culturemap.analysis.corridor import distance_to_river_m, river_side

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
