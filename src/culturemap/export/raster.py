"""Write density grids as GeoTIFF in the grid's metric CRS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

from culturemap.analysis.density import DensityGrid


def write_geotiff(grid: DensityGrid, path: str | Path) -> None:
    """One float32 band of density per km2, north-up, in ``grid.crs`` (metres), deflate-compressed."""
    if not grid.crs:
        raise ValueError("the density grid has no CRS; compute it with culturemap.analysis.density.kde")
    minx, _miny, _maxx, maxy = grid.bounds()
    ny, nx = grid.shape
    profile = {
        "driver": "GTiff",
        "height": ny,
        "width": nx,
        "count": 1,
        "dtype": "float32",
        "crs": grid.crs,
        "transform": from_origin(minx, maxy, grid.cell_m, grid.cell_m),
        "compress": "deflate",
        "nodata": None,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(grid.values[::-1].astype(np.float32), 1)
        dst.update_tags(units="points per km2", bandwidth_m=f"{grid.bandwidth_m:g}", cell_m=f"{grid.cell_m:g}")
