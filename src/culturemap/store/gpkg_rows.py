"""Row-by-row writes to a GeoPackage store (issue 28): one SQLite transaction on the file itself.

An edit changes one row of a layer table in place (``UPDATE ... WHERE <key> = ? AND version = ?``) and
adds its history entry in the same transaction, under the store's write lock (so it waits for an
import's copy-and-rename, and an import waits for it); no layer is rewritten and the file is not copied.
SQLite's rollback journal keeps the file whole when a process dies mid-write; readers see it before
or after the edit.

GDAL's GeoPackage tables keep their R-tree index with triggers calling ``ST_IsEmpty`` and
``ST_MinX`` ... ``ST_MaxY``, which plain SQLite lacks: :func:`connect` provides them. Geometries are
GeoPackage binary: an 8-byte header (``GP``, version, flags, SRS id; no envelope) and the WKB.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import shapely

from culturemap.layers import LAYERS
from culturemap.store.base import as_declared, declared_geometry_type, from_json_text, list_fields, to_json_text
from culturemap.store.edits import EDIT_ACTIONS, ROW_META, HistoryEntry, Row, iso_utc, key_of
from culturemap.store.errors import StoreError

META_TABLE = "culturemap_meta"
HISTORY_TABLE = "culturemap_history"
PROPOSALS_TABLE = "culturemap_proposals"
EDIT_TABLES = (
    f"""CREATE TABLE IF NOT EXISTS {HISTORY_TABLE} (number INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL,
    id TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL, before TEXT, after TEXT, user TEXT NOT NULL,
    time TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', undone INTEGER NOT NULL DEFAULT 0)""",
    f"CREATE INDEX IF NOT EXISTS {HISTORY_TABLE}_user ON {HISTORY_TABLE} (user, number)",
    f"CREATE INDEX IF NOT EXISTS {HISTORY_TABLE}_row ON {HISTORY_TABLE} (layer, id)",
    f"""CREATE TABLE IF NOT EXISTS {PROPOSALS_TABLE} (number INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL,
    id TEXT NOT NULL, action TEXT NOT NULL, changes TEXT NOT NULL, expected_version INTEGER, user TEXT NOT NULL,
    time TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'pending', reviewer TEXT,
    reviewed_at TEXT, comment TEXT)""",
)
META_COLUMNS = (("version", "INTEGER NOT NULL DEFAULT 1"), ("updated_at", "TEXT"), ("updated_by", "TEXT"),
                ("retired_reason", "TEXT"))  # fmt: skip
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
WGS84_SRS_ID = 4326


def to_gpkg_blob(geometry) -> bytes | None:
    """``geometry`` (EPSG:4326) as GeoPackage binary: header without envelope, then little-endian WKB."""
    if geometry is None:
        return None
    flags = 0x01 | (0x10 if geometry.is_empty else 0)  # little-endian header, no envelope
    return b"GP\x00" + bytes([flags]) + struct.pack("<i", WGS84_SRS_ID) + shapely.to_wkb(geometry, byte_order=1)


def from_gpkg_blob(blob: bytes | None):
    """The shapely geometry of a GeoPackage binary ``blob`` (None for NULL)."""
    if blob is None:
        return None
    flags = blob[3]
    start = 8 + _ENVELOPE_BYTES[(flags >> 1) & 0x07]
    return shapely.from_wkb(bytes(blob[start:]))


def _bound(i: int):
    def bound(blob):
        geometry = from_gpkg_blob(blob)
        return None if geometry is None or geometry.is_empty else float(geometry.bounds[i])

    return bound


def connect(path: Path, timeout_s: float) -> sqlite3.Connection:
    """A connection to the GeoPackage ``path`` with the functions GDAL's R-tree triggers call, in
    autocommit mode (transactions begun explicitly)."""
    db = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    db.create_function("ST_IsEmpty", 1, lambda b: None if b is None else int(bool(b[3] & 0x10)), deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        db.create_function(name, 1, _bound(i), deterministic=True)
    return db


def ensure_edit_tables(db: sqlite3.Connection, layers: list[str]) -> None:
    """Create the history and proposal tables, and the store's columns and key index of each layer table,
    where missing (a store made before issue 28 gets them; rows keep their values, at version 1)."""
    for statement in EDIT_TABLES:
        db.execute(statement)
    for layer in layers:
        columns = _columns(db, layer)
        if not columns:
            continue
        for name, kind in META_COLUMNS:
            if name not in columns:
                db.execute(f'ALTER TABLE "{layer}" ADD COLUMN "{name}" {kind}')
        key = key_of(LAYERS[layer])
        if key in columns:
            db.execute(f'CREATE INDEX IF NOT EXISTS "{layer}_key" ON "{layer}" ("{key}")')


def declare_geometry_types(db: sqlite3.Connection, layers: list[str]) -> None:
    """Each layer table of ``layers`` declares its geometry type (:func:`declared_geometry_type`) in
    ``gpkg_geometry_columns`` instead of GEOMETRY (a store made before issue 28); a single polygon or line
    of a multi layer is rewritten as a multi one (same coordinates)."""
    for layer in layers:
        spec = LAYERS[layer]
        declared = declared_geometry_type(spec)
        if declared.startswith("Multi"):
            for fid, blob in db.execute(f'SELECT fid, geom FROM "{layer}"').fetchall():
                geometry = from_gpkg_blob(blob)
                promoted = as_declared(spec, geometry)
                if promoted is not geometry:
                    db.execute(f'UPDATE "{layer}" SET geom = ? WHERE fid = ?', (to_gpkg_blob(promoted), fid))
        db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = ? WHERE table_name = ?",
                   (declared.upper(), layer))  # fmt: skip


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def _cell(value):
    """A Python value as SQLite stores it: lists as JSON text, numpy scalars as Python ones."""
    if isinstance(value, list | tuple):
        return to_json_text(value)
    return value.item() if hasattr(value, "item") else value


class GeoPackageRows:
    """The row handle of :meth:`culturemap.store.edits.EditingStore._rows` on an open SQLite transaction."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def get(self, layer: str, id: str) -> Row | None:
        """Row ``id`` of ``layer`` as stored (retired or not); None when there is none."""
        columns = _columns(self.db, layer)
        key = key_of(LAYERS[layer])
        if key not in columns:
            return None
        cursor = self.db.execute(f'SELECT * FROM "{layer}" WHERE "{key}" = ? LIMIT 1', (id,))
        found = cursor.fetchone()
        if found is None:
            return None
        record = dict(zip([d[0] for d in cursor.description], found))
        lists = list_fields(LAYERS[layer])
        props = {
            name: from_json_text(value) if name in lists else value
            for name, value in record.items()
            if name not in ("fid", "geom", *ROW_META)
        }
        return Row(layer, id, props, from_gpkg_blob(record["geom"]), int(record["version"] or 1),
                   record["updated_at"] or "", record["updated_by"] or "", record["retired_reason"])  # fmt: skip

    def _values(self, row: Row) -> dict:
        columns = _columns(self.db, row.layer)
        if not columns:
            raise StoreError("store_unknown_layer", layer=row.layer, expected="-")
        for name in row.props:
            if name not in columns:
                self.db.execute(f'ALTER TABLE "{row.layer}" ADD COLUMN "{name}" TEXT')
        values = {name: None for name in columns if name not in ("fid", "geom", *ROW_META)}  # a field not held: empty
        values.update({name: _cell(value) for name, value in row.props.items()})
        values.update(geom=to_gpkg_blob(as_declared(LAYERS[row.layer], row.geometry)), version=row.version, updated_at=row.updated_at,
                      updated_by=row.updated_by, retired_reason=row.retired_reason)  # fmt: skip
        return values

    def insert(self, row: Row) -> None:
        """Insert ``row`` (a key the layer does not hold yet)."""
        values = self._values(row)
        names = ", ".join(f'"{name}"' for name in values)
        self.db.execute(f'INSERT INTO "{row.layer}" ({names}) VALUES ({", ".join("?" * len(values))})',
                        list(values.values()))  # fmt: skip

    def update(self, row: Row, expected: int) -> bool:
        """Write ``row`` over the stored one if that is still at version ``expected``; False when it is not."""
        values = self._values(row)
        assignments = ", ".join(f'"{name}" = ?' for name in values)
        key = key_of(LAYERS[row.layer])
        cursor = self.db.execute(f'UPDATE "{row.layer}" SET {assignments} WHERE "{key}" = ? AND version = ?',
                                 [*values.values(), row.id, expected])  # fmt: skip
        return cursor.rowcount == 1

    def log(self, entries: list[HistoryEntry]) -> None:
        """Append ``entries`` to the history."""
        log_history(self.db, entries)

    def last_change(self, user: str) -> HistoryEntry | None:
        """``user``'s last change not yet undone (add, update, move, retire, restore); None without one."""
        found = self.db.execute(
            f"SELECT number, layer, id, version, action, before, after, user, time, reason FROM {HISTORY_TABLE}"
            f" WHERE user = ? AND undone = 0 AND action IN ({', '.join('?' * len(EDIT_ACTIONS))})"
            " ORDER BY number DESC LIMIT 1",
            (user, *EDIT_ACTIONS),
        ).fetchone()
        if found is None:
            return None
        number, layer, id, version, action, before, after, user, time, reason = found
        return HistoryEntry(layer, id, version, action, _json(before), _json(after), user, time, reason, number)

    def mark_undone(self, number: int) -> None:
        """Mark history entry ``number`` as taken back by an undo."""
        self.db.execute(f"UPDATE {HISTORY_TABLE} SET undone = 1 WHERE number = ?", (number,))

    def add_proposal(self, proposal: dict) -> int:
        """File ``proposal`` (a contributor's change) as pending; returns its number."""
        values = {**proposal, "changes": json.dumps(proposal["changes"], ensure_ascii=False)}
        names = ", ".join(values)
        cursor = self.db.execute(f"INSERT INTO {PROPOSALS_TABLE} ({names}) VALUES ({', '.join('?' * len(values))})",
                                 list(values.values()))  # fmt: skip
        return int(cursor.lastrowid)

    def proposal(self, number: int) -> dict | None:
        """Proposal ``number`` (any status); None when there is none."""
        return next((p for p in proposal_rows(self.db, number) if p["proposal"] == number), None)

    def close_proposal(self, number: int, status: str, reviewer: str, comment: str, time: str) -> None:
        """Close proposal ``number`` as ``status`` (approved or rejected) by ``reviewer`` at ``time`` (UTC) with ``comment``."""
        self.db.execute(f"UPDATE {PROPOSALS_TABLE} SET status = ?, reviewer = ?, comment = ?, reviewed_at = ?"
                        " WHERE number = ?", (status, reviewer, comment, time, number))  # fmt: skip


def _json(text):
    return None if text is None else json.loads(text)


def log_history(db: sqlite3.Connection, entries: list[HistoryEntry]) -> None:
    """File ``entries`` in the history table (created when missing)."""
    db.execute(EDIT_TABLES[0])
    db.executemany(
        f"INSERT INTO {HISTORY_TABLE} (layer, id, version, action, before, after, user, time, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.layer, e.id, e.version, e.action, _dumps(e.before), _dumps(e.after), e.user, e.time, e.reason)
            for e in entries
        ],
    )


def _dumps(state):
    return None if state is None else json.dumps(state, ensure_ascii=False, default=_cell)


def history_rows(path: Path, city_id: str) -> list[dict]:
    """Every history entry of the store file ``path``, oldest first (none before the first edit)."""
    if not path.exists():
        return []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            found = db.execute(f"SELECT layer, id, version, action, before, after, user, time, reason"
                               f" FROM {HISTORY_TABLE} ORDER BY number").fetchall()  # fmt: skip
        except sqlite3.OperationalError:  # no such table: no edit yet
            return []
    keys = ("layer", "id", "version", "action", "before", "after", "user", "time", "reason")
    return [{"city": city_id, **dict(zip(keys, row))} for row in found]


def proposal_rows(db: sqlite3.Connection, number: int | None = None) -> list[dict]:
    """The proposals in ``db`` (all, or the one ``number``), oldest first."""
    try:
        query = (f"SELECT number, layer, id, action, changes, expected_version, user, time, reason, status, reviewer,"
                 f" reviewed_at, comment FROM {PROPOSALS_TABLE}")  # fmt: skip
        found = (db.execute(query + " WHERE number = ?", (number,)) if number is not None else
                 db.execute(query + " ORDER BY number")).fetchall()  # fmt: skip
    except sqlite3.OperationalError:
        return []
    keys = ("proposal", "layer", "id", "action", "changes", "expected_version", "user", "time", "reason", "status",
            "reviewer", "reviewed_at", "comment")  # fmt: skip
    return [{**dict(zip(keys, row)), "changes": json.loads(row[4]), "time": iso_utc(row[7])} for row in found]


@contextmanager
def row_transaction(path: Path, timeout_s: float) -> Iterator[GeoPackageRows]:
    """One SQLite write transaction on the store file ``path`` (the caller holds the store's write lock);
    commits when the body ends, rolls back when it raises; bumps the ``revision`` of the meta table."""
    with closing(connect(path, timeout_s)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(EDIT_TABLES[0])
            db.execute(EDIT_TABLES[3])
            yield GeoPackageRows(db)
            _bump_revision(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _bump_revision(db: sqlite3.Connection) -> None:
    for key in ("revision", "edited"):
        value = "yes" if key == "edited" else None
        if key == "revision":
            found = db.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'revision'").fetchone()
            value = str(int(found[0]) + 1 if found else 1)
        if db.execute(f"UPDATE {META_TABLE} SET value = ? WHERE key = ?", (value, key)).rowcount == 0:
            db.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (?, ?)", (key, value))
