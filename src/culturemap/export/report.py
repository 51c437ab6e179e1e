"""The city report PDF: a city (or one district), A4 portrait, in Chinese or English, one section per page
(a long table continues on the next page):

1. cover: the print map (:func:`culturemap.export.print_map.print_map`) of the city; for a district, the
   district's page of the district atlas (:func:`culturemap.export.atlas.district_page`: its counts against
   the city's, its map with the numbered assets and an inset of a crowded centre, and the key);
2. counts by layer and grade/level against the published figures of ``city.toml``
   (:func:`culturemap.validate.coverage`): the gap and the named missing assets are listed;
3. the kernel density (:mod:`culturemap.analysis.density`) on the pack's offline basemap;
4. the river corridor profile and the distance bands (:mod:`culturemap.analysis.corridor`);
5. the districts compared and the soft-power index with its formula (:mod:`culturemap.analysis.proximity`);
6. the data sources and the share of approximate positions.

Every page carries its number ("Page 2 of 6"), the date, the city and a source line; the pages are laid
out by :class:`culturemap.export.document.Document`. The route report is
:mod:`culturemap.export.route_report`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from culturemap.analysis.corridor import (
    DEFAULT_BANDS_KM,
    PROFILE_BIN_KM,
    band_counts,
    corridor_profile,
    linear_reference,
    river_length_km,
)
from culturemap.analysis.density import START_BANDWIDTH_MAX_M, contour_polygons, kde, scott_bandwidth_m
from culturemap.analysis.districts import district_summary
from culturemap.analysis.proximity import COMPONENTS, DEFAULT_WEIGHTS, FORMULA, soft_power_index
from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import City
from culturemap.catalog.sources import cite_text, sources_table
from culturemap.export.document import (
    FONT_PT,
    MARGIN,
    TEXT_W,
    Document,
    Progress,
    map_axes,
)
from culturemap.export.print_map import PrintOptions, describe_selection, print_map
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, COORD_ACCURACY, LAYERS, MISSING_REASONS, approximate
from culturemap.render.static import use_cjk_font
from culturemap.validate import coverage

CORRIDOR_KM = max(DEFAULT_BANDS_KM)  # the corridor as the analysis page opens


def _district_city(city: City, district: str) -> City:
    """``city`` with only the assets of ``district`` (by their ``district`` field, as the explorer's filter)."""
    layers = {
        lid: frame[frame["district"] == district] if LAYERS[lid].assets and "district" in frame else frame
        for lid, frame in city.layers.items()
    }
    return replace(city, layers=layers, memo={})


def _district_name(city: City, district: str, lang: str) -> str:
    districts = city.layers["districts"]
    return district if lang == "zh" else str(districts.loc[districts["name_zh"] == district, "name_en"].iloc[0])


def _class_counts(frame: pd.DataFrame, lid: str, lang: str) -> str:
    spec = LAYERS[lid]
    if not spec.class_field or spec.class_field not in frame or not len(frame):
        return ""
    vocabulary = spec.class_vocabulary
    counts = frame[spec.class_field].fillna("?").value_counts()
    known = vocabulary.values if vocabulary else ()
    order = [v for v in known if v in counts.index] + [v for v in counts.index if v not in known]
    return " · ".join(f"{vocabulary.label(v, lang) if v in known else v} {counts[v]}" for v in order)


def _cover(doc: Document, city: City, assets, query: AssetQuery, options: PrintOptions, today: date, area) -> None:
    """The print map of ``assets``, then the map's page of its crowded centre and its key's pages, if it has
    them; for one district (``query.districts``) its page of the district atlas instead: the district
    report is one page of the atlas."""
    if query.districts:
        from culturemap.export.atlas import district_page  # the atlas builds on this module's sections

        district_page(doc, city, query.districts[0], options.lang, options.title)
        return
    drawn = print_map(city, assets, query, options, today, area)
    doc.add_figure(drawn.figure)
    for page in (*drawn.detail_pages, *drawn.key_pages):  # the crowded centre and the key, with the report's footer
        doc.pages.append(page)


def _counts_section(doc: Document, city: City, scope: City, district: str | None, assets, lang: str) -> None:
    doc.new_page()
    doc.heading(tr("report_counts", lang))
    rows = []
    for lid in ASSET_LAYERS:
        frame = assets[assets["layer"] == lid]
        approx = int(approximate(frame).sum())
        rows.append([LAYERS[lid].label(lang), str(len(frame)), _class_counts(frame, lid, lang), str(approx)])
    rows.append([tr("col_total", lang), str(len(assets)), "",
                 str(int(approximate(assets).sum()))])  # fmt: skip
    doc.table([tr("col_layer", lang), tr("report_count", lang), tr("report_by_class", lang),
               COORD_ACCURACY.label("approx", lang)], rows, [56, 14, 86, 24],
              title=tr("report_by_layer", lang))  # fmt: skip

    figures = coverage(city)
    local = {item["id"]: item for item in coverage(scope)} if district else {}
    header = [tr("col_figure", lang), tr("col_published", lang), tr("col_in_pack", lang),
              *([tr("report_in_district", lang)] if district else []), tr("col_gap", lang),
              tr("col_as_of", lang), tr("col_approx_share", lang)]  # fmt: skip
    rows = []
    for item in figures:
        share = "" if item["approx_share"] is None else f"{100 * item['approx_share']:.0f}%"
        status = tr(f"status_{item['status']}", lang, gap=abs(item["gap"]))
        rows.append([item["label_zh"] if lang == "zh" else item["label_en"], str(item["published"]), str(item["actual"]),
                     *([str(local[item["id"]]["actual"])] if district else []), status, item["as_of"] or "", share])  # fmt: skip
    widths = [62, 18, 18, *([20] if district else []), 28, 20, 20]
    doc.table(header, rows, widths, title=tr("report_coverage", lang))
    for item in figures:  # the rows a figure's date leaves out (graded after it), named
        if item["graded_after"]:
            names = ("、" if lang == "zh" else ", ").join(
                f"{g['name_zh']} ({g['grade_since']})" for g in item["graded_after"]
            )
            label = item["label_zh"] if lang == "zh" else item["label_en"]
            doc.text(f"{label}: " + tr("report_graded_after", lang, date=item["as_of"], names=names),
                     size=FONT_PT - 1, color="#333")  # fmt: skip
    sources = list(dict.fromkeys(cite_text(item["source"], city.sources, lang) for item in figures))
    doc.text(tr("report_coverage_note", lang, sources="; ".join(sources)), size=FONT_PT - 1, color="#333")
    if district:
        doc.text(tr("report_coverage_district_note", lang, district=_district_name(city, district, lang)),
                 size=FONT_PT - 1, color="#333")  # fmt: skip
    missing = [(item, m) for item in figures for m in item["missing"]]
    if not missing:
        doc.text(tr("report_missing_none", lang))
        return
    rows = [[m["name_zh"] if lang == "zh" or not m["name_en"] else f"{m['name_en']} ({m['name_zh']})",
             item["label_zh"] if lang == "zh" else item["label_en"], MISSING_REASONS.label(m["reason"], lang),
             cite_text(m["source"], city.sources, lang)] for item, m in missing]  # fmt: skip
    doc.table([tr("col_name", lang), tr("col_figure", lang), tr("report_reason", lang), tr("col_figure_source", lang)],
              rows, [45, 45, 30, 60], title=tr("report_missing", lang, n=len(missing)))  # fmt: skip


def _density_section(doc: Document, city: City, assets, area, lang: str) -> None:
    doc.new_page()
    doc.heading(tr("report_density", lang))
    if len(assets) < 3:
        doc.text(tr("report_too_few", lang, n=3))
        return
    crs = city.config.metric_crs
    points = assets.to_crs(crs).geometry.representative_point()
    scott_m = scott_bandwidth_m(np.column_stack([points.x, points.y]))
    grid = kde(assets, crs, bandwidth_m=min(scott_m, START_BANDWIDTH_MAX_M))
    ax, _ = map_axes(doc, city, assets, area, 200, lang)
    minx, miny, maxx, maxy = grid.bounds()
    shown = np.ma.masked_less_equal(grid.values, grid.values.max() * 0.02)
    image = ax.imshow(shown, origin="lower", extent=(minx, maxx, miny, maxy), cmap="magma_r", alpha=0.75,
                      interpolation="bilinear", zorder=3.5)  # fmt: skip
    contour_polygons(grid).boundary.plot(ax=ax, color="#111", linewidth=0.7, zorder=5)
    ax.scatter(points.x, points.y, s=3, color="black", zorder=6)
    colorbar = doc.pages[-1].colorbar(image, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02, shrink=0.6)
    colorbar.set_label(tr("density_unit", lang), fontsize=FONT_PT - 1)
    colorbar.ax.tick_params(labelsize=FONT_PT - 1.5)
    doc.y -= 8
    note = tr("report_density_note", lang, n=len(assets), bw=grid.bandwidth_m, scott=scott_m,
              top=START_BANDWIDTH_MAX_M, cell=grid.cell_m)  # fmt: skip
    doc.text(note, size=FONT_PT - 0.5)


def _corridor_section(doc: Document, city: City, assets, lang: str) -> None:
    river = city.layers["river"]
    name = city.config.river_name_zh if lang == "zh" else city.config.river_name_en
    doc.new_page()
    doc.heading(tr("report_corridor", lang, river=name))
    if river.empty or not len(assets):
        doc.text(tr("report_no_river", lang) if river.empty else tr("report_too_few", lang, n=1))
        return
    crs = city.config.metric_crs
    ref = linear_reference(assets, river, crs)
    near = (ref["distance_m"] <= CORRIDOR_KM * 1000).to_numpy()
    length = river_length_km(river, crs)
    profile = corridor_profile(ref["chainage_km"].to_numpy()[near], assets["layer"][near], PROFILE_BIN_KM, length)
    doc.text(tr("report_corridor_note", lang, km=CORRIDOR_KM, n=int(near.sum()), total=len(assets), bin=PROFILE_BIN_KM,
                length=length))  # fmt: skip
    doc.y -= 12  # the legend, above the chart
    ax = doc.axes(80, left_mm=MARGIN + 12, width_mm=TEXT_W - 14, gap=14)
    bottom = np.zeros(len(profile))
    for lid in ASSET_LAYERS:
        if lid in profile and profile[lid].sum():
            ax.bar(profile["start_km"] + PROFILE_BIN_KM / 2, profile[lid], width=PROFILE_BIN_KM * 0.9, bottom=bottom,
                   color=LAYERS[lid].color, label=LAYERS[lid].label(lang))  # fmt: skip
            bottom += profile[lid].to_numpy()
    ax.set_xlim(0, max(length, PROFILE_BIN_KM))
    ax.set_xlabel(tr("report_chainage", lang), fontsize=FONT_PT)
    ax.set_ylabel(tr("report_assets_axis", lang), fontsize=FONT_PT)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(labelsize=FONT_PT - 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=FONT_PT - 1, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3)
    bands = band_counts(ref["distance_m"].to_numpy(), assets["layer"], DEFAULT_BANDS_KM)
    shown = [lid for lid in ASSET_LAYERS if lid in bands and bands[lid].sum()]
    rows = [[band, *(str(r[lid]) for lid in shown), str(r["total"]), str(r["cumulative"])]
            for band, r in zip(bands["band"], bands.to_dict("records"))]  # fmt: skip
    doc.table([tr("col_band", lang), *(LAYERS[lid].label(lang) for lid in shown), tr("col_total", lang),
               tr("col_cumulative", lang)], rows, [22, *([20] * len(shown)), 14, 14],
              title=tr("report_bands", lang))  # fmt: skip


def _districts_section(doc: Document, city: City, district: str | None, lang: str) -> None:
    doc.new_page()
    doc.heading(tr("report_districts", lang))
    crs = city.config.metric_crs
    districts = city.layers["districts"]
    name_field = "name_zh" if lang == "zh" else "name_en"
    summary = district_summary(districts, city.assets(), crs)
    shown = [lid for lid in ASSET_LAYERS if summary[lid].sum()]
    rows = [[str(r[name_field]), f"{r['area_km2']:,.0f}", *(str(r[lid]) for lid in shown), str(r["total"]),
             f"{r['per_100km2']:.1f}"] for r in summary.to_dict("records")]  # fmt: skip
    bold = frozenset(i for i, zh in enumerate(summary["name_zh"]) if zh == district)
    doc.table([tr("col_district", lang), tr("col_area_km2", lang), *(LAYERS[lid].label(lang) for lid in shown),
               tr("col_total", lang), tr("col_per_100km2", lang)], rows, [22, 16, *([17] * len(shown)), 12, 18],
              title=tr("analysis_districts", lang), bold_rows=bold)  # fmt: skip
    doc.text(tr("report_districts_note", lang), size=FONT_PT - 1, color="#333")

    index = soft_power_index(districts, city.layers, crs)
    rows = [[str(r["rank"]), str(r[name_field]), f"{r['index']:.1f}",
             *(f"{r[f'{c}_norm']:.2f}" for c in COMPONENTS)] for r in index.to_dict("records")]  # fmt: skip
    bold = frozenset(i for i, zh in enumerate(index["name_zh"]) if zh == district)
    doc.table([tr("col_rank", lang), tr("col_district", lang), tr("col_index", lang),
               *(tr(f"component_{c}", lang) for c in COMPONENTS)], rows, [12, 24, 16, *([18] * len(COMPONENTS))],
              title=tr("analysis_index", lang), bold_rows=bold)  # fmt: skip
    doc.text(tr("report_index_note", lang), size=FONT_PT - 1, color="#333")
    ax = doc.axes(8 + 6 * len(index), left_mm=MARGIN + 22, width_mm=TEXT_W - 30, gap=8)
    colours = ["#d62728" if zh == district else "#6a51a3" for zh in index["name_zh"]]
    ax.barh(index[name_field].astype(str)[::-1], index["index"][::-1], color=colours[::-1])
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("chart_index", lang), fontsize=FONT_PT - 1)
    ax.tick_params(labelsize=FONT_PT - 1)
    ax.spines[["top", "right"]].set_visible(False)
    doc.text(tr("report_formula", lang), size=FONT_PT * 1.2, fontweight="bold")
    doc.text(FORMULA[lang])
    weights = ", ".join(f"{tr(f'component_{c}', lang)} {DEFAULT_WEIGHTS[c]:g}" for c in COMPONENTS)
    doc.text(tr("report_weights", lang, weights=weights))


def _sources_section(doc: Document, city: City, assets, lang: str) -> None:
    doc.new_page()
    doc.heading(tr("report_sources", lang))
    rows = []
    for lid in ASSET_LAYERS:
        frame = assets[assets["layer"] == lid]
        if len(frame):
            counts = frame["coord_accuracy"].value_counts()
            approx = int(approximate(frame).sum())
            rows.append([LAYERS[lid].label(lang), str(len(frame)), *(str(counts.get(a, 0)) for a in COORD_ACCURACY.values),
                         f"{100 * approx / len(frame):.0f}%"])  # fmt: skip
    doc.table([tr("col_layer", lang), tr("report_count", lang), *(COORD_ACCURACY.label(a, lang) for a in COORD_ACCURACY.values),
               tr("col_approx_share", lang)], rows, [40, 16, *([26] * len(COORD_ACCURACY.values)), 22],
              title=tr("report_accuracy_table", lang))  # fmt: skip
    approx = int(approximate(assets).sum())
    doc.text(tr("report_approx_total", lang, n=approx, total=len(assets), pct=100 * approx / max(len(assets), 1)))
    figures = list(dict.fromkeys(cite_text(f.source, city.sources, lang) for f in city.config.published))
    if figures:
        doc.text(tr("report_figure_sources", lang), size=FONT_PT * 1.2, fontweight="bold")
        for source in figures:
            doc.text(f"· {source}", size=FONT_PT - 0.5)
    # the sources page: each source of the register once, what it supports and how many rows cite it
    table = sources_table(city.sources, {lid: assets[assets["layer"] == lid] for lid in ASSET_LAYERS}, lang)
    table = table[table["rows"] > 0]
    doc.text(tr("report_asset_sources", lang, n=len(table)))
    if len(table):
        sep = "、" if lang == "zh" else ", "
        rows = [[citation, tr(f"source_kind_{kind}", lang), sep.join(LAYERS[lid].label(lang) for lid in ids.split(", ")),
                 str(n), str(principal)]
                for citation, kind, ids, n, principal in table[["citation", "kind", "layers", "rows", "principal"]]
                .itertuples(index=False)]  # fmt: skip
        doc.table([tr("sources_col_citation", lang), tr("sources_col_kind", lang), tr("sources_col_layers", lang),
                   tr("sources_col_rows", lang), tr("sources_col_principal", lang)],
                  rows, [88, 24, 40, 12, 16], title=tr("sources_title", lang))  # fmt: skip


def city_report(
    city: City, district: str | None = None, lang: str = "zh", today: date | None = None,
    progress: Progress | None = None,
) -> bytes:  # fmt: skip
    """The report PDF of ``city`` (or of one ``district``, Chinese or English name) in ``lang``.

    Parameters
    ----------
    city : the pack.
    district : None for the whole city; else the first page is the district's page of the district atlas
        (:func:`culturemap.export.atlas.district_page`), and every count,
        the density and the corridor profile use only its assets (by their ``district`` field, as
        the explorer's district filter); the published figures are the city's, shown beside the
        district's counts; the district is highlighted in the comparison.
    lang : ``zh`` or ``en``.
    today : the date on every page (default: today).
    progress : called with (steps done, steps in all) after each section.

    Raises
    ------
    UnknownDistrictError
        for a district the city does not have (the message lists them).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected zh or en")
    today = today or date.today()
    use_cjk_font()
    zh_district = city.district(district)[0] if district else None
    assets, query, area, scope = city.assets(), AssetQuery(), None, city
    where = city.config.name(lang)
    if zh_district:
        query = AssetQuery(districts=(zh_district,))
        assets = select_assets(assets, query)
        districts = city.layers["districts"]
        area = districts.loc[districts["name_zh"] == zh_district].geometry.union_all()
        scope = _district_city(city, zh_district)
        name = _district_name(city, zh_district, lang)
        title = tr("report_district_title", lang, city=where, district=name)
        where = f"{where} · {name}"
    else:
        title = tr("report_city_title", lang, city=where)
    doc = Document(lang)
    what = describe_selection(city, query, lang)
    doc.title = title
    doc.subject = tr("report_subject", lang, where=city.config.name(lang), what=what, n=len(assets))
    sections = [
        lambda: _cover(doc, city, assets, query, PrintOptions(lang=lang, title=title), today, area),
        lambda: _counts_section(doc, city, scope, zh_district, assets, lang),
        lambda: _density_section(doc, city, assets, area, lang),
        lambda: _corridor_section(doc, city, assets, lang),
        lambda: _districts_section(doc, city, zh_district, lang),
        lambda: _sources_section(doc, city, assets, lang),
    ]
    total = len(sections) + 1
    for done, section in enumerate(sections, start=1):
        section()
        if progress:
            progress(done, total)
    return doc.finish(where, today, tr("export_source", lang, city=city.config.name(lang)), progress, len(sections),
                      total)  # fmt: skip
