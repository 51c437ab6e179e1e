"""The survey worklist on the Data page: a folded panel listing the assets whose position is approximate,
in survey order (:func:`culturemap.analysis.worklist.survey_worklist`), for one district or all, with
the list as a PDF to print, GPX for a phone's map app and CSV. It reads the loaded city, so a position
confirmed in the store leaves the list at the next run."""

from __future__ import annotations

import streamlit as st

from culturemap.analysis.worklist import survey_worklist
from culturemap.catalog import City
from culturemap.export.filing import filing_name
from culturemap.i18n import tr
from culturemap.layers import COORD_ACCURACY
from culturemap.ui.export_panel import MIME_TYPES, PreparedFile, prepare_and_download
from culturemap.ui.widgets import choice

ALL = "all"  # the district choice that keeps every district


def worklist_panel(city: City, version: str, lang: str) -> None:
    """The folded panel (closed on arrival); ``version``: the city's data version (what a built PDF is
    kept for)."""
    from culturemap.export.worklist import _class, _name, district_names, worklist_csv, worklist_gpx, worklist_pdf

    assets = city.assets()
    everything = survey_worklist(assets)
    with st.expander(tr("worklist_panel", lang, n=len(everything)), icon=":material/checklist:"):
        st.caption(tr("worklist_intro", lang))
        districts = city.layers["districts"]
        district_of = district_names(city, lang)
        options = [ALL, *(d for d in districts["name_zh"] if (everything["district"] == d).any())]
        picked = choice("selectbox", tr("worklist_district", lang), options, key="worklist_district", default=ALL,
                        format_func=lambda d: tr("worklist_all_districts", lang) if d == ALL else district_of(d))  # fmt: skip
        district = None if picked == ALL else picked
        rows = everything if district is None else survey_worklist(assets, district)
        records = rows.to_dict("records")
        st.dataframe(
            {
                tr("worklist_col_rank", lang): [r["rank"] for r in records],
                tr("worklist_col_name", lang): [_name(r, lang) for r in records],
                tr("worklist_col_class", lang): [_class(r, lang) for r in records],
                tr("worklist_col_district", lang): [district_of(r["district"]) for r in records],
                tr("worklist_col_accuracy", lang): [COORD_ACCURACY.label(r["coord_accuracy"], lang) for r in records],
                tr("worklist_col_within", lang): [f"{r['uncertainty_m']:,.0f} m" for r in records],
            },
            hide_index=True,
            key="worklist_table",
        )
        english = "" if district is None else districts.loc[districts["name_zh"] == district, "name_en"].iloc[0]
        selection = (english,) if district else ()
        left, right = st.columns(2)
        with left:
            st.download_button(tr("worklist_fmt_gpx", lang), worklist_gpx(city, rows, lang).encode("utf-8"),
                               file_name=filing_name(city.config.id, "survey-worklist", "gpx", selection),
                               mime="application/gpx+xml", on_click="ignore", key="worklist_gpx",
                               icon=":material/download:")  # fmt: skip
        with right:
            st.download_button(tr("worklist_fmt_csv", lang), worklist_csv(rows),
                               file_name=filing_name(city.config.id, "survey-worklist", "csv", selection),
                               mime=MIME_TYPES["csv"], on_click="ignore", key="worklist_csv",
                               icon=":material/download:")  # fmt: skip
        name = filing_name(city.config.id, "survey-worklist", "pdf", selection, "A4")
        prepare_and_download("worklist_pdf", lang, (version, district, lang), tr("worklist_fmt_pdf", lang),
                             lambda: PreparedFile(name, MIME_TYPES["pdf"], worklist_pdf(city, rows, lang)))  # fmt: skip
