"""The "Density & corridor" page: where assets concentrate, how the river carries them,
how districts compare. Every number comes from culturemap.analysis (metric CRS, units in names)."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from culturemap.analysis.aggregate import h3_cell_area_km2, h3_counts
from culturemap.analysis.corridor import band_counts, corridor_profile, linear_reference, river_length_km
from culturemap.analysis.density import contour_polygons, grade_weights, kde, scott_bandwidth_m
from culturemap.analysis.districts import district_summary
from culturemap.analysis.proximity import COMPONENTS, DEFAULT_WEIGHTS, FORMULA, campus_proximity, soft_power_index
from culturemap.analysis.stats import clark_evans, coverage_gaps, fill_hex_grid, hotspots, interpret, ripley_l
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS
from culturemap.render.assets import localise_assets
from culturemap.render.folium_map import build_hex_map, choropleth_map, density_overlay_map, feature_name
from culturemap.render.static import density_figure
from culturemap.ui.app import page_context, vendor_base_url
from culturemap.ui.widgets import choice

BUFFER_CHOICES_KM = (0.5, 1.0, 2.0, 5.0, 10.0)
PROFILE_BIN_KM = 5.0
BANDWIDTH_MIN_M = 200
BANDWIDTH_MAX_M = 10_000  # the slider reaches further when Scott's rule suggests more
BANDWIDTH_START_MAX_M = 3_000  # Scott's rule over a whole municipality gives tens of km: start at a town centre's scale
BANDWIDTH_STEP_M = 100


def bandwidth_slider_m(suggested_m: float) -> tuple[int, int, int, int]:
    """The KDE bandwidth slider for Scott's suggestion ``suggested_m`` (m): ``(low, high, start, suggestion)``
    in metres, the suggestion rounded to the slider's 100 m step and always inside ``low``-``high``
    (the range reaches past 10 km in 5 km steps, or below 200 m, when the suggestion does)."""
    suggestion = max(BANDWIDTH_STEP_M, int(round(suggested_m / BANDWIDTH_STEP_M)) * BANDWIDTH_STEP_M)
    low = min(BANDWIDTH_MIN_M, suggestion)
    high = max(BANDWIDTH_MAX_M, math.ceil(suggestion / 5_000) * 5_000)
    return low, high, min(suggestion, BANDWIDTH_START_MAX_M), suggestion


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


@st.cache_resource(show_spinner=False, max_entries=16)
def _density(path: str, mtime: float, layers: tuple[str, ...], bandwidth_m: float, weighted: bool, lang: str):
    city, _ = page_context().load()
    assets = city.assets(layers)
    grid = kde(assets, city.config.metric_crs, bandwidth_m, weights=grade_weights(assets) if weighted else None)
    contours = contour_polygons(grid)
    title = tr("density_title", lang, city=city.config.name(lang), n=len(assets), bw=grid.bandwidth_m)
    figure = density_figure(
        grid, city.layers["districts"], city.layers["river"], contours, title, tr("density_unit", lang),
        axis_labels=(tr("figure_easting_km", lang, crs=grid.crs), tr("figure_northing_km", lang)),
    )  # fmt: skip
    return grid, contours, figure


@st.cache_resource(show_spinner=False, max_entries=16)
def _hotspots(path: str, mtime: float, layers: tuple[str, ...], resolution: int):
    city, _ = page_context().load()
    cells = h3_counts(city.assets(layers), resolution)
    return hotspots(fill_hex_grid(cells, resolution), permutations=499, seed=0) if len(cells) else cells


@st.cache_resource(show_spinner=False, max_entries=16)
def _pattern_stats(path: str, mtime: float, layers: tuple[str, ...]):
    city, _ = page_context().load()
    metric = city.config.metric_crs
    points = city.assets(layers).to_crs(metric).geometry.representative_point()
    xy = np.column_stack([points.x, points.y])
    area_m2 = float(city.layers["districts"].to_crs(metric).area.sum())
    return clark_evans(xy, area_m2), ripley_l(xy, support_m=15, n_simulations=99, seed=0)


@st.cache_data(show_spinner=False, max_entries=16)
def _corridor(path: str, mtime: float, layers: tuple[str, ...]) -> pd.DataFrame:
    city, _ = page_context().load()
    assets = city.assets(layers)
    ref = linear_reference(assets, city.layers["river"], city.config.metric_crs)
    return assets[["id", "layer", "name_zh", "name_en", "district"]].join(ref)


COLUMN_KEYS = ("band", "within_km", "total", "cumulative", "chainage_km", "distance_m", "bank", "side", "campus",
               "rank", "index", "id", "layer", "name", "name_zh", "name_en", "district", "area_km2", "per_100km2",
               "score", "score_per_100km2", "order", "arrival", "departure", "wait_min", "dwell_min", "leg_km",
               "leg_min", "warning")  # fmt: skip


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column names in ``lang``: layer ids, index components and the known columns of the analyses."""
    names = {}
    for column in frame.columns:
        col = str(column)
        if col in LAYERS:
            names[column] = LAYERS[col].label(lang)
        elif col in COLUMN_KEYS:
            names[column] = tr(f"col_{col}", lang)
        elif col.startswith("n_") and col[2:] in LAYERS:
            names[column] = tr("col_n_within", lang, layer=LAYERS[col[2:]].label(lang))
        elif col.startswith("nearest_"):
            layer, _, what = col[len("nearest_") :].rpartition("_")
            if layer in LAYERS:
                names[column] = tr(f"col_nearest_{what}", lang, layer=LAYERS[layer].label(lang))
        elif col.endswith("_per_100km2") and col[: -len("_per_100km2")] in COMPONENTS:
            names[column] = tr(
                "col_component_density", lang, component=tr(f"component_{col[: -len('_per_100km2')]}", lang)
            )
    return frame.rename(columns=names)


def analysis_page() -> None:
    ctx = page_context()
    lang = ctx.lang
    city, all_assets = ctx.load()
    cfg = city.config
    st.title(tr("analysis_title", lang, city=cfg.name(lang)))

    sb = st.sidebar
    layers = tuple(
        choice("multiselect", tr("app_layers", lang), ASSET_LAYERS, key="analysis_layers", container=sb,
               default=["heritage_units", "scenic_spots", "museums"], format_func=lambda lid: LAYERS[lid].short_label(lang))
    )  # fmt: skip
    assets = city.assets(layers) if layers else city.assets(())
    if len(assets) < 2:
        st.info(tr("analysis_too_few", lang))
        return
    metric = assets.to_crs(cfg.metric_crs).geometry.representative_point()
    low, high, start, scott = bandwidth_slider_m(scott_bandwidth_m(np.column_stack([metric.x, metric.y])))
    bandwidth_m = sb.slider(tr("analysis_bandwidth_range", lang, low=low, high=high, scott=scott), low, high, start,
                            BANDWIDTH_STEP_M, key="analysis_bw")  # fmt: skip
    weighted = sb.checkbox(tr("analysis_weighted", lang), value=False, key="analysis_weighted")

    st.header(tr("analysis_density", lang))
    with st.spinner(tr("analysis_computing", lang)):
        grid, contours, figure = _density(ctx.path, ctx.mtime, layers, float(bandwidth_m), weighted, lang)
    overlay_tab, figure_tab = st.tabs([tr("analysis_tab_map", lang), tr("analysis_tab_figure", lang)])
    with overlay_tab:
        density_map = density_overlay_map(city, grid, contours, lang, st.session_state.get("basemap", "osm"))
        localise_assets(density_map, vendor_base_url())
        st_folium(density_map, height=520, use_container_width=True, returned_objects=[], key="analysis_density_map")
    with figure_tab:
        st.pyplot(figure, clear_figure=False)
    st.caption(tr("analysis_density_note", lang, cell=grid.cell_m, total=grid.total(), crs=cfg.metric_crs))
    contour_table = contours.drop(columns="geometry").rename(
        columns={"mass": tr("col_mass", lang), "level_per_km2": tr("col_level", lang), "area_km2": tr("col_area", lang)}
    )
    st.dataframe(contour_table, hide_index=True)

    st.header(tr("analysis_hexbins", lang))
    resolution = st.slider(tr("analysis_h3_res", lang), 5, 9, 7, key="analysis_h3")
    cells = _hotspots(ctx.path, ctx.mtime, layers, resolution)
    hex_map = build_hex_map(city, cells, lang, st.session_state.get("basemap", "osm"))
    localise_assets(hex_map, vendor_base_url())
    st_folium(hex_map, height=520, use_container_width=True, returned_objects=[], key="analysis_hex_map")
    st.caption(tr("analysis_hex_note", lang, cells=int((cells["count"] > 0).sum()), res=resolution,
                  area=h3_cell_area_km2(resolution)))  # fmt: skip
    st.markdown(interpret(cells, "hotspots", lang))

    st.header(tr("analysis_stats", lang))
    nni, ripley = _pattern_stats(ctx.path, ctx.mtime, layers)
    st.markdown(interpret(nni, "clark_evans", lang))
    st.markdown(interpret(ripley, "ripley", lang))
    st.altair_chart(ripley_chart(ripley, lang), width="stretch")
    gaps = coverage_gaps(city.layers["districts"], assets, cfg.metric_crs, min_distance_km=5.0)
    gap_names = gaps.loc[gaps["gap"], "name_zh" if lang == "zh" else "name_en"].tolist()
    st.caption(tr("analysis_gaps", lang, names=("、" if lang == "zh" else ", ").join(gap_names) or tr("none", lang)))

    st.header(tr("analysis_districts", lang))
    summary = district_summary(city.layers["districts"], assets, cfg.metric_crs)
    name_col = "name_zh" if lang == "zh" else "name_en"
    table = (
        summary.drop(columns="geometry")
        .set_index(name_col)
        .drop(columns=["code", "name_en" if lang == "zh" else "name_zh"])
    )
    table = table.loc[:, (table != 0).any(axis=0)].sort_values("score_per_100km2", ascending=False)
    labels = {lid: LAYERS[lid].label(lang) for lid in ASSET_LAYERS}
    labels.update(
        {key: tr(f"col_{key}", lang) for key in ("area_km2", "total", "per_100km2", "score", "score_per_100km2")}
    )
    st.dataframe(table.round(2).rename(columns=labels).rename_axis(tr("col_district", lang)))
    st.caption(tr("analysis_score_note", lang))
    measure = choice("radio", tr("analysis_choropleth_of", lang), ["total", "per_100km2", "score_per_100km2"],
                     format_func=lambda key: labels[key], horizontal=True, key="analysis_choropleth")  # fmt: skip
    district_map = choropleth_map(city, summary, measure, labels[measure], lang, st.session_state.get("basemap", "osm"))
    localise_assets(district_map, vendor_base_url())
    st_folium(district_map, height=480, use_container_width=True, returned_objects=[], key="analysis_district_map")

    if len(city.layers["river"]):
        river = cfg.river_name_zh if lang == "zh" else cfg.river_name_en
        st.header(tr("analysis_corridor", lang, river=river))
        buffers = tuple(
            sorted(
                sb.multiselect(tr("analysis_buffers", lang), BUFFER_CHOICES_KM, default=[0.5, 1.0, 2.0, 5.0], key="analysis_buffers")
            )
        ) or (1.0,)  # fmt: skip
        ref = _corridor(ctx.path, ctx.mtime, layers)
        bands = band_counts(ref["distance_m"].to_numpy(), ref["layer"], buffers)
        st.dataframe(labelled(bands, lang), hide_index=True)
        length = river_length_km(city.layers["river"], cfg.metric_crs)
        near = ref[ref["distance_m"] <= max(buffers) * 1000]
        profile = corridor_profile(near["chainage_km"].to_numpy(), near["layer"], PROFILE_BIN_KM, length_km=length)
        st.caption(tr("analysis_profile", lang, km=max(buffers), length=length))
        st.altair_chart(corridor_profile_chart(profile, PROFILE_BIN_KM, lang), width="stretch")
        st.caption(tr("analysis_corridor_table", lang, km=max(buffers), n=len(near), total=len(ref),
                      far=len(ref) - len(near)))  # fmt: skip
        districts = city.layers["districts"]
        district_name = dict(zip(districts["name_zh"], districts["name_zh" if lang == "zh" else "name_en"]))
        names = ["name_zh", "name_en"] if lang == "zh" else ["name_en", "name_zh"]
        shown = near.sort_values("chainage_km").round({"chainage_km": 2, "distance_m": 0})
        shown = shown.assign(
            layer=[LAYERS[v].label(lang) for v in shown["layer"]],
            district=[district_name.get(v, v) for v in shown["district"]],
            bank=[tr(f"bank_{v}", lang) for v in shown["bank"]],
            side=[tr(f"side_{v}", lang) for v in shown["side"]],
        )[["id", "layer", *names, "district", "chainage_km", "distance_m", "bank", "side"]]
        st.dataframe(labelled(shown, lang), hide_index=True)

    st.header(tr("analysis_campus", lang))
    radius_km = st.slider(tr("analysis_radius", lang), 0.5, 10.0, 2.0, 0.5, key="analysis_radius")
    targets = {lid: city.layers[lid] for lid in ("heritage_units", "scenic_spots", "museums")}
    campus = campus_proximity(city.layers["universities"], targets, cfg.metric_crs, radius_km)
    name_of = {
        row["id"]: feature_name(row, lang) for row in all_assets[["id", "name_zh", "name_en"]].to_dict("records")
    }
    campus = campus.rename(columns={"name_zh": "name"}).assign(
        name=campus["id"].map(name_of),
        **{f"nearest_{lid}_name": campus[f"nearest_{lid}_id"].map(name_of) for lid in targets},
    )
    st.dataframe(labelled(campus.round(0), lang), hide_index=True)

    st.subheader(tr("analysis_index", lang))
    st.caption(FORMULA[lang])
    columns = st.columns(len(COMPONENTS))
    weights = {
        c: col.slider(tr(f"component_{c}", lang), 0.0, 1.0, DEFAULT_WEIGHTS[c], 0.05, key=f"analysis_w_{c}")
        for c, col in zip(COMPONENTS, columns)
    }
    if sum(weights.values()) <= 0:
        st.warning(tr("analysis_weights_zero", lang))
        return
    index = soft_power_index(city.layers["districts"], city.layers, cfg.metric_crs, weights)
    name_col = "name_zh" if lang == "zh" else "name_en"
    ranking = index.set_index(name_col)[["rank", "index", *[f"{c}_per_100km2" for c in COMPONENTS]]].round(2)
    st.dataframe(labelled(ranking, lang).rename_axis(tr("col_district", lang)))
    st.altair_chart(soft_power_chart(index, lang), width="stretch")
