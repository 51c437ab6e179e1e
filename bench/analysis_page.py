"""Server time of the Density & corridor page on the Lanzhou pack, per section and interaction.

    python bench/analysis_page.py [--repeat 3] [--lang en]

Each repeat runs in a fresh Python process (cold caches), opens the page with Streamlit's AppTest,
then moves each widget once to a value not seen before and once back to one already seen. AppTest
reruns the whole script; in the browser a widget reruns only its section (a fragment), so the time
that section's function took in that run is the server time of the interaction. Prints a Markdown
table of medians (ms) over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ANALYSIS = "src/culturemap/ui/pages/analysis.py"
SECTIONS = ("density_section", "hexagon_section", "pattern_section", "district_section", "corridor_section",
            "campus_section", "soft_power_section")  # fmt: skip
STEPS = [  # (what, widget kind, key, value, the section it reruns)
    ("bandwidth 3000 -> 3100 m", "slider", "analysis_bw", 3100, "density_section"),
    ("bandwidth -> 3000 m (seen)", "slider", "analysis_bw", 3000, "density_section"),
    ("bandwidth -> 1500 m", "slider", "analysis_bw", 1500, "density_section"),
    ("bandwidth -> 6000 m", "slider", "analysis_bw", 6000, "density_section"),
    ("weight by grade on", "checkbox", "analysis_weighted", True, "density_section"),
    ("weight by grade off (seen)", "checkbox", "analysis_weighted", False, "density_section"),
    ("H3 resolution 7 -> 8", "slider", "analysis_h3", 8, "hexagon_section"),
    ("H3 resolution -> 9", "slider", "analysis_h3", 9, "hexagon_section"),
    ("H3 resolution -> 7 (seen)", "slider", "analysis_h3", 7, "hexagon_section"),
    ("choropleth: per 100 km²", "radio", "analysis_choropleth", "per_100km2", "district_section"),
    ("choropleth: total (seen)", "radio", "analysis_choropleth", "total", "district_section"),
    ("corridor buffers 1, 2 km", "multiselect", "analysis_buffers", [1.0, 2.0], "corridor_section"),
    ("campus radius 2 -> 3.5 km", "slider", "analysis_radius", 3.5, "campus_section"),
    ("campus radius -> 2 km (seen)", "slider", "analysis_radius", 2.0, "campus_section"),
    ("heritage weight 0.3 -> 0.5", "slider", "analysis_w_heritage", 0.5, "soft_power_section"),
    ("museums weight 0.15 -> 0.4", "slider", "analysis_w_museums", 0.4, "soft_power_section"),
]
PAGE_WIDE = [  # (what, widget kind, key, value): these rerun the whole page
    ("layers + universities", "multiselect", "analysis_layers",
     ["heritage_units", "scenic_spots", "museums", "universities"]),
    ("language switch", "radio", "lang", None),
]  # fmt: skip


def measure(lang: str) -> dict[str, float]:
    """One cold run: milliseconds per step (the section's own time, or the whole page's)."""
    from streamlit.testing.v1 import AppTest

    import culturemap.ui.analysis_page as page

    spent: dict[str, float] = {}

    def timed(name):
        function = getattr(page, name)

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - start) * 1000

        setattr(page, name, wrapper)

    for name in (*SECTIONS, "analysis_page"):
        timed(name)
    os.environ.pop("CULTUREMAP_DATA", None)  # the bundled packs
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    at.query_params["lang"] = lang
    at.run()
    out = {}

    def step(what: str, action, section: str = "analysis_page") -> None:
        spent.clear()
        action()
        if at.exception:
            raise RuntimeError(f"{what}: {at.exception}")
        out[what] = spent[section]

    def widget(kind: str, key: str):
        return next(w for w in at.get(kind) if w.key == key or (w.key or "").startswith(key + "~"))

    step("first view (cold caches)", lambda: at.switch_page(ANALYSIS).run())
    at.switch_page("src/culturemap/ui/pages/map.py").run()
    step("second view (warm caches)", lambda: at.switch_page(ANALYSIS).run())
    for what, kind, key, value, section in STEPS:
        target = widget(kind, key)
        if kind == "checkbox":
            step(what, lambda t=target, v=value: (t.check() if v else t.uncheck()).run(), section)
        else:
            step(what, lambda t=target, v=value: t.set_value(v).run(), section)
    for what, kind, key, value in PAGE_WIDE:
        target = widget(kind, key)
        other = value if value is not None else ("zh" if lang == "en" else "en")
        step(what, lambda t=target, v=other: t.set_value(v).run())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", choices=("zh", "en"), default="en")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.lang)))
        return
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run([sys.executable, __file__, "--child", "--lang", args.lang], capture_output=True,
                              text=True, check=True)  # fmt: skip
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"| step ({args.repeat} cold runs, Lanzhou) | server time, median (ms) | max (ms) |\n|---|---:|---:|")
    for what in runs[0]:
        values = [run[what] for run in runs]
        print(f"| {what} | {statistics.median(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
