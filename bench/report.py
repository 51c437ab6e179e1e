"""Benchmark of the report PDFs: the Lanzhou city report against an A4 print map PDF of the same pack,
both written in the same run (the print map is one page of the report: the ratio says what the other
pages cost).

    python bench/report.py --out BENCHMARKS.md [--repeat 3]

Each figure is the median of ``--repeat`` runs after one warm-up (imports, fonts, the pack loaded);
goal: the city report under 5 s.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks_md import write_section

REPO = Path(__file__).resolve().parents[1]
LANZHOU = REPO / "geodata" / "lanzhou"


def _median_s(operation, repeat: int) -> tuple[float, object]:
    result = operation()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = operation()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def report_speed(repeat: int = 3) -> dict:
    """Seconds (median) and bytes of the Lanzhou city report, a district report and the A4 print map PDF."""
    import matplotlib as mpl

    from culturemap.catalog import load_city
    from culturemap.export.print_map import PrintOptions, print_map
    from culturemap.export.report import city_report

    city = load_city(LANZHOU)

    def print_pdf() -> bytes:
        buffer = io.BytesIO()
        drawn = print_map(city, city.assets(), options=PrintOptions(paper="A4"))
        with mpl.rc_context({"pdf.fonttype": 42}):
            drawn.figure.savefig(buffer, format="pdf")
        return buffer.getvalue()

    baseline_s, baseline = _median_s(print_pdf, repeat)
    city_s, report = _median_s(lambda: city_report(city, lang="zh"), repeat)
    district_s, district = _median_s(lambda: city_report(city, "城关区", lang="en"), repeat)
    return {"baseline_s": baseline_s, "baseline_bytes": len(baseline), "city_s": city_s, "city_bytes": len(report),
            "district_s": district_s, "district_bytes": len(district), "runs": repeat}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("report PDFs ...", flush=True)
    r = report_speed(args.repeat)
    print(f"city report {r['city_s']:.2f} s, district report {r['district_s']:.2f} s, "
          f"A4 print map PDF {r['baseline_s']:.2f} s", flush=True)  # fmt: skip
    lines = [
        "## Report PDFs (Lanzhou pack; goal: the city report under 5 s)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, Python {platform.python_version()}, by "
        "`make bench` (bench/report.py): the median of the runs after one warm-up. Baseline: the A4 print map PDF of "
        "all assets (`print_map` + `savefig`, vector, CJK font embedded), the report's first page, in the same run.",
        "",
        "| output | s | KB | time ratio to the print map |",
        "|---|---:|---:|---:|",
        f"| A4 print map PDF (baseline) | {r['baseline_s']:.2f} | {r['baseline_bytes'] / 1024:,.0f} | 1.00x |",
        f"| city report, zh (6 pages) | {r['city_s']:.2f} | {r['city_bytes'] / 1024:,.0f} | "
        f"{r['city_s'] / r['baseline_s']:.2f}x |",
        f"| district report (城关区), en | {r['district_s']:.2f} | {r['district_bytes'] / 1024:,.0f} | "
        f"{r['district_s'] / r['baseline_s']:.2f}x |",
        "",
    ]
    write_section(args.out, "bench/report.py", lines)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
