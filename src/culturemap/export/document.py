"""The pages of a report PDF: A4 portrait, laid out in millimetres from the top of the page.

:class:`Document` stacks text, tables (continued on the next page under their repeated header), charts
and maps (:func:`map_axes`: the pack's offline basemap in the city's metric CRS) from the top down, then
numbers the pages and adds the footer (page, place, date, source line). Text is wrapped by its display
width (:func:`wrap`: a Chinese character counts as two Latin ones). The PDF embeds the CJK glyphs used
(Type 3 with a ToUnicode map, see ``render.static.VECTOR_FONTS``), so its text can be searched and copied.
Used by the city report (:mod:`culturemap.export.report`) and the route report
(:mod:`culturemap.export.route_report`).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime

import matplotlib as mpl
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from culturemap.analysis.select import AssetQuery
from culturemap.catalog import City
from culturemap.export.print_map import MM, PAPER_MM, _draw_basemap, _extent
from culturemap.i18n import tr
from culturemap.render.static import VECTOR_FONTS

PAGE_W, PAGE_H = PAPER_MM["A4"]
MARGIN = 14.0  # mm, left and right, and above the first line
BOTTOM = 20.0  # mm: the footer lies below this
TEXT_W = PAGE_W - 2 * MARGIN
FONT_PT = 8.5
PT_MM = 25.4 / 72  # millimetres per point

Progress = Callable[[int, int], None]  # (steps done, steps in all)
CLOSING_MARKS = frozenset("）〕】」』》〉，。、；：！？”’)]}")  # never the first character of a line
OPENING_MARKS = frozenset("（〔【「『《〈“‘([{")  # never the last character of a line


def _width(text: str) -> int:
    """Display width: 2 for a wide (CJK) character, 1 for any other."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _tokens(paragraph: str):
    """Latin words, single spaces and single wide characters, in order."""
    word = ""
    for ch in paragraph:
        if ch == " " or _width(ch) == 2:
            yield from (word, ch) if word else (ch,)
            word = ""
        else:
            word += ch
    if word:
        yield word


def _held_back(line: str, token: str) -> int:
    """How many characters at the end of ``line`` go down with ``token`` when the line breaks before it:
    no line starts with a closing mark (the wide character before it goes too) nor ends with an opening one."""
    held = 1 if token[:1] in CLOSING_MARKS and len(line) > 1 and _width(line[-1]) == 2 else 0
    while held < len(line) - 1 and line[-1 - held] in OPENING_MARKS:
        held += 1
    return held


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` display columns (see :func:`_width`): Latin words are
    kept whole where they fit, Chinese may break between any two characters but not before a closing mark
    ("）", "，") nor after an opening one ("（", "("); newlines are kept."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if line.strip() and _width(line + token) > width:
                line = line.rstrip()
                held = _held_back(line, token)
                lines.append(line[: len(line) - held].rstrip())
                line = line[len(line) - held :] + token.lstrip()
            else:
                line += token
            while _width(line) > width:  # a word longer than a line
                cut = next(i for i in range(len(line), 0, -1) if _width(line[:i]) <= width)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _columns(width_mm: float, size_pt: float) -> int:
    """Display columns that fit in ``width_mm`` at ``size_pt`` (a Latin character about 0.55 em)."""
    return max(4, int(width_mm / (size_pt * PT_MM * 0.55)))


def _fit_headers(header: list[str], widths_mm: list[float], size_pt: float) -> tuple[list[str], list[float]]:
    """``header`` and ``widths_mm`` such that no header breaks inside a word: a Chinese label wider than
    its column breaks before its unit ("停留\n（分钟）"), and columns too narrow for a header's longest
    piece widen, taking room from the columns that can spare it (unchanged when it cannot all fit)."""
    unit = size_pt * PT_MM * 0.55  # mm per display column, as :func:`_columns`
    pieces = [str(h).replace("（", " （").split() for h in header]
    need = [2.05 + unit * max((_width(p) for p in ps), default=1) for ps in pieces]
    short = sum(max(n - w, 0.0) for n, w in zip(need, widths_mm))
    spare = sum(max(w - n, 0.0) for n, w in zip(need, widths_mm))
    if 0 < short <= spare:
        widths_mm = [n if w <= n else w - (w - n) * short / spare for n, w in zip(need, widths_mm)]
    fits = [_width(h) <= _columns(w - 2.0, size_pt) for h, w in zip(header, widths_mm)]
    return [h if fit else str(h).replace("（", "\n（", 1) for h, fit in zip(header, fits)], widths_mm


class Document:
    """A4 pages laid out from the top down in millimetres; :meth:`finish` numbers them."""

    def __init__(self, lang: str):
        self.lang = lang
        self.title: str | None = None  # the PDF's Title (default: the place)
        self.subject: str | None = None  # the PDF's Subject: what the document covers (default: none)
        self.pages: list[Figure] = []
        self.drawn_elsewhere: set[int] = set()  # pages with their own date and source line (the cover map)
        self.y = 0.0
        self.ax = None

    def new_page(self) -> None:
        """Start a blank A4 page; the next line is :data:`MARGIN` mm below its top."""
        fig = Figure(figsize=(PAGE_W * MM, PAGE_H * MM))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, PAGE_W)
        ax.set_ylim(0, PAGE_H)
        ax.axis("off")
        self.pages.append(fig)
        self.ax, self.y = ax, PAGE_H - MARGIN

    def add_figure(self, fig: Figure) -> None:
        """A page drawn elsewhere (the cover map)."""
        self.drawn_elsewhere.add(len(self.pages))
        self.pages.append(fig)
        self.ax = None

    def room(self, height_mm: float) -> None:
        """Start a new page unless ``height_mm`` fits above the footer."""
        if self.ax is None or self.y - height_mm < BOTTOM:
            self.new_page()

    def text(self, text: str, size: float = FONT_PT, gap: float = 2.0, width_mm: float = TEXT_W, **style) -> None:
        """``text`` wrapped to ``width_mm`` at ``size`` pt, then ``gap`` mm (on a new page when it does not fit)."""
        lines = wrap(text, _columns(width_mm, size))
        height = len(lines) * size * PT_MM * 1.45
        self.room(height)
        self.ax.text(MARGIN, self.y, "\n".join(lines), fontsize=size, va="top", ha="left", linespacing=1.45,
                     **style)  # fmt: skip
        self.y -= height + gap

    def heading(self, text: str) -> None:
        """A bold section heading, never the last line of a page."""
        self.room(40)  # a heading is never the last line of a page
        self.text(text, size=FONT_PT * 1.7, gap=3.0, fontweight="bold")

    def axes(self, height_mm: float, left_mm: float = MARGIN, width_mm: float = TEXT_W, gap: float = 4.0):
        """An axes ``height_mm`` high below the current line (on a new page when it does not fit)."""
        self.room(height_mm + gap)
        ax = self.pages[-1].add_axes(
            (left_mm / PAGE_W, (self.y - height_mm) / PAGE_H, width_mm / PAGE_W, height_mm / PAGE_H)
        )
        self.y -= height_mm + gap
        return ax

    def table(self, header: list[str], rows: list[list[str]], widths_mm: list[float], size: float = FONT_PT - 1,
              title: str = "", bold_rows: frozenset[int] = frozenset()) -> None:  # fmt: skip
        """A table (matplotlib's) with wrapped cells, rows as high as their longest cell; rows that do
        not fit continue on the next page under the repeated header (and ``title``, marked continued)."""
        scale = TEXT_W / sum(widths_mm)
        header, widths_mm = _fit_headers(header, [w * scale for w in widths_mm], size)
        line_mm = size * PT_MM * 1.3

        def cells(row):
            wrapped = [wrap(str(v), _columns(w - 2.0, size)) for v, w in zip(row, widths_mm)]
            return wrapped, max(len(c) for c in wrapped) * line_mm + 1.8

        head = cells(header)
        body = [cells(r) for r in rows]
        start, first = 0, True
        while start < len(body) or first:
            if not first and title:
                self.room(head[1] + body[start][1] + 12)
                self.text(tr("report_continued", self.lang, title=title), size=FONT_PT * 1.2, fontweight="bold")
            self.room(head[1] + (body[start][1] if body else 0) + 2)
            if first and title:
                self.text(title, size=FONT_PT * 1.2, fontweight="bold")
                self.room(head[1] + (body[start][1] if body else 0) + 2)
            end, used = start, head[1]
            while end < len(body) and self.y - used - body[end][1] >= BOTTOM:
                used += body[end][1]
                end += 1
            end = max(end, min(start + 1, len(body)))  # at least one row per page
            self._draw_table(head, body[start:end], widths_mm, size, used, {i - start for i in bold_rows})
            self.y -= used + 4.0
            start, first = end, False

    def _draw_table(self, head, body, widths_mm, size, height_mm, bold: set[int]) -> None:
        texts = [["\n".join(c) for c in head[0]], *(["\n".join(c) for c in row] for row, _ in body)]
        heights = [head[1], *(h for _, h in body)]
        bbox = (MARGIN / PAGE_W, (self.y - height_mm) / PAGE_H, TEXT_W / PAGE_W, height_mm / PAGE_H)
        table = self.ax.table(cellText=texts, colWidths=[w / TEXT_W for w in widths_mm], cellLoc="left",
                              bbox=bbox)  # fmt: skip
        table.auto_set_font_size(False)
        table.set_fontsize(size)
        for (r, _c), cell in table.get_celld().items():
            cell.set_height(heights[r])
            cell.set_linewidth(0.4)
            cell.set_edgecolor("#999")
            cell.PAD = 0.01
            cell.get_text().set_linespacing(1.3)
            if r == 0:
                cell.set_facecolor("#e8e8e8")
                cell.get_text().set_fontweight("bold")
            elif r - 1 in bold:
                cell.set_facecolor("#fff3c4")
                cell.get_text().set_fontweight("bold")

    def finish(self, where: str, today: date, source: str, progress: Progress | None, done: int, total: int) -> bytes:
        """Number the pages, add the footer (page, place, date, source) and write the PDF."""
        buffer = io.BytesIO()
        n = len(self.pages)
        made = tr("report_made", self.lang, where=where, date=today.isoformat())
        metadata = {"Creator": "culturemap", "Author": "culturemap", "Title": self.title or where,
                    "CreationDate": datetime.now(UTC)}  # fmt: skip
        if self.subject:
            metadata["Subject"] = self.subject
        with mpl.rc_context(VECTOR_FONTS), PdfPages(buffer, metadata=metadata) as pdf:
            for number, fig in enumerate(self.pages, start=1):
                foot = 9.0 / PAGE_H
                if number - 1 not in self.drawn_elsewhere:
                    fig.text(MARGIN / PAGE_W, foot, f"{made}\n{source}", fontsize=6.5, color="#444", va="top",
                             ha="left", linespacing=1.4)  # fmt: skip
                fig.text(1 - MARGIN / PAGE_W, foot, tr("report_page", self.lang, page=number, pages=n), fontsize=7.5,
                         color="#222", va="top", ha="right")  # fmt: skip
                pdf.savefig(fig)
        if progress:  # the fonts are embedded when the file closes
            progress(done + 1, total)
        return buffer.getvalue()


def no_axis_labels(ax) -> None:
    """Hide the axis titles geopandas sets from the CRS (also those it sets later): a map needs none."""
    ax.xaxis.label.set_visible(False)
    ax.yaxis.label.set_visible(False)


def map_axes(doc: Document, city: City, assets, area, height_mm: float, lang: str):
    """A map axes in the city's metric CRS with the offline basemap, zoomed like the cover map."""
    crs = city.config.metric_crs
    ax = doc.axes(height_mm)
    extent = _extent(city, assets, AssetQuery(), crs, TEXT_W / height_mm, area)
    _draw_basemap(ax, city, crs, extent, FONT_PT * 0.8, lang)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    no_axis_labels(ax)
    return ax, extent
