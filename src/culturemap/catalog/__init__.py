"""Load and validate a city pack (``geodata/<city>/``) into GeoDataFrames.

A pack holds ``city.toml``, one GeoJSON FeatureCollection per layer (WGS-84) named after the layer
ids in :mod:`culturemap.layers`, ``routes.toml`` and ``SOURCES.md``. :func:`load_city` never
raises for bad rows: it keeps every row it can draw, and lists every problem (file, feature,
field) in ``City.problems``; text longer than :func:`max_chars` is cut and reported. Only a pack
that cannot be read at all (not a folder, no ``city.toml``, any mistake in ``city.toml``) raises
:class:`PackError`. :func:`scan_packs` lists every pack under a folder, broken ones with their error.
"""

from culturemap.catalog.checks import BOUNDARY_TOLERANCE_M, check_city, check_places, check_rows, check_same_names
from culturemap.catalog.config import (
    City,
    CityConfig,
    MissingAsset,
    NotAPackError,
    PackError,
    Population,
    Problem,
    PublishedFigure,
    RequiredAsset,
    Route,
    absolute_path_in,
    is_iso_date,
    max_chars,
    read_city_config,
)
from culturemap.catalog.read import MAX_LAYER_FILE_MB, PackEntry, find_packs, load_city, read_pack_layers, scan_packs

__all__ = [
    "BOUNDARY_TOLERANCE_M", "MAX_LAYER_FILE_MB", "City", "CityConfig", "MissingAsset", "NotAPackError",
    "PackEntry", "PackError", "Population", "Problem", "PublishedFigure", "RequiredAsset", "Route",
    "absolute_path_in", "check_city", "check_places", "check_rows", "check_same_names", "find_packs",
    "is_iso_date", "load_city", "max_chars", "read_city_config", "read_pack_layers", "scan_packs",
]  # fmt: skip
