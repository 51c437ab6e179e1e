"""The "Report" panels of the Map, Routes and Compare pages: a report PDF built on a click, with progress.

A report takes seconds (the city report of Lanzhou about 6 s), so nothing is built until the user opens
the panel, picks a report and presses "Build": a progress bar follows the report function's
``progress(done, total)`` calls, then a button downloads the file. The bytes are kept in the session per
(report, city, selection, language, data version): a rerun, or coming back to the same report, offers
the file again without building it. Files are named for filing
(:func:`culturemap.export.filing.filing_name`). A report that cannot be made from the page's current
state (a district report without exactly one district chosen) is listed with the reason instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st

from culturemap.catalog import City
from culturemap.export.filing import filing_name
from culturemap.i18n import tr
from culturemap.ui.export_panel import folded_panel
from culturemap.ui.state import ViewState
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (steps done, steps in all)
KEPT_REPORTS = 6  # built reports a session keeps (a few MB each)
PAPER = "A4"  # every report is A4 portrait


@dataclass(frozen=True)
class Report:
    """A report a page offers: its stable ``id`` and ``label``; ``build(progress)`` makes its PDF, named
    ``file_name``, kept under ``key`` (what it is built from, comparable); or, when it cannot be made
    now, ``unavailable`` says why (``build`` None)."""

    id: str
    label: str
    build: Callable[[Progress], bytes] | None = None
    file_name: str = ""
    key: tuple = ()
    unavailable: str | None = None


@dataclass(frozen=True)
class _Built:
    data: bytes
    seconds: float


def _kept() -> dict[tuple, _Built]:
    return st.session_state.setdefault("_reports_built", {})


def report_panel(key: str, lang: str, reports: Sequence[Report]) -> None:
    """A folded "Report" panel keyed ``key``: the ``reports`` to choose from (a radio of their ids), and for
    the chosen one its reason when it cannot be made, else a "Build" button (progress while it builds)
    or, once built for this state, the button that downloads it. Call it inside a fragment: the build
    then reruns only the panel."""
    if not (panel := folded_panel(key, lang, "report_panel", ":material/description:")):
        return
    by_id = {r.id: r for r in reports}
    with panel:
        if len(reports) > 1:
            chosen = choice("radio", tr("report_which", lang), list(by_id), key=f"{key}_which",
                            format_func=lambda rid: by_id[rid].label)  # fmt: skip
        else:
            chosen = reports[0].id
            st.markdown(f"**{plain(reports[0].label)}**")
        report = by_id[chosen]
        if report.build is None:
            st.info(report.unavailable or "")
            return
        full_key = (report.id, *report.key, lang)
        built = _kept().get(full_key)
        if built is None:
            # the caption and the button go once the click has built the report: the download replaces them
            slot = st.empty()
            with slot.container():
                st.caption(tr("report_takes", lang))
                clicked = st.button(tr("report_build", lang), key=f"{key}_build", type="primary",
                                    icon=":material/description:")  # fmt: skip
            if clicked:
                slot.empty()
                built = _build(report, full_key, lang)
        if built is not None:
            st.download_button(tr("export_download", lang, name=report.file_name, kb=len(built.data) / 1024),
                               built.data, file_name=report.file_name, mime="application/pdf", on_click="ignore",
                               key=f"{key}_download", icon=":material/download:", type="primary")  # fmt: skip
            st.caption(tr("report_built", lang, s=built.seconds))


def _build(report: Report, full_key: tuple, lang: str) -> _Built | None:
    """Build ``report`` under a progress bar; keep and return it (None, with the error shown, when it fails)."""
    bar = st.progress(0.0, text=tr("report_building", lang, what=report.label, done=0, total="…"))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=tr("report_building", lang, what=report.label, done=done,
                                                             total=total))  # fmt: skip

    started = time.perf_counter()
    try:
        data = report.build(progress)
    except Exception as error:  # shown to the user, never as a traceback
        log.exception("report %s failed", report.id)
        bar.empty()
        st.error(tr("report_build_failed", lang, error=error))
        return None
    bar.empty()
    built = _Built(data, time.perf_counter() - started)
    log.info("report %s built in %.1f s (%d KB)", report.id, built.seconds, len(data) // 1024)
    kept = _kept()
    kept[full_key] = built
    while len(kept) > KEPT_REPORTS:  # the oldest first
        kept.pop(next(iter(kept)))
    return built


def _district_names(city: City) -> dict[str, str]:
    districts = city.layers["districts"]
    return dict(zip(districts["name_zh"], districts["name_en"]))


@st.fragment
def map_reports(city: City, state: ViewState, version: str) -> None:
    """The Map page's reports: the city report, the report of the district the filter holds (when it holds
    exactly one) and the district atlas (``version``: the city's data version)."""
    from culturemap.export.atlas import district_atlas
    from culturemap.export.report import city_report

    lang = state.lang or city.config.default_lang
    cid, today = city.config.id, date.today()
    reports = [
        Report("city", tr("report_opt_city", lang), lambda progress: city_report(city, None, lang, progress=progress),
               filing_name(cid, "report", "pdf", (), PAPER, today), (cid, version, today)),
    ]  # fmt: skip
    if len(state.district) == 1:
        district = state.district[0]
        english = _district_names(city).get(district) or district
        reports.append(Report(
            "district", tr("report_opt_district", lang, district=district if lang == "zh" else english),
            lambda progress: city_report(city, district, lang, progress=progress),
            filing_name(cid, "report", "pdf", (english,), PAPER, today), (cid, district, version, today),
        ))  # fmt: skip
    else:
        reports.append(Report("district", tr("report_opt_district_none", lang),
                              unavailable=tr("report_district_pick", lang, n=len(state.district))))  # fmt: skip
    reports.append(Report(
        "atlas", tr("report_opt_atlas", lang), lambda progress: district_atlas(city, lang, progress=progress),
        filing_name(cid, "atlas", "pdf", ("districts",), PAPER, today), (cid, version, today),
    ))  # fmt: skip
    report_panel("map_report", lang, reports)


@st.fragment
def route_reports(city: City, plan, title: str, theme: str | None, request, lang: str) -> None:
    """The Routes page's report: the route report of the current ``plan`` under ``title`` (``theme``: the
    theme route's id, in the file name; ``request``: what the plan was made from, comparable)."""
    from culturemap.export.route_report import route_report

    cid, today = city.config.id, date.today()
    report = Report("route", tr("report_route_pdf", lang),
                    lambda progress: route_report(city, plan, title, lang, progress=progress),
                    filing_name(cid, "route", "pdf", (theme or "",), PAPER, today), (cid, request, title, today))  # fmt: skip
    report_panel("route_report", lang, [report])


@st.fragment
def compare_reports(packs: tuple[tuple[str, str], ...], cards: list, lang: str) -> None:
    """The Compare page's report of the two ``packs`` ((path, data version) each) and their ``cards``."""
    from culturemap.export.compare_report import compare_report
    from culturemap.ui.context import load_pack

    first, second = (card.city_id for card in cards)
    today = date.today()
    report = Report("compare", tr("report_opt_compare", lang),
                    lambda progress: compare_report([load_pack(*pack)[0] for pack in packs], cards, lang,
                                                    progress=progress),
                    filing_name(first, "compare", "pdf", (second,), PAPER, today), (packs, today))  # fmt: skip
    report_panel("compare_report", lang, [report])
