"""Names as people type them: the one normaliser that search, imports and duplicate checks share
(below both the analysis and the storage layers, beside the layer registry)."""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case ``text`` and drop spaces and punctuation (keeps CJK, letters, digits, tone marks)."""
    return _DROP.sub("", unicodedata.normalize("NFC", str(text)).lower())
