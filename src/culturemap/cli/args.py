"""The arguments the commands share: the city (a pack folder or city id), the language, the output
file, and the argparse types that read a bbox, a comma list, a clock time, a date, a port, a number or
one of the explorer's filters. Holds no command."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from datetime import date
from pathlib import Path

from culturemap.analysis.select import FILTER_CHOICES, RIVER_KM_MAX, read_filter_params
from culturemap.catalog import City
from culturemap.export import VIEW_SIZE_PX
from culturemap.export.filing import resolve_out
from culturemap.io.files import OutputError, safe_output_path
from culturemap.layers import ASSET_LAYERS
from culturemap.store import StoreError, find_pack, store_for_pack

LANGS = ("zh", "en")
TRAVEL_MODES = ("walk", "bike", "car", "taxi")
PACK_OR_CITY_ID = "pack folder (geodata/<city>) or city id"
STORE_CITY_ID = "city id (a pack under geodata/ or $CULTUREMAP_DATA)"
OUTPUT_FILE = "output file (a symlink writes its target)"


def pack_path(value: str) -> Path:
    """Accept a pack folder, or a city id looked up where the app looks (:func:`find_pack`:
    ``$CULTUREMAP_DATA`` or the checkout's geodata/), whatever the working directory."""
    path = Path(value)
    if path.exists():
        return path
    try:
        return find_pack(value)
    except StoreError:
        return path  # not a city id either: the caller says that the folder is missing


def read_city(value: str) -> City:
    """The city of a pack folder or city id, read through its store (seeded from the pack when new)."""
    return store_for_pack(pack_path(value)).load_city()


def add_city(parser: argparse.ArgumentParser, help: str = PACK_OR_CITY_ID) -> None:
    """``--city``, required: a pack folder or city id (``help`` says which the command takes)."""
    parser.add_argument("--city", required=True, help=help)


def add_lang(parser: argparse.ArgumentParser, help: str, default: str | None = None) -> None:
    """``--lang zh|en``: the language of what the command writes or says."""
    parser.add_argument("--lang", choices=LANGS, default=default, help=help)


def add_out(parser: argparse.ArgumentParser, help: str = OUTPUT_FILE, required: bool = True,
            folder: bool = False) -> None:  # fmt: skip
    """``--out``: the file to write, checked before any work (:func:`output_path`); with ``folder`` an
    existing folder too, where the command names the file for filing (:func:`named_output`)."""
    if folder:
        help += "; a folder: the file gets its filing name <city>-<what>-<selection>-<paper>-<date>.<ext> there"
    parser.add_argument("--out", type=output_or_folder if folder else output_path, required=required, help=help)


def add_json(parser: argparse.ArgumentParser, help: str = "print one JSON object") -> None:
    """``--json``: print the result as one JSON object."""
    parser.add_argument("--json", action="store_true", help=help)


# argparse types: each refuses a bad value with a message saying what is expected, which argparse
# prints as "culturemap <command>: error: argument --<option>: ..." and exits 2.


def number(text: str, low: float, high: float, expected: str) -> float:
    """A finite number strictly between ``low`` and ``high``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low < value < high):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0, e.g. metres or kilometres."""
    return number(text, 0.0, math.inf, "a finite number > 0")


def fraction(text: str) -> float:
    """A share strictly between 0 and 1."""
    return number(text, 0.0, 1.0, "a number between 0 and 1 (exclusive)")


def comma_list(parse_item, expected: str):
    """An argparse type for comma-separated values, at least one, each read by ``parse_item``."""

    def parse(text: str) -> tuple:
        try:
            values = tuple(parse_item(v) for v in text.split(",") if v.strip())
        except argparse.ArgumentTypeError:
            values = ()
        if not values:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return values

    return parse


positive_floats = comma_list(positive_float, "comma-separated positive distances, e.g. 0.5,1,2,5")
fractions = comma_list(fraction, "comma-separated shares between 0 and 1 (exclusive), e.g. 0.5,0.75,0.9")
feature_ids = comma_list(str.strip, "comma-separated feature ids, e.g. sc-a,mu-b")


def port(text: str) -> int:
    """A TCP port number from 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return value


def clock_time(text: str) -> str:
    """A time of day ``HH:MM`` from 00:00 to 23:59, returned zero-padded."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise argparse.ArgumentTypeError(f"expected a time of day HH:MM from 00:00 to 23:59, got {text!r}")
    return f"{int(match[1]):02d}:{match[2]}"


def iso_date(text: str) -> date:
    """A calendar date ``YYYY-MM-DD`` that exists."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a calendar date YYYY-MM-DD, got {text!r}") from None


def output_path(text: str) -> Path:
    """A file to write, checked before any work (see :func:`culturemap.io.files.safe_output_path`); a
    file of a city's store is refused with one ``error:`` line and exit 1 (the store is left untouched)."""
    try:
        return safe_output_path(text)
    except OutputError as exc:
        if exc.refuses_store:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        raise argparse.ArgumentTypeError(str(exc)) from None


def output_or_folder(text: str) -> Path:
    """An existing folder (returned as it is), else a file to write (:func:`output_path`); a name ending
    in ``/`` names a folder, which must exist."""
    if Path(text).is_dir():
        return Path(text)
    if text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(
            str(OutputError("output_no_folder", path=text, folder=text.rstrip("/" + os.sep)))
        )
    return output_path(text)


def named_output(out: Path, name: str) -> Path:
    """``out``, or the file ``name`` in it when ``out`` is a folder (see :func:`output_or_folder`),
    checked as :func:`output_path` checks a file (raises :class:`culturemap.io.files.OutputError`)."""
    return safe_output_path(resolve_out(out, name)) if out.is_dir() else out


# argparse names a type that raises ValueError (a path holding a NUL byte) in its message, "invalid
# _output_path value: ...": the name it had when cli.py was one module, so the message stays the same
output_path.__name__ = "_output_path"


def endpoint(text: str):
    """``--from``/``--to``: a feature id, or ``LON,LAT`` in WGS-84 degrees."""
    parts = text.split(",")
    if len(parts) != 2:
        return text.strip()
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a feature id or LON,LAT in degrees, got {text!r}") from None


def layer_list(text: str) -> tuple[str, ...]:
    """Comma-separated asset layer ids, each one of :data:`culturemap.layers.ASSET_LAYERS`."""
    layers = tuple(v.strip() for v in text.split(",") if v.strip())
    unknown = [v for v in layers if v not in ASSET_LAYERS]
    if unknown or not layers:
        names = ", ".join(unknown) if unknown else "(none given)"
        raise argparse.ArgumentTypeError(f"unknown layer(s) {names}; choose from {', '.join(ASSET_LAYERS)}")
    return layers


def filter_param(name: str):
    """An argparse type for the explorer's URL filter ``name`` (see
    :func:`culturemap.analysis.select.read_filter_params`): the text, once every value is known."""

    def parse(text: str) -> str:
        values, ignored = read_filter_params({name: text})
        if ignored or name not in values or values[name] == ():
            bad = ", ".join(item.partition("=")[2] for item in ignored) or repr(text)
            raise argparse.ArgumentTypeError(f"unknown value(s) {bad}; choose from {', '.join(FILTER_CHOICES[name])}")
        return text

    return parse


def river_km(text: str) -> str:
    """The explorer's ``river_km`` filter: a distance in km from 0 to :data:`RIVER_KM_MAX`, as given."""
    if read_filter_params({"river_km": text})[0].get("river_km") is None:
        raise argparse.ArgumentTypeError(f"expected a distance in km from 0 to {RIVER_KM_MAX:g}, got {text!r}")
    return text


def bbox(text: str) -> tuple[float, float, float, float]:
    """``W,S,E,N`` in WGS-84 degrees, west < east and south < north."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        west = south = east = north = math.nan
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise argparse.ArgumentTypeError(
            f"expected W,S,E,N in degrees (WGS-84) with W < E and S < N, e.g. 103.6,36.0,103.9,36.2; got {text!r}"
        )
    return west, south, east, north


def dpi(text: str) -> int:
    """A print resolution in dots per inch, from 50 to 1200."""
    return int(number(text, 49, 1201, "a resolution in dots per inch from 50 to 1200"))


def view_px(text: str) -> int:
    """A side of the view snapshot in CSS pixels, a whole number within :data:`VIEW_SIZE_PX`."""
    low, high = VIEW_SIZE_PX
    value = number(text, low - 1, high + 1, f"a whole number of pixels from {low} to {high}")
    if value != int(value):
        raise argparse.ArgumentTypeError(f"expected a whole number of pixels from {low} to {high}, got {text!r}")
    return int(value)


def assignment(text: str) -> tuple[str, str]:
    """``--set FIELD=VALUE`` as (FIELD, VALUE), split at the first "=" (a value may hold one)."""
    left, sep, right = text.partition("=")
    if not sep or not left.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected FIELD=VALUE")
    return left.strip(), right.strip()


def column_field(text: str) -> tuple[str, str]:
    """``--map COLUMN=FIELD`` as (COLUMN, FIELD), split at the last "=" (a column name may hold one)."""
    column, sep, field = text.rpartition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected COLUMN=FIELD (an empty COLUMN leaves FIELD unmatched)")
    return column.strip(), field.strip()


def crs_choice(text: str) -> str:
    """``--crs``: wgs84, gcj02, bd09 or EPSG:n, as :func:`culturemap.io.importers.parse_crs` reads it."""
    from culturemap.io.coordinates import parse_crs

    try:
        return parse_crs(text)[0]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
