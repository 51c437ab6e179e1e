"""Benchmarks of the map exports on the Lanzhou pack, against folium's own HTML save in the same run.

    python bench/snapshot.py [--out BENCHMARKS.md] [--repeat 3]

Three operations on every asset of the pack, each from the loaded pack to the file on disk:
the baseline builds the explorer's folium map and writes it with folium's ``Map.save``; the view
snapshot builds the same map and photographs it in headless Chromium (1600 x 1000 px, scale 1, one
browser started per snapshot, as the app does); the print map draws an A4 portrait page with
matplotlib and writes a PDF at 300 dpi. One warm-up call each (imports, fonts, the browser's
first start), then the median of ``--repeat`` timed calls. Goal: each export under 5 s.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"
GOAL_S = 5.0


def _median_s(operation, repeat: int) -> float:
    operation()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        operation()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, help="write the results as a section of this Markdown file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from culturemap.catalog import load_city
    from culturemap.export.print_map import PrintOptions, print_map, write_print_map
    from culturemap.export.view import view_png, write_view_png
    from culturemap.render.folium_map import MapOptions, build_map

    city = load_city(LANZHOU)
    assets = city.assets()
    options = MapOptions(lang=city.config.default_lang)
    notes = []
    with tempfile.TemporaryDirectory(prefix="culturemap-bench-") as folder:
        out = Path(folder)

        def folium_save() -> None:
            build_map(city, assets, options).map.save(out / "map.html")

        def view() -> None:
            snapshot = view_png(build_map(city, assets, options).map, 1600, 1000, 1)
            write_view_png(snapshot, out / "view.png")
            notes[:] = snapshot.notes("en")

        def a4_pdf() -> None:
            page = print_map(city, assets, options=PrintOptions(paper="A4", dpi=300, lang=city.config.default_lang))
            write_print_map(page, "pdf", out / "map.pdf")

        results = []
        for label, operation, file in (("folium Map.save HTML (baseline)", folium_save, "map.html"),
                                       ("view snapshot PNG 1600x1000 (Chromium)", view, "view.png"),
                                       ("print map A4 PDF, 300 dpi", a4_pdf, "map.pdf")):  # fmt: skip
            seconds = _median_s(operation, args.repeat)
            size_kb = (out / file).stat().st_size / 1024
            results.append((label, seconds, size_kb))
            print(f"{label}: {seconds:.2f} s, {size_kb:,.0f} KB", flush=True)

    baseline = results[0][1]
    lines = [
        "## Map exports on the Lanzhou pack (bench/snapshot.py)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}; "
        f"{len(assets)} assets, median of {args.repeat} runs after a warm-up, from the loaded pack to the file. "
        f"Goal: each export under {GOAL_S:g} s.",
        "",
        "| operation | s | x baseline | file KB | goal |",
        "|---|---:|---:|---:|---|",
    ]
    for label, seconds, size_kb in results:
        goal = "" if label.endswith("(baseline)") else ("met" if seconds < GOAL_S else "missed")
        lines.append(f"| {label} | {seconds:.2f} | {seconds / baseline:.1f}x | {size_kb:,.0f} | {goal} |")
    if notes:
        lines += ["", "The snapshot's notes: " + " ".join(notes)]
    print("\n".join(lines))
    if args.out:
        write_section(args.out, "snapshot", lines)


if __name__ == "__main__":
    sys.exit(main())
