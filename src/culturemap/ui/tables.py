"""Tables for people: the analyses' column names in the page's language."""

from __future__ import annotations

import pandas as pd

from culturemap.analysis.proximity import COMPONENTS
from culturemap.i18n import tr
from culturemap.layers import LAYERS

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
