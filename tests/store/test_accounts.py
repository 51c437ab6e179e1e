"""Accounts in the store (issue 28), on both backends: argon2 hashes only, admin-only management,
failed sign-ins rate-limited per account and client, sessions that expire when idle."""

from __future__ import annotations

import logging
import sqlite3

import pytest
import sqlalchemy

from culturemap.store import accounts as acc
from culturemap.store.accounts import (
    AccountError,
    Session,
    SessionExpired,
    add_user,
    authenticate,
    list_users,
    remove_user,
    set_password,
)
from culturemap.store.postgis import sqlalchemy_url
from culturemap.store.roles import Actor, PermissionDenied

ADMIN_PW = "lanzhou-admin-2026"
EDITOR_PW = "correct horse battery"


@pytest.fixture
def accounts_backend(backend, monkeypatch):
    """No accounts yet: a fresh store folder for GeoPackage, emptied tables in the session's database."""
    if backend == "postgis":
        engine = acc._postgis_engine(acc._location()[1])
        with engine.begin() as conn:
            conn.execute(acc.accounts.delete())
            conn.execute(acc.failed_logins.delete())
    return backend


def _stored_rows() -> list[tuple[str, str]]:
    """(name, password_hash) of every stored account, read past the module."""
    kind, where = acc._location()
    if kind == "gpkg":
        with sqlite3.connect(where) as db:
            return db.execute("SELECT name, password_hash FROM accounts ORDER BY name").fetchall()
    with sqlalchemy.create_engine(sqlalchemy_url(where)).connect() as conn:
        return [
            tuple(r) for r in conn.exec_driver_sql("SELECT name, password_hash FROM culturemap.accounts ORDER BY name")
        ]


@pytest.fixture
def admin(accounts_backend) -> Actor:
    add_user("zhang", "admin", ADMIN_PW, None)
    return authenticate("zhang", ADMIN_PW)


def test_add_list_passwd_remove(admin):
    assert admin == Actor("zhang", "admin")
    add_user("wang", "editor", EDITOR_PW, admin)
    add_user("li", "contributor", "li-survey-01", admin)
    assert [(a.name, a.role, a.created_by) for a in list_users(admin)] == [
        ("li", "contributor", "zhang"),
        ("wang", "editor", "zhang"),
        ("zhang", "admin", "zhang"),
    ]
    wang = authenticate("wang", EDITOR_PW)
    set_password("wang", "a new passphrase", wang)  # one's own password
    with pytest.raises(AccountError, match="sign-in of wang failed: wrong account name or password"):
        authenticate("wang", EDITOR_PW)
    assert authenticate("wang", "a new passphrase") == Actor("wang", "editor")
    set_password("li", "reset-by-admin", admin)  # anyone's, as an admin
    assert authenticate("li", "reset-by-admin").role == "contributor"

    remove_user("li", admin)
    assert [a.name for a in list_users(admin)] == ["wang", "zhang"]
    with pytest.raises(AccountError, match="sign-in of li failed"):
        authenticate("li", "reset-by-admin")
    with pytest.raises(AccountError, match="the account name li was used and removed"):
        add_user("li", "viewer", "another-password", admin)
    with pytest.raises(AccountError, match="the account wang exists already"):
        add_user("wang", "viewer", "another-password", admin)
    with pytest.raises(AccountError, match="zhang is the last admin and cannot be removed"):
        remove_user("zhang", admin)
    with pytest.raises(AccountError, match="there is no account zhao"):
        remove_user("zhao", admin)


def test_the_stored_hash_is_argon2_and_never_holds_the_password(admin, accounts_backend):
    add_user("wang", "editor", EDITOR_PW, admin)
    stored = dict(_stored_rows())
    assert sorted(stored) == ["wang", "zhang"]
    for name, password in (("zhang", ADMIN_PW), ("wang", EDITOR_PW)):
        assert stored[name].startswith("$argon2id$")
        assert stored[name] != password and password not in stored[name]
    if accounts_backend == "gpkg":  # nowhere in the file either (journal, free pages)
        data = acc.accounts_path().read_bytes()
        assert EDITOR_PW.encode() not in data and ADMIN_PW.encode() not in data


def test_the_first_account_is_an_admin_and_then_only_admins_add(accounts_backend):
    with pytest.raises(AccountError, match="the first account must be an admin"):
        add_user("wang", "editor", EDITOR_PW, None)
    add_user("zhang", "admin", ADMIN_PW, None)
    with pytest.raises(PermissionDenied, match=r"user - \(viewer\) may not manage accounts"):
        add_user("wang", "editor", EDITOR_PW, None)  # nobody, now that there is an admin
    admin = authenticate("zhang", ADMIN_PW)
    add_user("wang", "editor", EDITOR_PW, admin)
    editor = authenticate("wang", EDITOR_PW)
    with pytest.raises(
        PermissionDenied, match=r"user wang \(editor\) may not manage accounts: it takes the role admin"
    ):
        add_user("li", "viewer", "viewer-pass", editor)
    with pytest.raises(PermissionDenied):
        list_users(editor)
    with pytest.raises(PermissionDenied):
        set_password("zhang", "taken-over-now", editor)
    assert [a.name for a in list_users(admin)] == ["wang", "zhang"]


def test_weak_passwords_and_bad_names_are_refused(admin):
    with pytest.raises(AccountError, match="at least 8 characters, and not the account name"):
        add_user("wang", "editor", "short", admin)
    with pytest.raises(AccountError, match="at least 8 characters"):
        add_user("wangwang", "editor", "wangwang", admin)
    with pytest.raises(AccountError, match="account name 'a b' is not valid"):
        add_user("a b", "editor", EDITOR_PW, admin)
    add_user("王伟", "viewer", EDITOR_PW, admin)  # Chinese names are names
    assert authenticate("王伟", EDITOR_PW) == Actor("王伟", "viewer")


def test_failed_sign_ins_are_logged_without_the_password(admin, caplog):
    with caplog.at_level(logging.INFO, logger="culturemap.store.accounts"):
        with pytest.raises(AccountError, match="wrong account name or password"):
            authenticate("zhang", "not-the-password", client="app:10.0.0.7")
        with pytest.raises(AccountError, match="wrong account name or password"):  # unknown: the same answer
            authenticate("nobody", "not-the-password")
    assert "failed sign-in of zhang from app:10.0.0.7 (1 within 60 s)" in caplog.text
    assert "failed sign-in of nobody from cli" in caplog.text
    assert "not-the-password" not in caplog.text and ADMIN_PW not in caplog.text


def test_the_sixth_attempt_within_a_minute_is_refused_even_with_the_right_password(admin, caplog):
    t0 = 1_800_000_000.0  # 2027-01-15T08:00:00 UTC
    for i in range(5):
        with pytest.raises(AccountError, match="wrong account name or password"):
            authenticate("zhang", f"guess-{i}", now=t0 + i)
    with caplog.at_level(logging.WARNING, logger="culturemap.store.accounts"), pytest.raises(AccountError) as refused:
        authenticate("zhang", ADMIN_PW, now=t0 + 10)
    assert "sign-in of zhang from cli refused: 5 failed attempts within 60 s" in caplog.text  # logged too
    assert ADMIN_PW not in caplog.text
    assert refused.value.code == "login_rate_limited"
    assert str(refused.value) == (
        "too many failed sign-ins of zhang from cli: try again at 2027-01-15T08:01:00 UTC (in 50 s)"
    )
    assert "请于 2027-01-15T08:01:00 UTC（50 秒后）再试" in refused.value.message("zh")
    assert authenticate("zhang", ADMIN_PW, client="app:10.0.0.7", now=t0 + 11) == admin  # another client
    assert authenticate("zhang", ADMIN_PW, now=t0 + 61) == admin  # a minute after the first failure
    for i in range(4):  # the success forgot the failures: four more may fail before the limit
        with pytest.raises(AccountError, match="wrong account name or password"):
            authenticate("zhang", "guess", now=t0 + 62 + i)
    assert authenticate("zhang", ADMIN_PW, now=t0 + 70) == admin


def test_a_session_expires_after_thirty_idle_minutes():
    wang = Actor("wang", "editor")
    session = Session.start(wang, now=1000.0)
    assert session.touch(now=1000.0 + 29 * 60) == wang  # active: the idle clock restarts
    assert session.touch(now=1000.0 + 58 * 60) == wang
    assert not session.expired(now=1000.0 + 88 * 60)
    with pytest.raises(SessionExpired, match="wang was idle for over 30 minutes and is signed out"):
        session.touch(now=1000.0 + 88 * 60 + 1)
    assert session.last_seen == 1000.0 + 58 * 60


def test_an_unknown_name_is_checked_against_a_hash_of_the_same_cost():
    """The stand-in hash an unknown name's password is verified against has the hasher's own costs (a
    cheaper one would answer "no such account" sooner than "wrong password")."""
    assert not acc._HASHER.check_needs_rehash(acc._NO_SUCH_HASH)
    assert acc._verify(acc._NO_SUCH_HASH, "an account that does not exist")


@pytest.mark.parametrize("folder", ["accounts", "Accounts"])
def test_a_pack_folder_named_accounts_never_becomes_the_accounts_file(tmp_path, monkeypatch, folder):
    """A GeoPackage store is <store folder>/<pack folder>.gpkg: a pack in a folder named accounts would have
    seeded its layers into accounts.gpkg (any case: not every file system tells them apart). It is refused,
    naming the pack and the way out, and the accounts file stays as it was."""
    from culturemap.store import StoreError, store_for_pack
    from tests.conftest import write_pack

    monkeypatch.setenv("CULTUREMAP_STORE", str(tmp_path / "stores"))
    monkeypatch.delenv("CULTUREMAP_DB_URL", raising=False)
    add_user("zhang", "admin", ADMIN_PW, None)
    before = (tmp_path / "stores" / "accounts.gpkg").read_bytes()
    write_pack(tmp_path / "packs" / folder)
    with pytest.raises(StoreError, match=f"cannot be stored under its folder name {folder}: accounts.gpkg"):
        store_for_pack(tmp_path / "packs" / folder)
    assert (tmp_path / "stores" / "accounts.gpkg").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "stores").iterdir()) == ["accounts.gpkg"]
    assert authenticate("zhang", ADMIN_PW).role == "admin"
