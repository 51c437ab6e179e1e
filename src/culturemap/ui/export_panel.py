"""The "Export" panel of the map page: the current selection as a print map, an HTML page or data.

Nothing is drawn until the user opens the panel and presses "Prepare": the file is then built once
into the session (the panel is a fragment, so its widgets rerun only the panel) and offered for
download. The files come from the same function as ``culturemap export``
(:func:`culturemap.export.selection.write_selection`).
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import streamlit as st

from culturemap.catalog import City
from culturemap.export import EXPORT_FORMATS, PRINT_FORMATS
from culturemap.i18n import tr
from culturemap.ui.state import ViewState

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
_WAS_OPEN = "export_was_open"
_PREPARED = "export_prepared"  # session key: (what was asked, file name, mime type, bytes)


@dataclass(frozen=True)
class ExportChoice:
    """What to export: ``fmt`` (one of :data:`culturemap.export.EXPORT_FORMATS`); for a
    print map the paper, orientation and PNG resolution (dots per inch); the title (None: the
    default, from the city and the filters)."""

    fmt: str = "pdf"
    paper: str = "A4"
    landscape: bool = False
    dpi: int = 300
    title: str | None = None


class EmptySelection(ValueError):
    """The selection holds no asset: there is nothing to export."""


def export_file(
    city: City, shown: gpd.GeoDataFrame, state: ViewState, choice: ExportChoice, today: date | None = None
) -> tuple[str, str, bytes]:
    """The file of ``shown`` (the rows the filters of ``state`` keep, WGS-84) in ``choice.fmt``.

    Returns (file name ``<city id>-<yyyy-mm-dd>.<ext>``, mime type, bytes). Raises
    :class:`EmptySelection` when ``shown`` is empty and ValueError for an unknown format.
    """
    from culturemap.export.print_map import PrintOptions
    from culturemap.export.selection import write_selection

    if shown.empty:
        raise EmptySelection("the selection holds no asset")
    today = today or date.today()
    name = f"{city.config.id}-{today.isoformat()}.{choice.fmt}"
    options = PrintOptions(paper=choice.paper, landscape=choice.landscape, dpi=choice.dpi,
                           lang=state.lang or city.config.default_lang, title=choice.title)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="culturemap-export-") as folder:
        path = write_selection(
            city, shown, state.query(), choice.fmt, Path(folder) / name, options, state.basemap, today
        )
        return name, MIME_TYPES[choice.fmt], path.read_bytes()


@st.fragment
def export_panel(city: City, shown: gpd.GeoDataFrame, state: ViewState) -> None:
    """A folded panel: open, it offers a format and its options; "Prepare" builds the file, then a
    button downloads it. Closed, it draws nothing inside (opening it reruns only this fragment).

    A prepared file is offered only while the selection and the options are those it was built from.
    """
    lang = state.lang or city.config.default_lang
    # the label changes with the language, and so the widget: the last state keeps it open
    was_open = bool(st.session_state.get(_WAS_OPEN))
    panel = st.expander(tr("export_panel", lang), expanded=was_open, icon=":material/download:", key="export_open",
                        on_change="rerun")  # fmt: skip
    st.session_state[_WAS_OPEN] = panel.open
    if panel.open:
        with panel:
            _panel_body(city, shown, state, lang)


def _panel_body(city: City, shown: gpd.GeoDataFrame, state: ViewState, lang: str) -> None:
    # imported here: matplotlib and the GIS writers load when the panel is first opened, not with the page
    from culturemap.export.print_map import PAPER_MM, PRINT_DPIS, default_title, describe_selection

    fmt = st.selectbox(tr("export_format", lang), EXPORT_FORMATS, key="export_format",
                       format_func=lambda f: tr(f"export_fmt_{f}", lang))  # fmt: skip
    choice = ExportChoice(fmt=fmt)
    if fmt in PRINT_FORMATS:
        left, middle, right = st.columns(3)
        paper = left.selectbox(tr("export_paper", lang), tuple(PAPER_MM), key="export_paper")
        landscape = middle.checkbox(tr("export_landscape", lang), key="export_landscape")
        dpi = right.selectbox(tr("export_dpi", lang), PRINT_DPIS, index=len(PRINT_DPIS) - 1, key="export_dpi",
                              disabled=fmt != "png")  # fmt: skip
        choice = replace(choice, paper=paper, landscape=landscape, dpi=dpi)
    if fmt in (*PRINT_FORMATS, "html"):
        title = st.text_input(tr("export_map_title", lang), value=default_title(city, lang), key=f"export_title~{lang}")
        if title.strip() and title.strip() != default_title(city, lang):
            choice = replace(choice, title=title.strip())
    st.caption(tr("export_what", lang, what=describe_selection(city, state.query(), lang), n=len(shown)))
    if shown.empty:
        st.warning(tr("export_nothing", lang))
        return
    asked = (replace(state, lat=None, lon=None, zoom=None), tuple(shown["id"]), choice)
    if st.button(tr("export_prepare", lang), key="export_prepare", type="primary"):
        with st.spinner(tr("export_building", lang, fmt=tr(f"export_fmt_{fmt}", lang))):
            try:
                st.session_state[_PREPARED] = (asked, *export_file(city, shown, state, choice))
            except Exception as error:  # shown to the user, never as a traceback
                log.exception("export of %s failed", fmt)
                st.session_state.pop(_PREPARED, None)
                st.error(tr("export_failed", lang, error=error))
    prepared = st.session_state.get(_PREPARED)
    if prepared and prepared[0] == asked:
        _asked, name, mime, data = prepared
        st.download_button(tr("export_download", lang, name=name, kb=len(data) / 1024), data, file_name=name,
                           mime=mime, on_click="ignore", key="export_download", icon=":material/download:")  # fmt: skip
