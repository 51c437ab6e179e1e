"""The pack's sources page (issue 25): each source of the register once, as a reader would cite it,
with what it supports (layers) and how many rows cite it; shown folded on the Data page."""

from __future__ import annotations

import streamlit as st

from culturemap.catalog.sources import sources_table
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS
from culturemap.ui.context import page_context


def sources_panel() -> None:
    """The sources of the pack of this run, in an expander under the page (nothing without a register)."""
    ctx = page_context()
    city, _assets = ctx.load()
    if not city.sources:
        return
    lang = ctx.lang
    table = sources_table(city.sources, {lid: city.layers[lid] for lid in ASSET_LAYERS}, lang)
    shown = {
        tr("sources_col_citation", lang): table["citation"],
        tr("sources_col_kind", lang): [tr(f"source_kind_{k}", lang) for k in table["kind"]],
        tr("sources_col_layers", lang): [
            ("、" if lang == "zh" else ", ").join(LAYERS[lid].label(lang) for lid in ids.split(", ") if lid)
            for ids in table["layers"]
        ],
        tr("sources_col_rows", lang): table["rows"],
        tr("sources_col_principal", lang): table["principal"],
    }  # fmt: skip
    with st.expander(tr("sources_title", lang) + f" ({len(table)})", expanded=False):
        st.caption(tr("sources_intro", lang))
        st.dataframe(shown, hide_index=True, width="stretch")
