"""A print map of a selection: A4 or A3, portrait or landscape, as PDF or SVG (vector) or PNG.

Drawn with matplotlib in the city's metric CRS (so the scale bar is true) on the pack's own offline
basemap (districts with labels, the river): a title (default from the city and the filters), the
legend in the web map's colours and marker shapes, approximate positions with a dashed outline (as
on the web map) and a legend entry for them, a scale bar in m/km, a north arrow (true north, which
leans a little off the grid away from the CRS's central meridian), the date and a source line.
Web tiles (a :class:`~culturemap.render.basemaps.Basemap` with ``tiles``) are drawn under the basemap's
outlines only when asked and reachable within :data:`TILE_DEADLINE_S`; else the map is drawn offline and
says why in :attr:`PrintMap.notes`. GCJ-02 tiles (AMap) are refused: they sit a few hundred metres off
the WGS-84 positions.
Chinese text is drawn in a CJK font (see :func:`culturemap.render.static.use_cjk_font`); PDFs embed
its glyphs (see ``render.static.VECTOR_FONTS``) so the text can be searched and copied.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import geopandas as gpd
import matplotlib as mpl
import matplotlib.patheffects as path_effects
import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib_scalebar.scalebar import ScaleBar
from pyproj import Transformer

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import City
from culturemap.export import PRINT_FORMATS
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
TILE_DEADLINE_S = 6.0  # all web tiles of a print map, fetched and warped, or the offline basemap alone
TILE_TIMEOUT_S = (2.0, 3.0)  # one tile request: connect, read
TILE_PX_PER_INCH = 96  # tiles at screen scale: their labels print at the size they have on a screen
EARTH_CIRCUMFERENCE_M = 40_075_016.686  # Web Mercator's width at zoom 0 (one 256 px tile)


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


def _halo_text(ax, x: float, y: float, text: str, **style) -> None:
    """``text`` over a white halo; the halo is drawn as a separate outline, so that the text itself stays
    text in a PDF (a path effect on it would turn it into curves that cannot be searched)."""
    halo = [path_effects.Stroke(linewidth=2.5, foreground="white")]
    ax.text(x, y, text, path_effects=halo, **{**style, "color": "white", "zorder": style.get("zorder", 4) - 0.1})
    ax.text(x, y, text, **style)


def _tile_host(basemap: Basemap) -> str:
    return urlsplit(basemap.provider().build_url(x=0, y=0, z=0)).netloc


def _fetch_tiles(basemap: Basemap, crs: str, extent, width_in: float, deadline_s: float):
    """The web tiles of ``basemap`` covering ``extent`` (minx, miny, maxx, maxy in ``crs``) on a map
    ``width_in`` inches wide, fetched in Web Mercator at :data:`TILE_PX_PER_INCH` and warped to ``crs``:
    (RGBA image, (left, right, bottom, top) in ``crs``), or None when they could not all be fetched within
    ``deadline_s`` seconds (a stalled fetch is left to end on its own)."""
    import contextily

    minx, miny, maxx, maxy = extent
    to_mercator = Transformer.from_crs(crs, "EPSG:3857", always_xy=True)
    west, south, east, north = to_mercator.transform_bounds(minx, miny, maxx, maxy)
    zoom_exact = np.log2(width_in * TILE_PX_PER_INCH * EARTH_CIRCUMFERENCE_M / (256 * (east - west)))
    zoom = int(np.clip(np.ceil(zoom_exact), 0, basemap.max_zoom))
    result = {}

    def fetch() -> None:
        try:
            image, mercator_extent = contextily.bounds2img(west, south, east, north, zoom=zoom, source=basemap.provider(),
                                                          timeout=TILE_TIMEOUT_S, max_retries=0, use_cache=False,
                                                          n_connections=2)  # fmt: skip
            result["tiles"] = contextily.warp_tiles(image, mercator_extent, t_crs=crs)
        except Exception as exc:  # noqa: BLE001 - any failure (network, HTTP, image) means: draw offline
            log.info("web tiles of %s not drawn: %s", basemap.id, exc)  # the caller gets a note

    worker = threading.Thread(target=fetch, name="print-map-tiles", daemon=True)
    worker.start()
    worker.join(deadline_s)
    return result.get("tiles")


def _draw_tiles(ax, basemap: Basemap, crs: str, extent, width_in: float, lang: str, deadline_s: float) -> str | None:
    """Draw the web tiles of ``basemap`` under everything; returns a note in ``lang`` when they are not drawn."""
    if basemap.datum != "wgs84":
        datum = f"{basemap.datum[:3]}-{basemap.datum[3:]}".upper()  # gcj02: GCJ-02
        return tr("export_tiles_datum", lang, basemap=basemap.label(lang), datum=datum)
    tiles = _fetch_tiles(basemap, crs, extent, width_in, deadline_s)
    if tiles is None:
        return tr("export_tiles_unreachable", lang, host=_tile_host(basemap))
    image, (left, right, bottom, top) = tiles
    ax.imshow(image, extent=(left, right, bottom, top), interpolation="bilinear", zorder=0)
    return None


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


def draw_north_arrow(ax, crs: str, extent, font_pt: float, lang: str) -> None:
    """A north arrow pointing to true north (see :func:`_north_angle`) in the upper right of ``ax``."""
    minx, miny, maxx, maxy = extent
    angle = _north_angle(crs, (minx + maxx) / 2, (miny + maxy) / 2)
    arrow_len = (maxy - miny) * 0.07
    base = np.array([maxx - (maxx - minx) * 0.05, maxy - (maxy - miny) * 0.14])
    tip = base + arrow_len * np.array([np.sin(angle), np.cos(angle)])
    ax.annotate("", xy=tip, xytext=base, zorder=9,
                arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4", "color": "black", "lw": 1.4})  # fmt: skip
    _halo_text(ax, *tip, tr("export_north", lang), ha="center", va="bottom", fontsize=font_pt * 1.3,
               fontweight="bold", zorder=9)  # fmt: skip


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
    legend_h, footer_h = (3.0 + 4.4 * legend_rows) * scale, 12.0 * scale
    fig = Figure(figsize=(page_w * MM, page_h * MM), dpi=options.dpi)
    map_box = (
        margin,
        margin + footer_h + legend_h,
        page_w - 2 * margin,
        page_h - 2 * margin - title_h - footer_h - legend_h,
    )
    ax = fig.add_axes([map_box[0] / page_w, map_box[1] / page_h, map_box[2] / page_w, map_box[3] / page_h])
    extent = _extent(city, assets, query, crs, map_box[2] / map_box[3], area)

    asked_tiles = basemap is not None and basemap.tiles is not None
    note = _draw_tiles(ax, basemap, crs, extent, map_box[2] * MM, lang, tile_deadline_s) if asked_tiles else None
    notes, on_tiles = ((note,), False) if note else ((), asked_tiles)
    _draw_basemap(ax, city, crs, extent, font_pt, lang, filled=not on_tiles)
    metric = assets.to_crs(crs)
    points = metric.geometry.representative_point()
    approx = approximate(assets).to_numpy()
    size_pt = 7.0 * scale
    outlines = metric[(metric.geom_type != "Point").to_numpy()]
    for lid in shown_layers:
        in_layer = (assets["layer"] == lid).to_numpy()
        part = outlines[outlines["layer"] == lid]
        if len(part):
            part.plot(ax=ax, color=LAYERS[lid].color, alpha=0.15, edgecolor=LAYERS[lid].color, zorder=5)
        for flagged in (False, True):
            keep = in_layer & (approx == flagged)
            if keep.any():
                ax.scatter(points.x[keep], points.y[keep], zorder=6 if flagged else 7,
                           **_marker_style(lid, flagged, size_pt))  # fmt: skip
    if not len(assets):
        ax.text(0.5, 0.5, tr("export_empty", lang), transform=ax.transAxes, ha="center", va="center",
                fontsize=font_pt * 1.6, color="#444", zorder=8)  # fmt: skip
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)

    scale_m = draw_scale_bar(ax, extent, font_pt)
    draw_north_arrow(ax, crs, extent, font_pt, lang)

    top = 1 - margin / page_h
    fig.text(0.5, top, options.title or default_title(city, lang), ha="center", va="top", fontsize=font_pt * 2.4,
             fontweight="bold")  # fmt: skip
    subtitle = f"{describe_selection(city, query, lang)} · {tr('export_count', lang, n=len(assets))}"
    fig.text(0.5, top - 12.5 * scale / page_h, subtitle, ha="center", va="top", fontsize=font_pt * 1.25, color="#333",
             wrap=True)  # fmt: skip

    handles = []
    for lid in shown_layers:
        spec = LAYERS[lid]
        n = int((assets["layer"] == lid).sum())
        handles.append(ax.scatter([], [], label=f"{spec.label(lang)} ({n})", **_marker_style(lid, False, size_pt)))
    handles.append(ax.scatter([], [], label=tr("export_approx", lang),
                              **{**_marker_style("attractions", True, size_pt), "facecolors": ["white"]}))  # fmt: skip
    handles += basemap_legend_handles(city, lang)
    fig.legend(handles=handles, loc="upper left", ncol=ncol, frameon=False, fontsize=font_pt,
               bbox_to_anchor=(margin / page_w, (margin + footer_h + legend_h - 1.5 * scale) / page_h),
               title=tr("map_legend", lang), title_fontsize=font_pt * 1.1, alignment="left",
               handletextpad=0.4, columnspacing=1.4, borderaxespad=0)  # fmt: skip

    stamp = tr("export_date", lang, date=(today or date.today()).isoformat())
    lines = [f"{stamp} · culturemap", tr("export_source", lang, city=city.config.name(lang)),
             tr("export_basemap", lang, crs=crs)]  # fmt: skip
    if on_tiles:
        lines.append(tr("export_tiles_source", lang, attribution=basemap.text_attribution))
    fig.text(margin / page_w, margin / page_h, "\n".join(lines), ha="left", va="bottom", fontsize=font_pt * 0.85,
             color="#444", linespacing=1.5)  # fmt: skip
    ax.set_xlim(minx, maxx)  # the empty legend scatters must not move the view
    ax.set_ylim(miny, maxy)
    return PrintMap(fig, ax, crs, extent, scale_m, options, notes)


def write_print_map(drawn: PrintMap, fmt: str, path: str | Path) -> Path:
    """Save ``drawn`` as ``fmt`` (png at its options' dpi, pdf or svg) to ``path``, atomically; the page
    keeps its paper size (no cropping), so positions on it follow the figure's transforms."""
    if fmt not in PRINT_FORMATS:
        raise ValueError(f"unknown print format {fmt!r}: expected one of {', '.join(PRINT_FORMATS)}")
    metadata = {"pdf": {"Creator": "culturemap"}, "svg": {"Creator": "culturemap"}, "png": {"Software": "culturemap"}}
    with atomic_outputs([path]) as (tmp,), mpl.rc_context(VECTOR_FONTS):
        drawn.figure.savefig(tmp, format=fmt, dpi=drawn.options.dpi, metadata=metadata[fmt])
    return Path(path)
