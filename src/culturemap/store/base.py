"""What both backends share: seeding from the pack, checking and merging writes, loading the city.

A backend implements :class:`Backend` (``_transaction``, ``_read``, ``_present``, ``_meta``, ...);
:class:`BaseStore` builds the :class:`~culturemap.store.Store` interface on top. Layer frames are
stored with every column they have (the layer's schema fields and any other, e.g. ``datum_in``); a
list field (``themes``) as JSON text in GeoPackage and as a JSON array in PostGIS.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from culturemap.catalog import City, CityConfig, check_city, check_rows, read_city_config, read_pack_layers
from culturemap.crs import WGS84
from culturemap.layers import LAYERS, LayerSpec
from culturemap.store.edits import ROW_META, EditingStore, HistoryEntry, now_utc, same_state
from culturemap.store.errors import StoreError, StoreUnavailable, StoreWriteFailed, WriteResult, os_reason
from culturemap.store.roles import Actor, require_role

log = logging.getLogger(__name__)

DATASET_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")
DELETED_BY_IMPORT = "deleted by import"  # the retired reason of a row an import's delete_ids named
STORE_FORMAT = "3"  # meta "format" (issue 28): 2 row versions and history, 3 declared geometry types; none before
RESERVED_POINT_COLUMNS = frozenset({"fid", "geom", "_x", "_y"})  # the backends' own columns of a point table
PACK_FILES = ("city.toml", "routes.toml", *(spec.file for spec in LAYERS.values()))


def pack_fingerprint(pack_dir: Path) -> str:
    """The pack's folder and each file's size and modification time: changes when the pack does."""
    parts = [str(pack_dir.resolve())]
    for name in PACK_FILES:
        try:
            st = (pack_dir / name).stat()
        except FileNotFoundError:
            continue
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def key_field(spec: LayerSpec) -> str:
    """The field a write matches rows on: ``id``, else (districts) ``code``, else ``name_zh``."""
    names = [f.name for f in spec.fields]
    return next(name for name in ("id", "code", "name_zh") if name in names)


def declared_geometry_type(spec: LayerSpec) -> str:
    """The geometry type a layer declares to GIS clients (issue 28): its one type (``Point``), the multi
    type of a polygon or line layer (``MultiPolygon``, ``MultiLineString``: single ones are stored as
    multi), else ``Geometry`` (a layer of points and areas)."""
    kinds = {t.removeprefix("Multi") for t in spec.geometry_types}
    if kinds == {"Point"}:
        return "Point"
    if len(kinds) == 1:
        return "Multi" + kinds.pop()
    return "Geometry"


def as_declared(spec: LayerSpec, geometry):
    """``geometry`` as the layer declares it (:func:`declared_geometry_type`): a single polygon or line of a
    multi layer as a multi one; any other unchanged."""
    declared = declared_geometry_type(spec)
    if geometry is None or not declared.startswith("Multi") or geometry.geom_type.startswith("Multi"):
        return geometry
    if declared == "MultiPolygon" and geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if declared == "MultiLineString" and geometry.geom_type == "LineString":
        return shapely.MultiLineString([geometry])
    return geometry


def list_fields(spec: LayerSpec) -> list[str]:
    """The layer's list fields (e.g. ``themes``), stored as JSON text (:func:`to_json_text`)."""
    return [f.name for f in spec.fields if f.kind == "list"]


def to_json_text(value) -> str | None:
    """A list-like cell as JSON text (non-ASCII kept), None for a missing one."""
    if value is None or isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, str):
        return value
    return json.dumps([str(v) for v in value], ensure_ascii=False)


def from_json_text(value):
    """The inverse of :func:`to_json_text`: a JSON array text back to a list; other text unchanged."""
    if isinstance(value, str) and value.startswith("["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def normalise(layer_id: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A stored layer as the store returns it, whatever the backend: the schema fields in registry
    order (missing ones as empty), then any other column by name, then the geometry; text columns as
    pandas strings, list fields as lists; EPSG:4326."""
    spec = LAYERS[layer_id]
    fields = [f.name for f in spec.fields]
    extras = sorted(c for c in frame.columns if c not in fields and c != frame.geometry.name)
    data = {}
    for name in fields + extras:
        values = frame.get(name)
        if values is None:
            data[name] = pd.Series(None, index=frame.index, dtype=object)  # as the checks fill a missing field
        elif name in list_fields(spec):
            data[name] = values.map(from_json_text).astype(object)
        elif values.dtype == object and all(v is None or isinstance(v, str) or v != v for v in values):  # v != v: NaN
            data[name] = values.astype("str")
        else:
            data[name] = values
    return gpd.GeoDataFrame(data, geometry=frame.geometry.to_numpy(), crs=WGS84).reset_index(drop=True)


class BaseStore(EditingStore):
    """The :class:`~culturemap.store.Store` interface over a backend's primitives (the row edits:
    :class:`~culturemap.store.edits.EditingStore`).

    Subclasses implement:

    - ``_transaction()``: a context manager holding the store's write lock for the ``with`` body;
      yields a handle with ``read(name) -> frame | None``, ``replace(name, frame)``,
      ``replace_points(name, frame)``, ``drop_all()``, ``set_meta(dict)``; all of it lands at once
      when the body ends and none of it when it raises;
    - ``_read(name)``, ``_meta()``, ``_point_names()``, ``_count_rows(layer)`` (all rows, retired rows),
      ``_count_points(name)``, ``_read_points(name, bbox)``, ``stamp()``, ``location``;
    - ``_failure(exc)``: why ``exc`` is the backend failing (a full disk, a read-only folder, the
      database gone) as a message key and its fields, None for any other error.

    Layer names are layer ids; point datasets are kept apart by the backend. A backend failure while
    reading raises :class:`StoreUnavailable`, while writing :class:`StoreWriteFailed`: one message
    naming the store and the reason, never the backend's own text (it may quote SQL and row values).
    """

    city_id: str
    pack_dir: Path

    def __init__(self, city_id: str, pack_dir: Path):
        self.city_id = city_id
        self.pack_dir = Path(pack_dir)

    # ----------------------------------------------------------------- backend primitives
    def _transaction(self) -> AbstractContextManager:  # pragma: no cover - abstract
        raise NotImplementedError

    def _read(self, name: str) -> gpd.GeoDataFrame | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _meta(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _point_names(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _count_rows(self, layer: str) -> tuple[int, int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _count_points(self, name: str) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _read_points(self, name: str, bbox) -> gpd.GeoDataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def stamp(self) -> str:  # pragma: no cover - abstract
        """A token that changes on every write and reset (a cache key for the UI)."""
        raise NotImplementedError

    @property
    def location(self) -> str:  # pragma: no cover - abstract
        """Where the store is, for messages: a file path or a database URL without password."""
        raise NotImplementedError

    def _failure(self, exc: Exception) -> tuple[str, dict] | None:
        return os_reason(exc) if isinstance(exc, OSError) else None

    @contextmanager
    def _failing_as(self, error: type[StoreError], code: str, **values) -> Iterator[None]:
        """A backend failure in the body (see ``_failure``) raised as ``error(code, ...)`` with the
        store's location and the reason; any other exception as it is."""
        try:
            yield
        except StoreError:
            raise
        except Exception as exc:
            reason = self._failure(exc)
            if reason is None:
                raise
            log.info("%s: %s (%s)", self.location, code, type(exc).__name__)
            log.debug("the backend's error", exc_info=True)  # may quote SQL and row values: debug only
            reason_code, reason_values = reason
            raise error(code, location=self.location, **values, reason_code=reason_code, **reason_values) from exc

    def _reading(self) -> AbstractContextManager:
        return self._failing_as(StoreUnavailable, "store_unavailable")

    # ----------------------------------------------------------------- seeding
    def ensure_seeded(self) -> None:
        """Seed the store from the pack when it is new, or when the pack changed and nothing was
        written to the store since it was seeded (a store with writes keeps them; logged)."""
        with self._reading():
            meta = self._meta()
        seed = pack_fingerprint(self.pack_dir)
        if meta.get("seed") == seed:
            return
        if meta.get("seed") and meta.get("edited") == "yes":
            log.warning("%s: the pack %s changed since the store was seeded; `culturemap store reset` reseeds it",
                        self.location, self.pack_dir)  # fmt: skip
            return
        read_city_config(self.pack_dir)  # not a loadable pack: PackError before any store is made
        with self._seeding(), self._transaction() as tx:
            meta = tx.meta()
            if meta.get("seed") != seed and meta.get("edited") != "yes":  # another process may have seeded it
                self._seed(tx, seed)

    def reset(self) -> None:
        """Drop every layer and point dataset and reseed from the pack."""
        read_city_config(self.pack_dir)
        with self._seeding(), self._transaction() as tx:
            self._seed(tx, pack_fingerprint(self.pack_dir))

    def _seeding(self) -> AbstractContextManager:
        return self._failing_as(StoreWriteFailed, "store_seed_failed", pack=str(self.pack_dir))

    def _seed(self, tx, seed: str) -> None:
        frames, _problems = read_pack_layers(self.pack_dir)
        tx.drop_all()
        when = now_utc()
        for lid, frame in frames.items():
            if frame is not None:
                tx.replace(lid, frame.assign(version=1, updated_at=when, updated_by="", retired_reason=None))
        tx.set_meta(
            {
                "seed": seed,
                "edited": "no",
                "format": STORE_FORMAT,
                "layers": json.dumps(sorted(lid for lid in frames if frames[lid] is not None)),
            }
        )
        log.info("seeded %s from %s", self.location, self.pack_dir)

    # ----------------------------------------------------------------- reading
    def layers(self) -> list[str]:
        """The layer ids the store holds (those the pack had when seeded), registry order."""
        with self._reading():
            held = set(json.loads(self._meta().get("layers", "[]")))
        return [lid for lid in LAYERS if lid in held]

    def read_layer(self, layer_id: str, *, retired: bool = False, meta: bool = False) -> gpd.GeoDataFrame:
        """Every stored row of ``layer_id`` in use (with ``retired``: the retired ones too) as :func:`normalise`
        gives it (EPSG:4326, stored order), unvalidated; with ``meta`` also each row's ``version``,
        ``updated_at``, ``updated_by`` and ``retired_reason``. No rows when the store does not hold the layer,
        :class:`StoreError` for an id not in the registry."""
        if layer_id not in LAYERS:
            raise StoreError("store_unknown_layer", layer=layer_id, expected=", ".join(LAYERS))
        with self._reading():
            frame = self._read(layer_id)
        if frame is None:
            frame = gpd.GeoDataFrame({f.name: [] for f in LAYERS[layer_id].fields}, geometry=[], crs=WGS84)
        if not retired and "retired_reason" in frame:
            frame = frame[frame["retired_reason"].isna()]
        row_meta = frame[[c for c in ROW_META if c in frame]].reset_index(drop=True)
        rows = normalise(layer_id, frame.drop(columns=list(row_meta.columns)))
        if meta:
            data = pd.concat([rows.drop(columns="geometry"), row_meta], axis=1)
            rows = gpd.GeoDataFrame(data, geometry=rows.geometry.to_numpy(), crs=WGS84)
        return rows

    def load_city(self) -> City:
        """The city with the pack's config and the store's layers (EPSG:4326), checked as a pack is."""
        config = read_city_config(self.pack_dir)
        frames = {lid: self.read_layer(lid) for lid in self.layers()}
        city = check_city(self.pack_dir, config, frames, [])
        log.info("loaded %s from %s: %d problems", self.city_id, self.location, len(city.problems))
        return city

    def layer_counts(self) -> dict[str, int]:
        """Rows in use per layer, retired rows per layer that has some (``retired:<layer>``: kept, hidden)
        and points per point dataset (``points:<name>``)."""
        layers, datasets = self.layers(), self.point_datasets()
        counts = {}
        with self._reading():
            for lid in layers:
                total, retired = self._count_rows(lid)
                counts[lid] = total - retired
                if retired:
                    counts[f"retired:{lid}"] = retired
            counts.update({f"points:{name}": self._count_points(name) for name in datasets})
        return counts

    def point_datasets(self) -> list[str]:
        """The names of the stored point datasets, sorted."""
        with self._reading():
            return sorted(self._point_names())

    def read_points(self, name: str, bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
        """The point dataset ``name`` (EPSG:4326), only points in ``bbox`` (min lon, min lat, max lon, max lat)
        when given; :class:`StoreError` naming the stored datasets when there is no such one."""
        if name not in self.point_datasets():
            raise StoreError("store_unknown_points", name=name, expected=", ".join(self.point_datasets()) or "-")
        with self._reading():
            return self._read_points(name, bbox)

    # ----------------------------------------------------------------- writing
    def write(self, layer_id: str, rows: gpd.GeoDataFrame, *, delete_ids: Iterable[str] = (),
              actor: Actor | None = None) -> WriteResult:  # fmt: skip
        """In one transaction: upsert ``rows`` on the layer's key (:func:`key_field`) and retire ``delete_ids``
        (kept, hidden, with the reason :data:`DELETED_BY_IMPORT`: nothing is deleted);
        a bad row raises :class:`StoreError` naming the row and field, the store unchanged. Each row that
        changed gets its next version and a history entry (action ``import``, user ``actor``'s name, else
        ``import``); an ``actor`` given must be an editor (None: the command line's operator, who holds the
        store's files or database credentials; the app always passes the signed-in user)."""
        if layer_id not in LAYERS:
            raise StoreError("store_unknown_layer", layer=layer_id, expected=", ".join(LAYERS))
        if actor is not None:
            require_role(actor, "editor", "action_import")
        spec = LAYERS[layer_id]
        rows = _in_wgs84(rows)
        rows = rows.drop(columns=[c for c in ROW_META if c in rows])  # the store's own, never imported
        config = read_city_config(self.pack_dir)
        _refuse_bad_rows(layer_id, rows, config, key_field(spec))
        delete_ids = set(delete_ids)
        with self._failing_as(StoreWriteFailed, "store_write_failed", layer=layer_id), self._transaction() as tx:
            current = tx.read(layer_id)
            merged, counts = _merge(current, rows, key_field(spec), delete_ids)
            merged, entries = _versioned(layer_id, current, merged, key_field(spec), actor.name if actor else "import")
            tx.replace(layer_id, merged)
            tx.log(entries)
            layers = set(json.loads(tx.meta().get("layers", "[]"))) | {layer_id}
            tx.set_meta({"edited": "yes", "layers": json.dumps(sorted(layers))})
        return WriteResult(*counts, stamp=self.stamp())

    def write_points(self, name: str, points: gpd.GeoDataFrame, *, actor: Actor | None = None) -> int:
        """Store (replace) the point dataset ``name`` (1-40 letters, digits, ``_``, ``-``; points in EPSG:4326);
        returns the rows stored. An ``actor`` given must be an editor (None: the command line's operator,
        who holds the store's files or database credentials)."""
        if actor is not None:
            require_role(actor, "editor", "action_import")
        if not DATASET_NAME.fullmatch(name or ""):
            raise StoreError("store_bad_dataset_name", name=name)
        points = _in_wgs84(points)
        _refuse_bad_points(points)
        same = [held for held in self.point_datasets() if held.casefold() == name.casefold() and held != name]
        if same:  # one dataset on every backend (GeoPackage table names ignore case)
            raise StoreError("store_points_case_clash", name=name, existing=same[0])
        with self._failing_as(StoreWriteFailed, "store_points_write_failed", name=name), self._transaction() as tx:
            tx.replace_points(name, points.reset_index(drop=True))
            tx.set_meta({"edited": "yes"})
        return len(points)


def _in_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 (a frame without a CRS is taken as WGS-84)."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise StoreError("store_not_geodata")
    if frame.crs is None:
        return frame.set_crs(WGS84)
    return frame if frame.crs.equals(WGS84) else frame.to_crs(WGS84)


def _refuse_bad_rows(layer_id: str, rows: gpd.GeoDataFrame, config: CityConfig, key: str) -> None:
    """Raise :class:`StoreError` naming the first bad row and field when ``rows`` has any error."""
    errors = [p for p in check_rows(layer_id, rows, config) if p.severity == "error"]
    if key in rows:
        blank = [i for i, v in enumerate(rows[key], start=1) if not isinstance(v, str) or not v.strip()]
        if blank and not any(p.field == key for p in errors):
            errors.append(StoreError("store_no_key", row=blank[0], field=key))
    if errors:
        first = errors[0]
        if isinstance(first, StoreError):
            raise first
        raise StoreError("store_bad_row", layer=layer_id, row=first.row, field=first.field, n=len(errors),
                         problems=errors)  # fmt: skip


def _refuse_bad_points(points: gpd.GeoDataFrame) -> None:
    reserved = sorted(set(points.columns.drop(points.geometry.name)) & RESERVED_POINT_COLUMNS)
    if reserved:
        raise StoreError("store_reserved_column", field=reserved[0], reserved=", ".join(sorted(RESERVED_POINT_COLUMNS)))
    geoms = points.geometry.to_numpy()
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms) | (shapely.get_type_id(geoms) != 0)
    if not bad.any():
        xy = shapely.get_coordinates(geoms)
        bad = ~np.isfinite(xy).all(axis=1) | (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    if bad.any():
        raise StoreError("store_bad_point", row=int(np.flatnonzero(bad)[0]) + 1, field="geometry")


def _merge(current: gpd.GeoDataFrame | None, rows: gpd.GeoDataFrame, key: str, delete_ids: set[str]):
    """``current`` with ``rows`` upserted on ``key`` (an updated row keeps its place, new rows go at the
    end) and the rows whose key is in ``delete_ids`` removed; and (inserted, updated, deleted)."""
    if current is None:
        current = rows.iloc[:0]
    incoming = {value: j for j, value in enumerate(rows[key])}
    both = pd.concat([current, rows], ignore_index=True)
    order, updated, deleted = [], set(), 0
    for i, value in enumerate(current[key] if key in current else [None] * len(current)):
        if value in incoming:
            if value not in updated:
                order.append(len(current) + incoming[value])
                updated.add(value)
        elif value in delete_ids:
            deleted += 1
        else:
            order.append(i)
    order += [len(current) + j for value, j in incoming.items() if value not in updated]
    merged = gpd.GeoDataFrame(both.iloc[order].reset_index(drop=True), geometry=both.geometry.name, crs=WGS84)
    return merged, (len(incoming) - len(updated), len(updated), deleted)


def _states(layer_id: str, frame: gpd.GeoDataFrame | None) -> list[dict]:
    """Each row of ``frame`` as the history keeps it (fields, GeoJSON geometry, retired reason)."""
    if frame is None or not len(frame):
        return []
    retired = frame["retired_reason"].tolist() if "retired_reason" in frame else [None] * len(frame)
    rows = normalise(layer_id, frame.drop(columns=[c for c in ROW_META if c in frame]))
    props = json.loads(rows.drop(columns="geometry").to_json(orient="records", force_ascii=False))
    geometries = [None if g is None else json.loads(g) for g in shapely.to_geojson(rows.geometry.to_numpy())]
    return [
        {"props": p, "geometry": g, "retired_reason": r if isinstance(r, str) else None}
        for p, g, r in zip(props, geometries, retired)
    ]


def _versioned(layer_id: str, current, merged: gpd.GeoDataFrame, key: str, user: str):
    """``merged`` (an import's result) with each row's version, time and user: kept for an unchanged row,
    the next version for a changed one, 1 for a new one; and the history entries of what changed. A row the
    import deletes is kept, retired with the reason :data:`DELETED_BY_IMPORT` (nothing is deleted; restore
    brings it back, and so does importing it again)."""
    when = now_utc()
    before = {}
    if current is not None and len(current):
        versions = current["version"].tolist() if "version" in current else [1] * len(current)
        meta = [current[c].tolist() if c in current else [None] * len(current) for c in ROW_META[1:]]
        for k, state, version, *rest in zip(current[key], _states(layer_id, current), versions, *meta):
            before[k] = (state, int(version) if version == version and version is not None else 1, rest)
    columns = {name: [] for name in ROW_META}
    entries = []
    for k, state in zip(merged[key], _states(layer_id, merged)):
        old = before.pop(k, None)
        retired = old[2][2] if old is not None and isinstance(old[2][2], str) else None
        if retired == DELETED_BY_IMPORT:
            retired = None  # imported again: back in use
        if old is not None and same_state(old[0], {**state, "retired_reason": retired}):
            values = (old[1], *old[2])
        else:
            values = ((old[1] + 1) if old else 1, when, user, retired)
            entries.append(HistoryEntry(layer_id, k, values[0], "import", old[0] if old else None,
                                        {**state, "retired_reason": retired}, user, when))  # fmt: skip
        for name, value in zip(ROW_META, values):
            columns[name].append(value)
    kept = []
    for k, (state, version, rest) in before.items():  # deleted by the import: kept, retired
        if isinstance(rest[2], str):  # retired already
            values = (version, *rest)
        else:
            values = (version + 1, when, user, DELETED_BY_IMPORT)
            entries.append(HistoryEntry(layer_id, k, version + 1, "import", state,
                                        {**state, "retired_reason": DELETED_BY_IMPORT}, user, when))  # fmt: skip
        kept.append(k)
        for name, value in zip(ROW_META, values):
            columns[name].append(value)
    if kept:
        gone = current[current[key].isin(kept)]
        merged = gpd.GeoDataFrame(pd.concat([merged, gone], ignore_index=True), geometry=merged.geometry.name,
                                  crs=WGS84)  # fmt: skip
    merged = merged.assign(**columns)
    merged["version"] = merged["version"].astype("int64")
    return merged, entries


def iter_chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    """``frame`` in consecutive slices of at most ``size`` rows (for bulk loads)."""
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]
