"""``culturemap import``: the per-row report, exit codes, and nothing stored on a bad row unless --skip-bad."""

from __future__ import annotations

import hashlib

import pytest

from culturemap.cli import main
from culturemap.store import store_for_pack
from tests.conftest import utm_to_lonlat, write_pack
from tests.io.conftest import spot, write_csv


@pytest.fixture
def city_pack(tmp_path, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    (tmp_path / "store").mkdir()
    return write_pack(tmp_path / "packs" / "testville")


def run(*argv) -> int:
    try:
        return main([str(a) for a in argv])
    except SystemExit as exc:
        return exc.code


def digest(pack) -> str:
    return hashlib.sha256(open(store_for_pack(pack).location, "rb").read()).hexdigest()


GOOD = [spot("新塔", 506_000, 3_996_500), spot("月湖", 507_000, 3_992_000, 等级="AAA")]
BAD = [*GOOD, spot("坏等级", 506_500, 3_996_500, 等级="6B")]


def test_clean_file_is_stored(city_pack, tmp_path, capsys):
    assert run("import", write_csv(tmp_path / "good.csv", GOOD), "--city", city_pack, "--layer", "scenic_spots",
               "--lang", "en") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "2 rows: 2 accepted" in out and "Stored in scenic_spots: 2 added, 0 updated" in out
    stored = store_for_pack(city_pack).load_city().layers["scenic_spots"]
    assert {"新塔", "月湖"} <= set(stored["name_zh"])
    assert set(stored.loc[stored["name_zh"] == "新塔", "source"]) == {"good.csv, row 2"}


def test_a_rejected_row_stores_nothing_and_exits_1(city_pack, tmp_path, capsys):
    before = digest(city_pack)
    path = write_csv(tmp_path / "bad.csv", BAD)
    assert run("import", path, "--city", city_pack, "--layer", "scenic_spots", "--lang", "en") == 1
    captured = capsys.readouterr()
    assert "row 4 [rejected]: field grade is '6B'" in captured.out
    assert "1 row not accepted: nothing stored" in captured.err
    assert digest(city_pack) == before
    assert run("import", path, "--city", city_pack, "--layer", "scenic_spots", "--skip-bad") == 0
    assert len(store_for_pack(city_pack).read_layer("scenic_spots")) == 4  # 2 stored + 2 new


def test_dry_run_stores_nothing(city_pack, tmp_path, capsys):
    before = digest(city_pack)
    assert run("import", write_csv(tmp_path / "good.csv", GOOD), "--city", city_pack, "--layer", "scenic_spots",
               "--dry-run", "--lang", "zh") == 0  # fmt: skip
    assert "试运行：未写入任何数据" in capsys.readouterr().out
    assert digest(city_pack) == before


def test_duplicates_update_the_stored_asset(city_pack, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [spot("西塔", 505_050, 3_996_000, 等级="5A")])
    assert run("import", path, "--city", city_pack, "--layer", "scenic_spots", "--on-duplicate", "update") == 0
    stored = store_for_pack(city_pack).read_layer("scenic_spots").set_index("id")
    assert stored.loc["sc-west-pagoda", "grade"] == "5A" and len(stored) == 2


def test_unreadable_file_and_bad_options(city_pack, tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run("import", empty, "--city", city_pack, "--layer", "scenic_spots", "--lang", "en") == 2
    assert capsys.readouterr().err.strip() == "error: empty.csv is empty"
    assert run("import", empty, "--city", city_pack, "--layer", "scenic_spots", "--crs", "mars") == 2
    assert "expected wgs84, gcj02, bd09 or EPSG:<code>" in capsys.readouterr().err
    assert run("import", empty, "--city", city_pack) == 2
    assert "--layer is required" in capsys.readouterr().err


def test_point_dataset(city_pack, tmp_path, capsys):
    rows = ["lng,lat,user"] + [",".join(map(str, (*utm_to_lonlat(505_000 + i, 3_995_000), i))) for i in range(50)]
    path = tmp_path / "checkins.csv"
    path.write_text("\n".join([*rows, "x,y,bad", ",,"]), encoding="utf-8")
    assert run("import", path, "--city", city_pack, "--points", "checkins", "--lang", "en") == 0
    assert "Point dataset checkins: 50 points stored, 2 rows dropped" in capsys.readouterr().out
    store = store_for_pack(city_pack)
    assert store.point_datasets() == ["checkins"]
    stored = store.read_points("checkins")
    assert len(stored) == 50 and sorted(stored["user"].astype(int)) == list(range(50))
