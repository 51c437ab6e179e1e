"""Static figures (matplotlib) for reports: density maps and corridor profiles. No file I/O here."""

from __future__ import annotations

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from culturemap.analysis.density import DensityGrid  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei")


def use_cjk_font() -> str | None:
    """Put the first installed CJK font in front of matplotlib's sans-serif list; return its name."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            plt.rcParams["font.sans-serif"] = [name, *plt.rcParams["font.sans-serif"]]
            plt.rcParams["axes.unicode_minus"] = False
            return name
    return None


def density_figure(
    grid: DensityGrid,
    districts: gpd.GeoDataFrame,
    river: gpd.GeoDataFrame | None,
    contours: gpd.GeoDataFrame | None,
    title: str,
    colorbar_label: str,
) -> plt.Figure:
    """The density raster (per km2) with district outlines, the river, mass contours and a colour bar,
    drawn in the grid's metric CRS (axes in km)."""
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
    ax.set_xlabel(f"km ({grid.crs})")
    ax.set_ylabel("km")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8, label=colorbar_label)
    fig.tight_layout()
    return fig
