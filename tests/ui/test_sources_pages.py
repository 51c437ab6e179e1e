"""Every page of the app on both bundled packs, in Chinese and English, names no file path, reference
file, repository or commit hash in any text it shows (issue 25); the Data page lists the pack's sources."""

from pathlib import Path

import pandas as pd
import pytest

from culturemap.catalog import find_packs, load_city
from culturemap.catalog.sources import cite
from tests.test_sources import leaks
from tests.ui.test_app import APP, run

PACKS = find_packs(Path(APP).parent / "geodata")
PAGES = ("map", "analysis", "routes", "lens", "compare", "data")


def page_texts(node) -> list[str]:
    """Every text of an AppTest element tree: values, labels, bodies, help, options, table cells.
    The map component's frame (scripts and tiles) is left out: its popups are scanned in test_sources."""
    if type(node).__name__ == "UnknownElement":
        return []
    texts = []
    for attr in ("value", "label", "body", "help", "placeholder", "caption"):
        try:
            value = getattr(node, attr, None)
        except Exception:  # an element without that field in its proto
            continue
        if isinstance(value, pd.DataFrame):
            texts += [str(v) for v in value.astype(str).to_numpy().ravel()] + [str(c) for c in value.columns]
        elif isinstance(value, str):
            texts.append(value)
    options = getattr(node, "options", None)
    if isinstance(options, (list, tuple)):
        texts += [str(o) for o in options]
    for child in getattr(node, "children", {}).values() if isinstance(getattr(node, "children", None), dict) else []:
        texts += page_texts(child)
    return texts


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_no_page_shows_a_path_repository_or_commit(monkeypatch, pack, lang):
    monkeypatch.delenv("CULTUREMAP_DATA", raising=False)
    city = load_city(pack)
    at = run({"city": city.config.id, "lang": lang})
    scanned = {}
    for page in PAGES:
        if page != "map":
            at.switch_page(f"src/culturemap/ui/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        texts = page_texts(at.main) + page_texts(at.sidebar)
        scanned[page] = len(texts)
        assert leaks(texts) == [], page
    assert min(scanned.values()) > 5, scanned
    # the last page run, Data, lists the register: each source once, cited in the page language
    (table,) = [d.value for d in at.dataframe if len(d.value) == len(city.sources)]
    citations = table.iloc[:, 0].tolist()
    assert sorted(citations) == sorted(cite(s, lang) for s in city.sources.values())
    label = "资料来源" if lang == "zh" else "Sources"
    assert f"{label} ({len(city.sources)})" in [e.label for e in at.expander]
