"""The store of a city: where the app, the CLI and the analysis read a city from, and imports write to.

Two backends behind one interface (:class:`Store`):

- :class:`~culturemap.store.gpkg.GeoPackageStore` (default, embedded): one GeoPackage file per city
  in ``$CULTUREMAP_STORE`` or ``platformdirs.user_data_dir("culturemap")``;
- :class:`~culturemap.store.postgis.PostGISStore` when ``CULTUREMAP_DB_URL=postgresql://...`` is set.

A store is seeded from the city's pack (``geodata/<city>/``, read-only) the first time it is
opened; :meth:`Store.reset` reseeds it. ``city.toml`` and ``routes.toml`` stay in the pack and are
read from there (they are configuration shipped with the code, not data a user imports). Every
frame read from a store goes through the same validation as a pack (:func:`culturemap.catalog.check_city`).
A store is named after its pack's folder (``lanzhou``), unique among the packs of one data root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

import geopandas as gpd
import platformdirs

from culturemap.catalog import City, scan_packs
from culturemap.store.errors import StoreError, WriteResult
from culturemap.store.gpkg import GeoPackageStore, store_file_kind


@runtime_checkable
class Store(Protocol):
    """One city's data, whatever the backend."""

    city_id: str
    pack_dir: Path

    @property
    def backend(self) -> str:
        """``GeoPackage`` or ``PostGIS``."""
        ...

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
        """In one transaction: upsert ``rows`` by ``id`` and retire ``delete_ids`` (kept and hidden, with
        their history: nothing is deleted).

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

    def layers(self) -> list[str]:
        """The layer ids the store holds, registry order."""
        ...

    def reset(self) -> None:
        """Drop everything and reseed from the pack."""
        ...

    def stamp(self) -> str:
        """A token that changes on every write and reset (a cache key for the UI)."""
        ...


DB_URL_ENV = "CULTUREMAP_DB_URL"
STORE_ENV = "CULTUREMAP_STORE"
DATA_ENV = "CULTUREMAP_DATA"


def packs_root() -> Path:
    """Where the city packs are: ``$CULTUREMAP_DATA`` or the repository's ``geodata/``."""
    return Path(os.environ.get(DATA_ENV, Path(__file__).resolve().parents[3] / "geodata"))


def store_folder() -> Path:
    """Where GeoPackage stores live: ``$CULTUREMAP_STORE`` or the user data folder of culturemap."""
    return Path(os.environ.get(STORE_ENV) or platformdirs.user_data_dir("culturemap", appauthor=False))


def store_file(path: Path) -> tuple[str, str, Path] | None:
    """What ``path`` (absolute, symlinks resolved) is to the GeoPackage stores: ``(kind, city, folder)``
    when it is in :func:`store_folder` and named like a store's file (kind ``store``, ``journal``,
    ``lock`` or ``temp``: see :func:`culturemap.store.gpkg.store_file_kind`), whatever the city and
    whether it exists yet; else None. The folders are compared as files (a symlink or bind mount of
    the store folder is the store folder)."""
    named = store_file_kind(path.name)
    if named is None:
        return None
    folder = store_folder()
    try:
        same = os.path.samefile(path.parent, folder)
    except OSError:  # one of them does not exist: compare the paths
        same = path.parent == folder.resolve()
    return (*named, folder) if same else None


def find_pack(city_id: str, root: Path | None = None) -> Path:
    """The pack folder of ``city_id`` under ``root`` (default :func:`packs_root`): the pack whose key
    (:func:`culturemap.catalog.scan_packs`: its id, or its folder name) is ``city_id``, else the pack
    in the folder of that name.

    Raises
    ------
    PackError
        the pack's own error when it cannot be loaded, e.g. when another pack has the same id
        (``pack_duplicate_id``: neither is opened by that id).
    StoreError
        when no pack has that key or folder name.
    """
    root = packs_root() if root is None else Path(root)
    entries = scan_packs(root)
    found = next((e for e in entries if e.key == city_id), None) or next(
        (e for e in entries if e.path.name == city_id), None
    )
    if found is None:
        raise StoreError("store_no_pack", city=city_id, root=str(root))
    if found.error is not None:
        raise found.error
    return found.path


def store_for_pack(pack_dir: Path) -> Store:
    """The store seeded from the pack in ``pack_dir``, named after its folder; PostGIS when
    ``CULTUREMAP_DB_URL`` is set, else a GeoPackage in :func:`store_folder`. Seeds it when new (or
    when the pack changed and the store was never written to)."""
    pack_dir = Path(pack_dir)
    url = os.environ.get(DB_URL_ENV)
    if url:
        from culturemap.store.postgis import PostGISStore

        store = PostGISStore(pack_dir.name, pack_dir, url)
    else:
        from culturemap.store.accounts import ACCOUNTS_FILE

        path = store_folder() / f"{pack_dir.name}.gpkg"
        if path.name.casefold() == ACCOUNTS_FILE.casefold():  # the city's store would be the accounts' file
            raise StoreError("store_reserved_pack_name", pack=str(pack_dir), name=pack_dir.name, file=ACCOUNTS_FILE)
        store = GeoPackageStore(pack_dir.name, pack_dir, path)
    store.ensure_seeded()
    return store


def open_store(city_id: str, *, packs_root: Path | None = None) -> Store:
    """The store of ``city_id``: PostGIS when ``CULTUREMAP_DB_URL`` is set, else a GeoPackage file
    (``$CULTUREMAP_STORE/<city_id>.gpkg``, else ``platformdirs.user_data_dir("culturemap")/<city_id>.gpkg``;
    ``<city_id>`` is the pack's folder name, the city id for every bundled pack).

    Seeded from the pack of ``city_id`` under ``packs_root`` (default: ``$CULTUREMAP_DATA``, else
    the repository's ``geodata/``) the first time it is opened.

    Raises
    ------
    StoreError
        when there is no such pack or the database cannot be reached.
    """
    return store_for_pack(find_pack(city_id, packs_root))
