"""Safe output files: write where a path really points, atomically, never onto a folder, a device or the store.

Every command that writes a file goes through :func:`atomic_outputs`: the target is checked with
:func:`safe_output_path` (symlinks followed, only regular files or new names in an existing
folder, never a file of a city's store), the content is written to a temporary file in the target's
folder and renamed onto the target only when everything was written, so a failure leaves the old
file as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from culturemap.i18n import tr
from culturemap.messages import MessageError


class OutputError(MessageError, ValueError):
    """An output path that must not be written to; the message names the path and what is expected.

    ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its fields; ``str(exc)`` is the
    English message, :meth:`message` renders it in zh or en.
    """

    @property
    def refuses_store(self) -> bool:
        """True when the path is a file of a city's store (the store, its journal, lock or a temporary copy)."""
        return self.code.startswith("output_store_")


def file_kind(mode: int) -> str | None:
    """What a file of ``st_mode`` ``mode`` is when it is not a regular file (``folder``, ``fifo``,
    ``socket``, ...: see :func:`kind_labels`), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = {
        stat.S_ISDIR: "folder",
        stat.S_ISCHR: "char_device",
        stat.S_ISBLK: "block_device",
        stat.S_ISFIFO: "fifo",
        stat.S_ISSOCK: "socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "other")


def kind_labels(kind: str) -> dict[str, str]:
    """``{"kind_zh": ..., "kind_en": ...}``: the words for a :func:`file_kind` in a message's fields."""
    return {"kind_zh": tr(f"file_kind_{kind}", "zh"), "kind_en": tr(f"file_kind_{kind}", "en")}


def _store_file(target: Path) -> tuple[str, str, Path] | None:
    """(kind, city, store folder) when ``target`` (absolute, symlinks resolved) is a file of a city's store."""
    from culturemap.store import store_file  # here: the store writes its files through this module

    return store_file(target)


def _checked(path: str | Path, *, allow_store: bool) -> Path:
    """:func:`safe_output_path`; ``allow_store``: the store writing its own file (the only writer allowed to)."""
    path = Path(path)
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop: RuntimeError up to Python 3.12, OSError after
        raise OutputError("output_symlink_loop", path=str(path), reason=str(exc)) from None
    shown = str(path) if target == path.absolute() else f"{path} (-> {target})"
    found = None if allow_store else _store_file(target)
    if found is not None:
        kind, city, folder = found
        raise OutputError(f"output_store_{kind}", path=shown, city=city, folder=str(folder))
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        if not target.parent.is_dir():
            raise OutputError("output_no_folder", path=str(path), folder=str(target.parent)) from None
        return target
    kind = file_kind(mode)
    if kind is not None:
        raise OutputError("output_not_regular", path=shown, **kind_labels(kind))
    return target


def safe_output_path(path: str | Path) -> Path:
    """The file that writing ``path`` must replace: symlinks resolved, only a regular file or a new name,
    never a file of a city's store.

    Parameters
    ----------
    path : the output path a user gave, absolute or relative; may be a symlink (its target is written,
        the link stays).

    Returns
    -------
    Path
        the absolute, symlink-free path of a regular file, or of a file that does not exist yet in
        an existing folder.

    Raises
    ------
    OutputError
        when ``path`` is (or links to) a folder, device, FIFO or socket, or its folder does not exist;
        or when it is a store's file (:func:`culturemap.store.store_file`: ``<city>.gpkg``, its journal,
        its lock ``<city>.gpkg.lock`` or a temporary copy ``.<city>.gpkg.*.tmp.gpkg`` in the store
        folder): writing it would replace or corrupt the stored data (``OutputError.refuses_store``).
    """
    return _checked(path, allow_store=False)


def _umask() -> int:
    """The process's umask (read without changing it where /proc tells it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permission bits a new file gets: ``0o666`` less the umask (``0o644`` under the usual ``022``)."""
    return 0o666 & ~_umask()


def _replace_all(temps: Sequence[Path], targets: Sequence[Path]) -> None:
    """Rename each temporary file onto its target; on any failure put every target back as it was.

    Each existing target is first hard-linked to a backup name beside it, so it is never missing
    and can be restored byte for byte.
    """
    done: list[tuple[Path, Path | None]] = []  # (target, its backup, or None for a new file)
    try:
        for tmp, target in zip(temps, targets):
            backup = None
            if os.path.lexists(target):
                backup = tmp.with_name(tmp.name + ".bak")
                os.link(target, backup)
            done.append((target, backup))
            os.replace(tmp, target)
    except BaseException:
        for target, backup in reversed(done):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        raise
    finally:
        for _target, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)


@contextmanager
def atomic_outputs(
    paths: Sequence[str | Path], suffix: str = ".tmp", *, allow_store: bool = False
) -> Iterator[list[Path]]:
    """Temporary files to write, one per path in ``paths``, renamed onto the targets all or none.

    Every path is checked with :func:`safe_output_path` before anything is written (``allow_store``:
    only for the store writing its own file). The temporary files (``.<target name>.<random><suffix>``)
    live in the targets' folders (same file system, so renaming is atomic). Just before the renames
    each one gets its target's permission bits, or for a new file those the umask gives
    (:func:`new_file_mode`), whatever wrote it (GDAL replaces the file). If the ``with`` body or any
    rename fails, every temporary file is removed and every target is left byte-identical.

    Examples
    --------
    >>> with atomic_outputs(["map.png"]) as (tmp,):  # doctest: +SKIP
    ...     figure.savefig(tmp, format="png")
    """
    targets = [_checked(p, allow_store=allow_store) for p in paths]
    temps: list[Path] = []
    try:
        for target in targets:
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
            os.close(fd)
            temps.append(Path(name))
        yield temps
        for tmp, target in zip(temps, targets):
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode) if target.exists() else new_file_mode())
        _replace_all(temps, targets)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
