"""The XLSX export of a selection, a workbook for people (the CSV, GeoJSON, GeoPackage and KML keep the codes).

- a first sheet with the selection: the city, the filters in words, the date, the assets per layer,
  the coordinates' datum, and every source the rows cite as a reader cites it (publisher, title,
  date, page; never a file path: :func:`culturemap.catalog.sources.cite`);
- one sheet per layer of the selection, named after the layer, its columns the layer's fields of the
  registry (:data:`culturemap.layers.LAYERS`) headed in the chosen language, each code shown as its
  label (``national`` -> 全国重点文物保护单位 / National), themes as their labels, the district by its
  English name in English, ``source`` cited, ``lon``/``lat`` in WGS-84 degrees.

Text cells are stored as text, never formulas (a name ``=HYPERLINK(...)`` stays a name).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import City
from culturemap.catalog.sources import cite, cite_text, source_keys
from culturemap.export.print_map import describe_selection
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs
from culturemap.io.tables import COORD_DECIMALS
from culturemap.layers import ASSET_LAYERS, LAYERS, FieldSpec, LayerSpec

SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_COLUMN_WIDTH_MAX = 60  # characters; longer text wraps
_HEADER_FILL = "DDE4EE"


def sheet_name(text: str) -> str:
    """``text`` as an Excel sheet name: without ``[ ] : * ? / \\`` and at most 31 characters."""
    return _SHEET_FORBIDDEN.sub(" ", text).strip()[:SHEET_NAME_MAX]


def _labels(values, spec: FieldSpec, city: City, lang: str) -> str:
    """A list field's values (themes) as their labels, joined as the language joins a list."""
    if not isinstance(values, (list, tuple, np.ndarray)):
        return values if isinstance(values, str) else ""
    label = city.config.theme_label if spec.name == "themes" else spec.vocabulary.label
    return ("、" if lang == "zh" else "; ").join(label(str(v), lang) for v in values)


def _history(text, vocabulary, lang: str):
    """``grade_history`` ("4A 2001; 5A 2025-11") with each grade as its label."""
    if not isinstance(text, str) or vocabulary is None:
        return text
    parts = []
    for part in text.split(";"):
        words = part.split()
        parts.append(" ".join([vocabulary.label(words[0], lang), *words[1:]]) if words else "")
    return "; ".join(p for p in parts if p)


def _cell(value):
    """A table value as a cell value: blank for None/NaN, numpy scalars as Python ones."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def layer_rows(city: City, spec: LayerSpec, rows: gpd.GeoDataFrame, lang: str) -> tuple[list[str], list[list]]:
    """The header (in ``lang``) and the rows of one layer's sheet: the registry's fields of ``spec``
    with codes as labels, then longitude and latitude (WGS-84 degrees, a polygon's representative point)."""
    districts = city.layers["districts"]
    district_en = dict(zip(districts["name_zh"], districts["name_en"]))
    points = rows.geometry.representative_point()
    header = [tr(f"xlsx_col_{f.name}", lang) for f in spec.fields] + [
        tr("xlsx_col_lon", lang),
        tr("xlsx_col_lat", lang),
    ]
    history_vocabulary = spec.class_vocabulary
    body = []
    for (_, row), point in zip(rows.iterrows(), points):
        cells = []
        for field in spec.fields:
            value = row.get(field.name)
            if field.kind == "list":
                value = _labels(value, field, city, lang)
            elif field.kind == "enum" and isinstance(value, str) and value:
                value = field.vocabulary.label(value, lang)
            elif field.name == "grade_history":
                value = _history(value, history_vocabulary, lang)
            elif field.name == "district" and lang == "en" and isinstance(value, str):
                value = district_en.get(value) or value
            elif field.name == "source":
                value = cite_text(value, city.sources, lang)
            elif field.name == "name_en" and lang == "en" and not (isinstance(value, str) and value):
                value = None  # blank where the pack has no English name (no made-up pinyin)
            cells.append(_cell(value))
        cells += [round(float(point.x), COORD_DECIMALS + 1), round(float(point.y), COORD_DECIMALS + 1)]
        body.append(cells)
    return header, body


def sources_rows(city: City, assets: gpd.GeoDataFrame, lang: str) -> tuple[list[str], list[list]]:
    """The header and rows of the sources the rows of ``assets`` cite, most cited first: the citation
    (:func:`~culturemap.catalog.sources.cite`), publisher, title, date, web page, licence and the number
    of rows citing it. An item that is no register key (an imported file's own text) is cited as
    :func:`~culturemap.catalog.sources.cite_text` gives it (no paths), its other columns blank."""
    counts: Counter = Counter()
    for text in assets.get("source", ()):
        counts.update(dict.fromkeys(source_keys(text), 1))
    header = [
        tr(f"xlsx_source_{c}", lang) for c in ("citation", "publisher", "title", "date", "page", "licence", "rows")
    ]
    body, seen = [], {}
    for item, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        source = city.sources.get(item)
        if source is None:
            citation = cite_text(item, {}, lang)
            if not citation:
                continue
            if citation in seen:  # two texts that read the same once cleaned
                seen[citation][-1] += n
                continue
            row = [citation, None, None, None, None, None, n]
        else:
            pick = lambda zh, en: (zh or en) if lang == "zh" else (en or zh)  # noqa: E731
            row = [cite(source, lang), pick(source.publisher_zh, source.publisher_en) or None,
                   pick(source.title_zh, source.title_en) or None, source.date or None, source.url or None,
                   source.licence or None, n]  # fmt: skip
        seen[row[0]] = row
        body.append(row)
    return header, body


def selection_rows(city: City, assets: gpd.GeoDataFrame, query: AssetQuery, lang: str, today: date) -> list[list]:
    """The (label, value) rows that open the selection sheet: city, selection, date, assets per layer, datum."""
    rows = [
        [tr("xlsx_city", lang), city.config.name(lang)],
        [tr("xlsx_selection", lang), describe_selection(city, query, lang)],
        [tr("xlsx_exported", lang), today.isoformat()],
        [tr("xlsx_assets", lang), len(assets)],
    ]
    counts = assets["layer"].value_counts() if len(assets) else {}
    rows += [[f"  {LAYERS[lid].label(lang)}", int(counts[lid])] for lid in ASSET_LAYERS if lid in counts]
    rows.append([tr("xlsx_coordinates", lang), tr("xlsx_coordinates_note", lang)])
    return rows


def _text_width(value) -> int:
    """About how many character widths ``value`` takes in a cell (a Han character counts two)."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fill(ws, rows: list[list], start: int = 1, header: bool = False) -> None:
    """Write ``rows`` into ``ws`` from row ``start`` (1-based): text stored as text (never a formula), the
    first row bold on a pale fill when ``header``; each column as wide as its text up to a limit, longer
    text wrapped."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for number, values in enumerate(rows, start=start):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store "=..." as a formula
            if header and number == start:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
            elif _text_width(value) > _COLUMN_WIDTH_MAX:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[column] = max(widths.get(column, 0), _text_width(value))
    for column, width in widths.items():
        dimension = ws.column_dimensions[get_column_letter(column)]
        dimension.width = max(dimension.width or 0, min(width + 2, _COLUMN_WIDTH_MAX))


def write_workbook(
    city: City, assets: gpd.GeoDataFrame, query: AssetQuery, lang: str, path: str | Path, today: date | None = None
) -> Path:
    """Write ``assets`` (the rows ``query`` selected from :meth:`City.assets`, any CRS) as an XLSX
    workbook for people in ``lang`` (``zh`` or ``en``) to ``path``, atomically: the selection and its
    sources on the first sheet, then a sheet per layer holding rows (see the module docstring).
    ``today``: the export date written (default: today). Returns the path written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: expected zh or en")
    assets = assets.to_crs("EPSG:4326")
    book = Workbook()
    summary = book.active
    summary.title = sheet_name(tr("xlsx_sheet_selection", lang))
    opening = selection_rows(city, assets, query, lang, today or date.today())
    _fill(summary, opening)
    heading = summary.cell(row=len(opening) + 2, column=1, value=tr("xlsx_sources", lang))
    heading.font = Font(bold=True)
    header, body = sources_rows(city, assets, lang)
    _fill(summary, [header, *body], start=len(opening) + 3, header=True)
    for lid in ASSET_LAYERS:
        rows = assets[assets["layer"] == lid] if len(assets) else assets
        if not len(rows):
            continue
        spec = LAYERS[lid]
        ws = book.create_sheet(sheet_name(spec.short_label(lang)))
        header, body = layer_rows(city, spec, rows, lang)
        _fill(ws, [header, *body], header=True)
        ws.freeze_panes = "C2"  # the header and the id and Chinese name stay in view
    with atomic_outputs([path]) as (tmp,):
        book.save(tmp)
    return Path(path)
