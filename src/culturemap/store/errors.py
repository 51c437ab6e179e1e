"""The store's error and write result (apart from the backends, so every module can import them)."""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from culturemap.i18n import tr
from culturemap.messages import MessageError


class StoreError(MessageError):
    """A store that cannot be opened, or a write it refuses; nothing was changed.

    ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its fields (``layer``,
    ``row``: the 1-based row of the frame written, ``field``, ...). A refused write of bad rows
    (``store_bad_row``) also carries ``problems``: every :class:`~culturemap.catalog.Problem` found,
    the first one quoted in the message. ``str(exc)`` is the English message; :meth:`message`
    renders it in zh or en.
    """

    @property
    def row(self) -> int | None:
        """The 1-based row of the frame written that the error is about, None when it names no row."""
        return self.values.get("row")

    @property
    def field(self) -> str | None:
        """The field the error is about, None when it names no field."""
        return self.values.get("field")

    @property
    def problems(self) -> list:
        """Every :class:`~culturemap.catalog.Problem` of a refused write of bad rows (``store_bad_row``), else empty."""
        return self.values.get("problems", [])

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh`` or ``en``), quoting the first problem and the backend's reason if any."""
        first = self.problems[0].message(lang) if self.problems else ""
        values = {**self.values, "first": first}
        if "reason_code" in values:
            values["reason"] = tr(values["reason_code"], lang, **values)
        return tr(self.code, lang, **values)


class StoreUnavailable(StoreError):
    """The store cannot be read now: the database is down or unreachable, the file cannot be opened.

    Nothing was changed; the same call may work later (the app retries on the next interaction).
    The message names the store and the reason, never the SQL or a row.
    """


class StoreWriteFailed(StoreError):
    """A write (an import, a seed from the pack, a reset) that did not land: the disk is full, the
    folder read-only, the database went away. The store is as it was before the write."""


class StaleVersion(StoreError):
    """An edit made against a version of the row that is no longer the stored one: someone changed it
    since it was read. ``values``: ``layer``, ``id``, ``expected`` (the version the edit was made
    against), ``version`` (the stored one), ``user`` and ``at`` (who changed it last, when: UTC)."""


def os_reason(exc: OSError) -> tuple[str, dict]:
    """The message key and fields (see :mod:`culturemap.i18n`) of what the file system refused in
    ``exc``: a full disk, a read-only folder, no permission, a name too long, else the system's text."""
    path = str(exc.filename) if exc.filename is not None else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "reason_disk_full", {"folder": os.path.dirname(path) or path, "free_mb": _free_mb(path)}
    if exc.errno == errno.EROFS:
        return "reason_read_only", {"path": path}
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "reason_no_permission", {"path": path}
    if exc.errno == errno.EFBIG:
        return "reason_file_too_big", {}
    if exc.errno == errno.ENAMETOOLONG:
        longest = max((part.encode() for part in Path(path).parts), key=len, default=b"")
        limit = _name_max(path)
        if len(longest) > limit:
            return "reason_name_too_long", {"n": len(longest), "limit": limit}
        return "reason_path_too_long", {"n": len(path.encode())}
    return "reason_os", {"error": exc.strerror or type(exc).__name__}


def os_error_message(exc: OSError, lang: str = "en") -> str:
    """``exc`` as one line in ``lang``: the path and what the file system refused (see :func:`os_reason`);
    an error naming no file as it is (its text says what)."""
    if exc.filename is None:
        return str(exc)
    code, values = os_reason(exc)
    return tr("os_error", lang, path=exc.filename, reason=tr(code, lang, **values))


def _free_mb(path: str) -> float:
    """Free space (MB) of the file system holding ``path`` (its nearest existing folder); NaN if unknown."""
    folder = Path(path or ".").absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free / 1e6
    except OSError:
        return float("nan")


def _name_max(path: str) -> int:
    """The longest file name (bytes) the file system of ``path`` takes (255 on most)."""
    folder = Path(path or ".").absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


@dataclass(frozen=True)
class WriteResult:
    """What one write did: rows inserted, updated (same key) and deleted, and the store's new stamp."""

    inserted: int
    updated: int
    deleted: int
    stamp: str
