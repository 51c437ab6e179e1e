"""Static figures (matplotlib) for reports: density maps and corridor profiles. No file I/O here."""

from __future__ import annotations

import functools
import shutil
import subprocess

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from culturemap.analysis.density import DensityGrid  # noqa: E402
from culturemap.i18n import tr  # noqa: E402
from culturemap.layers import LAYERS  # noqa: E402

# the web map's marker shapes (layers.LayerSpec.shape, render.fact_card._SHAPES) as matplotlib markers
MARKERS = {"star": "*", "square": "s", "diamond": "D", "triangle": "^", "hexagon": "H", "circle": "o"}
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei")


def _fontconfig_cjk_fonts() -> dict[str, list[str]]:
    """Family -> font files (one per weight) of the fonts fontconfig says cover Simplified Chinese
    (empty without fontconfig)."""
    if shutil.which("fc-list") is None:
        return {}
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file", "family"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    fonts = {}
    for line in listing.splitlines():
        path, _, families = line.partition(": ")
        for family in families.split(","):
            fonts.setdefault(family.strip(), []).append(path.strip())
    return fonts


@functools.cache
def cjk_font() -> str | None:
    """The name of an installed CJK font matplotlib can use, or None.

    Matplotlib's font list is a cache built when it first ran; a font installed later is missing
    from it (and Chinese text would come out as boxes), so ask fontconfig and register the file.
    """
    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    found = _fontconfig_cjk_fonts()
    for name in (*CJK_FONTS, *sorted(found)):
        if name in found:
            for path in sorted(set(found[name])):
                font_manager.fontManager.addfont(path)
            if name in {f.name for f in font_manager.fontManager.ttflist}:
                return name
    return None


# Fonts in saved vector files. PDFs embed the glyphs used as Type 3 fonts (pdf.fonttype 3) with a
# ToUnicode map, so Chinese text can be searched and copied. Type 42 (TrueType) would make matplotlib run
# fontTools' subsetter over the whole Noto Sans CJK font once per face and per glyph subset (a ligature or
# an alternate glyph opens another subset): three runs and 3 of the 6 s of the Lanzhou city report, and
# poppler warns on the result (CFF outlines declared as TrueType). SVG text becomes paths.
VECTOR_FONTS = {"pdf.fonttype": 3, "ps.fonttype": 3, "svg.fonttype": "path"}


def use_cjk_font() -> str | None:
    """Put a CJK font (see :func:`cjk_font`) first in matplotlib's sans-serif list; return its name."""
    name = cjk_font()
    if name is not None and plt.rcParams["font.sans-serif"][:1] != [name]:
        plt.rcParams["font.sans-serif"] = [name, *(f for f in plt.rcParams["font.sans-serif"] if f != name)]
        plt.rcParams["axes.unicode_minus"] = False
    return name


def density_figure(
    grid: DensityGrid,
    districts: gpd.GeoDataFrame,
    river: gpd.GeoDataFrame | None,
    contours: gpd.GeoDataFrame | None,
    title: str,
    colorbar_label: str,
    *,
    axis_labels: tuple[str, str] | None = None,
) -> plt.Figure:
    """The density raster (per km2) with district outlines, the river, mass contours and a colour bar,
    drawn in the grid's metric CRS (axes in km). ``axis_labels`` are the x and y axis titles
    (default: "km (<CRS>)" and "km"); Chinese text is drawn with a CJK font."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(9, 7), dpi=120)
    minx, miny, maxx, maxy = grid.bounds()
    shown = np.ma.masked_less_equal(grid.values, grid.values.max() * 1e-3)
    image = ax.imshow(shown, origin="lower", extent=(minx, maxx, miny, maxy), cmap="magma_r", interpolation="bilinear")
    districts.to_crs(grid.crs).boundary.plot(ax=ax, color="#555", linewidth=0.6, linestyle="--")
    if river is not None and len(river):
        river.to_crs(grid.crs).plot(ax=ax, color="#3182bd", linewidth=1.8)
    if contours is not None and len(contours):
        contours.boundary.plot(ax=ax, color="#111", linewidth=0.8)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{t / 1000:.0f}" for t in ticks])
    ticks = ax.get_yticks()
    ax.set_yticks(ticks, [f"{t / 1000:.0f}" for t in ticks])
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    x_label, y_label = axis_labels or (f"km ({grid.crs})", "km")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8, label=colorbar_label)
    fig.tight_layout()
    return fig


def compare_figure(cards: list, lang: str, title: str) -> plt.Figure:
    """Cities side by side (one column per :class:`~culturemap.analysis.lens.CityCard` of ``cards``),
    each row of charts on one x scale: each layer per 100 km2 (equal-area) and per 10,000 residents (a note where
    the pack gives no population), and the district soft-power index (0-100). A4 portrait."""
    use_cjk_font()
    fig, axes = plt.subplots(3, len(cards), figsize=(8.27, 11.69), squeeze=False,
                             gridspec_kw={"height_ratios": [1, 1, 1.6]})  # fmt: skip
    layers = list(cards[0].indicators.index)
    labels = [LAYERS[lid].short_label(lang) for lid in layers]
    colours = [LAYERS[lid].color for lid in layers]
    rows = (("per_100km2", tr("compare_per_100km2", lang)), ("per_10k_residents", tr("compare_per_10k", lang)))
    for row, (column, axis_title) in enumerate(rows):
        top = max((float(card.indicators[column].max()) for card in cards if card.indicators[column].notna().any()),
                  default=1.0) or 1.0  # fmt: skip
        for ax, card in zip(axes[row], cards):
            ax.set_title(f"{card.name(lang)} · {axis_title}", fontsize=9)
            values = card.indicators[column]
            if values.isna().all():
                ax.text(0.5, 0.5, tr("compare_population_not_given", lang), ha="center", va="center",
                        transform=ax.transAxes, fontsize=9, color="#555", wrap=True)  # fmt: skip
                ax.set_xticks([])
                ax.set_yticks([])
            else:
                bars = ax.barh(labels, values.to_numpy(), color=colours)
                ax.bar_label(bars, fmt="%.3g", fontsize=7, padding=2)
            ax.set_xlim(0, top * 1.25)
            ax.invert_yaxis()
            ax.tick_params(labelsize=8)
    most = max(len(card.soft_power) for card in cards)  # bars of one thickness in every column
    for ax, card in zip(axes[2], cards):
        index = card.soft_power.sort_values("rank")
        names = index["name_zh" if lang == "zh" else "name_en"].tolist()
        ax.barh(np.arange(len(names)), index["index"].to_numpy(), color="#6a51a3")
        ax.set_yticks(np.arange(len(names)), names, fontsize=7)
        ax.set_ylim(most - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_title(f"{card.name(lang)} · {tr('compare_index', lang)}", fontsize=9)
        ax.set_xlabel(tr("chart_index", lang), fontsize=8)
    fig.suptitle(title, fontsize=12)
    fig.text(0.5, 0.005, tr("compare_figure_note", lang), ha="center", va="bottom", fontsize=7, color="#444",
             wrap=True)  # fmt: skip
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    return fig
