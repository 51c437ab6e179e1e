"""The analysis page's charts (Altair): Ripley's L, the corridor profile, the soft-power index; and
:func:`show_chart`, which shows any chart with its data as a table for screen readers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS


def chart_table(chart: alt.Chart | alt.LayerChart) -> pd.DataFrame:
    """The rows ``chart`` draws (of its first layer), one column per tooltip field under the tooltip's
    title (the chart's own wording, in its language), numbers rounded to 2 decimals."""
    part = chart.layer[0] if isinstance(chart, alt.LayerChart) else chart
    tips = [tip.to_dict() for tip in part.encoding.tooltip]
    data = part.data if isinstance(part.data, pd.DataFrame) else chart.data  # a layer's shared data is the chart's
    table = data[[tip["field"] for tip in tips]]
    return table.rename(columns={tip["field"]: tip.get("title", tip["field"]) for tip in tips}).round(2)


def show_chart(chart: alt.Chart | alt.LayerChart, lang: str) -> None:
    """``chart`` across the container and, behind a disclosure under it, its :func:`chart_table`: the
    chart's text alternative (WCAG 1.1.1; a static table, which screen readers read cell by cell)."""
    st.altair_chart(chart, width="stretch")
    with st.expander(tr("chart_data", lang)):
        st.table(chart_table(chart), hide_index=True)


def _legend() -> alt.Legend:
    """Series legend below the chart, wrapped in three columns, labels never cut short."""
    return alt.Legend(orient="bottom", columns=3, labelLimit=400, title=None)


def ripley_chart(ripley: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Ripley's L (m) against the distance d (m), from :func:`~culturemap.analysis.stats.ripley_l`:
    the observed L as a line over the band of L between the 2.5 and 97.5 percentiles of random patterns."""
    observed = tr("chart_ripley_observed", lang)
    envelope = tr("chart_ripley_envelope", lang, n=ripley.attrs.get("n_simulations", "?"))
    frame = ripley[["distance_m", "l_observed", "envelope_low", "envelope_high"]].assign(
        observed=observed, envelope=envelope
    )
    colours = alt.Scale(domain=[observed, envelope], range=["#d62728", "#9ecae1"])
    x = alt.X("distance_m:Q", title=tr("chart_distance_m", lang))
    y_title = tr("chart_ripley_l_m", lang)
    tooltip = [
        alt.Tooltip("distance_m:Q", title=tr("chart_distance_m", lang), format=",.0f"),
        alt.Tooltip("l_observed:Q", title=tr("chart_ripley_observed_m", lang), format=",.0f"),
        alt.Tooltip("envelope_low:Q", title=tr("chart_ripley_low", lang), format=",.0f"),
        alt.Tooltip("envelope_high:Q", title=tr("chart_ripley_high", lang), format=",.0f"),
    ]
    band = (
        alt.Chart(frame)
        .mark_area(opacity=0.6)
        .encode(
            x=x,
            y=alt.Y("envelope_low:Q", title=y_title),
            y2="envelope_high:Q",
            color=alt.Color("envelope:N", scale=colours, legend=_legend()),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("l_observed:Q", title=y_title),
            color=alt.Color("observed:N", scale=colours, legend=_legend()),
            tooltip=tooltip,
        )
    )
    return alt.layer(band, line)


def corridor_profile_chart(profile: pd.DataFrame, bin_km: float, lang: str) -> alt.Chart:
    """Assets (count) per ``bin_km`` stretch of river, stacked by layer in the layers' map colours,
    from :func:`~culturemap.analysis.corridor.corridor_profile`; x is the chainage (km) from the upstream end."""
    present = [lid for lid in ASSET_LAYERS if lid in profile.columns and profile[lid].any()]
    counts = profile.melt(id_vars="start_km", value_vars=present, var_name="layer", value_name="count")
    counts = counts[counts["count"] > 0].assign(
        end_km=lambda f: f["start_km"] + bin_km,
        stretch=lambda f: [f"{start:g}–{start + bin_km:g}" for start in f["start_km"]],
        layer=lambda f: [LAYERS[v].label(lang) for v in f["layer"]],
    )
    colours = alt.Scale(
        domain=[LAYERS[lid].label(lang) for lid in present], range=[LAYERS[lid].color for lid in present]
    )
    top_km = float(profile["start_km"].max()) + bin_km if len(profile) else bin_km
    return (
        alt.Chart(counts)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "start_km:Q",
                bin="binned",
                title=tr("chart_chainage_km", lang),
                scale=alt.Scale(domain=[0, top_km], nice=False),
            ),
            x2="end_km:Q",
            y=alt.Y(
                "count:Q", title=tr("chart_asset_count", lang), stack="zero", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            color=alt.Color("layer:N", scale=colours, legend=_legend()),
            tooltip=[
                alt.Tooltip("stretch:N", title=tr("chart_stretch_km", lang)),
                alt.Tooltip("layer:N", title=tr("col_layer", lang)),
                alt.Tooltip("count:Q", title=tr("chart_asset_count", lang)),
            ],
        )
    )


def soft_power_chart(index: pd.DataFrame, lang: str) -> alt.Chart:
    """The soft-power index (0-100) per district as horizontal bars, in the order of its rank
    (best on top, as in the table), from :func:`~culturemap.analysis.proximity.soft_power_index`."""
    name_col = "name_zh" if lang == "zh" else "name_en"
    ranked = index.sort_values(["rank", name_col])
    frame = pd.DataFrame({"district": ranked[name_col], "rank": ranked["rank"], "index": ranked["index"].round(2)})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("district:N", sort=frame["district"].tolist(), title=tr("col_district", lang)),
            x=alt.X("index:Q", title=tr("chart_index", lang), scale=alt.Scale(domain=[0, 100])),
            tooltip=[
                alt.Tooltip("rank:Q", title=tr("col_rank", lang)),
                alt.Tooltip("district:N", title=tr("col_district", lang)),
                alt.Tooltip("index:Q", title=tr("chart_index", lang)),
            ],
        )
    )
