"""Benchmark of the report PDFs: the Lanzhou city report against an A4 print map PDF of the same pack,
both written in the same run (the print map is one page of the report: the ratio says what the other
pages cost).

    python bench/report.py --out BENCHMARKS.md [--repeat 3]

Each figure is the median of ``--repeat`` runs after one warm-up (imports, fonts, the pack loaded);
goal: the city report under 5 s.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"


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
    """Seconds (median) and bytes of the Lanzhou city report, a district report and the A4 print map PDF."""
    from culturemap.catalog import load_city
    from culturemap.export.print_map import PrintOptions, print_map, write_print_map
    from culturemap.export.report import city_report

    city = load_city(LANZHOU)
    folder = Path(tempfile.mkdtemp(prefix="culturemap-bench-"))

    def print_pdf() -> bytes:  # what `culturemap export --format pdf` writes
        drawn = print_map(city, city.assets(), options=PrintOptions(paper="A4"))
        return write_print_map(drawn, "pdf", folder / "print.pdf").read_bytes()

    out = {"runs": repeat}
    cases = {"baseline": print_pdf, "city": lambda: city_report(city, lang="zh"),
             "district": lambda: city_report(city, "城关区", lang="en")}  # fmt: skip
    for name, operation in cases.items():
        out[f"{name}_s"], out[f"{name}_cpu_s"], data = _median_s(operation, repeat)
        out[f"{name}_bytes"] = len(data)
    shutil.rmtree(folder)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("report PDFs ...", flush=True)
    r = report_speed(args.repeat)
    for name in ("city", "district", "baseline"):
        print(f"{name}: {r[f'{name}_s']:.2f} s wall, {r[f'{name}_cpu_s']:.2f} s CPU", flush=True)
    lines = [
        "## Report PDFs (Lanzhou pack; goal: the city report under 5 s)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}, by "
        "`make bench` (bench/report.py): the median of the runs after one warm-up; CPU time is what the run costs on "
        "an idle machine (one thread). Baseline: the A4 print map PDF of "
        "all assets (`print_map` + `write_print_map`, vector, the CJK glyphs embedded as Type 3 fonts), the report's first page, in the same run.",
        "",
        "| output | wall s | CPU s | KB | time ratio to the print map (CPU) |",
        "|---|---:|---:|---:|---:|",
    ]
    labels = {"baseline": "A4 print map PDF (baseline)", "city": "city report, zh (6 pages)",
              "district": "district report (城关区), en"}  # fmt: skip
    for name, label in labels.items():
        lines.append(f"| {label} | {r[f'{name}_s']:.2f} | {r[f'{name}_cpu_s']:.2f} | {r[f'{name}_bytes'] / 1024:,.0f} | "
                     f"{r[f'{name}_cpu_s'] / r['baseline_cpu_s']:.2f}x |")  # fmt: skip
    lines.append("")
    write_section(args.out, "bench/report.py", lines)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
