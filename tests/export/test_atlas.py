"""The district atlas (issue 26): a cover, one page per district holding assets, the sources; each district
page names its district and its assets in the page's language; a district without assets has no page and
is named on the cover; ``culturemap report --atlas districts`` writes it, refuses --district and --route."""

import re
from datetime import date

import pytest

from culturemap.catalog import load_city
from culturemap.export.atlas import district_atlas, districts_with_assets
from culturemap.export.document import Document
from culturemap.export.filing import filing_name
from culturemap.export.report import _sources_section
from culturemap.i18n import tr
from tests.conftest import LANZHOU, default_layers, feature, square, write_pack
from tests.conftest import run_cli as run
from tests.export.test_report import pdf_info, pdf_text, squeezed

TODAY = date(2026, 12, 7)


def page_count(path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", pdf_info(path))[1])


def sources_pages(city, lang: str) -> int:
    """The pages the sources section of all the city's assets takes, laid out on its own."""
    doc = Document(lang)
    _sources_section(doc, city, city.assets(), lang)
    return len(doc.pages)


def asset_name(row, lang: str) -> str:
    return row["name_zh"] if lang == "zh" or not isinstance(row["name_en"], str) else row["name_en"]


def district_name(city, zh: str, lang: str) -> str:
    districts = city.layers["districts"]
    return zh if lang == "zh" else str(districts.loc[districts["name_zh"] == zh, "name_en"].iloc[0])


def check_atlas(city, path, lang: str) -> None:
    """Page count from the data; each district page holds its district's name and its assets' names."""
    held = districts_with_assets(city)
    pages = page_count(path)
    assert pages == 1 + len(held) + sources_pages(city, lang)
    assets = city.assets()
    for page, zh in enumerate(held, start=2):
        text = squeezed(pdf_text(path, "-raw", page=page))  # in drawing order: the key's rows whole
        assert squeezed(district_name(city, zh, lang)) in text, (page, zh)
        for _, row in assets[assets["district"] == zh].iterrows():
            assert squeezed(asset_name(row, lang)) in text, (page, zh, asset_name(row, lang))
    assert squeezed(tr("report_sources", lang)) in squeezed(pdf_text(path, page=2 + len(held)))  # then the sources


def with_north_district(layers: dict) -> None:
    """A third district, North, above West and East, holding no asset."""
    layers["districts"].append(
        feature(
            {"code": "3", "name_zh": "北区", "name_en": "North", "source": "test"},
            {"type": "Polygon", "coordinates": [square(500_000, 4_000_000, 10_000)]},
        )  # fmt: skip
    )


@pytest.fixture(scope="module")
def testville_atlases(tmp_path_factory):
    """The atlas of the synthetic pack with an empty third district, in zh and en."""
    layers = default_layers()
    with_north_district(layers)
    root = write_pack(tmp_path_factory.mktemp("atlas") / "testville", layers)
    city = load_city(root)
    paths = {}
    for lang in ("zh", "en"):
        paths[lang] = root.parent / f"atlas-{lang}.pdf"
        paths[lang].write_bytes(district_atlas(city, lang, today=TODAY))
    return city, paths


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_atlas_has_a_cover_a_page_per_district_with_assets_and_the_sources(testville_atlases, lang):
    city, paths = testville_atlases
    assert districts_with_assets(city) == ["西区", "东区"]  # North (北区) holds no asset
    check_atlas(city, paths[lang], lang)
    assert page_count(paths[lang]) == 4
    info = pdf_info(paths[lang])
    assert "Page size:       595.276 x 841.89 pts (A4)" in info


def test_atlas_cover_names_the_district_without_assets_and_the_pages(testville_atlases):
    city, paths = testville_atlases
    zh = squeezed(pdf_text(paths["zh"], page=1))
    assert "测试市文化资源区县图集" in zh
    assert "无点位的区县（不单设页）：北区" in zh
    en = pdf_text(paths["en"], "-layout", page=1)
    assert "Testville: district atlas of cultural assets" in en
    assert "Districts without assets (no page): North" in en
    # the contents: each district with its assets and its page; North has no row
    contents = en[en.index("Contents") :].splitlines()
    west = next(line for line in contents if line.strip().startswith("West"))
    east = next(line for line in contents if line.strip().startswith("East"))
    assert west.split()[-2:] == ["3", "2"] and east.split()[-2:] == ["3", "3"]  # total, page
    assert not [line for line in contents if line.strip().startswith("North ")]
    titles = [pdf_text(paths["en"], page=page).splitlines()[0] for page in (2, 3)]
    assert titles == ["Testville: West", "Testville: East"]


def test_district_page_counts_against_the_city(testville_atlases):
    _, paths = testville_atlases
    text = pdf_text(paths["en"], "-layout", page=3)
    assert "Testville: East" in text and "3assets,50%ofthecity's;100km²." in squeezed(text)
    total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
    assert total.split()[1:4] == ["3", "6", "50%"]  # the district's, the city's, the share
    # the key: the numbers 1-3 beside the names (by layer: the spot, the bridge, the university)
    cells = squeezed(pdf_text(paths["en"], "-raw", page=3))
    assert "1SC-EAST-PARK" in cells and "2HU-OLD-BRIDGE" in cells and "3UN-TU-SOUTH" in cells


def test_district_report_starts_with_the_atlas_page(pack, tmp_path):
    """The district report is one page of the atlas: its first page is the district's atlas page."""
    from culturemap.export.report import city_report

    city = load_city(pack)
    report = tmp_path / "west.pdf"
    report.write_bytes(city_report(city, district="West", lang="en", today=TODAY))
    atlas = tmp_path / "atlas.pdf"
    atlas.write_bytes(district_atlas(city, "en", today=TODAY))
    first = squeezed(pdf_text(report, page=1))
    page = squeezed(pdf_text(atlas, page=2))
    assert "Testville,West:culturalassetsreport" in first and "Testville:West" in page
    body = lambda text: text[text.index("3assets") : text.rindex("Testville·")]  # noqa: E731  above the footer
    assert body(first) == body(page)


def test_lanzhou_atlas_in_chinese(tmp_path):
    city = load_city(LANZHOU)
    path = tmp_path / "lanzhou.pdf"
    path.write_bytes(district_atlas(city, "zh", today=TODAY))
    held = districts_with_assets(city)
    assert len(held) == 7  # of the 8 districts: 红古区 holds none
    check_atlas(city, path, "zh")
    cover = squeezed(pdf_text(path, page=1))
    assert "无点位的区县（不单设页）：红古区" in cover
    assert "全市102处点位" in cover


def test_cli_writes_the_atlas_into_a_folder_under_its_filing_name(pack, tmp_path, capsys):
    out = tmp_path / "reports"
    out.mkdir()
    assert run(["report", "--city", pack, "--atlas", "districts", "--lang", "en", "--out", out]) == 0
    path = out / filing_name("testville", "atlas", "pdf", ("districts",), "A4")
    assert path.exists() and page_count(path) == 1 + 2 + 1
    captured = capsys.readouterr()
    assert (
        captured.out == f"pdf: {path} (Testville district atlas, 2 districts, {path.stat().st_size / 1024:,.0f} KB)\n"
    )
    assert "Testville: district atlas of cultural assets" in pdf_text(path, page=1)
    file = tmp_path / "atlas.pdf"
    assert run(["report", "--city", pack, "--atlas", "districts", "--out", file]) == 0  # zh: the pack's language
    assert "测试市文化资源区县图集" in squeezed(pdf_text(file, page=1))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--district", "West"], "argument --district: not allowed with argument --atlas"),
        (["--route", "r1"], "argument --route: not allowed with argument --atlas"),
        (["--atlas", "roads"], "argument --atlas: invalid choice: 'roads' (choose from 'districts')"),
    ],
)
def test_cli_atlas_usage_errors(pack, tmp_path, capsys, extra, message):
    out = tmp_path / "x.pdf"
    argv = ["report", "--city", pack, "--atlas", "districts", *extra, "--out", out]
    if extra[0] == "--atlas":
        argv = ["report", "--city", pack, *extra, "--out", out]
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert f"culturemap report: error: {message}" in captured.err and captured.out == ""
    assert not out.exists()
