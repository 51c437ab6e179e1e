"""What a cell names in a layer's vocabulary: ``4A级``, ``四A``, ``AAAA`` or ``国家4A级旅游景区`` is grade 4A,
``省级`` or ``省保`` a provincial heritage unit; a text naming no single value is refused, never guessed."""

from __future__ import annotations

import re
import unicodedata

from culturemap.layers import GRADES, Vocabulary
from culturemap.names import normalise

# Values written otherwise than the registry's value or its zh/en label.
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    "national": ("国家级", "国保", "全国重点", "国家重点", "全国重点文保单位"),
    "provincial": ("省保", "省级文保单位"),
    "municipal": ("市保", "市级文保单位"),
    "county": ("县保", "区级", "县区级", "县级文保单位"),
    "surveyed": ("测量", "实测", "已核对"),
    "address": ("地址", "地址定位"),
    "approx": ("概略", "估计", "approximate"),
}
# A grade written whole (NFKC, lower case): an optional 国家, the grade (4A, 四A, AAAA: no space inside), an
# optional 级 / 景区 / 级旅游景区. Anything else (非A级, 5A/4A, 原3A现4A, 3A级（拟）, "A A") names no single
# grade: refused.
_GRADE = re.compile(r"\s*(?:国家)?\s*(?:([1-5一二三四五])a|(a{1,5}))\s*(级?\s*(?:旅游)?(景区)?)\s*")
_CHINESE_NUMERALS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5"}


def vocabulary_value(text, vocab: Vocabulary) -> str | None:
    """The registry value that ``text`` names (its value, zh or en label, a known alias, an
    unambiguous start of a zh label; for grades also ``AAAA``, ``四A级``, ``国家4A级旅游景区``), or None.

    A text that names no single value (``非A级``, ``5A/4A``, ``原3A现4A``) is None: refused, never guessed."""
    if not isinstance(text, str) or not text.strip():
        return None
    if vocab is GRADES:  # punctuation kept: "5A/4A" and "四/A" are not "5a4a" and "四a"
        return _grade(unicodedata.normalize("NFKC", text).lower())
    key = normalise(unicodedata.normalize("NFKC", text))
    for value, (zh, en) in vocab.labels.items():
        names = (value, zh, en, *VALUE_ALIASES.get(value, ()))
        if key in {normalise(n) for n in names}:
            return value
    starts = [v for v, (zh, _en) in vocab.labels.items() if len(key) >= 2 and normalise(zh).startswith(key)]
    return starts[0] if len(starts) == 1 else None


def _grade(key: str) -> str | None:
    """The grade a lower-case text names whole (``4a级``, ``aaaa``, ``国家 四a级景区``), or None; a lone
    ``a级景区`` / ``a级旅游景区`` is the class of all graded spots, not grade 1A."""
    found = _GRADE.fullmatch(key)
    if found is None or (found[2] == "a" and found[4]):
        return None
    return f"{_CHINESE_NUMERALS.get(found[1], found[1]) if found[1] else len(found[2])}A"


def list_values(text, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """A list cell ("黄河；红色文化", "yellow_river, red") as registry values, and the items not known."""
    items = [t for t in re.split(r"[;,，；、|]", text or "") if t.strip()] if isinstance(text, str) else []
    values = [vocabulary_value(t, vocab) for t in items]
    return [v for v in values if v], [t.strip() for t, v in zip(items, values) if v is None]
