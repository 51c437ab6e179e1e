"""What a file's column headers mean: the names each field goes by, compared whatever their case,
width, spacing or bracketed note; and whether a row is the header of a list of places.

The readers use it to find the header row of a workbook (:func:`is_place_header`), the importers to
match columns to fields (:func:`culturemap.io.importers.match_columns`).
"""

from __future__ import annotations

import re
import unicodedata

from culturemap.names import normalise

# Column names, compared after :func:`header_key` (NFKC, lower case, no spaces, punctuation or
# bracketed notes such as "经度（GCJ-02）"). Only the fields of the chosen layer take part.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "编码", "代码"),
    "lon": ("lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标"),
    "lat": ("lat", "latitude", "y", "纬度", "北纬", "y坐标"),
    "datum": ("datum", "坐标系", "坐标系统"),
    "name_zh": (
        "name_zh",
        "名称",
        "name",
        "中文名",
        "中文名称",
        "景区名称",
        "单位名称",
        "博物馆名称",
        "学校名称",
        "院校名称",
        "名字",
    ),  # fmt: skip
    "name_en": ("name_en", "英文名", "英文名称", "englishname", "nameen"),
    "grade": ("grade", "等级", "级别", "质量等级", "景区等级"),
    "level": ("level", "级别", "保护级别", "等级"),
    "category": ("category", "类别", "类型", "分类"),
    "kind": ("kind", "类别", "类型", "分类"),
    "type": ("type", "类型", "办学类型", "类别"),
    "district": ("district", "区县", "所在区县", "所属区县", "县区", "区", "行政区", "所在地"),
    "address": ("address", "地址", "详细地址"),
    "era": ("era", "年代", "时代"),
    "batch": ("batch", "批次", "公布批次"),
    "campus": ("campus", "校区"),
    "former_name_zh": ("former_name_zh", "曾用名", "原名"),
    "grade_since": ("grade_since", "评定时间", "公布时间", "评定日期"),
    "opening_hours": ("opening_hours", "开放时间"),
    "themes": ("themes", "主题"),
    "note": ("note", "备注", "说明", "description"),
    "coord_accuracy": ("coord_accuracy", "坐标精度", "精度"),
    "source": ("source", "来源", "数据来源"),
}
_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
PLACE_FIELDS = ("name_zh", "lon", "lat")  # a header holding these is the header of a list of places


def header_key(text: str) -> str:
    """``text`` as compared with the aliases: NFKC, lower case, without spaces, punctuation or a
    bracketed note (``"经度（GCJ-02）"`` -> ``"经度"``)."""
    return normalise(_BRACKETS.sub("", unicodedata.normalize("NFKC", str(text))))


_ALIAS_KEYS = {name: {header_key(a) for a in COLUMN_ALIASES[name]} for name in PLACE_FIELDS}


def is_place_header(cells) -> bool:
    """True when the row ``cells`` (texts) names a place's name, longitude and latitude in three
    different cells: the header of a list of places, not a cover sheet or a title line."""
    keys = [header_key(c) for c in cells if c]
    used: set[int] = set()
    for name in PLACE_FIELDS:
        j = next((j for j, k in enumerate(keys) if j not in used and k in _ALIAS_KEYS[name]), None)
        if j is None:
            return False
        used.add(j)
    return True
