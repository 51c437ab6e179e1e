"""``update`` replaces only a confident match (same id, or same normalised name within 200 m); a similar
name nearby is a question, never an overwrite."""

from __future__ import annotations

from culturemap.io.importers import format_report, prepare_import
from tests.io.conftest import spot, write_csv

# the stored 西塔 (sc-west-pagoda) of the synthetic city lies at UTM (505 000, 3 996 000)


def test_only_a_confident_match_is_updated_by_default(tmp_path, testville):
    rows = [
        spot("西塔", 505_100, 3_996_000, 等级="5A", 编号=""),  # same name, 100 m: the stored asset
        spot("西塔景区", 505_000, 3_996_150, 等级="3A", 编号=""),  # similar name, 150 m: a question
        spot("别名", 509_000, 3_999_000, 等级="2A", 编号="sc-west-pagoda"),  # same id, far away
    ]
    report = prepare_import(write_csv(tmp_path / "dup.csv", rows), "scenic_spots", testville)
    dups = report.duplicates()
    assert list(dups["match"]) == ["name", "similar", "id"]
    assert list(dups["duplicate_of"]) == ["sc-west-pagoda"] * 3
    written = report.rows_to_write(default="update")
    assert list(written["name_zh"]) == ["西塔", "别名"]  # the similar name is left out
    assert list(written["id"]) == ["sc-west-pagoda", "sc-west-pagoda"]
    asked = report.rows_to_write({3: "update"}, default="update")  # the user answered the question: yes
    assert "西塔景区" in set(asked["name_zh"])
    assert len(report.rows_to_write(default="keep")) == 3  # kept beside the stored one: nothing overwritten
    text = format_report(report, "en", on_duplicate="update")
    assert "row 3: not updated: 西塔景区 only resembles the stored 西塔 (sc-west-pagoda, 150 m away)" in text
    assert "row 2: not updated" not in text
    zh = format_report(report, "zh", on_duplicate="update")
    assert "第 3 行未更新：西塔景区 与已有的 西塔（sc-west-pagoda，相距 150 米）仅名称相似" in zh
