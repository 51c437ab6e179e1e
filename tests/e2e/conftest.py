"""Real-browser tests: the app served by Streamlit on a free port, driven by Playwright in Debian's Chromium.

Never `playwright install`: the browser is /usr/bin/chromium from apt (`make system-deps`).
Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from culturemap.i18n import tr
from tests.conftest import (
    CITY_TOML,
    REPO,
    TEAM,
    add_team,
    base_props,
    default_layers,
    feature,
    format_city_toml,
    point,
    write_pack,
)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
BIG_N = 1600  # museums on a 100 m grid, 40 x 40 (4 km x 4 km): above the 1,000-marker limit
# How long a check waits for what it checks. A new map loads Leaflet and its plugins in a new frame: on
# this 2-core machine under load (the suite must pass while benchmarks run) that alone has taken 30-40 s.
WAIT_S = 60
EVIL_NAME = '<img src=x onerror="window.__xss=1">西塔'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _own_id(city_id: str) -> str:
    """The synthetic city's ``city.toml`` under an id of its own (two packs with one id are both broken)."""
    return format_city_toml(CITY_TOML.replace('id = "testville"', f'id = "{city_id}"'))


@pytest.fixture(scope="session")
def data_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("e2e-data")
    write_pack(root / "testville")
    (root / "testville" / "routes.toml").write_text(
        '[[route]]\nid = "bridge-line"\ntitle_zh = "古桥线"\ntitle_en = "Bridge line"\nsource = "test"\n'
        'stops = ["sc-west-pagoda", "hu-old-bridge", "sc-east-park", "mu-city"]\n',
        encoding="utf-8",
    )
    evil = default_layers()
    evil["scenic_spots"][0]["properties"]["name_zh"] = EVIL_NAME
    evil["museums"][0]["properties"]["name_en"] = "M" * 1_000_000  # capped at load, with a warning
    write_pack(root / "xssville", evil, city_toml=_own_id("xssville"))
    big = default_layers()
    big["museums"] = [
        feature(
            base_props(f"mu-{i}", f"馆{i}", "西区", kind="art"),
            point(501_000 + (i % 40) * 100, 3_991_000 + (i // 40) * 100),
        )
        for i in range(BIG_N)
    ]
    write_pack(root / "zbigville", big, city_toml=_own_id("zbigville"))
    # a folder whose name is not its city id (links say ?city=otherville)
    other = (
        CITY_TOML.replace('id = "testville"', 'id = "otherville"')
        .replace("测试市", "另一市")
        .replace("Testville", "Otherville")
    )
    write_pack(root / "v2-otherville", city_toml=format_city_toml(other))
    # a broken pack beside the good ones: its city.toml has a zoom that is not a number
    write_pack(root / "brokenville", city_toml=_own_id("brokenville").replace("zoom = 11", 'zoom = "twelve"'))
    return root


def wait_for_health(url: str, server: subprocess.Popen, timeout_s: float = 60) -> bool:
    """Poll the health endpoint of the Streamlit ``server`` at ``url``: True once it answers, False when
    the server exits or ``timeout_s`` passes first (bench/ui.py starts its servers with this too)."""
    deadline = time.monotonic() + timeout_s
    while server.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


@contextmanager
def running_app(env: dict[str, str], log_name: str):
    """The app served as `make run` starts it (``culturemap serve``) on a free port with ``env``, its output
    in test-artifacts/``log_name``; yields its URL and stops it afterwards."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / log_name
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "culturemap.cli", "serve", "--port", str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            if not wait_for_health(url, server):
                pytest.fail(f"streamlit did not start on port {port}:\n{log.read_text()[-3000:]}")
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


@contextmanager
def app_with_team(data: Path, store: Path, log_name: str):
    """The app (:func:`running_app`) on the packs in ``data`` with its stores and accounts in ``store`` (a
    GeoPackage store of its own: its edits reach no other journey), the :data:`tests.conftest.TEAM`
    accounts made; yields its URL."""
    env = {**os.environ, "CULTUREMAP_DATA": str(data), "CULTUREMAP_STORE": str(store)}
    env.pop("CULTUREMAP_DB_URL", None)
    saved = {k: os.environ.get(k) for k in ("CULTUREMAP_STORE", "CULTUREMAP_DB_URL")}
    os.environ["CULTUREMAP_STORE"] = str(store)  # the accounts (accounts.gpkg) beside the app's stores
    os.environ.pop("CULTUREMAP_DB_URL", None)
    try:
        add_team()
        with running_app(env, log_name) as url:
            yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def sign_in(page, name: str, lang: str = "zh", phone: bool = False) -> None:
    """Sign in as ``name`` of :data:`tests.conftest.TEAM` from the sidebar (on a phone: open its menu first,
    close it after); waits until the sidebar names the user and the page has run."""
    role, password = TEAM[name]
    if phone:
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    open_expander(page, tr("account_sign_in", lang))  # folded or not: after a sign-out it may stay as it was
    sidebar.get_by_label(tr("account_name", lang)).fill(name)
    sidebar.get_by_label(tr("account_password", lang), exact=True).fill(password)
    sidebar.get_by_role("button", name=tr("account_sign_in", lang)).click()
    signed_in = tr("account_signed_in", lang, name=name, role=tr(f"role_{role}", lang))
    expect(sidebar.get_by_text(signed_in)).to_be_visible()
    if phone:
        sidebar.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    wait_idle(page)


@pytest.fixture(scope="session")
def app_url(data_root) -> str:
    with running_app({**os.environ, "CULTUREMAP_DATA": str(data_root)}, "streamlit-e2e.log") as url:
        yield url


@pytest.fixture(scope="session")
def bundled_url(store_folder) -> str:
    """The app served on the repository's bundled packs (geodata/), its store in the test session's folder."""
    env = {**os.environ, "CULTUREMAP_DATA": str(REPO / "geodata"), "CULTUREMAP_STORE": str(store_folder)}
    env.pop("CULTUREMAP_DB_URL", None)
    with running_app(env, "streamlit-e2e-bundled.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run",
                  # a headless page counts as hidden: keep its timers and frames running like a visible tab's
                  "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                  "--disable-backgrounding-occluded-windows"],
        )  # fmt: skip
        yield browser
        browser.close()


class ConsoleLog:
    """Console errors and uncaught exceptions, minus failed requests to external hosts (no internet here)."""

    def __init__(self):
        self.errors: list[str] = []
        self.failed: list[str] = []  # the app's own requests that failed, with their URLs

    def console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        if "Failed to load resource" in text and "net::ERR_" in text:
            return  # tile servers and other external hosts cannot be reached offline
        url = (message.location or {}).get("url", "")
        if "Failed to load resource" in text and url.rsplit("/_stcore/", 1)[-1] in ("health", "host-config"):
            return  # opened at /<page>, Streamlit first probes /<page>/_stcore/... then the root (its own 404s)
        self.errors.append(text)

    def response(self, response) -> None:
        if response.status >= 400 and response.url.startswith("http://127.0.0.1"):
            self.failed.append(f"{response.status} {response.url}")

    def request_failed(self, request) -> None:
        if request.url.startswith("http://127.0.0.1"):
            self.failed.append(f"{request.failure} {request.url}")

    def page_error(self, error) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(WAIT_S * 1000)
    log = ConsoleLog()
    page.on("console", log.console)
    page.on("pageerror", log.page_error)
    page.on("response", log.response)
    page.on("requestfailed", log.request_failed)
    page.console_log = log
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    (ARTIFACTS / f"{request.node.name}.txt").write_text(_page_report(page), encoding="utf-8")
    context.close()


def new_page(browser, **context_options):
    """A page in a new browser context (a second visitor, a phone), waiting as long as ``page`` does."""
    page = browser.new_context(**context_options).new_page()
    page.set_default_timeout(WAIT_S * 1000)
    return page


def _page_report(page) -> str:
    """What a failed journey left: URL, component frames (title, size, URL), console errors, failed requests."""
    frames = page.locator("iframe").evaluate_all(
        "els => els.map(e => [e.title, Math.round(e.getBoundingClientRect().height), e.src.slice(-80)])"
    )
    log = page.console_log
    lines = [f"url: {page.url}", *(f"iframe: {f}" for f in frames), *(f"console: {e}" for e in log.errors)]
    return "\n".join(lines + [f"failed: {f}" for f in log.failed]) + "\n"


MAP_IFRAME = 'iframe[src*="/streamlit_folium.st_folium/"]'  # titled by what the map shows (FrameTitle)


def map_frame(page, timeout_s: float = WAIT_S):
    """The iframe holding the Leaflet map, once it has drawn its markers or cells.

    Only a map frame that has sized itself (it does so once Leaflet is loaded and the map drawn)
    is looked into: polling a frame that is still loading its scripts stalled them in Chromium.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            for handle in page.locator(MAP_IFRAME).element_handles():
                box = handle.bounding_box()
                frame = handle.content_frame()
                if frame is None or not (box and box["height"] > 0):
                    continue
                if frame.evaluate("typeof map_div !== 'undefined'"):
                    return frame
        except Exception:  # frames come and go while Streamlit reruns
            pass
        time.sleep(0.25)
    raise AssertionError("no Leaflet map frame appeared")


def wait_for_count(page, selector: str, expected: int, timeout_s: float = WAIT_S) -> int:
    """Count ``selector`` in the map frame until it equals ``expected`` (the frame is replaced on reruns)."""
    deadline = time.monotonic() + timeout_s
    count = -1
    while time.monotonic() < deadline:
        try:
            count = map_frame(page).locator(selector).count()
        except Exception:  # the frame was detached by a rerun: look it up again
            count = -1
        if count == expected:
            break
        time.sleep(0.25)
    return count


# ----------------------------------------------------------------------------- journeys: wait, then check

expect.set_options(timeout=WAIT_S * 1000)


def open_app(page, url: str) -> None:
    """Open ``url`` and wait for the page title (h1)."""
    page.goto(url)
    page.get_by_role("heading", level=1).wait_for()


def expect_results(page, n: int, lang: str = "zh") -> None:
    """Wait until the explorer's results heading says ``n`` assets and the table is there (it follows the
    map's first report, one more run: until then a tap on the map may land in that run)."""
    text = f"结果：{n} 个点位" if lang == "zh" else f"Results: {n} asset{'' if n == 1 else 's'}"
    expect(page.get_by_role("heading", name=re.compile(r"^(结果|Results)"))).to_have_text(text)
    results_grid(page)
    wait_idle(page)


def url_params(page) -> dict[str, str]:
    return page.evaluate("Object.fromEntries(new URLSearchParams(location.search))")


def wait_for_url(page, **expected: str | None) -> dict[str, str]:
    """Wait until the URL's query has ``expected`` (None: the parameter is absent); return the query."""
    page.wait_for_function(
        """expected => { const q = new URLSearchParams(location.search);
            return Object.entries(expected).every(([k, v]) => v === null ? !q.has(k) : q.get(k) === v); }""",
        arg=expected,
        timeout=WAIT_S * 1000,
    )
    return url_params(page)


def expect_no_exception(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def search(page, text: str) -> None:
    box = page.get_by_test_id("stSidebar").get_by_role("textbox").first
    box.fill(text)
    box.press("Enter")


def _widget(page, testid: str, label: str):
    return page.get_by_test_id("stSidebar").get_by_test_id(testid).filter(has_text=label).first


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label``."""
    pick(page, _widget(page, "stSelectbox", label), option)
    _blur(page)


def add_choice(page, label: str, option: str) -> None:
    """Add ``option`` to the sidebar multiselect labelled ``label`` and wait for its chip after the rerun;
    a rerun that was already under way can redraw the box without it (seen on a loaded machine): then
    pick it again."""
    wait_idle(page)
    widget = _widget(page, "stMultiSelect", label)
    chip = widget.locator(f'[data-tag][aria-label="{option}"]')
    for _ in range(3):
        pick(page, widget, option, shown=False)
        page.keyboard.press("Escape")
        _blur(page)
        wait_idle(page)
        try:
            expect(chip).to_have_count(1, timeout=5_000)
            return
        except AssertionError:
            continue
    expect(chip).to_have_count(1)


def pick(page, widget, option: str, shown: bool = True) -> None:
    """Open ``widget``'s list, click ``option`` and (``shown``: a selectbox) wait until the widget shows it; a
    rerun that redraws the widget may close the list under the pointer, or come back with the choice before
    the click (a busy machine), so open it again and choose again until the widget holds ``option``. A
    multiselect (``shown=False``) shows its choices as chips: :func:`add_choice` waits for those."""
    target = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        widget.locator("input").click()
        try:
            target.wait_for(timeout=3_000)
            target.click(timeout=5_000)
        except Exception:  # the list closed (a rerun redrew the widget): open it again
            page.keyboard.press("Escape")
            continue
        if not shown:
            return
        try:
            expect(widget.locator("input")).to_have_value(option, timeout=WAIT_S * 1000 // 4)  # what it shows
            return
        except AssertionError:  # the choice was lost in a rerun: choose again
            continue
    raise AssertionError(f"option {option!r} never appeared or never stayed chosen")


def _blur(page) -> None:
    """Leave the widget: a box that still has the focus shrinks on the next click, which then misses."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


def open_expander(page, label: str) -> None:
    expander = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text=label).first
    if expander.locator("details").get_attribute("open") is None:
        expander.locator("summary").click()


def results_grid(page):
    """The explorer's results table (keyed ``results~<digest>``; the coverage panel has a table too),
    once the previous run's table (another key) has left the page."""
    grid = page.locator('[class*="st-key-results"] [data-testid="stDataFrame"]')
    expect(grid).to_have_count(1)
    return grid


def layer_chips(page) -> list[str]:
    """The labels of the chosen layers in the layer box (the first multiselect of the sidebar)."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    return list(box.locator("[data-tag]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"))


def wait_idle(page) -> None:
    """Wait until Streamlit has finished its rerun (script state notRunning): until then the
    elements of the previous run may still stand beside the new ones."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'
                 && !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=WAIT_S * 1000,
    )


def settle(page) -> None:
    """Wait until Streamlit has finished its rerun and the map has drawn."""
    wait_idle(page)
    page.wait_for_timeout(700)
    map_frame(page)


def click_in_map(page, selector: str, index: int = 0) -> None:
    """Click the ``index``-th ``selector`` in the settled map frame once it has stopped moving.

    A new map zooms to fit the route; a click while markers still glide lands on the bare map.
    """
    settle(page)
    for _ in range(40):
        try:
            target = map_frame(page).locator(selector).nth(index)
            before = target.bounding_box(timeout=5_000)
            page.wait_for_timeout(300)
            if before is not None and target.bounding_box(timeout=5_000) == before:
                target.click(timeout=5_000)
                return
        except Exception:  # the frame was replaced by a rerun: look it up again
            page.wait_for_timeout(250)
    raise AssertionError(f"could not click {selector}")


def wait_for_view(page, zoom: int, timeout_s: float = WAIT_S) -> list[float]:
    """Poll the map until it shows ``zoom``; return [zoom, lat, lng] of its centre."""
    deadline = time.monotonic() + timeout_s
    view = None
    while time.monotonic() < deadline:
        try:
            view = map_frame(page).evaluate("[map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]")
        except Exception:  # the frame was replaced by a rerun
            view = None
        if view and view[0] == zoom:
            return view
        page.wait_for_timeout(250)
    raise AssertionError(f"the map did not reach zoom {zoom} (last view {view})")


def built_report(page, key: str, lang: str = "zh", timeout_s: float = 240) -> tuple[str, Path]:
    """Open the report panel keyed ``key`` (its ``.st-key-<key>_open`` expander), press "Build" and download
    what it built; returns the file's suggested name and its path."""
    panel = page.locator(f".st-key-{key}_open")
    panel.scroll_into_view_if_needed()
    panel.locator("summary").click()
    panel.get_by_role("button", name="生成报告" if lang == "zh" else "Build the report").click()
    button = panel.get_by_test_id("stDownloadButton").get_by_role("button")
    expect(button).to_be_visible(timeout=timeout_s * 1000)
    with page.expect_download(timeout=WAIT_S * 1000) as info:
        button.click()
    return info.value.suggested_filename, Path(info.value.path())
