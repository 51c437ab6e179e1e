"""Report PDFs: a city (or one district) and a planned route, A4 portrait, in Chinese or English.

City and district report, one section per page (a long table continues on the next page):

1. cover: the print map (:func:`culturemap.export.print_map.print_map`) of the city, or zoomed to the
   district with only its assets;
2. counts by layer and grade/level against the published figures of ``city.toml``
   (:func:`culturemap.validate.coverage`): the gap and the named missing assets are listed;
3. the kernel density (:mod:`culturemap.analysis.density`) on the pack's offline basemap;
4. the river corridor profile and the distance bands (:mod:`culturemap.analysis.corridor`);
5. the districts compared and the soft-power index with its formula (:mod:`culturemap.analysis.proximity`);
6. the data sources and the share of approximate positions.

Route report: the map with the numbered stops and the route line, then the itinerary table (order,
name, address, arrival, departure, stay, opening hours, leg distance and time, travel mode), the
totals and, when no road network was used, the words "estimated travel times".

Every page carries its number ("Page 2 of 6"), the date, the city and a source line. The PDF embeds
the CJK glyphs used (Type 3 with a ToUnicode map, see ``render.static.VECTOR_FONTS``), so its text can be searched and copied. Pages are laid
out in millimetres from the top of the page; text is wrapped by its display width (a Chinese
character counts as two Latin ones).
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from adjustText import adjust_text
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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
from culturemap.export.print_map import (
    MM,
    PAPER_MM,
    PrintOptions,
    _draw_basemap,
    _extent,
    basemap_legend_handles,
    draw_north_arrow,
    draw_scale_bar,
    print_map,
)
from culturemap.export.route import day_lines, full_name, totals_text
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, COORD_ACCURACY, LAYERS, MISSING_REASONS, approximate
from culturemap.render.fact_card import display_source
from culturemap.render.route import ROUTE_DAY_COLOURS
from culturemap.render.static import VECTOR_FONTS, use_cjk_font
from culturemap.validate import coverage

PAGE_W, PAGE_H = PAPER_MM["A4"]
MARGIN = 14.0  # mm, left and right, and above the first line
BOTTOM = 20.0  # mm: the footer lies below this
TEXT_W = PAGE_W - 2 * MARGIN
FONT_PT = 8.5
PT_MM = 25.4 / 72  # millimetres per point
CORRIDOR_KM = max(DEFAULT_BANDS_KM)  # the corridor as the analysis page opens
TOP_SOURCES = 8
ROUTE_MAP_MIN_MM = 90.0  # the route map's least height: a route along a river is long and thin
ROUTE_LEGEND_MM = 14.0  # the legend under the route map: its title and a row of entries

Progress = Callable[[int, int], None]  # (steps done, steps in all)


class UnknownDistrictError(ValueError):
    """A district name the city does not have; the message lists the valid ones."""


def _width(text: str) -> int:
    """Display width: 2 for a wide (CJK) character, 1 for any other."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _tokens(paragraph: str):
    """Latin words, single spaces and single wide characters, in order."""
    word = ""
    for ch in paragraph:
        if ch == " " or _width(ch) == 2:
            yield from (word, ch) if word else (ch,)
            word = ""
        else:
            word += ch
    if word:
        yield word


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` display columns (see :func:`_width`): Latin words are
    kept whole where they fit, Chinese may break between any two characters; newlines are kept."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if line.strip() and _width(line + token) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
            while _width(line) > width:  # a word longer than a line
                cut = next(i for i in range(len(line), 0, -1) if _width(line[:i]) <= width)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _columns(width_mm: float, size_pt: float) -> int:
    """Display columns that fit in ``width_mm`` at ``size_pt`` (a Latin character about 0.55 em)."""
    return max(4, int(width_mm / (size_pt * PT_MM * 0.55)))


def _fit_headers(header: list[str], widths_mm: list[float], size_pt: float) -> tuple[list[str], list[float]]:
    """``header`` and ``widths_mm`` such that no header breaks inside a word: a Chinese label wider than
    its column breaks before its unit ("停留\n（分钟）"), and columns too narrow for a header's longest
    piece widen, taking room from the columns that can spare it (unchanged when it cannot all fit)."""
    unit = size_pt * PT_MM * 0.55  # mm per display column, as :func:`_columns`
    pieces = [str(h).replace("（", " （").split() for h in header]
    need = [2.05 + unit * max((_width(p) for p in ps), default=1) for ps in pieces]
    short = sum(max(n - w, 0.0) for n, w in zip(need, widths_mm))
    spare = sum(max(w - n, 0.0) for n, w in zip(need, widths_mm))
    if 0 < short <= spare:
        widths_mm = [n if w <= n else w - (w - n) * short / spare for n, w in zip(need, widths_mm)]
    fits = [_width(h) <= _columns(w - 2.0, size_pt) for h, w in zip(header, widths_mm)]
    return [h if fit else str(h).replace("（", "\n（", 1) for h, fit in zip(header, fits)], widths_mm


class _Document:
    """A4 pages laid out from the top down in millimetres; :meth:`finish` numbers them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.title: str | None = None  # the PDF's Title (default: the place)
        self.pages: list[Figure] = []
        self.drawn_elsewhere: set[int] = set()  # pages with their own date and source line (the cover map)
        self.y = 0.0
        self.ax = None

    def new_page(self) -> None:
        fig = Figure(figsize=(PAGE_W * MM, PAGE_H * MM))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, PAGE_W)
        ax.set_ylim(0, PAGE_H)
        ax.axis("off")
        self.pages.append(fig)
        self.ax, self.y = ax, PAGE_H - MARGIN

    def add_figure(self, fig: Figure) -> None:
        """A page drawn elsewhere (the cover map)."""
        self.drawn_elsewhere.add(len(self.pages))
        self.pages.append(fig)
        self.ax = None

    def room(self, height_mm: float) -> None:
        """Start a new page unless ``height_mm`` fits above the footer."""
        if self.ax is None or self.y - height_mm < BOTTOM:
            self.new_page()

    def text(self, text: str, size: float = FONT_PT, gap: float = 2.0, width_mm: float = TEXT_W, **style) -> None:
        lines = wrap(text, _columns(width_mm, size))
        height = len(lines) * size * PT_MM * 1.45
        self.room(height)
        self.ax.text(MARGIN, self.y, "\n".join(lines), fontsize=size, va="top", ha="left", linespacing=1.45,
                     **style)  # fmt: skip
        self.y -= height + gap

    def heading(self, text: str) -> None:
        self.room(40)  # a heading is never the last line of a page
        self.text(text, size=FONT_PT * 1.7, gap=3.0, fontweight="bold")

    def axes(self, height_mm: float, left_mm: float = MARGIN, width_mm: float = TEXT_W, gap: float = 4.0):
        """An axes ``height_mm`` high below the current line (on a new page when it does not fit)."""
        self.room(height_mm + gap)
        ax = self.pages[-1].add_axes(
            (left_mm / PAGE_W, (self.y - height_mm) / PAGE_H, width_mm / PAGE_W, height_mm / PAGE_H)
        )
        self.y -= height_mm + gap
        return ax

    def table(self, header: list[str], rows: list[list[str]], widths_mm: list[float], size: float = FONT_PT - 1,
              title: str = "", bold_rows: frozenset[int] = frozenset()) -> None:  # fmt: skip
        """A table (matplotlib's) with wrapped cells, rows as high as their longest cell; rows that do
        not fit continue on the next page under the repeated header (and ``title``, marked continued)."""
        scale = TEXT_W / sum(widths_mm)
        header, widths_mm = _fit_headers(header, [w * scale for w in widths_mm], size)
        line_mm = size * PT_MM * 1.3

        def cells(row):
            wrapped = [wrap(str(v), _columns(w - 2.0, size)) for v, w in zip(row, widths_mm)]
            return wrapped, max(len(c) for c in wrapped) * line_mm + 1.8

        head = cells(header)
        body = [cells(r) for r in rows]
        start, first = 0, True
        while start < len(body) or first:
            if not first and title:
                self.room(head[1] + body[start][1] + 12)
                self.text(tr("report_continued", self.lang, title=title), size=FONT_PT * 1.2, fontweight="bold")
            self.room(head[1] + (body[start][1] if body else 0) + 2)
            if first and title:
                self.text(title, size=FONT_PT * 1.2, fontweight="bold")
                self.room(head[1] + (body[start][1] if body else 0) + 2)
            end, used = start, head[1]
            while end < len(body) and self.y - used - body[end][1] >= BOTTOM:
                used += body[end][1]
                end += 1
            end = max(end, min(start + 1, len(body)))  # at least one row per page
            self._draw_table(head, body[start:end], widths_mm, size, used, {i - start for i in bold_rows})
            self.y -= used + 4.0
            start, first = end, False

    def _draw_table(self, head, body, widths_mm, size, height_mm, bold: set[int]) -> None:
        texts = [["\n".join(c) for c in head[0]], *(["\n".join(c) for c in row] for row, _ in body)]
        heights = [head[1], *(h for _, h in body)]
        bbox = (MARGIN / PAGE_W, (self.y - height_mm) / PAGE_H, TEXT_W / PAGE_W, height_mm / PAGE_H)
        table = self.ax.table(cellText=texts, colWidths=[w / TEXT_W for w in widths_mm], cellLoc="left",
                              bbox=bbox)  # fmt: skip
        table.auto_set_font_size(False)
        table.set_fontsize(size)
        for (r, _c), cell in table.get_celld().items():
            cell.set_height(heights[r])
            cell.set_linewidth(0.4)
            cell.set_edgecolor("#999")
            cell.PAD = 0.01
            cell.get_text().set_linespacing(1.3)
            if r == 0:
                cell.set_facecolor("#e8e8e8")
                cell.get_text().set_fontweight("bold")
            elif r - 1 in bold:
                cell.set_facecolor("#fff3c4")
                cell.get_text().set_fontweight("bold")

    def finish(self, where: str, today: date, source: str, progress: Progress | None, done: int, total: int) -> bytes:
        """Number the pages, add the footer (page, place, date, source) and write the PDF."""
        buffer = io.BytesIO()
        n = len(self.pages)
        made = tr("report_made", self.lang, where=where, date=today.isoformat())
        metadata = {"Creator": "culturemap", "Title": self.title or where}
        with mpl.rc_context(VECTOR_FONTS), PdfPages(buffer, metadata=metadata) as pdf:
            for number, fig in enumerate(self.pages, start=1):
                foot = 9.0 / PAGE_H
                if number - 1 not in self.drawn_elsewhere:
                    fig.text(MARGIN / PAGE_W, foot, f"{made}\n{source}", fontsize=6.5, color="#444", va="top",
                             ha="left", linespacing=1.4)  # fmt: skip
                fig.text(1 - MARGIN / PAGE_W, foot, tr("report_page", self.lang, page=number, pages=n), fontsize=7.5,
                         color="#222", va="top", ha="right")  # fmt: skip
                pdf.savefig(fig)
        if progress:  # the fonts are embedded when the file closes
            progress(done + 1, total)
        return buffer.getvalue()


# --------------------------------------------------------------------------- the city report


def find_district(city: City, name: str) -> str:
    """The Chinese name of the district ``name`` (Chinese or English, any case); raises
    :class:`UnknownDistrictError` listing the city's districts."""
    districts = city.layers["districts"]
    for zh, en in zip(districts["name_zh"], districts["name_en"]):
        if name.strip() == zh or name.strip().casefold() == str(en).casefold():
            return zh
    known = ", ".join(f"{zh} ({en})" for zh, en in zip(districts["name_zh"], districts["name_en"]))
    raise UnknownDistrictError(f"unknown district {name!r} in {city.config.name('en')}; choose from {known}")


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


def _no_axis_labels(ax) -> None:
    """Hide the axis titles geopandas sets from the CRS (also those it sets later): a map needs none."""
    ax.xaxis.label.set_visible(False)
    ax.yaxis.label.set_visible(False)


def _cover(doc: _Document, city: City, assets, query: AssetQuery, options: PrintOptions, today: date, area) -> None:
    """The print map of ``assets``; a district's outline (``area``, WGS-84) drawn bold."""
    drawn = print_map(city, assets, query, options, today, area)
    if area is not None:
        outline = gpd.GeoSeries([area], crs="EPSG:4326").to_crs(drawn.crs).boundary
        outline.plot(ax=drawn.ax, color="#333", linewidth=1.8, zorder=2.5)
        drawn.ax.set_xlim(drawn.extent[0], drawn.extent[2])
        drawn.ax.set_ylim(drawn.extent[1], drawn.extent[3])
        _no_axis_labels(drawn.ax)
    doc.add_figure(drawn.figure)


def _counts_section(doc: _Document, city: City, scope: City, district: str | None, assets, lang: str) -> None:
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
              tr("col_approx_share", lang)]  # fmt: skip
    rows = []
    for item in figures:
        share = "" if item["approx_share"] is None else f"{100 * item['approx_share']:.0f}%"
        status = tr(f"status_{item['status']}", lang, gap=abs(item["gap"]))
        rows.append([item["label_zh"] if lang == "zh" else item["label_en"], str(item["published"]), str(item["actual"]),
                     *([str(local[item["id"]]["actual"])] if district else []), status, share])  # fmt: skip
    widths = [70, 20, 20, *([20] if district else []), 30, 22]
    doc.table(header, rows, widths, title=tr("report_coverage", lang))
    sources = sorted({display_source(item["source"])[0] for item in figures})
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
             display_source(m["source"])[0]] for item, m in missing]  # fmt: skip
    doc.table([tr("col_name", lang), tr("col_figure", lang), tr("report_reason", lang), tr("col_figure_source", lang)],
              rows, [45, 45, 30, 60], title=tr("report_missing", lang, n=len(missing)))  # fmt: skip


def _map_axes(doc: _Document, city: City, assets, area, height_mm: float, lang: str):
    """A map axes in the city's metric CRS with the offline basemap, zoomed like the cover map."""
    crs = city.config.metric_crs
    ax = doc.axes(height_mm)
    extent = _extent(city, assets, AssetQuery(), crs, TEXT_W / height_mm, area)
    _draw_basemap(ax, city, crs, extent, FONT_PT * 0.8, lang)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    _no_axis_labels(ax)
    return ax, extent


def _density_section(doc: _Document, city: City, assets, area, lang: str) -> None:
    doc.new_page()
    doc.heading(tr("report_density", lang))
    if len(assets) < 3:
        doc.text(tr("report_too_few", lang, n=3))
        return
    crs = city.config.metric_crs
    points = assets.to_crs(crs).geometry.representative_point()
    scott_m = scott_bandwidth_m(np.column_stack([points.x, points.y]))
    grid = kde(assets, crs, bandwidth_m=min(scott_m, START_BANDWIDTH_MAX_M))
    ax, _ = _map_axes(doc, city, assets, area, 200, lang)
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


def _corridor_section(doc: _Document, city: City, assets, lang: str) -> None:
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


def _districts_section(doc: _Document, city: City, district: str | None, lang: str) -> None:
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


def _sources_section(doc: _Document, city: City, assets, lang: str) -> None:
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
    cited = Counter(display_source(s)[0] for s in assets["source"].dropna())
    doc.text(tr("report_asset_sources", lang, n=len(cited)))
    if cited:
        rows = [[source, str(n)] for source, n in cited.most_common(TOP_SOURCES)]
        doc.table([tr("report_source", lang), tr("report_count", lang)],
                  rows, [160, 20], title=tr("report_top_sources", lang))  # fmt: skip
    figures = sorted({display_source(f.source)[1] for f in city.config.published})
    if figures:
        doc.text(tr("report_figure_sources", lang), size=FONT_PT * 1.2, fontweight="bold")
        for source in figures:
            doc.text(f"· {source}", size=FONT_PT - 0.5)


def city_report(
    city: City, district: str | None = None, lang: str = "zh", today: date | None = None,
    progress: Progress | None = None,
) -> bytes:  # fmt: skip
    """The report PDF of ``city`` (or of one ``district``, Chinese or English name) in ``lang``.

    Parameters
    ----------
    city : the pack.
    district : None for the whole city; else the cover map zooms to the district and every count,
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
    zh_district = find_district(city, district) if district else None
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
    doc = _Document(lang)
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


# --------------------------------------------------------------------------- the route report


def _cell(value, fmt: str = "{}") -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return fmt.format(value)


def _totals_lines(plan, lang: str) -> list[str]:
    """The totals line, a line per day and the way back of a round trip."""
    back = [tr("report_route_return", lang, km=plan.totals["return_leg_km"])] if plan.round_trip else []
    return [totals_text(plan, lang), *day_lines(plan, lang), *back]


def _route_legend(ax, city: City, plan, colours: list[str], lang: str, font_pt: float) -> None:
    """The legend under the route map: a line per day (one "route" line for a one-day plan), the
    numbered stop, and the basemap's river and district boundaries (as on the print maps)."""
    style = {"linewidth": 2.2, "linestyle": (0, (4, 2)) if plan.estimated else "-"}
    label = tr("report_route_straight" if plan.estimated else "route_legend", lang)
    names = [tr("routes_day_n", lang, day=n) for n in range(1, len(colours) + 1)] if len(colours) > 1 else [label]
    days = [Line2D([], [], color=c, label=name, **style) for c, name in zip(colours, names)]
    stop = Line2D([], [], marker="o", markersize=9, markerfacecolor="white", markeredgecolor=colours[0],
                  markeredgewidth=1.2, linestyle="none", label=tr("report_route_stop_legend", lang))  # fmt: skip
    handles = [*days, stop, *basemap_legend_handles(city, lang)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.01), ncol=min(len(handles), 6), frameon=False,
              fontsize=font_pt, title=tr("map_legend", lang), title_fontsize=font_pt, alignment="left",
              handlelength=2.6, columnspacing=1.4, borderaxespad=0.2)  # fmt: skip


def _route_map(doc: _Document, city: City, plan, max_height_mm: float, lang: str) -> None:
    """The route on the offline basemap: each day's path in its colour (the web map's
    :data:`~culturemap.render.route.ROUTE_DAY_COLOURS`, dashed when estimated), a numbered circle per stop
    in its day's colour, a scale bar, a north arrow and a legend below (as the print maps). The map is as
    high as the route's shape asks (between :data:`ROUTE_MAP_MIN_MM` and ``max_height_mm``); numbers of
    stops closer than a circle apart are moved aside (adjustText) with a line to their dot."""
    stops = gpd.GeoDataFrame(plan.stops, geometry=gpd.points_from_xy(plan.stops["lon"], plan.stops["lat"]),
                             crs="EPSG:4326")  # fmt: skip
    path = shapely.LineString(plan.path) if len(plan.path) > 1 else None
    area = shapely.union_all([*stops.geometry, *([path] if path is not None else [])]).envelope.buffer(0.004)
    crs = city.config.metric_crs
    west, south, east, north = gpd.GeoSeries([area], crs="EPSG:4326").to_crs(crs).total_bounds
    shape = (north - south) / max(east - west, 1.0)
    max_height_mm -= ROUTE_LEGEND_MM
    height_mm = float(np.clip(TEXT_W * shape * 1.15, min(ROUTE_MAP_MIN_MM, max_height_mm), max_height_mm))
    ax, extent = _map_axes(doc, city, stops, area, height_mm, lang)
    n_days = max(len(plan.day_paths), 1)
    colours = [ROUTE_DAY_COLOURS[i % len(ROUTE_DAY_COLOURS)] for i in range(n_days)]
    dashes = (0, (4, 2)) if plan.estimated else "-"
    for colour, day_path in zip(colours, plan.day_paths or [plan.path]):
        if len(day_path) > 1:
            line = gpd.GeoSeries([shapely.LineString(day_path)], crs="EPSG:4326").to_crs(crs)
            ax.plot(*line.iloc[0].xy, color=colour, linewidth=2.2, alpha=0.9, linestyle=dashes, zorder=6)
    points = stops.to_crs(crs).geometry
    stop_colours = [colours[(int(day) - 1) % n_days] for day in plan.stops["day"]]
    ax.scatter(points.x, points.y, s=14, color=stop_colours, edgecolors="white", linewidths=0.6, zorder=7)
    size = 8.0 if len(stops) < 10 else 7.0
    labels = [ax.text(x, y, str(order), ha="center", va="center", fontsize=size, fontweight="bold", color=colour,
                      zorder=8, bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": colour, "lw": 1.2})
              for x, y, order, colour in zip(points.x, points.y, plan.stops["order"], stop_colours)]  # fmt: skip
    if len(labels) > 1:
        adjust_text(labels, x=points.x.to_numpy(), y=points.y.to_numpy(), ax=ax, ensure_inside_axes=True,
                    expand=(2.4, 1.9), force_text=(0.4, 0.5), iter_lim=2000,
                    arrowprops={"arrowstyle": "-", "color": "#444", "lw": 0.7})  # fmt: skip
    draw_scale_bar(ax, extent, FONT_PT - 1)
    draw_north_arrow(ax, crs, extent, FONT_PT - 1, lang)
    _route_legend(ax, city, plan, colours, lang, FONT_PT - 1)
    doc.y -= ROUTE_LEGEND_MM


def route_report(city: City, plan, title: str, lang: str = "zh", today: date | None = None,
                 progress: Progress | None = None) -> bytes:  # fmt: skip
    """The report PDF of ``plan`` (:func:`culturemap.routing.itinerary.plan_route`) titled ``title``
    (see :func:`route_title`): the map with numbered stops and the route line, the travel mode, date
    and totals, then the itinerary table and the warnings. ``progress`` as in :func:`city_report`."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected zh or en")
    today = today or date.today()
    use_cjk_font()
    doc = _Document(lang)
    doc.title = title
    doc.new_page()
    doc.text(title, size=FONT_PT * 2.2, gap=3.0, fontweight="bold")
    mode = tr(f"mode_{plan.mode}", lang)
    first_day = plan.stops["date"].iloc[0] if len(plan.stops) else today.isoformat()
    doc.text(f"{tr('report_route_mode', lang, mode=mode)} · {tr('report_route_date', lang, date=first_day)}",
             size=FONT_PT * 1.2)  # fmt: skip
    doc.text(tr("report_route_estimated" if plan.estimated else "report_route_network", lang), size=FONT_PT * 1.1,
             fontweight="bold" if plan.estimated else "normal")  # fmt: skip
    for line in _totals_lines(plan, lang):
        doc.text(line)
    _route_map(doc, city, plan, min(doc.y - BOTTOM - 4, 190), lang)
    if progress:
        progress(1, 3)
    days = plan.totals["days"] > 1
    rows = []
    for r in plan.stops.to_dict("records"):
        first = r["order"] == 1
        rows.append([str(r["order"]), *([str(r["day"])] if days else []), full_name(r, lang, city),
                     _cell(r.get("address")) or tr("report_unknown", lang), r["arrival"], r["departure"],
                     f"{r['dwell_min']:.0f}", _cell(r.get("opening_hours")) or tr("report_unknown", lang),
                     "" if first else f"{r['leg_km']:.2f}", "" if first else f"{r['leg_min']:.0f}",
                     "" if first else mode])  # fmt: skip
    header = [tr("report_col_order", lang), *([tr("col_day", lang)] if days else []), tr("report_col_name", lang),
              tr("report_col_address", lang), tr("report_col_arrival", lang), tr("report_col_departure", lang),
              tr("report_col_dwell", lang), tr("report_col_hours", lang), tr("report_col_leg_km", lang),
              tr("report_col_leg_min", lang), tr("report_col_mode", lang)]  # fmt: skip
    widths = [12, *([9] if days else []), 27, 28, 15, 15, 13, 25, 15, 15, 15]
    doc.table(header, rows, widths, title=tr("report_itinerary", lang))  # below the map when it fits
    warnings = plan.warning_lines(lang)  # the totals and the estimate stand above the map
    if warnings:
        doc.text(tr("report_route_warnings", lang), size=FONT_PT * 1.2, fontweight="bold")
        for line in warnings:
            doc.text(f"· {line}")
    if progress:
        progress(2, 3)
    return doc.finish(city.config.name(lang), today, tr("export_source", lang, city=city.config.name(lang)), progress,
                      2, 3)  # fmt: skip
