"""What the Map page's map draws for a signed-in user (issue 28, AppTest): the drag handle of the asset chosen
in the Edit panel (an editor's or contributor's, never a viewer's), and a contributor's own proposals waiting
for review, drawn where they would put the asset and shown to their author only."""

from __future__ import annotations

import json

from culturemap.store import store_for_pack
from culturemap.store.accounts import add_user, authenticate
from culturemap.store.roles import Actor
from tests.ui.test_edit_panel import CONTRIBUTOR_PW, EDITOR_PW, data_root, map_page, pick, sign_in, sign_out

__all__ = ["data_root"]  # the fixture, imported for the tests here

OTHER_PW = "another contributor"


def map_layer(at) -> str:
    """The script of the layers over the Map page's map (the component's ``feature_group``)."""
    (found,) = [json.loads(c.proto.json_args) for c in at.get("component_instance")
                if "feature_group" in json.loads(c.proto.json_args)]  # fmt: skip
    return found["feature_group"]


def test_the_chosen_assets_drag_handle_is_drawn_for_an_editor_only(data_root):
    at = map_page()
    assert "Drag to move" not in map_layer(at) and '"draggable": true' not in map_layer(at)
    at = sign_in(at, "wang", EDITOR_PW)
    assert "Drag to move" not in map_layer(at)  # no asset chosen yet
    at = pick(at, "selectbox", "edit_asset", "sc-west-pagoda")
    layer = map_layer(at)
    assert layer.count('"draggable": true') == 1 and "Drag to move: SC-WEST-PAGODA" in layer
    row = store_for_pack(data_root / "testville").read_layer("scenic_spots").set_index("id").loc["sc-west-pagoda"]
    assert f"[{round(row.geometry.y, 7)}, {round(row.geometry.x, 7)}]" in layer  # on the stored position (WGS-84 map)
    at = pick(at, "selectbox", "edit_asset", "sc-east-park")
    assert "Drag to move: SC-EAST-PARK" in map_layer(at) and "SC-WEST-PAGODA" not in map_layer(at).split("Drag")[-1]
    assert "Drag to move" not in map_layer(sign_out(at))


def test_a_contributors_pending_move_is_drawn_for_that_contributor_only(data_root):
    pack = data_root / "testville"
    add_user("li", "contributor", OTHER_PW, authenticate("zhang", "lanzhou-admin-2026"))
    store = store_for_pack(pack)
    result = store.move_asset(
        "scenic_spots", "sc-west-pagoda", 105.07, 36.12, "surveyed", 1, Actor("zhao", "contributor")
    )
    assert result.proposal == 1
    at = sign_in(map_page(), "zhao", CONTRIBUTOR_PW)
    layer = map_layer(at)
    assert "#1 pending review: moved SC-WEST-PAGODA" in layer
    assert "[36.12, 105.07]" in layer  # where the proposal puts it, joined to where it stands
    stored = store.read_layer("scenic_spots").set_index("id").loc["sc-west-pagoda"].geometry
    assert f"[[{round(stored.y, 7)}, {round(stored.x, 7)}], [36.12, 105.07]]" in layer
    captions = [c.value for c in at.caption if "waiting for review" in c.value]
    assert captions and captions[0].startswith("The orange dashed squares on the map are your 1 change waiting")
    other = sign_in(sign_out(at), "li", OTHER_PW)  # another contributor's map and page
    assert "pending review" not in map_layer(other)
    assert not [c for c in other.caption if "waiting for review" in c.value]
    at = sign_in(sign_out(at), "wang", EDITOR_PW)
    assert "pending review" not in map_layer(at)
    assert "pending review" not in map_layer(sign_out(at))  # a viewer's
    zh = map_page("zh")
    zh.sidebar.text_input(key="account_name").set_value("zhao")
    zh.sidebar.text_input(key="account_password").set_value(CONTRIBUTOR_PW)
    next(b for b in zh.sidebar.button if b.label == "登录").click()
    zh.run()
    assert "#1 待审核：" in map_layer(zh) and "西塔" in map_layer(zh)
    store.review(1, False, "the survey says otherwise", Actor("wang", "editor"))
    assert "待审核" not in map_layer(zh.run())  # rejected: no longer pending
