"""What `make run` lacks for full use, and what still works without it (exit code 0 either way).

Asks the app's own lookups, so the answer is what the app will do: the vendored map library
(``render.assets.vendored``, installed by ``npm ci`` in vendor/), Chromium (``export.view.chromium_path``)
and a CJK font (``render.static.cjk_font``). Checks only; installs nothing (``make system-deps`` does,
with apt-get, for the tests).
"""

from __future__ import annotations

import shutil
import sys

from culturemap.export.view import ChromiumUnavailable, chromium_path
from culturemap.render.assets import vendored
from culturemap.render.static import CJK_FONTS, cjk_font


def missing_parts() -> list[str]:
    """One line per missing part: what it is, what is unavailable without it and what still works."""
    lines = []
    if not vendored():
        cause = "npm missing" if shutil.which("npm") is None else "vendor/node_modules incomplete (npm ci failed?)"
        lines.append(
            f"{cause}: maps load Leaflet and its plugins from public CDNs (jsdelivr, cdnjs), so the browser "
            "needs internet access; the standalone HTML export and view snapshots need the local copies and "
            "fail; print maps (PDF/PNG/SVG), reports and data exports still work"
        )
    try:
        chromium_path()
    except ChromiumUnavailable:
        lines.append(
            "Chromium missing: view snapshots (PNG of the map as the page shows it, `export --view-png`) "
            "unavailable; print maps (PDF/PNG/SVG), reports and the web map still work "
            "(apt-get install chromium, or set CULTUREMAP_CHROMIUM)"
        )
    if cjk_font() is None:
        lines.append(
            f"no CJK font ({', '.join(CJK_FONTS[:3])}, ...): Chinese text in print maps, reports and figures "
            "(PDF/PNG/SVG) falls back to matplotlib's DejaVu Sans, which has no Chinese glyphs, and shows as "
            "empty boxes; English output and the web map (drawn by the browser's fonts) still work "
            "(apt-get install fonts-noto-cjk)"
        )
    return lines


def main() -> int:
    """Print what is missing (or that nothing is) to stdout; always 0: the app runs without each part."""
    lines = missing_parts()
    if not lines:
        print("culturemap: offline map library, Chromium and a CJK font found")
    for line in lines:
        print(f"culturemap: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
