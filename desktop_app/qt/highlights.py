"""Claims painted over a reader's text as QTextEdit extra selections.

The document is never modified. The highlighted text is cut into elementary
segments, pieces where the set of covering claims is constant, and each
segment gets one ExtraSelection:

* a translucent fill blended from the first tag colour of every covering
  claim, more opaque where claims overlap (capped);
* an underline in the second tag's colour when a covering claim has more than
  one tag, or a darker underline where several claims overlap;
* for the selected claim, a stronger fill and a wavy underline.

The foreground is never set, so text keeps the palette's colour in light and
dark themes. Building an ExtraSelection costs tens of microseconds, so they are
cached per segment and an upsert or removal only rebuilds the segments in the
range it touches (``rebuild_count`` counts the ones built).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from .offsets import OffsetMap

FILL_ALPHA = 0.35  # one claim
FILL_ALPHA_STEP = 0.15  # each further overlapping claim
FILL_ALPHA_MAX = 0.65
SELECTED_ALPHA_BOOST = 0.2
SELECTED_ALPHA_MAX = 0.8
FALLBACK_COLOR = "#9e9e9e"


@dataclass(frozen=True, slots=True)
class HighlightSpan:
    """One claim to paint: ``[start, end)`` in code points, its tag colours
    (first tag first) and the tooltip shown on hover."""

    claim_id: int
    start: int
    end: int
    colors: tuple[str, ...] = ()
    tooltip: str = ""


def _color(name: str) -> QColor:
    c = QColor(name)
    return c if c.isValid() else QColor(FALLBACK_COLOR)


@dataclass(frozen=True, slots=True)
class SegmentStyle:
    """Everything a segment's look depends on (used to reuse selections)."""

    fill: tuple[int, int, int, int]  # r, g, b, alpha 0-255
    underline: tuple[int, int, int, int] | None
    selected: bool


def segment_style(spans: list[HighlightSpan], selected_claim: int | None) -> SegmentStyle:
    """The look of a piece of text covered by ``spans`` (innermost first)."""
    firsts = [_color(s.colors[0] if s.colors else FALLBACK_COLOR) for s in spans]
    n = len(firsts)
    r = sum(c.red() for c in firsts) / n
    g = sum(c.green() for c in firsts) / n
    b = sum(c.blue() for c in firsts) / n
    alpha = min(FILL_ALPHA + FILL_ALPHA_STEP * (n - 1), FILL_ALPHA_MAX)
    selected = selected_claim is not None and any(s.claim_id == selected_claim for s in spans)
    if selected:
        alpha = min(alpha + SELECTED_ALPHA_BOOST, SELECTED_ALPHA_MAX)
    underline = None
    multi = next((s for s in spans if len(s.colors) > 1), None)
    if multi is not None:
        u = _color(multi.colors[1])
        underline = (u.red(), u.green(), u.blue(), 255)
    elif n > 1:
        u = QColor(round(r), round(g), round(b)).darker(170)
        underline = (u.red(), u.green(), u.blue(), 255)
    elif selected:
        u = firsts[0].darker(150)
        underline = (u.red(), u.green(), u.blue(), 255)
    return SegmentStyle((round(r), round(g), round(b), round(alpha * 255)), underline, selected)


def _char_format(style: SegmentStyle) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(*style.fill))
    if style.underline is not None:
        fmt.setUnderlineStyle(
            QTextCharFormat.UnderlineStyle.WaveUnderline
            if style.selected
            else QTextCharFormat.UnderlineStyle.SingleUnderline
        )
        fmt.setUnderlineColor(QColor(*style.underline))
    return fmt


def _innermost_key(span: HighlightSpan) -> tuple[int, int, int]:
    return (span.end - span.start, -span.start, span.claim_id)


class HighlightLayer:
    """The claims of one view and their cached extra selections."""

    def __init__(self, document: QTextDocument | None = None, offsets: OffsetMap | None = None) -> None:
        self._doc = document
        self._offsets = offsets
        self._spans: dict[int, HighlightSpan] = {}
        self._selected: int | None = None
        # Segments, sorted and disjoint: parallel lists.
        self._seg_start: list[int] = []
        self._seg_end: list[int] = []
        self._seg_ids: list[tuple[int, ...]] = []  # covering claims, innermost first
        self._seg_style: list[SegmentStyle] = []
        self._seg_sel: list[QTextEdit.ExtraSelection | None] = []
        self._list_cache: list[QTextEdit.ExtraSelection] | None = None
        self.rebuild_count = 0  # ExtraSelection objects built so far

    # -- document ---------------------------------------------------------
    def set_document(self, document: QTextDocument | None, offsets: OffsetMap | None) -> None:
        """Point the layer at another document; every selection is rebuilt."""
        self._doc = document
        self._offsets = offsets
        self._seg_sel = [None] * len(self._seg_start)
        self._list_cache = None

    # -- spans ------------------------------------------------------------
    def spans(self) -> list[HighlightSpan]:
        return sorted(self._spans.values(), key=lambda s: (s.start, s.end, s.claim_id))

    def span(self, claim_id: int) -> HighlightSpan | None:
        return self._spans.get(claim_id)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._spans

    def set_spans(self, spans: list[HighlightSpan]) -> None:
        self._spans = {s.claim_id: s for s in spans}
        self._seg_start, self._seg_end, self._seg_ids, self._seg_style, self._seg_sel = [], [], [], [], []
        if self._spans:
            lo = min(s.start for s in self._spans.values())
            hi = max(s.end for s in self._spans.values())
            self._resegment(lo, hi)
        self._list_cache = None

    def upsert(self, span: HighlightSpan) -> None:
        old = self._spans.get(span.claim_id)
        self._spans[span.claim_id] = span
        lo, hi = span.start, span.end
        if old is not None:
            if old == span:
                return
            lo, hi = min(lo, old.start), max(hi, old.end)
        self._resegment(lo, hi)

    def remove(self, claim_id: int) -> None:
        old = self._spans.pop(claim_id, None)
        if old is not None:
            self._resegment(old.start, old.end)
        if self._selected == claim_id:
            self._selected = None

    def clear(self) -> None:
        self.set_spans([])

    # -- selection --------------------------------------------------------
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
                self._resegment(s.start, s.end)

    # -- queries ----------------------------------------------------------
    def claims_at(self, cp: int) -> list[int]:
        """Claims covering code point ``cp``, innermost (shortest) first."""
        i = bisect_right(self._seg_start, cp) - 1
        if i >= 0 and cp < self._seg_end[i]:
            return list(self._seg_ids[i])
        return []

    def segments(self) -> list[tuple[int, int, tuple[int, ...]]]:
        """``(start, end, claim_ids)`` of every elementary segment, in order."""
        return list(zip(self._seg_start, self._seg_end, self._seg_ids))

    def segment_format(self, cp: int) -> QTextCharFormat | None:
        """The format painted over code point ``cp`` (None if unpainted)."""
        i = bisect_right(self._seg_start, cp) - 1
        if i >= 0 and cp < self._seg_end[i]:
            return _char_format(self._seg_style[i])
        return None

    def selections(self) -> list[QTextEdit.ExtraSelection]:
        if self._list_cache is None:
            out = []
            for i, sel in enumerate(self._seg_sel):
                if sel is None:
                    sel = self._build(i)
                    if sel is None:
                        continue
                    self._seg_sel[i] = sel
                out.append(sel)
            self._list_cache = out
        return self._list_cache

    # -- internals --------------------------------------------------------
    def _build(self, i: int) -> QTextEdit.ExtraSelection | None:
        if self._doc is None:
            return None
        to_u16 = self._offsets.to_utf16 if self._offsets is not None else (lambda x: x)
        cursor = QTextCursor(self._doc)
        cursor.setPosition(to_u16(self._seg_start[i]))
        cursor.setPosition(to_u16(self._seg_end[i]), QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cursor
        sel.format = _char_format(self._seg_style[i])
        self.rebuild_count += 1
        return sel

    def _resegment(self, lo: int, hi: int) -> None:
        """Recompute the segments over ``[lo, hi)``, widened to the edges of
        the existing segments it cuts, reusing unchanged selections."""
        starts, ends = self._seg_start, self._seg_end
        # Segments that overlap or touch [lo, hi), so that neighbours left
        # with the same claims merge again.
        a = bisect_left(ends, lo)
        b = bisect_right(starts, hi)
        if a < b:
            lo = min(lo, starts[a])
            hi = max(hi, ends[b - 1])
        old = {
            (starts[k], ends[k], self._seg_style[k]): self._seg_sel[k] for k in range(a, b)
        }
        covering = [s for s in self._spans.values() if s.start < hi and s.end > lo and s.end > s.start]
        bounds = {lo, hi}
        for s in covering:
            bounds.add(max(s.start, lo))
            bounds.add(min(s.end, hi))
        points = sorted(bounds)
        new_start: list[int] = []
        new_end: list[int] = []
        new_ids: list[tuple[int, ...]] = []
        new_style: list[SegmentStyle] = []
        new_sel: list[QTextEdit.ExtraSelection | None] = []
        by_start = sorted(covering, key=lambda s: s.start)
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
            if new_end and new_end[-1] == x and new_ids[-1] == ids and new_style[-1] == style:
                new_end[-1] = y  # same claims on both sides of a boundary
                new_sel[-1] = None
                continue
            new_start.append(x)
            new_end.append(y)
            new_ids.append(ids)
            new_style.append(style)
            new_sel.append(None)
        for k in range(len(new_start)):
            new_sel[k] = old.get((new_start[k], new_end[k], new_style[k]))
        starts[a:b] = new_start
        ends[a:b] = new_end
        self._seg_ids[a:b] = new_ids
        self._seg_style[a:b] = new_style
        self._seg_sel[a:b] = new_sel
        self._list_cache = None
