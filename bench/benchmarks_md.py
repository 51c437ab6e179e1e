"""BENCHMARKS.md as sections, each owned by the script that measures it (bench/run.py, bench/ui.py).

A section sits between ``<!-- begin OWNER -->`` and ``<!-- end OWNER -->``; a script rewrites only its
own section and leaves the others as they are. A new section goes at the end.
"""

from __future__ import annotations

from pathlib import Path

TITLE = "# Benchmarks"


def write_section(path: Path, owner: str, lines: list[str]) -> None:
    """Replace ``owner``'s section of ``path`` with ``lines`` (Markdown), keeping every other section."""
    begin, end = f"<!-- begin {owner} -->", f"<!-- end {owner} -->"
    block = "\n".join([begin, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else f"{TITLE}\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
