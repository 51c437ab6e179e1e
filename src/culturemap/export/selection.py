"""A selection of assets in any export format: the one entry point of ``culturemap export`` and the
map page's export panel, so that both write the same file for the same filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import City
from culturemap.export import DATA_FORMATS, EXPORT_FORMATS, PRINT_FORMATS
from culturemap.export.data import write_data
from culturemap.export.html import write_html
from culturemap.export.print_map import (
    PrintOptions,
    default_title,
    describe_selection,
    print_map,
    write_print_map,
)
from culturemap.render.basemaps import DEFAULT_BASEMAP


def write_selection(
    city: City,
    assets: gpd.GeoDataFrame,
    query: AssetQuery,
    fmt: str,
    path: str | Path,
    options: PrintOptions | None = None,
    basemap: str = DEFAULT_BASEMAP,
    today: date | None = None,
) -> Path:
    """Write ``assets`` (the rows ``query`` selected from :meth:`City.assets`, WGS-84) as ``fmt`` (one
    of :data:`EXPORT_FORMATS`) to ``path``, atomically; returns the path.

    ``options`` gives the language and title of the print map and the HTML page (an HTML page without
    a title is titled with the city and the filters) and the print map's paper, orientation and PNG
    dpi; ``basemap`` is the HTML page's; ``today`` the date printed on the map (default: today).
    """
    options = options or PrintOptions(lang=city.config.default_lang)
    if fmt in DATA_FORMATS:
        return write_data(assets, fmt, path)
    if fmt == "html":
        lang = options.lang
        title = options.title or f"{default_title(city, lang)} · {describe_selection(city, query, lang)}"
        return write_html(city, assets, lang, title, path, basemap)
    if fmt in PRINT_FORMATS:
        return write_print_map(print_map(city, assets, query, options, today), fmt, path)
    raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
