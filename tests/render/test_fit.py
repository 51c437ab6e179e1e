"""The view that fits results (Leaflet's fitBounds, computed on the server) and when to fit."""

from __future__ import annotations

import pytest

from culturemap.render.fit import fit_view, map_size_px, outside, points_bounds, should_fit


def test_map_size_is_read_back_from_reported_bounds():
    # a 800 x 640 px map at zoom 12 around Lanzhou, as Leaflet reports it
    lat, lon, zoom = 36.06, 103.83, 12
    width, height = map_size_px(*_bounds_of(lat, lon, zoom, 800, 640), zoom)
    assert (width, height) == pytest.approx((800, 640), abs=0.01)


def test_a_single_point_gets_the_max_zoom_and_is_the_centre():
    assert fit_view((36.0, 104.0, 36.0, 104.0), (800, 640)) == pytest.approx((36.0, 104.0, 15))


def test_results_fit_inside_the_map_with_padding_at_the_deepest_zoom():
    bounds = (35.80, 103.80, 36.10, 104.10)  # about 27 x 33 km
    lat, lon, zoom = fit_view(bounds, (800, 640), padding_px=32)
    assert zoom == 11
    # at that zoom they fit inside the padded map, one level deeper they do not
    south, west, north, east = _bounds_of(lat, lon, zoom, 800 - 64, 640 - 64)
    assert south <= bounds[0] and west <= bounds[1] and north >= bounds[2] and east >= bounds[3]
    south, west, north, east = _bounds_of(lat, lon, zoom + 1, 800 - 64, 640 - 64)
    assert not (south <= bounds[0] and north >= bounds[2] and west <= bounds[1] and east >= bounds[3])


def test_a_narrow_map_fits_at_a_shallower_zoom():
    bounds = (35.80, 103.80, 36.10, 104.10)
    assert fit_view(bounds, (360, 640))[2] < fit_view(bounds, (1200, 640))[2]


def test_points_bounds_and_outside_count():
    points = [(36.0, 104.0), (35.5, 103.5), (36.2, 104.4)]
    assert points_bounds(points) == (35.5, 103.5, 36.2, 104.4)
    assert points_bounds([]) is None
    assert outside(points, (35.9, 103.9, 36.1, 104.1)) == 2
    assert outside(points, (35.0, 103.0, 37.0, 105.0)) == 0


@pytest.mark.parametrize(
    ("changed", "n", "moved", "link", "fit"),
    [
        (True, 4, False, False, True),  # a filter to 4 results: fit
        (False, 4, False, False, False),  # same results (a pan, a language switch): keep the view
        (True, 0, False, False, False),  # nothing to fit to
        (True, 2, True, False, False),  # the user moved the map since: say what lies outside instead
        (True, 2, False, True, False),  # the link fixes the view
    ],
)
def test_should_fit(changed, n, moved, link, fit):
    assert should_fit(changed, n, moved, link) is fit


def _bounds_of(lat, lon, zoom, width, height):
    """The bounds of a width x height px map centred on (lat, lon) at zoom (Web Mercator)."""
    import math

    world = 256 * 2**zoom
    y = (0.5 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)) * world

    def lat_of(py):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

    dlon = width / world * 360
    return lat_of(y + height / 2), lon - dlon / 2, lat_of(y - height / 2), lon + dlon / 2
