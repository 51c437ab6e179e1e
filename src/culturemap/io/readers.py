"""Read a file a user brings (CSV, Excel, GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ), safely.

Every reader checks the file size before reading it (:data:`MAX_IMPORT_MB`), refuses zip archives
whose member names leave the extraction folder (zip-slip) or whose uncompressed size or ratio is
out of proportion (zip bombs) before extracting anything, and parses XML with ``defusedxml`` (no
entities, no DTD, no network). Any failure is an :class:`ImportFileError` with a bilingual message
naming the file and what was expected; no reader lets another exception out.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

import charset_normalizer
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from culturemap.io.columns import is_place_header
from culturemap.messages import FileMessageError

log = logging.getLogger(__name__)

MAX_IMPORT_MB = 200  # the Data page's upload limit too (Streamlit's server.maxUploadSize default)
MAX_UNZIPPED_MB = 1024  # everything an archive may hold once extracted
MAX_ZIP_RATIO = 200  # uncompressed / compressed bytes of one member; text compresses ~10x, bombs ~1000x
MAX_ZIP_MEMBERS = 1000
HEADER_SEARCH_ROWS = 30  # a workbook's header row is looked for this far down (title lines, notes above it)
TEXT_ENCODINGS = ("utf_8", "gb18030", "big5")  # what Chinese tables come in; GBK and GB2312 are subsets of GB18030
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
FEATURE_SUFFIXES = (".geojson", ".json", ".zip", ".gpkg", ".kml", ".kmz")
SUFFIXES = TABLE_SUFFIXES + FEATURE_SUFFIXES


class ImportFileError(FileMessageError, ValueError):
    """A file that cannot be imported. ``code`` is an i18n key, ``values`` its fields, ``file`` the file's name."""


@dataclass
class SourceTable:
    """What a file holds, before any column is interpreted.

    ``frame`` has one row per record: for a table (CSV, Excel) every cell as text (blank cells
    ``""``), for a feature file the attributes and a ``geometry`` column. ``rows`` is each record's
    place in the file as a person finds it (CSV line, Excel row, feature number). ``crs`` is what
    the file declares (None for tables); ``encoding`` the detected text encoding (CSV only).
    """

    frame: pd.DataFrame
    file_name: str
    rows: np.ndarray
    sheet: str | None = None
    crs: str | None = None
    encoding: str | None = None
    skipped_sheets: list[str] = field(default_factory=list)  # sheets passed over for ``sheet`` (no header)

    @property
    def has_geometry(self) -> bool:
        """True for a feature file (``frame`` is a GeoDataFrame), False for a table (coordinates in columns)."""
        return isinstance(self.frame, gpd.GeoDataFrame)


def check_size(path: Path, file_name: str, max_mb: float = MAX_IMPORT_MB) -> int:
    """The size of ``path`` in bytes; :class:`ImportFileError` when over ``max_mb`` or empty (nothing read)."""
    size = path.stat().st_size
    if size > max_mb * 2**20:
        raise ImportFileError("import_too_large", file_name, size_mb=size / 2**20, limit_mb=max_mb)
    if size == 0:
        raise ImportFileError("import_empty", file_name)
    return size


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """``data`` as text and the encoding found: UTF-8 (with or without BOM), GB18030/GBK or Big5."""
    if b"\x00" in data[:65536]:
        raise ImportFileError("import_not_text", file_name)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=list(TEXT_ENCODINGS)).best()
    if best is None:
        raise ImportFileError("import_bad_encoding", file_name, encodings="UTF-8, GBK, GB18030, Big5")
    return str(best), best.encoding


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path, file_name: str) -> SourceTable:
    """A CSV (or text) table, every cell as text: encoding (:func:`decode_text`) and delimiter (``,`` ``;`` tab
    ``|``) detected, rows numbered by file line (the header is line 1); ``file_name`` names it in errors."""
    text, encoding = decode_text(path.read_bytes(), file_name)
    if not text.strip():
        raise ImportFileError("import_empty", file_name)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=_delimiter(text[:65536]), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as exc:
        raise ImportFileError("import_unreadable", file_name, reason=str(exc).strip()) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return SourceTable(frame, file_name, np.arange(2, len(frame) + 2), encoding=encoding)


def is_missing(value) -> bool:
    """True for a missing cell: None, NaN, NaT, ``pd.NA`` (a list or other container is a value)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def cell_text(value) -> str:
    """A cell as text: "" for a missing one (:func:`is_missing`, never "nan" or "None"), a date at
    midnight as ``YYYY-MM-DD``, a whole float as an integer (``7.0`` -> ``7``), text stripped."""
    if is_missing(value):
        return ""
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_zip(path: Path, file_name: str) -> zipfile.ZipFile:
    """Open the archive after checking every member (names, count, sizes, ratios); nothing is extracted."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError("import_bad_zip", file_name, reason=str(exc)) from None
    members = archive.infolist()
    for info in members:
        info.filename = _member_name(info)
    if len(members) > MAX_ZIP_MEMBERS:
        archive.close()
        raise ImportFileError("import_zip_members", file_name, n=len(members), limit=MAX_ZIP_MEMBERS)
    total = 0
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
        if name.is_absolute() or ".." in name.parts or ":" in info.filename or is_link:
            archive.close()
            raise ImportFileError("import_zip_slip", file_name, member=info.filename)
        total += info.file_size
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
            archive.close()
            raise ImportFileError("import_zip_bomb", file_name, member=info.filename, ratio=MAX_ZIP_RATIO,
                                  limit_mb=MAX_UNZIPPED_MB)  # fmt: skip
    if total > MAX_UNZIPPED_MB * 2**20:
        archive.close()
        raise ImportFileError("import_zip_bomb", file_name, member="*", ratio=MAX_ZIP_RATIO, limit_mb=MAX_UNZIPPED_MB)
    return archive


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its tool meant it. Without the UTF-8 flag Python reads the name as CP437
    (the zip standard's default), but Chinese Windows tools write GBK and some UTF-8 without the
    flag: the bytes are decoded as UTF-8, else GB18030, else left as CP437."""
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:  # not a CP437 decoding (a name given in Python): as it is
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> bytes:
    """The bytes of one member, never more than its header declares (a lying header is a bomb)."""
    with archive.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ImportFileError("import_zip_bomb", file_name, member=info.filename, ratio=MAX_ZIP_RATIO,
                              limit_mb=MAX_UNZIPPED_MB)  # fmt: skip
    return data


def read_xlsx(path: Path, file_name: str, sheet: str | None) -> SourceTable:
    """A worksheet: ``sheet``, else the first whose header (in its first :data:`HEADER_SEARCH_ROWS`
    rows, one row or two with merged group cells) names a name, a longitude and a latitude, else the
    first sheet with two rows filled. The sheets passed over are in ``skipped_sheets``."""
    import openpyxl  # uses defusedxml for the workbook's XML when it is installed

    check_zip(path, file_name).close()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, ... for a broken workbook
        raise ImportFileError("import_unreadable", file_name, reason=str(exc).strip() or type(exc).__name__) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFileError("import_no_sheet", file_name, sheet=sheet, sheets=", ".join(book.sheetnames))
        names = [sheet] if sheet is not None else book.sheetnames
        chosen = fallback = None
        for name in names:
            cells = [[cell_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
            header = _place_header(cells[:HEADER_SEARCH_ROWS])
            if header is not None:
                chosen = (name, cells, header)
                break
            if fallback is None and (sum(1 for row in cells if any(row)) >= 2 or name == names[-1]):
                fallback = (name, cells, None)
    finally:
        book.close()
    name, cells, header = chosen or fallback
    skipped = names[: names.index(name)] if chosen is not None else []
    if not any(any(row) for row in cells):
        raise ImportFileError("import_empty", file_name)
    if header is None:  # the first row with two cells filled (a title line above it fills one, often merged)
        first = next((i for i, row in enumerate(cells) if sum(1 for v in row if v) >= 2), None)
        first = first if first is not None else next(i for i, row in enumerate(cells) if any(row))
        header = (first, 1, cells[first])
    first, depth, names_in_header = header
    columns = [h or f"column {j + 1}" for j, h in enumerate(names_in_header)]
    body = [row + [""] * (len(columns) - len(row)) for row in cells[first + depth :]]
    keep = [i for i, row in enumerate(body) if any(row)]
    frame = pd.DataFrame([body[i][: len(columns)] for i in keep], columns=columns, dtype=object)
    rows = np.array(keep, dtype=int) + first + depth + 1  # the sheet's row numbers, counting from 1
    return SourceTable(frame, file_name, rows, sheet=name, skipped_sheets=skipped)


def _place_header(cells: list[list[str]]) -> tuple[int, int, list[str]] | None:
    """Where the header of a list of places is (:func:`culturemap.io.columns.is_place_header`):
    ``(row index, rows it spans, column names)``, or None. A header of two rows (a merged group cell
    such as 坐标 over 经度 / 纬度, the other names merged down) names its columns ``经度（坐标）``."""
    for i, row in enumerate(cells):
        if is_place_header(row):
            return i, 1, row
        if i + 1 < len(cells) and any(row):
            names = _two_row_names(row, cells[i + 1])
            if is_place_header(names):
                return i, 2, names
    return None


def _two_row_names(top: list[str], sub: list[str]) -> list[str]:
    """One name per column of a two-row header: the lower cell, with the group above it in brackets
    (a merged group cell holds its text in its first column only), else the upper cell."""
    width = max(len(top), len(sub))
    top, sub = top + [""] * (width - len(top)), sub + [""] * (width - len(sub))
    names, group = [], ""
    for upper, lower in zip(top, sub):
        if upper:
            group = upper if lower else ""
        elif not lower:
            group = ""
        names.append(f"{lower}（{group}）" if lower and group else lower or upper)
    return names


def _read_features(path: Path | str, file_name: str, layer: str | None = None, **options) -> SourceTable:
    try:
        if layer is not None:
            names = [row[0] for row in pyogrio.list_layers(path)]
            if layer not in names:
                raise ImportFileError("import_no_sheet", file_name, sheet=layer, sheets=", ".join(names))
        if Path(file_name).suffix.lower() in (".geojson", ".json"):
            options["DATE_AS_STRING"] = "YES"  # dates stay text, checked as such (see catalog.read._read_layer)
        frame = pyogrio.read_dataframe(path, layer=layer, **options)
    except ImportFileError:
        raise
    except Exception as exc:  # GDAL's errors (DataSourceError, FieldError, ...) say what is wrong
        raise ImportFileError("import_unreadable", file_name, reason=str(exc).strip()) from None
    crs = frame.crs.to_string() if frame.crs is not None else None
    return SourceTable(frame, file_name, np.arange(1, len(frame) + 1), sheet=layer, crs=crs)


def read_shapefile_zip(path: Path, file_name: str, layer: str | None) -> SourceTable:
    """A zipped Shapefile (.shp, .shx, .dbf, and .prj / .cpg when there): checked, then extracted
    into a temporary folder by base name only. Without a .cpg the text encoding of the .dbf is detected."""
    parts = (".shp", ".shx", ".dbf", ".prj", ".cpg")
    with check_zip(path, file_name) as archive, tempfile.TemporaryDirectory(prefix="culturemap-import-") as folder:
        members = [
            m for m in archive.infolist() if not m.is_dir() and PurePosixPath(m.filename).suffix.lower() in parts
        ]
        shps = sorted(PurePosixPath(m.filename).stem for m in members if m.filename.lower().endswith(".shp"))
        if not shps:
            raise ImportFileError("import_zip_no_shp", file_name)
        stem = layer if layer is not None else shps[0]
        if stem not in shps:
            raise ImportFileError("import_no_sheet", file_name, sheet=layer, sheets=", ".join(shps))
        for info in members:
            member = PurePosixPath(info.filename)
            if member.stem == stem:
                (Path(folder) / f"layer{member.suffix.lower()}").write_bytes(_read_member(archive, info, file_name))
        shp = Path(folder) / "layer.shp"
        options = {}
        dbf = Path(folder) / "layer.dbf"
        if not (Path(folder) / "layer.cpg").exists() and dbf.exists():
            text = _dbf_text(dbf.read_bytes())
            try:
                text.decode("ascii")
            except UnicodeDecodeError:
                options["encoding"] = decode_text(text, file_name)[1]
        table = _read_features(shp, file_name, **options)
    table.sheet = stem
    return table


def _dbf_text(data: bytes) -> bytes:
    """The text of a .dbf file: its field names and records, without the binary header."""
    header_len = int.from_bytes(data[8:10], "little") if len(data) >= 32 else 0
    names = b" ".join(data[i : i + 11].split(b"\x00")[0] for i in range(32, max(header_len - 1, 32), 32))
    return names + b"\n" + data[header_len:].rstrip(b"\x1a").replace(b"\x00", b" ")


def _kml_text(node, tag: str) -> str:
    found = node.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _kml_coords(text: str | None) -> list[tuple[float, float]]:
    coords = []
    for item in (text or "").split():
        parts = item.split(",")
        coords.append((float(parts[0]), float(parts[1])))
    return coords


def _kml_geometry(node):
    """The shapely geometry of a KML geometry element (Point, LineString, Polygon, MultiGeometry)."""
    tag = node.tag
    if tag == "Point":
        (xy,) = _kml_coords(_kml_text(node, "coordinates"))
        return shapely.Point(xy)
    if tag == "LineString":
        return shapely.LineString(_kml_coords(_kml_text(node, "coordinates")))
    if tag == "Polygon":
        rings = [
            _kml_coords(ring.findtext("LinearRing/coordinates"))
            for part in ("outerBoundaryIs", "innerBoundaryIs")
            for ring in node.findall(part)
        ]
        return shapely.Polygon(rings[0], rings[1:])
    if tag == "MultiGeometry":
        parts = [_kml_geometry(child) for child in node]
        parts = [p for p in parts if p is not None]
        return shapely.GeometryCollection(parts) if len(parts) != 1 else parts[0]
    return None


def parse_kml(data: bytes, file_name: str) -> SourceTable:
    """Placemarks of a KML document: name, description, ExtendedData and geometry (WGS-84 by the
    KML standard). Parsed with defusedxml: a DTD or entity is refused, nothing is fetched."""
    return _kml_table(*_kml_placemarks(data, file_name), file_name)


def _kml_placemarks(data: bytes, file_name: str, first: int = 1) -> tuple[list[dict], list]:
    """The attributes and geometries of every Placemark of a KML document, in any Folder or
    Document nesting; ``first`` is the first one's number in messages."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportFileError("import_xml_entities", file_name, reason=type(exc).__name__) from None
    except SafeET.ParseError as exc:
        raise ImportFileError("import_unreadable", file_name, reason=str(exc)) from None
    for element in root.iter():  # KML 2.2, 2.1 (earth.google.com) or none: compare local names
        if isinstance(element.tag, str):
            element.tag = element.tag.rsplit("}", 1)[-1]
    records, geometries = [], []
    for n, mark in enumerate(root.iter("Placemark"), start=first):
        record = {"name": _kml_text(mark, "name"), "description": _kml_text(mark, "description")}
        for data_node in mark.iter("Data"):
            record[data_node.get("name", "")] = (data_node.findtext("value") or "").strip()
        for simple in mark.iter("SimpleData"):
            record[simple.get("name", "")] = (simple.text or "").strip()
        geometry = None
        for child in mark:
            if child.tag in ("Point", "LineString", "Polygon", "MultiGeometry"):
                try:
                    geometry = _kml_geometry(child)
                except (ValueError, IndexError, TypeError, shapely.errors.GEOSException) as exc:
                    raise ImportFileError("import_kml_geometry", file_name, row=n, reason=str(exc)) from None
        records.append(record)
        geometries.append(geometry)
    return records, geometries


def _kml_table(records: list[dict], geometries: list, file_name: str) -> SourceTable:
    if not records:
        raise ImportFileError("import_no_rows", file_name)
    frame = gpd.GeoDataFrame(pd.DataFrame(records).fillna(""), geometry=geometries, crs="EPSG:4326")
    return SourceTable(frame, file_name, np.arange(1, len(frame) + 1), crs="EPSG:4326")


def read_kmz(path: Path, file_name: str) -> SourceTable:
    """The placemarks of a KMZ: those of its ``doc.kml`` (else its first .kml) or, when that only links
    to the others (GDAL's LIBKML driver writes ``doc.kml`` with a NetworkLink per layer to
    ``layers/<layer>.kml``), those of every other .kml in the archive, in archive order."""
    with check_zip(path, file_name) as archive:
        kmls = [m for m in archive.infolist() if m.filename.lower().endswith(".kml") and not m.is_dir()]
        if not kmls:
            raise ImportFileError("import_kmz_no_kml", file_name)
        doc = next((m for m in kmls if PurePosixPath(m.filename).name.lower() == "doc.kml"), kmls[0])
        records, geometries = _kml_placemarks(_read_member(archive, doc, file_name), file_name)
        for member in kmls if not records else ():
            if member is not doc:
                more = _kml_placemarks(_read_member(archive, member, file_name), file_name, first=len(records) + 1)
                records, geometries = records + more[0], geometries + more[1]
    return _kml_table(records, geometries, file_name)


def read_source(
    path: str | Path, *, file_name: str | None = None, sheet: str | None = None, max_mb: float = MAX_IMPORT_MB
) -> SourceTable:
    """Read ``path`` by its suffix (``file_name``'s when given, e.g. an uploaded file's name).

    Parameters
    ----------
    path : the file on disk.
    file_name : the name shown in messages and recorded as the rows' source (default: ``path``'s name).
    sheet : an Excel sheet, a GeoPackage layer or the Shapefile in a zip (default: the first).
    max_mb : the size limit, checked before anything is read.

    Raises
    ------
    ImportFileError
        for anything that cannot be read: too large, empty, unknown format, bad encoding, broken
        archive, zip-slip or zip bomb, XML entities, malformed content.
    """
    path = Path(path)
    file_name = file_name or path.name
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError("import_format", file_name, suffixes=", ".join(SUFFIXES))
    check_size(path, file_name, max_mb)
    try:
        if suffix in (".csv", ".txt"):
            table = read_csv(path, file_name)
        elif suffix == ".xlsx":
            table = read_xlsx(path, file_name, sheet)
        elif suffix == ".zip":
            table = read_shapefile_zip(path, file_name, sheet)
        elif suffix == ".kml":
            table = parse_kml(path.read_bytes(), file_name)
        elif suffix == ".kmz":
            table = read_kmz(path, file_name)
        else:
            table = _read_features(path, file_name, layer=sheet if suffix == ".gpkg" else None)
    except ImportFileError:
        raise
    except (OSError, ValueError, LookupError, TypeError, RecursionError, EOFError, RuntimeError,
            NotImplementedError, zipfile.BadZipFile, zlib.error, shapely.errors.GEOSException) as exc:  # fmt: skip
        # a damaged archive (zlib, EOF), an encrypted or unsupported member (RuntimeError,
        # NotImplementedError), an unknown XML encoding (LookupError, as KeyError and IndexError),
        # a broken geometry: the file is at fault, not the program
        log.info("cannot read %s", file_name, exc_info=True)
        raise ImportFileError("import_unreadable", file_name, reason=str(exc).strip() or type(exc).__name__) from None
    if table.frame.empty:
        raise ImportFileError("import_no_rows", file_name)
    _missing_as_none(table.frame)
    return table


def _missing_as_none(frame: pd.DataFrame) -> None:
    """Every missing cell of a text or date column (NaN of a pandas string column, NaT) as None, in
    place; number columns keep NaN. Then no reader hands on a null that ``str()`` turns into "nan"."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for column in frame.columns:
        values = frame[column]
        if column == geometry or pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values):
            continue
        missing = values.isna().to_numpy()
        if missing.any() or not pd.api.types.is_object_dtype(values.dtype):
            frame[column] = pd.Series([None if m else v for v, m in zip(values.astype(object), missing)],
                                      index=frame.index, dtype=object)  # fmt: skip
