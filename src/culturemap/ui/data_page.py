"""The Data page: upload a list, check what it would store row by row, and commit it on confirmation.

Reads the file (:func:`culturemap.io.readers.read_source`), lets the user choose the layer, the
coordinate system and the column mapping, shows the per-row report of
:func:`culturemap.io.importers.prepare_import` (rejected rows with their reasons, duplicates with a
choice each, accepted rows on a map) and writes only when the confirm button is pressed: one
:meth:`culturemap.store.Store.write`. The other pages read the store again (their cache key is the
store's stamp, see :func:`culturemap.ui.context.data_version`).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from culturemap.i18n import MESSAGES, tr
from culturemap.io.importers import (
    COORD_FIELDS,
    DUPLICATE_CHOICES,
    ImportReport,
    commit_import,
    match_columns,
    prepare_import,
)
from culturemap.io.point_sets import read_point_dataset
from culturemap.io.readers import MAX_IMPORT_MB, SUFFIXES, ImportFileError, SourceTable, read_source
from culturemap.layers import ASSET_LAYERS, LAYERS
from culturemap.render.assets import localise_assets
from culturemap.render.folium_map import MapOptions, build_map
from culturemap.store import StoreError, store_for_pack
from culturemap.ui.account import current_actor
from culturemap.ui.context import page_context, vendor_base_url
from culturemap.ui.edit_panel import audit_panel
from culturemap.ui.map_component import prepare, show
from culturemap.ui.text import plain
from culturemap.ui.widgets import uploader
from culturemap.ui.worklist_panel import worklist_panel

CRS_CHOICES = ("auto", "wgs84", "gcj02", "bd09", "epsg")
PREVIEW_HEIGHT_PX = 420


@contextmanager
def _uploaded(data: bytes, file_name: str) -> Iterator[Path]:
    """The uploaded bytes as a temporary file with the upload's suffix (the readers check its size and
    suffix as for any file); removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="culturemap-upload-") as folder:
        path = Path(folder) / f"upload{Path(file_name).suffix.lower()}"
        path.write_bytes(data)
        yield path


@st.cache_data(show_spinner=False, max_entries=4)
def _read(data: bytes, file_name: str, sheet: str | None) -> SourceTable:
    """The uploaded file, read once per content, name and sheet."""
    with _uploaded(data, file_name) as path:
        return read_source(path, file_name=file_name, sheet=sheet or None)


def _points(data: bytes, file_name: str, crs: str | None):
    with _uploaded(data, file_name) as path:
        return read_point_dataset(path, file_name=file_name, crs=crs)


def _crs_widget(lang: str) -> str | None:
    choice = st.selectbox(tr("data_crs", lang), CRS_CHOICES, format_func=lambda c: tr(f"data_crs_{c}", lang),
                          key="data_crs")  # fmt: skip
    if choice == "auto":
        return None
    if choice == "epsg":
        code = st.text_input(tr("data_epsg", lang), value="EPSG:4490", key="data_epsg")
        return code.strip() or None
    return choice


def _mapping_editor(table: SourceTable, layer_id: str, lang: str, file_key: str) -> dict[str, str | None]:
    """The matched columns as an editable table; returns the explicit mapping ``{field: column or None}``."""
    columns = [str(c) for c in table.frame.columns if c != "geometry" or not table.has_geometry]
    matched = match_columns(columns, layer_id)
    fields = [*(COORD_FIELDS if not table.has_geometry else ()), *(f.name for f in LAYERS[layer_id].fields)]
    edited = st.data_editor(
        pd.DataFrame({"field": fields, "column": [matched.get(f, "") for f in fields]}),
        column_config={
            "field": st.column_config.TextColumn(tr("data_col_field", lang)),
            "column": st.column_config.SelectboxColumn(tr("data_col_column", lang), options=["", *columns]),
        },
        disabled=["field"],
        hide_index=True,
        key=f"data_mapping_{layer_id}_{file_key}",
        width="stretch",
    )
    return {f: (c or None) for f, c in zip(edited["field"], edited["column"])}


def _report_tables(report: ImportReport, lang: str) -> None:
    st.info(plain(report.datum_text(lang)))
    if report.encoding:
        st.caption(tr("import_encoding", lang, encoding=report.encoding))
    for note in report.note_lines(lang):
        st.warning(plain(note))
    st.markdown(f"**{report.summary(lang)}**")
    rows = report.rows.assign(status=[tr(f"import_status_{s}", lang) for s in report.rows["status"]])
    columns = ["row", "status", "id", "name_zh", "lon", "lat"]
    st.dataframe(rows[columns], hide_index=True, width="stretch", key="data_rows",
                 column_config=_headers(columns, lang))  # fmt: skip
    problems = report.problem_table(lang)
    if len(problems):
        st.subheader(tr("data_problems", lang, n=report.refused))
        problems["status"] = [tr(f"import_status_{s}", lang) for s in problems["status"]]
        st.dataframe(problems, hide_index=True, width="stretch", key="data_problems",
                     column_config=_headers(problems.columns, lang))  # fmt: skip


def _headers(columns, lang: str) -> dict[str, str]:
    """The per-row tables' column headers in ``lang`` (``data_col_<column>``), as ``column_config``."""
    return {c: tr(f"data_col_{c}", lang) for c in columns if f"data_col_{c}" in MESSAGES}


def _duplicate_choices(report: ImportReport, lang: str, file_key: str) -> dict[int, str]:
    dups = report.duplicates()
    if dups.empty:
        return {}
    st.subheader(tr("data_duplicates", lang, n=len(dups)))
    for rec in dups[dups["match"] == "similar"].itertuples():  # a question: only the user can say it is the same
        st.warning(plain(tr("data_similar_question", lang, row=rec.row, name=rec.name_zh, other=rec.duplicate_name,
                            other_id=rec.duplicate_of, distance_m=rec.distance_m)))  # fmt: skip
    labels = {c: tr(f"data_choice_{c}", lang) for c in DUPLICATE_CHOICES}
    edited = st.data_editor(
        dups.assign(match=[tr(f"import_match_{m}", lang) for m in dups["match"]], choice=labels["skip"],
                    duplicate_layer=[LAYERS[lid].label(lang) if lid in LAYERS else lid for lid in dups["duplicate_layer"]]),
        column_config={**_headers(dups.columns, lang),
                       "choice": st.column_config.SelectboxColumn(tr("data_col_choice", lang),
                                                                  options=list(labels.values()), required=True)},
        disabled=[c for c in dups.columns],
        hide_index=True,
        key=f"data_dups_{report.layer_id}_{file_key}",
        width="stretch",
    )  # fmt: skip
    by_label = {v: k for k, v in labels.items()}
    return {int(r): by_label[c] for r, c in zip(edited["row"], edited["choice"])}


def _preview(city, report: ImportReport, rows, lang: str) -> None:
    if rows.empty:
        return
    st.subheader(tr("data_preview", lang, n=len(rows)))
    result = build_map(city, rows.assign(layer=report.layer_id), MapOptions(lang=lang, cluster=False,
                                                                            height_px=PREVIEW_HEIGHT_PX))  # fmt: skip
    west, south, east, north = rows.total_bounds
    show(prepare(localise_assets(result.map, vendor_base_url())), key="data_preview_map", height=PREVIEW_HEIGHT_PX,
         center=((south + north) / 2, (west + east) / 2), returned_objects=())  # fmt: skip


def upload_limit_mb() -> int:
    """The largest upload the page takes: the importers' limit, or the server's ``server.maxUploadSize``
    (.streamlit/config.toml) when that is lower (the server refuses larger requests itself)."""
    return min(MAX_IMPORT_MB, int(st.get_option("server.maxUploadSize")))


def _upload(lang: str):
    counter = st.session_state.setdefault("data_upload_n", 0)
    limit_mb = upload_limit_mb()
    st.caption(tr("data_limit", lang, limit_mb=limit_mb, suffixes=", ".join(SUFFIXES)))
    upload = uploader(tr("data_upload", lang), lang, type=[s.lstrip(".") for s in SUFFIXES],
                      key=f"data_upload_{counter}", max_upload_size=limit_mb)  # fmt: skip
    if upload is not None and upload.size > limit_mb * 2**20:
        st.error(plain(tr("import_too_large", lang, file=upload.name, size_mb=upload.size / 2**20,
                          limit_mb=limit_mb)))  # fmt: skip
        return None
    return upload


def _done(message: str) -> None:
    """Remember what was stored, clear the upload, and run the page again (the stamp changed)."""
    st.session_state["data_done"] = message
    st.session_state["data_upload_n"] = st.session_state.get("data_upload_n", 0) + 1
    st.rerun()


def data_page() -> None:
    """The page: an upload checked row by row into an asset layer, or read as a point dataset, stored only on
    confirmation."""
    ctx = page_context()
    lang = ctx.lang
    city, _assets = ctx.load()
    st.title(tr("data_title", lang, city=city.config.name(lang)))
    st.caption(tr("data_intro", lang))
    if "data_done" in st.session_state:
        st.success(st.session_state.pop("data_done"))
    _import_section(ctx, city, lang)
    worklist_panel(city, ctx.version, lang)
    audit_panel(ctx.path, ctx.version, lang)


def _import_section(ctx, city, lang: str) -> None:
    """An upload checked row by row into an asset layer or read as a point dataset, stored on confirmation."""
    target = st.radio(tr("data_target", lang), ("layer", "points"), format_func=lambda t: tr(f"data_target_{t}", lang),
                      horizontal=True, key="data_target")  # fmt: skip
    upload = _upload(lang)
    left, right = st.columns(2)
    with left:
        if target == "layer":
            layer_id = st.selectbox(tr("data_layer", lang), ASSET_LAYERS, format_func=lambda k: LAYERS[k].label(lang),
                                    key="data_layer")  # fmt: skip
        else:
            name = st.text_input(tr("data_points_name", lang), value="checkins", key="data_points_name")
    with right:
        crs = _crs_widget(lang)
        sheet = st.text_input(tr("data_sheet", lang), key="data_sheet") if target == "layer" else None
    if upload is None:
        return
    data = upload.getvalue()
    store = store_for_pack(Path(ctx.path))
    try:
        if target == "points":
            _points_section(store, data, upload.name, name, crs, lang)
            return
        table = _read(data, upload.name, sheet)
        file_key = hashlib.sha1(data).hexdigest()[:12]
        with st.expander(tr("data_mapping", lang), expanded=False):
            mapping = _mapping_editor(table, layer_id, lang, file_key)
        report = prepare_import(table, layer_id, city, crs=crs, mapping=mapping)
    except ImportFileError as exc:
        st.error(plain(exc.message(lang)))
        return
    except ValueError as exc:  # an unknown EPSG code typed in
        st.error(plain(str(exc)))
        return
    _report_tables(report, lang)
    choices = _duplicate_choices(report, lang, file_key)
    rows = report.rows_to_write(choices)
    _preview(city, report, rows, lang)
    actor = current_actor()
    if not actor.can("editor"):  # an import skips the review: an editor's (the store checks it again)
        st.info(tr("data_import_needs_editor", lang))
        return
    if st.button(tr("data_commit", lang, n=len(rows), layer=LAYERS[layer_id].label(lang)), type="primary",
                 disabled=rows.empty, key="data_commit"):  # fmt: skip
        try:
            result = commit_import(store, report, choices, actor=actor)
        except StoreError as exc:
            st.error(plain(exc.message(lang)))
            return
        _done(tr("import_stored", lang, layer=LAYERS[layer_id].label(lang), inserted=result.inserted,
                 updated=result.updated))  # fmt: skip


def _points_section(store, data: bytes, file_name: str, name: str, crs: str | None, lang: str) -> None:
    points, dropped = _points(data, file_name, crs)
    st.markdown(f"**{tr('data_points_read', lang, n=len(points), dropped=dropped)}**")
    actor = current_actor()
    if not actor.can("editor"):
        st.info(tr("data_import_needs_editor", lang))
        return
    if st.button(tr("data_points_commit", lang, n=len(points), name=name), type="primary",
                 disabled=points.empty or not name.strip(), key="data_points_commit"):  # fmt: skip
        try:
            stored = store.write_points(name.strip(), points, actor=actor)
        except StoreError as exc:
            st.error(plain(exc.message(lang)))
            return
        _done(tr("import_points_stored", lang, name=name.strip(), n=stored, dropped=dropped))
