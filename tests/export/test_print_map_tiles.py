"""Web tiles under the print map: drawn from a tile server (a local one here) under the pack's outlines,
with their attribution in the source line; when the server cannot be reached, or the tiles are GCJ-02,
the map is drawn on the offline basemap and says why."""

import io
import socket
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image

from culturemap.catalog import load_city
from culturemap.export.print_map import PrintOptions, print_map, write_print_map
from culturemap.layers import LAYERS
from culturemap.render.basemaps import BASEMAPS, Basemap
from culturemap.render.controls import OFFLINE_FILL
from tests.conftest import run_cli as run
from tests.export.test_print_map import DPI, pixel, rgb

TILE_RGB = (40, 170, 90)  # no layer's colour, not the offline fill


def local_tiles(url: str) -> Basemap:
    return Basemap("local", "本地瓦片", "Local tiles", url, "&copy; <b>Local</b> tile makers")


@pytest.fixture
def tile_server():
    """An HTTP server answering any ``/{z}/{x}/{y}.png`` with one 256 x 256 PNG of :data:`TILE_RGB`; yields
    the URL template and the list of paths asked."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), TILE_RGB).save(buffer, format="PNG")
    tile, asked = buffer.getvalue(), []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            asked.append(self.path)
            parts = self.path.strip("/").removesuffix(".png").split("/")
            if len(parts) != 3 or not all(p.isdigit() for p in parts):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", asked
    server.shutdown()
    server.server_close()


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed on return: a connection to it is refused


def test_tiles_are_drawn_under_the_markers_with_their_attribution(pack, tmp_path, tile_server):
    url, asked = tile_server
    city = load_city(pack)
    drawn = print_map(city, city.assets(), options=PrintOptions(dpi=DPI), today=date(2026, 11, 26),
                      basemap=local_tiles(url))  # fmt: skip
    assert drawn.notes == ()
    assert asked and all(path.endswith(".png") for path in asked)
    image = np.asarray(Image.open(write_print_map(drawn, "png", tmp_path / "map.png")).convert("RGB")).astype(float)
    # 900 m from the city museum: the offline fill there (see test_print_map), now the tile's colour
    assert np.abs(pixel(drawn, image, 503_900, 3_993_900) - TILE_RGB).max() < 6
    expected = 0.9 * rgb(LAYERS["museums"].color) + 0.1 * np.array(TILE_RGB)  # the marker over the tile
    col, row_up = drawn.ax.transData.transform((503_000, 3_993_000))
    row, col = int(round(image.shape[0] - row_up)), int(round(col))
    around = image[row - 5 : row + 6, col - 5 : col + 6].reshape(-1, 3)  # the marker, its number in the middle
    assert (np.abs(around - expected).max(axis=1) < 25).mean() > 0.25
    box = drawn.ax.get_window_extent()
    inside = image[
        int(image.shape[0] - box.y1) + 3 : int(image.shape[0] - box.y0) - 3, int(box.x0) + 3 : int(box.x1) - 3
    ]
    assert (np.abs(inside - TILE_RGB).max(axis=2) < 6).mean() > 0.5  # the map area is mostly tile
    assert (np.abs(inside - rgb(OFFLINE_FILL)).max(axis=2) < 6).mean() < 0.01  # no district fill over the tiles

    path = write_print_map(drawn, "pdf", tmp_path / "map.pdf")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "底图瓦片：© Local tile makers" in text
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()[2:]) == 1  # the tiles, one raster under the vector map


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_server_gives_the_offline_map_and_a_note(pack, lang):
    city = load_city(pack)
    url = f"http://127.0.0.1:{refused_port()}/{{z}}/{{x}}/{{y}}.png"
    drawn = print_map(city, city.assets(), options=PrintOptions(dpi=DPI, lang=lang), basemap=local_tiles(url))
    host = url.split("/")[2]
    assert drawn.notes == (
        (f"网络底图（{host}）无法访问：已改用城市包离线底图绘制",)
        if lang == "zh"
        else (f"web tiles ({host}) could not be reached: drawn on the pack's offline basemap",)
    )
    assert not drawn.ax.images  # no tiles
    texts = [t.get_text() for t in drawn.figure.texts]
    assert not any("Local tile makers" in t for t in texts)


def test_a_server_that_never_answers_is_given_up_at_the_deadline(pack):
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/{{z}}/{{x}}/{{y}}.png"
        city = load_city(pack)
        drawn = print_map(city, city.assets(), options=PrintOptions(dpi=DPI, lang="en"), basemap=local_tiles(url),
                          tile_deadline_s=0.5)  # fmt: skip
    assert len(drawn.notes) == 1 and "could not be reached" in drawn.notes[0]
    assert not drawn.ax.images


def test_gcj02_tiles_are_refused_for_print(pack, tile_server):
    url, asked = tile_server
    city = load_city(pack)
    amap_like = Basemap("local_gcj", "本地瓦片", "Local tiles", url, "&copy; Local", datum="gcj02")
    drawn = print_map(city, city.assets(), options=PrintOptions(dpi=DPI, lang="en"), basemap=amap_like)
    assert drawn.notes == (
        "Local tiles tiles are in GCJ-02, a few hundred metres off the WGS-84 positions, so the print map does not "
        "use them: drawn on the pack's offline basemap",
    )
    assert asked == []  # not even fetched
    amap = print_map(city, city.assets(), options=PrintOptions(dpi=DPI), basemap=BASEMAPS["amap"])
    assert amap.notes == (
        "高德地图（道路）瓦片采用 GCJ-02 坐标，与 WGS-84 点位相差数百米，打印地图不使用：已改用城市包离线底图绘制",
    )


def test_offline_basemap_asks_no_tiles(pack):
    city = load_city(pack)
    drawn = print_map(city, city.assets(), options=PrintOptions(dpi=DPI), basemap=BASEMAPS["offline"])
    assert drawn.notes == () and not drawn.ax.images


def test_cli_basemap_osm_unreachable_is_exit_0_with_a_warning(pack, tmp_path, capsys):
    # no internet here: the OpenStreetMap tiles cannot be fetched, the map is drawn offline
    out = tmp_path / "m.png"
    assert run(["export", "--city", pack, "--format", "png", "--dpi", "150", "--lang", "en", "--basemap", "osm",
                "--out", out]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert (
        "warning: web tiles (tile.openstreetmap.org) could not be reached: drawn on the pack's offline basemap\n"
        in (captured.err)
    )
    assert captured.out.startswith(f"png: {out} (")
    assert Image.open(out).size == (int(210 / 25.4 * 150), int(297 / 25.4 * 150))
