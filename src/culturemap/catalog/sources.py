"""A pack's source register (``geodata/<city>/sources.csv``) and citations as a reader would cite them.

Each row of a layer cites register keys in its ``source`` ("; "-separated, principal source first,
e.g. ``guobao-batch7; qunar-scenic``). The register holds one entry per source: its kind, publisher,
title, date, page, licence, strength and, for curators only, what internal provenance it came
through (``via``: never shown). :func:`cite` gives the citation in the page language:
"兰州日报 2011-12-23, landscape.cn", an official list by its name and batch, a dataset by its name and
licence. A ``source`` that is not made of keys (a user's imported file) is shown without machine
paths or repository commits (:func:`cite_text`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from culturemap.i18n import tr

REGISTER_FILE = "sources.csv"
# the text each row's ``source`` held before the register (curators only; never built into a layer)
TRAIL_FILE = "source_trail.csv"
REGISTER_COLUMNS = (
    "key", "kind", "publisher_zh", "publisher_en", "title_zh", "title_en", "date", "url", "licence",
    "strength", "via",
)  # fmt: skip
KINDS = ("official_list", "study", "news", "dataset", "encyclopedia", "web", "lead", "recalled")
# weak: a lead (a blog, mirror, content farm); a row whose principal source is weak is counted apart
STRENGTHS = ("strong", "weak", "unverified")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# what a reader must never see: a relative or absolute file path, a repository, a commit hash
_PATH = re.compile(
    r"\.\./|(?:^|\s)/[\w.-]+/|[A-Za-z]:\\|github[:.]|/reference/"
    r"|(?<![0-9A-Za-z.-])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z-])"
)
_URL = re.compile(r"https?://([^/\s]+)[^\s,;)]*")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")


@dataclass(frozen=True)
class Source:
    """One entry of a pack's source register (all text; blank where unknown)."""

    key: str
    kind: str
    publisher_zh: str = ""
    publisher_en: str = ""
    title_zh: str = ""
    title_en: str = ""
    date: str = ""
    url: str = ""
    licence: str = ""
    strength: str = "strong"
    via: str = ""

    @property
    def host(self) -> str:
        """The host of the page (who published it), without ``www.``; blank without a page."""
        return urlsplit(self.url).netloc.removeprefix("www.") if self.url else ""

    @property
    def weak(self) -> bool:
        """True for a lead: a row resting on it is weakly sourced."""
        return self.strength == "weak"


def read_register(pack_dir: Path) -> dict[str, Source]:
    """The register of the pack at ``pack_dir`` by key (empty when it has no ``sources.csv``)."""
    path = Path(pack_dir) / REGISTER_FILE
    if not path.exists():
        return {}
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = [c for c in REGISTER_COLUMNS if c in table.columns]
    return {row["key"]: Source(**{c: row[c].strip() for c in columns}) for _, row in table.iterrows()}


def source_keys(text) -> list[str]:
    """The items of a row's ``source`` ("; "-separated), blank ones dropped."""
    if not isinstance(text, str):
        return []
    return [item.strip() for item in text.split(";") if item.strip()]


def weak_keys(register: Mapping[str, Source]) -> frozenset[str]:
    """The keys of the register's leads."""
    return frozenset(key for key, source in register.items() if source.weak)


def _pick(zh: str, en: str, lang: str) -> str:
    return (zh or en) if lang == "zh" else (en or zh)


def cite(source: Source, lang: str = "zh") -> str:
    """``source`` as a reader would cite it, in ``lang``: publisher and date with the page's host for a
    page ("兰州日报 2011-12-23, landscape.cn"), an official list by its name and date, a dataset by its
    name and licence, a lead and a recalled list said so."""
    publisher = _pick(source.publisher_zh, source.publisher_en, lang)
    title = _pick(source.title_zh, source.title_en, lang)
    if source.kind == "official_list":
        details = ("，" if lang == "zh" else ", ").join(part for part in (publisher, source.date) if part)
        return tr("cite_official", lang, title=title, details=details) if details else title
    if source.kind == "study":
        return tr("cite_study", lang, title=title, date=source.date) if source.date else title
    if source.kind == "dataset":
        licence = source.licence or tr("cite_no_licence", lang)
        return tr("cite_dataset", lang, title=title, licence=licence)
    if source.kind == "recalled":
        name = f"{publisher} {title}".strip() if publisher and lang == "zh" else title or publisher
        return tr("cite_recalled", lang, title=name)
    where = ", ".join(part for part in (" ".join(p for p in (publisher, title, source.date) if p), source.host) if part)
    return tr("cite_lead", lang, source=where) if source.kind == "lead" else where


def cite_text(text, register: Mapping[str, Source], lang: str = "zh") -> str:
    """A row's ``source`` for readers, in ``lang``: each register key cited (:func:`cite`), joined
    with "；" (zh) or "; " (en); an item that is no key (an imported file's own text) keeps its words
    without parentheses, a web address shortened to its host, never a file path or commit."""
    cited = []
    for item in source_keys(text):
        if item in register:
            cited.append(cite(register[item], lang))
        else:
            plain = _URL.sub(r"\1", _PARENTHESES.sub("", item)).strip(" :")
            plain = " ".join(word for word in plain.split() if not _PATH.search(f" {word}"))
            if plain:
                cited.append(plain)
    unique = list(dict.fromkeys(cited))
    return ("；" if lang == "zh" else "; ").join(unique)


def register_problems(register: Mapping[str, Source]) -> list[str]:
    """What is wrong with the entries of a register (messages in English, one per problem): an
    unknown kind or strength, a bad key, or a file path, repository or commit where a reader would
    see it (publisher, title, page, licence; ``via`` is the place for internal provenance)."""
    problems = []
    for key, source in register.items():
        if not _KEY.match(key):
            problems.append(f"{key!r}: a key is lower-case letters, digits and '-'")
        if source.kind not in KINDS:
            problems.append(f"{key}: kind {source.kind!r} is not one of {', '.join(KINDS)}")
        if source.strength not in STRENGTHS:
            problems.append(f"{key}: strength {source.strength!r} is not one of {', '.join(STRENGTHS)}")
        for field in ("publisher_zh", "publisher_en", "title_zh", "title_en", "licence"):
            if _PATH.search(" " + getattr(source, field)):
                problems.append(f"{key}: {field} names a file path, repository or commit; cite the publisher "
                                "and keep the path in 'via'")  # fmt: skip
        if source.url and not source.url.startswith(("http://", "https://")):
            problems.append(f"{key}: url {source.url!r} is not a web address; keep file paths in 'via'")
    return problems


def unknown_keys(text, register: Mapping[str, Source]) -> list[str]:
    """The items of a row's ``source`` that look like keys (lower-case letters, digits, '-') but are not
    keys of ``register``. A row whose first item is no key is free text, as an imported file's rows
    carry ("checkins.xlsx, row 3; osm"): nothing to check, shown by :func:`cite_text` without paths."""
    items = source_keys(text)
    if not items or not _KEY.match(items[0]):
        return []
    return [item for item in items if _KEY.match(item) and item not in register]


def sources_table(register: Mapping[str, Source], layers: Mapping[str, pd.DataFrame], lang: str = "zh") -> pd.DataFrame:
    """The sources page of a pack: each register entry once, with its citation in ``lang``, the
    layers whose rows cite it, how many rows, and how many cite it as their principal source.
    Columns: key, citation, kind, layers (layer ids, ", "-joined), rows, principal. Ordered by rows."""
    records = []
    for key, source in register.items():
        rows = principal = 0
        cited_in = []
        for layer_id, frame in layers.items():
            if "source" not in frame or not len(frame):
                continue
            items = frame["source"].map(source_keys)
            hits = int(items.map(lambda keys, k=key: k in keys).sum())
            if hits:
                cited_in.append(layer_id)
                rows += hits
                principal += int(items.map(lambda keys, k=key: bool(keys) and keys[0] == k).sum())
        records.append(dict(key=key, citation=cite(source, lang), kind=source.kind, layers=", ".join(cited_in),
                            rows=rows, principal=principal))  # fmt: skip
    table = pd.DataFrame(records, columns=["key", "citation", "kind", "layers", "rows", "principal"])
    return table.sort_values(["rows", "key"], ascending=[False, True], ignore_index=True)


def with_citations(frame: pd.DataFrame, register: Mapping[str, Source], lang: str = "zh") -> pd.DataFrame:
    """A copy of ``frame`` whose ``source`` is cited as a reader would cite it in ``lang``
    (:func:`cite_text`), for exports people read (CSV, XLSX, GeoJSON of a selection)."""
    if "source" not in frame:
        return frame
    cited = frame.copy()
    cited["source"] = [cite_text(text, register, lang) for text in frame["source"]]
    return cited


CITED_SOURCES = 3  # the principal sources a source line names (the rest are counted)


def sources_line(city, assets, lang: str) -> str:
    """ "Data: ..." in ``lang``: the register's citations (:func:`cite`) of the
    principal sources of most of ``assets`` (rows of ``city``'s layers), the others counted; rows cited by no
    register key (an import) by their own text (:func:`cite_text`, never a file path); the pack itself when nothing is cited."""
    principal = Counter()
    for text in assets.get("source", ()):
        keys = source_keys(text)
        if keys:
            principal[
                cite(city.sources[keys[0]], lang) if keys[0] in city.sources else cite_text(keys[0], {}, lang)
            ] += 1
    principal.pop("", None)
    named = [citation for citation, _ in principal.most_common(CITED_SOURCES)]
    if named:
        cited = ("；" if lang == "zh" else "; ").join(named)
        if len(principal) > len(named):
            cited = tr("view_source_more", lang, cited=cited, n=len(principal) - len(named))
        return tr("view_source", lang, sources=cited)
    return tr("view_source_pack", lang, city=city.config.name(lang))
