"""The survey worklist (:func:`culturemap.analysis.worklist.survey_worklist`) as a surveyor takes it along:
a printable A4 PDF (one table per tier, a blank column to tick, the stored point and how far off it may
be), GPX waypoints for a phone's map app, and CSV (the one CSV writer of the app, codes kept)."""

from __future__ import annotations

from datetime import date

import gpxpy.gpx
import pandas as pd

from culturemap.analysis.worklist import TIER_IDS
from culturemap.catalog import City
from culturemap.export.data import to_csv_bytes
from culturemap.export.document import FONT_PT, Document, Progress
from culturemap.i18n import tr
from culturemap.layers import COORD_ACCURACY, LAYERS
from culturemap.render.static import use_cjk_font


def _name(row: dict, lang: str) -> str:
    """The asset's name in ``lang`` (the Chinese one where the English is blank)."""
    english = row.get("name_en")
    return row["name_zh"] if lang == "zh" or not isinstance(english, str) or not english.strip() else english


def _class(row: dict, lang: str) -> str:
    """The layer, with its grade or level where it has one: "文物保护单位 · 全国重点文物保护单位"."""
    spec = LAYERS[row["layer"]]
    for field in ("grade", "level"):
        value, vocabulary = row.get(field), getattr(spec.field(field), "vocabulary", None)
        if isinstance(value, str) and value and vocabulary is not None:
            return f"{spec.short_label(lang)} · {vocabulary.label(value, lang)}"
    return spec.short_label(lang)


def district_names(city: City, lang: str):
    """A function giving a district's name in ``lang`` from its Chinese name (blank for none)."""
    districts = city.layers["districts"]
    english = {zh: en for zh, en in zip(districts["name_zh"], districts["name_en"]) if isinstance(en, str) and en}

    def name(zh) -> str:
        if not isinstance(zh, str):
            return ""
        return zh if lang == "zh" else english.get(zh, zh)

    return name


def worklist_pdf(city: City, worklist: pd.DataFrame, lang: str, today: date | None = None,
                 progress: Progress | None = None) -> bytes:  # fmt: skip
    """The worklist as an A4 PDF in ``lang``: a summary, then per tier a table (rank, name, class,
    district, stored point, uncertainty, a blank "checked" column); the date and the data's source in the
    footer of every page."""
    today = today or date.today()
    use_cjk_font()
    where = city.config.name(lang)
    doc = Document(lang)
    doc.title = tr("worklist_title", lang, city=where)
    doc.subject = tr("worklist_subject", lang, n=len(worklist))
    doc.new_page()
    doc.heading(doc.title)
    total = int(len(city.assets()))
    doc.text(tr("worklist_summary", lang, n=len(worklist), total=total))
    doc.text(tr("worklist_how", lang), size=FONT_PT - 0.5, color="#333")
    if worklist.empty:
        doc.text(tr("worklist_empty", lang), fontweight="bold")
    header = [tr("worklist_col_rank", lang), tr("worklist_col_name", lang), tr("worklist_col_class", lang),
              tr("worklist_col_district", lang), tr("worklist_col_point", lang), tr("worklist_col_within", lang),
              tr("worklist_col_checked", lang)]  # fmt: skip
    district = district_names(city, lang)
    for tier in TIER_IDS:
        rows = worklist[worklist["tier"] == tier].to_dict("records")
        if not rows:
            continue
        cells = [[str(r["rank"]), _name(r, lang), _class(r, lang), district(r["district"]),
                  f"{r['lon']:.5f}, {r['lat']:.5f}", f"{r['uncertainty_m']:,.0f} m", ""] for r in rows]  # fmt: skip
        doc.table(header, cells, [9, 50, 42, 22, 37, 16, 11],
                  title=tr("worklist_tier_heading", lang, tier=tr(f"worklist_tier_{tier}", lang), n=len(rows)))  # fmt: skip
    if progress:
        progress(1, 2)
    return doc.finish(where, today, tr("worklist_source", lang, city=where), progress, 1, 2)


def worklist_gpx(city: City, worklist: pd.DataFrame, lang: str) -> str:
    """The worklist as GPX 1.1 waypoints (named "<rank>. <name>", described by tier, class, district,
    accuracy and how far off the point may be) for a phone's map app."""
    gpx = gpxpy.gpx.GPX()
    gpx.name = tr("worklist_title", lang, city=city.config.name(lang))
    gpx.description = tr("worklist_how", lang)
    district = district_names(city, lang)
    for row in worklist.to_dict("records"):
        about = [tr(f"worklist_tier_{row['tier']}", lang), _class(row, lang), district(row["district"]),
                 COORD_ACCURACY.label(row["coord_accuracy"], lang) if isinstance(row["coord_accuracy"], str) else "",
                 tr("worklist_within", lang, m=row["uncertainty_m"])]  # fmt: skip
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(latitude=row["lat"], longitude=row["lon"], name=f"{row['rank']}. {_name(row, lang)}",
                                  description=" · ".join(a for a in about if a), comment=row["id"])
        )  # fmt: skip
    return gpx.to_xml(version="1.1")


def worklist_csv(worklist: pd.DataFrame) -> bytes:
    """The worklist as CSV (codes, not labels: a machine format)."""
    return to_csv_bytes(worklist)
