"""Layer registry: the one place that knows layer names, files, schemas, styles and labels.

Every other module asks this registry instead of repeating a layer name, a colour or a label.
Labels exist in Chinese (``zh``) and English (``en``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

POINT = ("Point",)
POLYGONAL = ("Polygon", "MultiPolygon")
LINEAR = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class Vocabulary:
    """A closed set of values for a field, each with a zh/en label, in display order.

    ``aliases`` maps former value names to current ones: a pack or a link that still uses an old
    name reads as the new one (see :meth:`canonical`)."""

    labels: dict[str, tuple[str, str]]
    aliases: dict[str, str] = dataclass_field(default_factory=dict)

    def canonical(self, value: str) -> str:
        """``value`` under its current name (a former name is mapped; anything else is returned as is)."""
        return self.aliases.get(value, value)

    def label(self, value: str, lang: str) -> str:
        """The label of ``value`` in ``lang`` (a former name reads as the current one, an unknown value as itself)."""
        zh, en = self.labels.get(self.canonical(value), (value, value))
        return zh if lang == "zh" else en

    @property
    def values(self) -> tuple[str, ...]:
        """The current values, in display order (former names not included)."""
        return tuple(self.labels)


GRADES = Vocabulary(
    {
        "5A": ("5A级", "5A"),
        "4A": ("4A级", "4A"),
        "3A": ("3A级", "3A"),
        "2A": ("2A级", "2A"),
        "1A": ("1A级", "1A"),
    }
)
HERITAGE_LEVELS = Vocabulary(
    {
        "national": ("全国重点文物保护单位", "National"),
        "provincial": ("省级文物保护单位", "Provincial"),
        "municipal": ("市级文物保护单位", "Municipal"),
        "county": ("县级文物保护单位", "County"),
    }
)
HERITAGE_CATEGORIES = Vocabulary(
    {
        "ancient_site": ("古遗址", "Ancient site"),
        "ancient_tomb": ("古墓葬", "Ancient tomb"),
        "ancient_architecture": ("古建筑", "Ancient architecture"),
        "cave_temple_stone_carving": ("石窟寺及石刻", "Cave temple / stone carving"),
        "modern_historic": ("近现代重要史迹及代表性建筑", "Modern historic site"),
        "other": ("其他", "Other"),
    }
)
MUSEUM_KINDS = Vocabulary(
    {
        "comprehensive": ("综合类", "Comprehensive"),
        "history": ("历史类", "History"),
        "revolutionary": ("革命纪念类", "Revolutionary"),
        "art": ("艺术类", "Art"),
        "nature_science": ("自然科技类", "Nature and science"),
        "industry_technology": ("行业专题类", "Industry and technology"),
        "university": ("高校博物馆", "University museum"),
        "memorial": ("纪念馆", "Memorial hall"),
        "other": ("其他", "Other"),
    }
)
NIGHT_TOUR_LEVELS = Vocabulary(
    {
        "national": ("国家级夜间文化和旅游消费集聚区", "National"),
        "provincial": ("省级夜间文化和旅游消费集聚区", "Provincial"),
        "municipal": ("市级夜间文化和旅游消费集聚区", "Municipal"),
    }
)
UNIVERSITY_TYPES = Vocabulary(
    {
        "university": ("本科大学", "University"),
        "college": ("本科学院", "College"),
        "vocational": ("高职院校", "Vocational college"),
    }
)
ATTRACTION_KINDS = Vocabulary(
    {
        "landmark": ("地标", "Landmark"),
        "village": ("乡村", "Village"),
        "street": ("街区", "Street"),
        "food": ("美食", "Food"),
        "park": ("公园", "Park"),
        "religious_site": ("宗教场所", "Religious site"),
        "other": ("其他", "Other"),
    }
)
# "river": along the pack's river; the app labels it with the river's name from city.toml
# (``CityConfig.theme_label``). Its former name "yellow_river" (when Lanzhou was the only city) is
# an alias, so older links and packs keep working.
THEMES = Vocabulary(
    {
        "river": ("河流", "River"),
        "heritage": ("文化遗产", "Heritage"),
        "museum": ("博物馆", "Museums"),
        "night": ("夜游", "Night tour"),
        "campus": ("校园", "Campus"),
        "rural": ("乡村", "Rural"),
        "nature": ("自然", "Nature"),
        "religion": ("宗教", "Religion"),
        "red": ("红色文化", "Revolutionary history"),
        "food": ("美食", "Food"),
        "folk": ("民俗非遗", "Folk culture"),
        "silk_road": ("丝绸之路", "Silk Road"),
        "urban": ("城市地标", "Urban landmarks"),
    },
    aliases={"yellow_river": "river"},
)
COORD_ACCURACY = Vocabulary(
    {
        "surveyed": ("坐标数据集（已核对）", "surveyed (coordinate dataset, checked)"),
        "address": ("按地址定位", "placed from address"),
        "encyclopedia": ("百科坐标（维基百科副本）", "encyclopedia coordinates (Wikipedia copy)"),
        "geocoded": ("地图服务坐标（已换算为WGS-84）", "map-service coordinates (converted to WGS-84)"),
        "approx": ("概略位置（未测量）", "approximate (not surveyed)"),
        "imported": ("坐标来自导入文件（未核对）", "position from the imported file (not checked)"),
        "gps": ("现场手机定位（GPS）", "GPS fix on site (a phone's location)"),
        "map": ("编辑在地图上标定", "placed on the map by an editor"),
    }
)
# coord_accuracy values that place a point on the asset itself; any other value is an approximate position
# (gps and map: a move in the app that says what placed it, issue 28)
PLACED_ACCURACY: tuple[str, ...] = ("surveyed", "address", "encyclopedia", "geocoded", "gps", "map")
# A weak source (a blog, mirror, forum, content farm) is cited with this mark in a row's ``source``;
# a row whose principal source is one is a lead and is counted apart (``validate``, the coverage panel).
WEAK_SOURCE_MARK = "LEAD ONLY"


# How far (m) the asset may lie from its point, per coord_accuracy: an imported row with the same or a
# similar name within this radius of a stored asset is a probable duplicate of it (never less than
# culturemap.io.duplicates.DUPLICATE_M). "imported": a user's file, not checked; 1 km also covers a
# GCJ-02 / BD-09 position read as WGS-84 (300-600 m off). A value not listed counts as "approx".
UNCERTAINTY_M: dict[str, float] = {
    "surveyed": 50.0,
    "gps": 50.0,
    "geocoded": 100.0,
    "map": 100.0,
    "address": 300.0,
    "encyclopedia": 300.0,
    "imported": 1000.0,
    "approx": 3000.0,
}


def uncertainty_m(accuracy) -> float:
    """The uncertainty radius in metres of a point whose ``coord_accuracy`` is ``accuracy``
    (:data:`UNCERTAINTY_M`; blank or unknown: that of ``approx``)."""
    return (
        UNCERTAINTY_M.get(accuracy, UNCERTAINTY_M["approx"]) if isinstance(accuracy, str) else UNCERTAINTY_M["approx"]
    )


def approximate(frame):
    """Per row of ``frame`` (a table with ``coord_accuracy``): True where the position is approximate,
    i.e. its accuracy is not one of :data:`PLACED_ACCURACY` (a boolean pandas Series)."""
    return ~frame["coord_accuracy"].isin(PLACED_ACCURACY)


def weakly_sourced(frame, weak_keys=frozenset()):
    """Per row of ``frame`` (a table with ``source``): True where the row rests on a lead, i.e. the
    first ";"-separated part of its ``source`` (the packs cite the source of the row's principal
    fact, its grade, level or existence, first) is one of ``weak_keys`` (the register's leads,
    :func:`culturemap.catalog.sources.weak_keys`) or, in free text, carries :data:`WEAK_SOURCE_MARK`;
    a lead cited later for a detail (an address, a component) does not make the row weak. A boolean
    pandas Series."""
    first = frame["source"].fillna("").astype(str).str.split(";", n=1).str[0].str.strip()
    return first.isin(weak_keys) | first.str.contains(WEAK_SOURCE_MARK, regex=False)


# Why a named asset of a published figure is not (or not fully) in the pack (``city.toml``
# ``[[published.missing]]``).
MISSING_REASONS = Vocabulary(
    {
        "no_position": ("无法定位（来源未给出地址或位置）", "cannot be placed (no address or position in the sources)"),
        "grade_unconfirmed": (
            "等级未确认（仅为拟定或未说明）",
            "grade or level not confirmed (only proposed, or not stated)",
        ),
        "incomplete": ("资料不全（类别等必填项未知）", "facts incomplete (category or another required field unknown)"),
    }
)


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of a layer.

    ``kind`` is ``str`` (free text), ``enum`` (value from ``vocabulary``), ``list`` (list of
    values from ``vocabulary``) or ``date`` (an ISO 8601 calendar date ``YYYY-MM-DD``, or a
    reduced-precision ``YYYY-MM`` / ``YYYY`` when the source gives no day or month).
    """

    name: str
    required: bool = True
    kind: str = "str"
    vocabulary: Vocabulary | None = None


def _point_fields(*specific: FieldSpec) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("id"),
        FieldSpec("name_zh"),
        FieldSpec("name_en", required=False),  # blank: the pages show name_zh (no made-up pinyin)
        *specific,
        FieldSpec("district"),
        FieldSpec("address", required=False),
        FieldSpec("themes", required=False, kind="list", vocabulary=THEMES),
        FieldSpec("opening_hours", required=False),
        FieldSpec("source"),
        FieldSpec("coord_accuracy", kind="enum", vocabulary=COORD_ACCURACY),
        FieldSpec("note", required=False),
    )


@dataclass(frozen=True)
class LayerSpec:
    """Everything the app needs to know about one layer of a city pack."""

    id: str
    label_zh: str
    label_en: str
    geometry_types: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    color: str
    shape: str  # marker shape drawn as inline SVG: star, square, diamond, hexagon, triangle, circle
    class_field: str | None = None
    id_prefix: str | None = None
    assets: bool = True  # False for context layers (districts, river)
    short_en: str | None = None  # where space is short (the layer chips): the English label cut down

    def short_label(self, lang: str) -> str:
        """The label for tight places; the Chinese labels are short already."""
        return self.label_zh if lang == "zh" else self.short_en or self.label_en

    @property
    def file(self) -> str:
        """The layer's file name in a city pack (``<id>.geojson``)."""
        return f"{self.id}.geojson"

    def label(self, lang: str) -> str:
        """The layer's name in ``lang`` (``zh`` or ``en``)."""
        return self.label_zh if lang == "zh" else self.label_en

    def field(self, name: str) -> FieldSpec | None:
        """The spec of the field called ``name``, None when the layer has no such field."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def class_vocabulary(self) -> Vocabulary | None:
        """The values of the layer's class field (grade, level, kind or type), None when it has none."""
        spec = self.field(self.class_field) if self.class_field else None
        return spec.vocabulary if spec else None


LAYERS: dict[str, LayerSpec] = {
    spec.id: spec
    for spec in (
        LayerSpec(
            "scenic_spots",
            "A级旅游景区",
            "A-class scenic spots",
            POINT,
            _point_fields(
                FieldSpec("grade", kind="enum", vocabulary=GRADES),
                FieldSpec("grade_since", required=False, kind="date"),
                # earlier grades, "<grade> <date>; ..." oldest first, e.g. "4A 2001" (see grade_on)
                FieldSpec("grade_history", required=False),
            ),
            color="#d62728",
            shape="star",
            class_field="grade",
            id_prefix="sc-",
            short_en="Scenic spots",
        ),
        LayerSpec(
            "heritage_units",
            "文物保护单位",
            "Cultural relics protection units",
            POINT,
            _point_fields(
                FieldSpec("level", kind="enum", vocabulary=HERITAGE_LEVELS),
                FieldSpec("era", required=False),
                FieldSpec("category", kind="enum", vocabulary=HERITAGE_CATEGORIES),
                FieldSpec("batch", required=False),
                FieldSpec("grade_since", required=False, kind="date"),
            ),
            color="#8c564b",
            shape="square",
            class_field="level",
            id_prefix="hu-",
            short_en="Heritage units",
        ),
        LayerSpec(
            "museums",
            "博物馆",
            "Museums",
            POINT,
            _point_fields(FieldSpec("kind", kind="enum", vocabulary=MUSEUM_KINDS)),
            color="#1f77b4",
            shape="diamond",
            class_field="kind",
            id_prefix="mu-",
        ),
        LayerSpec(
            "night_tour_zones",
            "夜间文旅消费集聚区",
            "Night-time culture and tourism zones",
            POINT + POLYGONAL,
            _point_fields(
                FieldSpec("level", kind="enum", vocabulary=NIGHT_TOUR_LEVELS),
                FieldSpec("batch", required=False),
                FieldSpec("grade_since", required=False, kind="date"),
            ),
            color="#9467bd",
            shape="hexagon",
            class_field="level",
            id_prefix="nt-",
            short_en="Night-time zones",
        ),
        LayerSpec(
            "universities",
            "高等院校",
            "Universities and colleges",
            POINT,
            _point_fields(
                FieldSpec("campus"),
                FieldSpec("type", kind="enum", vocabulary=UNIVERSITY_TYPES),
                FieldSpec("former_name_zh", required=False),
            ),
            color="#2ca02c",
            shape="triangle",
            class_field="type",
            id_prefix="un-",
            short_en="Universities",
        ),
        LayerSpec(
            "attractions",
            "其他文旅点位",
            "Other cultural and tourism sites",
            POINT,
            _point_fields(FieldSpec("kind", kind="enum", vocabulary=ATTRACTION_KINDS)),
            color="#ff7f0e",
            shape="circle",
            class_field="kind",
            id_prefix="at-",
            short_en="Other sites",
        ),
        LayerSpec(
            "river",
            "河流",
            "River",
            LINEAR,
            (FieldSpec("name_zh"), FieldSpec("name_en"), FieldSpec("source")),
            color="#3182bd",
            shape="line",
            assets=False,
        ),
        LayerSpec(
            "districts",
            "行政区",
            "Districts",
            POLYGONAL,
            (FieldSpec("code"), FieldSpec("name_zh"), FieldSpec("name_en"), FieldSpec("source")),
            color="#636363",
            shape="polygon",
            assets=False,
        ),
    )
}

ASSET_LAYERS: tuple[str, ...] = tuple(k for k, v in LAYERS.items() if v.assets)
REQUIRED_LAYERS: tuple[str, ...] = ("districts",)
