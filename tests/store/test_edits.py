"""Row-by-row edits on both backends (issue 28): versions, history, retire/restore, undo, conflicts,
roles and proposals, imports on top."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pyogrio
import pytest
import shapely

from culturemap.crs import to_wgs84
from culturemap.store import StoreError, store_for_pack
from culturemap.store.errors import StaleVersion
from culturemap.store.roles import Actor, PermissionDenied
from tests.store.test_store import new_spot, scenic_rows

WANG = Actor("wang", "editor")
LI = Actor("li", "editor")
ZHAO = Actor("zhao", "contributor")
VIEWER = Actor("guest", "viewer")


def row(store, id: str, layer: str = "scenic_spots", retired: bool = True) -> dict:
    """The stored row ``id`` with its version and bookkeeping, as a plain dict (geometry as WKB hex)."""
    frame = store.read_layer(layer, retired=retired, meta=True).set_index("id")
    found = {k: None if isinstance(v, float) and v != v else v for k, v in frame.loc[id].to_dict().items()}
    found["geometry"] = shapely.to_wkb(found["geometry"], hex=True)
    return found


def test_an_update_writes_the_next_version_and_one_history_entry(store):
    stamp = store.stamp()
    result = store.update_asset("scenic_spots", "sc-west-pagoda", {"name_en": "West Pagoda", "themes": "heritage,night"},
                                1, WANG, "name from the plaque")  # fmt: skip
    assert (result.version, result.action, result.proposal) == (2, "update", None)
    assert result.stamp == store.stamp() != stamp
    stored = row(store, "sc-west-pagoda")
    assert (stored["name_en"], stored["themes"], stored["version"], stored["updated_by"]) == (
        "West Pagoda", ["heritage", "night"], 2, "wang")  # fmt: skip
    assert row(store, "sc-east-park")["version"] == 1
    history = store.history(id="sc-west-pagoda")
    assert history[["layer", "version", "action", "user", "reason"]].values.tolist() == [
        ["scenic_spots", 2, "update", "wang", "name from the plaque"]
    ]
    before, after = json.loads(history.loc[0, "before"]), json.loads(history.loc[0, "after"])
    assert (before["props"]["name_en"], after["props"]["name_en"]) == ("SC-WEST-PAGODA", "West Pagoda")
    assert history.loc[0, "city"] == "testville"


def test_a_move_converts_the_datum_and_says_what_placed_it(store):
    lon, lat = 103.8412, 36.0614  # GCJ-02, as a Chinese map app shows it
    result = store.move_asset("scenic_spots", "sc-east-park", lon, lat, "surveyed", 1, WANG, "on site", datum="gcj02")
    assert result.version == 2
    moved = store.read_layer("scenic_spots").set_index("id").loc["sc-east-park"]
    x, y = to_wgs84(lon, lat, "gcj02")
    assert (moved.geometry.x, moved.geometry.y) == pytest.approx((float(x), float(y)), abs=1e-9)
    assert 0.001 < abs(moved.geometry.x - lon) < 0.01  # GCJ-02 is a few hundred metres off WGS-84 here
    assert moved["coord_accuracy"] == "surveyed"
    assert store.history(action="move")["id"].tolist() == ["sc-east-park"]
    with pytest.raises(StoreError, match="districts is not a point layer"):
        store.move_asset("districts", "1", lon, lat, None, 1, WANG)


def test_retire_hides_a_row_with_its_reason_and_restore_brings_it_back(store):
    with pytest.raises(StoreError, match="needs a reason"):
        store.retire_asset("scenic_spots", "sc-west-pagoda", 1, WANG, "  ")
    store.retire_asset("scenic_spots", "sc-west-pagoda", 1, WANG, "demolished 2026")
    assert store.read_layer("scenic_spots")["id"].tolist() == ["sc-east-park"]
    counts = store.layer_counts()  # `culturemap store info`: rows in use, and the retired ones apart
    assert (counts["scenic_spots"], counts["retired:scenic_spots"], counts.get("retired:museums")) == (1, 1, None)
    assert store.load_city().layers["scenic_spots"]["id"].tolist() == ["sc-east-park"]
    assert row(store, "sc-west-pagoda")["retired_reason"] == "demolished 2026"
    with pytest.raises(StoreError, match="already retired"):
        store.retire_asset("scenic_spots", "sc-west-pagoda", 2, WANG, "again")
    store.restore_asset("scenic_spots", "sc-west-pagoda", 2, WANG, "rebuilt")
    assert store.read_layer("scenic_spots")["id"].tolist() == ["sc-west-pagoda", "sc-east-park"]
    assert store.layer_counts()["scenic_spots"] == 2 and "retired:scenic_spots" not in store.layer_counts()
    assert store.history()["action"].tolist() == ["retire", "restore"]
    assert row(store, "sc-west-pagoda")["version"] == 3


def test_undo_restores_exactly_the_previous_row_one_change_at_a_time(store):
    original = row(store, "sc-west-pagoda")
    store.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "5A", "note": "评定 2026"}, 1, WANG)
    after_update = row(store, "sc-west-pagoda")
    store.move_asset("scenic_spots", "sc-west-pagoda", 103.9, 36.1, "address", 2, WANG)
    store.update_asset("scenic_spots", "sc-east-park", {"grade": "2A"}, 1, LI)  # li's: not wang's to undo
    assert store.undo_last(WANG).version == 4
    back = row(store, "sc-west-pagoda")
    assert {k: v for k, v in back.items() if k not in ("version", "updated_at")} == {
        **{k: v for k, v in after_update.items() if k not in ("version", "updated_at")}
    }
    store.undo_last(WANG)
    back = row(store, "sc-west-pagoda")
    skip = ("version", "updated_at", "updated_by")
    assert {k: v for k, v in back.items() if k not in skip} == {k: v for k, v in original.items() if k not in skip}
    assert back["version"] == 5
    assert row(store, "sc-east-park")["grade"] == "2A"
    assert store.history(user="wang")["action"].tolist() == ["update", "move", "undo", "undo"]
    with pytest.raises(StoreError, match="wang has no change to undo"):
        store.undo_last(WANG)


def test_an_added_row_gets_an_id_and_its_undo_retires_it(store):
    props = {
        "name_zh": "新景点",
        "grade": "3A",
        "district": "西区",
        "source": "survey 2026",
        "coord_accuracy": "surveyed",
    }
    result = store.add_asset("scenic_spots", props, WANG, lon=103.85, lat=36.05, reason="new listing")
    assert result.id.startswith("scenic_spots-") and result.version == 1
    assert store.read_layer("scenic_spots")["id"].tolist()[-1] == result.id
    with pytest.raises(StoreError, match="already has a row sc-east-park"):
        store.add_asset("scenic_spots", {**props, "id": "sc-east-park"}, WANG, lon=103.85, lat=36.05)
    store.undo_last(WANG)
    assert result.id not in store.read_layer("scenic_spots")["id"].tolist()
    assert row(store, result.id)["retired_reason"] == "undo: add"


def test_a_bad_value_is_refused_like_an_import_row_and_nothing_changes(store):
    stamp = store.stamp()
    with pytest.raises(StoreError) as caught:
        store.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "9A"}, 1, WANG)
    assert caught.value.field == "grade"
    with pytest.raises(StoreError, match="has no field height"):
        store.update_asset("scenic_spots", "sc-west-pagoda", {"height": "9"}, 1, WANG)
    with pytest.raises(StoreError, match="key field id cannot change"):
        store.update_asset("scenic_spots", "sc-west-pagoda", {"id": "sc-other"}, 1, WANG)
    with pytest.raises(StoreError, match="has no row sc-none"):
        store.update_asset("scenic_spots", "sc-none", {"grade": "4A"}, 1, WANG)
    with pytest.raises(StoreError) as caught:
        store.move_asset("scenic_spots", "sc-west-pagoda", 103.8, 36.0, "guessed", 1, WANG)
    assert caught.value.field == "coord_accuracy"
    assert row(store, "sc-west-pagoda")["version"] == 1
    assert store.history().empty and store.stamp() == stamp


def test_a_second_session_saving_an_old_version_is_refused_naming_who_changed_it(store, pack):
    other = store_for_pack(pack)  # another app session: its own store object and connection
    store.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "5A"}, 1, WANG)
    with pytest.raises(StaleVersion) as caught:
        other.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "3A"}, 1, LI)
    at = row(store, "sc-west-pagoda")["updated_at"]
    assert str(caught.value) == (
        f"scenic_spots sc-west-pagoda: changed by wang at {at} (version 2, this edit was made on version 1): reload"
    )
    assert caught.value.message("zh").startswith(f"scenic_spots sc-west-pagoda：已被 wang 于 {at} 修改")
    assert row(store, "sc-west-pagoda")["grade"] == "5A"


def _edit_in_a_process(pack: str, user: str, grade: str, barrier, results) -> None:
    store = store_for_pack(Path(pack))
    barrier.wait()
    try:
        store.update_asset("scenic_spots", "sc-east-park", {"grade": grade}, 1, Actor(user, "editor"))
        results.put((user, "saved"))
    except StaleVersion as exc:
        results.put((user, str(exc)))


def test_two_processes_editing_one_row_at_once_one_saves_the_other_is_refused(store, pack):
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    workers = [spawn.Process(target=_edit_in_a_process, args=(str(pack), user, grade, barrier, results))
               for user, grade in (("wang", "5A"), ("li", "2A"))]  # fmt: skip
    for worker in workers:
        worker.start()
    outcome = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    saved = [user for user, said in outcome.items() if said == "saved"]
    assert len(saved) == 1, outcome
    refused = next(user for user in outcome if user not in saved)
    assert f"changed by {saved[0]} at" in outcome[refused] and outcome[refused].endswith("reload")
    assert row(store, "sc-east-park")["grade"] == {"wang": "5A", "li": "2A"}[saved[0]]
    assert store.history()["user"].tolist() == saved


def test_a_viewer_is_refused_every_write_and_a_contributor_files_proposals(store):
    writes = [
        lambda a: store.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "5A"}, 1, a),
        lambda a: store.move_asset("scenic_spots", "sc-west-pagoda", 103.8, 36.0, None, 1, a),
        lambda a: store.retire_asset("scenic_spots", "sc-west-pagoda", 1, a, "closed"),
        lambda a: store.restore_asset("scenic_spots", "sc-west-pagoda", 1, a),
        lambda a: store.add_asset("scenic_spots", {"name_zh": "x"}, a, lon=103.8, lat=36.0),
        lambda a: store.undo_last(a),
        lambda a: store.review(1, True, "", a),
        lambda a: store.write("scenic_spots", scenic_rows(new_spot("sc-new")), actor=a),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied, match=r"user guest \(viewer\) may not"):
            write(VIEWER)
    for write in writes[5:]:
        with pytest.raises(PermissionDenied, match=r"user zhao \(contributor\)"):
            write(ZHAO)
    proposal = store.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "5A"}, 1, ZHAO, "upgraded 2026")
    first = proposal.proposal  # numbered by the store (a database's numbers run on across resets)
    assert proposal.version == 0 and first >= 1
    assert row(store, "sc-west-pagoda")["grade"] == "4A" and store.history().empty
    retire = store.retire_asset("scenic_spots", "sc-east-park", 1, ZHAO, "closed for good")
    pending = store.proposals()
    assert pending[["proposal", "id", "action", "user", "status"]].values.tolist() == [
        [first, "sc-west-pagoda", "update", "zhao", "pending"],
        [first + 1, "sc-east-park", "retire", "zhao", "pending"]]  # fmt: skip
    with pytest.raises(StoreError, match="needs a comment"):
        store.review(retire.proposal, False, "", WANG)
    store.review(retire.proposal, False, "still open, checked today", WANG)
    approved = store.review(proposal.proposal, True, "matches the 2026 list", WANG)
    assert (approved.version, approved.proposal) == (2, first)
    stored = row(store, "sc-west-pagoda")
    assert (stored["grade"], stored["updated_by"]) == ("5A", "zhao")
    assert store.history()["reason"].tolist() == [f"upgraded 2026 (#{first} approved by wang: matches the 2026 list)"]
    done = store.proposals(status=None)
    assert done[["status", "reviewer", "comment"]].values.tolist() == [
        ["approved", "wang", "matches the 2026 list"], ["rejected", "wang", "still open, checked today"]]  # fmt: skip
    assert store.proposals().empty
    with pytest.raises(StoreError, match=f"no pending proposal #{first + 1}"):
        store.review(first + 1, True, "", WANG)


def test_an_approval_of_a_proposal_made_on_an_old_version_is_refused_as_stale(store):
    proposal = store.update_asset("scenic_spots", "sc-east-park", {"grade": "5A"}, 1, ZHAO)
    store.update_asset("scenic_spots", "sc-east-park", {"grade": "2A"}, 1, LI)
    with pytest.raises(StaleVersion, match="changed by li at"):
        store.review(proposal.proposal, True, "", WANG)
    assert store.proposals()["proposal"].tolist() == [proposal.proposal]


def test_an_import_on_top_versions_only_the_rows_it_changes(store):
    store.update_asset("scenic_spots", "sc-west-pagoda", {"note": "checked"}, 1, WANG)
    rows = scenic_rows(new_spot("sc-east-park", "东园（新）"), new_spot("sc-added"))
    store.write("scenic_spots", rows, actor=LI)
    assert {i: row(store, i)["version"] for i in ("sc-west-pagoda", "sc-east-park", "sc-added")} == {
        "sc-west-pagoda": 2, "sc-east-park": 2, "sc-added": 1}  # fmt: skip
    assert row(store, "sc-west-pagoda")["note"] == "checked"
    imports = store.history(action="import")
    assert imports[["id", "version", "user"]].values.tolist() == [["sc-east-park", 2, "li"], ["sc-added", 1, "li"]]
    assert imports["before"].isna().tolist() == [False, True]
    store.write("scenic_spots", rows)  # the same rows again: nothing changes
    assert len(store.history(action="import")) == 2 and row(store, "sc-added")["version"] == 1
    with pytest.raises(StaleVersion):  # an import counts as a change an open edit must see
        store.update_asset("scenic_spots", "sc-east-park", {"grade": "5A"}, 1, WANG)


def test_an_import_deleting_a_row_retires_it_and_importing_it_again_brings_it_back(store):
    result = store.write("scenic_spots", scenic_rows(new_spot("sc-added")), delete_ids=["sc-west-pagoda"], actor=LI)
    assert result.deleted == 1
    assert store.read_layer("scenic_spots")["id"].tolist() == ["sc-east-park", "sc-added"]
    kept = row(store, "sc-west-pagoda")
    assert (kept["retired_reason"], kept["version"], kept["updated_by"], kept["grade"]) == (
        "deleted by import", 2, "li", "4A")  # fmt: skip
    entry = store.history(id="sc-west-pagoda").iloc[0]
    assert (entry["action"], json.loads(entry["after"])["retired_reason"]) == ("import", "deleted by import")
    store.write("scenic_spots", scenic_rows(new_spot("sc-west-pagoda", "白塔（重建）")))
    back = row(store, "sc-west-pagoda")
    assert (back["retired_reason"], back["version"], back["name_zh"]) == (None, 3, "白塔（重建）")
    assert "sc-west-pagoda" in store.read_layer("scenic_spots")["id"].tolist()


@pytest.fixture
def gpkg_store(pack: Path, monkeypatch, tmp_path):
    """The GeoPackage store of the synthetic pack, freshly seeded (no database in the environment)."""
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    seeded = store_for_pack(pack)
    seeded.reset()
    assert seeded.backend == "GeoPackage"
    return seeded


def test_a_geopackage_edit_changes_the_file_in_place(gpkg_store):
    store = gpkg_store
    path = Path(store.location)
    inode = path.stat().st_ino
    store.update_asset("scenic_spots", "sc-west-pagoda", {"grade": "5A"}, 1, WANG)
    store.move_asset("scenic_spots", "sc-west-pagoda", 103.81, 36.07, "surveyed", 2, WANG)
    assert path.stat().st_ino == inode  # not a copy renamed onto it
    assert not list(path.parent.glob("*.tmp.gpkg*"))
    bbox = (103.80, 36.06, 103.82, 36.08)  # the R-tree index followed the move
    assert pyogrio.read_dataframe(path, layer="scenic_spots", bbox=bbox)["id"].tolist() == ["sc-west-pagoda"]
