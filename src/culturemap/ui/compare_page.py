"""The "Compare" page: two city packs side by side on the same indicators (:func:`city_card`): each
layer per 100 km2 (equal-area) and per 10,000 residents, the district soft-power index, and the
campuses nearest to each heritage cluster; the charts as one matplotlib figure with shared scales,
downloadable as PNG or PDF.

The two cities are in the URL (``compare=<id>,<id>``), so a link opens the same comparison.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import streamlit as st

from culturemap.analysis.lens import CityCard
from culturemap.catalog import scan_packs
from culturemap.export.figure import FIGURE_FORMATS, figure_bytes
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.render.static import compare_figure
from culturemap.ui.city_cards import card, clusters_table
from culturemap.ui.context import city_label, data_root, data_version, page_context
from culturemap.ui.report_panel import compare_reports
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice

MIME = {"png": "image/png", "pdf": "application/pdf"}


def _cards(packs: tuple[tuple[str, str], ...]) -> list[CityCard]:
    return [card(path, version) for path, version in packs]


@st.cache_data(show_spinner=False, max_entries=16)
def _figure(packs: tuple[tuple[str, str], ...], lang: str, fmt: str) -> bytes:
    """The comparison figure of ``packs`` ((path, version) each) as a ``fmt`` file."""
    cards = _cards(packs)
    title = tr("compare_figure_title", lang, a=cards[0].name(lang), b=cards[1].name(lang))
    figure = compare_figure(cards, lang, title)
    try:
        return figure_bytes(figure, fmt)
    finally:
        plt.close(figure)


def _seed_pair(keys: list[str], lang: str) -> None:
    """Seed the two city selectors on a session's first visit: from the URL's ``compare``, else the
    current city and the next pack (a value that names no pack is dropped with a notice)."""
    ss = st.session_state
    if "compare_a" not in ss:
        current = next((k for k in keys if k == ss.get("city")), keys[0])
        wanted = [v for v in str(st.query_params.get("compare", "")).split(",") if v]
        for item in wanted:
            if item not in keys:
                st.toast(tr("app_url_ignored", lang, item=plain(f"compare={item}")))
        known = [k for k in wanted if k in keys]
        first = known[0] if known else current
        ss["compare_a"] = first
        ss["compare_b"] = known[1] if len(known) > 1 else next(k for k in keys if k != first)


def _city_column(column, entry_card: CityCard, lang: str) -> None:
    with column:
        st.subheader(entry_card.name(lang))
        st.caption(tr("compare_area", lang, area=entry_card.area_km2))
        people = entry_card.population
        if people is None:
            st.caption(tr("compare_population_not_given", lang))
        else:
            st.caption(
                tr(
                    "compare_population",
                    lang,
                    residents=people.residents,
                    as_of=people.as_of,
                    source=entry_card.population_source[0 if lang == "zh" else 1],
                )
            )
        table = entry_card.indicators.dropna(axis=1, how="all").round(3)  # per 10,000: only with a population
        table = table.rename(index=lambda lid: LAYERS[lid].label(lang))
        table.columns = [tr(f"col_{c}", lang) if c != "per_100km2" else tr("compare_per_100km2", lang)
                         for c in table.columns]  # fmt: skip
        st.dataframe(table.rename_axis(tr("col_layer", lang)))
        top = entry_card.soft_power.head(3)
        st.caption(
            tr("compare_index", lang) + ": "
            + ("、" if lang == "zh" else ", ").join(
                f"{name} {index:.0f}" for name, index in zip(top["name_zh" if lang == "zh" else "name_en"], top["index"])
            )
        )  # fmt: skip
        st.markdown(f"**{tr('lens_clusters', lang)}**")
        clusters = clusters_table(entry_card, lang)
        if clusters is None:
            st.caption(tr("lens_no_clusters", lang))
        else:
            st.dataframe(clusters, hide_index=True)


def compare_page() -> None:
    """The page: two packs of the data root chosen side by side (kept in the URL), their indicators, the figure
    and its downloads (PNG, PDF); a note instead when fewer than two packs load."""
    ctx = page_context()
    lang = ctx.lang
    st.title(tr("compare_title", lang))
    root = data_root()
    entries = {e.key: e for e in scan_packs(root) if e.error is None}
    if len(entries) < 2:
        st.info(tr("compare_need_two", lang, path=root.name, n=len(entries)))
        return
    st.caption(tr("compare_intro", lang))
    keys = list(entries)
    _seed_pair(keys, lang)
    left, right = st.columns(2)
    a = choice(
        "selectbox",
        tr("compare_city_a", lang),
        keys,
        key="compare_a",
        format_func=lambda k: city_label(entries[k]),
        container=left,
    )
    b = choice(
        "selectbox",
        tr("compare_city_b", lang),
        keys,
        key="compare_b",
        format_func=lambda k: city_label(entries[k]),
        container=right,
    )
    st.query_params["compare"] = f"{a},{b}"
    if a == b:
        st.warning(tr("compare_same", lang))
        return
    packs = tuple((str(entries[k].path), data_version(entries[k].path)) for k in (a, b))
    with st.spinner(tr("analysis_computing", lang)):
        cards = _cards(packs)
        png = _figure(packs, lang, "png")
    for column, entry_card in zip(st.columns(2), cards):
        _city_column(column, entry_card, lang)
    # its text alternative: the title here, its numbers in the two cities' tables above
    st.image(png, width="stretch", alt=tr("compare_figure_title", lang, a=cards[0].name(lang), b=cards[1].name(lang)))
    st.caption(tr("compare_index_note", lang))
    name = f"compare-{cards[0].city_id}-{cards[1].city_id}"
    for column, fmt in zip(st.columns(len(FIGURE_FORMATS)), FIGURE_FORMATS):
        column.download_button(
            tr("compare_download", lang, fmt=fmt.upper()),
            (lambda fmt=fmt: _figure(packs, lang, fmt)) if fmt != "png" else png,
            file_name=f"{name}.{fmt}",
            mime=MIME[fmt],
            on_click="ignore",
            key=f"compare_download_{fmt}",
            icon=":material/download:",
        )
    compare_reports(packs, cards, lang)
