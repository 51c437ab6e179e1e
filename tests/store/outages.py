"""Real outages for the tests of issue 22 item 9: a tiny disk (tmpfs), a read-only folder (a read-only
bind mount) and a PostGIS server that can be stopped and started again. No mocks: the failures come
from the kernel, SQLite/GDAL and PostgreSQL."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_BIN, _as_postgres, throwaway_postgis

SQL_WORDS = ("SELECT", "INSERT", "DELETE", "UPDATE", "[SQL", "[parameters", "sqlite3_exec", "Traceback")


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


def can_mount(folder: Path) -> str | None:
    """None when this process may mount a tmpfs (root with CAP_SYS_ADMIN), else why not."""
    folder.mkdir(parents=True, exist_ok=True)
    done = _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder))
    if done.returncode:
        return f"mount -t tmpfs not permitted here: {done.stderr.strip()}"
    subprocess.run(["umount", str(folder)], check=True)
    return None


@contextmanager
def tiny_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size_kb`` KiB for the ``with`` body (skips when mounting is not permitted)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder))
    if done.returncode:
        pytest.skip(f"mount -t tmpfs not permitted here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave_bytes: int) -> None:
    """Fill the file system of ``folder`` with a file ``filler`` until ``leave_bytes`` are free."""
    filler = folder / "filler"
    filler.unlink(missing_ok=True)
    spare = shutil.disk_usage(folder).free - leave_bytes
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(spare, 0))


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """``folder`` (created empty) bind-mounted read-only onto itself for the ``with`` body; where
    mounting is not permitted, a folder under /sys, which refuses new files even to root."""
    folder.mkdir(parents=True, exist_ok=True)
    done = _mount("--bind", "-o", "ro", str(folder), str(folder))
    if done.returncode:
        yield Path("/sys/culturemap-store")
        return
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:  # an old mount(8) binds read-write first: remount read-only
            probe.unlink()
            _mount("-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


class StoppablePostgis:
    """A throwaway PostGIS server of our own (not the session's) that a test may stop and start."""

    def __init__(self, url: str):
        self.url = url
        with psycopg.connect(url) as conn:
            self.data = Path(conn.execute("SHOW data_directory").fetchone()[0])
        self.port = make_url(url).port

    def stop(self) -> None:
        """Stop the server (``pg_ctl stop -m fast``: every connection is closed)."""
        subprocess.run(_as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"),
                       check=True, capture_output=True)  # fmt: skip

    def start(self) -> None:
        """Start it again on the same port and data."""
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(_as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-o", options, "-l",
                                    self.data.parent / "log", "-w", "start"), check=True, capture_output=True)  # fmt: skip

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextmanager
def stoppable_postgis() -> Iterator[StoppablePostgis]:
    """A :class:`StoppablePostgis` for the ``with`` body; deleted at its end, stopped or not."""
    if not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL not installed ({PG_BIN}): run `make system-deps`")
    with throwaway_postgis() as url:
        server = StoppablePostgis(url)
        yield server
