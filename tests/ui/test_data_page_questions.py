"""The Data page asks about a row whose name only resembles a stored asset nearby (it is never updated
unless the user says so); a same-name duplicate is a plain duplicate."""

from __future__ import annotations

from culturemap.store import store_for_pack
from tests.ui.test_data_page import csv_bytes, data_page, data_root, table_with, upload  # noqa: F401


def test_a_similar_name_is_a_question(data_root):  # noqa: F811
    at = upload(data_page("en"), "dup.csv", csv_bytes([("西塔", "5A", "西区", 505_050, 3_996_000),
                                                       ("西塔景区", "3A", "西区", 505_000, 3_996_150)]))  # fmt: skip
    assert not at.exception
    dups = table_with(at, "duplicate_of")
    assert list(dups["match"]) == ["same name", "similar name: the same place?"]
    assert list(dups["choice"]) == ["skip", "skip"]
    question = next(w.value for w in at.warning if "西塔景区" in w.value)
    assert "Row 3 西塔景区 only resembles the stored 西塔" in question and "150 m away" in question
    (commit,) = [b for b in at.button if b.key == "data_commit"]
    assert commit.disabled
    grade = store_for_pack(data_root / "testville").read_layer("scenic_spots").set_index("id").loc["sc-west-pagoda",
                                                                                                   "grade"]  # fmt: skip
    assert grade == "4A"
