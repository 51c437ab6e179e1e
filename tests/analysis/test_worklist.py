"""The survey worklist: which assets, in which order, and the files a surveyor takes along (PDF, GPX, CSV)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import gpxpy
import pytest

from culturemap.analysis.worklist import survey_worklist
from culturemap.catalog import load_city
from culturemap.cli import main
from culturemap.export.worklist import worklist_gpx, worklist_pdf
from tests.conftest import REPO, default_layers, write_pack

APPROX = {"sc-west-pagoda", "sc-east-park", "hu-old-bridge", "un-tu-south"}  # un-tu-north and mu-city stay surveyed


def approximate_pack(root, ids=APPROX):
    """testville with the assets ``ids`` placed approximately (the rest surveyed)."""
    layers = default_layers()
    for features in layers.values():
        for feature in features:
            if feature["properties"].get("id") in ids:
                feature["properties"]["coord_accuracy"] = "approx"
    return write_pack(root / "testville", layers)


@pytest.fixture
def city(tmp_path):
    return load_city(approximate_pack(tmp_path))


def test_only_approximate_positions_in_survey_order_national_units_first(city):
    worklist = survey_worklist(city.assets())
    # a national unit, a 4A spot, a university (a landmark), then a 3A spot; mu-city and un-tu-north are surveyed
    assert worklist["id"].tolist() == ["hu-old-bridge", "sc-west-pagoda", "un-tu-south", "sc-east-park"]
    assert worklist["tier"].tolist() == ["national_units", "top_scenic", "landmarks", "other_listed"]
    assert worklist["rank"].tolist() == [1, 2, 3, 4]
    assert (worklist["uncertainty_m"] == 3000.0).all()
    bridge = city.assets().set_index("id").loc["hu-old-bridge"].geometry
    assert (worklist.loc[0, "lon"], worklist.loc[0, "lat"]) == pytest.approx((bridge.x, bridge.y), abs=1e-6)


def test_a_district_keeps_its_own_and_a_confirmed_position_leaves_the_list(city):
    assets = city.assets()
    assert survey_worklist(assets, "西区")["id"].tolist() == ["sc-west-pagoda"]
    assert survey_worklist(assets, "东区")["district"].unique().tolist() == ["东区"]
    confirmed = assets.copy()
    confirmed.loc[confirmed["id"] == "hu-old-bridge", "coord_accuracy"] = "surveyed"
    shorter = survey_worklist(confirmed)
    assert len(shorter) == 3 and "hu-old-bridge" not in shorter["id"].tolist()
    assert shorter["rank"].tolist() == [1, 2, 3]
    everything = confirmed.assign(coord_accuracy="surveyed")
    assert survey_worklist(everything).empty


def test_the_pdf_lists_every_name_under_its_tier_and_the_gpx_has_a_waypoint_each(city, tmp_path):
    worklist = survey_worklist(city.assets())
    for lang, names, tier in (("zh", ["古桥", "西塔", "测试大学", "东园"], "全国重点文物保护单位（"),
                              ("en", ["HU-OLD-BRIDGE", "SC-WEST-PAGODA", "UN-TU-SOUTH", "SC-EAST-PARK"],
                               "National key cultural relics protection units (1)")):  # fmt: skip
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(worklist_pdf(city, worklist, lang))
        text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True).stdout
        flat = re.sub(r"\s+", "", text)  # pdftotext spaces CJK and Latin runs as it likes
        assert re.sub(r"\s+", "", tier) in flat
        positions = [flat.index(n) for n in names]
        assert positions == sorted(positions)  # in survey order
        gpx = gpxpy.parse(worklist_gpx(city, worklist, lang))
        assert [w.comment for w in gpx.waypoints] == worklist["id"].tolist()
        assert gpx.waypoints[0].name.startswith("1. ") and gpx.waypoints[0].latitude == worklist.loc[0, "lat"]


def test_cli_writes_a_filing_named_file_and_refuses_an_unknown_district(tmp_path, capsys):
    pack = approximate_pack(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["worklist", "--city", str(pack), "--district", "East", "--format", "csv", "--lang", "en",
                 "--out", str(out)]) == 0  # fmt: skip
    written = out / f"testville-survey-worklist-east-{date.today().isoformat()}.csv"
    assert capsys.readouterr().out == f"csv: {written} (3 assets to survey · East)\n"
    lines = written.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("rank,tier,layer,id") and len(lines) == 4
    assert main(["worklist", "--city", str(pack), "--district", "北区", "--out", str(out)]) == 2
    assert "unknown district '北区' in Testville; choose from 西区 (West), 东区 (East)" in capsys.readouterr().err


def test_the_bundled_lanzhou_list_starts_with_its_national_units(tmp_path):
    out = tmp_path / "lanzhou.csv"
    proc = subprocess.run([sys.executable, "-m", "culturemap.cli", "worklist", "--city", "lanzhou", "--format", "csv",
                           "--out", out], capture_output=True, text=True, cwd=REPO)  # fmt: skip
    city = load_city(REPO / "geodata" / "lanzhou")
    assets = city.assets()
    national = assets[(assets["layer"] == "heritage_units") & (assets["level"] == "national")
                      & (assets["coord_accuracy"] == "approx")]  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = out.read_text(encoding="utf-8-sig").splitlines()[1:]
    assert len(rows) == len(survey_worklist(assets)) > len(national) > 0
    assert {r.split(",")[3] for r in rows[: len(national)]} == set(national["id"])
