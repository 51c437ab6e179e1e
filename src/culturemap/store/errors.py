"""The store's error and write result (apart from the backends, so every module can import them)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from culturemap.i18n import tr


class StoreError(Exception):
    """A store that cannot be opened, or a write it refuses; nothing was changed.

    ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its fields (``layer``,
    ``row``: the 1-based row of the frame written, ``field``, ...). A refused write of bad rows
    (``store_bad_row``) also carries ``problems``: every :class:`~culturemap.catalog.Problem` found,
    the first one quoted in the message. ``str(exc)`` is the English message; :meth:`message`
    renders it in zh or en.
    """

    def __init__(self, code: str, **values):
        self.code = code
        self.values = values
        super().__init__(self.message("en"))

    def __reduce__(self):
        return partial(type(self), self.code, **self.values), ()

    @property
    def row(self) -> int | None:
        return self.values.get("row")

    @property
    def field(self) -> str | None:
        return self.values.get("field")

    @property
    def problems(self) -> list:
        return self.values.get("problems", [])

    def message(self, lang: str = "en") -> str:
        first = self.problems[0].message(lang) if self.problems else ""
        return tr(self.code, lang, **{**self.values, "first": first})


@dataclass(frozen=True)
class WriteResult:
    """What one write did: rows inserted, updated (same key) and deleted, and the store's new stamp."""

    inserted: int
    updated: int
    deleted: int
    stamp: str
