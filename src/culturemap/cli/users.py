"""The ``user`` commands: the accounts of the people who edit (:mod:`culturemap.store.accounts`).

``culturemap user add NAME --role viewer|contributor|editor|admin``, ``user list``, ``user remove NAME``,
``user passwd NAME``; each acts as the admin named by ``--as`` (their password asked first), except
the very first account (an admin, added by nobody) and ``passwd`` of one's own account (acting as
oneself). Passwords are asked at the terminal, or read one a line from standard input when it is not
a terminal: first the acting user's, then the new one. Exit 0 done, 1 refused (role, password,
account, too many failed sign-ins) with one ``error:`` line, 2 usage.
"""

from __future__ import annotations

import argparse
import sys

from culturemap.cli.args import add_lang
from culturemap.i18n import tr
from culturemap.store.accounts import (
    AccountError,
    add_user,
    authenticate_cli,
    has_accounts,
    list_users,
    read_password,
    remove_user,
    set_password,
)
from culturemap.store.roles import ROLES, Actor, PermissionDenied, require_role

AS_HELP = "act as this admin (their password is asked first; not needed for the very first account)"


def add_user_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap user add|list|remove|passwd ...``."""
    user = sub.add_parser("user", help="accounts of the people who edit: add, list, remove, change a password")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="add an account (password asked, or one line on stdin)")
    add.add_argument("name", help="the account name (letters, digits, _ . @ -)")
    add.add_argument("--role", choices=ROLES, required=True, help="what the account may do")
    listing = actions.add_parser("list", help="the accounts and their roles")
    remove = actions.add_parser("remove", help="remove an account (its name stays in the history)")
    remove.add_argument("name")
    passwd = actions.add_parser("passwd", help="change an account's password (yours, or any as an admin)")
    passwd.add_argument("name")
    for parser in (add, listing, remove, passwd):
        parser.add_argument("--as", dest="acting", metavar="ADMIN", help=AS_HELP)
        add_lang(parser, "message language (default en)")
        parser.set_defaults(func=cmd_user)


def cmd_user(args: argparse.Namespace) -> int:
    """Run one ``user`` command; exit 1 with one ``error:`` line when it is refused."""
    lang = args.lang or "en"
    try:
        print(_run(args, lang))
    except (AccountError, PermissionDenied) as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return 1
    return 0


def _acting(args: argparse.Namespace, default: str | None = None) -> Actor:
    """The admin (or, for passwd, the user) the command acts as, signed in with their password."""
    name = args.acting or default
    if not name:
        raise AccountError("user_needs_admin")
    return authenticate_cli(name)


def _run(args: argparse.Namespace, lang: str) -> str:
    if args.user_command == "add":
        actor = _acting(args) if args.acting or has_accounts() else None
        if actor is not None:  # refused before the new password is asked
            require_role(actor, "admin", "action_accounts")
        password = read_password(f"new password for {args.name}: ", confirm=True)
        account = add_user(args.name, args.role, password, actor)
        return tr("user_added", lang, name=account.name, role=tr(f"role_{account.role}", lang))
    if args.user_command == "list":
        if not args.acting and not has_accounts():  # nothing to keep from anyone yet
            return tr("user_none", lang)
        users = list_users(_acting(args))
        rows = [f"{u.name}\t{u.role}\t{u.created_at}\t{u.created_by}" for u in users]
        return "\n".join([tr("user_list_header", lang), *rows]) if rows else tr("user_none", lang)
    if args.user_command == "remove":
        remove_user(args.name, _acting(args))
        return tr("user_removed", lang, name=args.name)
    actor = _acting(args, default=args.name)  # passwd: as oneself unless --as an admin
    set_password(args.name, read_password(f"new password for {args.name}: ", confirm=True), actor)
    return tr("user_password_set", lang, name=args.name)
