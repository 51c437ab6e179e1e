"""The store of a city: where the app, the CLI and the analysis read a city from, and imports write to.

Two backends behind one interface (:class:`Store`):

- :class:`~culturemap.store.gpkg.GeoPackageStore` (default, embedded): one GeoPackage file per city
  in ``$CULTUREMAP_STORE`` or ``platformdirs.user_data_dir("culturemap")``;
- :class:`~culturemap.store.postgis.PostGISStore` when ``CULTUREMAP_DB_URL=postgresql://...`` is set.

A store is seeded from the city's pack (``geodata/<city>/``, read-only) the first time it is
opened; :meth:`Store.reset` reseeds it. ``city.toml`` and ``routes.toml`` stay in the pack and are
read from there (they are configuration shipped with the code, not data a user imports). Every
frame read from a store goes through the same validation as a pack (:func:`culturemap.catalog.load_city`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import geopandas as gpd

from culturemap.catalog import City


class StoreError(Exception):
    """A store that cannot be opened or a write it refuses; nothing was changed.

    ``code`` is a message key of :mod:`culturemap.i18n` and ``values`` its fields (``layer``,
    ``row`` (1-based row of the written frame), ``field``, ``value``, ``reason``...); ``str(exc)``
    is the English message, :meth:`message` renders it in zh or en.
    """

    def __init__(self, code: str, **values):
        self.code = code
        self.values = values
        super().__init__(self.message("en"))

    @property
    def row(self) -> int | None:
        return self.values.get("row")

    @property
    def field(self) -> str | None:
        return self.values.get("field")

    def message(self, lang: str = "en") -> str:
        from culturemap.i18n import tr

        return tr(self.code, lang, **self.values)


@dataclass(frozen=True)
class WriteResult:
    """What one :meth:`Store.write` did: rows inserted, updated (same id) and deleted, and the new stamp."""

    inserted: int
    updated: int
    deleted: int
    stamp: str


@runtime_checkable
class Store(Protocol):
    """One city's data, whatever the backend."""

    city_id: str

    @property
    def location(self) -> str:
        """Where the store is, for messages: a file path or a database URL without password."""
        ...

    def load_city(self) -> City:
        """The city as :func:`culturemap.catalog.load_city` gives it for the pack: same config,
        layers (EPSG:4326) and problems, the layers read from the store."""
        ...

    def read_layer(self, layer_id: str) -> gpd.GeoDataFrame:
        """Every stored row of ``layer_id`` (EPSG:4326, the layer's schema columns, stored order),
        unvalidated."""
        ...

    def write(self, layer_id: str, rows: gpd.GeoDataFrame, *, delete_ids: Iterable[str] = ()) -> WriteResult:
        """In one transaction: upsert ``rows`` by ``id`` and delete ``delete_ids``.

        ``rows`` is checked against the layer schema first (the checks a pack gets); any error
        raises :class:`StoreError` naming the row and field, and the store is unchanged
        (GeoPackage byte for byte, PostGIS row for row). Two processes writing at once both land.
        """
        ...

    def write_points(self, name: str, points: gpd.GeoDataFrame) -> int:
        """Store (replace) the generic point dataset ``name`` (an analysis layer, not assets),
        bulk-loaded; returns the rows stored. Points in EPSG:4326; other columns kept as text/numbers."""
        ...

    def point_datasets(self) -> list[str]:
        """The names of the stored point datasets, sorted."""
        ...

    def read_points(self, name: str, bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
        """The point dataset ``name`` (EPSG:4326), only points in ``bbox`` (min lon, min lat, max lon,
        max lat) when given."""
        ...

    def layer_counts(self) -> dict[str, int]:
        """Rows stored per layer and per point dataset (``points:<name>``)."""
        ...

    def reset(self) -> None:
        """Drop everything and reseed from the pack."""
        ...

    def stamp(self) -> str:
        """A token that changes on every write and reset (a cache key for the UI)."""
        ...


def open_store(city_id: str, *, packs_root: Path | None = None) -> Store:
    """The store of ``city_id``: PostGIS when ``CULTUREMAP_DB_URL`` is set, else a GeoPackage file
    (``$CULTUREMAP_STORE/<city_id>.gpkg``, else ``platformdirs.user_data_dir("culturemap")/<city_id>.gpkg``).

    Seeded from ``packs_root/<city_id>/`` (default: the repository's ``geodata/``) the first time
    it is opened.

    Raises
    ------
    StoreError
        when the pack does not exist or the database cannot be reached.
    """
    raise NotImplementedError
