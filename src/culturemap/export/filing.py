"""File names for filing what the app hands out: ``<city>-<what>-<selection>-<paper>-<date>.<ext>``.

e.g. ``lanzhou-heritage-national-chengguan-A4-2026-12-08.pdf``. Every part is ASCII, lower case (the
paper keeps its case: ``A4``), words joined by ``-``; a part with no ASCII letter or digit (a Chinese
district name without its English name) is left out rather than turned into ``--``. The browser's
downloads and the CLI (``--out`` a folder) name files the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path

_NOT_WORD = re.compile(r"[^a-z0-9]+")
MAX_SELECTION_CHARS = 80  # keeps a name well under the 255-byte limit of most file systems


def slug(text: str) -> str:
    """``text`` as lower-case ASCII words joined by ``-`` (accents dropped, other signs removed); ``""``
    when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub("-", ascii_text.lower()).strip("-")


def filing_name(
    city_id: str,
    what: str,
    ext: str,
    selection: Iterable[str] = (),
    paper: str | None = None,
    day: date | None = None,
) -> str:
    """The file name of an output: ``<city>-<what>-<selection...>-<paper>-<date>.<ext>``.

    Parameters
    ----------
    city_id : the pack's folder name (``lanzhou``).
    what : what the file is (``heritage``, ``map``, ``report``, ``atlas``, ``route``, ``data``...).
    ext : the extension without its dot (``pdf``).
    selection : the filter values that make this file what it is, in order (``national``,
        ``chengguan``); empty parts are skipped, the whole is cut to 80 characters at a word end.
    paper : ``A4``, ``A3-landscape``... or None for a file that has no paper (data, PNG of a view).
    day : the date in the name (default: today).
    """
    parts = [slug(city_id), slug(what)]
    chosen = [s for s in (slug(value) for value in selection) if s]
    selection_text = "-".join(chosen)
    if len(selection_text) > MAX_SELECTION_CHARS:
        selection_text = selection_text[:MAX_SELECTION_CHARS].rsplit("-", 1)[0]
    parts.append(selection_text)
    if paper:
        parts.append(re.sub(r"[^A-Za-z0-9]+", "-", paper).strip("-"))
    parts.append((day or date.today()).isoformat())
    return "-".join(p for p in parts if p) + "." + ext.lstrip(".").lower()


def resolve_out(out: str | Path, name: str) -> Path:
    """``out`` itself, or ``out/name`` when ``out`` is an existing folder (or ends with a ``/``)."""
    text = str(out)
    path = Path(out)
    if path.is_dir() or text.endswith(("/", "\\")):
        return path / name
    return path
