"""The history at the foot of an asset's fact card (issue 28): who changed it, when, and what changed
(before → after), newest first, folded. Every value is HTML-escaped.

The entries are the store's history rows (:meth:`culturemap.store.edits.EditingStore.history`) of one
asset, as :func:`histories_by_asset` groups them; a card shows the newest :data:`CARD_HISTORY_LIMIT`
and points to the Data page's change log for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from html import escape

import pandas as pd
import shapely.geometry
from pyproj import Geod

from culturemap.i18n import MESSAGES, tr
from culturemap.layers import COORD_ACCURACY, LayerSpec

CARD_HISTORY_LIMIT = 5  # entries shown on a card; the rest are counted
VALUE_CHARS = 40  # a longer value (a note, a source) is cut to this many characters
# the packs' cities are in China: one time zone, UTC+8 all year (no daylight saving)
CARD_TIMEZONE = timezone(timedelta(hours=8), "UTC+8")
_GEOD = Geod(ellps="WGS84")


def histories_by_asset(history: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """The rows of a store's ``history`` (oldest first) grouped by asset: ``(layer, id)`` -> that asset's
    entries, oldest first, each a dict of action, before, after (dicts, JSON parsed; None where the row
    did not exist), user, time (UTC ISO 8601) and reason."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for entry in history.to_dict("records"):
        grouped.setdefault((str(entry["layer"]), str(entry["id"])), []).append(
            {
                "action": entry["action"],
                "before": _state(entry["before"]),
                "after": _state(entry["after"]),
                "user": entry["user"],
                "time": entry["time"],
                "reason": entry["reason"],
            }
        )
    return grouped


def history_html(entries: Sequence[Mapping], spec: LayerSpec, lang: str) -> str:
    """The folded history section of a fact card: its newest :data:`CARD_HISTORY_LIMIT` ``entries`` (one
    asset's, oldest first, as :func:`histories_by_asset` gives them) newest first, each with its time
    (UTC+8, to the minute), user, action and what changed; then how many earlier changes the Data page's
    change log has. Empty when there is no entry."""
    if not entries:
        return ""
    items = []
    for entry in reversed(entries[-CARD_HISTORY_LIMIT:]):
        head = " · ".join((escape(shown_time(entry["time"])), escape(str(entry["user"] or "—")),
                           f"<b>{escape(tr('history_action_' + entry['action'], lang))}</b>"))  # fmt: skip
        changes = "".join(f"<br>{escape(text)}" for text in _changes(entry, spec, lang))
        items.append(f"<li>{head}{changes}</li>")
    earlier = len(entries) - CARD_HISTORY_LIMIT
    foot = tr("popup_history_earlier", lang, n=earlier) + " " if earlier > 0 else ""
    return (
        f'<details class="cm-history"><summary>{escape(tr("edit_history", lang, n=len(entries)))}</summary>'
        f"<ul>{''.join(items)}</ul><small>{escape(foot + tr('popup_history_times', lang))}</small></details>"
    )


def field_label(name: str, lang: str) -> str:
    """A field's label in ``lang`` (the XLSX sheets' column headers), else its name."""
    key = f"xlsx_col_{name}"
    return tr(key, lang) if key in MESSAGES else name


def moved_m(before: Mapping | None, after: Mapping | None) -> float | None:
    """How far a change moved the asset: the geodesic distance in metres on the WGS-84 ellipsoid between
    the positions (points; a centroid for other shapes) of the ``before`` and ``after`` states (EPSG:4326
    GeoJSON ``geometry``); None when either has no geometry or they are the same."""
    old, new = (before or {}).get("geometry"), (after or {}).get("geometry")
    if not old or not new or old == new:
        return None
    start, end = (shapely.geometry.shape(g).centroid for g in (old, new))
    return float(_GEOD.inv(start.x, start.y, end.x, end.y)[2])


def _state(text) -> dict | None:
    """A history entry's ``before`` / ``after``: JSON text (or a dict) -> dict, None where there is none."""
    if isinstance(text, dict):
        return text
    return json.loads(text) if isinstance(text, str) and text else None


def shown_time(time, seconds: bool = False) -> str:
    """A store time (UTC; ISO 8601 text or a datetime) as every page shows it: ``YYYY-MM-DD HH:MM`` (with
    ``seconds``: ``:SS``) in UTC+8 (:data:`CARD_TIMEZONE`); blank for none, the text itself when unreadable."""
    if time is None or (isinstance(time, float) and time != time) or str(time) in ("", "NaT", "None"):
        return ""
    try:
        moment = time if isinstance(time, datetime) else datetime.fromisoformat(str(time).replace("Z", "+00:00"))
    except ValueError:
        return str(time)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CARD_TIMEZONE).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _changes(entry: Mapping, spec: LayerSpec, lang: str) -> list[str]:
    """What one entry changed, one text a line: an import as a count of the fields it changed; else the
    distance moved (with the new position's accuracy), each changed field ``label: before → after``, and
    a retire's reason (an undo's: the asset retired or restored)."""
    before, after = entry["before"] or {}, entry["after"] or {}
    old, new = before.get("props") or {}, after.get("props") or {}
    changed = [name for name in dict.fromkeys([*old, *new]) if _shown(old.get(name)) != _shown(new.get(name))]
    if entry["action"] == "import":
        return [tr("popup_history_import", lang, n=len(changed))] if before and changed else []
    if entry["action"] == "add":
        return []
    lines = []
    distance_m = moved_m(before, after)
    if distance_m is not None:
        accuracy = new.get("coord_accuracy")
        label = COORD_ACCURACY.label(str(accuracy), lang) if accuracy else "—"
        lines.append(tr("popup_history_moved", lang, m=f"{distance_m:.0f}", accuracy=label))
        changed = [name for name in changed if name != "coord_accuracy"]
    for name in changed:
        lines.append(tr("popup_history_change", lang, field=field_label(name, lang),
                        before=_value(spec, name, old.get(name), lang),
                        after=_value(spec, name, new.get(name), lang)))  # fmt: skip
    retired, was_retired = after.get("retired_reason"), before.get("retired_reason")
    if retired and retired != was_retired:  # a retire's reason; an undo says it retired the asset
        key = "popup_history_retired" if entry["action"] == "retire" else "popup_history_now_retired"
        lines.append(tr(key, lang, reason=_cut(str(retired))))
    elif was_retired and not retired and entry["action"] != "restore":
        lines.append(tr("history_action_restore", lang))
    return lines


def _shown(value):
    """A field's value with every kind of blank (None, empty text, empty list) as None."""
    return None if value is None or value == "" or value == [] else value


def _value(spec: LayerSpec, name: str, value, lang: str) -> str:
    """A field's value as a reader reads it: a vocabulary's label, a list joined, a blank as "—", cut to
    :data:`VALUE_CHARS` characters."""
    if _shown(value) is None:
        return "—"
    field = spec.field(name)
    vocabulary = field.vocabulary if field is not None else None
    values = value if isinstance(value, list) else [value]
    labels = [vocabulary.label(str(v), lang) if vocabulary else str(v) for v in values]
    return _cut(", ".join(labels))


def _cut(text: str) -> str:
    """``text`` cut to :data:`VALUE_CHARS` characters (an ellipsis where it was cut)."""
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1].rstrip() + "…"
