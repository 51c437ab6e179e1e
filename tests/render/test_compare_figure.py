"""The Compare page's figure: cities side by side on shared scales, exported as PNG and PDF."""

import subprocess
import tempfile

import matplotlib.pyplot as plt
import pytest

from culturemap.analysis.lens import city_card
from culturemap.catalog import load_city
from culturemap.export.figure import figure_bytes
from culturemap.i18n import tr
from culturemap.render.static import compare_figure
from tests.conftest import format_city_toml, write_pack

POPULATION = '\n[population]\nresidents = 100000\nas_of = "2020"\nsource = "test"\n'


@pytest.fixture
def cards(tmp_path):
    plain = city_card(load_city(write_pack(tmp_path / "a")))
    counted = city_card(load_city(write_pack(tmp_path / "b", city_toml=format_city_toml() + POPULATION)))
    return [plain, counted]


def test_each_row_shares_one_scale_and_a_missing_population_is_said(cards):
    figure = compare_figure(cards, "en", "A and B")
    try:
        axes = figure.axes
        assert len(axes) == 6
        for row in range(3):
            left, right = axes[2 * row], axes[2 * row + 1]
            assert left.get_xlim() == right.get_xlim()
        assert axes[4].get_xlim() == (0, 100)  # the index
        assert [t.get_text() for t in axes[2].texts] == [tr("compare_population_not_given", "en")]
        # where the population is given: a bar per layer, labelled with its value (2 scenic spots per 100,000 residents: 0.2)
        assert len(axes[3].patches) == 5 and [t.get_text() for t in axes[3].texts] == ["0.1", "0.2", "0.1", "0", "0.1"]
    finally:
        plt.close(figure)


def test_png_and_pdf_files_with_the_chinese_font_embedded(cards):
    figure = compare_figure(cards, "zh", "甲与乙")
    try:
        png, pdf = figure_bytes(figure, "png", dpi=50), figure_bytes(figure, "pdf")
    finally:
        plt.close(figure)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and pdf[:5] == b"%PDF-"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        fonts = subprocess.run(["pdffonts", file.name], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line or "Han" in line or "Hei" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    with pytest.raises(ValueError, match="unknown figure format 'svg'"):
        figure_bytes(figure, "svg")
