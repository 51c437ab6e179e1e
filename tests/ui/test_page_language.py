"""Every page speaks one language (issue 27): on both bundled packs, in Chinese and in English, each page
as it opens and after each of its widgets is changed once shows no text of the other language's script
(beyond the data's own names and a few tokens both languages write alike) and no raw field name.

What is read: titles, headers, markdown, captions, alerts, expander labels, buttons, every widget's
label, help, placeholder and options, and the headers of every table (their ``column_config`` labels).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from culturemap.catalog import find_packs, load_city
from culturemap.i18n import tr
from culturemap.layers import LAYERS
from culturemap.ui.context import data_version, load_pack
from tests.conftest import default_layers, write_pack
from tests.ui.test_app import APP, results, results_table, run, widget

PACKS = find_packs(Path(APP).parent / "geodata")
PAGES = ("map", "analysis", "routes", "lens", "compare", "data")
PAGE_FILE = "src/culturemap/ui/pages/{}.py"

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’.\-]*")
URL = re.compile(r"https?://\S+|\(\S*/\S*\)")
BRACKETED = re.compile(r"\[[^\]\s]*\]")  # an id a label appends: 兰州大学 [un-lzu-chengguan]
# tokens both languages write alike: units, file formats, grades, methods, datums, map sources
LATIN_OK = {
    "km", "m", "min", "km2", "MB", "h", "GPX", "KML", "CSV", "PDF", "PNG", "HTML", "XLSX", "GeoJSON", "GPKG",
    "GeoPackage", "Shapefile", "zip", "H3", "OR-Tools", "2-opt", "WGS-84", "GCJ-02", "BD-09", "EPSG", "UTM",
    "OpenStreetMap", "OSM", "osmnx", "graphml", "pbf", "osm", "A", "AA", "AAA", "AAAA", "AAAAA", "1A", "2A", "3A",
    "4A", "5A", "Getis-Ord", "Gi", "KDE", "Scott", "id", "URL", "CartoDB", "Carto", "Esri", "Stamen", "OpenTopoMap",
    "City", "Language", "English", "Leaflet", "SOURCES.md", "city.toml", "routes.toml", "TSP", "PostGIS", "API",
    "CRS", "lon", "lat", "x", "y", "N", "E", "S", "W", "OK", "B", "p", "GPS", "SWOT", "Held-Karp", "Tu-Su",
    "culturemap", "build", "curated", "txt", "json", "kmz", "utf-8", "gb18030", "gbk",
}  # fmt: skip
LATIN_OK = {t.casefold() for t in LATIN_OK}
CODE = re.compile(r"OSM opening_hours|culturemap build|`[^`]*`")  # a tag of OSM's, a command: written as is
# raw field names a person should never read (schema names with an underscore)
FIELDS = sorted({f.name for spec in LAYERS.values() for f in spec.fields if "_" in f.name}, key=len, reverse=True)
RAW_FIELD = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, FIELDS)) + r")(?![\w/.-])")
KINDS = ("selectbox", "multiselect", "radio", "checkbox", "toggle", "select_slider", "slider", "number_input")
SHELL_KEYS = ("city", "lang")  # the shell's selectors: a change is another pack or language


def _texts(at: AppTest) -> list[str]:
    """Everything the page shows as text (see the module's docstring)."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(e.label) for e in at.expander] + [str(e.label) for e in at.button]
    out += [str(e.proto.label) for e in at.get("download_button")]
    for kind in (*KINDS, "text_input", "text_area", "date_input", "time_input"):
        for w in getattr(at, kind):
            if (w.key or "").split("~")[0] in SHELL_KEYS:
                continue
            out += [str(w.label), str(getattr(w, "help", "") or ""), str(getattr(w, "placeholder", "") or "")]
            out += [str(o) for o in getattr(w, "options", ())]
    for table in [*at.dataframe, *at.get("arrow_data_frame")]:
        config = json.loads(table.proto.columns or "{}")
        labels = {str(k).removeprefix("col:"): (v or {}).get("label") for k, v in config.items()}
        for column in table.value.columns:
            out.append(str(labels.get(str(column)) or column))
    return [t for t in out if t]


def _names(city) -> set[str]:
    """The data's own names (assets, campuses, districts, the city, its river): written as the data has them."""
    cfg = city.config
    names = {cfg.name_zh, cfg.name_en, cfg.river_name_zh, cfg.river_name_en}
    for layer in city.layers.values():
        for column in ("name_zh", "name_en", "campus", "former_name_zh", "label_zh", "label_en", "address"):
            if column in layer:
                names |= {str(v) for v in layer[column].dropna() if str(v).strip()}
    names |= set(cfg.search_example.split(" / "))
    for layer in city.layers.values():
        if "id" in layer:
            names |= {str(v) for v in layer["id"].dropna()}
    names |= set(_data_words(cfg.published)) | set(_data_words(cfg.population)) | set(_data_words(city.sources))
    for other in (load_city(path) for path in PACKS if path != city.path):  # the shell and the Compare page
        names |= {other.config.name_zh, other.config.name_en}  # name every pack ("兰州 / Lanzhou") and cite its
        names |= set(_data_words(other.config.population)) | set(_data_words(other.sources))  # population
    return {n for n in names if n}


def _data_words(value) -> list[str]:
    """The names and citations in ``value`` (dataclasses, tuples, dicts): every text of a field named
    ``name*``, ``*_zh``, ``publisher*`` or ``title*`` (a source is cited as written)."""
    if isinstance(value, dict):
        return [w for v in value.values() for w in _data_words(v)]
    if isinstance(value, (tuple, list)):
        return [w for v in value for w in _data_words(v)]
    if dataclasses.is_dataclass(value):
        out = []
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if (
                isinstance(v, str)
                and v
                and (f.name.startswith(("name", "publisher", "title")) or f.name.endswith("_zh"))
            ):
                out.append(v)
            elif not isinstance(v, str):
                out += _data_words(v)
        return out
    return []


def _problems(text: str, lang: str, names: list[str]) -> list[str]:
    """What in ``text`` is in the other language's script or a raw field name."""
    text = CODE.sub(" ", URL.sub(" ", text.replace("\\", "")))
    found = [f"field {m}" for m in RAW_FIELD.findall(text)]
    for name in names:  # longest first: 兰州大学（城关校区） before 兰州大学
        text = text.replace(name, " ")
    if lang == "en":
        found += HAN.findall(text)
    else:
        text = BRACKETED.sub(" ", text)
        words = [w.strip(".'’-") for w in LATIN.findall(text)]
        found += [w for w in words if w.casefold() not in LATIN_OK and "." not in w]  # a dot: a host, a file
    return found


def _upload_csv(city) -> bytes:
    """A list of three A-class spots as a planner uploads it: one the pack holds, one with a grade that
    does not exist, one new."""
    spot = city.layers["scenic_spots"].iloc[0]
    x, y = spot.geometry.x, spot.geometry.y
    rows = [(spot["name_zh"], spot["grade"], spot["district"], x, y), ("测试新景点", "6B", spot["district"], x + 0.01, y),
            ("另一测试景点", "4A", spot["district"], x + 0.02, y + 0.01)]  # fmt: skip
    lines = ["名称,等级,区县,经度,纬度", *(",".join(map(str, row)) for row in rows)]
    return "\n".join(lines).encode("utf-8")


def _change(kind: str, w) -> bool:
    """Change widget ``w`` once; False when it offers nothing else."""
    if kind in ("checkbox", "toggle"):
        w.set_value(not w.value)
    elif kind == "multiselect":
        free = [o for o in w.options if o not in w.value]
        if not free:
            return False
        w.set_value([*w.value, free[0]])
    elif kind in ("selectbox", "radio", "select_slider"):
        other = [o for o in w.options if o != (w.value if kind != "select_slider" else w.value)]
        if not other:
            return False
        w.set_value(other[-1] if kind == "select_slider" else other[0])
    elif kind == "slider":
        w.set_value(w.max if w.value != w.max else w.min)
    elif kind == "number_input":
        w.increment()
    return True


def _find(at: AppTest, kind: str, key: str):
    return next((w for w in getattr(at, kind) if (w.key or "").split("~")[0] == key), None)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_every_page_speaks_one_language(monkeypatch, pack, lang):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    city = load_city(pack)
    names = sorted(_names(city), key=len, reverse=True)
    problems: dict[str, set[str]] = {}

    def scan(at: AppTest, where: str) -> None:
        assert not at.exception, (where, at.exception)
        for text in _texts(at):
            for p in _problems(text, lang, names):
                problems.setdefault(p, set()).add(f"{where}: {text[:120]}")
        for w in at.multiselect:  # Streamlit's own "Choose options" and "Select all" are English
            if not w.proto.placeholder or w.proto.select_all:
                problems.setdefault("Streamlit's English", set()).add(f"{where}: multiselect {w.key}")

    for page in PAGES:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["city"] = city.config.id
        at.query_params["lang"] = lang
        at.run()
        if page != "map":
            at.switch_page(PAGE_FILE.format(page)).run()
        scan(at, page)
        if page == "data":  # the per-row report of an upload: accepted, rejected and duplicate rows
            at.file_uploader[0].set_value(("名录.csv", _upload_csv(city), "text/csv"))
            scan(at.run(), "data after an upload")
            assert len(at.dataframe) >= 4, "mapping, rows, problems and duplicates"
        keys = [(kind, (w.key or "").split("~")[0]) for kind in KINDS for w in getattr(at, kind)]
        for kind, key in keys:
            if not key or key in SHELL_KEYS:
                continue
            w = _find(at, kind, key)
            if w is None or w.disabled or not _change(kind, w):
                continue
            at.run()
            scan(at, f"{page} after {key}")
    assert not problems, json.dumps({p: sorted(w)[:2] for p, w in problems.items()}, ensure_ascii=False, indent=0)


def test_one_takes_the_english_singular():
    assert tr("app_results", "en", n=1) == "Results: 1 asset"
    assert tr("app_results", "en", n=21) == "Results: 21 assets"
    assert tr("app_results", "zh", n=1) == "结果：1 个点位"


@pytest.fixture
def lanzhou(monkeypatch):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    return load_city(Path(APP).parent / "geodata" / "lanzhou")


def test_every_theme_chosen_is_every_asset_and_the_filter_reads_all(lanzhou):
    """Every theme (picked one by one; Streamlit's "Select all" is not offered) kept only the assets with a
    theme: the 14 universities, which have none, were dropped."""
    at = run({"city": "lanzhou"})
    theme = widget(at, "multiselect", "theme")
    assert theme.proto.select_all == 0  # no "Select all" in Streamlit's English
    every = len(results(at))
    assets = lanzhou.assets()
    themeless = assets["themes"].map(lambda t: not list(t if t is not None else ()))
    assert every == len(assets) and themeless[assets["layer"] == "universities"].sum() >= 14
    theme.set_value(list(theme.options)).run()
    assert len(results(at)) == every
    assert widget(at, "multiselect", "theme").value == []  # shown as 全部, the placeholder
    assert "theme" not in at.query_params


def test_the_layer_filter_scope_counts_what_the_other_filters_keep(lanzhou):
    """With 城关区 and national heritage units, the caption counted the other layers' assets of the whole city."""
    at = run({"city": "lanzhou", "district": "城关区", "level": "national"})
    shown = results(at)
    heritage = lanzhou.layers["heritage_units"]
    n_heritage = int(((heritage["district"] == "城关区") & (heritage["level"] == "national")).sum())
    (caption,) = [c.value for c in at.sidebar.caption if "其他图层" in c.value]
    assert f"其他图层仍显示 {len(shown) - n_heritage} 个点位" in caption
    assert len(shown) - n_heritage < (lanzhou.assets()["layer"] != "heritage_units").sum()


def test_a_row_without_an_english_name_shows_its_chinese_name_in_english(tmp_path, monkeypatch):
    """An imported row keeps name_en blank (no pinyin "Xi Hu Gong Yuan"); the English pages show name_zh."""
    layers = default_layers()
    layers["museums"][0]["properties"]["name_en"] = None
    write_pack(tmp_path / "testville", layers)
    monkeypatch.setenv("CULTUREMAP_DATA", str(tmp_path))
    museum = layers["museums"][0]["properties"]
    at = run({"lang": "en", "q": museum["name_zh"]})
    assert not at.exception
    table = results_table(at)
    assert table["id"].tolist() == [museum["id"]]
    assert museum["name_zh"] in table.astype(str).to_numpy().ravel().tolist()
    pack = tmp_path / "testville"
    _city, assets = load_pack(str(pack), data_version(pack))  # what every page reads (route stops, tables)
    assert assets.set_index("id").at[museum["id"], "name_en"] == museum["name_zh"]
