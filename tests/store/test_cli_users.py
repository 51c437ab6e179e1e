"""``culturemap user add|list|remove|passwd`` (issue 28): passwords read one a line from standard input
when it is not a terminal (first the acting admin's, then the new one), exit 0 done, 1 refused with one
``error:`` line, 2 usage; the accounts in ``accounts.gpkg`` of the store folder."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from culturemap.store.accounts import accounts_path, authenticate
from culturemap.store.roles import Actor
from tests.conftest import REPO, run_cli

ADMIN_PW = "lanzhou-admin-2026"
EDITOR_PW = "correct horse battery"


@pytest.fixture
def users(tmp_path, monkeypatch, capsys):
    """``users(argv, stdin)``: run ``culturemap user ...`` in this process with ``stdin`` as its standard
    input (not a terminal); (exit code, stdout, stderr). The accounts live in a fresh store folder."""
    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)

    def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = run_cli(["user", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _one_error(err: str) -> str:
    """The one ``error:`` line of a refused command (and nothing else on stderr)."""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_add_the_first_admin_then_accounts_as_that_admin(users):
    assert users(["list"]) == (0, "no accounts\n", "")
    code, out, err = users(["add", "zhang", "--role", "editor"], f"{EDITOR_PW}\n")
    assert code == 1 and out == ""
    assert _one_error(err) == (
        "error: the first account must be an admin (zhang was asked as editor): add an admin first with --role admin"
    )
    assert users(["add", "zhang", "--role", "admin"], f"{ADMIN_PW}\n") == (0, "added the account zhang (admin)\n", "")
    assert authenticate("zhang", ADMIN_PW) == Actor("zhang", "admin")
    assert accounts_path().stat().st_mode & 0o077 == 0  # the hashes' file: the owner's only

    code, out, err = users(["add", "wang", "--role", "editor"], f"{EDITOR_PW}\n")  # now it takes an admin
    assert (code, out) == (1, "")
    assert _one_error(err) == "error: this takes an admin: add --as ADMIN (that admin's password is asked next)"
    code, out, err = users(["add", "wang", "--role", "editor", "--as", "zhang"], f"wrong-password\n{EDITOR_PW}\n")
    assert (code, out) == (1, "")
    assert _one_error(err) == "error: sign-in of zhang failed: wrong account name or password"
    assert users(["add", "wang", "--role", "editor", "--as", "zhang"], f"{ADMIN_PW}\n{EDITOR_PW}\n") == (
        0,
        "added the account wang (editor)\n",
        "",
    )
    code, out, err = users(["add", "li", "--role", "viewer", "--as", "wang"], f"{EDITOR_PW}\nli-password\n")
    assert (code, out) == (1, "")
    assert _one_error(err) == "error: user wang (editor) may not manage accounts: it takes the role admin or above"

    code, out, err = users(["list", "--as", "zhang"], f"{ADMIN_PW}\n")
    assert (code, err) == (0, "")
    header, *rows = out.splitlines()
    assert header == "account\trole\tcreated\tcreated by"
    assert [tuple(row.split("\t")[i] for i in (0, 1, 3)) for row in rows] == [
        ("wang", "editor", "zhang"),
        ("zhang", "admin", "zhang"),
    ]
    with sqlite3.connect(accounts_path()) as db:  # only hashes are stored
        stored = dict(db.execute("SELECT name, password_hash FROM accounts").fetchall())
    assert all(h.startswith("$argon2id$") for h in stored.values())
    assert stored["wang"] != EDITOR_PW and EDITOR_PW not in stored["wang"]


def test_passwd_remove_and_what_is_refused(users):
    users(["add", "zhang", "--role", "admin"], f"{ADMIN_PW}\n")
    users(["add", "wang", "--role", "editor", "--as", "zhang"], f"{ADMIN_PW}\n{EDITOR_PW}\n")
    # one's own password: the old one, then the new one
    assert users(["passwd", "wang"], f"{EDITOR_PW}\nwang-new-passphrase\n") == (
        0,
        "changed the password of wang\n",
        "",
    )
    assert authenticate("wang", "wang-new-passphrase") == Actor("wang", "editor")
    code, _, err = users(["passwd", "wang"], "wang-new-passphrase\nshort\n")
    assert code == 1
    assert _one_error(err) == "error: the password of wang is too weak: at least 8 characters, and not the account name"
    # an admin resets anyone's
    assert users(["passwd", "wang", "--as", "zhang"], f"{ADMIN_PW}\nreset-by-admin\n")[0] == 0
    assert authenticate("wang", "reset-by-admin").role == "editor"

    code, _, err = users(["remove", "zhang", "--as", "zhang"], f"{ADMIN_PW}\n")
    assert code == 1
    assert _one_error(err) == "error: zhang is the last admin and cannot be removed: add another admin first"
    assert users(["remove", "wang", "--as", "zhang"], f"{ADMIN_PW}\n") == (
        0,
        "removed the account wang (the history keeps its name)\n",
        "",
    )
    code, out, _ = users(["list", "--as", "zhang"], f"{ADMIN_PW}\n")
    assert code == 0 and [row.split("\t")[0] for row in out.splitlines()[1:]] == ["zhang"]
    code, _, err = users(["remove", "wang", "--as", "zhang"], f"{ADMIN_PW}\n")
    assert code == 1 and _one_error(err) == "error: there is no account wang (user list shows them)"
    code, _, err = users(["add", "wang", "--role", "viewer", "--as", "zhang"], f"{ADMIN_PW}\nanother-password\n")
    assert code == 1 and "was used and removed" in _one_error(err)

    code, _, err = users(["add", "zhao", "--role", "viewer", "--as", "zhang"], f"{ADMIN_PW}\n")  # no new password
    assert code == 1
    assert _one_error(err) == (
        "error: no password read (new password for zhao): type it at a terminal, or give one per line on standard input"
    )
    code, _, err = users(["remove", "wang", "--as", "zhang", "--lang", "zh"], f"{ADMIN_PW}\n")
    assert code == 1 and _one_error(err) == "error: 没有账户 wang（user list 列出所有账户）"
    code, _, err = users(["add", "zhao", "--role", "boss"])  # usage: argparse's own message
    assert code == 2 and "invalid choice: 'boss'" in err


def test_the_sixth_failed_sign_in_within_a_minute_is_refused(users):
    users(["add", "zhang", "--role", "admin"], f"{ADMIN_PW}\n")
    for _ in range(5):
        code, _, err = users(["list", "--as", "zhang"], "not-the-password\n")
        assert code == 1 and "wrong account name or password" in _one_error(err)
    code, _, err = users(["list", "--as", "zhang"], f"{ADMIN_PW}\n")
    assert code == 1
    assert _one_error(err).startswith("error: too many failed sign-ins of zhang from cli: try again at ")


def test_a_script_adds_the_first_admin_through_a_pipe(tmp_path):
    """A separate process, its standard input a pipe: the password is its one line; nothing is echoed."""
    env = {**os.environ, "CULTUREMAP_STORE": str(tmp_path / "stores")}
    env.pop("CULTUREMAP_DB_URL", None)
    command = [str(Path(sys.executable).with_name("culturemap")), "user"]
    done = subprocess.run([*command, "add", "zhang", "--role", "admin"], input=f"{ADMIN_PW}\n", env=env,
                          capture_output=True, text=True, cwd=REPO, timeout=120)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "added the account zhang (admin)\n", "")
    listed = subprocess.run([*command, "list", "--as", "zhang"], input=f"{ADMIN_PW}\n", env=env,
                            capture_output=True, text=True, cwd=REPO, timeout=120)  # fmt: skip
    assert listed.returncode == 0 and listed.stdout.splitlines()[1].startswith("zhang\tadmin\t")
    assert ADMIN_PW not in listed.stdout + listed.stderr + done.stdout + done.stderr
    assert (tmp_path / "stores" / "accounts.gpkg").is_file()


def _read_until(fd: int, text: str, timeout_s: float = 60) -> str:
    """What ``fd`` gives until ``text`` shows (or the time runs out, or it closes)."""
    import select
    import time

    seen, end = b"", time.monotonic() + timeout_s
    while text.encode() not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # a pseudo-terminal whose other end closed
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode(errors="replace")


def test_at_a_terminal_the_password_is_asked_twice_and_not_echoed(tmp_path):
    """Standard input a terminal (a pseudo-terminal here): the prompt asks, typing shows nothing, and two
    different entries change nothing."""
    import pty

    env = {**os.environ, "CULTUREMAP_STORE": str(tmp_path / "stores")}
    env.pop("CULTUREMAP_DB_URL", None)
    command = [str(Path(sys.executable).with_name("culturemap")), "user", "add", "zhang", "--role", "admin"]
    for second, expected in (("typo-in-the-second", 1), (ADMIN_PW, 0)):
        master, slave = pty.openpty()
        process = subprocess.Popen(command, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                   cwd=REPO, start_new_session=True)  # fmt: skip  # no controlling terminal: getpass uses stdin
        os.close(slave)
        try:
            shown = _read_until(process.stderr.fileno(), "new password for zhang: ")
            os.write(master, f"{ADMIN_PW}\n".encode())
            shown += _read_until(process.stderr.fileno(), "(again): ")
            os.write(master, f"{second}\n".encode())
            echoed = _read_until(master, ADMIN_PW, timeout_s=2)  # what the terminal showed of the typing
            out, err = process.communicate(timeout=120)
        finally:
            os.close(master)
            if process.poll() is None:
                process.kill()
        assert "new password for zhang: " in shown and "new password for zhang (again): " in shown
        assert ADMIN_PW not in echoed and ADMIN_PW not in shown + out.decode() + err.decode()
        assert process.returncode == expected
        if expected == 1:
            assert err.decode().splitlines()[-1] == "error: the two passwords differ; nothing was changed"
            assert out == b""
            with sqlite3.connect(tmp_path / "stores" / "accounts.gpkg") as db:  # nothing was added
                assert db.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
        else:
            assert out.decode() == "added the account zhang (admin)\n"
