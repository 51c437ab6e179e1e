"""Read a pack from its folder: the layer files (regular files of bounded size only), the whole city
with its problems, and every pack under a data root (broken ones with their error)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyproj import CRS

from culturemap.catalog.checks import check_city
from culturemap.catalog.config import City, CityConfig, PackError, Problem, read_city_config
from culturemap.crs import WGS84
from culturemap.io.files import file_kind, kind_labels
from culturemap.layers import LAYERS, LayerSpec

log = logging.getLogger(__name__)

MAX_LAYER_FILE_MB = 512  # a layer file is read only when it is a regular file of at most this size


def _read_layer(path: Path, spec: LayerSpec, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    try:
        st = path.stat()
    except OSError as exc:  # a dangling symlink, no permission
        problems.append(Problem("error", "unreadable", spec.file, values={"reason": exc.strerror or str(exc)}))
        return None
    kind = file_kind(st.st_mode)
    if kind is not None:  # a FIFO or device would block the read, a folder is not a layer
        problems.append(
            Problem("error", "not_regular_file", spec.file, values={**kind_labels(kind), "limit_mb": MAX_LAYER_FILE_MB})
        )
        return None
    size_mb = st.st_size / 2**20
    if size_mb > MAX_LAYER_FILE_MB:
        problems.append(
            Problem("error", "too_large", spec.file, values={"size_mb": size_mb, "limit_mb": MAX_LAYER_FILE_MB})
        )
        return None
    try:
        # DATE_AS_STRING: GDAL would turn "2023-12-20" into a date and roll "2023-02-30" over to
        # 2023-03-02 unnoticed; dates stay text and are checked as such (FieldSpec kind "date")
        frame = pyogrio.read_dataframe(path, use_arrow=True, DATE_AS_STRING="YES")
    except Exception as exc:  # GDAL reports malformed JSON, bad encodings, ... with a clear text
        problems.append(Problem("error", "unreadable", spec.file, values={"reason": str(exc).strip()}))
        return None
    crs = frame.crs
    if crs is not None and not crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        problems.append(Problem("error", "wrong_crs", spec.file, values={"crs": crs.to_string()}))
        return None
    return frame.set_crs(WGS84, allow_override=True)


def read_pack_layers(pack_dir: str | Path) -> tuple[dict[str, gpd.GeoDataFrame | None], list[Problem]]:
    """Every layer file of the pack in ``pack_dir`` as read, before any check: layer id -> frame
    (EPSG:4326, the file's columns and row order), None for a file that cannot be read (reported in
    the problems returned); a layer without a file is left out."""
    pack_dir = Path(pack_dir)
    problems: list[Problem] = []
    frames: dict[str, gpd.GeoDataFrame | None] = {}
    for lid, spec in LAYERS.items():
        path = pack_dir / spec.file
        if os.path.lexists(path):
            frames[lid] = _read_layer(path, spec, problems)
    return frames, problems


def load_city(pack_dir: str | Path) -> City:
    """Load the city pack in ``pack_dir`` through the full validation.

    Rows whose geometry cannot be drawn (missing, invalid, wrong type, projected or swapped
    coordinates) are left out of the returned layers; every problem is listed in
    ``City.problems`` with file, feature number, id and field. Files are never modified.
    """
    pack_dir = Path(pack_dir)
    config = read_city_config(pack_dir)
    frames, problems = read_pack_layers(pack_dir)
    city = check_city(pack_dir, config, frames, problems)
    log.info("loaded %s: %d problems", pack_dir, len(city.problems))
    return city


def find_packs(root: str | Path) -> list[Path]:
    """Every folder directly under ``root`` that holds a ``city.toml``, sorted by name."""
    return sorted(p.parent for p in Path(root).glob("*/city.toml"))


@dataclass(frozen=True)
class PackEntry:
    """One pack folder found by :func:`scan_packs`: its config, or the error that stops it loading.

    ``alias`` is set by :func:`scan_packs` only when the natural key is already taken.
    """

    path: Path
    config: CityConfig | None
    error: PackError | None
    alias: str | None = None

    @property
    def key(self) -> str:
        """Unique among the packs of one :func:`scan_packs` call: the city id when ``city.toml``
        loads, else the folder name; ``<id or folder>@<folder>`` when that is taken (see :func:`scan_packs`)."""
        if self.alias is not None:
            return self.alias
        return self.config.id if self.config is not None else self.path.name


def scan_packs(root: str | Path) -> list[PackEntry]:
    """Every folder directly under ``root`` with a ``city.toml`` (as :func:`find_packs`, sorted by
    folder name), each with its :class:`CityConfig` or the :class:`PackError` that stops it loading.

    Keys (:attr:`PackEntry.key`) are unique and deterministic, so a link ``?city=<id>`` opens the
    pack whose ``city.toml`` has that id, whatever its folder is called:

    1. packs whose ``city.toml`` loads claim their id, in folder-name order;
    2. then broken packs claim their folder name, in folder-name order;
    3. a pack whose id (or folder name) is already claimed is keyed ``<id>@<folder>`` instead
       (ids cannot contain ``@``, so these never clash with a plain id).

    Two or more packs whose ``city.toml`` has the same id (a copied folder) are all broken
    (``pack_duplicate_id``, naming the other folders): none of them may silently answer to the id.

    Only ``city.toml`` is read, not the layers.
    """
    entries = []
    for path in find_packs(root):
        try:
            entries.append(PackEntry(path, read_city_config(path), None))
        except PackError as exc:
            entries.append(PackEntry(path, None, exc))
    folders: dict[str, list[Path]] = {}
    for entry in entries:
        if entry.config is not None:
            folders.setdefault(entry.config.id, []).append(entry.path)
    entries = [_duplicate(entry, folders[entry.config.id]) if entry.config else entry for entry in entries]
    claimed: set[str] = set()
    keyed = {}
    for entry in sorted(entries, key=lambda e: e.config is None):  # stable: folder order within each group
        key = entry.key
        while key in claimed:
            key = f"{key}@{entry.path.name}"
        claimed.add(key)
        keyed[entry.path] = entry if key == entry.key else PackEntry(entry.path, entry.config, entry.error, key)
    return [keyed[entry.path] for entry in entries]


def _duplicate(entry: PackEntry, folders: list[Path]) -> PackEntry:
    """``entry`` as it is when its id is its own, else broken with ``pack_duplicate_id``."""
    if len(folders) == 1:
        return entry
    others = ", ".join(str(p) for p in folders if p != entry.path)
    error = PackError("pack_duplicate_id", entry.path / "city.toml", setting="id", id=entry.config.id, others=others)
    return PackEntry(entry.path, None, error)
