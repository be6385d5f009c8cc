"""A claim made while the team database cannot be reached is painted at once
as a pending highlight (lighter, dashed underline), which survives repaints,
is replaced by the claim's own highlight once saved and disappears if the
edit is dropped or the database closed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QToolTip
from window_support import isolated_qsettings, make_window, modals, point_of, settle  # noqa: F401 - fixtures

from desktop_app.core.document import StructuredDocument, blocks_for_lines
from desktop_app.core.store import Store
from desktop_app.qt.highlights import PENDING_TOOLTIP, HighlightLayer, HighlightSpan
from desktop_app.qt.offsets import OffsetMap
from desktop_app.qt.rendering import build_document

BACK_MS = 20000
DASH = QTextCharFormat.UnderlineStyle.DashUnderline
TEXT = ("Before 😀 the span, 𝐀 astral too. The pending claim sits on these words here.\n"
        "A saved claim lies on this second line, next to another waiting one.\n"
        "And a third line, to leave some room below.")


def _span(phrase: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(phrase)  # code points, as the store counts
    return start, start + len(phrase)


def _u16(cp: int, text: str = TEXT) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def _pending_selections(view):
    dash = [s for s in view.extraSelections() if s.format.underlineStyle() == DASH]
    return [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in dash], dash


def _tag_by_key(qtbot, view, start: int, end: int, key: str = "2") -> None:
    view.select_offsets(start, end)
    view.setFocus()
    qtbot.keyClick(view, key)


@pytest.fixture
def team_window(qtbot, pg_url, modals, isolated_qsettings):  # noqa: F811
    w = make_window(qtbot, pg_url)
    doc = w.store.add_document(StructuredDocument(text=TEXT, blocks=blocks_for_lines(TEXT)), original_name="e.txt")
    w.events.documentsChanged.emit()
    w.open_document(doc.id, w.panes[0])
    qtbot.waitUntil(lambda: w.panes[0].view.document_id == doc.id, timeout=20000)  # read off the UI thread
    w.doc_id = doc.id
    yield w
    if w.pending.waiting():
        modals.confirm_answers.append(True)
    w.close()


# ------------------------------------------------------------ the layer alone
def test_the_layer_paints_pending_spans_after_the_claims_and_keeps_them_through_set_spans(qapp):
    omap = OffsetMap(TEXT)
    layer = HighlightLayer(build_document(StructuredDocument(text=TEXT, blocks=blocks_for_lines(TEXT))), omap)
    start, end = _span("pending claim")
    layer.set_spans([HighlightSpan(1, 0, 6, ("#e53935",))])
    assert layer.set_pending([HighlightSpan(-1, start, end, ("#1e88e5",), PENDING_TOOLTIP)])
    assert not layer.set_pending([HighlightSpan(-1, start, end, ("#1e88e5",), PENDING_TOOLTIP)])  # unchanged
    sels = layer.selections()
    last = sels[-1]
    assert (last.cursor.selectionStart(), last.cursor.selectionEnd()) == (_u16(start), _u16(end))
    assert last.format.underlineStyle() == DASH
    assert layer.pending_at(start) and not layer.pending_at(end) and layer.claims_at(start) == []
    layer.set_spans([HighlightSpan(2, 10, 12, ("#43a047",))])  # a repaint of the claims
    assert layer.selections()[-1].format.underlineStyle() == DASH
    built = layer.rebuild_count
    layer.upsert(HighlightSpan(3, 20, 22, ("#43a047",)))
    layer.selections()
    assert layer.rebuild_count == built + 1  # the pending selection is reused, not rebuilt
    layer.set_pending([])
    assert all(s.format.underlineStyle() != DASH for s in layer.selections())


# ------------------------------------------------------------ the window
def test_a_claim_made_offline_is_painted_pending_then_replaced_by_the_saved_claim(
    team_window, qtbot, pg_server, pg_url, modals, tmp_path
):
    w = team_window
    pane = w.panes[0]
    view = pane.view
    saved_start, saved_end = _span("saved claim")
    view.select_offsets(saved_start, saved_end)
    view.setFocus()
    qtbot.keyClick(view, "1")
    saved_id = w.annotator.selected_claim
    assert saved_id is not None and saved_id in view.highlight_layer
    start, end = _span("pending claim")
    other = _span("another waiting")
    second = w.add_pane(w.doc_id)  # a second pane on the same document
    qtbot.waitUntil(lambda: second.view.document_id == w.doc_id, timeout=20000)
    rows = w.store.paint_rows(w.doc_id)
    pg_server.stop()
    try:
        _tag_by_key(qtbot, view, start, end)
        _tag_by_key(qtbot, view, *other, key="1")
        assert len(w.pending) == 2
        spans, dash = _pending_selections(view)
        # Exactly the spans, in UTF-16 (an emoji and a mathematical letter come before them).
        assert _u16(start) == start + 2
        assert spans == [(_u16(start), _u16(end)), (_u16(other[0]), _u16(other[1]))]
        assert dash[0].format.background().color().alpha() < 0.25 * 255
        layer = view.highlight_layer
        assert [s.claim_id for s in layer.spans()] == [saved_id]  # no claim for them
        assert layer.pending_at(start)[0].tooltip == PENDING_TOOLTIP
        # Hovering it says why it looks so (and asks the offline store nothing).
        pos = point_of(view, start + 3)
        view.event(QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
        tip = QToolTip.text()
        QToolTip.hideText()
        assert PENDING_TOOLTIP in tip
        assert _pending_selections(second.view)[0] == spans  # every pane showing the document
        # A repaint from live updates (here with the rows it read before) keeps them.
        w.live._repaint_panes(SimpleNamespace(paint_rows=lambda _doc_id: rows), None)
        assert _pending_selections(view)[0] == spans and saved_id in view.highlight_layer
        w.annotator.select_claim(None)  # the saved claim painted as any other, for the picture
        view.setTextCursor(view.cursorForPosition(view.viewport().rect().bottomRight()))
        settle()
        pane.grab().save(str(tmp_path / "pending_highlight.png"))
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: not w.pending.waiting(), timeout=BACK_MS)
    assert _pending_selections(view)[0] == [] and _pending_selections(second.view)[0] == []
    with Store.open(pg_url) as fresh:
        made = {(c.start, c.end): c.id for c in fresh.list_claims(document_ids=[w.doc_id])}
    assert (start, end) in made and other in made
    new = made[(start, end)]
    assert view.highlight_layer.span(new)[1:3] == (start, end)
    fmt = view.highlight_layer.segment_format(start)
    assert fmt is not None and fmt.underlineStyle() != DASH
    assert not modals.errors


def test_a_dropped_edit_takes_its_pending_highlight_away(team_window, qtbot, pg_server, pg_url, modals):
    w = team_window
    view = w.panes[0].view
    tag = next(t for t in w.annotator.tags.values() if t.key == 2)
    start, end = _span("pending claim")
    pg_server.stop()
    try:
        _tag_by_key(qtbot, view, start, end)
        assert len(w.pending) == 1 and _pending_selections(view)[0] == [(_u16(start), _u16(end))]
        # Hold the retries until the tag is removed elsewhere, so that the edit cannot be made.
        w.pending.retry = lambda force=False: False
    finally:
        pg_server.start()
    with Store.open(pg_url) as s:
        s.remove_tag(tag.id, untag=True)
    del w.pending.retry
    qtbot.waitUntil(lambda: not w.pending.waiting(), timeout=BACK_MS)
    assert len(modals.errors) == 1 and "could not be made" in modals.errors[0]
    assert view.document_id == w.doc_id
    assert _pending_selections(view)[0] == []
    assert view.highlight_layer.pending == ()
    assert not [c for c in w.store.list_claims(document_ids=[w.doc_id]) if (c.start, c.end) == (start, end)]


def test_closing_the_database_takes_the_pending_highlights_away(team_window, qtbot, pg_server, modals):
    w = team_window
    view = w.panes[0].view
    start, end = _span("pending claim")
    pg_server.stop()
    try:
        _tag_by_key(qtbot, view, start, end)
        assert _pending_selections(view)[0]
        w.pending.detach()
        assert _pending_selections(view)[0] == [] and view.highlight_layer.pending == ()
    finally:
        pg_server.start()
