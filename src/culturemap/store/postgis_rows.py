"""Row-by-row writes to the PostGIS store (issue 28): one database transaction per edit.

The transaction first renews its city's stamp in ``cities`` (which locks that row: edits and imports of
one city take turns, other cities are not held up), then reads the row, writes it with ``UPDATE ...
WHERE city_id = :city AND layer = :layer AND fid = :id AND version = :expected`` and files the history
entry; it commits all of it or nothing.
"""

from __future__ import annotations

import json

import shapely
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from culturemap.store.edits import EDIT_ACTIONS, HistoryEntry, Row, iso_utc
from culturemap.store.schema import SCHEMA, features, history, proposals

# a history entry's columns as the edits read them back (last_change, history_rows)
HISTORY_FIELDS = tuple(
    history.c[name] for name in ("layer", "fid", "version", "action", "before", "after", "user_name", "at", "reason")
)
UPDATE_ROW = text(
    f"UPDATE {SCHEMA}.features SET props = :props, geom = ST_GeomFromEWKB(:geom), version = :version,"
    " updated_at = CAST(:updated_at AS timestamptz), updated_by = :updated_by, retired_reason = :retired_reason"
    " WHERE city_id = :city_id AND layer = :layer AND fid = :fid AND version = :expected"
).bindparams(bindparam("props", type_=JSONB))
INSERT_ROW = text(
    f"INSERT INTO {SCHEMA}.features (city_id, layer, ord, fid, props, geom, version, updated_at, updated_by,"
    " retired_reason) VALUES (:city_id, :layer, (SELECT coalesce(max(ord) + 1, 0) FROM"
    f" {SCHEMA}.features WHERE city_id = :city_id AND layer = :layer), :fid, :props, ST_GeomFromEWKB(:geom),"
    " :version, CAST(:updated_at AS timestamptz), :updated_by, :retired_reason)"
).bindparams(bindparam("props", type_=JSONB))


def ewkb(geometry) -> bytes | None:
    """``geometry`` (EPSG:4326) as EWKB with its SRID, as ``ST_GeomFromEWKB`` reads it."""
    return None if geometry is None else shapely.to_wkb(shapely.set_srid(geometry, 4326), include_srid=True)


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def history_values(city_id: str, entries: list[HistoryEntry]) -> list[dict]:
    """``entries`` as rows of the ``history`` table."""
    return [
        {
            "city_id": city_id,
            "layer": e.layer,
            "fid": e.id,
            "version": e.version,
            "action": e.action,
            "before": _json_ready(e.before),
            "after": _json_ready(e.after),
            "user_name": e.user,
            "at": e.time,
            "reason": e.reason,
        }  # fmt: skip
        for e in entries
    ]


def _json_ready(state):
    return None if state is None else json.loads(json.dumps(state, ensure_ascii=False, default=_plain))


class PostGISRows:
    """The row handle of :meth:`culturemap.store.edits.EditingStore._rows` on an open transaction."""

    def __init__(self, conn: Connection, city_id: str):
        self.conn = conn
        self.city_id = city_id

    def get(self, layer: str, id: str) -> Row | None:
        """Row ``id`` of ``layer`` as stored (retired or not); None when there is none."""
        found = self.conn.execute(
            select(
                features.c.props,
                features.c.geom.ST_AsBinary(),
                features.c.version,
                features.c.updated_at,
                features.c.updated_by,
                features.c.retired_reason,
            )  # fmt: skip
            .where(features.c.city_id == self.city_id, features.c.layer == layer, features.c.fid == id)
            .limit(1)
        ).first()
        if found is None:
            return None
        props, wkb, version, updated_at, updated_by, retired_reason = found
        geometry = None if wkb is None else shapely.from_wkb(bytes(wkb))
        return Row(layer, id, props, geometry, version, iso_utc(updated_at), updated_by, retired_reason)

    def _values(self, row: Row) -> dict:
        return {"city_id": self.city_id, "layer": row.layer, "fid": row.id, "props": _json_ready(row.props),
                "geom": ewkb(row.geometry), "version": row.version, "updated_at": row.updated_at,
                "updated_by": row.updated_by, "retired_reason": row.retired_reason}  # fmt: skip

    def insert(self, row: Row) -> None:
        """Insert ``row`` (a key the layer does not hold yet)."""
        self.conn.execute(INSERT_ROW, self._values(row))

    def update(self, row: Row, expected: int) -> bool:
        """Write ``row`` over the stored one if that is still at version ``expected``; False when it is not."""
        return self.conn.execute(UPDATE_ROW, {**self._values(row), "expected": expected}).rowcount == 1

    def log(self, entries: list[HistoryEntry]) -> None:
        """Append ``entries`` to the history."""
        if entries:
            self.conn.execute(insert(history), history_values(self.city_id, entries))

    def last_change(self, user: str) -> HistoryEntry | None:
        """``user``'s last change not yet undone (add, update, move, retire, restore); None without one."""
        found = self.conn.execute(
            select(history.c.number, *HISTORY_FIELDS)
            .where(
                history.c.city_id == self.city_id,
                history.c.user_name == user,
                history.c.undone.is_(False),
                history.c.action.in_(EDIT_ACTIONS),
            )  # fmt: skip
            .order_by(history.c.number.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        number, layer, fid, version, action, before, after, user_name, at, reason = found
        return HistoryEntry(layer, fid, version, action, before, after, user_name, iso_utc(at), reason, number)

    def mark_undone(self, number: int) -> None:
        """Mark history entry ``number`` as taken back by an undo."""
        self.conn.execute(update(history).where(history.c.number == number).values(undone=True))

    def add_proposal(self, proposal: dict) -> int:
        """File ``proposal`` (a contributor's change) as pending; returns its number."""
        values = {"city_id": self.city_id, "layer": proposal["layer"], "fid": proposal["id"],
                  "action": proposal["action"], "changes": _json_ready(proposal["changes"]),
                  "expected_version": proposal["expected_version"], "user_name": proposal["user"],
                  "at": proposal["time"], "reason": proposal["reason"]}  # fmt: skip
        return int(self.conn.execute(insert(proposals).values(values).returning(proposals.c.number)).scalar_one())

    def proposal(self, number: int) -> dict | None:
        """Proposal ``number`` (any status); None when there is none."""
        return next(iter(proposal_rows(self.conn, self.city_id, number)), None)

    def close_proposal(self, number: int, status: str, reviewer: str, comment: str, time: str) -> None:
        """Close proposal ``number`` as ``status`` (approved or rejected) by ``reviewer`` at ``time`` (UTC) with ``comment``."""
        self.conn.execute(
            update(proposals)
            .where(proposals.c.number == number, proposals.c.city_id == self.city_id)
            .values(status=status, reviewer=reviewer, comment=comment, reviewed_at=time)
        )


def history_rows(conn: Connection, city_id: str) -> list[dict]:
    """Every history entry of ``city_id``, oldest first (columns of :data:`~culturemap.store.edits.HISTORY_COLUMNS`)."""
    found = conn.execute(select(*HISTORY_FIELDS).where(history.c.city_id == city_id).order_by(history.c.number)).all()
    return [
        {
            "city": city_id,
            "layer": layer,
            "id": fid,
            "version": version,
            "action": action,
            "before": None if before is None else json.dumps(before, ensure_ascii=False),
            "after": None if after is None else json.dumps(after, ensure_ascii=False),
            "user": user,
            "time": iso_utc(at),
            "reason": reason,
        }  # fmt: skip
        for layer, fid, version, action, before, after, user, at, reason in found
    ]


def proposal_rows(conn: Connection, city_id: str, number: int | None = None) -> list[dict]:
    """The proposals of ``city_id`` (all, or the one ``number``), oldest first."""
    query = select(proposals).where(proposals.c.city_id == city_id).order_by(proposals.c.number)
    if number is not None:
        query = query.where(proposals.c.number == number)
    return [
        {
            "proposal": p.number,
            "layer": p.layer,
            "id": p.fid,
            "action": p.action,
            "changes": p.changes,
            "expected_version": p.expected_version,
            "user": p.user_name,
            "time": iso_utc(p.at),
            "reason": p.reason,
            "status": p.status,
            "reviewer": p.reviewer,
            "reviewed_at": iso_utc(p.reviewed_at) if p.reviewed_at else None,
            "comment": p.comment,
        }  # fmt: skip
        for p in conn.execute(query).all()
    ]
