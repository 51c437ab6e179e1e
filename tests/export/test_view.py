"""The view snapshot: the folium map photographed by headless Chromium."""

import io
import math
import socket
from datetime import date

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import load_city
from culturemap.export.view import SCREEN_CONTROLS, ChromiumUnavailable, check_size, selection_figure, view_png
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


def _snapshot(city, scale: int = 1, basemap: str = "offline", figure=None, lang: str = "zh", **options):
    fmap = build_map(city, city.assets(), MapOptions(lang=lang, basemap=basemap, zoom=ZOOM, **options)).map
    return view_png(fmap, *SIZE, scale=scale, timeout_s=60, figure=figure)


def _unreachable_basemap(monkeypatch) -> int:
    """A basemap "unreachable" whose tile server refuses every request; returns its port."""
    with socket.socket() as sock:  # a port that nothing listens on: every tile request is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(BASEMAPS, "unreachable", Basemap("unreachable", "不可达", "Unreachable",
                                                         f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", "test"))  # fmt: skip
    return port


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
    port = _unreachable_basemap(monkeypatch)
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


def _figure(city, lang: str = "zh"):
    return selection_figure(city, AssetQuery(), city.assets(), lang, today=date(2026, 12, 8))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_figure_has_no_screen_controls_and_bands_with_title_scale_north_and_source(city, monkeypatch, lang):
    """The tile notice of an unreachable basemap, the zoom, full screen, layers and measure buttons are on
    the page and hidden in the picture; the map keeps its size between a title band and a band with the
    legend, the scale bar (measuring what the page measures), the north arrow and a citable source line."""
    _unreachable_basemap(monkeypatch)
    figure = _figure(city, lang)
    snapshot = _snapshot(city, basemap="unreachable", figure=figure, lang=lang)
    assert snapshot.visible_controls == ()
    hidden = set(snapshot.hidden_controls)
    assert {".leaflet-control-zoom", ".leaflet-control-layers", ".cm-tiles-notice"} <= hidden, hidden
    assert hidden <= set(SCREEN_CONTROLS)
    top, bottom = snapshot.band_px
    assert 40 <= top <= 120 and 80 <= bottom <= 400, snapshot.band_px
    image = _pixels(snapshot.png)
    assert image.shape == (SIZE[1] + top + bottom, SIZE[0], 3)
    # Web Mercator at the map's middle: the equator's 156 543 m per px at zoom 0, times cos(latitude)
    centre_lat = city.config.center_lat
    assert snapshot.m_per_px == pytest.approx(156543.03 * math.cos(math.radians(centre_lat)) / 2**ZOOM, rel=0.01)
    # the markers sit where they do without a figure, moved down by the title band
    assets = city.assets().set_index("id")
    for fid in KNOWN:
        point = assets.loc[fid, "geometry"]
        x, y = expected_px(point.x, point.y, (centre_lat, city.config.center_lon), SIZE, ZOOM)
        near = image[int(y) + top - 2 : int(y) + top + 3, int(x) - 2 : int(x) + 3]
        assert np.abs(near - _marker_colour(assets.loc[fid, "layer"])).max(axis=2).min() <= 12, fid
    # the bands are white paper with dark text (the title, the scale bar, the arrow)
    for band in (image[:top], image[top + SIZE[1] :]):
        assert (band == 255).all(axis=2).mean() > 0.6 and (band.max(axis=2) < 80).sum() > 200
    assert figure.title == ("测试市文化资源分布图" if lang == "zh" else "Testville: cultural assets")
    assert figure.source.startswith("制图日期 2026-12-08 · culturemap · 数据：" if lang == "zh"
                                    else "Made 2026-12-08 · culturemap · Data: ")  # fmt: skip
    assert "/" not in figure.source and ".md" not in figure.source and ".csv" not in figure.source


def test_the_source_line_cites_the_principal_sources_of_the_assets_shown(city):
    """The register's citations of the sources most rows of the selection cite first, the others counted;
    a pack whose rows cite no register key names the pack."""
    from culturemap.catalog.sources import CITED_SOURCES, cite, source_keys
    from culturemap.export.view import figure_source

    assets = city.assets()
    firsts = assets["source"].map(lambda text: (source_keys(text) or [""])[0])
    cited = {cite(city.sources[key], "en") for key in firsts if key in city.sources}
    line = figure_source(city, assets, "en", date(2026, 12, 8))
    named = [c for c in cited if c in line]
    assert len(named) == min(len(cited), CITED_SOURCES), (line, cited)
    if len(cited) > CITED_SOURCES:
        assert line.endswith(f"; {len(cited) - CITED_SOURCES} other sources")
    unsourced = assets.assign(source="")
    assert figure_source(city, unsourced, "zh", date(2026, 12, 8)) == (
        "制图日期 2026-12-08 · culturemap · 数据：culturemap 城市包“测试市”"
    )
