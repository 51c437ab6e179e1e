"""A snapshot of a folium map as a PNG, exactly as the page shows it, drawn by headless Chromium.

The map is rendered as one page with Leaflet and its plugins inlined (:func:`culturemap.export.html.map_page`,
no CDN), opened in Chromium (Playwright's sync API; the system's ``chromium``, never a downloaded
one) at the chosen size and device scale, and photographed once Leaflet has finished: the web
tiles' probe decided (:class:`culturemap.render.controls.BasemapTiles`), no tile layer loading, every
image (tiles, the density overlay) loaded, no zoom or pan animation running, the web fonts ready.
Web tiles that cannot be reached leave the map on the pack's offline basemap, as in the app: the
snapshot is taken all the same and says which tile hosts were missing. A map that has not finished
within the timeout is taken as it stands, with a note.

The picture is a figure, not a screen grab: the buttons (zoom, full screen, layers, measure), the
overview map, the tiles notice and the attribution are hidden before the shot. Given a
:class:`ViewFigure`, the page grows a band above the map (title, the selection) and one under it
(the legend moved out of the map, a scale bar, a north arrow and the source line naming the basemap
actually drawn), so nothing is laid over a marker or a stop. The bands are drawn in the page by
Chromium (same fonts as the map), the map itself keeps the size asked.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from urllib.parse import urlparse

import folium

from culturemap.export import VIEW_SCALES, VIEW_SIZE_PX
from culturemap.export.html import map_page
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs
from culturemap.render.basemaps import BASEMAPS

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


# the screen's controls, none of which belongs in a figure (the legend and scale move to the band of a figure)
SCREEN_CONTROLS = (".leaflet-control-zoom", ".leaflet-control-fullscreen", ".leaflet-control-layers",
                   ".leaflet-control-measure", ".leaflet-control-minimap", ".cm-tiles-notice",
                   ".leaflet-control-attribution")  # fmt: skip
_HIDE_CSS = "<style>" + ",".join(SCREEN_CONTROLS) + "{display:none !important}</style>"
_FIGURE_CSS = """<style>
html, body {{ height: auto !important; overflow: visible !important; }}
.folium-map {{ width: {w}px !important; height: {h}px !important; }}
.leaflet-control-scale {{ display: none !important; }}
.cm-band {{ width: {w}px; box-sizing: border-box; background: #fff; color: #222;
           font: 13px/1.4 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; }}
.cm-band-top {{ padding: 10px 16px 8px; border-bottom: 1px solid #999; }}
.cm-band-top h1 {{ margin: 0; font-size: 22px; line-height: 1.3; }}
.cm-band-top p {{ margin: 2px 0 0; color: #555; }}
.cm-band-bottom {{ padding: 8px 16px 10px; border-top: 1px solid #999; }}
.cm-band-row {{ display: flex; justify-content: space-between; align-items: flex-end; gap: 24px; }}
.cm-band-legends {{ display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }}
.cm-band-legends .cm-legend {{ float: none !important; margin: 0 !important; box-shadow: none !important;
                               border: 1px solid #ccc; }}
.cm-band-legends .cm-legend-title::after {{ content: none !important; }}
.cm-band-legends .cm-legend.cm-folded > * {{ display: block !important; }}
.cm-band-furniture {{ display: flex; align-items: flex-end; gap: 18px; flex: none; }}
.cm-scale-bar {{ display: flex; height: 6px; border: 1px solid #222; }}
.cm-scale-bar span {{ flex: 1; }} .cm-scale-bar span:first-child {{ background: #222; }}
.cm-scale-labels {{ display: flex; justify-content: space-between; font-size: 12px; }}
.cm-source {{ margin-top: 6px; font-size: 11px; color: #555; }}
</style>"""
# what the page reports once drawn: metres per CSS pixel across the map's middle, the basemap shown,
# which of the screen's controls the page holds and which of them are still visible (none should be)
_STATE_JS = """
(controls) => {
    const present = controls.filter(sel => document.querySelector(sel) !== null);
    const visible = present.filter(sel => Array.from(document.querySelectorAll(sel)).some(el => el.offsetParent !== null));
    const map = window.L && Object.keys(window).filter(k => k.startsWith("map_")).map(k => window[k]).find(v => v instanceof L.Map);
    if (!map) { return {m_per_px: null, tiles: null, basemap: null, present: present, visible: visible}; }
    const size = map.getSize();
    const left = map.containerPointToLatLng([size.x / 2 - 50, size.y / 2]);
    const right = map.containerPointToLatLng([size.x / 2 + 50, size.y / 2]);
    return {m_per_px: map.distance(left, right) / 100, tiles: map.cmTiles || null, basemap: map.cmBasemap || null,
            present: present, visible: visible};
}
"""
# the bands around the map (see the module docstring): the legends move into the lower one
_BANDS_JS = """
([top, bottom]) => {
    const container = document.querySelector(".folium-map");
    container.insertAdjacentHTML("beforebegin", top);
    container.insertAdjacentHTML("afterend", bottom);
    const slot = document.querySelector(".cm-band-legends");
    document.querySelectorAll(".leaflet-control-container .cm-legend").forEach(legend => slot.appendChild(legend));
}
"""


@dataclass(frozen=True)
class ViewFigure:
    """What makes a snapshot a figure: the ``title``, a ``subtitle`` (what was selected), the ``source``
    of the data (publisher, date; the basemap's is added), all in ``lang``."""

    title: str
    subtitle: str = ""
    source: str = ""
    lang: str = "zh"


def figure_source(city, assets, lang: str, today: date | None = None) -> str:
    """The source line of a figure of ``assets`` (rows of ``city``'s layers), in ``lang``: the date, and
    :func:`culturemap.catalog.sources.sources_line`."""
    from culturemap.catalog.sources import sources_line

    return " · ".join(
        (
            tr("export_date", lang, date=(today or date.today()).isoformat()),
            "culturemap",
            sources_line(city, assets, lang),
        )
    )


def selection_figure(city, query, assets, lang: str, title: str | None = None, today: date | None = None) -> ViewFigure:
    """The figure of a snapshot of ``assets``, ``city``'s assets selected by ``query`` (an
    :class:`~culturemap.analysis.select.AssetQuery`): titled ``title`` (default: the print map's), the
    selection under it, the date and the principal sources (:func:`figure_source`) as the source line."""
    from culturemap.export.print_map import default_title, describe_selection

    return ViewFigure(title or default_title(city, lang), describe_selection(city, query, lang),
                      figure_source(city, assets, lang, today), lang)  # fmt: skip


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
    visible_controls: tuple[str, ...] = ()  # screen controls still visible at the shot (see SCREEN_CONTROLS)
    hidden_controls: tuple[str, ...] = ()  # screen controls the page held, hidden for the shot
    band_px: tuple[int, int] = (0, 0)  # CSS pixels of the figure's bands above and under the map
    m_per_px: float | None = None  # metres per CSS pixel across the map's middle (what the scale bar measures)

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
    figure: ViewFigure | None = None,
) -> ViewSnapshot:
    """Photograph ``fmap`` (a folium map, rendered here, or a page from :func:`map_page`) filling a
    ``width_px`` x ``height_px`` window (CSS pixels) at ``scale`` device pixels per CSS pixel, without
    the screen's controls (:data:`SCREEN_CONTROLS`).

    With ``figure`` the PNG is taller: a band with its title above the map, one with the legend, a
    scale bar, a north arrow and the source line under it (the map keeps ``width_px`` x ``height_px``).

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
    style = _HIDE_CSS + (_FIGURE_CSS.format(w=width_px, h=height_px) if figure else "")
    html = html.replace("</head>", style + "</head>", 1)
    # Playwright's sync API refuses a thread where an asyncio loop runs (a notebook, a test session that holds
    # a browser of its own): its own worker thread never has one
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="view-png") as worker:
        return worker.submit(_photograph, html, executable, width_px, height_px, scale, timeout_s,
                             figure).result()  # fmt: skip


def _scale_bar(m_per_px: float, width_px: int) -> str:
    """A scale bar about a fifth of ``width_px`` long (a round length), as HTML."""
    from culturemap.export.print_map import nice_length

    length_m = nice_length(m_per_px * width_px / 5)
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    return (f'<div><div class="cm-scale-bar" style="width:{length_m / m_per_px:.1f}px"><span></span><span></span>'
            f'</div><div class="cm-scale-labels"><span>0</span><span>{label}</span></div></div>')  # fmt: skip


def _north_arrow(lang: str) -> str:
    """A north arrow (north is up on a Web Mercator map), as inline SVG."""
    letter = escape(tr("export_north", lang))
    return (f'<svg width="24" height="40" viewBox="0 0 24 40" role="img" aria-label="{letter}">'
            f'<text x="12" y="12" text-anchor="middle" font-size="13" font-weight="bold">{letter}</text>'
            '<polygon points="12,15 4,39 12,33" fill="#222"/><polygon points="12,15 20,39 12,33" fill="#fff" '
            'stroke="#222"/></svg>')  # fmt: skip


def figure_bands(figure: ViewFigure, state: dict, width_px: int) -> tuple[str, str]:
    """The HTML of the bands above and under the map for ``figure``, with the scale of ``state`` (what
    :data:`_STATE_JS` reported) and the basemap it shows in the source line."""
    lang = figure.lang
    basemap = BASEMAPS.get(state.get("basemap") or "")
    if state.get("tiles") == "online" and basemap is not None and basemap.tiles:
        shown = tr("export_tiles_source", lang, attribution=basemap.text_attribution)
    else:
        shown = tr("view_basemap_offline", lang)
    source = " · ".join(escape(part) for part in (figure.source, shown) if part)
    subtitle = f"<p>{escape(figure.subtitle)}</p>" if figure.subtitle else ""
    top = f'<header class="cm-band cm-band-top"><h1>{escape(figure.title)}</h1>{subtitle}</header>'
    scale_bar = _scale_bar(state["m_per_px"], width_px) if state.get("m_per_px") else ""
    bottom = (f'<footer class="cm-band cm-band-bottom"><div class="cm-band-row"><div class="cm-band-legends"></div>'
              f'<div class="cm-band-furniture">{scale_bar}{_north_arrow(lang)}</div>'
              f'</div><div class="cm-source">{source}</div></footer>')  # fmt: skip
    return top, bottom


def _photograph(
    html: str, executable: str, width_px: int, height_px: int, scale: int, timeout_s: float,
    figure: ViewFigure | None = None,
) -> ViewSnapshot:  # fmt: skip
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
            state = page.evaluate(_STATE_JS, list(SCREEN_CONTROLS))
            bands = (0, 0)
            if figure is not None:
                page.evaluate(_BANDS_JS, list(figure_bands(figure, state, width_px)))
                page.evaluate("document.fonts.ready.then(() => true)")
                bands = page.evaluate("[document.querySelector('.cm-band-top').offsetHeight, "
                                      "document.querySelector('.cm-band-bottom').offsetHeight]")  # fmt: skip
            if state["visible"]:
                log.warning("screen controls still visible in the snapshot: %s", ", ".join(state["visible"]))
            png = page.screenshot(type="png", animations="disabled", full_page=figure is not None)
        finally:
            browser.close()
    return ViewSnapshot(png, width_px, height_px, scale, tuple(sorted(missing)), timed_out,
                        tuple(state["visible"]), tuple(c for c in state["present"] if c not in state["visible"]),
                        tuple(bands), state["m_per_px"])  # fmt: skip


def write_view_png(snapshot: ViewSnapshot, path: str | Path) -> Path:
    """Write the snapshot's PNG to ``path``, atomically; returns the path."""
    with atomic_outputs([path]) as (tmp,):
        tmp.write_bytes(snapshot.png)
    return Path(path)
