"""Kernel density of assets on a grid in the city's metric CRS.

Gaussian kernel, isotropic bandwidth in metres. Points are linearly binned onto the grid (each
point's weight split over the four surrounding nodes) and the binned counts are convolved with the
sampled kernel by FFT (``scipy.signal.fftconvolve``): cost grows with the grid, not with the
number of points. Values are points (or weights) per km2, so the grid integrates to the number of
points (or total weight) when the grid extends 4 bandwidths beyond the points.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
import shapely.geometry

KERNEL_RADIUS_BW = 4.0  # the Gaussian is cut at 4 bandwidths (mass outside < 0.04%)
START_BANDWIDTH_MAX_M = 3_000  # Scott's rule over a whole municipality gives tens of km: start at a town centre's scale


@dataclass(frozen=True)
class DensityGrid:
    """Density values (per km2) on a regular grid; row 0 is the southern edge.

    ``x0``/``y0`` are the metric coordinates of the centre of cell (0, 0), ``cell_m`` the cell size.
    """

    values: np.ndarray
    x0: float
    y0: float
    cell_m: float
    crs: str
    bandwidth_m: float

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid: cells south to north, cells west to east."""
        return self.values.shape

    def total(self) -> float:
        """The integral of the density over the grid (points or total weight)."""
        return float(self.values.sum() * (self.cell_m / 1000.0) ** 2)

    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) of the grid's outer edges, in metres."""
        ny, nx = self.values.shape
        half = self.cell_m / 2
        return (self.x0 - half, self.y0 - half, self.x0 - half + nx * self.cell_m, self.y0 - half + ny * self.cell_m)


def scott_bandwidth_m(xy: np.ndarray) -> float:
    """Scott's rule for 2-D data (same as Silverman's in 2-D): n^(-1/6) x the mean standard deviation (m)."""
    if len(xy) < 2:
        raise ValueError("a bandwidth rule needs at least 2 points")
    sigma = float(np.sqrt(np.mean(np.var(xy, axis=0, ddof=1))))
    if sigma == 0:
        raise ValueError("all points coincide: give the bandwidth in metres")
    return sigma * len(xy) ** (-1.0 / 6.0)


def _linear_binning(xy: np.ndarray, weights: np.ndarray, x0: float, y0: float, cell: float, shape) -> np.ndarray:
    ny, nx = shape
    fx = (xy[:, 0] - x0) / cell
    fy = (xy[:, 1] - y0) / cell
    ix = np.floor(fx).astype(int)
    iy = np.floor(fy).astype(int)
    dx = fx - ix
    dy = fy - iy
    grid = np.zeros(shape)
    for ox, oy, w in ((0, 0, (1 - dx) * (1 - dy)), (1, 0, dx * (1 - dy)), (0, 1, (1 - dx) * dy), (1, 1, dx * dy)):
        gx, gy = ix + ox, iy + oy
        ok = (gx >= 0) & (gx < nx) & (gy >= 0) & (gy < ny)
        np.add.at(grid, (gy[ok], gx[ok]), (weights * w)[ok])
    return grid


def kde_xy(
    xy: np.ndarray,
    bandwidth_m: float | None = None,
    cell_m: float | None = None,
    weights: np.ndarray | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    crs: str = "",
    max_cells: int = 4_000_000,
) -> DensityGrid:
    """Gaussian KDE of metric coordinates ``xy`` (n x 2, metres).

    ``bandwidth_m`` defaults to Scott's rule; ``cell_m`` to a tenth of the bandwidth (max error against the exact KDE ~0.7%),
    coarser when that grid would exceed ``max_cells`` (a narrow bandwidth over a whole municipality); ``bounds``
    (minx, miny, maxx, maxy) to the points' extent plus 4 bandwidths. ``weights`` scale each point.
    A ``cell_m`` given by the caller is kept: a grid over ``max_cells`` then raises ValueError.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) == 0:
        raise ValueError("no points to estimate a density from")
    bandwidth_m = float(bandwidth_m) if bandwidth_m else scott_bandwidth_m(xy)
    if bandwidth_m <= 0:
        raise ValueError(f"bandwidth must be positive metres, got {bandwidth_m}")
    chosen_cell = bool(cell_m)
    cell_m = float(cell_m) if cell_m else bandwidth_m / 10.0
    weights = np.ones(len(xy)) if weights is None else np.asarray(weights, dtype=float)
    if weights.shape != (len(xy),) or (weights < 0).any():
        raise ValueError("weights must be one non-negative number per point")
    pad = KERNEL_RADIUS_BW * bandwidth_m
    minx, miny, maxx, maxy = bounds or (
        xy[:, 0].min() - pad,
        xy[:, 1].min() - pad,
        xy[:, 0].max() + pad,
        xy[:, 1].max() + pad,
    )
    if not chosen_cell:  # the default cell, coarsened to whole metres until the grid fits
        cell_m = max(cell_m, float(np.ceil(np.sqrt((maxx - minx) * (maxy - miny) / max_cells))))
        while np.ceil((maxx - minx) / cell_m) * np.ceil((maxy - miny) / cell_m) > max_cells:
            cell_m += 1.0
    nx = int(np.ceil((maxx - minx) / cell_m))
    ny = int(np.ceil((maxy - miny) / cell_m))
    if nx * ny > max_cells:
        raise ValueError(f"a {nx} x {ny} grid at {cell_m:g} m cells is too large: raise cell_m or narrow the bounds")
    x0, y0 = minx + cell_m / 2, miny + cell_m / 2
    binned = _linear_binning(xy, weights, x0, y0, cell_m, (ny, nx))
    r = int(np.ceil(KERNEL_RADIUS_BW * bandwidth_m / cell_m))
    offsets = np.arange(-r, r + 1) * cell_m
    g = np.exp(-0.5 * (offsets / bandwidth_m) ** 2)
    kernel = np.outer(g, g) / (2 * np.pi * bandwidth_m**2)  # per m2
    from scipy.signal import fftconvolve  # here: scipy.signal takes ~1 s to import, and most commands never convolve

    density_m2 = fftconvolve(binned, kernel, mode="same")
    density_km2 = np.clip(density_m2, 0, None) * 1e6
    return DensityGrid(density_km2, x0, y0, cell_m, crs, bandwidth_m)


def kde(
    features: gpd.GeoDataFrame,
    metric_crs: str,
    bandwidth_m: float | None = None,
    cell_m: float | None = None,
    weights: np.ndarray | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> DensityGrid:
    """Gaussian KDE of ``features`` (any CRS) computed in ``metric_crs``; see :func:`kde_xy`."""
    points = features.to_crs(metric_crs).geometry.representative_point()
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    return kde_xy(xy, bandwidth_m, cell_m, weights, bounds, crs=metric_crs)


GRADE_WEIGHTS = {"5A": 5.0, "4A": 4.0, "3A": 3.0, "2A": 2.0, "1A": 1.0}


def grade_weights(features: gpd.GeoDataFrame, other: float = 1.0) -> np.ndarray:
    """Weights by scenic grade (5A = 5 ... 1A = 1); rows without a grade (other layers) get ``other``."""
    grades = features["grade"] if "grade" in features else [None] * len(features)
    return np.array([GRADE_WEIGHTS.get(g, other) if isinstance(g, str) else other for g in grades])


def mass_levels(grid: DensityGrid, mass: tuple[float, ...] = (0.5, 0.75, 0.9)) -> np.ndarray:
    """Density thresholds whose highest-density regions hold ``mass`` shares of the total.

    The 0.5 level is the density above which the smallest area holding half of all points lies.
    Returned in the order of ``mass`` (so thresholds decrease as the mass grows).
    """
    values = np.sort(grid.values.ravel())[::-1]
    cumulative = np.cumsum(values) / values.sum()
    return np.array([values[min(np.searchsorted(cumulative, m), len(values) - 1)] for m in mass])


def contour_polygons(grid: DensityGrid, mass: tuple[float, ...] = (0.5, 0.75, 0.9)) -> gpd.GeoDataFrame:
    """Polygons of the highest-density regions holding ``mass`` shares of the points (grid CRS).

    One (multi)polygon per level, built from the grid cells at or above the level's threshold
    (``rasterio.features.shapes``), with ``mass``, ``level_per_km2`` and ``area_km2`` columns.
    """
    from rasterio.features import shapes
    from rasterio.transform import from_origin

    minx, _miny, _maxx, maxy = grid.bounds()
    transform = from_origin(minx, maxy, grid.cell_m, grid.cell_m)
    north_up = grid.values[::-1]
    rows = []
    for share, level in zip(mass, mass_levels(grid, mass)):
        mask = (north_up >= level).astype(np.uint8)
        parts = [
            shapely.geometry.shape(geom)
            for geom, value in shapes(mask, mask=mask.astype(bool), transform=transform)
            if value
        ]
        rows.append({"mass": share, "level_per_km2": float(level), "geometry": shapely.union_all(parts)})
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=grid.crs or None)
    frame["area_km2"] = frame.geometry.area / 1e6
    return frame
