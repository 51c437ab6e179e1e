"""What makes a print map readable as a figure in a report: numbered markers and their key, name labels
that never collide, an inset of the crowded centre, and furniture placed where the data is not.

- :func:`number_assets`: every asset gets a number, stable for a selection: by layer (the registry's
  order), then north to south, then west to east.
- :func:`key_rows` and :func:`draw_key`: the key table (number, name in the page's language, layer,
  grade/level, district), drawn in columns in a box of the page given in millimetres.
- :func:`crowded_centre`: the overlap measure deciding whether a map needs an inset.
- :func:`place_labels`: names beside the markers (adjustText), then checked: a label whose box still
  meets another label, a marker or the map's furniture is dropped (its number stays).
- :func:`emptiest_corner`: where the north arrow (and the inset) go.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from adjustText import adjust_text
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from matplotlib.transforms import Bbox
from scipy.spatial import cKDTree

from culturemap.catalog import City
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS

KEY_ON_PAGE_MAX = 40  # assets whose key fits under the map on the same page; more: the key on its own page
LABEL_MAX = 40  # assets whose names are also written beside their markers
CROWD_MARKERS = 4  # markers within one marker's width of a marker (itself included) that make a map crowded
DETAIL_PAGE_OVERLAPS = 12  # overlapping markers an inset may keep; more: the centre gets a page of its own
INSET_RADIUS_MARKERS = 5  # the inset shows the markers within this many marker widths of the densest one
PT_MM = 25.4 / 72  # millimetres per point
ADJUST_ITERATIONS = 120  # adjustText's steps: a count, not a time limit, so that a map comes out the same under load
CORNERS = ("upper left", "upper right", "lower right", "lower left")


def number_assets(assets: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    """The number (1..n) of each row of ``assets`` (WGS-84), in row order: by layer in the registry's order,
    then north to south and west to east on ``crs`` (a metric CRS), ties broken by id, so that the same
    selection is numbered the same on every map."""
    if not len(assets):
        return np.zeros(0, dtype=int)
    points = assets.to_crs(crs).geometry.representative_point()
    layer_rank = assets["layer"].map({lid: i for i, lid in enumerate(ASSET_LAYERS)}).fillna(len(ASSET_LAYERS))
    order = np.lexsort((assets["id"].astype(str).to_numpy(), points.x.round(0).to_numpy(),
                        -points.y.round(0).to_numpy(), layer_rank.to_numpy()))  # fmt: skip
    numbers = np.empty(len(assets), dtype=int)
    numbers[order] = np.arange(1, len(assets) + 1)
    return numbers


def _class_label(row, lang: str) -> str:
    spec = LAYERS[row["layer"]]
    value = row.get(spec.class_field) if spec.class_field else None
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return ""
    vocabulary = spec.class_vocabulary
    return vocabulary.label(value, lang) if vocabulary and value in vocabulary.values else str(value)


def key_rows(city: City, assets: gpd.GeoDataFrame, numbers: np.ndarray, lang: str) -> list[list[str]]:
    """One row per asset, by number: number, name (``lang``), layer, grade/level/kind/type and district."""
    districts = city.layers["districts"]
    district_en = dict(zip(districts["name_zh"], districts["name_en"]))
    rows = []
    for number, (_, row) in sorted(zip(numbers, assets.iterrows()), key=lambda pair: pair[0]):
        name = row["name_zh"] if lang == "zh" or not isinstance(row.get("name_en"), str) else row["name_en"]
        district = row.get("district") if isinstance(row.get("district"), str) else ""
        district = district if lang == "zh" else district_en.get(district, district)
        rows.append([str(number), str(name), LAYERS[row["layer"]].label(lang), _class_label(row, lang), district])
    return rows


def _width_mm(text: str, font_pt: float, bold: bool = False) -> float:
    """The width of ``text`` set at ``font_pt`` in the current fonts (the CJK font and its fallbacks), in mm."""
    font = FontProperties(size=font_pt, weight="bold" if bold else "normal")
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0] * PT_MM


def _fit(text: str, width_mm: float, font_pt: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width_mm`` at ``font_pt``."""
    if _width_mm(text, font_pt, bold) <= width_mm:
        return text
    while text and _width_mm(text + "…", font_pt, bold) > width_mm:
        text = text[:-1]
    return text.rstrip() + "…"


# of a key column's width: number, name, layer, class, district (English layer names are long, its levels short)
KEY_SHARES = {"zh": (0.075, 0.345, 0.20, 0.26, 0.12), "en": (0.06, 0.36, 0.27, 0.14, 0.17)}
KEY_ROW_EM = 1.45  # a key row's height, in ems of its font
NAME_SHRINK = 0.8  # a name may be set this much smaller than the key's font before it is cut


def key_height_mm(n_rows: int, columns: int, font_pt: float) -> float:
    """The height of a key of ``n_rows`` in ``columns`` columns at ``font_pt``, its header included."""
    per_column = int(np.ceil(n_rows / columns))
    return (per_column + 1.6) * KEY_ROW_EM * font_pt * PT_MM


def key_rows_that_fit(height_mm: float, columns: int, font_pt: float) -> int:
    """How many rows a key ``height_mm`` high in ``columns`` columns at ``font_pt`` holds."""
    return max(int(height_mm / (KEY_ROW_EM * font_pt * PT_MM) - 1.6), 0) * columns


def draw_key(fig, rows: list[list[str]], box_mm: tuple[float, float, float, float], page_mm: tuple[float, float],
             font_pt: float, columns: int, lang: str, shares: tuple[float, ...] | None = None) -> None:  # fmt: skip
    """Draw the key ``rows`` (see :func:`key_rows`) in ``columns`` columns, top-down, in ``box_mm`` (left,
    bottom, width, height in millimetres from the page's lower left; the page is ``page_mm`` wide, high),
    under a bold header per column. Cells too long for their share are cut with an ellipsis. ``shares``:
    each cell's share of a column's width (default :data:`KEY_SHARES`); fewer shares leave the last cells out."""
    left, bottom, width, height = box_mm
    page_w, page_h = page_mm
    row_mm = KEY_ROW_EM * font_pt * PT_MM
    per_column = int(np.ceil(len(rows) / columns)) if rows else 0
    gap = 4.0
    column_w = (width - gap * (columns - 1)) / columns
    header = [tr("export_key_no", lang), tr("export_key_name", lang), tr("export_key_layer", lang),
              tr("export_key_class", lang), tr("export_key_district", lang)]  # fmt: skip
    top = bottom + height
    for c in range(columns):
        chunk = rows[c * per_column : (c + 1) * per_column]
        if not chunk:
            break
        x0 = left + c * (column_w + gap)
        for r, cells in enumerate([header, *chunk]):
            y = top - (r + (0.3 if r else 0)) * row_mm
            x = x0
            for i, (share, cell) in enumerate(zip(shares or KEY_SHARES[lang], cells)):
                cell_w = column_w * share
                bold = r == 0 or cell is cells[0]
                size = font_pt
                if r and i == 1:  # a name a little too long is set smaller (to NAME_SHRINK) before it is cut
                    size = max(font_pt * NAME_SHRINK, min(font_pt, font_pt * (cell_w - 1.0) / _width_mm(cell, font_pt)))
                fig.text(x / page_w, y / page_h, _fit(cell, cell_w - 1.0, size, bold), ha="left", va="top",
                         fontsize=size, fontweight="bold" if bold else "normal",
                         color="#222" if r else "black")  # fmt: skip
                x += cell_w
        y_rule = top - 1.1 * row_mm
        fig.add_artist(_rule(x0 / page_w, (x0 + column_w) / page_w, y_rule / page_h))


def _rule(x0: float, x1: float, y: float):
    from matplotlib.lines import Line2D

    return Line2D([x0, x1], [y, y], color="#444", linewidth=0.5)


def crowded_centre(xy: np.ndarray, marker_m: float, min_markers: int = CROWD_MARKERS) -> np.ndarray | None:
    """The overlap measure of a print map: ``xy`` (n x 2, metres of a metric CRS) are the markers,
    ``marker_m`` a marker's width on the ground at the map's scale (its width on paper times metres per
    millimetre of paper). The map is crowded when some marker has ``min_markers`` or more markers
    (itself included) within one marker's width of its centre, i.e. overlapping it; then the densest such
    marker's position is returned (the centre of the inset), else None."""
    if len(xy) < min_markers:
        return None
    counts = np.array([len(found) for found in cKDTree(xy).query_ball_point(xy, r=marker_m)])
    best = int(np.argmax(counts))
    return xy[best] if counts[best] >= min_markers else None


def overlapping_markers(xy: np.ndarray, marker_m: float) -> int:
    """How many of the markers ``xy`` (n x 2, metres) another marker overlaps (centres closer than
    ``marker_m``, a marker's width on the ground at the map's scale)."""
    if len(xy) < 2:
        return 0
    return int(sum(len(found) > 1 for found in cKDTree(xy).query_ball_point(xy, r=marker_m)))


def inset_extent(xy: np.ndarray, centre: np.ndarray, marker_m: float, aspect: float):
    """(minx, miny, maxx, maxy) of the inset: the markers within :data:`INSET_RADIUS_MARKERS` marker widths
    of ``centre``, padded by a marker's width, widened to ``aspect`` (width/height); metres as ``xy``."""
    near = xy[np.hypot(*(xy - centre).T) <= INSET_RADIUS_MARKERS * marker_m]
    (minx, miny), (maxx, maxy) = near.min(axis=0) - marker_m, near.max(axis=0) + marker_m
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    width, height = max(maxx - minx, 2 * marker_m), max(maxy - miny, 2 * marker_m)
    width, height = max(width, height * aspect), max(height, width / aspect)
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def corner_box(extent, corner: str, width_share: float, height_share: float):
    """(minx, miny, maxx, maxy) of the ``corner`` of ``extent`` taking the given shares of its sides."""
    minx, miny, maxx, maxy = extent
    w, h = (maxx - minx) * width_share, (maxy - miny) * height_share
    x0 = minx if "left" in corner else maxx - w
    y0 = miny if "lower" in corner else maxy - h
    return x0, y0, x0 + w, y0 + h


def emptiest_corner(extent, xy: np.ndarray, lines: np.ndarray, width_share: float, height_share: float,
                    taken: tuple[str, ...] = ()) -> str:  # fmt: skip
    """The corner of ``extent`` (not in ``taken``) whose box of the given shares holds the fewest markers
    ``xy`` (each counting 10) and line vertices ``lines`` (the river, each counting 1); ties go to the
    upper right, then clockwise."""
    order = ("upper right", "lower right", "upper left", "lower left")

    def weight(corner: str) -> float:
        x0, y0, x1, y1 = corner_box(extent, corner, width_share, height_share)

        def inside(points):
            return (
                int(((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)).sum())
                if len(points)
                else 0
            )

        return 10 * inside(xy) + inside(lines)

    return min((c for c in order if c not in taken), key=lambda c: (weight(c), order.index(c)))


def place_labels(ax, xy: np.ndarray, names: list[str], font_pt: float, marker_pt: float,
                 obstacles: list[Bbox]) -> list:  # fmt: skip
    """Write ``names`` beside the markers at ``xy`` (data coordinates of ``ax``), moved apart by adjustText;
    then any label whose box (display coordinates, read from the renderer) meets a label kept before it, a
    marker, one of ``obstacles`` (display boxes of the legend, north arrow, scale bar, inset) or the map's
    edge is removed. Kept labels moved away from their marker get a thin leader line. Returns the kept texts."""
    if not len(names):
        return []
    frame = ax.get_window_extent()
    shift = 0.75 * marker_pt * (ax.get_xlim()[1] - ax.get_xlim()[0]) / (frame.width * 72 / ax.figure.dpi)
    texts = [ax.text(x + shift, y, name, ha="left", va="center", fontsize=font_pt, zorder=8,
                     bbox={"boxstyle": "square,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.8})
             for (x, y), name in zip(xy, names)]  # fmt: skip
    if len(texts) > 1:
        adjust_text(texts, x=xy[:, 0], y=xy[:, 1], ax=ax, ensure_inside_axes=True, expand=(1.15, 1.35),
                    iter_lim=ADJUST_ITERATIONS)  # fmt: skip
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    half = marker_pt / 72 * fig.dpi / 2
    markers = [Bbox.from_extents(px - half, py - half, px + half, py + half) for px, py in ax.transData.transform(xy)]
    kept, kept_boxes = [], []
    for i, text in enumerate(texts):
        box = text.get_window_extent(renderer)
        clash = (not frame.contains(box.x0, box.y0) or not frame.contains(box.x1, box.y1)
                 or any(box.overlaps(b) for b in kept_boxes + obstacles)
                 or any(box.overlaps(m) for m in markers))  # fmt: skip
        if clash:
            text.remove()
            continue
        kept.append(text)
        kept_boxes.append(box)
        tx, ty = text.get_position()
        marker_px = ax.transData.transform(xy[i])
        nearest = np.clip(marker_px, [box.x0, box.y0], [box.x1, box.y1])
        if np.hypot(*(nearest - marker_px)) > 2.2 * half:
            end = ax.transData.inverted().transform(nearest)
            ax.plot([xy[i][0], end[0]], [xy[i][1], end[1]], color="#555", linewidth=0.5, zorder=6.5)
    return kept


def key_pages(rows: list[list[str]], page_mm: tuple[float, float], dpi: int, lang: str, title: str, font_pt: float,
              columns: int, margin: float) -> list[Figure]:  # fmt: skip
    """The key ``rows`` on pages of their own (``page_mm`` wide, high, like the map's paper; ``margin`` mm),
    under the map's ``title`` and the word "key", as many rows a page as fit."""
    page_w, page_h = page_mm
    head_mm = 16.0
    box_h = page_h - 2 * margin - head_mm
    per_page = key_rows_that_fit(box_h, columns, font_pt)
    pages = []
    for start in range(0, len(rows), per_page):
        page = Figure(figsize=(page_w / 25.4, page_h / 25.4), dpi=dpi)
        page.text(margin / page_w, 1 - margin / page_h, f"{title} · {tr('export_key', lang)}", ha="left", va="top",
                  fontsize=font_pt * 1.8, fontweight="bold")  # fmt: skip
        chunk = rows[start : start + per_page]
        height = min(box_h, key_height_mm(len(chunk), columns, font_pt))
        draw_key(page, chunk, (margin, page_h - margin - head_mm - height, page_w - 2 * margin, height),
                 (page_w, page_h), font_pt, columns, lang)  # fmt: skip
        pages.append(page)
    return pages
