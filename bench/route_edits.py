"""Server time of route edits on the Routes page with 8, 20 and 40 stops, measured with AppTest.

    python bench/route_edits.py [--sizes 8,20,40] [--repeat 3] [--browser-visits 2] [--profile 25] [--out BENCHMARKS.md]

Each repetition opens the Routes page in a new AppTest session on the Lanzhou pack with a route of
N stops from scratch (``stops=`` in the link, the first N assets that are neither universities nor
tagged ``red``, starting at 兰州大学（城关校区）, on foot), then makes the edits of issue 24: the
travel mode (bike), unticking a row of the stop table, removing a stop from the stop box, adding
the candidates of a theme (the 4 assets tagged ``red``). Each step is timed as the whole script
run (wall) and as the page function alone, wall and CPU time of the script's thread (which other
processes on a loaded machine inflate much less). Every repetition plans on its own date, so each
edit solves a new plan; the first repetition (the cold one: base map, labels) is left out of the
medians. The ratio column divides each step's page CPU time by the same step's with 8 stops,
measured in the same run (the baseline). ``--profile N`` prints the N functions with the most
cumulative time in the page over the warm repetitions of the largest size (cProfile).

In Chromium (``--browser-visits`` fresh visits per size, 0: none; after one unrecorded visit) the
edits other than the untick are made through the widgets on the app as ``culturemap serve`` starts
it (the last stop's chip removed with Backspace in the stop box), each timed by bench/probe.js from
the edit reaching the server (its first websocket message) until the rerun has ended and the map
shows the new route's numbered stops (``.cm-route-stop``, the start included), held for 1 s, up to
the start of that quiet spell (as bench/ui.py times the Routes edits). The untick is left out there:
driven through the grid's canvas (a click on the name, Left, Space) it took effect by hand but not
reliably inside the probe's run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
ROUTES = "src/culturemap/ui/pages/routes.py"
START = "un-lzu-chengguan"  # 兰州大学（城关校区）
TAG = "red"  # the theme whose candidates are added
OWNER = "bench/route_edits.py"
GOAL_MS = 1000  # issue 24: every route edit under 1 s up to 40 stops


def _widget(at, kind: str, key: str):
    """The widget drawn for ``key`` (choice widgets add a digest of their labels to the key)."""
    return next(w for w in at.get(kind) if w.key == key or (w.key or "").startswith(key + "~"))


def _untick_row(at):
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {1: {"keep": False}},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def _remove_stop(at):
    stops = _widget(at, "multiselect", "route_stops")
    return stops.set_value(stops.value[:-1]).run()


STEPS = {
    "mode: bike": lambda at: _widget(at, "selectbox", "route_mode").set_value("bike").run(),
    "untick a row": _untick_row,
    "remove a stop": _remove_stop,
    "add candidates (4)": lambda at: _widget(at, "selectbox", "route_tag").set_value(TAG).run(),
}


def route_stops(assets, n: int) -> list[str]:
    """The first ``n`` assets that are neither universities nor tagged :data:`TAG`, in the pack's order."""
    free = [fid for fid, layer, tags in zip(assets["id"], assets["layer"], assets["themes"])
            if layer != "universities" and TAG not in (tags or [])]  # fmt: skip
    return free[:n]


def _solver(totals: str) -> str:
    """The solver the page's totals line names (in Chinese, the page's language), by its method id."""
    from culturemap.export.route import method_label
    from culturemap.routing import solve

    methods = ["held-karp", solve.HEURISTIC_CUT, solve.WINDOWS_REFINED, solve.HEURISTIC]
    return next((m for m in methods if method_label(m, "zh") in totals), "?")


def measure(sizes: list[int], repeat: int, profile: int) -> tuple[dict, cProfile.Profile]:
    """{size: {step: [(whole wall, page wall, page CPU) ms per repetition]}} and the profile."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("CULTUREMAP_DATA", str(REPO / "geodata"))
    from streamlit.testing.v1 import AppTest

    import culturemap.ui.routes_page as page
    from culturemap.catalog import load_city

    assets = load_city(REPO / "geodata" / "lanzhou").assets()
    profiler, page_times, drawn = cProfile.Profile(), [], page.routes_page
    profiling = False

    def timed_page() -> None:  # the page function, timed (and profiled) in the script's thread
        wall, cpu = time.perf_counter(), time.thread_time()
        if profiling:
            profiler.enable()
        try:
            drawn()
        finally:
            profiler.disable()
            page_times.append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))

    page.routes_page = timed_page
    runs: dict[int, dict[str, list]] = {n: {step: [] for step in ["open the page", *STEPS]} for n in sizes}
    for n in sizes:
        stops = route_stops(assets, n)
        for repetition in range(repeat):
            profiling = bool(profile) and repetition > 0 and n == max(sizes)
            at = AppTest.from_file(str(APP), default_timeout=600)
            day = (date.today() + timedelta(days=30 + repetition + 7 * n)).isoformat()
            query = {"city": "lanzhou", "date": day, "route": "scratch", "stops": ",".join(stops), "from": START}
            for key, value in query.items():
                at.query_params[key] = value
            for step, action in {"open the page": lambda at: at.switch_page(ROUTES).run(), **STEPS}.items():
                start, first = time.perf_counter(), len(page_times)
                action(at)
                if at.exception:
                    raise SystemExit(f"{n} stops, {step}: {at.exception}")
                page_wall, page_cpu = (sum(t) for t in zip(*page_times[first:]))  # a rerun in the step counts too
                runs[n][step].append(((time.perf_counter() - start) * 1000, page_wall, page_cpu))
            runs[n]["solver"] = _solver(at.subheader[0].value if len(at.subheader) else "")
    return runs, profiler


def report(runs: dict, repeat: int, seconds: float) -> list[str]:
    """The Markdown section: a row per size and step, ms as medians of the warm sessions."""
    load = os.getloadavg()
    base = runs[min(runs)]
    lines = [
        "## Route edits with 8, 20 and 40 stops: server time (AppTest)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `{OWNER}` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load[0]:.1f} at the end "
        f"(shared machine: the CPU column and the ratios compare better than wall time); {repeat} sessions per "
        f"size, the medians of the {repeat - 1} warm ones; the AppTest part took {seconds:.0f} s. A route from "
        "scratch from 兰州大学（城关校区） on foot through the first N Lanzhou assets that are neither "
        f"universities nor tagged `{TAG}`; each edit plans anew (a new date per session). Baseline: the same "
        f"step with {min(runs)} stops in the same run (page CPU). Goal (issue 24): every edit under 1 s.",
        "",
        "| stops | step | whole run ms | page wall ms | page CPU ms | CPU / 8 stops | goal (< 1 s) | order by |",
        "|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for n, steps in runs.items():
        for step, times in steps.items():
            if step == "solver":
                continue
            warm = times[1:] or times
            whole, wall, cpu = (statistics.median(t[k] for t in warm) for k in range(3))
            ratio = cpu / statistics.median(t[2] for t in (base[step][1:] or base[step]))
            met = "met" if whole < GOAL_MS else "**not met**"
            lines.append(f"| {n} | {step} | {whole:.0f} | {wall:.0f} | {cpu:.0f} | {ratio:.2f}x | {met} | "
                         f"{steps['solver']} |")  # fmt: skip
    return lines


def browser_edits(sizes: list[int], visits: int, timeout_s: float = 60) -> tuple[dict, dict]:
    """{size: {step: [s per visit]}} in Chromium and what ran (Chromium's version, failures)."""
    sys.path.insert(0, str(REPO / "bench"))
    from browser import CHROMIUM_ARGS, Results, Server, Session, Step, Tab, drive
    from playwright.sync_api import sync_playwright

    from culturemap.catalog import load_city
    from culturemap.i18n import tr
    from tests.e2e.conftest import CHROMIUM, choose

    city = load_city(REPO / "geodata" / "lanzhou")
    assets = city.assets()
    tagged = sum(TAG in (tags or []) for tags in assets["themes"])
    stops_box = tr("routes_stops", "zh")

    def remove_last_chip(page) -> None:
        box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=stops_box).first
        box.locator("input").click()
        page.keyboard.press("Backspace")  # an empty input: the last chip goes
        page.keyboard.press("Escape")
        page.evaluate("document.activeElement && document.activeElement.blur()")

    def stable(count: int, **url) -> dict:
        return {"selector": ".cm-route-stop", "count": count, "idle": True, "allMaps": 1, "quietMs": 1000,
                **({"url": url} if url else {})}  # fmt: skip

    results, info = Results(), {}
    with sync_playwright() as pw, Server(APP, REPO / "build" / "bench-route-edits.log", REPO) as app:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        info["chromium"] = browser.version
        app.start()
        app.wait_ready()
        try:
            warm = Tab(browser, timeout_s)  # a first visit builds what every visit shares (base map, labels)
            try:
                url = (
                    f"{app.url}/routes?city=lanzhou&route=scratch&from={START}&stops={','.join(route_stops(assets, 8))}"
                )
                drive([Session(warm, [Step(None, lambda page: page.goto(url, wait_until="commit"), stable(9), nav=True)],
                               results, timeout_s)])  # fmt: skip
            finally:
                warm.close()
            for n in sizes:
                stops = route_stops(assets, n)
                for visit in range(visits):
                    day = (date.today() + timedelta(days=60 + visit + 7 * n)).isoformat()
                    url = f"{app.url}/routes?city=lanzhou&route=scratch&from={START}&date={day}&stops={','.join(stops)}"
                    steps = [
                        Step(f"{n}|open the page", lambda page, url=url: page.goto(url, wait_until="commit"),
                             stable(n + 1), nav=True),
                        Step(f"{n}|mode: bike", lambda page: choose(page, tr("routes_mode", "zh"), tr("mode_bike", "zh")),
                             stable(n + 1, mode="bike")),
                        Step(f"{n}|remove a stop", remove_last_chip, stable(n)),
                        Step(f"{n}|add candidates ({tagged})",
                             lambda page: choose(page, tr("routes_candidates", "zh"), city.config.theme_label(TAG, "zh")),
                             stable(n + tagged)),
                    ]  # fmt: skip
                    tab = Tab(browser, timeout_s)
                    try:
                        drive([Session(tab, steps, results, timeout_s)])
                    finally:
                        tab.close()
        finally:
            browser.close()
    runs: dict[int, dict[str, list[float]]] = {n: {} for n in sizes}
    for name, seconds in results.seconds.items():
        n, step = name.split("|", 1)
        runs[int(n)][step] = seconds
    info["failures"] = {name: len(messages) for name, messages in results.failures.items()}
    return runs, info


def browser_report(runs: dict, info: dict, visits: int) -> list[str]:
    """The Markdown lines of the Chromium table: a row per size and step, medians of the visits."""
    base = runs[min(runs)]
    lines = [
        "",
        f"### In Chromium {info.get('chromium', '')}: from the edit to the new route on the map",
        "",
        f"The app as `culturemap serve` starts it, after one unrecorded visit; {visits} fresh visit(s) per size, "
        "headless Chromium; the "
        "time from the edit reaching the server until the rerun has ended and the map shows the new route's "
        "numbered stops, held for 1 s (see the script's docstring). Baseline: the same step with "
        f"{min(runs)} stops in the same run.",
        "",
        "| stops | step | median s | slowest s | runs | / 8 stops | goal (< 1 s) |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for n, steps in runs.items():
        for step, seconds in steps.items():
            ratio = statistics.median(seconds) / statistics.median(base[step]) if base.get(step) else float("nan")
            met = "" if step == "open the page" else ("met" if statistics.median(seconds) < 1 else "**not met**")
            lines.append(f"| {n} | {step} | {statistics.median(seconds):.2f} | {max(seconds):.2f} | {len(seconds)} | "
                         f"{ratio:.2f}x | {met} |")  # fmt: skip
    failed = info.get("failures") or {}
    if failed:
        lines += ["", "Steps that failed (left out above): " + ", ".join(f"{k} ({v})" for k, v in failed.items())]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,20,40")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--browser-visits", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    began = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs, profiler = measure(sizes, max(2, args.repeat), args.profile)
    lines = report(runs, max(2, args.repeat), time.perf_counter() - began)
    if args.browser_visits:
        lines += browser_report(*browser_edits(sizes, args.browser_visits), args.browser_visits)
    print("\n".join(lines))
    if args.out:
        sys.path.insert(0, str(REPO / "bench"))
        from benchmarks_md import write_section

        write_section(args.out, OWNER, lines)
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
