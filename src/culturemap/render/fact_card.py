"""The fact card (popup) of an asset and its marker symbol: names, values in the page's language,
the position's accuracy and the source as a reader would cite it. Every value is HTML-escaped."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

from culturemap.catalog.sources import cite_text
from culturemap.i18n import tr
from culturemap.layers import COORD_ACCURACY, PLACED_ACCURACY, THEMES, LayerSpec
from culturemap.render.card_history import history_html

_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10"/>',
    "triangle": '<polygon points="10,2 19,18 1,18"/>',
    "star": '<polygon points="10,1 12.6,7 19,7.5 14,11.7 15.6,18.5 10,14.8 4.4,18.5 6,11.7 1,7.5 7.4,7"/>',
    "hexagon": '<polygon points="5,2 15,2 19,10 15,18 5,18 1,10"/>',
}


_POPUP_FIELDS = (
    ("grade", "popup_grade"),
    ("level", "popup_level"),
    ("category", "popup_kind"),
    ("kind", "popup_kind"),
    ("type", "popup_type"),
    ("campus", "popup_campus"),
    ("era", "popup_era"),
    ("grade_since", "popup_grade_since"),
    ("grade_history", "popup_grade_history"),
    ("batch", "popup_batch"),
    ("district", "popup_district"),
    ("address", "popup_address"),
)


def feature_name(row, lang: str) -> str:
    """The display name of a feature in ``lang``, falling back past a blank one to the other language,
    then the id."""
    order = ("name_zh", "name_en", "id") if lang == "zh" else ("name_en", "name_zh", "id")
    return next((str(row.get(key)) for key in order if not blank(row.get(key))), "")


def name_with_campus(row, lang: str, campus=None) -> str:
    """:func:`feature_name` with the campus when there is one ("兰州大学（城关校区）", "Lanzhou University
    (城关校区)"): ``campus``, else the row's own; a university's campuses share its name."""
    campus = row.get("campus") if campus is None else campus
    name = feature_name(row, lang)
    return name if blank(campus) else tr("lens_campus_option", lang, name=name, campus=campus)


def blank(value) -> bool:
    """True for a missing cell value: None, empty text or NaN."""
    return value is None or value == "" or (isinstance(value, float) and np.isnan(value))


# an absolute path (POSIX or Windows drive), not part of a URL or of a relative ../path
_ABS_PATH = re.compile(r"(?<![\w.:/\\])(?:[A-Za-z]:[\\/]|/)(?:[^\s\\/;,()<>\"']+[\\/])+([^\s\\/;,()<>\"']+)")


SOURCE_SHORT_CHARS = 60


_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")


_URL = re.compile(r"https?://([^/\s;]+)\S*")


def display_source(text: str) -> tuple[str, str]:
    """(short, full) forms of a ``source`` value for people: no machine paths in either.

    An absolute path becomes ``…/<file name>``; the short form is the first clause (up to the
    first ``;``) without its parentheses, a web address shortened to its host (who published it),
    at most :data:`SOURCE_SHORT_CHARS` characters.
    """
    full = _ABS_PATH.sub(lambda m: "…/" + m.group(1), str(text)).strip()
    first = full.split(";", 1)[0]
    short = _URL.sub(r"\1", _PARENTHESES.sub("", first)).strip(" :") or full
    if len(short) > SOURCE_SHORT_CHARS:
        short = short[: SOURCE_SHORT_CHARS - 1].rstrip() + "…"
    return short, full


def fact_card_html(
    row,
    spec: LayerSpec,
    lang: str,
    districts: dict[str, str] | None = None,
    sources: Mapping | None = None,
    history: Sequence[Mapping] | None = None,
) -> str:
    """The popup fact card of one feature. Every value is HTML-escaped.

    ``districts`` maps district ``name_zh`` to the name shown in ``lang`` (default: as stored).
    ``sources``: the pack's source register (:attr:`City.sources`); the row's source keys are cited as
    a reader would cite them (:func:`culturemap.catalog.sources.cite_text`), the principal source
    shown and the others folded; the curators' ``note`` is folded under "Notes". ``history``: the asset's
    changes in the store, oldest first (:func:`culturemap.render.card_history.histories_by_asset`), folded
    at the foot of the card, newest first (:func:`~culturemap.render.card_history.history_html`).
    """
    other = row.get("name_en") if lang == "zh" else row.get("name_zh")
    parts = [f'<div class="cm-card"><b>{escape(feature_name(row, lang))}</b>']
    if not blank(other):
        parts.append(f"<br><i>{escape(str(other))}</i>")
    parts.append(f"<br><small>{escape(spec.label(lang))}</small><table>")
    for field, key in _POPUP_FIELDS:
        field_spec = spec.field(field)
        value = row.get(field)
        if field_spec is None or blank(value):
            continue
        text = field_spec.vocabulary.label(str(value), lang) if field_spec.vocabulary else str(value)
        if field == "district" and districts:
            text = districts.get(text, text)
        parts.append(f"<tr><th>{escape(tr(key, lang))}</th><td>{escape(text)}</td></tr>")
    themes = row.get("themes")
    if themes is not None and len(themes):
        labels = ", ".join(THEMES.label(str(t), lang) for t in themes)
        parts.append(f"<tr><th>{escape(tr('popup_themes', lang))}</th><td>{escape(labels)}</td></tr>")
    accuracy = row.get("coord_accuracy")
    if not blank(accuracy):
        label = escape(COORD_ACCURACY.label(str(accuracy), lang))
        if accuracy not in PLACED_ACCURACY:
            label = f'<span class="cm-approx-note">⚠ {label}</span>'
        parts.append(f"<tr><th>{escape(tr('popup_accuracy', lang))}</th><td>{label}</td></tr>")
    if not blank(row.get("source")) and sources is not None:
        cited = cite_text(row["source"], sources, lang)
        short, _, rest = cited.partition("；" if lang == "zh" else "; ")
        shown = escape(short) if not rest else f"<details><summary>{escape(short)}</summary>{escape(cited)}</details>"
        parts.append(f"<tr><th>{escape(tr('popup_source', lang))}</th><td>{shown}</td></tr>")
    elif not blank(row.get("source")):
        short, full = display_source(row["source"])
        shown = (
            escape(short) if short == full else f"<details><summary>{escape(short)}</summary>{escape(full)}</details>"
        )
        parts.append(f"<tr><th>{escape(tr('popup_source', lang))}</th><td>{shown}</td></tr>")
    if not blank(row.get("note")):  # curators' notes (what placed the point, what a source says), folded
        notes = f"<details><summary>{escape(tr('popup_notes', lang))}</summary>{escape(str(row['note']))}</details>"
        parts.append(f'<tr><td colspan="2">{notes}</td></tr>')
    parts.append(f"</table><small>id: {escape(str(row.get('id') or ''))}</small>")
    parts.append(f"{history_html(history or (), spec, lang)}</div>")
    return "".join(parts)


def marker_svg(spec: LayerSpec, approx: bool = False, size_px: int = 18) -> str:
    """The inline SVG marker of a layer; approximate positions get a dashed outline."""
    dash = ' stroke-dasharray="2,1.5"' if approx else ""
    opacity = 0.6 if approx else 0.9
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_px}" height="{size_px}" viewBox="0 0 20 20">'
        f'<g fill="{spec.color}" fill-opacity="{opacity}" stroke="#222" stroke-width="1.2"{dash}>'
        f"{_SHAPES.get(spec.shape, _SHAPES['circle'])}</g></svg>"
    )
