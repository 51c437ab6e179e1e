import geopandas as gpd
import pytest
import shapely

from culturemap.analysis.select import AssetQuery, add_search_keys, grades_at_least, search_key, select_assets

CRS = "EPSG:32648"


@pytest.fixture
def assets() -> gpd.GeoDataFrame:
    rows = [
        (
            "scenic_spots",
            "sc-bts",
            "白塔山公园",
            "White Pagoda Mountain Park",
            "4A",
            None,
            "城关区",
            ["river"],
            500_300,
        ),
        ("scenic_spots", "sc-wqs", "五泉山公园", "Wuquan Mountain Park", "5A", None, "城关区", ["heritage"], 502_500),
        ("scenic_spots", "sc-low", "某公园", "Some Park", "2A", None, "七里河区", [], 500_900),
        (
            "heritage_units",
            "hu-bridge",
            "兰州黄河铁桥",
            "Lanzhou Yellow River Iron Bridge",
            None,
            "national",
            "城关区",
            ["river"],
            500_000,
        ),
        ("heritage_units", "hu-temple", "金天观", "Jintian Temple", None, "provincial", "七里河区", [], 504_000),
        ("museums", "mu-gs", "甘肃省博物馆", "Gansu Provincial Museum", None, None, "七里河区", ["museum"], 501_800),
    ]
    frame = gpd.GeoDataFrame(
        {
            "layer": [r[0] for r in rows],
            "id": [r[1] for r in rows],
            "name_zh": [r[2] for r in rows],
            "name_en": [r[3] for r in rows],
            "grade": [r[4] for r in rows],
            "level": [r[5] for r in rows],
            "district": [r[6] for r in rows],
            "themes": [r[7] for r in rows],
        },
        # a river along y = 4,000,000; each row sits (x - 500,000) metres north of it
        geometry=[shapely.Point(600_000, 4_000_000 + r[8] - 500_000) for r in rows],
        crs=CRS,
    ).to_crs("EPSG:4326")
    return add_search_keys(frame)


@pytest.fixture
def river() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        geometry=[shapely.LineString([(590_000, 4_000_000), (610_000, 4_000_000)])], crs=CRS
    ).to_crs("EPSG:4326")


def ids(frame) -> list[str]:
    return frame["id"].tolist()


def test_search_key_has_chinese_pinyin_tones_initials_and_english():
    key = search_key("白塔山", "White Pagoda Mountain").split("|")
    assert key == ["白塔山", "baitashan", "báitǎshān", "bai2ta3shan1", "bts", "whitepagodamountain"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("白塔", ["sc-bts"]),
        ("bts", ["sc-bts"]),
        ("Bai Ta Shan", ["sc-bts"]),
        ("báitǎ", ["sc-bts"]),
        ("bai2ta3", ["sc-bts"]),
        ("white pagoda", ["sc-bts"]),
        ("shan gong yuan", ["sc-bts", "sc-wqs"]),
        ("MUSEUM", ["mu-gs"]),
        ("铁桥", ["hu-bridge"]),
        ("<script>", []),
        ("   ", ["sc-bts", "sc-wqs", "sc-low", "hu-bridge", "hu-temple", "mu-gs"]),
    ],
)
def test_search(assets, text, expected):
    assert ids(select_assets(assets, AssetQuery(text=text))) == expected


def test_grade_means_that_grade_and_above_and_leaves_other_layers_alone(assets):
    assert grades_at_least("4A") == ("5A", "4A")
    assert ids(select_assets(assets, AssetQuery(min_grade="4A"))) == [
        "sc-bts",
        "sc-wqs",
        "hu-bridge",
        "hu-temple",
        "mu-gs",
    ]
    with pytest.raises(ValueError, match="unknown grade '6A'"):
        grades_at_least("6A")


def test_layers_levels_districts_and_themes_combine(assets):
    q = AssetQuery(
        layers=("heritage_units", "museums"), heritage_levels=("national",), districts=("城关区", "七里河区")
    )
    assert ids(select_assets(assets, q)) == ["hu-bridge", "mu-gs"]
    assert ids(select_assets(assets, AssetQuery(districts=("七里河区",)))) == ["sc-low", "hu-temple", "mu-gs"]
    assert ids(select_assets(assets, AssetQuery(themes=("river", "museum")))) == ["sc-bts", "hu-bridge", "mu-gs"]


def test_within_distance_of_the_river(assets, river):
    # rows are 300, 2500, 900, 0, 4000 and 1800 m from the river
    assert ids(select_assets(assets, AssetQuery(river_km=1.0), river, CRS)) == ["sc-bts", "sc-low", "hu-bridge"]
    assert len(select_assets(assets, AssetQuery(river_km=5.0), river, CRS)) == 6
    with pytest.raises(ValueError, match="needs the river layer"):
        select_assets(assets, AssetQuery(river_km=1.0))


def test_filter_params_read_as_the_explorer_link_and_the_cli_give_them():
    from culturemap.analysis.select import read_filter_params

    params = {"layers": "museums,pubs", "grade": "4a", "level": "national", "district": "西区,北区", "theme": "",
              "river_km": "2.5", "q": "  bts  ", "zoom": "12"}  # fmt: skip
    values, ignored = read_filter_params(params, ("西区", "东区"))
    assert values == {"layers": ("museums",), "grade": "4A", "level": ("national",), "district": ("西区",),
                      "theme": (), "river_km": 2.5, "q": "bts"}  # fmt: skip
    assert ignored == ("layers=pubs", "district=北区")
    query = AssetQuery.from_filters(**values)
    assert (query.layers, query.min_grade, query.heritage_levels, query.districts, query.river_km, query.text) == (
        ("museums",), "4A", ("national",), ("西区",), 2.5, "bts")  # fmt: skip
    # a link whose layers are all unknown shows every layer; bad numbers and grades are dropped
    values, ignored = read_filter_params({"layers": "pubs", "grade": "9A", "river_km": "200"})
    assert values == {} and ignored == ("layers=pubs", "grade=9A", "river_km=200")


def test_a_link_with_the_former_river_theme_name_still_filters_by_the_river():
    """Issue 15: the theme "yellow_river" became "river" (every pack names its own river); a link
    made before keeps its filter."""
    from culturemap.analysis.select import read_filter_params

    values, ignored = read_filter_params({"theme": "yellow_river,museum,pubs"})
    assert values == {"theme": ("river", "museum")} and ignored == ("theme=pubs",)
