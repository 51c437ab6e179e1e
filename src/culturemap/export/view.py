"""A snapshot of a folium map as a PNG, exactly as the page shows it, drawn by headless Chromium.

The map is rendered as one page with Leaflet and its plugins inlined (:func:`culturemap.export.html.map_page`,
no CDN), opened in Chromium (Playwright's sync API; the system's ``chromium``, never a downloaded
one) at the chosen size and device scale, and photographed once Leaflet has finished: the web
tiles' probe decided (:class:`culturemap.render.controls.BasemapTiles`), no tile layer loading, every
image (tiles, the density overlay) loaded, no zoom or pan animation running, the web fonts ready.
Web tiles that cannot be reached leave the map on the pack's offline basemap, as in the app: the
snapshot is taken all the same and says which tile hosts were missing. A map that has not finished
within the timeout is taken as it stands, with a note.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import folium

from culturemap.export import VIEW_SCALES, VIEW_SIZE_PX
from culturemap.export.html import map_page
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs

log = logging.getLogger(__name__)

SCALES = VIEW_SCALES  # device pixels per CSS pixel
MIN_SIZE_PX, MAX_SIZE_PX = VIEW_SIZE_PX  # CSS pixels, each side
DEFAULT_SIZE_PX = (1600, 1000)
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking")

# true once every Leaflet map of the page has finished drawing (see the module docstring)
_READY_JS = """
() => {
    if (!window.L || document.readyState !== "complete") { return false; }
    // folium names each map's variable map_<id>
    const maps = Object.keys(window).filter(k => k.startsWith("map_")).map(k => window[k]).filter(v => v instanceof L.Map);
    if (!maps.length) { return false; }
    for (const map of maps) {
        if (map.cmTiles === "probing" || map._animatingZoom || (map._panAnim && map._panAnim._inProgress)) { return false; }
        let loading = false;
        map.eachLayer(layer => { if (layer instanceof L.GridLayer && layer.isLoading()) { loading = true; } });
        if (loading) { return false; }
    }
    return Array.from(document.images).every(image => image.complete);
}
"""


class ChromiumUnavailable(RuntimeError):
    """No Chromium to draw the snapshot with (not installed, or it does not start)."""


@dataclass(frozen=True)
class ViewSnapshot:
    """The PNG (``width_px`` x ``height_px`` CSS pixels times ``scale`` device pixels), the hosts of
    the web tiles that could not be loaded, and whether the map was still loading at the timeout."""

    png: bytes
    width_px: int
    height_px: int
    scale: int
    missing_tiles: tuple[str, ...] = ()
    timed_out_s: float | None = None

    def notes(self, lang: str) -> list[str]:
        """What the snapshot lacks, in ``lang``: one sentence per problem (none when complete)."""
        notes = []
        if self.missing_tiles:
            notes.append(tr("view_tiles_missing", lang, hosts=", ".join(self.missing_tiles)))
        if self.timed_out_s is not None:
            notes.append(tr("view_timed_out", lang, s=self.timed_out_s))
        return notes


def check_size(width_px: int, height_px: int, scale: int) -> None:
    """Raise ValueError unless each side is :data:`MIN_SIZE_PX`-:data:`MAX_SIZE_PX` CSS pixels and
    ``scale`` one of :data:`SCALES`."""
    for name, value in (("width", width_px), ("height", height_px)):
        if not MIN_SIZE_PX <= value <= MAX_SIZE_PX:
            raise ValueError(f"snapshot {name} {value} px: expected {MIN_SIZE_PX} to {MAX_SIZE_PX} px")
    if scale not in SCALES:
        raise ValueError(f"snapshot scale {scale}: expected one of {', '.join(map(str, SCALES))}")


def chromium_path(executable: str | None = None) -> str:
    """The Chromium to use: ``executable``, else ``$CULTUREMAP_CHROMIUM``, else ``chromium`` (or
    ``chromium-browser``) on the PATH. Raises :class:`ChromiumUnavailable` when there is none."""
    found = executable or os.environ.get("CULTUREMAP_CHROMIUM")
    found = found or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).is_file():
        raise ChromiumUnavailable(
            f"Chromium not found ({found or 'chromium is not on the PATH'}): install it (apt-get install chromium) "
            "or set CULTUREMAP_CHROMIUM; the print map needs no browser"
        )
    return found


def view_png(
    fmap: folium.Map | str,
    width_px: int = DEFAULT_SIZE_PX[0],
    height_px: int = DEFAULT_SIZE_PX[1],
    scale: int = 1,
    timeout_s: float = 30.0,
    chromium: str | None = None,
) -> ViewSnapshot:
    """Photograph ``fmap`` (a folium map, rendered here, or a page from :func:`map_page`) filling a
    ``width_px`` x ``height_px`` window (CSS pixels) at ``scale`` device pixels per CSS pixel.

    Waits at most ``timeout_s`` seconds for the map to finish (see the module docstring), then takes
    the picture as it stands. ``chromium``: the browser's path (default: :func:`chromium_path`).

    Raises
    ------
    ValueError
        for a size or scale out of range (:func:`check_size`).
    ChromiumUnavailable
        when Chromium is missing or does not start.
    """
    check_size(width_px, height_px, scale)
    executable = chromium_path(chromium)
    html = fmap if isinstance(fmap, str) else map_page(fmap)
    # Playwright's sync API refuses a thread where an asyncio loop runs (a notebook, a test session that holds
    # a browser of its own): its own worker thread never has one
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="view-png") as worker:
        return worker.submit(_photograph, html, executable, width_px, height_px, scale, timeout_s).result()


def _photograph(
    html: str, executable: str, width_px: int, height_px: int, scale: int, timeout_s: float
) -> ViewSnapshot:
    """:func:`view_png` in the calling thread (which must not run an asyncio loop)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    missing: set[str] = set()

    def tile_failed(request) -> None:
        url = urlparse(request.url)
        if request.resource_type == "image" and url.scheme in ("http", "https"):
            missing.add(url.netloc)

    started = time.monotonic()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
        except PlaywrightError as error:
            raise ChromiumUnavailable(
                f"Chromium ({executable}) did not start: {error.message.splitlines()[0]}"
            ) from error
        try:
            page = browser.new_page(viewport={"width": width_px, "height": height_px}, device_scale_factor=scale)
            page.on("requestfailed", tile_failed)
            page.on("response", lambda response: response.status >= 400 and tile_failed(response.request))
            page.set_content(html, wait_until="load", timeout=timeout_s * 1000)
            timed_out = None
            try:
                remaining_ms = max(1.0, timeout_s - (time.monotonic() - started)) * 1000
                page.wait_for_function(_READY_JS, polling=100, timeout=remaining_ms)
                page.evaluate("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => "
                              "requestAnimationFrame(r))))")  # fmt: skip
            except PlaywrightTimeout:
                timed_out = float(timeout_s)
                log.warning("the map had not finished loading after %.0f s: snapshot taken as it stands", timeout_s)
            png = page.screenshot(type="png", animations="disabled")
        finally:
            browser.close()
    return ViewSnapshot(png, width_px, height_px, scale, tuple(sorted(missing)), timed_out)


def write_view_png(snapshot: ViewSnapshot, path: str | Path) -> Path:
    """Write the snapshot's PNG to ``path``, atomically; returns the path."""
    with atomic_outputs([path]) as (tmp,):
        tmp.write_bytes(snapshot.png)
    return Path(path)
