"""HighlightLayer: claims as cached extra selections over elementary segments."""

from __future__ import annotations


from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QTextCharFormat

from desktop_app.core.document import StructuredDocument, blocks_for_lines
from desktop_app.qt.highlights import HighlightLayer, HighlightSpan
from desktop_app.qt.offsets import OffsetMap
from desktop_app.qt.rendering import build_document

RED, BLUE, GREEN, GOLD = "#e53935", "#1e88e5", "#43a047", "#fbc02d"
TEXT = "Zero 😀 one two 𝐀 three\nfour five 👍🏽 six\nseven eight nine ten eleven twelve"


def layer_for(text=TEXT):
    doc = StructuredDocument(text=text, blocks=blocks_for_lines(text))
    omap = OffsetMap(text)
    qdoc = build_document(doc)
    return HighlightLayer(qdoc, omap), qdoc, omap


def test_overlapping_claims_make_segments_with_different_formats(qapp):
    layer, qdoc, omap = layer_for()
    layer.set_spans(
        [
            HighlightSpan(1, 0, 10, (RED,), "one"),
            HighlightSpan(2, 5, 15, (BLUE,), "two"),
            HighlightSpan(3, 7, 8, (GREEN, GOLD), "three"),
        ]
    )
    assert layer.segments() == [
        (0, 5, (1,)),
        (5, 7, (2, 1)),
        (7, 8, (3, 2, 1)),
        (8, 10, (2, 1)),
        (10, 15, (2,)),
    ]
    f_red, f_both, f_three, f_blue = (layer.segment_format(cp) for cp in (0, 5, 7, 12))
    fills = [f.background().color() for f in (f_red, f_both, f_three, f_blue)]
    assert len({c.name(QColor.NameFormat.HexArgb) for c in fills}) == 4
    # One claim: translucent, its tag colour; overlaps: blended and more opaque.
    assert fills[0].red() == QColor(RED).red() and 80 <= fills[0].alpha() <= 100
    assert fills[3].blue() == QColor(BLUE).blue()
    assert fills[1].alpha() > fills[0].alpha() and fills[2].alpha() >= fills[1].alpha()
    assert fills[2].alpha() <= 0.66 * 255
    assert fills[1].red() == round((QColor(RED).red() + QColor(BLUE).red()) / 2)
    # Underlines: none for one single-tag claim, darker for overlaps, the
    # second tag's colour for a multi-tag claim.
    assert f_red.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert f_both.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline
    assert f_three.underlineColor() == QColor(GOLD)
    # The text colour is never touched.
    assert all(not f.hasProperty(QTextCharFormat.Property.ForegroundBrush) for f in (f_red, f_both, f_three))
    assert layer.segment_format(20) is None


def test_selections_cover_utf16_positions(qapp):
    layer, qdoc, omap = layer_for()
    start, end = TEXT.index("😀"), TEXT.index("six") + 3  # across a block boundary
    layer.set_spans([HighlightSpan(7, start, end, (RED,), "")])
    sels = layer.selections()
    # one selection per block (Qt would lay out the whole document to measure
    # a selection across blocks), together covering the claim but the newlines
    assert len(sels) == TEXT[start:end].count("\n") + 1
    assert sels[0].cursor.selectionStart() == omap.to_utf16(start)
    assert sels[-1].cursor.selectionEnd() == omap.to_utf16(end)
    for sel in sels:
        assert sel.cursor.block() == qdoc.findBlock(sel.cursor.selectionEnd())
    assert "\n".join(sel.cursor.selectedText() for sel in sels) == TEXT[start:end]


def test_claims_at_innermost_first(qapp):
    layer, _, _ = layer_for()
    layer.set_spans([HighlightSpan(1, 0, 30, (RED,)), HighlightSpan(2, 4, 8, (BLUE,)), HighlightSpan(3, 2, 12, (RED,))])
    assert layer.claims_at(5) == [2, 3, 1]
    assert layer.claims_at(2) == [3, 1]
    assert layer.claims_at(0) == [1]
    assert layer.claims_at(30) == [] and layer.claims_at(-1) == []
    assert layer.span(2).end == 8 and layer.span(99) is None


def test_upsert_and_remove_rebuild_only_touched_segments(qapp):
    text = " ".join(f"word{i}" for i in range(4000))
    layer, _, _ = layer_for(text)
    spans = [HighlightSpan(i, i * 20, i * 20 + 8, (RED, BLUE) if i % 3 == 0 else (GREEN,)) for i in range(1000)]
    layer.set_spans(spans)
    assert len(layer.selections()) == 1000
    assert layer.rebuild_count == 1000

    layer.upsert(HighlightSpan(5000, 10_010, 10_015, (GOLD,)))  # a new claim on its own
    assert len(layer.selections()) == 1001
    assert layer.rebuild_count == 1001

    layer.upsert(HighlightSpan(10, 204, 224, (BLUE,)))  # moved: overlaps claim 11 now
    layer.selections()
    assert layer.rebuild_count - 1001 <= 4
    assert layer.claims_at(222) == [11, 10]

    before = layer.rebuild_count
    layer.upsert(HighlightSpan(10, 204, 224, (BLUE,)))  # unchanged: nothing to do
    layer.remove(10)
    layer.selections()
    assert layer.rebuild_count - before <= 2  # claim 11 regains its own look
    assert layer.claims_at(222) == [11]
    assert len(layer.selections()) == 1000

    before = layer.rebuild_count
    layer.set_selected_claim(20)
    layer.selections()
    assert layer.rebuild_count - before == 1
    layer.set_selected_claim(30)
    layer.selections()
    assert layer.rebuild_count - before == 3  # 20 back to normal, 30 emphasised


def test_selecting_a_claim_keeps_its_colour_and_line(qapp):
    """Selection must not change what tag (or status) a highlight appears to
    be: the fill and line stay; the view outlines the selected claim."""
    layer, _, _ = layer_for()
    layer.set_spans([HighlightSpan(1, 0, 4, (RED,)), HighlightSpan(2, 10, 14, (RED,), "", "refuted")])
    plain, refuted = layer.segment_format(0), layer.segment_format(10)
    layer.set_selected_claim(1)
    chosen = layer.segment_format(0)
    assert chosen.background().color() == plain.background().color()
    assert chosen.underlineStyle() == plain.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    layer.set_selected_claim(2)
    assert layer.segment_format(10).background().color() == refuted.background().color()
    assert layer.segment_format(10).underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert layer.line_rects(2) == [(10, 14)]
    layer.remove(2)
    assert layer.selected_claim is None


def test_work_stays_inside_the_window_whatever_the_number_of_claims(qapp):
    """With thousands of claims, only those in the painted window get selections,
    and a claim added outside the window builds none."""
    text = "x" * 200_000
    layer, _, _ = layer_for(text)
    spans = [HighlightSpan(i, i * 50, i * 50 + 60, (RED, BLUE)) for i in range(3900)]
    layer.set_spans(spans)
    layer.set_window(100_000, 103_000)
    sels = layer.selections()
    covered = {cid for a, b, ids in layer.segments() if a < 103_000 and b > 100_000 for cid in ids}
    assert 0 < len(sels) <= 2 * len(covered) + 1 < 200
    assert layer.rebuild_count == len(sels)
    before = layer.rebuild_count
    layer.upsert(HighlightSpan(10_000, 10, 40, (GOLD,)))  # far outside the window
    assert layer.selections() is sels and layer.rebuild_count == before
    layer.upsert(HighlightSpan(10_001, 101_000, 101_010, (GOLD,)))  # inside: a few segments change
    layer.selections()
    assert 0 < layer.rebuild_count - before <= 3
    assert layer.claims_at(20) == [10_000, 0]  # queries see every claim, painted or not
    layer.set_window(None)
    assert len(layer.selections()) > 3000


_span = st.tuples(st.integers(0, 8), st.integers(0, 40), st.integers(0, 12), st.integers(0, 3))
_COLORS = [(RED,), (BLUE,), (GREEN, GOLD), (RED, BLUE)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.booleans(), _span), max_size=25), st.one_of(st.none(), st.integers(0, 8)))
def test_incremental_segments_equal_fresh_ones(ops, selected):
    layer = HighlightLayer()
    live: dict[int, HighlightSpan] = {}
    layer.set_selected_claim(selected)
    for is_remove, (cid, start, length, color) in ops:
        if is_remove:
            layer.remove(cid)
            live.pop(cid, None)
        else:
            span = HighlightSpan(cid, start, start + length, _COLORS[color])
            layer.upsert(span)
            live[cid] = span
    fresh = HighlightLayer()
    fresh.set_spans(list(live.values()))
    if layer.selected_claim is not None:
        fresh.set_selected_claim(layer.selected_claim)
    assert layer.segments() == fresh.segments()
    for cp in range(0, 55):
        expected = sorted(
            (s for s in live.values() if s.start <= cp < s.end), key=lambda s: (s.end - s.start, -s.start, s.claim_id)
        )
        assert layer.claims_at(cp) == [s.claim_id for s in expected]
        a, b = layer.segment_format(cp), fresh.segment_format(cp)
        assert (a is None) == (b is None)
        if a is not None:
            assert a == b
