"""A matplotlib figure as the bytes of a PNG or PDF file (for download buttons), fonts embedded."""

from __future__ import annotations

import io

import matplotlib as mpl
from matplotlib.figure import Figure

from culturemap.render.static import VECTOR_FONTS

FIGURE_FORMATS = ("png", "pdf")


def figure_bytes(figure: Figure, fmt: str, dpi: int = 200) -> bytes:
    """``figure`` as a ``fmt`` file ("png" at ``dpi``, or "pdf" with the glyphs embedded, so the
    Chinese text can be searched and copied, as the print map's)."""
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}: expected one of {', '.join(FIGURE_FORMATS)}")
    out = io.BytesIO()
    metadata = {"pdf": {"Creator": "culturemap"}, "png": {"Software": "culturemap"}}[fmt]
    with mpl.rc_context(VECTOR_FONTS):
        figure.savefig(out, format=fmt, dpi=dpi, metadata=metadata)
    return out.getvalue()
