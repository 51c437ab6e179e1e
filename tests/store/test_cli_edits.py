"""The editing commands (issue 28) on both backends with real accounts: ``edit``, ``history``, ``undo``,
``review``; passwords read as one line of standard input; exit 0 done, 1 refused, 2 usage."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from culturemap.cli import main
from culturemap.crs import to_wgs84
from culturemap.store import accounts as acc
from culturemap.store.accounts import add_user, authenticate

PASSWORDS = {"zhang": "lanzhou-admin-2026", "wang": "correct horse battery", "zhao": "zhao-survey-01",
             "guest": "guest-reads-only"}  # fmt: skip


@pytest.fixture
def users(store):
    """The accounts: zhang (admin), wang (editor), zhao (contributor), guest (viewer); none before."""
    if store.backend == "PostGIS":  # the session's database keeps the accounts of earlier tests
        with acc._postgis_engine(acc._location()[1]).begin() as conn:
            conn.execute(acc.accounts.delete())
            conn.execute(acc.failed_logins.delete())
    add_user("zhang", "admin", PASSWORDS["zhang"], None)
    admin = authenticate("zhang", PASSWORDS["zhang"])
    for name, role in (("wang", "editor"), ("zhao", "contributor"), ("guest", "viewer")):
        add_user(name, role, PASSWORDS[name], admin)
    return store


def run(monkeypatch, capsys, *argv, password: str | None = None) -> tuple[int, str, str]:
    """``culturemap *argv`` in this process, ``password`` as the one line of (non-terminal) standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("" if password is None else password + "\n"))
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def stored(store, id: str) -> pd.Series:
    """Row ``id`` of scenic_spots with its bookkeeping (missing values as None)."""
    row = store.read_layer("scenic_spots", retired=True, meta=True).set_index("id").loc[id]
    return row.astype(object).where(row.notna(), None)


def test_an_editor_sets_fields_and_moves_an_asset_in_one_command(users, monkeypatch, capsys, tmp_path):
    store = users
    code, out, err = run(monkeypatch, capsys, "edit", "--city", "testville", "--layer", "scenic_spots", "--id",
                         "sc-west-pagoda", "--set", "grade=5A", "--set", "themes=heritage,night", "--lon", "103.8412",
                         "--lat", "36.0614", "--crs", "gcj02", "--accuracy", "surveyed", "--reason", "site visit",
                         "--user", "wang", password=PASSWORDS["wang"])  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "scenic_spots sc-west-pagoda: saved as version 2 (update)",
        "scenic_spots sc-west-pagoda: saved as version 3 (move)",
    ]
    row = stored(store, "sc-west-pagoda")
    x, y = to_wgs84(103.8412, 36.0614, "gcj02")
    assert (row["grade"], row["themes"], row["coord_accuracy"], row["version"], row["updated_by"]) == (
        "5A", ["heritage", "night"], "surveyed", 3, "wang")  # fmt: skip
    assert (row.geometry.x, row.geometry.y) == pytest.approx((float(x), float(y)), abs=1e-9)

    code, out, _ = run(monkeypatch, capsys, "history", "--city", "testville", "--id", "sc-west-pagoda", "--format",
                       "json")  # fmt: skip
    changes = json.loads(out)
    assert code == 0 and [(c["version"], c["action"], c["user"], c["reason"]) for c in changes] == [
        (2, "update", "wang", "site visit"), (3, "move", "wang", "site visit")]  # fmt: skip
    assert (changes[0]["before"]["props"]["grade"], changes[0]["after"]["props"]["grade"]) == ("4A", "5A")
    assert changes[1]["after"]["geometry"]["coordinates"] == pytest.approx([float(x), float(y)], abs=1e-9)

    out_file = tmp_path / "history.csv"
    code, out, _ = run(monkeypatch, capsys, "history", "--city", "testville", "--user", "wang", "--out", out_file)
    assert code == 0 and out == f"history: {out_file} (2 changes, csv)\n"
    table = pd.read_csv(out_file)
    assert table.columns.tolist() == ["city", "layer", "id", "version", "action", "before", "after", "user", "time",
                                      "reason"]  # fmt: skip
    assert table["action"].tolist() == ["update", "move"] and set(table["city"]) == {"testville"}
    code, out, _ = run(monkeypatch, capsys, "history", "--city", "testville", "--user", "nobody")
    assert (code, out) == (0, "city,layer,id,version,action,before,after,user,time,reason\n")


def test_refusals_exit_1_with_one_error_line_and_change_nothing(users, monkeypatch, capsys):
    store = users
    edit = ("edit", "--city", "testville", "--layer", "scenic_spots", "--id", "sc-east-park")
    assert run(monkeypatch, capsys, *edit, "--set", "grade=5A", "--user", "wang", password=PASSWORDS["wang"])[0] == 0
    at = stored(store, "sc-east-park")["updated_at"]
    refusals = [
        (("--set", "grade=2A", "--expect-version", "1", "--user", "wang"), "wang",
         f"error: scenic_spots sc-east-park: changed by wang at {at} (version 2, this edit was made on version 1): reload"),
        (("--set", "grade=9A", "--user", "wang"), "wang", "error: "),
        (("--set", "height=9", "--user", "wang"), "wang", "error: scenic_spots has no field height"),
        (("--lon", "500", "--lat", "36", "--user", "wang"), "wang", "error: position 500.0, 36.0 is not valid"),
        (("--set", "grade=2A", "--user", "guest"), "guest", "error: user guest (viewer) may not"),
        (("--set", "grade=2A", "--user", "wang"), "wrong password", "error: sign-in of wang failed"),
        (("--set", "grade=2A", "--lon", "103.8", "--lat", "36.0", "--user", "zhao"), "zhao",
         "error: a contributor proposes one kind of change at a time (asked: update, move)"),
    ]  # fmt: skip
    for options, who, said in refusals:
        code, out, err = run(monkeypatch, capsys, *edit, *options, password=PASSWORDS.get(who, who))
        assert (code, out) == (1, ""), options
        assert err.startswith(said) and len(err.splitlines()) == 1, (options, err)
    code, _, err = run(monkeypatch, capsys, "edit", "--city", "testville", "--layer", "scenic_spots", "--id", "sc-none",
                       "--set", "grade=2A", "--user", "wang", password=PASSWORDS["wang"])  # fmt: skip
    assert (code, err) == (1, "error: scenic_spots has no row sc-none\n")
    assert stored(store, "sc-east-park")["version"] == 2 and len(store.history()) == 1 and store.proposals().empty


def test_usage_errors_exit_2(users, monkeypatch, capsys):
    edit = ("edit", "--city", "testville", "--layer", "scenic_spots", "--id", "sc-east-park", "--user", "wang")
    for options in (("--lon", "103.8"), (), ("--retire", "gone", "--restore"), ("--set", "grade"),
                    ("--expect-version", "0", "--restore"), ("--lon", "east", "--lat", "36")):  # fmt: skip
        code, out, err = run(monkeypatch, capsys, *edit, *options, password=PASSWORDS["wang"])
        assert (code, out) == (2, ""), options
        assert "error:" in err
    assert run(monkeypatch, capsys, "history", "--city", "testville", "--format", "xml")[0] == 2
    assert users.history().empty


def test_a_contributors_edit_is_a_proposal_an_editor_reviews(users, monkeypatch, capsys):
    store = users
    edit = ("edit", "--city", "testville", "--layer", "scenic_spots")
    code, out, _ = run(monkeypatch, capsys, *edit, "--id", "sc-east-park", "--retire", "closed in 2026", "--user",
                       "zhao", password=PASSWORDS["zhao"])  # fmt: skip
    found = re.fullmatch(r"scenic_spots sc-east-park: filed as proposal #(\d+), waiting for an editor's review\n", out)
    assert code == 0 and found
    first = int(found[1])  # numbered by the store (a database's numbers run on across resets)
    code, out, _ = run(monkeypatch, capsys, *edit, "--id", "sc-west-pagoda", "--lon", "103.80", "--lat", "36.07",
                       "--accuracy", "surveyed", "--reason", "gps on site", "--user", "zhao",
                       password=PASSWORDS["zhao"])  # fmt: skip
    assert code == 0 and f"proposal #{first + 1}," in out
    assert stored(store, "sc-east-park")["retired_reason"] is None and store.history().empty

    code, out, _ = run(
        monkeypatch, capsys, "review", "--city", "testville", "--user", "wang", password=PASSWORDS["wang"]
    )
    lines = out.splitlines()
    assert code == 0 and lines[0] == "proposal\tlayer\tid\taction\tuser\ttime\tchanges\treason"
    assert [line.split("\t")[:5] for line in lines[1:]] == [
        [str(first), "scenic_spots", "sc-east-park", "retire", "zhao"],
        [str(first + 1), "scenic_spots", "sc-west-pagoda", "move", "zhao"]]  # fmt: skip
    assert lines[2].endswith("\tgps on site") and '"accuracy": "surveyed"' in lines[2]

    code, _, err = run(monkeypatch, capsys, "review", "--city", "testville", "--reject", str(first), "--user", "wang",
                       password=PASSWORDS["wang"])  # fmt: skip
    assert (code, err) == (1, f"error: rejecting proposal #{first} needs a comment\n")
    code, out, _ = run(monkeypatch, capsys, "review", "--city", "testville", "--reject", str(first), "--comment",
                       "still open", "--user", "wang", password=PASSWORDS["wang"])  # fmt: skip
    assert (code, out) == (0, f"proposal #{first} rejected\n")
    code, _, err = run(monkeypatch, capsys, "review", "--city", "testville", "--approve", str(first + 1), "--user", "zhao",
                       password=PASSWORDS["zhao"])  # fmt: skip
    assert code == 1 and err.startswith("error: user zhao (contributor) may not")
    code, out, _ = run(monkeypatch, capsys, "review", "--city", "testville", "--approve", str(first + 1), "--comment", "ok",
                       "--user", "wang", password=PASSWORDS["wang"])  # fmt: skip
    assert (code, out) == (0, f"proposal #{first + 1} approved\n")
    row = stored(store, "sc-west-pagoda")
    assert (row.geometry.x, row.geometry.y, row["coord_accuracy"], row["updated_by"]) == (103.80, 36.07, "surveyed",
                                                                                           "zhao")  # fmt: skip
    assert stored(store, "sc-east-park")["retired_reason"] is None
    code, out, _ = run(
        monkeypatch, capsys, "review", "--city", "testville", "--user", "wang", password=PASSWORDS["wang"]
    )
    assert (code, out) == (0, "no pending proposals\n")


def test_undo_takes_back_the_users_last_change(users, monkeypatch, capsys):
    store = users
    before = stored(store, "sc-east-park")
    code, _, _ = run(monkeypatch, capsys, "edit", "--city", "testville", "--layer", "scenic_spots", "--id",
                     "sc-east-park", "--retire", "demolished", "--user", "wang", password=PASSWORDS["wang"])  # fmt: skip
    assert code == 0 and "sc-east-park" not in store.read_layer("scenic_spots")["id"].tolist()
    code, out, _ = run(monkeypatch, capsys, "undo", "--city", "testville", "--user", "wang", password=PASSWORDS["wang"])
    assert (code, out) == (0, "undid the retire of scenic_spots sc-east-park (now version 3)\n")
    after = stored(store, "sc-east-park")
    same = ["name_zh", "grade", "district", "themes", "coord_accuracy", "retired_reason"]
    assert after[same].tolist() == before[same].tolist() and after.geometry.equals(before.geometry)
    code, _, err = run(monkeypatch, capsys, "undo", "--city", "testville", "--user", "wang", password=PASSWORDS["wang"])
    assert (code, err) == (1, "error: wang has no change to undo\n")
    code, _, err = run(monkeypatch, capsys, "undo", "--city", "testville", "--user", "zhao", password=PASSWORDS["zhao"])
    assert code == 1 and err.startswith("error: user zhao (contributor) may not")


def test_edit_reads_the_password_from_a_pipe_in_its_own_process(users):
    """The command as a script runs it: its own process, the password piped in, Chinese messages."""
    command = [sys.executable, "-m", "culturemap.cli", "edit", "--city", "testville", "--layer", "scenic_spots",
               "--id", "sc-east-park", "--set", "note=核对 2026", "--expect-version", "1", "--user", "wang",
               "--lang", "zh"]  # fmt: skip
    done = subprocess.run(command, input=PASSWORDS["wang"] + "\n", capture_output=True, text=True, env=os.environ,
                          timeout=120)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "scenic_spots sc-east-park：已保存第 2 版（update）\n"
    assert stored(users, "sc-east-park")["note"] == "核对 2026"
    again = subprocess.run(command, input=PASSWORDS["wang"] + "\n", capture_output=True, text=True, env=os.environ,
                           timeout=120)  # fmt: skip
    assert again.returncode == 1 and again.stderr.startswith("error: scenic_spots sc-east-park：已被 wang 于")
