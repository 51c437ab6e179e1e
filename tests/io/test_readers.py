"""Reading what users bring: encodings, and bad input refused with a clear message (never a traceback)."""

from __future__ import annotations

import zipfile

import pytest

from culturemap.io.readers import MAX_ZIP_RATIO, ImportFileError, read_source
from tests.io.conftest import kml_text, spot, write_csv, write_gpkg, write_shapefile_zip, write_xlsx

ROWS = [spot("西湖公园", 506_000, 3_996_500), spot("兰山", 507_000, 3_992_000)]


@pytest.mark.parametrize(("encoding", "found"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
                                                 ("gb18030", "gb18030")])  # fmt: skip
def test_csv_encodings_are_detected(encoding, found, tmp_path):
    table = read_source(write_csv(tmp_path / "t.csv", ROWS, encoding=encoding))
    assert table.encoding == found
    assert list(table.frame["名称"]) == ["西湖公园", "兰山"]
    assert list(table.rows) == [2, 3]


def test_semicolon_csv_and_blank_cells(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("名称;经度;纬度\n塔;105.1;36.1\n桥;;\n", encoding="utf-8")
    table = read_source(path)
    assert table.frame.to_dict("records")[1] == {"名称": "桥", "经度": "", "纬度": ""}


def test_shapefile_without_cpg_in_gbk(tmp_path):
    table = read_source(write_shapefile_zip(tmp_path / "gbk.zip", ROWS, encoding="GBK", cpg=False))
    assert list(table.frame["名称"]) == ["西湖公园", "兰山"]
    assert table.sheet == "景区"


def test_sheet_and_layer_choice(tmp_path):
    assert read_source(write_xlsx(tmp_path / "t.xlsx", ROWS), sheet="名录").sheet == "名录"
    with pytest.raises(ImportFileError, match="has no sheet or layer 表2; it has: 说明, 名录"):
        read_source(tmp_path / "t.xlsx", sheet="表2")
    gpkg = write_gpkg(tmp_path / "t.gpkg", ROWS)
    assert len(read_source(gpkg, sheet="景区").frame) == 2
    with pytest.raises(ImportFileError, match="has no sheet or layer nope; it has: 景区"):
        read_source(gpkg, sheet="nope")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "import_empty"),
        ("blank.csv", b"\n\n  \n", "import_empty"),
        ("header.csv", "名称,经度\n".encode(), "import_no_rows"),
        ("binary.csv", b"PK\x03\x04\x00\x00garbage", "import_not_text"),
        ("latin.csv", "name\ncaf\xe9 \xfc\xdf\n".encode("latin-1") * 3, "import_bad_encoding"),
        ("ragged.csv", b'a,b\n1,2\n"3,4\n', "import_unreadable"),
        ("bad.geojson", b'{"type": "FeatureCollection", "features": [', "import_unreadable"),
        ("bad.gpkg", b"SQLite format 3\x00" + b"\x01" * 200, "import_unreadable"),
        ("bad.xlsx", b"PK\x03\x04 not really a workbook", "import_bad_zip"),
        ("bad.zip", b"not a zip", "import_bad_zip"),
        ("bad.kml", b"<kml><Placemark>", "import_unreadable"),
        ("bad.kmz", b"PK\x05\x06" + b"\x00" * 18, "import_kmz_no_kml"),
        ("photo.jpg", b"\xff\xd8\xff", "import_format"),
    ],
)
def test_malformed_files_give_a_clear_error(name, content, code, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert caught.value.code == code
    assert name in caught.value.message("en") and name in caught.value.message("zh")


def test_oversize_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # a sparse 3 GB file: reading it whole would take long and fill memory
        fh.truncate(3 * 2**30)
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert caught.value.code == "import_too_large"
    assert caught.value.message("en") == "huge.csv is 3072.0 MB, over the 200 MB import limit (not read)"
    with pytest.raises(ImportFileError, match="over the 1 MB import limit"):
        read_source(write_csv(tmp_path / "small.csv", ROWS * 20_000), max_mb=1)


@pytest.mark.parametrize("member", ["../evil.shp", "/etc/evil.shp", "a/../../evil.dbf", "C:\\evil.shp"])
def test_zip_slip_refused_and_nothing_written(member, tmp_path):
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ok.shp", b"x")
        archive.writestr(member, b"x")
    before = set(tmp_path.parent.rglob("*"))
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert caught.value.code == "import_zip_slip" and caught.value.values["member"] == member
    assert set(tmp_path.parent.rglob("*")) == before


def test_zip_bomb_refused_before_extracting(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("layer.shp", b"\x00" * (64 * 2**20))  # 64 MB of zeros -> ~64 KB
    info = zipfile.ZipFile(path).infolist()[0]
    assert info.file_size / info.compress_size > MAX_ZIP_RATIO
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert caught.value.code == "import_zip_bomb"
    assert "zip bomb" in caught.value.message("en")


def test_zip_bomb_in_a_workbook_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 2**20))
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert caught.value.code == "import_zip_bomb"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&xxe;</name>
<Point><coordinates>105,36</coordinates></Point></Placemark></kml>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&c;</name></Placemark></kml>"""


@pytest.mark.parametrize("content", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
@pytest.mark.parametrize("suffix", [".kml", ".kmz"])
def test_xml_entities_refused(content, suffix, tmp_path):
    path = tmp_path / f"evil{suffix}"
    if suffix == ".kmz":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("doc.kml", content)
    else:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert caught.value.code == "import_xml_entities"
    assert "refused for safety" in caught.value.message("en")


def test_kml_placemarks_with_extended_data_and_polygons(tmp_path):
    text = kml_text(ROWS).replace(
        "</Document>",
        "<Placemark><name>夜市</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        "105,36 105.01,36 105.01,36.01 105,36</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        "</Document>",
    )
    path = tmp_path / "t.kml"
    path.write_text(text, encoding="utf-8")
    table = read_source(path)
    assert list(table.frame["name"]) == ["西湖公园", "兰山", "夜市"]
    assert table.frame["等级"].iloc[0] == "4A级"
    assert list(table.frame.geometry.geom_type) == ["Point", "Point", "Polygon"]


@pytest.mark.parametrize("namespace", ['xmlns="http://earth.google.com/kml/2.1"', ""])
def test_kml_of_other_versions(namespace, tmp_path):
    path = tmp_path / "old.kml"
    path.write_text(f"<kml {namespace}><Document><Placemark><name>塔</name><Point><coordinates>105.1,36.1"
                    "</coordinates></Point></Placemark></Document></kml>", encoding="utf-8")  # fmt: skip
    table = read_source(path)
    assert list(table.frame["name"]) == ["塔"] and table.frame.geometry.iloc[0].coords[0] == (105.1, 36.1)


def test_kml_declaring_an_unknown_encoding(tmp_path):  # found by the fuzz test
    path = tmp_path / "enc.kml"
    path.write_bytes(b'<?xml version="1.0" encoding="A"?><kml/>')
    with pytest.raises(ImportFileError, match="cannot read enc.kml: unknown encoding: A"):
        read_source(path)
