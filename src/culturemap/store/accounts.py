"""Accounts of the people who edit (issue 28): who they are, their role, their password's hash.

Accounts live in the store: the table ``culturemap.accounts`` when ``CULTUREMAP_DB_URL`` names a
PostGIS database, else the table ``accounts`` of the GeoPackage ``accounts.gpkg`` in the folder of
the GeoPackage stores (:func:`culturemap.store.store_folder`). A password is kept only as its
argon2id hash (argon2-cffi), never as text, and never logged.

- :func:`add_user`, :func:`remove_user`, :func:`list_users`, :func:`set_password`: account
  management, for an admin (the very first account, an admin, needs nobody: there is no one yet);
  a user may change their own password.
- :func:`authenticate`: name and password to an :class:`~culturemap.store.roles.Actor`. Failed
  attempts are logged and counted per account and client (``cli``, or what the app passes, e.g. the
  browser's address): after :data:`FAILED_LOGINS_PER_WINDOW` within :data:`FAILED_LOGIN_WINDOW_S`
  the next is refused even with the right password, saying when to retry.
- :class:`Session`: a signed-in actor in the app, expired after :data:`SESSION_IDLE_S` idle.

A removed account is kept (marked removed, it cannot sign in): the history names its changes, so the
name is not given to anyone else.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pandas as pd
import pyogrio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, Float, Index, MetaData, Table, Text, create_engine, delete, event, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from culturemap.store.errors import StoreError, StoreUnavailable
from culturemap.store.roles import ROLES, Actor, require_role
from culturemap.store.schema import SCHEMA

log = logging.getLogger(__name__)

ACCOUNTS_FILE = "accounts.gpkg"
FAILED_LOGINS_PER_WINDOW = 5  # failed attempts per account and client ...
FAILED_LOGIN_WINDOW_S = 60.0  # ... within this many seconds; the next one is refused
SESSION_IDLE_S = 30 * 60.0  # an app session idle this long is signed out
MIN_PASSWORD_CHARS = 8
NAME = re.compile(r"[\w.@-]{1,64}")  # letters (Chinese too), digits, _ . @ -
ACCOUNTS_LOCK = 1_431_655_766  # pg_advisory_xact_lock key: creating the account tables

metadata = MetaData(schema=SCHEMA)
accounts = Table(
    "accounts",
    metadata,
    Column("name", Text, primary_key=True),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("removed_at", Text),
    Column("removed_by", Text),
)
failed_logins = Table(
    "failed_logins",
    metadata,
    Column("name", Text, nullable=False),
    Column("client", Text, nullable=False),
    Column("at", Float, nullable=False),  # seconds since the epoch (UTC)
    Index("failed_logins_name_client", "name", "client", "at"),
)
_HASHER = PasswordHasher()  # argon2id with argon2-cffi's recommended costs

# an unknown name's password is checked against this hash (of a public phrase, made with _HASHER's costs), so
# that no answer comes sooner; a literal, as hashing at import would cost every command ~0.3 s
_NO_SUCH_HASH = "$argon2id$v=19$m=65536,t=3,p=4$iSQbuaFI+8LgOIqEvYS26Q$Fp2/Ct9MhKkFY6yPWRuEd3ucfd+bAFZ+3R40YzSKo1A"


class AccountError(StoreError):
    """An account operation refused (unknown or wrong name or password, too many failed attempts, a
    name taken, a password too short); nothing was changed. The message names what to do."""


@dataclass(frozen=True)
class Account:
    """One account as :func:`list_users` shows it (never its hash)."""

    name: str
    role: str
    created_at: str
    created_by: str


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- where the accounts are
def accounts_path() -> Path:
    """The GeoPackage of the accounts when no database is set: ``accounts.gpkg`` in the store folder."""
    from culturemap.store import store_folder

    return store_folder() / ACCOUNTS_FILE


def _location() -> tuple[str, str]:
    """``("postgis", url)`` when ``CULTUREMAP_DB_URL`` is set, else ``("gpkg", path of accounts.gpkg)``."""
    from culturemap.store import DB_URL_ENV

    url = os.environ.get(DB_URL_ENV)
    return ("postgis", url) if url else ("gpkg", str(accounts_path()))


@cache
def _postgis_engine(url: str) -> Engine:
    from culturemap.store.postgis import _engine

    engine = _engine(url)  # the store's tables and schema, upgraded
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ACCOUNTS_LOCK})
        metadata.create_all(conn, checkfirst=True)
    return engine


def _create_gpkg(path: Path) -> None:
    """A new GeoPackage at ``path`` holding the two account tables (GDAL makes the GeoPackage, so
    QGIS and ogrinfo open it); made beside it and linked into place, so two processes never both do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    made = path.with_name(f".{path.name}.{os.getpid()}.new.gpkg")
    made.unlink(missing_ok=True)
    try:
        for table in metadata.sorted_tables:
            columns = {
                c.name: pd.Series([], dtype="float64" if isinstance(c.type, Float) else "str") for c in table.columns
            }
            pyogrio.write_dataframe(pd.DataFrame(columns), made, layer=str(table.name), driver="GPKG")
        with _sqlite(made).begin() as conn:
            conn.exec_driver_sql("CREATE UNIQUE INDEX accounts_name ON accounts (name)")
            conn.exec_driver_sql("CREATE INDEX failed_logins_name_client ON failed_logins (name, client, at)")
        _sqlite.cache_clear()
        made.chmod(0o600)  # the hashes: readable by the system user that runs culturemap only
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(made, path)
    finally:
        made.unlink(missing_ok=True)


@cache
def _sqlite(path: Path) -> Engine:
    """An engine on the SQLite file ``path`` whose transactions take the write lock at once
    (``BEGIN IMMEDIATE``), waiting up to 30 s for another writer."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine.execution_options(schema_translate_map={SCHEMA: None})


@contextmanager
def _transaction() -> Iterator[Connection]:
    """One transaction on the accounts, wherever they are; a failing database or file raised as
    :class:`StoreUnavailable` naming where and why (never the SQL)."""
    kind, where = _location()
    try:
        if kind == "postgis":
            engine = _postgis_engine(where)
        else:
            path = Path(where)
            if not path.exists():
                _create_gpkg(path)
            engine = _sqlite(path)
        with engine.begin() as conn:
            if kind == "postgis":  # one account change at a time (the first admin is added once)
                conn.exec_driver_sql(f"LOCK TABLE {SCHEMA}.accounts IN SHARE ROW EXCLUSIVE MODE")
            yield conn
    except DBAPIError as exc:
        raise StoreUnavailable("store_unavailable", location=_shown(kind, where), **_reason(kind, where, exc)) from exc


def _shown(kind: str, where: str) -> str:
    if kind == "postgis":
        from culturemap.store.postgis import _shown_url

        return _shown_url(where)
    return where


def _reason(kind: str, where: str, exc: DBAPIError) -> dict:
    if kind == "postgis":
        from culturemap.store.postgis import db_reason

        code, values = db_reason(exc) or ("reason_db_error", {"sqlstate": "-"})
    elif not os.access(Path(where).parent, os.W_OK):
        code, values = "reason_no_permission", {"path": str(Path(where).parent)}
    else:
        code, values = "reason_gdal", {"kind": type(exc.orig).__name__}
    return {"reason_code": code, **values}


# ----------------------------------------------------------------------------- accounts
def _row(conn: Connection, name: str):
    return conn.execute(select(accounts).where(accounts.c.name == name)).first()


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name or ""):
        raise AccountError("account_bad_name", name=name)


def _check_password(name: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD_CHARS or password == name:
        raise AccountError("account_weak_password", name=name, n=MIN_PASSWORD_CHARS)


def add_user(name: str, role: str, password: str, actor: Actor | None, *, now: float | None = None) -> Account:
    """Add the account ``name`` with ``role`` (one of :data:`ROLES`) and ``password`` (at least
    :data:`MIN_PASSWORD_CHARS` characters, not the name), stored as its argon2 hash.

    ``actor`` must be an admin, except for the very first account, which must be an admin itself
    and needs no actor (None). Raises :class:`AccountError` (bad or taken name, weak password) or
    :class:`~culturemap.store.roles.PermissionDenied`."""
    if role not in ROLES:
        raise AccountError("account_bad_role", role=role, expected=", ".join(ROLES))
    _check_name(name)
    _check_password(name, password)
    password_hash = _HASHER.hash(password)
    now = time.time() if now is None else now
    with _transaction() as conn:
        first = conn.execute(select(func.count()).select_from(accounts)).scalar_one() == 0
        if first:
            if role != "admin":
                raise AccountError("account_first_admin", name=name, role=role)
            created_by = name
        else:
            created_by = require_role(actor, "admin", "action_accounts").name
        held = _row(conn, name)
        if held is not None:
            code = "account_removed_name" if held.removed_at else "account_exists"
            raise AccountError(code, name=name, role=held.role)
        conn.execute(
            accounts.insert().values(
                name=name,
                role=role,
                password_hash=password_hash,
                created_at=_iso(now),
                created_by=created_by,
                updated_at=_iso(now),
            )  # fmt: skip
        )
    log.info("account %s (%s) added by %s", name, role, created_by)
    return Account(name, role, _iso(now), created_by)


def list_users(actor: Actor | None) -> list[Account]:
    """The accounts not removed, by name (an admin's view)."""
    require_role(actor, "admin", "action_accounts")
    with _transaction() as conn:
        rows = conn.execute(
            select(accounts.c.name, accounts.c.role, accounts.c.created_at, accounts.c.created_by)
            .where(accounts.c.removed_at.is_(None))
            .order_by(accounts.c.name)
        ).all()
    return [Account(*row) for row in rows]


def has_accounts() -> bool:
    """True when any account was ever added (then adding one takes an admin)."""
    with _transaction() as conn:
        return conn.execute(select(func.count()).select_from(accounts)).scalar_one() > 0


def remove_user(name: str, actor: Actor | None, *, now: float | None = None) -> None:
    """Remove the account ``name`` (an admin): it can no longer sign in; its row stays, marked removed, so
    the history still names whose changes they were. The last admin cannot be removed."""
    actor = require_role(actor, "admin", "action_accounts")
    now = time.time() if now is None else now
    with _transaction() as conn:
        held = _row(conn, name)
        if held is None or held.removed_at:
            raise AccountError("account_unknown", name=name)
        if held.role == "admin":
            admins = conn.execute(
                select(func.count()).where(accounts.c.role == "admin", accounts.c.removed_at.is_(None))
            ).scalar_one()
            if admins == 1:
                raise AccountError("account_last_admin", name=name)
        conn.execute(
            accounts.update().where(accounts.c.name == name).values(removed_at=_iso(now), removed_by=actor.name)
        )
    log.info("account %s removed by %s", name, actor.name)


def set_password(name: str, password: str, actor: Actor | None, *, now: float | None = None) -> None:
    """Give the account ``name`` a new ``password``: the user themselves or an admin."""
    actor = actor if actor is not None and actor.name == name else require_role(actor, "admin", "action_accounts")
    _check_password(name, password)
    password_hash = _HASHER.hash(password)
    now = time.time() if now is None else now
    with _transaction() as conn:
        held = _row(conn, name)
        if held is None or held.removed_at:
            raise AccountError("account_unknown", name=name)
        conn.execute(
            accounts.update().where(accounts.c.name == name).values(password_hash=password_hash, updated_at=_iso(now))
        )
    log.info("password of %s changed by %s", name, actor.name)


# ----------------------------------------------------------------------------- signing in
def authenticate(name: str, password: str, client: str = "cli", *, now: float | None = None) -> Actor:
    """The :class:`Actor` of ``name`` when ``password`` is theirs.

    Raises :class:`AccountError` ``login_failed`` (the same for an unknown name, a removed account and a
    wrong password: the message does not tell which) or ``login_rate_limited`` after
    :data:`FAILED_LOGINS_PER_WINDOW` failed attempts of this name from this ``client`` within
    :data:`FAILED_LOGIN_WINDOW_S` seconds, even with the right password, naming when to retry. Every
    failure is logged (name and client, never the password); a success forgets the failures."""
    now = time.time() if now is None else now
    with _transaction() as conn:
        since = now - FAILED_LOGIN_WINDOW_S
        recent = conn.execute(
            select(failed_logins.c.at)
            .where(failed_logins.c.name == name, failed_logins.c.client == client, failed_logins.c.at > since)
            .order_by(failed_logins.c.at)
        ).scalars().all()  # fmt: skip
        if len(recent) >= FAILED_LOGINS_PER_WINDOW:
            retry = recent[-FAILED_LOGINS_PER_WINDOW] + FAILED_LOGIN_WINDOW_S
            log.warning("sign-in of %s from %s refused: %d failed attempts within %g s", name, client,
                        len(recent), FAILED_LOGIN_WINDOW_S)  # fmt: skip
            raise AccountError("login_rate_limited", name=name, client=client, retry_at=_iso(retry).replace("+00:00", " UTC"),
                               seconds=max(1, round(retry - now)))  # fmt: skip
        held = _row(conn, name)
        usable = held is not None and not held.removed_at
        if _verify(held.password_hash if usable else _NO_SUCH_HASH, password) and usable:
            conn.execute(delete(failed_logins).where(failed_logins.c.name == name, failed_logins.c.client == client))
            conn.execute(delete(failed_logins).where(failed_logins.c.at <= since))  # forget the old ones
            if _HASHER.check_needs_rehash(held.password_hash):
                conn.execute(accounts.update().where(accounts.c.name == name)
                             .values(password_hash=_HASHER.hash(password)))  # fmt: skip
            log.info("%s signed in from %s", name, client)
            return Actor(name, held.role)
        conn.execute(failed_logins.insert().values(name=name, client=client, at=now))
        conn.execute(delete(failed_logins).where(failed_logins.c.at <= since))  # a guessed name's rows do not pile up
    log.warning("failed sign-in of %s from %s (%d within %g s)", name, client, len(recent) + 1, FAILED_LOGIN_WINDOW_S)
    raise AccountError("login_failed", name=name)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def read_password(prompt: str, *, confirm: bool = False) -> str:
    """A password from the terminal (not echoed; typed twice with ``confirm``), or the next line of
    standard input when it is not a terminal (a script: ``printf '%s\\n' "$PW" | culturemap ...``)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise AccountError("account_no_password", prompt=prompt.rstrip(": "))
        return line.rstrip("\r\n")
    try:
        password = getpass.getpass(prompt)
        if confirm and getpass.getpass(prompt.rstrip(": ") + " (again): ") != password:
            raise AccountError("account_password_mismatch")
    except EOFError:  # Ctrl-D at the prompt
        raise AccountError("account_no_password", prompt=prompt.rstrip(": ")) from None
    return password


def authenticate_cli(name: str) -> Actor:
    """The :class:`Actor` of ``name`` for a command: their password read by :func:`read_password`
    (prompt, or a line of standard input), checked by :func:`authenticate` as client ``cli``."""
    return authenticate(name, read_password(f"password of {name}: "), client="cli")


# ----------------------------------------------------------------------------- app sessions
class SessionExpired(AccountError):
    """The session was idle longer than :data:`SESSION_IDLE_S`: sign in again."""


@dataclass
class Session:
    """A signed-in user of the app: ``actor`` and when they last did something (``last_seen``,
    seconds since the epoch). Idle longer than ``idle_s`` (30 min), it is over."""

    actor: Actor
    last_seen: float
    idle_s: float = SESSION_IDLE_S

    @classmethod
    def start(cls, actor: Actor, *, now: float | None = None) -> Session:
        """A session of ``actor`` (from :func:`authenticate`) beginning ``now``."""
        return cls(actor, time.time() if now is None else now)

    def expired(self, now: float | None = None) -> bool:
        """True when idle for longer than ``idle_s`` at ``now``."""
        return (time.time() if now is None else now) - self.last_seen > self.idle_s

    def touch(self, now: float | None = None) -> Actor:
        """The session's actor, its ``last_seen`` moved to ``now``; :class:`SessionExpired` when idle too long."""
        now = time.time() if now is None else now
        if self.expired(now):
            raise SessionExpired("session_expired", name=self.actor.name, minutes=round(self.idle_s / 60))
        self.last_seen = now
        return self.actor
