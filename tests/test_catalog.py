import hashlib
import json
import pickle
import re

import pytest

from culturemap.catalog import NotAPackError, PackError, find_packs, load_city, read_city_config, scan_packs
from culturemap.layers import LAYERS
from tests.conftest import feature, point, utm_to_lonlat


def codes(city) -> list[tuple[str, str, str | None, str | None]]:
    return [(p.code, p.file, p.feature_id, p.field) for p in city.errors]


def test_clean_pack_loads_every_layer_without_errors(pack):
    city = load_city(pack)
    assert city.errors == []
    assert {lid: len(f) for lid, f in city.layers.items() if len(f)} == {
        "scenic_spots": 2,
        "heritage_units": 1,
        "museums": 1,
        "universities": 2,
        "river": 1,
        "districts": 2,
    }
    # absent optional layers are empty and reported as warnings
    assert {p.file for p in city.warnings} == {"night_tour_zones.geojson", "attractions.geojson"}
    assert city.layers["scenic_spots"].crs.to_epsg() == 4326
    assert city.config.name("en") == "Testville"


def test_assets_frame_tags_each_row_with_its_layer(pack):
    assets = load_city(pack).assets()
    assert len(assets) == 6
    assert assets.groupby("layer").size().to_dict() == {
        "heritage_units": 1,
        "museums": 1,
        "scenic_spots": 2,
        "universities": 2,
    }


def test_missing_required_field_names_file_id_and_field(make_pack):
    def drop_name(layers):
        del layers["museums"][0]["properties"]["name_zh"]

    city = load_city(make_pack(drop_name))
    assert codes(city) == [("missing_field", "museums.geojson", "mu-city", "name_zh")]
    assert city.errors[0].message("en") == "museums.geojson feature 1 (id=mu-city) lacks the field name_zh"
    assert "缺少字段 name_zh" in city.errors[0].message("zh")


def test_bad_grade_lists_the_allowed_values(make_pack):
    def bad_grade(layers):
        layers["scenic_spots"][1]["properties"]["grade"] = "6A"

    city = load_city(make_pack(bad_grade))
    assert codes(city) == [("bad_value", "scenic_spots.geojson", "sc-east-park", "grade")]
    assert "'6A'" in city.errors[0].message("en") and "5A, 4A, 3A, 2A, 1A" in city.errors[0].message("en")


def test_bad_theme_in_a_list_is_caught(make_pack):
    def bad_theme(layers):
        layers["scenic_spots"][0]["properties"]["themes"] = ["heritage", "karaoke"]

    city = load_city(make_pack(bad_theme))
    assert codes(city) == [("bad_value", "scenic_spots.geojson", "sc-west-pagoda", "themes")]


def test_duplicate_id_across_layers_names_the_first_use(make_pack):
    def duplicate(layers):
        layers["museums"][0]["properties"]["id"] = "sc-west-pagoda"

    city = load_city(make_pack(duplicate))
    dup = [p for p in city.errors if p.code == "duplicate_id"]
    assert len(dup) == 1
    assert dup[0].file == "museums.geojson"
    assert "scenic_spots.geojson feature 1" in dup[0].message("en")


def test_invalid_geometry_is_reported_and_dropped_but_other_rows_stay(make_pack):
    bowtie = [
        utm_to_lonlat(x, y)
        for x, y in [(501e3, 3991e3), (503e3, 3993e3), (503e3, 3991e3), (501e3, 3993e3), (501e3, 3991e3)]
    ]

    def add_zone(layers):
        props = {
            "id": "nt-bowtie",
            "name_zh": "蝴蝶",
            "name_en": "Bowtie",
            "level": "national",
            "district": "西区",
            "source": "t",
            "coord_accuracy": "approx",
        }
        layers["night_tour_zones"] = [
            feature(props, {"type": "Polygon", "coordinates": [bowtie]}),
            feature({**props, "id": "nt-ok"}, point(504_000, 3_992_000)),
        ]

    city = load_city(make_pack(add_zone))
    assert codes(city) == [("invalid_geometry", "night_tour_zones.geojson", "nt-bowtie", "geometry")]
    assert "Self-intersection" in city.errors[0].message("en")
    assert city.layers["night_tour_zones"]["id"].tolist() == ["nt-ok"]


def test_wrong_geometry_type(make_pack):
    def line_museum(layers):
        layers["museums"][0]["geometry"] = {
            "type": "LineString",
            "coordinates": [utm_to_lonlat(503e3, 3993e3), utm_to_lonlat(504e3, 3993e3)],
        }

    city = load_city(make_pack(line_museum))
    assert codes(city) == [("wrong_geometry_type", "museums.geojson", "mu-city", "geometry")]
    assert "is a LineString; expected Point" in city.errors[0].message("en")


def test_missing_geometry(make_pack):
    def no_geom(layers):
        layers["museums"][0]["geometry"] = None

    assert codes(load_city(make_pack(no_geom))) == [("missing_geometry", "museums.geojson", "mu-city", "geometry")]


def test_point_outside_the_municipality_reports_the_distance(make_pack):
    def outside(layers):
        layers["museums"][0]["geometry"] = point(523_000, 3_993_000)  # 3 km east of the East district

    city = load_city(make_pack(outside))
    assert codes(city) == [("outside_city", "museums.geojson", "mu-city", "geometry")]
    assert "lies 3000 m outside" in city.errors[0].message("en")


def test_point_in_another_district_names_both(make_pack):
    def wrong(layers):
        layers["museums"][0]["properties"]["district"] = "东区"  # the point is in 西区, 7 km from 东区

    city = load_city(make_pack(wrong))
    assert codes(city) == [("wrong_district", "museums.geojson", "mu-city", "district")]
    assert "says 东区 but the point lies in 西区 (7000 m from 东区)" in city.errors[0].message("en")


def test_point_just_across_a_district_line_is_within_tolerance(make_pack):
    def near(layers):
        layers["museums"][0]["geometry"] = point(510_050, 3_993_000)  # 50 m into 东区, stated 西区

    assert load_city(make_pack(near)).errors == []


def test_unknown_district_lists_the_districts(make_pack):
    def unknown(layers):
        layers["museums"][0]["properties"]["district"] = "北区"

    city = load_city(make_pack(unknown))
    assert codes(city) == [("unknown_district", "museums.geojson", "mu-city", "district")]
    assert "expected one of 西区, 东区" in city.errors[0].message("en")


def test_swapped_lat_lon_is_detected_and_the_fix_suggested(make_pack):
    def swap(layers):
        lon, lat = layers["museums"][0]["geometry"]["coordinates"]
        layers["museums"][0]["geometry"]["coordinates"] = [lat, lon]

    city = load_city(make_pack(swap))
    assert codes(city) == [("swapped_latlon", "museums.geojson", "mu-city", "geometry")]
    assert "look swapped" in city.errors[0].message("en")


def test_projected_coordinates_without_a_crs_member(make_pack):
    def projected(layers):
        layers["museums"][0]["geometry"] = {"type": "Point", "coordinates": [503000.0, 3993000.0]}

    city = load_city(make_pack(projected))
    assert codes(city) == [("projected_coords", "museums.geojson", "mu-city", "geometry")]


def test_file_in_a_projected_crs_is_refused_as_a_whole(pack):
    doc = json.loads((pack / "museums.geojson").read_text(encoding="utf-8"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}}
    doc["features"][0]["geometry"]["coordinates"] = [503000.0, 3993000.0]
    (pack / "museums.geojson").write_text(json.dumps(doc), encoding="utf-8")
    city = load_city(pack)
    assert codes(city) == [("wrong_crs", "museums.geojson", None, None)]
    assert "EPSG:32648" in city.errors[0].message("en")
    assert city.layers["museums"].empty


def test_malformed_json_names_the_file_and_leaves_it_untouched(pack):
    path = pack / "museums.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [ {"type": "Feature", ', encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    city = load_city(pack)
    assert [(p.code, p.file) for p in city.errors] == [("unreadable", "museums.geojson")]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert len(city.layers["scenic_spots"]) == 2  # the rest of the pack still loads


def test_missing_districts_file_is_an_error(pack):
    (pack / "districts.geojson").unlink()
    city = load_city(pack)
    assert ("missing_file", "districts.geojson", None, None) in codes(city)


def test_route_with_an_unknown_stop(pack):
    (pack / "routes.toml").write_text(
        '[[route]]\nid = "r1"\ntitle_zh = "线"\ntitle_en = "Line"\nsource = "t"\nstops = ["sc-west-pagoda", "sc-nowhere"]\n',
        encoding="utf-8",
    )
    city = load_city(pack)
    assert codes(city) == [("route_unknown_stop", "routes.toml", "r1", "stops")]
    assert city.routes[0].stops == ("sc-west-pagoda", "sc-nowhere")


def replace(old: str, new: str):
    """An edit of city.toml that must apply (the pattern is a regular expression)."""

    def edit(text: str) -> str:
        edited, n = re.subn(old, new, text, count=1)
        assert n == 1, f"{old!r} not in city.toml"
        return edited

    return edit


EXPECTED_TEXT = "expected non-blank text of at most {} characters"
CITY_TOML_MISTAKES = [
    # (edit, key named in the error, message after "<path>: ")
    ('zoom = 11', 'zoom = "twelve"', "zoom", "zoom is 'twelve'; expected a whole number from 1 to 20"),
    ("zoom = 11", "zoom = 1e9", "zoom", "zoom is 1000000000.0; expected a whole number from 1 to 20"),
    ("zoom = 11", "zoom = 12.7", "zoom", "zoom is 12.7; expected a whole number from 1 to 20"),
    ("zoom = 11", "zoom = 0", "zoom", "zoom is 0; expected a whole number from 1 to 20"),
    ("zoom = 11", "zoom = true", "zoom", "zoom is True; expected a whole number from 1 to 20"),
    ("zoom = 11", "zoom = inf", "zoom", "zoom is inf; expected a whole number from 1 to 20"),
    (r"bbox = \[.*\]", 'bbox = ["a", 1, 2, 3]', "bbox min_lon", "bbox min_lon is 'a'; expected a finite number from -180 to 180"),
    (r"bbox = \[.*\]", "bbox = [1, 2, 3]", "bbox", "bbox is [1, 2, 3]; expected four numbers [min_lon, min_lat, max_lon, max_lat]"),
    (r"bbox = \[.*\]", 'bbox = "all"', "bbox", "bbox is 'all'; expected four numbers [min_lon, min_lat, max_lon, max_lat]"),
    (r"bbox = \[.*\]", "bbox = [104.9, 36.0, inf, 36.2]", "bbox max_lon", "bbox max_lon is inf; expected a finite number from -180 to 180"),
    (r"bbox = \[.*\]", "bbox = [104.9, 36.0, 105.3, 95]", "bbox max_lat", "bbox max_lat is 95; expected a finite number from -90 to 90"),
    (r"bbox = \[.*\]", "bbox = [105.3, 36.0, 104.9, 36.2]", "bbox", "bbox is [105.3, 36.0, 104.9, 36.2]; expected min_lon < max_lon and min_lat < max_lat"),
    ("district_tolerance_m = 100", 'district_tolerance_m = "far"', "district_tolerance_m", "district_tolerance_m is 'far'; expected a finite number of metres >= 0"),
    ("district_tolerance_m = 100", "district_tolerance_m = -1", "district_tolerance_m", "district_tolerance_m is -1; expected a finite number of metres >= 0"),
    ("district_tolerance_m = 100", "district_tolerance_m = nan", "district_tolerance_m", "district_tolerance_m is nan; expected a finite number of metres >= 0"),
    ("district_tolerance_m = 100", "district_tolerance_m = inf", "district_tolerance_m", "district_tolerance_m is inf; expected a finite number of metres >= 0"),
    (r"lat = [\d.]+", "lat = nan", "center.lat", "center.lat is nan; expected a finite number from -90 to 90"),
    (r"lon = [\d.]+", "lon = -inf", "center.lon", "center.lon is -inf; expected a finite number from -180 to 180"),
    (r"lon = [\d.]+", "lon = 200", "center.lon", "center.lon is 200; expected a finite number from -180 to 180"),
    (r"lat = [\d.]+\n", "", "center.lat", "missing key center.lat"),
    (r"\[center\]\nlon = [\d.]+\nlat = [\d.]+", "center = [105, 36]", "center", "center is [105, 36]; expected a table ([center])"),
    (r"bbox = \[.*\]([^\[]*)\[center\]\nlon = [\d.]+\nlat = [\d.]+", r"bbox = [104.9, 36.0, 105.3, 36.2]\1[center]\nlon = 100.5\nlat = 36.1",
     "center", "center is (100.5, 36.1); expected a point inside bbox [104.9, 36.0, 105.3, 36.2]"),
    ('id = "testville"', 'id = "test ville"', "id", "id is 'test ville'; expected letters, digits, '-' or '_' only"),
    ('name_en = "Testville"\n', "", "name_en", "missing key name_en"),
    ('name_zh = "测试市"', 'name_zh = " "', "name_zh", "name_zh is ' '; " + EXPECTED_TEXT.format(200)),
    ('name_en = "Testville"', f'name_en = "{"x" * 300}"', "name_en", f"name_en is '{'x' * 58}…' (300 characters); " + EXPECTED_TEXT.format(200)),
    ('name_en = "Test River"', "name_en = 5", "river.name_en", "river.name_en is 5; " + EXPECTED_TEXT.format(200)),
    ('default_lang = "zh"', 'default_lang = "fr"', "default_lang", "default_lang is 'fr'; expected one of zh, en"),
    ('metric_crs = "EPSG:32648"', 'metric_crs = "EPSG:4326"', "metric_crs", "metric_crs is 'EPSG:4326'; expected a projected CRS in metres"),
    ("count = 3", 'count = "three"', "[[published]] #1 count", "[[published]] #1 count is 'three'; expected a whole number >= 0"),
    ("count = 1\n", "count = -1\n", "[[published]] #2 count", "[[published]] #2 count is -1; expected a whole number >= 0"),
    ('layer = "scenic_spots"', 'layer = "pubs"', "[[published]] #1 layer",
     "[[published]] #1 layer is 'pubs'; expected one of " + ", ".join(LAYERS)),
    ('distinct = "name_zh"', 'distinct = "campus_name"', "[[published]] #2 distinct",
     "[[published]] #2 distinct is 'campus_name'; expected one of " + ", ".join(f.name for f in LAYERS["universities"].fields)),
    (r'filter = \{ type = \["university", "college"\] \}', "filter = { type = 5 }", "[[published]] #2 filter.type",
     "[[published]] #2 filter.type is 5; expected a text or a list of texts"),
    (r'filter = \{ grade = ', "filter = { stars = ", "[[published]] #1 filter",
     "[[published]] #1 filter is 'stars'; expected one of " + ", ".join(f.name for f in LAYERS["scenic_spots"].fields)),
    ('reason = "no_position"', 'reason = "lost"', "[[published]] #1 [[missing]] #1 reason",
     "[[published]] #1 [[missing]] #1 reason is 'lost'; expected one of no_position, grade_unconfirmed, incomplete"),
    ('name_zh = "南湖"\n', "", "[[published]] #1 [[missing]] #1 name_zh", "missing key [[published]] #1 [[missing]] #1 name_zh"),
    ('source = "https://example.org/list"', 'source = "/home/me/list.csv"', "[[published]] #1 [[missing]] #1 source",
     "[[published]] #1 [[missing]] #1 source is '/home/me/list.csv'; it holds the absolute path '/home/me/list.csv'; "
     "expected a URL or a path relative to the pack"),
    ('source = "test"', 'source = "study at file:///srv/study.pdf"', "[[published]] #1 source",
     "[[published]] #1 source is 'study at file:///srv/study.pdf'; it holds the absolute path 'file:///srv/study.pdf'; "
     "expected a URL or a path relative to the pack"),
    (r'name_en = "Nowhere"', 'name_en = "Nowhere"\nmatch = [1]', "[[required_assets]] #2 match",
     "[[required_assets]] #2 match is 1; " + EXPECTED_TEXT.format(2000)),
    (r"\[\[required_assets\]\][\s\S]*", '[required_assets]\nname_zh = "西塔"\n', "required_assets",
     "required_assets is {'name_zh': '西塔'}; expected an array of tables ([[required_assets]])"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "key", "message"), CITY_TOML_MISTAKES, ids=[m[3][:40] for m in CITY_TOML_MISTAKES]
)
def test_every_city_toml_mistake_is_a_pack_error_naming_file_key_and_expectation(pack, old, new, key, message):
    path = pack / "city.toml"
    path.write_text(replace(old, new)(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PackError) as info:
        read_city_config(pack)
    assert str(info.value) == f"{path}: {message}"
    assert info.value.key == key
    with pytest.raises(PackError):
        load_city(pack)


def test_pack_error_speaks_chinese_and_english(pack):
    path = pack / "city.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("zoom = 11", 'zoom = "twelve"'), encoding="utf-8")
    with pytest.raises(PackError) as info:
        read_city_config(pack)
    error = info.value
    assert (error.code, error.file, error.key) == ("pack_expected_integer", str(path), "zoom")
    assert error.message("zh") == f"{path}：zoom 为 'twelve'，应为 1 至 20 之间的整数"
    assert error.message("en") == str(error) == f"{path}: zoom is 'twelve'; expected a whole number from 1 to 20"
    assert (error.to_dict("zh")["field"], error.to_dict("zh")["message"]) == ("zoom", error.message("zh"))


def test_not_valid_toml_names_the_file(pack):
    path = pack / "city.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[broken", encoding="utf-8")
    with pytest.raises(PackError, match="not valid TOML") as info:
        read_city_config(pack)
    assert str(info.value).startswith(f"{path}: not valid TOML: ")


def test_a_file_is_not_a_pack(tmp_path):
    (tmp_path / "passwd").write_text("root:x:0:0\n")
    with pytest.raises(NotAPackError) as info:
        read_city_config(tmp_path / "passwd")
    assert str(info.value) == f"{tmp_path / 'passwd'} is not a folder; expected a city pack folder with city.toml"


def test_folder_without_city_toml(tmp_path):
    with pytest.raises(PackError, match="needs city.toml"):
        load_city(tmp_path)


def test_find_packs_lists_folders_with_a_city_toml(tmp_path, make_pack):
    make_pack(name="b_city")
    make_pack(name="a_city")
    (tmp_path / "not_a_pack").mkdir()
    assert [p.name for p in find_packs(tmp_path)] == ["a_city", "b_city"]


def test_scan_packs_keys_packs_by_city_id_and_keeps_broken_ones_with_their_error(tmp_path, make_pack):
    make_pack(name="a_orig")  # id "testville" (two packs with one id: tests/test_pack_ids.py)
    for broken in ("c_broken", "testville"):  # a broken folder named like a claimed id
        path = make_pack(name=broken) / "city.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("zoom = 11", 'zoom = "twelve"'), encoding="utf-8")
    (tmp_path / "not_a_pack").mkdir()
    entries = scan_packs(tmp_path)
    assert [(e.path.name, e.key) for e in entries] == [
        ("a_orig", "testville"),
        ("c_broken", "c_broken"),
        ("testville", "testville@testville"),
    ]
    assert entries[0].config.id == "testville" and entries[0].error is None
    broken = entries[1]
    assert broken.config is None
    assert (
        str(broken.error)
        == f"{tmp_path / 'c_broken' / 'city.toml'}: zoom is 'twelve'; expected a whole number from 1 to 20"
    )
    assert [e.key for e in scan_packs(tmp_path)] == [e.key for e in entries]  # deterministic
    cached = pickle.loads(pickle.dumps(entries))  # as st.cache_data stores them
    assert [(e.key, e.config, str(e.error)) for e in cached] == [(e.key, e.config, str(e.error)) for e in entries]
    assert (cached[1].error.code, cached[1].error.key) == ("pack_expected_integer", "zoom")


def test_scan_packs_keys_a_pack_by_its_id_not_its_folder(tmp_path, make_pack):
    make_pack(name="lanzhou-2024-copy")
    assert [(e.path.name, e.key) for e in scan_packs(tmp_path)] == [("lanzhou-2024-copy", "testville")]


def test_overlong_text_is_cut_at_load_and_reported(make_pack):
    def long_texts(layers):
        props = layers["museums"][0]["properties"]
        props["name_zh"] = "馆" * 1_000_000
        props["note"] = "n" * 2500
        layers["scenic_spots"][1]["properties"]["address"] = "a" * 2000  # at the cap: kept

    city = load_city(make_pack(long_texts))
    museum = city.layers["museums"].iloc[0]
    assert museum["name_zh"] == "馆" * 199 + "…"
    assert museum["note"] == "n" * 1999 + "…"
    assert city.layers["scenic_spots"]["address"].iloc[1] == "a" * 2000
    assert city.errors == []
    cut = [p for p in city.warnings if p.code == "text_too_long"]
    assert [(p.file, p.row, p.feature_id, p.field, p.values) for p in cut] == [
        ("museums.geojson", 1, "mu-city", "name_zh", {"length": 1_000_000, "cap": 200}),
        ("museums.geojson", 1, "mu-city", "note", {"length": 2500, "cap": 2000}),
    ]
    assert cut[0].message("en") == (
        "museums.geojson feature 1 (id=mu-city) field name_zh is 1000000 characters long; cut to the 200-character limit"
    )
    assert (
        cut[0].message("zh")
        == "museums.geojson 第 1 个要素（id=mu-city）字段 name_zh 有 1000000 个字符，超过上限 200，已截断"
    )


def test_a_bad_route_is_a_problem_and_the_other_routes_stay(pack):
    (pack / "routes.toml").write_text(
        '[[route]]\nid = "r1"\ntitle_zh = "线"\ntitle_en = "Line"\nsource = "t"\nstops = [1, 2]\n'
        '[[route]]\nid = "r2"\ntitle_zh = "线"\ntitle_en = "Line"\nsource = "t"\nstops = ["sc-west-pagoda", "mu-city"]\n',
        encoding="utf-8",
    )
    city = load_city(pack)
    assert [r.id for r in city.routes] == ["r2"]
    assert codes(city) == [("pack_expected_text", "routes.toml", "r1", "[[route]] #1 stops")]
    assert city.errors[0].message("en") == (
        "routes.toml: [[route]] #1 stops is 1; expected non-blank text of at most 2000 characters"
    )


def test_routes_toml_that_is_not_an_array_of_tables_is_a_problem(pack):
    (pack / "routes.toml").write_text('route = "x"\n', encoding="utf-8")
    city = load_city(pack)
    assert city.routes == ()
    assert city.errors[0].message("zh") == "routes.toml：route 为 'x'，应为表数组（[[route]]）"


ABSOLUTE_SOURCES = [
    ("/srv/geodata/ref.csv", "/srv/geodata/ref.csv"),
    ("Qunar scrape via /home/me/ref.csv (checked)", "/home/me/ref.csv"),
    ("~/data/ref.csv", "~/data/ref.csv"),
    ("~curator/ref.csv", "~curator/ref.csv"),
    ("C:\\Users\\me\\ref.csv", "C:\\Users\\me\\ref.csv"),
    ("see D:/data/ref.csv", "D:/data/ref.csv"),
    ("\\\\server\\share\\ref.csv", "\\\\server\\share\\ref.csv"),
    ("file:///srv/ref.csv", "file:///srv/ref.csv"),
    ("名单（/srv/ref.csv）", "/srv/ref.csv）"),
]


@pytest.mark.parametrize(("source", "path"), ABSOLUTE_SOURCES, ids=[s for s, _ in ABSOLUTE_SOURCES])
def test_an_absolute_path_in_source_is_an_error_naming_file_row_and_field(make_pack, source, path):
    def absolute(layers):
        layers["museums"][0]["properties"]["source"] = source

    city = load_city(make_pack(absolute))
    assert codes(city) == [("absolute_path", "museums.geojson", "mu-city", "source")]
    assert city.errors[0].message("en") == (
        f"museums.geojson feature 1 (id=mu-city) field source holds the absolute path {path!r}; "
        "expected a URL or a path relative to the pack (e.g. ../shared/reference/<file>)"
    )
    assert (
        city.errors[0]
        .message("zh")
        .startswith(f"museums.geojson 第 1 个要素（id=mu-city）字段 source 含本机绝对路径 {path!r}")
    )


def test_urls_and_pack_relative_paths_in_source_are_fine(make_pack):
    def cited(layers):
        layers["museums"][0]["properties"]["source"] = (
            "list: https://example.org/a/b.html?id=1; file ../shared/reference/ref.csv; github:owner/repo@abc data/x.csv; "
            "甘肃省 / 兰州市 名录; 1/2 of the list; s3://bucket/key"
        )

    assert load_city(make_pack(cited)).errors == []


@pytest.mark.parametrize("source", ["", "   "])
def test_an_empty_source_is_an_error_naming_file_row_and_field(make_pack, source):
    def empty(layers):
        layers["scenic_spots"][1]["properties"]["source"] = source

    city = load_city(make_pack(empty))
    assert codes(city) == [("missing_field", "scenic_spots.geojson", "sc-east-park", "source")]
    assert city.errors[0].message("en") == "scenic_spots.geojson feature 2 (id=sc-east-park) lacks the field source"
    assert city.errors[0].message("zh") == "scenic_spots.geojson 第 2 个要素（id=sc-east-park）缺少字段 source"


@pytest.mark.parametrize(("value", "ok"), [("2023-12-20", True), ("2021-02", True), ("2017", True), ("2023-02-30", False),
                                           ("2021-13", False), ("2021/02", False), ("Dec 2023", False), ("20231220", False)])  # fmt: skip
def test_grade_since_is_an_iso_date_year_month_or_year(make_pack, value, ok):
    def dated(layers):
        layers["scenic_spots"][0]["properties"]["grade_since"] = value

    city = load_city(make_pack(dated))
    if ok:
        assert city.errors == [] and city.layers["scenic_spots"]["grade_since"].iloc[0] == value
    else:
        assert codes(city) == [("bad_date", "scenic_spots.geojson", "sc-west-pagoda", "grade_since")]
        assert city.errors[0].message("en") == (
            f"scenic_spots.geojson feature 1 (id=sc-west-pagoda) field grade_since has the value {value!r}; "
            "expected a date YYYY-MM-DD, YYYY-MM or YYYY"
        )


def test_a_missing_asset_the_layer_holds_is_a_warning(pack):
    path = pack / "city.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('name_zh = "南湖"', 'name_zh = "东园"'), encoding="utf-8")
    city = load_city(pack)
    stale = [p for p in city.problems if p.file == "city.toml"]
    assert [(p.severity, p.code, p.field) for p in stale] == [
        ("warning", "missing_asset_present", "[[published]] #1 [[missing]] #1 name_zh")
    ]
    assert city.errors == []
    assert stale[0].message("en") == (
        "city.toml: [[published]] #1 [[missing]] #1 name_zh lists 东园 as missing, but scenic_spots.geojson holds it; "
        "remove it from the missing list"
    )


def test_an_absolute_path_in_a_route_source_is_a_problem(pack):
    (pack / "routes.toml").write_text(
        '[[route]]\nid = "r"\ntitle_zh = "线"\ntitle_en = "Line"\nstops = ["sc-west-pagoda"]\nsource = "/tmp/routes.txt"\n',
        encoding="utf-8",
    )
    city = load_city(pack)
    assert [(p.code, p.file, p.feature_id, p.field) for p in city.errors] == [
        ("pack_absolute_path", "routes.toml", "r", "[[route]] #1 source")
    ]


def test_a_pack_still_using_the_former_river_theme_name_loads_it_as_river(tmp_path):
    """Issue 15: "yellow_river" is an alias of the theme "river": no error, the rows read "river"."""
    from tests.conftest import write_pack

    pack = write_pack(tmp_path / "oldville")
    path = pack / "scenic_spots.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["themes"] = ["yellow_river", "heritage"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    city = load_city(pack)
    assert city.errors == []
    assert list(city.layers["scenic_spots"]["themes"].iloc[0]) == ["river", "heritage"]
    assert city.config.theme_label("yellow_river", "en") == city.config.theme_label("river", "en") == "Test River"
    assert city.config.theme_label("heritage", "zh") == "文化遗产"
