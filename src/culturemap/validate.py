"""The validation report of a city pack: counts, coverage against published figures, problems.

:func:`build_report` turns a loaded :class:`~culturemap.catalog.City` into one plain dict (what
``culturemap validate --json`` prints); :func:`format_report` renders it as text in zh or en.
:func:`build_root_report` does it for every pack of a data root (``geodata/``), broken ones (two
packs with one id, a bad ``city.toml``) with their error.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from culturemap.catalog import City, PackError, PublishedFigure, find_packs, load_city, scan_packs
from culturemap.catalog.sources import weak_keys
from culturemap.i18n import tr
from culturemap.layers import COORD_ACCURACY, LAYERS, MISSING_REASONS, PLACED_ACCURACY, approximate, weakly_sourced

# counted as flagged: every accuracy that does not place the point on the asset (approx, imported, ...)
FLAGGED_ACCURACY = tuple(a for a in COORD_ACCURACY.values if a not in PLACED_ACCURACY)


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in Counter(v if isinstance(v, str) and v else "?" for v in values).most_common()}


def _select(frame: pd.DataFrame, figure: PublishedFigure) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, allowed in figure.filter.items():
        mask &= frame[column].isin(allowed) if column in frame else False
    return frame[mask]


def after(date: str, as_of: str) -> bool:
    """True when the ISO date ``date`` lies after ``as_of``; dates of different precision
    (``2023-12-20``, ``2023-12``, ``2023``) are compared on the part both give, so a month equal to
    the as-of month is not after it."""
    n = min(len(date), len(as_of))
    return date[:n] > as_of[:n]


def _history(text) -> list[tuple[str, str]]:
    """``grade_history`` as (value, date) pairs: "4A 2001; 5A 2025-11" -> [("4A", "2001"), ("5A", "2025-11")]."""
    pairs = []
    for part in str(text).split(";") if isinstance(text, str) else ():
        words = part.split()
        if len(words) >= 2:
            pairs.append((words[0], words[1]))
    return pairs


def grade_on(row, column: str, as_of: str):
    """The value of the class field ``column`` (grade, level) that ``row`` held on ``as_of``: the
    latest of its ``grade_history`` entries and its current value (dated ``grade_since``; undated
    counts as held all along) not dated after ``as_of``; None when it held none by then."""
    entries = _history(row.get("grade_history"))
    since = row.get("grade_since")
    entries.append((row[column], since if isinstance(since, str) and since else ""))
    held = None
    for value, date in entries:
        if not date or not after(date, as_of):
            held = value
    return held


def _dated(frame: pd.DataFrame, column: str | None, as_of: str | None) -> pd.DataFrame:
    """``frame`` with its class field as it stood on ``as_of`` (None where not yet graded)."""
    if not as_of or not column or "grade_since" not in frame or not len(frame):
        return frame
    dated = frame.copy()
    dated[column] = [grade_on(row, column, as_of) for _, row in frame.iterrows()]
    return dated[dated[column].notna()]


def coverage(city: City) -> list[dict]:
    """Compare the pack with each published figure of ``city.toml``.

    One dict per ``[[published]]`` entry, in file order: ``published`` (the figure), ``actual``
    (rows of ``layer`` passing the figure's filter, or their distinct values of ``distinct``),
    ``gap`` (published - actual) and ``status`` (``complete``, ``short`` or ``over``); ``rows``
    (rows passing the filter), ``approx_rows`` (those whose ``coord_accuracy`` is not one of
    :data:`~culturemap.layers.PLACED_ACCURACY`, i.e. an approximate position) and
    ``approx_share`` (``approx_rows / rows``, 0-1, None without rows); ``missing``: the named
    assets a cited source counts in the figure that the pack does not hold, each
    ``{name_zh, name_en, reason, source, note}`` (``reason`` a value of
    :data:`~culturemap.layers.MISSING_REASONS`). ``weak_rows``: rows whose only source is a lead
    (:func:`~culturemap.layers.weakly_sourced`). ``as_of`` (and ``as_of_note``): the date the figure
    stands at; with one, a row counts only with the grade or level it held by then
    (:func:`grade_on`), and ``graded_after`` lists the rows that pass the filter now but were graded
    after it, each ``{id, name_zh, name_en, grade_since}``. Pure: no I/O, no UI.
    """
    result = []
    for figure in city.config.published:
        frame = city.layers[figure.layer]
        now = _select(frame, figure)
        rows = _select(_dated(frame, LAYERS[figure.layer].class_field, figure.as_of), figure)
        later = now[~now["id"].isin(rows["id"])] if "id" in now else now.iloc[0:0]
        actual = int(rows[figure.distinct].nunique()) if figure.distinct else len(rows)
        gap = figure.count - actual
        status = "complete" if gap == 0 else "short" if gap > 0 else "over"
        approx_rows = int(approximate(rows).sum()) if len(rows) else 0
        result.append(
            {
                "id": figure.id,
                "label_zh": figure.label_zh,
                "label_en": figure.label_en,
                "layer": figure.layer,
                "published": figure.count,
                "actual": actual,
                "gap": gap,
                "status": status,
                "source": figure.source,
                "rows": len(rows),
                "approx_rows": approx_rows,
                "approx_share": round(approx_rows / len(rows), 3) if len(rows) else None,
                "weak_rows": int(weakly_sourced(rows, weak_keys(city.sources)).sum()) if len(rows) else 0,
                "as_of": figure.as_of,
                "as_of_note": figure.as_of_note,
                "graded_after": [
                    {
                        "id": str(r["id"]),
                        "name_zh": str(r["name_zh"]),
                        "name_en": str(r.get("name_en") or ""),
                        "grade_since": str(r.get("grade_since") or ""),
                    }
                    for _, r in later.iterrows()
                ],
                "missing": [
                    {
                        "name_zh": item.name_zh,
                        "name_en": item.name_en,
                        "reason": item.reason,
                        "source": item.source,
                        "note": item.note,
                    }
                    for item in figure.missing
                ],
            }
        )
    return result


def required_assets(city: City) -> list[dict]:
    """For each named asset of ``city.toml``, the ids of the features whose ``name_zh`` matches."""
    assets = city.assets()
    out = []
    for item in city.config.required_assets:
        hits = assets[assets["name_zh"].isin(item.match)] if len(assets) else assets
        out.append(
            {
                "name_zh": item.name_zh,
                "name_en": item.name_en,
                "found": bool(len(hits)),
                "ids": [f"{layer}:{fid}" for layer, fid in zip(hits.get("layer", []), hits.get("id", []))],
            }
        )
    return out


def build_report(city: City, lang: str | None = None) -> dict:
    """Everything ``culturemap validate`` reports, as one JSON-ready dict."""
    lang = lang or city.config.default_lang
    layers = {}
    accuracy_total: Counter = Counter()
    for lid, frame in city.layers.items():
        spec = LAYERS[lid]
        entry: dict = {"count": len(frame)}
        if spec.class_field and spec.class_field in frame:
            entry[f"by_{spec.class_field}"] = _counts(frame[spec.class_field])
        if spec.assets:
            entry["by_district"] = _counts(frame["district"])
            entry["by_coord_accuracy"] = _counts(frame["coord_accuracy"])
            accuracy_total.update(entry["by_coord_accuracy"])
            entry["weak_rows"] = int(weakly_sourced(frame, weak_keys(city.sources)).sum()) if len(frame) else 0
        layers[lid] = entry
    errors = [p.to_dict(lang) for p in city.errors]
    warnings = [p.to_dict(lang) for p in city.warnings]
    return {
        "city": city.config.id,
        "name": city.config.name(lang),
        "path": str(city.path),
        "ok": not errors,
        "layers": layers,
        "coverage": coverage(city),
        "required_assets": required_assets(city),
        "coord_accuracy": dict(accuracy_total),
        "flagged_rows": sum(accuracy_total[a] for a in FLAGGED_ACCURACY),
        "weak_rows": sum(entry.get("weak_rows", 0) for entry in layers.values()),
        "routes": len(city.routes),
        "errors": errors,
        "warnings": warnings,
    }


def format_report(report: dict, lang: str = "zh") -> str:
    """Render :func:`build_report` output as plain text for the terminal."""
    lines = [tr("report_title", lang, city=report["name"]), ""]
    lines.append(tr("report_layers", lang))
    for lid, entry in report["layers"].items():
        spec = LAYERS[lid]
        extra = ""
        if spec.class_field and f"by_{spec.class_field}" in entry:
            vocab = spec.class_vocabulary
            parts = [f"{vocab.label(k, lang) if vocab else k} {v}" for k, v in entry[f"by_{spec.class_field}"].items()]
            extra = "  (" + ", ".join(parts) + ")"
        lines.append(f"  {spec.label(lang)} [{lid}]: {entry['count']}{extra}")
        if "by_district" in entry and entry["count"]:
            lines.append("      " + ", ".join(f"{k} {v}" for k, v in entry["by_district"].items()))
    lines += ["", tr("report_coverage", lang)]
    for item in report["coverage"]:
        status = tr(f"status_{item['status']}", lang, gap=abs(item["gap"]))
        label = item["label_zh"] if lang == "zh" else item["label_en"]
        line = f"  {label}: {item['actual']} / {item['published']}  ({status})"
        if item.get("as_of"):
            line += "  " + tr("report_as_of", lang, date=item["as_of"])
        if item["approx_share"] is not None:
            line += "  " + tr("report_approx_share", lang, pct=round(100 * item["approx_share"]))
        if item.get("weak_rows"):
            line += "  " + tr("report_weak_rows", lang, n=item["weak_rows"])
        lines.append(line)
        if item.get("graded_after"):
            names = ", ".join(f"{g['name_zh']} ({g['grade_since']})" for g in item["graded_after"])
            lines.append("      " + tr("report_graded_after", lang, date=item["as_of"], names=names))
        if item["missing"]:
            lines.append("      " + tr("report_missing_named", lang, n=len(item["missing"])))
        for missing in item["missing"]:
            name = missing["name_zh"] if lang == "zh" or not missing["name_en"] else missing["name_en"]
            lines.append(f"        {name}: {MISSING_REASONS.label(missing['reason'], lang)}")
    if report["required_assets"]:
        lines += ["", tr("report_required", lang)]
        for item in report["required_assets"]:
            name = item["name_zh"] if lang == "zh" else item["name_en"]
            state = tr("found", lang) + " " + ", ".join(item["ids"]) if item["found"] else tr("not_found", lang)
            lines.append(f"  {name}: {state}")
    lines += ["", tr("report_accuracy", lang)]
    for key, n in report["coord_accuracy"].items():
        lines.append(f"  {COORD_ACCURACY.label(key, lang)}: {n}")
    lines.append("  " + tr("report_flagged", lang, n=report["flagged_rows"]))
    lines.append("  " + tr("report_weak_total", lang, n=report.get("weak_rows", 0)))
    lines += ["", tr("report_warnings", lang, n=len(report["warnings"]))]
    lines += [f"  {w['message']}" for w in report["warnings"]]
    lines += [tr("report_errors", lang, n=len(report["errors"]))]
    lines += [f"  {e['message']}" for e in report["errors"]]
    lines += ["", tr("report_ok" if report["ok"] else "report_failed", lang)]
    return "\n".join(lines)


def is_data_root(path: Path) -> bool:
    """True for a folder that is not a pack itself (no ``city.toml``) but holds packs (``*/city.toml``)."""
    return path.is_dir() and not (path / "city.toml").exists() and bool(find_packs(path))


def build_root_report(root: Path, lang: str = "en") -> dict:
    """Every pack under the data root ``root`` (:func:`culturemap.catalog.scan_packs`), as one dict:
    ``path``, ``ok`` (every pack loads and has no error) and ``packs``, one per folder in name order:
    the pack's :func:`build_report` with its ``folder``, ``key`` and ``loaded`` True, or for a pack
    that cannot be loaded (a bad ``city.toml``, an id another pack has too) ``folder``, ``key``,
    ``path``, ``loaded`` and ``ok`` False and its one error."""
    packs = []
    for entry in scan_packs(root):
        head = {"folder": entry.path.name, "key": entry.key}
        if entry.error is None:
            try:
                packs.append({**head, "loaded": True, **build_report(load_city(entry.path), lang)})
                continue
            except PackError as exc:  # changed since it was listed
                error = exc
        else:
            error = entry.error
        packs.append({**head, "path": str(entry.path), "ok": False, "loaded": False, "errors": [error.to_dict(lang)]})
    return {"path": str(root), "ok": all(p["ok"] for p in packs), "packs": packs}


def format_root_report(report: dict, lang: str = "en") -> str:
    """Render :func:`build_root_report` output as plain text: each pack's report (or its error), then a summary."""
    lines = []
    for pack in report["packs"]:
        lines.append(tr("report_root_pack", lang, folder=pack["folder"]))
        if pack["loaded"]:
            lines.append(format_report(pack, lang))
        else:
            lines += [f"error: {e['message']}" for e in pack["errors"]]
        lines.append("")
    broken = sum(not p["loaded"] for p in report["packs"])
    failed = sum(not p["ok"] for p in report["packs"]) - broken
    lines.append(tr("report_root_summary", lang, n=len(report["packs"]), broken=broken, failed=failed))
    lines.append(tr("report_ok" if report["ok"] else "report_failed", lang))
    return "\n".join(lines)
