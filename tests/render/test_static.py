"""The static density figure: Chinese text drawn with a CJK font, axis titles as given."""

import shutil
import warnings

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
import shapely
from matplotlib import font_manager

from culturemap.analysis.density import kde_xy
from culturemap.render import static
from culturemap.render.static import density_figure

METRIC = "EPSG:32648"


def small_figure(**kwargs):
    xy = np.array([[500_000.0, 3_990_000.0], [503_000.0, 3_992_000.0], [501_000.0, 3_996_000.0]])
    grid = kde_xy(xy, bandwidth_m=2_000, crs=METRIC)
    districts = gpd.GeoDataFrame(geometry=[shapely.box(495_000, 3_985_000, 508_000, 4_000_000)], crs=METRIC)
    return density_figure(grid, districts, None, None, "兰州文化资源核密度", "每平方公里点位数", **kwargs)


def draw_figure(**kwargs):
    """A drawn density figure and matplotlib's warnings about characters its fonts lack (drawn as boxes)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = small_figure(**kwargs)
        fig.canvas.draw()
    return fig, [str(w.message) for w in caught if "missing from font" in str(w.message)]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_chinese_is_drawn_with_fontconfigs_cjk_font_when_matplotlibs_cache_lacks_it(monkeypatch):
    """Matplotlib's font list is cached on first use: a CJK font installed later is not in it."""
    without_cjk = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without_cjk)
    static.cjk_font.cache_clear()
    try:
        with matplotlib.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
            _fig, missing = draw_figure()
            assert missing == []
            assert "CJK" in matplotlib.rcParams["font.sans-serif"][0]
    finally:
        static.cjk_font.cache_clear()  # found again in the real font list by the next caller


def test_axis_titles_are_given_in_the_ui_language():
    fig, missing = draw_figure(axis_labels=("东向坐标（公里，EPSG:32648）", "北向坐标（公里）"))
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("东向坐标（公里，EPSG:32648）", "北向坐标（公里）")
    assert missing == []
