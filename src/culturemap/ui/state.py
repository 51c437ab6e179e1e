"""The explorer's view state and its URL form (query parameters), without Streamlit.

Parameter names are stable so copied links keep working: ``city``, ``lang``, ``layers``, ``grade``
(``4A`` = 4A and above), ``level``, ``kind``, ``type``, ``district``, ``theme``, ``river_km``,
``q``, ``basemap``, ``lat``, ``lon``, ``zoom``. Lists are comma-separated. Unknown or malformed
values are dropped (and listed in ``ViewState.ignored``), never fatal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

from culturemap.analysis.select import AssetQuery
from culturemap.layers import ASSET_LAYERS, GRADES, HERITAGE_LEVELS, MUSEUM_KINDS, THEMES, UNIVERSITY_TYPES
from culturemap.render.basemaps import BASEMAPS, DEFAULT_BASEMAP


@dataclass(frozen=True)
class ViewState:
    city: str | None = None
    lang: str | None = None
    layers: tuple[str, ...] = ASSET_LAYERS
    grade: str | None = None
    level: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    river_km: float | None = None
    q: str = ""
    basemap: str = DEFAULT_BASEMAP
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def query(self) -> AssetQuery:
        return AssetQuery(
            layers=self.layers,
            min_grade=self.grade,
            heritage_levels=self.level,
            museum_kinds=self.kind,
            university_types=self.type,
            districts=self.district,
            themes=self.theme,
            river_km=self.river_km,
            text=self.q,
        )

    def to_params(self) -> dict[str, str]:
        """The non-default fields as query parameters."""
        default = ViewState()
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "ignored" or value == getattr(default, f.name):
                continue
            if isinstance(value, tuple):
                out[f.name] = ",".join(value)
            elif isinstance(value, float):
                out[f.name] = f"{value:.5f}".rstrip("0").rstrip(".") if f.name in ("lat", "lon") else f"{value:g}"
            else:
                out[f.name] = str(value)
        return out


_CHOICES = {
    "layers": ASSET_LAYERS,
    "level": HERITAGE_LEVELS.values,
    "kind": MUSEUM_KINDS.values,
    "type": UNIVERSITY_TYPES.values,
    "theme": THEMES.values,
}


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def parse_params(params: dict[str, str], districts: tuple[str, ...] = ()) -> ViewState:
    """Read query parameters into a :class:`ViewState`; ``districts`` are the city's valid names."""
    state: dict = {}
    ignored: list[str] = []

    def get(name: str) -> str | None:
        value = params.get(name)
        if isinstance(value, list):  # st.query_params.to_dict() gives the last value; be lenient
            value = value[-1] if value else None
        return value.strip() if isinstance(value, str) else None

    for name in ("city", "q"):
        if (value := get(name)) is not None:
            state[name] = value[:200]
    if (lang := get("lang")) is not None:
        state["lang"] = lang if lang in ("zh", "en") else None
        if lang not in ("zh", "en"):
            ignored.append(f"lang={lang}")
    for name, choices in {**_CHOICES, "district": districts}.items():
        raw = get(name)
        if raw is None:
            continue
        items = [v.strip() for v in raw.split(",") if v.strip()]
        good = tuple(v for v in items if v in choices)
        ignored += [f"{name}={v}" for v in items if v not in choices]
        if name != "layers" or good or not items:
            state[name] = good
    if (grade := get("grade")) is not None:
        if grade.upper() in GRADES.values:
            state["grade"] = grade.upper()
        else:
            ignored.append(f"grade={grade}")
    if (basemap := get("basemap")) is not None:
        if basemap in BASEMAPS:
            state["basemap"] = basemap
        else:
            ignored.append(f"basemap={basemap}")
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180), ("zoom", 1, 20), ("river_km", 0, 100)):
        raw = get(name)
        if raw is None:
            continue
        value = _number(raw, low, high)
        if value is None:
            ignored.append(f"{name}={raw}")
        else:
            state[name] = int(round(value)) if name == "zoom" else value
    return replace(ViewState(**state), ignored=tuple(ignored))
