"""The university lens and the Compare page, run headless with Streamlit's AppTest."""

from itertools import combinations
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.analysis.lens import RINGS_M, campus_reach, ring_counts
from culturemap.catalog import find_packs, load_city
from culturemap.i18n import tr
from culturemap.ui.lens_page import ROUTE_STOPS, route_params
from culturemap.ui.route_params import parse_route_params
from culturemap.ui.text import plain
from tests.conftest import CITY_TOML, REPO, format_city_toml, write_pack
from tests.ui.test_app import APP, map_sent, widget

LENS = "src/culturemap/ui/pages/lens.py"
COMPARE = "src/culturemap/ui/pages/compare.py"
GEODATA_PACKS = find_packs(REPO / "geodata")


def other_city_toml() -> str:
    return format_city_toml(
        CITY_TOML.replace('id = "testville"', 'id = "otherville"')
        .replace("测试市", "另一市")
        .replace("Testville", "Otherville")
    )


@pytest.fixture
def one_pack(tmp_path, monkeypatch):
    pack = write_pack(tmp_path / "testville")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    return pack


def open_page(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.switch_page(page).run()


def main_selectbox(at: AppTest, key: str):
    return next(w for w in at.selectbox if (w.key or "").startswith(key + "~"))


def test_choosing_a_campus_lists_what_campus_reach_finds(one_pack):
    at = open_page(LENS)
    assert not at.exception
    assert at.title[0].value == "测试市：高校视角"
    assert at.query_params["campus"] == "un-tu-north"  # the first campus, written to the URL
    north = map_sent(at)
    main_selectbox(at, "lens_campus").set_value("un-tu-south").run()
    assert not at.exception and at.query_params["campus"] == "un-tu-south"
    south = map_sent(at)  # the same map, another campus layer over it (no reload, no blank map)
    assert south["key"] == north["key"] and '"id": "un-tu-south"' in south["feature_group"]
    assert '"id": "un-tu-south"' not in north["feature_group"]
    reach = campus_reach(load_city(one_pack), "un-tu-south")
    counts, ranked = at.dataframe[0].value, at.dataframe[1].value
    assert counts.to_numpy().tolist() == ring_counts(reach).to_numpy().tolist()
    assert list(counts.columns) == ["步行 1 公里", "骑行 3 公里", "驾车 10 公里"]
    assert len(ranked) == len(reach) > 0
    assert ranked["名称"].tolist() == reach["name_zh"].tolist()
    assert ranked["距离（公里）"].tolist() == (reach["distance_m"] / 1000).round(2).tolist()


def test_the_campus_comes_back_from_the_url_and_a_bad_one_is_named(one_pack):
    at = open_page(LENS, {"campus": "un-tu-south", "lang": "en"})
    assert not at.exception and not at.toast
    assert main_selectbox(at, "lens_campus").value == "un-tu-south"
    assert at.title[0].value == "Testville: university lens"
    at = open_page(LENS, {"campus": "un-nowhere"})
    assert [t.value for t in at.toast] == [tr("app_url_ignored", "zh", item=plain("campus=un-nowhere"))]
    assert at.query_params["campus"] == "un-tu-north"


def test_the_campus_route_is_handed_to_the_route_designer(one_pack):
    at = open_page(LENS, {"campus": "un-tu-south"})
    reach = campus_reach(load_city(one_pack), "un-tu-south")
    expected = route_params("un-tu-south", reach)
    assert expected["stops"].split(",") == reach["id"].head(ROUTE_STOPS).tolist()
    at.button(key="lens_route").click().run()
    assert not at.exception
    assert {k: at.query_params[k] for k in ("route", "from", "mode")} == {
        k: expected[k] for k in ("route", "from", "mode")
    }
    assert at.query_params["stops"] == expected["stops"]  # written back as read: the page took them all
    assert at.query_params["city"] == "testville"
    assert widget(at, "multiselect", "route_stops").value == expected["stops"].split(",")
    assert widget(at, "selectbox", "route_origin").value == "un-tu-south"
    assert at.title[0].value.startswith("测试市")  # the Routes page's title
    # the parameters are those the Routes page reads, none dropped
    values, ignored = parse_route_params(expected, [], set(reach["id"]) | {"un-tu-south"}, lambda lon, lat: True)
    assert not ignored and values["stops"] == expected["stops"].split(",") and values["from"] == "un-tu-south"


def test_route_mode_follows_the_ring_of_the_farthest_stop():
    import pandas as pd

    near = pd.DataFrame({"id": ["a", "b"], "ring_m": [RINGS_M[0], RINGS_M[0]]})
    assert route_params("un-x", near)["mode"] == "walk"
    assert route_params("un-x", near.assign(ring_m=[RINGS_M[0], RINGS_M[1]]))["mode"] == "bike"
    assert route_params("un-x", near.assign(ring_m=[RINGS_M[0], RINGS_M[2]]))["mode"] == "car"


def test_compare_with_one_pack_asks_for_a_second(one_pack):
    at = open_page(COMPARE)
    assert not at.exception
    assert [i.value for i in at.info] == [tr("compare_need_two", "zh", path=one_pack.parent.name, n=1)]


def test_compare_two_packs_side_by_side_and_from_the_url(one_pack):
    write_pack(one_pack.parent / "otherville", city_toml=other_city_toml())
    at = open_page(COMPARE, {"compare": "otherville,testville", "lang": "en"})
    assert not at.exception and not at.toast
    assert [s.value for s in at.subheader] == ["Otherville", "Testville"]
    assert at.query_params["compare"] == "otherville,testville"
    assert len(at.get("image")) == 1  # the comparison figure
    assert [b.proto.label for b in at.get("download_button")] == [
        tr("compare_download", "en", fmt="PNG"),
        tr("compare_download", "en", fmt="PDF"),
    ]
    main_selectbox(at, "compare_b").set_value("otherville").run()
    assert [w.value for w in at.warning] == [tr("compare_same", "en")]


def real_pairs() -> list:
    """Every pair of the packs under geodata/, and each one with the small fixture pack (so a lone
    real pack is compared too)."""
    pairs = [pytest.param(list(p), id="+".join(x.name for x in p)) for p in combinations(GEODATA_PACKS, 2)]
    return pairs + [pytest.param([p], id=f"{p.name}+fixture") for p in GEODATA_PACKS]


@pytest.mark.parametrize("packs", real_pairs())
def test_compare_works_for_the_packs_under_geodata(packs, tmp_path, monkeypatch):
    for pack in packs:
        (tmp_path / pack.name).symlink_to(pack, target_is_directory=True)
    if len(packs) == 1:
        write_pack(tmp_path / "zz-testville")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    cities = [load_city(p).config for p in packs]
    at = open_page(COMPARE, {"compare": ",".join([c.id for c in cities] + (["testville"] if len(packs) == 1 else []))})
    assert not at.exception and not at.toast
    names = [s.value for s in at.subheader]
    assert names[: len(cities)] == [c.name_zh for c in cities]
    tables = [d.value for d in at.dataframe if "每百平方公里" in d.value.columns]
    assert len(tables) == 2 and all(len(t) == 5 for t in tables)
    assert len(at.get("image")) == 1


def test_the_lens_page_on_the_real_packs_lists_their_campuses():
    """Every pack under geodata/ with universities opens on its first campus."""
    for pack in GEODATA_PACKS:
        city = load_city(pack)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CULTUREMAP_DATA", str(Path(pack).parent))
            at = open_page(LENS, {"city": city.config.id})
        assert not at.exception
        first = city.layers["universities"]["id"].iloc[0]
        assert at.query_params["campus"] == first
        assert len(at.dataframe[1].value) == len(campus_reach(city, first))


def test_the_server_start_computes_the_city_cards(one_pack, monkeypatch):
    """``warm_up`` (run by ``culturemap serve`` at start) leaves the city card cached: the Compare page
    and the lens's clusters then compute nothing for their first visitor."""
    import streamlit as st

    from culturemap.ui import city_cards
    from culturemap.ui.app import warm_up

    write_pack(one_pack.parent / "otherville", city_toml=other_city_toml())
    st.cache_resource.clear()
    assert sorted(warm_up(one_pack.parent)) == ["otherville", "testville"]

    def no_more(city):
        raise AssertionError(f"city_card computed again for {city.config.id}")

    monkeypatch.setattr(city_cards, "city_card", no_more)
    at = open_page(COMPARE, {"compare": "testville,otherville"})
    assert not at.exception and [s.value for s in at.subheader] == ["测试市", "另一市"]


def test_a_pack_without_universities_says_so(make_pack, monkeypatch):
    pack = make_pack(lambda layers: layers.update(universities=[]))
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    at = open_page(LENS, {"lang": "en"})
    assert not at.exception
    assert [i.value for i in at.info] == [tr("lens_no_campus", "en")]
    assert "campus" not in at.query_params
