"""PDF: the text layer, rebuilt into paragraphs in reading order.

pdfium (through pypdfium2) gives each page's text as lines in the order of the
content stream, and the boxes of the text runs on each line. From those this
module rebuilds what a reader sees: lines of two columns that pdfium joined
are split at the gutter and read column by column; lines close together with
the same font size form a paragraph; a word hyphenated at the end of a line is
joined; headers, footers and page numbers that repeat on the pages are left
out; a larger font makes a heading. Highlights and notes in the file are
offered as claims (``pdf_annotations``).

pdfium must not be called from two threads at once, even for two documents:
every use holds ``PDFIUM_LOCK`` (the page view renders under it too).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter

from desktop_app.core.document import Metadata, SourceFile, StructuredDocument
from desktop_app.core.errors import ImportRefused, PasswordRequired
from desktop_app.core.importers._common import (
    Draft,
    assemble,
    clean_inline,
    clean_meta,
    display_name,
    refused,
    title_from_name,
)
from desktop_app.core.importers.pdf_dates import pdf_date, pdf_datetime  # noqa: F401 - pdf_datetime for callers
from desktop_app.core.pdfium_lock import PDFIUM_LOCK  # shared with the page view

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"

_ERR_PASSWORD = 4
_DAMAGED = "the PDF is damaged and its text cannot be read."
_SCANNED = ("the PDF has no text layer (its pages are images, as in a scan); "
            "run it through OCR (text recognition) first and import the result.")
_NO_TEXT = "the PDF has no text to annotate."
_HYPHENS = ("-", "\u00ad", "\u2010", "\x02")
_TERMINAL = tuple('.!?:;"”’)]»…')
_TERMINAL_CHARS = frozenset(_TERMINAL)  # each is one character: a line ends a sentence if its last is one
_HYPHEN_CHARS = frozenset(_HYPHENS)
_PAGE_NUMBER = re.compile(r"^(?:page\s+|p\.\s*|-\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*-)?$",
                          re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_BREAKS = re.compile("(\r\n|\r|\n|\ufffe|\x02)")
_MARKERS = frozenset({"\ufffe", "\x02"})  # pdfium's marks of a hyphen it took for a word broken across lines


@dataclass(slots=True)
class Segment:
    """A run of text on one line of one column, with its box in PDF points
    (origin at the bottom left) and its font size."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    page: int  # 0-based
    column: int = 0  # reading-order group on the page, set by _reading_order


def parse_pdf(
    data: bytes,
    *,
    name: str,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StructuredDocument:
    """The structured document of a PDF's text layer. Raises ImportRefused
    (one sentence naming the file) for a damaged or scanned PDF, and its
    subclass PasswordRequired when the password is missing or wrong."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data, password=password or None)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == _ERR_PASSWORD:
                raise _password_refusal(name, wrong=bool(password)) from None
            raise refused(name, "the file is not a PDF, or it is damaged beyond reading.") from None
        except Exception:  # a file pdfium chokes on in another way
            log.exception("opening %s as a PDF failed", display_name(name))
            raise refused(name, "the file is not a PDF, or it is damaged beyond reading.") from None
        try:
            return _parse(pdf, data, name, progress)
        except ImportRefused:
            raise
        except Exception:
            log.exception("reading the PDF %s failed", display_name(name))
            raise refused(name, _DAMAGED) from None
        finally:
            pdf.close()


def _password_refusal(name: str, *, wrong: bool) -> PasswordRequired:
    shown = display_name(name)
    if wrong:
        return PasswordRequired(f"{shown}: the password is not the PDF's password.", wrong=True)
    return PasswordRequired(f"{shown}: the PDF is protected by a password; give its password to import it.")


def _parse(pdf, data: bytes, name: str, progress) -> StructuredDocument:
    from desktop_app.core.importers import pdf_annotations

    count = len(pdf)
    if count == 0:
        raise refused(name, _DAMAGED)
    pages: list[list[Segment]] = []
    marks: list[list[pdf_annotations.Mark]] = []
    sizes: list[tuple[float, float]] = []
    reader = _BoxReader()
    for index in range(count):
        page = pdf[index]
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                segments = _page_segments(textpage, index, reader)
                marks.append(pdf_annotations.read_marks(page, textpage, index))
            finally:
                textpage.close()
        finally:
            page.close()
        pages.append(_reading_order(segments, width))
        sizes.append((width, height))
        if progress is not None:
            progress(index + 1, count)
    if not any(seg.text.strip() for segs in pages for seg in segs):
        raise refused(name, _SCANNED if _has_images(pdf) else _NO_TEXT)
    _drop_running_lines(pages, sizes)
    drafts, page_at = _paragraphs(pages)
    text, blocks, spans = assemble(drafts)
    if not text.strip():
        raise refused(name, _NO_TEXT)
    starts = _page_starts(drafts, page_at, count, len(text))
    metadata = _metadata(pdf)
    if not metadata.title:
        metadata.title = next((d.text for d in drafts if d.kind == "heading"), "") or title_from_name(name)
    doc = StructuredDocument(
        text=text,
        blocks=blocks,
        spans=spans,
        metadata=metadata,
        source_format="pdf",
        encoding="",
        sha256=hashlib.sha256(data).hexdigest(),
        pages=starts,
        original=SourceFile(bytes(data), MEDIA_TYPE, display_name(name)),
    )
    doc.offered = pdf_annotations.place(marks, doc)
    return doc


# ---------------------------------------------------------------- lines
class _BoxReader:
    """pdfium's text-run rectangles and font sizes, read in bulk.

    A long document has tens of thousands of lines, and each needs one call
    for its box and one for its font size. The bindings' typed prototypes
    check and convert every argument on each call; these readers call the
    same two functions through untyped prototypes (pointer arguments passed
    as addresses, into one preallocated array), which costs about half.
    ``get_rect`` and ``font_size`` take the page from ``handle()``; a box is
    written to the four addresses of ``out`` and read with ``unpack(view)``.
    """

    def __init__(self) -> None:
        import ctypes
        import struct

        from pypdfium2 import raw

        self.box = (ctypes.c_double * 4)()
        base = ctypes.addressof(self.box)
        self.out = (base, base + 8, base + 16, base + 24)  # left, top, right, bottom
        self.unpack = struct.Struct("4d").unpack_from
        self.view = memoryview(self.box).cast("B")
        address = ctypes.cast(raw.FPDFText_GetRect, ctypes.c_void_p).value
        self.get_rect = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.c_void_p, ctypes.c_int, *(ctypes.c_void_p,) * 4
        )(address)
        address = ctypes.cast(raw.FPDFText_GetFontSize, ctypes.c_void_p).value
        self.font_size = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_void_p, ctypes.c_int)(address)
        self.count = raw.FPDFText_CountRects

    @staticmethod
    def handle(textpage):
        """The text page as an address, the form the readers take."""
        import ctypes

        return ctypes.cast(textpage.raw, ctypes.c_void_p)

    def read(self, raw_textpage, handle, start: int, count: int) -> list[tuple[float, float, float, float]]:
        """(left, bottom, right, top) of each run of characters ``start`` to
        ``start + count - 1``; ``raw_textpage`` is the bindings' pointer,
        ``handle`` the same page from ``handle()``."""
        unpack, view = self.unpack, self.view
        left, top, right, bottom = self.out
        get_rect = self.get_rect
        out = []
        append = out.append
        for i in range(self.count(raw_textpage, start, count)):
            if get_rect(handle, i, left, top, right, bottom):
                x0, y1, x1, y0 = unpack(view)
                append((x0, y0, x1, y1))
        return out


def _page_segments(textpage, page_index: int, reader: _BoxReader | None = None) -> list[Segment]:
    """The text runs of a page, one per line and column, in pdfium's order.
    ``reader`` is made once per document (or here when not given)."""
    from pypdfium2 import raw

    n = textpage.count_chars()
    if n <= 0:
        return []
    full = textpage.get_text_range(0, n)
    handle = textpage.raw
    if reader is None:
        reader = _BoxReader()
    address = reader.handle(textpage)
    read_rects = reader.read
    font_size = reader.font_size  # takes the address from handle()
    # text indices are char indices unless pdfium left characters out of the
    # text or put some in; then each index is translated
    char_index = raw.FPDFText_GetCharIndexFromTextIndex
    identity = len(full) == n and char_index(handle, n - 1) == n - 1 and char_index(handle, n // 2) == n // 2
    # pdfium ends a line with a line break, or with a marker (U+FFFE or
    # U+0002) in place of a hyphen it took for a word broken across lines,
    # after which it does not break the line
    parts = _BREAKS.split(full)
    if identity:
        segments = _one_run_per_line(parts, reader, handle, address, n, page_index)
        if segments is not None:
            return segments
    lines: list[tuple[str, int, int, int]] = []  # text, text index, first and last char index
    to_unit = _utf16_indexer(full) if not identity else None  # made when a line is split
    pos = 0
    for i in range(0, len(parts), 2):
        line = parts[i]
        end = parts[i + 1] if i + 1 < len(parts) else ""
        stripped = line.strip()
        if stripped:
            t0 = pos + line.index(stripped[0])
            c0, c1 = t0, t0 + len(stripped) - 1
            if not identity:  # pdfium counts in UTF-16 units
                c0, c1 = char_index(handle, to_unit(c0)), char_index(handle, to_unit(c1))
            if (end == "\ufffe" or end == "\x02") and line[-1:] != " ":
                stripped += "-"
            if 0 <= c0 <= c1:
                lines.append((stripped, t0, c0, c1))
        pos += len(line) + len(end)

    # the runs of the whole page at once (pdfium measures them in one pass),
    # grouped into lines where they follow each other on one baseline; if
    # that does not give one group per line, each line is measured alone
    grouped: list = []
    if identity:
        grouped = _rect_lines(read_rects(handle, address, 0, n))
    if len(grouped) != len(lines):
        grouped = [read_rects(handle, address, c0, c1 - c0 + 1) for _text, _t0, c0, c1 in lines]
    out: list[Segment] = []
    for (text, t0, c0, _c1), rects in zip(lines, grouped):
        if not rects:
            continue
        size = round(font_size(address, c0) or (rects[0][3] - rects[0][1]), 1)
        if len(rects) == 1:
            left, bottom, right, top = rects[0]
            out.append(Segment(text, left, bottom, right, top, size, page_index))
        else:
            if to_unit is None:
                to_unit = _utf16_indexer(full)
            out.extend(_split_line(textpage, text, t0, rects, size, page_index, to_unit))
    return out


def _one_run_per_line(parts: list[str], reader: _BoxReader, handle, address, n: int, page_index: int):
    """The usual page, read in one pass: pdfium's text indices are its
    character indices, and the page's runs are one per line, in the order
    of the lines. Each line's segment is made as the line is read (its box
    is run k of the page, its size that of its first character). None when
    the page is not like that (a line of two columns, a run that cannot be
    measured): the caller then reads it the general way."""
    count = reader.count(handle, 0, n)
    get_rect, font_size = reader.get_rect, reader.font_size
    unpack, view = reader.unpack, reader.view
    left, top, right, bottom = reader.out
    rounded: dict[float, float] = {}  # a page has few sizes: each is rounded once
    segments: list[Segment] = []
    append = segments.append
    k = 0
    # the lines, what ends each, and where each starts in the page's text
    ends = parts[1::2]
    ends.append("")
    starts = list(accumulate(map(len, parts), initial=0))[0::2]
    for line, end, pos in zip(parts[0::2], ends, starts):
        stripped = line.strip()
        if stripped:
            if k == count or not get_rect(address, k, left, top, right, bottom):
                return None
            t0 = pos if stripped is line else pos + line.index(stripped[0])
            if end in _MARKERS and line[-1] != " ":
                stripped += "-"
            x0, y1, x1, y0 = unpack(view)
            raw_size = font_size(address, t0) or (y1 - y0)
            size = rounded.get(raw_size)
            if size is None:
                size = rounded[raw_size] = round(raw_size, 1)
            append(Segment(stripped, x0, y0, x1, y1, size, page_index))
            k += 1
    return segments if k == count else None


def _utf16_indexer(text: str):
    """Code point index -> UTF-16 index in ``text`` (pdfium counts in UTF-16)."""
    from bisect import bisect_left

    astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
    if not astral:
        return lambda i: i
    return lambda i: i + bisect_left(astral, i)


def _rect_lines(rects):
    """Consecutive runs that share a baseline, as lists (one per line)."""
    groups: list[list] = []
    last = None
    for r in rects:
        if last is not None:
            overlap = min(last[3], r[3]) - max(last[1], r[1])
            if overlap > 0.5 * min(last[3] - last[1], r[3] - r[1]) and r[0] >= last[0] - 1:
                groups[-1].append(r)
                last = r
                continue
        groups.append([r])
        last = r
    return groups


def _split_line(
    textpage, text: str, t0: int, rects, size: float, page_index: int, to_unit=lambda i: i
) -> list[Segment]:
    """One line as pdfium gave it, split where a wide gap (a column gutter)
    separates its runs."""
    from pypdfium2 import raw

    rects = sorted(rects, key=lambda r: r[0])
    groups = [list(rects[0])]
    gap = max(size, 4.0) * 1.0
    for left, bottom, right, top in rects[1:]:
        g = groups[-1]
        if left - g[2] > gap:
            groups.append([left, bottom, right, top])
        else:
            g[0], g[1], g[2], g[3] = min(g[0], left), min(g[1], bottom), max(g[2], right), max(g[3], top)
    if len(groups) == 1:
        g = groups[0]
        return [Segment(text, g[0], g[1], g[2], g[3], size, page_index)]
    # which run each word lies in: pdfium may give the runs of one line in
    # any order (the right column's before the left's)
    bounds = [(a[2] + b[0]) / 2 for a, b in zip(groups, groups[1:])]

    def group_at(i: int) -> int:
        c = raw.FPDFText_GetCharIndexFromTextIndex(textpage, to_unit(t0 + i))
        if c < 0:
            return -1
        left, _bottom, right, _top = textpage.get_charbox(c)
        middle = (left + right) / 2
        return next((k for k, b in enumerate(bounds) if middle < b), len(bounds))

    out = []
    current = group_at(0)
    start = 0
    for i, ch in enumerate(text):
        if ch != " " or i + 1 >= len(text) or text[i + 1] == " ":
            continue
        g = group_at(i + 1)
        if g >= 0 and g != current:
            out.append((current, text[start:i].strip()))
            start, current = i + 1, g
    out.append((current, text[start:].strip()))
    segments = []
    for k, piece in out:
        if piece:
            g = groups[k] if 0 <= k < len(groups) else groups[0]
            segments.append(Segment(piece, g[0], g[1], g[2], g[3], size, page_index))
    return segments


_X0 = attrgetter("x0")
_X1 = attrgetter("x1")
_Y1 = attrgetter("y1")


def _reading_order(segments: list[Segment], width: float) -> list[Segment]:
    """Segments in reading order. On a page with a gutter, the runs between
    two lines that cross it (a title, a figure caption across the page) are
    read left column first, then right; other pages keep pdfium's order."""
    if len(segments) < 4 or width <= 0:
        return segments
    gutter = _gutter(segments, width)
    if gutter is None:
        return segments
    out: list[Segment] = []
    left: list[Segment] = []
    right: list[Segment] = []
    column = 0

    def flush():
        nonlocal column
        for group in (left, right):
            if group:
                # top to bottom, left to right on one baseline: two stable
                # sorts on plain attributes give the order of (-y1, x0)
                group.sort(key=_X0)
                group.sort(key=_Y1, reverse=True)
                column += 1
                for s in group:
                    s.column = column
                out.extend(group)
                group.clear()

    for seg in sorted(segments, key=_Y1, reverse=True):  # stable: ties keep pdfium's order
        if seg.x1 <= gutter:
            left.append(seg)
        elif seg.x0 >= gutter:
            right.append(seg)
        else:
            flush()
            column += 1
            seg.column = column
            out.append(seg)
    flush()
    return out


def _gutter(segments: list[Segment], width: float) -> float | None:
    """The x of a vertical gap in the middle of the page that at least three
    runs on each side end or start at, or None for a one-column page."""
    lo, hi = int(width * 0.3), int(width * 0.7)
    if hi <= lo:
        return None
    covered = bytearray(hi - lo)
    narrow = [s for s in segments if s.x1 - s.x0 < width * 0.55]
    if len(narrow) < 6:
        return None
    # the lines of a justified column share their edges: each span once
    for x0, x1 in {(int(s.x0), int(s.x1)) for s in narrow}:
        a, b = max(lo, x0), min(hi, x1 + 1)
        if a < b:
            covered[a - lo : b - lo] = b"\x01" * (b - a)
    runs = [m.span() for m in re.finditer(b"\x00+", covered)]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: r[1] - r[0])
    best_len, best = b - a, lo + (a + b) / 2
    if best_len < 6:
        return None
    lefts = sum(1 for s in narrow if s.x1 <= best)
    rights = sum(1 for s in narrow if s.x0 >= best)
    return best if lefts >= 3 and rights >= 3 else None


# ------------------------------------------------- headers and footers
def _running_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.casefold().split()))


def _drop_running_lines(pages: list[list[Segment]], sizes: list[tuple[float, float]]) -> None:
    """Leave out the lines at the top or bottom of the pages that repeat on
    most pages (digits aside), and page numbers there."""
    if len(pages) < 2:
        return
    margin: list[list[Segment]] = []
    for segs, (_w, h) in zip(pages, sizes):
        ordered = sorted(segs, key=_Y1, reverse=True)
        edge = [s for s in ordered[:3] if s.y0 >= h * 0.85] + [s for s in ordered[-3:] if s.y1 <= h * 0.15]
        margin.append(edge)
    counts = Counter(key for edge in margin for key in {_running_key(s.text) for s in edge})
    need = max(2, (len(pages) + 1) // 2)
    running = {key for key, n in counts.items() if n >= need}
    for segs, edge in zip(pages, margin):
        drop = {id(s) for s in edge if _running_key(s.text) in running or _PAGE_NUMBER.match(s.text.strip())}
        if drop:
            segs[:] = [s for s in segs if id(s) not in drop]


# ---------------------------------------------------------- paragraphs
def _size_weights(pages: list[list[Segment]]) -> Counter:
    """Characters per font size (rounded to 0.1 pt), sizes in the order they
    first appear. A long document has a handful of sizes over thousands of
    lines: the lengths are summed per size as read, and rounded once per size."""
    raw: dict[float, int] = {}
    get = raw.get
    for segs in pages:
        for s in segs:
            size = s.size
            raw[size] = get(size, 0) + len(s.text)
    weights: Counter = Counter()
    for size, n in raw.items():
        weights[round(size, 1)] += n
    return weights


def _column_edges(pages: list[list[Segment]]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left and right edge of each column of each page. The segments of
    a column follow each other (``_reading_order``), so each run of one
    column is measured in one pass."""
    from itertools import groupby

    edges: dict[tuple[int, int], tuple[float, float]] = {}
    page_column = attrgetter("page", "column")
    for segs in pages:
        for key, run in groupby(segs, key=page_column):
            run = list(run)
            left = min(map(_X0, run))
            right = max(map(_X1, run))
            if key in edges:
                was_left, was_right = edges[key]
                left, right = min(was_left, left), max(was_right, right)
            edges[key] = (left, right)
    return edges


def _paragraphs(pages: list[list[Segment]]) -> tuple[list[Draft], dict[int, tuple[int, int]]]:
    """Drafts (one per paragraph or heading) and, per page that has text, the
    draft index and the offset inside that draft where the page begins."""
    weights = _size_weights(pages)
    body = weights.most_common(1)[0][0] if weights else 10.0
    # a segment's size is rounded to 0.1 pt already (_page_segments), so the
    # sizes that make headings are those of the weights' keys
    heading_sizes = sorted({size for size in weights if size >= body * 1.2}, reverse=True)
    levels = {size: min(i + 1, 3) for i, size in enumerate(heading_sizes)}
    drafts: list[Draft] = []
    page_at: dict[int, tuple[int, int]] = {}
    parts: list[str] = []
    kind = "paragraph"
    level = 0
    prev: Segment | None = None
    edges = _column_edges(pages)  # left and right edge of each column

    def finish():
        nonlocal parts
        if parts:
            drafts.append(Draft(kind, "".join(parts), level=level))
        parts = []

    for segs in pages:
        # the lines of a page are checked together: almost always they are
        # canonical already, and one check per page costs less than one per line
        texts = [s.text for s in segs]
        if texts and clean_inline(joined := "\t".join(texts)) is not joined:
            texts = [clean_inline(t).strip() for t in texts]
        page_begins = True  # where this page's first line lands is noted once
        for s, text in zip(segs, texts):
            if not text:
                continue
            size = s.size
            s_kind = "heading" if size in levels and len(text) <= 200 else "paragraph"
            # the usual case decided here, without the call: the next line of
            # the same paragraph, same size, close below, after a line that
            # did not end a sentence (``_breaks`` is the whole rule)
            if (
                prev is not None
                and s_kind == "paragraph" == kind
                and size == prev.size
                and s.column == prev.column
                and s.page == prev.page
                and s.y1 <= prev.y1 + 1
                and prev.y0 - s.y1 <= size * 0.7
                and prev.text.rstrip()[-1:] not in _TERMINAL_CHARS
            ):
                cut = False
            else:
                cut = prev is None or _breaks(prev, s, s_kind, kind, edges)
            if cut:
                finish()
                kind, level = s_kind, levels.get(size, 0) if s_kind == "heading" else 0
                joined = text
            else:
                # a space, or nothing after a word hyphenated at the line's
                # end (the hyphen removed when the word goes on in lower
                # case: "inter-" "national")
                last = parts[-1]
                if last[-1] in _HYPHEN_CHARS and len(last) >= 2 and last[-2].isalpha():
                    if text[:1].islower() or last[-1] == "\u00ad":
                        parts[-1] = last[:-1]  # the hyphen taken off the line before
                    joined = text
                else:
                    joined = " " + text
            if page_begins:
                page_begins = False
                if s.page not in page_at:
                    page_at[s.page] = (len(drafts), sum(map(len, parts)) + (len(joined) - len(text)))
            parts.append(joined)
            prev = s
    finish()
    # NFC across the joins (a combining mark at the start of a line)
    for d in drafts:
        if not d.text.isascii() and not unicodedata.is_normalized("NFC", d.text):
            d.text = unicodedata.normalize("NFC", d.text)
    return drafts, page_at


def _breaks(a: Segment, b: Segment, b_kind: str, a_kind: str, edges) -> bool:
    """Does ``b`` start a new paragraph after ``a``?"""
    a_text = a.text.rstrip()
    if b_kind != a_kind or abs(a.size - b.size) > 0.6:
        return True
    if a.page != b.page or a.column != b.column:
        # a paragraph goes on in the next column or page unless the line
        # before ended a sentence short of the margin, or this one is indented
        if b.x0 > edges.get((b.page, b.column), (b.x0, 0))[0] + b.size * 0.8:
            return True
        if a_text.endswith(_TERMINAL):
            return a.x1 < edges.get((a.page, a.column), (0, a.x1))[1] - a.size * 3
        return False
    if b.y1 > a.y1 + 1:  # b is above a: another block of the page
        return True
    leading = a.y0 - b.y1  # white space between the two lines
    if leading > max(a.size, b.size) * 0.7:
        return True
    if a_kind == "heading":
        return False
    if a_text.endswith(_TERMINAL):
        if b.x0 > a.x0 + a.size * 0.8:  # first-line indent
            return True
        if a.x1 < edges.get((a.page, a.column), (0, a.x1))[1] - a.size * 3:  # a short last line
            return True
    return False


def _page_starts(drafts: list[Draft], page_at: dict[int, tuple[int, int]], count: int, total: int) -> list[int]:
    offsets = []
    pos = 0
    for d in drafts:
        offsets.append(pos)
        pos += len(d.text) + 1
    starts = [0] * count
    following = total
    for page in range(count - 1, -1, -1):
        if page in page_at:
            index, inside = page_at[page]
            following = min(offsets[index] + min(inside, len(drafts[index].text)), total)
        starts[page] = following
    starts[0] = 0
    for i in range(1, count):  # never decreasing
        starts[i] = max(starts[i], starts[i - 1])
    return starts


# ------------------------------------------------------------ metadata
def _metadata(pdf) -> Metadata:
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # metadata is optional: a damaged info dictionary is no reason to refuse
        log.warning("the PDF's metadata could not be read", exc_info=True)
        return Metadata()
    return Metadata(
        title=clean_meta(info.get("Title", "")),
        author=clean_meta(info.get("Author", "")),
        published=pdf_date(info.get("CreationDate", "")),
    )


def _has_images(pdf) -> bool:
    from pypdfium2 import raw

    for index in range(min(len(pdf), 20)):
        page = pdf[index]
        try:
            for _obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                return True
        finally:
            page.close()
    return False
