"""The comparison report PDF of two city packs, A4 portrait, in Chinese or English: what the Compare page shows.

1. per city: its area and population (with the source), the assets of each layer and their density per
   100 km2 and per 10,000 residents (:class:`~culturemap.analysis.lens.CityCard`), then what the pack holds
   against each published figure of its ``city.toml`` (:func:`culturemap.validate.coverage`) with the
   figure's source: a density compares what the packs hold, so a pack short of a published figure
   understates its city;
2. the comparison figure (:func:`culturemap.render.static.compare_figure`) on a page of its own.

The pages are laid out by :class:`culturemap.export.document.Document`.
"""

from __future__ import annotations

from datetime import date

import matplotlib.pyplot as plt

from culturemap.analysis.lens import CityCard
from culturemap.catalog import City
from culturemap.catalog.sources import cite_text
from culturemap.export.document import FONT_PT, Document, Progress
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.render.static import compare_figure, use_cjk_font
from culturemap.validate import coverage


def _number(value: float, digits: int = 2) -> str:
    return "" if value != value else f"{value:,.{digits}f}"  # NaN (no population): blank


def _city_section(doc: Document, city: City, card: CityCard, lang: str) -> None:
    """One city: area, population, the layers' counts and densities, and the published figures."""
    doc.text(card.name(lang), size=FONT_PT * 1.45, fontweight="bold")
    people = card.population
    lines = [tr("compare_area", lang, area=card.area_km2)]
    if people is None:
        lines.append(tr("compare_population_not_given", lang))
    else:
        source = card.population_source[0 if lang == "zh" else 1]
        lines.append(tr("compare_population", lang, residents=people.residents, as_of=people.as_of, source=source))
    doc.text("\n".join(lines))
    rows = [[LAYERS[lid].label(lang), str(int(r["count"])), _number(r["per_100km2"]), _number(r["per_10k_residents"])]
            for lid, r in card.indicators.iterrows()]  # fmt: skip
    doc.table([tr("col_layer", lang), tr("col_count", lang), tr("compare_per_100km2", lang), tr("compare_per_10k", lang)],
              rows, [60, 20, 30, 30], title=tr("report_compare_indicators", lang))  # fmt: skip
    figures = coverage(city)
    if not figures:
        doc.text(tr("report_compare_no_figures", lang), size=FONT_PT - 0.5, color="#333")
        return
    rows = [[f["label_zh"] if lang == "zh" else f["label_en"], str(f["published"]), str(f["actual"]),
             f["as_of"] or "", cite_text(f["source"], city.sources, lang)] for f in figures]  # fmt: skip
    doc.table([tr("col_figure", lang), tr("col_published", lang), tr("col_in_pack", lang), tr("col_as_of", lang),
               tr("col_figure_source", lang)], rows, [48, 16, 16, 18, 82],
              title=tr("report_compare_coverage", lang))  # fmt: skip


def compare_report(
    cities: list[City], cards: list[CityCard], lang: str = "zh", today: date | None = None,
    progress: Progress | None = None,
) -> bytes:  # fmt: skip
    """The comparison report PDF of ``cities`` (two packs, with their ``cards`` from
    :func:`~culturemap.analysis.lens.city_card`, in the same order) in ``lang``.

    ``today``: the date on every page (default: today); ``progress`` is called with (steps done, steps
    in all) after each part, as in :func:`culturemap.export.report.city_report`.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected zh or en")
    if len(cities) != 2 or len(cards) != 2:
        raise ValueError(f"a comparison needs two cities and their cards, got {len(cities)} and {len(cards)}")
    today = today or date.today()
    use_cjk_font()
    title = tr("compare_figure_title", lang, a=cards[0].name(lang), b=cards[1].name(lang))
    doc = Document(lang)
    doc.title = title
    doc.new_page()
    doc.heading(title)
    doc.text(tr("compare_intro", lang))
    doc.text(tr("report_compare_caveat", lang), color="#a50f15")
    for city, card in zip(cities, cards):
        _city_section(doc, city, card, lang)
    doc.text(tr("compare_index_note", lang), size=FONT_PT - 0.5, color="#333")
    total = 3
    if progress:
        progress(1, total)
    figure = compare_figure(cards, lang, title)
    plt.close(figure)  # out of pyplot's list: the document holds it until the file is written
    doc.add_figure(figure)
    if progress:
        progress(2, total)
    where = " · ".join(card.name(lang) for card in cards)
    source = tr("report_compare_source", lang, a=cards[0].name(lang), b=cards[1].name(lang))
    return doc.finish(where, today, source, progress, 2, total)
