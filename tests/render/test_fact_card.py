"""Names as a reader sees them: never "nan", the campus named where a university has several."""

import math

from culturemap.render.fact_card import feature_name, name_with_campus


def test_a_blank_name_falls_back_to_the_other_language_then_the_id():
    assert feature_name({"name_zh": "白塔山", "name_en": math.nan, "id": "sc-1"}, "en") == "白塔山"
    assert feature_name({"name_zh": None, "name_en": "", "id": "sc-1"}, "zh") == "sc-1"


def test_the_campus_is_named_only_when_there_is_one():
    row = {"name_zh": "兰州大学", "name_en": "Lanzhou University", "campus": "城关校区"}
    assert name_with_campus(row, "zh") == "兰州大学（城关校区）"
    assert name_with_campus(row, "en") == "Lanzhou University (城关校区)"
    assert name_with_campus({**row, "campus": math.nan}, "zh") == "兰州大学"
    assert name_with_campus({**row, "campus": math.nan}, "zh", campus="榆中校区") == "兰州大学（榆中校区）"
