"""The "Density & corridor" page: where assets concentrate, how the river carries them,
how districts compare. Every number comes from culturemap.analysis (metric CRS, units in names).

The page reads like it looks: :func:`analysis_page` calls one function per section. Each section is
a fragment (its widgets rerun that section only) that shows what one cached function computed from
the pack (path + data version), the chosen layers and the section's own parameters, and the
language only where the result holds text. What depends on the pack alone (the assets' metric
points, their places along the river, the districts' index components, the maps' base layers) is
computed once per pack. A map is rendered once per pack and view; its basemap (tiles, districts,
river, in the language) and a section's results are layers swapped over it, so moving a slider,
switching the language or the basemap neither reloads nor blanks the map.
"""

from __future__ import annotations

import io
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import streamlit as st

from culturemap.analysis.aggregate import h3_cell_area_km2, h3_counts
from culturemap.analysis.corridor import (
    DEFAULT_BANDS_KM,
    PROFILE_BIN_KM,
    band_counts,
    corridor_profile,
    linear_reference,
    river_length_km,
)
from culturemap.analysis.density import (
    START_BANDWIDTH_MAX_M,
    contour_polygons,
    grade_weights,
    kde_xy,
    scott_bandwidth_m,
)
from culturemap.analysis.districts import district_summary
from culturemap.analysis.proximity import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    FORMULA,
    campus_proximity,
    component_densities,
    weighted_index,
)
from culturemap.analysis.stats import clark_evans, coverage_gaps, fill_hex_grid, hotspots, interpret, ripley_l
from culturemap.catalog import City
from culturemap.export import PRINT_FORMATS
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, LAYERS
from culturemap.render.analysis import (
    ANALYSIS_VIEWS,
    analysis_base_map,
    analysis_basemap_layer,
    choropleth_layer,
    density_layer,
    hexagon_layer,
)
from culturemap.render.assets import localise_assets
from culturemap.render.basemaps import DEFAULT_BASEMAP
from culturemap.render.fact_card import feature_name
from culturemap.render.static import density_figure
from culturemap.store import store_for_pack
from culturemap.ui.charts import corridor_profile_chart, ripley_chart, show_chart, soft_power_chart
from culturemap.ui.context import load_pack, page_context, session_basemap, vendor_base_url
from culturemap.ui.export_panel import (
    MIME_TYPES,
    VIEW,
    ExportChoice,
    PreparedFile,
    export_file,
    folded_panel,
    prepare_and_download,
    view_file,
    view_options,
)
from culturemap.ui.map_component import MAP_DRAWN, PreparedMap, first_drawn, layer_script, prepare, show
from culturemap.ui.state import ViewState
from culturemap.ui.tables import labelled
from culturemap.ui.widgets import choice

POINTS_PREFIX = "points:"  # a density of an imported point dataset, not of assets: ("points:<name>",)
BUFFER_CHOICES_KM = (0.5, 1.0, 2.0, 5.0, 10.0)
# the export panel's files: the density map as shown, the print map, the density and the corridor bands as data
ANALYSIS_EXPORTS = ("view", "pdf", "png", "contours", "grid", "bands_csv", "bands_geojson")
BANDWIDTH_MIN_M = 200
BANDWIDTH_MAX_M = 10_000  # the slider reaches further when Scott's rule suggests more
BANDWIDTH_STEP_M = 100
CAMPUS_TARGETS = ("heritage_units", "scenic_spots", "museums")
DEFAULT_LAYERS = ("heritage_units", "scenic_spots", "museums")  # what the page analyses on a first visit
DEFAULT_H3_RESOLUTION = 7
DEFAULT_MEASURE = "total"  # the choropleth's
DEFAULT_RADIUS_KM = 2.0  # around each campus
Layers = tuple[str, ...]  # asset layer ids, in the registry's order


def bandwidth_slider_m(suggested_m: float) -> tuple[int, int, int, int]:
    """The KDE bandwidth slider for Scott's suggestion ``suggested_m`` (m): ``(low, high, start, suggestion)``
    in metres, the suggestion rounded to the slider's 100 m step and always inside ``low``-``high``
    (the range reaches past 10 km in 5 km steps, or below 200 m, when the suggestion does)."""
    suggestion = max(BANDWIDTH_STEP_M, int(round(suggested_m / BANDWIDTH_STEP_M)) * BANDWIDTH_STEP_M)
    low = min(BANDWIDTH_MIN_M, suggestion)
    high = max(BANDWIDTH_MAX_M, math.ceil(suggestion / 5_000) * 5_000)
    return low, high, min(suggestion, START_BANDWIDTH_MAX_M), suggestion


# ---------------------------------------------------------------- computed once per pack


def _city(path: str, version: str) -> City:
    return load_pack(path, version)[0]


@st.cache_resource(show_spinner=False, max_entries=4)
def _metric_points(path: str, version: str) -> pd.DataFrame:
    """Every asset of the pack as its layer, representative point (``x_m``, ``y_m`` in the city's
    metric CRS) and KDE weight by grade (``grade_weight``)."""
    city = _city(path, version)
    assets = city.assets()
    points = assets.to_crs(city.config.metric_crs).geometry.representative_point()
    return pd.DataFrame(
        {"layer": assets["layer"], "x_m": points.x, "y_m": points.y, "grade_weight": grade_weights(assets)}
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def _metric_districts(path: str, version: str) -> gpd.GeoDataFrame:
    """The pack's districts in the city's metric CRS."""
    city = _city(path, version)
    return city.layers["districts"].to_crs(city.config.metric_crs)


def _in_registry_order(layers) -> Layers:
    return tuple(lid for lid in ASSET_LAYERS if lid in layers)


@st.cache_resource(show_spinner=False, max_entries=4)
def _datasets(path: str, version: str) -> list[str]:
    """The names of the point datasets imported into the city's store."""
    return store_for_pack(Path(path)).point_datasets()


@st.cache_resource(show_spinner=False, max_entries=4)
def _dataset_points(path: str, version: str, name: str) -> pd.DataFrame:
    """The stored point dataset ``name`` (see ``culturemap import --points``) as ``x_m``, ``y_m`` in the
    city's metric CRS, each point weighing 1."""
    points = store_for_pack(Path(path)).read_points(name).to_crs(_city(path, version).config.metric_crs).geometry
    return pd.DataFrame({"layer": POINTS_PREFIX + name, "x_m": points.x, "y_m": points.y, "grade_weight": 1.0})


def _chosen(path: str, version: str, layers: Layers) -> pd.DataFrame:
    """The chosen assets' points; ``("points:<name>",)`` is the point dataset ``name`` instead."""
    if len(layers) == 1 and layers[0].startswith(POINTS_PREFIX):
        return _dataset_points(path, version, layers[0].removeprefix(POINTS_PREFIX))
    points = _metric_points(path, version)
    return points[points["layer"].isin(layers)]


def _xy(points: pd.DataFrame) -> np.ndarray:
    return points[["x_m", "y_m"]].to_numpy()


@st.cache_resource(show_spinner=False, max_entries=4)
def _river_reference(path: str, version: str) -> tuple[pd.DataFrame, float]:
    """Every asset's place along the river (chainage, distance, bank, side; see
    :func:`~culturemap.analysis.corridor.linear_reference`) and the river's length (km)."""
    city = _city(path, version)
    assets, river, metric = city.assets(), city.layers["river"], city.config.metric_crs
    reference = assets[["id", "layer", "name_zh", "name_en", "district"]].join(linear_reference(assets, river, metric))
    return reference, river_length_km(river, metric)


@st.cache_resource(show_spinner=False, max_entries=4)
def _index_components(path: str, version: str) -> pd.DataFrame:
    city = _city(path, version)
    return component_densities(city.layers["districts"], city.layers, city.config.metric_crs)


@st.cache_resource(show_spinner=False, max_entries=8)
def _base_map(path: str, version: str, view: str) -> PreparedMap:
    """The map of an analysis view without its basemap and results (no text: one for every language
    and basemap, which come as layers over it), rendered for :func:`show`."""
    return prepare(localise_assets(analysis_base_map(_city(path, version), "en", None, view), vendor_base_url()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _basemap_layer(path: str, version: str, lang: str, basemap: str, view: str) -> str:
    """The basemap of an analysis view, the first layer over :func:`_base_map`."""
    return layer_script(analysis_basemap_layer(_city(path, version), lang, basemap, view), index=0)


def _map(view: str, layer: str, key: str, height: int, first: bool = False) -> None:
    """The base map of ``view`` with its basemap and ``layer`` (a script from :func:`layer_script`, index
    1) over it: a new language, basemap or result swaps the layers, the map stays. The maps send
    nothing back, but the ``first`` (the page's top map) reports its centre once drawn until a map has
    been drawn in the session (:func:`first_drawn`: the page then adds its other sections)."""
    ctx = page_context()
    base = _base_map(ctx.path, ctx.version, view)
    layer = _basemap_layer(ctx.path, ctx.version, ctx.lang, session_basemap(), view) + layer
    waiting = first and not st.session_state.get(MAP_DRAWN)
    out = show(base, key=key, height=height, returned_objects=("center",) if waiting else (), layer=layer)
    if waiting:
        first_drawn(bool(out and out.get("center")))


# ---------------------------------------------------------------- computed per section's inputs


@st.cache_resource(show_spinner=False, max_entries=8)  # a grid is 4-32 MB (bandwidth 3 km - 200 m)
def _density(path: str, version: str, layers: Layers, bandwidth_m: float, weighted: bool):
    """The density grid of the chosen assets and its mass contours."""
    points = _chosen(path, version, layers)
    weights = points["grade_weight"].to_numpy() if weighted else None
    grid = kde_xy(_xy(points), bandwidth_m, weights=weights, crs=_city(path, version).config.metric_crs)
    return grid, contour_polygons(grid)


@st.cache_resource(show_spinner=False, max_entries=32)
def _density_layer(path: str, version: str, layers: Layers, bandwidth_m: float, weighted: bool, lang: str,
                   basemap: str) -> str:  # fmt: skip
    grid, contours = _density(path, version, layers, bandwidth_m, weighted)
    return layer_script(density_layer(grid, contours, lang, basemap), index=1)


@st.cache_resource(show_spinner=False, max_entries=16)
def _density_png(path: str, version: str, layers: Layers, bandwidth_m: float, weighted: bool, lang: str) -> bytes:
    """The density as a static figure (PNG), titled in ``lang``."""
    grid, contours = _density(path, version, layers, bandwidth_m, weighted)
    city = _city(path, version)
    title = tr("density_title", lang, city=city.config.name(lang), n=len(_chosen(path, version, layers)),
               bw=grid.bandwidth_m)  # fmt: skip
    figure = density_figure(
        grid, city.layers["districts"], city.layers["river"], contours, title, tr("density_unit", lang),
        axis_labels=(tr("figure_easting_km", lang, crs=grid.crs), tr("figure_northing_km", lang)),
    )  # fmt: skip
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=200, bbox_inches="tight")
    plt.close(figure)
    return png.getvalue()


@st.cache_resource(show_spinner=False, max_entries=32)
def _hotspots(path: str, version: str, layers: Layers, resolution: int):
    cells = h3_counts(_city(path, version).assets(layers), resolution)
    return hotspots(fill_hex_grid(cells, resolution), permutations=499, seed=0) if len(cells) else cells


@st.cache_resource(show_spinner=False, max_entries=32)
def _hexagon_layer(path: str, version: str, layers: Layers, resolution: int, lang: str, basemap: str) -> str:
    return layer_script(hexagon_layer(_hotspots(path, version, layers, resolution), lang, basemap), index=1)


@st.cache_resource(show_spinner=False, max_entries=16)
def _pattern_stats(path: str, version: str, layers: Layers):
    """Clark-Evans, Ripley's L and the districts far from every chosen asset."""
    city, districts = _city(path, version), _metric_districts(path, version)
    xy = _xy(_chosen(path, version, layers))
    gaps = coverage_gaps(districts, city.assets(layers), city.config.metric_crs, min_distance_km=5.0)
    return clark_evans(xy, float(districts.area.sum())), ripley_l(xy, support_m=15, n_simulations=99, seed=0), gaps


@st.cache_resource(show_spinner=False, max_entries=16)
def _district_summary(path: str, version: str, layers: Layers) -> gpd.GeoDataFrame:
    """Counts, densities and scores of the chosen assets per district (geometry in the metric CRS)."""
    city = _city(path, version)
    return district_summary(_metric_districts(path, version), city.assets(layers), city.config.metric_crs)


@st.cache_resource(show_spinner=False, max_entries=32)
def _choropleth_layer(path: str, version: str, layers: Layers, measure: str, label: str, lang: str,
                      basemap: str) -> str:  # fmt: skip
    return layer_script(
        choropleth_layer(_city(path, version), _district_summary(path, version, layers), measure, label, lang, basemap),
        index=1,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _campus(path: str, version: str, radius_km: float) -> pd.DataFrame:
    city = _city(path, version)
    targets = {lid: city.layers[lid] for lid in CAMPUS_TARGETS}
    return campus_proximity(city.layers["universities"], targets, city.config.metric_crs, radius_km)


def warm(path: str, version: str, lang: str) -> None:
    """Compute what a first visit to the page shows (the default layers and widgets, in ``lang``,
    on the default basemap) into the caches: ``culturemap serve`` calls this at start."""
    layers = _in_registry_order(DEFAULT_LAYERS)  # the key chosen_layers gives the caches
    if len(_chosen(path, version, layers)) < 2:
        return
    start_m = bandwidth_slider_m(scott_bandwidth_m(_xy(_chosen(path, version, layers))))[2]
    for view in ANALYSIS_VIEWS:
        _base_map(path, version, view)
        _basemap_layer(path, version, lang, DEFAULT_BASEMAP, view)
    _density_layer(path, version, layers, float(start_m), False, lang, DEFAULT_BASEMAP)
    _hexagon_layer(path, version, layers, DEFAULT_H3_RESOLUTION, lang, DEFAULT_BASEMAP)
    _pattern_stats(path, version, layers)
    _choropleth_layer(path, version, layers, DEFAULT_MEASURE, tr(f"col_{DEFAULT_MEASURE}", lang), lang, DEFAULT_BASEMAP)
    _river_reference(path, version)
    _campus(path, version, DEFAULT_RADIUS_KM)
    _index_components(path, version)


# ---------------------------------------------------------------- the page


def analysis_page() -> None:
    """The page: one section per analysis of the chosen layers, density first and the rest once its map is drawn
    (the river corridor only when the pack has a river)."""
    ctx = page_context()
    city, _ = ctx.load()
    st.title(tr("analysis_title", ctx.lang, city=city.config.name(ctx.lang)))
    layers = chosen_layers(ctx.lang)
    if len(_chosen(ctx.path, ctx.version, layers)) < 2:
        st.info(tr("analysis_too_few", ctx.lang))
        return
    density_section(layers)
    if not st.session_state.get(MAP_DRAWN):  # the sections below follow once the density map is drawn
        st.caption(tr("analysis_after_map", ctx.lang))
        return
    hexagon_section(layers)
    pattern_section(layers)
    district_section(layers)
    if len(city.layers["river"]):
        corridor_section(layers)
    campus_section()
    soft_power_section()


def chosen_layers(lang: str) -> Layers:
    """The asset layers every section analyses (sidebar), in the registry's order."""
    chosen = choice("multiselect", tr("app_layers", lang), ASSET_LAYERS, key="analysis_layers", container=st.sidebar,
                    default=list(DEFAULT_LAYERS), placeholder=tr("app_layers_none", lang),
                    format_func=lambda lid: LAYERS[lid].short_label(lang))  # fmt: skip
    return _in_registry_order(chosen)


@st.fragment
def density_section(layers: Layers) -> None:
    """Kernel density: bandwidth and weighting (sidebar), the map or the static figure, the contours."""
    ctx = page_context()
    lang = ctx.lang
    st.header(tr("analysis_density", lang))
    datasets = _datasets(ctx.path, ctx.version)
    if datasets:  # imported point datasets (check-ins, photos) can be mapped instead of the assets
        source = choice("selectbox", tr("analysis_density_of", lang), ["", *datasets], key="analysis_density_of",
                        format_func=lambda d: d or tr("analysis_density_assets", lang))  # fmt: skip
        layers = (POINTS_PREFIX + source,) if source else layers
    low, high, start, scott = bandwidth_slider_m(scott_bandwidth_m(_xy(_chosen(ctx.path, ctx.version, layers))))
    bandwidth_m = st.sidebar.slider(tr("analysis_bandwidth_range", lang, low=low, high=high, scott=scott), low, high,
                                    start, BANDWIDTH_STEP_M, key="analysis_bw")  # fmt: skip
    weighted = st.sidebar.checkbox(tr("analysis_weighted", lang), value=False, key="analysis_weighted")
    inputs = (ctx.path, ctx.version, layers, float(bandwidth_m), weighted)
    with st.spinner(tr("analysis_computing", lang)):
        grid, contours = _density(*inputs)
    overlay_tab, figure_tab = st.tabs([tr("analysis_tab_map", lang), tr("analysis_tab_figure", lang)],
                                      key=f"analysis_density_tab_{lang}", on_change="rerun")  # fmt: skip
    with overlay_tab:  # drawn in either tab, so that the map stays loaded
        _map("density", _density_layer(*inputs, lang, session_basemap()), key="analysis_density_map", height=520,
             first=True)  # fmt: skip
    if figure_tab.open:  # the static figure takes a second or more: only while its tab is open
        with figure_tab:
            st.image(_density_png(*inputs, lang), width="stretch", alt=tr("analysis_density", lang))
    st.caption(tr("analysis_density_note", lang, cell=grid.cell_m, total=grid.total(), crs=grid.crs))
    contour_table = contours.drop(columns="geometry").rename(
        columns={"mass": tr("col_mass", lang), "level_per_km2": tr("col_level", lang), "area_km2": tr("col_area", lang)}
    )
    if st.session_state.get(MAP_DRAWN):  # a data grid's scripts would delay the map's first draw
        st.dataframe(contour_table, hide_index=True)
    if layers[0].startswith(POINTS_PREFIX):  # the export panel's maps and bands are of assets
        st.caption(tr("analysis_density_points_export", lang))
    else:
        density_export(layers, float(bandwidth_m), weighted)


@st.fragment
def density_export(layers: Layers, bandwidth_m: float, weighted: bool) -> None:
    """The page's "Export" panel: the density map as shown (view snapshot), the print map of the chosen
    layers, the density (contours, grid) and the corridor's bands (with the sidebar's buffers) as data."""
    ctx = page_context()
    lang, basemap = ctx.lang, session_basemap()
    if not (panel := folded_panel("analysis_export", lang)):
        return
    city, _ = ctx.load()
    kinds = ANALYSIS_EXPORTS if len(city.layers["river"]) else ANALYSIS_EXPORTS[:-2]
    with panel:
        kind = st.selectbox(tr("export_format", lang), kinds, key="analysis_export_kind",
                            format_func=lambda k: tr(f"analysis_export_{k}", lang))  # fmt: skip
        choice = ExportChoice(fmt=kind)
        if kind == VIEW:
            choice = view_options("analysis_export", lang, choice)
        buffers = tuple(sorted(st.session_state.get("analysis_buffers") or DEFAULT_BANDS_KM))
        asked = (ctx.path, ctx.version, layers, bandwidth_m, weighted, buffers, lang, basemap, choice)

        def build() -> PreparedFile:
            return analysis_file(ctx.path, ctx.version, layers, bandwidth_m, weighted, buffers, lang, basemap, choice)

        prepare_and_download("analysis_export", lang, asked, tr(f"analysis_export_{kind}", lang), build)


def analysis_file(path: str, version: str, layers: Layers, bandwidth_m: float, weighted: bool,
                  buffers_km: tuple[float, ...], lang: str, basemap: str, choice: ExportChoice) -> PreparedFile:  # fmt: skip
    """The file of one of :data:`ANALYSIS_EXPORTS` (``choice.fmt``) for the page's inputs, named
    ``<city>-<what>-<layers>-<date>.<ext>`` (:func:`~culturemap.export.filing.filing_name`; the print map as
    the map page names it)."""
    from culturemap.export.analysis import corridor_bands, density_map
    from culturemap.export.data import to_csv_bytes
    from culturemap.export.filing import filing_name
    from culturemap.export.raster import write_geotiff
    from culturemap.export.view import ViewFigure, figure_source
    from culturemap.io.tables import geojson_text

    city = _city(path, version)
    selected = () if set(layers) == set(ASSET_LAYERS) else layers  # the file names' selection part

    def name(what: str, ext: str) -> str:
        return filing_name(city.config.id, what, ext, selected)

    kind = choice.fmt
    if kind in PRINT_FORMATS:
        shown = city.assets(layers)
        return export_file(city, shown, ViewState(layers=layers, lang=lang, basemap=basemap), choice)
    grid, contours = _density(path, version, layers, bandwidth_m, weighted)
    if kind == VIEW:
        chosen = _chosen(path, version, layers)
        cited = city.assets(layers) if set(layers) <= set(ASSET_LAYERS) else chosen  # the rows with their sources
        figure = ViewFigure(tr("density_title", lang, city=city.config.name(lang), n=len(chosen), bw=grid.bandwidth_m),
                            source=figure_source(city, cited, lang), lang=lang)  # fmt: skip
        return view_file(density_map(city, grid, contours, lang, basemap), name("density-view", "png"), choice, lang,
                         figure)  # fmt: skip
    if kind == "contours":
        text = geojson_text(contours.to_crs("EPSG:4326"))
        return PreparedFile(name("density-contours", "geojson"), MIME_TYPES["geojson"], text.encode("utf-8"))
    if kind == "grid":
        with tempfile.TemporaryDirectory(prefix="culturemap-export-") as folder:
            tif = Path(folder) / "density.tif"
            write_geotiff(grid, tif)
            return PreparedFile(name("density", "tif"), "image/tiff", tif.read_bytes())
    bands = corridor_bands(city, city.assets(layers), buffers_km)
    if kind == "bands_csv":
        return PreparedFile(name("corridor-bands", "csv"), MIME_TYPES["csv"], to_csv_bytes(bands))
    if kind == "bands_geojson":
        return PreparedFile(
            name("corridor-bands", "geojson"), MIME_TYPES["geojson"], geojson_text(bands).encode("utf-8")
        )
    raise ValueError(f"unknown export {kind!r}: expected one of {', '.join(ANALYSIS_EXPORTS)}")


@st.fragment
def hexagon_section(layers: Layers) -> None:
    """H3 hexagon counts with Getis-Ord Gi* hot and cold spots at the chosen resolution."""
    ctx = page_context()
    lang = ctx.lang
    st.header(tr("analysis_hexbins", lang))
    resolution = st.slider(tr("analysis_h3_res", lang), 5, 9, DEFAULT_H3_RESOLUTION, key="analysis_h3")
    cells = _hotspots(ctx.path, ctx.version, layers, resolution)
    layer = _hexagon_layer(ctx.path, ctx.version, layers, resolution, lang, session_basemap())
    _map("hexagons", layer, key="analysis_hex_map", height=520)
    st.caption(tr("analysis_hex_note", lang, cells=int((cells["count"] > 0).sum()), res=resolution,
                  area=h3_cell_area_km2(resolution)))  # fmt: skip
    st.markdown(interpret(cells, "hotspots", lang))


@st.fragment
def pattern_section(layers: Layers) -> None:
    """Clustering statistics (Clark-Evans, Ripley's L) and the districts left far from every asset."""
    ctx = page_context()
    lang = ctx.lang
    st.header(tr("analysis_stats", lang))
    nni, ripley, gaps = _pattern_stats(ctx.path, ctx.version, layers)
    st.markdown(interpret(nni, "clark_evans", lang))
    st.markdown(interpret(ripley, "ripley", lang))
    show_chart(ripley_chart(ripley, lang), lang)
    gap_names = gaps.loc[gaps["gap"], "name_zh" if lang == "zh" else "name_en"].tolist()
    st.caption(tr("analysis_gaps", lang, names=("、" if lang == "zh" else ", ").join(gap_names) or tr("none", lang)))


@st.fragment
def district_section(layers: Layers) -> None:
    """Districts compared: counts, densities and scores, and a choropleth of the chosen measure."""
    ctx = page_context()
    lang = ctx.lang
    st.header(tr("analysis_districts", lang))
    summary = _district_summary(ctx.path, ctx.version, layers)
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
    measure = choice("radio", tr("analysis_choropleth_of", lang), [DEFAULT_MEASURE, "per_100km2", "score_per_100km2"],
                     format_func=lambda key: labels[key], horizontal=True, key="analysis_choropleth")  # fmt: skip
    layer = _choropleth_layer(ctx.path, ctx.version, layers, measure, labels[measure], lang, session_basemap())
    _map("districts", layer, key="analysis_district_map", height=480)


@st.fragment
def corridor_section(layers: Layers) -> None:
    """The river corridor: assets per distance band (buffers in the sidebar), along the river, listed."""
    ctx = page_context()
    lang = ctx.lang
    city, _ = ctx.load()
    cfg = city.config
    st.header(tr("analysis_corridor", lang, river=cfg.river_name_zh if lang == "zh" else cfg.river_name_en))
    buffers = tuple(
        sorted(
            st.sidebar.multiselect(tr("analysis_buffers", lang), BUFFER_CHOICES_KM, default=list(DEFAULT_BANDS_KM), key="analysis_buffers",
                                   select_all=False, placeholder=tr("analysis_buffers_none", lang))
        )
    ) or (1.0,)  # fmt: skip
    reference, length = _river_reference(ctx.path, ctx.version)
    ref = reference[reference["layer"].isin(layers)]
    bands = band_counts(ref["distance_m"].to_numpy(), ref["layer"], buffers)
    st.dataframe(labelled(bands, lang), hide_index=True)
    near = ref[ref["distance_m"] <= max(buffers) * 1000]
    profile = corridor_profile(near["chainage_km"].to_numpy(), near["layer"], PROFILE_BIN_KM, length_km=length)
    st.caption(tr("analysis_profile", lang, km=max(buffers), length=length))
    show_chart(corridor_profile_chart(profile, PROFILE_BIN_KM, lang), lang)
    st.caption(tr("analysis_corridor_table", lang, km=max(buffers), n=len(near), total=len(ref),
                  far=len(ref) - len(near)))  # fmt: skip
    districts = city.layers["districts"]
    district_name = dict(zip(districts["name_zh"], districts["name_zh" if lang == "zh" else "name_en"]))
    names = ["name_zh", "name_en"] if lang == "zh" else ["name_en", "name_zh"]
    shown = near.sort_values("chainage_km", kind="stable").round({"chainage_km": 2, "distance_m": 0})
    shown = shown.assign(
        layer=[LAYERS[v].label(lang) for v in shown["layer"]],
        district=[district_name.get(v, v) for v in shown["district"]],
        bank=[tr(f"bank_{v}", lang) for v in shown["bank"]],
        side=[tr(f"side_{v}", lang) for v in shown["side"]],
    )[["id", "layer", *names, "district", "chainage_km", "distance_m", "bank", "side"]]
    st.dataframe(labelled(shown, lang), hide_index=True)


@st.fragment
def campus_section() -> None:
    """Each campus's heritage units, scenic spots and museums within the chosen radius, and the nearest."""
    ctx = page_context()
    lang = ctx.lang
    st.header(tr("analysis_campus", lang))
    radius_km = st.slider(tr("analysis_radius", lang), 0.5, 10.0, DEFAULT_RADIUS_KM, 0.5, key="analysis_radius")
    campus = _campus(ctx.path, ctx.version, radius_km)
    _, all_assets = ctx.load()
    name_of = {
        row["id"]: feature_name(row, lang) for row in all_assets[["id", "name_zh", "name_en"]].to_dict("records")
    }
    campus = campus.rename(columns={"name_zh": "name"}).assign(
        name=campus["id"].map(name_of),
        **{f"nearest_{lid}_name": campus[f"nearest_{lid}_id"].map(name_of) for lid in CAMPUS_TARGETS},
    )
    st.dataframe(labelled(campus.round(0), lang), hide_index=True)


@st.fragment
def soft_power_section() -> None:
    """The districts' soft-power index under the chosen component weights: the ranking and its chart."""
    ctx = page_context()
    lang = ctx.lang
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
    index = weighted_index(_index_components(ctx.path, ctx.version), weights)
    name_col = "name_zh" if lang == "zh" else "name_en"
    ranking = index.set_index(name_col)[["rank", "index", *[f"{c}_per_100km2" for c in COMPONENTS]]].round(2)
    st.dataframe(labelled(ranking, lang).rename_axis(tr("col_district", lang)))
    show_chart(soft_power_chart(index, lang), lang)
