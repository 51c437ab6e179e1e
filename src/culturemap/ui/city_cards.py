"""The city card of a pack (:func:`~culturemap.analysis.lens.city_card`: heritage clusters, campuses,
indicators), computed once per pack version and shared by the University lens and Compare pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from culturemap.analysis.lens import CityCard, city_card
from culturemap.i18n import tr
from culturemap.render.fact_card import name_with_campus
from culturemap.ui.context import load_pack


@st.cache_resource(show_spinner=False, max_entries=8)
def card(path: str, version: str) -> CityCard:
    """The pack's :func:`~culturemap.analysis.lens.city_card`, once per pack (the Compare page's too)."""
    return city_card(load_pack(path, version)[0])


def clusters_table(city_card: CityCard, lang: str) -> pd.DataFrame | None:
    """The heritage clusters of ``city_card`` and the campus nearest to each, labelled; None without clusters."""
    clusters = city_card.clusters
    if clusters.empty:
        return None
    campuses = city_card.campus_clusters.set_index("id")
    nearest = [name_with_campus(campuses.loc[cid], lang) for cid in clusters["nearest_campus_id"]]
    return pd.DataFrame(
        {
            tr("col_cluster", lang): clusters["cluster"],
            tr("col_cluster_label", lang): clusters["label_zh" if lang == "zh" else "label_en"],
            tr("col_n_units", lang): clusters["n_units"],
            tr("col_nearest_campus", lang): nearest,
            tr("col_nearest_campus_km", lang): [_km_text(km, lang) for km in clusters["nearest_campus_km"]],
        }
    )


def _km_text(km: float, lang: str) -> str:
    """A campus's distance to a cluster (km) as the table shows it: 0 (the campus lies in the cluster's
    zone) in words, under 0.1 km as "<0.1" (it read "0"), else to 0.01 km."""
    if km == 0:
        return tr("lens_campus_in_cluster", lang)
    return "<0.1" if km < 0.1 else f"{km:.2f}"
