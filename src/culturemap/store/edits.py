"""Editing a store row by row (issue 28): add, update, move, retire, restore, undo; history; proposals.

Every stored row carries its ``version`` (1, 2, ...), ``updated_at`` (UTC, ISO 8601), ``updated_by``
and ``retired_reason`` (None while the row is in use). An edit changes one row in one transaction of the
backend (:meth:`EditingStore._rows`): it reads the row, checks it is still at the version the edit was
made against (else :class:`~culturemap.store.errors.StaleVersion`, "changed by X at T: reload"),
checks the new values as an import does, writes the row at version + 1 and files a history entry
(before and after as JSON) in the same transaction. Nothing is deleted: retire hides a row, restore
brings it back, undo writes the previous state again as a new version.

A contributor's edit is not applied: it is filed as a proposal that an editor approves or rejects
(:meth:`EditingStore.review`). Every write function takes the acting
:class:`~culturemap.store.roles.Actor` and checks its role itself.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from culturemap.crs import DATUMS, WGS84, to_wgs84
from culturemap.layers import LAYERS, LayerSpec
from culturemap.store.errors import StaleVersion, StoreError
from culturemap.store.roles import Actor, require_role

ROW_META = ("version", "updated_at", "updated_by", "retired_reason")  # the store's own columns of every row
EDIT_ACTIONS = ("add", "update", "move", "retire", "restore")  # what undo can take back
ACTIONS = (*EDIT_ACTIONS, "undo", "import")
HISTORY_COLUMNS = ["city", "layer", "id", "version", "action", "before", "after", "user", "time", "reason"]
_JOINED: ContextVar = ContextVar("culturemap_joined_rows", default=None)  # a review's open transaction
PROPOSAL_COLUMNS = ["proposal", "layer", "id", "action", "changes", "expected_version", "user", "time", "reason",
                    "status", "reviewer", "reviewed_at", "comment"]  # fmt: skip


def now_utc() -> str:
    """The time now in UTC as the store writes it: ISO 8601 to the second, ``Z`` for UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_utc(value) -> str:
    """A time read from a backend (text, or a ``datetime`` from PostGIS) as :func:`now_utc` writes it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "" if value is None else str(value)


@dataclass
class Row:
    """One stored row: its key ``id``, its fields ``props`` (list fields as lists), its geometry
    (EPSG:4326) and the store's bookkeeping."""

    layer: str
    id: str
    props: dict
    geometry: BaseGeometry | None
    version: int = 0
    updated_at: str = ""
    updated_by: str = ""
    retired_reason: str | None = None

    def state(self) -> dict:
        """What the row holds, as the history keeps it (JSON-ready): fields, GeoJSON geometry, retired reason."""
        geometry = None if self.geometry is None else json.loads(shapely.to_geojson(self.geometry))
        return {"props": self.props, "geometry": geometry, "retired_reason": self.retired_reason}

    def with_state(self, state: dict) -> Row:
        """This row holding ``state`` (as :meth:`state` gives it)."""
        geometry = state.get("geometry")
        return replace(
            self,
            props=dict(state["props"]),
            geometry=None if geometry is None else shapely.from_geojson(json.dumps(geometry)),
            retired_reason=state.get("retired_reason"),
        )


@dataclass(frozen=True)
class EditResult:
    """What one edit did: the row (``layer``, ``id``), its new ``version`` (0 when only proposed), the
    ``action``, the proposal number when it was filed for review instead, and the store's new stamp; for an
    undo, the action it took back (``undone``)."""

    layer: str
    id: str
    version: int
    action: str
    stamp: str
    proposal: int | None = None
    undone: str | None = None


@dataclass
class HistoryEntry:
    """One change of one row (see :data:`HISTORY_COLUMNS`); ``before`` None for an add, ``after`` None for a
    row an import deleted."""

    layer: str
    id: str
    version: int
    action: str
    before: dict | None
    after: dict | None
    user: str
    time: str
    reason: str = ""
    number: int = field(default=0, compare=False)  # the backend's sequence number (0 before it is filed)


def fields_of(spec: LayerSpec) -> list[str]:
    """The names of ``spec``'s fields, in the registry's order."""
    return [f.name for f in spec.fields]


def key_of(spec: LayerSpec) -> str:
    """The field a row is known by: ``id``, else ``code``, else ``name_zh`` (as imports match rows)."""
    names = fields_of(spec)
    return next(name for name in ("id", "code", "name_zh") if name in names)


def _parse_value(spec: LayerSpec, name: str, value):
    """A value given for field ``name`` as the store keeps it: a list field from a list, JSON text or
    comma-separated text; blank text as missing."""
    kind = next((f.kind for f in spec.fields if f.name == name), "str")
    if isinstance(value, str) and not value.strip():
        return [] if kind == "list" else None
    if kind == "list" and isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return [str(v) for v in json.loads(text)]
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class EditingStore:
    """The edit API of a store; the backend implements:

    - ``_rows()``: a context manager for one write transaction holding the store's write lock, yielding a
      handle with ``get(layer, id) -> Row | None``, ``insert(row)``, ``update(row, expected) -> bool``
      (``UPDATE ... WHERE id AND version = expected``), ``log(entries)``, ``last_change(user)``,
      ``mark_undone(number)``, ``add_proposal(dict) -> int``, ``proposal(number) -> dict | None``,
      ``close_proposal(number, status, reviewer, comment, time)``; the store's stamp changes when it ends;
    - ``_history_rows() -> list[dict]`` and ``_proposal_rows() -> list[dict]`` (columns as
      :data:`HISTORY_COLUMNS` / :data:`PROPOSAL_COLUMNS`).
    """

    city_id: str

    def _rows(self) -> AbstractContextManager:  # pragma: no cover - abstract
        raise NotImplementedError

    def _history_rows(self) -> list[dict]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _proposal_rows(self) -> list[dict]:  # pragma: no cover - abstract
        raise NotImplementedError

    def stamp(self) -> str:  # pragma: no cover - abstract
        """The store's version stamp: it changes with every write (the app's caches are keyed on it)."""
        raise NotImplementedError

    # ----------------------------------------------------------------- the edits
    def add_asset(self, layer: str, props: dict, actor: Actor, *, lon: float | None = None, lat: float | None = None,
                  datum: str = "wgs84", geometry: BaseGeometry | None = None, reason: str = "") -> EditResult:  # fmt: skip
        """Add a row to ``layer`` with the fields ``props`` at ``lon``, ``lat`` (degrees in ``datum``:
        wgs84, gcj02 or bd09; stored as WGS-84) or at ``geometry`` (EPSG:4326). Without a key (``id``) the
        row gets a new one. Checked as an import row is."""
        require_role(actor, "contributor", "action_add")
        spec = _spec(layer)
        key = key_of(spec)
        values = {name: _parse_value(spec, name, value) for name, value in props.items()}
        _refuse_unknown(spec, values)
        if key == "id" and not values.get("id"):
            values["id"] = f"{layer}-{uuid.uuid4().hex[:10]}"
        if lon is not None or lat is not None:
            geometry = _point(spec, lon, lat, datum)
        row = Row(layer, str(values.get(key) or ""), {name: values.get(name) for name in fields_of(spec)} | values,
                  geometry)  # fmt: skip

        def apply(rows, current: Row | None) -> Row:
            if current is not None:
                raise StoreError("store_id_taken", layer=layer, id=row.id)
            return row

        return self._edit(
            layer, row.id, "add", None, actor, reason, apply, {"props": values, "geometry": row.state()["geometry"]}
        )

    def update_asset(self, layer: str, id: str, changes: dict, expected_version: int, actor: Actor,
                     reason: str = "") -> EditResult:  # fmt: skip
        """Set the fields in ``changes`` (field -> value; blank text clears an optional field) of row ``id``
        of ``layer``, which must still be at ``expected_version``."""
        require_role(actor, "contributor", "action_update")
        spec = _spec(layer)
        values = {name: _parse_value(spec, name, value) for name, value in changes.items()}
        _refuse_unknown(spec, values)
        key = key_of(spec)
        if key in values and values[key] != id:
            raise StoreError("store_key_is_stable", layer=layer, id=id, field=key)

        def apply(rows, current: Row) -> Row:
            return replace(current, props={**current.props, **values})

        return self._edit(layer, id, "update", expected_version, actor, reason, apply, {"changes": values})

    def move_asset(self, layer: str, id: str, lon: float, lat: float, accuracy: str | None, expected_version: int,
                   actor: Actor, reason: str = "", datum: str = "wgs84") -> EditResult:  # fmt: skip
        """Move point row ``id`` of ``layer`` to ``lon``, ``lat`` (degrees in ``datum``: wgs84, gcj02 or
        bd09; stored as WGS-84), with ``coord_accuracy`` set to ``accuracy`` (what placed it) when given."""
        require_role(actor, "contributor", "action_move")
        spec = _spec(layer)
        point = _point(spec, lon, lat, datum)

        def apply(rows, current: Row) -> Row:
            props = current.props if accuracy is None else {**current.props, "coord_accuracy": accuracy}
            return replace(current, geometry=point, props=props)

        payload = {"lon": point.x, "lat": point.y, "accuracy": accuracy}
        return self._edit(layer, id, "move", expected_version, actor, reason, apply, payload)

    def retire_asset(self, layer: str, id: str, expected_version: int, actor: Actor, reason: str) -> EditResult:
        """Hide row ``id`` of ``layer`` from the city (kept, with its history; :meth:`restore_asset`
        brings it back); ``reason`` is required."""
        require_role(actor, "contributor", "action_retire")
        _spec(layer)
        if not (reason or "").strip():
            raise StoreError("store_reason_needed", layer=layer, id=id)

        def apply(rows, current: Row) -> Row:
            if current.retired_reason is not None:
                raise StoreError("store_already_retired", layer=layer, id=id)
            return replace(current, retired_reason=reason.strip())

        return self._edit(layer, id, "retire", expected_version, actor, reason, apply, {})

    def restore_asset(self, layer: str, id: str, expected_version: int, actor: Actor, reason: str = "") -> EditResult:
        """Bring a retired row ``id`` of ``layer`` back."""
        require_role(actor, "contributor", "action_restore")
        _spec(layer)

        def apply(rows, current: Row) -> Row:
            if current.retired_reason is None:
                raise StoreError("store_not_retired", layer=layer, id=id)
            return replace(current, retired_reason=None)

        return self._edit(layer, id, "restore", expected_version, actor, reason, apply, {})

    def undo_last(self, actor: Actor, reason: str = "") -> EditResult:
        """Take back ``actor``'s last change not yet undone (add, update, move, retire, restore): the row
        gets exactly its state before that change, as a new version (an added row is retired). Refused as
        stale when someone changed the row since."""
        require_role(actor, "editor", "action_undo")
        when = now_utc()
        with self._rows() as rows:
            last = rows.last_change(actor.name)
            if last is None:
                raise StoreError("store_nothing_to_undo", user=actor.name or "-")
            current = rows.get(last.layer, last.id)
            if current is None:
                raise StoreError("store_no_such_row", layer=last.layer, id=last.id)
            if current.version != last.version and not same_state(current.state(), last.after or {}):
                raise _stale(current, last.version)  # changed since, other than by undoing later changes
            # an add: nothing is deleted, the row is retired
            state = {**last.after, "retired_reason": f"undo: {last.action}"} if last.before is None else last.before
            after = replace(current.with_state(state), version=current.version + 1, updated_at=when,
                            updated_by=actor.name)  # fmt: skip
            if not rows.update(after, current.version):
                raise _stale(rows.get(last.layer, last.id), current.version)
            text = reason or f"undo {last.action} of version {last.version}"
            rows.log([HistoryEntry(last.layer, last.id, after.version, "undo", current.state(), after.state(),
                                   actor.name, when, text)])  # fmt: skip
            rows.mark_undone(last.number)
        return EditResult(last.layer, last.id, after.version, "undo", self.stamp(), undone=last.action)

    # ----------------------------------------------------------------- proposals
    def proposals(self, status: str | None = "pending") -> pd.DataFrame:
        """The proposals (:data:`PROPOSAL_COLUMNS`), oldest first; only those with ``status`` (pending,
        approved, rejected) unless it is None."""
        frame = pd.DataFrame(self._proposal_rows(), columns=PROPOSAL_COLUMNS)
        return frame if status is None else frame[frame["status"] == status].reset_index(drop=True)

    def review(self, proposal_id: int, approve: bool, comment: str, actor: Actor) -> EditResult:
        """Approve (apply, as its author's change) or reject (with a ``comment``) a pending proposal."""
        require_role(actor, "editor", "action_review")
        if not approve and not (comment or "").strip():
            raise StoreError("store_comment_needed", proposal=proposal_id)
        with self._rows() as rows:  # the change and the proposal's closing: one transaction
            proposal = rows.proposal(proposal_id)
            if proposal is None or proposal["status"] != "pending":
                raise StoreError("store_no_such_proposal", proposal=proposal_id)
            author = Actor(proposal["user"], "editor")  # applied as the author's change, checked as the editor
            if approve:
                token = _JOINED.set(rows)
                try:
                    result = self._apply_proposal(proposal, author, f"{proposal['reason']} (#{proposal_id} approved"
                                                  f" by {actor.name}{': ' + comment if comment else ''})".strip())  # fmt: skip
                finally:
                    _JOINED.reset(token)
            rows.close_proposal(proposal_id, "approved" if approve else "rejected", actor.name, comment or "",
                                now_utc())  # fmt: skip
        if approve:
            return replace(result, stamp=self.stamp(), proposal=proposal_id)
        return EditResult(proposal["layer"], proposal["id"], 0, proposal["action"], self.stamp(), proposal_id)

    def _apply_proposal(self, proposal: dict, author: Actor, reason: str) -> EditResult:
        layer, id, changes, expected = (
            proposal["layer"],
            proposal["id"],
            proposal["changes"],
            proposal["expected_version"],
        )
        action = proposal["action"]
        if action == "add":
            geometry = changes.get("geometry")
            geometry = None if geometry is None else shapely.from_geojson(json.dumps(geometry))
            return self.add_asset(layer, changes["props"], author, geometry=geometry, reason=reason)
        if action == "update":
            return self.update_asset(layer, id, changes["changes"], expected, author, reason)
        if action == "move":
            return self.move_asset(
                layer, id, changes["lon"], changes["lat"], changes["accuracy"], expected, author, reason
            )
        if action == "retire":
            return self.retire_asset(layer, id, expected, author, reason or proposal["reason"])
        return self.restore_asset(layer, id, expected, author, reason)

    # ----------------------------------------------------------------- history
    def history(self, id: str | None = None, user: str | None = None, layer: str | None = None,
                action: str | None = None) -> pd.DataFrame:  # fmt: skip
        """Every change (:data:`HISTORY_COLUMNS`; ``before`` / ``after`` as JSON text), oldest first,
        only those matching each filter given."""
        frame = pd.DataFrame(self._history_rows(), columns=HISTORY_COLUMNS)
        for column, wanted in (("id", id), ("user", user), ("layer", layer), ("action", action)):
            if wanted is not None:
                frame = frame[frame[column] == wanted]
        return frame.reset_index(drop=True)

    # ----------------------------------------------------------------- shared steps
    def _check(self, row: Row) -> None:
        from culturemap.store.base import _refuse_bad_rows

        frame = gpd.GeoDataFrame([row.props], geometry=[row.geometry], crs=WGS84)
        _refuse_bad_rows(row.layer, frame, self._city_config(), key_of(LAYERS[row.layer]))

    def _city_config(self):
        """The pack's ``city.toml`` as the checks read it, parsed again only when the file changed."""
        from culturemap.catalog import read_city_config

        try:
            st = (Path(self.pack_dir) / "city.toml").stat()
            changed = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            changed = None  # read_city_config says what is wrong
        cached = self.__dict__.get("_config_cache")
        if changed is None or cached is None or cached[0] != changed:
            cached = (changed, read_city_config(self.pack_dir))
            self.__dict__["_config_cache"] = cached
        return cached[1]

    @contextmanager
    def _transaction_rows(self) -> Iterator:
        """The transaction an edit runs in: the review's that applies it (:meth:`review`), else its own."""
        joined = _JOINED.get()
        if joined is not None:
            yield joined
            return
        with self._rows() as rows:
            yield rows

    def _edit(self, layer: str, id: str, action: str, expected: int | None, actor: Actor, reason: str,
              apply: Callable, payload: dict) -> EditResult:  # fmt: skip
        """One edit in one transaction, or a proposal when ``actor`` is a contributor."""
        if not actor.can("editor"):
            return self._propose(layer, id, action, expected, actor, reason, apply, payload)
        when = now_utc()
        with self._transaction_rows() as rows:
            current, changed = self._applied(rows, layer, id, action, expected, apply)
            changed = replace(changed, version=(current.version if current else 0) + 1, updated_at=when,
                              updated_by=actor.name)  # fmt: skip
            if current is None:
                rows.insert(changed)
            elif not rows.update(changed, current.version):
                raise _stale(rows.get(layer, id), current.version)
            before = None if current is None else current.state()
            rows.log([HistoryEntry(layer, id, changed.version, action, before, changed.state(), actor.name, when,
                                   reason or "")])  # fmt: skip
        return EditResult(layer, id, changed.version, action, self.stamp())

    def _applied(self, rows, layer: str, id: str, action: str, expected: int | None, apply: Callable) -> tuple:
        """The stored row ``id`` (None for an add) and the row ``apply`` makes of it, checked as an import
        row is: refused when the row is missing, is not at version ``expected`` or the result is not valid."""
        current = rows.get(layer, id)
        if current is None and action != "add":
            raise StoreError("store_no_such_row", layer=layer, id=id)
        if current is not None and expected is not None and current.version != expected:
            raise _stale(current, expected)
        changed = apply(rows, current)
        if action in ("add", "update", "move"):
            self._check(changed)
        return current, changed

    def _propose(self, layer, id, action, expected, actor, reason, apply, payload) -> EditResult:
        """File a contributor's edit for review, after the checks the edit itself would get."""
        with self._transaction_rows() as rows:
            self._applied(rows, layer, id, action, expected, apply)
            number = rows.add_proposal({"layer": layer, "id": id, "action": action, "changes": payload,
                                        "expected_version": expected, "user": actor.name, "time": now_utc(),
                                        "reason": reason or ""})  # fmt: skip
        return EditResult(layer, id, 0, action, self.stamp(), number)


def same_state(a: dict, b: dict) -> bool:
    """Whether two row states (:meth:`Row.state`) hold the same: fields (a missing one and an empty one
    alike), geometry and retired reason, compared as JSON."""

    def filled(state: dict) -> dict:
        state = json.loads(json.dumps(state, ensure_ascii=False, default=str))
        props = {k: v for k, v in (state.get("props") or {}).items() if v is not None and v != "" and v != []}
        return {"props": props, "geometry": state.get("geometry"), "retired_reason": state.get("retired_reason")}

    return filled(a) == filled(b)


def _spec(layer: str) -> LayerSpec:
    if layer not in LAYERS:
        raise StoreError("store_unknown_layer", layer=layer, expected=", ".join(LAYERS))
    return LAYERS[layer]


def _refuse_unknown(spec: LayerSpec, values: dict) -> None:
    unknown = [name for name in values if name not in fields_of(spec)]
    if unknown:
        raise StoreError("store_unknown_field", layer=spec.id, field=unknown[0], expected=", ".join(fields_of(spec)))


def _point(spec: LayerSpec, lon, lat, datum: str) -> shapely.Point:
    if "Point" not in spec.geometry_types:
        raise StoreError("store_not_points", layer=spec.id)
    if datum not in DATUMS:
        raise StoreError("store_unknown_datum", datum=datum, expected=", ".join(DATUMS))
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise StoreError("store_bad_position", lon=lon, lat=lat) from None
    if not (abs(lon) <= 180 and abs(lat) <= 90):
        raise StoreError("store_bad_position", lon=lon, lat=lat)
    x, y = to_wgs84(lon, lat, datum)
    return shapely.Point(float(x), float(y))


def _stale(current: Row, expected: int) -> StaleVersion:
    return StaleVersion("store_stale_version", layer=current.layer, id=current.id, expected=expected,
                        version=current.version, user=current.updated_by or "-", at=current.updated_at)  # fmt: skip
