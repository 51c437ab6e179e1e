"""Safe output files: write where a path really points, atomically, never onto a folder or device.

Every command that writes a file goes through :func:`atomic_outputs`: the target is checked with
:func:`safe_output_path` (symlinks followed, only regular files or new names in an existing
folder), the content is written to a temporary file in the target's folder and renamed onto the
target only when everything was written, so a failure leaves the old file as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

NEW_FILE_MODE = 0o644


class OutputError(ValueError):
    """An output path that must not be written to; the message names the path and what is expected."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, for the message; None for a regular file."""
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
    }
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in kinds.items() if test(mode)), "not a regular file")


def safe_output_path(path: str | Path) -> Path:
    """The file that writing ``path`` must replace: symlinks resolved, only a regular file or a new name.

    Parameters
    ----------
    path : the output path a user gave; may be a symlink (its target is written, the link stays).

    Returns
    -------
    Path
        the absolute, symlink-free path of a regular file, or of a file that does not exist yet in
        an existing folder.

    Raises
    ------
    OutputError
        when ``path`` is (or links to) a folder, device, FIFO or socket, or its folder does not exist.
    """
    path = Path(path)
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop: RuntimeError up to Python 3.12, OSError after
        raise OutputError(f"{path}: cannot follow its symlinks ({exc}); expected a file path") from None
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        if not target.parent.is_dir():
            raise OutputError(
                f"{path}: folder {target.parent} does not exist; expected a file in an existing folder"
            ) from None
        return target
    kind = _kind(mode)
    if kind is not None:
        shown = str(path) if target == path.absolute() else f"{path} (-> {target})"
        raise OutputError(f"{shown} is {kind}; expected a regular file or a new file name")
    return target


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
def atomic_outputs(paths: Sequence[str | Path], suffix: str = ".tmp") -> Iterator[list[Path]]:
    """Temporary files to write, one per path in ``paths``, renamed onto the targets all or none.

    Every path is checked with :func:`safe_output_path` before anything is written. The temporary
    files (``.<target name>.<random><suffix>``) live in the targets' folders (same file system, so
    renaming is atomic); an existing target keeps its permission bits, a new file gets ``0o644``. If
    the ``with`` body or any rename fails, every temporary file is removed and every target is left
    byte-identical.

    Examples
    --------
    >>> with atomic_outputs(["map.png"]) as (tmp,):  # doctest: +SKIP
    ...     figure.savefig(tmp, format="png")
    """
    targets = [safe_output_path(p) for p in paths]
    temps: list[Path] = []
    try:
        for target in targets:
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
            os.close(fd)
            temps.append(Path(name))
            os.chmod(name, stat.S_IMODE(target.stat().st_mode) if target.exists() else NEW_FILE_MODE)
        yield temps
        _replace_all(temps, targets)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
