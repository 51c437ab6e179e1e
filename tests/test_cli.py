"""The command line on bad input: one ``error:`` line naming the option, exit 2, no traceback,
no file written; and ``--out`` writes only where it safely can."""

import json
import os
import socket
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import run_cli as run


def command(name: str, pack: Path, out: Path, extra: list[str]) -> list:
    """A valid command line for ``name`` on ``pack`` writing ``out``, with ``extra`` options appended."""
    if name == "density":
        return ["density", "--city", pack, "--format", "geojson", "--out", out, *extra]
    if name == "route":
        stops = [] if "--stops" in extra else ["--stops", "sc-west-pagoda,mu-city"]
        return ["route", "--city", pack, *stops, "--format", "gpx", "--out", out, "--date", "2026-11-24", *extra]
    if name == "export":
        return ["export", "--city", pack, "--format", "geojson", "--out", out, *extra]
    return [name, "--city", pack, "--json", *extra]  # corridor, stats: stdout only


BAD_INPUTS = [
    ("density", ["--bandwidth-m", "-100"], "--bandwidth-m", "expected a finite number > 0, got '-100'"),
    ("density", ["--bandwidth-m", "nan"], "--bandwidth-m", "expected a finite number > 0, got 'nan'"),
    ("density", ["--bandwidth-m", "inf"], "--bandwidth-m", "expected a finite number > 0, got 'inf'"),
    ("density", ["--bandwidth-m", "0"], "--bandwidth-m", "expected a finite number > 0, got '0'"),
    ("density", ["--cell-m", "-5"], "--cell-m", "expected a finite number > 0, got '-5'"),
    ("density", ["--cell-m", "nan"], "--cell-m", "expected a finite number > 0, got 'nan'"),
    ("density", ["--cell-m", "0"], "--cell-m", "expected a finite number > 0, got '0'"),
    ("density", ["--mass", "2"], "--mass", "expected comma-separated shares between 0 and 1 (exclusive)"),
    ("density", ["--mass", "0.5,1"], "--mass", "expected comma-separated shares between 0 and 1 (exclusive)"),
    ("route", ["--date", "2026-02-30"], "--date", "expected a calendar date YYYY-MM-DD, got '2026-02-30'"),
    ("route", ["--start", "25:00"], "--start", "expected a time of day HH:MM from 00:00 to 23:59, got '25:00'"),
    ("route", ["--start", "9:60"], "--start", "expected a time of day HH:MM from 00:00 to 23:59, got '9:60'"),
    ("route", ["--stops", ""], "--stops", "expected comma-separated feature ids, e.g. sc-a,mu-b, got ''"),
    (
        "route",
        ["--stops", "sc-west-pagoda"],
        "--stops",
        "expected at least 2 stops, or 1 with --from or --to; got 'sc-west-pagoda'",
    ),
    ("corridor", ["--buffers-km", "nan"], "--buffers-km", "expected comma-separated positive distances"),
    ("corridor", ["--buffers-km", "inf"], "--buffers-km", "expected comma-separated positive distances"),
    ("stats", ["--gap-km", "-1"], "--gap-km", "expected a finite number > 0, got '-1'"),
    ("stats", ["--gap-km", "nan"], "--gap-km", "expected a finite number > 0, got 'nan'"),
    ("export", ["--grade", "9A"], "--grade", "unknown value(s) 9A; choose from 5A, 4A, 3A, 2A, 1A"),
    ("export", ["--layers", "pubs,museums"], "--layers", "unknown value(s) pubs; choose from scenic_spots, "),
    ("export", ["--level", "imperial"], "--level", "unknown value(s) imperial; choose from national, provincial"),
    ("export", ["--theme", ","], "--theme", "unknown value(s) ','; choose from river, heritage"),
    ("export", ["--river-km", "-1"], "--river-km", "expected a distance in km from 0 to 100, got '-1'"),
    ("export", ["--river-km", "nan"], "--river-km", "expected a distance in km from 0 to 100, got 'nan'"),
    ("export", ["--bbox", "104,36,103,37"], "--bbox", "expected W,S,E,N in degrees (WGS-84) with W < E and S < N"),
    ("export", ["--bbox", "1,2,3"], "--bbox", "expected W,S,E,N in degrees (WGS-84) with W < E and S < N"),
    ("export", ["--dpi", "10"], "--dpi", "expected a resolution in dots per inch from 50 to 1200, got '10'"),
]


@pytest.mark.parametrize(("name", "extra", "option", "expected"), BAD_INPUTS, ids=[" ".join(b[1]) for b in BAD_INPUTS])
def test_bad_option_values_are_one_error_line_and_exit_2(pack, tmp_path, capsys, name, extra, option, expected):
    out = tmp_path / "out.file"
    assert run(command(name, pack, out, extra)) == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if "error:" in line]
    assert len(errors) == 1 and f"error: argument {option}: {expected}" in errors[0]
    assert "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()


def test_one_stop_with_a_start_point_is_a_route(pack, tmp_path, capsys):
    out = tmp_path / "r.gpx"
    assert run(command("route", pack, out, ["--stops", "sc-west-pagoda", "--from", "mu-city"])) == 0
    assert "gpx: " in capsys.readouterr().out and out.read_text(encoding="utf-8").startswith("<?xml")


def test_bad_option_value_through_the_installed_command(pack, tmp_path):
    out = tmp_path / "d.png"
    result = subprocess.run(
        [sys.executable, "-m", "culturemap.cli", "density", "--city", pack, "--bandwidth-m", "nan", "--format", "png",
         "--out", out],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "culturemap density: error: argument --bandwidth-m: expected a finite number > 0, got 'nan'"
    )
    assert "Traceback" not in result.stderr and not out.exists()


def test_analysis_errors_are_error_lines(pack, tmp_path, capsys):
    out = tmp_path / "d.geojson"
    argv = ["density", "--city", pack, "--bandwidth-m", "1500", "--cell-m", "0.01", "--format", "geojson", "--out", out]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: a ") and err.endswith(
        " grid at 0.01 m cells is too large: raise cell_m or narrow the bounds\n"
    )
    assert not out.exists()


def test_file_errors_are_error_lines(pack, capsys):
    (pack / "curated" / "museums.csv").mkdir(parents=True)  # a folder where a table should be
    assert run(["build", pack]) == 2
    err = capsys.readouterr().err
    assert err == f"error: [Errno 21] Is a directory: '{pack / 'curated' / 'museums.csv'}'\n"


# --------------------------------------------------------------------------- --out

OUTPUTS = [("density", "d.geojson"), ("route", "r.gpx"), ("export", "e.geojson")]


def written_ok(name: str, path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return json.loads(text)["type"] == "FeatureCollection" if name != "route" else text.startswith("<?xml")


@pytest.mark.parametrize(("name", "file"), OUTPUTS)
def test_out_through_a_symlink_writes_its_target_and_keeps_the_link(pack, tmp_path, name, file):
    target = tmp_path / "data" / file
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / f"link-{file}"
    link.symlink_to(target)
    assert run(command(name, pack, link, [])) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert written_ok(name, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in target.parent.iterdir()) == [file]  # no temporary file left


@pytest.mark.parametrize(("name", "file"), OUTPUTS)
def test_out_refuses_a_fifo_and_a_socket(pack, tmp_path, capsys, name, file):
    fifo = tmp_path / file
    os.mkfifo(fifo)
    assert run(command(name, pack, fifo, [])) == 2
    err = capsys.readouterr().err
    assert f"error: argument --out: {fifo} is a FIFO (named pipe); expected a regular file or a new file name" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    sock_path = tmp_path / f"s.{file}"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        assert run(command(name, pack, sock_path, [])) == 2
    assert f"error: argument --out: {sock_path} is a socket; expected a regular file" in capsys.readouterr().err
    assert stat.S_ISSOCK(sock_path.stat().st_mode)


def device_paths(tmp_path: Path) -> list[Path]:
    """A character device of our own (same numbers as /dev/null), and /dev/null itself as root."""
    own = tmp_path / "null-device"
    try:
        os.mknod(own, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device file needs root (CAP_MKNOD)")
    return [own, Path("/dev/null")] if os.geteuid() == 0 else [own]


@pytest.mark.parametrize(("name", "file"), OUTPUTS)
def test_out_refuses_a_device(pack, tmp_path, capsys, name, file):
    for device in device_paths(tmp_path):
        assert run(command(name, pack, device, [])) == 2
        err = capsys.readouterr().err
        assert f"error: argument --out: {device} is a character device; expected a regular file" in err
        assert stat.S_ISCHR(device.stat().st_mode)


@pytest.mark.parametrize(("name", "file"), OUTPUTS)
def test_out_refuses_a_folder_and_a_missing_folder(pack, tmp_path, capsys, name, file):
    folder = tmp_path / "folder"
    folder.mkdir()
    if name == "export":  # export (and report) name the file for filing in a folder: see test_cli_export.py
        assert run(command(name, pack, folder, [])) == 0
        assert [p.name for p in folder.iterdir()] == [f"testville-data-{date.today().isoformat()}.geojson"]
    else:
        assert run(command(name, pack, folder, [])) == 2
        assert f"error: argument --out: {folder} is a folder; expected a regular file" in capsys.readouterr().err
        assert list(folder.iterdir()) == []
    missing = tmp_path / "missing" / file
    assert run(command(name, pack, missing, [])) == 2
    assert (
        f"error: argument --out: {missing}: folder {missing.parent} does not exist; expected a file in an existing folder"
        in capsys.readouterr().err
    )
    assert not missing.parent.exists()


def test_a_city_id_is_found_where_the_app_finds_it_from_any_folder(pack, tmp_path, monkeypatch, capsys):
    """A city id resolved under ./geodata of the working directory only: run elsewhere, `culturemap
    validate lanzhou` said "no such folder" while the app found the pack ($CULTUREMAP_DATA or geodata/)."""
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run(["validate", pack.name, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["city"] == "testville" and Path(report["path"]) == pack
    assert run(["validate", "nowhere-ville"]) == 2
    assert "nowhere-ville" in capsys.readouterr().err
