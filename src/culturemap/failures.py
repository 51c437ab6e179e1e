"""What the command line says when a command fails for a reason that is not a bug: one line and an exit code.

Exit 2: what was asked is wrong (a bad option value, a pack or table with errors, a path naming no
file, an unknown city or layer). Exit 1: the system could not do it (the database is down, the disk
full, the folder read-only, an output path the file system refuses, e.g. a name too long). The store's
failures and the file system's are said in the command's language (``--lang``, else the city's); no
message carries SQL, a traceback or a row's values.
"""

from __future__ import annotations

from pathlib import Path

from culturemap.catalog import PackError, read_city_config
from culturemap.io.files import OutputError
from culturemap.io.tables import TableError
from culturemap.store import StoreError, find_pack
from culturemap.store.errors import StoreUnavailable, StoreWriteFailed, os_error_message

EXPECTED = (PackError, TableError, StoreError, ValueError, OSError)  # the failures :func:`failure` words


def failure(exc: Exception, lang: str) -> tuple[str, int]:
    """The message (without ``error:``) and exit code of ``exc``, one of :data:`EXPECTED`."""
    if isinstance(exc, StoreUnavailable | StoreWriteFailed):
        return exc.message(lang), 1
    if isinstance(exc, OutputError):  # an output path that must not be written (the store, a device)
        return str(exc), 1
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):  # a path naming no usable file
        return str(exc), 2
    if isinstance(exc, OSError):
        return os_error_message(exc, lang), 1
    return str(exc), 2


def error_lang(argv: list[str], chosen: str | None = None) -> str:
    """The language of an error of the command line ``argv``: ``chosen`` (the command's ``--lang``
    once parsed), else its ``--lang``, else the default of the city its ``--city`` names, else English."""
    lang, city = chosen or _option(argv, "--lang"), _option(argv, "--city")
    if lang in ("zh", "en"):
        return lang
    if city:
        try:
            pack = Path(city) if Path(city).is_dir() else find_pack(city)
            return read_city_config(pack).default_lang
        except (PackError, StoreError, OSError, ValueError):
            pass
    return "en"


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None
