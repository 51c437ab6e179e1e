"""The campus map of the university lens: rings, markers, labels."""

import folium
import pytest

from culturemap.analysis.lens import RINGS_M, campus_reach
from culturemap.catalog import load_city
from culturemap.render.assets import walk
from culturemap.render.campus import RING_COLOURS, campus_map, ring_label


def test_the_campus_map_draws_one_ring_per_distance_and_the_assets_reached(pack):
    city = load_city(pack)
    reach = campus_reach(city, "un-tu-north")
    assets = city.assets()
    fmap = campus_map(city, "un-tu-north", assets[assets["id"].isin(reach["id"])], RINGS_M, "en")
    circles = [e for e in walk(fmap) if isinstance(e, folium.Circle)]
    assert sorted(c.options["radius"] for c in circles) == list(RINGS_M)
    assert {c.options["color"] for c in circles} == set(RING_COLOURS)
    html = fmap.get_root().render()
    for fid in [*reach["id"], "un-tu-north"]:
        assert f'"id": "{fid}"' in html
    assert '"id": "un-tu-south"' not in html  # the other campus is not drawn
    with pytest.raises(ValueError, match="no campus 'un-x'"):
        campus_map(city, "un-x", assets.iloc[:0], RINGS_M)


def test_ring_labels_name_the_travel_mode():
    assert [ring_label(r, "zh") for r in RINGS_M] == ["步行 1 公里", "骑行 3 公里", "驾车 10 公里"]
    assert [ring_label(r, "en") for r in RINGS_M] == ["walk 1 km", "cycle 3 km", "drive 10 km"]
    assert ring_label(2500, "en") == "within 2.5 km"
