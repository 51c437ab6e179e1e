"""WCAG 2.1 A/AA on every page, in both languages: axe-core (vendor/node_modules, pinned in vendor/package.json)
injected into the loaded page and into each map frame; any critical or serious violation fails.

One page load per page and language; the synthetic pack shows every page (the lens has universities,
Compare a second city); the bundled packs are checked where their data makes the page differ (the map
with hundreds of markers, the lens on a real campus, a real route, the two packs compared). Each check
writes its counts by impact to test-artifacts/axe-<test id>.json.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from culturemap.i18n import tr
from culturemap.layers import LAYERS
from tests.conftest import REPO
from tests.e2e.conftest import ARTIFACTS, MAP_IFRAME, map_frame, wait_idle

pytestmark = pytest.mark.e2e

AXE = REPO / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("critical", "serious")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# path and query of each page on the synthetic pack; whether it shows a map
PAGES = {
    "map": ("?city=testville", True),
    "analysis": ("analysis?city=testville", True),
    "routes": ("routes?city=testville&route=bridge-line", True),
    "data": ("data?city=testville", False),
    "lens": ("lens?city=testville&campus=un-tu-south", True),
    "compare": ("compare?city=testville&compare=testville,otherville", False),
}
BUNDLED = {
    "map-lanzhou": ("?city=lanzhou", True),
    "map-qiqihar": ("?city=qiqihar", True),
    "lens-qiqihar": ("lens?city=qiqihar", True),
    "routes-lanzhou": ("routes?city=lanzhou", True),
    "compare-bundled": ("compare?city=lanzhou&compare=lanzhou,qiqihar", False),
}


def _axe(frame) -> list[dict]:
    """Inject axe-core into ``frame`` (a page or an iframe) and return its violations of WCAG 2.0/2.1 A/AA."""
    if not frame.evaluate("typeof axe !== 'undefined'"):
        frame.add_script_tag(path=str(AXE))
    return frame.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false})
            .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                targets: v.nodes.map(n => n.target.join(' ')),
                                                summary: v.nodes[0].failureSummary})))""",
        WCAG_AA,
    )


def _map_frames(page) -> list:
    """Every drawn Leaflet map frame of the page (after the map has drawn and the page has settled)."""
    frames = []
    for handle in page.locator("iframe").element_handles():
        frame = handle.content_frame()
        if frame is not None and frame.evaluate("typeof map_div !== 'undefined'"):
            frames.append((handle.get_attribute("title"), frame))
    return frames


def _check(page, url: str, has_map: bool, name: str) -> None:
    page.goto(url)
    page.get_by_role("heading", level=1).wait_for()
    if has_map:
        map_frame(page)
    wait_idle(page)
    page.wait_for_timeout(1_000)  # the sections a page holds back until its map has drawn
    wait_idle(page)
    assert_accessible(page, has_map, name)


def assert_accessible(page, has_map: bool, name: str) -> None:
    """axe-core on the page as it stands and on each of its map frames: no critical or serious violation;
    the counts by impact written to test-artifacts/axe-``name``.json."""
    found = [("page", v) for v in _axe(page)]
    frames = _map_frames(page) if has_map else []
    for title, frame in frames:
        found += [(f"frame {title!r}", v) for v in _axe(frame)]
    counts: dict[str, int] = {}
    for _, v in found:
        counts[v["impact"]] = counts.get(v["impact"], 0) + len(v["targets"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps({"counts": counts, "violations": [{"where": w, **v} for w, v in found]}, ensure_ascii=False),
        encoding="utf-8",
    )
    if has_map:
        assert frames, "no map frame found"
    failing = [
        f"{where}: {v['impact']} {v['id']} ({v['help']}): {len(v['targets'])} nodes, e.g. {v['targets'][:5]}"
        for where, v in found
        if v["impact"] in FAILING
    ]
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page_id", list(PAGES))
def test_no_critical_or_serious_axe_violation(page, app_url, page_id, lang):
    path, has_map = PAGES[page_id]
    _check(page, f"{app_url}/{path}&lang={lang}", has_map, f"{page_id}-{lang}")


@pytest.mark.parametrize("page_id", list(BUNDLED))
def test_no_critical_or_serious_axe_violation_on_the_bundled_packs(page, bundled_url, page_id):
    path, has_map = BUNDLED[page_id]
    lang = "en" if page_id.endswith("qiqihar") else "zh"
    _check(page, f"{bundled_url}/{path}&lang={lang}", has_map, f"{page_id}-{lang}")


def test_map_frames_are_titled_by_what_they_show(page, app_url):
    page.goto(f"{app_url}/routes?city=testville&route=bridge-line&lang=en")
    expect(page.locator(MAP_IFRAME)).to_have_attribute("title", f"Testville · {tr('route_legend', 'en')}")
    page.goto(f"{app_url}/?city=testville&lang=en")
    expect(page.locator(MAP_IFRAME)).to_have_attribute("title", tr("app_title", "en", city="Testville"))


def test_markers_are_named_and_work_from_the_keyboard(page, app_url):
    """Tab reaches a marker named by its asset and layer, Enter opens its fact card, Escape closes it."""
    page.goto(f"{app_url}/?city=testville")
    frame = map_frame(page)
    bridge = frame.locator(f'.cm-marker[aria-label="古桥, {LAYERS["heritage_units"].label("zh")}"]')
    expect(bridge).to_have_count(1)
    names = frame.locator(".cm-marker").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(names) == 6 and all(names), names
    # district labels are text on the map, not buttons a keyboard stops at
    assert frame.locator(".cm-district-label").count() == 2
    expect(frame.locator(".cm-district-label[tabindex], .cm-district-label[role]")).to_have_count(0)
    bridge.focus()
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("id: hu-old-bridge")
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(bridge).to_be_focused()
