"""A selection of assets in any export format: the one entry point of ``culturemap export`` and the
map page's export panel, so that both write the same file for the same filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd

from culturemap.analysis.select import ASSET_LAYERS, AssetQuery
from culturemap.catalog import City
from culturemap.catalog.sources import with_citations
from culturemap.export import DATA_FORMATS, EXPORT_FORMATS, PRINT_FORMATS
from culturemap.export.data import write_data
from culturemap.export.filing import filing_name
from culturemap.export.html import write_html
from culturemap.export.print_map import (
    PrintOptions,
    default_title,
    describe_selection,
    print_map,
    write_print_map,
)
from culturemap.export.workbook import write_workbook
from culturemap.render.basemaps import DEFAULT_BASEMAP, Basemap


def filing_parts(city: City, query: AssetQuery) -> list[str]:
    """The selection part of a file name (:func:`culturemap.export.filing.filing_name`) for ``query``: the
    layers (unless all), grade and class codes, themes, districts by their English names, the river
    distance and the search text, in that order."""
    parts = [] if set(query.layers) == set(ASSET_LAYERS) else [lid for lid in ASSET_LAYERS if lid in query.layers]
    parts += [query.min_grade or "", *query.heritage_levels, *query.museum_kinds, *query.university_types,
              *query.themes]  # fmt: skip
    names_en = dict(zip(city.layers["districts"]["name_zh"], city.layers["districts"]["name_en"]))
    parts += [str(names_en.get(d) or d) for d in query.districts]
    if query.river_km is not None:
        parts.append(f"river-{query.river_km:g}km")
    return [*parts, query.text]


def selection_file_name(city: City, query: AssetQuery, fmt: str, options: PrintOptions | None = None,
                        today: date | None = None, what: str | None = None) -> str:  # fmt: skip
    """The filing name of the selection ``query`` written as ``fmt`` (see :func:`write_selection`):
    ``<city>-map-<selection>-<paper>-<date>.<ext>`` for a print map (``A4``, ``A3-landscape``), ``-map-``
    without paper for the HTML page, ``-data-`` for data; ``what`` replaces ``map``/``data``."""
    paper = None
    if fmt in PRINT_FORMATS and options is not None:
        paper = options.paper + ("-landscape" if options.landscape else "")
    what = what or ("data" if fmt in DATA_FORMATS else "map")
    return filing_name(city.config.id, what, fmt, filing_parts(city, query), paper, today)


@dataclass(frozen=True)
class WrittenFile:
    """A written export and what it lacks (notes in the export's language, e.g. web tiles not reached)."""

    path: Path
    notes: tuple[str, ...] = ()


def write_selection(
    city: City,
    assets: gpd.GeoDataFrame,
    query: AssetQuery,
    fmt: str,
    path: str | Path,
    options: PrintOptions | None = None,
    basemap: str = DEFAULT_BASEMAP,
    today: date | None = None,
    print_basemap: Basemap | None = None,
) -> WrittenFile:
    """Write ``assets`` (the rows ``query`` selected from :meth:`City.assets`, WGS-84) as ``fmt`` (one
    of :data:`EXPORT_FORMATS`) to ``path``, atomically; returns the path and its notes. XLSX is the
    workbook for people (:func:`culturemap.export.workbook.write_workbook`: labels in ``options.lang``);
    the other data formats keep the codes, with each row's source cited.

    ``options`` gives the language of the print map, the HTML page and the XLSX workbook, their title (an
    HTML page without a title is titled with the city and the filters) and the print map's paper,
    orientation and PNG dpi; ``basemap`` is the HTML page's; ``today`` the date printed on the map or
    written in the workbook (default: today);
    ``print_basemap`` the web tiles under the print map (None: the pack's offline basemap, no network).
    """
    options = options or PrintOptions(lang=city.config.default_lang)
    if fmt == "xlsx":  # for people: labels, a sheet per layer, the selection and its sources
        return WrittenFile(write_workbook(city, assets, query, options.lang, path, today))
    if fmt in DATA_FORMATS:
        return WrittenFile(write_data(with_citations(assets, city.sources, options.lang), fmt, path))
    if fmt == "html":
        lang = options.lang
        title = options.title or f"{default_title(city, lang)} · {describe_selection(city, query, lang)}"
        return WrittenFile(write_html(city, assets, lang, title, path, basemap))
    if fmt in PRINT_FORMATS:
        drawn = print_map(city, assets, query, options, today, basemap=print_basemap)
        return WrittenFile(write_print_map(drawn, fmt, path), drawn.notes)
    raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
