"""Files as people and tools write them: a workbook with a cover sheet or a two-row header, a KMZ
written by GDAL's LIBKML driver, a zip whose member names are GBK without the UTF-8 flag."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pyogrio
import pytest

from culturemap.io.importers import format_report, prepare_import
from culturemap.io.readers import read_source
from tests.io.conftest import frame_of, spot

ROWS = [spot("新塔", 506_000, 3_996_500), spot("月湖", 507_000, 3_992_000, 等级="AAA")]


def _cover_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "封面"
    for line in (
        ["兰州市A级旅游景区名录"],
        ["编制单位", "市文化和旅游局"],
        ["日期", "2024-05"],
        ["说明", "坐标为 WGS-84"],
    ):
        cover.append(line)
    notes = book.create_sheet("填表说明")
    notes.append(["字段", "含义"])
    notes.append(["名称", "景区名称"])
    data = book.create_sheet("名录")
    data.append(["序号", "名称", "等级", "区县", "经度", "纬度"])
    for n, row in enumerate(ROWS, start=1):
        data.append([n, row["名称"], row["等级"], row["区县"], row["经度"], row["纬度"]])
    book.save(path)
    return path


def test_a_cover_sheet_is_skipped_for_the_first_sheet_with_a_name_and_coordinates(tmp_path, testville):
    path = _cover_workbook(tmp_path / "名录.xlsx")
    table = read_source(path)
    assert table.sheet == "名录" and table.skipped_sheets == ["封面", "填表说明"]
    assert list(table.rows) == [2, 3]
    report = prepare_import(path, "scenic_spots", testville)
    assert report.count("accepted") == 2, format_report(report)
    assert "Sheet 名录 read: the first sheet with a header naming a name and coordinates (skipped: 封面, 填表说明)" in (
        format_report(report, "en"))  # fmt: skip
    assert "读取工作表 名录" in format_report(report, "zh")
    assert read_source(path, sheet="封面").sheet == "封面"  # a sheet chosen is read as chosen


def test_a_merged_two_row_header_is_read(tmp_path, testville):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["兰州市景区名录"])
    sheet.merge_cells("A1:F1")
    sheet.append(["名称", "等级", "坐标（WGS-84）", None, "区县", "备注"])
    sheet.append([None, None, "经度", "纬度", None, None])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"):
        sheet.merge_cells(cells)
    for row in ROWS:
        sheet.append([row["名称"], row["等级"], row["经度"], row["纬度"], row["区县"], "备注"])
    path = tmp_path / "merged.xlsx"
    book.save(path)
    table = read_source(path)
    assert list(table.frame.columns[:4]) == ["名称", "等级", "经度（坐标（WGS-84））", "纬度（坐标（WGS-84））"]
    assert list(table.rows) == [4, 5]
    report = prepare_import(path, "scenic_spots", testville)
    assert report.mapping["lon"] == "经度（坐标（WGS-84））" and report.mapping["note"] == "备注"
    assert report.count("accepted") == 2, format_report(report)
    assert list(report.rows["row"]) == [4, 5]


@pytest.mark.parametrize("driver", ["LIBKML", "KML"])
def test_a_kmz_written_by_gdal_is_read(driver, tmp_path, testville):
    if driver not in pyogrio.list_drivers(write=True):
        pytest.skip(f"GDAL has no {driver} driver here")
    frame = frame_of([*ROWS, spot("无名", 508_000, 3_993_000, 名称=None)])
    if driver == "LIBKML":  # the driver writes the .kmz itself: doc.kml links layers/<name>.kml
        path = tmp_path / "gdal.kmz"
        frame.to_file(path, driver=driver, layer="景区", engine="pyogrio")
    else:  # the KML driver writes a .kml: zipped as doc.kml inside a folder, as tools do
        frame.to_file(tmp_path / "doc.kml", driver=driver, engine="pyogrio")
        path = tmp_path / "gdal.kmz"
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(tmp_path / "doc.kml", "files/doc.kml")
    table = read_source(path)
    assert len(table.frame) == 3 and list(table.frame["名称"][:2]) == ["新塔", "月湖"]
    report = prepare_import(path, "scenic_spots", testville)
    assert list(report.rows["status"]) == ["accepted", "accepted", "rejected"], format_report(report)
    assert report.rows_to_write()["grade"].tolist() == ["4A", "3A"]
    assert pd_missing(report.rows["name_zh"].iloc[2])


def pd_missing(value) -> bool:
    return value is None or value != value


class _GbkName(zipfile.ZipInfo):
    """A member whose name is written in GBK without the UTF-8 flag, as Windows zip tools in China do."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def test_gbk_member_names_are_decoded(tmp_path, testville):
    folder = tmp_path / "shp"
    folder.mkdir()
    frame_of(ROWS).to_file(folder / "layer.shp", engine="pyogrio", encoding="UTF-8")
    path = tmp_path / "景区.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            archive.writestr(_GbkName(f"数据/兰州景区{part.suffix}"), part.read_bytes())
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] != "数据/兰州景区.cpg"  # Python alone shows mojibake
    table = read_source(path)
    assert table.sheet == "兰州景区"
    report = prepare_import(path, "scenic_spots", testville)
    assert report.rows_to_write()["source"].iloc[0] == "景区.zip, sheet 兰州景区, row 1"
    with pytest.raises(Exception, match="has no sheet or layer x; it has: 兰州景区"):
        read_source(path, sheet="x")
    kmz = tmp_path / "gbk.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr(_GbkName("景点/景点.kml"), _kml(ROWS))
    assert len(read_source(kmz).frame) == 2


def _kml(rows) -> str:
    marks = "".join(f"<Placemark><name>{r['名称']}</name><Point><coordinates>{r['经度']},{r['纬度']}</coordinates>"
                    "</Point></Placemark>" for r in rows)  # fmt: skip
    return f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'
