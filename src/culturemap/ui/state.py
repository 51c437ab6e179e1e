"""The explorer's view state and its URL form (query parameters), without Streamlit.

Parameter names are stable so copied links keep working: ``city``, ``lang``, ``layers``, ``grade``
(``4A`` = 4A and above), ``level``, ``kind``, ``type``, ``district``, ``theme``, ``river_km``,
``q``, ``basemap``, ``lat``, ``lon``, ``zoom``. Lists are comma-separated. Unknown or malformed
values are dropped (and listed in ``ViewState.ignored``), never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from culturemap.analysis.select import FILTER_PARAMS, MAX_QUERY_CHARS, AssetQuery, number_param, read_filter_params
from culturemap.layers import ASSET_LAYERS
from culturemap.render.basemaps import BASEMAPS, DEFAULT_BASEMAP


@dataclass(frozen=True)
class ViewState:
    """The explorer's view as its URL holds it: city, language, the filters (``river_km`` in km), basemap,
    map centre (WGS-84 degrees) and zoom; ``ignored`` lists the parameters dropped as unknown or malformed."""

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
        """The view's filters as an :class:`~culturemap.analysis.select.AssetQuery`."""
        return AssetQuery.from_filters(**{name: getattr(self, name) for name in FILTER_PARAMS})

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


def parse_params(params: dict[str, str], districts: tuple[str, ...] = ()) -> ViewState:
    """Read query parameters into a :class:`ViewState`; ``districts`` are the city's valid names.

    The filters are read by :func:`culturemap.analysis.select.read_filter_params` (as ``culturemap
    export`` reads them); the view (city, language, basemap, centre, zoom) here.
    """

    def get(name: str) -> str | None:
        value = params.get(name)
        if isinstance(value, list):  # st.query_params.to_dict() gives the last value; be lenient
            value = value[-1] if value else None
        return value.strip() if isinstance(value, str) else None

    given = {name: value for name in params if (value := get(name)) is not None}
    state, ignored = read_filter_params(given, districts)
    ignored = list(ignored)
    if (city := given.get("city")) is not None:
        state["city"] = city[:MAX_QUERY_CHARS]
    if (lang := given.get("lang")) is not None:
        state["lang"] = lang if lang in ("zh", "en") else None
        if lang not in ("zh", "en"):
            ignored.append(f"lang={lang}")
    if (basemap := given.get("basemap")) is not None:
        if basemap in BASEMAPS:
            state["basemap"] = basemap
        else:
            ignored.append(f"basemap={basemap}")
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180), ("zoom", 1, 20)):
        raw = given.get(name)
        if raw is None:
            continue
        value = number_param(raw, low, high)
        if value is None:
            ignored.append(f"{name}={raw}")
        else:
            state[name] = int(round(value)) if name == "zoom" else value
    return replace(ViewState(**state), ignored=tuple(ignored))
