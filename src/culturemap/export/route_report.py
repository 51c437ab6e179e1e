"""The route report PDF, A4 portrait, in Chinese or English: the totals (and, when no road network was used,
the words "estimated travel times"), the stops a day limit left out and the warnings, the map with the
numbered stops and the route line, then the itinerary table (order, name, address, arrival, departure,
stay, opening hours, leg distance and time, warnings) and the stops left out with why. The pages are laid out by :class:`culturemap.export.document.Document`.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import shapely
from adjustText import adjust_text
from matplotlib.lines import Line2D

from culturemap.catalog import City
from culturemap.catalog.sources import sources_line
from culturemap.export.document import BOTTOM, FONT_PT, TEXT_W, Document, Progress, map_axes
from culturemap.export.print_map import basemap_legend_handles, draw_north_arrow, draw_scale_bar
from culturemap.export.route import day_lines, end_text, full_name, stop_warning, totals_text
from culturemap.i18n import tr
from culturemap.render.route import ROUTE_DAY_COLOURS
from culturemap.render.static import use_cjk_font
from culturemap.routing.itinerary import note_text

ROUTE_MAP_MIN_MM = 90.0  # the route map's least height: a route along a river is long and thin
ROUTE_LEGEND_MM = 14.0  # the legend under the route map: its title and a row of entries
ALERT = "#a50f15"  # the colour of what the reader must act on: stops left out, warnings


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


def _route_map(doc: Document, city: City, plan, max_height_mm: float, lang: str) -> None:
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
    ax, extent = map_axes(doc, city, stops, area, height_mm, lang)
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


def _summary(doc: Document, plan, lang: str) -> None:
    """Under the totals: how many stops a day limit left out (named), then every warning (the days
    past midnight or past the day's end, then each stop's), in dark red."""
    left_out = plan.left_out_lines(lang)
    if left_out:
        names = ("、" if lang == "zh" else ", ").join(
            s["name_zh" if lang == "zh" else "name_en"] for s in plan.left_out
        )
        doc.text(f"{left_out[0]}{'' if lang == 'zh' else ' '}{names}", color=ALERT, fontweight="bold")
    warnings = plan.warning_lines(lang)
    if warnings:
        doc.text(tr("report_route_warnings", lang), size=FONT_PT * 1.1, gap=1.0, color=ALERT, fontweight="bold")
        for line in warnings:
            doc.text(f"· {line}", gap=1.0, color=ALERT)
        doc.y -= 1.0


def _itinerary_rows(city: City, plan, lang: str) -> list[list[str]]:
    """A row per stop (order, [day,] name, address, arrival, departure, stay, hours, leg km and min, its
    warnings) and, for a round trip, the way back to the start (its leg and warnings, the arrival)."""
    days = plan.totals["days"] > 1
    rows = []
    for r in plan.stops.to_dict("records"):
        first = r["order"] == 1
        rows.append([str(r["order"]), *([str(r["day"])] if days else []), full_name(r, lang, city),
                     _cell(r.get("address")) or tr("report_unknown", lang), r["arrival"], r["departure"],
                     f"{r['dwell_min']:.0f}", _cell(r.get("opening_hours")) or tr("report_unknown", lang),
                     "" if first else f"{r['leg_km']:.2f}", "" if first else f"{r['leg_min']:.0f}",
                     stop_warning(r, lang)])  # fmt: skip
    t = plan.totals
    if plan.round_trip and t["return_leg_km"] > 0:
        back = tr("routes_destination_round", "zh")  # the way back's warnings carry this name
        notes = [note_text(note, lang) for zh, _, _, note in plan.warnings if zh == back]
        start = full_name(plan.stops.iloc[0].to_dict(), lang, city)
        label = tr("routes_destination_round", lang)  # a menu's option: "back to the start (round trip)"
        rows.append(["", *([str(t["days"])] if days else []), f"{label[:1].upper()}{label[1:]}: {start}", "",
                     end_text(t, lang), "", "", "", f"{t['return_leg_km']:.2f}", f"{t.get('return_leg_min', 0):.0f}",
                     ("；" if lang == "zh" else "; ").join(notes)])  # fmt: skip
    return rows


def _left_out_section(doc: Document, plan, lang: str) -> None:
    """The stops a day limit left out, a section of its own: how many fit, then each stop left out with
    why and what would fit it (more days, a faster mode)."""
    head, *lines = plan.left_out_lines(lang)
    doc.room(30)
    doc.text(head, size=FONT_PT * 1.2, fontweight="bold")
    for line in lines:
        doc.text(f"· {line}")
    doc.y -= 2.0


def route_report(city: City, plan, title: str, lang: str = "zh", today: date | None = None,
                 progress: Progress | None = None) -> bytes:  # fmt: skip
    """The report PDF of ``plan`` (:func:`culturemap.routing.itinerary.plan_route`) titled ``title``
    (see :func:`~culturemap.export.route.route_title`): the travel mode, date and totals, the stops left out
    (named) and the warnings, the map with numbered stops and the route line, the itinerary table with
    each stop's warnings (and the way back of a round trip), then the stops left out with why and what
    would fit them. ``progress`` as in :func:`~culturemap.export.report.city_report`."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected zh or en")
    today = today or date.today()
    use_cjk_font()
    doc = Document(lang)
    doc.title = title
    doc.new_page()
    doc.text(title, size=FONT_PT * 2.2, gap=3.0, fontweight="bold")
    mode = tr(f"mode_{plan.mode}", lang)  # every leg's: the table has no mode column
    first_day = plan.stops["date"].iloc[0] if len(plan.stops) else today.isoformat()
    doc.subject = tr("report_route_subject", lang, n=len(plan.stops), mode=mode, date=first_day)
    doc.text(f"{tr('report_route_mode', lang, mode=mode)} · {tr('report_route_date', lang, date=first_day)}",
             size=FONT_PT * 1.2)  # fmt: skip
    doc.text(tr("report_route_estimated" if plan.estimated else "report_route_network", lang), size=FONT_PT * 1.1,
             fontweight="bold" if plan.estimated else "normal")  # fmt: skip
    for line in _totals_lines(plan, lang):
        doc.text(line)
    _summary(doc, plan, lang)
    _route_map(doc, city, plan, min(doc.y - BOTTOM - 4, 190), lang)
    if progress:
        progress(1, 3)
    days = plan.totals["days"] > 1
    header = [tr("report_col_order", lang), *([tr("col_day", lang)] if days else []), tr("report_col_name", lang),
              tr("report_col_address", lang), tr("report_col_arrival", lang), tr("report_col_departure", lang),
              tr("report_col_dwell", lang), tr("report_col_hours", lang), tr("report_col_leg_km", lang),
              tr("report_col_leg_min", lang), tr("col_warning", lang)]  # fmt: skip
    widths = [10, *([8] if days else []), 36, 26, 13, 14, 11, 19, 14, 13, 30]
    doc.table(header, _itinerary_rows(city, plan, lang), widths, title=tr("report_itinerary", lang))
    if plan.left_out:
        _left_out_section(doc, plan, lang)
    if progress:
        progress(2, 3)
    stops = plan.stops[["id"]].merge(city.assets()[["id", "source"]], on="id", how="left")
    return doc.finish(city.config.name(lang), today, sources_line(city, stops, lang), progress, 2, 3)
