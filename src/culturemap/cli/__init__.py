"""The ``culturemap`` command line: the same catalog and analysis functions as the app, no UI.

One module per group of commands, each command's options beside the function that runs it:
:mod:`.data` (validate, build, store, dump, import), :mod:`.analysis` (density, corridor, stats),
:mod:`.routes` (route), :mod:`.maps` (export, report), :mod:`.serve` (serve), :mod:`.users` (user); the
arguments they share (city, language, output file, bbox, lists, times, dates) are read in :mod:`.args`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from culturemap.cli.analysis import add_corridor_parser, add_density_parser, add_stats_parser
from culturemap.cli.data import (
    add_build_parser,
    add_dump_parser,
    add_import_parser,
    add_store_parser,
    add_validate_parser,
)
from culturemap.cli.edits import add_edit_parser, add_history_parser, add_review_parser, add_undo_parser
from culturemap.cli.maps import add_export_parser, add_report_parser
from culturemap.cli.routes import add_route_parser
from culturemap.cli.serve import add_serve_parser
from culturemap.cli.users import add_user_parser
from culturemap.cli.worklist import add_worklist_parser
from culturemap.failures import EXPECTED, error_lang, failure

# the order of `culturemap --help`: the README's
COMMANDS = (
    add_validate_parser,
    add_build_parser,
    add_density_parser,
    add_corridor_parser,
    add_stats_parser,
    add_route_parser,
    add_export_parser,
    add_report_parser,
    add_store_parser,
    add_dump_parser,
    add_import_parser,
    add_worklist_parser,
    add_edit_parser,
    add_history_parser,
    add_undo_parser,
    add_review_parser,
    add_serve_parser,
    add_user_parser,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``culturemap`` parser: ``-v`` and one subcommand, in the README's order."""
    description = (
        "Cultural assets of a city on a map, with analysis: check and build packs, analyse, plan routes, "
        "export maps and reports, keep the store, import lists, serve the app (see README.md)."
    )
    parser = argparse.ArgumentParser(prog="culturemap", description=description)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)
    for add_parser in COMMANDS:
        add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code, or 1/2 with one ``error:`` line for an expected failure (no traceback)."""
    argv, args = sys.argv[1:] if argv is None else [str(a) for a in argv], None
    try:
        args = build_parser().parse_args(argv)  # an --out the file system refuses raises OSError here
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
        return args.func(args)
    except EXPECTED as exc:  # bad data or input (exit 2); a database, disk or folder failing (exit 1): not bugs
        message, code = failure(exc, error_lang(argv, getattr(args, "lang", None)))
        print(f"error: {message}", file=sys.stderr)
        return code
