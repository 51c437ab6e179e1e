"""``culturemap worklist``: the survey worklist (the assets whose position is approximate, in survey
order) as a printable PDF, GPX waypoints for a phone or CSV."""

from __future__ import annotations

import argparse
import sys

from culturemap.cli.args import add_city, add_lang, add_out, named_output, read_city
from culturemap.i18n import tr
from culturemap.io.files import OutputError, atomic_outputs

FORMATS = ("pdf", "gpx", "csv")


def add_worklist_parser(sub: argparse._SubParsersAction) -> None:
    """``culturemap worklist --city C [--district D] [--format pdf|gpx|csv] [--lang] --out F``."""
    worklist = sub.add_parser("worklist", help="the survey worklist: assets with an approximate position, in order")
    add_city(worklist)
    worklist.add_argument("--district", help="only this district (Chinese or English name)")
    worklist.add_argument("--format", choices=FORMATS, default="pdf", help="pdf (to print, default), gpx or csv")
    add_lang(worklist, "language of the PDF and GPX (default: the city's)")
    add_out(worklist, folder=True)
    worklist.set_defaults(func=cmd_worklist)


def cmd_worklist(args: argparse.Namespace) -> int:
    """Write the worklist of ``--city`` (one district with ``--district``) as ``--format``."""
    from culturemap.analysis.worklist import survey_worklist
    from culturemap.catalog.config import UnknownDistrictError
    from culturemap.export.filing import filing_name
    from culturemap.export.worklist import worklist_csv, worklist_gpx, worklist_pdf

    city = read_city(args.city)
    lang = args.lang or city.config.default_lang
    district, district_en = None, ""
    if args.district:
        try:
            district, district_en = city.district(args.district)
        except UnknownDistrictError as exc:
            print(f"error: argument --district: {exc}", file=sys.stderr)
            return 2
    worklist = survey_worklist(city.assets(), district)
    name = filing_name(city.config.id, "survey-worklist", args.format, (district_en,),
                       "A4" if args.format == "pdf" else None)  # fmt: skip
    try:
        out = named_output(args.out, name)
    except OutputError as exc:
        print(f"error: argument --out: {exc}", file=sys.stderr)
        return 2
    if args.format == "pdf":
        data = worklist_pdf(city, worklist, lang)
    elif args.format == "gpx":
        data = worklist_gpx(city, worklist, lang).encode("utf-8")
    else:
        data = worklist_csv(worklist)
    with atomic_outputs([out]) as (tmp,):
        tmp.write_bytes(data)
    where = f" · {district if lang == 'zh' else district_en or district}" if district else ""
    print(tr("cli_worklist_written", lang, fmt=args.format, path=out, n=len(worklist), where=where))
    return 0
