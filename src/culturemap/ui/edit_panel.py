"""Correcting the map (issue 28): the Map page's "编辑 / Edit" panel for contributors and editors.

Pick a layer and an asset (or "new asset"), then change its fields (the layer registry's fields, the
same checks as an import), move it by typing coordinates in WGS-84, GCJ-02 or BD-09 and saying what
placed it, retire it with a reason or restore it; undo your own last change; see the asset's history.
An editor's change is saved at once as the row's next version; a contributor's is filed as a proposal,
which editors approve or reject (with a comment) in the review list below. Every write goes through
the store's edit functions, which check the role themselves and refuse a save made on an old version
("changed by X at T: reload"). The store's stamp changes with each write, so every page and export
reads the new state at its next run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st
from pyproj import Geod

from culturemap.crs import to_wgs84
from culturemap.i18n import tr
from culturemap.layers import ASSET_LAYERS, COORD_ACCURACY, LAYERS
from culturemap.render.basemaps import BASEMAPS
from culturemap.render.card_history import field_label, shown_time
from culturemap.render.edit_overlay import Handle, Pending, edit_overlay
from culturemap.render.fact_card import feature_name
from culturemap.store import StoreError, store_for_pack
from culturemap.store.roles import Actor
from culturemap.ui.text import plain
from culturemap.ui.widgets import choice

NEW = "__new__"  # the asset choice that adds a row
DATUMS = ("wgs84", "gcj02", "bd09")
SKIPPED = ("id", "coord_accuracy", "datum_in")  # the key, and what a move sets
_GEOD = Geod(ellps="WGS84")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _done(result, lang: str, reviewed: str = "") -> None:
    """Remember what the save did and run the page again (the store's stamp changed); ``reviewed``:
    ``approved`` or ``rejected`` for a review."""
    layer = LAYERS[result.layer].label(lang)
    if reviewed:
        message = tr(f"review_{reviewed}", lang, proposal=result.proposal)
    elif result.proposal is not None:
        message = tr("edit_proposed", lang, layer=layer, id=result.id, proposal=result.proposal)
    elif result.undone:
        message = tr("edit_undone_change", lang, layer=layer, id=result.id, action=tr(f"history_action_{result.undone}", lang),
                     version=result.version)  # fmt: skip
    else:
        message = tr("edit_done", lang, layer=layer, id=result.id, version=result.version,
                     action=tr(f"action_{result.action}", lang))  # fmt: skip
    st.session_state["edit_notice"] = message
    for key in ("edit_drag", "edit_click"):  # the position just saved: the handle starts from the stored row again
        st.session_state.pop(key, None)
    st.rerun()


def _save(lang: str, write, reviewed: str = "") -> None:
    """Run the store write ``write()``; its refusal (role, stale version, bad value) shown as an error."""
    try:
        result = write()
    except StoreError as exc:
        st.error(plain(exc.message(lang)))
        return
    _done(result, lang, reviewed)


def edit_panel(path: str, lang: str, actor: Actor) -> None:
    """The folded Edit panel (contributors and up; nothing at all for a viewer)."""
    if not actor.can("contributor"):
        return
    store = store_for_pack(Path(path))
    pending = store.proposals() if actor.can("editor") else None
    # said outside the folded panel, whose foot lists them; in a container that is there either way, so the
    # panel keeps its place (and stays open) when the last proposal is answered
    with st.container():
        if pending is not None and len(pending):
            st.caption(tr("edit_review_waiting", lang, n=len(pending)))
    with st.expander(tr("edit_panel", lang, role=tr(f"role_{actor.role}", lang)), icon=":material/edit_location:"):
        if "edit_notice" in st.session_state:
            st.success(plain(st.session_state.pop("edit_notice")))
        layer = choice("selectbox", tr("edit_layer", lang), ASSET_LAYERS, key="edit_layer",
                       format_func=lambda lid: LAYERS[lid].label(lang))  # fmt: skip
        rows = store.read_layer(layer, retired=True, meta=True)
        labels = {NEW: tr("edit_new_asset", lang)}
        for r in rows.to_dict("records"):
            retired = tr("edit_retired_mark", lang) if isinstance(r.get("retired_reason"), str) else ""
            labels[r["id"]] = f"{plain(_text(r['name_zh']))} · {r['id']}{retired}"
        picked = choice("selectbox", tr("edit_asset", lang), list(labels), key="edit_asset",
                        format_func=lambda k: labels.get(k, k))  # fmt: skip
        if not st.toggle(tr("edit_pick_on_map", lang), key="edit_pick", help=tr("edit_pick_help", lang)) and not (
            _dragging()
        ):
            st.session_state.pop("edit_click", None)
        if picked == NEW:
            _add_form(store, layer, lang, actor)
        else:
            row = rows[rows["id"] == picked].iloc[0].to_dict()
            _row_forms(store, layer, row, lang, actor)
            _history(store, picked, lang)
        if actor.can("editor"):
            if st.button(tr("edit_undo_mine", lang), key="edit_undo"):
                _save(lang, lambda: store.undo_last(actor))
            _review(store, pending, lang, actor)
        else:
            _my_proposals(store, lang, actor)


def _field_inputs(layer: str, values: dict, lang: str, key: str) -> dict:
    """One text input per field of ``layer`` (list fields comma-separated, vocabularies named in the help)."""
    typed = {}
    for spec in LAYERS[layer].fields:
        if spec.name in SKIPPED:
            continue
        help_text = None
        if spec.vocabulary is not None:
            help_text = ", ".join(f"{v}: {spec.vocabulary.label(v, lang)}" for v in spec.vocabulary.values)
        label = field_label(spec.name, lang) + ("" if not spec.required else " *")
        typed[spec.name] = st.text_input(label, value=_text(values.get(spec.name)), key=f"{key}_{spec.name}",
                                         help=help_text)  # fmt: skip
    return typed


def _position_inputs(lang: str, key: str, lon: float | None, lat: float | None, accuracy: str = "surveyed"):
    left, right = st.columns(2)
    lon = left.number_input(tr("edit_lon", lang), value=lon, format="%.6f", key=f"{key}_lon")
    lat = right.number_input(tr("edit_lat", lang), value=lat, format="%.6f", key=f"{key}_lat")
    datum = st.radio(tr("edit_datum", lang), DATUMS, format_func=lambda d: tr(f"edit_datum_{d}", lang),
                     horizontal=True, key=f"{key}_datum")  # fmt: skip
    values = COORD_ACCURACY.values
    accuracy = st.selectbox(tr("edit_accuracy", lang), values, key=f"{key}_accuracy", index=values.index(accuracy),
                            format_func=lambda a: COORD_ACCURACY.label(a, lang))  # fmt: skip
    return lon, lat, datum, accuracy


def my_location(lang: str) -> tuple[float, float, float] | None:
    """ "Use my location": the browser's position (WGS-84 lon, lat and its accuracy in metres) once asked
    and given, else None (while the browser asks for permission: a caption; refused or failed: why)."""
    ss = st.session_state
    if st.button(tr("edit_use_location", lang), key="edit_geo_ask", icon=":material/my_location:"):
        ss["edit_geo_asked"] = ss.get("edit_geo_asked", 0) + 1
        ss.pop("edit_geo", None)
        ss.pop("edit_click", None)  # the latest of the two wins
    asked = ss.get("edit_geo_asked")
    # one container whatever it holds (the browser's answer, a note): the form below keeps its place in the
    # page, so a rerun never shows the old form beside the new one while it runs
    with st.container():
        if asked and ss.get("edit_geo_for") != asked:
            from streamlit_js_eval import get_geolocation

            fix = get_geolocation(component_key=f"edit_geo_{asked}")
            if fix is None:
                st.caption(tr("edit_locating", lang))
                return None
            ss["edit_geo_for"] = asked
            coords = fix.get("coords") if isinstance(fix, dict) else None
            if not coords or coords.get("latitude") is None:
                reason = (fix.get("error") or {}).get("message", "") if isinstance(fix, dict) else ""
                st.warning(tr("edit_location_failed", lang, reason=plain(str(reason) or "-")))
                return None
            ss["edit_geo"] = (float(coords["longitude"]), float(coords["latitude"]), float(coords.get("accuracy") or 0))
    return ss.get("edit_geo")


def chosen_key() -> str | None:
    """``layer/id`` of the asset chosen in the Edit panel (None: none, or a new one)."""
    ss = st.session_state
    asset = ss.get("edit_asset")
    return None if asset in (None, NEW) or not ss.get("edit_layer") else f"{ss['edit_layer']}/{asset}"


def _dragging() -> bool:
    """Whether the chosen asset's handle was dragged on the map (its drop point not yet saved)."""
    return chosen_key() is not None and st.session_state.get("edit_drag") == chosen_key()


def map_click() -> tuple[float, float] | None:
    """The WGS-84 (lon, lat) of the last click on the Map page's map while "pick on the map" is on, or
    where the chosen asset's handle was dropped."""
    ss = st.session_state
    return ss.get("edit_click") if ss.get("edit_pick") or _dragging() else None


def take_map_report(spot: dict | None, basemap: str, picking: bool) -> None:
    """What the map reported as clicked (``last_clicked``) while a contributor or editor is signed in: a
    dropped handle (the click carries ``dragged``: the asset's key) or, while "pick on the map" is on, a
    click. A new one is kept in WGS-84 as ``edit_click`` (the map is drawn in the basemap's datum) and
    the whole page runs again, so the panel fills it in. The component hands back its last report on
    every rerun: one already taken is ignored."""
    ss = st.session_state
    if not spot or spot.get("lat") is None or spot == ss.get("edit_click_seen"):
        return
    dragged = spot.get("dragged")
    if not (picking or dragged):
        return
    ss["edit_click_seen"] = spot
    lon, lat = to_wgs84([spot["lng"]], [spot["lat"]], BASEMAPS[basemap].datum)
    ss["edit_click"] = (float(lon[0]), float(lat[0]))
    ss["edit_click_n"] = ss.get("edit_click_n", 0) + 1
    if dragged:
        ss["edit_drag"] = str(dragged)
    ss.pop("edit_geo", None)  # the latest of the two wins
    st.rerun(scope="app")


def _point_of(changes) -> tuple[float, float] | None:
    """The WGS-84 (lon, lat) a proposal's ``changes`` put an asset at (a move's, an addition's point)."""
    changes = json.loads(changes) if isinstance(changes, str) else changes or {}
    if changes.get("lon") is not None and changes.get("lat") is not None:
        return float(changes["lon"]), float(changes["lat"])
    coordinates = (changes.get("geometry") or {}).get("coordinates")
    return (float(coordinates[0]), float(coordinates[1])) if coordinates else None


def edit_overlay_script(path: str, assets: pd.DataFrame, actor: Actor, lang: str, basemap: str) -> tuple[str, int]:
    """The map layer of a signed-in contributor or editor (:func:`culturemap.render.edit_overlay`): the
    drag handle of the asset chosen in the Edit panel and the user's own pending proposals; with the
    number of those proposals drawn."""
    from culturemap.ui.map_component import layer_script

    where = {f"{layer}/{id}": (geometry, row) for layer, id, geometry, row in
             zip(assets["layer"], assets["id"], assets.geometry, assets.to_dict("records"))}  # fmt: skip
    handle = None
    key = chosen_key()
    if key in where:
        geometry, row = where[key]
        point = geometry.representative_point()
        to = st.session_state.get("edit_click") if _dragging() else None
        handle = Handle(key, feature_name(row, lang), point.x, point.y, to)
    pending = []
    proposals = store_for_pack(Path(path)).proposals()
    for p in proposals[proposals["user"] == actor.name].to_dict("records"):
        stored = where.get(f"{p['layer']}/{p['id']}")
        start = None if stored is None else stored[0].representative_point()
        start = None if start is None else (start.x, start.y)
        at = _point_of(p["changes"]) if p["action"] in ("add", "move") else start
        if at is None:
            continue
        changes = json.loads(p["changes"]) if isinstance(p["changes"], str) else p["changes"] or {}
        name = feature_name(stored[1], lang) if stored else feature_name(changes.get("props") or {}, lang)
        pending.append(Pending(int(p["proposal"]), p["action"], name or str(p["id"]), at,
                               start if p["action"] == "move" else None))  # fmt: skip
    if handle is None and not pending:
        return "", 0
    return layer_script(edit_overlay(handle, pending, lang, BASEMAPS[basemap].datum), index=2), len(pending)


def _add_form(store, layer: str, lang: str, actor: Actor) -> None:
    click = map_click()
    if click is not None:
        st.caption(tr("edit_click_filled", lang))
    with st.form(f"edit_add_{layer}", border=False):
        typed = _field_inputs(layer, {}, lang, "edit_add")
        key = f"edit_add_click{st.session_state.get('edit_click_n', 0)}" if click else "edit_add"
        lon, lat, datum, accuracy = _position_inputs(
            lang, key, *(click or (None, None)), "map" if click else "surveyed"
        )
        reason = st.text_input(tr("edit_reason", lang), key="edit_add_reason")
        if st.form_submit_button(tr("edit_add_button", lang), type="primary"):
            props = {k: v for k, v in typed.items() if v.strip()} | {"coord_accuracy": accuracy}
            _save(lang, lambda: store.add_asset(layer, props, actor, lon=lon, lat=lat, datum=datum, reason=reason))


def _row_forms(store, layer: str, row: dict, lang: str, actor: Actor) -> None:
    version = int(row["version"])
    st.caption(tr("edit_version", lang, version=version, user=plain(row.get("updated_by") or "—"),
                  at=shown_time(row.get("updated_at")) or "—"))  # fmt: skip
    key = f"edit_{layer}_{row['id']}_v{version}"  # a new version: the inputs start from it
    fields, position, retire = st.tabs([tr("edit_tab_fields", lang), tr("edit_tab_position", lang),
                                        tr("edit_tab_retire", lang)])  # fmt: skip
    with fields, st.form(f"{key}_fields", border=False):
        typed = _field_inputs(layer, row, lang, key)
        reason = st.text_input(tr("edit_reason", lang), key=f"{key}_reason")
        if st.form_submit_button(tr("edit_save", lang), type="primary"):
            changes = {k: v for k, v in typed.items() if v != _text(row.get(k))}
            if not changes:
                st.info(tr("edit_nothing_changed", lang))
            else:
                _save(lang, lambda: store.update_asset(layer, row["id"], changes, version, actor, reason))
    with position:
        st.caption(tr("edit_drag_hint", lang))
        fix = my_location(lang)
    with position, st.form(f"{key}_position", border=False):
        point = row["geometry"].representative_point()
        click = map_click()
        if fix is None and click is not None:  # a click on the map, or the handle dropped: where the user points
            if _dragging():
                _, _, metres = _GEOD.inv(point.x, point.y, click[0], click[1])
                st.caption(tr("edit_drag_filled", lang, m=abs(metres)))
            else:
                st.caption(tr("edit_click_filled", lang))
            click_key = f"{key}_click{st.session_state.get('edit_click_n', 0)}"
            lon, lat, datum, accuracy = _position_inputs(lang, click_key, round(click[0], 6), round(click[1], 6), "map")
            reason = st.text_input(tr("edit_reason", lang), key=f"{click_key}_move_reason")
        elif fix is None:
            lon, lat, datum, accuracy = _position_inputs(lang, key, round(point.x, 6), round(point.y, 6))
            reason = st.text_input(tr("edit_reason", lang), key=f"{key}_move_reason")
        else:  # the phone's fix, in WGS-84, placed by GPS; its accuracy goes into the history's reason
            st.caption(tr("edit_location_fix", lang, m=fix[2]))
            geo_key = f"{key}_geo{st.session_state['edit_geo_asked']}"
            lon, lat, datum, accuracy = _position_inputs(lang, geo_key, round(fix[0], 6), round(fix[1], 6), "gps")
            reason = st.text_input(tr("edit_reason", lang), value=tr("edit_gps_reason", lang, m=fix[2]),
                                   key=f"{geo_key}_move_reason")  # fmt: skip
        if st.form_submit_button(tr("edit_move", lang), type="primary"):
            _save(lang, lambda: store.move_asset(layer, row["id"], lon, lat, accuracy, version, actor, reason, datum))
    with retire:
        retired = row.get("retired_reason")
        if isinstance(retired, str):
            st.warning(tr("edit_is_retired", lang, reason=plain(retired)))
            if st.button(tr("edit_restore", lang), key=f"{key}_restore"):
                _save(lang, lambda: store.restore_asset(layer, row["id"], version, actor))
        else:
            reason = st.text_input(tr("edit_retire_reason", lang), key=f"{key}_retire_reason")
            if st.button(tr("edit_retire", lang), key=f"{key}_retire"):
                _save(lang, lambda: store.retire_asset(layer, row["id"], version, actor, reason))


def changed_fields(before, after) -> str:
    """What a change did, field by field: ``name_en: A -> B; geometry moved; retired``."""
    old = json.loads(before) if isinstance(before, str) else before or {}
    new = json.loads(after) if isinstance(after, str) else after or {}
    parts = []
    props_old, props_new = old.get("props", {}), new.get("props", {})
    for name in sorted(set(props_old) | set(props_new)):
        if _text(props_old.get(name)) != _text(props_new.get(name)):
            parts.append(f"{name}: {_text(props_old.get(name)) or '∅'} → {_text(props_new.get(name)) or '∅'}")
    if old.get("geometry") != new.get("geometry") and old and new:
        coordinates = new.get("geometry", {}).get("coordinates")
        parts.append(f"geometry → {coordinates}")
    if old.get("retired_reason") != new.get("retired_reason"):
        parts.append(f"retired: {old.get('retired_reason') or '∅'} → {new.get('retired_reason') or '∅'}")
    return "; ".join(parts)


def history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The history rows as people read them: time, user, action, version, what changed, why."""
    return pd.DataFrame(
        {
            tr("history_col_time", lang): [shown_time(t, seconds=True) for t in history["time"]],
            tr("history_col_user", lang): history["user"].tolist(),
            tr("history_col_action", lang): [tr(f"history_action_{a}", lang) for a in history["action"]],
            tr("history_col_version", lang): history["version"].tolist(),
            tr("history_col_changes", lang): [
                changed_fields(b, a) for b, a in zip(history["before"], history["after"])
            ],
            tr("history_col_reason", lang): history["reason"].fillna("").tolist(),
        }
    )


def _history(store, asset_id: str, lang: str) -> None:
    history = store.history(id=asset_id)
    st.markdown(f"**{tr('edit_history', lang, n=len(history))}**")
    if len(history):
        st.dataframe(history_table(history.iloc[::-1], lang), hide_index=True)


def _my_proposals(store, lang: str, actor: Actor) -> None:
    """A contributor's own proposals: pending ones (shown to their author only) and how the others ended."""
    mine = store.proposals(status=None)
    mine = mine[mine["user"] == actor.name]
    pending = int((mine["status"] == "pending").sum())
    st.markdown(f"**{tr('edit_my_proposals', lang, n=pending)}**")
    if len(mine):
        st.dataframe(
            pd.DataFrame(
                {
                    tr("edit_col_proposal", lang): [f"#{n}" for n in mine["proposal"]],
                    tr("audit_col_id", lang): mine["id"].tolist(),
                    tr("history_col_action", lang): [tr("history_action_" + a, lang) for a in mine["action"]],
                    tr("edit_col_status", lang): [tr("edit_status_" + s, lang) for s in mine["status"]],
                    tr("edit_review_comment", lang): mine["comment"].fillna("").tolist(),
                }
            ).iloc[::-1],
            hide_index=True,
        )


def proposed_change(proposal: dict, rows: pd.DataFrame, lang: str) -> str:
    """What ``proposal`` would change, as a reviewer reads it: each field by its label, the stored value
    (from ``rows``, the layer's rows) → the proposed one; a move's WGS-84 position and what placed it;
    an added asset's fields. Empty for a retire or restore (its reason says why)."""
    changes, action = proposal["changes"], proposal["action"]
    if action == "update":
        stored = rows[rows["id"] == proposal["id"]].to_dict("records")
        before = stored[0] if stored else {}
        return "; ".join(f"{field_label(name, lang)}: {_text(before.get(name)) or '∅'} → {_text(value) or '∅'}"
                         for name, value in changes["changes"].items())  # fmt: skip
    if action == "move":
        placed = COORD_ACCURACY.label(changes["accuracy"], lang) if changes.get("accuracy") else ""
        return f"{tr('edit_tab_position', lang)} → {changes['lon']:.6f}, {changes['lat']:.6f} (WGS-84) {placed}".strip()
    if action == "add":
        return "; ".join(f"{field_label(k, lang)}: {_text(v)}" for k, v in changes["props"].items() if _text(v))
    return ""


def _review(store, pending: pd.DataFrame, lang: str, actor: Actor) -> None:
    st.markdown(f"**{tr('edit_review', lang, n=len(pending))}**")
    layers = {layer: store.read_layer(layer, retired=True, meta=True) for layer in set(pending["layer"])}
    for p in pending.to_dict("records"):
        action = tr("history_action_" + p["action"], lang)
        what = f"#{p['proposal']} · {LAYERS[p['layer']].label(lang)} {p['id']} · {action}"
        st.markdown(f"{plain(what)} · {plain(p['user'])} · {shown_time(p['time'])}")
        colon = "：" if lang == "zh" else ": "
        change = proposed_change(p, layers[p["layer"]], lang)
        if change:
            st.caption(plain(f"{tr('history_col_changes', lang)}{colon}{change}"[:300]))
        if _text(p["reason"]).strip():
            st.caption(plain(f"{tr('history_col_reason', lang)}{colon}{_text(p['reason'])}"[:300]))
        comment = st.text_input(tr("edit_review_comment", lang), key=f"edit_review_comment_{p['proposal']}")
        left, right, _ = st.columns([1, 1, 3])  # the two answers side by side
        if left.button(tr("edit_approve", lang), key=f"edit_approve_{p['proposal']}"):
            _save(lang, lambda p=p, c=comment: store.review(int(p["proposal"]), True, c, actor), "approved")
        if right.button(tr("edit_reject", lang), key=f"edit_reject_{p['proposal']}"):
            _save(lang, lambda p=p, c=comment: store.review(int(p["proposal"]), False, c, actor), "rejected")


def audit_panel(path: str, version: str, lang: str) -> None:
    """The Data page's change log: every change of the city's assets (who, when, what, why), filtered by
    user, layer, action and date (UTC+8, as shown), downloadable as CSV (the raw history: UTC times, JSON
    before and after). Read once per data version (:func:`culturemap.ui.context.store_history`)."""
    from culturemap.export.data import to_csv_bytes
    from culturemap.export.filing import filing_name
    from culturemap.ui.context import store_history

    history = store_history(path, version)
    city_id = Path(path).name
    with st.expander(tr("audit_panel", lang, n=len(history)), icon=":material/history:"):
        if history.empty:
            st.caption(tr("audit_empty", lang))
            return
        left, middle, right = st.columns(3)
        users = left.multiselect(tr("history_col_user", lang), sorted(set(history["user"])), key="audit_users",
                                 placeholder=tr("audit_any", lang))  # fmt: skip
        layers = middle.multiselect(tr("edit_layer", lang), sorted(set(history["layer"])), key="audit_layers",
                                    format_func=lambda lid: LAYERS[lid].label(lang) if lid in LAYERS else lid,
                                    placeholder=tr("audit_any", lang))  # fmt: skip
        actions = right.multiselect(tr("history_col_action", lang), sorted(set(history["action"])),
                                    key="audit_actions", format_func=lambda a: tr(f"history_action_{a}", lang),
                                    placeholder=tr("audit_any", lang))  # fmt: skip
        local_day = history["time"].map(lambda t: shown_time(t)[:10])  # the day in UTC+8, as the table shows it
        days = pd.to_datetime(local_day)
        start, end = days.min().date(), days.max().date()
        chosen = st.date_input(tr("audit_dates", lang), value=(start, end), key="audit_dates")
        kept = history
        if users:
            kept = kept[kept["user"].isin(users)]
        if layers:
            kept = kept[kept["layer"].isin(layers)]
        if actions:
            kept = kept[kept["action"].isin(actions)]
        if isinstance(chosen, tuple | list) and len(chosen) == 2:
            kept_days = pd.to_datetime(local_day[kept.index]).dt.date
            kept = kept[(kept_days >= chosen[0]) & (kept_days <= chosen[1])]
        st.caption(tr("audit_shown", lang, n=len(kept), total=len(history)))
        table = history_table(kept.iloc[::-1], lang)
        table.insert(3, tr("edit_layer", lang), [LAYERS[lid].label(lang) for lid in kept["layer"].iloc[::-1]])
        table.insert(4, tr("audit_col_id", lang), kept["id"].iloc[::-1].tolist())
        st.dataframe(table, hide_index=True)
        st.download_button(tr("audit_download", lang, n=len(kept)), to_csv_bytes(kept), on_click="ignore",
                           file_name=filing_name(city_id, "history", "csv"), mime="text/csv",
                           key="audit_download", icon=":material/download:")  # fmt: skip
