"""The editing commands (issue 28): batch corrections of a city's store, its history, undo and review.

``culturemap edit --city C --layer L --id ID [--set FIELD=VALUE ...] [--lon X --lat Y [--crs
wgs84|gcj02|bd09]] [--accuracy KIND] [--retire REASON | --restore] [--expect-version N] [--reason TEXT]
--user NAME``: the fields first, then the position, then retire or restore, each one edit (one
transaction, the next version); ``--expect-version`` is the version the first edit is made on (default:
the row's version now). A contributor's edit is filed as a proposal for review (one kind of change per
command). ``culturemap history --city C [--id ID] [--user U] [--layer L] [--action A] [--format csv|json]
[--out F]`` (no sign-in: viewers read everything), ``culturemap undo --city C --user NAME`` (that user's
last change), ``culturemap review --city C [--approve ID | --reject ID] [--comment T] --user NAME``
(without --approve/--reject: the pending proposals).

The password of ``--user`` is asked at the terminal, or read as one line of standard input when it is
not a terminal (as for ``culturemap user``). Exit 0 done, 1 refused (role, password, stale version, bad
value, no such row) with one ``error:`` line, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys

from culturemap.cli.args import STORE_CITY_ID, add_city, add_lang, add_out
from culturemap.crs import DATUMS
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.store import StoreError, open_store
from culturemap.store.edits import ACTIONS
from culturemap.store.roles import Actor

USER_HELP = "the account acting (its password is asked, or read as one line of standard input)"


def _signed_in(name: str) -> Actor:
    from culturemap.store.accounts import authenticate_cli

    return authenticate_cli(name)


def _refused(exc: StoreError, lang: str) -> int:
    print(f"error: {exc.message(lang)}", file=sys.stderr)
    return 1


def field_value(text: str) -> tuple[str, str]:
    """``FIELD=VALUE`` of ``--set`` (VALUE may be empty: it clears an optional field)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected FIELD=VALUE, got {text!r}")
    return name.strip(), value


def expected_version(text: str) -> int:
    """``--expect-version``: a whole number of at least 1 (an argparse type)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a version 1, 2, ..., got {text!r}")
    return value


# ----------------------------------------------------------------------------- edit
def add_edit_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap edit ...``."""
    edit = sub.add_parser(
        "edit",
        help="correct one asset in the store: fields, position, retire or restore (a contributor's edit is proposed)",
    )
    add_city(edit, STORE_CITY_ID)
    edit.add_argument("--layer", required=True, choices=list(LAYERS), help="the asset's layer")
    edit.add_argument("--id", required=True, help="the asset's key (id, code or name_zh, as the layer keys rows)")
    edit.add_argument("--set", dest="changes", action="append", type=field_value, default=[], metavar="FIELD=VALUE",
                      help="set a field (repeat for more; an empty VALUE clears an optional field; a list field"
                      " takes comma-separated values)")  # fmt: skip
    edit.add_argument("--lon", type=float, help="move the asset: longitude (degrees, in --crs)")
    edit.add_argument("--lat", type=float, help="move the asset: latitude (degrees, in --crs)")
    edit.add_argument("--crs", choices=DATUMS, default="wgs84", help="datum of --lon/--lat (stored as WGS-84)")
    edit.add_argument("--accuracy", metavar="KIND", help="what placed the position (coord_accuracy, e.g. surveyed)")
    state = edit.add_mutually_exclusive_group()
    state.add_argument("--retire", metavar="REASON", help="hide the asset from the city, with the reason (kept)")
    state.add_argument("--restore", action="store_true", help="bring a retired asset back")
    edit.add_argument("--expect-version", type=expected_version, metavar="N",
                      help="the version the edit is made on: refused when the asset changed since")  # fmt: skip
    edit.add_argument("--reason", default="", help="why (kept in the history)")
    edit.add_argument("--user", required=True, help=USER_HELP)
    add_lang(edit, "message language (default en)", default="en")
    edit.set_defaults(func=cmd_edit)


def _edits(args: argparse.Namespace) -> list[str]:
    """The kinds of change asked, in the order they are made."""
    kinds = []
    if args.changes or (args.accuracy is not None and args.lon is None):
        kinds.append("update")
    if args.lon is not None:
        kinds.append("move")
    if args.retire is not None:
        kinds.append("retire")
    if args.restore:
        kinds.append("restore")
    return kinds


def cmd_edit(args: argparse.Namespace) -> int:
    """Make the edits asked, each in its own transaction; exit 1 with one ``error:`` line at the first refused."""
    if (args.lon is None) != (args.lat is None):
        print("culturemap edit: error: --lon and --lat go together", file=sys.stderr)
        return 2
    kinds = _edits(args)
    if not kinds:
        print("culturemap edit: error: nothing to change: give --set, --lon/--lat, --accuracy, --retire or --restore",
              file=sys.stderr)  # fmt: skip
        return 2
    store, lang = open_store(args.city), args.lang
    try:
        actor = _signed_in(args.user)
        if not actor.can("editor") and len(kinds) > 1:
            raise StoreError("edit_one_proposal", kinds=", ".join(kinds))
        version = args.expect_version
        if version is None:
            version = _current_version(store, args.layer, args.id)
        for kind in kinds:
            result = _one_edit(store, kind, args, version, actor)
            if result.proposal is not None:
                print(tr("edit_proposed", lang, layer=result.layer, id=result.id, proposal=result.proposal))
            else:
                print(tr("edit_done", lang, layer=result.layer, id=result.id, version=result.version,
                         action=result.action))  # fmt: skip
                version = result.version
    except StoreError as exc:  # PermissionDenied, StaleVersion and AccountError are StoreErrors too
        return _refused(exc, lang)
    return 0


def _current_version(store, layer: str, id: str) -> int:
    from culturemap.store.base import key_field

    rows = store.read_layer(layer, retired=True, meta=True)
    found = rows[rows[key_field(LAYERS[layer])].astype(str) == id]
    if found.empty:
        raise StoreError("store_no_such_row", layer=layer, id=id)
    return int(found["version"].iloc[0])


def _one_edit(store, kind: str, args: argparse.Namespace, version: int, actor: Actor):
    if kind == "update":
        changes = dict(args.changes)
        if args.accuracy is not None and args.lon is None:
            changes["coord_accuracy"] = args.accuracy
        return store.update_asset(args.layer, args.id, changes, version, actor, args.reason)
    if kind == "move":
        return store.move_asset(args.layer, args.id, args.lon, args.lat, args.accuracy, version, actor, args.reason,
                                datum=args.crs)  # fmt: skip
    if kind == "retire":
        return store.retire_asset(args.layer, args.id, version, actor, args.retire)
    return store.restore_asset(args.layer, args.id, version, actor, args.reason)


# ----------------------------------------------------------------------------- history
def add_history_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap history ...``."""
    history = sub.add_parser("history", help="every change of a city's store: who, when, what, before and after")
    add_city(history, STORE_CITY_ID)
    history.add_argument("--id", help="only this asset's changes")
    history.add_argument("--user", help="only this account's changes")
    history.add_argument("--layer", choices=list(LAYERS), help="only this layer's changes")
    history.add_argument("--action", choices=ACTIONS, help="only changes of this kind")
    history.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default) or json")
    add_out(history, required=False, help="write to this file (default: standard output)")
    add_lang(history, "message language (default en)", default="en")
    history.set_defaults(func=cmd_history)


def cmd_history(args: argparse.Namespace) -> int:
    """Print or write the history, oldest first: CSV (before/after as JSON text) or a JSON list."""
    frame = open_store(args.city).history(id=args.id, user=args.user, layer=args.layer, action=args.action)
    if args.format == "json":
        records = frame.to_dict(orient="records")
        for record in records:
            for side in ("before", "after"):
                record[side] = None if record[side] is None else json.loads(record[side])
            record["version"] = int(record["version"])
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    else:
        text = frame.to_csv(index=False, lineterminator="\n")
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(tr("history_written", args.lang, path=args.out, n=len(frame), fmt=args.format))
    return 0


# ----------------------------------------------------------------------------- undo
def add_undo_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap undo --city C --user NAME``."""
    undo = sub.add_parser("undo", help="take back your last change (the asset gets its previous state again)")
    add_city(undo, STORE_CITY_ID)
    undo.add_argument("--reason", default="", help="why (kept in the history)")
    undo.add_argument("--user", required=True, help=USER_HELP)
    add_lang(undo, "message language (default en)", default="en")
    undo.set_defaults(func=cmd_undo)


def cmd_undo(args: argparse.Namespace) -> int:
    """``culturemap undo``: take back the user's last change (exit 0 done, 1 refused)."""
    store = open_store(args.city)
    try:
        result = store.undo_last(_signed_in(args.user), args.reason)
    except StoreError as exc:
        return _refused(exc, args.lang)
    print(tr("edit_undone", args.lang, layer=result.layer, id=result.id, version=result.version,
             action=result.undone))  # fmt: skip
    return 0


# ----------------------------------------------------------------------------- review
def add_review_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap review --city C [--approve ID | --reject ID] [--comment T] --user NAME``."""
    review = sub.add_parser("review", help="contributors' proposals: list the pending ones, approve or reject one")
    add_city(review, STORE_CITY_ID)
    decision = review.add_mutually_exclusive_group()
    decision.add_argument("--approve", type=int, metavar="ID", help="apply proposal ID")
    decision.add_argument("--reject", type=int, metavar="ID", help="reject proposal ID (needs --comment)")
    review.add_argument("--comment", default="", help="the reviewer's comment (kept with the proposal)")
    review.add_argument("--user", required=True, help=USER_HELP)
    add_lang(review, "message language (default en)", default="en")
    review.set_defaults(func=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    """``culturemap review``: list the pending proposals, or approve or reject one (exit 0 done, 1 refused)."""
    store, lang = open_store(args.city), args.lang
    try:
        actor = _signed_in(args.user)
        if args.approve is None and args.reject is None:
            _print_pending(store, lang)
            return 0
        number = args.approve if args.approve is not None else args.reject
        store.review(number, args.approve is not None, args.comment, actor)
    except StoreError as exc:
        return _refused(exc, lang)
    print(tr("review_approved" if args.approve is not None else "review_rejected", lang, proposal=number))
    return 0


def _print_pending(store, lang: str) -> None:
    pending = store.proposals()
    if pending.empty:
        print(tr("review_none", lang))
        return
    print(tr("review_list_header", lang))
    for p in pending.itertuples():
        changes = json.dumps(p.changes, ensure_ascii=False)
        print(f"{p.proposal}\t{p.layer}\t{p.id}\t{p.action}\t{p.user}\t{p.time}\t{changes}\t{p.reason}")
