import hashlib
import json

import pytest

from culturemap.catalog import PackError, find_packs, load_city, read_city_config
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


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace('metric_crs = "EPSG:32648"', 'metric_crs = "EPSG:4326"'),
            "must be a projected CRS in metres",
        ),
        (lambda t: t.replace('name_en = "Testville"\n', ""), "missing key 'name_en'"),
        (lambda t: t.replace("count = 3", 'count = "three"'), "[[published]] #1: key 'count' has 'three'"),
        (lambda t: t.replace('layer = "scenic_spots"', 'layer = "pubs"'), "unknown layer 'pubs'"),
        (lambda t: t + "\n[broken", "not valid TOML"),
    ],
)
def test_city_toml_mistakes_raise_with_the_key(pack, edit, message):
    path = pack / "city.toml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PackError) as info:
        read_city_config(pack)
    assert message in str(info.value)
    assert "city.toml" in str(info.value)


def test_folder_without_city_toml(tmp_path):
    with pytest.raises(PackError, match="needs city.toml"):
        load_city(tmp_path)


def test_find_packs_lists_folders_with_a_city_toml(tmp_path, make_pack):
    make_pack(name="b_city")
    make_pack(name="a_city")
    (tmp_path / "not_a_pack").mkdir()
    assert [p.name for p in find_packs(tmp_path)] == ["a_city", "b_city"]
