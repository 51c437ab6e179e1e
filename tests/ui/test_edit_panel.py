"""Correcting the map in the app (issue 28, AppTest on a GeoPackage store): a viewer gets no edit control,
an editor signs in from the sidebar, changes a field, moves an asset in GCJ-02, sees the history and undoes;
a contributor's change waits for an editor's approval; a wrong password is refused without saying which part."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.crs import from_wgs84
from culturemap.store import store_for_pack
from culturemap.store.accounts import authenticate
from tests.conftest import TEAM, add_team, write_pack
from tests.ui.test_app import APP

EDITOR_PW = TEAM["wang"][1]
CONTRIBUTOR_PW = TEAM["zhao"][1]


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    """The test pack with a GeoPackage store and the team's accounts of this test's own."""
    write_pack(tmp_path / "testville")
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    (tmp_path / "store").mkdir()
    add_team()
    return tmp_path


def map_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.sidebar.text_input(key="account_name").set_value(name)
    at.sidebar.text_input(key="account_password").set_value(password)
    next(b for b in at.sidebar.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception
    return at


def sign_out(at: AppTest) -> AppTest:
    at.sidebar.button(key="account_sign_out").click()
    return at.run()


def edit_expanders(at: AppTest) -> list[str]:
    return [e.label for e in at.expander if e.label.startswith("Edit assets")]


def pick(at: AppTest, kind: str, prefix: str, value):
    (widget,) = [w for w in getattr(at, kind) if w.key and w.key.startswith(prefix)]
    widget.set_value(value)
    at.run()
    assert not at.exception
    return at


def field(at: AppTest, suffix: str):
    (widget,) = [w for w in at.text_input if w.key and w.key.startswith("edit_scenic_spots_sc-west-pagoda_v")
                 and w.key.endswith(suffix)]  # fmt: skip
    return widget


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception
    return at


def texts(elements) -> list[str]:
    """The texts of ``elements`` as a reader sees them (the page escapes Markdown in what it shows)."""
    return [e.value.replace("\\", "") for e in elements]


def pagoda(pack) -> dict:
    rows = store_for_pack(pack).read_layer("scenic_spots", meta=True)
    return rows[rows["id"] == "sc-west-pagoda"].iloc[0].to_dict()


def test_a_viewer_sees_no_edit_control_and_a_wrong_password_is_refused(data_root):
    at = map_page()
    assert edit_expanders(at) == []
    at = sign_in(at, "wang", "not the password")
    assert texts(at.sidebar.error) == ["sign-in of wang failed: wrong account name or password"]
    assert edit_expanders(at) == []


def test_an_editor_changes_a_field_moves_in_gcj02_sees_the_history_and_undoes(data_root):
    pack = data_root / "testville"
    original = pagoda(pack)
    at = sign_in(map_page(), "wang", EDITOR_PW)
    assert [c.value for c in at.sidebar.caption if c.value.startswith("Signed in")] == ["Signed in: wang (editor)"]
    assert edit_expanders(at) == ["Edit assets (editor)"]
    at = pick(at, "selectbox", "edit_asset", "sc-west-pagoda")
    field(at, "_name_en").set_value("West Pagoda of Testville")
    at = submit(at, "Save the fields")
    assert texts(at.success) == ["A-class scenic spots sc-west-pagoda: saved as version 2 (change an asset's fields)"]
    assert pagoda(pack)["name_en"] == "West Pagoda of Testville" and pagoda(pack)["updated_by"] == "wang"
    # the position typed as a phone map app gives it (GCJ-02) is stored in WGS-84
    target_lon, target_lat = 105.0600, 36.1100
    gcj_lon, gcj_lat = from_wgs84([target_lon], [target_lat], "gcj02")
    number = [w for w in at.number_input if w.key.startswith("edit_scenic_spots_sc-west-pagoda_v2")]
    number[0].set_value(round(float(gcj_lon[0]), 6))
    number[1].set_value(round(float(gcj_lat[0]), 6))
    # a form sends its inputs on submit: set them all, then press the button (no run in between)
    at.radio(key="edit_scenic_spots_sc-west-pagoda_v2_datum").set_value("gcj02")
    at.selectbox(key="edit_scenic_spots_sc-west-pagoda_v2_accuracy").set_value("surveyed")
    at = submit(at, "Move to these coordinates")
    row = pagoda(pack)
    assert row["version"] == 3 and row["coord_accuracy"] == "surveyed"
    assert (row["geometry"].x, row["geometry"].y) == pytest.approx((target_lon, target_lat), abs=2e-6)
    history = next(d.value for d in at.dataframe if "What changed (before → after)" in d.value.columns)
    assert history["Action"].tolist() == ["moved", "fields changed"]  # newest first
    assert history["What changed (before → after)"].iloc[1] == "name_en: SC-WEST-PAGODA → West Pagoda of Testville"
    at = submit(at, "Undo my last change")
    row = pagoda(pack)  # the move taken back: the position (and accuracy) of version 2, the name kept
    assert row["version"] == 4 and row["coord_accuracy"] == original["coord_accuracy"]
    assert row["name_en"] == "West Pagoda of Testville"
    assert row["geometry"].equals_exact(original["geometry"], 1e-9)
    assert texts(at.success) == ["undid the last change of A-class scenic spots sc-west-pagoda (moved): now version 4"]


def test_a_contributor_proposes_and_an_editor_approves(data_root):
    pack = data_root / "testville"
    at = sign_in(map_page(), "zhao", CONTRIBUTOR_PW)
    assert edit_expanders(at) == ["Edit assets (contributor)"]
    assert not [b for b in at.button if b.label == "Undo my last change"]  # undo and review are an editor's
    at = pick(at, "selectbox", "edit_asset", "sc-west-pagoda")
    field(at, "_opening_hours").set_value("09:00-17:00")
    at = submit(at, "Save the fields")
    assert texts(at.success) == [
        "A-class scenic spots sc-west-pagoda: filed as proposal #1, waiting for an editor's review"
    ]
    assert pagoda(pack)["version"] == 1  # nothing changed yet
    mine = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert mine[["Proposal", "ID", "Action", "Status"]].values.tolist() == [
        ["#1", "sc-west-pagoda", "fields changed", "waiting for review"]
    ]
    at = sign_in(sign_out(at), "wang", EDITOR_PW)
    assert "Proposals to review (1)" in [m.value.strip("*") for m in at.markdown]
    # said outside the folded panel too; and the editor starts afresh, not on the contributor's asset
    assert [c.value for c in at.caption if c.value.startswith("Waiting for your review")] == [
        "Waiting for your review: 1 change (the review list is at the foot of the Edit assets panel below)."
    ]
    assert [w.value for w in at.selectbox if (w.key or "").startswith("edit_asset")] == ["__new__"]
    at = submit(at, "Approve")
    assert texts(at.success) == ["proposal #1 approved"]
    assert not [c for c in at.caption if c.value.startswith("Waiting for your review")]
    row = pagoda(pack)
    assert row["version"] == 2 and row["opening_hours"] == "09:00-17:00" and row["updated_by"] == "zhao"


def test_the_change_log_filters_by_user_and_action_and_downloads_csv(data_root, served):
    pack = data_root / "testville"
    store = store_for_pack(pack)
    wang, zhao = authenticate("wang", EDITOR_PW), authenticate("zhao", CONTRIBUTOR_PW)
    store.update_asset("scenic_spots", "sc-west-pagoda", {"opening_hours": "08:00-18:00"}, 1, wang, "posted hours")
    store.move_asset("museums", "mu-city", 105.06, 36.11, "surveyed", 1, wang, "on site")
    number = store.update_asset("scenic_spots", "sc-east-park", {"grade": "4A"}, 1, zhao).proposal
    store.review(number, True, "matches the 2026 list", wang)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at = at.switch_page("src/culturemap/ui/pages/data.py").run()
    assert not at.exception
    assert [e.label for e in at.expander if e.label.startswith("Change log")] == ["Change log (3 changes)"]
    at.multiselect(key="audit_actions").set_value(["move"]).run()
    log = next(d.value for d in at.dataframe if "What changed (before → after)" in d.value.columns)
    assert log[["User", "Action", "ID", "Reason"]].values.tolist() == [["wang", "moved", "mu-city", "on site"]]
    at.multiselect(key="audit_actions").set_value([]).run()
    at.multiselect(key="audit_users").set_value(["zhao"]).run()
    log = next(d.value for d in at.dataframe if "What changed (before → after)" in d.value.columns)
    assert log[["User", "ID", "What changed (before → after)"]].values.tolist() == [
        ["zhao", "sc-east-park", "grade: 3A → 4A"]
    ]
    (button,) = [b for b in at.get("download_button") if b.key == "audit_download"]
    rows = served(button).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("city,layer,id,version,action,before,after,user,time,reason") and len(rows) == 2
