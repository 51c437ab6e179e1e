"""The GeoPackage store: one file per city, written atomically, one writer at a time.

Every write copies the file to a temporary file beside it, writes there (pyogrio / GDAL, which
keeps an R-tree spatial index per layer), fsyncs it and renames it onto the file
(:func:`culturemap.io.files.atomic_outputs`), all under an exclusive lock on ``<file>.lock`` (an
exclusive SQLite transaction, waited for with SQLite's busy timeout): a failed write leaves the file byte for byte as it was, and a second writer
waits for the first and then merges into what it wrote. Readers never wait: they see the file
before or after a write, never half of one.
"""

from __future__ import annotations

import errno
import glob
import json
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from culturemap.crs import WGS84
from culturemap.i18n import tr
from culturemap.io.files import atomic_outputs
from culturemap.layers import LAYERS
from culturemap.store.base import STORE_FORMAT, BaseStore, as_declared, declared_geometry_type, to_json_text
from culturemap.store.edits import now_utc
from culturemap.store.errors import os_reason
from culturemap.store.gpkg_rows import (
    declare_geometry_types,
    ensure_edit_tables,
    history_rows,
    log_history,
    proposal_rows,
    row_transaction,
)

log = logging.getLogger(__name__)

META_TABLE = "culturemap_meta"
POINTS_PREFIX = "points__"
LOCK_WAIT_S = 600  # how long a writer waits for another one (a million points take ~30 s on a slow machine)
WRITE_ROOM_BYTES = 1 << 20  # a write needs a copy of the store and this much more: less free is a full disk


def _storable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with list cells as JSON text and object columns of text as strings (GDAL needs a type)."""
    frame = frame.copy()
    for column in frame.columns:
        if column == frame.geometry.name or frame[column].dtype != object:
            continue
        values = frame[column].map(lambda v: to_json_text(v) if not isinstance(v, str | int | float) else v)
        frame[column] = values.astype("str") if all(v is None or isinstance(v, str) for v in values) else values
    return frame


class _Transaction:
    """What a write does to the temporary copy (see :class:`~culturemap.store.base.BaseStore`)."""

    def __init__(self, path: Path):
        self.path = path

    def meta(self) -> dict:
        return _read_meta(self.path)

    def read(self, name: str) -> gpd.GeoDataFrame | None:
        return _read_layer(self.path, name)

    def replace(self, name: str, frame: gpd.GeoDataFrame) -> None:
        spec = LAYERS[name]  # the layer's declared geometry type, as GIS clients read it (issue 28)
        declared = declared_geometry_type(spec)
        frame = frame.set_geometry([as_declared(spec, g) for g in frame.geometry], crs=WGS84)
        pyogrio.write_dataframe(_storable(frame), self.path, layer=name, driver="GPKG",
                                geometry_type="Unknown" if declared == "Geometry" else declared)  # fmt: skip
        with closing(sqlite3.connect(self.path)) as db, db:  # the key index edits find rows by
            ensure_edit_tables(db, [name])

    def log(self, entries: list) -> None:
        with closing(sqlite3.connect(self.path)) as db, db:
            log_history(db, entries)

    def replace_points(self, name: str, frame: gpd.GeoDataFrame) -> None:
        pyogrio.write_dataframe(
            _storable(frame),
            self.path,
            layer=POINTS_PREFIX + name,
            driver="GPKG",
            geometry_type="Point",
            use_arrow=True,
        )

    def drop_all(self) -> None:
        self.path.unlink(missing_ok=True)

    def set_meta(self, values: dict[str, str]) -> None:
        meta = {**self.meta(), **values}
        table = pd.DataFrame({"key": list(meta), "value": list(meta.values())})
        pyogrio.write_dataframe(table, self.path, layer=META_TABLE, driver="GPKG")


def _read_meta(path: Path) -> dict:
    if not path.exists():
        return {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            return dict(db.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
        except sqlite3.OperationalError:  # no such table: written by something else
            return {}


def _read_layer(path: Path, name: str, **options) -> gpd.GeoDataFrame | None:
    try:
        frame = pyogrio.read_dataframe(path, layer=name, use_arrow=True, **options)
    except (DataLayerError, DataSourceError):
        return None
    return frame.set_crs(WGS84, allow_override=True)


# The files of the store of <city> in the store folder (culturemap.store.store_file): <city>.gpkg and the
# SQLite journals beside it; its write lock <city>.gpkg.lock (and the lock's journal); the temporary copy a
# write works on, .<city>.gpkg.<random>.tmp.gpkg (atomic_outputs), with GDAL's journals and the backup
# hard link (.bak) of the rename.
_STORE_NAME = re.compile(r"(?P<city>[^/]+?)\.gpkg(?P<journal>-journal|-wal|-shm)?")
_LOCK_NAME = re.compile(r"(?P<city>[^/]+?)\.gpkg\.lock(?:-journal|-wal|-shm)?")
_TEMP_NAME = re.compile(r"\.(?P<city>[^/]+?)\.gpkg\.[^/]*\.tmp\.gpkg[^/]*")


def store_file_kind(name: str) -> tuple[str, str] | None:
    """``(kind, city)`` when a file called ``name`` in the store folder belongs to a city's store:
    kind ``store`` (``<city>.gpkg``), ``journal`` (its SQLite journals), ``lock`` (``<city>.gpkg.lock``)
    or ``temp`` (``.<city>.gpkg.*.tmp.gpkg``, a write's copy); None for any other name."""
    for kind, pattern in (("temp", _TEMP_NAME), ("lock", _LOCK_NAME), ("store", _STORE_NAME)):
        found = pattern.fullmatch(name)
        if found:
            return ("journal" if kind == "store" and found["journal"] else kind), found["city"]
    return None


def lock_path(path: Path) -> Path:
    """The write lock of the store file ``path``: ``<file>.lock`` beside it."""
    return path.with_name(path.name + ".lock")


def temporary_copies(path: Path) -> list[Path]:
    """The temporary copies of the store file ``path`` beside it (with their journals and backups), sorted."""
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*.tmp.gpkg*"))


def remove_stale_copies(path: Path) -> int:
    """Delete the temporary copies of the store file ``path`` that no live writer holds; returns the
    bytes freed (logged with the number of files).

    A copy exists only while a write holds the store's lock (:func:`lock_path`, an exclusive SQLite
    transaction that the system releases when its process dies, ``kill -9`` included). So when the lock
    can be taken at once, no write is under way and every copy there is was left by a write that died:
    they are deleted while holding the lock, so no write can start meanwhile. When a writer holds the
    lock nothing is deleted; the next open tries again. (A process id in the copy's name would not do:
    ids are reused, and another machine's writer on a shared folder has an id that means nothing here.)
    """
    if not temporary_copies(path):
        return 0
    try:
        lock = sqlite3.connect(lock_path(path), timeout=0, isolation_level=None)
    except sqlite3.Error:  # e.g. a read-only folder: leave them
        return 0
    freed, removed = 0, 0
    with closing(lock):
        try:
            lock.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:  # a write is under way: its copy is live
            return 0
        for copy in temporary_copies(path):
            try:
                st = copy.lstat()
                copy.unlink()
            except OSError as exc:
                log.warning("%s: cannot remove a stale temporary copy (%s)", copy, exc.strerror or exc)
                continue
            removed += 1
            freed += st.st_size if st.st_nlink == 1 else 0  # a backup link of the live store frees nothing
    if removed:
        log.warning(tr("store_stale_copies_removed", "en", n=removed, file=path, mb=freed / 2**20, bytes=freed))
    return freed


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock for the ``with`` body, waiting up to :data:`LOCK_WAIT_S` for another
    process to release it: an exclusive SQLite transaction on the (otherwise empty) ``lock_path``,
    which works alike on every platform and is released when the process dies."""
    with closing(sqlite3.connect(lock_path, timeout=LOCK_WAIT_S, isolation_level=None)) as lock:
        lock.execute("BEGIN EXCLUSIVE")
        yield


@contextmanager
def _gdal_options(**options: str) -> Iterator[None]:
    """GDAL configuration ``options`` for the ``with`` body, then as they were."""
    saved = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(saved)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class GeoPackageStore(BaseStore):
    """A city's store in the GeoPackage file ``path`` (created and seeded from ``pack_dir`` when opened)."""

    def __init__(self, city_id: str, pack_dir: Path, path: Path):
        super().__init__(city_id, pack_dir)
        self.path = Path(path)

    @property
    def location(self) -> str:
        """The GeoPackage file's path."""
        return str(self.path)

    @property
    def backend(self) -> str:
        """The backend's name for messages."""
        return "GeoPackage"

    @contextmanager
    def _transaction(self) -> Iterator[_Transaction]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with (
            _exclusive(lock_path(self.path)),
            atomic_outputs([self.path], suffix=".tmp.gpkg", allow_store=True) as (tmp,),  # GDAL wants .gpkg
        ):
            if self.path.exists():
                shutil.copyfile(self.path, tmp)
            else:
                tmp.unlink()  # GDAL creates a new GeoPackage, not into an empty file
            with _gdal_options(OGR_SQLITE_SYNCHRONOUS="OFF"):  # the whole file is fsynced below
                yield _Transaction(tmp)
            _fsync(tmp)

    def _failure(self, exc: Exception) -> tuple[str, dict] | None:
        """Why the file system, SQLite or GDAL failed on the store, from what the folder is (read-only,
        full, not writable): their own messages quote SQL and values. None for any other error."""
        if not isinstance(exc, OSError | sqlite3.Error | DataSourceError | DataLayerError):
            return None
        folder = self.path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        code = exc.errno if isinstance(exc, OSError) else None
        try:
            fs = os.statvfs(folder)
        except OSError:
            return os_reason(exc) if code else ("reason_gdal", {"kind": type(exc).__name__})
        free = fs.f_bavail * fs.f_frsize
        if code == errno.EROFS or fs.f_flag & os.ST_RDONLY:
            return "reason_read_only", {"path": str(folder)}
        if code in (errno.ENOSPC, errno.EDQUOT):
            return "reason_disk_full", {"folder": str(folder), "free_mb": free / 1e6}
        if code in (errno.EACCES, errno.EPERM):
            return "reason_no_permission", {"path": str(folder)}
        if code is not None:
            return os_reason(exc)
        size = self.path.stat().st_size if self.path.exists() else 0
        if "disk is full" in str(exc) or free < size + WRITE_ROOM_BYTES:  # GDAL often reports only what broke next
            return "reason_disk_full", {"folder": str(folder), "free_mb": free / 1e6}
        if not os.access(folder, os.W_OK):
            return "reason_no_permission", {"path": str(folder)}
        return "reason_gdal", {"kind": type(exc).__name__}

    def ensure_seeded(self) -> None:
        """Delete the temporary copies that writes killed mid-way left (:func:`remove_stale_copies`),
        then seed the store as every backend does."""
        remove_stale_copies(self.path)
        super().ensure_seeded()
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring a store made before row versions (issue 28) up to date in place, in one SQLite transaction:
        each layer table gets ``version`` 1, ``updated_at`` (now), ``updated_by`` and ``retired_reason``
        columns and a key index; the history and proposal tables are created; each layer declares its geometry
        type (a single polygon or line of a multi layer becomes a multi one). No row changes otherwise."""
        if not self.path.exists() or _read_meta(self.path).get("format") == STORE_FORMAT:
            return
        with _exclusive(lock_path(self.path)), row_transaction(self.path, LOCK_WAIT_S) as rows:
            held = rows.db.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'layers'").fetchone()
            layers = json.loads(held[0]) if held else []
            ensure_edit_tables(rows.db, layers)
            declare_geometry_types(rows.db, layers)
            for layer in layers:
                rows.db.execute(f'UPDATE "{layer}" SET updated_at = ?, updated_by = \'\' WHERE updated_at IS NULL',
                                (now_utc(),))  # fmt: skip
            if not rows.db.execute(f"UPDATE {META_TABLE} SET value = ? WHERE key = 'format'", (STORE_FORMAT,)).rowcount:
                rows.db.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES ('format', ?)", (STORE_FORMAT,))
        log.info("%s: upgraded to store format %s (row versions and history)", self.path, STORE_FORMAT)

    @contextmanager
    def _rows(self) -> Iterator:
        """One edit's SQLite transaction on the store file, under the store's write lock (see :mod:`.gpkg_rows`)."""
        with _exclusive(lock_path(self.path)), row_transaction(self.path, LOCK_WAIT_S) as rows:
            yield rows

    def _history_rows(self) -> list[dict]:
        with self._reading():
            return history_rows(self.path, self.city_id)

    def _proposal_rows(self) -> list[dict]:
        if not self.path.exists():
            return []
        with self._reading(), closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            return proposal_rows(db)

    def _meta(self) -> dict:
        return _read_meta(self.path)

    def _read(self, name: str) -> gpd.GeoDataFrame | None:
        return _read_layer(self.path, name) if self.path.exists() else None

    def _point_names(self) -> list[str]:
        if not self.path.exists():
            return []
        return [
            name[len(POINTS_PREFIX) :] for name, _ in pyogrio.list_layers(self.path) if name.startswith(POINTS_PREFIX)
        ]

    def _count_rows(self, layer: str) -> tuple[int, int]:
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            total, retired = db.execute(f'SELECT count(*), count(retired_reason) FROM "{layer}"').fetchone()
        return int(total), int(retired)

    def _count_points(self, name: str) -> int:
        return pyogrio.read_info(self.path, layer=POINTS_PREFIX + name)["features"]

    def _read_points(self, name: str, bbox) -> gpd.GeoDataFrame:
        return _read_layer(self.path, POINTS_PREFIX + name, bbox=bbox)

    def stamp(self) -> str:
        """The file's inode, modification time (ns) and size, which every write and reset change (the file is
        replaced), and the edit count (an edit writes the file in place); ``none`` before the file exists."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return "none"
        return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}-{_read_meta(self.path).get('revision', '0')}"
