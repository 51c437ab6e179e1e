"""Small city packs built in code, and paths to the real ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Transformer

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"

# A synthetic city near Lanzhou: two 10 km x 10 km districts side by side in UTM 48N,
# West (x 500-510 km) and East (x 510-520 km), y 3990-4000 km.
_TO_WGS = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)


def utm_to_lonlat(x: float, y: float) -> list[float]:
    lon, lat = _TO_WGS.transform(x, y)
    return [round(lon, 7), round(lat, 7)]


def square(x0: float, y0: float, size: float) -> list[list[float]]:
    corners = [(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)]
    return [utm_to_lonlat(x, y) for x, y in corners]


CITY_TOML = """\
id = "testville"
name_zh = "测试市"
name_en = "Testville"
default_lang = "zh"
zoom = 11
bbox = [{bbox}]
metric_crs = "EPSG:32648"
district_tolerance_m = 100
search_example = "西塔 / xita / xt / West Pagoda"

[center]
lon = {clon}
lat = {clat}

[river]
name_zh = "测河"
name_en = "Test River"

[[published]]
id = "a_class"
label_zh = "A级旅游景区"
label_en = "A-class scenic spots"
layer = "scenic_spots"
filter = {{ grade = ["1A", "2A", "3A", "4A", "5A"] }}
count = 3
source = "test"

[[published.missing]]
name_zh = "南湖"
name_en = "South Lake"
reason = "no_position"
source = "https://example.org/list"

[[published]]
id = "institutions"
label_zh = "高校"
label_en = "Institutions"
layer = "universities"
filter = {{ type = ["university", "college"] }}
distinct = "name_zh"
count = 1
source = "test"

[[required_assets]]
name_zh = "西塔"
name_en = "West Pagoda"

[[required_assets]]
name_zh = "不存在的地方"
name_en = "Nowhere"
"""


def feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": utm_to_lonlat(x, y)}


def base_props(fid: str, name_zh: str, district: str, **extra) -> dict:
    return {
        "id": fid,
        "name_zh": name_zh,
        "name_en": fid.upper(),
        "district": district,
        "source": "test fixture",
        "coord_accuracy": "surveyed",
        **extra,
    }


def default_layers() -> dict[str, list[dict]]:
    return {
        "districts": [
            feature(
                {"code": "1", "name_zh": "西区", "name_en": "West", "source": "test"},
                {"type": "Polygon", "coordinates": [square(500_000, 3_990_000, 10_000)]},
            ),
            feature(
                {"code": "2", "name_zh": "东区", "name_en": "East", "source": "test"},
                {"type": "Polygon", "coordinates": [square(510_000, 3_990_000, 10_000)]},
            ),
        ],
        "river": [
            feature(
                {"name_zh": "测河", "name_en": "Test River", "source": "test"},
                {
                    "type": "LineString",
                    "coordinates": [utm_to_lonlat(500_000, 3_995_000), utm_to_lonlat(520_000, 3_995_000)],
                },
            )
        ],
        "scenic_spots": [
            feature(
                base_props("sc-west-pagoda", "西塔", "西区", grade="4A", themes=["heritage"]), point(505_000, 3_996_000)
            ),
            feature(base_props("sc-east-park", "东园", "东区", grade="3A"), point(515_000, 3_994_000)),
        ],
        "heritage_units": [
            feature(
                base_props("hu-old-bridge", "古桥", "东区", level="national", category="modern_historic"),
                point(512_000, 3_995_000),
            ),
        ],
        "museums": [
            feature(base_props("mu-city", "市博物馆", "西区", kind="comprehensive"), point(503_000, 3_993_000)),
        ],
        "universities": [
            feature(
                base_props("un-tu-north", "测试大学", "西区", campus="北校区", type="university"),
                point(502_000, 3_998_000),
            ),
            feature(
                base_props("un-tu-south", "测试大学", "东区", campus="南校区", type="university"),
                point(518_000, 3_992_000),
            ),
        ],
    }


def format_city_toml(template: str = CITY_TOML) -> str:
    """``template`` (a ``city.toml`` with ``{bbox}``, ``{clon}``, ``{clat}``) for the synthetic city."""
    sw, ne = utm_to_lonlat(495_000, 3_985_000), utm_to_lonlat(525_000, 4_005_000)
    centre = utm_to_lonlat(510_000, 3_995_000)
    return template.format(bbox=", ".join(str(v) for v in (*sw, *ne)), clon=centre[0], clat=centre[1])


def write_pack(root: Path, layers: dict[str, list[dict]] | None = None, city_toml: str | None = None) -> Path:
    """Write a pack folder under ``root``; ``layers`` maps layer id -> list of features."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "city.toml").write_text(city_toml or format_city_toml(), encoding="utf-8")
    for lid, feats in (default_layers() if layers is None else layers).items():
        doc = {"type": "FeatureCollection", "features": feats}
        (root / f"{lid}.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A clean synthetic pack."""
    return write_pack(tmp_path / "testville")


@pytest.fixture
def make_pack(tmp_path: Path):
    """Build a pack from modified default layers: ``make_pack(lambda layers: ...)``."""

    def build(modify=None, name: str = "testville") -> Path:
        layers = default_layers()
        if modify is not None:
            modify(layers)
        return write_pack(tmp_path / name, layers)

    return build
