"""`make run` installs only what running needs and says what the app lacks for full use (README)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import REPO


def _dry_run(target: str, tmp_path) -> str:
    """The commands `make -n <target>` would run for a fresh clone (a venv that does not exist yet)."""
    venv = tmp_path / "venv"
    return subprocess.run(
        ["make", "-n", target, f"VENV={venv}"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout


def test_make_run_installs_requirements_without_the_dev_tools(tmp_path):
    commands = _dry_run("run", tmp_path)
    assert "-r requirements.txt -e ." in commands
    assert "requirements-dev.txt" not in commands
    assert "tools/check_runtime.py" in commands
    assert "culturemap serve --port 8501" in commands


def test_make_test_installs_both(tmp_path):
    commands = _dry_run("test", tmp_path)
    runtime, dev = commands.index("-r requirements.txt -e ."), commands.index("-r requirements-dev.txt")
    assert runtime < dev < commands.index("-m pytest")


def test_requirements_dev_holds_no_runtime_import():
    runtime = (REPO / "requirements.txt").read_text()
    dev_only = [
        line.split("==")[0].lower()
        for line in (REPO / "requirements-dev.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    ]
    assert "playwright" in runtime.lower()  # export/view.py drives Chromium with it at run time
    imported = subprocess.run(
        ["grep", "-rhoE", r"^\s*(import|from) [A-Za-z_]+", "src", "app.py"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    assert {name.lower() for name in imported} & set(dev_only) == set()


def test_the_check_names_what_is_missing_and_what_still_works(tmp_path):
    bin_dir = tmp_path / "bin"  # a PATH without npm and chromium; fc-list kept for the font lookup
    bin_dir.mkdir()
    if shutil.which("fc-list"):
        (bin_dir / "fc-list").symlink_to(shutil.which("fc-list"))
    env = {k: v for k, v in os.environ.items() if k != "CULTUREMAP_CHROMIUM"}
    env |= {"PATH": str(bin_dir), "CULTUREMAP_VENDOR": str(tmp_path / "no-vendor")}
    done = subprocess.run(
        [sys.executable, "tools/check_runtime.py"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    npm = next(line for line in lines if "npm missing" in line)
    assert "public CDNs" in npm and "print maps (PDF/PNG/SVG), reports and data exports still work" in npm
    chromium = next(line for line in lines if "Chromium missing" in line)
    assert "view snapshots" in chromium and "print maps (PDF/PNG/SVG), reports and the web map still work" in chromium
    assert done.stderr == ""


def test_the_check_says_nothing_is_missing_on_a_full_machine():
    if not (shutil.which("npm") and shutil.which("chromium") and (REPO / "vendor/node_modules/.installed").exists()):
        return  # this machine lacks a part: the test above covers what it says then
    done = subprocess.run(
        [sys.executable, "tools/check_runtime.py"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout) == (0, "culturemap: offline map library, Chromium and a CJK font found\n")
