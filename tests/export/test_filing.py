"""File names for filing: city, what, selection, paper, date; ASCII, no empty parts."""

from datetime import date

from culturemap.export.filing import filing_name, resolve_out, slug


def test_the_issue_example():
    name = filing_name("lanzhou", "heritage", "pdf", ("national", "Chengguan"), "A4", date(2026, 12, 8))
    assert name == "lanzhou-heritage-national-chengguan-A4-2026-12-08.pdf"


def test_chinese_only_parts_are_left_out_not_doubled_dashes():
    name = filing_name("qiqihar", "map", "PNG", ("城关区", "4A", ""), None, date(2026, 1, 2))
    assert name == "qiqihar-map-4a-2026-01-02.png"
    assert slug("Zhōngshān Bridge / 中山桥") == "zhongshan-bridge"


def test_a_long_selection_is_cut_at_a_word_end():
    many = [f"district{i}" for i in range(30)]
    name = filing_name("lanzhou", "atlas", "pdf", many, "A3 landscape", date(2026, 12, 8))
    middle = name.removeprefix("lanzhou-atlas-").removesuffix("-A3-landscape-2026-12-08.pdf")
    assert len(middle) <= 80 and middle.endswith(tuple(many)) and "--" not in name


def test_out_folder_gets_the_name(tmp_path):
    assert resolve_out(tmp_path, "a.pdf") == tmp_path / "a.pdf"
    assert resolve_out(tmp_path / "b.pdf", "a.pdf") == tmp_path / "b.pdf"
    assert resolve_out(f"{tmp_path}/new/", "a.pdf") == tmp_path / "new" / "a.pdf"
