import numpy as np
import pytest
from scipy.stats import gaussian_kde

from culturemap.analysis.density import kde_xy, scott_bandwidth_m


def isotropic_sample(n: int, spread_m: float, seed: int) -> np.ndarray:
    """Points whose sample covariance is exactly spread^2 * I (so scipy's KDE is isotropic too)."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, 2))
    raw -= raw.mean(axis=0)
    white = raw @ np.linalg.inv(np.linalg.cholesky(np.cov(raw.T)).T)
    return white * spread_m + np.array([500_000.0, 4_000_000.0])


@pytest.mark.parametrize("n", [50, 400])
def test_matches_scipy_gaussian_kde_within_one_percent(n):
    xy = isotropic_sample(n, spread_m=2_000, seed=n)
    bandwidth = 600.0
    grid = kde_xy(xy, bandwidth_m=bandwidth)  # default cell: bandwidth / 10
    reference = gaussian_kde(xy.T, bw_method=bandwidth / 2_000)  # covariance = bandwidth^2 * I
    ny, nx = grid.shape
    gx, gy = np.meshgrid(grid.x0 + np.arange(nx) * grid.cell_m, grid.y0 + np.arange(ny) * grid.cell_m)
    exact = reference(np.vstack([gx.ravel(), gy.ravel()])).reshape(ny, nx) * n * 1e6  # points per km2
    where = exact > 0.01 * exact.max()
    rel = np.abs(grid.values[where] - exact[where]) / exact[where]
    assert rel.max() < 0.01


def test_integrates_to_the_number_of_points_and_to_the_weights():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 20_000, size=(3_000, 2))
    grid = kde_xy(xy, bandwidth_m=800)
    assert grid.total() == pytest.approx(3_000, rel=0.01)
    weights = rng.integers(1, 6, size=3_000).astype(float)
    assert kde_xy(xy, bandwidth_m=800, weights=weights).total() == pytest.approx(weights.sum(), rel=0.01)


def test_peak_sits_on_a_tight_cluster():
    rng = np.random.default_rng(2)
    cluster = rng.normal([5_000, 7_000], 100, size=(200, 2))
    background = rng.uniform(0, 20_000, size=(200, 2))
    grid = kde_xy(np.vstack([cluster, background]), bandwidth_m=500, cell_m=100)
    iy, ix = np.unravel_index(grid.values.argmax(), grid.shape)
    assert abs(grid.x0 + ix * grid.cell_m - 5_000) < 200 and abs(grid.y0 + iy * grid.cell_m - 7_000) < 200


def test_scott_rule_and_bad_input():
    xy = isotropic_sample(64, spread_m=1_000, seed=3)
    assert scott_bandwidth_m(xy) == pytest.approx(1_000 * 64 ** (-1 / 6))
    with pytest.raises(ValueError, match="no points"):
        kde_xy(np.empty((0, 2)))
    with pytest.raises(ValueError, match="too large"):
        kde_xy(xy, bandwidth_m=1_000, cell_m=1)
    with pytest.raises(ValueError, match="non-negative"):
        kde_xy(xy, bandwidth_m=500, weights=-np.ones(len(xy)))


def test_mass_contours_hold_their_share_of_the_points(tmp_path):
    import geopandas as gpd
    import rasterio
    import shapely

    from culturemap.analysis.density import contour_polygons
    from culturemap.export.raster import write_geotiff

    rng = np.random.default_rng(4)
    xy = np.vstack(
        [
            rng.normal([500_000, 4_000_000], 800, (1_500, 2)),
            rng.uniform([490_000, 3_990_000], [510_000, 4_010_000], (500, 2)),
        ]
    )
    grid = kde_xy(xy, bandwidth_m=400, crs="EPSG:32648")
    contours = contour_polygons(grid, (0.5, 0.9))
    assert contours["mass"].tolist() == [0.5, 0.9]
    ny, nx = grid.shape
    cx, cy = np.meshgrid(grid.x0 + np.arange(nx) * grid.cell_m, grid.y0 + np.arange(ny) * grid.cell_m)
    for share, geom in zip((0.5, 0.9), contours.geometry):
        in_cells = shapely.contains_xy(geom, cx, cy)
        assert grid.values[in_cells].sum() / grid.values.sum() == pytest.approx(share, abs=0.01)
        # smoothing spreads each point's mass outwards, so the region holds at least that share of the points
        assert shapely.contains_xy(geom, xy[:, 0], xy[:, 1]).mean() >= share
    assert contours["area_km2"].iloc[0] < contours["area_km2"].iloc[1]
    assert isinstance(contours, gpd.GeoDataFrame) and contours.crs.to_epsg() == 32648
    path = tmp_path / "d.tif"
    write_geotiff(grid, path)
    with rasterio.open(path) as src:
        band = src.read(1)
        assert src.crs.to_epsg() == 32648 and src.res == (grid.cell_m, grid.cell_m)
        # the densest pixel sits where the grid's densest cell is (north-up flip handled)
        row, col = np.unravel_index(band.argmax(), band.shape)
        x, y = src.xy(row, col)
    iy, ix = np.unravel_index(grid.values.argmax(), grid.shape)
    assert (x, y) == pytest.approx((grid.x0 + ix * grid.cell_m, grid.y0 + iy * grid.cell_m))
    assert float(band.sum()) * (grid.cell_m / 1000) ** 2 == pytest.approx(grid.total(), rel=1e-5)


def test_a_narrow_bandwidth_over_a_wide_area_coarsens_the_default_cell():
    """A 200 m bandwidth over 140 x 110 km (Lanzhou) asked for 20 m cells: 7,000 x 5,500 > 4M cells (an error
    shown on the analysis page). The default cell grows until the grid fits; a chosen cell still raises."""
    xy = np.array([[0.0, 0.0], [140_000.0, 110_000.0], [70_000.0, 50_000.0]])
    grid = kde_xy(xy, bandwidth_m=200, max_cells=4_000_000)
    assert grid.values.size <= 4_000_000 and grid.cell_m > 20
    assert grid.total() == pytest.approx(3.0, rel=0.02)
    with pytest.raises(ValueError, match="too large"):
        kde_xy(xy, bandwidth_m=200, cell_m=20, max_cells=4_000_000)
