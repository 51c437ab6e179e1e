"""Speed in a real browser: the app's pages against a bare ``st_folium`` floor, measured in the same run.

    python bench/ui.py [--out BENCHMARKS.md] [--quick] [--repeat 5] [--first-visits 5] [--sessions 10]
    python bench/ui.py --profile [--top 25]   # cProfile of one map-page rerun (a search), through AppTest

Starts the app (``culturemap serve``, as ``make run`` does; the bundled Lanzhou pack) and the floor (bench/floor_app.py:
the same features, the same vendored Leaflet, ``st_folium`` and nothing else) side by side, drives
headless Chromium (/usr/bin/chromium) through the steps of issue 11 and writes p50/p95 per step, with
the ratio to the floor's matching step, to its own section of BENCHMARKS.md (see bench/benchmarks_md.py).
The servers are restarted ``--first-visits`` times for the first visits after a start; everything
else runs on the last pair. Widgets are found with the browser tests' helpers (tests/e2e/conftest.py)
and their labels come from culturemap.i18n, so the steps follow the pages as they change.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import signal
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil
from benchmarks_md import write_section
from browser import CHROMIUM_ARGS, REPO, BenchError, Results, Server, Session, Step, Tab, drive
from floor_app import matching, read_pack
from playwright.sync_api import Browser, sync_playwright

from culturemap.analysis.select import add_search_keys, select_assets
from culturemap.catalog import load_city
from culturemap.i18n import tr
from culturemap.layers import GRADES, LAYERS
from culturemap.render.assets import vendored
from culturemap.render.basemaps import BASEMAPS
from culturemap.ui.state import parse_params
from tests.e2e.conftest import CHROMIUM, choose, open_expander, search

LANZHOU = REPO / "geodata" / "lanzhou"
LANG = "zh"  # the pack's default language
LOGS = REPO / "build" / "bench-ui"
SEARCHES = ("黄河", "bowuguan", "baita", "gongyuan", "daxue")  # consecutive results differ
FLOOR_SEARCHES = ("黄河", "museum", "park", "university", "bridge")
SHARED_LINK = {"city": "lanzhou", "q": "huanghe", "layers": "scenic_spots,heritage_units,attractions",
               "lat": "36.07", "lon": "103.8", "zoom": "13"}  # fmt: skip
CONCURRENT_SEARCH, CONCURRENT_GRADE = "gongyuan", "5A"
AT_ONCE_SLOWER = 6  # a step of the sessions at once may take this many times --step-timeout
SETTLE = Step(None, None, {"idle": True, "allMaps": 1, "quietMs": 750})  # the previous step's rerun has ended

# the steps, as BENCHMARKS.md names them
FIRST = "first markers, first visit after a server start"
LATER = "first markers, a later visit"
SHARED = "first markers, a shared link"
MAP_SEARCH, MAP_FILTER, MAP_BASEMAP, MAP_ROW = "search", "filter (scenic grade)", "basemap switch", "row select"
MAP_LANG = "language switch"
ANALYSIS_VIEW = "Density & corridor: first view (the density map drawn)"
ANALYSIS_WHOLE = "Density & corridor: whole page (every section drawn)"
ANALYSIS_MAPS = 3  # density, hexagons, districts: the page's maps on the bundled pack
ANALYSIS_CHANGES = {
    "slider": "Density & corridor: slider (bandwidth)",
    "radio": "Density & corridor: radio (map measure)",
    "checkbox": "Density & corridor: checkbox (grade weights)",
}
ROUTES_LOAD, ROUTES_EDIT, ROUTES_DOWNLOAD = "Routes: page load", "Routes: edit (travel mode)", "Routes: download click"
FLOOR_FIRST, FLOOR_LATER, FLOOR_UPDATE = (
    "floor: first visit after a server start",
    "floor: a later visit",
    "floor: update",
)


class Expected:
    """What the app must show, from the selection functions the app itself calls."""

    def __init__(self):
        self.city = load_city(LANZHOU)
        self.assets = add_search_keys(self.city.assets())
        self.districts = tuple(self.city.layers["districts"]["name_zh"])
        self.route_stops = len(self.city.routes[0].stops)  # the Routes page opens on the first theme
        self.floor_assets = read_pack(LANZHOU)[0]

    def markers(self, **params: str) -> int:
        """Markers on the map page for the URL parameters ``params``."""
        state = parse_params(params, self.districts)
        cfg = self.city.config
        return len(select_assets(self.assets, state.query(), self.city.layers["river"], cfg.metric_crs))

    def floor_markers(self, text: str) -> int:
        return len(matching(self.floor_assets, text))


# ----------------------------------------------------------------------------- actions


def goto(url: str):
    return lambda page: page.goto(url, wait_until="commit")


def search_for(text: str):
    return lambda page: search(page, text)


def choose_option(label: str, option: str):
    return lambda page: choose(page, label, option)


def language(label: str):
    """Click the language radio's option ``label`` ("English", "中文")."""
    return lambda page: page.get_by_test_id("stSidebar").get_by_text(label, exact=True).click()


def scenic_grade(grade: str | None):
    """Choose ``grade`` (None: all) in the scenic spots' filter, unfolding it first (a rerun may fold it)."""

    def act(page) -> None:
        open_expander(page, LAYERS["scenic_spots"].label(LANG))
        choose(page, tr("app_grade", LANG), GRADES.label(grade, LANG) if grade else tr("app_all", LANG))

    return act


def click_row(index: int):
    """Select row ``index`` of the results table (its row-marker column)."""

    def act(page) -> None:
        grid = page.locator('[class*="st-key-results"] [data-testid="stDataFrame"]')  # not the coverage table
        page.wait_for_function(  # the previous run's table (another key) gone
            '() => document.querySelectorAll(\'[class*="st-key-results"] [data-testid="stDataFrame"]\').length == 1'
        )
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + 52 + 35 * index)

    return act


def floor_search(text: str):
    def act(page) -> None:
        box = page.get_by_test_id("stTextInput").locator("input")
        box.fill(text)
        box.press("Enter")

    return act


def analysis_change(kind: str):
    """One change of the Density & corridor page's widgets, from a fresh session's defaults."""
    sidebar = "stSidebar"

    def act(page) -> None:
        if kind == "slider":  # the KDE bandwidth, one 100 m step
            page.get_by_test_id(sidebar).get_by_test_id("stSlider").first.get_by_role("slider").press("ArrowRight")
        elif kind == "radio":
            radio = page.get_by_test_id("stRadio").filter(has_text=tr("analysis_choropleth_of", LANG))
            radio.get_by_text(tr("col_per_100km2", LANG), exact=True).click()
        else:
            box = page.get_by_test_id(sidebar).get_by_test_id("stCheckbox")
            box.filter(has_text=tr("analysis_weighted", LANG)).locator("label").click()

    return act


def download_check(results: Results):
    """After a download click: did a file come, how soon, and did the click rerun the page?"""

    def after(tab: Tab, _result: dict) -> str | None:
        started = [t for t in tab.downloads if t >= tab.marked_at]
        if not started:
            return "the click started no download"
        results.extra.setdefault("download_s", []).append(started[0] - tab.marked_at)
        results.extra.setdefault("download_reran", []).append(tab.reruns > tab.reruns_at_mark)
        return None

    return after


# ----------------------------------------------------------------------------- phases


@dataclass
class Rig:
    """The browser, the two servers and what a phase needs to know."""

    browser: Browser
    app: Server
    floor: Server
    expected: Expected
    results: Results
    repeat: int
    timeout_s: float

    def run(self, steps_per_tab: list[list[Step]], timeout_s: float | None = None, before_closing=None) -> None:
        """One fresh browser context per list of steps, all at once; ``before_closing()`` runs when all
        are done, their sessions still open."""
        timeout_s = timeout_s or self.timeout_s
        tabs = [Tab(self.browser, timeout_s) for _ in steps_per_tab]
        try:
            drive([Session(tab, steps, self.results, timeout_s) for tab, steps in zip(tabs, steps_per_tab)])
            if before_closing:
                before_closing()
        finally:
            for tab in tabs:
                tab.close()


def visits(rig: Rig) -> None:
    """First markers: the first visit after the servers started, a later visit, a shared link."""
    app, floor, expected = rig.app.url, rig.floor.url, rig.expected
    n_all = expected.markers()
    link = app + "/?" + "&".join(f"{k}={v}" for k, v in SHARED_LINK.items())
    for step in (
        Step(FIRST, goto(app), {"count": n_all}, nav=True),
        Step(FLOOR_FIRST, goto(floor), {"count": n_all}, nav=True),
        Step(LATER, goto(app), {"count": n_all}, nav=True),
        Step(SHARED, goto(link), {"count": expected.markers(**SHARED_LINK)}, nav=True),
        Step(FLOOR_LATER, goto(floor), {"count": n_all}, nav=True),
    ):
        rig.run([[step]])


def map_interactions(rig: Rig) -> None:
    """Search, filter, basemap switch, language switch and row select, each ``rig.repeat`` times on a map
    page of its own."""
    expected, repeat = rig.expected, rig.repeat
    n_all = expected.markers()
    start = Step(None, goto(rig.app.url), {"count": n_all, **SETTLE.spec}, nav=True)
    searches = [Step(MAP_SEARCH, search_for(text), {"count": expected.markers(q=text)}) for text in SEARCHES]
    filters = [  # 5A, all, 5A, ...
        Step(MAP_FILTER, scenic_grade(grade), {"count": expected.markers(grade=grade) if grade else n_all})
        for grade in ("5A", None)
    ]
    basemaps = [
        Step(
            MAP_BASEMAP,
            choose_option(tr("app_basemap", LANG), BASEMAPS[b].label(LANG)),
            {"count": n_all, "changed": True},
        )
        for b in ("offline", "osm")
    ]
    langs = [  # English, Chinese, ...: the map's legend in the new language
        Step(MAP_LANG, language(label), {"count": n_all, "mapText": tr("map_legend", lang)})
        for lang, label in (("en", "English"), ("zh", "中文"))
    ]
    rows = [Step(MAP_ROW, click_row(i), {"count": n_all, "zoom": 16, "urlView": True}) for i in range(repeat)]
    for kind in (searches, filters, basemaps, langs, rows):
        rig.run([[start, *[s for step in (kind * repeat)[:repeat] for s in (step, SETTLE)]]])


def floor_updates(rig: Rig) -> None:
    count = rig.expected.floor_markers
    steps = [Step(None, goto(rig.floor.url), {"count": count(""), **SETTLE.spec}, nav=True)]
    for text in (FLOOR_SEARCHES * rig.repeat)[: rig.repeat]:
        steps += [Step(FLOOR_UPDATE, floor_search(text), {"count": count(text)}), SETTLE]
    rig.run([steps])


def analysis(rig: Rig) -> None:
    """Fresh visits of the Density & corridor page, each with two widget changes (in turn a slider,
    the radio, the checkbox): until a map on the page has been replaced or redrawn."""
    kinds = list(ANALYSIS_CHANGES)
    for visit in range(rig.repeat):
        steps = [Step(ANALYSIS_VIEW, goto(rig.app.url + "/analysis"), {"allMaps": 1}, nav=True),
                 Step(ANALYSIS_WHOLE, None, {**SETTLE.spec, "allMaps": ANALYSIS_MAPS}, nav=True)]  # fmt: skip
        for kind in (kinds[(2 * visit) % 3], kinds[(2 * visit + 1) % 3]):
            steps += [Step(ANALYSIS_CHANGES[kind], analysis_change(kind), {"changed": True}), SETTLE]
        rig.run([steps])


def routes(rig: Rig) -> None:
    """Fresh visits of the Routes page: load, one edit, one download click, each until stable."""
    stable = {"idle": True, "allMaps": 1, "quietMs": 1000}
    stops = {"selector": ".cm-route-stop", "count": rig.expected.route_stops}
    download = tr("routes_download", LANG, fmt="GPX")
    for _ in range(rig.repeat):
        rig.run([[
            Step(ROUTES_LOAD, goto(rig.app.url + "/routes"), {**stops, **stable}, nav=True),
            Step(ROUTES_EDIT, choose_option(tr("routes_mode", LANG), tr("mode_car", LANG)),
                 {"url": {"mode": "car"}, **stable}),
            Step(ROUTES_DOWNLOAD, lambda page: page.get_by_role("button", name=download).click(), stable,
                 after=download_check(rig.results)),
        ]])  # fmt: skip


def _busy_s() -> float:
    """CPU time (s) the whole machine has spent busy so far (every core, every process)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def at_once(rig: Rig, server: Server, steps: list[Step], n: int) -> dict:
    """``n`` browser contexts working through ``steps`` at once; the server's memory (MB) before, at
    the peak and after (the sessions still open), and the CPU time (s) the server and the whole
    machine (the browsers, mostly) spent meanwhile."""
    time.sleep(2)  # let the previous sessions go
    memory = {"sessions": n, "before": server.rss_mb()}
    cpu_before, busy_before = server.cpu_s(), _busy_s()
    peak = [memory["before"]]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], server.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        rig.run(
            [steps] * n, AT_ONCE_SLOWER * rig.timeout_s, before_closing=lambda: memory.update(after=server.rss_mb())
        )
    finally:
        done.set()
        sampler.join()
    cpu = {"server_cpu_s": server.cpu_s() - cpu_before, "machine_cpu_s": _busy_s() - busy_before}
    return {**memory, **cpu, "peak": max(peak[0], memory["after"])}


def concurrency(rig: Rig, n: int) -> dict:
    """``n`` sessions at once on the app (load, search, filter) and on the floor (load, two searches)."""
    expected = rig.expected
    app_steps = [
        Step(f"{n} sessions: map page load", goto(rig.app.url), {"count": expected.markers()}, nav=True), SETTLE,
        Step(f"{n} sessions: search", search_for(CONCURRENT_SEARCH), {"count": expected.markers(q=CONCURRENT_SEARCH)}),
        SETTLE,
        Step(f"{n} sessions: filter", scenic_grade(CONCURRENT_GRADE),
             {"count": expected.markers(q=CONCURRENT_SEARCH, grade=CONCURRENT_GRADE)}),
    ]  # fmt: skip
    floor_steps = [
        Step(f"{n} sessions: floor load", goto(rig.floor.url), {"count": expected.floor_markers("")}, nav=True)
    ]
    for text in FLOOR_SEARCHES[1:3]:
        floor_steps += [SETTLE, Step(f"{n} sessions: floor update", floor_search(text),
                                     {"count": expected.floor_markers(text)})]  # fmt: skip
    return {"app": at_once(rig, rig.app, app_steps, n), "floor": at_once(rig, rig.floor, floor_steps, n)}


def run(args) -> tuple[Results, dict]:
    if not vendored():
        raise BenchError("vendor/node_modules is missing: run `make install` (the app and the floor serve Leaflet)")
    if not Path(CHROMIUM).exists():
        raise BenchError(f"{CHROMIUM} is missing: run `make system-deps`")
    LOGS.mkdir(parents=True, exist_ok=True)
    expected = Expected()
    results = Results()
    info = {"load_start": os.getloadavg()[0], "memory": {}, "n_assets": expected.markers()}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        info["chromium"] = browser.version
        try:
            for round_ in range(args.first_visits):
                print(f"servers, start {round_ + 1} of {args.first_visits} ...", flush=True)
                with (
                    Server(REPO / "app.py", LOGS / "app.log", REPO) as app,
                    Server(REPO / "bench" / "floor_app.py", LOGS / "floor.log", REPO) as floor,
                ):
                    for server in (app, floor):
                        server.start()
                    for server in (app, floor):
                        server.wait_ready()
                    info["memory"].setdefault("app_started", []).append(app.rss_mb())
                    rig = Rig(browser, app, floor, expected, results, args.repeat, args.step_timeout)
                    visits(rig)
                    info["memory"].setdefault("app_visited", []).append(app.rss_mb())
                    if round_ == args.first_visits - 1:
                        later_phases(rig, args.sessions, info)
        finally:
            browser.close()
    info["load_end"] = os.getloadavg()[0]
    return results, info


def later_phases(rig: Rig, sessions: int, info: dict) -> None:
    """Everything after the first visits, on the last pair of servers; a phase that breaks is reported
    and the next one runs."""
    phases = {
        "map page interactions": map_interactions,
        "floor updates": floor_updates,
        "Density & corridor page": analysis,
        "Routes page": routes,
        f"{sessions} sessions at once": lambda rig: info.update(concurrency=concurrency(rig, sessions)),
    }
    for name, phase in phases.items():
        print(f"{name} ...", flush=True)
        try:
            phase(rig)
        except Exception as exc:  # noqa: BLE001 - the other phases still run; the report says so
            rig.results.fail(name, f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")


# ----------------------------------------------------------------------------- report


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=20, method="inclusive")[18]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cell(values: list[float] | None) -> str:
    return f"{p50(values):.2f} / {p95(values):.2f} ({len(values)})" if values else "not measured"


def report(results: Results, info: dict, args) -> list[str]:
    """The bench/ui.py section of BENCHMARKS.md."""
    s, blank = results.seconds, results.blank_s
    n = args.sessions
    rows = [  # (step, its result keys, floor step, goal)
        (f"Map page, {FIRST}", [FIRST], FLOOR_FIRST, "4 s"),
        (f"Map page, {LATER}", [LATER], FLOOR_LATER, "2 s"),
        (f"Map page, {SHARED}", [SHARED], FLOOR_LATER, "2 s"),
        *((f"Map page, {step}", [step], FLOOR_UPDATE, "1 s") for step in (MAP_SEARCH, MAP_FILTER, MAP_BASEMAP, MAP_LANG, MAP_ROW)),
        (ANALYSIS_VIEW, [ANALYSIS_VIEW], FLOOR_LATER, ""),
        (ANALYSIS_WHOLE, [ANALYSIS_WHOLE], FLOOR_LATER, ""),
        ("Density & corridor: a slider / radio / checkbox (all below)", list(ANALYSIS_CHANGES.values()), FLOOR_UPDATE,
         "1 s"),
        *((f"- {key.split(': ', 1)[1]}", [key], FLOOR_UPDATE, "1 s") for key in ANALYSIS_CHANGES.values()),
        (ROUTES_LOAD, [ROUTES_LOAD], FLOOR_LATER, ""),
        (ROUTES_EDIT, [ROUTES_EDIT], FLOOR_UPDATE, "1 s"),
        (ROUTES_DOWNLOAD, [ROUTES_DOWNLOAD], FLOOR_UPDATE, "no rerun"),
        *((step, [step], None, "") for step in (FLOOR_FIRST, FLOOR_LATER, FLOOR_UPDATE)),
    ]  # fmt: skip
    options = " ".join(a for a in sys.argv[1:] if a.startswith("--") and a != "--out") or "defaults"
    lines = [
        "## In the browser: time until the page shows a step's result, against a bare st_folium floor",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by bench/ui.py ({options}) on {_cpu()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM, load average {info['load_start']:.1f} at the start and "
        f"{info['load_end']:.1f} at the end (other jobs share the machine: compare the ratios more than the "
        f"seconds); Python {platform.python_version()}, Streamlit {version('streamlit')}, streamlit-folium "
        f"{version('streamlit-folium')}, headless Chromium {info.get('chromium', '?')}. The bundled Lanzhou pack "
        f"({info['n_assets']} assets), pages in Chinese. The whole run took {info['minutes']:.0f} min.",
        "",
        "Method: the app (`culturemap serve`, as `make run` starts it) and the floor (bench/floor_app.py: the same points, district "
        "outlines and river, simplified as the app simplifies them, through `st_folium` with the same vendored "
        "Leaflet, a search box and nothing else; a new map per search) run side by side. A step counts from the "
        "navigation start (page loads) or from the page's first websocket message after the action (the widget "
        "change reaching Streamlit) until the page shows the step's result, checked inside the page every 40 ms: "
        "the expected number of `.cm-marker` in a drawn Leaflet map (`.cm-route-stop` on the Routes page), a "
        "map showing the basemap chosen (its `cmBasemap`; the tiles, where reachable, follow as in any web map), "
        "a map replaced or redrawn (analysis widgets), the map's legend in the new language (language switch), the map "
        "at zoom 16 on the row's position (row select). The analysis page's first view counts until its top map (the density map) is drawn: the "
        "sections below follow once that map has reported; its whole page, and edits of the analysis and "
        "Routes pages, count until the rerun has ended and every map is drawn, held for 0.75 s (1 s on "
        "Routes), up to the start of that quiet spell. Every step "
        "first waits for the previous rerun to end. A fresh browser context per page load; the servers are "
        f"restarted for each of the {args.first_visits} first visits. p95 interpolates between the runs (with 5 "
        "runs it is close to the slowest). *Map missing*: seconds during the step when fewer maps were drawn "
        "than before it (an update that blanks the map). Goal (issue 11): every step within 1.5x of the floor.",
        "",
        "| step | app p50 s | app p95 s | runs | compared with | floor p50 s | app / floor (p50) | goal | map missing p50 s |",
        "|---|---:|---:|---:|---|---:|---:|---|---:|",
    ]
    for label, keys, floor_key, goal in rows:
        samples = [x for key in keys for x in s.get(key, [])]
        if not samples:
            lines.append(f"| {label} | not measured | | 0 | | | | {goal} | |")
            continue
        floor = s.get(floor_key) if floor_key else None
        missing = [x for key in keys for x in blank.get(key, [])]
        lines.append(
            f"| {label} | {p50(samples):.2f} | {p95(samples):.2f} | {len(samples)} | "
            + (f"{floor_key.removeprefix('floor: ')} | {p50(floor):.2f} | {p50(samples) / p50(floor):.1f}x | " if floor else "| | | ")
            + f"{goal} | {f'{p50(missing):.2f}' if missing else ''} |"
        )  # fmt: skip
    if results.extra.get("download_s"):
        reran = results.extra["download_reran"]
        lines += ["", f"Routes download click: the file started after {p50(results.extra['download_s']):.2f} s (p50); "
                  f"the click reran the page in {sum(reran)} of {len(reran)} clicks."]  # fmt: skip
    memory = info["memory"]
    if memory.get("app_started"):
        lines += ["", f"App server memory (RSS of its process tree, p50 of {len(memory['app_started'])} starts): "
                  f"{p50(memory['app_started']):.0f} MB after the start, {p50(memory['app_visited']):.0f} MB after "
                  "the first visits (3 sessions: first, later, shared link)."]  # fmt: skip
    if info.get("concurrency"):
        lines += [
            "",
            f"### {n} browser contexts at once (each: load, search, filter; on the floor: load, two searches)",
            "",
            "| server | page load p50 / p95 s (runs) | search p50 / p95 s | filter p50 / p95 s | RSS before MB "
            "| peak MB | after MB | per extra session MB | server CPU s | machine CPU s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        floor_update = s.get(f"{n} sessions: floor update", [])
        for who, load, first, second in (
            ("app", s.get(f"{n} sessions: map page load"), s.get(f"{n} sessions: search"), s.get(f"{n} sessions: filter")),
            ("floor", s.get(f"{n} sessions: floor load"), floor_update[0::2], floor_update[1::2]),
        ):  # fmt: skip
            m = info["concurrency"][who]
            lines.append(
                f"| {who} | {_cell(load)} | {_cell(first)} | {_cell(second)} | {m['before']:.0f} | {m['peak']:.0f} "
                f"| {m['after']:.0f} | {(m['after'] - m['before']) / m['sessions']:.1f} "
                f"| {m['server_cpu_s']:.1f} | {m['machine_cpu_s']:.1f} |"
            )
        lines += ["", "Memory before: the last pair of servers after every step above, no session open; after: "
                  f"the {n} sessions still open. Per extra session: (after - before) / {n}. CPU: seconds of CPU "
                  "time from the first page load to the last step, used by the server's processes and by the whole "
                  "machine (the browsers, mostly: every session's browser runs on the same 2 cores as the server)."]  # fmt: skip
    if results.failures:
        lines += ["", "Failed steps (left out of the figures above):", ""]
        lines += [f"- {name}: {len(msgs)} x, first: {msgs[0][:300]}" for name, msgs in results.failures.items()]
    return lines


# ----------------------------------------------------------------------------- profile


def profile(top: int) -> None:
    """cProfile of one rerun of the map page through AppTest: a search typed after a first run."""
    from streamlit.testing.v1 import AppTest

    os.environ.pop("CULTUREMAP_DATA", None)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    start = time.perf_counter()
    at.run()
    print(f"first run (loads the pack, builds the map): {time.perf_counter() - start:.2f} s")
    if at.exception:
        raise BenchError(f"the map page raised: {at.exception[0].message}")
    profiler = cProfile.Profile()

    def in_script_thread(*_) -> None:  # AppTest runs the page in its own thread: profile that one
        sys.setprofile(None)
        if threading.current_thread().name == "ScriptRunner.scriptThread":
            profiler.enable()

    threading.setprofile(in_script_thread)
    start = time.perf_counter()
    try:
        at.sidebar.text_input[0].set_value(SEARCHES[0]).run()
    finally:
        threading.setprofile(None)
    print(f"rerun after searching {SEARCHES[0]!r}: {time.perf_counter() - start:.2f} s (under cProfile)\n")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--repeat", type=int, default=5, help="runs per step (page loads, interactions)")
    parser.add_argument("--first-visits", type=int, default=5, help="server starts, one first visit each")
    parser.add_argument("--sessions", type=int, default=10, help="browser contexts at once")
    parser.add_argument(
        "--step-timeout",
        type=float,
        default=90,
        help=f"seconds a step may take (x{AT_ONCE_SLOWER} for the sessions at once)",
    )
    parser.add_argument("--quick", action="store_true", help="2 runs per step, 1 server start, 3 sessions")
    parser.add_argument("--profile", action="store_true", help="only profile one map-page rerun (AppTest)")
    parser.add_argument("--top", type=int, default=25, help="functions listed by --profile")
    args = parser.parse_args()
    if args.profile:
        profile(args.top)
        return
    if args.quick:
        args.repeat, args.first_visits, args.sessions = 2, 1, 3
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    started = time.perf_counter()
    results, info = run(args)
    info["minutes"] = (time.perf_counter() - started) / 60
    write_section(args.out, "bench/ui.py", report(results, info, args))
    print(f"wrote {args.out} after {info['minutes']:.1f} min")
    if results.failures:
        sys.exit(f"{sum(map(len, results.failures.values()))} step(s) failed: see {args.out} and {LOGS}")


if __name__ == "__main__":
    main()
