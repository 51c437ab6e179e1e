"""The error a route request gets when it cannot be planned as asked, in Chinese and English."""

from __future__ import annotations

from culturemap.messages import MessageError


class RouteError(MessageError, ValueError):
    """A route that cannot be planned as asked (bad stop, time, end point, day limit, network).

    ``str(exc)`` is the English message (for the CLI and logs); :meth:`message` gives it in any
    UI language. ``code`` is an :mod:`culturemap.i18n` key and ``values`` fill its template.
    """
