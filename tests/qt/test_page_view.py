"""The page view: a PDF document's original page beside the text, following
the selected claim, with the claim's boxes drawn on the rendered page."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pdfsamples
import pytest
from PySide6.QtCore import QPoint
from window_support import isolated_qsettings, make_claim, make_window, modals  # noqa: F401 - fixtures

from desktop_app.core.importers.pdf import parse_pdf
from desktop_app.core.store import Store
from desktop_app.qt.page_view import NO_SOURCE, NOT_PDF


@pytest.fixture
def pdf_library(tmp_path, monkeypatch):
    """A database with a three-page two-column PDF; the store keeps its bytes."""
    sample = pdfsamples.article(pages=3, columns=2)
    db = tmp_path / "lib.db"
    with Store.open(db, annotator="reporter") as store:
        doc = parse_pdf(sample.data, name="report.pdf")
        row = store.add_document(doc, original_name="report.pdf")
        assert store.document_source(row.id).data == sample.data
    return SimpleNamespace(db=db, doc_id=row.id, sample=sample)


def _yellowish(image, x: int, y: int) -> bool:
    c = image.pixelColor(x, y)
    return c.red() > 200 and c.green() > 170 and c.blue() < 190


def test_page_view_follows_the_selected_claim(qtbot, pdf_library, modals, isolated_qsettings, tmp_path):
    w = make_window(qtbot, pdf_library.db)
    try:
        controller = w.page_view
        view = controller.view
        assert controller.dock.isHidden()
        pane = w.panes[0]
        w.open_document(pdf_library.doc_id, pane)
        assert controller.dock.isVisible()  # shown for a PDF
        qtbot.waitUntil(lambda: view.canvas.image is not None, timeout=10000)
        assert view.label.text() == "Page 1 of 3" and view.page == 0

        # a claim on a line of the second page: the view turns to it and marks it
        _page, x, y, _width, line = next(item for item in pdf_library.sample.lines if item[0] == 1 and len(item[4]) > 40)
        words = line.split(" ")[:4]
        text = pane.view.canonical_text
        start = text.index(" ".join(words))
        end = start + len(" ".join(words))
        make_claim(w, qtbot, pane, start, end, "1")
        qtbot.waitUntil(lambda: view.page == 1 and bool(view.canvas.boxes), timeout=10000)
        assert view.label.text() == "Page 2 of 3"
        (left, top, right, bottom), *_ = view.canvas.boxes
        assert abs(left - x / pdfsamples.PAGE[0]) < 0.01
        assert abs(bottom - (1 - y / pdfsamples.PAGE[1])) < 0.02
        # the box is drawn where the words are on the rendered page
        grab = view.canvas.grab().toImage()
        shown = view.canvas.page_rect()
        centre = QPoint(int(shown.left() + (left + right) / 2 * shown.width()),
                        int(shown.top() + (top + bottom) / 2 * shown.height()))
        assert any(_yellowish(grab, centre.x() + dx, centre.y() + dy) for dx in (-3, 0, 3) for dy in (-1, 0, 1))
        w.grab().save(str(tmp_path / "page-view.png"))
        # with MARGINALIA_SCREENSHOT_DIR set, the pictures are kept there (the README shows page-view.png
        # as resources/screenshot-pdf.png)
        if os.environ.get("MARGINALIA_SCREENSHOT_DIR"):
            w.grab().save(str(Path(os.environ["MARGINALIA_SCREENSHOT_DIR"]) / "page-view.png"))

        # at 1024x700 the page still fits beside the text
        w.resize(1024, 700)
        qtbot.waitUntil(lambda: view.canvas.image is not None and bool(view.canvas.boxes), timeout=10000)
        qtbot.wait(300)  # the resize re-render is debounced (120 ms)
        shown = view.canvas.page_rect()
        assert shown.width() > 100 and shown.height() > 140
        if os.environ.get("MARGINALIA_SCREENSHOT_DIR"):
            w.grab().save(str(Path(os.environ["MARGINALIA_SCREENSHOT_DIR"]) / "page-view-1024.png"))

        # turning pages by hand (from the page shown: following the pane after the resize may have
        # turned it), and the View menu toggles the view
        while view.next.isEnabled():
            shown_page = view.page
            view.next.click()
            qtbot.waitUntil(lambda: view.page == shown_page + 1 and view.label.text() == f"Page {shown_page + 2} of 3",
                            timeout=10000)
        assert view.label.text() == "Page 3 of 3"
        assert not view.next.isEnabled()
        controller.action.trigger()
        assert controller.dock.isHidden() and controller.user_closed
        controller.action.trigger()
        assert controller.dock.isVisible()
    finally:
        w.close()
    assert controller.view._thread is None  # the render thread stopped with the window


def test_page_view_without_the_original_or_for_text(qtbot, pdf_library, modals, isolated_qsettings):
    import sqlite3

    conn = sqlite3.connect(pdf_library.db)  # the original bytes are not in the database (imported before they were kept)
    with conn:
        conn.execute("DELETE FROM document_sources")
    conn.close()
    w = make_window(qtbot, pdf_library.db)
    try:
        view = w.page_view.view
        w.open_document(pdf_library.doc_id, w.panes[0])
        qtbot.waitUntil(lambda: view.canvas.message == NO_SOURCE, timeout=10000)
        assert view.canvas.image is None
        seed = next(d.id for d in w.store.list_documents() if d.id != pdf_library.doc_id)
        w.open_document(seed, w.panes[0])
        assert view.canvas.message == NOT_PDF and view.doc_id is None
    finally:
        w.close()


def test_an_encrypted_pdf_asks_for_its_password(qtbot, tmp_path, modals, isolated_qsettings, monkeypatch):
    from desktop_app.qt import dialogs

    sample = pdfsamples.article(pages=1, password="kestrel-42")
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(sample.data)
    asked = []
    answers = ["guess", "kestrel-42"]

    def ask_password(parent, file_name, wrong):
        asked.append((file_name, wrong))
        return answers.pop(0)

    monkeypatch.setattr(dialogs, "ask_password", ask_password)
    w = make_window(qtbot, tmp_path / "lib.db")
    try:
        before = len(w.store.list_documents())
        assert w.annotator.import_files([locked])
        qtbot.waitUntil(lambda: len(w.store.list_documents()) == before + 1, timeout=20000)
        # asked once, then again after a wrong answer, then imported
        assert asked == [("locked.pdf", False), ("locked.pdf", True)]
        doc = w.store.list_documents()[-1]
        assert doc.source_format == "pdf" and sample.paragraphs[0] in w.store.document_text(doc.id).split("\n")
        assert not any("kestrel" in text for text in modals.texts())
    finally:
        w.close()


def test_page_view_follows_the_page_being_read(qtbot, pdf_library, modals, isolated_qsettings, monkeypatch):
    """With the page starts kept with the document, scrolling the text turns
    the page shown."""
    from desktop_app.core.pdf_pages import page_of

    starts = parse_pdf(pdf_library.sample.data, name="report.pdf").pages
    assert len(starts) == 3
    load = Store.load_document

    def load_with_pages(self, doc_id):
        doc = load(self, doc_id)
        if doc_id == pdf_library.doc_id:
            doc.pages = list(starts)
        return doc

    monkeypatch.setattr(Store, "load_document", load_with_pages)
    w = make_window(qtbot, pdf_library.db)
    try:
        view = w.page_view.view
        pane = w.panes[0]
        w.open_document(pdf_library.doc_id, pane)
        qtbot.waitUntil(lambda: view.label.text() == "Page 1 of 3", timeout=10000)
        bar = pane.view.verticalScrollBar()
        bar.setValue(bar.maximum())
        start, _end = pane.view._visible_range()
        expected = page_of(starts, start)
        assert expected > 0
        qtbot.waitUntil(lambda: view.label.text() == f"Page {expected + 1} of 3", timeout=10000)
        # a claim's page wins over the scroll position until the text moves again
        text = pane.view.canonical_text
        first_words = " ".join(pdf_library.sample.paragraphs[0].split()[:3])
        begin = text.index(first_words)
        claim = w.store.add_claim(pdf_library.doc_id, begin, begin + len(first_words), [])
        w.annotator.select_claim(claim.id)
        qtbot.waitUntil(lambda: view.page == 0 and bool(view.canvas.boxes), timeout=10000)
    finally:
        w.close()


def test_switching_databases_forgets_the_page_and_the_pdf(qtbot, pdf_library, modals, isolated_qsettings,
                                                           tmp_path):
    """The next database may give its documents the same ids: nothing of the
    old one's PDF (the open file, the rendered pages) is kept."""
    w = make_window(qtbot, pdf_library.db)
    try:
        view = w.page_view.view
        w.open_document(pdf_library.doc_id, w.panes[0])
        qtbot.waitUntil(lambda: view.canvas.image is not None and view._renderer._pages is not None, timeout=10000)
        assert view._cache
        assert w.open_database(tmp_path / "other.db")
        assert not view._cache and view.doc_id is None  # the new database has no PDF
        qtbot.waitUntil(lambda: view._renderer._pages is None and view._renderer._doc_id is None, timeout=10000)
    finally:
        w.close()


def test_closing_while_a_page_is_read_waits_a_bounded_time_and_keeps_the_thread(qtbot, monkeypatch):
    """The render thread busy on a page whose bytes never come (a team
    database gone quiet): closing waits STOP_WAIT_MS, not for ever, and the
    thread outlives the view until it ends."""
    import threading
    from types import SimpleNamespace

    import shiboken6

    from desktop_app.qt import page_view
    from desktop_app.qt.threads import still_running

    gate, asked = threading.Event(), threading.Event()

    class SilentStore:
        def document_source(self, _doc_id):
            asked.set()
            gate.wait(30)
            return None

    monkeypatch.setattr(page_view, "STOP_WAIT_MS", 100)
    view = page_view.PageView()
    qtbot.addWidget(view)
    try:
        view.show_document(SilentStore(), 7, SimpleNamespace(source_format="pdf", pages=[0, 100]))
        assert asked.wait(20)
        view.shutdown()
        assert still_running() == 1
        shiboken6.delete(view)  # the window goes; the thread must not go with it
    finally:
        gate.set()
    qtbot.waitUntil(lambda: still_running() == 0, timeout=20000)
