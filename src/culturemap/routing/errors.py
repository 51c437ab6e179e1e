"""The error a route request gets when it cannot be planned as asked, in Chinese and English."""

from __future__ import annotations

from culturemap.i18n import tr


class RouteError(ValueError):
    """A route that cannot be planned as asked (bad stop, time, end point, day limit, network).

    ``str(exc)`` is the English message (for the CLI and logs); :meth:`message` gives it in any
    UI language. ``code`` is an :mod:`culturemap.i18n` key and ``values`` fill its template.
    """

    def __init__(self, code: str, **values) -> None:
        self.code, self.values = code, values
        super().__init__(tr(code, "en", **values))

    def message(self, lang: str) -> str:
        """The message in ``lang`` (zh or en)."""
        return tr(self.code, lang, **self.values)
