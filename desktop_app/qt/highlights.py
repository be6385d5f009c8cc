"""Claims painted over a reader's text as QTextEdit extra selections.

The document is never modified. The highlighted text is cut into elementary
segments, pieces where the set of covering claims is constant, and each
segment gets one ExtraSelection:

* a translucent fill blended from the first tag colour of every covering
  claim, more opaque where claims overlap (capped);
* a line under the text for the status of the innermost claim (see
  STATUS_LINES: none for unverified, solid green for supported, dotted orange
  for disputed, wavy red and struck through for refuted); for an unverified claim, an underline
  in the second tag's colour when it has more than one tag, or a darker
  underline where several claims overlap.

The selected claim keeps exactly its fill and line (a selection must not
change what tag a highlight appears to be): the view draws an outline
around it (ReaderView.paintEvent, using ``line_rects``).

The foreground is never set, so text keeps the palette's colour in light and
dark themes.

Only the segments inside a window around what the view shows get selections
(the view moves the window as it scrolls), so opening, painting, adding a
claim and scrolling cost the same with ten or ten thousand claims. Claims are
kept in an index sorted by start, so finding those in a range is a bisection.
Building an ExtraSelection costs tens of microseconds, so they are cached by
segment and look, and rebuilt only when a segment changes (``rebuild_count``
counts the segments built). A segment that spans paragraphs gets one selection
per paragraph: Qt measures a selection across blocks by laying out the whole
document.

Pending spans (claims made while the team database cannot be reached, waiting
in the window's queue, see pending_edits.py) are kept apart from the claims:
a handful at most, they are not claims (no id, not clickable), and they are
painted after the claims' selections, in a lighter fill with a dashed
underline in the tag's colour, so that they survive every repaint of the
claims and read as "not saved yet".
"""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import NamedTuple

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from desktop_app.qt.offsets import OffsetMap

FILL_ALPHA = 0.35  # one claim
FILL_ALPHA_STEP = 0.15  # each further overlapping claim
FILL_ALPHA_MAX = 0.65

_U = QTextCharFormat.UnderlineStyle
# How each status reads in the text: (line style, colour, words for the legend).
STATUS_LINES: dict[str, tuple[QTextCharFormat.UnderlineStyle, str, str]] = {
    "unverified": (_U.NoUnderline, "", "no line"),
    "supported": (_U.SingleUnderline, "#2E7D32", "solid green line"),
    "disputed": (_U.DotLine, "#E65100", "dotted orange line"),
    "refuted": (_U.WaveUnderline, "#D50000", "struck through, wavy red line"),
}
FALLBACK_COLOR = "#9e9e9e"
PENDING_ALPHA = 0.14  # much lighter than a saved claim's fill
PENDING_TOOLTIP = "Waiting for the team database; will be saved when it answers"


class HighlightSpan(NamedTuple):
    """One claim to paint: ``[start, end)`` in code points, its tag colours
    (first tag first) and the tooltip shown on hover (empty: the view asks
    its tooltip provider). A named tuple, cheap to make by the thousand."""

    claim_id: int
    start: int
    end: int
    colors: tuple[str, ...] = ()
    tooltip: str = ""
    status: str = "unverified"


def _color(name: str) -> QColor:
    c = QColor(name)
    return c if c.isValid() else QColor(FALLBACK_COLOR)


@dataclass(frozen=True, slots=True)
class SegmentStyle:
    """Everything a segment's look depends on (used to reuse selections)."""

    fill: tuple[int, int, int, int]  # r, g, b, alpha 0-255
    underline: tuple[int, int, int, int] | None
    selected: bool  # only in the key: the look is the same (the view outlines it)
    status: str = "unverified"


def segment_style(spans: list[HighlightSpan], selected_claim: int | None) -> SegmentStyle:
    """The look of a piece of text covered by ``spans`` (innermost first)."""
    firsts = [_color(s.colors[0] if s.colors else FALLBACK_COLOR) for s in spans]
    n = len(firsts)
    r = sum(c.red() for c in firsts) / n
    g = sum(c.green() for c in firsts) / n
    b = sum(c.blue() for c in firsts) / n
    alpha = min(FILL_ALPHA + FILL_ALPHA_STEP * (n - 1), FILL_ALPHA_MAX)
    selected = selected_claim is not None and any(s.claim_id == selected_claim for s in spans)
    status = spans[0].status if spans[0].status in STATUS_LINES else "unverified"
    underline = None
    multi = next((s for s in spans if len(s.colors) > 1), None)
    if status != "unverified":
        u = QColor(STATUS_LINES[status][1])
        underline = (u.red(), u.green(), u.blue(), 255)
    elif multi is not None:
        u = _color(multi.colors[1])
        underline = (u.red(), u.green(), u.blue(), 255)
    elif n > 1:
        u = QColor(round(r), round(g), round(b)).darker(170)
        underline = (u.red(), u.green(), u.blue(), 255)
    return SegmentStyle((round(r), round(g), round(b), round(alpha * 255)), underline, selected, status)


def _char_format(style: SegmentStyle) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(*style.fill))
    if style.underline is not None:
        line = STATUS_LINES[style.status][0] if style.status != "unverified" else _U.SingleUnderline
        fmt.setUnderlineStyle(line)
        fmt.setUnderlineColor(QColor(*style.underline))
    if style.status == "refuted":
        fmt.setFontStrikeOut(True)  # a thin wavy line alone is easy to miss
    return fmt


def status_format(status: str, color: str) -> QTextCharFormat:
    """How one claim of ``status`` tagged in ``color`` is painted (for the legend)."""
    span = HighlightSpan(0, 0, 1, (color,), "", status)
    return _char_format(segment_style([span], None))


def pending_format(span: HighlightSpan) -> QTextCharFormat:
    """The look of a claim waiting to be saved: its tag's colour, faint, with
    a dashed underline in the full colour."""
    color = _color(span.colors[0] if span.colors else FALLBACK_COLOR)
    fill = QColor(color)
    fill.setAlphaF(PENDING_ALPHA)
    fmt = QTextCharFormat()
    fmt.setBackground(fill)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    fmt.setUnderlineColor(color.darker(115))
    return fmt


def _innermost_key(span: HighlightSpan) -> tuple[int, int, int]:
    return (span.end - span.start, -span.start, span.claim_id)


class HighlightLayer:
    """The claims of one view and the extra selections that paint them."""

    def __init__(self, document: QTextDocument | None = None, offsets: OffsetMap | None = None) -> None:
        self._doc = document
        self._offsets = offsets
        self._spans: dict[int, HighlightSpan] = {}
        self._index: list[tuple[int, int, int]] = []  # (start, end, claim id), sorted
        self._max_len = 0  # an upper bound of any span's length
        self._selected: int | None = None
        self._window: tuple[int, int] | None = None  # None: the whole text
        self._cache: dict[tuple[int, int, SegmentStyle], list[QTextEdit.ExtraSelection]] = {}
        self._list: list[QTextEdit.ExtraSelection] | None = None
        self._pending: tuple[HighlightSpan, ...] = ()  # claims waiting to be saved
        self._pending_cache: dict[HighlightSpan, list[QTextEdit.ExtraSelection]] = {}
        self.rebuild_count = 0  # ExtraSelection objects built so far

    # -- document and window ---------------------------------------------------
    def set_document(self, document: QTextDocument | None, offsets: OffsetMap | None) -> None:
        """Point the layer at another document; every selection is rebuilt."""
        self._doc = document
        self._offsets = offsets
        self._cache = {}
        self._pending_cache = {}
        self._list = None

    @property
    def window(self) -> tuple[int, int] | None:
        return self._window

    def set_window(self, lo: int | None, hi: int | None = None) -> None:
        """Paint only ``[lo, hi)`` (code points); ``None`` paints everything."""
        window = None if lo is None else (lo, hi)
        if window != self._window:
            self._window = window
            self._list = None

    def _touches_window(self, lo: int, hi: int) -> bool:
        return self._window is None or (lo < self._window[1] and hi > self._window[0])

    def _changed(self, lo: int, hi: int) -> None:
        if self._touches_window(lo, hi):
            self._list = None

    # -- spans ------------------------------------------------------------------
    def spans(self) -> list[HighlightSpan]:
        return [self._spans[cid] for _, _, cid in self._index]

    def span(self, claim_id: int) -> HighlightSpan | None:
        return self._spans.get(claim_id)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._spans

    def set_spans(self, spans: list[HighlightSpan]) -> None:
        self._spans = {s.claim_id: s for s in spans if s.end > s.start}
        self._index = sorted((s.start, s.end, s.claim_id) for s in self._spans.values())
        self._max_len = max((s.end - s.start for s in self._spans.values()), default=0)
        self._list = None

    def upsert(self, span: HighlightSpan) -> None:
        old = self._spans.get(span.claim_id)
        if old == span:
            return
        if old is not None:
            self._unindex(old)
            self._changed(old.start, old.end)
        if span.end <= span.start:
            return
        self._spans[span.claim_id] = span
        insort(self._index, (span.start, span.end, span.claim_id))
        self._max_len = max(self._max_len, span.end - span.start)
        self._changed(span.start, span.end)

    def _unindex(self, span: HighlightSpan) -> None:
        del self._spans[span.claim_id]
        i = bisect_left(self._index, (span.start, span.end, span.claim_id))
        if i < len(self._index) and self._index[i][2] == span.claim_id:
            del self._index[i]

    def remove(self, claim_id: int) -> None:
        old = self._spans.get(claim_id)
        if old is not None:
            self._unindex(old)
            self._changed(old.start, old.end)
        if self._selected == claim_id:
            self._selected = None

    def clear(self) -> None:
        self.set_spans([])

    # -- pending spans ---------------------------------------------------------
    @property
    def pending(self) -> tuple[HighlightSpan, ...]:
        return self._pending

    def set_pending(self, spans) -> bool:
        """Paint ``spans`` as claims waiting to be saved (replacing those
        painted so far); True if anything changed."""
        spans = tuple(s for s in spans if s.end > s.start)
        if spans == self._pending:
            return False
        self._pending = spans
        self._list = None
        return True

    def pending_at(self, cp: int) -> list[HighlightSpan]:
        """Pending spans covering code point ``cp``."""
        return [s for s in self._pending if s.start <= cp < s.end]

    def pending_selections(self) -> list[QTextEdit.ExtraSelection]:
        """The extra selections of the pending spans (built once each)."""
        out: list[QTextEdit.ExtraSelection] = []
        cache: dict[HighlightSpan, list[QTextEdit.ExtraSelection]] = {}
        if self._doc is not None:
            for span in self._pending:
                sels = cache.get(span) or self._pending_cache.get(span)
                if sels is None:
                    sels = self._cut(span.start, span.end, pending_format(span))
                cache[span] = sels
                out.extend(sels)
        self._pending_cache = cache
        return out

    # -- selection ---------------------------------------------------------------
    @property
    def selected_claim(self) -> int | None:
        return self._selected

    def set_selected_claim(self, claim_id: int | None) -> None:
        if claim_id == self._selected:
            return
        touched = [self._spans.get(c) for c in (self._selected, claim_id) if c is not None]
        self._selected = claim_id
        for s in touched:
            if s is not None:
                self._changed(s.start, s.end)

    def line_rects(self, claim_id: int | None) -> list[tuple[int, int]]:
        """The code-point ranges of ``claim_id`` inside the painted window (for the view's outline)."""
        span = self._spans.get(claim_id) if claim_id is not None else None
        if span is None:
            return []
        lo, hi = span.start, span.end
        if self._window is not None:
            lo, hi = max(lo, self._window[0]), min(hi, self._window[1])
        return [(lo, hi)] if hi > lo else []

    # -- queries -----------------------------------------------------------------
    def _covering(self, lo: int, hi: int) -> list[HighlightSpan]:
        """Spans overlapping ``[lo, hi)``: those starting before ``hi`` and no
        earlier than the longest span could reach back from ``lo``."""
        first = bisect_left(self._index, (lo - self._max_len,))
        last = bisect_left(self._index, (hi,))
        return [self._spans[cid] for start, end, cid in self._index[first:last] if end > lo]

    def claims_at(self, cp: int) -> list[int]:
        """Claims covering code point ``cp``, innermost (shortest) first."""
        return [s.claim_id for s in sorted(self._covering(cp, cp + 1), key=_innermost_key)]

    def _segments(self, lo: int, hi: int) -> list[tuple[int, int, tuple[int, ...], SegmentStyle]]:
        """Elementary segments over ``[lo, hi)``, equal neighbours merged."""
        covering = self._covering(lo, hi)
        if not covering:
            return []
        bounds = {lo, hi}
        for s in covering:
            bounds.add(max(s.start, lo))
            bounds.add(min(s.end, hi))
        points = sorted(bounds)
        by_start = sorted(covering, key=lambda s: s.start)
        out: list[tuple[int, int, tuple[int, ...], SegmentStyle]] = []
        active: list[HighlightSpan] = []
        j = 0
        for x, y in zip(points, points[1:]):
            while j < len(by_start) and by_start[j].start <= x:
                active.append(by_start[j])
                j += 1
            active = [s for s in active if s.end > x]
            if not active:
                continue
            inner = sorted(active, key=_innermost_key)
            style = segment_style(inner, self._selected)
            ids = tuple(s.claim_id for s in inner)
            if out and out[-1][1] == x and out[-1][2] == ids and out[-1][3] == style:
                out[-1] = (out[-1][0], y, ids, style)  # same claims on both sides of a boundary
            else:
                out.append((x, y, ids, style))
        return out

    def _extent(self) -> tuple[int, int]:
        if not self._index:
            return (0, 0)
        return (self._index[0][0], max(end for _, end, _ in self._index))

    def segments(self) -> list[tuple[int, int, tuple[int, ...]]]:
        """``(start, end, claim_ids)`` of every elementary segment of the whole text."""
        return [(a, b, ids) for a, b, ids, _ in self._segments(*self._extent())]

    def segment_format(self, cp: int) -> QTextCharFormat | None:
        """The format painted over code point ``cp`` (None if unpainted)."""
        found = self._segments(cp, cp + 1)
        return _char_format(found[0][3]) if found else None

    def selections(self) -> list[QTextEdit.ExtraSelection]:
        """The extra selections of the segments inside the window."""
        if self._list is None:
            lo, hi = self._window if self._window is not None else self._extent()
            cache: dict[tuple[int, int, SegmentStyle], list[QTextEdit.ExtraSelection]] = {}
            out: list[QTextEdit.ExtraSelection] = []
            if self._doc is not None:
                for a, b, _ids, style in self._segments(lo, hi):
                    key = (a, b, style)
                    sels = self._cache.get(key)
                    if sels is None:
                        sels = self._build(a, b, style)
                    cache[key] = sels
                    out.extend(sels)
            self._cache = cache
            self._list = out + self.pending_selections()  # on top of the saved claims
        return self._list

    # -- internals ---------------------------------------------------------------
    def _build(self, start: int, end: int, style: SegmentStyle) -> list[QTextEdit.ExtraSelection]:
        """One selection per block the segment touches: Qt lays out the whole
        document to measure a selection that spans blocks, which would make a
        long document slow to paint."""
        out = self._cut(start, end, _char_format(style))
        self.rebuild_count += 1
        return out

    def _cut(self, start: int, end: int, fmt: QTextCharFormat) -> list[QTextEdit.ExtraSelection]:
        """Selections painting code points ``[start, end)`` with ``fmt``, one per block."""
        to_u16 = self._offsets.to_utf16 if self._offsets is not None else (lambda x: x)
        u_start, u_end = to_u16(start), to_u16(end)
        out = []
        block = self._doc.findBlock(u_start)
        while block.isValid() and block.position() < u_end:
            a = max(u_start, block.position())
            b = min(u_end, block.position() + block.length() - 1)
            if b > a:
                cursor = QTextCursor(self._doc)
                cursor.setPosition(a)
                cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
                sel = QTextEdit.ExtraSelection()
                sel.cursor = cursor
                sel.format = fmt
                out.append(sel)
            block = block.next()
        return out
