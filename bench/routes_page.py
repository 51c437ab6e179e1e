"""Server time of the Routes page per interaction, measured with Streamlit's AppTest (no browser).

    python bench/routes_page.py [--repeat 5] [--profile 25]

Each repetition opens the page in a new session on the Lanzhou pack (geodata/lanzhou, its first
theme) and makes the edits below, timing each script run: the whole run (the app shell, AppTest's
own work and the page) and the page function alone, as wall time and as CPU time of the script's
thread (which other processes on a loaded machine inflate much less). Every repetition plans on its
own date, so each edit computes a new plan while what depends only on the pack (the base map, the
candidates' layer, the asset names) is cached from the first repetition: the first repetition is
reported apart as the cold one. AppTest always reruns the whole script, also where the browser
reruns only a fragment, so these are upper bounds. ``--profile N`` prints the N functions with the
most cumulative time in the page over the warm repetitions (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
ROUTES = "src/culturemap/ui/pages/routes.py"
EXTRA_STOP = "at-lanshan-park"  # not on the first theme's route


def _widget(at, kind: str, key: str):
    """The widget drawn for ``key`` (choice widgets add a digest of their labels to the key)."""
    return next(w for w in at.get(kind) if w.key == key or (w.key or "").startswith(key + "~"))


def _edit_visit_time(at):
    rows = at.data_editor[0].value
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {1: {"dwell_min": int(rows["dwell_min"].iloc[1]) + 10}},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def _add_stop(at):
    stops = _widget(at, "multiselect", "route_stops")
    return stops.set_value([*stops.value, EXTRA_STOP]).run()


STEPS = {
    "open the page": lambda at: at.switch_page(ROUTES).run(),
    "rerun, nothing changed": lambda at: at.run(),
    "mode: car": lambda at: _widget(at, "selectbox", "route_mode").set_value("car").run(),
    "visit time +10 min": _edit_visit_time,
    "start 10:00": lambda at: (
        next(w for w in at.sidebar.time_input if w.key == "route_start").set_value(clock(10, 0)).run()
    ),
    "add a stop": _add_stop,
    "language: English": lambda at: _widget(at, "radio", "lang").set_value("en").run(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("CULTUREMAP_DATA", str(REPO / "geodata"))
    from streamlit.testing.v1 import AppTest

    import culturemap.ui.routes_page as page

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
    runs: dict[str, list[tuple[float, float, float]]] = {step: [] for step in STEPS}
    for repetition in range(args.repeat):
        profiling = bool(args.profile) and repetition > 0
        day = (date.today() + timedelta(days=30 + repetition)).isoformat()
        at = AppTest.from_file(str(APP), default_timeout=600)
        at.query_params["city"], at.query_params["date"] = "lanzhou", day
        for step, action in STEPS.items():
            start, first = time.perf_counter(), len(page_times)
            action(at)
            if at.exception:
                raise SystemExit(f"{step}: {at.exception}")
            page_wall, page_cpu = (sum(t) for t in zip(*page_times[first:]))  # a rerun in the step counts too
            runs[step].append(((time.perf_counter() - start) * 1000, page_wall, page_cpu))
    print(f"Routes page, Lanzhou, {args.repeat} sessions; ms, median of the warm sessions (the cold first one)")
    print("| step | whole run | page (wall) | page (CPU) |\n|---|---:|---:|---:|")
    for step, times in runs.items():
        warm = times[1:] or times
        cells = [f"{statistics.median(t[k] for t in warm):.0f} ({times[0][k]:.0f})" for k in range(3)]
        print(f"| {step} | " + " | ".join(cells) + " |")
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
