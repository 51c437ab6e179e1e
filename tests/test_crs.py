import numpy as np
import pytest
import shapely
from pyproj import Geod

from culturemap.crs import from_wgs84, geometry_to_wgs84, to_wgs84

GEOD = Geod(ellps="WGS84")

# Lanzhou University (Chengguan) in the flwfdd reference CSV: raw Baidu BD-09 and the file's own
# WGS-84 estimate (BD-09 -> GCJ-02 -> WGS-84 done independently by the reference's collector).
LZU_BD09 = (103.866501, 36.051763)
LZU_WGS84_EST = (103.857523, 36.046441)


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def test_bd09_to_wgs84_matches_the_reference_estimate_within_a_metre():
    lon, lat = to_wgs84([LZU_BD09[0]], [LZU_BD09[1]], "bd09")
    assert metres(lon[0], lat[0], *LZU_WGS84_EST) < 1.0


def test_gcj02_offset_near_lanzhou_is_the_documented_shift():
    # ../shared/reference/README: near Lanzhou GCJ-02 is about +0.0024 lon, -0.0003 lat from WGS-84
    lon, lat = from_wgs84([103.83], [36.06], "gcj02")
    assert lon[0] - 103.83 == pytest.approx(0.0024, abs=0.0003)
    assert lat[0] - 36.06 == pytest.approx(-0.0003, abs=0.0003)
    assert 150 < metres(103.83, 36.06, lon[0], lat[0]) < 300


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_round_trip_returns_within_five_centimetres(datum):
    rng = np.random.default_rng(7)
    lon = rng.uniform(102.6, 104.6, 200)
    lat = rng.uniform(35.6, 37.0, 200)
    back_lon, back_lat = to_wgs84(*from_wgs84(lon, lat, datum), datum)
    assert metres(lon, lat, back_lon, back_lat).max() < 0.05  # prcoords BD-09 inverse: ~1.5 cm


def test_wgs84_is_a_copy_not_a_shift():
    lon, lat = to_wgs84([103.8], [36.0], "WGS-84")
    assert (lon[0], lat[0]) == (103.8, 36.0)


def test_unknown_datum_is_named_in_the_error():
    with pytest.raises(ValueError, match="unknown datum 'cgcs2000'"):
        to_wgs84([103.8], [36.0], "cgcs2000")


def test_geometry_conversion_moves_every_vertex_and_keeps_them():
    poly = shapely.Polygon([(103.8, 36.0), (103.9, 36.0), (103.9, 36.1), (103.8, 36.0)])
    out = geometry_to_wgs84(poly, "gcj02")
    before, after = shapely.get_coordinates(poly), shapely.get_coordinates(out)
    assert before.shape == after.shape
    shifts = metres(before[:, 0], before[:, 1], after[:, 0], after[:, 1])
    assert ((shifts > 150) & (shifts < 300)).all()


@pytest.mark.parametrize(
    ("datum", "forward", "inverse"),
    [("gcj02", "wgs_gcj", "gcj_wgs_bored"), ("bd09", "wgs_bd", "bd_wgs_bored")],
)
def test_array_conversion_agrees_with_prcoords_point_by_point(datum, forward, inverse):
    import warnings

    import prcoords

    rng = np.random.default_rng(11)
    lon = np.concatenate([rng.uniform(73, 135, 300), [103.8207, -0.1, 150.0]])  # two points outside China
    lat = np.concatenate([rng.uniform(1, 55, 300), [36.0661, 51.5, 36.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prcoords warns on points outside China
        expected = [getattr(prcoords, forward)(prcoords.Coords(la, lo)) for lo, la in zip(lon, lat)]
        back = [getattr(prcoords, inverse)(prcoords.Coords(la, lo)) for lo, la in zip(lon, lat)]
    out_lon, out_lat = from_wgs84(lon, lat, datum)
    assert np.abs(out_lon - [c.lon for c in expected]).max() < 1e-9
    assert np.abs(out_lat - [c.lat for c in expected]).max() < 1e-9
    in_lon, in_lat = to_wgs84(lon, lat, datum)
    assert np.abs(in_lon - [c.lon for c in back]).max() < 1e-9
    assert np.abs(in_lat - [c.lat for c in back]).max() < 1e-9
    scalar = to_wgs84(103.8207, 36.0661, datum)
    assert scalar[0].shape == () and scalar[0] == pytest.approx(in_lon[300], abs=1e-12)
