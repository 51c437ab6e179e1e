"""A print map of a selection: A4 or A3, portrait or landscape, as PDF or SVG (vector) or PNG.

Drawn with matplotlib in the city's metric CRS (so the scale bar is true) on the pack's own offline
basemap (districts with labels, the river): a title (default from the city and the filters), the
legend in the web map's colours and marker shapes, approximate positions with a dashed outline (as
on the web map) and a legend entry for them, a scale bar in m/km, a north arrow (true north, which
leans a little off the grid away from the CRS's central meridian, in the emptiest free corner), the date
and a source line. Every asset carries a number (:mod:`culturemap.export.print_key`) listed in a key under
the map (or on pages of its own past :data:`~culturemap.export.print_key.KEY_ON_PAGE_MAX` assets); up to
:data:`~culturemap.export.print_key.LABEL_MAX` assets also get their names beside the markers. A crowded
centre (see :func:`~culturemap.export.print_key.crowded_centre`) gets an inset in the emptiest corner, or a
page of its own when an inset would still be crowded.
Web tiles (a :class:`~culturemap.render.basemaps.Basemap` with ``tiles``) are drawn under the basemap's
outlines only when asked and reachable within :data:`TILE_DEADLINE_S`; else the map is drawn offline and
says why in :attr:`PrintMap.notes`. GCJ-02 tiles (AMap) are refused: they sit a few hundred metres off
the WGS-84 positions.
Chinese text is drawn in a CJK font (see :func:`culturemap.render.static.use_cjk_font`); PDFs embed
its glyphs (see ``render.static.VECTOR_FONTS``) so the text can be searched and copied.
"""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import matplotlib.patheffects as path_effects
import numpy as np
import shapely
from adjustText import adjust_text
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer
from scipy.spatial import cKDTree

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import City
from culturemap.catalog.sources import sources_line
from culturemap.export import PRINT_FORMATS
from culturemap.export.print_key import (
    ADJUST_ITERATIONS,
    DETAIL_PAGE_OVERLAPS,
    KEY_ON_PAGE_MAX,
    LABEL_MAX,
    PT_MM,
    corner_box,
    crowded_centre,
    draw_key,
    emptiest_corner,
    inset_extent,
    key_height_mm,
    key_pages,
    key_rows,
    number_assets,
    overlapping_markers,
    place_labels,
)
from culturemap.export.print_tiles import TILE_DEADLINE_S, draw_tiles
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs
from culturemap.layers import (
    ASSET_LAYERS,
    HERITAGE_LEVELS,
    LAYERS,
    MUSEUM_KINDS,
    UNIVERSITY_TYPES,
    approximate,
)
from culturemap.render.basemaps import Basemap
from culturemap.render.controls import OFFLINE_FILL
from culturemap.render.static import MARKERS, VECTOR_FONTS, use_cjk_font

log = logging.getLogger(__name__)

PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # portrait width, height
PRINT_DPIS = (150, 300)
MM = 1 / 25.4  # inches per millimetre
MIN_EXTENT_M = 2_000.0  # a selection of one asset still shows its surroundings
APPROX_DASH = (0, (1.6, 1.2))  # in points: the web map's 2,1.5 of an 18 px marker
INSET_SHARE = 0.42  # the inset's width, a share of the map's
ROOMY_MARKERS = ("o", "s", "D", "H")  # marker shapes a number fits inside; others get it in a circle beside


@dataclass(frozen=True)
class PrintOptions:
    """Paper (``A4``/``A3``), orientation, resolution of a PNG (dots per inch), language and title
    (None: from the city and the filters)."""

    paper: str = "A4"
    landscape: bool = False
    dpi: int = 300
    lang: str = "zh"
    title: str | None = None

    def __post_init__(self):
        if self.paper not in PAPER_MM:
            raise ValueError(f"unknown paper {self.paper!r}: expected one of {', '.join(PAPER_MM)}")
        if self.lang not in ("zh", "en"):
            raise ValueError(f"unknown language {self.lang!r}: expected zh or en")

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) of the page in millimetres, turned for landscape."""
        width, height = PAPER_MM[self.paper]
        return (height, width) if self.landscape else (width, height)


@dataclass
class PrintMap:
    """The drawn map: its figure, the map axes (data in ``crs`` metres), the extent shown
    (minx, miny, maxx, maxy in ``crs``) and the scale bar's length in metres."""

    figure: Figure
    ax: object
    crs: str
    extent: tuple[float, float, float, float]
    scale_m: float
    options: PrintOptions = field(default_factory=PrintOptions)
    notes: tuple[str, ...] = ()  # in the options' language: what was asked and could not be drawn
    title: str = ""
    selection: str = ""  # the filters in words (the PDF's Subject)
    numbers: np.ndarray | None = None  # each asset's number on the map and in the key, in row order
    key_pages: list = field(default_factory=list)  # figures of the key when it does not fit under the map
    inset_ax: object = None  # the inset of the crowded centre, if the map needed one
    labels: list = field(default_factory=list)  # the name labels kept (matplotlib texts)
    legend: object = None
    north_corner: str = "upper right"
    detail_pages: list = field(
        default_factory=list
    )  # the crowded centre on a page of its own, when an inset is too small
    detail_ax: object = None


def _labels(values: tuple[str, ...], vocabulary, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(vocabulary.label(v, lang) for v in values)


def describe_selection(city: City, query: AssetQuery, lang: str) -> str:
    """The filters of ``query`` in words (layers, classes, districts, themes, river, search, area)."""
    sep = "、" if lang == "zh" else ", "
    parts = []
    if set(query.layers) == set(ASSET_LAYERS):
        parts.append(tr("export_all_layers", lang))
    else:
        parts.append(sep.join(LAYERS[lid].label(lang) for lid in ASSET_LAYERS if lid in query.layers))
    if query.min_grade:
        parts.append(tr("export_grade", lang, grade=query.min_grade))
    for values, vocabulary in ((query.heritage_levels, HERITAGE_LEVELS), (query.museum_kinds, MUSEUM_KINDS),
                               (query.university_types, UNIVERSITY_TYPES)):  # fmt: skip
        if values:
            parts.append(_labels(values, vocabulary, lang))
    if query.themes:
        parts.append(sep.join(city.config.theme_label(t, lang) for t in query.themes))
    if query.districts:
        names = dict(zip(city.layers["districts"]["name_zh"], city.layers["districts"]["name_en"]))
        parts.append(sep.join(d if lang == "zh" else names.get(d, d) for d in query.districts))
    if query.river_km is not None:
        river = city.config.river_name_zh if lang == "zh" else city.config.river_name_en
        parts.append(tr("export_river_km", lang, river=river, km=query.river_km))
    if query.text:
        parts.append(tr("export_search", lang, q=query.text))
    if query.bbox:
        w, s, e, n = query.bbox
        parts.append(tr("export_bbox", lang, w=w, s=s, e=e, n=n))
    return " · ".join(parts)


def default_title(city: City, lang: str) -> str:
    """The map's title when none is given: the city's name in ``lang`` (e.g. "Lanzhou: cultural assets")."""
    return tr("export_title", lang, city=city.config.name(lang))


def _extent(
    city: City,
    assets: gpd.GeoDataFrame,
    query: AssetQuery,
    crs: str,
    aspect: float,
    area: shapely.Geometry | None = None,
):
    """(minx, miny, maxx, maxy) in ``crs``: the area asked for (``area``, WGS-84, a little padded, else
    ``query.bbox``), else the assets (the districts when there are none), padded, at least
    :data:`MIN_EXTENT_M` wide, widened to ``aspect`` (width/height)."""
    if area is not None or query.bbox is not None:
        shape = area if area is not None else shapely.box(*query.bbox)
        minx, miny, maxx, maxy = gpd.GeoSeries([shape], crs="EPSG:4326").to_crs(crs).total_bounds
        pad = 0.03 if area is not None else 0.0
    else:
        shown = assets if len(assets) else city.layers["districts"]
        minx, miny, maxx, maxy = shown.to_crs(crs).total_bounds
        pad = 0.08
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    width = max((maxx - minx) * (1 + 2 * pad), MIN_EXTENT_M)
    height = max((maxy - miny) * (1 + 2 * pad), MIN_EXTENT_M)
    width, height = max(width, height * aspect), max(height, width / aspect)
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def nice_length(target_m: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not above ``target_m``."""
    power = 10 ** np.floor(np.log10(target_m))
    return float(max(step * power for step in (1, 2, 5) if step * power <= target_m))


def _north_angle(crs: str, x: float, y: float) -> float:
    """Direction of true north at (x, y) of ``crs``, in radians clockwise from the grid's up."""
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    nx, ny = to_metric.transform(lon, lat + 0.01)
    return float(np.arctan2(nx - x, ny - y))


def _halo_text(ax, x: float, y: float, text: str, **style):
    """``text`` over a white halo; the halo is drawn as a separate outline, so that the text itself stays
    text in a PDF (a path effect on it would turn it into curves that cannot be searched)."""
    halo = [path_effects.Stroke(linewidth=2.5, foreground="white")]
    ax.text(x, y, text, path_effects=halo, **{**style, "color": "white", "zorder": style.get("zorder", 4) - 0.1})
    return ax.text(x, y, text, **style)


def _draw_basemap(ax, city: City, crs: str, extent, font_pt: float, lang: str, filled: bool = True) -> None:
    """The districts (filled unless on web tiles, dashed outlines, a label in the visible part of each, off
    the river) and the river."""
    districts = city.layers["districts"].to_crs(crs)
    river = city.layers["river"].to_crs(crs)
    spec = LAYERS["districts"]
    if len(districts):
        if filled:
            districts.plot(ax=ax, color=OFFLINE_FILL, edgecolor="none", zorder=1)
        districts.boundary.plot(ax=ax, color=spec.color, linewidth=0.7, linestyle=(0, (4, 3)), zorder=2)
        view = shapely.box(*extent)
        near_river = river.union_all().buffer(0.03 * (extent[3] - extent[1])) if len(river) else shapely.Point()
        name_field = "name_zh" if lang == "zh" else "name_en"
        for name, geom in zip(districts[name_field], districts.geometry):
            part = geom.intersection(view)
            if part.is_empty or part.area < 0.005 * view.area:  # a sliver at the edge: no room for a label
                continue
            dry = part.difference(near_river)
            label = shapely.point_on_surface(dry if dry.area > 0.2 * part.area else part)
            _halo_text(ax, label.x, label.y, str(name), ha="center", va="center", fontsize=font_pt * 1.15,
                       color="#666", zorder=4, clip_on=True)  # fmt: skip
    if len(river):
        river.plot(ax=ax, color=LAYERS["river"].color, linewidth=2.2, alpha=0.85, zorder=3)


def draw_scale_bar(ax, extent, font_pt: float) -> float:
    """A scale bar (m or km, a fifth of the map's width rounded down by :func:`nice_length`) in the lower
    left of ``ax`` (data in metres of a metric CRS, showing ``extent``); returns its length in metres."""
    minx, _, maxx, _ = extent
    scale_m = nice_length((maxx - minx) / 5)
    unit, value = ("km", scale_m / 1000) if scale_m >= 1000 else ("m", scale_m)
    ax.add_artist(
        ScaleBar(1, units="m", fixed_value=value, fixed_units=unit, location="lower left", box_alpha=0.8,
                 scale_loc="top", scale_formatter=lambda v, u: f"{v:g} {u}", font_properties={"size": font_pt}, width_fraction=0.008, color="black",
                 border_pad=0.6)
    )  # fmt: skip
    return scale_m


def draw_north_arrow(ax, crs: str, extent, font_pt: float, lang: str, corner: str = "upper right") -> list:
    """A north arrow pointing to true north (see :func:`_north_angle`) in the ``corner`` of ``ax`` (default
    upper right); returns its artists (arrow and letter)."""
    minx, miny, maxx, maxy = extent
    angle = _north_angle(crs, (minx + maxx) / 2, (miny + maxy) / 2)
    arrow_len = (maxy - miny) * 0.07
    x = maxx - (maxx - minx) * 0.05 if "right" in corner else minx + (maxx - minx) * 0.05
    y = maxy - (maxy - miny) * 0.14 if "upper" in corner else miny + (maxy - miny) * 0.04
    base = np.array([x, y])
    tip = base + arrow_len * np.array([np.sin(angle), np.cos(angle)])
    arrow = ax.annotate("", xy=tip, xytext=base, zorder=9,
                        arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": "black", "lw": 1.4})  # fmt: skip
    letter = _halo_text(ax, *tip, tr("export_north", lang), ha="center", va="bottom", fontsize=font_pt * 1.3,
                        fontweight="bold", zorder=9)  # fmt: skip
    return [arrow, letter]


def basemap_legend_handles(city: City, lang: str) -> list:
    """Legend entries of the offline basemap (:func:`_draw_basemap`): the river (by its name) and the district boundaries."""
    river_name = city.config.river_name_zh if lang == "zh" else city.config.river_name_en
    return [
        Line2D([], [], color=LAYERS["river"].color, linewidth=2.2, label=river_name),
        Line2D([], [], color=LAYERS["districts"].color, linewidth=0.8, linestyle=(0, (4, 3)),
               label=LAYERS["districts"].label(lang)),
    ]  # fmt: skip


def _marker_style(lid: str, approx: bool, size_pt: float) -> dict:
    spec = LAYERS[lid]
    face = mpl.colors.to_rgba(spec.color, 0.55 if approx else 0.9)
    return {
        "marker": MARKERS.get(spec.shape, "o"),
        "s": size_pt**2,
        "facecolors": [face],
        "edgecolors": "#222",
        "linewidths": 0.8,
        "linestyles": APPROX_DASH if approx else "solid",
    }


def _line_vertices(lines: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    """The vertices (n x 2, metres of ``crs``) of ``lines`` (e.g. the river)."""
    if not len(lines):
        return np.zeros((0, 2))
    return shapely.get_coordinates(lines.to_crs(crs).geometry.to_numpy())


def _inside(xy: np.ndarray, box) -> np.ndarray:
    minx, miny, maxx, maxy = box
    return (xy[:, 0] >= minx) & (xy[:, 0] <= maxx) & (xy[:, 1] >= miny) & (xy[:, 1] <= maxy)


def _make_room(extent, xy: np.ndarray, corner: str, width_share: float, height_share: float, aspect: float):
    """``extent`` grown away from ``corner`` (by tenths of its height, widened to ``aspect``) until the
    corner's box of the given shares covers no marker ``xy`` (at most 8 steps)."""
    for _ in range(8):
        if not _inside(xy, corner_box(extent, corner, width_share, height_share)).any():
            break
        minx, miny, maxx, maxy = extent
        step = 0.1 * (maxy - miny)
        miny, maxy = (miny, maxy + step) if "upper" in corner else (miny - step, maxy)
        cx, width = (minx + maxx) / 2, (maxy - miny) * aspect
        extent = (cx - width / 2, miny, cx + width / 2, maxy)
    return extent


def _frame_axes(ax, extent) -> None:
    """Show ``extent`` at equal scale, with a thin frame and no ticks or axis titles."""
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)


def _number_colour(lid: str, approx: bool) -> str:
    """Black or white, whichever reads better on the marker's face (see :func:`_marker_style`) over light paper."""
    alpha = 0.55 if approx else 0.9
    face = alpha * np.array(mpl.colors.to_rgb(LAYERS[lid].color)) + (1 - alpha) * 0.94
    return "black" if float(face @ [0.299, 0.587, 0.114]) > 0.5 else "white"


def _draw_markers(ax, assets, xy: np.ndarray, approx: np.ndarray, numbers: np.ndarray, numbered: np.ndarray,
                  size_pt: float, marker_m: float) -> None:  # fmt: skip
    """Each asset's marker (its layer's shape and colour, dashed when approximate) and, where ``numbered``,
    its number: on the marker, or, for a star or triangle (see :data:`ROOMY_MARKERS`) or a marker another one overlaps (centres closer than ``marker_m``,
    a marker's width on the ground at this axes' scale), in a white circle moved aside by adjustText with a
    leader line to it."""
    for lid in ASSET_LAYERS:
        in_layer = (assets["layer"] == lid).to_numpy()
        for flagged in (False, True):
            keep = in_layer & (approx == flagged)
            if keep.any():
                ax.scatter(xy[keep, 0], xy[keep, 1], zorder=6 if flagged else 7, **_marker_style(lid, flagged, size_pt))
    shown = np.flatnonzero(numbered)
    if not len(shown):
        return
    neighbours = cKDTree(xy[shown]).query_ball_point(xy[shown], r=marker_m)
    callouts = []
    for i, near in zip(shown, neighbours):
        number, lid = str(numbers[i]), assets["layer"].iloc[i]
        font = size_pt * (0.6 if len(number) < 3 else 0.48)
        roomy = MARKERS.get(LAYERS[lid].shape, "o") in ROOMY_MARKERS  # a star's or triangle's middle is too small
        if len(near) == 1 and roomy:
            ax.text(*xy[i], number, ha="center", va="center_baseline", fontsize=font, fontweight="bold",
                    color=_number_colour(lid, bool(approx[i])), zorder=7.2, clip_on=True)  # fmt: skip
        else:
            nudge = 0.0 if len(near) > 1 else 0.9 * marker_m  # a lone star's number starts beside it
            callouts.append(ax.text(xy[i][0] + nudge, xy[i][1] + nudge, number, ha="center", va="center", fontsize=font, fontweight="bold",
                                    color="#111", zorder=8.5, clip_on=True,
                                    bbox={"boxstyle": "circle,pad=0.18", "fc": "white", "ec": LAYERS[lid].color, "lw": 0.9}))  # fmt: skip
    if callouts:
        adjust_text(callouts, x=xy[shown, 0], y=xy[shown, 1], ax=ax, ensure_inside_axes=True, expand=(1.3, 1.3),
                    force_text=(0.4, 0.5), iter_lim=ADJUST_ITERATIONS, arrowprops={"arrowstyle": "-", "color": "#333", "lw": 0.5})  # fmt: skip


def _boxed_texts(ax, renderer) -> list[Bbox]:
    """The display boxes of the texts of ``ax`` drawn in a box: the numbers in circles, the inset's caption."""
    return [text.get_window_extent(renderer) for text in ax.texts if text.get_bbox_patch() is not None]


def _scale_bar_box(ax, renderer) -> Bbox:
    """The display box of the scale bar of ``ax`` (its lower left fifth and bottom eighth when unknown)."""
    for artist in ax.artists:
        if isinstance(artist, ScaleBar):
            return artist.get_window_extent(renderer)
    frame = ax.get_window_extent(renderer)
    return Bbox.from_bounds(frame.x0, frame.y0, frame.width * 0.3, frame.height * 0.12)


def _draw_detail(detail_ax, city: City, assets, xy, approx, numbers, shown, sub_extent, width_mm: float,
                 size_pt: float, font_pt: float, lang: str) -> None:  # fmt: skip
    """The crowded centre (``sub_extent``, metres) on ``detail_ax`` (``width_mm`` wide on paper) at a larger
    scale: basemap, the ``shown`` assets' markers and numbers, its own scale bar and a caption."""
    _draw_basemap(detail_ax, city, city.config.metric_crs, sub_extent, font_pt * 0.9, lang)
    _frame_axes(detail_ax, sub_extent)
    minx, miny, maxx, maxy = sub_extent
    _draw_markers(detail_ax, assets, xy, approx, numbers, shown, size_pt, size_pt * PT_MM * (maxx - minx) / width_mm)
    for spine in detail_ax.spines.values():
        spine.set_linewidth(1.2)
    draw_scale_bar(detail_ax, sub_extent, font_pt * 0.9)
    detail_ax.text(0.01, 0.99, tr("export_inset", lang), transform=detail_ax.transAxes, ha="left", va="top", fontsize=font_pt,
                   fontweight="bold", zorder=9,
                   bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})  # fmt: skip


def _draw_frame(ax, sub_extent, caption: str | None, font_pt: float, xy: np.ndarray | None = None) -> None:
    """The frame of the inset's (or detail page's) area on the main map, with ``caption`` above it, or below
    it when fewer of the markers ``xy`` (metres) lie in a strip there."""
    minx, miny, maxx, maxy = sub_extent
    ax.add_patch(
        Rectangle((minx, miny), maxx - minx, maxy - miny, fill=False, edgecolor="#222", linewidth=1.1, zorder=8)
    )
    if not caption:
        return
    strip = 0.05 * (ax.get_ylim()[1] - ax.get_ylim()[0])
    above = _inside(xy, (minx, maxy, maxx, maxy + strip)).sum() if xy is not None else 0
    below = _inside(xy, (minx, miny - strip, maxx, miny)).sum() if xy is not None else 0
    y, va = (miny, "top") if below < above else (maxy, "bottom")
    _halo_text(ax, minx, y, caption, ha="left", va=va, fontsize=font_pt, fontweight="bold", zorder=8.6)


def _draw_inset(ax, city: City, assets, xy, approx, numbers, in_inset, inset, size_pt: float, font_pt: float,
                lang: str):  # fmt: skip
    """The inset (``inset`` = corner, width and height shares of ``ax``, extent in metres) in that corner of
    ``ax``, its frame drawn on ``ax``; returns its axes."""
    corner, width, height, sub_extent = inset
    pad = 0.012
    x0 = pad if "left" in corner else 1 - width - pad
    y0 = pad if "lower" in corner else 1 - height - pad
    inset_ax = ax.inset_axes([x0, y0, width, height], zorder=10)
    inset_ax.set_facecolor("white")
    width_mm = ax.get_position().width * width * ax.figure.get_figwidth() / MM
    _draw_detail(inset_ax, city, assets, xy, approx, numbers, in_inset, sub_extent, width_mm, size_pt, font_pt, lang)
    _draw_frame(ax, sub_extent, None, font_pt)
    return inset_ax


def _detail_box(options: PrintOptions, margin: float) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) in mm of the map on a detail page: the page under its title."""
    page_w, page_h = options.size_mm
    head = 16.0 * page_w / PAPER_MM["A4"][0]
    return margin, margin, page_w - 2 * margin, page_h - 2 * margin - head


def _detail_page(city: City, assets, xy, approx, numbers, sub_extent, options: PrintOptions, title: str,
                 size_pt: float, font_pt: float, margin: float):  # fmt: skip
    """A page of its own for the crowded centre (``sub_extent``, metres), used when an inset would still be
    crowded: the map on the whole page under the title, its own scale bar and north arrow; returns
    (figure, axes)."""
    page_w, page_h = options.size_mm
    lang = options.lang
    box = _detail_box(options, margin)
    page = Figure(figsize=(page_w * MM, page_h * MM), dpi=options.dpi)
    FigureCanvasAgg(page)
    page.text(0.5, 1 - margin / page_h, f"{title} · {tr('export_inset', lang)}", ha="center", va="top",
              fontsize=font_pt * 2.0, fontweight="bold")  # fmt: skip
    detail_ax = page.add_axes([box[0] / page_w, box[1] / page_h, box[2] / page_w, box[3] / page_h])
    shown = _inside(xy, sub_extent)
    river_xy = _line_vertices(city.layers["river"], city.config.metric_crs)
    marker_m = size_pt * PT_MM * (sub_extent[2] - sub_extent[0]) / box[2]
    centre = crowded_centre(xy[shown], marker_m)
    in_inset = np.zeros(len(xy), dtype=bool)
    if centre is not None:  # still crowded at the page's scale: an inset of its core in the page's emptiest corner
        aspect = box[2] / box[3]
        inset_w, inset_h = INSET_SHARE, min(INSET_SHARE * aspect, 0.5)
        core = inset_extent(xy[shown], centre, marker_m, inset_w * aspect / inset_h)
        corner = emptiest_corner(sub_extent, xy[shown], river_xy, inset_w, inset_h, taken=("lower left", "upper left"))
        in_inset = shown & _inside(xy, core)
    _draw_detail(detail_ax, city, assets, xy, approx, numbers, shown & ~in_inset, sub_extent, box[2], size_pt, font_pt,
                 lang)  # fmt: skip
    taken = ("lower left", "upper left")
    if centre is not None:
        _draw_inset(detail_ax, city, assets, xy, approx, numbers, in_inset, (corner, inset_w, inset_h, core), size_pt,
                    font_pt, lang)  # fmt: skip
        taken += (corner,)
    corner = emptiest_corner(sub_extent, xy[shown], river_xy, 0.12, 0.2, taken=taken)
    draw_north_arrow(detail_ax, city.config.metric_crs, sub_extent, font_pt, lang, corner)
    return page, detail_ax


def _names(assets, lang: str) -> list[str]:
    names = assets["name_zh"] if lang == "zh" else assets["name_en"].where(assets["name_en"].notna(), assets["name_zh"])
    return [str(n) for n in names]


def print_map(
    city: City,
    assets: gpd.GeoDataFrame,
    query: AssetQuery | None = None,
    options: PrintOptions | None = None,
    today: date | None = None,
    area: shapely.Geometry | None = None,
    basemap: Basemap | None = None,
    tile_deadline_s: float = TILE_DEADLINE_S,
) -> PrintMap:
    """Draw ``assets`` (the rows ``query`` selected from :meth:`City.assets`, WGS-84) on a page.

    Parameters
    ----------
    city : the pack (its districts, river, metric CRS and name).
    assets : the selection to draw.
    query : the filters that made the selection, described under the title (and ``query.bbox``,
        WGS-84 degrees, sets the area shown); None for no filter.
    options : paper, orientation, dpi of a PNG, language, title.
    today : the date printed on the map (default: today).
    area : the area to show (WGS-84), e.g. a district's outline; default ``query.bbox``, else the assets.
    basemap : web tiles to draw under the pack's outlines (their attribution joins the source line);
        None or a basemap without tiles: the pack's offline basemap alone, no network.
    tile_deadline_s : seconds allowed for all the tiles; past it, or on any error, the map is drawn
        offline and :attr:`PrintMap.notes` says so.
    """
    query = query or AssetQuery()
    options = options or PrintOptions()
    lang = options.lang
    use_cjk_font()
    crs = city.config.metric_crs
    page_w, page_h = options.size_mm
    scale = page_w / PAPER_MM["A4"][0] if not options.landscape else page_h / PAPER_MM["A4"][0]
    font_pt = 7.5 * scale
    margin, title_h = 10.0 * scale, 22.0 * scale
    ncol = 4 if options.landscape else 3
    shown_layers = [lid for lid in ASSET_LAYERS if (assets["layer"] == lid).any()]
    legend_rows = int(np.ceil((len(shown_layers) + 3) / ncol)) + 1  # the entries and the legend's title
    # the footer: the date, the data's sources (cited, wrapped between the margins: a CJK character is an em
    # wide, a Latin one about half), the basemap, and the tiles' attribution when tiles may be drawn
    em_mm = font_pt * 0.85 * 0.3528 * (1.0 if lang == "zh" else 0.5)
    data = textwrap.wrap(sources_line(city, assets, lang), width=int((page_w - 2 * margin) / em_mm))
    footer_lines = 2 + len(data) + (1 if basemap is not None else 0)
    legend_h, footer_h = (3.0 + 4.4 * legend_rows) * scale, (1.5 + 3.5 * footer_lines) * scale
    numbers = number_assets(assets, crs)
    rows = key_rows(city, assets, numbers, lang)
    key_font, key_cols = font_pt * 0.85, 1 if len(rows) <= 8 else 3 if options.landscape else 2
    key_on_page = 0 < len(rows) <= KEY_ON_PAGE_MAX
    key_h = key_height_mm(len(rows), key_cols, key_font) + 2.0 * scale if key_on_page else 0.0
    fig = Figure(figsize=(page_w * MM, page_h * MM), dpi=options.dpi)
    FigureCanvasAgg(fig)  # a renderer to measure the labels with
    map_box = (
        margin,
        margin + footer_h + key_h + legend_h,
        page_w - 2 * margin,
        page_h - 2 * margin - title_h - footer_h - key_h - legend_h,
    )
    ax = fig.add_axes([map_box[0] / page_w, map_box[1] / page_h, map_box[2] / page_w, map_box[3] / page_h])
    aspect = map_box[2] / map_box[3]
    extent = _extent(city, assets, query, crs, aspect, area)
    points = assets.to_crs(crs).geometry.representative_point()
    xy = np.column_stack([points.x, points.y]) if len(assets) else np.zeros((0, 2))
    river_xy = _line_vertices(city.layers["river"], crs)
    size_pt = 8.5 * scale
    marker_m = size_pt * PT_MM * (extent[2] - extent[0]) / map_box[2]
    centre = crowded_centre(xy, marker_m)
    inset = detail_extent = None
    if centre is not None:
        inset_w, inset_h = INSET_SHARE, min(INSET_SHARE * aspect, 0.5)
        sub_extent = inset_extent(xy, centre, marker_m, inset_w * aspect / inset_h)
        inset_marker_m = size_pt * PT_MM * (sub_extent[2] - sub_extent[0]) / (inset_w * map_box[2])
        if overlapping_markers(xy[_inside(xy, sub_extent)], inset_marker_m) > DETAIL_PAGE_OVERLAPS:
            box = _detail_box(options, margin)
            detail_extent = inset_extent(xy, centre, marker_m, box[2] / box[3])
        else:
            corner = emptiest_corner(extent, xy, river_xy, inset_w, inset_h, taken=("lower left",))
            extent = _make_room(extent, xy, corner, inset_w, inset_h, aspect)
            inset = (corner, inset_w, inset_h, sub_extent)

    asked_tiles = basemap is not None and basemap.tiles is not None
    note = draw_tiles(ax, basemap, crs, extent, map_box[2] * MM, lang, tile_deadline_s) if asked_tiles else None
    notes, on_tiles = ((note,), False) if note else ((), asked_tiles)
    _draw_basemap(ax, city, crs, extent, font_pt, lang, filled=not on_tiles)
    metric = assets.to_crs(crs)
    approx = approximate(assets).to_numpy()
    outlines = metric[(metric.geom_type != "Point").to_numpy()]
    for lid in shown_layers:
        part = outlines[outlines["layer"] == lid]
        if len(part):
            part.plot(ax=ax, color=LAYERS[lid].color, alpha=0.15, edgecolor=LAYERS[lid].color, zorder=5)
    framed = inset[3] if inset else detail_extent
    in_inset = _inside(xy, framed) if framed else np.zeros(len(assets), dtype=bool)
    _frame_axes(ax, extent)
    marker_m = size_pt * PT_MM * (extent[2] - extent[0]) / map_box[2]
    _draw_markers(ax, assets, xy, approx, numbers, ~in_inset, size_pt, marker_m)
    if not len(assets):
        ax.text(0.5, 0.5, tr("export_empty", lang), transform=ax.transAxes, ha="center", va="center",
                fontsize=font_pt * 1.6, color="#444", zorder=8)  # fmt: skip

    scale_m = draw_scale_bar(ax, extent, font_pt)
    inset_ax = (
        _draw_inset(ax, city, assets, xy, approx, numbers, in_inset, inset, size_pt, font_pt, lang) if inset else None
    )
    detail_pages, detail_ax = [], None
    if detail_extent is not None:
        page, detail_ax = _detail_page(city, assets, xy, approx, numbers, detail_extent, options,
                                       options.title or default_title(city, lang), size_pt, font_pt, margin)  # fmt: skip
        detail_pages.append(page)
        _draw_frame(ax, detail_extent, tr("export_inset_page", lang, page=2), font_pt, xy)
    taken = ("lower left", inset[0]) if inset else ("lower left",)
    north_corner = emptiest_corner(extent, xy, river_xy, 0.12, 0.2, taken=taken)
    arrow = draw_north_arrow(ax, crs, extent, font_pt, lang, north_corner)

    top = 1 - margin / page_h
    title = options.title or default_title(city, lang)
    fig.text(0.5, top, title, ha="center", va="top", fontsize=font_pt * 2.4, fontweight="bold")
    selection = describe_selection(city, query, lang)
    subtitle = f"{selection} · {tr('export_count', lang, n=len(assets))}"
    fig.text(0.5, top - 12.5 * scale / page_h, subtitle, ha="center", va="top", fontsize=font_pt * 1.25, color="#333",
             wrap=True)  # fmt: skip

    handles = []
    for lid in shown_layers:
        spec = LAYERS[lid]
        n = int((assets["layer"] == lid).sum())
        handles.append(
            ax.scatter([], [], label=f"{spec.label(lang)} ({n})", **_marker_style(lid, False, size_pt * 0.85))
        )
    handles.append(ax.scatter([], [], label=tr("export_approx", lang),
                              **{**_marker_style("attractions", True, size_pt * 0.85), "facecolors": ["white"]}))  # fmt: skip
    handles += basemap_legend_handles(city, lang)
    legend = fig.legend(handles=handles, loc="upper left", ncol=ncol, frameon=False, fontsize=font_pt,
                        bbox_to_anchor=(margin / page_w, (margin + footer_h + key_h + legend_h - 1.5 * scale) / page_h),
                        title=tr("map_legend", lang), title_fontsize=font_pt * 1.1, alignment="left",
                        handletextpad=0.4, columnspacing=1.4, borderaxespad=0)  # fmt: skip
    if key_on_page:
        draw_key(fig, rows, (margin, margin + footer_h, page_w - 2 * margin, key_h - 2.0 * scale), (page_w, page_h),
                 key_font, key_cols, lang)  # fmt: skip

    stamp = tr("export_date", lang, date=(today or date.today()).isoformat())
    lines = [f"{stamp} · culturemap", *data, tr("export_basemap", lang, crs=crs)]
    if on_tiles:
        lines.append(tr("export_tiles_source", lang, attribution=basemap.text_attribution))
    if rows and not key_on_page:
        lines[0] += f" · {tr('export_key_page', lang, page=2 + len(detail_pages))}"
    fig.text(margin / page_w, margin / page_h, "\n".join(lines), ha="left", va="bottom", fontsize=font_pt * 0.85,
             color="#444", linespacing=1.5)  # fmt: skip
    _frame_axes(ax, extent)  # the empty legend scatters must not move the view
    labels = []
    if 0 < len(assets) <= LABEL_MAX:
        renderer = fig.canvas.get_renderer()
        furniture = [artist.get_window_extent(renderer) for artist in (*arrow, legend)]
        furniture += [_scale_bar_box(ax, renderer), *_boxed_texts(ax, renderer)]
        furniture += [inset_ax.get_window_extent(renderer)] if inset_ax else []
        names = _names(assets, lang)
        outside = np.flatnonzero(~in_inset)
        labels = place_labels(ax, xy[outside], [names[i] for i in outside], font_pt * 0.9, size_pt, furniture)
        for detail in (inset_ax, detail_ax):
            if detail is None:
                continue
            renderer = detail.figure.canvas.get_renderer()
            inside = np.flatnonzero(in_inset)
            labels += place_labels(detail, xy[inside], [names[i] for i in inside], font_pt * 0.9, size_pt,
                                   [_scale_bar_box(detail, renderer), *_boxed_texts(detail, renderer)])  # fmt: skip
        _frame_axes(ax, extent)
    own_key_pages = []
    if rows and not key_on_page:
        own_key_pages = key_pages(rows, options.size_mm, options.dpi, lang, title, key_font, key_cols, margin)
    return PrintMap(fig, ax, crs, extent, scale_m, options, notes, title, selection, numbers, own_key_pages, inset_ax,
                    labels, legend, north_corner, detail_pages, detail_ax)  # fmt: skip


def write_print_map(drawn: PrintMap, fmt: str, path: str | Path) -> Path:
    """Save ``drawn`` as ``fmt`` (png at its options' dpi, pdf or svg) to ``path``, atomically; the page
    keeps its paper size (no cropping), so positions on it follow the figure's transforms. A PDF holds the
    map, the crowded centre's page (when an inset would be too small) and the key's own pages (when the key did not fit under the map) and says Title, Subject (the
    selection), Author and CreationDate; a PNG or SVG writes those key pages beside it as
    ``<name>-p<k>.<ext>`` (k = 2, 3, ...)."""
    if fmt not in PRINT_FORMATS:
        raise ValueError(f"unknown print format {fmt!r}: expected one of {', '.join(PRINT_FORMATS)}")
    path = Path(path)
    if fmt == "pdf":
        metadata = {"Title": drawn.title, "Subject": drawn.selection, "Author": "culturemap", "Creator": "culturemap",
                    "CreationDate": datetime.now(UTC)}  # fmt: skip
        with atomic_outputs([path]) as (tmp,), mpl.rc_context(VECTOR_FONTS), PdfPages(tmp, metadata=metadata) as pdf:
            for page in (drawn.figure, *drawn.detail_pages, *drawn.key_pages):
                pdf.savefig(page, dpi=drawn.options.dpi)
        return path
    metadata = {
        "svg": {"Creator": "culturemap", "Title": drawn.title},
        "png": {"Software": "culturemap", "Title": drawn.title},
    }
    pages = (drawn.figure, *drawn.detail_pages, *drawn.key_pages)
    paths = [path] + [path.with_name(f"{path.stem}-p{k}{path.suffix}") for k in range(2, len(pages) + 1)]
    with atomic_outputs(paths) as tmps, mpl.rc_context(VECTOR_FONTS):
        for page, tmp in zip(pages, tmps):
            page.savefig(tmp, format=fmt, dpi=drawn.options.dpi, metadata=metadata[fmt])
    return path
