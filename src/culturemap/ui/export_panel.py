"""The "Export" panels: the map page's (the current selection as a view snapshot, a print map, an HTML
page or data) and the building blocks the other pages' panels share.

Nothing is drawn until the user opens a panel (:func:`folded_panel`) and presses "Prepare"
(:func:`prepare_and_download`): the file is then built once into the session (each panel is a
fragment, so its widgets rerun only the panel) and offered for download while what it was built
from stays the same. The map page's files come from the same functions as ``culturemap export``
(:func:`culturemap.export.selection.write_selection`, :func:`culturemap.export.view.view_png`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st

from culturemap.catalog import City
from culturemap.export import EXPORT_FORMATS, PRINT_FORMATS, VIEW_SCALES
from culturemap.export.view import ChromiumUnavailable, ViewFigure
from culturemap.i18n import tr
from culturemap.render.basemaps import BASEMAPS
from culturemap.ui.state import ViewState
from culturemap.ui.text import plain

log = logging.getLogger(__name__)

MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
    "html": "text/html",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
VIEW = "view"  # the view snapshot, a format of the panels besides culturemap.export's
PANEL_FORMATS = (EXPORT_FORMATS[0], VIEW, *EXPORT_FORMATS[1:])  # the map page's, the print map PDF first
VIEW_SIZES_PX = ((1280, 800), (1600, 1000), (1920, 1080), (2400, 1500))  # width, height in CSS pixels


@dataclass(frozen=True)
class ExportChoice:
    """What to export: ``fmt`` (one of :data:`PANEL_FORMATS`); for a print map the paper, orientation
    and PNG resolution (dots per inch) and whether the view's web tiles go under it; the title (None: the
    default, from the city and the filters); for a view snapshot its size (CSS pixels) and scale (device
    pixels per CSS pixel)."""

    fmt: str = "pdf"
    paper: str = "A4"
    landscape: bool = False
    dpi: int = 300
    title: str | None = None
    web_tiles: bool = False
    width_px: int = VIEW_SIZES_PX[1][0]
    height_px: int = VIEW_SIZES_PX[1][1]
    scale: int = 1


@dataclass(frozen=True)
class PreparedFile:
    """A file built for download, and what it lacks (notes in the page's language)."""

    name: str
    mime: str
    data: bytes
    notes: tuple[str, ...] = ()


class EmptySelection(ValueError):
    """The selection holds no asset: there is nothing to export."""


def export_file(
    city: City, shown: gpd.GeoDataFrame, state: ViewState, choice: ExportChoice, today: date | None = None
) -> PreparedFile:
    """The file of ``shown`` (the rows the filters of ``state`` keep, WGS-84) in ``choice.fmt`` (one of
    :data:`culturemap.export.EXPORT_FORMATS`), named ``<city id>-<yyyy-mm-dd>.<ext>``, with notes in the
    state's language on what could not be drawn (e.g. unreachable web tiles). Raises
    :class:`EmptySelection` when ``shown`` is empty and ValueError for an unknown format.
    """
    from culturemap.export.print_map import PrintOptions
    from culturemap.export.selection import selection_file_name, write_selection

    if shown.empty:
        raise EmptySelection("the selection holds no asset")
    today = today or date.today()
    options = PrintOptions(paper=choice.paper, landscape=choice.landscape, dpi=choice.dpi,
                           lang=state.lang or city.config.default_lang, title=choice.title)  # fmt: skip
    name = selection_file_name(city, state.query(), choice.fmt, options, today)
    with tempfile.TemporaryDirectory(prefix="culturemap-export-") as folder:
        tiles = BASEMAPS[state.basemap] if choice.web_tiles else None
        written = write_selection(
            city, shown, state.query(), choice.fmt, Path(folder) / name, options, state.basemap, today, tiles
        )
        return PreparedFile(name, MIME_TYPES[choice.fmt], written.path.read_bytes(), written.notes)


def view_file(fmap: folium.Map, name: str, choice: ExportChoice, lang: str, figure: ViewFigure) -> PreparedFile:
    """``fmap`` photographed by Chromium at ``choice``'s size and scale as ``name`` (a PNG), with a
    note in ``lang`` for what is missing (see :func:`culturemap.export.view.view_png`; raises
    :class:`~culturemap.export.view.ChromiumUnavailable` without Chromium). ``figure`` gives the
    title and source of the bands around the map."""
    from culturemap.export.view import view_png

    snapshot = view_png(fmap, choice.width_px, choice.height_px, choice.scale, figure=figure)
    return PreparedFile(name, MIME_TYPES["png"], snapshot.png, tuple(snapshot.notes(lang)))


def explorer_view_file(
    city: City, shown: gpd.GeoDataFrame, state: ViewState, choice: ExportChoice, bounds=None, today: date | None = None
) -> PreparedFile:
    """The explorer's map of ``shown`` at the view of ``state`` (centre, zoom, basemap, language;
    ``bounds`` the visible area when the map reported it) as a view snapshot, a figure titled
    ``choice.title`` (default: the print map's), named ``<city>-view-<selection>-<date>.png``."""
    from culturemap.export.selection import selection_file_name
    from culturemap.export.view import selection_figure
    from culturemap.render.folium_map import MapOptions, build_map

    lang = state.lang or city.config.default_lang
    center = (state.lat, state.lon) if state.lat is not None and state.lon is not None else None
    options = MapOptions(lang=lang, basemap=state.basemap, center=center, zoom=state.zoom, bounds=bounds)
    name = selection_file_name(city, state.query(), "png", today=today, what="view")
    figure = selection_figure(city, state.query(), shown, lang, choice.title, today)
    return view_file(build_map(city, shown, options).map, name, choice, lang, figure)


def folded_panel(key: str, lang: str, label_key: str = "export_panel", icon: str = ":material/download:"):
    """A folded panel keyed ``key`` ("Export", or the message ``label_key``): the expander to draw in while it
    is open, else None (a closed panel draws nothing inside; opening it reruns only the fragment that holds it).

    The label changes with the language, and so the widget: the last state keeps it open across a switch.
    """
    was_open = bool(st.session_state.get(f"{key}_was_open"))
    panel = st.expander(tr(label_key, lang), expanded=was_open, icon=icon, key=f"{key}_open",
                        on_change="rerun")  # fmt: skip
    st.session_state[f"{key}_was_open"] = panel.open
    return panel if panel.open else None


def view_options(key: str, lang: str, choice: ExportChoice) -> ExportChoice:
    """The view snapshot's size and scale, chosen in two boxes keyed ``<key>_view_size``/``_view_scale``."""
    left, right = st.columns(2)
    size = left.selectbox(tr("view_size", lang), VIEW_SIZES_PX, index=1, key=f"{key}_view_size",
                          format_func=lambda s: f"{s[0]} × {s[1]}")  # fmt: skip
    scale = right.selectbox(tr("view_scale", lang), VIEW_SCALES, key=f"{key}_view_scale",
                            format_func=lambda s: f"{s}×")  # fmt: skip
    return replace(choice, width_px=size[0], height_px=size[1], scale=scale)


def prepare_and_download(key: str, lang: str, asked, what: str, build: Callable[[], PreparedFile]) -> None:
    """A "Prepare" button that builds the file (``build``, once per press, ``what`` named while it
    works), then a button that downloads it, offered only while ``asked`` (what the file is built
    from, comparable) is what it was built from. Keys ``<key>_prepare``, ``<key>_download``.

    Without Chromium a view snapshot is not built: a warning points to the print map. Any other
    failure is shown as an error, never as a traceback.
    """
    prepared_key = f"{key}_prepared"  # session key: (what was asked, the PreparedFile)
    if st.button(tr("export_prepare", lang), key=f"{key}_prepare", type="primary"):
        st.session_state.pop(prepared_key, None)
        with st.spinner(tr("export_building", lang, fmt=what)):
            try:
                st.session_state[prepared_key] = (asked, build())
            except ChromiumUnavailable:
                log.exception("no Chromium for the view snapshot")
                st.warning(tr("view_no_chromium", lang))
            except Exception as error:  # shown to the user, never as a traceback
                log.exception("export of %s failed", what)
                st.error(tr("export_failed", lang, error=error))
    prepared = st.session_state.get(prepared_key)
    if prepared and prepared[0] == asked:
        file = prepared[1]
        for note in file.notes:
            st.info(note)
        st.download_button(tr("export_download", lang, name=file.name, kb=len(file.data) / 1024), file.data,
                           file_name=file.name, mime=file.mime, on_click="ignore", key=f"{key}_download",
                           icon=":material/download:")  # fmt: skip


@st.fragment
def export_panel(city: City, shown: gpd.GeoDataFrame, state: ViewState) -> None:
    """The map page's panel: open, it offers a format and its options; "Prepare" builds the file, then
    a button downloads it. A prepared file is offered only while the selection and the options (and,
    for a view snapshot, the view) are those it was built from."""
    lang = state.lang or city.config.default_lang
    if panel := folded_panel("export", lang):
        with panel:
            _panel_body(city, shown, state, lang)


def _panel_body(city: City, shown: gpd.GeoDataFrame, state: ViewState, lang: str) -> None:
    # imported here: matplotlib and the GIS writers load when the panel is first opened, not with the page
    from culturemap.export.print_map import PAPER_MM, PRINT_DPIS, default_title, describe_selection

    fmt = st.selectbox(tr("export_format", lang), PANEL_FORMATS, key="export_format",
                       format_func=lambda f: tr(f"export_fmt_{f}", lang))  # fmt: skip
    choice = ExportChoice(fmt=fmt)
    if fmt in PRINT_FORMATS:
        left, middle, right = st.columns(3)
        paper = left.selectbox(tr("export_paper", lang), tuple(PAPER_MM), key="export_paper")
        landscape = middle.checkbox(tr("export_landscape", lang), key="export_landscape")
        dpi = right.selectbox(tr("export_dpi", lang), PRINT_DPIS, index=len(PRINT_DPIS) - 1, key="export_dpi",
                              disabled=fmt != "png")  # fmt: skip
        choice = replace(choice, paper=paper, landscape=landscape, dpi=dpi)
        if BASEMAPS[state.basemap].tiles:
            web_tiles = st.checkbox(tr("export_web_tiles", lang, basemap=BASEMAPS[state.basemap].label(lang)),
                                    key="export_web_tiles")  # fmt: skip
            choice = replace(choice, web_tiles=web_tiles)
    if fmt in (*PRINT_FORMATS, "html", VIEW):
        title = st.text_input(tr("export_map_title", lang), value=default_title(city, lang), key=f"export_title~{lang}")
        if title.strip() and title.strip() != default_title(city, lang):
            choice = replace(choice, title=title.strip())
    view = replace(state, lat=None, lon=None, zoom=None)  # a pan or zoom does not change the other files
    bounds = None
    if fmt == VIEW:
        choice = view_options("export", lang, choice)
        lat, lon, zoom = st.session_state.get("live_view") or (state.lat, state.lon, state.zoom)
        view = replace(state, lat=lat, lon=lon, zoom=None if zoom is None else int(zoom))
        bounds = st.session_state.get("bounds")  # the area the map last reported (aggregated maps only)
    st.caption(tr("export_what", lang, what=plain(describe_selection(city, state.query(), lang)), n=len(shown)))
    if shown.empty:
        st.warning(tr("export_nothing", lang))
        return
    asked = (view, bounds, tuple(shown["id"]), choice)

    def build() -> PreparedFile:
        if fmt == VIEW:
            return explorer_view_file(city, shown, view, choice, bounds)
        return export_file(city, shown, state, choice)

    prepare_and_download("export", lang, asked, tr(f"export_fmt_{fmt}", lang), build)
