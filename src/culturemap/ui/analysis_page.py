"""The "Density & corridor" page: where assets concentrate, how the river carries them,
how districts compare. Every number comes from culturemap.analysis (metric CRS, units in names)."""

from __future__ import annotations

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
from culturemap.render.folium_map import build_hex_map, choropleth_map, density_overlay_map
from culturemap.render.static import density_figure
from culturemap.ui.app import page_context, vendor_base_url

BUFFER_CHOICES_KM = (0.5, 1.0, 2.0, 5.0, 10.0)


@st.cache_resource(show_spinner=False, max_entries=16)
def _density(path: str, mtime: float, layers: tuple[str, ...], bandwidth_m: float, weighted: bool, lang: str):
    city, _ = page_context().load()
    assets = city.assets(layers)
    grid = kde(assets, city.config.metric_crs, bandwidth_m, weights=grade_weights(assets) if weighted else None)
    contours = contour_polygons(grid)
    title = tr("density_title", lang, city=city.config.name(lang), n=len(assets), bw=grid.bandwidth_m)
    figure = density_figure(
        grid, city.layers["districts"], city.layers["river"], contours, title, tr("density_unit", lang)
    )
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
               "rank", "index", "id", "layer", "name_zh", "name_en", "district", "area_km2", "per_100km2", "score",
               "score_per_100km2", "order", "arrival", "departure", "wait_min", "dwell_min", "leg_km", "leg_min",
               "warning")  # fmt: skip


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
        sb.multiselect(
            tr("app_layers", lang),
            list(ASSET_LAYERS),
            default=["heritage_units", "scenic_spots", "museums"],
            format_func=lambda lid: LAYERS[lid].label(lang),
            key="analysis_layers",
        )
    )
    assets = city.assets(layers) if layers else city.assets(())
    if len(assets) < 2:
        st.info(tr("analysis_too_few", lang))
        return
    metric = assets.to_crs(cfg.metric_crs).geometry.representative_point()
    suggested = int(round(scott_bandwidth_m(pd.concat([metric.x, metric.y], axis=1).to_numpy()) / 100.0) * 100)
    # Scott's rule over a whole municipality gives tens of km; start at most at 3 km, the scale of a town centre
    bandwidth_m = sb.slider(tr("analysis_bandwidth", lang, scott=suggested), 200, 10_000, min(max(suggested, 200), 3_000),
                            100, key="analysis_bw")  # fmt: skip
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
    st.line_chart(ripley.set_index("distance_m")[["l_observed", "envelope_low", "envelope_high"]])
    gaps = coverage_gaps(city.layers["districts"], assets, cfg.metric_crs, min_distance_km=5.0)
    gap_names = gaps.loc[gaps["gap"], "name_zh" if lang == "zh" else "name_en"].tolist()
    st.caption(tr("analysis_gaps", lang, names="、".join(gap_names) if gap_names else tr("none", lang)))

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
    measure = st.radio(tr("analysis_choropleth_of", lang), ["total", "per_100km2", "score_per_100km2"],
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
        profile = corridor_profile(near["chainage_km"].to_numpy(), near["layer"], bin_km=5.0, length_km=length)
        st.caption(tr("analysis_profile", lang, km=max(buffers), length=length))
        st.bar_chart(labelled(profile.set_index("start_km").drop(columns="total"), lang))
        shown = ref.sort_values("chainage_km").round({"chainage_km": 2, "distance_m": 0})
        shown = shown.assign(layer=[LAYERS[v].label(lang) for v in shown["layer"]])
        shown = shown.assign(
            bank=[tr(f"bank_{v}", lang) for v in shown["bank"]], side=[tr(f"side_{v}", lang) for v in shown["side"]]
        )
        st.dataframe(labelled(shown, lang), hide_index=True)

    st.header(tr("analysis_campus", lang))
    radius_km = st.slider(tr("analysis_radius", lang), 0.5, 10.0, 2.0, 0.5, key="analysis_radius")
    targets = {lid: city.layers[lid] for lid in ("heritage_units", "scenic_spots", "museums")}
    campus = campus_proximity(city.layers["universities"], targets, cfg.metric_crs, radius_km)
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
    st.bar_chart(index.set_index(name_col)["index"])
