"""A novel of many short paragraphs: what the reader does to find the text
it shows, and what opening such a document in the window runs. No timing:
the work is counted (blocks measured, collections run)."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QPoint

from desktop_app.core.document import StructuredDocument, blocks_for_lines
from desktop_app.core.gc_pause import collector_paused
from desktop_app.qt.reader import ReaderView

from window_support import (  # noqa: F401 - fixtures
    db_file,
    isolated_qsettings,
    modals,
    window,
)

LINES = 20_000


def dialogue_text(lines: int = LINES) -> str:
    """Short lines of dialogue and blank lines, an astral character in every
    tenth line, so that code points and Qt positions drift apart."""
    out = []
    for i in range(lines // 2):
        star = " \U0001F56F" if i % 10 == 0 else ""
        out.append(f"\u201cLine {i}\u2014yes,\u201d said Anna{star}.")
        out.append("")
    return "\n".join(out)


@pytest.fixture
def novel(qtbot):
    text = dialogue_text()
    doc = StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text")
    doc.check()
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.show_document(1, doc)
    return view


def shown_at(view: ReaderView, point: QPoint) -> int:
    """The code point of the character under a viewport point on a text line."""
    return view.offsets.to_codepoint(view.cursorForPosition(point).position())


def test_the_text_shown_is_found_by_measuring_a_few_blocks(novel):
    assert novel.document().blockCount() == LINES
    novel.layout_probes = 0
    lo, hi = novel._visible_range()
    # galloping then bisecting: a few dozen blocks of the 20,000, not all of them
    assert 0 < novel.layout_probes <= 60
    assert lo == 0
    middle = shown_at(novel, QPoint(20, novel.viewport().height() // 2))
    assert lo <= middle <= hi
    assert hi - lo < 2_000  # a screenful, not the document


def test_the_text_shown_follows_scrolling_in_code_points(novel, qtbot):
    # lay out the whole text, as Qt does while idle, so that the scroll range is final
    height = novel.document().size().height()
    bar = novel.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() >= height - 2 * novel.viewport().height())
    text = novel.canonical_text
    for fraction in (0.5, 0.9, 0.3, 1.0):
        novel.layout_probes = 0
        bar.setValue(int(bar.maximum() * fraction))
        lo, hi = novel._visible_range()
        assert novel.layout_probes <= 80
        middle = shown_at(novel, QPoint(20, novel.viewport().height() // 2))
        assert lo <= middle <= hi, fraction
        assert hi - lo < 2_000
        # offsets are code points: the range cuts the canonical text at line starts and ends
        assert lo == 0 or text[lo - 1] == "\n"
        assert hi == len(text) or text[hi] == "\n"
    assert hi == len(text)  # at the bottom, the last line is shown


def test_collector_paused_restores_the_collector():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that disabled it keeps it disabled
    finally:
        gc.enable()


def test_opening_a_document_in_the_window_runs_no_collection(window, monkeypatch):
    with window.store.transaction():
        text = dialogue_text(4_000)
        doc = StructuredDocument(text=text, blocks=blocks_for_lines(text), source_format="text", sha256="1" * 64)
        doc_id = window.store.add_document(doc, original_name="dialogue.txt").id
    window.store.add_claims_bulk(doc_id, [(i * 250, i * 250 + 40) for i in range(200)])
    pane = window.panes[0]
    collections = []
    marks = {}

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    def watch(obj, name, mark):
        original = getattr(obj, name)

        def watched(*args):
            marks.setdefault(mark, (gc.isenabled(), len(collections)))
            out = original(*args)
            marks[mark + " done"] = (gc.isenabled(), len(collections))
            return out

        monkeypatch.setattr(obj, name, watched)

    watch(pane, "show_document", "document")
    watch(pane.view, "set_highlights", "claims")
    gc.callbacks.append(count)
    try:
        window.annotator._docs_cache.clear()
        gc.collect()
        collections.clear()
        # a threshold of 10 objects: without the pause, opening would collect hundreds of times
        gc.set_threshold(10, 1, 1)
        window.open_document(doc_id, pane)
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(700, 10, 10)
    # from reading the document to painting its claims, the collector is held and never runs
    assert marks["document"] == (False, 0)
    assert marks["claims done"] == (False, 0)
    assert gc.isenabled()
    assert pane.view.document_id == doc_id
    assert len(pane.view.highlight_layer) == 200
