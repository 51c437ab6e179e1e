"""Two packs with one id (issue 22): ``cp -r lanzhou dupid1`` keeping ``id = "lanzhou"`` silently took
over ``--city lanzhou`` and ``?city=lanzhou`` (imports landed in the other store). Both are broken now,
with the reason, and nothing opens either of them by that id."""

from __future__ import annotations

import json
import shutil

import pytest

from culturemap.catalog import PackError, scan_packs
from culturemap.store import find_pack
from tests.conftest import run_cli as run
from tests.conftest import write_pack


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A data root holding ``testville`` and ``dupid1``, a copy of it with the same id, and ``other``."""
    root = tmp_path / "geodata"
    write_pack(root / "testville")
    shutil.copytree(root / "testville", root / "dupid1")
    other = write_pack(root / "other") / "city.toml"
    other.write_text(other.read_text(encoding="utf-8").replace('id = "testville"', 'id = "other"'), encoding="utf-8")
    monkeypatch.setenv("CULTUREMAP_DATA", str(root))
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    return root


def test_both_packs_of_one_id_are_broken_with_the_folders_named(root):
    entries = {e.path.name: e for e in scan_packs(root)}
    assert {name: e.key for name, e in entries.items()} == {
        "dupid1": "dupid1",
        "other": "other",
        "testville": "testville",
    }
    assert entries["other"].error is None
    for name, twin in (("dupid1", "testville"), ("testville", "dupid1")):
        entry = entries[name]
        assert entry.config is None and entry.error.code == "pack_duplicate_id"
        assert str(entry.error) == (
            f'{root / name / "city.toml"}: id "testville" is also the id of {root / twin}; '
            "a city id names one pack: give each copy an id of its own"
        )
        assert entry.error.message("zh") == (
            f'{root / name / "city.toml"}：id "testville" 与 {root / twin} 的 id 相同；'
            "一个城市 id 只能对应一个城市包：请给每个副本一个自己的 id"
        )


def test_neither_pack_answers_to_the_id(root):
    for wanted in ("testville", "dupid1"):
        with pytest.raises(PackError) as caught:
            find_pack(wanted)
        assert str(root / "testville") in str(caught.value) and str(root / "dupid1") in str(caught.value)
    assert find_pack("other") == root / "other"


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--city", "testville", "--format", "csv", "--out", "{out}"],
        ["dump", "--city", "testville", "--layer", "museums", "--out", "{out}"],
        ["store", "info", "--city", "testville"],
        ["validate", "--city", "testville"],
        ["validate", "testville"],
        ["import", "{csv}", "--city", "testville", "--layer", "museums", "--dry-run"],
    ],
    ids=["export", "dump", "store", "validate-city", "validate-id", "import"],
)
def test_the_cli_names_both_folders_and_opens_no_store(root, tmp_path, capsys, argv):
    out, csv = tmp_path / "out.csv", tmp_path / "in.csv"
    csv.write_text("名称,类别,经度,纬度\n新馆,comprehensive,103.8,36.06\n", encoding="utf-8")
    assert run([a.format(out=out, csv=csv) for a in argv]) in (1, 2)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and str(root / "testville") in lines[0] and str(root / "dupid1") in lines[0], err
    assert 'id "testville" is also the id of' in lines[0]
    assert not out.exists()
    assert not (tmp_path / "stores").exists()  # no store was opened, let alone written


def test_validate_on_the_data_root_says_which_folders_share_an_id(root, capsys):
    assert run(["validate", root, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f'{root / "dupid1" / "city.toml"}: id "testville" is also the id of {root / "testville"}' in out
    assert f'{root / "testville" / "city.toml"}: id "testville" is also the id of {root / "dupid1"}' in out
    assert "3 pack(s), 2 cannot be loaded, 0 with errors" in out
    assert run(["validate", root, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["path"] == str(root)
    by_folder = {p["folder"]: p for p in report["packs"]}
    assert sorted(by_folder) == ["dupid1", "other", "testville"]
    assert by_folder["other"]["ok"] is True and by_folder["other"]["city"] == "other"
    assert [e["code"] for e in by_folder["dupid1"]["errors"]] == ["pack_duplicate_id"]
    assert by_folder["dupid1"]["errors"][0]["file"] == str(root / "dupid1" / "city.toml")


def test_validate_on_a_root_of_clean_packs_passes(tmp_path, capsys):
    write_pack(tmp_path / "geodata" / "testville")
    assert run(["validate", tmp_path / "geodata", "--lang", "zh"]) == 0
    assert "1 个城市包，0 个无法加载" in capsys.readouterr().out


def test_the_app_lists_both_as_broken_and_a_link_opens_neither(root):
    from tests.ui.test_app import run as run_app

    at = run_app({"city": "testville", "lang": "en"})
    assert not at.exception
    (error,) = at.error
    assert "The city pack testville cannot be loaded" in error.value
    assert f'id "testville" is also the id of {root / "dupid1"}' in error.value
    city = next(s for s in at.sidebar.selectbox if s.label == "城市 / City")
    assert city.options == [
        "dupid1 ⚠ 无法加载 / cannot be loaded",
        "测试市 / Testville",  # the pack "other"
        "testville ⚠ 无法加载 / cannot be loaded",
    ]
