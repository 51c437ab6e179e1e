"""The "Compare" page: two city packs side by side on the same indicators (:func:`city_card`): each
layer per 100 km2 (equal-area) and per 10,000 residents, the district soft-power index, and the
campuses nearest to each heritage cluster; the charts as one matplotlib figure with shared scales,
downloadable as PNG or PDF.

A caveat above the cities states what each pack holds against its published figures
(:func:`culturemap.validate.coverage`, as ``culturemap validate`` reports them): the densities compare
what the packs hold. The figure's alt text says what it shows, and its numbers are in a table behind
a disclosure under it.

The two cities are in the URL (``compare=<id>,<id>``), so a link opens the same comparison.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import streamlit as st

from culturemap.analysis.lens import CityCard
from culturemap.catalog import City, scan_packs
from culturemap.catalog.sources import cite_text
from culturemap.export.figure import FIGURE_FORMATS, figure_bytes
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.render.static import compare_figure
from culturemap.ui.city_cards import card, clusters_table
from culturemap.ui.context import city_label, data_root, data_version, load_pack, page_context
from culturemap.ui.report_panel import compare_reports
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice
from culturemap.validate import coverage

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


def _figures(city: City) -> list[dict]:
    """The pack against its published figures (:func:`culturemap.validate.coverage`), once per pack."""
    if "coverage" not in city.memo:  # the Map page's coverage panel keeps it there too
        city.memo["coverage"] = coverage(city)
    return city.memo["coverage"]


def coverage_line(city: City, lang: str) -> str:
    """One city's part of the caveat: each published figure as "label held/published (as of)", with the
    rows graded after the figure's date (not counted in it, counted in the layer's table) said, then the
    figures' sources as a reader cites them; a pack without published figures says so."""
    figures = _figures(city)
    name = city.config.name(lang)
    if not figures:
        return tr("compare_caveat_city_none", lang, city=name)
    dates = {f["as_of"] for f in figures}
    one_date = len(dates) == 1  # then said once, after the figures
    items = []
    for f in figures:
        notes = [tr("compare_caveat_over", lang)] if f["gap"] < 0 else []
        if f["as_of"] and not one_date:
            notes.append(tr("compare_caveat_as_of", lang, as_of=f["as_of"]))
        if f["graded_after"]:  # held now but graded after the figure's date: the layer's table counts them
            later = "compare_caveat_graded_since" if f["as_of"] and not one_date else "compare_caveat_graded_after"
            notes.append(tr(later, lang, n=len(f["graded_after"]), as_of=f["as_of"]))
        text = tr("compare_caveat_item", lang, label=f["label_zh"] if lang == "zh" else f["label_en"], held=f["actual"],
                  published=f["published"])  # fmt: skip
        if notes:
            text += tr("compare_caveat_notes", lang, notes=("；" if lang == "zh" else "; ").join(notes))
        items.append(text)
    text = ("、" if lang == "zh" else "; ").join(items)
    if one_date and figures[0]["as_of"]:  # said once, after the city's name
        name = tr("compare_caveat_all_as_of", lang, city=name, as_of=figures[0]["as_of"])
    sources = list(dict.fromkeys(cite_text(f["source"], city.sources, lang) for f in figures if f["source"]))
    return tr(
        "compare_caveat_city", lang, city=name, items=text, sources=("；" if lang == "zh" else "; ").join(sources)
    )


def figure_alt(cards: list[CityCard], lang: str) -> str:
    """The comparison figure in words, for a screen reader: what each row of charts shows, each city's
    densest layer per 100 km2, and where the numbers are."""
    title = tr("compare_figure_title", lang, a=cards[0].name(lang), b=cards[1].name(lang))
    densest = ("；" if lang == "zh" else "; ").join(
        tr("compare_alt_densest", lang, city=c.name(lang), layer=LAYERS[c.indicators["per_100km2"].idxmax()].label(lang),
           value=c.indicators["per_100km2"].max())
        for c in cards if c.indicators["per_100km2"].notna().any()
    )  # fmt: skip
    return tr("compare_alt", lang, title=title, densest=densest)


def figure_data(cards: list[CityCard], lang: str) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """The numbers the figure draws: per measure (assets per 100 km2, per 10,000 residents: blank without
    a population), a table of each layer by city; and per city, its districts' soft-power index (0-100) by rank."""
    layers = list(cards[0].indicators.index)
    measures = []
    for column in ("per_100km2", "per_10k_residents"):
        table = pd.DataFrame({tr("col_layer", lang): [LAYERS[lid].label(lang) for lid in layers]})
        for c in cards:
            values = c.indicators[column].reindex(layers)
            table[c.name(lang)] = [None if v != v else round(float(v), 3) for v in values]
        measures.append(table)
    indices = []
    for c in cards:
        index = c.soft_power.sort_values("rank")
        indices.append(
            pd.DataFrame(
                {
                    tr("col_rank", lang): index["rank"].to_numpy(),
                    tr("col_district", lang): index["name_zh" if lang == "zh" else "name_en"].to_numpy(),
                    tr("col_index", lang): index["index"].round(1).to_numpy(),
                }
            )
        )
    return measures, indices


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
    cities = [load_pack(*pack)[0] for pack in packs]
    st.warning(
        "\n".join([tr("compare_caveat", lang), "", *(f"- {plain(coverage_line(city, lang))}" for city in cities)]),
        icon=":material/info:",
    )
    for column, entry_card in zip(st.columns(2), cards):
        _city_column(column, entry_card, lang)
    st.image(png, width="stretch", alt=figure_alt(cards, lang))
    st.caption(tr("compare_index_note", lang))
    with st.expander(tr("compare_figure_data", lang)):
        measures, indices = figure_data(cards, lang)
        for column, label, table in zip(st.columns(2), ("compare_per_100km2", "compare_per_10k"), measures):
            column.markdown(f"**{tr(label, lang)}**")
            column.dataframe(table, hide_index=True)
        for column, entry_card, index in zip(st.columns(2), cards, indices):
            column.markdown(f"**{plain(entry_card.name(lang))} · {tr('compare_index', lang)}**")
            column.dataframe(index, hide_index=True)
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
