"""Benchmark of the report PDFs: the Lanzhou city and district reports, the district atlases of Lanzhou
and Qiqihar and an A4 300 dpi print map PNG with name labels and an inset, against an A4 print map PDF of
the Lanzhou pack written in the same run (the print map is one page of the report: the ratio says what the
other pages cost).

    python bench/report.py --out BENCHMARKS.md [--repeat 3]

Each figure is the median of ``--repeat`` runs after one warm-up (imports, fonts, the pack loaded);
goals (issue 26): a report under 5 s, an atlas under 15 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"
QIQIHAR = REPO / "geodata" / "qiqihar"


def _median_s(operation, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``operation`` (one thread: CPU time is the wall time of an idle
    machine, so it shows the cost when other jobs share the cores) and its last result."""
    result = operation()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = operation()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def report_speed(repeat: int = 3) -> dict:
    """Seconds (median), bytes and pages of the Lanzhou city report, a district report, the Lanzhou and
    Qiqihar district atlases, the labelled A4 300 dpi print map PNG and the A4 print map PDF (baseline)."""
    from culturemap.analysis.select import AssetQuery, select_assets
    from culturemap.catalog import load_city
    from culturemap.export.atlas import district_atlas
    from culturemap.export.print_map import PrintOptions, print_map, write_print_map
    from culturemap.export.report import city_report

    city, qiqihar = load_city(LANZHOU), load_city(QIQIHAR)
    folder = Path(tempfile.mkdtemp(prefix="culturemap-bench-"))
    heritage = AssetQuery(layers=("heritage_units",))  # 23 units: names beside the markers, the centre in an inset

    def print_pdf() -> bytes:  # what `culturemap export --format pdf` writes
        drawn = print_map(city, city.assets(), options=PrintOptions(paper="A4"))
        return write_print_map(drawn, "pdf", folder / "print.pdf").read_bytes()

    def labelled_png() -> bytes:  # `culturemap export --layers heritage_units --format png --dpi 300`
        units = select_assets(city.assets(), heritage)
        out["labelled_assets"] = len(units)
        drawn = print_map(city, units, heritage, PrintOptions(paper="A4", dpi=300))
        assert drawn.inset_ax is not None and drawn.labels, "the bench's print map should have an inset and labels"
        out["labelled_labels"] = len(drawn.labels)
        return write_print_map(drawn, "png", folder / "labelled.png").read_bytes()

    out = {"runs": repeat}
    cases = {"baseline": print_pdf, "city": lambda: city_report(city, lang="zh"),
             "district": lambda: city_report(city, "城关区", lang="en"), "labelled": labelled_png,
             "atlas_lanzhou": lambda: district_atlas(city, "zh"), "atlas_qiqihar": lambda: district_atlas(qiqihar, "zh")}  # fmt: skip
    for name, operation in cases.items():
        out[f"{name}_s"], out[f"{name}_cpu_s"], data = _median_s(operation, repeat)
        out[f"{name}_bytes"] = len(data)
        out[f"{name}_pages"] = len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) if data[:4] == b"%PDF" else 1
    shutil.rmtree(folder)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("report PDFs ...", flush=True)
    r = report_speed(args.repeat)
    for name in ("city", "district", "labelled", "atlas_lanzhou", "atlas_qiqihar", "baseline"):
        print(f"{name}: {r[f'{name}_s']:.2f} s wall, {r[f'{name}_cpu_s']:.2f} s CPU", flush=True)
    lines = [
        "## Report PDFs and atlases (goals: a report under 5 s, an atlas under 15 s)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}, by "
        "`make bench` (bench/report.py): the median of the runs after one warm-up; CPU time is what the run costs on "
        "an idle machine (one thread). Baseline: the A4 print map PDF of "
        "all assets (`print_map` + `write_print_map`, vector, the CJK glyphs embedded as Type 3 fonts), the city report's first page, in the same run. "
        f"The labelled print map: Lanzhou's {r['labelled_assets']} cultural relics protection units on A4 at 300 dpi, PNG, "
        f"{r['labelled_labels']} names beside their markers, the crowded centre in an inset. The atlases: a cover map with the "
        "contents, one page per district holding assets, the sources (`culturemap report --atlas districts`). "
        f"Load average {os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} cores: the wall time grows with it; the CPU time is the steadier figure (it grows too when the cores are shared).",
        "",
        "| output | pages | wall s | CPU s | KB | time ratio to the print map (CPU) | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    labels = {"baseline": ("A4 print map PDF, Lanzhou (baseline)", ""), "city": ("city report, Lanzhou, zh", "< 5 s"),
              "district": ("district report, Lanzhou 城关区, en", "< 5 s"),
              "labelled": ("A4 300 dpi print map PNG, labels and inset, Lanzhou units", ""),
              "atlas_lanzhou": ("district atlas, Lanzhou, zh", "< 15 s"),
              "atlas_qiqihar": ("district atlas, Qiqihar, zh", "< 15 s")}  # fmt: skip
    for name, (label, goal) in labels.items():
        lines.append(f"| {label} | {r[f'{name}_pages']} | {r[f'{name}_s']:.2f} | {r[f'{name}_cpu_s']:.2f} | "
                     f"{r[f'{name}_bytes'] / 1024:,.0f} | {r[f'{name}_cpu_s'] / r['baseline_cpu_s']:.2f}x | {goal} |")  # fmt: skip
    lines.append("")
    write_section(args.out, "bench/report.py", lines)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
