"""A crafted request cannot write (issue 28): a browser may send the server any widget ids and values
(a ``rerun_script`` BackMsg carries ``WidgetStates``). Nobody signed in who sends the editor's Edit panel
ids and values (save the fields, move, retire), and a contributor who sends the editor's "Approve" or
"Undo my last change" trigger, leave the store's rows, versions, history and proposals as they were, and
their page still shows no control they may not use. Each crafted request does write when sent in an
editor's own session: the injection reaches the script, so the refusals are the app's."""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.testing.v1 import AppTest

from culturemap.layers import ASSET_LAYERS
from culturemap.store import store_for_pack
from culturemap.store.accounts import authenticate
from tests.ui.test_edit_panel import (
    CONTRIBUTOR_PW,
    EDITOR_PW,
    data_root,
    edit_expanders,
    map_page,
    pagoda,
    pick,
    sign_in,
)

__all__ = ["data_root"]  # the fixture, imported for the tests here

KEY = "edit_scenic_spots_sc-west-pagoda_v1"  # the Edit panel's widgets of 西塔 at version 1


def send(at: AppTest, crafted: list[WidgetState]) -> AppTest:
    """Rerun ``at`` as a browser would with ``crafted`` added to its page's own widget states (what
    ``AppTest.run`` sends: ``ElementTree.get_widget_states``), replacing any entry of the same id. AppTest
    has no public way to send states its page does not show: ``_run`` is the step ``run`` ends in."""
    ids = {state.id for state in crafted}
    own = [state for state in at._tree.get_widget_states().widgets if state.id not in ids]
    at._run(WidgetStates(widgets=[*own, *crafted]))
    assert not at.exception
    return at


def store_state(pack) -> dict:
    """Everything a write could change: every row with its version and bookkeeping (geometry as WKT),
    the history, the proposals and the store's stamp."""
    store = store_for_pack(pack)
    return {
        "rows": {
            layer: store.read_layer(layer, retired=True, meta=True).to_wkt().to_dict("records")
            for layer in ASSET_LAYERS
        },
        "history": store.history().to_dict("records"),
        "proposals": store.proposals(status=None).to_dict("records"),
        "stamp": store.stamp(),
    }


def editor_requests() -> dict[str, list[WidgetState]]:
    """The requests an editor's browser sends to save a field, move and retire 西塔, with the ids read
    from an editor's page (none of them is sent there)."""
    at = pick(sign_in(map_page(), "wang", EDITOR_PW), "selectbox", "edit_asset", "sc-west-pagoda")
    asset = next(w for w in at.selectbox if w.key.startswith("edit_asset"))
    chosen = WidgetState(id=asset.id, string_value=next(o for o in asset.options if o.endswith("sc-west-pagoda")))

    def button(label: str) -> WidgetState:
        return WidgetState(id=next(b for b in at.button if b.label == label).id, trigger_value=True)

    def text(suffix: str, value: str) -> WidgetState:
        return WidgetState(id=at.text_input(key=f"{KEY}_{suffix}").id, string_value=value)

    def number(suffix: str, value: float) -> WidgetState:
        return WidgetState(id=at.number_input(key=f"{KEY}_{suffix}").id, double_value=value)

    return {
        "fields": [chosen, text("name_en", "Crafted Pagoda"), text("reason", "crafted"), button("Save the fields")],
        "move": [
            chosen,
            number("lon", 105.07),
            number("lat", 36.12),
            text("move_reason", "crafted"),
            button("Move to these coordinates"),
        ],
        "retire": [chosen, text("retire_reason", "crafted: closed"), button("Retire the asset")],
    }


WRITTEN = {  # what each request does in the editor's own session: the history's action, the row's change
    "fields": ("update", lambda row: row["name_en"] == "Crafted Pagoda"),
    "move": ("move", lambda row: (round(row["geometry"].x, 6), round(row["geometry"].y, 6)) == (105.07, 36.12)),
    "retire": ("retire", lambda row: row["retired_reason"] == "crafted: closed"),
}


def west_pagoda(pack) -> dict:
    """西塔's stored row, also when retired."""
    rows = store_for_pack(pack).read_layer("scenic_spots", retired=True, meta=True)
    return rows[rows["id"] == "sc-west-pagoda"].iloc[0].to_dict()


@pytest.mark.parametrize("action", ["fields", "move", "retire"])
def test_a_viewer_sending_the_editors_edit_request_writes_nothing(data_root, action):
    pack = data_root / "testville"
    crafted = editor_requests()[action]
    viewer = map_page()
    before = store_state(pack)
    viewer = send(viewer, crafted)
    assert store_state(pack) == before  # rows, versions, history, no proposal, same stamp
    assert edit_expanders(viewer) == [] and not viewer.success and not viewer.error
    shown = {w.id for kind in ("button", "text_input", "number_input", "selectbox") for w in getattr(viewer, kind)}
    assert not shown & {state.id for state in crafted}
    # the same request in an editor's session writes: the crafted states reach the script
    editor = send(sign_in(map_page(), "wang", EDITOR_PW), crafted)
    done, changed = WRITTEN[action]
    row = west_pagoda(pack)
    assert changed(row) and (row["version"], row["updated_by"]) == (2, "wang")
    assert store_for_pack(pack).history()[["action", "user"]].values.tolist() == [[done, "wang"]]
    assert [s.value for s in editor.success if "saved as version 2" in s.value]


def test_a_contributor_or_viewer_sending_the_editors_approve_and_undo_changes_nothing(data_root):
    pack = data_root / "testville"
    store = store_for_pack(pack)
    wang, zhao = authenticate("wang", EDITOR_PW), authenticate("zhao", CONTRIBUTOR_PW)
    store.update_asset("scenic_spots", "sc-east-park", {"note": "checked by wang"}, 1, wang)  # what undo takes back
    number = store.update_asset("scenic_spots", "sc-west-pagoda", {"opening_hours": "09:00-17:00"}, 1, zhao).proposal
    at = sign_in(map_page(), "wang", EDITOR_PW)
    comment = at.text_input(key=f"edit_review_comment_{number}").id
    approve = [
        WidgetState(id=comment, string_value="crafted approval"),
        WidgetState(id=at.button(key=f"edit_approve_{number}").id, trigger_value=True),
    ]
    undo = [WidgetState(id=at.button(key="edit_undo").id, trigger_value=True)]
    before = store_state(pack)
    for session in (sign_in(map_page(), "zhao", CONTRIBUTOR_PW), map_page()):
        for crafted in (approve, undo):
            session = send(session, crafted)
            assert store_state(pack) == before
            assert not session.success and not session.error
            assert not [b for b in session.button if b.label in ("Approve", "Reject", "Undo my last change")]
    assert store.proposals()[["proposal", "status"]].values.tolist() == [[number, "pending"]]
    # the same requests in the editor's session approve and undo
    editor = send(sign_in(map_page(), "wang", EDITOR_PW), approve)
    assert [s.value for s in editor.success] == [f"proposal \\#{number} approved"]
    assert store.proposals(status=None)[["status", "reviewer", "comment"]].values.tolist() == [
        ["approved", "wang", "crafted approval"]
    ]
    assert pagoda(pack)["opening_hours"] == "09:00-17:00"
    send(editor, undo)
    assert store.history(id="sc-east-park")["action"].tolist() == ["update", "undo"]
