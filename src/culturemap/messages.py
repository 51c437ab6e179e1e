"""Errors whose message exists in Chinese and English (below every other module but the strings)."""

from __future__ import annotations

from culturemap.i18n import tr


def _rebuild(cls: type, code: str, values: dict) -> Exception:
    return cls(code, **values)


class MessageError(Exception):
    """An error a person reads: ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its
    fields; ``str(exc)`` is the English message (logs, the CLI's default), :meth:`message` renders it
    in zh or en. Picklable with its fields (``st.cache_data`` pickles what it caches)."""

    def __init__(self, code: str, **values):
        self.code = code
        self.values = values
        super().__init__(self.message("en"))

    def __reduce__(self):
        return _rebuild, (type(self), self.code, self.values)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return tr(self.code, lang, **self.values)


class FileMessageError(MessageError):
    """A :class:`MessageError` about one file: ``file`` (its path or name as the reader knows it) fills
    the message's ``{file}`` and stays apart from ``values``."""

    def __init__(self, code: str, file, **values):
        self.file = str(file)
        super().__init__(code, **values)

    def __reduce__(self):
        return _rebuild, (type(self), self.code, {"file": self.file, **self.values})

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``), naming the file."""
        return tr(self.code, lang, file=self.file, **self.values)
