"""The district atlas PDF: a cover map of the whole city, one page per district that holds assets, then
the sources; A4 portrait, Chinese or English (QGIS's atlas of one page per feature, in one call).

- The cover: every asset on the city's map in its layer's marker (unnumbered: the numbers belong to the
  district pages), each district's outline and a table of contents (the district, its assets by layer and
  the page it is on). Districts without assets get no page; the cover names them.
- A district page (:func:`district_page`): its counts by layer and grade/level against the city's, its
  map zoomed to the district with the district's outline drawn bold, its assets numbered as on a print
  map (:func:`culturemap.export.print_key.number_assets`) with an inset of its crowded centre where its
  markers overlap (:func:`culturemap.export.print_key.crowded_centre`), names beside the markers up to
  :data:`~culturemap.export.print_key.LABEL_MAX` assets, and the key (number, name, layer, grade/level;
  the district is the page's) under the map. The district report's first page
  (:func:`culturemap.export.report.city_report` with a district) is this page.
- The sources (:func:`culturemap.export.report._sources_section`) of all the city's assets.

Page count: 1 + the districts holding assets + the sources' pages.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg

from culturemap.analysis.select import AssetQuery, select_assets
from culturemap.catalog import City
from culturemap.export.document import (
    BOTTOM,
    FONT_PT,
    MARGIN,
    PAGE_H,
    PAGE_W,
    PT_MM,
    TEXT_W,
    Document,
    Progress,
)
from culturemap.export.print_key import (
    LABEL_MAX,
    corner_box,
    crowded_centre,
    draw_key,
    emptiest_corner,
    key_height_mm,
    key_rows,
    number_assets,
    overlapping_markers,
    place_labels,
)
from culturemap.export.print_map import (
    _boxed_texts,
    _draw_basemap,
    _draw_inset,
    _draw_markers,
    _extent,
    _frame_axes,
    _inside,
    _line_vertices,
    _make_room,
    _marker_style,
    _names,
    _scale_bar_box,
    basemap_legend_handles,
    draw_north_arrow,
    draw_scale_bar,
)
from culturemap.export.report import _class_counts, _district_name, _sources_section
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS, approximate
from culturemap.render.static import use_cjk_font

MARKER_PT = 8.5  # a marker's size on the page, as on an A4 print map
MAP_FONT_PT = 7.5  # the map's text (district names, scale bar), as on an A4 print map
KEY_FONT_PT = MAP_FONT_PT * 0.85
MIN_MAP_MM = 90.0  # a district's map is not lower than this: a longer key is set smaller (to MIN_KEY_FONT_PT)
LEAST_MAP_MM = 70.0  # then the map gives way, down to this
LEGEND_ROWS = {"zh": 2, "en": 3}  # the legend's rows under a map (English names are longer)
LEGEND_ROW_MM = 4.2
# a district page's key: number, name, layer, grade/level (the district is the page's): the names get the room
DISTRICT_KEY_SHARES = {"zh": (0.075, 0.445, 0.22, 0.26), "en": (0.06, 0.56, 0.24, 0.14)}
DRAWN_TOLERANCE_DEG = 0.00005  # about 5 m: under a tenth of a millimetre on a district page, a quarter in an inset
MIN_KEY_FONT_PT = 5.5  # a key that does not fit at KEY_FONT_PT is set smaller, down to this
INSET_SHARES = (0.34, 0.42, 0.5)  # the inset's width, a share of the district map's, smallest first
INSET_MIN_M = 400.0  # an inset shows at least this width of ground
INSET_RADII = (2.0, 3.0, 4.0, 5.0, 6.0)  # the inset shows the markers within this many marker widths of the centre


def _drawn(city: City) -> City:
    """``city`` with its district outlines and river simplified for drawing (within
    :data:`DRAWN_TOLERANCE_DEG`; Qiqihar's districts have 41,535 vertices), made once and kept in its memo;
    areas and counts come from the pack as it is."""
    if "atlas_drawn" not in city.memo:
        layers = dict(city.layers)
        for lid in ("districts", "river"):
            if lid in layers and len(layers[lid]):
                frame = layers[lid]
                layers[lid] = frame.assign(
                    geometry=frame.geometry.simplify(DRAWN_TOLERANCE_DEG, preserve_topology=True)
                )
        city.memo["atlas_drawn"] = replace(city, layers=layers, memo={})
    return city.memo["atlas_drawn"]


def districts_with_assets(city: City) -> list[str]:
    """The Chinese names of the districts holding assets (by the assets' ``district`` field), in the order
    of the districts layer: the atlas's district pages."""
    held = set(city.assets()["district"].dropna())
    return [zh for zh in city.layers["districts"]["name_zh"] if zh in held]


def _legend(doc: Document, ax, city: City, layer_ids: list[str], lang: str) -> None:
    """The legend (layers drawn, approximate positions, river, district outline) in two rows under ``ax``."""
    handles = [ax.scatter([], [], label=LAYERS[lid].label(lang), **_marker_style(lid, False, MARKER_PT * 0.8))
               for lid in layer_ids]  # fmt: skip
    handles.append(ax.scatter([], [], label=tr("export_approx", lang),
                              **{**_marker_style("attractions", True, MARKER_PT * 0.8), "facecolors": ["white"]}))  # fmt: skip
    handles += basemap_legend_handles(city, lang)
    doc.pages[-1].legend(handles=handles, loc="upper left", ncol=int(np.ceil(len(handles) / LEGEND_ROWS[lang])),
                         frameon=False,
                         fontsize=MAP_FONT_PT, bbox_to_anchor=(MARGIN / PAGE_W, (doc.y + 0.5) / PAGE_H),
                         handletextpad=0.4, columnspacing=1.2, borderaxespad=0)  # fmt: skip
    doc.y -= legend_mm(lang)


def legend_mm(lang: str) -> float:
    """The height of the legend under a map in ``lang``."""
    return LEGEND_ROWS[lang] * LEGEND_ROW_MM + 2.6


def _counts_table(doc: Document, city: City, assets: gpd.GeoDataFrame, lang: str) -> None:
    """The district's assets by layer and grade/level, beside the city's."""
    everything = city.assets()
    rows = []
    for lid in ASSET_LAYERS:
        in_city = everything[everything["layer"] == lid]
        if not len(in_city):
            continue
        here = assets[assets["layer"] == lid]
        rows.append([LAYERS[lid].label(lang), str(len(here)), str(len(in_city)), f"{100 * len(here) / len(in_city):.0f}%",
                     _class_counts(here, lid, lang), _class_counts(in_city, lid, lang)])  # fmt: skip
    share = 100 * len(assets) / max(len(everything), 1)
    rows.append([tr("col_total", lang), str(len(assets)), str(len(everything)), f"{share:.0f}%", "", ""])
    doc.table([tr("col_layer", lang), tr("report_in_district", lang), tr("atlas_in_city", lang),
               tr("atlas_share", lang), tr("atlas_by_class_district", lang), tr("atlas_by_class_city", lang)],
              rows, [30, 14, 14, 13, 55, 56], title=tr("atlas_counts", lang), bold_rows=frozenset({len(rows) - 1}))  # fmt: skip


def _near_extent(xy: np.ndarray, centre: np.ndarray, radius_m: float, width_mm: float, aspect: float):
    """(minx, miny, maxx, maxy) of an inset ``width_mm`` wide on paper showing the markers ``xy`` within
    ``radius_m`` of ``centre``, with room at the inset's own scale for a name beside each marker (four marker
    widths left and right, two and a half above and below), widened to ``aspect`` (width/height)."""
    near = xy[np.hypot(*(xy - centre).T) <= radius_m]
    (minx, miny), (maxx, maxy) = near.min(axis=0), near.max(axis=0)
    marker_share = MARKER_PT * PT_MM / width_mm  # a marker's width, a share of the inset's
    width = max(maxx - minx, 1.0) / max(1 - 8 * marker_share, 0.3)
    height = max(maxy - miny, 1.0) + 5 * marker_share * width
    width, height = max(width, height * aspect, INSET_MIN_M), max(height, width / aspect)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def _well_inside(xy: np.ndarray, box, margin: float) -> np.ndarray:
    """Which of ``xy`` lie in ``box`` at least ``margin`` from its edges."""
    minx, miny, maxx, maxy = box
    return _inside(xy, (minx + margin, miny + margin, maxx - margin, maxy - margin))


def _plan_inset(xy: np.ndarray, centre: np.ndarray, extent, marker_m: float, aspect: float, river_xy: np.ndarray,
                land=None):  # fmt: skip
    """The district map's extent and its inset (corner, width and height shares, extent in metres) for the
    crowded ``centre``: of the inset sizes (:data:`INSET_SHARES`) and the areas around the centre
    (:data:`INSET_RADII`, in marker widths), the one leaving the fewest overlapping markers on the map and in
    the inset together (ties: the smaller inset, then the wider area); then the corner (not the scale bar's)
    whose inset box, once the map has made room, covers the fewest markers, then the least of ``land`` (the
    district or the city, a shapely geometry in metres: in tenths of the box), growing the map least."""
    best = None
    for width in INSET_SHARES:
        height = min(width * aspect, 0.5)
        for radius in INSET_RADII:
            sub = _near_extent(xy, centre, radius * marker_m, width * TEXT_W, width * aspect / height)
            inside = _inside(xy, sub)
            inset_marker_m = MARKER_PT * PT_MM * (sub[2] - sub[0]) / (width * TEXT_W)
            crowd = overlapping_markers(xy[inside], inset_marker_m) + overlapping_markers(xy[~inside], marker_m)
            score = (crowd, width, -radius)
            if best is None or score < best[0]:
                best = (score, width, height, sub)
    _, width, height, sub = best
    options = []
    # a marker just beside the inset's box is half under it: the room made and counted is a marker wider
    wide, high = width + marker_m / (extent[2] - extent[0]), height + marker_m / (extent[3] - extent[1])
    for order, corner in enumerate(("upper right", "lower right", "upper left")):
        grown = _make_room(extent, xy, corner, wide, high, aspect)
        covered = int(_inside(xy, corner_box(grown, corner, wide, high)).sum())
        box = corner_box(grown, corner, width, height)
        crossed = int(_inside(river_xy, box).sum()) if len(river_xy) else 0
        hidden = round(10 * land.intersection(shapely.box(*box)).area / shapely.box(*box).area) if land else 0
        options.append(((covered, hidden, round((grown[3] - grown[1]) / (extent[3] - extent[1]), 2), crossed, order),
                        corner, grown))  # fmt: skip
    _, corner, grown = min(options)
    return grown, (corner, width, height, sub)


def _district_map(doc: Document, city: City, assets, area, height_mm: float, numbers: np.ndarray, lang: str):
    """The map of one district (``area``, WGS-84) ``height_mm`` high across the text width: the numbered
    ``assets``, the district's outline bold, an inset of the crowded centre in the emptiest corner when
    markers overlap, scale bar, north arrow and (up to :data:`LABEL_MAX` assets) names beside the markers."""
    crs = city.config.metric_crs
    ax = doc.axes(height_mm, gap=1.5)
    aspect = TEXT_W / height_mm
    extent = _extent(city, assets, AssetQuery(), crs, aspect, area)
    points = assets.to_crs(crs).geometry.representative_point()
    xy = np.column_stack([points.x, points.y]) if len(assets) else np.zeros((0, 2))
    river_xy = _line_vertices(city.layers["river"], crs)
    marker_m = MARKER_PT * PT_MM * (extent[2] - extent[0]) / TEXT_W
    centre = crowded_centre(xy, marker_m)
    inset = None
    if centre is not None:  # one page per district: the crowded centre always goes into an inset
        land = gpd.GeoSeries([area], crs="EPSG:4326").to_crs(crs).iloc[0]
        extent, inset = _plan_inset(xy, centre, extent, marker_m, aspect, river_xy, land)
    _draw_basemap(ax, city, crs, extent, MAP_FONT_PT, lang)
    outline = gpd.GeoSeries([area], crs="EPSG:4326").to_crs(crs).boundary
    outline.plot(ax=ax, color="#333", linewidth=1.8, zorder=2.5)
    # a marker the inset's edge would cut stays numbered on the map
    in_inset = (
        _well_inside(xy, inset[3], MARKER_PT * PT_MM * (inset[3][2] - inset[3][0]) / (inset[1] * TEXT_W))
        if inset
        else np.zeros(len(assets), dtype=bool)
    )
    _frame_axes(ax, extent)
    approx = approximate(assets).to_numpy()
    marker_m = MARKER_PT * PT_MM * (extent[2] - extent[0]) / TEXT_W
    _draw_markers(ax, assets, xy, approx, numbers, ~in_inset, MARKER_PT, marker_m)
    draw_scale_bar(ax, extent, MAP_FONT_PT)
    inset_ax = (
        _draw_inset(ax, city, assets, xy, approx, numbers, in_inset, inset, MARKER_PT, MAP_FONT_PT, lang)
        if inset
        else None
    )
    taken = ("lower left", inset[0]) if inset else ("lower left",)
    arrow = draw_north_arrow(
        ax, crs, extent, MAP_FONT_PT, lang, emptiest_corner(extent, xy, river_xy, 0.12, 0.2, taken)
    )
    if 0 < len(assets) <= LABEL_MAX:
        # a renderer to measure the labels with, only now: with it, every geopandas plot draws the whole page
        renderer = FigureCanvasAgg(ax.figure).get_renderer()
        furniture = [artist.get_window_extent(renderer) for artist in arrow]
        furniture += [_scale_bar_box(ax, renderer), *_boxed_texts(ax, renderer)]
        furniture += [inset_ax.get_window_extent(renderer)] if inset_ax else []
        names = _names(assets, lang)
        for target, keep, obstacles in ((ax, ~in_inset, furniture), (inset_ax, in_inset, None)):
            if target is None:
                continue
            if obstacles is None:
                obstacles = [_scale_bar_box(target, renderer), *_boxed_texts(target, renderer)]
            chosen = np.flatnonzero(keep)
            place_labels(target, xy[chosen], [names[i] for i in chosen], MAP_FONT_PT * 0.9, MARKER_PT, obstacles)
        _frame_axes(ax, extent)
    return ax


def district_page(doc: Document, city: City, district: str, lang: str, title: str | None = None) -> None:
    """One page of ``district`` (its Chinese name) on a new page of ``doc``: title and summary, the counts
    against the city's, the numbered map and its key. Everything fits on the page: the map takes what
    the counts and the key leave (at least :data:`MIN_MAP_MM`)."""
    districts = city.layers["districts"]
    assets = select_assets(city.assets(), AssetQuery(districts=(district,)))
    area = districts.loc[districts["name_zh"] == district].geometry.union_all()
    area_km2 = float(gpd.GeoSeries([area], crs="EPSG:4326").to_crs(city.config.metric_crs).area.iloc[0]) / 1e6
    name = _district_name(city, district, lang)
    doc.new_page()
    doc.heading(title or tr("atlas_district_title", lang, city=city.config.name(lang), district=name))
    share = 100 * len(assets) / max(len(city.assets()), 1)
    doc.text(tr("atlas_district_summary", lang, n=len(assets), share=share, area=area_km2), color="#333")
    _counts_table(doc, city, assets, lang)
    numbers = number_assets(assets, city.config.metric_crs)
    rows = key_rows(city, assets, numbers, lang)
    room = doc.y - BOTTOM - legend_mm(lang) - 1.5 - 2.0  # under the counts: the map, its legend and the key
    # one column (names in full) when it leaves the map its height, else two
    columns = 1 if room - key_height_mm(len(rows), 1, KEY_FONT_PT) >= MIN_MAP_MM else 2
    font = KEY_FONT_PT
    if rows and room - key_height_mm(len(rows), columns, font) < MIN_MAP_MM:  # a long key is set smaller
        font = max(MIN_KEY_FONT_PT, font * (room - MIN_MAP_MM) / key_height_mm(len(rows), columns, font))
    key_mm = key_height_mm(len(rows), columns, font) if rows else 0.0
    drawn_area = area.simplify(DRAWN_TOLERANCE_DEG, preserve_topology=True)
    ax = _district_map(doc, _drawn(city), assets, drawn_area, max(room - key_mm, LEAST_MAP_MM), numbers, lang)
    _legend(doc, ax, city, [lid for lid in ASSET_LAYERS if (assets["layer"] == lid).any()], lang)
    if rows:
        draw_key(doc.pages[-1], rows, (MARGIN, doc.y - key_mm, TEXT_W, key_mm), (PAGE_W, PAGE_H), font, columns, lang,
                 DISTRICT_KEY_SHARES[lang])  # fmt: skip
        doc.y -= key_mm + 2.0


def _cover(doc: Document, city: City, pages: dict[str, int], lang: str) -> None:
    """The whole city: every asset in its layer's marker on the districts, and the contents table."""
    assets = city.assets()
    city = _drawn(city)
    districts = city.layers["districts"]
    name_field = "name_zh" if lang == "zh" else "name_en"
    doc.new_page()
    doc.heading(tr("atlas_title", lang, city=city.config.name(lang)))
    doc.text(tr("atlas_cover_summary", lang, n=len(assets), districts=len(pages)), color="#333")
    shown = [lid for lid in ASSET_LAYERS if (assets["layer"] == lid).any()]
    row_mm = 5.2  # a one-line row of the contents table
    table_mm = (len(districts) + 3) * row_mm + 8
    map_mm = max(doc.y - BOTTOM - table_mm - legend_mm(lang) - 6, MIN_MAP_MM)
    crs = city.config.metric_crs
    ax = doc.axes(map_mm, gap=1.5)
    aspect = TEXT_W / map_mm
    extent = _extent(city, districts, AssetQuery(), crs, aspect, None)
    points = assets.to_crs(crs).geometry.representative_point()
    xy = np.column_stack([points.x, points.y])
    approx = approximate(assets).to_numpy()
    river_xy = _line_vertices(city.layers["river"], crs)
    size_pt = MARKER_PT * 0.7
    centre = crowded_centre(xy, size_pt * PT_MM * (extent[2] - extent[0]) / TEXT_W)
    inset = None
    if centre is not None:  # the urban cluster at a larger scale, its markers unnumbered as on the cover
        extent, inset = _plan_inset(xy, centre, extent, MARKER_PT * PT_MM * (extent[2] - extent[0]) / TEXT_W, aspect,
                                    river_xy, districts.to_crs(crs).union_all())  # fmt: skip
    _draw_basemap(ax, city, crs, extent, MAP_FONT_PT, lang)
    _frame_axes(ax, extent)
    for lid in shown:
        for flagged in (False, True):
            keep = (assets["layer"] == lid).to_numpy() & (approx == flagged)
            if keep.any():
                ax.scatter(xy[keep, 0], xy[keep, 1], zorder=6 if flagged else 7,
                           **_marker_style(lid, flagged, size_pt))  # fmt: skip
    districts.to_crs(crs).boundary.plot(ax=ax, color="#555", linewidth=0.9, zorder=2.5)
    draw_scale_bar(ax, extent, MAP_FONT_PT)
    unnumbered = np.zeros(len(assets), dtype=bool)
    if inset:
        _draw_inset(ax, city, assets, xy, approx, np.zeros(len(assets), dtype=int), unnumbered, inset, size_pt * 1.2,
                    MAP_FONT_PT, lang)  # fmt: skip
    taken = ("lower left", inset[0]) if inset else ("lower left",)
    draw_north_arrow(ax, crs, extent, MAP_FONT_PT, lang, emptiest_corner(extent, xy, river_xy, 0.12, 0.2, taken))
    _frame_axes(ax, extent)
    _legend(doc, ax, city, shown, lang)
    counts = assets.groupby(["district", "layer"]).size()
    rows, none = [], []
    for zh, label in zip(districts["name_zh"], districts[name_field]):
        if zh not in pages:
            none.append(str(label))
            continue
        per_layer = [str(counts.get((zh, lid), 0)) for lid in shown]
        rows.append([str(label), *per_layer, str(sum(int(n) for n in per_layer)), str(pages[zh])])
    doc.table([tr("col_district", lang), *(LAYERS[lid].label(lang) for lid in shown), tr("col_total", lang),
               tr("atlas_col_page", lang)], rows, [30, *([18] * len(shown)), 14, 12],
              title=tr("atlas_contents", lang))  # fmt: skip
    if none:
        doc.text(tr("atlas_no_assets", lang, names=("、" if lang == "zh" else ", ").join(none)), size=FONT_PT - 1,
                 color="#333")  # fmt: skip


def district_atlas(city: City, lang: str = "zh", today: date | None = None, progress: Progress | None = None) -> bytes:
    """The district atlas PDF of ``city`` in ``lang``: the cover map with the contents, one page per district
    holding assets (:func:`district_page`), then the sources.

    Parameters
    ----------
    city : the pack.
    lang : ``zh`` or ``en``.
    today : the date on every page (default: today).
    progress : called with (steps done, steps in all): the cover, each district, the sources, the file.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected zh or en")
    today = today or date.today()
    use_cjk_font()
    held = districts_with_assets(city)
    pages = {zh: 2 + i for i, zh in enumerate(held)}
    doc = Document(lang)
    where = city.config.name(lang)
    doc.title = tr("atlas_title", lang, city=where)
    doc.subject = tr("atlas_subject", lang, n=len(held))
    steps = [lambda: _cover(doc, city, pages, lang)]
    steps += [lambda zh=zh: district_page(doc, city, zh, lang) for zh in held]
    steps.append(lambda: _sources_section(doc, city, city.assets(), lang))
    total = len(steps) + 1
    for done, step in enumerate(steps, start=1):
        step()
        if progress:
            progress(done, total)
    return doc.finish(where, today, tr("export_source", lang, city=where), progress, len(steps), total)
