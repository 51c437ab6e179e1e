"""The view snapshot: the folium map photographed by headless Chromium."""

import io
import math
import socket

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from culturemap.catalog import load_city
from culturemap.export.view import ChromiumUnavailable, check_size, view_png
from culturemap.layers import LAYERS
from culturemap.render.basemaps import BASEMAPS, Basemap
from culturemap.render.controls import OFFLINE_FILL
from culturemap.render.folium_map import MapOptions, build_map

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ZOOM = 12
SIZE = (800, 600)
KNOWN = ("sc-west-pagoda", "mu-city", "un-tu-north", "sc-east-park")  # surveyed positions, markers not clustered


def _world_px(lon: float, lat: float, zoom: int) -> np.ndarray:
    """Web Mercator: the point's pixel in the world map of ``zoom`` (256 px tiles), as Leaflet projects it."""
    size = 256 * 2**zoom
    sin = math.sin(math.radians(lat))
    return np.array([size * (lon + 180) / 360, size * (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi))])


def expected_px(lon: float, lat: float, centre: tuple[float, float], size: tuple[int, int], zoom: int) -> np.ndarray:
    """Where Leaflet draws (lon, lat) in a ``size`` map centred on ``centre`` (lat, lon) at ``zoom``."""
    origin = np.round(_world_px(centre[1], centre[0], zoom) - np.array(size) / 2)
    return _world_px(lon, lat, zoom) - origin


def _snapshot(city, scale: int = 1, basemap: str = "offline", **options):
    fmap = build_map(city, city.assets(), MapOptions(lang="zh", basemap=basemap, zoom=ZOOM, **options)).map
    return view_png(fmap, *SIZE, scale=scale, timeout_s=60)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _marker_colour(lid: str) -> np.ndarray:
    """A marker's fill (90% opaque) over the offline basemap's fill, 0-255."""
    return np.round((0.9 * np.array(to_rgb(LAYERS[lid].color)) + 0.1 * np.array(to_rgb(OFFLINE_FILL))) * 255)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from tests.conftest import write_pack

    return load_city(write_pack(tmp_path_factory.mktemp("view") / "testville"))


@pytest.mark.parametrize("scale", [1, 2])
def test_markers_are_where_web_mercator_puts_them_in_their_layer_colour(city, scale):
    snapshot = _snapshot(city, scale=scale)
    image = _pixels(snapshot.png)
    assert image.shape == (SIZE[1] * scale, SIZE[0] * scale, 3)  # scale 2 doubles each side
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50  # not blank: basemap, river, markers, legend
    assert snapshot.notes("zh") == [] and snapshot.missing_tiles == ()
    centre = (city.config.center_lat, city.config.center_lon)
    assets = city.assets().set_index("id")
    for fid in KNOWN:
        point = assets.loc[fid, "geometry"]
        x, y = expected_px(point.x, point.y, centre, SIZE, ZOOM) * scale
        want = _marker_colour(assets.loc[fid, "layer"])
        # the marker's centre within 2 CSS px of the expected pixel: some pixel there has its colour
        near = image[int(y) - 2 * scale : int(y) + 2 * scale + 1, int(x) - 2 * scale : int(x) + 2 * scale + 1]
        distance = np.abs(near - want).max(axis=2)
        assert distance.min() <= 12, (fid, near[2 * scale, 2 * scale], want)
        # and 25 CSS px away (outside the 18 px marker) the basemap, not the marker
        assert np.abs(image[int(y), int(x) + 25 * scale] - want).max() > 40, fid


def test_an_unreachable_tile_server_still_gives_the_snapshot_on_the_offline_basemap_with_a_note(city, monkeypatch):
    with socket.socket() as sock:  # a port that nothing listens on: every tile request is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(BASEMAPS, "unreachable", Basemap("unreachable", "不可达", "Unreachable",
                                                         f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", "test"))  # fmt: skip
    snapshot = _snapshot(city, basemap="unreachable")
    assert snapshot.missing_tiles == (f"127.0.0.1:{port}",)
    assert snapshot.notes("en") == [
        f"Web map tiles could not be loaded (127.0.0.1:{port}): the snapshot shows the city pack's offline basemap."
    ]
    assert snapshot.notes("zh") == [f"无法加载网络底图瓦片（127.0.0.1:{port}）：快照使用城市包的离线底图。"]
    image = _pixels(snapshot.png)
    assert image.shape == (SIZE[1], SIZE[0], 3)
    fill = np.round(np.array(to_rgb(OFFLINE_FILL)) * 255)
    assert (np.abs(image - fill).max(axis=2) <= 2).mean() > 0.3  # the districts are filled: the offline basemap


def test_a_missing_chromium_is_a_clear_error(city, tmp_path):
    fmap = build_map(city, city.assets(), MapOptions(basemap="offline")).map
    with pytest.raises(ChromiumUnavailable, match="Chromium not found .*the print map needs no browser"):
        view_png(fmap, chromium=str(tmp_path / "no-chromium"))


@pytest.mark.parametrize(("width", "height", "scale", "message"), [
    (100, 600, 1, "snapshot width 100 px: expected 200 to 4000 px"),
    (800, 5000, 1, "snapshot height 5000 px: expected 200 to 4000 px"),
    (800, 600, 4, "snapshot scale 4: expected one of 1, 2, 3"),
])  # fmt: skip
def test_sizes_out_of_range_are_refused(width, height, scale, message):
    with pytest.raises(ValueError, match=message):
        check_size(width, height, scale)
